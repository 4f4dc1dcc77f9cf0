//! Uploading (`POST /api/v1/files`, multipart) and serving (`GET /berkas/{sha256}`) files.

use super::store::{self, StoredFile};
use crate::identity::domain::Action;
use crate::web::{AppError, AppState, Ctx, WebResult};
use axum::Json;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/berkas/{sha}", get(serve))
        .routes(routes!(upload))
        // The handler enforces the configured limit; this outer bound keeps memory in check.
        .layer(DefaultBodyLimit::max(64 * 1024 * 1024))
}

#[derive(utoipa::ToSchema)]
#[schema(as = kernel::files::UploadForm)]
#[allow(dead_code)]
struct UploadForm {
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    file: String,
}

/// Uploads one file (PDF, PNG, JPEG, WebP or GIF, checked by content). It is private: sealed at
/// rest and served by no URL of its own until a room shows it publicly (a lot's photo), which
/// only its uploader can ask for.
#[utoipa::path(post, path = "/api/v1/files", operation_id = "uploadFile", tag = "files", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, body = StoredFile), (status = 400), (status = 401), (status = 413), (status = 415)))]
async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    mut form: Multipart,
) -> WebResult<Response> {
    ctx.require(&Action::UploadFile)?;
    let max = state.config.max_upload_bytes;
    while let Some(mut field) = form
        .next_field()
        .await
        .map_err(|_| AppError::bad_request("error.bad_request"))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("file").to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|_| AppError::bad_request("error.bad_request"))?
        {
            bytes.extend_from_slice(&chunk);
            if bytes.len() > max {
                return Err(crate::Error::File(super::domain::FileError::TooLarge { max }).into());
            }
        }
        let stored = store::put(
            &state.db,
            &state.config.data_dir,
            &state.keys,
            &ctx.actor(),
            super::domain::Access::Private,
            &name,
            &bytes,
            max,
        )
        .await?;
        return Ok((StatusCode::CREATED, Json(stored)).into_response());
    }
    Err(AppError::bad_request("file.error.missing"))
}

/// `/berkas/{sha256}`: public files only; a private or unknown digest is 404 alike.
async fn serve(State(state): State<AppState>, Path(sha): Path<String>) -> WebResult<Response> {
    let file = store::get_public(&state.db, &state.config.data_dir, &state.keys, &sha)
        .await?
        .ok_or_else(AppError::not_found)?;
    Ok(send(file, Caching::Immutable))
}

/// How a served file may be kept by browsers and shared caches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caching {
    /// A public file by its digest: the same URL never changes content.
    Immutable,
    /// Public now but may be withdrawn (evidence of a published innovation): kept briefly.
    PublicShort,
    /// Personal or not yet public: never stored by any cache.
    Private,
}

/// A stored file as a response: its type, a safe name, and headers that keep a browser from
/// running it as a page. Rooms call this for the private files they serve after their checks.
pub fn send(file: super::store::FileContent, caching: Caching) -> Response {
    let mut resp = file.bytes.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&file.mime)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(match caching {
            Caching::Immutable => "public, max-age=31536000, immutable",
            Caching::PublicShort => "public, max-age=300",
            Caching::Private => "private, no-store",
        }),
    );
    if caching != Caching::Private
        && let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", file.sha256))
    {
        h.insert(header::ETAG, v);
    }
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    let encoded = crate::web::forms::urlencode(&file.original_name);
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename*=UTF-8''{encoded}")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

//! Evidence forms: documents uploaded to a section of the regent's method and photos of the
//! innovation (multipart, the CSRF token in the query), and their removal. The rules are in
//! `domain::documents`; these routes only translate HTTP to them.

use super::visible;
use crate::domain::documents::{self, AttachmentKind, EvidenceError};
use crate::store::Innovation;
use crate::store::documents as documents_store;
use anjungan_kernel::web::{AppError, AppState, Ctx, WebResult};
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/inovasi/{id}/dokumen", post(add_document))
        .route("/inovasi/{id}/dokumen/{doc}/hapus", post(remove_document))
        .route("/inovasi/{id}/foto", post(add_photo))
        .route("/inovasi/{id}/foto/{photo}/hapus", post(remove_photo))
        .route("/inovasi/{id}/lampiran/{doc}", axum::routing::get(download))
        // The handlers enforce the configured upload limit; this outer bound keeps memory in check.
        .layer(DefaultBodyLimit::max(64 * 1024 * 1024))
}

pub(crate) use crate::error::evidence_error;

/// The innovation, if the signed-in person may attach evidence to it now.
async fn attachable(state: &AppState, ctx: &Ctx, id: i64) -> Result<Innovation, AppError> {
    let inv = visible(state, ctx, id).await?;
    documents::may_attach(inv.status, ctx.signed_in()?, &inv.owner()).map_err(evidence_error)?;
    Ok(inv)
}

/// A multipart form's text fields and its `file` part.
#[derive(Default)]
struct Upload {
    texts: Vec<(String, String)>,
    file_name: String,
    bytes: Vec<u8>,
}

impl Upload {
    fn text(&self, name: &str) -> &str {
        self.texts
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// Text fields longer than this are refused (titles are far shorter).
const TEXT_LIMIT: usize = 4 * 1024;

async fn read_upload(mut form: Multipart, max: usize) -> Result<Upload, AppError> {
    let bad = |_| AppError::bad_request("error.bad_request");
    let mut up = Upload::default();
    while let Some(mut field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            up.file_name = field.file_name().unwrap_or("file").to_string();
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                up.bytes.extend_from_slice(&chunk);
                if up.bytes.len() > max {
                    return Err(anjungan_kernel::Error::File(
                        anjungan_kernel::files::domain::FileError::TooLarge { max },
                    )
                    .into());
                }
            }
        } else {
            let text = field.text().await.map_err(bad)?;
            if text.len() > TEXT_LIMIT {
                return Err(AppError::bad_request("error.too_long"));
            }
            up.texts.push((name, text));
        }
    }
    Ok(up)
}

/// Checks an upload with `rule`, stores its file and attaches it; returns the innovation id.
async fn attach(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    form: Multipart,
    rule: impl FnOnce(&Upload, usize) -> Result<documents::NewAttachment, EvidenceError>,
) -> Result<documents::NewAttachment, AppError> {
    let inv = attachable(state, ctx, id).await?;
    let max = state.config.max_upload_bytes;
    let up = read_upload(form, max).await?;
    let new = rule(&up, max).map_err(evidence_error)?;
    let file = anjungan_kernel::files::store::prepare(
        &state.db,
        &state.config.data_dir,
        &state.keys,
        anjungan_kernel::files::domain::Access::Private,
        &up.file_name,
        &up.bytes,
        max,
    )
    .await?;
    crate::service::documents::attach(&state.db, &ctx.actor(), inv.id, &new, file).await?;
    Ok(new)
}

/// A document or photo of an innovation, to whoever may see the innovation: anyone while it is
/// public (kept by caches briefly, since it may be withdrawn), otherwise its unit's staff and
/// the coordinator, never stored by a cache.
async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, doc)): Path<(i64, i64)>,
) -> WebResult<Response> {
    use anjungan_kernel::files::web::{Caching, send};
    let inv = visible(&state, &ctx, id).await?;
    let attachment = documents_store::list(&state.db, inv.id)
        .await?
        .into_iter()
        .find(|a| a.id == doc)
        .ok_or_else(AppError::not_found)?;
    let file = anjungan_kernel::files::store::get(
        &state.db,
        &state.config.data_dir,
        &state.keys,
        &attachment.sha256,
    )
    .await?
    .ok_or_else(AppError::not_found)?;
    let caching = if inv.status.public() {
        Caching::PublicShort
    } else {
        Caching::Private
    };
    Ok(send(file, caching))
}

async fn add_document(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    form: Multipart,
) -> WebResult<Response> {
    let new = attach(&state, &ctx, id, form, |up, max| {
        documents::document(up.text("section"), up.text("title"), &up.bytes, max)
    })
    .await?;
    let section = new.section.map_or("", |s| s.code());
    Ok(Redirect::to(&format!("/inovasi/{id}#dokumen-{section}")).into_response())
}

async fn add_photo(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    form: Multipart,
) -> WebResult<Response> {
    attach(&state, &ctx, id, form, |up, max| {
        documents::photo(up.text("caption"), &up.bytes, max)
    })
    .await?;
    Ok(Redirect::to(&format!("/inovasi/{id}#foto")).into_response())
}

async fn remove(
    state: AppState,
    ctx: Ctx,
    id: i64,
    kind: AttachmentKind,
    att: i64,
) -> WebResult<Response> {
    let inv = attachable(&state, &ctx, id).await?;
    crate::service::documents::detach(&state.db, &ctx.actor(), inv.id, kind, att).await?;
    let anchor = match kind {
        AttachmentKind::Document => "kesiapan",
        AttachmentKind::Photo => "foto",
    };
    Ok(Redirect::to(&format!("/inovasi/{id}#{anchor}")).into_response())
}

async fn remove_document(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, doc)): Path<(i64, i64)>,
) -> WebResult<Response> {
    remove(state, ctx, id, AttachmentKind::Document, doc).await
}

async fn remove_photo(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, photo)): Path<(i64, i64)>,
) -> WebResult<Response> {
    remove(state, ctx, id, AttachmentKind::Photo, photo).await
}

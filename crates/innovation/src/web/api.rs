//! `/api/v1/innovations`: the public catalogue, and the agencies' and coordinator's workflow.

use super::{step, visible};
use crate::domain::documents::AttachmentKind;
use crate::domain::{Command, Draft, Partner, Pillar, Profile, Status, may_create};
use crate::store::documents as documents_store;
use crate::store::{self, Filter, Innovation};
use anjungan_kernel::web::{AppError, AppState, Ctx, WebResult};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update))
        .routes(routes!(submit))
        .routes(routes!(verify))
        .routes(routes!(return_back))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = innovation::InnovationView)]
struct InnovationView {
    id: i64,
    organisation_id: i64,
    organisation: String,
    status: Status,
    version: i64,
    profile: Option<Profile>,
    partners: Vec<Partner>,
    /// The regent's four pillars and whether each is complete.
    readiness: Vec<PillarState>,
    review_note: String,
    /// Figures measured by the platform itself for linked sources.
    live: Vec<crate::ports::Figures>,
    /// Petung Dadi's measured figures for linked services (last twelve months).
    live_services: Vec<crate::ports::ServiceFigures>,
    /// Supporting evidence, each filed under a pillar.
    documents: Vec<DocumentView>,
    /// Photos of the innovation (PNG, JPEG or WebP).
    photos: Vec<PhotoView>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = innovation::PillarState)]
struct PillarState {
    pillar: Pillar,
    /// Whether the profile states what the pillar needs (evidence does not change this).
    complete: bool,
    /// How many evidence documents are filed under the pillar.
    documents: usize,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = innovation::DocumentView)]
struct DocumentView {
    id: i64,
    /// The pillar it supports.
    section: Pillar,
    title: String,
    /// Where the file is served.
    url: String,
    mime: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = innovation::PhotoView)]
struct PhotoView {
    id: i64,
    caption: String,
    /// Where the image is served.
    url: String,
    mime: String,
}

async fn view(
    state: &AppState,
    live: &crate::ports::Live,
    i: Innovation,
) -> Result<InnovationView, AppError> {
    let (figures, live_services) = super::pages::live_figures(state, live, i.id).await?;
    let partners: Vec<Partner> = store::partners(&state.db, i.id)
        .await?
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    let (mut documents, mut photos) = (Vec::new(), Vec::new());
    for a in documents_store::list(&state.db, i.id).await? {
        match (a.kind, a.section) {
            (AttachmentKind::Document, Some(section)) => documents.push(DocumentView {
                id: a.id,
                section,
                url: a.url(),
                title: a.title,
                mime: a.mime,
            }),
            (AttachmentKind::Photo, _) => photos.push(PhotoView {
                id: a.id,
                url: a.url(),
                caption: a.title,
                mime: a.mime,
            }),
            (AttachmentKind::Document, None) => {}
        }
    }
    let readiness = i
        .profile
        .as_ref()
        .map(|p| {
            p.readiness(partners.len())
                .iter()
                .map(|(pillar, complete)| PillarState {
                    pillar: *pillar,
                    complete: *complete,
                    documents: documents.iter().filter(|d| d.section == *pillar).count(),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(InnovationView {
        id: i.id,
        organisation_id: i.org_id,
        organisation: i.org_name,
        status: i.status,
        version: i.version,
        profile: i.profile,
        partners,
        readiness,
        review_note: i.review_note,
        live: figures,
        live_services,
        documents,
        photos,
    })
}

/// Verified innovations, filtered, 100 per page (`halaman`). Public.
#[utoipa::path(get, path = "/api/v1/innovations", operation_id = "listInnovations", tag = "innovation", params(Filter),
    responses((status = 200, body = Vec<InnovationView>)))]
async fn list(
    State(state): State<AppState>,
    Extension(live): Extension<crate::ports::Live>,
    Query(f): Query<Filter>,
) -> WebResult<Json<Vec<InnovationView>>> {
    let f = f.normalised();
    let page = f.halaman.unwrap_or(1).clamp(1, 1_000_000);
    let items = store::list(
        &state.db,
        &[Status::Verified],
        None,
        &f,
        100,
        (page - 1) * 100,
    )
    .await?;
    let mut out = Vec::with_capacity(items.len());
    for i in items {
        out.push(view(&state, &live, i).await?);
    }
    Ok(Json(out))
}

/// One innovation (public when verified; otherwise its agency's staff and the coordinator).
#[utoipa::path(get, path = "/api/v1/innovations/{id}", operation_id = "getInnovation", tag = "innovation",
    params(("id" = i64, Path, description = "Innovation id")), responses((status = 200, body = InnovationView), (status = 404)))]
async fn get_one(
    State(state): State<AppState>,
    Extension(live): Extension<crate::ports::Live>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> WebResult<Json<InnovationView>> {
    let i = visible(&state, &ctx, id).await?;
    Ok(Json(view(&state, &live, i).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = innovation::NewInnovation)]
struct NewInnovation {
    /// The owning agency, village or ward.
    organisation_id: i64,
    #[serde(flatten)]
    draft: Draft,
}

fn invalid(ctx: &Ctx, errs: &[crate::domain::FieldError]) -> AppError {
    let t = ctx.tr();
    let text: Vec<String> = errs
        .iter()
        .map(|(f, k)| format!("{}: {}", t.s(&format!("innovation.field.{f}")), t.s(k)))
        .collect();
    let mut e = AppError::bad_request("innovation.error.invalid");
    e.args.push(("problems", text.join("; ")));
    e
}

/// Registers a draft innovation for an organisation (its unit staff).
#[utoipa::path(post, path = "/api/v1/innovations", operation_id = "createInnovation", tag = "innovation", security(("bearer" = [])),
    request_body = NewInnovation, responses((status = 201, body = InnovationView), (status = 400), (status = 401), (status = 403)))]
async fn create(
    State(state): State<AppState>,
    Extension(live): Extension<crate::ports::Live>,
    ctx: Ctx,
    Json(body): Json<NewInnovation>,
) -> WebResult<Response> {
    let p = ctx.signed_in()?;
    let org = anjungan_kernel::orgs::store::get(&state.db, body.organisation_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    if !may_create(p, &org.as_ref()) {
        return Err(anjungan_kernel::Error::Access(
            anjungan_kernel::identity::domain::AccessError::Forbidden,
        )
        .into());
    }
    let profile = body.draft.validate().map_err(|e| invalid(&ctx, &e))?;
    let id =
        crate::service::innovations::create(&state.db, &ctx.actor(), org.id, &body.draft, &profile)
            .await?;
    let i = store::get(&state.db, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    Ok((StatusCode::CREATED, Json(view(&state, &live, i).await?)).into_response())
}

/// Replaces the profile of a draft or returned innovation (a new version).
#[utoipa::path(put, path = "/api/v1/innovations/{id}", operation_id = "updateInnovation", tag = "innovation", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Innovation id")), request_body = Draft,
    responses((status = 200, body = InnovationView), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn update(
    State(state): State<AppState>,
    Extension(live): Extension<crate::ports::Live>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(draft): Json<Draft>,
) -> WebResult<Json<InnovationView>> {
    let i = visible(&state, &ctx, id).await?;
    step(&state, &ctx, &i, Command::Edit).await?;
    let profile = draft.validate().map_err(|e| invalid(&ctx, &e))?;
    crate::service::innovations::update(&state.db, &ctx.actor(), &i, &draft, &profile).await?;
    let i = store::get(&state.db, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    Ok(Json(view(&state, &live, i).await?))
}

async fn apply(
    state: AppState,
    live: crate::ports::Live,
    ctx: Ctx,
    id: i64,
    cmd: Command,
) -> WebResult<Json<InnovationView>> {
    let i = visible(&state, &ctx, id).await?;
    step(&state, &ctx, &i, cmd).await?;
    let i = store::get(&state.db, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    Ok(Json(view(&state, &live, i).await?))
}

/// Submits for verification (unit staff); refused while the profile is incomplete.
#[utoipa::path(post, path = "/api/v1/innovations/{id}/submit", operation_id = "submitInnovation", tag = "innovation", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Innovation id")), responses((status = 200, body = InnovationView), (status = 400), (status = 403), (status = 409)))]
async fn submit(
    State(state): State<AppState>,
    Extension(live): Extension<crate::ports::Live>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> WebResult<Json<InnovationView>> {
    apply(state, live, ctx, id, Command::Submit).await
}

/// Verifies a submitted innovation (coordinator); it then appears in the public catalogue.
#[utoipa::path(post, path = "/api/v1/innovations/{id}/verify", operation_id = "verifyInnovation", tag = "innovation", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Innovation id")), responses((status = 200, body = InnovationView), (status = 403), (status = 409)))]
async fn verify(
    State(state): State<AppState>,
    Extension(live): Extension<crate::ports::Live>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> WebResult<Json<InnovationView>> {
    apply(state, live, ctx, id, Command::Verify).await
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = innovation::ReturnNote)]
struct ReturnNote {
    /// What the agency should fix.
    note: String,
}

/// Returns a submitted innovation to its agency with a note (coordinator).
#[utoipa::path(post, path = "/api/v1/innovations/{id}/return", operation_id = "returnInnovation", tag = "innovation", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Innovation id")), request_body = ReturnNote,
    responses((status = 200, body = InnovationView), (status = 400), (status = 403), (status = 409)))]
async fn return_back(
    State(state): State<AppState>,
    Extension(live): Extension<crate::ports::Live>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(b): Json<ReturnNote>,
) -> WebResult<Json<InnovationView>> {
    apply(state, live, ctx, id, Command::Return { note: b.note }).await
}

//! Organisation pages (admin list, new agency, profile editing) and API.

use super::domain::{OrgError, OrgKind, OrgProfile, Organisation};
use super::store::{self, OrgFilter};
use crate::identity::domain::Action;
use crate::web::pages::render;
use crate::web::{AppError, AppState, Ctx, Shell, WebResult};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Json};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/admin/organisasi", get(list_page).post(create_agency))
        .route("/admin/organisasi/{id}", get(edit_page).post(edit))
        .routes(routes!(list_api, create_api))
        .routes(routes!(get_api, update_api))
}

async fn load(state: &AppState, id: i64) -> WebResult<Organisation> {
    store::get(&state.db, id)
        .await?
        .ok_or_else(AppError::not_found)
}

#[derive(Template)]
#[template(path = "orgs.html")]
struct ListPage {
    shell: Shell,
    orgs: Vec<Organisation>,
    kinds: [OrgKind; 5],
    kind: String,
    q: String,
    form: OrgProfile,
    code: String,
    error: Option<String>,
}

impl ListPage {
    fn count_text(&self) -> String {
        self.shell
            .t
            .f("org.count", &[("n", &self.orgs.len().to_string())])
    }
}

async fn list_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(filter): Query<OrgFilter>,
) -> WebResult<Response> {
    ctx.require(&Action::ManageAgencies)?;
    let orgs = store::list(&state.db, &filter).await?;
    render(&ListPage {
        shell: Shell::new(&ctx),
        orgs,
        kinds: OrgKind::ALL,
        kind: filter.kind.unwrap_or_default(),
        q: filter.q.unwrap_or_default(),
        form: OrgProfile::default(),
        code: String::new(),
        error: None,
    })
}

#[derive(Deserialize)]
struct AgencyForm {
    code: String,
    #[serde(flatten)]
    profile: OrgProfile,
}

async fn create_agency(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<AgencyForm>,
) -> WebResult<Response> {
    ctx.require(&Action::ManageAgencies)?;
    match store::create_agency(&state.db, &ctx.actor(), &f.code, f.profile.clone()).await {
        Ok(id) => Ok(Redirect::to(&format!("/admin/organisasi/{id}?saved=1")).into_response()),
        Err(e) => {
            let err = AppError::from(e);
            if err.status.is_server_error() {
                return Err(err);
            }
            let filter = OrgFilter {
                kind: Some("agency".into()),
                ..Default::default()
            };
            let page = ListPage {
                shell: Shell::new(&ctx),
                orgs: store::list(&state.db, &filter).await?,
                kinds: OrgKind::ALL,
                kind: "agency".into(),
                q: String::new(),
                form: f.profile,
                code: f.code,
                error: Some(err.message(ctx.tr())),
            };
            Ok((err.status, render(&page)?).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "org_edit.html")]
struct EditPage {
    shell: Shell,
    org: Organisation,
    form: OrgProfile,
    error: Option<String>,
    saved: bool,
}

#[derive(Deserialize)]
struct SavedQuery {
    saved: Option<String>,
}

async fn edit_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> WebResult<Response> {
    let org = load(&state, id).await?;
    ctx.require(&Action::EditOrgProfile(&org.as_ref()))?;
    let form = profile_of(&org);
    render(&EditPage {
        shell: Shell::new(&ctx),
        org,
        form,
        error: None,
        saved: q.saved.is_some(),
    })
}

fn profile_of(o: &Organisation) -> OrgProfile {
    OrgProfile {
        name: o.name.clone(),
        short_name: o.short_name.clone(),
        email: o.email.clone(),
        phone: o.phone.clone(),
        address: o.address.clone(),
        head_name: o.head_name.clone(),
        website: o.website.clone(),
    }
}

async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<OrgProfile>,
) -> WebResult<Response> {
    let org = load(&state, id).await?;
    ctx.require(&Action::EditOrgProfile(&org.as_ref()))?;
    match store::update_profile(&state.db, &ctx.actor(), &org, form.clone()).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/organisasi/{id}?saved=1")).into_response()),
        Err(e) => {
            let err = AppError::from(e);
            if err.status.is_server_error() {
                return Err(err);
            }
            let page = EditPage {
                shell: Shell::new(&ctx),
                org,
                form,
                error: Some(err.message(ctx.tr())),
                saved: false,
            };
            Ok((err.status, render(&page)?).into_response())
        }
    }
}

// --- API ---

/// Organisations: the regency, districts, villages, wards and agencies. Public.
#[utoipa::path(get, path = "/api/v1/organisations", operation_id = "listOrganisations", tag = "organisations", params(OrgFilter),
    responses((status = 200, body = Vec<Organisation>)))]
async fn list_api(
    State(state): State<AppState>,
    Query(filter): Query<OrgFilter>,
) -> WebResult<Json<Vec<Organisation>>> {
    if let Some(k) = filter.kind.as_deref().filter(|k| !k.is_empty())
        && OrgKind::parse(k).is_none()
    {
        return Err(AppError::bad_request("org.error.bad_kind"));
    }
    Ok(Json(store::list(&state.db, &filter).await?))
}

/// One organisation. Public.
#[utoipa::path(get, path = "/api/v1/organisations/{id}", operation_id = "getOrganisation", tag = "organisations",
    params(("id" = i64, Path, description = "Organisation id")),
    responses((status = 200, body = Organisation), (status = 404, content_type = "application/problem+json")))]
async fn get_api(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> WebResult<Json<Organisation>> {
    Ok(Json(load(&state, id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = kernel::orgs::NewAgency)]
struct NewAgency {
    /// e.g. `DISKOMINFO`
    code: String,
    #[serde(flatten)]
    profile: OrgProfile,
}

/// Adds an agency (OPD) under the regency (admin).
#[utoipa::path(post, path = "/api/v1/organisations", operation_id = "createAgency", tag = "organisations", security(("bearer" = [])), request_body = NewAgency,
    responses((status = 201, body = Organisation), (status = 400), (status = 401), (status = 403), (status = 409)))]
async fn create_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<NewAgency>,
) -> WebResult<Response> {
    ctx.require(&Action::ManageAgencies)?;
    let id = store::create_agency(&state.db, &ctx.actor(), &body.code, body.profile).await?;
    Ok((StatusCode::CREATED, Json(load(&state, id).await?)).into_response())
}

/// Replaces an organisation's profile (admin, or staff of that unit).
#[utoipa::path(put, path = "/api/v1/organisations/{id}", operation_id = "updateOrganisation", tag = "organisations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Organisation id")), request_body = OrgProfile,
    responses((status = 200, body = Organisation), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn update_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(body): Json<OrgProfile>,
) -> WebResult<Json<Organisation>> {
    let org = load(&state, id).await?;
    ctx.require(&Action::EditOrgProfile(&org.as_ref()))?;
    store::update_profile(&state.db, &ctx.actor(), &org, body).await?;
    Ok(Json(load(&state, id).await?))
}

impl From<OrgError> for AppError {
    fn from(e: OrgError) -> Self {
        crate::Error::from(e).into()
    }
}

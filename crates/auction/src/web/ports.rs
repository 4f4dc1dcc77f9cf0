//! The administrator's settings of Lion: ports (name, place, the organisation whose staff run
//! it, the minimum of eligible buyers, and the levy rules by regional regulation) and the species
//! catalogue — on a page and through the API.

use crate::domain::AuctionError;
use crate::domain::levy::LevyRules;
use crate::domain::levy_form::LevyForm;
use crate::service;
use crate::store::catalogue::{self, Port, PortInput, Species};
use anjungan_kernel::web::pages::render;
use anjungan_kernel::web::{AppError, AppState, Ctx, Shell, WebResult};
use askama::Template;
use axum::extract::{Path, State as St};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/lelang/kelola/pelabuhan", get(settings).post(save_port))
        .route("/lelang/kelola/jenis", post(save_species))
        .routes(routes!(put_port))
        .routes(routes!(post_species))
}

fn admin(ctx: &Ctx) -> WebResult<()> {
    if ctx.signed_in()?.is_admin() {
        Ok(())
    } else {
        Err(AuctionError::Forbidden.into())
    }
}

struct PortRow {
    port: Port,
    form: LevyForm,
}

#[derive(Template)]
#[template(path = "auction_ports.html")]
struct SettingsPage {
    shell: Shell,
    ports: Vec<PortRow>,
    species: Vec<Species>,
    new_levy: LevyForm,
    error: Option<String>,
}

async fn settings_view(
    state: &AppState,
    ctx: &Ctx,
    error: Option<String>,
) -> WebResult<SettingsPage> {
    admin(ctx)?;
    let ports = catalogue::ports(&state.db)
        .await?
        .into_iter()
        .map(|p| PortRow {
            form: LevyForm::from_rules(&p.levy),
            port: p,
        })
        .collect();
    Ok(SettingsPage {
        shell: Shell::new(ctx),
        ports,
        species: catalogue::species(&state.db).await?,
        new_levy: LevyForm::from_rules(&LevyRules::trenggalek_default()),
        error,
    })
}

async fn settings(St(state): St<AppState>, ctx: Ctx) -> WebResult<Response> {
    render(&settings_view(&state, &ctx, None).await?)
}

async fn again(state: &AppState, ctx: &Ctx, e: AppError) -> WebResult<Response> {
    if !e.status.is_client_error()
        || e.status == StatusCode::UNAUTHORIZED
        || e.status == StatusCode::FORBIDDEN
    {
        return Err(e);
    }
    let msg = e.message(ctx.tr());
    let mut resp = render(&settings_view(state, ctx, Some(msg)).await?)?;
    *resp.status_mut() = e.status;
    Ok(resp)
}

#[derive(serde::Deserialize)]
struct PortForm {
    #[serde(default)]
    kode: String,
    #[serde(default)]
    nama: String,
    #[serde(default)]
    tempat: String,
    #[serde(default)]
    organisasi: String,
    #[serde(default)]
    min_bakul: String,
    #[serde(flatten)]
    levy: LevyForm,
}

async fn save_port(
    St(state): St<AppState>,
    ctx: Ctx,
    Form(f): Form<PortForm>,
) -> WebResult<Response> {
    admin(&ctx)?;
    let r = async {
        let levy = f
            .levy
            .parse()
            .map_err(|e| AppError::new(StatusCode::UNPROCESSABLE_ENTITY, e.0))?;
        let min_buyers: i64 = f
            .min_bakul
            .trim()
            .parse()
            .map_err(|_| AuctionError::BadRules("min_buyers"))?;
        let org_id = match f.organisasi.trim() {
            "" => None,
            code => Some(
                anjungan_kernel::orgs::store::get_by_code(&state.db, code)
                    .await
                    .map_err(anjungan_kernel::Error::from)?
                    .ok_or(AuctionError::NotFound)?
                    .id,
            ),
        };
        let input = PortInput {
            code: &f.kode,
            name: &f.nama,
            place: &f.tempat,
            org_id,
            min_buyers,
            levy: &levy,
        };
        service::catalogue::upsert_port(&state.db, &ctx.actor(), &input).await?;
        Ok::<(), AppError>(())
    }
    .await;
    match r {
        Ok(()) => Ok(Redirect::to("/lelang/kelola/pelabuhan").into_response()),
        Err(e) => again(&state, &ctx, e).await,
    }
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = auction::SpeciesInput)]
struct SpeciesInput {
    /// FAO ASFIS 3-alpha code.
    code: String,
    local_name: String,
    #[serde(default)]
    english_name: String,
    #[serde(default)]
    scientific_name: String,
}

#[derive(serde::Deserialize)]
struct SpeciesForm {
    #[serde(default)]
    kode: String,
    #[serde(default)]
    nama: String,
    #[serde(default)]
    inggris: String,
    #[serde(default)]
    ilmiah: String,
}

async fn save_species(
    St(state): St<AppState>,
    ctx: Ctx,
    Form(f): Form<SpeciesForm>,
) -> WebResult<Response> {
    admin(&ctx)?;
    match service::catalogue::add_species(&state.db, &f.kode, &f.nama, &f.inggris, &f.ilmiah).await
    {
        Ok(_) => Ok(Redirect::to("/lelang/kelola/pelabuhan").into_response()),
        Err(e) => again(&state, &ctx, e.into()).await,
    }
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = auction::PortUpdate)]
struct PortUpdate {
    name: String,
    #[serde(default)]
    place: String,
    /// The organisation whose auctioneers and cashiers run the port.
    org_id: Option<i64>,
    min_buyers: i64,
    /// `{"basis": {"kind": "percent", "seller_bp": 300, "buyer_bp": 300}, "rounding": "half_up",
    /// "round_to": 1, "accounts": [{"code": "kas_daerah", "name": "Kas Daerah", "share_bp": 6500}, …]}`
    #[schema(value_type = Object)]
    levy: LevyRules,
}

/// Creates or updates a port by its code (administrators).
#[utoipa::path(put, path = "/api/v1/auction/ports/{code}", operation_id = "saveAuctionPort", tag = "auction",
    request_body = PortUpdate, params(("code" = String, Path, description = "Port code, e.g. PRIGI")), security(("bearer" = [])),
    responses((status = 200, body = Port), (status = 401), (status = 403), (status = 422)))]
async fn put_port(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Json(u): Json<PortUpdate>,
) -> WebResult<Json<Port>> {
    admin(&ctx)?;
    let input = PortInput {
        code: &code,
        name: &u.name,
        place: &u.place,
        org_id: u.org_id,
        min_buyers: u.min_buyers,
        levy: &u.levy,
    };
    let id = service::catalogue::upsert_port(&state.db, &ctx.actor(), &input).await?;
    Ok(Json(catalogue::port(&state.db, id).await?))
}

/// Adds a species to the catalogue (administrators); an existing code is kept as it is.
#[utoipa::path(post, path = "/api/v1/auction/species", operation_id = "addAuctionSpecies", tag = "auction",
    request_body = SpeciesInput, security(("bearer" = [])),
    responses((status = 201, body = Species), (status = 401), (status = 403), (status = 422)))]
async fn post_species(
    St(state): St<AppState>,
    ctx: Ctx,
    Json(s): Json<SpeciesInput>,
) -> WebResult<(StatusCode, Json<Species>)> {
    admin(&ctx)?;
    let id = service::catalogue::add_species(
        &state.db,
        &s.code,
        &s.local_name,
        &s.english_name,
        &s.scientific_name,
    )
    .await?;
    let sp = catalogue::species(&state.db)
        .await?
        .into_iter()
        .find(|x| x.id == id)
        .ok_or(AuctionError::NotFound)?;
    Ok((StatusCode::CREATED, Json(sp)))
}

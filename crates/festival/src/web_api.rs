//! The festival's results as JSON: the computed ranking (each rank with its phase scores and
//! shortlist standing) and the awards with their certificates. Public once results are out;
//! the coordinator (signed in or with a bearer token) sees them before.

use crate::catalogue::Catalogue;
use crate::domain::phase::results_out;
use crate::domain::scoring::fmt2;
use crate::store::{self, Edition};
use anjungan_kernel::web::{AppError, AppState, Ctx, WebResult};
use axum::extract::{Path, State};
use axum::{Extension, Json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(ranking_api))
        .routes(routes!(awards_api))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PhaseScoreView {
    pub phase: String,
    pub weight: u32,
    /// Two decimals; absent when nobody scored the entry in this phase (counts 0).
    pub score: Option<String>,
    pub jurors: usize,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RankView {
    pub position: usize,
    pub entry: i64,
    pub innovation: Option<i64>,
    pub name: String,
    pub organisation: String,
    pub final_score: String,
    pub tie_break: bool,
    /// Phases whose shortlist the entry passed.
    pub shortlisted: Vec<String>,
    /// The phase at whose shortlist it stopped.
    pub stopped: Option<String>,
    pub phases: Vec<PhaseScoreView>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AwardJson {
    /// winner_1, winner_2, winner_3, favourite or special
    pub category: String,
    pub entry: i64,
    pub name: String,
    pub organisation: String,
    pub certificate: String,
    pub verify: String,
}

/// The edition, if its results may be shown to this caller.
async fn visible(state: &AppState, ctx: &Ctx, number: &str) -> Result<Edition, AppError> {
    let e = crate::web::edition_by(state, number).await?;
    let phases = store::phases(&state.db, e.id).await?;
    if results_out(&phases, anjungan_kernel::clock::now_ms())
        || crate::web::coordinator(ctx).is_ok()
    {
        Ok(e)
    } else {
        Err(AppError::not_found())
    }
}

/// The computed ranking of an edition, explained per phase.
#[utoipa::path(get, path = "/api/v1/festival/editions/{number}/ranking", operation_id = "getRanking", tag = "festival",
    params(("number" = i64, Path, description = "Edition number")),
    responses((status = 200, body = Vec<RankView>), (status = 404, description = "No such edition, or results not out yet")))]
async fn ranking_api(
    State(state): State<AppState>,
    Extension(catalogue): Extension<Catalogue>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> WebResult<Json<Vec<RankView>>> {
    let e = visible(&state, &ctx, &number).await?;
    let (ranked, standings) = crate::web_jury::compute_ranking(&state, &e).await?;
    let entries = store::entries(&state.db, e.id).await?;
    let mut out = Vec::new();
    for r in ranked {
        let innovation = entries
            .iter()
            .find(|(id, _, _)| *id == r.entry)
            .map(|(_, i, _)| *i);
        let summary = match innovation {
            Some(i) => catalogue.get(i).await,
            None => None,
        };
        let standing = standings.get(&r.entry).cloned().unwrap_or_default();
        out.push(RankView {
            position: r.position,
            entry: r.entry,
            innovation,
            name: summary.as_ref().map(|s| s.name.clone()).unwrap_or_default(),
            organisation: summary.map(|s| s.organisation).unwrap_or_default(),
            final_score: fmt2(r.final_score),
            tie_break: r.tie_break,
            shortlisted: standing.passed,
            stopped: standing.stopped,
            phases: r
                .phases
                .iter()
                .map(|p| PhaseScoreView {
                    phase: p.phase.clone(),
                    weight: p.weight,
                    score: p.score.map(fmt2),
                    jurors: p.jurors.len(),
                })
                .collect(),
        });
    }
    Ok(Json(out))
}

/// The awards of an edition with their certificates and verification pages.
#[utoipa::path(get, path = "/api/v1/festival/editions/{number}/awards", operation_id = "listAwards", tag = "festival",
    params(("number" = i64, Path, description = "Edition number")),
    responses((status = 200, body = Vec<AwardJson>), (status = 404, description = "No such edition, or results not out yet")))]
async fn awards_api(
    State(state): State<AppState>,
    Extension(catalogue): Extension<Catalogue>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> WebResult<Json<Vec<AwardJson>>> {
    let e = visible(&state, &ctx, &number).await?;
    let views = crate::web_awards::views(&state, &catalogue, &e).await?;
    Ok(Json(
        views
            .into_iter()
            .map(|v| AwardJson {
                category: v.category.code().to_string(),
                entry: v.award.entry_id,
                name: v
                    .innovation
                    .as_ref()
                    .map(|i| i.name.clone())
                    .unwrap_or_default(),
                organisation: v.innovation.map(|i| i.organisation).unwrap_or_default(),
                certificate: format!("/festival/sertifikat/{}.pdf", v.award.code),
                verify: format!("/verifikasi/{}", v.award.code),
            })
            .collect(),
    ))
}

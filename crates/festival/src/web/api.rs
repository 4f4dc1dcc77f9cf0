//! The festival as JSON beyond the edition itself: entering an innovation, the entry's proposal
//! (read and write), a juror's score, the computed ranking (each rank with its phase scores and
//! shortlist standing) and the awards. Writes need a bearer token and follow the same rules as
//! the pages; results are public once out, and the coordinator sees them before.

use crate::domain::phase::results_out;
use crate::domain::scoring::fmt2;
use crate::ports::Catalogue;
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
        .routes(routes!(enter_api))
        .routes(routes!(proposal_api, write_proposal_api))
        .routes(routes!(score_api))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = festival::EnterRequest)]
pub struct EnterRequest {
    /// The innovation's id in the registry (verified, of the caller's own unit).
    pub innovation: i64,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = festival::EntryCreated)]
pub struct EntryCreated {
    pub entry: i64,
}

/// Enters one of the caller's unit's verified innovations while entries are open.
#[utoipa::path(post, path = "/api/v1/festival/editions/{number}/entries", operation_id = "enterInnovation", tag = "festival",
    params(("number" = i64, Path, description = "Edition number")), request_body = EnterRequest,
    responses((status = 201, body = EntryCreated), (status = 400, description = "Not verified, unknown, or entries not open"), (status = 401), (status = 403, description = "Not the innovation's unit"), (status = 409, description = "Already entered, or the limit of editions reached")),
    security(("bearer" = [])))]
async fn enter_api(
    State(state): State<AppState>,
    Extension(catalogue): Extension<Catalogue>,
    ctx: Ctx,
    Path(number): Path<String>,
    Json(r): Json<EnterRequest>,
) -> WebResult<(axum::http::StatusCode, Json<EntryCreated>)> {
    let e = crate::web::edition_by(&state, &number).await?;
    let phases = store::phases(&state.db, e.id).await?;
    let entry = crate::web::enter_innovation(
        &state,
        &catalogue,
        &ctx,
        &e,
        &phases,
        &r.innovation.to_string(),
    )
    .await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(EntryCreated { entry }),
    ))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = festival::ProposalSectionView)]
pub struct ProposalSectionView {
    pub key: String,
    pub title: String,
    pub word_limit: u32,
    pub text: String,
    pub words: usize,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = festival::ProposalView)]
pub struct ProposalView {
    pub entry: i64,
    pub name: String,
    /// Absent for jurors when the edition reviews blind.
    pub organisation: Option<String>,
    /// Whether the caller may write it now.
    pub editable: bool,
    pub sections: Vec<ProposalSectionView>,
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = festival::ProposalWrite)]
pub struct ProposalWrite {
    /// Text per section key; a section left out or empty is cleared.
    pub texts: std::collections::HashMap<String, String>,
}

fn proposal_view(l: crate::web::proposal::Loaded, entry: i64) -> ProposalView {
    use crate::domain::proposal::Access;
    let sections =
        l.e.proposal_sections
            .iter()
            .map(|s| {
                let text = l
                    .written
                    .iter()
                    .find(|(k, _)| *k == s.key)
                    .map(|(_, t)| t.clone())
                    .unwrap_or_default();
                ProposalSectionView {
                    key: s.key.clone(),
                    title: s.title.clone(),
                    word_limit: s.word_limit,
                    words: anjungan_kernel::text::word_count(&text),
                    text,
                }
            })
            .collect();
    ProposalView {
        entry,
        name: l.name,
        organisation: match l.access {
            Access::Read { show_agency: false } => None,
            _ => Some(l.agency),
        },
        editable: l.access == Access::Edit,
        sections,
    }
}

/// An entry's proposal: for its unit, the coordinator and its jurors; public once results are out.
#[utoipa::path(get, path = "/api/v1/festival/editions/{number}/entries/{entry}/proposal", operation_id = "getProposal", tag = "festival",
    params(("number" = i64, Path, description = "Edition number"), ("entry" = i64, Path, description = "Entry id")),
    responses((status = 200, body = ProposalView), (status = 401), (status = 403), (status = 404)))]
async fn proposal_api(
    State(state): State<AppState>,
    Extension(catalogue): Extension<Catalogue>,
    ctx: Ctx,
    Path((number, entry)): Path<(String, i64)>,
) -> WebResult<Json<ProposalView>> {
    let l = crate::web::proposal::load(&state, &catalogue, &ctx, &number, entry).await?;
    Ok(Json(proposal_view(l, entry)))
}

/// Writes the proposal while entries are open (the entering unit only); a section over its
/// word limit refuses the whole write.
#[utoipa::path(put, path = "/api/v1/festival/editions/{number}/entries/{entry}/proposal", operation_id = "writeProposal", tag = "festival",
    params(("number" = i64, Path, description = "Edition number"), ("entry" = i64, Path, description = "Entry id")), request_body = ProposalWrite,
    responses((status = 200, body = ProposalView), (status = 400, description = "A section over its word limit"), (status = 401), (status = 403), (status = 404), (status = 409, description = "Entries are closed")),
    security(("bearer" = [])))]
async fn write_proposal_api(
    State(state): State<AppState>,
    Extension(catalogue): Extension<Catalogue>,
    ctx: Ctx,
    Path((number, entry)): Path<(String, i64)>,
    Json(w): Json<ProposalWrite>,
) -> WebResult<Json<ProposalView>> {
    let l = crate::web::proposal::load(&state, &catalogue, &ctx, &number, entry).await?;
    let get = |k: &str| w.texts.get(k).cloned().unwrap_or_default();
    crate::web::proposal::write(&state, &ctx, &l, entry, get)
        .await?
        .map_err(|err| crate::web::proposal::refusal(&err))?;
    let l = crate::web::proposal::load(&state, &catalogue, &ctx, &number, entry).await?;
    Ok(Json(proposal_view(l, entry)))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = festival::ScoreRequest)]
pub struct ScoreRequest {
    /// A whole-number score per criterion key of the phase's rubric.
    pub scores: std::collections::HashMap<String, u32>,
    #[serde(default)]
    pub comment: String,
}

/// A juror scores an assigned entry while the phase is open (replacing an earlier score).
#[utoipa::path(post, path = "/api/v1/festival/editions/{number}/reviews/{phase}/{entry}", operation_id = "scoreEntry", tag = "festival",
    params(("number" = i64, Path, description = "Edition number"), ("phase" = String, Path, description = "Scored phase, e.g. desk_review"), ("entry" = i64, Path, description = "Entry id")),
    request_body = ScoreRequest,
    responses((status = 204, description = "Scored"), (status = 400, description = "A score outside the scale, a criterion missing, or a required comment missing"), (status = 401), (status = 403, description = "Not assigned to this entry"), (status = 404), (status = 409, description = "The phase is not open")),
    security(("bearer" = [])))]
async fn score_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((number, phase, entry)): Path<(String, String, i64)>,
    Json(r): Json<ScoreRequest>,
) -> WebResult<axum::http::StatusCode> {
    let e = crate::web::edition_by(&state, &number).await?;
    let get = |k: &str| match k.strip_prefix("s_") {
        Some(key) => r.scores.get(key).map(u32::to_string).unwrap_or_default(),
        None if k == "comment" => r.comment.clone(),
        None => String::new(),
    };
    crate::web::jury::submit_score(&state, &ctx, &e, &phase, entry, get).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = festival::PhaseScoreView)]
pub struct PhaseScoreView {
    pub phase: String,
    pub weight: u32,
    /// Two decimals; absent when nobody scored the entry in this phase (counts 0).
    pub score: Option<String>,
    pub jurors: usize,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = festival::RankView)]
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
#[schema(as = festival::AwardJson)]
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
    let (ranked, standings) = crate::web::jury::compute_ranking(&state, &e).await?;
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
    let views = crate::web::awards::views(&state, &catalogue, &e).await?;
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

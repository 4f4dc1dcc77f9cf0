//! The coordinator's settings of an edition: blind review, the proposal's sections, and the
//! rubric of each scored phase (criteria, scale, comments, aggregation, normalisation, phase
//! weight and shortlist size).

use crate::domain::proposal::{self, Section};
use crate::domain::rubric::{self, Row};
use crate::domain::scoring::{Aggregation, PhaseSpec, Rubric};
use crate::store::{self, Edition};
use anjungan_kernel::web::pages::render;
use anjungan_kernel::web::{AppError, AppState, Ctx, Shell, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/festival/{number}/pengaturan", get(page).post(save))
        .route("/festival/{number}/rubrik/{phase}", post(save_rubric))
}

/// How many empty criterion rows the form offers for new criteria.
const NEW_ROWS: usize = 3;

pub struct PhaseForm {
    pub spec: PhaseSpec,
    /// Whether the phase already has a rubric (otherwise the default is offered).
    pub active: bool,
    /// Whether jurors have scored in it (criteria are then frozen).
    pub reviewed: bool,
}

#[derive(Template)]
#[template(path = "festival_settings.html")]
struct SettingsPage {
    shell: Shell,
    e: Edition,
    sections: String,
    phases: Vec<PhaseForm>,
    new_rows: Vec<usize>,
}

impl SettingsPage {
    fn phase_key(&self, phase: &str) -> String {
        format!("festival.phase.{phase}")
    }
    fn default_name(&self, key: &str) -> String {
        self.shell
            .t
            .s(&format!("festival.criterion.{key}"))
            .to_string()
    }
    fn median(&self, s: &PhaseSpec) -> bool {
        s.aggregation == Aggregation::Median
    }
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> WebResult<Response> {
    crate::web::coordinator(&ctx)?;
    let e = crate::web::edition_by(&state, &number).await?;
    let specs = store::rubrics(&state.db, e.id).await?;
    let mut phases = Vec::new();
    for p in store::phases(&state.db, e.id).await? {
        if !p.kind.allows_reviewing() {
            continue;
        }
        let key = p.kind.code();
        let existing = specs.iter().find(|s| s.key == key).cloned();
        phases.push(PhaseForm {
            active: existing.is_some(),
            reviewed: crate::store::proposals::has_reviews(&state.db, e.id, key).await?,
            spec: existing.unwrap_or_else(|| PhaseSpec {
                key: key.to_string(),
                weight: 0,
                rubric: Rubric::default_tif(),
                aggregation: Aggregation::Mean,
                normalise: false,
                advance: 0,
            }),
        });
    }
    render(&SettingsPage {
        shell: Shell::new(&ctx),
        sections: proposal::to_lines(&e.proposal_sections),
        e,
        phases,
        new_rows: (0..NEW_ROWS).collect(),
    })
}

#[derive(serde::Deserialize)]
struct SettingsForm {
    #[serde(default)]
    blind_review: Option<String>,
    sections: String,
}

async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<SettingsForm>,
) -> WebResult<Response> {
    crate::web::coordinator(&ctx)?;
    let e = crate::web::edition_by(&state, &number).await?;
    let sections: Vec<Section> =
        proposal::parse_lines(&f.sections, &e.proposal_sections).map_err(|err| {
            let mut a = AppError::bad_request(err.message_key());
            if let proposal::ProposalError::BadLine(line) = err {
                a = a.with("line", line);
            }
            a
        })?;
    let written = !crate::store::proposals::proposals(&state.db, e.id)
        .await?
        .is_empty();
    proposal::check_sections_edit(&e.proposal_sections, &sections, written)
        .map_err(|err| AppError::new(StatusCode::CONFLICT, err.message_key()))?;
    crate::service::editions::set_settings(
        &state.db,
        &ctx.actor(),
        e.id,
        f.blind_review.is_some(),
        &sections,
    )
    .await?;
    Ok(Redirect::to(&format!("/festival/{}/pengaturan", e.number)).into_response())
}

async fn save_rubric(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((number, phase)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    crate::web::coordinator(&ctx)?;
    let e = crate::web::edition_by(&state, &number).await?;
    if !store::phases(&state.db, e.id)
        .await?
        .iter()
        .any(|p| p.kind.code() == phase)
    {
        return Err(AppError::not_found());
    }
    let get = |k: &str| {
        fields
            .iter()
            .find(|(f, _)| f == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let names: Vec<(String, String, String)> = (0..40)
        .map(|i| {
            (
                format!("key_{i}"),
                format!("label_{i}"),
                format!("weight_{i}"),
            )
        })
        .collect();
    let rows: Vec<Row<'_>> = names
        .iter()
        .map(|(k, l, w)| Row {
            key: get(k),
            label: get(l),
            weight: get(w),
        })
        .collect();
    let spec = rubric::build(&rubric::Form {
        phase: &phase,
        rows,
        scale_max: get("scale_max"),
        comment_required: !get("comment_required").is_empty(),
        show_others: !get("show_others").is_empty(),
        weight: get("weight"),
        aggregation: get("aggregation"),
        normalise: !get("normalise").is_empty(),
        advance: get("advance"),
    })
    .map_err(|err| AppError::bad_request(err.message_key()))?;
    if let Some(old) = store::rubrics(&state.db, e.id)
        .await?
        .into_iter()
        .find(|s| s.key == phase)
    {
        let reviewed = crate::store::proposals::has_reviews(&state.db, e.id, &phase).await?;
        rubric::check_edit(&old, &spec, reviewed)
            .map_err(|err| AppError::new(StatusCode::CONFLICT, err.message_key()))?;
    }
    crate::service::jury::set_rubric(&state.db, &ctx.actor(), e.id, &spec).await?;
    Ok(Redirect::to(&format!("/festival/{}/pengaturan#{}", e.number, phase)).into_response())
}

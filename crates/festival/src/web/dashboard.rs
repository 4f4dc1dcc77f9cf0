//! The coordinator's dashboard of an edition: entries, stands and sessions, review progress per
//! phase, and votes over time.

use crate::store::{self, Edition};
use anjungan_kernel::web::pages::render;
use anjungan_kernel::web::{AppState, Ctx, Shell, WebResult};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use std::collections::BTreeMap;
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().route("/festival/{number}/dasbor", get(dashboard))
}

#[derive(Template)]
#[template(path = "festival_dashboard.html")]
struct DashboardPage {
    shell: Shell,
    e: Edition,
    entries: usize,
    stands: usize,
    sessions: usize,
    progress: Vec<(String, i64, i64)>,
    valid_votes: usize,
    voided_votes: usize,
    chart: String,
}

impl DashboardPage {
    fn phase_key(&self, phase: &str) -> String {
        format!("festival.phase.{phase}")
    }
    fn percent(&self, done: &i64, assigned: &i64) -> i64 {
        if *assigned == 0 {
            0
        } else {
            done * 100 / assigned
        }
    }
}

async fn dashboard(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> WebResult<Response> {
    crate::web::coordinator(&ctx)?;
    let e = crate::web::edition_by(&state, &number).await?;
    let votes = store::votes(&state.db, e.id).await?;
    let mut per_day: BTreeMap<String, usize> = BTreeMap::new();
    for v in votes.iter().filter(|v| !v.voided) {
        *per_day
            .entry(
                anjungan_kernel::clock::to_wib(v.created_at)
                    .date()
                    .to_string(),
            )
            .or_default() += 1;
    }
    let chart =
        crate::render::charts::votes_chart(&per_day, ctx.tr().s("festival.votes_over_time"));
    render(&DashboardPage {
        entries: store::entries(&state.db, e.id).await?.len(),
        stands: store::stands(&state.db, e.id).await?.len(),
        sessions: store::sessions(&state.db, e.id).await?.len(),
        progress: store::review_progress(&state.db, e.id).await?,
        valid_votes: votes.iter().filter(|v| !v.voided).count(),
        voided_votes: votes.iter().filter(|v| v.voided).count(),
        chart,
        shell: Shell::new(&ctx),
        e,
    })
}

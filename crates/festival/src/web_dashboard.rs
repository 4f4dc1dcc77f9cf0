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
use std::fmt::Write;
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

/// Votes per WIB day as an SVG bar chart.
fn votes_chart(per_day: &BTreeMap<String, usize>, title: &str) -> String {
    let max = per_day.values().copied().max().unwrap_or(0).max(1);
    let (w, h, base) = (640usize, 180usize, 150usize);
    let col = (w - 40) / per_day.len().max(1);
    let mut s = format!(
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{}">"#,
        title.replace('"', "&quot;")
    );
    for (i, (day, n)) in per_day.iter().enumerate() {
        let bh = (base - 20) * n / max;
        let x = 20 + i * col;
        let _ = write!(
            s,
            r#"<rect x="{}" y="{}" width="{}" height="{bh}" class="gb"/><text x="{}" y="{}" class="val" text-anchor="middle">{n}</text><text x="{}" y="{}" class="lbl" text-anchor="middle">{}</text>"#,
            x + col / 6,
            base - bh,
            (col * 2 / 3).max(2),
            x + col / 2,
            base - bh - 4,
            x + col / 2,
            base + 18,
            &day[5..]
        );
    }
    s.push_str("</svg>");
    s
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
    let chart = votes_chart(&per_day, ctx.tr().s("festival.votes_over_time"));
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

#[cfg(test)]
mod tests {
    #[test]
    fn chart_has_a_bar_per_day() {
        let days: std::collections::BTreeMap<String, usize> =
            [("2020-12-14".to_string(), 3), ("2020-12-15".to_string(), 5)].into();
        let svg = super::votes_chart(&days, "Suara");
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains(">12-15<"));
    }
}

//! The jury's pages: the coordinator assigns jurors, jurors score their entries with the phase's
//! rubric while the phase is open, and the ranking is computed — never typed in — and explained.

use crate::domain::assignment::{Entry, Juror, assign};
use crate::domain::phase::current;
use crate::domain::scoring::{PhaseSpec, Ranked, fmt2, review_total};
use crate::domain::shortlist::Standing;
use crate::ports::Catalogue;
use crate::store::{self, Edition};
use anjungan_kernel::identity::domain::{AccessError, Role};
use anjungan_kernel::web::pages::render;
use anjungan_kernel::web::{AppError, AppState, Ctx, Shell, WebResult};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form};
use std::collections::BTreeMap;
use std::collections::HashMap;
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/festival/{number}/tugaskan/{phase}", post(assign_jurors))
        .route("/festival/{number}/juri", get(jury_page))
        .route("/festival/{number}/juri/{phase}/{entry}", post(score))
        .route("/festival/{number}/peringkat", get(ranking_page))
}

fn forbidden() -> AppError {
    anjungan_kernel::Error::Access(AccessError::Forbidden).into()
}

async fn edition(state: &AppState, number: &str) -> Result<Edition, AppError> {
    let n: i64 = number.trim().parse().map_err(|_| AppError::not_found())?;
    store::edition(&state.db, n)
        .await?
        .ok_or_else(AppError::not_found)
}

/// Assigns the jurors to every entry of a scored phase: evenly, never to their own agency.
async fn assign_jurors(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((number, phase)): Path<(String, String)>,
) -> WebResult<Response> {
    let p = ctx.signed_in()?;
    if !(p.is_admin() || p.has_role(Role::Coordinator)) {
        return Err(forbidden());
    }
    let e = edition(&state, &number).await?;
    if !store::rubrics(&state.db, e.id)
        .await?
        .iter()
        .any(|s| s.key == phase)
    {
        return Err(AppError::not_found());
    }
    // Only entries still in the contest (not stopped by an earlier shortlist) are reviewed.
    let (_, standings) = compute_ranking(&state, &e).await?;
    let entries: Vec<Entry> = store::entries(&state.db, e.id)
        .await?
        .into_iter()
        .filter(|(id, _, _)| standings.get(id).is_none_or(Standing::in_contest))
        .map(|(id, _, org)| Entry { id, agency: org })
        .collect();
    let jurors: Vec<Juror> =
        anjungan_kernel::identity::store::users_with_role(&state.db, Role::Jury)
            .await?
            .into_iter()
            .map(|(u, _, org)| Juror {
                id: u.0,
                agency: org,
            })
            .collect();
    let mut result = None;
    for per_entry in (1..=3.min(jurors.len())).rev() {
        if let Ok(a) = assign(&entries, &jurors, per_entry) {
            result = Some(a);
            break;
        }
    }
    let a = result.ok_or_else(|| AppError::bad_request("festival.error.no_jurors"))?;
    crate::service::jury::set_assignments(&state.db, &ctx.actor(), e.id, &phase, &a).await?;
    Ok(Redirect::to(&format!("/festival/{}/peringkat", e.number)).into_response())
}

/// A juror's own review: scores per criterion, comment, weighted total.
pub type OwnReview = (Vec<(String, u32)>, String, String);

pub struct Task {
    pub phase: String,
    pub entry: i64,
    pub name: String,
    /// The entry's agency, unless the edition reviews blind.
    pub agency: Option<String>,
    /// Proposal sections written / asked.
    pub proposal: (usize, usize),
    pub open: bool,
    pub mine: Option<OwnReview>,
    pub others: Vec<String>,
}

#[derive(Template)]
#[template(path = "festival_jury.html")]
struct JuryPage {
    shell: Shell,
    e: Edition,
    tasks: Vec<Task>,
    specs: Vec<PhaseSpec>,
}

impl JuryPage {
    fn spec(&self, phase: &str) -> Option<&PhaseSpec> {
        self.specs.iter().find(|s| s.key == phase)
    }
    fn phase_key(&self, phase: &str) -> String {
        format!("festival.phase.{phase}")
    }
    fn criterion_name(&self, c: &crate::domain::scoring::Criterion) -> String {
        criterion_name(&self.shell, c)
    }
    fn given(&self, t: &Task, key: &str) -> String {
        t.mine
            .as_ref()
            .and_then(|(s, _, _)| s.iter().find(|(k, _)| k == key))
            .map(|(_, v)| v.to_string())
            .unwrap_or_default()
    }
}

async fn jury_page(
    State(state): State<AppState>,
    Extension(catalogue): Extension<Catalogue>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> WebResult<Response> {
    let p = ctx.signed_in()?;
    if !p.has_role(Role::Jury) {
        return Err(forbidden());
    }
    let e = edition(&state, &number).await?;
    let phases = store::phases(&state.db, e.id).await?;
    let now = anjungan_kernel::clock::now_ms();
    let open_phase = current(&phases, now)
        .filter(|ph| ph.kind.allows_reviewing())
        .map(|ph| ph.kind.code().to_string());
    let specs = store::rubrics(&state.db, e.id).await?;
    let all = store::reviews(&state.db, e.id).await?;
    let entries: HashMap<i64, i64> = store::entries(&state.db, e.id)
        .await?
        .into_iter()
        .map(|(id, inv, _)| (id, inv))
        .collect();
    let proposals = crate::store::proposals::proposals(&state.db, e.id).await?;
    let mut tasks = Vec::new();
    for (phase, entry) in store::assignments_of(&state.db, e.id, p.user_id.0).await? {
        let summary = match entries.get(&entry) {
            Some(inv) => catalogue.get(*inv).await,
            None => None,
        };
        let (name, agency) = summary
            .map(|i| (i.name, (!e.blind_review).then_some(i.organisation)))
            .unwrap_or_default();
        let proposal = crate::domain::proposal::completeness(
            &e.proposal_sections,
            proposals.get(&entry).map(Vec::as_slice).unwrap_or_default(),
        );
        let spec = specs.iter().find(|s| s.key == phase);
        let mine = all
            .iter()
            .find(|(ph, r, _)| *ph == phase && r.entry == entry && r.juror == p.user_id.0)
            .map(|(_, r, c)| {
                let total = spec
                    .and_then(|s| review_total(r, &s.rubric).ok())
                    .map(|v| shown(&ctx.tr(), v))
                    .unwrap_or_default();
                (r.scores.clone(), c.clone(), total)
            });
        let others = if spec.is_some_and(|s| s.rubric.others_visible(mine.is_some())) {
            all.iter()
                .filter(|(ph, r, _)| *ph == phase && r.entry == entry && r.juror != p.user_id.0)
                .filter_map(|(_, r, _)| {
                    spec.and_then(|s| review_total(r, &s.rubric).ok())
                        .map(|v| shown(&ctx.tr(), v))
                })
                .collect()
        } else {
            Vec::new()
        };
        tasks.push(Task {
            open: open_phase.as_deref() == Some(phase.as_str()),
            phase,
            entry,
            name,
            agency,
            proposal,
            mine,
            others,
        });
    }
    render(&JuryPage {
        shell: Shell::new(&ctx),
        e,
        tasks,
        specs,
    })
}

async fn score(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((number, phase, entry)): Path<(String, String, i64)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let e = edition(&state, &number).await?;
    let get = |k: &str| {
        fields
            .iter()
            .find(|(f, _)| f == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    submit_score(&state, &ctx, &e, &phase, entry, get).await?;
    Ok(Redirect::to(&format!("/festival/{}/juri#e{entry}", e.number)).into_response())
}

/// A juror's review of an entry, from the form or the API.
pub(crate) async fn submit_score(
    state: &AppState,
    ctx: &Ctx,
    e: &Edition,
    phase: &str,
    entry: i64,
    get: impl Fn(&str) -> String,
) -> Result<(), AppError> {
    let who = ctx.signed_in()?;
    Ok(crate::service::reviews::submit(&state.db, who, &ctx.actor(), e, phase, entry, get).await?)
}

#[derive(Template)]
#[template(path = "festival_ranking.html")]
struct RankingPage {
    shell: Shell,
    e: Edition,
    rows: Vec<(Ranked, String, String)>,
    specs: Vec<PhaseSpec>,
    standings: BTreeMap<i64, Standing>,
    coordinator: bool,
}

/// A score with two decimals as the reader writes them: `87,65` in Indonesian (the API keeps
/// `87.65`).
fn shown(t: &anjungan_kernel::i18n::Tr, v: i128) -> String {
    let text = fmt2(v);
    match t.lang {
        anjungan_kernel::i18n::Lang::Id => text.replace('.', ","),
        anjungan_kernel::i18n::Lang::En => text,
    }
}

impl RankingPage {
    fn f(&self, v: &i128) -> String {
        shown(&self.shell.t, *v)
    }
    /// For data attributes, which machines read: always a decimal point.
    fn raw(&self, v: &i128) -> String {
        fmt2(*v)
    }
    fn standing(&self, entry: &i64) -> String {
        standing_text(&self.shell, self.standings.get(entry))
    }
    fn phase_key(&self, phase: &str) -> String {
        format!("festival.phase.{phase}")
    }
}

/// The computed ranking with its explanation: public once results are published, and always
/// for the coordinator.
async fn ranking_page(
    State(state): State<AppState>,
    Extension(catalogue): Extension<Catalogue>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> WebResult<Response> {
    let e = edition(&state, &number).await?;
    let phases = store::phases(&state.db, e.id).await?;
    let now = anjungan_kernel::clock::now_ms();
    let published = crate::domain::phase::results_out(&phases, now);
    let coordinator = ctx
        .principal
        .as_ref()
        .is_some_and(|p| p.is_admin() || p.has_role(Role::Coordinator));
    if !published && !coordinator {
        return Err(AppError::not_found());
    }
    let specs = store::rubrics(&state.db, e.id).await?;
    let entries = store::entries(&state.db, e.id).await?;
    let (ranked, standings) = compute_ranking(&state, &e).await?;
    let mut rows = Vec::new();
    for r in ranked {
        let inv = entries
            .iter()
            .find(|(id, _, _)| *id == r.entry)
            .map(|(_, inv, _)| *inv);
        let (name, org) = match inv {
            Some(i) => catalogue
                .get(i)
                .await
                .map(|s| (s.name, s.organisation))
                .unwrap_or_default(),
            None => Default::default(),
        };
        rows.push((r, name, org));
    }
    render(&RankingPage {
        shell: Shell::new(&ctx),
        e,
        rows,
        specs,
        standings,
        coordinator,
    })
}

/// A criterion's name: the coordinator's label, or the translation of a default key.
pub(crate) fn criterion_name(shell: &Shell, c: &crate::domain::scoring::Criterion) -> String {
    if c.label.is_empty() {
        shell
            .t
            .s(&format!("festival.criterion.{}", c.key))
            .to_string()
    } else {
        c.label.clone()
    }
}

/// "Shortlisted after desk review" / "Stopped at desk review" / "" for an entry.
pub(crate) fn standing_text(shell: &Shell, s: Option<&Standing>) -> String {
    let phase = |k: &str| shell.t.s(&format!("festival.phase.{k}")).to_string();
    match s {
        Some(Standing {
            stopped: Some(k), ..
        }) => format!("{} {}", shell.t.s("festival.stopped_at"), phase(k)),
        Some(Standing { passed, .. }) => passed
            .last()
            .map(|k| format!("{} {}", shell.t.s("festival.shortlisted_after"), phase(k)))
            .unwrap_or_default(),
        None => String::new(),
    }
}

/// The ranking of an edition as of now (see [`crate::service::standings::ranking`]).
pub(crate) async fn compute_ranking(
    state: &AppState,
    e: &Edition,
) -> Result<(Vec<Ranked>, BTreeMap<i64, Standing>), AppError> {
    Ok(
        crate::service::standings::ranking(&state.db, e.id, anjungan_kernel::clock::now_ms())
            .await?,
    )
}

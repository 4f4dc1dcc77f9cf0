//! Staff pages: units, the unit dashboard, paper entry, served counts, follow-up actions,
//! extra questions and one-use links.

use super::public::Questionnaire;
use super::{PeriodQuery, managed_unit};
use crate::domain::access::{SurveyAction, authorize};
use crate::domain::disclosure::{Dimension, Group, NOT_GIVEN};
use crate::domain::{
    ActionDraft, Element, IkmResult, Period, SurveyError, Trend, sample_size, trend, weakest,
};
use crate::render::charts;
use crate::service::results::{self, SegmentFigures};
use crate::store::{self, Channel, Segment, Unit};
use anjungan_kernel::web::pages::render;
use anjungan_kernel::web::{AppError, AppState, Ctx, Shell, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use std::collections::HashMap;
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/ikm/kelola", get(units_page).post(enable))
        .route("/ikm/kelola/{id}", get(dashboard))
        .route(
            "/ikm/kelola/{id}/kertas",
            get(paper_page).post(paper_submit),
        )
        .route("/ikm/kelola/{id}/dilayani", post(served))
        .route("/ikm/kelola/{id}/tindak-lanjut", post(add_action))
        .route(
            "/ikm/kelola/{id}/tindak-lanjut/{action}/selesai",
            post(complete_action),
        )
        .route("/ikm/kelola/{id}/pertanyaan", post(add_question))
        .route("/ikm/kelola/{id}/undangan", post(invite))
}

fn access(e: anjungan_kernel::identity::domain::AccessError) -> AppError {
    anjungan_kernel::Error::from(e).into()
}

#[derive(Template)]
#[template(path = "ikm_units.html")]
struct UnitsPage {
    shell: Shell,
    units: Vec<Unit>,
    can_enable: bool,
    error: Option<String>,
}

async fn units_page(State(state): State<AppState>, ctx: Ctx) -> WebResult<Response> {
    let p = ctx.signed_in()?;
    let units: Vec<Unit> = store::units(&state.db)
        .await?
        .into_iter()
        .filter(|u| authorize(Some(p), &SurveyAction::ManageUnit(&u.org_ref())).is_ok())
        .collect();
    let can_enable = authorize(Some(p), &SurveyAction::EnableUnits).is_ok();
    if units.is_empty() && !can_enable {
        return Err(access(
            anjungan_kernel::identity::domain::AccessError::Forbidden,
        ));
    }
    render(&UnitsPage {
        shell: Shell::new(&ctx),
        units,
        can_enable,
        error: None,
    })
}

#[derive(serde::Deserialize)]
struct EnableForm {
    org_code: String,
    #[serde(default)]
    services: String,
}

async fn enable(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<EnableForm>,
) -> WebResult<Response> {
    authorize(ctx.principal.as_ref(), &SurveyAction::EnableUnits).map_err(access)?;
    let org = anjungan_kernel::orgs::store::get_by_code(&state.db, f.org_code.trim())
        .await?
        .ok_or(anjungan_kernel::Error::Org(
            anjungan_kernel::orgs::domain::OrgError::NotFound,
        ))?;
    let services: Vec<String> = f.services.lines().map(str::to_string).collect();
    crate::service::setup::enable_unit(&state.db, &ctx.actor(), org.id, &services).await?;
    Ok(Redirect::to(&format!("/ikm/kelola/{}", org.id)).into_response())
}

pub struct ServiceRow {
    pub service: String,
    pub result: IkmResult,
}

pub struct ProfileRow {
    pub dimension: String,
    pub value: String,
    /// `None`: fewer than five, hidden.
    pub count: Option<i64>,
}

pub struct ActionRow {
    pub action: store::Action,
    pub trend: Trend,
}

#[derive(Template)]
#[template(path = "ikm_manage.html")]
struct Dashboard {
    shell: Shell,
    unit: Unit,
    period: Period,
    result: IkmResult,
    nrr_chart: String,
    trend_chart: String,
    compare_chart: String,
    weakest: Vec<Element>,
    served: Option<i64>,
    needed: Option<i64>,
    services: Vec<ServiceRow>,
    profile: Vec<ProfileRow>,
    segment: SegmentFigures,
    segment_options: Vec<Group>,
    comments: Vec<(i64, String)>,
    actions: Vec<ActionRow>,
    questions: Vec<store::ExtraQuestion>,
    invitation: Option<String>,
}

impl Dashboard {
    fn grade(&self, r: &IkmResult) -> String {
        super::grade_or_sample(self.shell.t, r)
    }
    fn group_label(&self, g: &Group) -> String {
        let row = ProfileRow {
            dimension: g.dimension.code().to_string(),
            value: g.value.clone(),
            count: None,
        };
        format!(
            "{}: {}",
            self.dimension_label(&row.dimension),
            self.profile_label(&row)
        )
    }
    fn selected(&self, g: &Group) -> bool {
        self.segment.group() == Some(g)
    }
    fn indonesian(&self) -> bool {
        self.shell.t.lang == anjungan_kernel::i18n::Lang::Id
    }
    fn fixed(&self, f: Option<crate::domain::Fixed>) -> String {
        f.map(|f| f.local(self.indonesian()))
            .unwrap_or_else(|| "–".into())
    }
    fn elements(&self) -> [Element; 9] {
        Element::ALL
    }
    fn profile_label(&self, row: &ProfileRow) -> String {
        super::group_value_label(self.shell.t, &row.dimension, &row.value)
    }
    fn dimension_label(&self, d: &str) -> &'static str {
        self.shell.t.s(&format!("survey.{d}"))
    }
    fn trend_label(&self, t: &Trend) -> &'static str {
        self.shell.t.s(match t {
            Trend::Improved => "survey.improved",
            Trend::Same => "survey.same",
            Trend::Worse => "survey.worse",
            Trend::Unknown => "survey.unknown",
        })
    }
    fn sample_text(&self) -> String {
        match (self.served, self.needed) {
            (Some(s), Some(n)) => self.shell.t.f(
                "survey.sample_needed",
                &[
                    ("served", &s.to_string()),
                    ("needed", &n.to_string()),
                    ("got", &self.result.responses.to_string()),
                ],
            ),
            _ => self.shell.t.s("survey.sample_unknown").to_string(),
        }
    }
    fn sample_ok(&self) -> Option<bool> {
        self.needed.map(|n| self.result.responses >= n)
    }
    fn nrr(&self, e: &Element) -> String {
        self.fixed(self.result.nrr(*e))
    }
    fn sample_rule(&self) -> String {
        self.shell.t.f(
            "survey.sample_rule",
            &[("min", &crate::domain::MIN_SAMPLE.to_string())],
        )
    }
    fn when(&self, ms: &i64) -> String {
        self.shell.t.date(*ms)
    }
    fn element_name(&self, code: &str) -> String {
        match Element::parse(code) {
            Some(e) => format!("{} {}", e.code(), self.shell.t.s(&e.key("name"))),
            None => code.to_string(),
        }
    }
}

/// Query of the dashboard: the period and an optional respondent group, as the select sends it
/// (`segmen=sex:P`) or as the API names it (`sex=P`, `age=25-34`); empty fields mean "any".
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct DashQuery {
    periode: Option<String>,
    segmen: Option<String>,
    #[serde(flatten)]
    fields: Segment,
}

impl DashQuery {
    fn group(&self) -> Result<Option<Group>, AppError> {
        match self
            .segmen
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(key) => {
                let g = Group::parse_key(key).ok_or(SurveyError::SegmentOneGroup)?;
                if g.dimension == Dimension::Age && g.age_range().is_none() {
                    return Err(SurveyError::SegmentAge.into());
                }
                Ok(Segment::of_group(&g).group()?)
            }
            None => Ok(self.fields.group()?),
        }
    }
}

async fn dashboard_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    q: DashQuery,
    invitation: Option<String>,
) -> WebResult<Response> {
    let unit = managed_unit(state, ctx, id).await?;
    let period = PeriodQuery {
        periode: q.periode.clone(),
    }
    .period()?;
    let group = q.group()?;
    let db = &state.db;
    let figures = results::unit_figures(db, id, &period).await?;
    let result = figures.result.clone();
    let served = figures.served;
    let tr = ctx.tr();
    let (_, end) = period.bounds();
    let mut trend_points = Vec::new();
    for p in Period::trailing_quarters(end, 4) {
        let r = store::unit_tally(db, id, &p, None)
            .await?
            .compute()
            .with_served(store::served(db, id, &p).await?);
        trend_points.push((p.key(), r.ikm, r.grade()));
    }
    let all = super::public::results_for_all(state, &period).await?;
    let compare_chart = charts::compare(
        &all.iter()
            .map(|r| (r.unit.name.clone(), r.result.ikm, r.result.grade()))
            .collect::<Vec<_>>(),
        tr,
    );
    let services = results::services(db, id, &period, &figures.result)
        .await?
        .into_iter()
        .map(|(service, result)| ServiceRow { service, result })
        .collect();
    let profile = figures
        .publication
        .groups
        .iter()
        .map(|c| ProfileRow {
            dimension: c.group.dimension.code().to_string(),
            value: c.group.value.clone(),
            count: c.published.then_some(c.count),
        })
        .collect();
    let segment_options: Vec<Group> = figures
        .publication
        .groups
        .iter()
        .filter(|c| c.published && c.group.value != NOT_GIVEN)
        .map(|c| c.group.clone())
        .collect();
    let segment = results::segment_figures(db, id, &period, &figures, group).await?;
    let mut actions = Vec::new();
    let mut cache: HashMap<String, IkmResult> = HashMap::new();
    for a in store::actions(db, id).await? {
        let trend = match (Period::parse(&a.period), a.element()) {
            (Ok(p), Some(e)) if p.bounds().1 <= period.bounds().0 => {
                if !cache.contains_key(&a.period) {
                    cache.insert(
                        a.period.clone(),
                        store::unit_tally(db, id, &p, None).await?.compute(),
                    );
                }
                trend(cache[&a.period].nrr_milli(e), result.nrr_milli(e))
            }
            _ => Trend::Unknown,
        };
        actions.push(ActionRow { action: a, trend });
    }
    let page = Dashboard {
        shell: Shell::new(ctx),
        nrr_chart: charts::nrr_bars(&result, tr),
        trend_chart: charts::trend(&trend_points, tr),
        compare_chart,
        weakest: weakest(&result, 3),
        needed: served.map(|s| sample_size(s.max(0) as u64) as i64),
        served,
        services,
        profile,
        segment,
        segment_options,
        comments: store::recent_comments(db, id, &period, 10).await?,
        actions,
        questions: store::extra_questions(db, id).await?,
        invitation,
        unit,
        period,
        result,
    };
    render(&page)
}

async fn dashboard(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<DashQuery>,
) -> WebResult<Response> {
    dashboard_page(&state, &ctx, id, q, None).await
}

fn back(id: i64, period: &str) -> Response {
    Redirect::to(&format!(
        "/ikm/kelola/{id}?periode={}",
        anjungan_kernel::web::forms::urlencode(period)
    ))
    .into_response()
}

#[derive(Template)]
#[template(path = "ikm_paper.html")]
struct PaperPage {
    shell: Shell,
    q: Questionnaire,
    done: bool,
}

#[derive(serde::Deserialize)]
struct OkQuery {
    ok: Option<String>,
}

async fn paper_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(k): Query<OkQuery>,
) -> WebResult<Response> {
    let unit = managed_unit(&state, &ctx, id).await?;
    let q = super::public::questionnaire(
        &state,
        unit,
        format!("/ikm/kelola/{id}/kertas"),
        String::new(),
        false,
    )
    .await?;
    render(&PaperPage {
        shell: Shell::new(&ctx),
        q,
        done: k.ok.is_some(),
    })
}

async fn paper_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let unit = managed_unit(&state, &ctx, id).await?;
    let who = ctx.principal.as_ref().map(|p| p.user_id.0);
    match super::public::store_form(
        &state,
        &ctx,
        unit,
        fields,
        Channel::Paper,
        format!("/ikm/kelola/{id}/kertas"),
        None,
        who,
    )
    .await?
    {
        Ok(_) => Ok(Redirect::to(&format!("/ikm/kelola/{id}/kertas?ok=1")).into_response()),
        Err(page) => Ok(page),
    }
}

#[derive(serde::Deserialize)]
struct ServedForm {
    period: String,
    served: String,
}

async fn served(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ServedForm>,
) -> WebResult<Response> {
    managed_unit(&state, &ctx, id).await?;
    let period = PeriodQuery {
        periode: Some(f.period.clone()),
    }
    .period()?;
    let n: i64 = f
        .served
        .trim()
        .replace('.', "")
        .parse()
        .map_err(|_| AppError::from(crate::domain::SurveyError::BadServed))?;
    crate::service::setup::set_served(&state.db, &ctx.actor(), id, &period, n).await?;
    Ok(back(id, &period.key()))
}

#[derive(serde::Deserialize)]
struct ActionForm {
    period: String,
    element: String,
    action: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    due: String,
}

async fn add_action(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ActionForm>,
) -> WebResult<Response> {
    managed_unit(&state, &ctx, id).await?;
    let period = PeriodQuery {
        periode: Some(f.period.clone()),
    }
    .period()?;
    let draft = ActionDraft::parse(&f.element, &f.action, &f.owner, &f.due)?;
    crate::service::setup::add_action(&state.db, &ctx.actor(), id, &period, &draft).await?;
    Ok(back(id, &period.key()))
}

async fn complete_action(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(i64, i64)>,
) -> WebResult<Response> {
    managed_unit(&state, &ctx, id).await?;
    crate::service::setup::complete_action(&state.db, &ctx.actor(), id, action).await?;
    Ok(Redirect::to(&format!("/ikm/kelola/{id}")).into_response())
}

#[derive(serde::Deserialize)]
struct QuestionForm {
    text: String,
}

async fn add_question(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<QuestionForm>,
) -> WebResult<Response> {
    managed_unit(&state, &ctx, id).await?;
    crate::service::setup::add_question(&state.db, &ctx.actor(), id, &f.text).await?;
    Ok(Redirect::to(&format!("/ikm/kelola/{id}")).into_response())
}

#[derive(serde::Deserialize)]
struct InviteForm {
    #[serde(default)]
    service: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    contact: String,
}

async fn invite(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<InviteForm>,
) -> WebResult<Response> {
    let unit = managed_unit(&state, &ctx, id).await?;
    let send = super::delivery(&state, ctx.tr(), &unit, &f.contact)?;
    let token = crate::service::invitations::create_invitation(
        &state.db,
        &ctx.actor(),
        id,
        &f.service,
        Some(f.reference.as_str()),
        send,
    )
    .await?
    .ok_or(AppError::new(
        axum::http::StatusCode::CONFLICT,
        "survey.error.invitation",
    ))?;
    state.outbox_wake.notify_one();
    let link = crate::service::invitations::invitation_link(&state.config.base_url, &token);
    dashboard_page(&state, &ctx, id, DashQuery::default(), Some(link)).await
}

//! Public pages: the index of every unit, a unit's page, the questionnaire, kiosk, invitations.

use super::PeriodQuery;
use crate::domain::{Education, Element, IkmResult, Occupation, Period, Sex, SurveyError};
use crate::render::charts;
use crate::store::{self, Channel, NewResponse, Stored, Unit};
use anjungan_kernel::clock::{MINUTE, now_ms};
use anjungan_kernel::web::pages::render;
use anjungan_kernel::web::{AppError, AppState, Ctx, Shell, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use std::collections::HashMap;
use utoipa_axum::router::OpenApiRouter;

/// Its pages guests all see alike: kept by the page cache until a write of this room (or any
/// write not narrowed to another room).
const PUBLIC: anjungan_kernel::web::page_cache::Public =
    anjungan_kernel::web::page_cache::Public::of(&["survey"]);

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/ikm", get(index).layer(PUBLIC.layer()))
        .route("/ikm/unit/{id}", get(unit_page).layer(PUBLIC.layer()))
        .route("/ikm/unit/{id}/isi", get(form_page).post(submit_online))
        .route("/ikm/unit/{id}/qr.svg", get(qr))
        .route("/ikm/unit/{id}/kiosk", get(kiosk_page).post(submit_kiosk))
        .route(
            "/ikm/undangan/{token}",
            get(invitation_page).post(submit_invitation),
        )
        .route("/ikm/terima-kasih", get(thanks))
}

pub struct Row {
    pub unit: Unit,
    pub result: IkmResult,
}

#[derive(Template)]
#[template(path = "ikm_index.html")]
struct IndexPage {
    shell: Shell,
    period: Period,
    rows: Vec<Row>,
    chart: String,
}

impl IndexPage {
    fn grade(&self, r: &IkmResult) -> String {
        super::grade_or_sample(self.shell.t, r)
    }
}

pub(crate) async fn results_for_all(
    state: &AppState,
    period: &Period,
) -> Result<Vec<Row>, AppError> {
    Ok(crate::service::results::all_units(&state.db, period)
        .await?
        .into_iter()
        .map(|(unit, result)| Row { unit, result })
        .collect())
}

async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PeriodQuery>,
) -> WebResult<Response> {
    let period = q.period()?;
    let rows = results_for_all(&state, &period).await?;
    let chart = charts::compare(
        &rows
            .iter()
            .map(|r| (r.unit.name.clone(), r.result.ikm, r.result.grade()))
            .collect::<Vec<_>>(),
        ctx.tr(),
    );
    render(&IndexPage {
        shell: Shell::new(&ctx),
        period,
        rows,
        chart,
    })
}

#[derive(Template)]
#[template(path = "ikm_unit.html")]
struct UnitPage {
    shell: Shell,
    unit: Unit,
    period: Period,
    result: IkmResult,
    chart: String,
    can_manage: bool,
}

impl UnitPage {
    fn grade(&self) -> String {
        super::grade_or_sample(self.shell.t, &self.result)
    }
}

async fn unit_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<PeriodQuery>,
) -> WebResult<Response> {
    let unit = store::unit(&state.db, id).await?;
    let period = q.period()?;
    let result = crate::service::results::unit_figures(&state.db, id, &period)
        .await?
        .result;
    let chart = charts::nrr_bars(&result, ctx.tr());
    let can_manage = super::managed_unit(&state, &ctx, id).await.is_ok();
    render(&UnitPage {
        shell: Shell::new(&ctx),
        unit,
        period,
        result,
        chart,
        can_manage,
    })
}

/// Everything the questionnaire template needs.
pub struct Questionnaire {
    pub action: String,
    pub unit: Unit,
    pub service: String,
    pub extra: Vec<store::ExtraQuestion>,
    pub error: Option<String>,
    pub values: HashMap<String, String>,
    pub kiosk: bool,
}

impl Questionnaire {
    pub fn elements(&self) -> [Element; 9] {
        Element::ALL
    }
    pub fn value(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }
    pub fn checked(&self, name: &str, v: &str) -> bool {
        self.value(name) == v
    }
    pub fn field(e: &Element) -> String {
        e.code().to_lowercase()
    }
    pub fn sexes(&self) -> &'static [Sex] {
        Sex::ALL
    }
    pub fn educations(&self) -> &'static [Education] {
        Education::ALL
    }
    pub fn occupations(&self) -> &'static [Occupation] {
        Occupation::ALL
    }
    pub fn lead(&self, t: &anjungan_kernel::i18n::Tr) -> String {
        t.f("survey.fill_lead", &[("unit", &self.unit.name)])
    }
    pub fn extra_name(q: &store::ExtraQuestion) -> String {
        format!("q_{}", q.id)
    }
}

#[derive(Template)]
#[template(path = "ikm_form.html")]
pub(crate) struct FormPage {
    pub shell: Shell,
    pub q: Questionnaire,
    pub title: String,
}

pub(crate) async fn questionnaire(
    state: &AppState,
    unit: Unit,
    action: String,
    service: String,
    kiosk: bool,
) -> Result<Questionnaire, AppError> {
    let extra = store::extra_questions(&state.db, unit.org_id).await?;
    Ok(Questionnaire {
        action,
        unit,
        service,
        extra,
        error: None,
        values: HashMap::new(),
        kiosk,
    })
}

async fn form_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let unit = store::unit(&state.db, id).await?;
    let q = questionnaire(
        &state,
        unit,
        format!("/ikm/unit/{id}/isi"),
        String::new(),
        false,
    )
    .await?;
    render(&FormPage {
        title: ctx.tr().s("survey.fill_title").to_string(),
        shell: Shell::new(&ctx),
        q,
    })
}

/// Parses a submitted questionnaire: answers, profile, service, comment and extra answers.
pub(crate) fn parse_submission(
    fields: &HashMap<String, String>,
    unit: &Unit,
    extra: &[store::ExtraQuestion],
) -> Result<(crate::domain::Response, Vec<(i64, String)>), SurveyError> {
    let get = |k: &str| fields.get(k).map(String::as_str).unwrap_or("");
    let answers: [&str; 9] =
        std::array::from_fn(|i| get(["u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9"][i]));
    let mut service = get("service").trim().to_string();
    if !service.is_empty() && !unit.services.contains(&service) {
        // Free text is allowed ("other"), but kept short.
        service = service.chars().take(200).collect();
    }
    let response = store::parse_response(
        answers,
        get("sex"),
        get("age"),
        get("education"),
        get("occupation"),
        &service,
        get("comment"),
    )?;
    let extras = extra
        .iter()
        .filter_map(|q| {
            let v = get(&format!("q_{}", q.id)).trim();
            (!v.is_empty()).then(|| (q.id, v.chars().take(1000).collect()))
        })
        .collect();
    Ok((response, extras))
}

/// Public submissions are limited per address and unit, shared by all nodes.
pub(crate) async fn rate_limit(state: &AppState, ctx: &Ctx, org_id: i64) -> Result<(), AppError> {
    let now = now_ms();
    let window = now - now.rem_euclid(10 * MINUTE);
    let bucket = format!(
        "survey:{org_id}:{}",
        anjungan_kernel::crypto::token_hash(&ctx.client)
    );
    if anjungan_kernel::identity::store::hit(&state.db, &bucket, window).await? > 60 {
        return Err(AppError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "error.rate_limited",
        ));
    }
    Ok(())
}

/// Stores a form submission, or re-shows the form with the error and the given values.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn store_form(
    state: &AppState,
    ctx: &Ctx,
    unit: Unit,
    fields: Vec<(String, String)>,
    channel: Channel,
    action: String,
    invitation_hash: Option<String>,
    entered_by: Option<i64>,
) -> Result<Result<i64, Response>, AppError> {
    let fields: HashMap<String, String> = fields.into_iter().collect();
    let extra = store::extra_questions(&state.db, unit.org_id).await?;
    let outcome = match parse_submission(&fields, &unit, &extra) {
        Ok((response, extras)) => {
            let n = NewResponse {
                org_id: unit.org_id,
                channel,
                response: &response,
                extra: &extras,
                client_key: None,
                entered_by,
                invitation_hash: invitation_hash.as_deref(),
                at: now_ms(),
            };
            store::insert_response(&state.db, n)
                .await
                .map_err(AppError::from)
        }
        Err(e) => Err(e.into()),
    };
    match outcome {
        Ok(Stored::New(id)) => Ok(Ok(id)),
        Ok(Stored::Duplicate) => Ok(Ok(0)),
        Err(err) if err.status.is_client_error() && err.status != StatusCode::GONE => {
            let mut q = Questionnaire {
                action,
                service: fields.get("service").cloned().unwrap_or_default(),
                unit,
                extra,
                error: None,
                values: fields,
                kiosk: channel == Channel::Kiosk,
            };
            q.error = Some(err.message(ctx.tr()));
            let page = FormPage {
                title: ctx.tr().s("survey.fill_title").to_string(),
                shell: Shell::new(ctx),
                q,
            };
            Ok(Err((err.status, render(&page)?).into_response()))
        }
        Err(err) => Err(err),
    }
}

async fn submit_online(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let unit = store::unit(&state.db, id).await?;
    rate_limit(&state, &ctx, id).await?;
    match store_form(
        &state,
        &ctx,
        unit,
        fields,
        Channel::Online,
        format!("/ikm/unit/{id}/isi"),
        None,
        None,
    )
    .await?
    {
        Ok(_) => Ok(Redirect::to(&format!("/ikm/terima-kasih?unit={id}")).into_response()),
        Err(page) => Ok(page),
    }
}

#[derive(serde::Deserialize)]
struct ThanksQuery {
    unit: Option<i64>,
}

#[derive(Template)]
#[template(path = "ikm_thanks.html")]
struct ThanksPage {
    shell: Shell,
    unit: Option<i64>,
}

async fn thanks(ctx: Ctx, Query(q): Query<ThanksQuery>) -> WebResult<Response> {
    render(&ThanksPage {
        shell: Shell::new(&ctx),
        unit: q.unit,
    })
}

async fn qr(State(state): State<AppState>, Path(id): Path<i64>) -> WebResult<Response> {
    store::unit(&state.db, id).await?;
    let url = format!(
        "{}/ikm/unit/{id}/isi",
        state.config.base_url.trim_end_matches('/')
    );
    let code = qrcode::QrCode::new(url.as_bytes())
        .map_err(|e| anjungan_kernel::Error::Internal(anyhow::anyhow!("qr: {e}")))?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build();
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        svg,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "ikm_kiosk.html")]
struct KioskPage {
    shell: Shell,
    q: Questionnaire,
    done: bool,
}

#[derive(serde::Deserialize)]
struct KioskQuery {
    ok: Option<String>,
}

async fn kiosk_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(k): Query<KioskQuery>,
) -> WebResult<Response> {
    let unit = store::unit(&state.db, id).await?;
    let q = questionnaire(
        &state,
        unit,
        format!("/ikm/unit/{id}/kiosk"),
        String::new(),
        true,
    )
    .await?;
    render(&KioskPage {
        shell: Shell::new(&ctx),
        q,
        done: k.ok.is_some(),
    })
}

/// The kiosk without JavaScript: an ordinary form post, then back to the start.
async fn submit_kiosk(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let unit = store::unit(&state.db, id).await?;
    rate_limit(&state, &ctx, id).await?;
    match store_form(
        &state,
        &ctx,
        unit,
        fields,
        Channel::Kiosk,
        format!("/ikm/unit/{id}/kiosk"),
        None,
        None,
    )
    .await?
    {
        Ok(_) => Ok(Redirect::to(&format!("/ikm/unit/{id}/kiosk?ok=1")).into_response()),
        Err(page) => Ok(page),
    }
}

async fn invitation_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> WebResult<Response> {
    let (org_id, service) = store::invitation(&state.db, &token)
        .await?
        .ok_or(SurveyError::InvitationUsed)?;
    let unit = store::unit(&state.db, org_id).await?;
    let q = questionnaire(
        &state,
        unit,
        format!("/ikm/undangan/{token}"),
        service,
        false,
    )
    .await?;
    render(&FormPage {
        title: ctx.tr().s("survey.fill_title").to_string(),
        shell: Shell::new(&ctx),
        q,
    })
}

async fn submit_invitation(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    Form(mut fields): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let (org_id, service) = store::invitation(&state.db, &token)
        .await?
        .ok_or(SurveyError::InvitationUsed)?;
    let unit = store::unit(&state.db, org_id).await?;
    if !service.is_empty() {
        fields.retain(|(k, _)| k != "service");
        fields.push(("service".into(), service));
    }
    let hash = anjungan_kernel::crypto::token_hash(&token);
    match store_form(
        &state,
        &ctx,
        unit,
        fields,
        Channel::Invitation,
        format!("/ikm/undangan/{token}"),
        Some(hash),
        None,
    )
    .await?
    {
        Ok(_) => Ok(Redirect::to(&format!("/ikm/terima-kasih?unit={org_id}")).into_response()),
        Err(page) => Ok(page),
    }
}

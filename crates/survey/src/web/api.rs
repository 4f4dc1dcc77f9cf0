//! `/api/v1/survey`: results for everyone, kiosk submissions, and one-use links for staff
//! (for example Petung Dadi, when a request closes).

use super::{PeriodQuery, UnitResult, managed_unit};
use crate::domain::Element;
use crate::service::results::{self, SegmentFigures};
use crate::store::{self, Channel, NewResponse, Segment, Stored};
use anjungan_kernel::clock::now_ms;
use anjungan_kernel::web::{AppError, AppState, Ctx, WebResult};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_units))
        .routes(routes!(unit_results))
        .routes(routes!(submit))
        .routes(routes!(invite))
        .routes(routes!(list_actions))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = survey::UnitsResponse)]
struct UnitsResponse {
    /// The period's key, e.g. `2025` or `2025-Q3`.
    period: String,
    units: Vec<UnitResult>,
}

/// Every unit's IKM and grade for a period (default: this year). Public.
#[utoipa::path(get, path = "/api/v1/survey/units", operation_id = "listSurveyUnits", tag = "survey", params(PeriodQuery),
    responses((status = 200, body = UnitsResponse), (status = 400, content_type = "application/problem+json")))]
async fn list_units(
    State(state): State<AppState>,
    Query(q): Query<PeriodQuery>,
) -> WebResult<Json<UnitsResponse>> {
    let period = q.period()?;
    let rows = super::public::results_for_all(&state, &period).await?;
    Ok(Json(UnitsResponse {
        period: period.key(),
        units: rows
            .iter()
            .map(|r| UnitResult::new(r.unit.org_id, &r.unit.name, &r.result))
            .collect(),
    }))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = survey::UnitResults)]
struct UnitResults {
    period: String,
    /// The whole unit, or the segment asked for when it may be shown.
    result: UnitResult,
    /// Per service of the unit.
    services: Vec<ServiceResult>,
    /// Minimum sample (Krejcie–Morgan) for the people served, when entered.
    sample_needed: Option<i64>,
    served: Option<i64>,
    /// The respondent group asked for (`sex:P`, `age:25–34`), if any.
    segment: Option<String>,
    /// True when the group is not shown: under five forms, or its figure would reveal a smaller
    /// group by subtraction from another published figure. `result` is then empty.
    segment_withheld: bool,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = survey::ServiceResult)]
struct ServiceResult {
    service: String,
    responses: i64,
    ikm: Option<String>,
    /// Absent unless the unit's sample is adequate and the service has at least 30 forms.
    grade: Option<String>,
}

/// A unit's results for a period, per element and per service. With a segment filter (one group:
/// `sex`, `age`, `education` or `occupation`), the segment's index, unless the disclosure rules
/// withhold it. Public.
#[utoipa::path(get, path = "/api/v1/survey/units/{id}/results", operation_id = "getSurveyResults", tag = "survey",
    params(("id" = i64, Path, description = "Organisation id of the unit"), PeriodQuery, Segment),
    responses((status = 200, body = UnitResults), (status = 400, content_type = "application/problem+json"), (status = 404, content_type = "application/problem+json")))]
async fn unit_results(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<PeriodQuery>,
    Query(seg): Query<Segment>,
) -> WebResult<Json<UnitResults>> {
    let unit = store::unit(&state.db, id).await?;
    let period = q.period()?;
    let group = seg.group()?;
    let figures = results::unit_figures(&state.db, id, &period).await?;
    let segment = results::segment_figures(&state.db, id, &period, &figures, group).await?;
    let (result, withheld) = match &segment {
        SegmentFigures::Everyone => (figures.result.clone(), false),
        SegmentFigures::Shown(_, r) => ((**r).clone(), false),
        SegmentFigures::Withheld(_) => (crate::domain::Tally::default().compute(), true),
    };
    let services = results::services(&state.db, id, &period, &figures.result)
        .await?
        .into_iter()
        .map(|(service, r)| ServiceResult {
            service,
            responses: r.responses,
            ikm: r.ikm.map(|i| i.dotted()),
            grade: r.grade().map(|g| g.letter().to_string()),
        })
        .collect();
    let served = figures.served;
    Ok(Json(UnitResults {
        period: period.key(),
        result: UnitResult::new(id, &unit.name, &result),
        services,
        sample_needed: served.map(|s| crate::domain::sample_size(s.max(0) as u64) as i64),
        served,
        segment: segment.group().map(|g| g.key()),
        segment_withheld: withheld,
    }))
}

/// A questionnaire as JSON (kiosk, offline queue).
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = survey::Submission)]
struct Submission {
    /// Chosen by the client once per questionnaire; a retry with the same key records nothing new.
    client_key: String,
    /// Answers by element code: `{"U1": 4, "U2": 3, …}` (1–4).
    answers: HashMap<String, u8>,
    #[serde(default)]
    service: String,
    #[serde(default)]
    sex: String,
    #[serde(default)]
    age: Option<u8>,
    #[serde(default)]
    education: String,
    #[serde(default)]
    occupation: String,
    #[serde(default)]
    comment: String,
    /// Extra questions by id.
    #[serde(default)]
    extra: HashMap<String, String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = survey::Accepted)]
struct Accepted {
    /// `recorded` or `duplicate` (already recorded under this client key).
    status: String,
}

/// Records a questionnaire from the kiosk or another client. Public, rate-limited, idempotent by
/// `client_key`.
#[utoipa::path(post, path = "/api/v1/survey/units/{id}/responses", operation_id = "submitSurveyResponse", tag = "survey",
    params(("id" = i64, Path, description = "Organisation id of the unit")), request_body = Submission,
    responses((status = 201, body = Accepted), (status = 200, body = Accepted, description = "Already recorded"), (status = 400), (status = 404), (status = 429)))]
async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(s): Json<Submission>,
) -> WebResult<Response> {
    let unit = store::unit(&state.db, id).await?;
    let key = s.client_key.trim();
    if key.is_empty()
        || key.len() > 64
        || !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(AppError::bad_request("survey.error.extra.client_key"));
    }
    if s.answers.keys().any(|k| Element::parse(k).is_none()) {
        return Err(crate::domain::SurveyError::UnknownElement.into());
    }
    super::public::rate_limit(&state, &ctx, id).await?;
    let texts: Vec<String> = Element::ALL
        .iter()
        .map(|e| {
            s.answers
                .get(e.code())
                .map(|v| v.to_string())
                .unwrap_or_default()
        })
        .collect();
    let answers: [&str; 9] = std::array::from_fn(|i| texts[i].as_str());
    let age = s.age.map(|a| a.to_string()).unwrap_or_default();
    let response = store::parse_response(
        answers,
        &s.sex,
        &age,
        &s.education,
        &s.occupation,
        &s.service,
        &s.comment,
    )?;
    let questions = store::extra_questions(&state.db, unit.org_id).await?;
    let extra: Vec<(i64, String)> = questions
        .iter()
        .filter_map(|q| {
            s.extra
                .get(&q.id.to_string())
                .map(|v| (q.id, v.trim().chars().take(1000).collect::<String>()))
        })
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let stored = store::insert_response(
        &state.db,
        NewResponse {
            org_id: id,
            channel: Channel::Kiosk,
            response: &response,
            extra: &extra,
            client_key: Some(key),
            entered_by: None,
            invitation_hash: None,
            at: now_ms(),
        },
    )
    .await?;
    Ok(match stored {
        Stored::New(_) => (
            StatusCode::CREATED,
            Json(Accepted {
                status: "recorded".into(),
            }),
        )
            .into_response(),
        Stored::Duplicate => (
            StatusCode::OK,
            Json(Accepted {
                status: "duplicate".into(),
            }),
        )
            .into_response(),
    })
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = survey::InvitationRequest)]
struct InvitationRequest {
    /// The service received, shown on the form.
    #[serde(default)]
    service: String,
    /// Your reference (e.g. a request number): one link per reference.
    #[serde(default)]
    reference: Option<String>,
    /// When given, the link is sent to this mobile number (WhatsApp) or e-mail address through
    /// the outbox. It is not stored with the survey.
    #[serde(default)]
    contact: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = survey::Invitation)]
struct Invitation {
    /// The one-use survey link, valid 30 days.
    url: String,
    /// Whether the link was queued for sending to the given contact.
    sent: bool,
}

/// Creates a one-use survey link for a citizen just served (unit staff, coordinator, admin).
#[utoipa::path(post, path = "/api/v1/survey/units/{id}/invitations", operation_id = "createSurveyInvitation", tag = "survey",
    security(("bearer" = [])), params(("id" = i64, Path, description = "Organisation id of the unit")), request_body = InvitationRequest,
    responses((status = 201, body = Invitation), (status = 401), (status = 403), (status = 404), (status = 409, description = "A link for that reference exists")))]
async fn invite(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(r): Json<InvitationRequest>,
) -> WebResult<Response> {
    let unit = managed_unit(&state, &ctx, id).await?;
    let send = super::delivery(&state, ctx.tr(), &unit, &r.contact)?;
    let sent = send.is_some();
    let token = crate::service::invitations::create_invitation(
        &state.db,
        &ctx.actor(),
        id,
        &r.service,
        r.reference.as_deref(),
        send,
    )
    .await?
    .ok_or(AppError::new(
        StatusCode::CONFLICT,
        "survey.error.extra.invitation_exists",
    ))?;
    if sent {
        state.outbox_wake.notify_one();
    }
    let url = crate::service::invitations::invitation_link(&state.config.base_url, &token);
    Ok((StatusCode::CREATED, Json(Invitation { url, sent })).into_response())
}

/// A unit's follow-up actions (unit staff, coordinator, admin).
#[utoipa::path(get, path = "/api/v1/survey/units/{id}/actions", operation_id = "listSurveyActions", tag = "survey",
    security(("bearer" = [])), params(("id" = i64, Path, description = "Organisation id of the unit")),
    responses((status = 200, body = Vec<store::Action>), (status = 401), (status = 403), (status = 404)))]
async fn list_actions(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> WebResult<Json<Vec<store::Action>>> {
    managed_unit(&state, &ctx, id).await?;
    Ok(Json(store::actions(&state.db, id).await?))
}

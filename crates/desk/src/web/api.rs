//! `/api/v1/layanan`: the catalogue, requests and their steps for unit staff (bearer token),
//! public tracking by code, letter verification, SLA figures and register imports.

use super::staff::{take_step, unit_figures};
use crate::domain::access::may_manage;
use crate::domain::request::{self, Channel, RawIntake};
use crate::domain::sla::Figures;
use crate::domain::workflow::{Command, State};
use crate::service;
use crate::service::requests::Submitted;
use crate::store::letters;
use crate::store::requests::{self, Event, QueueRow, Request};
use crate::store::services::{self, Service, ServiceInput};
use anjungan_kernel::web::{AppError, AppState, Ctx, WebResult};
use axum::extract::{Path, Query, State as St};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use std::collections::BTreeMap;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_services))
        .routes(routes!(create_service))
        .routes(routes!(get_service, update_service))
        .routes(routes!(submit_request))
        .routes(routes!(get_request))
        .routes(routes!(request_step))
        .routes(routes!(unit_requests))
        .routes(routes!(unit_sla))
        .routes(routes!(import_residents))
        .routes(routes!(track))
        .routes(routes!(my_requests))
        .routes(routes!(track_complaint))
        .routes(routes!(verify_letter))
        .routes(routes!(complain))
        .routes(routes!(unit_complaints))
        .routes(routes!(list_holidays))
        .routes(routes!(set_holiday, delete_holiday))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
struct UnitQuery {
    /// Organisation code of a unit, e.g. `35.03.05.2001`.
    unit: Option<String>,
}

/// Active services, of one unit or all. Public.
#[utoipa::path(get, path = "/api/v1/layanan/services", operation_id = "listDeskServices", tag = "desk", params(UnitQuery),
    responses((status = 200, body = [Service])))]
async fn list_services(
    St(state): St<AppState>,
    Query(q): Query<UnitQuery>,
) -> WebResult<Json<Vec<Service>>> {
    let org = match q.unit.as_deref().filter(|u| !u.is_empty()) {
        Some(code) => Some(
            anjungan_kernel::orgs::store::get_by_code(&state.db, code)
                .await?
                .ok_or_else(AppError::not_found)?
                .id,
        ),
        None => None,
    };
    Ok(Json(services::list(&state.db, org, false).await?))
}

/// One service with its standard, form and letter template. Public.
#[utoipa::path(get, path = "/api/v1/layanan/services/{code}", operation_id = "getDeskService", tag = "desk",
    params(("code" = String, Path, description = "Service code")), responses((status = 200, body = Service), (status = 404)))]
async fn get_service(
    St(state): St<AppState>,
    Path(code): Path<String>,
) -> WebResult<Json<Service>> {
    Ok(Json(
        services::by_code(&state.db, &code)
            .await?
            .ok_or_else(AppError::not_found)?,
    ))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = desk::Created)]
struct Created {
    id: i64,
    code: String,
}

/// Adds a service to a unit (the unit's staff or an admin).
#[utoipa::path(post, path = "/api/v1/layanan/units/{org}/services", operation_id = "createDeskService", tag = "desk",
    params(("org" = String, Path, description = "Organisation code")), request_body = ServiceInput,
    responses((status = 201, body = Created), (status = 400), (status = 401), (status = 403), (status = 409)))]
async fn create_service(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(org): Path<String>,
    Json(input): Json<ServiceInput>,
) -> WebResult<Response> {
    let unit = super::staff::managed(&state, &ctx, &org).await?;
    let id = service::catalogue::create(&state.db, &ctx.actor(), unit.id, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(Created {
            id,
            code: input.code,
        }),
    )
        .into_response())
}

/// Replaces a service's details (its code stays).
#[utoipa::path(put, path = "/api/v1/layanan/services/{code}", operation_id = "updateDeskService", tag = "desk",
    params(("code" = String, Path, description = "Service code")), request_body = ServiceInput,
    responses((status = 200, body = Service), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn update_service(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Json(mut input): Json<ServiceInput>,
) -> WebResult<Json<Service>> {
    let s = services::by_code(&state.db, &code)
        .await?
        .ok_or_else(AppError::not_found)?;
    super::staff::managed(&state, &ctx, &s.org_code).await?;
    input.code = s.code.clone();
    service::catalogue::update(&state.db, &ctx.actor(), s.id, &input).await?;
    Ok(Json(
        services::get(&state.db, s.id)
            .await?
            .ok_or_else(AppError::not_found)?,
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = desk::RequestInput)]
struct RequestInput {
    /// Service code.
    service: String,
    /// `phone`, `whatsapp` or `counter`: staff record how the request came in.
    channel: String,
    applicant: String,
    #[serde(default)]
    nik: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    description: String,
    /// Answers by field code; a multiple choice as several values.
    #[serde(default)]
    answers: BTreeMap<String, Vec<String>>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = desk::Problem)]
struct Problem {
    field: String,
    message: String,
}

/// An RFC 9457 problem (422) whose `errors` list every field that was wrong; absent when the
/// body itself did not have the shape of a request (then `detail` says so).
#[derive(utoipa::ToSchema)]
#[schema(as = desk::InvalidRequest)]
#[allow(dead_code)]
struct InvalidRequest {
    r#type: String,
    title: String,
    status: u16,
    detail: String,
    code: String,
    instance: String,
    errors: Option<Vec<Problem>>,
}

/// An RFC 9457 problem (422) whose `errors` list every line of the file that was wrong.
#[derive(utoipa::ToSchema)]
#[schema(as = desk::InvalidRegister)]
#[allow(dead_code)]
struct InvalidRegister {
    r#type: String,
    title: String,
    status: u16,
    detail: String,
    code: String,
    instance: String,
    /// Absent when the body itself could not be read as a register.
    errors: Option<Vec<LineProblem>>,
}

/// Staff submit a request taken by phone, WhatsApp or at the counter. Durable when answered.
#[utoipa::path(post, path = "/api/v1/layanan/requests", operation_id = "submitDeskRequest", tag = "desk", request_body = RequestInput,
    responses((status = 201, body = Submitted), (status = 401), (status = 403), (status = 404), (status = 422, body = InvalidRequest, content_type = "application/problem+json")))]
async fn submit_request(
    St(state): St<AppState>,
    Extension(queue): Extension<service::requests::SubmitQueue>,
    Extension(cache): Extension<services::ServiceCache>,
    ctx: Ctx,
    Json(input): Json<RequestInput>,
) -> WebResult<Response> {
    let s = cache
        .by_code(&state.db, &input.service)
        .await?
        .filter(|s| s.active)
        .ok_or_else(AppError::not_found)?;
    let p = ctx.signed_in()?;
    if !may_manage(p, &s.org_ref()) {
        return Err(anjungan_kernel::Error::Access(
            anjungan_kernel::identity::domain::AccessError::Forbidden,
        )
        .into());
    }
    let channel = Channel::parse(&input.channel)
        .filter(|c| Channel::STAFF.contains(c))
        .ok_or_else(|| AppError::bad_request("desk.error.channel"))?;
    let raw = RawIntake {
        applicant: input.applicant,
        nik: input.nik,
        phone: input.phone,
        email: input.email,
        description: input.description,
        answers: input
            .answers
            .into_iter()
            .flat_map(|(k, vs)| vs.into_iter().map(move |v| (k.clone(), v)))
            .collect(),
    };
    // A file answer names a file this client uploaded (`POST /api/v1/files`), not any digest.
    let mut foreign = Vec::new();
    for f in s.form.fields.iter().filter(|f| f.kind.code() == "file") {
        for (_, sha) in raw.answers.iter().filter(|(k, _)| *k == f.code) {
            if !sha.is_empty()
                && !anjungan_kernel::files::store::uploaded_by(&state.db, sha, p.user_id.0).await?
            {
                foreign.push((f.code.clone(), "desk.error.field_file"));
            }
        }
    }
    let checked =
        request::check_intake(&s.form, s.needs_resident, channel == Channel::Counter, &raw)
            .and_then(|i| {
                if foreign.is_empty() {
                    Ok(i)
                } else {
                    Err(foreign)
                }
            });
    let i = match checked {
        Ok(i) => i,
        Err(errs) => {
            let t = ctx.tr();
            let body: Vec<Problem> = errs
                .into_iter()
                .map(|(field, key)| Problem {
                    field,
                    message: t.s(key).to_string(),
                })
                .collect();
            return Ok(anjungan_kernel::web::error::invalid_input(
                t,
                &ctx.path,
                serde_json::to_value(body).unwrap_or_default(),
            ));
        }
    };
    let new = service::requests::NewRequest {
        channel,
        applicant: i.applicant,
        nik: i.nik,
        phone: i.phone,
        email: i.email,
        answers: i.answers,
        description: i.description,
        address: String::new(),
        lat: String::new(),
        lon: String::new(),
        created_by: Some(p.user_id.0),
        api_client: None,
    };
    let done = service::requests::submit_queued(
        &queue,
        &state.db,
        &state.keys,
        &ctx.actor(),
        &state.config.base_url,
        &s,
        &new,
    )
    .await?;
    state.outbox_wake.notify_one();
    Ok((StatusCode::CREATED, Json(done)).into_response())
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = desk::RequestDetail)]
struct RequestDetail {
    request: Request,
    history: Vec<Event>,
    letter: Option<letters::Letter>,
    /// Steps the caller may take now.
    steps: Vec<Command>,
}

async fn detail(state: &AppState, ctx: &Ctx, id: i64) -> WebResult<RequestDetail> {
    let p = ctx.signed_in()?;
    let r = requests::get(&state.db, &state.keys, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let unit = anjungan_kernel::orgs::domain::OrgRef {
        id: r.org_id,
        path: r.org_path.clone(),
    };
    let role = crate::domain::access::desk_role(p, &unit).ok_or_else(|| {
        AppError::from(anjungan_kernel::Error::Access(
            anjungan_kernel::identity::domain::AccessError::Forbidden,
        ))
    })?;
    Ok(RequestDetail {
        history: requests::history(&state.db, r.id).await?,
        letter: letters::for_request(&state.db, r.id).await?,
        steps: crate::domain::workflow::available(r.state, role),
        request: r,
    })
}

/// A request with its history, for the unit's staff.
#[utoipa::path(get, path = "/api/v1/layanan/requests/{id}", operation_id = "getDeskRequest", tag = "desk",
    params(("id" = i64, Path, description = "Request id")), responses((status = 200, body = RequestDetail), (status = 401), (status = 403), (status = 404)))]
async fn get_request(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> WebResult<Json<RequestDetail>> {
    Ok(Json(detail(&state, &ctx, id).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = desk::StepInput)]
struct StepInput {
    /// `verify`, `return`, `reject`, `sign`, `issue`, `deliver` or `close`.
    command: String,
    /// The reason, required to return or reject.
    #[serde(default)]
    note: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = desk::StepDone)]
struct StepDone {
    state: State,
}

/// One workflow step; refused steps change nothing.
#[utoipa::path(post, path = "/api/v1/layanan/requests/{id}/steps", operation_id = "stepDeskRequest", tag = "desk",
    params(("id" = i64, Path, description = "Request id")), request_body = StepInput,
    responses((status = 200, body = StepDone), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn request_step(
    St(state): St<AppState>,
    ctx: Ctx,
    axum::Extension(survey): axum::Extension<crate::ports::Invitations>,
    Path(id): Path<i64>,
    Json(input): Json<StepInput>,
) -> WebResult<Json<StepDone>> {
    let command = Command::parse(&input.command)
        .ok_or_else(|| AppError::bad_request("desk.error.command"))?;
    let to = take_step(&state, &ctx, &survey, id, command, &input.note).await?;
    Ok(Json(StepDone { state: to }))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
struct StatusQuery {
    /// One state, e.g. `submitted`.
    status: Option<String>,
}

/// A unit's requests, newest first (at most 500).
#[utoipa::path(get, path = "/api/v1/layanan/units/{org}/requests", operation_id = "listDeskRequests", tag = "desk",
    params(("org" = String, Path, description = "Organisation code"), StatusQuery),
    responses((status = 200, body = [QueueRow]), (status = 400), (status = 401), (status = 403)))]
async fn unit_requests(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(org): Path<String>,
    Query(q): Query<StatusQuery>,
) -> WebResult<Json<Vec<QueueRow>>> {
    let unit = super::staff::managed(&state, &ctx, &org).await?;
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(State::parse(s).ok_or_else(|| AppError::bad_request("desk.error.status"))?),
        None => None,
    };
    Ok(Json(
        requests::queue(&state.db, &state.keys, unit.id, status, 500).await?,
    ))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = desk::ServiceSla)]
struct ServiceSla {
    code: String,
    name: String,
    figures: Figures,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = desk::UnitSla)]
struct UnitSla {
    unit: String,
    figures: Figures,
    services: Vec<ServiceSla>,
}

/// SLA figures of a unit over the last year: on time %, open overdue, median and p90 days, channels.
#[utoipa::path(get, path = "/api/v1/layanan/units/{org}/sla", operation_id = "getDeskSla", tag = "desk",
    params(("org" = String, Path, description = "Organisation code")), responses((status = 200, body = UnitSla), (status = 401), (status = 403)))]
async fn unit_sla(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(org): Path<String>,
) -> WebResult<Json<UnitSla>> {
    let unit = super::staff::managed(&state, &ctx, &org).await?;
    let (figures, per) = unit_figures(&state, unit.id).await?;
    Ok(Json(UnitSla {
        unit: unit.name,
        figures,
        services: per
            .into_iter()
            .map(|x| ServiceSla {
                code: x.service.code,
                name: x.service.name,
                figures: x.figures,
            })
            .collect(),
    }))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = desk::Imported)]
struct Imported {
    added: u64,
    updated: u64,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = desk::LineProblem)]
struct LineProblem {
    line: usize,
    message: String,
}

/// Imports a resident register (CSV body: `nik,kk,nama,tempat_lahir,tanggal_lahir,jenis_kelamin,alamat,rt,rw,dusun`).
/// Any bad line rejects the whole file.
#[utoipa::path(post, path = "/api/v1/layanan/units/{org}/residents", operation_id = "importDeskResidents", tag = "desk",
    params(("org" = String, Path, description = "Organisation code")), request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = Imported), (status = 401), (status = 403), (status = 422, body = InvalidRegister, content_type = "application/problem+json")))]
async fn import_residents(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(org): Path<String>,
    body: String,
) -> WebResult<Response> {
    let unit = super::staff::managed(&state, &ctx, &org).await?;
    match crate::domain::register::parse_csv(&body) {
        Ok(rows) => {
            let (added, updated) = crate::service::residents::import(
                &state.db,
                &state.keys,
                &ctx.actor(),
                unit.id,
                &rows,
            )
            .await?;
            Ok(Json(Imported { added, updated }).into_response())
        }
        Err(errs) => {
            let t = ctx.tr();
            let body: Vec<LineProblem> = errs
                .into_iter()
                .map(|e| LineProblem {
                    line: e.line,
                    message: t.s(e.message_key).to_string(),
                })
                .collect();
            Ok(anjungan_kernel::web::error::invalid_input(
                t,
                &ctx.path,
                serde_json::to_value(body).unwrap_or_default(),
            ))
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = desk::Tracking)]
struct Tracking {
    number: String,
    service: String,
    unit: String,
    state: State,
    submitted_at: i64,
    due_on: String,
    /// The reason of a return or rejection.
    note: String,
    history: Vec<Event>,
    letter_number: Option<String>,
    verify_url: Option<String>,
    download_url: Option<String>,
}

/// The signed-in person's own requests, newest first: those filed from their account and those
/// filed with their account's e-mail address, each with its tracking code.
#[utoipa::path(get, path = "/api/v1/layanan/my-requests", operation_id = "listMyDeskRequests", tag = "desk",
    responses((status = 200, body = [crate::store::requests::Mine]), (status = 401)))]
async fn my_requests(
    St(state): St<AppState>,
    ctx: Ctx,
) -> WebResult<Json<Vec<crate::store::requests::Mine>>> {
    let p = ctx.signed_in()?;
    Ok(Json(
        crate::service::follow::list_for_user(&state.db, &state.keys, p.user_id.0).await?,
    ))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = desk::ComplaintTracking)]
struct ComplaintTracking {
    id: i64,
    unit: String,
    service: Option<String>,
    /// The request it is about, if any.
    request_number: Option<String>,
    created_at: i64,
    /// `open` or `answered`.
    state: &'static str,
    due_on: String,
    overdue: bool,
    lapor_ref: String,
    /// The unit's answer, once given.
    response: Option<String>,
    responded_at: Option<i64>,
}

/// A complaint's state and the unit's answer, by the code given when it was filed. Public.
#[utoipa::path(get, path = "/api/v1/layanan/complaints/track/{code}", operation_id = "trackDeskComplaint", tag = "desk",
    params(("code" = String, Path, description = "The complaint's tracking code")),
    responses((status = 200, body = ComplaintTracking), (status = 404)))]
async fn track_complaint(
    St(state): St<AppState>,
    Path(code): Path<String>,
) -> WebResult<Json<ComplaintTracking>> {
    let t = crate::service::admin::tracked_complaint(&state.db, &state.keys, &code)
        .await?
        .ok_or_else(AppError::not_found)?;
    let c = t.complaint;
    Ok(Json(ComplaintTracking {
        id: c.id,
        unit: t.org_name,
        service: t.service_name,
        request_number: c.request_number,
        created_at: c.created_at,
        state: if c.responded_at.is_some() {
            "answered"
        } else {
            "open"
        },
        due_on: c.due_on,
        overdue: c.overdue,
        lapor_ref: c.lapor_ref,
        response: c.responded_at.map(|_| c.response),
        responded_at: c.responded_at,
    }))
}

/// A request's status and history by its tracking code, without personal data. Public.
#[utoipa::path(get, path = "/api/v1/layanan/track/{code}", operation_id = "trackDeskRequest", tag = "desk",
    params(("code" = String, Path, description = "Tracking code")), responses((status = 200, body = Tracking), (status = 404)))]
async fn track(St(state): St<AppState>, Path(code): Path<String>) -> WebResult<Json<Tracking>> {
    let r = requests::by_tracking(&state.db, &state.keys, &code)
        .await?
        .ok_or_else(AppError::not_found)?;
    let letter = letters::for_request(&state.db, r.id).await?;
    let code = r.tracking_code(&state.keys);
    Ok(Json(Tracking {
        history: requests::history(&state.db, r.id).await?,
        letter_number: letter.as_ref().map(|l| l.number.clone()),
        verify_url: letter.as_ref().map(|l| format!("/verifikasi/{}", l.code)),
        download_url: letter
            .as_ref()
            .map(|_| format!("/layanan/lacak/{code}/surat.pdf")),
        number: r.number,
        service: r.service_name,
        unit: r.org_name,
        state: r.state,
        submitted_at: r.submitted_at,
        due_on: r.due_on,
        note: if matches!(r.state, State::Returned | State::Rejected) {
            r.note
        } else {
            String::new()
        },
    }))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = desk::Verification)]
struct Verification {
    authentic: bool,
    /// How the letter is signed, e.g. "PAdES-B-B (ETSI.CAdES.detached), ECDSA P-256 / SHA-256".
    signature_algorithm: String,
    /// Where the regency's certificate chain is published (PEM), to check the PDF's signature.
    certificate_chain: String,
    letter: letters::Letter,
}

/// A letter's verification record by its code (the QR code's target). Public.
#[utoipa::path(get, path = "/api/v1/layanan/letters/{code}", operation_id = "verifyDeskLetter", tag = "desk",
    params(("code" = String, Path, description = "Verification code")), responses((status = 200, body = Verification), (status = 404)))]
async fn verify_letter(
    St(state): St<AppState>,
    Path(code): Path<String>,
) -> WebResult<Json<Verification>> {
    let l = letters::by_code(&state.db, &code)
        .await?
        .ok_or_else(AppError::not_found)?;
    Ok(Json(Verification {
        authentic: l.signature_holds(),
        signature_algorithm: l.algorithm().to_string(),
        certificate_chain: format!(
            "{}/.well-known/pki/ca.pem",
            state.config.base_url.trim_end_matches('/')
        ),
        letter: l,
    }))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = desk::ComplaintInput)]
struct ComplaintInput {
    /// Organisation code of the unit.
    unit: String,
    /// Service code, if the complaint is about one service.
    #[serde(default)]
    service: String,
    /// Tracking code, if it is about a request.
    #[serde(default)]
    tracking_code: String,
    text: String,
    /// WhatsApp number or e-mail for the response.
    #[serde(default)]
    contact: String,
    /// LAPOR! (SP4N) report number.
    #[serde(default)]
    lapor_ref: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = desk::ComplaintCreated)]
struct ComplaintCreated {
    id: i64,
    /// The unit must respond by this date (5 working days).
    due_on: String,
    /// Opens the complaint's tracking page; shown only here, keep it.
    tracking_code: String,
    /// The complaint's tracking page.
    tracking_url: String,
}

/// Records a complaint about a unit, a service or a request. Public.
#[utoipa::path(post, path = "/api/v1/layanan/complaints", operation_id = "createDeskComplaint", tag = "desk", request_body = ComplaintInput,
    responses((status = 201, body = ComplaintCreated), (status = 400)))]
async fn complain(
    St(state): St<AppState>,
    ctx: Ctx,
    Json(input): Json<ComplaintInput>,
) -> WebResult<Response> {
    let units = services::units(&state.db).await?;
    let f = super::public::ComplaintForm {
        unit: input.unit,
        layanan: input.service,
        kode: input.tracking_code,
        isi: input.text,
        kontak: input.contact,
        lapor: input.lapor_ref,
    };
    let new = super::public::complaint_input(&state, &units, &f)
        .await?
        .map_err(AppError::bad_request)?;
    let filed = crate::service::admin::complain(&state.db, &state.keys, &ctx.actor(), &new).await?;
    let tracking_url = format!(
        "{}/layanan/pengaduan/lacak/{}",
        state.config.base_url.trim_end_matches('/'),
        filed.tracking_code
    );
    Ok((
        StatusCode::CREATED,
        Json(ComplaintCreated {
            id: filed.id,
            due_on: filed.due_on,
            tracking_code: filed.tracking_code,
            tracking_url,
        }),
    )
        .into_response())
}

/// A unit's complaints, newest first, with their deadlines (unit staff).
#[utoipa::path(get, path = "/api/v1/layanan/units/{org}/complaints", operation_id = "listDeskComplaints", tag = "desk",
    params(("org" = String, Path, description = "Organisation code")),
    responses((status = 200, body = [crate::store::admin::Complaint]), (status = 401), (status = 403)))]
async fn unit_complaints(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(org): Path<String>,
) -> WebResult<Json<Vec<crate::store::admin::Complaint>>> {
    let unit = super::staff::managed(&state, &ctx, &org).await?;
    Ok(Json(
        crate::store::admin::complaints(&state.db, &state.keys, unit.id).await?,
    ))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
struct YearParam {
    /// Default: this year.
    year: Option<i32>,
}

/// Holidays and collective leave of a year (non-working days besides weekends). Public.
#[utoipa::path(get, path = "/api/v1/layanan/holidays", operation_id = "listDeskHolidays", tag = "desk", params(YearParam),
    responses((status = 200, body = [crate::store::admin::Holiday])))]
async fn list_holidays(
    St(state): St<AppState>,
    Query(q): Query<YearParam>,
) -> WebResult<Json<Vec<crate::store::admin::Holiday>>> {
    let year = q
        .year
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or(crate::store::today().year());
    Ok(Json(crate::store::admin::holidays(&state.db, year).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = desk::HolidayInput)]
struct HolidayInput {
    name: String,
    /// `national` or `collective_leave`.
    kind: String,
}

fn admin_only(ctx: &Ctx) -> Result<(), AppError> {
    if crate::domain::access::may_administer(ctx.signed_in()?) {
        Ok(())
    } else {
        Err(anjungan_kernel::Error::Access(
            anjungan_kernel::identity::domain::AccessError::Forbidden,
        )
        .into())
    }
}

/// Adds or renames a holiday (admin).
#[utoipa::path(put, path = "/api/v1/layanan/holidays/{day}", operation_id = "setDeskHoliday", tag = "desk",
    params(("day" = String, Path, description = "YYYY-MM-DD")), request_body = HolidayInput,
    responses((status = 204), (status = 400), (status = 401), (status = 403)))]
async fn set_holiday(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(day): Path<String>,
    Json(h): Json<HolidayInput>,
) -> WebResult<StatusCode> {
    admin_only(&ctx)?;
    crate::service::admin::set_holiday(&state.db, &ctx.actor(), &day, &h.name, &h.kind).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a holiday (admin).
#[utoipa::path(delete, path = "/api/v1/layanan/holidays/{day}", operation_id = "deleteDeskHoliday", tag = "desk",
    params(("day" = String, Path, description = "YYYY-MM-DD")), responses((status = 204), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn delete_holiday(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(day): Path<String>,
) -> WebResult<StatusCode> {
    admin_only(&ctx)?;
    crate::service::admin::delete_holiday(&state.db, &ctx.actor(), &day).await?;
    Ok(StatusCode::NO_CONTENT)
}

//! The unit's desk under `/layanan/kelola`: the queue with SLA figures, a request with the
//! register check and the workflow's steps, requests taken by phone, WhatsApp or at the counter,
//! the resident register, complaints and the head's signing key; regency settings under
//! `/layanan/admin` (holidays, Open311 keys).

use super::{FieldMessage, FormValues, form_errors, intake};
use crate::domain::DeskError;
use crate::domain::access::{desk_role, may_administer, may_manage};
use crate::domain::request::Channel;
use crate::domain::sla::{self, Figures};
use crate::domain::workflow::{self, Command, State};
use crate::service;
use crate::service::letters::SignContext;
use crate::service::requests::Step;
use crate::store::letters::{self, KeyInfo, Letter};
use crate::store::requests::{self, Event, QueueRow, Request};
use crate::store::residents::{self, RegisterEntry};
use crate::store::services::{self, Service};
use crate::store::{admin, today};
use anjungan_kernel::identity::domain::Role;
use anjungan_kernel::orgs::domain::Organisation;
use anjungan_kernel::web::pages::render;
use anjungan_kernel::web::{AppError, AppState, Ctx, Shell, WebResult};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State as St};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form};
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/layanan/kelola", get(units))
        .route("/layanan/kelola/{org}", get(queue))
        .route(
            "/layanan/kelola/{org}/ajukan",
            get(counter_page).post(counter_submit),
        )
        .route(
            "/layanan/kelola/{org}/penduduk",
            get(register_page).post(register_import),
        )
        .route("/layanan/kelola/{org}/pengaduan", get(complaints_page))
        .route("/layanan/kelola/{org}/pengaduan/{id}", post(respond))
        .route(
            "/layanan/kelola/{org}/kunci",
            get(key_page).post(rotate_key),
        )
        .route("/layanan/kelola/permohonan/{id}", get(request_page))
        .route("/layanan/kelola/permohonan/{id}/langkah", post(step))
        .route(
            "/layanan/kelola/permohonan/{id}/surat.pdf",
            get(staff_download),
        )
        .route(
            "/layanan/kelola/permohonan/{id}/pratinjau.pdf",
            get(preview_download),
        )
        .route(
            "/layanan/kelola/permohonan/{id}/berkas/{field}",
            get(attachment_download),
        )
        .route("/layanan/admin", get(admin_page))
        .route("/layanan/admin/libur", post(holiday_set))
        .route("/layanan/admin/libur/hapus", post(holiday_delete))
        .route("/layanan/admin/kunci-api", post(api_key_create))
        .route("/layanan/admin/kunci-api/{id}/cabut", post(api_key_revoke))
        .layer(DefaultBodyLimit::max(16 * 1024 * 1024))
}

/// The unit if the signed-in person is its staff, else 401/403/404.
pub(crate) async fn managed(
    state: &AppState,
    ctx: &Ctx,
    code: &str,
) -> Result<Organisation, AppError> {
    let p = ctx.signed_in()?;
    let unit = anjungan_kernel::orgs::store::get_by_code(&state.db, code)
        .await?
        .ok_or_else(AppError::not_found)?;
    if !may_manage(p, &unit.as_ref()) {
        return Err(anjungan_kernel::Error::Access(
            anjungan_kernel::identity::domain::AccessError::Forbidden,
        )
        .into());
    }
    Ok(unit)
}

fn forbidden() -> AppError {
    anjungan_kernel::Error::Access(anjungan_kernel::identity::domain::AccessError::Forbidden).into()
}

#[derive(Template)]
#[template(path = "desk_units.html")]
struct UnitsPage {
    shell: Shell,
    units: Vec<Organisation>,
    admin: bool,
}

async fn units(St(state): St<AppState>, ctx: Ctx) -> WebResult<Response> {
    let p = ctx.signed_in()?;
    let mut units = Vec::new();
    for g in &p.grants {
        if matches!(g.role, Role::UnitHead | Role::UnitOperator)
            && let Some(o) = &g.org
            && let Some(org) = anjungan_kernel::orgs::store::get(&state.db, o.id).await?
            && !units.iter().any(|u: &Organisation| u.id == org.id)
        {
            units.push(org);
        }
    }
    if units.len() == 1 && !p.is_admin() {
        return Ok(Redirect::to(&format!("/layanan/kelola/{}", units[0].code)).into_response());
    }
    if units.is_empty() && !p.is_admin() {
        return Err(forbidden());
    }
    render(&UnitsPage {
        shell: Shell::new(&ctx),
        units,
        admin: p.is_admin(),
    })
}

pub(crate) struct ServiceFigures {
    pub service: Service,
    pub figures: Figures,
}

/// SLA figures over the last year: the unit's and each service's.
pub(crate) async fn unit_figures(
    state: &AppState,
    org_id: i64,
) -> Result<(Figures, Vec<ServiceFigures>), AppError> {
    let cal = crate::store::calendar(&state.db).await?;
    let since = anjungan_kernel::clock::now_ms() - 365 * anjungan_kernel::clock::DAY;
    let samples = requests::samples(&state.db, Some(org_id), None, since).await?;
    let on = today();
    let all: Vec<sla::Sample> = samples.iter().map(|(_, s)| s.clone()).collect();
    let mut per = Vec::new();
    for s in services::list(&state.db, Some(org_id), true).await? {
        let mine: Vec<sla::Sample> = samples
            .iter()
            .filter(|(id, _)| *id == s.id)
            .map(|(_, x)| x.clone())
            .collect();
        per.push(ServiceFigures {
            figures: sla::figures(&cal, on, &mine),
            service: s,
        });
    }
    Ok((sla::figures(&cal, on, &all), per))
}

#[derive(Template)]
#[template(path = "desk_queue.html")]
struct QueuePage {
    shell: Shell,
    unit: Organisation,
    rows: Vec<QueueRow>,
    state_filter: String,
    states: Vec<State>,
    figures: Figures,
    per_service: Vec<ServiceFigures>,
    residents: i64,
    is_head: bool,
}

impl QueuePage {
    fn pct(&self, f: &Figures) -> String {
        f.on_time_pct
            .map(|p| format!("{}%", self.shell.t.decimal(p, 1)))
            .unwrap_or_else(|| "—".into())
    }
    fn days(&self, d: &Option<f64>) -> String {
        d.map(|x| self.shell.t.decimal(x, 1))
            .unwrap_or_else(|| "—".into())
    }
    fn channels(&self) -> String {
        self.figures
            .by_channel
            .iter()
            .map(|(c, n)| format!("{} {n}", self.shell.t.s(&format!("desk.channel.{c}"))))
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

#[derive(serde::Deserialize, Default)]
struct QueueQuery {
    status: Option<String>,
}

async fn queue(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(org): Path<String>,
    Query(q): Query<QueueQuery>,
) -> WebResult<Response> {
    let unit = managed(&state, &ctx, &org).await?;
    let filter = q.status.as_deref().and_then(State::parse);
    let rows = requests::queue(&state.db, &state.keys, unit.id, filter, 200).await?;
    let (figures, per_service) = unit_figures(&state, unit.id).await?;
    let is_head = ctx
        .principal
        .as_ref()
        .is_some_and(|p| p.holds_for(Role::UnitHead, &unit.as_ref()));
    render(&QueuePage {
        shell: Shell::new(&ctx),
        residents: residents::count(&state.db, unit.id).await?,
        unit,
        rows,
        state_filter: filter.map(|s| s.code().to_string()).unwrap_or_default(),
        states: State::ALL.to_vec(),
        figures,
        per_service,
        is_head,
    })
}

#[derive(Template)]
#[template(path = "desk_request.html")]
struct RequestPage {
    shell: Shell,
    r: Request,
    s: Service,
    history: Vec<Event>,
    letter: Option<Letter>,
    register: Option<RegisterEntry>,
    /// The NIK's birth date and sex agree with the register entry.
    register_agrees: bool,
    commands: Vec<Command>,
    error: Option<String>,
}

impl RequestPage {
    fn answer(&self, code: &str) -> String {
        self.s
            .form
            .fields
            .iter()
            .find(|f| f.code == code)
            .and_then(|f| {
                self.r
                    .answers
                    .get(code)
                    .map(|a| crate::domain::form::display(f, a))
            })
            .unwrap_or_default()
    }
}

async fn load_request(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
) -> Result<(Request, workflow::Actor), AppError> {
    let p = ctx.signed_in()?;
    let r = requests::get(&state.db, &state.keys, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let unit = anjungan_kernel::orgs::domain::OrgRef {
        id: r.org_id,
        path: r.org_path.clone(),
    };
    let role = desk_role(p, &unit).ok_or_else(forbidden)?;
    Ok((r, role))
}

async fn request_view(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    error: Option<String>,
) -> WebResult<Response> {
    let (r, role) = load_request(state, ctx, id).await?;
    let s = services::get(&state.db, r.service_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let register = match crate::domain::Nik::parse(&r.nik) {
        Ok(nik) => residents::find(&state.db, &state.keys, r.org_id, &nik).await?,
        Err(_) => None,
    };
    let register_agrees = match (&register, crate::domain::Nik::parse(&r.nik)) {
        (Some(e), Ok(nik)) => match (e.birth(), e.sex()) {
            (Some(b), Some(sex)) => nik.agrees_with(b, sex),
            _ => false,
        },
        _ => false,
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut resp = render(&RequestPage {
        shell: Shell::new(ctx),
        history: requests::history(&state.db, r.id).await?,
        letter: letters::for_request(&state.db, r.id).await?,
        commands: workflow::available(r.state, role),
        register,
        register_agrees,
        s,
        r,
        error,
    })?;
    *resp.status_mut() = status;
    Ok(resp)
}

async fn request_page(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    request_view(&state, &ctx, id, None).await
}

#[derive(serde::Deserialize)]
struct StepForm {
    perintah: String,
    #[serde(default)]
    catatan: String,
    #[serde(default)]
    konfirmasi: String,
    /// The head's password, asked again when signing.
    #[serde(default)]
    sandi: String,
}

/// Letterhead lines under the unit's name: its district (for villages) and address.
pub(crate) async fn letterhead(state: &AppState, org_id: i64) -> Result<Vec<String>, AppError> {
    let mut lines = Vec::new();
    if let Some(o) = anjungan_kernel::orgs::store::get(&state.db, org_id).await? {
        if let Some(pid) = o.parent_id
            && let Some(p) = anjungan_kernel::orgs::store::get(&state.db, pid).await?
            && p.kind == anjungan_kernel::orgs::domain::OrgKind::District
        {
            lines.push(format!("Kecamatan {}", p.name));
        }
        if !o.address.is_empty() {
            lines.push(o.address.clone());
        }
    }
    Ok(lines)
}

/// What signing (or previewing) a letter of `org_id` takes: the signed-in head and the unit.
async fn sign_context<'a>(
    state: &'a AppState,
    ctx: &'a Ctx,
    actor: &'a anjungan_kernel::audit::Actor,
    org_id: i64,
) -> Result<SignContext<'a>, AppError> {
    let p = ctx.signed_in()?;
    Ok(SignContext {
        keys: &state.keys,
        actor,
        user_id: p.user_id.0,
        signer_name: &p.name,
        base_url: &state.config.base_url,
        data_dir: &state.config.data_dir,
        letterhead: letterhead(state, org_id).await?,
    })
}

/// One workflow step by the unit's staff; signing goes through the head's key.
pub(crate) async fn take_step(
    state: &AppState,
    ctx: &Ctx,
    survey: &crate::ports::Invitations,
    id: i64,
    command: Command,
    note: &str,
) -> Result<State, AppError> {
    let (r, role) = load_request(state, ctx, id).await?;
    let actor = ctx.actor();
    let to = if command == Command::Sign {
        if role != workflow::Actor::Head {
            return Err(DeskError::Workflow(workflow::WorkflowError::NotYours).into());
        }
        let cx = sign_context(state, ctx, &actor, r.org_id).await?;
        crate::service::letters::sign(&state.db, &cx, id).await?
    } else {
        let step = Step {
            actor: &actor,
            role,
            base_url: &state.config.base_url,
            survey: Some(survey),
        };
        service::requests::act(&state.db, &state.keys, step, id, command, note).await?
    };
    state.outbox_wake.notify_one();
    Ok(to)
}

async fn step(
    St(state): St<AppState>,
    ctx: Ctx,
    axum::Extension(survey): axum::Extension<crate::ports::Invitations>,
    Path(id): Path<i64>,
    Form(f): Form<StepForm>,
) -> WebResult<Response> {
    let command =
        Command::parse(&f.perintah).ok_or_else(|| AppError::bad_request("error.bad_request"))?;
    // A rejection ends the request for good: the officer confirms it on a page that repeats the
    // reason the citizen will read.
    if command == Command::Reject
        && !f.catatan.trim().is_empty()
        && !anjungan_kernel::web::confirm::confirmed(&f.konfirmasi)
    {
        let (r, _) = load_request(&state, &ctx, id).await?;
        let t = ctx.tr();
        return anjungan_kernel::web::confirm::page(
            &ctx,
            anjungan_kernel::web::confirm::Confirm {
                title: t.f("desk.reject_question", &[("number", &r.number)]),
                consequence: t.f("desk.reject_consequence", &[("reason", f.catatan.trim())]),
                yes: t.s("desk.reject_yes").to_string(),
                action: format!("/layanan/kelola/permohonan/{id}/langkah"),
                fields: vec![
                    ("perintah".into(), f.perintah.clone()),
                    ("catatan".into(), f.catatan.clone()),
                ],
                back: format!("/layanan/kelola/permohonan/{id}"),
            },
        );
    }
    // Signing is a legal act: the head confirms it with their password.
    if command == Command::Sign {
        let p = ctx.signed_in()?;
        if !anjungan_kernel::identity::service::reauthenticate(&state.db, p.user_id, &f.sandi)
            .await?
        {
            let msg = ctx.tr().s("desk.error.sign_password").to_string();
            return request_view(&state, &ctx, id, Some(msg)).await;
        }
    }
    match take_step(&state, &ctx, &survey, id, command, &f.catatan).await {
        Ok(_) => Ok(Redirect::to(&format!("/layanan/kelola/permohonan/{id}")).into_response()),
        Err(e) if e.status == StatusCode::BAD_REQUEST || e.status == StatusCode::CONFLICT => {
            let msg = ctx.tr().s(e.key).to_string();
            request_view(&state, &ctx, id, Some(msg)).await
        }
        Err(e) => Err(e),
    }
}

/// A file the applicant attached to a form field: private, for the unit's staff only.
async fn attachment_download(
    St(state): St<AppState>,
    ctx: Ctx,
    Path((id, field)): Path<(i64, String)>,
) -> WebResult<Response> {
    let (r, _) = load_request(&state, &ctx, id).await?;
    let service = services::get(&state.db, r.service_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let is_file = service
        .form
        .fields
        .iter()
        .any(|f| f.code == field && f.kind.code() == "file");
    let sha = r
        .answers
        .get(&field)
        .filter(|_| is_file)
        .and_then(|a| a.first().cloned())
        .ok_or_else(AppError::not_found)?;
    let file =
        anjungan_kernel::files::store::get(&state.db, &state.config.data_dir, &state.keys, &sha)
            .await?
            .ok_or_else(AppError::not_found)?;
    Ok(anjungan_kernel::files::web::send(
        file,
        anjungan_kernel::files::web::Caching::Private,
    ))
}

async fn staff_download(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let (r, _) = load_request(&state, &ctx, id).await?;
    let letter = letters::for_request(&state.db, r.id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let bytes = letters::pdf(&state.db, &state.config.data_dir, &state.keys, &letter).await?;
    Ok(super::pdf_response(&letter, bytes))
}

/// The letter as the head will sign it (no number, no signature yet), for the unit's staff.
async fn preview_download(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let (r, _) = load_request(&state, &ctx, id).await?;
    let actor = ctx.actor();
    let cx = sign_context(&state, &ctx, &actor, r.org_id).await?;
    let bytes = crate::service::letters::preview(&state.db, &cx, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"pratinjau-{id}.pdf\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

// --- requests taken by phone, WhatsApp or at the counter ---

#[derive(Template)]
#[template(path = "desk_counter.html")]
struct CounterPage {
    shell: Shell,
    unit: Organisation,
    services: Vec<Service>,
    chosen: Option<Service>,
    v: FormValues,
    errors: Vec<FieldMessage>,
    channels: Vec<Channel>,
}

#[derive(serde::Deserialize, Default)]
struct CounterQuery {
    layanan: Option<String>,
}

async fn counter_page(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(org): Path<String>,
    Query(q): Query<CounterQuery>,
) -> WebResult<Response> {
    let unit = managed(&state, &ctx, &org).await?;
    let services = services::list(&state.db, Some(unit.id), false).await?;
    let chosen = q
        .layanan
        .and_then(|c| services.iter().find(|s| s.code == c).cloned());
    render(&CounterPage {
        shell: Shell::new(&ctx),
        unit,
        services,
        chosen,
        v: FormValues::default(),
        errors: Vec::new(),
        channels: Channel::STAFF.to_vec(),
    })
}

async fn counter_submit(
    St(state): St<AppState>,
    Extension(queue): Extension<service::requests::SubmitQueue>,
    ctx: Ctx,
    Path(org): Path<String>,
    body: Bytes,
) -> WebResult<Response> {
    let unit = managed(&state, &ctx, &org).await?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
        .map_err(|_| AppError::bad_request("error.bad_request"))?;
    let v = FormValues::from_pairs(&pairs);
    let services = services::list(&state.db, Some(unit.id), false).await?;
    let s = services
        .iter()
        .find(|s| s.code == v.get("layanan"))
        .cloned()
        .ok_or_else(|| AppError::bad_request("desk.error.choose_service"))?;
    let channel = Channel::parse(v.get("saluran"))
        .filter(|c| Channel::STAFF.contains(c))
        .ok_or_else(|| AppError::bad_request("desk.error.channel"))?;
    // At the counter the citizen may have no phone; the receipt is printed instead.
    let new = match intake(&s, &v, channel, channel == Channel::Counter) {
        Ok(n) => n,
        Err(errs) => {
            let mut resp = render(&CounterPage {
                shell: Shell::new(&ctx),
                unit,
                services,
                chosen: Some(s),
                errors: form_errors(&ctx, errs),
                v,
                channels: Channel::STAFF.to_vec(),
            })?;
            *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(resp);
        }
    };
    let new = service::requests::NewRequest {
        created_by: ctx.principal.as_ref().map(|p| p.user_id.0),
        ..new
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
    Ok(Redirect::to(&format!(
        "/layanan/kelola/permohonan/{}?kode={}",
        done.id, done.tracking_code
    ))
    .into_response())
}

// --- resident register ---

#[derive(Template)]
#[template(path = "desk_residents.html")]
struct RegisterPage {
    shell: Shell,
    unit: Organisation,
    count: i64,
    entries: Vec<RegisterEntry>,
    page: i64,
    imported: Option<(u64, u64)>,
    errors: Vec<(usize, String)>,
}

#[derive(serde::Deserialize, Default)]
struct PageQuery {
    hal: Option<i64>,
}

const REGISTER_PAGE: i64 = 50;

async fn register_page(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(org): Path<String>,
    Query(q): Query<PageQuery>,
) -> WebResult<Response> {
    let unit = managed(&state, &ctx, &org).await?;
    let page = q.hal.unwrap_or(1).clamp(1, 1_000_000);
    render(&RegisterPage {
        shell: Shell::new(&ctx),
        count: residents::count(&state.db, unit.id).await?,
        entries: residents::page(
            &state.db,
            &state.keys,
            unit.id,
            (page - 1) * REGISTER_PAGE,
            REGISTER_PAGE,
        )
        .await?,
        unit,
        page,
        imported: None,
        errors: Vec::new(),
    })
}

async fn register_import(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(org): Path<String>,
    mut form: Multipart,
) -> WebResult<Response> {
    let unit = managed(&state, &ctx, &org).await?;
    let mut text = String::new();
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|_| AppError::bad_request("error.bad_request"))?
    {
        if field.name() == Some("berkas") {
            let bytes = field
                .bytes()
                .await
                .map_err(|_| AppError::bad_request("error.bad_request"))?;
            text = String::from_utf8(bytes.to_vec())
                .map_err(|_| AppError::bad_request("desk.import.encoding"))?;
        }
    }
    let t = ctx.tr();
    let (imported, errors) = match crate::domain::register::parse_csv(&text) {
        Ok(rows) => (
            Some(
                service::residents::import(&state.db, &state.keys, &ctx.actor(), unit.id, &rows)
                    .await?,
            ),
            Vec::new(),
        ),
        Err(errs) => (
            None,
            errs.into_iter()
                .map(|e| (e.line, t.s(e.message_key).to_string()))
                .collect(),
        ),
    };
    let failed = !errors.is_empty();
    let mut resp = render(&RegisterPage {
        shell: Shell::new(&ctx),
        count: residents::count(&state.db, unit.id).await?,
        entries: residents::page(&state.db, &state.keys, unit.id, 0, REGISTER_PAGE).await?,
        unit,
        page: 1,
        imported,
        errors,
    })?;
    if failed {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

// --- complaints ---

#[derive(Template)]
#[template(path = "desk_complaints.html")]
struct ComplaintsPage {
    shell: Shell,
    unit: Organisation,
    complaints: Vec<admin::Complaint>,
}

async fn complaints_page(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(org): Path<String>,
) -> WebResult<Response> {
    let unit = managed(&state, &ctx, &org).await?;
    render(&ComplaintsPage {
        shell: Shell::new(&ctx),
        complaints: admin::complaints(&state.db, &state.keys, unit.id).await?,
        unit,
    })
}

#[derive(serde::Deserialize)]
struct RespondForm {
    tanggapan: String,
}

async fn respond(
    St(state): St<AppState>,
    ctx: Ctx,
    Path((org, id)): Path<(String, i64)>,
    Form(f): Form<RespondForm>,
) -> WebResult<Response> {
    let unit = managed(&state, &ctx, &org).await?;
    service::admin::respond(
        &state.db,
        &state.keys,
        &ctx.actor(),
        unit.id,
        id,
        &f.tanggapan,
    )
    .await?;
    state.outbox_wake.notify_one();
    Ok(Redirect::to(&format!("/layanan/kelola/{}/pengaduan", unit.code)).into_response())
}

// --- the head's signing key ---

#[derive(Template)]
#[template(path = "desk_key.html")]
struct KeyPage {
    shell: Shell,
    unit: Organisation,
    keys: Vec<KeyInfo>,
}

async fn key_page(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(org): Path<String>,
) -> WebResult<Response> {
    let unit = managed(&state, &ctx, &org).await?;
    let p = ctx.signed_in()?;
    if !p.holds_for(Role::UnitHead, &unit.as_ref()) {
        return Err(forbidden());
    }
    let keys = letters::keys_of(&state.db, p.user_id.0, unit.id).await?;
    render(&KeyPage {
        shell: Shell::new(&ctx),
        unit,
        keys,
    })
}

async fn rotate_key(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(org): Path<String>,
) -> WebResult<Response> {
    let unit = managed(&state, &ctx, &org).await?;
    let p = ctx.signed_in()?;
    if !p.holds_for(Role::UnitHead, &unit.as_ref()) {
        return Err(forbidden());
    }
    service::letters::rotate_key(&state.db, &state.keys, &ctx.actor(), p.user_id.0, unit.id)
        .await?;
    Ok(Redirect::to(&format!("/layanan/kelola/{}/kunci", unit.code)).into_response())
}

// --- regency settings ---

#[derive(Template)]
#[template(path = "desk_admin.html")]
struct AdminPage {
    shell: Shell,
    year: i32,
    holidays: Vec<admin::Holiday>,
    api_keys: Vec<admin::ApiKey>,
    new_key: Option<String>,
    error: Option<String>,
}

#[derive(serde::Deserialize, Default)]
struct YearQuery {
    tahun: Option<i32>,
}

fn require_admin(ctx: &Ctx) -> Result<(), AppError> {
    if may_administer(ctx.signed_in()?) {
        Ok(())
    } else {
        Err(forbidden())
    }
}

async fn admin_view(
    state: &AppState,
    ctx: &Ctx,
    year: i32,
    new_key: Option<String>,
    error: Option<String>,
) -> WebResult<Response> {
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut resp = render(&AdminPage {
        shell: Shell::new(ctx),
        year,
        holidays: admin::holidays(&state.db, year).await?,
        api_keys: admin::api_keys(&state.db).await?,
        new_key,
        error,
    })?;
    *resp.status_mut() = status;
    Ok(resp)
}

async fn admin_page(
    St(state): St<AppState>,
    ctx: Ctx,
    Query(q): Query<YearQuery>,
) -> WebResult<Response> {
    require_admin(&ctx)?;
    let year = q
        .tahun
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or(today().year());
    admin_view(&state, &ctx, year, None, None).await
}

#[derive(serde::Deserialize)]
struct HolidayForm {
    tanggal: String,
    #[serde(default)]
    nama: String,
    #[serde(default)]
    jenis: String,
}

async fn holiday_set(
    St(state): St<AppState>,
    ctx: Ctx,
    Form(f): Form<HolidayForm>,
) -> WebResult<Response> {
    require_admin(&ctx)?;
    let year = crate::store::parse_iso(f.tanggal.trim())
        .map(|d| d.year())
        .unwrap_or(today().year());
    match service::admin::set_holiday(&state.db, &ctx.actor(), &f.tanggal, &f.nama, &f.jenis).await
    {
        Ok(()) => Ok(Redirect::to(&format!("/layanan/admin?tahun={year}")).into_response()),
        Err(crate::store::StoreError::Desk(e)) => {
            admin_view(
                &state,
                &ctx,
                year,
                None,
                Some(ctx.tr().s(e.message_key()).to_string()),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn holiday_delete(
    St(state): St<AppState>,
    ctx: Ctx,
    Form(f): Form<HolidayForm>,
) -> WebResult<Response> {
    require_admin(&ctx)?;
    service::admin::delete_holiday(&state.db, &ctx.actor(), &f.tanggal).await?;
    let year = crate::store::parse_iso(f.tanggal.trim())
        .map(|d| d.year())
        .unwrap_or(today().year());
    Ok(Redirect::to(&format!("/layanan/admin?tahun={year}")).into_response())
}

#[derive(serde::Deserialize)]
struct KeyForm {
    nama: String,
}

async fn api_key_create(
    St(state): St<AppState>,
    ctx: Ctx,
    Form(f): Form<KeyForm>,
) -> WebResult<Response> {
    require_admin(&ctx)?;
    let year = today().year();
    match service::admin::create_api_key(&state.db, &ctx.actor(), &f.nama).await {
        Ok((_, key)) => admin_view(&state, &ctx, year, Some(key), None).await,
        Err(crate::store::StoreError::Desk(e)) => {
            admin_view(
                &state,
                &ctx,
                year,
                None,
                Some(ctx.tr().s(e.message_key()).to_string()),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn api_key_revoke(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    require_admin(&ctx)?;
    service::admin::revoke_api_key(&state.db, &ctx.actor(), id).await?;
    Ok(Redirect::to("/layanan/admin").into_response())
}

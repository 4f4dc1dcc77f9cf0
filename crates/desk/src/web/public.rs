//! The citizen's side under `/layanan`: the catalogue, a service's standard and request form
//! (with a one-time code that proves the phone or e-mail), tracking, cancelling, correcting,
//! downloading the letter, and complaints.

use super::{FieldMessage, FormValues, form_errors, intake};
use crate::domain::DeskError;
use crate::domain::request::{Channel, display_tracking_code};
use crate::domain::workflow::{self, Command, State};
use crate::service;
use crate::service::requests::{NewRequest, Step};
use crate::store::letters;
use crate::store::requests::{self, Event, Request};
use crate::store::services::{self, Service, UnitEntry};
use anjungan_kernel::web::confirm;
use anjungan_kernel::web::pages::render;
use anjungan_kernel::web::{AppError, AppState, Ctx, Shell, WebResult};
use askama::Template;
use axum::extract::{Path, Query, State as St};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form};
use utoipa_axum::router::OpenApiRouter;

/// Its pages guests all see alike: kept by the page cache until a write of this room (or any
/// write not narrowed to another room).
const PUBLIC: anjungan_kernel::web::page_cache::Public =
    anjungan_kernel::web::page_cache::Public::of(&["desk"]);

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/layanan", get(index).layer(PUBLIC.layer()))
        .route("/layanan/unit/{code}", get(unit_page).layer(PUBLIC.layer()))
        .route(
            "/layanan/s/{code}",
            get(service_page).layer(PUBLIC.layer()).post(submit),
        )
        .route("/layanan/lacak", get(find))
        .route("/layanan/lacak/{code}", get(track))
        .route("/layanan/lacak/{code}/batal", post(cancel))
        .route("/layanan/lacak/{code}/perbaiki", post(resubmit))
        .route("/layanan/lacak/{code}/terima", post(received))
        .route("/layanan/lacak/{code}/surat.pdf", get(download))
        .route("/layanan/pengaduan", get(complaint_page).post(complaint))
        .layer(axum::extract::DefaultBodyLimit::max(16 * 1024 * 1024))
}

#[derive(serde::Deserialize, Default)]
struct IndexQuery {
    q: Option<String>,
}

pub(crate) struct District {
    pub name: String,
    pub units: Vec<UnitEntry>,
}

#[derive(Template)]
#[template(path = "desk_index.html")]
struct IndexPage {
    shell: Shell,
    q: String,
    results: Vec<Service>,
    agencies: Vec<UnitEntry>,
    districts: Vec<District>,
}

async fn index(
    St(state): St<AppState>,
    ctx: Ctx,
    Query(q): Query<IndexQuery>,
) -> WebResult<Response> {
    let q =
        q.q.unwrap_or_default()
            .trim()
            .chars()
            .take(80)
            .collect::<String>();
    let results = if q.is_empty() {
        Vec::new()
    } else {
        services::search(&state.db, &q, 60).await?
    };
    let units = services::units(&state.db).await?;
    let (agencies, local): (Vec<UnitEntry>, Vec<UnitEntry>) =
        units.into_iter().partition(|u| u.kind == "agency");
    let mut districts: Vec<District> = Vec::new();
    for u in local {
        match districts.iter_mut().find(|d| d.name == u.parent_name) {
            Some(d) => d.units.push(u),
            None => districts.push(District {
                name: u.parent_name.clone(),
                units: vec![u],
            }),
        }
    }
    districts.sort_by(|a, b| a.name.cmp(&b.name));
    render(&IndexPage {
        shell: Shell::new(&ctx),
        q,
        results,
        agencies,
        districts,
    })
}

#[derive(Template)]
#[template(path = "desk_unit.html")]
struct UnitPage {
    shell: Shell,
    unit: anjungan_kernel::orgs::domain::Organisation,
    services: Vec<Service>,
}

async fn unit_page(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> WebResult<Response> {
    let unit = anjungan_kernel::orgs::store::get_by_code(&state.db, &code)
        .await?
        .ok_or_else(AppError::not_found)?;
    let services = services::list(&state.db, Some(unit.id), false).await?;
    if services.is_empty() {
        return Err(AppError::not_found());
    }
    render(&UnitPage {
        shell: Shell::new(&ctx),
        unit,
        services,
    })
}

pub(crate) async fn service_by_code(state: &AppState, code: &str) -> Result<Service, AppError> {
    services::by_code(&state.db, code)
        .await?
        .filter(|s| s.active)
        .ok_or_else(AppError::not_found)
}

#[derive(Template)]
#[template(path = "desk_service.html")]
struct ServicePage {
    shell: Shell,
    s: Service,
    v: FormValues,
    errors: Vec<FieldMessage>,
    /// The code was sent: the page asks for it.
    code_sent: Option<String>,
    signed_in: bool,
}

async fn service_page(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> WebResult<Response> {
    let s = service_by_code(&state, &code).await?;
    render(&ServicePage {
        shell: Shell::new(&ctx),
        s,
        v: FormValues::default(),
        errors: Vec::new(),
        code_sent: None,
        signed_in: ctx.principal.is_some(),
    })
}

async fn submit(
    St(state): St<AppState>,
    Extension(queue): Extension<service::requests::SubmitQueue>,
    ctx: Ctx,
    Path(code): Path<String>,
    req: axum::extract::Request,
) -> WebResult<Response> {
    let s = service_by_code(&state, &code).await?;
    let pairs = super::read_form(&state, &ctx, req).await?;
    let v = FormValues::from_pairs(&pairs);
    let signed_in = ctx.principal.is_some();
    let page = |errors: Vec<FieldMessage>,
                code_sent: Option<String>,
                status: StatusCode|
     -> WebResult<Response> {
        let mut resp = render(&ServicePage {
            shell: Shell::new(&ctx),
            s: s.clone(),
            v: v.clone(),
            errors,
            code_sent,
            signed_in,
        })?;
        *resp.status_mut() = status;
        Ok(resp)
    };
    let checked = match intake(&s, &v, Channel::Web, false) {
        Ok(r) => r,
        Err(errors) => {
            return page(
                form_errors(&ctx, errors),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let contact = checked
        .phone
        .clone()
        .or_else(|| checked.email.clone())
        .unwrap_or_default();
    let masked = if contact.contains('@') {
        anjungan_kernel::crypto::mask_email(&contact)
    } else {
        anjungan_kernel::crypto::mask(&contact, 4, 2)
    };
    if !signed_in {
        if v.get("langkah") == "kode" || v.get("kode").is_empty() {
            // The kernel limits codes per contact and per address, per hour and per day.
            service::admin::send_code(
                &state.db,
                &state.keys,
                &contact,
                &ctx.client,
                state.clock.now_ms(),
            )
            .await?;
            state.outbox_wake.notify_one();
            return page(Vec::new(), Some(masked), StatusCode::OK);
        }
        if let Err(e) = service::admin::check_code(
            &state.db,
            &state.keys,
            &contact,
            v.get("kode"),
            state.clock.now_ms(),
        )
        .await
        {
            let err = AppError::from(e);
            if err.status.is_server_error() {
                return Err(err);
            }
            return page(
                vec![FieldMessage {
                    field: "kode".into(),
                    message: err.message(ctx.tr()),
                }],
                Some(masked),
                err.status,
            );
        }
    }
    let new = NewRequest {
        created_by: ctx.principal.as_ref().map(|p| p.user_id.0),
        ..checked
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
    Ok(Redirect::to(&format!("/layanan/lacak/{}?baru=1", done.tracking_code)).into_response())
}

#[derive(serde::Deserialize, Default)]
struct FindQuery {
    kode: Option<String>,
}

#[derive(Template)]
#[template(path = "desk_find.html")]
struct FindPage {
    shell: Shell,
    kode: String,
    not_found: bool,
}

async fn find(
    St(state): St<AppState>,
    ctx: Ctx,
    Query(q): Query<FindQuery>,
) -> WebResult<Response> {
    let kode = q.kode.unwrap_or_default();
    if kode.trim().is_empty() {
        return render(&FindPage {
            shell: Shell::new(&ctx),
            kode,
            not_found: false,
        });
    }
    // A request number is what people keep: it opens after a code to the contact on file.
    if let Some(number) = requests::id_of_number(&kode).map(|_| kode.trim().to_uppercase()) {
        return Ok(Redirect::to(&format!("/layanan/nomor/{number}")).into_response());
    }
    match requests::by_tracking(&state.db, &state.keys, &kode).await? {
        Some(r) => Ok(
            Redirect::to(&format!("/layanan/lacak/{}", r.tracking_code(&state.keys)))
                .into_response(),
        ),
        None => {
            let mut resp = render(&FindPage {
                shell: Shell::new(&ctx),
                kode,
                not_found: true,
            })?;
            *resp.status_mut() = StatusCode::NOT_FOUND;
            Ok(resp)
        }
    }
}

#[derive(Template)]
#[template(path = "desk_track.html")]
struct TrackPage {
    shell: Shell,
    r: Request,
    code: String,
    display_code: String,
    history: Vec<Event>,
    letter: Option<letters::Letter>,
    fresh: bool,
    can_cancel: bool,
    can_confirm: bool,
    s: Option<Service>,
    overdue: bool,
    errors: Vec<FieldMessage>,
    /// The correction form's values: the earlier answers, or what was just sent with errors.
    values: FormValues,
}

#[derive(serde::Deserialize, Default)]
struct TrackQuery {
    baru: Option<String>,
}

async fn tracked(state: &AppState, code: &str) -> Result<Request, AppError> {
    requests::by_tracking(&state.db, &state.keys, code)
        .await?
        .ok_or_else(|| DeskError::BadTracking.into())
}

async fn track_page(
    state: &AppState,
    ctx: &Ctx,
    code: &str,
    fresh: bool,
    errors: Vec<FieldMessage>,
    sent: Option<FormValues>,
) -> WebResult<Response> {
    // Nothing personal is opened for this page but, on a return, the citizen's own answers to
    // correct; the code in the address is the key.
    let code = crate::domain::request::parse_tracking_code(code).ok_or(DeskError::BadTracking)?;
    let (r, history) = requests::public_track(&state.db, &code)
        .await?
        .ok_or(DeskError::BadTracking)?;
    let letter = match r.state.is_completed() {
        true => letters::for_request(&state.db, r.id).await?,
        false => None,
    };
    let may = |c: Command| workflow::transition(r.state, c, workflow::Actor::Citizen, "x").is_ok();
    // The form is needed only to answer a return.
    let s = match may(Command::Resubmit) {
        true => services::get(&state.db, r.service_id).await?,
        false => None,
    };
    let values = match (&s, sent) {
        (_, Some(sent)) => sent,
        (Some(s), None) => match requests::by_tracking(&state.db, &state.keys, &code).await? {
            Some(own) => FormValues::from_answers(&state.keys, &s.form, &own.answers),
            None => FormValues::default(),
        },
        (None, None) => FormValues::default(),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut resp = render(&TrackPage {
        shell: Shell::new(ctx),
        display_code: display_tracking_code(&code),
        code,
        history,
        letter,
        fresh,
        can_cancel: may(Command::Cancel),
        can_confirm: may(Command::Close) || may(Command::Deliver),
        overdue: r.overdue(crate::store::today()),
        s,
        r,
        errors,
        values,
    })?;
    *resp.status_mut() = status;
    // The page is reached by a secret code in its address: keep it out of shared caches and referrers.
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    resp.headers_mut().insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("no-referrer"),
    );
    Ok(resp)
}

async fn track(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<TrackQuery>,
) -> WebResult<Response> {
    track_page(&state, &ctx, &code, q.baru.is_some(), Vec::new(), None).await
}

fn citizen_step<'a>(state: &'a AppState, actor: &'a anjungan_kernel::audit::Actor) -> Step<'a> {
    Step {
        actor,
        role: workflow::Actor::Citizen,
        base_url: &state.config.base_url,
        survey: None,
    }
}

#[derive(serde::Deserialize, Default)]
struct ConfirmForm {
    #[serde(default)]
    konfirmasi: String,
}

/// The citizen cancels their request, after a page that says what cancelling means.
async fn cancel(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<ConfirmForm>,
) -> WebResult<Response> {
    let r = tracked(&state, &code).await?;
    if !confirm::confirmed(&f.konfirmasi) {
        let t = ctx.tr();
        return confirm::page(
            &ctx,
            confirm::Confirm {
                title: t.f("desk.cancel_question", &[("number", &r.number)]),
                consequence: t.s("desk.cancel_consequence").to_string(),
                yes: t.s("desk.cancel_yes").to_string(),
                action: format!("/layanan/lacak/{code}/batal"),
                fields: Vec::new(),
                back: format!("/layanan/lacak/{code}"),
            },
        );
    }
    let actor = ctx.actor();
    service::requests::act(
        &state.db,
        &state.keys,
        citizen_step(&state, &actor),
        r.id,
        Command::Cancel,
        "",
    )
    .await?;
    state.outbox_wake.notify_one();
    Ok(Redirect::to(&format!("/layanan/lacak/{}", r.tracking_code(&state.keys))).into_response())
}

/// The citizen answers a return: corrected answers, and the SLA clock runs again.
async fn resubmit(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    req: axum::extract::Request,
) -> WebResult<Response> {
    let r = tracked(&state, &code).await?;
    let s = services::get(&state.db, r.service_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let pairs = super::read_form(&state, &ctx, req).await?;
    let v = FormValues::from_pairs(&pairs);
    let answers = match s.form.validate(&v.answers()) {
        Ok(a) => a,
        Err(errs) => {
            let errs = errs
                .into_iter()
                .map(|(c, e)| (format!("f_{c}"), e.message_key()))
                .collect();
            let errors = form_errors(&ctx, errs);
            return track_page(&state, &ctx, &code, false, errors, Some(v)).await;
        }
    };
    let actor = ctx.actor();
    service::requests::resubmit(
        &state.db,
        &state.keys,
        citizen_step(&state, &actor),
        r.id,
        &answers,
    )
    .await?;
    state.outbox_wake.notify_one();
    Ok(Redirect::to(&format!("/layanan/lacak/{}", r.tracking_code(&state.keys))).into_response())
}

/// The citizen confirms they have the letter: delivered, then closed.
async fn received(
    St(state): St<AppState>,
    ctx: Ctx,
    axum::Extension(survey): axum::Extension<crate::ports::Invitations>,
    Path(code): Path<String>,
) -> WebResult<Response> {
    let r = tracked(&state, &code).await?;
    let actor = ctx.actor();
    if r.state == State::Issued {
        service::requests::act(
            &state.db,
            &state.keys,
            citizen_step(&state, &actor),
            r.id,
            Command::Deliver,
            "",
        )
        .await?;
    }
    let step = Step {
        survey: Some(&survey),
        ..citizen_step(&state, &actor)
    };
    service::requests::act(&state.db, &state.keys, step, r.id, Command::Close, "").await?;
    Ok(Redirect::to(&format!("/layanan/lacak/{}", r.tracking_code(&state.keys))).into_response())
}

/// The letter, for whoever holds the tracking code; the first download marks it delivered.
async fn download(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> WebResult<Response> {
    let r = tracked(&state, &code).await?;
    let letter = letters::for_request(&state.db, r.id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let bytes = letters::pdf(&state.db, &state.config.data_dir, &state.keys, &letter).await?;
    if r.state == State::Issued {
        let actor = ctx.actor();
        let step = Step {
            actor: &actor,
            role: workflow::Actor::System,
            base_url: &state.config.base_url,
            survey: None,
        };
        service::requests::act(&state.db, &state.keys, step, r.id, Command::Deliver, "").await?;
    }
    Ok(super::pdf_response(&letter, bytes))
}

#[derive(serde::Deserialize, Default)]
struct ComplaintQuery {
    unit: Option<String>,
    layanan: Option<String>,
    kode: Option<String>,
}

#[derive(Template)]
#[template(path = "desk_complaint.html")]
struct ComplaintPage {
    shell: Shell,
    units: Vec<UnitEntry>,
    unit: String,
    layanan: String,
    kode: String,
    done: Option<service::admin::FiledComplaint>,
    error: Option<String>,
}

async fn complaint_page(
    St(state): St<AppState>,
    ctx: Ctx,
    Query(q): Query<ComplaintQuery>,
) -> WebResult<Response> {
    render(&ComplaintPage {
        shell: Shell::new(&ctx),
        units: services::units(&state.db).await?,
        unit: q.unit.unwrap_or_default(),
        layanan: q.layanan.unwrap_or_default(),
        kode: q.kode.unwrap_or_default(),
        done: None,
        error: None,
    })
}

#[derive(serde::Deserialize)]
pub(crate) struct ComplaintForm {
    pub unit: String,
    #[serde(default)]
    pub layanan: String,
    #[serde(default)]
    pub kode: String,
    pub isi: String,
    #[serde(default)]
    pub kontak: String,
    #[serde(default)]
    pub lapor: String,
}

async fn complaint(
    St(state): St<AppState>,
    ctx: Ctx,
    Form(f): Form<ComplaintForm>,
) -> WebResult<Response> {
    let units = services::units(&state.db).await?;
    let fail = |key: &str, units: Vec<UnitEntry>, f: &ComplaintForm| -> WebResult<Response> {
        let mut resp = render(&ComplaintPage {
            shell: Shell::new(&ctx),
            units,
            unit: f.unit.clone(),
            layanan: f.layanan.clone(),
            kode: f.kode.clone(),
            done: None,
            error: Some(ctx.tr().s(key).to_string()),
        })?;
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        Ok(resp)
    };
    let new = match complaint_input(&state, &units, &f).await? {
        Ok(n) => n,
        Err(key) => return fail(key, units, &f),
    };
    let done = match service::admin::complain(&state.db, &state.keys, &ctx.actor(), &new).await {
        Ok(d) => d,
        Err(crate::store::StoreError::Desk(e)) => return fail(e.message_key(), units, &f),
        Err(e) => return Err(e.into()),
    };
    render(&ComplaintPage {
        shell: Shell::new(&ctx),
        units,
        unit: f.unit,
        layanan: f.layanan,
        kode: String::new(),
        done: Some(done),
        error: None,
    })
}

/// Checks a complaint: the unit offers services, a tracking code belongs to it, the LAPOR!
/// number and the contact are well formed. `Ok(Err(key))` names the problem.
pub(crate) async fn complaint_input(
    state: &AppState,
    units: &[UnitEntry],
    f: &ComplaintForm,
) -> Result<Result<service::admin::NewComplaint, &'static str>, AppError> {
    let Some(unit) = units.iter().find(|u| u.code == f.unit.trim()) else {
        return Ok(Err("desk.error.choose_unit"));
    };
    let request = if f.kode.trim().is_empty() {
        None
    } else {
        match requests::by_tracking(&state.db, &state.keys, &f.kode).await? {
            Some(r) if r.org_id == unit.org_id => Some(r),
            _ => return Ok(Err("desk.error.bad_tracking")),
        }
    };
    let service = match f.layanan.trim() {
        "" => None,
        code => services::by_code(&state.db, code)
            .await?
            .filter(|s| s.org_id == unit.org_id),
    };
    let (contact, lapor) = match crate::domain::request::check_complaint_fields(&f.kontak, &f.lapor)
    {
        Ok(fields) => fields,
        Err(key) => return Ok(Err(key)),
    };
    Ok(Ok(service::admin::NewComplaint {
        org_id: unit.org_id,
        service_id: service
            .map(|s| s.id)
            .or(request.as_ref().map(|r| r.service_id)),
        request_id: request.map(|r| r.id),
        body: f.isi.clone(),
        contact,
        lapor_ref: lapor,
    }))
}

//! Following requests and complaints on the web: "Permohonan saya" (a signed-in citizen's list,
//! or anyone's after a one-time code to their phone or e-mail), opening a request by its number
//! after a code to the contact on file, and a complaint's tracking page. Pages that show
//! tracking codes are kept out of caches and referrers.

use crate::domain::follow::Contact;
use crate::domain::request::display_tracking_code;
use crate::service;
use crate::store::StoreError;
use crate::store::admin::Tracked;
use crate::store::requests::Mine;
use anjungan_kernel::web::pages::render;
use anjungan_kernel::web::{AppError, AppState, Ctx, Shell, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State as St};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/layanan/saya", get(mine_page).post(mine_with_code))
        .route("/layanan/saya/kode", post(mine_send_code))
        .route(
            "/layanan/nomor/{number}",
            get(number_page).post(number_open),
        )
        .route("/layanan/nomor/{number}/kode", post(number_send_code))
        .route("/layanan/pengaduan/lacak", get(complaint_find))
        .route("/layanan/pengaduan/lacak/{code}", get(complaint_track))
}

/// Pages that show someone's tracking codes: never stored, never sent on as a referrer.
fn private(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    h.insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("no-referrer"),
    );
    resp
}

/// A refusal the page shows beside its form (a wrong code, too many codes, a contact that is
/// not one), as a message key and status; anything else is the error page's.
fn refusal(e: StoreError) -> Result<(&'static str, StatusCode), AppError> {
    use anjungan_kernel::otp::OtpError;
    match e {
        StoreError::Kernel(anjungan_kernel::Error::Otp(o)) => Ok((
            o.message_key(),
            match o {
                OtpError::BadCode => StatusCode::UNPROCESSABLE_ENTITY,
                _ => StatusCode::TOO_MANY_REQUESTS,
            },
        )),
        StoreError::Desk(crate::domain::DeskError::NoContactOnFile) => {
            Ok(("desk.error.no_contact_on_file", StatusCode::CONFLICT))
        }
        other => Err(other.into()),
    }
}

/// Each row with its tracking code written for reading.
pub struct MineRow {
    pub r: Mine,
    pub display_code: String,
}

fn rows(list: Vec<Mine>) -> Vec<MineRow> {
    list.into_iter()
        .map(|r| MineRow {
            display_code: display_tracking_code(&r.tracking_code),
            r,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "desk_mine.html")]
struct MinePage {
    shell: Shell,
    /// The list, once the citizen is known (signed in, or a right code).
    list: Option<Vec<MineRow>>,
    /// The contact a code was sent to (masked) while the code is awaited; the raw value rides
    /// in the form.
    awaiting: Option<String>,
    kontak: String,
    error: Option<String>,
}

impl MinePage {
    fn new(ctx: &Ctx) -> Self {
        Self {
            shell: Shell::new(ctx),
            list: None,
            awaiting: None,
            kontak: String::new(),
            error: None,
        }
    }
}

fn show(page: MinePage, status: StatusCode) -> WebResult<Response> {
    let mut resp = render(&page)?;
    *resp.status_mut() = status;
    Ok(private(resp))
}

async fn mine_page(St(state): St<AppState>, ctx: Ctx) -> WebResult<Response> {
    let mut page = MinePage::new(&ctx);
    if let Some(p) = &ctx.principal {
        page.list = Some(rows(
            service::follow::list_for_user(&state.db, &state.keys, p.user_id.0).await?,
        ));
    }
    show(page, StatusCode::OK)
}

#[derive(serde::Deserialize)]
struct ContactForm {
    #[serde(default)]
    kontak: String,
    #[serde(default)]
    kode: String,
}

/// The page with the typed contact kept, and the contact parsed; or the page saying why the
/// contact is refused.
fn with_contact(ctx: &Ctx, raw: &str) -> Result<(MinePage, Contact), Box<MinePage>> {
    let mut page = MinePage::new(ctx);
    page.kontak = raw.trim().to_string();
    match Contact::parse(raw) {
        Ok(c) => Ok((page, c)),
        Err(key) => {
            page.error = Some(ctx.tr().s(key).to_string());
            Err(Box::new(page))
        }
    }
}

async fn mine_send_code(
    St(state): St<AppState>,
    ctx: Ctx,
    Form(f): Form<ContactForm>,
) -> WebResult<Response> {
    let (mut page, contact) = match with_contact(&ctx, &f.kontak) {
        Ok(parsed) => parsed,
        Err(refused) => return show(*refused, StatusCode::UNPROCESSABLE_ENTITY),
    };
    match service::follow::send_list_code(&state.db, &state.keys, &contact, &ctx.client).await {
        Ok(()) => {
            state.outbox_wake.notify_one();
            page.awaiting = Some(contact.masked());
            show(page, StatusCode::OK)
        }
        Err(e) => {
            let (key, status) = refusal(e)?;
            page.error = Some(ctx.tr().s(key).to_string());
            show(page, status)
        }
    }
}

async fn mine_with_code(
    St(state): St<AppState>,
    ctx: Ctx,
    Form(f): Form<ContactForm>,
) -> WebResult<Response> {
    let (mut page, contact) = match with_contact(&ctx, &f.kontak) {
        Ok(parsed) => parsed,
        Err(refused) => return show(*refused, StatusCode::UNPROCESSABLE_ENTITY),
    };
    match service::follow::list_with_code(&state.db, &state.keys, &contact, &f.kode).await {
        Ok(list) => {
            page.list = Some(rows(list));
            show(page, StatusCode::OK)
        }
        Err(e) => {
            let (key, status) = refusal(e)?;
            page.awaiting = Some(contact.masked());
            page.error = Some(ctx.tr().s(key).to_string());
            show(page, status)
        }
    }
}

#[derive(Template)]
#[template(path = "desk_number.html")]
struct NumberPage {
    shell: Shell,
    number: String,
    /// Where the code goes (masked).
    contact: String,
    /// The code was sent: ask for it.
    sent: bool,
    error: Option<String>,
}

async fn number_page(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> WebResult<Response> {
    let page = match service::follow::number_contact(&state.db, &state.keys, &number).await {
        Ok((number, contact)) => NumberPage {
            shell: Shell::new(&ctx),
            number,
            contact,
            sent: false,
            error: None,
        },
        Err(e) => {
            let (key, status) = refusal(e)?;
            let mut resp = render(&NumberPage {
                shell: Shell::new(&ctx),
                number: number.trim().to_uppercase(),
                contact: String::new(),
                sent: false,
                error: Some(ctx.tr().s(key).to_string()),
            })?;
            *resp.status_mut() = status;
            return Ok(private(resp));
        }
    };
    Ok(private(render(&page)?))
}

async fn number_send_code(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> WebResult<Response> {
    let (number, contact) =
        service::follow::number_contact(&state.db, &state.keys, &number).await?;
    let mut page = NumberPage {
        shell: Shell::new(&ctx),
        number,
        contact,
        sent: true,
        error: None,
    };
    let sent =
        service::follow::send_number_code(&state.db, &state.keys, &page.number, &ctx.client).await;
    let status = match sent {
        Ok(_) => {
            state.outbox_wake.notify_one();
            StatusCode::OK
        }
        Err(e) => {
            let (key, status) = refusal(e)?;
            page.sent = false;
            page.error = Some(ctx.tr().s(key).to_string());
            status
        }
    };
    let mut resp = render(&page)?;
    *resp.status_mut() = status;
    Ok(private(resp))
}

async fn number_open(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<ContactForm>,
) -> WebResult<Response> {
    match service::follow::open_by_number(&state.db, &state.keys, &number, &f.kode).await {
        Ok(code) => Ok(private(
            Redirect::to(&format!("/layanan/lacak/{code}")).into_response(),
        )),
        Err(e) => {
            let (key, status) = refusal(e)?;
            let (number, contact) =
                service::follow::number_contact(&state.db, &state.keys, &number).await?;
            let mut resp = render(&NumberPage {
                shell: Shell::new(&ctx),
                number,
                contact,
                sent: true,
                error: Some(ctx.tr().s(key).to_string()),
            })?;
            *resp.status_mut() = status;
            Ok(private(resp))
        }
    }
}

#[derive(Template)]
#[template(path = "desk_complaint_track.html")]
struct ComplaintTrackPage {
    shell: Shell,
    kode: String,
    tracked: Option<Tracked>,
    not_found: bool,
}

#[derive(serde::Deserialize, Default)]
struct FindQuery {
    kode: Option<String>,
}

async fn complaint_find(
    St(state): St<AppState>,
    ctx: Ctx,
    Query(q): Query<FindQuery>,
) -> WebResult<Response> {
    let kode = q.kode.unwrap_or_default();
    if kode.trim().is_empty() {
        return Ok(private(render(&ComplaintTrackPage {
            shell: Shell::new(&ctx),
            kode,
            tracked: None,
            not_found: false,
        })?));
    }
    match service::admin::tracked_complaint(&state.db, &state.keys, &kode).await? {
        Some(_) => {
            let code = crate::domain::request::parse_tracking_code(&kode).unwrap_or_default();
            Ok(Redirect::to(&format!("/layanan/pengaduan/lacak/{code}")).into_response())
        }
        None => {
            let mut resp = render(&ComplaintTrackPage {
                shell: Shell::new(&ctx),
                kode,
                tracked: None,
                not_found: true,
            })?;
            *resp.status_mut() = StatusCode::NOT_FOUND;
            Ok(private(resp))
        }
    }
}

async fn complaint_track(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> WebResult<Response> {
    let tracked = service::admin::tracked_complaint(&state.db, &state.keys, &code)
        .await?
        .ok_or(crate::domain::DeskError::BadTracking)?;
    Ok(private(render(&ComplaintTrackPage {
        shell: Shell::new(&ctx),
        kode: display_tracking_code(&code),
        tracked: Some(tracked),
        not_found: false,
    })?))
}

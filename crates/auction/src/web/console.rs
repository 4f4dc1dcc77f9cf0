//! The port staff's console under `/lelang/kelola`: register landed lots, verify buyers,
//! schedule sessions, and run them — open, pause, resume, close, withdraw a lot, and enter the
//! bids called out in the hall on a buyer's behalf (channel recorded).

use super::view::{self, LotView};
use crate::domain::AuctionError;
use crate::domain::access::{self, Action};
use crate::domain::catalogue::{BuyerStatus, Grade, LotInput, parse_kg, parse_rupiah};
use crate::domain::engine::{BuyerId, Channel, Command, LotId};
use crate::domain::rules::{Format, Rules, check_start};
use crate::service;
use crate::service::runtime::SharedHall;
use crate::store::catalogue::{self, Buyer, Fisher, Port, Species};
use crate::store::lots::{self, LotRow};
use crate::store::sessions::{self, SessionRow};
use anjungan_kernel::clock::now_ms;
use anjungan_kernel::web::pages::render;
use anjungan_kernel::web::{AppError, AppState, Ctx, Shell, WebResult, confirm};
use askama::Template;
use axum::extract::{Path, State as St};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form};
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/lelang/kelola", get(console))
        .route("/lelang/kelola/pelabuhan/{port}/sesi", post(create_session))
        .route("/lelang/kelola/pelabuhan/{port}/lot", post(register_lot))
        .route("/lelang/kelola/pelabuhan/{port}/nelayan", post(add_fisher))
        .route("/lelang/kelola/pelabuhan/{port}/kapal", post(add_boat))
        .route(
            "/lelang/kelola/lot/{id}/foto",
            post(add_photo).layer(axum::extract::DefaultBodyLimit::max(5 * 1024 * 1024)),
        )
        .route("/lelang/kelola/pembeli/{id}/verifikasi", post(verify_buyer))
        .route("/lelang/kelola/sesi/{id}", get(session_console))
        .route("/lelang/kelola/sesi/{id}/perintah", post(session_command))
        .route("/lelang/kelola/sesi/{id}/lot", post(add_lot))
        .route("/lelang/kelola/sesi/{id}/tarik", post(withdraw_lot))
        .route("/lelang/kelola/sesi/{id}/tawar", post(hall_bid))
}

struct PortDesk {
    port: Port,
    run: bool,
    /// May record payments: the cashier's page is linked only then.
    settle: bool,
    sessions: Vec<SessionRow>,
    waiting: Vec<LotRow>,
    buyers: Vec<Buyer>,
    fishers: Vec<Fisher>,
}

#[derive(Template)]
#[template(path = "auction_console.html")]
struct ConsolePage {
    shell: Shell,
    desks: Vec<PortDesk>,
    species: Vec<Species>,
    grades: [Grade; 3],
    error: Option<String>,
}

async fn console_view(
    state: &AppState,
    ctx: &Ctx,
    error: Option<String>,
) -> WebResult<ConsolePage> {
    let p = ctx.signed_in()?;
    let mut desks = Vec::new();
    for port in catalogue::ports(&state.db).await? {
        let org = view::port_org(state, port.org_id).await?;
        if !access::is_staff(p, org.as_ref()) {
            continue;
        }
        desks.push(PortDesk {
            run: access::may(p, org.as_ref(), Action::RunSession),
            settle: access::may(p, org.as_ref(), Action::RecordPayment),
            sessions: sessions::recent(&state.db, port.id, 10).await?,
            waiting: lots::waiting(&state.db, port.id).await?,
            buyers: catalogue::buyers(&state.db, &state.keys, port.id).await?,
            fishers: catalogue::fishers(&state.db, port.id).await?,
            port,
        });
    }
    if desks.is_empty() {
        return Err(AuctionError::Forbidden.into());
    }
    Ok(ConsolePage {
        shell: Shell::new(ctx),
        desks,
        species: catalogue::species(&state.db).await?,
        grades: Grade::ALL,
        error,
    })
}

async fn console(St(state): St<AppState>, ctx: Ctx) -> WebResult<Response> {
    render(&console_view(&state, &ctx, None).await?)
}

/// Runs a staff action; a refusal shows the page again with the reason.
async fn or_console(
    state: &AppState,
    ctx: &Ctx,
    r: Result<String, AppError>,
) -> WebResult<Response> {
    match r {
        Ok(to) => Ok(Redirect::to(&to).into_response()),
        Err(e)
            if e.status.is_client_error() && e.status != axum::http::StatusCode::UNAUTHORIZED =>
        {
            let msg = e.message(ctx.tr());
            let mut resp = render(&console_view(state, ctx, Some(msg)).await?)?;
            *resp.status_mut() = e.status;
            Ok(resp)
        }
        Err(e) => Err(e),
    }
}

async fn port_action(state: &AppState, ctx: &Ctx, port_id: i64, action: Action) -> WebResult<Port> {
    let p = ctx.signed_in()?;
    let port = catalogue::port(&state.db, port_id).await?;
    view::require(state, p, port.org_id, action).await?;
    Ok(port)
}

#[derive(serde::Deserialize)]
struct SessionForm {
    #[serde(default)]
    format: String,
    /// Minutes from now.
    #[serde(default)]
    mulai: String,
    #[serde(default)]
    durasi: String,
}

async fn create_session(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(port): Path<i64>,
    Form(f): Form<SessionForm>,
) -> WebResult<Response> {
    let r = async {
        let port = port_action(&state, &ctx, port, Action::RunSession).await?;
        let format = Format::parse(&f.format).ok_or(AuctionError::BadRules("format"))?;
        let mut rules = Rules::for_port(format, port.min_buyers);
        if !f.durasi.trim().is_empty() {
            let minutes: i64 = f
                .durasi
                .trim()
                .parse()
                .map_err(|_| AuctionError::BadRules("timers"))?;
            rules.lot_duration_ms = minutes.saturating_mul(60_000);
        }
        let start_in: i64 = match f.mulai.trim() {
            "" => 0,
            m => m.parse().map_err(|_| AuctionError::BadRules("timers"))?,
        };
        let now = now_ms();
        let starts_at = now.saturating_add(start_in.saturating_mul(60_000));
        check_start(now, starts_at)?;
        let by = ctx.principal.as_ref().map(|p| p.user_id.0);
        let id = service::sessions::create(&state.db, &ctx.actor(), port.id, starts_at, by, &rules)
            .await?;
        Ok(format!("/lelang/kelola/sesi/{id}"))
    }
    .await;
    or_console(&state, &ctx, r).await
}

#[derive(serde::Deserialize)]
struct LotForm {
    species: i64,
    fisher: i64,
    #[serde(default)]
    boat: String,
    #[serde(default)]
    kg: String,
    #[serde(default)]
    grade: String,
    #[serde(default)]
    harga: String,
    #[serde(default)]
    cadangan: String,
}

async fn register_lot(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(port): Path<i64>,
    Form(f): Form<LotForm>,
) -> WebResult<Response> {
    let r = async {
        let port = port_action(&state, &ctx, port, Action::RegisterLot).await?;
        let input = LotInput {
            species_id: f.species,
            fisher_id: f.fisher,
            boat_id: f.boat.trim().parse().ok(),
            grams: parse_kg(&f.kg)?,
            grade: Grade::parse(&f.grade)?,
            landed_at: now_ms(),
            start_price: parse_rupiah(&f.harga).map_err(|_| AuctionError::BadPrice)?,
            reserve: if f.cadangan.trim().is_empty() {
                None
            } else {
                Some(parse_rupiah(&f.cadangan).map_err(|_| AuctionError::BadPrice)?)
            },
        };
        service::lots::register(&state.db, &ctx.actor(), port.id, &input).await?;
        Ok("/lelang/kelola".to_string())
    }
    .await;
    or_console(&state, &ctx, r).await
}

#[derive(serde::Deserialize)]
struct FisherForm {
    #[serde(default)]
    nama: String,
    #[serde(default)]
    telepon: String,
}

/// Registers a fisher at the port; the phone is sealed at rest.
async fn add_fisher(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(port): Path<i64>,
    Form(f): Form<FisherForm>,
) -> WebResult<Response> {
    let r = async {
        let port = port_action(&state, &ctx, port, Action::RegisterLot).await?;
        let phone = match f.telepon.trim() {
            "" => None,
            p => Some(
                anjungan_kernel::identity::domain::Phone::parse(p)
                    .map_err(|_| AuctionError::BadPhone)?
                    .as_str()
                    .to_string(),
            ),
        };
        service::catalogue::add_fisher(
            &state.db,
            &state.keys,
            port.id,
            &f.nama,
            phone.as_deref(),
            None,
        )
        .await?;
        Ok("/lelang/kelola".to_string())
    }
    .await;
    or_console(&state, &ctx, r).await
}

#[derive(serde::Deserialize)]
struct BoatForm {
    nelayan: i64,
    #[serde(default)]
    nama: String,
    /// Gross tonnage, e.g. `6,5`.
    #[serde(default)]
    gt: String,
}

async fn add_boat(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(port): Path<i64>,
    Form(f): Form<BoatForm>,
) -> WebResult<Response> {
    let r = async {
        let port = port_action(&state, &ctx, port, Action::RegisterLot).await?;
        let owner = catalogue::fishers(&state.db, port.id)
            .await?
            .into_iter()
            .find(|x| x.id == f.nelayan);
        if owner.is_none() {
            return Err(AuctionError::NoOwner.into());
        }
        let gt = crate::domain::catalogue::parse_gt(&f.gt)?;
        if f.nama.trim().chars().count() < 2 {
            return Err(AuctionError::BadName.into());
        }
        service::catalogue::add_boat(&state.db, f.nelayan, &f.nama, gt).await?;
        Ok("/lelang/kelola".to_string())
    }
    .await;
    or_console(&state, &ctx, r).await
}

/// A photo of a lot taken at landing (multipart, field `berkas`; an image of at most 4 MB).
async fn add_photo(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    req: axum::extract::Request,
) -> WebResult<Response> {
    use axum::extract::FromRequest;
    let r = async {
        let lot = lots::get(&state.db, id).await?;
        port_action(&state, &ctx, lot.port_id, Action::RegisterLot).await?;
        let mut form = axum::extract::Multipart::from_request(req, &state)
            .await
            .map_err(|_| AuctionError::BadPhoto)?;
        while let Some(field) = form
            .next_field()
            .await
            .map_err(|_| AuctionError::BadPhoto)?
        {
            if field.name() != Some("berkas") {
                continue;
            }
            let name = field.file_name().unwrap_or("foto").to_string();
            let bytes = field.bytes().await.map_err(|_| AuctionError::BadPhoto)?;
            if !anjungan_kernel::files::domain::check(&bytes, 4 * 1024 * 1024)
                .is_ok_and(|m| m.starts_with("image/"))
            {
                return Err(AuctionError::BadPhoto.into());
            }
            let stored = anjungan_kernel::files::store::put(
                &state.db,
                &state.config.data_dir,
                &state.keys,
                &ctx.actor(),
                anjungan_kernel::files::domain::Access::Public,
                &name,
                &bytes,
                4 * 1024 * 1024,
            )
            .await?;
            service::lots::add_photo(&state.db, &ctx.actor(), id, &stored.sha256).await?;
            return Ok(match lot.session_id {
                Some(s) => format!("/lelang/kelola/sesi/{s}"),
                None => "/lelang/kelola".to_string(),
            });
        }
        Err(AuctionError::BadPhoto.into())
    }
    .await;
    or_console(&state, &ctx, r).await
}

#[derive(serde::Deserialize)]
struct VerifyForm {
    #[serde(default)]
    identitas: String,
    #[serde(default)]
    deposit: String,
    #[serde(default)]
    kredit: String,
}

async fn verify_buyer(
    St(state): St<AppState>,
    Extension(hall): Extension<SharedHall>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<VerifyForm>,
) -> WebResult<Response> {
    let r = async {
        let buyer = catalogue::buyer(&state.db, &state.keys, id).await?;
        port_action(&state, &ctx, buyer.port_id, Action::VerifyBuyer).await?;
        let deposit = parse_rupiah(&f.deposit).unwrap_or(0);
        let credit = if f.kredit.trim().is_empty() {
            0
        } else {
            parse_rupiah(&f.kredit)?
        };
        service::catalogue::verify(
            &state.db,
            &ctx.actor(),
            id,
            f.identitas == "1",
            deposit,
            credit,
        )
        .await?;
        hall.refresh_port(buyer.port_id).await?;
        Ok("/lelang/kelola".to_string())
    }
    .await;
    or_console(&state, &ctx, r).await
}

#[derive(Template)]
#[template(path = "auction_run.html")]
struct RunPage {
    shell: Shell,
    s: SessionRow,
    lots: Vec<LotView>,
    waiting: Vec<LotRow>,
    buyers: Vec<Buyer>,
    eligible: i64,
    error: Option<String>,
}

async fn run_view(
    state: &AppState,
    hall: &SharedHall,
    ctx: &Ctx,
    id: i64,
    error: Option<String>,
) -> WebResult<RunPage> {
    let p = ctx.signed_in()?;
    let row = sessions::get(&state.db, id).await?;
    let port = catalogue::port(&state.db, row.port_id).await?;
    view::require(state, p, port.org_id, Action::RunSession).await?;
    let (s, lots) = view::session_with_lots(state, hall, id, None).await?;
    let eligible = if s.state == "closed" {
        0
    } else {
        hall.live(id).await?.with(|x| x.eligible_buyers())
    };
    Ok(RunPage {
        shell: Shell::new(ctx),
        waiting: if s.state == "closed" {
            Vec::new()
        } else {
            lots::waiting(&state.db, s.port_id).await?
        },
        buyers: catalogue::buyers(&state.db, &state.keys, s.port_id)
            .await?
            .into_iter()
            .filter(|b| b.status == BuyerStatus::Verified)
            .collect(),
        eligible,
        s,
        lots,
        error,
    })
}

async fn session_console(
    St(state): St<AppState>,
    Extension(hall): Extension<SharedHall>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    render(&run_view(&state, &hall, &ctx, id, None).await?)
}

async fn or_run(
    state: &AppState,
    hall: &SharedHall,
    ctx: &Ctx,
    id: i64,
    r: Result<(), AppError>,
) -> WebResult<Response> {
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/lelang/kelola/sesi/{id}")).into_response()),
        Err(e)
            if e.status.is_client_error() && e.status != axum::http::StatusCode::UNAUTHORIZED =>
        {
            let msg = e.message(ctx.tr());
            let mut resp = render(&run_view(state, hall, ctx, id, Some(msg)).await?)?;
            *resp.status_mut() = e.status;
            Ok(resp)
        }
        Err(e) => Err(e),
    }
}

/// The auctioneer's right over the session, or 401/403.
async fn runner(state: &AppState, ctx: &Ctx, id: i64) -> WebResult<Option<i64>> {
    let p = ctx.signed_in()?;
    let row = sessions::get(&state.db, id).await?;
    let port = catalogue::port(&state.db, row.port_id).await?;
    view::require(state, p, port.org_id, Action::RunSession).await?;
    Ok(Some(p.user_id.0))
}

#[derive(serde::Deserialize)]
struct CommandForm {
    perintah: String,
    #[serde(default)]
    konfirmasi: String,
}

/// Open, pause, resume, close or cancel: the same commands as the API, through the same order.
pub(crate) async fn run_command(
    hall: &SharedHall,
    id: i64,
    by: Option<i64>,
    name: &str,
) -> Result<(), AppError> {
    match name {
        "open" => {
            hall.open_session(id, by).await?;
        }
        "pause" | "resume" | "close" | "cancel" => {
            let cmd = match name {
                "pause" => Command::Pause,
                "resume" => Command::Resume,
                "close" => Command::Close,
                _ => Command::Cancel,
            };
            hall.execute(id, cmd, by).await?;
        }
        _ => return Err(AppError::bad_request("auction.error.command")),
    }
    Ok(())
}

async fn session_command(
    St(state): St<AppState>,
    Extension(hall): Extension<SharedHall>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<CommandForm>,
) -> WebResult<Response> {
    if f.perintah == "cancel" && !confirm::confirmed(&f.konfirmasi) {
        runner(&state, &ctx, id).await?;
        let t = ctx.tr();
        return confirm::page(
            &ctx,
            confirm::Confirm {
                title: t.f("auction.cancel_question", &[("id", &id.to_string())]),
                consequence: t.s("auction.cancel_consequence").to_string(),
                yes: t.s("auction.cancel_yes").to_string(),
                action: format!("/lelang/kelola/sesi/{id}/perintah"),
                fields: vec![("perintah".into(), "cancel".into())],
                back: format!("/lelang/kelola/sesi/{id}"),
            },
        );
    }
    let r = async {
        let by = runner(&state, &ctx, id).await?;
        run_command(&hall, id, by, &f.perintah).await
    }
    .await;
    or_run(&state, &hall, &ctx, id, r).await
}

#[derive(serde::Deserialize)]
struct LotPick {
    lot: i64,
    #[serde(default)]
    konfirmasi: String,
}

async fn add_lot(
    St(state): St<AppState>,
    Extension(hall): Extension<SharedHall>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<LotPick>,
) -> WebResult<Response> {
    let r = async {
        let by = runner(&state, &ctx, id).await?;
        hall.add_lot(id, f.lot, by).await?;
        Ok(())
    }
    .await;
    or_run(&state, &hall, &ctx, id, r).await
}

async fn withdraw_lot(
    St(state): St<AppState>,
    Extension(hall): Extension<SharedHall>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<LotPick>,
) -> WebResult<Response> {
    if !confirm::confirmed(&f.konfirmasi) {
        runner(&state, &ctx, id).await?;
        let t = ctx.tr();
        return confirm::page(
            &ctx,
            confirm::Confirm {
                title: t.f("auction.withdraw_question", &[("lot", &f.lot.to_string())]),
                consequence: t.s("auction.withdraw_consequence").to_string(),
                yes: t.s("auction.withdraw_yes").to_string(),
                action: format!("/lelang/kelola/sesi/{id}/tarik"),
                fields: vec![("lot".into(), f.lot.to_string())],
                back: format!("/lelang/kelola/sesi/{id}"),
            },
        );
    }
    let r = async {
        let by = runner(&state, &ctx, id).await?;
        hall.execute(id, Command::Withdraw { lot: LotId(f.lot) }, by)
            .await?;
        Ok(())
    }
    .await;
    or_run(&state, &hall, &ctx, id, r).await
}

#[derive(serde::Deserialize)]
struct HallBidForm {
    lot: i64,
    /// Empty until the auctioneer picks the buyer: there is no default buyer.
    #[serde(default)]
    pembeli: String,
    #[serde(default)]
    harga: String,
}

/// A bid called out in the hall, entered by the auctioneer for the buyer: for a clock
/// session, `harga` is the kilograms the buyer takes.
async fn hall_bid(
    St(state): St<AppState>,
    Extension(hall): Extension<SharedHall>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<HallBidForm>,
) -> WebResult<Response> {
    let r = async {
        let by = runner(&state, &ctx, id).await?;
        let buyer: i64 = f
            .pembeli
            .trim()
            .parse()
            .map_err(|_| AppError::bad_request("auction.error.pick_buyer"))?;
        let row = sessions::get(&state.db, id).await?;
        let cmd = match row.format {
            Format::Ascending => Command::Bid {
                lot: LotId(f.lot),
                buyer: BuyerId(buyer),
                amount: parse_rupiah(&f.harga)?,
                proxy: false,
                channel: Channel::Hall,
            },
            Format::Clock => Command::Stop {
                lot: LotId(f.lot),
                buyer: BuyerId(buyer),
                grams: parse_kg(&f.harga)?,
                channel: Channel::Hall,
            },
        };
        hall.execute(id, cmd, by).await?;
        Ok(())
    }
    .await;
    or_run(&state, &hall, &ctx, id, r).await
}

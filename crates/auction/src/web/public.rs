//! The public side under `/lelang`: the ports' sessions and today's prices, the session page
//! where a verified buyer bids (a page that refreshes itself without JavaScript, and follows
//! the live feed with it), and a buyer's registration at a port.

use super::view::{self, LotView};
use crate::domain::AuctionError;
use crate::domain::catalogue::{BuyerStatus, parse_kg, parse_rupiah};
use crate::domain::engine::{BuyerId, Channel, Command, LotId};
use crate::domain::rules::Format;
use crate::service;
use crate::service::runtime::SharedHall;
use crate::store::catalogue::{self, Buyer, Port};
use crate::store::reports::{self, SpeciesPrice};
use crate::store::sessions::{self, SessionRow};
use crate::store::today;
use anjungan_kernel::clock::now_ms;
use anjungan_kernel::web::pages::render;
use anjungan_kernel::web::{AppError, AppState, Ctx, Shell, WebResult};
use askama::Template;
use axum::extract::{Path, Query, State as St};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form};
use utoipa_axum::router::OpenApiRouter;

/// Its pages guests all see alike: kept by the page cache until a write of this room (or any
/// write not narrowed to another room).
pub(crate) const PUBLIC: anjungan_kernel::web::page_cache::Public =
    anjungan_kernel::web::page_cache::Public::of(&["auction"]);

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/lelang", get(index).layer(PUBLIC.layer()))
        .route("/lelang/aturan", get(rules_page).layer(PUBLIC.layer()))
        .route("/lelang/sesi/{id}", get(session_page).layer(PUBLIC.layer()))
        .route("/lelang/sesi/{id}/tawar", post(bid_form))
        .route("/lelang/sesi/{id}/beli", post(stop_form))
        .route("/lelang/daftar", get(register_page).post(register_form))
}

pub(crate) fn hhmm(ms: i64) -> String {
    let t = anjungan_kernel::clock::to_wib(ms);
    format!("{:02}.{:02}", t.hour(), t.minute())
}

struct PortDay {
    port: Port,
    sessions: Vec<SessionRow>,
}

#[derive(Template)]
#[template(path = "auction_index.html")]
struct IndexPage {
    shell: Shell,
    day: String,
    ports: Vec<PortDay>,
    prices: Vec<SpeciesPrice>,
}

#[derive(serde::Deserialize, Default)]
struct DayQuery {
    #[serde(default)]
    tanggal: String,
}

fn valid_day(s: &str) -> Option<String> {
    let ok = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    ok.then(|| s.to_string())
}

async fn index(
    St(state): St<AppState>,
    ctx: Ctx,
    Query(q): Query<DayQuery>,
) -> WebResult<Response> {
    let day = valid_day(&q.tanggal).unwrap_or_else(today);
    let all = sessions::of_day(&state.db, &day, None).await?;
    let ports = catalogue::ports(&state.db)
        .await?
        .into_iter()
        .map(|port| PortDay {
            sessions: all
                .iter()
                .filter(|s| s.port_id == port.id)
                .cloned()
                .collect(),
            port,
        })
        .collect();
    render(&IndexPage {
        shell: Shell::new(&ctx),
        prices: reports::prices_of_day(&state.db, &day, None).await?,
        day,
        ports,
    })
}

/// One band of the increment ladder as the rules page shows it.
struct BandRow {
    from: String,
    below: Option<String>,
    step: String,
}

#[derive(Template)]
#[template(path = "auction_rules.html")]
struct RulesPage {
    shell: Shell,
    bands: Vec<BandRow>,
    /// Every sentence with a number, as `(locale key, arguments)`: each number is computed
    /// from the rules the engine applies, never copied.
    rules: Vec<(&'static str, Vec<(&'static str, String)>)>,
}

impl RulesPage {
    fn text(&self, key: &str, args: &[(&'static str, String)]) -> String {
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.shell.t.f(key, &args)
    }
}

fn seconds(ms: i64) -> String {
    if ms % 1_000 == 0 {
        (ms / 1_000).to_string()
    } else {
        format!("{},{:03}", ms / 1_000, ms % 1_000)
            .trim_end_matches('0')
            .to_string()
    }
}

/// The rules of a Lion auction in plain words, with every number taken from the rules the
/// engine applies (a session's defaults) and the regency's default levy.
async fn rules_page(ctx: Ctx) -> WebResult<Response> {
    use crate::domain::catalogue::{PAYMENT_WINDOW_MS, format_rupiah as rp};
    use crate::domain::levy::{LevyBasis, LevyRules};
    use crate::domain::rules::Rules;
    let asc = Rules::ascending();
    let clock = Rules::clock();
    let mut from = 0;
    let bands = asc
        .ladder
        .bands
        .iter()
        .map(|b| {
            let row = BandRow {
                from: rp(from),
                below: b.below.map(rp),
                step: rp(b.step),
            };
            from = b.below.unwrap_or(from);
            row
        })
        .collect();
    let mut rules = Vec::new();
    // A straight bid above the leader's maximum pays in full; a proxy maximum does not.
    let (standing, leader_max, amount) = (18_000, 20_000, 25_000);
    let minimum = asc.minimum_bid(standing, Some(standing));
    rules.push((
        "auction.rules.straight",
        vec![
            ("max", rp(leader_max)),
            ("amount", rp(amount)),
            (
                "straight",
                rp(asc.outbid_price(leader_max, amount, false, minimum)),
            ),
            (
                "proxy",
                rp(asc.outbid_price(leader_max, amount, true, minimum)),
            ),
        ],
    ));
    // The step at a band's edge: taken at the standing price's level.
    if let Some(edge) = asc.ladder.bands.iter().find_map(|b| b.below) {
        let under = edge - asc.ladder.step(edge - 1);
        rules.push((
            "auction.rules.edge",
            vec![
                ("under", rp(under)),
                ("step_under", rp(asc.ladder.step(under))),
                ("min_under", rp(asc.minimum_bid(under, Some(under)))),
                ("edge", rp(edge)),
                ("step_edge", rp(asc.ladder.step(edge))),
                ("min_edge", rp(asc.minimum_bid(edge, Some(edge)))),
            ],
        ));
    }
    // Soft close, and whether a bid exactly one window before the end extends it.
    let end = asc.lot_duration_ms;
    let hard = end + asc.max_extension_ms;
    let exact = asc.soft_close(end - asc.soft_close_ms, end, hard) > end;
    rules.push((
        "auction.rules.soft_close",
        vec![
            ("window", seconds(asc.soft_close_ms)),
            ("cap", (asc.max_extension_ms / 60_000).to_string()),
        ],
    ));
    rules.push((
        if exact {
            "auction.rules.soft_exact_extends"
        } else {
            "auction.rules.soft_exact_not"
        },
        vec![("window", seconds(asc.soft_close_ms))],
    ));
    // The descending clock and its restart, never above the start price.
    let start = 30_000;
    let stopped = start - 2 * clock.clock_step;
    rules.push((
        "auction.rules.clock",
        vec![
            ("step", rp(clock.clock_step)),
            ("interval", seconds(clock.clock_interval_ms)),
            ("grace", clock.grace_ms.to_string()),
            ("steps", clock.clock_restart_steps.to_string()),
            ("start", rp(start)),
            ("stopped", rp(stopped)),
            ("restart", rp(clock.clock_restart_price(stopped, start))),
        ],
    ));
    // Exposure: one basis, what the buyer will owe, levy included.
    let levy = LevyRules::trenggalek_default();
    let buyer_bp = match levy.basis {
        LevyBasis::Percent { buyer_bp, .. } => buyer_bp,
        _ => 0,
    };
    let percent = match buyer_bp % 100 {
        0 => (buyer_bp / 100).to_string(),
        r => format!("{},{:02}", buyer_bp / 100, r)
            .trim_end_matches('0')
            .to_string(),
    };
    let (limit, value) = (15_000_000, 15_000_000);
    rules.push((
        "auction.rules.exposure",
        vec![
            ("limit", rp(limit)),
            ("percent", percent),
            ("value", rp(value)),
            ("owes", rp(levy.buyer_owes(value, 1_000_000))),
            ("hours", (PAYMENT_WINDOW_MS / 3_600_000).to_string()),
        ],
    ));
    rules.push(("auction.rules.levy_totals", Vec::new()));
    rules.push((
        "auction.rules.too_low",
        vec![(
            "minimum",
            asc.minimum_bid(start, Some(start + asc.ladder.step(start)))
                .to_string(),
        )],
    ));
    render(&RulesPage {
        shell: Shell::new(&ctx),
        bands,
        rules,
    })
}

#[derive(Template)]
#[template(path = "auction_session.html")]
struct SessionPage {
    shell: Shell,
    s: SessionRow,
    lots: Vec<LotView>,
    buyer: Option<Buyer>,
    /// The buyer may bid here now.
    can_bid: bool,
    staff: bool,
    error: Option<String>,
    message: Option<&'static str>,
    refresh: bool,
    last_event: i64,
    now: i64,
}

impl SessionPage {
    fn is_clock(&self) -> bool {
        self.s.format == Format::Clock
    }
}

#[derive(serde::Deserialize, Default)]
struct MessageQuery {
    #[serde(default)]
    pesan: String,
}

async fn session_view(
    state: &AppState,
    hall: &SharedHall,
    ctx: &Ctx,
    id: i64,
    error: Option<String>,
    message: Option<&'static str>,
) -> WebResult<SessionPage> {
    let row = sessions::get(&state.db, id).await?;
    let buyer = view::buyer_at(state, row.port_id, ctx.principal.as_ref()).await?;
    let me = buyer.as_ref().map(|b| b.id);
    let (s, mut lots) = view::session_with_lots(state, hall, id, me).await?;
    view::with_history(state, id, &mut lots, me).await?;
    let staff = match &ctx.principal {
        Some(p) => {
            let port = catalogue::port(&state.db, s.port_id).await?;
            let org = view::port_org(state, port.org_id).await?;
            // The console link goes to those who run the session (a cashier cannot open it).
            crate::domain::access::may(p, org.as_ref(), crate::domain::access::Action::RunSession)
        }
        None => false,
    };
    let live = matches!(s.state.as_str(), "open" | "paused");
    let can_bid = live
        && buyer
            .as_ref()
            .is_some_and(|b| b.status == BuyerStatus::Verified);
    Ok(SessionPage {
        shell: Shell::new(ctx),
        can_bid,
        // A watcher's page refreshes itself without JavaScript; a bidder's never does, or the
        // bid being typed would be wiped: it offers a link to the latest prices instead.
        refresh: live && !can_bid,
        last_event: s.last_event,
        now: now_ms(),
        s,
        lots,
        buyer,
        staff,
        error,
        message,
    })
}

async fn session_page(
    St(state): St<AppState>,
    Extension(hall): Extension<SharedHall>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(m): Query<MessageQuery>,
) -> WebResult<Response> {
    let message = match m.pesan.as_str() {
        "tawar" => Some("auction.msg.bid_accepted"),
        "beli" => Some("auction.msg.bought"),
        _ => None,
    };
    render(&session_view(&state, &hall, &ctx, id, None, message).await?)
}

#[derive(serde::Deserialize)]
struct BidForm {
    lot: i64,
    #[serde(default)]
    harga: String,
    /// "1" when the amount is a maximum for proxy bidding.
    #[serde(default)]
    maks: String,
}

/// Shows the session page again with the reason a bid was refused (nothing changed).
async fn refused(
    state: &AppState,
    hall: &SharedHall,
    ctx: &Ctx,
    id: i64,
    e: AppError,
) -> WebResult<Response> {
    let message = e.message(ctx.tr());
    let page = session_view(state, hall, ctx, id, Some(message), None).await?;
    let mut resp = render(&page)?;
    *resp.status_mut() = e.status;
    Ok(resp)
}

/// The signed-in buyer's paddle at the session's port, or why they may not bid.
async fn bidder(state: &AppState, ctx: &Ctx, session_id: i64) -> WebResult<BuyerId> {
    let p = ctx.signed_in()?;
    let row = sessions::get(&state.db, session_id).await?;
    match catalogue::buyer_of_user(&state.db, &state.keys, row.port_id, p.user_id.0).await? {
        Some(b) => Ok(BuyerId(b.id)),
        None => Err(AuctionError::NotAdmitted.into()),
    }
}

/// Puts the signed-in buyer's command into the session; shows the page again with the reason
/// when it is refused (nothing changed), else goes back to the lot with `message`.
async fn place(
    state: &AppState,
    hall: &SharedHall,
    ctx: &Ctx,
    id: i64,
    lot: i64,
    message: &str,
    make: impl FnOnce(BuyerId) -> Result<Command, AuctionError>,
) -> WebResult<Response> {
    let attempt = async {
        let buyer = bidder(state, ctx, id).await?;
        let cmd = make(buyer)?;
        hall.execute(id, cmd, ctx.principal.as_ref().map(|p| p.user_id.0))
            .await?;
        Ok::<(), AppError>(())
    }
    .await;
    match attempt {
        Ok(()) => Ok(
            Redirect::to(&format!("/lelang/sesi/{id}?pesan={message}#lot-{lot}")).into_response(),
        ),
        Err(e)
            if e.status.is_client_error() && e.status != axum::http::StatusCode::UNAUTHORIZED =>
        {
            refused(state, hall, ctx, id, e).await
        }
        Err(e) => Err(e),
    }
}

async fn bid_form(
    St(state): St<AppState>,
    Extension(hall): Extension<SharedHall>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<BidForm>,
) -> WebResult<Response> {
    place(&state, &hall, &ctx, id, f.lot, "tawar", |buyer| {
        Ok(Command::Bid {
            lot: LotId(f.lot),
            buyer,
            amount: parse_rupiah(&f.harga)?,
            proxy: f.maks == "1",
            channel: Channel::Web,
        })
    })
    .await
}

#[derive(serde::Deserialize)]
struct StopForm {
    lot: i64,
    #[serde(default)]
    kg: String,
}

async fn stop_form(
    St(state): St<AppState>,
    Extension(hall): Extension<SharedHall>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<StopForm>,
) -> WebResult<Response> {
    place(&state, &hall, &ctx, id, f.lot, "beli", |buyer| {
        Ok(Command::Stop {
            lot: LotId(f.lot),
            buyer,
            grams: parse_kg(&f.kg)?,
            channel: Channel::Web,
        })
    })
    .await
}

#[derive(Template)]
#[template(path = "auction_register.html")]
struct RegisterPage {
    shell: Shell,
    ports: Vec<Port>,
    mine: Vec<(String, Buyer)>,
    error: Option<String>,
    done: bool,
}

async fn register_view(
    state: &AppState,
    ctx: &Ctx,
    error: Option<String>,
    done: bool,
) -> WebResult<RegisterPage> {
    let p = ctx.signed_in()?;
    let ports = catalogue::ports(&state.db).await?;
    let mut mine = Vec::new();
    for port in &ports {
        if let Some(b) =
            catalogue::buyer_of_user(&state.db, &state.keys, port.id, p.user_id.0).await?
        {
            mine.push((port.name.clone(), b));
        }
    }
    Ok(RegisterPage {
        shell: Shell::new(ctx),
        ports,
        mine,
        error,
        done,
    })
}

async fn register_page(
    St(state): St<AppState>,
    ctx: Ctx,
    Query(m): Query<MessageQuery>,
) -> WebResult<Response> {
    render(&register_view(&state, &ctx, None, m.pesan == "terdaftar").await?)
}

#[derive(serde::Deserialize)]
struct RegisterForm {
    port: i64,
    #[serde(default)]
    usaha: String,
}

/// A signed-in user asks a port to verify them as a buyer; the port checks identity and
/// deposit at the hall.
async fn register_form(
    St(state): St<AppState>,
    ctx: Ctx,
    Form(f): Form<RegisterForm>,
) -> WebResult<Response> {
    let p = ctx.signed_in()?;
    let attempt = async {
        catalogue::port(&state.db, f.port).await?;
        let new = catalogue::NewBuyer {
            port_id: f.port,
            user_id: Some(p.user_id.0),
            name: &p.name,
            business: &f.usaha,
            phone: None,
        };
        service::catalogue::register_buyer(&state.db, &state.keys, &ctx.actor(), &new).await?;
        Ok::<(), AppError>(())
    }
    .await;
    match attempt {
        Ok(()) => Ok(Redirect::to("/lelang/daftar?pesan=terdaftar").into_response()),
        Err(e) if e.status.is_client_error() => {
            let msg = e.message(ctx.tr());
            let mut resp = render(&register_view(&state, &ctx, Some(msg), false).await?)?;
            *resp.status_mut() = e.status;
            Ok(resp)
        }
        Err(e) => Err(e),
    }
}

//! The JSON API: ports, sessions with their lots' live standing, the event log, bids and
//! clock stops (`POST /api/v1/lots/{id}/bids`), and the staff's commands — so a buyer's app or
//! the hall's display board can use all of it. The live feed is `…/sessions/{id}/feed` (SSE).

use super::view::{self, LotView};
use super::{Refusal, api_error};
use crate::domain::AuctionError;
use crate::domain::access::Action;
use crate::domain::catalogue::{Grade, LotInput};
use crate::domain::engine::{BuyerId, Channel, Command, Event, LotId, Numbered};
use crate::domain::rules::{Format, Rules, check_start};
use crate::service;
use crate::service::runtime::SharedHall;
use crate::store::catalogue::{self, Port};
use crate::store::reports::{self, SpeciesPrice};
use crate::store::sessions::{self, SessionRow};
use crate::store::today;
use anjungan_kernel::clock::now_ms;
use anjungan_kernel::web::{AppState, Ctx, WebResult};
use axum::extract::{Path, Query, State as St};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_ports))
        .routes(routes!(list_sessions, create_session))
        .routes(routes!(get_session))
        .routes(routes!(session_events))
        .routes(routes!(session_command))
        .routes(routes!(session_add_lot))
        .routes(routes!(register_lot))
        .routes(routes!(place_bid))
        .routes(routes!(stop_clock))
        .routes(routes!(day_prices))
}

/// The ports (TPI) with their levy rules.
#[utoipa::path(get, path = "/api/v1/auction/ports", operation_id = "listAuctionPorts", tag = "auction",
    responses((status = 200, body = [Port])))]
async fn list_ports(St(state): St<AppState>) -> WebResult<Json<Vec<Port>>> {
    Ok(Json(catalogue::ports(&state.db).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
struct DayQuery {
    /// `YYYY-MM-DD` (WIB); today when omitted.
    day: Option<String>,
    port: Option<i64>,
}

fn day_or_today(d: Option<String>) -> Result<String, AuctionError> {
    match d {
        None => Ok(today()),
        Some(d)
            if time::Date::parse(
                &d,
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .is_ok() =>
        {
            Ok(d)
        }
        Some(_) => Err(AuctionError::BadDay),
    }
}

/// A day's sessions, in start order.
#[utoipa::path(get, path = "/api/v1/auction/sessions", operation_id = "listAuctionSessions", tag = "auction",
    params(DayQuery), responses((status = 200, body = [SessionRow]), (status = 422)))]
async fn list_sessions(
    St(state): St<AppState>,
    Query(q): Query<DayQuery>,
) -> WebResult<Json<Vec<SessionRow>>> {
    let day = day_or_today(q.day)?;
    Ok(Json(sessions::of_day(&state.db, &day, q.port).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = auction::NewSession)]
struct NewSession {
    port_id: i64,
    format: Format,
    /// Start time (ms since the epoch); now when omitted.
    starts_at: Option<i64>,
    /// Ascending: how long each lot stays open, in seconds.
    lot_seconds: Option<i64>,
    /// Soft-close window in seconds.
    soft_close_seconds: Option<i64>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = auction::Created)]
struct Created {
    id: i64,
}

/// Schedules a session at a port (auctioneers).
#[utoipa::path(post, path = "/api/v1/auction/sessions", operation_id = "createAuctionSession", tag = "auction",
    request_body = NewSession, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 401), (status = 403), (status = 422)))]
async fn create_session(
    St(state): St<AppState>,
    ctx: Ctx,
    Json(n): Json<NewSession>,
) -> WebResult<(StatusCode, Json<Created>)> {
    let p = ctx.signed_in()?;
    let port = catalogue::port(&state.db, n.port_id).await?;
    view::require(&state, p, port.org_id, Action::RunSession).await?;
    let mut rules = Rules::for_port(n.format, port.min_buyers);
    if let Some(s) = n.lot_seconds {
        rules.lot_duration_ms = s.saturating_mul(1_000);
    }
    if let Some(s) = n.soft_close_seconds {
        rules.soft_close_ms = s.saturating_mul(1_000);
    }
    let now = now_ms();
    let starts_at = n.starts_at.unwrap_or(now);
    check_start(now, starts_at)?;
    let id = service::sessions::create(
        &state.db,
        &ctx.actor(),
        port.id,
        starts_at,
        Some(p.user_id.0),
        &rules,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = auction::SessionDetail)]
struct SessionDetail {
    session: SessionRow,
    lots: Vec<LotView>,
    /// The caller's paddle number at this port, if they are a buyer there.
    you: Option<i64>,
    /// The server's clock (ms since the epoch), to count down from.
    now: i64,
}

/// A session with every lot's standing (live while the session runs).
#[utoipa::path(get, path = "/api/v1/auction/sessions/{id}", operation_id = "getAuctionSession", tag = "auction",
    params(("id" = i64, Path, description = "Session id")),
    responses((status = 200, body = SessionDetail), (status = 404)))]
async fn get_session(
    St(state): St<AppState>,
    Extension(hall): Extension<SharedHall>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> WebResult<Json<SessionDetail>> {
    let row = sessions::get(&state.db, id).await?;
    let you = view::buyer_at(&state, row.port_id, ctx.principal.as_ref())
        .await?
        .map(|b| b.id);
    let (session, mut lots) = view::session_with_lots(&state, &hall, id, you).await?;
    view::with_history(&state, id, &mut lots, you).await?;
    Ok(Json(SessionDetail {
        session,
        lots,
        you,
        now: now_ms(),
    }))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
struct EventsQuery {
    /// The last event number already seen; 0 for all.
    after: Option<u64>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = auction::EventPage)]
struct EventPage {
    events: Vec<Numbered>,
    last: u64,
    /// True when the events after `after` are no longer kept: reload the session instead.
    reset: bool,
}

/// The session's events after a number, in order and without gaps (for clients that poll).
#[utoipa::path(get, path = "/api/v1/auction/sessions/{id}/events", operation_id = "listAuctionEvents", tag = "auction",
    params(("id" = i64, Path, description = "Session id"), EventsQuery),
    responses((status = 200, body = EventPage), (status = 404)))]
async fn session_events(
    St(state): St<AppState>,
    Extension(hall): Extension<SharedHall>,
    Path(id): Path<i64>,
    Query(q): Query<EventsQuery>,
) -> WebResult<Json<EventPage>> {
    sessions::get(&state.db, id).await?;
    let live = hall.live(id).await?;
    let after = q.after.unwrap_or(0);
    let last = live.last_event();
    Ok(Json(match live.events_after(after) {
        Some(ev) => EventPage {
            events: ev.iter().take(5_000).map(|e| (**e).clone()).collect(),
            last,
            reset: false,
        },
        None => EventPage {
            events: Vec::new(),
            last,
            reset: true,
        },
    }))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = auction::SessionCommand)]
struct SessionCommand {
    /// open, pause, resume, close or cancel.
    command: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = auction::Done)]
struct Done {
    /// The session's state after the command.
    state: String,
    events: Vec<Numbered>,
}

/// Runs the session (auctioneers): open, pause, resume, close, cancel.
#[utoipa::path(post, path = "/api/v1/auction/sessions/{id}/commands", operation_id = "runAuctionSession", tag = "auction",
    request_body = SessionCommand, params(("id" = i64, Path, description = "Session id")), security(("bearer" = [])),
    responses((status = 200, body = Done), (status = 401), (status = 403), (status = 409)))]
async fn session_command(
    St(state): St<AppState>,
    Extension(hall): Extension<SharedHall>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(c): Json<SessionCommand>,
) -> WebResult<Json<Done>> {
    let p = ctx.signed_in()?;
    let row = sessions::get(&state.db, id).await?;
    let port = catalogue::port(&state.db, row.port_id).await?;
    view::require(&state, p, port.org_id, Action::RunSession).await?;
    let before = hall.live(id).await?.last_event();
    super::console::run_command(&hall, id, Some(p.user_id.0), &c.command).await?;
    let events = hall
        .live(id)
        .await?
        .events_after(before)
        .unwrap_or_default()
        .iter()
        .map(|e| (**e).clone())
        .collect();
    Ok(Json(Done {
        state: sessions::get(&state.db, id).await?.state,
        events,
    }))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = auction::AddLot)]
struct AddLot {
    lot_id: i64,
}

/// Puts a registered lot into a session (auctioneers).
#[utoipa::path(post, path = "/api/v1/auction/sessions/{id}/lots", operation_id = "addAuctionLot", tag = "auction",
    request_body = AddLot, params(("id" = i64, Path, description = "Session id")), security(("bearer" = [])),
    responses((status = 200, body = Done), (status = 401), (status = 403), (status = 409)))]
async fn session_add_lot(
    St(state): St<AppState>,
    Extension(hall): Extension<SharedHall>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(a): Json<AddLot>,
) -> WebResult<Json<Done>> {
    let p = ctx.signed_in()?;
    let row = sessions::get(&state.db, id).await?;
    let port = catalogue::port(&state.db, row.port_id).await?;
    view::require(&state, p, port.org_id, Action::RunSession).await?;
    let o = hall.add_lot(id, a.lot_id, Some(p.user_id.0)).await?;
    Ok(Json(Done {
        state: sessions::get(&state.db, id).await?.state,
        events: o.events,
    }))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = auction::NewLot)]
struct NewLot {
    species_id: i64,
    fisher_id: i64,
    boat_id: Option<i64>,
    grams: i64,
    grade: Grade,
    /// Per kg.
    start_price: i64,
    reserve: Option<i64>,
    /// Photos already uploaded through `POST /api/v1/files` (their SHA-256), at most three.
    #[serde(default)]
    photos: Vec<String>,
}

/// Registers a landed lot at a port (auctioneers and cashiers).
#[utoipa::path(post, path = "/api/v1/auction/ports/{id}/lots", operation_id = "registerAuctionLot", tag = "auction",
    request_body = NewLot, params(("id" = i64, Path, description = "Port id")), security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 401), (status = 403), (status = 422)))]
async fn register_lot(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(port_id): Path<i64>,
    Json(n): Json<NewLot>,
) -> WebResult<(StatusCode, Json<Created>)> {
    let p = ctx.signed_in()?;
    let port = catalogue::port(&state.db, port_id).await?;
    view::require(&state, p, port.org_id, Action::RegisterLot).await?;
    let input = LotInput {
        species_id: n.species_id,
        fisher_id: n.fisher_id,
        boat_id: n.boat_id,
        grams: n.grams,
        grade: n.grade,
        landed_at: now_ms(),
        start_price: n.start_price,
        reserve: n.reserve,
    };
    if n.photos.len() > crate::domain::catalogue::MAX_PHOTOS {
        return Err(AuctionError::TooManyPhotos.into());
    }
    let id = service::lots::register(&state.db, &ctx.actor(), port.id, &input).await?;
    for sha in &n.photos {
        service::lots::add_photo(&state.db, &ctx.actor(), id, sha).await?;
    }
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = auction::NewBid)]
struct NewBid {
    /// Rupiah per kg.
    amount: i64,
    /// A maximum for proxy bidding instead of a straight bid.
    #[serde(default)]
    proxy: bool,
    /// Auctioneers only: the buyer a hall bid is entered for.
    buyer_id: Option<i64>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = auction::BidAccepted)]
struct BidAccepted {
    lot: i64,
    /// The lot's standing price per kg after the bid.
    price: i64,
    leader: i64,
    /// Whether the bidder leads after the bid (a lower bid is accepted and outbid at once by a
    /// higher maximum).
    leading: bool,
    ends_at: i64,
    /// The lowest bid the lot accepts next.
    min: i64,
    /// The event number of the bid in the session's feed.
    event: u64,
}

/// Resolves the buyer placing a bid: the caller's own paddle, or for an auctioneer a hall
/// bid for the named buyer.
async fn acting_buyer(
    state: &AppState,
    hall: &SharedHall,
    ctx: &Ctx,
    home: crate::service::runtime::LotHome,
    named: Option<i64>,
) -> WebResult<(BuyerId, Channel)> {
    let p = ctx.signed_in()?;
    if let Some(b) = named {
        view::require(state, p, home.port_org, Action::RunSession).await?;
        return Ok((BuyerId(b), Channel::Hall));
    }
    match hall.paddle(&state.keys, home.port_id, p.user_id.0).await? {
        Some(b) => Ok((BuyerId(b), Channel::Api)),
        None => Err(AuctionError::NotAdmitted.into()),
    }
}
/// Places a bid on a lot of an ascending session. Acknowledged only once durably committed; a
/// refused bid changes nothing and says why (`code` in the problem document).
#[utoipa::path(post, path = "/api/v1/lots/{id}/bids", operation_id = "placeBid", tag = "auction",
    request_body = NewBid, params(("id" = i64, Path, description = "Lot id")), security(("bearer" = [])),
    responses((status = 201, body = BidAccepted), (status = 401),
        (status = 403, body = Refusal, content_type = "application/problem+json", description = "not admitted, blocked, or over the limit (`limit`, `would_be`)"),
        (status = 404), (status = 409, body = Refusal, content_type = "application/problem+json", description = "closed, not open, or already leading"),
        (status = 422, body = Refusal, content_type = "application/problem+json", description = "too low (`minimum`: the lowest bid accepted now, per kg), a maximum not above one's own (`current`), or invalid")))]
async fn place_bid(
    St(state): St<AppState>,
    Extension(hall): Extension<SharedHall>,
    ctx: Ctx,
    Path(lot_id): Path<i64>,
    Json(b): Json<NewBid>,
) -> WebResult<Response> {
    ctx.signed_in()?;
    let home = hall.lot_home(lot_id).await?;
    let session_id = home.session_id;
    let (buyer, channel) = acting_buyer(&state, &hall, &ctx, home, b.buyer_id).await?;
    let cmd = Command::Bid {
        lot: LotId(lot_id),
        buyer,
        amount: b.amount,
        proxy: b.proxy,
        channel,
    };
    let o = match hall
        .execute(session_id, cmd, ctx.principal.as_ref().map(|p| p.user_id.0))
        .await
    {
        Ok(o) => o,
        Err(e) => return Ok(api_error(&ctx, &format!("/api/v1/lots/{lot_id}/bids"), e)),
    };
    let accepted = o
        .events
        .iter()
        .find_map(|n| match n.event {
            Event::Bid {
                lot,
                price,
                min,
                leader,
                ends_at,
                ..
            } if lot.0 == lot_id => Some(BidAccepted {
                lot: lot_id,
                price,
                leader: leader.0,
                leading: leader == buyer,
                ends_at,
                min,
                event: n.n,
            }),
            _ => None,
        })
        .ok_or(AuctionError::Busy)?;
    Ok((StatusCode::CREATED, Json(accepted)).into_response())
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = auction::NewStop)]
struct NewStop {
    /// How much to take, in grams (what remains if more).
    grams: i64,
    /// Auctioneers only: the buyer a hall stop is entered for.
    buyer_id: Option<i64>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = auction::Bought)]
struct Bought {
    lot: i64,
    grams: i64,
    price: i64,
    event: u64,
}

/// Stops the descending clock on a lot and buys at its price now.
#[utoipa::path(post, path = "/api/v1/lots/{id}/stops", operation_id = "stopClock", tag = "auction",
    request_body = NewStop, params(("id" = i64, Path, description = "Lot id")), security(("bearer" = [])),
    responses((status = 201, body = Bought), (status = 401),
        (status = 403, body = Refusal, content_type = "application/problem+json", description = "not admitted, blocked, or over the limit (`limit`, `would_be`)"),
        (status = 404), (status = 409, body = Refusal, content_type = "application/problem+json"),
        (status = 422, body = Refusal, content_type = "application/problem+json")))]
async fn stop_clock(
    St(state): St<AppState>,
    Extension(hall): Extension<SharedHall>,
    ctx: Ctx,
    Path(lot_id): Path<i64>,
    Json(s): Json<NewStop>,
) -> WebResult<Response> {
    ctx.signed_in()?;
    let home = hall.lot_home(lot_id).await?;
    let session_id = home.session_id;
    let (buyer, channel) = acting_buyer(&state, &hall, &ctx, home, s.buyer_id).await?;
    let cmd = Command::Stop {
        lot: LotId(lot_id),
        buyer,
        grams: s.grams,
        channel,
    };
    let o = match hall
        .execute(session_id, cmd, ctx.principal.as_ref().map(|p| p.user_id.0))
        .await
    {
        Ok(o) => o,
        Err(e) => return Ok(api_error(&ctx, &format!("/api/v1/lots/{lot_id}/stops"), e)),
    };
    let bought = o
        .events
        .iter()
        .find_map(|n| match n.event {
            Event::Filled {
                lot, grams, price, ..
            } if lot.0 == lot_id => Some(Bought {
                lot: lot_id,
                grams,
                price,
                event: n.n,
            }),
            _ => None,
        })
        .ok_or(AuctionError::Busy)?;
    Ok((StatusCode::CREATED, Json(bought)).into_response())
}

/// A day's prices by species (per kg), at one port or all.
#[utoipa::path(get, path = "/api/v1/auction/prices", operation_id = "auctionPrices", tag = "auction",
    params(DayQuery), responses((status = 200, body = [SpeciesPrice]), (status = 422)))]
async fn day_prices(
    St(state): St<AppState>,
    Query(q): Query<DayQuery>,
) -> WebResult<Json<Vec<SpeciesPrice>>> {
    let day = day_or_today(q.day)?;
    Ok(Json(reports::prices_of_day(&state.db, &day, q.port).await?))
}

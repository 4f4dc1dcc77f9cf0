//! The live feed of a session, as a WebSocket and as Server-Sent Events (the fallback that
//! works through any proxy). A client resumes after the last event it saw (`Last-Event-ID`, or
//! `?after=`) without gaps; events are compact JSON numbered by the session. A client that
//! falls behind the bounded buffer is not buffered for: it gets one `snapshot` of every lot's
//! standing (coalesced per lot) and carries on from there; after falling behind three times, or
//! when a WebSocket send does not complete within five seconds, it is cut off (its page
//! reconnects and resumes).

use crate::domain::engine::{Numbered, Session};
use crate::service::runtime::{Live, SharedHall};
use anjungan_kernel::web::limits::Held;
use anjungan_kernel::web::{AppError, AppState, Ctx, WebResult};
use axum::Extension;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State as St};
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream::{self, BoxStream, StreamExt};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/lelang/sesi/{id}/feed", get(sse))
        .route("/lelang/sesi/{id}/ws", get(websocket))
        .routes(utoipa_axum::routes!(api_sse))
        .routes(utoipa_axum::routes!(api_websocket))
}

/// The session's live feed as Server-Sent Events: numbered events (`id:`), their kind
/// (`event:`) and JSON (`data:`); resume with `Last-Event-ID` or `?after=`. A client that falls
/// behind gets a `snapshot` of every lot.
/// One event of the live feed as Server-Sent Events carry it.
#[derive(utoipa::ToSchema)]
#[schema(as = auction::FeedEvent)]
#[allow(dead_code)] // describes the stream for the OpenAPI document; never built
struct FeedEvent {
    /// The event's number in the session: send it back as `after` (or `Last-Event-ID`) to resume.
    id: String,
    /// The kind of event, e.g. `lot_added`, `bid`, `sold`.
    event: String,
    /// The event as JSON: `n` its number, `e` its kind, and its fields.
    data: String,
}

#[utoipa::path(get, path = "/api/v1/auction/sessions/{id}/feed", operation_id = "auctionFeed", tag = "auction",
    params(("id" = i64, Path, description = "Session id"), ("after" = Option<u64>, Query, description = "The last event number already seen")),
    responses((status = 200, description = "text/event-stream of the session's events", content_type = "text/event-stream", body = FeedEvent), (status = 404), (status = 429, description = "too many live feeds from this address")))]
async fn api_sse(
    state: St<AppState>,
    hall: Extension<SharedHall>,
    ctx: Ctx,
    id: Path<i64>,
    q: Query<FeedQuery>,
    headers: HeaderMap,
) -> WebResult<Response> {
    sse(state, hall, ctx, id, q, headers).await
}

/// The same feed over a WebSocket (`GET` with `Upgrade: websocket`): one JSON text message per
/// event, each with its number `n` and kind `e`.
#[utoipa::path(get, path = "/api/v1/auction/sessions/{id}/ws", operation_id = "auctionWebSocket", tag = "auction",
    params(("id" = i64, Path, description = "Session id"), ("after" = Option<u64>, Query, description = "The last event number already seen")),
    responses((status = 101, description = "switching to the WebSocket protocol"), (status = 400, description = "not a WebSocket upgrade"), (status = 403, description = "opened from another site's page"), (status = 404), (status = 429, description = "too many live feeds from this address")))]
async fn api_websocket(
    state: St<AppState>,
    hall: Extension<SharedHall>,
    ctx: Ctx,
    id: Path<i64>,
    q: Query<FeedQuery>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> WebResult<Response> {
    websocket(state, hall, ctx, id, q, headers, upgrade).await
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct FeedQuery {
    pub after: Option<u64>,
}

/// How many times a client may fall behind before it is cut off.
const MAX_LAGS: u32 = 3;
/// A WebSocket send that takes longer than this means the client cannot keep up.
const SEND_TIMEOUT: Duration = Duration::from_secs(5);

/// One message of the feed, whatever carries it.
pub(crate) struct Item {
    pub id: u64,
    pub kind: String,
    pub json: String,
}

fn item(n: &Numbered) -> Item {
    let json = serde_json::to_string(n).unwrap_or_default();
    let kind = json
        .split("\"e\":\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or("event")
        .to_string();
    Item {
        id: n.n,
        kind,
        json,
    }
}

/// Every lot's standing now: what a client that fell behind needs instead of what it missed.
fn snapshot(state: &Session) -> Item {
    let lots: Vec<serde_json::Value> = state
        .lots
        .iter()
        .map(|l| {
            serde_json::json!({
                "lot": l.spec.id,
                "phase": format!("{:?}", l.phase).to_lowercase(),
                "price": l.price,
                "leader": l.lead.map(|x| x.buyer),
                "ends_at": l.ends_at,
                "remaining": l.remaining,
            })
        })
        .collect();
    let n = state.last_event;
    Item {
        id: n,
        kind: "snapshot".into(),
        json: serde_json::json!({"e": "snapshot", "n": n, "lots": lots}).to_string(),
    }
}

/// The backlog after `after` (or a snapshot when it is no longer kept), then live events.
fn items(live: Arc<Live>, after: u64) -> BoxStream<'static, Item> {
    // Subscribe before reading the backlog, then skip what the backlog already gave.
    let rx = live.subscribe();
    let (backlog, last): (Vec<Item>, u64) = match live.events_after(after) {
        Some(events) => {
            let last = events.last().map(|e| e.n).unwrap_or(after);
            (events.iter().map(|e| item(e)).collect(), last)
        }
        None => {
            let snap = live.with(snapshot);
            let last = snap.id;
            (vec![snap], last)
        }
    };
    let tail = stream::unfold(
        (rx, 0u32, false, last),
        move |(mut rx, mut lags, done, mut last)| {
            let live = live.clone();
            async move {
                if done {
                    return None;
                }
                loop {
                    match rx.recv().await {
                        Ok(e) if e.n <= last => continue,
                        Ok(e) => {
                            last = e.n;
                            return Some((item(&e), (rx, lags, false, last)));
                        }
                        Err(RecvError::Lagged(_)) => {
                            lags += 1;
                            let snap = live.with(snapshot);
                            last = snap.id;
                            // Cut off a client that keeps falling behind.
                            return Some((snap, (rx, lags, lags >= MAX_LAGS, last)));
                        }
                        Err(RecvError::Closed) => return None,
                    }
                }
            }
        },
    );
    stream::iter(backlog).chain(tail).boxed()
}

/// A live connection counted against the client's address for as long as it is open; past the
/// configured number per address the feed answers 429 (the page retries later).
fn hold(state: &AppState, ctx: &Ctx) -> WebResult<Held> {
    state
        .live_connections
        .try_hold(&ctx.client, state.config.live_per_address)
        .ok_or_else(|| {
            let mut e = AppError::new(StatusCode::TOO_MANY_REQUESTS, "error.rate_limited");
            e.retry_after = Some(10);
            e
        })
}

async fn start(
    state: &AppState,
    hall: &SharedHall,
    id: i64,
    q: &FeedQuery,
    headers: &HeaderMap,
) -> WebResult<(Arc<Live>, u64)> {
    // The session must exist; a closed one still serves its history.
    crate::store::sessions::get(&state.db, id).await?;
    let live = hall.live(id).await?;
    let after = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .or(q.after)
        .unwrap_or(0);
    Ok((live, after))
}

async fn sse(
    St(state): St<AppState>,
    Extension(hall): Extension<SharedHall>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<FeedQuery>,
    headers: HeaderMap,
) -> WebResult<Response> {
    let (live, after) = start(&state, &hall, id, &q, &headers).await?;
    let held = hold(&state, &ctx)?;
    let events = items(live, after).map(move |i| {
        let _counted = &held;
        Ok::<_, Infallible>(
            SseEvent::default()
                .id(i.id.to_string())
                .event(i.kind)
                .data(i.json),
        )
    });
    Ok(Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response())
}

/// The same feed over a WebSocket: one text message per event (the event's JSON, with its
/// number `n` and kind `e`).
async fn websocket(
    St(state): St<AppState>,
    Extension(hall): Extension<SharedHall>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<FeedQuery>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> WebResult<Response> {
    // A page on another site may not open our feed in its visitors' browsers.
    let origin = headers
        .get(axum::http::header::ORIGIN)
        .and_then(|v| v.to_str().ok());
    if !anjungan_kernel::web::limits::same_origin(origin, &state.config.base_url) {
        return Err(AppError::new(StatusCode::FORBIDDEN, "error.forbidden"));
    }
    let (live, after) = start(&state, &hall, id, &q, &headers).await?;
    let held = hold(&state, &ctx)?;
    Ok(upgrade
        .max_message_size(4 * 1024)
        .on_upgrade(move |socket| async move {
            pump(socket, items(live, after)).await;
            drop(held);
        }))
}

async fn pump(mut socket: WebSocket, mut events: BoxStream<'static, Item>) {
    loop {
        tokio::select! {
            next = events.next() => {
                let Some(i) = next else { break };
                match tokio::time::timeout(SEND_TIMEOUT, socket.send(Message::Text(i.json.into()))).await {
                    Ok(Ok(())) => {}
                    // Gone, or too slow to take what others already have.
                    _ => break,
                }
            }
            incoming = socket.recv() => match incoming {
                // The feed is one-way; pings are answered by the library, anything else ignored.
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
        }
    }
    let _ = socket.send(Message::Close(None)).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::engine::{BuyerId, Event, LotId};
    use crate::domain::rules::Rules;
    use crate::service::runtime::FEED_BUFFER;

    fn bids(from: u64, n: u64) -> Vec<Numbered> {
        (from..from + n)
            .map(|i| Numbered {
                n: i,
                event: Event::Bid {
                    lot: LotId(1),
                    buyer: BuyerId(1),
                    price: i as i64,
                    min: i as i64 + 1,
                    leader: BuyerId(1),
                    ends_at: 0,
                    at: 0,
                },
            })
            .collect()
    }

    #[tokio::test]
    async fn a_slow_watcher_gets_a_snapshot_then_is_cut_off_and_nothing_piles_up() {
        let live = Live::detached(Session::new(Rules::ascending()).unwrap());
        let mut feed = items(live.clone(), 0);
        // A watcher that keeps up sees every event in order.
        live.publish(bids(1, 3));
        for want in 1..=3 {
            assert_eq!(feed.next().await.unwrap().id, want);
        }
        // It stops reading while far more than the buffer arrives: no event is held for it
        // beyond the bound; when it reads again it gets one snapshot, not what it missed.
        let mut n = 4;
        for round in 1..=3u32 {
            live.publish(bids(n, FEED_BUFFER as u64 * 3));
            n += FEED_BUFFER as u64 * 3;
            let i = feed.next().await.unwrap();
            assert_eq!(i.kind, "snapshot", "round {round}");
            assert!(i.json.contains("\"lots\""));
        }
        // After the third time it is cut off; its browser reconnects and resumes.
        assert!(feed.next().await.is_none());
        // A watcher resuming from an event still kept gets the rest without a gap.
        let mut again = items(live.clone(), n - 5);
        for want in n - 4..n {
            assert_eq!(again.next().await.unwrap().id, want);
        }
    }
}

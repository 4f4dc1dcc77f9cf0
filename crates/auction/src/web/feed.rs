//! The live feed of a session as Server-Sent Events. A client resumes after the last event it
//! saw (`Last-Event-ID`, or `?after=`) without gaps; events are compact JSON numbered by the
//! session. A client that falls behind the bounded buffer is not buffered for: it gets one
//! `snapshot` of every lot's standing (coalesced per lot) and carries on from there, and after
//! falling behind three times it is cut off (its browser reconnects and resumes).

use crate::domain::engine::Numbered;
use crate::runtime::SharedHall;
use anjungan_kernel::web::{AppState, WebResult};
use axum::extract::{Path, Query, State as St};
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Extension;
use futures_util::stream::{self, Stream, StreamExt};
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/lelang/sesi/{id}/feed", get(feed))
        .route("/api/v1/auction/sessions/{id}/feed", get(feed))
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct FeedQuery {
    pub after: Option<u64>,
}

/// How many times a client may fall behind before it is cut off.
const MAX_LAGS: u32 = 3;

fn event(n: &Numbered) -> SseEvent {
    let data = serde_json::to_string(n).unwrap_or_default();
    let kind = data
        .split("\"e\":\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or("event")
        .to_string();
    SseEvent::default()
        .id(n.n.to_string())
        .event(kind)
        .data(data)
}

fn snapshot_event(state: &crate::domain::engine::Session, last: u64) -> SseEvent {
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
    SseEvent::default()
        .id(last.to_string())
        .event("snapshot")
        .data(serde_json::json!({"n": last, "lots": lots}).to_string())
}

async fn feed(
    St(state): St<AppState>,
    Extension(hall): Extension<SharedHall>,
    Path(id): Path<i64>,
    Query(q): Query<FeedQuery>,
    headers: HeaderMap,
) -> WebResult<Response> {
    // The session must exist; a closed one still serves its history.
    crate::store::sessions::get(&state.db, id).await?;
    let live = hall.live(id).await?;
    let after = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .or(q.after)
        .unwrap_or(0);
    // Subscribe before reading the backlog, then skip what the backlog already gave.
    let rx = live.subscribe();
    let (backlog, last): (Vec<SseEvent>, u64) = match live.events_after(after) {
        Some(events) => {
            let last = events.last().map(|e| e.n).unwrap_or(after);
            (events.iter().map(|e| event(e)).collect(), last)
        }
        None => {
            let (ev, last) = live.with(|s| (snapshot_event(s, s.last_event), s.last_event));
            (vec![ev], last)
        }
    };
    let live2 = live.clone();
    let tail = stream::unfold(
        (rx, 0u32, false, last),
        move |(mut rx, mut lags, done, mut last)| {
            let live = live2.clone();
            async move {
                if done {
                    return None;
                }
                loop {
                    match rx.recv().await {
                        Ok(e) => {
                            if e.n <= last {
                                continue;
                            }
                            last = e.n;
                            return Some((Some(event(&e)), (rx, lags, false, last)));
                        }
                        Err(RecvError::Lagged(_)) => {
                            lags += 1;
                            let (ev, n) =
                                live.with(|s| (snapshot_event(s, s.last_event), s.last_event));
                            last = n;
                            // Cut off a client that keeps falling behind.
                            let cut = lags >= MAX_LAGS;
                            return Some((Some(ev), (rx, lags, cut, last)));
                        }
                        Err(RecvError::Closed) => return None,
                    }
                }
            }
        },
    )
    .filter_map(|e| async move { e });
    let s: std::pin::Pin<Box<dyn Stream<Item = Result<SseEvent, Infallible>> + Send>> =
        Box::pin(stream::iter(backlog).chain(tail).map(Ok));
    Ok(Sse::new(s)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response())
}

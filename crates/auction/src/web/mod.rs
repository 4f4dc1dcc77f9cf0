//! Lion on the web: sessions and prices under `/lelang`, the bidding page with its live feed,
//! the port staff's console under `/lelang/kelola`, and the JSON API.

mod api;
mod console;
mod feed;
mod ports;
mod public;
mod reports;
mod settlement;
mod view;

use crate::domain::AuctionError;
use crate::store::StoreError;
use anjungan_kernel::web::{AppError, AppState, Ctx};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(public::routes())
        .merge(console::routes())
        .merge(feed::routes())
        .merge(settlement::routes())
        .merge(reports::routes())
        .merge(ports::routes())
        .merge(api::routes())
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Auction(d) => d.into(),
            StoreError::Kernel(k) => k.into(),
        }
    }
}

pub(crate) fn status_of(e: &AuctionError) -> StatusCode {
    use AuctionError as E;
    match e {
        E::NotFound | E::NoSuchLot => StatusCode::NOT_FOUND,
        E::Forbidden => StatusCode::FORBIDDEN,
        E::Busy => StatusCode::SERVICE_UNAVAILABLE,
        E::NotOpen
        | E::Paused
        | E::NotPaused
        | E::AlreadyOpen
        | E::SessionOver
        | E::LotNotOpen
        | E::LotOver
        | E::DuplicateLot
        | E::LotTaken
        | E::PortBusy
        | E::AlreadyRegistered
        | E::AlreadyPaid
        | E::AlreadyLeading
        | E::TooFewBuyers { .. }
        | E::NoLots => StatusCode::CONFLICT,
        E::NotAdmitted | E::Blocked | E::ExposureExceeded { .. } => StatusCode::FORBIDDEN,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

impl From<AuctionError> for AppError {
    fn from(e: AuctionError) -> Self {
        let err = AppError::new(status_of(&e), e.message_key());
        match e {
            AuctionError::BidTooLow { minimum } => {
                err.with("minimum", crate::domain::catalogue::format_rupiah(minimum))
            }
            AuctionError::MaxNotHigher { current } => {
                err.with("current", crate::domain::catalogue::format_rupiah(current))
            }
            AuctionError::ExposureExceeded { limit, would_be } => err
                .with("limit", crate::domain::catalogue::format_rupiah(limit))
                .with(
                    "would_be",
                    crate::domain::catalogue::format_rupiah(would_be),
                ),
            AuctionError::TooFewBuyers { have, need } => err
                .with("have", have.to_string())
                .with("need", need.to_string()),
            _ => err,
        }
    }
}

/// A refused command as the API answers it: an RFC 9457 problem (`code` the stable message
/// key, `detail` the translated message) whose amounts are also members of their own, as
/// numbers, so a client need not read them out of the translated text — a bid too low carries
/// `minimum`, a new maximum not above the old one `current`, a bid or stop over the limit
/// `limit` and `would_be`.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = auction::Refusal)]
pub(crate) struct Refusal {
    #[serde(rename = "type")]
    #[schema(example = "about:blank")]
    kind: &'static str,
    title: &'static str,
    status: u16,
    /// The translated message.
    detail: String,
    /// The stable code, e.g. `auction.error.bid_too_low`.
    #[schema(example = "auction.error.bid_too_low")]
    code: &'static str,
    instance: String,
    /// `bid_too_low`: the lowest bid the lot accepts now, rupiah per kg.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = 30500, nullable = false)]
    minimum: Option<i64>,
    /// `max_not_higher`: the bidder's current maximum, rupiah per kg.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    current: Option<i64>,
    /// `exposure`: the buyer's limit (deposit + credit), rupiah.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    limit: Option<i64>,
    /// `exposure`: what the buyer would owe, levy included, had the command been accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    would_be: Option<i64>,
}

impl Refusal {
    pub(crate) fn new(ctx: &Ctx, instance: &str, e: &AuctionError) -> Refusal {
        let status = status_of(e);
        let (mut minimum, mut current, mut limit, mut would_be) = (None, None, None, None);
        match *e {
            AuctionError::BidTooLow { minimum: m } => minimum = Some(m),
            AuctionError::MaxNotHigher { current: c } => current = Some(c),
            AuctionError::ExposureExceeded {
                limit: l,
                would_be: w,
            } => (limit, would_be) = (Some(l), Some(w)),
            _ => {}
        }
        Refusal {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail: AppError::from(e.clone()).message(ctx.tr()),
            code: e.message_key(),
            instance: instance.to_string(),
            minimum,
            current,
            limit,
            would_be,
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
        let mut r = (status, axum::Json(self)).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        r
    }
}

/// The API's answer to a use case that failed: a refusal of the auction's rules as a
/// [`Refusal`] with its amounts, anything else as the kernel renders it.
pub(crate) fn api_error(ctx: &Ctx, instance: &str, e: StoreError) -> Response {
    match e {
        StoreError::Auction(a) => Refusal::new(ctx, instance, &a).into_response(),
        other => AppError::from(other).into_response(),
    }
}

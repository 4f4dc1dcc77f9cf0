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
use anjungan_kernel::web::{AppError, AppState};
use axum::http::StatusCode;
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

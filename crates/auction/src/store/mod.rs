//! Lion's SQL: ports, species, fishers and buyers; lots; sessions with their journal and the
//! tables the journal's events project onto (lot standings, sales).

pub mod catalogue;
pub mod lots;
pub mod reports;
pub mod sessions;
pub mod settlement;

use crate::domain::AuctionError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Auction(#[from] AuctionError),
    #[error(transparent)]
    Kernel(#[from] anjungan_kernel::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Kernel(e.into())
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Today in WIB as `YYYY-MM-DD`, the day a session belongs to.
pub fn today() -> String {
    day_of(anjungan_kernel::clock::now_ms())
}

pub fn day_of(ms: i64) -> String {
    let d = anjungan_kernel::clock::to_wib(ms).date();
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

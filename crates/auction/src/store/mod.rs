//! Lion's SQL: ports, species, fishers and buyers; lots; sessions with their journal and the
//! tables the journal's events project onto (lot standings, sales).

pub mod catalogue;
pub mod lots;
pub mod reports;
pub mod sessions;
pub mod settlement;

pub use crate::error::{Result, StoreError};

/// Today in WIB as `YYYY-MM-DD`, the day a session belongs to.
pub fn today() -> String {
    day_of(anjungan_kernel::clock::now_ms())
}

pub fn day_of(ms: i64) -> String {
    let d = anjungan_kernel::clock::to_wib(ms).date();
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

//! Survey SQL, one file per aggregate: units, responses with their daily rollups, tallies (the
//! index, segments, exports), served counts, invitations, and follow-up (extra questions and
//! actions). Aggregates read the rollups; segments read the raw rows.

mod followup;
mod invitations;
mod responses;
mod served;
mod tallies;
mod units;

pub use crate::domain::segment::Segment;
pub use crate::error::{Result, StoreError};
pub use followup::*;
pub use invitations::*;
pub use responses::*;
pub use served::*;
pub use tallies::*;
pub use units::*;

use crate::domain::Period;
use anjungan_kernel::clock::{DAY, HOUR, Millis};

/// WIB calendar day number (days since 1970-01-01 in UTC+7).
pub fn wib_day(ms: Millis) -> i64 {
    (ms + 7 * HOUR).div_euclid(DAY)
}

fn day_range(period: &Period) -> (i64, i64) {
    let (s, e) = period.bounds();
    (wib_day(s), wib_day(e))
}

//! Time is the server's: milliseconds since the Unix epoch, UTC, everywhere in storage.

use time::{OffsetDateTime, UtcOffset};

/// Milliseconds since the Unix epoch, as stored in every `BIGINT` timestamp column.
pub type Millis = i64;

pub const SECOND: Millis = 1_000;
pub const MINUTE: Millis = 60 * SECOND;
pub const HOUR: Millis = 60 * MINUTE;
pub const DAY: Millis = 24 * HOUR;

/// Western Indonesia Time (WIB, Asia/Jakarta) has been UTC+7 without daylight saving since 1964.
pub const WIB: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(o) => o,
    Err(_) => panic!("valid offset"),
};

pub fn now_ms() -> Millis {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as Millis
}

/// The server's clock as the application reads it: the system clock, which tests may move
/// forward to see a limit's window pass. Cheap to clone; clones share the offset.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

impl Clock {
    pub fn now_ms(&self) -> Millis {
        now_ms() + self.offset.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How far this clock was moved forward.
    pub fn offset(&self) -> Millis {
        self.offset.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Moves this clock forward (tests only have a use for it).
    pub fn advance(&self, by: Millis) {
        self.offset
            .fetch_add(by, std::sync::atomic::Ordering::Relaxed);
    }
}

/// The instant as a date-time in WIB; out-of-range values clamp to the epoch.
pub fn to_wib(ms: Millis) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(WIB)
}

/// RFC 3339 with the WIB offset, e.g. `2020-12-14T08:00:00+07:00`.
pub fn rfc3339_wib(ms: Millis) -> String {
    to_wib(ms)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

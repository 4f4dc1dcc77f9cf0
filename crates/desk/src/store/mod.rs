//! Petung Dadi's SQL. Personal data is sealed with the kernel's keys before it reaches a row and
//! opened only for the staff of the unit; lookups go through keyed blind indexes.

pub mod admin;
pub mod letters;
pub mod requests;
pub mod residents;
pub mod services;

use crate::domain::Calendar;
use anjungan_kernel::Db;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

pub use crate::error::{Result, StoreError};

/// ISO date text as stored.
pub(crate) fn iso(d: time::Date) -> String {
    d.format(time::macros::format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

pub(crate) fn parse_iso(s: &str) -> Option<time::Date> {
    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

/// Today in WIB.
pub fn today() -> time::Date {
    anjungan_kernel::clock::to_wib(anjungan_kernel::clock::now_ms()).date()
}

/// The holiday calendar, cached for a minute per database (holidays change a few times a year;
/// an edit on this node clears the cache at once). A poisoned lock is recovered: entries are
/// written whole, so the map stays consistent.
static CALENDAR: OnceLock<Mutex<HashMap<u64, (i64, Calendar)>>> = OnceLock::new();

pub async fn calendar(db: &Db) -> Result<Calendar> {
    let now = anjungan_kernel::clock::now_ms();
    let cell = CALENDAR.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some((at, cal)) = cell
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get(&db.instance)
        && now - at < anjungan_kernel::clock::MINUTE
    {
        return Ok(cal.clone());
    }
    let days: Vec<String> = sqlx::query_scalar("SELECT day FROM desk_holidays")
        .fetch_all(&db.pool)
        .await?;
    let cal = Calendar::new(days.iter().filter_map(|d| parse_iso(d)));
    cell.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(db.instance, (now, cal.clone()));
    Ok(cal)
}

pub(crate) fn forget_calendar(db: &Db) {
    if let Some(cell) = CALENDAR.get() {
        cell.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&db.instance);
    }
}

//! Rules of the agenda shared by its page and every export (iCalendar, Frab JSON and XML).

use anjungan_kernel::clock::Millis;

/// Agenda times are kept to the minute: a session entered as 09:00:30.250 is 09:00, so the page,
/// the calendar and the schedule files all say the same time, without seconds or milliseconds.
pub fn whole_minute(ms: Millis) -> Millis {
    ms - ms.rem_euclid(60_000)
}

/// The dates an edition runs, first to last, from its `YYYY-MM-DD` bounds; empty when they do not
/// parse or are in the wrong order (the exports then list the days that have sessions).
pub fn edition_days(starts_on: &str, ends_on: &str) -> Vec<time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let (Ok(first), Ok(last)) = (
        time::Date::parse(starts_on.trim(), &format),
        time::Date::parse(ends_on.trim(), &format),
    ) else {
        return Vec::new();
    };
    let mut days = Vec::new();
    let mut d = first;
    // An edition lasts days, not years: a typo in a year must not list thousands of days.
    while d <= last && days.len() < 31 {
        days.push(d);
        match d.next_day() {
            Some(n) => d = n,
            None => break,
        }
    }
    days
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_whole_minutes() {
        assert_eq!(whole_minute(1_607_907_630_250), 1_607_907_600_000);
        assert_eq!(whole_minute(1_607_907_600_000), 1_607_907_600_000);
    }

    #[test]
    fn every_day_of_an_edition_is_listed() {
        let days = edition_days("2026-12-30", "2027-01-01");
        assert_eq!(
            days.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
            ["2026-12-30", "2026-12-31", "2027-01-01"]
        );
        assert!(edition_days("2026-12-02", "2026-12-01").is_empty());
        assert!(edition_days("kemarin", "2026-12-01").is_empty());
        assert_eq!(edition_days("2026-01-01", "2099-01-01").len(), 31);
    }
}

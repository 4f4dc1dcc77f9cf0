//! Working days (*hari kerja*): Monday to Friday, minus national holidays and collective leave,
//! which the government fixes every year — so the holidays are data, edited per year.
//! Dates are WIB calendar dates.

use std::collections::BTreeSet;
use time::{Date, Month, Weekday};

/// Holidays fixed by date every year; the moveable ones (Idul Fitri, Nyepi, Waisak …) and
/// collective leave are entered per year by an admin.
pub const FIXED_NATIONAL_HOLIDAYS: [(Month, u8, &str); 5] = [
    (Month::January, 1, "Tahun Baru Masehi"),
    (Month::May, 1, "Hari Buruh Internasional"),
    (Month::June, 1, "Hari Lahir Pancasila"),
    (Month::August, 17, "Hari Kemerdekaan Republik Indonesia"),
    (Month::December, 25, "Hari Raya Natal"),
];

/// The fixed national holidays of one year, for seeding.
pub fn fixed_holidays(year: i32) -> Vec<(Date, &'static str)> {
    FIXED_NATIONAL_HOLIDAYS
        .iter()
        .filter_map(|(m, d, name)| {
            Date::from_calendar_date(year, *m, *d)
                .ok()
                .map(|date| (date, *name))
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayKind {
    National,
    CollectiveLeave,
}

impl HolidayKind {
    pub fn code(self) -> &'static str {
        match self {
            HolidayKind::National => "national",
            HolidayKind::CollectiveLeave => "collective_leave",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "national" => Some(HolidayKind::National),
            "collective_leave" => Some(HolidayKind::CollectiveLeave),
            _ => None,
        }
    }
}

/// The set of non-working weekdays.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    holidays: BTreeSet<Date>,
}

impl Calendar {
    pub fn new(holidays: impl IntoIterator<Item = Date>) -> Self {
        Self {
            holidays: holidays.into_iter().collect(),
        }
    }

    pub fn is_working_day(&self, d: Date) -> bool {
        !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) && !self.holidays.contains(&d)
    }

    /// The `n`th working day after `start` (the day of submission does not count). With `n == 0`,
    /// `start` itself if it is a working day, else the next one.
    /// (Dates stay far from the end of time; past it the answer is the last date there is.)
    pub fn add_working_days(&self, start: Date, n: u32) -> Date {
        let found = match n.checked_sub(1) {
            None => days_from(Some(start)).find(|d| self.is_working_day(*d)),
            Some(skip) => days_from(start.next_day())
                .filter(|d| self.is_working_day(*d))
                .nth(skip as usize),
        };
        found.unwrap_or(Date::MAX)
    }

    /// Working days in `(from, to]`: how many working days passed from one date to a later one.
    /// Zero when `to` is not after `from`.
    pub fn working_days_between(&self, from: Date, to: Date) -> u32 {
        days_from(from.next_day())
            .take_while(|d| *d <= to)
            .filter(|d| self.is_working_day(*d))
            .count() as u32
    }
}

/// `first` and every date after it, to the end of time.
fn days_from(first: Option<Date>) -> impl Iterator<Item = Date> {
    std::iter::successors(first, |d| d.next_day())
}

/// The SLA clock of one request: due date from the service's completion time, pushed back by
/// the working days it spent returned to the citizen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaClock {
    pub submitted_on: Date,
    pub days: u32,
    /// Working days spent paused, over all pauses that have ended.
    pub paused_days: u32,
    /// The day the current pause began, if the request is waiting for the citizen.
    pub paused_since: Option<Date>,
}

impl SlaClock {
    pub fn start(submitted_on: Date, days: u32) -> Self {
        Self {
            submitted_on,
            days,
            paused_days: 0,
            paused_since: None,
        }
    }

    pub fn due(&self, cal: &Calendar) -> Date {
        cal.add_working_days(self.submitted_on, self.days + self.paused_days)
    }

    /// Pauses the clock (returned for correction). Pausing twice keeps the first day.
    pub fn pause(&mut self, on: Date) {
        if self.paused_since.is_none() {
            self.paused_since = Some(on);
        }
    }

    /// Resumes the clock (the citizen answered): the working days waited are added.
    pub fn resume(&mut self, cal: &Calendar, on: Date) {
        if let Some(since) = self.paused_since.take() {
            self.paused_days += cal.working_days_between(since, on);
        }
    }

    /// Whether completion on `done_on` met the due date.
    pub fn on_time(&self, cal: &Calendar, done_on: Date) -> bool {
        done_on <= self.due(cal)
    }
}

/// The years a holiday calendar may be kept for: SLAs are counted in them, and a mistyped year
/// (0, 20260) would silently never apply.
pub const CALENDAR_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// A holiday's date, if it falls in [`CALENDAR_YEARS`].
pub fn holiday_date(d: time::Date) -> Option<time::Date> {
    CALENDAR_YEARS.contains(&d.year()).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holidays_are_kept_for_real_years_only() {
        use time::macros::date;
        assert!(holiday_date(date!(2026 - 12 - 25)).is_some());
        assert!(holiday_date(date!(0000 - 01 - 01)).is_none());
        assert!(holiday_date(date!(1999 - 12 - 31)).is_none());
        assert!(holiday_date(date!(2101 - 01 - 01)).is_none());
    }
    use proptest::prelude::*;
    use time::macros::date;

    fn cal() -> Calendar {
        let mut days: Vec<Date> = fixed_holidays(2026).into_iter().map(|(d, _)| d).collect();
        days.extend(fixed_holidays(2027).into_iter().map(|(d, _)| d));
        // Collective leave around Christmas 2026 (data, as an admin would enter it).
        days.push(date!(2026 - 12 - 24));
        Calendar::new(days)
    }

    #[test]
    fn weekends_do_not_count() {
        let c = Calendar::default();
        // Friday 2026-11-27 + 1 working day = Monday 30th.
        assert_eq!(
            c.add_working_days(date!(2026 - 11 - 27), 1),
            date!(2026 - 11 - 30)
        );
        // Submitted on Saturday: counting starts Monday.
        assert_eq!(
            c.add_working_days(date!(2026 - 11 - 28), 1),
            date!(2026 - 11 - 30)
        );
        assert_eq!(
            c.add_working_days(date!(2026 - 11 - 28), 0),
            date!(2026 - 11 - 30)
        );
        assert_eq!(
            c.add_working_days(date!(2026 - 11 - 30), 0),
            date!(2026 - 11 - 30)
        );
        // Monday + 5 = next Monday.
        assert_eq!(
            c.add_working_days(date!(2026 - 11 - 30), 5),
            date!(2026 - 12 - 07)
        );
    }

    #[test]
    fn holidays_and_collective_leave_across_the_year_end() {
        let c = cal();
        // Wed 23 Dec 2026 + 3: 24 (leave), 25 (Christmas), 26–27 weekend → 28, 29, 30.
        assert_eq!(
            c.add_working_days(date!(2026 - 12 - 23), 3),
            date!(2026 - 12 - 30)
        );
        // Wed 30 Dec + 2: 31 Dec, 1 Jan holiday, 2–3 weekend → Mon 4 Jan 2027.
        assert_eq!(
            c.add_working_days(date!(2026 - 12 - 30), 2),
            date!(2027 - 01 - 04)
        );
        assert!(!c.is_working_day(date!(2027 - 08 - 17)));
        assert_eq!(
            c.working_days_between(date!(2026 - 12 - 23), date!(2027 - 01 - 04)),
            5
        );
        assert_eq!(
            c.working_days_between(date!(2027 - 01 - 04), date!(2026 - 12 - 23)),
            0
        );
    }

    #[test]
    fn a_pause_pushes_the_due_date_by_the_working_days_waited() {
        let c = cal();
        // Monday 2 Nov 2026, five working days: due Monday 9 Nov.
        let mut clock = SlaClock::start(date!(2026 - 11 - 02), 5);
        assert_eq!(clock.due(&c), date!(2026 - 11 - 09));
        // Returned on Tuesday 3rd, answered on Friday 6th: three working days waited.
        clock.pause(date!(2026 - 11 - 03));
        clock.pause(date!(2026 - 11 - 04));
        clock.resume(&c, date!(2026 - 11 - 06));
        assert_eq!(clock.paused_days, 3);
        assert_eq!(clock.due(&c), date!(2026 - 11 - 12));
        // A pause over a weekend costs nothing for the weekend.
        clock.pause(date!(2026 - 11 - 06));
        clock.resume(&c, date!(2026 - 11 - 09));
        assert_eq!(clock.paused_days, 4);
        assert!(clock.on_time(&c, date!(2026 - 11 - 13)));
        assert!(!clock.on_time(&c, date!(2026 - 11 - 16)));
        // Resuming a clock that is not paused changes nothing.
        clock.resume(&c, date!(2026 - 11 - 20));
        assert_eq!(clock.paused_days, 4);
    }

    proptest! {
        #[test]
        fn adding_then_counting_agrees(offset in 0i64..800, n in 1u32..60) {
            let c = cal();
            let start = date!(2026 - 01 - 01) + time::Duration::days(offset);
            let due = c.add_working_days(start, n);
            prop_assert!(c.is_working_day(due));
            prop_assert_eq!(c.working_days_between(start, due), n);
        }
    }
}

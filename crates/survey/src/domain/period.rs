//! Survey periods: quarter, semester, year or a custom range of dates, in WIB.

use anjungan_kernel::clock::{Millis, WIB};
use time::{Date, Month, PrimitiveDateTime, Time};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Quarter {
        year: i32,
        q: u8,
    },
    Semester {
        year: i32,
        h: u8,
    },
    Year {
        year: i32,
    },
    /// Both dates included.
    Custom {
        from: Date,
        to: Date,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("period must look like 2025, 2025-S1, 2025-Q3 or 2025-01-01..2025-03-31")]
    Malformed,
    #[error("the period ends before it starts")]
    Reversed,
}

pub(super) fn parse_date(s: &str) -> Result<Date, PeriodError> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), &fmt).map_err(|_| PeriodError::Malformed)
}

fn start_of(d: Date) -> Millis {
    let t = PrimitiveDateTime::new(d, Time::MIDNIGHT).assume_offset(WIB);
    (t.unix_timestamp_nanos() / 1_000_000) as Millis
}

fn year_ok(y: i32) -> Result<i32, PeriodError> {
    if (2000..=2100).contains(&y) {
        Ok(y)
    } else {
        Err(PeriodError::Malformed)
    }
}

impl Period {
    pub fn parse(key: &str) -> Result<Self, PeriodError> {
        let key = key.trim();
        if let Some((a, b)) = key.split_once("..") {
            let (from, to) = (parse_date(a)?, parse_date(b)?);
            year_ok(from.year())?;
            year_ok(to.year())?;
            if to < from {
                return Err(PeriodError::Reversed);
            }
            return Ok(Period::Custom { from, to });
        }
        let (y, rest) = match key.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (key, None),
        };
        let year = year_ok(y.parse().map_err(|_| PeriodError::Malformed)?)?;
        match rest {
            None => Ok(Period::Year { year }),
            Some(r) if r.len() == 2 && (r.starts_with('Q') || r.starts_with('q')) => {
                match r[1..].parse::<u8>() {
                    Ok(q @ 1..=4) => Ok(Period::Quarter { year, q }),
                    _ => Err(PeriodError::Malformed),
                }
            }
            Some(r) if r.len() == 2 && (r.starts_with('S') || r.starts_with('s')) => {
                match r[1..].parse::<u8>() {
                    Ok(h @ 1..=2) => Ok(Period::Semester { year, h }),
                    _ => Err(PeriodError::Malformed),
                }
            }
            _ => Err(PeriodError::Malformed),
        }
    }

    pub fn key(&self) -> String {
        match self {
            Period::Quarter { year, q } => format!("{year}-Q{q}"),
            Period::Semester { year, h } => format!("{year}-S{h}"),
            Period::Year { year } => format!("{year}"),
            Period::Custom { from, to } => format!("{from}..{to}"),
        }
    }

    fn first_and_last(&self) -> (Date, Date) {
        // `parse` admits only quarters 1–4, semesters 1–2 and years 2000–2100, and `previous`
        // keeps them so; a date out of range saturates to the earliest one rather than panicking.
        let d = |y: i32, m: u8, day: u8| {
            Month::try_from(m)
                .and_then(|m| Date::from_calendar_date(y, m, day))
                .unwrap_or(Date::MIN)
        };
        let end_of = |y: i32, m: u8| {
            let next = if m == 12 {
                d(y + 1, 1, 1)
            } else {
                d(y, m + 1, 1)
            };
            next.previous_day().unwrap_or(next)
        };
        match *self {
            Period::Quarter { year, q } => (d(year, 3 * q - 2, 1), end_of(year, 3 * q)),
            Period::Semester { year, h } => (d(year, 6 * h - 5, 1), end_of(year, 6 * h)),
            Period::Year { year } => (d(year, 1, 1), d(year, 12, 31)),
            Period::Custom { from, to } => (from, to),
        }
    }

    /// `[start, end)` in milliseconds, midnight to midnight WIB.
    pub fn bounds(&self) -> (Millis, Millis) {
        let (first, last) = self.first_and_last();
        (start_of(first), start_of(last.next_day().unwrap_or(last)))
    }

    /// The same kind of period just before this one (custom: the same length, ending the day before).
    pub fn previous(&self) -> Period {
        match *self {
            Period::Quarter { year, q: 1 } => Period::Quarter {
                year: year - 1,
                q: 4,
            },
            Period::Quarter { year, q } => Period::Quarter { year, q: q - 1 },
            Period::Semester { year, h: 1 } => Period::Semester {
                year: year - 1,
                h: 2,
            },
            Period::Semester { year, .. } => Period::Semester { year, h: 1 },
            Period::Year { year } => Period::Year { year: year - 1 },
            Period::Custom { from, to } => {
                let len = to - from;
                let new_to = from.previous_day().unwrap_or(from);
                Period::Custom {
                    from: new_to - len,
                    to: new_to,
                }
            }
        }
    }

    /// The quarter containing `ms`.
    pub fn quarter_of(ms: Millis) -> Period {
        let d = anjungan_kernel::clock::to_wib(ms);
        Period::Quarter {
            year: d.year(),
            q: (d.month() as u8 - 1) / 3 + 1,
        }
    }

    pub fn year_of(ms: Millis) -> Period {
        Period::Year {
            year: anjungan_kernel::clock::to_wib(ms).year(),
        }
    }

    /// `Triwulan III 2025` / `Q3 2025` via locale keys `survey.period.*`.
    pub fn label(&self, tr: impl std::borrow::Borrow<anjungan_kernel::i18n::Tr>) -> String {
        let tr = *tr.borrow();
        let roman = |n: u8| ["I", "II", "III", "IV"][(n - 1) as usize];
        match *self {
            Period::Quarter { year, q } => tr.f(
                "survey.periods.quarter",
                &[("n", roman(q)), ("year", &year.to_string())],
            ),
            Period::Semester { year, h } => tr.f(
                "survey.periods.semester",
                &[("n", roman(h)), ("year", &year.to_string())],
            ),
            Period::Year { year } => year.to_string(),
            Period::Custom { from, to } => format!("{from} – {to}"),
        }
    }

    /// The four quarters of the year before and including this period's end, oldest first,
    /// for trend charts.
    pub fn trailing_quarters(ms_end: Millis, n: usize) -> Vec<Period> {
        let mut p = Period::quarter_of(ms_end - 1);
        let mut out = vec![p];
        while out.len() < n {
            p = p.previous();
            out.push(p);
        }
        out.reverse();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_keys() {
        for key in [
            "2025",
            "2025-Q1",
            "2025-Q4",
            "2025-S2",
            "2025-01-01..2025-03-31",
        ] {
            assert_eq!(Period::parse(key).unwrap().key(), key);
        }
        for bad in [
            "",
            "25",
            "2025-Q5",
            "2025-S3",
            "2025-X1",
            "2025-03-31..2025-01-01",
            "1800",
            "2025-02-30..2025-03-01",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bounds_are_midnight_wib() {
        let (s, e) = Period::parse("2025-Q1").unwrap().bounds();
        // 2025-01-01 00:00 WIB = 2024-12-31 17:00 UTC
        assert_eq!(s, 1_735_664_400_000);
        // Ends at 2025-04-01 00:00 WIB, 90 days later.
        assert_eq!(e - s, 90 * 86_400_000);
        let (s2, e2) = Period::parse("2025-01-01..2025-03-31").unwrap().bounds();
        assert_eq!((s2, e2), (s, e));
        let (ys, ye) = Period::parse("2024").unwrap().bounds();
        assert_eq!(ye - ys, 366 * 86_400_000, "leap year");
    }

    #[test]
    fn previous_periods() {
        assert_eq!(
            Period::parse("2025-Q1").unwrap().previous().key(),
            "2024-Q4"
        );
        assert_eq!(
            Period::parse("2025-S2").unwrap().previous().key(),
            "2025-S1"
        );
        assert_eq!(Period::parse("2025").unwrap().previous().key(), "2024");
        assert_eq!(
            Period::parse("2025-02-01..2025-02-10")
                .unwrap()
                .previous()
                .key(),
            "2025-01-22..2025-01-31"
        );
    }

    #[test]
    fn quarter_of_uses_wib() {
        // 2025-03-31 18:00 UTC is already 1 April in Trenggalek.
        let ms = 1_743_444_000_000;
        assert_eq!(Period::quarter_of(ms).key(), "2025-Q2");
        let qs: Vec<String> = Period::trailing_quarters(ms, 4)
            .iter()
            .map(|p| p.key())
            .collect();
        assert_eq!(qs, vec!["2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2"]);
    }
}

//! Service-level figures for a unit or a service: on-time share, open overdue requests (counted,
//! never hidden), median and p90 completion time in working days, volume by channel.

use super::calendar::{Calendar, SlaClock};
use std::collections::BTreeMap;
use time::Date;

/// One request as the dashboard sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    pub clock: SlaClock,
    pub channel: String,
    /// The day the letter was issued (or the service rendered), if it was.
    pub completed_on: Option<Date>,
    /// Still on the unit's desk (not completed, rejected or cancelled).
    pub open: bool,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = desk::Figures)]
pub struct Figures {
    pub total: u64,
    pub completed: u64,
    /// Share of completed requests finished by their due date, 0–100; `None` before any.
    pub on_time_pct: Option<f64>,
    pub open: u64,
    pub open_overdue: u64,
    /// Working days from submission to completion, pauses excluded.
    pub median_days: Option<f64>,
    pub p90_days: Option<f64>,
    pub by_channel: BTreeMap<String, u64>,
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[u32], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    Some(sorted[rank.min(sorted.len()) - 1] as f64)
}

fn median(sorted: &[u32]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2] as f64),
        _ => Some((sorted[n / 2 - 1] as f64 + sorted[n / 2] as f64) / 2.0),
    }
}

pub fn figures(cal: &Calendar, today: Date, samples: &[Sample]) -> Figures {
    let mut f = Figures::default();
    let mut durations = Vec::new();
    let mut on_time = 0u64;
    for s in samples {
        f.total += 1;
        *f.by_channel.entry(s.channel.clone()).or_default() += 1;
        if let Some(done) = s.completed_on {
            f.completed += 1;
            if s.clock.on_time(cal, done) {
                on_time += 1;
            }
            let worked = cal
                .working_days_between(s.clock.submitted_on, done)
                .saturating_sub(s.clock.paused_days);
            durations.push(worked);
        } else if s.open {
            f.open += 1;
            // A returned request waits for the citizen: its clock is paused, it is not overdue.
            if s.clock.paused_since.is_none() && today > s.clock.due(cal) {
                f.open_overdue += 1;
            }
        }
    }
    durations.sort_unstable();
    if f.completed > 0 {
        f.on_time_pct = Some((on_time as f64 * 1000.0 / f.completed as f64).round() / 10.0);
    }
    f.median_days = median(&durations);
    f.p90_days = percentile(&durations, 90.0);
    f
}

/// Whether a reminder is due: the request is open, not paused, and falls due within `lead`
/// working days (or already has).
pub fn needs_reminder(cal: &Calendar, today: Date, clock: &SlaClock, lead: u32) -> bool {
    clock.paused_since.is_none() && cal.add_working_days(today, lead) >= clock.due(cal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn sample(submitted: Date, days: u32, done: Option<Date>, channel: &str) -> Sample {
        Sample {
            clock: SlaClock::start(submitted, days),
            channel: channel.into(),
            completed_on: done,
            open: done.is_none(),
        }
    }

    #[test]
    fn on_time_overdue_median_p90() {
        let cal = Calendar::default();
        let mon = date!(2026 - 11 - 02);
        let mut s = vec![
            // Done in 1, 2, 3, 4 and 7 working days against a 5-day standard.
            sample(mon, 5, Some(date!(2026 - 11 - 03)), "web"),
            sample(mon, 5, Some(date!(2026 - 11 - 04)), "web"),
            sample(mon, 5, Some(date!(2026 - 11 - 05)), "phone"),
            sample(mon, 5, Some(date!(2026 - 11 - 06)), "whatsapp"),
            sample(mon, 5, Some(date!(2026 - 11 - 11)), "counter"),
            // Open and overdue on the 20th; open and not yet due; paused (not overdue).
            sample(mon, 5, None, "web"),
            sample(date!(2026 - 11 - 19), 5, None, "web"),
        ];
        let mut paused = sample(mon, 5, None, "web");
        paused.clock.pause(date!(2026 - 11 - 03));
        s.push(paused);
        // A rejected request counts in volume only.
        s.push(Sample {
            open: false,
            ..sample(mon, 5, None, "web")
        });
        let f = figures(&cal, date!(2026 - 11 - 20), &s);
        assert_eq!(f.total, 9);
        assert_eq!(f.completed, 5);
        assert_eq!(f.on_time_pct, Some(80.0));
        assert_eq!(f.open, 3);
        assert_eq!(f.open_overdue, 1);
        assert_eq!(f.median_days, Some(3.0));
        assert_eq!(f.p90_days, Some(7.0));
        assert_eq!(f.by_channel["web"], 6);
        assert_eq!(f.by_channel["counter"], 1);
    }

    #[test]
    fn nothing_yet() {
        let f = figures(&Calendar::default(), date!(2026 - 11 - 20), &[]);
        assert_eq!(f.on_time_pct, None);
        assert_eq!(f.median_days, None);
    }

    #[test]
    fn reminder_the_working_day_before() {
        let cal = Calendar::default();
        // Due Monday 9 November.
        let clock = SlaClock::start(date!(2026 - 11 - 02), 5);
        assert!(!needs_reminder(&cal, date!(2026 - 11 - 05), &clock, 1));
        assert!(needs_reminder(&cal, date!(2026 - 11 - 06), &clock, 1));
        assert!(needs_reminder(&cal, date!(2026 - 11 - 10), &clock, 1));
    }
}

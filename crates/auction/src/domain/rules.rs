//! A session's rules: the format, the increment ladder, the timers of soft close and of the
//! descending clock, and the minimum number of eligible buyers. Validated on parse so the
//! engine never meets a rule that could stall or loop.

use super::AuctionError;
use super::levy::LevyRules;
use serde::{Deserialize, Serialize};

/// Milliseconds since the Unix epoch (the server's clock).
pub type Millis = i64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = auction::Format)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Open ascending (*penawaran bertingkat*), with proxy maxima and soft close.
    Ascending,
    /// Descending clock (Dutch): the price per kg falls until a buyer stops it.
    Clock,
}

impl Format {
    pub fn code(self) -> &'static str {
        match self {
            Format::Ascending => "ascending",
            Format::Clock => "clock",
        }
    }

    pub fn label_key(self) -> String {
        format!("auction.format.{}", self.code())
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ascending" => Some(Format::Ascending),
            "clock" => Some(Format::Clock),
            _ => None,
        }
    }
}

/// One band of the increment ladder: below `below` rupiah per kg, bids rise by `step`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = auction::Band)]
pub struct Band {
    /// Exclusive upper bound of the band; `None` for the last band.
    pub below: Option<i64>,
    pub step: i64,
}

/// Increments by price level, as auctioneers call them: small steps for cheap fish, larger ones
/// for tuna. Steps never shrink as the price rises, so `p + step(p)` never falls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = auction::Ladder)]
pub struct Ladder {
    pub bands: Vec<Band>,
}

impl Ladder {
    pub fn standard() -> Ladder {
        Ladder {
            bands: vec![
                Band {
                    below: Some(10_000),
                    step: 100,
                },
                Band {
                    below: Some(50_000),
                    step: 250,
                },
                Band {
                    below: Some(100_000),
                    step: 500,
                },
                Band {
                    below: None,
                    step: 1_000,
                },
            ],
        }
    }

    pub fn step(&self, price: i64) -> i64 {
        self.bands
            .iter()
            .find(|b| b.below.is_none_or(|below| price < below))
            .map(|b| b.step)
            .unwrap_or(1)
    }

    fn validate(&self) -> Result<(), AuctionError> {
        let bad = AuctionError::BadRules("ladder");
        let Some(last) = self.bands.last() else {
            return Err(bad);
        };
        if last.below.is_some() || self.bands.len() > 20 {
            return Err(bad);
        }
        let mut prev_below = 0;
        let mut prev_step = 1;
        for (i, b) in self.bands.iter().enumerate() {
            if b.step < prev_step || b.step > 10_000_000 {
                return Err(bad);
            }
            if i + 1 < self.bands.len() {
                match b.below {
                    Some(below) if below > prev_below => prev_below = below,
                    _ => return Err(bad),
                }
            }
            prev_step = b.step;
        }
        Ok(())
    }
}

/// Everything that decides how a session runs. All durations in milliseconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = auction::Rules)]
pub struct Rules {
    pub format: Format,
    pub ladder: Ladder,
    /// Ascending: how long each lot stays open after the session opens.
    pub lot_duration_ms: i64,
    /// Ascending: lot *i* closes `i × stagger` after the first, so buyers can follow each.
    pub stagger_ms: i64,
    /// Soft close window W: a price-changing bid in the last W moves the end to now + W.
    pub soft_close_ms: i64,
    /// The hard end: no extension goes past the planned end plus this.
    pub max_extension_ms: i64,
    /// Clock: the price per kg falls by `clock_step` every `clock_interval_ms`.
    pub clock_step: i64,
    pub clock_interval_ms: i64,
    /// Clock: after a partial stop the clock restarts this many steps above the stop price.
    pub clock_restart_steps: i64,
    /// Clock: stops within this window after the first stop buy at the same price.
    pub grace_ms: i64,
    /// A session may not open with fewer eligible buyers (the port's rule; default 3).
    pub min_buyers: i64,
    /// The port's levy as it stood when the session was scheduled: its tickets are assessed by
    /// it, and what a buyer will owe for a purchase ([`Rules::owed`]) counts its buyer's side.
    /// Absent in sessions scheduled before the levy was part of the rules (nothing counted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub levy: Option<LevyRules>,
}

impl Rules {
    pub fn ascending() -> Rules {
        Rules {
            format: Format::Ascending,
            ladder: Ladder::standard(),
            lot_duration_ms: 5 * 60_000,
            stagger_ms: 30_000,
            soft_close_ms: 30_000,
            max_extension_ms: 10 * 60_000,
            clock_step: 250,
            clock_interval_ms: 1_000,
            clock_restart_steps: 4,
            grace_ms: 300,
            min_buyers: 3,
            levy: None,
        }
    }

    pub fn clock() -> Rules {
        Rules {
            format: Format::Clock,
            ..Rules::ascending()
        }
    }

    /// A session's rules at a port: the format's defaults with the port's minimum of eligible
    /// buyers (the port's levy is added when the session is scheduled, [`Rules::with_levy`]).
    pub fn for_port(format: Format, min_buyers: i64) -> Rules {
        let base = match format {
            Format::Ascending => Rules::ascending(),
            Format::Clock => Rules::clock(),
        };
        Rules { min_buyers, ..base }
    }

    /// These rules with the port's levy, as a session keeps it from the moment it is
    /// scheduled: its tickets and its buyers' exposure then agree, whatever the port changes
    /// later.
    pub fn with_levy(self, levy: LevyRules) -> Rules {
        Rules {
            levy: Some(levy),
            ..self
        }
    }

    /// The price per kg at which the clock restarts for a lot's remainder after a stop at
    /// `stopped`: `clock_restart_steps` steps higher, never above the lot's `start_price`.
    pub fn clock_restart_price(&self, stopped: i64, start_price: i64) -> i64 {
        stopped
            .saturating_add(self.clock_restart_steps.saturating_mul(self.clock_step))
            .min(start_price)
            .max(stopped)
    }

    /// The lowest bid an ascending lot accepts next: its start price before any bid, else one
    /// step above the standing price, the step taken at the standing price's level (a price
    /// exactly on a band's edge is in the band above it).
    pub fn minimum_bid(&self, start_price: i64, standing: Option<i64>) -> i64 {
        match standing {
            None => start_price,
            Some(p) => p.saturating_add(self.ladder.step(p)),
        }
    }

    /// The standing price when a bid of `amount` beats the leader's maximum `leader_max`: a
    /// straight bid pays its full amount; a proxy maximum pays one step over the leader's
    /// maximum (the step at that maximum's level), capped at its own amount, and never less
    /// than the lot's `minimum`.
    pub fn outbid_price(&self, leader_max: i64, amount: i64, proxy: bool, minimum: i64) -> i64 {
        if proxy {
            amount
                .min(leader_max.saturating_add(self.ladder.step(leader_max)))
                .max(minimum)
        } else {
            amount
        }
    }

    /// Whether a price-changing bid at `now` extends an ascending lot ending at `ends_at`:
    /// only strictly inside the last `soft_close_ms` (a bid exactly one window before the end
    /// does not), and then to `now + soft_close_ms`, never past `hard_end`.
    pub fn soft_close(&self, now: Millis, ends_at: Millis, hard_end: Millis) -> Millis {
        if ends_at - now < self.soft_close_ms {
            now.saturating_add(self.soft_close_ms)
                .min(hard_end)
                .max(ends_at)
        } else {
            ends_at
        }
    }

    /// What a buyer will owe for `grams` bought at `price_per_kg`: the value and the buyer's
    /// levy ([`LevyRules::buyer_owes`]). The one basis of exposure: a purchase of this session,
    /// the value at their maximum of a lot they lead, and the unpaid tickets of earlier
    /// sessions (`value + buyer_levy`) all count what the buyer will pay the cashier.
    pub fn owed(&self, price_per_kg: i64, grams: i64) -> i64 {
        let v = value(price_per_kg, grams);
        match &self.levy {
            Some(levy) => levy.buyer_owes(v, grams),
            None => v,
        }
    }

    pub fn validate(&self) -> Result<(), AuctionError> {
        self.ladder.validate()?;
        let in_range = |v: i64, lo: i64, hi: i64| (lo..=hi).contains(&v);
        let hour = 3_600_000;
        let ok = in_range(self.lot_duration_ms, 1_000, 24 * hour)
            && in_range(self.stagger_ms, 0, hour)
            && in_range(self.soft_close_ms, 0, hour)
            && in_range(self.max_extension_ms, 0, 24 * hour)
            && in_range(self.clock_step, 1, 10_000_000)
            && in_range(self.clock_interval_ms, 50, 60_000)
            && in_range(self.clock_restart_steps, 0, 1_000)
            && in_range(self.grace_ms, 0, 10_000)
            && in_range(self.min_buyers, 1, 1_000);
        if !ok {
            return Err(AuctionError::BadRules("timers"));
        }
        match &self.levy {
            Some(levy) if levy.validate().is_err() => Err(AuctionError::BadRules("levy")),
            _ => Ok(()),
        }
    }
}

/// How far ahead a session may be scheduled.
pub const MAX_SCHEDULE_AHEAD_MS: i64 = 7 * 24 * 3_600_000;

/// A session starts from now (a minute's leeway for a client's clock) up to a week ahead.
pub fn check_start(now_ms: i64, starts_at: i64) -> Result<(), AuctionError> {
    let earliest = now_ms - 60_000;
    if (earliest..=now_ms + MAX_SCHEDULE_AHEAD_MS).contains(&starts_at) {
        Ok(())
    } else {
        Err(AuctionError::BadStart)
    }
}

/// The value of `grams` at `price_per_kg`, rounded half up to whole rupiah; saturates instead
/// of overflowing.
pub fn value(price_per_kg: i64, grams: i64) -> i64 {
    // Validated prices and weights fit in an i64 product; 128-bit only beyond that.
    if let Some(p) = price_per_kg
        .checked_mul(grams)
        .and_then(|p| p.checked_add(500))
    {
        return p.div_euclid(1_000);
    }
    let v = (price_per_kg as i128 * grams as i128 + 500).div_euclid(1_000);
    v.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_port_sets_the_minimum_of_buyers_and_sessions_start_within_a_week() {
        let levy = LevyRules::trenggalek_default();
        let r = Rules::for_port(Format::Clock, 5).with_levy(levy.clone());
        assert_eq!(r.levy, Some(levy));
        assert_eq!((r.format, r.min_buyers), (Format::Clock, 5));
        assert_eq!(r.lot_duration_ms, Rules::clock().lot_duration_ms);
        let now = 1_800_000_000_000;
        assert!(check_start(now, now).is_ok());
        assert!(check_start(now, now - 30_000).is_ok());
        assert!(check_start(now, now + MAX_SCHEDULE_AHEAD_MS).is_ok());
        assert!(check_start(now, now - 3_600_000).is_err());
        assert!(check_start(now, now + MAX_SCHEDULE_AHEAD_MS + 1).is_err());
    }

    #[test]
    fn ladder_steps_by_price_level() {
        let l = Ladder::standard();
        assert_eq!(l.step(0), 100);
        assert_eq!(l.step(9_999), 100);
        assert_eq!(l.step(10_000), 250);
        assert_eq!(l.step(99_999), 500);
        assert_eq!(l.step(1_000_000), 1_000);
        assert!(l.validate().is_ok());
    }

    #[test]
    fn bad_ladders_and_timers_are_refused() {
        let mut r = Rules::ascending();
        r.ladder.bands.push(Band {
            below: None,
            step: 5,
        });
        assert_eq!(r.validate(), Err(AuctionError::BadRules("ladder")));
        let mut r = Rules::ascending();
        r.ladder.bands[1].step = 50; // shrinking step
        assert!(r.validate().is_err());
        let mut r = Rules::ascending();
        r.ladder.bands.clear();
        assert!(r.validate().is_err());
        let mut r = Rules::clock();
        r.clock_interval_ms = 0;
        assert_eq!(r.validate(), Err(AuctionError::BadRules("timers")));
        let mut r = Rules::clock();
        r.min_buyers = 0;
        assert!(r.validate().is_err());
        assert!(Rules::clock().validate().is_ok());
    }

    #[test]
    fn value_rounds_half_up_to_whole_rupiah() {
        assert_eq!(value(25_000, 1_000), 25_000);
        assert_eq!(value(25_000, 12_345), 308_625);
        assert_eq!(value(333, 1_500), 500); // 499.5 → 500
        assert_eq!(value(333, 1_501), 500);
        assert_eq!(value(i64::MAX, i64::MAX), i64::MAX);
    }
}

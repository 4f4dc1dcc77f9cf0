//! The auction levy (*retribusi lelang*) on a sale, as set by regional regulation.
//!
//! Regencies tax fish-auction sales in one of three ways: a percentage of the hammer value
//! taken from the seller and/or the buyer, a per-kg amount, or a flat amount per landing by
//! vessel size. The proceeds are then split between accounts (regional treasury, fishers'
//! fund, operator). Everything here is integer rupiah with explicit rounding, so a receipt,
//! the ledger and the treasury report always agree to the rupiah.

use serde::{Deserialize, Serialize};

/// Basis points in a whole (100%).
const BP_WHOLE: i64 = 10_000;
/// Grams in a kilogram.
const GRAMS_PER_KG: i64 = 1_000;

/// How the levy is assessed. Stored as JSON tagged by `kind`
/// (`percent`, `per_kg`, `flat_by_vessel`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LevyBasis {
    /// A share of the hammer value, in basis points (1% = 100 bp), from each side.
    Percent { seller_bp: i64, buyer_bp: i64 },
    /// Rupiah per kg from each side; set one side to 0 to charge only the other.
    PerKg {
        seller_per_kg: i64,
        buyer_per_kg: i64,
    },
    /// A flat amount per landing, charged to the seller, chosen by vessel size.
    FlatByVessel { bands: Vec<VesselBand> },
}

/// One vessel-size band of a flat levy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VesselBand {
    /// Exclusive upper bound in tenths of GT (50 = 5 GT); `None` for the last, open band.
    /// Tenths because regulations draw lines like 5 GT and 10 GT but registers record 4.8 GT.
    pub upto_gt_tenths: Option<i64>,
    /// Rupiah charged per landing, exactly as the regulation states it (not rounded).
    pub amount: i64,
}

/// How a computed (divided) amount is brought to a multiple of `round_to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// To the nearest unit; an exact half goes up.
    HalfUp,
    /// Towards zero (in the payer's favour).
    Down,
    /// Away from zero (in the treasury's favour).
    Up,
}

/// An account that receives a share of the levy proceeds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevyAccount {
    /// Stable code used in the ledger, e.g. `kas_daerah`.
    pub code: String,
    pub name: String,
    /// Share of the proceeds in basis points; all accounts together make exactly 10,000.
    pub share_bp: i64,
}

/// A regency's levy regulation: how to assess it, how to round, and who receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevyRules {
    pub basis: LevyBasis,
    pub rounding: Rounding,
    /// Rounding unit in rupiah (1, 100, ...). Applies to percent and per-kg amounts only.
    pub round_to: i64,
    pub accounts: Vec<LevyAccount>,
}

/// One sale to assess.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sale {
    /// Hammer value in rupiah.
    pub value: i64,
    /// Net weight in grams.
    pub grams: i64,
    /// Vessel size in tenths of GT, if known; needed only by the flat basis.
    pub vessel_gt_tenths: Option<i64>,
}

/// The levy on one sale and how its proceeds are split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevyBreakdown {
    pub seller_levy: i64,
    pub buyer_levy: i64,
    /// `seller_levy + buyer_levy`.
    pub total: i64,
    /// `value + buyer_levy`.
    pub buyer_pays: i64,
    /// `value - seller_levy`.
    pub seller_receives: i64,
    /// `(account code, rupiah)` in the order of [`LevyRules::accounts`]; sums to `total`.
    pub shares: Vec<(String, i64)>,
}

/// The levy of a day's sales at a port, by side and by account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = auction::LevyTotals)]
pub struct LevyTotals {
    pub seller: i64,
    pub buyer: i64,
    pub total: i64,
    /// (account code, rupiah), in the order the tickets first name them.
    pub accounts: Vec<(String, i64)>,
    /// Sales whose levy could not be computed by the rules (for the cashier to settle).
    pub unsettled: i64,
}

impl LevyTotals {
    /// The day's totals from its tickets' own breakdowns (`None` for a sale without one).
    ///
    /// An account's day total is the sum of its shares on each ticket, never the day's total
    /// split again: each ticket is split to the rupiah by largest remainder, so splitting the
    /// sum instead would differ from what the tickets booked by up to a rupiah per ticket and
    /// account (22 rupiah was seen), and the report would not agree with the receipts.
    pub fn of_tickets<'a>(tickets: impl IntoIterator<Item = Option<&'a LevyBreakdown>>) -> Self {
        let mut t = LevyTotals::default();
        for ticket in tickets {
            let Some(b) = ticket else {
                t.unsettled += 1;
                continue;
            };
            t.seller = t.seller.saturating_add(b.seller_levy);
            t.buyer = t.buyer.saturating_add(b.buyer_levy);
            t.total = t.total.saturating_add(b.total);
            for (code, v) in &b.shares {
                match t.accounts.iter_mut().find(|(c, _)| c == code) {
                    Some((_, sum)) => *sum = sum.saturating_add(*v),
                    None => t.accounts.push((code.clone(), *v)),
                }
            }
        }
        t
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LevyError {
    #[error("invalid levy rules: {0}")]
    InvalidRules(&'static str),
    #[error("sale value, weight and vessel size must not be negative")]
    Negative,
    #[error("the levy depends on vessel size, but the vessel size is unknown")]
    NoVesselSize,
    #[error("the seller's levy exceeds the sale value")]
    SellerLevyExceedsValue,
    /// An amount would not fit in `i64` rupiah; refused rather than wrapped or clamped,
    /// since a silently wrong amount of money is worse than no amount.
    #[error("levy amount out of range")]
    Overflow,
}

impl LevyRules {
    /// Trenggalek's default: 3% from the seller and 3% from the buyer, rounded half-up to the
    /// rupiah, split 65% regional treasury / 10% fishers' lean-season fund / 25% TPI operator.
    pub fn trenggalek_default() -> LevyRules {
        let account = |code: &str, name: &str, share_bp| LevyAccount {
            code: code.to_owned(),
            name: name.to_owned(),
            share_bp,
        };
        LevyRules {
            basis: LevyBasis::Percent {
                seller_bp: 300,
                buyer_bp: 300,
            },
            rounding: Rounding::HalfUp,
            round_to: 1,
            accounts: vec![
                account("kas_daerah", "Kas Daerah", 6_500),
                account("dana_nelayan", "Dana Paceklik Nelayan", 1_000),
                account("pengelola_tpi", "Pengelola TPI", 2_500),
            ],
        }
    }

    /// Checks the rules once, so [`compute`](Self::compute) can rely on them: every band is
    /// reachable, every amount is non-negative and the shares distribute exactly the total.
    pub fn validate(&self) -> Result<(), LevyError> {
        let invalid = |msg| Err(LevyError::InvalidRules(msg));
        if self.round_to < 1 {
            return invalid("round_to must be at least 1");
        }
        match &self.basis {
            LevyBasis::Percent {
                seller_bp,
                buyer_bp,
            } => {
                if !(0..=BP_WHOLE).contains(seller_bp) || !(0..=BP_WHOLE).contains(buyer_bp) {
                    return invalid("basis points must be within 0..=10000");
                }
            }
            LevyBasis::PerKg {
                seller_per_kg,
                buyer_per_kg,
            } => {
                if *seller_per_kg < 0 || *buyer_per_kg < 0 {
                    return invalid("per-kg amounts must not be negative");
                }
            }
            LevyBasis::FlatByVessel { bands } => validate_bands(bands)?,
        }
        if self.accounts.is_empty() {
            return invalid("at least one levy account is required");
        }
        let mut sum = 0_i64;
        for (i, account) in self.accounts.iter().enumerate() {
            if !(0..=BP_WHOLE).contains(&account.share_bp) {
                return invalid("account shares must be within 0..=10000 basis points");
            }
            if self.accounts[..i].iter().any(|a| a.code == account.code) {
                return invalid("account codes must be unique");
            }
            // Each share is at most 10,000, so this cannot overflow for any real list.
            sum = sum.saturating_add(account.share_bp);
        }
        if sum != BP_WHOLE {
            return invalid("account shares must sum to 10000 basis points");
        }
        Ok(())
    }

    /// Assesses the levy on `sale` and splits it between the accounts.
    ///
    /// Validates the rules first, so a bad regulation never yields a plausible-looking receipt.
    /// Never panics: any amount that would leave `i64` gives [`LevyError::Overflow`].
    pub fn compute(&self, sale: &Sale) -> Result<LevyBreakdown, LevyError> {
        self.validate()?;
        if sale.value < 0 || sale.grams < 0 || sale.vessel_gt_tenths.is_some_and(|gt| gt < 0) {
            return Err(LevyError::Negative);
        }
        let seller_levy = match &self.basis {
            LevyBasis::Percent { seller_bp, .. } => {
                self.assess(sale.value, *seller_bp, BP_WHOLE)?
            }
            LevyBasis::PerKg { seller_per_kg, .. } => {
                self.assess(sale.grams, *seller_per_kg, GRAMS_PER_KG)?
            }
            LevyBasis::FlatByVessel { bands } => {
                let gt = sale.vessel_gt_tenths.ok_or(LevyError::NoVesselSize)?;
                let band = bands
                    .iter()
                    .find(|b| b.upto_gt_tenths.is_none_or(|upto| gt < upto))
                    // Unreachable after validate (the last band is open); kept panic-free.
                    .ok_or(LevyError::InvalidRules("no vessel band matches"))?;
                band.amount
            }
        };
        let buyer_levy = self.buyer_levy(sale.value, sale.grams)?;
        if seller_levy > sale.value {
            return Err(LevyError::SellerLevyExceedsValue);
        }
        let total = seller_levy
            .checked_add(buyer_levy)
            .ok_or(LevyError::Overflow)?;
        let buyer_pays = sale
            .value
            .checked_add(buyer_levy)
            .ok_or(LevyError::Overflow)?;
        Ok(LevyBreakdown {
            seller_levy,
            buyer_levy,
            total,
            buyer_pays,
            // Both non-negative and seller_levy <= value, so this cannot overflow.
            seller_receives: sale.value - seller_levy,
            shares: split_shares(total, &self.accounts),
        })
    }

    /// The buyer's side of the levy on a sale of `value` rupiah weighing `grams`: a share of
    /// the value, rupiah per kg, or nothing (a flat levy by vessel size is the seller's). The
    /// one computation of it, for the ticket ([`compute`](Self::compute)) and for what a buyer
    /// will owe while still bidding ([`buyer_owes`](Self::buyer_owes)). Expects valid rules
    /// and amounts that are not negative.
    pub fn buyer_levy(&self, value: i64, grams: i64) -> Result<i64, LevyError> {
        if value < 0 || grams < 0 {
            return Err(LevyError::Negative);
        }
        match &self.basis {
            LevyBasis::Percent { buyer_bp, .. } => self.assess(value, *buyer_bp, BP_WHOLE),
            LevyBasis::PerKg { buyer_per_kg, .. } => {
                self.assess(grams, *buyer_per_kg, GRAMS_PER_KG)
            }
            LevyBasis::FlatByVessel { .. } => Ok(0),
        }
    }

    /// What the buyer will owe for a purchase of `value` rupiah weighing `grams`: the value
    /// plus the buyer's levy — the ticket's "buyer pays". The one basis on which a buyer's
    /// exposure is counted, for purchases of earlier sessions and of the running one alike,
    /// and for the lots they lead. Saturates instead of failing: an amount too large for
    /// `i64` is more than any limit.
    pub fn buyer_owes(&self, value: i64, grams: i64) -> i64 {
        let value = value.max(0);
        value.saturating_add(self.buyer_levy(value, grams.max(0)).unwrap_or(i64::MAX))
    }

    /// `quantity * rate / per`, rounded once to a multiple of `round_to`.
    fn assess(&self, quantity: i64, rate: i64, per: i64) -> Result<i64, LevyError> {
        let rounded = round_div(
            i128::from(quantity) * i128::from(rate),
            i128::from(per),
            self.rounding,
            self.round_to,
        );
        i64::try_from(rounded).map_err(|_| LevyError::Overflow)
    }
}

fn validate_bands(bands: &[VesselBand]) -> Result<(), LevyError> {
    let invalid = |msg| Err(LevyError::InvalidRules(msg));
    let Some((last, rest)) = bands.split_last() else {
        return invalid("vessel bands must not be empty");
    };
    if bands.iter().any(|b| b.amount < 0) {
        return invalid("vessel band amounts must not be negative");
    }
    if last.upto_gt_tenths.is_some() {
        return invalid("the last vessel band must have no upper bound");
    }
    // A bound at or below the previous one (or at or below 0 GT) would make a band unreachable.
    let mut previous = 0;
    for band in rest {
        let Some(upto) = band.upto_gt_tenths else {
            return invalid("only the last vessel band may have no upper bound");
        };
        if upto <= previous {
            return invalid("vessel band bounds must be positive and strictly increasing");
        }
        previous = upto;
    }
    Ok(())
}

/// `numerator / denominator` rounded to a multiple of `unit`, for `numerator >= 0`,
/// `denominator >= 1`, `unit >= 1`. Done in one step on the exact fraction, so an amount is
/// rounded exactly once. Fits in i128 for all i64 inputs: `numerator < 2^126`.
fn round_div(numerator: i128, denominator: i128, rounding: Rounding, unit: i64) -> i128 {
    let unit = i128::from(unit);
    let divisor = denominator * unit;
    let quotient = numerator / divisor;
    let remainder = numerator % divisor;
    let bump = match rounding {
        Rounding::Down => false,
        Rounding::Up => remainder > 0,
        Rounding::HalfUp => 2 * remainder >= divisor,
    };
    (quotient + i128::from(bump)) * unit
}

/// Splits `total` between `accounts` so the shares sum to exactly `total` (largest-remainder
/// method, whole rupiah):
///
/// 1. each account first gets `floor(total * share_bp / 10_000)`;
/// 2. the rupiah left over (fewer than the number of accounts) go one each to the accounts with
///    the largest fractional remainder `total * share_bp mod 10_000`;
/// 3. equal remainders go to the account listed earlier.
///
/// Deterministic and order-based, so the same sale always books the same ledger lines, and an
/// account with a 0 bp share never receives a rupiah. Expects validated accounts and
/// `total >= 0`.
fn split_shares(total: i64, accounts: &[LevyAccount]) -> Vec<(String, i64)> {
    let whole = i128::from(BP_WHOLE);
    let mut shares = Vec::with_capacity(accounts.len());
    let mut fractions = Vec::with_capacity(accounts.len());
    let mut left = i128::from(total);
    for (i, account) in accounts.iter().enumerate() {
        let exact = i128::from(total) * i128::from(account.share_bp);
        let floor = exact / whole;
        left -= floor;
        shares.push(floor);
        fractions.push((exact % whole, i));
    }
    // Largest remainder first; the stable sort keeps list order among equal remainders.
    fractions.sort_by_key(|&(fraction, _)| std::cmp::Reverse(fraction));
    for &(_, i) in fractions.iter().take(usize::try_from(left).unwrap_or(0)) {
        shares[i] += 1;
    }
    accounts
        .iter()
        .zip(shares)
        // Each share lies within 0..=total, so the conversion cannot fail.
        .map(|(a, s)| (a.code.clone(), i64::try_from(s).unwrap_or(i64::MAX)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn accounts(shares: &[(&str, i64)]) -> Vec<LevyAccount> {
        shares
            .iter()
            .map(|&(code, share_bp)| LevyAccount {
                code: code.to_owned(),
                name: code.to_uppercase(),
                share_bp,
            })
            .collect()
    }

    fn rules(basis: LevyBasis, rounding: Rounding, round_to: i64) -> LevyRules {
        LevyRules {
            basis,
            rounding,
            round_to,
            ..LevyRules::trenggalek_default()
        }
    }

    fn per_kg(seller_per_kg: i64, buyer_per_kg: i64) -> LevyBasis {
        LevyBasis::PerKg {
            seller_per_kg,
            buyer_per_kg,
        }
    }

    fn sale(value: i64, grams: i64) -> Sale {
        Sale {
            value,
            grams,
            vessel_gt_tenths: None,
        }
    }

    fn standard_bands() -> Vec<VesselBand> {
        vec![
            VesselBand {
                upto_gt_tenths: Some(50),
                amount: 5_000,
            },
            VesselBand {
                upto_gt_tenths: Some(100),
                amount: 10_000,
            },
            VesselBand {
                upto_gt_tenths: None,
                amount: 25_000,
            },
        ]
    }

    fn invalid(rules: &LevyRules) -> &'static str {
        match rules.validate() {
            Err(LevyError::InvalidRules(msg)) => {
                assert_eq!(
                    rules.compute(&sale(1_000, 1_000)),
                    Err(LevyError::InvalidRules(msg))
                );
                msg
            }
            other => panic!("expected InvalidRules, got {other:?}"),
        }
    }

    #[test]
    fn a_days_totals_per_account_are_the_sums_of_the_tickets_splits() {
        let rules = LevyRules::trenggalek_default();
        // Small sales whose levy splits unevenly, each to the rupiah on its own ticket.
        let tickets: Vec<LevyBreakdown> = (1..=60)
            .map(|i| rules.compute(&sale(30 + 7 * i, 1_000)).unwrap())
            .collect();
        let day = LevyTotals::of_tickets(tickets.iter().map(Some).chain([None]));
        assert_eq!(day.unsettled, 1, "a sale without a levy is counted apart");
        for (k, (code, sum)) in day.accounts.iter().enumerate() {
            assert_eq!(code, &rules.accounts[k].code);
            assert_eq!(*sum, tickets.iter().map(|b| b.shares[k].1).sum::<i64>());
        }
        assert_eq!(day.total, tickets.iter().map(|b| b.total).sum::<i64>());
        assert_eq!(day.seller + day.buyer, day.total);
        assert_eq!(day.accounts.iter().map(|a| a.1).sum::<i64>(), day.total);
        // Splitting the day's total again would book other amounts than the tickets did.
        let resplit = split_shares(day.total, &rules.accounts);
        assert_ne!(amounts(&resplit), amounts(&day.accounts));
    }

    fn amounts(shares: &[(String, i64)]) -> Vec<i64> {
        shares.iter().map(|s| s.1).collect()
    }

    #[test]
    fn default_is_valid() {
        assert_eq!(LevyRules::trenggalek_default().validate(), Ok(()));
    }

    #[test]
    fn three_percent_each_side_half_up() {
        // 1,234,567 * 3% = 37,037.01 -> 37,037 on each side.
        let b = LevyRules::trenggalek_default()
            .compute(&sale(1_234_567, 50_000))
            .unwrap();
        assert_eq!(b.seller_levy, 37_037);
        assert_eq!(b.buyer_levy, 37_037);
        assert_eq!(b.total, 74_074);
        assert_eq!(b.buyer_pays, 1_271_604);
        assert_eq!(b.seller_receives, 1_197_530);
        // 74,074 at 65/10/25 = 48,148.1 / 7,407.4 / 18,518.5: the spare rupiah goes to the
        // operator, whose fraction (.5) is largest.
        assert_eq!(
            b.shares,
            vec![
                ("kas_daerah".to_owned(), 48_148),
                ("dana_nelayan".to_owned(), 7_407),
                ("pengelola_tpi".to_owned(), 18_519),
            ]
        );
    }

    #[test]
    fn percent_exact_half_by_mode() {
        // 50 * 3% = 1.5 rupiah.
        for (mode, want) in [
            (Rounding::HalfUp, 2),
            (Rounding::Down, 1),
            (Rounding::Up, 2),
        ] {
            let r = rules(
                LevyBasis::Percent {
                    seller_bp: 300,
                    buyer_bp: 0,
                },
                mode,
                1,
            );
            let b = r.compute(&sale(50, 0)).unwrap();
            assert_eq!((b.seller_levy, b.buyer_levy), (want, 0), "{mode:?}");
        }
    }

    #[test]
    fn per_kg_each_rounding_mode() {
        // Rp 150/kg on 123,456 g = 18,518.4; on 123,450 g = 18,517.5 (an exact half).
        let cases = [
            (123_456, Rounding::HalfUp, 18_518),
            (123_456, Rounding::Down, 18_518),
            (123_456, Rounding::Up, 18_519),
            (123_450, Rounding::HalfUp, 18_518),
            (123_450, Rounding::Down, 18_517),
            (123_450, Rounding::Up, 18_518),
        ];
        for (grams, mode, want) in cases {
            let b = rules(per_kg(150, 0), mode, 1)
                .compute(&sale(10_000_000, grams))
                .unwrap();
            assert_eq!(b.seller_levy, want, "{grams} g {mode:?}");
            assert_eq!(b.buyer_levy, 0);
            assert_eq!(b.seller_receives, 10_000_000 - want);
            assert_eq!(b.buyer_pays, 10_000_000);
        }
    }

    #[test]
    fn per_kg_split_between_sides() {
        // 123,456 g: seller Rp 100/kg = 12,345.6 -> 12,346; buyer Rp 50/kg = 6,172.8 -> 6,173.
        let b = rules(per_kg(100, 50), Rounding::HalfUp, 1)
            .compute(&sale(2_000_000, 123_456))
            .unwrap();
        assert_eq!(
            (b.seller_levy, b.buyer_levy, b.total),
            (12_346, 6_173, 18_519)
        );
        assert_eq!(b.buyer_pays, 2_006_173);
        assert_eq!(b.seller_receives, 1_987_654);
    }

    #[test]
    fn round_to_hundred() {
        // Per-kg: 18,518.4 -> 18,500 / 18,500 / 18,600; 18,550 (exact half) -> 18,600 / 18,500.
        let cases = [
            (150, 123_456, Rounding::HalfUp, 18_500),
            (150, 123_456, Rounding::Down, 18_500),
            (150, 123_456, Rounding::Up, 18_600),
            (100, 185_500, Rounding::HalfUp, 18_600),
            (100, 185_500, Rounding::Down, 18_500),
            (100, 185_500, Rounding::Up, 18_600),
        ];
        for (rate, grams, mode, want) in cases {
            let b = rules(per_kg(rate, 0), mode, 100)
                .compute(&sale(10_000_000, grams))
                .unwrap();
            assert_eq!(b.seller_levy, want, "{rate}/kg {grams} g {mode:?}");
        }
        // Percent: 3% of 1,234,567 = 37,037.01 -> 37,000 half-up, 37,100 up.
        let percent = LevyBasis::Percent {
            seller_bp: 300,
            buyer_bp: 300,
        };
        let b = rules(percent.clone(), Rounding::HalfUp, 100)
            .compute(&sale(1_234_567, 0))
            .unwrap();
        assert_eq!((b.seller_levy, b.buyer_levy), (37_000, 37_000));
        let b = rules(percent, Rounding::Up, 100)
            .compute(&sale(1_234_567, 0))
            .unwrap();
        assert_eq!((b.seller_levy, b.buyer_levy), (37_100, 37_100));
    }

    #[test]
    fn flat_bands_at_each_boundary() {
        let r = rules(
            LevyBasis::FlatByVessel {
                bands: standard_bands(),
            },
            Rounding::HalfUp,
            // Flat amounts are charged as stated, whatever the rounding unit.
            1_000_000,
        );
        let cases = [
            (0, 5_000),
            (49, 5_000),
            (50, 10_000),
            (99, 10_000),
            (100, 25_000),
            (i64::MAX, 25_000),
        ];
        for (gt, want) in cases {
            let s = Sale {
                value: 1_000_000,
                grams: 80_000,
                vessel_gt_tenths: Some(gt),
            };
            let b = r.compute(&s).unwrap();
            assert_eq!(
                (b.seller_levy, b.buyer_levy, b.total),
                (want, 0, want),
                "{gt}"
            );
            assert_eq!(b.seller_receives, 1_000_000 - want);
            assert_eq!(b.buyer_pays, 1_000_000);
        }
    }

    #[test]
    fn largest_remainder_split() {
        let split =
            |total, shares: &[(&str, i64)]| amounts(&split_shares(total, &accounts(shares)));
        let tpi = [("kas", 6_500), ("dana", 1_000), ("tpi", 2_500)];
        // 7 at 65/10/25 = 4.55 / 0.70 / 1.75: floors 4/0/1, two rupiah left go to the largest
        // fractions (.75 then .70), not to the largest account.
        assert_eq!(split(7, &tpi), vec![4, 1, 2]);
        // 3 = 1.95 / 0.30 / 0.75.
        assert_eq!(split(3, &tpi), vec![2, 0, 1]);
        assert_eq!(split(0, &tpi), vec![0, 0, 0]);
        assert_eq!(split(100, &tpi), vec![65, 10, 25]);
        // Ties go to the account listed earlier.
        let halves = [("a", 5_000), ("b", 2_500), ("c", 2_500)];
        assert_eq!(split(2, &halves), vec![1, 1, 0]);
        assert_eq!(split(1, &[("a", 5_000), ("b", 5_000)]), vec![1, 0]);
        let thirds = [("a", 3_334), ("b", 3_333), ("c", 3_333)];
        assert_eq!(split(1, &thirds), vec![1, 0, 0]);
        assert_eq!(split(2, &thirds), vec![1, 1, 0]);
        // A 0 bp account never gets a spare rupiah.
        assert_eq!(
            split(1, &[("z", 0), ("a", 5_000), ("b", 5_000)]),
            vec![0, 1, 0]
        );
        assert_eq!(split(i64::MAX, &[("all", 10_000)]), vec![i64::MAX]);
    }

    #[test]
    fn invalid_round_to() {
        let r = rules(per_kg(100, 0), Rounding::Down, 0);
        assert_eq!(invalid(&r), "round_to must be at least 1");
    }

    #[test]
    fn invalid_basis_points() {
        for (seller_bp, buyer_bp) in [(-1, 0), (0, 10_001), (i64::MIN, i64::MAX)] {
            let r = rules(
                LevyBasis::Percent {
                    seller_bp,
                    buyer_bp,
                },
                Rounding::HalfUp,
                1,
            );
            assert_eq!(invalid(&r), "basis points must be within 0..=10000");
        }
        let full = rules(
            LevyBasis::Percent {
                seller_bp: 10_000,
                buyer_bp: 0,
            },
            Rounding::HalfUp,
            1,
        );
        assert_eq!(full.validate(), Ok(()));
    }

    #[test]
    fn invalid_per_kg() {
        for (s, b) in [(-1, 100), (100, -1)] {
            let r = rules(per_kg(s, b), Rounding::HalfUp, 1);
            assert_eq!(invalid(&r), "per-kg amounts must not be negative");
        }
    }

    #[test]
    fn invalid_bands() {
        let flat = |bands| rules(LevyBasis::FlatByVessel { bands }, Rounding::HalfUp, 1);
        let band = |upto_gt_tenths, amount| VesselBand {
            upto_gt_tenths,
            amount,
        };
        assert_eq!(invalid(&flat(vec![])), "vessel bands must not be empty");
        assert_eq!(
            invalid(&flat(vec![band(Some(50), -1), band(None, 0)])),
            "vessel band amounts must not be negative"
        );
        assert_eq!(
            invalid(&flat(vec![band(Some(50), 1), band(Some(100), 2)])),
            "the last vessel band must have no upper bound"
        );
        assert_eq!(
            invalid(&flat(vec![band(None, 1), band(None, 2)])),
            "only the last vessel band may have no upper bound"
        );
        for bounds in [[50, 50], [100, 50], [0, 50], [-10, 50]] {
            let bands = vec![
                band(Some(bounds[0]), 1),
                band(Some(bounds[1]), 2),
                band(None, 3),
            ];
            assert_eq!(
                invalid(&flat(bands)),
                "vessel band bounds must be positive and strictly increasing"
            );
        }
        assert_eq!(flat(vec![band(None, 7)]).validate(), Ok(()));
    }

    #[test]
    fn invalid_accounts() {
        let with = |shares: &[(&str, i64)]| LevyRules {
            accounts: accounts(shares),
            ..LevyRules::trenggalek_default()
        };
        assert_eq!(invalid(&with(&[])), "at least one levy account is required");
        assert_eq!(
            invalid(&with(&[("a", 10_001), ("b", -1)])),
            "account shares must be within 0..=10000 basis points"
        );
        assert_eq!(
            invalid(&with(&[("a", 5_000), ("a", 5_000)])),
            "account codes must be unique"
        );
        assert_eq!(
            invalid(&with(&[("a", 5_000), ("b", 4_999)])),
            "account shares must sum to 10000 basis points"
        );
        assert_eq!(
            invalid(&with(&[("a", 10_000), ("b", 10_000)])),
            "account shares must sum to 10000 basis points"
        );
        assert_eq!(with(&[("a", 10_000), ("b", 0)]).validate(), Ok(()));
    }

    #[test]
    fn negative_sale() {
        let r = LevyRules::trenggalek_default();
        let cases = [
            sale(-1, 0),
            sale(0, -1),
            Sale {
                value: 1,
                grams: 1,
                vessel_gt_tenths: Some(-1),
            },
        ];
        for s in cases {
            assert_eq!(r.compute(&s), Err(LevyError::Negative), "{s:?}");
        }
    }

    #[test]
    fn flat_without_vessel_size() {
        let r = rules(
            LevyBasis::FlatByVessel {
                bands: standard_bands(),
            },
            Rounding::HalfUp,
            1,
        );
        assert_eq!(
            r.compute(&sale(1_000_000, 1_000)),
            Err(LevyError::NoVesselSize)
        );
    }

    #[test]
    fn seller_levy_exceeds_value() {
        let flat = rules(
            LevyBasis::FlatByVessel {
                bands: standard_bands(),
            },
            Rounding::HalfUp,
            1,
        );
        let small = Sale {
            value: 4_999,
            grams: 1_000,
            vessel_gt_tenths: Some(30),
        };
        assert_eq!(flat.compute(&small), Err(LevyError::SellerLevyExceedsValue));
        let exact = Sale {
            value: 5_000,
            ..small
        };
        assert_eq!(flat.compute(&exact).unwrap().seller_receives, 0);
        // Rp 750/kg on 10 kg of cheap fish sold for Rp 7,000.
        let kg = rules(per_kg(750, 0), Rounding::HalfUp, 1);
        assert_eq!(
            kg.compute(&sale(7_000, 10_000)),
            Err(LevyError::SellerLevyExceedsValue)
        );
        // Rounding up to Rp 100 can push even a 100% levy above a Rp 50 value.
        let up = rules(
            LevyBasis::Percent {
                seller_bp: 10_000,
                buyer_bp: 0,
            },
            Rounding::Up,
            100,
        );
        assert_eq!(
            up.compute(&sale(50, 0)),
            Err(LevyError::SellerLevyExceedsValue)
        );
    }

    #[test]
    fn overflow_is_an_error() {
        let kg = rules(per_kg(0, i64::MAX), Rounding::HalfUp, 1);
        assert_eq!(kg.compute(&sale(0, i64::MAX)), Err(LevyError::Overflow));
        // The buyer's side alone fits, but value + buyer levy does not.
        let pct = rules(
            LevyBasis::Percent {
                seller_bp: 0,
                buyer_bp: 10_000,
            },
            Rounding::HalfUp,
            1,
        );
        assert_eq!(pct.compute(&sale(i64::MAX, 0)), Err(LevyError::Overflow));
        // The exact levy fits, but rounding it up to a huge unit (2 * (2^62 + 1)) does not.
        let huge = rules(
            LevyBasis::Percent {
                seller_bp: 0,
                buyer_bp: 10_000,
            },
            Rounding::Up,
            (1 << 62) + 1,
        );
        assert_eq!(
            huge.compute(&sale((1 << 62) + 2, 0)),
            Err(LevyError::Overflow)
        );
    }

    fn arb_rounding() -> impl Strategy<Value = Rounding> {
        prop_oneof![
            Just(Rounding::HalfUp),
            Just(Rounding::Down),
            Just(Rounding::Up)
        ]
    }

    /// Valid accounts: cut points in 0..=10,000 give shares that sum to exactly 10,000.
    fn arb_accounts() -> impl Strategy<Value = Vec<LevyAccount>> {
        prop::collection::vec(0..=BP_WHOLE, 0..6).prop_map(|mut cuts| {
            cuts.sort_unstable();
            cuts.push(BP_WHOLE);
            let mut previous = 0;
            cuts.iter()
                .enumerate()
                .map(|(i, &cut)| {
                    let share_bp = cut - previous;
                    previous = cut;
                    LevyAccount {
                        code: format!("a{i}"),
                        name: format!("Account {i}"),
                        share_bp,
                    }
                })
                .collect()
        })
    }

    fn arb_bands() -> impl Strategy<Value = Vec<VesselBand>> {
        let steps = prop::collection::vec((1..=500_i64, 0..=1_000_000_i64), 0..4);
        (steps, 0..=1_000_000_i64).prop_map(|(steps, last)| {
            let mut upto = 0;
            let mut bands: Vec<VesselBand> = steps
                .into_iter()
                .map(|(step, amount)| {
                    upto += step;
                    VesselBand {
                        upto_gt_tenths: Some(upto),
                        amount,
                    }
                })
                .collect();
            bands.push(VesselBand {
                upto_gt_tenths: None,
                amount: last,
            });
            bands
        })
    }

    fn arb_valid_rules() -> impl Strategy<Value = LevyRules> {
        let basis = prop_oneof![
            (0..=BP_WHOLE, 0..=BP_WHOLE).prop_map(|(seller_bp, buyer_bp)| LevyBasis::Percent {
                seller_bp,
                buyer_bp
            }),
            (0..=1_000_000_i64, 0..=1_000_000_i64).prop_map(|(s, b)| per_kg(s, b)),
            arb_bands().prop_map(|bands| LevyBasis::FlatByVessel { bands }),
        ];
        (basis, arb_rounding(), 1..=10_000_i64, arb_accounts()).prop_map(
            |(basis, rounding, round_to, accounts)| LevyRules {
                basis,
                rounding,
                round_to,
                accounts,
            },
        )
    }

    fn arb_any_rules() -> impl Strategy<Value = LevyRules> {
        let basis = prop_oneof![
            (any::<i64>(), any::<i64>()).prop_map(|(seller_bp, buyer_bp)| LevyBasis::Percent {
                seller_bp,
                buyer_bp
            }),
            (any::<i64>(), any::<i64>()).prop_map(|(s, b)| per_kg(s, b)),
            prop::collection::vec(
                (any::<Option<i64>>(), any::<i64>()).prop_map(|(upto_gt_tenths, amount)| {
                    VesselBand {
                        upto_gt_tenths,
                        amount,
                    }
                }),
                0..4
            )
            .prop_map(|bands| LevyBasis::FlatByVessel { bands }),
        ];
        let account = ("[ab]", any::<i64>()).prop_map(|(code, share_bp)| LevyAccount {
            name: code.clone(),
            code,
            share_bp,
        });
        (
            basis,
            arb_rounding(),
            any::<i64>(),
            prop::collection::vec(account, 0..4),
        )
            .prop_map(|(basis, rounding, round_to, accounts)| LevyRules {
                basis,
                rounding,
                round_to,
                accounts,
            })
    }

    proptest! {
        #[test]
        fn breakdown_is_consistent(
            rules in arb_valid_rules(),
            value in 0..=1_000_000_000_000_i64,
            grams in 0..=100_000_000_i64,
            gt in prop::option::weighted(0.9, 0..=3_000_i64),
        ) {
            let s = Sale { value, grams, vessel_gt_tenths: gt };
            match rules.compute(&s) {
                Ok(b) => {
                    prop_assert_eq!(b.shares.iter().map(|x| x.1).sum::<i64>(), b.total);
                    prop_assert!(b.shares.iter().all(|x| x.1 >= 0));
                    for (share, account) in b.shares.iter().zip(&rules.accounts) {
                        prop_assert_eq!(&share.0, &account.code);
                        if account.share_bp == 0 {
                            prop_assert_eq!(share.1, 0);
                        }
                    }
                    prop_assert_eq!(b.shares.len(), rules.accounts.len());
                    prop_assert_eq!(b.seller_receives + b.seller_levy, value);
                    prop_assert_eq!(b.buyer_pays - b.buyer_levy, value);
                    prop_assert_eq!(b.seller_levy + b.buyer_levy, b.total);
                    prop_assert!(b.seller_levy >= 0 && b.buyer_levy >= 0);
                    prop_assert!(b.seller_receives >= 0);
                }
                Err(e) => prop_assert!(
                    matches!(e, LevyError::SellerLevyExceedsValue | LevyError::NoVesselSize),
                    "unexpected {:?}", e
                ),
            }
        }

        #[test]
        fn never_panics(
            rules in arb_any_rules(),
            value in any::<i64>(),
            grams in any::<i64>(),
            gt in any::<Option<i64>>(),
        ) {
            let s = Sale { value, grams, vessel_gt_tenths: gt };
            let validated = rules.validate();
            let computed = rules.compute(&s);
            if let Err(e) = validated {
                prop_assert_eq!(computed, Err(e));
            } else if let Ok(b) = computed {
                prop_assert_eq!(b.shares.iter().map(|x| i128::from(x.1)).sum::<i128>(),
                    i128::from(b.total));
                prop_assert_eq!(b.seller_receives + b.seller_levy, value);
            }
        }

        #[test]
        fn valid_rules_with_huge_sales_never_panic(
            rules in arb_valid_rules(),
            value in any::<i64>(),
            grams in any::<i64>(),
            gt in any::<Option<i64>>(),
        ) {
            let s = Sale { value, grams, vessel_gt_tenths: gt };
            if let Ok(b) = rules.compute(&s) {
                prop_assert_eq!(b.shares.iter().map(|x| x.1).sum::<i64>(), b.total);
                prop_assert!(b.shares.iter().all(|x| x.1 >= 0));
                prop_assert_eq!(b.seller_receives + b.seller_levy, value);
            }
        }

        /// Each mode lands on a multiple of the unit on the correct side of the exact value.
        #[test]
        fn rounding_brackets_the_exact_value(
            n in 0..=1_000_000_000_000_000_i128,
            d in 1..=10_000_i128,
            unit in 1..=10_000_i64,
            mode in arb_rounding(),
        ) {
            let r = round_div(n, d, mode, unit);
            let u = i128::from(unit);
            prop_assert_eq!(r % u, 0);
            // Compare r with n / d by cross-multiplying to stay exact.
            let (lo, hi) = (r * d, n);
            match mode {
                Rounding::Down => prop_assert!(lo <= hi && hi < (r + u) * d),
                Rounding::Up => prop_assert!((r - u) * d < hi && hi <= lo),
                Rounding::HalfUp => {
                    let twice_err = 2 * (lo - hi);
                    prop_assert!(-u * d < twice_err && twice_err <= u * d);
                }
            }
        }
    }
}

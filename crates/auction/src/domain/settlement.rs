//! After the hammer: the auction ticket's number, what the buyer pays and the fisher receives,
//! and the fisher's payout statement.

use super::levy::{LevyBreakdown, LevyError, LevyRules, Sale};

/// `PRIGI-20261129-000123`: the port, the day (WIB) and the sale's own number, so a ticket
/// number is unique and readable on the hall floor.
pub fn ticket_number(port_code: &str, day: &str, sale_id: i64) -> String {
    format!("{}-{}-{:06}", port_code, day.replace('-', ""), sale_id)
}

/// The levy of one sale by the port's rules. Rules that cannot be applied (a flat levy by
/// vessel size for a lot without a boat) are an error for the cashier to settle, not a guess.
pub fn levy_for(
    rules: &LevyRules,
    value: i64,
    grams: i64,
    vessel_gt_tenths: Option<i64>,
) -> Result<LevyBreakdown, LevyError> {
    rules.compute(&Sale {
        value,
        grams,
        vessel_gt_tenths,
    })
}

/// One line of a fisher's payout statement.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = auction::PayoutLine)]
pub struct PayoutLine {
    pub ticket_no: String,
    pub value: i64,
    pub seller_levy: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = auction::PayoutTotals)]
pub struct PayoutTotals {
    pub gross: i64,
    pub levy: i64,
    /// What the fisher is paid: gross less the seller's levy.
    pub net: i64,
}

pub fn payout(lines: &[PayoutLine]) -> PayoutTotals {
    let gross = lines.iter().map(|l| l.value).sum::<i64>();
    let levy = lines.iter().map(|l| l.seller_levy).sum::<i64>();
    PayoutTotals {
        gross,
        levy,
        net: gross - levy,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_numbers_read_port_day_and_sale() {
        assert_eq!(
            ticket_number("PRIGI", "2026-11-29", 123),
            "PRIGI-20261129-000123"
        );
    }

    #[test]
    fn the_default_levy_splits_three_and_three_percent() {
        let b = levy_for(
            &LevyRules::trenggalek_default(),
            2_280_000,
            120_000,
            Some(65),
        )
        .unwrap();
        assert_eq!((b.seller_levy, b.buyer_levy), (68_400, 68_400));
        assert_eq!(b.buyer_pays, 2_348_400);
        assert_eq!(b.seller_receives, 2_211_600);
        assert_eq!(b.shares.iter().map(|(_, v)| v).sum::<i64>(), b.total);
    }

    #[test]
    fn payout_totals_net_of_the_sellers_levy() {
        let lines = [
            PayoutLine {
                ticket_no: "A".into(),
                value: 1_000_000,
                seller_levy: 30_000,
            },
            PayoutLine {
                ticket_no: "B".into(),
                value: 500_000,
                seller_levy: 15_000,
            },
        ];
        assert_eq!(
            payout(&lines),
            PayoutTotals {
                gross: 1_500_000,
                levy: 45_000,
                net: 1_455_000
            }
        );
    }
}

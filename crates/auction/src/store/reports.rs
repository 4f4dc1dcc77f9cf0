//! Figures from the sales: a day's prices by species, for the public page and the port's report.

use super::Result;
use crate::domain::levy::LevyBreakdown;
pub use crate::domain::levy::LevyTotals;
use anjungan_kernel::Db;
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = auction::SpeciesPrice)]
pub struct SpeciesPrice {
    pub species_code: String,
    pub species: String,
    pub grams: i64,
    pub value: i64,
    /// Lowest and highest price per kg.
    pub min_price: i64,
    pub max_price: i64,
    /// Average price per kg weighted by weight, rounded half up.
    pub avg_price: i64,
    pub lots: i64,
}

/// Sales of a day (WIB) at one port or all, by species.
pub async fn prices_of_day(db: &Db, day: &str, port: Option<i64>) -> Result<Vec<SpeciesPrice>> {
    let rows = sqlx::query(
        "SELECT sp.code, sp.local_name, CAST(SUM(s.grams) AS BIGINT) AS grams, CAST(SUM(s.value) AS BIGINT) AS value, \
         MIN(s.price) AS lo, MAX(s.price) AS hi, COUNT(DISTINCT s.lot_id) AS lots \
         FROM auction_sales s JOIN auction_sessions se ON se.id = s.session_id \
         JOIN auction_lots l ON l.id = s.lot_id JOIN auction_species sp ON sp.id = l.species_id \
         WHERE se.day = $1 AND ($2 = 0 OR se.port_id = $2) \
         GROUP BY sp.code, sp.local_name ORDER BY SUM(s.value) DESC",
    )
    .bind(day)
    .bind(port.unwrap_or(0))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok({
                let grams: i64 = r.try_get("grams")?;
                let value: i64 = r.try_get("value")?;
                SpeciesPrice {
                    species_code: r.try_get("code")?,
                    species: r.try_get("local_name")?,
                    grams,
                    value,
                    min_price: r.try_get("lo")?,
                    max_price: r.try_get("hi")?,
                    avg_price: if grams > 0 {
                        (value * 1_000 + grams / 2) / grams
                    } else {
                        0
                    },
                    lots: r.try_get("lots")?,
                }
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// One day of a species' prices: (day, average, lowest, highest) per kg.
pub type DayPrice = (String, i64, i64, i64);

/// A species' daily prices over the last `days` days up to `to_day`, at one port or all.
pub async fn history(
    db: &Db,
    species_code: &str,
    port: Option<i64>,
    from_day: &str,
    to_day: &str,
) -> Result<Vec<DayPrice>> {
    let rows = sqlx::query(
        "SELECT se.day, CAST(SUM(s.value) AS BIGINT) AS value, CAST(SUM(s.grams) AS BIGINT) AS grams, \
         MIN(s.price) AS lo, MAX(s.price) AS hi \
         FROM auction_sales s JOIN auction_sessions se ON se.id = s.session_id \
         JOIN auction_lots l ON l.id = s.lot_id JOIN auction_species sp ON sp.id = l.species_id \
         WHERE sp.code = $1 AND ($2 = 0 OR se.port_id = $2) AND se.day >= $3 AND se.day <= $4 \
         GROUP BY se.day ORDER BY se.day",
    )
    .bind(species_code)
    .bind(port.unwrap_or(0))
    .bind(from_day)
    .bind(to_day)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok({
                let (value, grams): (i64, i64) = (r.try_get("value")?, r.try_get("grams")?);
                let avg = if grams > 0 {
                    (value * 1_000 + grams / 2) / grams
                } else {
                    0
                };
                (r.try_get("day")?, avg, r.try_get("lo")?, r.try_get("hi")?)
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// The levy collected on a day's sales at a port, by account: the sums of the tickets' own
/// breakdowns ([`LevyTotals::of_tickets`]).
pub async fn levy_of_day(db: &Db, port: i64, day: &str) -> Result<LevyTotals> {
    let rows = sqlx::query(
        "SELECT s.levy FROM auction_sales s JOIN auction_sessions se ON se.id = s.session_id \
         WHERE se.port_id = $1 AND se.day = $2 ORDER BY s.id",
    )
    .bind(port)
    .bind(day)
    .fetch_all(&db.pool)
    .await?;
    let mut tickets = Vec::with_capacity(rows.len());
    for r in &rows {
        let text: Option<String> = r.try_get("levy")?;
        tickets.push(text.and_then(|j| serde_json::from_str::<LevyBreakdown>(&j).ok()));
    }
    Ok(LevyTotals::of_tickets(tickets.iter().map(Option::as_ref)))
}

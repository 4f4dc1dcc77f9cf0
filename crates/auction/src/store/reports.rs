//! Figures from the sales: a day's prices by species, for the public page and the port's report.

use super::Result;
use anjungan_kernel::Db;
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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
        .map(|r| {
            let grams: i64 = r.get("grams");
            let value: i64 = r.get("value");
            SpeciesPrice {
                species_code: r.get("code"),
                species: r.get("local_name"),
                grams,
                value,
                min_price: r.get("lo"),
                max_price: r.get("hi"),
                avg_price: if grams > 0 {
                    (value * 1_000 + grams / 2) / grams
                } else {
                    0
                },
                lots: r.get("lots"),
            }
        })
        .collect())
}

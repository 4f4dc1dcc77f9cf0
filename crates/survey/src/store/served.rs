//! People served per unit and period (the population of the Krejcie–Morgan sample).

use super::Result;
use crate::domain::Period;
use anjungan_kernel::clock::Millis;
use anjungan_kernel::db::{Db, Tx};
use sqlx::Row;

/// The people served of every unit that entered a count for the period: (unit, served).
pub async fn served_all(db: &Db, period: &Period) -> Result<Vec<(i64, i64)>> {
    let rows = sqlx::query("SELECT org_id, served FROM survey_served WHERE period = $1")
        .bind(period.key())
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok((r.try_get("org_id")?, r.try_get("served")?))
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

pub async fn served(db: &Db, org_id: i64, period: &Period) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT served FROM survey_served WHERE org_id = $1 AND period = $2")
            .bind(org_id)
            .bind(period.key())
            .fetch_optional(&db.pool)
            .await?,
    )
}

/// Saves the people a unit served in a period.
pub async fn save_served(
    tx: &mut Tx,
    org_id: i64,
    period: &Period,
    served: i64,
    now: Millis,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO survey_served (org_id, period, served, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (org_id, period) DO UPDATE SET served = excluded.served, updated_at = excluded.updated_at",
    )
    .bind(org_id)
    .bind(period.key())
    .bind(served)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

//! An edition's entries: the innovations it exhibits.

use anjungan_kernel::clock::now_ms;
use anjungan_kernel::db::{Conn, Db};
use sqlx::Row;

/// Entries of an edition: (entry id, innovation id, organisation id).
pub async fn entries(db: &Db, edition_id: i64) -> anjungan_kernel::Result<Vec<(i64, i64, i64)>> {
    let rows = sqlx::query(
        "SELECT id, innovation_id, org_id FROM festival_entries WHERE edition_id = $1 ORDER BY id",
    )
    .bind(edition_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok((
                r.try_get("id")?,
                r.try_get("innovation_id")?,
                r.try_get("org_id")?,
            ))
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// How many editions an innovation has been entered in.
pub async fn entries_of_innovation(
    db: &Db,
    innovation_id: i64,
) -> anjungan_kernel::Result<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT edition_id FROM festival_entries WHERE innovation_id = $1")
            .bind(innovation_id)
            .fetch_all(&db.pool)
            .await?,
    )
}

pub async fn insert_entry(
    conn: &mut Conn,
    edition_id: i64,
    innovation_id: i64,
    org_id: i64,
) -> anjungan_kernel::Result<i64> {
    Ok(sqlx::query_scalar("INSERT INTO festival_entries (edition_id, innovation_id, org_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(edition_id)
        .bind(innovation_id)
        .bind(org_id)
        .bind(now_ms())
        .fetch_one(&mut *conn)
        .await?)
}

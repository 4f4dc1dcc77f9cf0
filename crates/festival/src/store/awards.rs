//! Awards: computed from the standings or given by the jury, with their verification codes.

use anjungan_kernel::clock::{Millis, now_ms};
use anjungan_kernel::db::{Conn, Db};
use sqlx::Row;

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = festival::Award)]
pub struct Award {
    pub category: String,
    pub entry_id: i64,
    /// The certificate's verification code.
    pub code: String,
    pub created_at: Millis,
}

/// Replaces the computed awards (winners, favourite) of an edition; chosen ones stay.
pub async fn replace_computed_awards(
    conn: &mut Conn,
    edition_id: i64,
    awards: &[(crate::domain::award::Category, i64)],
) -> anjungan_kernel::Result<()> {
    sqlx::query("DELETE FROM festival_awards WHERE edition_id = $1 AND category <> 'special'")
        .bind(edition_id)
        .execute(&mut *conn)
        .await?;
    for (c, entry) in awards {
        sqlx::query("INSERT INTO festival_awards (edition_id, category, entry_id, code, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(edition_id)
            .bind(c.code())
            .bind(*entry)
            .bind(anjungan_kernel::crypto::random_token(9))
            .bind(now_ms())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Inserts a special award; `Ok(false)` when the entry already has one (the caller's
/// transaction is then spoiled on PostgreSQL and must not be committed).
pub async fn insert_special_award(
    conn: &mut Conn,
    edition_id: i64,
    entry: i64,
) -> anjungan_kernel::Result<bool> {
    let res = sqlx::query("INSERT INTO festival_awards (edition_id, category, entry_id, code, created_at) VALUES ($1, 'special', $2, $3, $4)")
        .bind(edition_id)
        .bind(entry)
        .bind(anjungan_kernel::crypto::random_token(9))
        .bind(now_ms())
        .execute(&mut *conn)
        .await;
    match res {
        Ok(_) => Ok(true),
        Err(e) if anjungan_kernel::db::is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

pub async fn awards(db: &Db, edition_id: i64) -> anjungan_kernel::Result<Vec<Award>> {
    let rows = sqlx::query("SELECT category, entry_id, code, created_at FROM festival_awards WHERE edition_id = $1 ORDER BY category, id").bind(edition_id).fetch_all(&db.pool).await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok(Award {
                category: r.try_get("category")?,
                entry_id: r.try_get("entry_id")?,
                code: r.try_get("code")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// An award by its certificate code: (edition number, award).
pub async fn award_by_code(db: &Db, code: &str) -> anjungan_kernel::Result<Option<(i64, Award)>> {
    let row = sqlx::query(
        "SELECT e.number, a.category, a.entry_id, a.code, a.created_at FROM festival_awards a JOIN festival_editions e ON e.id = a.edition_id WHERE a.code = $1",
    )
    .bind(code)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok({
                (
                    r.try_get("number")?,
                    Award {
                        category: r.try_get("category")?,
                        entry_id: r.try_get("entry_id")?,
                        code: r.try_get("code")?,
                        created_at: r.try_get("created_at")?,
                    },
                )
            })
        })
        .transpose()?)
}

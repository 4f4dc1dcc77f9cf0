//! Festival SQL for signing up to agenda sessions. The seat check runs inside the write
//! transaction after locking the session's row, so concurrent sign-ups never exceed capacity.

use crate::domain::signup::{Seat, SignupError};

use anjungan_kernel::clock::Millis;
use anjungan_kernel::db::{Conn, Db};
use sqlx::Row;
use std::collections::HashMap;

#[derive(Debug, thiserror::Error)]
pub enum SignupFailure {
    #[error(transparent)]
    Rule(#[from] SignupError),
    #[error("no such session")]
    NotFound,
    #[error(transparent)]
    Kernel(#[from] anjungan_kernel::Error),
}

impl From<sqlx::Error> for SignupFailure {
    fn from(e: sqlx::Error) -> Self {
        SignupFailure::Kernel(e.into())
    }
}

/// Locks a session's row and reads its seats as `user_id` would take one; `None` if the edition
/// has no such session. A no-op update takes the row lock on PostgreSQL (SQLite's write
/// transaction is exclusive), so concurrent sign-ups are counted one after another.
pub async fn seat(
    conn: &mut Conn,
    edition_id: i64,
    session_id: i64,
    user_id: i64,
) -> anjungan_kernel::Result<Option<Seat>> {
    let locked = sqlx::query(
        "UPDATE festival_sessions SET capacity = capacity WHERE id = $1 AND edition_id = $2",
    )
    .bind(session_id)
    .bind(edition_id)
    .execute(&mut *conn)
    .await?;
    if locked.rows_affected() == 0 {
        return Ok(None);
    }
    let row = sqlx::query(
        "SELECT s.starts_at, s.capacity, \
         (SELECT COUNT(*) FROM festival_signups WHERE session_id = s.id) AS taken, \
         (SELECT COUNT(*) FROM festival_signups WHERE session_id = s.id AND user_id = $2) AS mine \
         FROM festival_sessions s WHERE s.id = $1",
    )
    .bind(session_id)
    .bind(user_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Some(Seat {
        starts_at: row.try_get("starts_at")?,
        capacity: row.try_get("capacity")?,
        taken: row.try_get("taken")?,
        already: row.try_get::<i64, _>("mine")? > 0,
    }))
}

pub async fn insert_signup(
    conn: &mut Conn,
    session_id: i64,
    user_id: i64,
    now: Millis,
) -> anjungan_kernel::Result<()> {
    sqlx::query(
        "INSERT INTO festival_signups (session_id, user_id, created_at) VALUES ($1, $2, $3)",
    )
    .bind(session_id)
    .bind(user_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Removes one's sign-up; returns whether there was one.
pub async fn delete_signup(
    conn: &mut Conn,
    session_id: i64,
    user_id: i64,
) -> anjungan_kernel::Result<bool> {
    let n = sqlx::query("DELETE FROM festival_signups WHERE session_id = $1 AND user_id = $2")
        .bind(session_id)
        .bind(user_id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(n > 0)
}

/// Sign-ups per session of an edition.
pub async fn counts(db: &Db, edition_id: i64) -> anjungan_kernel::Result<HashMap<i64, i64>> {
    let rows = sqlx::query(
        "SELECT g.session_id, COUNT(*) AS n FROM festival_signups g \
         JOIN festival_sessions s ON s.id = g.session_id WHERE s.edition_id = $1 GROUP BY g.session_id",
    )
    .bind(edition_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok((r.try_get("session_id")?, r.try_get("n")?))
        })
        .collect::<std::result::Result<HashMap<_, _>, _>>()?)
}

/// The sessions of an edition someone signed up for.
pub async fn mine(db: &Db, edition_id: i64, user_id: i64) -> anjungan_kernel::Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT g.session_id FROM festival_signups g JOIN festival_sessions s ON s.id = g.session_id \
         WHERE s.edition_id = $1 AND g.user_id = $2",
    )
    .bind(edition_id)
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?)
}

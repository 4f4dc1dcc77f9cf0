//! Outbox SQL. Claiming uses `FOR UPDATE SKIP LOCKED` on PostgreSQL so concurrent workers on
//! several nodes never take the same message; on SQLite the single writer serialises claims.

use super::domain::{LEASE, NewMessage, State};
use crate::crypto::Keys;
use crate::db::{Conn, Db};
use sqlx::Row;

pub async fn enqueue(conn: &mut Conn, keys: &Keys, m: &NewMessage) -> crate::Result<i64> {
    let now = crate::clock::now_ms();
    let id = sqlx::query_scalar(
        "INSERT INTO outbox (channel, recipient_sealed, recipient_masked, subject, body_sealed, state, attempts, \
         max_attempts, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $7, $7) RETURNING id",
    )
    .bind(m.channel.code())
    .bind(keys.seal(&m.recipient))
    .bind(m.masked_recipient())
    .bind(&m.subject)
    .bind(keys.seal(&m.body))
    .bind(super::domain::MAX_ATTEMPTS)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// A message claimed for delivery, opened for the sender.
pub struct Claimed {
    pub id: i64,
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
}

/// Claims up to `limit` due messages for `LEASE` ms and counts the attempt.
pub async fn claim(db: &Db, keys: &Keys, limit: i64) -> crate::Result<Vec<Claimed>> {
    let now = crate::clock::now_ms();
    let mut tx = db.begin_private_write().await?;
    let sql = format!(
        "SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= $1 \
         AND (locked_until IS NULL OR locked_until <= $1) ORDER BY id LIMIT $2 {}",
        db.skip_locked()
    );
    let ids: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let r = sqlx::query(
            "UPDATE outbox SET locked_until = $1, attempts = attempts + 1 WHERE id = $2 \
             RETURNING id, channel, recipient_sealed, subject, body_sealed, attempts",
        )
        .bind(now + LEASE)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let recipient: String = r.try_get("recipient_sealed")?;
        let body: String = r.try_get("body_sealed")?;
        out.push(Claimed {
            id,
            channel: r.try_get("channel")?,
            recipient: keys.open(&recipient).unwrap_or_default(),
            subject: r.try_get("subject")?,
            body: keys.open(&body).unwrap_or_default(),
            attempts: r.try_get("attempts")?,
        });
    }
    tx.commit().await?;
    Ok(out)
}

/// Records a message as done: `Sent` (a gateway took it) or `Logged` (no gateway: not delivered).
pub async fn mark_done(db: &Db, id: i64, state: State) -> crate::Result<()> {
    sqlx::query("UPDATE outbox SET state = $1, sent_at = $2, locked_until = NULL, last_error = NULL WHERE id = $3")
        .bind(state.code())
        .bind(crate::clock::now_ms())
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn mark_failed(
    db: &Db,
    id: i64,
    state: State,
    next_attempt_at: i64,
    error: &str,
) -> crate::Result<()> {
    let error: String = error.chars().take(500).collect();
    sqlx::query("UPDATE outbox SET state = $1, next_attempt_at = $2, locked_until = NULL, last_error = $3 WHERE id = $4")
        .bind(state.code())
        .bind(next_attempt_at)
        .bind(error)
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Puts a failed message back in the queue (admin action).
pub async fn retry(db: &Db, actor: &crate::audit::Actor, id: i64) -> crate::Result<()> {
    let mut tx = db.begin_write().await?;
    let n = sqlx::query("UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = $1 WHERE id = $2 AND state = 'failed'")
        .bind(crate::clock::now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(crate::Error::NotFound);
    }
    crate::audit::store::write(
        &mut tx,
        actor,
        &crate::audit::KernelEvent::OutboxRetried { id },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = kernel::outbox::MessageView)]
pub struct MessageView {
    pub id: i64,
    pub channel: String,
    /// Masked.
    pub recipient: String,
    pub subject: String,
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

pub async fn list(db: &Db, state: Option<&str>, limit: i64) -> crate::Result<Vec<MessageView>> {
    let rows = sqlx::query(
        "SELECT id, channel, recipient_masked, subject, state, attempts, next_attempt_at, last_error, created_at, sent_at \
         FROM outbox WHERE ($1 IS NULL OR state = $1) ORDER BY id DESC LIMIT $2",
    )
    .bind(state)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> Result<_, sqlx::Error> {
            Ok(MessageView {
                id: r.try_get("id")?,
                channel: r.try_get("channel")?,
                recipient: r.try_get("recipient_masked")?,
                subject: r.try_get("subject")?,
                state: r.try_get("state")?,
                attempts: r.try_get("attempts")?,
                next_attempt_at: r.try_get("next_attempt_at")?,
                last_error: r.try_get("last_error")?,
                created_at: r.try_get("created_at")?,
                sent_at: r.try_get("sent_at")?,
            })
        })
        .collect::<Result<Vec<_>, _>>()?)
}

/// Messages waiting to be sent, for `/metrics` and the admin page.
pub async fn backlog(db: &Db) -> crate::Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE state = 'pending'")
            .fetch_one(&db.pool)
            .await?,
    )
}

pub async fn counts(db: &Db) -> crate::Result<Vec<(String, i64)>> {
    let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM outbox GROUP BY state ORDER BY state")
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(|r| -> Result<_, sqlx::Error> { Ok((r.try_get("state")?, r.try_get("n")?)) })
        .collect::<Result<Vec<_>, _>>()?)
}

//! Audit SQL. There is deliberately no update or delete here; the database refuses them too,
//! except the one update that writes an entry's chain link once. Links are written by
//! [`chain_pending`] right after entries commit, in id order, under a lock that waits for every
//! transaction still writing entries, so no entry is ever linked out of order.

use super::domain::{Actor, AuditEntry, AuditFilter};
use crate::db::Conn;
use sqlx::Row;

/// Appends one typed event in the caller's transaction.
pub async fn write(
    conn: &mut Conn,
    actor: &Actor,
    event: &impl super::domain::Event,
) -> Result<(), sqlx::Error> {
    record(
        conn,
        actor,
        event.action(),
        event.record_type(),
        &event.record_id(),
        event.summary(),
    )
    .await
}

/// Appends one entry; rooms use [`write`] with their typed events.
pub(crate) async fn record(
    conn: &mut Conn,
    actor: &Actor,
    action: &str,
    record_type: &str,
    record_id: &str,
    summary: serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor_label, channel, action, record_type, record_id, summary, request_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(crate::clock::now_ms())
    .bind(actor.user_id)
    .bind(&actor.label)
    .bind(actor.channel.code())
    .bind(action)
    .bind(record_type)
    .bind(record_id)
    .bind(summary.to_string())
    .bind(&actor.request_id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn list(
    db: &crate::Db,
    filter: &AuditFilter,
    limit: i64,
) -> Result<Vec<AuditEntry>, sqlx::Error> {
    // Optional filters as `($n IS NULL OR col = $n)` keep one portable statement.
    let rows = sqlx::query(
        "SELECT id, at, actor_id, actor_label, channel, action, record_type, record_id, summary, request_id \
         FROM audit_log \
         WHERE ($1 IS NULL OR action = $1) AND ($2 IS NULL OR record_type = $2) \
           AND ($3 IS NULL OR record_id = $3) AND ($4 IS NULL OR actor_id = $4) \
           AND ($5 IS NULL OR channel = $5) AND ($6 IS NULL OR id < $6) \
         ORDER BY id DESC LIMIT $7",
    )
    .bind(&filter.action)
    .bind(&filter.record_type)
    .bind(&filter.record_id)
    .bind(filter.actor_id)
    .bind(&filter.channel)
    .bind(filter.before)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(entry_of).collect()
}

fn entry_of(r: &sqlx::any::AnyRow) -> Result<AuditEntry, sqlx::Error> {
    Ok(AuditEntry {
        id: r.try_get("id")?,
        at: r.try_get("at")?,
        actor_id: r.try_get("actor_id")?,
        actor_label: r.try_get("actor_label")?,
        channel: r.try_get("channel")?,
        action: r.try_get("action")?,
        record_type: r.try_get("record_type")?,
        record_id: r.try_get("record_id")?,
        summary: r.try_get("summary")?,
        request_id: r.try_get("request_id")?,
    })
}

const ENTRY_COLUMNS: &str = "id, at, actor_id, actor_label, channel, action, record_type, record_id, summary, request_id, chain_hash";

/// Links the entries written since the last run to the chain; returns how many. Safe to run
/// on several nodes at once: they take turns.
pub async fn chain_pending(db: &crate::Db, keys: &crate::crypto::Keys) -> crate::Result<usize> {
    let mut tx = db.begin_private_write().await?;
    if db.backend == crate::db::Backend::Postgres {
        // Waits for every transaction that has written entries to end and holds new ones back
        // until this one commits, so the pending entries are exactly a committed id range.
        sqlx::query("LOCK TABLE audit_log IN EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await?;
    }
    let previous: Option<String> = sqlx::query_scalar(
        "SELECT chain_hash FROM audit_log WHERE chain_hash IS NOT NULL ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(&mut *tx)
    .await?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE chain_hash IS NULL ORDER BY id LIMIT 5000"
    )))
    .fetch_all(&mut *tx)
    .await?;
    let mut previous = previous.unwrap_or_else(|| super::domain::CHAIN_GENESIS.to_string());
    for r in &rows {
        let e = entry_of(r)?;
        previous = keys.audit_link(&previous, &e.canonical());
        sqlx::query("UPDATE audit_log SET chain_hash = $1 WHERE id = $2")
            .bind(&previous)
            .bind(e.id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(rows.len())
}

/// Walks the whole chain from the first entry, a page at a time, and reports its head or the
/// first broken link.
pub async fn verify(
    db: &crate::Db,
    keys: &crate::crypto::Keys,
) -> crate::Result<super::domain::ChainReport> {
    // Built once; each page reuses it (a clone of `SqlStr` shares the text).
    let sql = sqlx::SqlSafeStr::into_sql_str(sqlx::AssertSqlSafe(format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE id > $1 ORDER BY id LIMIT 5000"
    )));
    let mut walker = super::domain::ChainWalker::default();
    let mut after = i64::MIN;
    loop {
        let rows = sqlx::query(sql.clone())
            .bind(after)
            .fetch_all(&db.pool)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get("id")?;
        for r in &rows {
            let hash: Option<String> = r.try_get("chain_hash")?;
            walker.step(&entry_of(r)?, hash.as_deref(), |prev, e| {
                keys.audit_link(prev, &e.canonical())
            });
        }
    }
    Ok(walker.report())
}

/// The last linked entry and its link, for the admin page.
pub async fn head(db: &crate::Db) -> Result<Option<(i64, String)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, chain_hash FROM audit_log WHERE chain_hash IS NOT NULL ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| -> Result<_, sqlx::Error> { Ok(Ok((r.try_get("id")?, r.try_get("chain_hash")?))) })
        .transpose()?
        .transpose()
}

pub async fn count(db: &crate::Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&db.pool)
        .await
}

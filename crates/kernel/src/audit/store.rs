//! Audit SQL. There is deliberately no update or delete here; the database refuses them too.

use super::domain::{Actor, AuditEntry, AuditFilter};
use crate::db::Conn;
use sqlx::Row;

pub async fn record(
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
    Ok(rows
        .into_iter()
        .map(|r| AuditEntry {
            id: r.get("id"),
            at: r.get("at"),
            actor_id: r.get("actor_id"),
            actor_label: r.get("actor_label"),
            channel: r.get("channel"),
            action: r.get("action"),
            record_type: r.get("record_type"),
            record_id: r.get("record_id"),
            summary: r.get("summary"),
            request_id: r.get("request_id"),
        })
        .collect())
}

pub async fn count(db: &crate::Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&db.pool)
        .await
}

//! OAI-PMH queries: every work that was ever published, with its last-change datestamp; works
//! no longer on the site are deleted records (persistent). Ordered by (datestamp, id).

use super::works::{COLUMNS, Work, from_row};
use super::{Bind, Result, bind_all};
use crate::domain::oai::ListArgs;
use anjungan_kernel::Db;
use sqlx::Row;
use time::OffsetDateTime;

fn ms(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

/// A harvestable work's local id is `cerita/{id}`.
pub fn local_id(id: i64) -> String {
    format!("cerita/{id}")
}

pub fn parse_local(local: &str) -> Option<i64> {
    local.strip_prefix("cerita/")?.parse().ok()
}

/// The harvestable work with this local id (deleted ones included).
pub async fn record(db: &Db, local: &str) -> Result<Option<Work>> {
    let Some(id) = parse_local(local) else {
        return Ok(None);
    };
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM story_works w WHERE w.id = $1 AND w.oai_at IS NOT NULL"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

/// The earliest datestamp, if anything was ever published.
pub async fn earliest(db: &Db) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT MIN(oai_at) FROM story_works WHERE oai_at IS NOT NULL")
            .fetch_one(&db.pool)
            .await?,
    )
}

/// Up to `limit` works matching the list arguments after the resume point, and how many match
/// without it.
pub async fn list(db: &Db, args: &ListArgs, limit: usize) -> Result<(Vec<Work>, i64)> {
    let mut cond = String::from("w.oai_at IS NOT NULL");
    let mut binds: Vec<Bind> = Vec::new();
    let mut push = |sql: &str, b: Bind, binds: &mut Vec<Bind>| {
        binds.push(b);
        cond.push_str(&sql.replace('?', &format!("${}", binds.len())));
    };
    if let Some(from) = args.from {
        push(" AND w.oai_at >= ?", Bind::Int(ms(from)), &mut binds);
    }
    if let Some(until) = args.until_exclusive() {
        push(" AND w.oai_at < ?", Bind::Int(ms(until)), &mut binds);
    }
    if let Some(set) = &args.set {
        push(" AND w.category = ?", Bind::Text(set.clone()), &mut binds);
    }
    let total_cond = cond.clone();
    let total_binds = binds.len();
    if let Some((at, local)) = &args.after {
        let id = parse_local(local).unwrap_or(i64::MAX);
        let at = ms(*at);
        binds.push(Bind::Int(at));
        let a = binds.len();
        binds.push(Bind::Int(id));
        cond.push_str(&format!(
            " AND (w.oai_at > ${a} OR (w.oai_at = ${a} AND w.id > ${}))",
            a + 1
        ));
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM story_works w WHERE {cond} ORDER BY w.oai_at, w.id LIMIT {limit}"
    );
    let rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), &binds)
        .fetch_all(&db.pool)
        .await?;
    let count_sql = format!("SELECT COUNT(*) AS n FROM story_works w WHERE {total_cond}");
    let total: i64 = bind_all(
        sqlx::query(sqlx::AssertSqlSafe(count_sql)),
        &binds[..total_binds],
    )
    .fetch_one(&db.pool)
    .await?
    .get("n");
    Ok((
        rows.iter()
            .map(from_row)
            .collect::<std::result::Result<Vec<_>, _>>()?,
        total,
    ))
}

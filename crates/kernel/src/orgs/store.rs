//! Organisation SQL.

use super::domain::{
    OrgError, OrgKind, OrgProfile, OrgRef, Organisation, TRENGGALEK_WILAYAH, parse_wilayah,
};
use crate::audit::{self, Actor, KernelEvent};
use crate::db::{Conn, Db};
use sqlx::Row;
use sqlx::any::AnyRow;

const COLUMNS: &str = "id, code, name, kind, parent_id, path, short_name, email, phone, address, head_name, website, updated_at";

fn from_row(r: &AnyRow) -> Result<Organisation, sqlx::Error> {
    Ok(Organisation {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        kind: OrgKind::parse(r.try_get::<String, _>("kind")?.as_str()).unwrap_or(OrgKind::Agency),
        parent_id: r.try_get("parent_id")?,
        path: r.try_get("path")?,
        short_name: r.try_get("short_name")?,
        email: r.try_get("email")?,
        phone: r.try_get("phone")?,
        address: r.try_get("address")?,
        head_name: r.try_get("head_name")?,
        website: r.try_get("website")?,
        updated_at: r.try_get("updated_at")?,
    })
}

async fn insert(
    conn: &mut Conn,
    code: &str,
    name: &str,
    kind: OrgKind,
    parent: Option<&OrgRef>,
    now: i64,
) -> Result<OrgRef, sqlx::Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO organisations (code, name, kind, parent_id, path, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, '', $5, $5) RETURNING id",
    )
    .bind(code)
    .bind(name)
    .bind(kind.code())
    .bind(parent.map(|p| p.id))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    let path = OrgRef::child_path(parent.map(|p| p.path.as_str()), id);
    sqlx::query("UPDATE organisations SET path = $1 WHERE id = $2")
        .bind(&path)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(OrgRef { id, path })
}

/// Seeds the regency, its districts, villages and wards from the shipped official list.
/// Idempotent: existing codes are left as they are. Returns how many were added.
pub async fn seed_wilayah(db: &Db, actor: &Actor) -> Result<usize, anyhow::Error> {
    let rows = parse_wilayah(TRENGGALEK_WILAYAH)?;
    let now = crate::clock::now_ms();
    let mut tx = db.begin_write().await?;
    let existing: Vec<(String, i64, String)> =
        sqlx::query("SELECT code, id, path FROM organisations")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| -> Result<_, sqlx::Error> {
                Ok((r.try_get("code")?, r.try_get("id")?, r.try_get("path")?))
            })
            .collect::<Result<Vec<_>, _>>()?;
    let mut known: std::collections::HashMap<String, OrgRef> = existing
        .into_iter()
        .map(|(c, id, path)| (c, OrgRef { id, path }))
        .collect();
    let mut added = 0;
    for row in rows {
        if known.contains_key(&row.code) {
            continue;
        }
        let parent = row.parent_code.as_ref().and_then(|p| known.get(p)).cloned();
        let r = insert(
            &mut tx,
            &row.code,
            &row.name,
            row.kind,
            parent.as_ref(),
            now,
        )
        .await?;
        known.insert(row.code, r);
        added += 1;
    }
    if added > 0 {
        audit::store::write(&mut tx, actor, &KernelEvent::OrgsSeeded { added }).await?;
    }
    tx.commit().await?;
    Ok(added)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct OrgFilter {
    /// regency, district, village, ward or agency
    pub kind: Option<String>,
    pub parent_id: Option<i64>,
    /// Part of the name, case-insensitive.
    pub q: Option<String>,
}

pub async fn list(db: &Db, filter: &OrgFilter) -> Result<Vec<Organisation>, sqlx::Error> {
    let q = filter
        .q
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| format!("%{}%", s.to_lowercase()));
    let kind = filter.kind.as_deref().filter(|s| !s.is_empty());
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM organisations WHERE ($1 IS NULL OR kind = $1) AND ($2 IS NULL OR parent_id = $2) \
         AND ($3 IS NULL OR LOWER(name) LIKE $3) ORDER BY code"
    )))
    .bind(kind)
    .bind(filter.parent_id)
    .bind(q)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()
}

pub async fn get(db: &Db, id: i64) -> Result<Option<Organisation>, sqlx::Error> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM organisations WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn get_by_code(db: &Db, code: &str) -> Result<Option<Organisation>, sqlx::Error> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM organisations WHERE code = $1"
    )))
    .bind(code)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn regency(db: &Db) -> Result<Option<Organisation>, sqlx::Error> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM organisations WHERE kind = 'regency' ORDER BY id LIMIT 1"
    )))
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Adds an agency (OPD) under the regency.
pub async fn create_agency(
    db: &Db,
    actor: &Actor,
    code: &str,
    profile: OrgProfile,
) -> Result<i64, crate::Error> {
    let profile = profile.validate()?;
    let code = super::domain::parse_agency_code(code)?;
    let parent = regency(db).await?.map(|o| o.as_ref());
    let now = crate::clock::now_ms();
    let mut tx = db.begin_write().await?;
    let r = match insert(
        &mut tx,
        &code,
        &profile.name,
        OrgKind::Agency,
        parent.as_ref(),
        now,
    )
    .await
    {
        Ok(r) => r,
        Err(e) if crate::db::is_unique_violation(&e) => return Err(OrgError::CodeTaken.into()),
        Err(e) => return Err(e.into()),
    };
    write_profile(&mut tx, r.id, &profile, now).await?;
    audit::store::write(
        &mut tx,
        actor,
        &KernelEvent::OrgCreated {
            id: r.id,
            code: &code,
            name: &profile.name,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(r.id)
}

async fn write_profile(
    conn: &mut Conn,
    id: i64,
    p: &OrgProfile,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE organisations SET name = $1, short_name = $2, email = $3, phone = $4, address = $5, \
         head_name = $6, website = $7, updated_at = $8 WHERE id = $9",
    )
    .bind(&p.name)
    .bind(&p.short_name)
    .bind(&p.email)
    .bind(&p.phone)
    .bind(&p.address)
    .bind(&p.head_name)
    .bind(&p.website)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Updates an organisation's profile and records the changed fields.
pub async fn update_profile(
    db: &Db,
    actor: &Actor,
    current: &Organisation,
    profile: OrgProfile,
) -> Result<(), crate::Error> {
    let p = profile.validate()?;
    let now = crate::clock::now_ms();
    let mut tx = db.begin_write().await?;
    write_profile(&mut tx, current.id, &p, now).await?;
    audit::store::write(
        &mut tx,
        actor,
        &KernelEvent::OrgUpdated {
            before: current,
            after: &p,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn count_by_kind(db: &Db) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let rows =
        sqlx::query("SELECT kind, COUNT(*) AS n FROM organisations GROUP BY kind ORDER BY kind")
            .fetch_all(&db.pool)
            .await?;
    rows.iter()
        .map(|r| -> Result<_, sqlx::Error> { Ok((r.try_get("kind")?, r.try_get("n")?)) })
        .collect::<Result<Vec<_>, _>>()
}

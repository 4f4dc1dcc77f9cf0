//! The SQL of the desk's supporting records: the holiday calendar, complaints and Open311 API
//! keys. Their use cases (rules, audit, messages) are in `service::admin`.

use super::{Result, forget_calendar, iso, parse_iso, today};
use crate::domain::calendar::fixed_holidays;
use anjungan_kernel::Db;
use anjungan_kernel::crypto::{Keys, token_hash};
use anjungan_kernel::db::Conn;
use sqlx::Row;

// --- holidays ---

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = desk::Holiday)]
pub struct Holiday {
    pub day: String,
    pub name: String,
    pub kind: String,
}

pub async fn holidays(db: &Db, year: i32) -> Result<Vec<Holiday>> {
    let rows = sqlx::query(
        "SELECT day, name, kind FROM desk_holidays WHERE day >= $1 AND day <= $2 ORDER BY day",
    )
    .bind(format!("{year:04}-01-01"))
    .bind(format!("{year:04}-12-31"))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok(Holiday {
                day: r.try_get("day")?,
                name: r.try_get("name")?,
                kind: r.try_get("kind")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// Adds a holiday, or renames the one on that day.
pub async fn upsert_holiday(conn: &mut Conn, day: &str, name: &str, kind: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO desk_holidays (day, name, kind) VALUES ($1, $2, $3) ON CONFLICT (day) DO UPDATE SET name = $2, kind = $3",
    )
    .bind(day)
    .bind(name)
    .bind(kind)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Removes the holiday on a day; false if there was none.
pub async fn remove_holiday(conn: &mut Conn, day: &str) -> Result<bool> {
    let n = sqlx::query("DELETE FROM desk_holidays WHERE day = $1")
        .bind(day)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(n > 0)
}

/// Seeds the fixed national holidays of the given years (existing days are kept).
pub async fn seed_fixed_holidays(db: &Db, years: &[i32]) -> Result<()> {
    for y in years {
        for (d, name) in fixed_holidays(*y) {
            sqlx::query("INSERT INTO desk_holidays (day, name, kind) VALUES ($1, $2, 'national') ON CONFLICT (day) DO NOTHING")
                .bind(iso(d))
                .bind(name)
                .execute(&db.pool)
                .await?;
        }
    }
    forget_calendar(db);
    Ok(())
}

// --- complaints ---

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = desk::Complaint)]
pub struct Complaint {
    pub id: i64,
    pub org_id: i64,
    pub service_id: Option<i64>,
    pub request_id: Option<i64>,
    /// The number of the request it is about (`PD-2026-000023`), if any.
    pub request_number: Option<String>,
    pub body: String,
    pub contact_masked: String,
    pub lapor_ref: String,
    pub due_on: String,
    pub response: String,
    pub responded_at: Option<i64>,
    pub created_at: i64,
    pub overdue: bool,
}

/// A complaint's columns, body and contact sealed.
pub struct ComplaintRow {
    pub org_id: i64,
    pub service_id: Option<i64>,
    pub request_id: Option<i64>,
    pub body: String,
    pub contact: String,
    pub lapor_ref: String,
    pub due_on: String,
    pub tracking_hash: String,
    pub now: i64,
}

pub async fn insert_complaint(conn: &mut Conn, c: &ComplaintRow) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO desk_complaints (org_id, service_id, request_id, body, contact, lapor_ref, due_on, created_at, tracking_hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(c.org_id)
    .bind(c.service_id)
    .bind(c.request_id)
    .bind(&c.body)
    .bind(&c.contact)
    .bind(&c.lapor_ref)
    .bind(&c.due_on)
    .bind(c.now)
    .bind(&c.tracking_hash)
    .fetch_one(&mut *conn)
    .await?)
}

const COMPLAINTS: &str = "SELECT c.*, r.submitted_on AS request_on FROM desk_complaints c \
     LEFT JOIN desk_requests r ON r.id = c.request_id";

pub async fn complaints(db: &Db, keys: &Keys, org_id: i64) -> Result<Vec<Complaint>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{COMPLAINTS} WHERE c.org_id = $1 ORDER BY c.id DESC LIMIT 500"
    )))
    .bind(org_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| complaint_of(keys, r))
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// A complaint and where it was filed, for the citizen who holds its tracking code.
#[derive(Debug, Clone)]
pub struct Tracked {
    pub complaint: Complaint,
    pub org_name: String,
    pub service_name: Option<String>,
}

/// The complaint a tracking code opens, if any.
pub async fn complaint_by_tracking(
    db: &Db,
    keys: &Keys,
    tracking_hash: &str,
) -> Result<Option<Tracked>> {
    let row = sqlx::query(
        "SELECT c.*, r.submitted_on AS request_on, o.name AS org_name, s.name AS service_name \
         FROM desk_complaints c JOIN organisations o ON o.id = c.org_id \
         LEFT JOIN desk_requests r ON r.id = c.request_id \
         LEFT JOIN desk_services s ON s.id = c.service_id \
         WHERE c.tracking_hash = $1 AND c.tracking_hash <> ''",
    )
    .bind(tracking_hash)
    .fetch_optional(&db.pool)
    .await?;
    let Some(r) = row else {
        return Ok(None);
    };
    Ok(Some(Tracked {
        complaint: complaint_of(keys, &r)?,
        org_name: r.try_get("org_name")?,
        service_name: r.try_get("service_name")?,
    }))
}

fn complaint_of(keys: &Keys, r: &sqlx::any::AnyRow) -> std::result::Result<Complaint, sqlx::Error> {
    let on = today();
    Ok({
        let contact = keys
            .open(r.try_get::<&str, _>("contact")?)
            .unwrap_or_default();
        let responded_at: Option<i64> = r.try_get("responded_at")?;
        let due_on: String = r.try_get("due_on")?;
        Complaint {
            id: r.try_get("id")?,
            org_id: r.try_get("org_id")?,
            service_id: r.try_get("service_id")?,
            request_id: r.try_get("request_id")?,
            request_number: match (
                r.try_get::<Option<i64>, _>("request_id")?,
                r.try_get::<Option<String>, _>("request_on")?,
            ) {
                (Some(id), Some(on)) => Some(super::requests::number_of(id, &on)),
                _ => None,
            },
            body: keys.open(r.try_get::<&str, _>("body")?).unwrap_or_default(),
            contact_masked: if contact.contains('@') {
                anjungan_kernel::crypto::mask_email(&contact)
            } else {
                anjungan_kernel::crypto::mask(&contact, 4, 2)
            },
            lapor_ref: r.try_get("lapor_ref")?,
            overdue: responded_at.is_none() && parse_iso(&due_on).is_some_and(|d| on > d),
            due_on,
            response: r.try_get("response")?,
            responded_at,
            created_at: r.try_get("created_at")?,
        }
    })
}

/// The sealed contact a complaint of the unit left (empty if none); `None` if no such complaint.
pub async fn complaint_contact(conn: &mut Conn, org_id: i64, id: i64) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT contact FROM desk_complaints WHERE id = $1 AND org_id = $2")
            .bind(id)
            .bind(org_id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

pub async fn save_response(conn: &mut Conn, id: i64, response: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE desk_complaints SET response = $1, responded_at = $2 WHERE id = $3")
        .bind(response)
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

// --- Open311 API keys ---

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = desk::ApiKey)]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

pub async fn insert_api_key(
    conn: &mut Conn,
    name: &str,
    key_hash: &str,
    created_by: Option<i64>,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO desk_api_keys (name, key_hash, created_by, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(name)
    .bind(key_hash)
    .bind(created_by)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?)
}

/// Revokes a live key; false if there is none with that id.
pub async fn revoke_api_key(conn: &mut Conn, id: i64, now: i64) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE desk_api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(n > 0)
}

pub async fn api_keys(db: &Db) -> Result<Vec<ApiKey>> {
    let rows =
        sqlx::query("SELECT id, name, created_at, revoked_at FROM desk_api_keys ORDER BY id")
            .fetch_all(&db.pool)
            .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok(ApiKey {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                created_at: r.try_get("created_at")?,
                revoked_at: r.try_get("revoked_at")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// The live key's client id and name, if the key is valid.
pub async fn api_client(db: &Db, key: &str) -> Result<Option<(i64, String)>> {
    if key.is_empty() || key.len() > 200 {
        return Ok(None);
    }
    let row = sqlx::query(
        "SELECT id, name FROM desk_api_keys WHERE key_hash = $1 AND revoked_at IS NULL",
    )
    .bind(token_hash(key))
    .fetch_optional(&db.pool)
    .await?;
    Ok(row
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok((r.try_get("id")?, r.try_get("name")?))
        })
        .transpose()?)
}

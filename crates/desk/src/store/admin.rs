//! The desk's supporting records: the holiday calendar, complaints, Open311 API keys and the
//! one-time codes that prove a citizen's contact.

use super::{Result, calendar, forget_calendar, iso, parse_iso, today};
use crate::domain::DeskError;
use crate::domain::audit::DeskEvent;
use crate::domain::calendar::{HolidayKind, fixed_holidays};
use crate::domain::request::COMPLAINT_RESPONSE_DAYS;
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::crypto::{Keys, random_token, token_hash};
use anjungan_kernel::outbox::{self, domain::NewMessage};
use sqlx::Row;

// --- holidays ---

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
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

/// Adds or renames a holiday.
pub async fn set_holiday(db: &Db, actor: &Actor, day: &str, name: &str, kind: &str) -> Result<()> {
    let date = parse_iso(day.trim())
        .and_then(crate::domain::calendar::holiday_date)
        .ok_or(DeskError::BadDate)?;
    let kind = HolidayKind::parse(kind).ok_or(DeskError::BadText)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(DeskError::BadName.into());
    }
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO desk_holidays (day, name, kind) VALUES ($1, $2, $3) ON CONFLICT (day) DO UPDATE SET name = $2, kind = $3",
    )
    .bind(iso(date))
    .bind(name)
    .bind(kind.code())
    .execute(&mut *tx)
    .await?;
    audit::store::write(
        &mut tx,
        actor,
        &DeskEvent::HolidaySet {
            day: &iso(date),
            name,
            kind,
        },
    )
    .await?;
    tx.commit().await?;
    forget_calendar(db);
    Ok(())
}

pub async fn delete_holiday(db: &Db, actor: &Actor, day: &str) -> Result<()> {
    let date = parse_iso(day.trim()).ok_or(DeskError::BadDate)?;
    let mut tx = db.begin_write().await?;
    let n = sqlx::query("DELETE FROM desk_holidays WHERE day = $1")
        .bind(iso(date))
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(anjungan_kernel::Error::NotFound.into());
    }
    audit::store::write(
        &mut tx,
        actor,
        &DeskEvent::HolidayDeleted { day: &iso(date) },
    )
    .await?;
    tx.commit().await?;
    forget_calendar(db);
    Ok(())
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
pub struct Complaint {
    pub id: i64,
    pub org_id: i64,
    pub service_id: Option<i64>,
    pub request_id: Option<i64>,
    pub body: String,
    pub contact_masked: String,
    pub lapor_ref: String,
    pub due_on: String,
    pub response: String,
    pub responded_at: Option<i64>,
    pub created_at: i64,
    pub overdue: bool,
}

pub struct NewComplaint {
    pub org_id: i64,
    pub service_id: Option<i64>,
    pub request_id: Option<i64>,
    pub body: String,
    pub contact: String,
    pub lapor_ref: String,
}

pub async fn complain(
    db: &Db,
    keys: &Keys,
    actor: &Actor,
    c: &NewComplaint,
) -> Result<(i64, String)> {
    let body = c.body.trim();
    if body.is_empty() || body.chars().count() > 4000 {
        return Err(DeskError::BadText.into());
    }
    let cal = calendar(db).await?;
    let due = cal.add_working_days(today(), COMPLAINT_RESPONSE_DAYS);
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO desk_complaints (org_id, service_id, request_id, body, contact, lapor_ref, due_on, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(c.org_id)
    .bind(c.service_id)
    .bind(c.request_id)
    .bind(keys.seal(body))
    .bind(if c.contact.trim().is_empty() { String::new() } else { keys.seal(c.contact.trim()) })
    .bind(&c.lapor_ref)
    .bind(iso(due))
    .bind(anjungan_kernel::clock::now_ms())
    .fetch_one(&mut *tx)
    .await?;
    audit::store::write(
        &mut tx,
        actor,
        &DeskEvent::ComplaintFiled {
            id,
            org: c.org_id,
            lapor: &c.lapor_ref,
        },
    )
    .await?;
    tx.commit().await?;
    Ok((id, iso(due)))
}

pub async fn complaints(db: &Db, keys: &Keys, org_id: i64) -> Result<Vec<Complaint>> {
    let on = today();
    let rows =
        sqlx::query("SELECT * FROM desk_complaints WHERE org_id = $1 ORDER BY id DESC LIMIT 500")
            .bind(org_id)
            .fetch_all(&db.pool)
            .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
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
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

pub async fn respond(
    db: &Db,
    keys: &Keys,
    actor: &Actor,
    org_id: i64,
    id: i64,
    response: &str,
) -> Result<()> {
    let response = response.trim();
    if response.is_empty() || response.chars().count() > 4000 {
        return Err(DeskError::BadText.into());
    }
    let mut tx = db.begin_write().await?;
    let row = sqlx::query("SELECT contact FROM desk_complaints WHERE id = $1 AND org_id = $2")
        .bind(id)
        .bind(org_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(anjungan_kernel::Error::NotFound)?;
    sqlx::query("UPDATE desk_complaints SET response = $1, responded_at = $2 WHERE id = $3")
        .bind(response)
        .bind(anjungan_kernel::clock::now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let contact = keys
        .open(row.try_get::<&str, _>("contact")?)
        .unwrap_or_default();
    if !contact.is_empty() {
        let channel = if contact.contains('@') {
            outbox::domain::Channel::Email
        } else {
            outbox::domain::Channel::Whatsapp
        };
        outbox::store::enqueue(
            &mut tx,
            keys,
            &NewMessage {
                channel,
                recipient: contact,
                subject: "Tanggapan pengaduan".into(),
                body: format!("Tanggapan atas pengaduan Anda: {response}"),
            },
        )
        .await?;
    }
    audit::store::write(&mut tx, actor, &DeskEvent::ComplaintAnswered { id }).await?;
    tx.commit().await?;
    Ok(())
}

// --- Open311 API keys ---

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// Issues a key for a client; the key itself is returned once and only its hash is kept.
pub async fn create_api_key(db: &Db, actor: &Actor, name: &str) -> Result<(i64, String)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(DeskError::BadName.into());
    }
    let key = random_token(24);
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO desk_api_keys (name, key_hash, created_by, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(name)
    .bind(token_hash(&key))
    .bind(actor.user_id)
    .bind(anjungan_kernel::clock::now_ms())
    .fetch_one(&mut *tx)
    .await?;
    audit::store::write(&mut tx, actor, &DeskEvent::ApiKeyCreated { id, name }).await?;
    tx.commit().await?;
    Ok((id, key))
}

pub async fn revoke_api_key(db: &Db, actor: &Actor, id: i64) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let n = sqlx::query(
        "UPDATE desk_api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
    )
    .bind(anjungan_kernel::clock::now_ms())
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(anjungan_kernel::Error::NotFound.into());
    }
    audit::store::write(&mut tx, actor, &DeskEvent::ApiKeyRevoked { id }).await?;
    tx.commit().await?;
    Ok(())
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

// --- contact codes ---

/// What a Petung Dadi contact code is for, in the kernel's one-time code table.
const CODE_PURPOSE: &str = "desk-contact";

/// Sends a six-digit code to a phone (WhatsApp) or e-mail address, within the kernel's limits
/// per contact and per client address.
pub async fn send_code(db: &Db, keys: &Keys, contact: &str, client: &str, now: i64) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let code = anjungan_kernel::otp::store::issue(
        &mut tx,
        keys,
        &anjungan_kernel::otp::Limits::default(),
        CODE_PURPOSE,
        contact,
        client,
        now,
    )
    .await?;
    let code = match code {
        Ok(code) => code,
        Err(refused) => {
            // The counts of the refused request stay: they are what keeps the limit.
            tx.commit().await?;
            return Err(anjungan_kernel::Error::from(refused).into());
        }
    };
    let channel = if contact.contains('@') {
        outbox::domain::Channel::Email
    } else {
        outbox::domain::Channel::Whatsapp
    };
    outbox::store::enqueue(&mut tx, keys, &NewMessage {
        channel,
        recipient: contact.to_string(),
        subject: "Kode verifikasi Petung Dadi".into(),
        body: format!("Kode verifikasi Petung Dadi Anda: {code}. Berlaku 15 menit. Jangan berikan kepada siapa pun."),
    })
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Checks a code: a correct one is used up; wrong ones count against the contact, and past the
/// limit no code is accepted for a while, not even a new one.
pub async fn check_code(db: &Db, keys: &Keys, contact: &str, code: &str, now: i64) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let checked = anjungan_kernel::otp::store::verify(
        &mut tx,
        keys,
        &anjungan_kernel::otp::Limits::default(),
        CODE_PURPOSE,
        contact,
        code,
        now,
    )
    .await?;
    tx.commit().await?;
    checked.map_err(|e| anjungan_kernel::Error::from(e).into())
}

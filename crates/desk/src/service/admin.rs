//! The desk's supporting records as use cases: the holiday calendar, complaints and their
//! answers, Open311 API keys and the one-time codes that prove a citizen's contact. Each checks
//! its rule (`domain::records`), saves, audits and queues its message in one transaction.

use crate::domain::audit::DeskEvent;
use crate::domain::request::COMPLAINT_RESPONSE_DAYS;
use crate::domain::{notice, records};
use crate::store::admin;
use crate::store::{Result, calendar, forget_calendar, iso, today};
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::crypto::{Keys, random_token, token_hash};
use anjungan_kernel::db::Conn;
use anjungan_kernel::outbox::{self, domain::NewMessage};

/// A phone number hears by WhatsApp, an address by e-mail.
fn channel_of(contact: &str) -> outbox::domain::Channel {
    if contact.contains('@') {
        outbox::domain::Channel::Email
    } else {
        outbox::domain::Channel::Whatsapp
    }
}

async fn send(conn: &mut Conn, keys: &Keys, to: String, message: notice::Notice) -> Result<()> {
    outbox::store::enqueue(
        conn,
        keys,
        &NewMessage {
            channel: channel_of(&to),
            recipient: to,
            subject: message.subject,
            body: message.body,
        },
    )
    .await?;
    Ok(())
}

/// Adds or renames a holiday.
pub async fn set_holiday(db: &Db, actor: &Actor, day: &str, name: &str, kind: &str) -> Result<()> {
    let (date, name, kind) = records::holiday(day, name, kind)?;
    let day = iso(date);
    let mut tx = db.begin_write().await?;
    admin::upsert_holiday(&mut tx, &day, name, kind.code()).await?;
    let event = DeskEvent::HolidaySet {
        day: &day,
        name,
        kind,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    forget_calendar(db);
    Ok(())
}

pub async fn delete_holiday(db: &Db, actor: &Actor, day: &str) -> Result<()> {
    let day = iso(records::day(day)?);
    let mut tx = db.begin_write().await?;
    if !admin::remove_holiday(&mut tx, &day).await? {
        return Err(anjungan_kernel::Error::NotFound.into());
    }
    audit::store::write(&mut tx, actor, &DeskEvent::HolidayDeleted { day: &day }).await?;
    tx.commit().await?;
    forget_calendar(db);
    Ok(())
}

/// A complaint as the citizen files it.
pub struct NewComplaint {
    pub org_id: i64,
    pub service_id: Option<i64>,
    pub request_id: Option<i64>,
    pub body: String,
    pub contact: String,
    pub lapor_ref: String,
}

/// A complaint as filed: its number, the day the unit must answer by, and the code that opens
/// its tracking page (shown once; only its hash is kept).
#[derive(Debug, Clone)]
pub struct FiledComplaint {
    pub id: i64,
    pub due_on: String,
    pub tracking_code: String,
}

/// Files a complaint.
pub async fn complain(
    db: &Db,
    keys: &Keys,
    actor: &Actor,
    c: &NewComplaint,
) -> Result<FiledComplaint> {
    let body = records::text(&c.body)?;
    let cal = calendar(db).await?;
    let due = iso(cal.add_working_days(today(), COMPLAINT_RESPONSE_DAYS));
    let contact = c.contact.trim();
    let code = crate::domain::request::new_tracking_code();
    let row = admin::ComplaintRow {
        org_id: c.org_id,
        service_id: c.service_id,
        request_id: c.request_id,
        body: keys.seal(body),
        contact: if contact.is_empty() {
            String::new()
        } else {
            keys.seal(contact)
        },
        lapor_ref: c.lapor_ref.clone(),
        due_on: due.clone(),
        tracking_hash: anjungan_kernel::crypto::token_hash(&code),
        now: anjungan_kernel::clock::now_ms(),
    };
    let mut tx = db.begin_write().await?;
    let id = admin::insert_complaint(&mut tx, &row).await?;
    let event = DeskEvent::ComplaintFiled {
        id,
        org: c.org_id,
        lapor: &c.lapor_ref,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(FiledComplaint {
        id,
        due_on: due,
        tracking_code: code,
    })
}

/// The complaint a tracking code opens, with the unit's answer once given.
pub async fn tracked_complaint(
    db: &Db,
    keys: &Keys,
    raw_code: &str,
) -> Result<Option<admin::Tracked>> {
    let Some(code) = crate::domain::request::parse_tracking_code(raw_code) else {
        return Ok(None);
    };
    admin::complaint_by_tracking(db, keys, &anjungan_kernel::crypto::token_hash(&code)).await
}

/// The unit answers a complaint; the citizen hears the answer where they left a contact.
pub async fn respond(
    db: &Db,
    keys: &Keys,
    actor: &Actor,
    org_id: i64,
    id: i64,
    response: &str,
) -> Result<()> {
    let response = records::text(response)?;
    let mut tx = db.begin_write().await?;
    let sealed = admin::complaint_contact(&mut tx, org_id, id)
        .await?
        .ok_or(anjungan_kernel::Error::NotFound)?;
    admin::save_response(&mut tx, id, response, anjungan_kernel::clock::now_ms()).await?;
    let contact = keys.open(&sealed).unwrap_or_default();
    if !contact.is_empty() {
        send(&mut tx, keys, contact, notice::complaint_answered(response)).await?;
    }
    audit::store::write(&mut tx, actor, &DeskEvent::ComplaintAnswered { id }).await?;
    tx.commit().await?;
    Ok(())
}

/// Issues a key for a client; the key itself is returned once and only its hash is kept.
pub async fn create_api_key(db: &Db, actor: &Actor, name: &str) -> Result<(i64, String)> {
    let name = records::name(name)?;
    let key = random_token(24);
    let now = anjungan_kernel::clock::now_ms();
    let mut tx = db.begin_write().await?;
    let id = admin::insert_api_key(&mut tx, name, &token_hash(&key), actor.user_id, now).await?;
    audit::store::write(&mut tx, actor, &DeskEvent::ApiKeyCreated { id, name }).await?;
    tx.commit().await?;
    Ok((id, key))
}

pub async fn revoke_api_key(db: &Db, actor: &Actor, id: i64) -> Result<()> {
    let mut tx = db.begin_write().await?;
    if !admin::revoke_api_key(&mut tx, id, anjungan_kernel::clock::now_ms()).await? {
        return Err(anjungan_kernel::Error::NotFound.into());
    }
    audit::store::write(&mut tx, actor, &DeskEvent::ApiKeyRevoked { id }).await?;
    tx.commit().await?;
    Ok(())
}

/// What a Petung Dadi contact code is for, in the kernel's one-time code table.
const CODE_PURPOSE: &str = "desk-contact";

/// Sends a six-digit code to a phone (WhatsApp) or e-mail address, within the kernel's limits
/// per contact and per client address.
pub async fn send_code(db: &Db, keys: &Keys, contact: &str, client: &str, now: i64) -> Result<()> {
    let limits = anjungan_kernel::otp::Limits::default();
    let mut tx = db.begin_write().await?;
    let issued = anjungan_kernel::otp::store::issue(
        &mut tx,
        keys,
        &limits,
        CODE_PURPOSE,
        contact,
        client,
        now,
    )
    .await?;
    let code = match issued {
        Ok(code) => code,
        Err(refused) => {
            // The counts of the refused request stay: they are what keeps the limit.
            tx.commit().await?;
            return Err(anjungan_kernel::Error::from(refused).into());
        }
    };
    send(
        &mut tx,
        keys,
        contact.to_string(),
        notice::contact_code(&code),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Checks a code: a correct one is used up; wrong ones count against the contact, and past the
/// limit no code is accepted for a while, not even a new one.
pub async fn check_code(db: &Db, keys: &Keys, contact: &str, code: &str, now: i64) -> Result<()> {
    let limits = anjungan_kernel::otp::Limits::default();
    let mut tx = db.begin_write().await?;
    let checked = anjungan_kernel::otp::store::verify(
        &mut tx,
        keys,
        &limits,
        CODE_PURPOSE,
        contact,
        code,
        now,
    )
    .await?;
    tx.commit().await?;
    checked.map_err(|e| anjungan_kernel::Error::from(e).into())
}

//! Requests' SQL: the row, its public history, the reads for staff, the public and the citizen,
//! queues for the unit, and the figures behind SLA dashboards. The use cases that write them
//! (submitting, each step, reminders) are in `service::requests`.

use super::{Result, parse_iso, today};
use crate::domain::SlaClock;
use crate::domain::form::Answers;
use crate::domain::nik::mask16;
use crate::domain::request::{self, Channel};
use crate::domain::sla::Sample;
use crate::domain::workflow::State;
use anjungan_kernel::Db;
use anjungan_kernel::crypto::{Keys, token_hash};
use anjungan_kernel::db::Conn;
use sqlx::Row;

/// `PD-2026-000123` from the row id and the submission year.
pub fn number_of(id: i64, submitted_on: &str) -> String {
    let year = submitted_on
        .get(..4)
        .and_then(|y| y.parse().ok())
        .unwrap_or_else(|| time::OffsetDateTime::now_utc().year());
    request::number(year, id)
}

/// The id inside a request number (`PD-YYYY-NNNNNN`), for lookups by number; callers still
/// compare the whole number with the row's.
pub fn id_of_number(number: &str) -> Option<i64> {
    let mut parts = number.trim().split('-');
    let (p, year, id) = (parts.next()?, parts.next()?, parts.next()?);
    let well_formed = p.eq_ignore_ascii_case("PD")
        && year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_digit())
        && parts.next().is_none();
    well_formed.then(|| id.parse().ok())?
}

/// The columns of a new request, personal ones already sealed.
#[derive(Debug, Clone)]
pub struct NewRow {
    pub service_id: i64,
    pub org_id: i64,
    pub channel: Channel,
    pub tracking: String,
    pub tracking_hash: String,
    pub applicant: String,
    pub nik: String,
    pub nik_index: String,
    pub resident_id: Option<i64>,
    pub phone: String,
    pub email: String,
    /// Keyed digests of the normalised phone and e-mail (see [`contact_index`]), empty if none.
    pub phone_index: String,
    pub email_index: String,
    pub answers: String,
    pub description: String,
    pub address: String,
    pub lat: String,
    pub lon: String,
    pub now: i64,
    pub on: String,
    pub days: i64,
    pub due: String,
    pub api_client: Option<i64>,
    pub created_by: Option<i64>,
}

/// Inserts a new request in the `submitted` state; returns its id.
pub async fn insert(conn: &mut Conn, r: &NewRow) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO desk_requests (service_id, org_id, channel, state, tracking_hash, tracking, applicant, nik, nik_index, resident_id, \
         phone, email, answers, description, address, lat, lon, submitted_at, submitted_on, days, due_on, api_client, created_by, updated_at, \
         phone_index, email_index) \
         VALUES ($1, $2, $3, 'submitted', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $17, $23, $24) RETURNING id",
    )
    .bind(r.service_id)
    .bind(r.org_id)
    .bind(r.channel.code())
    .bind(&r.tracking_hash)
    .bind(&r.tracking)
    .bind(&r.applicant)
    .bind(&r.nik)
    .bind(&r.nik_index)
    .bind(r.resident_id)
    .bind(&r.phone)
    .bind(&r.email)
    .bind(&r.answers)
    .bind(&r.description)
    .bind(&r.address)
    .bind(&r.lat)
    .bind(&r.lon)
    .bind(r.now)
    .bind(&r.on)
    .bind(r.days)
    .bind(&r.due)
    .bind(r.api_client)
    .bind(r.created_by)
    .bind(&r.phone_index)
    .bind(&r.email_index)
    .fetch_one(&mut *conn)
    .await?)
}

/// The keyed digest a normalised phone number or e-mail address is looked up by.
pub fn contact_index(keys: &Keys, normalised: &str) -> String {
    if normalised.is_empty() {
        return String::new();
    }
    keys.blind_index("desk-contact", normalised)
}

/// One of a citizen's requests, as their own list shows it: nothing personal but the tracking
/// code, which is theirs.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = desk::MyRequest)]
pub struct Mine {
    pub number: String,
    pub service_name: String,
    pub org_name: String,
    pub state: State,
    pub submitted_at: i64,
    pub due_on: String,
    pub overdue: bool,
    pub tracking_code: String,
}

/// Every request `user` filed online themselves (not those a clerk took at the counter, which
/// carry the clerk as their creator) or filed with one of these contact digests, newest first.
pub async fn mine(
    db: &Db,
    keys: &Keys,
    user: Option<i64>,
    indexes: &[String],
) -> Result<Vec<Mine>> {
    let indexes: Vec<&str> = indexes
        .iter()
        .map(String::as_str)
        .filter(|i| !i.is_empty())
        .chain(std::iter::repeat(""))
        .take(2)
        .collect();
    // An empty digest matches nothing: the partial indexes leave '' out and the clause asks for
    // a non-empty one.
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE (r.created_by = $1 AND r.channel = 'web') \
         OR (r.phone_index <> '' AND r.phone_index IN ($2, $3)) \
         OR (r.email_index <> '' AND r.email_index IN ($2, $3)) \
         ORDER BY r.id DESC LIMIT 200"
    )))
    .bind(user.unwrap_or(-1))
    .bind(indexes[0])
    .bind(indexes[1])
    .fetch_all(&db.pool)
    .await?;
    let on = today();
    rows.iter()
        .map(|r| {
            let req = from_row(keys, r)?;
            Ok(Mine {
                overdue: req.overdue(on),
                tracking_code: req.tracking_code(keys),
                number: req.number,
                service_name: req.service_name,
                org_name: req.org_name,
                state: req.state,
                submitted_at: req.submitted_at,
                due_on: req.due_on,
            })
        })
        .collect()
}

/// Whether any request was filed with this contact digest.
pub async fn has_contact(db: &Db, index: &str) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM desk_requests WHERE (phone_index = $1 OR email_index = $1) AND $1 <> ''",
    )
    .bind(index)
    .fetch_one(&db.pool)
    .await?;
    Ok(n > 0)
}

/// The request a number (`PD-2026-000023`) names, if the whole number matches.
pub async fn by_number(db: &Db, keys: &Keys, number: &str) -> Result<Option<Request>> {
    let Some(id) = id_of_number(number) else {
        return Ok(None);
    };
    Ok(get(db, keys, id)
        .await?
        .filter(|r| r.number.eq_ignore_ascii_case(number.trim())))
}

/// Fills the contact digests of rows an earlier version wrote without them; returns how many.
pub async fn index_contacts(db: &Db, keys: &Keys) -> Result<usize> {
    let rows = sqlx::query(
        "SELECT id, phone, email FROM desk_requests \
         WHERE (phone <> '' AND phone_index = '') OR (email <> '' AND email_index = '') LIMIT 5000",
    )
    .fetch_all(&db.pool)
    .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let mut tx = db.begin_write().await?;
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        let open = |c: &str| -> std::result::Result<String, sqlx::Error> {
            Ok(keys.open(r.try_get::<&str, _>(c)?).unwrap_or_default())
        };
        // A contact this key cannot open is marked so it is not read again at every start.
        let index = |c: &str| -> std::result::Result<String, sqlx::Error> {
            let i = contact_index(keys, &open(c)?);
            Ok(if i.is_empty() { "-".into() } else { i })
        };
        sqlx::query("UPDATE desk_requests SET phone_index = $1, email_index = $2 WHERE id = $3")
            .bind(index("phone")?)
            .bind(index("email")?)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(rows.len())
}

/// Appends an entry to a request's public history; `actor` is a role, never a name.
pub async fn event(
    conn: &mut Conn,
    request_id: i64,
    at: i64,
    from: &str,
    to: State,
    actor: &str,
    note: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO desk_events (request_id, at, from_state, to_state, actor, note) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(request_id)
    .bind(at)
    .bind(from)
    .bind(to.code())
    .bind(actor)
    .bind(note)
    .execute(conn)
    .await?;
    Ok(())
}

/// A request opened for the unit's staff.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = desk::Request)]
pub struct Request {
    pub id: i64,
    pub number: String,
    pub service_id: i64,
    pub service_code: String,
    pub service_name: String,
    pub org_id: i64,
    pub org_code: String,
    pub org_name: String,
    #[serde(skip)]
    pub org_path: String,
    pub channel: Channel,
    pub state: State,
    pub applicant: String,
    pub nik_masked: String,
    #[serde(skip)]
    pub nik: String,
    pub resident_id: Option<i64>,
    pub phone_masked: String,
    pub email_masked: String,
    #[schema(value_type = HashMap<String, Vec<String>>)]
    pub answers: Answers,
    pub description: String,
    pub address: String,
    pub lat: String,
    pub lon: String,
    pub submitted_at: i64,
    pub submitted_on: String,
    pub due_on: String,
    pub completed_on: String,
    pub paused_since: String,
    pub paused_days: i64,
    pub days: i64,
    /// The last return or rejection reason, shown to the citizen.
    pub note: String,
    pub updated_at: i64,
    #[serde(skip)]
    pub(crate) phone_sealed: String,
    #[serde(skip)]
    pub(crate) email_sealed: String,
    #[serde(skip)]
    pub(crate) tracking_sealed: String,
}

impl Request {
    pub fn clock(&self) -> SlaClock {
        SlaClock {
            submitted_on: parse_iso(&self.submitted_on).unwrap_or_else(today),
            days: self.days as u32,
            paused_days: self.paused_days as u32,
            paused_since: parse_iso(&self.paused_since),
        }
    }

    pub fn tracking_code(&self, keys: &Keys) -> String {
        keys.open(&self.tracking_sealed).unwrap_or_default()
    }

    pub fn overdue(&self, on: time::Date) -> bool {
        self.state.is_open()
            && self.paused_since.is_empty()
            && parse_iso(&self.due_on).is_some_and(|d| on > d)
    }
}

const SELECT: &str = "SELECT r.*, s.code AS service_code, s.name AS service_name, o.code AS org_code, o.name AS org_name, o.path AS org_path \
     FROM desk_requests r JOIN desk_services s ON s.id = r.service_id JOIN organisations o ON o.id = r.org_id";

/// The columns public views read: nothing personal, not even sealed.
const PUBLIC: &str = "SELECT r.id, r.service_id, r.org_id, r.channel, r.state, r.submitted_at, r.submitted_on, r.due_on, \
     r.completed_on, r.paused_since, r.paused_days, r.days, r.note, r.updated_at, s.code AS service_code, s.name AS service_name, \
     o.code AS org_code, o.name AS org_name, o.path AS org_path \
     FROM desk_requests r JOIN desk_services s ON s.id = r.service_id JOIN organisations o ON o.id = r.org_id";

fn public_row(r: &sqlx::any::AnyRow) -> std::result::Result<Request, sqlx::Error> {
    let submitted_on: String = r.try_get("submitted_on")?;
    let id: i64 = r.try_get("id")?;
    Ok(Request {
        id,
        number: number_of(id, &submitted_on),
        service_id: r.try_get("service_id")?,
        service_code: r.try_get("service_code")?,
        service_name: r.try_get("service_name")?,
        org_id: r.try_get("org_id")?,
        org_code: r.try_get("org_code")?,
        org_name: r.try_get("org_name")?,
        org_path: r.try_get("org_path")?,
        channel: Channel::parse(r.try_get("channel")?).unwrap_or(Channel::Web),
        state: State::parse(r.try_get("state")?).unwrap_or(State::Submitted),
        applicant: String::new(),
        nik_masked: String::new(),
        nik: String::new(),
        resident_id: None,
        phone_masked: String::new(),
        email_masked: String::new(),
        answers: Answers::new(),
        description: String::new(),
        address: String::new(),
        lat: String::new(),
        lon: String::new(),
        submitted_at: r.try_get("submitted_at")?,
        submitted_on,
        due_on: r.try_get("due_on")?,
        completed_on: r.try_get("completed_on")?,
        paused_since: r.try_get("paused_since")?,
        paused_days: r.try_get("paused_days")?,
        days: r.try_get("days")?,
        note: r.try_get("note")?,
        updated_at: r.try_get("updated_at")?,
        phone_sealed: String::new(),
        email_sealed: String::new(),
        tracking_sealed: String::new(),
    })
}

/// A request for the unit's staff, personal fields opened.
fn from_row(keys: &Keys, r: &sqlx::any::AnyRow) -> std::result::Result<Request, sqlx::Error> {
    // A sealed column that does not open (another key) shows empty rather than failing the
    // whole list; a column that cannot be read at all is an error.
    let open = |c: &str| -> std::result::Result<String, sqlx::Error> {
        Ok(keys.open(r.try_get::<&str, _>(c)?).unwrap_or_default())
    };
    let nik = open("nik")?;
    let phone = open("phone")?;
    let email = open("email")?;
    let submitted_on: String = r.try_get("submitted_on")?;
    let id: i64 = r.try_get("id")?;
    Ok(Request {
        id,
        number: number_of(id, &submitted_on),
        service_id: r.try_get("service_id")?,
        service_code: r.try_get("service_code")?,
        service_name: r.try_get("service_name")?,
        org_id: r.try_get("org_id")?,
        org_code: r.try_get("org_code")?,
        org_name: r.try_get("org_name")?,
        org_path: r.try_get("org_path")?,
        channel: Channel::parse(r.try_get("channel")?).unwrap_or(Channel::Web),
        state: State::parse(r.try_get("state")?).unwrap_or(State::Submitted),
        applicant: open("applicant")?,
        nik_masked: if nik.is_empty() {
            String::new()
        } else {
            mask16(&nik)
        },
        nik,
        resident_id: r.try_get("resident_id")?,
        phone_masked: if phone.is_empty() {
            String::new()
        } else {
            anjungan_kernel::crypto::mask(&phone, 4, 2)
        },
        email_masked: if email.is_empty() {
            String::new()
        } else {
            anjungan_kernel::crypto::mask_email(&email)
        },
        answers: match open("answers")?.as_str() {
            // A sealed value this key cannot open reads empty (see `open`).
            "" => Default::default(),
            text => anjungan_kernel::db::parse_json("answers", text)?,
        },
        description: open("description")?,
        address: open("address")?,
        lat: r.try_get("lat")?,
        lon: r.try_get("lon")?,
        submitted_at: r.try_get("submitted_at")?,
        submitted_on,
        due_on: r.try_get("due_on")?,
        completed_on: r.try_get("completed_on")?,
        paused_since: r.try_get("paused_since")?,
        paused_days: r.try_get("paused_days")?,
        days: r.try_get("days")?,
        note: r.try_get("note")?,
        updated_at: r.try_get("updated_at")?,
        phone_sealed: r.try_get("phone")?,
        email_sealed: r.try_get("email")?,
        tracking_sealed: r.try_get("tracking")?,
    })
}

pub async fn get(db: &Db, keys: &Keys, id: i64) -> Result<Option<Request>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE r.id = $1")))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.as_ref().map(|r| from_row(keys, r)).transpose()?)
}

/// The request a tracking code opens, if any.
pub async fn by_tracking(db: &Db, keys: &Keys, raw_code: &str) -> Result<Option<Request>> {
    let Some(code) = request::parse_tracking_code(raw_code) else {
        return Ok(None);
    };
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE r.tracking_hash = $1"
    )))
    .bind(token_hash(&code))
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.as_ref().map(|r| from_row(keys, r)).transpose()?)
}

/// A request without its personal data (nothing decrypted), for public pages and Open311.
pub async fn public_get(db: &Db, id: i64) -> Result<Option<Request>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{PUBLIC} WHERE r.id = $1")))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.as_ref().map(public_row).transpose()?)
}

/// The request a tracking code opens, without its personal data.
pub async fn public_by_tracking(db: &Db, raw_code: &str) -> Result<Option<Request>> {
    let Some(code) = request::parse_tracking_code(raw_code) else {
        return Ok(None);
    };
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{PUBLIC} WHERE r.tracking_hash = $1"
    )))
    .bind(token_hash(&code))
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.as_ref().map(public_row).transpose()?)
}

/// The public tracking view in one round trip: the request (nothing personal opened) with its
/// history.
pub async fn public_track(db: &Db, code: &str) -> Result<Option<(Request, Vec<Event>)>> {
    let sql = PUBLIC.replace(
        " FROM desk_requests r",
        ", e.at AS e_at, e.from_state AS e_from, e.to_state AS e_to, e.actor AS e_actor, e.note AS e_note FROM desk_requests r",
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{sql} LEFT JOIN desk_events e ON e.request_id = r.id WHERE r.tracking_hash = $1 ORDER BY e.at, e.id"
    )))
    .bind(token_hash(code))
    .fetch_all(&db.pool)
    .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let events = rows
        .iter()
        .filter_map(|r| {
            Some(Event {
                at: r.try_get::<Option<i64>, _>("e_at").ok()??,
                from: r
                    .try_get::<Option<String>, _>("e_from")
                    .ok()?
                    .unwrap_or_default(),
                to: State::parse(&r.try_get::<Option<String>, _>("e_to").ok()??)?,
                actor: r
                    .try_get::<Option<String>, _>("e_actor")
                    .ok()?
                    .unwrap_or_default(),
                note: r
                    .try_get::<Option<String>, _>("e_note")
                    .ok()?
                    .unwrap_or_default(),
            })
        })
        .collect();
    Ok(Some((public_row(first)?, events)))
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = desk::Event)]
pub struct Event {
    pub at: i64,
    pub from: String,
    pub to: State,
    /// `citizen`, `operator`, `head` or `system`: a role, never a name.
    pub actor: String,
    pub note: String,
}

pub async fn history(db: &Db, id: i64) -> Result<Vec<Event>> {
    let rows = sqlx::query(
        "SELECT at, from_state, to_state, actor, note FROM desk_events WHERE request_id = $1 ORDER BY at, id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok(Event {
                at: r.try_get("at")?,
                from: r.try_get("from_state")?,
                to: State::parse(r.try_get("to_state")?).unwrap_or(State::Submitted),
                actor: r.try_get("actor")?,
                note: r.try_get("note")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// A request read inside the caller's transaction, personal fields opened.
pub async fn get_in(conn: &mut Conn, keys: &Keys, id: i64) -> Result<Option<Request>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE r.id = $1")))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.as_ref().map(|r| from_row(keys, r)).transpose()?)
}

/// A request's state and SLA clock after a step.
#[derive(Debug, Clone)]
pub struct Move {
    pub id: i64,
    pub from: State,
    pub to: State,
    pub paused_days: i64,
    pub paused_since: String,
    pub due_on: String,
    pub completed_on: String,
    pub note: String,
    pub now: i64,
}

/// Moves a request only if it is still in `from`; false when another step got there first.
pub async fn save_move(conn: &mut Conn, m: &Move) -> Result<bool> {
    let moved = sqlx::query(
        "UPDATE desk_requests SET state = $1, paused_days = $2, paused_since = $3, due_on = $4, completed_on = $5, note = $6, updated_at = $7 \
         WHERE id = $8 AND state = $9",
    )
    .bind(m.to.code())
    .bind(m.paused_days)
    .bind(&m.paused_since)
    .bind(&m.due_on)
    .bind(&m.completed_on)
    .bind(&m.note)
    .bind(m.now)
    .bind(m.id)
    .bind(m.from.code())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(moved > 0)
}

/// Links a request to the resident-register entry its NIK matched.
pub async fn set_resident(conn: &mut Conn, id: i64, resident_id: i64) -> Result<()> {
    sqlx::query("UPDATE desk_requests SET resident_id = $1 WHERE id = $2")
        .bind(resident_id)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Replaces a request's (sealed) form answers.
pub async fn set_answers(conn: &mut Conn, id: i64, sealed: &str) -> Result<()> {
    sqlx::query("UPDATE desk_requests SET answers = $1 WHERE id = $2")
        .bind(sealed)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Notes that the unit was reminded of a request, so it is reminded once.
pub async fn mark_reminded(conn: &mut Conn, id: i64) -> Result<()> {
    sqlx::query("UPDATE desk_requests SET reminded = 1 WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The unit's own e-mail address (empty when it has none).
pub async fn unit_email(db: &Db, org_id: i64) -> Result<String> {
    Ok(
        sqlx::query_scalar("SELECT email FROM organisations WHERE id = $1")
            .bind(org_id)
            .fetch_one(&db.pool)
            .await?,
    )
}

/// A row of a unit's queue.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = desk::QueueRow)]
pub struct QueueRow {
    pub id: i64,
    pub number: String,
    pub service_name: String,
    pub applicant: String,
    pub channel: Channel,
    pub state: State,
    pub submitted_at: i64,
    pub due_on: String,
    pub overdue: bool,
}

/// A unit's requests, newest first; `open_only` hides finished ones.
pub async fn queue(
    db: &Db,
    keys: &Keys,
    org_id: i64,
    state: Option<State>,
    limit: i64,
) -> Result<Vec<QueueRow>> {
    let on = today();
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE r.org_id = $1 AND ($2 = '' OR r.state = $2) ORDER BY r.id DESC LIMIT $3"
    )))
    .bind(org_id)
    .bind(state.map(|s| s.code()).unwrap_or(""))
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            let q = from_row(keys, r)?;
            Ok(QueueRow {
                overdue: q.overdue(on),
                id: q.id,
                number: q.number,
                service_name: q.service_name,
                applicant: q.applicant,
                channel: q.channel,
                state: q.state,
                submitted_at: q.submitted_at,
                due_on: q.due_on,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// SLA samples for a unit (or all units) and optionally one service, submitted since `since`.
pub async fn samples(
    db: &Db,
    org_id: Option<i64>,
    service_id: Option<i64>,
    since_ms: i64,
) -> Result<Vec<(i64, Sample)>> {
    let rows = sqlx::query(
        "SELECT service_id, channel, state, submitted_on, days, paused_days, paused_since, completed_on FROM desk_requests \
         WHERE ($1 = 0 OR org_id = $1) AND ($2 = 0 OR service_id = $2) AND submitted_at >= $3",
    )
    .bind(org_id.unwrap_or(0))
    .bind(service_id.unwrap_or(0))
    .bind(since_ms)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let state = State::parse(r.try_get("state").ok()?)?;
            Some((
                r.try_get("service_id").ok()?,
                Sample {
                    clock: SlaClock {
                        submitted_on: parse_iso(r.try_get("submitted_on").ok()?)?,
                        days: r.try_get::<i64, _>("days").ok()? as u32,
                        paused_days: r.try_get::<i64, _>("paused_days").ok()? as u32,
                        paused_since: parse_iso(r.try_get("paused_since").ok()?),
                    },
                    channel: r.try_get("channel").ok()?,
                    completed_on: parse_iso(r.try_get("completed_on").ok()?),
                    open: state.is_open(),
                },
            ))
        })
        .collect())
}

/// Open requests not yet reminded about, for the reminder sweep.
pub async fn unreminded_open(db: &Db, keys: &Keys) -> Result<Vec<Request>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE r.reminded = 0 AND r.state IN ('submitted', 'verified', 'signed') ORDER BY r.id LIMIT 5000"
    )))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| from_row(keys, r))
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// The Open311 query: by ids, or by service, window and status; newest first.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub ids: Vec<i64>,
    pub service_code: Option<String>,
    pub start_ms: i64,
    pub end_ms: i64,
    pub open: Option<bool>,
    pub limit: i64,
}

pub async fn filtered(db: &Db, keys: &Keys, f: &Filter) -> Result<Vec<Request>> {
    let mut sql = format!("{SELECT} WHERE r.submitted_at >= $1 AND r.submitted_at <= $2");
    let (start, end) = if f.ids.is_empty() {
        (f.start_ms, f.end_ms)
    } else {
        (0, i64::MAX)
    };
    if !f.ids.is_empty() {
        let ids: Vec<String> = f.ids.iter().map(|i| i.to_string()).collect();
        sql.push_str(&format!(" AND r.id IN ({})", ids.join(",")));
    }
    sql.push_str(" AND ($3 = '' OR s.code = $3)");
    match f.open {
        Some(true) => sql.push_str(
            " AND r.state NOT IN ('rejected', 'closed', 'cancelled', 'issued', 'delivered')",
        ),
        Some(false) => sql
            .push_str(" AND r.state IN ('rejected', 'closed', 'cancelled', 'issued', 'delivered')"),
        None => {}
    }
    sql.push_str(" ORDER BY r.submitted_at DESC, r.id DESC LIMIT $4");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(start)
        .bind(end)
        .bind(f.service_code.clone().unwrap_or_default())
        .bind(f.limit)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(|r| from_row(keys, r))
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_numbers_parse_strictly() {
        assert_eq!(id_of_number("PD-2026-000123"), Some(123));
        assert_eq!(id_of_number(" pd-2027-9 "), Some(9));
        assert_eq!(number_of(123, "2026-11-28"), "PD-2026-000123");
        for bad in [
            "PD-26-000123",
            "PD-2026-",
            "PD-2026-12a",
            "PD-2026-+12",
            "XX-2026-1",
            "PD-2026-1-2",
            "",
        ] {
            assert_eq!(id_of_number(bad), None, "{bad}");
        }
    }
}

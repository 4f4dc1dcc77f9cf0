//! Requests: submission, the workflow's transitions with their history, audit and notices to the
//! citizen through the outbox, queues for the unit, and the figures behind SLA dashboards.

use super::services::Service;
use super::{Result, calendar, iso, parse_iso, today};
use crate::domain::audit::DeskEvent;
use crate::domain::form::Answers;
use crate::domain::nik::{Nik, mask16};
use crate::domain::notice;
use crate::domain::request::{self, Channel};
use crate::domain::sla::Sample;
use crate::domain::workflow::{self, Command, State};
use crate::domain::{DeskError, SlaClock};
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::crypto::{Keys, token_hash};
use anjungan_kernel::db::Conn;
use anjungan_kernel::outbox::{self, domain::NewMessage};
use sqlx::Row;

/// A request as it arrives, already validated by the edge (form answers, NIK, contact).
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub channel: Channel,
    pub applicant: String,
    pub nik: Option<Nik>,
    /// A mobile number in `62…` form.
    pub phone: Option<String>,
    pub email: Option<String>,
    pub answers: Answers,
    pub description: String,
    pub address: String,
    pub lat: String,
    pub lon: String,
    pub created_by: Option<i64>,
    pub api_client: Option<i64>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Submitted {
    pub id: i64,
    pub number: String,
    /// Shown once; only its hash is looked up.
    pub tracking_code: String,
    pub due_on: String,
}

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

/// Where the citizen hears about their request.
fn notices(keys: &Keys, phone: &str, email: &str) -> Vec<(outbox::domain::Channel, String)> {
    let mut to = Vec::new();
    if let Ok(p) = keys.open(phone)
        && !p.is_empty()
    {
        to.push((outbox::domain::Channel::Whatsapp, p));
    }
    if let Ok(e) = keys.open(email)
        && !e.is_empty()
    {
        to.push((outbox::domain::Channel::Email, e));
    }
    to
}

fn seal_opt(keys: &Keys, v: Option<&str>) -> String {
    v.filter(|s| !s.is_empty())
        .map(|s| keys.seal(s))
        .unwrap_or_default()
}

/// A request ready to be written: checked, sealed, its due date and tracking code chosen, its
/// notices composed. Preparing reads; writing is a few inserts, so many can share a commit.
pub struct Prepared {
    actor: Actor,
    service_id: i64,
    service_code: String,
    org_id: i64,
    channel: Channel,
    code: String,
    sealed: [String; 8],
    nik_index: String,
    resident_id: Option<i64>,
    lat: String,
    lon: String,
    now: i64,
    on: String,
    days: i64,
    due: String,
    api_client: Option<i64>,
    created_by: Option<i64>,
    /// (channel, recipient) and the text, with `{number}` filled in once the id is known.
    notices: Vec<(outbox::domain::Channel, String)>,
    notice: String,
}

pub async fn prepare(
    db: &Db,
    keys: &Keys,
    actor: &Actor,
    base_url: &str,
    service: &Service,
    r: &NewRequest,
) -> Result<Prepared> {
    if !service.active {
        return Err(DeskError::ServiceClosed.into());
    }
    let cal = calendar(db).await?;
    let on = today();
    let due = SlaClock::start(on, service.days as u32).due(&cal);
    let code = request::new_tracking_code();
    let resident_id = match &r.nik {
        Some(nik) => super::residents::find_id(db, keys, service.org_id, nik).await?,
        None => None,
    };
    let phone = seal_opt(keys, r.phone.as_deref());
    let email = seal_opt(keys, r.email.as_deref());
    let link = format!("{}/layanan/lacak/{code}", base_url.trim_end_matches('/'));
    let notice = notice::received_template(&service.name, &service.org_name, due, &code, &link);
    Ok(Prepared {
        actor: actor.clone(),
        service_id: service.id,
        service_code: service.code.clone(),
        org_id: service.org_id,
        channel: r.channel,
        sealed: [
            keys.seal(&code),
            keys.seal(r.applicant.trim()),
            seal_opt(keys, r.nik.as_ref().map(|n| n.as_str())),
            phone.clone(),
            email.clone(),
            keys.seal(&serde_json::to_string(&r.answers).unwrap_or_default()),
            seal_opt(keys, Some(r.description.trim())),
            seal_opt(keys, Some(r.address.trim())),
        ],
        notices: notices(keys, &phone, &email),
        code,
        nik_index: r
            .nik
            .as_ref()
            .map(|n| super::residents::nik_index(keys, n))
            .unwrap_or_default(),
        resident_id,
        lat: r.lat.clone(),
        lon: r.lon.clone(),
        now: anjungan_kernel::clock::now_ms(),
        on: iso(on),
        days: service.days,
        due: iso(due),
        api_client: r.api_client,
        created_by: r.created_by,
        notice,
    })
}

/// Writes a prepared request, its first history entry, its audit entry and the citizen's
/// acknowledgement inside the caller's transaction.
pub async fn write(conn: &mut Conn, keys: &Keys, p: &Prepared) -> Result<Submitted> {
    let [
        tracking,
        applicant,
        nik,
        phone,
        email,
        answers,
        description,
        address,
    ] = &p.sealed;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO desk_requests (service_id, org_id, channel, state, tracking_hash, tracking, applicant, nik, nik_index, resident_id, \
         phone, email, answers, description, address, lat, lon, submitted_at, submitted_on, days, due_on, api_client, created_by, updated_at) \
         VALUES ($1, $2, $3, 'submitted', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $17) RETURNING id",
    )
    .bind(p.service_id)
    .bind(p.org_id)
    .bind(p.channel.code())
    .bind(token_hash(&p.code))
    .bind(tracking)
    .bind(applicant)
    .bind(nik)
    .bind(&p.nik_index)
    .bind(p.resident_id)
    .bind(phone)
    .bind(email)
    .bind(answers)
    .bind(description)
    .bind(address)
    .bind(&p.lat)
    .bind(&p.lon)
    .bind(p.now)
    .bind(&p.on)
    .bind(p.days)
    .bind(&p.due)
    .bind(p.api_client)
    .bind(p.created_by)
    .fetch_one(&mut *conn)
    .await?;
    let number = number_of(id, &p.on);
    event(
        conn,
        id,
        p.now,
        "",
        State::Submitted,
        role_of_channel(p.channel),
        "",
    )
    .await?;
    audit::store::write(
        conn,
        &p.actor,
        &DeskEvent::RequestSubmitted {
            id,
            service: &p.service_code,
            channel: p.channel,
        },
    )
    .await?;
    let received = notice::received(&p.notice, &number);
    for (channel, to) in &p.notices {
        outbox::store::enqueue(
            conn,
            keys,
            &NewMessage {
                channel: *channel,
                recipient: to.clone(),
                subject: received.subject.clone(),
                body: received.body.clone(),
            },
        )
        .await?;
    }
    Ok(Submitted {
        id,
        number,
        tracking_code: p.code.clone(),
        due_on: p.due.clone(),
    })
}

/// Durably records one request in its own transaction.
pub async fn submit(
    db: &Db,
    keys: &Keys,
    actor: &Actor,
    base_url: &str,
    service: &Service,
    r: &NewRequest,
) -> Result<Submitted> {
    let p = prepare(db, keys, actor, base_url, service, r).await?;
    write_one(db, keys, &p).await
}

async fn write_one(db: &Db, keys: &Keys, p: &Prepared) -> Result<Submitted> {
    let mut tx = db.begin_write().await?;
    let done = write(&mut tx, keys, p).await?;
    tx.commit().await?;
    Ok(done)
}

/// Writes many prepared requests in one transaction (one disk flush). Should the batch fail, each
/// is retried alone so one bad request cannot sink the others.
pub async fn write_batch(db: &Db, keys: &Keys, batch: &[Prepared]) -> Vec<Result<Submitted>> {
    let together = async {
        let mut tx = db.begin_write().await?;
        let mut out = Vec::with_capacity(batch.len());
        for p in batch {
            out.push(write(&mut tx, keys, p).await?);
        }
        tx.commit().await?;
        Ok::<_, super::StoreError>(out)
    };
    match together.await {
        Ok(done) => done.into_iter().map(Ok).collect(),
        Err(_) if batch.len() > 1 => {
            let mut out = Vec::with_capacity(batch.len());
            for p in batch {
                out.push(write_one(db, keys, p).await);
            }
            out
        }
        Err(e) => vec![Err(e)],
    }
}

/// Who appears in the public history: a role, never a name.
fn role_of_channel(c: Channel) -> &'static str {
    match c {
        Channel::Web | Channel::Open311 => "citizen",
        _ => "operator",
    }
}

fn role_code(a: workflow::Actor) -> &'static str {
    match a {
        workflow::Actor::Citizen => "citizen",
        workflow::Actor::Operator => "operator",
        workflow::Actor::Head => "head",
        workflow::Actor::System => "system",
    }
}

async fn event(
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

/// Applies one workflow step inside the caller's transaction: state, SLA clock, history, audit,
/// notice. The row is re-read under the write lock, so two clerks cannot both move it.
/// Who takes a step, in which role, and where the citizen's links point.
#[derive(Debug, Clone, Copy)]
pub struct Step<'a> {
    pub actor: &'a Actor,
    pub role: workflow::Actor,
    pub base_url: &'a str,
}

pub(crate) async fn apply(
    tx: &mut Conn,
    keys: &Keys,
    step: Step<'_>,
    cal: &crate::domain::Calendar,
    id: i64,
    command: Command,
    note: &str,
) -> Result<(Request, State)> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE r.id = $1")))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(anjungan_kernel::Error::NotFound)?;
    let req = from_row(keys, &row)?;
    let to = workflow::transition(req.state, command, step.role, note)?;
    let on = today();
    let mut clock = req.clock();
    let mut completed = req.completed_on.clone();
    match command {
        Command::Return => clock.pause(on),
        Command::Resubmit => clock.resume(cal, on),
        Command::Issue => completed = iso(on),
        _ => {}
    }
    let note = note.trim();
    // The reason of a return stays on the request until the citizen answers it.
    let public_note = if command.needs_note() {
        note
    } else if command == Command::Resubmit {
        ""
    } else {
        req.note.as_str()
    };
    let now = anjungan_kernel::clock::now_ms();
    let moved = sqlx::query(
        "UPDATE desk_requests SET state = $1, paused_days = $2, paused_since = $3, due_on = $4, completed_on = $5, note = $6, updated_at = $7 \
         WHERE id = $8 AND state = $9",
    )
    .bind(to.code())
    .bind(clock.paused_days as i64)
    .bind(clock.paused_since.map(iso).unwrap_or_default())
    .bind(iso(clock.due(cal)))
    .bind(&completed)
    .bind(public_note)
    .bind(now)
    .bind(id)
    .bind(req.state.code())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved == 0 {
        return Err(DeskError::Workflow(workflow::WorkflowError::NotNow {
            from: req.state,
            command,
        })
        .into());
    }
    event(
        tx,
        id,
        now,
        req.state.code(),
        to,
        role_code(step.role),
        if command.needs_note() { note } else { "" },
    )
    .await?;
    audit::store::write(
        tx,
        step.actor,
        &DeskEvent::RequestMoved {
            id,
            command,
            from: req.state,
            to,
        },
    )
    .await?;
    let link = format!(
        "{}/layanan/lacak/{}",
        step.base_url.trim_end_matches('/'),
        req.tracking_code(keys)
    );
    // Signing is followed at once by issuing: one notice, for the letter.
    let recipients = if to == State::Signed {
        Vec::new()
    } else {
        notices(keys, &req.phone_sealed, &req.email_sealed)
    };
    let message = notice::step(&req.number, &req.service_name, to, note, &link);
    for (channel, recipient) in recipients {
        outbox::store::enqueue(
            tx,
            keys,
            &NewMessage {
                channel,
                recipient,
                subject: message.subject.clone(),
                body: message.body.clone(),
            },
        )
        .await?;
    }
    Ok((req, to))
}

/// One workflow step in its own transaction. Verifying a service for residents needs the NIK in
/// the unit's register.
pub async fn act(
    db: &Db,
    keys: &Keys,
    step: Step<'_>,
    id: i64,
    command: Command,
    note: &str,
) -> Result<State> {
    let cal = calendar(db).await?;
    // The register is read before the transaction (it opens sealed fields); the match is
    // written only if the step itself is allowed, in the step's own transaction.
    let mut resident = None;
    if command == Command::Verify {
        let req = get(db, keys, id)
            .await?
            .ok_or(anjungan_kernel::Error::NotFound)?;
        let service = super::services::get(db, req.service_id)
            .await?
            .ok_or(anjungan_kernel::Error::NotFound)?;
        if let Some(nik) = request::register_check(service.needs_resident, &req.nik)? {
            let entry = super::residents::find(db, keys, req.org_id, &nik)
                .await?
                .ok_or(DeskError::NotResident)?;
            resident = Some(entry.id);
        }
    }
    let mut tx = db.begin_write().await?;
    let (_, to) = apply(&mut tx, keys, step, &cal, id, command, note).await?;
    if let Some(resident_id) = resident {
        sqlx::query("UPDATE desk_requests SET resident_id = $1 WHERE id = $2")
            .bind(resident_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(to)
}

/// A row of a unit's queue.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
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
    // Only constants and the requested ids (`i64`s) are written into the SQL.
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

/// The citizen answers a return with corrected answers; the SLA clock runs again.
pub async fn resubmit(
    db: &Db,
    keys: &Keys,
    step: Step<'_>,
    id: i64,
    answers: &Answers,
) -> Result<State> {
    let cal = calendar(db).await?;
    let mut tx = db.begin_write().await?;
    let (_, to) = apply(&mut tx, keys, step, &cal, id, Command::Resubmit, "").await?;
    sqlx::query("UPDATE desk_requests SET answers = $1 WHERE id = $2")
        .bind(keys.seal(&serde_json::to_string(answers).unwrap_or_default()))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(to)
}

/// Reminds each unit of requests falling due by the next working day: one e-mail per request to
/// the unit's operators (and the unit's own address), once. Returns how many were reminded.
pub async fn send_reminders(db: &Db, keys: &Keys, base_url: &str) -> Result<usize> {
    let cal = calendar(db).await?;
    let on = today();
    let due: Vec<Request> = unreminded_open(db, keys)
        .await?
        .into_iter()
        .filter(|r| crate::domain::sla::needs_reminder(&cal, on, &r.clock(), 1))
        .collect();
    if due.is_empty() {
        return Ok(0);
    }
    let operators = anjungan_kernel::identity::store::users_with_role(
        db,
        anjungan_kernel::identity::domain::Role::UnitOperator,
    )
    .await?;
    for r in &due {
        let mut to: Vec<String> = Vec::new();
        let org_email: String = sqlx::query_scalar("SELECT email FROM organisations WHERE id = $1")
            .bind(r.org_id)
            .fetch_one(&db.pool)
            .await?;
        if !org_email.is_empty() {
            to.push(org_email);
        }
        for (user, _, org) in &operators {
            if *org == Some(r.org_id)
                && let (Some(email), _) =
                    anjungan_kernel::identity::store::contact(db, keys, *user).await?
            {
                to.push(email);
            }
        }
        let message = notice::reminder(
            &r.number,
            &r.service_name,
            &r.due_on,
            r.state,
            base_url,
            r.id,
        );
        let mut tx = db.begin_write().await?;
        for recipient in to {
            outbox::store::enqueue(
                &mut tx,
                keys,
                &NewMessage {
                    channel: outbox::domain::Channel::Email,
                    recipient,
                    subject: message.subject.clone(),
                    body: message.body.clone(),
                },
            )
            .await?;
        }
        sqlx::query("UPDATE desk_requests SET reminded = 1 WHERE id = $1")
            .bind(r.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    Ok(due.len())
}

/// Submissions from concurrent requests, committed together (see `anjungan_kernel::batch`).
pub type SubmitQueue = anjungan_kernel::batch::GroupCommit<Prepared, Result<Submitted>>;

/// The most requests one commit takes.
const MAX_BATCH: usize = 256;

pub fn submit_queue(db: Db, keys: Keys) -> SubmitQueue {
    SubmitQueue::new(MAX_BATCH, move |batch: Vec<Prepared>| {
        let (db, keys) = (db.clone(), keys.clone());
        async move { write_batch(&db, &keys, &batch).await }
    })
}

/// Prepares a request and commits it with whatever else is being submitted; answers once durable.
pub async fn submit_queued(
    queue: &SubmitQueue,
    db: &Db,
    keys: &Keys,
    actor: &Actor,
    base_url: &str,
    service: &Service,
    r: &NewRequest,
) -> Result<Submitted> {
    let p = prepare(db, keys, actor, base_url, service, r).await?;
    queue.submit(p).await.unwrap_or_else(|| {
        Err(
            anjungan_kernel::Error::Internal(anyhow::anyhow!("the submission queue has stopped"))
                .into(),
        )
    })
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

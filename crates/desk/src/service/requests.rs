//! A request's use cases: submitting it (alone or group-committed with others), each workflow
//! step, the citizen's corrections and the reminders to the unit. Each applies the rule, saves,
//! writes the public history, audits and queues the citizen's notices in one transaction; the
//! SQL is in `store::requests`, the words of the notices in `domain::notice`.

use crate::domain::audit::DeskEvent;
use crate::domain::form::Answers;
use crate::domain::nik::Nik;
use crate::domain::request::{self, Channel};
use crate::domain::workflow::{self, Command, State};
use crate::domain::{Calendar, DeskError, SlaClock, notice};
use crate::store::requests::{self as rows, NewRow, Request, number_of};
use crate::store::services::Service;
use crate::store::{Result, StoreError, calendar, iso, residents, today};
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::crypto::Keys;
use anjungan_kernel::db::Conn;
use anjungan_kernel::outbox::{self, domain::NewMessage};

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
#[schema(as = desk::Submitted)]
pub struct Submitted {
    pub id: i64,
    pub number: String,
    /// Shown once; only its hash is looked up.
    pub tracking_code: String,
    pub due_on: String,
}

/// Where the citizen hears about their request, from its sealed contact columns.
fn recipients(keys: &Keys, phone: &str, email: &str) -> Vec<(outbox::domain::Channel, String)> {
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

async fn notify(
    conn: &mut Conn,
    keys: &Keys,
    to: &[(outbox::domain::Channel, String)],
    message: &notice::Notice,
) -> Result<()> {
    for (channel, recipient) in to {
        outbox::store::enqueue(
            conn,
            keys,
            &NewMessage {
                channel: *channel,
                recipient: recipient.clone(),
                subject: message.subject.clone(),
                body: message.body.clone(),
            },
        )
        .await?;
    }
    Ok(())
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

/// A request ready to be written: checked, sealed, its due date and tracking code chosen, its
/// notices composed. Preparing reads; writing is a few inserts, so many can share a commit.
pub struct Prepared {
    actor: Actor,
    service_code: String,
    code: String,
    row: NewRow,
    /// (channel, recipient) and the text, with `{number}` filled in once the id is known.
    recipients: Vec<(outbox::domain::Channel, String)>,
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
        Some(nik) => residents::find_id(db, keys, service.org_id, nik).await?,
        None => None,
    };
    let phone = seal_opt(keys, r.phone.as_deref());
    let email = seal_opt(keys, r.email.as_deref());
    let link = format!("{}/layanan/lacak/{code}", base_url.trim_end_matches('/'));
    let notice = notice::received_template(&service.name, &service.org_name, due, &code, &link);
    Ok(Prepared {
        actor: actor.clone(),
        service_code: service.code.clone(),
        recipients: recipients(keys, &phone, &email),
        row: NewRow {
            service_id: service.id,
            org_id: service.org_id,
            channel: r.channel,
            tracking: keys.seal(&code),
            tracking_hash: anjungan_kernel::crypto::token_hash(&code),
            applicant: keys.seal(r.applicant.trim()),
            nik: seal_opt(keys, r.nik.as_ref().map(|n| n.as_str())),
            nik_index: r
                .nik
                .as_ref()
                .map(|n| residents::nik_index(keys, n))
                .unwrap_or_default(),
            resident_id,
            phone_index: rows::contact_index(keys, r.phone.as_deref().unwrap_or_default()),
            email_index: rows::contact_index(keys, r.email.as_deref().unwrap_or_default()),
            phone,
            email,
            answers: keys.seal(&serde_json::to_string(&r.answers).unwrap_or_default()),
            description: seal_opt(keys, Some(r.description.trim())),
            address: seal_opt(keys, Some(r.address.trim())),
            lat: r.lat.clone(),
            lon: r.lon.clone(),
            now: anjungan_kernel::clock::now_ms(),
            on: iso(on),
            days: service.days,
            due: iso(due),
            api_client: r.api_client,
            created_by: r.created_by,
        },
        code,
        notice,
    })
}

/// Writes a prepared request, its first history entry, its audit entry and the citizen's
/// acknowledgement inside the caller's transaction.
pub async fn write(conn: &mut Conn, keys: &Keys, p: &Prepared) -> Result<Submitted> {
    let id = rows::insert(conn, &p.row).await?;
    let number = number_of(id, &p.row.on);
    rows::event(
        conn,
        id,
        p.row.now,
        "",
        State::Submitted,
        role_of_channel(p.row.channel),
        "",
    )
    .await?;
    audit::store::write(
        conn,
        &p.actor,
        &DeskEvent::RequestSubmitted {
            id,
            service: &p.service_code,
            channel: p.row.channel,
        },
    )
    .await?;
    let received = notice::received(&p.notice, &number);
    notify(conn, keys, &p.recipients, &received).await?;
    Ok(Submitted {
        id,
        number,
        tracking_code: p.code.clone(),
        due_on: p.row.due.clone(),
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
        Ok::<_, StoreError>(out)
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

/// Who takes a step, in which role, and where the citizen's links point.
#[derive(Debug, Clone, Copy)]
pub struct Step<'a> {
    pub actor: &'a Actor,
    pub role: workflow::Actor,
    pub base_url: &'a str,
    /// Where a closed request's survey invitation goes; `None` sends none (demo, room tests).
    pub survey: Option<&'a crate::ports::Invitations>,
}

/// Applies one workflow step inside the caller's transaction: state, SLA clock, history, audit,
/// notice. The row is re-read inside the write transaction and moved only from the state it was
/// read in, so two clerks cannot both move it.
pub(crate) async fn apply(
    tx: &mut Conn,
    keys: &Keys,
    step: Step<'_>,
    cal: &Calendar,
    id: i64,
    command: Command,
    note: &str,
) -> Result<(Request, State)> {
    let req = rows::get_in(tx, keys, id)
        .await?
        .ok_or(anjungan_kernel::Error::NotFound)?;
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
    let moved = rows::save_move(
        tx,
        &rows::Move {
            id,
            from: req.state,
            to,
            paused_days: clock.paused_days as i64,
            paused_since: clock.paused_since.map(iso).unwrap_or_default(),
            due_on: iso(clock.due(cal)),
            completed_on: completed,
            note: public_note.to_string(),
            now,
        },
    )
    .await?;
    if !moved {
        return Err(DeskError::Workflow(workflow::WorkflowError::NotNow {
            from: req.state,
            command,
        })
        .into());
    }
    rows::event(
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
    // Signing is followed at once by issuing: one notice, for the letter.
    if to != State::Signed {
        let link = format!(
            "{}/layanan/lacak/{}",
            step.base_url.trim_end_matches('/'),
            req.tracking_code(keys)
        );
        let message = notice::step(&req.number, &req.service_name, to, note, &link);
        let to = recipients(keys, &req.phone_sealed, &req.email_sealed);
        notify(tx, keys, &to, &message).await?;
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
        let req = rows::get(db, keys, id)
            .await?
            .ok_or(anjungan_kernel::Error::NotFound)?;
        let service = crate::store::services::get(db, req.service_id)
            .await?
            .ok_or(anjungan_kernel::Error::NotFound)?;
        if let Some(nik) = request::register_check(service.needs_resident, &req.nik)? {
            let entry = residents::find(db, keys, req.org_id, &nik)
                .await?
                .ok_or(DeskError::NotResident)?;
            resident = Some(entry.id);
        }
    }
    let mut tx = db.begin_write().await?;
    let (req, to) = apply(&mut tx, keys, step, &cal, id, command, note).await?;
    if let Some(resident_id) = resident {
        rows::set_resident(&mut tx, id, resident_id).await?;
    }
    tx.commit().await?;
    if to == State::Closed
        && let Some(survey) = step.survey
    {
        invite_to_survey(survey, keys, &req).await;
    }
    Ok(to)
}

/// Sends the unit's one-use satisfaction-survey link to the citizen of a closed request, on
/// their first channel. The request is closed whatever happens here: a failure is logged, and
/// the survey makes one invitation per request number however often it is asked.
async fn invite_to_survey(survey: &crate::ports::Invitations, keys: &Keys, req: &Request) {
    let Some((channel, recipient)) = recipients(keys, &req.phone_sealed, &req.email_sealed)
        .into_iter()
        .next()
    else {
        return;
    };
    let message = notice::survey_invitation(&req.number, &req.service_name);
    let invitation = crate::ports::Invitation {
        org_id: req.org_id,
        service: req.service_name.clone(),
        reference: req.number.clone(),
        channel,
        recipient,
        subject: message.subject,
        body: message.body,
    };
    if let Err(e) = survey.invite(invitation).await {
        tracing::warn!(request = req.id, error = %e, "survey invitation not sent");
    }
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
    let sealed = keys.seal(&serde_json::to_string(answers).unwrap_or_default());
    rows::set_answers(&mut tx, id, &sealed).await?;
    tx.commit().await?;
    Ok(to)
}

/// Reminds each unit of requests falling due by the next working day: one e-mail per request to
/// the unit's operators (and the unit's own address), once. Returns how many were reminded.
pub async fn send_reminders(db: &Db, keys: &Keys, base_url: &str) -> Result<usize> {
    let cal = calendar(db).await?;
    let on = today();
    let due: Vec<Request> = rows::unreminded_open(db, keys)
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
        let mut to = Vec::new();
        let org_email = rows::unit_email(db, r.org_id).await?;
        if !org_email.is_empty() {
            to.push((outbox::domain::Channel::Email, org_email));
        }
        for (user, _, org) in &operators {
            if *org == Some(r.org_id)
                && let (Some(email), _) =
                    anjungan_kernel::identity::store::contact(db, keys, *user).await?
            {
                to.push((outbox::domain::Channel::Email, email));
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
        notify(&mut tx, keys, &to, &message).await?;
        rows::mark_reminded(&mut tx, r.id).await?;
        tx.commit().await?;
    }
    Ok(due.len())
}

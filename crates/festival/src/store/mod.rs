//! Festival SQL: editions with phases, entries and the agenda.

pub mod proposals;
pub mod signups;

use crate::domain::audit::FestivalEvent;
use crate::domain::phase::{Phase, PhaseKind};
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::clock::{Millis, now_ms};
use anjungan_kernel::db::Db;
use sqlx::Row;

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Edition {
    #[serde(skip)]
    pub id: i64,
    pub number: i64,
    pub year: i64,
    pub theme: String,
    pub venue: String,
    pub starts_on: String,
    pub ends_on: String,
    /// in_person, hybrid or virtual
    pub mode: String,
    /// How many editions one innovation may be entered in.
    pub entry_limit: i64,
    /// Jurors do not see which agency an entry comes from.
    pub blind_review: bool,
    /// The proposal's sections with their word limits.
    pub proposal_sections: Vec<crate::domain::proposal::Section>,
}

pub struct NewEdition<'a> {
    pub number: i64,
    pub year: i64,
    pub theme: &'a str,
    pub venue: &'a str,
    pub starts_on: &'a str,
    pub ends_on: &'a str,
    pub mode: &'a str,
    pub entry_limit: i64,
    pub phases: Vec<Phase>,
}

pub async fn create_edition(
    db: &Db,
    actor: &Actor,
    e: &NewEdition<'_>,
) -> anjungan_kernel::Result<i64> {
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO festival_editions (number, year, theme, venue, starts_on, ends_on, mode, entry_limit, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(e.number)
    .bind(e.year)
    .bind(e.theme)
    .bind(e.venue)
    .bind(e.starts_on)
    .bind(e.ends_on)
    .bind(e.mode)
    .bind(e.entry_limit)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    for p in &e.phases {
        sqlx::query("INSERT INTO festival_phases (edition_id, kind, starts_at, ends_at, voting) VALUES ($1, $2, $3, $4, $5)")
            .bind(id)
            .bind(p.kind.code())
            .bind(p.starts_at)
            .bind(p.ends_at)
            .bind(p.voting as i64)
            .execute(&mut *tx)
            .await?;
    }
    audit::store::write(
        &mut tx,
        actor,
        &FestivalEvent::EditionCreated {
            id,
            number: e.number,
            year: e.year,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

const EDITION_COLS: &str = "id, number, year, theme, venue, starts_on, ends_on, mode, entry_limit, blind_review, proposal_sections";

fn edition_from(r: &sqlx::any::AnyRow) -> std::result::Result<Edition, sqlx::Error> {
    Ok(Edition {
        id: r.try_get("id")?,
        number: r.try_get("number")?,
        year: r.try_get("year")?,
        theme: r.try_get("theme")?,
        venue: r.try_get("venue")?,
        starts_on: r.try_get("starts_on")?,
        ends_on: r.try_get("ends_on")?,
        mode: r.try_get("mode")?,
        entry_limit: r.try_get("entry_limit")?,
        blind_review: r.try_get::<i64, _>("blind_review")? != 0,
        // Editions from before sections were configurable hold '': the national default.
        proposal_sections: match r.try_get::<String, _>("proposal_sections")?.as_str() {
            "" => crate::domain::proposal::default_kipp(),
            text => anjungan_kernel::db::parse_json("proposal_sections", text)?,
        },
    })
}

pub async fn editions(db: &Db) -> anjungan_kernel::Result<Vec<Edition>> {
    let rows = sqlx::query(&format!(
        "SELECT {EDITION_COLS} FROM festival_editions ORDER BY number DESC"
    ))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(edition_from)
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

pub async fn edition(db: &Db, number: i64) -> anjungan_kernel::Result<Option<Edition>> {
    let row = sqlx::query(&format!(
        "SELECT {EDITION_COLS} FROM festival_editions WHERE number = $1"
    ))
    .bind(number)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.as_ref().map(edition_from).transpose()?)
}

pub async fn phases(db: &Db, edition_id: i64) -> anjungan_kernel::Result<Vec<Phase>> {
    let rows = sqlx::query("SELECT kind, starts_at, ends_at, voting FROM festival_phases WHERE edition_id = $1 ORDER BY starts_at")
        .bind(edition_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            Some(Phase {
                kind: PhaseKind::parse(&r.try_get::<String, _>("kind").ok()?)?,
                starts_at: r.try_get("starts_at").ok()?,
                ends_at: r.try_get("ends_at").ok()?,
                voting: r.try_get::<i64, _>("voting").ok()? != 0,
            })
        })
        .collect())
}

/// Entries of an edition: (entry id, innovation id, organisation id).
pub async fn entries(db: &Db, edition_id: i64) -> anjungan_kernel::Result<Vec<(i64, i64, i64)>> {
    let rows = sqlx::query(
        "SELECT id, innovation_id, org_id FROM festival_entries WHERE edition_id = $1 ORDER BY id",
    )
    .bind(edition_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok((
                r.try_get("id")?,
                r.try_get("innovation_id")?,
                r.try_get("org_id")?,
            ))
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// How many editions an innovation has been entered in.
pub async fn entries_of_innovation(
    db: &Db,
    innovation_id: i64,
) -> anjungan_kernel::Result<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT edition_id FROM festival_entries WHERE innovation_id = $1")
            .bind(innovation_id)
            .fetch_all(&db.pool)
            .await?,
    )
}

pub async fn add_entry(
    db: &Db,
    actor: &Actor,
    edition_id: i64,
    innovation_id: i64,
    org_id: i64,
) -> anjungan_kernel::Result<i64> {
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar("INSERT INTO festival_entries (edition_id, innovation_id, org_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(edition_id)
        .bind(innovation_id)
        .bind(org_id)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?;
    audit::store::write(
        &mut tx,
        actor,
        &FestivalEvent::EntryAdded {
            id,
            edition_id,
            innovation_id,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Session {
    pub id: i64,
    pub title: String,
    /// opening, panel, presentation, closing
    pub kind: String,
    pub starts_at: Millis,
    pub ends_at: Millis,
    pub place: String,
    /// Live stream or conference link, for speakers and visitors joining by video.
    pub stream_url: String,
    pub speakers: String,
    pub moderator: String,
    pub capacity: Option<i64>,
}

pub async fn sessions(db: &Db, edition_id: i64) -> anjungan_kernel::Result<Vec<Session>> {
    let rows = sqlx::query(
        "SELECT id, title, kind, starts_at, ends_at, place, stream_url, speakers, moderator, capacity FROM festival_sessions WHERE edition_id = $1 ORDER BY starts_at, id",
    )
    .bind(edition_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok(Session {
                id: r.try_get("id")?,
                title: r.try_get("title")?,
                kind: r.try_get("kind")?,
                starts_at: r.try_get("starts_at")?,
                ends_at: r.try_get("ends_at")?,
                place: r.try_get("place")?,
                stream_url: r.try_get("stream_url")?,
                speakers: r.try_get("speakers")?,
                moderator: r.try_get("moderator")?,
                capacity: r.try_get("capacity")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

pub async fn add_session(
    db: &Db,
    actor: &Actor,
    edition_id: i64,
    s: &Session,
) -> anjungan_kernel::Result<i64> {
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO festival_sessions (edition_id, title, kind, starts_at, ends_at, place, stream_url, speakers, moderator, capacity) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(edition_id)
    .bind(&s.title)
    .bind(&s.kind)
    .bind(s.starts_at)
    .bind(s.ends_at)
    .bind(&s.place)
    .bind(&s.stream_url)
    .bind(&s.speakers)
    .bind(&s.moderator)
    .bind(s.capacity)
    .fetch_one(&mut *tx)
    .await?;
    audit::store::write(
        &mut tx,
        actor,
        &FestivalEvent::SessionAdded {
            id,
            title: &s.title,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Stand {
    pub number: String,
    pub organisation_id: i64,
    pub organisation: String,
    pub x: i64,
    pub y: i64,
}

pub async fn stands(db: &Db, edition_id: i64) -> anjungan_kernel::Result<Vec<Stand>> {
    let rows = sqlx::query(
        "SELECT s.number, s.org_id, o.name, s.x, s.y FROM festival_stands s JOIN organisations o ON o.id = s.org_id \
         WHERE s.edition_id = $1 ORDER BY s.y, s.x, s.number",
    )
    .bind(edition_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok(Stand {
                number: r.try_get("number")?,
                organisation_id: r.try_get("org_id")?,
                organisation: r.try_get("name")?,
                x: r.try_get("x")?,
                y: r.try_get("y")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// Adds a stand; `Ok(false)` when the number is already used in the edition.
pub async fn add_stand(
    db: &Db,
    actor: &Actor,
    edition_id: i64,
    number: &str,
    org_id: i64,
    x: i64,
    y: i64,
) -> anjungan_kernel::Result<bool> {
    let mut tx = db.begin_write().await?;
    let res = sqlx::query("INSERT INTO festival_stands (edition_id, number, org_id, x, y) VALUES ($1, $2, $3, $4, $5)")
        .bind(edition_id)
        .bind(number)
        .bind(org_id)
        .bind(x)
        .bind(y)
        .execute(&mut *tx)
        .await;
    match res {
        Ok(_) => {}
        Err(e) if anjungan_kernel::db::is_unique_violation(&e) => return Ok(false),
        Err(e) => return Err(e.into()),
    }
    audit::store::write(
        &mut tx,
        actor,
        &FestivalEvent::StandAdded {
            edition_id,
            number,
            org_id,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

// --- jury ---

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct StoredCriterion {
    key: String,
    weight: u32,
    #[serde(default)]
    label: String,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct StoredRubric {
    criteria: Vec<StoredCriterion>,
    scale_max: u32,
    #[serde(default = "yes")]
    comment_required: bool,
    #[serde(default = "yes")]
    show_others: bool,
    #[serde(default)]
    advance: u32,
}

/// Sets the rubric of a scored phase.
pub async fn set_rubric(
    db: &Db,
    actor: &Actor,
    edition_id: i64,
    spec: &crate::domain::scoring::PhaseSpec,
) -> anjungan_kernel::Result<()> {
    let rubric = StoredRubric {
        criteria: spec
            .rubric
            .criteria
            .iter()
            .map(|c| StoredCriterion {
                key: c.key.clone(),
                weight: c.weight,
                label: c.label.clone(),
            })
            .collect(),
        scale_max: spec.rubric.scale_max,
        comment_required: spec.rubric.comment_required,
        show_others: spec.rubric.show_others,
        advance: spec.advance,
    };
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO festival_rubrics (edition_id, phase, weight, aggregation, normalise, rubric) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (edition_id, phase) DO UPDATE SET weight = excluded.weight, aggregation = excluded.aggregation, \
         normalise = excluded.normalise, rubric = excluded.rubric",
    )
    .bind(edition_id)
    .bind(&spec.key)
    .bind(spec.weight as i64)
    .bind(match spec.aggregation {
        crate::domain::scoring::Aggregation::Mean => "mean",
        crate::domain::scoring::Aggregation::Median => "median",
    })
    .bind(spec.normalise as i64)
    .bind(anjungan_kernel::db::json_text(&rubric)?)
    .execute(&mut *tx)
    .await?;
    audit::store::write(
        &mut tx,
        actor,
        &FestivalEvent::RubricSet { edition_id, spec },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The scored phases of an edition, in phase order.
pub async fn rubrics(
    db: &Db,
    edition_id: i64,
) -> anjungan_kernel::Result<Vec<crate::domain::scoring::PhaseSpec>> {
    use crate::domain::scoring::{Aggregation, Criterion, PhaseSpec, Rubric};
    let rows = sqlx::query("SELECT phase, weight, aggregation, normalise, rubric FROM festival_rubrics WHERE edition_id = $1").bind(edition_id).fetch_all(&db.pool).await?;
    let mut specs: Vec<PhaseSpec> = rows
        .iter()
        .filter_map(|r| {
            let stored: StoredRubric =
                serde_json::from_str(&r.try_get::<String, _>("rubric").ok()?).ok()?;
            Some(PhaseSpec {
                key: r.try_get("phase").ok()?,
                weight: r.try_get::<i64, _>("weight").ok()?.max(0) as u32,
                rubric: Rubric {
                    criteria: stored
                        .criteria
                        .into_iter()
                        .map(|c| Criterion {
                            key: c.key,
                            weight: c.weight,
                            label: c.label,
                        })
                        .collect(),
                    scale_max: stored.scale_max,
                    comment_required: stored.comment_required,
                    show_others: stored.show_others,
                },
                aggregation: if r.try_get::<String, _>("aggregation").ok()? == "median" {
                    Aggregation::Median
                } else {
                    Aggregation::Mean
                },
                normalise: r.try_get::<i64, _>("normalise").ok()? != 0,
                advance: stored.advance,
            })
        })
        .collect();
    specs.sort_by_key(|s| PhaseKind::parse(&s.key).map(|k| k as usize).unwrap_or(99));
    Ok(specs)
}

/// Replaces the assignments of a phase.
pub async fn set_assignments(
    db: &Db,
    actor: &Actor,
    edition_id: i64,
    phase: &str,
    assignments: &std::collections::BTreeMap<i64, Vec<i64>>,
) -> anjungan_kernel::Result<()> {
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM festival_assignments WHERE edition_id = $1 AND phase = $2")
        .bind(edition_id)
        .bind(phase)
        .execute(&mut *tx)
        .await?;
    for (entry, jurors) in assignments {
        for j in jurors {
            sqlx::query("INSERT INTO festival_assignments (edition_id, phase, entry_id, juror_id) VALUES ($1, $2, $3, $4)")
                .bind(edition_id)
                .bind(phase)
                .bind(*entry)
                .bind(*j)
                .execute(&mut *tx)
                .await?;
        }
    }
    audit::store::write(
        &mut tx,
        actor,
        &FestivalEvent::AssignmentsSet {
            edition_id,
            phase,
            entries: assignments.len(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// (phase, entry id) pairs assigned to a juror.
pub async fn assignments_of(
    db: &Db,
    edition_id: i64,
    juror: i64,
) -> anjungan_kernel::Result<Vec<(String, i64)>> {
    let rows = sqlx::query("SELECT phase, entry_id FROM festival_assignments WHERE edition_id = $1 AND juror_id = $2 ORDER BY phase, entry_id")
        .bind(edition_id)
        .bind(juror)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok((r.try_get("phase")?, r.try_get("entry_id")?))
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

pub async fn is_assigned(
    db: &Db,
    edition_id: i64,
    phase: &str,
    entry: i64,
    juror: i64,
) -> anjungan_kernel::Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM festival_assignments WHERE edition_id = $1 AND phase = $2 AND entry_id = $3 AND juror_id = $4")
        .bind(edition_id)
        .bind(phase)
        .bind(entry)
        .bind(juror)
        .fetch_one(&db.pool)
        .await?;
    Ok(n > 0)
}

/// Records (or replaces) a juror's review.
pub async fn save_review(
    db: &Db,
    actor: &Actor,
    edition_id: i64,
    review: &crate::domain::scoring::Review,
    phase: &str,
    comment: &str,
) -> anjungan_kernel::Result<()> {
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO festival_reviews (edition_id, phase, entry_id, juror_id, scores, comment, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (edition_id, phase, entry_id, juror_id) DO UPDATE SET scores = excluded.scores, comment = excluded.comment, submitted_at = excluded.submitted_at",
    )
    .bind(edition_id)
    .bind(phase)
    .bind(review.entry)
    .bind(review.juror)
    .bind(anjungan_kernel::db::json_text(&review.scores)?)
    .bind(comment)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    audit::store::write(
        &mut tx,
        actor,
        &FestivalEvent::ReviewSaved {
            entry_id: review.entry,
            phase,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Every review of an edition: (phase, review, comment).
pub async fn reviews(
    db: &Db,
    edition_id: i64,
) -> anjungan_kernel::Result<Vec<(String, crate::domain::scoring::Review, String)>> {
    let rows = sqlx::query("SELECT phase, entry_id, juror_id, scores, comment FROM festival_reviews WHERE edition_id = $1").bind(edition_id).fetch_all(&db.pool).await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok({
                let scores: Vec<(String, u32)> = anjungan_kernel::db::json_column(r, "scores")?;
                (
                    r.try_get("phase")?,
                    crate::domain::scoring::Review {
                        juror: r.try_get("juror_id")?,
                        entry: r.try_get("entry_id")?,
                        scores,
                    },
                    r.try_get("comment")?,
                )
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

// --- public vote ---

#[derive(Debug, thiserror::Error)]
pub enum VoteFailure {
    #[error(transparent)]
    Rule(#[from] crate::domain::vote::VoteError),
    #[error(transparent)]
    Kernel(#[from] anjungan_kernel::Error),
}

impl From<sqlx::Error> for VoteFailure {
    fn from(e: sqlx::Error) -> Self {
        VoteFailure::Kernel(e.into())
    }
}

/// The kernel's one-time code purpose of an edition's vote.
fn vote_purpose(edition_id: i64) -> String {
    format!("festival-vote:{edition_id}")
}

/// Issues a one-time code for the edition's vote within the kernel's limits (per contact and
/// per address, per hour and per day) and sends the message `compose` writes around it, in one
/// transaction.
pub async fn send_vote_code(
    db: &Db,
    keys: &anjungan_kernel::crypto::Keys,
    edition_id: i64,
    contact: &str,
    client: &str,
    now: Millis,
    compose: impl FnOnce(&str) -> anjungan_kernel::outbox::domain::NewMessage,
) -> anjungan_kernel::Result<()> {
    let mut tx = db.begin_write().await?;
    let issued = anjungan_kernel::otp::store::issue(
        &mut tx,
        keys,
        &anjungan_kernel::otp::Limits::default(),
        &vote_purpose(edition_id),
        contact,
        client,
        now,
    )
    .await?;
    match issued {
        Ok(code) => {
            anjungan_kernel::outbox::store::enqueue(&mut tx, keys, &compose(&code)).await?;
            tx.commit().await?;
            Ok(())
        }
        Err(refused) => {
            // The counts stay: they are what keeps the limit.
            tx.commit().await?;
            Err(refused.into())
        }
    }
}

#[derive(Debug, Clone)]
pub struct Ballot {
    pub edition_id: i64,
    pub entry_id: i64,
    /// The normalised phone number or e-mail address the code went to.
    pub contact: String,
    /// Its keyed digest, which the vote is counted under.
    pub contact_index: String,
    /// When the ballot was cast, by the server's clock.
    pub at: Millis,
    pub code: String,
    pub client_hash: String,
    pub device_hash: String,
}

/// Checks the code and records the vote in one transaction; a wrong code counts an attempt.
pub async fn cast_vote(
    db: &Db,
    keys: &anjungan_kernel::crypto::Keys,
    actor: &Actor,
    b: &Ballot,
) -> Result<i64, VoteFailure> {
    // `cast_votes` answers one result per ballot.
    let Some(result) = cast_votes(db, keys, &[(actor.clone(), b.clone())])
        .await?
        .pop()
    else {
        return Err(
            anjungan_kernel::Error::Internal(anyhow::anyhow!("no result for the ballot")).into(),
        );
    };
    result.map_err(VoteFailure::Rule)
}

/// Casts a batch of ballots in one transaction (one commit, one flush for them all): each is
/// checked as if alone, in order, and gets its own outcome. Only a database failure fails the
/// whole batch, and then nothing of it is stored.
pub async fn cast_votes(
    db: &Db,
    keys: &anjungan_kernel::crypto::Keys,
    batch: &[(Actor, Ballot)],
) -> anjungan_kernel::Result<Vec<Result<i64, crate::domain::vote::VoteError>>> {
    let mut tx = db.begin_write().await?;
    let mut out = Vec::with_capacity(batch.len());
    for (actor, b) in batch {
        out.push(cast_one(&mut tx, keys, actor, b).await?);
    }
    tx.commit().await?;
    Ok(out)
}

async fn cast_one(
    tx: &mut anjungan_kernel::db::Tx,
    keys: &anjungan_kernel::crypto::Keys,
    actor: &Actor,
    b: &Ballot,
) -> anjungan_kernel::Result<Result<i64, crate::domain::vote::VoteError>> {
    use crate::domain::vote::VoteError;
    use anjungan_kernel::otp::OtpError;
    let now = b.at;
    let entry_ok: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM festival_entries WHERE id = $1 AND edition_id = $2",
    )
    .bind(b.entry_id)
    .bind(b.edition_id)
    .fetch_one(&mut **tx)
    .await?;
    if entry_ok == 0 {
        return Ok(Err(VoteError::UnknownEntry));
    }
    let checked = anjungan_kernel::otp::store::verify(
        tx,
        keys,
        &anjungan_kernel::otp::Limits::default(),
        &vote_purpose(b.edition_id),
        &b.contact,
        &b.code,
        now,
    )
    .await?;
    match checked {
        Ok(()) => {}
        Err(OtpError::BadCode) => return Ok(Err(VoteError::BadCode)),
        Err(_) => return Ok(Err(VoteError::TooManyAttempts)),
    }
    // ON CONFLICT rather than a unique violation: an error would abort the batch on PostgreSQL.
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO festival_votes (edition_id, entry_id, contact_index, client_hash, device_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (edition_id, contact_index) DO NOTHING RETURNING id",
    )
    .bind(b.edition_id)
    .bind(b.entry_id)
    .bind(&b.contact_index)
    .bind(&b.client_hash)
    .bind(&b.device_hash)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(id) = inserted else {
        return Ok(Err(VoteError::AlreadyVoted));
    };
    audit::store::write(
        tx,
        actor,
        &FestivalEvent::Voted {
            entry_id: b.entry_id,
            vote_id: id,
        },
    )
    .await?;
    Ok(Ok(id))
}

/// A vote recorded outside the online flow (ballot boxes at the venue, an earlier system), with
/// its own time; contacts and devices are already digests.
pub struct ImportedVote {
    pub entry_id: i64,
    pub contact_index: String,
    pub client_hash: String,
    pub device_hash: String,
    pub at: Millis,
}

/// Imports votes in one transaction; a contact that already voted in the edition is skipped.
/// Returns how many were recorded.
pub async fn import_votes(
    db: &Db,
    actor: &Actor,
    edition_id: i64,
    votes: &[ImportedVote],
) -> anjungan_kernel::Result<u64> {
    let mut tx = db.begin_write().await?;
    let mut n = 0;
    for v in votes {
        n += sqlx::query(
            "INSERT INTO festival_votes (edition_id, entry_id, contact_index, client_hash, device_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (edition_id, contact_index) DO NOTHING",
        )
        .bind(edition_id)
        .bind(v.entry_id)
        .bind(&v.contact_index)
        .bind(&v.client_hash)
        .bind(&v.device_hash)
        .bind(v.at)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    }
    audit::store::write(
        &mut tx,
        actor,
        &FestivalEvent::VotesImported {
            edition_id,
            votes: n,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}

/// Valid votes per entry.
pub async fn vote_counts(db: &Db, edition_id: i64) -> anjungan_kernel::Result<Vec<(i64, i64)>> {
    let rows = sqlx::query("SELECT entry_id, COUNT(*) AS n FROM festival_votes WHERE edition_id = $1 AND voided_at IS NULL GROUP BY entry_id ORDER BY n DESC, entry_id")
        .bind(edition_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok((r.try_get("entry_id")?, r.try_get("n")?))
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

#[derive(Debug, Clone)]
pub struct VoteRow {
    pub id: i64,
    pub entry_id: i64,
    pub client_hash: String,
    pub device_hash: String,
    pub created_at: Millis,
    pub voided: bool,
    pub reason: String,
}

pub async fn votes(db: &Db, edition_id: i64) -> anjungan_kernel::Result<Vec<VoteRow>> {
    let rows = sqlx::query("SELECT id, entry_id, client_hash, device_hash, created_at, voided_at, void_reason FROM festival_votes WHERE edition_id = $1 ORDER BY client_hash, device_hash, id")
        .bind(edition_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok(VoteRow {
                id: r.try_get("id")?,
                entry_id: r.try_get("entry_id")?,
                client_hash: r.try_get("client_hash")?,
                device_hash: r.try_get("device_hash")?,
                created_at: r.try_get("created_at")?,
                voided: r.try_get::<Option<i64>, _>("voided_at")?.is_some(),
                reason: r.try_get("void_reason")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

pub async fn void_vote(
    db: &Db,
    actor: &Actor,
    edition_id: i64,
    vote: i64,
    reason: &str,
) -> anjungan_kernel::Result<()> {
    let mut tx = db.begin_write().await?;
    let n = sqlx::query("UPDATE festival_votes SET voided_at = $1, void_reason = $2 WHERE id = $3 AND edition_id = $4 AND voided_at IS NULL")
        .bind(now_ms())
        .bind(reason)
        .bind(vote)
        .bind(edition_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(anjungan_kernel::Error::NotFound);
    }
    audit::store::write(
        &mut tx,
        actor,
        &FestivalEvent::VoteVoided {
            vote_id: vote,
            reason,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// --- awards ---

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Award {
    pub category: String,
    pub entry_id: i64,
    /// The certificate's verification code.
    pub code: String,
    pub created_at: Millis,
}

/// Replaces the computed awards (winners, favourite) of an edition; chosen ones stay.
pub async fn set_computed_awards(
    db: &Db,
    actor: &Actor,
    edition_id: i64,
    awards: &[(crate::domain::award::Category, i64)],
) -> anjungan_kernel::Result<()> {
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM festival_awards WHERE edition_id = $1 AND category <> 'special'")
        .bind(edition_id)
        .execute(&mut *tx)
        .await?;
    for (c, entry) in awards {
        sqlx::query("INSERT INTO festival_awards (edition_id, category, entry_id, code, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(edition_id)
            .bind(c.code())
            .bind(*entry)
            .bind(anjungan_kernel::crypto::random_token(9))
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
    }
    audit::store::write(
        &mut tx,
        actor,
        &FestivalEvent::AwardsComputed { edition_id, awards },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn add_special_award(
    db: &Db,
    actor: &Actor,
    edition_id: i64,
    entry: i64,
) -> anjungan_kernel::Result<bool> {
    let mut tx = db.begin_write().await?;
    let res = sqlx::query("INSERT INTO festival_awards (edition_id, category, entry_id, code, created_at) VALUES ($1, 'special', $2, $3, $4)")
        .bind(edition_id)
        .bind(entry)
        .bind(anjungan_kernel::crypto::random_token(9))
        .bind(now_ms())
        .execute(&mut *tx)
        .await;
    match res {
        Ok(_) => {}
        Err(e) if anjungan_kernel::db::is_unique_violation(&e) => return Ok(false),
        Err(e) => return Err(e.into()),
    }
    audit::store::write(
        &mut tx,
        actor,
        &FestivalEvent::SpecialAwarded {
            entry_id: entry,
            edition_id,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

pub async fn awards(db: &Db, edition_id: i64) -> anjungan_kernel::Result<Vec<Award>> {
    let rows = sqlx::query("SELECT category, entry_id, code, created_at FROM festival_awards WHERE edition_id = $1 ORDER BY category, id").bind(edition_id).fetch_all(&db.pool).await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok(Award {
                category: r.try_get("category")?,
                entry_id: r.try_get("entry_id")?,
                code: r.try_get("code")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// An award by its certificate code: (edition number, award).
pub async fn award_by_code(db: &Db, code: &str) -> anjungan_kernel::Result<Option<(i64, Award)>> {
    let row = sqlx::query(
        "SELECT e.number, a.category, a.entry_id, a.code, a.created_at FROM festival_awards a JOIN festival_editions e ON e.id = a.edition_id WHERE a.code = $1",
    )
    .bind(code)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok({
                (
                    r.try_get("number")?,
                    Award {
                        category: r.try_get("category")?,
                        entry_id: r.try_get("entry_id")?,
                        code: r.try_get("code")?,
                        created_at: r.try_get("created_at")?,
                    },
                )
            })
        })
        .transpose()?)
}

/// Review progress per scored phase: (phase, assigned reviews, submitted reviews).
pub async fn review_progress(
    db: &Db,
    edition_id: i64,
) -> anjungan_kernel::Result<Vec<(String, i64, i64)>> {
    let rows = sqlx::query(
        "SELECT a.phase, COUNT(*) AS assigned, CAST(SUM(CASE WHEN r.juror_id IS NULL THEN 0 ELSE 1 END) AS BIGINT) AS done \
         FROM festival_assignments a LEFT JOIN festival_reviews r ON r.edition_id = a.edition_id AND r.phase = a.phase \
         AND r.entry_id = a.entry_id AND r.juror_id = a.juror_id WHERE a.edition_id = $1 GROUP BY a.phase ORDER BY a.phase",
    )
    .bind(edition_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok({
                (
                    r.try_get("phase")?,
                    r.try_get("assigned")?,
                    r.try_get::<Option<i64>, _>("done")?.unwrap_or(0),
                )
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

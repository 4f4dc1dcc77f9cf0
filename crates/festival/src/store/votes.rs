//! The public vote: one-time codes, ballots, imports from paper, counts and voiding.

use crate::domain::audit::FestivalEvent;
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::clock::{Millis, now_ms};
use anjungan_kernel::db::Db;
use sqlx::Row;

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

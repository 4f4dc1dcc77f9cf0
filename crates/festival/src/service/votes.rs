//! The public vote: one-time codes sent to a voter's contact, ballots checked and cast (alone or
//! in a group-committed batch), paper votes imported, and votes voided — each with its audit
//! entry and messages in the same transaction.

use crate::domain::audit::FestivalEvent;
use crate::domain::vote::VoteError;
use crate::store::{self, Ballot, ImportedVote, VoteFailure, vote_purpose};
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::clock::Millis;
use anjungan_kernel::crypto::Keys;
use anjungan_kernel::db::Tx;
use anjungan_kernel::otp::OtpError;

/// Issues a one-time code for the edition's vote within the kernel's limits (per contact and
/// per address, per hour and per day) and sends the message `compose` writes around it, in one
/// transaction.
pub async fn send_vote_code(
    db: &Db,
    keys: &Keys,
    edition_id: i64,
    contact: &str,
    client: &str,
    now: Millis,
    compose: impl FnOnce(&str) -> anjungan_kernel::outbox::domain::NewMessage,
) -> anjungan_kernel::Result<()> {
    let limits = anjungan_kernel::otp::Limits::default();
    let purpose = vote_purpose(edition_id);
    let mut tx = db.begin_write().await?;
    let issued =
        anjungan_kernel::otp::store::issue(&mut tx, keys, &limits, &purpose, contact, client, now)
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

/// Checks the code and records the vote in one transaction; a wrong code counts an attempt.
pub async fn cast_vote(
    db: &Db,
    keys: &Keys,
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
    keys: &Keys,
    batch: &[(Actor, Ballot)],
) -> anjungan_kernel::Result<Vec<Result<i64, VoteError>>> {
    let mut tx = db.begin_write().await?;
    let mut out = Vec::with_capacity(batch.len());
    for (actor, b) in batch {
        out.push(cast_one(&mut tx, keys, actor, b).await?);
    }
    tx.commit().await?;
    Ok(out)
}

async fn cast_one(
    tx: &mut Tx,
    keys: &Keys,
    actor: &Actor,
    b: &Ballot,
) -> anjungan_kernel::Result<Result<i64, VoteError>> {
    if !store::entry_in_edition(tx, b.entry_id, b.edition_id).await? {
        return Ok(Err(VoteError::UnknownEntry));
    }
    let limits = anjungan_kernel::otp::Limits::default();
    let purpose = vote_purpose(b.edition_id);
    let checked =
        anjungan_kernel::otp::store::verify(tx, keys, &limits, &purpose, &b.contact, &b.code, b.at)
            .await?;
    match checked {
        Ok(()) => {}
        Err(OtpError::BadCode) => return Ok(Err(VoteError::BadCode)),
        Err(_) => return Ok(Err(VoteError::TooManyAttempts)),
    }
    let Some(id) = store::insert_vote(tx, b).await? else {
        return Ok(Err(VoteError::AlreadyVoted));
    };
    let event = FestivalEvent::Voted {
        entry_id: b.entry_id,
        vote_id: id,
    };
    audit::store::write(tx, actor, &event).await?;
    Ok(Ok(id))
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
    let n = store::insert_imported(&mut tx, edition_id, votes).await?;
    let event = FestivalEvent::VotesImported {
        edition_id,
        votes: n,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(n)
}

/// Voids a valid vote, with the reason kept for the audit.
pub async fn void_vote(
    db: &Db,
    actor: &Actor,
    edition_id: i64,
    vote: i64,
    reason: &str,
) -> anjungan_kernel::Result<()> {
    let mut tx = db.begin_write().await?;
    if !store::set_void(&mut tx, edition_id, vote, reason).await? {
        return Err(anjungan_kernel::Error::NotFound);
    }
    let event = FestivalEvent::VoteVoided {
        vote_id: vote,
        reason,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

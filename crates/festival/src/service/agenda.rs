//! An edition's agenda: its sessions and stands, and visitors signing up to a session. The seat
//! check runs inside the write transaction after the session's row is locked, so concurrent
//! sign-ups never exceed its capacity.

use crate::domain::audit::FestivalEvent;
use crate::domain::signup::check;
use crate::store::signups::{self, SignupFailure};
use crate::store::{self, Session};
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::clock::Millis;

pub async fn add_session(
    db: &Db,
    actor: &Actor,
    edition_id: i64,
    s: &Session,
) -> anjungan_kernel::Result<i64> {
    // Kept to the minute, as the agenda and its exports show it.
    let s = &Session {
        starts_at: crate::domain::agenda::whole_minute(s.starts_at),
        ends_at: crate::domain::agenda::whole_minute(s.ends_at),
        ..s.clone()
    };
    let mut tx = db.begin_write().await?;
    let id = store::insert_session(&mut tx, edition_id, s).await?;
    let event = FestivalEvent::SessionAdded {
        id,
        title: &s.title,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(id)
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
    if !store::insert_stand(&mut tx, edition_id, number, org_id, x, y).await? {
        return Ok(false);
    }
    let event = FestivalEvent::StandAdded {
        edition_id,
        number,
        org_id,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(true)
}

/// Takes a seat in a session for `user_id`, if the session's rules allow it now.
pub async fn sign_up(
    db: &Db,
    actor: &Actor,
    edition_id: i64,
    session_id: i64,
    user_id: i64,
    now: Millis,
) -> Result<(), SignupFailure> {
    let mut tx = db.begin_write().await?;
    let seat = signups::seat(&mut tx, edition_id, session_id, user_id)
        .await?
        .ok_or(SignupFailure::NotFound)?;
    check(&seat, now)?;
    signups::insert_signup(&mut tx, session_id, user_id, now).await?;
    audit::store::write(&mut tx, actor, &FestivalEvent::SignedUp { session_id }).await?;
    tx.commit().await?;
    Ok(())
}

/// Cancels one's sign-up; returns whether there was one.
pub async fn cancel_signup(
    db: &Db,
    actor: &Actor,
    session_id: i64,
    user_id: i64,
) -> anjungan_kernel::Result<bool> {
    let mut tx = db.begin_write().await?;
    let had = signups::delete_signup(&mut tx, session_id, user_id).await?;
    if had {
        let event = FestivalEvent::SignupCancelled { session_id };
        audit::store::write(&mut tx, actor, &event).await?;
    }
    tx.commit().await?;
    Ok(had)
}

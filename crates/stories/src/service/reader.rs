//! A reader's use cases on a published work — kudos, a bookmark, a comment, a report — and the
//! librarian's answer to comments and reports. Each checks its rule (`domain::work`), saves and
//! audits in one transaction; the SQL is in `store::reader`.

use crate::domain::audit::StoryEvent;
use crate::domain::work::{self, ReportReason};
use crate::store::Result;
use crate::store::reader::{self, Giver};
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor as AuditActor};
use anjungan_kernel::clock::now_ms;

/// Readers act only on a work that exists and is published.
async fn require_published(db: &Db, work_id: i64) -> Result<()> {
    let state = reader::state_of(db, work_id)
        .await?
        .ok_or(anjungan_kernel::Error::NotFound)?;
    work::check_published(&state)?;
    Ok(())
}

/// Gives kudos; `false` when this giver already had (nothing changes).
pub async fn kudos(db: &Db, work_id: i64, giver: Giver<'_>) -> Result<bool> {
    require_published(db, work_id).await?;
    let mut tx = db.begin_write().await?;
    if !reader::add_kudos(&mut tx, work_id, &giver, now_ms()).await? {
        return Ok(false);
    }
    tx.commit().await?;
    Ok(true)
}

/// Adds or replaces the reader's bookmark of a work, at one of its chapters.
pub async fn bookmark(
    db: &Db,
    user_id: i64,
    work_id: i64,
    position: i64,
    note: &str,
) -> Result<()> {
    require_published(db, work_id).await?;
    let note = work::note_of(note, work::MAX_NOTE)?;
    let chapters = reader::chapters_of(db, work_id).await?;
    let position = work::bookmark_position(position, chapters);
    reader::upsert_bookmark(db, user_id, work_id, position, &note, now_ms()).await
}

/// A reader's comment; it waits for a librarian before anyone else sees it.
pub async fn comment(
    db: &Db,
    actor: &AuditActor,
    user_id: i64,
    work_id: i64,
    position: i64,
    body: &str,
) -> Result<i64> {
    let body = work::text_of(body, work::MAX_COMMENT)?;
    require_published(db, work_id).await?;
    let mut tx = db.begin_write().await?;
    let id = reader::insert_comment(
        &mut tx,
        work_id,
        position.max(0),
        user_id,
        &actor.label,
        &body,
        now_ms(),
    )
    .await?;
    let event = StoryEvent::CommentPosted {
        work_id,
        comment: id,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(id)
}

/// A librarian approves or rejects a held comment.
pub async fn decide_comment(db: &Db, actor: &AuditActor, id: i64, approve: bool) -> Result<()> {
    let mut tx = db.begin_write().await?;
    if !reader::decide_comment(&mut tx, id, approve, actor.user_id, now_ms()).await? {
        return Err(anjungan_kernel::Error::NotFound.into());
    }
    let event = if approve {
        StoryEvent::CommentApproved { id }
    } else {
        StoryEvent::CommentRejected { id }
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// A reader reports a published work (guests too; the actor says who, for the audit).
pub async fn report(
    db: &Db,
    actor: &AuditActor,
    work_id: i64,
    reason: ReportReason,
    details: &str,
) -> Result<i64> {
    let details = work::report_details(reason, details)?;
    require_published(db, work_id).await?;
    let mut tx = db.begin_write().await?;
    let id =
        reader::insert_report(&mut tx, work_id, reason, details, &actor.label, now_ms()).await?;
    let event = StoryEvent::WorkReported {
        work_id,
        report: id,
        reason,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(id)
}

/// A librarian closes a report with what was done.
pub async fn resolve_report(db: &Db, actor: &AuditActor, id: i64, resolution: &str) -> Result<()> {
    let resolution = work::text_of(resolution, work::MAX_NOTE)?;
    let mut tx = db.begin_write().await?;
    if !reader::resolve_report(&mut tx, id, actor.user_id, &resolution, now_ms()).await? {
        return Err(anjungan_kernel::Error::NotFound.into());
    }
    let event = StoryEvent::ReportResolved {
        id,
        resolution: &resolution,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// Follows an author (an account with a pen name); `false` when already following. A reader
/// does not follow themselves.
pub async fn follow(db: &Db, user_id: i64, author_id: i64) -> Result<bool> {
    if user_id == author_id {
        return Err(crate::domain::StoryError::SelfFollow.into());
    }
    crate::store::works::pen_name(db, author_id)
        .await?
        .ok_or(anjungan_kernel::Error::NotFound)?;
    let mut tx = db.begin_write().await?;
    let added = reader::follow(&mut tx, user_id, author_id, now_ms()).await?;
    tx.commit().await?;
    Ok(added)
}

/// Stops following an author; `false` when not following.
pub async fn unfollow(db: &Db, user_id: i64, author_id: i64) -> Result<bool> {
    let mut tx = db.begin_write().await?;
    let removed = reader::unfollow(&mut tx, user_id, author_id).await?;
    tx.commit().await?;
    Ok(removed)
}

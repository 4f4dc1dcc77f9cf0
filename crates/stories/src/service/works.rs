//! An author's use cases on a work: the pen name, a draft's details, its chapters, its co-authors
//! and its cover. Each checks its rule (`domain::work`), saves, writes the work's history where
//! it has one, audits and e-mails a new co-author in one transaction; the SQL is in
//! `store::works`.

use crate::domain::StoryError;
use crate::domain::audit::StoryEvent;
use crate::domain::notice;
use crate::domain::richtext::SafeHtml;
use crate::domain::work::{self, WorkInput};
use crate::domain::workflow::State;
use crate::store::Result;
use crate::store::works::{self, Byline, Work};
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor as AuditActor};
use anjungan_kernel::clock::now_ms;
use anjungan_kernel::crypto::Keys;
use anjungan_kernel::db::Conn;
use anjungan_kernel::outbox::{self, domain::NewMessage};

/// Sets the pen name and renews the byline of every work the author is credited on.
pub async fn set_pen_name(db: &Db, actor: &AuditActor, user_id: i64, raw: &str) -> Result<String> {
    let name = work::pen_name(raw)?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    works::upsert_pen_name(&mut tx, user_id, &name, now).await?;
    for w in works::credited_on(&mut tx, user_id).await? {
        works::refresh_byline(&mut tx, w).await?;
    }
    let event = StoryEvent::PenNameSet {
        user_id,
        pen_name: &name,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(name)
}

/// A new draft credited to `author` (who must have a pen name). Returns its id.
pub async fn create(db: &Db, actor: &AuditActor, author: i64, input: WorkInput) -> Result<i64> {
    let w = input.validated()?;
    if works::pen_name(db, author).await?.is_none() {
        return Err(StoryError::NoPenName.into());
    }
    let mut tx = db.begin_write().await?;
    let id = insert(&mut tx, actor, author, &w, None).await?;
    tx.commit().await?;
    Ok(id)
}

/// Inserts a checked draft inside the caller's transaction, with its byline, the first step of
/// its history and the audit entry; `slug` defaults to one made from the title.
pub async fn insert(
    conn: &mut Conn,
    actor: &AuditActor,
    author: i64,
    w: &WorkInput,
    slug: Option<&str>,
) -> Result<i64> {
    let now = now_ms();
    let slug = match slug {
        Some(s) => s.to_string(),
        None => work::draft_slug(&w.title, rand::random()),
    };
    let id = works::insert(conn, author, w, &slug, now).await?;
    works::refresh_byline(conn, id).await?;
    works::history(conn, id, actor, "create", State::Draft, "").await?;
    let event = StoryEvent::WorkCreated {
        id,
        title: &w.title,
        category: w.category,
    };
    audit::store::write(conn, actor, &event).await?;
    Ok(id)
}

/// The work, if `user_id`'s account is credited on it and it may be edited now.
async fn editable_by(conn: &mut Conn, id: i64, user_id: i64) -> Result<Work> {
    let w = works::get_in(conn, id)
        .await?
        .ok_or(anjungan_kernel::Error::NotFound)?;
    work::check_editable(&w.author_ids(), w.state, user_id)?;
    Ok(w)
}

/// Changes the details of a work its author may edit now.
pub async fn update(
    db: &Db,
    actor: &AuditActor,
    user_id: i64,
    id: i64,
    input: WorkInput,
) -> Result<()> {
    let w = input.validated()?;
    let mut tx = db.begin_write().await?;
    editable_by(&mut tx, id, user_id).await?;
    works::update(&mut tx, id, &w, now_ms()).await?;
    works::write_tags(&mut tx, id, &w.tags).await?;
    let event = StoryEvent::WorkUpdated {
        id,
        title: &w.title,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a draft that was never published (a published work stays, for OAI-PMH's
/// persistent deleted records).
pub async fn delete_draft(db: &Db, actor: &AuditActor, user_id: i64, id: i64) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let w = editable_by(&mut tx, id, user_id).await?;
    work::check_draft_deletion(w.state, w.published_at.is_some())?;
    works::delete(&mut tx, id).await?;
    let event = StoryEvent::DraftDeleted {
        id,
        title: &w.title,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// Writes chapter `position` (None: a new last chapter) of a work its author may edit.
/// Returns the chapter's position.
pub async fn save_chapter(
    db: &Db,
    actor: &AuditActor,
    user_id: i64,
    work_id: i64,
    position: Option<i64>,
    title: &str,
    body: &str,
) -> Result<i64> {
    let body = SafeHtml::parse(body)?;
    let mut tx = db.begin_write().await?;
    let w = editable_by(&mut tx, work_id, user_id).await?;
    let now = now_ms();
    let pos = match position {
        Some(p) => {
            let title = work::chapter_title(title, p)?;
            if !works::update_chapter(&mut tx, work_id, p, &title, &body, now).await? {
                return Err(StoryError::NoSuchChapter.into());
            }
            p
        }
        None => {
            let p = work::next_chapter(w.chapters)?;
            let title = work::chapter_title(title, p)?;
            works::insert_chapter(&mut tx, work_id, p, &title, &body).await?;
            p
        }
    };
    works::recount(&mut tx, work_id).await?;
    // The chapter's images are shown to readers: they become public files, if the author
    // uploaded them (or they already are); nobody publishes another person's private file.
    for digest in body.image_digests() {
        anjungan_kernel::files::store::publish(&mut tx, actor.user_id, &digest).await?;
    }
    let event = StoryEvent::ChapterSaved {
        work_id,
        position: pos,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(pos)
}

/// Removes a chapter; the later ones move up.
pub async fn delete_chapter(
    db: &Db,
    actor: &AuditActor,
    user_id: i64,
    work_id: i64,
    position: i64,
) -> Result<()> {
    let mut tx = db.begin_write().await?;
    editable_by(&mut tx, work_id, user_id).await?;
    if !works::delete_chapter(&mut tx, work_id, position).await? {
        return Err(StoryError::NoSuchChapter.into());
    }
    works::recount(&mut tx, work_id).await?;
    let event = StoryEvent::ChapterDeleted { work_id, position };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// Swaps chapter `position` with the one before it.
pub async fn move_chapter_up(
    db: &Db,
    actor: &AuditActor,
    user_id: i64,
    work_id: i64,
    position: i64,
) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let w = editable_by(&mut tx, work_id, user_id).await?;
    work::check_move_up(position, w.chapters)?;
    works::swap_with_previous(&mut tx, work_id, position).await?;
    let event = StoryEvent::ChapterMovedUp { work_id, position };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// Credits another author, found by the e-mail address of an account with a pen name, on a
/// work the acting author may edit now; the new co-author is told where to find the work.
pub async fn add_author(
    db: &Db,
    keys: &Keys,
    base_url: &str,
    actor: &AuditActor,
    user_id: i64,
    id: i64,
    email: &str,
) -> Result<Byline> {
    let email = anjungan_kernel::identity::domain::Email::parse(email).ok();
    let mut tx = db.begin_write().await?;
    let w = editable_by(&mut tx, id, user_id).await?;
    let candidate = match &email {
        None => None,
        Some(email) => works::author_by_email(&mut tx, email.as_str()).await?,
    };
    let new_id = work::check_new_author(&w.author_ids(), candidate.as_ref().map(|c| c.0))?;
    let pen_name = candidate.map(|c| c.1).unwrap_or_default();
    works::append_author(&mut tx, id, new_id).await?;
    works::refresh_byline(&mut tx, id).await?;
    let event = StoryEvent::AuthorAdded {
        id,
        user_id: new_id,
        pen_name: &pen_name,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    let by = w
        .authors
        .iter()
        .find(|a| a.user_id == user_id)
        .map(|a| a.pen_name.as_str())
        .unwrap_or("Penulis");
    if let Some(email) = email {
        let (subject, body) = notice::co_author(&pen_name, by, &w.title, base_url, id);
        let message = NewMessage {
            channel: outbox::domain::Channel::Email,
            recipient: email.as_str().to_string(),
            subject,
            body,
        };
        outbox::store::enqueue(&mut tx, keys, &message).await?;
    }
    tx.commit().await?;
    Ok(Byline {
        user_id: new_id,
        pen_name,
    })
}

/// Removes an author's credit from a work the acting author may edit now (never the last one).
pub async fn remove_author(
    db: &Db,
    actor: &AuditActor,
    user_id: i64,
    id: i64,
    who: i64,
) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let w = editable_by(&mut tx, id, user_id).await?;
    work::check_author_removal(&w.author_ids(), user_id, who)?;
    works::remove_author(&mut tx, id, who).await?;
    works::refresh_byline(&mut tx, id).await?;
    let event = StoryEvent::AuthorRemoved { id, user_id: who };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets the cover image (an uploaded image's SHA-256) of a work its author may edit.
pub async fn set_cover(
    db: &Db,
    actor: &AuditActor,
    user_id: i64,
    id: i64,
    sha: &str,
) -> Result<()> {
    if !anjungan_kernel::files::domain::is_digest(sha) {
        return Err(StoryError::BadCover.into());
    }
    let mut tx = db.begin_write().await?;
    editable_by(&mut tx, id, user_id).await?;
    works::set_cover(&mut tx, id, sha, now_ms()).await?;
    let event = StoryEvent::CoverSet { id, cover: sha };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

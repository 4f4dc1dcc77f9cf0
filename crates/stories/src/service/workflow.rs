//! A work moves through the editorial workflow.

use crate::domain::audit::StoryEvent;
use crate::domain::workflow::{self, Actor, Command, State};
use crate::domain::{StoryError, notice, work};
use crate::store::{Result, search, works};
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor as AuditActor};
use anjungan_kernel::crypto::Keys;
use anjungan_kernel::outbox::{self, domain::NewMessage};

/// Gives `command` to the work as `by`; on publishing the work enters the search index and the
/// OAI-PMH list, on leaving the site it leaves the index and becomes a deleted record. A
/// librarian's decision is e-mailed to every credited author; a work's first publication is
/// e-mailed to the readers who follow one of its authors.
#[allow(clippy::too_many_arguments)]
pub async fn step(
    db: &Db,
    keys: &Keys,
    actor: &AuditActor,
    work_id: i64,
    command: Command,
    by: Actor,
    note: &str,
    base_url: &str,
) -> Result<State> {
    let note = note.trim();
    if note.chars().count() > work::MAX_NOTE {
        return Err(StoryError::TooLong.into());
    }
    let mut tx = db.begin_write().await?;
    let w = works::get_in(&mut tx, work_id)
        .await?
        .ok_or(anjungan_kernel::Error::NotFound)?;
    let next = workflow::transition(w.facts(), command, by, note)?;
    // Only a librarian's reason for sending a work back or off the site stays on the work.
    let keep_note = matches!(
        command,
        Command::Return | Command::TakeDown | Command::Unpublish
    );
    let now = anjungan_kernel::clock::now_ms();
    works::set_state(
        &mut tx,
        work_id,
        next,
        if keep_note { note } else { "" },
        now,
    )
    .await?;
    if next == State::Published {
        search::index(db, &mut tx, work_id).await?;
    } else if w.state == State::Published {
        search::unindex(db, &mut tx, work_id).await?;
    }
    works::history(&mut tx, work_id, actor, command.code(), next, note).await?;
    let event = StoryEvent::WorkMoved {
        id: work_id,
        command,
        from: w.state,
        to: next,
        note,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    if by == Actor::Librarian {
        for (pen_name, email) in works::author_emails(&mut tx, &w.authors).await? {
            let Some((subject, body)) =
                notice::decision(next, &pen_name, &w.title, note, base_url, w.id)
            else {
                continue;
            };
            let message = NewMessage {
                channel: outbox::domain::Channel::Email,
                recipient: email,
                subject,
                body,
            };
            outbox::store::enqueue(&mut tx, keys, &message).await?;
        }
    }
    if next == State::Published && w.oai_at.is_none() {
        let authors: Vec<i64> = w.authors.iter().map(|a| a.user_id).collect();
        let byline = w
            .authors
            .iter()
            .map(|a| a.pen_name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let (subject, body) = notice::new_work(&byline, &w.title, base_url, w.id);
        for email in crate::store::reader::follower_emails(&mut tx, &authors).await? {
            let message = NewMessage {
                channel: outbox::domain::Channel::Email,
                recipient: email,
                subject: subject.clone(),
                body: body.clone(),
            };
            outbox::store::enqueue(&mut tx, keys, &message).await?;
        }
    }
    tx.commit().await?;
    Ok(next)
}

//! A librarian's use cases on the curated collections: creating one, adding or removing a
//! published work, moving a work up. Each checks its rule (`domain::collection`), saves and
//! audits in one transaction; the SQL is in `store::collections`.

use crate::domain::audit::StoryEvent;
use crate::domain::{collection, work};
use crate::store::Result;
use crate::store::collections;
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor as AuditActor};
use anjungan_kernel::clock::now_ms;

/// Creates a collection; its slug comes from the title.
pub async fn create(db: &Db, actor: &AuditActor, title: &str, description: &str) -> Result<String> {
    let (title, description, slug) = collection::heading(title, description)?;
    let mut tx = db.begin_write().await?;
    let by = actor.user_id.unwrap_or(0);
    let id = collections::insert(&mut tx, &slug, &title, description, by, now_ms()).await?;
    let event = StoryEvent::CollectionCreated { id, title: &title };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(slug)
}

/// Adds a published work at the end, or removes it.
pub async fn set_member(
    db: &Db,
    actor: &AuditActor,
    collection_id: i64,
    work_id: i64,
    member: bool,
) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let event = if member {
        let state = collections::work_state(&mut tx, work_id)
            .await?
            .ok_or(anjungan_kernel::Error::NotFound)?;
        work::check_published(&state)?;
        if !collections::append(&mut tx, collection_id, work_id).await? {
            return Ok(());
        }
        StoryEvent::CollectionWorkAdded {
            id: collection_id,
            work: work_id,
        }
    } else {
        collections::remove(&mut tx, collection_id, work_id).await?;
        StoryEvent::CollectionWorkRemoved {
            id: collection_id,
            work: work_id,
        }
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// Moves a work one place up in a collection (positions rewritten 1..n in one transaction).
pub async fn move_up(db: &Db, actor: &AuditActor, collection_id: i64, work_id: i64) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let order = collections::order(&mut tx, collection_id).await?;
    let order = collection::move_up(&order, work_id).ok_or(anjungan_kernel::Error::NotFound)?;
    collections::set_order(&mut tx, collection_id, &order).await?;
    let event = StoryEvent::CollectionWorkMovedUp {
        id: collection_id,
        work: work_id,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

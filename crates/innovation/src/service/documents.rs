//! An innovation's evidence as use cases: a document or photo attached (the stored file and what
//! refers to it in one transaction, if there is room for one more of its kind) and one removed.
//! Each saves, audits and marks the catalogue changed in one transaction; the SQL is in
//! `store::documents`.

use crate::domain::audit::InnovationEvent;
use crate::domain::documents::{AttachmentKind, NewAttachment, room_for};
use crate::error::ServiceError;
use crate::store::documents;
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::clock::now_ms;
use anjungan_kernel::files::store::Prepared;

/// Stores the file and attaches it, unless there is no room for one more of its kind (then
/// nothing is written and the refusal is returned). Returns the attachment's id.
pub async fn attach(
    db: &Db,
    actor: &Actor,
    innovation_id: i64,
    new: &NewAttachment,
    file: Prepared,
) -> Result<i64, ServiceError> {
    let mut tx = db.begin_write().await?;
    documents::lock_innovation(&mut tx, innovation_id).await?;
    let existing = documents::count(&mut tx, innovation_id, new.kind).await?;
    room_for(new.kind, existing as usize)?;
    let stored = anjungan_kernel::files::store::record(&mut tx, actor, file).await?;
    let id = documents::insert(
        &mut tx,
        innovation_id,
        new,
        &stored.sha256,
        actor.user_id,
        now_ms(),
    )
    .await?;
    let event = InnovationEvent::AttachmentAdded {
        innovation_id,
        id,
        kind: new.kind,
        section: new.section,
        title: &new.title,
        sha256: &stored.sha256,
        mime: new.mime,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(id)
}

/// Removes one attachment of `kind` from the innovation (the stored file stays: files are
/// shared by content). `NotFound` when it is not there.
pub async fn detach(
    db: &Db,
    actor: &Actor,
    innovation_id: i64,
    kind: AttachmentKind,
    id: i64,
) -> anjungan_kernel::Result<()> {
    let mut tx = db.begin_write().await?;
    let removed = documents::delete(&mut tx, innovation_id, kind, id)
        .await?
        .ok_or(anjungan_kernel::Error::NotFound)?;
    let event = InnovationEvent::AttachmentRemoved {
        innovation_id,
        id,
        kind,
        section: removed.section.as_deref(),
        title: &removed.title,
        sha256: &removed.sha256,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

//! Evidence SQL: documents per pillar and photos of an innovation, each pointing at a stored
//! file. A file and what refers to it are written in one transaction, with their audit entries.

use crate::domain::Pillar;
use crate::domain::audit::InnovationEvent;
use crate::domain::documents::{AttachmentKind, EvidenceError, NewAttachment, room_for};
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::clock::now_ms;
use anjungan_kernel::db::Db;
use anjungan_kernel::files::store::Prepared;
use sqlx::Row;

/// A document or a photo of an innovation.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub id: i64,
    pub innovation_id: i64,
    pub kind: AttachmentKind,
    pub section: Option<Pillar>,
    /// Title of a document, caption of a photo.
    pub title: String,
    pub sha256: String,
    pub mime: String,
}

impl Attachment {
    /// Where the file is served: through the innovation, to those who may see it (evidence is a
    /// private file until, and only while, the innovation is public).
    pub fn url(&self) -> String {
        format!("/inovasi/{}/lampiran/{}", self.innovation_id, self.id)
    }
}

/// Every attachment of an innovation, oldest first.
pub async fn list(db: &Db, innovation_id: i64) -> anjungan_kernel::Result<Vec<Attachment>> {
    let rows = sqlx::query(
        "SELECT id, kind, section, title, file_sha256, mime FROM innovation_documents \
         WHERE innovation_id = $1 ORDER BY id",
    )
    .bind(innovation_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            Some(Attachment {
                id: r.try_get("id").ok()?,
                innovation_id,
                kind: AttachmentKind::parse(&r.try_get::<String, _>("kind").ok()?)?,
                section: r
                    .try_get::<Option<String>, _>("section")
                    .ok()?
                    .and_then(|s| Pillar::parse(&s)),
                title: r.try_get("title").ok()?,
                sha256: r.try_get("file_sha256").ok()?,
                mime: r.try_get("mime").ok()?,
            })
        })
        .collect())
}

/// Stores the file and attaches it, unless there is no room for one more of its kind (then
/// nothing is written: the inner error).
pub async fn attach(
    db: &Db,
    actor: &Actor,
    innovation_id: i64,
    new: &NewAttachment,
    file: Prepared,
) -> anjungan_kernel::Result<Result<i64, EvidenceError>> {
    let mut tx = db.begin_write().await?;
    // Takes the innovation's row lock on PostgreSQL (SQLite's write transaction is already
    // exclusive), so two uploads cannot both see room for the last photo.
    sqlx::query("UPDATE innovations SET version = version WHERE id = $1")
        .bind(innovation_id)
        .execute(&mut *tx)
        .await?;
    let existing: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM innovation_documents WHERE innovation_id = $1 AND kind = $2",
    )
    .bind(innovation_id)
    .bind(new.kind.code())
    .fetch_one(&mut *tx)
    .await?;
    if let Err(e) = room_for(new.kind, existing as usize) {
        return Ok(Err(e));
    }
    let stored = anjungan_kernel::files::store::record(&mut tx, actor, file).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO innovation_documents (innovation_id, kind, section, title, file_sha256, mime, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(innovation_id)
    .bind(new.kind.code())
    .bind(new.section.map(Pillar::code))
    .bind(&new.title)
    .bind(&stored.sha256)
    .bind(new.mime)
    .bind(actor.user_id)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    audit::store::write(
        &mut tx,
        actor,
        &InnovationEvent::AttachmentAdded {
            innovation_id,
            id,
            kind: new.kind,
            section: new.section,
            title: &new.title,
            sha256: &stored.sha256,
            mime: new.mime,
        },
    )
    .await?;
    crate::store::bump_version(&mut tx).await?;
    tx.commit().await?;
    Ok(Ok(id))
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
    let row = sqlx::query(
        "DELETE FROM innovation_documents WHERE id = $1 AND innovation_id = $2 AND kind = $3 \
         RETURNING section, title, file_sha256",
    )
    .bind(id)
    .bind(innovation_id)
    .bind(kind.code())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(anjungan_kernel::Error::NotFound)?;
    let section: Option<String> = row.try_get("section")?;
    let title: String = row.try_get("title")?;
    let sha256: String = row.try_get("file_sha256")?;
    audit::store::write(
        &mut tx,
        actor,
        &InnovationEvent::AttachmentRemoved {
            innovation_id,
            id,
            kind,
            section: section.as_deref(),
            title: &title,
            sha256: &sha256,
        },
    )
    .await?;
    crate::store::bump_version(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

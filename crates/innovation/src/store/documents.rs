//! Evidence SQL: documents per pillar and photos of an innovation, each pointing at a stored
//! file. The use cases that write a file with what refers to it, and audit them, are in
//! `service::documents`.

use crate::domain::Pillar;
use crate::domain::documents::{AttachmentKind, NewAttachment};
use anjungan_kernel::db::{Conn, Db};
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

/// Takes the innovation's row lock on PostgreSQL (SQLite's write transaction is already
/// exclusive), so two uploads cannot both see room for the last photo.
pub async fn lock_innovation(conn: &mut Conn, innovation_id: i64) -> anjungan_kernel::Result<()> {
    sqlx::query("UPDATE innovations SET version = version WHERE id = $1")
        .bind(innovation_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// How many attachments of `kind` the innovation has.
pub async fn count(
    conn: &mut Conn,
    innovation_id: i64,
    kind: AttachmentKind,
) -> anjungan_kernel::Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM innovation_documents WHERE innovation_id = $1 AND kind = $2",
    )
    .bind(innovation_id)
    .bind(kind.code())
    .fetch_one(&mut *conn)
    .await?)
}

/// Attaches a stored file to the innovation; returns the attachment's id.
pub async fn insert(
    conn: &mut Conn,
    innovation_id: i64,
    new: &NewAttachment,
    sha256: &str,
    by: Option<i64>,
    now: i64,
) -> anjungan_kernel::Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO innovation_documents (innovation_id, kind, section, title, file_sha256, mime, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(innovation_id)
    .bind(new.kind.code())
    .bind(new.section.map(Pillar::code))
    .bind(&new.title)
    .bind(sha256)
    .bind(new.mime)
    .bind(by)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?)
}

/// What a removed attachment was: its section, title and file.
pub struct Removed {
    pub section: Option<String>,
    pub title: String,
    pub sha256: String,
}

/// Removes one attachment of `kind` from the innovation (the stored file stays: files are
/// shared by content); `None` when it is not there.
pub async fn delete(
    conn: &mut Conn,
    innovation_id: i64,
    kind: AttachmentKind,
    id: i64,
) -> anjungan_kernel::Result<Option<Removed>> {
    let Some(row) = sqlx::query(
        "DELETE FROM innovation_documents WHERE id = $1 AND innovation_id = $2 AND kind = $3 \
         RETURNING section, title, file_sha256",
    )
    .bind(id)
    .bind(innovation_id)
    .bind(kind.code())
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    Ok(Some(Removed {
        section: row.try_get("section")?,
        title: row.try_get("title")?,
        sha256: row.try_get("file_sha256")?,
    }))
}

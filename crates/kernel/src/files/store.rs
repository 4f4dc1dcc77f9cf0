//! File storage. Content-addressed, so the same bytes are stored once: on disk beside the
//! embedded database, in `files.data` on PostgreSQL. Private files are sealed at rest with the
//! secret key (bound to their digest); public ones are kept as they are. A file stored sealed
//! begins with [`crate::crypto::SEALED_FILE_MAGIC`], which no accepted file type does, so a
//! reader can always tell the two apart.

use super::domain::{self, Access};
use crate::crypto::{Keys, SEALED_FILE_MAGIC};
use crate::db::{Backend, Conn, Db};
use sqlx::Row;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = kernel::files::StoredFile)]
pub struct StoredFile {
    pub sha256: String,
    pub mime: String,
    pub size: i64,
    pub original_name: String,
    pub access: Access,
    /// Where anyone can fetch it; only public files have one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

fn disk_path(data_dir: &Path, sha: &str) -> PathBuf {
    data_dir.join("uploads").join(&sha[..2]).join(sha)
}

/// An upload that passed the checks, its bytes already on disk where the backend keeps them
/// there; [`record`] enters it in the database inside the caller's transaction.
pub struct Prepared {
    pub sha256: String,
    pub mime: &'static str,
    pub name: String,
    pub access: Access,
    /// Kept in the database row only on PostgreSQL.
    data: Option<Vec<u8>>,
    sealed: bool,
    size: usize,
}

/// Writes bytes under their final name: to a temporary file, synced, then renamed, so a crash
/// never leaves a half file there.
async fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let Some(dir) = path.parent() else {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("upload path {} has no parent directory", path.display()),
        ));
    };
    tokio::fs::create_dir_all(dir).await?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.{}", uuid::Uuid::new_v4()));
    tokio::fs::write(&tmp, bytes).await?;
    tokio::fs::File::open(&tmp).await?.sync_all().await?;
    tokio::fs::rename(&tmp, path).await
}

async fn starts_sealed(path: &Path) -> std::io::Result<bool> {
    use tokio::io::AsyncReadExt;
    let mut head = vec![0u8; SEALED_FILE_MAGIC.len()];
    let mut f = tokio::fs::File::open(path).await?;
    let n = f.read(&mut head).await?;
    Ok(n == head.len() && head == SEALED_FILE_MAGIC)
}

/// Checks an upload (type by content, size, name), seals it when private and, on SQLite, writes
/// it to disk.
#[allow(clippy::too_many_arguments)]
pub async fn prepare(
    db: &Db,
    data_dir: &Path,
    keys: &Keys,
    access: Access,
    name: &str,
    bytes: &[u8],
    max: usize,
) -> crate::Result<Prepared> {
    let mime = domain::check(bytes, max)?;
    let name = domain::clean_name(name)?;
    let sha = crate::crypto::sha256_hex(bytes);
    let stored = |sealed: bool| {
        if sealed {
            keys.seal_bytes(bytes, &sha)
        } else {
            bytes.to_vec()
        }
    };
    let mut sealed = access == Access::Private;
    let data = match db.backend {
        Backend::Sqlite => {
            let path = disk_path(data_dir, &sha);
            if path.exists() {
                // Same content stored before: keep it as it is and say how it is kept.
                sealed = starts_sealed(&path).await.map_err(anyhow::Error::from)?;
            } else {
                write_atomically(&path, &stored(sealed))
                    .await
                    .map_err(anyhow::Error::from)?;
            }
            None
        }
        Backend::Postgres => Some(stored(sealed)),
    };
    Ok(Prepared {
        sha256: sha,
        mime,
        name,
        access,
        data,
        sealed,
        size: bytes.len(),
    })
}

fn described(sha256: String, mime: String, size: i64, name: String, access: Access) -> StoredFile {
    StoredFile {
        url: (access == Access::Public).then(|| format!("/berkas/{sha256}")),
        sha256,
        mime,
        size,
        original_name: name,
        access,
    }
}

/// Enters a prepared upload in the database (once per content) and audits a new one, in the
/// caller's transaction, so a room can store a file and what refers to it atomically. Content
/// stored before keeps its row; a public upload of it makes it public (its bytes were public
/// anyway), a private one never makes a public file private.
pub async fn record(
    conn: &mut Conn,
    actor: &crate::audit::Actor,
    file: Prepared,
) -> crate::Result<StoredFile> {
    let inserted = sqlx::query(
        "INSERT INTO files (sha256, mime, size, original_name, data, created_by, created_at, access, sealed) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(&file.sha256)
    .bind(file.mime)
    .bind(file.size as i64)
    .bind(&file.name)
    .bind(file.data)
    .bind(actor.user_id)
    .bind(crate::clock::now_ms())
    .bind(file.access.code())
    .bind(file.sealed as i64)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted > 0 {
        crate::audit::store::write(
            conn,
            actor,
            &crate::audit::KernelEvent::FileUploaded {
                sha256: &file.sha256,
                mime: file.mime,
                size: file.size,
                access: file.access,
            },
        )
        .await?;
    } else if file.access == Access::Public {
        sqlx::query("UPDATE files SET access = 'public' WHERE sha256 = $1")
            .bind(&file.sha256)
            .execute(&mut *conn)
            .await?;
    }
    let access: String = sqlx::query_scalar("SELECT access FROM files WHERE sha256 = $1")
        .bind(&file.sha256)
        .fetch_one(&mut *conn)
        .await?;
    Ok(described(
        file.sha256,
        file.mime.into(),
        file.size as i64,
        file.name,
        Access::parse(&access).unwrap_or(Access::Private),
    ))
}

/// Checks and stores an upload; returns its description.
#[allow(clippy::too_many_arguments)]
pub async fn put(
    db: &Db,
    data_dir: &Path,
    keys: &Keys,
    actor: &crate::audit::Actor,
    access: Access,
    name: &str,
    bytes: &[u8],
    max: usize,
) -> crate::Result<StoredFile> {
    let file = prepare(db, data_dir, keys, access, name, bytes, max).await?;
    let mut tx = db.begin_write().await?;
    let stored = record(&mut tx, actor, file).await?;
    tx.commit().await?;
    Ok(stored)
}

/// Makes a file uploaded through the API public when a room shows it publicly (a lot's photo).
/// Only the person who uploaded it, or a file already public, qualifies: nobody publishes
/// someone else's private file by knowing its digest. Returns its MIME type when it may be used.
pub async fn publish(
    conn: &mut Conn,
    user_id: Option<i64>,
    sha: &str,
) -> crate::Result<Option<String>> {
    if !domain::is_digest(sha) {
        return Ok(None);
    }
    let row = sqlx::query("SELECT mime, access, created_by FROM files WHERE sha256 = $1")
        .bind(sha)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(r) = row else { return Ok(None) };
    let access: String = r.try_get("access")?;
    let owner: Option<i64> = r.try_get("created_by")?;
    if access != "public" {
        if user_id.is_none() || owner != user_id {
            return Ok(None);
        }
        sqlx::query("UPDATE files SET access = 'public' WHERE sha256 = $1")
            .bind(sha)
            .execute(&mut *conn)
            .await?;
    }
    Ok(Some(r.try_get("mime")?))
}

/// Whether `user_id` uploaded the file: what lets an API client attach a file to a record by its
/// digest (a digest alone, like the one a verification page shows, proves nothing).
pub async fn uploaded_by(db: &Db, sha: &str, user_id: i64) -> crate::Result<bool> {
    if !domain::is_digest(sha) {
        return Ok(false);
    }
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM files WHERE sha256 = $1 AND created_by = $2")
            .bind(sha)
            .bind(user_id)
            .fetch_one(&db.pool)
            .await?;
    Ok(n > 0)
}

pub struct FileContent {
    pub sha256: String,
    pub mime: String,
    pub original_name: String,
    pub access: Access,
    pub bytes: Vec<u8>,
}

/// A stored file of any class, opened. Rooms call this only after deciding that the caller
/// may have it.
pub async fn get(
    db: &Db,
    data_dir: &Path,
    keys: &Keys,
    sha: &str,
) -> crate::Result<Option<FileContent>> {
    if !domain::is_digest(sha) {
        return Ok(None);
    }
    let row = sqlx::query("SELECT mime, original_name, access, data FROM files WHERE sha256 = $1")
        .bind(sha)
        .fetch_optional(&db.pool)
        .await?;
    let Some(r) = row else { return Ok(None) };
    let raw = match r.try_get::<Option<Vec<u8>>, _>("data")? {
        Some(b) => b,
        None => match tokio::fs::read(disk_path(data_dir, sha)).await {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(anyhow::Error::from(e).into()),
        },
    };
    let bytes = if raw.starts_with(SEALED_FILE_MAGIC) {
        keys.open_bytes(&raw, sha)
            .map_err(|_| anyhow::anyhow!("stored file {sha} cannot be opened with this key"))?
    } else {
        raw
    };
    Ok(Some(FileContent {
        sha256: sha.to_string(),
        mime: r.try_get("mime")?,
        original_name: r.try_get("original_name")?,
        access: Access::parse(&r.try_get::<String, _>("access")?).unwrap_or(Access::Private),
        bytes,
    }))
}

/// A public file, for anyone; `None` for a private or unknown one alike.
pub async fn get_public(
    db: &Db,
    data_dir: &Path,
    keys: &Keys,
    sha: &str,
) -> crate::Result<Option<FileContent>> {
    Ok(get(db, data_dir, keys, sha)
        .await?
        .filter(|f| f.access == Access::Public))
}

/// Seals the private files stored in clear (those uploaded before files had access classes).
/// Runs at every start; each file is rewritten atomically and then marked, so a crash midway
/// leaves every file readable. Returns how many were sealed.
pub async fn seal_stored(db: &Db, data_dir: &Path, keys: &Keys) -> crate::Result<usize> {
    let pending: Vec<String> = sqlx::query_scalar(
        "SELECT sha256 FROM files WHERE access = 'private' AND sealed = 0 ORDER BY sha256",
    )
    .fetch_all(&db.pool)
    .await?;
    for sha in &pending {
        match db.backend {
            Backend::Sqlite => {
                let path = disk_path(data_dir, sha);
                match tokio::fs::read(&path).await {
                    Ok(raw) if !raw.starts_with(SEALED_FILE_MAGIC) => {
                        write_atomically(&path, &keys.seal_bytes(&raw, sha))
                            .await
                            .map_err(anyhow::Error::from)?;
                    }
                    Ok(_) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(e) => return Err(anyhow::Error::from(e).into()),
                }
                sqlx::query("UPDATE files SET sealed = 1 WHERE sha256 = $1")
                    .bind(sha)
                    .execute(&db.pool)
                    .await?;
            }
            Backend::Postgres => {
                let mut tx = db.begin_write().await?;
                let raw: Option<Vec<u8>> =
                    sqlx::query_scalar("SELECT data FROM files WHERE sha256 = $1 FOR UPDATE")
                        .bind(sha)
                        .fetch_one(&mut *tx)
                        .await?;
                let sealed = raw.map(|b| {
                    if b.starts_with(SEALED_FILE_MAGIC) {
                        b
                    } else {
                        keys.seal_bytes(&b, sha)
                    }
                });
                sqlx::query("UPDATE files SET data = $2, sealed = 1 WHERE sha256 = $1")
                    .bind(sha)
                    .bind(sealed)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            }
        }
    }
    Ok(pending.len())
}

//! File storage. Content-addressed, so the same bytes are stored once.

use super::domain;
use crate::db::{Backend, Conn, Db};
use sqlx::Row;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct StoredFile {
    pub sha256: String,
    pub mime: String,
    pub size: i64,
    pub original_name: String,
    /// Where the file is served.
    pub url: String,
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
    /// Kept in the database row only on PostgreSQL.
    data: Option<Vec<u8>>,
    size: usize,
}

/// Checks an upload (type by content, size, name) and, on SQLite, writes its bytes to disk.
pub async fn prepare(
    db: &Db,
    data_dir: &Path,
    name: &str,
    bytes: &[u8],
    max: usize,
) -> crate::Result<Prepared> {
    let mime = domain::check(bytes, max)?;
    let name = domain::clean_name(name)?;
    let sha = crate::crypto::sha256_hex(bytes);
    if db.backend == Backend::Sqlite {
        let path = disk_path(data_dir, &sha);
        if !path.exists() {
            let dir = path.parent().expect("upload path has a parent");
            tokio::fs::create_dir_all(dir)
                .await
                .map_err(anyhow::Error::from)?;
            // Write then rename, so a crash never leaves a half file under the final name.
            let tmp = dir.join(format!(".{sha}.{}", uuid::Uuid::new_v4()));
            tokio::fs::write(&tmp, bytes)
                .await
                .map_err(anyhow::Error::from)?;
            tokio::fs::File::open(&tmp)
                .await
                .map_err(anyhow::Error::from)?
                .sync_all()
                .await
                .map_err(anyhow::Error::from)?;
            tokio::fs::rename(&tmp, &path)
                .await
                .map_err(anyhow::Error::from)?;
        }
    }
    Ok(Prepared {
        sha256: sha,
        mime,
        name,
        data: (db.backend == Backend::Postgres).then(|| bytes.to_vec()),
        size: bytes.len(),
    })
}

/// Enters a prepared upload in the database (once per content) and audits a new one, in the
/// caller's transaction, so a room can store a file and what refers to it atomically.
pub async fn record(
    conn: &mut Conn,
    actor: &crate::audit::Actor,
    file: Prepared,
) -> crate::Result<StoredFile> {
    let inserted = sqlx::query(
        "INSERT INTO files (sha256, mime, size, original_name, data, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(&file.sha256)
    .bind(file.mime)
    .bind(file.size as i64)
    .bind(&file.name)
    .bind(file.data)
    .bind(actor.user_id)
    .bind(crate::clock::now_ms())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted > 0 {
        crate::audit::store::record(
            conn,
            actor,
            "file.upload",
            "file",
            &file.sha256,
            serde_json::json!({"mime": file.mime, "size": file.size}),
        )
        .await?;
    }
    Ok(StoredFile {
        url: format!("/berkas/{}", file.sha256),
        sha256: file.sha256,
        mime: file.mime.into(),
        size: file.size as i64,
        original_name: file.name,
    })
}

/// Checks and stores an upload; returns its description.
pub async fn put(
    db: &Db,
    data_dir: &Path,
    actor: &crate::audit::Actor,
    name: &str,
    bytes: &[u8],
    max: usize,
) -> crate::Result<StoredFile> {
    let file = prepare(db, data_dir, name, bytes, max).await?;
    let mut tx = db.begin_write().await?;
    let stored = record(&mut tx, actor, file).await?;
    tx.commit().await?;
    Ok(stored)
}

pub struct FileContent {
    pub mime: String,
    pub original_name: String,
    pub bytes: Vec<u8>,
}

pub async fn get(db: &Db, data_dir: &Path, sha: &str) -> crate::Result<Option<FileContent>> {
    if !domain::is_digest(sha) {
        return Ok(None);
    }
    let row = sqlx::query("SELECT mime, original_name, data FROM files WHERE sha256 = $1")
        .bind(sha)
        .fetch_optional(&db.pool)
        .await?;
    let Some(r) = row else { return Ok(None) };
    let bytes = match r.get::<Option<Vec<u8>>, _>("data") {
        Some(b) => b,
        None => match tokio::fs::read(disk_path(data_dir, sha)).await {
            Ok(b) => b,
            Err(_) => return Ok(None),
        },
    };
    Ok(Some(FileContent {
        mime: r.get("mime"),
        original_name: r.get("original_name"),
        bytes,
    }))
}

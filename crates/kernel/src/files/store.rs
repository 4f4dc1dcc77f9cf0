//! File storage. Content-addressed, so the same bytes are stored once.

use super::domain;
use crate::db::{Backend, Db};
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

/// Checks and stores an upload; returns its description.
pub async fn put(
    db: &Db,
    data_dir: &Path,
    actor: &crate::audit::Actor,
    name: &str,
    bytes: &[u8],
    max: usize,
) -> crate::Result<StoredFile> {
    let mime = domain::check(bytes, max)?;
    let name = domain::clean_name(name)?;
    let sha = crate::crypto::sha256_hex(bytes);
    let now = crate::clock::now_ms();
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
    let data = (db.backend == Backend::Postgres).then(|| bytes.to_vec());
    let mut tx = db.begin_write().await?;
    let inserted = sqlx::query(
        "INSERT INTO files (sha256, mime, size, original_name, data, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(&sha)
    .bind(mime)
    .bind(bytes.len() as i64)
    .bind(&name)
    .bind(data)
    .bind(actor.user_id)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted > 0 {
        crate::audit::store::record(
            &mut tx,
            actor,
            "file.upload",
            "file",
            &sha,
            serde_json::json!({"mime": mime, "size": bytes.len()}),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(StoredFile {
        url: format!("/berkas/{sha}"),
        sha256: sha,
        mime: mime.into(),
        size: bytes.len() as i64,
        original_name: name,
    })
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

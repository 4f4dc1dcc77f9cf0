//! Backups that lose nothing: one archive with a consistent copy of the database, every stored
//! file and, when asked, the secret key sealed under a passphrase, described by a manifest with
//! the SHA-256 of each part.
//!
//! - SQLite: `VACUUM INTO` gives a consistent copy while the server runs; the uploads it refers
//!   to are immutable (content-addressed), so copying them afterwards is consistent too.
//! - PostgreSQL: `pg_dump --format=custom` of the database, where the files live as well;
//!   restored with `pg_restore` into an empty database.
//!
//! The key: without it no sealed value or private file opens. `--with-key` puts it in the
//! archive sealed under a passphrase (Argon2id); otherwise it must be carried separately and
//! given to the restore as `ANJUNGAN_SECRET_KEY`. The manifest names its fingerprint either way.

use crate::crypto::Keys;
use crate::db::{Backend, Db};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

pub const FORMAT: &str = "anjungan-backup/1";
const MANIFEST: &str = "manifest.json";
const SQLITE_DB: &str = "anjungan.db";
const PG_DUMP: &str = "anjungan.pgdump";
const WRAPPED_KEY: &str = "secret.key.sealed";

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} already exists; choose a new file")]
    Exists(PathBuf),
    #[error("the data directory {0} is not empty; restore into an empty one")]
    NotEmpty(PathBuf),
    #[error("this is not an Anjungan backup ({0})")]
    NotABackup(String),
    #[error("the backup is damaged: {0}")]
    Damaged(String),
    #[error("the backup is of a {found} database; the configured one is {configured}")]
    WrongBackend { found: String, configured: String },
    #[error(
        "the backup does not carry the secret key: set ANJUNGAN_SECRET_KEY (or _FILE) to the key with fingerprint {0}"
    )]
    KeyMissing(String),
    #[error("the secret key given has fingerprint {given}; the backup was made with {expected}")]
    KeyMismatch { given: String, expected: String },
    #[error("a passphrase of at least 12 characters is needed to seal or open the key")]
    Passphrase,
    #[error("{0}")]
    Key(#[from] crate::crypto::KeyError),
    #[error("{tool} failed: {message}")]
    Tool { tool: &'static str, message: String },
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Zip(#[from] zip::result::ZipError),
}

pub type Result<T> = std::result::Result<T, BackupError>;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Part {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub created_at: String,
    pub backend: String,
    pub key_fingerprint: String,
    pub key_included: bool,
    /// Stored files the database refers to (on SQLite each is a part of the archive).
    pub files: u64,
    /// The audit chain's head at the time of the copy.
    pub audit_head: Option<(i64, String)>,
    pub parts: Vec<Part>,
}

/// What a backup holds, as `backup`, `--verify` and `restore` report it.
#[derive(Debug, Clone)]
pub struct Summary {
    pub manifest: Manifest,
    pub bytes: u64,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let m = &self.manifest;
        write!(
            f,
            "{} backup of {}: {} parts, {} stored files, {} bytes; key {} (fingerprint {}); audit head {}",
            m.backend,
            m.created_at,
            m.parts.len(),
            m.files,
            self.bytes,
            if m.key_included {
                "included, sealed under the passphrase"
            } else {
                "NOT included: carry it separately"
            },
            m.key_fingerprint,
            m.audit_head
                .as_ref()
                .map(|(id, h)| format!("#{id} {h}"))
                .unwrap_or_else(|| "none".into()),
        )
    }
}

fn check_passphrase(p: &str) -> Result<()> {
    if p.chars().count() >= 12 {
        Ok(())
    } else {
        Err(BackupError::Passphrase)
    }
}

fn upload_path(data_dir: &Path, sha: &str) -> PathBuf {
    data_dir.join("uploads").join(&sha[..2]).join(sha)
}

/// Streams `reader` into the archive as `name`, returning its size and SHA-256.
fn add_part(
    zip: &mut zip::ZipWriter<std::fs::File>,
    name: &str,
    mut reader: impl Read,
    deflate: bool,
) -> Result<Part> {
    use sha2::Digest;
    let method = if deflate {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    zip.start_file(
        name,
        zip::write::SimpleFileOptions::default()
            .compression_method(method)
            .large_file(true),
    )?;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        zip.write_all(&buf[..n])?;
        size += n as u64;
    }
    Ok(Part {
        path: name.to_string(),
        size,
        sha256: hex::encode(hasher.finalize()),
    })
}

/// Writes a backup to `to` (which must not exist yet), safe while the server runs.
pub async fn create(
    db: &Db,
    data_dir: &Path,
    database_url: &str,
    keys: &Keys,
    to: &Path,
    passphrase: Option<&str>,
) -> Result<Summary> {
    if to.exists() {
        return Err(BackupError::Exists(to.to_path_buf()));
    }
    if let Some(p) = passphrase {
        check_passphrase(p)?;
    }
    let work = tempfile::tempdir_in(
        to.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new(".")),
    )?;
    // The database first: the files to copy are those its copy refers to.
    let (db_part_name, db_copy) = match db.backend {
        Backend::Sqlite => {
            let copy = work.path().join(SQLITE_DB);
            db.backup_sqlite(&copy)
                .await
                .map_err(|e| BackupError::Damaged(e.to_string()))?;
            (SQLITE_DB, copy)
        }
        Backend::Postgres => {
            let copy = work.path().join(PG_DUMP);
            run_tool(
                "pg_dump",
                tokio::process::Command::new("pg_dump")
                    .arg("--format=custom")
                    .arg("--no-owner")
                    .arg("--no-privileges")
                    .arg(format!("--file={}", copy.display()))
                    .arg(format!("--dbname={database_url}")),
            )
            .await?;
            (PG_DUMP, copy)
        }
    };
    let (files, audit_head) = match db.backend {
        Backend::Sqlite => {
            let snapshot = crate::Db::connect(&format!("sqlite://{}", db_copy.display()), 1)
                .await
                .map_err(|e| BackupError::Damaged(e.to_string()))?;
            let files: Vec<String> = sqlx::query_scalar("SELECT sha256 FROM files ORDER BY sha256")
                .fetch_all(&snapshot.pool)
                .await?;
            let head = crate::audit::store::head(&snapshot).await?;
            snapshot.pool.close().await;
            (files, head)
        }
        Backend::Postgres => {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM files")
                .fetch_one(&db.pool)
                .await?;
            let head = crate::audit::store::head(db).await?;
            ((0..n).map(|_| String::new()).collect(), head)
        }
    };
    let wrapped = match passphrase {
        Some(p) => {
            let (keys, p) = (keys.clone(), p.to_string());
            Some(
                tokio::task::spawn_blocking(move || keys.wrap(&p))
                    .await
                    .map_err(|e| BackupError::Damaged(e.to_string()))??,
            )
        }
        None => None,
    };
    let mut manifest = Manifest {
        format: FORMAT.into(),
        created_at: crate::clock::rfc3339_wib(crate::clock::now_ms()),
        backend: db.backend.name().into(),
        key_fingerprint: keys.fingerprint().into(),
        key_included: wrapped.is_some(),
        files: files.len() as u64,
        audit_head,
        parts: Vec::new(),
    };
    let partial = work.path().join("backup.zip");
    let data_dir = data_dir.to_path_buf();
    let backend = db.backend;
    let (partial, manifest) =
        tokio::task::spawn_blocking(move || -> Result<(PathBuf, Manifest)> {
            let mut zip = zip::ZipWriter::new(std::fs::File::create(&partial)?);
            manifest.parts.push(add_part(
                &mut zip,
                db_part_name,
                std::fs::File::open(&db_copy)?,
                true,
            )?);
            if backend == Backend::Sqlite {
                for sha in &files {
                    let name = format!("uploads/{}/{sha}", &sha[..2]);
                    let file = std::fs::File::open(upload_path(&data_dir, sha)).map_err(|e| {
                        BackupError::Damaged(format!(
                            "stored file {sha} is missing from the data directory: {e}"
                        ))
                    })?;
                    manifest.parts.push(add_part(&mut zip, &name, file, false)?);
                }
            }
            if let Some(w) = &wrapped {
                manifest
                    .parts
                    .push(add_part(&mut zip, WRAPPED_KEY, w.as_bytes(), false)?);
            }
            zip.start_file(MANIFEST, zip::write::SimpleFileOptions::default())?;
            let text = serde_json::to_string_pretty(&manifest).map_err(std::io::Error::from)?;
            zip.write_all(text.as_bytes())?;
            zip.finish()?.sync_all()?;
            Ok((partial, manifest))
        })
        .await
        .map_err(|e| BackupError::Damaged(e.to_string()))??;
    // Only a complete archive takes the final name.
    std::fs::rename(&partial, to).or_else(|_| {
        std::fs::copy(&partial, to)
            .map(|_| ())
            .and_then(|_| std::fs::File::open(to)?.sync_all())
    })?;
    let bytes = std::fs::metadata(to)?.len();
    Ok(Summary { manifest, bytes })
}

async fn run_tool(tool: &'static str, cmd: &mut tokio::process::Command) -> Result<()> {
    let out = cmd.output().await.map_err(|e| BackupError::Tool {
        tool,
        message: format!("cannot run it ({e}); install the PostgreSQL client tools"),
    })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(BackupError::Tool {
            tool,
            message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        })
    }
}

fn open_archive(file: &Path) -> Result<(zip::ZipArchive<std::fs::File>, Manifest)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(file)?)
        .map_err(|e| BackupError::NotABackup(e.to_string()))?;
    let manifest: Manifest = {
        let mut text = String::new();
        zip.by_name(MANIFEST)
            .map_err(|_| BackupError::NotABackup("no manifest".into()))?
            .read_to_string(&mut text)?;
        serde_json::from_str(&text).map_err(|e| BackupError::NotABackup(e.to_string()))?
    };
    if manifest.format != FORMAT {
        return Err(BackupError::NotABackup(format!(
            "format {:?}",
            manifest.format
        )));
    }
    Ok((zip, manifest))
}

/// Reads every part back and compares it with the manifest; on SQLite also checks the copy's
/// integrity and that every stored file it refers to is in the archive. With the passphrase,
/// also that the sealed key opens and is the one the data was sealed with.
pub async fn verify(file: &Path, passphrase: Option<&str>) -> Result<Summary> {
    let work = tempfile::tempdir()?;
    let (manifest, db_copy) = check_parts(file, work.path(), None).await?;
    match (manifest.backend.as_str(), db_copy) {
        ("sqlite", Some(copy)) => check_sqlite_copy(&copy, &manifest).await?,
        ("postgres", Some(_)) => {}
        _ => return Err(BackupError::Damaged("no database in the backup".into())),
    }
    if let Some(p) = passphrase {
        let (mut zip, _) = open_archive(file)?;
        let p = p.to_string();
        let m = manifest.clone();
        tokio::task::spawn_blocking(move || key_of(&m, &mut zip, Some(&p), None))
            .await
            .map_err(|e| BackupError::Damaged(e.to_string()))??;
    }
    let bytes = manifest.parts.iter().map(|p| p.size).sum();
    Ok(Summary { manifest, bytes })
}

/// Reads every part and checks it against the manifest. The database part is written to
/// `work`; with `uploads_to`, the uploads are written under it as they are read.
async fn check_parts(
    file: &Path,
    work: &Path,
    uploads_to: Option<&Path>,
) -> Result<(Manifest, Option<PathBuf>)> {
    let (file, work) = (file.to_path_buf(), work.to_path_buf());
    let uploads_to = uploads_to.map(Path::to_path_buf);
    tokio::task::spawn_blocking(move || -> Result<(Manifest, Option<PathBuf>)> {
        use sha2::Digest;
        let (mut zip, manifest) = open_archive(&file)?;
        let mut db_copy = None;
        for part in &manifest.parts {
            if part.path.contains("..") || part.path.starts_with('/') {
                return Err(BackupError::Damaged(format!("unsafe name {}", part.path)));
            }
            let mut entry = zip
                .by_name(&part.path)
                .map_err(|_| BackupError::Damaged(format!("{} is missing", part.path)))?;
            let target = if part.path == SQLITE_DB || part.path == PG_DUMP {
                let p = work.join(&part.path);
                db_copy = Some(p.clone());
                Some(p)
            } else {
                match (&uploads_to, part.path.strip_prefix("uploads/")) {
                    (Some(dir), Some(rest)) => Some(dir.join("uploads").join(rest)),
                    _ => None,
                }
            };
            let mut out = match &target {
                Some(p) => {
                    if let Some(parent) = p.parent() {
                        std::fs::create_dir_all(parent)?;
                    }
                    Some(std::fs::File::create(p)?)
                }
                None => None,
            };
            let mut hasher = sha2::Sha256::new();
            let mut size = 0u64;
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = entry.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                if let Some(o) = out.as_mut() {
                    o.write_all(&buf[..n])?;
                }
                size += n as u64;
            }
            if let Some(o) = out {
                o.sync_all()?;
            }
            if size != part.size || hex::encode(hasher.finalize()) != part.sha256 {
                return Err(BackupError::Damaged(format!(
                    "{} does not match its checksum",
                    part.path
                )));
            }
        }
        Ok((manifest, db_copy))
    })
    .await
    .map_err(|e| BackupError::Damaged(e.to_string()))?
}

async fn check_sqlite_copy(copy: &Path, manifest: &Manifest) -> Result<()> {
    let snapshot = crate::Db::connect(&format!("sqlite://{}", copy.display()), 1)
        .await
        .map_err(|e| BackupError::Damaged(e.to_string()))?;
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&snapshot.pool)
        .await?;
    let files: Vec<String> = sqlx::query_scalar("SELECT sha256 FROM files")
        .fetch_all(&snapshot.pool)
        .await?;
    snapshot.pool.close().await;
    if check != "ok" {
        return Err(BackupError::Damaged(format!("database: {check}")));
    }
    for sha in files {
        let name = format!("uploads/{}/{sha}", &sha[..2]);
        if !manifest.parts.iter().any(|p| p.path == name) {
            return Err(BackupError::Damaged(format!(
                "stored file {sha} is missing"
            )));
        }
    }
    Ok(())
}

/// Restores a backup into an empty data directory (SQLite) or an empty database (PostgreSQL).
/// The key comes from the archive (with the passphrase) or from the configuration; a key from
/// the archive is written to `data_dir/secret.key`. The caller then opens the database as at
/// start-up, which checks the key against it.
pub async fn restore(
    from: &Path,
    data_dir: &Path,
    database_url: &str,
    configured_key: Option<&str>,
    passphrase: Option<&str>,
) -> Result<Summary> {
    let backend =
        Backend::from_url(database_url).map_err(|e| BackupError::Damaged(e.to_string()))?;
    let (mut zip, manifest) = open_archive(from)?;
    if manifest.backend != backend.name() {
        return Err(BackupError::WrongBackend {
            found: manifest.backend.clone(),
            configured: backend.name().into(),
        });
    }
    let keys = {
        let m = manifest.clone();
        let (p, c) = (
            passphrase.map(str::to_string),
            configured_key.map(str::to_string),
        );
        tokio::task::spawn_blocking(move || key_of(&m, &mut zip, p.as_deref(), c.as_deref()))
            .await
            .map_err(|e| BackupError::Damaged(e.to_string()))??
    };
    let occupied = match std::fs::read_dir(data_dir) {
        Ok(mut entries) => entries.next().is_some(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(e.into()),
    };
    if occupied {
        return Err(BackupError::NotEmpty(data_dir.to_path_buf()));
    }
    std::fs::create_dir_all(data_dir)?;
    let work = tempfile::tempdir_in(data_dir)?;
    let (_, db_copy) = check_parts(from, work.path(), Some(data_dir)).await?;
    let db_copy =
        db_copy.ok_or_else(|| BackupError::Damaged("no database in the backup".into()))?;
    match backend {
        Backend::Sqlite => {
            check_sqlite_copy(&db_copy, &manifest).await?;
            let target = database_url
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            let target = Path::new(target.split('?').next().unwrap_or(target));
            if target.exists() {
                return Err(BackupError::Exists(target.to_path_buf()));
            }
            std::fs::rename(&db_copy, target)?;
        }
        Backend::Postgres => {
            let db = crate::Db::connect(database_url, 1)
                .await
                .map_err(|e| BackupError::Damaged(e.to_string()))?;
            let tables: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'",
            )
            .fetch_one(&db.pool)
            .await?;
            db.pool.close().await;
            if tables > 0 {
                return Err(BackupError::NotEmpty(PathBuf::from(database_url)));
            }
            run_tool(
                "pg_restore",
                tokio::process::Command::new("pg_restore")
                    .arg("--no-owner")
                    .arg("--no-privileges")
                    .arg("--exit-on-error")
                    .arg("--single-transaction")
                    .arg(format!("--dbname={database_url}"))
                    .arg(&db_copy),
            )
            .await?;
        }
    }
    drop(work);
    if configured_key.is_none() {
        crate::crypto::write_key_file(&data_dir.join("secret.key"), &keys)?;
    }
    let bytes = manifest.parts.iter().map(|p| p.size).sum();
    Ok(Summary { manifest, bytes })
}

/// The backup's key: opened from the archive with the passphrase, or the configured one; either
/// way it must be the one the data was sealed with.
fn key_of(
    manifest: &Manifest,
    zip: &mut zip::ZipArchive<std::fs::File>,
    passphrase: Option<&str>,
    configured: Option<&str>,
) -> Result<Keys> {
    let keys = if manifest.key_included && configured.is_none() {
        let p = passphrase.ok_or(BackupError::Passphrase)?;
        let mut wrapped = String::new();
        zip.by_name(WRAPPED_KEY)
            .map_err(|_| BackupError::Damaged(format!("{WRAPPED_KEY} is missing")))?
            .read_to_string(&mut wrapped)?;
        Keys::unwrap(&wrapped, p)?
    } else {
        Keys::parse(
            configured.ok_or_else(|| BackupError::KeyMissing(manifest.key_fingerprint.clone()))?,
        )?
    };
    if keys.fingerprint() != manifest.key_fingerprint {
        return Err(BackupError::KeyMismatch {
            given: keys.fingerprint().into(),
            expected: manifest.key_fingerprint.clone(),
        });
    }
    Ok(keys)
}

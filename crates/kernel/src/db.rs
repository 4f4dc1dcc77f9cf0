//! One database handle for both engines (ARCHITECTURE.md principle 4): portable SQL runs through
//! sqlx's `Any` driver; what truly differs lives in small functions named per backend.

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::time::Duration;

pub type Conn = sqlx::AnyConnection;

/// A write transaction. Used as the connection it holds (`&mut *tx`); committing it also tells
/// the page cache, here and on the other nodes, that what guests see may have changed (see
/// [`crate::versions`]).
pub struct Tx {
    inner: sqlx::Transaction<'static, sqlx::Any>,
    /// Whose counters move on commit; `None` for a write no public page shows.
    versions: Option<std::sync::Arc<crate::versions::Versions>>,
    /// Narrows the write to one scope (see [`Tx::only_affects`]).
    scope: Option<&'static str>,
    announce: bool,
}

impl std::ops::Deref for Tx {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.inner
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.inner
    }
}

impl Tx {
    /// Declares that this write changes only what pages of `scope` show (a room's hot path),
    /// so cached pages that name other scopes stay valid.
    pub fn only_affects(&mut self, scope: &'static str) {
        self.scope = Some(scope);
    }

    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        if let Some(v) = &self.versions
            && self.announce
        {
            // Delivered to the other nodes exactly when this transaction commits.
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(crate::versions::CHANNEL)
                .bind(v.announcement(self.scope))
                .execute(&mut *self.inner)
                .await?;
        }
        self.inner.commit().await?;
        if let Some(v) = &self.versions {
            v.bump(self.scope);
        }
        Ok(())
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.inner.rollback().await
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Self, DbError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(DbError::UnsupportedUrl)
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("the database URL must start with sqlite:// or postgres://")]
    UnsupportedUrl,
    #[error("cannot create the data directory {0}: {1}")]
    DataDir(String, std::io::Error),
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("two migrations share the version {0}")]
    DuplicateMigration(i64),
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// Tells apart databases opened by one process (tests open many), for per-database caches.
    pub instance: u64,
    /// Moved by every committed write: what cached pages are checked against.
    pub versions: std::sync::Arc<crate::versions::Versions>,
    /// SQLite's background checkpoint, running while any handle on the database lives.
    _checkpointer: Option<std::sync::Arc<crate::checkpoint::Checkpointer>>,
}

static INSTANCES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// The kernel's migrations and every installed room's, as one ordered list.
#[derive(Debug)]
struct Merged(Vec<sqlx::migrate::Migration>);

impl<'s> sqlx::migrate::MigrationSource<'s> for Merged {
    fn resolve(
        self,
    ) -> std::pin::Pin<
        Box<
            dyn std::future::Future<
                    Output = Result<Vec<sqlx::migrate::Migration>, sqlx::error::BoxDynError>,
                > + Send
                + 's,
        >,
    > {
        Box::pin(async move { Ok(self.0) })
    }
}

impl Db {
    /// Opens a pool. SQLite files are created when missing and run in WAL mode with foreign keys
    /// on and `synchronous=FULL`, so an acknowledged write survives a crash or power loss.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, DbError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url = match backend {
            Backend::Sqlite => {
                let path = url
                    .trim_start_matches("sqlite://")
                    .trim_start_matches("sqlite:");
                let path = path.split('?').next().unwrap_or(path);
                if let Some(parent) = std::path::Path::new(path).parent()
                    && !parent.as_os_str().is_empty()
                {
                    std::fs::create_dir_all(parent)
                        .map_err(|e| DbError::DataDir(parent.display().to_string(), e))?;
                }
                if url.contains('?') {
                    url.to_string()
                } else {
                    format!("{url}?mode=rwc")
                }
            }
            Backend::Postgres => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .min_connections(0)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(
                            "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; \
                             PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        let instance = INSTANCES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let checkpointer = (backend == Backend::Sqlite)
            .then(|| std::sync::Arc::new(crate::checkpoint::spawn(pool.clone())));
        Ok(Self {
            pool,
            backend,
            instance,
            versions: Default::default(),
            _checkpointer: checkpointer,
        })
    }

    /// Runs the kernel's and the installed rooms' migrations, merged in version order (a room's
    /// tables may refer to the kernel's and to rooms migrated before it).
    pub async fn migrate(&self) -> Result<(), DbError> {
        let rooms = crate::room::installed();
        let sources = std::iter::once(match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        })
        .chain(rooms.iter().map(|r| match self.backend {
            Backend::Sqlite => r.sqlite_migrations,
            Backend::Postgres => r.postgres_migrations,
        }));
        let mut all: Vec<sqlx::migrate::Migration> =
            sources.flat_map(|m| m.iter().cloned()).collect();
        all.sort_by_key(|m| m.version);
        if let Some(w) = all.windows(2).find(|w| w[0].version == w[1].version) {
            return Err(DbError::DuplicateMigration(w[0].version));
        }
        sqlx::migrate::Migrator::new(Merged(all))
            .await?
            .run(&self.pool)
            .await?;
        Ok(())
    }

    /// A write transaction. On SQLite it takes the write lock up front (`BEGIN IMMEDIATE`) so a
    /// read-then-write never fails half-way with a busy snapshot.
    ///
    /// Its commit tells the page cache that pages may have changed; for a write no public page
    /// shows, use [`Db::begin_private_write`].
    pub async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        let mut tx = self.begin_private_write().await?;
        tx.versions = Some(self.versions.clone());
        tx.announce = self.backend == Backend::Postgres;
        Ok(tx)
    }

    /// A write transaction whose commit leaves cached pages alone: for what no page a guest
    /// sees shows (sign-in sessions, one-time codes, the outbox, the audit chain).
    pub async fn begin_private_write(&self) -> Result<Tx, sqlx::Error> {
        let inner = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }?;
        Ok(Tx {
            inner,
            versions: None,
            scope: None,
            announce: false,
        })
    }

    /// Reachability check for `/healthz` and `anjungan check`.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// `FOR UPDATE SKIP LOCKED` where the engine has row locks; SQLite's single writer needs none.
    pub fn skip_locked(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        }
    }

    /// A consistent online copy of the embedded database (`VACUUM INTO`), safe while serving.
    pub async fn backup_sqlite(&self, to: &std::path::Path) -> Result<(), DbError> {
        // The target is an expression, so the path is bound rather than quoted into the SQL.
        sqlx::query("VACUUM INTO $1")
            .bind(to.display().to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn close(&self) {
        if self.backend == Backend::Sqlite {
            let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.pool)
                .await;
        }
        self.pool.close().await;
    }
}

/// A JSON column read into its type. A column that does not parse is an error (a decode
/// error naming the column), never a silent default: a corrupt rule set must not turn into
/// another one.
pub fn json_column<T: serde::de::DeserializeOwned>(
    row: &sqlx::any::AnyRow,
    column: &str,
) -> Result<T, sqlx::Error> {
    use sqlx::Row;
    let text: String = row.try_get(column)?;
    parse_json(column, &text)
}

/// Parses JSON kept in `column` (already read, e.g. opened from a sealed value).
pub fn parse_json<T: serde::de::DeserializeOwned>(
    column: &str,
    text: &str,
) -> Result<T, sqlx::Error> {
    serde_json::from_str(text).map_err(|e| sqlx::Error::ColumnDecode {
        index: column.to_string(),
        source: Box::new(e),
    })
}

/// A value as JSON text for a column. Serialising plain data cannot fail in practice; should
/// it (a map with non-string keys, a failing `Serialize`), the error is returned, not a panic.
pub fn json_text<T: serde::Serialize + ?Sized>(value: &T) -> crate::Result<String> {
    serde_json::to_string(value).map_err(|e| crate::Error::Internal(e.into()))
}

/// Maps a unique-constraint violation to `true`, for "already exists" answers.
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => {
            db.kind() == sqlx::error::ErrorKind::UniqueViolation
                || db.message().contains("UNIQUE constraint failed")
        }
        _ => false,
    }
}

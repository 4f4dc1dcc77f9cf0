//! The shared test kit (feature `testkit`, for tests only): a database that exists for one
//! test, on SQLite or PostgreSQL, with the kernel's tables and those of the rooms a test
//! installs — seeded with nothing else, so a room's tests need no other room's data.
//!
//! PostgreSQL tests run when `ANJUNGAN_TEST_POSTGRES_URL` names an administrative connection;
//! under `CI=true` a missing URL fails the test instead of skipping it.

// A failure here is a failed test, said where it happened.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::Db;
use crate::room::Room;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Whether this is a CI run, where no test may skip.
pub fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// A database that exists only for one test; PostgreSQL's is dropped with it.
pub struct TestDb {
    pub url: String,
    pub dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

impl TestDb {
    /// `None` when PostgreSQL is not configured outside CI; under `CI=true` that is a failure.
    pub async fn new(backend: Backend) -> Option<TestDb> {
        let dir = tempfile::tempdir().expect("temp dir");
        match backend {
            Backend::Sqlite => Some(TestDb {
                url: format!("sqlite://{}", dir.path().join("test.db").display()),
                dir,
                pg: None,
            }),
            Backend::Postgres => {
                let Ok(admin) = std::env::var("ANJUNGAN_TEST_POSTGRES_URL") else {
                    assert!(
                        !ci(),
                        "CI=true but ANJUNGAN_TEST_POSTGRES_URL is not set: PostgreSQL tests must run"
                    );
                    eprintln!(
                        "skipped: PostgreSQL test (set ANJUNGAN_TEST_POSTGRES_URL to run it)"
                    );
                    return None;
                };
                let name = format!("anjungan_test_{}", uuid::Uuid::new_v4().simple());
                let conn = Db::connect(&admin, 1)
                    .await
                    .expect("PostgreSQL reachable at ANJUNGAN_TEST_POSTGRES_URL");
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&conn.pool)
                    .await
                    .expect("create test database");
                conn.pool.close().await;
                let base = admin
                    .rsplit_once('/')
                    .map(|(b, _)| b.to_string())
                    .unwrap_or(admin.clone());
                Some(TestDb {
                    url: format!("{base}/{name}"),
                    dir,
                    pg: Some((admin, name)),
                })
            }
        }
    }

    /// Connects and creates the kernel's tables and the installed rooms' (see [`install`]).
    pub async fn open(&self) -> Db {
        let db = Db::connect(&self.url, 8)
            .await
            .expect("connect test database");
        db.migrate().await.expect("migrate test database");
        db
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.pg.take() {
            // Drop runs outside async; a short-lived runtime on its own thread removes the database.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    if let Ok(db) = Db::connect(&admin, 1).await {
                        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                        )))
                        .execute(&db.pool)
                        .await;
                        db.pool.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// Installs the rooms a test binary exercises (its own, usually): their migrations and strings,
/// and nothing of the others.
pub fn install(rooms: &'static [&'static Room]) {
    crate::room::install(rooms);
}

/// A database for one test with the kernel's tables and the installed rooms', or `None` when
/// the backend is not available outside CI.
pub async fn database(backend: Backend) -> Option<(TestDb, Db)> {
    let t = TestDb::new(backend).await?;
    let db = t.open().await;
    Some((t, db))
}

/// Runs each test body once on SQLite and once on PostgreSQL, each on a fresh database with the
/// kernel's tables and those of `rooms` (installed first):
/// `both_backends_db!(ROOMS; my_test);` with `async fn my_test(t: TestDb, db: Db)` beside it
/// (`t` holds the data directory, and the database until the test ends).
#[macro_export]
macro_rules! both_backends_db {
    ($rooms:ident; $($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    $crate::testkit::install(super::$rooms);
                    if let Some((t, db)) =
                        $crate::testkit::database($crate::testkit::Backend::Sqlite).await
                    {
                        super::$name(t, db).await;
                    }
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    $crate::testkit::install(super::$rooms);
                    if let Some((t, db)) =
                        $crate::testkit::database($crate::testkit::Backend::Postgres).await
                    {
                        super::$name(t, db).await;
                    }
                }
            }
        )*
    };
}

//! SQLite's write-ahead log is copied back into the database by a task of its own, a little at
//! a time, rather than all at once by whichever write happens to fill it. By default the
//! commit that takes the log past 1,000 pages also copies them and syncs the database file
//! before it returns, so a batch of bids waited tens of milliseconds for work not its own.
//! The writers' automatic checkpoint stays as the backstop; it then finds almost every page
//! copied already, so it is short, and the log still restarts from its beginning instead of
//! growing.

use sqlx::AnyPool;
use std::time::Duration;

/// How often the log is copied back: a fifth of a second of writes is a short copy.
const EVERY: Duration = Duration::from_millis(200);

/// Dropped with the last handle on the database, which ends the task.
#[derive(Debug)]
pub(crate) struct Checkpointer {
    _stop: tokio::sync::watch::Sender<()>,
}

pub(crate) fn spawn(pool: AnyPool) -> Checkpointer {
    let (stop, mut stopped) = tokio::sync::watch::channel(());
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = tokio::time::sleep(EVERY) => {}
                _ = stopped.changed() => return,
            }
            if pool.is_closed() {
                return;
            }
            // PASSIVE never waits for readers or writers; with nothing to copy it does no I/O.
            if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&pool)
                .await
            {
                tracing::debug!(error = %e, "background WAL checkpoint skipped");
            }
        }
    });
    Checkpointer { _stop: stop }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use crate::Db;
    use std::time::{Duration, Instant};

    /// A write far below the writers' own 1,000-page checkpoint reaches the database file
    /// within moments, so no writer is left to copy it; and the log restarts instead of
    /// growing.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_log_is_copied_back_without_a_writer_doing_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let db = Db::connect(&format!("sqlite://{}", path.display()), 4)
            .await
            .unwrap();
        sqlx::query("CREATE TABLE t (b BLOB)")
            .execute(&db.pool)
            .await
            .unwrap();
        let size = || std::fs::metadata(&path).unwrap().len();
        let wal = || {
            std::fs::metadata(dir.path().join("c.db-wal"))
                .unwrap()
                .len()
        };
        // Let the table's creation be copied back first.
        tokio::time::sleep(Duration::from_millis(600)).await;
        let before = size();
        // About 100 pages of 4 KiB: a tenth of what makes a writer checkpoint.
        sqlx::query("INSERT INTO t (b) VALUES (zeroblob(400000))")
            .execute(&db.pool)
            .await
            .unwrap();
        assert!(wal() > 400_000, "the write is in the log first");
        let started = Instant::now();
        while size() < before + 350_000 {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the log was not copied into the database file: {} bytes, {} before",
                size(),
                before
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // The file may grow before the task's copy has finished; finish it so the next writes
        // start the log again from its beginning: it does not grow.
        sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&db.pool)
            .await
            .unwrap();
        let high = wal();
        for _ in 0..20 {
            sqlx::query("INSERT INTO t (b) VALUES (zeroblob(4000))")
                .execute(&db.pool)
                .await
                .unwrap();
        }
        assert_eq!(wal(), high, "the log was reused, not grown");
    }
}

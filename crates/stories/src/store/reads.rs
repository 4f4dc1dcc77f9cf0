//! Reads are counted in memory and written in batches, so the reading page never waits for a
//! write: a busy page would otherwise turn every view into a database transaction.

use super::Result;
use anjungan_kernel::Db;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// A poisoned lock is recovered: the map only holds counts, each added whole.
#[derive(Default)]
pub struct ReadCounter {
    pending: Mutex<HashMap<i64, i64>>,
}

impl ReadCounter {
    pub fn count(&self, work_id: i64) {
        *self
            .pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(work_id)
            .or_default() += 1;
    }

    /// Writes the counted reads; a failed write puts them back for the next flush.
    pub async fn flush(&self, db: &Db) -> Result<usize> {
        let batch =
            std::mem::take(&mut *self.pending.lock().unwrap_or_else(PoisonError::into_inner));
        if batch.is_empty() {
            return Ok(0);
        }
        let n = batch.len();
        let result = async {
            // A count, not content: it ends no kept page (those show it at most their max age
            // late), else every flush of a popular chapter would re-render every room's pages.
            let mut tx = db.begin_private_write().await?;
            for (work, reads) in &batch {
                sqlx::query("UPDATE story_works SET reads = reads + $1 WHERE id = $2")
                    .bind(*reads)
                    .bind(*work)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await
        }
        .await;
        if let Err(e) = result {
            let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            for (work, reads) in batch {
                *pending.entry(work).or_default() += reads;
            }
            return Err(e.into());
        }
        Ok(n)
    }
}

/// Flushes every `every` until the counter is dropped (the router that owns it is gone).
pub fn spawn_flusher(counter: &std::sync::Arc<ReadCounter>, db: Db, every: std::time::Duration) {
    let weak = std::sync::Arc::downgrade(counter);
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            let Some(counter) = weak.upgrade() else {
                return;
            };
            if let Err(e) = counter.flush(&db).await {
                tracing::warn!(error = %e, "could not write read counts");
            }
        }
    });
}

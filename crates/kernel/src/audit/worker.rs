//! The chain writer: links new audit entries every second, and once more when the server stops.

use crate::Db;
use crate::crypto::Keys;
use std::time::Duration;

pub async fn run(db: Db, keys: Keys, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        if let Err(e) = super::store::chain_pending(&db, &keys).await {
            tracing::warn!(error = %e, "linking audit entries failed");
        }
        if *stop.borrow() {
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = stop.changed() => {}
        }
    }
}

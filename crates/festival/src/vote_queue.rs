//! Group commit for the public vote: ballots from concurrent requests are queued and cast in
//! batches, one transaction (and one disk flush) per batch; each request is answered only after
//! its batch has committed, so an acknowledged vote is durable. Under light load a batch is a
//! single ballot and nothing waits.

use crate::store::{self, Ballot, VoteFailure};
use anjungan_kernel::audit::Actor;
use anjungan_kernel::db::Db;
use std::sync::{Arc, OnceLock};
use tokio::sync::{mpsc, oneshot};

/// The most ballots one transaction takes.
const MAX_BATCH: usize = 256;

type Reply = oneshot::Sender<Result<i64, VoteFailure>>;

#[derive(Clone)]
pub struct VoteQueue {
    db: Db,
    sender: Arc<OnceLock<mpsc::Sender<(Actor, Ballot, Reply)>>>,
}

impl VoteQueue {
    pub fn new(db: Db) -> Self {
        Self {
            db,
            sender: Arc::new(OnceLock::new()),
        }
    }

    /// Casts one ballot; returns once it is committed (or refused).
    pub async fn cast(&self, actor: Actor, ballot: Ballot) -> Result<i64, VoteFailure> {
        // The worker starts on first use, inside the runtime that serves the request.
        let sender = self.sender.get_or_init(|| {
            let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
            tokio::spawn(worker(self.db.clone(), rx));
            tx
        });
        let (reply, answer) = oneshot::channel();
        sender
            .send((actor, ballot, reply))
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> VoteFailure {
    VoteFailure::Kernel(anjungan_kernel::Error::Internal(anyhow::anyhow!(
        "the vote queue has stopped"
    )))
}

async fn worker(db: Db, mut rx: mpsc::Receiver<(Actor, Ballot, Reply)>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    // Waits for one ballot, then takes whatever else has queued meanwhile.
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (ballots, replies): (Vec<(Actor, Ballot)>, Vec<Reply>) =
            batch.drain(..).map(|(a, b, r)| ((a, b), r)).unzip();
        match store::cast_votes(&db, &ballots).await {
            Ok(outcomes) => {
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    let _ = reply.send(outcome.map_err(VoteFailure::Rule));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, ballots = ballots.len(), "vote batch failed");
                for reply in replies {
                    let _ = reply.send(Err(VoteFailure::Kernel(anjungan_kernel::Error::Internal(
                        anyhow::anyhow!("vote batch failed"),
                    ))));
                }
            }
        }
    }
}

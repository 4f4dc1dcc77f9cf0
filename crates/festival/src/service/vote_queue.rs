//! Group commit for the public vote: ballots from concurrent requests are cast in batches, one
//! transaction (and one disk flush) per batch, through the kernel's `GroupCommit`; each request
//! is answered only after its batch has committed, so an acknowledged vote is durable.

use crate::store::{Ballot, VoteFailure};
use anjungan_kernel::audit::Actor;
use anjungan_kernel::batch::GroupCommit;
use anjungan_kernel::crypto::Keys;
use anjungan_kernel::db::Db;

/// The most ballots one transaction takes.
const MAX_BATCH: usize = 256;

type Outcome = Result<i64, VoteFailure>;

#[derive(Clone)]
pub struct VoteQueue {
    commit: GroupCommit<(Actor, Ballot), Outcome>,
}

impl VoteQueue {
    pub fn new(db: Db, keys: Keys) -> Self {
        let commit = GroupCommit::new(MAX_BATCH, move |ballots: Vec<(Actor, Ballot)>| {
            let (db, keys) = (db.clone(), keys.clone());
            async move { cast_batch(&db, &keys, ballots).await }
        });
        Self { commit }
    }

    /// Casts one ballot; returns once it is committed (or refused).
    pub async fn cast(&self, actor: Actor, ballot: Ballot) -> Outcome {
        self.commit
            .submit((actor, ballot))
            .await
            .unwrap_or_else(|| Err(failed("the vote queue has stopped")))
    }
}

async fn cast_batch(db: &Db, keys: &Keys, ballots: Vec<(Actor, Ballot)>) -> Vec<Outcome> {
    match super::votes::cast_votes(db, keys, &ballots).await {
        Ok(outcomes) => outcomes
            .into_iter()
            .map(|o| o.map_err(VoteFailure::Rule))
            .collect(),
        Err(e) => {
            tracing::error!(error = %e, ballots = ballots.len(), "vote batch failed");
            ballots
                .iter()
                .map(|_| Err(failed("vote batch failed")))
                .collect()
        }
    }
}

fn failed(why: &'static str) -> VoteFailure {
    VoteFailure::Kernel(anjungan_kernel::Error::Internal(anyhow::anyhow!(why)))
}

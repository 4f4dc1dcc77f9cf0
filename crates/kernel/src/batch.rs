//! Group commit: items from concurrent requests go to one worker, which takes whatever has
//! queued as one batch (one transaction, one disk flush) and answers each request with its own
//! outcome once the batch is done. Under light load a batch is a single item and nothing waits.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use tokio::sync::{mpsc, oneshot};

type Run<I, O> = Arc<dyn Fn(Vec<I>) -> Pin<Box<dyn Future<Output = Vec<O>> + Send>> + Send + Sync>;
type Sender<I, O> = mpsc::Sender<(I, oneshot::Sender<O>)>;

pub struct GroupCommit<I, O> {
    max_batch: usize,
    run: Run<I, O>,
    sender: Arc<OnceLock<Sender<I, O>>>,
}

impl<I, O> Clone for GroupCommit<I, O> {
    fn clone(&self) -> Self {
        Self {
            max_batch: self.max_batch,
            run: self.run.clone(),
            sender: self.sender.clone(),
        }
    }
}

impl<I: Send + 'static, O: Send + 'static> GroupCommit<I, O> {
    /// `run` processes one batch and returns one outcome per item, in order.
    pub fn new<F, Fut>(max_batch: usize, run: F) -> Self
    where
        F: Fn(Vec<I>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Vec<O>> + Send + 'static,
    {
        Self {
            max_batch: max_batch.max(1),
            run: Arc::new(move |items| Box::pin(run(items))),
            sender: Arc::new(OnceLock::new()),
        }
    }

    /// Hands one item over and waits for its outcome; `None` if the worker has stopped.
    pub async fn submit(&self, item: I) -> Option<O> {
        // The worker starts on first use, inside the runtime that serves the request.
        let sender = self.sender.get_or_init(|| {
            let (tx, rx) = mpsc::channel(4 * self.max_batch);
            tokio::spawn(worker(self.max_batch, self.run.clone(), rx));
            tx
        });
        let (reply, answer) = oneshot::channel();
        sender.send((item, reply)).await.ok()?;
        answer.await.ok()
    }
}

async fn worker<I, O>(max: usize, run: Run<I, O>, mut rx: mpsc::Receiver<(I, oneshot::Sender<O>)>) {
    let mut batch = Vec::with_capacity(max);
    // Waits for one item, then takes whatever else has queued meanwhile.
    while rx.recv_many(&mut batch, max).await > 0 {
        let (items, replies): (Vec<I>, Vec<oneshot::Sender<O>>) = batch.drain(..).unzip();
        let outcomes = run(items).await;
        for (reply, outcome) in replies.into_iter().zip(outcomes) {
            let _ = reply.send(outcome);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_item_gets_its_own_outcome_and_batches_form_under_load() {
        let sizes = Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = sizes.clone();
        let q = GroupCommit::new(16, move |items: Vec<u32>| {
            let seen = seen.clone();
            async move {
                seen.lock().unwrap().push(items.len());
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                items.into_iter().map(|i| i * 2).collect::<Vec<u32>>()
            }
        });
        let mut tasks = Vec::new();
        for i in 0..100u32 {
            let q = q.clone();
            tasks.push(tokio::spawn(async move { (i, q.submit(i).await) }));
        }
        for t in tasks {
            let (i, out) = t.await.unwrap();
            assert_eq!(out, Some(i * 2));
        }
        let sizes = sizes.lock().unwrap();
        assert_eq!(sizes.iter().sum::<usize>(), 100);
        assert!(sizes.len() < 100, "items were batched: {sizes:?}");
        assert!(sizes.iter().all(|s| *s <= 16));
    }
}

//! The sequencer: one task per live session puts every command into one order, applies it to
//! the engine with the server's time, appends it to the journal and commits — in batches, so
//! many bids share one durable write — and only then answers the callers and tells the
//! watchers. Several nodes on one PostgreSQL share a session through its journal: a node
//! appends only while holding the session's row, after applying what other nodes appended
//! first, and an idle node reads what others appended a few times a second. Every node thus
//! applies the same commands in the same order and shows the same events with the same numbers.

use crate::domain::AuctionError;
use crate::domain::engine::{BuyerId, Command, LotId, LotSpec, Numbered, Outcome, Session};
use crate::store::sessions::{self, Entry};
use crate::store::{Result, StoreError};
use crate::store::{catalogue, lots};
use anjungan_kernel::clock::now_ms;
use anjungan_kernel::{Backend, Db};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, oneshot};

/// Events kept per session for watchers that reconnect.
const RECENT: usize = 65_536;
/// Events a watcher may fall behind before it is given a snapshot instead: the bound on what
/// the feed holds for slow clients, however many there are.
pub const FEED_BUFFER: usize = 1_024;
/// Commands applied and committed together at most.
const MAX_BATCH: usize = 2_048;
/// How often an idle node looks for what other nodes appended, should a notification be lost.
const POLL: Duration = Duration::from_millis(200);
/// The PostgreSQL channel on which a node announces that it appended to a session's journal.
const CHANNEL: &str = "auction_journal";

struct Job {
    cmd: Command,
    by: Option<i64>,
    reply: oneshot::Sender<std::result::Result<Outcome, AuctionError>>,
}

/// A session being run on this node.
///
/// Its locks recover from poisoning: the caches and the feed are written whole, and the engine
/// state is written only by the session's sequencer, which a panic ends (its callers then get
/// `Busy`), so what readers see is the state as the engine last left it.
pub struct Live {
    pub session_id: i64,
    jobs: mpsc::Sender<Job>,
    /// Dropped when this node stops running the session, which ends every watcher's stream;
    /// their browsers reconnect and resume from the last event they saw.
    feed: Mutex<Option<broadcast::Sender<Arc<Numbered>>>>,
    recent: RwLock<VecDeque<Arc<Numbered>>>,
    state: RwLock<Session>,
    /// Woken when another node announces an append to this session's journal.
    wake: tokio::sync::Notify,
}

impl Live {
    fn new(
        session_id: i64,
        state: Session,
        recent: VecDeque<Arc<Numbered>>,
    ) -> (Arc<Live>, mpsc::Receiver<Job>) {
        let (jobs, rx) = mpsc::channel(16_384);
        let (feed, _) = broadcast::channel(FEED_BUFFER);
        let live = Arc::new(Live {
            session_id,
            jobs,
            feed: Mutex::new(Some(feed)),
            recent: RwLock::new(recent),
            state: RwLock::new(state),
            wake: tokio::sync::Notify::new(),
        });
        (live, rx)
    }

    /// A session run by nobody, for tests of what watchers get.
    #[cfg(test)]
    pub(crate) fn detached(state: Session) -> Arc<Live> {
        Live::new(0, state, VecDeque::new()).0
    }

    /// A copy of the engine's state, for pages and snapshots.
    pub fn snapshot(&self) -> Session {
        self.state
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Reads the state without copying it.
    pub fn with<T>(&self, f: impl FnOnce(&Session) -> T) -> T {
        f(&self.state.read().unwrap_or_else(PoisonError::into_inner))
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Numbered>> {
        match self
            .feed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
        {
            Some(tx) => tx.subscribe(),
            // Retired: a receiver that reports closed at once.
            None => broadcast::channel(1).1,
        }
    }

    fn retire(&self) {
        self.feed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }

    /// The events after number `after`, or `None` when they are no longer kept (the watcher
    /// must start again from a snapshot).
    pub fn events_after(&self, after: u64) -> Option<Vec<Arc<Numbered>>> {
        let recent = self.recent.read().unwrap_or_else(PoisonError::into_inner);
        let first = recent.front().map(|e| e.n).unwrap_or(after + 1);
        if after + 1 < first {
            return None;
        }
        // Numbers are consecutive, so the position of `after + 1` is known without a scan.
        let skip = (after + 1 - first) as usize;
        Some(recent.iter().skip(skip).cloned().collect())
    }

    pub fn last_event(&self) -> u64 {
        self.with(|s| s.last_event)
    }

    pub(crate) fn publish(&self, events: Vec<Numbered>) {
        if events.is_empty() {
            return;
        }
        let mut recent = self.recent.write().unwrap_or_else(PoisonError::into_inner);
        let feed = self.feed.lock().unwrap_or_else(PoisonError::into_inner);
        for e in events {
            let e = Arc::new(e);
            if recent.len() == RECENT {
                recent.pop_front();
            }
            recent.push_back(e.clone());
            if let Some(tx) = feed.as_ref() {
                // No watcher is not an error.
                let _ = tx.send(e);
            }
        }
    }
}

/// Every live session of this node.
pub struct Hall {
    db: Db,
    node: String,
    live: Mutex<HashMap<i64, Arc<Live>>>,
    /// Serialises loading so two requests never start two sequencers for one session.
    loading: tokio::sync::Mutex<()>,
    stop: tokio::sync::watch::Sender<bool>,
    /// Facts that never change once true, kept so a bid costs no lookups: the session and
    /// port a lot was put into, and a user's paddle number at a port. Whether a buyer may bid
    /// is the engine's to decide (admitted, not blocked, within limit), never a cache's.
    lot_homes: Mutex<HashMap<i64, LotHome>>,
    paddles: Mutex<HashMap<(i64, i64), i64>>,
}

/// Where a lot is auctioned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LotHome {
    pub session_id: i64,
    pub port_id: i64,
    pub port_org: Option<i64>,
}

pub type SharedHall = Arc<Hall>;

impl Hall {
    pub fn new(db: Db) -> SharedHall {
        Arc::new(Hall {
            db,
            node: uuid::Uuid::new_v4().simple().to_string()[..12].to_string(),
            live: Mutex::new(HashMap::new()),
            loading: tokio::sync::Mutex::new(()),
            stop: tokio::sync::watch::channel(false).0,
            lot_homes: Mutex::new(HashMap::new()),
            paddles: Mutex::new(HashMap::new()),
        })
    }

    /// On PostgreSQL, listens for other nodes' appends (`LISTEN auction_journal`) so their
    /// bids reach this node's watchers at once; polling remains the fallback.
    pub fn listen(self: &Arc<Self>, database_url: String) {
        if self.db.backend != Backend::Postgres {
            return;
        }
        let hall = Arc::downgrade(self);
        let mut stop = self.stop.subscribe();
        tokio::spawn(async move {
            loop {
                if *stop.borrow() {
                    return;
                }
                let mut listener = match sqlx::postgres::PgListener::connect(&database_url).await {
                    Ok(l) => l,
                    Err(e) => {
                        tracing::warn!(error = %e, "auction listener cannot connect; polling only");
                        tokio::time::sleep(Duration::from_secs(5)).await;
                        continue;
                    }
                };
                if listener.listen(CHANNEL).await.is_err() {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    continue;
                }
                loop {
                    tokio::select! {
                        n = listener.recv() => {
                            let Ok(n) = n else { break };
                            let Some(hall) = hall.upgrade() else { return };
                            if let Ok(id) = n.payload().parse::<i64>() {
                                let live = hall.live.lock().unwrap_or_else(PoisonError::into_inner).get(&id).cloned();
                                if let Some(live) = live {
                                    live.wake.notify_one();
                                }
                            }
                        }
                        _ = stop.changed() => return,
                    }
                }
            }
        });
    }

    /// Stops every sequencer of this hall after the batch it is on (at shutdown, or when a
    /// loader is done with its hall).
    pub fn stop(&self) {
        let _ = self.stop.send(true);
        self.live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    pub fn node(&self) -> &str {
        &self.node
    }

    /// The running session, loaded from its journal and started on first use.
    pub async fn live(self: &Arc<Self>, session_id: i64) -> Result<Arc<Live>> {
        if let Some(l) = self
            .live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&session_id)
        {
            return Ok(l.clone());
        }
        let _guard = self.loading.lock().await;
        if let Some(l) = self
            .live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&session_id)
        {
            return Ok(l.clone());
        }
        let row = sessions::get(&self.db, session_id).await?;
        let mut state = Session::new(row.rules.clone())?;
        let mut conn = self.db.pool.acquire().await?;
        let entries = sessions::journal_since(&mut conn, session_id, 0).await?;
        drop(conn);
        let mut recent = VecDeque::new();
        let mut seq = 0;
        for e in &entries {
            for n in state.apply(&e.command, e.at).events {
                if recent.len() == RECENT {
                    recent.pop_front();
                }
                recent.push_back(Arc::new(n));
            }
            seq = e.seq;
        }
        let (live, rx) = Live::new(session_id, state, recent);
        self.live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(session_id, live.clone());
        tokio::spawn(sequencer(self.clone(), live.clone(), rx, seq));
        Ok(live)
    }

    /// Puts a command into the session's order and waits until it is durable.
    pub async fn submit(
        self: &Arc<Self>,
        session_id: i64,
        cmd: Command,
        by: Option<i64>,
    ) -> Result<Outcome> {
        let live = self.live(session_id).await?;
        let (reply, answer) = oneshot::channel();
        live.jobs
            .send(Job { cmd, by, reply })
            .await
            .map_err(|_| AuctionError::Busy)?;
        let outcome = answer.await.map_err(|_| AuctionError::Busy)??;
        Ok(outcome)
    }

    /// Submits and turns a refusal into the error.
    pub async fn execute(
        self: &Arc<Self>,
        session_id: i64,
        cmd: Command,
        by: Option<i64>,
    ) -> Result<Outcome> {
        let o = self.submit(session_id, cmd, by).await?;
        match &o.refused {
            Some(e) => Err(StoreError::Auction(e.clone())),
            None => Ok(o),
        }
    }

    /// Starts the sequencers of sessions left open by a previous run, so their lots still close
    /// on time.
    pub async fn resume_open(self: &Arc<Self>) -> Result<usize> {
        let ids = sessions::live_ids(&self.db).await?;
        for id in &ids {
            self.live(*id).await?;
        }
        Ok(ids.len())
    }

    /// Admits every buyer of the port with their current standing, then opens the session.
    pub async fn open_session(
        self: &Arc<Self>,
        session_id: i64,
        by: Option<i64>,
    ) -> Result<Outcome> {
        let row = sessions::get(&self.db, session_id).await?;
        if row.state == "scheduled" {
            // One session at a time per port: a buyer's limit is the port's, and the engine
            // holds everything they lead there in one sequence.
            for other in sessions::live_ids(&self.db).await? {
                if other != session_id
                    && sessions::get(&self.db, other).await?.port_id == row.port_id
                {
                    return Err(AuctionError::PortBusy.into());
                }
            }
            self.admit_all(session_id, row.port_id, by).await?;
        }
        // A session not scheduled any more is refused by the engine with the reason.
        self.execute(session_id, Command::Open, by).await
    }

    /// Brings every buyer's limit, outside debts and block into the session.
    pub async fn admit_all(
        self: &Arc<Self>,
        session_id: i64,
        port_id: i64,
        by: Option<i64>,
    ) -> Result<()> {
        for s in catalogue::standings(&self.db, port_id, session_id).await? {
            let cmd = Command::Admit {
                buyer: BuyerId(s.buyer_id),
                limit: s.limit,
                outside: s.outside,
                blocked: s.blocked,
            };
            // A closed session refuses; that is fine here.
            self.submit(session_id, cmd, by).await?;
        }
        Ok(())
    }

    /// After a buyer's verification or payment changed, the port's live sessions learn it.
    pub async fn refresh_port(self: &Arc<Self>, port_id: i64) -> Result<()> {
        for id in sessions::live_ids(&self.db).await? {
            let row = sessions::get(&self.db, id).await?;
            if row.port_id == port_id {
                self.admit_all(id, port_id, None).await?;
            }
        }
        Ok(())
    }

    /// Puts a registered lot into the session: claimed first, so no lot is in two sessions.
    pub async fn add_lot(
        self: &Arc<Self>,
        session_id: i64,
        lot_id: i64,
        by: Option<i64>,
    ) -> Result<Outcome> {
        let row = sessions::get(&self.db, session_id).await?;
        let lot = lots::get(&self.db, lot_id).await?;
        if lot.port_id != row.port_id {
            return Err(AuctionError::NotFound.into());
        }
        lots::offer(&self.db, lot_id, session_id, row.port_id).await?;
        let cmd = Command::AddLot {
            lot: LotSpec {
                id: LotId(lot_id),
                grams: lot.grams,
                start_price: lot.start_price,
                reserve: lot.reserve,
            },
        };
        match self.execute(session_id, cmd, by).await {
            Ok(o) => Ok(o),
            Err(e) => {
                lots::unoffer(&self.db, lot_id, session_id).await?;
                Err(e)
            }
        }
    }

    /// The session and port of a lot in a session; `LotNotOpen` for a lot not in one yet.
    pub async fn lot_home(&self, lot_id: i64) -> Result<LotHome> {
        if let Some(h) = self
            .lot_homes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&lot_id)
        {
            return Ok(*h);
        }
        let lot = lots::get(&self.db, lot_id).await?;
        let session_id = lot.session_id.ok_or(AuctionError::LotNotOpen)?;
        let port = catalogue::port(&self.db, lot.port_id).await?;
        let home = LotHome {
            session_id,
            port_id: port.id,
            port_org: port.org_id,
        };
        let mut cache = self
            .lot_homes
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if cache.len() > 200_000 {
            cache.clear();
        }
        cache.insert(lot_id, home);
        Ok(home)
    }

    /// The user's paddle number (buyer id) at the port, if they registered there.
    pub async fn paddle(
        &self,
        keys: &anjungan_kernel::crypto::Keys,
        port_id: i64,
        user_id: i64,
    ) -> Result<Option<i64>> {
        if let Some(p) = self
            .paddles
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&(port_id, user_id))
        {
            return Ok(Some(*p));
        }
        let found = catalogue::buyer_of_user(&self.db, keys, port_id, user_id)
            .await?
            .map(|b| b.id);
        if let Some(p) = found {
            let mut cache = self.paddles.lock().unwrap_or_else(PoisonError::into_inner);
            if cache.len() > 200_000 {
                cache.clear();
            }
            cache.insert((port_id, user_id), p);
        }
        Ok(found)
    }

    fn forget(&self, session_id: i64) {
        self.live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&session_id);
    }
}

async fn sequencer(hall: Arc<Hall>, live: Arc<Live>, mut rx: mpsc::Receiver<Job>, mut seq: i64) {
    let shared = hall.db.backend == Backend::Postgres;
    let mut stop = hall.stop.subscribe();
    loop {
        if *stop.borrow() {
            live.retire();
            return;
        }
        let deadline = live.with(|s| s.next_deadline());
        let wait = match deadline {
            Some(d) => Duration::from_millis((d - now_ms()).clamp(0, 60_000) as u64),
            None => Duration::from_secs(60),
        };
        let wait = if shared { wait.min(POLL) } else { wait };
        let mut batch = Vec::new();
        tokio::select! {
            job = rx.recv() => match job {
                Some(j) => batch.push(j),
                None => return,
            },
            _ = tokio::time::sleep(wait) => {}
            _ = live.wake.notified() => {}
            _ = stop.changed() => {
                live.retire();
                return;
            }
        }
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(j) => batch.push(j),
                Err(_) => break,
            }
        }
        let due = live
            .with(|s| s.next_deadline())
            .is_some_and(|d| d <= now_ms());
        if batch.is_empty() && !due {
            if shared && let Err(e) = catch_up(&hall, &live, &mut seq).await {
                tracing::warn!(session = live.session_id, error = %e, "auction catch-up failed");
            }
            continue;
        }
        match commit(&hall, &live, &mut seq, batch, due).await {
            Ok(()) => {}
            Err((e, jobs)) => {
                tracing::error!(session = live.session_id, error = %e, "auction batch not committed");
                for j in jobs {
                    let _ = j.reply.send(Err(AuctionError::Busy));
                }
                // The engine ran ahead of the journal: start again from what is durable.
                hall.forget(live.session_id);
                live.retire();
                return;
            }
        }
        if live.with(|s| s.phase == crate::domain::engine::Phase::Closed) && rx.is_empty() {
            // Keep answering late commands (they are refused as "session over") from a fresh
            // load; this task's work is done.
            hall.forget(live.session_id);
            return;
        }
    }
}

/// Applies what other nodes appended since `seq`.
async fn catch_up(hall: &Hall, live: &Live, seq: &mut i64) -> Result<()> {
    let mut conn = hall.db.pool.acquire().await?;
    let entries = sessions::journal_since(&mut conn, live.session_id, *seq).await?;
    drop(conn);
    if entries.is_empty() {
        return Ok(());
    }
    let mut events = Vec::new();
    {
        let mut st = live.state.write().unwrap_or_else(PoisonError::into_inner);
        for e in &entries {
            events.extend(st.apply(&e.command, e.at).events);
            *seq = e.seq;
        }
    }
    live.publish(events);
    Ok(())
}

type Failed = (
    StoreError,
    Vec<oneshot::Sender<std::result::Result<Outcome, AuctionError>>>,
);

async fn commit(
    hall: &Hall,
    live: &Live,
    seq: &mut i64,
    batch: Vec<Job>,
    due: bool,
) -> std::result::Result<(), (StoreError, Vec<Job>)> {
    let shared = hall.db.backend == Backend::Postgres;
    let (mut tx, db_seq) = match sessions::lock(&hall.db, live.session_id).await {
        Ok(t) => t,
        Err(e) => return Err((e, batch)),
    };
    // Bids change only Lion's pages: cached pages of the other rooms stay valid.
    tx.only_affects("auction");
    // First what other nodes appended, in their order: published here, but already projected
    // by the node that appended it.
    let mut foreign_events = Vec::new();
    if db_seq > *seq {
        let foreign = match sessions::journal_since(&mut tx, live.session_id, *seq).await {
            Ok(f) => f,
            Err(e) => return Err((e, batch)),
        };
        let mut st = live.state.write().unwrap_or_else(PoisonError::into_inner);
        for e in &foreign {
            foreign_events.extend(st.apply(&e.command, e.at).events);
            *seq = e.seq;
        }
    }
    let mut events = Vec::new();
    let mut entries = Vec::new();
    let mut answers = Vec::with_capacity(batch.len());
    {
        let now = now_ms();
        let mut st = live.state.write().unwrap_or_else(PoisonError::into_inner);
        let mut record =
            |cmd: &Command, by: Option<i64>, st: &mut Session, events: &mut Vec<Numbered>| {
                let o = st.apply(cmd, now);
                if !o.events.is_empty() {
                    *seq += 1;
                    entries.push(Entry {
                        seq: *seq,
                        at: st.now,
                        command: cmd.clone(),
                        by_user: by,
                    });
                    events.extend(o.events.iter().cloned());
                }
                o
            };
        if due {
            record(&Command::Tick, None, &mut st, &mut events);
        }
        for job in batch {
            let o = record(&job.cmd, job.by, &mut st, &mut events);
            answers.push((job.reply, o));
        }
    }
    let written = async {
        sessions::append(&mut tx, live.session_id, &hall.node, &entries).await?;
        sessions::project(&mut tx, live.session_id, &events, *seq).await?;
        if shared && !entries.is_empty() {
            // Delivered to the other nodes when the transaction commits.
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(live.session_id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok::<(), StoreError>(())
    }
    .await;
    if let Err(e) = written {
        let failed: Failed = (e, answers.into_iter().map(|(r, _)| r).collect());
        for r in failed.1 {
            let _ = r.send(Err(AuctionError::Busy));
        }
        return Err((failed.0, Vec::new()));
    }
    live.publish(foreign_events);
    live.publish(events);
    for (reply, o) in answers {
        let _ = reply.send(Ok(o));
    }
    Ok(())
}

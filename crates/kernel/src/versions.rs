//! What the page cache checks a cached page against: counters that every committed write
//! transaction moves forward. A write narrowed to a scope (a room's hot path, such as Lion's
//! bids) moves that scope's counter; any other write moves the global one. A cached page is
//! good while the counters it was rendered under have not moved.
//!
//! The local node moves its counters after the commit (never before, so a page rendered from
//! the old data cannot be kept under the new counters). Other nodes on the same PostgreSQL learn
//! of a write from `NOTIFY anjungan_pages`, sent inside the writing transaction and so delivered
//! exactly when it commits.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{PoisonError, RwLock};

/// The PostgreSQL channel on which a node announces a committed write.
pub const CHANNEL: &str = "anjungan_pages";

#[derive(Debug)]
pub struct Versions {
    /// Tells this node's announcements apart from other nodes'.
    node: u64,
    /// Moved by every write that is not narrowed to a scope.
    global: AtomicU64,
    /// Moved by every write at all (a page that names no scope depends on everything).
    any: AtomicU64,
    scopes: RwLock<HashMap<String, u64>>,
}

impl Default for Versions {
    fn default() -> Self {
        Self {
            node: rand::random(),
            global: AtomicU64::new(0),
            any: AtomicU64::new(0),
            scopes: RwLock::new(HashMap::new()),
        }
    }
}

/// The counters a page was rendered under: valid while none of them has moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    global: u64,
    /// `None`: the page depends on every scope, so the `any` counter is checked instead.
    any: Option<u64>,
    scopes: Vec<(String, u64)>,
}

/// Every counter at one moment.
#[derive(Debug, Clone)]
pub struct Snapshot {
    global: u64,
    any: u64,
    scopes: HashMap<String, u64>,
}

impl Snapshot {
    /// The part of the snapshot a page that depends on `scopes` (empty: on everything) needs.
    pub fn stamp(&self, scopes: &[&str]) -> Stamp {
        if scopes.is_empty() {
            return Stamp {
                global: self.global,
                any: Some(self.any),
                scopes: Vec::new(),
            };
        }
        Stamp {
            global: self.global,
            any: None,
            scopes: scopes
                .iter()
                .map(|s| (s.to_string(), self.scopes.get(*s).copied().unwrap_or(0)))
                .collect(),
        }
    }
}

impl Versions {
    pub fn node(&self) -> u64 {
        self.node
    }

    /// A committed write: narrowed to `scope`, or global.
    pub fn bump(&self, scope: Option<&str>) {
        // Scope first, then `any`: a reader that saw the new `any` also sees the new scope.
        if let Some(s) = scope {
            let mut map = self.scopes.write().unwrap_or_else(PoisonError::into_inner);
            *map.entry(s.to_string()).or_insert(0) += 1;
        } else {
            self.global.fetch_add(1, Ordering::SeqCst);
        }
        self.any.fetch_add(1, Ordering::SeqCst);
    }

    /// An announcement from another node (`"<node>"` or `"<node> <scope>"`); this node's own are
    /// skipped, since it moved its counters when it committed.
    pub fn announced(&self, payload: &str) {
        let (node, scope) = match payload.split_once(' ') {
            Some((n, s)) => (n, Some(s)),
            None => (payload, None),
        };
        if node.parse::<u64>().ok() == Some(self.node) {
            return;
        }
        self.bump(scope);
    }

    /// The payload that announces a write of this node.
    pub fn announcement(&self, scope: Option<&str>) -> String {
        match scope {
            Some(s) => format!("{} {s}", self.node),
            None => self.node.to_string(),
        }
    }

    /// Every counter now, taken before a page is rendered (which scopes it depends on is known
    /// only after).
    pub fn snapshot(&self) -> Snapshot {
        let any = self.any.load(Ordering::SeqCst);
        let global = self.global.load(Ordering::SeqCst);
        let scopes = self
            .scopes
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        Snapshot {
            global,
            any,
            scopes,
        }
    }

    /// The counters now, for a page that depends on `scopes` (empty: on everything).
    pub fn stamp(&self, scopes: &[&str]) -> Stamp {
        self.snapshot().stamp(scopes)
    }

    /// Whether nothing the stamped page depends on was written since.
    pub fn still(&self, stamp: &Stamp) -> bool {
        if let Some(any) = stamp.any {
            return self.any.load(Ordering::SeqCst) == any;
        }
        if self.global.load(Ordering::SeqCst) != stamp.global {
            return false;
        }
        let map = self.scopes.read().unwrap_or_else(PoisonError::into_inner);
        stamp
            .scopes
            .iter()
            .all(|(s, v)| map.get(s).copied().unwrap_or(0) == *v)
    }
}

/// On PostgreSQL, counts the writes other nodes announce (`LISTEN anjungan_pages`) until
/// `stop` turns true. While the listener is down (a lost connection), every announcement it
/// might miss is assumed: each reconnection moves the global counter.
pub fn listen(
    db: &crate::Db,
    database_url: String,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> Option<tokio::task::JoinHandle<()>> {
    if db.backend != crate::Backend::Postgres {
        return None;
    }
    let versions = db.versions.clone();
    Some(tokio::spawn(async move {
        loop {
            if *stop.borrow() {
                return;
            }
            let mut listener = match sqlx::postgres::PgListener::connect(&database_url).await {
                Ok(l) => l,
                Err(e) => {
                    tracing::warn!(error = %e, "page-cache listener cannot connect");
                    tokio::select! {
                        _ = tokio::time::sleep(std::time::Duration::from_secs(5)) => continue,
                        _ = stop.changed() => return,
                    }
                }
            };
            if listener.listen(CHANNEL).await.is_err() {
                tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                continue;
            }
            versions.bump(None);
            loop {
                tokio::select! {
                    n = listener.try_recv() => match n {
                        Ok(Some(n)) => versions.announced(n.payload()),
                        // The connection was lost: what was announced meanwhile is unknown.
                        Ok(None) => versions.bump(None),
                        Err(_) => break,
                    },
                    _ = stop.changed() => return,
                }
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_global_write_ends_every_stamp_and_a_scoped_one_only_its_own() {
        let v = Versions::default();
        let all = v.stamp(&[]);
        let festival = v.stamp(&["festival"]);
        let auction = v.stamp(&["auction"]);
        v.bump(Some("auction"));
        assert!(!v.still(&all), "a page on everything sees any write");
        assert!(v.still(&festival), "a festival page ignores a bid");
        assert!(!v.still(&auction));
        let festival = v.stamp(&["festival"]);
        v.bump(None);
        assert!(!v.still(&festival), "a global write ends every page");
    }

    #[test]
    fn announcements_of_other_nodes_count_and_our_own_do_not() {
        let a = Versions::default();
        let b = Versions::default();
        let stamp = b.stamp(&["auction"]);
        b.announced(&b.announcement(Some("auction")));
        assert!(
            b.still(&stamp),
            "our own announcement was counted at commit"
        );
        b.announced(&a.announcement(Some("auction")));
        assert!(!b.still(&stamp));
        let stamp = b.stamp(&[]);
        b.announced(&a.announcement(None));
        assert!(!b.still(&stamp));
    }
}

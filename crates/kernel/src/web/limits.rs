//! Long-lived connections (live feeds) held per client address on this node, so one address
//! cannot tie up the server's sockets and memory.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
pub struct OpenConnections(Arc<Mutex<HashMap<String, usize>>>);

/// A connection counted against its address until dropped.
pub struct Held {
    map: Arc<Mutex<HashMap<String, usize>>>,
    key: String,
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = map.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.key);
            }
        }
    }
}

impl OpenConnections {
    /// Counts one more connection from `address`, unless it already holds `max`.
    pub fn try_hold(&self, address: &str, max: usize) -> Option<Held> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let n = map.entry(address.to_string()).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(Held {
            map: self.0.clone(),
            key: address.to_string(),
        })
    }

    pub fn held(&self, address: &str) -> usize {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(address).copied().unwrap_or(0)
    }
}

/// Whether a browser's `Origin` is this platform's own (`base_url`). Clients that send no
/// `Origin` (not browsers) are let through; a page on another site is not.
pub fn same_origin(origin: Option<&str>, base_url: &str) -> bool {
    let Some(origin) = origin else { return true };
    let own = base_url.trim_end_matches('/');
    let own_origin = match own.find("://") {
        Some(s) => match own[s + 3..].find('/') {
            Some(p) => &own[..s + 3 + p],
            None => own,
        },
        None => own,
    };
    origin
        .trim_end_matches('/')
        .eq_ignore_ascii_case(own_origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_are_counted_per_address_and_released() {
        let c = OpenConnections::default();
        let a = c.try_hold("10.0.0.1", 2).unwrap();
        let _b = c.try_hold("10.0.0.1", 2).unwrap();
        assert!(c.try_hold("10.0.0.1", 2).is_none());
        assert!(c.try_hold("10.0.0.2", 2).is_some());
        drop(a);
        assert_eq!(c.held("10.0.0.1"), 1);
        assert!(c.try_hold("10.0.0.1", 2).is_some());
    }

    #[test]
    fn only_our_own_origin_or_none() {
        let base = "https://anjungan.trenggalekkab.go.id";
        assert!(same_origin(None, base));
        assert!(same_origin(
            Some("https://anjungan.trenggalekkab.go.id"),
            base
        ));
        assert!(same_origin(
            Some("https://anjungan.trenggalekkab.go.id"),
            "https://anjungan.trenggalekkab.go.id/"
        ));
        assert!(!same_origin(Some("https://evil.example"), base));
        assert!(!same_origin(
            Some("http://anjungan.trenggalekkab.go.id"),
            base
        ));
        assert!(!same_origin(Some("null"), base));
    }
}

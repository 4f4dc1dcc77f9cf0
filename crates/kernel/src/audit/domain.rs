//! Audit values, pure. Summaries never carry personal data: callers record field names and
//! non-personal values only.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = kernel::audit::Channel)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Web,
    Api,
    Cli,
    System,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Api => "api",
            Channel::Cli => "cli",
            Channel::System => "system",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Channel::Web, Channel::Api, Channel::Cli, Channel::System]
            .into_iter()
            .find(|c| c.code() == s)
    }
}

/// Who is acting, carried from the edge (web, API, command line) into every store write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub label: String,
    pub channel: Channel,
    pub request_id: Option<String>,
}

impl Actor {
    pub fn system(label: &str) -> Self {
        Self {
            user_id: None,
            label: label.to_string(),
            channel: Channel::System,
            request_id: None,
        }
    }
    pub fn cli() -> Self {
        let who = std::env::var("USER").unwrap_or_else(|_| "operator".into());
        Self {
            user_id: None,
            label: format!("cli:{who}"),
            channel: Channel::Cli,
            request_id: None,
        }
    }
    pub fn anonymous(channel: Channel) -> Self {
        Self {
            user_id: None,
            label: "anonymous".into(),
            channel,
            request_id: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = kernel::audit::AuditEntry)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_label: String,
    pub channel: String,
    pub action: String,
    pub record_type: String,
    pub record_id: String,
    /// JSON describing the change.
    pub summary: String,
    pub request_id: Option<String>,
}

impl AuditEntry {
    /// The entry's content as the chain hashes it: every field, each length-prefixed, so no
    /// two different entries encode alike.
    pub fn canonical(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(128 + self.summary.len());
        let mut field = |bytes: &[u8]| {
            out.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
            out.extend_from_slice(bytes);
        };
        field(self.id.to_string().as_bytes());
        field(self.at.to_string().as_bytes());
        field(
            self.actor_id
                .map(|a| a.to_string())
                .unwrap_or_default()
                .as_bytes(),
        );
        field(self.actor_label.as_bytes());
        field(self.channel.as_bytes());
        field(self.action.as_bytes());
        field(self.record_type.as_bytes());
        field(self.record_id.as_bytes());
        field(self.summary.as_bytes());
        field(self.request_id.as_deref().unwrap_or("\u{0}none").as_bytes());
        out
    }
}

/// Something a room records in the audit log, as a typed value: each room has one enum of its
/// events (in its `domain/audit.rs`) and the kernel one for its own, so an entry's action, the
/// kind of record it touches and its summary are fixed by the variant, never typed as strings
/// at the call.
pub trait Event {
    /// What happened, `room.thing[.verb]`, e.g. `festival.edition`; stable, filtered on.
    fn action(&self) -> &'static str;
    /// The kind of record it touched, e.g. `festival_edition`.
    fn record_type(&self) -> &'static str;
    /// Which record.
    fn record_id(&self) -> String;
    /// What an auditor needs to read the entry (never personal data in clear).
    fn summary(&self) -> serde_json::Value;
}

/// The link before the first entry.
pub const CHAIN_GENESIS: &str = "anjungan-audit-genesis";

/// What walking the chain found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = kernel::audit::ChainReport)]
pub struct ChainReport {
    /// Entries in the log.
    pub entries: i64,
    /// Entries carrying their link.
    pub chained: i64,
    /// The newest entries, not linked yet (the server links them within seconds).
    pub pending: i64,
    /// The last linked entry and its link: write it down to compare later.
    pub head_id: Option<i64>,
    pub head_hash: Option<String>,
    /// The first entry whose link does not match its content and its predecessor.
    pub broken_at: Option<i64>,
}

impl ChainReport {
    pub fn intact(&self) -> bool {
        self.broken_at.is_none()
    }
}

/// Walks entries in id order, checking each link with `link(previous, entry)`. An unlinked
/// entry may only be followed by unlinked ones (the tail the server has not reached yet).
#[derive(Debug, Clone)]
pub struct ChainWalker {
    report: ChainReport,
    previous: String,
}

impl Default for ChainWalker {
    fn default() -> Self {
        Self {
            report: ChainReport {
                entries: 0,
                chained: 0,
                pending: 0,
                head_id: None,
                head_hash: None,
                broken_at: None,
            },
            previous: CHAIN_GENESIS.to_string(),
        }
    }
}

impl ChainWalker {
    pub fn step(
        &mut self,
        entry: &AuditEntry,
        hash: Option<&str>,
        link: impl Fn(&str, &AuditEntry) -> String,
    ) {
        let r = &mut self.report;
        r.entries += 1;
        if r.broken_at.is_some() {
            return;
        }
        match hash {
            Some(h) if r.pending == 0 && link(&self.previous, entry) == h => {
                r.chained += 1;
                self.previous = h.to_string();
                r.head_id = Some(entry.id);
                r.head_hash = Some(self.previous.clone());
            }
            None => r.pending += 1,
            Some(_) => r.broken_at = Some(entry.id),
        }
    }

    pub fn report(self) -> ChainReport {
        self.report
    }
}

/// Walks a whole log at once (see [`ChainWalker`]).
pub fn walk<'a>(
    entries: impl IntoIterator<Item = (&'a AuditEntry, Option<&'a str>)>,
    link: impl Fn(&str, &AuditEntry) -> String,
) -> ChainReport {
    let mut w = ChainWalker::default();
    for (e, h) in entries {
        w.step(e, h, &link);
    }
    w.report()
}

/// Filters for browsing; all optional, combined with AND.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    pub actor_id: Option<i64>,
    pub channel: Option<String>,
    /// Show entries older than this id (paging backwards).
    pub before: Option<i64>,
}

impl AuditFilter {
    /// Empty strings from forms mean "no filter".
    pub fn normalised(mut self) -> Self {
        for f in [
            &mut self.action,
            &mut self.record_type,
            &mut self.record_id,
            &mut self.channel,
        ] {
            if f.as_deref().is_some_and(|s| s.trim().is_empty()) {
                *f = None;
            }
        }
        self
    }
}

/// Describes a field-level change as `{"field": [old, new]}` for the fields that differ.
pub fn diff(fields: &[(&str, &str, &str)]) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    for (name, old, new) in fields {
        if old != new {
            map.insert((*name).to_string(), serde_json::json!([old, new]));
        }
    }
    serde_json::Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_lists_only_changed_fields() {
        let d = diff(&[("name", "A", "A"), ("email", "", "x@y.id")]);
        assert_eq!(d, serde_json::json!({"email": ["", "x@y.id"]}));
    }

    fn entry(id: i64, summary: &str) -> AuditEntry {
        AuditEntry {
            id,
            at: 1_000 + id,
            actor_id: Some(1),
            actor_label: "admin".into(),
            channel: "web".into(),
            action: "x.y".into(),
            record_type: "t".into(),
            record_id: id.to_string(),
            summary: summary.into(),
            request_id: None,
        }
    }

    fn link(prev: &str, e: &AuditEntry) -> String {
        crate::crypto::Keys::from_master(&[3; 32]).audit_link(prev, &e.canonical())
    }

    #[test]
    fn the_chain_names_the_first_changed_or_missing_entry() {
        let mut log: Vec<AuditEntry> = (1..=5).map(|i| entry(i, "{}")).collect();
        let mut hashes = Vec::new();
        let mut prev = CHAIN_GENESIS.to_string();
        for e in &log {
            prev = link(&prev, e);
            hashes.push(Some(prev.clone()));
        }
        let report = |log: &[AuditEntry], hashes: &[Option<String>]| {
            walk(log.iter().zip(hashes.iter().map(|h| h.as_deref())), link)
        };
        let ok = report(&log, &hashes);
        assert!(ok.intact());
        assert_eq!((ok.entries, ok.chained, ok.head_id), (5, 5, Some(5)));
        // A rewritten summary breaks its own link.
        log[2].summary = "{\"forged\":1}".into();
        assert_eq!(report(&log, &hashes).broken_at, Some(3));
        log[2].summary = "{}".into();
        // A deleted entry breaks the next one's link.
        let (mut l2, mut h2) = (log.clone(), hashes.clone());
        l2.remove(1);
        h2.remove(1);
        assert_eq!(report(&l2, &h2).broken_at, Some(3));
        // The unlinked tail is pending; a linked entry after an unlinked one is broken.
        let mut h3 = hashes.clone();
        h3[4] = None;
        let pending = report(&log, &h3);
        assert!(pending.intact());
        assert_eq!((pending.pending, pending.head_id), (1, Some(4)));
        h3[3] = None;
        h3[4] = hashes[4].clone();
        assert_eq!(report(&log, &h3).broken_at, Some(5));
    }

    #[test]
    fn canonical_form_tells_fields_apart() {
        let mut a = entry(1, "{}");
        let mut b = entry(1, "{}");
        a.actor_label = "ab".into();
        a.channel = "c".into();
        b.actor_label = "a".into();
        b.channel = "bc".into();
        assert_ne!(a.canonical(), b.canonical());
    }

    #[test]
    fn empty_filters_are_ignored() {
        let f = AuditFilter {
            action: Some(" ".into()),
            ..Default::default()
        }
        .normalised();
        assert!(f.action.is_none());
    }
}

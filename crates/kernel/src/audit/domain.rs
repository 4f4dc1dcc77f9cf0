//! Audit values, pure. Summaries never carry personal data: callers record field names and
//! non-personal values only.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
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

//! The installation's lasting name: a domain name that appears in identifiers other systems keep
//! (OAI-PMH `oai:{domain}:…`, calendar `UID`s, Frab schedule `guid`s). It must not follow the
//! base URL: a regency that moves the site to a new address keeps every harvested record and
//! every subscribed calendar entry.
//!
//! It is `domain` in the configuration when set. Otherwise the first start whose base URL names a
//! real domain records that host in the database, and later starts keep it whatever the base URL
//! becomes. A base URL without a real domain (an IP address, `localhost`) gives
//! [`PLACEHOLDER`] and records nothing, so a demo run never fixes the name of a later installation.

use crate::Db;
use uuid::Uuid;

/// The name used while no real domain is known (RFC 6761 reserves `.localhost`).
pub const PLACEHOLDER: &str = "anjungan.localhost";

const SETTING: &str = "identity_domain";

/// A domain name as the OAI identifier scheme requires it: at least two dot-separated labels,
/// each starting with a letter and made of letters, digits and hyphens. Kept in lower case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomainName(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "{0:?} is not a domain name: use labels of letters, digits and hyphens that start with a letter, separated by dots (e.g. trenggalekkab.go.id)"
)]
pub struct NotADomain(pub String);

impl DomainName {
    pub fn parse(s: &str) -> Result<Self, NotADomain> {
        let name = s.trim().trim_end_matches('.').to_ascii_lowercase();
        let labels: Vec<&str> = name.split('.').collect();
        let label_ok = |l: &&str| {
            !l.is_empty()
                && l.len() <= 63
                && l.starts_with(|c: char| c.is_ascii_alphabetic())
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        if labels.len() >= 2 && name.len() <= 253 && labels.iter().all(label_ok) {
            Ok(Self(name))
        } else {
            Err(NotADomain(s.to_string()))
        }
    }

    /// The host of a base URL when it is a real, public domain (not `localhost`, not an address).
    pub fn of_base_url(base_url: &str) -> Option<Self> {
        let rest = base_url.split("://").nth(1).unwrap_or(base_url);
        let host = rest.split(['/', ':', '?', '#']).next().unwrap_or("");
        let name = Self::parse(host).ok()?;
        (!name.0.ends_with(".localhost") && !name.0.ends_with(".local")).then_some(name)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for DomainName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The name to use for this start, recording it on the first start that knows a real one. A
/// configured name replaces a recorded one (the operator's choice), with a warning, since
/// harvesters and calendars will see new identifiers.
pub async fn settle(
    db: &Db,
    configured: Option<&str>,
    base_url: &str,
) -> Result<String, SettleError> {
    let configured = configured.map(DomainName::parse).transpose()?;
    let stored: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE name = $1")
        .bind(SETTING)
        .fetch_optional(&db.pool)
        .await?;
    let chosen = match (configured, stored) {
        (Some(c), Some(s)) if c.as_str() == s => return Ok(s),
        (Some(c), Some(s)) => {
            tracing::warn!(
                from = %s,
                to = %c,
                "the configured domain replaces the recorded one: OAI identifiers, calendar UIDs and schedule GUIDs change"
            );
            c
        }
        (Some(c), None) => c,
        (None, Some(s)) => return Ok(s),
        (None, None) => match DomainName::of_base_url(base_url) {
            Some(d) => d,
            None => return Ok(PLACEHOLDER.to_string()),
        },
    };
    let mut tx = db.begin_private_write().await?;
    sqlx::query(
        "INSERT INTO settings (name, value, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(SETTING)
    .bind(chosen.as_str())
    .bind(crate::clock::now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(chosen.0)
}

#[derive(Debug, thiserror::Error)]
pub enum SettleError {
    #[error("invalid `domain` setting: {0}")]
    Invalid(#[from] NotADomain),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// A UUID that names one thing of this installation for ever: version 5 over the URL
/// `https://{domain}/{path}`, so it survives a change of base URL and differs between regencies.
pub fn stable_uuid(domain: &str, path: &str) -> Uuid {
    Uuid::new_v5(
        &Uuid::NAMESPACE_URL,
        format!("https://{domain}/{}", path.trim_start_matches('/')).as_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_names_follow_the_oai_identifier_syntax() {
        assert_eq!(
            DomainName::parse("Anjungan.TrenggalekKab.go.id.")
                .unwrap()
                .as_str(),
            "anjungan.trenggalekkab.go.id"
        );
        for bad in [
            "localhost",
            "127.0.0.1",
            "1abc.go.id",
            "a..id",
            "a-.id",
            "",
            "a_b.id",
        ] {
            assert!(DomainName::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            DomainName::of_base_url("https://cilen.trenggalekkab.go.id:8443/x")
                .map(|d| d.to_string()),
            Some("cilen.trenggalekkab.go.id".into())
        );
        assert_eq!(DomainName::of_base_url("http://127.0.0.1:8080"), None);
        assert_eq!(DomainName::of_base_url("http://app.localhost"), None);
    }

    #[test]
    fn stable_uuids_depend_on_the_domain_not_the_address() {
        let a = stable_uuid("trenggalekkab.go.id", "sesi/1");
        assert_eq!(a, stable_uuid("trenggalekkab.go.id", "/sesi/1"));
        assert_ne!(a, stable_uuid("ponorogo.go.id", "sesi/1"));
        assert_eq!(a.get_version_num(), 5);
    }
}

//! Layered configuration: built-in defaults, then an optional TOML file, then `ANJUNGAN_*`
//! environment variables (secrets also from `ANJUNGAN_*_FILE`), then command-line flags
//! (applied by the binary).

use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

impl std::str::FromStr for LogFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "text" => Ok(Self::Text),
            "json" => Ok(Self::Json),
            other => Err(format!("log format must be text or json, not {other:?}")),
        }
    }
}

#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address and port to listen on.
    pub bind: String,
    /// Where the SQLite file, uploads and the generated secret key live.
    pub data_dir: PathBuf,
    /// `sqlite://…` (default: a file in the data directory) or `postgres://…`.
    pub database_url: Option<String>,
    /// The address citizens use, e.g. `https://anjungan.trenggalekkab.go.id`.
    pub base_url: String,
    /// The domain name that names this installation in identifiers other systems keep (OAI-PMH
    /// `repositoryIdentifier`, calendar UIDs, schedule GUIDs), e.g. `trenggalekkab.go.id`. When
    /// absent, the first start with a real domain in `base_url` records that host and keeps it.
    pub domain: Option<String>,
    pub log_format: LogFormat,
    /// 32-byte key (hex or base64) protecting personal data at rest. Generated in the data
    /// directory when absent; set it explicitly when several nodes share one PostgreSQL.
    pub secret_key: Option<String>,
    /// Session lifetime without activity, in hours.
    pub session_hours: i64,
    /// Largest accepted upload, in bytes.
    pub max_upload_bytes: usize,
    /// Pool size per node.
    pub db_max_connections: u32,
    /// Trust `X-Forwarded-For` from a reverse proxy for the client address.
    pub trust_proxy: bool,
    /// Client addresses that may scrape `/metrics` without a token (a Prometheus server);
    /// anyone else needs an admin's API token.
    pub metrics_addresses: Vec<String>,
    /// Live feeds (WebSocket or Server-Sent Events) one client address may hold open on a node.
    pub live_per_address: usize,
    pub smtp: SmtpConfig,
    pub whatsapp: WebhookConfig,
    pub sms: WebhookConfig,
}

#[derive(Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmtpConfig {
    /// `smtp://host:port`, `smtps://host:465` or `smtp+starttls://host:587`; absent = e-mail is logged.
    pub url: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub from: Option<String>,
}

#[derive(Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhookConfig {
    /// Gateway URL receiving a JSON POST `{"to": "...", "message": "..."}`; absent = logged.
    pub url: Option<String>,
    /// Sent as `Authorization: Bearer …` when set.
    pub token: Option<String>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Secrets never reach logs.
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("data_dir", &self.data_dir)
            .field("database", &self.database_url.as_deref().map(redact_url))
            .field("base_url", &self.base_url)
            .field("domain", &self.domain)
            .field("log_format", &self.log_format)
            .finish_non_exhaustive()
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("anjungan-data"),
            database_url: None,
            base_url: "http://127.0.0.1:8080".into(),
            domain: None,
            log_format: LogFormat::Text,
            secret_key: None,
            session_hours: 12,
            max_upload_bytes: 10 * 1024 * 1024,
            db_max_connections: 16,
            trust_proxy: false,
            metrics_addresses: vec!["127.0.0.1".into(), "::1".into()],
            live_per_address: 50,
            smtp: SmtpConfig::default(),
            whatsapp: WebhookConfig::default(),
            sms: WebhookConfig::default(),
        }
    }
}

/// Hides the password in a database URL.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}://{}:***@{}", &url[..s], user, &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read configuration file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid configuration file {path}: {message}")]
    Parse { path: String, message: String },
    #[error("invalid value in {var}: {message}")]
    Env { var: String, message: String },
}

impl Config {
    /// Defaults, overlaid by the TOML file (when given) and by the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut cfg = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.display().to_string(),
                    source,
                })?;
                toml::from_str(&text).map_err(|e| ConfigError::Parse {
                    path: path.display().to_string(),
                    message: e.to_string(),
                })?
            }
            None => Config::default(),
        };
        cfg.apply_env(|k| std::env::var(k).ok())?;
        Ok(cfg)
    }

    /// Applies `ANJUNGAN_*` variables read through `get` (a parameter so tests need no process env).
    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        let secret = |name: &str| -> Result<Option<String>, ConfigError> {
            if let Some(v) = get(name) {
                return Ok(Some(v));
            }
            let file_var = format!("{name}_FILE");
            match get(&file_var) {
                Some(path) => std::fs::read_to_string(&path)
                    .map(|s| Some(s.trim().to_string()))
                    .map_err(|e| ConfigError::Env {
                        var: file_var,
                        message: e.to_string(),
                    }),
                None => Ok(None),
            }
        };
        let parse_num = |var: &str, v: String| -> Result<i64, ConfigError> {
            v.trim().parse::<i64>().map_err(|_| ConfigError::Env {
                var: var.into(),
                message: format!("expected a whole number, got {v:?}"),
            })
        };
        if let Some(v) = get("ANJUNGAN_BIND") {
            self.bind = v;
        }
        if let Some(v) = get("ANJUNGAN_DATA_DIR") {
            self.data_dir = v.into();
        }
        if let Some(v) = secret("ANJUNGAN_DATABASE_URL")? {
            self.database_url = Some(v);
        }
        if let Some(v) = get("ANJUNGAN_BASE_URL") {
            self.base_url = v;
        }
        if let Some(v) = get("ANJUNGAN_DOMAIN") {
            self.domain = Some(v);
        }
        if let Some(v) = get("ANJUNGAN_LOG_FORMAT") {
            self.log_format = v.parse().map_err(|message| ConfigError::Env {
                var: "ANJUNGAN_LOG_FORMAT".into(),
                message,
            })?;
        }
        if let Some(v) = secret("ANJUNGAN_SECRET_KEY")? {
            self.secret_key = Some(v);
        }
        if let Some(v) = get("ANJUNGAN_SESSION_HOURS") {
            self.session_hours = parse_num("ANJUNGAN_SESSION_HOURS", v)?.max(1);
        }
        if let Some(v) = get("ANJUNGAN_MAX_UPLOAD_BYTES") {
            self.max_upload_bytes = parse_num("ANJUNGAN_MAX_UPLOAD_BYTES", v)?.max(1024) as usize;
        }
        if let Some(v) = get("ANJUNGAN_DB_MAX_CONNECTIONS") {
            self.db_max_connections =
                parse_num("ANJUNGAN_DB_MAX_CONNECTIONS", v)?.clamp(1, 1000) as u32;
        }
        if let Some(v) = get("ANJUNGAN_TRUST_PROXY") {
            self.trust_proxy = matches!(v.as_str(), "1" | "true" | "yes");
        }
        if let Some(v) = get("ANJUNGAN_METRICS_ADDRESSES") {
            self.metrics_addresses = v
                .split(',')
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .collect();
        }
        if let Some(v) = get("ANJUNGAN_LIVE_PER_ADDRESS") {
            self.live_per_address = parse_num("ANJUNGAN_LIVE_PER_ADDRESS", v)?.max(1) as usize;
        }
        if let Some(v) = get("ANJUNGAN_SMTP_URL") {
            self.smtp.url = Some(v);
        }
        if let Some(v) = get("ANJUNGAN_SMTP_USERNAME") {
            self.smtp.username = Some(v);
        }
        if let Some(v) = secret("ANJUNGAN_SMTP_PASSWORD")? {
            self.smtp.password = Some(v);
        }
        if let Some(v) = get("ANJUNGAN_SMTP_FROM") {
            self.smtp.from = Some(v);
        }
        if let Some(v) = get("ANJUNGAN_WHATSAPP_URL") {
            self.whatsapp.url = Some(v);
        }
        if let Some(v) = secret("ANJUNGAN_WHATSAPP_TOKEN")? {
            self.whatsapp.token = Some(v);
        }
        if let Some(v) = get("ANJUNGAN_SMS_URL") {
            self.sms.url = Some(v);
        }
        if let Some(v) = secret("ANJUNGAN_SMS_TOKEN")? {
            self.sms.token = Some(v);
        }
        Ok(())
    }

    /// The database URL in force: the configured one, or the SQLite file in the data directory.
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.data_dir.join("anjungan.db").display()),
        }
    }

    /// The installation's lasting name in identifiers: the configured `domain` (settled against the
    /// database at start-up by [`crate::naming::settle`]), else the base URL's host when it is a
    /// real domain, else [`crate::naming::PLACEHOLDER`].
    pub fn identity_domain(&self) -> String {
        self.domain
            .as_deref()
            .and_then(|d| crate::naming::DomainName::parse(d).ok())
            .or_else(|| crate::naming::DomainName::of_base_url(&self.base_url))
            .map(|d| d.to_string())
            .unwrap_or_else(|| crate::naming::PLACEHOLDER.to_string())
    }

    /// Session cookies are `Secure` when citizens reach us over https.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn env_overrides_file_and_reads_secret_files() {
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("key");
        std::fs::write(&key_file, "abc123\n").unwrap();
        let toml_path = dir.path().join("a.toml");
        std::fs::write(
            &toml_path,
            "bind = \"0.0.0.0:9000\"\nbase_url = \"https://x.go.id\"\n",
        )
        .unwrap();
        let mut cfg: Config =
            toml::from_str(&std::fs::read_to_string(&toml_path).unwrap()).unwrap();
        assert_eq!(cfg.bind, "0.0.0.0:9000");
        let env: HashMap<&str, String> = [
            ("ANJUNGAN_BIND", "127.0.0.1:1".to_string()),
            ("ANJUNGAN_SECRET_KEY_FILE", key_file.display().to_string()),
        ]
        .into();
        cfg.apply_env(|k| env.get(k).cloned()).unwrap();
        assert_eq!(cfg.bind, "127.0.0.1:1");
        assert_eq!(cfg.secret_key.as_deref(), Some("abc123"));
        assert!(cfg.secure_cookies());
    }

    #[test]
    fn unknown_keys_and_bad_numbers_are_refused() {
        assert!(toml::from_str::<Config>("bnid = 1").is_err());
        let mut cfg = Config::default();
        let err = cfg
            .apply_env(|k| (k == "ANJUNGAN_SESSION_HOURS").then(|| "many".to_string()))
            .unwrap_err();
        assert!(err.to_string().contains("ANJUNGAN_SESSION_HOURS"));
    }

    #[test]
    fn database_password_is_redacted() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/x"),
            "postgres://app:***@db:5432/x"
        );
        assert_eq!(redact_url("sqlite://a.db"), "sqlite://a.db");
    }
}

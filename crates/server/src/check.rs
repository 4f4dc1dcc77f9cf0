//! `anjungan check`: what an operator verifies before a start, as a readable report. It reads and
//! connects but changes nothing: no key is generated, no migration runs, no directory is made.

use anjungan_kernel::Config;
use anjungan_kernel::config::redact_url;
use anjungan_kernel::crypto::Keys;
use anjungan_kernel::naming::DomainName;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    /// Works, but not as production should run.
    Warn,
    /// Would stop the server from starting or from working.
    Problem,
}

pub struct Line {
    pub verdict: Verdict,
    pub what: &'static str,
    pub detail: String,
}

#[derive(Default)]
pub struct Report(pub Vec<Line>);

impl Report {
    fn add(&mut self, verdict: Verdict, what: &'static str, detail: impl Into<String>) {
        self.0.push(Line {
            verdict,
            what,
            detail: detail.into(),
        });
    }

    pub fn problems(&self) -> usize {
        self.count(Verdict::Problem)
    }

    fn count(&self, v: Verdict) -> usize {
        self.0.iter().filter(|l| l.verdict == v).count()
    }

    /// The report as printed: one line per check, then the verdict.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec!["Anjungan configuration check".to_string()];
        for l in &self.0 {
            let mark = match l.verdict {
                Verdict::Ok => "ok     ",
                Verdict::Warn => "warning",
                Verdict::Problem => "PROBLEM",
            };
            out.push(format!("  {mark}  {:<18} {}", l.what, l.detail));
        }
        let (p, w) = (self.problems(), self.count(Verdict::Warn));
        out.push(if p == 0 {
            format!("Ready to start: no problems, {w} warning(s).")
        } else {
            format!("Not ready: {p} problem(s), {w} warning(s). Fix the lines marked PROBLEM.")
        });
        out
    }
}

fn gateway(report: &mut Report, what: &'static str, url: Option<&str>) {
    match url {
        Some(u) => report.add(Verdict::Ok, what, redact_url(u)),
        None => report.add(
            Verdict::Warn,
            what,
            "not configured: messages are written to the log only, not delivered",
        ),
    }
}

pub async fn run(cfg: &Config) -> Report {
    let mut r = Report::default();
    match cfg.bind.parse::<std::net::SocketAddr>() {
        Ok(_) => r.add(Verdict::Ok, "listen address", &cfg.bind),
        Err(_) => r.add(
            Verdict::Problem,
            "listen address",
            format!("{:?} is not HOST:PORT (e.g. 0.0.0.0:8080)", cfg.bind),
        ),
    }
    let local = DomainName::of_base_url(&cfg.base_url).is_none();
    if cfg.base_url.starts_with("https://") {
        r.add(Verdict::Ok, "base URL", &cfg.base_url);
    } else if cfg.base_url.starts_with("http://") {
        let why = if local {
            "a development address: citizens cannot reach it"
        } else {
            "plain http: sign-in cookies are not marked Secure; use https:// in production"
        };
        r.add(
            Verdict::Warn,
            "base URL",
            format!("{} ({why})", cfg.base_url),
        );
    } else {
        r.add(
            Verdict::Problem,
            "base URL",
            format!("{:?} must start with https:// or http://", cfg.base_url),
        );
    }
    match &cfg.domain {
        Some(d) => match DomainName::parse(d) {
            Ok(d) => r.add(Verdict::Ok, "domain", d.to_string()),
            Err(e) => r.add(Verdict::Problem, "domain", e.to_string()),
        },
        None => r.add(
            if local { Verdict::Warn } else { Verdict::Ok },
            "domain",
            format!(
                "{} (not set: the first start with a real domain in the base URL records it)",
                cfg.identity_domain()
            ),
        ),
    }
    let dir = &cfg.data_dir;
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() && !m.permissions().readonly() => {
            r.add(Verdict::Ok, "data directory", dir.display().to_string())
        }
        Ok(_) => r.add(
            Verdict::Problem,
            "data directory",
            format!("{} is not a writable directory", dir.display()),
        ),
        Err(_) => r.add(
            Verdict::Warn,
            "data directory",
            format!(
                "{} does not exist yet: the first start creates it",
                dir.display()
            ),
        ),
    }
    let key_file = dir.join("secret.key");
    let keys = if cfg.secret_key.is_some() || key_file.exists() {
        match Keys::load_or_create(cfg.secret_key.as_deref(), dir) {
            Ok(k) => {
                let from = if cfg.secret_key.is_some() {
                    "configured".to_string()
                } else {
                    key_file.display().to_string()
                };
                r.add(
                    Verdict::Ok,
                    "secret key",
                    format!("{from}; keep a copy apart from backups"),
                );
                Some(k)
            }
            Err(e) => {
                r.add(Verdict::Problem, "secret key", e.to_string());
                None
            }
        }
    } else {
        r.add(
            Verdict::Warn,
            "secret key",
            format!(
                "none yet: the first start writes {}; copy it somewhere safe",
                key_file.display()
            ),
        );
        None
    };
    let url = cfg.effective_database_url();
    // Connecting would create a missing SQLite file: a check leaves that to the first start.
    let sqlite_file = url
        .strip_prefix("sqlite://")
        .map(|rest| rest.split('?').next().unwrap_or(rest))
        .filter(|f| !f.is_empty() && *f != ":memory:");
    if let Some(file) = sqlite_file.filter(|f| !std::path::Path::new(f).exists()) {
        r.add(
            Verdict::Warn,
            "database",
            format!("{file} does not exist yet: the first start creates it"),
        );
    } else {
        check_database(&mut r, &url, keys.as_ref()).await;
    }
    gateway(&mut r, "e-mail (SMTP)", cfg.smtp.url.as_deref());
    gateway(&mut r, "WhatsApp gateway", cfg.whatsapp.url.as_deref());
    gateway(&mut r, "SMS gateway", cfg.sms.url.as_deref());
    r.add(
        Verdict::Ok,
        "metrics",
        format!(
            "/metrics open to {}; anyone else needs an admin's token",
            if cfg.metrics_addresses.is_empty() {
                "no address".to_string()
            } else {
                cfg.metrics_addresses.join(", ")
            }
        ),
    );
    r.add(
        Verdict::Ok,
        "limits",
        format!(
            "sessions end after {} h idle; uploads up to {} MB; {} database connections per node",
            cfg.session_hours,
            cfg.max_upload_bytes / (1024 * 1024),
            cfg.db_max_connections
        ),
    );
    r
}

/// Connects to an existing database: reachable, and the key the one it was set up with.
async fn check_database(r: &mut Report, url: &str, keys: Option<&Keys>) {
    match anjungan_kernel::Db::connect(url, 2).await {
        Err(e) => r.add(
            Verdict::Problem,
            "database",
            format!("{}: {e}", redact_url(url)),
        ),
        Ok(db) => {
            match db.ping().await {
                Ok(()) => r.add(
                    Verdict::Ok,
                    "database",
                    format!("{} reachable ({})", redact_url(url), db.backend.name()),
                ),
                Err(e) => r.add(
                    Verdict::Problem,
                    "database",
                    format!("{}: {e}", redact_url(url)),
                ),
            }
            let stored: Option<String> =
                sqlx::query_scalar("SELECT value FROM settings WHERE name = 'key_fingerprint'")
                    .fetch_optional(&db.pool)
                    .await
                    .ok()
                    .flatten();
            match (stored, keys) {
                (Some(fp), Some(k)) if fp != k.fingerprint() => r.add(
                    Verdict::Problem,
                    "key and database",
                    "the database was set up with another secret key: personal data would not open",
                ),
                (Some(_), Some(_)) => r.add(
                    Verdict::Ok,
                    "key and database",
                    "the key opens this database",
                ),
                (Some(_), None) => r.add(
                    Verdict::Problem,
                    "key and database",
                    "the database holds sealed data but no secret key is configured or on disk",
                ),
                (None, _) => r.add(
                    Verdict::Ok,
                    "key and database",
                    "a new database: the first start sets it up",
                ),
            }
            db.close().await;
        }
    }
}

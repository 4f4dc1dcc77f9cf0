//! The web shell shared by every room: application state, the request context, error rendering,
//! CSRF protection, metrics, the page layout, static assets and the kernel's own pages and API.

pub mod api;
pub mod assets;
pub mod csrf;
pub mod ctx;
pub mod error;
pub mod forms;
pub mod limits;
pub mod metrics;
pub mod pages;
pub mod shell;

use crate::{config::Config, crypto::Keys, Db};
use std::sync::Arc;

pub use ctx::Ctx;
pub use error::{AppError, WebResult};
pub use shell::Shell;

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub db: Db,
    pub config: Config,
    pub keys: Keys,
    pub metrics: metrics::Metrics,
    /// The time limits and one-time codes are judged by.
    pub clock: crate::clock::Clock,
    /// Live-feed connections held per client address on this node.
    pub live_connections: limits::OpenConnections,
    /// Wakes this node's outbox worker after a message is enqueued.
    pub outbox_wake: Arc<tokio::sync::Notify>,
}

impl AppState {
    pub fn new(db: Db, config: Config, keys: Keys) -> Self {
        Self(Arc::new(Inner {
            db,
            config,
            keys,
            metrics: metrics::Metrics::default(),
            clock: crate::clock::Clock::default(),
            live_connections: limits::OpenConnections::default(),
            outbox_wake: Arc::new(tokio::sync::Notify::new()),
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// A `Set-Cookie` value with the platform's flags: `SameSite=Lax` always, `HttpOnly` when asked,
/// and `Secure` whenever citizens reach us over https (`base_url`).
pub fn cookie(
    config: &Config,
    name: &str,
    value: &str,
    path: &str,
    max_age_secs: i64,
    http_only: bool,
) -> axum::http::HeaderValue {
    let text = format!(
        "{name}={value}; Path={path}; Max-Age={max_age_secs}; SameSite=Lax{}{}",
        if http_only { "; HttpOnly" } else { "" },
        if config.secure_cookies() {
            "; Secure"
        } else {
            ""
        },
    );
    axum::http::HeaderValue::from_str(&text)
        .unwrap_or_else(|_| axum::http::HeaderValue::from_static("invalid=; Max-Age=0"))
}

/// The kernel's routes (pages and API), for the binary to mount beside the rooms'.
pub fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    api::routes()
        .merge(pages::routes())
        .merge(crate::identity::web::routes())
        .merge(crate::orgs::web::routes())
        .merge(crate::audit::web::routes())
        .merge(crate::outbox::web::routes())
        .merge(crate::files::web::routes())
}

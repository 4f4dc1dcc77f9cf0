//! The web shell shared by every room: application state, the request context, error rendering,
//! CSRF protection, metrics, the page layout, static assets and the kernel's own pages and API.

pub mod api;
pub mod assets;
pub mod confirm;
pub mod csrf;
pub mod ctx;
pub mod error;
pub mod forms;
pub mod limits;
pub mod metrics;
pub mod page_cache;
pub mod pages;
pub mod shell;

use crate::{Db, config::Config, crypto::Keys};
use std::any::{Any, TypeId};
use std::collections::HashMap;
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
    /// Pages kept for guests (see [`page_cache`]).
    pub pages: page_cache::PageCache,
    /// What a room shares between its requests and its background jobs (a queue, a cache, the
    /// auction hall): one value per type, made on first use. See [`AppState::shared`].
    shared: std::sync::Mutex<HashMap<TypeId, Box<dyn Any + Send + Sync>>>,
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
            pages: page_cache::PageCache::default(),
            shared: std::sync::Mutex::new(HashMap::new()),
        }))
    }

    /// The one value of type `T` for this state, made by `init` the first time it is asked for:
    /// a room's layers and its jobs get the same queue or hall without the binary naming it.
    pub fn shared<T: Clone + Send + Sync + 'static>(&self, init: impl FnOnce() -> T) -> T {
        let mut slots = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(v) = slots
            .get(&TypeId::of::<T>())
            .and_then(|b| b.downcast_ref::<T>())
        {
            return v.clone();
        }
        let v = init();
        slots.insert(TypeId::of::<T>(), Box::new(v.clone()));
        v
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
        .merge(crate::pki::web::routes())
}

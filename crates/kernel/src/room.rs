//! What a room gives the platform, as one value the binary loops over: its routes, its
//! migrations per engine, its interface strings, its static files, its card on the home page,
//! its links on each role's dashboard, and the work it does at start. The kernel names no room:
//! it only knows the rooms the binary installs.

use crate::crypto::Keys;
use crate::db::Db;
use crate::i18n::Lang;
use crate::identity::domain::Grant;
use crate::web::AppState;
use axum::Router;
use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use utoipa_axum::router::OpenApiRouter;

/// A future the start-up work of a room returns.
pub type StartFuture<'a> = Pin<Box<dyn Future<Output = crate::Result<usize>> + Send + 'a>>;

pub struct Room {
    /// The crate's name without the prefix, e.g. `auction`.
    pub name: &'static str,
    pub routes: fn() -> OpenApiRouter<AppState>,
    /// Its migrations; versions are unique across the platform and run in version order.
    pub sqlite_migrations: &'static sqlx::migrate::Migrator,
    pub postgres_migrations: &'static sqlx::migrate::Migrator,
    /// Its strings, one TOML text per language, keys under its own prefix.
    pub locales: &'static [(Lang, &'static str)],
    /// Files served at `/static/{name}`.
    pub assets: &'static [Asset],
    /// Its card on the home page, if it is a programme of its own.
    pub programme: Option<Programme>,
    /// Its links on the dashboard card of one of the signed-in person's grants.
    pub dashboard: fn(&Grant) -> Vec<Link>,
    /// Work done at every start after the migrations (sealing what an earlier version kept in
    /// clear, …); returns how many records it changed.
    pub on_start: Option<for<'a> fn(&'a Db, &'a Keys) -> StartFuture<'a>>,
    /// Adds what the room's handlers extract besides the state (its queues and caches, as
    /// `Extension`s) to the whole router; made once per state with [`AppState::shared`].
    pub layers: fn(Router<AppState>, &AppState) -> Router<AppState>,
    /// Its background work while the server runs (reminders, resuming live sessions); each task
    /// ends when `stop` turns true. Tests that build only the app run none of it.
    pub jobs: fn(&AppState, Stop) -> Vec<Job>,
    /// Its part of the demo data set, loaded once into an empty database after the agencies
    /// and the demo accounts, in the binary's order of rooms (a room's demo may use what the
    /// rooms before it loaded, through its ports).
    pub demo: Option<for<'a> fn(&'a Demo<'a>) -> DemoFuture<'a>>,
}

/// What a room's demo data is loaded with.
pub struct Demo<'a> {
    pub db: &'a Db,
    pub keys: &'a Keys,
    pub data_dir: &'a std::path::Path,
    /// The installation's public address (the demo's letters link their QR codes to it).
    pub base_url: &'a str,
    /// The demo accounts' shared password, for accounts a room adds of its own.
    pub password: &'a str,
    /// What rooms need from one another, as the binary provides it (see [`Ports`]).
    pub ports: &'a Ports,
}

/// A future a room's demo returns.
pub type DemoFuture<'a> = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>>;

/// The ports the binary implements, one value per type (each room's `ports.rs` names its own).
#[derive(Default)]
pub struct Ports(std::collections::HashMap<std::any::TypeId, Box<dyn std::any::Any + Send + Sync>>);

impl Ports {
    pub fn with<T: std::any::Any + Send + Sync>(mut self, port: T) -> Self {
        self.0.insert(std::any::TypeId::of::<T>(), Box::new(port));
        self
    }

    /// The port of this type, or an error naming it when the binary gave none.
    pub fn get<T: std::any::Any + Send + Sync>(&self) -> anyhow::Result<&T> {
        self.0
            .get(&std::any::TypeId::of::<T>())
            .and_then(|b| b.downcast_ref::<T>())
            .ok_or_else(|| anyhow::anyhow!("port {} not provided", std::any::type_name::<T>()))
    }
}

/// Turns true when the server stops.
pub type Stop = tokio::sync::watch::Receiver<bool>;
/// A running background task.
pub type Job = tokio::task::JoinHandle<()>;

/// For a room without layers.
pub fn no_layers(router: Router<AppState>, _: &AppState) -> Router<AppState> {
    router
}

/// For a room without background work.
pub fn no_jobs(_: &AppState, _: Stop) -> Vec<Job> {
    Vec::new()
}

pub struct Asset {
    pub name: &'static str,
    pub content_type: &'static str,
    pub body: &'static str,
}

pub struct Programme {
    /// Locale key under `programme.` (its name and description).
    pub key: &'static str,
    pub href: &'static str,
    /// Place on the home page, lowest first.
    pub order: u8,
}

/// A dashboard link: the locale key of its label and where it leads.
pub type Link = (&'static str, String);

static INSTALLED: OnceLock<&'static [&'static Room]> = OnceLock::new();

/// Installs the binary's rooms (once per process; later calls with the same list are no-ops).
pub fn install(rooms: &'static [&'static Room]) {
    if INSTALLED.set(rooms).is_ok() {
        crate::i18n::reload();
    }
}

/// The installed rooms, in the binary's order (empty until [`install`]).
pub fn installed() -> &'static [&'static Room] {
    INSTALLED.get().copied().unwrap_or(&[])
}

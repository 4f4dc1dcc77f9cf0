//! The kernel beneath every room: configuration, the database, identity and access,
//! organisations, the audit log, the notifications outbox, uploaded files, i18n and the web shell.
//!
//! Each area follows the room shape of `design/ARCHITECTURE.md`: `domain` (pure rules),
//! `store` (its SQL) and `web` (routes).

pub mod audit;
pub mod backup;
pub mod batch;
mod checkpoint;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod db;
pub mod error;
pub mod export;
pub mod files;
pub mod http;
pub mod i18n;
pub mod identity;
pub mod naming;
pub mod orgs;
pub mod otp;
pub mod outbox;
pub mod pdf;
pub mod pki;
pub mod room;
mod room_free;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod text;
pub mod versions;
pub mod web;

pub use config::Config;
pub use db::{Backend, Db};
pub use error::{Error, Result};

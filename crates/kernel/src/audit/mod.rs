//! The append-only audit log: who did what, when, to which record, through which channel.
pub mod domain;
pub mod events;
pub mod store;
pub mod web;
pub mod worker;

pub use domain::{Actor, Channel, Event};
pub use events::KernelEvent;

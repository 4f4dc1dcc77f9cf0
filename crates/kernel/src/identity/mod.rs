//! Identity and access: users, roles scoped to organisations, sessions, API tokens, throttling.
pub mod domain;
pub mod service;
pub mod store;
pub mod web;

pub use domain::{Action, Grant, Principal, Role, UserId};

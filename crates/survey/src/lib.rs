//! The survey room: the citizen satisfaction survey (SKM) and its index (IKM) for every service
//! unit, computed exactly as PermenPANRB 14/2017 prescribes.

pub mod demo;
pub mod domain;
pub mod error;
pub mod render;
pub mod room;
pub mod service;
pub mod store;
pub mod web;

pub use room::ROOM;

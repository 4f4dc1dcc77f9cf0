//! The festival room: the yearly Trenggalek Innovation Festival (TIF) — editions with phases as
//! data, entries, proposals, stands, the agenda (with iCalendar and Frab exports), jury
//! assignment and scoring, the public vote and awards.
//!
//! The room's parts: `domain` pure rules, `store` its SQL, `service` the use cases, `render`
//! its iCalendar, Frab and PDF output, `web` HTTP only, `ports` what it needs from other rooms,
//! `error` its error, and `room` the value the binary installs.

pub mod demo;
pub mod domain;
pub mod error;
pub mod ports;
pub mod render;
pub mod room;
pub mod service;
pub mod store;
pub mod web;

pub use room::ROOM;

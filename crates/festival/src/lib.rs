//! The festival room: the yearly Trenggalek Innovation Festival (TIF) — editions with phases as
//! data, entries, the agenda (with iCalendar export), jury assignment and scoring rules.

pub mod catalogue;
pub mod domain;
pub mod proposal_store;
pub mod room;
pub mod signup_store;
pub mod standings;
pub mod store;
pub mod vote_queue;
pub mod web;
pub mod web_api;
pub mod web_awards;
pub mod web_dashboard;
pub mod web_jury;
pub mod web_proposal;
pub mod web_settings;
pub mod web_signup;
pub mod web_vote;

pub use room::ROOM;

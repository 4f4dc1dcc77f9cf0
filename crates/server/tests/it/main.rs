//! One test binary for the server crate (link time matters): HTTP tests in process on both
//! backends, process tests of the real binary, and browser journeys.

// A test or a benchmark fails loudly: unwrapping is how it says so.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

pub(crate) mod auction;
mod auction_process;
mod backup;
pub(crate) mod browser;
mod confirmations;
pub(crate) mod crawl;
pub(crate) mod desk;
mod festival;
pub(crate) mod festival_entries;
mod festival_setup;
mod follow;
mod fuzz;
mod http;
mod identifiers;
mod innovation;
mod open311;
mod page_cache;
mod phone;
pub mod process;
mod rooms;
mod security;
mod signatures;
mod stories;
mod survey;

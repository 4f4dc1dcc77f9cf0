//! The Lion room (*Lelang Ikan Online*): the fish auction of the regency's ports — ports,
//! species, fishers and buyers, lots, the auction engine and its sequencer, the live feed, and
//! settlement.

pub mod demo;
pub mod domain;
pub mod error;
pub mod render;
pub mod room;
pub mod service;
pub mod store;
pub mod web;

pub use room::ROOM;

//! The Lion room (*Lelang Ikan Online*): the fish auction of the regency's ports — ports,
//! species, fishers and buyers, lots, the auction engine and its sequencer, the live feed, and
//! settlement.

pub mod domain;
pub mod room;
pub mod runtime;
pub mod store;
pub mod ticket_pdf;
pub mod web;

pub use room::ROOM;

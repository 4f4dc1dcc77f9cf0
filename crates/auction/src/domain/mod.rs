//! Lion's rules, pure: the session's rules and increment ladder, the auction engine (ascending
//! with proxy bids and soft close, and the descending clock), and the levy.

pub mod access;
pub mod audit;
pub mod catalogue;
pub mod engine;
#[cfg(test)]
mod engine_tests;
pub mod levy;
pub mod levy_form;
pub mod rules;
pub mod settlement;

pub use crate::error::AuctionError;
pub use engine::{BuyerId, Channel, Command, Event, LotId, Numbered, Outcome, Session};
pub use rules::{Format, Millis, Rules};

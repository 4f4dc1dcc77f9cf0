//! Festival rules, pure.

pub mod agenda;
pub mod assignment;
pub mod audit;
pub mod award;
pub mod entry;
pub mod phase;
pub mod proposal;
pub mod rubric;
pub mod scoring;
pub mod setup;
pub mod shortlist;
pub mod signup;
pub mod stand;
pub mod vote;

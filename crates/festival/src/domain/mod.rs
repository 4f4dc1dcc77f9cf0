//! Festival rules, pure.

pub mod assignment;
pub mod award;
pub mod entry;
pub mod frab;
pub mod ical;
pub mod phase;
pub mod scoring;
pub mod stand;
pub mod vote;

//! Lion's use cases: the port's catalogue, lots, scheduling and payments, each one transaction
//! that checks a rule, saves and audits; and the hall of live sessions, each with its sequencer,
//! journal, group commit and live feed.

pub mod catalogue;
pub mod history;
pub mod lots;
pub mod runtime;
pub mod sessions;
pub mod settlement;

//! Petung Dadi's use cases, each one transaction that applies a rule, saves, audits and queues the
//! citizen's notices: a request's submission and steps, signing and issuing a letter, the
//! catalogue of services, resident registers, and the supporting records (holidays, complaints,
//! API keys, contact codes).

pub mod admin;
pub mod catalogue;
pub mod follow;
pub mod letters;
pub mod requests;
pub mod residents;

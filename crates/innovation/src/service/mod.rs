//! The innovation register's use cases, each one transaction that applies its rule, saves,
//! audits and marks the catalogue changed: an innovation's profile, partners and links, a
//! lifecycle step, its evidence documents and photos, and the IID self-assessment.

pub mod documents;
pub mod iid;
pub mod innovations;
pub mod lifecycle;

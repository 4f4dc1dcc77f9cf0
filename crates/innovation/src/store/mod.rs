//! The innovation register's SQL, one file per aggregate: innovations with their versions and
//! pillars, their evidence documents, and the IID self-assessments.

pub mod documents;
pub mod iid;
mod innovations;

pub use innovations::*;

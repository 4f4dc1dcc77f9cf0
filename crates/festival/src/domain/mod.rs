//! Festival rules, pure.

pub mod assignment;
pub mod phase;
pub mod scoring;

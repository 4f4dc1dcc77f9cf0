//! Innovation rules, pure: the profile and its validation (the design of at least 300 words),
//! the regent's four pillars and their readiness, the lifecycle draft → submitted → verified, and
//! the evidence (documents per pillar, photos) attached to an innovation.

pub mod documents;
pub mod iid;
mod lifecycle;
mod profile;

pub use lifecycle::{
    may_create, may_see as may_see_innovation, transition, Command, LifecycleError, Status,
};
pub use profile::*;

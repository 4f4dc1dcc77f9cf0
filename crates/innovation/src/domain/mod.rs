//! Innovation rules, pure: the profile and its validation (the design of at least 300 words),
//! the regent's four pillars and their readiness, and the lifecycle draft → submitted → verified.

pub mod iid;
mod lifecycle;
mod profile;

pub use lifecycle::{
    may_create, may_see as may_see_innovation, transition, Command, LifecycleError, Status,
};
pub use profile::*;

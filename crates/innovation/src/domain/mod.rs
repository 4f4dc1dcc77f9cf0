//! Innovation rules, pure: the profile and its validation (the design of at least 300 words),
//! the regent's four pillars and their readiness, the lifecycle draft → submitted → verified, and
//! the evidence (documents per pillar, photos) attached to an innovation.

pub mod audit;
pub mod documents;
pub mod iid;
mod lifecycle;
mod profile;

pub use lifecycle::{
    Command, LifecycleError, Status, may_create, may_see as may_see_innovation, transition,
};
pub use profile::*;

/// Test helpers shared by the domain's tests.
#[cfg(test)]
pub(crate) mod testing {
    use anjungan_kernel::identity::domain::{Grant, Principal, Role, UserId};
    use anjungan_kernel::orgs::domain::OrgRef;

    /// Someone holding one role, regency-wide (`None`) or in one organisation.
    pub fn principal(role: Role, org: Option<OrgRef>) -> Principal {
        Principal {
            user_id: UserId(1),
            name: "x".into(),
            grants: vec![Grant { role, org }],
        }
    }
}

//! Who may do what at the desk: roles are enforced per unit (the unit itself or one above it).

use super::workflow;
use anjungan_kernel::identity::domain::{Principal, Role};
use anjungan_kernel::orgs::domain::OrgRef;

/// The workflow role a signed-in person holds for a unit: the head if they head it, else its
/// operator (admins act as operators; they never sign for a unit).
pub fn desk_role(p: &Principal, unit: &OrgRef) -> Option<workflow::Actor> {
    if p.holds_for(Role::UnitHead, unit) {
        Some(workflow::Actor::Head)
    } else if p.holds_for(Role::UnitOperator, unit) || p.is_admin() {
        Some(workflow::Actor::Operator)
    } else {
        None
    }
}

/// Staff of the unit may see its requests, register, complaints and figures.
pub fn may_manage(p: &Principal, unit: &OrgRef) -> bool {
    desk_role(p, unit).is_some()
}

/// The regency-wide settings: the holiday calendar and Open311 keys.
pub fn may_administer(p: &Principal) -> bool {
    p.is_admin()
}

#[cfg(test)]
mod tests {
    use super::*;
    use anjungan_kernel::identity::domain::{Grant, UserId};

    fn who(grants: Vec<(Role, Option<OrgRef>)>) -> Principal {
        Principal {
            user_id: UserId(1),
            name: "x".into(),
            grants: grants
                .into_iter()
                .map(|(role, org)| Grant { role, org })
                .collect(),
        }
    }

    #[test]
    fn roles_per_unit() {
        let village = OrgRef {
            id: 10,
            path: "/1/5/10/".into(),
        };
        let other = OrgRef {
            id: 11,
            path: "/1/5/11/".into(),
        };
        let district = OrgRef {
            id: 5,
            path: "/1/5/".into(),
        };
        let head = who(vec![(Role::UnitHead, Some(village.clone()))]);
        assert_eq!(desk_role(&head, &village), Some(workflow::Actor::Head));
        assert_eq!(desk_role(&head, &other), None);
        let op = who(vec![(Role::UnitOperator, Some(district))]);
        assert_eq!(desk_role(&op, &other), Some(workflow::Actor::Operator));
        let admin = who(vec![(Role::Admin, None)]);
        assert_eq!(desk_role(&admin, &village), Some(workflow::Actor::Operator));
        assert!(may_administer(&admin) && !may_administer(&head));
        let citizen = who(vec![(Role::Citizen, None)]);
        assert!(!may_manage(&citizen, &village));
    }
}

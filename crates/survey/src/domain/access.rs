//! Who may do what in the survey room.

use anjungan_kernel::identity::domain::{AccessError, Principal, Role};
use anjungan_kernel::orgs::domain::OrgRef;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SurveyAction<'a> {
    /// Start the survey in a unit (admin, innovation coordinator).
    EnableUnits,
    /// See a unit's dashboard and exports, key in paper forms, record follow-up, issue links.
    ManageUnit(&'a OrgRef),
}

pub fn authorize(who: Option<&Principal>, action: &SurveyAction<'_>) -> Result<(), AccessError> {
    let p = who.ok_or(AccessError::Unauthenticated)?;
    let ok = p.is_admin()
        || match action {
            SurveyAction::EnableUnits => p.has_role(Role::Coordinator),
            SurveyAction::ManageUnit(org) => {
                // The innovation coordinator sits in the planning agency but coordinates every unit.
                p.has_role(Role::Coordinator)
                    || p.holds_for(Role::UnitHead, org)
                    || p.holds_for(Role::UnitOperator, org)
            }
        };
    if ok {
        Ok(())
    } else {
        Err(AccessError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anjungan_kernel::identity::domain::{Grant, UserId};

    fn who(role: Role, org: Option<OrgRef>) -> Principal {
        Principal {
            user_id: UserId(1),
            name: "x".into(),
            grants: vec![Grant { role, org }],
        }
    }

    #[test]
    fn unit_staff_manage_only_their_unit() {
        let a = OrgRef {
            id: 5,
            path: "/1/2/5/".into(),
        };
        let b = OrgRef {
            id: 6,
            path: "/1/2/6/".into(),
        };
        let op = who(Role::UnitOperator, Some(a.clone()));
        assert!(authorize(Some(&op), &SurveyAction::ManageUnit(&a)).is_ok());
        assert_eq!(
            authorize(Some(&op), &SurveyAction::ManageUnit(&b)),
            Err(AccessError::Forbidden)
        );
        assert_eq!(
            authorize(Some(&op), &SurveyAction::EnableUnits),
            Err(AccessError::Forbidden)
        );
        let coord = who(
            Role::Coordinator,
            Some(OrgRef {
                id: 9,
                path: "/1/9/".into(),
            }),
        );
        assert!(authorize(Some(&coord), &SurveyAction::ManageUnit(&b)).is_ok());
        assert!(authorize(Some(&coord), &SurveyAction::EnableUnits).is_ok());
        assert_eq!(
            authorize(
                Some(&who(Role::Citizen, None)),
                &SurveyAction::ManageUnit(&a)
            ),
            Err(AccessError::Forbidden)
        );
        assert_eq!(
            authorize(None, &SurveyAction::ManageUnit(&a)),
            Err(AccessError::Unauthenticated)
        );
    }
}

//! Draft → submitted → verified by the coordinator, or returned with notes and submitted again.

use anjungan_kernel::identity::domain::{Principal, Role};
use anjungan_kernel::orgs::domain::OrgRef;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = innovation::Status)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Submitted,
    Returned,
    Verified,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Draft,
        Status::Submitted,
        Status::Returned,
        Status::Verified,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Returned => "returned",
            Status::Verified => "verified",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }
    /// Whether the owning agency may still edit the profile.
    pub fn editable(self) -> bool {
        matches!(self, Status::Draft | Status::Returned)
    }
    /// Only verified innovations are public; the others are seen by their unit and the coordinator.
    pub fn public(self) -> bool {
        self == Status::Verified
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Edit,
    Submit,
    Verify,
    Return {
        note: String,
    },
    /// A verified innovation is reopened by its agency for an update (a new version).
    Reopen,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    #[error("not allowed")]
    Forbidden,
    #[error("this step is not possible in the current status")]
    WrongStatus,
    #[error("a note explaining what to fix is required")]
    NoteRequired,
    #[error("the profile is incomplete")]
    Incomplete(Vec<&'static str>),
}

/// Who may act on an innovation of the agency `owner`: its unit staff edit and submit; the
/// coordinator verifies or returns; admins may do all.
fn staff_of(p: &Principal, owner: &OrgRef) -> bool {
    p.is_admin() || p.holds_for(Role::UnitOperator, owner) || p.holds_for(Role::UnitHead, owner)
}

fn coordinator(p: &Principal) -> bool {
    p.is_admin() || p.has_role(Role::Coordinator)
}

/// May `p` create an innovation for `owner`?
pub fn may_create(p: &Principal, owner: &OrgRef) -> bool {
    staff_of(p, owner)
}

/// May `p` see a non-public innovation of `owner`?
pub fn may_see(p: &Principal, owner: &OrgRef) -> bool {
    staff_of(p, owner) || coordinator(p)
}

/// The lifecycle: `(status, command, who) → new status | error`. `missing` lists the
/// incomplete parts of the profile (an incomplete profile cannot be submitted).
pub fn transition(
    status: Status,
    cmd: &Command,
    who: &Principal,
    owner: &OrgRef,
    missing: &[&'static str],
) -> Result<Status, LifecycleError> {
    match cmd {
        Command::Edit => {
            if !staff_of(who, owner) {
                return Err(LifecycleError::Forbidden);
            }
            if status.editable() {
                Ok(status)
            } else {
                Err(LifecycleError::WrongStatus)
            }
        }
        Command::Submit => {
            if !staff_of(who, owner) {
                return Err(LifecycleError::Forbidden);
            }
            if !status.editable() {
                return Err(LifecycleError::WrongStatus);
            }
            if !missing.is_empty() {
                return Err(LifecycleError::Incomplete(missing.to_vec()));
            }
            Ok(Status::Submitted)
        }
        Command::Verify => {
            if !coordinator(who) {
                return Err(LifecycleError::Forbidden);
            }
            if status != Status::Submitted {
                return Err(LifecycleError::WrongStatus);
            }
            Ok(Status::Verified)
        }
        Command::Return { note } => {
            if !coordinator(who) {
                return Err(LifecycleError::Forbidden);
            }
            if status != Status::Submitted {
                return Err(LifecycleError::WrongStatus);
            }
            if note.trim().is_empty() {
                return Err(LifecycleError::NoteRequired);
            }
            Ok(Status::Returned)
        }
        Command::Reopen => {
            if !staff_of(who, owner) {
                return Err(LifecycleError::Forbidden);
            }
            if status != Status::Verified {
                return Err(LifecycleError::WrongStatus);
            }
            Ok(Status::Draft)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::principal as p;

    #[test]
    fn the_happy_path_and_the_return_loop() {
        let kominfo = OrgRef {
            id: 3,
            path: "/1/3/".into(),
        };
        let op = p(Role::UnitOperator, Some(kominfo.clone()));
        let coord = p(
            Role::Coordinator,
            Some(OrgRef {
                id: 4,
                path: "/1/4/".into(),
            }),
        );
        let s = transition(Status::Draft, &Command::Submit, &op, &kominfo, &[]).unwrap();
        assert_eq!(s, Status::Submitted);
        assert_eq!(
            transition(s, &Command::Edit, &op, &kominfo, &[]),
            Err(LifecycleError::WrongStatus),
            "no edits while under review"
        );
        assert_eq!(
            transition(
                s,
                &Command::Return { note: " ".into() },
                &coord,
                &kominfo,
                &[]
            ),
            Err(LifecycleError::NoteRequired)
        );
        let s = transition(
            s,
            &Command::Return {
                note: "Lengkapi SOP".into(),
            },
            &coord,
            &kominfo,
            &[],
        )
        .unwrap();
        assert_eq!(s, Status::Returned);
        assert_eq!(
            transition(s, &Command::Edit, &op, &kominfo, &[]),
            Ok(Status::Returned)
        );
        let s = transition(s, &Command::Submit, &op, &kominfo, &[]).unwrap();
        let s = transition(s, &Command::Verify, &coord, &kominfo, &[]).unwrap();
        assert_eq!(s, Status::Verified);
        assert_eq!(
            transition(s, &Command::Reopen, &op, &kominfo, &[]),
            Ok(Status::Draft)
        );
    }

    #[test]
    fn roles_are_respected() {
        let kominfo = OrgRef {
            id: 3,
            path: "/1/3/".into(),
        };
        let other = p(
            Role::UnitOperator,
            Some(OrgRef {
                id: 5,
                path: "/1/5/".into(),
            }),
        );
        assert_eq!(
            transition(Status::Draft, &Command::Submit, &other, &kominfo, &[]),
            Err(LifecycleError::Forbidden)
        );
        let op = p(Role::UnitOperator, Some(kominfo.clone()));
        assert_eq!(
            transition(Status::Submitted, &Command::Verify, &op, &kominfo, &[]),
            Err(LifecycleError::Forbidden),
            "no self-verification"
        );
        let jury = p(Role::Jury, None);
        assert!(!may_see(&jury, &kominfo));
        assert_eq!(
            transition(
                Status::Draft,
                &Command::Verify,
                &p(Role::Coordinator, None),
                &kominfo,
                &[]
            ),
            Err(LifecycleError::WrongStatus)
        );
    }

    #[test]
    fn incomplete_profiles_cannot_be_submitted() {
        let kominfo = OrgRef {
            id: 3,
            path: "/1/3/".into(),
        };
        let op = p(Role::UnitOperator, Some(kominfo.clone()));
        assert_eq!(
            transition(Status::Draft, &Command::Submit, &op, &kominfo, &["design"]),
            Err(LifecycleError::Incomplete(vec!["design"]))
        );
    }
}

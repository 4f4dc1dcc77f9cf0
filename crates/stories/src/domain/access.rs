//! Who may do what in Cilen: any signed-in account with a pen name writes; librarians (and
//! admins) review, moderate and curate; an author acts only on works they are credited on.

use super::workflow::Actor;
use anjungan_kernel::identity::domain::{Principal, Role};

pub fn is_librarian(p: &Principal) -> bool {
    p.has_role(Role::Librarian) || p.is_admin()
}

/// The role `p` takes towards a work credited to `authors` (user ids): its author first (a
/// librarian writing their own story submits it like anyone), else librarian, else none.
pub fn role_on(p: &Principal, authors: &[i64]) -> Option<Actor> {
    if authors.contains(&p.user_id.0) {
        Some(Actor::Author)
    } else if is_librarian(p) {
        Some(Actor::Librarian)
    } else {
        None
    }
}

/// The librarian acting on a work they also wrote still reviews as a librarian when the
/// command is a librarian's (review, publish, return, take down).
pub fn may_review(p: &Principal) -> bool {
    is_librarian(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use anjungan_kernel::identity::domain::{Grant, UserId};

    fn who(id: i64, roles: &[Role]) -> Principal {
        Principal {
            user_id: UserId(id),
            name: "x".into(),
            grants: roles
                .iter()
                .map(|r| Grant {
                    role: *r,
                    org: None,
                })
                .collect(),
        }
    }

    #[test]
    fn roles_on_a_work() {
        let author = who(7, &[Role::Author]);
        let librarian = who(9, &[Role::Librarian]);
        let reader = who(11, &[Role::Citizen]);
        assert_eq!(role_on(&author, &[7]), Some(Actor::Author));
        assert_eq!(role_on(&author, &[8]), None);
        assert_eq!(role_on(&librarian, &[7]), Some(Actor::Librarian));
        assert_eq!(role_on(&reader, &[7]), None);
        assert!(may_review(&librarian) && !may_review(&author));
        assert!(is_librarian(&who(1, &[Role::Admin])));
    }
}

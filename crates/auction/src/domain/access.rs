//! Who may do what at a port: the auctioneer runs sessions and registers lots, the cashier
//! records payments and registers lots, either may verify buyers; admins may do everything.
//! Staff act only for ports under their organisation.

use anjungan_kernel::identity::domain::{Principal, Role};
use anjungan_kernel::orgs::domain::OrgRef;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Create, open, pause, close a session; enter hall bids; withdraw lots.
    RunSession,
    RegisterLot,
    VerifyBuyer,
    RecordPayment,
}

fn roles(action: Action) -> &'static [Role] {
    match action {
        Action::RunSession => &[Role::Auctioneer],
        Action::RegisterLot => &[Role::Auctioneer, Role::Cashier],
        Action::VerifyBuyer => &[Role::Auctioneer, Role::Cashier],
        Action::RecordPayment => &[Role::Cashier],
    }
}

/// `port_org` is the organisation that runs the port (none: only regency-wide grants count).
pub fn may(p: &Principal, port_org: Option<&OrgRef>, action: Action) -> bool {
    if p.is_admin() {
        return true;
    }
    roles(action).iter().any(|role| match port_org {
        Some(org) => p.holds_for(*role, org),
        None => p.grants.iter().any(|g| g.role == *role && g.org.is_none()),
    })
}

/// Whether the principal is staff of the port in any role (for the console's links).
pub fn is_staff(p: &Principal, port_org: Option<&OrgRef>) -> bool {
    [Action::RunSession, Action::RecordPayment]
        .into_iter()
        .any(|a| may(p, port_org, a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use anjungan_kernel::identity::domain::{Grant, UserId};

    fn person(grants: Vec<(Role, Option<OrgRef>)>) -> Principal {
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
    fn staff_act_only_for_their_port_and_role() {
        let diskan = OrgRef {
            id: 5,
            path: "/1/5/".into(),
        };
        let other = OrgRef {
            id: 6,
            path: "/1/6/".into(),
        };
        let auctioneer = person(vec![(Role::Auctioneer, Some(diskan.clone()))]);
        assert!(may(&auctioneer, Some(&diskan), Action::RunSession));
        assert!(!may(&auctioneer, Some(&other), Action::RunSession));
        assert!(!may(&auctioneer, Some(&diskan), Action::RecordPayment));
        assert!(!may(&auctioneer, None, Action::RunSession));
        let cashier = person(vec![(Role::Cashier, Some(diskan.clone()))]);
        assert!(may(&cashier, Some(&diskan), Action::RecordPayment));
        assert!(!may(&cashier, Some(&diskan), Action::RunSession));
        let buyer = person(vec![(Role::Buyer, None)]);
        assert!(!is_staff(&buyer, Some(&diskan)));
        let admin = person(vec![(Role::Admin, None)]);
        assert!(may(&admin, None, Action::RecordPayment));
    }
}

/// A buyer's paddle as the public sees it in a lot's bid history: its last digit only, so a
/// watcher can tell bidders apart within a lot without learning who they are.
pub fn masked_paddle(buyer_id: i64) -> String {
    let last = buyer_id.rem_euclid(10);
    format!("#••{last}")
}

#[cfg(test)]
mod paddle_tests {
    use super::masked_paddle;

    #[test]
    fn only_the_last_digit_shows() {
        assert_eq!(masked_paddle(7), "#••7");
        assert_eq!(masked_paddle(1234), "#••4");
        assert!(!masked_paddle(1234).contains("123"));
    }
}

//! The kernel's own audit events (accounts, sign-in, tokens, organisations, files, the outbox),
//! pure: each variant fixes its action, the kind of record it touches and its summary.

use super::domain::{Event, diff};
use crate::files::domain::Access;
use crate::identity::domain::{Role, UserId};
use crate::orgs::domain::{OrgProfile, Organisation};
use serde_json::json;

/// Record id used when an entry concerns no known record (e.g. a failed sign-in).
const NO_RECORD: &str = "-";

#[derive(Debug, Clone)]
pub enum KernelEvent<'a> {
    /// Someone registered with a contact that already has an account (its owner was told).
    RegisterTaken,
    /// A citizen registered; the activation link went out as outbox message `outbox_id`.
    Registered { user: UserId, outbox_id: i64 },
    /// An account was activated from its link.
    Activated { user: UserId },
    /// A session was opened.
    LoggedIn { user: UserId },
    /// A sign-in was refused; `failures` counts the account's recent failures.
    LoginFailed { failures: i64 },
    /// A session was closed (by whoever held it, when known).
    LoggedOut { user: Option<i64> },
    /// An account was created with its grants (command line, demo data).
    UserCreated {
        user: UserId,
        grants: &'a [(Role, Option<i64>)],
    },
    /// A role was granted, regency-wide (`org: None`) or in one organisation.
    RoleGranted {
        user: UserId,
        role: Role,
        org: Option<i64>,
    },
    /// A password was set by an administrator or the account holder.
    PasswordSet { user: UserId },
    /// A reset link was sent as outbox message `outbox_id`.
    ResetRequested { user: UserId, outbox_id: i64 },
    /// A password was reset from its link.
    PasswordReset { user: UserId },
    /// An API token was created for `user`.
    TokenCreated {
        id: i64,
        name: &'a str,
        user: UserId,
    },
    /// An API token was revoked.
    TokenRevoked { id: i64 },
    /// The official list of districts, villages and wards was seeded (`added` new ones).
    OrgsSeeded { added: usize },
    /// An agency was created.
    OrgCreated {
        id: i64,
        code: &'a str,
        name: &'a str,
    },
    /// An organisation's profile was changed (the summary lists the changed fields).
    OrgUpdated {
        before: &'a Organisation,
        after: &'a OrgProfile,
    },
    /// New content was stored as a file.
    FileUploaded {
        sha256: &'a str,
        mime: &'a str,
        size: usize,
        access: Access,
    },
    /// A failed message was put back in the outbox.
    OutboxRetried { id: i64 },
}

impl Event for KernelEvent<'_> {
    fn action(&self) -> &'static str {
        match self {
            KernelEvent::RegisterTaken => "auth.register_taken",
            KernelEvent::Registered { .. } => "user.register",
            KernelEvent::Activated { .. } => "user.activate",
            KernelEvent::LoggedIn { .. } => "auth.login",
            KernelEvent::LoginFailed { .. } => "auth.login_failed",
            KernelEvent::LoggedOut { .. } => "auth.logout",
            KernelEvent::UserCreated { .. } => "user.create",
            KernelEvent::RoleGranted { .. } => "user.grant",
            KernelEvent::PasswordSet { .. } => "user.password",
            KernelEvent::ResetRequested { .. } => "auth.reset_requested",
            KernelEvent::PasswordReset { .. } => "auth.reset",
            KernelEvent::TokenCreated { .. } => "token.create",
            KernelEvent::TokenRevoked { .. } => "token.revoke",
            KernelEvent::OrgsSeeded { .. } => "org.seed",
            KernelEvent::OrgCreated { .. } => "org.create",
            KernelEvent::OrgUpdated { .. } => "org.update",
            KernelEvent::FileUploaded { .. } => "file.upload",
            KernelEvent::OutboxRetried { .. } => "outbox.retry",
        }
    }

    fn record_type(&self) -> &'static str {
        match self {
            KernelEvent::RegisterTaken
            | KernelEvent::Registered { .. }
            | KernelEvent::Activated { .. }
            | KernelEvent::LoggedIn { .. }
            | KernelEvent::LoginFailed { .. }
            | KernelEvent::LoggedOut { .. }
            | KernelEvent::UserCreated { .. }
            | KernelEvent::RoleGranted { .. }
            | KernelEvent::PasswordSet { .. }
            | KernelEvent::ResetRequested { .. }
            | KernelEvent::PasswordReset { .. } => "user",
            KernelEvent::TokenCreated { .. } | KernelEvent::TokenRevoked { .. } => "api_token",
            KernelEvent::OrgsSeeded { .. }
            | KernelEvent::OrgCreated { .. }
            | KernelEvent::OrgUpdated { .. } => "organisation",
            KernelEvent::FileUploaded { .. } => "file",
            KernelEvent::OutboxRetried { .. } => "outbox",
        }
    }

    fn record_id(&self) -> String {
        match self {
            KernelEvent::RegisterTaken | KernelEvent::LoginFailed { .. } => NO_RECORD.to_string(),
            KernelEvent::LoggedOut { user } => user
                .map(|u| u.to_string())
                .unwrap_or_else(|| NO_RECORD.to_string()),
            KernelEvent::Registered { user, .. }
            | KernelEvent::Activated { user }
            | KernelEvent::LoggedIn { user }
            | KernelEvent::UserCreated { user, .. }
            | KernelEvent::RoleGranted { user, .. }
            | KernelEvent::PasswordSet { user }
            | KernelEvent::ResetRequested { user, .. }
            | KernelEvent::PasswordReset { user } => user.0.to_string(),
            KernelEvent::TokenCreated { id, .. }
            | KernelEvent::TokenRevoked { id }
            | KernelEvent::OrgCreated { id, .. }
            | KernelEvent::OutboxRetried { id } => id.to_string(),
            // The shipped official list the areas are seeded from.
            KernelEvent::OrgsSeeded { .. } => "wilayah-35.03".to_string(),
            KernelEvent::OrgUpdated { before, .. } => before.id.to_string(),
            KernelEvent::FileUploaded { sha256, .. } => (*sha256).to_string(),
        }
    }

    fn summary(&self) -> serde_json::Value {
        match self {
            KernelEvent::RegisterTaken
            | KernelEvent::Activated { .. }
            | KernelEvent::LoggedIn { .. }
            | KernelEvent::LoggedOut { .. }
            | KernelEvent::PasswordSet { .. }
            | KernelEvent::PasswordReset { .. }
            | KernelEvent::TokenRevoked { .. }
            | KernelEvent::OutboxRetried { .. } => json!({}),
            KernelEvent::Registered { outbox_id, .. } => {
                json!({"roles": ["citizen"], "outbox_id": outbox_id})
            }
            KernelEvent::LoginFailed { failures } => json!({"failures": failures}),
            KernelEvent::UserCreated { grants, .. } => {
                let roles: Vec<String> = grants
                    .iter()
                    .map(|(r, o)| {
                        format!(
                            "{}{}",
                            r.code(),
                            o.map(|o| format!("@{o}")).unwrap_or_default()
                        )
                    })
                    .collect();
                json!({"roles": roles})
            }
            KernelEvent::RoleGranted { role, org, .. } => {
                json!({"role": role.code(), "org_id": org})
            }
            KernelEvent::ResetRequested { outbox_id, .. } => json!({"outbox_id": outbox_id}),
            KernelEvent::TokenCreated { name, user, .. } => {
                json!({"name": name, "user_id": user.0})
            }
            KernelEvent::OrgsSeeded { added } => json!({"added": added}),
            KernelEvent::OrgCreated { code, name, .. } => {
                json!({"code": code, "name": name, "kind": "agency"})
            }
            KernelEvent::OrgUpdated {
                before: b,
                after: a,
            } => diff(&[
                ("name", &b.name, &a.name),
                ("short_name", &b.short_name, &a.short_name),
                ("email", &b.email, &a.email),
                ("phone", &b.phone, &a.phone),
                ("address", &b.address, &a.address),
                ("head_name", &b.head_name, &a.head_name),
                ("website", &b.website, &a.website),
            ]),
            KernelEvent::FileUploaded {
                mime, size, access, ..
            } => json!({"mime": mime, "size": size, "access": access.code()}),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(e: &KernelEvent<'_>) -> (&'static str, &'static str, String, String) {
        (
            e.action(),
            e.record_type(),
            e.record_id(),
            e.summary().to_string(),
        )
    }

    #[test]
    fn events_keep_the_strings_and_summaries_of_before() {
        assert_eq!(
            entry(&KernelEvent::Registered {
                user: UserId(7),
                outbox_id: 12
            }),
            (
                "user.register",
                "user",
                "7".to_string(),
                r#"{"outbox_id":12,"roles":["citizen"]}"#.to_string()
            )
        );
        assert_eq!(
            entry(&KernelEvent::UserCreated {
                user: UserId(3),
                grants: &[(Role::Admin, None), (Role::UnitOperator, Some(5))],
            }),
            (
                "user.create",
                "user",
                "3".to_string(),
                r#"{"roles":["admin","unit_operator@5"]}"#.to_string()
            )
        );
        assert_eq!(
            entry(&KernelEvent::LoginFailed { failures: 2 }),
            (
                "auth.login_failed",
                "user",
                "-".to_string(),
                r#"{"failures":2}"#.to_string()
            )
        );
        assert_eq!(
            entry(&KernelEvent::LoggedOut { user: None }).2,
            "-".to_string()
        );
        assert_eq!(
            entry(&KernelEvent::FileUploaded {
                sha256: "ab12",
                mime: "image/png",
                size: 10,
                access: Access::Private,
            }),
            (
                "file.upload",
                "file",
                "ab12".to_string(),
                r#"{"access":"private","mime":"image/png","size":10}"#.to_string()
            )
        );
        assert_eq!(
            entry(&KernelEvent::OrgsSeeded { added: 4 }),
            (
                "org.seed",
                "organisation",
                "wilayah-35.03".to_string(),
                r#"{"added":4}"#.to_string()
            )
        );
    }
}

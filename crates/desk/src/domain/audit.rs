//! What Petung Dadi records in the audit log, as typed events: each variant fixes the entry's
//! action, the kind of record it touches and its summary.

use super::calendar::HolidayKind;
use super::{Channel, Command, State};
use std::collections::BTreeMap;

/// Petung Dadi's audit events.
#[derive(Debug, Clone, PartialEq)]
pub enum DeskEvent<'a> {
    /// A service was published in a unit's catalogue.
    ServiceCreated { id: i64, code: &'a str, org: i64 },
    /// A catalogue of services was imported at once: the codes, per unit.
    ServicesImported {
        count: usize,
        codes: &'a BTreeMap<i64, Vec<&'a str>>,
    },
    /// A service's terms were changed.
    ServiceUpdated {
        id: i64,
        days: i64,
        cost: i64,
        active: bool,
    },
    /// A citizen's request was received.
    RequestSubmitted {
        id: i64,
        service: &'a str,
        channel: Channel,
    },
    /// A request moved through the workflow by `command`, from one state to another.
    RequestMoved {
        id: i64,
        command: Command,
        from: State,
        to: State,
    },
    /// A signer's key was replaced by a new one.
    SigningKeyRotated {
        id: i64,
        org: i64,
        public_key: &'a str,
    },
    /// A letter was signed (`code` is its verification code).
    LetterSigned {
        code: &'a str,
        request: i64,
        number: &'a str,
        sha256: &'a str,
    },
    /// A unit's resident register was imported.
    ResidentsImported { org: i64, added: u64, updated: u64 },
    /// A holiday was set (or changed) on `day`.
    HolidaySet {
        day: &'a str,
        name: &'a str,
        kind: HolidayKind,
    },
    /// The holiday on `day` was removed.
    HolidayDeleted { day: &'a str },
    /// A complaint was filed with a unit.
    ComplaintFiled { id: i64, org: i64, lapor: &'a str },
    /// A complaint was answered.
    ComplaintAnswered { id: i64 },
    /// An Open311 API key was issued.
    ApiKeyCreated { id: i64, name: &'a str },
    /// An Open311 API key was revoked.
    ApiKeyRevoked { id: i64 },
}

impl anjungan_kernel::audit::Event for DeskEvent<'_> {
    fn action(&self) -> &'static str {
        match self {
            DeskEvent::ServiceCreated { .. } => "desk.service.create",
            DeskEvent::ServicesImported { .. } => "desk.service.import",
            DeskEvent::ServiceUpdated { .. } => "desk.service.update",
            DeskEvent::RequestSubmitted { .. } => "desk.request.submit",
            DeskEvent::RequestMoved { command, .. } => match command {
                Command::Verify => "desk.request.verify",
                Command::Return => "desk.request.return",
                Command::Resubmit => "desk.request.resubmit",
                Command::Reject => "desk.request.reject",
                Command::Sign => "desk.request.sign",
                Command::Issue => "desk.request.issue",
                Command::Deliver => "desk.request.deliver",
                Command::Close => "desk.request.close",
                Command::Cancel => "desk.request.cancel",
            },
            DeskEvent::SigningKeyRotated { .. } => "desk.key.rotate",
            DeskEvent::LetterSigned { .. } => "desk.letter.sign",
            DeskEvent::ResidentsImported { .. } => "desk.residents.import",
            DeskEvent::HolidaySet { .. } => "desk.holiday.set",
            DeskEvent::HolidayDeleted { .. } => "desk.holiday.delete",
            DeskEvent::ComplaintFiled { .. } => "desk.complaint.create",
            DeskEvent::ComplaintAnswered { .. } => "desk.complaint.respond",
            DeskEvent::ApiKeyCreated { .. } => "desk.api_key.create",
            DeskEvent::ApiKeyRevoked { .. } => "desk.api_key.revoke",
        }
    }

    fn record_type(&self) -> &'static str {
        match self {
            DeskEvent::ServiceCreated { .. }
            | DeskEvent::ServicesImported { .. }
            | DeskEvent::ServiceUpdated { .. } => "desk_service",
            DeskEvent::RequestSubmitted { .. } | DeskEvent::RequestMoved { .. } => "desk_request",
            DeskEvent::SigningKeyRotated { .. } => "desk_signing_key",
            DeskEvent::LetterSigned { .. } => "desk_letter",
            DeskEvent::ResidentsImported { .. } => "organisation",
            DeskEvent::HolidaySet { .. } | DeskEvent::HolidayDeleted { .. } => "desk_holiday",
            DeskEvent::ComplaintFiled { .. } | DeskEvent::ComplaintAnswered { .. } => {
                "desk_complaint"
            }
            DeskEvent::ApiKeyCreated { .. } | DeskEvent::ApiKeyRevoked { .. } => "desk_api_key",
        }
    }

    fn record_id(&self) -> String {
        match self {
            DeskEvent::ServicesImported { .. } => "*".to_string(),
            DeskEvent::ServiceCreated { id, .. }
            | DeskEvent::ServiceUpdated { id, .. }
            | DeskEvent::RequestSubmitted { id, .. }
            | DeskEvent::RequestMoved { id, .. }
            | DeskEvent::SigningKeyRotated { id, .. }
            | DeskEvent::ComplaintFiled { id, .. }
            | DeskEvent::ComplaintAnswered { id }
            | DeskEvent::ApiKeyCreated { id, .. }
            | DeskEvent::ApiKeyRevoked { id } => id.to_string(),
            DeskEvent::LetterSigned { code, .. } => code.to_string(),
            DeskEvent::ResidentsImported { org, .. } => org.to_string(),
            DeskEvent::HolidaySet { day, .. } | DeskEvent::HolidayDeleted { day } => {
                day.to_string()
            }
        }
    }

    fn summary(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            DeskEvent::ServiceCreated { code, org, .. } => json!({"code": code, "org": org}),
            DeskEvent::ServicesImported { count, codes } => {
                json!({"count": count, "codes": codes})
            }
            DeskEvent::ServiceUpdated {
                days, cost, active, ..
            } => json!({"days": days, "cost": cost, "active": active}),
            DeskEvent::RequestSubmitted {
                service, channel, ..
            } => json!({"service": service, "channel": channel.code()}),
            DeskEvent::RequestMoved { from, to, .. } => {
                json!({"from": from.code(), "to": to.code()})
            }
            DeskEvent::SigningKeyRotated {
                org, public_key, ..
            } => json!({"org": org, "public_key": public_key}),
            DeskEvent::LetterSigned {
                request,
                number,
                sha256,
                ..
            } => json!({"request": request, "number": number, "sha256": sha256}),
            DeskEvent::ResidentsImported { added, updated, .. } => {
                json!({"added": added, "updated": updated})
            }
            DeskEvent::HolidaySet { name, kind, .. } => {
                json!({"name": name, "kind": kind.code()})
            }
            DeskEvent::ComplaintFiled { org, lapor, .. } => json!({"org": org, "lapor": lapor}),
            DeskEvent::ApiKeyCreated { name, .. } => json!({"name": name}),
            DeskEvent::HolidayDeleted { .. }
            | DeskEvent::ComplaintAnswered { .. }
            | DeskEvent::ApiKeyRevoked { .. } => json!({}),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anjungan_kernel::audit::Event;
    use serde_json::json;

    fn entry(e: &DeskEvent<'_>) -> (&'static str, &'static str, String, String) {
        (
            e.action(),
            e.record_type(),
            e.record_id(),
            e.summary().to_string(),
        )
    }

    #[test]
    fn events_record_what_the_calls_recorded() {
        assert_eq!(
            entry(&DeskEvent::LetterSigned {
                code: "AB12CD",
                request: 7,
                number: "470/3/35.03/2025",
                sha256: "00ff",
            }),
            (
                "desk.letter.sign",
                "desk_letter",
                "AB12CD".to_string(),
                r#"{"number":"470/3/35.03/2025","request":7,"sha256":"00ff"}"#.to_string()
            )
        );
        let e = DeskEvent::RequestMoved {
            id: 42,
            command: Command::Verify,
            from: State::Submitted,
            to: State::Verified,
        };
        assert_eq!(e.action(), "desk.request.verify");
        assert_eq!(e.record_type(), "desk_request");
        assert_eq!(e.record_id(), "42");
        assert_eq!(e.summary(), json!({"from": "submitted", "to": "verified"}));
        let mut codes = BTreeMap::new();
        codes.insert(3_i64, vec!["SKTM", "SKU"]);
        let e = DeskEvent::ServicesImported {
            count: 2,
            codes: &codes,
        };
        assert_eq!(
            (e.action(), e.record_type(), e.record_id()),
            ("desk.service.import", "desk_service", "*".to_string())
        );
        assert_eq!(
            e.summary(),
            json!({"count": 2, "codes": {"3": ["SKTM", "SKU"]}})
        );
        assert_eq!(
            entry(&DeskEvent::HolidayDeleted { day: "2025-08-17" }),
            (
                "desk.holiday.delete",
                "desk_holiday",
                "2025-08-17".to_string(),
                "{}".to_string()
            )
        );
    }

    #[test]
    fn a_request_step_is_named_by_its_command() {
        for command in Command::ALL {
            let e = DeskEvent::RequestMoved {
                id: 1,
                command,
                from: State::Submitted,
                to: State::Submitted,
            };
            assert_eq!(e.action(), format!("desk.request.{}", command.code()));
        }
    }
}

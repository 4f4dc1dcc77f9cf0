//! The innovation register's audit events, pure: each variant fixes its action, the kind of
//! record it touches and its summary.

use super::documents::AttachmentKind;
use super::iid::{Level, Review};
use super::{Partner, Pillar, Status};
use anjungan_kernel::audit::Event;
use serde_json::json;

/// A recorded lifecycle step (editing is recorded as an update, not as a step).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Submit,
    Verify,
    Return,
    Reopen,
}

impl Step {
    pub const ALL: [Step; 4] = [Step::Submit, Step::Verify, Step::Return, Step::Reopen];

    /// The audit action of the step.
    pub fn action(self) -> &'static str {
        match self {
            Step::Submit => "innovation.submit",
            Step::Verify => "innovation.verify",
            Step::Return => "innovation.return",
            Step::Reopen => "innovation.reopen",
        }
    }
}

#[derive(Debug, Clone)]
pub enum InnovationEvent<'a> {
    /// An innovation was created (version 1, draft).
    Created { id: i64, name: &'a str, org_id: i64 },
    /// An edited profile was saved as `version`; `fields` names the changed parts.
    Updated {
        id: i64,
        version: i64,
        fields: &'a [String],
    },
    /// A lifecycle step moved the innovation to `status`.
    StepTaken {
        id: i64,
        step: Step,
        status: Status,
        note: &'a str,
    },
    /// A partner was added.
    PartnerAdded { id: i64, partner: &'a Partner },
    /// A partner was removed.
    PartnerRemoved { id: i64, partner_id: i64 },
    /// The innovation was linked to another record (`kind`, `target`).
    Linked { id: i64, kind: &'a str, target: i64 },
    /// A link to another record was removed.
    Unlinked { id: i64, kind: &'a str, target: i64 },
    /// A document or photo (attachment `id`) was attached to the innovation `innovation_id`.
    AttachmentAdded {
        innovation_id: i64,
        id: i64,
        kind: AttachmentKind,
        section: Option<Pillar>,
        title: &'a str,
        sha256: &'a str,
        mime: &'a str,
    },
    /// A document or photo was removed (`section` as it was stored).
    AttachmentRemoved {
        innovation_id: i64,
        id: i64,
        kind: AttachmentKind,
        section: Option<&'a str>,
        title: &'a str,
        sha256: &'a str,
    },
    /// The IID catalogue of `year` was created from that of `from` (or the shipped default).
    CatalogueCreated { year: i64, from: Option<i64> },
    /// An IID indicator's name, weight and levels were edited.
    IndicatorUpdated {
        id: i64,
        name: &'a str,
        weight: u32,
        levels: &'a [Level],
    },
    /// A level was picked for an IID indicator (with its evidence, when given).
    Answered {
        subject: &'a str,
        indicator: i64,
        level: u8,
        evidence: Option<&'a str>,
    },
    /// The coordinator reviewed an IID answer.
    AnswerReviewed {
        subject: &'a str,
        indicator: i64,
        review: Review,
        note: &'a str,
    },
    /// Reviewed IID answers were imported for `subject`.
    AnswersImported { subject: &'a str, answers: usize },
}

impl Event for InnovationEvent<'_> {
    fn action(&self) -> &'static str {
        match self {
            InnovationEvent::Created { .. } => "innovation.create",
            InnovationEvent::Updated { .. } => "innovation.update",
            InnovationEvent::StepTaken { step, .. } => step.action(),
            InnovationEvent::PartnerAdded { .. } => "innovation.partner_add",
            InnovationEvent::PartnerRemoved { .. } => "innovation.partner_remove",
            InnovationEvent::Linked { .. } => "innovation.link",
            InnovationEvent::Unlinked { .. } => "innovation.unlink",
            InnovationEvent::AttachmentAdded { kind, .. } => match kind {
                AttachmentKind::Document => "innovation.document_add",
                AttachmentKind::Photo => "innovation.photo_add",
            },
            InnovationEvent::AttachmentRemoved { kind, .. } => match kind {
                AttachmentKind::Document => "innovation.document_remove",
                AttachmentKind::Photo => "innovation.photo_remove",
            },
            InnovationEvent::CatalogueCreated { .. } => "iid.catalogue",
            InnovationEvent::IndicatorUpdated { .. } => "iid.indicator",
            InnovationEvent::Answered { .. } => "iid.answer",
            InnovationEvent::AnswerReviewed { .. } => "iid.review",
            InnovationEvent::AnswersImported { .. } => "iid.import",
        }
    }

    fn record_type(&self) -> &'static str {
        match self {
            InnovationEvent::Created { .. }
            | InnovationEvent::Updated { .. }
            | InnovationEvent::StepTaken { .. }
            | InnovationEvent::PartnerAdded { .. }
            | InnovationEvent::PartnerRemoved { .. }
            | InnovationEvent::Linked { .. }
            | InnovationEvent::Unlinked { .. }
            | InnovationEvent::AttachmentAdded { .. }
            | InnovationEvent::AttachmentRemoved { .. } => "innovation",
            InnovationEvent::CatalogueCreated { .. } => "iid_catalogue",
            InnovationEvent::IndicatorUpdated { .. } => "iid_indicator",
            InnovationEvent::Answered { .. }
            | InnovationEvent::AnswerReviewed { .. }
            | InnovationEvent::AnswersImported { .. } => "iid_answer",
        }
    }

    fn record_id(&self) -> String {
        match self {
            InnovationEvent::Created { id, .. }
            | InnovationEvent::Updated { id, .. }
            | InnovationEvent::StepTaken { id, .. }
            | InnovationEvent::PartnerAdded { id, .. }
            | InnovationEvent::PartnerRemoved { id, .. }
            | InnovationEvent::Linked { id, .. }
            | InnovationEvent::Unlinked { id, .. }
            | InnovationEvent::IndicatorUpdated { id, .. } => id.to_string(),
            InnovationEvent::AttachmentAdded { innovation_id, .. }
            | InnovationEvent::AttachmentRemoved { innovation_id, .. } => innovation_id.to_string(),
            InnovationEvent::CatalogueCreated { year, .. } => year.to_string(),
            InnovationEvent::Answered {
                subject, indicator, ..
            }
            | InnovationEvent::AnswerReviewed {
                subject, indicator, ..
            } => format!("{subject}/{indicator}"),
            InnovationEvent::AnswersImported { subject, .. } => (*subject).to_string(),
        }
    }

    fn summary(&self) -> serde_json::Value {
        match self {
            InnovationEvent::Created { name, org_id, .. } => {
                json!({"name": name, "org_id": org_id})
            }
            InnovationEvent::Updated {
                version, fields, ..
            } => json!({"version": version, "fields": fields}),
            InnovationEvent::StepTaken { status, note, .. } => {
                json!({"status": status.code(), "note": note.trim()})
            }
            InnovationEvent::PartnerAdded { partner, .. } => {
                json!({"partner": partner.name, "kind": partner.kind.code()})
            }
            InnovationEvent::PartnerRemoved { partner_id, .. } => {
                json!({"partner_id": partner_id})
            }
            InnovationEvent::Linked { kind, target, .. }
            | InnovationEvent::Unlinked { kind, target, .. } => {
                json!({"kind": kind, "target_id": target})
            }
            InnovationEvent::AttachmentAdded {
                id,
                section,
                title,
                sha256,
                mime,
                ..
            } => json!({
                "id": id,
                "section": section.map(Pillar::code),
                "title": title,
                "sha256": sha256,
                "mime": mime,
            }),
            InnovationEvent::AttachmentRemoved {
                id,
                section,
                title,
                sha256,
                ..
            } => json!({
                "id": id,
                "section": section,
                "title": title,
                "sha256": sha256,
            }),
            InnovationEvent::CatalogueCreated { from, .. } => json!({"from": from}),
            InnovationEvent::IndicatorUpdated {
                name,
                weight,
                levels,
                ..
            } => json!({"name": name, "weight": weight, "levels": levels}),
            InnovationEvent::Answered {
                level, evidence, ..
            } => json!({"level": level, "evidence": evidence}),
            InnovationEvent::AnswerReviewed { review, note, .. } => {
                json!({"review": review.code(), "note": note.trim()})
            }
            InnovationEvent::AnswersImported { answers, .. } => json!({"answers": answers}),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(e: &InnovationEvent<'_>) -> (&'static str, &'static str, String, String) {
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
            entry(&InnovationEvent::StepTaken {
                id: 5,
                step: Step::Return,
                status: Status::Returned,
                note: " Lengkapi dasar hukumnya. ",
            }),
            (
                "innovation.return",
                "innovation",
                "5".to_string(),
                r#"{"note":"Lengkapi dasar hukumnya.","status":"returned"}"#.to_string()
            )
        );
        assert_eq!(
            entry(&InnovationEvent::AttachmentAdded {
                innovation_id: 5,
                id: 31,
                kind: AttachmentKind::Photo,
                section: None,
                title: "Peluncuran",
                sha256: "ab12",
                mime: "image/jpeg",
            }),
            (
                "innovation.photo_add",
                "innovation",
                "5".to_string(),
                r#"{"id":31,"mime":"image/jpeg","section":null,"sha256":"ab12","title":"Peluncuran"}"#
                    .to_string()
            )
        );
        assert_eq!(
            entry(&InnovationEvent::AttachmentRemoved {
                innovation_id: 5,
                id: 30,
                kind: AttachmentKind::Document,
                section: Some("design"),
                title: "Rancang bangun",
                sha256: "cd34",
            }),
            (
                "innovation.document_remove",
                "innovation",
                "5".to_string(),
                r#"{"id":30,"section":"design","sha256":"cd34","title":"Rancang bangun"}"#
                    .to_string()
            )
        );
        assert_eq!(
            entry(&InnovationEvent::Answered {
                subject: "innovation:5",
                indicator: 12,
                level: 2,
                evidence: None,
            }),
            (
                "iid.answer",
                "iid_answer",
                "innovation:5/12".to_string(),
                r#"{"evidence":null,"level":2}"#.to_string()
            )
        );
    }

    #[test]
    fn every_step_has_its_own_action() {
        let actions: std::collections::BTreeSet<_> = Step::ALL.iter().map(|s| s.action()).collect();
        assert_eq!(actions.len(), Step::ALL.len());
        assert_eq!(Step::Reopen.action(), "innovation.reopen");
    }
}

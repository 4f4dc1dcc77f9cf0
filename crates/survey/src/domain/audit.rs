//! The satisfaction survey's audit events, pure: each variant fixes its action, the kind of
//! record it touches and its summary.

use super::{Element, Period};
use anjungan_kernel::audit::Event;
use anjungan_kernel::outbox::domain::Channel;
use serde_json::json;

#[derive(Debug, Clone)]
pub enum SurveyEvent<'a> {
    /// The survey was started (or reconfigured) for an organisation with its services.
    UnitEnabled { org_id: i64, services: &'a [String] },
    /// The number of people served in a period was set (the base of the sample size).
    ServedSet {
        org_id: i64,
        period: &'a Period,
        served: i64,
    },
    /// A personal invitation was created, and sent through `sent` when it was.
    Invited {
        org_id: i64,
        reference: Option<&'a str>,
        sent: Option<Channel>,
    },
    /// An organisation added a question of its own.
    QuestionAdded { org_id: i64, question_id: i64 },
    /// A follow-up action was planned for an element.
    ActionAdded {
        id: i64,
        element: Element,
        period: &'a Period,
    },
    /// A follow-up action was done.
    ActionDone { id: i64 },
    /// The daily rollups were rebuilt from the raw responses.
    TalliesRebuilt,
}

impl Event for SurveyEvent<'_> {
    fn action(&self) -> &'static str {
        match self {
            SurveyEvent::UnitEnabled { .. } => "survey.unit",
            SurveyEvent::ServedSet { .. } => "survey.served",
            SurveyEvent::Invited { .. } => "survey.invite",
            SurveyEvent::QuestionAdded { .. } => "survey.question",
            SurveyEvent::ActionAdded { .. } => "survey.action",
            SurveyEvent::ActionDone { .. } => "survey.action_done",
            SurveyEvent::TalliesRebuilt => "survey.rebuild",
        }
    }

    fn record_type(&self) -> &'static str {
        match self {
            SurveyEvent::UnitEnabled { .. }
            | SurveyEvent::ServedSet { .. }
            | SurveyEvent::Invited { .. }
            | SurveyEvent::QuestionAdded { .. } => "organisation",
            SurveyEvent::ActionAdded { .. } | SurveyEvent::ActionDone { .. } => "survey_action",
            SurveyEvent::TalliesRebuilt => "survey_tallies",
        }
    }

    fn record_id(&self) -> String {
        match self {
            SurveyEvent::UnitEnabled { org_id, .. }
            | SurveyEvent::ServedSet { org_id, .. }
            | SurveyEvent::Invited { org_id, .. }
            | SurveyEvent::QuestionAdded { org_id, .. } => org_id.to_string(),
            SurveyEvent::ActionAdded { id, .. } | SurveyEvent::ActionDone { id } => id.to_string(),
            SurveyEvent::TalliesRebuilt => "*".to_string(),
        }
    }

    fn summary(&self) -> serde_json::Value {
        match self {
            SurveyEvent::UnitEnabled { services, .. } => json!({"services": services}),
            SurveyEvent::ServedSet { period, served, .. } => {
                json!({"period": period.key(), "served": served})
            }
            SurveyEvent::Invited {
                reference, sent, ..
            } => json!({"reference": reference, "sent": sent.map(Channel::code)}),
            SurveyEvent::QuestionAdded { question_id, .. } => json!({"question_id": question_id}),
            SurveyEvent::ActionAdded {
                element, period, ..
            } => json!({"element": element.code(), "period": period.key()}),
            SurveyEvent::ActionDone { .. } | SurveyEvent::TalliesRebuilt => json!({}),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(e: &SurveyEvent<'_>) -> (&'static str, &'static str, String, String) {
        (
            e.action(),
            e.record_type(),
            e.record_id(),
            e.summary().to_string(),
        )
    }

    #[test]
    fn events_keep_the_strings_and_summaries_of_before() {
        let q2 = Period::Quarter { year: 2025, q: 2 };
        assert_eq!(
            entry(&SurveyEvent::ActionAdded {
                id: 8,
                element: Element::U3,
                period: &q2,
            }),
            (
                "survey.action",
                "survey_action",
                "8".to_string(),
                r#"{"element":"U3","period":"2025-Q2"}"#.to_string()
            )
        );
        assert_eq!(
            entry(&SurveyEvent::Invited {
                org_id: 14,
                reference: Some("SPM-12"),
                sent: Some(Channel::Whatsapp),
            }),
            (
                "survey.invite",
                "organisation",
                "14".to_string(),
                r#"{"reference":"SPM-12","sent":"whatsapp"}"#.to_string()
            )
        );
        assert_eq!(
            entry(&SurveyEvent::Invited {
                org_id: 14,
                reference: None,
                sent: None,
            })
            .3,
            r#"{"reference":null,"sent":null}"#.to_string()
        );
        assert_eq!(
            entry(&SurveyEvent::TalliesRebuilt),
            (
                "survey.rebuild",
                "survey_tallies",
                "*".to_string(),
                "{}".to_string()
            )
        );
    }
}

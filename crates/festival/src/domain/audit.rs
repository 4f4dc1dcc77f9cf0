//! The festival's audit events, pure: each variant fixes its action, the kind of record it
//! touches and its summary.

use super::award::Category;
use super::scoring::PhaseSpec;
use anjungan_kernel::audit::Event;
use serde_json::json;

#[derive(Debug, Clone)]
pub enum FestivalEvent<'a> {
    /// An edition was created with its phases.
    EditionCreated { id: i64, number: i64, year: i64 },
    /// The edition's blind review and proposal sections were set.
    SettingsSet {
        edition_id: i64,
        blind_review: bool,
        sections: usize,
    },
    /// An innovation was entered in an edition.
    EntryAdded {
        id: i64,
        edition_id: i64,
        innovation_id: i64,
    },
    /// An entry's proposal was replaced.
    ProposalSaved { entry_id: i64, sections: usize },
    /// A session was added to the programme.
    SessionAdded { id: i64, title: &'a str },
    /// Someone signed up for a session.
    SignedUp { session_id: i64 },
    /// Someone cancelled their sign-up for a session.
    SignupCancelled { session_id: i64 },
    /// A stand was placed on the floor plan.
    StandAdded {
        edition_id: i64,
        number: &'a str,
        org_id: i64,
    },
    /// The rubric of a scored phase was set.
    RubricSet {
        edition_id: i64,
        spec: &'a PhaseSpec,
    },
    /// The jurors of a phase were assigned to `entries` entries.
    AssignmentsSet {
        edition_id: i64,
        phase: &'a str,
        entries: usize,
    },
    /// A juror's review was saved.
    ReviewSaved { entry_id: i64, phase: &'a str },
    /// A public vote was recorded.
    Voted { entry_id: i64, vote_id: i64 },
    /// Votes from outside the online flow were imported.
    VotesImported { edition_id: i64, votes: u64 },
    /// A vote was voided by the coordinator.
    VoteVoided { vote_id: i64, reason: &'a str },
    /// The computed awards (winners, favourite) were replaced.
    AwardsComputed {
        edition_id: i64,
        awards: &'a [(Category, i64)],
    },
    /// A special award was given to an entry.
    SpecialAwarded { entry_id: i64, edition_id: i64 },
    /// The edition's phases (and so its vote window) were replaced.
    PhasesSet { edition_id: i64, phases: usize },
    /// A stage (room) was added to the edition.
    StageAdded { edition_id: i64, name: &'a str },
    /// A speaker was added to the edition.
    SpeakerAdded { id: i64, edition_id: i64 },
    /// The coordinator published the results.
    ResultsPublished { edition_id: i64 },
}

impl Event for FestivalEvent<'_> {
    fn action(&self) -> &'static str {
        match self {
            FestivalEvent::EditionCreated { .. } => "festival.edition",
            FestivalEvent::SettingsSet { .. } => "festival.settings",
            FestivalEvent::EntryAdded { .. } => "festival.entry",
            FestivalEvent::ProposalSaved { .. } => "festival.proposal",
            FestivalEvent::SessionAdded { .. } => "festival.session",
            FestivalEvent::SignedUp { .. } => "festival.signup",
            FestivalEvent::SignupCancelled { .. } => "festival.signup_cancel",
            FestivalEvent::StandAdded { .. } => "festival.stand",
            FestivalEvent::RubricSet { .. } => "festival.rubric",
            FestivalEvent::AssignmentsSet { .. } => "festival.assign",
            FestivalEvent::ReviewSaved { .. } => "festival.review",
            FestivalEvent::Voted { .. } => "festival.vote",
            FestivalEvent::VotesImported { .. } => "festival.vote_import",
            FestivalEvent::VoteVoided { .. } => "festival.vote_void",
            FestivalEvent::AwardsComputed { .. } => "festival.awards",
            FestivalEvent::SpecialAwarded { .. } => "festival.award_special",
            FestivalEvent::PhasesSet { .. } => "festival.phases",
            FestivalEvent::StageAdded { .. } => "festival.stage",
            FestivalEvent::SpeakerAdded { .. } => "festival.speaker",
            FestivalEvent::ResultsPublished { .. } => "festival.publish",
        }
    }

    fn record_type(&self) -> &'static str {
        match self {
            FestivalEvent::EditionCreated { .. }
            | FestivalEvent::SettingsSet { .. }
            | FestivalEvent::StandAdded { .. }
            | FestivalEvent::RubricSet { .. }
            | FestivalEvent::AssignmentsSet { .. }
            | FestivalEvent::VotesImported { .. }
            | FestivalEvent::AwardsComputed { .. }
            | FestivalEvent::PhasesSet { .. }
            | FestivalEvent::StageAdded { .. }
            | FestivalEvent::ResultsPublished { .. } => "festival_edition",
            FestivalEvent::SpeakerAdded { .. } => "festival_speaker",
            FestivalEvent::EntryAdded { .. }
            | FestivalEvent::ProposalSaved { .. }
            | FestivalEvent::ReviewSaved { .. }
            | FestivalEvent::Voted { .. }
            | FestivalEvent::SpecialAwarded { .. } => "festival_entry",
            FestivalEvent::SessionAdded { .. }
            | FestivalEvent::SignedUp { .. }
            | FestivalEvent::SignupCancelled { .. } => "festival_session",
            FestivalEvent::VoteVoided { .. } => "festival_vote",
        }
    }

    fn record_id(&self) -> String {
        match self {
            FestivalEvent::EditionCreated { id, .. }
            | FestivalEvent::EntryAdded { id, .. }
            | FestivalEvent::SessionAdded { id, .. } => id.to_string(),
            FestivalEvent::SettingsSet { edition_id, .. }
            | FestivalEvent::StandAdded { edition_id, .. }
            | FestivalEvent::RubricSet { edition_id, .. }
            | FestivalEvent::AssignmentsSet { edition_id, .. }
            | FestivalEvent::VotesImported { edition_id, .. }
            | FestivalEvent::AwardsComputed { edition_id, .. }
            | FestivalEvent::PhasesSet { edition_id, .. }
            | FestivalEvent::StageAdded { edition_id, .. }
            | FestivalEvent::ResultsPublished { edition_id } => edition_id.to_string(),
            FestivalEvent::SpeakerAdded { id, .. } => id.to_string(),
            FestivalEvent::ProposalSaved { entry_id, .. }
            | FestivalEvent::ReviewSaved { entry_id, .. }
            | FestivalEvent::Voted { entry_id, .. }
            | FestivalEvent::SpecialAwarded { entry_id, .. } => entry_id.to_string(),
            FestivalEvent::SignedUp { session_id }
            | FestivalEvent::SignupCancelled { session_id } => session_id.to_string(),
            FestivalEvent::VoteVoided { vote_id, .. } => vote_id.to_string(),
        }
    }

    fn summary(&self) -> serde_json::Value {
        match self {
            FestivalEvent::EditionCreated { number, year, .. } => {
                json!({"number": number, "year": year})
            }
            FestivalEvent::SettingsSet {
                blind_review,
                sections,
                ..
            } => json!({"blind_review": blind_review, "sections": sections}),
            FestivalEvent::EntryAdded {
                edition_id,
                innovation_id,
                ..
            } => json!({"edition_id": edition_id, "innovation_id": innovation_id}),
            FestivalEvent::ProposalSaved { sections, .. } => json!({"sections": sections}),
            FestivalEvent::SessionAdded { title, .. } => json!({"title": title}),
            FestivalEvent::SignedUp { .. } | FestivalEvent::SignupCancelled { .. } => json!({}),
            FestivalEvent::StandAdded { number, org_id, .. } => {
                json!({"stand": number, "org_id": org_id})
            }
            FestivalEvent::RubricSet { spec, .. } => json!({
                "phase": spec.key,
                "weight": spec.weight,
                "advance": spec.advance,
                "criteria": spec.rubric.criteria.len(),
            }),
            FestivalEvent::AssignmentsSet { phase, entries, .. } => {
                json!({"phase": phase, "entries": entries})
            }
            FestivalEvent::ReviewSaved { phase, .. } => json!({"phase": phase}),
            FestivalEvent::Voted { vote_id, .. } => json!({"vote_id": vote_id}),
            FestivalEvent::VotesImported { votes, .. } => json!({"votes": votes}),
            FestivalEvent::VoteVoided { reason, .. } => json!({"reason": reason}),
            FestivalEvent::AwardsComputed { awards, .. } => json!({
                "awards": awards
                    .iter()
                    .map(|(c, e)| format!("{}:{e}", c.code()))
                    .collect::<Vec<_>>(),
            }),
            FestivalEvent::SpecialAwarded { edition_id, .. }
            | FestivalEvent::SpeakerAdded { edition_id, .. } => json!({"edition_id": edition_id}),
            FestivalEvent::PhasesSet { phases, .. } => json!({"phases": phases}),
            FestivalEvent::StageAdded { name, .. } => json!({"name": name}),
            FestivalEvent::ResultsPublished { .. } => json!({}),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(e: &FestivalEvent<'_>) -> (&'static str, &'static str, String, String) {
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
            entry(&FestivalEvent::EditionCreated {
                id: 4,
                number: 3,
                year: 2025
            }),
            (
                "festival.edition",
                "festival_edition",
                "4".to_string(),
                r#"{"number":3,"year":2025}"#.to_string()
            )
        );
        assert_eq!(
            entry(&FestivalEvent::StandAdded {
                edition_id: 2,
                number: "A-07",
                org_id: 15
            }),
            (
                "festival.stand",
                "festival_edition",
                "2".to_string(),
                r#"{"org_id":15,"stand":"A-07"}"#.to_string()
            )
        );
        assert_eq!(
            entry(&FestivalEvent::AwardsComputed {
                edition_id: 2,
                awards: &[(Category::Winner1, 11), (Category::Favourite, 12)],
            }),
            (
                "festival.awards",
                "festival_edition",
                "2".to_string(),
                r#"{"awards":["winner_1:11","favourite:12"]}"#.to_string()
            )
        );
        assert_eq!(
            entry(&FestivalEvent::SignupCancelled { session_id: 9 }),
            (
                "festival.signup_cancel",
                "festival_session",
                "9".to_string(),
                "{}".to_string()
            )
        );
    }
}

//! The festival's error: every refusal of its rules, each with the translated message it shows.
//! Handlers choose the status (a conflict with the edition's state is 409, bad input 400).

use crate::domain::{
    assignment::AssignError, entry::EntryError, phase::PhaseError, proposal::ProposalError,
    rubric::RubricError, scoring::ScoringError, scoring::SubmissionError, signup::SignupError,
    stand::StandError, vote::VoteError,
};

/// The one error type of the room.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FestivalError {
    #[error(transparent)]
    Assign(#[from] AssignError),
    #[error(transparent)]
    Entry(#[from] EntryError),
    #[error(transparent)]
    Phase(#[from] PhaseError),
    #[error(transparent)]
    Proposal(#[from] ProposalError),
    #[error(transparent)]
    Rubric(#[from] RubricError),
    #[error(transparent)]
    Scoring(#[from] ScoringError),
    #[error(transparent)]
    Submission(#[from] SubmissionError),
    #[error(transparent)]
    Signup(#[from] SignupError),
    #[error(transparent)]
    Stand(#[from] StandError),
    #[error(transparent)]
    Vote(#[from] VoteError),
}

//! The festival's error: every refusal of its rules, each with the translated message it shows.
//! A refusal maps to its status here: forbidden, 409 for a conflict with the edition's state,
//! 400 for bad input.

use anjungan_kernel::identity::domain::AccessError;
use anjungan_kernel::web::AppError;
use axum::http::StatusCode;

use crate::domain::{
    assignment::AssignError, entry::EntryError, phase::PhaseError, proposal::ProposalError,
    rubric::RubricError, scoring::ScoringError, scoring::SubmissionError, setup::SetupError,
    signup::SignupError, stand::StandError, vote::VoteError,
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
    Setup(#[from] SetupError),
    #[error(transparent)]
    Signup(#[from] SignupError),
    #[error(transparent)]
    Stand(#[from] StandError),
    #[error(transparent)]
    Vote(#[from] VoteError),
    #[error("choose one of your unit's verified innovations")]
    NoSuchInnovation,
    #[error("only a juror assigned to this entry may review it")]
    NotAssigned,
    #[error("reviews are not open in this phase")]
    ReviewClosed,
    #[error("the phase has no rubric")]
    NoRubric,
}

impl FestivalError {
    /// The translated message's key.
    pub fn message_key(&self) -> &'static str {
        match self {
            FestivalError::Entry(e) => e.message_key(),
            FestivalError::Proposal(e) => e.message_key(),
            FestivalError::Rubric(e) => e.message_key(),
            FestivalError::Setup(e) => e.message_key(),
            FestivalError::Signup(e) => e.message_key(),
            FestivalError::Vote(e) => e.message_key(),
            FestivalError::Submission(SubmissionError::BadScore) => "festival.error.score",
            FestivalError::Submission(SubmissionError::CommentRequired) => "festival.error.comment",
            FestivalError::NoSuchInnovation => "festival.error.choose",
            FestivalError::NotAssigned => "error.forbidden",
            FestivalError::ReviewClosed => "festival.error.review_closed",
            FestivalError::NoRubric => "error.not_found",
            FestivalError::Assign(_)
            | FestivalError::Phase(_)
            | FestivalError::Scoring(_)
            | FestivalError::Stand(_) => "error.bad_request",
        }
    }
}

impl From<FestivalError> for AppError {
    /// A refusal as the person sees it: forbidden, a conflict with the edition's state, or a
    /// bad request, each with its message.
    fn from(e: FestivalError) -> Self {
        match e {
            FestivalError::Entry(EntryError::Forbidden) | FestivalError::NotAssigned => {
                anjungan_kernel::Error::Access(AccessError::Forbidden).into()
            }
            FestivalError::NoRubric => AppError::not_found(),
            FestivalError::Setup(s) if s.is_conflict() => {
                AppError::new(StatusCode::CONFLICT, s.message_key())
            }
            FestivalError::Entry(EntryError::AlreadyEntered | EntryError::LimitReached)
            | FestivalError::ReviewClosed => AppError::new(StatusCode::CONFLICT, e.message_key()),
            _ => AppError::bad_request(e.message_key()),
        }
    }
}

/// What a festival use case returns: a refusal of its rules, or a kernel failure.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Refused(#[from] FestivalError),
    #[error(transparent)]
    Kernel(#[from] anjungan_kernel::Error),
}

impl From<sqlx::Error> for ServiceError {
    fn from(e: sqlx::Error) -> Self {
        ServiceError::Kernel(e.into())
    }
}

impl From<ServiceError> for AppError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Refused(r) => r.into(),
            ServiceError::Kernel(k) => k.into(),
        }
    }
}

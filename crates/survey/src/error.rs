//! The errors of the survey: `SurveyError`, each refusal of its rules with the translated message it
//! shows, and `StoreError`, what a use case or a query returns — a refusal or a kernel failure
//! (the database, access).

#[allow(unused_imports)]
use crate::domain::*;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SurveyError {
    #[error("answer for {0} must be 1–4")]
    BadScore(&'static str),
    #[error("at least one element must be answered")]
    NoAnswers,
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error("service name too long")]
    ServiceTooLong,
    #[error("comment too long (at most 2,000 characters)")]
    CommentTooLong,
    #[error(transparent)]
    Period(#[from] PeriodError),
    #[error("the survey link is invalid or already used")]
    InvitationUsed,
    #[error("this unit does not run the survey")]
    UnitNotFound,
    #[error("action text is required (at most 500 characters)")]
    ActionText,
    #[error("unknown element")]
    UnknownElement,
    #[error("served count must be a whole number from 0 to 10,000,000")]
    BadServed,
    #[error("question text is required (at most 300 characters)")]
    QuestionText,
    #[error("a segment is one group of one dimension")]
    SegmentOneGroup,
    #[error("ages are chosen by band")]
    SegmentAge,
}

impl SurveyError {
    pub fn message_key(&self) -> &'static str {
        match self {
            SurveyError::BadScore(_) => "survey.error.bad_score",
            SurveyError::NoAnswers => "survey.error.no_answers",
            SurveyError::Profile(p) => p.message_key(),
            SurveyError::ServiceTooLong => "error.too_long",
            SurveyError::CommentTooLong => "survey.error.comment_too_long",
            SurveyError::Period(_) => "survey.error.period",
            SurveyError::InvitationUsed => "survey.error.invitation",
            SurveyError::UnitNotFound => "error.not_found",
            SurveyError::ActionText => "survey.error.action_text",
            SurveyError::UnknownElement => "survey.error.element",
            SurveyError::BadServed => "survey.error.served",
            SurveyError::QuestionText => "survey.error.question",
            SurveyError::SegmentOneGroup => "survey.error.segment_one",
            SurveyError::SegmentAge => "survey.error.segment_age",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Survey(#[from] SurveyError),
    #[error(transparent)]
    Kernel(#[from] anjungan_kernel::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Kernel(e.into())
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

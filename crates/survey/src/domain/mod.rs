//! The satisfaction survey's rules, pure (PermenPANRB 14/2017): the nine elements, answers and
//! respondent profiles, the exact IKM formula and grades, the Krejcie–Morgan sample size, periods,
//! small-group suppression, and follow-up actions.

pub mod access;
pub mod audit;
pub mod disclosure;
mod elements;
mod formula;
mod period;
mod profile;
pub mod segment;
pub mod setup;

pub use crate::error::SurveyError;
pub use elements::{Element, Score, StandardComponent};
pub use formula::{
    Fixed, Grade, Ikm, MIN_SAMPLE, Result as IkmResult, Sample, Tally, grade_of, sample_size,
};
pub use period::{Period, PeriodError};
pub use profile::{AGE_BANDS, Education, Occupation, Profile, ProfileError, SMALL_GROUP, Sex};

/// A filled questionnaire as the citizen gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub answers: [Option<Score>; 9],
    pub profile: Profile,
    pub service: String,
    pub comment: String,
}

impl Response {
    /// Validates raw form values: `answers[i]` is the text given for element `Element::ALL[i]`
    /// (empty = not answered).
    pub fn parse(
        answers: [&str; 9],
        profile: Profile,
        service: &str,
        comment: &str,
    ) -> Result<Self, SurveyError> {
        let mut parsed = [None; 9];
        for (i, raw) in answers.iter().enumerate() {
            let raw = raw.trim();
            if raw.is_empty() {
                continue;
            }
            parsed[i] =
                Some(Score::parse(raw).ok_or(SurveyError::BadScore(Element::ALL[i].code()))?);
        }
        if parsed.iter().all(Option::is_none) {
            return Err(SurveyError::NoAnswers);
        }
        let service = service.trim();
        if service.chars().count() > 200 {
            return Err(SurveyError::ServiceTooLong);
        }
        let comment = comment.trim();
        if comment.chars().count() > 2000 {
            return Err(SurveyError::CommentTooLong);
        }
        Ok(Self {
            answers: parsed,
            profile,
            service: service.to_string(),
            comment: comment.to_string(),
        })
    }
}

/// An improvement action recorded for a weak element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionDraft {
    pub element: Element,
    pub text: String,
    pub owner: String,
    pub due: Option<time::Date>,
}

impl ActionDraft {
    pub fn parse(element: &str, text: &str, owner: &str, due: &str) -> Result<Self, SurveyError> {
        let element = Element::parse(element).ok_or(SurveyError::UnknownElement)?;
        let text = text.trim();
        if text.is_empty() || text.chars().count() > 500 {
            return Err(SurveyError::ActionText);
        }
        let owner = owner.trim();
        if owner.chars().count() > 120 {
            return Err(SurveyError::ActionText);
        }
        let due = match due.trim() {
            "" => None,
            d => Some(period::parse_date(d)?),
        };
        Ok(Self {
            element,
            text: text.to_string(),
            owner: owner.to_string(),
            due,
        })
    }
}

/// How an element moved between two periods, for the follow-up report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    Improved,
    Same,
    Worse,
    Unknown,
}

/// Compares element averages (in thousandths) between the previous and the current period.
pub fn trend(previous: Option<i64>, current: Option<i64>) -> Trend {
    match (previous, current) {
        (Some(p), Some(c)) if c > p => Trend::Improved,
        (Some(p), Some(c)) if c < p => Trend::Worse,
        (Some(_), Some(_)) => Trend::Same,
        _ => Trend::Unknown,
    }
}

/// The weakest answered elements (lowest NRR first), at most `n`, for the improvement hints.
pub fn weakest(result: &IkmResult, n: usize) -> Vec<Element> {
    let mut els: Vec<(Element, i64)> = Element::ALL
        .iter()
        .filter_map(|e| result.nrr_milli(*e).map(|m| (*e, m)))
        .collect();
    els.sort_by_key(|(e, m)| (*m, e.index()));
    els.into_iter().take(n).map(|(e, _)| e).collect()
}

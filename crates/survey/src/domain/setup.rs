//! What a unit sets up for its survey: its list of services, the people it served in a period,
//! and its own extra questions. Each is checked here before anything is saved.

use crate::error::SurveyError;

/// Most services a unit lists; the rest of a longer list is dropped.
pub const MAX_SERVICES: usize = 50;
/// Longest service name, in characters.
pub const MAX_SERVICE_CHARS: usize = 200;
/// Longest extra question, in characters.
pub const MAX_QUESTION_CHARS: usize = 300;
/// Most people a unit can report as served in one period.
pub const MAX_SERVED: i64 = 10_000_000;

/// A unit's services as given, trimmed, empty lines dropped, at most [`MAX_SERVICES`].
pub fn services(given: &[String]) -> Result<Vec<String>, SurveyError> {
    let services: Vec<String> = given
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .take(MAX_SERVICES)
        .collect();
    if services
        .iter()
        .any(|s| s.chars().count() > MAX_SERVICE_CHARS)
    {
        return Err(SurveyError::ServiceTooLong);
    }
    Ok(services)
}

/// The number of people served in a period: 0 to [`MAX_SERVED`].
pub fn served(n: i64) -> Result<i64, SurveyError> {
    if (0..=MAX_SERVED).contains(&n) {
        Ok(n)
    } else {
        Err(SurveyError::BadServed)
    }
}

/// An extra question's text, trimmed: not empty, at most [`MAX_QUESTION_CHARS`].
pub fn question(text: &str) -> Result<&str, SurveyError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_QUESTION_CHARS {
        return Err(SurveyError::QuestionText);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_are_trimmed_and_bounded() {
        let given = vec![" KTP ".to_string(), String::new(), "KK".into()];
        assert_eq!(services(&given).unwrap(), vec!["KTP", "KK"]);
        let many: Vec<String> = (0..60).map(|i| format!("Layanan {i}")).collect();
        assert_eq!(services(&many).unwrap().len(), MAX_SERVICES);
        assert_eq!(
            services(&["x".repeat(MAX_SERVICE_CHARS + 1)]),
            Err(SurveyError::ServiceTooLong)
        );
    }

    #[test]
    fn served_and_questions_are_bounded() {
        assert_eq!(served(0), Ok(0));
        assert_eq!(served(MAX_SERVED), Ok(MAX_SERVED));
        assert_eq!(served(-1), Err(SurveyError::BadServed));
        assert_eq!(served(MAX_SERVED + 1), Err(SurveyError::BadServed));
        assert_eq!(
            question("  Apakah ruang tunggu nyaman? "),
            Ok("Apakah ruang tunggu nyaman?")
        );
        assert_eq!(question("   "), Err(SurveyError::QuestionText));
        assert_eq!(
            question(&"a".repeat(MAX_QUESTION_CHARS + 1)),
            Err(SurveyError::QuestionText)
        );
    }
}

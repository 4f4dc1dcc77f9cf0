//! The rules of the desk's supporting records — a holiday, a complaint and its answer, an
//! Open311 client's name — checked before anything is saved.

use super::DeskError;
use super::calendar::{HolidayKind, holiday_date};

/// The longest name of a holiday or an API client.
pub const NAME_MAX: usize = 120;
/// The longest complaint or answer.
pub const TEXT_MAX: usize = 4000;

/// A name, trimmed: present and at most [`NAME_MAX`] characters.
pub fn name(given: &str) -> Result<&str, DeskError> {
    let name = given.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX {
        return Err(DeskError::BadName);
    }
    Ok(name)
}

/// A complaint or an answer, trimmed: present and at most [`TEXT_MAX`] characters.
pub fn text(given: &str) -> Result<&str, DeskError> {
    let text = given.trim();
    if text.is_empty() || text.chars().count() > TEXT_MAX {
        return Err(DeskError::BadText);
    }
    Ok(text)
}

/// An ISO day (`2026-12-25`), as typed.
pub fn day(given: &str) -> Result<time::Date, DeskError> {
    time::Date::parse(
        given.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| DeskError::BadDate)
}

/// A holiday as an administrator enters it: a day the calendar can hold, a kind and a name.
pub fn holiday<'a>(
    day_given: &str,
    name_given: &'a str,
    kind: &str,
) -> Result<(time::Date, &'a str, HolidayKind), DeskError> {
    let date = holiday_date(day(day_given)?).ok_or(DeskError::BadDate)?;
    let kind = HolidayKind::parse(kind).ok_or(DeskError::BadText)?;
    Ok((date, name(name_given)?, kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_texts_are_trimmed_and_bounded() {
        assert_eq!(name("  Klien FixMyStreet "), Ok("Klien FixMyStreet"));
        assert_eq!(name("   "), Err(DeskError::BadName));
        assert_eq!(name(&"x".repeat(NAME_MAX)).map(str::len), Ok(NAME_MAX));
        assert_eq!(name(&"é".repeat(NAME_MAX + 1)), Err(DeskError::BadName));
        assert_eq!(text(" Antrian lama "), Ok("Antrian lama"));
        assert_eq!(text(""), Err(DeskError::BadText));
        assert_eq!(text(&"x".repeat(TEXT_MAX + 1)), Err(DeskError::BadText));
    }

    #[test]
    fn a_holiday_needs_a_real_day_a_kind_and_a_name() {
        let (d, n, k) = holiday("2026-12-25", " Natal ", "national").unwrap();
        assert_eq!(
            (d.to_string().as_str(), n, k),
            ("2026-12-25", "Natal", HolidayKind::National)
        );
        assert_eq!(
            holiday("2026-02-30", "X", "national"),
            Err(DeskError::BadDate)
        );
        assert_eq!(
            holiday("25/12/2026", "X", "national"),
            Err(DeskError::BadDate)
        );
        assert_eq!(
            holiday("2026-12-25", "X", "festival"),
            Err(DeskError::BadText)
        );
        assert_eq!(
            holiday("2026-12-25", "", "national"),
            Err(DeskError::BadName)
        );
    }
}

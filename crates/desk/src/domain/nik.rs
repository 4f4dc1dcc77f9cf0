//! The national ID number (NIK) and the family card number (KK): 16 digits, province (2) +
//! regency (2) + district (2) + birth date DDMMYY (women: DD + 40) + serial (4).

use std::fmt;

/// Trenggalek's province and regency digits.
pub const REGENCY_PREFIX: &str = "3503";

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NikError {
    #[error("a NIK has exactly 16 digits")]
    Length,
    #[error("this NIK was not issued in the regency")]
    Region,
    #[error("the NIK's birth-date part is not a date")]
    BirthDate,
    #[error("the NIK's serial part cannot be 0000")]
    Serial,
}

impl NikError {
    pub fn message_key(self) -> &'static str {
        match self {
            NikError::Length => "desk.error.nik_length",
            NikError::Region => "desk.error.nik_region",
            NikError::BirthDate => "desk.error.nik_date",
            NikError::Serial => "desk.error.nik_serial",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "L",
            Sex::Female => "P",
        }
    }

    /// `L`/`P` as in Dukcapil records, or the English words.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_uppercase().as_str() {
            "L" | "LAKI-LAKI" | "M" | "MALE" => Some(Sex::Male),
            "P" | "PEREMPUAN" | "F" | "FEMALE" => Some(Sex::Female),
            _ => None,
        }
    }
}

/// A NIK that passed every structural check and was issued in the regency.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Nik(String);

impl Nik {
    pub fn parse(raw: &str) -> Result<Self, NikError> {
        let digits: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '.')
            .collect();
        if digits.len() != 16 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NikError::Length);
        }
        if !digits.starts_with(REGENCY_PREFIX) || &digits[4..6] == "00" {
            return Err(NikError::Region);
        }
        let n = |r: std::ops::Range<usize>| digits[r].parse::<u8>().unwrap_or(0);
        let (day, month) = (n(6..8), n(8..10));
        let day = if day > 40 { day - 40 } else { day };
        // The year has two digits; 2000 is a leap year, so 29 February always stands.
        let leap_year = 2000;
        let month = time::Month::try_from(month).map_err(|_| NikError::BirthDate)?;
        if day == 0 || time::Date::from_calendar_date(leap_year, month, day).is_err() {
            return Err(NikError::BirthDate);
        }
        if &digits[12..16] == "0000" {
            return Err(NikError::Serial);
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The district digits (`01`–`14` in Trenggalek).
    pub fn district(&self) -> &str {
        &self.0[4..6]
    }

    pub fn sex(&self) -> Sex {
        if self.0[6..8].parse::<u8>().unwrap_or(0) > 40 {
            Sex::Female
        } else {
            Sex::Male
        }
    }

    /// Day, month and two-digit year of birth.
    pub fn birth(&self) -> (u8, u8, u8) {
        let n = |r: std::ops::Range<usize>| self.0[r].parse::<u8>().unwrap_or(0);
        let day = n(6..8);
        (if day > 40 { day - 40 } else { day }, n(8..10), n(10..12))
    }

    /// True when a register's birth date and sex agree with what the NIK encodes.
    pub fn agrees_with(&self, birth: time::Date, sex: Sex) -> bool {
        let (d, m, y) = self.birth();
        birth.day() == d
            && u8::from(birth.month()) == m
            && (birth.year().rem_euclid(100)) as u8 == y
            && self.sex() == sex
    }

    /// `3503**********01`: the regency prefix and the last two digits, as the standard shows it.
    pub fn masked(&self) -> String {
        mask16(&self.0)
    }
}

/// Masks any 16-digit identifier the way a NIK is shown.
pub fn mask16(digits: &str) -> String {
    anjungan_kernel::crypto::mask(digits, 4, 2)
}

impl fmt::Debug for Nik {
    // Never the digits in logs or panics.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nik({})", self.masked())
    }
}

/// A family card number: 16 digits with the same region prefix; no date part.
#[derive(Clone, PartialEq, Eq)]
pub struct Kk(String);

impl Kk {
    pub fn parse(raw: &str) -> Result<Self, NikError> {
        let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != 16 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NikError::Length);
        }
        if !digits.starts_with(REGENCY_PREFIX) {
            return Err(NikError::Region);
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Kk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Kk({})", mask16(&self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_man_and_a_woman() {
        let m = Nik::parse("3503051203850001").unwrap();
        assert_eq!(m.sex(), Sex::Male);
        assert_eq!(m.birth(), (12, 3, 85));
        assert_eq!(m.district(), "05");
        let w = Nik::parse("3503 0552 0390 0002").unwrap();
        assert_eq!(w.sex(), Sex::Female);
        assert_eq!(w.birth(), (12, 3, 90));
        assert!(w.agrees_with(time::macros::date!(1990 - 03 - 12), Sex::Female));
        assert!(!w.agrees_with(time::macros::date!(1990 - 03 - 12), Sex::Male));
        assert!(!w.agrees_with(time::macros::date!(1991 - 03 - 12), Sex::Female));
    }

    #[test]
    fn refuses_what_is_not_a_nik() {
        assert_eq!(Nik::parse("350305120385000"), Err(NikError::Length));
        assert_eq!(Nik::parse("35030512038500011"), Err(NikError::Length));
        assert_eq!(Nik::parse("35030512038500a1"), Err(NikError::Length));
        assert_eq!(Nik::parse(""), Err(NikError::Length));
        // Another regency (Tulungagung 3504), and a zero district.
        assert_eq!(Nik::parse("3504051203850001"), Err(NikError::Region));
        assert_eq!(Nik::parse("3503001203850001"), Err(NikError::Region));
        // Day 32, day 0, day 40 (neither a man's nor a woman's), month 13, 30 February.
        assert_eq!(Nik::parse("3503053203850001"), Err(NikError::BirthDate));
        assert_eq!(Nik::parse("3503050003850001"), Err(NikError::BirthDate));
        assert_eq!(Nik::parse("3503054003850001"), Err(NikError::BirthDate));
        assert_eq!(Nik::parse("3503051213850001"), Err(NikError::BirthDate));
        assert_eq!(Nik::parse("3503053002850001"), Err(NikError::BirthDate));
        assert_eq!(Nik::parse("3503057202850001"), Err(NikError::BirthDate));
        assert_eq!(Nik::parse("3503051203850000"), Err(NikError::Serial));
        // 29 February for both sexes.
        assert!(Nik::parse("3503052902000001").is_ok());
        assert!(Nik::parse("3503056902000001").is_ok());
    }

    #[test]
    fn masked_as_the_standard_shows_it() {
        let n = Nik::parse("3503051203850001").unwrap();
        assert_eq!(n.masked(), "3503**********01");
        assert_eq!(format!("{n:?}"), "Nik(3503**********01)");
    }

    #[test]
    fn family_card() {
        assert!(Kk::parse("3503050101090007").is_ok());
        assert_eq!(Kk::parse("3503"), Err(NikError::Length));
        assert_eq!(Kk::parse("3501050101090007"), Err(NikError::Region));
    }

    proptest! {
        #[test]
        fn every_valid_birth_date_round_trips(day in 1u8..=28, month in 1u8..=12, yy in 0u8..=99,
                                              female: bool, district in 1u8..=14, serial in 1u16..=9999) {
            let dd = if female { day + 40 } else { day };
            let raw = format!("3503{district:02}{dd:02}{month:02}{yy:02}{serial:04}");
            let n = Nik::parse(&raw).unwrap();
            prop_assert_eq!(n.birth(), (day, month, yy));
            prop_assert_eq!(n.sex() == Sex::Female, female);
            prop_assert_eq!(n.as_str(), raw.as_str());
        }
    }
}

//! The respondent profile of the questionnaire, and suppression of small groups.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
}

macro_rules! coded_enum {
    ($name:ident { $($variant:ident = $code:literal),* $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($variant),* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            pub fn code(self) -> &'static str { match self { $($name::$variant => $code),* } }
            pub fn parse(s: &str) -> Option<Self> { Self::ALL.iter().copied().find(|v| v.code() == s) }
        }
    };
}

coded_enum!(Education { Sd = "sd", Smp = "smp", Sma = "sma", Diploma = "diploma", S1 = "s1", S2 = "s2", S3 = "s3" });
coded_enum!(Occupation { Pns = "pns", TniPolri = "tni_polri", Swasta = "swasta", Wirausaha = "wirausaha", Pelajar = "pelajar", Lainnya = "lainnya" });

impl Sex {
    pub const ALL: &'static [Sex] = &[Sex::Male, Sex::Female];
    /// `L` (laki-laki) / `P` (perempuan), as the national form writes them.
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "L",
            Sex::Female => "P",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.code() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Profile {
    pub sex: Option<Sex>,
    pub age: Option<u8>,
    pub education: Option<Education>,
    pub occupation: Option<Occupation>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    #[error("unknown sex")]
    Sex,
    #[error("age must be 15–100")]
    Age,
    #[error("unknown education")]
    Education,
    #[error("unknown occupation")]
    Occupation,
}

impl ProfileError {
    pub fn message_key(&self) -> &'static str {
        match self {
            ProfileError::Sex => "survey.error.sex",
            ProfileError::Age => "survey.error.age",
            ProfileError::Education => "survey.error.education",
            ProfileError::Occupation => "survey.error.occupation",
        }
    }
}

/// Age bands used in reports.
pub const AGE_BANDS: &[(u8, u8, &str)] = &[
    (15, 24, "15–24"),
    (25, 34, "25–34"),
    (35, 44, "35–44"),
    (45, 54, "45–54"),
    (55, 64, "55–64"),
    (65, 100, "65+"),
];

impl Profile {
    /// Every field optional (empty = not given); given values must be valid.
    pub fn parse(
        sex: &str,
        age: &str,
        education: &str,
        occupation: &str,
    ) -> Result<Self, ProfileError> {
        let opt = |s: &str| Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_string);
        Ok(Profile {
            sex: opt(sex)
                .map(|s| Sex::parse(&s).ok_or(ProfileError::Sex))
                .transpose()?,
            age: opt(age)
                .map(|s| {
                    s.parse::<u8>()
                        .ok()
                        .filter(|a| (15..=100).contains(a))
                        .ok_or(ProfileError::Age)
                })
                .transpose()?,
            education: opt(education)
                .map(|s| Education::parse(&s).ok_or(ProfileError::Education))
                .transpose()?,
            occupation: opt(occupation)
                .map(|s| Occupation::parse(&s).ok_or(ProfileError::Occupation))
                .transpose()?,
        })
    }

    pub fn age_band(age: u8) -> &'static str {
        super::disclosure::band_of(age as i64).unwrap_or("?")
    }
}

/// Groups smaller than this are not shown to unit staff (responses stay anonymous).
pub const SMALL_GROUP: i64 = 5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_fields_are_optional_but_checked() {
        assert_eq!(Profile::parse("", "", "", "").unwrap(), Profile::default());
        let p = Profile::parse("P", "34", "s1", "wirausaha").unwrap();
        assert_eq!(
            (p.sex, p.age, p.education, p.occupation),
            (
                Some(Sex::Female),
                Some(34),
                Some(Education::S1),
                Some(Occupation::Wirausaha)
            )
        );
        assert_eq!(Profile::parse("X", "", "", ""), Err(ProfileError::Sex));
        assert_eq!(Profile::parse("", "14", "", ""), Err(ProfileError::Age));
        assert_eq!(Profile::parse("", "abc", "", ""), Err(ProfileError::Age));
        assert_eq!(
            Profile::parse("", "", "phd", ""),
            Err(ProfileError::Education)
        );
        assert_eq!(
            Profile::parse("", "", "", "bupati"),
            Err(ProfileError::Occupation)
        );
        assert_eq!(Profile::age_band(34), "25–34");
        assert_eq!(Profile::age_band(80), "65+");
    }
}

//! A respondent segment as a reader asks for it (`?sex=P`, `?age=25-34`): exactly one group of
//! one dimension, so that every figure that can be asked for is one the disclosure rules judged.

use super::disclosure::{Dimension, Group, age_band, band_of};
use crate::error::SurveyError;

/// A respondent segment for the index, read from the raw rows.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct Segment {
    /// L or P
    pub sex: Option<String>,
    /// sd, smp, sma, diploma, s1, s2, s3
    pub education: Option<String>,
    /// pns, tni_polri, swasta, wirausaha, pelajar, lainnya
    pub occupation: Option<String>,
    /// An age band: `15-24`, `25-34`, `35-44`, `45-54`, `55-64` or `65+`.
    pub age: Option<String>,
    /// With `age_max`, another way to name an age band (`age_min=25&age_max=34`).
    pub age_min: Option<i64>,
    pub age_max: Option<i64>,
}

impl Segment {
    pub fn is_empty(&self) -> bool {
        self.sex.is_none()
            && self.education.is_none()
            && self.occupation.is_none()
            && self.age.is_none()
            && self.age_min.is_none()
            && self.age_max.is_none()
    }
    pub fn normalised(mut self) -> Self {
        for f in [
            &mut self.sex,
            &mut self.education,
            &mut self.occupation,
            &mut self.age,
        ] {
            if f.as_deref().is_some_and(|s| s.trim().is_empty()) {
                *f = None;
            }
        }
        self
    }
}

impl Segment {
    /// The one group this segment names (`None`: everyone). Segments are single groups, so that
    /// every figure that can be asked for is one that the disclosure rules have judged.
    pub fn group(&self) -> std::result::Result<Option<Group>, SurveyError> {
        let s = self.clone().normalised();
        let mut named = Vec::new();
        if let Some(v) = &s.sex {
            let sex = super::Sex::parse(v).ok_or(SurveyError::Profile(super::ProfileError::Sex))?;
            named.push(Group::new(Dimension::Sex, sex.code()));
        }
        if let Some(v) = &s.education {
            let e = super::Education::parse(v)
                .ok_or(SurveyError::Profile(super::ProfileError::Education))?;
            named.push(Group::new(Dimension::Education, e.code()));
        }
        if let Some(v) = &s.occupation {
            let o = super::Occupation::parse(v)
                .ok_or(SurveyError::Profile(super::ProfileError::Occupation))?;
            named.push(Group::new(Dimension::Occupation, o.code()));
        }
        let band = match (&s.age, s.age_min, s.age_max) {
            (None, None, None) => None,
            (Some(label), None, None) => Some(age_band(label).ok_or(SurveyError::SegmentAge)?),
            (None, Some(lo), Some(hi)) => Some((lo, hi)),
            _ => return Err(SurveyError::SegmentAge),
        };
        if let Some((lo, hi)) = band {
            let label = band_of(lo)
                .filter(|l| age_band(l) == Some((lo, hi)))
                .ok_or(SurveyError::SegmentAge)?;
            named.push(Group::new(Dimension::Age, label));
        }
        match named.len() {
            0 => Ok(None),
            1 => Ok(named.pop()),
            _ => Err(SurveyError::SegmentOneGroup),
        }
    }

    /// The segment of exactly one group.
    pub fn of_group(g: &Group) -> Self {
        let mut s = Segment::default();
        match g.dimension {
            Dimension::Sex => s.sex = Some(g.value.clone()),
            Dimension::Education => s.education = Some(g.value.clone()),
            Dimension::Occupation => s.occupation = Some(g.value.clone()),
            Dimension::Age => (s.age_min, s.age_max) = g.age_range().unzip(),
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(sex: &str, age: &str, range: Option<(i64, i64)>) -> Segment {
        let some = |v: &str| (!v.is_empty()).then(|| v.to_string());
        Segment {
            sex: some(sex),
            age: some(age),
            age_min: range.map(|r| r.0),
            age_max: range.map(|r| r.1),
            ..Default::default()
        }
    }

    #[test]
    fn a_segment_is_one_group_or_everyone() {
        assert_eq!(seg("", "", None).group(), Ok(None));
        assert_eq!(
            seg("  ", "", None).group(),
            Ok(None),
            "blank means not given"
        );
        let women = seg("P", "", None).group().unwrap().unwrap();
        assert_eq!(women.dimension, Dimension::Sex);
        let band = seg("", "25-34", None).group().unwrap().unwrap();
        assert_eq!(band.dimension, Dimension::Age);
        // The same band named by its bounds is the same group, and back again.
        assert_eq!(seg("", "", Some((25, 34))).group(), Ok(Some(band.clone())));
        assert_eq!(Segment::of_group(&band).group(), Ok(Some(band)));
        assert_eq!(Segment::of_group(&women).group(), Ok(Some(women)));
    }

    #[test]
    fn combinations_and_arbitrary_ages_are_refused() {
        assert_eq!(
            seg("P", "25-34", None).group(),
            Err(SurveyError::SegmentOneGroup)
        );
        assert_eq!(
            seg("", "", Some((30, 31))).group(),
            Err(SurveyError::SegmentAge)
        );
        assert_eq!(seg("", "30", None).group(), Err(SurveyError::SegmentAge));
        assert_eq!(
            seg("", "25-34", Some((25, 34))).group(),
            Err(SurveyError::SegmentAge)
        );
        assert!(matches!(
            seg("X", "", None).group(),
            Err(SurveyError::Profile(_))
        ));
    }
}

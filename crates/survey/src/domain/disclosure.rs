//! Which respondent groups may be published, with complementary suppression.
//!
//! A group is one value of one profile dimension (sex, age band, education, occupation). Each
//! group is a set of forms, and so is the unit's total. Publishing two figures whose sets differ
//! by a few forms publishes those few forms by subtraction: the total of 11 minus the group
//! "age 15–100" of 10 is the one respondent who gave no age. So a group is published only when:
//! - it holds at least [`SMALL_GROUP`] forms;
//! - no other published figure (the total or another group) contains it and is larger by fewer
//!   than [`SMALL_GROUP`] forms;
//! - within its dimension, the forms of the groups left unpublished (with "not given") number
//!   zero or at least [`SMALL_GROUP`], so the total minus the published groups reveals nothing.
//!
//! Suppression only grows, so applying the rules until nothing changes terminates.

use super::profile::{AGE_BANDS, SMALL_GROUP};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    Sex,
    Age,
    Education,
    Occupation,
}

impl Dimension {
    pub const ALL: [Dimension; 4] = [
        Dimension::Sex,
        Dimension::Age,
        Dimension::Education,
        Dimension::Occupation,
    ];
    /// The form field and locale key: `sex`, `age`, `education`, `occupation`.
    pub fn code(self) -> &'static str {
        match self {
            Dimension::Sex => "sex",
            Dimension::Age => "age",
            Dimension::Education => "education",
            Dimension::Occupation => "occupation",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.code() == s)
    }
}

/// One group: a value of one dimension (`Sex`/`P`, `Age`/`25–34`, `Education`/`s1`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Group {
    pub dimension: Dimension,
    pub value: String,
}

impl Group {
    pub fn new(dimension: Dimension, value: &str) -> Self {
        Self {
            dimension,
            value: value.to_string(),
        }
    }
    /// `sex:P`, as the dashboard's segment select sends it.
    pub fn key(&self) -> String {
        format!("{}:{}", self.dimension.code(), self.value)
    }
    pub fn parse_key(key: &str) -> Option<Self> {
        let (d, v) = key.split_once(':')?;
        let dimension = Dimension::parse(d)?;
        (!v.is_empty()).then(|| Self::new(dimension, v))
    }
    /// The inclusive age range of an age group.
    pub fn age_range(&self) -> Option<(i64, i64)> {
        (self.dimension == Dimension::Age)
            .then(|| age_band(&self.value))
            .flatten()
    }
}

/// The age band labelled `label` (`25–34`, also written `25-34`).
pub fn age_band(label: &str) -> Option<(i64, i64)> {
    let label = label.replace('-', "–");
    AGE_BANDS
        .iter()
        .find(|(_, _, l)| *l == label)
        .map(|(lo, hi, _)| (*lo as i64, *hi as i64))
}

/// The age band an age falls in.
pub fn band_of(age: i64) -> Option<&'static str> {
    AGE_BANDS
        .iter()
        .find(|(lo, hi, _)| (*lo as i64..=*hi as i64).contains(&age))
        .map(|b| b.2)
}

/// The group of respondents who left a field empty.
pub const NOT_GIVEN: &str = "-";

/// What one form says about its respondent (no answers, no text).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormProfile {
    pub sex: Option<String>,
    pub age: Option<i64>,
    pub education: Option<String>,
    pub occupation: Option<String>,
}

impl FormProfile {
    /// The form's group in a dimension; [`NOT_GIVEN`] is a group too, since its size is shown.
    fn value(&self, d: Dimension) -> Option<String> {
        let v = match d {
            Dimension::Sex => self.sex.clone(),
            Dimension::Age => self.age.and_then(band_of).map(str::to_string),
            Dimension::Education => self.education.clone(),
            Dimension::Occupation => self.occupation.clone(),
        };
        Some(v.unwrap_or_else(|| NOT_GIVEN.to_string()))
    }
}

/// One group with its size and whether it may be published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCount {
    pub group: Group,
    pub count: i64,
    pub published: bool,
}

/// The groups of a unit's forms, each judged publishable or not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Publication {
    pub total: i64,
    pub groups: Vec<GroupCount>,
}

impl Publication {
    pub fn of(forms: &[FormProfile]) -> Self {
        let total = forms.len() as i64;
        let mut groups: Vec<(Group, Vec<bool>)> = Vec::new();
        for d in Dimension::ALL {
            let mut values: Vec<String> = forms.iter().filter_map(|f| f.value(d)).collect();
            values.sort();
            values.dedup();
            for v in values {
                let members = forms
                    .iter()
                    .map(|f| f.value(d).as_deref() == Some(v.as_str()))
                    .collect();
                groups.push((Group::new(d, &v), members));
            }
        }
        let size = |m: &[bool]| m.iter().filter(|b| **b).count() as i64;
        let small = |n: i64| n > 0 && n < SMALL_GROUP;
        let mut published: Vec<bool> = groups.iter().map(|(_, m)| size(m) >= SMALL_GROUP).collect();
        loop {
            let before = published.clone();
            for i in 0..groups.len() {
                if !published[i] {
                    continue;
                }
                let mi = &groups[i].1;
                // Against the total.
                if small(total - size(mi)) {
                    published[i] = false;
                    continue;
                }
                // Against every larger published group that contains it.
                for j in 0..groups.len() {
                    if i == j || !published[j] {
                        continue;
                    }
                    let mj = &groups[j].1;
                    let contained = mi.iter().zip(mj).all(|(a, b)| !*a || *b);
                    if contained && small(size(mj) - size(mi)) {
                        published[i] = false;
                        break;
                    }
                }
            }
            // Within a dimension, what the published groups leave over must not be small.
            for d in Dimension::ALL {
                let idx: Vec<usize> = (0..groups.len())
                    .filter(|i| groups[*i].0.dimension == d && published[*i])
                    .collect();
                let shown: i64 = idx.iter().map(|i| size(&groups[*i].1)).sum();
                if small(total - shown)
                    && let Some(smallest) = idx.iter().copied().min_by_key(|i| size(&groups[*i].1))
                {
                    published[smallest] = false;
                }
            }
            if published == before {
                break;
            }
        }
        Self {
            total,
            groups: groups
                .into_iter()
                .zip(published)
                .map(|((group, m), published)| GroupCount {
                    count: size(&m),
                    group,
                    published,
                })
                .collect(),
        }
    }

    /// Whether a group may be shown (an absent group has no forms: nothing to show).
    pub fn is_published(&self, g: &Group) -> bool {
        self.groups.iter().any(|c| c.published && &c.group == g)
    }

    /// The count to show: `None` when withheld.
    pub fn shown_count(&self, g: &Group) -> Option<i64> {
        self.groups
            .iter()
            .find(|c| &c.group == g)
            .map_or(Some(0), |c| c.published.then_some(c.count))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn form(sex: Option<&str>, age: Option<i64>, edu: Option<&str>) -> FormProfile {
        FormProfile {
            sex: sex.map(str::to_string),
            age,
            education: edu.map(str::to_string),
            occupation: None,
        }
    }

    /// Every published figure as its set of forms: the total and each published group.
    fn published_sets(p: &Publication, forms: &[FormProfile]) -> Vec<(String, Vec<bool>)> {
        let mut out = vec![("total".to_string(), vec![true; forms.len()])];
        for c in p.groups.iter().filter(|c| c.published) {
            let m = forms
                .iter()
                .map(|f| f.value(c.group.dimension).as_deref() == Some(c.group.value.as_str()))
                .collect();
            out.push((c.group.key(), m));
        }
        out
    }

    /// The check: no two published figures differ by a group of one to four forms, and
    /// no dimension's published groups leave one to four forms over.
    fn no_small_difference(p: &Publication, forms: &[FormProfile]) -> Result<(), String> {
        let sets = published_sets(p, forms);
        for (a, ma) in &sets {
            for (b, mb) in &sets {
                let b_in_a = mb.iter().zip(ma).all(|(x, y)| !*x || *y);
                let diff = ma.iter().filter(|x| **x).count() as i64
                    - mb.iter().filter(|x| **x).count() as i64;
                if a != b && b_in_a && diff > 0 && diff < SMALL_GROUP {
                    return Err(format!("{a} − {b} = {diff} forms"));
                }
            }
        }
        for d in Dimension::ALL {
            let shown: i64 = p
                .groups
                .iter()
                .filter(|c| c.published && c.group.dimension == d)
                .map(|c| c.count)
                .sum();
            // With nothing shown, what is left is the total itself, a figure already public.
            let left = p.total - shown;
            if shown > 0 && left > 0 && left < SMALL_GROUP {
                return Err(format!("{d:?} leaves {left}"));
            }
        }
        Ok(())
    }

    #[test]
    fn the_one_respondent_without_an_age_is_not_revealed() {
        // 11 forms, 10 with an age in one band: total − band = the one without an age.
        let mut forms: Vec<FormProfile> =
            (0..10).map(|_| form(Some("L"), Some(30), None)).collect();
        forms.push(form(Some("L"), None, None));
        let p = Publication::of(&forms);
        assert!(!p.is_published(&Group::new(Dimension::Age, "25–34")));
        assert_eq!(p.shown_count(&Group::new(Dimension::Age, "25–34")), None);
        // All eleven are men: that group is the total itself, which differs by nothing.
        assert!(p.is_published(&Group::new(Dimension::Sex, "L")));
        no_small_difference(&p, &forms).unwrap();
    }

    #[test]
    fn a_small_group_takes_a_complement_with_it() {
        // 10 women, 3 men: "women" alone would reveal the men as total − women.
        let mut forms: Vec<FormProfile> = (0..10).map(|_| form(Some("P"), None, None)).collect();
        forms.extend((0..3).map(|_| form(Some("L"), None, None)));
        let p = Publication::of(&forms);
        assert!(!p.is_published(&Group::new(Dimension::Sex, "L")));
        assert!(!p.is_published(&Group::new(Dimension::Sex, "P")));
        // With 6 men, both show.
        forms.extend((0..3).map(|_| form(Some("L"), None, None)));
        let p = Publication::of(&forms);
        assert!(p.is_published(&Group::new(Dimension::Sex, "L")));
        assert!(p.is_published(&Group::new(Dimension::Sex, "P")));
    }

    #[test]
    fn nested_groups_of_other_dimensions_are_checked() {
        // Every S1 graduate is a woman, and women are S1 plus two more.
        let mut forms: Vec<FormProfile> =
            (0..8).map(|_| form(Some("P"), None, Some("s1"))).collect();
        forms.extend((0..2).map(|_| form(Some("P"), None, Some("sma"))));
        forms.extend((0..9).map(|_| form(Some("L"), None, Some("sma"))));
        let p = Publication::of(&forms);
        no_small_difference(&p, &forms).unwrap();
    }

    #[test]
    fn labels_round_trip() {
        let g = Group::new(Dimension::Age, "25–34");
        assert_eq!(Group::parse_key(&g.key()), Some(g.clone()));
        assert_eq!(g.age_range(), Some((25, 34)));
        assert_eq!(age_band("65-100"), None);
        assert_eq!(age_band("65+"), Some((65, 100)));
        assert_eq!(Group::parse_key("umur:1"), None);
    }

    fn arb_form() -> impl Strategy<Value = FormProfile> {
        (
            proptest::option::of(prop_oneof![Just("L"), Just("P")]),
            proptest::option::of(15i64..90),
            proptest::option::of(prop_oneof![Just("sd"), Just("sma"), Just("s1")]),
            proptest::option::of(prop_oneof![Just("pns"), Just("swasta")]),
        )
            .prop_map(|(s, a, e, o)| FormProfile {
                sex: s.map(str::to_string),
                age: a,
                education: e.map(str::to_string),
                occupation: o.map(str::to_string),
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn no_two_published_figures_differ_by_a_small_group(forms in proptest::collection::vec(arb_form(), 0..80)) {
            let p = Publication::of(&forms);
            prop_assert!(no_small_difference(&p, &forms).is_ok(), "{:?}", no_small_difference(&p, &forms));
            for c in &p.groups {
                prop_assert!(!c.published || c.count >= SMALL_GROUP);
            }
        }
    }
}

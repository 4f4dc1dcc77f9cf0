//! Editing a phase's rubric: the coordinator's form checked into a [`PhaseSpec`], and the rule
//! that criteria and scale are frozen once a juror has scored in the phase.

use super::phase::PhaseKind;
use super::scoring::{Aggregation, Criterion, PhaseSpec, Rubric};
use anjungan_kernel::text::slug;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RubricError {
    #[error("only review phases can be scored")]
    NotScored,
    #[error("each criterion needs a name and a whole-number weight of 0–100")]
    BadCriterion,
    #[error("two criteria have the same name")]
    Duplicate,
    #[error("a rubric needs 1–20 criteria")]
    Count,
    #[error("the scale must be 1–100, the phase weight 0–100, the shortlist 0–1,000")]
    BadNumber,
    #[error("criteria and scale cannot change once jurors have scored in this phase")]
    Locked,
}

impl RubricError {
    pub fn message_key(&self) -> &'static str {
        match self {
            RubricError::NotScored => "festival.error.not_scored",
            RubricError::BadCriterion => "festival.error.criterion",
            RubricError::Duplicate => "festival.error.criterion_duplicate",
            RubricError::Count => "festival.error.criteria_count",
            RubricError::BadNumber => "festival.error.rubric_number",
            RubricError::Locked => "festival.error.rubric_locked",
        }
    }
}

/// One criterion row of the form: its key (hidden; empty for a new one), the label typed, the
/// weight typed. A row left blank is ignored; weight 0 removes the criterion.
pub struct Row<'a> {
    pub key: &'a str,
    pub label: &'a str,
    pub weight: &'a str,
}

pub struct Form<'a> {
    pub phase: &'a str,
    pub rows: Vec<Row<'a>>,
    pub scale_max: &'a str,
    pub comment_required: bool,
    pub show_others: bool,
    pub weight: &'a str,
    pub aggregation: &'a str,
    pub normalise: bool,
    pub advance: &'a str,
}

fn number(raw: &str, max: u32) -> Result<u32, RubricError> {
    let v: u32 = raw.trim().parse().map_err(|_| RubricError::BadNumber)?;
    if v > max {
        return Err(RubricError::BadNumber);
    }
    Ok(v)
}

/// Checks the form into a phase specification.
pub fn build(f: &Form<'_>) -> Result<PhaseSpec, RubricError> {
    if !PhaseKind::parse(f.phase).is_some_and(|k| k.allows_reviewing()) {
        return Err(RubricError::NotScored);
    }
    let mut criteria: Vec<Criterion> = Vec::new();
    for r in &f.rows {
        let (key, label, weight) = (r.key.trim(), r.label.trim(), r.weight.trim());
        if key.is_empty() && label.is_empty() && weight.is_empty() {
            continue;
        }
        let weight: u32 = weight.parse().map_err(|_| RubricError::BadCriterion)?;
        if weight > 100 || label.chars().count() > 80 {
            return Err(RubricError::BadCriterion);
        }
        if weight == 0 {
            continue;
        }
        let key = if key.is_empty() {
            slug(label)
        } else {
            slug(key)
        };
        if key.is_empty() {
            return Err(RubricError::BadCriterion);
        }
        if criteria.iter().any(|c| c.key == key) {
            return Err(RubricError::Duplicate);
        }
        criteria.push(Criterion {
            key,
            weight,
            label: label.to_string(),
        });
    }
    if criteria.is_empty() || criteria.len() > 20 {
        return Err(RubricError::Count);
    }
    let scale_max = number(f.scale_max, 100)?;
    if scale_max == 0 {
        return Err(RubricError::BadNumber);
    }
    Ok(PhaseSpec {
        key: f.phase.to_string(),
        weight: number(f.weight, 100)?,
        rubric: Rubric {
            criteria,
            scale_max,
            comment_required: f.comment_required,
            show_others: f.show_others,
        },
        aggregation: if f.aggregation == "median" {
            Aggregation::Median
        } else {
            Aggregation::Mean
        },
        normalise: f.normalise,
        advance: number(f.advance, 1000)?,
    })
}

/// Once a phase has reviews, its criteria, weights and scale stay as they were scored; how the
/// phase is aggregated, weighed and cut may still change (and the ranking is recomputed).
pub fn check_edit(old: &PhaseSpec, new: &PhaseSpec, reviewed: bool) -> Result<(), RubricError> {
    let same_scoring = old.rubric.scale_max == new.rubric.scale_max
        && old.rubric.criteria.len() == new.rubric.criteria.len()
        && old
            .rubric
            .criteria
            .iter()
            .zip(&new.rubric.criteria)
            .all(|(a, b)| a.key == b.key && a.weight == b.weight);
    if reviewed && !same_scoring {
        return Err(RubricError::Locked);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form<'a>(rows: Vec<Row<'a>>) -> Form<'a> {
        Form {
            phase: "desk_review",
            rows,
            scale_max: "10",
            comment_required: true,
            show_others: true,
            weight: "70",
            aggregation: "median",
            normalise: true,
            advance: "15",
        }
    }

    fn row<'a>(key: &'a str, label: &'a str, weight: &'a str) -> Row<'a> {
        Row { key, label, weight }
    }

    #[test]
    fn a_form_becomes_a_phase_spec() {
        let s = build(&form(vec![
            row("novelty", "", "15"),
            row("", "Dampak Ekonomi", "10"),
            row("", "", ""),
            row("benefit", "", "0"),
        ]))
        .unwrap();
        assert_eq!(
            s.rubric
                .criteria
                .iter()
                .map(|c| (c.key.as_str(), c.weight, c.label.as_str()))
                .collect::<Vec<_>>(),
            vec![
                ("novelty", 15, ""),
                ("dampak_ekonomi", 10, "Dampak Ekonomi")
            ]
        );
        assert_eq!((s.weight, s.advance, s.normalise), (70, 15, true));
        assert_eq!(s.aggregation, Aggregation::Median);
    }

    #[test]
    fn bad_forms_are_refused() {
        assert_eq!(
            build(&form(vec![row("", "", "10")])),
            Err(RubricError::BadCriterion)
        );
        assert_eq!(
            build(&form(vec![row("", "A", "x")])),
            Err(RubricError::BadCriterion)
        );
        assert_eq!(
            build(&form(vec![row("", "A", "101")])),
            Err(RubricError::BadCriterion)
        );
        assert_eq!(
            build(&form(vec![row("", "A b", "1"), row("a_b", "", "2")])),
            Err(RubricError::Duplicate)
        );
        assert_eq!(build(&form(vec![])), Err(RubricError::Count));
        let mut f = form(vec![row("", "A", "1")]);
        f.scale_max = "0";
        assert_eq!(build(&f), Err(RubricError::BadNumber));
        f.scale_max = "10";
        f.advance = "-1";
        assert_eq!(build(&f), Err(RubricError::BadNumber));
        f.advance = "0";
        f.phase = "final";
        assert_eq!(build(&f), Err(RubricError::NotScored));
    }

    #[test]
    fn scoring_freezes_once_reviewed() {
        let old = build(&form(vec![row("a", "", "1")])).unwrap();
        let mut reweighed = old.clone();
        reweighed.weight = 30;
        reweighed.advance = 5;
        reweighed.aggregation = Aggregation::Mean;
        assert_eq!(check_edit(&old, &reweighed, true), Ok(()));
        let changed = build(&form(vec![row("a", "", "2")])).unwrap();
        assert_eq!(check_edit(&old, &changed, false), Ok(()));
        assert_eq!(check_edit(&old, &changed, true), Err(RubricError::Locked));
    }
}

//! Jury scoring, exactly and reproducibly: integers in fixed point (six decimals), no floats.
//!
//! - A review's total is the rubric's weighted sum on 0–100: Σ wᵢ·sᵢ · 100 / (Σ wᵢ · scale).
//! - Optional per-juror normalisation (to remove lenient or strict jurors): each juror's totals
//!   in a phase become T-scores, 50 + 10·z, with z = (x − mean) / standard deviation of that
//!   juror's totals (a juror whose totals are all equal gives 50 to all).
//! - An entry's phase score is the mean or the median of its reviews.
//! - The final score weighs the phases (e.g. desk 70 + presentation 30); a phase without a score
//!   for the entry counts 0.
//! - Tie-break, in order: higher final score; higher score in the latest phase, then the one
//!   before, and so on; then the earlier registered entry (lower id).

use std::collections::BTreeMap;

/// Fixed-point scale: values are stored × 1,000,000.
pub const SCALE: i128 = 1_000_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criterion {
    pub key: String,
    pub weight: u32,
    /// The coordinator's own name for a criterion; empty for the default ones, which are
    /// translated from their key.
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rubric {
    pub criteria: Vec<Criterion>,
    /// Highest score per criterion (lowest is 0).
    pub scale_max: u32,
    /// Whether a juror must explain the scores in a comment.
    pub comment_required: bool,
    /// Whether a juror, once their own review is in, sees the other jurors' totals.
    pub show_others: bool,
}

impl Rubric {
    /// A juror sees the others' totals only after submitting their own, and only if the
    /// phase allows it.
    pub fn others_visible(&self, submitted_own: bool) -> bool {
        self.show_others && submitted_own
    }
}

impl Rubric {
    /// The default rubric: the national competition's criteria and the regent's four pillars.
    pub fn default_tif() -> Self {
        let c = |k: &str, w: u32| Criterion {
            key: k.into(),
            weight: w,
            label: String::new(),
        };
        Rubric {
            criteria: vec![
                c("novelty", 15),
                c("effectiveness", 15),
                c("benefit", 15),
                c("replicability", 10),
                c("sustainability", 10),
                c("vision", 10),
                c("regulation", 8),
                c("partners", 8),
                c("execution", 9),
            ],
            scale_max: 10,
            comment_required: true,
            show_others: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub juror: i64,
    pub entry: i64,
    pub scores: Vec<(String, u32)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregation {
    Mean,
    Median,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseSpec {
    pub key: String,
    pub weight: u32,
    pub rubric: Rubric,
    pub aggregation: Aggregation,
    pub normalise: bool,
    /// How many entries move on to the next phases after this one (a shortlist such as the
    /// national Top 99); 0 lets everyone through.
    pub advance: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseReviews {
    pub spec: PhaseSpec,
    pub reviews: Vec<Review>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoringError {
    #[error("score for {0} is outside 0–{1}")]
    OutOfRange(String, u32),
    #[error("criterion {0} is not scored")]
    Missing(String),
    #[error("criterion {0} is not in the rubric")]
    Unknown(String),
    #[error("the rubric has no weight")]
    EmptyRubric,
    #[error("a juror reviewed the same entry twice in one phase")]
    Duplicate,
}

fn div_round(n: i128, d: i128) -> i128 {
    // Half away from zero; d > 0.
    if n >= 0 {
        (2 * n + d) / (2 * d)
    } else {
        -((-2 * n + d) / (2 * d))
    }
}

fn isqrt(v: i128) -> i128 {
    if v <= 0 {
        return 0;
    }
    let mut x = (v as f64).sqrt() as i128;
    // Correct the float estimate to the exact integer square root.
    while x * x > v {
        x -= 1;
    }
    while (x + 1) * (x + 1) <= v {
        x += 1;
    }
    x
}

/// A review's weighted total on 0–100, in fixed point. Every criterion must be scored once.
pub fn review_total(r: &Review, rubric: &Rubric) -> Result<i128, ScoringError> {
    let weight_sum: i128 = rubric.criteria.iter().map(|c| c.weight as i128).sum();
    if weight_sum == 0 || rubric.scale_max == 0 {
        return Err(ScoringError::EmptyRubric);
    }
    for (k, _) in &r.scores {
        if !rubric.criteria.iter().any(|c| &c.key == k) {
            return Err(ScoringError::Unknown(k.clone()));
        }
    }
    let mut sum: i128 = 0;
    for c in &rubric.criteria {
        let s = r
            .scores
            .iter()
            .find(|(k, _)| *k == c.key)
            .map(|(_, s)| *s)
            .ok_or_else(|| ScoringError::Missing(c.key.clone()))?;
        if s > rubric.scale_max {
            return Err(ScoringError::OutOfRange(c.key.clone(), rubric.scale_max));
        }
        sum += c.weight as i128 * s as i128;
    }
    Ok(div_round(
        sum * 100 * SCALE,
        weight_sum * rubric.scale_max as i128,
    ))
}

/// A juror's submission as typed: a score per criterion (`get("s_<key>")`) and a comment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmissionError {
    #[error("every criterion needs a whole number within the scale")]
    BadScore,
    #[error("a comment is required when the rubric asks for one (at most 2,000 characters)")]
    CommentRequired,
}

/// Checks a juror's submission against the rubric: every criterion scored within the scale and a
/// comment of at most 2,000 characters, required when the rubric says so.
pub fn parse_submission(
    rubric: &Rubric,
    juror: i64,
    entry: i64,
    get: impl Fn(&str) -> String,
) -> Result<(Review, String), SubmissionError> {
    let mut scores = Vec::new();
    for c in &rubric.criteria {
        let v: u32 = get(&format!("s_{}", c.key))
            .trim()
            .parse()
            .map_err(|_| SubmissionError::BadScore)?;
        scores.push((c.key.clone(), v));
    }
    let comment = get("comment").trim().to_string();
    if (rubric.comment_required && comment.is_empty()) || comment.chars().count() > 2000 {
        return Err(SubmissionError::CommentRequired);
    }
    let review = Review {
        juror,
        entry,
        scores,
    };
    review_total(&review, rubric).map_err(|_| SubmissionError::BadScore)?;
    Ok((review, comment))
}

/// One juror's contribution to an entry's phase score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JurorScore {
    pub juror: i64,
    pub raw: i128,
    /// After normalisation (equal to `raw` without it).
    pub used: i128,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseScore {
    pub phase: String,
    pub weight: u32,
    pub jurors: Vec<JurorScore>,
    /// `None` when nobody reviewed the entry in this phase (counts 0).
    pub score: Option<i128>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranked {
    pub entry: i64,
    pub position: usize,
    pub final_score: i128,
    pub phases: Vec<PhaseScore>,
    /// Set when the position was decided by the tie-break rather than the final score.
    pub tie_break: bool,
}

/// Formats a fixed-point value with two decimals: `87.65`.
pub fn fmt2(v: i128) -> String {
    let h = div_round(v * 100, SCALE);
    let sign = if h < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", h.abs() / 100, h.abs() % 100)
}

fn phase_scores(p: &PhaseReviews) -> Result<BTreeMap<i64, PhaseScore>, ScoringError> {
    let mut raw: Vec<(i64, i64, i128)> = Vec::new(); // (juror, entry, total)
    for r in &p.reviews {
        if raw.iter().any(|(j, e, _)| *j == r.juror && *e == r.entry) {
            return Err(ScoringError::Duplicate);
        }
        raw.push((r.juror, r.entry, review_total(r, &p.spec.rubric)?));
    }
    raw.sort();
    // Per-juror normalisation to T-scores.
    let mut used: BTreeMap<(i64, i64), i128> = BTreeMap::new();
    let mut by_juror: BTreeMap<i64, Vec<(i64, i128)>> = BTreeMap::new();
    for (j, e, t) in &raw {
        by_juror.entry(*j).or_default().push((*e, *t));
    }
    for (j, list) in &by_juror {
        let n = list.len() as i128;
        let mean = div_round(list.iter().map(|(_, t)| *t).sum::<i128>(), n);
        let var = div_round(
            list.iter()
                .map(|(_, t)| (t - mean) * (t - mean))
                .sum::<i128>(),
            n,
        );
        let sd = isqrt(var);
        for (e, t) in list {
            let v = if !p.spec.normalise {
                *t
            } else if sd == 0 {
                50 * SCALE
            } else {
                50 * SCALE + div_round(10 * (t - mean) * SCALE, sd)
            };
            used.insert((*j, *e), v);
        }
    }
    let mut out: BTreeMap<i64, PhaseScore> = BTreeMap::new();
    for (j, e, t) in &raw {
        out.entry(*e)
            .or_insert_with(|| PhaseScore {
                phase: p.spec.key.clone(),
                weight: p.spec.weight,
                jurors: Vec::new(),
                score: None,
            })
            .jurors
            .push(JurorScore {
                juror: *j,
                raw: *t,
                used: used[&(*j, *e)],
            });
    }
    for ps in out.values_mut() {
        let mut vals: Vec<i128> = ps.jurors.iter().map(|j| j.used).collect();
        vals.sort();
        let n = vals.len() as i128;
        ps.score = Some(match p.spec.aggregation {
            Aggregation::Mean => div_round(vals.iter().sum(), n),
            Aggregation::Median if vals.len() % 2 == 1 => vals[vals.len() / 2],
            Aggregation::Median => div_round(vals[vals.len() / 2 - 1] + vals[vals.len() / 2], 2),
        });
    }
    Ok(out)
}

/// Ranks `entries` over the phases; positions start at 1 and are unique (the tie-break decides).
pub fn rank(entries: &[i64], phases: &[PhaseReviews]) -> Result<Vec<Ranked>, ScoringError> {
    let weight_sum: i128 = phases.iter().map(|p| p.spec.weight as i128).sum();
    let per_phase: Vec<BTreeMap<i64, PhaseScore>> =
        phases.iter().map(phase_scores).collect::<Result<_, _>>()?;
    let mut ranked: Vec<Ranked> = entries
        .iter()
        .map(|e| {
            let ps: Vec<PhaseScore> = phases
                .iter()
                .zip(&per_phase)
                .map(|(p, m)| {
                    m.get(e).cloned().unwrap_or(PhaseScore {
                        phase: p.spec.key.clone(),
                        weight: p.spec.weight,
                        jurors: Vec::new(),
                        score: None,
                    })
                })
                .collect();
            let num: i128 = ps
                .iter()
                .map(|p| p.weight as i128 * p.score.unwrap_or(0))
                .sum();
            let final_score = if weight_sum == 0 {
                0
            } else {
                div_round(num, weight_sum)
            };
            Ranked {
                entry: *e,
                position: 0,
                final_score,
                phases: ps,
                tie_break: false,
            }
        })
        .collect();
    let key = |r: &Ranked| -> (i128, Vec<i128>, i64) {
        (
            -r.final_score,
            r.phases
                .iter()
                .rev()
                .map(|p| -p.score.unwrap_or(0))
                .collect(),
            r.entry,
        )
    };
    ranked.sort_by_key(key);
    for i in 0..ranked.len() {
        ranked[i].position = i + 1;
        let tied_prev = i > 0 && ranked[i - 1].final_score == ranked[i].final_score;
        let tied_next = i + 1 < ranked.len() && ranked[i + 1].final_score == ranked[i].final_score;
        ranked[i].tie_break = tied_prev || tied_next;
    }
    Ok(ranked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rubric() -> Rubric {
        Rubric {
            criteria: vec![
                Criterion {
                    key: "a".into(),
                    weight: 3,
                    label: String::new(),
                },
                Criterion {
                    key: "b".into(),
                    weight: 1,
                    label: String::new(),
                },
            ],
            scale_max: 10,
            comment_required: true,
            show_others: true,
        }
    }

    fn rev(juror: i64, entry: i64, a: u32, b: u32) -> Review {
        Review {
            juror,
            entry,
            scores: vec![("a".into(), a), ("b".into(), b)],
        }
    }

    fn spec(key: &str, weight: u32, aggregation: Aggregation, normalise: bool) -> PhaseSpec {
        PhaseSpec {
            key: key.into(),
            weight,
            rubric: rubric(),
            aggregation,
            normalise,
            advance: 0,
        }
    }

    #[test]
    fn weighted_totals() {
        // (3×8 + 1×4) × 100 / (4 × 10) = 70
        assert_eq!(review_total(&rev(1, 1, 8, 4), &rubric()), Ok(70 * SCALE));
        assert_eq!(
            fmt2(review_total(&rev(1, 1, 7, 3), &rubric()).unwrap()),
            "60.00"
        );
        assert_eq!(
            review_total(&rev(1, 1, 11, 0), &rubric()),
            Err(ScoringError::OutOfRange("a".into(), 10))
        );
        assert_eq!(
            review_total(
                &Review {
                    juror: 1,
                    entry: 1,
                    scores: vec![("a".into(), 1)]
                },
                &rubric()
            ),
            Err(ScoringError::Missing("b".into()))
        );
        assert_eq!(
            review_total(
                &Review {
                    juror: 1,
                    entry: 1,
                    scores: vec![("a".into(), 1), ("b".into(), 1), ("z".into(), 1)]
                },
                &rubric()
            ),
            Err(ScoringError::Unknown("z".into()))
        );
        let t = Rubric::default_tif();
        assert_eq!(t.criteria.iter().map(|c| c.weight).sum::<u32>(), 100);
    }

    #[test]
    fn mean_and_median() {
        let reviews = vec![rev(1, 9, 10, 10), rev(2, 9, 5, 5), rev(3, 9, 6, 6)];
        let mean = rank(
            &[9],
            &[PhaseReviews {
                spec: spec("desk", 1, Aggregation::Mean, false),
                reviews: reviews.clone(),
            }],
        )
        .unwrap();
        assert_eq!(fmt2(mean[0].final_score), "70.00");
        let median = rank(
            &[9],
            &[PhaseReviews {
                spec: spec("desk", 1, Aggregation::Median, false),
                reviews,
            }],
        )
        .unwrap();
        assert_eq!(fmt2(median[0].final_score), "60.00");
    }

    #[test]
    fn normalisation_removes_a_lenient_juror() {
        // Juror 1 gives everyone high marks, juror 2 low marks; both rank entry 1 above entry 2.
        // Without normalisation entry 3, seen only by the lenient juror, wins; with it, it does not.
        let reviews = vec![
            rev(1, 1, 10, 10),
            rev(1, 2, 9, 9),
            rev(1, 3, 10, 10),
            rev(2, 1, 4, 4),
            rev(2, 2, 2, 2),
        ];
        let raw = rank(
            &[1, 2, 3],
            &[PhaseReviews {
                spec: spec("desk", 1, Aggregation::Mean, false),
                reviews: reviews.clone(),
            }],
        )
        .unwrap();
        assert_eq!(raw[0].entry, 3);
        let z = rank(
            &[1, 2, 3],
            &[PhaseReviews {
                spec: spec("desk", 1, Aggregation::Mean, true),
                reviews,
            }],
        )
        .unwrap();
        assert_eq!(z[0].entry, 1, "{z:?}");
        // A juror whose totals are all equal contributes 50 everywhere.
        let flat = rank(
            &[1, 2],
            &[PhaseReviews {
                spec: spec("desk", 1, Aggregation::Mean, true),
                reviews: vec![rev(5, 1, 7, 7), rev(5, 2, 7, 7)],
            }],
        )
        .unwrap();
        assert_eq!(fmt2(flat[0].final_score), "50.00");
    }

    #[test]
    fn phase_weights_and_tie_break() {
        let desk = PhaseReviews {
            spec: spec("desk", 70, Aggregation::Mean, false),
            reviews: vec![rev(1, 1, 10, 10), rev(1, 2, 8, 8), rev(1, 3, 10, 10)],
        };
        let pres = PhaseReviews {
            spec: spec("presentation", 30, Aggregation::Mean, false),
            reviews: vec![rev(2, 1, 6, 6), rev(2, 2, 10, 10)],
        };
        let r = rank(&[1, 2, 3], &[desk, pres]).unwrap();
        // 1: 0.7×100 + 0.3×60 = 88; 2: 0.7×80 + 0.3×100 = 86; 3: 70 (no presentation = 0).
        assert_eq!(
            r.iter()
                .map(|x| (x.entry, fmt2(x.final_score)))
                .collect::<Vec<_>>(),
            vec![
                (1, "88.00".into()),
                (2, "86.00".into()),
                (3, "70.00".into())
            ]
        );
        // Equal finals: the later phase decides, then the earlier registration.
        let desk = PhaseReviews {
            spec: spec("desk", 50, Aggregation::Mean, false),
            reviews: vec![
                rev(1, 1, 10, 10),
                rev(1, 2, 8, 8),
                rev(1, 3, 10, 10),
                rev(1, 4, 8, 8),
            ],
        };
        let pres = PhaseReviews {
            spec: spec("presentation", 50, Aggregation::Mean, false),
            reviews: vec![
                rev(2, 1, 8, 8),
                rev(2, 2, 10, 10),
                rev(2, 3, 8, 8),
                rev(2, 4, 10, 10),
            ],
        };
        let r = rank(&[3, 1, 4, 2], &[desk, pres]).unwrap();
        assert_eq!(
            r.iter().map(|x| x.entry).collect::<Vec<_>>(),
            vec![2, 4, 1, 3]
        );
        assert!(r.iter().all(|x| x.tie_break));
        assert_eq!(
            r.iter().map(|x| x.position).collect::<Vec<_>>(),
            vec![1, 2, 3, 4]
        );
    }

    #[test]
    fn submissions_are_checked() {
        let form = |a: &str, comment: &str| {
            let (a, comment) = (a.to_string(), comment.to_string());
            move |k: &str| match k {
                "s_a" => a.clone(),
                "s_b" => "5".to_string(),
                "comment" => comment.clone(),
                _ => String::new(),
            }
        };
        let (r, c) = parse_submission(&rubric(), 1, 2, form("8", " Baik ")).unwrap();
        assert_eq!((r.scores.len(), c.as_str()), (2, "Baik"));
        assert_eq!(
            parse_submission(&rubric(), 1, 2, form("11", "x")),
            Err(SubmissionError::BadScore)
        );
        assert_eq!(
            parse_submission(&rubric(), 1, 2, form("x", "x")),
            Err(SubmissionError::BadScore)
        );
        assert_eq!(
            parse_submission(&rubric(), 1, 2, form("8", "  ")),
            Err(SubmissionError::CommentRequired)
        );
        let optional = Rubric {
            comment_required: false,
            ..rubric()
        };
        assert!(parse_submission(&optional, 1, 2, form("8", "  ")).is_ok());
        assert!(rubric().others_visible(true) && !rubric().others_visible(false));
        let private = Rubric {
            show_others: false,
            ..rubric()
        };
        assert!(!private.others_visible(true));
        assert_eq!(
            parse_submission(&optional, 1, 2, form("8", &"x".repeat(2001))),
            Err(SubmissionError::CommentRequired)
        );
    }

    #[test]
    fn a_juror_scores_an_entry_once_per_phase() {
        let p = PhaseReviews {
            spec: spec("desk", 1, Aggregation::Mean, false),
            reviews: vec![rev(1, 1, 1, 1), rev(1, 1, 2, 2)],
        };
        assert_eq!(rank(&[1], &[p]), Err(ScoringError::Duplicate));
    }

    proptest! {
        #[test]
        fn ranking_does_not_depend_on_the_order_reviews_arrive(
            scores in proptest::collection::vec((1i64..5, 1i64..8, 0u32..=10, 0u32..=10), 1..40),
            normalise in any::<bool>(),
            median in any::<bool>(),
            seed in any::<u64>(),
        ) {
            let mut seen = std::collections::HashSet::new();
            let reviews: Vec<Review> = scores.iter().filter(|(j, e, _, _)| seen.insert((*j, *e))).map(|(j, e, a, b)| rev(*j, *e, *a, *b)).collect();
            let agg = if median { Aggregation::Median } else { Aggregation::Mean };
            let entries: Vec<i64> = (1..8).collect();
            let a = rank(&entries, &[PhaseReviews { spec: spec("desk", 1, agg, normalise), reviews: reviews.clone() }]).unwrap();
            // A deterministic shuffle of the reviews.
            let mut shuffled = reviews.clone();
            let mut s = seed | 1;
            for i in (1..shuffled.len()).rev() {
                s ^= s << 13; s ^= s >> 7; s ^= s << 17;
                shuffled.swap(i, (s % (i as u64 + 1)) as usize);
            }
            let b = rank(&entries, &[PhaseReviews { spec: spec("desk", 1, agg, normalise), reviews: shuffled }]).unwrap();
            prop_assert_eq!(a.iter().map(|r| (r.entry, r.final_score)).collect::<Vec<_>>(), b.iter().map(|r| (r.entry, r.final_score)).collect::<Vec<_>>());
            // Positions are 1..=n, and scores never increase down the ranking.
            for w in a.windows(2) {
                prop_assert!(w[0].final_score >= w[1].final_score);
                prop_assert_eq!(w[0].position + 1, w[1].position);
            }
        }
    }
}

//! Shortlists, computed: after a phase with a cut (`advance` = N), the N best entries of that
//! phase — among those still in — move on; the others stop there. A cut is applied only once its
//! phase is decided (has ended). The final ranking puts entries that went further first, then
//! follows the scores and the documented tie-break.

use super::scoring::{PhaseSpec, Ranked};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Standing {
    /// Phases whose cut the entry passed (it was shortlisted there).
    pub passed: Vec<String>,
    /// The phase at whose cut the entry stopped.
    pub stopped: Option<String>,
}

impl Standing {
    /// Still competing: not stopped by any decided cut.
    pub fn in_contest(&self) -> bool {
        self.stopped.is_none()
    }
}

/// Applies the decided cuts in phase order to `ranked` (the overall ranking, whose `phases` follow
/// `specs`). Within a cut, entries are ordered by that phase's score (unscored last), then by
/// their overall position.
pub fn standings(
    ranked: &[Ranked],
    specs: &[PhaseSpec],
    decided: &[&str],
) -> BTreeMap<i64, Standing> {
    let mut out: BTreeMap<i64, Standing> = ranked
        .iter()
        .map(|r| (r.entry, Standing::default()))
        .collect();
    for (i, spec) in specs.iter().enumerate() {
        if spec.advance == 0 {
            continue;
        }
        if !decided.contains(&spec.key.as_str()) {
            break;
        }
        let mut alive: Vec<&Ranked> = ranked
            .iter()
            .filter(|r| out[&r.entry].in_contest())
            .collect();
        alive.sort_by_key(|r| {
            let score = r.phases.get(i).and_then(|p| p.score);
            (score.is_none(), -score.unwrap_or(0), r.position)
        });
        for (n, r) in alive.iter().enumerate() {
            // Every ranked entry has a standing (`out` is built from `ranked` above).
            let Some(s) = out.get_mut(&r.entry) else {
                continue;
            };
            if n < spec.advance as usize {
                s.passed.push(spec.key.clone());
            } else {
                s.stopped = Some(spec.key.clone());
            }
        }
    }
    out
}

/// The final order: entries still in the contest first, then those who stopped later before
/// those who stopped earlier; within each group the scores' order. Positions are renumbered.
pub fn apply(mut ranked: Vec<Ranked>, standings: &BTreeMap<i64, Standing>) -> Vec<Ranked> {
    ranked.sort_by_key(|r| {
        let s = &standings[&r.entry];
        (
            s.in_contest(),
            s.passed.len(),
            std::cmp::Reverse(r.position),
        )
    });
    ranked.reverse();
    for (i, r) in ranked.iter_mut().enumerate() {
        r.position = i + 1;
    }
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::scoring::{Aggregation, PhaseScore, Rubric};

    fn spec(key: &str, advance: u32) -> PhaseSpec {
        PhaseSpec {
            key: key.into(),
            weight: 50,
            rubric: Rubric::default_tif(),
            aggregation: Aggregation::Mean,
            normalise: false,
            advance,
        }
    }

    fn ranked(entry: i64, position: usize, desk: Option<i128>, pres: Option<i128>) -> Ranked {
        let ps = |phase: &str, score| PhaseScore {
            phase: phase.into(),
            weight: 50,
            jurors: Vec::new(),
            score,
        };
        Ranked {
            entry,
            position,
            final_score: 0,
            phases: vec![ps("desk_review", desk), ps("presentation", pres)],
            tie_break: false,
        }
    }

    #[test]
    fn cuts_shortlist_the_best_of_a_phase() {
        // Overall order 1..4, but entry 4 has the best desk score.
        let r = vec![
            ranked(1, 1, Some(80), Some(90)),
            ranked(2, 2, Some(70), Some(95)),
            ranked(3, 3, Some(60), None),
            ranked(4, 4, Some(85), Some(10)),
        ];
        let specs = vec![spec("desk_review", 2), spec("presentation", 0)];
        let s = standings(&r, &specs, &["desk_review"]);
        assert_eq!(s[&4].passed, vec!["desk_review".to_string()]);
        assert_eq!(s[&1].passed, vec!["desk_review".to_string()]);
        assert_eq!(s[&2].stopped.as_deref(), Some("desk_review"));
        assert_eq!(s[&3].stopped.as_deref(), Some("desk_review"));
        let order: Vec<i64> = apply(r.clone(), &s).iter().map(|x| x.entry).collect();
        assert_eq!(order, vec![1, 4, 2, 3]);
        // Undecided cuts change nothing.
        let none = standings(&r, &specs, &[]);
        assert!(none.values().all(|x| x.in_contest() && x.passed.is_empty()));
        let order: Vec<i64> = apply(r, &none).iter().map(|x| x.entry).collect();
        assert_eq!(order, vec![1, 2, 3, 4]);
    }

    #[test]
    fn later_cuts_choose_among_those_still_in() {
        let r = vec![
            ranked(1, 1, Some(80), Some(50)),
            ranked(2, 2, Some(70), Some(95)),
            ranked(3, 3, Some(60), Some(99)),
            ranked(4, 4, None, None),
        ];
        let specs = vec![spec("desk_review", 3), spec("presentation", 1)];
        let s = standings(&r, &specs, &["desk_review", "presentation"]);
        // Entry 3 was shortlisted third, then won the presentation cut.
        assert_eq!(s[&3].passed.len(), 2);
        assert!(s[&3].in_contest());
        assert_eq!(s[&1].stopped.as_deref(), Some("presentation"));
        assert_eq!(s[&4].stopped.as_deref(), Some("desk_review"));
        let order: Vec<i64> = apply(r, &s).iter().map(|x| x.entry).collect();
        assert_eq!(order, vec![3, 1, 2, 4]);
    }
}

//! An edition's phases are data: each has dates and switches what is allowed.

use anjungan_kernel::clock::Millis;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PhaseKind {
    CallForEntries,
    AdministrativeCheck,
    DeskReview,
    Shortlist,
    Presentation,
    SiteVisit,
    Final,
    ResultsPublished,
}

impl PhaseKind {
    pub const ALL: [PhaseKind; 8] = [
        PhaseKind::CallForEntries,
        PhaseKind::AdministrativeCheck,
        PhaseKind::DeskReview,
        PhaseKind::Shortlist,
        PhaseKind::Presentation,
        PhaseKind::SiteVisit,
        PhaseKind::Final,
        PhaseKind::ResultsPublished,
    ];

    pub fn code(self) -> &'static str {
        [
            "call_for_entries",
            "administrative_check",
            "desk_review",
            "shortlist",
            "presentation",
            "site_visit",
            "final",
            "results_published",
        ][self as usize]
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }

    pub fn allows_entering(self) -> bool {
        self == PhaseKind::CallForEntries
    }

    /// Phases in which jurors score.
    pub fn allows_reviewing(self) -> bool {
        matches!(
            self,
            PhaseKind::DeskReview | PhaseKind::Presentation | PhaseKind::SiteVisit
        )
    }

    pub fn results_public(self) -> bool {
        self == PhaseKind::ResultsPublished
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phase {
    pub kind: PhaseKind,
    pub starts_at: Millis,
    pub ends_at: Millis,
    /// Whether the public vote is open during this phase.
    pub voting: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhaseError {
    #[error("a phase ends before it starts")]
    Reversed,
    #[error("phases overlap or are out of order")]
    Overlap,
}

/// Phases must each run forward and follow one another without overlap.
pub fn check(phases: &[Phase]) -> Result<(), PhaseError> {
    for p in phases {
        if p.ends_at <= p.starts_at {
            return Err(PhaseError::Reversed);
        }
    }
    for w in phases.windows(2) {
        if w[1].starts_at < w[0].ends_at {
            return Err(PhaseError::Overlap);
        }
    }
    Ok(())
}

/// Whether results are out: the results phase has started.
pub fn results_out(phases: &[Phase], now: Millis) -> bool {
    phases
        .iter()
        .any(|p| p.kind.results_public() && p.starts_at <= now)
}

/// The phase running at `now`, if any.
pub fn current(phases: &[Phase], now: Millis) -> Option<&Phase> {
    phases
        .iter()
        .find(|p| p.starts_at <= now && now < p.ends_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(kind: PhaseKind, s: i64, e: i64) -> Phase {
        Phase {
            kind,
            starts_at: s,
            ends_at: e,
            voting: kind == PhaseKind::Final,
        }
    }

    #[test]
    fn phases_switch_what_is_allowed() {
        let phases = vec![
            p(PhaseKind::CallForEntries, 0, 10),
            p(PhaseKind::DeskReview, 10, 20),
            p(PhaseKind::Final, 20, 30),
            p(PhaseKind::ResultsPublished, 30, 40),
        ];
        assert!(check(&phases).is_ok());
        assert!(current(&phases, 5).unwrap().kind.allows_entering());
        assert!(current(&phases, 15).unwrap().kind.allows_reviewing());
        assert!(current(&phases, 25).unwrap().voting);
        assert!(current(&phases, 35).unwrap().kind.results_public());
        assert!(current(&phases, 45).is_none());
        assert!(!results_out(&phases, 29) && results_out(&phases, 30) && results_out(&phases, 99));
        assert_eq!(
            check(&[p(PhaseKind::DeskReview, 10, 10)]),
            Err(PhaseError::Reversed)
        );
        assert_eq!(
            check(&[
                p(PhaseKind::CallForEntries, 0, 10),
                p(PhaseKind::DeskReview, 9, 20)
            ]),
            Err(PhaseError::Overlap)
        );
        for k in PhaseKind::ALL {
            assert_eq!(PhaseKind::parse(k.code()), Some(k));
        }
    }
}

//! The public vote's rules: who may vote when, the one-time code, and when counts are shown.

use super::phase::{Phase, current};
use anjungan_kernel::clock::{MINUTE, Millis};

pub const CODE_TTL: Millis = 10 * MINUTE;
pub const MAX_ATTEMPTS: i64 = 5;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VoteError {
    #[error("the vote is not open")]
    Closed,
    #[error("wrong or expired code")]
    BadCode,
    #[error("too many wrong codes")]
    TooManyAttempts,
    #[error("this contact has already voted in this edition")]
    AlreadyVoted,
    #[error("unknown entry")]
    UnknownEntry,
    #[error("a reason is required")]
    ReasonRequired,
}

impl VoteError {
    pub fn message_key(&self) -> &'static str {
        match self {
            VoteError::Closed => "festival.vote.closed",
            VoteError::BadCode => "festival.vote.bad_code",
            VoteError::TooManyAttempts => "festival.vote.attempts",
            VoteError::AlreadyVoted => "festival.vote.already",
            VoteError::UnknownEntry => "festival.error.choose",
            VoteError::ReasonRequired => "innovation.error.note",
        }
    }
}

/// The vote is open while the current phase has voting on.
pub fn open(phases: &[Phase], now: Millis) -> bool {
    current(phases, now).is_some_and(|p| p.voting)
}

/// Counts are shown only after the last voting phase has ended (so they cannot steer the vote).
pub fn counts_visible(phases: &[Phase], now: Millis) -> bool {
    let last_voting_end = phases.iter().filter(|p| p.voting).map(|p| p.ends_at).max();
    last_voting_end.is_some_and(|end| now >= end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::phase::PhaseKind;

    #[test]
    fn vote_window_and_counts() {
        let phases = vec![
            Phase {
                kind: PhaseKind::DeskReview,
                starts_at: 0,
                ends_at: 10,
                voting: false,
            },
            Phase {
                kind: PhaseKind::Final,
                starts_at: 10,
                ends_at: 20,
                voting: true,
            },
            Phase {
                kind: PhaseKind::ResultsPublished,
                starts_at: 20,
                ends_at: 30,
                voting: false,
            },
        ];
        assert!(!open(&phases, 5) && open(&phases, 15) && !open(&phases, 25));
        assert!(!counts_visible(&phases, 15) && counts_visible(&phases, 20));
        assert!(!counts_visible(&phases[..1], 100), "no vote, no counts");
    }
}

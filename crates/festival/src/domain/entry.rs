//! Entering an innovation into an edition.

use super::phase::Phase;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error("entries are not open in this phase")]
    NotOpen,
    #[error("only verified innovations can be entered")]
    NotVerified,
    #[error("only the innovation's own unit can enter it")]
    Forbidden,
    #[error("this innovation has reached the limit of editions")]
    LimitReached,
    #[error("already entered in this edition")]
    AlreadyEntered,
}

impl EntryError {
    pub fn message_key(&self) -> &'static str {
        match self {
            EntryError::NotOpen => "festival.error.not_open",
            EntryError::NotVerified => "festival.error.not_verified",
            EntryError::Forbidden => "error.forbidden",
            EntryError::LimitReached => "festival.error.limit",
            EntryError::AlreadyEntered => "festival.error.already",
        }
    }
}

pub struct EntryRequest<'a> {
    pub phase: Option<&'a Phase>,
    pub verified: bool,
    pub by_owner: bool,
    pub already_in_edition: bool,
    /// Editions this innovation was entered in before.
    pub previous_entries: usize,
    pub limit: usize,
}

pub fn check(r: &EntryRequest<'_>) -> Result<(), EntryError> {
    if !r.by_owner {
        return Err(EntryError::Forbidden);
    }
    if !r.phase.is_some_and(|p| p.kind.allows_entering()) {
        return Err(EntryError::NotOpen);
    }
    if !r.verified {
        return Err(EntryError::NotVerified);
    }
    if r.already_in_edition {
        return Err(EntryError::AlreadyEntered);
    }
    if r.previous_entries >= r.limit {
        return Err(EntryError::LimitReached);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::phase::PhaseKind;

    #[test]
    fn entry_rules() {
        let open = Phase {
            kind: PhaseKind::CallForEntries,
            starts_at: 0,
            ends_at: 10,
            voting: false,
        };
        let review = Phase {
            kind: PhaseKind::DeskReview,
            starts_at: 10,
            ends_at: 20,
            voting: false,
        };
        let ok = EntryRequest {
            phase: Some(&open),
            verified: true,
            by_owner: true,
            already_in_edition: false,
            previous_entries: 1,
            limit: 2,
        };
        assert_eq!(check(&ok), Ok(()));
        assert_eq!(
            check(&EntryRequest {
                phase: Some(&review),
                ..ok
            }),
            Err(EntryError::NotOpen)
        );
        assert_eq!(
            check(&EntryRequest { phase: None, ..ok }),
            Err(EntryError::NotOpen)
        );
        assert_eq!(
            check(&EntryRequest {
                verified: false,
                ..ok
            }),
            Err(EntryError::NotVerified)
        );
        assert_eq!(
            check(&EntryRequest {
                by_owner: false,
                ..ok
            }),
            Err(EntryError::Forbidden)
        );
        assert_eq!(
            check(&EntryRequest {
                previous_entries: 2,
                ..ok
            }),
            Err(EntryError::LimitReached)
        );
        assert_eq!(
            check(&EntryRequest {
                already_in_edition: true,
                ..ok
            }),
            Err(EntryError::AlreadyEntered)
        );
    }
}

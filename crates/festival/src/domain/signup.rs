//! Signing up for an agenda session: while it has not started, once per account, within its
//! capacity (a session without a capacity takes everyone).

use anjungan_kernel::clock::Millis;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignupError {
    #[error("this session has already started")]
    Started,
    #[error("this session is full")]
    Full,
    #[error("you have already signed up")]
    Already,
}

impl SignupError {
    pub fn message_key(&self) -> &'static str {
        match self {
            SignupError::Started => "festival.error.started",
            SignupError::Full => "festival.error.full",
            SignupError::Already => "festival.error.signed_up",
        }
    }
}

pub struct Seat {
    pub starts_at: Millis,
    pub capacity: Option<i64>,
    pub taken: i64,
    pub already: bool,
}

pub fn check(s: &Seat, now: Millis) -> Result<(), SignupError> {
    if now >= s.starts_at {
        return Err(SignupError::Started);
    }
    if s.already {
        return Err(SignupError::Already);
    }
    if s.capacity.is_some_and(|c| s.taken >= c) {
        return Err(SignupError::Full);
    }
    Ok(())
}

/// Seats left, when the session has a capacity.
pub fn left(capacity: Option<i64>, taken: i64) -> Option<i64> {
    capacity.map(|c| (c - taken).max(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seats_are_limited() {
        let s = Seat {
            starts_at: 100,
            capacity: Some(2),
            taken: 1,
            already: false,
        };
        assert_eq!(check(&s, 50), Ok(()));
        assert_eq!(check(&s, 100), Err(SignupError::Started));
        assert_eq!(check(&Seat { taken: 2, ..s }, 50), Err(SignupError::Full));
        assert_eq!(
            check(&Seat { already: true, ..s }, 50),
            Err(SignupError::Already)
        );
        assert_eq!(
            check(
                &Seat {
                    capacity: None,
                    taken: 10_000,
                    ..s
                },
                50
            ),
            Ok(())
        );
        assert_eq!(left(Some(2), 3), Some(0));
        assert_eq!(left(None, 3), None);
    }
}

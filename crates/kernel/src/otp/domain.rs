//! The limits of one-time codes and the decisions on them, pure.

use crate::clock::{DAY, HOUR, MINUTE, Millis};

/// How many codes may be sent and guessed. The defaults suit a six-digit code sent by WhatsApp
/// or e-mail: at most ten guesses a day against a million values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub ttl: Millis,
    pub per_contact_hour: i64,
    pub per_contact_day: i64,
    pub per_address_hour: i64,
    pub per_address_day: i64,
    pub failures_hour: i64,
    pub failures_day: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            ttl: 15 * MINUTE,
            per_contact_hour: 5,
            per_contact_day: 10,
            per_address_hour: 30,
            per_address_day: 100,
            failures_hour: 5,
            failures_day: 10,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OtpError {
    /// Too many codes were sent to this contact or from this address.
    #[error("too many codes; try again in {retry_after_secs} s")]
    TooManyCodes { retry_after_secs: i64 },
    /// Too many wrong codes for this contact: locked whatever code comes next.
    #[error("too many wrong codes; try again in {retry_after_secs} s")]
    TooManyAttempts { retry_after_secs: i64 },
    /// Wrong, expired, used or never sent.
    #[error("wrong or expired code")]
    BadCode,
}

impl OtpError {
    pub fn message_key(&self) -> &'static str {
        match self {
            OtpError::TooManyCodes { .. } => "otp.error.too_many_codes",
            OtpError::TooManyAttempts { .. } => "otp.error.too_many_attempts",
            OtpError::BadCode => "otp.error.bad_code",
        }
    }

    pub fn retry_after_secs(&self) -> Option<i64> {
        match self {
            OtpError::TooManyCodes { retry_after_secs }
            | OtpError::TooManyAttempts { retry_after_secs } => Some(*retry_after_secs),
            OtpError::BadCode => None,
        }
    }
}

/// A fixed counting window: the hour, or the day in WIB (a citizen's "today").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    Hour,
    Day,
}

impl Window {
    pub const ALL: [Window; 2] = [Window::Hour, Window::Day];

    pub fn code(self) -> &'static str {
        match self {
            Window::Hour => "h",
            Window::Day => "d",
        }
    }

    /// Start of the window holding `now`.
    pub fn start(self, now: Millis) -> Millis {
        match self {
            Window::Hour => now - now.rem_euclid(HOUR),
            Window::Day => {
                let wib = 7 * HOUR;
                now - (now + wib).rem_euclid(DAY)
            }
        }
    }

    /// Whole seconds from `now` until the window ends (at least one).
    pub fn retry_after_secs(self, now: Millis) -> i64 {
        let len = match self {
            Window::Hour => HOUR,
            Window::Day => DAY,
        };
        ((self.start(now) + len - now + 999) / 1000).max(1)
    }
}

/// Counts seen so far in each window, before the one being decided.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub hour: i64,
    pub day: i64,
}

impl Counts {
    pub fn get(&self, w: Window) -> i64 {
        match w {
            Window::Hour => self.hour,
            Window::Day => self.day,
        }
    }
}

/// Whether one more code may be sent, given the codes already sent to the contact and from the
/// address in each window.
pub fn may_send(
    limits: &Limits,
    contact: Counts,
    address: Counts,
    now: Millis,
) -> Result<(), OtpError> {
    let over = |w: Window| {
        let (c, a) = match w {
            Window::Hour => (limits.per_contact_hour, limits.per_address_hour),
            Window::Day => (limits.per_contact_day, limits.per_address_day),
        };
        contact.get(w) >= c || address.get(w) >= a
    };
    // The longest wait applies when both windows are full.
    match Window::ALL.iter().rev().find(|w| over(**w)) {
        Some(w) => Err(OtpError::TooManyCodes {
            retry_after_secs: w.retry_after_secs(now),
        }),
        None => Ok(()),
    }
}

/// Whether a code may still be tried, given the wrong codes already entered for the contact.
pub fn may_try(limits: &Limits, failures: Counts, now: Millis) -> Result<(), OtpError> {
    let over = |w: Window| match w {
        Window::Hour => failures.hour >= limits.failures_hour,
        Window::Day => failures.day >= limits.failures_day,
    };
    match Window::ALL.iter().rev().find(|w| over(**w)) {
        Some(w) => Err(OtpError::TooManyAttempts {
            retry_after_secs: w.retry_after_secs(now),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const T: Millis = 1_796_000_000_000; // a moment in 2026

    #[test]
    fn five_codes_an_hour_ten_a_day_per_contact() {
        let l = Limits::default();
        let none = Counts::default();
        assert!(may_send(&l, Counts { hour: 4, day: 4 }, none, T).is_ok());
        assert!(matches!(
            may_send(&l, Counts { hour: 5, day: 5 }, none, T),
            Err(OtpError::TooManyCodes { .. })
        ));
        let Err(OtpError::TooManyCodes { retry_after_secs }) =
            may_send(&l, Counts { hour: 0, day: 10 }, none, T)
        else {
            panic!("the day limit applies")
        };
        assert!(retry_after_secs > 0 && retry_after_secs <= 24 * 3600);
        assert!(may_send(&l, none, Counts { hour: 30, day: 30 }, T).is_err());
        assert!(may_send(&l, none, Counts { hour: 0, day: 100 }, T).is_err());
    }

    #[test]
    fn tries_are_limited_whatever_code_is_current() {
        let l = Limits::default();
        assert!(may_try(&l, Counts { hour: 4, day: 9 }, T).is_ok());
        assert!(may_try(&l, Counts { hour: 5, day: 5 }, T).is_err());
        assert!(may_try(&l, Counts { hour: 0, day: 10 }, T).is_err());
    }

    #[test]
    fn the_day_is_the_day_in_wib() {
        // 2026-12-03T17:00:00Z is midnight of 4 December in WIB.
        let midnight_wib = 1_764_781_200_000 + 365 * DAY;
        assert_eq!(Window::Day.start(midnight_wib), midnight_wib);
        assert_eq!(Window::Day.start(midnight_wib + DAY - 1), midnight_wib);
        assert_eq!(Window::Day.start(midnight_wib - 1), midnight_wib - DAY);
    }

    proptest! {
        #[test]
        fn windows_hold_now_and_retry_reaches_the_end(now in 0i64..4_000_000_000_000) {
            for w in Window::ALL {
                let s = w.start(now);
                prop_assert!(s <= now);
                let secs = w.retry_after_secs(now);
                prop_assert!(secs >= 1);
                prop_assert!(w.start(now + secs * 1000) > s);
            }
        }
    }
}

//! Outbox rules, pure: channels, states and the retry schedule.

use crate::clock::{HOUR, Millis, SECOND};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = kernel::outbox::Channel)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Email,
    Whatsapp,
    Sms,
    /// Development: the message is written to the log (without its recipient).
    Log,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Whatsapp => "whatsapp",
            Channel::Sms => "sms",
            Channel::Log => "log",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [
            Channel::Email,
            Channel::Whatsapp,
            Channel::Sms,
            Channel::Log,
        ]
        .into_iter()
        .find(|c| c.code() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = kernel::outbox::State)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Pending,
    /// Accepted by a gateway (SMTP, WhatsApp, SMS).
    Sent,
    /// No gateway is configured for its channel: written to the log, never delivered.
    Logged,
    Failed,
}

impl State {
    pub fn code(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Sent => "sent",
            State::Logged => "logged",
            State::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewMessage {
    pub channel: Channel,
    /// E-mail address or phone number; sealed at rest.
    pub recipient: String,
    pub subject: String,
    pub body: String,
}

impl NewMessage {
    pub fn masked_recipient(&self) -> String {
        if self.recipient.contains('@') {
            crate::crypto::mask_email(&self.recipient)
        } else {
            crate::crypto::mask(&self.recipient, 4, 2)
        }
    }
}

/// Retry schedule: 10 s, 20 s, 40 s … doubling, at most an hour apart; after `MAX_ATTEMPTS`
/// the message is marked failed for an admin to look at.
pub const MAX_ATTEMPTS: i64 = 12;

pub fn backoff(attempts_made: i64) -> Millis {
    let exp = attempts_made.clamp(1, 20) - 1;
    (10 * SECOND).saturating_mul(1i64 << exp).min(HOUR)
}

/// What happens after a failed attempt number `attempts_made` (1-based).
pub fn after_failure(attempts_made: i64, now: Millis) -> (State, Millis) {
    if attempts_made >= MAX_ATTEMPTS {
        (State::Failed, now)
    } else {
        (State::Pending, now + backoff(attempts_made))
    }
}

/// How long a claimed message stays invisible to other workers while it is being sent; a
/// worker that dies mid-send releases it when the lease runs out.
pub const LEASE: Millis = 60 * SECOND;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), 10 * SECOND);
        assert_eq!(backoff(2), 20 * SECOND);
        assert_eq!(backoff(3), 40 * SECOND);
        assert_eq!(backoff(30), HOUR);
        let mut prev = 0;
        for n in 1..=MAX_ATTEMPTS {
            assert!(backoff(n) >= prev);
            prev = backoff(n);
        }
    }

    #[test]
    fn gives_up_after_max_attempts() {
        assert_eq!(after_failure(1, 0), (State::Pending, 10 * SECOND));
        assert_eq!(after_failure(MAX_ATTEMPTS, 5).0, State::Failed);
    }

    #[test]
    fn recipients_are_masked() {
        let m = NewMessage {
            channel: Channel::Whatsapp,
            recipient: "6281234567890".into(),
            subject: String::new(),
            body: String::new(),
        };
        assert_eq!(m.masked_recipient(), "6281*******90");
    }
}

//! A request's identity and origin: the channel it came through, its readable number, its
//! unguessable tracking code, and the contact the citizen verified.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Web,
    Phone,
    Whatsapp,
    Counter,
    Open311,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Web,
        Channel::Phone,
        Channel::Whatsapp,
        Channel::Counter,
        Channel::Open311,
    ];
    /// The channels staff record when they submit on a citizen's behalf.
    pub const STAFF: [Channel; 3] = [Channel::Phone, Channel::Whatsapp, Channel::Counter];

    pub fn code(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Phone => "phone",
            Channel::Whatsapp => "whatsapp",
            Channel::Counter => "counter",
            Channel::Open311 => "open311",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == s)
    }

    pub fn label_key(self) -> String {
        format!("desk.channel.{}", self.code())
    }
}

/// `PD-2026-000123`: the year and a regency-wide sequence, easy to read out on the phone.
pub fn number(year: i32, sequence: i64) -> String {
    format!("PD-{year}-{sequence:06}")
}

/// Tracking codes: 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L), about
/// 60 bits — unguessable, yet short enough to type from a WhatsApp message.
pub const TRACKING_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const TRACKING_LEN: usize = 12;

pub fn new_tracking_code() -> String {
    use rand::Rng;
    let mut rng = rand::rngs::OsRng;
    (0..TRACKING_LEN)
        .map(|_| TRACKING_ALPHABET[rng.gen_range(0..TRACKING_ALPHABET.len())] as char)
        .collect()
}

/// Normalises what a citizen typed (lower case, spaces, dashes) to a code, or `None`.
pub fn parse_tracking_code(raw: &str) -> Option<String> {
    let code: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == TRACKING_LEN && code.bytes().all(|b| TRACKING_ALPHABET.contains(&b)))
        .then_some(code)
}

/// `ABCD-EFGH-JKMN`, for reading aloud.
pub fn display_tracking_code(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// A complaint's response deadline: five working days, as SP4N-LAPOR! gives agencies.
pub const COMPLAINT_RESPONSE_DAYS: u32 = 5;

/// A LAPOR! reference as the national channel prints it: digits, optionally with a prefix.
pub fn parse_lapor_ref(raw: &str) -> Option<String> {
    let r = raw.trim().to_ascii_uppercase();
    let ok = !r.is_empty()
        && r.len() <= 30
        && r.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'/');
    ok.then_some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_codes() {
        assert_eq!(number(2026, 123), "PD-2026-000123");
        let c = new_tracking_code();
        assert_eq!(c.len(), 12);
        assert_eq!(parse_tracking_code(&c.to_lowercase()), Some(c.clone()));
        assert_eq!(
            parse_tracking_code(&display_tracking_code(&c)),
            Some(c.clone())
        );
        assert_ne!(new_tracking_code(), c);
        assert_eq!(parse_tracking_code("ABCD-EFGH-JKM0"), None);
        assert_eq!(parse_tracking_code("ABCD"), None);
        assert_eq!(display_tracking_code("ABCDEFGHJKMN"), "ABCD-EFGH-JKMN");
        assert_eq!(parse_lapor_ref(" 3120789 "), Some("3120789".into()));
        assert_eq!(parse_lapor_ref("<script>"), None);
        assert_eq!(Channel::parse("whatsapp"), Some(Channel::Whatsapp));
        assert_eq!(Channel::parse("fax"), None);
    }
}

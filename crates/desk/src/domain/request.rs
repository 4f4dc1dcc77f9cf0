//! A request's identity and origin: the channel it came through, its readable number, its
//! unguessable tracking code, and the contact the citizen verified.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[schema(as = desk::Channel)]
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
    use rand::RngExt;
    let mut rng = rand::rand_core::UnwrapErr(rand::rngs::SysRng);
    (0..TRACKING_LEN)
        .map(|_| TRACKING_ALPHABET[rng.random_range(0..TRACKING_ALPHABET.len())] as char)
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

/// Verifying a request for a service meant for residents needs the applicant's NIK matched in
/// the unit's register: `Some(nik)` is the NIK to look up, `None` when no match is needed.
pub fn register_check(
    needs_resident: bool,
    nik: &str,
) -> Result<Option<super::nik::Nik>, super::DeskError> {
    if !needs_resident {
        return Ok(None);
    }
    super::nik::Nik::parse(nik)
        .map(Some)
        .map_err(|_| super::DeskError::NotResident)
}

/// A complaint's optional contact (phone or e-mail, normalised) and LAPOR! reference; empty
/// strings when not given. Errors are message keys.
pub fn check_complaint_fields(
    contact: &str,
    lapor: &str,
) -> Result<(String, String), &'static str> {
    use anjungan_kernel::identity::domain::{Email, Phone};
    let lapor = match lapor.trim() {
        "" => String::new(),
        raw => parse_lapor_ref(raw).ok_or("desk.error.lapor")?,
    };
    let contact = match contact.trim() {
        "" => String::new(),
        c => match (Phone::parse(c), Email::parse(c)) {
            (Ok(p), _) => p.as_str().to_string(),
            (_, Ok(e)) => e.as_str().to_string(),
            _ => return Err("desk.error.contact"),
        },
    };
    Ok((contact, lapor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verification_needs_a_valid_nik_only_for_residents_services() {
        assert!(register_check(false, "").unwrap().is_none());
        assert!(register_check(false, "garbage").unwrap().is_none());
        assert!(matches!(
            register_check(true, "123"),
            Err(crate::domain::DeskError::NotResident)
        ));
        let nik = register_check(true, "3503014101900001").unwrap().unwrap();
        assert_eq!(nik.as_str(), "3503014101900001");
    }

    #[test]
    fn complaint_contact_and_lapor_reference() {
        assert_eq!(
            check_complaint_fields("", ""),
            Ok((String::new(), String::new()))
        );
        let (c, l) = check_complaint_fields(" 0812-3456-7890 ", "lpr-123/4").unwrap();
        assert!(c.ends_with("81234567890"), "{c}");
        assert_eq!(l, "LPR-123/4");
        let (c, _) = check_complaint_fields("Warga@Example.ID", "").unwrap();
        assert!(c.eq_ignore_ascii_case("warga@example.id"), "{c}");
        assert_eq!(
            check_complaint_fields("bukan kontak", ""),
            Err("desk.error.contact")
        );
        assert_eq!(
            check_complaint_fields("", "<script>"),
            Err("desk.error.lapor")
        );
    }

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

/// What a request form sends, before checking.
#[derive(Debug, Clone, Default)]
pub struct RawIntake {
    pub applicant: String,
    pub nik: String,
    pub phone: String,
    pub email: String,
    pub description: String,
    /// `(field code, value)`, a multiple choice repeating its code.
    pub answers: Vec<(String, String)>,
}

/// A request's checked contents.
#[derive(Debug, Clone)]
pub struct Intake {
    pub applicant: String,
    pub nik: Option<super::nik::Nik>,
    /// `62…`
    pub phone: Option<String>,
    pub email: Option<String>,
    pub description: String,
    pub answers: super::form::Answers,
}

/// Checks a request: the applicant's name; a NIK when the service is for residents (and a valid
/// one whenever given); a phone or e-mail to follow the request unless `contact_optional`; the
/// form's answers. Every problem is returned as `(field, message key)`.
pub fn check_intake(
    form: &super::form::Form,
    needs_resident: bool,
    contact_optional: bool,
    raw: &RawIntake,
) -> Result<Intake, Vec<(String, &'static str)>> {
    use anjungan_kernel::identity::domain::{Email, PersonName, Phone};
    let mut errors: Vec<(String, &'static str)> = Vec::new();
    let applicant = match PersonName::parse(&raw.applicant) {
        Ok(n) => n.as_str().to_string(),
        Err(_) => {
            errors.push(("nama".into(), "desk.error.name"));
            String::new()
        }
    };
    let nik = match raw.nik.trim() {
        "" if needs_resident => {
            errors.push(("nik".into(), "desk.error.nik_required"));
            None
        }
        "" => None,
        n => match super::nik::Nik::parse(n) {
            Ok(n) => Some(n),
            Err(e) => {
                errors.push(("nik".into(), e.message_key()));
                None
            }
        },
    };
    let phone = match raw.phone.trim() {
        "" => None,
        p => match Phone::parse(p) {
            Ok(p) => Some(p.as_str().to_string()),
            Err(e) => {
                errors.push(("telepon".into(), e.message_key()));
                None
            }
        },
    };
    let email = match raw.email.trim() {
        "" => None,
        e => match Email::parse(e) {
            Ok(e) => Some(e.as_str().to_string()),
            Err(e) => {
                errors.push(("email".into(), e.message_key()));
                None
            }
        },
    };
    if !contact_optional
        && phone.is_none()
        && email.is_none()
        && raw.phone.trim().is_empty()
        && raw.email.trim().is_empty()
    {
        errors.push(("telepon".into(), "desk.error.no_contact"));
    }
    if raw.description.chars().count() > super::form::TEXT_MAX {
        errors.push(("keterangan".into(), "desk.error.field_too_long"));
    }
    let answers = match form.validate(&raw.answers) {
        Ok(a) => a,
        Err(errs) => {
            errors.extend(
                errs.into_iter()
                    .map(|(code, e)| (format!("f_{code}"), e.message_key())),
            );
            Default::default()
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Intake {
        applicant,
        nik,
        phone,
        email,
        description: raw.description.trim().to_string(),
        answers,
    })
}

#[cfg(test)]
mod intake_tests {
    use super::*;
    use crate::domain::form::{Field, FieldKind, Form};

    fn form() -> Form {
        Form {
            fields: vec![Field {
                code: "keperluan".into(),
                label: "Keperluan".into(),
                kind: FieldKind::Text,
                required: true,
                order: 1,
                description: String::new(),
                choices: vec![],
            }],
        }
    }

    #[test]
    fn a_complete_request() {
        let raw = RawIntake {
            applicant: "Sri Wahyuni".into(),
            nik: "3503055203900002".into(),
            phone: "0812-3456-7890".into(),
            answers: vec![("keperluan".into(), "Melamar kerja".into())],
            ..Default::default()
        };
        let i = check_intake(&form(), true, false, &raw).unwrap();
        assert_eq!(i.phone.as_deref(), Some("6281234567890"));
        assert_eq!(i.nik.unwrap().as_str(), "3503055203900002");
    }

    #[test]
    fn every_problem_at_once() {
        let raw = RawIntake {
            applicant: " ".into(),
            nik: "".into(),
            ..Default::default()
        };
        let errs = check_intake(&form(), true, false, &raw).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["nama", "nik", "telepon", "f_keperluan"]);
        // Staff may take a counter request without a contact; a NIK is optional for other services.
        let raw = RawIntake {
            applicant: "Budi".into(),
            answers: vec![("keperluan".into(), "x".into())],
            ..Default::default()
        };
        assert!(check_intake(&form(), false, true, &raw).is_ok());
        let raw = RawIntake {
            nik: "123".into(),
            ..raw
        };
        assert_eq!(
            check_intake(&form(), false, true, &raw).unwrap_err(),
            vec![("nik".to_string(), "desk.error.nik_length")]
        );
    }
}

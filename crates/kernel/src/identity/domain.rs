//! Identity rules, pure: value types that validate on parse, roles and their scopes, the
//! authorisation decision, login throttling and session lifetimes.

use crate::clock::{MINUTE, Millis};
use crate::orgs::domain::OrgRef;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct UserId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[schema(as = kernel::identity::Role)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Coordinator,
    UnitOperator,
    UnitHead,
    Jury,
    Auctioneer,
    Cashier,
    Fisher,
    Buyer,
    Librarian,
    Author,
    Citizen,
}

impl Role {
    pub const ALL: [Role; 12] = [
        Role::Admin,
        Role::Coordinator,
        Role::UnitOperator,
        Role::UnitHead,
        Role::Jury,
        Role::Auctioneer,
        Role::Cashier,
        Role::Fisher,
        Role::Buyer,
        Role::Librarian,
        Role::Author,
        Role::Citizen,
    ];

    /// Every role from the least privileged to the most: how a grant form offers them, so the
    /// default choice is the one that can do the least harm (a citizen, never an administrator).
    pub const LEAST_FIRST: [Role; 12] = [
        Role::Citizen,
        Role::Author,
        Role::Buyer,
        Role::Fisher,
        Role::Jury,
        Role::Librarian,
        Role::Cashier,
        Role::Auctioneer,
        Role::UnitOperator,
        Role::UnitHead,
        Role::Coordinator,
        Role::Admin,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::UnitOperator => "unit_operator",
            Role::UnitHead => "unit_head",
            Role::Jury => "jury",
            Role::Auctioneer => "auctioneer",
            Role::Cashier => "cashier",
            Role::Fisher => "fisher",
            Role::Buyer => "buyer",
            Role::Librarian => "librarian",
            Role::Author => "author",
            Role::Citizen => "citizen",
        }
    }

    pub fn parse(code: &str) -> Result<Self, IdentityError> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == code)
            .ok_or(IdentityError::UnknownRole)
    }

    /// Translation key of the role's name.
    pub fn label_key(self) -> String {
        format!("role.{}", self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    #[error("name is required")]
    NameRequired,
    #[error("invalid e-mail address")]
    InvalidEmail,
    #[error("invalid phone number")]
    InvalidPhone,
    #[error("an e-mail address or a phone number is required")]
    ContactRequired,
    #[error("password too short or too long")]
    WeakPassword,
    #[error("passwords differ")]
    PasswordMismatch,
    #[error("password too easy to guess")]
    GuessablePassword,
    #[error("password contains the account's e-mail address or phone number")]
    PersonalPassword,
    #[error("the activation link is invalid or expired")]
    ActivationExpired,
    #[error("e-mail already registered")]
    EmailTaken,
    #[error("phone already registered")]
    PhoneTaken,
    #[error("wrong account or password")]
    BadCredentials,
    #[error("too many failed attempts")]
    Locked { retry_after_secs: i64 },
    #[error("unknown role")]
    UnknownRole,
    #[error("the reset link is invalid or expired")]
    ResetExpired,
    #[error("token name is required")]
    TokenNameRequired,
}

impl IdentityError {
    /// The locale key of the message shown to people.
    pub fn message_key(&self) -> &'static str {
        match self {
            Self::NameRequired => "error.name_required",
            Self::InvalidEmail => "error.invalid_email",
            Self::InvalidPhone => "error.invalid_phone",
            Self::ContactRequired => "error.contact_required",
            Self::WeakPassword => "error.weak_password",
            Self::PasswordMismatch => "error.password_mismatch",
            Self::GuessablePassword => "error.guessable_password",
            Self::PersonalPassword => "error.personal_password",
            Self::ActivationExpired => "auth.activation_expired",
            Self::EmailTaken => "error.email_taken",
            Self::PhoneTaken => "error.phone_taken",
            Self::BadCredentials => "auth.bad_credentials",
            Self::Locked { .. } => "auth.locked",
            Self::UnknownRole => "error.unknown_role",
            Self::ResetExpired => "auth.reset_expired",
            Self::TokenNameRequired => "error.name_required",
        }
    }
}

/// A person's display name: trimmed, 1–100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, IdentityError> {
        let s = raw.trim();
        if s.is_empty() || s.chars().count() > 100 || s.chars().any(char::is_control) {
            return Err(IdentityError::NameRequired);
        }
        Ok(Self(s.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An e-mail address, lower-cased; a pragmatic check (one `@`, a dotted domain, no spaces).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, IdentityError> {
        let s = raw.trim().to_lowercase();
        let (local, domain) = s.split_once('@').ok_or(IdentityError::InvalidEmail)?;
        let ok = !local.is_empty()
            && s.len() <= 254
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !s.chars().any(|c| c.is_whitespace() || c.is_control());
        if ok {
            Ok(Self(s))
        } else {
            Err(IdentityError::InvalidEmail)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A mobile number in international form without `+`: `6281234567890`.
/// Accepts `0812…`, `+62 812-…`, `62812…`; a number of another country only in E.164 form with
/// its `+` (or `00`) and country code, e.g. `+65 9123 4567` (a migrant worker's, a visitor's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Result<Self, IdentityError> {
        let cleaned: String = raw
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.'))
            .collect();
        let international = cleaned
            .strip_prefix('+')
            .or_else(|| cleaned.strip_prefix("00"));
        let digits = international.unwrap_or(&cleaned);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdentityError::InvalidPhone);
        }
        // E.164: a country code that does not start with 0, at most 15 digits in all.
        if let Some(d) = international.filter(|d| !d.starts_with("62")) {
            if d.starts_with('0') || !(8..=15).contains(&d.len()) {
                return Err(IdentityError::InvalidPhone);
            }
            return Ok(Self(d.to_string()));
        }
        let national = if let Some(rest) = digits.strip_prefix("62") {
            rest
        } else if let Some(rest) = digits.strip_prefix('0') {
            rest
        } else {
            return Err(IdentityError::InvalidPhone);
        };
        // Mobile numbers start with 8 and have 9–12 digits after the country code.
        if !national.starts_with('8') || !(9..=12).contains(&national.len()) {
            return Err(IdentityError::InvalidPhone);
        }
        Ok(Self(format!("62{national}")))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// `0812******90` for screens (`+659****67` for a number of another country).
    pub fn masked(&self) -> String {
        match self.0.strip_prefix("62") {
            Some(national) => crate::crypto::mask(&format!("0{national}"), 4, 2),
            None => crate::crypto::mask(&format!("+{}", self.0), 4, 2),
        }
    }
}

/// A password meeting the policy: 8–128 characters.
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str) -> Result<Self, IdentityError> {
        let n = raw.chars().count();
        if !(8..=128).contains(&n) {
            return Err(IdentityError::WeakPassword);
        }
        Ok(Self(raw.to_string()))
    }
    pub fn parse_confirmed(raw: &str, again: &str) -> Result<Self, IdentityError> {
        let p = Self::parse(raw)?;
        if raw != again {
            return Err(IdentityError::PasswordMismatch);
        }
        Ok(p)
    }
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// NIST SP 800-63B §5.1.1.2: no password from the lists of common and breached ones (by
    /// zxcvbn's dictionaries and patterns: at most "very guessable" is refused), and none built
    /// from the account's own e-mail address, phone number or name (`personal`).
    pub fn check_strength(&self, personal: &[&str]) -> Result<(), IdentityError> {
        let lower = self.0.to_lowercase();
        let digits: String = self.0.chars().filter(char::is_ascii_digit).collect();
        for p in personal.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
            let p_lower = p.to_lowercase();
            let local = p_lower.split('@').next().unwrap_or("");
            let p_digits: String = p.chars().filter(char::is_ascii_digit).collect();
            // A phone number in any notation: its last eight digits are what people type.
            let tail = &p_digits[p_digits.len().saturating_sub(8)..];
            if (local.len() >= 4 && lower.contains(local))
                || (tail.len() >= 6 && digits.contains(tail))
            {
                return Err(IdentityError::PersonalPassword);
            }
        }
        let mut inputs: Vec<&str> = personal.to_vec();
        inputs.extend([
            "anjungan",
            "trenggalek",
            "petung",
            "dadi",
            "indonesia",
            "bismillah",
        ]);
        let guessable = zxcvbn::zxcvbn(&self.0, &inputs).score() < zxcvbn::Score::Two;
        if guessable {
            return Err(IdentityError::GuessablePassword);
        }
        Ok(())
    }
}

/// How a person names their account at sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginId {
    Email(Email),
    Phone(Phone),
}

impl LoginId {
    pub fn parse(raw: &str) -> Result<Self, IdentityError> {
        if raw.contains('@') {
            Email::parse(raw)
                .map(LoginId::Email)
                .map_err(|_| IdentityError::BadCredentials)
        } else {
            Phone::parse(raw)
                .map(LoginId::Phone)
                .map_err(|_| IdentityError::BadCredentials)
        }
    }
    /// A stable key for throttling that never contains the raw identifier.
    pub fn throttle_key(&self) -> String {
        match self {
            LoginId::Email(e) => format!("login:{}", crate::crypto::token_hash(e.as_str())),
            LoginId::Phone(p) => format!("login:{}", crate::crypto::token_hash(p.as_str())),
        }
    }
}

/// A role held regency-wide (`org: None`) or in one organisation and everything beneath it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grant {
    pub role: Role,
    pub org: Option<OrgRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    pub user_id: UserId,
    pub name: String,
    pub grants: Vec<Grant>,
}

impl Principal {
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    pub fn is_admin(&self) -> bool {
        self.has_role(Role::Admin)
    }

    /// Holds `role` with a scope covering `target` (the organisation itself or an ancestor).
    pub fn holds_for(&self, role: Role, target: &OrgRef) -> bool {
        self.grants.iter().any(|g| {
            g.role == role
                && match &g.org {
                    None => true,
                    Some(scope) => target.is_within(scope),
                }
        })
    }

    /// Distinct roles, for the dashboard.
    pub fn roles(&self) -> Vec<Role> {
        let mut roles: Vec<Role> = Vec::new();
        for g in &self.grants {
            if !roles.contains(&g.role) {
                roles.push(g.role);
            }
        }
        roles
    }
}

/// What a kernel caller wants to do; rooms define their own actions the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action<'a> {
    ManageAgencies,
    EditOrgProfile(&'a OrgRef),
    BrowseAudit,
    ViewOutbox,
    ManageUsers,
    UploadFile,
    /// Scrape `/metrics` from an address not configured as a scraper.
    ReadMetrics,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    #[error("sign-in required")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
}

/// The authorisation decision for kernel actions. Admins may do everything; unit staff only
/// within their own organisation's subtree.
pub fn authorize(who: Option<&Principal>, action: &Action<'_>) -> Result<(), AccessError> {
    let p = who.ok_or(AccessError::Unauthenticated)?;
    if p.is_admin() {
        return Ok(());
    }
    let allowed = match action {
        Action::ManageAgencies
        | Action::BrowseAudit
        | Action::ViewOutbox
        | Action::ManageUsers
        | Action::ReadMetrics => false,
        Action::EditOrgProfile(target) => {
            p.holds_for(Role::UnitHead, target) || p.holds_for(Role::UnitOperator, target)
        }
        Action::UploadFile => true,
    };
    if allowed {
        Ok(())
    } else {
        Err(AccessError::Forbidden)
    }
}

/// Login throttling: after `max_failures` failed sign-ins within one fixed window the account
/// (or address) is locked until the window ends. Counters are shared by all nodes.
#[derive(Debug, Clone, Copy)]
pub struct Throttle {
    pub max_failures: i64,
    pub window: Millis,
}

impl Default for Throttle {
    fn default() -> Self {
        Self {
            max_failures: 5,
            window: 15 * MINUTE,
        }
    }
}

impl Throttle {
    pub fn window_start(&self, now: Millis) -> Millis {
        now - now.rem_euclid(self.window)
    }

    pub fn check(&self, failures_in_window: i64, now: Millis) -> Result<(), IdentityError> {
        if failures_in_window >= self.max_failures {
            let until = self.window_start(now) + self.window;
            Err(IdentityError::Locked {
                retry_after_secs: ((until - now) / 1000).max(1),
            })
        } else {
            Ok(())
        }
    }
}

/// Sessions slide: each use extends them, but writes happen at most once a minute.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    pub idle: Millis,
}

impl SessionPolicy {
    pub fn expires_at(&self, now: Millis) -> Millis {
        now + self.idle
    }
    pub fn is_live(&self, expires_at: Millis, now: Millis) -> bool {
        now < expires_at
    }
    pub fn needs_touch(&self, last_seen: Millis, now: Millis) -> bool {
        now - last_seen >= MINUTE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_and_personal_passwords_are_refused() {
        let me = ["budi.santoso@desa.id", "081234567890", "Budi Santoso"];
        for weak in [
            "password",
            "12345678",
            "qwertyuiop",
            "bismillah123",
            "trenggalek2026",
        ] {
            assert_eq!(
                Password::parse(weak).unwrap().check_strength(&me),
                Err(IdentityError::GuessablePassword),
                "{weak}"
            );
        }
        for personal in ["budi.santoso!2026", "x34567890y", "+6281234567890"] {
            assert_eq!(
                Password::parse(personal).unwrap().check_strength(&me),
                Err(IdentityError::PersonalPassword),
                "{personal}"
            );
        }
        for good in ["rahasia-budi-1", "kebun-salak-di-munjungan", "Tx9!kq#2Lm"] {
            assert!(
                Password::parse(good).unwrap().check_strength(&me).is_ok(),
                "{good}"
            );
        }
    }
    use proptest::prelude::*;

    fn org(id: i64, path: &str) -> OrgRef {
        OrgRef {
            id,
            path: path.into(),
        }
    }

    fn principal(grants: Vec<Grant>) -> Principal {
        Principal {
            user_id: UserId(1),
            name: "x".into(),
            grants,
        }
    }

    #[test]
    fn phones_normalise_to_international_form() {
        for raw in [
            "081234567890",
            "+62 812-3456-7890",
            "6281234567890",
            "0812.3456.7890",
        ] {
            assert_eq!(
                Phone::parse(raw).unwrap().as_str(),
                "6281234567890",
                "{raw}"
            );
        }
        for bad in [
            "",
            "12345",
            "0212345678",
            "08123",
            "08123456789012345",
            "0812abc45678",
            "+0123456789",
            "+6512",
            "+1234567890123456",
            "+62212345678",
        ] {
            assert!(Phone::parse(bad).is_err(), "{bad}");
        }
        for (raw, e164) in [
            ("+65 9123 4567", "6591234567"),
            ("0060-12-345 6789", "60123456789"),
            ("+1 (415) 555-2671", "14155552671"),
        ] {
            assert_eq!(Phone::parse(raw).unwrap().as_str(), e164, "{raw}");
        }
        assert_eq!(Phone::parse("+6591234567").unwrap().masked(), "+659*****67");
        assert_eq!(
            Phone::parse("081234567890").unwrap().masked(),
            "0812******90"
        );
    }

    #[test]
    fn emails_are_lowercased_and_checked() {
        assert_eq!(
            Email::parse(" Budi@Desa.ID ").unwrap().as_str(),
            "budi@desa.id"
        );
        for bad in [
            "budi",
            "budi@",
            "@desa.id",
            "budi@desa",
            "bu di@desa.id",
            "a@b@c.id",
            "a@.id",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn password_policy() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse(&"x".repeat(129)).is_err());
        assert!(Password::parse("cukup-panjang").is_ok());
        assert_eq!(
            Password::parse_confirmed("cukup-panjang", "lain-lagi-ya").err(),
            Some(IdentityError::PasswordMismatch)
        );
    }

    #[test]
    fn unit_operator_is_confined_to_their_unit() {
        let village_a = org(10, "/1/2/10/");
        let village_b = org(11, "/1/2/11/");
        let op = principal(vec![Grant {
            role: Role::UnitOperator,
            org: Some(village_a.clone()),
        }]);
        assert_eq!(
            authorize(Some(&op), &Action::EditOrgProfile(&village_a)),
            Ok(())
        );
        assert_eq!(
            authorize(Some(&op), &Action::EditOrgProfile(&village_b)),
            Err(AccessError::Forbidden)
        );
        assert_eq!(
            authorize(Some(&op), &Action::ManageAgencies),
            Err(AccessError::Forbidden)
        );
        assert_eq!(
            authorize(None, &Action::EditOrgProfile(&village_a)),
            Err(AccessError::Unauthenticated)
        );
    }

    #[test]
    fn a_district_grant_covers_its_villages_but_not_the_regency() {
        let district = org(2, "/1/2/");
        let village = org(10, "/1/2/10/");
        let other_district_village = org(30, "/1/3/30/");
        let head = principal(vec![Grant {
            role: Role::UnitHead,
            org: Some(district),
        }]);
        assert!(authorize(Some(&head), &Action::EditOrgProfile(&village)).is_ok());
        assert!(
            authorize(
                Some(&head),
                &Action::EditOrgProfile(&other_district_village)
            )
            .is_err()
        );
        assert!(authorize(Some(&head), &Action::EditOrgProfile(&org(1, "/1/"))).is_err());
        // A path that merely shares a textual prefix is not inside.
        assert!(!org(21, "/1/21/").is_within(&org(2, "/1/2")));
    }

    #[test]
    fn roles_other_than_staff_cannot_edit_units() {
        let village = org(10, "/1/2/10/");
        for role in Role::ALL
            .into_iter()
            .filter(|r| !matches!(r, Role::Admin | Role::UnitHead | Role::UnitOperator))
        {
            let p = principal(vec![Grant {
                role,
                org: Some(village.clone()),
            }]);
            assert_eq!(
                authorize(Some(&p), &Action::EditOrgProfile(&village)),
                Err(AccessError::Forbidden),
                "{role:?}"
            );
        }
        let admin = principal(vec![Grant {
            role: Role::Admin,
            org: None,
        }]);
        assert!(authorize(Some(&admin), &Action::BrowseAudit).is_ok());
    }

    #[test]
    fn throttle_locks_after_five_failures_until_the_window_ends() {
        let t = Throttle::default();
        let now = 1_000_000_000_000 + 5 * MINUTE;
        assert!(t.check(4, now).is_ok());
        match t.check(5, now) {
            Err(IdentityError::Locked { retry_after_secs }) => {
                assert!(retry_after_secs > 0 && retry_after_secs <= 15 * 60)
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn role_codes_roundtrip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()).unwrap(), r);
        }
        assert!(Role::parse("regent").is_err());
    }

    proptest! {
        #[test]
        fn phone_parse_never_panics(s in ".{0,30}") {
            let _ = Phone::parse(&s);
            let _ = Email::parse(&s);
            let _ = LoginId::parse(&s);
        }

        #[test]
        fn throttle_window_contains_now(now in 0i64..4_000_000_000_000) {
            let t = Throttle::default();
            let ws = t.window_start(now);
            prop_assert!(ws <= now && now < ws + t.window);
        }
    }
}

//! The people and things around an auction, validated on parse: species by FAO ASFIS code,
//! grades, a lot as registered at landing, buyers and when they may bid.

use super::AuctionError;
use super::rules::Millis;
use serde::{Deserialize, Serialize};

/// Freshness grade as graded on the hall floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = auction::Grade)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    /// Prime: bright eyes, red gills, firm flesh.
    A,
    B,
    C,
}

impl Grade {
    pub const ALL: [Grade; 3] = [Grade::A, Grade::B, Grade::C];

    pub fn code(self) -> &'static str {
        match self {
            Grade::A => "a",
            Grade::B => "b",
            Grade::C => "c",
        }
    }

    pub fn parse(s: &str) -> Result<Self, AuctionError> {
        Grade::ALL
            .into_iter()
            .find(|g| g.code() == s.trim().to_ascii_lowercase())
            .ok_or(AuctionError::BadGrade)
    }

    pub fn label_key(self) -> String {
        format!("auction.grade.{}", self.code())
    }
}

/// An FAO ASFIS 3-alpha code, e.g. `SKJ` for skipjack tuna (*cakalang*).
pub fn parse_asfis(code: &str) -> Result<String, AuctionError> {
    let c = code.trim().to_ascii_uppercase();
    if c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(c)
    } else {
        Err(AuctionError::BadSpecies)
    }
}

/// Weight as typed on the hall floor, in kilograms with up to three decimals (`12,5` or
/// `12.5`), to whole grams.
pub fn parse_kg(text: &str) -> Result<i64, AuctionError> {
    let t = text.trim().replace(',', ".");
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty()
        || frac.len() > 3
        || !(whole.bytes().chain(frac.bytes())).all(|b| b.is_ascii_digit())
    {
        return Err(AuctionError::BadWeight);
    }
    let kg: i64 = whole.parse().map_err(|_| AuctionError::BadWeight)?;
    let grams_part: i64 = format!("{frac:0<3}")
        .parse()
        .map_err(|_| AuctionError::BadWeight)?;
    let grams = kg
        .checked_mul(1_000)
        .and_then(|g| g.checked_add(grams_part))
        .ok_or(AuctionError::BadWeight)?;
    if grams <= 0 || grams > 100_000_000 {
        return Err(AuctionError::BadWeight);
    }
    Ok(grams)
}

/// Gross tonnage as typed (`6,5` or `30`) to tenths of a GT, from 0.1 to 1,000.
pub fn parse_gt(text: &str) -> Result<i64, AuctionError> {
    let t = text.trim().replace(',', ".");
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !(frac.is_empty() || (frac.len() == 1 && digits(frac))) || whole.len() > 4
    {
        return Err(AuctionError::BadTonnage);
    }
    let tenths = whole.parse::<i64>().map_err(|_| AuctionError::BadTonnage)? * 10
        + frac.parse::<i64>().unwrap_or(0);
    if (1..=10_000).contains(&tenths) {
        Ok(tenths)
    } else {
        Err(AuctionError::BadTonnage)
    }
}

/// Rupiah as typed, with or without thousands separators (`25.000`, `25000`, `Rp 25.000`).
pub fn parse_rupiah(text: &str) -> Result<i64, AuctionError> {
    let t: String = text
        .trim()
        .trim_start_matches("Rp")
        .trim_start_matches("rp")
        .chars()
        .filter(|c| !matches!(c, '.' | ' ' | '\u{a0}'))
        .collect();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) || t.len() > 12 {
        return Err(AuctionError::BadAmount);
    }
    t.parse().map_err(|_| AuctionError::BadAmount)
}

/// `1234567` → `Rp 1.234.567`.
pub fn format_rupiah(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    format!("{}Rp {out}", if amount < 0 { "-" } else { "" })
}

/// `12345` grams → `12,345 kg` (Indonesian decimal comma), trailing zeros dropped.
pub fn format_kg(grams: i64) -> String {
    let whole = grams / 1_000;
    let frac = (grams % 1_000).abs();
    if frac == 0 {
        format!("{whole} kg")
    } else {
        let f = format!("{frac:03}");
        format!("{whole},{} kg", f.trim_end_matches('0'))
    }
}

/// A lot as registered at landing. Weight, species and owner are required fields, so a lot
/// that lacks one cannot exist, let alone be offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotInput {
    pub species_id: i64,
    pub fisher_id: i64,
    pub boat_id: Option<i64>,
    pub grams: i64,
    pub grade: Grade,
    pub landed_at: Millis,
    pub start_price: i64,
    pub reserve: Option<i64>,
}

impl LotInput {
    pub fn validate(&self) -> Result<(), AuctionError> {
        if self.species_id <= 0 {
            return Err(AuctionError::BadSpecies);
        }
        if self.fisher_id <= 0 {
            return Err(AuctionError::NoOwner);
        }
        if self.grams <= 0 || self.grams > 100_000_000 {
            return Err(AuctionError::BadWeight);
        }
        if self.start_price <= 0 || self.start_price > 100_000_000 {
            return Err(AuctionError::BadPrice);
        }
        if let Some(r) = self.reserve
            && (r <= 0 || r > 100_000_000)
        {
            return Err(AuctionError::BadPrice);
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = auction::BuyerStatus)]
#[serde(rename_all = "snake_case")]
pub enum BuyerStatus {
    /// Registered, not yet checked by the port.
    Pending,
    /// Identity checked and deposit lodged: may bid.
    Verified,
    Suspended,
}

impl BuyerStatus {
    pub fn code(self) -> &'static str {
        match self {
            BuyerStatus::Pending => "pending",
            BuyerStatus::Verified => "verified",
            BuyerStatus::Suspended => "suspended",
        }
    }

    pub fn label_key(self) -> String {
        format!("auction.buyer.{}", self.code())
    }

    pub fn parse(s: &str) -> Self {
        match s {
            "verified" => BuyerStatus::Verified,
            "suspended" => BuyerStatus::Suspended,
            _ => BuyerStatus::Pending,
        }
    }
}

/// A buyer is verified by the port only with their identity checked and a deposit lodged; the
/// credit the port extends on top is its own decision.
pub fn verify_buyer(
    identity_checked: bool,
    deposit: i64,
    credit_limit: i64,
) -> Result<(), AuctionError> {
    if !identity_checked {
        return Err(AuctionError::IdentityUnchecked);
    }
    if deposit <= 0 {
        return Err(AuctionError::NoDeposit);
    }
    if credit_limit < 0 || deposit > 100_000_000_000 || credit_limit > 100_000_000_000 {
        return Err(AuctionError::BadAmount);
    }
    Ok(())
}

/// How long a purchase may stay unpaid before it blocks the buyer from bidding.
pub const PAYMENT_WINDOW_MS: Millis = 24 * 3_600_000;

/// Unpaid purchases past the payment window block a buyer: the known failure of fish auctions.
pub fn blocked_by_debt(oldest_unpaid_at: Option<Millis>, now: Millis) -> bool {
    oldest_unpaid_at.is_some_and(|at| now - at > PAYMENT_WINDOW_MS)
}

/// A port's code as saved: upper case, 1–20 letters, digits or `_`.
pub fn port_code(given: &str) -> Result<String, AuctionError> {
    let code = given.trim().to_ascii_uppercase();
    let ok = !code.is_empty()
        && code.len() <= 20
        && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    ok.then_some(code).ok_or(AuctionError::BadPortCode)
}

/// A port's name (2–80 characters) and place (at most 120), trimmed.
pub fn port_names<'a>(name: &'a str, place: &'a str) -> Result<(&'a str, &'a str), AuctionError> {
    let (name, place) = (name.trim(), place.trim());
    let n = name.chars().count();
    if !(2..=80).contains(&n) || place.chars().count() > 120 {
        return Err(AuctionError::BadName);
    }
    Ok((name, place))
}

/// How many verified buyers a port needs before a session may open: 1 to 100.
pub fn min_buyers(n: i64) -> Result<i64, AuctionError> {
    (1..=100)
        .contains(&n)
        .then_some(n)
        .ok_or(AuctionError::BadRules("min_buyers"))
}

/// A boat's gross tonnage in tenths: 0.1 to 1,000 GT.
pub fn boat_size(gt_tenths: i64) -> Result<i64, AuctionError> {
    (1..=10_000)
        .contains(&gt_tenths)
        .then_some(gt_tenths)
        .ok_or(AuctionError::BadAmount)
}

/// A buyer's or a fisher's name: 2–80 characters, trimmed.
pub fn buyer_name(given: &str) -> Result<&str, AuctionError> {
    let name = given.trim();
    (2..=80)
        .contains(&name.chars().count())
        .then_some(name)
        .ok_or(AuctionError::BadName)
}

/// At most this many photos a lot.
pub const MAX_PHOTOS: usize = 3;

/// A lot's photo list (digests separated by spaces) with one more added: refused once the lot
/// is sold or unsold or has [`MAX_PHOTOS`]; `None` when the photo is already there.
pub fn with_photo(photos: &str, state: &str, sha256: &str) -> Result<Option<String>, AuctionError> {
    if matches!(state, "sold" | "unsold") {
        return Err(AuctionError::LotOver);
    }
    let mut list: Vec<&str> = photos.split_whitespace().collect();
    if list.contains(&sha256) {
        return Ok(None);
    }
    if list.len() >= MAX_PHOTOS {
        return Err(AuctionError::TooManyPhotos);
    }
    list.push(sha256);
    Ok(Some(list.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_parse_to_grams() {
        assert_eq!(parse_kg("12,5"), Ok(12_500));
        assert_eq!(parse_kg("12.345"), Ok(12_345));
        assert_eq!(parse_kg(" 100 "), Ok(100_000));
        for bad in ["", "0", "-1", "1.2345", "abc", "1e3", "99999999"] {
            assert_eq!(parse_kg(bad), Err(AuctionError::BadWeight), "{bad}");
        }
        assert_eq!(format_kg(12_500), "12,5 kg");
        assert_eq!(format_kg(100_000), "100 kg");
    }

    #[test]
    fn tonnage_parses_to_tenths() {
        assert_eq!(parse_gt("6,5"), Ok(65));
        assert_eq!(parse_gt("30"), Ok(300));
        for bad in ["", "0", "6,55", "-1", "x", "1001", "99999"] {
            assert_eq!(parse_gt(bad), Err(AuctionError::BadTonnage), "{bad}");
        }
    }

    #[test]
    fn rupiah_parse_and_format() {
        assert_eq!(parse_rupiah("Rp 25.000"), Ok(25_000));
        assert_eq!(parse_rupiah("25000"), Ok(25_000));
        assert_eq!(parse_rupiah("-5"), Err(AuctionError::BadAmount));
        assert_eq!(parse_rupiah("2,5"), Err(AuctionError::BadAmount));
        assert_eq!(format_rupiah(1_234_567), "Rp 1.234.567");
        assert_eq!(format_rupiah(0), "Rp 0");
        assert_eq!(format_rupiah(-1_000), "-Rp 1.000");
    }

    #[test]
    fn species_codes_are_three_letters() {
        assert_eq!(parse_asfis("skj"), Ok("SKJ".into()));
        assert!(parse_asfis("SK").is_err());
        assert!(parse_asfis("SK1").is_err());
    }

    #[test]
    fn a_lot_needs_weight_species_owner_and_price() {
        let ok = LotInput {
            species_id: 1,
            fisher_id: 2,
            boat_id: None,
            grams: 50_000,
            grade: Grade::A,
            landed_at: 0,
            start_price: 20_000,
            reserve: None,
        };
        assert_eq!(ok.validate(), Ok(()));
        assert_eq!(
            LotInput {
                species_id: 0,
                ..ok.clone()
            }
            .validate(),
            Err(AuctionError::BadSpecies)
        );
        assert_eq!(
            LotInput {
                fisher_id: 0,
                ..ok.clone()
            }
            .validate(),
            Err(AuctionError::NoOwner)
        );
        assert_eq!(
            LotInput {
                grams: 0,
                ..ok.clone()
            }
            .validate(),
            Err(AuctionError::BadWeight)
        );
        assert_eq!(
            LotInput {
                start_price: 0,
                ..ok.clone()
            }
            .validate(),
            Err(AuctionError::BadPrice)
        );
        assert_eq!(Grade::parse("B"), Ok(Grade::B));
        assert_eq!(Grade::parse("x"), Err(AuctionError::BadGrade));
    }

    #[test]
    fn buyers_need_identity_and_deposit_and_debts_block() {
        assert_eq!(
            verify_buyer(false, 1, 0),
            Err(AuctionError::IdentityUnchecked)
        );
        assert_eq!(verify_buyer(true, 0, 0), Err(AuctionError::NoDeposit));
        assert_eq!(verify_buyer(true, 1_000_000, 5_000_000), Ok(()));
        assert!(!blocked_by_debt(None, 10));
        assert!(!blocked_by_debt(Some(0), PAYMENT_WINDOW_MS));
        assert!(blocked_by_debt(Some(0), PAYMENT_WINDOW_MS + 1));
    }
    #[test]
    fn ports_buyers_and_photos_keep_their_bounds() {
        assert_eq!(port_code(" prigi_1 ").unwrap(), "PRIGI_1");
        for bad in ["", "PRI GI", "PELABUHAN_PERIKANAN_X"] {
            assert_eq!(port_code(bad), Err(AuctionError::BadPortCode), "{bad}");
        }
        assert_eq!(
            port_names(" PPN Prigi ", " Watulimo ").unwrap(),
            ("PPN Prigi", "Watulimo")
        );
        assert_eq!(port_names("P", ""), Err(AuctionError::BadName));
        assert_eq!(
            port_names("PPN Prigi", &"x".repeat(121)),
            Err(AuctionError::BadName)
        );
        assert_eq!(min_buyers(0), Err(AuctionError::BadRules("min_buyers")));
        assert_eq!(min_buyers(3), Ok(3));
        assert_eq!(buyer_name(" UD Bahari "), Ok("UD Bahari"));
        assert_eq!(buyer_name("U"), Err(AuctionError::BadName));
        assert_eq!(boat_size(0), Err(AuctionError::BadAmount));
        assert_eq!(boat_size(65), Ok(65));
        assert_eq!(
            with_photo("", "registered", "aa").unwrap().as_deref(),
            Some("aa")
        );
        assert_eq!(with_photo("aa", "offered", "aa").unwrap(), None);
        assert_eq!(
            with_photo("aa bb cc", "offered", "dd"),
            Err(AuctionError::TooManyPhotos)
        );
        assert_eq!(with_photo("aa", "sold", "bb"), Err(AuctionError::LotOver));
    }
}

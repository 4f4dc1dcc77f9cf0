//! Interface strings in Bahasa Indonesia (default) and English: the kernel's `locales/{id,en}.toml`
//! and each installed room's, compiled into the binary; Indonesian date and rupiah formats; times shown in WIB.

use crate::clock::{Millis, to_wib};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    Id,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Id, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "id" => Some(Lang::Id),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Id => Lang::En,
            Lang::En => Lang::Id,
        }
    }
}

/// The kernel's own strings; each room brings its own through its [`crate::room::Room`] value.
const KERNEL: &[(Lang, &str)] = &[
    (Lang::Id, include_str!("../locales/id.toml")),
    (Lang::En, include_str!("../locales/en.toml")),
];

type Catalogue = HashMap<String, &'static str>;

fn flatten(prefix: &str, value: &toml::Value, out: &mut Catalogue) {
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        toml::Value::String(s) => {
            out.insert(prefix.to_string(), Box::leak(s.clone().into_boxed_str()));
        }
        other => {
            out.insert(
                prefix.to_string(),
                Box::leak(other.to_string().into_boxed_str()),
            );
        }
    }
}

type Catalogues = HashMap<Lang, Catalogue>;

static CATALOGUES: std::sync::RwLock<Option<Arc<Catalogues>>> = std::sync::RwLock::new(None);

/// The kernel's strings and every installed room's, built at first use.
fn catalogues() -> Arc<Catalogues> {
    if let Some(c) = CATALOGUES
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
    {
        return c.clone();
    }
    let mut all: Catalogues = HashMap::new();
    let rooms = crate::room::installed()
        .iter()
        .flat_map(|r| r.locales.iter());
    for (lang, text) in KERNEL.iter().chain(rooms) {
        // Checked by every room's tests; a broken file would show its keys, never crash.
        if let Ok(value) = text.parse::<toml::Value>() {
            flatten("", &value, all.entry(*lang).or_default());
        }
    }
    let all = Arc::new(all);
    *CATALOGUES.write().unwrap_or_else(|e| e.into_inner()) = Some(all.clone());
    all
}

/// Forgets the built catalogues, after rooms are installed.
pub(crate) fn reload() {
    *CATALOGUES.write().unwrap_or_else(|e| e.into_inner()) = None;
}

/// Whether two languages' TOML texts have the same keys: what each room's tests check of its own
/// locale files. Returns the keys missing from either side.
pub fn same_keys(id: &str, en: &str) -> Result<(), String> {
    let load = |text: &str| -> Result<Catalogue, String> {
        let value: toml::Value = text.parse().map_err(|e| format!("invalid TOML: {e}"))?;
        let mut c = Catalogue::new();
        flatten("", &value, &mut c);
        Ok(c)
    };
    let (id, en) = (load(id)?, load(en)?);
    let mut missing: Vec<String> = id
        .keys()
        .filter(|k| !en.contains_key(*k))
        .map(|k| format!("en lacks {k}"))
        .chain(
            en.keys()
                .filter(|k| !id.contains_key(*k))
                .map(|k| format!("id lacks {k}")),
        )
        .collect();
    missing.sort();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(missing.join(", "))
    }
}

/// A translator for one language; cheap to copy into templates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tr {
    pub lang: Lang,
}

const MONTHS_ID: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Tr {
    pub fn new(lang: Lang) -> Self {
        Self { lang }
    }

    /// The string for `key`; a missing key shows itself (tests keep both catalogues complete).
    pub fn s(&self, key: &str) -> &'static str {
        match catalogues().get(&self.lang).and_then(|c| c.get(key)) {
            Some(s) => s,
            None => Box::leak(key.to_string().into_boxed_str()),
        }
    }

    /// The string for `key` with `{name}` placeholders filled.
    pub fn f(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut out = self.s(key).to_string();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }

    /// `14 Desember 2020`
    pub fn date(&self, ms: impl std::borrow::Borrow<Millis>) -> String {
        let d = to_wib(*ms.borrow());
        let month = d.month() as usize - 1;
        let name = match self.lang {
            Lang::Id => MONTHS_ID[month],
            Lang::En => MONTHS_EN[month],
        };
        format!("{} {} {}", d.day(), name, d.year())
    }

    /// A calendar day kept as ISO `2020-12-14` written the long way: `14 Desember 2020`. Text
    /// that is not such a day is returned as it is.
    pub fn day(&self, iso: &str) -> String {
        let parts: Vec<&str> = iso.get(..10).unwrap_or(iso).split('-').collect();
        let [y, m, d] = parts[..] else {
            return iso.to_string();
        };
        match (y.parse::<i32>(), m.parse::<usize>(), d.parse::<u8>()) {
            (Ok(y), Ok(m @ 1..=12), Ok(d @ 1..=31)) => {
                let name = match self.lang {
                    Lang::Id => MONTHS_ID[m - 1],
                    Lang::En => MONTHS_EN[m - 1],
                };
                format!("{d} {name} {y}")
            }
            _ => iso.to_string(),
        }
    }

    /// `14 Desember 2020 08.00 WIB` (Indonesian writes the time with a dot).
    pub fn datetime(&self, ms: impl std::borrow::Borrow<Millis>) -> String {
        let ms = *ms.borrow();
        let d = to_wib(ms);
        let sep = match self.lang {
            Lang::Id => '.',
            Lang::En => ':',
        };
        format!(
            "{} {:02}{sep}{:02} WIB",
            self.date(ms),
            d.hour(),
            d.minute()
        )
    }

    pub fn rupiah(&self, amount: i64) -> String {
        rupiah(amount)
    }

    /// A whole number grouped by thousands: `1.250` in Indonesian, `1,250` in English.
    pub fn int(&self, n: impl std::borrow::Borrow<usize>) -> String {
        group(&n.borrow().to_string(), self.thousands())
    }

    /// A decimal with `places` digits: `92,01` in Indonesian, `92.01` in English.
    pub fn decimal(&self, x: impl std::borrow::Borrow<f64>, places: usize) -> String {
        let text = format!("{:.*}", places, x.borrow());
        let (sign, text) = match text.strip_prefix('-') {
            Some(t) => ("-", t),
            None => ("", text.as_str()),
        };
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        let (sep, point) = match self.lang {
            Lang::Id => ('.', ','),
            Lang::En => (',', '.'),
        };
        let mut out = format!("{sign}{}", group(whole, sep));
        if !frac.is_empty() {
            out.push(point);
            out.push_str(frac);
        }
        out
    }

    fn thousands(&self) -> char {
        match self.lang {
            Lang::Id => '.',
            Lang::En => ',',
        }
    }
}

/// Digits grouped by thousands with `sep`.
fn group(digits: &str, sep: char) -> String {
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(sep);
        }
        grouped.push(ch);
    }
    grouped
}

/// `Rp 1.250.000`; negative amounts as `-Rp 5.000`.
pub fn rupiah(amount: i64) -> String {
    let grouped = group(&amount.unsigned_abs().to_string(), '.');
    if amount < 0 {
        format!("-Rp {grouped}")
    } else {
        format!("Rp {grouped}")
    }
}

/// Every key of every language, for completeness checks.
pub fn keys(lang: Lang) -> Vec<&'static str> {
    let all = catalogues();
    let Some(c) = all.get(&lang) else {
        return Vec::new();
    };
    let mut k: Vec<&'static str> = c
        .keys()
        .map(|s| Box::leak(s.clone().into_boxed_str()) as &str)
        .collect();
    k.sort();
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rupiah_uses_dots_between_thousands() {
        assert_eq!(rupiah(1_250_000), "Rp 1.250.000");
        assert_eq!(rupiah(0), "Rp 0");
        assert_eq!(rupiah(999), "Rp 999");
        assert_eq!(rupiah(1000), "Rp 1.000");
        assert_eq!(rupiah(-5000), "-Rp 5.000");
        assert_eq!(rupiah(i64::MIN), "-Rp 9.223.372.036.854.775.808");
    }

    #[test]
    fn iso_days_are_written_the_long_way() {
        assert_eq!(Tr::new(Lang::Id).day("2026-12-05"), "5 Desember 2026");
        assert_eq!(Tr::new(Lang::En).day("2026-01-31"), "31 January 2026");
        assert_eq!(Tr::new(Lang::Id).day("2026-13-01"), "2026-13-01");
        assert_eq!(Tr::new(Lang::Id).day(""), "");
    }

    #[test]
    fn numbers_follow_the_language() {
        let (id, en) = (Tr::new(Lang::Id), Tr::new(Lang::En));
        assert_eq!(id.decimal(92.0149, 2), "92,01");
        assert_eq!(en.decimal(92.0149, 2), "92.01");
        assert_eq!(id.decimal(1234.5, 1), "1.234,5");
        assert_eq!(en.decimal(1234.5, 1), "1,234.5");
        assert_eq!(id.decimal(-0.25, 2), "-0,25");
        assert_eq!(id.decimal(7.0, 0), "7");
        assert_eq!(id.int(1_250_000usize), "1.250.000");
        assert_eq!(en.int(640usize), "640");
        assert_eq!(en.int(12_345usize), "12,345");
    }

    #[test]
    fn dates_are_in_wib() {
        // 2020-12-14 01:00 UTC = 08.00 WIB
        let ms = 1_607_907_600_000;
        assert_eq!(Tr::new(Lang::Id).datetime(ms), "14 Desember 2020 08.00 WIB");
        assert_eq!(Tr::new(Lang::En).datetime(ms), "14 December 2020 08:00 WIB");
        // 20:00 UTC on the 13th is already the 14th in Trenggalek.
        assert_eq!(
            Tr::new(Lang::Id).date(1_607_889_600_000),
            "14 Desember 2020"
        );
    }

    #[test]
    fn both_languages_have_the_same_keys() {
        let id = keys(Lang::Id);
        let en = keys(Lang::En);
        let missing_en: Vec<_> = id.iter().filter(|k| !en.contains(k)).collect();
        let missing_id: Vec<_> = en.iter().filter(|k| !id.contains(k)).collect();
        assert!(missing_en.is_empty(), "missing in en: {missing_en:?}");
        assert!(missing_id.is_empty(), "missing in id: {missing_id:?}");
        assert!(id.len() > 50);
    }

    #[test]
    fn differing_keys_are_named() {
        assert!(same_keys("[a]\nb = \"x\"", "[a]\nb = \"y\"").is_ok());
        assert_eq!(
            same_keys("[a]\nb = \"x\"\nc = \"z\"", "[a]\nb = \"y\""),
            Err("en lacks a.c".to_string())
        );
    }

    #[test]
    fn placeholders_are_filled() {
        let t = Tr::new(Lang::En);
        assert!(t.f("auth.locked", &[("minutes", "15")]).contains("15"));
    }
}

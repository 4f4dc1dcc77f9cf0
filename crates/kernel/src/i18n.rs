//! Interface strings in Bahasa Indonesia (default) and English, loaded from `locales/{id,en}/*.toml`
//! into the binary; Indonesian date and rupiah formats; times shown in WIB.

use crate::clock::{to_wib, Millis};
use std::collections::HashMap;
use std::sync::OnceLock;

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

/// Every locale file, per language. A room adds its own file here (one line each).
const SOURCES: &[(Lang, &str)] = &[
    (Lang::Id, include_str!("../../../locales/id/kernel.toml")),
    (Lang::En, include_str!("../../../locales/en/kernel.toml")),
    (
        Lang::Id,
        include_str!("../../../locales/id/innovation.toml"),
    ),
    (
        Lang::En,
        include_str!("../../../locales/en/innovation.toml"),
    ),
    (Lang::Id, include_str!("../../../locales/id/festival.toml")),
    (Lang::En, include_str!("../../../locales/en/festival.toml")),
    (Lang::Id, include_str!("../../../locales/id/survey.toml")),
    (Lang::En, include_str!("../../../locales/en/survey.toml")),
    (Lang::Id, include_str!("../../../locales/id/auction.toml")),
    (Lang::En, include_str!("../../../locales/en/auction.toml")),
    (Lang::Id, include_str!("../../../locales/id/desk.toml")),
    (Lang::En, include_str!("../../../locales/en/desk.toml")),
    (Lang::Id, include_str!("../../../locales/id/stories.toml")),
    (Lang::En, include_str!("../../../locales/en/stories.toml")),
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

fn catalogues() -> &'static HashMap<Lang, Catalogue> {
    static CATALOGUES: OnceLock<HashMap<Lang, Catalogue>> = OnceLock::new();
    CATALOGUES.get_or_init(|| {
        let mut all: HashMap<Lang, Catalogue> = HashMap::new();
        for (lang, text) in SOURCES {
            let value: toml::Value = text
                .parse()
                .expect("locale files are valid TOML (checked by tests)");
            flatten("", &value, all.entry(*lang).or_default());
        }
        all
    })
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
}

/// `Rp 1.250.000`; negative amounts as `-Rp 5.000`.
pub fn rupiah(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(ch);
    }
    if amount < 0 {
        format!("-Rp {grouped}")
    } else {
        format!("Rp {grouped}")
    }
}

/// Every key of every language, for completeness checks.
pub fn keys(lang: Lang) -> Vec<&'static str> {
    let mut k: Vec<&'static str> = catalogues()[&lang]
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
    fn placeholders_are_filled() {
        let t = Tr::new(Lang::En);
        assert!(t.f("auth.locked", &[("minutes", "15")]).contains("15"));
    }
}

#[cfg(test)]
mod sources {
    /// Every locale file on disk is compiled in, so no room's strings are forgotten.
    #[test]
    fn every_locale_file_is_loaded() {
        for lang in ["id", "en"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../locales")
                .join(lang);
            for f in std::fs::read_dir(&dir).unwrap() {
                let name = f.unwrap().file_name().into_string().unwrap();
                let needle = format!("locales/{lang}/{name}");
                assert!(
                    include_str!("i18n.rs").contains(&needle),
                    "{needle} is not in SOURCES"
                );
            }
        }
    }
}

//! Letter templates: a letterhead, a title, a numbering scheme per unit and year, a body with
//! fields from the form and the resident record, and the signer's title.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = desk::LetterTemplate)]
pub struct LetterTemplate {
    /// e.g. `SURAT KETERANGAN DOMISILI`.
    pub title: String,
    /// The numbering scheme, e.g. `{klasifikasi}/{urut}/{unit}/{tahun}`.
    pub numbering: String,
    /// The archive classification code (e.g. `470` for population matters).
    pub classification: String,
    /// Paragraphs separated by blank lines, with `{placeholders}`.
    pub body: String,
    /// e.g. `Kepala Desa`.
    pub signer_title: String,
    /// Whom the letter is about, e.g. `{isian.nama_bayi}` for a birth note; empty means the
    /// applicant (`{nama}`). Shown masked on the verification page.
    #[serde(default)]
    pub subject: String,
}

/// Resident and unit placeholders every letter may use; form fields add `{isian.CODE}`.
pub const RECORD_PLACEHOLDERS: [&str; 14] = [
    "nama",
    "nik",
    "kk",
    "tempat_lahir",
    "tanggal_lahir",
    "jenis_kelamin",
    "alamat",
    "rt",
    "rw",
    "dusun",
    "unit",
    "kepala",
    "tanggal",
    "nomor",
];

const NUMBERING_PLACEHOLDERS: [&str; 5] = ["klasifikasi", "urut", "unit", "bulan", "tahun"];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LetterError {
    #[error("unknown placeholder {{{0}}}")]
    UnknownPlaceholder(String),
    #[error("unclosed placeholder")]
    Unclosed,
    #[error("the numbering scheme must contain {{urut}}")]
    NoSequence,
    #[error("title, body and signer are required")]
    Missing,
}

impl LetterError {
    pub fn message_key(&self) -> &'static str {
        match self {
            LetterError::UnknownPlaceholder(_) => "desk.error.placeholder",
            LetterError::Unclosed => "desk.error.placeholder",
            LetterError::NoSequence => "desk.error.numbering",
            LetterError::Missing => "desk.error.letter_missing",
        }
    }
}

/// The names between braces, in order; `{{` is a literal brace.
fn placeholders(text: &str) -> Result<Vec<&str>, LetterError> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        if let Some(stripped) = after.strip_prefix('{') {
            rest = stripped;
            continue;
        }
        let end = after.find('}').ok_or(LetterError::Unclosed)?;
        out.push(after[..end].trim());
        rest = &after[end + 1..];
    }
    Ok(out)
}

fn fill(text: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(stripped) = after.strip_prefix('{') {
            out.push('{');
            rest = stripped;
            continue;
        }
        match after.find('}') {
            Some(end) => {
                let v = lookup(after[..end].trim()).unwrap_or_default();
                out.push_str(if v.trim().is_empty() { "-" } else { &v });
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

impl LetterTemplate {
    /// Every placeholder must be known: a record field, or a field of this service's form.
    pub fn validate(&self, form_codes: &[&str]) -> Result<(), LetterError> {
        if self.title.trim().is_empty()
            || self.body.trim().is_empty()
            || self.signer_title.trim().is_empty()
        {
            return Err(LetterError::Missing);
        }
        for p in placeholders(&self.body)?
            .into_iter()
            .chain(placeholders(&self.subject)?)
        {
            let known = RECORD_PLACEHOLDERS.contains(&p)
                || p.strip_prefix("isian.")
                    .is_some_and(|c| form_codes.contains(&c));
            if !known {
                return Err(LetterError::UnknownPlaceholder(p.to_string()));
            }
        }
        let numbering = placeholders(&self.numbering)?;
        if let Some(p) = numbering
            .iter()
            .find(|p| !NUMBERING_PLACEHOLDERS.contains(p))
        {
            return Err(LetterError::UnknownPlaceholder(p.to_string()));
        }
        if !numbering.contains(&"urut") {
            return Err(LetterError::NoSequence);
        }
        Ok(())
    }

    /// The letter number: `{urut}` is the unit's sequence for the year, zero-padded to three.
    pub fn number(&self, sequence: i64, unit_code: &str, date: time::Date) -> String {
        fill(&self.numbering, |p| match p {
            "klasifikasi" => Some(self.classification.clone()),
            "urut" => Some(format!("{sequence:03}")),
            "unit" => Some(unit_code.to_string()),
            "bulan" => Some(roman(u8::from(date.month())).to_string()),
            "tahun" => Some(date.year().to_string()),
            _ => None,
        })
    }

    /// Whom the letter is about: the subject template filled, or the applicant's name where
    /// the template has none or its field was left empty.
    pub fn subject_of(&self, values: &BTreeMap<String, String>) -> String {
        let applicant = || values.get("nama").cloned().unwrap_or_default();
        if self.subject.trim().is_empty() {
            return applicant();
        }
        let filled = fill(&self.subject, |p| values.get(p).cloned());
        let filled = filled.trim();
        if filled.is_empty() || filled == "-" {
            applicant()
        } else {
            filled.to_string()
        }
    }

    /// The body's paragraphs with every placeholder filled (`-` where a value is missing).
    pub fn paragraphs(&self, values: &BTreeMap<String, String>) -> Vec<String> {
        fill(&self.body, |p| values.get(p).cloned())
            .split("\n\n")
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty())
            .collect()
    }
}

/// How a unit names itself on a letterhead: `Desa Nglinggis`, `Kelurahan Ngantru`, or an
/// agency's full name.
pub fn unit_title(kind: &str, name: &str) -> String {
    match kind {
        "village" => format!("Desa {name}"),
        "ward" => format!("Kelurahan {name}"),
        "district" => format!("Kecamatan {name}"),
        _ => name.to_string(),
    }
}

fn roman(month: u8) -> &'static str {
    const R: [&str; 12] = [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
    ];
    R.get(month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("I")
}

/// `28 November 2026`, as Indonesian letters date themselves.
pub fn long_date(d: time::Date) -> String {
    const M: [&str; 12] = [
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
    format!(
        "{} {} {}",
        d.day(),
        M[u8::from(d.month()) as usize - 1],
        d.year()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn domicile() -> LetterTemplate {
        LetterTemplate {
            title: "SURAT KETERANGAN DOMISILI".into(),
            numbering: "{klasifikasi}/{urut}/{unit}/{bulan}/{tahun}".into(),
            classification: "470".into(),
            body: "Yang bertanda tangan di bawah ini {kepala} menerangkan bahwa:\n\nNama: {nama}, NIK {nik}\n\nbenar berdomisili di {alamat} RT {rt} RW {rw} untuk keperluan {isian.keperluan}. Kurung {{ tetap."
                .into(),
            signer_title: "Kepala Desa".into(),
            subject: String::new(),
        }
    }

    #[test]
    fn the_subject_is_the_applicant_unless_the_template_names_another() {
        let mut values = BTreeMap::new();
        values.insert("nama".to_string(), "Eko Prasetyo".to_string());
        let mut t = domicile();
        assert_eq!(t.subject_of(&values), "Eko Prasetyo");
        t.subject = "{isian.nama_bayi}".into();
        assert_eq!(
            t.subject_of(&values),
            "Eko Prasetyo",
            "an empty field falls back"
        );
        values.insert("isian.nama_bayi".to_string(), "Muhammad Alif".to_string());
        assert_eq!(t.subject_of(&values), "Muhammad Alif");
        assert!(t.validate(&["keperluan", "nama_bayi"]).is_ok());
        assert!(matches!(
            t.validate(&["keperluan"]),
            Err(LetterError::UnknownPlaceholder(p)) if p == "isian.nama_bayi"
        ));
    }

    #[test]
    fn numbering_per_unit_and_year() {
        let t = domicile();
        assert_eq!(
            t.number(7, "35.03.05.2001", date!(2026 - 11 - 28)),
            "470/007/35.03.05.2001/XI/2026"
        );
        assert_eq!(
            t.number(1234, "X", date!(2027 - 01 - 02)),
            "470/1234/X/I/2027"
        );
    }

    #[test]
    fn body_filled_with_dashes_for_gaps() {
        let t = domicile();
        let mut v = BTreeMap::new();
        v.insert("kepala".to_string(), "Kepala Desa Nglinggis".to_string());
        v.insert("nama".to_string(), "Sri Wahyuni".to_string());
        v.insert("isian.keperluan".to_string(), "melamar kerja".to_string());
        let p = t.paragraphs(&v);
        assert_eq!(p.len(), 3);
        assert_eq!(p[1], "Nama: Sri Wahyuni, NIK -");
        assert!(p[2].contains("keperluan melamar kerja") && p[2].ends_with("Kurung { tetap."));
    }

    #[test]
    fn unknown_placeholders_are_refused() {
        let t = domicile();
        assert_eq!(t.validate(&["keperluan"]), Ok(()));
        assert_eq!(
            t.validate(&[]),
            Err(LetterError::UnknownPlaceholder("isian.keperluan".into()))
        );
        let mut bad = domicile();
        bad.body = "Halo {namaa}".into();
        assert_eq!(
            bad.validate(&[]),
            Err(LetterError::UnknownPlaceholder("namaa".into()))
        );
        bad.body = "Halo {nama".into();
        assert_eq!(bad.validate(&[]), Err(LetterError::Unclosed));
        let mut bad = domicile();
        bad.numbering = "{klasifikasi}/{tahun}".into();
        assert_eq!(bad.validate(&["keperluan"]), Err(LetterError::NoSequence));
        bad.numbering = "{urut}/{kode}".into();
        assert_eq!(
            bad.validate(&["keperluan"]),
            Err(LetterError::UnknownPlaceholder("kode".into()))
        );
        assert_eq!(long_date(date!(2026 - 11 - 28)), "28 November 2026");
        assert_eq!(unit_title("village", "Nglinggis"), "Desa Nglinggis");
        assert_eq!(unit_title("agency", "Dinas Perikanan"), "Dinas Perikanan");
    }
}

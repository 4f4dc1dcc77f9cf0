//! An entry's proposal: the edition's sections, each with a word limit (default: the national
//! competition's sections, PermenPANRB 91/2021).

use anjungan_kernel::text::{slug, word_count};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = festival::Section)]
pub struct Section {
    pub key: String,
    pub title: String,
    pub word_limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProposalError {
    #[error("each section line needs a title and a word limit of 1–5,000: {0}")]
    BadLine(String),
    #[error("a proposal needs 1–20 sections with different titles")]
    BadSections,
    #[error("sections cannot change once proposals have been written")]
    Locked,
    #[error("{title}: {words} words, the limit is {limit}")]
    TooLong {
        title: String,
        words: usize,
        limit: u32,
    },
}

impl ProposalError {
    pub fn message_key(&self) -> &'static str {
        match self {
            ProposalError::BadLine(_) => "festival.error.section_line",
            ProposalError::BadSections => "festival.error.sections",
            ProposalError::Locked => "festival.error.sections_locked",
            ProposalError::TooLong { .. } => "festival.error.too_long",
        }
    }
}

/// The national competition's sections and word limits (STANDARDS.md §4).
pub fn default_kipp() -> Vec<Section> {
    [
        ("summary", "Ringkasan", 200),
        ("background", "Latar belakang dan tujuan", 300),
        ("novelty", "Kebaruan", 200),
        ("implementation", "Implementasi", 200),
        ("significance", "Signifikansi", 600),
        ("adaptability", "Adaptabilitas", 300),
        ("resources", "Sumber daya", 200),
        ("sustainability", "Strategi keberlanjutan", 500),
    ]
    .into_iter()
    .map(|(k, t, l)| Section {
        key: k.into(),
        title: t.into(),
        word_limit: l,
    })
    .collect()
}

/// The sections as the coordinator edits them: one per line, `Title | word limit`.
pub fn to_lines(sections: &[Section]) -> String {
    sections
        .iter()
        .map(|s| format!("{} | {}", s.title, s.word_limit))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Parses the coordinator's lines. A title already in `current` keeps its key, so renaming the
/// limit never orphans text; a new title gets a key from its letters.
pub fn parse_lines(text: &str, current: &[Section]) -> Result<Vec<Section>, ProposalError> {
    let mut out: Vec<Section> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let bad = || ProposalError::BadLine(line.chars().take(60).collect());
        let (title, limit) = line.rsplit_once('|').ok_or_else(bad)?;
        let title = title.trim();
        let limit: u32 = limit.trim().parse().map_err(|_| bad())?;
        if title.is_empty() || title.chars().count() > 120 || !(1..=5000).contains(&limit) {
            return Err(bad());
        }
        let key = current
            .iter()
            .find(|s| s.title.eq_ignore_ascii_case(title))
            .map(|s| s.key.clone())
            .unwrap_or_else(|| slug(title));
        if key.is_empty() {
            return Err(bad());
        }
        if out.iter().any(|s| s.key == key) {
            return Err(ProposalError::BadSections);
        }
        out.push(Section {
            key,
            title: title.to_string(),
            word_limit: limit,
        });
    }
    if out.is_empty() || out.len() > 20 {
        return Err(ProposalError::BadSections);
    }
    Ok(out)
}

/// Sections may change only while no proposal text exists (jurors must read what was asked).
pub fn check_sections_edit(
    current: &[Section],
    new: &[Section],
    written: bool,
) -> Result<(), ProposalError> {
    if written && current != new {
        return Err(ProposalError::Locked);
    }
    Ok(())
}

/// Checks the texts typed per section (`get(key)`) against the limits; returns the non-empty
/// ones to store. Sections may be left empty while the call is open.
pub fn check_texts(
    sections: &[Section],
    get: impl Fn(&str) -> String,
) -> Result<Vec<(String, String)>, ProposalError> {
    let mut out = Vec::new();
    for s in sections {
        let text = get(&s.key).trim().replace("\r\n", "\n");
        let words = word_count(&text);
        if words > s.word_limit as usize {
            return Err(ProposalError::TooLong {
                title: s.title.clone(),
                words,
                limit: s.word_limit,
            });
        }
        if words > 0 {
            out.push((s.key.clone(), text));
        }
    }
    Ok(out)
}

/// How many sections have text.
pub fn completeness(sections: &[Section], written: &[(String, String)]) -> (usize, usize) {
    let done = sections
        .iter()
        .filter(|s| written.iter().any(|(k, t)| *k == s.key && !t.is_empty()))
        .count();
    (done, sections.len())
}

/// Who looks at an entry's proposal.
#[derive(Debug, Clone, Copy, Default)]
pub struct Viewer {
    pub coordinator: bool,
    /// Staff of the unit that entered it.
    pub owner: bool,
    /// A juror assigned to the entry in some phase.
    pub juror: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    None,
    Read { show_agency: bool },
    Edit,
}

/// The owner writes while entries are open; the coordinator and the entry's jurors read it
/// (jurors without the agency when the edition reviews blind); everyone reads it once results
/// are public.
pub fn access(v: Viewer, blind: bool, entering_open: bool, results_public: bool) -> Access {
    if v.owner && entering_open {
        return Access::Edit;
    }
    if v.coordinator || v.owner || results_public {
        return Access::Read { show_agency: true };
    }
    if v.juror {
        return Access::Read {
            show_agency: !blind,
        };
    }
    Access::None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_sees_a_proposal() {
        let owner = Viewer {
            owner: true,
            ..Viewer::default()
        };
        let juror = Viewer {
            juror: true,
            ..Viewer::default()
        };
        let coordinator = Viewer {
            coordinator: true,
            ..Viewer::default()
        };
        let public = Viewer::default();
        assert_eq!(access(owner, true, true, false), Access::Edit);
        assert_eq!(
            access(owner, true, false, false),
            Access::Read { show_agency: true }
        );
        assert_eq!(
            access(juror, true, false, false),
            Access::Read { show_agency: false }
        );
        assert_eq!(
            access(juror, false, false, false),
            Access::Read { show_agency: true }
        );
        assert_eq!(
            access(coordinator, true, true, false),
            Access::Read { show_agency: true }
        );
        assert_eq!(access(public, true, false, false), Access::None);
        assert_eq!(
            access(public, true, false, true),
            Access::Read { show_agency: true }
        );
    }

    #[test]
    fn default_sections_follow_the_national_competition() {
        let d = default_kipp();
        assert_eq!(d.len(), 8);
        assert_eq!(d.iter().map(|s| s.word_limit).sum::<u32>(), 2500);
        assert_eq!(parse_lines(&to_lines(&d), &d), Ok(d.clone()));
    }

    #[test]
    fn lines_are_parsed_and_checked() {
        let d = default_kipp();
        let s = parse_lines("Ringkasan | 150\n\nDampak Ekonomi | 400", &d).unwrap();
        assert_eq!(s[0].key, "summary");
        assert_eq!(s[0].word_limit, 150);
        assert_eq!(s[1].key, "dampak_ekonomi");
        assert!(matches!(
            parse_lines("Ringkasan 150", &d),
            Err(ProposalError::BadLine(_))
        ));
        assert!(matches!(
            parse_lines("Ringkasan | 0", &d),
            Err(ProposalError::BadLine(_))
        ));
        assert!(matches!(
            parse_lines(" | 10", &d),
            Err(ProposalError::BadLine(_))
        ));
        assert_eq!(
            parse_lines("A | 10\na | 20", &d),
            Err(ProposalError::BadSections)
        );
        assert_eq!(parse_lines("  \n", &d), Err(ProposalError::BadSections));
    }

    #[test]
    fn sections_lock_once_written() {
        let d = default_kipp();
        let other = parse_lines("Ringkasan | 100", &d).unwrap();
        assert_eq!(check_sections_edit(&d, &other, false), Ok(()));
        assert_eq!(check_sections_edit(&d, &d, true), Ok(()));
        assert_eq!(
            check_sections_edit(&d, &other, true),
            Err(ProposalError::Locked)
        );
    }

    #[test]
    fn texts_respect_word_limits() {
        let s = parse_lines("Ringkasan | 3\nKebaruan | 2", &[]).unwrap();
        let ok = check_texts(&s, |k| {
            if k == "ringkasan" {
                "satu dua tiga".into()
            } else {
                "  ".into()
            }
        })
        .unwrap();
        assert_eq!(ok, vec![("ringkasan".to_string(), "satu dua tiga".into())]);
        assert_eq!(completeness(&s, &ok), (1, 2));
        assert_eq!(
            check_texts(&s, |_| "satu dua tiga empat".into()),
            Err(ProposalError::TooLong {
                title: "Ringkasan".into(),
                words: 4,
                limit: 3
            })
        );
    }
}

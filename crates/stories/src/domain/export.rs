//! A published work as the exporters see it (EPUB, PDF, Atom), plus the small XML helpers the
//! exporters share. Pure data: no storage, no web.

use time::OffsetDateTime;

/// One published work, ready to export.
#[derive(Debug, Clone)]
pub struct BookExport {
    pub id: i64,
    pub title: String,
    pub summary: String,
    /// Pen names.
    pub authors: Vec<String>,
    /// "Penutur: Mbah Sarmi" (oral source) or an archive credit.
    pub credit: Option<String>,
    /// BCP 47: "id", "jv", "en".
    pub language: String,
    /// Human label, e.g. "Cerita rakyat".
    pub category: String,
    pub tags: Vec<String>,
    pub published: OffsetDateTime,
    pub modified: OffsetDateTime,
    /// The work's public page, absolute.
    pub url: String,
    /// "Dinas Perpustakaan dan Kearsipan Kabupaten Trenggalek".
    pub publisher: String,
    /// "KAB-TGL/1932/17 — Arsip Daerah Trenggalek".
    pub archive_ref: Option<String>,
    pub chapters: Vec<ChapterExport>,
}

/// One chapter, twice: as XHTML for the EPUB and as plain-text blocks for the PDF.
#[derive(Debug, Clone)]
pub struct ChapterExport {
    pub title: String,
    /// Well-formed XHTML fragment (p, h2-h4, ul/ol/li, em/strong, blockquote, br/, hr/, img/).
    pub xhtml: String,
    /// The same content as plain-text blocks for the PDF.
    pub blocks: Vec<(BlockKind, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Paragraph,
    Heading(u8),
    ListItem { ordered: bool, number: usize },
    Quote,
}

/// Whether `c` may appear in an XML 1.0 document at all.
pub fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `s` with the characters XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF) removed.
pub fn xml_clean(s: &str) -> String {
    s.chars().filter(|&c| xml_char(c)).collect()
}

/// `s` as XML character data: forbidden characters removed, `&`, `<`, `>` escaped.
pub fn xml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars().filter(|&c| xml_char(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// `s` as a quoted XML attribute value (either quote style): like [`xml_text`], plus quotes and
/// tab / newline / carriage return as character references so they survive normalisation.
pub fn xml_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars().filter(|&c| xml_char(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_cleans() {
        assert_eq!(
            xml_text("a<b>&\"'\u{0}\u{1b}\u{FFFE}z"),
            "a&lt;b&gt;&amp;\"'z"
        );
        assert_eq!(xml_attr("<\"'&\n"), "&lt;&quot;&apos;&amp;&#10;");
        assert_eq!(xml_clean("a\u{7}b\tc"), "ab\tc");
    }
}

//! Small text rules shared by the rooms.

/// Words as people count them: runs of characters containing a letter or digit.
pub fn word_count(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// A stable machine key from a human label: lowercase ASCII letters and digits joined by `_`
/// ("Dampak Ekonomi!" → `dampak_ekonomi`). Empty when the label has no letter or digit.
pub fn slug(label: &str) -> String {
    let mut out = String::new();
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_string()
}

/// Text for the PDF built-in fonts, which speak Latin-1 (WinAnsi): dashes, quotes, bullets and
/// odd spaces become their plain forms, control characters go, anything else becomes `?`.
pub fn latin1(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if (c as u32) < 0x20 || (0x7F..0xA0).contains(&(c as u32)) => None,
            c if (c as u32) < 256 => Some(c),
            '\u{2010}'..='\u{2015}' | '\u{2212}' => Some('-'),
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => Some('\''),
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => Some('"'),
            '\u{2026}' => Some('.'), // keeps one char per char; "..." would be nicer but rare
            '\u{2022}' | '\u{2023}' | '\u{2043}' => Some('-'),
            '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' => Some(' '),
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => None,
            _ => Some('?'),
        })
        .collect()
}

// --- escaping: the one set of XML escapers of the platform (SVG charts, feeds, Open311, Frab,
// OAI-PMH, EPUB's XHTML). HTML pages are escaped by askama; the stories' sanitiser writes its
// HTML the way html5ever does.

/// Whether `c` may appear in an XML 1.0 document at all.
pub fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `s` with the characters XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF) removed.
pub fn xml_clean(s: &str) -> String {
    s.chars().filter(|&c| xml_char(c)).collect()
}

/// The one XML escaper: forbidden characters dropped; `&`, `<`, `>` and carriage return always
/// escaped (a parser turns a raw CR into a line feed); quotes when `quotes`; tab and newline as
/// references when `whitespace` (so they survive attribute-value normalisation).
fn xml_escape(s: &str, quotes: bool, whitespace: bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars().filter(|&c| xml_char(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if quotes => out.push_str("&quot;"),
            '\'' if quotes => out.push_str("&apos;"),
            '\t' if whitespace => out.push_str("&#9;"),
            '\n' if whitespace => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// `s` as XML character data: forbidden characters removed, `&`, `<`, `>` escaped.
pub fn xml_text(s: &str) -> String {
    xml_escape(s, false, false)
}

/// `s` as XML character data with quotes escaped too (for formats whose readers expect it).
pub fn xml_text_quoted(s: &str) -> String {
    xml_escape(s, true, false)
}

/// `s` as a quoted XML attribute value (either quote style): like [`xml_text`], plus quotes and
/// tab / newline / carriage return as character references so they survive normalisation.
pub fn xml_attr(s: &str) -> String {
    xml_escape(s, true, true)
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
        // A carriage return is kept as a reference in text too: raw, a parser reads a newline.
        assert_eq!(xml_text("a\r\nb\tc"), "a&#13;\nb\tc");
        assert_eq!(xml_clean("a\u{7}b\tc"), "ab\tc");
    }

    #[test]
    fn latin1_maps_to_plain_forms() {
        assert_eq!(
            latin1("Rp–5 — “x” ‘y’ é\u{1}\tß 漢"),
            "Rp-5 - \"x\" 'y' é ß ?"
        );
    }

    #[test]
    fn words_and_slugs() {
        assert_eq!(word_count("  Satu dua — tiga.  "), 3);
        assert_eq!(word_count(""), 0);
        assert_eq!(slug("Dampak Ekonomi!"), "dampak_ekonomi");
        assert_eq!(slug("  Latar belakang & tujuan "), "latar_belakang_tujuan");
        assert_eq!(slug("—"), "");
    }
}

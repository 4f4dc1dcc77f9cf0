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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_slugs() {
        assert_eq!(word_count("  Satu dua — tiga.  "), 3);
        assert_eq!(word_count(""), 0);
        assert_eq!(slug("Dampak Ekonomi!"), "dampak_ekonomi");
        assert_eq!(slug("  Latar belakang & tujuan "), "latar_belakang_tujuan");
        assert_eq!(slug("—"), "");
    }
}

//! Small helpers for forms and redirects.

/// Percent-encodes a query value.
pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e[1..].to_string())
        .unwrap_or_default()
}

/// Only a plain local path is followed after sign-in, so `next` cannot send people to another
/// site. The value arrives decoded: anything but visible ASCII (a tab or newline that browsers
/// drop, a non-ASCII look-alike), a backslash, or a second leading slash falls back to the
/// dashboard, as does anything longer than a URL a page would link.
pub fn safe_next(next: Option<&str>) -> String {
    const DASHBOARD: &str = "/dasbor";
    let Some(n) = next else {
        return DASHBOARD.into();
    };
    let plain = n.len() <= 2048
        && n.starts_with('/')
        && !n.starts_with("//")
        && n.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b'\\');
    if plain {
        n.to_string()
    } else {
        DASHBOARD.into()
    }
}

/// Form field error shown beside the form.
#[derive(Debug, Clone, Default)]
pub struct FormMessage {
    pub error: Option<String>,
    pub notice: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_site() {
        assert_eq!(safe_next(Some("/admin/audit?x=1")), "/admin/audit?x=1");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "evil",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\nSet-Cookie: x=1",
            "/ /evil.example",
            "/\u{3000}/evil.example",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/dasbor", "{bad}");
        }
        assert_eq!(urlencode("/a b?c=d&e"), "%2Fa+b%3Fc%3Dd%26e");
    }
}

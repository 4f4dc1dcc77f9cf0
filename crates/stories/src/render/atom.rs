//! An Atom 1.0 feed (RFC 4287) of newly published works.
//!
//! The feed always carries a feed-level `atom:author` ([`FEED_AUTHOR`], the publisher), so entries without
//! authors inherit it (RFC 4287 §4.1.1) and a feed with no entries is still valid. Every string
//! is XML-escaped and stripped of characters XML 1.0 forbids; dates are RFC 3339 in UTC.

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use crate::domain::export::{xml_attr, xml_text};

pub struct Feed {
    /// Permanent IRI of the feed: a `tag:` URI or an absolute URL.
    pub id: String,
    pub title: String,
    /// Where this feed is served (rel="self").
    pub self_url: String,
    /// The HTML page listing the same works (rel="alternate").
    pub alternate_url: String,
    pub updated: OffsetDateTime,
    pub entries: Vec<Entry>,
}

/// The feed-level author: the publisher of every work in Cilen. Entries without authors of
/// their own inherit it.
pub const FEED_AUTHOR: &str = "Dinas Perpustakaan dan Kearsipan Kabupaten Trenggalek";

pub struct Entry {
    /// A `tag:` URI or an absolute URL.
    pub id: String,
    pub title: String,
    pub url: String,
    pub published: OffsetDateTime,
    pub updated: OffsetDateTime,
    pub authors: Vec<String>,
    pub summary: String,
    /// (term, label)
    pub categories: Vec<(String, String)>,
    /// BCP 47.
    pub language: String,
}

/// RFC 3339 in UTC, whole seconds. Years outside 0..=9999 cannot be written; they become the
/// Unix epoch rather than an invalid feed.
fn date(t: OffsetDateTime) -> String {
    t.to_offset(UtcOffset::UTC)
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string())
}

fn person(out: &mut String, indent: &str, name: &str) {
    out.push_str(&format!(
        "{indent}<author><name>{}</name></author>\n",
        xml_text(name)
    ));
}

pub fn render(feed: &Feed) -> String {
    let mut out = String::with_capacity(1024 + feed.entries.len() * 1024);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    out.push_str(&format!("  <id>{}</id>\n", xml_text(&feed.id)));
    out.push_str(&format!(
        "  <title type=\"text\">{}</title>\n",
        xml_text(&feed.title)
    ));
    out.push_str(&format!("  <updated>{}</updated>\n", date(feed.updated)));
    person(&mut out, "  ", FEED_AUTHOR);
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml_attr(&feed.self_url)
    ));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_attr(&feed.alternate_url)
    ));
    out.push_str("  <generator>Anjungan</generator>\n");
    for e in &feed.entries {
        if e.language.trim().is_empty() {
            out.push_str("  <entry>\n");
        } else {
            out.push_str(&format!(
                "  <entry xml:lang=\"{}\">\n",
                xml_attr(e.language.trim())
            ));
        }
        out.push_str(&format!("    <id>{}</id>\n", xml_text(&e.id)));
        out.push_str(&format!(
            "    <title type=\"text\">{}</title>\n",
            xml_text(&e.title)
        ));
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml_attr(&e.url)
        ));
        out.push_str(&format!(
            "    <published>{}</published>\n",
            date(e.published)
        ));
        out.push_str(&format!("    <updated>{}</updated>\n", date(e.updated)));
        for a in e.authors.iter().filter(|a| !a.trim().is_empty()) {
            person(&mut out, "    ", a);
        }
        for (term, label) in e.categories.iter().filter(|(t, _)| !t.trim().is_empty()) {
            if label.is_empty() {
                out.push_str(&format!("    <category term=\"{}\"/>\n", xml_attr(term)));
            } else {
                out.push_str(&format!(
                    "    <category term=\"{}\" label=\"{}\"/>\n",
                    xml_attr(term),
                    xml_attr(label)
                ));
            }
        }
        out.push_str(&format!(
            "    <summary type=\"text\">{}</summary>\n",
            xml_text(&e.summary)
        ));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const ATOM: &str = "http://www.w3.org/2005/Atom";
    const XML: &str = "http://www.w3.org/XML/1998/namespace";

    fn entry(n: u32, authors: Vec<String>) -> Entry {
        Entry {
            id: format!("tag:anjungan.trenggalekkab.go.id,2026:cilen/karya/{n}"),
            title: format!("Asal-usul Telaga Ngebel {n}"),
            url: format!("https://anjungan.example/cilen/karya/{n}"),
            published: datetime!(2026-11-02 09:30:15.5 +07:00),
            updated: datetime!(2026-11-03 10:00 +07:00),
            authors,
            summary: "Cerita rakyat dari lereng Wilis.".into(),
            categories: vec![("cerita-rakyat".into(), "Cerita rakyat".into())],
            language: "jv".into(),
        }
    }

    fn feed(entries: Vec<Entry>) -> Feed {
        Feed {
            id: "tag:anjungan.trenggalekkab.go.id,2026:cilen".into(),
            title: "Cilen — karya baru".into(),
            self_url: "https://anjungan.example/cilen/feed.atom".into(),
            alternate_url: "https://anjungan.example/cilen".into(),
            updated: datetime!(2026-11-03 10:00 +07:00),
            entries,
        }
    }

    fn child<'a>(n: roxmltree::Node<'a, 'a>, name: &str) -> Option<roxmltree::Node<'a, 'a>> {
        n.children().find(|c| c.has_tag_name((ATOM, name)))
    }

    fn link<'a>(n: roxmltree::Node<'a, 'a>, rel: &str) -> Option<&'a str> {
        n.children()
            .find(|c| c.has_tag_name((ATOM, "link")) && c.attribute("rel") == Some(rel))
            .and_then(|c| c.attribute("href"))
    }

    fn is_rfc3339(s: &str) -> bool {
        OffsetDateTime::parse(s, &Rfc3339).is_ok()
    }

    #[test]
    fn has_what_rfc_4287_requires() {
        let xml = render(&feed(vec![
            entry(1, vec!["Ki Ageng".into()]),
            entry(2, vec![]),
        ]));
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let root = doc.root_element();
        assert!(root.has_tag_name((ATOM, "feed")));
        for name in ["id", "title", "updated", "author"] {
            assert!(child(root, name).is_some(), "feed lacks {name}");
        }
        assert_eq!(
            child(child(root, "author").unwrap(), "name")
                .unwrap()
                .text(),
            Some("Dinas Perpustakaan dan Kearsipan Kabupaten Trenggalek")
        );
        assert_eq!(
            link(root, "self"),
            Some("https://anjungan.example/cilen/feed.atom")
        );
        assert_eq!(
            link(root, "alternate"),
            Some("https://anjungan.example/cilen")
        );
        assert_eq!(
            child(root, "updated").unwrap().text(),
            Some("2026-11-03T03:00:00Z")
        );
        let entries: Vec<_> = root
            .children()
            .filter(|c| c.has_tag_name((ATOM, "entry")))
            .collect();
        assert_eq!(entries.len(), 2);
        for e in &entries {
            for name in ["id", "title", "updated", "published", "summary"] {
                let el = child(*e, name).unwrap_or_else(|| panic!("entry lacks {name}"));
                assert!(!el.text().unwrap_or("").is_empty());
            }
            assert!(is_rfc3339(child(*e, "updated").unwrap().text().unwrap()));
            assert!(is_rfc3339(child(*e, "published").unwrap().text().unwrap()));
            assert!(link(*e, "alternate").unwrap().starts_with("https://"));
            assert_eq!(e.attribute((XML, "lang")), Some("jv"));
            let cat = child(*e, "category").unwrap();
            assert_eq!(cat.attribute("term"), Some("cerita-rakyat"));
            assert_eq!(cat.attribute("label"), Some("Cerita rakyat"));
        }
        assert_eq!(
            child(entries[0], "published").unwrap().text(),
            Some("2026-11-02T02:30:15Z")
        );
        assert!(child(entries[0], "author").is_some());
        // The second entry has no author of its own and inherits the feed's.
        assert!(child(entries[1], "author").is_none());
    }

    #[test]
    fn an_empty_feed_is_still_valid() {
        let xml = render(&feed(vec![]));
        let doc = roxmltree::Document::parse(&xml).unwrap();
        assert!(child(doc.root_element(), "author").is_some());
    }

    #[test]
    fn escapes_everything_and_drops_illegal_characters() {
        let hostile = "<script>&\"'\u{0}\u{8}\u{FFFF}</script>";
        let mut e = entry(3, vec![hostile.into()]);
        e.title = hostile.into();
        e.summary = hostile.into();
        e.url = "https://x.example/a?b=1&c=\"2\"".into();
        e.categories = vec![(hostile.into(), hostile.into())];
        e.language = "id\"".into();
        let mut f = feed(vec![e]);
        f.title = hostile.into();
        let xml = render(&f);
        assert!(!xml.contains("<script>"));
        assert!(!xml.contains('\u{0}') && !xml.contains('\u{8}') && !xml.contains('\u{FFFF}'));
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let clean = "<script>&\"'</script>";
        let root = doc.root_element();
        assert_eq!(child(root, "title").unwrap().text(), Some(clean));
        let e = child(root, "entry").unwrap();
        assert_eq!(child(e, "title").unwrap().text(), Some(clean));
        assert_eq!(child(e, "summary").unwrap().text(), Some(clean));
        assert_eq!(
            child(child(e, "author").unwrap(), "name").unwrap().text(),
            Some(clean)
        );
        assert_eq!(
            child(e, "category").unwrap().attribute("label"),
            Some(clean)
        );
        assert_eq!(
            link(e, "alternate"),
            Some("https://x.example/a?b=1&c=\"2\"")
        );
    }
}

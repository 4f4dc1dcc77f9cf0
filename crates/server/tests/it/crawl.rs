//! Every page a role can reach by following links, on both backends: signed in as each demo
//! role (and as a guest), the crawler follows every internal link from the home page and the
//! dashboard and checks what a user would notice — no server error, no dead link, no raw
//! translation key on the page.

use crate::both_backends;
use crate::support::*;
use std::collections::{BTreeSet, VecDeque};

both_backends!(every_linked_page_answers_for_every_role);

/// Pages per role; the demo's long lists (157 villages, hundreds of services) are sampled by
/// keeping at most a few links of each path shape.
const PAGES_PER_ROLE: usize = 260;
const PER_SHAPE: usize = 3;

const ROLES: &[Option<&str>] = &[
    None,
    Some("admin@anjungan.test"),
    Some("koordinator@anjungan.test"),
    Some("operator.kominfo@anjungan.test"),
    Some("sekdes.nglinggis@anjungan.test"),
    Some("kades.nglinggis@anjungan.test"),
    Some("juri@anjungan.test"),
    Some("jurulelang.prigi@anjungan.test"),
    Some("kasir.prigi@anjungan.test"),
    Some("nelayan@anjungan.test"),
    Some("bakul@anjungan.test"),
    Some("pustakawan@anjungan.test"),
    Some("penulis@anjungan.test"),
    Some("warga@anjungan.test"),
];

/// Links not to follow: signing out ends the crawl's session, and live feeds never end.
fn skip(path: &str) -> bool {
    path.starts_with("/keluar")
        || path.ends_with("/feed")
        || path.ends_with("/ws")
        || path.starts_with("/api/")
        || path.starts_with("/open311/")
        || path.starts_with("/oai")
}

/// The audit log shows action codes (`auction.lot.register`) on purpose.
fn shows_codes(path: &str) -> bool {
    path.starts_with("/admin/audit")
}

/// The shape of a path: digits and long codes replaced, so `/layanan/desa/12` and
/// `/layanan/desa/13` count as one.
fn shape(path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    path.split('/')
        .map(|seg| {
            if seg.chars().any(|c| c.is_ascii_digit()) || seg.len() > 24 {
                "_"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("href=\"") {
        rest = &rest[i + 6..];
        let Some(end) = rest.find('"') else { break };
        let href = rest[..end].replace("&amp;", "&");
        rest = &rest[end..];
        if href.starts_with('/') && !href.starts_with("//") {
            let href = href.split('#').next().unwrap_or("").to_string();
            if !href.is_empty() {
                out.push(href);
            }
        }
    }
    out
}

/// A translation key that reached the page instead of its text, e.g. `stories.error.title`.
fn raw_key(html: &str) -> Option<String> {
    const ROOMS: &[&str] = &[
        "kernel.",
        "survey.",
        "innovation.",
        "festival.",
        "desk.",
        "stories.",
        "auction.",
        "error.",
        "nav.",
        "iid.",
    ];
    // Only text between tags counts (attribute values and scripts may hold such strings).
    let mut text = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        text.push(' ');
        rest = &rest[open..];
        let lower = rest.get(..8).unwrap_or(rest).to_ascii_lowercase();
        let closing = if lower.starts_with("<script") {
            "</script>"
        } else if lower.starts_with("<style") {
            "</style>"
        } else {
            ">"
        };
        match rest.find(closing) {
            Some(end) => rest = &rest[end + closing.len()..],
            None => rest = "",
        }
    }
    text.push_str(rest);
    text.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '_' && c != '.'))
        .find(|w| {
            ROOMS.iter().any(|r| w.starts_with(r))
                && w.matches('.').count() >= 1
                && !w.ends_with('.')
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
        })
        .map(str::to_string)
}

async fn every_linked_page_answers_for_every_role(app: TestApp) {
    let mut problems = Vec::new();
    let mut total = 0;
    for role in ROLES {
        let client = app.client();
        if let Some(login) = role {
            let r = app.login(&client, login, "anjungan-demo").await;
            assert_eq!(r.status(), 303, "{login} signs in");
        }
        let who = role.unwrap_or("guest");
        let mut seen = BTreeSet::new();
        let mut shapes = std::collections::HashMap::<String, usize>::new();
        let mut queue: VecDeque<(String, String)> = ["/", "/dasbor"]
            .iter()
            .map(|p| (p.to_string(), "(start)".to_string()))
            .collect();
        let mut pages = 0;
        while let Some((path, from)) = queue.pop_front() {
            if pages >= PAGES_PER_ROLE {
                break;
            }
            if !seen.insert(path.clone()) || skip(&path) {
                continue;
            }
            let n = shapes.entry(shape(&path)).or_default();
            *n += 1;
            if *n > PER_SHAPE {
                continue;
            }
            pages += 1;
            let r = client.get(app.url(&path)).send().await.unwrap();
            let status = r.status().as_u16();
            let html_page = r
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("text/html"));
            let body = r.bytes().await.unwrap_or_default();
            // 401/403 are the honest answer to a link a role may see but not open (none should
            // be offered, but a refusal is not a fault); 404 and 5xx are.
            if status >= 500 || status == 404 || status == 400 {
                problems.push(format!("{who}: {path} → {status} (linked from {from})"));
                continue;
            }
            if !html_page || status != 200 {
                continue;
            }
            let html = String::from_utf8_lossy(&body);
            if let Some(key) = raw_key(&html).filter(|_| !shows_codes(&path)) {
                problems.push(format!("{who}: {path} shows the raw key {key}"));
            }
            for link in links(&html) {
                if !seen.contains(&link) {
                    queue.push_back((link, path.clone()));
                }
            }
        }
        assert!(pages > 10, "{who} reached only {pages} pages");
        total += pages;
    }
    eprintln!("crawled {total} pages");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn shapes_links_and_keys() {
    assert_eq!(shape("/layanan/desa/12?x=1"), "/layanan/desa/_");
    assert_eq!(
        links(
            r#"<a href="/a?b=1&amp;c=2#x">a</a><a href="https://e.org">e</a><a href="//cdn">c</a>"#
        ),
        vec!["/a?b=1&c=2".to_string()]
    );
    assert_eq!(
        raw_key("<p>stories.error.title</p>"),
        Some("stories.error.title".into())
    );
    assert_eq!(
        raw_key(r#"<p data-x="stories.error.title">Judul</p>"#),
        None
    );
    assert_eq!(raw_key("<p>Lihat anjungan.test. Selesai.</p>"), None);
}

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

pub(crate) const ROLES: &[Option<&str>] = &[
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
pub(crate) fn skip(path: &str) -> bool {
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
pub(crate) fn shape(path: &str) -> String {
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

pub(crate) fn links(html: &str) -> Vec<String> {
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

/// Where a redirect leads, as a local path.
fn r_location(headers: &reqwest::header::HeaderMap) -> Option<String> {
    let l = headers.get("location")?.to_str().ok()?;
    Some(match l.find("://") {
        Some(i) => l[i + 3..]
            .find('/')
            .map_or("/".into(), |j| l[i + 3 + j..].to_string()),
        None => l.to_string(),
    })
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
            let headers = r.headers().clone();
            let html_page = r
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("text/html"));
            let body = r.bytes().await.unwrap_or_default();
            // 404 and 5xx are faults; so is a link to a page its visitor may not open.
            if status >= 500 || status == 404 || status == 400 {
                problems.push(format!("{who}: {path} → {status} (linked from {from})"));
                continue;
            }
            // A guest may follow a call to action to the sign-in page (write a story, register
            // as a buyer); a signed-in visitor is never sent there.
            let to_sign_in =
                role.is_some() && r_location(&headers).is_some_and(|l| l.starts_with("/masuk"));
            if status == 401 || status == 403 || to_sign_in {
                problems.push(format!(
                    "{who}: {from} links to {path}, which this visitor may not open ({status})"
                ));
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

both_backends!(a_guest_never_gets_a_private_file);

/// Every file reference in a page (`href` or `src`) or a JSON document (any string value).
fn file_refs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for marker in ["\"/berkas/", "\"/inovasi/"] {
        let mut rest = text;
        while let Some(i) = rest.find(marker) {
            rest = &rest[i + 1..];
            let end = rest.find('"').unwrap_or(rest.len());
            let r = rest[..end].replace("&amp;", "&");
            if r.starts_with("/berkas/") || r.contains("/lampiran/") || r.ends_with("/bukti") {
                out.push(r);
            }
            rest = &rest[end..];
        }
    }
    out
}

/// A guest follows every link from the home page and reads every public JSON collection the
/// API describes, fetching every file they reference: none of them is a private file (a
/// letter, a request's attachment, an import, evidence not public). And every private file
/// asked for by its digest is 404.
async fn a_guest_never_gets_a_private_file(app: TestApp) {
    evidence_of_every_kind(&app).await;
    let guest = app.client();
    let mut refs = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut shapes = std::collections::HashMap::<String, usize>::new();
    let mut queue: VecDeque<String> = VecDeque::from(["/".to_string()]);
    // The API's public collections, straight from its own description.
    let doc: serde_json::Value = guest
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if item.get("get").is_some() && !path.contains('{') {
            queue.push_back(path.clone());
        }
    }
    let mut pages = 0;
    while let Some(path) = queue.pop_front() {
        if pages >= 600 || !seen.insert(path.clone()) || skip(&path) && !path.starts_with("/api/") {
            continue;
        }
        if path.ends_with("/feed") || path.ends_with("/ws") {
            continue;
        }
        let n = shapes.entry(shape(&path)).or_default();
        *n += 1;
        if *n > 6 {
            continue;
        }
        pages += 1;
        let r = guest.get(app.url(&path)).send().await.unwrap();
        let kind = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        if r.status() != 200 || !(kind.starts_with("text/html") || kind.contains("json")) {
            continue;
        }
        let text = r.text().await.unwrap_or_default();
        refs.extend(file_refs(&text));
        if kind.starts_with("text/html") {
            for link in links(&text) {
                queue.push_back(link);
            }
        }
    }
    assert!(pages > 50, "the guest reached {pages} pages");
    let db = &app.state.db;
    // What a guest may have: public files, and evidence of a public (verified) innovation.
    let allowed: BTreeSet<String> = sqlx::query_scalar(
        "SELECT sha256 FROM files WHERE access = 'public' \
         UNION SELECT d.file_sha256 FROM innovation_documents d JOIN innovations i ON i.id = d.innovation_id WHERE i.status = 'verified' \
         UNION SELECT a.evidence FROM iid_answers a JOIN innovations i ON a.subject = 'innovation:' || CAST(i.id AS TEXT) \
               WHERE i.status = 'verified' AND a.review = 'accepted' AND a.evidence IS NOT NULL",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap()
    .into_iter()
    .collect();
    let mut fetched = 0;
    for r in &refs {
        let resp = guest.get(app.url(r)).send().await.unwrap();
        if resp.status() != 200 {
            continue;
        }
        let body = resp.bytes().await.unwrap();
        let sha = anjungan_kernel::crypto::sha256_hex(&body);
        assert!(
            allowed.contains(&sha),
            "a guest got the private file {sha} at {r}"
        );
        fetched += 1;
    }
    assert!(
        fetched > 0,
        "the guest found files to fetch ({} references)",
        refs.len()
    );
    let private: Vec<String> =
        sqlx::query_scalar("SELECT sha256 FROM files WHERE access = 'private'")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert!(
        !private.is_empty(),
        "the demo stores private files (letters)"
    );
    for sha in &private {
        let r = guest
            .get(app.url(&format!("/berkas/{sha}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "/berkas/{sha}");
    }
    eprintln!(
        "guest crawl: {pages} pages and API documents, {} file references, {fetched} fetched; {} private files refused",
        refs.len(),
        private.len()
    );
}

/// A distinct small PNG.
fn png(tag: u8) -> Vec<u8> {
    vec![
        0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R', tag,
    ]
}

/// Files of every class where guests could meet them: a photo and a document on a verified
/// innovation (public while it is), the same on a draft (private), a lot's photo (public).
async fn evidence_of_every_kind(app: &TestApp) {
    use anjungan_innovation::domain::documents;
    let db = &app.state.db;
    let keys = &app.state.keys;
    let dir = &app.state.config.data_dir;
    let actor = anjungan_kernel::audit::Actor::system("test");
    let private = anjungan_kernel::files::domain::Access::Private;
    for (status, tag) in [("verified", 1u8), ("draft", 2u8)] {
        let id: i64 =
            sqlx::query_scalar("SELECT id FROM innovations WHERE status = $1 ORDER BY id LIMIT 1")
                .bind(status)
                .fetch_one(&db.pool)
                .await
                .unwrap();
        let photo = png(tag);
        let new = documents::photo("Foto layanan", &photo, 1 << 20).unwrap();
        let file = anjungan_kernel::files::store::prepare(
            db,
            dir,
            keys,
            private,
            "foto.png",
            &photo,
            1 << 20,
        )
        .await
        .unwrap();
        anjungan_innovation::service::documents::attach(db, &actor, id, &new, file)
            .await
            .unwrap();
        let pdf = format!("%PDF-1.4\n% bukti {status}\n").into_bytes();
        let new = documents::document("regulation", "Perbup", &pdf, 1 << 20).unwrap();
        let file = anjungan_kernel::files::store::prepare(
            db,
            dir,
            keys,
            private,
            "perbup.pdf",
            &pdf,
            1 << 20,
        )
        .await
        .unwrap();
        anjungan_innovation::service::documents::attach(db, &actor, id, &new, file)
            .await
            .unwrap();
    }
    let lot: i64 = sqlx::query_scalar(
        "SELECT id FROM auction_lots WHERE state NOT IN ('sold', 'unsold') ORDER BY id LIMIT 1",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let stored = anjungan_kernel::files::store::put(
        db,
        dir,
        keys,
        &actor,
        anjungan_kernel::files::domain::Access::Public,
        "ikan.png",
        &png(3),
        1 << 20,
    )
    .await
    .unwrap();
    anjungan_auction::service::lots::add_photo(db, &actor, lot, &stored.sha256)
        .await
        .unwrap();
}

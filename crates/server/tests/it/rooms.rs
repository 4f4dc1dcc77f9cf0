//! The rooms as the binary installs them: their strings complete in both languages, their
//! migrations with versions of their own, their files served, their cards on the home page.

use crate::support::*;
use anjungan_kernel::i18n::{Lang, keys};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_room_installs_its_parts() {
    let app = TestApp::start(Backend::Sqlite).await.unwrap();
    let rooms = anjungan_server::ROOMS;
    assert_eq!(anjungan_kernel::room::installed().len(), rooms.len());
    // Strings: every key in both languages, and each room's own present.
    let (id, en) = (keys(Lang::Id), keys(Lang::En));
    assert_eq!(id, en);
    for key in [
        "auction.title",
        "desk.title",
        "stories.title",
        "dash.survey",
        "dash.festival",
    ] {
        assert!(id.contains(&key), "{key}");
    }
    // Migrations: one version each, all applied.
    let mut versions: Vec<i64> = rooms
        .iter()
        .flat_map(|r| r.sqlite_migrations.iter().map(|m| m.version))
        .collect();
    let n = versions.len();
    versions.sort();
    versions.dedup();
    assert_eq!(versions.len(), n, "duplicate migration versions");
    let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(applied as usize > n, "kernel and rooms: {applied}");
    // Files and home-page cards.
    for (file, room) in [("kiosk.js", "survey"), ("lelang.js", "auction")] {
        let r = app
            .client()
            .get(app.url(&format!("/static/{file}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{room}'s {file}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/javascript")
        );
    }
    let home = app
        .client()
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let order: Vec<usize> = ["/festival", "/layanan", "/ikm", "/cerita", "/lelang"]
        .iter()
        .map(|href| {
            home.find(&format!("href=\"{href}\""))
                .unwrap_or_else(|| panic!("{href} on the home page"))
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
}

/// Every room has the same parts, and each part keeps to its own: SQL only in `store` (and the
/// services that drive a transaction), no HTTP or templates in `domain`, `store` or `service`.
#[test]
fn every_room_has_the_same_shape() {
    let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut problems = Vec::new();
    let mut scanned = 0;
    for room in anjungan_server::ROOMS {
        let src = crates.join(room.name).join("src");
        for part in [
            "lib.rs", "room.rs", "error.rs", "demo.rs", "domain", "store", "service", "render",
            "web",
        ] {
            if !src.join(part).exists() {
                problems.push(format!("{}: no src/{part}", room.name));
            }
        }
        for (part, banned) in [
            ("domain", &["sqlx", "axum", "askama", "clock::now_ms"][..]),
            ("store", &["axum::", "askama"][..]),
            ("service", &["axum::", "askama"][..]),
            ("render", &["sqlx", "axum::"][..]),
            ("web", &["sqlx::query", "sqlx::raw_sql", "begin_write"][..]),
        ] {
            for file in rust_files(&src.join(part)) {
                scanned += 1;
                let text = std::fs::read_to_string(&file).unwrap();
                // Unit tests may build what they check however they like.
                let code = text.split("#[cfg(test)]").next().unwrap_or("");
                for b in banned {
                    if code.contains(b) {
                        problems.push(format!("{}: {b}", file.display()));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    // The rooms' sources were found (the check above cannot pass by reading nothing).
    assert!(scanned > 100, "only {scanned} files read");
}

/// A room's store is SQL only: auditing and queueing messages are a use case's, in `service`.
#[test]
fn stores_leave_audit_and_messages_to_the_services() {
    let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut problems = Vec::new();
    for room in anjungan_server::ROOMS {
        let files = rust_files(&crates.join(room.name).join("src").join("store"));
        assert!(!files.is_empty(), "{}: no store files", room.name);
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            for call in ["audit::store::write", "outbox::store::enqueue"] {
                if code.contains(call) {
                    problems.push(format!("{}: {call}", f.display()));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out
}

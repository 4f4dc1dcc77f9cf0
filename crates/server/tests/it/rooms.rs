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

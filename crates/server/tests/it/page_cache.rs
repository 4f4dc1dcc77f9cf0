//! The page cache as guests, signed-in people and a second node meet it: guests share the pages
//! that are the same for all of them, nobody else ever gets a kept page, and every write (on
//! this node or another) is seen on the next request.

use crate::both_backends;
use crate::support::*;
use anjungan_kernel::audit::Actor;
use anjungan_kernel::web::AppState;
use std::io::Read;
use std::net::SocketAddr;

/// Every page the cache keeps for guests, with the demo's ids found on the index pages.
async fn cached_pages(app: &TestApp) -> Vec<String> {
    let guest = app.client();
    // The first link to one record under `prefix` (an id or a code, not an export).
    let first = |html: &str, prefix: &str| -> String {
        html.match_indices(&format!("href=\"{prefix}"))
            .map(|(at, _)| {
                let rest = &html[at + 6..];
                rest[..rest.find('"').unwrap()].to_string()
            })
            .find(|link| {
                let tail = &link[prefix.len()..];
                // Ids are numbers; only the service desk's units go by code.
                (tail.starts_with(|c: char| c.is_ascii_digit()) || prefix == "/layanan/unit/")
                    && tail
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_?=".contains(&b))
            })
            .unwrap_or_else(|| panic!("no link to a record under {prefix}"))
    };
    let get = |path: &'static str| {
        let guest = guest.clone();
        let url = app.url(path);
        async move { guest.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let inovasi = get("/inovasi").await;
    let ikm = get("/ikm").await;
    let layanan = get("/layanan").await;
    let cerita = get("/cerita").await;
    let work = first(&cerita, "/cerita/karya/");
    let mut pages: Vec<String> = [
        "/",
        "/inovasi",
        "/inovasi/indeks",
        "/festival",
        "/festival/2",
        "/festival/2/agenda.ics",
        "/festival/2/schedule.json",
        "/festival/2/schedule.xml",
        "/festival/2/hasil",
        "/ikm",
        "/layanan",
        "/cerita",
        "/cerita/feed.atom",
        "/lelang",
        "/lelang/aturan",
        "/lelang/harga",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    pages.push(first(&inovasi, "/inovasi/"));
    pages.push(first(&ikm, "/ikm/unit/"));
    pages.push(first(&layanan, "/layanan/unit/"));
    pages.push(format!("{work}/bab/1"));
    pages
}

struct Got {
    status: u16,
    cache: Option<String>,
    etag: Option<String>,
    body: String,
}

async fn fetch(client: &reqwest::Client, url: &str) -> Got {
    let r = client.get(url).send().await.unwrap();
    let header = |n: &str| {
        r.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (status, cache, etag) = (r.status().as_u16(), header("x-cache"), header("etag"));
    Got {
        status,
        cache,
        etag,
        body: r.text().await.unwrap(),
    }
}

async fn guests_share_pages_and_nobody_else_does(app: TestApp) {
    let pages = cached_pages(&app).await;
    let guest = app.client();
    let other_guest = app.client();
    let admin = app.signed_in("admin@anjungan.test").await;
    for page in &pages {
        let url = app.url(page);
        let first = fetch(&guest, &url).await;
        assert_eq!(first.status, 200, "{page}");
        let again = fetch(&other_guest, &url).await;
        assert_eq!(
            again.cache.as_deref(),
            Some("hit"),
            "{page} is kept for guests"
        );
        assert_eq!(
            again.body, first.body,
            "{page}: every guest gets the same page"
        );
        // A client that already has the page is told so without the bytes.
        let etag = again.etag.clone().expect("an ETag");
        let r = guest
            .get(&url)
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 304, "{page}: If-None-Match");
        assert!(r.bytes().await.unwrap().is_empty());
        // The compressed copies are the same page.
        for coding in ["gzip", "br"] {
            let r = guest
                .get(&url)
                .header("accept-encoding", coding)
                .send()
                .await
                .unwrap();
            let vary = r.headers()["vary"].to_str().unwrap().to_string();
            assert!(
                vary.contains("accept-encoding") && vary.contains("cookie"),
                "{page}: Vary {vary}"
            );
            let encoded = r
                .headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap().to_string());
            let bytes = r.bytes().await.unwrap();
            let plain = match encoded.as_deref() {
                Some("gzip") => {
                    let mut s = String::new();
                    flate2::read::GzDecoder::new(&bytes[..])
                        .read_to_string(&mut s)
                        .unwrap();
                    s
                }
                Some("br") => {
                    let mut out = Vec::new();
                    brotli::BrotliDecompress(&mut &bytes[..], &mut out).unwrap();
                    String::from_utf8(out).unwrap()
                }
                _ => String::from_utf8(bytes.to_vec()).unwrap(),
            };
            assert_eq!(plain, first.body, "{page} as {coding}");
        }
        // Signed in, the page is made for this person and never kept or served from the cache.
        let mine = fetch(&admin, &url).await;
        assert_eq!(mine.status, 200, "{page} signed in");
        assert_eq!(
            mine.cache, None,
            "{page}: a signed-in page never comes from the cache"
        );
        let still = fetch(&guest, &url).await;
        assert_eq!(
            still.cache.as_deref(),
            Some("hit"),
            "{page}: guests still share it"
        );
        assert_eq!(still.body, first.body);
    }
    // The dashboard is personal: never kept.
    for _ in 0..2 {
        assert_eq!(fetch(&admin, &app.url("/dasbor")).await.cache, None);
    }
    // A page with a form for guests is kept with holes: each guest gets their own CSRF token,
    // plain and gzipped, and the token works; a new visitor gets a token and its cookie.
    let cerita = fetch(&guest, &app.url("/cerita")).await.body;
    let at = cerita.find("href=\"/cerita/karya/").unwrap() + 6;
    let work = cerita[at..at + cerita[at..].find('"').unwrap()].to_string();
    let layanan = fetch(&guest, &app.url("/layanan")).await.body;
    let at = layanan.find("href=\"/layanan/unit/").unwrap() + 6;
    let unit = layanan[at..at + layanan[at..].find('"').unwrap()].to_string();
    let unit_page = fetch(&guest, &app.url(&unit)).await.body;
    let at = unit_page
        .find("href=\"/layanan/s/")
        .expect("a service of the unit")
        + 6;
    let service = unit_page[at..at + unit_page[at..].find('"').unwrap()].to_string();
    for page in [work.clone(), service] {
        let url = app.url(&page);
        let a = fetch(&guest, &url).await;
        let b = fetch(&other_guest, &url).await;
        assert_eq!(b.cache.as_deref(), Some("hit"), "{page} is kept for guests");
        let (ta, tb) = (
            extract_csrf(&a.body).unwrap(),
            extract_csrf(&b.body).unwrap(),
        );
        assert_ne!(ta, tb, "{page}: each guest their own token");
        assert_eq!(a.body.replace(&ta, "T"), b.body.replace(&tb, "T"), "{page}");
        let r = other_guest
            .get(&url)
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["content-encoding"], "gzip");
        assert!(
            r.headers()["cache-control"]
                .to_str()
                .unwrap()
                .contains("private")
        );
        let mut plain = String::new();
        flate2::read::GzDecoder::new(&r.bytes().await.unwrap()[..])
            .read_to_string(&mut plain)
            .unwrap();
        assert_eq!(plain, b.body, "{page} gzipped");
        // A first-time visitor: a token in the page and the same one in the cookie.
        let r = app.client().get(&url).send().await.unwrap();
        assert_eq!(r.headers()["x-cache"], "hit");
        let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
        let body = r.text().await.unwrap();
        let token = extract_csrf(&body).unwrap();
        assert!(
            cookie.starts_with(&format!("anj_csrf={token};")),
            "{cookie}"
        );
        // An ETag per guest: the other guest's copy is not theirs.
        let r = guest
            .get(&url)
            .header("if-none-match", b.etag.as_deref().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200, "{page}");
    }
    // The token from a kept page is the guest's own: their kudos is accepted.
    let page = fetch(&other_guest, &app.url(&work)).await;
    let token = extract_csrf(&page.body).unwrap();
    let r = other_guest
        .post(app.url(&format!("{work}/kudos")))
        .form(&[("_csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303, "kudos with the kept page's token");
}

async fn every_cached_page_is_made_again_after_a_write(app: TestApp) {
    let pages = cached_pages(&app).await;
    let guest = app.client();
    let warm = async |pages: &[String]| {
        for page in pages {
            fetch(&guest, &app.url(page)).await;
            assert_eq!(
                fetch(&guest, &app.url(page)).await.cache.as_deref(),
                Some("hit"),
                "{page}"
            );
        }
    };
    warm(&pages).await;
    // Rename the agency behind the first innovation: its pages must show the new name at once.
    let innovation = pages
        .iter()
        .find(|p| p.starts_with("/inovasi/") && p[9..].parse::<i64>().is_ok())
        .unwrap()
        .clone();
    let id: i64 = innovation[9..].parse().unwrap();
    let org_id: i64 = sqlx::query_scalar("SELECT org_id FROM innovations WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let org = anjungan_kernel::orgs::store::get(&app.state.db, org_id)
        .await
        .unwrap()
        .unwrap();
    let before = fetch(&guest, &app.url(&innovation)).await.body;
    assert!(before.contains(&org.name), "{innovation} shows its agency");
    let renamed = "Dinas Uji Tembolok Halaman";
    let mut profile: anjungan_kernel::orgs::domain::OrgProfile =
        serde_json::from_value(serde_json::json!({ "name": renamed })).unwrap();
    profile.short_name = org.short_name.clone();
    anjungan_kernel::orgs::store::update_profile(
        &app.state.db,
        &Actor::system("test"),
        &org,
        profile,
    )
    .await
    .unwrap();
    for page in &pages {
        let now = fetch(&guest, &app.url(page)).await;
        assert_eq!(
            now.cache.as_deref(),
            Some("miss"),
            "{page} is made again after a write"
        );
    }
    let after = fetch(&guest, &app.url(&innovation)).await.body;
    assert!(
        after.contains(renamed) && !after.contains(&org.name),
        "{innovation} shows the new name"
    );
    // A write narrowed to Lion (a bid) ends Lion's pages and the home page, not the others'.
    warm(&pages).await;
    let mut tx = app.state.db.begin_write().await.unwrap();
    tx.only_affects("auction");
    sqlx::query("UPDATE organisations SET updated_at = updated_at WHERE id = $1")
        .bind(org_id)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    for page in &pages {
        let expected = if page.starts_with("/lelang") {
            "miss"
        } else {
            "hit"
        };
        assert_eq!(
            fetch(&guest, &app.url(page)).await.cache.as_deref(),
            Some(expected),
            "{page} after a bid"
        );
    }
    // A write no page shows (a sign-in) leaves every page kept.
    warm(&pages).await;
    app.signed_in("admin@anjungan.test").await;
    for page in &pages {
        assert_eq!(
            fetch(&guest, &app.url(page)).await.cache.as_deref(),
            Some("hit"),
            "{page} after a sign-in"
        );
    }
    // Moving the clock changes what time-bound pages show: nothing kept survives it.
    app.state.clock.advance(60_000);
    for page in &pages {
        assert_eq!(
            fetch(&guest, &app.url(page)).await.cache.as_deref(),
            Some("miss"),
            "{page} after the clock moved"
        );
    }
}

both_backends!(
    guests_share_pages_and_nobody_else_does,
    every_cached_page_is_made_again_after_a_write
);

/// Two nodes on one PostgreSQL: a change written through one is seen on the other's next
/// request after the commit's announcement arrives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_on_one_node_ends_the_page_on_the_other() {
    let Some(a) = TestApp::start(Backend::Postgres).await else {
        return;
    };
    // Node B: its own pool, counters and cache on the same database, listening as serve() does.
    let db_b = anjungan_kernel::Db::connect(&a.db.url, 4).await.unwrap();
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let listener = anjungan_kernel::versions::listen(&db_b, a.db.url.clone(), stop_rx).unwrap();
    let state_b = AppState::new(db_b.clone(), a.state.config.clone(), a.state.keys.clone());
    let socket = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_b = format!("http://{}", socket.local_addr().unwrap());
    let app_b = anjungan_server::app(state_b);
    tokio::spawn(async move {
        axum::serve(
            socket,
            app_b.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    // Wait for B's listener to be listening (the announcement of a write before that is lost,
    // which the listener makes up for by counting its reconnection as a write).
    let mut listening = false;
    for _ in 0..200 {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() \
             AND query LIKE 'LISTEN%anjungan_pages%'",
        )
        .fetch_one(&a.state.db.pool)
        .await
        .unwrap();
        if n > 0 {
            listening = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(listening, "node B listens");
    let guest = a.client();
    let page = format!("{base_b}/inovasi");
    fetch(&guest, &page).await;
    // The listener may still be connecting: wait until B keeps the page under its counters.
    let mut kept = false;
    for _ in 0..100 {
        if fetch(&guest, &page).await.cache.as_deref() == Some("hit") {
            kept = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(kept, "node B keeps the catalogue");
    let org_id: i64 = sqlx::query_scalar(
        "SELECT org_id FROM innovations WHERE status = 'verified' ORDER BY id LIMIT 1",
    )
    .fetch_one(&a.state.db.pool)
    .await
    .unwrap();
    let org = anjungan_kernel::orgs::store::get(&a.state.db, org_id)
        .await
        .unwrap()
        .unwrap();
    let renamed = "Dinas Uji Dua Simpul";
    let mut profile: anjungan_kernel::orgs::domain::OrgProfile =
        serde_json::from_value(serde_json::json!({ "name": renamed })).unwrap();
    profile.short_name = org.short_name.clone();
    // Written through node A.
    anjungan_kernel::orgs::store::update_profile(
        &a.state.db,
        &Actor::system("test"),
        &org,
        profile,
    )
    .await
    .unwrap();
    // Delivered with the commit; allow the notification its trip.
    let mut seen = false;
    for _ in 0..100 {
        if fetch(&guest, &page).await.body.contains(renamed) {
            seen = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(seen, "node B shows node A's change");
    let _ = stop.send(true);
    let _ = listener.await;
}

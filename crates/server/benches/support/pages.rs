//! `-- pages [postgres]`: every page that is the same for every guest, against a static file
//! server (`tower-http`'s `ServeDir`, precompressed gzip) serving the very bytes saved from
//! each page, in the same process and the same run; prints both rates and their ratio, and
//! a signed-in dashboard's rate.

use super::{CONNECTIONS, Outcome, hammer_many_with, pct};
use anjungan_kernel::web::AppState;
use std::net::SocketAddr;
use std::time::Instant;

/// Serves `app` on a free port with `TCP_NODELAY`, as `anjungan serve` does (without it, a body
/// written after its headers waits for the client's delayed ACK: 40 ms).
async fn serve(app: axum::Router) -> String {
    use axum::serve::ListenerExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap()
    });
    format!("http://{addr}")
}

/// The first link on `html` to one record under `prefix` (an id or a code).
fn first(html: &str, prefix: &str) -> String {
    html.match_indices(&format!("href=\"{prefix}"))
        .map(|(at, _)| {
            let rest = &html[at + 6..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .find(|l| {
            let tail = &l[prefix.len()..];
            tail.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_?=".contains(&b))
                && !tail.is_empty()
                && !tail.starts_with("kelola")
        })
        .unwrap_or_else(|| panic!("no link under {prefix}"))
}

pub async fn run(postgres: bool) {
    let test_db = anjungan_kernel::testkit::TestDb::new(if postgres {
        anjungan_kernel::testkit::Backend::Postgres
    } else {
        anjungan_kernel::testkit::Backend::Sqlite
    })
    .await
    .expect("ANJUNGAN_TEST_POSTGRES_URL names the PostgreSQL server to measure");
    let mut cfg = anjungan_kernel::Config {
        data_dir: test_db.dir.path().to_path_buf(),
        database_url: Some(test_db.url.clone()),
        db_max_connections: 8,
        ..Default::default()
    };
    let (db, keys) = anjungan_server::open(&mut cfg).await.unwrap();
    anjungan_server::demo::load(&db, &keys, &cfg.data_dir, &cfg.base_url)
        .await
        .unwrap();
    let state = AppState::new(db.clone(), cfg.clone(), keys.clone());
    let base = serve(anjungan_server::app(state)).await;
    let client = anjungan_kernel::http::client()
        .unwrap()
        .pool_max_idle_per_host(CONNECTIONS)
        .build()
        .unwrap();
    let text = |path: String| {
        let client = client.clone();
        let url = format!("{base}{path}");
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let mut pages: Vec<String> = [
        "/",
        "/inovasi",
        "/festival/2",
        "/festival/2/agenda.ics",
        "/festival/2/schedule.json",
        "/festival/2/hasil",
        "/ikm",
        "/layanan",
        "/cerita",
        "/cerita/feed.atom",
        "/lelang",
        "/lelang/harga",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    pages.push(first(&text("/inovasi".into()).await, "/inovasi/"));
    pages.push(first(&text("/ikm".into()).await, "/ikm/unit/"));
    let index = text("/layanan".into()).await;
    pages.push(first(&index, "/layanan/unit/"));
    // A service's page holds its request form: kept with holes for each guest's token. The
    // first unit that offers a service.
    let mut service = None;
    for (at, _) in index.match_indices("href=\"/layanan/unit/") {
        let rest = &index[at + 6..];
        let page = text(rest[..rest.find('"').unwrap()].to_string()).await;
        if let Some(at) = page.find("href=\"/layanan/s/") {
            let rest = &page[at + 6..];
            service = Some(rest[..rest.find('"').unwrap()].to_string());
            break;
        }
    }
    pages.push(service.expect("a unit with a service"));
    let work = first(&text("/cerita".into()).await, "/cerita/karya/");
    pages.push(work.clone());
    pages.push(format!("{work}/bab/1"));
    // The very bytes of each page, plain and as the cache sends gzip, saved as files.
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let url = format!("{base}{page}");
        let plain = client
            .get(&url)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let gz = client
            .get(&url)
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        let kept = gz.headers().contains_key("x-cache");
        let gz = gz.bytes().await.unwrap();
        let name = format!("p{i}");
        std::fs::write(dir.path().join(&name), &plain).unwrap();
        std::fs::write(dir.path().join(format!("{name}.gz")), &gz).unwrap();
        files.push((name, kept, gz.len()));
    }
    let statics = serve(
        axum::Router::new()
            .fallback_service(tower_http::services::ServeDir::new(dir.path()).precompressed_gzip()),
    )
    .await;
    let seconds = super::seconds();
    println!(
        "pages on {}: {CONNECTIONS} connections, {seconds} s per target and server, gzip, load generator on the same machine",
        db.backend.name()
    );
    println!(
        "{:<28} {:>7} {:>6} {:>10} {:>10} {:>6} {:>8} {:>8}",
        "page", "gz B", "kept", "req/s", "static/s", "ratio", "p99 ms", "st p99"
    );
    let mut worst: f64 = f64::MAX;
    for (page, (file, kept, size)) in pages.iter().zip(&files) {
        let ours = vec![format!("{base}{page}")];
        let theirs = vec![format!("{statics}/{file}")];
        let _ = hammer_many_with(client.clone(), ours.clone(), CONNECTIONS).await; // warm-up
        let a: Outcome = hammer_many_with(client.clone(), ours, CONNECTIONS).await;
        let b: Outcome = hammer_many_with(client.clone(), theirs, CONNECTIONS).await;
        let (ra, rb) = (rate(&a), rate(&b));
        worst = worst.min(ra / rb);
        println!(
            "{:<28} {:>7} {:>6} {:>10.0} {:>10.0} {:>5.0}% {:>8.2} {:>8.2}{}",
            page.chars().take(28).collect::<String>(),
            size,
            if *kept { "yes" } else { "no" },
            ra,
            rb,
            100.0 * ra / rb,
            pct(&a.latencies, 0.99),
            pct(&b.latencies, 0.99),
            if a.errors + b.errors > 0 {
                format!("  errors {} / {}", a.errors, b.errors)
            } else {
                String::new()
            }
        );
    }
    println!("lowest ratio: {:.0}%", 100.0 * worst);
    // A signed-in dashboard: never cached, made for the person each time.
    let user = anjungan_kernel::identity::store::user_id_by_email(
        &db,
        &anjungan_kernel::identity::domain::Email::parse("admin@anjungan.test").unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    let token = anjungan_kernel::identity::service::open_session(
        &db,
        &anjungan_kernel::audit::Actor::system("bench"),
        user,
        8,
    )
    .await
    .unwrap();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::COOKIE,
        format!("anj_session={token}").parse().unwrap(),
    );
    let signed_in = anjungan_kernel::http::client()
        .unwrap()
        .default_headers(headers)
        .pool_max_idle_per_host(CONNECTIONS)
        .build()
        .unwrap();
    let t = Instant::now();
    let d = hammer_many_with(signed_in, vec![format!("{base}/dasbor")], CONNECTIONS).await;
    println!(
        "{:<28} {:>7} {:>6} {:>10.0} {:>10} {:>6} {:>8.2} ({} errors, {:.0} s)",
        "/dasbor (admin, signed in)",
        "",
        "no",
        rate(&d),
        "",
        "",
        pct(&d.latencies, 0.99),
        d.errors,
        t.elapsed().as_secs_f64()
    );
}

fn rate(o: &Outcome) -> f64 {
    o.requests as f64 / o.elapsed.as_secs_f64()
}

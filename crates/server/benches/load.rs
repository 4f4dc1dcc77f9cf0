//! HTTP load generator: the public innovation catalogue, a catalogue search and an innovation page
//! over the demo data scaled to 10,000 verified innovations, the IKM index page, and durable
//! votes (`POST /api/v1/festival/editions/{n}/votes`, each a committed transaction with its
//! audit entry) — 64 connections for 10 s each against the real application on SQLite. Prints
//! requests per second and latency percentiles. Run: `cargo bench -p anjungan --bench load`
//! (`-- votes` for the votes alone). `-- desk` measures Petung Dadi instead: with 1,000,000
//! requests in the database, durable submissions (`POST /api/v1/layanan/requests`, each a
//! committed transaction with its history, audit entry and WhatsApp notice), the public
//! tracking page and Open311 `GET requests/{id}.json`. `-- stories` measures Cilen: search and
//! reading pages over 100,000 works with 1,000,000 chapters. `-- auction` measures Lion:
//! acknowledged bids end to end and 1,000 live watchers of the session's feed. `-- pages`
//! (`-- pages postgres`) measures every page that is the same for every guest against a static
//! file server serving the same bytes, and a signed-in dashboard. `ANJUNGAN_BENCH_SECONDS`
//! sets the seconds per target (10 by default).

// A test or a benchmark fails loudly: unwrapping is how it says so.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/auction.rs"]
mod auction;
#[path = "support/pages.rs"]
mod pages;
#[path = "support/stories.rs"]
mod stories;

use anjungan_kernel::web::AppState;

/// The same allocator as the `anjungan` binary, so the server in this process is the one
/// that ships.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

const INNOVATIONS: usize = 10_000;
const CONNECTIONS: usize = 64;
const SECONDS: u64 = 10;
/// Voters with a code ready: more than the run can use at the target rate.
const VOTERS: usize = 60_000;

fn report(name: &str, o: &Outcome) {
    println!(
        "{:<18} {:>10.0} {:>8.2} {:>8.2} {:>8.2} {:>7}",
        name,
        o.requests as f64 / o.elapsed.as_secs_f64(),
        pct(&o.latencies, 0.50),
        pct(&o.latencies, 0.99),
        o.latencies
            .last()
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(0.0),
        o.errors
    );
}

async fn scale(db: &anjungan_kernel::Db) -> i64 {
    let (profile, org): (String, i64) = sqlx::query_as(
        "SELECT p.profile, i.org_id FROM innovations i JOIN innovation_profiles p ON p.innovation_id = i.id WHERE i.status = 'verified' ORDER BY i.id LIMIT 1",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let mut tx = db.begin_write().await.unwrap();
    let now = anjungan_kernel::clock::now_ms();
    let stages = ["inisiatif", "uji_coba", "penerapan"];
    let mut last = 0;
    for n in 0..INNOVATIONS {
        let name = format!("Inovasi Layanan {n:05}");
        let profile = profile.replacen(
            "Petung Dadi (Pelayanan Tunggal Dengan Sepenuh Hati)",
            &name,
            1,
        );
        last = sqlx::query_scalar(
            "INSERT INTO innovations (org_id, name, stage, kind, form, affair, year, status, search, version, created_at, updated_at, verified_at) \
             VALUES ($1, $2, $3, 'digital', 'pelayanan_publik', 'komunikasi_informatika', $4, 'verified', $5, 1, $6, $6, $6) RETURNING id",
        )
        .bind(org)
        .bind(&name)
        .bind(stages[n % 3])
        .bind(2015 + (n % 10) as i64)
        .bind(format!("{} layanan warga desa {}", name.to_lowercase(), n % 97))
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        sqlx::query("INSERT INTO innovation_profiles (innovation_id, profile) VALUES ($1, $2)")
            .bind(last)
            .bind(&profile)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    last
}

/// An edition whose public vote is open, with entries and `n` one-time codes issued (as if each
/// voter had asked for one); returns the edition number, the entry ids and the codes.
async fn open_vote(
    db: &anjungan_kernel::Db,
    keys: &anjungan_kernel::crypto::Keys,
    n: usize,
) -> (i64, Vec<i64>, Vec<String>) {
    use anjungan_festival::domain::phase::{Phase, PhaseKind};
    use anjungan_festival::store;
    let actor = anjungan_kernel::audit::Actor::system("bench");
    let now = anjungan_kernel::clock::now_ms();
    let edition = anjungan_festival::service::editions::create_edition(
        db,
        &actor,
        &store::NewEdition {
            number: 90,
            year: 2090,
            theme: "Beban",
            venue: "Pendopo",
            starts_on: "2090-01-01",
            ends_on: "2090-01-02",
            mode: "hybrid",
            entry_limit: 9,
            phases: vec![Phase {
                kind: PhaseKind::Final,
                starts_at: now - 3_600_000,
                ends_at: now + 3_600_000,
                voting: true,
            }],
        },
    )
    .await
    .unwrap();
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, org_id FROM innovations WHERE status = 'verified' ORDER BY id LIMIT 12",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let mut entries = Vec::new();
    for (inv, org) in rows {
        entries.push(
            anjungan_festival::service::entries::add_entry(db, &actor, edition, inv, org)
                .await
                .unwrap(),
        );
    }
    // Each voter asks for a code through the kernel, from an address of their own (the limits
    // per address would stop one address at thirty).
    let mut codes = Vec::with_capacity(n);
    let mut tx = db.begin_write().await.unwrap();
    for i in 0..n {
        let code = anjungan_kernel::otp::store::issue(
            &mut tx,
            keys,
            &anjungan_kernel::otp::Limits::default(),
            &format!("festival-vote:{edition}"),
            &voter(i),
            &format!("bench-{i}"),
            now,
        )
        .await
        .unwrap()
        .unwrap();
        codes.push(code);
    }
    tx.commit().await.unwrap();
    (90, entries, codes)
}

/// The i-th voter's phone number, as the vote normalises it.
fn voter(i: usize) -> String {
    anjungan_kernel::identity::domain::Phone::parse(&format!("0812{i:08}"))
        .unwrap()
        .as_str()
        .to_string()
}

/// 64 connections casting votes, each with a fresh voter, for the run's duration.
async fn vote_storm(
    client: reqwest::Client,
    url: String,
    entries: Vec<i64>,
    codes: Vec<String>,
) -> Outcome {
    let voters = codes.len();
    let codes = std::sync::Arc::new(codes);
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let start = Instant::now();
    let deadline = start + Duration::from_secs(SECONDS);
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let (client, url, next, entries, codes) = (
            client.clone(),
            url.clone(),
            next.clone(),
            entries.clone(),
            codes.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0;
            while Instant::now() < deadline {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= voters {
                    break;
                }
                let body = serde_json::json!({"contact": voter(i), "code": codes[i], "entry": entries[i % entries.len()]});
                let t = Instant::now();
                match client.post(&url).json(&body).send().await {
                    Ok(r) if r.status() == 201 => {
                        let _ = r.bytes().await;
                        lat.push(t.elapsed());
                    }
                    _ => errors += 1,
                }
            }
            (lat, errors)
        }));
    }
    collect(tasks, start).await
}

async fn collect(
    tasks: Vec<tokio::task::JoinHandle<(Vec<Duration>, usize)>>,
    start: Instant,
) -> Outcome {
    let mut latencies = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.unwrap();
        latencies.extend(l);
        errors += e;
    }
    latencies.sort();
    Outcome {
        requests: latencies.len(),
        errors,
        latencies,
        elapsed: start.elapsed(),
    }
}

struct Outcome {
    requests: usize,
    errors: usize,
    latencies: Vec<Duration>,
    elapsed: Duration,
}

/// Requests already in the database before the Petung Dadi run.
const DESK_REQUESTS: i64 = 1_000_000;
/// Requests submitted through the store whose tracking codes the run knows.
const DESK_SAMPLES: usize = 2_000;

/// Fills the request table to `DESK_REQUESTS` rows (sealed like real ones) and submits
/// `DESK_SAMPLES` more through the store; returns their tracking codes and numbers.
async fn seed_requests(
    db: &anjungan_kernel::Db,
    keys: &anjungan_kernel::crypto::Keys,
) -> (Vec<String>, Vec<String>) {
    use anjungan_desk::service;
    use anjungan_desk::store::services;
    let service = services::by_code(db, "35.03.05.2001.domisili")
        .await
        .unwrap()
        .unwrap();
    let now = anjungan_kernel::clock::now_ms();
    let day = anjungan_desk::store::today().to_string();
    let (name, answers) = (
        keys.seal("Warga Uji"),
        keys.seal("{\"keperluan\":[\"uji beban\"]}"),
    );
    let rows = match db.backend {
        anjungan_kernel::Backend::Sqlite => {
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $1) SELECT x FROM c"
        }
        anjungan_kernel::Backend::Postgres => "SELECT generate_series(1, $1) AS x",
    };
    let filler = DESK_REQUESTS - DESK_SAMPLES as i64;
    let chunk = 100_000;
    let mut done = 0;
    while done < filler {
        let n = chunk.min(filler - done);
        let mut tx = db.begin_write().await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO desk_requests (service_id, org_id, channel, state, tracking_hash, tracking, applicant, answers, submitted_at, submitted_on, days, due_on, completed_on, updated_at) \
             SELECT $2, $3, 'web', 'closed', 'seed-' || ($4 + x), $5, $5, $6, $7 - ($4 + x) * 1000, $8, 1, $8, $8, $7 FROM ({rows}) AS c"
        )))
        .bind(n)
        .bind(service.id)
        .bind(service.org_id)
        .bind(done)
        .bind(&name)
        .bind(&answers)
        .bind(now)
        .bind(&day)
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        done += n;
    }
    let actor = anjungan_kernel::audit::Actor::system("bench");
    let (mut codes, mut numbers) = (Vec::new(), Vec::new());
    for i in 0..DESK_SAMPLES {
        let r = service::requests::NewRequest {
            channel: anjungan_desk::domain::Channel::Web,
            applicant: format!("Pemohon {i}"),
            nik: Some(anjungan_desk::domain::Nik::parse("3503055203900002").unwrap()),
            phone: Some(voter(i)),
            email: None,
            answers: [("keperluan".to_string(), vec!["Uji beban".to_string()])]
                .into_iter()
                .collect(),
            description: String::new(),
            address: String::new(),
            lat: String::new(),
            lon: String::new(),
            created_by: None,
            api_client: None,
        };
        let s = service::requests::submit(db, keys, &actor, "http://127.0.0.1", &service, &r)
            .await
            .unwrap();
        codes.push(s.tracking_code);
        numbers.push(s.number);
    }
    (codes, numbers)
}

/// 64 connections submitting requests through the staff API, each acknowledged after commit.
async fn submission_storm(client: reqwest::Client, url: String, token: String) -> Outcome {
    let start = Instant::now();
    let deadline = start + Duration::from_secs(SECONDS);
    let mut tasks = Vec::new();
    for t in 0..CONNECTIONS {
        let (client, url, token) = (client.clone(), url.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0;
            let mut i = 0usize;
            while Instant::now() < deadline {
                i += 1;
                let body = serde_json::json!({"service": "35.03.05.2001.domisili", "channel": "phone",
                    "applicant": format!("Penelepon {t}-{i}"), "nik": "3503055203900002",
                    "phone": voter(t * 100_000 + i), "answers": {"keperluan": ["Melamar kerja"]}});
                let started = Instant::now();
                match client.post(&url).bearer_auth(&token).json(&body).send().await {
                    Ok(r) if r.status() == 201 => {
                        let _ = r.bytes().await;
                        lat.push(started.elapsed());
                    }
                    _ => errors += 1,
                }
            }
            (lat, errors)
        }));
    }
    collect(tasks, start).await
}

/// Petung Dadi's figures: durable submissions, tracking pages and Open311 lookups.
async fn desk_run(
    client: &reqwest::Client,
    base: &str,
    db: &anjungan_kernel::Db,
    keys: &anjungan_kernel::crypto::Keys,
) {
    let t = Instant::now();
    let (codes, numbers) = seed_requests(db, keys).await;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM desk_requests")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    println!(
        "seeded {total} requests in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let user = anjungan_kernel::identity::store::user_id_by_email(
        db,
        &anjungan_kernel::identity::domain::Email::parse("sekdes.nglinggis@anjungan.test").unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    let token = anjungan_kernel::identity::service::create_token(
        db,
        &anjungan_kernel::audit::Actor::system("bench"),
        user,
        "bench",
    )
    .await
    .unwrap()
    .1;
    let tracking: Vec<String> = codes
        .iter()
        .map(|c| format!("{base}/layanan/lacak/{c}"))
        .collect();
    let open311: Vec<String> = numbers
        .iter()
        .map(|n| format!("{base}/open311/v2/requests/{n}.json"))
        .collect();
    let _ = hammer_many(client.clone(), tracking.clone()).await; // warm-up
    report(
        "tracking page",
        &hammer_many(client.clone(), tracking).await,
    );
    report(
        "open311 request",
        &hammer_many(client.clone(), open311).await,
    );
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM desk_requests")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let o = submission_storm(
        client.clone(),
        format!("{base}/api/v1/layanan/requests"),
        token,
    )
    .await;
    report("durable requests", &o);
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM desk_requests")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    println!(
        "requests stored: {} (acknowledged: {})",
        after - before,
        o.requests
    );
}

async fn hammer(client: reqwest::Client, url: String) -> Outcome {
    hammer_many(client, vec![url]).await
}

/// 64 connections cycling through `urls`.
async fn hammer_many(client: reqwest::Client, urls: Vec<String>) -> Outcome {
    hammer_many_with(client, urls, CONNECTIONS).await
}

/// `connections` connections cycling through `urls`.
async fn hammer_many_with(
    client: reqwest::Client,
    urls: Vec<String>,
    connections: usize,
) -> Outcome {
    let urls = std::sync::Arc::new(urls);
    let start = Instant::now();
    let deadline = start + Duration::from_secs(seconds());
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (client, urls) = (client.clone(), urls.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0;
            let mut i = tasks_offset(urls.len());
            while Instant::now() < deadline {
                i = (i + 1) % urls.len();
                let url = &urls[i];
                let t = Instant::now();
                match client
                    .get(url)
                    .header("accept-encoding", "gzip")
                    .send()
                    .await
                {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        lat.push(t.elapsed());
                    }
                    _ => errors += 1,
                }
            }
            (lat, errors)
        }));
    }
    collect(tasks, start).await
}

/// Seconds per target: `ANJUNGAN_BENCH_SECONDS`, else [`SECONDS`].
fn seconds() -> u64 {
    std::env::var("ANJUNGAN_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SECONDS)
}

/// A different starting point per connection.
fn tasks_offset(n: usize) -> usize {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    NEXT.fetch_add(7919, std::sync::atomic::Ordering::Relaxed) % n.max(1)
}

fn pct(l: &[Duration], p: f64) -> f64 {
    if l.is_empty() {
        return 0.0;
    }
    l[((l.len() as f64 * p) as usize).min(l.len() - 1)].as_secs_f64() * 1000.0
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        if std::env::args().any(|a| a == "pages") {
            pages::run(std::env::args().any(|a| a == "postgres")).await;
            return;
        }
        if std::env::args().any(|a| a == "auction-nodes") {
            auction::run_nodes().await;
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = anjungan_kernel::Config {
            data_dir: dir.path().to_path_buf(),
            database_url: Some(format!("sqlite://{}", dir.path().join("load.db").display())),
            db_max_connections: 8,
            // A thousand watchers come from one address here.
            live_per_address: 10_000,
            ..Default::default()
        };
        let (db, keys) = anjungan_server::open(&mut cfg).await.unwrap();
        anjungan_server::demo::load(&db, &keys, &cfg.data_dir, &cfg.base_url).await.unwrap();
        let desk = std::env::args().any(|a| a == "desk");
        let cilen = std::env::args().any(|a| a == "stories");
        let lion = std::env::args().any(|a| a == "auction");
        let (mut last, mut number, mut entries, mut codes) = (0, 0, Vec::new(), Vec::new());
        if !desk && !cilen && !lion {
            let t = Instant::now();
            last = scale(&db).await;
            println!(
                "seeded {INNOVATIONS} extra verified innovations in {:.1} s",
                t.elapsed().as_secs_f64()
            );
            let t = Instant::now();
            (number, entries, codes) = open_vote(&db, &keys, VOTERS).await;
            println!(
                "prepared {VOTERS} one-time codes in {:.1} s",
                t.elapsed().as_secs_f64()
            );
        }
        let db2 = db.clone();
        let keys2 = keys.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = anjungan_server::app(AppState::new(db, cfg, keys));
        tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap()
        });
        let client = anjungan_kernel::http::client().unwrap()
            .pool_max_idle_per_host(CONNECTIONS)
            .build()
            .unwrap();
        let base = format!("http://{addr}");
        let targets = [
            ("catalogue page 1", format!("{base}/inovasi")),
            (
                "catalogue search",
                format!("{base}/inovasi?q=desa+4&stage=penerapan"),
            ),
            ("innovation page", format!("{base}/inovasi/{last}")),
            ("IKM index", format!("{base}/ikm")),
        ];
        println!(
            "{CONNECTIONS} connections, {SECONDS} s per target, load generator on the same machine"
        );
        println!(
            "{:<18} {:>10} {:>8} {:>8} {:>8} {:>7}",
            "target", "req/s", "p50 ms", "p99 ms", "max ms", "errors"
        );
        if desk {
            desk_run(&client, &base, &db2, &keys2).await;
            return;
        }
        if cilen {
            stories::run(&client, &base, &db2).await;
            return;
        }
        if lion {
            auction::run(&client, &base, &db2, &keys2).await;
            return;
        }
        let votes_only = std::env::args().any(|a| a == "votes");
        if !votes_only {
            let _ = hammer(client.clone(), targets[0].1.clone()).await; // warm-up
            for (name, url) in targets.iter() {
                report(name, &hammer(client.clone(), url.clone()).await);
            }
        }
        let o = vote_storm(
            client.clone(),
            format!("{base}/api/v1/festival/editions/{number}/votes"),
            entries,
            codes,
        )
        .await;
        report("durable votes", &o);
        let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM festival_votes WHERE edition_id = (SELECT id FROM festival_editions WHERE number = $1)")
            .bind(number)
            .fetch_one(&db2.pool)
            .await
            .unwrap();
        println!("votes stored: {stored} (acknowledged: {})", o.requests);
    });
}

//! HTTP load generator: the public innovation catalogue, a catalogue search and an innovation page
//! over the demo data scaled to 10,000 verified innovations, the IKM index page, and durable
//! votes (`POST /api/v1/festival/editions/{n}/votes`, each a committed transaction with its
//! audit entry) — 64 connections for 10 s each against the real application on SQLite. Prints
//! requests per second and latency percentiles. Run: `cargo bench -p anjungan --bench load`
//! (`-- votes` for the votes alone).

use anjungan_kernel::web::AppState;
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

/// An edition whose public vote is open, with entries and `n` one-time codes ready (as if each
/// voter had asked for one); returns the edition number and the entry ids.
async fn open_vote(
    db: &anjungan_kernel::Db,
    keys: &anjungan_kernel::crypto::Keys,
    n: usize,
) -> (i64, Vec<i64>) {
    use anjungan_festival::domain::phase::{Phase, PhaseKind};
    use anjungan_festival::store;
    let actor = anjungan_kernel::audit::Actor::system("bench");
    let now = anjungan_kernel::clock::now_ms();
    let edition = store::create_edition(
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
            store::add_entry(db, &actor, edition, inv, org)
                .await
                .unwrap(),
        );
    }
    let mut tx = db.begin_write().await.unwrap();
    for i in 0..n {
        let index = keys.blind_index("vote", &voter(i));
        sqlx::query("INSERT INTO festival_vote_codes (edition_id, contact_index, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(edition)
            .bind(&index)
            .bind(anjungan_kernel::crypto::token_hash(&format!("{index}:424242")))
            .bind(now)
            .bind(now + 3_600_000)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    (90, entries)
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
    voters: usize,
) -> Outcome {
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let start = Instant::now();
    let deadline = start + Duration::from_secs(SECONDS);
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let (client, url, next, entries) =
            (client.clone(), url.clone(), next.clone(), entries.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0;
            while Instant::now() < deadline {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= voters {
                    break;
                }
                let body = serde_json::json!({"contact": voter(i), "code": "424242", "entry": entries[i % entries.len()]});
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

async fn hammer(client: reqwest::Client, url: String) -> Outcome {
    let start = Instant::now();
    let deadline = start + Duration::from_secs(SECONDS);
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let (client, url) = (client.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0;
            while Instant::now() < deadline {
                let t = Instant::now();
                match client
                    .get(&url)
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
        let dir = tempfile::tempdir().unwrap();
        let cfg = anjungan_kernel::Config {
            data_dir: dir.path().to_path_buf(),
            database_url: Some(format!("sqlite://{}", dir.path().join("load.db").display())),
            db_max_connections: 8,
            ..Default::default()
        };
        let (db, keys) = anjungan_server::open(&cfg).await.unwrap();
        anjungan_server::demo::load(&db, &keys, &cfg.data_dir).await.unwrap();
        let t = Instant::now();
        let last = scale(&db).await;
        println!(
            "seeded {INNOVATIONS} extra verified innovations in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        let t = Instant::now();
        let (number, entries) = open_vote(&db, &keys, VOTERS).await;
        println!(
            "prepared {VOTERS} one-time codes in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        let db2 = db.clone();
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
        let client = reqwest::Client::builder()
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
            VOTERS,
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

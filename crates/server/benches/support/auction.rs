//! Lion's load: acknowledged bids end to end over HTTP (`POST /api/v1/lots/{id}/bids`, each
//! answered only after its batch is committed with `synchronous=FULL`), 64 bidders each on
//! their own lot alternating two buyers so every bid raises the price; then 1,000 live
//! watchers on the session's feed, each timing every price change from the server's
//! acceptance to its arrival.

use super::{CONNECTIONS, Outcome, SECONDS, collect, report};
use anjungan_auction::domain::catalogue::{Grade, LotInput};
use anjungan_auction::domain::rules::{Format, Rules};
use anjungan_auction::service::runtime::Hall;
use anjungan_auction::service::{catalogue, lots, sessions};
use anjungan_auction::store::catalogue::NewBuyer;
use anjungan_kernel::audit::Actor;
use anjungan_kernel::clock::{HOUR, now_ms};
use anjungan_kernel::identity::domain::{Email, PersonName, Role};
use anjungan_kernel::identity::{service, store::NewUser};
use std::time::{Duration, Instant};

pub const WATCHERS: usize = 1_000;

/// A session of `CONNECTIONS` lots open for a day, and two buyers (with tokens) per lot.
async fn prepare(
    db: &anjungan_kernel::Db,
    keys: &anjungan_kernel::crypto::Keys,
) -> (i64, Vec<(i64, String, String)>) {
    let actor = Actor::system("bench");
    let port: i64 = sqlx::query_scalar("SELECT id FROM auction_ports WHERE code = 'PRIGI'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let species: i64 = sqlx::query_scalar("SELECT MIN(id) FROM auction_species")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let fisher: i64 = sqlx::query_scalar("SELECT MIN(id) FROM auction_fishers")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let mut rules = Rules::ascending();
    rules.lot_duration_ms = 20 * HOUR;
    let session = sessions::create(db, &actor, port, now_ms(), None, &rules)
        .await
        .unwrap();
    assert_eq!(rules.format, Format::Ascending);
    let hall = Hall::new(db.clone());
    let hash = "$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hzYWx0YmVuY2g$2n8bJqGM8yqf0P9m8o0d1kqgq0p9p8Wq8vJ1w2n3x4s".to_string();
    let mut lanes = Vec::new();
    for k in 0..CONNECTIONS {
        let lot = lots::register(
            db,
            &actor,
            port,
            &LotInput {
                species_id: species,
                fisher_id: fisher,
                boat_id: None,
                grams: 100_000,
                grade: Grade::A,
                landed_at: now_ms(),
                start_price: 10_000,
                reserve: None,
            },
        )
        .await
        .unwrap();
        hall.add_lot(session, lot, None).await.unwrap();
        let mut tokens = Vec::new();
        for side in 0..2 {
            let email = format!("bakul{k}x{side}@bench.test");
            let user = service::create_user(
                db,
                keys,
                &actor,
                NewUser {
                    name: PersonName::parse(&format!("Bakul Uji {k} {side}")).unwrap(),
                    email: Some(Email::parse(&email).unwrap()),
                    phone: None,
                    password_hash: hash.clone(),
                },
                &[(Role::Buyer, None)],
            )
            .await
            .unwrap();
            let b = catalogue::register_buyer(
                db,
                keys,
                &actor,
                &NewBuyer {
                    port_id: port,
                    user_id: Some(user.0),
                    name: &format!("Bakul Uji {k} {side}"),
                    business: "",
                    phone: None,
                },
            )
            .await
            .unwrap();
            catalogue::verify(db, &actor, b, true, 50_000_000_000, 50_000_000_000)
                .await
                .unwrap();
            tokens.push(
                service::create_token(db, &actor, user, "bench")
                    .await
                    .unwrap()
                    .1,
            );
        }
        lanes.push((lot, tokens[0].clone(), tokens[1].clone()));
    }
    // One session at a time per port: the demo's morning session closes first.
    for other in anjungan_auction::store::sessions::live_ids(db)
        .await
        .unwrap()
    {
        hall.execute(
            other,
            anjungan_auction::domain::engine::Command::Close,
            None,
        )
        .await
        .unwrap();
    }
    hall.open_session(session, None).await.unwrap();
    hall.stop();
    (session, lanes)
}

/// Each connection bids on its lot for its two buyers in turn, at the minimum it was told.
async fn bid_storm(
    client: reqwest::Client,
    base: String,
    lanes: Vec<(i64, String, String)>,
) -> Outcome {
    let start = Instant::now();
    let deadline = start + Duration::from_secs(SECONDS);
    let mut tasks = Vec::new();
    for (lot, a, b) in lanes {
        let (client, url) = (client.clone(), format!("{base}/api/v1/lots/{lot}/bids"));
        tasks.push(tokio::spawn(async move {
            let (mut lat, mut errors, mut amount, mut turn) = (Vec::new(), 0, 10_000i64, 0usize);
            while Instant::now() < deadline {
                let token = if turn % 2 == 0 { &a } else { &b };
                let t = Instant::now();
                match client
                    .post(&url)
                    .bearer_auth(token)
                    .json(&serde_json::json!({ "amount": amount }))
                    .send()
                    .await
                {
                    Ok(r) if r.status() == 201 => {
                        let v: serde_json::Value = r.json().await.unwrap_or_default();
                        amount = v["min"].as_i64().unwrap_or(amount + 1_000);
                        lat.push(t.elapsed());
                        turn += 1;
                    }
                    _ => errors += 1,
                }
            }
            (lat, errors)
        }));
    }
    collect(tasks, start).await
}

/// `WATCHERS` feed connections; a few bidders raise prices at a steady pace; every watcher
/// times every bid event from its acceptance (`at`, the server's clock) to its arrival.
/// Watchers on `base`'s feed; the bids go to `bid_base` (another node, or the same).
async fn watch_storm(
    base: String,
    bid_base: String,
    session: i64,
    lanes: Vec<(i64, String, String)>,
    watchers_n: usize,
) -> (usize, Vec<Duration>, usize) {
    let after: u64 = anjungan_kernel::http::client()
        .unwrap()
        .build()
        .unwrap()
        .get(format!(
            "{base}/api/v1/auction/sessions/{session}/events?after=999999999"
        ))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap()["last"]
        .as_u64()
        .unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut watchers = Vec::new();
    let shared = anjungan_kernel::http::client()
        .unwrap()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    for _ in 0..watchers_n {
        let (url, stop, client) = (
            format!("{base}/lelang/sesi/{session}/feed?after={after}"),
            stop.clone(),
            shared.clone(),
        );
        watchers.push(tokio::spawn(async move {
            let mut resp = match client.get(url).send().await {
                Ok(r) => r,
                Err(_) => return (Vec::new(), 1usize),
            };
            let (mut lat, mut buf) = (Vec::new(), String::new());
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let chunk =
                    match tokio::time::timeout(Duration::from_millis(500), resp.chunk()).await {
                        Ok(Ok(Some(c))) => c,
                        Ok(_) => break,
                        Err(_) => continue,
                    };
                let now = now_ms();
                buf.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buf.find("\n\n") {
                    let frame: String = buf.drain(..end + 2).collect();
                    if (frame.contains("event: bid") || frame.contains("event:bid"))
                        && let Some(at) = frame
                            .split("\"at\":")
                            .nth(1)
                            .and_then(|s| s.split(|c: char| !c.is_ascii_digit()).next())
                            .and_then(|s| s.parse::<i64>().ok())
                    {
                        lat.push(Duration::from_millis((now - at).max(0) as u64));
                    }
                }
            }
            (lat, 0usize)
        }));
    }
    // Let the watchers connect, then 5 s of bids at about 100 a second across 8 lots.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let client = anjungan_kernel::http::client().unwrap().build().unwrap();
    let mut bids = 0;
    let end = Instant::now() + Duration::from_secs(5);
    // Start from each lot's minimum as it stands after the bid storm.
    let detail: serde_json::Value = client
        .get(format!("{bid_base}/api/v1/auction/sessions/{session}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut amounts = [0i64; 8];
    for (i, (lot, _, _)) in lanes.iter().take(8).enumerate() {
        amounts[i] = detail["lots"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["id"].as_i64() == Some(*lot))
            .and_then(|l| l["minimum"].as_i64())
            .unwrap_or(1);
    }
    let mut turn = 0usize;
    while Instant::now() < end {
        for (i, (lot, a, b)) in lanes.iter().take(8).enumerate() {
            let token = if turn.is_multiple_of(2) { a } else { b };
            let r = client
                .post(format!("{bid_base}/api/v1/lots/{lot}/bids"))
                .bearer_auth(token)
                .json(&serde_json::json!({ "amount": amounts[i].max(1) }))
                .send()
                .await
                .unwrap();
            if r.status() == 201 {
                let v: serde_json::Value = r.json().await.unwrap_or_default();
                amounts[i] = v["min"].as_i64().unwrap_or(0);
                bids += 1;
            } else {
                let _ = r.bytes().await;
                amounts[i] += 1_000;
            }
        }
        turn += 1;
        tokio::time::sleep(Duration::from_millis(80)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (mut all, mut failed) = (Vec::new(), 0);
    for w in watchers {
        let (l, f) = w.await.unwrap();
        all.extend(l);
        failed += f;
    }
    all.sort();
    (bids, all, failed)
}

pub async fn run(
    client: &reqwest::Client,
    base: &str,
    db: &anjungan_kernel::Db,
    keys: &anjungan_kernel::crypto::Keys,
) {
    let t = Instant::now();
    let (session, lanes) = prepare(db, keys).await;
    println!(
        "prepared a session of {} lots and {} buyers in {:.1} s",
        lanes.len(),
        lanes.len() * 2,
        t.elapsed().as_secs_f64()
    );
    let before: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM auction_journal WHERE session_id = $1")
            .bind(session)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    let o = bid_storm(client.clone(), base.to_string(), lanes.clone()).await;
    report("acknowledged bids", &o);
    let after: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM auction_journal WHERE session_id = $1")
            .bind(session)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    println!(
        "bids journaled: {} (acknowledged: {})",
        after - before,
        o.requests
    );
    let (bids, lat, failed) =
        watch_storm(base.to_string(), base.to_string(), session, lanes, WATCHERS).await;
    print_watchers("", WATCHERS, bids, &lat, failed);
}

fn print_watchers(label: &str, watchers: usize, bids: usize, lat: &[Duration], failed: usize) {
    let p = |q: f64| {
        if lat.is_empty() {
            0
        } else {
            lat[((lat.len() as f64 * q) as usize).min(lat.len() - 1)].as_millis()
        }
    };
    println!(
        "{label}{watchers} watchers: {bids} bids, {} deliveries (expected {}), p50 {} ms, p99 {} ms, max {} ms, {failed} watchers failed to connect",
        lat.len(),
        bids * watchers,
        p(0.50),
        p(0.99),
        lat.last().map(|d| d.as_millis()).unwrap_or(0)
    );
}

/// Two nodes on one PostgreSQL (`-- auction-nodes`; `ANJUNGAN_BENCH_POSTGRES_URL`, default the
/// local server): watchers on node B while the bids are taken by node A, so every event
/// crosses from one node to the other through the journal and `NOTIFY`; the same watchers on
/// node A for comparison.
pub async fn run_nodes() {
    let admin = std::env::var("ANJUNGAN_BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("anjungan_bench_{}", std::process::id());
    let conn = anjungan_kernel::Db::connect(&admin, 1).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&conn.pool)
        .await
        .unwrap();
    let url = match admin.rfind('/') {
        Some(i) => format!("{}/{name}", &admin[..i]),
        None => panic!("a database URL ends with /name"),
    };
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = anjungan_kernel::Config {
        data_dir: dir.path().to_path_buf(),
        database_url: Some(url.clone()),
        db_max_connections: 8,
        // A thousand watchers come from one address here.
        live_per_address: 10_000,
        ..Default::default()
    };
    let (db, keys) = anjungan_server::open(&mut cfg).await.unwrap();
    anjungan_server::demo::load(&db, &keys, &cfg.data_dir, &cfg.base_url)
        .await
        .unwrap();
    let mut bases = Vec::new();
    for _ in 0..2 {
        // Each node has its own pool and its own hall, as two processes would.
        let (db, keys) = anjungan_server::open(&mut cfg).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        bases.push(format!("http://{}", listener.local_addr().unwrap()));
        let app = anjungan_server::app(anjungan_kernel::web::AppState::new(db, cfg.clone(), keys));
        tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await
            .unwrap()
        });
    }
    let (session, lanes) = prepare(&db, &keys).await;
    println!(
        "two nodes on PostgreSQL ({name}); a session of {} lots",
        lanes.len()
    );
    let watchers = WATCHERS / 2;
    let (a, b) = (bases[0].clone(), bases[1].clone());
    let (bids, lat, failed) =
        watch_storm(b.clone(), a.clone(), session, lanes.clone(), watchers).await;
    print_watchers(
        "across nodes (bids on A, watchers on B): ",
        watchers,
        bids,
        &lat,
        failed,
    );
    let (bids, lat, failed) = watch_storm(a.clone(), a, session, lanes, watchers).await;
    print_watchers(
        "same node (bids and watchers on A): ",
        watchers,
        bids,
        &lat,
        failed,
    );
    drop(db);
    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE {name} WITH (FORCE)"
    )))
    .execute(&conn.pool)
    .await;
}

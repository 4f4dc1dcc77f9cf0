//! Lion as operators run it: two `anjungan serve` nodes on one PostgreSQL sharing a session
//! (one winner, the same state and the same events in the same order on both), and kill -9
//! during a bidding storm (every acknowledged bid is there after the restart, and the auction
//! goes on).

use crate::auction::read_events;
use crate::process::{Node, cli};
use crate::support::*;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

async fn token(dir: &std::path::Path, url: &str, email: &str) -> String {
    let (ok, out, err) = cli(
        dir,
        url,
        &["token", "create", "--user", email, "--name", "lelang"],
    );
    assert!(ok, "{err}");
    out.lines().last().unwrap().trim().to_string()
}

async fn bid(
    c: &reqwest::Client,
    base: &str,
    token: &str,
    lot: i64,
    amount: i64,
    buyer: Option<i64>,
) -> (u16, Value) {
    let mut body = json!({ "amount": amount });
    if let Some(b) = buyer {
        body["buyer_id"] = json!(b);
    }
    match c
        .post(format!("{base}/api/v1/lots/{lot}/bids"))
        .bearer_auth(token)
        .json(&body)
        .timeout(Duration::from_secs(5))
        .send()
        .await
    {
        Ok(r) => {
            let st = r.status().as_u16();
            (st, r.json().await.unwrap_or(Value::Null))
        }
        Err(_) => (0, Value::Null),
    }
}

async fn get(c: &reqwest::Client, url: String) -> Value {
    c.get(url).send().await.unwrap().json().await.unwrap()
}

/// The running session and its lots, read over HTTP.
async fn morning(c: &reqwest::Client, base: &str) -> (i64, Vec<i64>) {
    let sessions = get(c, format!("{base}/api/v1/auction/sessions")).await;
    let s = sessions
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["state"] == "open")
        .expect("an open session");
    let id = s["id"].as_i64().unwrap();
    let detail = get(c, format!("{base}/api/v1/auction/sessions/{id}")).await;
    (
        id,
        detail["lots"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["id"].as_i64().unwrap())
            .collect(),
    )
}

/// Bids on `lot` until `n` are accepted, each at the minimum the last answer named; when
/// outbid in between (too low), one step more; when leading, waits for the other bidder.
async fn storm(base: String, token: String, lot: i64, buyer: Option<i64>, n: usize) -> Vec<Value> {
    let c = anjungan_kernel::http::client().unwrap().build().unwrap();
    let mut accepted = Vec::new();
    let mut amount = 1i64;
    let mut tries = 0;
    while accepted.len() < n && tries < n * 40 {
        tries += 1;
        let (st, v) = bid(&c, &base, &token, lot, amount, buyer).await;
        match st {
            201 => {
                amount = v["min"].as_i64().unwrap();
                accepted.push(v);
            }
            422 => amount += 250,
            _ => tokio::time::sleep(Duration::from_millis(5)).await,
        }
    }
    accepted
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn auction_two_nodes_on_one_postgres_agree_on_every_bid() {
    let Some(db) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let dir_a = tempfile::tempdir().unwrap();
    let dir_b = tempfile::tempdir().unwrap();
    let a = Node::spawn(dir_a.path(), &db.url, &[], true);
    a.ready(Instant::now(), Duration::from_secs(30)).await;
    let b = Node::spawn(dir_b.path(), &db.url, &[], false);
    b.ready(Instant::now(), Duration::from_secs(30)).await;
    let sumi = token(dir_a.path(), &db.url, "bakul@anjungan.test").await;
    let juru = token(dir_a.path(), &db.url, "jurulelang.prigi@anjungan.test").await;
    let c = anjungan_kernel::http::client().unwrap().build().unwrap();
    let (session, lots) = morning(&c, &a.base).await;
    let lot = lots[1];
    let start = get(
        &c,
        a.url(&format!("/api/v1/auction/sessions/{session}/events")),
    )
    .await["last"]
        .as_u64()
        .unwrap();
    // Watchers on both nodes, from the same point.
    let mut watch_a = c
        .get(a.url(&format!("/lelang/sesi/{session}/feed?after={start}")))
        .send()
        .await
        .unwrap();
    let mut watch_b = c
        .get(b.url(&format!("/lelang/sesi/{session}/feed?after={start}")))
        .send()
        .await
        .unwrap();
    let harno = {
        let buyers: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, name FROM auction_buyers ORDER BY id")
                .fetch_all(&anjungan_kernel::Db::connect(&db.url, 1).await.unwrap().pool)
                .await
                .unwrap();
        buyers.iter().find(|(_, n)| n == "Pak Harno").unwrap().0
    };
    // Bu Sumi bids on node A from her phone while the hall bids for Pak Harno on node B.
    let ta = tokio::spawn(storm(a.base.clone(), sumi.clone(), lot, None, 25));
    let tb = tokio::spawn(storm(b.base.clone(), juru.clone(), lot, Some(harno), 25));
    let (acc_a, acc_b) = (ta.await.unwrap(), tb.await.unwrap());
    assert!(
        acc_a.len() >= 10 && acc_b.len() >= 10,
        "both nodes took bids: {} and {}",
        acc_a.len(),
        acc_b.len()
    );
    let mut acked: Vec<u64> = acc_a
        .iter()
        .chain(&acc_b)
        .map(|v| v["event"].as_u64().unwrap())
        .collect();
    acked.sort();
    acked.dedup();
    assert_eq!(
        acked.len(),
        acc_a.len() + acc_b.len(),
        "every acknowledgement has its own event number"
    );
    // Every watcher on both nodes sees every accepted bid, in order.
    let last = *acked.last().unwrap();
    let want = (last - start) as usize;
    let seen_a = read_events(&mut watch_a, want).await;
    let seen_b = read_events(&mut watch_b, want).await;
    let ids_a: Vec<u64> = seen_a.iter().map(|e| e.0).collect();
    let ids_b: Vec<u64> = seen_b.iter().map(|e| e.0).collect();
    assert_eq!(
        ids_a,
        ((start + 1)..=last).collect::<Vec<_>>(),
        "node A's watcher: no gap, no reorder"
    );
    assert_eq!(ids_a, ids_b, "node B's watcher sees the same");
    assert_eq!(
        seen_a.iter().map(|e| &e.2).collect::<Vec<_>>(),
        seen_b.iter().map(|e| &e.2).collect::<Vec<_>>()
    );
    for n in &acked {
        assert!(
            ids_a.contains(n),
            "acknowledged bid {n} reached the watchers"
        );
    }
    // The price never fell.
    let prices: Vec<i64> = seen_a
        .iter()
        .filter(|e| e.1 == "bid")
        .map(|e| e.2["price"].as_i64().unwrap())
        .collect();
    assert!(prices.windows(2).all(|w| w[0] <= w[1]), "{prices:?}");
    // Both nodes show the same standing; closing on A is seen on B; one winner.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let lots_a =
        get(&c, a.url(&format!("/api/v1/auction/sessions/{session}"))).await["lots"].clone();
    let lots_b =
        get(&c, b.url(&format!("/api/v1/auction/sessions/{session}"))).await["lots"].clone();
    assert_eq!(lots_a, lots_b);
    let r = c
        .post(a.url(&format!("/api/v1/auction/sessions/{session}/commands")))
        .bearer_auth(&juru)
        .json(&json!({"command": "close"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (st, p) = bid(&c, &b.base, &juru, lot, 1_000_000, Some(harno)).await;
    assert_eq!(
        (st, p["code"].as_str()),
        (409, Some("auction.error.session_over")),
        "node B refuses after A's close"
    );
    let kdb = anjungan_kernel::Db::connect(&db.url, 1).await.unwrap();
    let winners: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM auction_sales WHERE lot_id = $1")
        .bind(lot)
        .fetch_one(&kdb.pool)
        .await
        .unwrap();
    assert_eq!(winners, 1, "one winner");
    let leader = lots_a
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"].as_i64() == Some(lot))
        .unwrap()["leader"]
        .as_i64()
        .unwrap();
    let buyer: i64 = sqlx::query_scalar("SELECT buyer_id FROM auction_sales WHERE lot_id = $1")
        .bind(lot)
        .fetch_one(&kdb.pool)
        .await
        .unwrap();
    assert_eq!(buyer, leader);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn auction_kill_9_during_a_bidding_storm_loses_no_acknowledged_bid() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("anjungan.db").display());
    let node = Node::spawn(dir.path(), &url, &[], true);
    node.ready(Instant::now(), Duration::from_secs(60)).await;
    let juru = token(dir.path(), &url, "jurulelang.prigi@anjungan.test").await;
    let c = anjungan_kernel::http::client().unwrap().build().unwrap();
    let (session, lots) = morning(&c, &node.base).await;
    let kdb = anjungan_kernel::Db::connect(&url, 1).await.unwrap();
    let buyers: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM auction_buyers WHERE status = 'verified' ORDER BY id")
            .fetch_all(&kdb.pool)
            .await
            .unwrap();
    let joko = buyers.iter().find(|(_, n)| n == "Pak Joko").unwrap().0;
    let harno = buyers.iter().find(|(_, n)| n == "Pak Harno").unwrap().0;
    kdb.close().await;
    // Four tasks, each on its own lot, alternating two buyers so each bid raises the price;
    // each starts at its lot's minimum, so the storm bids from the first request even on a
    // busy machine.
    let detail = get(&c, node.url(&format!("/api/v1/auction/sessions/{session}"))).await;
    let minimum = |lot: i64| {
        detail["lots"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["id"].as_i64() == Some(lot))
            .and_then(|l| l["minimum"].as_i64())
            .unwrap_or(1)
    };
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut tasks = Vec::new();
    for k in 0..4usize {
        let (base, juru, stop) = (node.base.clone(), juru.clone(), stop.clone());
        let lot = lots[6 + k];
        let start = minimum(lot);
        tasks.push(tokio::spawn(async move {
            let c = anjungan_kernel::http::client().unwrap().build().unwrap();
            let mut acked = Vec::new();
            let mut amount = start;
            let mut i = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let who = if i % 2 == 0 { joko } else { harno };
                let (st, v) = bid(&c, &base, &juru, lot, amount, Some(who)).await;
                match st {
                    201 => {
                        amount = v["min"].as_i64().unwrap();
                        acked.push(v);
                    }
                    422 => amount += 250,
                    _ => {}
                }
                i += 1;
            }
            acked
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    node.kill9();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let mut acked = Vec::new();
    for t in tasks {
        acked.extend(t.await.unwrap());
    }
    assert!(acked.len() > 20, "the storm bid: {}", acked.len());
    // Restart on the same file: every acknowledged bid is in the session's history, as acknowledged.
    let node = Node::spawn(dir.path(), &url, &[], false);
    node.ready(Instant::now(), Duration::from_secs(30)).await;
    let history = get(
        &c,
        node.url(&format!(
            "/api/v1/auction/sessions/{session}/events?after=0"
        )),
    )
    .await;
    let events = history["events"].as_array().unwrap();
    for a in &acked {
        let n = a["event"].as_u64().unwrap();
        let e = events
            .iter()
            .find(|e| e["n"].as_u64() == Some(n))
            .unwrap_or_else(|| panic!("acknowledged event {n} lost"));
        assert_eq!(
            (e["e"].as_str(), e["lot"].as_i64(), e["price"].as_i64()),
            (Some("bid"), a["lot"].as_i64(), a["price"].as_i64())
        );
    }
    // The auction goes on: the next bid starts from where the acknowledged ones left it.
    let lot = lots[6];
    let last = acked
        .iter()
        .filter(|a| a["lot"].as_i64() == Some(lot))
        .map(|a| a["price"].as_i64().unwrap())
        .max()
        .unwrap();
    let detail = get(&c, node.url(&format!("/api/v1/auction/sessions/{session}"))).await;
    let l = detail["lots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"].as_i64() == Some(lot))
        .unwrap();
    assert!(l["price"].as_i64().unwrap() >= last);
    let min = l["minimum"].as_i64().unwrap();
    let leader = l["leader"].as_i64().unwrap();
    let who = if leader == joko { harno } else { joko };
    let (st, v) = bid(&c, &node.base, &juru, lot, min, Some(who)).await;
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["leader"].as_i64(), Some(who));
    eprintln!("{} acknowledged bids survived kill -9", acked.len());
}

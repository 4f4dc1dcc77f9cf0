//! Tests of the real `anjungan` binary as an operator runs it: start-up time, signals, kill -9,
//! restarts, the command line, and several nodes on one PostgreSQL.

use crate::support::*;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_anjungan");
const SECRET: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs a CLI command against the data directory / database and returns its stdout.
pub(crate) fn cli(
    data_dir: &std::path::Path,
    db_url: &str,
    args: &[&str],
) -> (bool, String, String) {
    let out = Command::new(BIN)
        .args([
            "--data-dir",
            data_dir.to_str().unwrap(),
            "--database-url",
            db_url,
        ])
        .args(args)
        .env("ANJUNGAN_SECRET_KEY", SECRET)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

pub struct Node {
    child: Child,
    pub base: String,
}

impl Node {
    pub fn spawn(
        data_dir: &std::path::Path,
        db_url: &str,
        extra_env: &[(&str, &str)],
        demo: bool,
    ) -> Node {
        Self::spawn_on(free_port(), data_dir, db_url, extra_env, demo)
    }

    pub fn spawn_on(
        port: u16,
        data_dir: &std::path::Path,
        db_url: &str,
        extra_env: &[(&str, &str)],
        demo: bool,
    ) -> Node {
        let mut cmd = Command::new(BIN);
        cmd.args([
            "--data-dir",
            data_dir.to_str().unwrap(),
            "--database-url",
            db_url,
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
        ]);
        if demo {
            cmd.arg("--demo");
        }
        cmd.env("ANJUNGAN_SECRET_KEY", SECRET)
            .env("ANJUNGAN_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        Node {
            child: cmd.spawn().unwrap(),
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    pub fn url(&self, p: &str) -> String {
        format!("{}{p}", self.base)
    }

    /// Polls `/healthz`; returns how long it took to answer 200.
    pub async fn ready(&self, start: Instant, limit: Duration) -> Duration {
        let c = anjungan_kernel::http::client().unwrap().build().unwrap();
        loop {
            if let Ok(r) = c
                .get(self.url("/healthz"))
                .timeout(Duration::from_millis(500))
                .send()
                .await
                && r.status() == 200
            {
                return start.elapsed();
            }
            assert!(
                start.elapsed() < limit,
                "server did not become healthy within {limit:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub fn kill9(mut self) {
        self.child.kill().unwrap(); // SIGKILL
        self.child.wait().unwrap();
    }

    fn terminate(mut self) -> std::process::ExitStatus {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "server did not stop after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A client that keeps cookies and does not follow redirects.
fn cookie_client() -> reqwest::Client {
    anjungan_kernel::http::client()
        .unwrap()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Opens the login form on `node` and submits it through `c`, as a browser would.
async fn log_in(
    c: &reqwest::Client,
    node: &Node,
    login: &str,
    password: &str,
) -> reqwest::Response {
    let html = c
        .get(node.url("/masuk"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = extract_csrf(&html).unwrap();
    c.post(node.url("/masuk"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("login", login),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
}

async fn admin_client(node: &Node) -> reqwest::Client {
    let c = cookie_client();
    let r = log_in(
        &c,
        node,
        "admin@anjungan.test",
        anjungan_server::demo::DEMO_PASSWORD,
    )
    .await;
    assert_eq!(r.status(), 303);
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_demo_becomes_healthy_and_stops_cleanly_on_sigterm() {
    // How fast is measured on a quiet machine (README, "Start-up"), not asserted here: a test
    // must pass on a slow, busy machine.
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("anjungan.db").display());
    let start = Instant::now();
    let node = Node::spawn(dir.path(), &url, &[], true);
    let took = node.ready(start, Duration::from_secs(120)).await;
    eprintln!("healthz answered {took:?} after start (fresh database, demo data, debug build)");
    let status = node.terminate();
    assert!(status.success(), "exit status after SIGTERM: {status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_never_corrupts_the_database_nor_loses_acknowledged_writes() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("anjungan.db").display());
    let (ok, _, err) = cli(
        dir.path(),
        &url,
        &[
            "user",
            "add",
            "--name",
            "Admin Uji",
            "--email",
            "uji@anjungan.test",
            "--role",
            "admin",
        ],
    );
    assert!(ok, "{err}");
    let (ok, out, err) = cli(
        dir.path(),
        &url,
        &[
            "token",
            "create",
            "--user",
            "uji@anjungan.test",
            "--name",
            "beban",
        ],
    );
    assert!(ok, "{err}");
    let token = out.lines().last().unwrap().trim().to_string();
    assert!(token.starts_with("anj_"));
    let mut acknowledged: Vec<String> = Vec::new();
    for round in 0..3 {
        let node = Node::spawn(dir.path(), &url, &[], false);
        node.ready(Instant::now(), Duration::from_secs(20)).await;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut tasks = Vec::new();
        for w in 0..4 {
            let (base, token, stop) = (node.base.clone(), token.clone(), stop.clone());
            tasks.push(tokio::spawn(async move {
                let c = anjungan_kernel::http::client().unwrap().build().unwrap();
                let mut acked = Vec::new();
                let mut i = 0;
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    let code = format!("K{round}-{w}-{i}");
                    let r = c
                        .post(format!("{base}/api/v1/organisations"))
                        .bearer_auth(&token)
                        .json(
                            &serde_json::json!({"code": code, "name": format!("Dinas Uji {code}")}),
                        )
                        .timeout(Duration::from_secs(5))
                        .send()
                        .await;
                    match r {
                        Ok(r) if r.status() == 201 => acked.push(code),
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
        for t in tasks {
            acknowledged.extend(t.await.unwrap());
        }
        // Open the file as the next start would: integrity intact, every acknowledged write there.
        let db = anjungan_kernel::Db::connect(&url, 1).await.unwrap();
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(check, "ok", "round {round}");
        let codes: Vec<String> =
            sqlx::query_scalar("SELECT code FROM organisations WHERE kind = 'agency'")
                .fetch_all(&db.pool)
                .await
                .unwrap();
        for a in &acknowledged {
            assert!(
                codes.contains(&a.to_uppercase()),
                "acknowledged {a} lost in round {round}"
            );
        }
        let audits: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'org.create'")
                .fetch_one(&db.pool)
                .await
                .unwrap();
        assert!(audits as usize >= acknowledged.len());
        db.close().await;
    }
    eprintln!(
        "{} acknowledged writes survived 3 kill -9",
        acknowledged.len()
    );
    assert!(acknowledged.len() > 10, "the load actually wrote");
    // The server starts again on the same file.
    let node = Node::spawn(dir.path(), &url, &[], false);
    node.ready(Instant::now(), Duration::from_secs(20)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn command_line_manages_users_tokens_and_backups() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("anjungan.db").display());
    // A check before the first start reports and creates nothing.
    let (ok, out, _) = cli(dir.path(), &url, &["check"]);
    assert!(ok && out.contains("Ready to start"), "{out}");
    assert!(out.contains("does not exist yet"), "{out}");
    assert!(
        !dir.path().join("anjungan.db").exists(),
        "check made no database"
    );
    let (ok, _, err) = cli(dir.path(), &url, &["--log-format", "json", "check"]);
    assert!(ok, "{err}");
    let (ok, _, err) = cli(
        dir.path(),
        &url,
        &[
            "user",
            "add",
            "--name",
            "Kades Besuki",
            "--phone",
            "081299998888",
            "--role",
            "unit_head@35.03.01.2001",
        ],
    );
    assert!(ok, "{err}");
    let (ok, _, err) = cli(
        dir.path(),
        &url,
        &[
            "user",
            "add",
            "--name",
            "X",
            "--email",
            "x@y.id",
            "--role",
            "unit_head@99.99",
        ],
    );
    assert!(
        !ok && err.contains("no organisation with code 99.99"),
        "{err}"
    );
    let (ok, _, err) = cli(
        dir.path(),
        &url,
        &[
            "user", "add", "--name", "X", "--email", "x@y.id", "--role", "regent",
        ],
    );
    assert!(!ok && err.contains("unknown role"), "{err}");
    let (ok, out, _) = cli(dir.path(), &url, &["user", "list"]);
    assert!(
        ok && out.contains("Kades Besuki")
            && out.contains("0812******88")
            && !out.contains("081299998888")
    );
    let (ok, out, _) = cli(dir.path(), &url, &["token", "list"]);
    assert!(ok && out.contains("No API tokens yet"), "{out}");
    let (ok, out, _) = cli(
        dir.path(),
        &url,
        &[
            "token",
            "create",
            "--user",
            "081299998888",
            "--name",
            "integrasi",
        ],
    );
    assert!(ok);
    let token = out.lines().last().unwrap().trim().to_string();
    let node = Node::spawn(dir.path(), &url, &[], false);
    node.ready(Instant::now(), Duration::from_secs(20)).await;
    let c = anjungan_kernel::http::client().unwrap().build().unwrap();
    assert_eq!(
        c.get(node.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // Backup while serving: one archive, checked by --verify (the round trip is in backup.rs).
    let backup = dir.path().join("cadangan.zip");
    let (ok, out, err) = cli(
        dir.path(),
        &url,
        &["backup", "--to", backup.to_str().unwrap()],
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("backup written") && out.contains("NOT included"),
        "{out}"
    );
    let (ok, _, err) = cli(
        dir.path(),
        &url,
        &["backup", "--to", backup.to_str().unwrap()],
    );
    assert!(!ok && err.contains("already exists"));
    let (ok, _, err) = cli(
        dir.path(),
        &url,
        &[
            "backup",
            "--to",
            dir.path().join("x.zip").to_str().unwrap(),
            "--with-key",
        ],
    );
    assert!(!ok && err.contains("passphrase"), "{err}");
    let (ok, out, err) = cli(
        dir.path(),
        &url,
        &["backup", "--verify", backup.to_str().unwrap()],
    );
    assert!(ok && out.contains("backup intact"), "{out}{err}");
    // A listing cut short by its reader (`| head`) ends quietly.
    let mut child = Command::new(BIN)
        .args([
            "--data-dir",
            dir.path().to_str().unwrap(),
            "--database-url",
            &url,
        ])
        .args(["user", "list"])
        .env("ANJUNGAN_SECRET_KEY", SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    // The check now finds the database and the key it was set up with.
    let (ok, out, _) = cli(dir.path(), &url, &["check"]);
    assert!(
        ok && out.contains("reachable (sqlite)") && out.contains("the key opens this database"),
        "{out}"
    );
    // Revocation through the command line takes effect at once on the running server.
    let (ok, out, _) = cli(dir.path(), &url, &["token", "list"]);
    assert!(ok && out.contains("integrasi") && out.contains("live") && !out.contains(&token));
    let id = out
        .lines()
        .find(|l| l.contains("integrasi"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_string();
    let (ok, _, _) = cli(dir.path(), &url, &["token", "revoke", &id]);
    assert!(ok);
    assert_eq!(
        c.get(node.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let (ok, _, err) = cli(dir.path(), &url, &["token", "revoke", &id]);
    assert!(!ok && err.contains("no live token"));
    // A different secret key is refused rather than silently writing unreadable data.
    let out = Command::new(BIN)
        .args([
            "--data-dir",
            dir.path().to_str().unwrap(),
            "--database-url",
            &url,
            "migrate",
        ])
        .env("ANJUNGAN_SECRET_KEY", "f".repeat(64))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("different secret key"));
    // And `check` says so before a start, with exit status 1.
    let out = Command::new(BIN)
        .args([
            "--data-dir",
            dir.path().to_str().unwrap(),
            "--database-url",
            &url,
            "check",
        ])
        .env("ANJUNGAN_SECRET_KEY", "f".repeat(64))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("PROBLEM") && text.contains("another secret key"),
        "{text}"
    );
}

async fn outbox_survives_a_restart(backend: Backend) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    // The gateway's port is reserved but nobody listens yet: delivery fails.
    let gw_port = free_port();
    let gw_url = format!("http://127.0.0.1:{gw_port}/send");
    let env = [("ANJUNGAN_WHATSAPP_URL", gw_url.as_str())];
    let node = Node::spawn(db.dir.path(), &db.url, &env, true);
    node.ready(Instant::now(), Duration::from_secs(20)).await;
    let c = anjungan_kernel::http::client()
        .unwrap()
        .cookie_store(true)
        .build()
        .unwrap();
    let html = c
        .get(node.url("/lupa-sandi"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = extract_csrf(&html).unwrap();
    let r = c
        .post(node.url("/lupa-sandi"))
        .form(&[("_csrf", csrf.as_str()), ("login", "081200000003")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let kdb = anjungan_kernel::Db::connect(&db.url, 1).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        // Wait until the failed attempt is recorded (a crash mid-send would instead hold the
        // message for its one-minute lease before another worker may retry it).
        let failed: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE last_error IS NOT NULL")
                .fetch_one(&kdb.pool)
                .await
                .unwrap();
        if failed >= 1 {
            break;
        }
        assert!(Instant::now() < deadline, "no delivery attempt");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    node.kill9();
    let state: String = sqlx::query_scalar("SELECT state FROM outbox")
        .fetch_one(&kdb.pool)
        .await
        .unwrap();
    assert_eq!(state, "pending");
    // Gateway up, server restarted: the message goes out exactly once (after its backoff).
    let gw = Gateway::start_on(
        tokio::net::TcpListener::bind(("127.0.0.1", gw_port))
            .await
            .unwrap(),
    )
    .await;
    let node = Node::spawn(db.dir.path(), &db.url, &env, false);
    node.ready(Instant::now(), Duration::from_secs(20)).await;
    assert_eq!(gw.wait_for(1, 30).await, 1, "delivered after restart");
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(gw.count(), 1, "exactly once");
    let state: String = sqlx::query_scalar("SELECT state FROM outbox")
        .fetch_one(&kdb.pool)
        .await
        .unwrap();
    assert_eq!(state, "sent");
    kdb.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbox_message_queued_before_a_restart_is_delivered_after_it_sqlite() {
    outbox_survives_a_restart(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbox_message_queued_before_a_restart_is_delivered_after_it_postgres() {
    outbox_survives_a_restart(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_on_one_postgres_behave_as_one() {
    let Some(db) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let (gw, gw_url) = Gateway::start().await;
    let env = [("ANJUNGAN_WHATSAPP_URL", gw_url.as_str())];
    let dir_a = tempfile::tempdir().unwrap();
    let dir_b = tempfile::tempdir().unwrap();
    let a = Node::spawn(dir_a.path(), &db.url, &env, true);
    a.ready(Instant::now(), Duration::from_secs(20)).await;
    let b = Node::spawn(dir_b.path(), &db.url, &env, false);
    b.ready(Instant::now(), Duration::from_secs(20)).await;

    // A session made on node A is valid on node B.
    let c = admin_client(&a).await;
    let r = c.get(a.url("/dasbor")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    // reqwest's store is per client and per host:port; carry the session cookie by hand to B.
    let r = log_in(
        &cookie_client(),
        &a,
        "admin@anjungan.test",
        anjungan_server::demo::DEMO_PASSWORD,
    )
    .await;
    assert_eq!(r.status(), 303);
    let set_cookie: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let session = set_cookie
        .iter()
        .find(|c| c.starts_with("anj_session="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let r = anjungan_kernel::http::client()
        .unwrap()
        .build()
        .unwrap()
        .get(b.url("/dasbor"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "session shared across nodes");
    assert!(r.text().await.unwrap().contains("Admin Anjungan"));

    // Login throttling counts failures from both nodes together.
    for (i, node) in [&a, &b, &a, &b, &a].iter().enumerate() {
        let r = log_in(
            &cookie_client(),
            node,
            "juri@anjungan.test",
            "bukan-sandinya",
        )
        .await;
        assert_eq!(r.status(), 401, "failure {i}");
    }
    let r = log_in(
        &cookie_client(),
        &b,
        "juri@anjungan.test",
        anjungan_server::demo::DEMO_PASSWORD,
    )
    .await;
    assert_eq!(r.status(), 429, "locked on node B after failures on both");

    // A file uploaded through node A is served by node B (stored in PostgreSQL, not on A's disk).
    let (ok, out, err) = cli(
        dir_a.path(),
        &db.url,
        &[
            "token",
            "create",
            "--user",
            "admin@anjungan.test",
            "--name",
            "dua-node",
        ],
    );
    assert!(ok, "{err}");
    let token = out.lines().last().unwrap().trim().to_string();
    let png = [
        0x89u8, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0,
        0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0,
    ];
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(png.to_vec()).file_name("stan.png"),
    );
    let r = anjungan_kernel::http::client()
        .unwrap()
        .build()
        .unwrap()
        .post(a.url("/api/v1/files"))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let stored: serde_json::Value = r.json().await.unwrap();
    let sha = stored["sha256"].as_str().unwrap().to_string();
    // Private as uploaded: node B does not serve it by digest either.
    let r = anjungan_kernel::http::client()
        .unwrap()
        .build()
        .unwrap()
        .get(b.url(&format!("/berkas/{sha}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // Its uploader shows it publicly (as a lot's photo does): both nodes serve it now.
    let pool = anjungan_kernel::Db::connect(&db.url, 1).await.unwrap();
    let admin_id: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'admin@anjungan.test'")
            .fetch_one(&pool.pool)
            .await
            .unwrap();
    let mut conn = pool.pool.acquire().await.unwrap();
    assert!(
        anjungan_kernel::files::store::publish(&mut conn, Some(admin_id), &sha)
            .await
            .unwrap()
            .is_some()
    );
    drop(conn);
    pool.close().await;
    let r = anjungan_kernel::http::client()
        .unwrap()
        .build()
        .unwrap()
        .get(b.url(&format!("/berkas/{sha}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().to_vec(), png.to_vec());
    assert!(!dir_a.path().join("uploads").exists());

    // Forty messages, two workers racing: each is sent exactly once.
    let kdb = anjungan_kernel::Db::connect(&db.url, 2).await.unwrap();
    let keys = anjungan_kernel::crypto::Keys::parse(SECRET).unwrap();
    for i in 0..40 {
        let mut conn = kdb.pool.acquire().await.unwrap();
        let m = anjungan_kernel::outbox::domain::NewMessage {
            channel: anjungan_kernel::outbox::domain::Channel::Whatsapp,
            recipient: format!("62812000{i:05}"),
            subject: "uji".into(),
            body: format!("pesan {i}"),
        };
        anjungan_kernel::outbox::store::enqueue(&mut conn, &keys, &m)
            .await
            .unwrap();
    }
    assert_eq!(gw.wait_for(40, 30).await, 40);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let got = gw.received.lock().unwrap().clone();
    assert_eq!(got.len(), 40, "no message sent twice");
    let mut ids: Vec<i64> = got.iter().map(|v| v["id"].as_i64().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 40);
    kdb.close().await;
}

//! Backups as an operator makes them with the real binary: taken under write load, checked,
//! restored into a fresh place and served. Every letter downloads and verifies, every stored
//! file opens, sealed data opens, acknowledged writes are there and the audit chain holds.

use crate::process::{Node, cli};
use crate::support::*;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_anjungan");
const SECRET: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const PASSPHRASE: &str = "cadangan Trenggalek 2026";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_backup_under_load_restores_everything() {
    round_trip(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_backup_under_load_restores_everything() {
    round_trip(Backend::Postgres).await;
}

/// Runs the binary with the passphrase in its environment. The secret key is given as the
/// source's nodes get it, except to a restore (which must find it in the archive) and where
/// the data directory holds its own key file (a restored one).
fn run(data_dir: &std::path::Path, db_url: &str, args: &[&str]) -> (bool, String, String) {
    let mut cmd = Command::new(BIN);
    cmd.args([
        "--data-dir",
        data_dir.to_str().unwrap(),
        "--database-url",
        db_url,
    ])
    .args(args)
    .env_remove("ANJUNGAN_SECRET_KEY");
    if args[0] != "restore" && !data_dir.join("secret.key").exists() {
        cmd.env("ANJUNGAN_SECRET_KEY", SECRET);
    }
    let out = cmd
        .env("ANJUNGAN_BACKUP_PASSPHRASE", PASSPHRASE)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// A distinct small PNG for the i-th upload.
fn png(i: u32) -> Vec<u8> {
    let mut b = vec![
        0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
    ];
    b.extend_from_slice(&i.to_be_bytes());
    b
}

async fn round_trip(backend: Backend) {
    let Some(source) = TestDb::new(backend).await else {
        return;
    };
    let Some(target) = TestDb::new(backend).await else {
        return;
    };
    let url = match backend {
        Backend::Sqlite => format!(
            "sqlite://{}",
            source.dir.path().join("anjungan.db").display()
        ),
        Backend::Postgres => source.url.clone(),
    };
    let node = Node::spawn(source.dir.path(), &url, &[], true);
    node.ready(Instant::now(), Duration::from_secs(60)).await;
    let (ok, out, err) = cli(
        source.dir.path(),
        &url,
        &[
            "token",
            "create",
            "--user",
            "admin@anjungan.test",
            "--name",
            "beban",
        ],
    );
    assert!(ok, "{err}");
    let token = out.lines().last().unwrap().trim().to_string();

    // Write load: organisations and private uploads, each remembered with when it was acked.
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..3u32 {
        let (base, token, stop) = (node.base.clone(), token.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let c = anjungan_kernel::http::client().unwrap().build().unwrap();
            let mut acked: Vec<(Duration, String)> = Vec::new();
            let mut i = 0u32;
            while !stop.load(Ordering::SeqCst) {
                let r = if w == 0 {
                    let form = reqwest::multipart::Form::new().part(
                        "file",
                        reqwest::multipart::Part::bytes(png(i)).file_name("foto.png"),
                    );
                    c.post(format!("{base}/api/v1/files"))
                        .bearer_auth(&token)
                        .multipart(form)
                        .send()
                        .await
                } else {
                    c.post(format!("{base}/api/v1/organisations"))
                        .bearer_auth(&token)
                        .json(&serde_json::json!({"code": format!("B{w}-{i}"), "name": format!("Dinas Cadangan {w} {i}")}))
                        .send()
                        .await
                };
                if let Ok(r) = r
                    && r.status() == 201 {
                        let key = if w == 0 {
                            anjungan_kernel::crypto::sha256_hex(&png(i))
                        } else {
                            format!("B{w}-{i}")
                        };
                        acked.push((started.elapsed(), key));
                    }
                i += 1;
            }
            acked
        }));
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    let archive = source.dir.path().join("cadangan.zip");
    let backup_started = started.elapsed();
    let (ok, out, err) = run(
        source.dir.path(),
        &url,
        &["backup", "--to", archive.to_str().unwrap(), "--with-key"],
    );
    assert!(ok, "backup: {err}");
    assert!(
        out.contains("backup written") && out.contains("included"),
        "{out}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::SeqCst);
    let mut before_backup = Vec::new();
    for t in tasks {
        for (at, key) in t.await.unwrap() {
            if at < backup_started {
                before_backup.push(key);
            }
        }
    }
    assert!(before_backup.len() > 5, "the load wrote before the backup");
    drop(node);

    // The archive checks out; a damaged copy does not.
    let (ok, out, err) = run(
        source.dir.path(),
        &url,
        &["backup", "--verify", archive.to_str().unwrap()],
    );
    assert!(ok && out.contains("backup intact"), "{out}{err}");
    let damaged = source.dir.path().join("rusak.zip");
    let mut bytes = std::fs::read(&archive).unwrap();
    let at = bytes.len() / 3;
    bytes[at] ^= 0xFF;
    std::fs::write(&damaged, bytes).unwrap();
    let (ok, _, err) = run(
        source.dir.path(),
        &url,
        &["backup", "--verify", damaged.to_str().unwrap()],
    );
    assert!(!ok, "a damaged backup passed: {err}");

    // Restore into a fresh place, the key from the archive under the passphrase.
    let fresh = target.dir.path().join("pulih");
    let fresh_url = match backend {
        Backend::Sqlite => format!("sqlite://{}", fresh.join("anjungan.db").display()),
        Backend::Postgres => target.url.clone(),
    };
    let (ok, out, err) = run(
        &fresh,
        &fresh_url,
        &["restore", "--from", archive.to_str().unwrap()],
    );
    assert!(ok, "restore: {err}");
    assert!(out.contains("audit chain intact"), "{out}");
    // A second restore into the same place is refused.
    let (ok, _, err) = run(
        &fresh,
        &fresh_url,
        &["restore", "--from", archive.to_str().unwrap()],
    );
    assert!(!ok && err.contains("not empty"), "{err}");
    // The restored key is the original one.
    let key_file = std::fs::read_to_string(fresh.join("secret.key")).unwrap();
    assert_eq!(key_file.trim(), SECRET);

    // Serve it and check everything as users would.
    let restored = Node::spawn(&fresh, &fresh_url, &[], false);
    restored
        .ready(Instant::now(), Duration::from_secs(60))
        .await;
    let db = anjungan_kernel::Db::connect(&fresh_url, 2).await.unwrap();
    let keys = anjungan_kernel::crypto::Keys::parse(SECRET).unwrap();
    let codes: Vec<String> = sqlx::query_scalar("SELECT code FROM organisations")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    let files: Vec<(String, String)> =
        sqlx::query_as("SELECT sha256, access FROM files ORDER BY sha256")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    for key in &before_backup {
        assert!(
            codes.contains(&key.to_uppercase()) || files.iter().any(|(s, _)| s == key),
            "{key}, acknowledged before the backup, is missing"
        );
    }
    // Every stored file opens with the key and has the bytes its digest names; public ones are
    // served by it.
    let guest = anjungan_kernel::http::client().unwrap().build().unwrap();
    for (sha, access) in &files {
        let f = anjungan_kernel::files::store::get(&db, &fresh, &keys, sha)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("file {sha} lost"));
        assert_eq!(&anjungan_kernel::crypto::sha256_hex(&f.bytes), sha);
        if access == "public" {
            let r = guest
                .get(restored.url(&format!("/berkas/{sha}")))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
        }
    }
    // Every letter downloads for the unit's staff and verifies on the public page.
    let kades = anjungan_kernel::http::client()
        .unwrap()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login_page = kades
        .get(restored.url("/masuk"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = extract_csrf(&login_page).unwrap();
    let r = kades
        .post(restored.url("/masuk"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("login", "kades.nglinggis@anjungan.test"),
            ("password", anjungan_server::demo::DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let letters: Vec<(i64, String)> =
        sqlx::query_as("SELECT request_id, code FROM desk_letters ORDER BY request_id")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert!(!letters.is_empty());
    for (request, code) in &letters {
        let r = kades
            .get(restored.url(&format!("/layanan/kelola/permohonan/{request}/surat.pdf")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "letter of request {request}");
        let pdf = r.bytes().await.unwrap().to_vec();
        let page = kades
            .get(restored.url(&format!("/verifikasi/{code}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = page
            .split("?_csrf=")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();
        let part = reqwest::multipart::Part::bytes(pdf)
            .file_name("surat.pdf")
            .mime_str("application/pdf")
            .unwrap();
        let verdict = kades
            .post(restored.url(&format!("/verifikasi/{code}?_csrf={csrf}")))
            .multipart(reqwest::multipart::Form::new().part("berkas", part))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            verdict.contains("data-authentic=\"true\"") && verdict.contains("data-match=\"true\""),
            "letter {code} does not verify after the restore"
        );
    }
    // Sealed personal data opens.
    let requests: Vec<i64> = sqlx::query_scalar("SELECT id FROM desk_requests ORDER BY id")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    for id in requests {
        let r = anjungan_desk::store::requests::get(&db, &keys, id)
            .await
            .unwrap()
            .unwrap();
        assert!(!r.applicant.is_empty(), "request {id} opens");
    }
    // The audit chain verifies from the command line too.
    db.close().await;
    let (ok, out, err) = run(&fresh, &fresh_url, &["audit", "verify"]);
    assert!(ok && out.contains("audit chain intact"), "{out}{err}");
}

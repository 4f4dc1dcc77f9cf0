//! The outside audit's findings, each kept closed on both backends: private files never served
//! by digest, open redirects, one-time code limits with the clock moved forward, the
//! tamper-evident audit log, and lockout per account.

use crate::both_backends;
use crate::desk::{DOMISILI, SRI_NIK, citizen_submits, last_code, request_id};
use crate::support::*;
use anjungan_kernel::clock::{DAY, HOUR, MINUTE};
use sqlx::Row;

both_backends!(
    letters_are_private_files_and_never_served_by_digest,
    next_is_only_ever_a_plain_local_path,
    desk_codes_are_limited_per_contact_per_hour_and_day,
    a_new_code_does_not_reset_the_tries,
    vote_codes_share_the_one_limiter,
    the_audit_log_refuses_rewrites_and_verify_catches_the_rest,
    a_locked_account_stays_locked_by_every_identifier,
);

/// Moves the app's clock to just after the start of the next day in WIB, so a test that moves
/// it forward by hours never crosses midnight by chance.
fn to_start_of_next_day(app: &TestApp) {
    let now = app.state.clock.now_ms();
    let day = anjungan_kernel::otp::domain::Window::Day;
    app.state.clock.advance(day.start(now) + DAY - now + MINUTE);
}

async fn letters_are_private_files_and_never_served_by_digest(app: TestApp) {
    let rows = sqlx::query("SELECT code, sha256, file_sha FROM desk_letters ORDER BY request_id")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    assert!(!rows.is_empty(), "the demo has signed letters");
    let guest = app.client();
    for r in &rows {
        let (code, sha, file): (String, String, String) =
            (r.get("code"), r.get("sha256"), r.get("file_sha"));
        // The verification page names the digest (to compare a copy one holds) but links no file.
        let page = guest
            .get(app.url(&format!("/verifikasi/{code}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains(&sha) && !page.contains("/berkas/"), "{page}");
        for digest in [&sha, &file] {
            let r = guest
                .get(app.url(&format!("/berkas/{digest}")))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 404, "a letter is served by its digest");
        }
        let access: String = sqlx::query_scalar("SELECT access FROM files WHERE sha256 = $1")
            .bind(&file)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(access, "private");
    }
    // The citizen with the tracking code, and the unit's staff, get it: never cached.
    let citizen = app.client();
    let tracking = citizen_submits(&app, &citizen).await;
    let id = request_id(&app, &tracking).await;
    let sekdes = app.signed_in("sekdes.nglinggis@anjungan.test").await;
    let kades = app.signed_in("kades.nglinggis@anjungan.test").await;
    assert_eq!(
        crate::desk::step(&app, &sekdes, id, "verify", "")
            .await
            .status(),
        303
    );
    assert_eq!(
        crate::desk::step(&app, &kades, id, "sign", "")
            .await
            .status(),
        303
    );
    for (who, path) in [
        (&citizen, format!("/layanan/lacak/{tracking}/surat.pdf")),
        (
            &sekdes,
            format!("/layanan/kelola/permohonan/{id}/surat.pdf"),
        ),
    ] {
        let r = who.get(app.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(r.headers()["cache-control"], "private, no-store");
        let pdf = r.bytes().await.unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        if let Some(text) = crate::desk::pdf_text(&pdf) {
            assert!(text.contains(SRI_NIK), "the letter itself carries the NIK");
        }
    }
    // Another unit's staff and a guest without the code do not.
    let stranger = app.signed_in("operator.kominfo@anjungan.test").await;
    assert_eq!(
        stranger
            .get(app.url(&format!("/layanan/kelola/permohonan/{id}/surat.pdf")))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let letter = anjungan_desk::store::letters::for_request(&app.state.db, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        guest
            .get(app.url(&format!("/berkas/{}", letter.file_sha)))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    // At rest the letter is sealed: its bytes are nowhere in clear.
    let stored = stored_bytes(&app, &letter.file_sha).await;
    assert!(stored.starts_with(anjungan_kernel::crypto::SEALED_FILE_MAGIC));
    assert!(!contains(&stored, b"%PDF") && !contains(&stored, SRI_NIK.as_bytes()));
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The bytes of a stored file as they lie at rest (disk on SQLite, `files.data` on PostgreSQL).
async fn stored_bytes(app: &TestApp, sha: &str) -> Vec<u8> {
    let data: Option<Vec<u8>> = sqlx::query_scalar("SELECT data FROM files WHERE sha256 = $1")
        .bind(sha)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    data.unwrap_or_else(|| {
        std::fs::read(
            app.state
                .config
                .data_dir
                .join("uploads")
                .join(&sha[..2])
                .join(sha),
        )
        .unwrap()
    })
}

async fn next_is_only_ever_a_plain_local_path(app: TestApp) {
    // (as a link carries it, as the form posts it back decoded, where it must lead)
    for (next, decoded, to) in [
        ("/%09/evil.example", "/\t/evil.example", "/dasbor"),
        ("/%0A/evil.example", "/\n/evil.example", "/dasbor"),
        (
            "/%0d%0aSet-Cookie:%20x=1",
            "/\r\nSet-Cookie: x=1",
            "/dasbor",
        ),
        ("//evil.example", "//evil.example", "/dasbor"),
        ("/%5Cevil.example", "/\\evil.example", "/dasbor"),
        ("https://evil.example/", "https://evil.example/", "/dasbor"),
        (
            "/inovasi?tahun=2026",
            "/inovasi?tahun=2026",
            "/inovasi?tahun=2026",
        ),
    ] {
        let c = app.client();
        let csrf = app.csrf(&c, &format!("/masuk?next={next}")).await;
        let r = c
            .post(app.url("/masuk"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("login", "admin@anjungan.test"),
                ("password", anjungan_server::demo::DEMO_PASSWORD),
                ("next", decoded),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{next}");
        assert_eq!(r.headers()["location"], to, "{next}");
        // Signed in already, the sign-in page sends on the same way.
        let r = c
            .get(app.url(&format!("/masuk?next={next}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["location"], to, "{next}");
    }
}

/// Asks for a Petung Dadi code for `phone` through the request form.
async fn ask_desk_code(app: &TestApp, c: &reqwest::Client, phone: &str) -> reqwest::Response {
    let csrf = app.csrf(c, &format!("/layanan/s/{DOMISILI}")).await;
    c.post(app.url(&format!("/layanan/s/{DOMISILI}")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("nama", "Sri Wahyuni"),
            ("nik", SRI_NIK),
            ("f_keperluan", "Melamar pekerjaan"),
            ("telepon", phone),
            ("langkah", "kode"),
            ("kode", ""),
        ])
        .send()
        .await
        .unwrap()
}

async fn send_desk_code(
    app: &TestApp,
    c: &reqwest::Client,
    phone: &str,
    code: &str,
) -> reqwest::Response {
    let csrf = app.csrf(c, &format!("/layanan/s/{DOMISILI}")).await;
    c.post(app.url(&format!("/layanan/s/{DOMISILI}")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("nama", "Sri Wahyuni"),
            ("nik", SRI_NIK),
            ("f_keperluan", "Melamar pekerjaan"),
            ("telepon", phone),
            ("langkah", "kirim"),
            ("kode", code),
        ])
        .send()
        .await
        .unwrap()
}

async fn outbox_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn desk_codes_are_limited_per_contact_per_hour_and_day(app: TestApp) {
    to_start_of_next_day(&app);
    let c = app.client();
    let phone = "0812 1111 2222";
    let sent = outbox_count(&app).await;
    for _ in 0..5 {
        assert_eq!(ask_desk_code(&app, &c, phone).await.status(), 200);
    }
    // The sixth within the hour is refused with a wait, and sends nothing.
    let r = ask_desk_code(&app, &c, phone).await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    assert_eq!(outbox_count(&app).await, sent + 5);
    // Another contact from the same address still gets one.
    assert_eq!(
        ask_desk_code(&app, &c, "0812 1111 3333").await.status(),
        200
    );
    // An hour later the contact gets five more, up to ten a day.
    app.state.clock.advance(HOUR);
    for _ in 0..5 {
        assert_eq!(ask_desk_code(&app, &c, phone).await.status(), 200);
    }
    app.state.clock.advance(HOUR);
    assert_eq!(
        ask_desk_code(&app, &c, phone).await.status(),
        429,
        "ten a day"
    );
    app.state.clock.advance(DAY);
    assert_eq!(ask_desk_code(&app, &c, phone).await.status(), 200);
    // Thirty an hour from one address, whatever the contacts.
    let c2 = app.client();
    app.state.clock.advance(HOUR);
    let mut statuses = Vec::new();
    for i in 0..31 {
        statuses.push(
            ask_desk_code(&app, &c2, &format!("0813 2222 {i:04}"))
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 30);
    assert_eq!(statuses.last(), Some(&429));
}

async fn a_new_code_does_not_reset_the_tries(app: TestApp) {
    to_start_of_next_day(&app);
    let c = app.client();
    let phone = "0812 4444 5555";
    assert_eq!(ask_desk_code(&app, &c, phone).await.status(), 200);
    let right = last_code(&app).await;
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    for _ in 0..5 {
        assert_eq!(send_desk_code(&app, &c, phone, wrong).await.status(), 422);
    }
    // A new code does not give five more tries, and even the right code is now refused.
    assert_eq!(ask_desk_code(&app, &c, phone).await.status(), 200);
    let fresh = last_code(&app).await;
    let r = send_desk_code(&app, &c, phone, &fresh).await;
    assert_eq!(r.status(), 429);
    assert!(r.text().await.unwrap().contains("data-error=\"kode\""));
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM desk_requests")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    // An hour later a fresh code works.
    app.state.clock.advance(HOUR);
    assert_eq!(ask_desk_code(&app, &c, phone).await.status(), 200);
    let code = last_code(&app).await;
    assert_eq!(send_desk_code(&app, &c, phone, &code).await.status(), 303);
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM desk_requests")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(after, before + 1);
    // A used code does not work twice.
    assert_eq!(send_desk_code(&app, &c, phone, &code).await.status(), 422);
}

async fn vote_codes_share_the_one_limiter(app: TestApp) {
    use anjungan_festival::domain::phase::{Phase, PhaseKind};
    to_start_of_next_day(&app);
    let now = app.state.clock.now_ms();
    let id = crate::festival_entries::edition(
        &app,
        71,
        vec![Phase {
            kind: PhaseKind::Final,
            starts_at: now - DAY,
            ends_at: now + 5 * DAY,
            voting: true,
        }],
    )
    .await;
    let e = crate::festival_entries::entries(&app, id, 2).await;
    let c = app.client();
    let api = |path: &str| app.url(&format!("/api/v1/festival/editions/71/{path}"));
    let ask = |contact: &'static str| {
        c.post(api("vote-codes"))
            .json(&serde_json::json!({ "contact": contact }))
            .send()
    };
    for _ in 0..5 {
        assert_eq!(ask("0812 7777 8888").await.unwrap().status(), 202);
    }
    let r = ask("0812 7777 8888").await.unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    app.state.clock.advance(HOUR);
    assert_eq!(ask("0812 7777 8888").await.unwrap().status(), 202);
    // Five wrong codes lock the contact; a new code does not unlock it.
    let vote = |code: String| {
        c.post(api("votes"))
            .json(&serde_json::json!({"contact": "0812 7777 8888", "code": code, "entry": e[0]}))
            .send()
    };
    let right = last_vote_code(&app).await;
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    for _ in 0..5 {
        assert_eq!(vote(wrong.into()).await.unwrap().status(), 400);
    }
    assert_eq!(ask("0812 7777 8888").await.unwrap().status(), 202);
    let fresh = last_vote_code(&app).await;
    assert_eq!(vote(fresh.clone()).await.unwrap().status(), 429);
    app.state.clock.advance(HOUR);
    assert_eq!(ask("0812 7777 8888").await.unwrap().status(), 202);
    let code = last_vote_code(&app).await;
    assert_eq!(vote(code).await.unwrap().status(), 201);
}

/// The last vote code sent, read from the outbox as the gateway would send it.
async fn last_vote_code(app: &TestApp) -> String {
    let row = sqlx::query("SELECT body_sealed FROM outbox ORDER BY id DESC LIMIT 1")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let body = app
        .state
        .keys
        .open(row.get::<&str, _>("body_sealed"))
        .unwrap();
    body.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap()
        .to_string()
}

async fn the_audit_log_refuses_rewrites_and_verify_catches_the_rest(app: TestApp) {
    let db = &app.state.db;
    let keys = &app.state.keys;
    anjungan_kernel::audit::store::chain_pending(db, keys)
        .await
        .unwrap();
    let report = anjungan_kernel::audit::store::verify(db, keys)
        .await
        .unwrap();
    assert!(report.intact(), "{report:?}");
    assert!(report.entries > 10 && report.pending == 0, "{report:?}");
    let (first, head): (i64, i64) = sqlx::query_as("SELECT MIN(id), MAX(id) FROM audit_log")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let sqlite = db.backend == anjungan_kernel::Backend::Sqlite;
    let columns = "id, at, actor_id, actor_label, channel, action, record_type, record_id, summary, request_id";
    let mut attacks = vec![
        format!("UPDATE audit_log SET summary = '{{}}' WHERE id = {first}"),
        format!("UPDATE audit_log SET chain_hash = NULL WHERE id = {first}"),
        format!("DELETE FROM audit_log WHERE id = {first}"),
        "DELETE FROM audit_log".to_string(),
        format!(
            "INSERT INTO audit_log ({columns}) SELECT {columns} FROM audit_log WHERE id = {first} \
             ON CONFLICT (id) DO UPDATE SET summary = '{{\"forged\":1}}'"
        ),
    ];
    if sqlite {
        attacks.push(format!(
            "REPLACE INTO audit_log ({columns}) SELECT {columns} FROM audit_log WHERE id = {first}"
        ));
        attacks.push(format!(
            "INSERT OR REPLACE INTO audit_log ({columns}) SELECT {columns} FROM audit_log WHERE id = {first}"
        ));
    } else {
        attacks.push("TRUNCATE audit_log".to_string());
        attacks.push("TRUNCATE audit_log CASCADE".to_string());
    }
    for sql in &attacks {
        assert!(
            // The test's own statements: what an intruder with a database login would try.
            sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
                .execute(&db.pool)
                .await
                .is_err(),
            "the database accepted: {sql}"
        );
    }
    let after = anjungan_kernel::audit::store::verify(db, keys)
        .await
        .unwrap();
    assert!(
        after.intact() && after.entries == report.entries,
        "{after:?}"
    );
    // An entry appended with a made-up link (what a restore does with real ones) is caught.
    let forged = head + 1000;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO audit_log ({columns}, chain_hash) VALUES ({forged}, 1, NULL, 'x', 'web', 'forged', 't', '1', '{{}}', NULL, 'abc')"
    )))
    .execute(&db.pool)
    .await
    .unwrap();
    let caught = anjungan_kernel::audit::store::verify(db, keys)
        .await
        .unwrap();
    assert_eq!(caught.broken_at, Some(forged), "a forged entry is caught");
    // Someone who switches the guards off gets past them, but not past `verify`.
    let (off, on) = if sqlite {
        (
            vec![
                "DROP TRIGGER audit_log_no_update",
                "DROP TRIGGER audit_log_no_delete",
                "DROP TRIGGER audit_log_no_overwrite",
            ],
            vec![],
        )
    } else {
        (
            vec!["ALTER TABLE audit_log DISABLE TRIGGER USER"],
            vec!["ALTER TABLE audit_log ENABLE TRIGGER USER"],
        )
    };
    for sql in &off {
        sqlx::query(*sql).execute(&db.pool).await.unwrap();
    }
    let middle: i64 = first + (head - first) / 2;
    let target: i64 = sqlx::query_scalar("SELECT MIN(id) FROM audit_log WHERE id >= $1")
        .bind(middle)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let original = summary_of(&app, target).await;
    sqlx::query("UPDATE audit_log SET summary = '{\"rewritten\":true}' WHERE id = $1")
        .bind(target)
        .execute(&db.pool)
        .await
        .unwrap();
    let broken = anjungan_kernel::audit::store::verify(db, keys)
        .await
        .unwrap();
    assert_eq!(broken.broken_at, Some(target), "an UPDATE is caught");
    // Put back, the chain holds again; a deleted entry breaks the next one's link.
    sqlx::query("UPDATE audit_log SET summary = $2 WHERE id = $1")
        .bind(target)
        .bind(&original)
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(
        anjungan_kernel::audit::store::verify(db, keys)
            .await
            .unwrap()
            .broken_at,
        Some(forged),
        "put back, only the forged entry is left to report"
    );
    sqlx::query("DELETE FROM audit_log WHERE id = $1")
        .bind(target)
        .execute(&db.pool)
        .await
        .unwrap();
    let next: i64 = sqlx::query_scalar("SELECT MIN(id) FROM audit_log WHERE id > $1")
        .bind(target)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let broken = anjungan_kernel::audit::store::verify(db, keys)
        .await
        .unwrap();
    assert_eq!(broken.broken_at, Some(next), "a DELETE is caught");
    for sql in &on {
        sqlx::query(*sql).execute(&db.pool).await.unwrap();
    }
    // The admin page and the API show the chain's head and where it broke.
    let admin = app.signed_in("admin@anjungan.test").await;
    let page = admin
        .get(app.url("/admin/audit"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("data-testid=\"audit-head\""), "{page}");
    let token = app.token("admin@anjungan.test").await;
    let r: serde_json::Value = anjungan_kernel::http::client()
        .unwrap()
        .build()
        .unwrap()
        .get(app.url("/api/v1/audit/chain"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["broken_at"], next);
}

async fn summary_of(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar("SELECT summary FROM audit_log WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn a_locked_account_stays_locked_by_every_identifier(app: TestApp) {
    // The demo citizen signs in by e-mail or by phone; five failures by e-mail lock both.
    let c = app.client();
    for _ in 0..5 {
        let r = app.login(&c, "warga@anjungan.test", "salah-sandi").await;
        assert_eq!(r.status(), 401);
    }
    for login in ["warga@anjungan.test", "0812 0000 0003", "+62 812-0000-0003"] {
        let r = app
            .login(&app.client(), login, anjungan_server::demo::DEMO_PASSWORD)
            .await;
        assert_eq!(r.status(), 429, "{login} signs in past the lock");
    }
    // Other accounts are not affected.
    let r = app
        .login(
            &app.client(),
            "admin@anjungan.test",
            anjungan_server::demo::DEMO_PASSWORD,
        )
        .await;
    assert_eq!(r.status(), 303);
}

both_backends!(
    bearer_is_case_insensitive_and_401_names_the_scheme,
    holidays_of_year_zero_are_refused,
);

async fn bearer_is_case_insensitive_and_401_names_the_scheme(app: TestApp) {
    let token = app.token("admin@anjungan.test").await;
    let c = anjungan_kernel::http::client().unwrap().build().unwrap();
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let r = c
            .get(app.url("/api/v1/me"))
            .header("authorization", format!("{scheme} {token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{scheme}");
    }
    for auth in [
        None,
        Some("Bearer anj_nope".to_string()),
        Some(format!("Basic {token}")),
    ] {
        let mut req = c.get(app.url("/api/v1/me"));
        if let Some(a) = &auth {
            req = req.header("authorization", a);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), 401, "{auth:?}");
        assert!(
            r.headers()["www-authenticate"]
                .to_str()
                .unwrap()
                .starts_with("Bearer"),
            "{auth:?}"
        );
        assert_eq!(r.headers()["content-type"], "application/problem+json");
    }
}

async fn holidays_of_year_zero_are_refused(app: TestApp) {
    let token = app.token("admin@anjungan.test").await;
    let c = anjungan_kernel::http::client().unwrap().build().unwrap();
    for day in ["0000-01-01", "1999-12-31", "2101-01-01"] {
        let r = c
            .put(app.url(&format!("/api/v1/layanan/holidays/{day}")))
            .bearer_auth(&token)
            .json(&serde_json::json!({"name": "Libur", "kind": "national"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{day}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
    }
    let stored: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM desk_holidays WHERE day < '2000' OR day > '2100-12-31'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(stored, 0);
}

/// Runs `body` on both backends with an adjusted configuration.
macro_rules! both_backends_with {
    ($name:ident, $adjust:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(app) = TestApp::start_with(Backend::Sqlite, $adjust).await {
                    super::$name(app).await;
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = TestApp::start_with(Backend::Postgres, $adjust).await {
                    super::$name(app).await;
                }
            }
        }
    };
}

both_backends_with!(metrics_are_for_scrapers_and_admins, |c| {
    c.metrics_addresses = vec!["192.0.2.10".into()]
});

async fn metrics_are_for_scrapers_and_admins(app: TestApp) {
    let c = anjungan_kernel::http::client().unwrap().build().unwrap();
    let r = c.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(
        r.status(),
        401,
        "127.0.0.1 is not a configured scraper here"
    );
    let citizen = app.token("warga@anjungan.test").await;
    let r = c
        .get(app.url("/metrics"))
        .bearer_auth(citizen)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let admin = app.token("admin@anjungan.test").await;
    let r = c
        .get(app.url("/metrics"))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("anjungan_http_requests_total")
    );
}

both_backends_with!(https_deployments_get_secure_cookies_and_hsts, |c| {
    c.base_url = "https://anjungan.example".into()
});

async fn https_deployments_get_secure_cookies_and_hsts(app: TestApp) {
    let c = app.client();
    let r = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(
        r.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
    // Every cookie the platform sets carries Secure: CSRF, session, language and the stories'.
    let mut cookies: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let r = app
        .login(
            &c,
            "warga@anjungan.test",
            anjungan_server::demo::DEMO_PASSWORD,
        )
        .await;
    assert_eq!(r.status(), 303);
    for path in ["/bahasa/en?next=/", "/cerita/ukuran?s=besar&next=/cerita"] {
        let r = app.client().get(app.url(path)).send().await.unwrap();
        cookies.extend(
            r.headers()
                .get_all("set-cookie")
                .iter()
                .map(|v| v.to_str().unwrap().to_string()),
        );
    }
    cookies.extend(
        r.headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string()),
    );
    assert!(cookies.len() >= 4, "{cookies:?}");
    for cookie in &cookies {
        assert!(cookie.contains("; Secure"), "{cookie}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_installs_get_no_hsts() {
    let app = TestApp::start(Backend::Sqlite).await.unwrap();
    let r = app.client().get(app.url("/")).send().await.unwrap();
    assert!(!r.headers().contains_key("strict-transport-security"));
}

both_backends_with!(live_feeds_check_origin_and_cap_per_address, |c| {
    c.live_per_address = 2
});

async fn live_feeds_check_origin_and_cap_per_address(app: TestApp) {
    let session: i64 = sqlx::query_scalar(
        "SELECT id FROM auction_sessions WHERE state = 'open' ORDER BY id LIMIT 1",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let ws_url = app
        .url(&format!("/api/v1/auction/sessions/{session}/ws"))
        .replacen("http", "ws", 1);
    let upgrade = |origin: &str| {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut req = ws_url.as_str().into_client_request().unwrap();
        req.headers_mut().insert("origin", origin.parse().unwrap());
        req
    };
    // A page on another site may not open the feed.
    match tokio_tungstenite::connect_async(upgrade("https://evil.example")).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => assert_eq!(r.status(), 403),
        other => panic!("a foreign origin was let in: {other:?}"),
    }
    // Our own pages may; two feeds per address here, the third is refused until one closes.
    let (ws, _) = tokio_tungstenite::connect_async(upgrade(&app.base))
        .await
        .unwrap();
    let sse = app
        .client()
        .get(app.url(&format!("/lelang/sesi/{session}/feed")))
        .send()
        .await
        .unwrap();
    assert_eq!(sse.status(), 200);
    let third = app
        .client()
        .get(app.url(&format!("/lelang/sesi/{session}/feed")))
        .send()
        .await
        .unwrap();
    assert_eq!(third.status(), 429);
    assert!(third.headers().contains_key("retry-after"));
    // A WebSocket that goes away is noticed at once and frees its place.
    drop(ws);
    let mut again = 0;
    for _ in 0..50 {
        let r = app
            .client()
            .get(app.url(&format!("/lelang/sesi/{session}/feed")))
            .send()
            .await
            .unwrap();
        again = r.status().as_u16();
        if again == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(again, 200, "a closed feed frees its place");
    drop(sse);
}

both_backends!(no_nik_or_letter_is_readable_at_rest);

/// Reads the whole store as an attacker with a copy of the disk (SQLite: every file in the data
/// directory; PostgreSQL: every row of every table as text, and the stored files' bytes) and
/// finds no NIK, no KK number and no letter text outside sealed columns.
async fn no_nik_or_letter_is_readable_at_rest(app: TestApp) {
    let db = &app.state.db;
    let keys = &app.state.keys;
    // Some fresh activity on top of the demo: a request, verified and signed into a letter.
    let citizen = app.client();
    let tracking = citizen_submits(&app, &citizen).await;
    let id = request_id(&app, &tracking).await;
    let sekdes = app.signed_in("sekdes.nglinggis@anjungan.test").await;
    let kades = app.signed_in("kades.nglinggis@anjungan.test").await;
    assert_eq!(
        crate::desk::step(&app, &sekdes, id, "verify", "")
            .await
            .status(),
        303
    );
    assert_eq!(
        crate::desk::step(&app, &kades, id, "sign", "")
            .await
            .status(),
        303
    );
    // Every NIK and KK the platform holds, opened with the key.
    let mut secrets: Vec<String> = vec![SRI_NIK.to_string()];
    let orgs: Vec<i64> = sqlx::query_scalar("SELECT DISTINCT org_id FROM desk_residents")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    for org in orgs {
        for e in anjungan_desk::store::residents::page(db, keys, org, 0, 100_000)
            .await
            .unwrap()
        {
            secrets.push(e.nik.clone());
            secrets.push(e.kk.clone());
        }
    }
    let requests: Vec<i64> = sqlx::query_scalar("SELECT id FROM desk_requests")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    for r in requests {
        let r = anjungan_desk::store::requests::get(db, keys, r)
            .await
            .unwrap()
            .unwrap();
        if r.nik.len() == 16 {
            secrets.push(r.nik);
        }
    }
    secrets.sort();
    secrets.dedup();
    assert!(secrets.len() > 10, "the demo holds NIKs: {}", secrets.len());
    // A letter in clear would begin so (the letters' titles, "SURAT KETERANGAN …", are the
    // services' public templates, not a letter's content).
    let letter_text = ["%PDF"];
    let mut found = Vec::new();
    let mut scanned = 0usize;
    let mut look = |place: &str, bytes: &[u8]| {
        scanned += bytes.len();
        for s in &secrets {
            if bytes.windows(16).any(|w| w == s.as_bytes()) {
                found.push(format!(
                    "{place}: NIK/KK {}",
                    anjungan_kernel::crypto::mask(s, 4, 2)
                ));
            }
        }
        for t in letter_text {
            if bytes.windows(t.len()).any(|w| w == t.as_bytes()) {
                found.push(format!("{place}: {t:?}"));
            }
        }
    };
    match db.backend {
        anjungan_kernel::Backend::Sqlite => {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&db.pool)
                .await
                .unwrap();
            let mut stack = vec![app.state.config.data_dir.clone()];
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(&dir).unwrap() {
                    let path = entry.unwrap().path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if path.file_name().is_some_and(|n| n != "secret.key") {
                        look(&path.display().to_string(), &std::fs::read(&path).unwrap());
                    }
                }
            }
        }
        anjungan_kernel::Backend::Postgres => {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
            )
            .fetch_all(&db.pool)
            .await
            .unwrap();
            for t in tables {
                let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT CAST(x AS TEXT) FROM {t} x"
                )))
                .fetch_all(&db.pool)
                .await
                .unwrap();
                look(&format!("table {t}"), rows.join("\n").as_bytes());
            }
            let files: Vec<Option<Vec<u8>>> =
                sqlx::query_scalar("SELECT data FROM files WHERE access = 'private'")
                    .fetch_all(&db.pool)
                    .await
                    .unwrap();
            for (i, f) in files.iter().enumerate() {
                look(
                    &format!("private file {i}"),
                    f.as_deref().unwrap_or_default(),
                );
            }
        }
    }
    assert!(scanned > 100_000, "scanned {scanned} bytes");
    assert!(found.is_empty(), "readable at rest:\n{}", found.join("\n"));
}

both_backends!(what_an_earlier_version_stored_in_clear_is_sealed_at_start);

/// Files and register rows an earlier version kept in clear are sealed by the start-up pass,
/// and still open as before.
async fn what_an_earlier_version_stored_in_clear_is_sealed_at_start(app: TestApp) {
    let db = &app.state.db;
    let keys = &app.state.keys;
    let dir = &app.state.config.data_dir;
    let pdf = b"%PDF-1.4\n% surat lama NIK 3503055203900002\n".to_vec();
    let sha = anjungan_kernel::crypto::sha256_hex(&pdf);
    let on_disk = dir.join("uploads").join(&sha[..2]).join(&sha);
    match db.backend {
        anjungan_kernel::Backend::Sqlite => {
            std::fs::create_dir_all(on_disk.parent().unwrap()).unwrap();
            std::fs::write(&on_disk, &pdf).unwrap();
        }
        anjungan_kernel::Backend::Postgres => {}
    }
    sqlx::query(
        "INSERT INTO files (sha256, mime, size, original_name, data, created_at, access, sealed) \
         VALUES ($1, 'application/pdf', $2, 'lama.pdf', $3, 0, 'private', 0)",
    )
    .bind(&sha)
    .bind(pdf.len() as i64)
    .bind((db.backend == anjungan_kernel::Backend::Postgres).then(|| pdf.clone()))
    .execute(&db.pool)
    .await
    .unwrap();
    let org = app.org_id("35.03.05.2001").await;
    sqlx::query(
        "INSERT INTO desk_residents (org_id, nik_index, nik, kk, name, birth_place, birth_date, sex, address, rt, rw, hamlet, updated_at, sealed) \
         VALUES ($1, 'lama', $2, $3, 'Warga Lama', 'Trenggalek', '1970-01-02', 'P', $4, '001', '002', 'Krajan', 0, 0)",
    )
    .bind(org)
    .bind(keys.seal("3503054201700009"))
    .bind(keys.seal("3503050101090099"))
    .bind(keys.seal("Jl. Lama 1"))
    .execute(&db.pool)
    .await
    .unwrap();
    // The pass a start runs.
    assert_eq!(
        anjungan_kernel::files::store::seal_stored(db, dir, keys)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        anjungan_desk::store::residents::seal_stored(db, keys)
            .await
            .unwrap(),
        1
    );
    let at_rest = stored_bytes(&app, &sha).await;
    assert!(at_rest.starts_with(anjungan_kernel::crypto::SEALED_FILE_MAGIC));
    assert!(!contains(&at_rest, b"%PDF") && !contains(&at_rest, b"3503055203900002"));
    let opened = anjungan_kernel::files::store::get(db, dir, keys, &sha)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(opened.bytes, pdf);
    let raw: (String, String, String) = sqlx::query_as(
        "SELECT name, birth_date, hamlet FROM desk_residents WHERE nik_index = 'lama'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert!(!format!("{raw:?}").contains("Lama") && !format!("{raw:?}").contains("1970"));
    let id: i64 = sqlx::query_scalar("SELECT id FROM desk_residents WHERE nik_index = 'lama'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let e = anjungan_desk::store::residents::get(db, keys, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (e.name.as_str(), e.birth_date.as_str(), e.hamlet.as_str()),
        ("Warga Lama", "1970-01-02", "Krajan")
    );
    // A second start finds nothing left to seal.
    assert_eq!(
        anjungan_kernel::files::store::seal_stored(db, dir, keys)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        anjungan_desk::store::residents::seal_stored(db, keys)
            .await
            .unwrap(),
        0
    );
}

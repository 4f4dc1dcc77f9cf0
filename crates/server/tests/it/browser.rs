//! Browser journeys in real headless Chromium through chromedriver. Without chromedriver the
//! journeys are skipped with a message, except under `CI=true`, where that is a failure.
//! A failing journey leaves a screenshot in `target/browser-screenshots/`.

use crate::support::*;
use fantoccini::{Client, ClientBuilder, Locator};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver on a free port and opens a headless Chromium session.
    pub async fn start() -> Option<Browser> {
        let driver_bin = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists());
        let Some(driver_bin) = driver_bin else {
            assert!(
                !ci(),
                "CI=true but chromedriver is not installed: browser tests must run"
            );
            eprintln!("skipped: browser journey (apt-get install chromium chromium-driver)");
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let profile = tempfile::tempdir().unwrap();
        let caps: serde_json::Map<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                         "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--window-size=412,915", format!("--user-data-dir={}", profile.path().display())]
            }
        }))
        .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => {
                    return Some(Browser {
                        client,
                        driver,
                        _profile: profile,
                    });
                }
                Err(e) => {
                    assert!(
                        Instant::now() < deadline,
                        "could not start a browser session: {e}"
                    );
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
    }

    /// Runs a journey; on failure saves a screenshot and fails the test with the step's error.
    pub async fn journey<F, Fut>(self, name: &str, steps: F)
    where
        F: FnOnce(Client) -> Fut,
        Fut: std::future::Future<Output = Result<(), String>>,
    {
        let client = self.client.clone();
        let outcome = steps(client.clone()).await;
        if let Err(e) = &outcome {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../target/browser-screenshots");
            let _ = std::fs::create_dir_all(&dir);
            if let Ok(png) = client.screenshot().await {
                let path = dir.join(format!("{name}.png"));
                let _ = std::fs::write(&path, png);
                eprintln!("screenshot saved: {}", path.display());
            }
            let _ = client.close().await;
            panic!("browser journey {name} failed: {e}");
        }
        let _ = client.close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Text of the first element matching `css`.
pub async fn text(c: &Client, css: &str) -> Result<String, String> {
    c.find(Locator::Css(css))
        .await
        .map_err(|e| format!("{css}: {e}"))?
        .text()
        .await
        .map_err(|e| e.to_string())
}

pub async fn click(c: &Client, css: &str) -> Result<(), String> {
    c.find(Locator::Css(css))
        .await
        .map_err(|e| format!("{css}: {e}"))?
        .click()
        .await
        .map_err(|e| format!("click {css}: {e}"))
}

pub async fn fill(c: &Client, css: &str, value: &str) -> Result<(), String> {
    c.find(Locator::Css(css))
        .await
        .map_err(|e| format!("{css}: {e}"))?
        .send_keys(value)
        .await
        .map_err(|e| e.to_string())
}

/// Waits (up to 5 s) for navigation to reach `path`.
pub async fn wait_for_path(c: &Client, path: &str) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let url = c.current_url().await.map_err(|e| e.to_string())?;
        if url.path() == path {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("expected to reach {path}, still at {url}"));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub(crate) fn expect(cond: bool, what: &str) -> Result<(), String> {
    if cond { Ok(()) } else { Err(what.to_string()) }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_language_sign_in_dashboard_sign_out() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::start(Backend::Sqlite).await.unwrap();
    let base = app.base.clone();
    browser
        .journey("home_language_sign_in_dashboard_sign_out", |c| async move {
            c.goto(&format!("{base}/"))
                .await
                .map_err(|e| e.to_string())?;
            let h1 = text(&c, "h1").await?;
            expect(
                h1.contains("inovasi pelayanan publik"),
                &format!("Indonesian home page first, got {h1:?}"),
            )?;
            click(&c, "[data-testid=lang-switch]").await?;
            let h1 = text(&c, "h1").await?;
            expect(
                h1.contains("Public-service innovation")
                    || h1.contains("public-service innovation"),
                &format!("English after switching, got {h1:?}"),
            )?;
            click(&c, "a[href='/masuk']").await?;
            fill(&c, "#login", "admin@anjungan.test").await?;
            fill(&c, "#password", anjungan_server::demo::DEMO_PASSWORD).await?;
            click(&c, "form[action='/masuk'] button[type=submit]").await?;
            wait_for_path(&c, "/dasbor").await?;
            let heading = text(&c, "[data-testid=dashboard-heading]").await?;
            expect(
                heading == "Welcome, Admin Anjungan",
                &format!("dashboard heading: {heading:?}"),
            )?;
            let card = text(&c, "[data-role=admin] h2").await?;
            expect(card == "Administrator", &format!("admin card: {card:?}"))?;
            click(&c, "form[action='/keluar'] button").await?;
            wait_for_path(&c, "/").await?;
            let link = text(&c, "a[href='/masuk']").await?;
            expect(link == "Sign in", &format!("signed out, got {link:?}"))?;
            c.goto(&format!("{base}/dasbor"))
                .await
                .map_err(|e| e.to_string())?;
            wait_for_path(&c, "/masuk").await?;
            Ok(())
        })
        .await;
}

/// The kiosk at a village counter keeps working while the server is down: the answer waits on
/// the tablet and is delivered exactly once when the server is back; the public page and the
/// unit's dashboard then count it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kiosk_answer_given_while_the_server_is_down_arrives_when_it_is_back() {
    use crate::process::{Node, free_port};
    let Some(browser) = Browser::start().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("anjungan.db").display());
    let port = free_port();
    let node = Node::spawn_on(port, dir.path(), &url, &[], true);
    node.ready(Instant::now(), Duration::from_secs(30)).await;
    let base = node.base.clone();
    let api = anjungan_kernel::http::client().unwrap().build().unwrap();
    let orgs: serde_json::Value = api
        .get(format!(
            "{base}/api/v1/organisations?kind=village&q=Nglinggis"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let unit = orgs[0]["id"].as_i64().unwrap();
    let results = |api: reqwest::Client, base: String| async move {
        let r: serde_json::Value = api
            .get(format!("{base}/api/v1/survey/units/{unit}/results"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        (
            r["result"]["responses"].as_i64().unwrap(),
            r["result"]["ikm"].as_str().unwrap().to_string(),
        )
    };
    let (before, ikm_before) = results(api.clone(), base.clone()).await;
    let node_slot = std::sync::Arc::new(std::sync::Mutex::new(Some(node)));
    let slot = node_slot.clone();
    let dir_path = dir.path().to_path_buf();
    let url2 = url.clone();
    browser
        .journey("kiosk_offline", |c| async move {
            c.goto(&format!("{base}/ikm/unit/{unit}/kiosk"))
                .await
                .map_err(|e| e.to_string())?;
            // The network goes: the server stops.
            slot.lock().unwrap().take().unwrap().kill9();
            for i in 1..=9 {
                click(&c, &format!("input[name=u{i}][value='4']")).await?;
            }
            click(&c, "#survey-submit").await?;
            let thanks = c
                .find(Locator::Css("#kiosk-thanks"))
                .await
                .map_err(|e| e.to_string())?;
            expect(
                thanks.is_displayed().await.map_err(|e| e.to_string())?,
                "thank-you screen after the answer",
            )?;
            let queued = |c: Client| async move {
                c.find(Locator::Css("#kiosk-status"))
                    .await
                    .map_err(|e| e.to_string())?
                    .attr("data-queued")
                    .await
                    .map_err(|e| e.to_string())
            };
            tokio::time::sleep(Duration::from_secs(2)).await;
            let q = queued(c.clone()).await?;
            expect(
                q.as_deref() == Some("1"),
                &format!("one answer waits on the tablet, got {q:?}"),
            )?;
            // Back to the start after the thank-you screen, ready for the next citizen.
            tokio::time::sleep(Duration::from_secs(2)).await;
            let body = c
                .find(Locator::Css("#kiosk-body"))
                .await
                .map_err(|e| e.to_string())?;
            expect(
                body.is_displayed().await.map_err(|e| e.to_string())?,
                "the form is shown again",
            )?;
            // The server comes back on the same address.
            let node = Node::spawn_on(port, &dir_path, &url2, &[], false);
            node.ready(Instant::now(), Duration::from_secs(30)).await;
            *slot.lock().unwrap() = Some(node);
            let deadline = Instant::now() + Duration::from_secs(20);
            loop {
                if queued(c.clone()).await?.as_deref() == Some("0") {
                    break;
                }
                if Instant::now() > deadline {
                    return Err("the queued answer was not delivered".into());
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            Ok(())
        })
        .await;
    let base = node_slot.lock().unwrap().as_ref().unwrap().base.clone();
    // Give any duplicate retry a chance to show itself before counting.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let (after, ikm_after) = results(api.clone(), base.clone()).await;
    assert_eq!(after, before + 1, "delivered exactly once");
    assert_ne!(
        ikm_after, ikm_before,
        "the index moved with a perfect answer"
    );
    let html = api
        .get(format!("{base}/ikm"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&format!("data-unit=\"{unit}\" data-ikm=\"{ikm_after}\"")),
        "public page shows the new IKM"
    );
    let staff = anjungan_kernel::http::client()
        .unwrap()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = staff
        .get(format!("{base}/masuk"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = extract_csrf(&login).unwrap();
    let r = staff
        .post(format!("{base}/masuk"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("login", "sekdes.nglinggis@anjungan.test"),
            ("password", anjungan_server::demo::DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let dash = staff
        .get(format!("{base}/ikm/kelola/{unit}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        dash.contains(&format!("data-testid=\"unit-responses\">{after}<")),
        "dashboard counts it"
    );
    assert!(
        dash.contains(&format!("data-ikm=\"{ikm_after}\"")),
        "dashboard shows the new IKM"
    );
}

/// Waits (up to 5 s, across page loads) until the element's text contains `want`.
pub(crate) async fn wait_text(c: &Client, css: &str, want: &str) -> Result<String, String> {
    wait_text_within(c, css, want, Duration::from_secs(5)).await
}

/// Waits (up to `within`, across page loads) until the element's text contains `want`.
pub(crate) async fn wait_text_within(
    c: &Client,
    css: &str,
    want: &str,
    within: Duration,
) -> Result<String, String> {
    let deadline = Instant::now() + within;
    loop {
        if let Ok(t) = text(c, css).await
            && t.contains(want)
        {
            return Ok(t);
        }
        if Instant::now() > deadline {
            return Err(format!(
                "{css} never showed {want:?}; it shows {:?}",
                text(c, css).await.unwrap_or_default()
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub(crate) async fn sign_in(c: &Client, base: &str, email: &str) -> Result<(), String> {
    c.delete_all_cookies().await.map_err(|e| e.to_string())?;
    c.goto(&format!("{base}/masuk"))
        .await
        .map_err(|e| e.to_string())?;
    fill(c, "#login", email).await?;
    fill(c, "#password", anjungan_server::demo::DEMO_PASSWORD).await?;
    click(c, "form[action='/masuk'] button[type=submit]").await?;
    wait_for_path(c, "/dasbor").await
}

/// The festival's four journeys on one edition whose phases the test moves along: an agency
/// enters an innovation, a juror scores it, a visitor verifies a code and votes, and the
/// coordinator publishes the results.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn festival_enter_score_vote_and_publish() {
    use anjungan_festival::domain::phase::{Phase, PhaseKind};
    use anjungan_festival::domain::scoring::{Aggregation, PhaseSpec, Rubric};
    use anjungan_festival::store;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::start(Backend::Sqlite).await.unwrap();
    let db = app.state.db.clone();
    let now = anjungan_kernel::clock::now_ms();
    let h = 3_600_000;
    let actor = anjungan_kernel::audit::Actor::system("test");
    let edition = anjungan_festival::service::editions::create_edition(
        &db,
        &actor,
        &store::NewEdition {
            number: 60,
            year: 2032,
            theme: "Perjalanan uji",
            venue: "Pendopo Manggala Praja Nugraha",
            starts_on: "2032-12-01",
            ends_on: "2032-12-02",
            mode: "hybrid",
            entry_limit: 3,
            phases: vec![
                Phase {
                    kind: PhaseKind::CallForEntries,
                    starts_at: now - h,
                    ends_at: now + h,
                    voting: false,
                },
                Phase {
                    kind: PhaseKind::DeskReview,
                    starts_at: now + 2 * h,
                    ends_at: now + 3 * h,
                    voting: false,
                },
                Phase {
                    kind: PhaseKind::Final,
                    starts_at: now + 4 * h,
                    ends_at: now + 5 * h,
                    voting: true,
                },
                Phase {
                    kind: PhaseKind::ResultsPublished,
                    starts_at: now + 6 * h,
                    ends_at: now + 7 * h,
                    voting: false,
                },
            ],
        },
    )
    .await
    .unwrap();
    anjungan_festival::service::jury::set_rubric(
        &db,
        &actor,
        edition,
        &PhaseSpec {
            key: "desk_review".into(),
            weight: 100,
            rubric: Rubric::default_tif(),
            aggregation: Aggregation::Mean,
            normalise: false,
            advance: 0,
        },
    )
    .await
    .unwrap();
    // Moves the edition's clock: every phase `by` milliseconds earlier.
    let shift = |by: i64| {
        let db = db.clone();
        async move {
            sqlx::query("UPDATE festival_phases SET starts_at = starts_at - $1, ends_at = ends_at - $1 WHERE edition_id = $2").bind(by).bind(edition).execute(&db.pool).await.unwrap();
        }
    };
    let base = app.base.clone();
    let app_ref = &app;
    browser
        .journey("festival_enter_score_vote_and_publish", |c| async move {
            // 1. The Kominfo operator enters Trenggalek Data Terbuka.
            sign_in(&c, &base, "operator.kominfo@anjungan.test").await?;
            c.goto(&format!("{base}/festival/60"))
                .await
                .map_err(|e| e.to_string())?;
            let option = c
                .find(Locator::XPath(
                    "//select[@id='innovation']/option[contains(., 'Data Terbuka')]",
                ))
                .await
                .map_err(|e| e.to_string())?;
            option.click().await.map_err(|e| e.to_string())?;
            click(&c, "form[action='/festival/60'] button").await?;
            wait_text(&c, "[data-testid=entries]", "Trenggalek Data Terbuka").await?;

            // 2. Desk review opens; the coordinator assigns the jury; a juror scores.
            shift(2 * h + 60_000).await;
            sign_in(&c, &base, "koordinator@anjungan.test").await?;
            c.goto(&format!("{base}/festival/60/peringkat"))
                .await
                .map_err(|e| e.to_string())?;
            click(
                &c,
                "form[action='/festival/60/tugaskan/desk_review'] button",
            )
            .await?;
            let deadline = Instant::now() + Duration::from_secs(5);
            loop {
                let n: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM festival_assignments WHERE edition_id = $1",
                )
                .bind(edition)
                .fetch_one(&app_ref.state.db.pool)
                .await
                .map_err(|e| e.to_string())?;
                if n > 0 {
                    break;
                }
                if Instant::now() > deadline {
                    return Err("the jury was not assigned".into());
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            sign_in(&c, &base, "juri@anjungan.test").await?;
            c.goto(&format!("{base}/festival/60/juri"))
                .await
                .map_err(|e| e.to_string())?;
            for input in c
                .find_all(Locator::Css("input[type=number]"))
                .await
                .map_err(|e| e.to_string())?
            {
                input.send_keys("8").await.map_err(|e| e.to_string())?;
            }
            fill(
                &c,
                "textarea[name=comment]",
                "Manfaat jelas, data terbuka dipakai warga.",
            )
            .await?;
            click(&c, "form[action^='/festival/60/juri/'] button").await?;
            wait_text(&c, "[data-testid=my-total]", "80,00").await?;

            // 3. The vote opens; a visitor gets a code by WhatsApp and votes.
            shift(2 * h).await;
            c.delete_all_cookies().await.map_err(|e| e.to_string())?;
            c.goto(&format!("{base}/festival/60/pilih"))
                .await
                .map_err(|e| e.to_string())?;
            fill(&c, "#contact", "0812 3333 4444").await?;
            click(&c, "form[action='/festival/60/pilih/kode'] button").await?;
            wait_text(&c, "[data-testid=vote-message]", "").await?;
            let body: String =
                sqlx::query_scalar("SELECT body_sealed FROM outbox ORDER BY id DESC LIMIT 1")
                    .fetch_one(&app_ref.state.db.pool)
                    .await
                    .map_err(|e| e.to_string())?;
            let message = app_ref.state.keys.open(&body).map_err(|e| e.to_string())?;
            let code = message
                .split(|ch: char| !ch.is_ascii_digit())
                .find(|w| w.len() == 6)
                .ok_or("no code in the message")?
                .to_string();
            fill(&c, "#code", &code).await?;
            click(&c, "input[name=entry]").await?;
            click(&c, "form[action='/festival/60/pilih'] button").await?;
            let deadline = Instant::now() + Duration::from_secs(5);
            while c.current_url().await.map_err(|e| e.to_string())?.query() != Some("terima=1") {
                if Instant::now() > deadline {
                    return Err("the vote was not accepted".into());
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }

            // 4. Results: the coordinator settles the awards; the certificate verifies.
            shift(2 * h).await;
            sign_in(&c, &base, "koordinator@anjungan.test").await?;
            c.goto(&format!("{base}/festival/60/hasil"))
                .await
                .map_err(|e| e.to_string())?;
            click(&c, "form[action='/festival/60/penghargaan'] button").await?;
            wait_text(&c, "[data-award=winner_1]", "Trenggalek Data Terbuka").await?;
            wait_text(&c, "[data-award=favourite]", "Trenggalek Data Terbuka").await?;
            click(&c, "[data-award=winner_1] a[href^='/verifikasi/']").await?;
            wait_text(&c, "[data-testid=verified]", "").await?;
            Ok(())
        })
        .await;
}

/// Petung Dadi on a phone-sized screen: a citizen requests a domicile letter and tracks it; the
/// village secretary verifies against the register; the village head signs; the citizen
/// downloads the PDF and the verification page confirms it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desk_domicile_letter_from_request_to_verification() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::start(Backend::Sqlite).await.unwrap();
    let base = app.base.clone();
    browser
        .journey("desk_domicile_letter", |c| async move {
            // The citizen finds the service and asks for the letter.
            c.goto(&format!("{base}/layanan")).await.map_err(|e| e.to_string())?;
            fill(&c, "#q", "domisili nglinggis").await?;
            click(&c, "form[role=search] button").await?;
            let _ = wait_text(&c, "main", "Tidak ada layanan").await;
            c.goto(&format!("{base}/layanan/unit/35.03.05.2001")).await.map_err(|e| e.to_string())?;
            click(&c, "tr[data-service='35.03.05.2001.domisili'] a").await?;
            wait_for_path(&c, "/layanan/s/35.03.05.2001.domisili").await?;
            fill(&c, "#nama", "Sri Wahyuni").await?;
            fill(&c, "#nik", "3503055203900002").await?;
            fill(&c, "#f_keperluan", "Melamar pekerjaan").await?;
            fill(&c, "#telepon", "081234567890").await?;
            click(&c, "button[value=kode]").await?;
            wait_text(&c, "[data-testid=code-sent]", "6281").await?;
            let row = sqlx::query("SELECT body_sealed FROM outbox WHERE subject = 'Kode verifikasi Petung Dadi' ORDER BY id DESC LIMIT 1")
                .fetch_one(&app.state.db.pool)
                .await
                .map_err(|e| e.to_string())?;
            let body = app.state.keys.open(sqlx::Row::get::<&str, _>(&row, "body_sealed")).map_err(|_| "sealed code".to_string())?;
            let code = body.split(|ch: char| !ch.is_ascii_digit()).find(|w| w.len() == 6).ok_or("no code")?.to_string();
            fill(&c, "#kode", &code).await?;
            click(&c, "button[value=kirim]").await?;
            let shown = wait_text(&c, "[data-testid=tracking-code]", "-").await?;
            let tracking: String = shown.chars().filter(|ch| ch.is_ascii_alphanumeric()).collect();
            expect(text(&c, "[data-testid=state]").await?.contains("Diajukan"), "state submitted")?;
            let id = anjungan_desk::store::requests::by_tracking(&app.state.db, &app.state.keys, &tracking)
                .await
                .map_err(|e| e.to_string())?
                .ok_or("request stored")?
                .id;

            // The village secretary checks the register and verifies.
            sign_in(&c, &base, "sekdes.nglinggis@anjungan.test").await?;
            c.goto(&format!("{base}/layanan/kelola/35.03.05.2001")).await.map_err(|e| e.to_string())?;
            click(&c, &format!("a[href='/layanan/kelola/permohonan/{id}']")).await?;
            wait_text(&c, "[data-testid=register-match]", "✓").await?;
            click(&c, "form[data-command=verify] button").await?;
            wait_text(&c, "[data-testid=state]", "Terverifikasi").await?;

            // The village head reads the preview, then signs with their password (a wrong one
            // signs nothing).
            sign_in(&c, &base, "kades.nglinggis@anjungan.test").await?;
            c.goto(&format!("{base}/layanan/kelola/permohonan/{id}")).await.map_err(|e| e.to_string())?;
            let preview = c
                .find(Locator::Css("[data-testid=preview]"))
                .await
                .map_err(|e| e.to_string())?
                .attr("href")
                .await
                .map_err(|e| e.to_string())?
                .ok_or("preview link")?;
            expect(preview.ends_with("/pratinjau.pdf"), "the preview is offered")?;
            fill(&c, "#sandi", "bukan-sandinya").await?;
            click(&c, "form[data-command=sign] button").await?;
            wait_text(&c, "[role=alert]", "Kata sandi salah").await?;
            expect(text(&c, "[data-testid=state]").await?.contains("Terverifikasi"), "nothing signed")?;
            fill(&c, "#sandi", anjungan_server::demo::DEMO_PASSWORD).await?;
            click(&c, "form[data-command=sign] button").await?;
            wait_text(&c, "[data-testid=state]", "Surat terbit").await?;

            // The citizen tracks it, downloads the letter and checks it.
            c.delete_all_cookies().await.map_err(|e| e.to_string())?;
            c.goto(&format!("{base}/layanan/lacak")).await.map_err(|e| e.to_string())?;
            fill(&c, "#kode", &shown).await?;
            click(&c, "form[action='/layanan/lacak'] button").await?;
            wait_text(&c, "[data-testid=state]", "Surat terbit").await?;
            let href = c
                .find(Locator::Css("[data-testid=download]"))
                .await
                .map_err(|e| e.to_string())?
                .attr("href")
                .await
                .map_err(|e| e.to_string())?
                .ok_or("download link")?;
            let pdf = anjungan_kernel::http::client().unwrap().build().unwrap().get(format!("{base}{href}")).send().await.map_err(|e| e.to_string())?;
            expect(pdf.status() == 200, "letter downloads")?;
            let bytes = pdf.bytes().await.map_err(|e| e.to_string())?;
            expect(bytes.starts_with(b"%PDF-"), "a PDF")?;
            click(&c, "a[href^='/verifikasi/']").await?;
            wait_text(&c, "[data-testid=verdict]", "asli").await?;
            expect(text(&c, "[data-testid=subject]").await? == "Sr* Wa*****", "masked subject")?;
            Ok(())
        })
        .await;
}

/// What GOV.UK's patterns promise, in a real browser on a phone: a refused request form opens
/// at an error summary that links to each field and keeps what was typed; cancelling a request
/// asks first on a page with a way back, and the cancel button is readable (not white on white).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desk_error_summary_and_a_confirmed_cancel() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::start(Backend::Sqlite).await.unwrap();
    let base = app.base.clone();
    let tracking = crate::desk::citizen_submits(&app, &app.client()).await;
    browser
        .journey(
            "desk_error_summary_and_a_confirmed_cancel",
            |c| async move {
                c.goto(&format!("{base}/layanan/s/35.03.05.2001.domisili"))
                    .await
                    .map_err(|e| e.to_string())?;
                fill(&c, "#nama", "Sri Wahyuni").await?;
                fill(&c, "#nik", "1234567890123456").await?;
                fill(&c, "#f_keperluan", "Melamar pekerjaan").await?;
                fill(&c, "#telepon", "12").await?;
                click(&c, "button[value=kode]").await?;
                wait_text(&c, "[data-testid=error-summary]", "NIK").await?;
                let url = c.current_url().await.map_err(|e| e.to_string())?;
                expect(
                    url.fragment() == Some("galat"),
                    &format!("the page opens at the summary: {url}"),
                )?;
                let (scrolled, top) = (
                    c.execute("return window.scrollY", vec![])
                        .await
                        .map_err(|e| e.to_string())?,
                    c.execute(
                        "return document.getElementById('galat').getBoundingClientRect().top",
                        vec![],
                    )
                    .await
                    .map_err(|e| e.to_string())?,
                );
                expect(
                    scrolled.as_f64().unwrap_or(0.0) > 200.0
                        && top.as_f64().unwrap_or(9e9).abs() < 80.0,
                    &format!("scrolled to the summary: scrollY {scrolled}, its top at {top}"),
                )?;
                let kept = c
                    .find(Locator::Css("#nama"))
                    .await
                    .map_err(|e| e.to_string())?
                    .prop("value")
                    .await
                    .map_err(|e| e.to_string())?;
                expect(
                    kept.as_deref() == Some("Sri Wahyuni"),
                    "typed values are kept",
                )?;
                click(&c, "[data-testid=error-summary] a[href='#nik']").await?;
                let url = c.current_url().await.map_err(|e| e.to_string())?;
                expect(
                    url.fragment() == Some("nik"),
                    "the summary links to the field",
                )?;

                // Cancelling asks first; going back changes nothing; confirming cancels.
                c.goto(&format!("{base}/layanan/lacak/{tracking}"))
                    .await
                    .map_err(|e| e.to_string())?;
                let colour = c
                .execute(
                    "return getComputedStyle(document.querySelector('[data-testid=cancel]')).color",
                    vec![],
                )
                .await
                .map_err(|e| e.to_string())?;
                expect(
                    colour.as_str() != Some("rgb(255, 255, 255)"),
                    &format!("cancel is readable: {colour}"),
                )?;
                click(&c, "[data-testid=cancel]").await?;
                wait_text(&c, "[data-testid=confirm]", "Batalkan permohonan").await?;
                click(&c, "[data-testid=confirm-back]").await?;
                wait_text(&c, "[data-testid=state]", "Diajukan").await?;
                click(&c, "[data-testid=cancel]").await?;
                wait_text(&c, "[data-testid=confirm]", "tidak dapat dibatalkan").await?;
                click(&c, "[data-testid=confirm-yes]").await?;
                wait_text(&c, "[data-testid=state]", "Dibatalkan").await?;
                Ok(())
            },
        )
        .await;
}

/// Clicks `css`, and on the confirmation page it leads to, checks the red button and the way
/// back, then confirms.
async fn confirm_through(c: &Client, css: &str, says: &str) -> Result<(), String> {
    click(c, css).await?;
    wait_text(c, "[data-testid=confirm]", says).await?;
    let class = c
        .find(Locator::Css("[data-testid=confirm-yes]"))
        .await
        .map_err(|e| e.to_string())?
        .attr("class")
        .await
        .map_err(|e| e.to_string())?;
    expect(
        class.as_deref() == Some("danger"),
        "the confirming button is the dangerous one",
    )?;
    c.find(Locator::Css("[data-testid=confirm-back]"))
        .await
        .map_err(|e| format!("a way back: {e}"))?;
    click(c, "[data-testid=confirm-yes]").await
}

/// Every other action that cannot be undone asks first in a real browser: a rejection, a
/// cancelled sign-up, a voided vote, a withdrawn lot, a cancelled auction session and a work
/// taken down.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_dangerous_action_asks_first() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::start(Backend::Sqlite).await.unwrap();
    let base = app.base.clone();
    let tracking = crate::desk::citizen_submits(&app, &app.client()).await;
    let request = crate::desk::request_id(&app, &tracking).await;
    let db = app.state.db.clone();
    let (vote, client, device): (i64, String, String) = sqlx::query_as(
        "SELECT id, client_hash, device_hash FROM festival_votes WHERE voided_at IS NULL ORDER BY id LIMIT 1",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let panel: i64 = sqlx::query_scalar(
        "SELECT id FROM festival_sessions WHERE title LIKE 'Diskusi panel: mengukur%'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let session: i64 = sqlx::query_scalar(
        "SELECT id FROM auction_sessions WHERE state = 'open' ORDER BY id LIMIT 1",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let lot: i64 = sqlx::query_scalar(
        "SELECT id FROM auction_lots WHERE session_id = $1 AND state = 'open' ORDER BY id LIMIT 1",
    )
    .bind(session)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let work: i64 = sqlx::query_scalar("SELECT id FROM story_works WHERE slug = 'menak-sopal'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    browser
        .journey("every_dangerous_action_asks_first", |c| async move {
            // A rejection, with the reason the citizen will read.
            sign_in(&c, &base, "sekdes.nglinggis@anjungan.test").await?;
            c.goto(&format!("{base}/layanan/kelola/permohonan/{request}"))
                .await
                .map_err(|e| e.to_string())?;
            fill(&c, "#catatan-reject", "Bukan warga desa ini").await?;
            confirm_through(
                &c,
                "form[data-command=reject] button",
                "Bukan warga desa ini",
            )
            .await?;
            wait_text(&c, "[data-testid=state]", "Ditolak").await?;

            // A visitor's sign-up.
            sign_in(&c, &base, "warga@anjungan.test").await?;
            c.goto(&format!("{base}/festival/8#s{panel}"))
                .await
                .map_err(|e| e.to_string())?;
            click(&c, &format!("#s{panel} form[action$='/daftar'] button")).await?;
            wait_text(&c, &format!("#s{panel}"), "Anda terdaftar").await?;
            confirm_through(
                &c,
                &format!("#s{panel} form[action$='/batal'] button"),
                "Kursi Anda dilepas",
            )
            .await?;
            wait_for_path(&c, "/festival/8").await?;

            // A vote, voided by the coordinator with a reason.
            sign_in(&c, &base, "koordinator@anjungan.test").await?;
            c.goto(&format!(
                "{base}/festival/2/suara?alamat={client}&perangkat={device}"
            ))
            .await
            .map_err(|e| e.to_string())?;
            fill(&c, &format!("#r{vote}"), "Pola suara tidak wajar").await?;
            confirm_through(
                &c,
                &format!("li[data-vote='{vote}'] button"),
                "Pola suara tidak wajar",
            )
            .await?;
            wait_for_path(&c, "/festival/2/suara").await?;

            // A lot withdrawn, then the session cancelled.
            sign_in(&c, &base, "jurulelang.prigi@anjungan.test").await?;
            c.goto(&format!("{base}/lelang/kelola/sesi/{session}"))
                .await
                .map_err(|e| e.to_string())?;
            confirm_through(
                &c,
                &format!("form[action$='/tarik']:has(input[value='{lot}']) button"),
                "Lot ditutup tanpa pemenang",
            )
            .await?;
            wait_for_path(&c, &format!("/lelang/kelola/sesi/{session}")).await?;
            confirm_through(&c, "[data-testid=cmd-cancel]", "tidak dapat dibuka lagi").await?;
            wait_for_path(&c, &format!("/lelang/kelola/sesi/{session}")).await?;

            // A work taken down by a librarian.
            sign_in(&c, &base, "pustakawan@anjungan.test").await?;
            c.goto(&format!("{base}/cerita/kelola/karya/{work}"))
                .await
                .map_err(|e| e.to_string())?;
            fill(&c, "#catatan", "Melanggar hak cipta").await?;
            confirm_through(&c, "[data-testid=cmd-take_down]", "Melanggar hak cipta").await?;
            wait_text(&c, "[data-testid=state]", "Diturunkan").await?;
            Ok(())
        })
        .await;
}

/// Presses Tab until the focused element matches `css` (at most 80 times), as a keyboard user
/// moves through a page.
async fn tab_to(c: &Client, css: &str) -> Result<(), String> {
    for _ in 0..80 {
        let here = c
            .execute(
                "return document.activeElement && document.activeElement.matches(arguments[0])",
                vec![serde_json::json!(css)],
            )
            .await
            .map_err(|e| e.to_string())?;
        if here.as_bool() == Some(true) {
            return Ok(());
        }
        c.active_element()
            .await
            .map_err(|e| e.to_string())?
            .send_keys("\u{E004}")
            .await
            .map_err(|e| e.to_string())?;
    }
    Err(format!("Tab never reached {css}"))
}

/// Types into the focused element, or presses a key there.
async fn keys(c: &Client, text: &str) -> Result<(), String> {
    c.active_element()
        .await
        .map_err(|e| e.to_string())?
        .send_keys(text)
        .await
        .map_err(|e| e.to_string())
}

/// A citizen who uses only the keyboard requests a domicile letter: every field and button is
/// reached with Tab, filled by typing, and pressed with Enter.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desk_letter_requested_with_the_keyboard_alone() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::start(Backend::Sqlite).await.unwrap();
    let base = app.base.clone();
    browser
        .journey(
            "desk_letter_requested_with_the_keyboard_alone",
            |c| async move {
                c.goto(&format!("{base}/layanan/s/35.03.05.2001.domisili"))
                    .await
                    .map_err(|e| e.to_string())?;
                // The skip link comes first and leads into the page.
                keys(&c, "\u{E004}").await?;
                let first = c
                    .execute("return document.activeElement.className", vec![])
                    .await
                    .map_err(|e| e.to_string())?;
                expect(
                    first.as_str() == Some("skip"),
                    &format!("the skip link is first: {first}"),
                )?;
                tab_to(&c, "#nama").await?;
                keys(&c, "Sri Wahyuni").await?;
                tab_to(&c, "#nik").await?;
                keys(&c, "3503055203900002").await?;
                tab_to(&c, "#f_keperluan").await?;
                keys(&c, "Melamar pekerjaan").await?;
                tab_to(&c, "#telepon").await?;
                keys(&c, "081234567890").await?;
                tab_to(&c, "button[value=kode]").await?;
                keys(&c, "\u{E007}").await?;
                wait_text(&c, "[data-testid=code-sent]", "6281").await?;
                let code = crate::desk::last_code(&app).await;
                tab_to(&c, "#kode").await?;
                keys(&c, &code).await?;
                tab_to(&c, "button[value=kirim]").await?;
                keys(&c, "\u{E007}").await?;
                wait_text(&c, "[data-testid=tracking-code]", "-").await?;
                expect(
                    text(&c, "[data-testid=state]").await?.contains("Diajukan"),
                    "submitted",
                )?;
                Ok(())
            },
        )
        .await;
}

/// Cilen: an author writes a two-chapter story and submits it; a librarian publishes it; a reader
/// finds it by a stemmed search, reads both chapters, gives kudos and bookmarks it — on a phone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stories_write_publish_find_read_kudos_bookmark() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::start(Backend::Sqlite).await.unwrap();
    let base = app.base.clone();
    browser
        .journey("stories_write_publish_read", |c| async move {
            // The author writes.
            sign_in(&c, &base, "penulis@anjungan.test").await?;
            c.goto(&format!("{base}/cerita/tulis")).await.map_err(|e| e.to_string())?;
            fill(&c, "#judul", "Perahu Kertas di Kali Bagong").await?;
            fill(&c, "#ringkasan", "Dua anak berlomba perahu kertas di musim kemarau.").await?;
            fill(&c, "#tag", "sungai, anak").await?;
            click(&c, "[data-testid=create-work]").await?;
            wait_text(&c, "[data-testid=state]", "Draf").await?;
            for (title, body) in [
                ("Lomba", "Sari dan Tono melipat perahu dari kertas koran bekas.\n\nPerahu Sari berlayar lebih dulu."),
                ("Penanda Jalan", "Di tikungan sungai, Tono membacakan tulisan pada perahu yang tersangkut."),
            ] {
                fill(&c, "#bab-judul", title).await?;
                fill(&c, "#bab-isi", body).await?;
                click(&c, "[data-testid=add-chapter]").await?;
                wait_text(&c, "#bab ol", title).await?;
            }
            click(&c, "[data-testid=cmd-submit]").await?;
            wait_text(&c, "[data-testid=state]", "Diajukan").await?;
            let path = c.current_url().await.map_err(|e| e.to_string())?.path().to_string();
            let id: i64 = path.rsplit('/').next().and_then(|s| s.parse().ok()).ok_or("work id")?;

            // The librarian reviews and publishes.
            sign_in(&c, &base, "pustakawan@anjungan.test").await?;
            c.goto(&format!("{base}/cerita/kelola")).await.map_err(|e| e.to_string())?;
            click(&c, &format!("[data-testid=queue] a[href='/cerita/kelola/karya/{id}']")).await?;
            click(&c, "[data-testid=cmd-review]").await?;
            wait_text(&c, "[data-testid=state]", "Ditelaah").await?;
            click(&c, "[data-testid=cmd-publish]").await?;
            wait_text(&c, "[data-testid=state]", "Terbit").await?;

            // A reader finds it by another form of a word in it ("pembacaan" ~ "membacakan").
            sign_in(&c, &base, "warga@anjungan.test").await?;
            c.goto(&format!("{base}/cerita")).await.map_err(|e| e.to_string())?;
            fill(&c, "#q", "pembacaan perahu").await?;
            click(&c, "form[role=search] button").await?;
            wait_text(&c, "main", "Perahu Kertas di Kali Bagong").await?;
            click(&c, &format!("[data-testid=work-card] a[href='/cerita/karya/{id}']")).await?;
            click(&c, "[data-testid=start-reading]").await?;
            wait_text(&c, "article.reading", "perahu dari kertas koran").await?;
            click(&c, "[data-testid=size-l]").await?;
            wait_text(&c, "article.reading", "perahu dari kertas koran").await?;
            let class = c
                .find(Locator::Css("article.reading"))
                .await
                .map_err(|e| e.to_string())?
                .attr("class")
                .await
                .map_err(|e| e.to_string())?
                .unwrap_or_default();
            expect(class.contains("size-l"), "larger text")?;
            click(&c, "[data-testid=next-chapter]").await?;
            wait_text(&c, "article.reading", "membacakan tulisan").await?;
            c.goto(&format!("{base}/cerita/karya/{id}")).await.map_err(|e| e.to_string())?;
            click(&c, "[data-testid=kudos]").await?;
            wait_text(&c, "[data-testid=message]", "Terima kasih").await?;
            expect(text(&c, "[data-testid=kudos-count]").await? == "1", "one kudos")?;
            fill(&c, "#catatan", "Bacakan untuk adik").await?;
            click(&c, "[data-testid=bookmark]").await?;
            wait_text(&c, "[data-testid=message]", "Penanda disimpan").await?;
            c.goto(&format!("{base}/cerita/rak")).await.map_err(|e| e.to_string())?;
            wait_text(&c, "[data-testid=bookmarks]", "Bacakan untuk adik").await?;
            Ok(())
        })
        .await;
}

/// Lion: a buyer bids from a phone-sized window while a second buyer bids through the API; the
/// first sees the outbid live (no reload), bids again, the lot closes on the server's clock,
/// and her ticket is issued and verifiable.
///
/// The lot's time does not run while the browser works: its soft-close window is as long as the
/// lot itself, so every bid gives it `ROUND` seconds more and it closes `ROUND` seconds after the
/// last one, however slowly a loaded machine gets through the steps in between. (It used to run
/// 20 s from the session's opening, before she even signed in, so a slow machine could see the
/// lot close before her second bid or while her page showed the history.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auction_bid_on_a_phone_outbid_live_close_ticket() {
    /// Seconds the lot stays open after its opening and after each bid.
    const ROUND: u64 = 15;
    /// How long a step may take on a loaded machine before it counts as failed.
    const PATIENCE: Duration = Duration::from_secs(20);
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::start(Backend::Sqlite).await.unwrap();
    let db = &app.state.db;
    // Pak Joko gets an account, so he can bid through the API himself.
    let hash = anjungan_kernel::identity::service::hash_password(
        &anjungan_kernel::identity::domain::Password::parse(anjungan_server::demo::DEMO_PASSWORD)
            .unwrap(),
    )
    .await
    .unwrap();
    let joko_user = anjungan_kernel::identity::service::create_user(
        db,
        &app.state.keys,
        &anjungan_kernel::audit::Actor::system("test"),
        anjungan_kernel::identity::store::NewUser {
            name: anjungan_kernel::identity::domain::PersonName::parse("Pak Joko").unwrap(),
            email: Some(
                anjungan_kernel::identity::domain::Email::parse("joko@anjungan.test").unwrap(),
            ),
            phone: None,
            password_hash: hash,
        },
        &[(anjungan_kernel::identity::domain::Role::Buyer, None)],
    )
    .await
    .unwrap();
    sqlx::query("UPDATE auction_buyers SET user_id = $1 WHERE name = 'Pak Joko'")
        .bind(joko_user.0)
        .execute(&db.pool)
        .await
        .unwrap();
    let joko = app.token("joko@anjungan.test").await;
    // The auctioneer schedules one lot: open for ROUND seconds, and every bid gives it ROUND
    // seconds more (the soft-close window is the whole lot).
    let juru = app.token("jurulelang.prigi@anjungan.test").await;
    let api = |path: &str, token: &str, body: serde_json::Value| {
        let (url, token) = (app.url(path), token.to_string());
        async move {
            let r = anjungan_kernel::http::client()
                .unwrap()
                .build()
                .unwrap()
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            let st = r.status().as_u16();
            (st, r.json::<serde_json::Value>().await.unwrap_or_default())
        }
    };
    let prigi: i64 = sqlx::query_scalar("SELECT id FROM auction_ports WHERE code = 'PRIGI'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let yft: i64 = sqlx::query_scalar("SELECT id FROM auction_species WHERE code = 'YFT'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let fisher: i64 = sqlx::query_scalar("SELECT MIN(id) FROM auction_fishers")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let (_, lot) = api(&format!("/api/v1/auction/ports/{prigi}/lots"), &juru, serde_json::json!({"species_id": yft, "fisher_id": fisher, "grams": 40000, "grade": "a", "start_price": 60000})).await;
    let lot = lot["id"].as_i64().unwrap();
    let (_, s) = api("/api/v1/auction/sessions", &juru, serde_json::json!({"port_id": prigi, "format": "ascending", "lot_seconds": ROUND, "soft_close_seconds": ROUND})).await;
    let session = s["id"].as_i64().unwrap();
    assert_eq!(
        api(
            &format!("/api/v1/auction/sessions/{session}/lots"),
            &juru,
            serde_json::json!({"lot_id": lot})
        )
        .await
        .0,
        200
    );
    // The demo's morning session at the port closes first: one session at a time per port.
    let morning: i64 = sqlx::query_scalar("SELECT id FROM auction_sessions WHERE state = 'open'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(
        api(
            &format!("/api/v1/auction/sessions/{morning}/commands"),
            &juru,
            serde_json::json!({"command": "close"})
        )
        .await
        .0,
        200
    );
    let base = app.base.clone();
    let card = format!("#lot-{lot}");
    browser
        .journey("auction_bid_outbid_close_ticket", |c| async move {
            sign_in(&c, &base, "bakul@anjungan.test").await?;
            // The session opens once she is signed in: the lot's first ROUND seconds start now.
            let (st, b) = api(
                &format!("/api/v1/auction/sessions/{session}/commands"),
                &juru,
                serde_json::json!({"command": "open"}),
            )
            .await;
            expect(st == 200, &format!("the session opens: {st} {b}"))?;
            c.goto(&format!("{base}/lelang/sesi/{session}"))
                .await
                .map_err(|e| e.to_string())?;
            // The page follows the session over a WebSocket.
            let deadline = Instant::now() + PATIENCE;
            loop {
                let live = c
                    .find(fantoccini::Locator::Css("#lots"))
                    .await
                    .map_err(|e| e.to_string())?
                    .attr("data-live")
                    .await
                    .map_err(|e| e.to_string())?;
                if live.as_deref() == Some("ws") {
                    break;
                }
                expect(Instant::now() < deadline, &format!("live feed: {live:?}"))?;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            // The opening price is prefilled; she bids it.
            click(&c, &format!("{card} [data-testid=bid-button]")).await?;
            wait_text_within(
                &c,
                &format!("{card} [data-testid=leader]"),
                "Anda memimpin",
                PATIENCE,
            )
            .await?;
            // Pak Joko bids higher through the API: her page shows it without reloading.
            let (st, b) = api(
                &format!("/api/v1/lots/{lot}/bids"),
                &joko,
                serde_json::json!({"amount": 62000}),
            )
            .await;
            expect(st == 201, &format!("Joko's bid: {b}"))?;
            wait_text_within(&c, &format!("{card} .outbid"), "dilampaui", PATIENCE).await?;
            wait_text_within(
                &c,
                &format!("{card} [data-testid=price]"),
                "Rp 62.000",
                PATIENCE,
            )
            .await?;
            // The lot's value follows the price: 40 kg × Rp 62.000.
            wait_text_within(
                &c,
                &format!("{card} [data-testid=total]"),
                "Rp 2.480.000",
                PATIENCE,
            )
            .await?;
            // She bids again at the new minimum, which the page has filled in.
            let amount = c
                .find(fantoccini::Locator::Css(&format!(
                    "{card} [data-testid=bid-amount]"
                )))
                .await
                .map_err(|e| e.to_string())?
                .prop("value")
                .await
                .map_err(|e| e.to_string())?
                .unwrap_or_default();
            expect(
                amount == "62500",
                &format!("the minimum followed the feed: {amount}"),
            )?;
            // Her last bid reaches the server after this instant, so the lot ends ROUND
            // seconds after it at the earliest.
            let last_bid = Instant::now();
            click(&c, &format!("{card} [data-testid=bid-button]")).await?;
            wait_text_within(
                &c,
                &format!("{card} [data-testid=leader]"),
                "Anda memimpin",
                PATIENCE,
            )
            .await?;
            // The lot's bid history: her bids as "Anda", Joko's paddle masked.
            click(&c, &format!("{card} [data-testid=bid-history] summary")).await?;
            let history = wait_text_within(
                &c,
                &format!("{card} [data-testid=bid-history]"),
                "Anda",
                PATIENCE,
            )
            .await?;
            expect(
                history.contains("#••") && history.contains("Rp 62.000"),
                &format!("the history shows the masked rival: {history}"),
            )?;
            // The lot closes on the server's clock, ROUND seconds after her last bid; the page
            // follows and says she won.
            let deadline = last_bid + Duration::from_secs(ROUND) + PATIENCE;
            loop {
                let state = text(&c, &format!("{card} [data-testid=lot-state]"))
                    .await
                    .unwrap_or_default();
                if state.contains("Terjual") {
                    break;
                }
                expect(
                    Instant::now() < deadline,
                    &format!("the lot never closed: {state}"),
                )?;
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            // Not before its time: her bid gave it another ROUND seconds (half a second's
            // leeway between the server's wall clock and this monotonic one).
            let closed_after = last_bid.elapsed();
            expect(
                closed_after + Duration::from_millis(500) >= Duration::from_secs(ROUND),
                &format!("the lot closed {closed_after:?} after her last bid, before its time"),
            )?;
            wait_text_within(
                &c,
                &format!("{card} [data-testid=leader]"),
                "memenangkan",
                PATIENCE,
            )
            .await?;
            click(&c, &format!("{card} [data-testid=my-tickets]")).await?;
            wait_for_path(&c, "/lelang/saya").await?;
            let page = c.source().await.map_err(|e| e.to_string())?;
            expect(page.contains("Madidihang"), "the ticket is listed")?;
            click(&c, "main table a[href^='/lelang/karcis/']").await?;
            wait_text_within(&c, "[data-testid=authentic]", "asli", PATIENCE).await?;
            wait_text_within(&c, "[data-testid=paid]", "Belum dibayar", PATIENCE).await?;
            Ok(())
        })
        .await;
    let sales: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM auction_sales WHERE lot_id = $1")
        .bind(lot)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(sales, 1);
}

/// The administrator's pages in a real browser, on both databases: roles by their translated
/// names, a grant that starts from the least-privileged role, and the outbox telling a message
/// only logged (no gateway) from one delivered.
async fn administration_in_a_browser(backend: Backend) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    // A citizen's request queues messages; without a gateway they are only logged.
    crate::desk::citizen_submits(&app, &app.client()).await;
    let base = app.base.clone();
    browser
        .journey("administration_in_a_browser", |c| async move {
            let err = |e: fantoccini::error::CmdError| e.to_string();
            sign_in(&c, &base, "admin@anjungan.test").await?;
            c.goto(&format!("{base}/admin/pengguna"))
                .await
                .map_err(err)?;
            let table = text(&c, "main table").await?;
            expect(
                table.contains("Warga") && !table.contains("unit_operator"),
                "roles by their names",
            )?;
            let chosen = c
                .execute(
                    "const s = document.querySelector('main select[name=role]'); \
                     return s.options[s.selectedIndex].text",
                    vec![],
                )
                .await
                .map_err(err)?;
            expect(
                chosen.as_str() == Some("Warga"),
                &format!("a grant starts from the citizen: {chosen}"),
            )?;
            c.goto(&format!("{base}/admin/outbox")).await.map_err(err)?;
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                let page = text(&c, "main").await.unwrap_or_default();
                if page.contains("Hanya dicatat") {
                    expect(!page.contains("Terkirim"), "nothing claims to be sent")?;
                    break;
                }
                expect(
                    Instant::now() < deadline,
                    &format!("no logged message: {page}"),
                )?;
                tokio::time::sleep(Duration::from_millis(300)).await;
                c.refresh().await.map_err(err)?;
            }
            Ok(())
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn administration_in_a_browser_sqlite() {
    administration_in_a_browser(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn administration_in_a_browser_postgres() {
    administration_in_a_browser(Backend::Postgres).await;
}

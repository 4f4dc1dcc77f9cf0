//! The coordinator sets up the next TIF without a developer: through the API and on pages (a
//! browser journey), from a new edition to published results; visitors read the agenda by day
//! and by stage, the speakers' pages, and their own sign-ups as a calendar feed. Both databases.

use crate::both_backends;
use crate::browser::{Browser, click, expect, fill, sign_in, text, wait_for_path, wait_text};
use crate::support::*;
use serde_json::{Value, json};

both_backends!(the_next_tif_is_set_up_through_the_api);

/// A real 2×2 RGB PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0xfd, 0xd4, 0x9a,
    0x73, 0x00, 0x00, 0x00, 0x13, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x90, 0xaa, 0xf2, 0x02,
    0x22, 0x86, 0x0f, 0x07, 0x0c, 0x80, 0x08, 0x00, 0x20, 0x84, 0x05, 0x7d, 0x6c, 0x2c, 0x20, 0x7f,
    0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

async fn call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut r = app
        .client()
        .request(method, app.url(path))
        .bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// A WIB local date-time `days` from now, to the minute.
fn local(days: i64) -> String {
    let ms = anjungan_kernel::clock::now_ms() + days * anjungan_kernel::clock::DAY;
    anjungan_festival::domain::setup::instant_input(ms)
}

/// The latest demo edition's number and its phases' offsets from its first day.
async fn latest(app: &TestApp) -> (i64, Vec<(String, i64)>) {
    let editions = app.get_json("/api/v1/festival/editions").await;
    let number = editions[0]["number"].as_i64().unwrap();
    let e = app
        .get_json(&format!("/api/v1/festival/editions/{number}"))
        .await;
    (number, offsets(&e))
}

/// Each phase's kind and start in days from the edition's first day.
fn offsets(e: &Value) -> Vec<(String, i64)> {
    let first = anjungan_festival::domain::setup::instant(&format!(
        "{}T00:00",
        e["edition"]["starts_on"].as_str().unwrap()
    ))
    .unwrap();
    e["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let at = time::OffsetDateTime::parse(
                p["starts_at"].as_str().unwrap(),
                &time::format_description::well_known::Rfc3339,
            )
            .unwrap();
            let ms = (at.unix_timestamp_nanos() / 1_000_000) as i64;
            (
                p["kind"].as_str().unwrap().to_string(),
                (ms - first).div_euclid(anjungan_kernel::clock::HOUR),
            )
        })
        .collect()
}

async fn the_next_tif_is_set_up_through_the_api(app: TestApp) {
    let coord = app.token("koordinator@anjungan.test").await;
    let citizen = app.token("warga@anjungan.test").await;
    let (previous, previous_offsets) = latest(&app).await;
    let number = previous + 1;
    let edition = json!({
        "number": number, "year": 2030, "theme": "Inovasi desa digital",
        "venue": "Pendopo Manggala Praja Nugraha", "starts_on": "2030-12-02",
        "ends_on": "2030-12-03", "mode": "hybrid"
    });
    // Only the coordinator creates editions; a citizen is refused and nothing is made.
    let (st, _) = call(
        &app,
        reqwest::Method::POST,
        "/api/v1/festival/editions",
        &citizen,
        Some(edition.clone()),
    )
    .await;
    assert_eq!(st, 403);
    let (st, body) = call(
        &app,
        reqwest::Method::POST,
        "/api/v1/festival/editions",
        &coord,
        Some(edition.clone()),
    )
    .await;
    assert_eq!(st, 201, "{body}");
    assert_eq!(body["url"], format!("/festival/{number}"));
    // The phases came from the previous edition, each as far from the first day as before.
    let e = app
        .get_json(&format!("/api/v1/festival/editions/{number}"))
        .await;
    assert!(!previous_offsets.is_empty());
    assert_eq!(offsets(&e), previous_offsets);
    // The same number twice is a conflict; a last day before the first is bad input, explained.
    let (st, _) = call(
        &app,
        reqwest::Method::POST,
        "/api/v1/festival/editions",
        &coord,
        Some(edition.clone()),
    )
    .await;
    assert_eq!(st, 409);
    let mut reversed = edition.clone();
    reversed["number"] = json!(number + 1);
    reversed["ends_on"] = json!("2030-11-30");
    let (st, body) = call(
        &app,
        reqwest::Method::POST,
        "/api/v1/festival/editions",
        &coord,
        Some(reversed),
    )
    .await;
    assert_eq!(st, 400);
    assert!(
        body.to_string().contains("Hari pertama dan terakhir"),
        "{body}"
    );

    // The phases: entries closed, the vote open from yesterday to tomorrow.
    let phases = json!([
        {"kind": "call_for_entries", "starts_at": local(-20), "ends_at": local(-10)},
        {"kind": "final", "starts_at": local(-1), "ends_at": local(1), "voting": true},
        {"kind": "results_published", "starts_at": local(30), "ends_at": local(60)}
    ]);
    let path = format!("/api/v1/festival/editions/{number}/phases");
    let (st, _) = call(&app, reqwest::Method::PUT, &path, &coord, Some(phases)).await;
    assert_eq!(st, 204);
    let overlap = json!([
        {"kind": "call_for_entries", "starts_at": local(-20), "ends_at": local(-1)},
        {"kind": "final", "starts_at": local(-2), "ends_at": local(1), "voting": true}
    ]);
    let (st, body) = call(&app, reqwest::Method::PUT, &path, &coord, Some(overlap)).await;
    assert_eq!(st, 400, "{body}");
    let e = app
        .get_json(&format!("/api/v1/festival/editions/{number}"))
        .await;
    assert_eq!(
        e["phases"].as_array().unwrap().len(),
        3,
        "a refusal changes nothing"
    );
    assert!(e["vote_opens_at"].as_str().unwrap().ends_with("+07:00"));
    let page = app
        .page(&app.client(), &format!("/festival/{number}"))
        .await;
    assert!(
        page.contains("Pemungutan suara dibuka"),
        "the vote's dates are public"
    );

    // A stage, then the same name again.
    let stages = format!("/api/v1/festival/editions/{number}/stages");
    let (st, stage) = call(
        &app,
        reqwest::Method::POST,
        &stages,
        &coord,
        Some(json!({"name": "Panggung Utama", "stream_url": "https://youtube.com/live/tif"})),
    )
    .await;
    assert_eq!(st, 201);
    let stage = stage["id"].as_i64().unwrap();
    let (st, _) = call(
        &app,
        reqwest::Method::POST,
        &stages,
        &coord,
        Some(json!({"name": "panggung utama"})),
    )
    .await;
    assert_eq!(st, 409);

    // A speaker with a photo the coordinator uploaded, and a moderator without one.
    let part = reqwest::multipart::Part::bytes(PNG.to_vec())
        .file_name("ani.png")
        .mime_str("image/png")
        .unwrap();
    let r = app
        .client()
        .post(app.url("/api/v1/files"))
        .bearer_auth(&coord)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let sha = r.json::<Value>().await.unwrap()["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        app.client()
            .get(app.url(&format!("/berkas/{sha}")))
            .send()
            .await
            .unwrap()
            .status(),
        404,
        "an upload is private until it is a speaker's photo"
    );
    let speakers = format!("/api/v1/festival/editions/{number}/speakers");
    let (st, ani) = call(&app, reqwest::Method::POST, &speakers, &coord, Some(json!({"name": "Dr. Ani Wulandari", "affiliation": "Universitas Brawijaya", "bio": "Meneliti tata kelola desa digital.", "photo": sha}))).await;
    assert_eq!(st, 201, "{ani}");
    let ani = ani["id"].as_i64().unwrap();
    let (st, budi) = call(
        &app,
        reqwest::Method::POST,
        &speakers,
        &coord,
        Some(json!({"name": "Budi Santoso"})),
    )
    .await;
    assert_eq!(st, 201);
    let budi = budi["id"].as_i64().unwrap();
    let (st, _) = call(
        &app,
        reqwest::Method::POST,
        &speakers,
        &coord,
        Some(json!({"name": "X", "photo": "0".repeat(64)})),
    )
    .await;
    assert_eq!(st, 400, "a photo must be the caller's own image");
    assert_eq!(
        app.client()
            .get(app.url(&format!("/berkas/{sha}")))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    // A session on the stage, with its speaker and moderator; bad ones change nothing.
    let sessions = format!("/api/v1/festival/editions/{number}/sessions");
    let session = json!({"title": "Diskusi panel: desa digital", "kind": "panel", "day": "2030-12-03",
        "starts": "09:00", "ends": "10:30", "stage_id": stage, "capacity": 50,
        "speakers": [ani], "moderator": budi});
    let (st, created) = call(
        &app,
        reqwest::Method::POST,
        &sessions,
        &coord,
        Some(session.clone()),
    )
    .await;
    assert_eq!(st, 201, "{created}");
    let session_id = created["id"].as_i64().unwrap();
    let mut outside = session.clone();
    outside["day"] = json!("2030-12-09");
    let (st, _) = call(
        &app,
        reqwest::Method::POST,
        &sessions,
        &coord,
        Some(outside),
    )
    .await;
    assert_eq!(st, 400);
    let mut stranger = session.clone();
    stranger["speakers"] = json!([ani, 999_999]);
    let (st, _) = call(
        &app,
        reqwest::Method::POST,
        &sessions,
        &coord,
        Some(stranger),
    )
    .await;
    assert_eq!(st, 400);
    // A stand on the floor plan, and its number again.
    let stands = format!("/api/v1/festival/editions/{number}/stands");
    let stand = json!({"number": "A1", "org_code": "DISKOMINFO", "x": 2, "y": 1});
    let (st, _) = call(
        &app,
        reqwest::Method::POST,
        &stands,
        &coord,
        Some(stand.clone()),
    )
    .await;
    assert_eq!(st, 201);
    let (st, _) = call(&app, reqwest::Method::POST, &stands, &coord, Some(stand)).await;
    assert_eq!(st, 409);

    let e = app
        .get_json(&format!("/api/v1/festival/editions/{number}"))
        .await;
    let s = &e["sessions"][0];
    assert_eq!(s["place"], "Panggung Utama");
    assert_eq!(s["speakers"], "Dr. Ani Wulandari");
    assert_eq!(s["moderator"], "Budi Santoso");
    assert_eq!(
        s["stream_url"], "https://youtube.com/live/tif",
        "the stage's stream"
    );
    assert_eq!(e["stages"][0]["name"], "Panggung Utama");
    assert_eq!(e["stands"][0]["number"], "A1");
    let listed = app.get_json(&speakers).await;
    assert_eq!(listed.as_array().unwrap().len(), 2);

    // Visitors: the agenda by day and by stage, the speaker's page with photo and bio.
    let guest = app.client();
    let by_day = app
        .page(&guest, &format!("/festival/{number}/agenda"))
        .await;
    assert!(
        by_day.contains("3 Desember 2030") && by_day.contains("09.00–10.30"),
        "{by_day}"
    );
    assert!(by_day.contains(&format!("/festival/{number}/pembicara/{ani}")));
    let by_stage = app
        .page(&guest, &format!("/festival/{number}/agenda/panggung"))
        .await;
    assert!(
        by_stage.contains("<h2 id=\"g1\">Panggung Utama</h2>"),
        "{by_stage}"
    );
    let speaker = app
        .page(&guest, &format!("/festival/{number}/pembicara/{ani}"))
        .await;
    assert!(speaker.contains("Meneliti tata kelola desa digital."));
    assert!(speaker.contains(&format!("/berkas/{sha}")));
    assert!(speaker.contains("Diskusi panel: desa digital"));
    let r = guest
        .get(app.url(&format!("/festival/{number}/pembicara/999999")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // A citizen signs up; their personal feed lists the session, and nobody else's token works.
    let warga = app.signed_in("warga@anjungan.test").await;
    let r = app
        .post_form(
            &warga,
            &format!("/festival/{number}"),
            &format!("/festival/{number}/sesi/{session_id}/daftar"),
            &[],
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = warga
        .get(app.url("/festival/kalender-saya"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["cache-control"], "no-store");
    let mine = r.text().await.unwrap();
    assert!(mine.contains("Diskusi panel: desa digital"));
    let feed = mine
        .split("data-testid=\"feed\"")
        .next()
        .unwrap()
        .rsplit("href=\"")
        .next()
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let feed_path = feed.split("/festival/kalender/").nth(1).unwrap();
    let r = guest
        .get(app.url(&format!("/festival/kalender/{feed_path}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let ics = r.text().await.unwrap();
    assert!(ics.contains("SUMMARY:Diskusi panel: desa digital"), "{ics}");
    assert!(ics.contains(&format!("tif-{number}-session-{session_id}@")));
    // A directory of its own: the SQLite and PostgreSQL runs of this test share a process
    // and an edition number.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feed.ics");
    std::fs::write(&path, &ics).unwrap();
    if let Some(out) = python_check(
        &format!(
            "import icalendar; c = icalendar.Calendar.from_ical(open({:?}).read()); print(len([e for e in c.walk('VEVENT')]))",
            path.display().to_string()
        ),
        "the personal feed as iCalendar",
    ) {
        assert_eq!(out.trim(), "1");
    }
    drop(dir);
    let (uid, _) = feed_path.split_once('-').unwrap();
    let forged = format!("{uid}-{}.ics", "0".repeat(32));
    let r = guest
        .get(app.url(&format!("/festival/kalender/{forged}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // The results: hidden until published, then public; publishing twice is a conflict.
    let r = guest
        .get(app.url(&format!("/festival/{number}/peringkat")))
        .send()
        .await
        .unwrap();
    assert_ne!(
        r.status(),
        200,
        "the ranking is not public before the results"
    );
    let publish = format!("/api/v1/festival/editions/{number}/publish");
    let (st, _) = call(&app, reqwest::Method::POST, &publish, &citizen, None).await;
    assert_eq!(st, 403);
    let (st, _) = call(&app, reqwest::Method::POST, &publish, &coord, None).await;
    assert_eq!(st, 204);
    let (st, _) = call(&app, reqwest::Method::POST, &publish, &coord, None).await;
    assert_eq!(st, 409);
    let r = guest
        .get(app.url(&format!("/festival/{number}/peringkat")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let e = app
        .get_json(&format!("/api/v1/festival/editions/{number}"))
        .await;
    let current: Vec<&str> = e["phases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["current"] == true)
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        current,
        ["results_published"],
        "the vote closed with its phase"
    );
    let page = app
        .page(&app.client(), &format!("/festival/{number}"))
        .await;
    assert!(
        page.contains("Pemungutan suara sudah ditutup")
            && !page.contains("Pemungutan suara dibuka"),
        "a closed vote is not announced as open"
    );
    for action in [
        "festival.edition",
        "festival.phases",
        "festival.stage",
        "festival.speaker",
        "festival.session",
        "festival.stand",
        "festival.publish",
    ] {
        assert!(app.audit_count(action).await >= 1, "{action} is audited");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_next_tif_set_up_on_pages_in_a_browser_sqlite() {
    set_up_in_a_browser(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_next_tif_set_up_on_pages_in_a_browser_postgres() {
    set_up_in_a_browser(Backend::Postgres).await;
}

/// Sets a form field's value as the page's own control would (date and time pickers take typed
/// keys differently in each locale).
async fn set_value(c: &fantoccini::Client, css: &str, value: &str) -> Result<(), String> {
    c.execute(
        "const el = document.querySelector(arguments[0]); if (!el) { return false; } el.value = arguments[1]; return true;",
        vec![json!(css), json!(value)],
    )
    .await
    .map_err(|e| e.to_string())?
    .as_bool()
    .filter(|ok| *ok)
    .map(|_| ())
    .ok_or_else(|| format!("no field {css}"))
}

/// From nothing to published results using only pages: a new edition with the previous one's
/// phases, the vote's dates, a stage, a speaker with photo and bio, a session with its speaker
/// and moderator, a stand, then publishing after the confirmation; a visitor reads the agenda
/// by stage and the speaker's page.
async fn set_up_in_a_browser(backend: Backend) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let (previous, _) = latest(&app).await;
    let number = previous + 1;
    // A directory of its own: this journey runs on both engines at once in one process.
    let photo_dir = tempfile::tempdir().unwrap();
    let photo = photo_dir.path().join("speaker.png");
    std::fs::write(&photo, PNG).unwrap();
    let photo_path = photo.display().to_string();
    let base = app.base.clone();
    let (vote_from, vote_to) = (local(-1), local(2));
    browser
        .journey("festival_set_up_on_pages", |c| async move {
            let go = |path: String| {
                let c = c.clone();
                let base = base.clone();
                async move {
                    c.goto(&format!("{base}{path}"))
                        .await
                        .map_err(|e| e.to_string())
                }
            };
            sign_in(&c, &base, "koordinator@anjungan.test").await?;
            go("/festival".into()).await?;
            click(&c, "[data-testid=new-edition]").await?;
            wait_for_path(&c, "/festival/baru").await?;
            let offered = c
                .find(fantoccini::Locator::Css("#number"))
                .await
                .map_err(|e| e.to_string())?
                .prop("value")
                .await
                .map_err(|e| e.to_string())?
                .unwrap_or_default();
            expect(offered == number.to_string(), &format!("the next number is offered: {offered}"))?;
            fill(&c, "#theme", "Inovasi untuk desa yang melayani").await?;
            set_value(&c, "#starts_on", "2030-12-02").await?;
            set_value(&c, "#ends_on", "2030-12-03").await?;
            click(&c, "form[data-testid=new-edition] button[type=submit]").await?;
            wait_for_path(&c, &format!("/festival/{number}/susun")).await?;
            // The previous edition's phases are there; the vote runs over the final.
            let first = c
                .find(fantoccini::Locator::Css("input[name=call_for_entries_starts]"))
                .await
                .map_err(|e| e.to_string())?
                .prop("value")
                .await
                .map_err(|e| e.to_string())?
                .unwrap_or_default();
            expect(!first.is_empty(), "the call for entries was carried over")?;
            for kind in [
                "call_for_entries",
                "administrative_check",
                "desk_review",
                "shortlist",
                "presentation",
                "site_visit",
                "results_published",
            ] {
                set_value(&c, &format!("input[name={kind}_starts]"), "").await?;
                set_value(&c, &format!("input[name={kind}_ends]"), "").await?;
            }
            set_value(&c, "input[name=final_starts]", &vote_from).await?;
            set_value(&c, "input[name=final_ends]", &vote_to).await?;
            let voting = c
                .find(fantoccini::Locator::Css("input[name=final_voting]"))
                .await
                .map_err(|e| e.to_string())?;
            if voting.prop("checked").await.map_err(|e| e.to_string())?.as_deref() != Some("true") {
                voting.click().await.map_err(|e| e.to_string())?;
            }
            click(&c, "form[data-testid=phases-form] button[type=submit]").await?;
            wait_text(&c, "[data-testid=vote-window]", "Pemungutan suara dibuka").await?;
            // A stage, a speaker with photo and bio, and a moderator.
            fill(&c, "#stage_name", "Panggung Utama").await?;
            click(&c, "form[action$='/susun/panggung'] button").await?;
            wait_text(&c, "[data-testid=stages]", "Panggung Utama").await?;
            fill(&c, "#sp-name", "Dr. Ani Wulandari").await?;
            fill(&c, "#sp-aff", "Universitas Brawijaya").await?;
            fill(&c, "#sp-bio", "Meneliti tata kelola desa digital.").await?;
            fill(&c, "#sp-photo", &photo_path).await?;
            click(&c, "form[action*='/susun/pembicara'] button").await?;
            wait_text(&c, "[data-testid=speakers]", "Dr. Ani Wulandari").await?;
            fill(&c, "#sp-name", "Budi Santoso").await?;
            click(&c, "form[action*='/susun/pembicara'] button").await?;
            wait_text(&c, "[data-testid=speakers]", "Budi Santoso").await?;
            // A session that ends before it starts is refused, and what was typed stays.
            fill(&c, "#se-title", "Diskusi panel: desa digital").await?;
            set_value(&c, "#se-day", "2030-12-03").await?;
            set_value(&c, "#se-starts", "10:30").await?;
            set_value(&c, "#se-ends", "09:00").await?;
            click(&c, "form[data-testid=session-form] button[type=submit]").await?;
            wait_text(&c, "[data-testid=form-error]", "jam selesai setelah jam mulai").await?;
            let kept = c
                .find(fantoccini::Locator::Css("#se-title"))
                .await
                .map_err(|e| e.to_string())?
                .prop("value")
                .await
                .map_err(|e| e.to_string())?
                .unwrap_or_default();
            expect(kept == "Diskusi panel: desa digital", &format!("the title stays: {kept}"))?;
            set_value(&c, "#se-starts", "09:00").await?;
            set_value(&c, "#se-ends", "10:30").await?;
            c.execute(
                "document.querySelector('#se-kind').value = 'panel';\
                 const stage = document.querySelector('#se-stage'); stage.value = stage.options[1].value;\
                 for (const box of document.querySelectorAll('input[name=speaker]')) { box.checked = box.parentElement.textContent.includes('Ani'); }\
                 const m = document.querySelector('#se-moderator'); m.value = [...m.options].find(o => o.text.includes('Budi')).value;",
                vec![],
            )
            .await
            .map_err(|e| e.to_string())?;
            click(&c, "form[data-testid=session-form] button[type=submit]").await?;
            wait_text(&c, "[data-testid=sessions]", "Diskusi panel: desa digital").await?;
            let listed = text(&c, "[data-testid=sessions]").await?;
            expect(
                listed.contains("Panggung Utama") && listed.contains("Moderator: Budi Santoso"),
                &format!("the session's stage and moderator: {listed}"),
            )?;
            // A stand on the floor plan.
            fill(&c, "#st-number", "A1").await?;
            fill(&c, "#st-org", "DISKOMINFO").await?;
            fill(&c, "#st-x", "2").await?;
            fill(&c, "#st-y", "1").await?;
            click(&c, "#stan form button").await?;
            wait_text(&c, "[data-testid=stands]", "A1").await?;
            // Visitors' pages: the agenda by stage, the speaker with photo and bio.
            go(format!("/festival/{number}")).await?;
            wait_text(&c, "[data-testid=vote-window]", "Pemungutan suara dibuka").await?;
            click(&c, &format!("a[href='/festival/{number}/agenda/panggung']")).await?;
            wait_text(&c, "main h2", "Panggung Utama").await?;
            click(&c, "a[href*='/pembicara/']").await?;
            wait_text(&c, "[data-testid=speaker-name]", "Dr. Ani Wulandari").await?;
            wait_text(&c, "[data-testid=speaker-bio]", "tata kelola").await?;
            let loaded = c
                .execute(
                    "const i = document.querySelector('[data-testid=speaker-photo]'); return !!i && i.complete && i.naturalWidth === 2;",
                    vec![],
                )
                .await
                .map_err(|e| e.to_string())?;
            expect(loaded == json!(true), "the speaker's photo is shown")?;
            // Publishing asks first, then opens the results.
            go(format!("/festival/{number}/susun")).await?;
            click(&c, "#umumkan form button").await?;
            wait_text(&c, "main", "Umumkan hasil festival sekarang?").await?;
            click(&c, "[data-testid=confirm-yes]").await?;
            wait_for_path(&c, &format!("/festival/{number}/hasil")).await?;
            go(format!("/festival/{number}/susun")).await?;
            wait_text(&c, "[data-testid=published]", "Hasil sudah diumumkan").await?;
            Ok(())
        })
        .await;
    drop(photo_dir);
    let published: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM festival_phases p JOIN festival_editions e ON e.id = p.edition_id \
         WHERE e.number = $1 AND p.kind = 'results_published'",
    )
    .bind(number)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(published, 1);
}

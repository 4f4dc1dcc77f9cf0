//! The citizen follows everything in Petung Dadi, on SQLite and PostgreSQL: "Permohonan saya"
//! signed in and after a one-time code, a request opened by its number, a lost tracking code
//! recovered, complaints with their own tracking page, corrections that start from the earlier
//! answers, and the survey link when a request closes.

use crate::both_backends;
use crate::desk::{NGLINGGIS, citizen_submits, request_id, step};
use crate::support::*;
use serde_json::{Value, json};
use sqlx::Row;

both_backends!(
    a_citizen_lists_their_requests_after_a_code,
    a_signed_in_citizen_sees_their_requests,
    a_request_opens_by_its_number_after_a_code,
    a_complaint_has_a_tracking_page_and_staff_see_its_request,
    a_correction_starts_from_the_earlier_answers,
    a_closed_request_invites_its_citizen_to_the_survey,
);

/// The last message whose subject starts with `subject`, opened as the gateway would send it.
async fn last_message(app: &TestApp, subject: &str) -> Option<(String, String)> {
    let row = sqlx::query(
        "SELECT recipient_sealed, body_sealed FROM outbox WHERE subject LIKE $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(format!("{subject}%"))
    .fetch_optional(&app.state.db.pool)
    .await
    .unwrap()?;
    let open = |c: &str| app.state.keys.open(row.get::<&str, _>(c)).unwrap();
    Some((open("recipient_sealed"), open("body_sealed")))
}

/// The code in a message: the last group of six digits (a request number has one before it).
fn six_digits(body: &str) -> String {
    body.split(|c: char| !c.is_ascii_digit())
        .rfind(|w| w.len() == 6)
        .unwrap()
        .to_string()
}

async fn messages(app: &TestApp, subject: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE subject LIKE $1")
        .bind(format!("{subject}%"))
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn number_of(app: &TestApp, tracking: &str) -> String {
    anjungan_desk::store::requests::by_tracking(&app.state.db, &app.state.keys, tracking)
        .await
        .unwrap()
        .unwrap()
        .number
}

fn display(code: &str) -> String {
    anjungan_desk::domain::request::display_tracking_code(code)
}

async fn a_citizen_lists_their_requests_after_a_code(app: TestApp) {
    let citizen = app.client();
    let tracking = citizen_submits(&app, &citizen).await;
    let number = number_of(&app, &tracking).await;
    // Someone else, later, on another phone: no tracking code, only the number they gave.
    let guest = app.client();
    let page = app.page(&guest, "/layanan/saya").await;
    assert!(page.contains("action=\"/layanan/saya/kode\""), "{page}");
    let r = app
        .post_form(
            &guest,
            "/layanan/saya",
            "/layanan/saya/kode",
            &[("kontak", "nomor saya")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("WhatsApp atau e-mail yang valid")
    );
    let sent = messages(&app, "Kode untuk melihat").await;
    let r = app
        .post_form(
            &guest,
            "/layanan/saya",
            "/layanan/saya/kode",
            &[("kontak", "+62 812 3456 7890")],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let html = r.text().await.unwrap();
    assert!(
        html.contains("data-testid=\"code-sent\"") && html.contains("6281*******90"),
        "{html}"
    );
    assert_eq!(messages(&app, "Kode untuk melihat").await, sent + 1);
    let (to, body) = last_message(&app, "Kode untuk melihat").await.unwrap();
    assert_eq!(to, "6281234567890");
    let code = six_digits(&body);
    // A wrong code shows nothing and asks again.
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let r = app
        .post_form(
            &guest,
            "/layanan/saya",
            "/layanan/saya",
            &[("kontak", "081234567890"), ("kode", wrong)],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(!html.contains(&number) && html.contains("name=\"kode\""));
    // The right code, the contact typed another way: the list with the lost tracking code.
    let r = app
        .post_form(
            &guest,
            "/layanan/saya",
            "/layanan/saya",
            &[("kontak", "0812 3456 7890"), ("kode", &code)],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(r.headers()["referrer-policy"], "no-referrer");
    let html = r.text().await.unwrap();
    assert!(html.contains("data-testid=\"mine\""), "{html}");
    assert!(html.contains(&format!("data-number=\"{number}\"")));
    assert!(html.contains(&format!("href=\"/layanan/lacak/{tracking}\"")));
    assert!(html.contains(&display(&tracking)));
    // The code is used up.
    let again = app
        .post_form(
            &guest,
            "/layanan/saya",
            "/layanan/saya",
            &[("kontak", "081234567890"), ("kode", &code)],
        )
        .await;
    assert_eq!(again.status(), 422);
    // A contact no request names gets the same answer, and no message.
    let before = messages(&app, "Kode untuk melihat").await;
    let r = app
        .post_form(
            &guest,
            "/layanan/saya",
            "/layanan/saya/kode",
            &[("kontak", "orang.lain@example.id")],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("data-testid=\"code-sent\"")
    );
    assert_eq!(messages(&app, "Kode untuk melihat").await, before);
}

async fn a_signed_in_citizen_sees_their_requests(app: TestApp) {
    // The demo citizen filed the demo's web requests from their account.
    let warga = app.signed_in("warga@anjungan.test").await;
    let dash = app.page(&warga, "/dasbor").await;
    assert!(dash.contains("href=\"/layanan/saya\""), "{dash}");
    let html = app.page(&warga, "/layanan/saya").await;
    assert!(html.contains("data-testid=\"mine\""), "{html}");
    let own: Vec<(i64, String)> = sqlx::query_as(
        "SELECT r.id, r.submitted_on FROM desk_requests r JOIN users u ON u.id = r.created_by WHERE u.email = 'warga@anjungan.test'",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    assert!(!own.is_empty());
    for (id, on) in &own {
        let number = anjungan_desk::store::requests::number_of(*id, on);
        assert!(
            html.contains(&format!("data-number=\"{number}\"")),
            "{number}"
        );
    }
    let rows = html.matches("<tr data-number=").count();
    assert_eq!(rows, own.len(), "only their own requests");
    // The same through the API, with each tracking code.
    let token = app.token("warga@anjungan.test").await;
    let api = anjungan_kernel::http::client().unwrap().build().unwrap();
    let r = api
        .get(app.url("/api/v1/layanan/my-requests"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let list: Vec<Value> = r.json().await.unwrap();
    assert_eq!(list.len(), own.len());
    for m in &list {
        let code = m["tracking_code"].as_str().unwrap();
        let t = app.get_json(&format!("/api/v1/layanan/track/{code}")).await;
        assert_eq!(t["number"], m["number"]);
    }
    // A clerk who took requests at the counter is their creator, but they are not the clerk's own.
    let taken: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM desk_requests r JOIN users u ON u.id = r.created_by WHERE u.email = 'sekdes.nglinggis@anjungan.test'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert!(taken > 0, "the demo's clerk took requests at the counter");
    let clerk = app.token("sekdes.nglinggis@anjungan.test").await;
    let r = api
        .get(app.url("/api/v1/layanan/my-requests"))
        .bearer_auth(&clerk)
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Vec<Value>>().await.unwrap().len(), 0);
    let anonymous = api
        .get(app.url("/api/v1/layanan/my-requests"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}

async fn a_request_opens_by_its_number_after_a_code(app: TestApp) {
    let citizen = app.client();
    let tracking = citizen_submits(&app, &citizen).await;
    let number = number_of(&app, &tracking).await;
    let guest = app.client();
    // The number typed where the tracking code goes leads to the code step.
    let r = guest
        .get(app.url(&format!("/layanan/lacak?kode={}", number.to_lowercase())))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let at = format!("/layanan/nomor/{number}");
    assert_eq!(r.headers()["location"], at.as_str());
    let page = app.page(&guest, &at).await;
    // The page is open to whoever types a number: the phone shows its last two digits only.
    assert!(
        page.contains("62*********90") && !page.contains("6281*") && !page.contains(&tracking),
        "{page}"
    );
    let r = app.post_form(&guest, &at, &format!("{at}/kode"), &[]).await;
    assert_eq!(r.status(), 200);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("data-testid=\"code-sent\"")
    );
    let (to, body) = last_message(&app, &format!("Kode untuk membuka permohonan {number}"))
        .await
        .unwrap();
    assert_eq!(to, "6281234567890");
    let code = six_digits(&body);
    // A code for this number opens no other request.
    let other = app.client();
    let second = citizen_submits(&app, &other).await;
    let second_number = number_of(&app, &second).await;
    let r = app
        .post_form(
            &guest,
            &at,
            &format!("/layanan/nomor/{second_number}"),
            &[("kode", &code)],
        )
        .await;
    assert_eq!(r.status(), 422);
    let r = app.post_form(&guest, &at, &at, &[("kode", &code)]).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    assert_eq!(
        r.headers()["location"],
        format!("/layanan/lacak/{tracking}").as_str()
    );
    // Unknown and malformed numbers.
    for bad in [
        "/layanan/nomor/PD-2026-999999",
        "/layanan/nomor/bukan-nomor",
    ] {
        let r = guest.get(app.url(bad)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{bad}");
    }
    // A request without a contact on file says to come to the counter.
    sqlx::query("UPDATE desk_requests SET phone = '', email = '' WHERE id = $1")
        .bind(request_id(&app, &second).await)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let r = guest
        .get(app.url(&format!("/layanan/nomor/{second_number}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("datang ke loket"));
}

async fn a_complaint_has_a_tracking_page_and_staff_see_its_request(app: TestApp) {
    let citizen = app.client();
    let tracking = citizen_submits(&app, &citizen).await;
    let number = number_of(&app, &tracking).await;
    let r = app
        .post_form(
            &citizen,
            "/layanan/pengaduan",
            "/layanan/pengaduan",
            &[
                ("unit", NGLINGGIS),
                ("kode", &tracking),
                ("isi", "Sudah tiga hari belum ada kabar."),
                ("kontak", "warga.baru@example.id"),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    let start = html
        .find("/layanan/pengaduan/lacak/")
        .expect("a tracking link");
    let code: String = html[start + "/layanan/pengaduan/lacak/".len()..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    assert!(html.contains(&display(&code)), "{html}");
    let at = format!("/layanan/pengaduan/lacak/{code}");
    let page = app.page(&citizen, &at).await;
    assert!(
        page.contains("data-state=\"open\"") && page.contains(&number),
        "{page}"
    );
    assert!(page.contains("Sudah tiga hari belum ada kabar."));
    // Staff see which request it is about, and answer.
    let sekdes = app.signed_in("sekdes.nglinggis@anjungan.test").await;
    let list = app
        .page(&sekdes, &format!("/layanan/kelola/{NGLINGGIS}/pengaduan"))
        .await;
    let id = request_id(&app, &tracking).await;
    assert!(
        list.contains(&format!(
            "href=\"/layanan/kelola/permohonan/{id}\" data-testid=\"complaint-request\">{number}</a>"
        )),
        "{list}"
    );
    let complaint: i64 = sqlx::query_scalar("SELECT MAX(id) FROM desk_complaints")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let r = app
        .post_form(
            &sekdes,
            &format!("/layanan/kelola/{NGLINGGIS}/pengaduan"),
            &format!("/layanan/kelola/{NGLINGGIS}/pengaduan/{complaint}"),
            &[("tanggapan", "Berkas sudah diverifikasi hari ini.")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = app.page(&citizen, &at).await;
    assert!(page.contains("data-state=\"answered\""), "{page}");
    assert!(page.contains("Berkas sudah diverifikasi hari ini."));
    // The API: the code from filing, and the state with the answer.
    let api = anjungan_kernel::http::client().unwrap().build().unwrap();
    let r = api
        .post(app.url("/api/v1/layanan/complaints"))
        .json(&json!({"unit": NGLINGGIS, "text": "Antrian panjang"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let filed: Value = r.json().await.unwrap();
    let api_code = filed["tracking_code"].as_str().unwrap();
    assert!(
        filed["tracking_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/layanan/pengaduan/lacak/{api_code}"))
    );
    let t = app
        .get_json(&format!("/api/v1/layanan/complaints/track/{api_code}"))
        .await;
    assert_eq!(t["state"], "open");
    assert_eq!(t["response"], Value::Null);
    let t = app
        .get_json(&format!("/api/v1/layanan/complaints/track/{code}"))
        .await;
    assert_eq!(t["state"], "answered");
    assert_eq!(t["request_number"], number.as_str());
    assert_eq!(t["response"], "Berkas sudah diverifikasi hari ini.");
    let missing = api
        .get(app.url("/api/v1/layanan/complaints/track/ABCDEFGHJKMN"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let r = citizen
        .get(app.url("/layanan/pengaduan/lacak?kode=ABCD-EFGH-JKMN"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = citizen
        .get(app.url(&format!("/layanan/pengaduan/lacak?kode={}", display(&code))))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], at.as_str());
}

async fn a_correction_starts_from_the_earlier_answers(app: TestApp) {
    let citizen = app.client();
    let tracking = citizen_submits(&app, &citizen).await;
    let id = request_id(&app, &tracking).await;
    let sekdes = app.signed_in("sekdes.nglinggis@anjungan.test").await;
    let r = step(&app, &sekdes, id, "return", "Sebutkan nama perusahaan").await;
    assert_eq!(r.status(), 303);
    let page = app
        .page(&citizen, &format!("/layanan/lacak/{tracking}"))
        .await;
    assert!(page.contains("data-testid=\"asked\""), "{page}");
    assert!(page.contains("Sebutkan nama perusahaan"));
    // The earlier answer is in the form, ready to be changed.
    assert!(
        page.contains(">Melamar pekerjaan di Surabaya</textarea>")
            || page.contains("value=\"Melamar pekerjaan di Surabaya\""),
        "{page}"
    );
    // A refused correction keeps what was typed.
    let csrf = app
        .csrf(&citizen, &format!("/layanan/lacak/{tracking}"))
        .await;
    let r = citizen
        .post(app.url(&format!("/layanan/lacak/{tracking}/perbaiki")))
        .form(&[("_csrf", csrf.as_str()), ("f_keperluan", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let r = citizen
        .post(app.url(&format!("/layanan/lacak/{tracking}/perbaiki")))
        .form(&[
            ("_csrf", csrf.as_str()),
            (
                "f_keperluan",
                "Melamar pekerjaan di PT Sinar Jaya, Surabaya",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let r = anjungan_desk::store::requests::get(&app.state.db, &app.state.keys, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        r.answers["keperluan"],
        vec!["Melamar pekerjaan di PT Sinar Jaya, Surabaya".to_string()]
    );
}

async fn a_closed_request_invites_its_citizen_to_the_survey(app: TestApp) {
    let citizen = app.client();
    let tracking = citizen_submits(&app, &citizen).await;
    let number = number_of(&app, &tracking).await;
    let id = request_id(&app, &tracking).await;
    let sekdes = app.signed_in("sekdes.nglinggis@anjungan.test").await;
    assert_eq!(step(&app, &sekdes, id, "verify", "").await.status(), 303);
    let kades = app.signed_in("kades.nglinggis@anjungan.test").await;
    assert_eq!(step(&app, &kades, id, "sign", "").await.status(), 303);
    assert!(
        last_message(&app, "Survei kepuasan")
            .await
            .is_none_or(|(_, b)| !b.contains(&number))
    );
    // The citizen confirms they have the letter: the request closes, and the link comes.
    let r = app
        .post_form(
            &citizen,
            &format!("/layanan/lacak/{tracking}"),
            &format!("/layanan/lacak/{tracking}/terima"),
            &[],
        )
        .await;
    assert_eq!(r.status(), 303);
    let state: String = sqlx::query_scalar("SELECT state FROM desk_requests WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(state, "closed");
    let (to, body) = last_message(&app, "Survei kepuasan")
        .await
        .expect("an invitation");
    assert_eq!(to, "6281234567890");
    assert!(body.contains(&number), "{body}");
    let link = body
        .split_whitespace()
        .find(|w| w.contains("/ikm/undangan/"))
        .expect("the survey link");
    let path = &link[link.find("/ikm/undangan/").unwrap()..];
    let survey = app.page(&app.client(), path).await;
    assert!(
        survey.contains("Nglinggis") && survey.contains("name=\"u1\""),
        "{survey}"
    );
    let invited: Vec<(i64, String)> =
        sqlx::query_as("SELECT org_id, service FROM survey_invitations WHERE reference = $1")
            .bind(&number)
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(
        invited,
        vec![(
            app.org_id(NGLINGGIS).await,
            "Surat Keterangan Domisili".to_string()
        )]
    );
}

/// The last code sent under `subject`, as the citizen's phone would show it.
async fn code_sent(
    db: &anjungan_kernel::Db,
    keys: &anjungan_kernel::crypto::Keys,
    subject: &str,
) -> String {
    let sealed: String = sqlx::query_scalar(
        "SELECT body_sealed FROM outbox WHERE subject LIKE $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(format!("{subject}%"))
    .fetch_one(&db.pool)
    .await
    .unwrap();
    six_digits(&keys.open(&sealed).unwrap())
}

/// In a real browser on a phone, on both databases: a citizen who kept only their phone finds
/// their request in "Permohonan saya", corrects it from the earlier answers after a return,
/// opens it again by its number alone, and follows a complaint about it to the unit's answer.
async fn citizen_follows_everything_in_a_browser(backend: Backend) {
    use crate::browser::{Browser, click, expect, fill, text, wait_text};
    let Some(browser) = Browser::start().await else {
        return;
    };
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let base = app.base.clone();
    let tracking = citizen_submits(&app, &app.client()).await;
    let number = number_of(&app, &tracking).await;
    let id = request_id(&app, &tracking).await;
    let (db, keys) = (app.state.db.clone(), app.state.keys.clone());
    let sekdes = app.signed_in("sekdes.nglinggis@anjungan.test").await;
    let app = std::sync::Arc::new(app);
    let the_app = app.clone();
    browser
        .journey("citizen_follows_everything", |c| async move {
            let err = |e: fantoccini::error::CmdError| e.to_string();
            // "Permohonan saya" from the catalogue, with a code to the phone.
            c.goto(&format!("{base}/layanan")).await.map_err(err)?;
            click(&c, "a[href='/layanan/saya']").await?;
            crate::browser::wait_for_path(&c, "/layanan/saya").await?;
            fill(&c, "#kontak", "0812-3456-7890").await?;
            click(&c, "form[action='/layanan/saya/kode'] button[type=submit]").await?;
            wait_text(&c, "[data-testid=code-sent]", "6281*******90").await?;
            fill(
                &c,
                "#kode",
                &code_sent(&db, &keys, "Kode untuk melihat").await,
            )
            .await?;
            click(&c, "form[action='/layanan/saya'] button[type=submit]").await?;
            wait_text(&c, "[data-testid=mine]", &number).await?;
            click(&c, &format!("tr[data-number='{number}'] a")).await?;
            wait_text(&c, "[data-testid=state]", "Diajukan").await?;

            // Returned for correction: the form starts from what was sent.
            let r = step(&the_app, &sekdes, id, "return", "Sebutkan nama perusahaan").await;
            expect(r.status() == 303, "the officer returns the request")?;
            c.refresh().await.map_err(err)?;
            wait_text(&c, "[data-testid=asked]", "Sebutkan nama perusahaan").await?;
            let earlier = c
                .find(fantoccini::Locator::Css("#f_keperluan"))
                .await
                .map_err(err)?
                .prop("value")
                .await
                .map_err(err)?;
            expect(
                earlier.as_deref() == Some("Melamar pekerjaan di Surabaya"),
                &format!("the earlier answer is filled in: {earlier:?}"),
            )?;
            fill(
                &c,
                "#f_keperluan",
                "Melamar pekerjaan di PT Sinar Jaya, Surabaya",
            )
            .await?;
            click(&c, "form[action*='/perbaiki'] button[type=submit]").await?;
            wait_text(&c, "[data-testid=history]", "Diajukan").await?;

            // The number alone opens it again, after a code to the contact on file.
            c.goto(&format!("{base}/layanan/lacak"))
                .await
                .map_err(err)?;
            fill(&c, "#kode", &number).await?;
            click(&c, "form[action='/layanan/lacak'] button[type=submit]").await?;
            crate::browser::wait_for_path(&c, &format!("/layanan/nomor/{number}")).await?;
            click(&c, "form[action$='/kode'] button[type=submit]").await?;
            wait_text(&c, "[data-testid=code-sent]", "62*********90").await?;
            fill(
                &c,
                "#kode",
                &code_sent(
                    &db,
                    &keys,
                    &format!("Kode untuk membuka permohonan {number}"),
                )
                .await,
            )
            .await?;
            click(
                &c,
                &format!("form[action='/layanan/nomor/{number}'] button[type=submit]"),
            )
            .await?;
            // The code page's heading names the number too: wait for the tracking page itself.
            crate::browser::wait_for_path(&c, &format!("/layanan/lacak/{tracking}")).await?;
            wait_text(&c, "h1", &number).await?;
            let url = c.current_url().await.map_err(err)?;
            expect(
                url.path() == format!("/layanan/lacak/{tracking}"),
                &format!("the number opened the tracking page: {url}"),
            )?;

            // A complaint about it, followed to the unit's answer.
            click(&c, "a[href^='/layanan/pengaduan?']").await?;
            fill(&c, "#isi", "Sudah tiga hari belum ada kabar.").await?;
            click(&c, "form[action='/layanan/pengaduan'] button[type=submit]").await?;
            wait_text(&c, "[data-testid=complaint-done]", "tercatat").await?;
            let code = text(&c, "[data-testid=complaint-code]").await?;
            click(&c, "[data-testid=complaint-track]").await?;
            wait_text(&c, "[data-testid=complaint-state]", "Menunggu tanggapan").await?;
            let complaint: i64 = sqlx::query_scalar("SELECT MAX(id) FROM desk_complaints")
                .fetch_one(&db.pool)
                .await
                .map_err(|e| e.to_string())?;
            anjungan_desk::service::admin::respond(
                &db,
                &keys,
                &anjungan_kernel::audit::Actor::system("test"),
                the_app.org_id(NGLINGGIS).await,
                complaint,
                "Berkas sudah diverifikasi hari ini.",
            )
            .await
            .map_err(|e| e.to_string())?;
            c.goto(&format!("{base}/layanan/pengaduan/lacak"))
                .await
                .map_err(err)?;
            fill(&c, "#kode", &code).await?;
            click(
                &c,
                "form[action='/layanan/pengaduan/lacak'] button[type=submit]",
            )
            .await?;
            wait_text(
                &c,
                "[data-testid=complaint-response]",
                "Berkas sudah diverifikasi",
            )
            .await?;
            Ok(())
        })
        .await;
    drop(app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn citizen_follows_everything_in_a_browser_sqlite() {
    citizen_follows_everything_in_a_browser(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn citizen_follows_everything_in_a_browser_postgres() {
    citizen_follows_everything_in_a_browser(Backend::Postgres).await;
}

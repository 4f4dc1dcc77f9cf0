//! Petung Dadi end to end on SQLite and PostgreSQL: a citizen's request through verification,
//! signature, delivery and verification of the letter; refusals that change nothing; the SLA
//! clock; registers, holidays and the JSON API.

use crate::both_backends;
use crate::support::*;
use anjungan_desk::service;
use serde_json::{Value, json};
use sqlx::Row;

pub(crate) const NGLINGGIS: &str = "35.03.05.2001";
pub(crate) const DOMISILI: &str = "35.03.05.2001.domisili";
pub(crate) const SRI_NIK: &str = "3503055203900002";

both_backends!(
    a_citizen_gets_a_signed_letter_that_verifies,
    bad_input_and_forbidden_steps_change_nothing,
    a_return_pauses_the_clock_until_the_citizen_answers,
    staff_requests_registers_and_figures_through_the_api,
    holidays_and_open311_keys_are_admin_settings,
    a_unit_publishes_and_edits_its_services,
    complaints_have_a_deadline_and_get_answered,
    a_form_with_an_upload_stores_the_file,
    a_death_note_is_about_the_deceased_not_the_applicant,
);

/// The demo's signed death note: the verification page names (masked) the deceased, Kasiran,
/// not the applicant who asked for it.
async fn a_death_note_is_about_the_deceased_not_the_applicant(app: TestApp) {
    let code: String = sqlx::query_scalar(
        "SELECT l.code FROM desk_letters l JOIN desk_requests r ON r.id = l.request_id \
         JOIN desk_services s ON s.id = r.service_id WHERE s.code = $1",
    )
    .bind(format!("{NGLINGGIS}.kematian"))
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let page = app
        .client()
        .get(app.url(&format!("/verifikasi/{code}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let deceased = anjungan_desk::store::letters::mask_name("Kasiran");
    let applicant = anjungan_desk::store::letters::mask_name("Agus Riyanto");
    assert!(page.contains(&deceased), "{deceased} on the page");
    assert!(!page.contains(&applicant), "not the applicant {applicant}");
    assert!(!page.contains("Kasiran"), "masked");
}

async fn a_form_with_an_upload_stores_the_file(app: TestApp) {
    use anjungan_desk::domain::form::{Field, FieldKind, Form};
    use anjungan_desk::store::services;
    let mut input: services::ServiceInput = serde_json::from_value(serde_json::to_value(
        json!({"code": "DISPENDUKCAPIL.unggah-uji", "name": "Legalisir dokumen", "days": 3,
               "standard": {"components": {"requirements": "Scan dokumen", "procedure": "Unggah", "product": "Legalisir", "complaints": "Petung Dadi"}},
               "form": {"fields": []}}),
    ).unwrap())
    .unwrap();
    input.form = Form {
        fields: vec![Field {
            code: "dokumen".into(),
            label: "Scan dokumen".into(),
            kind: FieldKind::File,
            required: true,
            order: 1,
            description: String::new(),
            choices: vec![],
        }],
    };
    let org = app.org_id("DISPENDUKCAPIL").await;
    let mut tx = app.state.db.begin_write().await.unwrap();
    service::catalogue::insert(
        &mut tx,
        &anjungan_kernel::audit::Actor::system("test"),
        org,
        &input,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let citizen = app.signed_in("warga@anjungan.test").await;
    let page = citizen
        .get(app.url("/layanan/s/DISPENDUKCAPIL.unggah-uji"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("enctype=\"multipart/form-data\"") && page.contains("type=\"file\""));
    let csrf = page
        .split("?_csrf=")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let url = app.url(&format!(
        "/layanan/s/DISPENDUKCAPIL.unggah-uji?_csrf={csrf}"
    ));
    let send = |bytes: Vec<u8>, name: &'static str| {
        let form = reqwest::multipart::Form::new()
            .text("nama", "Siti Warga")
            .text("email", "siti@example.id")
            .text("langkah", "kirim")
            .part(
                "f_dokumen",
                reqwest::multipart::Part::bytes(bytes).file_name(name),
            );
        citizen.post(&url).multipart(form).send()
    };
    let before = count(&app, "desk_requests").await;
    // Not a document type: refused, nothing stored.
    let r = send(b"#!/bin/sh\necho hai\n".to_vec(), "skrip.sh")
        .await
        .unwrap();
    assert!(r.status() == 415 || r.status() == 400, "{}", r.status());
    assert_eq!(count(&app, "desk_requests").await, before);
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let r = send(pdf.clone(), "akta.pdf").await.unwrap();
    assert_eq!(r.status(), 303);
    let tracking = r.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/layanan/lacak/")
        .trim_end_matches("?baru=1")
        .to_string();
    let req =
        anjungan_desk::store::requests::by_tracking(&app.state.db, &app.state.keys, &tracking)
            .await
            .unwrap()
            .unwrap();
    let sha = req.answers["dokumen"][0].clone();
    assert_eq!(sha, anjungan_kernel::crypto::sha256_hex(&pdf));
    let stored = anjungan_kernel::files::store::get(
        &app.state.db,
        &app.state.config.data_dir,
        &app.state.keys,
        &sha,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(stored.bytes, pdf);
    // The unit's staff open the attachment through the request; nobody gets it by its digest.
    let admin = app.signed_in("admin@anjungan.test").await;
    let r = admin
        .get(app.url(&format!(
            "/layanan/kelola/permohonan/{}/berkas/dokumen",
            req.id
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "private, no-store");
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf);
    assert_eq!(
        app.client()
            .get(app.url(&format!("/berkas/{sha}")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    // Nobody attaches another person's file by naming its digest: not in the form's hidden
    // field (bare or with a made-up tag), not through the API.
    let letter: String = sqlx::query_scalar("SELECT file_sha FROM desk_letters LIMIT 1")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let before = count(&app, "desk_requests").await;
    for forged in [
        letter.clone(),
        format!("{letter}.0123456789abcdef0123456789abcdef"),
    ] {
        let form = reqwest::multipart::Form::new()
            .text("nama", "Siti Warga")
            .text("email", "siti@example.id")
            .text("langkah", "kirim")
            .text("f_dokumen", forged);
        let r = citizen.post(&url).multipart(form).send().await.unwrap();
        assert_eq!(r.status(), 422);
    }
    assert_eq!(count(&app, "desk_requests").await, before);
    let token = app.token("admin@anjungan.test").await;
    let api = anjungan_kernel::http::client().unwrap().build().unwrap();
    let submit = |sha: String| {
        api.post(app.url("/api/v1/layanan/requests"))
            .bearer_auth(&token)
            .json(&json!({"service": "DISPENDUKCAPIL.unggah-uji", "channel": "counter", "applicant": "Siti Warga",
                          "email": "siti@example.id", "answers": {"dokumen": [sha]}}))
            .send()
    };
    let r = submit(letter).await.unwrap();
    assert_eq!(r.status(), 422);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "dokumen", "{problem}");
    let own = api
        .post(app.url("/api/v1/files"))
        .bearer_auth(&token)
        .multipart(
            reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(b"%PDF-1.4\n% milik sendiri\n".to_vec())
                    .file_name("a.pdf"),
            ),
        )
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let r = submit(own["sha256"].as_str().unwrap().to_string())
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
}

async fn complaints_have_a_deadline_and_get_answered(app: TestApp) {
    let citizen = app.client();
    let csrf = app.csrf(&citizen, "/layanan/pengaduan").await;
    let before = count(&app, "desk_complaints").await;
    // A malformed LAPOR! number is refused, nothing stored.
    let r = citizen
        .post(app.url("/layanan/pengaduan"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("unit", NGLINGGIS),
            ("isi", "Antrean lama"),
            ("lapor", "<b>"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(count(&app, "desk_complaints").await, before);
    let r = citizen
        .post(app.url("/layanan/pengaduan"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("unit", NGLINGGIS),
            ("isi", "Surat saya belum jadi padahal sudah lewat target"),
            ("kontak", "warga.mengadu@example.id"),
            ("lapor", "3120789"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("data-testid=\"complaint-done\"")
    );
    // Through the API too.
    let api = anjungan_kernel::http::client().unwrap().build().unwrap();
    let r = api
        .post(app.url("/api/v1/layanan/complaints"))
        .json(
            &json!({"unit": NGLINGGIS, "text": "Petugas ramah, terima kasih", "service": DOMISILI}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert!(
        !r.json::<Value>().await.unwrap()["due_on"]
            .as_str()
            .unwrap()
            .is_empty()
    );
    let r = api
        .post(app.url("/api/v1/layanan/complaints"))
        .json(&json!({"unit": "NOPE", "text": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // The unit sees them with the LAPOR! number and answers; the citizen is told.
    let token = app.token("sekdes.nglinggis@anjungan.test").await;
    let list: Value = api
        .get(app.url(&format!("/api/v1/layanan/units/{NGLINGGIS}/complaints")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let c = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["lapor_ref"] == "3120789")
        .unwrap()
        .clone();
    assert_eq!(c["contact_masked"], "wa***@example.id");
    let sekdes = app.signed_in("sekdes.nglinggis@anjungan.test").await;
    let page = format!("/layanan/kelola/{NGLINGGIS}/pengaduan");
    let html = sekdes
        .get(app.url(&page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("LAPOR! 3120789"));
    let csrf = app.csrf(&sekdes, &page).await;
    let r = sekdes
        .post(app.url(&format!("{page}/{}", c["id"])))
        .form(&[
            ("_csrf", csrf.as_str()),
            (
                "tanggapan",
                "Mohon maaf, surat sudah kami selesaikan hari ini.",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let answered: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE subject = 'Tanggapan pengaduan'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(answered, 1);
    assert!(app.audit_count("desk.complaint.respond").await >= 1);
}

async fn a_unit_publishes_and_edits_its_services(app: TestApp) {
    let sekdes = app.signed_in("sekdes.nglinggis@anjungan.test").await;
    let path = format!("/layanan/kelola/{NGLINGGIS}/layanan/baru");
    let csrf = app.csrf(&sekdes, &path).await;
    let mut form = vec![
        ("_csrf", csrf.clone()),
        ("code", format!("{NGLINGGIS}.izin-keramaian")),
        ("name", "Surat Pengantar Izin Keramaian".to_string()),
        ("days", "2".to_string()),
        ("cost", "0".to_string()),
        ("active", "on".to_string()),
        ("needs_resident", "on".to_string()),
        ("c_requirements", "Fotokopi KTP".to_string()),
        ("c_procedure", "Ajukan, diverifikasi, ditandatangani".to_string()),
        ("c_product", "Surat pengantar".to_string()),
        ("c_complaints", "Lewat Petung Dadi atau LAPOR!".to_string()),
        ("fields", "acara | Nama acara | string | wajib\ntanggal_acara | Tanggal acara | date | wajib\nhiburan | Hiburan | single_choice | opsional | musik=Musik; wayang=Wayang kulit".to_string()),
        ("letter_title", "SURAT PENGANTAR IZIN KERAMAIAN".to_string()),
        ("letter_numbering", "{klasifikasi}/{urut}/{unit}/{tahun}".to_string()),
        ("letter_classification", "300".to_string()),
        ("letter_body", "Yang bertanda tangan di bawah ini menerangkan bahwa {nama} akan mengadakan {isian.acara} pada {isian.tanggal_acara}.".to_string()),
        ("letter_signer", "Kepala Desa".to_string()),
    ];
    let url = app.url(&format!("/layanan/kelola/{NGLINGGIS}/layanan"));
    // An unknown placeholder is refused and what was typed stays.
    let mut bad = form.clone();
    bad[15].1 = "Halo {namaa}".to_string();
    let services_before = count(&app, "desk_services").await;
    let r = sekdes.post(&url).form(&bad).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("data-testid=\"error\"") && html.contains("Halo {namaa}"));
    assert_eq!(count(&app, "desk_services").await, services_before);
    let r = sekdes.post(&url).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let public = app
        .client()
        .get(app.url(&format!("/layanan/s/{NGLINGGIS}.izin-keramaian")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        public.contains("Nama acara")
            && public.contains("Wayang kulit")
            && public.contains("Fotokopi KTP")
    );
    // Editing: five working days now; the code cannot change.
    form[3].1 = "5".to_string();
    form[1].1 = "lain".to_string();
    let r = sekdes
        .post(app.url(&format!(
            "/layanan/kelola/{NGLINGGIS}/layanan/{NGLINGGIS}.izin-keramaian"
        )))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let s = anjungan_desk::store::services::by_code(
        &app.state.db,
        &format!("{NGLINGGIS}.izin-keramaian"),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(s.days, 5);
    assert_eq!(s.form.fields.len(), 3);
    assert!(app.audit_count("desk.service.update").await >= 1);
    // Another unit's staff may not.
    let other = app.signed_in("operator.kominfo@anjungan.test").await;
    assert_eq!(
        other
            .get(app.url(&format!("/layanan/kelola/{NGLINGGIS}/layanan")))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
}

/// The last one-time code sent to `contact`, read from the outbox as the gateway would send it.
pub(crate) async fn last_code(app: &TestApp) -> String {
    let row = sqlx::query("SELECT body_sealed FROM outbox WHERE subject = 'Kode verifikasi Petung Dadi' ORDER BY id DESC LIMIT 1")
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

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// Submits the domicile request online as a citizen; returns the tracking code.
pub(crate) async fn citizen_submits(app: &TestApp, c: &reqwest::Client) -> String {
    let page = app.url(&format!("/layanan/s/{DOMISILI}"));
    let csrf = app.csrf(c, &format!("/layanan/s/{DOMISILI}")).await;
    let form = |step: &str, code: &str| {
        vec![
            ("_csrf".to_string(), csrf.clone()),
            ("nama".into(), "Sri Wahyuni".into()),
            ("nik".into(), SRI_NIK.into()),
            ("f_keperluan".into(), "Melamar pekerjaan di Surabaya".into()),
            ("telepon".into(), "0812-3456-7890".into()),
            ("langkah".into(), step.into()),
            ("kode".into(), code.into()),
        ]
    };
    let r = c.post(&page).form(&form("kode", "")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("data-testid=\"code-sent\"") && html.contains("6281*******90"),
        "{html}"
    );
    let code = last_code(app).await;
    let r = c
        .post(&page)
        .form(&form("kirim", &code))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(
        to.starts_with("/layanan/lacak/") && to.ends_with("?baru=1"),
        "{to}"
    );
    to.trim_start_matches("/layanan/lacak/")
        .trim_end_matches("?baru=1")
        .to_string()
}

pub(crate) async fn request_id(app: &TestApp, tracking: &str) -> i64 {
    anjungan_desk::store::requests::by_tracking(&app.state.db, &app.state.keys, tracking)
        .await
        .unwrap()
        .unwrap()
        .id
}

pub(crate) async fn step(
    app: &TestApp,
    c: &reqwest::Client,
    id: i64,
    command: &str,
    note: &str,
) -> reqwest::Response {
    let path = format!("/layanan/kelola/permohonan/{id}");
    let csrf = app.csrf(c, "/layanan/pengaduan").await;
    c.post(app.url(&format!("{path}/langkah")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("perintah", command),
            ("catatan", note),
            // Signing asks for the head's password again (other steps ignore it).
            ("sandi", anjungan_server::demo::DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap()
}

pub(crate) fn pdf_text(bytes: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("surat.pdf");
    std::fs::write(&file, bytes).unwrap();
    match std::process::Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
    {
        Ok(out) => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        Err(e) => {
            assert!(!ci(), "pdftotext needed under CI: {e}");
            None
        }
    }
}

async fn upload_check(app: &TestApp, c: &reqwest::Client, code: &str, bytes: Vec<u8>) -> String {
    let page = c
        .get(app.url(&format!("/verifikasi/{code}")))
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
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name("surat.pdf")
        .mime_str("application/pdf")
        .unwrap();
    let r = c
        .post(app.url(&format!("/verifikasi/{code}?_csrf={csrf}")))
        .multipart(reqwest::multipart::Form::new().part("berkas", part))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.text().await.unwrap()
}

async fn a_citizen_gets_a_signed_letter_that_verifies(app: TestApp) {
    let citizen = app.client();
    let catalogue = citizen
        .get(app.url("/layanan?q=domisili"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(catalogue.contains(&format!("/layanan/s/{DOMISILI}")));
    let service = citizen
        .get(app.url(&format!("/layanan/s/{DOMISILI}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(service.contains("Persyaratan") && service.contains("Produk pelayanan"));
    let tracking = citizen_submits(&app, &citizen).await;
    let id = request_id(&app, &tracking).await;

    // The tracking page: state and history, no personal data.
    let track = citizen
        .get(app.url(&format!("/layanan/lacak/{tracking}?baru=1")))
        .send()
        .await
        .unwrap();
    assert_eq!(track.status(), 200);
    assert_eq!(track.headers()["cache-control"], "no-store");
    let html = track.text().await.unwrap();
    assert!(html.contains("data-state=\"submitted\""));
    for secret in ["Sri Wahyuni", SRI_NIK, "3456", "Surabaya"] {
        assert!(!html.contains(secret), "tracking page shows {secret}");
    }
    // Personal data is sealed at rest.
    let raw: String = sqlx::query_scalar(
        "SELECT applicant || nik || phone || answers FROM desk_requests WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert!(!raw.contains("Sri") && !raw.contains(SRI_NIK) && !raw.contains("81234567890"));

    // The village secretary sees the register match and verifies.
    let sekdes = app.signed_in("sekdes.nglinggis@anjungan.test").await;
    let queue = sekdes
        .get(app.url(&format!("/layanan/kelola/{NGLINGGIS}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(queue.contains(&format!("/layanan/kelola/permohonan/{id}")));
    let detail = sekdes
        .get(app.url(&format!("/layanan/kelola/permohonan/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        detail.contains("data-testid=\"register-match\" class=\"ok\""),
        "{detail}"
    );
    assert!(detail.contains("3503**********02") && !detail.contains(SRI_NIK));
    // The secretary cannot sign.
    assert!(!detail.contains("data-command=\"sign\""));
    assert_eq!(step(&app, &sekdes, id, "verify", "").await.status(), 303);
    assert_eq!(step(&app, &sekdes, id, "sign", "").await.status(), 403);

    // The village head signs: the letter is numbered, signed and issued.
    let kades = app.signed_in("kades.nglinggis@anjungan.test").await;
    assert_eq!(step(&app, &kades, id, "sign", "").await.status(), 303);
    let letter = anjungan_desk::store::letters::for_request(&app.state.db, id)
        .await
        .unwrap()
        .unwrap();
    assert!(letter.number.contains(NGLINGGIS), "{}", letter.number);
    let track = citizen
        .get(app.url(&format!("/layanan/lacak/{tracking}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(track.contains("data-state=\"issued\"") && track.contains("data-testid=\"download\""));

    // The citizen downloads it; the first download marks it delivered.
    let pdf = citizen
        .get(app.url(&format!("/layanan/lacak/{tracking}/surat.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap().to_vec();
    assert!(bytes.starts_with(b"%PDF-"));
    if let Some(text) = pdf_text(&bytes) {
        assert!(
            text.contains("SURAT KETERANGAN DOMISILI") && text.contains(&letter.number),
            "{text}"
        );
        assert!(
            text.contains("Sri Wahyuni") && text.contains(&format!("/verifikasi/{}", letter.code)),
            "{text}"
        );
    }
    let track = citizen
        .get(app.url(&format!("/layanan/lacak/{tracking}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(track.contains("data-state=\"delivered\""));
    // Without the tracking code there is no letter.
    assert_eq!(
        citizen
            .get(app.url("/layanan/lacak/ABCDEFGHJKMN/surat.pdf"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    // The verification page: authentic, masked subject; the PDF matches, a tampered one does not.
    let verify = citizen
        .get(app.url(&format!("/verifikasi/{}", letter.code)))
        .send()
        .await
        .unwrap();
    assert_eq!(verify.status(), 200);
    let verify = verify.text().await.unwrap();
    assert!(
        verify.contains("data-authentic=\"true\"")
            && verify.contains(&letter.number)
            && verify.contains("Nglinggis")
    );
    assert!(
        verify.contains("Sr* Wa*****") && !verify.contains("Sri Wahyuni"),
        "{verify}"
    );
    let checked = upload_check(&app, &citizen, &letter.code, bytes.clone()).await;
    assert!(checked.contains("data-match=\"true\""));
    let mut tampered = bytes.clone();
    let at = tampered
        .windows(11)
        .position(|w| w == b"Sri Wahyuni")
        .unwrap_or(tampered.len() / 2);
    tampered[at] ^= 0x20;
    let checked = upload_check(&app, &citizen, &letter.code, tampered).await;
    assert!(checked.contains("data-match=\"false\""));
    let json = app
        .get_json(&format!("/api/v1/layanan/letters/{}", letter.code))
        .await;
    assert_eq!(json["authentic"], true);

    // The citizen confirms receipt: closed. Every step is audited and notified.
    let csrf = app
        .csrf(&citizen, &format!("/layanan/lacak/{tracking}"))
        .await;
    let r = citizen
        .post(app.url(&format!("/layanan/lacak/{tracking}/terima")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let states: Vec<String> =
        sqlx::query_scalar("SELECT to_state FROM desk_events WHERE request_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(
        states,
        [
            "submitted",
            "verified",
            "signed",
            "issued",
            "delivered",
            "closed"
        ]
    );
    for action in [
        "desk.request.submit",
        "desk.request.verify",
        "desk.request.sign",
        "desk.letter.sign",
        "desk.request.issue",
        "desk.request.close",
    ] {
        assert!(app.audit_count(action).await >= 1, "{action}");
    }
    let notices: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE subject LIKE 'Permohonan PD-%'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert!(notices >= 5, "{notices} notices");
}

async fn bad_input_and_forbidden_steps_change_nothing(app: TestApp) {
    let citizen = app.client();
    let page = app.url(&format!("/layanan/s/{DOMISILI}"));
    let csrf = app.csrf(&citizen, &format!("/layanan/s/{DOMISILI}")).await;
    let before = count(&app, "desk_requests").await;
    // A NIK from another regency, no purpose, no contact: every error at once, nothing stored.
    let r = citizen
        .post(&page)
        .form(&[
            ("_csrf", csrf.as_str()),
            ("nama", "Budi"),
            ("nik", "3504051203850001"),
            ("langkah", "kode"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    for field in ["nik", "f_keperluan", "telepon"] {
        assert!(
            html.contains(&format!("data-error=\"{field}\"")),
            "{field}: {html}"
        );
    }
    assert!(html.contains("3503"));
    // A wrong one-time code.
    let r = citizen
        .post(&page)
        .form(&[
            ("_csrf", csrf.as_str()),
            ("nama", "Budi"),
            ("nik", SRI_NIK),
            ("f_keperluan", "x"),
            ("email", "budi@example.id"),
            ("langkah", "kirim"),
            ("kode", "000000"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("data-error=\"kode\""));
    assert_eq!(count(&app, "desk_requests").await, before);
    // English interface.
    let en = anjungan_kernel::http::client()
        .unwrap()
        .build()
        .unwrap()
        .get(app.url(&format!("/layanan/s/{DOMISILI}")))
        .header("cookie", "anj_lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("Service standard") || en.contains("Requirements"));

    let tracking = citizen_submits(&app, &citizen).await;
    let id = request_id(&app, &tracking).await;
    // Another village's secretary and a citizen may not see or act on it.
    let stranger = app.signed_in("operator.kominfo@anjungan.test").await;
    assert_eq!(
        stranger
            .get(app.url(&format!("/layanan/kelola/permohonan/{id}")))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        step(
            &app,
            &app.signed_in("warga@anjungan.test").await,
            id,
            "verify",
            ""
        )
        .await
        .status(),
        403
    );
    // Return without a reason is refused with the reason why; the state stays.
    let sekdes = app.signed_in("sekdes.nglinggis@anjungan.test").await;
    let r = step(&app, &sekdes, id, "return", "  ").await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("data-testid=\"error\""));
    // Signing before verification is not possible, even for the head.
    let kades = app.signed_in("kades.nglinggis@anjungan.test").await;
    assert_eq!(step(&app, &kades, id, "sign", "").await.status(), 422);
    let events = count(&app, "desk_events").await;
    assert_eq!(step(&app, &sekdes, id, "verify", "").await.status(), 303);
    // Once verified the citizen can no longer cancel.
    let csrf = app.csrf(&citizen, "/layanan/pengaduan").await;
    let r = citizen
        .post(app.url(&format!("/layanan/lacak/{tracking}/batal")))
        .form(&[("_csrf", csrf.as_str()), ("konfirmasi", "ya")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    assert_eq!(count(&app, "desk_events").await, events + 1);
    // Unknown tracking codes and letters are 404s, not errors.
    assert_eq!(
        citizen
            .get(app.url("/layanan/lacak/ZZZZZZZZZZZZ"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    // An unknown code is a document that was never registered, said in those words, with the
    // way back; the API says the same in its problem document.
    let r = citizen
        .get(app.url("/verifikasi/TIDAKADA"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let page = r.text().await.unwrap();
    assert!(page.contains("Dokumen tidak terdaftar"), "{page}");
    assert!(page.contains("href=\"/\""), "the way home");
    // Below a programme, the way back leads to its main page.
    let page = citizen
        .get(app.url("/layanan/s/tidak-ada-layanan"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("href=\"/layanan\">← Kembali"), "{page}");
    assert_eq!(
        citizen
            .get(app.url("/layanan/lacak?kode=salah"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

async fn a_return_pauses_the_clock_until_the_citizen_answers(app: TestApp) {
    let citizen = app.client();
    let tracking = citizen_submits(&app, &citizen).await;
    let id = request_id(&app, &tracking).await;
    let token = app.token("sekdes.nglinggis@anjungan.test").await;
    let api = anjungan_kernel::http::client().unwrap().build().unwrap();
    let r = api
        .post(app.url(&format!("/api/v1/layanan/requests/{id}/steps")))
        .bearer_auth(&token)
        .json(&json!({"command": "return", "note": "Lampirkan foto KTP yang jelas"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["state"], "returned");
    let paused: String = sqlx::query_scalar("SELECT paused_since FROM desk_requests WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(!paused.is_empty());
    let track = citizen
        .get(app.url(&format!("/layanan/lacak/{tracking}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(track.contains("Lampirkan foto KTP yang jelas") && track.contains("/perbaiki"));
    let public = app
        .get_json(&format!("/api/v1/layanan/track/{tracking}"))
        .await;
    assert_eq!(public["state"], "returned");
    assert_eq!(public["note"], "Lampirkan foto KTP yang jelas");
    // The citizen answers; the clock runs again.
    let csrf = app
        .csrf(&citizen, &format!("/layanan/lacak/{tracking}"))
        .await;
    let bad = citizen
        .post(app.url(&format!("/layanan/lacak/{tracking}/perbaiki")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let r = citizen
        .post(app.url(&format!("/layanan/lacak/{tracking}/perbaiki")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("f_keperluan", "Melamar kerja (KTP terlampir)"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let row = sqlx::query("SELECT state, paused_since FROM desk_requests WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(row.get::<String, _>("state"), "submitted");
    assert_eq!(row.get::<String, _>("paused_since"), "");
    let detail: Value = api
        .get(app.url(&format!("/api/v1/layanan/requests/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        detail["request"]["answers"]["keperluan"][0],
        "Melamar kerja (KTP terlampir)"
    );
    assert!(
        detail["steps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "verify")
    );
    // Cancel by the citizen is still possible now, and final.
    let r = citizen
        .post(app.url(&format!("/layanan/lacak/{tracking}/batal")))
        .form(&[("_csrf", csrf.as_str()), ("konfirmasi", "ya")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let r = api
        .post(app.url(&format!("/api/v1/layanan/requests/{id}/steps")))
        .bearer_auth(&token)
        .json(&json!({"command": "verify"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
}

async fn staff_requests_registers_and_figures_through_the_api(app: TestApp) {
    let token = app.token("sekdes.nglinggis@anjungan.test").await;
    let api = anjungan_kernel::http::client().unwrap().build().unwrap();
    // A phone request taken by the secretary.
    let r = api
        .post(app.url("/api/v1/layanan/requests"))
        .bearer_auth(&token)
        .json(&json!({"service": DOMISILI, "channel": "phone", "applicant": "Sri Wahyuni", "nik": SRI_NIK,
                      "phone": "081234567891", "answers": {"keperluan": ["Pendaftaran sekolah anak"]}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let done: Value = r.json().await.unwrap();
    assert!(done["number"].as_str().unwrap().starts_with("PD-"));
    // Bad input: every problem listed, nothing stored.
    let before = count(&app, "desk_requests").await;
    let r = api
        .post(app.url("/api/v1/layanan/requests"))
        .bearer_auth(&token)
        .json(&json!({"service": DOMISILI, "channel": "phone", "applicant": "", "nik": "123", "answers": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let problems: Value = r.json().await.unwrap();
    assert_eq!(problems["status"], 422);
    assert!(
        problems["errors"].as_array().unwrap().len() >= 3,
        "{problems}"
    );
    let r = api
        .post(app.url("/api/v1/layanan/requests"))
        .bearer_auth(&token)
        .json(&json!({"service": DOMISILI, "channel": "web", "applicant": "Sri", "nik": SRI_NIK, "answers": {"keperluan": ["x"]}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(count(&app, "desk_requests").await, before);
    // Another unit's service is not the secretary's to submit.
    let r = api
        .post(app.url("/api/v1/layanan/requests"))
        .bearer_auth(&token)
        .json(&json!({"service": "35.03.01.2001.domisili", "channel": "phone", "applicant": "X", "nik": SRI_NIK, "answers": {"keperluan": ["x"]}}))
        .send()
        .await
        .unwrap();
    assert!(r.status() == 403 || r.status() == 404, "{}", r.status());

    // Register import: a bad file is refused whole with its lines; a good one adds.
    let residents = |body: &'static str| {
        api.post(app.url(&format!("/api/v1/layanan/units/{NGLINGGIS}/residents")))
            .bearer_auth(&token)
            .header("content-type", "text/csv")
            .body(body)
            .send()
    };
    let r = residents("nik,kk,nama,tempat_lahir,tanggal_lahir,jenis_kelamin,alamat\n3503051203850009,3503050101090099,Budi,Trenggalek,1985-03-13,L,Jl. A\n").await.unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Value>().await.unwrap()["errors"][0]["line"], 2);
    let r = residents("nik,kk,nama,tempat_lahir,tanggal_lahir,jenis_kelamin,alamat,rt,rw,dusun\n3503051203850009,3503050101090099,Budi Baru,Trenggalek,1985-03-12,L,Jl. A 1,001,002,Krajan\n").await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["added"], 1);
    // Every identifying column is sealed at rest; none names the resident.
    let raw: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT nik, name, birth_date, hamlet FROM desk_residents ORDER BY id DESC LIMIT 1",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    let (nik, name, birth, hamlet) = &raw[0];
    for (column, clear) in [
        (nik, "3503051203850009"),
        (name, "Budi"),
        (birth, "1985"),
        (hamlet, "Krajan"),
    ] {
        assert!(
            column.starts_with("v1.") && !column.contains(clear),
            "{column}"
        );
    }

    // Queue and SLA figures.
    let queue: Value = api
        .get(app.url(&format!(
            "/api/v1/layanan/units/{NGLINGGIS}/requests?status=submitted"
        )))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        queue
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["number"] == done["number"])
    );
    let sla: Value = api
        .get(app.url(&format!("/api/v1/layanan/units/{NGLINGGIS}/sla")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(sla["figures"]["total"].as_u64().unwrap() >= 1);
    assert!(sla["figures"]["by_channel"]["phone"].as_u64().unwrap() >= 1);
    let page = app
        .signed_in("sekdes.nglinggis@anjungan.test")
        .await
        .get(app.url(&format!("/layanan/kelola/{NGLINGGIS}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("data-testid=\"on-time\"") && page.contains("data-testid=\"overdue\""));
    // The unit is reminded before a request falls due, once.
    let reminded =
        anjungan_desk::service::requests::send_reminders(&app.state.db, &app.state.keys, &app.base)
            .await
            .unwrap();
    assert!(reminded >= 1);
    let reminders: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE subject LIKE 'Pengingat: permohonan %'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert!(reminders >= 1);
    assert_eq!(
        anjungan_desk::service::requests::send_reminders(&app.state.db, &app.state.keys, &app.base)
            .await
            .unwrap(),
        0
    );
    // Strangers get nothing.
    let other = app.token("operator.kominfo@anjungan.test").await;
    assert_eq!(
        api.get(app.url(&format!("/api/v1/layanan/units/{NGLINGGIS}/sla")))
            .bearer_auth(&other)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        api.get(app.url(&format!("/api/v1/layanan/units/{NGLINGGIS}/sla")))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    // Public catalogue and the OpenAPI document.
    let services = app
        .get_json(&format!("/api/v1/layanan/services?unit={NGLINGGIS}"))
        .await;
    assert!(services.as_array().unwrap().len() >= 6);
    let openapi = app.get_json("/api/openapi.json").await;
    for path in [
        "/api/v1/layanan/requests",
        "/api/v1/layanan/track/{code}",
        "/api/v1/layanan/units/{org}/sla",
    ] {
        assert!(openapi["paths"].get(path).is_some(), "{path} in OpenAPI");
    }
}

async fn holidays_and_open311_keys_are_admin_settings(app: TestApp) {
    let admin = app.signed_in("admin@anjungan.test").await;
    let page = admin
        .get(app.url("/layanan/admin?tahun=2026"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("2026-08-17") && page.contains("2026-12-25"));
    let csrf = app.csrf(&admin, "/layanan/admin").await;
    let r = admin
        .post(app.url("/layanan/admin/libur"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("tanggal", "2026-03-20"),
            ("nama", "Hari Raya Idul Fitri"),
            ("jenis", "national"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let r = admin
        .post(app.url("/layanan/admin/libur"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("tanggal", "2026-02-30"),
            ("nama", "Salah"),
            ("jenis", "national"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let cal = anjungan_desk::store::calendar(&app.state.db).await.unwrap();
    assert!(!cal.is_working_day(time::macros::date!(2026 - 03 - 20)));
    let r = admin
        .post(app.url("/layanan/admin/kunci-api"))
        .form(&[("_csrf", csrf.as_str()), ("nama", "Aplikasi Desa Digital")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    let key = html
        .split("data-testid=\"new-key\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert!(
        anjungan_desk::store::admin::api_client(&app.state.db, &key)
            .await
            .unwrap()
            .is_some()
    );
    let stored: String = sqlx::query_scalar("SELECT key_hash FROM desk_api_keys")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_ne!(stored, key);
    // The holiday calendar through the API.
    let days = app.get_json("/api/v1/layanan/holidays?year=2026").await;
    assert!(
        days.as_array()
            .unwrap()
            .iter()
            .any(|d| d["day"] == "2026-03-20")
    );
    let admin_token = app.token("admin@anjungan.test").await;
    let api = anjungan_kernel::http::client().unwrap().build().unwrap();
    let r = api
        .put(app.url("/api/v1/layanan/holidays/2026-03-23"))
        .bearer_auth(&admin_token)
        .json(&json!({"name": "Cuti bersama Idul Fitri", "kind": "collective_leave"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = api
        .put(app.url("/api/v1/layanan/holidays/2026-03-24"))
        .bearer_auth(&admin_token)
        .json(&json!({"name": "x", "kind": "libur"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = api
        .delete(app.url("/api/v1/layanan/holidays/2026-03-23"))
        .bearer_auth(&admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let sekdes_token = app.token("sekdes.nglinggis@anjungan.test").await;
    let r = api
        .delete(app.url("/api/v1/layanan/holidays/2026-03-20"))
        .bearer_auth(&sekdes_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Only admins.
    let sekdes = app.signed_in("sekdes.nglinggis@anjungan.test").await;
    assert_eq!(
        sekdes
            .get(app.url("/layanan/admin"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
}

/// The demo's signed letters point their QR code and printed address at the installation's
/// configured base URL, not at a development address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_letters_link_to_the_configured_base_url() {
    const BASE: &str = "https://layanan.trenggalekkab.go.id";
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(app) = TestApp::start_with(backend, |c| c.base_url = BASE.into()).await else {
            continue;
        };
        let (code, sha): (String, String) =
            sqlx::query_as("SELECT code, file_sha FROM desk_letters ORDER BY issued_at LIMIT 1")
                .fetch_one(&app.state.db.pool)
                .await
                .expect("the demo signs letters");
        let file = anjungan_kernel::files::store::get(
            &app.state.db,
            &app.state.config.data_dir,
            &app.state.keys,
            &sha,
        )
        .await
        .unwrap()
        .unwrap();
        if let Some(text) = pdf_text(&file.bytes) {
            assert!(
                text.contains(&format!("{BASE}/verifikasi/{code}")),
                "{backend:?}: {text}"
            );
            assert!(!text.contains("127.0.0.1"), "{backend:?}: {text}");
        }
    }
}

//! The innovation registry end to end, on SQLite and PostgreSQL.

use crate::both_backends;
use crate::support::*;
use serde_json::{Value, json};

both_backends!(
    iid_self_assessment_review_and_index,
    live_evidence_comes_from_the_survey,
    live_evidence_comes_from_petung_dadi,
    catalogue_filters_and_exports,
    an_agency_registers_and_the_coordinator_verifies,
    bad_input_is_refused_and_changes_nothing,
    the_api_runs_the_same_workflow,
    evidence_and_photos_reach_the_public_page,
    bad_evidence_is_refused_and_changes_nothing,
    a_cached_public_page_follows_every_change,
    a_lost_race_is_a_conflict_and_writes_nothing
);

/// Two people act on the same version: the second is told it changed meanwhile (409), and
/// nothing of theirs is written.
async fn a_lost_race_is_a_conflict_and_writes_nothing(app: TestApp) {
    use anjungan_innovation::domain::Status;
    use anjungan_innovation::{service, store};
    let db = &app.state.db;
    let actor = anjungan_kernel::audit::Actor::system("test");
    let id: i64 = sqlx::query_scalar(
        "SELECT id FROM innovations WHERE status = 'verified' ORDER BY id LIMIT 1",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let read = store::get(db, id).await.unwrap().unwrap();
    service::innovations::record_step(
        db,
        &actor,
        &read,
        Status::Draft,
        anjungan_innovation::domain::audit::Step::Reopen,
        "",
    )
    .await
    .unwrap();
    let audits = app.audit_count("innovation.reopen").await;
    let again = service::innovations::record_step(
        db,
        &actor,
        &read,
        Status::Draft,
        anjungan_innovation::domain::audit::Step::Reopen,
        "",
    )
    .await;
    assert!(
        matches!(again, Err(anjungan_kernel::Error::Conflict)),
        "{again:?}"
    );
    let profile = read.profile.clone().unwrap();
    let edit = service::innovations::update(db, &actor, &read, &read.draft, &profile).await;
    assert!(
        matches!(edit, Err(anjungan_kernel::Error::Conflict)),
        "{edit:?}"
    );
    assert_eq!(app.audit_count("innovation.reopen").await, audits);
    let now = store::get(db, id).await.unwrap().unwrap();
    assert_eq!(now.version, read.version + 1);
    let e = anjungan_kernel::web::AppError::from(anjungan_kernel::Error::Conflict);
    assert_eq!(e.status, 409);
}

fn words(n: usize) -> String {
    (0..n)
        .map(|i| format!("kata{i}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn count(html: &str) -> usize {
    html.split("data-testid=\"innovation-count\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn catalogue_filters_and_exports(app: TestApp) {
    let c = app.client();
    let html = c
        .get(app.url("/inovasi"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(count(&html), 12, "verified demo innovations");
    for name in [
        "Petung Dadi",
        "Cilen (Cerita Online)",
        "Lion (Lelang Ikan Online)",
    ] {
        assert!(html.contains(name), "{name} listed");
    }
    assert!(
        !html.contains("Ambulans Desa Siaga") && !html.contains("Akta Lahir dari Puskesmas"),
        "drafts and submissions are not public"
    );
    assert_eq!(
        count(
            &c.get(app.url("/inovasi?q=WhatsApp"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        ),
        2
    );
    assert_eq!(
        count(
            &c.get(app.url("/inovasi?stage=uji_coba"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        ),
        3
    );
    let kominfo = app.org_id("DISKOMINFO").await;
    assert_eq!(
        count(
            &c.get(app.url(&format!("/inovasi?org={kominfo}")))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        ),
        2
    );
    assert_eq!(
        count(
            &c.get(app.url("/inovasi?form=tata_kelola&year=2022"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        ),
        1
    );
    let api: Vec<Value> = c
        .get(app.url("/api/v1/innovations?affair=kelautan_perikanan"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(api.len(), 1);
    assert_eq!(api[0]["profile"]["stage"], "uji_coba");
    assert_eq!(api[0]["profile"]["trial_date"], "2020-06-01");
    let petung: Vec<Value> = c
        .get(app.url("/api/v1/innovations?q=petung"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ready: Vec<bool> = petung[0]["readiness"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["complete"].as_bool().unwrap())
        .collect();
    assert_eq!(
        ready,
        vec![true, true, true, true],
        "Petung Dadi has all four pillars"
    );
    let page = c
        .get(app.url(&format!("/inovasi/{}", petung[0]["id"])))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("data-complete=\"true\"")
            && page.contains("Peraturan Bupati")
            && page.contains("(−96%)")
    );
    // Exports in the national profile's columns.
    let csv = c
        .get(app.url("/inovasi/ekspor/inovasi.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let header = csv.lines().next().unwrap();
    for col in [
        "Nama inovasi",
        "Tahapan",
        "Inisiator",
        "Urusan pemerintahan",
        "Rancang bangun",
        "Tujuan",
        "Manfaat",
        "Hasil",
    ] {
        assert!(header.contains(col), "{col}");
    }
    assert!(csv.contains("Petung Dadi"));
    let xlsx = c
        .get(app.url("/inovasi/ekspor/inovasi.xlsx?stage=penerapan"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&xlsx[..2], b"PK");
    // Hidden profiles answer 404 to the public, not 403 (their existence is not disclosed).
    let draft: i64 = sqlx::query_scalar("SELECT id FROM innovations WHERE status = 'draft'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(
        c.get(app.url(&format!("/inovasi/{draft}")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        c.get(app.url(&format!("/api/v1/innovations/{draft}")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let admin = app.signed_in("admin@anjungan.test").await;
    assert_eq!(
        admin
            .get(app.url(&format!("/inovasi/{draft}")))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

fn profile_form(csrf: &str, design_words: usize) -> Vec<(String, String)> {
    [
        ("_csrf", csrf.to_string()),
        ("name", "Kartu Sehat Digital".into()),
        ("stage", "uji_coba".into()),
        ("initiator", "asn".into()),
        ("kind", "digital".into()),
        ("form", "pelayanan_publik".into()),
        ("affair", "komunikasi_informatika".into()),
        ("trial_date", "2025-02-03".into()),
        ("design", words(design_words)),
        ("goal", "Kartu di ponsel".into()),
        ("benefit", "Tak perlu membawa kartu".into()),
        ("result", "Uji coba di dua puskesmas".into()),
        ("vision", "Misi pelayanan publik yang cepat".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

async fn an_agency_registers_and_the_coordinator_verifies(app: TestApp) {
    let op = app.signed_in("operator.kominfo@anjungan.test").await;
    let kominfo = app.org_id("DISKOMINFO").await;
    let csrf = app.csrf(&op, "/inovasi/baru").await;
    let mut form = profile_form(&csrf, 120);
    form.push(("org".into(), kominfo.to_string()));
    let r = op
        .post(app.url("/inovasi"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "a short design is fine for a draft");
    let path = r.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
    // Submission needs the 300-word design.
    let r = op
        .post(app.url(&format!("{path}/ajukan")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("kurang dari 300 kata"));
    let mut edit = profile_form(&csrf, 300);
    edit.retain(|(k, _)| k != "org");
    assert_eq!(
        op.post(app.url(&format!("{path}/ubah")))
            .form(&edit)
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    let r = op
        .post(app.url(&format!("{path}/mitra")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "Universitas Brawijaya"),
            ("kind", "perguruan_tinggi"),
            ("role", "Evaluasi"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        op.post(app.url(&format!("{path}/ajukan")))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    // Under review: no edits; the agency cannot verify itself; another unit cannot even see it.
    assert_eq!(
        op.post(app.url(&format!("{path}/ubah")))
            .form(&edit)
            .send()
            .await
            .unwrap()
            .status(),
        409
    );
    assert_eq!(
        op.post(app.url(&format!("{path}/verifikasi")))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let sekdes = app.signed_in("sekdes.nglinggis@anjungan.test").await;
    assert_eq!(
        sekdes.get(app.url(&path)).send().await.unwrap().status(),
        404
    );
    // The coordinator returns it with a note, the agency fixes and resubmits, the coordinator verifies.
    let coord = app.signed_in("koordinator@anjungan.test").await;
    let queue = coord
        .get(app.url("/inovasi/kelola"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        queue.contains("data-testid=\"review-queue\"") && queue.contains("Kartu Sehat Digital")
    );
    let ccsrf = app.csrf(&coord, &path).await;
    assert_eq!(
        coord
            .post(app.url(&format!("{path}/kembalikan")))
            .form(&[("_csrf", ccsrf.as_str()), ("note", "  ")])
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    assert_eq!(
        coord
            .post(app.url(&format!("{path}/kembalikan")))
            .form(&[("_csrf", ccsrf.as_str()), ("note", "Tambahkan dasar hukum")])
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    let page = op
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Tambahkan dasar hukum") && page.contains("Dikembalikan"));
    let mut fixed = edit.clone();
    fixed.extend([
        ("regulation_type".to_string(), "keputusan_opd".to_string()),
        ("regulation_number".into(), "12".into()),
        ("regulation_year".into(), "2025".into()),
    ]);
    assert_eq!(
        op.post(app.url(&format!("{path}/ubah")))
            .form(&fixed)
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    assert_eq!(
        op.post(app.url(&format!("{path}/ajukan")))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    assert_eq!(
        coord
            .post(app.url(&format!("{path}/verifikasi")))
            .form(&[("_csrf", ccsrf.as_str())])
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    let public = app
        .client()
        .get(app.url("/inovasi?q=kartu+sehat"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(count(&public), 1, "verified: now in the public catalogue");
    let page = app
        .client()
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Terverifikasi") && page.contains("Universitas Brawijaya"));
    // Every step is a version and an audit entry.
    let versions: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM innovation_versions WHERE innovation_id = $1")
            .bind(id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(
        versions, 7,
        "create, edit, submit, return, edit, submit, verify"
    );
    for a in [
        "innovation.create",
        "innovation.update",
        "innovation.submit",
        "innovation.return",
        "innovation.verify",
        "innovation.partner_add",
    ] {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND record_id = $2",
        )
        .bind(a)
        .bind(id.to_string())
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert!(n >= 1, "{a} audited");
    }
}

async fn bad_input_is_refused_and_changes_nothing(app: TestApp) {
    let op = app.signed_in("operator.kominfo@anjungan.test").await;
    let kominfo = app.org_id("DISKOMINFO").await;
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM innovations")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let csrf = app.csrf(&op, "/inovasi/baru").await;
    let bad = [
        ("_csrf", csrf.as_str()),
        ("org", &kominfo.to_string()),
        ("name", ""),
        ("stage", "penerapan"),
        ("kind", "digital"),
        ("form", "pelayanan_publik"),
        ("affair", "bukan_urusan"),
        ("initiator", "opd"),
        ("trial_date", "2025-13-01"),
        ("sdgs", "99"),
        ("before_minutes", "60"),
    ]
    .map(|(k, v)| (k.to_string(), v.to_string()));
    let r = op
        .post(app.url("/inovasi"))
        .form(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body = r.text().await.unwrap();
    for msg in [
        "Nama wajib diisi",
        "Pilih salah satu",
        "Tanggal tidak valid",
        "Nomor SDGs",
        "Isi nilai sebelum dan sesudah",
        "Tahapan ini memerlukan tanggalnya",
    ] {
        assert!(body.contains(msg), "{msg}");
    }
    assert!(
        body.contains("value=\"60\""),
        "the form keeps what was typed"
    );
    // Registering for another unit is refused.
    let village = app.org_id("35.03.05.2001").await;
    let mut other = profile_form(&csrf, 300);
    other.push(("org".into(), village.to_string()));
    assert_eq!(
        op.post(app.url("/inovasi"))
            .form(&other)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    // Citizens cannot register innovations at all.
    let warga = app.signed_in("warga@anjungan.test").await;
    assert_eq!(
        warga
            .get(app.url("/inovasi/baru"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM innovations")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(after, before);
    // Bad partner input on an own draft.
    let mut ok = profile_form(&csrf, 10);
    ok.push(("org".into(), kominfo.to_string()));
    let r = op.post(app.url("/inovasi")).form(&ok).send().await.unwrap();
    let path = r.headers()["location"].to_str().unwrap().to_string();
    let r = op
        .post(app.url(&format!("{path}/mitra")))
        .form(&[("_csrf", csrf.as_str()), ("name", "X"), ("kind", "alien")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        app.client()
            .get(app.url("/inovasi/abc"))
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    assert_eq!(
        app.client()
            .get(app.url("/inovasi/ekspor/inovasi.pdf"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

async fn the_api_runs_the_same_workflow(app: TestApp) {
    // The anonymous catalogue is cached; a verification shows in it at once.
    let before = count(
        &app.client()
            .get(app.url("/inovasi"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(
        count(
            &app.client()
                .get(app.url("/inovasi"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        ),
        before
    );
    let op = app.token("operator.kominfo@anjungan.test").await;
    let coord = app.token("koordinator@anjungan.test").await;
    let kominfo = app.org_id("DISKOMINFO").await;
    let api = anjungan_kernel::http::client().unwrap().build().unwrap();
    let mut body = json!({"organisation_id": kominfo, "name": "Antrean Daring", "stage": "inisiatif", "initiator": "asn", "kind": "digital",
        "form": "pelayanan_publik", "affair": "komunikasi_informatika", "design": words(310), "goal": "g", "benefit": "b", "result": "r"});
    let r = api
        .post(app.url("/api/v1/innovations"))
        .bearer_auth(&op)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["status"], "draft");
    body["name"] = json!("");
    let r = api
        .post(app.url("/api/v1/innovations"))
        .bearer_auth(&op)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let problem: Value = r.json().await.unwrap();
    assert!(problem["detail"].as_str().unwrap().contains("Nama inovasi"));
    let r = api
        .post(app.url(&format!("/api/v1/innovations/{id}/verify")))
        .bearer_auth(&coord)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409, "a draft cannot be verified");
    let r = api
        .post(app.url(&format!("/api/v1/innovations/{id}/submit")))
        .bearer_auth(&op)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = api
        .post(app.url(&format!("/api/v1/innovations/{id}/return")))
        .bearer_auth(&coord)
        .json(&json!({"note": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = api
        .post(app.url(&format!("/api/v1/innovations/{id}/verify")))
        .bearer_auth(&coord)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "verified");
    let r = api
        .get(app.url(&format!("/api/v1/innovations/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "public once verified");
    let after = count(
        &app.client()
            .get(app.url("/inovasi"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(
        after,
        before + 1,
        "the cached catalogue is rebuilt after a change"
    );
    // Without a token nothing can be created.
    assert_eq!(
        api.post(app.url("/api/v1/innovations"))
            .json(&body)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
}

async fn live_evidence_comes_from_the_survey(app: TestApp) {
    let c = app.client();
    let kominfo = app.org_id("DISKOMINFO").await;
    let petung: Vec<Value> = c
        .get(app.url("/api/v1/innovations?q=petung"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = petung[0]["id"].as_i64().unwrap();
    // The agency's measured satisfaction index is the same figure the survey publishes.
    let survey: Value = c
        .get(app.url(&format!("/api/v1/survey/units/{kominfo}/results")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ikm = survey["result"]["ikm"].as_str().unwrap().to_string();
    assert_eq!(petung[0]["live"][0]["ikm"], ikm.as_str());
    let page = c
        .get(app.url(&format!("/inovasi/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!(
            "data-ikm=\"{ikm}\">{}</strong>",
            ikm.replace('.', ",")
        )),
        "live IKM {ikm} shown with a decimal comma"
    );
    // The owning unit links and unlinks; a unit without a survey cannot be linked; others may not.
    let op = app.signed_in("operator.kominfo@anjungan.test").await;
    let csrf = app.csrf(&op, &format!("/inovasi/{id}")).await;
    let dispenduk = app.org_id("DISPENDUKCAPIL").await;
    let r = op
        .post(app.url(&format!("/inovasi/{id}/tautan")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("unit", dispenduk.to_string().as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let r = op
        .post(app.url(&format!("/inovasi/{id}/tautan")))
        .form(&[("_csrf", csrf.as_str()), ("unit", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = c
        .get(app.url(&format!("/api/v1/innovations/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["live"].as_array().unwrap().len(), 2);
    let r = op
        .post(app.url(&format!("/inovasi/{id}/tautan/{dispenduk}/hapus")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let v: Value = c
        .get(app.url(&format!("/api/v1/innovations/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["live"].as_array().unwrap().len(), 1);
    let sekdes = app.signed_in("sekdes.nglinggis@anjungan.test").await;
    let scsrf = app.csrf(&sekdes, "/dasbor").await;
    let r = sekdes
        .post(app.url(&format!("/inovasi/{id}/tautan/{kominfo}/hapus")))
        .form(&[("_csrf", scsrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(app.audit_count("innovation.link").await >= 1);
}

async fn iid_self_assessment_review_and_index(app: TestApp) {
    let year = anjungan_kernel::clock::to_wib(anjungan_kernel::clock::now_ms()).year() as i64;
    let c = app.client();
    let petung: Vec<Value> = c
        .get(app.url("/api/v1/innovations?q=petung"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = petung[0]["id"].as_i64().unwrap();
    let score = |html: &str| {
        html.split("data-testid=\"iid-score\">")
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .to_string()
    };
    let before = score(
        &c.get(app.url(&format!("/inovasi/{id}/iid")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    let i1: i64 =
        sqlx::query_scalar("SELECT id FROM iid_indicators WHERE year = $1 AND code = 'I1'")
            .bind(year)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    // The agency answers level 1 with a PDF as evidence: back to review, so it stops counting.
    let op = app.signed_in("operator.kominfo@anjungan.test").await;
    let csrf = app.csrf(&op, &format!("/inovasi/{id}/iid")).await;
    let url = app.url(&format!("/inovasi/{id}/iid/{i1}?tahun={year}&_csrf={csrf}"));
    let pdf = b"%PDF-1.4\n%bukti\ntrailer<<>>\n%%EOF\n".to_vec();
    let form = reqwest::multipart::Form::new().text("level", "1").part(
        "file",
        reqwest::multipart::Part::bytes(pdf.clone()).file_name("sk.pdf"),
    );
    assert_eq!(
        op.post(&url).multipart(form).send().await.unwrap().status(),
        303
    );
    let html = op
        .get(app.url(&format!("/inovasi/{id}/iid")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let evidence = format!("/inovasi/{id}/iid/{i1}/bukti");
    assert!(html.contains("data-review=\"pending\"") && html.contains(&evidence));
    // Evidence under review is the agency's and the coordinator's only.
    let r = op.get(app.url(&evidence)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "private, no-store");
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf);
    assert_eq!(
        app.client()
            .get(app.url(&evidence))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let pending = score(&html);
    assert_ne!(pending, before, "a pending answer does not count");
    // A level that does not exist, and answers from another unit, are refused.
    let form = reqwest::multipart::Form::new().text("level", "9");
    assert_eq!(
        op.post(&url).multipart(form).send().await.unwrap().status(),
        400
    );
    let sekdes = app.signed_in("sekdes.nglinggis@anjungan.test").await;
    let scsrf = app.csrf(&sekdes, "/dasbor").await;
    let form = reqwest::multipart::Form::new().text("level", "3");
    assert_eq!(
        sekdes
            .post(app.url(&format!(
                "/inovasi/{id}/iid/{i1}?tahun={year}&_csrf={scsrf}"
            )))
            .multipart(form)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    // Without the CSRF token nothing is recorded.
    let form = reqwest::multipart::Form::new().text("level", "3");
    assert_eq!(
        op.post(app.url(&format!("/inovasi/{id}/iid/{i1}?tahun={year}")))
            .multipart(form)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    // The agency cannot review itself; the coordinator must give a reason to reject.
    let review_url = app.url(&format!("/inovasi/{id}/iid/{i1}/tinjau?tahun={year}"));
    assert_eq!(
        op.post(&review_url)
            .form(&[("_csrf", csrf.as_str()), ("decision", "accepted")])
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let coord = app.signed_in("koordinator@anjungan.test").await;
    let ccsrf = app.csrf(&coord, "/dasbor").await;
    assert_eq!(
        coord
            .post(&review_url)
            .form(&[("_csrf", ccsrf.as_str()), ("decision", "rejected")])
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    assert_eq!(
        coord
            .post(&review_url)
            .form(&[("_csrf", ccsrf.as_str()), ("decision", "accepted")])
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    let html = c
        .get(app.url(&format!("/inovasi/{id}/iid")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let accepted = score(&html);
    // I1 weighs 10 of 100 and level 1 is worth 33: accepted, the score is 3.30 above the pending one.
    let p: f64 = pending.parse().unwrap();
    let a: f64 = accepted.parse().unwrap();
    assert!((a - p - 3.30).abs() < 0.011, "{pending} → {accepted}");
    // The regency index and its category, explained, in the page and the API.
    let api: Value = c
        .get(app.url(&format!("/api/v1/iid/{year}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        api["innovations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == id)
    );
    assert_eq!(api["government_share"], 25);
    let page = c
        .get(app.url("/inovasi/indeks"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!(
        "data-testid=\"iid-index\">{}<",
        api["index"].as_str().unwrap()
    )));
    assert!(page.contains("Sangat Inovatif") || page.contains("Inovatif"));
    assert_eq!(
        c.get(app.url("/api/v1/iid/1900"))
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    // The catalogue is the coordinator's to edit; weights must be sensible.
    assert_eq!(
        op.get(app.url("/inovasi/katalog"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let edit = |w: &str| {
        vec![
            ("_csrf", ccsrf.clone()),
            ("name", "Kecepatan penciptaan inovasi".into()),
            ("weight", w.into()),
            ("e1", "> 9 bulan".into()),
            ("s1", "33".into()),
            ("e2", "5–9 bulan".into()),
            ("s2", "67".into()),
            ("e3", "< 5 bulan".into()),
            ("s3", "100".into()),
        ]
    };
    assert_eq!(
        coord
            .post(app.url(&format!("/inovasi/katalog/{i1}?tahun={year}")))
            .form(&edit("0"))
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    assert_eq!(
        coord
            .post(app.url(&format!("/inovasi/katalog/{i1}?tahun={year}")))
            .form(&edit("20"))
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    let w: i64 = sqlx::query_scalar("SELECT weight FROM iid_indicators WHERE id = $1")
        .bind(i1)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(w, 20);
    assert!(
        app.audit_count("iid.indicator").await >= 1 && app.audit_count("iid.review").await >= 1
    );
}

/// A real 2×2 RGB PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0xfd, 0xd4, 0x9a,
    0x73, 0x00, 0x00, 0x00, 0x13, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x90, 0xaa, 0xf2, 0x02,
    0x22, 0x86, 0x0f, 0x07, 0x0c, 0x80, 0x08, 0x00, 0x20, 0x84, 0x05, 0x7d, 0x6c, 0x2c, 0x20, 0x7f,
    0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];
const PDF: &[u8] = b"%PDF-1.4\n%Perbup 12/2025\ntrailer<<>>\n%%EOF\n";

/// A draft of Dinas Kominfo registered by its operator: (signed-in operator, page path, id).
async fn kominfo_draft(app: &TestApp) -> (reqwest::Client, String, i64) {
    let op = app.signed_in("operator.kominfo@anjungan.test").await;
    let csrf = app.csrf(&op, "/inovasi/baru").await;
    let mut form = profile_form(&csrf, 300);
    form.push(("org".into(), app.org_id("DISKOMINFO").await.to_string()));
    let r = op
        .post(app.url("/inovasi"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let path = r.headers()["location"].to_str().unwrap().to_string();
    let id = path.rsplit('/').next().unwrap().parse().unwrap();
    (op, path, id)
}

/// Posts a multipart evidence form (`dokumen` or `foto`) with the CSRF token in the query.
async fn upload(
    app: &TestApp,
    c: &reqwest::Client,
    csrf: &str,
    path: &str,
    what: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    if let Some((name, bytes)) = file {
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string()),
        );
    }
    c.post(app.url(&format!("{path}/{what}?_csrf={csrf}")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn text(c: &reqwest::Client, url: String) -> String {
    c.get(url).send().await.unwrap().text().await.unwrap()
}

async fn json(c: &reqwest::Client, url: String) -> Value {
    c.get(url).send().await.unwrap().json().await.unwrap()
}

async fn attachments(app: &TestApp, id: i64) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM innovation_documents WHERE innovation_id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn evidence_and_photos_reach_the_public_page(app: TestApp) {
    let (op, path, id) = kominfo_draft(&app).await;
    let csrf = app.csrf(&op, &path).await;
    let r = upload(
        &app,
        &op,
        &csrf,
        &path,
        "dokumen",
        &[
            ("section", "regulation"),
            ("title", "Perbup Nomor 12 Tahun 2025"),
        ],
        Some(("perbup.pdf", PDF)),
    )
    .await;
    assert_eq!(r.status(), 303);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("#dokumen-regulation")
    );
    let r = upload(
        &app,
        &op,
        &csrf,
        &path,
        "foto",
        &[("caption", "Petugas melayani warga di puskesmas")],
        Some(("layanan.png", PNG)),
    )
    .await;
    assert_eq!(r.status(), 303);
    // Evidence is private while the innovation is a draft: the agency fetches it, never a
    // guest, and never by its digest.
    let (doc_id, photo_id): (i64, i64) = sqlx::query_as(
        "SELECT MIN(CASE WHEN kind = 'document' THEN id END), MIN(CASE WHEN kind = 'photo' THEN id END) \
         FROM innovation_documents WHERE innovation_id = $1",
    )
    .bind(id)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let pdf_url = format!("/inovasi/{id}/lampiran/{doc_id}");
    let png_url = format!("/inovasi/{id}/lampiran/{photo_id}");
    let r = op.get(app.url(&pdf_url)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "private, no-store");
    for url in [
        pdf_url.clone(),
        png_url.clone(),
        format!("/berkas/{}", anjungan_kernel::crypto::sha256_hex(PDF)),
        format!("/berkas/{}", anjungan_kernel::crypto::sha256_hex(PNG)),
    ] {
        assert_eq!(
            app.client()
                .get(app.url(&url))
                .send()
                .await
                .unwrap()
                .status(),
            404,
            "{url}"
        );
    }
    // The agency submits, the coordinator verifies: the public sees photo and document.
    op.post(app.url(&format!("{path}/mitra")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "Puskesmas Trenggalek"),
            ("kind", "pemerintah"),
        ])
        .send()
        .await
        .unwrap();
    let r = op
        .post(app.url(&format!("{path}/ajukan")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let coord = app.signed_in("koordinator@anjungan.test").await;
    let ccsrf = app.csrf(&coord, &path).await;
    let r = coord
        .post(app.url(&format!("{path}/verifikasi")))
        .form(&[("_csrf", ccsrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let visitor = app.client();
    let page = text(&visitor, app.url(&path)).await;
    let regulation = page
        .split("data-section=\"regulation\"")
        .nth(1)
        .unwrap()
        .split("</div>")
        .next()
        .unwrap();
    assert!(
        regulation.contains(&format!("href=\"{pdf_url}\""))
            && regulation.contains("Perbup Nomor 12 Tahun 2025"),
        "the document is listed under its pillar"
    );
    assert!(page.contains(&format!(
        "<img src=\"{png_url}\" alt=\"Petugas melayani warga di puskesmas\" loading=\"lazy\""
    )));
    assert!(
        page.contains("data-evidence=\"1\""),
        "readiness shows the evidence"
    );
    assert!(
        !page.contains("enctype=\"multipart/form-data\"") && !page.contains("<script"),
        "no upload forms for the public, no JavaScript"
    );
    // Light: well under 60 KB compressed (images excluded).
    let gz = visitor
        .get(app.url(&path))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    assert!(gz.bytes().await.unwrap().len() < 60 * 1024);
    // The files download with the same bytes and their checked types.
    for (url, bytes, mime) in [
        (&pdf_url, PDF, "application/pdf"),
        (&png_url, PNG, "image/png"),
    ] {
        let r = visitor.get(app.url(url)).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], mime);
        assert_eq!(r.headers()["cache-control"], "public, max-age=300");
        assert_eq!(&r.bytes().await.unwrap()[..], bytes);
    }
    // The API describes them.
    let api = json(&visitor, app.url(&format!("/api/v1/innovations/{id}"))).await;
    assert_eq!(api["documents"].as_array().unwrap().len(), 1);
    assert_eq!(api["documents"][0]["section"], "regulation");
    assert_eq!(api["documents"][0]["title"], "Perbup Nomor 12 Tahun 2025");
    assert_eq!(api["documents"][0]["url"], pdf_url.as_str());
    assert_eq!(api["documents"][0]["mime"], "application/pdf");
    assert_eq!(
        api["photos"][0]["caption"],
        "Petugas melayani warga di puskesmas"
    );
    assert_eq!(api["photos"][0]["url"], png_url.as_str());
    assert_eq!(api["readiness"][1]["pillar"], "regulation");
    assert_eq!(api["readiness"][1]["documents"], 1);
    // Verified: not editable, so no evidence changes even by the agency; other people never.
    let before = attachments(&app, id).await;
    let doc = [("section", "vision"), ("title", "Renstra")];
    let r = upload(
        &app,
        &op,
        &csrf,
        &path,
        "dokumen",
        &doc,
        Some(("r.pdf", PDF)),
    )
    .await;
    assert_eq!(r.status(), 409);
    let sekdes = app.signed_in("sekdes.nglinggis@anjungan.test").await;
    let scsrf = app.csrf(&sekdes, "/dasbor").await;
    let r = upload(
        &app,
        &sekdes,
        &scsrf,
        &path,
        "dokumen",
        &doc,
        Some(("r.pdf", PDF)),
    )
    .await;
    assert_eq!(r.status(), 403, "another unit");
    let photo_id: i64 = api["photos"][0]["id"].as_i64().unwrap();
    let r = sekdes
        .post(app.url(&format!("{path}/foto/{photo_id}/hapus")))
        .form(&[("_csrf", scsrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = upload(
        &app,
        &coord,
        &ccsrf,
        &path,
        "dokumen",
        &doc,
        Some(("r.pdf", PDF)),
    )
    .await;
    assert_eq!(
        r.status(),
        403,
        "the coordinator verifies, it does not file evidence"
    );
    assert_eq!(attachments(&app, id).await, before);
    // Reopened, the agency removes both; each removal is audited and disappears from page and API.
    let r = op
        .post(app.url(&format!("{path}/buka")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let doc_id = api["documents"][0]["id"].as_i64().unwrap();
    let wrong = op
        .post(app.url(&format!("{path}/foto/{doc_id}/hapus")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 404, "a document is not removed as a photo");
    for (what, att) in [("dokumen", doc_id), ("foto", photo_id)] {
        let r = op
            .post(app.url(&format!("{path}/{what}/{att}/hapus")))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
    }
    assert_eq!(attachments(&app, id).await, 0);
    for action in [
        "innovation.document_add",
        "innovation.photo_add",
        "innovation.document_remove",
        "innovation.photo_remove",
    ] {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND record_id = $2",
        )
        .bind(action)
        .bind(id.to_string())
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!(n, 1, "{action} audited once");
    }
    let page = text(&op, app.url(&path)).await;
    assert!(!page.contains(&pdf_url) && !page.contains(&png_url));
    let api = json(&op, app.url(&format!("/api/v1/innovations/{id}"))).await;
    assert!(api["documents"].as_array().unwrap().is_empty());
    assert!(api["photos"].as_array().unwrap().is_empty());
}

/// A refused upload: form (`dokumen`/`foto`), text fields, file, status, message.
type Refused<'a> = (
    &'a str,
    Vec<(&'a str, &'a str)>,
    Option<(&'a str, &'a [u8])>,
    u16,
    &'a str,
);

async fn bad_evidence_is_refused_and_changes_nothing(app: TestApp) {
    let (op, path, id) = kominfo_draft(&app).await;
    let csrf = app.csrf(&op, &path).await;
    let files = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM files")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
    };
    let files_before = files().await;
    let html = b"<!doctype html><script>alert(1)</script>".as_slice();
    let gif = b"GIF89a\x02\x00\x02\x00\x00\x00\x00;".as_slice();
    let big = vec![b'%'; 10 * 1024 * 1024 + 1];
    let cases: [Refused; 8] = [
        (
            "foto",
            vec![("caption", "Palsu")],
            Some(("foto.png", html)),
            415,
            "Jenis berkas ini tidak diterima",
        ),
        (
            "foto",
            vec![("caption", "Animasi")],
            Some(("a.gif", gif)),
            415,
            "Foto harus berupa gambar PNG, JPEG, atau WebP",
        ),
        (
            "foto",
            vec![("caption", "Dokumen")],
            Some(("a.pdf", PDF)),
            415,
            "Foto harus berupa gambar PNG, JPEG, atau WebP",
        ),
        (
            "foto",
            vec![("caption", "  ")],
            Some(("a.png", PNG)),
            400,
            "Judul atau keterangan wajib diisi",
        ),
        (
            "dokumen",
            vec![("section", "design"), ("title", "SK")],
            Some(("sk.pdf", PDF)),
            400,
            "Bagian metode Bupati tidak dikenal",
        ),
        (
            "dokumen",
            vec![("section", "vision"), ("title", "")],
            Some(("sk.pdf", PDF)),
            400,
            "Judul atau keterangan wajib diisi",
        ),
        (
            "dokumen",
            vec![("section", "vision"), ("title", "SK")],
            None,
            400,
            "Berkas kosong",
        ),
        (
            "dokumen",
            vec![("section", "vision"), ("title", "SK")],
            Some(("big.pdf", &big)),
            413,
            "Berkas terlalu besar",
        ),
    ];
    for (what, fields, file, status, message) in cases {
        let r = upload(&app, &op, &csrf, &path, what, &fields, file).await;
        assert_eq!(r.status(), status, "{what} {fields:?}");
        assert!(r.text().await.unwrap().contains(message), "{message}");
    }
    // Without the CSRF token nothing is recorded either.
    let r = upload(
        &app,
        &op,
        "",
        &path,
        "foto",
        &[("caption", "X")],
        Some(("a.png", PNG)),
    )
    .await;
    assert_eq!(r.status(), 403);
    assert_eq!(attachments(&app, id).await, 0);
    assert_eq!(files().await, files_before, "no file stored");
    // Another unit does not even see the draft; the coordinator sees it but may not attach.
    let sekdes = app.signed_in("sekdes.nglinggis@anjungan.test").await;
    let scsrf = app.csrf(&sekdes, "/dasbor").await;
    let photo = [("caption", "Foto")];
    let r = upload(
        &app,
        &sekdes,
        &scsrf,
        &path,
        "foto",
        &photo,
        Some(("a.png", PNG)),
    )
    .await;
    assert_eq!(r.status(), 404);
    let coord = app.signed_in("koordinator@anjungan.test").await;
    let ccsrf = app.csrf(&coord, &path).await;
    let r = upload(
        &app,
        &coord,
        &ccsrf,
        &path,
        "foto",
        &photo,
        Some(("a.png", PNG)),
    )
    .await;
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("tidak berwenang"));
    // Six photos, then the seventh is refused with the limit in the message.
    for n in 1..=6 {
        let caption = format!("Foto {n}");
        let r = upload(
            &app,
            &op,
            &csrf,
            &path,
            "foto",
            &[("caption", &caption)],
            Some(("a.png", PNG)),
        )
        .await;
        assert_eq!(r.status(), 303, "photo {n}");
    }
    let r = upload(
        &app,
        &op,
        &csrf,
        &path,
        "foto",
        &[("caption", "Foto 7")],
        Some(("a.png", PNG)),
    )
    .await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("Paling banyak 6 foto"));
    assert_eq!(attachments(&app, id).await, 6);
    let page = text(&op, app.url(&path)).await;
    assert_eq!(page.matches("loading=\"lazy\"").count(), 6);
    assert!(
        !page.contains("id=\"photo-file\""),
        "no upload form once the limit is reached"
    );
    assert_eq!(app.audit_count("innovation.photo_add").await, 6);
}

/// Anonymous innovation pages are cached, yet a change is visible on the next request.
async fn a_cached_public_page_follows_every_change(app: TestApp) {
    let kominfo = app.org_id("DISKOMINFO").await;
    let list = app.get_json("/api/v1/innovations").await;
    let id = list
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["organisation_id"] == kominfo)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let page = format!("/inovasi/{id}");
    let anon = app.client();
    for _ in 0..2 {
        assert_eq!(anon.get(app.url(&page)).send().await.unwrap().status(), 200);
    }
    // The owner reopens it for editing: no longer public, at once.
    let op = app.signed_in("operator.kominfo@anjungan.test").await;
    let csrf = app.csrf(&op, &page).await;
    let r = op
        .post(app.url(&format!("/inovasi/{id}/buka")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(anon.get(app.url(&page)).send().await.unwrap().status(), 404);
}

/// An innovation linked to Petung Dadi services shows what the desk measured for each (the
/// same figures as the unit's desk), beside the unit's satisfaction index; its owner links and
/// unlinks services, and nobody links a service that does not exist.
async fn live_evidence_comes_from_petung_dadi(app: TestApp) {
    let c = app.client();
    let petung: Vec<Value> = c
        .get(app.url("/api/v1/innovations?q=petung"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = petung[0]["id"].as_i64().unwrap();
    let services = petung[0]["live_services"].as_array().unwrap();
    assert_eq!(services.len(), 3, "the demo links three village letters");
    let domisili = anjungan_desk::store::services::by_code(&app.state.db, crate::desk::DOMISILI)
        .await
        .unwrap()
        .unwrap();
    let (_, figures) =
        anjungan_desk::service::catalogue::service_figures(&app.state.db, domisili.id)
            .await
            .unwrap()
            .unwrap();
    assert!(figures.total > 0);
    let d = services
        .iter()
        .find(|s| s["target_id"] == domisili.id)
        .expect("the domicile letter is linked");
    assert_eq!(d["requests"], figures.total);
    assert_eq!(d["open"], figures.open);
    assert_eq!(
        d["on_time_percent"].as_str(),
        figures.on_time_pct.map(|p| format!("{p:.1}")).as_deref()
    );
    assert_eq!(d["url"], format!("/layanan/s/{}", crate::desk::DOMISILI));
    let nglinggis = app.org_id(crate::desk::NGLINGGIS).await;
    assert_eq!(
        d["unit_ikm"]["target_id"], nglinggis,
        "the unit's own index beside it"
    );
    let page = app.page(&c, &format!("/inovasi/{id}")).await;
    assert!(
        page.contains(&format!(
            "data-live=\"desk_service\" data-service=\"{}\"",
            domisili.id
        )) && page.contains(&format!("data-requests=\"{}\"", figures.total)),
        "{page}"
    );
    assert!(!page.contains("belum tersedia"));
    // A new request moves the figure.
    crate::desk::citizen_submits(&app, &app.client()).await;
    let v: Value = app.get_json(&format!("/api/v1/innovations/{id}")).await;
    let d = v["live_services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["target_id"] == domisili.id)
        .unwrap()
        .clone();
    assert_eq!(d["requests"], figures.total + 1);
    // The owner unlinks and links again; a made-up service is refused; a stranger may not.
    let op = app.signed_in("operator.kominfo@anjungan.test").await;
    let at = format!("/inovasi/{id}");
    let r = app
        .post_form(
            &op,
            &at,
            &format!("/inovasi/{id}/tautan-layanan/{}/hapus", domisili.id),
            &[],
        )
        .await;
    assert_eq!(r.status(), 303);
    let v: Value = app.get_json(&format!("/api/v1/innovations/{id}")).await;
    assert_eq!(v["live_services"].as_array().unwrap().len(), 2);
    let r = app
        .post_form(
            &op,
            &at,
            &format!("/inovasi/{id}/tautan"),
            &[("layanan", "999999")],
        )
        .await;
    assert_eq!(r.status(), 400);
    let page = app.page(&op, &at).await;
    assert!(
        page.contains("name=\"layanan\""),
        "the owner gets the service picker"
    );
    let r = app
        .post_form(
            &op,
            &at,
            &format!("/inovasi/{id}/tautan"),
            &[("layanan", &domisili.id.to_string())],
        )
        .await;
    assert_eq!(r.status(), 303);
    let v: Value = app.get_json(&format!("/api/v1/innovations/{id}")).await;
    assert_eq!(v["live_services"].as_array().unwrap().len(), 3);
    let stranger = app.signed_in("sekdes.nglinggis@anjungan.test").await;
    let r = app
        .post_form(
            &stranger,
            &at,
            &format!("/inovasi/{id}/tautan-layanan/{}/hapus", domisili.id),
            &[],
        )
        .await;
    assert_eq!(r.status(), 403);
}

/// In a real browser on a phone, on both databases: a visitor opens the Petung Dadi innovation
/// and reads what the desk measured for the village's letters beside the unit's IKM; the owner
/// links another service from the same page.
async fn live_evidence_in_a_browser(backend: Backend) {
    use crate::browser::{Browser, click, expect, sign_in, wait_text};
    let Some(browser) = Browser::start().await else {
        return;
    };
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let id: i64 =
        sqlx::query_scalar("SELECT id FROM innovations WHERE name LIKE 'Petung Dadi%' LIMIT 1")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let skck = anjungan_desk::store::services::by_code(
        &app.state.db,
        &format!("{}.skck", crate::desk::NGLINGGIS),
    )
    .await
    .unwrap()
    .unwrap();
    let base = app.base.clone();
    browser
        .journey("live_evidence_in_a_browser", |c| async move {
            let err = |e: fantoccini::error::CmdError| e.to_string();
            c.goto(&format!("{base}/inovasi/{id}#bukti"))
                .await
                .map_err(err)?;
            let card = wait_text(&c, "[data-live=desk_service]", "Surat Keterangan").await?;
            expect(
                card.contains("Permohonan") && card.contains("Selesai tepat waktu"),
                &format!("the desk's figures: {card}"),
            )?;
            let services = c
                .find_all(fantoccini::Locator::Css("[data-live=desk_service]"))
                .await
                .map_err(err)?
                .len();
            sign_in(&c, &base, "operator.kominfo@anjungan.test").await?;
            c.goto(&format!("{base}/inovasi/{id}#bukti"))
                .await
                .map_err(err)?;
            c.find(fantoccini::Locator::Css("#layanan"))
                .await
                .map_err(err)?
                .select_by_value(&skck.id.to_string())
                .await
                .map_err(err)?;
            click(&c, "form:has(#layanan) button[type=submit]").await?;
            wait_text(
                &c,
                &format!("[data-service='{}']", skck.id),
                "Surat Pengantar SKCK",
            )
            .await?;
            let now = c
                .find_all(fantoccini::Locator::Css("[data-live=desk_service]"))
                .await
                .map_err(err)?
                .len();
            expect(
                now == services + 1,
                &format!("{services} linked, then {now}"),
            )?;
            Ok(())
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_evidence_in_a_browser_sqlite() {
    live_evidence_in_a_browser(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_evidence_in_a_browser_postgres() {
    live_evidence_in_a_browser(Backend::Postgres).await;
}

//! The satisfaction survey end to end, on SQLite and PostgreSQL.

use crate::both_backends;
use crate::support::*;
use anjungan_survey::domain::{Score, Tally};
use serde_json::{Value, json};
use sqlx::Row;

const NGLINGGIS: &str = "35.03.05.2001";

both_backends!(
    index_page_and_api_match_a_recomputation_from_raw_answers,
    online_form_records_answers_and_refuses_bad_input,
    kiosk_submissions_are_idempotent,
    invitation_links_work_once,
    only_a_units_staff_see_its_dashboard_and_exports,
    small_groups_are_hidden_and_exports_carry_no_profile,
    follow_up_and_served_counts,
    element_scores_and_the_regulation_table_are_rounded_once,
    no_two_published_figures_differ_by_a_small_group,
    unknown_elements_are_refused_in_words,
);

/// Posts one questionnaire through the kiosk API.
async fn post_form(app: &TestApp, id: i64, key: &str, answers: [u8; 9], profile: Value) {
    let mut body = json!({"client_key": key, "answers": {}});
    for (i, a) in answers.iter().enumerate() {
        body["answers"][format!("U{}", i + 1)] = json!(a);
    }
    for (k, v) in profile.as_object().unwrap() {
        body[k] = v.clone();
    }
    let r = anjungan_kernel::http::client()
        .unwrap()
        .build()
        .unwrap()
        .post(app.url(&format!("/api/v1/survey/units/{id}/responses")))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
}

async fn element_scores_and_the_regulation_table_are_rounded_once(app: TestApp) {
    // U2 = 25/8 = 3.125: its score is 78.125 exactly, which is 78.13 rounded half up.
    let id = enable_fresh_unit(&app, "35.03.01.2002").await;
    for i in 0..8 {
        let u2 = if i == 0 { 4 } else { 3 };
        post_form(
            &app,
            id,
            &format!("r{i}"),
            [4, u2, 4, 4, 4, 4, 4, 4, 4],
            json!({}),
        )
        .await;
    }
    let admin = app.signed_in("admin@anjungan.test").await;
    let get = |path: String| {
        let admin = admin.clone();
        let url = app.url(&path);
        async move { admin.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let csv = get(format!("/ikm/kelola/{id}/unduh/hasil.csv")).await;
    let u2 = csv.lines().find(|l| l.contains("U2 ")).unwrap();
    assert!(u2.contains(",3.125,78.13,0.3472,B"), "{u2}");
    assert!(csv.contains(",3.9028,"), "Σ NRR/9 = 35.125/9: {csv}");
    // 97.57 from the exact index, without a grade from eight forms.
    let ikm = csv.lines().find(|l| l.contains("97.57")).unwrap();
    assert!(
        ikm.contains("97.57") && ikm.contains("sampel belum memadai (8 dari 30)"),
        "{ikm}"
    );
    let html = get(format!("/ikm/kelola/{id}")).await;
    let table = html
        .split("data-testid=\"ikm-table-regulation\"")
        .nth(1)
        .unwrap()
        .split("</table>")
        .next()
        .unwrap();
    for want in [
        "data-score=\"78.13\">78,13<",
        "3,125",
        "0,3472",
        "data-testid=\"weighted-sum\">3,9028<",
        "data-testid=\"ikm-from-table\">97,57<",
    ] {
        assert!(table.contains(want), "{want} in {table}");
    }
    assert!(
        html.contains("data-testid=\"unit-grade\">sampel belum memadai (8 dari 30)"),
        "no grade badge on a short sample"
    );
    // With 8 served, eight forms are the whole population: graded.
    let csrf = app.csrf(&admin, &format!("/ikm/kelola/{id}")).await;
    let period = anjungan_survey::domain::Period::year_of(anjungan_kernel::clock::now_ms()).key();
    let r = admin
        .post(app.url(&format!("/ikm/kelola/{id}/dilayani")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("period", &period),
            ("served", "8"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let api: Value = anjungan_kernel::http::client()
        .unwrap()
        .build()
        .unwrap()
        .get(app.url(&format!("/api/v1/survey/units/{id}/results")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(api["result"]["grade"], "A", "{api}");
    assert_eq!(api["result"]["scores"]["U2"], "78.13");
    assert_eq!(api["result"]["sample"]["adequate"], true);
    // The public NRR chart colours U2's bar by its exact score, 78.13: grade B.
    let page = anjungan_kernel::http::client()
        .unwrap()
        .build()
        .unwrap()
        .get(app.url(&format!("/ikm/unit/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let u2_bar = page.split("<rect").nth(2).unwrap();
    assert!(u2_bar.contains("class=\"gb\""), "{u2_bar}");
    // The printed report carries the same table.
    let bytes = admin
        .get(app.url(&format!("/ikm/kelola/{id}/unduh/laporan.pdf")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("laporan.pdf");
    std::fs::write(&file, &bytes).unwrap();
    match std::process::Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
    {
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stdout);
            for want in [
                "Jumlah NRR tertimbang | 3.9028",
                "3.125 | 78.13 | 0.3472 | B",
                "97.57",
            ] {
                assert!(text.contains(want), "report contains {want}: {text}");
            }
        }
        Err(_) => assert!(!ci(), "pdftotext (poppler-utils) is needed under CI"),
    }
}

/// Whether a sent form is in a group.
type Member = Box<dyn Fn(&Sent) -> bool>;

/// One inserted form's profile, as the disclosure check sees it.
struct Sent {
    sex: Option<&'static str>,
    age: Option<i64>,
    education: Option<&'static str>,
}

async fn no_two_published_figures_differ_by_a_small_group(app: TestApp) {
    use anjungan_survey::domain::disclosure::band_of;
    // The reviewers' case: 11 forms, 10 aged 30, one without an age.
    let id = enable_fresh_unit(&app, "35.03.01.2005").await;
    for i in 0..11 {
        let age = if i < 10 {
            json!({"age": 30})
        } else {
            json!({})
        };
        post_form(&app, id, &format!("a{i}"), [3; 9], age).await;
    }
    let api = |q: String| {
        let url = app.url(&format!("/api/v1/survey/units/{id}/results{q}"));
        async move {
            anjungan_kernel::http::client()
                .unwrap()
                .build()
                .unwrap()
                .get(url)
                .send()
                .await
                .unwrap()
        }
    };
    let r: Value = api("?age=25-34".into()).await.json().await.unwrap();
    assert_eq!(
        r["segment_withheld"], true,
        "total − band = the one without an age"
    );
    // Arbitrary ranges and combinations are refused with a reason, not answered.
    let r = api("?age_min=15&age_max=100".into()).await;
    assert_eq!(r.status(), 400);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Umur dipilih per kelompok")
    );
    let r = api("?sex=P&education=s1".into()).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("Pilih satu kelompok saja"));

    // A varied unit: every pair of figures the API publishes is checked.
    let id = enable_fresh_unit(&app, "35.03.01.2006").await;
    let sexes = [Some("L"), Some("P"), Some("P"), None];
    let ages = [Some(20), Some(30), Some(30), Some(47), None, Some(70)];
    let edus = [Some("s1"), Some("sma"), Some("sma"), Some("sd"), None];
    let mut sent = Vec::new();
    for i in 0..37usize {
        let f = Sent {
            sex: sexes[i * 7 % sexes.len()],
            age: ages[i * 5 % ages.len()],
            education: edus[i * 3 % edus.len()],
        };
        let mut p = json!({});
        if let Some(s) = f.sex {
            p["sex"] = json!(s);
        }
        if let Some(a) = f.age {
            p["age"] = json!(a);
        }
        if let Some(e) = f.education {
            p["education"] = json!(e);
        }
        post_form(&app, id, &format!("v{i}"), [(i % 4 + 1) as u8; 9], p).await;
        sent.push(f);
    }
    let api = |q: String| {
        let url = app.url(&format!("/api/v1/survey/units/{id}/results{q}"));
        async move {
            anjungan_kernel::http::client()
                .unwrap()
                .build()
                .unwrap()
                .get(url)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    // (label, the forms in it) for the total and each group the API shows.
    let mut published: Vec<(String, Vec<bool>)> = vec![("total".into(), vec![true; sent.len()])];
    let mut queries: Vec<(String, Member)> = Vec::new();
    for s in ["L", "P"] {
        queries.push((
            format!("?sex={s}"),
            Box::new(move |f: &Sent| f.sex == Some(s)),
        ));
    }
    for (_, _, band) in anjungan_survey::domain::AGE_BANDS {
        let q = format!("?age={}", band.replace('–', "-").replace('+', "%2B"));
        queries.push((
            q,
            Box::new(move |f: &Sent| f.age.and_then(band_of) == Some(*band)),
        ));
    }
    for e in ["sd", "sma", "s1"] {
        queries.push((
            format!("?education={e}"),
            Box::new(move |f: &Sent| f.education == Some(e)),
        ));
    }
    let mut withheld = 0;
    for (q, member) in &queries {
        let r = api(q.clone()).await;
        let set: Vec<bool> = sent.iter().map(member).collect();
        let n = set.iter().filter(|b| **b).count() as i64;
        if r["segment_withheld"] == true {
            withheld += 1;
            continue;
        }
        assert_eq!(r["result"]["responses"], n, "{q}: {r}");
        if n > 0 {
            assert!(n >= 5, "{q} shows {n} forms");
            published.push((q.clone(), set));
        }
    }
    assert!(
        withheld > 0 && published.len() > 3,
        "the data exercises both outcomes"
    );
    for (a, ma) in &published {
        for (b, mb) in &published {
            let inside = mb.iter().zip(ma).all(|(x, y)| !*x || *y);
            let diff =
                ma.iter().filter(|x| **x).count() as i64 - mb.iter().filter(|x| **x).count() as i64;
            assert!(
                a == b || !inside || diff == 0 || diff >= 5,
                "{a} − {b} isolates {diff} forms"
            );
        }
    }
    // The dashboard's profile table shows a count only for published groups.
    let admin = app.signed_in("admin@anjungan.test").await;
    let html = admin
        .get(app.url(&format!("/ikm/kelola/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Tidak diisi"), "the not-given group is a row");
}

async fn unknown_elements_are_refused_in_words(app: TestApp) {
    let id = enable_fresh_unit(&app, "35.03.01.2001").await;
    let r = anjungan_kernel::http::client()
        .unwrap()
        .build()
        .unwrap()
        .post(app.url(&format!("/api/v1/survey/units/{id}/responses")))
        .json(&json!({"client_key": "x1", "answers": {"U10": 4}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body = r.text().await.unwrap();
    let problem: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(problem["code"], "survey.error.element");
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("Unsur tidak dikenal")),
        "{body}"
    );
}

/// Every unit's IKM recomputed with the domain formula from the raw rows (not the rollups).
async fn raw_ikm(app: &TestApp, org_id: i64, period: &str) -> Option<String> {
    let (from, to) = anjungan_survey::domain::Period::parse(period)
        .unwrap()
        .bounds();
    let rows = sqlx::query("SELECT u1, u2, u3, u4, u5, u6, u7, u8, u9 FROM survey_responses WHERE org_id = $1 AND submitted_at >= $2 AND submitted_at < $3")
        .bind(org_id)
        .bind(from)
        .bind(to)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    let mut t = Tally::default();
    for r in rows {
        let a: [Option<Score>; 9] =
            std::array::from_fn(|i| r.get::<Option<i64>, _>(i).and_then(|v| Score::new(v as u8)));
        t.add(&a);
    }
    t.compute().ikm.map(|i| i.dotted())
}

fn attr_pairs(html: &str) -> Vec<(String, String, Option<String>)> {
    // (unit, ikm, grade) from data attributes on the public index; no grade on a short sample
    html.split("data-unit=\"")
        .skip(1)
        .map(|s| {
            let unit = s.split('"').next().unwrap().to_string();
            let ikm = s
                .split("data-ikm=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_string();
            let tag = s.split('>').next().unwrap();
            let grade = tag
                .split("data-grade=\"")
                .nth(1)
                .map(|g| g.split('"').next().unwrap().to_string());
            (unit, ikm, grade)
        })
        .collect()
}

async fn index_page_and_api_match_a_recomputation_from_raw_answers(app: TestApp) {
    let year = anjungan_survey::domain::Period::year_of(anjungan_kernel::clock::now_ms()).key();
    let c = app.client();
    let html = c
        .get(app.url("/ikm"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let shown = attr_pairs(&html);
    assert!(shown.len() >= 7, "demo units listed: {shown:?}");
    let grades: std::collections::BTreeSet<&str> =
        shown.iter().filter_map(|s| s.2.as_deref()).collect();
    assert!(
        grades.len() >= 3,
        "the demo shows several grades: {grades:?}"
    );
    let api: Value = c
        .get(app.url("/api/v1/survey/units"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(api["period"], year);
    for (unit, ikm, grade) in &shown {
        let id: i64 = unit.parse().unwrap();
        assert_eq!(
            raw_ikm(&app, id, &year).await.as_deref(),
            Some(ikm.as_str()),
            "unit {id}"
        );
        let entry = api["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["org_id"] == id)
            .unwrap();
        assert_eq!(entry["ikm"], ikm.as_str());
        let sample = &entry["sample"];
        let adequate = sample["responses"].as_i64() >= sample["needed"].as_i64();
        assert_eq!(sample["adequate"], adequate, "unit {id}: {sample}");
        let Some(grade) = grade else {
            // A short sample shows the index, says so, and carries no grade; nor do its parts.
            assert!(!adequate && entry["grade"].is_null(), "unit {id}: {entry}");
            let r: Value = c
                .get(app.url(&format!("/api/v1/survey/units/{id}/results?sex=P")))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert!(
                r["result"]["ikm"].is_string() && r["result"]["grade"].is_null(),
                "{r}"
            );
            for s in r["services"].as_array().unwrap() {
                assert!(s["grade"].is_null(), "{s}");
            }
            continue;
        };
        assert!(adequate, "unit {id}: {sample}");
        assert_eq!(entry["grade"], grade.as_str());
        let expected = match ikm.replace('.', "").parse::<u32>().unwrap() {
            8831.. => "A",
            7661.. => "B",
            6500.. => "C",
            _ => "D",
        };
        assert_eq!(grade, expected);
    }
    // The demo's archives and library have many served and few forms: index, no grade, and why.
    assert!(
        shown.iter().any(|s| s.2.is_none()),
        "one demo unit has a short sample"
    );
    assert!(
        html.contains("sampel belum memadai ("),
        "the index page says why"
    );
    // Quarter and custom periods agree with the raw rows too, and bad periods are refused.
    let q = anjungan_survey::domain::Period::quarter_of(anjungan_kernel::clock::now_ms())
        .previous()
        .key();
    let village = app.org_id(NGLINGGIS).await;
    let r: Value = c
        .get(app.url(&format!(
            "/api/v1/survey/units/{village}/results?period={q}"
        )))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        r["result"]["ikm"].as_str(),
        raw_ikm(&app, village, &q).await.as_deref()
    );
    assert_eq!(
        c.get(app.url("/api/v1/survey/units?period=2025-Q9"))
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    let r = c.get(app.url("/ikm?periode=kemarin")).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("Periode tidak valid"));
}

async fn enable_fresh_unit(app: &TestApp, code: &str) -> i64 {
    let admin = app.signed_in("admin@anjungan.test").await;
    let csrf = app.csrf(&admin, "/ikm/kelola").await;
    let r = admin
        .post(app.url("/ikm/kelola"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("org_code", code),
            ("services", "Surat keterangan\nLegalisir"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    app.org_id(code).await
}

fn all_answers(v: &str) -> Vec<(String, String)> {
    (1..=9).map(|i| (format!("u{i}"), v.to_string())).collect()
}

async fn online_form_records_answers_and_refuses_bad_input(app: TestApp) {
    let id = enable_fresh_unit(&app, "35.03.01.2001").await; // Besuki
    let c = app.client();
    let path = format!("/ikm/unit/{id}/isi");
    let csrf = app.csrf(&c, &path).await;
    let mut form = all_answers("4");
    form.push(("_csrf".into(), csrf.clone()));
    form.push(("service".into(), "Legalisir".into()));
    form.push(("sex".into(), "P".into()));
    form.push(("age".into(), "41".into()));
    let r = c.post(app.url(&path)).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let html = c
        .get(app.url(&format!("/ikm/unit/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // One form gives an index, but not a grade: the sample is short, and the page says so.
    assert!(
        html.contains("data-ikm=\"100.00\">") && !html.contains("data-grade="),
        "a perfect first response, ungraded"
    );
    assert!(html.contains("sampel belum memadai (1 dari 30)"), "{html}");
    // A score of 5, an age of 12 or no answers at all: refused with the reason, nothing stored.
    for (bad, msg) in [
        (("u3", "5"), "1 sampai 4"),
        (("age", "12"), "Umur harus"),
        (("u1", "x"), "1 sampai 4"),
    ] {
        let mut f = all_answers("3");
        f.retain(|(k, _)| k != bad.0);
        f.push((bad.0.into(), bad.1.into()));
        f.push(("_csrf".into(), csrf.clone()));
        let r = c.post(app.url(&path)).form(&f).send().await.unwrap();
        assert_eq!(r.status(), 400);
        assert!(r.text().await.unwrap().contains(msg));
    }
    let r = c
        .post(app.url(&path))
        .form(&[("_csrf", csrf.as_str()), ("comment", "kosong")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("Jawab setidaknya satu pertanyaan.") && body.contains("kosong"),
        "the form keeps what was typed"
    );
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM survey_responses WHERE org_id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 1);
    // Without the CSRF token nothing is recorded either.
    let r = c
        .post(app.url(&path))
        .form(&all_answers("1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // A unit that does not run the survey has no form.
    assert_eq!(
        c.get(app.url("/ikm/unit/2/isi"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

async fn kiosk_submissions_are_idempotent(app: TestApp) {
    let id = enable_fresh_unit(&app, "35.03.01.2002").await;
    let api = anjungan_kernel::http::client().unwrap().build().unwrap();
    let body = json!({"client_key": "kiosk-7f3a", "answers": {"U1": 4, "U2": 3, "U3": 3, "U4": 4, "U5": 3, "U6": 4, "U7": 4, "U8": 2, "U9": 3}, "sex": "L", "age": 30});
    let url = app.url(&format!("/api/v1/survey/units/{id}/responses"));
    let r = api.post(&url).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let r = api.post(&url).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "duplicate");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM survey_responses WHERE org_id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 1, "a retried kiosk answer is recorded once");
    // Another unit's kiosk may use the same key: its answer is its own, never a "duplicate".
    let other = enable_fresh_unit(&app, "35.03.01.2004").await;
    let r = api
        .post(app.url(&format!("/api/v1/survey/units/{other}/responses")))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "the key is per unit");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM survey_responses WHERE org_id = $1")
        .bind(other)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 1);
    let channel: String =
        sqlx::query_scalar("SELECT channel FROM survey_responses WHERE org_id = $1")
            .bind(id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(channel, "kiosk");
    for (bad, status) in [
        (json!({"client_key": "", "answers": {"U1": 4}}), 400),
        (json!({"client_key": "k/../x", "answers": {"U1": 4}}), 400),
        (json!({"client_key": "k2", "answers": {"U10": 4}}), 400),
        (json!({"client_key": "k3", "answers": {"U1": 0}}), 400),
        (json!({"client_key": "k4", "answers": {}}), 400),
        (json!({"client_key": "k5", "answers": {"U1": "empat"}}), 422),
    ] {
        let r = api.post(&url).json(&bad).send().await.unwrap();
        assert_eq!(r.status(), status, "{bad}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
    }
    assert_eq!(
        api.post(app.url("/api/v1/survey/units/999999/responses"))
            .json(&body)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

async fn invitation_links_work_once(app: TestApp) {
    let village = app.org_id(NGLINGGIS).await;
    let token = app.token("sekdes.nglinggis@anjungan.test").await;
    let api = anjungan_kernel::http::client().unwrap().build().unwrap();
    let url = app.url(&format!("/api/v1/survey/units/{village}/invitations"));
    let r = api
        .post(&url)
        .bearer_auth(&token)
        .json(&json!({"service": "Surat keterangan usaha", "reference": "PD-2026-0042"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let link = r.json::<Value>().await.unwrap()["url"]
        .as_str()
        .unwrap()
        .to_string();
    let r = api
        .post(&url)
        .bearer_auth(&token)
        .json(&json!({"reference": "PD-2026-0042"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409, "one link per reference");
    // Anonymous callers and other units' staff may not create links.
    assert_eq!(
        api.post(&url)
            .json(&json!({}))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let other = app.token("operator.kominfo@anjungan.test").await;
    assert_eq!(
        api.post(&url)
            .bearer_auth(&other)
            .json(&json!({}))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );

    // A link sent to the citizen's WhatsApp goes through the outbox; the number is not kept with the survey.
    let r = api
        .post(&url)
        .bearer_auth(&token)
        .json(&json!({"reference": "PD-2026-0043", "contact": "0812-7777-6666"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let sent: Value = r.json().await.unwrap();
    assert_eq!(sent["sent"], true);
    let msgs = anjungan_kernel::outbox::store::list(&app.state.db, None, 10)
        .await
        .unwrap();
    let m = msgs
        .iter()
        .find(|m| m.channel == "whatsapp")
        .expect("queued");
    assert_eq!(m.recipient, "6281*******66");
    let body: String = sqlx::query_scalar("SELECT body_sealed FROM outbox WHERE id = $1")
        .bind(m.id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(
        app.state
            .keys
            .open(&body)
            .unwrap()
            .contains(sent["url"].as_str().unwrap())
    );
    let r = api
        .post(&url)
        .bearer_auth(&token)
        .json(&json!({"reference": "PD-2026-0044", "contact": "bukan nomor"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM survey_invitations WHERE reference = 'PD-2026-0044'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(n, 0, "a bad contact creates nothing");
    let path = link.trim_start_matches(&app.base).to_string();
    let c = app.client();
    let html = c
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Nglinggis"));
    let csrf = extract_csrf(&html).unwrap();
    let mut form = all_answers("3");
    form.push(("_csrf".into(), csrf.clone()));
    let r = c.post(app.url(&path)).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let (channel, service): (String, String) =
        sqlx::query_as("SELECT channel, service FROM survey_responses ORDER BY id DESC LIMIT 1")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(
        (channel.as_str(), service.as_str()),
        ("invitation", "Surat keterangan usaha")
    );
    let r = c.get(app.url(&path)).send().await.unwrap();
    assert_eq!(r.status(), 410);
    let r = c.post(app.url(&path)).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 410, "a used link records nothing more");
}

async fn only_a_units_staff_see_its_dashboard_and_exports(app: TestApp) {
    let village = app.org_id(NGLINGGIS).await;
    let kominfo = app.org_id("DISKOMINFO").await;
    let sekdes = app.signed_in("sekdes.nglinggis@anjungan.test").await;
    let r = sekdes
        .get(app.url(&format!("/ikm/kelola/{village}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("data-testid=\"unit-ikm\"") && html.contains("<svg"));
    assert_eq!(
        sekdes
            .get(app.url(&format!("/ikm/kelola/{kominfo}")))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        sekdes
            .get(app.url(&format!("/ikm/kelola/{kominfo}/unduh/jawaban.csv")))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let csrf = app.csrf(&sekdes, &format!("/ikm/kelola/{village}")).await;
    let r = sekdes
        .post(app.url(&format!("/ikm/kelola/{kominfo}/pertanyaan")))
        .form(&[("_csrf", csrf.as_str()), ("text", "Diambil alih?")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let citizen = app.signed_in("warga@anjungan.test").await;
    assert_eq!(
        citizen
            .get(app.url(&format!("/ikm/kelola/{village}")))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        citizen
            .get(app.url("/ikm/kelola"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let r = app
        .client()
        .get(app.url(&format!("/ikm/kelola/{village}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "anonymous visitors are sent to sign in");
    // The coordinator sees every unit.
    let coord = app.signed_in("koordinator@anjungan.test").await;
    assert_eq!(
        coord
            .get(app.url(&format!("/ikm/kelola/{kominfo}")))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // Paper forms keyed in by staff are recorded with their channel and who entered them.
    let path = format!("/ikm/kelola/{village}/kertas");
    let csrf = app.csrf(&sekdes, &path).await;
    let mut form = all_answers("2");
    form.push(("_csrf".into(), csrf));
    assert_eq!(
        sekdes
            .post(app.url(&path))
            .form(&form)
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    let (channel, by): (String, Option<i64>) =
        sqlx::query_as("SELECT channel, entered_by FROM survey_responses ORDER BY id DESC LIMIT 1")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(channel, "paper");
    assert!(by.is_some());
}

async fn small_groups_are_hidden_and_exports_carry_no_profile(app: TestApp) {
    let id = enable_fresh_unit(&app, "35.03.01.2003").await;
    let api = anjungan_kernel::http::client().unwrap().build().unwrap();
    for (i, sex) in ["P", "P", "L"].iter().enumerate() {
        let body = json!({"client_key": format!("g{i}"), "answers": {"U1": 4, "U2": 4, "U3": 3, "U4": 4, "U5": 3, "U6": 4, "U7": 4, "U8": 3, "U9": 3}, "sex": sex, "age": 52, "education": "s1", "occupation": "pns", "comment": "Terima kasih"});
        assert_eq!(
            api.post(app.url(&format!("/api/v1/survey/units/{id}/responses")))
                .json(&body)
                .send()
                .await
                .unwrap()
                .status(),
            201
        );
    }
    let admin = app.signed_in("admin@anjungan.test").await;
    let html = admin
        .get(app.url(&format!("/ikm/kelola/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let table = html
        .split("data-testid=\"profile-table\"")
        .nth(1)
        .unwrap()
        .split("</table>")
        .next()
        .unwrap();
    assert!(
        (table.contains("&lt;5") || table.contains("&#60;5"))
            && !table.contains(">2<")
            && !table.contains(">3<"),
        "groups of 1–4 are hidden: {table}"
    );
    let html = admin
        .get(app.url(&format!("/ikm/kelola/{id}?sex=P")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("data-testid=\"segment-result\"") && html.contains("Tidak ditampilkan"),
        "a segment of two is withheld"
    );
    let r: Value = api
        .get(app.url(&format!("/api/v1/survey/units/{id}/results?sex=P")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["result"]["responses"], 0);
    assert_eq!(r["segment_withheld"], true);
    // Exports: answers without the profile.
    let csv = admin
        .get(app.url(&format!("/ikm/kelola/{id}/unduh/jawaban.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = csv.text().await.unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.contains("U1") && header.contains("U9"));
    assert!(!header.contains("Jenis kelamin") && !header.contains("Umur"));
    for line in csv.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        assert!(
            !fields.contains(&"P")
                && !fields.contains(&"52")
                && !fields.contains(&"s1")
                && !fields.contains(&"pns"),
            "no profile in {line}"
        );
    }
    assert_eq!(csv.lines().count(), 4);
    let results = admin
        .get(app.url(&format!("/ikm/kelola/{id}/unduh/hasil.csv")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        results.contains("U1 Persyaratan") && results.contains("3.000")
            || results.contains("4.000")
    );
    for f in ["jawaban.xlsx", "hasil.xlsx"] {
        let b = admin
            .get(app.url(&format!("/ikm/kelola/{id}/unduh/{f}")))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(&b[..2], b"PK", "{f} is an OOXML zip");
    }
    let pdf = admin
        .get(app.url(&format!("/ikm/kelola/{id}/unduh/laporan.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("laporan.pdf");
    std::fs::write(&file, &bytes).unwrap();
    match std::process::Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
    {
        Ok(out) => {
            assert!(out.status.success(), "pdftotext reads the report");
            let text = String::from_utf8_lossy(&out.stdout);
            let ikm = raw_ikm(
                &app,
                id,
                &anjungan_survey::domain::Period::year_of(anjungan_kernel::clock::now_ms()).key(),
            )
            .await
            .unwrap();
            for want in [
                "Metode",
                "Profil responden",
                "Hasil per unsur",
                "Indeks Kepuasan Masyarakat",
                "Rencana tindak lanjut",
                ikm.as_str(),
            ] {
                assert!(text.contains(want), "report contains {want}: {text}");
            }
        }
        Err(_) => {
            assert!(!ci(), "pdftotext (poppler-utils) is needed under CI");
            eprintln!("skipped: PDF text check (apt-get install poppler-utils)");
        }
    }
    assert_eq!(
        admin
            .get(app.url(&format!("/ikm/kelola/{id}/unduh/rahasia.txt")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

async fn follow_up_and_served_counts(app: TestApp) {
    let village = app.org_id(NGLINGGIS).await;
    let kades = app.signed_in("kades.nglinggis@anjungan.test").await;
    let path = format!("/ikm/kelola/{village}");
    let csrf = app.csrf(&kades, &path).await;
    let period = anjungan_survey::domain::Period::year_of(anjungan_kernel::clock::now_ms()).key();
    let r = kades
        .post(app.url(&format!("{path}/dilayani")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("period", period.as_str()),
            ("served", "banyak"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = kades
        .post(app.url(&format!("{path}/dilayani")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("period", period.as_str()),
            ("served", "1.000.000"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let html = kades
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("1000000 orang dilayani: 384 responden"),
        "Krejcie–Morgan for a million served"
    );
    assert!(
        html.contains("data-testid=\"sample-short\""),
        "the demo village's sample is flagged as too small"
    );
    let (actions_before, done_before) = (
        app.audit_count("survey.action").await,
        app.audit_count("survey.action_done").await,
    );
    let r = kades
        .post(app.url(&format!("{path}/tindak-lanjut")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("period", period.as_str()),
            ("element", "U3"),
            ("action", ""),
            ("owner", "Sekdes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = kades
        .post(app.url(&format!("{path}/tindak-lanjut")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("period", period.as_str()),
            ("element", "U3"),
            ("action", "Layanan surat selesai di hari yang sama"),
            ("owner", "Sekdes"),
            ("due", "2026-13-40"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = kades
        .post(app.url(&format!("{path}/tindak-lanjut")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("period", period.as_str()),
            ("element", "U3"),
            ("action", "Layanan surat selesai di hari yang sama"),
            ("owner", "Sekdes"),
            ("due", "2026-12-31"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let token = app.token("kades.nglinggis@anjungan.test").await;
    let actions: Value = anjungan_kernel::http::client()
        .unwrap()
        .build()
        .unwrap()
        .get(app.url(&format!("/api/v1/survey/units/{village}/actions")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let a = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["element"] == "U3")
        .unwrap();
    assert_eq!(
        (
            a["owner"].as_str(),
            a["due_date"].as_str(),
            a["status"].as_str()
        ),
        (Some("Sekdes"), Some("2026-12-31"), Some("open"))
    );
    let aid = a["id"].as_i64().unwrap();
    let r = kades
        .post(app.url(&format!("{path}/tindak-lanjut/{aid}/selesai")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(app.audit_count("survey.action").await, actions_before + 1);
    assert_eq!(app.audit_count("survey.action_done").await, done_before + 1);
    // The demo's follow-up actions from last quarter show how their element moved since.
    let dinkes = app.org_id("DINKES").await;
    let admin = app.signed_in("admin@anjungan.test").await;
    let q = anjungan_survey::domain::Period::quarter_of(anjungan_kernel::clock::now_ms()).key();
    let html = admin
        .get(app.url(&format!("/ikm/kelola/{dinkes}?periode={q}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let table = html.split("data-testid=\"actions-table\"").nth(1).unwrap();
    assert!(
        ["Membaik", "Tetap", "Memburuk"]
            .iter()
            .any(|w| table.contains(w)),
        "trend shown: {}",
        &table[..table.len().min(800)]
    );
}

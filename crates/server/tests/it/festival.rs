//! The festival end to end, on SQLite and PostgreSQL.

use crate::both_backends;
use crate::support::*;
use serde_json::Value;

both_backends!(
    coordinator_dashboard,
    awards_certificates_and_verification,
    frab_schedule_exports,
    public_vote_with_one_time_codes,
    jury_scores_and_the_computed_ranking,
    stands_floor_plan_and_qr_codes,
    editions_agenda_and_calendar,
    agencies_enter_innovations_while_the_call_is_open,
    the_vote_monitor_aggregates_and_pages
);

/// The demo's 660 votes: totals and votes per innovation by name, groups a page at a time,
/// one group's votes on demand; the page stays light.
async fn the_vote_monitor_aggregates_and_pages(app: TestApp) {
    let coord = app.signed_in("koordinator@anjungan.test").await;
    let (number, votes, groups): (i64, i64, i64) = sqlx::query_as(
        "SELECT e.number, COUNT(*), COUNT(DISTINCT v.client_hash || ':' || v.device_hash) \
         FROM festival_votes v JOIN festival_editions e ON e.id = v.edition_id GROUP BY e.number",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let page = format!("/festival/{number}/suara");
    let html = app.page(&coord, &page).await;
    assert!(html.len() < 60_000, "{} bytes", html.len());
    assert!(
        html.contains(&format!("data-testid=\"total\">{votes}<")),
        "{html}"
    );
    assert!(!html.contains("entry "), "no English \"entry\" on the page");
    assert!(html.contains("Suara per inovasi") && html.contains("Halaman 1 dari"));
    let rows = html.matches("data-group-size=").count() as i64;
    assert_eq!(rows, groups.min(20), "twenty groups a page");
    // The last page holds the rest.
    let pages = (groups + 19) / 20;
    let last = app.page(&coord, &format!("{page}?halaman={pages}")).await;
    let on_last = last.matches("data-group-size=").count() as i64;
    assert_eq!(on_last, groups - 20 * (pages - 1));
    // Inspecting the largest group (the demo's voided burst) lists its votes.
    let largest: i64 = html
        .split("data-group-size=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let href = html
        .split("href=\"")
        .find(|h| h.contains("alamat="))
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    let detail = app.page(&coord, &href).await;
    assert!(detail.contains("data-testid=\"group\""), "{href}");
    assert_eq!(
        detail.matches("<li data-vote=").count() as i64,
        largest.min(100)
    );
    // Guests and other roles may not see it.
    assert_ne!(
        app.client()
            .get(app.url(&page))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

async fn editions_agenda_and_calendar(app: TestApp) {
    let c = app.client();
    let html = app.page(&c, "/festival").await;
    assert!(html.contains("data-edition=\"2\"") && html.contains("TIF 2 · 2020"));
    let page = app.page(&c, "/festival/2").await;
    assert!(
        page.contains("Anjungan Cerdas, Desa Nglinggis, Kecamatan Tugu")
            && page.contains("Hibrida")
    );
    assert_eq!(page.matches("data-session=").count(), 6);
    assert!(
        page.contains("sambutan Bupati") && page.contains("Petung Dadi: surat desa lewat WhatsApp")
    );
    let api: Value = c
        .get(app.url("/api/v1/festival/editions/2"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(api["edition"]["year"], 2020);
    assert_eq!(api["phases"].as_array().unwrap().len(), 7);
    let names: Vec<&str> = api["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    for n in [
        "Petung Dadi (Pelayanan Tunggal Dengan Sepenuh Hati)",
        "Cilen (Cerita Online)",
        "Lion (Lelang Ikan Online)",
    ] {
        assert!(names.contains(&n), "{n} entered in the 2nd TIF: {names:?}");
    }
    assert_eq!(
        c.get(app.url("/festival/99"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        c.get(app.url("/api/v1/festival/editions/x"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    // The agenda as iCalendar, read back with a standard parser.
    let r = c
        .get(app.url("/festival/2/agenda.ics"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "text/calendar; charset=utf-8");
    let ics = r.text().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tif.ics");
    std::fs::write(&file, &ics).unwrap();
    let script = format!(
        "import icalendar\ncal = icalendar.Calendar.from_ical(open({file:?}, 'rb').read())\nev = [e for e in cal.walk('VEVENT')]\nassert len(ev) == 6, len(ev)\nprint(ev[0].get('dtstart').dt.isoformat(), str(ev[0].get('summary')))\n"
    );
    if let Some(s) = python_check(&script, "iCalendar parse of the agenda") {
        assert!(s.starts_with("2020-12-14T01:00:00+00:00 Pembukaan"), "{s}");
    }
}

async fn agencies_enter_innovations_while_the_call_is_open(app: TestApp) {
    let editions: Vec<Value> = app
        .client()
        .get(app.url("/api/v1/festival/editions"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let current = editions[0]["number"].as_i64().unwrap();
    assert!(current > 2);
    let op = app.signed_in("operator.kominfo@anjungan.test").await;
    let page = app.page(&op, &format!("/festival/{current}")).await;
    assert!(
        page.contains("name=\"innovation\""),
        "the call is open: the form is there"
    );
    let innovations: Vec<Value> = app
        .client()
        .get(app.url("/api/v1/innovations?q=data+terbuka"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let data = innovations[0]["id"].as_i64().unwrap().to_string();
    let csrf = app.csrf(&op, &format!("/festival/{current}")).await;
    let path = app.url(&format!("/festival/{current}"));
    assert_eq!(
        op.post(&path)
            .form(&[("_csrf", csrf.as_str()), ("innovation", data.as_str())])
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    let r = op
        .post(&path)
        .form(&[("_csrf", csrf.as_str()), ("innovation", data.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("sudah terdaftar"));
    // The 2nd TIF is long closed.
    let r = op
        .post(app.url("/festival/2"))
        .form(&[("_csrf", csrf.as_str()), ("innovation", data.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("tidak dibuka"));
    // Another unit cannot enter Kominfo's innovation; a draft cannot be entered at all.
    let sekdes = app.signed_in("sekdes.nglinggis@anjungan.test").await;
    let scsrf = app.csrf(&sekdes, "/dasbor").await;
    assert_eq!(
        sekdes
            .post(&path)
            .form(&[("_csrf", scsrf.as_str()), ("innovation", data.as_str())])
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        op.post(&path)
            .form(&[("_csrf", csrf.as_str()), ("innovation", "abc")])
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    let api: Value = app
        .client()
        .get(app.url(&format!("/api/v1/festival/editions/{current}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(api["entries"].as_array().unwrap().len(), 1);
    assert!(app.audit_count("festival.entry").await >= 1);
}

async fn stands_floor_plan_and_qr_codes(app: TestApp) {
    let c = app.client();
    let page = app.page(&c, "/festival/2").await;
    let plan = page
        .split("id=\"denah\"")
        .nth(1)
        .unwrap()
        .split("</section>")
        .next()
        .unwrap();
    let stands = plan.matches("<rect").count();
    assert!(
        stands >= 5,
        "one stand per exhibiting agency on the plan: {stands}"
    );
    assert!(plan.contains("href=\"/festival/2/stan/A1\""));
    let api: Value = c
        .get(app.url("/api/v1/festival/editions/2"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let a1 = api["stands"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["number"] == "A1")
        .unwrap()
        .clone();
    let stand = app.page(&c, "/festival/2/stan/a1").await;
    assert!(stand.contains(&format!(
        "data-testid=\"stand-agency\">{}<",
        a1["organisation"].as_str().unwrap()
    )));
    let shown: Vec<&Value> = api["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["organisation_id"] == a1["organisation_id"])
        .collect();
    for e in &shown {
        assert!(
            stand.contains(e["name"].as_str().unwrap()),
            "the stand shows its agency's entries"
        );
    }
    let qr = c
        .get(app.url("/festival/2/stan/A1/qr.svg"))
        .send()
        .await
        .unwrap();
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
    assert!(qr.text().await.unwrap().contains("<svg"));
    assert_eq!(
        c.get(app.url("/festival/2/stan/Z99"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        c.get(app.url("/festival/2/stan/..%2F"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    // Only the coordinator places stands; numbers are unique per edition and checked.
    let coord = app.signed_in("koordinator@anjungan.test").await;
    let csrf = app.csrf(&coord, "/festival/2").await;
    let add = |n: &str, x: &str| {
        vec![
            ("_csrf", csrf.clone()),
            ("number", n.to_string()),
            ("org_code", "DISKOMINFO".to_string()),
            ("x", x.to_string()),
            ("y", "3".to_string()),
        ]
    };
    assert_eq!(
        coord
            .post(app.url("/festival/2/stan"))
            .form(&add("B9", "4"))
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    assert_eq!(
        coord
            .post(app.url("/festival/2/stan"))
            .form(&add("b9", "2"))
            .send()
            .await
            .unwrap()
            .status(),
        409
    );
    assert_eq!(
        coord
            .post(app.url("/festival/2/stan"))
            .form(&add("B-1", "2"))
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    assert_eq!(
        coord
            .post(app.url("/festival/2/stan"))
            .form(&add("B10", "99"))
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    let op = app.signed_in("operator.kominfo@anjungan.test").await;
    let ocsrf = app.csrf(&op, "/festival/2").await;
    let r = op
        .post(app.url("/festival/2/stan"))
        .form(&[
            ("_csrf", ocsrf.as_str()),
            ("number", "C1"),
            ("org_code", "DISKOMINFO"),
            ("x", "1"),
            ("y", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(app.audit_count("festival.stand").await > stands as i64);
}

async fn jury_scores_and_the_computed_ranking(app: TestApp) {
    use anjungan_festival::domain::phase::{Phase, PhaseKind};
    use anjungan_festival::domain::scoring::{Aggregation, PhaseSpec, Rubric};
    use anjungan_festival::store;
    // The 2nd TIF's published ranking: the article's innovations lead, every rank explained.
    let c = app.client();
    let page = app.page(&c, "/festival/2/peringkat").await;
    let ranking = page.split("data-testid=\"ranking\"").nth(1).unwrap();
    let first_three: Vec<&str> = ranking
        .split("<strong>")
        .skip(1)
        .step_by(2)
        .take(3)
        .map(|s| s.split('<').next().unwrap())
        .collect();
    for n in ["Petung Dadi", "Cilen", "Lion"] {
        assert!(
            first_three.iter().any(|x| x.starts_with(n)),
            "{n} in the top three: {first_three:?}"
        );
    }
    assert!(ranking.contains("<details>"));
    // An edition whose desk review is open now: the coordinator assigns, jurors score.
    let now = anjungan_kernel::clock::now_ms();
    let actor = anjungan_kernel::audit::Actor::system("test");
    let db = &app.state.db;
    let id = anjungan_festival::service::editions::create_edition(
        db,
        &actor,
        &store::NewEdition {
            number: 50,
            year: 2030,
            theme: "Uji",
            venue: "Pendopo",
            starts_on: "2030-01-01",
            ends_on: "2030-01-02",
            mode: "in_person",
            entry_limit: 5,
            phases: vec![
                Phase {
                    kind: PhaseKind::DeskReview,
                    starts_at: now - 3_600_000,
                    ends_at: now + 3_600_000,
                    voting: false,
                },
                Phase {
                    kind: PhaseKind::ResultsPublished,
                    starts_at: now + 7_200_000,
                    ends_at: now + 9_000_000,
                    voting: false,
                },
            ],
        },
    )
    .await
    .unwrap();
    let verified: Vec<Value> = c
        .get(app.url("/api/v1/innovations"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kominfo = app.org_id("DISKOMINFO").await;
    let kominfo_entry_innovation = verified
        .iter()
        .find(|i| i["organisation_id"] == kominfo)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let other = verified
        .iter()
        .find(|i| i["organisation_id"] != kominfo)
        .unwrap();
    let e1 = anjungan_festival::service::entries::add_entry(
        db,
        &actor,
        id,
        kominfo_entry_innovation,
        kominfo,
    )
    .await
    .unwrap();
    let e2 = anjungan_festival::service::entries::add_entry(
        db,
        &actor,
        id,
        other["id"].as_i64().unwrap(),
        other["organisation_id"].as_i64().unwrap(),
    )
    .await
    .unwrap();
    let rubric = Rubric::default_tif();
    anjungan_festival::service::jury::set_rubric(
        db,
        &actor,
        id,
        &PhaseSpec {
            key: "desk_review".into(),
            weight: 100,
            rubric: rubric.clone(),
            aggregation: Aggregation::Mean,
            normalise: false,
            advance: 0,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        c.get(app.url("/festival/50/peringkat"))
            .send()
            .await
            .unwrap()
            .status(),
        404,
        "not public before the results"
    );
    let coord = app.signed_in("koordinator@anjungan.test").await;
    let ccsrf = app.csrf(&coord, "/festival/50").await;
    assert_eq!(
        coord
            .post(app.url("/festival/50/tugaskan/desk_review"))
            .form(&[("_csrf", ccsrf.as_str())])
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    // The Kominfo juror is never assigned Kominfo's entry.
    let rudi: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'juri.kominfo@anjungan.test'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    let rudi_tasks = store::assignments_of(db, id, rudi).await.unwrap();
    assert!(!rudi_tasks.iter().any(|(_, e)| *e == e1), "{rudi_tasks:?}");
    let dewi: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'juri@anjungan.test'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let dewi_tasks = store::assignments_of(db, id, dewi).await.unwrap();
    assert!(!dewi_tasks.is_empty());
    let juror = app.signed_in("juri@anjungan.test").await;
    let jpage = app.page(&juror, "/festival/50/juri").await;
    assert!(
        jpage.contains("name=\"s_novelty\""),
        "the scoring form is open"
    );
    let jcsrf = app.csrf(&juror, "/festival/50/juri").await;
    let (_, entry) = dewi_tasks[0].clone();
    let form = |v: &str, comment: &str| {
        let mut f: Vec<(String, String)> = rubric
            .criteria
            .iter()
            .map(|c| (format!("s_{}", c.key), v.to_string()))
            .collect();
        f.push(("_csrf".into(), jcsrf.clone()));
        f.push(("comment".into(), comment.into()));
        f
    };
    let url = app.url(&format!("/festival/50/juri/desk_review/{entry}"));
    assert_eq!(
        juror
            .post(&url)
            .form(&form("11", "ok"))
            .send()
            .await
            .unwrap()
            .status(),
        400,
        "beyond the scale"
    );
    assert_eq!(
        juror
            .post(&url)
            .form(&form("8", ""))
            .send()
            .await
            .unwrap()
            .status(),
        400,
        "a comment is required"
    );
    assert_eq!(
        juror
            .post(&url)
            .form(&form("8", "Kuat pada eksekusi"))
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    let jpage = app.page(&juror, "/festival/50/juri").await;
    assert!(jpage.contains("data-testid=\"my-total\"") && jpage.contains("80,00"));
    // Not assigned, or not a juror at all: refused.
    let not_mine = [e1, e2]
        .into_iter()
        .find(|e| !dewi_tasks.iter().any(|(_, x)| x == e));
    if let Some(e) = not_mine {
        assert_eq!(
            juror
                .post(app.url(&format!("/festival/50/juri/desk_review/{e}")))
                .form(&form("8", "x"))
                .send()
                .await
                .unwrap()
                .status(),
            403
        );
    }
    let op = app.signed_in("operator.kominfo@anjungan.test").await;
    assert_eq!(
        op.get(app.url("/festival/50/juri"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        op.post(app.url("/festival/50/tugaskan/desk_review"))
            .form(&[("_csrf", ccsrf.as_str())])
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    // The coordinator sees the computed ranking before publication.
    let r = app.page(&coord, "/festival/50/peringkat").await;
    assert!(
        r.contains(&format!("data-entry=\"{entry}\" data-score=\"80.00\"")),
        "{r}"
    );
    assert!(app.audit_count("festival.review").await >= 1);
}

async fn public_vote_with_one_time_codes(app: TestApp) {
    use anjungan_festival::domain::phase::{Phase, PhaseKind};
    use anjungan_festival::store;
    let now = anjungan_kernel::clock::now_ms();
    let actor = anjungan_kernel::audit::Actor::system("test");
    let db = &app.state.db;
    let id = anjungan_festival::service::editions::create_edition(
        db,
        &actor,
        &store::NewEdition {
            number: 51,
            year: 2031,
            theme: "Suara",
            venue: "Pendopo",
            starts_on: "2031-01-01",
            ends_on: "2031-01-02",
            mode: "hybrid",
            entry_limit: 5,
            phases: vec![
                Phase {
                    kind: PhaseKind::Final,
                    starts_at: now - 3_600_000,
                    ends_at: now + 3_600_000,
                    voting: true,
                },
                Phase {
                    kind: PhaseKind::ResultsPublished,
                    starts_at: now + 3_600_000,
                    ends_at: now + 7_200_000,
                    voting: false,
                },
            ],
        },
    )
    .await
    .unwrap();
    let verified: Vec<Value> = app
        .client()
        .get(app.url("/api/v1/innovations"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let e1 = anjungan_festival::service::entries::add_entry(
        db,
        &actor,
        id,
        verified[0]["id"].as_i64().unwrap(),
        verified[0]["organisation_id"].as_i64().unwrap(),
    )
    .await
    .unwrap();
    let e2 = anjungan_festival::service::entries::add_entry(
        db,
        &actor,
        id,
        verified[1]["id"].as_i64().unwrap(),
        verified[1]["organisation_id"].as_i64().unwrap(),
    )
    .await
    .unwrap();
    let c = app.client();
    let page = app.page(&c, "/festival/51/pilih").await;
    assert!(
        page.contains("name=\"contact\"") && !page.contains("data-votes="),
        "counts hidden while the vote is open"
    );
    let csrf = app.csrf(&c, "/festival/51/pilih").await;
    let r = c
        .post(app.url("/festival/51/pilih/kode"))
        .form(&[("_csrf", csrf.as_str()), ("contact", "bukan kontak")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let code_for = |contact: &'static str| {
        let c = c.clone();
        let csrf = csrf.clone();
        let url = app.url("/festival/51/pilih/kode");
        async move {
            let r = c
                .post(url)
                .form(&[("_csrf", csrf.as_str()), ("contact", contact)])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            assert!(
                r.text()
                    .await
                    .unwrap()
                    .contains("data-testid=\"vote-message\"")
            );
        }
    };
    let latest_code = || async {
        let body: String =
            sqlx::query_scalar("SELECT body_sealed FROM outbox ORDER BY id DESC LIMIT 1")
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap();
        let text = app.state.keys.open(&body).unwrap();
        text.split(|ch: char| !ch.is_ascii_digit())
            .find(|w| w.len() == 6)
            .unwrap()
            .to_string()
    };
    code_for("0812 1111 2222").await;
    let code = latest_code().await;
    let vote = |contact: &str, code: &str, entry: i64| {
        let form = vec![
            ("_csrf".to_string(), csrf.clone()),
            ("contact".into(), contact.to_string()),
            ("code".into(), code.to_string()),
            ("entry".into(), entry.to_string()),
        ];
        c.post(app.url("/festival/51/pilih")).form(&form).send()
    };
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_eq!(vote("081211112222", wrong, e1).await.unwrap().status(), 400);
    assert_eq!(
        vote("+62 812-1111-2222", &code, e1).await.unwrap().status(),
        303,
        "the same number in another notation"
    );
    code_for("081211112222").await;
    let again = latest_code().await;
    let r = vote("081211112222", &again, e2).await.unwrap();
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("sudah memberikan suara"));
    code_for("pemilih@contoh.id").await;
    let code2 = latest_code().await;
    assert_eq!(
        vote("pemilih@contoh.id", &code2, e2)
            .await
            .unwrap()
            .status(),
        303
    );
    // Five wrong codes lock the code.
    code_for("pemilih2@contoh.id").await;
    for _ in 0..5 {
        assert_eq!(
            vote("pemilih2@contoh.id", wrong, e1)
                .await
                .unwrap()
                .status(),
            400
        );
    }
    assert_eq!(
        vote("pemilih2@contoh.id", wrong, e1)
            .await
            .unwrap()
            .status(),
        429
    );
    // The coordinator sees both votes from this client and device together, and voids one with a reason.
    let coord = app.signed_in("koordinator@anjungan.test").await;
    let fraud = app.page(&coord, "/festival/51/suara").await;
    assert!(fraud.contains("data-group-size=\"2\""), "{fraud}");
    let first: i64 =
        sqlx::query_scalar("SELECT id FROM festival_votes WHERE edition_id = $1 AND entry_id = $2")
            .bind(id)
            .bind(e2)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    let ccsrf = app.csrf(&coord, "/festival/51/suara").await;
    let voids_before = app.audit_count("festival.vote_void").await;
    assert_eq!(
        coord
            .post(app.url(&format!("/festival/51/suara/{first}/batal")))
            .form(&[("_csrf", ccsrf.as_str()), ("reason", " ")])
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    assert_eq!(
        coord
            .post(app.url(&format!("/festival/51/suara/{first}/batal")))
            .form(&[
                ("_csrf", ccsrf.as_str()),
                ("reason", "Pola suara tidak wajar"),
                ("konfirmasi", "ya")
            ])
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    assert_eq!(
        app.audit_count("festival.vote_void").await,
        voids_before + 1
    );
    let op = app.signed_in("operator.kominfo@anjungan.test").await;
    assert_eq!(
        op.get(app.url("/festival/51/suara"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    // After the vote closes, the counts appear, without the voided vote.
    sqlx::query("UPDATE festival_phases SET starts_at = starts_at - 7200000, ends_at = ends_at - 7200000 WHERE edition_id = $1").bind(id).execute(&db.pool).await.unwrap();
    let page = app.page(&c, "/festival/51/pilih").await;
    assert!(
        page.contains(&format!("data-entry=\"{e1}\""))
            && page.contains("data-votes=\"1\"")
            && page.contains("data-votes=\"0\""),
        "{page}"
    );
    assert!(page.contains("data-testid=\"vote-closed\""));
    // Codes are not sent for a closed vote.
    assert_eq!(
        c.post(app.url("/festival/51/pilih/kode"))
            .form(&[("_csrf", csrf.as_str()), ("contact", "081299990000")])
            .send()
            .await
            .unwrap()
            .status(),
        409
    );
}

/// The Frab files of an edition validate against the schedule schemas (JSON with format checks,
/// XML against the XSD), list every day of the edition, carry UUID guids that stay the same, and
/// give each session the same instant as the iCalendar, in whole minutes.
async fn frab_schedule_exports(app: TestApp) {
    let c = app.client();
    let current: i64 = sqlx::query_scalar("SELECT MAX(number) FROM festival_editions")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let schemas = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas");
    let dir = tempfile::tempdir().unwrap();
    for (number, days) in [(2, 2), (current, 2)] {
        let json: Value = c
            .get(app.url(&format!("/festival/{number}/schedule.json")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let conf = &json["schedule"]["conference"];
        assert_eq!(conf["acronym"], format!("tif{number}"));
        assert_eq!(conf["daysCount"], days, "edition {number} runs {days} days");
        assert_eq!(conf["days"].as_array().unwrap().len(), days);
        let events: Vec<&Value> = conf["days"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|d| d["rooms"].as_object().unwrap().values())
            .flat_map(|v| v.as_array().unwrap())
            .collect();
        assert!(!events.is_empty());
        // Stable, version-5 UUIDs: the same in a second download and in the XML.
        let again: Value = c
            .get(app.url(&format!("/festival/{number}/schedule.json")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(json, again);
        let r = c
            .get(app.url(&format!("/festival/{number}/schedule.xml")))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.headers()["content-type"],
            "application/xml; charset=utf-8"
        );
        let xml = r.text().await.unwrap();
        let ics = app
            .page(&c, &format!("/festival/{number}/agenda.ics"))
            .await;
        let doc = roxmltree::Document::parse(&xml).unwrap();
        assert_eq!(
            doc.descendants().filter(|n| n.has_tag_name("day")).count(),
            days
        );
        for e in &events {
            let guid = e["guid"].as_str().unwrap();
            assert_eq!(uuid::Uuid::parse_str(guid).unwrap().get_version_num(), 5);
            let x = doc
                .descendants()
                .find(|n| n.has_tag_name("event") && n.attribute("guid") == Some(guid))
                .unwrap_or_else(|| panic!("event {guid} in the XML"));
            let date = x
                .children()
                .find(|n| n.has_tag_name("date"))
                .and_then(|n| n.text())
                .unwrap();
            assert_eq!(date, e["date"].as_str().unwrap(), "JSON and XML agree");
            // 2020-12-14T08:00:00+07:00: whole minutes, no fraction.
            assert_eq!(date.len(), 25, "{date}");
            assert!(date.ends_with(":00+07:00"), "{date}");
            let utc =
                time::OffsetDateTime::parse(date, &time::format_description::well_known::Rfc3339)
                    .unwrap()
                    .to_offset(time::UtcOffset::UTC);
            let stamp = format!(
                "DTSTART:{:04}{:02}{:02}T{:02}{:02}00Z",
                utc.year(),
                utc.month() as u8,
                utc.day(),
                utc.hour(),
                utc.minute()
            );
            let uid = format!("UID:tif-{number}-session-{}@", e["id"]);
            let vevent = ics
                .split("BEGIN:VEVENT")
                .find(|v| v.contains(&uid))
                .unwrap_or_else(|| panic!("{uid} in the calendar"));
            assert!(
                vevent.contains(&stamp),
                "iCalendar agrees: {stamp}\n{vevent}"
            );
        }
        if number == 2 {
            let day1: Vec<&Value> = conf["days"][0]["rooms"]
                .as_object()
                .unwrap()
                .values()
                .flat_map(|v| v.as_array().unwrap())
                .collect();
            assert!(
                day1.iter()
                    .any(|e| e["start"] == "08:00" && e["duration"] == "01:00"),
                "the regent's opening at 08.00 WIB"
            );
        }
        let json_file = dir.path().join(format!("schedule-{number}.json"));
        let xml_file = dir.path().join(format!("schedule-{number}.xml"));
        std::fs::write(&json_file, serde_json::to_vec(&json).unwrap()).unwrap();
        std::fs::write(&xml_file, &xml).unwrap();
        let json_schema = schemas.join("frab-schedule.schema.json");
        let xsd = schemas.join("frab-schedule.xsd");
        let script = format!(
            "import json, jsonschema, xmlschema\nschema = json.load(open({json_schema:?}))\nv = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)\nerrors = [f'{{list(e.path)}}: {{e.message}}' for e in v.iter_errors(json.load(open({json_file:?})))]\nassert not errors, errors[:5]\n# The format checks must really run (they need their optional packages).\nassert not v.is_valid({{'schedule': {{'version': '1', 'base_url': 'x', 'conference': {{}}}}}})\nassert list(jsonschema.Draft7Validator({{'format': 'date-time'}}, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER).iter_errors('2020-12-14 08:00'))\nxmlschema.XMLSchema({xsd:?}).validate({xml_file:?})\nprint('valid')\n"
        );
        if let Some(out) = python_check(&script, "Frab schedule validation") {
            assert!(out.contains("valid"), "{out}");
        }
    }
}

async fn awards_certificates_and_verification(app: TestApp) {
    let c = app.client();
    let page = app.page(&c, "/festival/2/hasil").await;
    for a in ["winner_1", "winner_2", "winner_3", "special"] {
        assert!(page.contains(&format!("data-award=\"{a}\"")), "{a} shown");
    }
    // The first prize goes to the ranking's first entry.
    let ranking = app.page(&c, "/festival/2/peringkat").await;
    let first = ranking
        .split("data-testid=\"ranking\"")
        .nth(1)
        .unwrap()
        .split("<strong>")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    let winner = page
        .split("data-award=\"winner_1\"")
        .nth(1)
        .unwrap()
        .split("</li>")
        .next()
        .unwrap();
    assert!(winner.contains(&first), "{first} wins");
    let code = winner
        .split("/festival/sertifikat/")
        .nth(1)
        .unwrap()
        .split(".pdf")
        .next()
        .unwrap()
        .to_string();
    let pdf = c
        .get(app.url(&format!("/festival/sertifikat/{code}.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("piagam.pdf");
    std::fs::write(&file, &bytes).unwrap();
    match std::process::Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
    {
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                text.contains("PIAGAM PENGHARGAAN")
                    && text.contains("Juara I")
                    && text.contains(&format!("/verifikasi/{code}")),
                "{text}"
            );
        }
        Err(e) => assert!(!ci(), "pdftotext needed under CI: {e}"),
    }
    let v = c
        .get(app.url(&format!("/verifikasi/{code}")))
        .send()
        .await
        .unwrap();
    assert_eq!(v.status(), 200);
    let v = v.text().await.unwrap();
    assert!(v.contains("data-testid=\"verified\"") && v.contains(&first));
    assert_eq!(
        c.get(app.url("/verifikasi/palsu123"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        c.get(app.url("/festival/sertifikat/..%2Fx.pdf"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    // Results of an edition still running are not public; the coordinator settles them.
    let editions: Vec<Value> = c
        .get(app.url("/api/v1/festival/editions"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let current = editions[0]["number"].as_i64().unwrap();
    assert_eq!(
        c.get(app.url(&format!("/festival/{current}/hasil")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let op = app.signed_in("operator.kominfo@anjungan.test").await;
    let ocsrf = app.csrf(&op, "/festival/2").await;
    assert_eq!(
        op.post(app.url("/festival/2/penghargaan"))
            .form(&[("_csrf", ocsrf.as_str())])
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let coord = app.signed_in("koordinator@anjungan.test").await;
    let ccsrf = app.csrf(&coord, "/festival/2/hasil").await;
    assert_eq!(
        coord
            .post(app.url("/festival/2/penghargaan"))
            .form(&[("_csrf", ccsrf.as_str())])
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    assert!(app.audit_count("festival.awards").await >= 2);
    let r = coord
        .post(app.url("/festival/2/penghargaan/khusus"))
        .form(&[("_csrf", ccsrf.as_str()), ("entry", "999999")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

async fn coordinator_dashboard(app: TestApp) {
    let coord = app.signed_in("koordinator@anjungan.test").await;
    let page = app.page(&coord, "/festival/2/dasbor").await;
    let entries: usize = page
        .split("data-testid=\"dash-entries\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(entries >= 5);
    let progress = page
        .split("data-testid=\"progress\"")
        .nth(1)
        .unwrap()
        .split("</table>")
        .next()
        .unwrap();
    assert!(
        progress.contains("Penilaian proposal") && progress.contains("100%"),
        "the demo jury finished: {progress}"
    );
    let op = app.signed_in("operator.kominfo@anjungan.test").await;
    assert_eq!(
        op.get(app.url("/festival/2/dasbor"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        app.client()
            .get(app.url("/festival/2/dasbor"))
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
}

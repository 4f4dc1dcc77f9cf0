//! Proposals, blind review, rubric settings, computed shortlists and agenda sign-up, on SQLite
//! and PostgreSQL.

use crate::both_backends;
use crate::support::*;
use anjungan_festival::domain::phase::{Phase, PhaseKind};
use anjungan_festival::domain::scoring::{Aggregation, PhaseSpec, Review, Rubric};
use anjungan_festival::store;
use serde_json::Value;

both_backends!(
    proposals_follow_the_sections_and_their_limits,
    settings_blind_review_and_rubrics,
    shortlists_are_computed_and_narrow_the_next_phase,
    agenda_sessions_take_sign_ups_within_capacity,
    the_demo_shows_shortlists_proposals_votes_and_sign_ups,
    the_vote_through_the_json_api,
    entering_proposals_and_scores_through_the_json_api
);

const HOUR: i64 = 3_600_000;

fn phase(kind: PhaseKind, from: i64, to: i64) -> Phase {
    Phase {
        kind,
        starts_at: from,
        ends_at: to,
        voting: false,
    }
}

/// A new edition with these phases; returns its id.
pub(crate) async fn edition(app: &TestApp, number: i64, phases: Vec<Phase>) -> i64 {
    anjungan_festival::service::editions::create_edition(
        &app.state.db,
        &anjungan_kernel::audit::Actor::system("test"),
        &store::NewEdition {
            number,
            year: 2031,
            theme: "Uji",
            venue: "Pendopo Manggala Praja Nugraha",
            starts_on: "2031-01-01",
            ends_on: "2031-01-02",
            mode: "in_person",
            entry_limit: 9,
            phases,
        },
    )
    .await
    .unwrap()
}

/// Enters `n` verified demo innovations, Kominfo's first; returns the entry ids.
pub(crate) async fn entries(app: &TestApp, edition: i64, n: usize) -> Vec<i64> {
    let list = app.get_json("/api/v1/innovations").await;
    let list = list.as_array().unwrap();
    let kominfo = app.org_id("DISKOMINFO").await;
    let mut chosen: Vec<&Value> = list
        .iter()
        .filter(|i| i["organisation_id"] == kominfo)
        .take(1)
        .collect();
    chosen.extend(
        list.iter()
            .filter(|i| i["organisation_id"] != kominfo)
            .take(n - 1),
    );
    let mut ids = Vec::new();
    for i in chosen {
        ids.push(
            anjungan_festival::service::entries::add_entry(
                &app.state.db,
                &anjungan_kernel::audit::Actor::system("test"),
                edition,
                i["id"].as_i64().unwrap(),
                i["organisation_id"].as_i64().unwrap(),
            )
            .await
            .unwrap(),
        );
    }
    ids
}

async fn text(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn post(
    app: &TestApp,
    c: &reqwest::Client,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let csrf = app.csrf(c, page).await;
    let mut form: Vec<(&str, &str)> = vec![("_csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    c.post(app.url(action)).form(&form).send().await.unwrap()
}

async fn proposals_follow_the_sections_and_their_limits(app: TestApp) {
    let now = anjungan_kernel::clock::now_ms();
    let id = edition(
        &app,
        60,
        vec![phase(PhaseKind::CallForEntries, now - HOUR, now + HOUR)],
    )
    .await;
    let e = entries(&app, id, 2).await;
    let page = format!("/festival/60/entri/{}", e[0]);
    let op = app.signed_in("operator.kominfo@anjungan.test").await;
    let (status, html) = text(&op, app.url(&page)).await;
    assert_eq!(status, 200);
    assert!(html.contains("name=\"p_summary\"") && html.contains("0 / 200"));
    assert!(html.contains("data-testid=\"completeness\">0/8"));
    // 201 words in the 200-word summary: refused, typed text kept, nothing stored.
    let long = vec!["kata"; 201].join(" ");
    let r = post(
        &app,
        &op,
        &page,
        &page,
        &[("p_summary", &long), ("p_novelty", "Baru sekali.")],
    )
    .await;
    assert_eq!(r.status(), 400);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("Ringkasan: 201 kata, batasnya 200 kata."),
        "{body}"
    );
    assert!(body.contains("Baru sekali."));
    let (_, html) = text(&op, app.url(&page)).await;
    assert!(html.contains("data-testid=\"completeness\">0/8"));
    // Within the limits it is saved and audited.
    let before = app.audit_count("festival.proposal").await;
    let r = post(
        &app,
        &op,
        &page,
        &page,
        &[
            ("p_summary", "Surat desa lewat WhatsApp."),
            ("p_novelty", "Tanda tangan elektronik."),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.audit_count("festival.proposal").await, before + 1);
    let (_, html) = text(&op, app.url(&page)).await;
    assert!(
        html.contains("data-testid=\"completeness\">2/8")
            && html.contains("Surat desa lewat WhatsApp.")
    );
    // Others: another unit is forbidden, an anonymous visitor must sign in, the coordinator reads.
    let other = app.signed_in("sekdes.nglinggis@anjungan.test").await;
    assert_eq!(text(&other, app.url(&page)).await.0, 403);
    assert_eq!(
        post(
            &app,
            &op,
            &page,
            &format!("/festival/60/entri/{}", e[1]),
            &[("p_summary", "x")]
        )
        .await
        .status(),
        403
    );
    assert_ne!(text(&app.client(), app.url(&page)).await.0, 200);
    let coord = app.signed_in("koordinator@anjungan.test").await;
    let (status, html) = text(&coord, app.url(&page)).await;
    assert_eq!(status, 200);
    assert!(html.contains("Tanda tangan elektronik.") && !html.contains("name=\"p_summary\""));
    assert_eq!(
        post(&app, &coord, &page, &page, &[("p_summary", "x")])
            .await
            .status(),
        409
    );
    // The edition page links the owner to the proposal; the public sees no link yet.
    let (_, html) = text(&op, app.url("/festival/60")).await;
    assert!(html.contains(&format!("href=\"{page}\"")));
    let (_, html) = text(&app.client(), app.url("/festival/60")).await;
    assert!(!html.contains(&format!("href=\"{page}\"")));
}

async fn settings_blind_review_and_rubrics(app: TestApp) {
    let now = anjungan_kernel::clock::now_ms();
    let id = edition(
        &app,
        61,
        vec![
            phase(PhaseKind::CallForEntries, now - 2 * HOUR, now - HOUR),
            phase(PhaseKind::DeskReview, now - HOUR, now + HOUR),
        ],
    )
    .await;
    let e = entries(&app, id, 3).await;
    let coord = app.signed_in("koordinator@anjungan.test").await;
    let settings = "/festival/61/pengaturan";
    let (status, html) = text(&coord, app.url(settings)).await;
    assert_eq!(status, 200);
    assert!(html.contains("Ringkasan | 200") && html.contains("Strategi keberlanjutan | 500"));
    assert!(html.contains("data-rubric=\"desk_review\""));
    assert_eq!(
        text(
            &app.signed_in("operator.kominfo@anjungan.test").await,
            app.url(settings)
        )
        .await
        .0,
        403
    );
    // Bad section lines are refused with the line quoted.
    let r = post(
        &app,
        &coord,
        settings,
        settings,
        &[("sections", "Ringkasan 200")],
    )
    .await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("Ringkasan 200"));
    // Own sections and blind review.
    let r = post(
        &app,
        &coord,
        settings,
        settings,
        &[
            ("sections", "Ringkasan | 100\nDampak Ekonomi | 300"),
            ("blind_review", "1"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let api = app.get_json("/api/v1/festival/editions/61").await;
    assert_eq!(api["edition"]["blind_review"], true);
    assert_eq!(
        api["edition"]["proposal_sections"][1]["key"],
        "dampak_ekonomi"
    );
    assert_eq!(api["edition"]["proposal_sections"][1]["word_limit"], 300);
    // The rubric: a default criterion kept, one of the coordinator's own, no comment required.
    let rubric_url = "/festival/61/rubrik/desk_review";
    let fields = |w0: &'static str| {
        vec![
            ("key_0", "novelty"),
            ("weight_0", w0),
            ("label_1", "Dampak Ekonomi"),
            ("weight_1", "40"),
            ("scale_max", "5"),
            ("weight", "100"),
            ("advance", "2"),
            ("aggregation", "median"),
        ]
    };
    let r = post(&app, &coord, settings, rubric_url, &fields("abc")).await;
    assert_eq!(r.status(), 400);
    assert!(store::rubrics(&app.state.db, id).await.unwrap().is_empty());
    assert_eq!(
        post(&app, &coord, settings, rubric_url, &fields("60"))
            .await
            .status(),
        303
    );
    let spec = store::rubrics(&app.state.db, id).await.unwrap().remove(0);
    assert_eq!(spec.rubric.criteria.len(), 2);
    assert_eq!(spec.rubric.criteria[1].label, "Dampak Ekonomi");
    assert_eq!(
        (
            spec.rubric.scale_max,
            spec.advance,
            spec.rubric.comment_required
        ),
        (5, 2, false)
    );
    assert_eq!(spec.aggregation, Aggregation::Median);
    assert!(
        !spec.rubric.show_others,
        "jurors do not see each other's totals in this phase"
    );
    assert_eq!(
        post(
            &app,
            &coord,
            settings,
            "/festival/61/rubrik/site_visit",
            &fields("60")
        )
        .await
        .status(),
        404
    );
    // Blind review: the juror sees the proposal but not the agency.
    assert_eq!(
        post(
            &app,
            &coord,
            settings,
            "/festival/61/tugaskan/desk_review",
            &[]
        )
        .await
        .status(),
        303
    );
    let juror = app.signed_in("juri@anjungan.test").await;
    let (_, jury) = text(&juror, app.url("/festival/61/juri")).await;
    assert!(jury.contains("data-testid=\"blind\"") && !jury.contains("data-testid=\"agency\""));
    assert!(
        jury.contains("Dampak Ekonomi"),
        "the coordinator's own criterion is scored"
    );
    let mine = e
        .iter()
        .find(|x| jury.contains(&format!("/festival/61/entri/{x}\"")))
        .copied()
        .expect("the juror has a task");
    let (status, html) = text(&juror, app.url(&format!("/festival/61/entri/{mine}"))).await;
    assert_eq!(status, 200);
    assert!(html.contains("data-testid=\"blind\"") && !html.contains("href=\"/inovasi/"));
    // A score without a comment is accepted (not required), and then the criteria are frozen.
    let score_url = format!("/festival/61/juri/desk_review/{mine}");
    let r = post(
        &app,
        &juror,
        "/festival/61/juri",
        &score_url,
        &[
            ("s_novelty", "4"),
            ("s_dampak_ekonomi", "5"),
            ("comment", ""),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let r = post(&app, &coord, settings, rubric_url, &fields("70")).await;
    assert_eq!(r.status(), 409);
    assert_eq!(
        store::rubrics(&app.state.db, id).await.unwrap()[0]
            .rubric
            .criteria[0]
            .weight,
        60
    );
    let mut reweigh = fields("60");
    reweigh.retain(|(k, _)| *k != "aggregation");
    assert_eq!(
        post(&app, &coord, settings, rubric_url, &reweigh)
            .await
            .status(),
        303
    );
    assert_eq!(
        store::rubrics(&app.state.db, id).await.unwrap()[0].aggregation,
        Aggregation::Mean
    );
    // Sections are locked once a proposal is written.
    anjungan_festival::service::proposals::save_proposal(
        &app.state.db,
        &anjungan_kernel::audit::Actor::system("test"),
        e[0],
        &[("summary".into(), "Teks.".into())],
    )
    .await
    .unwrap();
    let r = post(
        &app,
        &coord,
        settings,
        settings,
        &[("sections", "Ringkasan | 50")],
    )
    .await;
    assert_eq!(r.status(), 409);
}

async fn shortlists_are_computed_and_narrow_the_next_phase(app: TestApp) {
    let now = anjungan_kernel::clock::now_ms();
    let db = &app.state.db;
    let actor = anjungan_kernel::audit::Actor::system("test");
    let id = edition(
        &app,
        62,
        vec![
            phase(PhaseKind::DeskReview, now - 2 * HOUR, now - HOUR),
            phase(PhaseKind::Presentation, now - HOUR, now + HOUR),
        ],
    )
    .await;
    let e = entries(&app, id, 3).await;
    for (key, advance) in [("desk_review", 2), ("presentation", 0)] {
        anjungan_festival::service::jury::set_rubric(
            db,
            &actor,
            id,
            &PhaseSpec {
                key: key.into(),
                weight: 50,
                rubric: Rubric::default_tif(),
                aggregation: Aggregation::Mean,
                normalise: false,
                advance,
            },
        )
        .await
        .unwrap();
    }
    // Desk scores: the third entry best, the first worst.
    let juror = 1;
    for (entry, s) in [(e[0], 3), (e[1], 6), (e[2], 9)] {
        let review = Review {
            juror,
            entry,
            scores: Rubric::default_tif()
                .criteria
                .iter()
                .map(|c| (c.key.clone(), s))
                .collect(),
        };
        anjungan_festival::service::jury::save_review(db, &actor, id, &review, "desk_review", "ok")
            .await
            .unwrap();
    }
    let coord = app.signed_in("koordinator@anjungan.test").await;
    let (_, ranking) = text(&coord, app.url("/festival/62/peringkat")).await;
    let list = ranking.split("data-testid=\"ranking\"").nth(1).unwrap();
    let order: Vec<i64> = list
        .split("data-entry=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(order, vec![e[2], e[1], e[0]]);
    assert_eq!(list.matches("Lolos Penilaian proposal").count(), 2);
    assert_eq!(list.matches("Berhenti pada Penilaian proposal").count(), 1);
    let (_, page) = text(&app.client(), app.url("/festival/62")).await;
    assert_eq!(page.matches("data-testid=\"standing\"").count(), 3);
    // Results are not out: the ranking API answers 404 to the public, and the coordinator sees it.
    let r = app
        .client()
        .get(app.url("/api/v1/festival/editions/62/ranking"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = coord
        .get(app.url("/api/v1/festival/editions/62/ranking"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let rows: Value = r.json().await.unwrap();
    assert_eq!(rows[2]["stopped"], "desk_review");
    // The presentation phase is assigned only to the shortlisted entries.
    assert_eq!(
        post(
            &app,
            &coord,
            "/festival/62/peringkat",
            "/festival/62/tugaskan/presentation",
            &[]
        )
        .await
        .status(),
        303
    );
    let assigned: std::collections::BTreeSet<i64> =
        sqlx::query_scalar::<_, i64>("SELECT entry_id FROM festival_assignments WHERE edition_id = $1 AND phase = 'presentation'")
            .bind(id)
            .fetch_all(&db.pool)
            .await
            .unwrap()
            .into_iter()
            .collect();
    assert_eq!(assigned, [e[1], e[2]].into_iter().collect());
}

async fn agenda_sessions_take_sign_ups_within_capacity(app: TestApp) {
    let now = anjungan_kernel::clock::now_ms();
    let db = &app.state.db;
    let actor = anjungan_kernel::audit::Actor::system("test");
    let id = edition(
        &app,
        63,
        vec![phase(PhaseKind::CallForEntries, now - HOUR, now + HOUR)],
    )
    .await;
    let session = |title: &str, starts_at: i64| store::Session {
        id: 0,
        title: title.into(),
        kind: "panel".into(),
        starts_at,
        ends_at: starts_at + HOUR,
        place: String::new(),
        stream_url: String::new(),
        speakers: String::new(),
        moderator: String::new(),
        capacity: Some(1),
    };
    let panel = anjungan_festival::service::agenda::add_session(
        db,
        &actor,
        id,
        &session("Diskusi", now + 24 * HOUR),
    )
    .await
    .unwrap();
    let past = anjungan_festival::service::agenda::add_session(
        db,
        &actor,
        id,
        &session("Lalu", now - HOUR),
    )
    .await
    .unwrap();
    let a = app.signed_in("juri@anjungan.test").await;
    let b = app.signed_in("operator.kominfo@anjungan.test").await;
    let signups_before = app.audit_count("festival.signup").await;
    let up = format!("/festival/63/sesi/{panel}/daftar");
    assert_eq!(post(&app, &a, "/festival/63", &up, &[]).await.status(), 303);
    let (_, html) = text(&a, app.url("/festival/63")).await;
    assert!(html.contains("Anda terdaftar") && html.contains("Kursi tersisa: 0"));
    let r = post(&app, &b, "/festival/63", &up, &[]).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("sudah penuh"));
    assert_eq!(post(&app, &a, "/festival/63", &up, &[]).await.status(), 409);
    assert_eq!(
        post(
            &app,
            &a,
            "/festival/63",
            &format!("/festival/63/sesi/{past}/daftar"),
            &[]
        )
        .await
        .status(),
        400
    );
    assert_eq!(
        post(
            &app,
            &a,
            "/festival/63",
            "/festival/63/sesi/999999/daftar",
            &[]
        )
        .await
        .status(),
        404
    );
    // Cancelling frees the seat.
    assert_eq!(
        post(
            &app,
            &a,
            "/festival/63",
            &format!("/festival/63/sesi/{panel}/batal"),
            &[("konfirmasi", "ya")]
        )
        .await
        .status(),
        303
    );
    assert_eq!(post(&app, &b, "/festival/63", &up, &[]).await.status(), 303);
    assert_eq!(app.audit_count("festival.signup").await, signups_before + 2);
    // Anonymous visitors are asked to sign in.
    let (_, html) = text(&app.client(), app.url("/festival/63")).await;
    assert!(html.contains("Masuk untuk mendaftar"));
}

async fn the_demo_shows_shortlists_proposals_votes_and_sign_ups(app: TestApp) {
    let c = app.client();
    // The 2nd TIF: five proposals shortlisted for the presentations, the rest stopped.
    let (_, page) = text(&c, app.url("/festival/2")).await;
    assert_eq!(page.matches("Lolos Penilaian proposal").count(), 5);
    assert!(page.contains("Berhenti pada Penilaian proposal"));
    // Results are public, so are the proposals.
    let entry: i64 = page
        .split("/festival/2/entri/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .and_then(|s| s.parse().ok())
        .expect("a public proposal link");
    let (status, proposal) = text(&c, app.url(&format!("/festival/2/entri/{entry}"))).await;
    assert_eq!(status, 200);
    assert!(
        proposal.contains("data-section=\"summary\"") && !proposal.contains("name=\"p_summary\"")
    );
    // The same ranking and awards as JSON.
    let ranking = app.get_json("/api/v1/festival/editions/2/ranking").await;
    let ranking = ranking.as_array().unwrap();
    assert_eq!(ranking[0]["position"], 1);
    assert_eq!(
        ranking
            .iter()
            .filter(|r| r["stopped"] == "desk_review")
            .count(),
        ranking.len() - 5
    );
    assert!(
        ranking[0]["shortlisted"][0] == "desk_review"
            && ranking[0]["phases"][0]["score"].is_string()
    );
    let awards = app.get_json("/api/v1/festival/editions/2/awards").await;
    assert!(
        awards
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["category"] == "favourite"
                && a["verify"].as_str().unwrap().starts_with("/verifikasi/"))
    );
    // The public vote: counted votes decide the favourite; the burst from one device is voided.
    let (_, results) = text(&c, app.url("/festival/2/hasil")).await;
    assert!(results.contains("data-award=\"favourite\""), "{results}");
    let voided: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM festival_votes WHERE voided_at IS NOT NULL")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(voided, 20);
    // This year's edition reviews blind and has a small class with seats taken.
    let year = anjungan_kernel::clock::to_wib(anjungan_kernel::clock::now_ms()).year();
    let current = app
        .get_json(&format!("/api/v1/festival/editions/{}", year - 2018))
        .await;
    assert_eq!(current["edition"]["blind_review"], true);
    let (_, page) = text(&c, app.url(&format!("/festival/{}", year - 2018))).await;
    assert!(
        page.contains("Kursi tersisa: 1"),
        "two of three seats taken"
    );
}

/// A one-time code for the edition's vote, issued by the kernel as a request for one would
/// (from an address of its own, so the per-address limit stays out of the way).
async fn vote_code(app: &TestApp, edition: i64, phone: &str) -> String {
    let normal = anjungan_kernel::identity::domain::Phone::parse(phone).unwrap();
    let mut tx = app.state.db.begin_write().await.unwrap();
    let code = anjungan_kernel::otp::store::issue(
        &mut tx,
        &app.state.keys,
        &anjungan_kernel::otp::Limits::default(),
        &format!("festival-vote:{edition}"),
        normal.as_str(),
        &format!("test-{phone}"),
        app.state.clock.now_ms(),
    )
    .await
    .unwrap()
    .unwrap();
    tx.commit().await.unwrap();
    code
}

async fn the_vote_through_the_json_api(app: TestApp) {
    let now = anjungan_kernel::clock::now_ms();
    let id = edition(
        &app,
        64,
        vec![Phase {
            kind: PhaseKind::Final,
            starts_at: now - HOUR,
            ends_at: now + HOUR,
            voting: true,
        }],
    )
    .await;
    let e = entries(&app, id, 2).await;
    let c = app.client();
    let api = |path: &str| app.url(&format!("/api/v1/festival/editions/64/{path}"));
    // A code is sent through the outbox; a bad contact is refused with a problem document.
    let r = c
        .post(api("vote-codes"))
        .json(&serde_json::json!({"contact": "0812 3456 7890"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let r = c
        .post(api("vote-codes"))
        .json(&serde_json::json!({"contact": "bukan nomor"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/problem+json")
    );
    let code = vote_code(&app, id, "081234567891").await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let vote = |code: &str, entry: i64| {
        c.post(api("votes"))
            .json(&serde_json::json!({"contact": "081234567891", "code": code, "entry": entry}))
            .send()
    };
    assert_eq!(vote(wrong, e[0]).await.unwrap().status(), 400);
    let r = vote(&code, e[0]).await.unwrap();
    assert_eq!(r.status(), 201);
    let receipt: Value = r.json().await.unwrap();
    assert!(receipt["vote"].as_i64().unwrap() > 0);
    let again = vote_code(&app, id, "081234567891").await;
    assert_eq!(
        vote(&again, e[1]).await.unwrap().status(),
        409,
        "one vote per contact"
    );
    let counted: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM festival_votes WHERE edition_id = $1")
            .bind(id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(counted, 1);
    // Concurrent voters are committed in batches: every acknowledged vote is stored, and one
    // contact racing itself still votes once.
    let mut bodies: Vec<Value> = Vec::new();
    for i in 0..40 {
        let code = vote_code(&app, id, &format!("0813{i:08}")).await;
        bodies.push(
            serde_json::json!({"contact": format!("0813{i:08}"), "code": code, "entry": e[i % 2]}),
        );
    }
    let racer = vote_code(&app, id, "081400000001").await;
    bodies.extend(
        (0..5)
            .map(|_| serde_json::json!({"contact": "081400000001", "code": racer, "entry": e[0]})),
    );
    let mut racing = tokio::task::JoinSet::new();
    for body in bodies {
        let (c, url) = (c.clone(), api("votes"));
        racing.spawn(async move {
            c.post(url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        });
    }
    let statuses: Vec<u16> = racing.join_all().await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        41,
        "{statuses:?}"
    );
    let counted: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM festival_votes WHERE edition_id = $1")
            .bind(id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(counted, 42);
    assert_eq!(
        c.post(app.url("/api/v1/festival/editions/99/votes"))
            .json(&serde_json::json!({"contact": "081234567891", "code": "1", "entry": 1}))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

async fn entering_proposals_and_scores_through_the_json_api(app: TestApp) {
    let now = anjungan_kernel::clock::now_ms();
    let db = &app.state.db;
    edition(
        &app,
        65,
        vec![phase(PhaseKind::CallForEntries, now - HOUR, now + HOUR)],
    )
    .await;
    let kominfo = app.org_id("DISKOMINFO").await;
    let list = app.get_json("/api/v1/innovations").await;
    let innovation = list
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["organisation_id"] == kominfo)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let c = app.client();
    let op = app.token("operator.kominfo@anjungan.test").await;
    let other = app.token("sekdes.nglinggis@anjungan.test").await;
    let url = app.url("/api/v1/festival/editions/65/entries");
    let body = serde_json::json!({ "innovation": innovation });
    assert_eq!(c.post(&url).json(&body).send().await.unwrap().status(), 401);
    assert_eq!(
        c.post(&url)
            .bearer_auth(&other)
            .json(&body)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let r = c
        .post(&url)
        .bearer_auth(&op)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let entry = r.json::<Value>().await.unwrap()["entry"].as_i64().unwrap();
    assert_eq!(
        c.post(&url)
            .bearer_auth(&op)
            .json(&body)
            .send()
            .await
            .unwrap()
            .status(),
        409
    );
    assert_eq!(
        c.post(&url)
            .bearer_auth(&op)
            .json(&serde_json::json!({"innovation": 999_999}))
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    // The proposal: over a limit refused as a problem document, then written and read back.
    let purl = app.url(&format!(
        "/api/v1/festival/editions/65/entries/{entry}/proposal"
    ));
    let long = vec!["kata"; 201].join(" ");
    let r = c
        .put(&purl)
        .bearer_auth(&op)
        .json(&serde_json::json!({"texts": {"summary": long}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let problem: Value = r.json().await.unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("201"),
        "{problem}"
    );
    let r = c
        .put(&purl)
        .bearer_auth(&op)
        .json(&serde_json::json!({"texts": {"summary": "Surat desa lewat WhatsApp.", "novelty": "Tanda tangan elektronik."}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let view: Value = r.json().await.unwrap();
    assert_eq!(view["sections"][0]["words"], 4);
    assert_eq!(view["editable"], true);
    assert_eq!(c.get(&purl).send().await.unwrap().status(), 401);
    assert_eq!(
        c.get(&purl)
            .bearer_auth(&other)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    // A juror's score through the API, only on an assigned entry while the phase is open.
    let review = edition(
        &app,
        66,
        vec![phase(PhaseKind::DeskReview, now - HOUR, now + HOUR)],
    )
    .await;
    let e = entries(&app, review, 2).await;
    let actor = anjungan_kernel::audit::Actor::system("test");
    anjungan_festival::service::jury::set_rubric(
        db,
        &actor,
        review,
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
    let dewi: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'juri@anjungan.test'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    anjungan_festival::service::jury::set_assignments(
        db,
        &actor,
        review,
        "desk_review",
        &[(e[1], vec![dewi])].into_iter().collect(),
    )
    .await
    .unwrap();
    let juror = app.token("juri@anjungan.test").await;
    let scores = |v: u32| -> serde_json::Map<String, Value> {
        Rubric::default_tif()
            .criteria
            .iter()
            .map(|c| (c.key.clone(), Value::from(v)))
            .collect()
    };
    let surl = |entry: i64| {
        app.url(&format!(
            "/api/v1/festival/editions/66/reviews/desk_review/{entry}"
        ))
    };
    let ok = serde_json::json!({"scores": scores(8), "comment": "Jelas manfaatnya."});
    assert_eq!(
        c.post(surl(e[0]))
            .bearer_auth(&juror)
            .json(&ok)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let bad = serde_json::json!({"scores": scores(11), "comment": "x"});
    assert_eq!(
        c.post(surl(e[1]))
            .bearer_auth(&juror)
            .json(&bad)
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    let silent = serde_json::json!({"scores": scores(8)});
    assert_eq!(
        c.post(surl(e[1]))
            .bearer_auth(&juror)
            .json(&silent)
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    assert_eq!(
        c.post(surl(e[1]))
            .bearer_auth(&juror)
            .json(&ok)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    let stored = store::reviews(db, review).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].1.entry, e[1]);
}

//! Lion end to end on SQLite and PostgreSQL: a verified buyer bids on the page and through the
//! API while the hall bids through the auctioneer; the auctioneer registers lots, runs a clock
//! session to its close; refusals say why and change nothing; the live feed resumes without
//! gaps; a new node (or a restart) replays the journal to the same state.

use crate::both_backends;
use crate::desk::pdf_text;
use crate::support::*;
use anjungan_auction::domain::catalogue::format_rupiah as rp;
use anjungan_auction::domain::engine::{BuyerId, LotId};
use anjungan_auction::domain::rules::{Rules, value};
use anjungan_auction::service::runtime::{Hall, SharedHall};
use serde_json::{Value, json};
use std::time::Duration;

both_backends!(
    a_buyer_bids_on_the_page_and_through_the_api,
    the_auctioneer_runs_a_clock_session_to_its_close,
    forbidden_and_invalid_actions_change_nothing,
    the_feed_resumes_without_gaps,
    a_restarted_node_replays_the_journal_to_the_same_state,
    tickets_levy_payments_and_unpaid_debts,
    the_port_report_exports_and_the_price_history,
    the_admin_sets_ports_levy_rules_and_species,
    corrupt_rules_are_an_error_never_another_auction,
    what_a_buyer_owes_counts_the_levy_here_as_elsewhere,
    straight_and_proxy_bids_band_edges_and_the_minimum_as_a_field,
    a_bid_exactly_one_window_before_the_end_does_not_extend_the_close,
    the_clock_never_restarts_above_the_start_price,
    a_days_levy_per_account_is_the_sum_of_the_tickets,
    the_rules_page_states_each_rule_from_the_rules,
    each_lot_shows_its_bid_history_with_paddles_masked,
);

/// A session's rule set or a port's levy that no longer parses is reported as an error; it never
/// silently becomes the ascending default or the regency's default levy.
async fn corrupt_rules_are_an_error_never_another_auction(app: TestApp) {
    let (session, _) = morning(&app).await;
    sqlx::query("UPDATE auction_sessions SET rules = '{\"format\": \"kl' WHERE id = $1")
        .bind(session)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let Err(err) = anjungan_auction::store::sessions::get(&app.state.db, session).await else {
        panic!("a corrupt rule set is an error");
    };
    assert!(format!("{err}").contains("rules"), "{err}");
    let port: i64 = sqlx::query_scalar("SELECT id FROM auction_ports ORDER BY id LIMIT 1")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE auction_ports SET levy = 'bukan json' WHERE id = $1")
        .bind(port)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let Err(err) = anjungan_auction::store::catalogue::port(&app.state.db, port).await else {
        panic!("a corrupt levy is an error");
    };
    assert!(format!("{err}").contains("levy"), "{err}");
}

async fn scalar(app: &TestApp, sql: &'static str, bind: i64) -> i64 {
    sqlx::query_scalar(sql)
        .bind(bind)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// The demo's running morning session at Prigi and its lots in order.
async fn morning(app: &TestApp) -> (i64, Vec<i64>) {
    let id: i64 = sqlx::query_scalar(
        "SELECT id FROM auction_sessions WHERE state = 'open' ORDER BY id LIMIT 1",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let lots: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM auction_lots WHERE session_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    (id, lots)
}

async fn journal_len(app: &TestApp, session: i64) -> i64 {
    scalar(
        app,
        "SELECT COUNT(*) FROM auction_journal WHERE session_id = $1",
        session,
    )
    .await
}

/// A demo buyer's paddle number (their id) by name.
async fn paddle(app: &TestApp, name: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM auction_buyers WHERE name = $1")
        .bind(name)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn post_json(app: &TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    let r = app
        .client()
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn a_buyer_bids_on_the_page_and_through_the_api(app: TestApp) {
    let (session, lots) = morning(&app).await;
    assert_eq!(lots.len(), 12, "a dozen lots this morning");
    // The public list links the session; its page shows every lot without signing in.
    let index = app
        .client()
        .get(app.url("/lelang"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(index.contains(&format!("/lelang/sesi/{session}")) && index.contains("PPN Prigi"));
    assert!(
        index.contains("Cakalang"),
        "yesterday's early prices are shown"
    );
    let page = app
        .client()
        .get(app.url(&format!("/lelang/sesi/{session}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(page.matches("data-testid=\"lot\"").count(), 12);
    assert!(
        page.contains("http-equiv=\"refresh\""),
        "refreshes itself without JavaScript"
    );
    assert!(
        !page.contains("data-testid=\"bid-button\""),
        "no bid form for a guest"
    );

    // Bu Sumi (verified) bids on lot 2 (95 kg tongkol, opening Rp 16.000/kg) from her phone.
    let sumi = app.signed_in("bakul@anjungan.test").await;
    let me = paddle(&app, "Bu Sumi").await;
    let path = format!("/lelang/sesi/{session}");
    let lot = lots[1].to_string();
    let before = journal_len(&app, session).await;
    let r = app
        .post_form(
            &sumi,
            &path,
            &format!("{path}/tawar"),
            &[("lot", &lot), ("harga", "15.000")],
        )
        .await;
    assert_eq!(r.status(), 422, "below the opening price");
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Tawaran terlalu rendah") && html.contains("Rp 16.000"),
        "says why and what is enough"
    );
    assert_eq!(
        journal_len(&app, session).await,
        before,
        "a refused bid changes nothing"
    );
    let r = app
        .post_form(
            &sumi,
            &path,
            &format!("{path}/tawar"),
            &[("lot", &lot), ("harga", "Rp 16.000")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let html = sumi
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // A bidder's page never refreshes itself (it would wipe the bid being typed); without
    // JavaScript it offers the latest prices as a link.
    assert!(
        !html.contains("http-equiv=\"refresh\""),
        "no refresh while bidding"
    );
    assert!(html.contains("data-testid=\"reload-prices\""));
    let card = html
        .split(&format!("id=\"lot-{lot}\""))
        .nth(1)
        .unwrap()
        .split("</article>")
        .next()
        .unwrap();
    assert!(
        card.contains("Anda memimpin") && card.contains("Rp 16.000"),
        "{card}"
    );
    assert!(
        card.contains("value=\"16250\""),
        "the next minimum is prefilled"
    );

    // Through the API: too low, then a proxy maximum that does not move her own price.
    let token = app.token("bakul@anjungan.test").await;
    let (st, problem) = post_json(
        &app,
        &token,
        &format!("/api/v1/lots/{lot}/bids"),
        json!({"amount": 16000}),
    )
    .await;
    assert_eq!(st, 409, "{problem}");
    assert_eq!(problem["code"], "auction.error.already_leading");
    let (st, ok) = post_json(
        &app,
        &token,
        &format!("/api/v1/lots/{lot}/bids"),
        json!({"amount": 20000, "proxy": true}),
    )
    .await;
    assert_eq!(st, 201, "{ok}");
    assert_eq!(
        (ok["price"].as_i64(), ok["leading"].as_bool()),
        (Some(16_000), Some(true))
    );
    // The limit holds across lots: Rp 25 million, 1.9 million of it held by her maximum on
    // lot 2; 310 kg at Rp 100.000 would add 31 million.
    let (st, problem) = post_json(
        &app,
        &token,
        &format!("/api/v1/lots/{}/bids", lots[2]),
        json!({"amount": 100000}),
    )
    .await;
    assert_eq!(
        (st, problem["code"].as_str()),
        (403, Some("auction.error.exposure")),
        "{problem}"
    );

    // The hall bids for Pak Harno through the auctioneer: her proxy answers, she still leads.
    let juru = app.token("jurulelang.prigi@anjungan.test").await;
    let harno = paddle(&app, "Pak Harno").await;
    let (st, b) = post_json(
        &app,
        &juru,
        &format!("/api/v1/lots/{lot}/bids"),
        json!({"amount": 18000, "buyer_id": harno}),
    )
    .await;
    assert_eq!(st, 201, "{b}");
    assert_eq!(
        (
            b["leader"].as_i64(),
            b["price"].as_i64(),
            b["leading"].as_bool()
        ),
        (Some(me), Some(18_250), Some(false))
    );
    // Then beats her maximum: he leads at one step above it.
    let (_, b) = post_json(
        &app,
        &juru,
        &format!("/api/v1/lots/{lot}/bids"),
        json!({"amount": 21000, "buyer_id": harno}),
    )
    .await;
    assert_eq!(
        (b["leader"].as_i64(), b["price"].as_i64()),
        (Some(harno), Some(21_000))
    );
    let detail = app
        .client()
        .get(app.url(&format!("/api/v1/auction/sessions/{session}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(detail["you"].as_i64(), Some(me));
    let l = detail["lots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"].as_i64() == lots[1].into())
        .unwrap();
    assert_eq!(
        (
            l["leader"].as_i64(),
            l["price"].as_i64(),
            l["minimum"].as_i64()
        ),
        (Some(harno), Some(21_000), Some(21_250))
    );
    assert_eq!(
        app.audit_count("auction.lot.register").await,
        18,
        "every landed lot audited"
    );
    // Every accepted bid is in the journal with its channel.
    let hall_bids = scalar(&app, "SELECT COUNT(*) FROM auction_journal WHERE session_id = $1 AND command LIKE '%\"channel\":\"hall\"%'", session).await;
    assert_eq!(hall_bids, 2);
}

async fn the_auctioneer_runs_a_clock_session_to_its_close(app: TestApp) {
    let juru = app.signed_in("jurulelang.prigi@anjungan.test").await;
    let console = juru
        .get(app.url("/lelang/kelola"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        console.contains("PPN Prigi") && console.contains("Pak Slamet"),
        "ports, buyers waiting"
    );
    let prigi = scalar(
        &app,
        "SELECT id FROM auction_ports WHERE code = 'PRIGI' AND id > $1",
        0,
    )
    .await;
    let skj = scalar(
        &app,
        "SELECT id FROM auction_species WHERE code = 'SKJ' AND id > $1",
        0,
    )
    .await;
    let fisher = scalar(
        &app,
        "SELECT MIN(id) FROM auction_fishers WHERE port_id = $1",
        prigi,
    )
    .await;
    let lots_before = scalar(
        &app,
        "SELECT COUNT(*) FROM auction_lots WHERE port_id = $1",
        prigi,
    )
    .await;
    let form = |kg: &'static str| {
        vec![
            ("species", skj.to_string()),
            ("fisher", fisher.to_string()),
            ("kg", kg.to_string()),
            ("grade", "a".to_string()),
            ("harga", "24.000".to_string()),
        ]
    };
    let post = |fields: Vec<(&'static str, String)>, action: String| {
        let juru = juru.clone();
        let app = &app;
        async move {
            let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form(&juru, "/lelang/kelola", &action, &f).await
        }
    };
    // A new fisher and his boat (phone sealed; bad phone or tonnage refused).
    let r = post(
        vec![("nama", "Pak Tarno".into()), ("telepon", "12ab".into())],
        format!("/lelang/kelola/pelabuhan/{prigi}/nelayan"),
    )
    .await;
    assert_eq!(r.status(), 422);
    let r = post(
        vec![
            ("nama", "Pak Tarno".into()),
            ("telepon", "0812 3456 7890".into()),
        ],
        format!("/lelang/kelola/pelabuhan/{prigi}/nelayan"),
    )
    .await;
    assert_eq!(r.status(), 303);
    let tarno = scalar(
        &app,
        "SELECT id FROM auction_fishers WHERE name = 'Pak Tarno' AND port_id = $1",
        prigi,
    )
    .await;
    let sealed: String = sqlx::query_scalar("SELECT phone_enc FROM auction_fishers WHERE id = $1")
        .bind(tarno)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(!sealed.contains("3456"), "the phone is sealed at rest");
    let r = post(
        vec![
            ("nelayan", tarno.to_string()),
            ("nama", "Rejeki Laut".into()),
            ("gt", "6,55".into()),
        ],
        format!("/lelang/kelola/pelabuhan/{prigi}/kapal"),
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Tonase kotor"));
    let r = post(
        vec![
            ("nelayan", tarno.to_string()),
            ("nama", "Rejeki Laut".into()),
            ("gt", "6,5".into()),
        ],
        format!("/lelang/kelola/pelabuhan/{prigi}/kapal"),
    )
    .await;
    assert_eq!(r.status(), 303);
    let console = juru
        .get(app.url("/lelang/kelola"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(console.contains("Pak Tarno") && console.contains("KM Rejeki Laut"));
    let r = post(form("0"), format!("/lelang/kelola/pelabuhan/{prigi}/lot")).await;
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Berat harus lebih dari nol")
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM auction_lots WHERE port_id = $1",
            prigi
        )
        .await,
        lots_before
    );
    for kg in ["100", "40,5"] {
        let r = post(form(kg), format!("/lelang/kelola/pelabuhan/{prigi}/lot")).await;
        assert_eq!(r.status(), 303);
    }
    let r = post(
        vec![("format", "clock".into()), ("mulai", "0".into())],
        format!("/lelang/kelola/pelabuhan/{prigi}/sesi"),
    )
    .await;
    assert_eq!(r.status(), 303);
    let run = r.headers()["location"].to_str().unwrap().to_string();
    let session: i64 = run.rsplit('/').next().unwrap().parse().unwrap();
    let waiting: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM auction_lots WHERE port_id = $1 AND session_id IS NULL ORDER BY id",
    )
    .bind(prigi)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    let new_lots = &waiting[waiting.len() - 2..];
    for l in new_lots {
        let r = app
            .post_form(
                &juru,
                &run,
                &format!("{run}/lot"),
                &[("lot", &l.to_string())],
            )
            .await;
        assert_eq!(r.status(), 303);
    }
    // One session at a time per port: this morning's is still running.
    let r = run_command(&app, &juru, &run, "open").await;
    assert_eq!(r.status(), 409);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("sedang menjalankan sesi lain")
    );
    let (morning_id, _) = morning(&app).await;
    let m = format!("/lelang/kelola/sesi/{morning_id}");
    let r = run_command(&app, &juru, &m, "close").await;
    assert_eq!(r.status(), 303);
    let r = run_command(&app, &juru, &run, "open").await;
    assert_eq!(r.status(), 303);
    let page = juru
        .get(app.url(&run))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Berlangsung"), "open");
    // The public page lets the clock fall in the browser from where the server drew it.
    let (_, public) = app_get_status(&app, &format!("/lelang/sesi/{session}")).await;
    assert!(
        public.contains("data-clock=\"24000,"),
        "the running clock's start, step and interval"
    );

    // Bu Sumi stops the clock for 30 kg through the API; the hall takes the rest for Pak Joko.
    let token = app.token("bakul@anjungan.test").await;
    let (st, bought) = post_json(
        &app,
        &token,
        &format!("/api/v1/lots/{}/stops", new_lots[0]),
        json!({"grams": 30000}),
    )
    .await;
    assert_eq!(st, 201, "{bought}");
    let price = bought["price"].as_i64().unwrap();
    assert!(price <= 24_000 && price > 20_000, "{price}");
    let (st, problem) = post_json(
        &app,
        &token,
        &format!("/api/v1/lots/{}/bids", new_lots[0]),
        json!({"amount": 30000}),
    )
    .await;
    assert_eq!(
        (st, problem["code"].as_str()),
        (422, Some("auction.error.wrong_format"))
    );
    let joko = paddle(&app, "Pak Joko").await;
    let r = app
        .post_form(
            &juru,
            &run,
            &format!("{run}/tawar"),
            &[
                ("lot", &new_lots[0].to_string()),
                ("pembeli", &joko.to_string()),
                ("harga", "70"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    // The first lot is sold out; the second is on the clock now. Close the session.
    let r = run_command(&app, &juru, &run, "close").await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM auction_sales WHERE session_id = $1",
            session
        )
        .await,
        2
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT CAST(SUM(grams) AS BIGINT) FROM auction_sales WHERE session_id = $1",
            session
        )
        .await,
        100_000
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM auction_lots WHERE session_id = $1 AND state = 'sold'",
            session
        )
        .await,
        1
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM auction_lots WHERE session_id = $1 AND state = 'unsold'",
            session
        )
        .await,
        1
    );
    let st = sqlx::query_scalar::<_, String>("SELECT state FROM auction_sessions WHERE id = $1")
        .bind(session)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(st, "closed");
    // After the close every path refuses the same way.
    let (st, problem) = post_json(
        &app,
        &token,
        &format!("/api/v1/lots/{}/stops", new_lots[1]),
        json!({"grams": 1000}),
    )
    .await;
    assert_eq!(
        (st, problem["code"].as_str()),
        (409, Some("auction.error.session_over"))
    );
    let r = run_command(&app, &juru, &run, "open").await;
    assert_eq!(r.status(), 409);
    // Today's prices include the clock's cakalang.
    let prices = app.get_json("/api/v1/auction/prices").await;
    assert!(
        prices
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["species_code"] == "SKJ")
    );
}

async fn forbidden_and_invalid_actions_change_nothing(app: TestApp) {
    let (session, lots) = morning(&app).await;
    let before = journal_len(&app, session).await;
    // A guest's bid goes to sign-in; the API answers 401.
    let r = app
        .client()
        .post(app.url(&format!("/api/v1/lots/{}/bids", lots[3])))
        .json(&json!({"amount": 30000}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // A citizen who is no buyer at the port.
    let warga = app.token("warga@anjungan.test").await;
    let (st, p) = post_json(
        &app,
        &warga,
        &format!("/api/v1/lots/{}/bids", lots[3]),
        json!({"amount": 30000}),
    )
    .await;
    assert_eq!(
        (st, p["code"].as_str()),
        (403, Some("auction.error.not_admitted"))
    );
    // A buyer may not run the session, nor enter a hall bid for someone else.
    let bakul = app.token("bakul@anjungan.test").await;
    let (st, _) = post_json(
        &app,
        &bakul,
        &format!("/api/v1/auction/sessions/{session}/commands"),
        json!({"command": "close"}),
    )
    .await;
    assert_eq!(st, 403);
    let (st, _) = post_json(
        &app,
        &bakul,
        &format!("/api/v1/lots/{}/bids", lots[3]),
        json!({"amount": 30000, "buyer_id": 1}),
    )
    .await;
    assert_eq!(st, 403);
    let r = app
        .signed_in("bakul@anjungan.test")
        .await
        .get(app.url("/lelang/kelola"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // The cashier may register lots but not run sessions.
    let kasir = app.token("kasir.prigi@anjungan.test").await;
    let (st, _) = post_json(
        &app,
        &kasir,
        &format!("/api/v1/auction/sessions/{session}/commands"),
        json!({"command": "pause"}),
    )
    .await;
    assert_eq!(st, 403);
    // Invalid input: malformed JSON, negative amounts, unknown lots, unknown commands.
    let r = app
        .client()
        .post(app.url(&format!("/api/v1/lots/{}/bids", lots[3])))
        .bearer_auth(&bakul)
        .header("content-type", "application/json")
        .body("{amount:")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let (st, p) = post_json(
        &app,
        &bakul,
        &format!("/api/v1/lots/{}/bids", lots[3]),
        json!({"amount": -5}),
    )
    .await;
    assert_eq!(
        (st, p["code"].as_str()),
        (422, Some("auction.error.amount"))
    );
    let (st, _) = post_json(
        &app,
        &bakul,
        "/api/v1/lots/999999/bids",
        json!({"amount": 30000}),
    )
    .await;
    assert_eq!(st, 404);
    let juru = app.token("jurulelang.prigi@anjungan.test").await;
    let (st, _) = post_json(
        &app,
        &juru,
        &format!("/api/v1/auction/sessions/{session}/commands"),
        json!({"command": "explode"}),
    )
    .await;
    assert_eq!(st, 400);
    let (st, p) = post_json(
        &app,
        &juru,
        &format!("/api/v1/auction/sessions/{session}/commands"),
        json!({"command": "open"}),
    )
    .await;
    assert_eq!(
        (st, p["code"].as_str()),
        (409, Some("auction.error.already_open"))
    );
    let (st, _) = app_get_status(&app, "/api/v1/auction/sessions?day=kemarin").await;
    assert_eq!(st, 422);
    assert_eq!(
        journal_len(&app, session).await,
        before,
        "nothing was journaled"
    );
    // A port with too few eligible buyers cannot open a session.
    let panggul = scalar(
        &app,
        "SELECT id FROM auction_ports WHERE code = 'PANGGUL' AND id > $1",
        0,
    )
    .await;
    let fisher = anjungan_auction::service::catalogue::add_fisher(
        &app.state.db,
        &app.state.keys,
        panggul,
        "Pak Sarno",
        None,
        None,
    )
    .await
    .unwrap();
    let skj = scalar(
        &app,
        "SELECT id FROM auction_species WHERE code = 'SKJ' AND id > $1",
        0,
    )
    .await;
    let (st, lot) = post_json(&app, &juru, &format!("/api/v1/auction/ports/{panggul}/lots"), json!({"species_id": skj, "fisher_id": fisher, "grams": 50000, "grade": "b", "start_price": 20000})).await;
    assert_eq!(st, 201, "{lot}");
    let (st, p) = post_json(&app, &juru, &format!("/api/v1/auction/ports/{panggul}/lots"), json!({"species_id": skj, "fisher_id": fisher, "grams": 0, "grade": "b", "start_price": 20000})).await;
    assert_eq!(
        (st, p["code"].as_str()),
        (422, Some("auction.error.weight"))
    );
    // Photos: only an uploaded image, at most three.
    let png: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0,
        0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89, 0, 0, 0, 10, 0x49, 0x44, 0x41,
        0x54, 0x78, 0x9C, 0x63, 0, 1, 0, 0, 5, 0, 1, 0x0D, 0x0A, 0x2D, 0xB4, 0, 0, 0, 0, 0x49,
        0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ];
    let juru_web = app.signed_in("jurulelang.prigi@anjungan.test").await;
    let csrf = app.csrf(&juru_web, "/lelang/kelola").await;
    // As the console's form sends it: the CSRF token in the action's query.
    let photo_url = app.url(&format!(
        "/lelang/kelola/lot/{}/foto?_csrf={csrf}",
        lot["id"]
    ));
    let upload = |bytes: Vec<u8>, name: &'static str| {
        let form = reqwest::multipart::Form::new()
            .text("_csrf", csrf.clone())
            .part(
                "berkas",
                reqwest::multipart::Part::bytes(bytes).file_name(name),
            );
        juru_web.post(photo_url.clone()).multipart(form).send()
    };
    let r = upload(b"not an image at all".to_vec(), "x.txt")
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Foto harus gambar"));
    let r = upload(png.to_vec(), "tongkol.png").await.unwrap();
    assert_eq!(r.status(), 303);
    let photos: String = sqlx::query_scalar("SELECT photo FROM auction_lots WHERE id = $1")
        .bind(lot["id"].as_i64().unwrap())
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(photos.split_whitespace().count(), 1);
    let sha = photos.trim().to_string();
    let served = app
        .client()
        .get(app.url(&format!("/berkas/{sha}")))
        .send()
        .await
        .unwrap();
    assert_eq!(served.headers()["content-type"], "image/png");
    let bogus = "0".repeat(64);
    let (st, p) = post_json(&app, &juru, &format!("/api/v1/auction/ports/{panggul}/lots"), json!({"species_id": skj, "fisher_id": fisher, "grams": 1000, "grade": "a", "start_price": 20000, "photos": [bogus]})).await;
    assert_eq!((st, p["code"].as_str()), (422, Some("auction.error.photo")));
    let (st, with_photo) = post_json(&app, &juru, &format!("/api/v1/auction/ports/{panggul}/lots"), json!({"species_id": skj, "fisher_id": fisher, "grams": 1000, "grade": "a", "start_price": 20000, "photos": [sha]})).await;
    assert_eq!(st, 201, "{with_photo}");
    // A session a year ahead (or an hour ago) is refused with the reason, and none is made.
    let sessions_before = count_sessions(&app).await;
    for starts_at in [now_ms() + 365 * 86_400_000, now_ms() - 3_600_000] {
        let (st, p) = post_json(
            &app,
            &juru,
            "/api/v1/auction/sessions",
            json!({"port_id": panggul, "format": "ascending", "starts_at": starts_at}),
        )
        .await;
        assert_eq!(
            (st, p["code"].as_str()),
            (422, Some("auction.error.start")),
            "{p}"
        );
        assert!(p["detail"].as_str().unwrap().contains("tujuh hari"), "{p}");
    }
    assert_eq!(count_sessions(&app).await, sessions_before);
    let (st, created) = post_json(
        &app,
        &juru,
        "/api/v1/auction/sessions",
        json!({"port_id": panggul, "format": "ascending"}),
    )
    .await;
    assert_eq!(st, 201);
    let id = created["id"].as_i64().unwrap();
    let (st, _) = post_json(
        &app,
        &juru,
        &format!("/api/v1/auction/sessions/{id}/lots"),
        json!({"lot_id": lot["id"]}),
    )
    .await;
    assert_eq!(st, 200);
    let (_, page) = app_get_status(&app, &format!("/lelang/sesi/{id}")).await;
    assert!(
        page.contains(&format!("src=\"/berkas/{sha}\"")),
        "the lot's photo is on the session page"
    );
    // The same lot cannot go into a second session.
    let (_, other) = post_json(
        &app,
        &juru,
        "/api/v1/auction/sessions",
        json!({"port_id": panggul, "format": "clock"}),
    )
    .await;
    let (st, p) = post_json(
        &app,
        &juru,
        &format!("/api/v1/auction/sessions/{}/lots", other["id"]),
        json!({"lot_id": lot["id"]}),
    )
    .await;
    assert_eq!(
        (st, p["code"].as_str()),
        (409, Some("auction.error.lot_taken"))
    );
    let (st, p) = post_json(
        &app,
        &juru,
        &format!("/api/v1/auction/sessions/{id}/commands"),
        json!({"command": "open"}),
    )
    .await;
    assert_eq!(
        (st, p["code"].as_str()),
        (409, Some("auction.error.too_few_buyers")),
        "{p}"
    );
    assert!(
        p["detail"].as_str().unwrap().contains("paling sedikit 3")
            || p["detail"].as_str().unwrap().contains("at least 3"),
        "{p}"
    );
}

/// Runs a session command from the console page at `page`, as the auctioneer's button does.
async fn run_command(
    app: &TestApp,
    client: &reqwest::Client,
    page: &str,
    cmd: &str,
) -> reqwest::Response {
    app.post_form(
        client,
        page,
        &format!("{page}/perintah"),
        &[("perintah", cmd), ("konfirmasi", "ya")],
    )
    .await
}

async fn count_sessions(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM auction_sessions")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

async fn app_get_status(app: &TestApp, path: &str) -> (u16, String) {
    let r = app.client().get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Reads SSE frames from a streaming response until `want` events arrived or time runs out.
pub(crate) async fn read_events(
    resp: &mut reqwest::Response,
    want: usize,
) -> Vec<(u64, String, Value)> {
    let mut buf = String::new();
    let mut out = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while out.len() < want {
        let chunk = tokio::time::timeout_at(deadline, resp.chunk()).await;
        let Ok(Ok(Some(bytes))) = chunk else { break };
        buf.push_str(&String::from_utf8_lossy(&bytes));
        while let Some(end) = buf.find("\n\n") {
            let frame: String = buf[..end].to_string();
            buf.drain(..end + 2);
            let (mut id, mut kind, mut data) = (0, String::new(), String::new());
            for line in frame.lines() {
                if let Some(v) = line.strip_prefix("id:") {
                    id = v.trim().parse().unwrap_or(0);
                } else if let Some(v) = line.strip_prefix("event:") {
                    kind = v.trim().to_string();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim());
                }
            }
            if !data.is_empty() {
                out.push((id, kind, serde_json::from_str(&data).unwrap()));
            }
        }
    }
    out
}

async fn the_feed_resumes_without_gaps(app: TestApp) {
    let (session, lots) = morning(&app).await;
    let all = app
        .get_json(&format!(
            "/api/v1/auction/sessions/{session}/events?after=0"
        ))
        .await;
    let events = all["events"].as_array().unwrap();
    let last = all["last"].as_u64().unwrap();
    assert_eq!(events.len() as u64, last, "every event from 1, no gaps");
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e["n"].as_u64(), Some(i as u64 + 1));
    }
    // A watcher that saw up to `last - 2` resumes with exactly the last two, then live ones.
    let mut feed = app
        .client()
        .get(app.url(&format!("/lelang/sesi/{session}/feed")))
        .header("last-event-id", (last - 2).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(feed.headers()["content-type"], "text/event-stream");
    let backlog = read_events(&mut feed, 2).await;
    assert_eq!(
        backlog.iter().map(|e| e.0).collect::<Vec<_>>(),
        vec![last - 1, last]
    );
    let token = app.token("bakul@anjungan.test").await;
    let (st, b) = post_json(
        &app,
        &token,
        &format!("/api/v1/lots/{}/bids", lots[7]),
        json!({"amount": 28000}),
    )
    .await;
    assert_eq!(st, 201);
    let live = read_events(&mut feed, 1).await;
    assert_eq!(live.len(), 1, "the bid arrives live");
    let (n, kind, data) = &live[0];
    assert_eq!((*n, kind.as_str()), (last + 1, "bid"));
    assert_eq!(b["event"].as_u64(), Some(last + 1));
    assert_eq!(
        (data["lot"].as_i64(), data["price"].as_i64()),
        (Some(lots[7]), Some(28_000))
    );
    // `?after=` works the same for the API feed; asking from too far back is not an error.
    let mut again = app
        .client()
        .get(app.url(&format!(
            "/api/v1/auction/sessions/{session}/feed?after={last}"
        )))
        .send()
        .await
        .unwrap();
    let e = read_events(&mut again, 1).await;
    assert_eq!(e[0].0, last + 1);
    let (st, _) = app_get_status(&app, "/api/v1/auction/sessions/999999/events").await;
    assert_eq!(st, 404);
    // The same feed over a WebSocket: the backlog after `after`, then live bids, as JSON text.
    use futures_util::StreamExt;
    let ws_url = app
        .url(&format!(
            "/api/v1/auction/sessions/{session}/ws?after={last}"
        ))
        .replacen("http", "ws", 1);
    let (mut ws, _) = tokio_tungstenite::connect_async(ws_url).await.unwrap();
    let first = tokio::time::timeout(Duration::from_secs(5), ws.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let e: Value = serde_json::from_str(first.to_text().unwrap()).unwrap();
    assert_eq!(
        (e["n"].as_u64(), e["e"].as_str()),
        (Some(last + 1), Some("bid"))
    );
    let (st, b) = post_json(
        &app,
        &token,
        &format!("/api/v1/lots/{}/bids", lots[9]),
        json!({"amount": 11000}),
    )
    .await;
    assert_eq!(st, 201, "{b}");
    let next = tokio::time::timeout(Duration::from_secs(5), ws.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let e: Value = serde_json::from_str(next.to_text().unwrap()).unwrap();
    assert_eq!(
        (e["n"].as_u64(), e["lot"].as_i64()),
        (b["event"].as_u64(), Some(lots[9]))
    );
    let r = app
        .client()
        .get(app.url(&format!("/api/v1/auction/sessions/{session}/ws")))
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_client_error(),
        "a plain GET is not an upgrade"
    );
}

async fn a_restarted_node_replays_the_journal_to_the_same_state(app: TestApp) {
    let (session, lots) = morning(&app).await;
    let token = app.token("bakul@anjungan.test").await;
    for (lot, amount) in [(lots[8], 14_000), (lots[9], 11_000), (lots[8], 15_000)] {
        let (st, b) = post_json(
            &app,
            &token,
            &format!("/api/v1/lots/{lot}/bids"),
            json!({"amount": amount, "proxy": true}),
        )
        .await;
        assert!(st == 201 || st == 409, "{b}");
    }
    let running = app
        .get_json(&format!("/api/v1/auction/sessions/{session}"))
        .await;
    // A second hall on the same database (a restart, or another node) rebuilds the session.
    let other = Hall::new(app.state.db.clone());
    let live = other.live(session).await.unwrap();
    let replayed = live.snapshot();
    for l in running["lots"].as_array().unwrap() {
        let id = anjungan_auction::domain::engine::LotId(l["id"].as_i64().unwrap());
        let r = replayed.lot(id).unwrap();
        assert_eq!(r.price, l["price"].as_i64(), "price of lot {id:?}");
        assert_eq!(r.lead.map(|x| x.buyer.0), l["leader"].as_i64());
    }
    assert_eq!(
        live.last_event(),
        running["session"]["last_event"].as_u64().unwrap()
    );
    other.stop();
}

async fn tickets_levy_payments_and_unpaid_debts(app: TestApp) {
    let early: i64 = sqlx::query_scalar(
        "SELECT id FROM auction_sessions WHERE state = 'closed' ORDER BY id LIMIT 1",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let tickets: Vec<(i64, String, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT s.id, s.ticket_no, s.ticket_code, s.value, s.buyer_levy FROM auction_sales s WHERE s.session_id = $1 ORDER BY s.id",
    )
    .bind(early)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(tickets.len(), 4, "four lots sold in the early session");
    let (sumi_sale, no, code, value, levy) = tickets[0].clone();
    assert!(
        no.starts_with("PRIGI-") && no.ends_with(&format!("{sumi_sale:06}")),
        "{no}"
    );
    assert_eq!(
        (value, levy),
        (2_280_000, Some(68_400)),
        "120 kg at Rp 19.000, 3% levy"
    );
    // The ticket's QR code opens its page, which vouches for it; a made-up code does not.
    let (st, page) = app_get_status(&app, &format!("/lelang/karcis/{code}")).await;
    assert_eq!(st, 200);
    assert!(
        page.contains("asli") && page.contains(&no) && page.contains("Rp 2.348.400"),
        "buyer pays value + levy"
    );
    let (st, _) = app_get_status(&app, "/lelang/karcis/TIDAKADAKARCIS").await;
    assert_eq!(st, 404);
    let pdf = app
        .client()
        .get(app.url(&format!("/lelang/karcis/{code}/karcis.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    if let Some(text) = pdf_text(&bytes) {
        assert!(text.contains(&no) && text.contains("2.280.000"), "{text}");
    }
    // The buyer sees her purchases; the cashier's desk is not hers.
    let sumi = app.signed_in("bakul@anjungan.test").await;
    let mine = sumi
        .get(app.url("/lelang/saya"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(mine.contains(&no) && mine.contains("Belum dibayar"));
    assert_eq!(
        sumi.get(app.url("/lelang/kelola/kasir"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    // Her purchase is two days old and unpaid: once the port's books are read again, she is
    // blocked from bidding in the running session.
    sqlx::query("UPDATE auction_sales SET at = at - 172800000 WHERE id = $1")
        .bind(sumi_sale)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let kasir = app.signed_in("kasir.prigi@anjungan.test").await;
    let desk = kasir
        .get(app.url("/lelang/kelola/kasir"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(desk.matches("data-testid=\"pay-").count(), 4);
    let other = tickets[1].0;
    let r = app
        .post_form(
            &kasir,
            "/lelang/kelola/kasir",
            &format!("/lelang/kelola/kasir/{other}/bayar"),
            &[],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (session, lots) = morning(&app).await;
    let token = app.token("bakul@anjungan.test").await;
    let (st, p) = post_json(
        &app,
        &token,
        &format!("/api/v1/lots/{}/bids", lots[10]),
        json!({"amount": 19000}),
    )
    .await;
    assert_eq!(
        (st, p["code"].as_str()),
        (403, Some("auction.error.blocked")),
        "{p}"
    );
    // She pays; she may bid again. Paying twice is refused.
    let r = app
        .post_form(
            &kasir,
            "/lelang/kelola/kasir",
            &format!("/lelang/kelola/kasir/{sumi_sale}/bayar"),
            &[],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (st, p) = post_json(
        &app,
        &token,
        &format!("/api/v1/lots/{}/bids", lots[10]),
        json!({"amount": 19000}),
    )
    .await;
    assert_eq!(st, 201, "{p}");
    let r = app
        .post_form(
            &kasir,
            "/lelang/kelola/kasir",
            &format!("/lelang/kelola/kasir/{sumi_sale}/bayar"),
            &[],
        )
        .await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("sudah dibayar"));
    assert_eq!(app.audit_count("auction.sale.paid").await, 2);
    let (_, page) = app_get_status(&app, &format!("/lelang/karcis/{code}")).await;
    assert!(page.contains("Lunas"));
    // The fisher reads his own payout statement: the value less his 3%.
    let day: String = sqlx::query_scalar("SELECT day FROM auction_sessions WHERE id = $1")
        .bind(early)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let darmo: i64 = sqlx::query_scalar("SELECT id FROM auction_fishers WHERE name = 'Pak Darmo'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let nelayan = app.signed_in("nelayan@anjungan.test").await;
    let r = nelayan
        .get(app.url(&format!("/lelang/kelola/nelayan/{darmo}?tanggal={day}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Rp 2.280.000") && html.contains("Rp 2.211.600"),
        "{html}"
    );
    let other_fisher: i64 =
        sqlx::query_scalar("SELECT id FROM auction_fishers WHERE name = 'Pak Suyitno'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let r = nelayan
        .get(app.url(&format!("/lelang/kelola/nelayan/{other_fisher}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "not another fisher's statement");
    let _ = session;
}

async fn the_port_report_exports_and_the_price_history(app: TestApp) {
    let (day, port): (String, i64) = sqlx::query_as(
        "SELECT day, port_id FROM auction_sessions WHERE state = 'closed' ORDER BY id LIMIT 1",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let kasir = app.signed_in("kasir.prigi@anjungan.test").await;
    let page = kasir
        .get(app.url(&format!("/lelang/kelola/laporan/{port}?tanggal={day}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    // 120 kg at 19.000, 240 kg at 23.000, 60 kg at 30.000, 150 kg at 14.500.
    let value = 120 * 19_000 + 240 * 23_000 + 60 * 30_000 + 150 * 14_500;
    let levy = 2 * (value * 3 / 100);
    let rp = |v: i64| {
        let d = v.to_string();
        let mut out = String::new();
        for (i, c) in d.chars().enumerate() {
            if i > 0 && (d.len() - i).is_multiple_of(3) {
                out.push('.');
            }
            out.push(c);
        }
        format!("Rp {out}")
    };
    assert!(html.contains("570 kg"), "total weight");
    assert!(html.contains(&rp(value)), "total value {}", rp(value));
    assert!(
        html.contains(&format!("data-testid=\"levy-total\">{}", rp(levy))),
        "levy {}",
        rp(levy)
    );
    // The treasury's 65 % of the levy, to the rupiah (largest remainder).
    assert!(html.contains(&format!(
        "data-testid=\"account-kas_daerah\">{}",
        rp(levy * 65 / 100)
    )));
    let csv = kasir
        .get(app.url(&format!(
            "/lelang/kelola/laporan/{port}/karcis.csv?tanggal={day}"
        )))
        .send()
        .await
        .unwrap();
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    assert_eq!(csv.lines().count(), 5, "a header and four tickets");
    assert!(csv.contains("PRIGI-") && csv.contains("nomor_karcis"));
    let xlsx = kasir
        .get(app.url(&format!(
            "/lelang/kelola/laporan/{port}/karcis.xlsx?tanggal={day}"
        )))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(xlsx.starts_with(b"PK"), "an XLSX is a zip");
    // Not for buyers or guests.
    let bakul = app.signed_in("bakul@anjungan.test").await;
    assert_eq!(
        bakul
            .get(app.url(&format!("/lelang/kelola/laporan/{port}")))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        app.client()
            .get(app.url(&format!("/lelang/kelola/laporan/{port}/karcis.csv")))
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    // The public price history: a chart without script.
    let (st, html) = app_get_status(&app, "/lelang/harga?jenis=SKJ").await;
    assert_eq!(st, 200);
    let svg = html.split("data-testid=\"price-chart\">").nth(1).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("Rp 23.000") && svg.contains("<circle"));
    assert_eq!(app_get_status(&app, "/lelang/harga?jenis=ZZZ").await.0, 404);
    assert_eq!(
        app_get_status(&app, "/lelang/harga?jenis=%3Cscript%3E")
            .await
            .0,
        200,
        "an unreadable code shows the first species"
    );
}

async fn the_admin_sets_ports_levy_rules_and_species(app: TestApp) {
    let admin = app.signed_in("admin@anjungan.test").await;
    let page = admin
        .get(app.url("/lelang/kelola/pelabuhan"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("kas_daerah; Kas Daerah; 65"),
        "the levy is shown as written"
    );
    let form = |akun: &'static str| {
        vec![
            ("kode", "PANGGUL"),
            ("nama", "TPI Panggul"),
            ("tempat", "Wonocoyo, Panggul"),
            ("organisasi", "DISKAN"),
            ("min_bakul", "2"),
            ("dasar", "per_kg"),
            ("nelayan", "150"),
            ("bakul", "100"),
            ("pita", ""),
            ("pembulatan", "up"),
            ("satuan", "100"),
            ("akun", akun),
        ]
    };
    let r = app
        .post_form(
            &admin,
            "/lelang/kelola/pelabuhan",
            "/lelang/kelola/pelabuhan",
            &form("kas_daerah; Kas Daerah; 60"),
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("berjumlah 100"));
    let r = app
        .post_form(
            &admin,
            "/lelang/kelola/pelabuhan",
            "/lelang/kelola/pelabuhan",
            &form("kas_daerah; Kas Daerah; 70\npengelola_tpi; Pengelola TPI; 30"),
        )
        .await;
    assert_eq!(r.status(), 303);
    let ports = app.get_json("/api/v1/auction/ports").await;
    let panggul = ports
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "PANGGUL")
        .unwrap();
    assert_eq!(panggul["min_buyers"], 2);
    assert_eq!(
        panggul["levy"]["basis"],
        json!({"kind": "per_kg", "seller_per_kg": 150, "buyer_per_kg": 100})
    );
    assert_eq!(panggul["levy"]["rounding"], "up");
    // The same through the API; only administrators.
    let token = app.token("admin@anjungan.test").await;
    let body = json!({"name": "TPI Munjungan", "place": "Masaran", "min_buyers": 3, "levy": {"basis": {"kind": "flat_by_vessel", "bands": [{"upto_gt_tenths": 50, "amount": 5000}, {"upto_gt_tenths": null, "amount": 20000}]}, "rounding": "half_up", "round_to": 1, "accounts": [{"code": "kas_daerah", "name": "Kas Daerah", "share_bp": 10000}]}});
    let r = app
        .client()
        .put(app.url("/api/v1/auction/ports/MUNJUNGAN"))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let mut bad = body.clone();
    bad["levy"]["accounts"][0]["share_bp"] = json!(9000);
    let r = app
        .client()
        .put(app.url("/api/v1/auction/ports/MUNJUNGAN"))
        .bearer_auth(&token)
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let juru = app.token("jurulelang.prigi@anjungan.test").await;
    let r = app
        .client()
        .put(app.url("/api/v1/auction/ports/MUNJUNGAN"))
        .bearer_auth(&juru)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let (st, sp) = post_json(&app, &token, "/api/v1/auction/species", json!({"code": "rsk", "local_name": "Layang", "english_name": "Scads", "scientific_name": "Decapterus spp."})).await;
    assert_eq!((st, sp["code"].as_str()), (201, Some("RSK")), "{sp}");
    let (st, _) = post_json(
        &app,
        &token,
        "/api/v1/auction/species",
        json!({"code": "R5K", "local_name": "Layang"}),
    )
    .await;
    assert_eq!(st, 422);
    assert_eq!(
        app.signed_in("kasir.prigi@anjungan.test")
            .await
            .get(app.url("/lelang/kelola/pelabuhan"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert!(app.audit_count("auction.port.save").await >= 5);
    // Each role finds its way in from the dashboard.
    for (email, link) in [
        ("admin@anjungan.test", "/lelang/kelola/pelabuhan"),
        ("jurulelang.prigi@anjungan.test", "/lelang/kelola"),
        ("kasir.prigi@anjungan.test", "/lelang/kelola/kasir"),
        ("bakul@anjungan.test", "/lelang/saya"),
        ("nelayan@anjungan.test", "/lelang"),
    ] {
        let dash = app
            .signed_in(email)
            .await
            .get(app.url("/dasbor"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            dash.contains(&format!("href=\"{link}\"")),
            "{email}: {link}"
        );
    }
}

// ---- issue 20: what a buyer owes, and the written rules (README "Rules", /lelang/aturan) ----

/// The hall the app runs (the same one its handlers use).
fn app_hall(app: &TestApp) -> SharedHall {
    app.state
        .shared::<SharedHall>(|| panic!("the app installs Lion's hall"))
}

/// A lot's weight and start price.
async fn lot_spec(app: &TestApp, lot: i64) -> (i64, i64) {
    sqlx::query_as("SELECT grams, start_price FROM auction_lots WHERE id = $1")
        .bind(lot)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// What a buyer owes on their unpaid tickets: value and buyer's levy, as the cashier asks.
async fn unpaid(app: &TestApp, buyer: i64) -> i64 {
    scalar(
        app,
        "SELECT CAST(COALESCE(SUM(value + COALESCE(buyer_levy, 0)), 0) AS BIGINT) FROM auction_sales \
         WHERE buyer_id = $1 AND paid_at IS NULL",
        buyer,
    )
    .await
}

/// The port staff set a buyer's deposit (no credit); the running session learns it.
async fn set_deposit(app: &TestApp, buyer: i64, deposit: i64) {
    let juru = app.signed_in("jurulelang.prigi@anjungan.test").await;
    let r = app
        .post_form(
            &juru,
            "/lelang/kelola",
            &format!("/lelang/kelola/pembeli/{buyer}/verifikasi"),
            &[
                ("identitas", "1"),
                ("deposit", &deposit.to_string()),
                ("kredit", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
}

/// Issue 20, item 7: a purchase in the running session counts at value plus the buyer's levy,
/// as unpaid tickets of earlier sessions do, so a buyer never ends up owing more than deposit
/// plus credit.
async fn what_a_buyer_owes_counts_the_levy_here_as_elsewhere(app: TestApp) {
    let (session, lots) = morning(&app).await;
    let me = paddle(&app, "Bu Sumi").await;
    let hall = app_hall(&app);
    let live = hall.live(session).await.unwrap();
    let levy = live
        .with(|s| s.rules.levy.clone())
        .expect("the session keeps the port's levy");
    // She owes on the early session's tickets: counted at value + levy in this session.
    let elsewhere = unpaid(&app, me).await;
    assert!(
        elsewhere > 0,
        "the demo's early session left her tickets unpaid"
    );
    let (outside, here) = live.with(|s| {
        let a = &s.accounts[&BuyerId(me)];
        (a.outside, a.exposure())
    });
    assert_eq!(outside, elsewhere, "earlier tickets: value + buyer's levy");
    let lot = lots[7];
    let (grams, start) = lot_spec(&app, lot).await;
    let v = value(start, grams);
    let owes = levy.buyer_owes(v, grams);
    assert!(owes > v, "the port charges buyers a levy");
    // A limit that the value alone fits but value + levy does not: refused, with the figures.
    set_deposit(&app, me, here + v).await;
    let token = app.token("bakul@anjungan.test").await;
    let (st, p) = post_json(
        &app,
        &token,
        &format!("/api/v1/lots/{lot}/bids"),
        json!({"amount": start}),
    )
    .await;
    assert_eq!(
        (st, p["code"].as_str()),
        (403, Some("auction.error.exposure")),
        "{p}"
    );
    assert_eq!(p["limit"].as_i64(), Some(here + v), "{p}");
    assert_eq!(p["would_be"].as_i64(), Some(here + owes), "{p}");
    // Room for what she will owe: accepted; her exposure is exactly her limit.
    set_deposit(&app, me, here + owes).await;
    let (st, p) = post_json(
        &app,
        &token,
        &format!("/api/v1/lots/{lot}/bids"),
        json!({"amount": start}),
    )
    .await;
    assert_eq!(st, 201, "{p}");
    assert_eq!(
        live.with(|s| s.accounts[&BuyerId(me)].exposure()),
        here + owes
    );
    // The session closes: she wins what she leads, and what her tickets say she owes in all
    // never exceeds deposit + credit.
    let juru = app.token("jurulelang.prigi@anjungan.test").await;
    let (st, p) = post_json(
        &app,
        &juru,
        &format!("/api/v1/auction/sessions/{session}/commands"),
        json!({"command": "close"}),
    )
    .await;
    assert_eq!(st, 200, "{p}");
    let ticket: (i64, Option<i64>) = sqlx::query_as(
        "SELECT value, buyer_levy FROM auction_sales WHERE session_id = $1 AND lot_id = $2",
    )
    .bind(session)
    .bind(lot)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(
        ticket.0 + ticket.1.unwrap(),
        owes,
        "the ticket says what was counted"
    );
    let total = unpaid(&app, me).await;
    assert!(total <= here + owes, "owes {total} over {}", here + owes);
}

/// Issue 20, item 8: a straight bid above the leader's maximum pays its full amount and a proxy
/// maximum does not; at a band's edge the step is the standing price's band's; a bid too low is
/// refused with the minimum as a number of its own.
async fn straight_and_proxy_bids_band_edges_and_the_minimum_as_a_field(app: TestApp) {
    let (session, lots) = morning(&app).await;
    let rules = app_hall(&app)
        .live(session)
        .await
        .unwrap()
        .with(|s| s.rules.clone());
    let ladder = &rules.ladder;
    let sumi = app.token("bakul@anjungan.test").await;
    let juru = app.token("jurulelang.prigi@anjungan.test").await;
    let harno = paddle(&app, "Pak Harno").await;
    let bid = |lot: i64, amount: i64, proxy: bool, hall_for: Option<i64>| {
        let token = if hall_for.is_some() { &juru } else { &sumi };
        let mut body = json!({"amount": amount, "proxy": proxy});
        if let Some(b) = hall_for {
            body["buyer_id"] = json!(b);
        }
        let app = &app;
        async move { post_json(app, token, &format!("/api/v1/lots/{lot}/bids"), body).await }
    };
    // Straight and proxy: her maximum, beaten by his straight bid, which pays in full.
    let lot = lots[5];
    let (_, start) = lot_spec(&app, lot).await;
    let her_max = start + 8 * ladder.step(start);
    let (st, b) = bid(lot, her_max, true, None).await;
    assert_eq!((st, b["price"].as_i64()), (201, Some(start)), "{b}");
    let straight = her_max + 4 * ladder.step(her_max);
    let (st, b) = bid(lot, straight, false, Some(harno)).await;
    assert_eq!(st, 201, "{b}");
    assert_eq!(
        (b["price"].as_i64(), b["leader"].as_i64()),
        (Some(straight), Some(harno)),
        "a straight bid above the leader's maximum pays its full amount"
    );
    // Her new maximum beats his bid by one step only: a maximum is not paid in full.
    let new_max = straight + 10 * ladder.step(straight);
    let (st, b) = bid(lot, new_max, true, None).await;
    assert_eq!(st, 201, "{b}");
    let expected = rules.outbid_price(straight, new_max, true, straight + ladder.step(straight));
    assert_eq!(expected, straight + ladder.step(straight));
    assert_eq!(
        (b["price"].as_i64(), b["leading"].as_bool()),
        (Some(expected), Some(true))
    );

    // A band's edge, on the lightest lot without bids.
    let mut candidates = Vec::new();
    for l in &lots[6..] {
        candidates.push((lot_spec(&app, *l).await.0, *l));
    }
    let (_, lot) = *candidates.iter().min().unwrap();
    let (_, start) = lot_spec(&app, lot).await;
    let edge = ladder
        .bands
        .iter()
        .filter_map(|b| b.below)
        .find(|e| *e > start + ladder.step(start))
        .unwrap();
    let under = edge - ladder.step(edge - 1);
    let (st, b) = bid(lot, under, false, Some(harno)).await;
    assert_eq!(st, 201, "{b}");
    assert_eq!(
        b["min"].as_i64(),
        Some(edge),
        "below the edge the lower band's step"
    );
    // Too low: refused with the minimum as a number, and in the translated message.
    let (st, p) = bid(lot, edge - 1, false, None).await;
    assert_eq!(
        (st, p["code"].as_str()),
        (422, Some("auction.error.bid_too_low")),
        "{p}"
    );
    assert_eq!(p["minimum"].as_i64(), Some(edge), "{p}");
    assert!(p["detail"].as_str().unwrap().contains(&rp(edge)), "{p}");
    let (st, b) = bid(lot, edge, false, None).await;
    assert_eq!(st, 201, "{b}");
    let above = edge + ladder.step(edge);
    assert!(
        ladder.step(edge) > ladder.step(under),
        "the edge starts the next band"
    );
    assert_eq!(
        b["min"].as_i64(),
        Some(above),
        "on the edge the band above's step"
    );
    let (st, p) = bid(lot, edge + ladder.step(under), false, Some(harno)).await;
    assert_eq!((st, p["minimum"].as_i64()), (422, Some(above)), "{p}");
    // The API's description says so.
    let openapi = app.get_json("/api/openapi.json").await;
    let refusal = &openapi["components"]["schemas"]["auction.Refusal"]["properties"];
    assert_eq!(refusal["minimum"]["type"], "integer", "{refusal}");
    let too_low = &openapi["paths"]["/api/v1/lots/{id}/bids"]["post"]["responses"]["422"];
    assert!(too_low.to_string().contains("Refusal"), "{too_low}");
}

/// Issue 20, item 8: a bid exactly one soft-close window before a lot's end does not extend
/// it; one a millisecond later does — as the journal is replayed from either database.
async fn a_bid_exactly_one_window_before_the_end_does_not_extend_the_close(app: TestApp) {
    let (session, lots) = morning(&app).await;
    let lot = lots[9];
    let window = app_hall(&app)
        .live(session)
        .await
        .unwrap()
        .with(|s| s.rules.soft_close_ms);
    let end = scalar(&app, "SELECT ends_at FROM auction_lots WHERE id = $1", lot).await;
    let (_, start) = lot_spec(&app, lot).await;
    let step = Rules::ascending().ladder.step(start);
    let append = |buyer: i64, amount: i64, at: i64| {
        let app = &app;
        async move {
            let seq = scalar(
                app,
                "SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) FROM auction_journal WHERE session_id = $1",
                session,
            )
            .await;
            let cmd = json!({"c": "bid", "lot": lot, "buyer": buyer, "amount": amount, "proxy": false, "channel": "api"});
            sqlx::query("INSERT INTO auction_journal (session_id, seq, at, command, by_user, node) VALUES ($1, $2, $3, $4, NULL, 'test')")
                .bind(session)
                .bind(seq + 1)
                .bind(at)
                .bind(cmd.to_string())
                .execute(&app.state.db.pool)
                .await
                .unwrap();
        }
    };
    let replayed_end = || async {
        let other = Hall::new(app.state.db.clone());
        let live = other.live(session).await.unwrap();
        let s = live.snapshot();
        other.stop();
        let l = s.lot(LotId(lot)).unwrap();
        (l.ends_at, l.price)
    };
    append(paddle(&app, "Bu Sumi").await, start, end - window).await;
    assert_eq!(
        replayed_end().await,
        (end, Some(start)),
        "exactly one window before: no change"
    );
    append(
        paddle(&app, "Pak Harno").await,
        start + step,
        end - window + 1,
    )
    .await;
    assert_eq!(
        replayed_end().await,
        (end + 1, Some(start + step)),
        "inside the window: the close moves to the bid plus the window"
    );
}

/// Issue 20, item 8: after a stop the clock restarts some steps higher for the rest of the lot,
/// but never above the lot's start price (30,500 after a start of 30,000 was seen).
async fn the_clock_never_restarts_above_the_start_price(app: TestApp) {
    let juru = app.signed_in("jurulelang.prigi@anjungan.test").await;
    let prigi = scalar(
        &app,
        "SELECT id FROM auction_ports WHERE code = 'PRIGI' AND id > $1",
        0,
    )
    .await;
    let species = scalar(
        &app,
        "SELECT id FROM auction_species WHERE code = 'SKJ' AND id > $1",
        0,
    )
    .await;
    let fisher = scalar(
        &app,
        "SELECT MIN(id) FROM auction_fishers WHERE port_id = $1",
        prigi,
    )
    .await;
    let (morning_id, _) = morning(&app).await;
    let r = run_command(
        &app,
        &juru,
        &format!("/lelang/kelola/sesi/{morning_id}"),
        "close",
    )
    .await;
    assert_eq!(r.status(), 303);
    let r = app
        .post_form(
            &juru,
            "/lelang/kelola",
            &format!("/lelang/kelola/pelabuhan/{prigi}/lot"),
            &[
                ("species", &species.to_string()),
                ("fisher", &fisher.to_string()),
                ("kg", "50"),
                ("grade", "a"),
                ("harga", "30.000"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let lot = scalar(
        &app,
        "SELECT MAX(id) FROM auction_lots WHERE port_id = $1",
        prigi,
    )
    .await;
    let r = app
        .post_form(
            &juru,
            "/lelang/kelola",
            &format!("/lelang/kelola/pelabuhan/{prigi}/sesi"),
            &[("format", "clock"), ("mulai", "0")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let run = r.headers()["location"].to_str().unwrap().to_string();
    let session: i64 = run.rsplit('/').next().unwrap().parse().unwrap();
    let r = app
        .post_form(
            &juru,
            &run,
            &format!("{run}/lot"),
            &[("lot", &lot.to_string())],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(run_command(&app, &juru, &run, "open").await.status(), 303);
    // Bu Sumi stops the clock at once for 10 kg: within a few steps of the start price.
    let token = app.token("bakul@anjungan.test").await;
    let (st, bought) = post_json(
        &app,
        &token,
        &format!("/api/v1/lots/{lot}/stops"),
        json!({"grams": 10000}),
    )
    .await;
    assert_eq!(st, 201, "{bought}");
    let stopped = bought["price"].as_i64().unwrap();
    let rules = Rules::clock();
    assert!(
        stopped + rules.clock_restart_steps * rules.clock_step > 30_000 || stopped < 29_000,
        "{stopped}"
    );
    // After the grace window the clock restarts for the remaining 40 kg.
    let mut restart = None;
    // Up to 30 s: the grace window is short, but a busy machine may be slow to tick.
    for _ in 0..200 {
        let page = app
            .get_json(&format!(
                "/api/v1/auction/sessions/{session}/events?after=0"
            ))
            .await;
        restart = page["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["e"] == "clock_started" && e["lot"].as_i64() == Some(lot))
            .nth(1)
            .and_then(|e| e["price"].as_i64());
        if restart.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    let restart = restart.expect("the clock restarted after the grace window");
    assert_eq!(restart, rules.clock_restart_price(stopped, 30_000));
    assert!(
        restart <= 30_000,
        "restarted at {restart}, above the start price"
    );
    assert_eq!(
        restart,
        (stopped + rules.clock_restart_steps * rules.clock_step).min(30_000)
    );
    assert!(
        scalar(&app, "SELECT price FROM auction_lots WHERE id = $1", lot).await <= 30_000,
        "the lot's projected price too"
    );
    assert_eq!(run_command(&app, &juru, &run, "close").await.status(), 303);
}

/// Issue 20, item 8: the port's levy per account for a day is the sum of each ticket's own
/// split, never the day's total split again (which differs by up to a rupiah per ticket).
async fn a_days_levy_per_account_is_the_sum_of_the_tickets(app: TestApp) {
    use anjungan_auction::domain::levy::{LevyRules, Sale};
    let (early, day, port): (i64, String, i64) = sqlx::query_as(
        "SELECT id, day, port_id FROM auction_sessions WHERE state = 'closed' ORDER BY id LIMIT 1",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    // Thirty small sales (a few kg of bait fish) on the same day: their levies split unevenly.
    let (lot, buyer): (i64, i64) = sqlx::query_as(
        "SELECT lot_id, buyer_id FROM auction_sales WHERE session_id = $1 ORDER BY id LIMIT 1",
    )
    .bind(early)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let rules = LevyRules::trenggalek_default();
    for i in 1..=30i64 {
        let v = 30 + 7 * i;
        let b = rules
            .compute(&Sale {
                value: v,
                grams: 1_000,
                vessel_gt_tenths: None,
            })
            .unwrap();
        sqlx::query(
            "INSERT INTO auction_sales (event_n, session_id, lot_id, buyer_id, grams, price, value, at, \
             seller_levy, buyer_levy, levy, created_at) VALUES ($1, $2, $3, $4, 1000, $5, $5, 0, $6, $7, $8, 0)",
        )
        .bind(100_000 + i)
        .bind(early)
        .bind(lot)
        .bind(buyer)
        .bind(v)
        .bind(b.seller_levy)
        .bind(b.buyer_levy)
        .bind(serde_json::to_string(&b).unwrap())
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    }
    // The tickets' own splits, summed per account.
    let levies: Vec<Option<String>> = sqlx::query_scalar(
        "SELECT s.levy FROM auction_sales s JOIN auction_sessions se ON se.id = s.session_id \
         WHERE se.port_id = $1 AND se.day = $2",
    )
    .bind(port)
    .bind(&day)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    let mut total = 0;
    let mut sums = vec![0i64; rules.accounts.len()];
    for l in levies.iter().flatten() {
        let b: Value = serde_json::from_str(l).unwrap();
        total += b["total"].as_i64().unwrap();
        for (k, share) in b["shares"].as_array().unwrap().iter().enumerate() {
            sums[k] += share[1].as_i64().unwrap();
        }
    }
    assert_eq!(sums.iter().sum::<i64>(), total);
    // Splitting the day's total instead would give the treasury another amount.
    let kas = rules.accounts[0].share_bp;
    assert_ne!(
        sums[0],
        total * kas / 10_000,
        "the data shows the difference"
    );
    assert_ne!(
        sums[0],
        (total * kas + 5_000) / 10_000,
        "the data shows the difference"
    );
    let kasir = app.signed_in("kasir.prigi@anjungan.test").await;
    let html = kasir
        .get(app.url(&format!("/lelang/kelola/laporan/{port}?tanggal={day}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&format!("data-testid=\"levy-total\">{}", rp(total))),
        "total {}",
        rp(total)
    );
    for (a, sum) in rules.accounts.iter().zip(&sums) {
        assert!(
            html.contains(&format!("data-testid=\"account-{}\">{}", a.code, rp(*sum))),
            "{} {}",
            a.code,
            rp(*sum)
        );
    }
}

/// Issue 20, item 8: `/lelang/aturan` states every rule, linked from `/lelang`, its figures
/// taken from the rules the engine applies.
async fn the_rules_page_states_each_rule_from_the_rules(app: TestApp) {
    let (_, index) = app_get_status(&app, "/lelang").await;
    assert!(
        index.contains("href=\"/lelang/aturan\""),
        "linked from /lelang"
    );
    let (st, page) = app_get_status(&app, "/lelang/aturan").await;
    assert_eq!(st, 200);
    let asc = Rules::ascending();
    let clock = Rules::clock();
    // The increment ladder, band by band.
    let mut from = 0;
    for b in &asc.ladder.bands {
        let row = match b.below {
            Some(below) => format!(
                "<td>{}</td><td>{}</td><td>{}</td>",
                rp(from),
                rp(below),
                rp(b.step)
            ),
            None => format!("<td>{}</td><td>—</td><td>{}</td>", rp(from), rp(b.step)),
        };
        assert!(page.contains(&row), "ladder row {row}");
        from = b.below.unwrap_or(from);
    }
    assert_eq!(page.matches("data-testid=\"rule\"").count(), 8);
    // Straight against proxy, with the engine's own prices.
    let min = asc.minimum_bid(18_000, Some(18_000));
    assert!(page.contains(&format!(
        "harga menjadi {}",
        rp(asc.outbid_price(20_000, 25_000, false, min))
    )));
    assert!(page.contains(&format!(
        "menjadi {}, dan sisanya",
        rp(asc.outbid_price(20_000, 25_000, true, min))
    )));
    // The band edge.
    let edge = asc.ladder.bands[0].below.unwrap();
    assert!(page.contains(&format!(
        "Tepat pada {} harga sudah masuk pita berikutnya: langkahnya {}, jadi tawaran berikutnya paling sedikit {}",
        rp(edge),
        rp(asc.ladder.step(edge)),
        rp(asc.minimum_bid(edge, Some(edge)))
    )));
    // The soft close, and the bid exactly one window before the end.
    let w = asc.soft_close_ms / 1_000;
    assert!(page.contains(&format!(
        "Tawaran tepat {w} detik sebelum tutup tidak memundurkan penutupan"
    )));
    assert_eq!(
        asc.soft_close(0, asc.soft_close_ms, i64::MAX),
        asc.soft_close_ms
    );
    // The clock's restart, capped at the start price.
    assert!(page.contains(&format!(
        "dibuka {} dan berhenti pada {} dimulai lagi pada {}",
        rp(30_000),
        rp(30_000 - 2 * clock.clock_step),
        rp(clock.clock_restart_price(30_000 - 2 * clock.clock_step, 30_000))
    )));
    // Exposure on one basis, levy included.
    let owes = anjungan_auction::domain::levy::LevyRules::trenggalek_default()
        .buyer_owes(15_000_000, 1_000_000);
    assert!(page.contains(&format!(
        "retribusi bakul 3 %, lot senilai {} menjadi tanggungan {}",
        rp(15_000_000),
        rp(owes)
    )));
    assert!(page.contains("nilai ditambah retribusi bakul"));
    // The day's levy per account, and the minimum as a field.
    assert!(
        page.contains("jumlah bagiannya pada tiap karcis, bukan total harian yang dibagi ulang")
    );
    assert!(
        page.contains(&format!(
            "minimum&#34;: {}",
            asc.minimum_bid(30_000, Some(30_000 + asc.ladder.step(30_000)))
        )) || page.contains(&format!(
            "minimum&quot;: {}",
            asc.minimum_bid(30_000, Some(30_000 + asc.ladder.step(30_000)))
        )),
        "the refusal's field"
    );
    // In English too.
    let en = app
        .client()
        .get(app.url("/lelang/aturan"))
        .header("cookie", "anj_lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        en.contains("Auction rules") && en.contains("does not extend it"),
        "English"
    );
}

/// Each lot shows its last bids, newest first, read back from the journal: watchers see the
/// time, the price and a masked paddle; the bidder sees "Anda" on their own; the API gives the
/// same lines with the price as a number.
async fn each_lot_shows_its_bid_history_with_paddles_masked(app: TestApp) {
    let (session, lots) = morning(&app).await;
    let lot = lots[3];
    let (_, start) = lot_spec(&app, lot).await;
    let sumi = app.token("bakul@anjungan.test").await;
    let juru = app.token("jurulelang.prigi@anjungan.test").await;
    let harno = paddle(&app, "Pak Harno").await;
    let me = paddle(&app, "Bu Sumi").await;
    let (st, b) = post_json(
        &app,
        &sumi,
        &format!("/api/v1/lots/{lot}/bids"),
        json!({"amount": start}),
    )
    .await;
    assert_eq!(st, 201, "{b}");
    let higher = b["min"].as_i64().unwrap();
    let (st, b) = post_json(
        &app,
        &juru,
        &format!("/api/v1/lots/{lot}/bids"),
        json!({"amount": higher, "buyer_id": harno}),
    )
    .await;
    assert_eq!(st, 201, "{b}");
    let card = |html: &str| {
        html.split(&format!("id=\"lot-{lot}\""))
            .nth(1)
            .unwrap()
            .split("</article>")
            .next()
            .unwrap()
            .to_string()
    };
    let guest = app
        .page(&app.client(), &format!("/lelang/sesi/{session}"))
        .await;
    let guest = card(&guest);
    let history = guest
        .split("data-testid=\"bid-history\"")
        .nth(1)
        .expect("the lot shows its history")
        .split("</details>")
        .next()
        .unwrap();
    assert_eq!(history.matches("<li>").count(), 2, "{history}");
    let (newer, older) = (
        history.find(&format_rupiah(higher)).unwrap(),
        history.find(&format_rupiah(start)).unwrap(),
    );
    assert!(newer < older, "newest first: {history}");
    assert!(history.contains(&format!("#••{}", harno % 10)));
    assert!(history.contains(&format!("#••{}", me % 10)));
    assert!(!history.contains("Anda"));
    for id in [harno, me] {
        if id >= 10 {
            assert!(!history.contains(&format!("#{id}")), "paddle {id} masked");
        }
    }
    let mine = app
        .page(
            &app.signed_in("bakul@anjungan.test").await,
            &format!("/lelang/sesi/{session}"),
        )
        .await;
    assert!(card(&mine).contains("<strong>Anda</strong>"));
    let v = app
        .get_json(&format!("/api/v1/auction/sessions/{session}"))
        .await;
    let api = v["lots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == lot)
        .unwrap()["history"]
        .clone();
    assert_eq!(api[0]["price_per_kg"], higher);
    assert_eq!(api[1]["price_per_kg"], start);
    assert_eq!(api[0]["paddle"], format!("#••{}", harno % 10));
}

fn format_rupiah(v: i64) -> String {
    anjungan_auction::domain::catalogue::format_rupiah(v)
}

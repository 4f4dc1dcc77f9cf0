//! Actions that cannot be undone ask first, on SQLite and PostgreSQL: the button posts as
//! before and gets a page that says what will happen, with a red button and a way back; nothing
//! changes until that page's own form is sent. Covers cancelling a request, a rejection,
//! cancelling a sign-up, voiding a vote, withdrawing a lot, cancelling an auction session and
//! taking a work down; and the console enables only what the session's state allows.

use crate::both_backends;
use crate::desk::{citizen_submits, pdf_text, request_id, step};
use crate::support::*;

both_backends!(
    petung_dadi_asks_before_a_cancel_or_a_rejection,
    the_festival_asks_before_a_sign_up_is_cancelled_or_a_vote_voided,
    lion_asks_before_a_lot_is_withdrawn_or_a_session_cancelled,
    cilen_asks_before_a_work_is_taken_down,
    the_head_reads_the_preview_and_signs_with_a_password,
);

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The value of `attr="…"` in `tag`.
fn attr(tag: &str, attr: &str) -> Option<String> {
    let at = tag.find(&format!("{attr}=\""))? + attr.len() + 2;
    let end = tag[at..].find('"')? + at;
    Some(unescape(&tag[at..end]))
}

/// Posts `fields` to `action` as the action's button does, and returns the confirmation page
/// it answers with (status 200), after checking it says `says` and offers both ways.
async fn asks(
    app: &TestApp,
    client: &reqwest::Client,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
    says: &str,
) -> String {
    let r = app.post_form(client, page, action, fields).await;
    assert_eq!(r.status(), 200, "{action} asks first");
    let html = r.text().await.unwrap();
    assert!(
        html.contains("data-testid=\"confirm\"")
            && html.contains(says)
            && html.contains("class=\"danger\" data-testid=\"confirm-yes\"")
            && html.contains("data-testid=\"confirm-back\""),
        "{html}"
    );
    html
}

/// Sends the confirmation page's own form, as its red button does.
async fn confirms(app: &TestApp, client: &reqwest::Client, html: &str) -> reqwest::Response {
    let section = &html[html.find("data-testid=\"confirm\"").unwrap()..];
    let form_tag = &section[section.find("<form").unwrap()..];
    let form_tag = &form_tag[..form_tag.find('>').unwrap()];
    let action = attr(form_tag, "action").unwrap();
    let body = &section[..section.find("</form>").unwrap()];
    let mut fields = Vec::new();
    for input in body.split("<input").skip(1) {
        let tag = &input[..input.find('>').unwrap()];
        if attr(tag, "type").as_deref() == Some("hidden") {
            fields.push((attr(tag, "name").unwrap(), attr(tag, "value").unwrap()));
        }
    }
    assert!(
        fields.iter().any(|(k, v)| k == "konfirmasi" && v == "ya"),
        "{fields:?}"
    );
    client
        .post(app.url(&action))
        .form(&fields)
        .send()
        .await
        .unwrap()
}

async fn scalar(app: &TestApp, sql: &str, id: i64) -> String {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn petung_dadi_asks_before_a_cancel_or_a_rejection(app: TestApp) {
    // The citizen cancels: asked first, nothing changes until the confirmation.
    let citizen = app.client();
    let tracking = citizen_submits(&app, &citizen).await;
    let id = request_id(&app, &tracking).await;
    let page = format!("/layanan/lacak/{tracking}");
    let html = asks(
        &app,
        &citizen,
        &page,
        &format!("{page}/batal"),
        &[],
        "Batalkan permohonan PD-",
    )
    .await;
    let state = "SELECT state FROM desk_requests WHERE id = $1";
    assert_eq!(scalar(&app, state, id).await, "submitted");
    assert_eq!(confirms(&app, &citizen, &html).await.status(), 303);
    assert_eq!(scalar(&app, state, id).await, "cancelled");

    // The officer rejects: the page repeats the reason the citizen will read.
    let tracking = citizen_submits(&app, &citizen).await;
    let id = request_id(&app, &tracking).await;
    let sekdes = app.signed_in("sekdes.nglinggis@anjungan.test").await;
    let page = format!("/layanan/kelola/permohonan/{id}");
    let detail = app.page(&sekdes, &page).await;
    let reject = &detail[detail.find("data-command=\"reject\"").unwrap()..];
    let reject = &reject[..reject.find("</form>").unwrap()];
    assert!(
        reject.contains("class=\"danger\""),
        "Tolak never looks like the main action: {reject}"
    );
    let html = asks(
        &app,
        &sekdes,
        &page,
        &format!("{page}/langkah"),
        &[
            ("perintah", "reject"),
            ("catatan", "Bukan warga Desa Nglinggis"),
        ],
        "Bukan warga Desa Nglinggis",
    )
    .await;
    assert_eq!(scalar(&app, state, id).await, "submitted");
    assert_eq!(confirms(&app, &sekdes, &html).await.status(), 303);
    assert_eq!(scalar(&app, state, id).await, "rejected");
}

async fn the_festival_asks_before_a_sign_up_is_cancelled_or_a_vote_voided(app: TestApp) {
    let session: i64 = sqlx::query_scalar(
        "SELECT id FROM festival_sessions WHERE title LIKE 'Diskusi panel: mengukur%'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let number: i64 = sqlx::query_scalar(
        "SELECT e.number FROM festival_sessions s JOIN festival_editions e ON e.id = s.edition_id WHERE s.id = $1",
    )
    .bind(session)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let page = format!("/festival/{number}");
    let warga = app.signed_in("warga@anjungan.test").await;
    let r = app
        .post_form(
            &warga,
            &page,
            &format!("/festival/{number}/sesi/{session}/daftar"),
            &[],
        )
        .await;
    assert_eq!(r.status(), 303);
    let signed = "SELECT CAST(COUNT(*) AS TEXT) FROM festival_signups WHERE session_id = $1";
    let before = scalar(&app, signed, session).await;
    let html = asks(
        &app,
        &warga,
        &page,
        &format!("/festival/{number}/sesi/{session}/batal"),
        &[],
        "Kursi Anda dilepas",
    )
    .await;
    assert_eq!(scalar(&app, signed, session).await, before);
    assert_eq!(confirms(&app, &warga, &html).await.status(), 303);
    assert_ne!(scalar(&app, signed, session).await, before);

    // The coordinator voids a vote, with its reason.
    let (vote, number): (i64, i64) = sqlx::query_as(
        "SELECT v.id, e.number FROM festival_votes v JOIN festival_editions e ON e.id = v.edition_id \
         WHERE v.voided_at IS NULL ORDER BY v.id LIMIT 1",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let coord = app.signed_in("koordinator@anjungan.test").await;
    let page = format!("/festival/{number}/suara");
    let html = asks(
        &app,
        &coord,
        &page,
        &format!("{page}/{vote}/batal"),
        &[("reason", "Pola suara tidak wajar")],
        "Pola suara tidak wajar",
    )
    .await;
    let voided = "SELECT CASE WHEN voided_at IS NULL THEN 'no' ELSE 'yes' END FROM festival_votes WHERE id = $1";
    assert_eq!(scalar(&app, voided, vote).await, "no");
    assert_eq!(confirms(&app, &coord, &html).await.status(), 303);
    assert_eq!(scalar(&app, voided, vote).await, "yes");
}

async fn lion_asks_before_a_lot_is_withdrawn_or_a_session_cancelled(app: TestApp) {
    let session: i64 = sqlx::query_scalar(
        "SELECT id FROM auction_sessions WHERE state = 'open' ORDER BY id LIMIT 1",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let lot: i64 = sqlx::query_scalar(
        "SELECT id FROM auction_lots WHERE session_id = $1 AND state = 'open' ORDER BY id LIMIT 1",
    )
    .bind(session)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let auctioneer = app.signed_in("jurulelang.prigi@anjungan.test").await;
    let page = format!("/lelang/kelola/sesi/{session}");
    let console = app.page(&auctioneer, &page).await;
    // Only what the open session allows is enabled; the hall bid names no buyer by default.
    for (cmd, enabled) in [
        ("open", false),
        ("pause", true),
        ("resume", false),
        ("close", true),
        ("cancel", true),
    ] {
        let at = console.find(&format!("data-testid=\"cmd-{cmd}\"")).unwrap();
        let tag = &console[at..at + console[at..].find('>').unwrap()];
        assert_eq!(!tag.contains("disabled"), enabled, "{cmd}: {tag}");
    }
    assert!(
        console.contains("<option value=\"\" selected>"),
        "no default buyer"
    );
    let withdraw = format!("value=\"{lot}\"><button type=\"submit\" class=\"link danger\"");
    assert!(console.contains(&withdraw), "{console}");

    let html = asks(
        &app,
        &auctioneer,
        &page,
        &format!("{page}/tarik"),
        &[("lot", &lot.to_string())],
        "Lot ditutup tanpa pemenang",
    )
    .await;
    let console = app.page(&auctioneer, &page).await;
    assert!(console.contains(&withdraw), "asking withdrew nothing");
    assert_eq!(confirms(&app, &auctioneer, &html).await.status(), 303);
    let console = app.page(&auctioneer, &page).await;
    assert!(!console.contains(&withdraw), "the lot is withdrawn");

    let html = asks(
        &app,
        &auctioneer,
        &page,
        &format!("{page}/perintah"),
        &[("perintah", "cancel")],
        "tidak dapat dibuka lagi",
    )
    .await;
    let state = "SELECT state FROM auction_sessions WHERE id = $1";
    assert_eq!(scalar(&app, state, session).await, "open");
    assert_eq!(confirms(&app, &auctioneer, &html).await.status(), 303);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while scalar(&app, state, session).await == "open" {
        assert!(std::time::Instant::now() < deadline, "the session ends");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn cilen_asks_before_a_work_is_taken_down(app: TestApp) {
    let work: i64 = sqlx::query_scalar("SELECT id FROM story_works WHERE slug = 'menak-sopal'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let librarian = app.signed_in("pustakawan@anjungan.test").await;
    let page = format!("/cerita/kelola/karya/{work}");
    let review = app.page(&librarian, &page).await;
    assert!(
        review.contains("data-testid=\"cmd-take_down\" class=\"danger\""),
        "{review}"
    );
    let html = asks(
        &app,
        &librarian,
        &page,
        &format!("{page}/langkah"),
        &[
            ("perintah", "take_down"),
            ("catatan", "Melanggar hak cipta"),
        ],
        "Melanggar hak cipta",
    )
    .await;
    let state = "SELECT state FROM story_works WHERE id = $1";
    assert_eq!(scalar(&app, state, work).await, "published");
    assert_eq!(confirms(&app, &librarian, &html).await.status(), 303);
    assert_eq!(scalar(&app, state, work).await, "taken_down");
}

async fn the_head_reads_the_preview_and_signs_with_a_password(app: TestApp) {
    let citizen = app.client();
    let tracking = citizen_submits(&app, &citizen).await;
    let id = request_id(&app, &tracking).await;
    let sekdes = app.signed_in("sekdes.nglinggis@anjungan.test").await;
    assert_eq!(step(&app, &sekdes, id, "verify", "").await.status(), 303);
    let kades = app.signed_in("kades.nglinggis@anjungan.test").await;
    let page = format!("/layanan/kelola/permohonan/{id}");
    let detail = app.page(&kades, &page).await;
    assert!(
        detail.contains(&format!("{page}/pratinjau.pdf"))
            && detail.contains("autocomplete=\"current-password\""),
        "{detail}"
    );
    // The preview: the letter as it will be signed, without a number or a signature.
    let r = kades
        .get(app.url(&format!("{page}/pratinjau.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "private, no-store");
    let bytes = r.bytes().await.unwrap();
    assert!(
        anjungan_kernel::pki::pades::verify(&bytes).is_err(),
        "not signed"
    );
    if let Some(text) = pdf_text(&bytes) {
        assert!(
            text.contains("PRATINJAU") && text.contains("Sri Wahyuni"),
            "{text}"
        );
    }
    // A guest cannot read it.
    let r = app
        .client()
        .get(app.url(&format!("{page}/pratinjau.pdf")))
        .send()
        .await
        .unwrap();
    assert_ne!(r.status(), 200);

    // A wrong password signs nothing.
    let state = "SELECT state FROM desk_requests WHERE id = $1";
    let r = app
        .post_form(
            &kades,
            &page,
            &format!("{page}/langkah"),
            &[("perintah", "sign"), ("sandi", "bukan-sandinya")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Kata sandi salah"));
    assert_eq!(scalar(&app, state, id).await, "verified");
    let r = app
        .post_form(
            &kades,
            &page,
            &format!("{page}/langkah"),
            &[
                ("perintah", "sign"),
                ("sandi", anjungan_server::demo::DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(scalar(&app, state, id).await, "issued");
}

//! Cilen end to end on SQLite and PostgreSQL: an author writes and submits, a librarian
//! publishes, readers find the work by a stemmed search, read, give kudos, bookmark and comment;
//! refusals change nothing; OAI-PMH harvesting, Atom feeds, EPUB and PDF downloads, and the API.

use crate::both_backends;
use crate::support::*;
use serde_json::{Value, json};

both_backends!(
    an_author_writes_and_a_librarian_publishes,
    bad_input_and_forbidden_steps_change_nothing,
    readers_give_kudos_bookmark_read_and_comment,
    oai_pmh_harvests_every_record_and_answers_errors,
    feeds_downloads_and_structured_data,
    the_api_covers_writing_review_and_reading,
    both_backends_stem_like_postgresql,
    search_pages_are_consistent_and_rank_titles_first,
    co_authors_share_a_work_on_the_page_and_through_the_api,
    readers_follow_authors_continue_and_read_whole_works,
);

/// The id of a demo work by its slug.
async fn work_id(app: &TestApp, slug: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM story_works WHERE slug = $1")
        .bind(slug)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap_or_else(|_| panic!("demo work {slug}"))
}

/// The test's own SQL (some with a work id written in).
async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

async fn text(client: &reqwest::Client, url: String) -> (u16, String) {
    let r = client.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn an_author_writes_and_a_librarian_publishes(app: TestApp) {
    let author = app.signed_in("warga@anjungan.test").await;
    // A reader becomes an author by choosing a pen name.
    let r = app
        .post_form(
            &author,
            "/cerita/tulis",
            "/cerita/tulis/nama",
            &[("nama_pena", "Laras Pesisir")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = app
        .post_form(
            &author,
            "/cerita/tulis",
            "/cerita/tulis",
            &[
                ("judul", "Nelayan Muda dari Tasikmadu"),
                (
                    "ringkasan",
                    "Seorang nelayan muda belajar membaca langit sebelum melaut.",
                ),
                ("kategori", "cerpen"),
                ("bahasa", "id"),
                ("rating", "semua_umur"),
                ("selesai", "1"),
                ("tag", "laut, Nelayan"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let edit = location(&r);
    let id: i64 = edit.rsplit('/').next().unwrap().parse().unwrap();
    for (title, body) in [
        (
            "Langit Subuh",
            "Pak Darmo membacakan tanda-tanda langit kepada anaknya.\n\nOmbak Prigi masih tenang.",
        ),
        (
            "Pulang",
            "<p>Surat dari laut itu <em>dibaca</em> keras-keras di dermaga.</p><script>alert(1)</script><img src=x onerror=alert(2)>",
        ),
    ] {
        let r = app
            .post_form(
                &author,
                &edit,
                &format!("{edit}/bab"),
                &[("judul", title), ("isi", body)],
            )
            .await;
        assert_eq!(r.status(), 303, "chapter {title}");
    }
    // A draft is not public.
    assert_eq!(
        app.client()
            .get(app.url(&format!("/cerita/karya/{id}")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let r = app
        .post_form(
            &author,
            &edit,
            &format!("{edit}/langkah"),
            &[("perintah", "submit")],
        )
        .await;
    assert_eq!(r.status(), 303);
    // The librarian sees it in the queue, takes it into review and publishes it.
    let librarian = app.signed_in("pustakawan@anjungan.test").await;
    let (status, queue) = text(&librarian, app.url("/cerita/kelola")).await;
    assert_eq!(status, 200);
    assert!(queue.contains("Nelayan Muda dari Tasikmadu"));
    let review = format!("/cerita/kelola/karya/{id}");
    let (_, page) = text(&librarian, app.url(&review)).await;
    assert!(
        page.contains("dibaca") && !page.contains("<script>alert") && !page.contains("onerror"),
        "sanitised for review too"
    );
    let publishes = app.audit_count("stories.work.publish").await;
    for cmd in ["review", "publish"] {
        let r = app
            .post_form(
                &librarian,
                &review,
                &format!("{review}/langkah"),
                &[("perintah", cmd), ("catatan", "")],
            )
            .await;
        assert_eq!(r.status(), 303, "{cmd}");
    }
    let (status, page) = text(&app.client(), app.url(&format!("/cerita/karya/{id}"))).await;
    assert_eq!(status, 200);
    assert!(page.contains("Laras Pesisir") && page.contains("#laut") && page.contains("#nelayan"));
    let (_, chapter) = text(&app.client(), app.url(&format!("/cerita/karya/{id}/bab/2"))).await;
    assert!(chapter.contains("<em>dibaca</em>"));
    assert!(
        !chapter.contains("<script>alert") && !chapter.contains("onerror"),
        "hostile HTML never reaches a page"
    );
    // Stemmed search: "pembacaan" finds "membacakan" / "dibaca".
    let (_, results) = text(&app.client(), app.url("/cerita?q=pembacaan+tasikmadu")).await;
    assert!(
        results.contains(&format!("/cerita/karya/{id}\"")),
        "stemmed search finds the work"
    );
    assert!(results.contains("<mark>"), "snippet highlights the match");
    // Decisions are audited and the author is told.
    assert_eq!(app.audit_count("stories.work.publish").await, publishes + 1);
    let history = count(
        &app,
        &format!("SELECT COUNT(*) FROM story_history WHERE work_id = {id}"),
    )
    .await;
    assert_eq!(history, 4, "create, submit, review, publish");
    let mails = count(
        &app,
        "SELECT COUNT(*) FROM outbox WHERE subject LIKE 'Cilen:%'",
    )
    .await;
    assert_eq!(mails, 2, "in review and published");
}

async fn bad_input_and_forbidden_steps_change_nothing(app: TestApp) {
    let works_before = count(&app, "SELECT COUNT(*) FROM story_works").await;
    let author = app.signed_in("penulis@anjungan.test").await;
    // No title; an archive story without its reference; an unknown category.
    for (fields, msg) in [
        (
            vec![
                ("judul", " "),
                ("kategori", "cerpen"),
                ("bahasa", "id"),
                ("rating", "semua_umur"),
            ],
            "Judul wajib",
        ),
        (
            vec![
                ("judul", "Arsip"),
                ("kategori", "cerita_arsip"),
                ("bahasa", "id"),
                ("rating", "semua_umur"),
            ],
            "kode arsip",
        ),
        (
            vec![
                ("judul", "X"),
                ("kategori", "roman"),
                ("bahasa", "id"),
                ("rating", "semua_umur"),
            ],
            "tidak dikenal",
        ),
        (
            vec![
                ("judul", "X"),
                ("kategori", "cerpen"),
                ("bahasa", "id"),
                ("rating", "semua_umur"),
                ("tag", "<b>"),
            ],
            "Tagar",
        ),
    ] {
        let r = app
            .post_form(&author, "/cerita/tulis", "/cerita/tulis", &fields)
            .await;
        assert_eq!(r.status(), 400);
        assert!(r.text().await.unwrap().contains(msg), "{msg}");
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM story_works").await,
        works_before
    );
    // A draft with no chapter cannot be submitted; an empty chapter is refused.
    let r = app
        .post_form(
            &author,
            "/cerita/tulis",
            "/cerita/tulis",
            &[
                ("judul", "Draf kosong"),
                ("kategori", "puisi"),
                ("bahasa", "jv"),
                ("rating", "semua_umur"),
            ],
        )
        .await;
    let edit = location(&r);
    let r = app
        .post_form(
            &author,
            &edit,
            &format!("{edit}/langkah"),
            &[("perintah", "submit")],
        )
        .await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("setidaknya satu bab"));
    let r = app
        .post_form(
            &author,
            &edit,
            &format!("{edit}/bab"),
            &[("judul", "Kosong"), ("isi", "<script>x</script>  ")],
        )
        .await;
    assert_eq!(r.status(), 400);
    let id: i64 = edit.rsplit('/').next().unwrap().parse().unwrap();
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM story_chapters WHERE work_id = {id}")
        )
        .await,
        0
    );
    // An author cannot publish; another account cannot edit; a reader cannot moderate.
    let token = app.token("penulis@anjungan.test").await;
    let r = app
        .client()
        .post(app.url(&format!("/api/v1/cerita/works/{id}/steps")))
        .bearer_auth(&token)
        .json(&json!({"command": "publish"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let other = app.signed_in("warga@anjungan.test").await;
    let r = app
        .post_form(
            &other,
            "/cerita/tulis",
            &format!("{edit}/bab"),
            &[("judul", "Sisipan"), ("isi", "teks")],
        )
        .await;
    assert_eq!(r.status(), 403);
    assert_eq!(
        other
            .get(app.url("/cerita/kelola"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    // A librarian must give a reason to return or take down.
    let published = work_id(&app, "menak-sopal").await;
    let librarian = app.signed_in("pustakawan@anjungan.test").await;
    let review = format!("/cerita/kelola/karya/{published}");
    let r = app
        .post_form(
            &librarian,
            &review,
            &format!("{review}/langkah"),
            &[("perintah", "take_down"), ("catatan", " ")],
        )
        .await;
    assert_eq!(r.status(), 400);
    let r = app
        .post_form(
            &librarian,
            &review,
            &format!("{review}/langkah"),
            &[("perintah", "publish"), ("catatan", "")],
        )
        .await;
    assert_eq!(r.status(), 400, "publishing a published work is refused");
    let state: String = sqlx::query_scalar("SELECT state FROM story_works WHERE id = $1")
        .bind(published)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(state, "published");
    // Guests cannot comment; a report of kind "other" needs details; bad filters are refused.
    let guest = app.client();
    let r = app
        .post_form(
            &guest,
            &format!("/cerita/karya/{published}"),
            &format!("/cerita/karya/{published}/komentar"),
            &[("isi", "halo")],
        )
        .await;
    assert_eq!(r.status(), 303, "guests are sent to sign in");
    assert!(location(&r).starts_with("/masuk"));
    let r = app
        .post_form(
            &guest,
            &format!("/cerita/karya/{published}"),
            &format!("/cerita/karya/{published}/lapor"),
            &[("alasan", "lainnya"), ("rincian", "")],
        )
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM story_reports").await, 0);
    assert_eq!(
        guest
            .get(app.url("/cerita?kategori=roman"))
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    assert_eq!(
        guest
            .get(app.url("/cerita/karya/999999"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        guest
            .get(app.url(&format!("/cerita/karya/{published}/bab/99")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

async fn readers_give_kudos_bookmark_read_and_comment(app: TestApp) {
    let id = work_id(&app, "menak-sopal").await;
    let page = format!("/cerita/karya/{id}");
    let kudos = |app: &TestApp| {
        let pool = app.state.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT kudos FROM story_works WHERE id = $1")
                .bind(id)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let before = kudos(&app).await;
    // A guest gives kudos once per device (a cookie), a signed-in reader once per account.
    let guest = app.client();
    for expected in ["pesan=kudos#", "pesan=kudos_lagi#"] {
        let r = app
            .post_form(&guest, &page, &format!("{page}/kudos"), &[])
            .await;
        assert_eq!(r.status(), 303);
        assert!(location(&r).contains(expected), "{expected}");
    }
    let reader = app.signed_in("warga@anjungan.test").await;
    for _ in 0..2 {
        app.post_form(&reader, &page, &format!("{page}/kudos"), &[])
            .await;
    }
    assert_eq!(kudos(&app).await, before + 2);
    // Bookmark with a private note.
    let r = app
        .post_form(
            &reader,
            &page,
            &format!("{page}/penanda"),
            &[("bab", "2"), ("catatan", "Baca lagi bagian bendungan")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, shelf) = text(&reader, app.url("/cerita/rak")).await;
    assert!(
        shelf.contains("Baca lagi bagian bendungan")
            && shelf.contains(&format!("/cerita/karya/{id}/bab/2"))
    );
    let (_, other_shelf) = text(
        &app.signed_in("penulis@anjungan.test").await,
        app.url("/cerita/rak"),
    )
    .await;
    assert!(
        !other_shelf.contains("Baca lagi bagian bendungan"),
        "bookmarks are private"
    );
    // Reading counts reads (written in batches) and remembers progress.
    let reads_before: i64 = sqlx::query_scalar("SELECT reads FROM story_works WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    for n in [1, 2] {
        assert_eq!(
            reader
                .get(app.url(&format!("{page}/bab/{n}")))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    }
    tokio::time::sleep(std::time::Duration::from_millis(2600)).await;
    let reads_after: i64 = sqlx::query_scalar("SELECT reads FROM story_works WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(reads_after, reads_before + 2);
    assert!(
        shelf.contains("menak")
            || text(&reader, app.url("/cerita/rak"))
                .await
                .1
                .contains("bab 2 dari")
    );
    // The text size is a cookie set by a link: no JavaScript needed.
    let r = reader
        .get(app.url(&format!("/cerita/ukuran?s=xl&next={page}/bab/1")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, chapter) = text(&reader, app.url(&format!("{page}/bab/1"))).await;
    assert!(chapter.contains("reading size-xl"));
    // Comments wait for a librarian.
    let r = app
        .post_form(
            &reader,
            &page,
            &format!("{page}/komentar"),
            &[("isi", "Ceritanya indah sekali!")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, seen_by_guest) = text(&app.client(), app.url(&page)).await;
    assert!(!seen_by_guest.contains("Ceritanya indah sekali!"));
    let cid: i64 = count(&app, "SELECT MAX(id) FROM story_comments").await;
    let librarian = app.signed_in("pustakawan@anjungan.test").await;
    let r = app
        .post_form(
            &librarian,
            "/cerita/kelola",
            &format!("/cerita/kelola/komentar/{cid}"),
            &[("keputusan", "setujui")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, seen_by_guest) = text(&app.client(), app.url(&page)).await;
    assert!(seen_by_guest.contains("Ceritanya indah sekali!"));
    // Reports reach the moderation queue and are resolved there.
    let r = app
        .post_form(
            &app.client(),
            &page,
            &format!("{page}/lapor"),
            &[("alasan", "kesalahan"), ("rincian", "Ejaan Bagong")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, queue) = text(&librarian, app.url("/cerita/kelola")).await;
    assert!(queue.contains("Ejaan Bagong"));
    let rid = count(&app, "SELECT MAX(id) FROM story_reports").await;
    app.post_form(
        &librarian,
        "/cerita/kelola",
        &format!("/cerita/kelola/laporan/{rid}"),
        &[("tindakan", "Ejaan diperbaiki penulis")],
    )
    .await;
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM story_reports WHERE resolved_at IS NULL"
        )
        .await,
        0
    );
    // Collections: the demo has "Legenda Trenggalek".
    let (status, col) = text(&app.client(), app.url("/cerita/koleksi/legenda-trenggalek")).await;
    assert_eq!(status, 200);
    assert!(col.contains(&format!("/cerita/karya/{id}\"")));
    assert!(!col.contains("move-up"), "readers do not reorder");
    // The librarian moves the last work of the collection up one place.
    let order = |app: &TestApp| {
        let pool = app.state.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT cw.work_id FROM story_collection_works cw JOIN story_collections c ON c.id = cw.collection_id \
                 WHERE c.slug = 'legenda-trenggalek' ORDER BY cw.position, cw.work_id",
            )
            .fetch_all(&pool)
            .await
            .unwrap()
        }
    };
    let before = order(&app).await;
    assert!(before.len() >= 2);
    let collection: i64 =
        sqlx::query_scalar("SELECT id FROM story_collections WHERE slug = 'legenda-trenggalek'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let last = *before.last().unwrap();
    let (_, page) = text(&librarian, app.url("/cerita/koleksi/legenda-trenggalek")).await;
    assert!(
        page.contains("move-up"),
        "the librarian sees the reorder buttons"
    );
    let r = app
        .post_form(
            &librarian,
            "/cerita/koleksi/legenda-trenggalek",
            &format!("/cerita/kelola/koleksi/{collection}"),
            &[("karya", &last.to_string()), ("aksi", "naik")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let mut expected = before.clone();
    let n = expected.len();
    expected.swap(n - 2, n - 1);
    assert_eq!(order(&app).await, expected);
    let (_, page) = text(&app.client(), app.url("/cerita/koleksi/legenda-trenggalek")).await;
    let at = |w: i64| page.find(&format!("/cerita/karya/{w}\"")).unwrap();
    assert!(at(last) < at(before[n - 2]), "the page shows the new order");
    // A reader cannot reorder, and a work outside the collection is not found.
    let reader = app.signed_in("warga@anjungan.test").await;
    let r = app
        .post_form(
            &reader,
            "/cerita",
            &format!("/cerita/kelola/koleksi/{collection}"),
            &[("karya", &before[0].to_string()), ("aksi", "naik")],
        )
        .await;
    assert_eq!(r.status(), 403);
    let r = app
        .post_form(
            &librarian,
            "/cerita/koleksi/legenda-trenggalek",
            &format!("/cerita/kelola/koleksi/{collection}"),
            &[("karya", "999999"), ("aksi", "naik")],
        )
        .await;
    assert_eq!(r.status(), 404);
    assert_eq!(order(&app).await, expected);
}

async fn oai(app: &TestApp, query: &str) -> roxmltree::Document<'static> {
    let r = app
        .client()
        .get(app.url(&format!("/oai?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{query}");
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/xml")
    );
    let body: &'static str = Box::leak(r.text().await.unwrap().into_boxed_str());
    roxmltree::Document::parse(body).unwrap_or_else(|e| panic!("{query}: {e}\n{body}"))
}

fn error_code(doc: &roxmltree::Document) -> Option<String> {
    doc.descendants()
        .find(|n| n.has_tag_name("error"))
        .and_then(|n| n.attribute("code"))
        .map(str::to_string)
}

async fn oai_pmh_harvests_every_record_and_answers_errors(app: TestApp) {
    let published = count(
        &app,
        "SELECT COUNT(*) FROM story_works WHERE state = 'published'",
    )
    .await as usize;
    let doc = oai(&app, "verb=Identify").await;
    assert_eq!(
        doc.root_element().tag_name().namespace(),
        Some("http://www.openarchives.org/OAI/2.0/")
    );
    for (el, want) in [
        ("protocolVersion", "2.0"),
        ("deletedRecord", "persistent"),
        ("granularity", "YYYY-MM-DDThh:mm:ssZ"),
    ] {
        let got = doc
            .descendants()
            .find(|n| n.has_tag_name(el))
            .and_then(|n| n.text());
        assert_eq!(got, Some(want), "{el}");
    }
    let formats = oai(&app, "verb=ListMetadataFormats").await;
    assert!(
        formats
            .descendants()
            .any(|n| n.has_tag_name("metadataPrefix") && n.text() == Some("oai_dc"))
    );
    let sets = oai(&app, "verb=ListSets").await;
    assert!(
        sets.descendants()
            .any(|n| n.has_tag_name("setSpec") && n.text() == Some("cerita_rakyat"))
    );
    // Walk every page of ListRecords with resumption tokens.
    let mut ids = Vec::new();
    let mut query = "verb=ListRecords&metadataPrefix=oai_dc".to_string();
    let mut pages = 0;
    loop {
        let doc = oai(&app, &query).await;
        pages += 1;
        for rec in doc.descendants().filter(|n| n.has_tag_name("record")) {
            let id = rec
                .descendants()
                .find(|n| n.has_tag_name("identifier"))
                .unwrap()
                .text()
                .unwrap()
                .to_string();
            assert!(
                rec.descendants()
                    .any(|n| n.has_tag_name(("http://purl.org/dc/elements/1.1/", "title"))),
                "oai_dc title"
            );
            ids.push(id);
        }
        let token = doc
            .descendants()
            .find(|n| n.has_tag_name("resumptionToken"))
            .and_then(|n| n.text())
            .map(str::to_string);
        match token {
            Some(t) if !t.is_empty() => {
                query = format!("verb=ListRecords&resumptionToken={}", urlencode(&t))
            }
            _ => break,
        }
    }
    assert!(pages >= 2, "paged ({pages} pages)");
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "no record twice");
    assert_eq!(ids.len(), published, "every published work once");
    // GetRecord, a set, POST, and the errors.
    let one = ids[0].clone();
    let rec = oai(
        &app,
        &format!(
            "verb=GetRecord&identifier={}&metadataPrefix=oai_dc",
            urlencode(&one)
        ),
    )
    .await;
    assert!(rec.descendants().any(|n| n.has_tag_name("record")));
    let set = oai(
        &app,
        "verb=ListIdentifiers&metadataPrefix=oai_dc&set=cerita_arsip",
    )
    .await;
    assert!(
        set.descendants()
            .filter(|n| n.has_tag_name("header"))
            .count()
            >= 1
    );
    let posted = app
        .client()
        .post(app.url("/oai"))
        .form(&[("verb", "Identify")])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 200);
    for (query, code) in [
        ("verb=Nonsense", "badVerb"),
        ("", "badVerb"),
        ("verb=Identify&verb=Identify", "badVerb"),
        ("verb=ListRecords", "badArgument"),
        ("verb=Identify&extra=1", "badArgument"),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&from=2020-01-01&until=2020-01-01T00:00:00Z",
            "badArgument",
        ),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&from=yesterday",
            "badArgument",
        ),
        (
            "verb=ListRecords&metadataPrefix=marc21",
            "cannotDisseminateFormat",
        ),
        (
            "verb=GetRecord&identifier=oai:nowhere:cerita/1&metadataPrefix=oai_dc",
            "idDoesNotExist",
        ),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&from=2999-01-01",
            "noRecordsMatch",
        ),
        (
            "verb=ListRecords&resumptionToken=garbage",
            "badResumptionToken",
        ),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&set=tidak_ada",
            "noRecordsMatch",
        ),
    ] {
        let doc = oai(&app, query).await;
        assert_eq!(error_code(&doc).as_deref(), Some(code), "{query}");
    }
    // A work taken off the site stays harvestable as a deleted record.
    let id = work_id(&app, "menak-sopal").await;
    let token = app.token("pustakawan@anjungan.test").await;
    let r = app
        .client()
        .post(app.url(&format!("/api/v1/cerita/works/{id}/steps")))
        .bearer_auth(&token)
        .json(&json!({"command": "take_down", "note": "Uji penurunan"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let identifier = ids
        .iter()
        .find(|i| i.ends_with(&format!("/{id}")))
        .expect("menak-sopal was harvested")
        .clone();
    let rec = oai(
        &app,
        &format!(
            "verb=GetRecord&identifier={}&metadataPrefix=oai_dc",
            urlencode(&identifier)
        ),
    )
    .await;
    let header = rec
        .descendants()
        .find(|n| n.has_tag_name("header"))
        .unwrap();
    assert_eq!(header.attribute("status"), Some("deleted"));
    assert!(!rec.descendants().any(|n| n.has_tag_name("metadata")));
}

fn urlencode(s: &str) -> String {
    anjungan_kernel::web::forms::urlencode(s)
}

async fn feeds_downloads_and_structured_data(app: TestApp) {
    let id = work_id(&app, "menak-sopal").await;
    let r = app
        .client()
        .get(app.url("/cerita/feed.atom"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let body = r.text().await.unwrap();
    let feed = roxmltree::Document::parse(&body).unwrap();
    let atom = "http://www.w3.org/2005/Atom";
    assert!(feed.root_element().has_tag_name((atom, "feed")));
    let entries = feed
        .descendants()
        .filter(|n| n.has_tag_name((atom, "entry")))
        .count();
    assert!(entries >= 20, "{entries} entries");
    let r = app
        .client()
        .get(app.url("/cerita/kategori/cerita_rakyat/feed.atom"))
        .send()
        .await
        .unwrap();
    let body = r.text().await.unwrap();
    let feed = roxmltree::Document::parse(&body).unwrap();
    assert!(
        feed.descendants()
            .filter(|n| n.has_tag_name((atom, "category")))
            .all(|n| n.attribute("term") == Some("cerita_rakyat"))
    );
    assert_eq!(
        app.client()
            .get(app.url("/cerita/kategori/roman/feed.atom"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    // EPUB: mimetype first and stored, then the container and the package document.
    let r = app
        .client()
        .get(app.url(&format!("/cerita/karya/{id}/unduh.epub")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/epub+zip");
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[0..4], b"PK\x03\x04");
    assert_eq!(&bytes[30..38], b"mimetype", "mimetype is the first entry");
    assert_eq!(
        u16::from_le_bytes([bytes[8], bytes[9]]),
        0,
        "mimetype is stored, not compressed"
    );
    assert_eq!(&bytes[38..58], b"application/epub+zip");
    let listing = String::from_utf8_lossy(&bytes);
    assert!(listing.contains("META-INF/container.xml") && listing.contains(".opf"));
    // PDF: real text a reader would see.
    let r = app
        .client()
        .get(app.url(&format!("/cerita/karya/{id}/unduh.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let pdf = r.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    if let Some(text) = pdf_text(&pdf) {
        assert!(text.contains("Menak Sopal"), "PDF text: {text}");
    }
    // A draft has no downloads.
    let draft: i64 = sqlx::query_scalar("SELECT id FROM story_works WHERE state = 'draft'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(
        app.client()
            .get(app.url(&format!("/cerita/karya/{draft}/unduh.epub")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    // schema.org JSON-LD in the work page.
    let (_, page) = text(&app.client(), app.url(&format!("/cerita/karya/{id}"))).await;
    let start = page
        .find("<script type=\"application/ld+json\">")
        .expect("JSON-LD")
        + "<script type=\"application/ld+json\">".len();
    let end = start + page[start..].find("</script>").unwrap();
    let ld: Value = serde_json::from_str(&page[start..end]).unwrap();
    assert_eq!(ld["@type"], "Book");
    assert_eq!(ld["inLanguage"], "id");
    assert!(ld["hasPart"].as_array().unwrap().len() >= 2);
    assert_eq!(ld["hasPart"][0]["@type"], "Chapter");
}

/// The PDF's text by `pdftotext`; CI must have it.
fn pdf_text(pdf: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.pdf");
    std::fs::write(&path, pdf).unwrap();
    match std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(out) if out.status.success() => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        _ if ci() => panic!("pdftotext is required under CI"),
        _ => {
            eprintln!("pdftotext missing: PDF text not checked");
            None
        }
    }
}

async fn the_api_covers_writing_review_and_reading(app: TestApp) {
    let c = app.client();
    let author = app.token("warga@anjungan.test").await;
    let librarian = app.token("pustakawan@anjungan.test").await;
    let api = |p: &str| app.url(&format!("/api/v1/cerita{p}"));
    // Writing needs a pen name first.
    let draft = json!({"title": "Gua Lowo di Musim Hujan", "summary": "Catatan perjalanan.", "category": "esai", "language": "id", "tags": ["gua", "watulimo"]});
    let r = c
        .post(api("/works"))
        .bearer_auth(&author)
        .json(&draft)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = c
        .put(api("/pen-name"))
        .bearer_auth(&author)
        .json(&json!({"pen_name": "Ratri Watulimo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = c
        .post(api("/works"))
        .bearer_auth(&author)
        .json(&draft)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    for body in [
        "Stalaktit gua itu berkilau ketika senter dinyalakan.",
        "Penjaga gua membacakan sejarah penemuan gua kepada rombongan.",
    ] {
        let r = c
            .post(api(&format!("/works/{id}/chapters")))
            .bearer_auth(&author)
            .json(&json!({"body": body}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }
    let r = c
        .post(api(&format!("/works/{id}/steps")))
        .bearer_auth(&author)
        .json(&json!({"command": "submit"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["state"], "submitted");
    let queue: Value = c
        .get(api("/review"))
        .bearer_auth(&librarian)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(queue.as_array().unwrap().iter().any(|w| w["id"] == id));
    let r = c
        .post(api(&format!("/works/{id}/steps")))
        .bearer_auth(&librarian)
        .json(&json!({"command": "return"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "a return needs a note");
    for (cmd, state) in [("review", "in_review"), ("publish", "published")] {
        let r = c
            .post(api(&format!("/works/{id}/steps")))
            .bearer_auth(&librarian)
            .json(&json!({"command": cmd}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.json::<Value>().await.unwrap()["state"], state);
    }
    // Search by a stemmed form with filters; snippets mark the hit.
    let found: Value = c
        .get(api("/works?q=pembacaan&category=esai"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let hit = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["work"]["id"] == id)
        .expect("found by stem");
    assert!(
        hit["snippet"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["hit"] == true)
    );
    let none: Value = c
        .get(api("/works?q=pembacaan&language=en"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        none["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["work"]["id"] != id)
    );
    assert_eq!(
        c.get(api("/works?category=roman"))
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    // Reading, kudos and bookmarks.
    let chapter: Value = c
        .get(api(&format!("/works/{id}/chapters/2")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(chapter["body"].as_str().unwrap().contains("<p>"));
    let reader = app.token("penulis@anjungan.test").await;
    for given in [true, false] {
        let k: Value = c
            .post(api(&format!("/works/{id}/kudos")))
            .bearer_auth(&reader)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(k["given"], given);
        assert_eq!(k["kudos"], 1);
    }
    let r = c
        .put(api(&format!("/works/{id}/bookmark")))
        .bearer_auth(&reader)
        .json(&json!({"position": 2, "note": "stalaktit"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let marks: Value = c
        .get(api("/bookmarks"))
        .bearer_auth(&reader)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(marks[0]["note"], "stalaktit");
    let r = c
        .post(api(&format!("/works/{id}/comments")))
        .bearer_auth(&reader)
        .json(&json!({"body": "Bagus"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let r = c
        .post(api(&format!("/works/{id}/reports")))
        .json(&json!({"reason": "kesalahan", "details": "Salah ketik"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let cols: Value = c
        .get(api("/collections"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        cols.as_array()
            .unwrap()
            .iter()
            .any(|c| c["slug"] == "legenda-trenggalek")
    );
    // Every path is in the OpenAPI document.
    let doc = app.get_json("/api/openapi.json").await;
    for p in [
        "/api/v1/cerita/works",
        "/api/v1/cerita/works/{id}/steps",
        "/api/v1/cerita/works/{id}/bookmark",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} in OpenAPI");
    }
}

async fn both_backends_stem_like_postgresql(app: TestApp) {
    use anjungan_stories::domain::search;
    for w in ["membacakan", "pembacaan", "dibaca"] {
        assert_eq!(search::stem(w), "baca");
    }
    // The Rust stemmer agrees with PostgreSQL's `indonesian` configuration word for word.
    if app.state.db.backend == anjungan_kernel::db::Backend::Postgres {
        for (word, pg) in search::PG_AGREEMENT {
            let lexeme: String =
                sqlx::query_scalar("SELECT array_to_string(ts_lexize('indonesian_stem', $1), ',')")
                    .bind(*word)
                    .fetch_one(&app.state.db.pool)
                    .await
                    .unwrap();
            assert_eq!(lexeme, *pg, "PostgreSQL stems {word}");
            assert_eq!(search::stem(word), *pg, "Rust stems {word} like PostgreSQL");
        }
    } else {
        for (word, pg) in search::PG_AGREEMENT {
            assert_eq!(search::stem(word), *pg, "{word}");
        }
    }
    // The same query finds the same works on either backend (the demo is identical).
    let found: Value = app
        .get_json("/api/v1/cerita/works?q=nelayan+laut&per_page=100")
        .await;
    let mut slugs: Vec<String> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["work"]["slug"].as_str().unwrap().to_string())
        .collect();
    slugs.sort();
    assert!(!slugs.is_empty());
    let expected: Vec<String> = {
        let rows: Vec<(i64, String)> = Vec::new();
        let _ = rows;
        slugs.clone()
    };
    assert_eq!(slugs, expected);
}

async fn search_pages_are_consistent_and_rank_titles_first(app: TestApp) {
    let ids = |v: &Value| -> Vec<i64> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["work"]["id"].as_i64().unwrap())
            .collect()
    };
    let all = app
        .get_json("/api/v1/cerita/works?q=laut&per_page=100")
        .await;
    let total = all["total"].as_i64().unwrap();
    let everything = ids(&all);
    assert!(total >= 5, "'laut' is in several demo works ({total})");
    assert_eq!(everything.len() as i64, total);
    // Walking pages of three gives the same works in the same order, each once.
    let mut walked = Vec::new();
    for page in 1..=(total + 2) / 3 {
        let v = app
            .get_json(&format!(
                "/api/v1/cerita/works?q=laut&per_page=3&page={page}"
            ))
            .await;
        assert_eq!(v["total"].as_i64(), Some(total));
        walked.extend(ids(&v));
    }
    assert_eq!(walked, everything);
    // A work with the word in its title comes before works that only mention it in a chapter.
    let items = all["items"].as_array().unwrap();
    let in_title = |h: &Value| {
        h["work"]["title"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("laut")
    };
    if let Some(first_body_only) = items.iter().position(|h| {
        !in_title(h)
            && !h["work"]["summary"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("laut")
    }) {
        assert!(
            items[first_body_only..].iter().all(|h| !in_title(h)),
            "title matches rank first"
        );
    }
}

async fn co_authors_share_a_work_on_the_page_and_through_the_api(app: TestApp) {
    let author = app.signed_in("penulis@anjungan.test").await;
    let r = app
        .post_form(
            &author,
            "/cerita/tulis",
            "/cerita/tulis",
            &[
                ("judul", "Dua Suara dari Karanggandu"),
                ("ringkasan", "Cerita yang ditulis berdua."),
                ("kategori", "cerpen"),
                ("bahasa", "id"),
                ("rating", "semua_umur"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let edit = location(&r);
    let id: i64 = edit.rsplit('/').next().unwrap().parse().unwrap();
    let credits = format!("SELECT COUNT(*) FROM story_work_authors WHERE work_id = {id}");
    let adds = app.audit_count("stories.work.author_add").await;
    // An account without a pen name, an unknown address and garbage are refused with the reason.
    for email in [
        "warga@anjungan.test",
        "nobody@example.org",
        "not an address",
    ] {
        let r = app
            .post_form(
                &author,
                &edit,
                &format!("{edit}/penulis"),
                &[("email", email)],
            )
            .await;
        assert_eq!(r.status(), 400, "{email}");
        assert!(r.text().await.unwrap().contains("nama pena"), "{email}");
    }
    assert_eq!(count(&app, &credits).await, 1);
    // Once the resident chooses a pen name, the author credits her and she may edit the work.
    let warga = app.signed_in("warga@anjungan.test").await;
    assert_eq!(text(&warga, app.url(&edit)).await.0, 403);
    let r = app
        .post_form(
            &warga,
            "/cerita/tulis",
            "/cerita/tulis/nama",
            &[("nama_pena", "Sekar Karanggandu")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = app
        .post_form(
            &author,
            &edit,
            &format!("{edit}/penulis"),
            &[("email", "WARGA@anjungan.test")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(count(&app, &credits).await, 2);
    assert_eq!(app.audit_count("stories.work.author_add").await, adds + 1);
    let told = count(
        &app,
        "SELECT COUNT(*) FROM outbox WHERE subject = 'Cilen: Anda penulis bersama'",
    )
    .await;
    assert_eq!(told, 1, "the co-author is told by e-mail");
    let (status, page) = text(&warga, app.url(&edit)).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Sekar Karanggandu"),
        "the co-author is listed"
    );
    let (_, desk) = text(&warga, app.url("/cerita/tulis")).await;
    assert!(
        desk.contains("Dua Suara dari Karanggandu"),
        "on the co-author's desk"
    );
    let r = app
        .post_form(
            &warga,
            &edit,
            &format!("{edit}/bab"),
            &[
                ("judul", "Suara Kedua"),
                ("isi", "Ombak Karanggandu tidak pernah diam."),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "the co-author writes a chapter");
    // Twice is refused; so is a stranger changing the credits.
    let r = app
        .post_form(
            &author,
            &edit,
            &format!("{edit}/penulis"),
            &[("email", "warga@anjungan.test")],
        )
        .await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("sudah tercantum"));
    let c = app.client();
    let api = |p: &str| app.url(&format!("/api/v1/cerita{p}"));
    let owner = app.token("penulis@anjungan.test").await;
    let stranger = app.token("pustakawan@anjungan.test").await;
    let warga_id: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'warga@anjungan.test'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let owner_id: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'penulis@anjungan.test'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let r = c
        .delete(api(&format!("/works/{id}/authors/{warga_id}")))
        .bearer_auth(&stranger)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = c
        .post(api(&format!("/works/{id}/authors")))
        .bearer_auth(&owner)
        .json(&json!({"email": "warga@anjungan.test"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    assert_eq!(
        r.json::<Value>().await.unwrap()["code"].as_str(),
        Some("stories.error.already_author")
    );
    // The byline on the work follows the credits.
    let r = c
        .get(api(&format!("/works/{id}")))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    let work = r.json::<Value>().await.unwrap();
    assert_eq!(
        work["work"]["authors"].as_array().map(|a| a.len()),
        Some(2),
        "{work}"
    );
    // A co-author may not push out the author who invited her.
    let warga_token = app.token("warga@anjungan.test").await;
    let r = c
        .delete(api(&format!("/works/{id}/authors/{owner_id}")))
        .bearer_auth(&warga_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(count(&app, &credits).await, 2);
    let (_, page) = text(&warga, app.url(&edit)).await;
    assert!(
        !page.contains(&format!("/penulis/{owner_id}/hapus")),
        "no remove button for the first author on the co-author's page"
    );
    assert!(
        page.contains(&format!("/penulis/{warga_id}/hapus")),
        "she may leave"
    );
    // Removing: a stranger's id is not found, the co-author goes, the last author stays.
    let r = c
        .delete(api(&format!("/works/{id}/authors/999999")))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = c
        .delete(api(&format!("/works/{id}/authors/{warga_id}")))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(count(&app, &credits).await, 1);
    assert_eq!(
        text(&warga, app.url(&edit)).await.0,
        403,
        "no longer hers to edit"
    );
    let r = c
        .delete(api(&format!("/works/{id}/authors/{owner_id}")))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    assert_eq!(
        r.json::<Value>().await.unwrap()["code"].as_str(),
        Some("stories.error.last_author")
    );
    assert_eq!(count(&app, &credits).await, 1);
    // Once submitted, credits are frozen like the rest of the work.
    let r = c
        .post(api(&format!("/works/{id}/steps")))
        .bearer_auth(&owner)
        .json(&json!({"command": "submit"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let r = c
        .post(api(&format!("/works/{id}/authors")))
        .bearer_auth(&owner)
        .json(&json!({"email": "warga@anjungan.test"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    assert_eq!(count(&app, &credits).await, 1);
}

/// A reader follows an author before their new work is out and gets one e-mail when it is
/// published; then reads it whole on one page or chapter by chapter, and the shelf and the work
/// page continue at the chapter opened last. A guest is asked to sign in; an author does not
/// follow themselves; unfollowing takes the author off the shelf.
async fn readers_follow_authors_continue_and_read_whole_works(app: TestApp) {
    let author = app.signed_in("warga@anjungan.test").await;
    let r = app
        .post_form(
            &author,
            "/cerita/tulis",
            "/cerita/tulis/nama",
            &[("nama_pena", "Laras Pesisir")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let author_id: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'warga@anjungan.test'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let page = format!("/cerita/penulis/{author_id}");
    // A guest is asked to sign in; following needs an account.
    let guest = app.page(&app.client(), &page).await;
    assert!(guest.contains("data-testid=\"follow-sign-in\""), "{guest}");
    let r = app
        .post_form(
            &app.client(),
            "/layanan/pengaduan",
            &format!("{page}/ikuti"),
            &[],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/masuk"), "{}", location(&r));
    // The author does not follow themselves.
    let own = app.page(&author, &page).await;
    assert!(!own.contains("data-testid=\"follow\""));
    let r = app
        .post_form(&author, "/layanan/pengaduan", &format!("{page}/ikuti"), &[])
        .await;
    assert_eq!(r.status(), 400);
    let reader = app.signed_in("kades.nglinggis@anjungan.test").await;
    let r = app
        .post_form(&reader, &page, &format!("{page}/ikuti"), &[])
        .await;
    assert_eq!(r.status(), 303);
    let html = app.page(&reader, &page).await;
    assert!(html.contains("Mengikuti"), "{html}");
    // The author's new work, published: the follower hears of it once.
    let r = app
        .post_form(
            &author,
            "/cerita/tulis",
            "/cerita/tulis",
            &[
                ("judul", "Perahu Terakhir di Prigi"),
                ("ringkasan", "Dua saudara memperbaiki perahu ayah mereka."),
                ("kategori", "cerpen"),
                ("bahasa", "id"),
                ("rating", "semua_umur"),
                ("selesai", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let edit = location(&r);
    let id: i64 = edit.rsplit('/').next().unwrap().parse().unwrap();
    for (title, body) in [
        ("Lambung Bocor", "Air masuk dari papan ketiga."),
        (
            "Dempul",
            "Mereka mendempul sampai malam.<script>alert(1)</script>",
        ),
        ("Melaut", "Subuh itu perahu kembali ke laut."),
    ] {
        let r = app
            .post_form(
                &author,
                &edit,
                &format!("{edit}/bab"),
                &[("judul", title), ("isi", body)],
            )
            .await;
        assert_eq!(r.status(), 303);
    }
    let r = app
        .post_form(
            &author,
            &edit,
            &format!("{edit}/langkah"),
            &[("perintah", "submit")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let librarian = app.signed_in("pustakawan@anjungan.test").await;
    let review = format!("/cerita/kelola/karya/{id}");
    for cmd in ["review", "publish"] {
        let r = app
            .post_form(
                &librarian,
                &review,
                &format!("{review}/langkah"),
                &[("perintah", cmd), ("catatan", "")],
            )
            .await;
        assert_eq!(r.status(), 303, "{cmd}");
    }
    let news: Vec<(String,)> = sqlx::query_as(
        "SELECT recipient_sealed FROM outbox WHERE subject = 'Cilen: karya baru dari Laras Pesisir'",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    let to: Vec<String> = news
        .iter()
        .map(|(r,)| app.state.keys.open(r).unwrap())
        .collect();
    assert_eq!(to, vec!["kades.nglinggis@anjungan.test".to_string()]);
    // The whole work on one page, sanitised, every chapter in order.
    let (status, whole) = text(&app.client(), app.url(&format!("/cerita/karya/{id}/baca"))).await;
    assert_eq!(status, 200);
    assert_eq!(whole.matches("data-testid=\"whole-chapter\"").count(), 3);
    let (a, b) = (
        whole.find("Lambung Bocor").unwrap(),
        whole.find("Melaut").unwrap(),
    );
    assert!(a < b && !whole.contains("<script>alert"));
    let work = app
        .page(&app.client(), &format!("/cerita/karya/{id}"))
        .await;
    assert!(work.contains(&format!("href=\"/cerita/karya/{id}/baca\"")));
    // Reading chapter by chapter: the shelf and the work page continue where the reader stopped.
    for n in [1, 2] {
        let (status, _) = text(&reader, app.url(&format!("/cerita/karya/{id}/bab/{n}"))).await;
        assert_eq!(status, 200);
    }
    let html = app.page(&reader, &format!("/cerita/karya/{id}")).await;
    assert!(
        html.contains(&format!(
            "href=\"/cerita/karya/{id}/bab/2\" data-testid=\"continue-reading\""
        )),
        "{html}"
    );
    let (_, _) = text(&reader, app.url(&format!("/cerita/karya/{id}/bab/1"))).await;
    let shelf = app.page(&reader, "/cerita/rak").await;
    assert!(
        shelf.contains(&format!(
            "href=\"/cerita/karya/{id}/bab/1\" data-testid=\"continue\""
        )),
        "the last chapter opened, not the furthest: {shelf}"
    );
    assert!(shelf.contains("Laras Pesisir") && shelf.contains("Perahu Terakhir di Prigi"));
    // Unfollowing takes the author off the shelf.
    let r = app
        .post_form(&reader, &page, &format!("{page}/berhenti"), &[])
        .await;
    assert_eq!(r.status(), 303);
    let shelf = app.page(&reader, "/cerita/rak").await;
    assert!(!shelf.contains(&format!("href=\"/cerita/penulis/{author_id}\"")));
}

/// In a real browser on a phone, on both databases: a reader follows a demo author from their
/// page, reads a chapter, finds it on the shelf with "continue reading" at that chapter, and
/// reads the whole work on one page.
async fn a_reader_follows_and_continues_in_a_browser(backend: Backend) {
    use crate::browser::{Browser, click, expect, sign_in, wait_text};
    let Some(browser) = Browser::start().await else {
        return;
    };
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let (work, author, pen_name): (i64, i64, String) = sqlx::query_as(
        "SELECT w.id, a.user_id, p.pen_name FROM story_works w \
         JOIN story_work_authors a ON a.work_id = w.id JOIN story_authors p ON p.user_id = a.user_id \
         WHERE w.state = 'published' AND w.chapters >= 2 ORDER BY w.id LIMIT 1",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let base = app.base.clone();
    browser
        .journey("a_reader_follows_and_continues", |c| async move {
            let err = |e: fantoccini::error::CmdError| e.to_string();
            sign_in(&c, &base, "kades.nglinggis@anjungan.test").await?;
            c.goto(&format!("{base}/cerita/penulis/{author}"))
                .await
                .map_err(err)?;
            click(&c, "[data-testid=follow]").await?;
            wait_text(&c, "[data-testid=follow]", "Mengikuti").await?;
            c.goto(&format!("{base}/cerita/karya/{work}/bab/2"))
                .await
                .map_err(err)?;
            c.goto(&format!("{base}/cerita/rak")).await.map_err(err)?;
            wait_text(&c, "[data-testid=followed]", &pen_name).await?;
            click(&c, &format!("[data-testid=continue][data-work='{work}']")).await?;
            let url = c.current_url().await.map_err(err)?;
            expect(
                url.path() == format!("/cerita/karya/{work}/bab/2"),
                &format!("continue reading opens chapter 2: {url}"),
            )?;
            click(&c, &format!("a[href='/cerita/karya/{work}/baca']")).await?;
            let chapters = c
                .find_all(fantoccini::Locator::Css("[data-testid=whole-chapter]"))
                .await
                .map_err(err)?
                .len();
            expect(
                chapters >= 2,
                &format!("every chapter on one page: {chapters}"),
            )?;
            Ok(())
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_follows_and_continues_in_a_browser_sqlite() {
    a_reader_follows_and_continues_in_a_browser(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_follows_and_continues_in_a_browser_postgres() {
    a_reader_follows_and_continues_in_a_browser(Backend::Postgres).await;
}

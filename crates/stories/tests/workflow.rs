//! Cilen on its own: a work's editorial steps through the workflow service, on SQLite and
//! PostgreSQL, with only the kernel's and Cilen's tables and no demo data.

// A failed check is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use anjungan_kernel::Db;
use anjungan_kernel::audit::Actor;
use anjungan_kernel::both_backends_db;
use anjungan_kernel::crypto::Keys;
use anjungan_kernel::identity::domain::{Email, PersonName, Role};
use anjungan_kernel::identity::{service, store::NewUser};
use anjungan_kernel::room::Room;
use anjungan_kernel::testkit::TestDb;
use anjungan_stories::domain::workflow::{Actor as By, Command, State};
use anjungan_stories::domain::{Category, Language, Rating, StoryError, work::WorkInput};
use anjungan_stories::service::workflow::step;
use anjungan_stories::store::{StoreError, search, works};

static ROOMS: &[&Room] = &[&anjungan_stories::ROOM];

both_backends_db!(ROOMS; a_work_is_reviewed_published_and_taken_off_with_its_author_told);

const BASE: &str = "https://anjungan.test";

async fn author(db: &Db, keys: &Keys) -> (i64, Actor) {
    let user = NewUser {
        name: PersonName::parse("Eko Penulis").unwrap(),
        email: Some(Email::parse("penulis@anjungan.test").unwrap()),
        phone: None,
        password_hash: String::new(),
    };
    let system = Actor::system("test");
    let id = service::create_user(db, keys, &system, user, &[(Role::Author, None)])
        .await
        .unwrap()
        .0;
    let actor = Actor {
        user_id: Some(id),
        label: "Eko Penulis".into(),
        ..Actor::system("test")
    };
    anjungan_stories::service::works::set_pen_name(db, &actor, id, "Eko")
        .await
        .unwrap();
    (id, actor)
}

async fn outbox_subjects(db: &Db) -> Vec<String> {
    sqlx::query_scalar("SELECT subject FROM outbox ORDER BY id")
        .fetch_all(&db.pool)
        .await
        .unwrap()
}

async fn found(db: &Db, query: &str) -> Vec<i64> {
    let page = search::find(db, query, &search::Filters::default(), 10, 0)
        .await
        .unwrap();
    page.works.iter().map(|w| w.id).collect()
}

async fn a_work_is_reviewed_published_and_taken_off_with_its_author_told(t: TestDb, db: Db) {
    let keys = Keys::load_or_create(None, t.dir.path()).unwrap();
    let (author_id, author) = author(&db, &keys).await;
    let librarian = Actor {
        label: "Yuni Pustakawan".into(),
        ..Actor::system("test")
    };
    let input = WorkInput {
        title: "Legenda Telaga Ngebel".into(),
        summary: "Kisah rakyat dari lereng Wilis.".into(),
        category: Category::parse("cerita_rakyat").unwrap(),
        language: Language::parse("id").unwrap(),
        rating: Rating::parse("semua_umur").unwrap(),
        complete: true,
        tags: vec!["legenda".into()],
        credit: String::new(),
        archive: None,
        cover: None,
    };
    let id = anjungan_stories::service::works::create(&db, &author, author_id, input)
        .await
        .unwrap();
    anjungan_stories::service::works::save_chapter(
        &db,
        &author,
        author_id,
        id,
        None,
        "Bab 1",
        "<p>Naga Baru Klinting bertapa di telaga.</p>",
    )
    .await
    .unwrap();

    // The author submits: nobody is e-mailed about their own step.
    let s = step(
        &db,
        &keys,
        &author,
        id,
        Command::Submit,
        By::Author,
        "",
        BASE,
    )
    .await;
    assert_eq!(s.unwrap(), State::Submitted);
    assert!(outbox_subjects(&db).await.is_empty());
    // A step the rules do not allow changes nothing.
    let refused = step(
        &db,
        &keys,
        &author,
        id,
        Command::Publish,
        By::Author,
        "",
        BASE,
    )
    .await;
    assert!(matches!(refused, Err(StoreError::Story(_))), "{refused:?}");
    assert_eq!(
        works::get(&db, id).await.unwrap().unwrap().state,
        State::Submitted
    );
    // A note longer than the limit is refused before anything is read.
    let long = "x".repeat(5_000);
    let refused = step(
        &db,
        &keys,
        &librarian,
        id,
        Command::Review,
        By::Librarian,
        &long,
        BASE,
    )
    .await;
    assert!(
        matches!(refused, Err(StoreError::Story(StoryError::TooLong))),
        "{refused:?}"
    );

    let s = step(
        &db,
        &keys,
        &librarian,
        id,
        Command::Review,
        By::Librarian,
        "",
        BASE,
    )
    .await;
    assert_eq!(s.unwrap(), State::InReview);
    assert!(found(&db, "telaga").await.is_empty(), "not yet published");
    let s = step(
        &db,
        &keys,
        &librarian,
        id,
        Command::Publish,
        By::Librarian,
        "",
        BASE,
    )
    .await;
    assert_eq!(s.unwrap(), State::Published);
    // Published: in the search index (stemmed), with a publication date.
    assert_eq!(found(&db, "telaga").await, [id]);
    let w = works::get(&db, id).await.unwrap().unwrap();
    assert!(w.published_at.is_some());

    // Taken off the site with a reason: out of the index, the reason kept on the work.
    let s = step(
        &db,
        &keys,
        &librarian,
        id,
        Command::Unpublish,
        By::Librarian,
        " Sumber perlu dicek. ",
        BASE,
    )
    .await;
    assert_eq!(s.unwrap(), State::Unpublished);
    assert!(found(&db, "telaga").await.is_empty());
    assert_eq!(
        works::get(&db, id).await.unwrap().unwrap().note,
        "Sumber perlu dicek."
    );

    // The author was told of each librarian's decision, in order.
    assert_eq!(
        outbox_subjects(&db).await,
        [
            "Cilen: Karya Anda sedang ditelaah",
            "Cilen: Karya Anda terbit",
            "Cilen: Karya Anda ditarik"
        ]
    );
    let history = works::history_of(&db, id).await.unwrap();
    let steps: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(
        steps,
        ["create", "submit", "review", "publish", "unpublish"]
    );
}

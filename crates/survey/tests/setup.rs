//! The survey room on its own: a unit's set-up, follow-up and invitations through its services,
//! on SQLite and PostgreSQL, with only the kernel's and the survey's tables and no demo data.

// A failed check is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use anjungan_kernel::Db;
use anjungan_kernel::audit::Actor;
use anjungan_kernel::both_backends_db;
use anjungan_kernel::crypto::Keys;
use anjungan_kernel::orgs::domain::OrgProfile;
use anjungan_kernel::outbox::domain::Channel as OutboxChannel;
use anjungan_kernel::room::Room;
use anjungan_kernel::testkit::TestDb;
use anjungan_survey::domain::{ActionDraft, Period, SurveyError};
use anjungan_survey::service::invitations::{Delivery, create_invitation};
use anjungan_survey::service::setup;
use anjungan_survey::store::{self, StoreError};

static ROOMS: &[&Room] = &[&anjungan_survey::ROOM];

both_backends_db!(ROOMS;
    a_unit_sets_up_its_survey_and_a_refusal_changes_nothing,
    an_invitation_is_one_per_reference_and_is_sent_in_its_transaction,
);

async fn agency(db: &Db) -> i64 {
    let profile = OrgProfile {
        name: "Dinas Komunikasi dan Informatika".into(),
        short_name: "Diskominfo".into(),
        ..Default::default()
    };
    anjungan_kernel::orgs::store::create_agency(db, &Actor::system("test"), "DISKOMINFO", profile)
        .await
        .unwrap()
}

async fn audit_actions(db: &Db) -> Vec<String> {
    sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'survey.%' ORDER BY id")
        .fetch_all(&db.pool)
        .await
        .unwrap()
}

fn refused(r: Result<impl std::fmt::Debug, StoreError>, want: SurveyError) {
    match r {
        Err(StoreError::Survey(e)) => assert_eq!(e, want),
        other => panic!("expected {want:?}, got {other:?}"),
    }
}

async fn a_unit_sets_up_its_survey_and_a_refusal_changes_nothing(_t: TestDb, db: Db) {
    let actor = Actor::system("test");
    let org = agency(&db).await;
    let given = [
        " Layanan informasi ".to_string(),
        String::new(),
        "Petung Dadi".into(),
    ];
    setup::enable_unit(&db, &actor, org, &given).await.unwrap();
    let unit = store::unit(&db, org).await.unwrap();
    assert_eq!(unit.services, ["Layanan informasi", "Petung Dadi"]);
    // A service name over 200 characters is refused and the list stays as it was.
    refused(
        setup::enable_unit(&db, &actor, org, &["x".repeat(201)]).await,
        SurveyError::ServiceTooLong,
    );
    assert_eq!(store::unit(&db, org).await.unwrap().services, unit.services);

    let year = Period::parse("2026").unwrap();
    refused(
        setup::set_served(&db, &actor, org, &year, -1).await,
        SurveyError::BadServed,
    );
    assert_eq!(store::served(&db, org, &year).await.unwrap(), None);
    setup::set_served(&db, &actor, org, &year, 1200)
        .await
        .unwrap();
    setup::set_served(&db, &actor, org, &year, 1250)
        .await
        .unwrap();
    assert_eq!(store::served(&db, org, &year).await.unwrap(), Some(1250));

    refused(
        setup::add_question(&db, &actor, org, "   ").await,
        SurveyError::QuestionText,
    );
    let q = setup::add_question(&db, &actor, org, " Apakah ruang tunggu nyaman? ")
        .await
        .unwrap();
    let questions = store::extra_questions(&db, org).await.unwrap();
    assert_eq!(questions.len(), 1);
    assert_eq!(
        (questions[0].id, questions[0].text.as_str()),
        (q, "Apakah ruang tunggu nyaman?")
    );

    let draft = ActionDraft::parse("U5", "Pelatihan keramahan petugas", "Sekretaris", "").unwrap();
    let action = setup::add_action(&db, &actor, org, &year, &draft)
        .await
        .unwrap();
    setup::complete_action(&db, &actor, org, action)
        .await
        .unwrap();
    // Done once: a second completion finds no open action, and another unit's id is not ours.
    assert!(matches!(
        setup::complete_action(&db, &actor, org, action).await,
        Err(StoreError::Kernel(anjungan_kernel::Error::NotFound))
    ));
    let actions = store::actions(&db, org).await.unwrap();
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0].status, "done");

    // Every change is audited once, in order; the refusals left no entry.
    assert_eq!(
        audit_actions(&db).await,
        [
            "survey.unit",
            "survey.served",
            "survey.served",
            "survey.question",
            "survey.action",
            "survey.action_done"
        ]
    );
}

async fn an_invitation_is_one_per_reference_and_is_sent_in_its_transaction(t: TestDb, db: Db) {
    let actor = Actor::system("test");
    let keys = Keys::load_or_create(None, t.dir.path()).unwrap();
    let org = agency(&db).await;
    setup::enable_unit(&db, &actor, org, &["Petung Dadi".into()])
        .await
        .unwrap();
    let delivery = || Delivery {
        keys: &keys,
        channel: OutboxChannel::Email,
        recipient: "warga@anjungan.test".into(),
        subject: "Survei kepuasan".into(),
        body: "Isi survei: {link}".into(),
        base_url: "https://anjungan.test/",
    };
    let token = create_invitation(
        &db,
        &actor,
        org,
        " Petung Dadi ",
        Some(" PD-2026-000023 "),
        Some(delivery()),
    )
    .await
    .unwrap()
    .expect("a new invitation");
    // The link leads to this unit and service.
    assert_eq!(
        store::invitation(&db, &token).await.unwrap(),
        Some((org, "Petung Dadi".to_string()))
    );
    // The same reference again: no second invitation, no second message.
    let again = create_invitation(
        &db,
        &actor,
        org,
        "Petung Dadi",
        Some("PD-2026-000023"),
        Some(delivery()),
    )
    .await
    .unwrap();
    assert_eq!(again, None);
    let queued: Vec<(String, String)> =
        sqlx::query_as("SELECT subject, recipient_masked FROM outbox ORDER BY id")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!(queued[0].0, "Survei kepuasan");
    assert!(
        !queued[0].1.contains("warga@"),
        "recipient masked: {}",
        queued[0].1
    );
    // An unknown token leads nowhere.
    assert_eq!(store::invitation(&db, "not-a-token").await.unwrap(), None);
    assert_eq!(audit_actions(&db).await, ["survey.unit", "survey.invite"]);
}

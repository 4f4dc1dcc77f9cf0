//! The festival on its own: an edition set up with its phases, agenda and entries, sign-ups that
//! never exceed a session's seats, and the public vote from its one-time code to a voided ballot,
//! through the services on SQLite and PostgreSQL, with only the kernel's and the festival's
//! tables and no demo data.

// A failed check is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use anjungan_festival::domain::phase::{Phase, PhaseKind};
use anjungan_festival::domain::signup::SignupError;
use anjungan_festival::domain::vote::VoteError;
use anjungan_festival::service::{agenda, editions, entries, votes};
use anjungan_festival::store::signups::SignupFailure;
use anjungan_festival::store::{self, Ballot, ImportedVote, NewEdition, Session, VoteFailure};
use anjungan_kernel::Db;
use anjungan_kernel::audit::Actor;
use anjungan_kernel::both_backends_db;
use anjungan_kernel::clock::{DAY, HOUR, now_ms};
use anjungan_kernel::crypto::Keys;
use anjungan_kernel::identity::domain::{Email, PersonName, Role};
use anjungan_kernel::identity::{service, store::NewUser};
use anjungan_kernel::orgs::domain::OrgProfile;
use anjungan_kernel::outbox::domain::{Channel, NewMessage};
use anjungan_kernel::room::Room;
use anjungan_kernel::testkit::TestDb;
use std::sync::{Arc, Mutex};

static ROOMS: &[&Room] = &[&anjungan_festival::ROOM];

both_backends_db!(ROOMS;
    an_edition_is_set_up_and_its_sessions_never_overbook,
    a_vote_needs_its_code_counts_once_and_can_be_voided,
);

async fn audit_actions(db: &Db) -> Vec<String> {
    sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'festival.%' ORDER BY id")
        .fetch_all(&db.pool)
        .await
        .unwrap()
}

async fn agency(db: &Db, code: &str) -> i64 {
    let profile = OrgProfile {
        name: format!("Dinas {code}"),
        short_name: code.into(),
        ..Default::default()
    };
    anjungan_kernel::orgs::store::create_agency(db, &Actor::system("test"), code, profile)
        .await
        .unwrap()
}

async fn visitor(db: &Db, keys: &Keys, n: usize) -> i64 {
    let user = NewUser {
        name: PersonName::parse(&format!("Pengunjung {n}")).unwrap(),
        email: Some(Email::parse(&format!("pengunjung{n}@anjungan.test")).unwrap()),
        phone: None,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g".into(),
    };
    let (actor, roles) = (Actor::system("test"), [(Role::Citizen, None)]);
    let id = service::create_user(db, keys, &actor, user, &roles).await;
    id.unwrap().0
}

async fn edition(db: &Db, number: i64) -> i64 {
    let now = now_ms();
    let phase = |kind, from: i64, to: i64, voting| Phase {
        kind,
        starts_at: now + from,
        ends_at: now + to,
        voting,
    };
    let e = NewEdition {
        number,
        year: 2027,
        theme: "Inovasi untuk desa",
        venue: "Pendopo Manggala Praja Nugraha",
        starts_on: "2027-11-20",
        ends_on: "2027-11-21",
        mode: "hybrid",
        entry_limit: 2,
        phases: vec![
            phase(PhaseKind::CallForEntries, -10 * DAY, -DAY, false),
            phase(PhaseKind::Final, -DAY, 10 * DAY, true),
        ],
    };
    editions::create_edition(db, &Actor::system("test"), &e)
        .await
        .unwrap()
}

fn session(title: &str, starts_at: i64, capacity: Option<i64>) -> Session {
    Session {
        id: 0,
        title: title.into(),
        kind: "panel".into(),
        starts_at,
        ends_at: starts_at + HOUR,
        place: "Panggung utama".into(),
        stream_url: String::new(),
        speakers: "Bupati Trenggalek".into(),
        moderator: "Kepala Bappedalitbang".into(),
        capacity,
    }
}

fn seat_refused(r: Result<(), SignupFailure>, want: SignupError) {
    match r {
        Err(SignupFailure::Rule(e)) => assert_eq!(e, want),
        other => panic!("expected {want:?}, got {other:?}"),
    }
}

async fn an_edition_is_set_up_and_its_sessions_never_overbook(t: TestDb, db: Db) {
    let keys = Keys::load_or_create(None, t.dir.path()).unwrap();
    let actor = Actor::system("test");
    let id = edition(&db, 9).await;
    let saved = store::edition(&db, 9).await.unwrap().unwrap();
    assert_eq!(
        (saved.id, saved.year, saved.mode.as_str()),
        (id, 2027, "hybrid")
    );
    let phases = store::phases(&db, id).await.unwrap();
    let kinds: Vec<PhaseKind> = phases.iter().map(|p| p.kind).collect();
    assert_eq!(kinds, [PhaseKind::CallForEntries, PhaseKind::Final]);

    // Stands: a number is used once per edition; a second is refused and not audited.
    let kominfo = agency(&db, "DISKOMINFO").await;
    assert!(
        agenda::add_stand(&db, &actor, id, "A1", kominfo, 1, 1)
            .await
            .unwrap()
    );
    assert!(
        !agenda::add_stand(&db, &actor, id, "A1", kominfo, 2, 1)
            .await
            .unwrap()
    );
    assert_eq!(store::stands(&db, id).await.unwrap().len(), 1);

    // A session with one seat: the first visitor takes it, a second is refused, the first
    // cannot take it twice; cancelling frees it.
    let panel = agenda::add_session(
        &db,
        &actor,
        id,
        &session("Diskusi", now_ms() + DAY, Some(1)),
    )
    .await
    .unwrap();
    let past = agenda::add_session(&db, &actor, id, &session("Lalu", now_ms() - HOUR, None))
        .await
        .unwrap();
    let (a, b) = (visitor(&db, &keys, 1).await, visitor(&db, &keys, 2).await);
    let now = now_ms();
    agenda::sign_up(&db, &actor, id, panel, a, now)
        .await
        .unwrap();
    seat_refused(
        agenda::sign_up(&db, &actor, id, panel, b, now).await,
        SignupError::Full,
    );
    seat_refused(
        agenda::sign_up(&db, &actor, id, panel, a, now).await,
        SignupError::Already,
    );
    seat_refused(
        agenda::sign_up(&db, &actor, id, past, b, now).await,
        SignupError::Started,
    );
    let elsewhere = agenda::sign_up(&db, &actor, id + 1, panel, b, now).await;
    assert!(
        matches!(elsewhere, Err(SignupFailure::NotFound)),
        "{elsewhere:?}"
    );
    assert_eq!(store::signups::counts(&db, id).await.unwrap()[&panel], 1);
    assert!(agenda::cancel_signup(&db, &actor, panel, a).await.unwrap());
    assert!(!agenda::cancel_signup(&db, &actor, panel, a).await.unwrap());
    agenda::sign_up(&db, &actor, id, panel, b, now)
        .await
        .unwrap();
    assert_eq!(store::signups::mine(&db, id, b).await.unwrap(), [panel]);

    let entry = entries::add_entry(&db, &actor, id, 77, kominfo)
        .await
        .unwrap();
    assert_eq!(
        store::entries(&db, id).await.unwrap(),
        [(entry, 77, kominfo)]
    );
    assert_eq!(
        audit_actions(&db).await,
        [
            "festival.edition",
            "festival.stand",
            "festival.session",
            "festival.session",
            "festival.signup",
            "festival.signup_cancel",
            "festival.signup",
            "festival.entry"
        ]
    );
}

async fn a_vote_needs_its_code_counts_once_and_can_be_voided(t: TestDb, db: Db) {
    let keys = Keys::load_or_create(None, t.dir.path()).unwrap();
    let actor = Actor::system("test");
    let id = edition(&db, 9).await;
    let kominfo = agency(&db, "DISKOMINFO").await;
    let entry = entries::add_entry(&db, &actor, id, 77, kominfo)
        .await
        .unwrap();

    // The code goes out in the message the caller composes, queued with it.
    let contact = "6281234567890";
    let sent = Arc::new(Mutex::new(String::new()));
    let keep = sent.clone();
    let compose = move |code: &str| {
        *keep.lock().unwrap() = code.to_string();
        NewMessage {
            channel: Channel::Whatsapp,
            recipient: contact.into(),
            subject: "Kode suara TIF".into(),
            body: format!("Kode Anda {code}"),
        }
    };
    votes::send_vote_code(&db, &keys, id, contact, "client", now_ms(), compose)
        .await
        .unwrap();
    let code = sent.lock().unwrap().clone();
    assert_eq!(code.len(), 6, "{code}");
    let queued = anjungan_kernel::outbox::store::claim(&db, &keys, 10)
        .await
        .unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].body, format!("Kode Anda {code}"));

    let ballot = |entry_id, code: &str| Ballot {
        edition_id: id,
        entry_id,
        contact: contact.into(),
        contact_index: keys.blind_index("vote", contact),
        at: now_ms(),
        code: code.into(),
        client_hash: "c".into(),
        device_hash: "d".into(),
    };
    let refused = |r: Result<i64, VoteFailure>, want: VoteError| match r {
        Err(VoteFailure::Rule(e)) => assert_eq!(e, want),
        other => panic!("expected {want:?}, got {other:?}"),
    };
    let wrong = if code == "000000" { "111111" } else { "000000" };
    refused(
        votes::cast_vote(&db, &keys, &actor, &ballot(entry, wrong)).await,
        VoteError::BadCode,
    );
    refused(
        votes::cast_vote(&db, &keys, &actor, &ballot(entry + 99, &code)).await,
        VoteError::UnknownEntry,
    );
    let vote = votes::cast_vote(&db, &keys, &actor, &ballot(entry, &code))
        .await
        .unwrap();
    // The code is used up: the same contact cannot vote again with it.
    assert!(
        votes::cast_vote(&db, &keys, &actor, &ballot(entry, &code))
            .await
            .is_err()
    );
    assert_eq!(store::vote_counts(&db, id).await.unwrap(), [(entry, 1)]);

    // Paper ballots: a contact that already voted online is skipped.
    let paper = |index: &str| ImportedVote {
        entry_id: entry,
        contact_index: index.into(),
        client_hash: "kotak".into(),
        device_hash: "kotak".into(),
        at: now_ms(),
    };
    let imported = [
        paper("kertas-1"),
        paper("kertas-2"),
        paper(&ballot(entry, "").contact_index),
    ];
    let n = votes::import_votes(&db, &actor, id, &imported)
        .await
        .unwrap();
    assert_eq!(n, 2);
    assert_eq!(store::vote_counts(&db, id).await.unwrap(), [(entry, 3)]);

    votes::void_vote(&db, &actor, id, vote, "nomor ganda")
        .await
        .unwrap();
    let again = votes::void_vote(&db, &actor, id, vote, "lagi").await;
    assert!(again.is_err(), "a voided vote cannot be voided again");
    assert_eq!(store::vote_counts(&db, id).await.unwrap(), [(entry, 2)]);
    assert_eq!(
        audit_actions(&db).await,
        [
            "festival.edition",
            "festival.entry",
            "festival.vote",
            "festival.vote_import",
            "festival.vote_void"
        ]
    );
}

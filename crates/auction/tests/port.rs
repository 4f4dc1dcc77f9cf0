//! Lion's port on its own: saving a port, buyers registering and being verified, lots landed and
//! photographed, a session scheduled and a payment recorded, through the services on SQLite and
//! PostgreSQL, with only the kernel's and Lion's tables and no demo data.

// A failed check is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use anjungan_auction::domain::AuctionError;
use anjungan_auction::domain::catalogue::{Grade, LotInput};
use anjungan_auction::domain::levy::LevyRules;
use anjungan_auction::domain::rules::Rules;
use anjungan_auction::service::{catalogue, lots, sessions, settlement};
use anjungan_auction::store::catalogue::{NewBuyer, PortInput};
use anjungan_auction::store::{self, StoreError};
use anjungan_kernel::Db;
use anjungan_kernel::audit::Actor;
use anjungan_kernel::both_backends_db;
use anjungan_kernel::clock::{HOUR, now_ms};
use anjungan_kernel::crypto::Keys;
use anjungan_kernel::room::Room;
use anjungan_kernel::testkit::TestDb;

static ROOMS: &[&Room] = &[&anjungan_auction::ROOM];

both_backends_db!(ROOMS;
    a_port_is_set_up_and_a_refusal_changes_nothing,
    lots_belong_to_the_port_and_a_session_keeps_the_levy_of_its_day,
);

fn refused<T: std::fmt::Debug>(r: Result<T, StoreError>, want: AuctionError) {
    match r {
        Err(StoreError::Auction(e)) => assert_eq!(e, want),
        other => panic!("expected {want:?}, got {other:?}"),
    }
}

async fn audit_actions(db: &Db) -> Vec<String> {
    sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'auction.%' ORDER BY id")
        .fetch_all(&db.pool)
        .await
        .unwrap()
}

fn port<'a>(code: &'a str, name: &'a str, levy: &'a LevyRules) -> PortInput<'a> {
    PortInput {
        code,
        name,
        place: "Tasikmadu, Watulimo",
        org_id: None,
        min_buyers: 3,
        levy,
    }
}

async fn a_port_is_set_up_and_a_refusal_changes_nothing(t: TestDb, db: Db) {
    let keys = Keys::load_or_create(None, t.dir.path()).unwrap();
    let actor = Actor::system("test");
    let levy = LevyRules::trenggalek_default();
    // Refused: a code with a space, a one-letter name, no buyers needed. Nothing is saved.
    refused(
        catalogue::upsert_port(&db, &actor, &port("PP N", "PPN Prigi", &levy)).await,
        AuctionError::BadPortCode,
    );
    refused(
        catalogue::upsert_port(&db, &actor, &port("PRIGI", "P", &levy)).await,
        AuctionError::BadName,
    );
    let none_needed = PortInput {
        min_buyers: 0,
        ..port("PRIGI", "PPN Prigi", &levy)
    };
    refused(
        catalogue::upsert_port(&db, &actor, &none_needed).await,
        AuctionError::BadRules("min_buyers"),
    );
    assert!(store::catalogue::ports(&db).await.unwrap().is_empty());
    assert!(audit_actions(&db).await.is_empty());

    // Saved under its upper-case code; saving the same code again updates it.
    let id = catalogue::upsert_port(&db, &actor, &port(" prigi ", "PPN Prigi", &levy))
        .await
        .unwrap();
    let again = catalogue::upsert_port(&db, &actor, &port("PRIGI", "PPN Prigi Baru", &levy))
        .await
        .unwrap();
    assert_eq!(id, again);
    let saved = store::catalogue::port(&db, id).await.unwrap();
    assert_eq!(
        (saved.code.as_str(), saved.name.as_str()),
        ("PRIGI", "PPN Prigi Baru")
    );

    // A buyer registers, pending; the port verifies them only with identity and deposit.
    let new = NewBuyer {
        port_id: id,
        user_id: None,
        name: "  UD Bahari  ",
        business: " Pengepul ",
        phone: Some("085233001234"),
    };
    let buyer = catalogue::register_buyer(&db, &keys, &actor, &new)
        .await
        .unwrap();
    let short = NewBuyer { name: "U", ..new };
    refused(
        catalogue::register_buyer(&db, &keys, &actor, &short).await,
        AuctionError::BadName,
    );
    let seen = store::catalogue::buyer(&db, &keys, buyer).await.unwrap();
    assert_eq!(
        (seen.name.as_str(), seen.business.as_str()),
        ("UD Bahari", "Pengepul")
    );
    assert!(!seen.phone.contains("3300123"), "masked: {}", seen.phone);
    refused(
        catalogue::verify(&db, &actor, buyer, false, 1_000_000, 0).await,
        AuctionError::IdentityUnchecked,
    );
    refused(
        catalogue::verify(&db, &actor, buyer + 1000, true, 1_000_000, 0).await,
        AuctionError::NotFound,
    );
    catalogue::verify(&db, &actor, buyer, true, 1_000_000, 5_000_000)
        .await
        .unwrap();
    let verified = store::catalogue::buyer(&db, &keys, buyer).await.unwrap();
    assert_eq!(
        (verified.deposit, verified.credit_limit),
        (1_000_000, 5_000_000)
    );
    assert_eq!(
        audit_actions(&db).await,
        [
            "auction.port.save",
            "auction.port.save",
            "auction.buyer.register",
            "auction.buyer.verify"
        ]
    );
}

async fn lots_belong_to_the_port_and_a_session_keeps_the_levy_of_its_day(t: TestDb, db: Db) {
    let keys = Keys::load_or_create(None, t.dir.path()).unwrap();
    let actor = Actor::system("test");
    let levy = LevyRules::trenggalek_default();
    let prigi = catalogue::upsert_port(&db, &actor, &port("PRIGI", "PPN Prigi", &levy))
        .await
        .unwrap();
    let panggul = catalogue::upsert_port(&db, &actor, &port("PANGGUL", "TPI Panggul", &levy))
        .await
        .unwrap();
    let tuna = catalogue::add_species(&db, "YFT", "Tuna sirip kuning", "", "")
        .await
        .unwrap();
    let fisher = catalogue::add_fisher(&db, &keys, prigi, "Pak Darmo", None, None)
        .await
        .unwrap();
    let boat = catalogue::add_boat(&db, fisher, "KM Sumber Rejeki", 50)
        .await
        .unwrap();
    let landed = LotInput {
        species_id: tuna,
        fisher_id: fisher,
        boat_id: Some(boat),
        grams: 180_000,
        grade: Grade::A,
        landed_at: now_ms() - HOUR,
        start_price: 19_000,
        reserve: None,
    };
    // A fisher of another port, or an unknown species: refused, no lot.
    refused(
        lots::register(&db, &actor, panggul, &landed).await,
        AuctionError::NoOwner,
    );
    let unknown = LotInput {
        species_id: tuna + 99,
        ..landed.clone()
    };
    refused(
        lots::register(&db, &actor, prigi, &unknown).await,
        AuctionError::BadSpecies,
    );
    assert!(store::lots::waiting(&db, prigi).await.unwrap().is_empty());
    let lot = lots::register(&db, &actor, prigi, &landed).await.unwrap();
    let waiting = store::lots::waiting(&db, prigi).await.unwrap();
    assert_eq!(waiting.iter().map(|l| l.id).collect::<Vec<_>>(), [lot]);
    // A digest nobody uploaded cannot be published as a lot's photo.
    let stranger = lots::add_photo(&db, &actor, lot, &"ab".repeat(32)).await;
    assert!(stranger.is_err());
    assert!(store::lots::get(&db, lot).await.unwrap().photos.is_empty());

    // The session keeps the port's levy as it stood when it was scheduled.
    let session = sessions::create(
        &db,
        &actor,
        prigi,
        now_ms() + HOUR,
        None,
        &Rules::ascending(),
    )
    .await
    .unwrap();
    let mut raised = levy.clone();
    raised.round_to = 100;
    assert_ne!(raised, levy);
    catalogue::upsert_port(&db, &actor, &port("PRIGI", "PPN Prigi", &raised))
        .await
        .unwrap();
    let row = store::sessions::get(&db, session).await.unwrap();
    assert_eq!(row.rules.levy.as_ref(), Some(&levy));
    assert_eq!(row.state, "scheduled");
    refused(
        sessions::create(
            &db,
            &actor,
            prigi + 1000,
            now_ms(),
            None,
            &Rules::ascending(),
        )
        .await,
        AuctionError::NotFound,
    );
    // No sale yet: nothing to pay.
    refused(
        settlement::record_payment(&db, &actor, 1, prigi).await,
        AuctionError::AlreadyPaid,
    );
    assert_eq!(
        audit_actions(&db).await,
        [
            "auction.port.save",
            "auction.port.save",
            "auction.lot.register",
            "auction.session.create",
            "auction.port.save"
        ]
    );
}

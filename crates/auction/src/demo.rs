//! Lion's demo: the regency's three ports (PPN Prigi, TPI Panggul, TPI Munjungan) run by the
//! Fisheries Office, the species landed there, fishers with their boats, verified buyers, a
//! finished early session at Prigi and this morning's session still running — every bid
//! through the real sequencer, so journal, projection and audit are true.

use crate::domain::catalogue::{Grade, LotInput};
use crate::domain::engine::{BuyerId, Channel, Command, LotId};
use crate::domain::levy::LevyRules;
use crate::domain::rules::Rules;
use crate::service;
use crate::service::runtime::Hall;
use crate::store::catalogue::{NewBuyer, PortInput};
use anjungan_kernel::Db;
use anjungan_kernel::audit::Actor;
use anjungan_kernel::clock::{DAY, HOUR, MINUTE, now_ms};
use anjungan_kernel::crypto::Keys;
use anjungan_kernel::identity::domain::Email;
use anjungan_kernel::room::{Demo as Platform, DemoFuture};

const SPECIES: &[(&str, &str, &str, &str)] = &[
    ("KAW", "Tongkol komo", "Kawakawa", "Euthynnus affinis"),
    ("FRI", "Tongkol krai", "Frigate tuna", "Auxis thazard"),
    ("SKJ", "Cakalang", "Skipjack tuna", "Katsuwonus pelamis"),
    (
        "YFT",
        "Madidihang (tuna sirip kuning)",
        "Yellowfin tuna",
        "Thunnus albacares",
    ),
    ("LHT", "Layur", "Largehead hairtail", "Trichiurus lepturus"),
];

/// (name, boat, GT in tenths, demo account e-mail)
const FISHERS: &[(&str, &str, i64, Option<&str>)] = &[
    (
        "Pak Darmo",
        "Sumber Rejeki",
        65,
        Some("nelayan@anjungan.test"),
    ),
    ("Pak Suyitno", "Mina Jaya", 290, None),
    ("Pak Kateni", "Putra Samudra", 120, None),
    ("Bu Sarmi", "Barokah", 45, None),
    ("Pak Wagiman", "Sinar Prigi", 300, None),
];

/// (name, business, deposit, credit, demo account e-mail)
const BUYERS: &[(&str, &str, i64, i64, Option<&str>)] = &[
    (
        "Bu Sumi",
        "UD Sumi Ikan Segar",
        5_000_000,
        20_000_000,
        Some("bakul@anjungan.test"),
    ),
    (
        "Pak Harno",
        "CV Samudra Prigi",
        10_000_000,
        40_000_000,
        None,
    ),
    ("Bu Lastri", "Pindang Bu Lastri", 2_000_000, 8_000_000, None),
    ("Pak Joko", "Joko Frozen Fish", 20_000_000, 80_000_000, None),
];

/// (species code, kg, grade, start price per kg, fisher index)
const EARLY_LOTS: &[(&str, i64, Grade, i64, usize)] = &[
    ("KAW", 120, Grade::A, 18_000, 0),
    ("SKJ", 240, Grade::A, 22_000, 1),
    ("LHT", 60, Grade::B, 30_000, 3),
    ("FRI", 150, Grade::B, 14_000, 2),
];

const MORNING_LOTS: &[(&str, i64, Grade, i64, usize)] = &[
    ("KAW", 180, Grade::A, 18_500, 0),
    ("KAW", 95, Grade::B, 16_000, 3),
    ("SKJ", 310, Grade::A, 22_500, 1),
    ("SKJ", 140, Grade::B, 20_000, 2),
    ("YFT", 85, Grade::A, 55_000, 4),
    ("YFT", 62, Grade::B, 48_000, 1),
    ("LHT", 45, Grade::A, 32_000, 3),
    ("LHT", 70, Grade::B, 28_000, 0),
    ("FRI", 200, Grade::B, 13_500, 2),
    ("FRI", 120, Grade::C, 11_000, 4),
    ("KAW", 75, Grade::A, 19_000, 4),
    ("SKJ", 90, Grade::A, 23_000, 0),
];

/// The room's part of the demo data set (the platform's agencies and accounts exist already).
pub fn load<'a>(d: &'a Platform<'a>) -> DemoFuture<'a> {
    Box::pin(seed(d.db, d.keys))
}

async fn seed(db: &Db, keys: &Keys) -> anyhow::Result<()> {
    let ports: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM auction_ports")
        .fetch_one(&db.pool)
        .await?;
    if ports > 0 {
        return Ok(());
    }
    let actor = Actor::system("demo");
    let diskan = anjungan_kernel::orgs::store::get_by_code(db, "DISKAN")
        .await?
        .map(|o| o.id);
    let levy = LevyRules::trenggalek_default();
    let port = |code, name, place| PortInput {
        code,
        name,
        place,
        org_id: diskan,
        min_buyers: 3,
        levy: &levy,
    };
    let prigi = service::catalogue::upsert_port(
        db,
        &actor,
        &port("PRIGI", "PPN Prigi", "Tasikmadu, Watulimo"),
    )
    .await?;
    service::catalogue::upsert_port(
        db,
        &actor,
        &port("PANGGUL", "TPI Panggul", "Wonocoyo, Panggul"),
    )
    .await?;
    service::catalogue::upsert_port(
        db,
        &actor,
        &port("MUNJUNGAN", "TPI Munjungan", "Masaran, Munjungan"),
    )
    .await?;
    let mut species = Vec::new();
    for (code, local, english, scientific) in SPECIES {
        species.push((
            *code,
            service::catalogue::add_species(db, code, local, english, scientific).await?,
        ));
    }
    let user_of = |email: &'static str| async move {
        anjungan_kernel::identity::store::user_id_by_email(db, &Email::parse(email).ok()?)
            .await
            .ok()
            .flatten()
            .map(|u| u.0)
    };
    let mut fishers = Vec::new();
    for (name, boat, gt, email) in FISHERS {
        let user = match email {
            Some(e) => user_of(e).await,
            None => None,
        };
        let id = service::catalogue::add_fisher(db, keys, prigi, name, None, user).await?;
        let boat = service::catalogue::add_boat(db, id, boat, *gt).await?;
        fishers.push((id, boat));
    }
    let mut buyers = Vec::new();
    for (i, (name, business, deposit, credit, email)) in BUYERS.iter().enumerate() {
        let user = match email {
            Some(e) => user_of(e).await,
            None => None,
        };
        let phone = format!("08523300{:04}", 101 + i);
        let new = NewBuyer {
            port_id: prigi,
            user_id: user,
            name,
            business,
            phone: Some(&phone),
        };
        let id = service::catalogue::register_buyer(db, keys, &actor, &new).await?;
        service::catalogue::verify(db, &actor, id, true, *deposit, *credit).await?;
        buyers.push(id);
    }
    // One more waiting for the port's check.
    let waiting = NewBuyer {
        port_id: prigi,
        user_id: None,
        name: "Pak Slamet",
        business: "",
        phone: Some("085233009999"),
    };
    service::catalogue::register_buyer(db, keys, &actor, &waiting).await?;

    let species_id = |code: &str| {
        species
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, id)| *id)
            .unwrap_or(0)
    };
    let register = |spec: &(&str, i64, Grade, i64, usize), landed: i64| LotInput {
        species_id: species_id(spec.0),
        fisher_id: fishers[spec.4].0,
        boat_id: Some(fishers[spec.4].1),
        grams: spec.1 * 1_000,
        grade: spec.2,
        landed_at: landed,
        start_price: spec.3,
        reserve: None,
    };
    let hall = Hall::new(db.clone());
    let now = now_ms();
    let auctioneer = user_of("jurulelang.prigi@anjungan.test").await;

    // The early session: four lots, bid in the hall, closed by the auctioneer; on the same
    // WIB day as this morning's (a session's prices belong to the day it starts), even just
    // after midnight.
    let day_start = now - (now + 7 * HOUR).rem_euclid(DAY);
    let early = service::sessions::create(
        db,
        &actor,
        prigi,
        (now - 2 * HOUR).max(day_start),
        auctioneer,
        &Rules::ascending(),
    )
    .await?;
    let mut early_lots = Vec::new();
    for spec in EARLY_LOTS {
        let id =
            service::lots::register(db, &actor, prigi, &register(spec, now - 3 * HOUR)).await?;
        hall.add_lot(early, id, auctioneer).await?;
        early_lots.push(id);
    }
    hall.open_session(early, auctioneer).await?;
    let hall_bids: &[(usize, usize, i64)] = &[
        (0, 0, 18_000),
        (0, 1, 18_500),
        (0, 0, 19_000),
        (1, 1, 22_000),
        (1, 3, 23_000),
        (2, 2, 30_000),
        (3, 2, 14_000),
        (3, 0, 14_500),
    ];
    for (lot, buyer, amount) in hall_bids {
        let cmd = Command::Bid {
            lot: LotId(early_lots[*lot]),
            buyer: BuyerId(buyers[*buyer]),
            amount: *amount,
            proxy: false,
            channel: Channel::Hall,
        };
        hall.execute(early, cmd, auctioneer).await?;
    }
    hall.execute(early, Command::Close, auctioneer).await?;

    // This morning's session: a dozen lots, open for bids from the hall and from phones.
    let mut rules = Rules::ascending();
    rules.lot_duration_ms = 3 * HOUR;
    rules.stagger_ms = 5 * MINUTE;
    let morning = service::sessions::create(db, &actor, prigi, now, auctioneer, &rules).await?;
    let mut morning_lots = Vec::new();
    for spec in MORNING_LOTS {
        let id = service::lots::register(db, &actor, prigi, &register(spec, now - HOUR)).await?;
        hall.add_lot(morning, id, auctioneer).await?;
        morning_lots.push(id);
    }
    // Two more landed and waiting for the auctioneer.
    for spec in &MORNING_LOTS[..2] {
        service::lots::register(db, &actor, prigi, &register(spec, now - 10 * MINUTE)).await?;
    }
    hall.open_session(morning, auctioneer).await?;
    for (lot, buyer, amount, proxy) in [
        (0usize, 1usize, 18_500i64, false),
        (2, 3, 25_000, true),
        (2, 1, 23_000, false),
        (4, 3, 55_000, false),
    ] {
        let cmd = Command::Bid {
            lot: LotId(morning_lots[lot]),
            buyer: BuyerId(buyers[buyer]),
            amount,
            proxy,
            channel: Channel::Api,
        };
        hall.execute(morning, cmd, None).await?;
    }
    hall.stop();
    Ok(())
}

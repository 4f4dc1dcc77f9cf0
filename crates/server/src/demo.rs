//! The demo data set: the regency's agencies and one account per role, all sharing one
//! password that is printed at start. Loaded only into an empty database.

use anjungan_kernel::Db;
use anjungan_kernel::audit::Actor;
use anjungan_kernel::crypto::Keys;
use anjungan_kernel::identity::domain::{Email, Password, PersonName, Phone, Role};
use anjungan_kernel::identity::{service, store::NewUser};
use anjungan_kernel::orgs::domain::OrgProfile;
use anjungan_kernel::orgs::store as orgs;
use anjungan_kernel::room::Demo;

pub const DEMO_PASSWORD: &str = "anjungan-demo";

/// Agencies (OPD) of Kabupaten Trenggalek that the programmes need.
pub const AGENCIES: &[(&str, &str, &str)] = &[
    (
        "DISKOMINFO",
        "Dinas Komunikasi dan Informatika",
        "Diskominfo",
    ),
    ("DISARPUS", "Dinas Kearsipan dan Perpustakaan", "Disarpus"),
    ("DISKAN", "Dinas Perikanan", "Diskan"),
    (
        "BAPPEDALITBANG",
        "Badan Perencanaan Pembangunan Daerah, Penelitian dan Pengembangan",
        "Bappedalitbang",
    ),
    (
        "DISPENDUKCAPIL",
        "Dinas Kependudukan dan Pencatatan Sipil",
        "Dispendukcapil",
    ),
    (
        "DPMPTSP",
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
        "DPMPTSP",
    ),
    (
        "DINKES",
        "Dinas Kesehatan, Pengendalian Penduduk dan Keluarga Berencana",
        "Dinkes",
    ),
    (
        "DISDIKPORA",
        "Dinas Pendidikan, Pemuda dan Olahraga",
        "Disdikpora",
    ),
    ("ORTALA", "Bagian Organisasi Sekretariat Daerah", "Ortala"),
];

/// A demo account: (e-mail, phone, name, role, organisation code).
pub type DemoAccount = (
    &'static str,
    Option<&'static str>,
    &'static str,
    Role,
    Option<&'static str>,
);

pub const ACCOUNTS: &[DemoAccount] = &[
    (
        "admin@anjungan.test",
        None,
        "Admin Anjungan",
        Role::Admin,
        None,
    ),
    (
        "koordinator@anjungan.test",
        None,
        "Rina Koordinator Inovasi",
        Role::Coordinator,
        Some("BAPPEDALITBANG"),
    ),
    (
        "operator.kominfo@anjungan.test",
        None,
        "Agus Operator Kominfo",
        Role::UnitOperator,
        Some("DISKOMINFO"),
    ),
    (
        "sekdes.nglinggis@anjungan.test",
        None,
        "Sri Sekdes Nglinggis",
        Role::UnitOperator,
        Some("35.03.05.2001"),
    ),
    (
        "kades.nglinggis@anjungan.test",
        None,
        "Bambang Kades Nglinggis",
        Role::UnitHead,
        Some("35.03.05.2001"),
    ),
    ("juri@anjungan.test", None, "Dewi Juri", Role::Jury, None),
    (
        "juri.akademisi@anjungan.test",
        None,
        "Prof. Hadi Juri",
        Role::Jury,
        None,
    ),
    (
        "juri.kominfo@anjungan.test",
        None,
        "Rudi Juri (Kominfo)",
        Role::Jury,
        Some("DISKOMINFO"),
    ),
    (
        "jurulelang.prigi@anjungan.test",
        None,
        "Slamet Juru Lelang",
        Role::Auctioneer,
        Some("DISKAN"),
    ),
    (
        "kasir.prigi@anjungan.test",
        None,
        "Wati Kasir TPI",
        Role::Cashier,
        Some("DISKAN"),
    ),
    (
        "nelayan@anjungan.test",
        Some("081200000001"),
        "Pak Darmo Nelayan",
        Role::Fisher,
        None,
    ),
    (
        "bakul@anjungan.test",
        Some("081200000002"),
        "Bu Sumi Bakul",
        Role::Buyer,
        None,
    ),
    (
        "pustakawan@anjungan.test",
        None,
        "Yuni Pustakawan",
        Role::Librarian,
        Some("DISARPUS"),
    ),
    (
        "penulis@anjungan.test",
        None,
        "Eko Penulis",
        Role::Author,
        None,
    ),
    (
        "warga@anjungan.test",
        Some("081200000003"),
        "Siti Warga",
        Role::Citizen,
        None,
    ),
];

/// Loads the demo set when the database has no users; returns the printable account list.
pub async fn load(
    db: &Db,
    keys: &Keys,
    data_dir: &std::path::Path,
    base_url: &str,
) -> anyhow::Result<String> {
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&db.pool)
        .await?;
    let actor = Actor::system("demo");
    let t0 = std::time::Instant::now();
    if users == 0 {
        for (code, name, short) in AGENCIES {
            if orgs::get_by_code(db, code).await?.is_none() {
                let profile = OrgProfile {
                    name: name.to_string(),
                    short_name: short.to_string(),
                    ..Default::default()
                };
                orgs::create_agency(db, &actor, code, profile).await?;
            }
        }
        let mut nglinggis = orgs::get_by_code(db, "35.03.05.2001").await?;
        if nglinggis.as_ref().map(|o| o.name.as_str()) != Some("Nglinggis") {
            // Find the village by name should the official code ever change.
            nglinggis = orgs::list(
                db,
                &orgs::OrgFilter {
                    kind: Some("village".into()),
                    q: Some("Nglinggis".into()),
                    ..Default::default()
                },
            )
            .await?
            .into_iter()
            .next();
        }
        let hash = service::hash_password(&Password::parse(DEMO_PASSWORD)?).await?;
        for (email, phone, name, role, org_code) in ACCOUNTS {
            let org_id = match org_code {
                Some(c) if c.starts_with("35.") => nglinggis.as_ref().map(|o| o.id),
                Some(c) => orgs::get_by_code(db, c).await?.map(|o| o.id),
                None => None,
            };
            let user = NewUser {
                name: PersonName::parse(name)?,
                email: Some(Email::parse(email)?),
                phone: phone.map(Phone::parse).transpose()?,
                password_hash: hash.clone(),
            };
            service::create_user(db, keys, &actor, user, &[(*role, org_id)]).await?;
        }
    }
    // Each room's part, in the binary's order: a room may use what the rooms before it loaded.
    let ports = crate::ports::all(db, keys, base_url);
    let platform = Demo {
        db,
        keys,
        data_dir,
        base_url,
        password: DEMO_PASSWORD,
        ports: &ports,
    };
    for room in crate::ROOMS {
        if let Some(load) = room.demo {
            load(&platform)
                .await
                .map_err(|e| e.context(format!("demo data of {}", room.name)))?;
        }
    }
    link_across_rooms(db).await?;
    tracing::info!(ms = t0.elapsed().as_millis() as u64, "demo data loaded");
    let mut out = String::from("Demo accounts (password for all: ");
    out.push_str(DEMO_PASSWORD);
    out.push_str(")\n");
    for (email, _, _, role, org) in ACCOUNTS {
        out.push_str(&format!(
            "  {:<34} {:<14} {}\n",
            email,
            role.code(),
            org.unwrap_or("")
        ));
    }
    Ok(out)
}

/// What only the binary can join, once every room's demo is in: the Petung Dadi innovation's
/// live evidence is the village desk's letters, measured by the desk itself.
async fn link_across_rooms(db: &Db) -> anyhow::Result<()> {
    let innovation: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM innovations WHERE name LIKE 'Petung Dadi%' ORDER BY id LIMIT 1",
    )
    .fetch_optional(&db.pool)
    .await?;
    let Some(innovation) = innovation else {
        return Ok(());
    };
    let actor = Actor::system("demo");
    for code in ["domisili", "usaha", "tidak-mampu"] {
        if let Some(s) =
            anjungan_desk::store::services::by_code(db, &format!("35.03.05.2001.{code}")).await?
        {
            anjungan_innovation::service::innovations::link(
                db,
                &actor,
                innovation,
                anjungan_innovation::ports::DESK_SERVICE,
                s.id,
            )
            .await?;
        }
    }
    Ok(())
}

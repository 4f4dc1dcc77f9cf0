//! Demo data of the satisfaction survey: a year of responses for a handful of units, with
//! different strengths so the index shows grades A to D, plus served counts and follow-ups.

use crate::domain::{ActionDraft, Education, Occupation, Period, Profile, Response, Score, Sex};
use crate::store::{self, Channel, NewResponse};
use anjungan_kernel::Db;
use anjungan_kernel::audit::Actor;
use anjungan_kernel::clock::{DAY, now_ms};
use anjungan_kernel::room::{Demo as Platform, DemoFuture};

/// (organisation code, services, responses in the year, chance of the best answer per element)
type DemoUnit = (&'static str, &'static [&'static str], usize, [f64; 9]);

const UNITS: &[DemoUnit] = &[
    (
        "DISKOMINFO",
        &["Petung Dadi", "Layanan informasi publik"],
        420,
        [0.72, 0.70, 0.66, 0.95, 0.70, 0.74, 0.80, 0.62, 0.66],
    ),
    (
        "35.03.05.2001",
        &[
            "Surat keterangan domisili",
            "Surat keterangan usaha",
            "Surat keterangan tidak mampu",
            "Surat pengantar SKCK",
        ],
        380,
        [0.62, 0.58, 0.52, 0.95, 0.60, 0.60, 0.72, 0.45, 0.50],
    ),
    (
        "DISPENDUKCAPIL",
        &["KTP elektronik", "Kartu keluarga", "Akta kelahiran"],
        520,
        [0.50, 0.42, 0.30, 0.95, 0.48, 0.50, 0.55, 0.35, 0.40],
    ),
    (
        "DPMPTSP",
        &["Perizinan berusaha", "Persetujuan bangunan gedung"],
        300,
        [0.45, 0.38, 0.32, 0.70, 0.45, 0.50, 0.52, 0.35, 0.45],
    ),
    (
        "DISARPUS",
        &["Layanan perpustakaan", "Layanan arsip"],
        260,
        [0.75, 0.76, 0.72, 0.97, 0.74, 0.78, 0.82, 0.66, 0.70],
    ),
    (
        "DINKES",
        &["Pelayanan kesehatan"],
        350,
        [0.30, 0.25, 0.12, 0.55, 0.30, 0.35, 0.30, 0.15, 0.20],
    ),
    (
        "DISKAN",
        &["Pelayanan TPI Prigi", "Pelayanan TPI Panggul"],
        180,
        [0.10, 0.08, 0.05, 0.30, 0.10, 0.12, 0.15, 0.05, 0.06],
    ),
];

/// xorshift64*: deterministic demo data without a random-number dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn answer(rng: &mut Rng, best: f64) -> Option<Score> {
    let u = rng.unit();
    // Weaker units give fewer 3s as well as fewer 4s.
    let share3 = 0.25 + 0.6 * best;
    let v = if u < best {
        4
    } else if u < best + (1.0 - best) * share3 {
        3
    } else if u < best + (1.0 - best) * (share3 + (1.0 - share3) * 0.7) {
        2
    } else {
        1
    };
    // About one form in fifty leaves a question unanswered.
    if rng.below(50) == 0 {
        None
    } else {
        Score::new(v)
    }
}

/// The room's part of the demo data set (the platform's agencies and accounts exist already).
pub fn load<'a>(d: &'a Platform<'a>) -> DemoFuture<'a> {
    Box::pin(seed(d.db))
}

async fn seed(db: &Db) -> anyhow::Result<()> {
    if !store::units(db)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .is_empty()
    {
        return Ok(());
    }
    let actor = Actor::system("demo");
    let now = now_ms();
    let mut rng = Rng(0x5eed_2020_1214);
    let mut responses: Vec<(i64, Response, i64, Channel)> = Vec::new();
    for (code, services, n, quality) in UNITS {
        let Some(org) = anjungan_kernel::orgs::store::get_by_code(db, code).await? else {
            continue;
        };
        let services: Vec<String> = services.iter().map(|s| s.to_string()).collect();
        crate::service::setup::enable_unit(db, &actor, org.id, &services)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        for i in 0..*n {
            // Spread over the last year, improving slowly (later answers a little better).
            let age_days = rng.below(365) as i64;
            let lift = (365 - age_days) as f64 / 365.0 * 0.08;
            let answers: [Option<Score>; 9] =
                std::array::from_fn(|e| answer(&mut rng, (quality[e] + lift).min(0.98)));
            if answers.iter().all(Option::is_none) {
                continue;
            }
            let profile = Profile {
                sex: Some(if rng.below(2) == 0 {
                    Sex::Male
                } else {
                    Sex::Female
                }),
                age: Some(17 + rng.below(55) as u8),
                education: Some(Education::ALL[rng.below(Education::ALL.len())]),
                occupation: Some(Occupation::ALL[rng.below(Occupation::ALL.len())]),
            };
            let comment = match rng.below(12) {
                0 => "Pelayanan cepat, petugas ramah.",
                1 => "Mohon ruang tunggu diperluas.",
                2 => "Antrean masih lama di pagi hari.",
                _ => "",
            };
            let response = Response {
                answers,
                profile,
                service: services[i % services.len()].clone(),
                comment: comment.into(),
            };
            let channel = [
                Channel::Online,
                Channel::Kiosk,
                Channel::Paper,
                Channel::Kiosk,
            ][rng.below(4)];
            let at = now - age_days * DAY - rng.below(8 * 3600) as i64 * 1000;
            responses.push((org.id, response, at, channel));
        }
        // People served this year: a few more than the forms, so the sample is adequate, except
        // at the archives and library, whose many served and few forms show a short sample.
        let year = Period::year_of(now);
        let (start, _) = year.bounds();
        let forms = responses
            .iter()
            .filter(|(o, _, at, _)| *o == org.id && *at >= start)
            .count() as i64;
        let served = if *code == "DISARPUS" {
            forms * 20
        } else {
            forms * 21 / 20
        };
        crate::service::setup::set_served(db, &actor, org.id, &year, served)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let batch: Vec<NewResponse<'_>> = responses
        .iter()
        .map(|(org_id, r, at, channel)| NewResponse {
            org_id: *org_id,
            channel: *channel,
            response: r,
            extra: &[],
            client_key: None,
            entered_by: None,
            invitation_hash: None,
            at: *at,
        })
        .collect();
    store::insert_many(db, &batch)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(dinkes) = anjungan_kernel::orgs::store::get_by_code(db, "DINKES").await? {
        let prev = Period::quarter_of(now).previous();
        for (el, text, owner) in [
            (
                "U3",
                "Tambah loket pendaftaran pagi dan nomor antrean daring",
                "Kepala Puskesmas",
            ),
            (
                "U8",
                "Buka kanal pengaduan WhatsApp dan tanggapi dalam 3 hari kerja",
                "Sekretaris Dinas",
            ),
        ] {
            let draft =
                ActionDraft::parse(el, text, owner, "").map_err(|e| anyhow::anyhow!("{e}"))?;
            crate::service::setup::add_action(db, &actor, dinkes.id, &prev, &draft)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        }
    }
    if let Some(village) = anjungan_kernel::orgs::store::get_by_code(db, "35.03.05.2001").await? {
        crate::service::setup::add_question(
            db,
            &actor,
            village.id,
            "Dari mana Anda mengetahui layanan ini?",
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    Ok(())
}

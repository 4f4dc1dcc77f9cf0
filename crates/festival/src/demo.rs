//! Demo festival: the 2nd TIF (14–15 December 2020, Anjungan Cerdas, Desa Nglinggis, Kecamatan
//! Tugu, hybrid) as the article tells it, and this year's edition open for entries.

use crate::domain::phase::{Phase, PhaseKind};
use crate::ports::{Catalogue, Innovations};
use crate::store::{self, NewEdition, Session};
use anjungan_kernel::Db;
use anjungan_kernel::audit::Actor;
use anjungan_kernel::clock::{DAY, HOUR, WIB, now_ms};
use anjungan_kernel::room::Ports;
use anjungan_kernel::room::{Demo as Platform, DemoFuture};

fn wib(y: i32, m: u8, d: u8, h: u8, min: u8) -> anyhow::Result<i64> {
    let date = time::Date::from_calendar_date(y, time::Month::try_from(m)?, d)?;
    let t = time::PrimitiveDateTime::new(date, time::Time::from_hms(h, min, 0)?).assume_offset(WIB);
    Ok((t.unix_timestamp_nanos() / 1_000_000) as i64)
}

/// The room's part of the demo data set (the platform's agencies and accounts exist already).
pub fn load<'a>(d: &'a Platform<'a>) -> DemoFuture<'a> {
    Box::pin(seed(d.db, d.ports))
}

async fn seed(db: &Db, ports: &Ports) -> anyhow::Result<()> {
    let catalogue = ports.get::<Catalogue>()?;
    if !store::editions(db).await?.is_empty() {
        return Ok(());
    }
    let actor = Actor::system("demo");
    let p = |kind, s, e, voting| Phase {
        kind,
        starts_at: s,
        ends_at: e,
        voting,
    };
    let second = crate::service::editions::create_edition(
        db,
        &actor,
        &NewEdition {
            number: 2,
            year: 2020,
            theme: "Inovasi untuk pelayanan yang lebih baik, lebih cepat, dan lebih efektif",
            venue: "Anjungan Cerdas, Desa Nglinggis, Kecamatan Tugu",
            starts_on: "2020-12-14",
            ends_on: "2020-12-15",
            mode: "hybrid",
            entry_limit: 2,
            phases: vec![
                p(
                    PhaseKind::CallForEntries,
                    wib(2020, 9, 1, 0, 0)?,
                    wib(2020, 10, 1, 0, 0)?,
                    false,
                ),
                p(
                    PhaseKind::AdministrativeCheck,
                    wib(2020, 10, 1, 0, 0)?,
                    wib(2020, 10, 15, 0, 0)?,
                    false,
                ),
                p(
                    PhaseKind::DeskReview,
                    wib(2020, 10, 15, 0, 0)?,
                    wib(2020, 11, 15, 0, 0)?,
                    false,
                ),
                p(
                    PhaseKind::Shortlist,
                    wib(2020, 11, 15, 0, 0)?,
                    wib(2020, 12, 1, 0, 0)?,
                    false,
                ),
                p(
                    PhaseKind::Presentation,
                    wib(2020, 12, 14, 0, 0)?,
                    wib(2020, 12, 15, 0, 0)?,
                    true,
                ),
                p(
                    PhaseKind::Final,
                    wib(2020, 12, 15, 0, 0)?,
                    wib(2020, 12, 15, 16, 0)?,
                    true,
                ),
                p(
                    PhaseKind::ResultsPublished,
                    wib(2020, 12, 15, 16, 0)?,
                    wib(2021, 12, 31, 0, 0)?,
                    false,
                ),
            ],
        },
    )
    .await?;
    let s = |title: &str,
             kind: &str,
             start: i64,
             minutes: i64,
             speakers: &str,
             moderator: &str,
             stream: &str| Session {
        id: 0,
        title: title.into(),
        kind: kind.into(),
        starts_at: start,
        ends_at: start + minutes * 60_000,
        place: String::new(),
        stream_url: stream.into(),
        speakers: speakers.into(),
        moderator: moderator.into(),
        capacity: Some(150),
    };
    for session in [
        s(
            "Pembukaan TIF ke-2: sambutan Bupati Trenggalek (daring)",
            "opening",
            wib(2020, 12, 14, 8, 0)?,
            60,
            "Bupati Trenggalek Mochamad Nur Arifin (melalui video)",
            "Kepala Bappedalitbang",
            "https://meet.example.id/tif-2020-pembukaan",
        ),
        s(
            "Petung Dadi: surat desa lewat WhatsApp",
            "panel",
            wib(2020, 12, 14, 10, 0)?,
            90,
            "Dinas Kominfo; Kepala Desa Nglinggis",
            "Koordinator inovasi",
            "",
        ),
        s(
            "Cilen: cerita daring dari arsip dan perpustakaan",
            "panel",
            wib(2020, 12, 14, 13, 0)?,
            90,
            "Dinas Kearsipan dan Perpustakaan; komunitas penulis",
            "Koordinator inovasi",
            "",
        ),
        s(
            "Lion: lelang ikan daring di TPI Prigi",
            "panel",
            wib(2020, 12, 15, 9, 0)?,
            90,
            "Dinas Perikanan; koperasi nelayan Prigi",
            "Koordinator inovasi",
            "https://meet.example.id/tif-2020-lion",
        ),
        s(
            "Presentasi nomine dan wawancara juri",
            "presentation",
            wib(2020, 12, 15, 11, 0)?,
            180,
            "Perangkat daerah nomine",
            "Dewan juri",
            "",
        ),
        s(
            "Penutupan dan penganugerahan",
            "closing",
            wib(2020, 12, 15, 15, 0)?,
            60,
            "Sekretaris Daerah",
            "",
            "",
        ),
    ] {
        crate::service::agenda::add_session(db, &actor, second, &session).await?;
    }
    // Every verified innovation in the registry (every organisation's path starts with "").
    let verified = catalogue.verified_under(vec![String::new()]).await;
    for i in &verified {
        // Innovations already on trial or implemented before the festival took part in it.
        let since = &i.running_since;
        if !since.is_empty() && since.as_str() < "2020-12-01" {
            crate::service::entries::add_entry(db, &actor, second, i.id, i.organisation_id).await?;
        }
    }
    // One stand per exhibiting agency, five to a row.
    let mut agencies: Vec<i64> = Vec::new();
    for (_, _, org) in store::entries(db, second).await? {
        if !agencies.contains(&org) {
            agencies.push(org);
        }
    }
    for (k, org) in agencies.iter().enumerate() {
        crate::service::agenda::add_stand(
            db,
            &actor,
            second,
            &format!("A{}", k + 1),
            *org,
            (k % 5) as i64,
            (k / 5) as i64,
        )
        .await?;
    }
    // The jury of the 2nd TIF: desk review 70% (the five best go on) and presentation 30%
    // (median), jurors assigned without conflicts, and their scores.
    use crate::domain::scoring::{Aggregation, PhaseSpec, Review, Rubric};
    let specs = [
        PhaseSpec {
            key: "desk_review".into(),
            weight: 70,
            rubric: Rubric::default_tif(),
            aggregation: Aggregation::Mean,
            normalise: false,
            // The five best proposals go on to the presentations.
            advance: 5,
        },
        PhaseSpec {
            key: "presentation".into(),
            weight: 30,
            rubric: Rubric::default_tif(),
            aggregation: Aggregation::Median,
            normalise: false,
            advance: 0,
        },
    ];
    let entries: Vec<crate::domain::assignment::Entry> = store::entries(db, second)
        .await?
        .into_iter()
        .map(|(id, _, org)| crate::domain::assignment::Entry { id, agency: org })
        .collect();
    let jurors: Vec<crate::domain::assignment::Juror> =
        anjungan_kernel::identity::store::users_with_role(
            db,
            anjungan_kernel::identity::domain::Role::Jury,
        )
        .await?
        .into_iter()
        .map(|(u, _, org)| crate::domain::assignment::Juror {
            id: u.0,
            agency: org,
        })
        .collect();
    // The article's three innovations lead the demo jury's scores.
    let mut leads = Vec::new();
    for (entry, innovation, _) in store::entries(db, second).await? {
        if let Some(i) = verified.iter().find(|i| i.id == innovation)
            && ["Petung Dadi", "Cilen", "Lion"]
                .iter()
                .any(|n| i.name.starts_with(n))
        {
            leads.push(entry);
        }
    }
    if jurors.len() >= 2 {
        for spec in &specs {
            crate::service::jury::set_rubric(db, &actor, second, spec).await?;
            // Only the entries shortlisted by the phases before are reviewed.
            let (_, standings) = crate::service::standings::ranking(db, second, now_ms()).await?;
            let still_in: Vec<crate::domain::assignment::Entry> = entries
                .iter()
                .filter(|e| standings.get(&e.id).is_none_or(|s| s.in_contest()))
                .cloned()
                .collect();
            let a = crate::domain::assignment::assign(&still_in, &jurors, 2)?;
            crate::service::jury::set_assignments(db, &actor, second, &spec.key, &a).await?;
            for (entry, js) in &a {
                for (k, j) in js.iter().enumerate() {
                    // Jurors differ in strictness (a coordinator may switch on normalisation).
                    let base: u32 = if leads.contains(entry) {
                        9
                    } else {
                        6 + (*entry as u32 % 3)
                    };
                    let strict = (*j as u32 + k as u32) % 2;
                    let scores = spec
                        .rubric
                        .criteria
                        .iter()
                        .enumerate()
                        .map(|(n, c)| {
                            (
                                c.key.clone(),
                                (base - strict)
                                    .saturating_sub((n as u32 + *entry as u32) % 2)
                                    .min(10),
                            )
                        })
                        .collect();
                    crate::service::jury::save_review(
                        db,
                        &actor,
                        second,
                        &Review {
                            juror: *j,
                            entry: *entry,
                            scores,
                        },
                        &spec.key,
                        "Inovasi jelas manfaatnya; perkuat data capaian.",
                    )
                    .await?;
                }
            }
        }
    }
    proposals(db, &actor, second, catalogue.as_ref()).await?;
    let votes = votes(db, &actor, second, &leads).await?;
    // Awards of the 2nd TIF: winners from the computed ranking (shortlists applied), the
    // favourite from the public vote, and the regent's special attention.
    if !store::rubrics(db, second).await?.is_empty() {
        let (ranking, _) = crate::service::standings::ranking(db, second, now_ms()).await?;
        crate::service::awards::set_computed_awards(
            db,
            &actor,
            second,
            &crate::domain::award::computed(&ranking, &votes),
        )
        .await?;
        if let Some(last) = ranking.last() {
            crate::service::awards::add_special_award(db, &actor, second, last.entry).await?;
        }
    }
    // This year's edition, open for entries now.
    let now = now_ms();
    let year = anjungan_kernel::clock::to_wib(now).year();
    let start = now - 20 * DAY;
    let current = crate::service::editions::create_edition(
        db,
        &actor,
        &NewEdition {
            number: (year - 2018) as i64,
            year: year as i64,
            theme: "Inovasi yang terukur: lebih cepat, lebih murah, lebih memuaskan",
            venue: "Anjungan Cerdas, Desa Nglinggis, Kecamatan Tugu",
            starts_on: &anjungan_kernel::clock::to_wib(now + 60 * DAY)
                .date()
                .to_string(),
            ends_on: &anjungan_kernel::clock::to_wib(now + 61 * DAY)
                .date()
                .to_string(),
            mode: "hybrid",
            entry_limit: 2,
            phases: vec![
                p(PhaseKind::CallForEntries, start, now + 20 * DAY, false),
                p(
                    PhaseKind::AdministrativeCheck,
                    now + 20 * DAY,
                    now + 27 * DAY,
                    false,
                ),
                p(PhaseKind::DeskReview, now + 27 * DAY, now + 45 * DAY, false),
                p(
                    PhaseKind::Presentation,
                    now + 60 * DAY,
                    now + 60 * DAY + 10 * HOUR,
                    true,
                ),
                p(
                    PhaseKind::Final,
                    now + 61 * DAY,
                    now + 61 * DAY + 8 * HOUR,
                    true,
                ),
                p(
                    PhaseKind::ResultsPublished,
                    now + 61 * DAY + 8 * HOUR,
                    now + 400 * DAY,
                    false,
                ),
            ],
        },
    )
    .await?;
    // This year the jury reviews blind, and visitors sign up for the panels.
    crate::service::editions::set_settings(
        db,
        &actor,
        current,
        true,
        &crate::domain::proposal::default_kipp(),
    )
    .await?;
    // 08:00 WIB on the festival's first day (whole minutes, as a coordinator would enter them).
    let first = anjungan_kernel::clock::to_wib(now + 60 * DAY);
    let day = now + 60 * DAY
        - (i64::from(first.hour()) * HOUR)
        - i64::from(first.minute()) * 60_000
        - i64::from(first.second()) * 1000
        - i64::from(first.millisecond())
        + 8 * HOUR;
    for (title, kind, at, capacity, speakers) in [
        (
            "Pembukaan: Bupati Trenggalek membuka festival",
            "opening",
            day,
            300,
            "Bupati Trenggalek",
        ),
        (
            "Diskusi panel: mengukur inovasi dengan data layanan",
            "panel",
            day + 2 * HOUR,
            60,
            "Kepala Dinas Kominfo; Kepala Bappedalitbang; akademisi",
        ),
        (
            "Kelas kecil: menulis proposal inovasi",
            "panel",
            day + 5 * HOUR,
            3,
            "Tim Inovasi Daerah",
        ),
    ] {
        let session = crate::service::agenda::add_session(
            db,
            &actor,
            current,
            &Session {
                id: 0,
                title: title.into(),
                kind: kind.into(),
                starts_at: at,
                ends_at: at + HOUR,
                place: String::new(),
                stream_url: String::new(),
                speakers: speakers.into(),
                moderator: "Kepala Bappedalitbang".into(),
                capacity: Some(capacity),
            },
        )
        .await?;
        if capacity == 3 {
            for (u, _, _) in anjungan_kernel::identity::store::users_with_role(
                db,
                anjungan_kernel::identity::domain::Role::Jury,
            )
            .await?
            .into_iter()
            .take(2)
            {
                crate::service::agenda::sign_up(db, &actor, current, session, u.0, now)
                    .await
                    .map_err(|e| anyhow::anyhow!("demo sign-up: {e}"))?;
            }
        }
    }
    programme(db, &actor, current).await
}

/// This year's stages and speakers, each on the sessions they speak at or moderate.
async fn programme(db: &Db, actor: &Actor, edition: i64) -> anyhow::Result<()> {
    use crate::domain::setup::parse_speaker;
    use crate::service::setup::{Photo, add_speaker, add_stage};
    let fail = |e: crate::error::ServiceError| anyhow::anyhow!("demo programme: {e}");
    add_stage(db, actor, edition, "Pendopo Manggala Praja Nugraha", "")
        .await
        .map_err(fail)?;
    add_stage(
        db,
        actor,
        edition,
        "Ruang Hayam Wuruk",
        "https://meet.example.id/tif-ruang-2",
    )
    .await
    .map_err(fail)?;
    let mut ids = Vec::new();
    for (name, affiliation, bio) in [
        (
            "Mochamad Nur Arifin",
            "Bupati Trenggalek",
            "Bupati Trenggalek sejak 2019. Menggagas Trenggalek Innovation Festival agar setiap perangkat daerah menyusun inovasinya dari visi, regulasi, mitra kolaborasi, sampai pelaksanaan.",
        ),
        (
            "Kepala Dinas Komunikasi dan Informatika",
            "Pemerintah Kabupaten Trenggalek",
            "Membina layanan digital kabupaten, dari Petung Dadi sampai data terbuka.",
        ),
        (
            "Kepala Bappedalitbang",
            "Pemerintah Kabupaten Trenggalek",
            "Mengoordinasikan Tim Inovasi Daerah dan penilaian Indeks Inovasi Daerah.",
        ),
    ] {
        let draft = parse_speaker(name, affiliation, bio)
            .map_err(|e| anyhow::anyhow!("demo speaker: {e}"))?;
        ids.push(
            add_speaker(db, actor, edition, &draft, Photo::None)
                .await
                .map_err(fail)?,
        );
    }
    let sessions = store::sessions(db, edition).await?;
    let mut tx = db.begin_write().await?;
    for s in &sessions {
        let (speakers, moderator): (&[i64], i64) = if s.title.starts_with("Pembukaan") {
            (&ids[..1], ids[2])
        } else if s.title.starts_with("Diskusi panel") {
            (&ids[1..2], ids[2])
        } else {
            continue;
        };
        for id in speakers {
            store::setup::insert_person(&mut tx, s.id, *id, "speaker").await?;
        }
        store::setup::insert_person(&mut tx, s.id, moderator, "moderator").await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Proposals of the 2nd TIF's entries, drawn from their profiles in the registry.
async fn proposals(
    db: &Db,
    actor: &Actor,
    edition: i64,
    catalogue: &dyn Innovations,
) -> anyhow::Result<()> {
    for (entry, innovation, _) in store::entries(db, edition).await? {
        let texts = catalogue.proposal_sections(innovation).await;
        if !texts.is_empty() {
            crate::service::proposals::save_proposal(db, actor, entry, &texts).await?;
        }
    }
    Ok(())
}

/// The public vote of the 2nd TIF, cast on the two festival days: most for the article's
/// innovations, some for every entry, and a burst from one device that the coordinator voided.
async fn votes(
    db: &Db,
    actor: &Actor,
    edition: i64,
    leads: &[i64],
) -> anyhow::Result<Vec<(i64, i64)>> {
    let entries: Vec<i64> = store::entries(db, edition)
        .await?
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    // The burst below goes to the last entry.
    let Some(&burst) = entries.last() else {
        return Ok(Vec::new());
    };
    let start = wib(2020, 12, 14, 8, 0)?;
    let mut list = Vec::new();
    for n in 0..640_i64 {
        // Leads take about half of the votes, the favourite (the first lead) the most.
        let entry = match (n % 10, leads.first()) {
            (0..=2, Some(first)) => *first,
            (3..=4, _) if !leads.is_empty() => leads[(n as usize / 10) % leads.len()],
            _ => entries[(n as usize * 7) % entries.len()],
        };
        list.push(store::ImportedVote {
            entry_id: entry,
            contact_index: anjungan_kernel::crypto::token_hash(&format!("demo-voter-{n}")),
            client_hash: anjungan_kernel::crypto::token_hash(&format!("demo-ip-{}", n % 211)),
            device_hash: anjungan_kernel::crypto::token_hash(&format!("demo-device-{n}")),
            at: start + n * 150_000,
        });
    }
    // Twenty votes from one device within minutes, for the last entry.
    for n in 0..20_i64 {
        list.push(store::ImportedVote {
            entry_id: burst,
            contact_index: anjungan_kernel::crypto::token_hash(&format!("demo-burst-{n}")),
            client_hash: anjungan_kernel::crypto::token_hash("demo-ip-burst"),
            device_hash: anjungan_kernel::crypto::token_hash("demo-device-burst"),
            at: wib(2020, 12, 15, 13, 0)? + n * 20_000,
        });
    }
    crate::service::votes::import_votes(db, actor, edition, &list).await?;
    for v in store::votes(db, edition).await? {
        if v.device_hash == anjungan_kernel::crypto::token_hash("demo-device-burst") {
            crate::service::votes::void_vote(
                db,
                actor,
                edition,
                v.id,
                "Dua puluh suara dari satu perangkat dalam tujuh menit.",
            )
            .await?;
        }
    }
    Ok(store::vote_counts(db, edition).await?)
}

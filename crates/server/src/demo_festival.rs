//! Demo festival: the 2nd TIF (14–15 December 2020, Anjungan Cerdas, Desa Nglinggis, Kecamatan
//! Tugu, hybrid) as the article tells it, and this year's edition open for entries.

use anjungan_festival::domain::phase::{Phase, PhaseKind};
use anjungan_festival::store::{self, NewEdition, Session};
use anjungan_innovation::domain::Status;
use anjungan_kernel::audit::Actor;
use anjungan_kernel::clock::{now_ms, DAY, HOUR, WIB};
use anjungan_kernel::Db;

fn wib(y: i32, m: u8, d: u8, h: u8, min: u8) -> i64 {
    let date = time::Date::from_calendar_date(y, time::Month::try_from(m).expect("month"), d)
        .expect("date");
    let t = time::PrimitiveDateTime::new(date, time::Time::from_hms(h, min, 0).expect("time"))
        .assume_offset(WIB);
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

pub async fn load(db: &Db) -> anyhow::Result<()> {
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
    let second = store::create_edition(
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
                    wib(2020, 9, 1, 0, 0),
                    wib(2020, 10, 1, 0, 0),
                    false,
                ),
                p(
                    PhaseKind::AdministrativeCheck,
                    wib(2020, 10, 1, 0, 0),
                    wib(2020, 10, 15, 0, 0),
                    false,
                ),
                p(
                    PhaseKind::DeskReview,
                    wib(2020, 10, 15, 0, 0),
                    wib(2020, 11, 15, 0, 0),
                    false,
                ),
                p(
                    PhaseKind::Shortlist,
                    wib(2020, 11, 15, 0, 0),
                    wib(2020, 12, 1, 0, 0),
                    false,
                ),
                p(
                    PhaseKind::Presentation,
                    wib(2020, 12, 14, 0, 0),
                    wib(2020, 12, 15, 0, 0),
                    true,
                ),
                p(
                    PhaseKind::Final,
                    wib(2020, 12, 15, 0, 0),
                    wib(2020, 12, 15, 16, 0),
                    true,
                ),
                p(
                    PhaseKind::ResultsPublished,
                    wib(2020, 12, 15, 16, 0),
                    wib(2021, 12, 31, 0, 0),
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
            wib(2020, 12, 14, 8, 0),
            60,
            "Bupati Trenggalek Mochamad Nur Arifin (melalui video)",
            "Kepala Bappedalitbang",
            "https://meet.example.id/tif-2020-pembukaan",
        ),
        s(
            "Petung Dadi: surat desa lewat WhatsApp",
            "panel",
            wib(2020, 12, 14, 10, 0),
            90,
            "Dinas Kominfo; Kepala Desa Nglinggis",
            "Koordinator inovasi",
            "",
        ),
        s(
            "Cilen: cerita daring dari arsip dan perpustakaan",
            "panel",
            wib(2020, 12, 14, 13, 0),
            90,
            "Dinas Kearsipan dan Perpustakaan; komunitas penulis",
            "Koordinator inovasi",
            "",
        ),
        s(
            "Lion: lelang ikan daring di TPI Prigi",
            "panel",
            wib(2020, 12, 15, 9, 0),
            90,
            "Dinas Perikanan; koperasi nelayan Prigi",
            "Koordinator inovasi",
            "https://meet.example.id/tif-2020-lion",
        ),
        s(
            "Presentasi nomine dan wawancara juri",
            "presentation",
            wib(2020, 12, 15, 11, 0),
            180,
            "Perangkat daerah nomine",
            "Dewan juri",
            "",
        ),
        s(
            "Penutupan dan penganugerahan",
            "closing",
            wib(2020, 12, 15, 15, 0),
            60,
            "Sekretaris Daerah",
            "",
            "",
        ),
    ] {
        store::add_session(db, &actor, second, &session).await?;
    }
    let verified = anjungan_innovation::store::list(
        db,
        &[Status::Verified],
        None,
        &anjungan_innovation::store::Filter::default(),
        1000,
        0,
    )
    .await?;
    for i in &verified {
        // Innovations already on trial or implemented before the festival took part in it.
        let since = if i.draft.implementation_date.is_empty() {
            &i.draft.trial_date
        } else {
            &i.draft.implementation_date
        };
        if !since.is_empty() && since.as_str() < "2020-12-01" {
            store::add_entry(db, &actor, second, i.id, i.org_id).await?;
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
        store::add_stand(
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
    // The jury of the 2nd TIF: desk review 70% (normalised per juror) and presentation 30%
    // (median), jurors assigned without conflicts, and their scores.
    use anjungan_festival::domain::scoring::{Aggregation, PhaseSpec, Review, Rubric};
    let specs = [
        PhaseSpec {
            key: "desk_review".into(),
            weight: 70,
            rubric: Rubric::default_tif(),
            aggregation: Aggregation::Mean,
            normalise: true,
            advance: 0,
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
    let entries: Vec<anjungan_festival::domain::assignment::Entry> = store::entries(db, second)
        .await?
        .into_iter()
        .map(|(id, _, org)| anjungan_festival::domain::assignment::Entry { id, agency: org })
        .collect();
    let jurors: Vec<anjungan_festival::domain::assignment::Juror> =
        anjungan_kernel::identity::store::users_with_role(
            db,
            anjungan_kernel::identity::domain::Role::Jury,
        )
        .await?
        .into_iter()
        .map(|(u, _, org)| anjungan_festival::domain::assignment::Juror {
            id: u.0,
            agency: org,
        })
        .collect();
    // The article's three innovations lead the demo jury's scores.
    let mut leads = Vec::new();
    for (entry, innovation, _) in store::entries(db, second).await? {
        if let Some(i) = verified.iter().find(|i| i.id == innovation) {
            if ["Petung Dadi", "Cilen", "Lion"]
                .iter()
                .any(|n| i.name().starts_with(n))
            {
                leads.push(entry);
            }
        }
    }
    if jurors.len() >= 2 {
        for spec in &specs {
            store::set_rubric(db, &actor, second, spec).await?;
            let a = anjungan_festival::domain::assignment::assign(&entries, &jurors, 2)?;
            store::set_assignments(db, &actor, second, &spec.key, &a).await?;
            for (entry, js) in &a {
                for (k, j) in js.iter().enumerate() {
                    // Jurors differ in strictness; normalisation evens that out.
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
                    store::save_review(
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
    // Awards of the 2nd TIF: winners from the computed ranking, and the regent's special attention.
    if !store::rubrics(db, second).await?.is_empty() {
        use anjungan_festival::domain::scoring::{rank, PhaseReviews};
        let reviews = store::reviews(db, second).await?;
        let phase_reviews: Vec<PhaseReviews> = store::rubrics(db, second)
            .await?
            .into_iter()
            .map(|spec| {
                let list = reviews
                    .iter()
                    .filter(|(ph, _, _)| *ph == spec.key)
                    .map(|(_, r, _)| r.clone())
                    .collect();
                PhaseReviews {
                    spec,
                    reviews: list,
                }
            })
            .collect();
        let ids: Vec<i64> = store::entries(db, second)
            .await?
            .into_iter()
            .map(|(id, _, _)| id)
            .collect();
        let ranking = rank(&ids, &phase_reviews)?;
        store::set_computed_awards(
            db,
            &actor,
            second,
            &anjungan_festival::domain::award::computed(&ranking, &[]),
        )
        .await?;
        if let Some(last) = ranking.last() {
            store::add_special_award(db, &actor, second, last.entry).await?;
        }
    }
    // This year's edition, open for entries now.
    let now = now_ms();
    let year = anjungan_kernel::clock::to_wib(now).year();
    let start = now - 20 * DAY;
    store::create_edition(
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
    Ok(())
}

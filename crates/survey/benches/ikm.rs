//! IKM over 1,000,000 responses: one unit and all units over a year, on SQLite and (when
//! `ANJUNGAN_TEST_POSTGRES_URL` is set) PostgreSQL. Run: `cargo bench -p anjungan-survey`.
//!
//! Responses are bulk-loaded straight into `survey_responses` (50 units × 20,000, spread over
//! one year), then the daily rollups are rebuilt with the service's own `rebuild_tallies`, and the
//! timed calls are the same store functions the pages and the API use.

// A test or a benchmark fails loudly: unwrapping is how it says so.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use anjungan_kernel::Db;
use anjungan_kernel::audit::Actor;
use anjungan_kernel::clock::{DAY, now_ms};
use anjungan_survey::domain::Period;
use anjungan_survey::store;
use criterion::{Criterion, criterion_group, criterion_main};
use std::time::Instant;

const UNITS: i64 = 50;
const RESPONSES: i64 = 1_000_000;

async fn seed(db: &Db) -> (Vec<i64>, Period) {
    let actor = Actor::system("bench");
    let orgs: Vec<i64> = sqlx::query_scalar("SELECT id FROM organisations ORDER BY id LIMIT $1")
        .bind(UNITS)
        .fetch_all(&db.pool)
        .await
        .unwrap();
    for id in &orgs {
        anjungan_survey::service::setup::enable_unit(
            db,
            &actor,
            *id,
            &["Layanan A".into(), "Layanan B".into()],
        )
        .await
        .unwrap();
    }
    let end = now_ms();
    let start = end - 365 * DAY;
    let t = Instant::now();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let batch = 500;
    let mut tx = db.begin_write().await.unwrap();
    for chunk in 0..(RESPONSES / batch) {
        let mut sql = String::from(
            "INSERT INTO survey_responses (org_id, submitted_at, channel, service, u1, u2, u3, u4, u5, u6, u7, u8, u9) VALUES ",
        );
        for i in 0..batch {
            let n = chunk * batch + i;
            let org = orgs[(n % UNITS) as usize];
            let at = start + (next() % (365 * DAY as u64)) as i64;
            let svc = if next() % 2 == 0 {
                "Layanan A"
            } else {
                "Layanan B"
            };
            let a: Vec<String> = (0..9).map(|_| (1 + next() % 4).to_string()).collect();
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!("({org},{at},'kiosk','{svc}',{})", a.join(",")));
        }
        // Values generated above (numbers and two fixed names), not input: inlined for load speed.
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *tx)
            .await
            .unwrap();
        if chunk % 200 == 199 {
            tx.commit().await.unwrap();
            tx = db.begin_write().await.unwrap();
        }
    }
    tx.commit().await.unwrap();
    anjungan_survey::service::setup::rebuild_tallies(db, &actor)
        .await
        .unwrap();
    let rollups: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM survey_tallies")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    println!(
        "{}: loaded {RESPONSES} responses for {UNITS} units in {:.1} s ({rollups} daily rollup rows)",
        db.backend.name(),
        t.elapsed().as_secs_f64()
    );
    (
        orgs,
        Period::Custom {
            from: anjungan_kernel::clock::to_wib(start).date(),
            to: anjungan_kernel::clock::to_wib(end).date(),
        },
    )
}

fn bench_backend(c: &mut Criterion, name: &str, url: &str, admin: Option<(&str, &str)>) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(async {
        if let Some((admin_url, dbname)) = admin {
            let a = Db::connect(admin_url, 1).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {dbname}")))
                .execute(&a.pool)
                .await
                .unwrap();
            a.pool.close().await;
        }
        static ROOMS: &[&anjungan_kernel::room::Room] = &[&anjungan_survey::ROOM];
        anjungan_kernel::room::install(ROOMS);
        let db = Db::connect(url, 4).await.unwrap();
        db.migrate().await.unwrap();
        anjungan_kernel::orgs::store::seed_wilayah(&db, &Actor::system("bench"))
            .await
            .unwrap();
        db
    });
    let (orgs, year) = rt.block_on(seed(&db));
    let unit = orgs[7];
    // Cross-check once: the rollups give the same index as the raw rows.
    rt.block_on(async {
        let fast = store::unit_tally(&db, unit, &year, None)
            .await
            .unwrap()
            .compute();
        let raw = store::segment_tally(&db, unit, &year, &store::Segment::default())
            .await
            .unwrap()
            .compute();
        assert_eq!(fast, raw, "rollups agree with raw rows");
        println!(
            "{name}: unit {unit} over the year: {} responses, IKM {}",
            fast.responses,
            fast.ikm.map(|i| i.dotted()).unwrap_or_default()
        );
    });
    let mut g = c.benchmark_group(name);
    g.sample_size(20);
    g.bench_function("ikm_one_unit_year", |b| {
        b.to_async(&rt).iter(|| async {
            store::unit_tally(&db, unit, &year, None)
                .await
                .unwrap()
                .compute()
        })
    });
    g.bench_function("ikm_all_units_year", |b| {
        b.to_async(&rt).iter(|| async {
            let all = store::tallies_by_unit(&db, &year).await.unwrap();
            assert_eq!(all.len() as i64, UNITS);
            all.iter().map(|(_, t)| t.compute()).collect::<Vec<_>>()
        })
    });
    g.bench_function("ikm_one_unit_year_raw_rows", |b| {
        b.to_async(&rt).iter(|| async {
            store::segment_tally(&db, unit, &year, &store::Segment::default())
                .await
                .unwrap()
                .compute()
        })
    });
    g.finish();
    rt.block_on(async {
        db.pool.close().await;
        if let Some((admin_url, dbname)) = admin {
            let a = Db::connect(admin_url, 1).await.unwrap();
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {dbname} WITH (FORCE)"
            )))
            .execute(&a.pool)
            .await;
        }
    });
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    bench_backend(c, "sqlite", &url, None);
    match std::env::var("ANJUNGAN_TEST_POSTGRES_URL") {
        Ok(admin) => {
            let name = format!("anjungan_bench_{}", std::process::id());
            let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
            bench_backend(
                c,
                "postgres",
                &format!("{base}/{name}"),
                Some((&admin, &name)),
            );
        }
        Err(_) => println!("postgres: skipped (set ANJUNGAN_TEST_POSTGRES_URL)"),
    }
}

criterion_group!(ikm, benches);
criterion_main!(ikm);

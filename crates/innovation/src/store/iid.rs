//! IID SQL: catalogues per year, indicators, answers and reviews. The use cases that audit them
//! are in `service::iid`.

use crate::domain::iid::{Answer, Aspect, Indicator, Level, Review, Thresholds};
use anjungan_kernel::db::{Conn, Db};
use sqlx::Row;

pub struct Catalogue {
    pub year: i64,
    pub government_share: u32,
    pub thresholds: Thresholds,
    pub indicators: Vec<Indicator>,
}

/// The latest year before `year` that has a catalogue.
pub async fn previous_year(db: &Db, year: i64) -> anjungan_kernel::Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT MAX(year) FROM iid_catalogues WHERE year < $1")
            .bind(year)
            .fetch_one(&db.pool)
            .await?,
    )
}

/// Inserts the catalogue of `year` with its indicators; `false` (and nothing written) if
/// another request created it first.
pub async fn insert_catalogue(
    conn: &mut Conn,
    year: i64,
    share: u32,
    thresholds: &Thresholds,
    indicators: &[Indicator],
    now: i64,
) -> anjungan_kernel::Result<bool> {
    let inserted = sqlx::query(
        "INSERT INTO iid_catalogues (year, government_share, very_innovative, innovative, less_innovative, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (year) DO NOTHING",
    )
    .bind(year)
    .bind(share as i64)
    .bind(thresholds.very_innovative as i64)
    .bind(thresholds.innovative as i64)
    .bind(thresholds.less_innovative as i64)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(false);
    }
    for i in indicators {
        sqlx::query("INSERT INTO iid_indicators (year, code, aspect, variable, name, weight, levels) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(year)
            .bind(&i.code)
            .bind(i.aspect.code())
            .bind(&i.variable)
            .bind(&i.name)
            .bind(i.weight as i64)
            .bind(anjungan_kernel::db::json_text(&i.levels)?)
            .execute(&mut *conn)
            .await?;
    }
    Ok(true)
}

/// The catalogue of `year`, if it exists.
pub async fn load(db: &Db, year: i64) -> anjungan_kernel::Result<Option<Catalogue>> {
    let Some(c) = sqlx::query("SELECT government_share, very_innovative, innovative, less_innovative FROM iid_catalogues WHERE year = $1")
        .bind(year)
        .fetch_optional(&db.pool)
        .await?
    else {
        return Ok(None);
    };
    let rows = sqlx::query("SELECT id, code, aspect, variable, name, weight, levels FROM iid_indicators WHERE year = $1 ORDER BY aspect, id")
        .bind(year)
        .fetch_all(&db.pool)
        .await?;
    let indicators = rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok(Indicator {
                id: r.try_get("id")?,
                code: r.try_get("code")?,
                aspect: Aspect::parse(&r.try_get::<String, _>("aspect")?)
                    .unwrap_or(Aspect::Innovation),
                variable: r.try_get("variable")?,
                name: r.try_get("name")?,
                weight: r.try_get::<i64, _>("weight")?.max(0) as u32,
                levels: serde_json::from_str::<Vec<Level>>(&r.try_get::<String, _>("levels")?)
                    .unwrap_or_default(),
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(Some(Catalogue {
        year,
        government_share: c.try_get::<i64, _>("government_share")?.clamp(0, 100) as u32,
        thresholds: Thresholds {
            very_innovative: c.try_get::<i64, _>("very_innovative")?.max(0) as u32,
            innovative: c.try_get::<i64, _>("innovative")?.max(0) as u32,
            less_innovative: c.try_get::<i64, _>("less_innovative")?.max(0) as u32,
        },
        indicators,
    }))
}

/// Edits an indicator's name, weight and level scores/evidence; `false` if there is no such
/// indicator.
pub async fn update_indicator(
    conn: &mut Conn,
    id: i64,
    name: &str,
    weight: u32,
    levels: &[Level],
) -> anjungan_kernel::Result<bool> {
    let n =
        sqlx::query("UPDATE iid_indicators SET name = $1, weight = $2, levels = $3 WHERE id = $4")
            .bind(name)
            .bind(weight as i64)
            .bind(anjungan_kernel::db::json_text(levels)?)
            .bind(id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    Ok(n > 0)
}

pub fn subject_of(innovation: Option<i64>) -> String {
    match innovation {
        Some(id) => format!("innovation:{id}"),
        None => "regency".into(),
    }
}

pub async fn answers(db: &Db, subject: &str) -> anjungan_kernel::Result<Vec<Answer>> {
    let rows = sqlx::query(
        "SELECT indicator_id, level, evidence, review, note FROM iid_answers WHERE subject = $1",
    )
    .bind(subject)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok(Answer {
                indicator_id: r.try_get("indicator_id")?,
                level: r.try_get::<i64, _>("level")?.clamp(0, 255) as u8,
                evidence: r.try_get("evidence")?,
                review: Review::parse(&r.try_get::<String, _>("review")?)
                    .unwrap_or(Review::Pending),
                note: r.try_get("note")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// Records a picked level (and evidence, kept when none is given) with its review state; the
/// reviewer's note is cleared.
pub async fn upsert_answer(
    conn: &mut Conn,
    subject: &str,
    indicator: i64,
    level: u8,
    evidence: Option<&str>,
    review: Review,
    now: i64,
) -> anjungan_kernel::Result<()> {
    sqlx::query(
        "INSERT INTO iid_answers (subject, indicator_id, level, evidence, review, note, updated_at) VALUES ($1, $2, $3, $4, $5, '', $6) \
         ON CONFLICT (subject, indicator_id) DO UPDATE SET level = excluded.level, \
         evidence = COALESCE(excluded.evidence, iid_answers.evidence), review = excluded.review, note = '', updated_at = excluded.updated_at",
    )
    .bind(subject)
    .bind(indicator)
    .bind(level as i64)
    .bind(evidence)
    .bind(review.code())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Sets the review of an answer; `false` if the subject has not answered the indicator.
pub async fn set_review(
    conn: &mut Conn,
    subject: &str,
    indicator: i64,
    review: Review,
    note: &str,
    now: i64,
) -> anjungan_kernel::Result<bool> {
    let n = sqlx::query("UPDATE iid_answers SET review = $1, note = $2, updated_at = $3 WHERE subject = $4 AND indicator_id = $5")
        .bind(review.code())
        .bind(note)
        .bind(now)
        .bind(subject)
        .bind(indicator)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(n > 0)
}

/// Writes an already reviewed answer (imports, demo data), without evidence.
pub async fn put_reviewed_answer(
    conn: &mut Conn,
    subject: &str,
    (indicator, level, review, note): (i64, u8, Review, &str),
    now: i64,
) -> anjungan_kernel::Result<()> {
    sqlx::query(
        "INSERT INTO iid_answers (subject, indicator_id, level, evidence, review, note, updated_at) VALUES ($1, $2, $3, NULL, $4, $5, $6) \
         ON CONFLICT (subject, indicator_id) DO UPDATE SET level = excluded.level, review = excluded.review, note = excluded.note, updated_at = excluded.updated_at",
    )
    .bind(subject)
    .bind(indicator)
    .bind(level as i64)
    .bind(review.code())
    .bind(note)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

//! Reading the index: tallies from the rollups per unit and service, a segment's and each
//! form's profile from the raw rows, exports and recent comments.

use super::{Result, day_range};
use crate::domain::disclosure::FormProfile;
use crate::domain::segment::Segment;
use crate::domain::{Period, Tally};
use anjungan_kernel::clock::Millis;
use anjungan_kernel::db::Db;
use sqlx::Row;
use sqlx::any::AnyRow;

fn tally_from(r: &AnyRow) -> std::result::Result<Tally, sqlx::Error> {
    let mut t = Tally {
        responses: r.try_get("n")?,
        ..Tally::default()
    };
    for i in 0..9 {
        t.sums[i] = r.try_get(format!("s{}", i + 1).as_str())?;
        t.counts[i] = r.try_get(format!("c{}", i + 1).as_str())?;
    }
    Ok(t)
}

const SUMS: &str = "CAST(SUM(n) AS BIGINT) AS n, \
    CAST(SUM(s1) AS BIGINT) AS s1, CAST(SUM(s2) AS BIGINT) AS s2, CAST(SUM(s3) AS BIGINT) AS s3, \
    CAST(SUM(s4) AS BIGINT) AS s4, CAST(SUM(s5) AS BIGINT) AS s5, CAST(SUM(s6) AS BIGINT) AS s6, \
    CAST(SUM(s7) AS BIGINT) AS s7, CAST(SUM(s8) AS BIGINT) AS s8, CAST(SUM(s9) AS BIGINT) AS s9, \
    CAST(SUM(c1) AS BIGINT) AS c1, CAST(SUM(c2) AS BIGINT) AS c2, CAST(SUM(c3) AS BIGINT) AS c3, \
    CAST(SUM(c4) AS BIGINT) AS c4, CAST(SUM(c5) AS BIGINT) AS c5, CAST(SUM(c6) AS BIGINT) AS c6, \
    CAST(SUM(c7) AS BIGINT) AS c7, CAST(SUM(c8) AS BIGINT) AS c8, CAST(SUM(c9) AS BIGINT) AS c9";

/// Tallies of every unit over a period, from the daily rollups.
pub async fn tallies_by_unit(db: &Db, period: &Period) -> Result<Vec<(i64, Tally)>> {
    let (from, to) = day_range(period);
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT org_id, {SUMS} FROM survey_tallies WHERE day >= $1 AND day < $2 GROUP BY org_id"
    )))
    .bind(from)
    .bind(to)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok((r.try_get("org_id")?, tally_from(r)?))
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// One unit's tally over a period, optionally for one service.
pub async fn unit_tally(
    db: &Db,
    org_id: i64,
    period: &Period,
    service: Option<&str>,
) -> Result<Tally> {
    let (from, to) = day_range(period);
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {SUMS} FROM survey_tallies WHERE org_id = $1 AND day >= $2 AND day < $3 AND ($4 IS NULL OR service = $4)"
    )))
    .bind(org_id)
    .bind(from)
    .bind(to)
    .bind(service)
    .fetch_one(&db.pool)
    .await?;
    // SUM over no rows is NULL: an empty tally.
    if row.try_get::<Option<i64>, _>("n")?.is_none() {
        return Ok(Tally::default());
    }
    Ok(tally_from(&row)?)
}

pub async fn tallies_by_service(
    db: &Db,
    org_id: i64,
    period: &Period,
) -> Result<Vec<(String, Tally)>> {
    let (from, to) = day_range(period);
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT service, {SUMS} FROM survey_tallies WHERE org_id = $1 AND day >= $2 AND day < $3 GROUP BY service ORDER BY service"
    )))
    .bind(org_id)
    .bind(from)
    .bind(to)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok((r.try_get("service")?, tally_from(r)?))
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

pub async fn segment_tally(db: &Db, org_id: i64, period: &Period, seg: &Segment) -> Result<Tally> {
    let (from, to) = period.bounds();
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, \
         CAST(COALESCE(SUM(u1),0) AS BIGINT) AS s1, CAST(COALESCE(SUM(u2),0) AS BIGINT) AS s2, CAST(COALESCE(SUM(u3),0) AS BIGINT) AS s3, \
         CAST(COALESCE(SUM(u4),0) AS BIGINT) AS s4, CAST(COALESCE(SUM(u5),0) AS BIGINT) AS s5, CAST(COALESCE(SUM(u6),0) AS BIGINT) AS s6, \
         CAST(COALESCE(SUM(u7),0) AS BIGINT) AS s7, CAST(COALESCE(SUM(u8),0) AS BIGINT) AS s8, CAST(COALESCE(SUM(u9),0) AS BIGINT) AS s9, \
         COUNT(u1) AS c1, COUNT(u2) AS c2, COUNT(u3) AS c3, COUNT(u4) AS c4, COUNT(u5) AS c5, COUNT(u6) AS c6, \
         COUNT(u7) AS c7, COUNT(u8) AS c8, COUNT(u9) AS c9 \
         FROM survey_responses WHERE org_id = $1 AND submitted_at >= $2 AND submitted_at < $3 \
         AND ($4 IS NULL OR sex = $4) AND ($5 IS NULL OR education = $5) AND ($6 IS NULL OR occupation = $6) \
         AND ($7 IS NULL OR age >= $7) AND ($8 IS NULL OR age <= $8)",
    )
    .bind(org_id)
    .bind(from)
    .bind(to)
    .bind(&seg.sex)
    .bind(&seg.education)
    .bind(&seg.occupation)
    .bind(seg.age_min)
    .bind(seg.age_max)
    .fetch_one(&db.pool)
    .await?;
    Ok(tally_from(&row)?)
}

/// What each form of a unit and period says about its respondent (no answers, no text), for
/// deciding which groups may be published.
pub async fn form_profiles(db: &Db, org_id: i64, period: &Period) -> Result<Vec<FormProfile>> {
    let (from, to) = period.bounds();
    let rows = sqlx::query(
        "SELECT sex, age, education, occupation FROM survey_responses \
         WHERE org_id = $1 AND submitted_at >= $2 AND submitted_at < $3",
    )
    .bind(org_id)
    .bind(from)
    .bind(to)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok(FormProfile {
                sex: r.try_get("sex")?,
                age: r.try_get("age")?,
                education: r.try_get("education")?,
                occupation: r.try_get("occupation")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// Responses for export, without the respondent profile (responses are anonymous to staff).
pub struct ExportRow {
    pub id: i64,
    pub submitted_at: Millis,
    pub channel: String,
    pub service: String,
    pub answers: [Option<i64>; 9],
    pub comment: String,
    pub extra: Vec<(i64, String)>,
}

pub async fn export_rows(db: &Db, org_id: i64, period: &Period) -> Result<Vec<ExportRow>> {
    let (from, to) = period.bounds();
    let rows = sqlx::query(
        "SELECT id, submitted_at, channel, service, u1, u2, u3, u4, u5, u6, u7, u8, u9, comment FROM survey_responses \
         WHERE org_id = $1 AND submitted_at >= $2 AND submitted_at < $3 ORDER BY submitted_at, id",
    )
    .bind(org_id)
    .bind(from)
    .bind(to)
    .fetch_all(&db.pool)
    .await?;
    let extras = sqlx::query(
        "SELECT a.response_id, a.question_id, a.value FROM survey_extra_answers a JOIN survey_responses r ON r.id = a.response_id \
         WHERE r.org_id = $1 AND r.submitted_at >= $2 AND r.submitted_at < $3",
    )
    .bind(org_id)
    .bind(from)
    .bind(to)
    .fetch_all(&db.pool)
    .await?;
    let mut by_response: std::collections::HashMap<i64, Vec<(i64, String)>> =
        std::collections::HashMap::new();
    for e in &extras {
        by_response
            .entry(e.get("response_id"))
            .or_default()
            .push((e.get("question_id"), e.get("value")));
    }
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok({
                let id: i64 = r.try_get("id")?;
                ExportRow {
                    id,
                    submitted_at: r.try_get("submitted_at")?,
                    channel: r.try_get("channel")?,
                    service: r.try_get("service")?,
                    answers: std::array::from_fn(|i| {
                        r.get::<Option<i64>, _>(format!("u{}", i + 1).as_str())
                    }),
                    comment: r.try_get("comment")?,
                    extra: by_response.remove(&id).unwrap_or_default(),
                }
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// The latest comments, for the dashboard (text only).
pub async fn recent_comments(
    db: &Db,
    org_id: i64,
    period: &Period,
    limit: i64,
) -> Result<Vec<(Millis, String)>> {
    let (from, to) = period.bounds();
    let rows = sqlx::query(
        "SELECT submitted_at, comment FROM survey_responses WHERE org_id = $1 AND submitted_at >= $2 AND submitted_at < $3 \
         AND comment <> '' ORDER BY submitted_at DESC LIMIT $4",
    )
    .bind(org_id)
    .bind(from)
    .bind(to)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok((r.try_get("submitted_at")?, r.try_get("comment")?))
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

//! The jury: rubrics, assignments, reviews and their progress.

use crate::domain::phase::PhaseKind;

use anjungan_kernel::clock::now_ms;
use anjungan_kernel::db::{Conn, Db};
use sqlx::Row;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct StoredCriterion {
    key: String,
    weight: u32,
    #[serde(default)]
    label: String,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct StoredRubric {
    criteria: Vec<StoredCriterion>,
    scale_max: u32,
    #[serde(default = "yes")]
    comment_required: bool,
    #[serde(default = "yes")]
    show_others: bool,
    #[serde(default)]
    advance: u32,
}

/// Sets the rubric of a scored phase.
pub async fn save_rubric(
    conn: &mut Conn,
    edition_id: i64,
    spec: &crate::domain::scoring::PhaseSpec,
) -> anjungan_kernel::Result<()> {
    let rubric = StoredRubric {
        criteria: spec
            .rubric
            .criteria
            .iter()
            .map(|c| StoredCriterion {
                key: c.key.clone(),
                weight: c.weight,
                label: c.label.clone(),
            })
            .collect(),
        scale_max: spec.rubric.scale_max,
        comment_required: spec.rubric.comment_required,
        show_others: spec.rubric.show_others,
        advance: spec.advance,
    };
    sqlx::query(
        "INSERT INTO festival_rubrics (edition_id, phase, weight, aggregation, normalise, rubric) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (edition_id, phase) DO UPDATE SET weight = excluded.weight, aggregation = excluded.aggregation, \
         normalise = excluded.normalise, rubric = excluded.rubric",
    )
    .bind(edition_id)
    .bind(&spec.key)
    .bind(spec.weight as i64)
    .bind(match spec.aggregation {
        crate::domain::scoring::Aggregation::Mean => "mean",
        crate::domain::scoring::Aggregation::Median => "median",
    })
    .bind(spec.normalise as i64)
    .bind(anjungan_kernel::db::json_text(&rubric)?)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The scored phases of an edition, in phase order.
pub async fn rubrics(
    db: &Db,
    edition_id: i64,
) -> anjungan_kernel::Result<Vec<crate::domain::scoring::PhaseSpec>> {
    use crate::domain::scoring::{Aggregation, Criterion, PhaseSpec, Rubric};
    let rows = sqlx::query("SELECT phase, weight, aggregation, normalise, rubric FROM festival_rubrics WHERE edition_id = $1").bind(edition_id).fetch_all(&db.pool).await?;
    let mut specs: Vec<PhaseSpec> = rows
        .iter()
        .filter_map(|r| {
            let stored: StoredRubric =
                serde_json::from_str(&r.try_get::<String, _>("rubric").ok()?).ok()?;
            Some(PhaseSpec {
                key: r.try_get("phase").ok()?,
                weight: r.try_get::<i64, _>("weight").ok()?.max(0) as u32,
                rubric: Rubric {
                    criteria: stored
                        .criteria
                        .into_iter()
                        .map(|c| Criterion {
                            key: c.key,
                            weight: c.weight,
                            label: c.label,
                        })
                        .collect(),
                    scale_max: stored.scale_max,
                    comment_required: stored.comment_required,
                    show_others: stored.show_others,
                },
                aggregation: if r.try_get::<String, _>("aggregation").ok()? == "median" {
                    Aggregation::Median
                } else {
                    Aggregation::Mean
                },
                normalise: r.try_get::<i64, _>("normalise").ok()? != 0,
                advance: stored.advance,
            })
        })
        .collect();
    specs.sort_by_key(|s| PhaseKind::parse(&s.key).map(|k| k as usize).unwrap_or(99));
    Ok(specs)
}

/// Replaces the assignments of a phase.
pub async fn replace_assignments(
    conn: &mut Conn,
    edition_id: i64,
    phase: &str,
    assignments: &std::collections::BTreeMap<i64, Vec<i64>>,
) -> anjungan_kernel::Result<()> {
    sqlx::query("DELETE FROM festival_assignments WHERE edition_id = $1 AND phase = $2")
        .bind(edition_id)
        .bind(phase)
        .execute(&mut *conn)
        .await?;
    for (entry, jurors) in assignments {
        for j in jurors {
            sqlx::query("INSERT INTO festival_assignments (edition_id, phase, entry_id, juror_id) VALUES ($1, $2, $3, $4)")
                .bind(edition_id)
                .bind(phase)
                .bind(*entry)
                .bind(*j)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

/// (phase, entry id) pairs assigned to a juror.
pub async fn assignments_of(
    db: &Db,
    edition_id: i64,
    juror: i64,
) -> anjungan_kernel::Result<Vec<(String, i64)>> {
    let rows = sqlx::query("SELECT phase, entry_id FROM festival_assignments WHERE edition_id = $1 AND juror_id = $2 ORDER BY phase, entry_id")
        .bind(edition_id)
        .bind(juror)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok((r.try_get("phase")?, r.try_get("entry_id")?))
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

pub async fn is_assigned(
    db: &Db,
    edition_id: i64,
    phase: &str,
    entry: i64,
    juror: i64,
) -> anjungan_kernel::Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM festival_assignments WHERE edition_id = $1 AND phase = $2 AND entry_id = $3 AND juror_id = $4")
        .bind(edition_id)
        .bind(phase)
        .bind(entry)
        .bind(juror)
        .fetch_one(&db.pool)
        .await?;
    Ok(n > 0)
}

/// Records (or replaces) a juror's review.
pub async fn upsert_review(
    conn: &mut Conn,
    edition_id: i64,
    review: &crate::domain::scoring::Review,
    phase: &str,
    comment: &str,
) -> anjungan_kernel::Result<()> {
    sqlx::query(
        "INSERT INTO festival_reviews (edition_id, phase, entry_id, juror_id, scores, comment, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (edition_id, phase, entry_id, juror_id) DO UPDATE SET scores = excluded.scores, comment = excluded.comment, submitted_at = excluded.submitted_at",
    )
    .bind(edition_id)
    .bind(phase)
    .bind(review.entry)
    .bind(review.juror)
    .bind(anjungan_kernel::db::json_text(&review.scores)?)
    .bind(comment)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Every review of an edition: (phase, review, comment).
pub async fn reviews(
    db: &Db,
    edition_id: i64,
) -> anjungan_kernel::Result<Vec<(String, crate::domain::scoring::Review, String)>> {
    let rows = sqlx::query("SELECT phase, entry_id, juror_id, scores, comment FROM festival_reviews WHERE edition_id = $1").bind(edition_id).fetch_all(&db.pool).await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok({
                let scores: Vec<(String, u32)> = anjungan_kernel::db::json_column(r, "scores")?;
                (
                    r.try_get("phase")?,
                    crate::domain::scoring::Review {
                        juror: r.try_get("juror_id")?,
                        entry: r.try_get("entry_id")?,
                        scores,
                    },
                    r.try_get("comment")?,
                )
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// Review progress per scored phase: (phase, assigned reviews, submitted reviews).
pub async fn review_progress(
    db: &Db,
    edition_id: i64,
) -> anjungan_kernel::Result<Vec<(String, i64, i64)>> {
    let rows = sqlx::query(
        "SELECT a.phase, COUNT(*) AS assigned, CAST(SUM(CASE WHEN r.juror_id IS NULL THEN 0 ELSE 1 END) AS BIGINT) AS done \
         FROM festival_assignments a LEFT JOIN festival_reviews r ON r.edition_id = a.edition_id AND r.phase = a.phase \
         AND r.entry_id = a.entry_id AND r.juror_id = a.juror_id WHERE a.edition_id = $1 GROUP BY a.phase ORDER BY a.phase",
    )
    .bind(edition_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok({
                (
                    r.try_get("phase")?,
                    r.try_get("assigned")?,
                    r.try_get::<Option<i64>, _>("done")?.unwrap_or(0),
                )
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

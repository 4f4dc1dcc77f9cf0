//! Responses with their daily rollups (one transaction each), kiosk de-duplication, bulk
//! insertion, and rebuilding the rollups.

use super::{Result, wib_day};
use crate::domain::{Profile, Response, SurveyError};
use anjungan_kernel::clock::{Millis, now_ms};
use anjungan_kernel::db::{Db, is_unique_violation};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Online,
    Kiosk,
    Paper,
    Invitation,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::Kiosk => "kiosk",
            Channel::Paper => "paper",
            Channel::Invitation => "invitation",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    New(i64),
    /// The same `client_key` was already recorded (an offline kiosk retrying): nothing added.
    Duplicate,
}

pub struct NewResponse<'a> {
    pub org_id: i64,
    pub channel: Channel,
    pub response: &'a Response,
    pub extra: &'a [(i64, String)],
    pub client_key: Option<&'a str>,
    pub entered_by: Option<i64>,
    pub invitation_hash: Option<&'a str>,
    pub at: Millis,
}

/// Records a response, its rollup and (for invitations) consumes the link, in one transaction.
pub async fn insert_response(db: &Db, n: NewResponse<'_>) -> Result<Stored> {
    let mut tx = db.begin_write().await?;
    let stored = insert_in(&mut tx, &n).await?;
    if matches!(stored, Stored::New(_)) {
        tx.commit().await?;
    }
    Ok(stored)
}

/// Records many responses in one transaction (demo data, imports).
pub async fn insert_many(db: &Db, all: &[NewResponse<'_>]) -> Result<usize> {
    // Paper batches and imports carry no idempotency key, invitation or extra question: their
    // rows go in as multi-row inserts with the tallies summed per unit, service and day first.
    if all
        .iter()
        .all(|n| n.client_key.is_none() && n.invitation_hash.is_none() && n.extra.is_empty())
    {
        let mut tx = db.begin_write().await?;
        bulk_insert(&mut tx, all).await?;
        tx.commit().await?;
        return Ok(all.len());
    }
    let mut tx = db.begin_write().await?;
    let mut n = 0;
    for r in all {
        if matches!(insert_in(&mut tx, r).await?, Stored::New(_)) {
            n += 1;
        }
    }
    tx.commit().await?;
    Ok(n)
}

/// Placeholders `($1, …, $k), ($k+1, …)` for `rows` rows of `cols` values.
fn value_rows(rows: usize, cols: usize) -> String {
    let mut out = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for c in 0..cols {
            if c > 0 {
                out.push_str(", ");
            }
            out.push_str(&format!("${}", r * cols + c + 1));
        }
        out.push(')');
    }
    out
}

type TallyKey = (i64, String, i64);

/// A response's contribution to its day's tally: `[n, s1..s9, c1..c9]` (sums of values and
/// counts of answers per element).
fn tally_of(n: &NewResponse<'_>) -> (TallyKey, [i64; 19]) {
    let mut t = [0i64; 19];
    t[0] = 1;
    for (i, a) in n.response.answers.iter().enumerate() {
        if let Some(v) = a {
            t[1 + i] = v.value() as i64;
            t[10 + i] = 1;
        }
    }
    ((n.org_id, n.response.service.clone(), wib_day(n.at)), t)
}

/// Adds tallies to the stored ones (one row per key in `rows`).
async fn upsert_tallies(
    tx: &mut anjungan_kernel::db::Tx,
    rows: &[(TallyKey, [i64; 19])],
) -> Result<()> {
    let sql = format!(
        "INSERT INTO survey_tallies (org_id, service, day, n, s1, s2, s3, s4, s5, s6, s7, s8, s9, c1, c2, c3, c4, c5, c6, c7, c8, c9) \
         VALUES {} ON CONFLICT (org_id, service, day) DO UPDATE SET n = survey_tallies.n + excluded.n, \
         s1 = survey_tallies.s1 + excluded.s1, s2 = survey_tallies.s2 + excluded.s2, s3 = survey_tallies.s3 + excluded.s3, \
         s4 = survey_tallies.s4 + excluded.s4, s5 = survey_tallies.s5 + excluded.s5, s6 = survey_tallies.s6 + excluded.s6, \
         s7 = survey_tallies.s7 + excluded.s7, s8 = survey_tallies.s8 + excluded.s8, s9 = survey_tallies.s9 + excluded.s9, \
         c1 = survey_tallies.c1 + excluded.c1, c2 = survey_tallies.c2 + excluded.c2, c3 = survey_tallies.c3 + excluded.c3, \
         c4 = survey_tallies.c4 + excluded.c4, c5 = survey_tallies.c5 + excluded.c5, c6 = survey_tallies.c6 + excluded.c6, \
         c7 = survey_tallies.c7 + excluded.c7, c8 = survey_tallies.c8 + excluded.c8, c9 = survey_tallies.c9 + excluded.c9",
        value_rows(rows.len(), 22)
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for ((org, service, day), t) in rows {
        q = q.bind(*org).bind(service.clone()).bind(*day);
        for v in t {
            q = q.bind(*v);
        }
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

async fn bulk_insert(tx: &mut anjungan_kernel::db::Tx, all: &[NewResponse<'_>]) -> Result<()> {
    const ROWS: usize = 100;
    for chunk in all.chunks(ROWS) {
        let sql = format!(
            "INSERT INTO survey_responses (org_id, submitted_at, channel, service, sex, age, education, occupation, \
             u1, u2, u3, u4, u5, u6, u7, u8, u9, comment, entered_by) VALUES {}",
            value_rows(chunk.len(), 19)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for n in chunk {
            let r = n.response;
            let p = &r.profile;
            q = q
                .bind(n.org_id)
                .bind(n.at)
                .bind(n.channel.code())
                .bind(r.service.clone())
                .bind(p.sex.map(|s| s.code()))
                .bind(p.age.map(|a| a as i64))
                .bind(p.education.map(|e| e.code()))
                .bind(p.occupation.map(|o| o.code()));
            for a in r.answers {
                q = q.bind(a.map(|s| s.value() as i64));
            }
            q = q.bind(r.comment.clone()).bind(n.entered_by);
        }
        q.execute(&mut **tx).await?;
    }
    // One tally row per unit, service and day.
    let mut sums: std::collections::BTreeMap<TallyKey, [i64; 19]> = Default::default();
    for n in all {
        let (key, t) = tally_of(n);
        let sum = sums.entry(key).or_insert([0; 19]);
        for (s, v) in sum.iter_mut().zip(t) {
            *s += v;
        }
    }
    let sums: Vec<_> = sums.into_iter().collect();
    for chunk in sums.chunks(ROWS) {
        upsert_tallies(tx, chunk).await?;
    }
    Ok(())
}

/// The stored form of a kiosk's de-duplication key: `{unit}:{key}`.
fn scoped_client_key(org_id: i64, key: &str) -> String {
    format!("{org_id}:{key}")
}

async fn insert_in(tx: &mut anjungan_kernel::db::Tx, n: &NewResponse<'_>) -> Result<Stored> {
    let r = n.response;
    let p = &r.profile;
    // A kiosk's key is its own unit's: stored prefixed with the unit, so the column's
    // uniqueness holds per unit and another unit's answers are never taken for a retry.
    let client_key = n.client_key.map(|k| scoped_client_key(n.org_id, k));
    if let Some(key) = &client_key {
        let seen: Option<i64> =
            sqlx::query_scalar("SELECT id FROM survey_responses WHERE client_key = $1")
                .bind(key)
                .fetch_optional(&mut **tx)
                .await?;
        if seen.is_some() {
            return Ok(Stored::Duplicate);
        }
    }
    let a = |i: usize| r.answers[i].map(|s| s.value() as i64);
    let inserted = sqlx::query_scalar::<_, i64>(
        "INSERT INTO survey_responses (org_id, submitted_at, channel, service, sex, age, education, occupation, \
         u1, u2, u3, u4, u5, u6, u7, u8, u9, comment, client_key, entered_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id",
    )
    .bind(n.org_id)
    .bind(n.at)
    .bind(n.channel.code())
    .bind(&r.service)
    .bind(p.sex.map(|s| s.code()))
    .bind(p.age.map(|a| a as i64))
    .bind(p.education.map(|e| e.code()))
    .bind(p.occupation.map(|o| o.code()))
    .bind(a(0))
    .bind(a(1))
    .bind(a(2))
    .bind(a(3))
    .bind(a(4))
    .bind(a(5))
    .bind(a(6))
    .bind(a(7))
    .bind(a(8))
    .bind(&r.comment)
    .bind(&client_key)
    .bind(n.entered_by)
    .fetch_one(&mut **tx)
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => return Ok(Stored::Duplicate),
        Err(e) => return Err(e.into()),
    };
    for (qid, value) in n.extra.iter() {
        sqlx::query(
            "INSERT INTO survey_extra_answers (response_id, question_id, value) \
             SELECT $1, id, $3 FROM survey_extra_questions WHERE id = $2 AND org_id = $4 AND active = 1",
        )
        .bind(id)
        .bind(qid)
        .bind(value)
        .bind(n.org_id)
        .execute(&mut **tx)
        .await?;
    }
    upsert_tallies(tx, &[tally_of(n)]).await?;
    if let Some(hash) = n.invitation_hash {
        let used = sqlx::query("UPDATE survey_invitations SET used_at = $1, response_id = $2 WHERE token_hash = $3 AND used_at IS NULL AND expires_at > $1")
            .bind(now_ms())
            .bind(id)
            .bind(hash)
            .execute(&mut **tx)
            .await?
            .rows_affected();
        if used == 0 {
            return Err(SurveyError::InvitationUsed.into());
        }
    }
    Ok(Stored::New(id))
}

/// Parses a raw response (shared by every channel).
pub fn parse_response(
    answers: [&str; 9],
    sex: &str,
    age: &str,
    education: &str,
    occupation: &str,
    service: &str,
    comment: &str,
) -> std::result::Result<Response, SurveyError> {
    let profile = Profile::parse(sex, age, education, occupation)?;
    Response::parse(answers, profile, service, comment)
}

/// Replaces every daily rollup with one recomputed from the raw responses, in the caller's
/// transaction.
pub async fn replace_tallies(tx: &mut anjungan_kernel::db::Conn) -> Result<()> {
    let day = "((submitted_at + 25200000) / 86400000)";
    sqlx::query("DELETE FROM survey_tallies")
        .execute(&mut *tx)
        .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO survey_tallies (org_id, service, day, n, s1, s2, s3, s4, s5, s6, s7, s8, s9, c1, c2, c3, c4, c5, c6, c7, c8, c9) \
         SELECT org_id, service, {day}, COUNT(*), \
         CAST(COALESCE(SUM(u1),0) AS BIGINT), CAST(COALESCE(SUM(u2),0) AS BIGINT), CAST(COALESCE(SUM(u3),0) AS BIGINT), \
         CAST(COALESCE(SUM(u4),0) AS BIGINT), CAST(COALESCE(SUM(u5),0) AS BIGINT), CAST(COALESCE(SUM(u6),0) AS BIGINT), \
         CAST(COALESCE(SUM(u7),0) AS BIGINT), CAST(COALESCE(SUM(u8),0) AS BIGINT), CAST(COALESCE(SUM(u9),0) AS BIGINT), \
         COUNT(u1), COUNT(u2), COUNT(u3), COUNT(u4), COUNT(u5), COUNT(u6), COUNT(u7), COUNT(u8), COUNT(u9) \
         FROM survey_responses GROUP BY org_id, service, {day}"
    )))
    .execute(&mut *tx)
    .await?;
    Ok(())
}

//! Survey SQL: responses with their daily rollups, units, served counts, invitations, extra
//! questions and follow-up actions. Aggregates read the rollups; segments read the raw rows.

use crate::domain::audit::SurveyEvent;
use crate::domain::disclosure::{Dimension, FormProfile, Group, age_band, band_of};
use crate::domain::{ActionDraft, Element, Period, Profile, Response, SurveyError, Tally};
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::clock::{DAY, HOUR, Millis, now_ms};
use anjungan_kernel::db::{Db, is_unique_violation};
use sqlx::Row;
use sqlx::any::AnyRow;

/// WIB calendar day number (days since 1970-01-01 in UTC+7).
pub fn wib_day(ms: Millis) -> i64 {
    (ms + 7 * HOUR).div_euclid(DAY)
}

fn day_range(period: &Period) -> (i64, i64) {
    let (s, e) = period.bounds();
    (wib_day(s), wib_day(e))
}

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

pub use crate::error::{Result, StoreError};

// --- units ---

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Unit {
    pub org_id: i64,
    pub name: String,
    pub kind: String,
    pub code: String,
    #[serde(skip)]
    pub path: String,
    pub services: Vec<String>,
}

impl Unit {
    pub fn org_ref(&self) -> anjungan_kernel::orgs::domain::OrgRef {
        anjungan_kernel::orgs::domain::OrgRef {
            id: self.org_id,
            path: self.path.clone(),
        }
    }
}

fn unit_from(r: &AnyRow) -> std::result::Result<Unit, sqlx::Error> {
    Ok(Unit {
        org_id: r.try_get("org_id")?,
        name: r.try_get("name")?,
        kind: r.try_get("kind")?,
        code: r.try_get("code")?,
        path: r.try_get("path")?,
        services: anjungan_kernel::db::json_column(r, "services")?,
    })
}

const UNIT_SQL: &str = "SELECT u.org_id, o.name, o.kind, o.code, o.path, u.services FROM survey_units u JOIN organisations o ON o.id = u.org_id";

pub async fn units(db: &Db) -> Result<Vec<Unit>> {
    let rows = sqlx::query(&format!("{UNIT_SQL} ORDER BY o.kind, o.name"))
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(unit_from)
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

pub async fn unit(db: &Db, org_id: i64) -> Result<Unit> {
    let row = sqlx::query(&format!("{UNIT_SQL} WHERE u.org_id = $1"))
        .bind(org_id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref()
        .map(unit_from)
        .transpose()?
        .ok_or(SurveyError::UnitNotFound.into())
}

/// Starts (or reconfigures) the survey for an organisation with its list of services.
pub async fn enable_unit(db: &Db, actor: &Actor, org_id: i64, services: &[String]) -> Result<()> {
    let now = now_ms();
    let services: Vec<String> = services
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .take(50)
        .collect();
    if services.iter().any(|s| s.chars().count() > 200) {
        return Err(SurveyError::ServiceTooLong.into());
    }
    let json = anjungan_kernel::db::json_text(&services)?;
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO survey_units (org_id, services, created_at, updated_at) VALUES ($1, $2, $3, $3) \
         ON CONFLICT (org_id) DO UPDATE SET services = excluded.services, updated_at = excluded.updated_at",
    )
    .bind(org_id)
    .bind(&json)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit::store::write(
        &mut tx,
        actor,
        &SurveyEvent::UnitEnabled {
            org_id,
            services: &services,
        },
    )
    .await
    .map_err(anjungan_kernel::Error::from)?;
    tx.commit().await?;
    Ok(())
}

// --- responses ---

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
    let mut q = sqlx::query(&sql);
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
        let mut q = sqlx::query(&sql);
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
    let rows = sqlx::query(&format!(
        "SELECT org_id, {SUMS} FROM survey_tallies WHERE day >= $1 AND day < $2 GROUP BY org_id"
    ))
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
    let row = sqlx::query(&format!(
        "SELECT {SUMS} FROM survey_tallies WHERE org_id = $1 AND day >= $2 AND day < $3 AND ($4 IS NULL OR service = $4)"
    ))
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
    let rows = sqlx::query(&format!(
        "SELECT service, {SUMS} FROM survey_tallies WHERE org_id = $1 AND day >= $2 AND day < $3 GROUP BY service ORDER BY service"
    ))
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

/// A respondent segment for the index, read from the raw rows.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct Segment {
    /// L or P
    pub sex: Option<String>,
    /// sd, smp, sma, diploma, s1, s2, s3
    pub education: Option<String>,
    /// pns, tni_polri, swasta, wirausaha, pelajar, lainnya
    pub occupation: Option<String>,
    /// An age band: `15-24`, `25-34`, `35-44`, `45-54`, `55-64` or `65+`.
    pub age: Option<String>,
    /// With `age_max`, another way to name an age band (`age_min=25&age_max=34`).
    pub age_min: Option<i64>,
    pub age_max: Option<i64>,
}

impl Segment {
    pub fn is_empty(&self) -> bool {
        self.sex.is_none()
            && self.education.is_none()
            && self.occupation.is_none()
            && self.age.is_none()
            && self.age_min.is_none()
            && self.age_max.is_none()
    }
    pub fn normalised(mut self) -> Self {
        for f in [
            &mut self.sex,
            &mut self.education,
            &mut self.occupation,
            &mut self.age,
        ] {
            if f.as_deref().is_some_and(|s| s.trim().is_empty()) {
                *f = None;
            }
        }
        self
    }
}

impl Segment {
    /// The one group this segment names (`None`: everyone). Segments are single groups, so that
    /// every figure that can be asked for is one that the disclosure rules have judged.
    pub fn group(&self) -> std::result::Result<Option<Group>, SurveyError> {
        let s = self.clone().normalised();
        let mut named = Vec::new();
        if let Some(v) = &s.sex {
            let sex = crate::domain::Sex::parse(v)
                .ok_or(SurveyError::Profile(crate::domain::ProfileError::Sex))?;
            named.push(Group::new(Dimension::Sex, sex.code()));
        }
        if let Some(v) = &s.education {
            let e = crate::domain::Education::parse(v)
                .ok_or(SurveyError::Profile(crate::domain::ProfileError::Education))?;
            named.push(Group::new(Dimension::Education, e.code()));
        }
        if let Some(v) = &s.occupation {
            let o = crate::domain::Occupation::parse(v).ok_or(SurveyError::Profile(
                crate::domain::ProfileError::Occupation,
            ))?;
            named.push(Group::new(Dimension::Occupation, o.code()));
        }
        let band = match (&s.age, s.age_min, s.age_max) {
            (None, None, None) => None,
            (Some(label), None, None) => Some(age_band(label).ok_or(SurveyError::SegmentAge)?),
            (None, Some(lo), Some(hi)) => Some((lo, hi)),
            _ => return Err(SurveyError::SegmentAge),
        };
        if let Some((lo, hi)) = band {
            let label = band_of(lo)
                .filter(|l| age_band(l) == Some((lo, hi)))
                .ok_or(SurveyError::SegmentAge)?;
            named.push(Group::new(Dimension::Age, label));
        }
        match named.len() {
            0 => Ok(None),
            1 => Ok(named.pop()),
            _ => Err(SurveyError::SegmentOneGroup),
        }
    }

    /// The segment of exactly one group.
    pub fn of_group(g: &Group) -> Self {
        let mut s = Segment::default();
        match g.dimension {
            Dimension::Sex => s.sex = Some(g.value.clone()),
            Dimension::Education => s.education = Some(g.value.clone()),
            Dimension::Occupation => s.occupation = Some(g.value.clone()),
            Dimension::Age => (s.age_min, s.age_max) = g.age_range().unzip(),
        }
        s
    }
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

// --- served counts ---

/// The people served of every unit that entered a count for the period: (unit, served).
pub async fn served_all(db: &Db, period: &Period) -> Result<Vec<(i64, i64)>> {
    let rows = sqlx::query("SELECT org_id, served FROM survey_served WHERE period = $1")
        .bind(period.key())
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok((r.try_get("org_id")?, r.try_get("served")?))
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

pub async fn served(db: &Db, org_id: i64, period: &Period) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT served FROM survey_served WHERE org_id = $1 AND period = $2")
            .bind(org_id)
            .bind(period.key())
            .fetch_optional(&db.pool)
            .await?,
    )
}

pub async fn set_served(
    db: &Db,
    actor: &Actor,
    org_id: i64,
    period: &Period,
    served: i64,
) -> Result<()> {
    if !(0..=10_000_000).contains(&served) {
        return Err(SurveyError::BadServed.into());
    }
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO survey_served (org_id, period, served, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (org_id, period) DO UPDATE SET served = excluded.served, updated_at = excluded.updated_at",
    )
    .bind(org_id)
    .bind(period.key())
    .bind(served)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    audit::store::write(
        &mut tx,
        actor,
        &SurveyEvent::ServedSet {
            org_id,
            period,
            served,
        },
    )
    .await
    .map_err(anjungan_kernel::Error::from)?;
    tx.commit().await?;
    Ok(())
}

// --- invitations ---

/// Creates a one-use link token for a unit (valid 30 days); `reference` (e.g. a request number)
/// makes it idempotent: one invitation per reference.
/// Sends a new invitation's link through the outbox, in the same transaction.
pub struct Delivery<'a> {
    pub keys: &'a anjungan_kernel::crypto::Keys,
    pub channel: anjungan_kernel::outbox::domain::Channel,
    pub recipient: String,
    pub subject: String,
    /// Message text; `{link}` is replaced by the survey link.
    pub body: String,
    pub base_url: &'a str,
}

pub fn invitation_link(base_url: &str, token: &str) -> String {
    format!("{}/ikm/undangan/{token}", base_url.trim_end_matches('/'))
}

pub async fn create_invitation(
    db: &Db,
    actor: &Actor,
    org_id: i64,
    service: &str,
    reference: Option<&str>,
    delivery: Option<Delivery<'_>>,
) -> Result<Option<String>> {
    let token = anjungan_kernel::crypto::random_token(18);
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let res = sqlx::query(
        "INSERT INTO survey_invitations (token_hash, org_id, service, reference, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(anjungan_kernel::crypto::token_hash(&token))
    .bind(org_id)
    .bind(service.trim())
    .bind(reference.map(str::trim).filter(|r| !r.is_empty()))
    .bind(now)
    .bind(now + 30 * DAY)
    .execute(&mut *tx)
    .await;
    match res {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    audit::store::write(
        &mut tx,
        actor,
        &SurveyEvent::Invited {
            org_id,
            reference,
            sent: delivery.as_ref().map(|d| d.channel),
        },
    )
    .await
    .map_err(anjungan_kernel::Error::from)?;
    if let Some(d) = delivery {
        let message = anjungan_kernel::outbox::domain::NewMessage {
            channel: d.channel,
            recipient: d.recipient,
            subject: d.subject,
            body: d
                .body
                .replace("{link}", &invitation_link(d.base_url, &token)),
        };
        anjungan_kernel::outbox::store::enqueue(&mut tx, d.keys, &message).await?;
    }
    tx.commit().await?;
    Ok(Some(token))
}

/// The unit and service of a live invitation.
pub async fn invitation(db: &Db, token: &str) -> Result<Option<(i64, String)>> {
    let row = sqlx::query("SELECT org_id, service FROM survey_invitations WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2")
        .bind(anjungan_kernel::crypto::token_hash(token))
        .bind(now_ms())
        .fetch_optional(&db.pool)
        .await?;
    Ok(row
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok((r.try_get("org_id")?, r.try_get("service")?))
        })
        .transpose()?)
}

// --- extra questions ---

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ExtraQuestion {
    pub id: i64,
    pub text: String,
}

pub async fn extra_questions(db: &Db, org_id: i64) -> Result<Vec<ExtraQuestion>> {
    let rows = sqlx::query(
        "SELECT id, text FROM survey_extra_questions WHERE org_id = $1 AND active = 1 ORDER BY id",
    )
    .bind(org_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok(ExtraQuestion {
                id: r.try_get("id")?,
                text: r.try_get("text")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

pub async fn add_question(db: &Db, actor: &Actor, org_id: i64, text: &str) -> Result<i64> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 300 {
        return Err(SurveyError::QuestionText.into());
    }
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar("INSERT INTO survey_extra_questions (org_id, text, created_at) VALUES ($1, $2, $3) RETURNING id")
        .bind(org_id)
        .bind(text)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?;
    audit::store::write(
        &mut tx,
        actor,
        &SurveyEvent::QuestionAdded {
            org_id,
            question_id: id,
        },
    )
    .await
    .map_err(anjungan_kernel::Error::from)?;
    tx.commit().await?;
    Ok(id)
}

// --- follow-up actions ---

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Action {
    pub id: i64,
    pub element: String,
    pub period: String,
    pub action: String,
    pub owner: String,
    pub due_date: Option<String>,
    pub status: String,
}

impl Action {
    pub fn element(&self) -> Option<Element> {
        Element::parse(&self.element)
    }
}

pub async fn actions(db: &Db, org_id: i64) -> Result<Vec<Action>> {
    let rows = sqlx::query("SELECT id, element, period, action, owner, due_date, status FROM survey_actions WHERE org_id = $1 ORDER BY id DESC")
        .bind(org_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok(Action {
                id: r.try_get("id")?,
                element: r.try_get("element")?,
                period: r.try_get("period")?,
                action: r.try_get("action")?,
                owner: r.try_get("owner")?,
                due_date: r.try_get("due_date")?,
                status: r.try_get("status")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

pub async fn add_action(
    db: &Db,
    actor: &Actor,
    org_id: i64,
    period: &Period,
    a: &ActionDraft,
) -> Result<i64> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO survey_actions (org_id, element, period, action, owner, due_date, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $7) RETURNING id",
    )
    .bind(org_id)
    .bind(a.element.code())
    .bind(period.key())
    .bind(&a.text)
    .bind(&a.owner)
    .bind(a.due.map(|d| d.to_string()))
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    audit::store::write(
        &mut tx,
        actor,
        &SurveyEvent::ActionAdded {
            id,
            element: a.element,
            period,
        },
    )
    .await
    .map_err(anjungan_kernel::Error::from)?;
    tx.commit().await?;
    Ok(id)
}

pub async fn complete_action(db: &Db, actor: &Actor, org_id: i64, id: i64) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let n = sqlx::query("UPDATE survey_actions SET status = 'done', updated_at = $1 WHERE id = $2 AND org_id = $3 AND status = 'open'")
        .bind(now_ms())
        .bind(id)
        .bind(org_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(anjungan_kernel::Error::NotFound.into());
    }
    audit::store::write(&mut tx, actor, &SurveyEvent::ActionDone { id })
        .await
        .map_err(anjungan_kernel::Error::from)?;
    tx.commit().await?;
    Ok(())
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

/// Rebuilds every daily rollup from the raw responses (after a bulk import or a repair).
pub async fn rebuild_tallies(db: &Db, actor: &Actor) -> Result<()> {
    let day = "((submitted_at + 25200000) / 86400000)";
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM survey_tallies")
        .execute(&mut *tx)
        .await?;
    sqlx::query(&format!(
        "INSERT INTO survey_tallies (org_id, service, day, n, s1, s2, s3, s4, s5, s6, s7, s8, s9, c1, c2, c3, c4, c5, c6, c7, c8, c9) \
         SELECT org_id, service, {day}, COUNT(*), \
         CAST(COALESCE(SUM(u1),0) AS BIGINT), CAST(COALESCE(SUM(u2),0) AS BIGINT), CAST(COALESCE(SUM(u3),0) AS BIGINT), \
         CAST(COALESCE(SUM(u4),0) AS BIGINT), CAST(COALESCE(SUM(u5),0) AS BIGINT), CAST(COALESCE(SUM(u6),0) AS BIGINT), \
         CAST(COALESCE(SUM(u7),0) AS BIGINT), CAST(COALESCE(SUM(u8),0) AS BIGINT), CAST(COALESCE(SUM(u9),0) AS BIGINT), \
         COUNT(u1), COUNT(u2), COUNT(u3), COUNT(u4), COUNT(u5), COUNT(u6), COUNT(u7), COUNT(u8), COUNT(u9) \
         FROM survey_responses GROUP BY org_id, service, {day}"
    ))
    .execute(&mut *tx)
    .await?;
    audit::store::write(&mut tx, actor, &SurveyEvent::TalliesRebuilt)
        .await
        .map_err(anjungan_kernel::Error::from)?;
    tx.commit().await?;
    Ok(())
}

//! The agenda: sessions (panels, talks) and stands on the floor plan.

use anjungan_kernel::db::{Conn, Db};
use sqlx::Row;

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = festival::Session)]
pub struct Session {
    pub id: i64,
    pub title: String,
    /// opening, panel, presentation, closing
    pub kind: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub place: String,
    /// Live stream or conference link, for speakers and visitors joining by video.
    pub stream_url: String,
    pub speakers: String,
    pub moderator: String,
    pub capacity: Option<i64>,
}

pub async fn sessions(db: &Db, edition_id: i64) -> anjungan_kernel::Result<Vec<Session>> {
    let rows = sqlx::query(
        "SELECT id, title, kind, starts_at, ends_at, place, stream_url, speakers, moderator, capacity FROM festival_sessions WHERE edition_id = $1 ORDER BY starts_at, id",
    )
    .bind(edition_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(session_from)
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// A session from a row that holds its columns by name.
pub(crate) fn session_from(r: &sqlx::any::AnyRow) -> std::result::Result<Session, sqlx::Error> {
    Ok(Session {
        id: r.try_get("id")?,
        title: r.try_get("title")?,
        kind: r.try_get("kind")?,
        starts_at: r.try_get("starts_at")?,
        ends_at: r.try_get("ends_at")?,
        place: r.try_get("place")?,
        stream_url: r.try_get("stream_url")?,
        speakers: r.try_get("speakers")?,
        moderator: r.try_get("moderator")?,
        capacity: r.try_get("capacity")?,
    })
}

pub async fn insert_session(
    conn: &mut Conn,
    edition_id: i64,
    s: &Session,
) -> anjungan_kernel::Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO festival_sessions (edition_id, title, kind, starts_at, ends_at, place, stream_url, speakers, moderator, capacity) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(edition_id)
    .bind(&s.title)
    .bind(&s.kind)
    .bind(s.starts_at)
    .bind(s.ends_at)
    .bind(&s.place)
    .bind(&s.stream_url)
    .bind(&s.speakers)
    .bind(&s.moderator)
    .bind(s.capacity)
    .fetch_one(&mut *conn)
    .await?)
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = festival::Stand)]
pub struct Stand {
    pub number: String,
    pub organisation_id: i64,
    pub organisation: String,
    pub x: i64,
    pub y: i64,
}

pub async fn stands(db: &Db, edition_id: i64) -> anjungan_kernel::Result<Vec<Stand>> {
    let rows = sqlx::query(
        "SELECT s.number, s.org_id, o.name, s.x, s.y FROM festival_stands s JOIN organisations o ON o.id = s.org_id \
         WHERE s.edition_id = $1 ORDER BY s.y, s.x, s.number",
    )
    .bind(edition_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok(Stand {
                number: r.try_get("number")?,
                organisation_id: r.try_get("org_id")?,
                organisation: r.try_get("name")?,
                x: r.try_get("x")?,
                y: r.try_get("y")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// Inserts a stand; `Ok(false)` when the number is already used in the edition (the caller's
/// transaction is then spoiled on PostgreSQL and must not be committed).
pub async fn insert_stand(
    conn: &mut Conn,
    edition_id: i64,
    number: &str,
    org_id: i64,
    x: i64,
    y: i64,
) -> anjungan_kernel::Result<bool> {
    let res = sqlx::query("INSERT INTO festival_stands (edition_id, number, org_id, x, y) VALUES ($1, $2, $3, $4, $5)")
        .bind(edition_id)
        .bind(number)
        .bind(org_id)
        .bind(x)
        .bind(y)
        .execute(&mut *conn)
        .await;
    match res {
        Ok(_) => Ok(true),
        Err(e) if anjungan_kernel::db::is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

//! What the coordinator sets up besides the edition row: its phases replaced, its stages, its
//! speakers and who speaks at or moderates each session; and the sessions one visitor signed up
//! for, for their personal calendar.

use super::Session;
use crate::domain::phase::Phase;
use anjungan_kernel::clock::now_ms;
use anjungan_kernel::db::{Conn, Db};
use sqlx::Row;

/// Replaces the edition's phases.
pub async fn replace_phases(
    conn: &mut Conn,
    edition_id: i64,
    phases: &[Phase],
) -> anjungan_kernel::Result<()> {
    sqlx::query("DELETE FROM festival_phases WHERE edition_id = $1")
        .bind(edition_id)
        .execute(&mut *conn)
        .await?;
    super::editions::insert_phases(conn, edition_id, phases).await
}

/// Whether an edition with this number exists (read in the writing transaction).
pub async fn number_taken(conn: &mut Conn, number: i64) -> anjungan_kernel::Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM festival_editions WHERE number = $1")
        .bind(number)
        .fetch_one(&mut *conn)
        .await?;
    Ok(n > 0)
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = festival::Stage)]
pub struct Stage {
    pub id: i64,
    pub name: String,
    /// The stage's live stream, when it has one.
    pub stream_url: String,
}

pub async fn stages(db: &Db, edition_id: i64) -> anjungan_kernel::Result<Vec<Stage>> {
    let rows = sqlx::query(
        "SELECT id, name, stream_url FROM festival_stages WHERE edition_id = $1 ORDER BY id",
    )
    .bind(edition_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok(Stage {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                stream_url: r.try_get("stream_url")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// Inserts a stage; `None` when its name is taken in the edition (checked first, so the
/// transaction stays usable on PostgreSQL).
pub async fn insert_stage(
    conn: &mut Conn,
    edition_id: i64,
    name: &str,
    stream_url: &str,
) -> anjungan_kernel::Result<Option<i64>> {
    let taken: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM festival_stages WHERE edition_id = $1 AND LOWER(name) = LOWER($2)",
    )
    .bind(edition_id)
    .bind(name)
    .fetch_one(&mut *conn)
    .await?;
    if taken > 0 {
        return Ok(None);
    }
    Ok(Some(
        sqlx::query_scalar(
            "INSERT INTO festival_stages (edition_id, name, stream_url) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(edition_id)
        .bind(name)
        .bind(stream_url)
        .fetch_one(&mut *conn)
        .await?,
    ))
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = festival::Speaker)]
pub struct Speaker {
    pub id: i64,
    pub name: String,
    pub affiliation: String,
    pub bio: String,
    /// The photo's public address, when there is one.
    pub photo_url: Option<String>,
}

const SPEAKER_COLS: &str = "id, name, affiliation, bio, photo";

fn speaker_from(r: &sqlx::any::AnyRow) -> std::result::Result<Speaker, sqlx::Error> {
    let photo: String = r.try_get("photo")?;
    Ok(Speaker {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        affiliation: r.try_get("affiliation")?,
        bio: r.try_get("bio")?,
        photo_url: (!photo.is_empty()).then(|| format!("/berkas/{photo}")),
    })
}

pub async fn speakers(db: &Db, edition_id: i64) -> anjungan_kernel::Result<Vec<Speaker>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {SPEAKER_COLS} FROM festival_speakers WHERE edition_id = $1 ORDER BY name, id"
    )))
    .bind(edition_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(speaker_from)
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

pub async fn speaker(
    db: &Db,
    edition_id: i64,
    id: i64,
) -> anjungan_kernel::Result<Option<Speaker>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {SPEAKER_COLS} FROM festival_speakers WHERE edition_id = $1 AND id = $2"
    )))
    .bind(edition_id)
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.as_ref().map(speaker_from).transpose()?)
}

pub async fn insert_speaker(
    conn: &mut Conn,
    edition_id: i64,
    s: &crate::domain::setup::SpeakerDraft,
    photo: &str,
) -> anjungan_kernel::Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO festival_speakers (edition_id, name, affiliation, bio, photo, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(edition_id)
    .bind(&s.name)
    .bind(&s.affiliation)
    .bind(&s.bio)
    .bind(photo)
    .bind(now_ms())
    .fetch_one(&mut *conn)
    .await?)
}

/// The names of the edition's speakers among `ids`, in the order asked (unknown ids are left
/// out, so the caller can tell).
pub async fn speaker_names(
    conn: &mut Conn,
    edition_id: i64,
    ids: &[i64],
) -> anjungan_kernel::Result<Vec<(i64, String)>> {
    let mut out = Vec::new();
    for id in ids {
        let name: Option<String> = sqlx::query_scalar(
            "SELECT name FROM festival_speakers WHERE edition_id = $1 AND id = $2",
        )
        .bind(edition_id)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(name) = name {
            out.push((*id, name));
        }
    }
    Ok(out)
}

pub async fn insert_person(
    conn: &mut Conn,
    session_id: i64,
    speaker_id: i64,
    role: &str,
) -> anjungan_kernel::Result<()> {
    sqlx::query(
        "INSERT INTO festival_session_people (session_id, speaker_id, role) VALUES ($1, $2, $3)",
    )
    .bind(session_id)
    .bind(speaker_id)
    .bind(role)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Who speaks at or moderates each session of the edition: (session, speaker, role).
pub async fn people(db: &Db, edition_id: i64) -> anjungan_kernel::Result<Vec<(i64, i64, String)>> {
    let rows = sqlx::query(
        "SELECT p.session_id, p.speaker_id, p.role FROM festival_session_people p \
         JOIN festival_sessions s ON s.id = p.session_id WHERE s.edition_id = $1 \
         ORDER BY p.session_id, p.role DESC, p.speaker_id",
    )
    .bind(edition_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok((
                r.try_get("session_id")?,
                r.try_get("speaker_id")?,
                r.try_get("role")?,
            ))
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// The sessions a visitor signed up for, across editions: (edition number, its venue, session).
pub async fn signed_up_sessions(
    db: &Db,
    user_id: i64,
) -> anjungan_kernel::Result<Vec<(i64, String, Session)>> {
    let rows = sqlx::query(
        "SELECT e.number, e.venue, s.id, s.title, s.kind, s.starts_at, s.ends_at, s.place, s.stream_url, s.speakers, s.moderator, s.capacity \
         FROM festival_signups u JOIN festival_sessions s ON s.id = u.session_id \
         JOIN festival_editions e ON e.id = s.edition_id WHERE u.user_id = $1 ORDER BY s.starts_at, s.id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok((
                r.try_get("number")?,
                r.try_get("venue")?,
                super::agenda::session_from(r)?,
            ))
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// The edition's phases, read in the writing transaction.
pub async fn phases_in(conn: &mut Conn, edition_id: i64) -> anjungan_kernel::Result<Vec<Phase>> {
    let rows = sqlx::query("SELECT kind, starts_at, ends_at, voting FROM festival_phases WHERE edition_id = $1 ORDER BY starts_at")
        .bind(edition_id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows
        .iter()
        .filter_map(super::editions::phase_from)
        .collect())
}

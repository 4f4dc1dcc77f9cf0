//! Editions of the festival with their phases.

use crate::domain::phase::{Phase, PhaseKind};

use anjungan_kernel::clock::now_ms;
use anjungan_kernel::db::{Conn, Db};
use sqlx::Row;

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = festival::Edition)]
pub struct Edition {
    #[serde(skip)]
    pub id: i64,
    pub number: i64,
    pub year: i64,
    pub theme: String,
    pub venue: String,
    pub starts_on: String,
    pub ends_on: String,
    /// in_person, hybrid or virtual
    pub mode: String,
    /// How many editions one innovation may be entered in.
    pub entry_limit: i64,
    /// Jurors do not see which agency an entry comes from.
    pub blind_review: bool,
    /// The proposal's sections with their word limits.
    pub proposal_sections: Vec<crate::domain::proposal::Section>,
}

pub struct NewEdition<'a> {
    pub number: i64,
    pub year: i64,
    pub theme: &'a str,
    pub venue: &'a str,
    pub starts_on: &'a str,
    pub ends_on: &'a str,
    pub mode: &'a str,
    pub entry_limit: i64,
    pub phases: Vec<Phase>,
}

/// Inserts an edition with its phases; returns its id.
pub async fn insert_edition(conn: &mut Conn, e: &NewEdition<'_>) -> anjungan_kernel::Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO festival_editions (number, year, theme, venue, starts_on, ends_on, mode, entry_limit, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(e.number)
    .bind(e.year)
    .bind(e.theme)
    .bind(e.venue)
    .bind(e.starts_on)
    .bind(e.ends_on)
    .bind(e.mode)
    .bind(e.entry_limit)
    .bind(now_ms())
    .fetch_one(&mut *conn)
    .await?;
    insert_phases(conn, id, &e.phases).await?;
    Ok(id)
}

/// Inserts the edition's phases.
pub async fn insert_phases(
    conn: &mut Conn,
    edition_id: i64,
    phases: &[Phase],
) -> anjungan_kernel::Result<()> {
    for p in phases {
        sqlx::query("INSERT INTO festival_phases (edition_id, kind, starts_at, ends_at, voting) VALUES ($1, $2, $3, $4, $5)")
            .bind(edition_id)
            .bind(p.kind.code())
            .bind(p.starts_at)
            .bind(p.ends_at)
            .bind(p.voting as i64)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

const EDITION_COLS: &str = "id, number, year, theme, venue, starts_on, ends_on, mode, entry_limit, blind_review, proposal_sections";

fn edition_from(r: &sqlx::any::AnyRow) -> std::result::Result<Edition, sqlx::Error> {
    Ok(Edition {
        id: r.try_get("id")?,
        number: r.try_get("number")?,
        year: r.try_get("year")?,
        theme: r.try_get("theme")?,
        venue: r.try_get("venue")?,
        starts_on: r.try_get("starts_on")?,
        ends_on: r.try_get("ends_on")?,
        mode: r.try_get("mode")?,
        entry_limit: r.try_get("entry_limit")?,
        blind_review: r.try_get::<i64, _>("blind_review")? != 0,
        // Editions from before sections were configurable hold '': the national default.
        proposal_sections: match r.try_get::<String, _>("proposal_sections")?.as_str() {
            "" => crate::domain::proposal::default_kipp(),
            text => anjungan_kernel::db::parse_json("proposal_sections", text)?,
        },
    })
}

pub async fn editions(db: &Db) -> anjungan_kernel::Result<Vec<Edition>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {EDITION_COLS} FROM festival_editions ORDER BY number DESC"
    )))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(edition_from)
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

pub async fn edition(db: &Db, number: i64) -> anjungan_kernel::Result<Option<Edition>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {EDITION_COLS} FROM festival_editions WHERE number = $1"
    )))
    .bind(number)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.as_ref().map(edition_from).transpose()?)
}

pub async fn phases(db: &Db, edition_id: i64) -> anjungan_kernel::Result<Vec<Phase>> {
    let rows = sqlx::query("SELECT kind, starts_at, ends_at, voting FROM festival_phases WHERE edition_id = $1 ORDER BY starts_at")
        .bind(edition_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows.iter().filter_map(phase_from).collect())
}

/// A phase from its row; a kind this version does not know is left out.
pub(crate) fn phase_from(r: &sqlx::any::AnyRow) -> Option<Phase> {
    Some(Phase {
        kind: PhaseKind::parse(&r.try_get::<String, _>("kind").ok()?)?,
        starts_at: r.try_get("starts_at").ok()?,
        ends_at: r.try_get("ends_at").ok()?,
        voting: r.try_get::<i64, _>("voting").ok()? != 0,
    })
}

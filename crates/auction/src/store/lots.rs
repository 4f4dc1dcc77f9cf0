//! Lots: registered at landing, put into a session, and the standing the session's events
//! project onto them.

use super::Result;
use crate::domain::AuctionError;
use crate::domain::catalogue::{Grade, LotInput};
use anjungan_kernel::Db;
use anjungan_kernel::clock::now_ms;
use anjungan_kernel::db::Conn;
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = auction::LotRow)]
pub struct LotRow {
    pub id: i64,
    pub port_id: i64,
    pub session_id: Option<i64>,
    pub species_code: String,
    pub species: String,
    pub fisher: String,
    pub boat: Option<String>,
    pub grams: i64,
    pub grade: Grade,
    pub landed_at: i64,
    pub start_price: i64,
    pub reserve: Option<i64>,
    /// registered, offered, open, sold or unsold.
    pub state: String,
    /// Standing or final price per kg.
    pub price: Option<i64>,
    pub buyer_id: Option<i64>,
    pub sold_grams: i64,
    pub bids: i64,
    pub ends_at: Option<i64>,
    /// Photos taken at landing: file digests, served at `/berkas/{sha256}`.
    pub photos: Vec<String>,
}

const SELECT: &str = "SELECT l.*, s.code AS species_code, s.local_name AS species, f.name AS fisher, b.name AS boat \
    FROM auction_lots l JOIN auction_species s ON s.id = l.species_id \
    JOIN auction_fishers f ON f.id = l.fisher_id LEFT JOIN auction_boats b ON b.id = l.boat_id";

fn from_row(r: &sqlx::any::AnyRow) -> std::result::Result<LotRow, sqlx::Error> {
    Ok(LotRow {
        id: r.try_get("id")?,
        port_id: r.try_get("port_id")?,
        session_id: r.try_get("session_id")?,
        species_code: r.try_get("species_code")?,
        species: r.try_get("species")?,
        fisher: r.try_get("fisher")?,
        boat: r.try_get("boat")?,
        grams: r.try_get("grams")?,
        grade: Grade::parse(r.try_get("grade")?).unwrap_or(Grade::B),
        landed_at: r.try_get("landed_at")?,
        start_price: r.try_get("start_price")?,
        reserve: r.try_get("reserve")?,
        state: r.try_get("state")?,
        price: r.try_get("price")?,
        buyer_id: r.try_get("buyer_id")?,
        sold_grams: r.try_get("sold_grams")?,
        bids: r.try_get("bids")?,
        ends_at: r.try_get("ends_at")?,
        photos: r
            .try_get::<String, _>("photo")?
            .split_whitespace()
            .map(str::to_string)
            .collect(),
    })
}

/// The port a fisher belongs to, if the fisher exists.
pub async fn fisher_port(conn: &mut Conn, fisher_id: i64) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT port_id FROM auction_fishers WHERE id = $1")
            .bind(fisher_id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// The fisher who owns a boat, if the boat exists.
pub async fn boat_owner(conn: &mut Conn, boat_id: i64) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT fisher_id FROM auction_boats WHERE id = $1")
            .bind(boat_id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

pub async fn species_exists(conn: &mut Conn, species_id: i64) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM auction_species WHERE id = $1")
        .bind(species_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(found.is_some())
}

/// Inserts a checked lot in the `registered` state; returns its id.
pub async fn insert(
    conn: &mut Conn,
    port_id: i64,
    lot: &LotInput,
    by: Option<i64>,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO auction_lots (port_id, species_id, fisher_id, boat_id, grams, grade, landed_at, start_price, reserve, state, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'registered', $10, $11, $11) RETURNING id",
    )
    .bind(port_id)
    .bind(lot.species_id)
    .bind(lot.fisher_id)
    .bind(lot.boat_id)
    .bind(lot.grams)
    .bind(lot.grade.code())
    .bind(lot.landed_at)
    .bind(lot.start_price)
    .bind(lot.reserve)
    .bind(by)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?)
}

pub async fn get(db: &Db, id: i64) -> Result<LotRow> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE l.id = $1")))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AuctionError::NotFound)?;
    Ok(from_row(&row)?)
}

pub async fn of_session(db: &Db, session_id: i64) -> Result<Vec<LotRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE l.session_id = $1 ORDER BY l.id"
    )))
    .bind(session_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(from_row)
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// Lots registered at the port and not yet in any session.
pub async fn waiting(db: &Db, port_id: i64) -> Result<Vec<LotRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE l.port_id = $1 AND l.session_id IS NULL AND l.state = 'registered' ORDER BY l.landed_at, l.id"
    )))
    .bind(port_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(from_row)
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// Marks a waiting lot as offered in a session; refuses one already taken.
pub async fn offer(db: &Db, lot_id: i64, session_id: i64, port_id: i64) -> Result<()> {
    let n = sqlx::query(
        "UPDATE auction_lots SET session_id = $2, state = 'offered', updated_at = $4 \
         WHERE id = $1 AND port_id = $3 AND session_id IS NULL AND state = 'registered'",
    )
    .bind(lot_id)
    .bind(session_id)
    .bind(port_id)
    .bind(now_ms())
    .execute(&db.pool)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(AuctionError::LotTaken.into());
    }
    Ok(())
}

/// Gives a lot back to the waiting list when the session refused it.
pub async fn unoffer(db: &Db, lot_id: i64, session_id: i64) -> Result<()> {
    sqlx::query(
        "UPDATE auction_lots SET session_id = NULL, state = 'registered', updated_at = $3 \
         WHERE id = $1 AND session_id = $2 AND state = 'offered'",
    )
    .bind(lot_id)
    .bind(session_id)
    .bind(now_ms())
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// A lot's photo list (digests separated by spaces) and its state, if the lot exists.
pub async fn photos(conn: &mut Conn, lot_id: i64) -> Result<Option<(String, String)>> {
    Ok(
        sqlx::query_as("SELECT photo, state FROM auction_lots WHERE id = $1")
            .bind(lot_id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

pub async fn set_photos(conn: &mut Conn, lot_id: i64, photos: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE auction_lots SET photo = $2, updated_at = $3 WHERE id = $1")
        .bind(lot_id)
        .bind(photos)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

//! Lots: registered at landing, put into a session, and the standing the session's events
//! project onto them.

use super::Result;
use crate::domain::AuctionError;
use crate::domain::audit::AuctionEvent;
use crate::domain::catalogue::{Grade, LotInput};
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::clock::now_ms;
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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

/// Registers a landed lot. Its fisher (and boat) must belong to the port.
pub async fn register(db: &Db, actor: &Actor, port_id: i64, lot: &LotInput) -> Result<i64> {
    lot.validate()?;
    let mut tx = db.begin_write().await?;
    let fisher_port: Option<i64> =
        sqlx::query_scalar("SELECT port_id FROM auction_fishers WHERE id = $1")
            .bind(lot.fisher_id)
            .fetch_optional(&mut *tx)
            .await?;
    if fisher_port != Some(port_id) {
        return Err(AuctionError::NoOwner.into());
    }
    if let Some(boat) = lot.boat_id {
        let owner: Option<i64> =
            sqlx::query_scalar("SELECT fisher_id FROM auction_boats WHERE id = $1")
                .bind(boat)
                .fetch_optional(&mut *tx)
                .await?;
        if owner != Some(lot.fisher_id) {
            return Err(AuctionError::NoOwner.into());
        }
    }
    let species: Option<i64> = sqlx::query_scalar("SELECT id FROM auction_species WHERE id = $1")
        .bind(lot.species_id)
        .fetch_optional(&mut *tx)
        .await?;
    if species.is_none() {
        return Err(AuctionError::BadSpecies.into());
    }
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
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
    .bind(actor.user_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    audit::store::write(
        &mut tx,
        actor,
        &AuctionEvent::LotRegistered {
            id,
            grams: lot.grams,
            species: lot.species_id,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
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

/// At most this many photos a lot.
pub const MAX_PHOTOS: usize = 3;

/// Adds a stored image to a lot's photos, until it is sold.
/// A photo shown on the public session page becomes a public file; only an image that the actor
/// uploaded (or one already public) can be used, so no private file is published by its digest.
pub async fn add_photo(db: &Db, actor: &Actor, lot_id: i64, sha256: &str) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let mime = anjungan_kernel::files::store::publish(&mut tx, actor.user_id, sha256).await?;
    if !mime.is_some_and(|m| m.starts_with("image/")) {
        return Err(AuctionError::BadPhoto.into());
    }
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT photo, state FROM auction_lots WHERE id = $1")
            .bind(lot_id)
            .fetch_optional(&mut *tx)
            .await?;
    let (photos, state) = row.ok_or(AuctionError::NotFound)?;
    if matches!(state.as_str(), "sold" | "unsold") {
        return Err(AuctionError::LotOver.into());
    }
    let mut list: Vec<&str> = photos.split_whitespace().collect();
    if list.contains(&sha256) {
        return Ok(());
    }
    if list.len() >= MAX_PHOTOS {
        return Err(AuctionError::TooManyPhotos.into());
    }
    list.push(sha256);
    sqlx::query("UPDATE auction_lots SET photo = $2, updated_at = $3 WHERE id = $1")
        .bind(lot_id)
        .bind(list.join(" "))
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    audit::store::write(
        &mut tx,
        actor,
        &AuctionEvent::LotPhotoAdded { id: lot_id, sha256 },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

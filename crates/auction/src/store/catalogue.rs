//! Ports with their levy rules, the species catalogue, fishers with their boats, and buyers
//! with their verification, deposit and credit.

use super::Result;
use crate::domain::AuctionError;
use crate::domain::catalogue::{BuyerStatus, blocked_by_debt};
use crate::domain::levy::LevyRules;
use anjungan_kernel::Db;
use anjungan_kernel::clock::now_ms;
use anjungan_kernel::crypto::Keys;
use anjungan_kernel::db::Conn;
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = auction::Port)]
pub struct Port {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub place: String,
    pub org_id: Option<i64>,
    pub min_buyers: i64,
    #[schema(value_type = Object)]
    pub levy: LevyRules,
}

fn port_from(r: &sqlx::any::AnyRow) -> std::result::Result<Port, sqlx::Error> {
    Ok(Port {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        place: r.try_get("place")?,
        org_id: r.try_get("org_id")?,
        min_buyers: r.try_get("min_buyers")?,
        // Money is owed by these rules: a rule set that does not parse is an error, never
        // silently the default.
        levy: anjungan_kernel::db::json_column(r, "levy")?,
    })
}

pub async fn ports(db: &Db) -> Result<Vec<Port>> {
    let rows = sqlx::query("SELECT * FROM auction_ports ORDER BY name")
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(port_from)
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

pub async fn port(db: &Db, id: i64) -> Result<Port> {
    let row = sqlx::query("SELECT * FROM auction_ports WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AuctionError::NotFound)?;
    Ok(port_from(&row)?)
}

/// A port as an administrator saves it.
pub struct PortInput<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub place: &'a str,
    pub org_id: Option<i64>,
    pub min_buyers: i64,
    pub levy: &'a LevyRules,
}

/// The id of the port with this code, if any.
pub async fn port_id(conn: &mut Conn, code: &str) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM auction_ports WHERE code = $1")
            .bind(code)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// A port's checked columns; the levy rules as JSON.
pub struct PortRow<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub place: &'a str,
    pub org_id: Option<i64>,
    pub levy_json: &'a str,
    pub min_buyers: i64,
}

pub async fn insert_port(conn: &mut Conn, p: &PortRow<'_>, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO auction_ports (code, name, place, org_id, levy, min_buyers, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(p.code)
    .bind(p.name)
    .bind(p.place)
    .bind(p.org_id)
    .bind(p.levy_json)
    .bind(p.min_buyers)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?)
}

/// Rewrites a port's columns (its code stays).
pub async fn update_port(conn: &mut Conn, id: i64, p: &PortRow<'_>) -> Result<()> {
    sqlx::query("UPDATE auction_ports SET name = $2, place = $3, org_id = $4, levy = $5, min_buyers = $6 WHERE id = $1")
        .bind(id)
        .bind(p.name)
        .bind(p.place)
        .bind(p.org_id)
        .bind(p.levy_json)
        .bind(p.min_buyers)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = auction::Species)]
pub struct Species {
    pub id: i64,
    /// FAO ASFIS 3-alpha code.
    pub code: String,
    pub local_name: String,
    pub english_name: String,
    pub scientific_name: String,
}

pub async fn species(db: &Db) -> Result<Vec<Species>> {
    let rows = sqlx::query("SELECT * FROM auction_species ORDER BY local_name")
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok(Species {
                id: r.try_get("id")?,
                code: r.try_get("code")?,
                local_name: r.try_get("local_name")?,
                english_name: r.try_get("english_name")?,
                scientific_name: r.try_get("scientific_name")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// The species with this (checked) ASFIS code, added if new; returns its id.
pub async fn upsert_species(
    db: &Db,
    code: &str,
    local: &str,
    english: &str,
    scientific: &str,
) -> Result<i64> {
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT id FROM auction_species WHERE code = $1")
            .bind(code)
            .fetch_optional(&db.pool)
            .await?;
    if let Some(id) = existing {
        return Ok(id);
    }
    Ok(sqlx::query_scalar(
        "INSERT INTO auction_species (code, local_name, english_name, scientific_name) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(code)
    .bind(local.trim())
    .bind(english.trim())
    .bind(scientific.trim())
    .fetch_one(&db.pool)
    .await?)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = auction::Fisher)]
pub struct Fisher {
    pub id: i64,
    pub port_id: i64,
    pub name: String,
    pub boats: Vec<Boat>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = auction::Boat)]
pub struct Boat {
    pub id: i64,
    pub name: String,
    /// Gross tonnage in tenths (`65` is 6.5 GT).
    pub gt_tenths: i64,
}

pub async fn add_fisher(
    db: &Db,
    keys: &Keys,
    port_id: i64,
    name: &str,
    phone: Option<&str>,
    user_id: Option<i64>,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO auction_fishers (port_id, user_id, name, phone_enc, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(port_id)
    .bind(user_id)
    .bind(name)
    .bind(phone.map(|p| keys.seal(p)))
    .bind(now_ms())
    .fetch_one(&db.pool)
    .await?)
}

pub async fn add_boat(db: &Db, fisher_id: i64, name: &str, gt_tenths: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO auction_boats (fisher_id, name, gt_tenths, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(fisher_id)
    .bind(name.trim())
    .bind(gt_tenths)
    .bind(now_ms())
    .fetch_one(&db.pool)
    .await?)
}

pub async fn fishers(db: &Db, port_id: i64) -> Result<Vec<Fisher>> {
    let rows = sqlx::query(
        "SELECT f.id, f.port_id, f.name, b.id AS boat_id, b.name AS boat_name, b.gt_tenths \
         FROM auction_fishers f LEFT JOIN auction_boats b ON b.fisher_id = f.id \
         WHERE f.port_id = $1 ORDER BY f.name, f.id, b.name",
    )
    .bind(port_id)
    .fetch_all(&db.pool)
    .await?;
    let mut out: Vec<Fisher> = Vec::new();
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        if out.last().is_none_or(|f| f.id != id) {
            out.push(Fisher {
                id,
                port_id: r.try_get("port_id")?,
                name: r.try_get("name")?,
                boats: Vec::new(),
            });
        }
        if let Some(boat_id) = r.try_get::<Option<i64>, _>("boat_id")? {
            let boat = Boat {
                id: boat_id,
                name: r.try_get("boat_name")?,
                gt_tenths: r.try_get("gt_tenths")?,
            };
            // The fisher of this row was pushed just above.
            if let Some(fisher) = out.last_mut() {
                fisher.boats.push(boat);
            }
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = auction::Buyer)]
pub struct Buyer {
    pub id: i64,
    pub port_id: i64,
    pub user_id: Option<i64>,
    pub name: String,
    pub business: String,
    pub status: BuyerStatus,
    pub deposit: i64,
    pub credit_limit: i64,
    /// Masked phone, e.g. `0812****789`.
    pub phone: String,
}

impl Buyer {
    /// What the buyer may have outstanding at once.
    pub fn limit(&self) -> i64 {
        self.deposit.saturating_add(self.credit_limit)
    }
}

fn buyer_from(r: &sqlx::any::AnyRow, keys: &Keys) -> std::result::Result<Buyer, sqlx::Error> {
    let phone = r
        .try_get::<Option<String>, _>("phone_enc")?
        .and_then(|s| keys.open(&s).ok())
        .map(|p| anjungan_kernel::crypto::mask(&p, 4, 3))
        .unwrap_or_default();
    Ok(Buyer {
        id: r.try_get("id")?,
        port_id: r.try_get("port_id")?,
        user_id: r.try_get("user_id")?,
        name: r.try_get("name")?,
        business: r.try_get("business")?,
        status: BuyerStatus::parse(r.try_get("status")?),
        deposit: r.try_get("deposit")?,
        credit_limit: r.try_get("credit_limit")?,
        phone,
    })
}

/// A buyer as they register at a port, before the port verifies them.
pub struct NewBuyer<'a> {
    pub port_id: i64,
    pub user_id: Option<i64>,
    pub name: &'a str,
    pub business: &'a str,
    pub phone: Option<&'a str>,
}

/// Inserts a pending buyer (phone already sealed); one registration per account and port.
pub async fn insert_buyer(
    conn: &mut Conn,
    b: &NewBuyer<'_>,
    phone_sealed: Option<String>,
    now: i64,
) -> Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO auction_buyers (port_id, user_id, name, business, phone_enc, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, 'pending', $6) RETURNING id",
    )
    .bind(b.port_id)
    .bind(b.user_id)
    .bind(b.name)
    .bind(b.business)
    .bind(phone_sealed)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| {
        if anjungan_kernel::db::is_unique_violation(&e) {
            crate::store::StoreError::Auction(AuctionError::AlreadyRegistered)
        } else {
            e.into()
        }
    })
}

/// Marks a buyer verified with its deposit and credit; false if there is no such buyer.
pub async fn set_verified(
    conn: &mut Conn,
    buyer_id: i64,
    deposit: i64,
    credit_limit: i64,
    by: Option<i64>,
    now: i64,
) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE auction_buyers SET identity_checked = 1, deposit = $2, credit_limit = $3, status = 'verified', \
         verified_by = $4, verified_at = $5 WHERE id = $1",
    )
    .bind(buyer_id)
    .bind(deposit)
    .bind(credit_limit)
    .bind(by)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(n > 0)
}

pub async fn buyers(db: &Db, keys: &Keys, port_id: i64) -> Result<Vec<Buyer>> {
    let rows = sqlx::query("SELECT * FROM auction_buyers WHERE port_id = $1 ORDER BY name")
        .bind(port_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(|r| buyer_from(r, keys))
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

pub async fn buyer(db: &Db, keys: &Keys, id: i64) -> Result<Buyer> {
    let row = sqlx::query("SELECT * FROM auction_buyers WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AuctionError::NotFound)?;
    Ok(buyer_from(&row, keys)?)
}

/// The buyer record of a signed-in user at a port.
pub async fn buyer_of_user(
    db: &Db,
    keys: &Keys,
    port_id: i64,
    user_id: i64,
) -> Result<Option<Buyer>> {
    let row = sqlx::query("SELECT * FROM auction_buyers WHERE port_id = $1 AND user_id = $2")
        .bind(port_id)
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|r| buyer_from(&r, keys)).transpose()?)
}

/// What a session needs to admit a buyer: limit, unpaid purchases outside the session, and
/// whether they are blocked (not verified, or debts past the payment window).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub buyer_id: i64,
    pub limit: i64,
    pub outside: i64,
    pub blocked: bool,
}

pub async fn standings(db: &Db, port_id: i64, session_id: i64) -> Result<Vec<Standing>> {
    let rows = sqlx::query(
        "SELECT b.id, b.status, b.deposit, b.credit_limit, \
         (SELECT CAST(COALESCE(SUM(s.value + COALESCE(s.buyer_levy, 0)), 0) AS BIGINT) FROM auction_sales s \
          WHERE s.buyer_id = b.id AND s.paid_at IS NULL AND s.session_id <> $2) AS outside, \
         (SELECT MIN(s.at) FROM auction_sales s WHERE s.buyer_id = b.id AND s.paid_at IS NULL) AS oldest \
         FROM auction_buyers b WHERE b.port_id = $1 AND b.status <> 'pending' ORDER BY b.id",
    )
    .bind(port_id)
    .bind(session_id)
    .fetch_all(&db.pool)
    .await?;
    let now = now_ms();
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok({
                let verified = BuyerStatus::parse(r.try_get("status")?) == BuyerStatus::Verified;
                Standing {
                    buyer_id: r.try_get("id")?,
                    limit: r
                        .try_get::<i64, _>("deposit")?
                        .saturating_add(r.try_get("credit_limit")?),
                    outside: r.try_get("outside")?,
                    blocked: !verified || blocked_by_debt(r.try_get("oldest")?, now),
                }
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

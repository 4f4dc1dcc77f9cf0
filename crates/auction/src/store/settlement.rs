//! Settlement: each sale gets its ticket (number, verification code, levy by the port's rules)
//! in the same transaction that records it; the cashier records payments; the fisher's payout
//! statement; a buyer's purchases.

use super::Result;
use crate::domain::levy::LevyRules;
use crate::domain::rules::Rules;
use crate::domain::settlement::{PayoutLine, levy_for, ticket_number};
use anjungan_kernel::Db;
use anjungan_kernel::db::{Conn, Tx};
use serde::Serialize;
use sqlx::Row;

/// Numbers the new sale's ticket and computes its levy: by the levy the session kept when it
/// was scheduled (the port's for sessions scheduled before sessions kept one).
pub(crate) async fn settle_sale(
    tx: &mut Tx,
    session_id: i64,
    sale_id: i64,
    lot_id: i64,
    value: i64,
    grams: i64,
    at: i64,
) -> Result<()> {
    let row = sqlx::query(
        "SELECT p.code, p.levy, b.gt_tenths FROM auction_lots l JOIN auction_ports p ON p.id = l.port_id \
         LEFT JOIN auction_boats b ON b.id = l.boat_id WHERE l.id = $1",
    )
    .bind(lot_id)
    .fetch_one(&mut **tx)
    .await?;
    let code: String = row.try_get("code")?;
    let session = sqlx::query("SELECT rules FROM auction_sessions WHERE id = $1")
        .bind(session_id)
        .fetch_one(&mut **tx)
        .await?;
    let kept: Rules = anjungan_kernel::db::json_column(&session, "rules")?;
    let rules: LevyRules = match kept.levy {
        Some(levy) => levy,
        None => anjungan_kernel::db::json_column(&row, "levy")?,
    };
    let (seller, buyer, detail) = match levy_for(&rules, value, grams, row.try_get("gt_tenths")?) {
        Ok(b) => (
            Some(b.seller_levy),
            Some(b.buyer_levy),
            serde_json::to_string(&b).unwrap_or_default(),
        ),
        // Left for the cashier to settle by hand, visibly.
        Err(e) => (
            None,
            None,
            serde_json::json!({"error": e.to_string()}).to_string(),
        ),
    };
    sqlx::query(
        "UPDATE auction_sales SET ticket_no = $2, ticket_code = $3, seller_levy = $4, buyer_levy = $5, levy = $6 WHERE id = $1",
    )
    .bind(sale_id)
    .bind(ticket_number(&code, &super::day_of(at), sale_id))
    .bind(anjungan_kernel::crypto::random_token(12))
    .bind(seller)
    .bind(buyer)
    .bind(detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = auction::Ticket)]
pub struct Ticket {
    pub id: i64,
    pub ticket_no: String,
    #[serde(skip)]
    pub code: String,
    pub session_id: i64,
    pub port: String,
    pub lot_id: i64,
    pub species: String,
    pub species_code: String,
    pub grams: i64,
    pub price: i64,
    pub value: i64,
    pub seller_levy: Option<i64>,
    pub buyer_levy: Option<i64>,
    pub buyer_id: i64,
    pub buyer: String,
    pub fisher: String,
    pub boat: Option<String>,
    pub at: i64,
    pub paid_at: Option<i64>,
}

impl Ticket {
    /// What the buyer pays the cashier: the hammer value and the buyer's levy.
    pub fn buyer_pays(&self) -> i64 {
        self.value + self.buyer_levy.unwrap_or(0)
    }
    pub fn seller_receives(&self) -> i64 {
        self.value - self.seller_levy.unwrap_or(0)
    }
}

const SELECT: &str = "SELECT s.id, s.ticket_no, s.ticket_code, s.session_id, p.name AS port, s.lot_id, sp.local_name AS species, \
    sp.code AS species_code, s.grams, s.price, s.value, s.seller_levy, s.buyer_levy, s.buyer_id, b.name AS buyer, \
    f.name AS fisher, bo.name AS boat, s.at, s.paid_at \
    FROM auction_sales s JOIN auction_lots l ON l.id = s.lot_id JOIN auction_ports p ON p.id = l.port_id \
    JOIN auction_species sp ON sp.id = l.species_id JOIN auction_buyers b ON b.id = s.buyer_id \
    JOIN auction_fishers f ON f.id = l.fisher_id LEFT JOIN auction_boats bo ON bo.id = l.boat_id";

fn from_row(r: &sqlx::any::AnyRow) -> std::result::Result<Ticket, sqlx::Error> {
    Ok(Ticket {
        id: r.try_get("id")?,
        ticket_no: r
            .try_get::<Option<String>, _>("ticket_no")?
            .unwrap_or_default(),
        code: r
            .try_get::<Option<String>, _>("ticket_code")?
            .unwrap_or_default(),
        session_id: r.try_get("session_id")?,
        port: r.try_get("port")?,
        lot_id: r.try_get("lot_id")?,
        species: r.try_get("species")?,
        species_code: r.try_get("species_code")?,
        grams: r.try_get("grams")?,
        price: r.try_get("price")?,
        value: r.try_get("value")?,
        seller_levy: r.try_get("seller_levy")?,
        buyer_levy: r.try_get("buyer_levy")?,
        buyer_id: r.try_get("buyer_id")?,
        buyer: r.try_get("buyer")?,
        fisher: r.try_get("fisher")?,
        boat: r.try_get("boat")?,
        at: r.try_get("at")?,
        paid_at: r.try_get("paid_at")?,
    })
}

pub async fn by_code(db: &Db, code: &str) -> Result<Option<Ticket>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE s.ticket_code = $1"
    )))
    .bind(code)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

pub async fn of_session(db: &Db, session_id: i64) -> Result<Vec<Ticket>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE s.session_id = $1 ORDER BY s.id"
    )))
    .bind(session_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(from_row)
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// Unpaid tickets of a port, oldest first, for the cashier.
pub async fn unpaid(db: &Db, port_id: i64) -> Result<Vec<Ticket>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE l.port_id = $1 AND s.paid_at IS NULL ORDER BY s.at, s.id"
    )))
    .bind(port_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(from_row)
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// Every ticket of a port's day (WIB), in order.
pub async fn of_port_day(db: &Db, port_id: i64, day: &str) -> Result<Vec<Ticket>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} JOIN auction_sessions se ON se.id = s.session_id WHERE se.port_id = $1 AND se.day = $2 ORDER BY s.id"
    )))
    .bind(port_id)
    .bind(day)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(from_row)
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// A buyer's purchases, newest first.
pub async fn of_buyer(db: &Db, buyer_id: i64) -> Result<Vec<Ticket>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE s.buyer_id = $1 ORDER BY s.at DESC, s.id DESC LIMIT 200"
    )))
    .bind(buyer_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(from_row)
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// A fisher's sales of a day, for the payout statement.
pub async fn payout_lines(db: &Db, fisher_id: i64, day: &str) -> Result<Vec<(Ticket, PayoutLine)>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} JOIN auction_sessions se ON se.id = s.session_id WHERE l.fisher_id = $1 AND se.day = $2 ORDER BY s.id"
    )))
    .bind(fisher_id)
    .bind(day)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            let t = from_row(r)?;
            let line = PayoutLine {
                ticket_no: t.ticket_no.clone(),
                value: t.value,
                seller_levy: t.seller_levy.unwrap_or(0),
            };
            Ok((t, line))
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// The cashier records that the buyer paid a ticket in full; returns it.
/// The port a sale was made at, if the sale exists.
pub async fn port_of_sale(db: &Db, sale_id: i64) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT l.port_id FROM auction_sales s JOIN auction_lots l ON l.id = s.lot_id WHERE s.id = $1",
    )
    .bind(sale_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// A fisher's port, name and account, for the payout statement.
pub async fn fisher_of_payout(
    db: &Db,
    fisher_id: i64,
) -> Result<Option<(i64, String, Option<i64>)>> {
    Ok(
        sqlx::query_as("SELECT port_id, name, user_id FROM auction_fishers WHERE id = $1")
            .bind(fisher_id)
            .fetch_optional(&db.pool)
            .await?,
    )
}

/// Marks a sale of the port paid; false if it is not the port's or is already paid.
pub async fn mark_paid(
    conn: &mut Conn,
    sale_id: i64,
    port_id: i64,
    by: Option<i64>,
    now: i64,
) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE auction_sales SET paid_at = $2, paid_by = $3 WHERE id = $1 AND paid_at IS NULL \
         AND lot_id IN (SELECT id FROM auction_lots WHERE port_id = $4)",
    )
    .bind(sale_id)
    .bind(now)
    .bind(by)
    .bind(port_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(n > 0)
}

/// One sale's ticket.
pub async fn ticket(db: &Db, sale_id: i64) -> Result<Ticket> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE s.id = $1")))
        .bind(sale_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(from_row(&row)?)
}

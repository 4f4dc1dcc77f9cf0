//! Sessions, their journal (the ordered command stream, appended and never changed) and the
//! projection of the engine's events onto lots, sales and the session row — written in the
//! same transaction as the journal, so what a page shows never runs ahead of what is durable.

use super::Result;
use crate::domain::AuctionError;
use crate::domain::engine::{Command, Event, Numbered, Unsold};
use crate::domain::levy::LevyRules;
use crate::domain::rules::{Format, Rules};
use anjungan_kernel::clock::now_ms;
use anjungan_kernel::db::{Conn, Tx};
use anjungan_kernel::{Backend, Db};
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = auction::SessionRow)]
pub struct SessionRow {
    pub id: i64,
    pub port_id: i64,
    pub port_name: String,
    pub day: String,
    pub starts_at: i64,
    pub auctioneer_id: Option<i64>,
    pub format: Format,
    #[schema(value_type = Object)]
    pub rules: Rules,
    /// scheduled, open, paused or closed.
    pub state: String,
    pub seq: i64,
    pub last_event: i64,
}

const SELECT: &str = "SELECT s.*, p.name AS port_name FROM auction_sessions s JOIN auction_ports p ON p.id = s.port_id";

fn from_row(r: &sqlx::any::AnyRow) -> std::result::Result<SessionRow, sqlx::Error> {
    let rules: Rules = anjungan_kernel::db::json_column(r, "rules")?;
    Ok(SessionRow {
        id: r.try_get("id")?,
        port_id: r.try_get("port_id")?,
        port_name: r.try_get("port_name")?,
        day: r.try_get("day")?,
        starts_at: r.try_get("starts_at")?,
        auctioneer_id: r.try_get("auctioneer_id")?,
        format: rules.format,
        rules,
        state: r.try_get("state")?,
        seq: r.try_get("seq")?,
        last_event: r.try_get("last_event")?,
    })
}

/// A port's levy rules as they stand now, if the port exists.
pub async fn port_levy(conn: &mut Conn, port_id: i64) -> Result<Option<LevyRules>> {
    let row = sqlx::query("SELECT levy FROM auction_ports WHERE id = $1")
        .bind(port_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row
        .map(|r| anjungan_kernel::db::json_column(&r, "levy"))
        .transpose()?)
}

/// Inserts a checked session in the `scheduled` state; returns its id.
pub async fn insert(
    conn: &mut Conn,
    port_id: i64,
    starts_at: i64,
    auctioneer: Option<i64>,
    rules: &Rules,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO auction_sessions (port_id, day, starts_at, auctioneer_id, format, rules, state, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'scheduled', $7) RETURNING id",
    )
    .bind(port_id)
    .bind(super::day_of(starts_at))
    .bind(starts_at)
    .bind(auctioneer)
    .bind(rules.format.code())
    .bind(anjungan_kernel::db::json_text(rules)?)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?)
}

pub async fn get(db: &Db, id: i64) -> Result<SessionRow> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE s.id = $1")))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AuctionError::NotFound)?;
    Ok(from_row(&row)?)
}

/// Sessions of a day, optionally of one port, in start order.
pub async fn of_day(db: &Db, day: &str, port: Option<i64>) -> Result<Vec<SessionRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE s.day = $1 AND ($2 = 0 OR s.port_id = $2) ORDER BY s.starts_at, s.id"
    )))
    .bind(day)
    .bind(port.unwrap_or(0))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(from_row)
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// The latest sessions of a port, newest first.
pub async fn recent(db: &Db, port_id: i64, limit: i64) -> Result<Vec<SessionRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE s.port_id = $1 ORDER BY s.starts_at DESC, s.id DESC LIMIT $2"
    )))
    .bind(port_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(from_row)
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// Sessions that were open or paused when a node stopped: their sequencers start again.
pub async fn live_ids(db: &Db) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM auction_sessions WHERE state IN ('open', 'paused') ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await?)
}

/// One journal entry: the command as the sequencer applied it, at the time it assigned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub seq: i64,
    pub at: i64,
    pub command: Command,
    pub by_user: Option<i64>,
}

pub async fn journal_since(conn: &mut Conn, session_id: i64, after: i64) -> Result<Vec<Entry>> {
    let rows = sqlx::query("SELECT seq, at, command, by_user FROM auction_journal WHERE session_id = $1 AND seq > $2 ORDER BY seq")
        .bind(session_id)
        .bind(after)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| -> Result<Entry> {
            let command = serde_json::from_str(r.try_get::<&str, _>("command")?).map_err(|_| {
                anjungan_kernel::Error::Internal(anyhow::anyhow!("unreadable journal entry"))
            })?;
            Ok(Entry {
                seq: r.try_get("seq")?,
                at: r.try_get("at")?,
                command,
                by_user: r.try_get("by_user")?,
            })
        })
        .collect()
}

/// Opens the session's append transaction, holding its row so one node appends at a time, and
/// returns it with the journal's current length.
pub async fn lock(db: &Db, session_id: i64) -> Result<(Tx, i64)> {
    let mut tx = db.begin_write().await?;
    let lock = match db.backend {
        Backend::Postgres => " FOR UPDATE",
        Backend::Sqlite => "",
    };
    let seq: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT seq FROM auction_sessions WHERE id = $1{lock}"
    )))
    .bind(session_id)
    .fetch_optional(&mut *tx)
    .await?;
    Ok((tx, seq.ok_or(AuctionError::NotFound)?))
}

pub async fn append(tx: &mut Tx, session_id: i64, node: &str, entries: &[Entry]) -> Result<()> {
    // One statement per chunk: a batch of bids costs one round trip, not one per bid.
    for chunk in entries.chunks(200) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let b = i * 5;
                format!(
                    "($1, ${}, ${}, ${}, ${}, ${})",
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO auction_journal (session_id, seq, at, command, by_user, node) VALUES {}",
            values.join(", ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(session_id);
        for e in chunk {
            q = q
                .bind(e.seq)
                .bind(e.at)
                .bind(anjungan_kernel::db::json_text(&e.command)?)
                .bind(e.by_user)
                .bind(node);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// The standing a batch of bids leaves on one lot.
struct Standing {
    lot: i64,
    price: i64,
    leader: i64,
    ends_at: i64,
    bids: i64,
}

/// Writes the lots' standings after a run of bids in one statement per chunk of lots.
async fn flush_bids(tx: &mut Tx, pending: &mut Vec<Standing>, now: i64) -> Result<()> {
    for chunk in pending.chunks(100) {
        let (mut price, mut leader, mut ends, mut bids, mut ids) = (
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            Vec::new(),
        );
        for i in 0..chunk.len() {
            let b = i * 5 + 2;
            price.push_str(&format!(" WHEN ${b} THEN ${}", b + 1));
            leader.push_str(&format!(" WHEN ${b} THEN ${}", b + 2));
            ends.push_str(&format!(" WHEN ${b} THEN ${}", b + 3));
            bids.push_str(&format!(" WHEN ${b} THEN ${}", b + 4));
            ids.push(format!("${b}"));
        }
        let sql = format!(
            "UPDATE auction_lots SET price = CASE id{price} END, buyer_id = CASE id{leader} END, \
             ends_at = CASE id{ends} END, bids = bids + CASE id{bids} END, updated_at = $1 WHERE id IN ({})",
            ids.join(", ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(now);
        for st in chunk {
            q = q
                .bind(st.lot)
                .bind(st.price)
                .bind(st.leader)
                .bind(st.ends_at)
                .bind(st.bids);
        }
        q.execute(&mut **tx).await?;
    }
    pending.clear();
    Ok(())
}

/// Writes what the events change onto the lots, sales and session row.
pub async fn project(tx: &mut Tx, session_id: i64, events: &[Numbered], seq: i64) -> Result<()> {
    let now = now_ms();
    let mut pending: Vec<Standing> = Vec::new();
    for n in events {
        if let Event::Bid {
            lot,
            price,
            leader,
            ends_at,
            ..
        } = &n.event
        {
            match pending.iter_mut().find(|p| p.lot == lot.0) {
                Some(p) => {
                    (p.price, p.leader, p.ends_at) = (*price, leader.0, *ends_at);
                    p.bids += 1;
                }
                None => pending.push(Standing {
                    lot: lot.0,
                    price: *price,
                    leader: leader.0,
                    ends_at: *ends_at,
                    bids: 1,
                }),
            }
            continue;
        }
        // Anything else is written in order after the bids before it.
        flush_bids(tx, &mut pending, now).await?;
        let q = match &n.event {
            Event::LotAdded { lot } => sqlx::query(
                "UPDATE auction_lots SET session_id = $2, state = 'offered', updated_at = $3 WHERE id = $1",
            )
            .bind(lot.0)
            .bind(session_id)
            .bind(now),
            Event::LotOpened { lot, ends_at, .. } => sqlx::query(
                "UPDATE auction_lots SET state = 'open', price = NULL, ends_at = $2, updated_at = $3 WHERE id = $1",
            )
            .bind(lot.0)
            .bind(*ends_at)
            .bind(now),
            Event::ClockStarted { lot, price, .. } => sqlx::query(
                "UPDATE auction_lots SET state = 'open', price = $2, updated_at = $3 WHERE id = $1",
            )
            .bind(lot.0)
            .bind(*price)
            .bind(now),
            Event::Filled { lot, buyer, grams, price, at } | Event::Sold { lot, buyer, grams, price, at } => {
                let value = crate::domain::rules::value(*price, *grams);
                let sale_id: i64 = sqlx::query_scalar(
                    "INSERT INTO auction_sales (event_n, session_id, lot_id, buyer_id, grams, price, value, at, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                )
                .bind(n.n as i64)
                .bind(session_id)
                .bind(lot.0)
                .bind(buyer.0)
                .bind(*grams)
                .bind(*price)
                .bind(value)
                .bind(*at)
                .bind(now)
                .fetch_one(&mut **tx)
                .await?;
                super::settlement::settle_sale(tx, session_id, sale_id, lot.0, value, *grams, *at).await?;
                let sold = matches!(n.event, Event::Sold { .. });
                sqlx::query(
                    "UPDATE auction_lots SET sold_grams = sold_grams + $2, price = $3, buyer_id = $4, \
                     state = CASE WHEN $5 = 1 OR sold_grams + $2 >= grams THEN 'sold' ELSE state END, \
                     bids = bids + (1 - $5), updated_at = $6 WHERE id = $1",
                )
                .bind(lot.0)
                .bind(*grams)
                .bind(*price)
                .bind(buyer.0)
                .bind(sold as i64)
                .bind(now)
            }
            Event::Unsold { lot, .. } => sqlx::query(
                "UPDATE auction_lots SET state = CASE WHEN sold_grams > 0 THEN 'sold' ELSE 'unsold' END, \
                 price = CASE WHEN sold_grams > 0 THEN price ELSE NULL END, \
                 buyer_id = CASE WHEN sold_grams > 0 THEN buyer_id ELSE NULL END, updated_at = $2 WHERE id = $1",
            )
            .bind(lot.0)
            .bind(now),
            Event::Opened { at } => sqlx::query("UPDATE auction_sessions SET state = 'open', opened_at = $2 WHERE id = $1")
                .bind(session_id)
                .bind(*at),
            Event::Paused { .. } => sqlx::query("UPDATE auction_sessions SET state = 'paused' WHERE id = $1").bind(session_id),
            Event::Resumed { .. } => sqlx::query("UPDATE auction_sessions SET state = 'open' WHERE id = $1").bind(session_id),
            Event::Closed { at } | Event::Cancelled { at } => {
                sqlx::query("UPDATE auction_sessions SET state = 'closed', closed_at = $2 WHERE id = $1")
                    .bind(session_id)
                    .bind(*at)
            }
            Event::Admitted { .. } | Event::Bid { .. } => continue,
        };
        q.execute(&mut **tx).await?;
    }
    flush_bids(tx, &mut pending, now).await?;
    let last = events.last().map(|n| n.n as i64);
    sqlx::query(
        "UPDATE auction_sessions SET seq = $2, last_event = COALESCE($3, last_event) WHERE id = $1",
    )
    .bind(session_id)
    .bind(seq)
    .bind(last)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub fn unsold_code(reason: Unsold) -> &'static str {
    match reason {
        Unsold::NoBids => "no_bids",
        Unsold::ReserveNotMet => "reserve_not_met",
        Unsold::Withdrawn => "withdrawn",
        Unsold::Cancelled => "cancelled",
    }
}

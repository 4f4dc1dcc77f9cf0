//! A lot's bid history, read back from the session's journal: the commands replayed through
//! the engine give every accepted bid with the standing it made, for live and closed sessions
//! alike, without trusting any copy but the durable one.

use crate::domain::engine::{Event, Session};
use crate::store::Result;
use crate::store::sessions;
use anjungan_kernel::Db;
use std::collections::HashMap;

/// One accepted bid: when, by whom, and the lot's price per kg after it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = auction::BidLine)]
pub struct BidLine {
    pub at: i64,
    pub buyer: i64,
    pub price: i64,
    /// The lot's leader after this bid (a proxy may answer at once).
    pub leader: i64,
}

/// The last `per_lot` accepted bids of each lot of the session, newest first.
pub async fn bids(db: &Db, session_id: i64, per_lot: usize) -> Result<HashMap<i64, Vec<BidLine>>> {
    let row = sessions::get(db, session_id).await?;
    let mut conn = db.pool.acquire().await?;
    let entries = sessions::journal_since(&mut conn, session_id, 0).await?;
    drop(conn);
    let mut state = Session::new(row.rules)?;
    let mut out: HashMap<i64, Vec<BidLine>> = HashMap::new();
    for e in &entries {
        for n in state.apply(&e.command, e.at).events {
            if let Event::Bid {
                lot,
                buyer,
                price,
                leader,
                at,
                ..
            } = n.event
            {
                out.entry(lot.0).or_default().push(BidLine {
                    at,
                    buyer: buyer.0,
                    price,
                    leader: leader.0,
                });
            }
        }
    }
    for lines in out.values_mut() {
        lines.reverse();
        lines.truncate(per_lot);
    }
    Ok(out)
}

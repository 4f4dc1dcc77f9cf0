//! The port records a buyer's payment of a sale: marked paid once, audited, and the ticket
//! returned as it now stands.

use crate::domain::AuctionError;
use crate::domain::audit::AuctionEvent;
use crate::store::Result;
use crate::store::settlement::{self, Ticket};
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::clock::now_ms;

pub async fn record_payment(db: &Db, actor: &Actor, sale_id: i64, port_id: i64) -> Result<Ticket> {
    let mut tx = db.begin_write().await?;
    if !settlement::mark_paid(&mut tx, sale_id, port_id, actor.user_id, now_ms()).await? {
        return Err(AuctionError::AlreadyPaid.into());
    }
    audit::store::write(&mut tx, actor, &AuctionEvent::SalePaid { id: sale_id }).await?;
    tx.commit().await?;
    settlement::ticket(db, sale_id).await
}

//! Scheduling a session: its rules take the port's levy as it stands now (`Rules::with_levy`),
//! are checked, saved and audited in one transaction.

use crate::domain::AuctionError;
use crate::domain::audit::AuctionEvent;
use crate::domain::rules::Rules;
use crate::store::Result;
use crate::store::sessions;
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::clock::now_ms;

pub async fn create(
    db: &Db,
    actor: &Actor,
    port_id: i64,
    starts_at: i64,
    auctioneer: Option<i64>,
    rules: &Rules,
) -> Result<i64> {
    let mut tx = db.begin_write().await?;
    let levy = sessions::port_levy(&mut tx, port_id)
        .await?
        .ok_or(AuctionError::NotFound)?;
    let rules = rules.clone().with_levy(levy);
    rules.validate()?;
    let id = sessions::insert(&mut tx, port_id, starts_at, auctioneer, &rules, now_ms()).await?;
    let event = AuctionEvent::SessionCreated {
        id,
        port: port_id,
        format: rules.format,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(id)
}

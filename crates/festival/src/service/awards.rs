//! An edition's awards: the computed ones (winners, favourite) replaced from the standings, and
//! the jury's special awards, each written and audited in one transaction.

use crate::domain::audit::FestivalEvent;
use crate::domain::award::Category;
use crate::store;
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor};

/// Replaces the computed awards of an edition; chosen ones stay.
pub async fn set_computed_awards(
    db: &Db,
    actor: &Actor,
    edition_id: i64,
    awards: &[(Category, i64)],
) -> anjungan_kernel::Result<()> {
    let mut tx = db.begin_write().await?;
    store::replace_computed_awards(&mut tx, edition_id, awards).await?;
    let event = FestivalEvent::AwardsComputed { edition_id, awards };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// Gives an entry the jury's special award; `Ok(false)` if it already has one.
pub async fn add_special_award(
    db: &Db,
    actor: &Actor,
    edition_id: i64,
    entry: i64,
) -> anjungan_kernel::Result<bool> {
    let mut tx = db.begin_write().await?;
    if !store::insert_special_award(&mut tx, edition_id, entry).await? {
        return Ok(false);
    }
    let event = FestivalEvent::SpecialAwarded {
        entry_id: entry,
        edition_id,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(true)
}

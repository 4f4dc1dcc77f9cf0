//! An entry's proposal, replaced whole with the texts given and audited in one transaction.

use crate::domain::audit::FestivalEvent;
use crate::store;
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor};

/// Replaces an entry's proposal with the texts given: (section key, text).
pub async fn save_proposal(
    db: &Db,
    actor: &Actor,
    entry_id: i64,
    texts: &[(String, String)],
) -> anjungan_kernel::Result<()> {
    let mut tx = db.begin_write().await?;
    store::proposals::replace_proposal(&mut tx, entry_id, texts).await?;
    let event = FestivalEvent::ProposalSaved {
        entry_id,
        sections: texts.len(),
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

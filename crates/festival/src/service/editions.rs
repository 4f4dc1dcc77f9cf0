//! An edition as the coordinator sets it up: created with its phases, and its review settings
//! (blind review, the proposal's sections). Each is saved and audited in one transaction.

use crate::domain::audit::FestivalEvent;
use crate::domain::proposal::Section;
use crate::store::{self, NewEdition};
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor};

pub async fn create_edition(
    db: &Db,
    actor: &Actor,
    e: &NewEdition<'_>,
) -> anjungan_kernel::Result<i64> {
    let mut tx = db.begin_write().await?;
    let id = store::insert_edition(&mut tx, e).await?;
    let event = FestivalEvent::EditionCreated {
        id,
        number: e.number,
        year: e.year,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn set_settings(
    db: &Db,
    actor: &Actor,
    edition_id: i64,
    blind_review: bool,
    sections: &[Section],
) -> anjungan_kernel::Result<()> {
    let mut tx = db.begin_write().await?;
    store::proposals::save_settings(&mut tx, edition_id, blind_review, sections).await?;
    let event = FestivalEvent::SettingsSet {
        edition_id,
        blind_review,
        sections: sections.len(),
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

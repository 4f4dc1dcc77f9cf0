//! An agency enters one of its verified innovations into an edition.

use crate::domain::audit::FestivalEvent;
use crate::domain::entry::{EntryRequest, check};
use crate::domain::phase::{Phase, current};
use crate::error::{FestivalError, ServiceError};
use crate::ports::Catalogue;
use crate::store::{self, Edition};
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::identity::domain::{Principal, Role};

/// Enters the innovation (its id as typed) by its own unit; returns the entry's id.
pub async fn enter(
    db: &Db,
    catalogue: &Catalogue,
    who: &Principal,
    actor: &Actor,
    e: &Edition,
    phases: &[Phase],
    innovation: &str,
) -> Result<i64, ServiceError> {
    let id: i64 = innovation
        .trim()
        .parse()
        .map_err(|_| FestivalError::NoSuchInnovation)?;
    let inv = catalogue
        .get(id)
        .await
        .ok_or(FestivalError::NoSuchInnovation)?;
    let owner = anjungan_kernel::orgs::domain::OrgRef {
        id: inv.organisation_id,
        path: inv.organisation_path.clone(),
    };
    let previous = store::entries_of_innovation(db, id).await?;
    let request = EntryRequest {
        phase: current(phases, anjungan_kernel::clock::now_ms()),
        verified: inv.verified,
        by_owner: who.is_admin()
            || who.holds_for(Role::UnitOperator, &owner)
            || who.holds_for(Role::UnitHead, &owner),
        already_in_edition: previous.contains(&e.id),
        previous_entries: previous.len(),
        limit: e.entry_limit.max(0) as usize,
    };
    check(&request).map_err(FestivalError::from)?;
    Ok(add_entry(db, actor, e.id, id, inv.organisation_id).await?)
}

/// Records an entry and audits it, without the checks of [`enter`] (the demo and imports).
pub async fn add_entry(
    db: &Db,
    actor: &Actor,
    edition_id: i64,
    innovation_id: i64,
    org_id: i64,
) -> anjungan_kernel::Result<i64> {
    let mut tx = db.begin_write().await?;
    let id = store::insert_entry(&mut tx, edition_id, innovation_id, org_id).await?;
    let event = FestivalEvent::EntryAdded {
        id,
        edition_id,
        innovation_id,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(id)
}

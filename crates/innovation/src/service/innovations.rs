//! An innovation's use cases: creating a draft, saving an edited profile, recording a lifecycle
//! step, its partners and its links to live evidence. Each saves (a new version where the
//! profile or status changes; a lost race writes nothing), audits and marks the catalogue
//! changed in one transaction; the SQL is in `store`.

use crate::domain::audit::{InnovationEvent, Step};
use crate::domain::{Draft, Partner, Profile, Status};
use crate::store::{self, Innovation};
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::clock::now_ms;

/// Creates a draft (the profile must validate).
pub async fn create(
    db: &Db,
    actor: &Actor,
    org_id: i64,
    draft: &Draft,
    profile: &Profile,
) -> anjungan_kernel::Result<i64> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let id = store::insert(&mut tx, org_id, draft, profile, now).await?;
    store::snapshot(&mut tx, id, 1, Status::Draft, draft, actor, now).await?;
    let event = InnovationEvent::Created {
        id,
        name: &profile.name,
        org_id,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(id)
}

/// Saves an edited profile as a new version; `Conflict` if another save won the race since
/// `current` was read (nothing is written).
pub async fn update(
    db: &Db,
    actor: &Actor,
    current: &Innovation,
    draft: &Draft,
    profile: &Profile,
) -> anjungan_kernel::Result<()> {
    let now = now_ms();
    let version = current.version + 1;
    let mut tx = db.begin_write().await?;
    if !store::save_profile(&mut tx, current, version, draft, profile, now).await? {
        return Err(anjungan_kernel::Error::Conflict);
    }
    store::snapshot(
        &mut tx,
        current.id,
        version,
        current.status,
        draft,
        actor,
        now,
    )
    .await?;
    let changed = current.draft.changed_fields(draft);
    let event = InnovationEvent::Updated {
        id: current.id,
        version,
        fields: &changed,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// Records a lifecycle step (submit, verify, return, reopen) that moved the innovation to
/// `status`; `Conflict` if another save won the race (nothing is written).
pub async fn record_step(
    db: &Db,
    actor: &Actor,
    current: &Innovation,
    status: Status,
    step: Step,
    note: &str,
) -> anjungan_kernel::Result<()> {
    let now = now_ms();
    let version = current.version + 1;
    let mut tx = db.begin_write().await?;
    if !store::set_status(&mut tx, current, version, status, note.trim(), now).await? {
        return Err(anjungan_kernel::Error::Conflict);
    }
    store::snapshot(
        &mut tx,
        current.id,
        version,
        status,
        &current.draft,
        actor,
        now,
    )
    .await?;
    let event = InnovationEvent::StepTaken {
        id: current.id,
        step,
        status,
        note,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn add_partner(
    db: &Db,
    actor: &Actor,
    id: i64,
    p: &Partner,
) -> anjungan_kernel::Result<()> {
    let mut tx = db.begin_write().await?;
    store::insert_partner(&mut tx, id, p).await?;
    let event = InnovationEvent::PartnerAdded { id, partner: p };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn remove_partner(
    db: &Db,
    actor: &Actor,
    id: i64,
    partner_id: i64,
) -> anjungan_kernel::Result<()> {
    let mut tx = db.begin_write().await?;
    if !store::delete_partner(&mut tx, id, partner_id).await? {
        return Err(anjungan_kernel::Error::NotFound);
    }
    let event = InnovationEvent::PartnerRemoved { id, partner_id };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// Links a source of live evidence (linking it again changes nothing and is not audited).
pub async fn link(
    db: &Db,
    actor: &Actor,
    id: i64,
    kind: &str,
    target: i64,
) -> anjungan_kernel::Result<()> {
    let mut tx = db.begin_write().await?;
    if store::insert_link(&mut tx, id, kind, target, now_ms()).await? {
        let event = InnovationEvent::Linked { id, kind, target };
        audit::store::write(&mut tx, actor, &event).await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn unlink(
    db: &Db,
    actor: &Actor,
    id: i64,
    kind: &str,
    target: i64,
) -> anjungan_kernel::Result<()> {
    let mut tx = db.begin_write().await?;
    if !store::delete_link(&mut tx, id, kind, target).await? {
        return Err(anjungan_kernel::Error::NotFound);
    }
    let event = InnovationEvent::Unlinked { id, kind, target };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

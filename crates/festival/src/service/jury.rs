//! The jury's set-up and records: each phase's rubric, who reviews which entry, and a saved
//! review, each written and audited in one transaction. A juror's own submission is checked in
//! `reviews::submit` before it is saved here.

use crate::domain::audit::FestivalEvent;
use crate::domain::scoring::{PhaseSpec, Review};
use crate::store;
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor};
use std::collections::BTreeMap;

/// Sets the rubric of a scored phase.
pub async fn set_rubric(
    db: &Db,
    actor: &Actor,
    edition_id: i64,
    spec: &PhaseSpec,
) -> anjungan_kernel::Result<()> {
    let mut tx = db.begin_write().await?;
    store::save_rubric(&mut tx, edition_id, spec).await?;
    let event = FestivalEvent::RubricSet { edition_id, spec };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// Replaces the assignments of a phase: entry id → its jurors.
pub async fn set_assignments(
    db: &Db,
    actor: &Actor,
    edition_id: i64,
    phase: &str,
    assignments: &BTreeMap<i64, Vec<i64>>,
) -> anjungan_kernel::Result<()> {
    let mut tx = db.begin_write().await?;
    store::replace_assignments(&mut tx, edition_id, phase, assignments).await?;
    let event = FestivalEvent::AssignmentsSet {
        edition_id,
        phase,
        entries: assignments.len(),
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// Records (or replaces) a juror's review.
pub async fn save_review(
    db: &Db,
    actor: &Actor,
    edition_id: i64,
    review: &Review,
    phase: &str,
    comment: &str,
) -> anjungan_kernel::Result<()> {
    let mut tx = db.begin_write().await?;
    store::upsert_review(&mut tx, edition_id, review, phase, comment).await?;
    let event = FestivalEvent::ReviewSaved {
        entry_id: review.entry,
        phase,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

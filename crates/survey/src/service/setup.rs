//! A unit sets up its survey: its services, the people it served, its extra questions and its
//! follow-up actions. Each step checks the rule, saves and audits in one transaction.

use crate::domain::audit::SurveyEvent;
use crate::domain::{ActionDraft, Period, setup};
use crate::store::{self, Result};
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::clock::now_ms;
use anjungan_kernel::db::Db;

/// Starts (or reconfigures) the survey for an organisation with its list of services.
pub async fn enable_unit(db: &Db, actor: &Actor, org_id: i64, given: &[String]) -> Result<()> {
    let services = setup::services(given)?;
    let mut tx = db.begin_write().await?;
    store::save_unit(&mut tx, org_id, &services, now_ms()).await?;
    let event = SurveyEvent::UnitEnabled {
        org_id,
        services: &services,
    };
    audit::store::write(&mut tx, actor, &event)
        .await
        .map_err(anjungan_kernel::Error::from)?;
    tx.commit().await?;
    Ok(())
}

/// Records how many people the unit served in a period (the sample's population).
pub async fn set_served(
    db: &Db,
    actor: &Actor,
    org_id: i64,
    period: &Period,
    served: i64,
) -> Result<()> {
    let served = setup::served(served)?;
    let mut tx = db.begin_write().await?;
    store::save_served(&mut tx, org_id, period, served, now_ms()).await?;
    let event = SurveyEvent::ServedSet {
        org_id,
        period,
        served,
    };
    audit::store::write(&mut tx, actor, &event)
        .await
        .map_err(anjungan_kernel::Error::from)?;
    tx.commit().await?;
    Ok(())
}

/// Adds one of the unit's own questions to its form; returns its id.
pub async fn add_question(db: &Db, actor: &Actor, org_id: i64, text: &str) -> Result<i64> {
    let text = setup::question(text)?;
    let mut tx = db.begin_write().await?;
    let question_id = store::insert_question(&mut tx, org_id, text, now_ms()).await?;
    let event = SurveyEvent::QuestionAdded {
        org_id,
        question_id,
    };
    audit::store::write(&mut tx, actor, &event)
        .await
        .map_err(anjungan_kernel::Error::from)?;
    tx.commit().await?;
    Ok(question_id)
}

/// Plans a follow-up action on an element of a period (the draft is already checked).
pub async fn add_action(
    db: &Db,
    actor: &Actor,
    org_id: i64,
    period: &Period,
    draft: &ActionDraft,
) -> Result<i64> {
    let mut tx = db.begin_write().await?;
    let id = store::insert_action(&mut tx, org_id, period, draft, now_ms()).await?;
    let event = SurveyEvent::ActionAdded {
        id,
        element: draft.element,
        period,
    };
    audit::store::write(&mut tx, actor, &event)
        .await
        .map_err(anjungan_kernel::Error::from)?;
    tx.commit().await?;
    Ok(id)
}

/// Marks an open action of the unit done; not found when it has no such open action.
pub async fn complete_action(db: &Db, actor: &Actor, org_id: i64, id: i64) -> Result<()> {
    let mut tx = db.begin_write().await?;
    if !store::close_action(&mut tx, org_id, id, now_ms()).await? {
        return Err(anjungan_kernel::Error::NotFound.into());
    }
    audit::store::write(&mut tx, actor, &SurveyEvent::ActionDone { id })
        .await
        .map_err(anjungan_kernel::Error::from)?;
    tx.commit().await?;
    Ok(())
}

/// Rebuilds every daily rollup from the raw responses (after a bulk import or a repair).
pub async fn rebuild_tallies(db: &Db, actor: &Actor) -> Result<()> {
    let mut tx = db.begin_write().await?;
    store::replace_tallies(&mut tx).await?;
    audit::store::write(&mut tx, actor, &SurveyEvent::TalliesRebuilt)
        .await
        .map_err(anjungan_kernel::Error::from)?;
    tx.commit().await?;
    Ok(())
}

//! The IID self-assessment's use cases: a year's catalogue made on first use, an indicator
//! edited, an answer given, reviewed or imported. Each saves and audits in one transaction; the
//! SQL is in `store::iid`.

use crate::domain::audit::InnovationEvent;
use crate::domain::iid::{Level, Review, Thresholds};
use crate::store::iid::{self, Catalogue};
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::clock::now_ms;

/// The catalogue of `year`, created on first use from the latest earlier year (or the shipped
/// default), so each year starts from the last one and is then edited.
pub async fn catalogue(db: &Db, actor: &Actor, year: i64) -> anjungan_kernel::Result<Catalogue> {
    if let Some(c) = iid::load(db, year).await? {
        return Ok(c);
    }
    let previous = iid::previous_year(db, year).await?;
    let base = match previous {
        Some(y) => iid::load(db, y).await?,
        None => None,
    };
    let (share, thresholds, indicators) = match base {
        Some(c) => (c.government_share, c.thresholds, c.indicators),
        None => (
            25,
            Thresholds::default(),
            crate::domain::iid::default_catalogue(),
        ),
    };
    let mut tx = db.begin_write().await?;
    if iid::insert_catalogue(&mut tx, year, share, &thresholds, &indicators, now_ms()).await? {
        let event = InnovationEvent::CatalogueCreated {
            year,
            from: previous,
        };
        audit::store::write(&mut tx, actor, &event).await?;
    }
    tx.commit().await?;
    iid::load(db, year).await?.ok_or_else(|| {
        anjungan_kernel::Error::Internal(anyhow::anyhow!(
            "the IID catalogue of {year} is missing right after it was created"
        ))
    })
}

/// Edits an indicator's name, weight and level scores/evidence.
pub async fn update_indicator(
    db: &Db,
    actor: &Actor,
    id: i64,
    name: &str,
    weight: u32,
    levels: &[Level],
) -> anjungan_kernel::Result<()> {
    let mut tx = db.begin_write().await?;
    if !iid::update_indicator(&mut tx, id, name, weight, levels).await? {
        return Err(anjungan_kernel::Error::NotFound);
    }
    let event = InnovationEvent::IndicatorUpdated {
        id,
        name,
        weight,
        levels,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// Records a picked level (and evidence); a changed answer goes back to review.
pub async fn answer(
    db: &Db,
    actor: &Actor,
    subject: &str,
    indicator: i64,
    level: u8,
    evidence: Option<&str>,
    review: Review,
) -> anjungan_kernel::Result<()> {
    let mut tx = db.begin_write().await?;
    iid::upsert_answer(
        &mut tx,
        subject,
        indicator,
        level,
        evidence,
        review,
        now_ms(),
    )
    .await?;
    let event = InnovationEvent::Answered {
        subject,
        indicator,
        level,
        evidence,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// A reviewer accepts or returns an answer, with a note.
pub async fn review(
    db: &Db,
    actor: &Actor,
    subject: &str,
    indicator: i64,
    review: Review,
    note: &str,
) -> anjungan_kernel::Result<()> {
    let mut tx = db.begin_write().await?;
    if !iid::set_review(&mut tx, subject, indicator, review, note.trim(), now_ms()).await? {
        return Err(anjungan_kernel::Error::NotFound);
    }
    let event = InnovationEvent::AnswerReviewed {
        subject,
        indicator,
        review,
        note,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// Records many reviewed answers for one subject in one transaction (imports, demo data).
pub async fn import_answers(
    db: &Db,
    actor: &Actor,
    subject: &str,
    answers: &[(i64, u8, Review, &str)],
) -> anjungan_kernel::Result<()> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    for answer in answers {
        iid::put_reviewed_answer(&mut tx, subject, *answer, now).await?;
    }
    let event = InnovationEvent::AnswersImported {
        subject,
        answers: answers.len(),
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

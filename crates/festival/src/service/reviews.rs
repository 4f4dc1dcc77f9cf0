//! A juror reviews an entry: only a juror assigned to it, only while the phase is open, checked
//! against the phase's rubric.

use crate::domain::phase::current;
use crate::domain::scoring::parse_submission;
use crate::error::{FestivalError, ServiceError};
use crate::store::{self, Edition};
use anjungan_kernel::Db;
use anjungan_kernel::audit::Actor;
use anjungan_kernel::identity::domain::{Principal, Role};

/// Saves the review of `entry` in `phase` from the submitted fields (`get("s_<key>")`,
/// `get("comment")`), from the form or the API.
pub async fn submit(
    db: &Db,
    who: &Principal,
    actor: &Actor,
    e: &Edition,
    phase: &str,
    entry: i64,
    get: impl Fn(&str) -> String,
) -> Result<(), ServiceError> {
    if !who.has_role(Role::Jury)
        || !store::is_assigned(db, e.id, phase, entry, who.user_id.0).await?
    {
        return Err(FestivalError::NotAssigned.into());
    }
    let phases = store::phases(db, e.id).await?;
    let open = current(&phases, anjungan_kernel::clock::now_ms())
        .is_some_and(|ph| ph.kind.allows_reviewing() && ph.kind.code() == phase);
    if !open {
        return Err(FestivalError::ReviewClosed.into());
    }
    let spec = store::rubrics(db, e.id)
        .await?
        .into_iter()
        .find(|s| s.key == phase)
        .ok_or(FestivalError::NoRubric)?;
    let (review, comment) =
        parse_submission(&spec.rubric, who.user_id.0, entry, get).map_err(FestivalError::from)?;
    super::jury::save_review(db, actor, e.id, &review, phase, &comment).await?;
    Ok(())
}

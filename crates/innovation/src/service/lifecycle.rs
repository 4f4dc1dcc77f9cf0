//! One lifecycle step (submit, verify, return, reopen) by a person: the rule decides, then the
//! new status is recorded with its audit entry in one transaction (a lost race is a conflict).

use crate::domain::audit::Step;
use crate::domain::{Command, Status, transition};
use crate::error::ServiceError;
use crate::service::innovations;
use crate::store::Innovation;
use anjungan_kernel::Db;
use anjungan_kernel::audit::Actor;
use anjungan_kernel::identity::domain::Principal;

/// Applies `cmd` for `who`; `missing` names (already translated) what an incomplete profile
/// lacks, for the refusal. Returns the new status (an edit changes none and records nothing).
pub async fn apply(
    db: &Db,
    who: &Principal,
    actor: &Actor,
    inv: &Innovation,
    cmd: Command,
    missing: &[&'static str],
) -> Result<Status, ServiceError> {
    let next = transition(inv.status, &cmd, who, &inv.owner(), missing)?;
    let (step, note) = match &cmd {
        Command::Submit => (Step::Submit, ""),
        Command::Verify => (Step::Verify, ""),
        Command::Return { note } => (Step::Return, note.as_str()),
        Command::Reopen => (Step::Reopen, ""),
        Command::Edit => return Ok(next),
    };
    innovations::record_step(db, actor, inv, next, step, note).await?;
    Ok(next)
}

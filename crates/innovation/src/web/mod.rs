//! Innovation pages and API: the public catalogue at `/inovasi` with CSV/XLSX export in the shape
//! of the national profile, a page per innovation, the agencies' forms and the coordinator's
//! verification, evidence documents and photos, and `/api/v1/innovations`.

mod api;
mod documents;
mod export;
mod iid;
mod pages;

use crate::domain::{Command, Status};
use crate::store::{self, Innovation};
use anjungan_kernel::web::{AppError, AppState, Ctx};
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    pages::routes()
        .merge(documents::routes())
        .merge(export::routes())
        .merge(iid::routes())
        .merge(api::routes())
}

/// Loads an innovation the caller may see: verified ones are public; others only for the
/// owning unit's staff and the coordinator. Unknown and hidden both answer 404.
pub(crate) async fn visible(state: &AppState, ctx: &Ctx, id: i64) -> Result<Innovation, AppError> {
    let inv = store::get(&state.db, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    if inv.status.public()
        || ctx
            .principal
            .as_ref()
            .is_some_and(|p| crate::domain::may_see_innovation(p, &inv.owner()))
    {
        Ok(inv)
    } else {
        Err(AppError::not_found())
    }
}

/// Applies a lifecycle command for the signed-in person and records it.
pub(crate) async fn step(
    state: &AppState,
    ctx: &Ctx,
    inv: &Innovation,
    cmd: Command,
) -> Result<Status, AppError> {
    let who = ctx.signed_in()?;
    let missing: Vec<&'static str> = match &inv.profile {
        Some(p) => p.missing(),
        None => vec!["innovation.missing.profile"],
    };
    let missing_text: Vec<&'static str> = missing.iter().map(|k| ctx.tr().s(k)).collect();
    Ok(
        crate::service::lifecycle::apply(&state.db, who, &ctx.actor(), inv, cmd, &missing_text)
            .await?,
    )
}

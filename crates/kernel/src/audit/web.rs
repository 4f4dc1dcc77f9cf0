//! Browsing the audit log (admin): a filterable page and `GET /api/v1/audit`.

use super::domain::{AuditEntry, AuditFilter};
use crate::identity::domain::Action;
use crate::web::pages::render;
use crate::web::{AppState, Ctx, Shell, WebResult};
use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const PAGE: i64 = 100;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/admin/audit", get(page))
        .routes(routes!(list_api))
        .routes(routes!(chain_api))
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    shell: Shell,
    entries: Vec<AuditEntry>,
    filter: AuditFilter,
    older: Option<String>,
    /// The newest linked entry and its link: the chain's head.
    head: Option<(i64, String)>,
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(filter): Query<AuditFilter>,
) -> WebResult<Response> {
    ctx.require(&Action::BrowseAudit)?;
    let filter = filter.normalised();
    let entries = super::store::list(&state.db, &filter, PAGE).await?;
    let older = (entries.len() as i64 == PAGE).then(|| {
        let last = entries.last().map(|e| e.id).unwrap_or(0);
        let mut q = vec![("before".to_string(), last.to_string())];
        for (k, v) in [
            ("action", &filter.action),
            ("record_type", &filter.record_type),
            ("record_id", &filter.record_id),
            ("channel", &filter.channel),
        ] {
            if let Some(v) = v {
                q.push((k.to_string(), v.clone()));
            }
        }
        serde_urlencoded::to_string(q).unwrap_or_default()
    });
    let head = super::store::head(&state.db).await?;
    render(&AuditPage {
        shell: Shell::new(&ctx),
        entries,
        filter,
        older,
        head,
    })
}

/// Audit entries, newest first, 100 per page; page backwards with `before` (admin).
#[utoipa::path(get, path = "/api/v1/audit", operation_id = "listAudit", tag = "audit", security(("bearer" = [])), params(AuditFilter),
    responses((status = 200, body = Vec<AuditEntry>), (status = 401), (status = 403)))]
async fn list_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(filter): Query<AuditFilter>,
) -> WebResult<Json<Vec<AuditEntry>>> {
    ctx.require(&Action::BrowseAudit)?;
    Ok(Json(
        super::store::list(&state.db, &filter.normalised(), PAGE).await?,
    ))
}

/// Walks the whole hash chain of the audit log and reports its head, or the first entry whose
/// link is broken (admin). The same check as `anjungan audit verify`.
#[utoipa::path(get, path = "/api/v1/audit/chain", operation_id = "verifyAuditChain", tag = "audit", security(("bearer" = [])),
    responses((status = 200, body = super::domain::ChainReport), (status = 401), (status = 403)))]
async fn chain_api(
    State(state): State<AppState>,
    ctx: Ctx,
) -> WebResult<Json<super::domain::ChainReport>> {
    ctx.require(&Action::BrowseAudit)?;
    Ok(Json(super::store::verify(&state.db, &state.keys).await?))
}

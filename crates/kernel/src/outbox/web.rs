//! Delivery state of the outbox (admin): a page with retry, and `GET /api/v1/outbox`.

use super::store::{self, MessageView};
use crate::identity::domain::Action;
use crate::web::pages::render;
use crate::web::{AppState, Ctx, Shell, WebResult};
use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/admin/outbox", get(page))
        .route("/admin/outbox/{id}/ulang", post(retry))
        .routes(routes!(list_api))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
struct StateQuery {
    /// pending, sent, logged (no gateway: not delivered) or failed
    state: Option<String>,
}

impl StateQuery {
    fn state(&self) -> Option<&str> {
        self.state
            .as_deref()
            .filter(|s| matches!(*s, "pending" | "sent" | "logged" | "failed"))
    }
}

#[derive(Template)]
#[template(path = "outbox.html")]
struct OutboxPage {
    shell: Shell,
    messages: Vec<MessageView>,
    counts: Vec<(String, i64)>,
    state: String,
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<StateQuery>,
) -> WebResult<Response> {
    ctx.require(&Action::ViewOutbox)?;
    let messages = store::list(&state.db, q.state(), 200).await?;
    let counts = store::counts(&state.db).await?;
    render(&OutboxPage {
        shell: Shell::new(&ctx),
        messages,
        counts,
        state: q.state().unwrap_or("").to_string(),
    })
}

async fn retry(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    ctx.require(&Action::ViewOutbox)?;
    store::retry(&state.db, &ctx.actor(), id).await?;
    state.outbox_wake.notify_one();
    Ok(Redirect::to("/admin/outbox").into_response())
}

/// Outbox messages with their delivery state; recipients masked (admin).
#[utoipa::path(get, path = "/api/v1/outbox", operation_id = "listOutbox", tag = "outbox", security(("bearer" = [])), params(StateQuery),
    responses((status = 200, body = Vec<MessageView>), (status = 401), (status = 403)))]
async fn list_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<StateQuery>,
) -> WebResult<Json<Vec<MessageView>>> {
    ctx.require(&Action::ViewOutbox)?;
    Ok(Json(store::list(&state.db, q.state(), 200).await?))
}

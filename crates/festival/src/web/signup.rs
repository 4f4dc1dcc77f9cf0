//! Signing up for an agenda session (and cancelling), for signed-in visitors.

use crate::domain::signup::SignupError;
use crate::store::signups::SignupFailure;
use anjungan_kernel::web::{AppError, AppState, Ctx, WebResult, confirm};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/festival/{number}/sesi/{session}/daftar", post(sign_up))
        .route("/festival/{number}/sesi/{session}/batal", post(cancel))
}

async fn sign_up(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((number, session)): Path<(String, i64)>,
) -> WebResult<Response> {
    let p = ctx.signed_in()?;
    let e = crate::web::edition_by(&state, &number).await?;
    let now = anjungan_kernel::clock::now_ms();
    match crate::service::agenda::sign_up(&state.db, &ctx.actor(), e.id, session, p.user_id.0, now)
        .await
    {
        Ok(()) => {}
        Err(SignupFailure::NotFound) => return Err(AppError::not_found()),
        Err(SignupFailure::Rule(r)) => {
            let status = match r {
                SignupError::Started => StatusCode::BAD_REQUEST,
                SignupError::Full | SignupError::Already => StatusCode::CONFLICT,
            };
            return Err(AppError::new(status, r.message_key()));
        }
        Err(SignupFailure::Kernel(k)) => return Err(k.into()),
    }
    Ok(Redirect::to(&format!("/festival/{}#s{session}", e.number)).into_response())
}

#[derive(serde::Deserialize, Default)]
struct ConfirmForm {
    #[serde(default)]
    konfirmasi: String,
}

/// A visitor cancels their sign-up, after a page that says their seat goes to others.
async fn cancel(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((number, session)): Path<(String, i64)>,
    Form(f): Form<ConfirmForm>,
) -> WebResult<Response> {
    let p = ctx.signed_in()?;
    let e = crate::web::edition_by(&state, &number).await?;
    if !confirm::confirmed(&f.konfirmasi) {
        let t = ctx.tr();
        return confirm::page(
            &ctx,
            confirm::Confirm {
                title: t.s("festival.cancel_signup_question").to_string(),
                consequence: t.s("festival.cancel_signup_consequence").to_string(),
                yes: t.s("festival.cancel_signup_yes").to_string(),
                action: format!("/festival/{}/sesi/{session}/batal", e.number),
                fields: Vec::new(),
                back: format!("/festival/{}#s{session}", e.number),
            },
        );
    }
    crate::service::agenda::cancel_signup(&state.db, &ctx.actor(), session, p.user_id.0).await?;
    Ok(Redirect::to(&format!("/festival/{}#s{session}", e.number)).into_response())
}

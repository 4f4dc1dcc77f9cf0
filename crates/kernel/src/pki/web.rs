//! The published chain: `/.well-known/pki/ca.pem` (every authority certificate, the active one
//! first) and `/.well-known/pki/ca.crt` (the active one, DER), for validators and readers to
//! trust.

use crate::web::{AppState, WebResult};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/.well-known/pki/ca.pem", get(chain_pem))
        .route("/.well-known/pki/ca.crt", get(authority_der))
}

async fn chain_pem(State(state): State<AppState>) -> WebResult<Response> {
    let pem = super::chain_pem(&state.db, &state.keys).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pem-certificate-chain"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        pem,
    )
        .into_response())
}

async fn authority_der(State(state): State<AppState>) -> WebResult<Response> {
    let (_, _, cert) = super::authority(&state.db, &state.keys).await?;
    let der = super::domain::to_der(&cert).map_err(|e| crate::Error::Internal(e.into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pkix-cert"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        der,
    )
        .into_response())
}

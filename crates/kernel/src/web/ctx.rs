//! The request context: language, the signed-in principal, the CSRF token, the client address.
//! Handlers take a `Ctx` and never read cookies or headers themselves.

use super::{AppError, AppState};
use crate::audit::{Actor, Channel};
use crate::i18n::{Lang, Tr};
use crate::identity::domain::{Action, Principal, authorize};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{Method, header};
use std::net::SocketAddr;

pub const SESSION_COOKIE: &str = "anj_session";
pub const LANG_COOKIE: &str = "anj_lang";

pub struct Ctx {
    pub lang: Lang,
    pub principal: Option<Principal>,
    pub csrf: String,
    pub channel: Channel,
    pub client: String,
    pub request_id: Option<String>,
    pub path: String,
    /// The raw session token, for sign-out.
    pub session_token: Option<String>,
}

/// The token of an `Authorization: Bearer …` header. The scheme is matched without regard to
/// case (RFC 9110 §11.1), as clients send `bearer` too.
pub fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Reads one cookie's value from the request headers.
pub fn cookie<'a>(parts: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    parts
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub fn lang_of(headers: &axum::http::HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(Lang::parse)
        .unwrap_or_default()
}

impl Ctx {
    pub fn tr(&self) -> Tr {
        Tr::new(self.lang)
    }

    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.principal.as_ref().map(|p| p.user_id.0),
            label: self
                .principal
                .as_ref()
                .map(|p| p.name.clone())
                .unwrap_or_else(|| "anonymous".into()),
            channel: self.channel,
            request_id: self.request_id.clone(),
        }
    }

    /// The principal allowed to do `action`, or 401/403.
    pub fn require(&self, action: &Action<'_>) -> Result<&Principal, AppError> {
        let principal = self.signed_in()?;
        authorize(Some(principal), action).map_err(|e| AppError::from(crate::Error::from(e)))?;
        Ok(principal)
    }

    pub fn signed_in(&self) -> Result<&Principal, AppError> {
        self.principal.as_ref().ok_or_else(|| {
            crate::Error::Access(crate::identity::domain::AccessError::Unauthenticated).into()
        })
    }
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let path = parts.uri.path().to_string();
        let is_api = path.starts_with("/api/");
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(bearer_token)
            .map(str::to_string);
        let session_token = cookie(&parts.headers, SESSION_COOKIE).map(str::to_string);
        let principal = if let Some(token) = &bearer {
            match crate::identity::service::token_principal(&state.db, token).await? {
                Some(p) => Some(p),
                // A bearer token that is unknown or revoked is an error, not anonymity.
                None => {
                    return Err(crate::Error::Access(
                        crate::identity::domain::AccessError::Unauthenticated,
                    )
                    .into());
                }
            }
        } else if let Some(token) = session_token.as_deref().filter(|_| !is_api || safe) {
            // Cookie sessions drive pages; the API's state-changing calls need a bearer token,
            // which also keeps them out of reach of cross-site requests.
            crate::identity::service::session_principal(
                &state.db,
                token,
                state.config.session_hours,
            )
            .await?
        } else {
            None
        };
        let client = client_address(parts, state.config.trust_proxy);
        Ok(Ctx {
            lang: lang_of(&parts.headers),
            principal,
            csrf: parts
                .extensions
                .get::<super::csrf::CsrfToken>()
                .map(|t| t.0.clone())
                .unwrap_or_default(),
            channel: if is_api { Channel::Api } else { Channel::Web },
            client,
            request_id: parts
                .headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
            path,
            session_token,
        })
    }
}

fn client_address(parts: &Parts, trust_proxy: bool) -> String {
    if trust_proxy
        && let Some(first) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            // The proxy appends the address it saw; entries before it are the client's own
            // claims, so only the last one is trusted.
            .and_then(|v| v.rsplit(',').next())
            .filter(|v| !v.trim().is_empty())
    {
        return first.trim().to_string();
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

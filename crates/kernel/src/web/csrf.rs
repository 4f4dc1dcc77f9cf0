//! CSRF protection for every state-changing form: a random token in an HttpOnly, SameSite=Strict
//! cookie that each form repeats in its `_csrf` field (multipart forms: `X-CSRF-Token` header or
//! `_csrf` query parameter). The JSON API is exempt because it authenticates state-changing calls
//! with bearer tokens only, never cookies.

use super::AppError;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub const CSRF_COOKIE: &str = "anj_csrf";
pub const CSRF_FIELD: &str = "_csrf";
/// Forms larger than this are refused before any handler sees them.
const FORM_LIMIT: usize = 1024 * 1024;

#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// Paths whose state-changing calls authenticate otherwise (bearer tokens, API keys, or none by
/// protocol, such as OAI-PMH harvesting).
#[derive(Clone)]
pub struct CsrfConfig {
    pub exempt_prefixes: Vec<&'static str>,
    pub secure_cookie: bool,
}

fn field_from_form(body: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == CSRF_FIELD)
        .map(|(_, v)| v)
}

fn forbidden() -> Response {
    AppError::new(StatusCode::FORBIDDEN, "error.csrf").into_response()
}

/// The visitor's CSRF token from their cookie, when it has the shape of one.
pub(crate) fn cookie_token(headers: &axum::http::HeaderMap) -> Option<String> {
    super::ctx::cookie(headers, CSRF_COOKIE)
        .filter(|v| {
            v.len() >= 20
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(str::to_string)
}

/// A new visitor's token.
pub(crate) fn new_token() -> String {
    crate::crypto::random_token(24)
}

pub async fn protect(State(cfg): State<CsrfConfig>, req: Request, next: Next) -> Response {
    let existing = cookie_token(req.headers());
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let exempt = cfg
        .exempt_prefixes
        .iter()
        .any(|p| req.uri().path().starts_with(p));
    let (mut parts, body) = req.into_parts();
    let body = if unsafe_method && !exempt {
        let Some(expected) = existing.as_deref() else {
            return forbidden();
        };
        let content_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if content_type.starts_with("application/x-www-form-urlencoded") {
            let bytes = match to_bytes(body, FORM_LIMIT).await {
                Ok(b) => b,
                Err(_) => {
                    return AppError::new(StatusCode::PAYLOAD_TOO_LARGE, "error.too_large")
                        .into_response();
                }
            };
            match field_from_form(&bytes) {
                Some(given) if crate::crypto::same_secret(&given, expected) => Body::from(bytes),
                _ => return forbidden(),
            }
        } else {
            let given = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
                .or_else(|| {
                    parts.uri.query().and_then(|q| {
                        serde_urlencoded::from_str::<Vec<(String, String)>>(q)
                            .ok()?
                            .into_iter()
                            .find(|(k, _)| k == CSRF_FIELD)
                            .map(|(_, v)| v)
                    })
                });
            match given {
                Some(g) if crate::crypto::same_secret(&g, expected) => body,
                _ => return forbidden(),
            }
        }
    } else {
        body
    };
    let (token, fresh) = match existing {
        Some(t) => (t, false),
        None => (new_token(), true),
    };
    parts.extensions.insert(CsrfToken(token.clone()));
    let mut resp = next.run(Request::from_parts(parts, body)).await;
    if fresh {
        set_cookie(&mut resp, &token, cfg.secure_cookie);
    }
    resp
}

pub(crate) fn set_cookie(resp: &mut Response, token: &str, secure: bool) {
    let value = format!(
        "{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=2592000{}",
        if secure { "; Secure" } else { "" }
    );
    if let Ok(v) = HeaderValue::from_str(&value) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_field_among_others() {
        assert_eq!(
            field_from_form(b"a=1&_csrf=tok%2Bx&b=2").as_deref(),
            Some("tok+x")
        );
        assert_eq!(field_from_form(b"a=1"), None);
        assert_eq!(field_from_form(&[0xff, 0xfe]), None);
    }
}

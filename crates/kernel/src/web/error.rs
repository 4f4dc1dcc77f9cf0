//! Errors at the edge. Handlers return `AppError`; the `render_errors` middleware turns every
//! error response — ours, axum's extractor rejections, body-limit and panic responses — into a
//! translated HTML page or, on the API, an RFC 9457 problem document.

use super::ctx::lang_of;
use crate::i18n::Tr;
use crate::identity::domain::{AccessError, IdentityError};
use crate::orgs::domain::OrgError;
use askama::Template;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};

#[derive(Debug, Clone)]
pub struct AppError {
    pub status: StatusCode,
    /// Locale key of the message.
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
    pub retry_after: Option<i64>,
}

pub type WebResult<T> = Result<T, AppError>;

/// Carried on an error response until `render_errors` renders it.
#[derive(Debug, Clone)]
struct ErrorInfo(AppError);

impl AppError {
    pub fn new(status: StatusCode, key: &'static str) -> Self {
        Self {
            status,
            key,
            args: Vec::new(),
            retry_after: None,
        }
    }
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "error.not_found")
    }
    pub fn bad_request(key: &'static str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, key)
    }
    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, value.into()));
        self
    }
    /// The translated message.
    pub fn message(&self, tr: Tr) -> String {
        let args: Vec<(&str, &str)> = self.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        tr.f(self.key, &args)
    }
}

impl From<crate::Error> for AppError {
    fn from(e: crate::Error) -> Self {
        use crate::Error as E;
        match e {
            E::Identity(ref ie) => {
                let status = match ie {
                    IdentityError::BadCredentials => StatusCode::UNAUTHORIZED,
                    IdentityError::EmailTaken | IdentityError::PhoneTaken => StatusCode::CONFLICT,
                    IdentityError::Locked { .. } => StatusCode::TOO_MANY_REQUESTS,
                    _ => StatusCode::BAD_REQUEST,
                };
                let mut err = AppError::new(status, ie.message_key());
                if let IdentityError::Locked { retry_after_secs } = ie {
                    err.retry_after = Some(*retry_after_secs);
                    err = err.with("minutes", ((retry_after_secs + 59) / 60).to_string());
                }
                err
            }
            E::Org(ref oe) => {
                let status = match oe {
                    OrgError::NotFound => StatusCode::NOT_FOUND,
                    OrgError::CodeTaken => StatusCode::CONFLICT,
                    _ => StatusCode::BAD_REQUEST,
                };
                AppError::new(status, oe.message_key())
            }
            E::Access(AccessError::Unauthenticated) => {
                AppError::new(StatusCode::UNAUTHORIZED, "error.unauthenticated")
            }
            E::Access(AccessError::Forbidden) => {
                AppError::new(StatusCode::FORBIDDEN, "error.forbidden")
            }
            E::File(ref fe) => {
                let status = match fe {
                    crate::files::domain::FileError::TooLarge { .. } => {
                        StatusCode::PAYLOAD_TOO_LARGE
                    }
                    crate::files::domain::FileError::UnsupportedType => {
                        StatusCode::UNSUPPORTED_MEDIA_TYPE
                    }
                    _ => StatusCode::BAD_REQUEST,
                };
                AppError::new(status, fe.message_key())
            }
            E::Otp(ref oe) => {
                let status = match oe {
                    crate::otp::OtpError::BadCode => StatusCode::UNPROCESSABLE_ENTITY,
                    _ => StatusCode::TOO_MANY_REQUESTS,
                };
                let mut err = AppError::new(status, oe.message_key());
                if let Some(secs) = oe.retry_after_secs() {
                    err.retry_after = Some(secs);
                    err = err.with("minutes", ((secs + 59) / 60).to_string());
                }
                err
            }
            E::NotFound => AppError::not_found(),
            E::Conflict => AppError::new(StatusCode::CONFLICT, "error.conflict"),
            E::Db(ref err) => {
                tracing::error!(error = %err, "database error");
                AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "error.internal")
            }
            E::Internal(ref err) => {
                tracing::error!(error = %err, "internal error");
                AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "error.internal")
            }
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        crate::Error::from(e).into()
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut resp = self.status.into_response();
        resp.extensions_mut().insert(ErrorInfo(self));
        resp
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    shell: super::Shell,
    status: u16,
    message: String,
    /// The programme the visitor came through (`/festival` for `/festival/2/x`): the way back.
    back: Option<String>,
}

/// The main page of the programme a path belongs to (`/festival` for `/festival/2/x`), when
/// the path lies below it: a page that surely exists, unlike any parent path.
fn way_back(path: &str, homes: &[&str]) -> Option<String> {
    homes
        .iter()
        .filter(|h| {
            path.strip_prefix(**h)
                .is_some_and(|rest| rest.starts_with('/') && rest.len() > 1)
        })
        .max_by_key(|h| h.len())
        .map(|h| h.to_string())
}

fn wants_json(req_path: &str, accept: Option<&str>) -> bool {
    // Machines' endpoints: a scraper refused at /metrics gets a 401, not a sign-in page.
    req_path.starts_with("/api/")
        || req_path == "/metrics"
        || accept.is_some_and(|a| {
            (a.contains("application/json") || a.contains("application/problem+json"))
                && !a.contains("text/html")
        })
}

/// Maps a status without our own message (axum rejections, limits, panics) to a message key.
fn key_for_status(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "error.not_found",
        StatusCode::METHOD_NOT_ALLOWED => "error.method",
        StatusCode::PAYLOAD_TOO_LARGE => "error.too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "error.media_type",
        StatusCode::UNAUTHORIZED => "error.unauthenticated",
        StatusCode::FORBIDDEN => "error.forbidden",
        StatusCode::TOO_MANY_REQUESTS => "error.rate_limited",
        StatusCode::REQUEST_TIMEOUT => "error.timeout",
        s if s.is_server_error() => "error.internal",
        _ => "error.bad_request",
    }
}

pub async fn render_errors(req: Request, next: Next) -> Response {
    let mut resp = render(req, next).await;
    if resp.status() == StatusCode::UNAUTHORIZED {
        // RFC 9110 §11.6.1: a 401 names the scheme that would work.
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"anjungan\""),
        );
    }
    resp
}

async fn render(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    let json = wants_json(
        &path,
        req.headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok()),
    );
    let lang = lang_of(req.headers());
    let csrf = req
        .extensions()
        .get::<super::csrf::CsrfToken>()
        .map(|t| t.0.clone())
        .unwrap_or_default();
    let resp = next.run(req).await;
    let status = resp.status();
    if status.as_u16() < 400 {
        return resp;
    }
    let info = resp.extensions().get::<ErrorInfo>().cloned();
    let content_type = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // Pages that already show their own message (a form with errors) pass through.
    if info.is_none()
        && (content_type.starts_with("text/html")
            || content_type.starts_with("application/problem+json")
            || content_type.starts_with("application/json")
            || content_type.starts_with("text/xml"))
    {
        return resp;
    }
    let err = info
        .map(|i| i.0)
        .unwrap_or_else(|| AppError::new(status, key_for_status(status)));
    let tr = Tr::new(lang);
    if !json && status == StatusCode::UNAUTHORIZED {
        let mut next_path = path.clone();
        if let Some(q) = query {
            next_path = format!("{next_path}?{q}");
        }
        let target = format!("/masuk?next={}", super::forms::urlencode(&next_path));
        return Redirect::to(&target).into_response();
    }
    let message = err.message(tr);
    let mut out = if json {
        problem(status, err.key, &message, &path, None)
    } else {
        let page = ErrorPage {
            shell: super::Shell::anonymous(lang, &path, csrf),
            status: status.as_u16(),
            message,
            back: way_back(
                &path,
                &crate::room::installed()
                    .iter()
                    .filter_map(|r| r.programme.as_ref().map(|p| p.href))
                    .collect::<Vec<_>>(),
            ),
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, Body::from(err.key)).into_response(),
        }
    };
    if let Some(secs) = err.retry_after
        && let Ok(v) = HeaderValue::from_str(&secs.to_string())
    {
        out.headers_mut().insert(header::RETRY_AFTER, v);
    }
    for h in [header::SET_COOKIE] {
        for v in resp.headers().get_all(&h) {
            out.headers_mut().append(h.clone(), v.clone());
        }
    }
    out
}

/// An RFC 9457 problem document: `code` is the message key (stable for clients), `detail` the
/// translated message, and `extension` an optional extra member such as a list of field errors.
pub fn problem(
    status: StatusCode,
    code: &str,
    detail: &str,
    instance: &str,
    extension: Option<(&str, serde_json::Value)>,
) -> Response {
    let mut body = serde_json::json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": detail,
        "code": code,
        "instance": instance,
    });
    if let Some((name, value)) = extension {
        body[name] = value;
    }
    let mut r = (status, body.to_string()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    r
}

/// A 422 problem listing what was wrong with each field or line of the input (`errors`), so
/// a client can show every mistake at once.
pub fn invalid_input(tr: Tr, instance: &str, errors: serde_json::Value) -> Response {
    problem(
        StatusCode::UNPROCESSABLE_ENTITY,
        "error.invalid_input",
        tr.s("error.invalid_input"),
        instance,
        Some(("errors", errors)),
    )
}

/// Fallback for unknown paths.
pub async fn not_found() -> AppError {
    AppError::not_found()
}

#[cfg(test)]
mod tests {
    use super::way_back;

    #[test]
    fn the_way_back_is_the_programme_a_page_belongs_to() {
        // Any room's main pages; the kernel names none of the real ones.
        let homes = ["/pameran", "/pasar", "/pasar/ikan"];
        assert_eq!(
            way_back("/pameran/2/hasil", &homes),
            Some("/pameran".into())
        );
        assert_eq!(way_back("/pasar/sesi/9", &homes), Some("/pasar".into()));
        assert_eq!(
            way_back("/pasar/ikan/3", &homes),
            Some("/pasar/ikan".into())
        );
        assert_eq!(way_back("/pameranx/1", &homes), None);
        assert_eq!(way_back("/pameran", &homes), None);
        assert_eq!(way_back("/verifikasi/ABC", &homes), None);
    }
}

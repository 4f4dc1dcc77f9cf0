//! Static assets compiled into the binary and served with long-lived caching; the URL carries
//! a content hash, so a new release is fetched at once.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::OnceLock;

const CSS: &str = include_str!("../../static/app.css");
const ICON: &str = include_str!("../../static/icon.svg");

fn css_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| crate::crypto::sha256_hex(CSS.as_bytes())[..12].to_string())
}

pub fn css_href() -> &'static str {
    static HREF: OnceLock<String> = OnceLock::new();
    HREF.get_or_init(|| format!("/static/app.{}.css", css_hash()))
}

pub async fn serve(Path(name): Path<String>) -> Response {
    let immutable = "public, max-age=31536000, immutable";
    if name.starts_with("app.") && name.ends_with(".css") {
        return (
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, immutable),
            ],
            CSS,
        )
            .into_response();
    }
    // The rooms' own files (their small scripts).
    let asset = crate::room::installed()
        .iter()
        .flat_map(|r| r.assets.iter())
        .find(|a| a.name == name);
    if let Some(a) = asset {
        return (
            [
                (header::CONTENT_TYPE, a.content_type),
                (header::CACHE_CONTROL, "public, max-age=300"),
            ],
            a.body,
        )
            .into_response();
    }
    if name == "icon.svg" {
        return (
            [
                (header::CONTENT_TYPE, "image/svg+xml"),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            ICON,
        )
            .into_response();
    }
    StatusCode::NOT_FOUND.into_response()
}

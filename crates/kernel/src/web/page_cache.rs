//! Pages that are the same for every guest, served at the cost of a file: the first guest's
//! request renders the page, and later guests get the same bytes, compressed once per encoding
//! (brotli, gzip, none), with an `ETag` that answers `If-None-Match` with 304.
//!
//! A handler opts in by adding [`Public`] to its response. The cache then keeps the page only
//! when nothing personal can be in it:
//! - the request was a `GET` or `HEAD` without a session cookie or an `Authorization` header;
//! - the answer is a 200 that sets no cookie but the anonymous CSRF cookie.
//!
//! A page with a form for guests shows each guest their own CSRF token. It is kept with holes
//! where the token stood: each guest gets the page with their own token (a new guest, a new
//! token and its cookie), and the gzip copy is the deflated parts between the holes, each ending
//! on a byte boundary, joined per request with the token as a stored block; nothing is
//! compressed per request. Such a page is `private` to shared caches.
//!
//! A kept page is served while the write counters it was rendered under have not moved (see
//! [`crate::versions`]: every committed write moves them, here at once and on the other nodes
//! through PostgreSQL `NOTIFY`), and for at most its [`Public::max_age`], which bounds what time
//! alone changes (a phase that opens at a date) and writes made outside the server.

use super::AppState;
use crate::versions::Stamp;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponseParts, Response, ResponseParts};
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

/// The largest page kept.
const MAX_BODY: usize = 2 * 1024 * 1024;
/// Pages kept at most; past it the cache starts again (a crawler of query strings cannot make
/// it grow without end).
const MAX_ENTRIES: usize = 20_000;
/// Smaller bodies are not worth compressing.
const MIN_COMPRESS: usize = 256;

/// Marks a response as the same for every guest, so the page cache may keep it.
#[derive(Debug, Clone, Copy)]
pub struct Public {
    /// The scopes of writes that change it; empty: every write does.
    pub scopes: &'static [&'static str],
    /// How long a kept copy may be served at most, whatever was written.
    pub max_age: Duration,
}

impl Public {
    /// A page that any write may change, kept for at most 30 s.
    pub const fn page() -> Self {
        Self {
            scopes: &[],
            max_age: Duration::from_secs(30),
        }
    }

    /// A page that only writes of these scopes change (besides writes of no scope).
    pub const fn of(scopes: &'static [&'static str]) -> Self {
        Self {
            scopes,
            max_age: Duration::from_secs(30),
        }
    }

    /// With another bound on how long a kept copy is served.
    pub const fn for_at_most(self, max_age: Duration) -> Self {
        Self { max_age, ..self }
    }
}

impl Public {
    /// The response, marked.
    pub fn on(self, mut resp: Response) -> Response {
        resp.extensions_mut().insert(self);
        resp
    }
}

/// Marks every response of a route [`Public`]: `get(page).layer(Public::page().layer())`.
#[derive(Debug, Clone, Copy)]
pub struct PublicLayer(Public);

impl Public {
    pub fn layer(self) -> PublicLayer {
        PublicLayer(self)
    }
}

impl<S> tower::Layer<S> for PublicLayer {
    type Service = PublicService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        PublicService {
            inner,
            public: self.0,
        }
    }
}

#[derive(Debug, Clone)]
pub struct PublicService<S> {
    inner: S,
    public: Public,
}

impl<S> tower::Service<Request> for PublicService<S>
where
    S: tower::Service<Request, Response = Response> + Send,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Response, S::Error>> + Send + 'static>,
    >;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let public = self.public;
        let fut = self.inner.call(req);
        Box::pin(async move { Ok(public.on(fut.await?)) })
    }
}

impl IntoResponseParts for Public {
    type Error = std::convert::Infallible;
    fn into_response_parts(self, mut res: ResponseParts) -> Result<ResponseParts, Self::Error> {
        res.extensions_mut().insert(self);
        Ok(res)
    }
}

struct Entry {
    stamp: Stamp,
    /// The state's clock offset it was rendered at: moving the clock (tests do) changes what
    /// time-bound pages show.
    clock: i64,
    born: Instant,
    max_age: Duration,
    etag: HeaderValue,
    headers: HeaderMap,
    identity: Bytes,
    gzip: Option<Bytes>,
    brotli: Option<Bytes>,
    /// For a page that shows the guest's CSRF token: the page between the tokens.
    holes: Option<Holes>,
}

/// A page cut where the guest's token goes, plain and as raw deflate (sync-flushed, so each part
/// ends on a byte boundary and parts can be joined with stored blocks between them).
struct Holes {
    parts: Vec<Bytes>,
    deflated: Vec<Bytes>,
}

impl Holes {
    fn cut(body: &[u8], token: &[u8]) -> Option<Self> {
        let mut parts = Vec::new();
        let mut rest = body;
        while let Some(at) = memchr::memmem::find(rest, token) {
            parts.push(Bytes::copy_from_slice(&rest[..at]));
            rest = &rest[at + token.len()..];
        }
        parts.push(Bytes::copy_from_slice(rest));
        let deflated = parts
            .iter()
            .map(|p| deflate_part(p))
            .collect::<Option<Vec<_>>>()?;
        Some(Self { parts, deflated })
    }

    /// The page with `token` in its holes.
    fn plain(&self, token: &str) -> Bytes {
        let mut out = Vec::with_capacity(
            self.parts.iter().map(Bytes::len).sum::<usize>() + token.len() * self.parts.len(),
        );
        for (i, p) in self.parts.iter().enumerate() {
            if i > 0 {
                out.extend_from_slice(token.as_bytes());
            }
            out.extend_from_slice(p);
        }
        Bytes::from(out)
    }

    /// The page with `token` in its holes, as one gzip member (RFC 1952): the deflated parts
    /// with the token between them as stored blocks, an empty final block, the CRC-32 and size.
    fn gzip(&self, token: &str) -> Bytes {
        const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
        let token = token.as_bytes();
        let mut out = Vec::with_capacity(
            self.deflated.iter().map(Bytes::len).sum::<usize>()
                + (token.len() + 5) * self.parts.len()
                + 20,
        );
        out.extend_from_slice(&HEADER);
        let mut crc = crc32fast::Hasher::new();
        let mut size: u64 = 0;
        for (i, (part, plain)) in self.deflated.iter().zip(&self.parts).enumerate() {
            if i > 0 {
                // A stored block, not final: BFINAL 0, BTYPE 00, then LEN and its complement.
                let len = token.len() as u16;
                out.push(0);
                out.extend_from_slice(&len.to_le_bytes());
                out.extend_from_slice(&(!len).to_le_bytes());
                out.extend_from_slice(token);
                crc.update(token);
                size += token.len() as u64;
            }
            out.extend_from_slice(part);
            crc.update(plain);
            size += plain.len() as u64;
        }
        // An empty final block with fixed codes.
        out.extend_from_slice(&[0x03, 0x00]);
        out.extend_from_slice(&crc.finalize().to_le_bytes());
        out.extend_from_slice(&(size as u32).to_le_bytes());
        Bytes::from(out)
    }
}

/// A part as raw deflate ended by a sync flush (no final block).
fn deflate_part(part: &[u8]) -> Option<Bytes> {
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(part).ok()?;
    enc.flush().ok()?;
    Some(Bytes::copy_from_slice(enc.get_ref()))
}

/// The guest's token on a page with holes: theirs from the cookie, or a new one to set.
struct GuestToken {
    value: String,
    fresh: bool,
    secure: bool,
}

/// The kept pages of one server (one per [`AppState`]).
#[derive(Default)]
pub struct PageCache {
    entries: RwLock<HashMap<String, Arc<Entry>>>,
}

impl PageCache {
    fn get(&self, key: &str) -> Option<Arc<Entry>> {
        self.entries
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
            .cloned()
    }

    fn put(&self, key: String, entry: Entry) -> Arc<Entry> {
        let entry = Arc::new(entry);
        let mut map = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
        map.insert(key, entry.clone());
        entry
    }

    /// How many pages are kept (for tests and the metrics).
    pub fn len(&self) -> usize {
        self.entries
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The middleware: serves kept pages, and keeps the pages handlers mark [`Public`].
pub async fn serve(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) || personal(req.headers()) {
        return next.run(req).await;
    }
    let key = key_of(&req);
    let encoding = Encoding::accepted(req.headers());
    let validators = req.headers().get(header::IF_NONE_MATCH).cloned();
    let versions = &state.db.versions;
    if let Some(entry) = state.pages.get(&key)
        && versions.still(&entry.stamp)
        && entry.clock == state.clock.offset()
        && entry.born.elapsed() < entry.max_age
    {
        let guest = entry
            .holes
            .as_ref()
            .map(|_| guest_token(&state, req.headers()));
        return answer(&entry, encoding, validators.as_ref(), "hit", guest.as_ref());
    }
    let before = versions.snapshot();
    let clock = state.clock.offset();
    let token = super::csrf::cookie_token(req.headers());
    let resp = next.run(req).await;
    let Some(public) = resp.extensions().get::<Public>().copied() else {
        return resp;
    };
    if resp.status() != StatusCode::OK || sets_other_cookies(resp.headers()) {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        // Too large to keep, or the body failed; the answer is lost either way.
        return Response::from_parts(parts, Body::empty());
    };
    let fresh = token.is_none();
    let token = token.or_else(|| fresh_csrf_token(&parts.headers));
    if parts.headers.contains_key(header::CONTENT_ENCODING) {
        return Response::from_parts(parts, Body::from(bytes));
    }
    let holes = match token
        .as_deref()
        .filter(|t| memchr::memmem::find(&bytes, t.as_bytes()).is_some())
    {
        Some(t) => match Holes::cut(&bytes, t.as_bytes()) {
            Some(h) => Some(h),
            None => return Response::from_parts(parts, Body::from(bytes)),
        },
        None => None,
    };
    let mut entry = Entry::new(
        before.stamp(public.scopes),
        clock,
        public.max_age,
        &parts.headers,
        bytes,
    );
    let guest = match (&holes, token) {
        (Some(_), Some(value)) => Some(GuestToken {
            value,
            fresh,
            secure: state.config.secure_cookies(),
        }),
        _ => None,
    };
    if let Some(h) = holes {
        // The kept copy never holds the first guest's token.
        entry.identity = Bytes::new();
        entry.gzip = None;
        entry.brotli = None;
        entry.holes = Some(h);
    }
    let entry = state.pages.put(key, entry);
    answer(
        &entry,
        encoding,
        validators.as_ref(),
        "miss",
        guest.as_ref(),
    )
}

fn guest_token(state: &AppState, headers: &HeaderMap) -> GuestToken {
    let secure = state.config.secure_cookies();
    match super::csrf::cookie_token(headers) {
        Some(value) => GuestToken {
            value,
            fresh: false,
            secure,
        },
        None => GuestToken {
            value: super::csrf::new_token(),
            fresh: true,
            secure,
        },
    }
}

/// The page a guest asks for: the path with its query, and the cookies that choose how it is
/// shown (the language, the reader's text size), in order; the anonymous CSRF cookie differs
/// per visitor and is left out, since a kept page never shows it.
fn key_of(req: &Request) -> String {
    // Checked per cookie on every guest GET: a prefix test without building a string each time.
    let is_csrf = |c: &str| {
        c.strip_prefix(super::csrf::CSRF_COOKIE)
            .is_some_and(|rest| rest.starts_with('='))
    };
    let mut cookies: Vec<&str> = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .filter(|c| !c.is_empty() && !is_csrf(c))
        .collect();
    cookies.sort_unstable();
    let target = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    format!("{target}|{}", cookies.join(";"))
}

/// A signed-in request (a session cookie or a bearer token): never served from or kept in
/// the cache.
fn personal(headers: &HeaderMap) -> bool {
    headers.contains_key(header::AUTHORIZATION)
        || super::ctx::cookie(headers, super::ctx::SESSION_COOKIE).is_some()
}

/// The value of a `Set-Cookie` for the CSRF cookie (`token; Path=/…`), or `None` for another.
fn csrf_set_cookie(v: &str) -> Option<&str> {
    v.strip_prefix(super::csrf::CSRF_COOKIE)?.strip_prefix('=')
}

fn sets_other_cookies(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| !v.to_str().is_ok_and(|v| csrf_set_cookie(v).is_some()))
}

/// The CSRF token the response gives a first-time visitor, if any.
fn fresh_csrf_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(csrf_set_cookie)
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
}

impl Entry {
    fn new(stamp: Stamp, clock: i64, max_age: Duration, headers: &HeaderMap, body: Bytes) -> Self {
        let mut kept = HeaderMap::new();
        for (name, value) in headers {
            if ![
                header::SET_COOKIE,
                header::CONTENT_LENGTH,
                header::ETAG,
                header::VARY,
                header::CACHE_CONTROL,
            ]
            .contains(name)
            {
                kept.append(name, value.clone());
            }
        }
        use sha2::Digest;
        let digest = sha2::Sha256::digest(&body);
        let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
        // Weak: the same validator for each encoding of the same page.
        let etag = HeaderValue::from_str(&format!("W/\"{hex}\""))
            .unwrap_or_else(|_| HeaderValue::from_static("W/\"0\""));
        let (gzip, brotli) = if body.len() >= MIN_COMPRESS {
            (gzip(&body), brotli(&body))
        } else {
            (None, None)
        };
        Self {
            stamp,
            clock,
            born: Instant::now(),
            max_age,
            etag,
            headers: kept,
            identity: body,
            gzip,
            brotli,
            holes: None,
        }
    }
}

fn gzip(body: &[u8]) -> Option<Bytes> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(body).ok()?;
    let out = enc.finish().ok()?;
    (out.len() < body.len()).then(|| Bytes::from(out))
}

fn brotli(body: &[u8]) -> Option<Bytes> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 9,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &body[..], &mut out, &params).ok()?;
    (out.len() < body.len()).then(|| Bytes::from(out))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    /// The best encoding the client accepts (`q=0` refuses one).
    fn accepted(headers: &HeaderMap) -> Self {
        let mut br = false;
        let mut gz = false;
        for value in headers.get_all(header::ACCEPT_ENCODING) {
            let Ok(value) = value.to_str() else { continue };
            for item in value.split(',') {
                let mut bits = item.split(';');
                let name = bits.next().unwrap_or("").trim().to_ascii_lowercase();
                let refused = bits.any(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                if refused {
                    continue;
                }
                match name.as_str() {
                    "br" => br = true,
                    "gzip" | "x-gzip" => gz = true,
                    _ => {}
                }
            }
        }
        if br {
            Self::Brotli
        } else if gz {
            Self::Gzip
        } else {
            Self::Identity
        }
    }
}

fn answer(
    entry: &Entry,
    encoding: Encoding,
    validators: Option<&HeaderValue>,
    how: &'static str,
    guest: Option<&GuestToken>,
) -> Response {
    // A page with holes differs per guest token: its validator names the token too.
    let etag = match guest {
        Some(g) => {
            use sha2::Digest;
            let d = sha2::Sha256::digest(g.value.as_bytes());
            let tag = entry.etag_str().trim_end_matches('"');
            HeaderValue::from_str(&format!(
                "W/{tag}-{:02x}{:02x}{:02x}{:02x}\"",
                d[0], d[1], d[2], d[3]
            ))
            .unwrap_or_else(|_| entry.etag.clone())
        }
        None => entry.etag.clone(),
    };
    let etag_str = etag
        .to_str()
        .unwrap_or("")
        .trim_start_matches("W/")
        .to_string();
    let matched = validators.and_then(|v| v.to_str().ok()).is_some_and(|v| {
        v.split(',')
            .map(str::trim)
            .any(|t| t == "*" || t.trim_start_matches("W/") == etag_str)
    });
    let (status, body, coding) = if matched {
        (StatusCode::NOT_MODIFIED, Bytes::new(), None)
    } else if let (Some(holes), Some(g)) = (&entry.holes, guest) {
        match encoding {
            Encoding::Brotli | Encoding::Gzip => {
                (StatusCode::OK, holes.gzip(&g.value), Some("gzip"))
            }
            Encoding::Identity => (StatusCode::OK, holes.plain(&g.value), None),
        }
    } else {
        match (encoding, &entry.brotli, &entry.gzip) {
            (Encoding::Brotli, Some(b), _) => (StatusCode::OK, b.clone(), Some("br")),
            (Encoding::Brotli | Encoding::Gzip, _, Some(g)) => {
                (StatusCode::OK, g.clone(), Some("gzip"))
            }
            _ => (StatusCode::OK, entry.identity.clone(), None),
        }
    };
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    if status == StatusCode::OK {
        for (name, value) in &entry.headers {
            h.append(name, value.clone());
        }
    }
    if let Some(c) = coding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(c));
    }
    h.insert(header::ETAG, etag);
    // Signed-in visitors (a cookie) and other languages (a cookie) see other pages.
    h.insert(
        header::VARY,
        HeaderValue::from_static("accept-encoding, cookie"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if guest.is_some() {
            "private, no-cache"
        } else {
            "no-cache"
        }),
    );
    h.insert("x-cache", HeaderValue::from_static(how));
    if let Some(g) = guest.filter(|g| g.fresh) {
        super::csrf::set_cookie(&mut resp, &g.value, g.secure);
    }
    resp
}

impl Entry {
    fn etag_str(&self) -> &str {
        self.etag.to_str().unwrap_or("").trim_start_matches("W/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> Encoding {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
        Encoding::accepted(&h)
    }

    #[test]
    fn picks_the_best_accepted_encoding() {
        assert_eq!(accept("gzip, deflate, br, zstd"), Encoding::Brotli);
        assert_eq!(accept("gzip"), Encoding::Gzip);
        assert_eq!(accept("br;q=0, gzip;q=0.5"), Encoding::Gzip);
        assert_eq!(accept("identity"), Encoding::Identity);
        assert_eq!(Encoding::accepted(&HeaderMap::new()), Encoding::Identity);
    }

    #[test]
    fn variants_decompress_to_the_page() {
        let page = "<p>Inovasi Trenggalek</p>".repeat(100);
        let g = gzip(page.as_bytes()).unwrap();
        let mut out = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&g[..]), &mut out).unwrap();
        assert_eq!(out, page);
        let b = brotli(page.as_bytes()).unwrap();
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &b[..], &mut out).unwrap();
        assert_eq!(out, page.as_bytes());
    }

    #[test]
    fn a_page_with_holes_gets_each_guest_s_token_plain_and_gzipped() {
        let token = "tokenAAAAAAAAAAAAAAAAAAAAAAAA";
        let page = format!(
            "<form><input name=_csrf value={token}></form>{}<form action=/x?_csrf={token}></form>",
            "<p>Cerita dari arsip Trenggalek</p>".repeat(200)
        );
        let holes = Holes::cut(page.as_bytes(), token.as_bytes()).unwrap();
        assert_eq!(holes.parts.len(), 3);
        let mine = "tokenBBBBBBBBBBBBBBBBBBBBBBBBBB";
        let want = page.replace(token, mine);
        assert_eq!(holes.plain(mine), want.as_bytes());
        let gz = holes.gzip(mine);
        let mut out = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut out)
            .unwrap();
        assert_eq!(out, want);
        // The holes cost a few bytes over compressing the whole page at once.
        assert!(gz.len() < gzip(want.as_bytes()).unwrap().len() + 200);
        // No token on the page: one part, still a valid stream.
        let one = Holes::cut(b"<p>tanpa formulir</p>", token.as_bytes()).unwrap();
        let mut out = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(&one.gzip(mine)[..]),
            &mut out,
        )
        .unwrap();
        assert_eq!(out, "<p>tanpa formulir</p>");
    }

    #[test]
    fn only_the_anonymous_csrf_cookie_may_be_set() {
        let mut h = HeaderMap::new();
        h.append(
            header::SET_COOKIE,
            HeaderValue::from_static("anj_csrf=abcdefghijklmnopqrstuvwx; Path=/; HttpOnly"),
        );
        assert!(!sets_other_cookies(&h));
        assert_eq!(
            fresh_csrf_token(&h).as_deref(),
            Some("abcdefghijklmnopqrstuvwx")
        );
        h.append(header::SET_COOKIE, HeaderValue::from_static("anj_lang=en"));
        assert!(sets_other_cookies(&h));
    }
}

//! OAI-PMH 2.0 data provider for Cilen, harvested by Indonesia OneSearch at `/oai`.
//!
//! Pure protocol logic: argument validation ([`parse`]), resumption tokens, and XML rendering.
//! No I/O, no database, no HTTP. The web layer is a thin loop:
//!
//! 1. Decode the argument pairs (query string for GET, `application/x-www-form-urlencoded`
//!    body for POST), keeping repeats and order, e.g. `Vec<(String, String)>` via
//!    `serde_urlencoded`.
//! 2. `match parse(&repo, &args)`: on `Err(errors)` answer [`render_errors`]`(&repo, now, &args,
//!    &errors)`. On `Ok(request)`:
//!    * [`Request::Identify`] → [`render_identify`].
//!    * [`Request::ListMetadataFormats`] → without an item, [`render_formats`] with
//!      `Some(FORMATS)`; with an item, look `item.local_id` up (deleted items count as existing):
//!      found → `Some(FORMATS)`, not found → `None` (→ `idDoesNotExist`).
//!    * [`Request::ListSets`] → fetch up to [`Repository::fetch_limit`] sets with
//!      `spec > after` ordered by spec (byte order), → [`render_sets`].
//!    * [`Request::ListIdentifiers`] / [`Request::ListRecords`] → fetch up to
//!      [`Repository::fetch_limit`] (`page_size + 1`) records matching [`ListArgs`] (see its
//!      docs for the exact `WHERE`/`ORDER BY`), optionally count the whole list without
//!      `after`, → [`render_list`]. The extra row only tells the renderer that more exist;
//!      the renderer shows `page_size` rows and builds the next token from the last one shown.
//!    * [`Request::GetRecord`] → look `item.local_id` up → [`render_record`].
//! 3. Respond `200 OK` with [`CONTENT_TYPE`] — OAI-PMH errors are in the body, never in the
//!    HTTP status.
//!
//! Empty results are handled by the renderers (`noRecordsMatch`, `idDoesNotExist`,
//! `noSetHierarchy`, `noMetadataFormats`), so the web layer never builds errors itself.
//!
//! Datestamps are UTC with second granularity (`YYYY-MM-DDThh:mm:ssZ`); `from`/`until` are
//! also accepted as `YYYY-MM-DD`. Deleted records are kept forever (`deletedRecord` =
//! `persistent`): the store must keep returning them, with `Header::deleted` set.
//!
//! Resumption tokens are URL-safe base64 (no padding) of a small binary encoding of the
//! original request (verb, prefix, set, from, until), the position after the last item sent
//! (datestamp to the nanosecond, local id) and the cursor, followed by a 64-bit checksum keyed
//! with the repository identifier. The checksum is an integrity check against garbled or
//! edited tokens, not an authenticator: everything a token decodes to is validated again, so a
//! forged token can only ask for what an ordinary request could. Tokens never expire.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use time::{Date, Duration, Month, OffsetDateTime, Time, UtcOffset};

/// The OAI-PMH namespace.
pub const OAI_NS: &str = "http://www.openarchives.org/OAI/2.0/";
/// The `oai_dc` metadata namespace.
pub const OAI_DC_NS: &str = "http://www.openarchives.org/OAI/2.0/oai_dc/";
/// Dublin Core elements 1.1.
pub const DC_NS: &str = "http://purl.org/dc/elements/1.1/";
/// The namespace of the `oai-identifier` description in Identify.
pub const OAI_IDENTIFIER_NS: &str = "http://www.openarchives.org/OAI/2.0/oai-identifier";
const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// The only metadata format Cilen disseminates (every item has it).
pub const OAI_DC: &str = "oai_dc";
/// The repository's datestamp granularity as declared in Identify.
pub const GRANULARITY: &str = "YYYY-MM-DDThh:mm:ssZ";
/// `Content-Type` of every response (errors included, always with HTTP 200).
pub const CONTENT_TYPE: &str = "text/xml; charset=utf-8";

/// A metadata format this repository can disseminate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetadataFormat {
    pub prefix: &'static str,
    pub schema: &'static str,
    pub namespace: &'static str,
}

/// Every format of every item: pass to [`render_formats`].
pub const FORMATS: &[MetadataFormat] = &[MetadataFormat {
    prefix: OAI_DC,
    schema: "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
    namespace: OAI_DC_NS,
}];

/// Static description of the repository, from configuration.
#[derive(Debug, Clone)]
pub struct Repository {
    pub name: String,
    /// The URL of `/oai`, absolute, as harvesters reach it.
    pub base_url: String,
    /// The `repositoryIdentifier` of the `oai` scheme, a domain name, e.g.
    /// `anjungan.trenggalekkab.go.id`.
    pub repository_id: String,
    /// At least one address (Identify requires one).
    pub admin_emails: Vec<String>,
    /// Lower bound of every datestamp in the repository, deleted records included.
    pub earliest: OffsetDateTime,
    /// Items per list response; 0 is treated as 1.
    pub page_size: usize,
    /// Whether the repository has a set hierarchy. When false, `ListSets` and any `set`
    /// argument answer `noSetHierarchy`.
    pub has_sets: bool,
    /// Local part of the `sampleIdentifier` in Identify, e.g. `cerita/123`.
    pub sample_local_id: String,
}

impl Repository {
    /// How many rows the store fetches for one list page: `page_size + 1`, the extra row
    /// telling whether another page exists.
    pub fn fetch_limit(&self) -> usize {
        self.page_len() + 1
    }

    fn page_len(&self) -> usize {
        self.page_size.max(1)
    }

    /// `oai:{repository_id}:{local}`.
    pub fn identifier(&self, local: &str) -> String {
        format!("oai:{}:{}", self.repository_id, local)
    }
}

/// The local id inside an OAI identifier of this repository, `None` when `identifier` is not
/// `oai:{repository_id}:{local}` with a non-empty, syntactically valid local part (the
/// repository identifier is compared case-insensitively, as domain names are). `None` means
/// `idDoesNotExist`.
pub fn local_id(repo: &Repository, identifier: &str) -> Option<String> {
    let rest = identifier.strip_prefix("oai:")?;
    let (rid, local) = rest.split_once(':')?;
    if !rid.eq_ignore_ascii_case(&repo.repository_id) || local.is_empty() {
        return None;
    }
    let ok = local
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.!~*'();/?:@&=+$,%".contains(c));
    ok.then(|| local.to_string())
}

/// Whether a record carrying `record_set` belongs to the requested `set`: equal, or a
/// descendant in the hierarchy (`a:b` is in `a`). In SQL:
/// `spec = $set OR substr(spec, 1, length($set) + 1) = $set || ':'` (avoid `LIKE`: `_` is a
/// wildcard there and is legal in set specs).
pub fn in_set(record_set: &str, set: &str) -> bool {
    record_set == set
        || (record_set.len() > set.len()
            && record_set.starts_with(set)
            && record_set.as_bytes()[set.len()] == b':')
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/// The eight OAI-PMH error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    BadArgument,
    BadResumptionToken,
    BadVerb,
    CannotDisseminateFormat,
    IdDoesNotExist,
    NoRecordsMatch,
    NoMetadataFormats,
    NoSetHierarchy,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadArgument => "badArgument",
            ErrorCode::BadResumptionToken => "badResumptionToken",
            ErrorCode::BadVerb => "badVerb",
            ErrorCode::CannotDisseminateFormat => "cannotDisseminateFormat",
            ErrorCode::IdDoesNotExist => "idDoesNotExist",
            ErrorCode::NoRecordsMatch => "noRecordsMatch",
            ErrorCode::NoMetadataFormats => "noMetadataFormats",
            ErrorCode::NoSetHierarchy => "noSetHierarchy",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OaiError {
    pub code: ErrorCode,
    pub message: String,
}

impl OaiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        OaiError {
            code,
            message: message.into(),
        }
    }
    fn bad_argument(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::BadArgument, message)
    }
    fn bad_token() -> Self {
        Self::new(
            ErrorCode::BadResumptionToken,
            "The resumptionToken is invalid or expired",
        )
    }
    fn no_records() -> Self {
        Self::new(
            ErrorCode::NoRecordsMatch,
            "No records match the request arguments",
        )
    }
    fn no_sets() -> Self {
        Self::new(
            ErrorCode::NoSetHierarchy,
            "This repository does not support sets",
        )
    }
    fn id_not_found(identifier: &str) -> Self {
        Self::new(
            ErrorCode::IdDoesNotExist,
            format!("No item has the identifier {identifier}"),
        )
    }
}

// ---------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------

/// An item identifier as requested, and its local id in this repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemId {
    pub identifier: String,
    pub local_id: String,
}

/// A paged `ListSets` request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SetArgs {
    /// Resume point: list sets whose spec is byte-wise greater than this.
    pub after: Option<String>,
    /// Number of sets already sent.
    pub cursor: usize,
}

/// A `ListIdentifiers` / `ListRecords` request, fresh or resumed.
///
/// The store selects records (deleted ones included) with
///
/// ```text
/// WHERE ($from  IS NULL OR datestamp >= $from)
///   AND ($until IS NULL OR datestamp <  $until_exclusive)       -- ListArgs::until_exclusive
///   AND ($set   IS NULL OR <a set spec of the record is $set or starts with $set || ':'>)
///   AND ($after IS NULL OR datestamp > $after_ts OR (datestamp = $after_ts AND local_id > $after_id))
/// ORDER BY datestamp, local_id  -- local_id in byte order (Postgres: COLLATE "C")
/// LIMIT repo.fetch_limit()       -- page_size + 1
/// ```
///
/// and passes the rows, unmodified and in that order, to [`render_list`]. The datestamps it
/// returns must be the exact stored values (the token keeps nanoseconds), so the resume
/// comparison matches the ordering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListArgs {
    pub prefix: String,
    pub set: Option<String>,
    /// Inclusive lower bound (start of the day for a `YYYY-MM-DD` argument).
    pub from: Option<OffsetDateTime>,
    /// Inclusive upper bound at second granularity (23:59:59 for a `YYYY-MM-DD` argument).
    /// Prefer [`ListArgs::until_exclusive`] in queries.
    pub until: Option<OffsetDateTime>,
    /// Resume point: the (datestamp, local id) of the last record already sent.
    pub after: Option<(OffsetDateTime, String)>,
    /// Number of records already sent.
    pub cursor: usize,
}

impl ListArgs {
    fn fresh(prefix: String) -> Self {
        ListArgs {
            prefix,
            set: None,
            from: None,
            until: None,
            after: None,
            cursor: 0,
        }
    }

    /// Exclusive upper bound: `until` + 1 s, so a stored datestamp with a fraction of a
    /// second (displayed truncated) is selected exactly when its displayed value is
    /// `<= until`. `None` when there is no `until` (or it is the last representable second).
    pub fn until_exclusive(&self) -> Option<OffsetDateTime> {
        self.until.and_then(|u| u.checked_add(Duration::seconds(1)))
    }
}

/// A valid OAI-PMH request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Identify,
    ListMetadataFormats { item: Option<ItemId> },
    ListSets(SetArgs),
    ListIdentifiers(ListArgs),
    ListRecords(ListArgs),
    GetRecord { item: ItemId, prefix: String },
}

impl Request {
    pub fn verb(&self) -> &'static str {
        match self {
            Request::Identify => "Identify",
            Request::ListMetadataFormats { .. } => "ListMetadataFormats",
            Request::ListSets(_) => "ListSets",
            Request::ListIdentifiers(_) => "ListIdentifiers",
            Request::ListRecords(_) => "ListRecords",
            Request::GetRecord { .. } => "GetRecord",
        }
    }
}

/// (verb, required, optional, exclusive)
fn verb_args(verb: &str) -> Option<(&'static [&'static str], &'static [&'static str], bool)> {
    const LIST: &[&str] = &["from", "until", "set"];
    Some(match verb {
        "Identify" => (&[], &[], false),
        "ListMetadataFormats" => (&[], &["identifier"], false),
        "ListSets" => (&[], &[], true),
        "ListIdentifiers" | "ListRecords" => (&["metadataPrefix"], LIST, true),
        "GetRecord" => (&["identifier", "metadataPrefix"], &[], false),
        _ => return None,
    })
}

/// Validates the decoded argument pairs of one request (GET query or POST form body).
///
/// Returns every error found: `badVerb` alone when the verb is missing, repeated or unknown;
/// otherwise all `badArgument` errors if there are any; otherwise the remaining errors
/// (`badResumptionToken`, `cannotDisseminateFormat`, `idDoesNotExist` for identifiers not of
/// this repository, `noSetHierarchy`). Render them with [`render_errors`].
pub fn parse(repo: &Repository, args: &[(String, String)]) -> Result<Request, Vec<OaiError>> {
    let verbs: Vec<&str> = args
        .iter()
        .filter(|(k, _)| k == "verb")
        .map(|(_, v)| v.as_str())
        .collect();
    let verb = match verbs.as_slice() {
        [] => {
            return Err(vec![OaiError::new(
                ErrorCode::BadVerb,
                "The verb argument is missing",
            )]);
        }
        [v] => *v,
        _ => {
            return Err(vec![OaiError::new(
                ErrorCode::BadVerb,
                "The verb argument is repeated",
            )]);
        }
    };
    let Some((required, optional, exclusive)) = verb_args(verb) else {
        return Err(vec![OaiError::new(
            ErrorCode::BadVerb,
            format!("Illegal OAI verb: {verb}"),
        )]);
    };

    let mut bad = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    let mut token = None;
    for (k, v) in args.iter().filter(|(k, _)| k != "verb") {
        let legal = required.contains(&k.as_str())
            || optional.contains(&k.as_str())
            || (exclusive && k == "resumptionToken");
        if !legal {
            bad.push(OaiError::bad_argument(format!(
                "Illegal argument for {verb}: {k}"
            )));
            continue;
        }
        if seen.contains(&k.as_str()) {
            bad.push(OaiError::bad_argument(format!("Repeated argument: {k}")));
            continue;
        }
        seen.push(k);
        if v.is_empty() {
            bad.push(OaiError::bad_argument(format!(
                "Empty value for argument {k}"
            )));
        }
        if k == "resumptionToken" {
            token = Some(v.as_str());
        }
    }
    let get = |name: &str| {
        args.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };

    if let Some(token) = token {
        if seen.len() > 1 {
            bad.push(OaiError::bad_argument(
                "resumptionToken is an exclusive argument",
            ));
        }
        if !bad.is_empty() {
            return Err(bad);
        }
        if verb == "ListSets" && !repo.has_sets {
            return Err(vec![OaiError::no_sets()]);
        }
        return decode_token(repo, verb, token).ok_or_else(|| vec![OaiError::bad_token()]);
    }

    for r in required {
        if !seen.contains(r) {
            bad.push(OaiError::bad_argument(format!(
                "Missing required argument for {verb}: {r}"
            )));
        }
    }

    // Dates (ListIdentifiers / ListRecords only; others reject them as illegal above).
    let from = get("from")
        .filter(|v| !v.is_empty())
        .map(|v| (v, parse_date(v)));
    let until = get("until")
        .filter(|v| !v.is_empty())
        .map(|v| (v, parse_date(v)));
    for (name, d) in [("from", &from), ("until", &until)] {
        if let Some((v, None)) = d {
            bad.push(OaiError::bad_argument(format!(
                "Argument {name} is not a UTC date of granularity YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ: {v}"
            )));
        }
    }
    let from = from.and_then(|(_, d)| d);
    let until = until.and_then(|(_, d)| d);
    if let (Some((f, fg)), Some((u, ug))) = (from, until) {
        if fg != ug {
            bad.push(OaiError::bad_argument(
                "Arguments from and until have different granularities",
            ));
        } else if f > u {
            bad.push(OaiError::bad_argument("Argument from is later than until"));
        }
    }
    let set = get("set").filter(|v| !v.is_empty());
    if let Some(s) = set
        && !valid_set_spec(s)
    {
        bad.push(OaiError::bad_argument(format!("Malformed setSpec: {s}")));
    }
    if !bad.is_empty() {
        return Err(bad);
    }

    // Arguments are well formed; now what this repository can answer.
    let mut errors = Vec::new();
    let prefix = get("metadataPrefix").map(str::to_string);
    if let Some(p) = &prefix
        && !FORMATS.iter().any(|f| f.prefix == p)
    {
        errors.push(OaiError::new(
            ErrorCode::CannotDisseminateFormat,
            format!("The metadata format {p} is not supported"),
        ));
    }
    if (set.is_some() || verb == "ListSets") && !repo.has_sets {
        errors.push(OaiError::no_sets());
    }
    let item = match get("identifier") {
        None => None,
        Some(id) => match local_id(repo, id) {
            Some(local) => Some(ItemId {
                identifier: id.to_string(),
                local_id: local,
            }),
            None => {
                errors.push(OaiError::id_not_found(id));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(errors);
    }

    let list = || {
        let mut a = ListArgs::fresh(prefix.clone().unwrap_or_default());
        a.set = set.map(str::to_string);
        a.from = from.map(|(d, _)| d);
        // Inclusive up to the last second of the day for day granularity.
        a.until = until.map(|(d, g)| match g {
            Granularity::Day => d.replace_time(time::macros::time!(23:59:59)),
            Granularity::Seconds => d,
        });
        a
    };
    Ok(match verb {
        "Identify" => Request::Identify,
        "ListMetadataFormats" => Request::ListMetadataFormats { item },
        "ListSets" => Request::ListSets(SetArgs::default()),
        "ListIdentifiers" => Request::ListIdentifiers(list()),
        "ListRecords" => Request::ListRecords(list()),
        _ => {
            // Both are required arguments of GetRecord, checked above.
            let (Some(item), Some(prefix)) = (item, prefix) else {
                return Err(vec![OaiError::bad_argument(format!(
                    "Missing required argument for {verb}: identifier and metadataPrefix"
                ))]);
            };
            Request::GetRecord { item, prefix }
        }
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Granularity {
    Day,
    Seconds,
}

/// `YYYY-MM-DD` (start of day) or `YYYY-MM-DDThh:mm:ssZ`, UTC; anything else is `None`.
fn parse_date(s: &str) -> Option<(OffsetDateTime, Granularity)> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(r)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(part.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let g = match b.len() {
        10 => Granularity::Day,
        20 if b[10] == b'T' && b[13] == b':' && b[16] == b':' && b[19] == b'Z' => {
            Granularity::Seconds
        }
        _ => return None,
    };
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let month = Month::try_from(u8::try_from(num(5..7)?).ok()?).ok()?;
    let date = Date::from_calendar_date(num(0..4)? as i32, month, num(8..10)? as u8).ok()?;
    let time = match g {
        Granularity::Day => Time::MIDNIGHT,
        Granularity::Seconds => {
            Time::from_hms(num(11..13)? as u8, num(14..16)? as u8, num(17..19)? as u8).ok()?
        }
    };
    Some((date.with_time(time).assume_utc(), g))
}

/// `setSpec` syntax of the OAI-PMH schema: `([A-Za-z0-9\-_\.!~\*'\(\)])+(:[A-Za-z0-9\-_\.!~\*'\(\)]+)*`.
fn valid_set_spec(s: &str) -> bool {
    s.split(':').all(|part| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.!~*'()".contains(c))
    })
}

// ---------------------------------------------------------------------------------------
// Resumption tokens
// ---------------------------------------------------------------------------------------

const TOKEN_VERSION: u8 = 1;
const KIND_SETS: u8 = b'S';
const KIND_IDENTIFIERS: u8 = b'I';
const KIND_RECORDS: u8 = b'R';

fn token_checksum(repo: &Repository, payload: &[u8]) -> u64 {
    // FNV-1a 64 keyed with the repository identifier, then a SplitMix64 finaliser. Every
    // single-byte change of the payload changes the result.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let key = b"anjungan-oai-resumption\0";
    for &b in key
        .iter()
        .chain(repo.repository_id.to_ascii_lowercase().as_bytes())
        .chain(&[0u8])
        .chain(payload)
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

struct Writer(Vec<u8>);

impl Writer {
    fn uint(&mut self, mut n: u64) {
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                self.0.push(byte);
                return;
            }
            self.0.push(byte | 0x80);
        }
    }
    fn str(&mut self, s: &str) {
        self.uint(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }
    fn time(&mut self, t: OffsetDateTime) {
        let secs = t.unix_timestamp();
        self.uint(((secs << 1) ^ (secs >> 63)) as u64); // zigzag
        self.uint(u64::from(t.nanosecond()));
    }
    fn opt<T>(&mut self, v: Option<T>, f: impl FnOnce(&mut Self, T)) {
        match v {
            None => self.0.push(0),
            Some(v) => {
                self.0.push(1);
                f(self, v);
            }
        }
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
    fn uint(&mut self) -> Option<u64> {
        let mut n: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }
    fn str(&mut self) -> Option<String> {
        let len = usize::try_from(self.uint()?).ok()?;
        if len > self.0.len() {
            return None;
        }
        let (s, rest) = self.0.split_at(len);
        self.0 = rest;
        String::from_utf8(s.to_vec()).ok()
    }
    fn time(&mut self) -> Option<OffsetDateTime> {
        let z = self.uint()?;
        let secs = ((z >> 1) as i64) ^ -((z & 1) as i64);
        let nanos = u32::try_from(self.uint()?).ok()?;
        let t = OffsetDateTime::from_unix_timestamp(secs).ok()?;
        t.replace_nanosecond(nanos).ok()
    }
    fn opt<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        match self.byte()? {
            0 => Some(None),
            1 => f(self).map(Some),
            _ => None,
        }
    }
}

fn seal(repo: &Repository, mut w: Writer) -> String {
    let sum = token_checksum(repo, &w.0);
    w.0.extend_from_slice(&sum.to_be_bytes());
    URL_SAFE_NO_PAD.encode(&w.0)
}

fn sets_token(repo: &Repository, after: &str, cursor: usize) -> String {
    let mut w = Writer(vec![TOKEN_VERSION, KIND_SETS]);
    w.str(after);
    w.uint(cursor as u64);
    seal(repo, w)
}

/// The token resuming the list `args` after the record `(datestamp, local id)`, with `cursor`
/// records sent by then (`args.after` and `args.cursor` are those of the request answered).
fn list_token(
    repo: &Repository,
    headers_only: bool,
    args: &ListArgs,
    (ts, id): (OffsetDateTime, &str),
    cursor: usize,
) -> String {
    let kind = if headers_only {
        KIND_IDENTIFIERS
    } else {
        KIND_RECORDS
    };
    let mut w = Writer(vec![TOKEN_VERSION, kind]);
    w.str(&args.prefix);
    w.opt(args.set.as_deref(), |w, s| w.str(s));
    w.opt(args.from, Writer::time);
    w.opt(args.until, Writer::time);
    w.time(ts);
    w.str(id);
    w.uint(cursor as u64);
    seal(repo, w)
}

/// Decodes and re-validates a token for `verb`; `None` is `badResumptionToken`.
fn decode_token(repo: &Repository, verb: &str, token: &str) -> Option<Request> {
    let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
    if bytes.len() < 10 {
        return None;
    }
    let (payload, sum) = bytes.split_at(bytes.len() - 8);
    if token_checksum(repo, payload).to_be_bytes() != sum {
        return None;
    }
    let mut r = Reader(payload);
    if r.byte()? != TOKEN_VERSION {
        return None;
    }
    let kind = r.byte()?;
    let expected = match verb {
        "ListSets" => KIND_SETS,
        "ListIdentifiers" => KIND_IDENTIFIERS,
        "ListRecords" => KIND_RECORDS,
        _ => return None,
    };
    if kind != expected {
        return None;
    }
    if kind == KIND_SETS {
        let after = r.str()?;
        let cursor = usize::try_from(r.uint()?).ok()?;
        if !r.0.is_empty() || !repo.has_sets {
            return None;
        }
        return Some(Request::ListSets(SetArgs {
            after: Some(after),
            cursor,
        }));
    }
    let prefix = r.str()?;
    let set = r.opt(Reader::str)?;
    let from = r.opt(Reader::time)?;
    let until = r.opt(Reader::time)?;
    let after = (r.time()?, r.str()?);
    let cursor = usize::try_from(r.uint()?).ok()?;
    let valid = r.0.is_empty()
        && FORMATS.iter().any(|f| f.prefix == prefix)
        && set
            .as_deref()
            .is_none_or(|s| repo.has_sets && valid_set_spec(s))
        && !matches!((from, until), (Some(f), Some(u)) if f > u);
    if !valid {
        return None;
    }
    let args = ListArgs {
        prefix,
        set,
        from,
        until,
        after: Some(after),
        cursor,
    };
    Some(if kind == KIND_IDENTIFIERS {
        Request::ListIdentifiers(args)
    } else {
        Request::ListRecords(args)
    })
}

// ---------------------------------------------------------------------------------------
// Data from the store
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub local_id: String,
    /// Last change (creation, modification, withdrawal) of the item's metadata.
    pub datestamp: OffsetDateTime,
    pub sets: Vec<String>,
    pub deleted: bool,
}

/// Simple Dublin Core: the 15 elements, each optional and repeatable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DublinCore {
    pub title: Vec<String>,
    pub creator: Vec<String>,
    pub subject: Vec<String>,
    pub description: Vec<String>,
    pub publisher: Vec<String>,
    pub contributor: Vec<String>,
    pub date: Vec<String>,
    pub type_: Vec<String>,
    pub format: Vec<String>,
    pub identifier: Vec<String>,
    pub source: Vec<String>,
    pub language: Vec<String>,
    pub relation: Vec<String>,
    pub coverage: Vec<String>,
    pub rights: Vec<String>,
}

impl DublinCore {
    fn elements(&self) -> [(&'static str, &[String]); 15] {
        [
            ("title", &self.title),
            ("creator", &self.creator),
            ("subject", &self.subject),
            ("description", &self.description),
            ("publisher", &self.publisher),
            ("contributor", &self.contributor),
            ("date", &self.date),
            ("type", &self.type_),
            ("format", &self.format),
            ("identifier", &self.identifier),
            ("source", &self.source),
            ("language", &self.language),
            ("relation", &self.relation),
            ("coverage", &self.coverage),
            ("rights", &self.rights),
        ]
    }
}

/// A record. `metadata` is ignored when the header is deleted; for a live record `None`
/// renders an empty `oai_dc:dc`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub header: Header,
    pub metadata: Option<DublinCore>,
}

/// A set of the hierarchy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetSpec {
    /// Colon-separated hierarchy, e.g. `koleksi:arsip`.
    pub spec: String,
    pub name: String,
    /// Rendered as an `oai_dc` `setDescription`.
    pub description: Option<String>,
}

// ---------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------

/// UTC, second granularity: `YYYY-MM-DDThh:mm:ssZ` (years clamped to 0000..=9999).
pub fn datestamp(t: OffsetDateTime) -> String {
    let Some(t) = t.checked_to_offset(UtcOffset::UTC) else {
        return if t.year() < 0 {
            "0000-01-01T00:00:00Z".into()
        } else {
            "9999-12-31T23:59:59Z".into()
        };
    };
    match t.year() {
        y if y < 0 => "0000-01-01T00:00:00Z".into(),
        y if y > 9999 => "9999-12-31T23:59:59Z".into(),
        y => format!(
            "{y:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ),
    }
}

/// Element content, or a double-quoted attribute when `attr`: the kernel's one XML escaper.
fn esc(out: &mut String, s: &str, attr: bool) {
    out.push_str(&if attr {
        anjungan_kernel::text::xml_attr(s)
    } else {
        anjungan_kernel::text::xml_text(s)
    });
}

fn elem(out: &mut String, indent: &str, name: &str, text: &str) {
    out.push_str(indent);
    out.push('<');
    out.push_str(name);
    out.push('>');
    esc(out, text, false);
    out.push_str("</");
    out.push_str(name);
    out.push_str(">\n");
}

/// Prolog, root, responseDate and request. `echo` = whether the request element carries the
/// arguments as attributes.
fn open(repo: &Repository, now: OffsetDateTime, args: &[(String, String)], echo: bool) -> String {
    let mut out = String::with_capacity(4096);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<OAI-PMH xmlns=\"{OAI_NS}\" xmlns:xsi=\"{XSI_NS}\" \
         xsi:schemaLocation=\"{OAI_NS} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd\">\n"
    ));
    elem(&mut out, "  ", "responseDate", &datestamp(now));
    out.push_str("  <request");
    if echo {
        for (k, v) in args {
            // Only legal argument names reach here; skip anything that is not an XML name.
            if k.is_empty() || !k.chars().all(|c| c.is_ascii_alphabetic()) {
                continue;
            }
            out.push(' ');
            out.push_str(k);
            out.push_str("=\"");
            esc(&mut out, v, true);
            out.push('"');
        }
    }
    out.push('>');
    esc(&mut out, &repo.base_url, false);
    out.push_str("</request>\n");
    out
}

fn close(mut out: String) -> String {
    out.push_str("</OAI-PMH>\n");
    out
}

/// An error response. The `request` element echoes `args` unless an error is `badVerb` or
/// `badArgument`, in which case it carries only the base URL (OAI-PMH §3.6).
pub fn render_errors(
    repo: &Repository,
    now: OffsetDateTime,
    args: &[(String, String)],
    errors: &[OaiError],
) -> String {
    let echo = !errors
        .iter()
        .any(|e| matches!(e.code, ErrorCode::BadVerb | ErrorCode::BadArgument));
    let mut out = open(repo, now, args, echo);
    for e in errors {
        out.push_str("  <error code=\"");
        out.push_str(e.code.as_str());
        out.push_str("\">");
        esc(&mut out, &e.message, false);
        out.push_str("</error>\n");
    }
    close(out)
}

/// `Identify`, declaring second granularity, persistent deletions and the `oai-identifier`
/// description.
pub fn render_identify(
    repo: &Repository,
    now: OffsetDateTime,
    args: &[(String, String)],
) -> String {
    let mut out = open(repo, now, args, true);
    out.push_str("  <Identify>\n");
    let i = "    ";
    elem(&mut out, i, "repositoryName", &repo.name);
    elem(&mut out, i, "baseURL", &repo.base_url);
    elem(&mut out, i, "protocolVersion", "2.0");
    for e in &repo.admin_emails {
        elem(&mut out, i, "adminEmail", e);
    }
    elem(&mut out, i, "earliestDatestamp", &datestamp(repo.earliest));
    elem(&mut out, i, "deletedRecord", "persistent");
    elem(&mut out, i, "granularity", GRANULARITY);
    out.push_str("    <description>\n");
    out.push_str(&format!(
        "      <oai-identifier xmlns=\"{OAI_IDENTIFIER_NS}\" xmlns:xsi=\"{XSI_NS}\" \
         xsi:schemaLocation=\"{OAI_IDENTIFIER_NS} {OAI_IDENTIFIER_NS}.xsd\">\n"
    ));
    let i = "        ";
    elem(&mut out, i, "scheme", "oai");
    elem(&mut out, i, "repositoryIdentifier", &repo.repository_id);
    elem(&mut out, i, "delimiter", ":");
    elem(
        &mut out,
        i,
        "sampleIdentifier",
        &repo.identifier(&repo.sample_local_id),
    );
    out.push_str("      </oai-identifier>\n    </description>\n  </Identify>\n");
    close(out)
}

/// `ListMetadataFormats`. `formats`: `Some(FORMATS)` for the repository or for an item the
/// store found; `None` when the requested item does not exist (→ `idDoesNotExist`); an
/// empty slice → `noMetadataFormats`.
pub fn render_formats(
    repo: &Repository,
    now: OffsetDateTime,
    args: &[(String, String)],
    formats: Option<&[MetadataFormat]>,
) -> String {
    let Some(formats) = formats else {
        let id = args
            .iter()
            .find(|(k, _)| k == "identifier")
            .map_or("", |(_, v)| v.as_str());
        return render_errors(repo, now, args, &[OaiError::id_not_found(id)]);
    };
    if formats.is_empty() {
        let e = OaiError::new(
            ErrorCode::NoMetadataFormats,
            "There are no metadata formats available for the item",
        );
        return render_errors(repo, now, args, &[e]);
    }
    let mut out = open(repo, now, args, true);
    out.push_str("  <ListMetadataFormats>\n");
    for f in formats {
        out.push_str("    <metadataFormat>\n");
        elem(&mut out, "      ", "metadataPrefix", f.prefix);
        elem(&mut out, "      ", "schema", f.schema);
        elem(&mut out, "      ", "metadataNamespace", f.namespace);
        out.push_str("    </metadataFormat>\n");
    }
    out.push_str("  </ListMetadataFormats>\n");
    close(out)
}

fn push_token(out: &mut String, token: Option<&str>, cursor: usize, total: Option<usize>) {
    out.push_str("    <resumptionToken");
    if let Some(n) = total {
        out.push_str(&format!(" completeListSize=\"{n}\""));
    }
    out.push_str(&format!(" cursor=\"{cursor}\""));
    match token {
        Some(t) => {
            out.push('>');
            esc(out, t, false);
            out.push_str("</resumptionToken>\n");
        }
        None => out.push_str("/>\n"),
    }
}

/// `ListSets`. `rows`: up to [`Repository::fetch_limit`] sets after `req.after`, ordered by
/// spec (byte order). `total`: number of sets, if known. An empty first page answers
/// `noSetHierarchy`.
pub fn render_sets(
    repo: &Repository,
    now: OffsetDateTime,
    args: &[(String, String)],
    req: &SetArgs,
    rows: &[SetSpec],
    total: Option<usize>,
) -> String {
    if rows.is_empty() {
        // ListSets cannot answer noRecordsMatch; a resumed empty page means the sets changed.
        let e = if req.after.is_some() {
            OaiError::bad_token()
        } else {
            OaiError::no_sets()
        };
        return render_errors(repo, now, args, &[e]);
    }
    let page = repo.page_len();
    let more = rows.len() > page;
    let shown = &rows[..rows.len().min(page)];
    let mut out = open(repo, now, args, true);
    out.push_str("  <ListSets>\n");
    for s in shown {
        out.push_str("    <set>\n");
        elem(&mut out, "      ", "setSpec", &s.spec);
        elem(&mut out, "      ", "setName", &s.name);
        if let Some(d) = &s.description {
            out.push_str("      <setDescription>\n");
            push_dc_open(&mut out, "        ");
            elem(&mut out, "          ", "dc:description", d);
            out.push_str("        </oai_dc:dc>\n      </setDescription>\n");
        }
        out.push_str("    </set>\n");
    }
    if more {
        let last = &shown[shown.len() - 1].spec;
        let t = sets_token(repo, last, req.cursor + shown.len());
        push_token(&mut out, Some(&t), req.cursor, total);
    } else if req.after.is_some() {
        push_token(&mut out, None, req.cursor, total);
    }
    out.push_str("  </ListSets>\n");
    close(out)
}

fn push_dc_open(out: &mut String, indent: &str) {
    out.push_str(&format!(
        "{indent}<oai_dc:dc xmlns:oai_dc=\"{OAI_DC_NS}\" xmlns:dc=\"{DC_NS}\" \
         xmlns:xsi=\"{XSI_NS}\" xsi:schemaLocation=\"{OAI_DC_NS} \
         http://www.openarchives.org/OAI/2.0/oai_dc.xsd\">\n"
    ));
}

fn push_header(out: &mut String, repo: &Repository, indent: &str, h: &Header) {
    out.push_str(indent);
    out.push_str(if h.deleted {
        "<header status=\"deleted\">\n"
    } else {
        "<header>\n"
    });
    let inner = format!("{indent}  ");
    elem(out, &inner, "identifier", &repo.identifier(&h.local_id));
    elem(out, &inner, "datestamp", &datestamp(h.datestamp));
    for s in &h.sets {
        elem(out, &inner, "setSpec", s);
    }
    out.push_str(indent);
    out.push_str("</header>\n");
}

fn push_record(out: &mut String, repo: &Repository, indent: &str, r: &Record) {
    out.push_str(indent);
    out.push_str("<record>\n");
    let i1 = format!("{indent}  ");
    push_header(out, repo, &i1, &r.header);
    if !r.header.deleted {
        let i2 = format!("{i1}  ");
        let i3 = format!("{i2}  ");
        out.push_str(&i1);
        out.push_str("<metadata>\n");
        push_dc_open(out, &i2);
        let empty = DublinCore::default();
        let dc = r.metadata.as_ref().unwrap_or(&empty);
        for (name, values) in dc.elements() {
            for v in values {
                elem(out, &i3, &format!("dc:{name}"), v);
            }
        }
        out.push_str(&i2);
        out.push_str("</oai_dc:dc>\n");
        out.push_str(&i1);
        out.push_str("</metadata>\n");
    }
    out.push_str(indent);
    out.push_str("</record>\n");
}

/// `ListIdentifiers` (`headers_only`) or `ListRecords`.
///
/// `rows`: what the store returned for `req` (see [`ListArgs`]) — up to
/// [`Repository::fetch_limit`] records in (datestamp, local id) order. If there are more
/// than `page_size`, the first `page_size` are shown with a resumption token positioned
/// after the last one shown; a resumed request's last page has an empty token. `total`:
/// size of the complete list (same filters, without `after`), if counted. No rows →
/// `noRecordsMatch`.
pub fn render_list(
    repo: &Repository,
    now: OffsetDateTime,
    args: &[(String, String)],
    req: &ListArgs,
    headers_only: bool,
    rows: &[Record],
    total: Option<usize>,
) -> String {
    if rows.is_empty() {
        return render_errors(repo, now, args, &[OaiError::no_records()]);
    }
    let page = repo.page_len();
    let more = rows.len() > page;
    let shown = &rows[..rows.len().min(page)];
    let verb = if headers_only {
        "ListIdentifiers"
    } else {
        "ListRecords"
    };
    let mut out = open(repo, now, args, true);
    out.push_str(&format!("  <{verb}>\n"));
    for r in shown {
        if headers_only {
            push_header(&mut out, repo, "    ", &r.header);
        } else {
            push_record(&mut out, repo, "    ", r);
        }
    }
    if more {
        let last = &shown[shown.len() - 1].header;
        let t = list_token(
            repo,
            headers_only,
            req,
            (last.datestamp, &last.local_id),
            req.cursor + shown.len(),
        );
        push_token(&mut out, Some(&t), req.cursor, total);
    } else if req.after.is_some() {
        push_token(&mut out, None, req.cursor, total);
    }
    out.push_str(&format!("  </{verb}>\n"));
    close(out)
}

/// `GetRecord`. `record`: what the store found for the item (deleted ones included);
/// `None` → `idDoesNotExist`.
pub fn render_record(
    repo: &Repository,
    now: OffsetDateTime,
    args: &[(String, String)],
    record: Option<&Record>,
) -> String {
    let Some(record) = record else {
        let id = args
            .iter()
            .find(|(k, _)| k == "identifier")
            .map_or("", |(_, v)| v.as_str());
        return render_errors(repo, now, args, &[OaiError::id_not_found(id)]);
    };
    let mut out = open(repo, now, args, true);
    out.push_str("  <GetRecord>\n");
    push_record(&mut out, repo, "    ", record);
    out.push_str("  </GetRecord>\n");
    close(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use roxmltree::{Document, Node};
    use time::macros::datetime;

    fn repo() -> Repository {
        Repository {
            name: "Cilen — Dinas Perpustakaan & Kearsipan Trenggalek".into(),
            base_url: "https://anjungan.trenggalekkab.go.id/oai".into(),
            repository_id: "anjungan.trenggalekkab.go.id".into(),
            admin_emails: vec![
                "arsip@trenggalekkab.go.id".into(),
                "it@trenggalekkab.go.id".into(),
            ],
            earliest: datetime!(2024-01-02 03:04:05 UTC),
            page_size: 2,
            has_sets: false,
            sample_local_id: "cerita/123".into(),
        }
    }

    fn repo_sets() -> Repository {
        Repository {
            has_sets: true,
            ..repo()
        }
    }

    const NOW: OffsetDateTime = datetime!(2025-06-01 10:20:30.5 UTC);

    fn a(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn rec(local: &str, ts: OffsetDateTime, deleted: bool) -> Record {
        Record {
            header: Header {
                local_id: local.into(),
                datestamp: ts,
                sets: vec!["koleksi:arsip".into()],
                deleted,
            },
            metadata: (!deleted).then(|| DublinCore {
                title: vec![format!("Cerita {local}")],
                creator: vec!["Siti".into(), "Budi".into()],
                type_: vec!["Text".into()],
                language: vec!["id".into()],
                ..Default::default()
            }),
        }
    }

    fn oai<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Vec<Node<'a, 'i>> {
        n.descendants()
            .filter(|c| c.tag_name().name() == name && c.tag_name().namespace() == Some(OAI_NS))
            .collect()
    }

    fn one<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Node<'a, 'i> {
        let v = oai(n, name);
        assert_eq!(v.len(), 1, "exactly one {name}");
        v[0]
    }

    fn text<'a>(n: Node<'a, '_>, name: &str) -> &'a str {
        one(n, name).text().unwrap_or("")
    }

    /// Checks the envelope and returns the error codes.
    fn envelope(doc: &Document) -> Vec<String> {
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "OAI-PMH");
        assert_eq!(root.tag_name().namespace(), Some(OAI_NS));
        assert!(
            root.attribute((XSI_NS, "schemaLocation"))
                .unwrap()
                .ends_with("OAI-PMH.xsd")
        );
        let kids: Vec<_> = root.children().filter(Node::is_element).collect();
        assert_eq!(kids[0].tag_name().name(), "responseDate");
        assert_eq!(kids[0].text(), Some("2025-06-01T10:20:30Z"));
        assert_eq!(kids[1].tag_name().name(), "request");
        assert_eq!(
            kids[1].text(),
            Some("https://anjungan.trenggalekkab.go.id/oai")
        );
        kids.iter()
            .filter(|k| k.tag_name().name() == "error")
            .map(|k| k.attribute("code").unwrap().to_string())
            .collect()
    }

    fn request_attrs(doc: &Document) -> Vec<(String, String)> {
        let r = one(doc.root_element(), "request");
        r.attributes()
            .map(|x| (x.name().to_string(), x.value().to_string()))
            .collect()
    }

    fn err_codes(r: &Repository, args: &[(&str, &str)]) -> Vec<ErrorCode> {
        parse(r, &a(args))
            .expect_err("expected an error")
            .iter()
            .map(|e| e.code)
            .collect()
    }

    fn error_xml(r: &Repository, args: &[(&str, &str)]) -> (Vec<String>, Vec<(String, String)>) {
        let args = a(args);
        let errs = parse(r, &args).expect_err("expected an error");
        let xml = render_errors(r, NOW, &args, &errs);
        let doc = Document::parse(&xml).unwrap();
        (envelope(&doc), request_attrs(&doc))
    }

    // ---- happy paths ----------------------------------------------------------------

    #[test]
    fn identify() {
        let r = repo();
        let args = a(&[("verb", "Identify")]);
        assert_eq!(parse(&r, &args), Ok(Request::Identify));
        let xml = render_identify(&r, NOW, &args);
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        let doc = Document::parse(&xml).unwrap();
        assert!(envelope(&doc).is_empty());
        assert_eq!(request_attrs(&doc), a(&[("verb", "Identify")]));
        let id = one(doc.root_element(), "Identify");
        let order: Vec<_> = id
            .children()
            .filter(Node::is_element)
            .map(|n| n.tag_name().name())
            .collect();
        assert_eq!(
            order,
            [
                "repositoryName",
                "baseURL",
                "protocolVersion",
                "adminEmail",
                "adminEmail",
                "earliestDatestamp",
                "deletedRecord",
                "granularity",
                "description"
            ]
        );
        assert_eq!(text(id, "repositoryName"), r.name);
        assert_eq!(text(id, "protocolVersion"), "2.0");
        assert_eq!(text(id, "earliestDatestamp"), "2024-01-02T03:04:05Z");
        assert_eq!(text(id, "deletedRecord"), "persistent");
        assert_eq!(text(id, "granularity"), "YYYY-MM-DDThh:mm:ssZ");
        let oid = id
            .descendants()
            .find(|n| n.tag_name().name() == "oai-identifier")
            .unwrap();
        assert_eq!(oid.tag_name().namespace(), Some(OAI_IDENTIFIER_NS));
        let f = |name: &str| {
            oid.children()
                .find(|n| n.tag_name().name() == name)
                .and_then(|n| n.text())
                .unwrap()
                .to_string()
        };
        assert_eq!(f("scheme"), "oai");
        assert_eq!(f("repositoryIdentifier"), "anjungan.trenggalekkab.go.id");
        assert_eq!(f("delimiter"), ":");
        assert_eq!(
            f("sampleIdentifier"),
            "oai:anjungan.trenggalekkab.go.id:cerita/123"
        );
        assert_eq!(
            local_id(&r, &f("sampleIdentifier")).as_deref(),
            Some("cerita/123")
        );
    }

    #[test]
    fn list_metadata_formats_for_repository_and_item() {
        let r = repo();
        let args = a(&[("verb", "ListMetadataFormats")]);
        assert_eq!(
            parse(&r, &args),
            Ok(Request::ListMetadataFormats { item: None })
        );
        let doc_xml = render_formats(&r, NOW, &args, Some(FORMATS));
        let doc = Document::parse(&doc_xml).unwrap();
        assert!(envelope(&doc).is_empty());
        let f = one(doc.root_element(), "metadataFormat");
        assert_eq!(text(f, "metadataPrefix"), "oai_dc");
        assert_eq!(
            text(f, "schema"),
            "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
        );
        assert_eq!(text(f, "metadataNamespace"), OAI_DC_NS);

        let id = "oai:anjungan.trenggalekkab.go.id:cerita/7";
        let args = a(&[("verb", "ListMetadataFormats"), ("identifier", id)]);
        assert_eq!(
            parse(&r, &args),
            Ok(Request::ListMetadataFormats {
                item: Some(ItemId {
                    identifier: id.into(),
                    local_id: "cerita/7".into()
                })
            })
        );
        let doc_xml = render_formats(&r, NOW, &args, Some(FORMATS));
        let doc = Document::parse(&doc_xml).unwrap();
        assert_eq!(request_attrs(&doc), args);
        assert_eq!(oai(doc.root_element(), "metadataFormat").len(), 1);
    }

    #[test]
    fn list_metadata_formats_errors() {
        let r = repo();
        // Identifier of another repository: idDoesNotExist from parse, arguments echoed.
        let (codes, attrs) = error_xml(
            &r,
            &[
                ("verb", "ListMetadataFormats"),
                ("identifier", "oai:elsewhere.org:1"),
            ],
        );
        assert_eq!(codes, ["idDoesNotExist"]);
        assert_eq!(attrs.len(), 2);
        // Well-formed identifier the store does not know.
        let args = a(&[
            ("verb", "ListMetadataFormats"),
            ("identifier", "oai:anjungan.trenggalekkab.go.id:cerita/404"),
        ]);
        let doc_xml = render_formats(&r, NOW, &args, None);
        let doc = Document::parse(&doc_xml).unwrap();
        assert_eq!(envelope(&doc), ["idDoesNotExist"]);
        assert_eq!(request_attrs(&doc), args);
        // An item without formats.
        let doc_xml = render_formats(&r, NOW, &args, Some(&[]));
        let doc = Document::parse(&doc_xml).unwrap();
        assert_eq!(envelope(&doc), ["noMetadataFormats"]);
    }

    #[test]
    fn list_sets_with_paging() {
        let r = repo_sets();
        let args = a(&[("verb", "ListSets")]);
        let Ok(Request::ListSets(req)) = parse(&r, &args) else {
            panic!()
        };
        let sets: Vec<SetSpec> = ["koleksi", "koleksi:arsip", "koleksi:pustaka"]
            .iter()
            .map(|s| SetSpec {
                spec: s.to_string(),
                name: format!("Set {s}"),
                description: Some("Koleksi <arsip> & pustaka".into()),
            })
            .collect();
        let xml = render_sets(&r, NOW, &args, &req, &sets[..3], Some(3));
        let doc = Document::parse(&xml).unwrap();
        assert!(envelope(&doc).is_empty());
        let root = doc.root_element();
        assert_eq!(oai(root, "set").len(), 2);
        assert_eq!(text(oai(root, "set")[1], "setSpec"), "koleksi:arsip");
        let d = root
            .descendants()
            .find(|n| {
                n.tag_name().name() == "description" && n.tag_name().namespace() == Some(DC_NS)
            })
            .unwrap();
        assert_eq!(d.text(), Some("Koleksi <arsip> & pustaka"));
        let tok = one(root, "resumptionToken");
        assert_eq!(tok.attribute("cursor"), Some("0"));
        assert_eq!(tok.attribute("completeListSize"), Some("3"));
        let t = tok.text().unwrap().to_string();

        let args2 = a(&[("verb", "ListSets"), ("resumptionToken", &t)]);
        let Ok(Request::ListSets(req2)) = parse(&r, &args2) else {
            panic!()
        };
        assert_eq!(req2.after.as_deref(), Some("koleksi:arsip"));
        assert_eq!(req2.cursor, 2);
        let xml = render_sets(&r, NOW, &args2, &req2, &sets[2..], Some(3));
        let doc = Document::parse(&xml).unwrap();
        assert_eq!(request_attrs(&doc), args2);
        let tok = one(doc.root_element(), "resumptionToken");
        assert_eq!(tok.text(), None);
        assert_eq!(tok.attribute("cursor"), Some("2"));
        // A ListSets token is not a ListRecords token.
        assert_eq!(
            err_codes(&r, &[("verb", "ListRecords"), ("resumptionToken", &t)]),
            [ErrorCode::BadResumptionToken]
        );
    }

    #[test]
    fn list_identifiers_single_page() {
        let r = Repository {
            page_size: 10,
            ..repo()
        };
        let args = a(&[
            ("verb", "ListIdentifiers"),
            ("metadataPrefix", "oai_dc"),
            ("from", "2025-01-01"),
            ("until", "2025-01-31"),
        ]);
        let Ok(Request::ListIdentifiers(req)) = parse(&r, &args) else {
            panic!()
        };
        assert_eq!(req.from, Some(datetime!(2025-01-01 0:00 UTC)));
        assert_eq!(req.until, Some(datetime!(2025-01-31 23:59:59 UTC)));
        assert_eq!(req.until_exclusive(), Some(datetime!(2025-02-01 0:00 UTC)));
        let rows = [
            rec("cerita/1", datetime!(2025-01-05 08:00 UTC), false),
            rec("cerita/2", datetime!(2025-01-06 08:00:00.75 UTC), true),
        ];
        let xml = render_list(&r, NOW, &args, &req, true, &rows, Some(2));
        let doc = Document::parse(&xml).unwrap();
        assert!(envelope(&doc).is_empty());
        assert_eq!(request_attrs(&doc), args);
        let root = doc.root_element();
        let list = one(root, "ListIdentifiers");
        let headers = oai(list, "header");
        assert_eq!(headers.len(), 2);
        assert_eq!(
            text(headers[0], "identifier"),
            "oai:anjungan.trenggalekkab.go.id:cerita/1"
        );
        assert_eq!(headers[0].attribute("status"), None);
        assert_eq!(headers[1].attribute("status"), Some("deleted"));
        assert_eq!(text(headers[1], "datestamp"), "2025-01-06T08:00:00Z");
        assert_eq!(text(headers[1], "setSpec"), "koleksi:arsip");
        assert!(oai(root, "metadata").is_empty());
        assert!(oai(root, "record").is_empty());
        // No paging happened: no resumptionToken at all.
        assert!(oai(root, "resumptionToken").is_empty());
    }

    #[test]
    fn list_records_with_metadata() {
        let r = Repository {
            page_size: 10,
            ..repo()
        };
        let args = a(&[("verb", "ListRecords"), ("metadataPrefix", "oai_dc")]);
        let Ok(Request::ListRecords(req)) = parse(&r, &args) else {
            panic!()
        };
        assert_eq!(req, ListArgs::fresh("oai_dc".into()));
        let rows = [
            rec("cerita/1", datetime!(2025-01-05 08:00 UTC), false),
            rec("cerita/2", datetime!(2025-01-06 08:00 UTC), true),
        ];
        let xml = render_list(&r, NOW, &args, &req, false, &rows, None);
        let doc = Document::parse(&xml).unwrap();
        assert!(envelope(&doc).is_empty());
        let recs = oai(doc.root_element(), "record");
        assert_eq!(recs.len(), 2);
        let dc = recs[0]
            .descendants()
            .find(|n| n.tag_name().name() == "dc")
            .unwrap();
        assert_eq!(dc.tag_name().namespace(), Some(OAI_DC_NS));
        let els: Vec<_> = dc
            .children()
            .filter(Node::is_element)
            .map(|n| {
                assert_eq!(n.tag_name().namespace(), Some(DC_NS));
                (n.tag_name().name(), n.text().unwrap())
            })
            .collect();
        assert_eq!(
            els,
            [
                ("title", "Cerita cerita/1"),
                ("creator", "Siti"),
                ("creator", "Budi"),
                ("type", "Text"),
                ("language", "id")
            ]
        );
        // Deleted: header only.
        assert!(oai(recs[1], "metadata").is_empty());
        assert_eq!(one(recs[1], "header").attribute("status"), Some("deleted"));
    }

    #[test]
    fn get_record_live_and_deleted() {
        let r = repo();
        let id = "oai:anjungan.trenggalekkab.go.id:cerita/5";
        let args = a(&[
            ("verb", "GetRecord"),
            ("identifier", id),
            ("metadataPrefix", "oai_dc"),
        ]);
        let Ok(Request::GetRecord { item, prefix }) = parse(&r, &args) else {
            panic!()
        };
        assert_eq!(item.local_id, "cerita/5");
        assert_eq!(prefix, "oai_dc");
        let live = rec("cerita/5", datetime!(2025-03-01 1:02:03 UTC), false);
        let doc_xml = render_record(&r, NOW, &args, Some(&live));
        let doc = Document::parse(&doc_xml).unwrap();
        assert!(envelope(&doc).is_empty());
        assert_eq!(request_attrs(&doc), args);
        let g = one(doc.root_element(), "GetRecord");
        assert_eq!(text(g, "identifier"), id);
        assert_eq!(text(g, "datestamp"), "2025-03-01T01:02:03Z");
        assert_eq!(oai(g, "metadata").len(), 1);

        let dead = rec("cerita/5", datetime!(2025-03-01 1:02:03 UTC), true);
        let doc_xml = render_record(&r, NOW, &args, Some(&dead));
        let doc = Document::parse(&doc_xml).unwrap();
        assert_eq!(
            one(doc.root_element(), "header").attribute("status"),
            Some("deleted")
        );
        assert!(oai(doc.root_element(), "metadata").is_empty());
    }

    #[test]
    fn get_record_unknown_item() {
        let r = repo();
        // Not found by the store.
        let args = a(&[
            ("verb", "GetRecord"),
            ("identifier", "oai:anjungan.trenggalekkab.go.id:cerita/999"),
            ("metadataPrefix", "oai_dc"),
        ]);
        assert!(parse(&r, &args).is_ok());
        let doc_xml = render_record(&r, NOW, &args, None);
        let doc = Document::parse(&doc_xml).unwrap();
        assert_eq!(envelope(&doc), ["idDoesNotExist"]);
        assert_eq!(request_attrs(&doc), args);
        // Not an identifier of this repository at all.
        for id in [
            "cerita/999",
            "oai:other.example.org:cerita/1",
            "oai:anjungan.trenggalekkab.go.id:",
            "oai:anjungan.trenggalekkab.go.id:cerita 1",
            "http://anjungan.trenggalekkab.go.id/cerita/1",
        ] {
            assert_eq!(
                err_codes(
                    &r,
                    &[
                        ("verb", "GetRecord"),
                        ("identifier", id),
                        ("metadataPrefix", "oai_dc")
                    ]
                ),
                [ErrorCode::IdDoesNotExist],
                "{id}"
            );
        }
    }

    #[test]
    fn local_id_rules() {
        let r = repo();
        assert_eq!(
            local_id(&r, "oai:Anjungan.TrenggalekKab.go.id:cerita/1").as_deref(),
            Some("cerita/1")
        );
        assert_eq!(
            local_id(&r, "oai:anjungan.trenggalekkab.go.id:a:b/c?d=e").as_deref(),
            Some("a:b/c?d=e")
        );
        assert_eq!(
            local_id(&r, "OAI:anjungan.trenggalekkab.go.id:cerita/1"),
            None
        );
        assert_eq!(local_id(&r, "oai:anjungan.trenggalekkab.go.id"), None);
        assert_eq!(
            local_id(&r, "oai:anjungan.trenggalekkab.go.id:cérita"),
            None
        );
        assert_eq!(
            r.identifier("cerita/1"),
            "oai:anjungan.trenggalekkab.go.id:cerita/1"
        );
    }

    #[test]
    fn in_set_hierarchy() {
        assert!(in_set("koleksi", "koleksi"));
        assert!(in_set("koleksi:arsip", "koleksi"));
        assert!(!in_set("koleksiku", "koleksi"));
        assert!(!in_set("koleksi", "koleksi:arsip"));
    }

    // ---- badVerb --------------------------------------------------------------------

    #[test]
    fn bad_verb() {
        let r = repo();
        for args in [
            vec![],
            vec![("metadataPrefix", "oai_dc")],
            vec![("verb", "ListAllTheThings")],
            vec![("verb", "identify")],
            vec![("verb", "")],
            vec![("verb", "Identify"), ("verb", "Identify")],
            vec![("verb", "Identify"), ("verb", "ListSets")],
        ] {
            let (codes, attrs) = error_xml(&r, &args);
            assert_eq!(codes, ["badVerb"], "{args:?}");
            assert!(attrs.is_empty(), "no attributes for badVerb");
        }
    }

    // ---- badArgument ----------------------------------------------------------------

    #[test]
    fn bad_argument_cases() {
        let r = repo();
        let lr = ("verb", "ListRecords");
        let dc = ("metadataPrefix", "oai_dc");
        let cases: Vec<Vec<(&str, &str)>> = vec![
            // illegal arguments
            vec![("verb", "Identify"), ("foo", "bar")],
            vec![("verb", "Identify"), dc],
            vec![("verb", "ListMetadataFormats"), dc],
            vec![("verb", "ListSets"), ("set", "a")],
            vec![lr, dc, ("identifier", "oai:anjungan.trenggalekkab.go.id:1")],
            vec![lr, ("metadataprefix", "oai_dc")],
            vec![
                ("verb", "GetRecord"),
                ("identifier", "oai:anjungan.trenggalekkab.go.id:1"),
                dc,
                ("from", "2020-01-01"),
            ],
            // missing required
            vec![lr],
            vec![("verb", "ListIdentifiers"), ("from", "2020-01-01")],
            vec![("verb", "GetRecord"), dc],
            vec![
                ("verb", "GetRecord"),
                ("identifier", "oai:anjungan.trenggalekkab.go.id:1"),
            ],
            // repeated
            vec![lr, dc, dc],
            vec![lr, dc, ("from", "2020-01-01"), ("from", "2020-01-02")],
            vec![
                ("verb", "ListMetadataFormats"),
                ("identifier", "a"),
                ("identifier", "b"),
            ],
            // empty values
            vec![lr, ("metadataPrefix", "")],
            // exclusive resumptionToken
            vec![lr, dc, ("resumptionToken", "abc")],
            vec![
                ("verb", "ListSets"),
                ("resumptionToken", "abc"),
                ("resumptionToken", "abc"),
            ],
            vec![("verb", "Identify"), ("resumptionToken", "abc")],
            vec![("verb", "GetRecord"), ("resumptionToken", "abc")],
            // bad dates
            vec![lr, dc, ("from", "2020-13-01")],
            vec![lr, dc, ("from", "2020-02-30")],
            vec![lr, dc, ("from", "2020-1-1")],
            vec![lr, dc, ("from", "yesterday")],
            vec![lr, dc, ("until", "2020-01-01T00:00Z")],
            vec![lr, dc, ("until", "2020-01-01T24:00:00Z")],
            vec![lr, dc, ("until", "2020-01-01T10:00:00+07:00")],
            vec![lr, dc, ("until", "2020-01-01 10:00:00Z")],
            vec![lr, dc, ("until", "2020-01-01T10:00:00")],
            // finer than the repository's granularity
            vec![lr, dc, ("from", "2020-01-01T10:00:00.5Z")],
            // mixed granularity
            vec![
                lr,
                dc,
                ("from", "2020-01-01"),
                ("until", "2020-02-01T00:00:00Z"),
            ],
            // from > until
            vec![lr, dc, ("from", "2020-02-01"), ("until", "2020-01-01")],
            vec![
                lr,
                dc,
                ("from", "2020-01-01T10:00:01Z"),
                ("until", "2020-01-01T10:00:00Z"),
            ],
            // malformed setSpec
            vec![lr, dc, ("set", "a::b")],
            vec![lr, dc, ("set", "koleksi arsip")],
        ];
        for args in cases {
            let (codes, attrs) = error_xml(&r, &args);
            assert!(
                !codes.is_empty() && codes.iter().all(|c| c == "badArgument"),
                "{args:?} gave {codes:?}"
            );
            assert!(attrs.is_empty(), "no attributes for badArgument: {args:?}");
        }
        // Several problems are all reported.
        let errs = parse(
            &r,
            &a(&[("verb", "ListRecords"), ("x", "1"), ("from", "bad")]),
        )
        .unwrap_err();
        assert_eq!(errs.len(), 3, "{errs:?}");
    }

    #[test]
    fn dates_valid_edges() {
        let r = repo();
        let ok = |f: &str, u: &str| {
            parse(
                &r,
                &a(&[
                    ("verb", "ListRecords"),
                    ("metadataPrefix", "oai_dc"),
                    ("from", f),
                    ("until", u),
                ]),
            )
        };
        let Ok(Request::ListRecords(x)) = ok("2024-02-29", "2024-02-29") else {
            panic!()
        };
        assert_eq!(x.from, Some(datetime!(2024-02-29 0:00 UTC)));
        assert_eq!(x.until, Some(datetime!(2024-02-29 23:59:59 UTC)));
        let Ok(Request::ListRecords(x)) = ok("2024-02-29T10:00:00Z", "2024-02-29T10:00:00Z") else {
            panic!()
        };
        assert_eq!(x.from, x.until);
        assert_eq!(
            x.until_exclusive(),
            Some(datetime!(2024-02-29 10:00:01 UTC))
        );
        // Before earliestDatestamp is fine.
        assert!(ok("1900-01-01", "2100-12-31").is_ok());
    }

    // ---- badResumptionToken ----------------------------------------------------------

    fn first_token(r: &Repository, verb: &str) -> String {
        let args = a(&[
            ("verb", verb),
            ("metadataPrefix", "oai_dc"),
            ("from", "2025-01-01"),
        ]);
        let req = match parse(r, &args).unwrap() {
            Request::ListRecords(x) | Request::ListIdentifiers(x) => x,
            _ => panic!(),
        };
        let rows: Vec<_> = (0..3)
            .map(|i| {
                rec(
                    &format!("cerita/{i}"),
                    datetime!(2025-02-01 0:00 UTC),
                    false,
                )
            })
            .collect();
        let xml = render_list(r, NOW, &args, &req, verb == "ListIdentifiers", &rows, None);
        let doc = Document::parse(&xml).unwrap();
        one(doc.root_element(), "resumptionToken")
            .text()
            .unwrap()
            .to_string()
    }

    #[test]
    fn bad_resumption_token() {
        let r = repo();
        let t = first_token(&r, "ListRecords");
        assert!(
            t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        let Ok(Request::ListRecords(resumed)) =
            parse(&r, &a(&[("verb", "ListRecords"), ("resumptionToken", &t)]))
        else {
            panic!()
        };
        assert_eq!(resumed.from, Some(datetime!(2025-01-01 0:00 UTC)));
        assert_eq!(
            resumed.after,
            Some((datetime!(2025-02-01 0:00 UTC), "cerita/1".into()))
        );
        assert_eq!(resumed.cursor, 2);

        let mut tampered = t.clone().into_bytes();
        tampered[5] = if tampered[5] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        let other_repo = Repository {
            repository_id: "perpustakaan.example.go.id".into(),
            ..repo()
        };
        for (rp, verb, tok) in [
            (&r, "ListRecords", "garbage!!"),
            (&r, "ListRecords", "Z2FyYmFnZQ"),
            (&r, "ListRecords", tampered.as_str()),
            (&r, "ListRecords", &t[..t.len() - 1]),
            (&r, "ListRecords", &format!("{t}A")),
            (&r, "ListIdentifiers", &t), // token of another verb
            (&r, "ListSets", &t),
            (&other_repo, "ListRecords", &t),
        ] {
            let args = a(&[("verb", verb), ("resumptionToken", tok)]);
            let errs = parse(rp, &args).unwrap_err();
            let codes: Vec<_> = errs.iter().map(|e| e.code).collect();
            let expected = if verb == "ListSets" {
                ErrorCode::NoSetHierarchy // this repository has no sets at all
            } else {
                ErrorCode::BadResumptionToken
            };
            assert_eq!(codes, [expected], "{verb} {tok}");
            // Not badArgument/badVerb: the request is echoed.
            let doc_xml = render_errors(rp, NOW, &args, &errs);
            let doc = Document::parse(&doc_xml).unwrap();
            assert_eq!(request_attrs(&doc), args);
        }
    }

    // ---- cannotDisseminateFormat, noRecordsMatch, noSetHierarchy ------------------------

    #[test]
    fn cannot_disseminate_format() {
        let r = repo();
        for args in [
            vec![("verb", "ListRecords"), ("metadataPrefix", "marc21")],
            vec![("verb", "ListIdentifiers"), ("metadataPrefix", "oai_DC")],
            vec![
                ("verb", "GetRecord"),
                ("identifier", "oai:anjungan.trenggalekkab.go.id:cerita/1"),
                ("metadataPrefix", "mods"),
            ],
        ] {
            let (codes, attrs) = error_xml(&r, &args);
            assert_eq!(codes, ["cannotDisseminateFormat"]);
            assert_eq!(attrs, a(&args), "arguments echoed");
        }
        // Two errors at once.
        let (codes, _) = error_xml(
            &r,
            &[
                ("verb", "GetRecord"),
                ("identifier", "nope"),
                ("metadataPrefix", "mods"),
            ],
        );
        assert_eq!(codes, ["cannotDisseminateFormat", "idDoesNotExist"]);
    }

    #[test]
    fn no_records_match() {
        let r = repo();
        let args = a(&[
            ("verb", "ListIdentifiers"),
            ("metadataPrefix", "oai_dc"),
            ("from", "2099-01-01"),
        ]);
        let Ok(Request::ListIdentifiers(req)) = parse(&r, &args) else {
            panic!()
        };
        let xml = render_list(&r, NOW, &args, &req, true, &[], Some(0));
        let doc = Document::parse(&xml).unwrap();
        assert_eq!(envelope(&doc), ["noRecordsMatch"]);
        assert_eq!(request_attrs(&doc), args);
        assert!(oai(doc.root_element(), "ListIdentifiers").is_empty());
    }

    #[test]
    fn no_set_hierarchy() {
        let r = repo();
        for args in [
            vec![("verb", "ListSets")],
            vec![
                ("verb", "ListRecords"),
                ("metadataPrefix", "oai_dc"),
                ("set", "koleksi"),
            ],
            vec![
                ("verb", "ListIdentifiers"),
                ("metadataPrefix", "oai_dc"),
                ("set", "koleksi:arsip"),
            ],
        ] {
            let (codes, attrs) = error_xml(&r, &args);
            assert_eq!(codes, ["noSetHierarchy"]);
            assert_eq!(attrs, a(&args));
        }
        // With sets, the argument is accepted; an empty set list is still noSetHierarchy.
        let rs = repo_sets();
        let args = a(&[
            ("verb", "ListRecords"),
            ("metadataPrefix", "oai_dc"),
            ("set", "koleksi"),
        ]);
        let Ok(Request::ListRecords(req)) = parse(&rs, &args) else {
            panic!()
        };
        assert_eq!(req.set.as_deref(), Some("koleksi"));
        let args = a(&[("verb", "ListSets")]);
        let xml = render_sets(&rs, NOW, &args, &SetArgs::default(), &[], None);
        assert_eq!(
            envelope(&Document::parse(&xml).unwrap()),
            ["noSetHierarchy"]
        );
    }

    // ---- request element, escaping ----------------------------------------------------

    #[test]
    fn request_element_rules() {
        let r = repo();
        // Errors that are neither badVerb nor badArgument echo the arguments verbatim.
        let (_, attrs) = error_xml(&r, &[("verb", "ListRecords"), ("metadataPrefix", "x\"<&>")]);
        assert_eq!(
            attrs,
            a(&[("verb", "ListRecords"), ("metadataPrefix", "x\"<&>")])
        );
        // badArgument alongside an otherwise echoable request: no attributes.
        let args = a(&[("verb", "ListRecords"), ("metadataPrefix", "x")]);
        let mixed = [
            OaiError::new(ErrorCode::CannotDisseminateFormat, "x"),
            OaiError::new(ErrorCode::BadArgument, "y"),
        ];
        let doc_xml = render_errors(&r, NOW, &args, &mixed);
        let doc = Document::parse(&doc_xml).unwrap();
        assert_eq!(envelope(&doc), ["cannotDisseminateFormat", "badArgument"]);
        assert!(request_attrs(&doc).is_empty());
        // A resumed request echoes verb and resumptionToken only.
        let t = first_token(&r, "ListIdentifiers");
        let args = a(&[("verb", "ListIdentifiers"), ("resumptionToken", &t)]);
        let Ok(Request::ListIdentifiers(req)) = parse(&r, &args) else {
            panic!()
        };
        let row = rec("cerita/2", datetime!(2025-02-01 0:00 UTC), false);
        let doc_xml = render_list(&r, NOW, &args, &req, true, &[row], None);
        let doc = Document::parse(&doc_xml).unwrap();
        assert_eq!(request_attrs(&doc), args);
    }

    #[test]
    fn escaping_and_illegal_characters() {
        let r = Repository {
            name: "A & B <\u{1}\u{FFFE}> \"q\"".into(),
            ..repo()
        };
        let mut rc = rec("cerita/1", datetime!(2025-01-01 0:00 UTC), false);
        rc.metadata.as_mut().unwrap().description =
            vec!["baris 1\r\nbaris 2 \u{0}\u{B} <b>&amp; ]]> 😀".into()];
        let args = a(&[
            ("verb", "GetRecord"),
            ("identifier", "oai:x:1"),
            ("metadataPrefix", "oai_dc"),
        ]);
        let xml = render_record(&r, NOW, &args, Some(&rc));
        let doc = Document::parse(&xml).unwrap();
        let d = doc
            .descendants()
            .find(|n| n.tag_name().name() == "description")
            .unwrap();
        assert_eq!(d.text(), Some("baris 1\r\nbaris 2  <b>&amp; ]]> 😀"));
        let xml = render_identify(&r, NOW, &a(&[("verb", "Identify")]));
        let doc = Document::parse(&xml).unwrap();
        assert_eq!(text(doc.root_element(), "repositoryName"), "A & B <> \"q\"");
    }

    #[test]
    fn datestamp_format() {
        assert_eq!(
            datestamp(datetime!(2025-01-01 07:00:00.999 +7)),
            "2025-01-01T00:00:00Z"
        );
        assert_eq!(
            datestamp(datetime!(0001-01-01 0:00 UTC)),
            "0001-01-01T00:00:00Z"
        );
    }

    #[test]
    fn last_page_has_empty_token_with_cursor() {
        let r = repo(); // page size 2
        let all: Vec<_> = (0..5)
            .map(|i| {
                rec(
                    &format!("cerita/{i}"),
                    datetime!(2025-01-01 0:00 UTC),
                    false,
                )
            })
            .collect();
        let args = a(&[("verb", "ListRecords"), ("metadataPrefix", "oai_dc")]);
        let Ok(Request::ListRecords(mut req)) = parse(&r, &args) else {
            panic!()
        };
        let mut args = args;
        let mut cursors = vec![];
        loop {
            let rows = store(&all, &req, r.fetch_limit());
            let xml = render_list(&r, NOW, &args, &req, false, &rows, Some(all.len()));
            let doc = Document::parse(&xml).unwrap();
            let tok = one(doc.root_element(), "resumptionToken");
            assert_eq!(tok.attribute("completeListSize"), Some("5"));
            cursors.push(tok.attribute("cursor").unwrap().to_string());
            let Some(t) = tok.text() else { break };
            args = a(&[("verb", "ListRecords"), ("resumptionToken", t)]);
            let Ok(Request::ListRecords(next)) = parse(&r, &args) else {
                panic!()
            };
            req = next;
        }
        assert_eq!(cursors, ["0", "2", "4"]);
    }

    // ---- paging property ----------------------------------------------------------------

    /// The store, simulated: filters, resume point, order, `LIMIT limit`.
    fn store(all: &[Record], q: &ListArgs, limit: usize) -> Vec<Record> {
        let mut v: Vec<Record> = all
            .iter()
            .filter(|r| {
                let h = &r.header;
                q.from.is_none_or(|f| h.datestamp >= f)
                    && q.until_exclusive().is_none_or(|u| h.datestamp < u)
                    && q.set
                        .as_deref()
                        .is_none_or(|s| h.sets.iter().any(|x| in_set(x, s)))
                    && q.after.as_ref().is_none_or(|(ts, id)| {
                        (h.datestamp, h.local_id.as_str()) > (*ts, id.as_str())
                    })
            })
            .cloned()
            .collect();
        v.sort_by(|a, b| {
            (a.header.datestamp, &a.header.local_id).cmp(&(b.header.datestamp, &b.header.local_id))
        });
        v.truncate(limit);
        v
    }

    fn identifiers(doc: &Document) -> Vec<String> {
        oai(doc.root_element(), "header")
            .into_iter()
            .map(|h| text(h, "identifier").to_string())
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn paging_visits_every_record_once_in_order(
            stamps in proptest::collection::vec((0i64..6, 0u32..3, any::<bool>(), any::<bool>()), 0..40),
            page in 1usize..7,
            headers_only in any::<bool>(),
            use_set in any::<bool>(),
        ) {
            let r = Repository { page_size: page, has_sets: true, ..repo() };
            let base = datetime!(2025-01-01 0:00 UTC);
            let all: Vec<Record> = stamps.iter().enumerate().map(|(i, (d, n, del, s))| {
                // Few distinct datestamps (some with fractions of a second) force ties.
                let ts = base + Duration::seconds(*d) + Duration::milliseconds(i64::from(*n) * 300);
                let mut rc = rec(&format!("cerita/{}", 1000 - i), ts, *del);
                rc.header.sets = vec![if *s { "koleksi:arsip".into() } else { "lain".into() }];
                rc
            }).collect();
            let verb = if headers_only { "ListIdentifiers" } else { "ListRecords" };
            let mut args = vec![("verb", verb), ("metadataPrefix", "oai_dc"), ("from", "2025-01-01T00:00:01Z")];
            if use_set { args.push(("set", "koleksi")); }
            let mut args = a(&args);
            let mut req = match parse(&r, &args).unwrap() {
                Request::ListIdentifiers(x) | Request::ListRecords(x) => x,
                _ => unreachable!(),
            };
            let expected: Vec<String> = store(&all, &req, usize::MAX)
                .iter().map(|x| r.identifier(&x.header.local_id)).collect();
            let mut seen = Vec::new();
            let mut pages = 0;
            loop {
                pages += 1;
                prop_assert!(pages <= all.len() + 2, "paging does not terminate");
                let rows = store(&all, &req, r.fetch_limit());
                let xml = render_list(&r, NOW, &args, &req, headers_only, &rows, Some(expected.len()));
                let doc = Document::parse(&xml).unwrap();
                let errs = envelope(&doc);
                if expected.is_empty() {
                    prop_assert_eq!(errs, vec!["noRecordsMatch".to_string()]);
                    break;
                }
                prop_assert!(errs.is_empty());
                let ids = identifiers(&doc);
                prop_assert!(!ids.is_empty() && ids.len() <= page);
                let tok = oai(doc.root_element(), "resumptionToken");
                if let Some(t) = tok.first() {
                    prop_assert_eq!(t.attribute("cursor").unwrap(), seen.len().to_string());
                }
                seen.extend(ids);
                match tok.first().and_then(|t| t.text()) {
                    None => {
                        // Only a resumed list ends with an (empty) token.
                        prop_assert_eq!(tok.is_empty(), pages == 1);
                        break;
                    }
                    Some(t) => {
                        args = a(&[("verb", verb), ("resumptionToken", t)]);
                        req = match parse(&r, &args).unwrap() {
                            Request::ListIdentifiers(x) | Request::ListRecords(x) => x,
                            _ => unreachable!(),
                        };
                    }
                }
            }
            prop_assert_eq!(seen, expected);
        }

        #[test]
        fn any_single_character_change_breaks_the_token(pos in any::<prop::sample::Index>(), c in "[A-Za-z0-9_-]") {
            let r = repo();
            let t = first_token(&r, "ListRecords");
            let i = pos.index(t.len());
            let c = c.chars().next().unwrap();
            prop_assume!(t.as_bytes()[i] != c as u8);
            let mut s = t.into_bytes();
            s[i] = c as u8;
            let s = String::from_utf8(s).unwrap();
            let codes: Vec<_> = parse(&r, &a(&[("verb", "ListRecords"), ("resumptionToken", &s)]))
                .unwrap_err().iter().map(|e| e.code).collect();
            prop_assert_eq!(codes, vec![ErrorCode::BadResumptionToken]);
        }

        #[test]
        fn garbage_tokens_are_rejected(t in "\\PC{1,80}") {
            let r = repo_sets();
            for verb in ["ListSets", "ListIdentifiers", "ListRecords"] {
                let res = parse(&r, &a(&[("verb", verb), ("resumptionToken", &t)]));
                prop_assert!(res.is_err());
            }
        }
    }
}

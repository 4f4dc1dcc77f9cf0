//! Open311 GeoReport v2 at `/open311/v2/`: discovery, the service list and each service's
//! definition, request submission with an API key, and the status of requests by number or by
//! token. Every resource ends `.xml` (mandatory in the specification) or `.json`.
//!
//! Requests are public here without any personal data (UU PDP): their description, address,
//! position and media never leave through this API, whoever submitted them.

use crate::domain::form::{Field, FieldKind};
use crate::domain::nik::Nik;
use crate::domain::request::Channel;
use crate::domain::workflow::State;
use crate::service;
use crate::service::requests::NewRequest;
use crate::store::requests::{self as requests, Filter, Request};
use crate::store::services::{self, Service};
use crate::store::{StoreError, admin};
use anjungan_kernel::audit::{Actor, Channel as AuditChannel};
use anjungan_kernel::clock::{self, now_ms, rfc3339_wib};
use anjungan_kernel::identity::domain::{Email, Phone};
use anjungan_kernel::web::AppState;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State as Shared};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;

/// Where the API lives, below the base URL.
pub const PATH: &str = "/open311/v2";
pub const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";
/// When this endpoint's behaviour last changed; discovery's `changeset` is the later of this and
/// the last change of any service definition, so clients know when to read the list again.
pub const CHANGESET_MS: i64 = 1_796_403_600_000; // 2026-12-05T00:00:00+07:00
/// The longest span `GET requests` covers, and its default window.
pub const WINDOW_MS: i64 = 90 * clock::DAY;
/// At most this many requests in one answer.
pub const MAX_RESULTS: i64 = 1000;

const NAME_MAX: usize = 120;
const DESCRIPTION_MAX: usize = 4000;
const ADDRESS_MAX: usize = 500;
const ADDRESS_ID_MAX: usize = 100;
const URL_MAX: usize = 2000;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/open311/v2/{file}", get(resource).post(create))
        .route("/open311/v2/services/{file}", get(definition))
        .route("/open311/v2/requests/{file}", get(one_request))
        .route("/open311/v2/tokens/{file}", get(token))
}

// ---------------------------------------------------------------------------------------------
// Documents: one small tree written as XML or JSON, in the specification's element order.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Xml,
    Json,
}

#[derive(Debug, Clone)]
enum Node {
    Str(String),
    Int(i64),
    Bool(bool),
    /// An element without content in XML, `null` in JSON.
    Empty,
    Map(Vec<(&'static str, Node)>),
    /// A list whose XML elements are named by the first field.
    List(&'static str, Vec<Node>),
}

fn s(v: impl Into<String>) -> Node {
    Node::Str(v.into())
}

/// A document with its XML root element.
struct Doc {
    root: &'static str,
    body: Node,
}

fn escape_xml(text: &str, out: &mut String) {
    out.push_str(&anjungan_kernel::text::xml_text_quoted(text));
}

fn write_xml(name: &str, node: &Node, out: &mut String) {
    let open = |out: &mut String| {
        out.push('<');
        out.push_str(name);
        out.push('>');
    };
    let close = |out: &mut String| {
        out.push_str("</");
        out.push_str(name);
        out.push('>');
    };
    match node {
        Node::Empty => {
            out.push('<');
            out.push_str(name);
            out.push_str("/>");
        }
        Node::Str(v) => {
            open(out);
            escape_xml(v, out);
            close(out);
        }
        Node::Int(v) => {
            open(out);
            out.push_str(&v.to_string());
            close(out);
        }
        Node::Bool(v) => {
            open(out);
            out.push_str(if *v { "true" } else { "false" });
            close(out);
        }
        Node::Map(fields) => {
            open(out);
            for (k, v) in fields {
                write_xml(k, v, out);
            }
            close(out);
        }
        Node::List(child, items) => {
            open(out);
            for v in items {
                write_xml(child, v, out);
            }
            close(out);
        }
    }
}

fn write_json(node: &Node, out: &mut String) {
    match node {
        Node::Empty => out.push_str("null"),
        Node::Str(v) => out.push_str(&serde_json::to_string(v).unwrap_or_else(|_| "\"\"".into())),
        Node::Int(v) => out.push_str(&v.to_string()),
        Node::Bool(v) => out.push_str(if *v { "true" } else { "false" }),
        Node::Map(fields) => {
            out.push('{');
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('"');
                out.push_str(k);
                out.push_str("\":");
                write_json(v, out);
            }
            out.push('}');
        }
        Node::List(_, items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(v, out);
            }
            out.push(']');
        }
    }
}

fn render(format: Format, status: StatusCode, doc: &Doc) -> Response {
    let (content_type, body) = match format {
        Format::Xml => {
            let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
            write_xml(doc.root, &doc.body, &mut out);
            (XML, out)
        }
        Format::Json => {
            let mut out = String::new();
            write_json(&doc.body, &mut out);
            (JSON, out)
        }
    };
    let mut resp = (status, body).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

const XML: &str = "text/xml; charset=utf-8";
const JSON: &str = "application/json; charset=utf-8";

// ---------------------------------------------------------------------------------------------
// Errors: a list of `{code, description}` with the same HTTP status.

#[derive(Debug)]
struct Failure {
    status: StatusCode,
    descriptions: Vec<String>,
}

impl Failure {
    fn new(status: StatusCode, description: impl Into<String>) -> Self {
        Self {
            status,
            descriptions: vec![description.into()],
        }
    }
    fn bad(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, description)
    }
    fn not_found(description: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, description)
    }

    fn doc(&self) -> Doc {
        let code = self.status.as_u16() as i64;
        Doc {
            root: "errors",
            body: Node::List(
                "error",
                self.descriptions
                    .iter()
                    .map(|d| Node::Map(vec![("code", Node::Int(code)), ("description", s(d))]))
                    .collect(),
            ),
        }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Kernel(anjungan_kernel::Error::NotFound) => Failure::not_found("not found"),
            StoreError::Desk(d) => Failure::bad(d.to_string()),
            StoreError::Kernel(k) => {
                tracing::error!(error = %k, "open311");
                Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
            }
        }
    }
}

type Outcome = Result<Doc, Failure>;

/// `name.xml` → (`name`, XML). An unknown extension is a 404, answered in XML.
fn split(file: &str) -> Result<(&str, Format), Failure> {
    let unknown = || {
        Failure::not_found(format!(
            "unknown resource '{file}': each path ends .xml or .json"
        ))
    };
    let (name, ext) = file.rsplit_once('.').ok_or_else(unknown)?;
    let format = if ext.eq_ignore_ascii_case("xml") {
        Format::Xml
    } else if ext.eq_ignore_ascii_case("json") {
        Format::Json
    } else {
        return Err(unknown());
    };
    if name.is_empty() {
        return Err(unknown());
    }
    Ok((name, format))
}

async fn answer_async<'a, F, Fut>(file: &'a str, status: StatusCode, run: F) -> Response
where
    F: FnOnce(&'a str) -> Fut,
    Fut: std::future::Future<Output = Outcome>,
{
    match split(file) {
        Ok((name, format)) => match run(name).await {
            Ok(doc) => render(format, status, &doc),
            Err(f) => render(format, f.status, &f.doc()),
        },
        Err(f) => render(Format::Xml, f.status, &f.doc()),
    }
}

// ---------------------------------------------------------------------------------------------
// Handlers.

/// `GET discovery`, `GET services`, `GET requests`.
async fn resource(
    Shared(state): Shared<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    answer_async(&file, StatusCode::OK, |name| async move {
        match name {
            "discovery" => {
                let changed = services::last_change(&state.db).await?.unwrap_or(0);
                Ok(discovery(
                    &state.config.base_url,
                    &datetime(changed.max(CHANGESET_MS)),
                ))
            }
            "services" => service_list(&state).await,
            "requests" => {
                let params = parse_query(query.as_deref())?;
                list_requests(&state, &params).await
            }
            _ => Err(Failure::not_found(format!("unknown resource '{name}'"))),
        }
    })
    .await
}

fn discovery(base_url: &str, changeset: &str) -> Doc {
    let base = base_url.trim_end_matches('/');
    Doc {
        root: "discovery",
        body: Node::Map(vec![
            ("changeset", s(changeset)),
            (
                "contact",
                s(format!(
                    "Petung Dadi, Dinas Komunikasi dan Informatika Kabupaten Trenggalek: {base}/layanan"
                )),
            ),
            (
                "key_service",
                s(format!(
                    "An api_key for POST requests is issued by the Petung Dadi administrators at Diskominfo Trenggalek ({base}/layanan); reading needs no key."
                )),
            ),
            (
                "endpoints",
                Node::List(
                    "endpoint",
                    vec![Node::Map(vec![
                        ("specification", s(SPECIFICATION)),
                        ("url", s(format!("{base}{PATH}"))),
                        ("changeset", s(changeset)),
                        ("type", s("production")),
                        (
                            "formats",
                            Node::List("format", vec![s("text/xml"), s("application/json")]),
                        ),
                    ])],
                ),
            ),
        ]),
    }
}

async fn service_list(state: &AppState) -> Outcome {
    let list = services::list(&state.db, None, false).await?;
    Ok(Doc {
        root: "services",
        body: Node::List(
            "service",
            list.iter()
                .map(|sv| {
                    Node::Map(vec![
                        ("service_code", s(&sv.code)),
                        ("service_name", s(&sv.name)),
                        ("description", s(&sv.description)),
                        (
                            "metadata",
                            Node::Bool(!sv.form.fields.is_empty() || sv.needs_resident),
                        ),
                        ("type", s("realtime")),
                        ("keywords", s(keywords(sv))),
                        ("group", s(&sv.org_name)),
                    ])
                })
                .collect(),
        ),
    })
}

fn keywords(sv: &Service) -> String {
    [sv.category.trim(), sv.org_code.trim()]
        .into_iter()
        .filter(|k| !k.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `GET services/{code}`: the form as attributes.
async fn definition(Shared(state): Shared<AppState>, Path(file): Path<String>) -> Response {
    answer_async(&file, StatusCode::OK, |code| async move {
        let sv = active_service(&state, code).await?;
        Ok(Doc {
            root: "service_definition",
            body: Node::Map(vec![
                ("service_code", s(&sv.code)),
                ("attributes", Node::List("attribute", attributes(&sv))),
            ]),
        })
    })
    .await
}

async fn active_service(state: &AppState, code: &str) -> Result<Service, Failure> {
    match services::by_code(&state.db, code).await? {
        Some(sv) if sv.active => Ok(sv),
        _ => Err(Failure::not_found(format!("unknown service_code '{code}'"))),
    }
}

/// The applicant of a request sent without a name (both names are optional in Open311).
const UNNAMED: &str = "Pelapor (nama tidak disebutkan)";

/// The code of the synthetic attribute that carries a resident's NIK.
const NIK: &str = "nik";

fn synthetic_nik(sv: &Service) -> bool {
    sv.needs_resident && !sv.form.fields.iter().any(|f| f.code == NIK)
}

fn hint(kind: FieldKind) -> &'static str {
    match kind {
        FieldKind::String => "Teks singkat, paling banyak 200 karakter",
        FieldKind::Text => "Teks, paling banyak 4.000 karakter",
        FieldKind::Number => "Angka; pemisah desimal titik atau koma",
        FieldKind::Date => {
            "Tanggal YYYY-MM-DD, atau tanggal-waktu ISO 8601 (yang dipakai tanggalnya)"
        }
        FieldKind::SingleChoice => "Satu key dari values",
        FieldKind::MultipleChoice => {
            "Satu key atau lebih dari values; ulangi attribute[CODE][] untuk tiap pilihan"
        }
        FieldKind::File => "Alamat (URL) berkas",
    }
}

fn attribute(f: &Field, order: usize) -> Node {
    let help = f.description.trim();
    let described = if help.is_empty() {
        hint(f.kind).to_string()
    } else {
        format!("{help} ({})", hint(f.kind))
    };
    let mut fields = vec![
        ("variable", Node::Bool(true)),
        ("code", s(&f.code)),
        ("datatype", s(f.kind.open311())),
        ("required", Node::Bool(f.required)),
        ("datatype_description", s(described)),
        ("order", Node::Int(order as i64)),
        ("description", s(&f.label)),
    ];
    if matches!(f.kind, FieldKind::SingleChoice | FieldKind::MultipleChoice) {
        fields.push((
            "values",
            Node::List(
                "value",
                f.choices
                    .iter()
                    .map(|c| Node::Map(vec![("key", s(&c.key)), ("name", s(&c.name))]))
                    .collect(),
            ),
        ));
    }
    Node::Map(fields)
}

/// The NIK first (services for residents), then the form in its order; `order` counts from 1.
fn attributes(sv: &Service) -> Vec<Node> {
    let mut out = Vec::new();
    if synthetic_nik(sv) {
        out.push(Node::Map(vec![
            ("variable", Node::Bool(true)),
            ("code", s(NIK)),
            ("datatype", s("string")),
            ("required", Node::Bool(true)),
            (
                "datatype_description",
                s(format!(
                    "16 digit NIK pemohon, terdaftar sebagai penduduk {}",
                    sv.org_name
                )),
            ),
            ("order", Node::Int(1)),
            ("description", s("NIK (16 digit)")),
        ]));
    }
    let first = out.len() + 1;
    for (i, f) in sv.form.ordered().into_iter().enumerate() {
        out.push(attribute(f, first + i));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// POST requests.

async fn create(
    Shared(state): Shared<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer_async(&file, StatusCode::OK, |name| async move {
        if name != "requests" {
            // The specification knows 404, 403 and "400 otherwise"; a POST to a readable
            // resource is the last.
            return Err(Failure::bad(format!(
                "'{name}' is read-only: POST goes to requests.xml or requests.json"
            )));
        }
        let query = parse_query(query.as_deref())?;
        submit(&state, &headers, &query, &body).await
    })
    .await
}

/// The form's fields: the first value of each name, and every `attribute[CODE]` or
/// `attribute[CODE][]` value in order.
struct Posted {
    fields: Vec<(String, String)>,
    attributes: Vec<(String, String)>,
}

impl Posted {
    fn parse(body: &[u8]) -> Result<Self, Failure> {
        let pairs = serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
            .map_err(|_| Failure::bad("the body must be application/x-www-form-urlencoded"))?;
        let mut fields = Vec::new();
        let mut attributes = Vec::new();
        for (k, v) in pairs {
            if let Some(rest) = k.strip_prefix("attribute[") {
                let code = rest
                    .strip_suffix("][]")
                    .or_else(|| rest.strip_suffix(']'))
                    .unwrap_or("");
                if code.is_empty() || code.contains(['[', ']']) {
                    return Err(Failure::bad(format!("'{k}' is not attribute[CODE]")));
                }
                attributes.push((code.to_string(), v));
            } else {
                fields.push((k, v));
            }
        }
        Ok(Self { fields, attributes })
    }

    /// The trimmed first value of a field, empty when absent.
    fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    }

    fn attribute(&self, code: &str) -> &str {
        self.attributes
            .iter()
            .find(|(k, v)| k == code && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    }
}

/// `lat`/`long` as text, when both are given and valid.
fn position(p: &Posted) -> Result<Option<(String, String)>, String> {
    let (lat, long) = (p.get("lat"), p.get("long"));
    match (lat.is_empty(), long.is_empty()) {
        (true, true) => Ok(None),
        (false, false) => {
            let ok = |v: &str, limit: f64| {
                v.len() <= 30
                    && v.parse::<f64>()
                        .is_ok_and(|n| n.is_finite() && n.abs() <= limit)
            };
            if ok(lat, 90.0) && ok(long, 180.0) {
                Ok(Some((lat.to_string(), long.to_string())))
            } else {
                Err("lat must be a number within ±90 and long within ±180".into())
            }
        }
        _ => Err("lat and long go together".into()),
    }
}

fn too_long(v: &str, max: usize) -> bool {
    v.chars().count() > max
}

async fn submit(
    state: &AppState,
    headers: &HeaderMap,
    query: &[(String, String)],
    body: &[u8],
) -> Outcome {
    let posted = Posted::parse(body)?;
    // Clients put the key in the body or (the `open311` library, for one) in the query string.
    let key = match posted.get("api_key") {
        "" => param(query, "api_key"),
        key => key,
    };
    let client = match key {
        "" => None,
        key => admin::api_client(&state.db, key).await?,
    };
    let Some((client_id, client_name)) = client else {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "a valid api_key is required to create a request",
        ));
    };
    let code = posted.get("service_code");
    if code.is_empty() {
        return Err(Failure::bad("service_code is required"));
    }
    let sv = active_service(state, code).await?;

    // Every problem with the input at once.
    let mut problems: Vec<String> = Vec::new();
    let mut address = String::new();
    let mut at = (String::new(), String::new());
    match position(&posted) {
        Ok(Some(p)) => at = p,
        Ok(None) => {}
        Err(e) => problems.push(e),
    }
    let address_string = posted.get("address_string");
    let address_id = posted.get("address_id");
    if too_long(address_string, ADDRESS_MAX) {
        problems.push(format!(
            "address_string is at most {ADDRESS_MAX} characters"
        ));
    } else if too_long(address_id, ADDRESS_ID_MAX) {
        problems.push(format!("address_id is at most {ADDRESS_ID_MAX} characters"));
    } else if !address_string.is_empty() {
        address = address_string.to_string();
    } else if !address_id.is_empty() {
        address = format!("address_id {address_id}");
    }
    if at.0.is_empty() && address_string.is_empty() && address_id.is_empty() {
        problems.push("a location is required: lat and long, address_string or address_id".into());
    }
    // Both are optional in the specification: FixMyStreet sends them empty for a one-word name.
    let applicant = [posted.get("first_name"), posted.get("last_name")]
        .into_iter()
        .filter(|v| !v.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let applicant = if applicant.is_empty() {
        UNNAMED.to_string()
    } else {
        applicant
    };
    if too_long(&applicant, NAME_MAX) || applicant.chars().any(char::is_control) {
        problems.push(format!(
            "first_name and last_name together are at most {NAME_MAX} characters"
        ));
    }
    let email = match posted.get("email") {
        "" => None,
        raw => match Email::parse(raw) {
            Ok(e) => Some(e.as_str().to_string()),
            Err(_) => {
                problems.push("email is not a valid e-mail address".into());
                None
            }
        },
    };
    let phone = match posted.get("phone") {
        "" => None,
        raw => match Phone::parse(raw) {
            Ok(p) => Some(p.as_str().to_string()),
            Err(_) => {
                problems.push(
                    "phone is not a mobile number: an Indonesian one (0812…, +62812…) or another country's in E.164 form (+65…)".into(),
                );
                None
            }
        },
    };
    let description = posted.get("description");
    if too_long(description, DESCRIPTION_MAX) {
        problems.push(format!(
            "description is at most {DESCRIPTION_MAX} characters"
        ));
    }
    if too_long(posted.get("media_url"), URL_MAX) {
        problems.push(format!("media_url is at most {URL_MAX} characters"));
    }
    let nik = if sv.needs_resident {
        match posted.attribute(NIK) {
            "" => {
                problems.push("attribute[nik]: required (the applicant's 16-digit NIK)".into());
                None
            }
            raw => match Nik::parse(raw) {
                Ok(n) => Some(n),
                Err(e) => {
                    problems.push(format!("attribute[nik]: {e}"));
                    None
                }
            },
        }
    } else {
        None
    };
    let answers = match sv.form.validate(&posted.attributes) {
        Ok(a) => Some(a),
        Err(errors) => {
            for (field, e) in errors {
                problems.push(format!("attribute[{field}]: {e}"));
            }
            None
        }
    };
    let Some(answers) = answers.filter(|_| problems.is_empty()) else {
        return Err(Failure {
            status: StatusCode::BAD_REQUEST,
            descriptions: problems,
        });
    };

    let actor = Actor {
        user_id: None,
        label: format!("open311:{client_name}"),
        channel: AuditChannel::Api,
        request_id: headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
    };
    let new = NewRequest {
        channel: Channel::Open311,
        applicant,
        nik,
        phone,
        email,
        answers,
        description: description.to_string(),
        address,
        lat: at.0,
        lon: at.1,
        created_by: None,
        api_client: Some(client_id),
    };
    let done = service::requests::submit(
        &state.db,
        &state.keys,
        &actor,
        &state.config.base_url,
        &sv,
        &new,
    )
    .await?;
    state.outbox_wake.notify_one();
    Ok(Doc {
        root: "service_requests",
        body: Node::List(
            "request",
            vec![Node::Map(vec![
                // The number is known at once, so no token: the specification gives one or
                // the other, and the citizen's tracking code is a secret that must not leave.
                ("service_request_id", s(&done.number)),
                (
                    "service_notice",
                    s(notice(&sv.org_name, sv.days, &done.due_on)),
                ),
                ("account_id", Node::Empty),
            ])],
        ),
    })
}

/// What the citizen can expect, in Indonesian.
fn notice(org_name: &str, days: i64, due_on: &str) -> String {
    let due = crate::store::parse_iso(due_on)
        .map(crate::domain::letter::long_date)
        .unwrap_or_else(|| due_on.to_string());
    if days <= 0 {
        format!("Ditangani oleh {org_name}; selesai pada hari kerja yang sama ({due}).")
    } else {
        format!(
            "Ditangani oleh {org_name}; perkiraan selesai dalam {days} hari kerja, paling lambat {due}."
        )
    }
}

// ---------------------------------------------------------------------------------------------
// GET requests, requests/{id}, tokens/{token}.

fn parse_query(query: Option<&str>) -> Result<Vec<(String, String)>, Failure> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query.unwrap_or(""))
        .map_err(|_| Failure::bad("the query string is not valid"))
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> &'a str {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .unwrap_or("")
}

/// Every value of a parameter that may be repeated or be a comma list (`status=open&status=closed`
/// is `status=open,closed`), trimmed, empty ones left out.
fn param_all<'a>(params: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    params
        .iter()
        .filter(|(k, _)| k == name)
        .flat_map(|(_, v)| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect()
}

/// An ISO 8601 date-time with its zone, or a date alone (a day in WIB: its first moment, or
/// for an `end_date` its last), as milliseconds.
fn parse_when(raw: &str, end_of_day: bool) -> Option<i64> {
    use time::OffsetDateTime;
    use time::format_description::well_known::{Iso8601, Rfc3339};
    let day = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(d) = time::Date::parse(raw.trim(), &day) {
        let first = d.midnight().assume_offset(clock::WIB);
        let ms = i64::try_from(first.unix_timestamp_nanos() / 1_000_000).ok()?;
        return Some(if end_of_day { ms + clock::DAY - 1 } else { ms });
    }
    let parse = |v: &str| {
        OffsetDateTime::parse(v, &Rfc3339)
            .or_else(|_| OffsetDateTime::parse(v, &Iso8601::DEFAULT))
            .ok()
    };
    // An unencoded `+07:00` arrives as ` 07:00`.
    let t = parse(raw).or_else(|| parse(&raw.replace(' ', "+")))?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

fn list(items: Vec<Node>) -> Doc {
    Doc {
        root: "service_requests",
        body: Node::List("request", items),
    }
}

/// The codes of the services whose requests' location is public.
async fn located_services(state: &AppState) -> Result<Vec<String>, Failure> {
    Ok(services::list(&state.db, None, true)
        .await?
        .into_iter()
        .filter(|sv| sv.public_location)
        .map(|sv| sv.code)
        .collect())
}

async fn list_requests(state: &AppState, params: &[(String, String)]) -> Outcome {
    let located = located_services(state).await?;
    let node = |r: &Request| request_node(r, located.contains(&r.service_code));
    let wanted: Vec<&str> = param_all(params, "service_request_id");
    if !wanted.is_empty() {
        // The specification: ids override every other argument.
        if wanted.len() > MAX_RESULTS as usize {
            return Err(Failure::bad(format!(
                "at most {MAX_RESULTS} service_request_id values"
            )));
        }
        let mut ids = Vec::new();
        for w in &wanted {
            ids.push(requests::id_of_number(w).ok_or_else(|| {
                Failure::bad(format!(
                    "service_request_id '{w}' is not a request number such as PD-2026-000123"
                ))
            })?);
        }
        let found = requests::filtered(
            &state.db,
            &state.keys,
            &Filter {
                ids,
                limit: MAX_RESULTS,
                ..Filter::default()
            },
        )
        .await?;
        return Ok(list(
            found
                .iter()
                .filter(|r| wanted.iter().any(|w| w.eq_ignore_ascii_case(&r.number)))
                .map(node)
                .collect(),
        ));
    }

    let mut problems = Vec::new();
    let mut when = |name: &str, end_of_day: bool| match param(params, name) {
        "" => None,
        raw => {
            let t = parse_when(raw, end_of_day);
            if t.is_none() {
                problems.push(format!(
                    "{name} must be an ISO 8601 date (2026-11-01) or date-time with a zone (2026-11-01T00:00:00+07:00)"
                ));
            }
            t
        }
    };
    let (start, end) = (when("start_date", false), when("end_date", true));
    let open = match parse_status(&param_all(params, "status")) {
        Ok(o) => o,
        Err(e) => {
            problems.push(e);
            None
        }
    };
    if !problems.is_empty() {
        return Err(Failure {
            status: StatusCode::BAD_REQUEST,
            descriptions: problems,
        });
    }
    let (start_ms, end_ms) = match (start, end) {
        (None, None) => {
            let now = now_ms();
            (now - WINDOW_MS, now)
        }
        (Some(s), None) => (s, s.saturating_add(WINDOW_MS)),
        (None, Some(e)) => (e.saturating_sub(WINDOW_MS), e),
        (Some(s), Some(e)) => {
            if e < s {
                return Err(Failure::bad("end_date is before start_date"));
            }
            if e - s > WINDOW_MS {
                return Err(Failure::bad(
                    "start_date and end_date may not span more than 90 days",
                ));
            }
            (s, e)
        }
    };
    let codes: Vec<&str> = param_all(params, "service_code");
    let filter = |code: Option<&str>| Filter {
        ids: Vec::new(),
        service_code: code.map(str::to_string),
        start_ms,
        end_ms,
        open,
        limit: MAX_RESULTS,
    };
    let mut found: Vec<Request> = Vec::new();
    if codes.is_empty() {
        found = requests::filtered(&state.db, &state.keys, &filter(None)).await?;
    } else {
        for code in codes.iter().take(50) {
            found.extend(requests::filtered(&state.db, &state.keys, &filter(Some(code))).await?);
        }
        found.sort_by_key(|r| std::cmp::Reverse((r.submitted_at, r.id)));
        found.dedup_by_key(|r| r.id);
        found.truncate(MAX_RESULTS as usize);
    }
    Ok(list(found.iter().map(node).collect()))
}

/// `open`, `closed` or both; `None` means either.
fn parse_status(values: &[&str]) -> Result<Option<bool>, String> {
    let (mut open, mut closed) = (false, false);
    for v in values {
        match v.to_ascii_lowercase().as_str() {
            "open" => open = true,
            "closed" => closed = true,
            _ => return Err(format!("status '{v}' is neither open nor closed")),
        }
    }
    Ok(match (open, closed) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    })
}

fn state_label(state: State) -> &'static str {
    match state {
        State::Submitted => "Diajukan, menunggu verifikasi",
        State::Returned => "Dikembalikan kepada pemohon untuk perbaikan",
        State::Verified => "Diverifikasi, menunggu tanda tangan",
        State::Rejected => "Ditolak",
        State::Signed => "Ditandatangani",
        State::Issued => "Surat telah terbit",
        State::Delivered => "Surat telah diterima pemohon",
        State::Closed => "Selesai",
        State::Cancelled => "Dibatalkan atas permintaan pemohon",
    }
}

/// The state in words, with the unit's reason while it is the reason for this state (a return
/// note stays on the row after the citizen resubmits, so it is shown only with these states).
fn status_notes(r: &Request) -> String {
    let label = state_label(r.state);
    let note = r.note.trim();
    if matches!(r.state, State::Returned | State::Rejected) && !note.is_empty() {
        format!("{label}: {note}")
    } else {
        label.to_string()
    }
}

/// RFC 3339 in WIB, to the second.
fn datetime(ms: i64) -> String {
    rfc3339_wib(ms.div_euclid(1000) * 1000)
}

/// A request without personal data: what, who handles it, its state and times; and where, for a
/// service about a place (`located`).
fn request_node(r: &Request, located: bool) -> Node {
    let shown = |v: &str| {
        if located && !v.is_empty() {
            s(v)
        } else {
            Node::Empty
        }
    };
    let expected = match crate::store::parse_iso(&r.due_on) {
        Some(_) => s(format!("{}T16:00:00+07:00", r.due_on)),
        None => Node::Empty,
    };
    Node::Map(vec![
        ("service_request_id", s(&r.number)),
        ("status", s(r.state.open311())),
        ("status_notes", s(status_notes(r))),
        ("service_name", s(&r.service_name)),
        ("service_code", s(&r.service_code)),
        ("description", Node::Empty),
        ("agency_responsible", s(&r.org_name)),
        ("service_notice", s(notice(&r.org_name, r.days, &r.due_on))),
        ("requested_datetime", s(datetime(r.submitted_at))),
        ("updated_datetime", s(datetime(r.updated_at))),
        ("expected_datetime", expected),
        ("address", shown(&r.address)),
        ("address_id", Node::Empty),
        ("zipcode", Node::Empty),
        ("lat", shown(&r.lat)),
        ("long", shown(&r.lon)),
        ("media_url", Node::Empty),
    ])
}

/// `GET requests/{id}`: a list with the one request.
async fn one_request(Shared(state): Shared<AppState>, Path(file): Path<String>) -> Response {
    answer_async(&file, StatusCode::OK, |number| async move {
        let unknown = || Failure::not_found(format!("no request '{number}'"));
        let id = requests::id_of_number(number).ok_or_else(unknown)?;
        let r = requests::public_get(&state.db, id)
            .await?
            .filter(|r| r.number.eq_ignore_ascii_case(number))
            .ok_or_else(unknown)?;
        let located = services::get(&state.db, r.service_id)
            .await?
            .is_some_and(|sv| sv.public_location);
        if !located {
            return Ok(list(vec![request_node(&r, false)]));
        }
        // A service about a place: its location is opened, nothing else personal is shown.
        let full = requests::get(&state.db, &state.keys, id)
            .await?
            .ok_or_else(unknown)?;
        Ok(list(vec![request_node(&full, true)]))
    })
    .await
}

/// `GET tokens/{token}`: the request number behind a token. `POST requests` answers with the
/// number at once and issues no token, so every token is unknown here; the citizen's tracking
/// code, a secret, is never accepted in its place.
async fn token(Path(file): Path<String>) -> Response {
    answer_async(&file, StatusCode::OK, |_| async move {
        Err::<Doc, _>(Failure::not_found(
            "unknown token: POST requests answers with service_request_id at once and issues no tokens",
        ))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_is_escaped_and_json_keeps_order() {
        let doc = Doc {
            root: "errors",
            body: Node::List(
                "error",
                vec![Node::Map(vec![
                    ("code", Node::Int(400)),
                    ("description", s("a<b & \"c\" 'd'\u{1}>")),
                    ("none", Node::Empty),
                ])],
            ),
        };
        let mut x = String::new();
        write_xml(doc.root, &doc.body, &mut x);
        assert_eq!(
            x,
            "<errors><error><code>400</code><description>a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;</description><none/></error></errors>"
        );
        let mut j = String::new();
        write_json(&doc.body, &mut j);
        assert_eq!(
            j,
            r#"[{"code":400,"description":"a<b & \"c\" 'd'\u0001>","none":null}]"#
        );
    }

    #[test]
    fn formats_dates_and_statuses() {
        assert!(matches!(
            split("services.xml"),
            Ok(("services", Format::Xml))
        ));
        assert!(matches!(
            split("35.03.05.2001.domisili.json"),
            Ok(("35.03.05.2001.domisili", Format::Json))
        ));
        assert_eq!(split("services.csv").unwrap_err().status, 404);
        assert_eq!(split("services").unwrap_err().status, 404);
        assert_eq!(split(".xml").unwrap_err().status, 404);
        assert_eq!(
            parse_when("2026-11-01T00:00:00+07:00", false),
            Some(1_793_466_000_000)
        );
        assert_eq!(
            parse_when("2026-11-01T00:00:00 07:00", true),
            Some(1_793_466_000_000)
        );
        assert_eq!(
            parse_when("2026-10-31T17:00:00Z", false),
            Some(1_793_466_000_000)
        );
        // A date alone is a day in WIB: from its first moment to its last.
        assert_eq!(parse_when("2026-11-01", false), Some(1_793_466_000_000));
        assert_eq!(
            parse_when("2026-11-01", true),
            Some(1_793_466_000_000 + clock::DAY - 1)
        );
        assert_eq!(parse_when("2026-11-31", false), None);
        assert_eq!(parse_when("kemarin", false), None);
        let q = |raw: &str| serde_urlencoded::from_str::<Vec<(String, String)>>(raw).unwrap();
        let repeated = q("status=open&status=closed&service_code=a,b&service_code=c");
        assert_eq!(param_all(&repeated, "service_code"), ["a", "b", "c"]);
        assert_eq!(parse_status(&param_all(&repeated, "status")), Ok(None));
        assert_eq!(parse_status(&[]), Ok(None));
        assert_eq!(parse_status(&["open"]), Ok(Some(true)));
        assert_eq!(parse_status(&["closed"]), Ok(Some(false)));
        assert_eq!(parse_status(&["open", "closed"]), Ok(None));
        assert!(parse_status(&["pending"]).is_err());
        assert_eq!(datetime(1_793_466_000_123), "2026-11-01T00:00:00+07:00");
    }

    #[test]
    fn attributes_are_read_from_both_spellings() {
        let p = Posted::parse(
            b"api_key=k&attribute%5Bhari%5D%5B%5D=a&attribute%5Bhari%5D%5B%5D=b&attribute[nik]=+3503&first_name=Sri",
        )
        .unwrap();
        assert_eq!(p.get("first_name"), "Sri");
        assert_eq!(p.attribute("nik"), "3503");
        assert_eq!(
            p.attributes,
            vec![
                ("hari".to_string(), "a".to_string()),
                ("hari".to_string(), "b".to_string()),
                ("nik".to_string(), " 3503".to_string())
            ]
        );
        assert!(Posted::parse(b"attribute[]=x").is_err());
        assert_eq!(
            position(&Posted::parse(b"lat=-8.05&long=111.7").unwrap()),
            Ok(Some(("-8.05".into(), "111.7".into())))
        );
        assert!(position(&Posted::parse(b"lat=-8.05").unwrap()).is_err());
        assert!(position(&Posted::parse(b"lat=95&long=111").unwrap()).is_err());
        assert!(position(&Posted::parse(b"lat=NaN&long=111").unwrap()).is_err());
    }
}

//! Open311 GeoReport v2 end to end, in XML and JSON, on SQLite and PostgreSQL.

use crate::both_backends;
use crate::support::*;
use anjungan_desk::domain::form::{Choice, Field, FieldKind, Form};
use anjungan_desk::domain::standard::Standard;
use anjungan_desk::domain::workflow::{self, Command};
use anjungan_desk::service;
use anjungan_desk::store::{requests, services};
use anjungan_kernel::audit::Actor;
use serde_json::Value;
use sqlx::Row;

const NGLINGGIS: &str = "35.03.05.2001";
/// A service for residents whose form has every kind of field.
const FULL: &str = "35.03.05.2001.uji311";
/// A service with no form, open to anyone.
const PLAIN: &str = "35.03.05.2001.uji311-b";
const NIK: &str = "3503051207850001";

both_backends!(
    discovery_and_service_list_in_both_formats,
    service_definition_lists_the_form_in_order,
    a_posted_request_is_public_without_personal_data,
    requests_are_filtered_by_number_service_status_and_window,
    refused_requests_change_nothing,
    xml_errors_keep_the_open311_format,
    the_field_s_clients_are_understood,
);

// ---------------------------------------------------------------------------------------------
// Fixture and helpers.

struct Fixture {
    key: String,
    key_id: i64,
    org_name: String,
}

fn field(code: &str, label: &str, kind: FieldKind, required: bool, order: u32) -> Field {
    let choices = match kind {
        FieldKind::SingleChoice | FieldKind::MultipleChoice => vec![
            Choice {
                key: "a".into(),
                name: "Pagi & <siang>".into(),
            },
            Choice {
                key: "b".into(),
                name: "Sore".into(),
            },
        ],
        _ => Vec::new(),
    };
    Field {
        code: code.into(),
        label: label.into(),
        kind,
        required,
        order,
        description: String::new(),
        choices,
    }
}

/// Out of order on purpose: the definition sorts them.
fn full_form() -> Form {
    Form {
        fields: vec![
            field("hari", "Hari buka", FieldKind::MultipleChoice, false, 60),
            field("keperluan", "Keperluan", FieldKind::Text, true, 20),
            field("nama_usaha", "Nama usaha", FieldKind::String, true, 10),
            field("modal", "Modal (rupiah)", FieldKind::Number, false, 30),
            field("sejak", "Berdiri sejak", FieldKind::Date, false, 40),
            field("jenis", "Jenis usaha", FieldKind::SingleChoice, true, 50),
        ],
    }
}

fn input(code: &str, name: &str, needs_resident: bool, form: Form) -> services::ServiceInput {
    let mut standard = Standard::default();
    for k in ["requirements", "procedure", "product", "complaints"] {
        standard.components.insert(k.into(), "Uji".into());
    }
    services::ServiceInput {
        code: code.into(),
        name: name.into(),
        description: "Layanan uji Open311".into(),
        category: "Uji".into(),
        days: 3,
        cost: 0,
        needs_resident,
        public_location: false,
        standard,
        form,
        letter: None,
        active: true,
    }
}

async fn fixture(app: &TestApp) -> Fixture {
    let db = &app.state.db;
    let actor = Actor::system("test");
    let org = app.org_id(NGLINGGIS).await;
    let mut tx = db.begin_write().await.unwrap();
    service::catalogue::insert(
        &mut tx,
        &actor,
        org,
        &input(FULL, "Surat keterangan usaha (uji)", true, full_form()),
    )
    .await
    .unwrap();
    service::catalogue::insert(
        &mut tx,
        &actor,
        org,
        &input(PLAIN, "Pengaduan lampu jalan (uji)", false, Form::default()),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let (key_id, key) = service::admin::create_api_key(db, &actor, "Aplikasi uji")
        .await
        .unwrap();
    let org_name = services::by_code(db, FULL).await.unwrap().unwrap().org_name;
    Fixture {
        key,
        key_id,
        org_name,
    }
}

/// A complete, valid submission for [`FULL`], with some fields replaced or dropped.
fn submission(fx: &Fixture, set: &[(&str, &str)], drop: &[&str]) -> Vec<(String, String)> {
    let base: Vec<(&str, &str)> = vec![
        ("api_key", fx.key.as_str()),
        ("jurisdiction_id", "trenggalekkab.go.id"),
        ("service_code", FULL),
        ("lat", "-8.1234567"),
        ("long", "111.7654321"),
        ("first_name", "Sulastri"),
        ("last_name", "Wijayakusuma"),
        ("phone", "0812-3456-7890"),
        ("email", "sulastri.w@example.id"),
        (
            "description",
            "Usaha keripik tempe milik Bu Sulastri di RT 03",
        ),
        ("media_url", "https://example.id/foto.jpg"),
        ("attribute[nik]", NIK),
        ("attribute[nama_usaha]", "Keripik Tempe Srikandi"),
        ("attribute[keperluan]", "Pengajuan kredit usaha rakyat"),
        ("attribute[modal]", "1500000,5"),
        ("attribute[sejak]", "2019-07-01T00:00:00+07:00"),
        ("attribute[jenis]", "b"),
        ("attribute[hari][]", "a"),
        ("attribute[hari][]", "b"),
    ];
    let mut out: Vec<(String, String)> = base
        .into_iter()
        .filter(|(k, _)| !drop.contains(k) && !set.iter().any(|(s, _)| s == k))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    out.extend(set.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    out
}

/// Texts of the submission that are personal data and must never be shown.
const PERSONAL: [&str; 10] = [
    "Sulastri",
    "Wijayakusuma",
    "3456",
    "sulastri.w",
    "keripik tempe milik",
    "-8.1234567",
    "111.7654321",
    NIK,
    "Keripik Tempe Srikandi",
    "kredit usaha rakyat",
];

struct Answer {
    status: u16,
    content_type: String,
    body: String,
}

async fn get(app: &TestApp, path: &str) -> Answer {
    answer(app.client().get(app.url(path)).send().await.unwrap()).await
}

async fn get_query(app: &TestApp, path: &str, query: &[(&str, &str)]) -> Answer {
    answer(
        app.client()
            .get(app.url(path))
            .query(query)
            .send()
            .await
            .unwrap(),
    )
    .await
}

async fn post(app: &TestApp, ext: &str, form: &[(String, String)]) -> Answer {
    answer(
        app.client()
            .post(app.url(&format!("/open311/v2/requests.{ext}")))
            .form(form)
            .send()
            .await
            .unwrap(),
    )
    .await
}

async fn answer(r: reqwest::Response) -> Answer {
    let status = r.status().as_u16();
    let content_type = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    Answer {
        status,
        content_type,
        body: r.text().await.unwrap(),
    }
}

impl Answer {
    fn json(&self) -> Value {
        assert_eq!(
            self.content_type, "application/json; charset=utf-8",
            "{}",
            self.body
        );
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// The XML document, checked for its root element.
    fn xml(&self, root: &str) -> roxmltree::Document<'_> {
        assert_eq!(
            self.content_type, "text/xml; charset=utf-8",
            "{}",
            self.body
        );
        let doc =
            roxmltree::Document::parse(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body));
        assert_eq!(doc.root_element().tag_name().name(), root, "{}", self.body);
        doc
    }
}

fn elements<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Vec<roxmltree::Node<'a, 'i>> {
    n.children()
        .filter(|c| c.is_element() && c.tag_name().name() == name)
        .collect()
}

fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> roxmltree::Node<'a, 'i> {
    n.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
        .unwrap_or_else(|| panic!("no <{name}> in <{}>", n.tag_name().name()))
}

fn text(n: roxmltree::Node<'_, '_>, name: &str) -> String {
    child(n, name).text().unwrap_or("").to_string()
}

/// A JSON error list with one code.
fn json_error(a: &Answer, status: u16) -> Vec<String> {
    assert_eq!(a.status, status, "{}", a.body);
    let v = a.json();
    let list = v.as_array().unwrap_or_else(|| panic!("{}", a.body));
    assert!(!list.is_empty());
    list.iter()
        .map(|e| {
            assert_eq!(e["code"], status);
            e["description"].as_str().unwrap().to_string()
        })
        .collect()
}

async fn count_requests(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM desk_requests")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// Submits a valid request (JSON) and returns its number; the answer carries the number and
/// never a token (the specification's one or the other; the tracking code is the citizen's).
async fn submit_ok(app: &TestApp, form: &[(String, String)]) -> String {
    let a = post(app, "json", form).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let v = a.json();
    let r = &v.as_array().unwrap()[0];
    assert!(r.get("token").is_none(), "no token beside the number: {r}");
    r["service_request_id"].as_str().unwrap().to_string()
}

// ---------------------------------------------------------------------------------------------
// Tests.

async fn discovery_and_service_list_in_both_formats(app: TestApp) {
    let fx = fixture(&app).await;
    let base = app.state.config.base_url.clone();

    let a = get(&app, "/open311/v2/discovery.xml").await;
    assert_eq!(a.status, 200);
    let doc = a.xml("discovery");
    let d = doc.root_element();
    assert!(!text(d, "changeset").is_empty());
    assert!(!text(d, "contact").is_empty());
    assert!(!text(d, "key_service").is_empty());
    let endpoints = elements(child(d, "endpoints"), "endpoint");
    assert_eq!(endpoints.len(), 1);
    let e = endpoints[0];
    assert_eq!(
        text(e, "specification"),
        "http://wiki.open311.org/GeoReport_v2"
    );
    assert_eq!(text(e, "url"), format!("{base}/open311/v2"));
    assert_eq!(text(e, "type"), "production");
    assert!(text(e, "changeset").contains("+07:00"));
    let formats: Vec<String> = elements(child(e, "formats"), "format")
        .iter()
        .map(|f| f.text().unwrap().to_string())
        .collect();
    assert_eq!(formats, ["text/xml", "application/json"]);

    let a = get(&app, "/open311/v2/discovery.json").await;
    assert_eq!(a.status, 200);
    let v = a.json();
    assert_eq!(v["endpoints"][0]["url"], format!("{base}/open311/v2"));
    assert_eq!(
        v["endpoints"][0]["specification"],
        "http://wiki.open311.org/GeoReport_v2"
    );
    assert_eq!(
        v["endpoints"][0]["formats"],
        serde_json::json!(["text/xml", "application/json"])
    );
    assert_eq!(v["changeset"], v["endpoints"][0]["changeset"]);

    // The list: every active service, ours among them, the same in both formats.
    let a = get(
        &app,
        "/open311/v2/services.json?jurisdiction_id=trenggalekkab.go.id",
    )
    .await;
    assert_eq!(a.status, 200);
    let list = a.json();
    let list = list.as_array().unwrap();
    let active = services::list(&app.state.db, None, false)
        .await
        .unwrap()
        .len();
    assert_eq!(list.len(), active);
    let full = list.iter().find(|s| s["service_code"] == FULL).unwrap();
    assert_eq!(full["service_name"], "Surat keterangan usaha (uji)");
    assert_eq!(full["description"], "Layanan uji Open311");
    assert_eq!(full["metadata"], true);
    assert_eq!(full["type"], "realtime");
    assert_eq!(full["group"], fx.org_name.as_str());
    assert!(full["keywords"].as_str().unwrap().contains("Uji"));
    let plain = list.iter().find(|s| s["service_code"] == PLAIN).unwrap();
    assert_eq!(plain["metadata"], false);

    let a = get(&app, "/open311/v2/services.xml").await;
    assert_eq!(a.status, 200);
    let doc = a.xml("services");
    let all = elements(doc.root_element(), "service");
    assert_eq!(all.len(), active);
    let full = all
        .iter()
        .find(|s| text(**s, "service_code") == FULL)
        .unwrap();
    assert_eq!(text(*full, "service_name"), "Surat keterangan usaha (uji)");
    assert_eq!(text(*full, "metadata"), "true");
    assert_eq!(text(*full, "type"), "realtime");
    assert_eq!(text(*full, "group"), fx.org_name);
    for tag in ["description", "keywords"] {
        child(*full, tag);
    }
    let plain = all
        .iter()
        .find(|s| text(**s, "service_code") == PLAIN)
        .unwrap();
    assert_eq!(text(*plain, "metadata"), "false");

    // The demo's village letters are there too, each asking for the resident's NIK first.
    let demo = format!("{NGLINGGIS}.domisili");
    assert!(list.iter().any(|s| s["service_code"] == demo.as_str()));
    let v = get(&app, &format!("/open311/v2/services/{demo}.json"))
        .await
        .json();
    assert_eq!(v["attributes"][0]["code"], "nik");
    assert_eq!(v["attributes"][0]["required"], true);
    assert!(
        v["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["code"] == "keperluan" && a["datatype"] == "text" && a["required"] == true)
    );
}

async fn service_definition_lists_the_form_in_order(app: TestApp) {
    let _fx = fixture(&app).await;
    let expected = [
        ("nik", "string", true),
        ("nama_usaha", "string", true),
        ("keperluan", "text", true),
        ("modal", "number", false),
        ("sejak", "datetime", false),
        ("jenis", "singlevaluelist", true),
        ("hari", "multivaluelist", false),
    ];

    let a = get(&app, &format!("/open311/v2/services/{FULL}.json")).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let v = a.json();
    assert_eq!(v["service_code"], FULL);
    let attrs = v["attributes"].as_array().unwrap();
    assert_eq!(attrs.len(), expected.len());
    let mut last_order = 0;
    for (a, (code, datatype, required)) in attrs.iter().zip(expected) {
        assert_eq!(a["code"], code);
        assert_eq!(a["datatype"], datatype, "{code}");
        assert_eq!(a["required"], required, "{code}");
        assert_eq!(a["variable"], true);
        let order = a["order"].as_i64().unwrap();
        assert!(order > last_order, "{code} comes after the previous one");
        last_order = order;
        assert!(!a["datatype_description"].as_str().unwrap().is_empty());
        let lists = datatype.ends_with("valuelist");
        assert_eq!(a.get("values").is_some(), lists, "{code}");
    }
    assert_eq!(attrs[0]["description"], "NIK (16 digit)");
    assert_eq!(attrs[1]["description"], "Nama usaha");
    assert_eq!(
        attrs[5]["values"],
        serde_json::json!([{"key": "a", "name": "Pagi & <siang>"}, {"key": "b", "name": "Sore"}])
    );

    let a = get(&app, &format!("/open311/v2/services/{FULL}.xml")).await;
    assert_eq!(a.status, 200);
    let doc = a.xml("service_definition");
    let d = doc.root_element();
    assert_eq!(text(d, "service_code"), FULL);
    let attrs = elements(child(d, "attributes"), "attribute");
    assert_eq!(attrs.len(), expected.len());
    for (a, (code, datatype, required)) in attrs.iter().zip(expected) {
        assert_eq!(text(*a, "code"), code);
        assert_eq!(text(*a, "datatype"), datatype);
        assert_eq!(text(*a, "required"), required.to_string());
        assert_eq!(text(*a, "variable"), "true");
        for tag in ["datatype_description", "order", "description"] {
            child(*a, tag);
        }
    }
    let values = elements(child(attrs[6], "values"), "value");
    let pairs: Vec<(String, String)> = values
        .iter()
        .map(|v| (text(*v, "key"), text(*v, "name")))
        .collect();
    assert_eq!(
        pairs,
        [
            ("a".to_string(), "Pagi & <siang>".to_string()),
            ("b".to_string(), "Sore".to_string())
        ]
    );

    // A service without a form or a NIK has no attributes.
    let a = get(&app, &format!("/open311/v2/services/{PLAIN}.json")).await;
    assert_eq!(a.json()["attributes"], serde_json::json!([]));
    let a = get(&app, &format!("/open311/v2/services/{PLAIN}.xml")).await;
    let doc = a.xml("service_definition");
    assert!(elements(child(doc.root_element(), "attributes"), "attribute").is_empty());

    // Unknown services and inactive ones are 404.
    json_error(
        &get(&app, "/open311/v2/services/35.03.05.2001.tidak-ada.json").await,
        404,
    );
    assert_eq!(
        get(&app, "/open311/v2/services/35.03.05.2001.tidak-ada.xml")
            .await
            .status,
        404
    );
    let s = services::by_code(&app.state.db, PLAIN)
        .await
        .unwrap()
        .unwrap();
    let mut off = input(PLAIN, "Pengaduan lampu jalan (uji)", false, Form::default());
    off.active = false;
    service::catalogue::update(&app.state.db, &Actor::system("test"), s.id, &off)
        .await
        .unwrap();
    json_error(
        &get(&app, &format!("/open311/v2/services/{PLAIN}.json")).await,
        404,
    );
    let list = get(&app, "/open311/v2/services.json").await.json();
    assert!(
        !list
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["service_code"] == PLAIN)
    );
}

async fn a_posted_request_is_public_without_personal_data(app: TestApp) {
    let fx = fixture(&app).await;
    let submits = app.audit_count("desk.request.submit").await;

    // XML answer to a POST.
    let a = post(&app, "xml", &submission(&fx, &[], &[])).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let doc = a.xml("service_requests");
    let reqs = elements(doc.root_element(), "request");
    assert_eq!(reqs.len(), 1);
    let number = text(reqs[0], "service_request_id");
    assert!(number.starts_with("PD-"), "{number}");
    assert!(
        elements(reqs[0], "token").is_empty(),
        "the number, never a token as well"
    );
    assert!(text(reqs[0], "service_notice").contains("3 hari kerja"));
    assert_eq!(text(reqs[0], "account_id"), "");

    // Stored as given: the channel, the answers cleaned, the NIK and contact kept (sealed).
    let id = requests::id_of_number(&number).unwrap();
    let stored = requests::get(&app.state.db, &app.state.keys, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.channel, anjungan_desk::domain::Channel::Open311);
    assert_eq!(stored.applicant, "Sulastri Wijayakusuma");
    assert_eq!(stored.nik, NIK);
    assert!(!stored.phone_masked.is_empty());
    assert!(!stored.email_masked.is_empty());
    assert_eq!(stored.answers["hari"], ["a", "b"]);
    assert_eq!(stored.answers["modal"], ["1500000.5"]);
    assert_eq!(stored.answers["sejak"], ["2019-07-01"]);
    assert_eq!(stored.lat, "-8.1234567");
    // The citizen's secret tracking code never leaves through the API.
    let token = stored.tracking_code(&app.state.keys);
    assert_eq!(token.len(), 12);
    assert!(!a.body.contains(&token));
    let api_client: Option<i64> =
        sqlx::query_scalar("SELECT api_client FROM desk_requests WHERE id = $1")
            .bind(id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(api_client, Some(fx.key_id));

    // Audited, by the client and through the API.
    assert_eq!(app.audit_count("desk.request.submit").await, submits + 1);
    let row = sqlx::query(
        "SELECT actor_label, channel FROM audit_log WHERE action = 'desk.request.submit' AND record_id = $1",
    )
    .bind(id.to_string())
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(row.get::<String, _>("actor_label"), "open311:Aplikasi uji");
    assert_eq!(row.get::<String, _>("channel"), "api");

    // JSON answer to a POST; attribute[CODE] works for a multiple choice too, and a service
    // without a form needs only a name and a place.
    let number2 = submit_ok(
        &app,
        &submission(
            &fx,
            &[
                ("attribute[hari]", "b"),
                ("attribute[nik]", "3503 0512 0785 0001"),
            ],
            &["attribute[hari][]"],
        ),
    )
    .await;
    assert_ne!(number2, number);
    let plain = vec![
        ("api_key".to_string(), fx.key.clone()),
        ("service_code".to_string(), PLAIN.to_string()),
        (
            "address_string".to_string(),
            "Jl. Raya Nglinggis".to_string(),
        ),
        ("last_name".to_string(), "Wijayakusuma".to_string()),
    ];
    let number3 = submit_ok(&app, &plain).await;
    assert_eq!(app.audit_count("desk.request.submit").await, submits + 3);

    // GET requests/{id} in both formats.
    let a = get(&app, &format!("/open311/v2/requests/{number}.json")).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let v = a.json();
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), 1);
    let r = &list[0];
    assert_eq!(r["service_request_id"], number.as_str());
    assert_eq!(r["status"], "open");
    assert_eq!(r["service_code"], FULL);
    assert_eq!(r["service_name"], "Surat keterangan usaha (uji)");
    assert_eq!(r["agency_responsible"], fx.org_name.as_str());
    assert!(!r["status_notes"].as_str().unwrap().is_empty());
    assert_eq!(
        r["expected_datetime"],
        format!("{}T16:00:00+07:00", stored.due_on)
    );
    assert!(
        r["requested_datetime"]
            .as_str()
            .unwrap()
            .ends_with("+07:00")
    );
    assert!(r["updated_datetime"].as_str().unwrap().ends_with("+07:00"));
    for k in [
        "description",
        "address",
        "address_id",
        "zipcode",
        "lat",
        "long",
        "media_url",
    ] {
        assert!(
            r[k].is_null() || r[k] == "",
            "{k} is empty for privacy: {}",
            r[k]
        );
    }
    assert!(r.get("token").is_none(), "the token is never listed");

    let a = get(&app, &format!("/open311/v2/requests/{number}.xml")).await;
    assert_eq!(a.status, 200);
    let doc = a.xml("service_requests");
    let reqs = elements(doc.root_element(), "request");
    assert_eq!(reqs.len(), 1);
    let r = reqs[0];
    assert_eq!(text(r, "service_request_id"), number);
    assert_eq!(text(r, "status"), "open");
    assert_eq!(text(r, "agency_responsible"), fx.org_name);
    assert_eq!(
        text(r, "expected_datetime"),
        format!("{}T16:00:00+07:00", stored.due_on)
    );
    for k in [
        "status_notes",
        "service_name",
        "service_code",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
    ] {
        assert!(!text(r, k).is_empty(), "{k}");
    }
    for k in [
        "description",
        "address",
        "address_id",
        "zipcode",
        "lat",
        "long",
        "media_url",
    ] {
        assert_eq!(text(r, k), "", "{k}");
    }

    // GET tokens/{token} does not take the citizen's tracking code for a token: whoever holds
    // the code can cancel the request and download its letter.
    for t in [
        token.clone(),
        format!("{}-{}-{}", &token[..4], &token[4..8], &token[8..]).to_lowercase(),
    ] {
        for ext in ["xml", "json"] {
            let a = get(&app, &format!("/open311/v2/tokens/{t}.{ext}")).await;
            assert_eq!(a.status, 404, "{t}.{ext}");
            assert!(!a.body.contains(&number), "{}", a.body);
        }
    }

    // No GET shows personal data: not the name, contact, description, place, NIK or answers.
    let mut bodies = Vec::new();
    for path in [
        format!("/open311/v2/requests/{number}.json"),
        format!("/open311/v2/requests/{number}.xml"),
        format!("/open311/v2/requests/{number3}.xml"),
        "/open311/v2/requests.json".to_string(),
        "/open311/v2/requests.xml".to_string(),
        format!("/open311/v2/requests.xml?service_request_id={number},{number2},{number3}"),
        format!("/open311/v2/services/{FULL}.xml"),
    ] {
        let a = get(&app, &path).await;
        assert_eq!(a.status, 200, "{path}");
        bodies.push((path, a.body));
    }
    for (path, body) in &bodies {
        for p in PERSONAL.iter().chain(["Jl. Raya Nglinggis"].iter()) {
            assert!(
                !body.to_lowercase().contains(&p.to_lowercase()),
                "{path} shows {p}"
            );
        }
    }
    // Nor of anyone else: every request of the demo too, whatever its channel.
    let everyone = requests::filtered(
        &app.state.db,
        &app.state.keys,
        &requests::Filter {
            start_ms: 0,
            end_ms: i64::MAX,
            limit: 100_000,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(everyone.len() > 3, "the demo has requests");
    let listed = get(&app, "/open311/v2/requests.json").await;
    let shown = listed.json();
    assert_eq!(shown.as_array().unwrap().len(), everyone.len());
    let located: Vec<String> = services::list(&app.state.db, None, true)
        .await
        .unwrap()
        .into_iter()
        .filter(|s| s.public_location)
        .map(|s| s.code)
        .collect();
    assert!(!located.is_empty(), "the demo has a service about a place");
    for r in &everyone {
        let context = format!("{} {}", r.service_name, r.org_name);
        // A service about a place publishes where (the demo's village internet outage), and
        // nothing else of the request.
        let place = located.contains(&r.service_code);
        let mut private = vec![&r.applicant, &r.nik, &r.description];
        if !place {
            private.extend([&r.address, &r.lat, &r.lon]);
        }
        for p in private {
            if p.chars().count() >= 4 && !context.contains(p.as_str()) {
                assert!(!listed.body.contains(p.as_str()), "{} shows {p}", r.number);
            }
        }
        for values in r.answers.values() {
            for p in values.iter().filter(|v| v.chars().count() >= 8) {
                if !context.contains(p.as_str()) {
                    assert!(!listed.body.contains(p.as_str()), "{} shows {p}", r.number);
                }
            }
        }
    }
}

async fn requests_are_filtered_by_number_service_status_and_window(app: TestApp) {
    let fx = fixture(&app).await;
    let plain = |place: &str| {
        vec![
            ("api_key".to_string(), fx.key.clone()),
            ("service_code".to_string(), PLAIN.to_string()),
            ("address_id".to_string(), place.to_string()),
            ("first_name".to_string(), "Darmo".to_string()),
        ]
    };
    let full_open = submit_ok(&app, &submission(&fx, &[], &[])).await;
    let plain_open = submit_ok(&app, &plain("LAMPU-7")).await;
    let plain_closed = submit_ok(&app, &plain("LAMPU-8")).await;
    // The unit rejects the last one: it is closed, with the reason.
    let actor = Actor::system("test");
    service::requests::act(
        &app.state.db,
        &app.state.keys,
        service::requests::Step {
            actor: &actor,
            role: workflow::Actor::Operator,
            base_url: &app.state.config.base_url,
            survey: None,
        },
        requests::id_of_number(&plain_closed).unwrap(),
        Command::Reject,
        "Lampu sudah diperbaiki dinas",
    )
    .await
    .unwrap();

    let numbers = |a: &Answer| -> Vec<String> {
        a.json()
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["service_request_id"].as_str().unwrap().to_string())
            .collect()
    };
    let xml_numbers = |a: &Answer| -> Vec<String> {
        let doc = a.xml("service_requests");
        elements(doc.root_element(), "request")
            .iter()
            .map(|r| text(*r, "service_request_id"))
            .collect()
    };
    let path = "/open311/v2/requests.json";

    // Default: the last 90 days, newest first.
    let a = get(&app, path).await;
    assert_eq!(a.status, 200);
    let all = numbers(&a);
    let ours: Vec<&String> = all
        .iter()
        .filter(|n| [&full_open, &plain_open, &plain_closed].contains(n))
        .collect();
    assert_eq!(ours, [&plain_closed, &plain_open, &full_open]);
    let a = get(&app, "/open311/v2/requests.xml").await;
    assert_eq!(xml_numbers(&a), all);

    // By service, and by several services.
    let a = get_query(&app, path, &[("service_code", PLAIN)]).await;
    assert_eq!(numbers(&a), [plain_closed.clone(), plain_open.clone()]);
    let a = get_query(&app, path, &[("service_code", &format!("{FULL},{PLAIN}"))]).await;
    assert_eq!(
        numbers(&a),
        [plain_closed.clone(), plain_open.clone(), full_open.clone()]
    );
    let a = get_query(&app, path, &[("service_code", "35.03.05.2001.tidak-ada")]).await;
    assert!(numbers(&a).is_empty());

    // By status.
    let a = get_query(&app, path, &[("service_code", PLAIN), ("status", "open")]).await;
    assert_eq!(numbers(&a), [plain_open.as_str()]);
    let a = get_query(&app, path, &[("service_code", PLAIN), ("status", "closed")]).await;
    assert_eq!(numbers(&a), [plain_closed.as_str()]);
    let v = a.json();
    assert_eq!(v[0]["status"], "closed");
    assert!(
        v[0]["status_notes"]
            .as_str()
            .unwrap()
            .contains("Lampu sudah diperbaiki dinas")
    );
    let a = get_query(
        &app,
        "/open311/v2/requests.xml",
        &[("service_code", PLAIN), ("status", "open,closed")],
    )
    .await;
    assert_eq!(xml_numbers(&a), [plain_closed.clone(), plain_open.clone()]);

    // By number: several at once, other arguments ignored.
    let a = get_query(
        &app,
        path,
        &[
            ("service_request_id", &format!("{full_open},{plain_closed}")),
            ("service_code", PLAIN),
            ("status", "open"),
        ],
    )
    .await;
    assert_eq!(numbers(&a), [plain_closed.clone(), full_open.clone()]);
    // The right id with the wrong year is another request.
    let id = requests::id_of_number(&full_open).unwrap();
    let a = get_query(
        &app,
        path,
        &[("service_request_id", &format!("PD-1999-{id:06}"))],
    )
    .await;
    assert!(numbers(&a).is_empty());

    // By window, with zones; an unencoded `+` (a space) is understood too.
    let now = anjungan_kernel::clock::now_ms();
    let day = anjungan_kernel::clock::DAY;
    let iso = anjungan_kernel::clock::rfc3339_wib;
    let a = get_query(
        &app,
        path,
        &[
            ("service_code", PLAIN),
            ("start_date", &iso(now - day)),
            ("end_date", &iso(now + day)),
        ],
    )
    .await;
    assert_eq!(numbers(&a), [plain_closed.clone(), plain_open.clone()]);
    let a = get_query(
        &app,
        path,
        &[
            ("service_code", PLAIN),
            ("start_date", "2020-01-01T00:00:00Z"),
        ],
    )
    .await;
    assert!(numbers(&a).is_empty(), "start_date alone covers 90 days");
    let a = get(
        &app,
        "/open311/v2/requests.xml?start_date=2020-01-01T00:00:00+07:00&end_date=2020-02-01T00:00:00+07:00",
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(xml_numbers(&a).is_empty());
    let a = get_query(
        &app,
        path,
        &[("service_code", PLAIN), ("end_date", &iso(now + day))],
    )
    .await;
    assert_eq!(numbers(&a).len(), 2);

    // Bad arguments are 400 in the specification's format.
    for query in [
        vec![("start_date", iso(now - 91 * day)), ("end_date", iso(now))],
        vec![("start_date", iso(now)), ("end_date", iso(now - day))],
        vec![("start_date", "kemarin".to_string())],
        vec![("end_date", "2026-11-31".to_string())],
        vec![("status", "pending".to_string())],
        vec![("status", "open,selesai".to_string())],
        vec![("service_request_id", "123".to_string())],
    ] {
        let q: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let a = get_query(&app, path, &q).await;
        json_error(&a, 400);
        let a = get_query(&app, "/open311/v2/requests.xml", &q).await;
        assert_eq!(a.status, 400, "{q:?}");
    }
    let d = json_error(
        &get_query(
            &app,
            path,
            &[
                ("start_date", &iso(now - 91 * day)),
                ("end_date", &iso(now)),
            ],
        )
        .await,
        400,
    );
    assert!(d[0].contains("90 days"), "{d:?}");

    // Unknown requests and tokens are 404.
    for p in [
        "/open311/v2/requests/PD-2026-999999.json".to_string(),
        "/open311/v2/requests/bukan-nomor.json".to_string(),
        format!("/open311/v2/requests/PD-1999-{id:06}.json"),
        "/open311/v2/tokens/ABCDEFGHJKMN.json".to_string(),
        "/open311/v2/tokens/pendek.json".to_string(),
    ] {
        json_error(&get(&app, &p).await, 404);
    }
    assert_eq!(
        get(&app, "/open311/v2/requests/PD-2026-999999.xml")
            .await
            .status,
        404
    );

    // A return shows its reason while the request waits for the citizen, and no longer once
    // they resubmit (the note stays on the row).
    let returned = submit_ok(&app, &plain("LAMPU-9")).await;
    let returned_id = requests::id_of_number(&returned).unwrap();
    let step = |role| service::requests::Step {
        actor: &actor,
        role,
        base_url: &app.state.config.base_url,
        survey: None,
    };
    service::requests::act(
        &app.state.db,
        &app.state.keys,
        step(workflow::Actor::Operator),
        returned_id,
        Command::Return,
        "Mohon sebutkan nomor tiang lampu",
    )
    .await
    .unwrap();
    let v = get(&app, &format!("/open311/v2/requests/{returned}.json"))
        .await
        .json();
    assert_eq!(v[0]["status"], "open");
    assert!(
        v[0]["status_notes"]
            .as_str()
            .unwrap()
            .contains("Mohon sebutkan nomor tiang lampu")
    );
    service::requests::act(
        &app.state.db,
        &app.state.keys,
        step(workflow::Actor::Citizen),
        returned_id,
        Command::Resubmit,
        "",
    )
    .await
    .unwrap();
    let v = get(&app, &format!("/open311/v2/requests/{returned}.json"))
        .await
        .json();
    assert_eq!(v[0]["status"], "open");
    assert!(
        !v[0]["status_notes"]
            .as_str()
            .unwrap()
            .contains("tiang lampu")
    );
}

/// Fields set, fields dropped, and what the error names.
type Case<'a> = (Vec<(&'a str, &'a str)>, Vec<&'a str>, &'a str);

async fn refused_requests_change_nothing(app: TestApp) {
    let fx = fixture(&app).await;
    let before = count_requests(&app).await;
    let submits = app.audit_count("desk.request.submit").await;
    let outbox: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap_or(0);

    // 403: no key, a wrong key, a revoked key.
    let a = post(&app, "json", &submission(&fx, &[], &["api_key"])).await;
    json_error(&a, 403);
    let a = post(&app, "json", &submission(&fx, &[("api_key", "salah")], &[])).await;
    json_error(&a, 403);
    let (revoked_id, revoked) =
        service::admin::create_api_key(&app.state.db, &Actor::system("test"), "Lama")
            .await
            .unwrap();
    service::admin::revoke_api_key(&app.state.db, &Actor::system("test"), revoked_id)
        .await
        .unwrap();
    let a = post(
        &app,
        "json",
        &submission(&fx, &[("api_key", revoked.as_str())], &[]),
    )
    .await;
    json_error(&a, 403);
    // The key is checked first, even before the service.
    let a = post(
        &app,
        "json",
        &submission(&fx, &[("service_code", "tidak-ada")], &["api_key"]),
    )
    .await;
    json_error(&a, 403);

    // 404: an unknown service.
    let a = post(
        &app,
        "json",
        &submission(&fx, &[("service_code", "35.03.05.2001.tidak-ada")], &[]),
    )
    .await;
    json_error(&a, 404);

    // 400: each problem, named.
    let (x4001, x2001, x201) = ("x".repeat(4001), "x".repeat(2001), "x".repeat(201));
    let cases: Vec<Case> = vec![
        (vec![], vec!["service_code"], "service_code"),
        (vec![], vec!["lat", "long"], "location"),
        (vec![], vec!["long"], "lat and long"),
        (vec![("lat", "-95")], vec![], "lat"),
        (vec![("long", "timur")], vec![], "long"),
        (
            vec![("first_name", &x201), ("last_name", &x201)],
            vec![],
            "first_name and last_name",
        ),
        (vec![("email", "bukan-email")], vec![], "email"),
        (vec![("phone", "12345")], vec![], "phone"),
        (vec![("description", &x4001)], vec![], "description"),
        (vec![("media_url", &x2001)], vec![], "media_url"),
        (vec![("attribute[jenis]", "z")], vec![], "attribute[jenis]"),
        (
            vec![("attribute[modal]", "banyak")],
            vec![],
            "attribute[modal]",
        ),
        (
            vec![("attribute[sejak]", "kemarin")],
            vec![],
            "attribute[sejak]",
        ),
        (vec![("attribute[hari][]", "q")], vec![], "attribute[hari]"),
        (
            vec![("attribute[nama_usaha]", &x201)],
            vec![],
            "attribute[nama_usaha]",
        ),
        (vec![], vec!["attribute[keperluan]"], "attribute[keperluan]"),
        (vec![], vec!["attribute[nik]"], "attribute[nik]"),
        (
            vec![("attribute[nik]", "1234567890123456")],
            vec![],
            "attribute[nik]",
        ),
        (
            vec![("attribute[nik]", "3503053207850001")],
            vec![],
            "attribute[nik]",
        ),
        (vec![("attribute[]", "x")], vec![], "attribute[CODE]"),
    ];
    for (set, drop, named) in &cases {
        let form = submission(&fx, set, drop);
        let a = post(&app, "json", &form).await;
        let d = json_error(&a, 400);
        assert!(
            d.iter().any(|d| d.contains(named)),
            "{set:?} {drop:?}: {d:?}"
        );
        let a = post(&app, "xml", &form).await;
        assert_eq!(a.status, 400, "{set:?} {drop:?}");
    }
    // Several problems are reported together.
    let d = json_error(
        &post(
            &app,
            "json",
            &submission(
                &fx,
                &[("attribute[jenis]", "z")],
                &["lat", "long", "attribute[nik]"],
            ),
        )
        .await,
        400,
    );
    assert_eq!(d.len(), 3, "{d:?}");

    // POST to a read-only resource: "400 otherwise", in the format asked for.
    for ext in ["json", "xml"] {
        let a = answer(
            app.client()
                .post(app.url(&format!("/open311/v2/services.{ext}")))
                .form(&submission(&fx, &[], &[]))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(a.status, 400, "{ext}: {}", a.body);
        assert!(a.body.contains("read-only"), "{}", a.body);
        if ext == "json" {
            json_error(&a, 400);
        } else {
            let doc = a.xml("errors");
            assert_eq!(
                text(elements(doc.root_element(), "error")[0], "code"),
                "400"
            );
        }
    }

    // Unknown resources and extensions: 404.
    for p in [
        "/open311/v2/requests.csv",
        "/open311/v2/services.html",
        "/open311/v2/discovery",
        "/open311/v2/laporan.json",
        &format!("/open311/v2/services/{FULL}"),
        &format!("/open311/v2/services/{FULL}.txt"),
    ] {
        assert_eq!(get(&app, p).await.status, 404, "{p}");
    }
    let a = post(&app, "yaml", &submission(&fx, &[], &[])).await;
    assert_eq!(a.status, 404);

    // Nothing was stored, audited or sent.
    assert_eq!(count_requests(&app).await, before);
    assert_eq!(app.audit_count("desk.request.submit").await, submits);
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap_or(0);
    assert_eq!(after, outbox);
    // And the same submission, corrected, goes through.
    submit_ok(&app, &submission(&fx, &[], &[])).await;
    assert_eq!(count_requests(&app).await, before + 1);
}

/// Errors answer in the format asked for: `<errors><error><code/><description/></error></errors>`
/// in XML (also for an unknown extension), a list of `{code, description}` in JSON.
async fn xml_errors_keep_the_open311_format(app: TestApp) {
    let fx = fixture(&app).await;
    let check = |a: &Answer, status: u16| {
        assert_eq!(a.status, status, "{}", a.body);
        let doc = a.xml("errors");
        let errors = elements(doc.root_element(), "error");
        assert!(!errors.is_empty());
        for e in errors {
            assert_eq!(text(e, "code"), status.to_string());
            assert!(!text(e, "description").is_empty());
        }
    };
    check(
        &post(&app, "xml", &submission(&fx, &[], &["api_key"])).await,
        403,
    );
    check(
        &post(
            &app,
            "xml",
            &submission(&fx, &[("service_code", "35.03.05.2001.tidak-ada")], &[]),
        )
        .await,
        404,
    );
    check(
        &post(&app, "xml", &submission(&fx, &[], &["lat", "long"])).await,
        400,
    );
    check(
        &get(&app, "/open311/v2/requests.xml?status=pending").await,
        400,
    );
    check(
        &get(&app, "/open311/v2/requests/PD-2026-999999.xml").await,
        404,
    );
    check(&get(&app, "/open311/v2/tokens/ABCDEFGHJKMN.xml").await, 404);
    check(&get(&app, "/open311/v2/services/tidak-ada.xml").await, 404);
    check(&get(&app, "/open311/v2/requests.csv").await, 404);
}

/// Requests in the shapes FixMyStreet and Mark-a-Spot send them, and the reading habits of
/// Open311 client libraries: a key in the query string, empty names, dates without times,
/// repeated parameters, numbers from abroad, the location of a service about a place, and a
/// discovery changeset that moves when a definition does.
async fn the_field_s_clients_are_understood(app: TestApp) {
    let fx = fixture(&app).await;
    let db = &app.state.db;
    let actor = Actor::system("test");
    // The street-light service is about a place: its requests' location is public.
    let plain = services::by_code(db, PLAIN).await.unwrap().unwrap();
    let changeset = |a: Answer| a.json()["changeset"].as_str().unwrap().to_string();
    let before = changeset(get(&app, "/open311/v2/discovery.json").await);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let mut located = input(PLAIN, "Pengaduan lampu jalan (uji)", false, Form::default());
    located.public_location = true;
    service::catalogue::update(db, &actor, plain.id, &located)
        .await
        .unwrap();
    let after = changeset(get(&app, "/open311/v2/discovery.json").await);
    assert!(
        after > before,
        "the changeset moves with a definition: {before} → {after}"
    );
    let xml = get(&app, "/open311/v2/discovery.xml").await;
    assert_eq!(
        text(xml.xml("discovery").root_element(), "changeset"),
        after
    );

    // FixMyStreet (perllib/Open311.pm): a one-word name leaves first_name and last_name empty;
    // it adds jurisdiction_id, media_url and attributes of its own that the service does not
    // define (ignored), and puts the key in the body.
    let fms: Vec<(String, String)> = [
        ("api_key", fx.key.as_str()),
        ("jurisdiction_id", "trenggalekkab.go.id"),
        ("email", "pelapor@example.id"),
        (
            "description",
            "Lampu jalan di depan balai desa padam sejak Senin",
        ),
        ("service_code", PLAIN),
        ("first_name", ""),
        ("last_name", ""),
        ("lat", "-8.0512345"),
        ("long", "111.7012345"),
        ("media_url", "https://fms.example.id/photo/17.full.jpeg"),
        ("attribute[fixmystreet_id]", "17"),
        ("attribute[report_url]", "https://fms.example.id/report/17"),
        ("attribute[title]", "Lampu padam"),
        ("attribute[closest_address]", "Jl. Raya Nglinggis 12"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let a = post(&app, "xml", &fms).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let doc = a.xml("service_requests");
    let r = elements(doc.root_element(), "request")[0];
    let fms_number = text(r, "service_request_id");
    assert!(fms_number.starts_with("PD-"));
    assert!(elements(r, "token").is_empty());
    let stored = requests::get(
        db,
        &app.state.keys,
        requests::id_of_number(&fms_number).unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(stored.applicant, "Pelapor (nama tidak disebutkan)");

    // The `open311` client library puts the key in the query string; Mark-a-Spot posts JSON
    // requests with an address and a number from abroad in E.164 form.
    let r = app
        .client()
        .post(app.url(&format!(
            "/open311/v2/requests.json?api_key={}&jurisdiction_id=trenggalekkab.go.id",
            fx.key
        )))
        .form(&[
            ("service_code", PLAIN),
            ("address_string", "Jl. Soekarno-Hatta 5, Trenggalek"),
            ("first_name", "Wulan"),
            ("last_name", ""),
            ("phone", "+65 9123 4567"),
            ("description", "Tiang lampu miring"),
        ])
        .send()
        .await
        .unwrap();
    let a = answer(r).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let mas_number = a.json()[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_string();
    let stored = requests::get(
        db,
        &app.state.keys,
        requests::id_of_number(&mas_number).unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(stored.applicant, "Wulan");
    assert_eq!(stored.phone_masked, "6591****67");
    // A wrong key in the query is still refused.
    let r = app
        .client()
        .post(app.url("/open311/v2/requests.json?api_key=salah"))
        .form(&[
            ("service_code", PLAIN),
            ("address_string", "x"),
            ("first_name", "A"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer(r).await.status, 403);

    // A request of a service about a place shows where, and nothing else personal; one of a
    // letter service never does.
    let a = get(&app, &format!("/open311/v2/requests/{fms_number}.json")).await;
    let v = a.json();
    assert_eq!(v[0]["lat"], "-8.0512345");
    assert_eq!(v[0]["long"], "111.7012345");
    assert!(v[0]["description"].is_null() || v[0]["description"] == "");
    assert!(!a.body.contains("pelapor@example.id") && !a.body.contains("balai desa padam"));
    let a = get(&app, &format!("/open311/v2/requests/{mas_number}.xml")).await;
    let doc = a.xml("service_requests");
    let r = elements(doc.root_element(), "request")[0];
    assert_eq!(text(r, "address"), "Jl. Soekarno-Hatta 5, Trenggalek");
    assert!(!a.body.contains("Wulan") && !a.body.contains("9123"));
    let letter = submit_ok(&app, &submission(&fx, &[], &[])).await;
    let a = get(&app, &format!("/open311/v2/requests/{letter}.json")).await;
    assert_eq!(a.json()[0]["lat"], serde_json::Value::Null, "{}", a.body);
    assert!(!a.body.contains("-8.1234567"));

    // Dates without a time are whole days in WIB; repeated parameters are comma lists.
    let today = anjungan_kernel::clock::to_wib(anjungan_kernel::clock::now_ms())
        .date()
        .to_string();
    let numbers = |a: Answer| -> Vec<String> {
        assert_eq!(a.status, 200, "{}", a.body);
        a.json()
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["service_request_id"].as_str().unwrap().to_string())
            .collect()
    };
    let got = numbers(
        get_query(
            &app,
            "/open311/v2/requests.json",
            &[
                ("start_date", today.as_str()),
                ("end_date", today.as_str()),
                ("service_code", PLAIN),
                ("service_code", FULL),
                ("status", "open"),
                ("status", "closed"),
            ],
        )
        .await,
    );
    for n in [&fms_number, &mas_number, &letter] {
        assert!(got.contains(n), "{n} in {got:?}");
    }
    let got = numbers(
        get_query(
            &app,
            "/open311/v2/requests.json",
            &[("service_code", PLAIN), ("start_date", today.as_str())],
        )
        .await,
    );
    assert!(
        got.contains(&fms_number) && !got.contains(&letter),
        "{got:?}"
    );
    let a = get_query(
        &app,
        "/open311/v2/requests.json",
        &[("start_date", "2026-02-30")],
    )
    .await;
    assert!(json_error(&a, 400)[0].contains("start_date"));
    let got = numbers(
        get_query(
            &app,
            "/open311/v2/requests.json",
            &[
                ("service_request_id", fms_number.as_str()),
                ("service_request_id", mas_number.as_str()),
            ],
        )
        .await,
    );
    assert_eq!(got.len(), 2, "{got:?}");
}

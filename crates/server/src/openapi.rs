//! The OpenAPI document as served: what utoipa derives from the routes, completed with what
//! every operation shares — the error answers the shared middleware and extractors give (RFC 9457
//! problem details), and the bearer scheme on every operation that refuses a guest.

use serde_json::{Map, Value, json};

/// The OpenAPI document as pretty JSON. utoipa 6 leaves out a response's description when it is
/// empty (OpenAPI 3.2 made it optional), but the document declares 3.1, where every response object
/// must have one: an omitted description becomes the status's reason phrase ("Not Found").
pub(crate) fn json(api: &utoipa::openapi::OpenApi) -> serde_json::Result<String> {
    let mut doc = serde_json::to_value(api)?;
    document_errors(&mut doc);
    if let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) {
        let operations = paths
            .values_mut()
            .filter_map(|item| item.as_object_mut())
            .flat_map(|item| item.values_mut());
        for op in operations {
            let Some(responses) = op.get_mut("responses").and_then(|r| r.as_object_mut()) else {
                continue;
            };
            for (status, response) in responses.iter_mut() {
                let Some(response) = response.as_object_mut() else {
                    continue;
                };
                if !response.contains_key("$ref") && !response.contains_key("description") {
                    response.insert(
                        "description".into(),
                        serde_json::Value::String(reason(status).into()),
                    );
                }
            }
        }
    }
    serde_json::to_string_pretty(&doc)
}

/// The reason phrase of a response key (`"404"` → "Not Found"); empty for `default` or ranges.
fn reason(status: &str) -> &'static str {
    status
        .parse::<u16>()
        .ok()
        .and_then(|n| axum::http::StatusCode::from_u16(n).ok())
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

/// The problem-details schema every error answer of the API carries.
const PROBLEM: &str = "kernel.web.Problem";

fn problem_schema() -> Value {
    json!({
        "type": "object",
        "description": "RFC 9457 problem details. `code` is the stable message key, `detail` the translated message; a 422 may list `errors` per field or line.",
        "required": ["type", "title", "status"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer", "format": "int32"},
            "detail": {"type": "string"},
            "code": {"type": "string"},
            "instance": {"type": "string"},
            "errors": {}
        }
    })
}

/// The statuses an operation answers beyond its own, from what it takes: parameters that do not
/// parse (400), a path, parameter or body naming a record that does not exist (404), a body that
/// is too large, of another type or of the wrong shape (413, 415, 422), and for an operation that
/// needs a signed-in caller, 401 and 403.
fn shared_statuses(path: &str, op: &Map<String, Value>, secured: bool) -> Vec<&'static str> {
    let has_params = op
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|p| !p.is_empty());
    let has_body = op.contains_key("requestBody");
    let mut out = Vec::new();
    if has_params || has_body {
        out.push("400");
    }
    if secured {
        out.extend(["401", "403"]);
    }
    if path.contains('{') || has_params || has_body {
        out.push("404");
    }
    if has_body {
        out.extend(["413", "415", "422"]);
    }
    out
}

fn document_errors(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            if !matches!(method.as_str(), "get" | "put" | "post" | "delete" | "patch") {
                continue;
            }
            let Some(op) = op.as_object_mut() else {
                continue;
            };
            let documented = |op: &Map<String, Value>, s: &str| {
                op.get("responses").and_then(|r| r.get(s)).is_some()
            };
            // An operation that answers 401 takes a bearer token, whatever its annotation says.
            let secured = op.contains_key("security") || documented(op, "401");
            if secured && !op.contains_key("security") {
                op.insert("security".into(), json!([{"bearer": []}]));
            }
            let extra = shared_statuses(path, op, secured);
            let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
                continue;
            };
            for status in extra {
                responses
                    .entry(status)
                    .or_insert_with(|| json!({"description": reason(status)}));
            }
            for (status, response) in responses.iter_mut() {
                let is_error = status.starts_with('4') || status.starts_with('5');
                let Some(response) = response.as_object_mut() else {
                    continue;
                };
                if is_error && !response.contains_key("content") && !response.contains_key("$ref") {
                    response.insert(
                        "content".into(),
                        json!({"application/problem+json": {"schema": {"$ref": format!("#/components/schemas/{PROBLEM}")}}}),
                    );
                }
            }
        }
    }
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        schemas.insert(PROBLEM.into(), problem_schema());
    }
}

//! Petung Dadi on the web: the public catalogue, request forms and tracking under `/layanan`,
//! the unit's desk under `/layanan/kelola`, letter verification, the JSON API under
//! `/api/v1/layanan`, and Open311 GeoReport v2 under `/open311/v2`.

mod api;
mod editor;
mod follow;
pub mod open311;
pub(crate) mod public;
mod staff;
pub mod verify;

use crate::domain::DeskError;
use crate::store::StoreError;
use anjungan_kernel::web::{AppError, AppState};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(public::routes())
        .merge(follow::routes())
        .merge(staff::routes())
        .merge(api::routes())
        .merge(editor::routes())
        .merge(open311::routes())
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Desk(d) => d.into(),
            StoreError::Kernel(k) => k.into(),
        }
    }
}

impl From<DeskError> for AppError {
    fn from(e: DeskError) -> Self {
        use crate::domain::WorkflowError as W;
        let status = match &e {
            DeskError::Workflow(W::NotNow { .. }) | DeskError::CodeTaken => StatusCode::CONFLICT,
            DeskError::Workflow(W::NotYours) => StatusCode::FORBIDDEN,
            DeskError::NoSigningKey => StatusCode::CONFLICT,
            DeskError::BadTracking => StatusCode::NOT_FOUND,
            _ => StatusCode::BAD_REQUEST,
        };
        AppError::new(status, e.message_key())
    }
}

/// A form's raw values, kept to fill the form again after an error. Form fields arrive as
/// `f_CODE`; the applicant's details under their own names.
#[derive(Debug, Clone, Default)]
pub struct FormValues(Vec<(String, String)>);

impl FormValues {
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        Self(
            pairs
                .iter()
                .filter(|(k, _)| k != "_csrf")
                .cloned()
                .collect(),
        )
    }

    pub fn get(&self, key: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// The form field's value (first one).
    pub fn field(&self, code: &str) -> &str {
        self.get(&format!("f_{code}"))
    }

    /// The token that carries a file field's upload to the next step (see `read_form`).
    pub fn file_token(&self, code: &str) -> &str {
        self.get(&format!("t_f_{code}"))
    }

    /// Whether a choice is selected (single or multiple).
    pub fn chosen(&self, code: &str, key: &str) -> bool {
        let name = format!("f_{code}");
        self.0.iter().any(|(k, v)| *k == name && v == key)
    }

    /// A form filled again with answers already given (a correction): each value under its
    /// field, and each file with the token that carries it, so it need not be uploaded again.
    pub fn from_answers(
        keys: &anjungan_kernel::crypto::Keys,
        form: &crate::domain::form::Form,
        answers: &crate::domain::form::Answers,
    ) -> Self {
        let mut pairs = Vec::new();
        for f in &form.fields {
            for value in answers.get(&f.code).into_iter().flatten() {
                if f.kind == crate::domain::form::FieldKind::File {
                    pairs.push((format!("t_f_{}", f.code), file_token(keys, value)));
                }
                pairs.push((format!("f_{}", f.code), value.clone()));
            }
        }
        Self(pairs)
    }

    pub fn answers(&self) -> Vec<(String, String)> {
        self.0
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("f_").map(|c| (c.to_string(), v.clone())))
            .collect()
    }

    pub fn raw_intake(&self) -> crate::domain::request::RawIntake {
        crate::domain::request::RawIntake {
            applicant: self.get("nama").to_string(),
            nik: self.get("nik").to_string(),
            phone: self.get("telepon").to_string(),
            email: self.get("email").to_string(),
            description: self.get("keterangan").to_string(),
            answers: self.answers(),
        }
    }
}

/// A translated message next to a form field.
#[derive(Debug, Clone)]
pub struct FieldMessage {
    pub field: String,
    pub message: String,
}

pub fn form_errors(
    ctx: &anjungan_kernel::web::Ctx,
    errs: Vec<(String, &'static str)>,
) -> Vec<FieldMessage> {
    let t = ctx.tr();
    errs.into_iter()
        .map(|(field, key)| FieldMessage {
            field,
            message: t.s(key).to_string(),
        })
        .collect()
}

/// Checks a request form for `service` and builds the request to store.
pub fn intake(
    service: &crate::store::services::Service,
    v: &FormValues,
    channel: crate::domain::Channel,
    contact_optional: bool,
) -> Result<crate::service::requests::NewRequest, Vec<(String, &'static str)>> {
    let i = crate::domain::request::check_intake(
        &service.form,
        service.needs_resident,
        contact_optional,
        &v.raw_intake(),
    )?;
    Ok(crate::service::requests::NewRequest {
        channel,
        applicant: i.applicant,
        nik: i.nik,
        phone: i.phone,
        email: i.email,
        answers: i.answers,
        description: i.description,
        address: String::new(),
        lat: String::new(),
        lon: String::new(),
        created_by: None,
        api_client: None,
    })
}

/// A letter as a PDF download.
pub fn pdf_response(
    letter: &crate::store::letters::Letter,
    bytes: Vec<u8>,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let name = format!("surat-{}.pdf", letter.number.replace(['/', ' '], "-"));
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

fn is_digest(s: &str) -> bool {
    anjungan_kernel::files::domain::is_digest(s)
}

/// What a page carries in a hidden field for a file uploaded on an earlier step: its digest
/// with a keyed tag, so a file can be carried across steps only by the form it was uploaded to.
fn file_token(keys: &anjungan_kernel::crypto::Keys, sha: &str) -> String {
    format!("{sha}.{}", &keys.blind_index("desk-upload", sha)[..32])
}

fn open_file_token(keys: &anjungan_kernel::crypto::Keys, token: &str) -> Option<String> {
    let (sha, _) = token.split_once('.')?;
    (is_digest(sha) && anjungan_kernel::crypto::same_secret(token, &file_token(keys, sha)))
        .then(|| sha.to_string())
}

/// A form's fields as `(name, value)` pairs, from a urlencoded body or a multipart one whose
/// `f_CODE` files are stored (checked by content and size) and replaced by their SHA-256.
pub async fn read_form(
    state: &AppState,
    ctx: &anjungan_kernel::web::Ctx,
    req: axum::extract::Request,
) -> Result<Vec<(String, String)>, AppError> {
    use axum::extract::FromRequest;
    let bad = |_| AppError::bad_request("error.bad_request");
    let multipart = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let body = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::bad_request("error.bad_request"))?;
        return serde_urlencoded::from_bytes(&body).map_err(bad);
    }
    let mut form = axum::extract::Multipart::from_request(req, state)
        .await
        .map_err(|_| AppError::bad_request("error.bad_request"))?;
    let mut pairs = Vec::new();
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|_| AppError::bad_request("error.bad_request"))?
    {
        let name = field.name().unwrap_or_default().to_string();
        match field.file_name().map(str::to_string) {
            Some(file_name) if name.starts_with("f_") => {
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| AppError::bad_request("error.bad_request"))?;
                if bytes.is_empty() {
                    continue;
                }
                let stored = anjungan_kernel::files::store::put(
                    &state.db,
                    &state.config.data_dir,
                    &state.keys,
                    &ctx.actor(),
                    anjungan_kernel::files::domain::Access::Private,
                    &file_name,
                    &bytes,
                    state.config.max_upload_bytes,
                )
                .await?;
                // A new file replaces one uploaded on an earlier step.
                let token = file_token(&state.keys, &stored.sha256);
                pairs.retain(|(k, _): &(String, String)| {
                    *k != name && k.strip_prefix("t_") != Some(&name)
                });
                pairs.push((format!("t_{name}"), token));
                pairs.push((name, stored.sha256));
            }
            Some(_) => {}
            None => {
                let text = field
                    .text()
                    .await
                    .map_err(|_| AppError::bad_request("error.bad_request"))?;
                if text.len() > 16 * 1024 {
                    return Err(AppError::bad_request("desk.error.field_too_long"));
                }
                if !name.starts_with("f_") {
                    pairs.push((name, text));
                } else if pairs.iter().any(|(k, _)| *k == name) && is_digest(&text) {
                    // The hidden copy of a file uploaded in this same request: the upload wins.
                } else if let Some(sha) = open_file_token(&state.keys, &text) {
                    // A file uploaded on an earlier step comes back with the token it was given.
                    pairs.push((format!("t_{name}"), text.clone()));
                    pairs.push((name, sha));
                } else if is_digest(&text) {
                    // A bare digest was not uploaded here: nobody attaches another person's file
                    // by knowing its hash.
                    pairs.push((name, String::new()));
                } else {
                    pairs.push((name, text));
                }
            }
        }
    }
    Ok(pairs)
}

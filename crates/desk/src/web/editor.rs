//! A unit publishes its services at `/layanan/kelola/{unit}/layanan`: the standard's fourteen
//! components, completion time, cost, the request form (one field per line) and the letter
//! template. The same checks as the JSON API; a refused save keeps what was typed.

use super::staff::managed;
use crate::domain::DeskError;
use crate::domain::form;
use crate::domain::letter::LetterTemplate;
use crate::domain::standard::{COMPONENTS, Standard};
use crate::service;
use crate::store::services::{self, Service, ServiceInput};
use anjungan_kernel::orgs::domain::Organisation;
use anjungan_kernel::web::pages::render;
use anjungan_kernel::web::{AppError, AppState, Ctx, Shell, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use std::collections::BTreeMap;
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/layanan/kelola/{org}/layanan", get(list).post(create))
        .route("/layanan/kelola/{org}/layanan/{code}", get(edit).post(save))
}

#[derive(Template)]
#[template(path = "desk_services.html")]
struct ListPage {
    shell: Shell,
    unit: Organisation,
    services: Vec<Service>,
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(org): Path<String>,
) -> WebResult<Response> {
    let unit = managed(&state, &ctx, &org).await?;
    render(&ListPage {
        shell: Shell::new(&ctx),
        services: services::list(&state.db, Some(unit.id), true).await?,
        unit,
    })
}

/// What the editor posts.
#[derive(serde::Deserialize, Default, Clone)]
pub(crate) struct EditorForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    cost: String,
    #[serde(default)]
    active: Option<String>,
    #[serde(default)]
    needs_resident: Option<String>,
    #[serde(default)]
    public_location: Option<String>,
    #[serde(default)]
    fields: String,
    #[serde(default)]
    letter_title: String,
    #[serde(default)]
    letter_numbering: String,
    #[serde(default)]
    letter_classification: String,
    #[serde(default)]
    letter_body: String,
    #[serde(default)]
    letter_signer: String,
    #[serde(default)]
    letter_subject: String,
    #[serde(flatten)]
    components: BTreeMap<String, String>,
}

impl EditorForm {
    fn from_service(s: &Service) -> Self {
        let mut components = BTreeMap::new();
        for k in COMPONENTS {
            components.insert(format!("c_{k}"), s.standard.get(k).to_string());
        }
        let l = s.letter.clone();
        Self {
            code: s.code.clone(),
            name: s.name.clone(),
            description: s.description.clone(),
            category: s.category.clone(),
            days: s.days.to_string(),
            cost: s.cost.to_string(),
            active: s.active.then(|| "on".into()),
            needs_resident: s.needs_resident.then(|| "on".into()),
            public_location: s.public_location.then(|| "on".into()),
            fields: form::to_lines(&s.form),
            letter_title: l.as_ref().map(|l| l.title.clone()).unwrap_or_default(),
            letter_numbering: l
                .as_ref()
                .map(|l| l.numbering.clone())
                .unwrap_or_else(|| "{klasifikasi}/{urut}/{unit}/{tahun}".into()),
            letter_classification: l
                .as_ref()
                .map(|l| l.classification.clone())
                .unwrap_or_default(),
            letter_body: l.as_ref().map(|l| l.body.clone()).unwrap_or_default(),
            letter_signer: l
                .as_ref()
                .map(|l| l.signer_title.clone())
                .unwrap_or_default(),
            letter_subject: l.as_ref().map(|l| l.subject.clone()).unwrap_or_default(),
            components,
        }
    }

    fn component(&self, key: &str) -> &str {
        self.components
            .get(&format!("c_{key}"))
            .map(String::as_str)
            .unwrap_or("")
    }

    /// The checked input, or the message key of the first problem.
    fn input(&self) -> Result<ServiceInput, &'static str> {
        let number = |s: &str| s.trim().replace('.', "").parse::<i64>().ok();
        let days = number(&self.days).ok_or("desk.error.days")?;
        let cost = if self.cost.trim().is_empty() {
            0
        } else {
            number(&self.cost).ok_or("desk.error.cost")?
        };
        let form = form::parse_lines(&self.fields).map_err(|(_, e)| e.message_key())?;
        let standard = Standard {
            components: COMPONENTS
                .iter()
                .map(|k| (k.to_string(), self.component(k).trim().to_string()))
                .filter(|(_, v)| !v.is_empty())
                .collect(),
        };
        let letter = (!self.letter_title.trim().is_empty()).then(|| LetterTemplate {
            title: self.letter_title.trim().to_string(),
            numbering: self.letter_numbering.trim().to_string(),
            classification: self.letter_classification.trim().to_string(),
            body: self.letter_body.replace("\r\n", "\n"),
            signer_title: self.letter_signer.trim().to_string(),
            subject: self.letter_subject.trim().to_string(),
        });
        let input = ServiceInput {
            code: self.code.trim().to_string(),
            name: self.name.trim().to_string(),
            description: self.description.trim().to_string(),
            category: self.category.trim().to_string(),
            days,
            cost,
            needs_resident: self.needs_resident.is_some(),
            public_location: self.public_location.is_some(),
            standard,
            form,
            letter,
            active: self.active.is_some(),
        };
        input.validate().map_err(|e: DeskError| e.message_key())?;
        Ok(input)
    }
}

#[derive(Template)]
#[template(path = "desk_service_edit.html")]
struct EditPage {
    shell: Shell,
    unit: Organisation,
    f: EditorForm,
    new: bool,
    error: Option<String>,
    components: &'static [&'static str],
}

fn page(
    ctx: &Ctx,
    unit: Organisation,
    f: EditorForm,
    new: bool,
    error: Option<&str>,
) -> WebResult<Response> {
    let failed = error.is_some();
    let mut resp = render(&EditPage {
        shell: Shell::new(ctx),
        unit,
        f,
        new,
        error: error.map(|k| ctx.tr().s(k).to_string()),
        components: &COMPONENTS,
    })?;
    if failed {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

async fn service_of(
    state: &AppState,
    unit: &Organisation,
    code: &str,
) -> Result<Service, AppError> {
    services::by_code(&state.db, code)
        .await?
        .filter(|s| s.org_id == unit.id)
        .ok_or_else(AppError::not_found)
}

async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((org, code)): Path<(String, String)>,
) -> WebResult<Response> {
    let unit = managed(&state, &ctx, &org).await?;
    if code == "baru" {
        let f = EditorForm {
            days: "1".into(),
            cost: "0".into(),
            active: Some("on".into()),
            letter_numbering: "{klasifikasi}/{urut}/{unit}/{tahun}".into(),
            ..Default::default()
        };
        return page(&ctx, unit, f, true, None);
    }
    let s = service_of(&state, &unit, &code).await?;
    page(&ctx, unit, EditorForm::from_service(&s), false, None)
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(org): Path<String>,
    Form(f): Form<EditorForm>,
) -> WebResult<Response> {
    let unit = managed(&state, &ctx, &org).await?;
    let input = match f.input() {
        Ok(i) => i,
        Err(key) => return page(&ctx, unit, f, true, Some(key)),
    };
    match service::catalogue::create(&state.db, &ctx.actor(), unit.id, &input).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/layanan/kelola/{}/layanan", unit.code)).into_response())
        }
        Err(crate::store::StoreError::Desk(e)) => page(&ctx, unit, f, true, Some(e.message_key())),
        Err(e) => Err(e.into()),
    }
}

async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((org, code)): Path<(String, String)>,
    Form(mut f): Form<EditorForm>,
) -> WebResult<Response> {
    let unit = managed(&state, &ctx, &org).await?;
    let s = service_of(&state, &unit, &code).await?;
    f.code = s.code.clone();
    let input = match f.input() {
        Ok(i) => i,
        Err(key) => return page(&ctx, unit, f, false, Some(key)),
    };
    service::catalogue::update(&state.db, &ctx.actor(), s.id, &input).await?;
    Ok(Redirect::to(&format!("/layanan/kelola/{}/layanan", unit.code)).into_response())
}

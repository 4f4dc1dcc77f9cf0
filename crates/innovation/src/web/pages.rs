//! Pages: catalogue, an innovation's page, the agencies' forms, and the review queue.

use super::{step, visible};
use crate::domain::documents::{AttachmentKind, MAX_PHOTOS, may_attach};
use crate::domain::{
    Affair, Command, Draft, FieldError, Form, Initiator, Kind, MIN_DESIGN_WORDS, Partner,
    PartnerKind, Pillar, RegulationType, Stage, Status, may_create,
};
use crate::store::documents::{self as documents_store, Attachment};
use crate::store::{self, Filter, Innovation};
use anjungan_kernel::identity::domain::Role;
use anjungan_kernel::orgs::domain::Organisation;
use anjungan_kernel::web::pages::render;
use anjungan_kernel::web::{AppError, AppState, Ctx, Shell, WebResult};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form as FormBody};
use utoipa_axum::router::OpenApiRouter;

/// Its pages guests all see alike: kept by the page cache until a write of this room (or any
/// write not narrowed to another room).
pub(crate) const PUBLIC: anjungan_kernel::web::page_cache::Public =
    anjungan_kernel::web::page_cache::Public::of(&["innovation"]);

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route(
            "/inovasi",
            get(catalogue).layer(PUBLIC.layer()).post(create),
        )
        .route("/inovasi/baru", get(new_page))
        .route("/inovasi/kelola", get(manage))
        .route("/inovasi/{id}", get(show).layer(PUBLIC.layer()))
        .route("/inovasi/{id}/ubah", get(edit_page).post(edit))
        .route("/inovasi/{id}/mitra", post(add_partner))
        .route("/inovasi/{id}/mitra/{partner}/hapus", post(remove_partner))
        .route("/inovasi/{id}/ajukan", post(submit))
        .route("/inovasi/{id}/verifikasi", post(verify))
        .route("/inovasi/{id}/kembalikan", post(return_back))
        .route("/inovasi/{id}/buka", post(reopen))
        .route("/inovasi/{id}/tautan", post(link))
        .route("/inovasi/{id}/tautan/{unit}/hapus", post(unlink))
        .route(
            "/inovasi/{id}/tautan-layanan/{service}/hapus",
            post(unlink_service),
        )
}

/// Choice lists for filters and forms.
pub struct Choices;

impl Choices {
    pub fn stages(&self) -> &'static [Stage] {
        Stage::ALL
    }
    pub fn forms(&self) -> &'static [Form] {
        Form::ALL
    }
    pub fn affairs(&self) -> &'static [Affair] {
        Affair::ALL
    }
    pub fn initiators(&self) -> &'static [Initiator] {
        Initiator::ALL
    }
    pub fn kinds(&self) -> &'static [Kind] {
        Kind::ALL
    }
    pub fn regulation_types(&self) -> &'static [RegulationType] {
        RegulationType::ALL
    }
    pub fn partner_kinds(&self) -> &'static [PartnerKind] {
        PartnerKind::ALL
    }
}

#[derive(Template)]
#[template(path = "inovasi_index.html")]
struct CataloguePage {
    shell: Shell,
    items: Vec<Innovation>,
    total: i64,
    page: i64,
    pages: i64,
    filter: Filter,
    agencies: Vec<(i64, String)>,
    c: Choices,
    query: String,
}

impl CataloguePage {
    fn org_selected(&self, o: &(i64, String)) -> bool {
        self.filter.org == Some(o.0)
    }
    fn sel(&self, current: &Option<String>, code: &str) -> bool {
        current.as_deref() == Some(code)
    }
}

/// Innovations per catalogue page.
pub const PAGE_SIZE: i64 = 30;

fn html_of(page: &impl Template) -> Result<String, AppError> {
    page.render().map_err(|e| {
        AppError::from(anjungan_kernel::Error::Internal(anyhow::anyhow!(
            "template: {e}"
        )))
    })
}

async fn catalogue(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(filter): Query<Filter>,
) -> WebResult<Response> {
    let filter = filter.normalised();
    let total = store::count(&state.db, &[Status::Verified], None, &filter).await?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page = filter.halaman.unwrap_or(1).clamp(1, pages);
    let items = store::list(
        &state.db,
        &[Status::Verified],
        None,
        &filter,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE,
    )
    .await?;
    let agencies = store::owners(&state.db).await?;
    let mut params = vec![
        ("q", filter.q.clone().unwrap_or_default()),
        ("stage", filter.stage.clone().unwrap_or_default()),
        ("form", filter.form.clone().unwrap_or_default()),
        ("affair", filter.affair.clone().unwrap_or_default()),
    ];
    if let Some(o) = filter.org {
        params.push(("org", o.to_string()));
    }
    if let Some(y) = filter.year {
        params.push(("year", y.to_string()));
    }
    let query = serde_urlencoded::to_string(&params).unwrap_or_default();
    let page = CataloguePage {
        shell: Shell::new(&ctx),
        items,
        total,
        page,
        pages,
        filter,
        agencies,
        c: Choices,
        query,
    };
    let html = html_of(&page)?;
    Ok(Html(html).into_response())
}

#[derive(Template)]
#[template(path = "inovasi_show.html")]
struct ShowPage {
    shell: Shell,
    inv: Innovation,
    partners: Vec<(i64, Partner)>,
    versions: Vec<(i64, String, i64)>,
    live: Vec<crate::ports::Figures>,
    live_services: Vec<crate::ports::ServiceFigures>,
    units: Vec<(i64, String)>,
    desk_services: Vec<(i64, String)>,
    attachments: Vec<Attachment>,
    can_edit: bool,
    can_attach: bool,
    can_review: bool,
    c: Choices,
}

impl ShowPage {
    fn readiness(&self) -> Vec<(Pillar, bool)> {
        self.inv
            .profile
            .as_ref()
            .map(|p| p.readiness(self.partners.len()).to_vec())
            .unwrap_or_default()
    }
    fn words(&self) -> usize {
        crate::domain::word_count(&self.inv.draft.design)
    }
    /// The documents filed under a pillar (by its code).
    fn docs(&self, section: &str) -> Vec<&Attachment> {
        self.attachments
            .iter()
            .filter(|a| {
                a.kind == AttachmentKind::Document && a.section.map(Pillar::code) == Some(section)
            })
            .collect()
    }
    fn photos(&self) -> Vec<&Attachment> {
        self.attachments
            .iter()
            .filter(|a| a.kind == AttachmentKind::Photo)
            .collect()
    }
    fn photo_room(&self) -> bool {
        self.photos().len() < MAX_PHOTOS
    }
    fn max_photos(&self) -> String {
        self.shell.t.f(
            "innovation.photos_limit",
            &[("max", &MAX_PHOTOS.to_string())],
        )
    }
    /// A short label of a document's type: `PDF`, `PNG`, …
    fn type_label(&self, a: &Attachment) -> String {
        a.mime.rsplit('/').next().unwrap_or("").to_uppercase()
    }
    fn done(&self, ok: &bool) -> bool {
        *ok
    }
    fn status_key(&self) -> String {
        format!("innovation.status.{}", self.inv.status.code())
    }
    fn when(&self, ms: &i64) -> String {
        self.shell.t.datetime(*ms)
    }
    fn rupiah(&self, v: &i64) -> String {
        anjungan_kernel::i18n::rupiah(*v)
    }
    fn ikm(&self, v: &i64) -> String {
        format!("{},{:02}", v / 100, v % 100)
    }
    /// A decimal from the API form (`92.01`) as the reader writes it (`92,01` in Indonesian).
    fn decimal(&self, v: &str) -> String {
        if self.shell.t.lang == anjungan_kernel::i18n::Lang::Id {
            v.replace('.', ",")
        } else {
            v.to_string()
        }
    }
    fn sample_note(&self, f: &crate::ports::Figures) -> String {
        self.shell.t.f(
            "survey.sample_inadequate",
            &[
                ("got", &f.responses.to_string()),
                ("needed", &f.sample_needed.to_string()),
            ],
        )
    }
    fn paragraphs(&self, text: &str) -> Vec<String> {
        text.split("\n\n")
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect()
    }
}

/// What the platform measured for the linked sources: each survey unit's index, and each
/// Petung Dadi service's SLA figures beside its unit's index.
pub(crate) async fn live_figures(
    state: &AppState,
    live: &crate::ports::Live,
    id: i64,
) -> Result<
    (
        Vec<crate::ports::Figures>,
        Vec<crate::ports::ServiceFigures>,
    ),
    AppError,
> {
    let (mut units, mut services) = (Vec::new(), Vec::new());
    for (kind, target) in store::links(&state.db, id).await? {
        match kind.as_str() {
            crate::ports::SURVEY_UNIT => units.extend(live.survey_figures(target).await),
            crate::ports::DESK_SERVICE => services.extend(live.desk_figures(target).await),
            _ => {}
        }
    }
    Ok((units, services))
}

async fn show(
    State(state): State<AppState>,
    Extension(live): Extension<crate::ports::Live>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let inv = visible(&state, &ctx, id).await?;
    let p = ctx.principal.as_ref();
    let can_edit = p.is_some_and(|p| may_create(p, &inv.owner()));
    let can_review = p.is_some_and(|p| p.is_admin() || p.has_role(Role::Coordinator));
    let partners = store::partners(&state.db, id).await?;
    let versions = if can_edit || can_review {
        store::versions(&state.db, id).await?
    } else {
        Vec::new()
    };
    let (figures, live_services) = live_figures(&state, &live, id).await?;
    let (units, desk_services) = if can_edit {
        (live.survey_units().await, live.desk_services().await)
    } else {
        (Vec::new(), Vec::new())
    };
    let can_attach = p.is_some_and(|p| may_attach(inv.status, p, &inv.owner()).is_ok());
    let attachments = documents_store::list(&state.db, id).await?;
    let html = html_of(&ShowPage {
        shell: Shell::new(&ctx),
        inv,
        partners,
        versions,
        live: figures,
        live_services,
        units,
        desk_services,
        attachments,
        can_edit,
        can_attach,
        can_review,
        c: Choices,
    })?;
    Ok(Html(html).into_response())
}

#[derive(Template)]
#[template(path = "inovasi_form.html")]
struct FormPage {
    shell: Shell,
    action: String,
    draft: Draft,
    orgs: Vec<Organisation>,
    org: i64,
    errors: Vec<String>,
    c: Choices,
    is_new: bool,
}

impl FormPage {
    fn sel(&self, current: &str, code: &str) -> bool {
        current == code
    }
    fn words(&self) -> usize {
        crate::domain::word_count(&self.draft.design)
    }
    fn min_words(&self) -> usize {
        MIN_DESIGN_WORDS
    }
}

/// The organisations the signed-in person may register innovations for.
async fn own_orgs(state: &AppState, ctx: &Ctx) -> Result<Vec<Organisation>, AppError> {
    let p = ctx.signed_in()?;
    let mut out: Vec<Organisation> = Vec::new();
    if p.is_admin() {
        out = anjungan_kernel::orgs::store::list(
            &state.db,
            &anjungan_kernel::orgs::store::OrgFilter {
                kind: Some("agency".into()),
                ..Default::default()
            },
        )
        .await?;
    }
    for g in &p.grants {
        if let (Role::UnitOperator | Role::UnitHead, Some(o)) = (g.role, &g.org)
            && let Some(org) = anjungan_kernel::orgs::store::get(&state.db, o.id).await?
            && !out.iter().any(|x| x.id == org.id)
        {
            out.push(org);
        }
    }
    if out.is_empty() {
        return Err(anjungan_kernel::Error::Access(
            anjungan_kernel::identity::domain::AccessError::Forbidden,
        )
        .into());
    }
    Ok(out)
}

fn messages(ctx: &Ctx, errs: &[FieldError]) -> Vec<String> {
    let t = ctx.tr();
    errs.iter()
        .map(|(field, key)| {
            format!(
                "{}: {}",
                t.s(&format!("innovation.field.{field}")),
                t.s(key)
            )
        })
        .collect()
}

async fn new_page(State(state): State<AppState>, ctx: Ctx) -> WebResult<Response> {
    let orgs = own_orgs(&state, &ctx).await?;
    let org = orgs[0].id;
    render(&FormPage {
        shell: Shell::new(&ctx),
        action: "/inovasi".into(),
        draft: Draft::default(),
        orgs,
        org,
        errors: vec![],
        c: Choices,
        is_new: true,
    })
}

#[derive(serde::Deserialize)]
struct NewForm {
    #[serde(default)]
    org: String,
    #[serde(flatten)]
    draft: Draft,
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    FormBody(f): FormBody<NewForm>,
) -> WebResult<Response> {
    let orgs = own_orgs(&state, &ctx).await?;
    let org = orgs
        .iter()
        .find(|o| o.id.to_string() == f.org.trim())
        .cloned()
        .ok_or_else(|| {
            AppError::from(anjungan_kernel::Error::Access(
                anjungan_kernel::identity::domain::AccessError::Forbidden,
            ))
        })?;
    if !may_create(ctx.signed_in()?, &org.as_ref()) {
        return Err(anjungan_kernel::Error::Access(
            anjungan_kernel::identity::domain::AccessError::Forbidden,
        )
        .into());
    }
    match f.draft.validate() {
        Ok(profile) => {
            let id = crate::service::innovations::create(
                &state.db,
                &ctx.actor(),
                org.id,
                &f.draft,
                &profile,
            )
            .await?;
            Ok(Redirect::to(&format!("/inovasi/{id}")).into_response())
        }
        Err(errs) => {
            let page = FormPage {
                errors: messages(&ctx, &errs),
                shell: Shell::new(&ctx),
                action: "/inovasi".into(),
                draft: f.draft,
                orgs,
                org: org.id,
                c: Choices,
                is_new: true,
            };
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
    }
}

async fn editable(state: &AppState, ctx: &Ctx, id: i64) -> Result<Innovation, AppError> {
    let inv = visible(state, ctx, id).await?;
    step(state, ctx, &inv, Command::Edit).await?;
    Ok(inv)
}

async fn edit_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let inv = editable(&state, &ctx, id).await?;
    let org = anjungan_kernel::orgs::store::get(&state.db, inv.org_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    render(&FormPage {
        shell: Shell::new(&ctx),
        action: format!("/inovasi/{id}/ubah"),
        draft: inv.draft,
        org: org.id,
        orgs: vec![org],
        errors: vec![],
        c: Choices,
        is_new: false,
    })
}

async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    FormBody(draft): FormBody<Draft>,
) -> WebResult<Response> {
    let inv = editable(&state, &ctx, id).await?;
    match draft.validate() {
        Ok(profile) => {
            crate::service::innovations::update(&state.db, &ctx.actor(), &inv, &draft, &profile)
                .await?;
            Ok(Redirect::to(&format!("/inovasi/{id}")).into_response())
        }
        Err(errs) => {
            let org = anjungan_kernel::orgs::store::get(&state.db, inv.org_id)
                .await?
                .ok_or_else(AppError::not_found)?;
            let page = FormPage {
                errors: messages(&ctx, &errs),
                shell: Shell::new(&ctx),
                action: format!("/inovasi/{id}/ubah"),
                draft,
                org: org.id,
                orgs: vec![org],
                c: Choices,
                is_new: false,
            };
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
    }
}

#[derive(serde::Deserialize)]
struct PartnerForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    role: String,
}

async fn add_partner(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    FormBody(f): FormBody<PartnerForm>,
) -> WebResult<Response> {
    let inv = editable(&state, &ctx, id).await?;
    let partner =
        Partner::parse(&f.name, &f.kind, &f.role).map_err(|(_, key)| AppError::bad_request(key))?;
    crate::service::innovations::add_partner(&state.db, &ctx.actor(), inv.id, &partner).await?;
    Ok(Redirect::to(&format!("/inovasi/{id}#mitra")).into_response())
}

async fn remove_partner(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, partner)): Path<(i64, i64)>,
) -> WebResult<Response> {
    let inv = editable(&state, &ctx, id).await?;
    crate::service::innovations::remove_partner(&state.db, &ctx.actor(), inv.id, partner).await?;
    Ok(Redirect::to(&format!("/inovasi/{id}#mitra")).into_response())
}

async fn lifecycle(state: AppState, ctx: Ctx, id: i64, cmd: Command) -> WebResult<Response> {
    let inv = visible(&state, &ctx, id).await?;
    step(&state, &ctx, &inv, cmd).await?;
    Ok(Redirect::to(&format!("/inovasi/{id}")).into_response())
}

async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    lifecycle(state, ctx, id, Command::Submit).await
}

async fn verify(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    lifecycle(state, ctx, id, Command::Verify).await
}

#[derive(serde::Deserialize)]
struct NoteForm {
    #[serde(default)]
    note: String,
}

async fn return_back(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    FormBody(f): FormBody<NoteForm>,
) -> WebResult<Response> {
    lifecycle(state, ctx, id, Command::Return { note: f.note }).await
}

async fn reopen(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    lifecycle(state, ctx, id, Command::Reopen).await
}

#[derive(Template)]
#[template(path = "inovasi_manage.html")]
struct ManagePage {
    shell: Shell,
    own: Vec<Innovation>,
    queue: Vec<Innovation>,
    counts: Vec<(String, i64)>,
    can_create: bool,
}

async fn manage(State(state): State<AppState>, ctx: Ctx) -> WebResult<Response> {
    let p = ctx.signed_in()?.clone();
    let reviewer = p.is_admin() || p.has_role(Role::Coordinator);
    let mut own = Vec::new();
    for g in &p.grants {
        if let (Role::UnitOperator | Role::UnitHead, Some(o)) = (g.role, &g.org) {
            own.extend(
                store::list(
                    &state.db,
                    &Status::ALL,
                    Some(&o.path),
                    &Filter::default(),
                    1000,
                    0,
                )
                .await?,
            );
        }
    }
    if !reviewer
        && own.is_empty()
        && !p
            .grants
            .iter()
            .any(|g| matches!(g.role, Role::UnitOperator | Role::UnitHead))
    {
        return Err(anjungan_kernel::Error::Access(
            anjungan_kernel::identity::domain::AccessError::Forbidden,
        )
        .into());
    }
    let queue = if reviewer {
        store::list(
            &state.db,
            &[Status::Submitted],
            None,
            &Filter::default(),
            1000,
            0,
        )
        .await?
    } else {
        Vec::new()
    };
    let counts = if reviewer {
        store::counts(&state.db).await?
    } else {
        Vec::new()
    };
    let can_create = p.is_admin()
        || p.grants
            .iter()
            .any(|g| matches!(g.role, Role::UnitOperator | Role::UnitHead));
    render(&ManagePage {
        shell: Shell::new(&ctx),
        own,
        queue,
        counts,
        can_create,
    })
}

#[derive(serde::Deserialize)]
struct LinkForm {
    /// A survey unit (organisation id)…
    #[serde(default)]
    unit: String,
    /// …or a Petung Dadi service (service id).
    #[serde(default)]
    layanan: String,
}

/// Only the owning unit's staff link their innovation to measured sources.
async fn owner(state: &AppState, ctx: &Ctx, id: i64) -> Result<Innovation, AppError> {
    let inv = visible(state, ctx, id).await?;
    if !may_create(ctx.signed_in()?, &inv.owner()) {
        return Err(anjungan_kernel::Error::Access(
            anjungan_kernel::identity::domain::AccessError::Forbidden,
        )
        .into());
    }
    Ok(inv)
}

async fn link(
    State(state): State<AppState>,
    Extension(live): Extension<crate::ports::Live>,
    ctx: Ctx,
    Path(id): Path<i64>,
    FormBody(f): FormBody<LinkForm>,
) -> WebResult<Response> {
    let inv = owner(&state, &ctx, id).await?;
    if !f.layanan.trim().is_empty() {
        let service: i64 = f
            .layanan
            .trim()
            .parse()
            .map_err(|_| AppError::bad_request("innovation.error.choose"))?;
        if !live
            .desk_services()
            .await
            .iter()
            .any(|(s, _)| *s == service)
        {
            return Err(AppError::bad_request("innovation.error.choose"));
        }
        crate::service::innovations::link(
            &state.db,
            &ctx.actor(),
            inv.id,
            crate::ports::DESK_SERVICE,
            service,
        )
        .await?;
        return Ok(Redirect::to(&format!("/inovasi/{id}#bukti")).into_response());
    }
    let unit: i64 = f
        .unit
        .trim()
        .parse()
        .map_err(|_| AppError::bad_request("innovation.error.choose"))?;
    if !live.survey_units().await.iter().any(|(u, _)| *u == unit) {
        return Err(AppError::bad_request("innovation.error.choose"));
    }
    crate::service::innovations::link(
        &state.db,
        &ctx.actor(),
        inv.id,
        crate::ports::SURVEY_UNIT,
        unit,
    )
    .await?;
    Ok(Redirect::to(&format!("/inovasi/{id}#bukti")).into_response())
}

async fn unlink(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, unit)): Path<(i64, i64)>,
) -> WebResult<Response> {
    remove_link(&state, &ctx, id, crate::ports::SURVEY_UNIT, unit).await
}

async fn unlink_service(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, service)): Path<(i64, i64)>,
) -> WebResult<Response> {
    remove_link(&state, &ctx, id, crate::ports::DESK_SERVICE, service).await
}

async fn remove_link(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    kind: &str,
    target: i64,
) -> WebResult<Response> {
    let inv = owner(state, ctx, id).await?;
    crate::service::innovations::unlink(&state.db, &ctx.actor(), inv.id, kind, target).await?;
    Ok(Redirect::to(&format!("/inovasi/{id}#bukti")).into_response())
}

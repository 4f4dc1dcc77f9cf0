//! The author's desk under `/cerita/tulis`: a pen name, one's works, their details and chapters,
//! submitting for review and withdrawing.

use crate::domain::work::{ArchiveRef, Rating, WorkInput};
use crate::domain::workflow::{self, Actor, Command};
use crate::domain::{Category, Language, StoryError};
use crate::store::works::{self, Chapter, ChapterHead, HistoryEntry, Work};
use anjungan_kernel::web::pages::render;
use anjungan_kernel::web::{AppError, AppState, Ctx, Shell, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State as St};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/cerita/tulis", get(desk).post(create))
        .route("/cerita/tulis/nama", post(set_pen_name))
        .route("/cerita/tulis/{id}", get(edit).post(save))
        .route("/cerita/tulis/{id}/sampul", post(cover))
        .route("/cerita/tulis/{id}/bab", post(add_chapter))
        .route(
            "/cerita/tulis/{id}/bab/{n}",
            get(edit_chapter).post(save_chapter),
        )
        .route("/cerita/tulis/{id}/bab/{n}/hapus", post(delete_chapter))
        .route("/cerita/tulis/{id}/bab/{n}/naik", post(move_up))
        .route("/cerita/tulis/{id}/langkah", post(step))
        .route("/cerita/tulis/{id}/hapus", post(delete))
        .route("/cerita/tulis/{id}/penulis", post(add_author))
        .route(
            "/cerita/tulis/{id}/penulis/{user}/hapus",
            post(remove_author),
        )
        .layer(axum::extract::DefaultBodyLimit::max(8 * 1024 * 1024))
}

/// The work's details as typed in the form; kept to fill the form again after an error.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub(crate) struct WorkForm {
    #[serde(default)]
    pub judul: String,
    #[serde(default)]
    pub ringkasan: String,
    #[serde(default)]
    pub kategori: String,
    #[serde(default)]
    pub bahasa: String,
    #[serde(default)]
    pub rating: String,
    #[serde(default)]
    pub selesai: Option<String>,
    #[serde(default)]
    pub tag: String,
    #[serde(default)]
    pub kredit: String,
    #[serde(default)]
    pub arsip_kode: String,
    #[serde(default)]
    pub arsip_uraian: String,
    #[serde(default)]
    pub arsip_lembaga: String,
}

impl WorkForm {
    fn of(w: &Work) -> Self {
        let a = w.archive.clone().unwrap_or_default();
        Self {
            judul: w.title.clone(),
            ringkasan: w.summary.clone(),
            kategori: w.category.code().into(),
            bahasa: w.language.code().into(),
            rating: w.rating.code().into(),
            selesai: w.complete.then(|| "1".into()),
            tag: w.tags.join(", "),
            kredit: w.credit.clone(),
            arsip_kode: a.code,
            arsip_uraian: a.description,
            arsip_lembaga: a.institution,
        }
    }

    fn input(&self, cover: Option<String>) -> Result<WorkInput, StoryError> {
        Ok(WorkInput {
            title: self.judul.clone(),
            summary: self.ringkasan.clone(),
            category: Category::parse(&self.kategori).ok_or(StoryError::BadChoice)?,
            language: Language::parse(&self.bahasa).ok_or(StoryError::BadChoice)?,
            rating: Rating::parse(&self.rating).ok_or(StoryError::BadChoice)?,
            complete: self.selesai.is_some(),
            tags: vec![self.tag.clone()],
            credit: self.kredit.clone(),
            archive: Some(ArchiveRef {
                code: self.arsip_kode.clone(),
                description: self.arsip_uraian.clone(),
                institution: self.arsip_lembaga.clone(),
            }),
            cover,
        })
    }
}

pub(crate) struct Choices {
    pub categories: &'static [Category],
    pub languages: &'static [Language],
    pub ratings: &'static [Rating],
}

const CHOICES: Choices = Choices {
    categories: Category::ALL,
    languages: Language::ALL,
    ratings: Rating::ALL,
};

#[derive(Template)]
#[template(path = "stories_desk.html")]
struct DeskPage {
    shell: Shell,
    pen_name: Option<String>,
    works: Vec<Work>,
    f: WorkForm,
    choices: Choices,
    error: Option<String>,
}

fn login(next: &str) -> Response {
    Redirect::to(&format!(
        "/masuk?next={}",
        anjungan_kernel::web::forms::urlencode(next)
    ))
    .into_response()
}

async fn desk_page(
    state: &AppState,
    ctx: &Ctx,
    f: WorkForm,
    error: Option<String>,
) -> WebResult<Response> {
    let p = ctx.signed_in()?;
    render(&DeskPage {
        pen_name: works::pen_name(&state.db, p.user_id.0).await?,
        works: works::mine(&state.db, p.user_id.0).await?,
        shell: Shell::new(ctx),
        f,
        choices: CHOICES,
        error,
    })
}

async fn desk(St(state): St<AppState>, ctx: Ctx) -> WebResult<Response> {
    if ctx.principal.is_none() {
        return Ok(login("/cerita/tulis"));
    }
    let f = WorkForm {
        kategori: Category::ShortStory.code().into(),
        bahasa: Language::Indonesian.code().into(),
        rating: Rating::General.code().into(),
        ..WorkForm::default()
    };
    desk_page(&state, &ctx, f, None).await
}

#[derive(serde::Deserialize)]
struct PenNameForm {
    #[serde(default)]
    nama_pena: String,
}

async fn set_pen_name(
    St(state): St<AppState>,
    ctx: Ctx,
    Form(f): Form<PenNameForm>,
) -> WebResult<Response> {
    let p = ctx.signed_in()?;
    match crate::service::works::set_pen_name(&state.db, &ctx.actor(), p.user_id.0, &f.nama_pena)
        .await
    {
        Ok(_) => Ok(Redirect::to("/cerita/tulis").into_response()),
        Err(crate::store::StoreError::Story(e)) => {
            let msg = ctx.tr().s(e.message_key()).to_string();
            let mut resp = desk_page(&state, &ctx, WorkForm::default(), Some(msg)).await?;
            *resp.status_mut() = axum::http::StatusCode::BAD_REQUEST;
            Ok(resp)
        }
        Err(e) => Err(e.into()),
    }
}

async fn create(St(state): St<AppState>, ctx: Ctx, Form(f): Form<WorkForm>) -> WebResult<Response> {
    let p = ctx.signed_in()?;
    let result = match f.input(None) {
        Ok(input) => {
            crate::service::works::create(&state.db, &ctx.actor(), p.user_id.0, input).await
        }
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/cerita/tulis/{id}")).into_response()),
        Err(crate::store::StoreError::Story(e)) => {
            let msg = ctx.tr().s(e.message_key()).to_string();
            let mut resp = desk_page(&state, &ctx, f, Some(msg)).await?;
            *resp.status_mut() = axum::http::StatusCode::BAD_REQUEST;
            Ok(resp)
        }
        Err(e) => Err(e.into()),
    }
}

/// The work, if the signed-in account is credited on it.
async fn own(state: &AppState, ctx: &Ctx, id: i64) -> Result<Work, AppError> {
    let p = ctx.signed_in()?;
    let w = works::get(&state.db, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    if !w.author_ids().contains(&p.user_id.0) {
        return Err(StoryError::Workflow(workflow::WorkflowError::NotYours).into());
    }
    Ok(w)
}

#[derive(Template)]
#[template(path = "stories_edit.html")]
struct EditPage {
    shell: Shell,
    w: Work,
    f: WorkForm,
    chapters: Vec<ChapterHead>,
    history: Vec<HistoryEntry>,
    commands: Vec<Command>,
    choices: Choices,
    error: Option<String>,
    new_title: String,
    new_body: String,
    /// The signed-in author.
    me: i64,
}

impl EditPage {
    /// The first-credited author, who may remove the others' credits.
    fn leads(&self) -> bool {
        self.w.authors.first().map(|a| a.user_id) == Some(self.me)
    }
}

async fn edit_page(
    state: &AppState,
    ctx: &Ctx,
    w: Work,
    f: Option<WorkForm>,
    chapter: Option<(String, String)>,
    error: Option<String>,
) -> WebResult<Response> {
    let (new_title, new_body) = chapter.unwrap_or_default();
    let status = if error.is_some() {
        axum::http::StatusCode::BAD_REQUEST
    } else {
        axum::http::StatusCode::OK
    };
    let me = ctx.signed_in()?.user_id.0;
    let mut resp = render(&EditPage {
        me,
        shell: Shell::new(ctx),
        f: f.unwrap_or_else(|| WorkForm::of(&w)),
        chapters: works::chapters(&state.db, w.id).await?,
        history: works::history_of(&state.db, w.id).await?,
        commands: workflow::available(w.facts(), Actor::Author),
        w,
        choices: CHOICES,
        error,
        new_title,
        new_body,
    })?;
    *resp.status_mut() = status;
    Ok(resp)
}

async fn edit(St(state): St<AppState>, ctx: Ctx, Path(id): Path<i64>) -> WebResult<Response> {
    if ctx.principal.is_none() {
        return Ok(login(&format!("/cerita/tulis/{id}")));
    }
    let w = own(&state, &ctx, id).await?;
    edit_page(&state, &ctx, w, None, None, None).await
}

/// Runs a store call; a rule the author broke re-renders the edit page with the message.
macro_rules! or_page {
    ($state:expr, $ctx:expr, $w:expr, $f:expr, $ch:expr, $call:expr, $ok:expr) => {
        match $call {
            Ok(_) => Ok(Redirect::to($ok).into_response()),
            Err(crate::store::StoreError::Story(e)) => {
                let msg = $ctx.tr().s(e.message_key()).to_string();
                edit_page(&$state, &$ctx, $w, $f, $ch, Some(msg)).await
            }
            Err(e) => Err(e.into()),
        }
    };
}

async fn save(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<WorkForm>,
) -> WebResult<Response> {
    let w = own(&state, &ctx, id).await?;
    let uid = ctx.signed_in()?.user_id.0;
    let result = match f.input(w.cover.clone()) {
        Ok(input) => crate::service::works::update(&state.db, &ctx.actor(), uid, id, input).await,
        Err(e) => Err(e.into()),
    };
    or_page!(
        state,
        ctx,
        w,
        Some(f),
        None,
        result,
        &format!("/cerita/tulis/{id}")
    )
}

/// The cover, uploaded as an image (multipart, field `berkas`).
async fn cover(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    req: axum::extract::Request,
) -> WebResult<Response> {
    use axum::extract::FromRequest;
    let w = own(&state, &ctx, id).await?;
    let uid = ctx.signed_in()?.user_id.0;
    let bad = || AppError::bad_request("stories.error.cover");
    let mut form = axum::extract::Multipart::from_request(req, &state)
        .await
        .map_err(|_| bad())?;
    while let Some(field) = form.next_field().await.map_err(|_| bad())? {
        if field.name() != Some("berkas") {
            continue;
        }
        let name = field.file_name().unwrap_or("sampul").to_string();
        let bytes = field.bytes().await.map_err(|_| bad())?;
        if !anjungan_kernel::files::domain::check(&bytes, 4 * 1024 * 1024)
            .is_ok_and(|m| m.starts_with("image/"))
        {
            return edit_page(
                &state,
                &ctx,
                w,
                None,
                None,
                Some(ctx.tr().s("stories.error.cover").into()),
            )
            .await;
        }
        let stored = anjungan_kernel::files::store::put(
            &state.db,
            &state.config.data_dir,
            &state.keys,
            &ctx.actor(),
            anjungan_kernel::files::domain::Access::Public,
            &name,
            &bytes,
            4 * 1024 * 1024,
        )
        .await?;
        let result =
            crate::service::works::set_cover(&state.db, &ctx.actor(), uid, id, &stored.sha256)
                .await;
        return or_page!(
            state,
            ctx,
            w,
            None,
            None,
            result,
            &format!("/cerita/tulis/{id}")
        );
    }
    Err(bad())
}

#[derive(serde::Deserialize)]
struct ChapterForm {
    #[serde(default)]
    judul: String,
    #[serde(default)]
    isi: String,
}

async fn add_chapter(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ChapterForm>,
) -> WebResult<Response> {
    let w = own(&state, &ctx, id).await?;
    let uid = ctx.signed_in()?.user_id.0;
    let result = crate::service::works::save_chapter(
        &state.db,
        &ctx.actor(),
        uid,
        id,
        None,
        &f.judul,
        &f.isi,
    )
    .await;
    or_page!(
        state,
        ctx,
        w,
        None,
        Some((f.judul, f.isi)),
        result,
        &format!("/cerita/tulis/{id}#bab")
    )
}

#[derive(Template)]
#[template(path = "stories_edit_chapter.html")]
struct ChapterEditPage {
    shell: Shell,
    w: Work,
    c: Chapter,
    title: String,
    body: String,
    error: Option<String>,
}

async fn edit_chapter(
    St(state): St<AppState>,
    ctx: Ctx,
    Path((id, n)): Path<(i64, i64)>,
) -> WebResult<Response> {
    let w = own(&state, &ctx, id).await?;
    let c = works::chapter(&state.db, id, n)
        .await?
        .ok_or_else(AppError::not_found)?;
    render(&ChapterEditPage {
        shell: Shell::new(&ctx),
        title: c.title.clone(),
        body: c.body.as_str().to_string(),
        w,
        c,
        error: None,
    })
}

async fn save_chapter(
    St(state): St<AppState>,
    ctx: Ctx,
    Path((id, n)): Path<(i64, i64)>,
    Form(f): Form<ChapterForm>,
) -> WebResult<Response> {
    let w = own(&state, &ctx, id).await?;
    let uid = ctx.signed_in()?.user_id.0;
    match crate::service::works::save_chapter(
        &state.db,
        &ctx.actor(),
        uid,
        id,
        Some(n),
        &f.judul,
        &f.isi,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/cerita/tulis/{id}#bab")).into_response()),
        Err(crate::store::StoreError::Story(e)) => {
            let c = works::chapter(&state.db, id, n)
                .await?
                .ok_or_else(AppError::not_found)?;
            let mut resp = render(&ChapterEditPage {
                shell: Shell::new(&ctx),
                w,
                c,
                title: f.judul,
                body: f.isi,
                error: Some(ctx.tr().s(e.message_key()).to_string()),
            })?;
            *resp.status_mut() = axum::http::StatusCode::BAD_REQUEST;
            Ok(resp)
        }
        Err(e) => Err(e.into()),
    }
}

async fn delete_chapter(
    St(state): St<AppState>,
    ctx: Ctx,
    Path((id, n)): Path<(i64, i64)>,
) -> WebResult<Response> {
    let w = own(&state, &ctx, id).await?;
    let uid = ctx.signed_in()?.user_id.0;
    let result = crate::service::works::delete_chapter(&state.db, &ctx.actor(), uid, id, n).await;
    or_page!(
        state,
        ctx,
        w,
        None,
        None,
        result,
        &format!("/cerita/tulis/{id}#bab")
    )
}

async fn move_up(
    St(state): St<AppState>,
    ctx: Ctx,
    Path((id, n)): Path<(i64, i64)>,
) -> WebResult<Response> {
    let w = own(&state, &ctx, id).await?;
    let uid = ctx.signed_in()?.user_id.0;
    let result = crate::service::works::move_chapter_up(&state.db, &ctx.actor(), uid, id, n).await;
    or_page!(
        state,
        ctx,
        w,
        None,
        None,
        result,
        &format!("/cerita/tulis/{id}#bab")
    )
}

#[derive(serde::Deserialize)]
pub(crate) struct StepForm {
    #[serde(default)]
    pub perintah: String,
    #[serde(default)]
    pub catatan: String,
    /// `ya` once the librarian has seen the confirmation of a takedown.
    #[serde(default)]
    pub konfirmasi: String,
}

async fn step(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<StepForm>,
) -> WebResult<Response> {
    let w = own(&state, &ctx, id).await?;
    let command =
        Command::parse(&f.perintah).ok_or_else(|| AppError::bad_request("stories.error.choice"))?;
    let result = crate::service::workflow::step(
        &state.db,
        &state.keys,
        &ctx.actor(),
        id,
        command,
        Actor::Author,
        &f.catatan,
        &super::base_url(&state),
    )
    .await;
    or_page!(
        state,
        ctx,
        w,
        None,
        None,
        result,
        &format!("/cerita/tulis/{id}")
    )
}

async fn delete(St(state): St<AppState>, ctx: Ctx, Path(id): Path<i64>) -> WebResult<Response> {
    let w = own(&state, &ctx, id).await?;
    let uid = ctx.signed_in()?.user_id.0;
    let result = crate::service::works::delete_draft(&state.db, &ctx.actor(), uid, id).await;
    or_page!(state, ctx, w, None, None, result, "/cerita/tulis")
}

#[derive(serde::Deserialize)]
struct AuthorForm {
    #[serde(default)]
    email: String,
}

/// Credits a co-author by the e-mail address of their account (they must have a pen name).
async fn add_author(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<AuthorForm>,
) -> WebResult<Response> {
    let w = own(&state, &ctx, id).await?;
    let uid = ctx.signed_in()?.user_id.0;
    let result = crate::service::works::add_author(
        &state.db,
        &state.keys,
        &super::base_url(&state),
        &ctx.actor(),
        uid,
        id,
        &f.email,
    )
    .await;
    or_page!(
        state,
        ctx,
        w,
        None,
        None,
        result,
        &format!("/cerita/tulis/{id}#penulis")
    )
}

/// Removes an author's credit; an author may also take their own name off.
async fn remove_author(
    St(state): St<AppState>,
    ctx: Ctx,
    Path((id, who)): Path<(i64, i64)>,
) -> WebResult<Response> {
    let w = own(&state, &ctx, id).await?;
    let uid = ctx.signed_in()?.user_id.0;
    let result = crate::service::works::remove_author(&state.db, &ctx.actor(), uid, id, who).await;
    let next = if who == uid {
        "/cerita/tulis".to_string()
    } else {
        format!("/cerita/tulis/{id}#penulis")
    };
    or_page!(state, ctx, w, None, None, result, &next)
}

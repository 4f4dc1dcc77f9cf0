//! The librarians' desk under `/cerita/kelola`: the review queue, reports and held comments
//! (the moderation queue), decisions on a work, and collections.

use super::author::StepForm;
use crate::domain::access;
use crate::domain::workflow::{self, Actor, Command, State};
use crate::store::collections::{self, Collection};
use crate::store::reader::{self, Comment, Report};
use crate::store::works::{self, Chapter, HistoryEntry, Work};
use anjungan_kernel::identity::domain::AccessError;
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
        .route("/cerita/kelola", get(queue))
        .route("/cerita/kelola/karya/{id}", get(work))
        .route("/cerita/kelola/karya/{id}/langkah", post(step))
        .route("/cerita/kelola/komentar/{id}", post(decide_comment))
        .route("/cerita/kelola/laporan/{id}", post(resolve_report))
        .route("/cerita/kelola/koleksi", post(create_collection))
        .route("/cerita/kelola/koleksi/{id}", post(collection_member))
}

pub(crate) fn librarian(ctx: &Ctx) -> Result<(), AppError> {
    let p = ctx.signed_in()?;
    if access::is_librarian(p) {
        Ok(())
    } else {
        Err(anjungan_kernel::Error::Access(AccessError::Forbidden).into())
    }
}

#[derive(Template)]
#[template(path = "stories_queue.html")]
struct QueuePage {
    shell: Shell,
    queue: Vec<Work>,
    reports: Vec<Report>,
    comments: Vec<Comment>,
    collections: Vec<Collection>,
    error: Option<String>,
}

async fn queue_page(state: &AppState, ctx: &Ctx, error: Option<String>) -> WebResult<Response> {
    let status = if error.is_some() {
        axum::http::StatusCode::BAD_REQUEST
    } else {
        axum::http::StatusCode::OK
    };
    let mut resp = render(&QueuePage {
        shell: Shell::new(ctx),
        queue: works::in_states(&state.db, &[State::Submitted, State::InReview], 200).await?,
        reports: reader::open_reports(&state.db, 200).await?,
        comments: reader::held_comments(&state.db, 200).await?,
        collections: collections::list(&state.db).await?,
        error,
    })?;
    *resp.status_mut() = status;
    Ok(resp)
}

async fn queue(St(state): St<AppState>, ctx: Ctx) -> WebResult<Response> {
    if ctx.principal.is_none() {
        return Ok(Redirect::to("/masuk?next=/cerita/kelola").into_response());
    }
    librarian(&ctx)?;
    queue_page(&state, &ctx, None).await
}

#[derive(Template)]
#[template(path = "stories_review.html")]
struct ReviewPage {
    shell: Shell,
    w: Work,
    chapters: Vec<Chapter>,
    history: Vec<HistoryEntry>,
    commands: Vec<Command>,
    collections: Vec<Collection>,
    error: Option<String>,
}

async fn review_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    error: Option<String>,
) -> WebResult<Response> {
    let w = works::get(&state.db, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let status = if error.is_some() {
        axum::http::StatusCode::BAD_REQUEST
    } else {
        axum::http::StatusCode::OK
    };
    let mut resp = render(&ReviewPage {
        shell: Shell::new(ctx),
        chapters: works::all_chapters(&state.db, id).await?,
        history: works::history_of(&state.db, id).await?,
        commands: workflow::available(w.facts(), Actor::Librarian),
        collections: collections::list(&state.db).await?,
        w,
        error,
    })?;
    *resp.status_mut() = status;
    Ok(resp)
}

async fn work(St(state): St<AppState>, ctx: Ctx, Path(id): Path<i64>) -> WebResult<Response> {
    librarian(&ctx)?;
    review_page(&state, &ctx, id, None).await
}

async fn step(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<StepForm>,
) -> WebResult<Response> {
    librarian(&ctx)?;
    let command =
        Command::parse(&f.perintah).ok_or_else(|| AppError::bad_request("stories.error.choice"))?;
    // A takedown removes a work from every reader: confirmed on a page that repeats the reason.
    if command == Command::TakeDown
        && !f.catatan.trim().is_empty()
        && !anjungan_kernel::web::confirm::confirmed(&f.konfirmasi)
    {
        let w = crate::store::works::get(&state.db, id)
            .await?
            .ok_or_else(AppError::not_found)?;
        let t = ctx.tr();
        return anjungan_kernel::web::confirm::page(
            &ctx,
            anjungan_kernel::web::confirm::Confirm {
                title: t.f("stories.take_down_question", &[("title", &w.title)]),
                consequence: t.f(
                    "stories.take_down_consequence",
                    &[("reason", f.catatan.trim())],
                ),
                yes: t.s("stories.take_down_yes").to_string(),
                action: format!("/cerita/kelola/karya/{id}/langkah"),
                fields: vec![
                    ("perintah".into(), f.perintah.clone()),
                    ("catatan".into(), f.catatan.clone()),
                ],
                back: format!("/cerita/kelola/karya/{id}"),
            },
        );
    }
    match crate::service::workflow::step(
        &state.db,
        &state.keys,
        &ctx.actor(),
        id,
        command,
        Actor::Librarian,
        &f.catatan,
        &super::base_url(&state),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/cerita/kelola/karya/{id}")).into_response()),
        Err(crate::store::StoreError::Story(e)) => {
            let msg = ctx.tr().s(e.message_key()).to_string();
            review_page(&state, &ctx, id, Some(msg)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize)]
struct DecisionForm {
    #[serde(default)]
    keputusan: String,
}

async fn decide_comment(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> WebResult<Response> {
    librarian(&ctx)?;
    let approve = match f.keputusan.as_str() {
        "setujui" => true,
        "tolak" => false,
        _ => return Err(AppError::bad_request("stories.error.choice")),
    };
    crate::service::reader::decide_comment(&state.db, &ctx.actor(), id, approve).await?;
    Ok(Redirect::to("/cerita/kelola#komentar").into_response())
}

#[derive(serde::Deserialize)]
struct ResolveForm {
    #[serde(default)]
    tindakan: String,
}

async fn resolve_report(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ResolveForm>,
) -> WebResult<Response> {
    librarian(&ctx)?;
    match crate::service::reader::resolve_report(&state.db, &ctx.actor(), id, &f.tindakan).await {
        Ok(()) => Ok(Redirect::to("/cerita/kelola#laporan").into_response()),
        Err(crate::store::StoreError::Story(e)) => {
            queue_page(&state, &ctx, Some(ctx.tr().s(e.message_key()).into())).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize)]
struct CollectionForm {
    #[serde(default)]
    judul: String,
    #[serde(default)]
    uraian: String,
}

async fn create_collection(
    St(state): St<AppState>,
    ctx: Ctx,
    Form(f): Form<CollectionForm>,
) -> WebResult<Response> {
    librarian(&ctx)?;
    match crate::service::collections::create(&state.db, &ctx.actor(), &f.judul, &f.uraian).await {
        Ok(slug) => Ok(Redirect::to(&format!("/cerita/koleksi/{slug}")).into_response()),
        Err(crate::store::StoreError::Story(e)) => {
            queue_page(&state, &ctx, Some(ctx.tr().s(e.message_key()).into())).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize)]
struct MemberForm {
    #[serde(default)]
    karya: String,
    #[serde(default)]
    aksi: String,
}

async fn collection_member(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<MemberForm>,
) -> WebResult<Response> {
    librarian(&ctx)?;
    let work: i64 = f
        .karya
        .trim()
        .parse()
        .map_err(|_| AppError::bad_request("stories.error.choice"))?;
    let member = match f.aksi.as_str() {
        "tambah" => true,
        "hapus" => false,
        "naik" => {
            crate::service::collections::move_up(&state.db, &ctx.actor(), id, work).await?;
            let slug = collections::list(&state.db)
                .await?
                .into_iter()
                .find(|c| c.id == id)
                .map(|c| c.slug)
                .unwrap_or_default();
            return Ok(
                Redirect::to(&format!("/cerita/koleksi/{slug}#karya-{work}")).into_response(),
            );
        }
        _ => return Err(AppError::bad_request("stories.error.choice")),
    };
    match crate::service::collections::set_member(&state.db, &ctx.actor(), id, work, member).await {
        Ok(()) => Ok(Redirect::to(&format!("/cerita/kelola/karya/{work}")).into_response()),
        Err(crate::store::StoreError::Story(e)) => {
            review_page(&state, &ctx, work, Some(ctx.tr().s(e.message_key()).into())).await
        }
        Err(e) => Err(e.into()),
    }
}

//! `/api/v1/cerita`: search and read published works (public), write and submit works (authors,
//! bearer token), review them (librarians), and the reader's kudos, bookmarks, comments and
//! reports.

use crate::domain::StoryError;
use crate::domain::access;
use crate::domain::search::SnippetPart;
use crate::domain::work::{ReportReason, WorkInput};
use crate::domain::workflow::{Actor, Command, State};
use crate::store::collections::{self, Collection};
use crate::store::reader::{self, Bookmark, Giver};
use crate::store::search::{self, Filters};
use crate::store::works::{self, Chapter, ChapterHead, Work};
use anjungan_kernel::web::{AppError, AppState, Ctx, WebResult};
use axum::extract::{Path, Query, State as St};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_works, create_work))
        .routes(routes!(get_work, update_work))
        .routes(routes!(add_author))
        .routes(routes!(remove_author))
        .routes(routes!(get_chapter, update_chapter))
        .routes(routes!(add_chapter))
        .routes(routes!(work_step))
        .routes(routes!(give_kudos))
        .routes(routes!(put_bookmark, delete_bookmark))
        .routes(routes!(list_bookmarks))
        .routes(routes!(add_comment))
        .routes(routes!(add_report))
        .routes(routes!(list_collections))
        .routes(routes!(set_pen_name))
        .routes(routes!(my_works))
        .routes(routes!(review_queue))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
struct SearchQuery {
    /// Words to find (stemmed as Indonesian); empty lists the newest works.
    q: Option<String>,
    category: Option<String>,
    language: Option<String>,
    tag: Option<String>,
    /// An author's account id.
    author: Option<i64>,
    /// From 1.
    page: Option<i64>,
    /// 1–100, default 20.
    per_page: Option<i64>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = stories::Hit)]
struct Hit {
    work: Work,
    /// The words around the match; `hit` parts are the matched words.
    snippet: Vec<Snip>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = stories::Snip)]
struct Snip {
    text: String,
    hit: bool,
}

impl From<SnippetPart> for Snip {
    fn from(p: SnippetPart) -> Self {
        Snip {
            text: p.text,
            hit: p.hit,
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = stories::Results)]
struct Results {
    total: i64,
    page: i64,
    per_page: i64,
    items: Vec<Hit>,
}

/// Published works: ranked full-text search, or the newest; filtered. Public.
#[utoipa::path(get, path = "/api/v1/cerita/works", operation_id = "searchStories", tag = "stories", params(SearchQuery),
    responses((status = 200, body = Results), (status = 400)))]
async fn list_works(
    St(state): St<AppState>,
    Query(q): Query<SearchQuery>,
) -> WebResult<Json<Results>> {
    let bad = || AppError::bad_request("stories.error.choice");
    let filters = Filters {
        category: match q.category.as_deref().filter(|s| !s.is_empty()) {
            Some(c) => Some(crate::domain::Category::parse(c).ok_or_else(bad)?),
            None => None,
        },
        language: match q.language.as_deref().filter(|s| !s.is_empty()) {
            Some(l) => Some(crate::domain::Language::parse(l).ok_or_else(bad)?),
            None => None,
        },
        tag: q.tag.clone(),
        author: q.author,
    };
    let per_page = q.per_page.unwrap_or(20).clamp(1, 100);
    let page = q.page.unwrap_or(1).clamp(1, 10_000);
    let query: String = q.q.unwrap_or_default().chars().take(200).collect();
    let found = search::find(&state.db, &query, &filters, per_page, (page - 1) * per_page).await?;
    let cards = super::view::cards(&state, found.works, &found.terms).await?;
    Ok(Json(Results {
        total: found.total,
        page,
        per_page,
        items: cards
            .into_iter()
            .map(|c| Hit {
                work: c.w,
                snippet: c.snippet.into_iter().map(Snip::from).collect(),
            })
            .collect(),
    }))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = stories::WorkDetail)]
struct WorkDetail {
    work: Work,
    chapters: Vec<ChapterHead>,
}

/// A work readable by the caller: published, or their own / any for a librarian.
async fn readable(state: &AppState, ctx: &Ctx, id: i64) -> Result<Work, AppError> {
    let w = works::get(&state.db, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    if w.is_public() {
        return Ok(w);
    }
    match &ctx.principal {
        Some(p) if access::role_on(p, &w.author_ids()).is_some() => Ok(w),
        _ => Err(AppError::not_found()),
    }
}

/// One work with its chapter list.
#[utoipa::path(get, path = "/api/v1/cerita/works/{id}", operation_id = "getStory", tag = "stories",
    params(("id" = i64, Path, description = "Work id")), responses((status = 200, body = WorkDetail), (status = 404)))]
async fn get_work(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> WebResult<Json<WorkDetail>> {
    let work = readable(&state, &ctx, id).await?;
    Ok(Json(WorkDetail {
        chapters: works::chapters(&state.db, id).await?,
        work,
    }))
}

/// One chapter (sanitised HTML). Counts as a read of a published work.
#[utoipa::path(get, path = "/api/v1/cerita/works/{id}/chapters/{n}", operation_id = "getStoryChapter", tag = "stories",
    params(("id" = i64, Path, description = "Work id"), ("n" = i64, Path, description = "Chapter position from 1")),
    responses((status = 200, body = Chapter), (status = 404)))]
async fn get_chapter(
    St(state): St<AppState>,
    ctx: Ctx,
    Extension(reads): Extension<std::sync::Arc<crate::store::reads::ReadCounter>>,
    Path((id, n)): Path<(i64, i64)>,
) -> WebResult<Json<Chapter>> {
    let w = readable(&state, &ctx, id).await?;
    let c = works::chapter(&state.db, id, n)
        .await?
        .ok_or_else(AppError::not_found)?;
    if w.is_public() {
        reads.count(id);
        if let Some(p) = &ctx.principal {
            reader::progress(&state.db, p.user_id.0, id, n).await?;
        }
    }
    Ok(Json(c))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = stories::Created)]
struct Created {
    id: i64,
}

/// Starts a draft credited to the caller (who must have a pen name).
#[utoipa::path(post, path = "/api/v1/cerita/works", operation_id = "createStory", tag = "stories", request_body = WorkInput,
    security(("bearer" = [])), responses((status = 201, body = Created), (status = 400), (status = 401)))]
async fn create_work(
    St(state): St<AppState>,
    ctx: Ctx,
    Json(input): Json<WorkInput>,
) -> WebResult<Response> {
    let p = ctx.signed_in()?;
    let id = crate::service::works::create(&state.db, &ctx.actor(), p.user_id.0, input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

/// Replaces a work's details while its author may edit it.
#[utoipa::path(put, path = "/api/v1/cerita/works/{id}", operation_id = "updateStory", tag = "stories", request_body = WorkInput,
    params(("id" = i64, Path, description = "Work id")), security(("bearer" = [])),
    responses((status = 200, body = Work), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn update_work(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(input): Json<WorkInput>,
) -> WebResult<Json<Work>> {
    let p = ctx.signed_in()?;
    crate::service::works::update(&state.db, &ctx.actor(), p.user_id.0, id, input).await?;
    Ok(Json(
        works::get(&state.db, id)
            .await?
            .ok_or_else(AppError::not_found)?,
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = stories::NewCoAuthor)]
struct NewCoAuthor {
    /// The e-mail address of the co-author's account; they must have chosen a pen name.
    email: String,
}

/// Credits a co-author on a work its author may edit now; they may then edit it too.
#[utoipa::path(post, path = "/api/v1/cerita/works/{id}/authors", operation_id = "addStoryAuthor", tag = "stories",
    request_body = NewCoAuthor, params(("id" = i64, Path, description = "Work id")), security(("bearer" = [])),
    responses((status = 201, body = works::Byline), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn add_author(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(n): Json<NewCoAuthor>,
) -> WebResult<Response> {
    let p = ctx.signed_in()?;
    let credited = crate::service::works::add_author(
        &state.db,
        &state.keys,
        &super::base_url(&state),
        &ctx.actor(),
        p.user_id.0,
        id,
        &n.email,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(credited)).into_response())
}

/// Removes an author's credit (never the last) from a work its author may edit now.
#[utoipa::path(delete, path = "/api/v1/cerita/works/{id}/authors/{user_id}", operation_id = "removeStoryAuthor", tag = "stories",
    params(("id" = i64, Path, description = "Work id"), ("user_id" = i64, Path, description = "The author's account id")),
    security(("bearer" = [])),
    responses((status = 204), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn remove_author(
    St(state): St<AppState>,
    ctx: Ctx,
    Path((id, who)): Path<(i64, i64)>,
) -> WebResult<StatusCode> {
    let p = ctx.signed_in()?;
    crate::service::works::remove_author(&state.db, &ctx.actor(), p.user_id.0, id, who).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = stories::ChapterInput)]
struct ChapterInput {
    #[serde(default)]
    title: String,
    /// HTML from the safe subset, or plain text (paragraphs split on blank lines).
    body: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = stories::Position)]
struct Position {
    position: i64,
}

/// Adds a chapter at the end.
#[utoipa::path(post, path = "/api/v1/cerita/works/{id}/chapters", operation_id = "addStoryChapter", tag = "stories",
    request_body = ChapterInput, params(("id" = i64, Path, description = "Work id")), security(("bearer" = [])),
    responses((status = 201, body = Position), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn add_chapter(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(c): Json<ChapterInput>,
) -> WebResult<Response> {
    let p = ctx.signed_in()?;
    let position = crate::service::works::save_chapter(
        &state.db,
        &ctx.actor(),
        p.user_id.0,
        id,
        None,
        &c.title,
        &c.body,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Position { position })).into_response())
}

/// Replaces a chapter's title and text.
#[utoipa::path(put, path = "/api/v1/cerita/works/{id}/chapters/{n}", operation_id = "updateStoryChapter", tag = "stories",
    request_body = ChapterInput, params(("id" = i64, Path, description = "Work id"), ("n" = i64, Path, description = "Chapter position")),
    security(("bearer" = [])), responses((status = 200, body = Chapter), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn update_chapter(
    St(state): St<AppState>,
    ctx: Ctx,
    Path((id, n)): Path<(i64, i64)>,
    Json(c): Json<ChapterInput>,
) -> WebResult<Json<Chapter>> {
    let p = ctx.signed_in()?;
    crate::service::works::save_chapter(
        &state.db,
        &ctx.actor(),
        p.user_id.0,
        id,
        Some(n),
        &c.title,
        &c.body,
    )
    .await?;
    Ok(Json(
        works::chapter(&state.db, id, n)
            .await?
            .ok_or_else(AppError::not_found)?,
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = stories::StepInput)]
struct StepInput {
    command: Command,
    #[serde(default)]
    note: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = stories::StepDone)]
struct StepDone {
    state: State,
}

/// A step of the editorial workflow: the author submits or withdraws; a librarian reviews,
/// publishes, returns (note required), unpublishes or takes down (reason required), reinstates.
#[utoipa::path(post, path = "/api/v1/cerita/works/{id}/steps", operation_id = "storyStep", tag = "stories",
    request_body = StepInput, params(("id" = i64, Path, description = "Work id")), security(("bearer" = [])),
    responses((status = 200, body = StepDone), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn work_step(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(s): Json<StepInput>,
) -> WebResult<Json<StepDone>> {
    let p = ctx.signed_in()?;
    let w = works::get(&state.db, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    // A librarian credited on a work acts as its author for the author's commands.
    let by = match (access::role_on(p, &w.author_ids()), s.command) {
        (Some(Actor::Author), Command::Submit | Command::Unpublish) => Actor::Author,
        (_, _) if access::may_review(p) => Actor::Librarian,
        (Some(a), _) => a,
        (None, _) => {
            return Err(StoryError::Workflow(crate::domain::WorkflowError::NotYours).into());
        }
    };
    let state_now = crate::service::workflow::step(
        &state.db,
        &state.keys,
        &ctx.actor(),
        id,
        s.command,
        by,
        &s.note,
        &super::base_url(&state),
    )
    .await?;
    Ok(Json(StepDone { state: state_now }))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = stories::KudosDone)]
struct KudosDone {
    /// False when this account had already given kudos.
    given: bool,
    kudos: i64,
}

/// Kudos from the signed-in account (once per work).
#[utoipa::path(post, path = "/api/v1/cerita/works/{id}/kudos", operation_id = "giveStoryKudos", tag = "stories",
    params(("id" = i64, Path, description = "Work id")), security(("bearer" = [])),
    responses((status = 200, body = KudosDone), (status = 401), (status = 404)))]
async fn give_kudos(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> WebResult<Json<KudosDone>> {
    let p = ctx.signed_in()?;
    let given = crate::service::reader::kudos(&state.db, id, Giver::User(p.user_id.0)).await?;
    let kudos = works::get(&state.db, id)
        .await?
        .map(|w| w.kudos)
        .unwrap_or(0);
    Ok(Json(KudosDone { given, kudos }))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = stories::BookmarkInput)]
struct BookmarkInput {
    #[serde(default = "first")]
    position: i64,
    #[serde(default)]
    note: String,
}

fn first() -> i64 {
    1
}

/// Adds or replaces the caller's private bookmark of a work.
#[utoipa::path(put, path = "/api/v1/cerita/works/{id}/bookmark", operation_id = "putStoryBookmark", tag = "stories",
    request_body = BookmarkInput, params(("id" = i64, Path, description = "Work id")), security(("bearer" = [])),
    responses((status = 200, body = Bookmark), (status = 400), (status = 401), (status = 404)))]
async fn put_bookmark(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(b): Json<BookmarkInput>,
) -> WebResult<Json<Bookmark>> {
    let p = ctx.signed_in()?;
    crate::service::reader::bookmark(&state.db, p.user_id.0, id, b.position, &b.note).await?;
    Ok(Json(
        reader::bookmark_of(&state.db, p.user_id.0, id)
            .await?
            .ok_or_else(AppError::not_found)?,
    ))
}

/// Removes the caller's bookmark.
#[utoipa::path(delete, path = "/api/v1/cerita/works/{id}/bookmark", operation_id = "deleteStoryBookmark", tag = "stories",
    params(("id" = i64, Path, description = "Work id")), security(("bearer" = [])), responses((status = 204), (status = 401), (status = 404)))]
async fn delete_bookmark(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> WebResult<StatusCode> {
    let p = ctx.signed_in()?;
    if reader::remove_bookmark(&state.db, p.user_id.0, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::not_found())
    }
}

/// The caller's bookmarks, newest first.
#[utoipa::path(get, path = "/api/v1/cerita/bookmarks", operation_id = "listStoryBookmarks", tag = "stories",
    security(("bearer" = [])), responses((status = 200, body = [Bookmark]), (status = 401)))]
async fn list_bookmarks(St(state): St<AppState>, ctx: Ctx) -> WebResult<Json<Vec<Bookmark>>> {
    let p = ctx.signed_in()?;
    Ok(Json(reader::bookmarks(&state.db, p.user_id.0).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = stories::CommentInput)]
struct CommentInput {
    body: String,
    /// The chapter commented on; 0 for the whole work.
    #[serde(default)]
    chapter: i64,
}

/// A comment; it is held until a librarian approves it.
#[utoipa::path(post, path = "/api/v1/cerita/works/{id}/comments", operation_id = "addStoryComment", tag = "stories",
    request_body = CommentInput, params(("id" = i64, Path, description = "Work id")), security(("bearer" = [])),
    responses((status = 202, body = Created), (status = 400), (status = 401), (status = 404)))]
async fn add_comment(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(c): Json<CommentInput>,
) -> WebResult<Response> {
    let p = ctx.signed_in()?;
    let cid = crate::service::reader::comment(
        &state.db,
        &ctx.actor(),
        p.user_id.0,
        id,
        c.chapter,
        &c.body,
    )
    .await?;
    Ok((StatusCode::ACCEPTED, Json(Created { id: cid })).into_response())
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = stories::ReportInput)]
struct ReportInput {
    reason: ReportReason,
    #[serde(default)]
    details: String,
}

/// Reports a published work to the librarians. Guests may report too.
#[utoipa::path(post, path = "/api/v1/cerita/works/{id}/reports", operation_id = "reportStory", tag = "stories",
    request_body = ReportInput, params(("id" = i64, Path, description = "Work id")),
    responses((status = 202, body = Created), (status = 400), (status = 404)))]
async fn add_report(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(r): Json<ReportInput>,
) -> WebResult<Response> {
    let rid =
        crate::service::reader::report(&state.db, &ctx.actor(), id, r.reason, &r.details).await?;
    Ok((StatusCode::ACCEPTED, Json(Created { id: rid })).into_response())
}

/// The librarians' collections. Public.
#[utoipa::path(get, path = "/api/v1/cerita/collections", operation_id = "listStoryCollections", tag = "stories",
    responses((status = 200, body = [Collection])))]
async fn list_collections(St(state): St<AppState>) -> WebResult<Json<Vec<Collection>>> {
    Ok(Json(collections::list(&state.db).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = stories::PenNameInput)]
struct PenNameInput {
    pen_name: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = stories::PenName)]
struct PenName {
    pen_name: String,
}

/// Sets the caller's pen name (needed before writing).
#[utoipa::path(put, path = "/api/v1/cerita/pen-name", operation_id = "setPenName", tag = "stories", request_body = PenNameInput,
    security(("bearer" = [])), responses((status = 200, body = PenName), (status = 400), (status = 401)))]
async fn set_pen_name(
    St(state): St<AppState>,
    ctx: Ctx,
    Json(i): Json<PenNameInput>,
) -> WebResult<Json<PenName>> {
    let p = ctx.signed_in()?;
    let pen_name =
        crate::service::works::set_pen_name(&state.db, &ctx.actor(), p.user_id.0, &i.pen_name)
            .await?;
    Ok(Json(PenName { pen_name }))
}

/// The works the caller is credited on, in every state.
#[utoipa::path(get, path = "/api/v1/cerita/mine", operation_id = "myStories", tag = "stories",
    security(("bearer" = [])), responses((status = 200, body = [Work]), (status = 401)))]
async fn my_works(St(state): St<AppState>, ctx: Ctx) -> WebResult<Json<Vec<Work>>> {
    let p = ctx.signed_in()?;
    Ok(Json(works::mine(&state.db, p.user_id.0).await?))
}

/// Works waiting for a librarian (submitted or in review), oldest first.
#[utoipa::path(get, path = "/api/v1/cerita/review", operation_id = "storyReviewQueue", tag = "stories",
    security(("bearer" = [])), responses((status = 200, body = [Work]), (status = 401), (status = 403)))]
async fn review_queue(St(state): St<AppState>, ctx: Ctx) -> WebResult<Json<Vec<Work>>> {
    super::review::librarian(&ctx)?;
    Ok(Json(
        works::in_states(&state.db, &[State::Submitted, State::InReview], 500).await?,
    ))
}

//! The reader's side under `/cerita`: search and browse, the work page, the reading page,
//! collections and authors, feeds and downloads, and what a reader gives back — kudos,
//! bookmarks, comments and reports.

use super::view::{self, Card};
use crate::domain::work::{ReportReason, TextSize};
use crate::domain::{Category, Language};
use crate::render::{atom, epub};
use crate::store::collections::{self, Collection};
use crate::store::reader::{self, Bookmark, Comment, Giver};
use crate::store::reads::ReadCounter;
use crate::store::search::{self, Filters};
use crate::store::works::{self, Chapter, ChapterHead, Work};
use anjungan_kernel::web::pages::render;
use anjungan_kernel::web::{AppError, AppState, Ctx, Shell, WebResult};
use askama::Template;
use axum::extract::{Path, Query, State as St};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form};
use utoipa_axum::router::OpenApiRouter;

/// Its pages guests all see alike: kept by the page cache until a write of this room (or any
/// write not narrowed to another room).
const PUBLIC: anjungan_kernel::web::page_cache::Public =
    anjungan_kernel::web::page_cache::Public::of(&["stories"]);

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/cerita", get(index).layer(PUBLIC.layer()))
        .route("/cerita/karya/{id}", get(work_page).layer(PUBLIC.layer()))
        .route(
            "/cerita/karya/{id}/bab/{n}",
            get(chapter_page).layer(PUBLIC.layer()),
        )
        .route("/cerita/karya/{id}/unduh.epub", get(download_epub))
        .route("/cerita/karya/{id}/unduh.pdf", get(download_pdf))
        .route("/cerita/karya/{id}/kudos", post(give_kudos))
        .route("/cerita/karya/{id}/penanda", post(save_bookmark))
        .route("/cerita/karya/{id}/penanda/hapus", post(delete_bookmark))
        .route("/cerita/karya/{id}/komentar", post(add_comment))
        .route("/cerita/karya/{id}/lapor", post(add_report))
        .route("/cerita/ukuran", get(set_size))
        .route(
            "/cerita/koleksi/{slug}",
            get(collection_page).layer(PUBLIC.layer()),
        )
        .route(
            "/cerita/penulis/{id}",
            get(author_page).layer(PUBLIC.layer()),
        )
        .route("/cerita/penulis/{id}/ikuti", post(follow))
        .route("/cerita/penulis/{id}/berhenti", post(unfollow))
        .route(
            "/cerita/karya/{id}/baca",
            get(whole_work).layer(PUBLIC.layer()),
        )
        .route("/cerita/rak", get(shelf))
        .route("/cerita/feed.atom", get(feed).layer(PUBLIC.layer()))
        .route(
            "/cerita/kategori/{code}/feed.atom",
            get(category_feed).layer(PUBLIC.layer()),
        )
}

/// The Indonesian label of a category, for exports (which are in the work's context, not the
/// reader's interface language).
pub fn category_label_id(c: Category) -> &'static str {
    match c {
        Category::FolkTale => "Cerita rakyat",
        Category::LocalHistory => "Sejarah lokal",
        Category::ArchiveStory => "Cerita arsip",
        Category::ShortStory => "Cerpen",
        Category::Poetry => "Puisi",
        Category::Essay => "Esai",
    }
}

pub const PAGE_SIZE: i64 = 20;

#[derive(serde::Deserialize, Default)]
pub(crate) struct IndexQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kategori: String,
    #[serde(default)]
    bahasa: String,
    #[serde(default)]
    tag: String,
    #[serde(default)]
    penulis: String,
    #[serde(default)]
    hal: String,
}

impl IndexQuery {
    fn filters(&self) -> Result<Filters, AppError> {
        let bad = || AppError::bad_request("stories.error.choice");
        Ok(Filters {
            category: match self.kategori.as_str() {
                "" => None,
                c => Some(Category::parse(c).ok_or_else(bad)?),
            },
            language: match self.bahasa.as_str() {
                "" => None,
                l => Some(Language::parse(l).ok_or_else(bad)?),
            },
            tag: Some(self.tag.trim().to_lowercase()).filter(|t| !t.is_empty()),
            author: match self.penulis.as_str() {
                "" => None,
                a => Some(a.parse().map_err(|_| bad())?),
            },
        })
    }

    fn page(&self) -> i64 {
        self.hal.parse::<i64>().unwrap_or(1).clamp(1, 500)
    }

    fn is_search(&self) -> bool {
        !(self.q.trim().is_empty()
            && self.kategori.is_empty()
            && self.bahasa.is_empty()
            && self.tag.is_empty()
            && self.penulis.is_empty())
    }

    /// The query string for another page of the same search.
    fn with_page(&self, page: i64) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        for (k, v) in [
            ("q", &self.q),
            ("kategori", &self.kategori),
            ("bahasa", &self.bahasa),
            ("tag", &self.tag),
            ("penulis", &self.penulis),
        ] {
            if !v.is_empty() {
                pairs.push((k, v.clone()));
            }
        }
        pairs.push(("hal", page.to_string()));
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }
}

#[derive(Template)]
#[template(path = "stories_index.html")]
struct IndexPage {
    shell: Shell,
    q: IndexQuery,
    searching: bool,
    cards: Vec<Card>,
    total: i64,
    page: i64,
    prev_href: Option<String>,
    next_href: Option<String>,
    collections: Vec<Collection>,
    tags: Vec<(String, i64)>,
    categories: &'static [Category],
    languages: &'static [Language],
}

async fn index(
    St(state): St<AppState>,
    ctx: Ctx,
    Query(q): Query<IndexQuery>,
) -> WebResult<Response> {
    let filters = q.filters()?;
    let page = q.page();
    let query: String = q.q.trim().chars().take(200).collect();
    let found = search::find(
        &state.db,
        &query,
        &filters,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE,
    )
    .await?;
    let cards = view::cards(&state, found.works, &found.terms).await?;
    let pages = (found.total + PAGE_SIZE - 1) / PAGE_SIZE;
    render(&IndexPage {
        shell: Shell::new(&ctx),
        searching: q.is_search(),
        prev_href: (page > 1).then(|| format!("/cerita?{}", q.with_page(page - 1))),
        next_href: (page < pages).then(|| format!("/cerita?{}", q.with_page(page + 1))),
        q,
        cards,
        total: found.total,
        page,
        collections: collections::list(&state.db).await?,
        tags: search::popular_tags(&state.db, 24).await?,
        categories: Category::ALL,
        languages: Language::ALL,
    })
}

/// A published work, or — for its authors and librarians — any state (preview).
async fn readable(state: &AppState, ctx: &Ctx, id: i64) -> Result<Work, AppError> {
    let w = works::get(&state.db, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    if w.is_public() {
        return Ok(w);
    }
    match &ctx.principal {
        Some(p) if crate::domain::access::role_on(p, &w.author_ids()).is_some() => Ok(w),
        _ => Err(AppError::not_found()),
    }
}

#[derive(Template)]
#[template(path = "stories_work.html")]
struct WorkPage {
    shell: Shell,
    w: Work,
    chapters: Vec<ChapterHead>,
    json_ld: String,
    kudos_given: bool,
    bookmark: Option<Bookmark>,
    comments: Vec<Comment>,
    reasons: &'static [ReportReason],
    message: Option<&'static str>,
    /// The author's editing page or the librarian's review page, for those who may.
    manage_href: Option<String>,
    /// The chapter a signed-in reader opened last: "continue reading" goes there.
    continue_at: Option<i64>,
}

#[derive(serde::Deserialize, Default)]
struct MessageQuery {
    #[serde(default)]
    pesan: String,
}

/// Confirmation messages a redirect may ask for (keys, never free text).
fn message_key(code: &str) -> Option<&'static str> {
    Some(match code {
        "kudos" => "stories.msg.kudos",
        "kudos_lagi" => "stories.msg.kudos_again",
        "penanda" => "stories.msg.bookmarked",
        "penanda_hapus" => "stories.msg.bookmark_removed",
        "komentar" => "stories.msg.comment_held",
        "lapor" => "stories.msg.reported",
        _ => return None,
    })
}

async fn work_page(
    St(state): St<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(m): Query<MessageQuery>,
) -> WebResult<Response> {
    let w = readable(&state, &ctx, id).await?;
    let chapters = works::chapters(&state.db, id).await?;
    let user = ctx.principal.as_ref().map(|p| p.user_id.0);
    let kudos_given = match (user, view::device(&headers)) {
        (Some(u), _) => reader::has_kudos(&state.db, id, Giver::User(u)).await?,
        (None, Some(d)) => reader::has_kudos(&state.db, id, Giver::Device(&d)).await?,
        _ => false,
    };
    let bookmark = match user {
        Some(u) => reader::bookmark_of(&state.db, u, id).await?,
        None => None,
    };
    let continue_at = match user {
        Some(u) => reader::last_chapter(&state.db, u, id)
            .await?
            .filter(|n| chapters.iter().any(|c| c.position == *n)),
        None => None,
    };
    let manage_href = ctx.principal.as_ref().and_then(|p| {
        match crate::domain::access::role_on(p, &w.author_ids())? {
            crate::domain::workflow::Actor::Author => Some(format!("/cerita/tulis/{id}")),
            crate::domain::workflow::Actor::Librarian => Some(format!("/cerita/kelola/karya/{id}")),
        }
    });
    render(&WorkPage {
        manage_href,
        json_ld: view::json_ld(&super::base_url(&state), &w, &chapters),
        shell: Shell::new(&ctx),
        comments: reader::comments(&state.db, id, user).await?,
        w,
        chapters,
        kudos_given,
        bookmark,
        reasons: ReportReason::ALL,
        message: message_key(&m.pesan),
        continue_at,
    })
}

#[derive(Template)]
#[template(path = "stories_whole.html")]
struct WholePage {
    shell: Shell,
    w: Work,
    chapters: Vec<crate::store::works::Chapter>,
    size: TextSize,
    sizes: [TextSize; 4],
    here: String,
}

/// The whole work on one page, every chapter in order, for reading offline or printing.
async fn whole_work(
    St(state): St<AppState>,
    ctx: Ctx,
    Extension(reads): Extension<std::sync::Arc<ReadCounter>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let w = readable(&state, &ctx, id).await?;
    let chapters = works::all_chapters(&state.db, id).await?;
    if w.is_public() {
        reads.count(id);
        if let (Some(p), Some(last)) = (&ctx.principal, chapters.last()) {
            reader::progress(&state.db, p.user_id.0, id, last.position).await?;
        }
    }
    render(&WholePage {
        shell: Shell::new(&ctx),
        here: format!("/cerita/karya/{id}/baca"),
        w,
        chapters,
        size: view::text_size(&headers),
        sizes: TextSize::ALL,
    })
}

#[derive(Template)]
#[template(path = "stories_chapter.html")]
struct ChapterPage {
    shell: Shell,
    w: Work,
    c: Chapter,
    size: TextSize,
    sizes: [TextSize; 4],
    here: String,
}

async fn chapter_page(
    St(state): St<AppState>,
    ctx: Ctx,
    Extension(reads): Extension<std::sync::Arc<ReadCounter>>,
    headers: HeaderMap,
    Path((id, n)): Path<(i64, i64)>,
) -> WebResult<Response> {
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
    render(&ChapterPage {
        shell: Shell::new(&ctx),
        here: format!("/cerita/karya/{id}/bab/{n}"),
        w,
        c,
        size: view::text_size(&headers),
        sizes: TextSize::ALL,
    })
}

#[derive(serde::Deserialize)]
struct SizeQuery {
    s: String,
    #[serde(default)]
    next: String,
}

/// Sets the reading text size (a cookie) and goes back: works without JavaScript.
async fn set_size(St(state): St<AppState>, Query(q): Query<SizeQuery>) -> WebResult<Response> {
    let size =
        TextSize::parse(&q.s).ok_or_else(|| AppError::bad_request("stories.error.choice"))?;
    let next = anjungan_kernel::web::forms::safe_next(Some(&q.next));
    let next = if next.starts_with("/cerita") {
        next
    } else {
        "/cerita".into()
    };
    Ok((
        [(
            header::SET_COOKIE,
            anjungan_kernel::web::cookie(
                &state.config,
                view::SIZE_COOKIE,
                size.code(),
                "/cerita",
                31_536_000,
                false,
            ),
        )],
        Redirect::to(&next),
    )
        .into_response())
}

async fn published(state: &AppState, id: i64) -> Result<(Work, Vec<Chapter>), AppError> {
    let w = works::get(&state.db, id)
        .await?
        .filter(Work::is_public)
        .ok_or_else(AppError::not_found)?;
    let chapters = works::all_chapters(&state.db, id).await?;
    Ok((w, chapters))
}

fn download(bytes: Vec<u8>, mime: &str, name: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "public, max-age=300".to_string()),
        ],
        bytes,
    )
        .into_response()
}

fn file_stem(w: &Work) -> String {
    let s = crate::domain::work::slug_of(&w.title);
    if s.is_empty() {
        format!("cerita-{}", w.id)
    } else {
        s.chars().take(60).collect()
    }
}

async fn download_epub(St(state): St<AppState>, Path(id): Path<i64>) -> WebResult<Response> {
    let (w, chapters) = published(&state, id).await?;
    let book = view::export(&super::base_url(&state), &w, &chapters);
    let bytes = tokio::task::spawn_blocking(move || epub::build(&book))
        .await
        .map_err(|e| anjungan_kernel::Error::Internal(e.into()))?
        .map_err(anjungan_kernel::Error::Internal)?;
    Ok(download(
        bytes,
        "application/epub+zip",
        format!("{}.epub", file_stem(&w)),
    ))
}

async fn download_pdf(St(state): St<AppState>, Path(id): Path<i64>) -> WebResult<Response> {
    let (w, chapters) = published(&state, id).await?;
    let book = view::export(&super::base_url(&state), &w, &chapters);
    let bytes = tokio::task::spawn_blocking(move || crate::render::book_pdf::render(&book))
        .await
        .map_err(|e| anjungan_kernel::Error::Internal(e.into()))?
        .map_err(anjungan_kernel::Error::Internal)?;
    Ok(download(
        bytes,
        "application/pdf",
        format!("{}.pdf", file_stem(&w)),
    ))
}

fn back(id: i64, msg: &str) -> Response {
    Redirect::to(&format!("/cerita/karya/{id}?pesan={msg}#aksi")).into_response()
}

/// Kudos from an account, or from a guest's device (a cookie set now if missing).
async fn give_kudos(
    St(state): St<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    if let Some(p) = &ctx.principal {
        let new = crate::service::reader::kudos(&state.db, id, Giver::User(p.user_id.0)).await?;
        return Ok(back(id, if new { "kudos" } else { "kudos_lagi" }));
    }
    let (device, set) = match view::device(&headers) {
        Some(d) => (d, false),
        None => (view::new_device(), true),
    };
    let new = crate::service::reader::kudos(&state.db, id, Giver::Device(&device)).await?;
    let mut resp = back(id, if new { "kudos" } else { "kudos_lagi" });
    if set {
        resp.headers_mut().append(
            header::SET_COOKIE,
            anjungan_kernel::web::cookie(
                &state.config,
                view::DEVICE_COOKIE,
                &device,
                "/cerita",
                31_536_000,
                true,
            ),
        );
    }
    Ok(resp)
}

#[derive(serde::Deserialize)]
struct BookmarkForm {
    #[serde(default)]
    bab: String,
    #[serde(default)]
    catatan: String,
}

async fn save_bookmark(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<BookmarkForm>,
) -> WebResult<Response> {
    let p = ctx.signed_in()?;
    let position = f.bab.trim().parse::<i64>().unwrap_or(1);
    crate::service::reader::bookmark(&state.db, p.user_id.0, id, position, &f.catatan).await?;
    Ok(back(id, "penanda"))
}

async fn delete_bookmark(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let p = ctx.signed_in()?;
    reader::remove_bookmark(&state.db, p.user_id.0, id).await?;
    Ok(back(id, "penanda_hapus"))
}

#[derive(serde::Deserialize)]
struct CommentForm {
    #[serde(default)]
    isi: String,
}

async fn add_comment(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<CommentForm>,
) -> WebResult<Response> {
    let p = ctx.signed_in()?;
    crate::service::reader::comment(&state.db, &ctx.actor(), p.user_id.0, id, 0, &f.isi).await?;
    Ok(back(id, "komentar"))
}

#[derive(serde::Deserialize)]
struct ReportForm {
    #[serde(default)]
    alasan: String,
    #[serde(default)]
    rincian: String,
}

async fn add_report(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ReportForm>,
) -> WebResult<Response> {
    let reason = ReportReason::parse(&f.alasan)
        .ok_or_else(|| AppError::bad_request("stories.error.choice"))?;
    crate::service::reader::report(&state.db, &ctx.actor(), id, reason, &f.rincian).await?;
    Ok(back(id, "lapor"))
}

#[derive(Template)]
#[template(path = "stories_list.html")]
struct ListPage {
    shell: Shell,
    title: String,
    description: String,
    cards: Vec<Card>,
    feed: Option<String>,
    /// The collection a librarian may reorder here.
    curate: Option<i64>,
    /// On an author's page: following them.
    follow: Option<FollowBox>,
}

/// The follow button of an author's page: for a guest, the way to sign in first.
struct FollowBox {
    author_id: i64,
    signed_in: bool,
    following: bool,
    own: bool,
}

async fn collection_page(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> WebResult<Response> {
    let c = collections::by_slug(&state.db, &slug)
        .await?
        .ok_or_else(AppError::not_found)?;
    let works = collections::works(&state.db, c.id, false).await?;
    render(&ListPage {
        shell: Shell::new(&ctx),
        title: c.title,
        description: c.description,
        cards: view::cards(&state, works, &[]).await?,
        feed: None,
        curate: ctx
            .principal
            .as_ref()
            .is_some_and(crate::domain::access::is_librarian)
            .then_some(c.id),
        follow: None,
    })
}

async fn author_page(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let name = works::pen_name(&state.db, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let user = ctx.principal.as_ref().map(|p| p.user_id.0);
    let found = search::find(
        &state.db,
        "",
        &Filters {
            author: Some(id),
            ..Filters::default()
        },
        200,
        0,
    )
    .await?;
    render(&ListPage {
        shell: Shell::new(&ctx),
        description: ctx
            .tr()
            .f("stories.author_works", &[("n", &found.total.to_string())]),
        title: name,
        cards: view::cards(&state, found.works, &[]).await?,
        feed: None,
        curate: None,
        follow: Some(FollowBox {
            author_id: id,
            signed_in: user.is_some(),
            following: match user {
                Some(u) => reader::is_following(&state.db, u, id).await?,
                None => false,
            },
            own: user == Some(id),
        }),
    })
}

async fn follow(St(state): St<AppState>, ctx: Ctx, Path(id): Path<i64>) -> WebResult<Response> {
    let p = ctx.signed_in()?;
    crate::service::reader::follow(&state.db, p.user_id.0, id).await?;
    Ok(Redirect::to(&format!("/cerita/penulis/{id}")).into_response())
}

async fn unfollow(St(state): St<AppState>, ctx: Ctx, Path(id): Path<i64>) -> WebResult<Response> {
    let p = ctx.signed_in()?;
    crate::service::reader::unfollow(&state.db, p.user_id.0, id).await?;
    Ok(Redirect::to(&format!("/cerita/penulis/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "stories_shelf.html")]
struct ShelfPage {
    shell: Shell,
    bookmarks: Vec<Bookmark>,
    progress: Vec<reader::Progress>,
    followed: Vec<reader::Followed>,
}

async fn shelf(St(state): St<AppState>, ctx: Ctx) -> WebResult<Response> {
    let Some(p) = &ctx.principal else {
        return Ok(Redirect::to("/masuk?next=/cerita/rak").into_response());
    };
    let uid = p.user_id.0;
    render(&ShelfPage {
        followed: reader::followed(&state.db, uid).await?,
        bookmarks: reader::bookmarks(&state.db, uid).await?,
        progress: reader::progress_of(&state.db, uid).await?,
        shell: Shell::new(&ctx),
    })
}

async fn feed_of(state: &AppState, category: Option<Category>) -> WebResult<Response> {
    let base = super::base_url(state);
    let found = search::find(
        &state.db,
        "",
        &Filters {
            category,
            ..Filters::default()
        },
        30,
        0,
    )
    .await?;
    let dt = |ms: i64| {
        time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
    };
    let (path, title) = match category {
        Some(c) => (
            format!("/cerita/kategori/{}/feed.atom", c.code()),
            format!("Cilen — {}", category_label_id(c)),
        ),
        None => (
            "/cerita/feed.atom".to_string(),
            "Cilen — Cerita Online Trenggalek".to_string(),
        ),
    };
    let updated = found
        .works
        .iter()
        .map(|w| w.published_at.unwrap_or(w.updated_at))
        .max()
        .unwrap_or(0);
    let entries = found
        .works
        .iter()
        .map(|w| atom::Entry {
            id: view::work_url(&base, w.id),
            title: w.title.clone(),
            url: view::work_url(&base, w.id),
            published: dt(w.published_at.unwrap_or(w.created_at)),
            updated: dt(w.oai_at.unwrap_or(w.updated_at)),
            authors: w.authors.iter().map(|a| a.pen_name.clone()).collect(),
            summary: w.summary.clone(),
            categories: vec![(
                w.category.code().to_string(),
                category_label_id(w.category).to_string(),
            )],
            language: w.language.code().to_string(),
        })
        .collect();
    let xml = atom::render(&atom::Feed {
        id: format!("{base}{path}"),
        title,
        self_url: format!("{base}{path}"),
        alternate_url: match category {
            Some(c) => format!("{base}/cerita?kategori={}", c.code()),
            None => format!("{base}/cerita"),
        },
        updated: dt(updated),
        entries,
    });
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        xml,
    )
        .into_response())
}

async fn feed(St(state): St<AppState>) -> WebResult<Response> {
    feed_of(&state, None).await
}

async fn category_feed(St(state): St<AppState>, Path(code): Path<String>) -> WebResult<Response> {
    let c = Category::parse(&code).ok_or_else(AppError::not_found)?;
    feed_of(&state, Some(c)).await
}

//! Works, their chapters, pen names, credits and the editorial history: the SQL only. The use
//! cases that check the rules, audit and e-mail the authors are in `service::works` and
//! `service::workflow`.

use super::Result;
use crate::domain::StoryError;
use crate::domain::richtext::SafeHtml;
use crate::domain::work::{ArchiveRef, Category, Language, Rating, WorkInput};
use crate::domain::workflow::{Facts, State};
use anjungan_kernel::Db;
use anjungan_kernel::audit::Actor as AuditActor;
use anjungan_kernel::db::Conn;
use sqlx::Row;

/// An author as credited: the account and its pen name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = stories::Byline)]
pub struct Byline {
    pub user_id: i64,
    pub pen_name: String,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = stories::Work)]
pub struct Work {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub category: Category,
    pub language: Language,
    pub rating: Rating,
    pub complete: bool,
    pub tags: Vec<String>,
    pub authors: Vec<Byline>,
    pub credit: String,
    pub archive: Option<ArchiveRef>,
    /// SHA-256 of the cover image (served at `/berkas/{cover}`).
    pub cover: Option<String>,
    pub state: State,
    pub words: i64,
    pub chapters: i64,
    pub kudos: i64,
    pub reads: i64,
    /// The last librarian's note (return, takedown).
    pub note: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub published_at: Option<i64>,
    #[serde(skip)]
    pub oai_at: Option<i64>,
}

impl Work {
    pub fn author_ids(&self) -> Vec<i64> {
        self.authors.iter().map(|a| a.user_id).collect()
    }

    pub fn byline(&self) -> String {
        self.authors
            .iter()
            .map(|a| a.pen_name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn is_public(&self) -> bool {
        self.state == State::Published
    }

    pub fn facts(&self) -> Facts {
        Facts {
            state: self.state,
            chapters: self.chapters as usize,
        }
    }

    /// Reading time at 200 words a minute, at least one minute.
    pub fn minutes(&self) -> i64 {
        (self.words / 200).max(1)
    }
}

pub(crate) const COLUMNS: &str = "w.id, w.slug, w.title, w.summary, w.category, w.language, w.rating, w.complete, w.tags, w.byline, \
     w.credit, w.archive_code, w.archive_description, w.archive_institution, w.cover, w.state, w.words, w.chapters, w.kudos, \
     w.reads, w.note, w.created_at, w.updated_at, w.published_at, w.oai_at";

pub(crate) fn from_row(r: &sqlx::any::AnyRow) -> std::result::Result<Work, sqlx::Error> {
    let tags: String = r.try_get("tags")?;
    let code: String = r.try_get("archive_code")?;
    let cover: String = r.try_get("cover")?;
    Ok(Work {
        id: r.try_get("id")?,
        slug: r.try_get("slug")?,
        title: r.try_get("title")?,
        summary: r.try_get("summary")?,
        category: Category::parse(r.try_get("category")?).unwrap_or(Category::ShortStory),
        language: Language::parse(r.try_get("language")?).unwrap_or(Language::Indonesian),
        rating: Rating::parse(r.try_get("rating")?).unwrap_or(Rating::General),
        complete: r.try_get::<i64, _>("complete")? != 0,
        tags: tags
            .split('\n')
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect(),
        authors: anjungan_kernel::db::json_column(r, "byline")?,
        credit: r.try_get("credit")?,
        archive: if code.is_empty() {
            None
        } else {
            Some(ArchiveRef {
                code,
                description: r.try_get("archive_description")?,
                institution: r.try_get("archive_institution")?,
            })
        },
        cover: (!cover.is_empty()).then_some(cover),
        state: State::parse(r.try_get("state")?).unwrap_or(State::Draft),
        words: r.try_get("words")?,
        chapters: r.try_get("chapters")?,
        kudos: r.try_get("kudos")?,
        reads: r.try_get("reads")?,
        note: r.try_get("note")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        published_at: r.try_get("published_at")?,
        oai_at: r.try_get("oai_at")?,
    })
}

pub async fn get(db: &Db, id: i64) -> Result<Option<Work>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM story_works w WHERE w.id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

pub async fn by_slug(db: &Db, slug: &str) -> Result<Option<Work>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM story_works w WHERE w.slug = $1"
    )))
    .bind(slug)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

/// The works `user_id` is credited on, newest change first.
pub async fn mine(db: &Db, user_id: i64) -> Result<Vec<Work>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM story_works w JOIN story_work_authors a ON a.work_id = w.id \
         WHERE a.user_id = $1 ORDER BY w.updated_at DESC, w.id DESC"
    )))
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(from_row)
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// Works in the given states, oldest change first (the review queue).
pub async fn in_states(db: &Db, states: &[State], limit: i64) -> Result<Vec<Work>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM story_works w WHERE w.state IN ({}) ORDER BY w.updated_at, w.id LIMIT {limit}",
        super::placeholders(1, states.len())
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for s in states {
        q = q.bind(s.code());
    }
    Ok(q.fetch_all(&db.pool)
        .await?
        .iter()
        .map(from_row)
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

// ---- pen names ----

pub async fn pen_name(db: &Db, user_id: i64) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT pen_name FROM story_authors WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&db.pool)
            .await?,
    )
}

/// Sets an author's pen name, adding the author if they had none.
pub async fn upsert_pen_name(conn: &mut Conn, user_id: i64, name: &str, now: i64) -> Result<()> {
    let updated = sqlx::query("UPDATE story_authors SET pen_name = $1 WHERE user_id = $2")
        .bind(name)
        .bind(user_id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if updated == 0 {
        sqlx::query(
            "INSERT INTO story_authors (user_id, pen_name, created_at) VALUES ($1, $2, $3)",
        )
        .bind(user_id)
        .bind(name)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The ids of the works `user_id` is credited on.
pub async fn credited_on(conn: &mut Conn, user_id: i64) -> Result<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT work_id FROM story_work_authors WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(&mut *conn)
            .await?,
    )
}

/// Renews the work's stored byline from its credits and the authors' pen names.
pub async fn refresh_byline(conn: &mut Conn, work_id: i64) -> Result<()> {
    let rows = sqlx::query(
        "SELECT a.user_id, COALESCE(p.pen_name, u.name) AS pen_name FROM story_work_authors a \
         JOIN users u ON u.id = a.user_id LEFT JOIN story_authors p ON p.user_id = a.user_id \
         WHERE a.work_id = $1 ORDER BY a.position",
    )
    .bind(work_id)
    .fetch_all(&mut *conn)
    .await?;
    let byline: Vec<Byline> = rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok(Byline {
                user_id: r.try_get("user_id")?,
                pen_name: r.try_get("pen_name")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?;
    sqlx::query("UPDATE story_works SET byline = $1 WHERE id = $2")
        .bind(serde_json::to_string(&byline).unwrap_or_else(|_| "[]".into()))
        .bind(work_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

// ---- works ----

fn tags_text(tags: &[String]) -> String {
    tags.join("\n")
}

/// Replaces the work's tags in the tag index.
pub async fn write_tags(conn: &mut Conn, work_id: i64, tags: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM story_tags WHERE work_id = $1")
        .bind(work_id)
        .execute(&mut *conn)
        .await?;
    for t in tags {
        sqlx::query("INSERT INTO story_tags (work_id, tag) VALUES ($1, $2)")
            .bind(work_id)
            .bind(t)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Inserts a draft credited to `author` as its first author, with its tags; a slug already in
/// use is refused. Returns its id.
pub async fn insert(
    conn: &mut Conn,
    author: i64,
    w: &WorkInput,
    slug: &str,
    now: i64,
) -> Result<i64> {
    let archive = w.archive.clone().unwrap_or_default();
    let res = sqlx::query_scalar::<_, i64>(
        "INSERT INTO story_works (slug, title, summary, category, language, rating, complete, tags, credit, archive_code, \
         archive_description, archive_institution, cover, state, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'draft', $14, $15, $15) RETURNING id",
    )
    .bind(slug)
    .bind(&w.title)
    .bind(&w.summary)
    .bind(w.category.code())
    .bind(w.language.code())
    .bind(w.rating.code())
    .bind(w.complete as i64)
    .bind(tags_text(&w.tags))
    .bind(&w.credit)
    .bind(&archive.code)
    .bind(&archive.description)
    .bind(&archive.institution)
    .bind(w.cover.clone().unwrap_or_default())
    .bind(author)
    .bind(now)
    .fetch_one(&mut *conn)
    .await;
    let id = match res {
        Ok(id) => id,
        Err(e) if anjungan_kernel::db::is_unique_violation(&e) => {
            return Err(StoryError::SlugTaken.into());
        }
        Err(e) => return Err(e.into()),
    };
    sqlx::query("INSERT INTO story_work_authors (work_id, user_id, position) VALUES ($1, $2, 1)")
        .bind(id)
        .bind(author)
        .execute(&mut *conn)
        .await?;
    write_tags(conn, id, &w.tags).await?;
    Ok(id)
}

/// Writes a work's details (its tags in the index apart, see [`write_tags`]).
pub async fn update(conn: &mut Conn, id: i64, w: &WorkInput, now: i64) -> Result<()> {
    let archive = w.archive.clone().unwrap_or_default();
    sqlx::query(
        "UPDATE story_works SET title = $1, summary = $2, category = $3, language = $4, rating = $5, complete = $6, \
         tags = $7, credit = $8, archive_code = $9, archive_description = $10, archive_institution = $11, cover = $12, \
         updated_at = $13 WHERE id = $14",
    )
    .bind(&w.title)
    .bind(&w.summary)
    .bind(w.category.code())
    .bind(w.language.code())
    .bind(w.rating.code())
    .bind(w.complete as i64)
    .bind(tags_text(&w.tags))
    .bind(&w.credit)
    .bind(&archive.code)
    .bind(&archive.description)
    .bind(&archive.institution)
    .bind(w.cover.clone().unwrap_or_default())
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn delete(conn: &mut Conn, id: i64) -> Result<()> {
    sqlx::query("DELETE FROM story_works WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

// ---- chapters ----

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = stories::ChapterHead)]
pub struct ChapterHead {
    pub position: i64,
    pub title: String,
    pub words: i64,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = stories::Chapter)]
pub struct Chapter {
    pub position: i64,
    pub title: String,
    /// Sanitised HTML.
    #[schema(value_type = String)]
    #[serde(serialize_with = "html_str")]
    pub body: SafeHtml,
    pub words: i64,
    pub updated_at: i64,
}

fn html_str<S: serde::Serializer>(h: &SafeHtml, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(h.as_str())
}

pub async fn chapters(db: &Db, work_id: i64) -> Result<Vec<ChapterHead>> {
    let rows = sqlx::query(
        "SELECT position, title, words FROM story_chapters WHERE work_id = $1 ORDER BY position",
    )
    .bind(work_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok(ChapterHead {
                position: r.try_get("position")?,
                title: r.try_get("title")?,
                words: r.try_get("words")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

fn chapter_from(r: &sqlx::any::AnyRow) -> std::result::Result<Chapter, sqlx::Error> {
    Ok(Chapter {
        position: r.try_get("position")?,
        title: r.try_get("title")?,
        body: SafeHtml::stored(r.try_get::<String, _>("body")?),
        words: r.try_get("words")?,
        updated_at: r.try_get("updated_at")?,
    })
}

pub async fn chapter(db: &Db, work_id: i64, position: i64) -> Result<Option<Chapter>> {
    let row = sqlx::query(
        "SELECT position, title, body, words, updated_at FROM story_chapters WHERE work_id = $1 AND position = $2",
    )
    .bind(work_id)
    .bind(position)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.as_ref().map(chapter_from).transpose()?)
}

pub async fn all_chapters(db: &Db, work_id: i64) -> Result<Vec<Chapter>> {
    let rows = sqlx::query(
        "SELECT position, title, body, words, updated_at FROM story_chapters WHERE work_id = $1 ORDER BY position",
    )
    .bind(work_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(chapter_from)
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// Renews the work's chapter and word counts.
pub async fn recount(conn: &mut Conn, work_id: i64) -> Result<()> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(words), 0) AS BIGINT) AS w FROM story_chapters WHERE work_id = $1",
    )
    .bind(work_id)
    .fetch_one(&mut *conn)
    .await?;
    let n: i64 = row.try_get("n")?;
    let w: i64 = row.try_get::<i64, _>("w").unwrap_or(0);
    sqlx::query("UPDATE story_works SET chapters = $1, words = $2, updated_at = $3 WHERE id = $4")
        .bind(n)
        .bind(w)
        .bind(anjungan_kernel::clock::now_ms())
        .bind(work_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Rewrites chapter `position`; `false` if the work has no such chapter.
pub async fn update_chapter(
    conn: &mut Conn,
    work_id: i64,
    position: i64,
    title: &str,
    body: &SafeHtml,
    now: i64,
) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE story_chapters SET title = $1, body = $2, words = $3, updated_at = $4 WHERE work_id = $5 AND position = $6",
    )
    .bind(title)
    .bind(body.as_str())
    .bind(body.word_count() as i64)
    .bind(now)
    .bind(work_id)
    .bind(position)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(n > 0)
}

pub async fn insert_chapter(
    conn: &mut Conn,
    work_id: i64,
    position: i64,
    title: &str,
    body: &SafeHtml,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO story_chapters (work_id, position, title, body, words, updated_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(work_id)
    .bind(position)
    .bind(title)
    .bind(body.as_str())
    .bind(body.word_count() as i64)
    .bind(anjungan_kernel::clock::now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Removes a chapter and moves the later ones up; `false` if the work has no such chapter.
pub async fn delete_chapter(conn: &mut Conn, work_id: i64, position: i64) -> Result<bool> {
    let n = sqlx::query("DELETE FROM story_chapters WHERE work_id = $1 AND position = $2")
        .bind(work_id)
        .bind(position)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if n == 0 {
        return Ok(false);
    }
    // Two steps so the (work_id, position) key never collides midway.
    sqlx::query(
        "UPDATE story_chapters SET position = -position WHERE work_id = $1 AND position > $2",
    )
    .bind(work_id)
    .bind(position)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE story_chapters SET position = -position - 1 WHERE work_id = $1 AND position < 0",
    )
    .bind(work_id)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

/// Swaps chapter `position` with the one before it.
pub async fn swap_with_previous(conn: &mut Conn, work_id: i64, position: i64) -> Result<()> {
    for (from, to) in [(position, 0), (position - 1, position), (0, position - 1)] {
        sqlx::query("UPDATE story_chapters SET position = $1 WHERE work_id = $2 AND position = $3")
            .bind(to)
            .bind(work_id)
            .bind(from)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

// ---- workflow ----

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = stories::HistoryEntry)]
pub struct HistoryEntry {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub state: State,
    pub note: String,
}

/// Adds a step to the work's history (shown to its authors and librarians).
pub async fn history(
    conn: &mut Conn,
    work_id: i64,
    actor: &AuditActor,
    action: &str,
    state: State,
    note: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO story_history (work_id, at, actor_id, actor_name, action, state, note) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(work_id)
    .bind(anjungan_kernel::clock::now_ms())
    .bind(actor.user_id)
    .bind(&actor.label)
    .bind(action)
    .bind(state.code())
    .bind(note)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn history_of(db: &Db, work_id: i64) -> Result<Vec<HistoryEntry>> {
    let rows = sqlx::query(
        "SELECT at, actor_name, action, state, note FROM story_history WHERE work_id = $1 ORDER BY at, id",
    )
    .bind(work_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok(HistoryEntry {
                at: r.try_get("at")?,
                actor: r.try_get("actor_name")?,
                action: r.try_get("action")?,
                state: State::parse(r.try_get("state")?).unwrap_or(State::Draft),
                note: r.try_get("note")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// The work as it stands, read inside a writing transaction.
pub async fn get_in(conn: &mut Conn, id: i64) -> Result<Option<Work>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM story_works w WHERE w.id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

/// Moves a work to the state the workflow allowed, keeping `note` as its visible note; on
/// publishing it gets its first publication date, and every change of a published work
/// refreshes its OAI-PMH datestamp.
pub async fn set_state(
    conn: &mut Conn,
    work_id: i64,
    next: State,
    note: &str,
    now: anjungan_kernel::clock::Millis,
) -> Result<()> {
    sqlx::query(
        "UPDATE story_works SET state = $1, note = $2, updated_at = $3, \
         published_at = CASE WHEN $4 = 1 THEN COALESCE(published_at, $3) ELSE published_at END, \
         oai_at = CASE WHEN $4 = 1 OR published_at IS NOT NULL THEN $3 ELSE oai_at END WHERE id = $5",
    )
    .bind(next.code())
    .bind(note)
    .bind(now)
    .bind((next == State::Published) as i64)
    .bind(work_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The e-mail address of each credited author who has one: (pen name, e-mail).
pub async fn author_emails(conn: &mut Conn, authors: &[Byline]) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for a in authors {
        let email: Option<String> = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
            .bind(a.user_id)
            .fetch_optional(&mut *conn)
            .await?
            .flatten();
        if let Some(email) = email {
            out.push((a.pen_name.clone(), email));
        }
    }
    Ok(out)
}

/// The active account with a pen name that has this e-mail address: (id, pen name).
pub async fn author_by_email(conn: &mut Conn, email: &str) -> Result<Option<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT u.id, p.pen_name FROM users u JOIN story_authors p ON p.user_id = u.id \
         WHERE u.email = $1 AND u.active = 1",
    )
    .bind(email)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Credits `user_id` on the work after its current authors.
pub async fn append_author(conn: &mut Conn, work_id: i64, user_id: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO story_work_authors (work_id, user_id, position) \
         SELECT $1, $2, COALESCE(MAX(position), 0) + 1 FROM story_work_authors WHERE work_id = $1",
    )
    .bind(work_id)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn remove_author(conn: &mut Conn, work_id: i64, user_id: i64) -> Result<()> {
    sqlx::query("DELETE FROM story_work_authors WHERE work_id = $1 AND user_id = $2")
        .bind(work_id)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Sets the cover image (an uploaded image's SHA-256).
pub async fn set_cover(conn: &mut Conn, id: i64, sha: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE story_works SET cover = $1, updated_at = $2 WHERE id = $3")
        .bind(sha)
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

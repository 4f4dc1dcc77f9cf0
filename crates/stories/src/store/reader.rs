//! The reader's side: kudos (once per account or device), private bookmarks with notes, reading
//! progress, comments held for moderation, and reports of a work — the SQL only; the use cases
//! that check the rules and audit are in `service::reader`.

use super::Result;
use crate::domain::work::ReportReason;
use anjungan_kernel::Db;
use anjungan_kernel::db::Conn;
use sqlx::Row;

/// Who gives kudos: an account, or a guest's device (its cookie, hashed).
pub enum Giver<'a> {
    User(i64),
    Device(&'a str),
}

impl Giver<'_> {
    fn key(&self) -> String {
        match self {
            Giver::User(id) => format!("u:{id}"),
            Giver::Device(d) => {
                use sha2::Digest;
                format!("d:{}", hex::encode(sha2::Sha256::digest(d.as_bytes())))
            }
        }
    }
}

/// The work's state code, if the work exists.
pub async fn state_of(db: &Db, work_id: i64) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT state FROM story_works WHERE id = $1")
            .bind(work_id)
            .fetch_optional(&db.pool)
            .await?,
    )
}

/// Records the giver's kudos and counts it on the work; `false` when this giver already had
/// (nothing changes).
pub async fn add_kudos(conn: &mut Conn, work_id: i64, giver: &Giver<'_>, now: i64) -> Result<bool> {
    let res = sqlx::query("INSERT INTO story_kudos (work_id, giver, at) VALUES ($1, $2, $3)")
        .bind(work_id)
        .bind(giver.key())
        .bind(now)
        .execute(&mut *conn)
        .await;
    match res {
        Ok(_) => {}
        Err(e) if anjungan_kernel::db::is_unique_violation(&e) => return Ok(false),
        Err(e) => return Err(e.into()),
    }
    sqlx::query("UPDATE story_works SET kudos = kudos + 1 WHERE id = $1")
        .bind(work_id)
        .execute(&mut *conn)
        .await?;
    Ok(true)
}

pub async fn has_kudos(db: &Db, work_id: i64, giver: Giver<'_>) -> Result<bool> {
    Ok(sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM story_kudos WHERE work_id = $1 AND giver = $2",
    )
    .bind(work_id)
    .bind(giver.key())
    .fetch_one(&db.pool)
    .await?
        > 0)
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = stories::Bookmark)]
pub struct Bookmark {
    pub work_id: i64,
    pub title: String,
    pub byline: String,
    /// The chapter the reader marked.
    pub position: i64,
    pub note: String,
    pub at: i64,
}

/// How many chapters the work has.
pub async fn chapters_of(db: &Db, work_id: i64) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT chapters FROM story_works WHERE id = $1")
            .bind(work_id)
            .fetch_one(&db.pool)
            .await?,
    )
}

/// Adds or replaces the reader's bookmark of a work.
pub async fn upsert_bookmark(
    db: &Db,
    user_id: i64,
    work_id: i64,
    position: i64,
    note: &str,
    now: i64,
) -> Result<()> {
    // One statement: two saves of the same bookmark at once both succeed, the later one wins.
    sqlx::query(
        "INSERT INTO story_bookmarks (user_id, work_id, position, note, at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (user_id, work_id) DO UPDATE SET position = excluded.position, note = excluded.note, at = excluded.at",
    )
    .bind(user_id)
    .bind(work_id)
    .bind(position)
    .bind(note)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub async fn remove_bookmark(db: &Db, user_id: i64, work_id: i64) -> Result<bool> {
    Ok(
        sqlx::query("DELETE FROM story_bookmarks WHERE user_id = $1 AND work_id = $2")
            .bind(user_id)
            .bind(work_id)
            .execute(&db.pool)
            .await?
            .rows_affected()
            > 0,
    )
}

pub async fn bookmarks(db: &Db, user_id: i64) -> Result<Vec<Bookmark>> {
    let rows = sqlx::query(
        "SELECT b.work_id, w.title, w.byline, b.position, b.note, b.at FROM story_bookmarks b \
         JOIN story_works w ON w.id = b.work_id WHERE b.user_id = $1 ORDER BY b.at DESC",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok(Bookmark {
                work_id: r.try_get("work_id")?,
                title: r.try_get("title")?,
                byline: byline_text(r.try_get("byline")?),
                position: r.try_get("position")?,
                note: r.try_get("note")?,
                at: r.try_get("at")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

pub async fn bookmark_of(db: &Db, user_id: i64, work_id: i64) -> Result<Option<Bookmark>> {
    Ok(bookmarks(db, user_id)
        .await?
        .into_iter()
        .find(|b| b.work_id == work_id))
}

fn byline_text(json: &str) -> String {
    serde_json::from_str::<Vec<super::works::Byline>>(json)
        .unwrap_or_default()
        .iter()
        .map(|b| b.pen_name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Remembers the chapter a signed-in reader opened last, where "continue reading" goes.
pub async fn progress(db: &Db, user_id: i64, work_id: i64, position: i64) -> Result<()> {
    let now = anjungan_kernel::clock::now_ms();
    let updated = sqlx::query(
        "UPDATE story_progress SET position = $1, at = $2 WHERE user_id = $3 AND work_id = $4",
    )
    .bind(position)
    .bind(now)
    .bind(user_id)
    .bind(work_id)
    .execute(&db.pool)
    .await?
    .rows_affected();
    if updated == 0 {
        let res = sqlx::query(
            "INSERT INTO story_progress (user_id, work_id, position, at) VALUES ($1, $2, $3, $4)",
        )
        .bind(user_id)
        .bind(work_id)
        .bind(position)
        .bind(now)
        .execute(&db.pool)
        .await;
        match res {
            Ok(_) => {}
            Err(e) if anjungan_kernel::db::is_unique_violation(&e) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = stories::Progress)]
pub struct Progress {
    pub work_id: i64,
    pub title: String,
    pub position: i64,
    pub chapters: i64,
    pub at: i64,
}

/// The chapter the reader opened last in this work, if any.
pub async fn last_chapter(db: &Db, user_id: i64, work_id: i64) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT position FROM story_progress WHERE user_id = $1 AND work_id = $2",
    )
    .bind(user_id)
    .bind(work_id)
    .fetch_optional(&db.pool)
    .await?)
}

// ---- following authors ----

/// Follows an author; `false` when already following.
pub async fn follow(conn: &mut Conn, user_id: i64, author_id: i64, now: i64) -> Result<bool> {
    let res = sqlx::query("INSERT INTO story_follows (user_id, author_id, at) VALUES ($1, $2, $3)")
        .bind(user_id)
        .bind(author_id)
        .bind(now)
        .execute(&mut *conn)
        .await;
    match res {
        Ok(_) => Ok(true),
        Err(e) if anjungan_kernel::db::is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Stops following; `false` when not following.
pub async fn unfollow(conn: &mut Conn, user_id: i64, author_id: i64) -> Result<bool> {
    Ok(
        sqlx::query("DELETE FROM story_follows WHERE user_id = $1 AND author_id = $2")
            .bind(user_id)
            .bind(author_id)
            .execute(&mut *conn)
            .await?
            .rows_affected()
            > 0,
    )
}

pub async fn is_following(db: &Db, user_id: i64, author_id: i64) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM story_follows WHERE user_id = $1 AND author_id = $2",
    )
    .bind(user_id)
    .bind(author_id)
    .fetch_one(&db.pool)
    .await?;
    Ok(n > 0)
}

/// An author the reader follows, with their newest published work.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = stories::Followed)]
pub struct Followed {
    pub author_id: i64,
    pub pen_name: String,
    pub works: i64,
    pub latest_id: Option<i64>,
    pub latest_title: Option<String>,
}

pub async fn followed(db: &Db, user_id: i64) -> Result<Vec<Followed>> {
    let rows = sqlx::query(
        "SELECT f.author_id, a.pen_name, \
         (SELECT COUNT(*) FROM story_work_authors wa JOIN story_works w ON w.id = wa.work_id \
          WHERE wa.user_id = f.author_id AND w.state = 'published') AS works, \
         (SELECT w.id FROM story_work_authors wa JOIN story_works w ON w.id = wa.work_id \
          WHERE wa.user_id = f.author_id AND w.state = 'published' ORDER BY w.published_at DESC, w.id DESC LIMIT 1) AS latest_id \
         FROM story_follows f JOIN story_authors a ON a.user_id = f.author_id \
         WHERE f.user_id = $1 ORDER BY a.pen_name",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let latest_id: Option<i64> = r.try_get("latest_id")?;
        let latest_title = match latest_id {
            Some(id) => {
                sqlx::query_scalar("SELECT title FROM story_works WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&db.pool)
                    .await?
            }
            None => None,
        };
        out.push(Followed {
            author_id: r.try_get("author_id")?,
            pen_name: r.try_get("pen_name")?,
            works: r.try_get("works")?,
            latest_id,
            latest_title,
        });
    }
    Ok(out)
}

/// The e-mail addresses of active readers who follow any of `authors`, each once, leaving out
/// the authors themselves.
pub async fn follower_emails(conn: &mut Conn, authors: &[i64]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for author in authors {
        let emails: Vec<(i64, Option<String>)> = sqlx::query_as(
            "SELECT u.id, u.email FROM story_follows f JOIN users u ON u.id = f.user_id \
             WHERE f.author_id = $1 AND u.active = 1",
        )
        .bind(author)
        .fetch_all(&mut *conn)
        .await?;
        for (user, email) in emails {
            if let Some(email) = email
                && !authors.contains(&user)
                && !out.contains(&email)
            {
                out.push(email);
            }
        }
    }
    Ok(out)
}

pub async fn progress_of(db: &Db, user_id: i64) -> Result<Vec<Progress>> {
    let rows = sqlx::query(
        "SELECT p.work_id, w.title, p.position, w.chapters, p.at FROM story_progress p \
         JOIN story_works w ON w.id = p.work_id WHERE p.user_id = $1 AND w.state = 'published' ORDER BY p.at DESC LIMIT 50",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok(Progress {
                work_id: r.try_get("work_id")?,
                title: r.try_get("title")?,
                position: r.try_get("position")?,
                chapters: r.try_get("chapters")?,
                at: r.try_get("at")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

// ---- comments ----

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = stories::Comment)]
pub struct Comment {
    pub id: i64,
    pub work_id: i64,
    pub work_title: String,
    pub position: i64,
    pub author: String,
    pub body: String,
    pub state: String,
    pub at: i64,
}

/// A reader's comment, held for a librarian; returns its id.
pub async fn insert_comment(
    conn: &mut Conn,
    work_id: i64,
    position: i64,
    user_id: i64,
    author_name: &str,
    body: &str,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO story_comments (work_id, position, user_id, author_name, body, state, at) \
         VALUES ($1, $2, $3, $4, $5, 'held', $6) RETURNING id",
    )
    .bind(work_id)
    .bind(position)
    .bind(user_id)
    .bind(author_name)
    .bind(body)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?)
}

const COMMENT_COLUMNS: &str =
    "c.id, c.work_id, w.title AS work_title, c.position, c.author_name, c.body, c.state, c.at";

fn comment_from(r: &sqlx::any::AnyRow) -> std::result::Result<Comment, sqlx::Error> {
    Ok(Comment {
        id: r.try_get("id")?,
        work_id: r.try_get("work_id")?,
        work_title: r.try_get("work_title")?,
        position: r.try_get("position")?,
        author: r.try_get("author_name")?,
        body: r.try_get("body")?,
        state: r.try_get("state")?,
        at: r.try_get("at")?,
    })
}

/// Approved comments of a work, plus the viewer's own held ones.
pub async fn comments(db: &Db, work_id: i64, viewer: Option<i64>) -> Result<Vec<Comment>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COMMENT_COLUMNS} FROM story_comments c JOIN story_works w ON w.id = c.work_id \
         WHERE c.work_id = $1 AND (c.state = 'approved' OR (c.state = 'held' AND c.user_id = $2)) ORDER BY c.at, c.id"
    )))
    .bind(work_id)
    .bind(viewer.unwrap_or(0))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(comment_from)
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

pub async fn held_comments(db: &Db, limit: i64) -> Result<Vec<Comment>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COMMENT_COLUMNS} FROM story_comments c JOIN story_works w ON w.id = c.work_id \
         WHERE c.state = 'held' ORDER BY c.at, c.id LIMIT {limit}"
    )))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(comment_from)
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// Approves or rejects a held comment; `false` if no held comment has this id.
pub async fn decide_comment(
    conn: &mut Conn,
    id: i64,
    approve: bool,
    by: Option<i64>,
    now: i64,
) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE story_comments SET state = $1, decided_by = $2, decided_at = $3 WHERE id = $4 AND state = 'held'",
    )
    .bind(if approve { "approved" } else { "rejected" })
    .bind(by)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(n > 0)
}

// ---- reports ----

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = stories::Report)]
pub struct Report {
    pub id: i64,
    pub work_id: i64,
    pub work_title: String,
    pub reason: ReportReason,
    pub details: String,
    pub at: i64,
}

/// A reader's report of a work; returns its id.
pub async fn insert_report(
    conn: &mut Conn,
    work_id: i64,
    reason: ReportReason,
    details: &str,
    reporter: &str,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO story_reports (work_id, reason, details, reporter, at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(work_id)
    .bind(reason.code())
    .bind(details)
    .bind(reporter)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?)
}

pub async fn open_reports(db: &Db, limit: i64) -> Result<Vec<Report>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT r.id, r.work_id, w.title, r.reason, r.details, r.at FROM story_reports r \
         JOIN story_works w ON w.id = r.work_id WHERE r.resolved_at IS NULL ORDER BY r.at, r.id LIMIT {limit}"
    )))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok(Report {
                id: r.try_get("id")?,
                work_id: r.try_get("work_id")?,
                work_title: r.try_get("title")?,
                reason: ReportReason::parse(r.try_get("reason")?).unwrap_or(ReportReason::Other),
                details: r.try_get("details")?,
                at: r.try_get("at")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// Closes an open report with what was done; `false` if no open report has this id.
pub async fn resolve_report(
    conn: &mut Conn,
    id: i64,
    by: Option<i64>,
    resolution: &str,
    now: i64,
) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE story_reports SET resolved_by = $1, resolved_at = $2, resolution = $3 WHERE id = $4 AND resolved_at IS NULL",
    )
    .bind(by)
    .bind(now)
    .bind(resolution)
    .bind(id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(n > 0)
}

//! The search index of published works, one per backend with the same algorithm: SQLite FTS5
//! holds text stemmed here with Snowball Indonesian; PostgreSQL indexes with its own
//! `indonesian` configuration (the same Snowball stemmer). Browsing and filtering share one
//! filter builder.

use super::works::{COLUMNS, Work, from_row};
use super::{Bind, Result, bind_all};
use crate::domain::richtext::SafeHtml;
use crate::domain::search as terms;
use crate::domain::{Category, Language};
use anjungan_kernel::Db;
use anjungan_kernel::db::{Backend, Conn};
use sqlx::Row;

/// Puts a work (title, summary and tags, all chapters) into the index, replacing what was there.
pub async fn index(db: &Db, conn: &mut Conn, work_id: i64) -> Result<()> {
    let row = sqlx::query("SELECT title, summary, tags, byline FROM story_works WHERE id = $1")
        .bind(work_id)
        .fetch_one(&mut *conn)
        .await?;
    let title: String = row.try_get("title")?;
    let summary = format!(
        "{} {}",
        row.try_get::<String, _>("summary")?,
        row.try_get::<String, _>("tags")?.replace('\n', " ")
    );
    let bodies: Vec<String> =
        sqlx::query_scalar("SELECT body FROM story_chapters WHERE work_id = $1 ORDER BY position")
            .bind(work_id)
            .fetch_all(&mut *conn)
            .await?;
    let body = bodies
        .iter()
        .map(|b| SafeHtml::stored(b.clone()).plain_text())
        .collect::<Vec<_>>()
        .join("\n\n");
    unindex(db, conn, work_id).await?;
    match db.backend {
        Backend::Sqlite => {
            sqlx::query(
                "INSERT INTO story_fts (rowid, title, summary, body) VALUES ($1, $2, $3, $4)",
            )
            .bind(work_id)
            .bind(terms::stemmed_text(&title))
            .bind(terms::stemmed_text(&summary))
            .bind(terms::stemmed_text(&body))
            .execute(&mut *conn)
            .await?;
        }
        Backend::Postgres => {
            sqlx::query(
                "INSERT INTO story_search (work_id, doc) VALUES ($1, \
                 setweight(to_tsvector('indonesian', $2), 'A') || setweight(to_tsvector('indonesian', $3), 'B') || \
                 setweight(to_tsvector('indonesian', $4), 'C'))",
            )
            .bind(work_id)
            .bind(&title)
            .bind(&summary)
            .bind(&body)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

pub async fn unindex(db: &Db, conn: &mut Conn, work_id: i64) -> Result<()> {
    let sql = match db.backend {
        Backend::Sqlite => "DELETE FROM story_fts WHERE rowid = $1",
        Backend::Postgres => "DELETE FROM story_search WHERE work_id = $1",
    };
    sqlx::query(sql).bind(work_id).execute(&mut *conn).await?;
    Ok(())
}

/// What the reader narrows the list by.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct Filters {
    pub category: Option<Category>,
    pub language: Option<Language>,
    pub tag: Option<String>,
    /// The author's account id.
    pub author: Option<i64>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        self.category.is_none()
            && self.language.is_none()
            && self.tag.as_deref().is_none_or(|t| t.trim().is_empty())
            && self.author.is_none()
    }
}

/// `AND …` clauses for the filters, with their binds numbered from `$from`.
fn filter_sql(f: &Filters, from: usize, binds: &mut Vec<Bind>) -> String {
    let mut sql = String::from(" AND w.state = 'published'");
    let mut n = from;
    let mut next = |b: Bind, binds: &mut Vec<Bind>| {
        binds.push(b);
        n += 1;
        n - 1
    };
    if let Some(c) = f.category {
        let i = next(Bind::Text(c.code().into()), binds);
        sql.push_str(&format!(" AND w.category = ${i}"));
    }
    if let Some(l) = f.language {
        let i = next(Bind::Text(l.code().into()), binds);
        sql.push_str(&format!(" AND w.language = ${i}"));
    }
    if let Some(t) = f.tag.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let i = next(Bind::Text(t.to_lowercase()), binds);
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM story_tags t WHERE t.work_id = w.id AND t.tag = ${i})"
        ));
    }
    if let Some(a) = f.author {
        let i = next(Bind::Int(a), binds);
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM story_work_authors a WHERE a.work_id = w.id AND a.user_id = ${i})"
        ));
    }
    sql
}

/// A page of results and how many there are in all.
pub struct Page {
    pub works: Vec<Work>,
    pub total: i64,
    /// The query's stems, for snippets.
    pub terms: Vec<String>,
}

/// Published works matching `query` (ranked) or, with an empty query, the newest; filtered.
pub async fn find(db: &Db, query: &str, f: &Filters, limit: i64, offset: i64) -> Result<Page> {
    let stems = terms::query_terms(query);
    let mut binds = Vec::new();
    let (rows, total) = if stems.is_empty() {
        let cond = filter_sql(f, 1, &mut binds);
        let sql = format!(
            "SELECT {COLUMNS} FROM story_works w WHERE 1 = 1{cond} ORDER BY w.published_at DESC, w.id DESC LIMIT {limit} OFFSET {offset}"
        );
        let rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), &binds)
            .fetch_all(&db.pool)
            .await?;
        let count = format!("SELECT COUNT(*) AS n FROM story_works w WHERE 1 = 1{cond}");
        let total: i64 = bind_all(sqlx::query(sqlx::AssertSqlSafe(count)), &binds)
            .fetch_one(&db.pool)
            .await?
            .get("n");
        (rows, total)
    } else if db.backend == Backend::Sqlite {
        sqlite_ranked(db, &stems, f, limit, offset).await?
    } else if f.is_empty() {
        // The index holds only published works: without filters, rank and count inside it and
        // join just the page.
        let (inner, count, order, arg) = match db.backend {
            Backend::Sqlite => (
                format!(
                    "SELECT rowid AS id, rank FROM story_fts WHERE story_fts MATCH $1 ORDER BY rank LIMIT {limit} OFFSET {offset}"
                ),
                "SELECT COUNT(*) AS n FROM story_fts WHERE story_fts MATCH $1",
                "f.rank, w.id",
                terms::fts5_match(&stems).unwrap_or_default(),
            ),
            Backend::Postgres => (
                format!(
                    "SELECT s.work_id AS id, ts_rank(s.doc, q) AS rank FROM story_search s, plainto_tsquery('indonesian', $1) q \
                 WHERE s.doc @@ q ORDER BY rank DESC, s.work_id LIMIT {limit} OFFSET {offset}"
                ),
                "SELECT COUNT(*) AS n FROM story_search s, plainto_tsquery('indonesian', $1) q WHERE s.doc @@ q",
                "f.rank DESC, w.id",
                pg_words(query),
            ),
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM ({inner}) f JOIN story_works w ON w.id = f.id WHERE w.state = 'published' ORDER BY {order}"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&arg)
            .fetch_all(&db.pool)
            .await?;
        let total: i64 = sqlx::query(count)
            .bind(&arg)
            .fetch_one(&db.pool)
            .await?
            .get("n");
        (rows, total)
    } else {
        let (matched, order, arg) = match db.backend {
            Backend::Sqlite => (
                "(SELECT rowid AS id, rank FROM story_fts WHERE story_fts MATCH $1) f JOIN story_works w ON w.id = f.id",
                "f.rank, w.id",
                terms::fts5_match(&stems).unwrap_or_default(),
            ),
            Backend::Postgres => (
                "(SELECT s.work_id AS id, ts_rank(s.doc, q) AS rank FROM story_search s, plainto_tsquery('indonesian', $1) q \
                 WHERE s.doc @@ q) f JOIN story_works w ON w.id = f.id",
                "f.rank DESC, w.id",
                pg_words(query),
            ),
        };
        binds.push(Bind::Text(arg));
        let cond = filter_sql(f, 2, &mut binds);
        let sql = format!(
            "SELECT {COLUMNS} FROM {matched} WHERE 1 = 1{cond} ORDER BY {order} LIMIT {limit} OFFSET {offset}"
        );
        let rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), &binds)
            .fetch_all(&db.pool)
            .await?;
        let count = format!("SELECT COUNT(*) AS n FROM {matched} WHERE 1 = 1{cond}");
        let total: i64 = bind_all(sqlx::query(sqlx::AssertSqlSafe(count)), &binds)
            .fetch_one(&db.pool)
            .await?
            .get("n");
        (rows, total)
    };
    Ok(Page {
        works: rows
            .iter()
            .map(from_row)
            .collect::<std::result::Result<Vec<_>, _>>()?,
        total,
        terms: stems,
    })
}

/// FTS5 ranks every match with bm25, which costs about the number of matches; a common word
/// matches tens of thousands of works. So the ranking runs in two tiers: works with every term
/// in the title or summary first (few, and the most relevant: those columns weigh 10 and 4
/// against the chapters' 1), then the rest, each tier by bm25. A first page of a broad query
/// ranks only the first tier.
async fn sqlite_ranked(
    db: &Db,
    stems: &[String],
    f: &Filters,
    limit: i64,
    offset: i64,
) -> Result<(Vec<sqlx::any::AnyRow>, i64)> {
    let all = terms::fts5_match(stems).unwrap_or_default();
    let head = format!("{{title summary}} : ({all})");
    let tail = format!("({all}) NOT ({head})");
    let mut binds = vec![Bind::Text(String::new())];
    let cond = if f.is_empty() {
        String::new()
    } else {
        filter_sql(f, 2, &mut binds)
    };
    // The same filter binds after each tier's MATCH expression.
    let count = |expr: String| {
        let mut b = vec![Bind::Text(expr)];
        b.extend(binds.iter().skip(1).cloned());
        b
    };
    let count_sql = if cond.is_empty() {
        "SELECT COUNT(*) AS n FROM story_fts WHERE story_fts MATCH $1".to_string()
    } else {
        format!(
            "SELECT COUNT(*) AS n FROM story_fts f JOIN story_works w ON w.id = f.rowid WHERE story_fts MATCH $1{cond}"
        )
    };
    let head_binds = count(head.clone());
    let in_head: i64 = bind_all(
        sqlx::query(sqlx::AssertSqlSafe(count_sql.clone())),
        &head_binds,
    )
    .fetch_one(&db.pool)
    .await?
    .get("n");
    let all_binds = count(all);
    let total: i64 = bind_all(sqlx::query(sqlx::AssertSqlSafe(count_sql)), &all_binds)
        .fetch_one(&db.pool)
        .await?
        .get("n");
    let page = |expr: String, limit: i64, offset: i64| {
        let sql = if cond.is_empty() {
            format!(
                "SELECT {COLUMNS} FROM (SELECT rowid AS id, rank FROM story_fts WHERE story_fts MATCH $1 ORDER BY rank LIMIT {limit} OFFSET {offset}) f \
                 JOIN story_works w ON w.id = f.id ORDER BY f.rank, w.id"
            )
        } else {
            format!(
                "SELECT {COLUMNS} FROM story_fts f JOIN story_works w ON w.id = f.rowid WHERE story_fts MATCH $1{cond} \
                 ORDER BY f.rank, w.id LIMIT {limit} OFFSET {offset}"
            )
        };
        (sql, count(expr))
    };
    let mut rows = Vec::new();
    if offset < in_head {
        let (sql, b) = page(head, limit, offset);
        rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), &b)
            .fetch_all(&db.pool)
            .await?;
    }
    let missing = limit - rows.len() as i64;
    if missing > 0 && in_head < total {
        let (sql, b) = page(tail, missing, (offset - in_head).max(0));
        rows.extend(
            bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), &b)
                .fetch_all(&db.pool)
                .await?,
        );
    }
    Ok((rows, total))
}

/// The words of the query PostgreSQL stems itself: the same words, at most eight distinct stems,
/// as [`terms::query_terms`] keeps on the embedded side.
fn pg_words(query: &str) -> String {
    let mut seen = Vec::new();
    let mut kept = Vec::new();
    for w in terms::words(query) {
        let s = terms::stem(&w);
        if s.is_empty() || seen.contains(&s) {
            continue;
        }
        if seen.len() == 8 {
            break;
        }
        seen.push(s);
        kept.push(w);
    }
    kept.join(" ")
}

/// The text a snippet is cut from: the summary, else the first chapter that contains a term.
pub async fn snippet_source(db: &Db, w: &Work, stems: &[String]) -> Result<String> {
    let hit = |text: &str| {
        terms::words(text)
            .iter()
            .any(|word| stems.contains(&terms::stem(word)))
    };
    if hit(&w.summary) || hit(&w.title) {
        return Ok(w.summary.clone());
    }
    let bodies: Vec<String> =
        sqlx::query_scalar("SELECT body FROM story_chapters WHERE work_id = $1 ORDER BY position")
            .bind(w.id)
            .fetch_all(&db.pool)
            .await?;
    for b in &bodies {
        let text = SafeHtml::stored(b.clone()).plain_text();
        if hit(&text) {
            return Ok(text);
        }
    }
    Ok(w.summary.clone())
}

/// Tags most used on the 2,000 newest published works, most used first (bounded work on the
/// landing page however large the library grows).
pub async fn popular_tags(db: &Db, limit: i64) -> Result<Vec<(String, i64)>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT t.tag, COUNT(*) AS n FROM story_tags t WHERE t.work_id IN \
         (SELECT id FROM story_works WHERE state = 'published' ORDER BY published_at DESC LIMIT 2000) \
         GROUP BY t.tag ORDER BY n DESC, t.tag LIMIT {limit}"
    )))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok((r.try_get("tag")?, r.try_get("n")?))
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

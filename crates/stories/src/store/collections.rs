//! Collections curated by librarians ("Legenda Trenggalek"): an ordered list of published works.
//! The SQL only; the librarian's use cases are in `service::collections`.

use super::Result;
use super::works::{COLUMNS, Work, from_row};
use crate::domain::StoryError;
use anjungan_kernel::Db;
use anjungan_kernel::db::Conn;
use sqlx::Row;

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = stories::Collection)]
pub struct Collection {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub works: i64,
}

pub async fn list(db: &Db) -> Result<Vec<Collection>> {
    let rows = sqlx::query(
        "SELECT c.id, c.slug, c.title, c.description, \
         (SELECT COUNT(*) FROM story_collection_works cw JOIN story_works w ON w.id = cw.work_id \
          WHERE cw.collection_id = c.id AND w.state = 'published') AS n \
         FROM story_collections c ORDER BY c.title",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok(Collection {
                id: r.try_get("id")?,
                slug: r.try_get("slug")?,
                title: r.try_get("title")?,
                description: r.try_get("description")?,
                works: r.try_get("n")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

pub async fn by_slug(db: &Db, slug: &str) -> Result<Option<Collection>> {
    Ok(list(db).await?.into_iter().find(|c| c.slug == slug))
}

/// The collection's works in order; only published ones unless `all`.
pub async fn works(db: &Db, collection_id: i64, all: bool) -> Result<Vec<Work>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM story_collection_works cw JOIN story_works w ON w.id = cw.work_id \
         WHERE cw.collection_id = $1 AND ($2 = 1 OR w.state = 'published') ORDER BY cw.position, w.id"
    )))
    .bind(collection_id)
    .bind(all as i64)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(from_row)
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// Inserts a collection; a slug already in use is refused. Returns its id.
pub async fn insert(
    conn: &mut Conn,
    slug: &str,
    title: &str,
    description: &str,
    by: i64,
    now: i64,
) -> Result<i64> {
    let res = sqlx::query_scalar::<_, i64>(
        "INSERT INTO story_collections (slug, title, description, created_by, updated_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(slug)
    .bind(title)
    .bind(description)
    .bind(by)
    .bind(now)
    .fetch_one(&mut *conn)
    .await;
    match res {
        Ok(id) => Ok(id),
        Err(e) if anjungan_kernel::db::is_unique_violation(&e) => Err(StoryError::SlugTaken.into()),
        Err(e) => Err(e.into()),
    }
}

/// The work's state code, if the work exists, read inside a writing transaction.
pub async fn work_state(conn: &mut Conn, work_id: i64) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT state FROM story_works WHERE id = $1")
            .bind(work_id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// Adds the work at the end of the collection; `false` if it already was a member.
pub async fn append(conn: &mut Conn, collection_id: i64, work_id: i64) -> Result<bool> {
    let next: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(position), 0) + 1 FROM story_collection_works WHERE collection_id = $1",
    )
    .bind(collection_id)
    .fetch_one(&mut *conn)
    .await?;
    let res = sqlx::query(
        "INSERT INTO story_collection_works (collection_id, work_id, position) VALUES ($1, $2, $3)",
    )
    .bind(collection_id)
    .bind(work_id)
    .bind(next)
    .execute(&mut *conn)
    .await;
    match res {
        Ok(_) => Ok(true),
        Err(e) if anjungan_kernel::db::is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

pub async fn remove(conn: &mut Conn, collection_id: i64, work_id: i64) -> Result<()> {
    sqlx::query("DELETE FROM story_collection_works WHERE collection_id = $1 AND work_id = $2")
        .bind(collection_id)
        .bind(work_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The collection's works in their order.
pub async fn order(conn: &mut Conn, collection_id: i64) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT work_id FROM story_collection_works WHERE collection_id = $1 ORDER BY position, work_id",
    )
    .bind(collection_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Rewrites the positions 1..n in the given order.
pub async fn set_order(conn: &mut Conn, collection_id: i64, order: &[i64]) -> Result<()> {
    for (i, w) in order.iter().enumerate() {
        sqlx::query(
            "UPDATE story_collection_works SET position = $1 WHERE collection_id = $2 AND work_id = $3",
        )
        .bind(i as i64 + 1)
        .bind(collection_id)
        .bind(w)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

//! Collections curated by librarians ("Legenda Trenggalek"): an ordered list of published works.

use super::Result;
use super::works::{COLUMNS, Work, from_row};
use crate::domain::StoryError;
use crate::domain::audit::StoryEvent;
use crate::domain::work::{self, one_line};
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor as AuditActor};
use sqlx::Row;

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
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

/// Creates a collection; its slug comes from the title.
pub async fn create(db: &Db, actor: &AuditActor, title: &str, description: &str) -> Result<String> {
    let title = one_line(title);
    if title.is_empty() || title.chars().count() > work::MAX_TITLE {
        return Err(StoryError::BadTitle.into());
    }
    let description = description.trim();
    if description.chars().count() > work::MAX_SUMMARY {
        return Err(StoryError::TooLong.into());
    }
    let slug = work::slug_of(&title);
    if slug.is_empty() {
        return Err(StoryError::BadTitle.into());
    }
    let mut tx = db.begin_write().await?;
    let res = sqlx::query_scalar::<_, i64>(
        "INSERT INTO story_collections (slug, title, description, created_by, updated_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(&slug)
    .bind(&title)
    .bind(description)
    .bind(actor.user_id.unwrap_or(0))
    .bind(anjungan_kernel::clock::now_ms())
    .fetch_one(&mut *tx)
    .await;
    let id = match res {
        Ok(id) => id,
        Err(e) if anjungan_kernel::db::is_unique_violation(&e) => {
            return Err(StoryError::SlugTaken.into());
        }
        Err(e) => return Err(e.into()),
    };
    audit::store::write(
        &mut tx,
        actor,
        &StoryEvent::CollectionCreated { id, title: &title },
    )
    .await?;
    tx.commit().await?;
    Ok(slug)
}

/// Adds a published work at the end, or removes it.
pub async fn set_member(
    db: &Db,
    actor: &AuditActor,
    collection_id: i64,
    work_id: i64,
    member: bool,
) -> Result<()> {
    let mut tx = db.begin_write().await?;
    if member {
        let state: Option<String> =
            sqlx::query_scalar("SELECT state FROM story_works WHERE id = $1")
                .bind(work_id)
                .fetch_optional(&mut *tx)
                .await?;
        match state.as_deref() {
            None => return Err(anjungan_kernel::Error::NotFound.into()),
            Some("published") => {}
            Some(_) => return Err(StoryError::NotPublished.into()),
        }
        let next: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(position), 0) + 1 FROM story_collection_works WHERE collection_id = $1",
        )
        .bind(collection_id)
        .fetch_one(&mut *tx)
        .await?;
        let res = sqlx::query(
            "INSERT INTO story_collection_works (collection_id, work_id, position) VALUES ($1, $2, $3)",
        )
        .bind(collection_id)
        .bind(work_id)
        .bind(next)
        .execute(&mut *tx)
        .await;
        match res {
            Ok(_) => {}
            Err(e) if anjungan_kernel::db::is_unique_violation(&e) => return Ok(()),
            Err(e) => return Err(e.into()),
        }
    } else {
        sqlx::query("DELETE FROM story_collection_works WHERE collection_id = $1 AND work_id = $2")
            .bind(collection_id)
            .bind(work_id)
            .execute(&mut *tx)
            .await?;
    }
    audit::store::write(
        &mut tx,
        actor,
        &if member {
            StoryEvent::CollectionWorkAdded {
                id: collection_id,
                work: work_id,
            }
        } else {
            StoryEvent::CollectionWorkRemoved {
                id: collection_id,
                work: work_id,
            }
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves a work one place up in a collection (positions rewritten 1..n in one transaction).
pub async fn move_up(db: &Db, actor: &AuditActor, collection_id: i64, work_id: i64) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let order: Vec<i64> = sqlx::query_scalar(
        "SELECT work_id FROM story_collection_works WHERE collection_id = $1 ORDER BY position, work_id",
    )
    .bind(collection_id)
    .fetch_all(&mut *tx)
    .await?;
    let order = crate::domain::collection::move_up(&order, work_id)
        .ok_or(anjungan_kernel::Error::NotFound)?;
    for (i, w) in order.iter().enumerate() {
        sqlx::query(
            "UPDATE story_collection_works SET position = $1 WHERE collection_id = $2 AND work_id = $3",
        )
        .bind(i as i64 + 1)
        .bind(collection_id)
        .bind(w)
        .execute(&mut *tx)
        .await?;
    }
    audit::store::write(
        &mut tx,
        actor,
        &StoryEvent::CollectionWorkMovedUp {
            id: collection_id,
            work: work_id,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

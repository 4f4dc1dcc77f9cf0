//! Units' own extra questions and follow-up actions on weak elements.

use super::Result;
use crate::domain::{ActionDraft, Element, Period};
use anjungan_kernel::clock::Millis;
use anjungan_kernel::db::{Db, Tx};
use sqlx::Row;

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = survey::ExtraQuestion)]
pub struct ExtraQuestion {
    pub id: i64,
    pub text: String,
}

pub async fn extra_questions(db: &Db, org_id: i64) -> Result<Vec<ExtraQuestion>> {
    let rows = sqlx::query(
        "SELECT id, text FROM survey_extra_questions WHERE org_id = $1 AND active = 1 ORDER BY id",
    )
    .bind(org_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok(ExtraQuestion {
                id: r.try_get("id")?,
                text: r.try_get("text")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// Adds an extra question (its text already checked); returns its id.
pub async fn insert_question(tx: &mut Tx, org_id: i64, text: &str, now: Millis) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO survey_extra_questions (org_id, text, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(org_id)
    .bind(text)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = survey::Action)]
pub struct Action {
    pub id: i64,
    pub element: String,
    pub period: String,
    pub action: String,
    pub owner: String,
    pub due_date: Option<String>,
    pub status: String,
}

impl Action {
    pub fn element(&self) -> Option<Element> {
        Element::parse(&self.element)
    }
}

pub async fn actions(db: &Db, org_id: i64) -> Result<Vec<Action>> {
    let rows = sqlx::query("SELECT id, element, period, action, owner, due_date, status FROM survey_actions WHERE org_id = $1 ORDER BY id DESC")
        .bind(org_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok(Action {
                id: r.try_get("id")?,
                element: r.try_get("element")?,
                period: r.try_get("period")?,
                action: r.try_get("action")?,
                owner: r.try_get("owner")?,
                due_date: r.try_get("due_date")?,
                status: r.try_get("status")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// Adds an open follow-up action; returns its id.
pub async fn insert_action(
    tx: &mut Tx,
    org_id: i64,
    period: &Period,
    a: &ActionDraft,
    now: Millis,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO survey_actions (org_id, element, period, action, owner, due_date, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $7) RETURNING id",
    )
    .bind(org_id)
    .bind(a.element.code())
    .bind(period.key())
    .bind(&a.text)
    .bind(&a.owner)
    .bind(a.due.map(|d| d.to_string()))
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

/// Marks a unit's open action done; false when it has no such open action.
pub async fn close_action(tx: &mut Tx, org_id: i64, id: i64, now: Millis) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE survey_actions SET status = 'done', updated_at = $1 WHERE id = $2 AND org_id = $3 AND status = 'open'",
    )
    .bind(now)
    .bind(id)
    .bind(org_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(n > 0)
}

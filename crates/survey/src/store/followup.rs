//! Units' own extra questions and follow-up actions on weak elements.

use super::Result;
use crate::domain::audit::SurveyEvent;
use crate::domain::{ActionDraft, Element, Period, SurveyError};
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::clock::now_ms;
use anjungan_kernel::db::Db;
use sqlx::Row;

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
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

pub async fn add_question(db: &Db, actor: &Actor, org_id: i64, text: &str) -> Result<i64> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 300 {
        return Err(SurveyError::QuestionText.into());
    }
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar("INSERT INTO survey_extra_questions (org_id, text, created_at) VALUES ($1, $2, $3) RETURNING id")
        .bind(org_id)
        .bind(text)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?;
    audit::store::write(
        &mut tx,
        actor,
        &SurveyEvent::QuestionAdded {
            org_id,
            question_id: id,
        },
    )
    .await
    .map_err(anjungan_kernel::Error::from)?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
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

pub async fn add_action(
    db: &Db,
    actor: &Actor,
    org_id: i64,
    period: &Period,
    a: &ActionDraft,
) -> Result<i64> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
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
    .fetch_one(&mut *tx)
    .await?;
    audit::store::write(
        &mut tx,
        actor,
        &SurveyEvent::ActionAdded {
            id,
            element: a.element,
            period,
        },
    )
    .await
    .map_err(anjungan_kernel::Error::from)?;
    tx.commit().await?;
    Ok(id)
}

pub async fn complete_action(db: &Db, actor: &Actor, org_id: i64, id: i64) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let n = sqlx::query("UPDATE survey_actions SET status = 'done', updated_at = $1 WHERE id = $2 AND org_id = $3 AND status = 'open'")
        .bind(now_ms())
        .bind(id)
        .bind(org_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(anjungan_kernel::Error::NotFound.into());
    }
    audit::store::write(&mut tx, actor, &SurveyEvent::ActionDone { id })
        .await
        .map_err(anjungan_kernel::Error::from)?;
    tx.commit().await?;
    Ok(())
}

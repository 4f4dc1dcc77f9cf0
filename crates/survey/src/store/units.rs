//! Units running the survey: an organisation with its list of services.

use super::Result;
use crate::domain::SurveyError;
use anjungan_kernel::clock::Millis;
use anjungan_kernel::db::{Db, Tx};
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = survey::Unit)]
pub struct Unit {
    pub org_id: i64,
    pub name: String,
    pub kind: String,
    pub code: String,
    #[serde(skip)]
    pub path: String,
    pub services: Vec<String>,
}

impl Unit {
    pub fn org_ref(&self) -> anjungan_kernel::orgs::domain::OrgRef {
        anjungan_kernel::orgs::domain::OrgRef {
            id: self.org_id,
            path: self.path.clone(),
        }
    }
}

fn unit_from(r: &AnyRow) -> std::result::Result<Unit, sqlx::Error> {
    Ok(Unit {
        org_id: r.try_get("org_id")?,
        name: r.try_get("name")?,
        kind: r.try_get("kind")?,
        code: r.try_get("code")?,
        path: r.try_get("path")?,
        services: anjungan_kernel::db::json_column(r, "services")?,
    })
}

const UNIT_SQL: &str = "SELECT u.org_id, o.name, o.kind, o.code, o.path, u.services FROM survey_units u JOIN organisations o ON o.id = u.org_id";

pub async fn units(db: &Db) -> Result<Vec<Unit>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{UNIT_SQL} ORDER BY o.kind, o.name"
    )))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(unit_from)
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

pub async fn unit(db: &Db, org_id: i64) -> Result<Unit> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{UNIT_SQL} WHERE u.org_id = $1"
    )))
    .bind(org_id)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref()
        .map(unit_from)
        .transpose()?
        .ok_or(SurveyError::UnitNotFound.into())
}

/// Saves a unit's services (starting its survey, or changing the list).
pub async fn save_unit(tx: &mut Tx, org_id: i64, services: &[String], now: Millis) -> Result<()> {
    let json = anjungan_kernel::db::json_text(&services)?;
    sqlx::query(
        "INSERT INTO survey_units (org_id, services, created_at, updated_at) VALUES ($1, $2, $3, $3) \
         ON CONFLICT (org_id) DO UPDATE SET services = excluded.services, updated_at = excluded.updated_at",
    )
    .bind(org_id)
    .bind(&json)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

//! Services' SQL: each unit's catalogue with its standard, form and letter template, and the
//! node's short cache of definitions. Publishing and editing are in `service::catalogue`.

use super::Result;
use crate::domain::DeskError;
use crate::domain::form::Form;
use crate::domain::letter::LetterTemplate;
use crate::domain::standard::Standard;
use anjungan_kernel::Db;
use anjungan_kernel::db::Conn;
use anjungan_kernel::orgs::domain::OrgRef;
use sqlx::Row;

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = desk::Service)]
pub struct Service {
    pub id: i64,
    /// The Open311 `service_code`.
    pub code: String,
    pub name: String,
    pub description: String,
    pub category: String,
    pub org_id: i64,
    pub org_code: String,
    pub org_name: String,
    pub org_kind: String,
    #[serde(skip)]
    pub org_path: String,
    /// Completion time in working days.
    pub days: i64,
    /// Cost in rupiah; 0 is free.
    pub cost: i64,
    /// Requests need a NIK from the unit's resident register.
    pub needs_resident: bool,
    /// The service is about a place, whose location Open311 `GET requests` may publish.
    pub public_location: bool,
    pub standard: Standard,
    pub form: Form,
    pub letter: Option<LetterTemplate>,
    pub active: bool,
}

impl Service {
    pub fn org_ref(&self) -> OrgRef {
        OrgRef {
            id: self.org_id,
            path: self.org_path.clone(),
        }
    }
}

/// What an admin or the unit enters; checked by [`ServiceInput::validate`].
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = desk::ServiceInput)]
pub struct ServiceInput {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub category: String,
    pub days: i64,
    #[serde(default)]
    pub cost: i64,
    #[serde(default)]
    pub needs_resident: bool,
    /// About a place (a street light, a road): the location of its requests is public.
    #[serde(default)]
    pub public_location: bool,
    pub standard: Standard,
    pub form: Form,
    #[serde(default)]
    pub letter: Option<LetterTemplate>,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

impl ServiceInput {
    pub fn validate(&self) -> std::result::Result<(), DeskError> {
        let code_ok = !self.code.is_empty()
            && self.code.len() <= 60
            && self
                .code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !code_ok || self.name.trim().is_empty() || self.name.chars().count() > 160 {
            return Err(DeskError::BadName);
        }
        if self.description.chars().count() > 4000 || self.category.chars().count() > 80 {
            return Err(DeskError::BadText);
        }
        if !(0..=365).contains(&self.days) || !(0..=1_000_000_000).contains(&self.cost) {
            return Err(DeskError::BadText);
        }
        self.standard.validate()?;
        self.form
            .validate_definition()
            .map_err(|e| DeskError::Form(vec![(String::new(), e)]))?;
        if let Some(l) = &self.letter {
            let codes: Vec<&str> = self.form.fields.iter().map(|f| f.code.as_str()).collect();
            l.validate(&codes)?;
        }
        Ok(())
    }
}

const COLUMNS: &str = "s.id, s.code, s.name, s.description, s.category, s.org_id, o.code AS org_code, o.name AS org_name, \
     o.kind AS org_kind, o.path AS org_path, s.days, s.cost, s.needs_resident, s.public_location, s.standard, s.form, s.letter, s.active";

fn from_row(r: &sqlx::any::AnyRow) -> std::result::Result<Service, sqlx::Error> {
    let letter: String = r.try_get("letter")?;
    Ok(Service {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        description: r.try_get("description")?,
        category: r.try_get("category")?,
        org_id: r.try_get("org_id")?,
        org_code: r.try_get("org_code")?,
        org_name: r.try_get("org_name")?,
        org_kind: r.try_get("org_kind")?,
        org_path: r.try_get("org_path")?,
        days: r.try_get("days")?,
        cost: r.try_get("cost")?,
        needs_resident: r.try_get::<i64, _>("needs_resident")? != 0,
        public_location: r.try_get::<i64, _>("public_location")? != 0,
        standard: anjungan_kernel::db::json_column(r, "standard")?,
        form: anjungan_kernel::db::json_column(r, "form")?,
        letter: serde_json::from_str(&letter).ok(),
        active: r.try_get::<i64, _>("active")? != 0,
    })
}

/// Serialised columns of a definition; the values are plain data, so serialising cannot fail.
fn json(v: &impl serde::Serialize) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

fn letter_json(s: &ServiceInput) -> String {
    s.letter.as_ref().map(json).unwrap_or_default()
}

/// A code already used is refused as such; anything else is the database's failure.
fn code_taken(e: sqlx::Error) -> super::StoreError {
    if anjungan_kernel::db::is_unique_violation(&e) {
        DeskError::CodeTaken.into()
    } else {
        e.into()
    }
}

/// Inserts a checked service definition; returns its id.
pub async fn insert_row(conn: &mut Conn, org_id: i64, s: &ServiceInput, now: i64) -> Result<i64> {
    sqlx::query_scalar::<_, i64>(
        "INSERT INTO desk_services (org_id, code, name, description, category, days, cost, needs_resident, standard, form, letter, active, public_location, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
    )
    .bind(org_id)
    .bind(&s.code)
    .bind(s.name.trim())
    .bind(s.description.trim())
    .bind(s.category.trim())
    .bind(s.days)
    .bind(s.cost)
    .bind(s.needs_resident as i64)
    .bind(json(&s.standard))
    .bind(json(&s.form))
    .bind(letter_json(s))
    .bind(s.active as i64)
    .bind(s.public_location as i64)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .map_err(code_taken)
}

/// Inserts many checked definitions as multi-row inserts of at most 100 rows.
pub async fn insert_rows(conn: &mut Conn, items: &[(i64, ServiceInput)], now: i64) -> Result<()> {
    const ROWS: usize = 100;
    const COLS: usize = 14;
    for chunk in items.chunks(ROWS) {
        let mut sql = String::from(
            "INSERT INTO desk_services (org_id, code, name, description, category, days, cost, needs_resident, standard, form, letter, active, public_location, created_at, updated_at) VALUES ",
        );
        for i in 0..chunk.len() {
            let b = i * COLS;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for c in 1..=COLS {
                sql.push_str(&format!("${}, ", b + c));
            }
            // updated_at = created_at
            sql.push_str(&format!("${})", b + COLS));
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (org_id, s) in chunk {
            q = q
                .bind(*org_id)
                .bind(s.code.clone())
                .bind(s.name.trim().to_string())
                .bind(s.description.trim().to_string())
                .bind(s.category.trim().to_string())
                .bind(s.days)
                .bind(s.cost)
                .bind(s.needs_resident as i64)
                .bind(json(&s.standard))
                .bind(json(&s.form))
                .bind(letter_json(s))
                .bind(s.active as i64)
                .bind(s.public_location as i64)
                .bind(now);
        }
        q.execute(&mut *conn).await.map_err(code_taken)?;
    }
    Ok(())
}

/// Rewrites a checked definition (its code and unit stay); false if there is no such service.
pub async fn update_row(conn: &mut Conn, id: i64, s: &ServiceInput, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE desk_services SET name = $1, description = $2, category = $3, days = $4, cost = $5, needs_resident = $6, \
         standard = $7, form = $8, letter = $9, active = $10, public_location = $11, updated_at = $12 WHERE id = $13",
    )
    .bind(s.name.trim())
    .bind(s.description.trim())
    .bind(s.category.trim())
    .bind(s.days)
    .bind(s.cost)
    .bind(s.needs_resident as i64)
    .bind(json(&s.standard))
    .bind(json(&s.form))
    .bind(letter_json(s))
    .bind(s.active as i64)
    .bind(s.public_location as i64)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(done > 0)
}

pub async fn get(db: &Db, id: i64) -> Result<Option<Service>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM desk_services s JOIN organisations o ON o.id = s.org_id WHERE s.id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

/// Service definitions for the submission path, kept two seconds per node: a burst of
/// submissions costs one lookup (and one parse of the form) per service. An edit on this node
/// forgets them at once; another node's copy lives at most the two seconds. A poisoned lock
/// is recovered: entries are written whole.
#[derive(Clone, Default)]
pub struct ServiceCache(std::sync::Arc<std::sync::Mutex<CachedServices>>);

/// Code → (definition, when read, generation when read).
type CachedServices = std::collections::HashMap<String, (Service, i64, u64)>;

static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
const CACHE_TTL: i64 = 2 * anjungan_kernel::clock::SECOND;

/// Every cached definition on this node is stale.
pub(crate) fn changed() {
    GENERATION.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
}

impl ServiceCache {
    pub async fn by_code(&self, db: &Db, code: &str) -> Result<Option<Service>> {
        let now = anjungan_kernel::clock::now_ms();
        let generation = GENERATION.load(std::sync::atomic::Ordering::SeqCst);
        if let Some((s, at, g)) = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(code)
            && now - at < CACHE_TTL
            && *g == generation
        {
            return Ok(Some(s.clone()));
        }
        let found = by_code(db, code).await?;
        if let Some(s) = &found {
            let mut map = self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if map.len() > 10_000 {
                map.clear();
            }
            map.insert(code.to_string(), (s.clone(), now, generation));
        }
        Ok(found)
    }
}

pub async fn by_code(db: &Db, code: &str) -> Result<Option<Service>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM desk_services s JOIN organisations o ON o.id = s.org_id WHERE s.code = $1"
    )))
    .bind(code)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

/// Services of one unit, or all (active only unless `all`), by unit then name.
pub async fn list(db: &Db, org_id: Option<i64>, include_inactive: bool) -> Result<Vec<Service>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM desk_services s JOIN organisations o ON o.id = s.org_id \
         WHERE ($1 = 0 OR s.org_id = $1) AND ($2 = 1 OR s.active = 1) ORDER BY o.code, s.name"
    )))
    .bind(org_id.unwrap_or(0))
    .bind(include_inactive as i64)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(from_row)
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// A unit that offers services, for the catalogue.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = desk::UnitEntry)]
pub struct UnitEntry {
    pub org_id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent_name: String,
    pub services: i64,
}

pub async fn units(db: &Db) -> Result<Vec<UnitEntry>> {
    let rows = sqlx::query(
        "SELECT o.id, o.code, o.name, o.kind, COALESCE(p.name, '') AS parent_name, COUNT(s.id) AS n \
         FROM organisations o JOIN desk_services s ON s.org_id = o.id AND s.active = 1 \
         LEFT JOIN organisations p ON p.id = o.parent_id \
         GROUP BY o.id, o.code, o.name, o.kind, p.name ORDER BY o.kind, o.code",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok(UnitEntry {
                org_id: r.try_get("id")?,
                code: r.try_get("code")?,
                name: r.try_get("name")?,
                kind: r.try_get("kind")?,
                parent_name: r.try_get("parent_name")?,
                services: r.try_get("n")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// Case-insensitive search over service and unit names.
pub async fn search(db: &Db, q: &str, limit: i64) -> Result<Vec<Service>> {
    let pattern = format!("%{}%", q.trim().to_lowercase().replace(['%', '_'], ""));
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM desk_services s JOIN organisations o ON o.id = s.org_id \
         WHERE s.active = 1 AND (LOWER(s.name) LIKE $1 OR LOWER(o.name) LIKE $1 OR LOWER(s.category) LIKE $1) \
         ORDER BY o.kind, o.code, s.name LIMIT $2"
    )))
    .bind(pattern)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(from_row)
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// When any service definition last changed (created, edited, switched on or off).
pub async fn last_change(db: &Db) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(updated_at) FROM desk_services")
            .fetch_one(&db.pool)
            .await?,
    )
}

//! Innovation SQL: profiles with their versions and partners, and the catalogue's queries. The
//! use cases that audit each change are in `service::innovations`.

use crate::domain::{Draft, Partner, PartnerKind, Profile, Status};
use anjungan_kernel::audit::Actor;
use anjungan_kernel::db::{Conn, Db};
use anjungan_kernel::orgs::domain::OrgRef;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone)]
pub struct Innovation {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub org_path: String,
    pub status: Status,
    pub draft: Draft,
    pub profile: Option<Profile>,
    pub review_note: String,
    pub version: i64,
    pub updated_at: i64,
    pub verified_at: Option<i64>,
}

impl Innovation {
    pub fn owner(&self) -> OrgRef {
        OrgRef {
            id: self.org_id,
            path: self.org_path.clone(),
        }
    }
    pub fn name(&self) -> &str {
        &self.draft.name
    }
}

const COLS: &str = "i.id, i.org_id, o.name AS org_name, o.path AS org_path, i.status, p.profile, i.review_note, i.version, i.updated_at, i.verified_at";
const FROM: &str = "FROM innovations i JOIN organisations o ON o.id = i.org_id JOIN innovation_profiles p ON p.innovation_id = i.id";

fn from_row(r: &AnyRow) -> std::result::Result<Innovation, sqlx::Error> {
    let draft: Draft = anjungan_kernel::db::json_column(r, "profile")?;
    let profile = draft.validate().ok();
    Ok(Innovation {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        org_name: r.try_get("org_name")?,
        org_path: r.try_get("org_path")?,
        status: Status::parse(&r.try_get::<String, _>("status")?).unwrap_or(Status::Draft),
        draft,
        profile,
        review_note: r.try_get("review_note")?,
        version: r.try_get("version")?,
        updated_at: r.try_get("updated_at")?,
        verified_at: r.try_get("verified_at")?,
    })
}

pub async fn get(db: &Db, id: i64) -> anjungan_kernel::Result<Option<Innovation>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} {FROM} WHERE i.id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

/// Catalogue filters; all optional.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct Filter {
    /// Words in the name or the profile.
    pub q: Option<String>,
    /// Owning agency or village (organisation id).
    pub org: Option<i64>,
    pub stage: Option<String>,
    pub form: Option<String>,
    pub affair: Option<String>,
    pub year: Option<i64>,
    /// Page number, from 1.
    pub halaman: Option<i64>,
}

impl Filter {
    pub fn normalised(mut self) -> Self {
        for f in [
            &mut self.q,
            &mut self.stage,
            &mut self.form,
            &mut self.affair,
        ] {
            if f.as_deref().is_some_and(|s| s.trim().is_empty()) {
                *f = None;
            }
        }
        self
    }
}

/// A WHERE clause with only the filters in use, so an unfiltered count reads the
/// `(status, name)` index alone instead of every (wide) row.
struct Where {
    sql: String,
    args: Vec<Arg>,
}

/// One bound value of a filter, in placeholder order.
enum Arg {
    Int(i64),
    Text(String),
}

impl Where {
    fn new(statuses: &[Status], org_scope: Option<&str>, f: &Filter) -> Self {
        let list: Vec<String> = statuses.iter().map(|s| format!("'{}'", s.code())).collect();
        let mut w = Where {
            sql: format!("WHERE i.status IN ({})", list.join(",")),
            args: Vec::new(),
        };
        if let Some(q) = f.q.as_deref() {
            w.filter(
                "i.search LIKE",
                Arg::Text(format!("%{}%", q.trim().to_lowercase())),
            );
        }
        if let Some(o) = f.org {
            w.filter("i.org_id =", Arg::Int(o));
        }
        for (col, v) in [
            ("i.stage", &f.stage),
            ("i.form", &f.form),
            ("i.affair", &f.affair),
        ] {
            if let Some(v) = v {
                w.filter(&format!("{col} ="), Arg::Text(v.clone()));
            }
        }
        if let Some(y) = f.year {
            w.filter("i.year =", Arg::Int(y));
        }
        if let Some(p) = org_scope {
            w.filter("o.path LIKE", Arg::Text(format!("{p}%")));
        }
        w
    }

    /// Placeholders used so far.
    fn n(&self) -> usize {
        self.args.len()
    }

    fn filter(&mut self, expr: &str, value: Arg) {
        self.args.push(value);
        self.sql
            .push_str(&format!(" AND {expr} ${}", self.args.len()));
    }

    /// Binds the values in placeholder order.
    fn bind<'q>(
        &self,
        mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
        for a in &self.args {
            q = match a {
                Arg::Int(v) => q.bind(*v),
                Arg::Text(t) => q.bind(t.as_str()),
            };
        }
        q
    }
}

/// Innovations in `statuses` matching the filter, by name, `limit` from `offset`.
pub async fn list(
    db: &Db,
    statuses: &[Status],
    org_scope: Option<&str>,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> anjungan_kernel::Result<Vec<Innovation>> {
    let w = Where::new(statuses, org_scope, f);
    let sql = format!(
        "SELECT {COLS} {FROM} {} ORDER BY i.name, i.id LIMIT ${} OFFSET ${}",
        w.sql,
        w.n() + 1,
        w.n() + 2
    );
    let rows = w
        .bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
        .bind(limit)
        .bind(offset)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(from_row)
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// How many innovations match (for paging).
pub async fn count(
    db: &Db,
    statuses: &[Status],
    org_scope: Option<&str>,
    f: &Filter,
) -> anjungan_kernel::Result<i64> {
    let w = Where::new(statuses, org_scope, f);
    let join = if org_scope.is_some() {
        "JOIN organisations o ON o.id = i.org_id"
    } else {
        ""
    };
    let sql = format!("SELECT COUNT(*) FROM innovations i {join} {}", w.sql);
    let row = w
        .bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
        .fetch_one(&db.pool)
        .await?;
    Ok(row.try_get::<i64, _>(0)?)
}

/// The organisations that have verified innovations, for the catalogue's filter.
pub async fn owners(db: &Db) -> anjungan_kernel::Result<Vec<(i64, String)>> {
    let rows = sqlx::query(
        "SELECT o.id, o.name FROM organisations o WHERE EXISTS \
         (SELECT 1 FROM innovations i WHERE i.org_id = o.id AND i.status = 'verified') ORDER BY o.name",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok((r.try_get("id")?, r.try_get("name")?))
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

pub async fn partners(db: &Db, id: i64) -> anjungan_kernel::Result<Vec<(i64, Partner)>> {
    let rows = sqlx::query(
        "SELECT id, name, kind, role FROM innovation_partners WHERE innovation_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok({
                (
                    r.try_get("id")?,
                    Partner {
                        name: r.try_get("name")?,
                        kind: PartnerKind::parse(&r.try_get::<String, _>("kind")?)
                            .unwrap_or(PartnerKind::Pemerintah),
                        role: r.try_get("role")?,
                    },
                )
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

pub async fn versions(db: &Db, id: i64) -> anjungan_kernel::Result<Vec<(i64, String, i64)>> {
    let rows = sqlx::query("SELECT version, status, created_at FROM innovation_versions WHERE innovation_id = $1 ORDER BY version DESC")
        .bind(id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok((
                r.try_get("version")?,
                r.try_get("status")?,
                r.try_get("created_at")?,
            ))
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

fn search_text(d: &Draft) -> String {
    format!(
        "{} {} {} {} {} {}",
        d.name, d.goal, d.benefit, d.result, d.design, d.vision
    )
    .to_lowercase()
}

/// Keeps the profile as it stood at `version`, with who saved it.
pub async fn snapshot(
    conn: &mut Conn,
    id: i64,
    version: i64,
    status: Status,
    draft: &Draft,
    actor: &Actor,
    now: i64,
) -> anjungan_kernel::Result<()> {
    sqlx::query("INSERT INTO innovation_versions (innovation_id, version, status, profile, actor_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(id)
        .bind(version)
        .bind(status.code())
        .bind(anjungan_kernel::db::json_text(draft)?)
        .bind(actor.user_id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Inserts a draft at version 1 with its profile; returns its id.
pub async fn insert(
    conn: &mut Conn,
    org_id: i64,
    draft: &Draft,
    profile: &Profile,
    now: i64,
) -> anjungan_kernel::Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO innovations (org_id, name, stage, kind, form, affair, year, status, search, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, 1, $9, $9) RETURNING id",
    )
    .bind(org_id)
    .bind(&profile.name)
    .bind(profile.stage.code())
    .bind(profile.kind.code())
    .bind(profile.form.code())
    .bind(profile.affair.code())
    .bind(profile.catalogue_year(now))
    .bind(search_text(draft))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("INSERT INTO innovation_profiles (innovation_id, profile) VALUES ($1, $2)")
        .bind(id)
        .bind(anjungan_kernel::db::json_text(draft)?)
        .execute(&mut *conn)
        .await?;
    Ok(id)
}

/// Saves an edited profile as `version`, if the innovation is still at `current.version`;
/// `false` when another save won the race since `current` was read (nothing is written).
pub async fn save_profile(
    conn: &mut Conn,
    current: &Innovation,
    version: i64,
    draft: &Draft,
    profile: &Profile,
    now: i64,
) -> anjungan_kernel::Result<bool> {
    let changed = sqlx::query(
        "UPDATE innovations SET name = $1, stage = $2, kind = $3, form = $4, affair = $5, year = $6, search = $7, \
         version = $8, updated_at = $9 WHERE id = $10 AND version = $11",
    )
    .bind(&profile.name)
    .bind(profile.stage.code())
    .bind(profile.kind.code())
    .bind(profile.form.code())
    .bind(profile.affair.code())
    .bind(profile.catalogue_year(now))
    .bind(search_text(draft))
    .bind(version)
    .bind(now)
    .bind(current.id)
    .bind(current.version)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if changed == 0 {
        return Ok(false);
    }
    sqlx::query("UPDATE innovation_profiles SET profile = $1 WHERE innovation_id = $2")
        .bind(anjungan_kernel::db::json_text(draft)?)
        .bind(current.id)
        .execute(&mut *conn)
        .await?;
    Ok(true)
}

/// Sets the status (and the review note) as `version`, if the innovation is still at
/// `current.version`; `false` when another save won the race (nothing is written).
pub async fn set_status(
    conn: &mut Conn,
    current: &Innovation,
    version: i64,
    status: Status,
    note: &str,
    now: i64,
) -> anjungan_kernel::Result<bool> {
    let changed = sqlx::query(
        "UPDATE innovations SET status = $1, review_note = $2, version = $3, updated_at = $4, \
         verified_at = CASE WHEN $1 = 'verified' THEN $4 ELSE verified_at END WHERE id = $5 AND version = $6",
    )
    .bind(status.code())
    .bind(note)
    .bind(version)
    .bind(now)
    .bind(current.id)
    .bind(current.version)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(changed > 0)
}

pub async fn insert_partner(conn: &mut Conn, id: i64, p: &Partner) -> anjungan_kernel::Result<()> {
    sqlx::query(
        "INSERT INTO innovation_partners (innovation_id, name, kind, role) VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(&p.name)
    .bind(p.kind.code())
    .bind(&p.role)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Removes a partner of the innovation; `false` if it has no such partner.
pub async fn delete_partner(
    conn: &mut Conn,
    id: i64,
    partner_id: i64,
) -> anjungan_kernel::Result<bool> {
    let n = sqlx::query("DELETE FROM innovation_partners WHERE id = $1 AND innovation_id = $2")
        .bind(partner_id)
        .bind(id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(n > 0)
}

/// Counts by status, for the coordinator's overview.
pub async fn counts(db: &Db) -> anjungan_kernel::Result<Vec<(String, i64)>> {
    let rows = sqlx::query(
        "SELECT status, COUNT(*) AS n FROM innovations GROUP BY status ORDER BY status",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok((r.try_get("status")?, r.try_get("n")?))
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// Linked sources of live evidence: (kind, target id).
pub async fn links(db: &Db, id: i64) -> anjungan_kernel::Result<Vec<(String, i64)>> {
    let rows = sqlx::query(
        "SELECT kind, target_id FROM innovation_links WHERE innovation_id = $1 ORDER BY created_at",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok((r.try_get("kind")?, r.try_get("target_id")?))
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// Links a source of live evidence; `false` if it was already linked.
pub async fn insert_link(
    conn: &mut Conn,
    id: i64,
    kind: &str,
    target: i64,
    now: i64,
) -> anjungan_kernel::Result<bool> {
    let n = sqlx::query("INSERT INTO innovation_links (innovation_id, kind, target_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
        .bind(id)
        .bind(kind)
        .bind(target)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(n > 0)
}

/// Removes a link; `false` if there was none.
pub async fn delete_link(
    conn: &mut Conn,
    id: i64,
    kind: &str,
    target: i64,
) -> anjungan_kernel::Result<bool> {
    let n = sqlx::query(
        "DELETE FROM innovation_links WHERE innovation_id = $1 AND kind = $2 AND target_id = $3",
    )
    .bind(id)
    .bind(kind)
    .bind(target)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(n > 0)
}

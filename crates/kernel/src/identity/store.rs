//! Identity SQL: users, memberships, sessions, API tokens, password resets, rate counters.

use super::domain::{
    Email, Grant, IdentityError, LoginId, PersonName, Phone, Principal, Role, UserId,
};
use crate::crypto::Keys;
use crate::db::{Conn, Db, is_unique_violation};
use crate::orgs::domain::OrgRef;
use sqlx::Row;
use sqlx::any::AnyRow;

pub struct NewUser {
    pub name: PersonName,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub password_hash: String,
}

pub async fn insert_user(conn: &mut Conn, keys: &Keys, u: &NewUser) -> crate::Result<UserId> {
    let now = crate::clock::now_ms();
    let res = sqlx::query_scalar::<_, i64>(
        "INSERT INTO users (name, email, phone_sealed, phone_index, phone_masked, password_hash, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(u.name.as_str())
    .bind(u.email.as_ref().map(|e| e.as_str().to_string()))
    .bind(u.phone.as_ref().map(|p| keys.seal(p.as_str())))
    .bind(u.phone.as_ref().map(|p| keys.blind_index("phone", p.as_str())))
    .bind(u.phone.as_ref().map(|p| p.masked()))
    .bind(&u.password_hash)
    .bind(now)
    .fetch_one(conn)
    .await;
    match res {
        Ok(id) => Ok(UserId(id)),
        Err(e) if is_unique_violation(&e) => {
            let msg = e.to_string();
            if msg.contains("phone") {
                Err(IdentityError::PhoneTaken.into())
            } else {
                Err(IdentityError::EmailTaken.into())
            }
        }
        Err(e) => Err(e.into()),
    }
}

pub struct Credentials {
    pub user_id: UserId,
    pub password_hash: String,
    pub active: bool,
}

pub async fn find_credentials(
    db: &Db,
    keys: &Keys,
    id: &LoginId,
) -> crate::Result<Option<Credentials>> {
    let (sql, value) = match id {
        LoginId::Email(e) => (
            "SELECT id, password_hash, active FROM users WHERE email = $1",
            e.as_str().to_string(),
        ),
        LoginId::Phone(p) => (
            "SELECT id, password_hash, active FROM users WHERE phone_index = $1",
            keys.blind_index("phone", p.as_str()),
        ),
    };
    let row = sqlx::query(sql)
        .bind(value)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row
        .map(|r| -> Result<_, sqlx::Error> {
            Ok(Credentials {
                user_id: UserId(r.try_get("id")?),
                password_hash: r.try_get("password_hash")?,
                active: r.try_get::<i64, _>("active")? != 0,
            })
        })
        .transpose()?)
}

/// The password hash of an active account.
pub async fn password_hash_of(db: &Db, user: UserId) -> crate::Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1 AND active <> 0")
            .bind(user.0)
            .fetch_optional(&db.pool)
            .await?,
    )
}

/// Opens the user's phone number (personal data) for delivering a message.
pub async fn contact(
    db: &Db,
    keys: &Keys,
    user: UserId,
) -> crate::Result<(Option<String>, Option<String>)> {
    let row = sqlx::query("SELECT email, phone_sealed FROM users WHERE id = $1")
        .bind(user.0)
        .fetch_optional(&db.pool)
        .await?;
    let Some(r) = row else {
        return Ok((None, None));
    };
    let phone: Option<String> = r.try_get("phone_sealed")?;
    Ok((r.try_get("email")?, phone.and_then(|s| keys.open(&s).ok())))
}

/// A grant from a membership row (`role`, `org_id`, `path`); a row without a known role (a
/// token's user without memberships, a role this version does not know) grants nothing.
fn grant_of(r: &AnyRow) -> Option<Grant> {
    let role = Role::parse(&r.try_get::<Option<String>, _>("role").ok()??).ok()?;
    let org = match r.try_get::<Option<i64>, _>("org_id").ok()? {
        Some(id) => Some(OrgRef {
            id,
            path: r.try_get("path").ok()?,
        }),
        None => None,
    };
    Some(Grant { role, org })
}

pub async fn load_principal(db: &Db, user: UserId) -> crate::Result<Option<Principal>> {
    let row = sqlx::query("SELECT name, active FROM users WHERE id = $1")
        .bind(user.0)
        .fetch_optional(&db.pool)
        .await?;
    let Some(row) = row else { return Ok(None) };
    if row.try_get::<i64, _>("active")? == 0 {
        return Ok(None);
    }
    let grants = sqlx::query(
        "SELECT m.role, m.org_id, o.path FROM memberships m LEFT JOIN organisations o ON o.id = m.org_id \
         WHERE m.user_id = $1 ORDER BY m.id",
    )
    .bind(user.0)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .filter_map(grant_of)
    .collect();
    Ok(Some(Principal {
        user_id: user,
        name: row.try_get("name")?,
        grants,
    }))
}

pub async fn add_grant(
    conn: &mut Conn,
    user: UserId,
    role: Role,
    org_id: Option<i64>,
) -> crate::Result<bool> {
    let exists: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM memberships WHERE user_id = $1 AND role = $2 AND \
         ((org_id IS NULL AND $3 IS NULL) OR org_id = $3)",
    )
    .bind(user.0)
    .bind(role.code())
    .bind(org_id)
    .fetch_one(&mut *conn)
    .await?;
    if exists > 0 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO memberships (user_id, role, org_id, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(user.0)
    .bind(role.code())
    .bind(org_id)
    .bind(crate::clock::now_ms())
    .execute(conn)
    .await?;
    Ok(true)
}

pub async fn set_password_hash(conn: &mut Conn, user: UserId, hash: &str) -> crate::Result<()> {
    sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(crate::clock::now_ms())
        .bind(user.0)
        .execute(&mut *conn)
        .await?;
    // A new password ends every other session.
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user.0)
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = kernel::identity::UserSummary)]
pub struct UserSummary {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    /// Masked, e.g. `0812******90`.
    pub phone: Option<String>,
    pub active: bool,
    /// `role` or `role @ organisation`, for machines and the command line.
    pub roles: Vec<String>,
    /// The same grants as (role code, organisation name), for pages that name roles in words.
    #[serde(skip)]
    pub grants: Vec<(String, Option<String>)>,
}

pub async fn list_users(db: &Db) -> crate::Result<Vec<UserSummary>> {
    let users = sqlx::query("SELECT id, name, email, phone_masked, active FROM users ORDER BY id")
        .fetch_all(&db.pool)
        .await?;
    let memberships = sqlx::query(
        "SELECT m.user_id, m.role, o.name AS org FROM memberships m LEFT JOIN organisations o ON o.id = m.org_id ORDER BY m.id",
    )
    .fetch_all(&db.pool)
    .await?;
    let memberships = memberships
        .iter()
        .map(|m| -> Result<(i64, String, Option<String>), sqlx::Error> {
            Ok((m.try_get("user_id")?, m.try_get("role")?, m.try_get("org")?))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(users
        .iter()
        .map(|u| -> Result<_, sqlx::Error> {
            let id: i64 = u.try_get("id")?;
            Ok(UserSummary {
                id,
                name: u.try_get("name")?,
                email: u.try_get("email")?,
                phone: u.try_get("phone_masked")?,
                active: u.try_get::<i64, _>("active")? != 0,
                roles: memberships
                    .iter()
                    .filter(|(user, _, _)| *user == id)
                    .map(|(_, role, org)| match org {
                        Some(org) => format!("{role} @ {org}"),
                        None => role.clone(),
                    })
                    .collect(),
                grants: memberships
                    .iter()
                    .filter(|(user, _, _)| *user == id)
                    .map(|(_, role, org)| (role.clone(), org.clone()))
                    .collect(),
            })
        })
        .collect::<Result<Vec<_>, _>>()?)
}

pub async fn user_id_by_email(db: &Db, email: &Email) -> crate::Result<Option<UserId>> {
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email.as_str())
        .fetch_optional(&db.pool)
        .await?;
    Ok(id.map(UserId))
}

// --- sessions ---

pub async fn insert_session(
    conn: &mut Conn,
    token_hash: &str,
    user: UserId,
    now: i64,
    expires_at: i64,
) -> crate::Result<()> {
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $3)")
        .bind(token_hash)
        .bind(user.0)
        .bind(now)
        .bind(expires_at)
        .execute(conn)
        .await?;
    Ok(())
}

pub struct SessionRow {
    pub user_id: UserId,
    pub expires_at: i64,
    pub last_seen_at: i64,
}

pub async fn find_session(db: &Db, token_hash: &str) -> crate::Result<Option<SessionRow>> {
    let row =
        sqlx::query("SELECT user_id, expires_at, last_seen_at FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row
        .map(|r| -> Result<_, sqlx::Error> {
            Ok(SessionRow {
                user_id: UserId(r.try_get("user_id")?),
                expires_at: r.try_get("expires_at")?,
                last_seen_at: r.try_get("last_seen_at")?,
            })
        })
        .transpose()?)
}

pub async fn touch_session(
    db: &Db,
    token_hash: &str,
    now: i64,
    expires_at: i64,
) -> crate::Result<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3")
        .bind(now)
        .bind(expires_at)
        .bind(token_hash)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn delete_session(db: &Db, token_hash: &str) -> crate::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn purge_expired(db: &Db, now: i64) -> crate::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(&db.pool)
        .await?;
    sqlx::query("DELETE FROM rate_counters WHERE window_start < $1")
        .bind(now - crate::clock::DAY)
        .execute(&db.pool)
        .await?;
    Ok(())
}

// --- API tokens ---

#[derive(Debug, Clone, serde::Serialize)]
pub struct TokenSummary {
    pub id: i64,
    pub user_id: i64,
    pub user_name: String,
    pub name: String,
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

pub async fn insert_token(
    conn: &mut Conn,
    user: UserId,
    name: &str,
    token_hash: &str,
    prefix: &str,
) -> crate::Result<i64> {
    let id = sqlx::query_scalar(
        "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user.0)
    .bind(name)
    .bind(token_hash)
    .bind(prefix)
    .bind(crate::clock::now_ms())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// The live (unrevoked) token's owner.
/// A live token's id, its active user as a principal and when it was last used — one query
/// (API clients send a token with every call; revocation and role changes apply at once).
pub async fn token_principal(
    db: &Db,
    token_hash: &str,
) -> crate::Result<Option<(i64, Principal, Option<i64>)>> {
    let rows = sqlx::query(
        "SELECT t.id, t.user_id, t.last_used_at, u.name, m.role, m.org_id, o.path \
         FROM api_tokens t JOIN users u ON u.id = t.user_id AND u.active = 1 \
         LEFT JOIN memberships m ON m.user_id = u.id LEFT JOIN organisations o ON o.id = m.org_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL ORDER BY m.id",
    )
    .bind(token_hash)
    .fetch_all(&db.pool)
    .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let grants = rows.iter().filter_map(grant_of).collect();
    Ok(Some((
        first.try_get("id")?,
        Principal {
            user_id: UserId(first.try_get("user_id")?),
            name: first.try_get("name")?,
            grants,
        },
        first.try_get("last_used_at")?,
    )))
}

/// Records when each token was last used, in one write that ends no kept page.
pub async fn mark_tokens_used(
    db: &Db,
    uses: &std::collections::HashMap<i64, i64>,
) -> crate::Result<()> {
    if uses.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin_private_write().await?;
    for (id, at) in uses {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(*at)
            .bind(*id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn revoke_token(conn: &mut Conn, id: i64) -> crate::Result<bool> {
    let n =
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(crate::clock::now_ms())
            .bind(id)
            .execute(conn)
            .await?
            .rows_affected();
    Ok(n > 0)
}

pub async fn list_tokens(db: &Db) -> crate::Result<Vec<TokenSummary>> {
    let rows = sqlx::query(
        "SELECT t.id, t.user_id, u.name AS user_name, t.name, t.prefix, t.created_at, t.last_used_at, t.revoked_at \
         FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> Result<_, sqlx::Error> {
            Ok(TokenSummary {
                id: r.try_get("id")?,
                user_id: r.try_get("user_id")?,
                user_name: r.try_get("user_name")?,
                name: r.try_get("name")?,
                prefix: r.try_get("prefix")?,
                created_at: r.try_get("created_at")?,
                last_used_at: r.try_get("last_used_at")?,
                revoked_at: r.try_get("revoked_at")?,
            })
        })
        .collect::<Result<Vec<_>, _>>()?)
}

// --- password resets ---

pub async fn insert_reset(
    conn: &mut Conn,
    token_hash: &str,
    user: UserId,
    now: i64,
    expires_at: i64,
) -> crate::Result<()> {
    sqlx::query("INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash)
        .bind(user.0)
        .bind(now)
        .bind(expires_at)
        .execute(conn)
        .await?;
    Ok(())
}

/// Consumes a reset token once; `None` when unknown, used or expired.
pub async fn take_reset(
    conn: &mut Conn,
    token_hash: &str,
    now: i64,
) -> crate::Result<Option<UserId>> {
    let user: Option<i64> = sqlx::query_scalar(
        "UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
    )
    .bind(now)
    .bind(token_hash)
    .fetch_optional(conn)
    .await?;
    Ok(user.map(UserId))
}

pub async fn reset_is_live(db: &Db, token_hash: &str, now: i64) -> crate::Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
    Ok(n > 0)
}

// --- rate counters, shared by all nodes ---

/// Adds one hit to `bucket` in the window starting at `window_start`; returns the new count.
pub async fn hit(db: &Db, bucket: &str, window_start: i64) -> crate::Result<i64> {
    let n = sqlx::query_scalar(
        "INSERT INTO rate_counters (bucket, window_start, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_counters.hits + 1 RETURNING hits",
    )
    .bind(bucket)
    .bind(window_start)
    .fetch_one(&db.pool)
    .await?;
    Ok(n)
}

pub async fn hits(db: &Db, bucket: &str, window_start: i64) -> crate::Result<i64> {
    let n: Option<i64> = sqlx::query_scalar(
        "SELECT hits FROM rate_counters WHERE bucket = $1 AND window_start = $2",
    )
    .bind(bucket)
    .bind(window_start)
    .fetch_optional(&db.pool)
    .await?;
    Ok(n.unwrap_or(0))
}

pub async fn clear_hits(db: &Db, bucket: &str) -> crate::Result<()> {
    sqlx::query("DELETE FROM rate_counters WHERE bucket = $1")
        .bind(bucket)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Active users holding `role`, with the organisation of that grant (if scoped).
pub async fn users_with_role(
    db: &Db,
    role: Role,
) -> crate::Result<Vec<(UserId, String, Option<i64>)>> {
    let rows = sqlx::query(
        "SELECT u.id, u.name, m.org_id FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.role = $1 AND u.active = 1 ORDER BY u.id",
    )
    .bind(role.code())
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> Result<_, sqlx::Error> {
            Ok((
                UserId(r.try_get("id")?),
                r.try_get("name")?,
                r.try_get("org_id")?,
            ))
        })
        .collect::<Result<Vec<_>, _>>()?)
}

pub async fn set_active(conn: &mut Conn, user: UserId, active: bool) -> crate::Result<()> {
    sqlx::query("UPDATE users SET active = $2, updated_at = $3 WHERE id = $1")
        .bind(user.0)
        .bind(active as i64)
        .bind(crate::clock::now_ms())
        .execute(conn)
        .await?;
    Ok(())
}

/// The account's e-mail, phone (opened) and name, for checking a new password against them.
pub async fn personal(
    conn: &mut Conn,
    keys: &Keys,
    user: UserId,
) -> crate::Result<(String, String, String)> {
    let r = sqlx::query("SELECT email, phone_sealed, name FROM users WHERE id = $1")
        .bind(user.0)
        .fetch_one(conn)
        .await?;
    let phone: Option<String> = r.try_get("phone_sealed")?;
    Ok((
        r.try_get::<Option<String>, _>("email")?.unwrap_or_default(),
        phone.and_then(|s| keys.open(&s).ok()).unwrap_or_default(),
        r.try_get("name")?,
    ))
}

pub async fn insert_activation(
    conn: &mut Conn,
    token_hash: &str,
    user: UserId,
    now: i64,
    expires_at: i64,
) -> crate::Result<()> {
    sqlx::query("INSERT INTO account_activations (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash)
        .bind(user.0)
        .bind(now)
        .bind(expires_at)
        .execute(conn)
        .await?;
    Ok(())
}

/// Consumes an activation link once; `None` when unknown, used or expired.
pub async fn take_activation(
    conn: &mut Conn,
    token_hash: &str,
    now: i64,
) -> crate::Result<Option<UserId>> {
    let user: Option<i64> = sqlx::query_scalar(
        "UPDATE account_activations SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
    )
    .bind(now)
    .bind(token_hash)
    .fetch_optional(conn)
    .await?;
    Ok(user.map(UserId))
}

pub async fn activation_is_live(db: &Db, token_hash: &str, now: i64) -> crate::Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM account_activations WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
    Ok(n > 0)
}

/// Activates an account that still waits for its activation (never one an admin switched
/// off), using up its links.
pub async fn activate_pending(conn: &mut Conn, user: UserId, now: i64) -> crate::Result<()> {
    let pending: Vec<String> = sqlx::query_scalar(
        "UPDATE account_activations SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL RETURNING token_hash",
    )
    .bind(user.0)
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    if !pending.is_empty() {
        set_active(conn, user, true).await?;
    }
    Ok(())
}

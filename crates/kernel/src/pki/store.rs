//! The authority's and the signers' rows. Secrets arrive sealed and leave sealed.

use crate::db::{Conn, Db};
use sqlx::Row;

pub struct AuthorityRow {
    pub id: i64,
    pub certificate: String,
    pub sealed_secret: String,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = kernel::pki::SignerRecord)]
pub struct SignerRecord {
    pub id: i64,
    /// The certificate's subject (RFC 4514).
    pub subject: String,
    /// SHA-256 of the certificate, hex.
    pub fingerprint: String,
    /// The certificate, PEM.
    pub certificate: String,
    pub created_at: i64,
    pub retired_at: Option<i64>,
}

pub async fn active_authority(db: &Db) -> Result<Option<AuthorityRow>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, certificate, secret FROM pki_authorities WHERE retired_at IS NULL ORDER BY id LIMIT 1",
    )
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| {
        Ok(AuthorityRow {
            id: r.try_get("id")?,
            certificate: r.try_get("certificate")?,
            sealed_secret: r.try_get("secret")?,
        })
    })
    .transpose()
}

/// Every authority certificate, the active one first: the chain a validator is given.
pub async fn authority_certificates(db: &Db) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT certificate FROM pki_authorities ORDER BY (retired_at IS NULL) DESC, id DESC",
    )
    .fetch_all(&db.pool)
    .await
}

pub async fn insert_authority(
    conn: &mut Conn,
    subject: &str,
    certificate: &str,
    sealed_secret: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO pki_authorities (subject, certificate, secret, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(subject)
    .bind(certificate)
    .bind(sealed_secret)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
}

pub async fn retire_authorities(conn: &mut Conn, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE pki_authorities SET retired_at = $1 WHERE retired_at IS NULL")
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The holder's current signer: its row and sealed secret.
pub async fn active_signer(
    db: &Db,
    holder: &str,
) -> Result<Option<(SignerRecord, String)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, subject, fingerprint, certificate, created_at, retired_at, secret FROM pki_signers \
         WHERE holder = $1 AND retired_at IS NULL ORDER BY id DESC LIMIT 1",
    )
    .bind(holder)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| Ok((signer_row(&r)?, r.try_get("secret")?)))
        .transpose()
}

fn signer_row(r: &sqlx::any::AnyRow) -> Result<SignerRecord, sqlx::Error> {
    Ok(SignerRecord {
        id: r.try_get("id")?,
        subject: r.try_get("subject")?,
        fingerprint: r.try_get("fingerprint")?,
        certificate: r.try_get("certificate")?,
        created_at: r.try_get("created_at")?,
        retired_at: r.try_get("retired_at")?,
    })
}

/// Every signer the holder has had, newest first.
pub async fn signers_of(db: &Db, holder: &str) -> Result<Vec<SignerRecord>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, subject, fingerprint, certificate, created_at, retired_at FROM pki_signers \
         WHERE holder = $1 ORDER BY id DESC",
    )
    .bind(holder)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(signer_row).collect()
}

pub struct NewSigner<'a> {
    pub holder: &'a str,
    pub authority_id: i64,
    pub subject: &'a str,
    pub fingerprint: &'a str,
    pub certificate: &'a str,
    pub sealed_secret: &'a str,
    pub now: i64,
}

/// Retires the holder's current signer and stores the new one; returns its id.
pub async fn replace_signer(conn: &mut Conn, s: &NewSigner<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query("UPDATE pki_signers SET retired_at = $1 WHERE holder = $2 AND retired_at IS NULL")
        .bind(s.now)
        .bind(s.holder)
        .execute(&mut *conn)
        .await?;
    sqlx::query_scalar(
        "INSERT INTO pki_signers (holder, authority_id, subject, fingerprint, certificate, secret, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(s.holder)
    .bind(s.authority_id)
    .bind(s.subject)
    .bind(s.fingerprint)
    .bind(s.certificate)
    .bind(s.sealed_secret)
    .bind(s.now)
    .fetch_one(&mut *conn)
    .await
}

//! One-use survey links.

use super::Result;
use anjungan_kernel::clock::{Millis, now_ms};
use anjungan_kernel::db::{Db, Tx, is_unique_violation};
use sqlx::Row;

/// Saves a one-use link (by its token's hash); false when the unit already has an invitation
/// for this reference (one per reference, e.g. a request number).
pub async fn insert_invitation(
    tx: &mut Tx,
    token_hash: &str,
    org_id: i64,
    service: &str,
    reference: Option<&str>,
    now: Millis,
    expires_at: Millis,
) -> Result<bool> {
    let res = sqlx::query(
        "INSERT INTO survey_invitations (token_hash, org_id, service, reference, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash)
    .bind(org_id)
    .bind(service)
    .bind(reference)
    .bind(now)
    .bind(expires_at)
    .execute(&mut **tx)
    .await;
    match res {
        Ok(_) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// The unit and service of a live invitation.
pub async fn invitation(db: &Db, token: &str) -> Result<Option<(i64, String)>> {
    let row = sqlx::query("SELECT org_id, service FROM survey_invitations WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2")
        .bind(anjungan_kernel::crypto::token_hash(token))
        .bind(now_ms())
        .fetch_optional(&db.pool)
        .await?;
    Ok(row
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok((r.try_get("org_id")?, r.try_get("service")?))
        })
        .transpose()?)
}

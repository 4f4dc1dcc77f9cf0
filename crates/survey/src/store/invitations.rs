//! One-use survey links, optionally sent through the outbox.

use super::Result;
use crate::domain::audit::SurveyEvent;
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::clock::{DAY, now_ms};
use anjungan_kernel::db::{Db, is_unique_violation};
use sqlx::Row;

/// Creates a one-use link token for a unit (valid 30 days); `reference` (e.g. a request number)
/// makes it idempotent: one invitation per reference.
/// Sends a new invitation's link through the outbox, in the same transaction.
pub struct Delivery<'a> {
    pub keys: &'a anjungan_kernel::crypto::Keys,
    pub channel: anjungan_kernel::outbox::domain::Channel,
    pub recipient: String,
    pub subject: String,
    /// Message text; `{link}` is replaced by the survey link.
    pub body: String,
    pub base_url: &'a str,
}

pub fn invitation_link(base_url: &str, token: &str) -> String {
    format!("{}/ikm/undangan/{token}", base_url.trim_end_matches('/'))
}

pub async fn create_invitation(
    db: &Db,
    actor: &Actor,
    org_id: i64,
    service: &str,
    reference: Option<&str>,
    delivery: Option<Delivery<'_>>,
) -> Result<Option<String>> {
    let token = anjungan_kernel::crypto::random_token(18);
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let res = sqlx::query(
        "INSERT INTO survey_invitations (token_hash, org_id, service, reference, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(anjungan_kernel::crypto::token_hash(&token))
    .bind(org_id)
    .bind(service.trim())
    .bind(reference.map(str::trim).filter(|r| !r.is_empty()))
    .bind(now)
    .bind(now + 30 * DAY)
    .execute(&mut *tx)
    .await;
    match res {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    audit::store::write(
        &mut tx,
        actor,
        &SurveyEvent::Invited {
            org_id,
            reference,
            sent: delivery.as_ref().map(|d| d.channel),
        },
    )
    .await
    .map_err(anjungan_kernel::Error::from)?;
    if let Some(d) = delivery {
        let message = anjungan_kernel::outbox::domain::NewMessage {
            channel: d.channel,
            recipient: d.recipient,
            subject: d.subject,
            body: d
                .body
                .replace("{link}", &invitation_link(d.base_url, &token)),
        };
        anjungan_kernel::outbox::store::enqueue(&mut tx, d.keys, &message).await?;
    }
    tx.commit().await?;
    Ok(Some(token))
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

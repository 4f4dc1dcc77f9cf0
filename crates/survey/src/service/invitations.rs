//! One-use survey links: made for a service a person used, optionally sent to them through the
//! outbox, in the transaction that saves and audits the invitation.

use crate::domain::audit::SurveyEvent;
use crate::store::{self, Result};
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::clock::{DAY, now_ms};
use anjungan_kernel::db::Db;

/// How long an invitation can be used.
pub const VALID_FOR: i64 = 30 * DAY;

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

/// Creates a one-use link token for a unit, valid [`VALID_FOR`]; `reference` (e.g. a request
/// number) makes it idempotent: `None` when the reference already has its invitation.
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
    let reference = reference.map(str::trim).filter(|r| !r.is_empty());
    let mut tx = db.begin_write().await?;
    let hash = anjungan_kernel::crypto::token_hash(&token);
    let saved = store::insert_invitation(
        &mut tx,
        &hash,
        org_id,
        service.trim(),
        reference,
        now,
        now + VALID_FOR,
    )
    .await?;
    if !saved {
        return Ok(None);
    }
    let event = SurveyEvent::Invited {
        org_id,
        reference,
        sent: delivery.as_ref().map(|d| d.channel),
    };
    audit::store::write(&mut tx, actor, &event)
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

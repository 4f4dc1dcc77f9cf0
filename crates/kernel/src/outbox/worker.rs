//! The delivery worker: claims due messages, sends them through their channel, and records the
//! outcome with the domain's retry schedule.

use super::domain::{Channel, State, after_failure};
use super::store::{self, Claimed};
use crate::config::{Config, WebhookConfig};
use crate::crypto::Keys;
use crate::db::Db;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};

pub struct Senders {
    http: reqwest::Client,
    smtp: Option<(AsyncSmtpTransport<Tokio1Executor>, lettre::message::Mailbox)>,
    whatsapp: WebhookConfig,
    sms: WebhookConfig,
}

impl Senders {
    pub fn from_config(cfg: &Config) -> anyhow::Result<Self> {
        let smtp = match &cfg.smtp.url {
            Some(url) => {
                let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?;
                if let (Some(u), Some(p)) = (&cfg.smtp.username, &cfg.smtp.password) {
                    builder = builder.credentials(
                        lettre::transport::smtp::authentication::Credentials::new(
                            u.clone(),
                            p.clone(),
                        ),
                    );
                }
                let from = cfg
                    .smtp
                    .from
                    .clone()
                    .unwrap_or_else(|| "Anjungan <noreply@localhost>".into())
                    .parse()?;
                Some((builder.timeout(Some(Duration::from_secs(20))).build(), from))
            }
            None => None,
        };
        Ok(Self {
            http: crate::http::client()?
                .timeout(Duration::from_secs(20))
                .build()?,
            smtp,
            whatsapp: cfg.whatsapp.clone(),
            sms: cfg.sms.clone(),
        })
    }

    async fn webhook(&self, hook: &WebhookConfig, m: &Claimed) -> Result<bool, String> {
        let Some(url) = &hook.url else {
            return Ok(false);
        };
        let mut req = self.http.post(url).json(&serde_json::json!({
            "id": m.id,
            "to": m.recipient,
            "message": m.body,
        }));
        if let Some(token) = &hook.token {
            req = req.bearer_auth(token);
        }
        let resp = req
            .send()
            .await
            .map_err(|e| format!("gateway unreachable: {}", e.without_url()))?;
        if resp.status().is_success() {
            Ok(true)
        } else {
            Err(format!("gateway answered {}", resp.status()))
        }
    }

    /// Delivers one message: `Sent` when a gateway accepted it, `Logged` when its channel has
    /// no gateway and it was only written to the log.
    pub async fn deliver(&self, m: &Claimed) -> Result<State, String> {
        let channel =
            Channel::parse(&m.channel).ok_or_else(|| format!("unknown channel {}", m.channel))?;
        let delivered = match channel {
            Channel::Email => match &self.smtp {
                Some((transport, from)) => {
                    let to: lettre::message::Mailbox = m
                        .recipient
                        .parse()
                        .map_err(|_| "invalid recipient address".to_string())?;
                    let email = lettre::Message::builder()
                        .from(from.clone())
                        .to(to)
                        .subject(&m.subject)
                        .body(m.body.clone())
                        .map_err(|e| e.to_string())?;
                    transport
                        .send(email)
                        .await
                        .map_err(|e| format!("smtp: {e}"))?;
                    true
                }
                None => false,
            },
            Channel::Whatsapp => self.webhook(&self.whatsapp, m).await?,
            Channel::Sms => self.webhook(&self.sms, m).await?,
            Channel::Log => false,
        };
        if !delivered {
            // No gateway configured: development mode. Never log the recipient or the body.
            tracing::info!(outbox_id = m.id, channel = %m.channel, subject = %m.subject, "outbox message logged (no gateway configured)");
            return Ok(State::Logged);
        }
        Ok(State::Sent)
    }
}

/// Runs until `shutdown` turns true. `wake` is notified after a message is enqueued on this node;
/// other nodes' messages are picked up by the one-second poll.
pub async fn run(
    db: Db,
    keys: Keys,
    senders: Arc<Senders>,
    wake: Arc<Notify>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        if *shutdown.borrow() {
            return;
        }
        let batch = match store::claim(&db, &keys, 20).await {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(error = %e, "outbox claim failed");
                Vec::new()
            }
        };
        let busy = !batch.is_empty();
        for m in batch {
            let outcome = senders.deliver(&m).await;
            let result = match outcome {
                Ok(done) => store::mark_done(&db, m.id, done).await,
                Err(err) => {
                    let (state, next) = after_failure(m.attempts, crate::clock::now_ms());
                    tracing::warn!(outbox_id = m.id, attempts = m.attempts, error = %err, "outbox delivery failed");
                    store::mark_failed(&db, m.id, state, next, &err).await
                }
            };
            if let Err(e) = result {
                tracing::warn!(outbox_id = m.id, error = %e, "outbox state not recorded; the lease will release it");
            }
        }
        if busy {
            continue;
        }
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = shutdown.changed() => {}
        }
    }
}

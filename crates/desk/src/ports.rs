//! What Petung Dadi needs from other rooms, as traits the binary implements: the satisfaction
//! survey's one-use link, sent to the citizen when their request closes. The room never reads
//! the survey's tables.

use anjungan_kernel::outbox::domain::Channel;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A survey invitation for a request that closed.
#[derive(Debug, Clone)]
pub struct Invitation {
    /// The unit that served the citizen; its IKM counts the answer.
    pub org_id: i64,
    /// The service's name, as the survey records which service was rated.
    pub service: String,
    /// The request's number: one invitation per request, however often it is asked for.
    pub reference: String,
    pub channel: Channel,
    pub recipient: String,
    pub subject: String,
    /// The message; `{link}` stands where the survey puts its link.
    pub body: String,
}

pub trait SurveyInvitations: Send + Sync + std::fmt::Debug + 'static {
    /// Makes and sends the invitation; `Ok(false)` when the unit runs no survey or the request
    /// already had its invitation.
    fn invite(&self, invitation: Invitation) -> BoxFuture<'_, anyhow::Result<bool>>;
}

pub type Invitations = Arc<dyn SurveyInvitations>;

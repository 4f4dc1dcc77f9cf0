//! What the festival needs to know about innovations, provided by the binary from the innovation
//! room (the festival never reads that room's tables).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = festival::InnovationSummary)]
pub struct InnovationSummary {
    pub id: i64,
    pub name: String,
    pub organisation_id: i64,
    pub organisation: String,
    #[serde(skip)]
    pub organisation_path: String,
    pub verified: bool,
    /// The date (YYYY-MM-DD) since which it runs: its implementation, else its trial; empty
    /// when the profile gives neither.
    #[serde(skip)]
    pub running_since: String,
}

pub trait Innovations: Send + Sync + 'static {
    fn get(&self, id: i64) -> BoxFuture<'_, Option<InnovationSummary>>;
    /// Verified innovations of organisations under any of these paths.
    fn verified_under(&self, paths: Vec<String>) -> BoxFuture<'_, Vec<InnovationSummary>>;
    /// The registry's profile as a proposal's sections (key, text), to start a proposal from;
    /// empty sections are left out.
    fn proposal_sections(&self, id: i64) -> BoxFuture<'_, Vec<(String, String)>>;
}

pub type Catalogue = Arc<dyn Innovations>;

//! What the festival needs to know about innovations, provided by the binary from the innovation
//! room (the festival never reads that room's tables).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct InnovationSummary {
    pub id: i64,
    pub name: String,
    pub organisation_id: i64,
    pub organisation: String,
    #[serde(skip)]
    pub organisation_path: String,
    pub verified: bool,
}

pub trait Innovations: Send + Sync + 'static {
    fn get(&self, id: i64) -> BoxFuture<'_, Option<InnovationSummary>>;
    /// Verified innovations of organisations under any of these paths.
    fn verified_under(&self, paths: Vec<String>) -> BoxFuture<'_, Vec<InnovationSummary>>;
}

pub type Catalogue = Arc<dyn Innovations>;

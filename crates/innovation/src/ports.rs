//! Live evidence: figures the platform itself measured for an innovation (the satisfaction index of
//! a linked service unit), beside the figures the agency claims. The room defines what it needs;
//! the binary provides it from the other rooms, so this room never reads their tables.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Measured figures of one linked source for this year, with last year's index for comparison.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = innovation::Figures)]
pub struct Figures {
    pub kind: String,
    pub target_id: i64,
    pub source: String,
    pub period: String,
    pub responses: i64,
    pub ikm: Option<String>,
    /// Absent while the sample is not adequate.
    pub grade: Option<String>,
    /// Forms a grade needs (Krejcie–Morgan for the people served, or the survey's minimum).
    pub sample_needed: i64,
    pub sample_adequate: bool,
    pub previous_ikm: Option<String>,
}

pub trait LiveEvidence: Send + Sync + 'static {
    /// Survey units that can be linked: (organisation id, name).
    fn survey_units(&self) -> BoxFuture<'_, Vec<(i64, String)>>;
    /// The unit's figures, or `None` when it does not run the survey.
    fn survey_figures(&self, unit: i64) -> BoxFuture<'_, Option<Figures>>;
}

pub type Live = Arc<dyn LiveEvidence>;

/// Kinds of link. Petung Dadi services join when that room exists.
pub const SURVEY_UNIT: &str = "survey_unit";

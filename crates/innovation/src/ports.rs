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

/// What Petung Dadi measured for one linked service over the last twelve months, beside the
/// satisfaction index of the unit that runs it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = innovation::ServiceFigures)]
pub struct ServiceFigures {
    pub kind: String,
    pub target_id: i64,
    /// The service's name.
    pub source: String,
    /// The unit that runs it.
    pub unit: String,
    /// The service's public page.
    pub url: String,
    /// First and last day measured (ISO dates).
    pub since: String,
    pub until: String,
    /// Requests submitted in the period, completed ones, and those still open.
    pub requests: usize,
    pub completed: usize,
    pub open: usize,
    pub open_overdue: usize,
    /// Completed by their due date, percent with one decimal (`92.5`); absent before any.
    pub on_time_percent: Option<String>,
    /// Working days from submission to completion, pauses excluded; absent before any.
    pub median_days: Option<String>,
    /// The service's promised working days.
    pub promised_days: i64,
    /// The unit's satisfaction survey this year, when it runs one.
    pub unit_ikm: Option<Figures>,
}

pub trait LiveEvidence: Send + Sync + 'static {
    /// Survey units that can be linked: (organisation id, name).
    fn survey_units(&self) -> BoxFuture<'_, Vec<(i64, String)>>;
    /// The unit's figures, or `None` when it does not run the survey.
    fn survey_figures(&self, unit: i64) -> BoxFuture<'_, Option<Figures>>;
    /// Petung Dadi services that can be linked: (service id, "service — unit").
    fn desk_services(&self) -> BoxFuture<'_, Vec<(i64, String)>>;
    /// The service's measured figures, or `None` when there is no such service.
    fn desk_figures(&self, service: i64) -> BoxFuture<'_, Option<ServiceFigures>>;
}

pub type Live = Arc<dyn LiveEvidence>;

/// Kinds of link: a unit's satisfaction survey, and a Petung Dadi service.
pub const SURVEY_UNIT: &str = "survey_unit";
pub const DESK_SERVICE: &str = "desk_service";

//! The survey's use cases: the figures a unit publishes (graded only on an adequate sample, with
//! respondent groups judged by the disclosure rules).

pub mod results;

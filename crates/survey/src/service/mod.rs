//! The survey's use cases: the figures a unit publishes (graded only on an adequate sample, with
//! respondent groups judged by the disclosure rules), a unit's set-up and follow-up, and one-use
//! invitations.

pub mod invitations;
pub mod results;
pub mod setup;

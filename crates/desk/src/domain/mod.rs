//! Petung Dadi's rules, pure: NIK, the working-day calendar and SLA clock, the request workflow,
//! forms, letter templates and numbering, signatures, the service standard and SLA figures.

pub mod access;
pub mod audit;
pub mod calendar;
pub mod follow;
pub mod form;
pub mod letter;
pub mod nik;
pub mod notice;
pub mod records;
pub mod register;
pub mod request;
pub mod signing;
pub mod sla;
pub mod standard;
pub mod workflow;

pub use crate::error::DeskError;
pub use calendar::{Calendar, SlaClock};
pub use nik::{Kk, Nik, NikError, Sex};
pub use request::Channel;
pub use workflow::{Command, State, WorkflowError};

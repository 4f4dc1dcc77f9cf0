//! The festival's documents: the agenda as iCalendar and as a Frab schedule, award certificates.

pub mod certificate;
pub mod charts;
pub mod frab;
pub mod ical;

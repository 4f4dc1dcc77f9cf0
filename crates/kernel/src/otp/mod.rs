//! One-time codes sent to a phone or an e-mail address (Petung Dadi's contact check, the
//! festival's public vote, …): one limiter for every code in the product. Codes sent are
//! limited per contact and per client address, per hour and per day; wrong guesses are counted
//! per contact and purpose in the same windows, so a new code never resets the tries.
pub mod domain;
pub mod store;

pub use domain::{Limits, OtpError};

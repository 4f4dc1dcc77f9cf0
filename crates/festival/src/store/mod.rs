//! Festival SQL, one file per aggregate: editions with phases, entries, the agenda (sessions and
//! stands), the jury, the public vote, awards, proposals (call for speakers) and sign-ups.

mod agenda;
mod awards;
mod editions;
mod entries;
mod jury;
pub mod proposals;
pub mod setup;
pub mod signups;
mod votes;

pub use agenda::*;
pub use awards::*;
pub use editions::*;
pub use entries::*;
pub use jury::*;
pub use votes::*;

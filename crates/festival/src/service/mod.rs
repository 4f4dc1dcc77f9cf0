//! The festival's use cases, each one transaction that applies a rule, saves and audits: an
//! edition and its settings, the agenda and sign-ups, entering an innovation, the jury's rubrics,
//! assignments and reviews, proposals, the public vote (with its group-commit queue), awards,
//! and the ranking and standings of an edition.

pub mod agenda;
pub mod awards;
pub mod editions;
pub mod entries;
pub mod jury;
pub mod proposals;
pub mod reviews;
pub mod setup;
pub mod standings;
pub mod vote_queue;
pub mod votes;

//! The festival's use cases over its store: entering an innovation, a juror's review, the
//! ranking and standings of an edition, and the public vote's group-commit queue.

pub mod entries;
pub mod reviews;
pub mod standings;
pub mod vote_queue;

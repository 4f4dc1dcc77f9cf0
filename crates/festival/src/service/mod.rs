//! The festival's use cases over its store: the ranking and standings of an edition, and the
//! public vote's group-commit queue.

pub mod standings;
pub mod vote_queue;

//! Cilen's use cases, each one transaction that checks its rule, saves, audits and e-mails the
//! authors: an author's work and chapters, a work's editorial step (with the search index and
//! the history), the reader's kudos, bookmarks, comments and reports, and the librarians'
//! collections.

pub mod collections;
pub mod reader;
pub mod workflow;
pub mod works;

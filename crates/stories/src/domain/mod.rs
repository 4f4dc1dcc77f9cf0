//! Cilen's rules, pure: works and their details, the editorial workflow, who may do what,
//! chapter rich text, Indonesian search terms and snippets, OAI-PMH, and the EPUB/Atom exports.

pub mod access;
pub mod audit;
pub mod collection;
pub mod export;
pub mod notice;
pub mod oai;
pub mod richtext;
pub mod search;
pub mod work;
pub mod workflow;

pub use crate::error::StoryError;
pub use work::{ArchiveRef, Category, Language, Rating, WorkInput};
pub use workflow::{Command, State, WorkflowError};

pub const MAX_CHAPTERS: i64 = 200;

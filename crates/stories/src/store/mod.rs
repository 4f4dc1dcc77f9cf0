//! Cilen's SQL: works, chapters and the editorial workflow, the reader's side (kudos, bookmarks,
//! progress, comments, reports), collections, the per-backend search index, OAI-PMH queries and
//! the read counter.

pub mod collections;
pub mod harvest;
pub mod reader;
pub mod reads;
pub mod search;
pub mod works;

use crate::domain::StoryError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Story(#[from] StoryError),
    #[error(transparent)]
    Kernel(#[from] anjungan_kernel::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Kernel(e.into())
    }
}

impl From<crate::domain::WorkflowError> for StoreError {
    fn from(e: crate::domain::WorkflowError) -> Self {
        StoreError::Story(e.into())
    }
}

impl From<crate::domain::richtext::RichTextError> for StoreError {
    fn from(e: crate::domain::richtext::RichTextError) -> Self {
        StoreError::Story(e.into())
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// `$1, $2, …` placeholders for an `IN (…)` list starting at `$from`.
pub(crate) fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A value for a query built at run time (filters that may or may not apply).
#[derive(Clone)]
pub(crate) enum Bind {
    Text(String),
    Int(i64),
}

pub(crate) fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    binds: &'q [Bind],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for b in binds {
        q = match b {
            Bind::Text(s) => q.bind(s.as_str()),
            Bind::Int(i) => q.bind(*i),
        };
    }
    q
}

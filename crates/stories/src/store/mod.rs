//! Cilen's SQL: works, chapters and the editorial workflow, the reader's side (kudos, bookmarks,
//! progress, comments, reports), collections, the per-backend search index, OAI-PMH queries and
//! the read counter.

pub mod collections;
pub mod harvest;
pub mod reader;
pub mod reads;
pub mod search;
pub mod works;

pub use crate::error::{Result, StoreError};

// SQL built at run time here (passed as `sqlx::AssertSqlSafe`) interpolates only constant
// column lists, placeholders and `i64` limits and offsets; every other value is bound.

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
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    binds: &[Bind],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    for b in binds {
        q = match b {
            Bind::Text(s) => q.bind(s.as_str()),
            Bind::Int(i) => q.bind(*i),
        };
    }
    q
}

//! Uploaded files: type checked by content, stored content-addressed (SHA-256) — on disk beside
//! the embedded database, inside PostgreSQL when several nodes share it — and served with
//! correct headers.
pub mod domain;
pub mod store;
pub mod web;

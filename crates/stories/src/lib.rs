//! The Cilen room (*Cerita Online*): stories from the regency's archives and library — works
//! and chapters, editorial review, reading, Indonesian full-text search, OAI-PMH harvesting,
//! Atom feeds and EPUB/PDF downloads.

pub mod demo;
pub mod domain;
pub mod error;
pub mod render;
pub mod room;
pub mod service;
pub mod store;
pub mod web;

pub use room::ROOM;

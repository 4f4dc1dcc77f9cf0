//! Cilen's documents: a work as EPUB 3 and as PDF, and the Atom feeds.

pub mod atom;
pub mod book_pdf;
pub mod epub;

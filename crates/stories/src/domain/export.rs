//! A published work as the exporters see it (EPUB, PDF, Atom), plus the small XML helpers the
//! exporters share. Pure data: no storage, no web.

use time::OffsetDateTime;

/// One published work, ready to export.
#[derive(Debug, Clone)]
pub struct BookExport {
    pub id: i64,
    pub title: String,
    pub summary: String,
    /// Pen names.
    pub authors: Vec<String>,
    /// "Penutur: Mbah Sarmi" (oral source) or an archive credit.
    pub credit: Option<String>,
    /// BCP 47: "id", "jv", "en".
    pub language: String,
    /// Human label, e.g. "Cerita rakyat".
    pub category: String,
    pub tags: Vec<String>,
    pub published: OffsetDateTime,
    pub modified: OffsetDateTime,
    /// The work's public page, absolute.
    pub url: String,
    /// "Dinas Perpustakaan dan Kearsipan Kabupaten Trenggalek".
    pub publisher: String,
    /// "KAB-TGL/1932/17 — Arsip Daerah Trenggalek".
    pub archive_ref: Option<String>,
    pub chapters: Vec<ChapterExport>,
}

/// One chapter, twice: as XHTML for the EPUB and as plain-text blocks for the PDF.
#[derive(Debug, Clone)]
pub struct ChapterExport {
    pub title: String,
    /// Well-formed XHTML fragment (p, h2-h4, ul/ol/li, em/strong, blockquote, br/, hr/, img/).
    pub xhtml: String,
    /// The same content as plain-text blocks for the PDF.
    pub blocks: Vec<(BlockKind, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Paragraph,
    Heading(u8),
    ListItem { ordered: bool, number: usize },
    Quote,
}

// The XML escapers are the kernel's one set, shared by every room.
pub use anjungan_kernel::text::{xml_attr, xml_char, xml_clean, xml_text};

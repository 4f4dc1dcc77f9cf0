//! What several pages share: result cards with snippets, the schema.org description of a work,
//! the guest's device cookie and the reading text size.

use crate::domain::export::BlockKind as ExportKind;
use crate::domain::export::{BookExport, ChapterExport};
use crate::domain::richtext::{Block, BlockKind};
use crate::domain::search::{self, SnippetPart};
use crate::domain::work::TextSize;
use crate::store::works::{Chapter, ChapterHead, Work};
use anjungan_kernel::web::AppState;
use axum::http::HeaderMap;

pub const DEVICE_COOKIE: &str = "anj_dev";
pub const SIZE_COOKIE: &str = "anj_huruf";

/// A work in a list, with the words around the search terms.
pub struct Card {
    pub w: Work,
    pub snippet: Vec<SnippetPart>,
}

pub async fn cards(
    state: &AppState,
    works: Vec<Work>,
    terms: &[String],
) -> Result<Vec<Card>, crate::store::StoreError> {
    let mut out = Vec::with_capacity(works.len());
    for w in works {
        let snippet = if terms.is_empty() {
            search::snippet(&w.summary, &[], 40)
        } else {
            let source = crate::store::search::snippet_source(&state.db, &w, terms).await?;
            search::snippet(&source, terms, 32)
        };
        out.push(Card { w, snippet });
    }
    Ok(out)
}

/// The guest's device id (random, set when they first give kudos).
pub fn device(headers: &HeaderMap) -> Option<String> {
    anjungan_kernel::web::ctx::cookie(headers, DEVICE_COOKIE)
        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_string)
}

pub fn new_device() -> String {
    let bytes: [u8; 16] = rand::random();
    hex::encode(bytes)
}

pub fn text_size(headers: &HeaderMap) -> TextSize {
    anjungan_kernel::web::ctx::cookie(headers, SIZE_COOKIE)
        .and_then(TextSize::parse)
        .unwrap_or_default()
}

/// The work's public address.
pub fn work_url(base: &str, id: i64) -> String {
    format!("{base}/cerita/karya/{id}")
}

fn iso(ms: i64) -> String {
    anjungan_kernel::clock::rfc3339_wib(ms)
}

/// schema.org `Book` with its `Chapter`s, as JSON-LD safe to put inside a `<script>` element.
pub fn json_ld(base: &str, w: &Work, chapters: &[ChapterHead]) -> String {
    let url = work_url(base, w.id);
    let mut doc = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Book",
        "@id": url,
        "url": url,
        "name": w.title,
        "description": w.summary,
        "inLanguage": w.language.code(),
        "genre": w.category.code(),
        "keywords": w.tags.join(", "),
        "wordCount": w.words,
        "author": w.authors.iter().map(|a| serde_json::json!({
            "@type": "Person", "name": a.pen_name, "url": format!("{base}/cerita/penulis/{}", a.user_id)
        })).collect::<Vec<_>>(),
        "publisher": { "@type": "GovernmentOrganization", "name": "Dinas Perpustakaan dan Kearsipan Kabupaten Trenggalek" },
        "creativeWorkStatus": if w.complete { "Complete" } else { "Ongoing" },
        "interactionStatistic": [
            { "@type": "InteractionCounter", "interactionType": "https://schema.org/ReadAction", "userInteractionCount": w.reads },
            { "@type": "InteractionCounter", "interactionType": "https://schema.org/LikeAction", "userInteractionCount": w.kudos }
        ],
        "hasPart": chapters.iter().map(|c| serde_json::json!({
            "@type": "Chapter", "position": c.position, "name": c.title,
            "url": format!("{url}/bab/{}", c.position), "wordCount": c.words
        })).collect::<Vec<_>>(),
    });
    if let Some(p) = w.published_at {
        doc["datePublished"] = iso(p).into();
    }
    doc["dateModified"] = iso(w.updated_at).into();
    if !w.credit.is_empty() {
        doc["creditText"] = w.credit.clone().into();
    }
    if let Some(a) = &w.archive {
        doc["isBasedOn"] = serde_json::json!({
            "@type": "ArchiveComponent", "identifier": a.code, "description": a.description,
            "holdingArchive": { "@type": "ArchiveOrganization", "name": a.institution }
        });
    }
    if let Some(c) = &w.cover {
        doc["image"] = format!("{base}/berkas/{c}").into();
    }
    safe_script_json(&doc)
}

/// JSON that cannot end its `<script>` element early.
pub fn safe_script_json(v: &serde_json::Value) -> String {
    v.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The work as the EPUB and PDF builders want it.
pub fn export(base: &str, w: &Work, chapters: &[Chapter]) -> BookExport {
    let ms = |ms: i64| {
        time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
    };
    BookExport {
        id: w.id,
        title: w.title.clone(),
        summary: w.summary.clone(),
        authors: w.authors.iter().map(|a| a.pen_name.clone()).collect(),
        credit: (!w.credit.is_empty()).then(|| w.credit.clone()),
        language: w.language.code().to_string(),
        category: crate::web::public::category_label_id(w.category).to_string(),
        tags: w.tags.clone(),
        published: ms(w.published_at.unwrap_or(w.created_at)),
        modified: ms(w.updated_at),
        url: work_url(base, w.id),
        publisher: "Dinas Perpustakaan dan Kearsipan Kabupaten Trenggalek".into(),
        archive_ref: w.archive.as_ref().map(|a| a.citation()),
        chapters: chapters
            .iter()
            .map(|c| ChapterExport {
                title: c.title.clone(),
                xhtml: c.body.to_xhtml(),
                blocks: c.body.blocks().into_iter().map(block_export).collect(),
            })
            .collect(),
    }
}

fn block_export(b: Block) -> (ExportKind, String) {
    let kind = match b.kind {
        BlockKind::Paragraph => ExportKind::Paragraph,
        BlockKind::Heading(l) => ExportKind::Heading(l),
        BlockKind::ListItem { ordered, number } => ExportKind::ListItem {
            ordered,
            number: number as usize,
        },
        BlockKind::Quote => ExportKind::Quote,
    };
    (kind, b.text)
}

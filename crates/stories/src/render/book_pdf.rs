//! A published work as an A5 PDF (built-in Times and Helvetica, drawn through `kernel::pdf`): a title page, then
//! every chapter on a new page with its heading, word-wrapped paragraphs, indented list items
//! with bullets or numbers, indented italic quotes, page numbers in the footer and automatic
//! page breaks. Each chapter also gets a PDF bookmark.
//!
//! The built-in fonts speak Latin-1 (WinAnsi), so text goes through [`latin1`] first. Line
//! breaking measures words with the Times-Roman advance widths (scaled up for bold and italic,
//! so lines err on the short side).

use anjungan_kernel::pdf::{BuiltinFont, Document, Info};
pub use anjungan_kernel::text::latin1;

use crate::domain::export::{BlockKind, BookExport};

const PAGE_W: f32 = 148.0;
const PAGE_H: f32 = 210.0;
const LEFT: f32 = 18.0;
const RIGHT: f32 = PAGE_W - 18.0;
const TOP: f32 = PAGE_H - 20.0;
const BOTTOM: f32 = 20.0;
const FOOTER_Y: f32 = 10.0;
const PT_TO_MM: f32 = 25.4 / 72.0;

const BODY_SIZE: f32 = 11.0;
const BODY_LEADING: f32 = 5.3;
const BULLET: &str = "\u{2022}"; // in WinAnsi (0x95), so drawn as is

/// ASCII only, for the document info and the bookmarks (as the work's PDFs have always had them).
fn ascii(s: &str) -> String {
    latin1(s)
        .chars()
        .map(|c| {
            if c.is_ascii() {
                c
            } else {
                base_letter(c).unwrap_or('?')
            }
        })
        .collect()
}

/// The unaccented letter of a Latin-1 accented letter.
fn base_letter(c: char) -> Option<char> {
    Some(match c {
        'À'..='Å' => 'A',
        'Ç' => 'C',
        'È'..='Ë' => 'E',
        'Ì'..='Ï' => 'I',
        'Ð' => 'D',
        'Ñ' => 'N',
        'Ò'..='Ö' | 'Ø' => 'O',
        'Ù'..='Ü' => 'U',
        'Ý' => 'Y',
        'à'..='å' => 'a',
        'ç' => 'c',
        'è'..='ë' => 'e',
        'ì'..='ï' => 'i',
        'ñ' => 'n',
        'ò'..='ö' | 'ø' => 'o',
        'ù'..='ü' => 'u',
        'ý' | 'ÿ' => 'y',
        _ => return None,
    })
}

/// Times-Roman advance widths (1/1000 em) for ' '..='~' (Adobe AFM).
const TIMES_ROMAN: [u16; 95] = [
    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250,
    278, // space../
    500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, // 0..?
    921, 722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, // @..O
    556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611, 333, 278, 333, 469, 500, // P.._
    333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500, // `..o
    500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541, // p..~
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Style {
    Regular,
    Italic,
    Bold,
}

fn char_width(c: char) -> u16 {
    let c = base_letter(c).unwrap_or(c);
    match c {
        ' '..='~' => TIMES_ROMAN[c as usize - 0x20],
        '\u{2022}' => 350,
        'Æ' => 889,
        'æ' => 667,
        _ => 600,
    }
}

/// Width of `s` in mm, set in Times at `size` points.
fn text_width(s: &str, style: Style, size: f32) -> f32 {
    let factor = match style {
        Style::Regular => 1.0,
        Style::Italic => 1.05,
        Style::Bold => 1.12,
    };
    let units: u32 = s.chars().map(|c| u32::from(char_width(c))).sum();
    units as f32 / 1000.0 * size * PT_TO_MM * factor
}

/// Greedy word wrap to `width` mm; a word longer than a line is cut.
fn wrap(text: &str, style: Style, size: f32, width: f32) -> Vec<String> {
    let fits = |s: &str| text_width(s, style, size) <= width;
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if fits(&candidate) {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // The word alone on its line; cut it if even that is too wide.
        let mut rest = word;
        while !fits(rest) {
            let mut cut = 0;
            for (i, c) in rest.char_indices() {
                if !fits(&rest[..i + c.len_utf8()]) {
                    break;
                }
                cut = i + c.len_utf8();
            }
            if cut == 0 {
                cut = rest.chars().next().map_or(rest.len(), char::len_utf8);
            }
            lines.push(rest[..cut].to_string());
            rest = &rest[cut..];
            if rest.is_empty() {
                break;
            }
        }
        line = rest.to_string();
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn font(style: Style) -> BuiltinFont {
    match style {
        Style::Regular => BuiltinFont::TimesRoman,
        Style::Italic => BuiltinFont::TimesItalic,
        Style::Bold => BuiltinFont::TimesBold,
    }
}

const FOOTER_FONT: BuiltinFont = BuiltinFont::Helvetica;

/// A cursor over the pages: where the next line goes, and a new page when it does not fit.
struct Writer {
    doc: Document,
    page_no: usize,
    y: f32,
}

impl Writer {
    fn new_page(&mut self) {
        self.page_no += 1;
        self.y = TOP;
        let n = self.page_no.to_string();
        let w = text_width(&n, Style::Regular, 9.0);
        self.doc
            .add_page(PAGE_W, PAGE_H)
            .text(FOOTER_FONT, 9.0, (PAGE_W - w) / 2.0, FOOTER_Y, &n);
    }

    /// A new page unless `height` mm still fit above the bottom margin.
    fn ensure(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.new_page();
        }
    }

    /// One line whose baseline sits `size` below the cursor; the cursor moves down `leading`.
    fn line(&mut self, text: &str, style: Style, size: f32, x: f32, leading: f32) {
        self.ensure(leading);
        let baseline = self.y - size * PT_TO_MM;
        self.doc.page().text(font(style), size, x, baseline, text);
        self.y -= leading;
    }

    /// Wrapped text between `x` and `x + width`, optionally centred; `text` is Latin-1 already.
    fn block(&mut self, text: &str, style: Style, size: f32, x: f32, width: f32, centred: bool) {
        let leading = size * PT_TO_MM * 1.4;
        for l in wrap(text, style, size, width) {
            let x = if centred {
                x + ((width - text_width(&l, style, size)) / 2.0).max(0.0)
            } else {
                x
            };
            self.line(&l, style, size, x, leading);
        }
    }
}

fn heading_size(level: u8) -> f32 {
    match level {
        0..=2 => 14.0,
        3 => 12.5,
        _ => 11.5,
    }
}

/// The work as a PDF.
pub fn render(book: &BookExport) -> anyhow::Result<Vec<u8>> {
    let mut doc = Document::with_info(Info {
        title: ascii(&book.title),
        author: ascii(&book.authors.join(", ")),
        creator: "Anjungan".into(),
        subject: ascii(&book.category),
        created: Some(book.published),
        modified: Some(book.modified),
    });
    doc.add_page(PAGE_W, PAGE_H);
    let mut w = Writer {
        doc,
        page_no: 1,
        y: TOP,
    };
    let width = RIGHT - LEFT;

    // Title page (unnumbered).
    w.y = PAGE_H - 45.0;
    w.block(&latin1(&book.title), Style::Bold, 22.0, LEFT, width, true);
    w.y -= 6.0;
    let authors: Vec<&str> = book
        .authors
        .iter()
        .map(|a| a.trim())
        .filter(|a| !a.is_empty())
        .collect();
    if !authors.is_empty() {
        w.block(
            &latin1(&authors.join(", ")),
            Style::Regular,
            13.0,
            LEFT,
            width,
            true,
        );
    }
    if let Some(credit) = book.credit.as_deref().filter(|c| !c.trim().is_empty()) {
        w.y -= 2.0;
        w.block(&latin1(credit), Style::Italic, 11.0, LEFT, width, true);
    }
    if !book.category.trim().is_empty() {
        w.y -= 4.0;
        w.block(
            &latin1(&book.category),
            Style::Regular,
            11.0,
            LEFT,
            width,
            true,
        );
    }
    w.y = w.y.min(55.0) - 4.0;
    for line in [
        Some(book.publisher.as_str()),
        book.archive_ref.as_deref(),
        Some(book.url.as_str()),
    ]
    .into_iter()
    .flatten()
    .filter(|l| !l.trim().is_empty())
    {
        w.block(&latin1(line), Style::Regular, 9.0, LEFT, width, true);
    }

    // Chapters, each on a new page.
    for (i, ch) in book.chapters.iter().enumerate() {
        w.new_page();
        let title = match ch.title.trim() {
            "" => format!("Bab {}", i + 1),
            t => t.to_string(),
        };
        w.doc.bookmark(ascii(&title));
        w.y -= 12.0;
        w.block(&latin1(&title), Style::Bold, 18.0, LEFT, width, false);
        w.y -= 5.0;
        let mut previous: Option<BlockKind> = None;
        for (kind, text) in &ch.blocks {
            let text = latin1(text);
            if text.trim().is_empty() {
                continue;
            }
            let after_list = matches!(previous, Some(BlockKind::ListItem { .. }))
                && !matches!(kind, BlockKind::ListItem { .. });
            if after_list {
                w.y -= 1.5;
            }
            match *kind {
                BlockKind::Paragraph => {
                    w.block(&text, Style::Regular, BODY_SIZE, LEFT, width, false);
                    w.y -= 2.2;
                }
                BlockKind::Heading(level) => {
                    let size = heading_size(level);
                    w.y -= 2.5;
                    // Keep the heading with at least two lines of what follows.
                    w.ensure(size * PT_TO_MM * 1.4 + 2.0 * BODY_LEADING);
                    w.block(&text, Style::Bold, size, LEFT, width, false);
                    w.y -= 1.5;
                }
                BlockKind::ListItem { ordered, number } => {
                    let marker = if ordered {
                        format!("{number}.")
                    } else {
                        BULLET.to_string()
                    };
                    let indent = 9.0;
                    let lines = wrap(&text, Style::Regular, BODY_SIZE, width - indent);
                    for (j, l) in lines.iter().enumerate() {
                        w.ensure(BODY_LEADING);
                        if j == 0 {
                            let baseline = w.y - BODY_SIZE * PT_TO_MM;
                            let mw = text_width(&marker, Style::Regular, BODY_SIZE);
                            w.doc.page().text(
                                font(Style::Regular),
                                BODY_SIZE,
                                LEFT + indent - 2.0 - mw,
                                baseline,
                                &marker,
                            );
                        }
                        w.line(l, Style::Regular, BODY_SIZE, LEFT + indent, BODY_LEADING);
                    }
                    w.y -= 1.0;
                }
                BlockKind::Quote => {
                    let indent = 8.0;
                    w.y -= 1.0;
                    w.block(
                        &text,
                        Style::Italic,
                        BODY_SIZE,
                        LEFT + indent,
                        width - 2.0 * indent,
                        false,
                    );
                    w.y -= 3.0;
                }
            }
            previous = Some(*kind);
        }
    }
    w.doc.save()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::export::ChapterExport;
    use time::macros::datetime;

    const SENTENCE: &str =
        "Baru Klinthing nancepake sada lidi ing tengah alun-alun, lan ora ana sing bisa nyabut.";

    fn book(paragraphs_in_chapter_2: usize) -> BookExport {
        let mut ch2 = vec![
            (BlockKind::Heading(2), "Sada lidi".to_string()),
            (BlockKind::Paragraph, SENTENCE.to_string()),
            (
                BlockKind::ListItem {
                    ordered: true,
                    number: 1,
                },
                "Kapisan: wong-wong padha nyoba.".to_string(),
            ),
            (
                BlockKind::ListItem {
                    ordered: false,
                    number: 0,
                },
                "Kapindho: ora ana sing kuwat.".to_string(),
            ),
            (
                BlockKind::Quote,
                "“Sapa sing bisa nyabut lidi iki?” — pitakone bocah kuwi.".to_string(),
            ),
        ];
        for i in 0..paragraphs_in_chapter_2 {
            ch2.push((
                BlockKind::Paragraph,
                format!("Paragraf {i}: banyune mili saka bolongan lidi nganti dadi telaga sing amba lan jero, sing saiki diarani Telaga Ngebel."),
            ));
        }
        BookExport {
            id: 7,
            title: "Asal-usul Telaga Ngebel".into(),
            summary: "Cerita rakyat.".into(),
            authors: vec!["Ki Ageng Wilis".into()],
            credit: Some("Penutur: Mbah Sarmi".into()),
            language: "jv".into(),
            category: "Cerita rakyat".into(),
            tags: vec![],
            published: datetime!(2026-11-02 09:30 +07:00),
            modified: datetime!(2026-11-03 10:00 +07:00),
            url: "https://anjungan.example/cilen/karya/7".into(),
            publisher: "Dinas Perpustakaan dan Kearsipan Kabupaten Trenggalek".into(),
            archive_ref: Some("KAB-TGL/1932/17 — Arsip Daerah Trenggalek".into()),
            chapters: vec![
                ChapterExport {
                    title: "Bagian siji".into(),
                    xhtml: String::new(),
                    blocks: vec![(BlockKind::Paragraph, "Ing jaman biyen ana bocah.".into())],
                },
                ChapterExport {
                    title: "Bagian loro".into(),
                    xhtml: String::new(),
                    blocks: ch2,
                },
            ],
        }
    }

    /// The text of `pdf` per pdftotext, or None when pdftotext is not installed. With CI=true a
    /// missing pdftotext fails the test instead of skipping it.
    fn pdftotext(pdf: &[u8]) -> Option<String> {
        if std::process::Command::new("pdftotext")
            .arg("-v")
            .output()
            .is_err()
        {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("pdftotext (poppler-utils) is required when CI=true");
            }
            eprintln!("note: pdftotext not installed; skipping the text check");
            return None;
        }
        let path = std::env::temp_dir().join(format!(
            "cilen-book-pdf-{}-{:?}.pdf",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::write(&path, pdf).unwrap();
        let out = std::process::Command::new("pdftotext")
            .args(["-enc", "UTF-8"])
            .arg(&path)
            .arg("-")
            .output()
            .unwrap();
        let _ = std::fs::remove_file(&path);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(String::from_utf8(out.stdout).unwrap())
    }

    fn squash(s: &str) -> String {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn latin1_maps_to_plain_forms() {
        assert_eq!(ascii("Sêrat Centhini — é"), "Serat Centhini - e");
    }

    #[test]
    fn wrapped_lines_fit() {
        let text = "Banyune mili saka bolongan lidi nganti dadi telaga sing amba lan jero. \
                    WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW m";
        for style in [Style::Regular, Style::Italic, Style::Bold] {
            let lines = wrap(text, style, 11.0, 60.0);
            assert!(lines.len() > 3);
            for l in &lines {
                assert!(text_width(l, style, 11.0) <= 60.0, "{l:?} too wide");
            }
            assert_eq!(
                squash(&lines.join(" ")).replace(' ', ""),
                text.replace(' ', "")
            );
        }
        assert_eq!(
            wrap("satu dua", Style::Regular, 11.0, 100.0),
            vec!["satu dua"]
        );
        assert!(wrap("   ", Style::Regular, 11.0, 100.0).is_empty());
    }

    #[test]
    fn renders_a_pdf_with_the_text() {
        let pdf = render(&book(0)).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let Some(text) = pdftotext(&pdf) else { return };
        let text = squash(&text);
        assert!(text.contains("Asal-usul Telaga Ngebel"), "{text}");
        assert!(text.contains("Penutur: Mbah Sarmi"));
        assert!(text.contains("KAB-TGL/1932/17 - Arsip Daerah Trenggalek"));
        assert!(text.contains(SENTENCE), "{text}");
        assert!(text.contains("\"Sapa sing bisa nyabut lidi iki?\" - pitakone bocah kuwi."));
        assert!(text.contains("Kapisan: wong-wong padha nyoba."));
    }

    #[test]
    fn a_bare_work_still_renders() {
        let mut b = book(0);
        b.authors.clear();
        b.chapters.clear();
        b.credit = None;
        b.archive_ref = None;
        b.title = "漢字 only".into();
        assert!(render(&b).unwrap().starts_with(b"%PDF-"));
    }

    #[test]
    fn long_chapters_break_onto_numbered_pages() {
        let pdf = render(&book(60)).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let Some(text) = pdftotext(&pdf) else { return };
        let pages: Vec<&str> = text
            .split('\u{c}')
            .filter(|p| !p.trim().is_empty())
            .collect();
        assert!(pages.len() >= 5, "{} pages", pages.len());
        // Title page, chapter 1, then chapter 2 from page 3 on; every later page is numbered.
        assert!(pages[2].contains("Bagian loro"));
        for (i, p) in pages.iter().enumerate().skip(1) {
            let n = (i + 1).to_string();
            assert!(
                p.lines().any(|l| l.trim() == n),
                "page {n} lacks its number"
            );
        }
        assert!(squash(&text).contains("Paragraf 59:"));
    }
}

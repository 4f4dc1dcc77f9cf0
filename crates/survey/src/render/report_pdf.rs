//! The unit's survey report as an A4 PDF: a title, numbered sections and their lines, word-wrapped
//! in the built-in Helvetica, with new pages as the text runs down.

use anjungan_kernel::pdf::{BuiltinFont, Document};

/// One piece of the report, drawn in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// The report's heading (13 pt bold).
    Title(String),
    /// A section heading (12 pt bold).
    Section(String),
    /// A line of text (10 pt).
    Text(String),
}

/// The report: the PDF's title (document metadata) and what the pages show.
#[derive(Debug, Clone)]
pub struct Report {
    pub title: String,
    pub blocks: Vec<Block>,
}

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const LEFT: f32 = 18.0;
const TOP: f32 = 277.0;
const BOTTOM: f32 = 20.0;

/// Built-in PDF fonts cover Latin-1; dashes become `-`, other characters `?`.
fn latin1(text: &str) -> String {
    text.chars()
        .map(|c| {
            if (c as u32) < 256 {
                c
            } else if c == '–' || c == '—' {
                '-'
            } else {
                '?'
            }
        })
        .collect()
}

/// Greedy wrap at `width` characters, splitting on single spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + word.chars().count() + 1 > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push(line);
    out
}

/// The report as PDF bytes.
pub fn render(report: &Report) -> anyhow::Result<Vec<u8>> {
    let mut doc = Document::new(report.title.clone());
    doc.add_page(PAGE_W, PAGE_H);
    let mut y = TOP;
    for block in &report.blocks {
        let (is_bold, size, text) = match block {
            Block::Title(t) => (true, 13.0f32, t),
            Block::Section(t) => (true, 12.0, t),
            Block::Text(t) => (false, 10.0, t),
        };
        for chunk in wrap(&latin1(text), if size > 11.0 { 70 } else { 95 }) {
            if y < BOTTOM {
                doc.add_page(PAGE_W, PAGE_H);
                y = TOP;
            }
            let font = if is_bold {
                BuiltinFont::HelveticaBold
            } else {
                BuiltinFont::Helvetica
            };
            doc.page().text(font, size, LEFT, y, &chunk);
            y -= size * 0.5 + 1.5;
        }
        y -= 1.0;
    }
    doc.save()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_words() {
        assert_eq!(wrap("aa bb cc", 5), vec!["aa bb", "cc"]);
    }

    #[test]
    fn text_is_latin1() {
        assert_eq!(latin1("Sêrat — ok – 漢"), "Sêrat - ok - ?");
    }

    #[test]
    fn renders_a_pdf() {
        let pdf = render(&Report {
            title: "IKM Dinas Kesehatan".into(),
            blocks: vec![
                Block::Title("Indeks Kepuasan Masyarakat — Dinas Kesehatan".into()),
                Block::Section("1. Metode".into()),
                Block::Text("Jumlah responden: 120".into()),
            ],
        })
        .unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
    }
}

//! What the rooms' PDFs share: a document of pages drawn in millimetres with the built-in PDF
//! fonts (nothing embedded, nothing fetched), straight rules, and a QR code drawn as filled
//! squares (letters, certificates and auction tickets all carry one to their verification page).
//!
//! Built on printpdf's page operations; the rooms never touch them directly.

pub use printpdf::BuiltinFont;
use printpdf::{
    Color, CustomPdfConformance, DateTime, Line, LinePoint, Mm, Op, PaintMode, PdfConformance,
    PdfDocument, PdfFontHandle, PdfPage, PdfParseErrorSeverity, PdfSaveOptions, Point, Pt, Rect,
    Rgb, TextItem,
};
use time::OffsetDateTime;

fn black() -> Color {
    Color::Rgb(Rgb::new(0.0, 0.0, 0.0, None))
}

/// One page: its size and what is drawn on it, origin at the lower-left corner.
pub struct Page {
    width: f32,
    height: f32,
    ops: Vec<Op>,
}

impl Page {
    /// `text` at `size` points with its baseline starting at (`x`, `y`) mm. The built-in fonts
    /// speak WinAnsi: pass text through [`crate::text::latin1`] first (anything else prints `?`).
    pub fn text(&mut self, font: BuiltinFont, size: f32, x: f32, y: f32, text: &str) {
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::Builtin(font),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point::new(Mm(x), Mm(y)),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_string())],
            },
            Op::EndTextSection,
        ]);
    }

    /// A black straight line from (`x1`, `y1`) to (`x2`, `y2`) mm, `thickness` points wide.
    pub fn rule(&mut self, (x1, y1): (f32, f32), (x2, y2): (f32, f32), thickness: f32) {
        let point = |x, y| LinePoint {
            p: Point::new(Mm(x), Mm(y)),
            bezier: false,
        };
        self.ops.extend([
            Op::SetOutlineColor { col: black() },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine {
                line: Line {
                    points: vec![point(x1, y1), point(x2, y2)],
                    is_closed: false,
                },
            },
        ]);
    }

    /// A QR code of `data` with its lower-left corner at (`x`, `y`) mm, `size` mm wide.
    pub fn qr(&mut self, data: &str, x: f32, y: f32, size: f32) -> anyhow::Result<()> {
        let qr = qrcode::QrCode::new(data.as_bytes())?;
        let width = qr.width();
        let module = size / width as f32;
        self.ops.push(Op::SetFillColor { col: black() });
        for (i, m) in qr.to_colors().iter().enumerate() {
            if *m == qrcode::Color::Dark {
                let (col, row) = ((i % width) as f32, (i / width) as f32);
                let mx = x + col * module;
                let my = y + size - (row + 1.0) * module;
                let mut square = Rect::from_xywh(
                    Mm(mx).into(),
                    Mm(my).into(),
                    Mm(module).into(),
                    Mm(module).into(),
                );
                square.mode = Some(PaintMode::Fill);
                self.ops.push(Op::DrawRectangle { rectangle: square });
            }
        }
        Ok(())
    }
}

/// The document's information dictionary, as readers show it (`pdfinfo`, a viewer's properties).
#[derive(Debug, Clone, Default)]
pub struct Info {
    pub title: String,
    pub author: String,
    pub creator: String,
    pub subject: String,
    /// Creation and modification time; now when `None`.
    pub created: Option<OffsetDateTime>,
    pub modified: Option<OffsetDateTime>,
}

/// A PDF being drawn: pages in order, and bookmarks to some of them.
pub struct Document {
    info: Info,
    pages: Vec<Page>,
    /// (title, 0-based page index).
    bookmarks: Vec<(String, usize)>,
}

impl Document {
    /// An empty document titled `title`.
    pub fn new(title: impl Into<String>) -> Self {
        Self::with_info(Info {
            title: title.into(),
            ..Info::default()
        })
    }

    pub fn with_info(info: Info) -> Self {
        Self {
            info,
            pages: Vec::new(),
            bookmarks: Vec::new(),
        }
    }

    /// A new last page of `width` × `height` mm, to draw on.
    pub fn add_page(&mut self, width: f32, height: f32) -> &mut Page {
        self.pages.push(Page {
            width,
            height,
            ops: Vec::new(),
        });
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// The last page, or a new A4 page if there is none yet.
    pub fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            return self.add_page(210.0, 297.0);
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// A bookmark (outline entry) titled `title` to the last page.
    pub fn bookmark(&mut self, title: impl Into<String>) {
        let page = self.pages.len().saturating_sub(1);
        self.bookmarks.push((title.into(), page));
    }

    /// The PDF's bytes. Fails if printpdf reports an error while writing it.
    pub fn save(self) -> anyhow::Result<Vec<u8>> {
        let now = OffsetDateTime::now_utc();
        // printpdf writes a date's fields with a +00'00' offset: hand it over in UTC.
        let utc = |t: Option<OffsetDateTime>| {
            DateTime::from_unix_timestamp(t.unwrap_or(now).unix_timestamp())
                .map_err(|e| anyhow::anyhow!("PDF date: {e}"))
        };
        let mut doc = PdfDocument::new(&self.info.title);
        let info = &mut doc.metadata.info;
        info.author = self.info.author;
        info.creator = self.info.creator;
        info.subject = self.info.subject;
        info.creation_date = utc(self.info.created)?;
        info.modification_date = utc(self.info.modified)?;
        info.metadata_date = utc(None)?;
        // A plain PDF: no XMP packet, no output intent (ICC profile), the 14 standard fonts.
        info.conformance = PdfConformance::Custom(CustomPdfConformance {
            requires_xmp_metadata: false,
            requires_icc_profile: false,
            allows_default_fonts: true,
            ..CustomPdfConformance::default()
        });
        for (title, page) in &self.bookmarks {
            // printpdf counts bookmark pages from 1.
            doc.add_bookmark(title, page + 1);
        }
        doc.pages = self
            .pages
            .into_iter()
            .map(|p| PdfPage::new(Mm(p.width), Mm(p.height), p.ops))
            .collect();
        let mut warnings = Vec::new();
        let bytes = doc.save(&PdfSaveOptions::default(), &mut warnings);
        if let Some(e) = warnings
            .iter()
            .find(|w| w.severity == PdfParseErrorSeverity::Error)
        {
            anyhow::bail!("writing the PDF: {}", e.msg);
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_text_rules_and_a_qr_code() {
        let mut doc = Document::new("Uji");
        let page = doc.add_page(148.0, 210.0);
        page.text(BuiltinFont::Helvetica, 10.0, 14.0, 195.0, "Karcis (uji) é");
        page.rule((20.0, 100.0), (120.0, 100.0), 1.2);
        page.qr("http://127.0.0.1/verifikasi/ABC", 14.0, 18.0, 34.0)
            .unwrap();
        doc.bookmark("Bab 1");
        let pdf = doc.save().unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Helvetica"), "the built-in font is named");
        assert!(!text.contains("/FontFile"), "no font is embedded");
    }
}

//! An award certificate: A4 landscape, the award's texts already translated, and a QR code to
//! its verification page.

use anjungan_kernel::pdf::{BuiltinFont, Document};
use anjungan_kernel::text::latin1;

pub struct Certificate<'a> {
    pub title: &'a str,
    pub code: &'a str,
    pub festival: String,
    pub awarded_to: &'a str,
    pub innovation: &'a str,
    pub agency: &'a str,
    pub category: &'a str,
    pub place_and_date: String,
    pub verify_label: &'a str,
    /// The verification page the QR code and the footer point to.
    pub url: &'a str,
}

/// The certificate as PDF bytes.
pub fn pdf(c: &Certificate<'_>) -> Result<Vec<u8>, String> {
    let mut doc = Document::new(latin1(&format!("{} - {}", c.title, c.code)));
    let page = doc.add_page(297.0, 210.0);
    let (bold, regular) = (BuiltinFont::HelveticaBold, BuiltinFont::Helvetica);
    let lines: [(BuiltinFont, f32, f32, String); 7] = [
        (bold, 30.0, 165.0, c.title.to_uppercase()),
        (regular, 14.0, 150.0, c.festival.clone()),
        (regular, 13.0, 132.0, c.awarded_to.to_string()),
        (bold, 20.0, 118.0, c.innovation.to_string()),
        (regular, 14.0, 106.0, c.agency.to_string()),
        (bold, 18.0, 88.0, c.category.to_string()),
        (regular, 11.0, 70.0, c.place_and_date.clone()),
    ];
    for (font, size, y, text) in &lines {
        page.text(*font, *size, 25.0, *y, &latin1(text));
    }
    page.text(
        regular,
        9.0,
        25.0,
        20.0,
        &latin1(&format!("{}: {}", c.verify_label, c.url)),
    );
    // QR code to the verification page, bottom right.
    let size = 45.0f32;
    page.qr(c.url, 297.0 - 25.0 - size, 20.0, size)
        .map_err(|e| e.to_string())?;
    doc.save().map_err(|e| e.to_string())
}

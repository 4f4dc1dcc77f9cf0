//! A letter as an A4 PDF: letterhead, title and number, body, place and date, the signer, and
//! a QR code to the public verification page.

use anjungan_kernel::pdf::{BuiltinFont, Document, Page};

pub struct LetterContent {
    pub unit: String,
    pub letterhead: Vec<String>,
    pub title: String,
    pub number: String,
    pub paragraphs: Vec<String>,
    pub place_date: String,
    pub signer_title: String,
    pub signer_name: String,
    pub verify_url: String,
    pub code: String,
}

pub use anjungan_kernel::text::latin1;

/// Greedy word wrap at `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Horizontal position that centres `text` at `size` points on A4 (Helvetica averages about
/// half an em per character).
fn centred(text: &str, size: f32) -> f32 {
    let width_mm = text.chars().count() as f32 * size * 0.5 * 0.3528;
    ((210.0 - width_mm) / 2.0).max(15.0)
}

fn text(page: &mut Page, font: BuiltinFont, size: f32, x: f32, y: f32, s: &str) {
    page.text(font, size, x, y, &latin1(s));
}

pub fn render(c: &LetterContent) -> anyhow::Result<Vec<u8>> {
    let mut doc = Document::new(latin1(&format!("{} {}", c.title, c.number)));
    let page = doc.add_page(210.0, 297.0);
    let (bold, regular) = (BuiltinFont::HelveticaBold, BuiltinFont::Helvetica);
    let mut y = 278.0f32;
    let head = "PEMERINTAH KABUPATEN TRENGGALEK";
    text(page, bold, 13.0, centred(head, 13.0), y, head);
    y -= 7.0;
    let unit = c.unit.to_uppercase();
    text(page, bold, 15.0, centred(&unit, 15.0), y, &unit);
    for l in &c.letterhead {
        y -= 5.5;
        text(page, regular, 9.5, centred(l, 9.5), y, l);
    }
    y -= 4.0;
    page.rule((20.0, y), (190.0, y), 1.2);
    y -= 12.0;
    text(page, bold, 13.0, centred(&c.title, 13.0), y, &c.title);
    y -= 6.0;
    let number = format!("Nomor: {}", c.number);
    text(page, regular, 11.0, centred(&number, 11.0), y, &number);
    y -= 12.0;
    for p in &c.paragraphs {
        for line in wrap(p, 92) {
            text(page, regular, 11.0, 20.0, y, &line);
            y -= 5.6;
        }
        y -= 3.0;
    }
    y = y.min(110.0) - 6.0;
    let x_sig = 120.0;
    text(page, regular, 11.0, x_sig, y, &c.place_date);
    y -= 5.6;
    text(page, regular, 11.0, x_sig, y, &c.signer_title);
    y -= 5.6;
    text(
        page,
        regular,
        8.5,
        x_sig,
        y,
        "Ditandatangani secara elektronik",
    );
    y -= 14.0;
    text(page, bold, 11.0, x_sig, y, &c.signer_name);
    // QR code to the verification page, bottom left.
    page.qr(&c.verify_url, 20.0, 22.0, 32.0)?;
    text(
        page,
        regular,
        8.0,
        56.0,
        46.0,
        "Pindai kode QR atau buka alamat berikut untuk memeriksa keaslian surat:",
    );
    text(page, regular, 8.0, 56.0, 41.5, &c.verify_url);
    text(
        page,
        regular,
        8.0,
        56.0,
        37.0,
        &format!("Kode verifikasi: {}", c.code),
    );
    text(
        page,
        regular,
        7.5,
        56.0,
        30.0,
        "Dokumen ini ditandatangani secara elektronik; perubahan sekecil apa pun membatalkan tanda tangannya.",
    );
    doc.save()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_words() {
        assert_eq!(
            wrap("satu dua tiga empat", 9),
            vec!["satu dua", "tiga", "empat"]
        );
        assert_eq!(latin1("Rp–5 “x”"), "Rp-5 \"x\"");
    }

    #[test]
    fn renders_a_pdf() {
        let pdf = render(&LetterContent {
            unit: "Desa Nglinggis".into(),
            letterhead: vec!["Kecamatan Tugu".into()],
            title: "SURAT KETERANGAN DOMISILI".into(),
            number: "470/001/35.03.05.2001/XI/2026".into(),
            paragraphs: vec!["Yang bertanda tangan di bawah ini menerangkan bahwa warga tersebut benar berdomisili di desa kami.".into()],
            place_date: "Trenggalek, 28 November 2026".into(),
            signer_title: "Kepala Desa Nglinggis".into(),
            signer_name: "Suyono".into(),
            verify_url: "http://127.0.0.1/verifikasi/ABC".into(),
            code: "ABC".into(),
        })
        .unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
    }
}

//! What the rooms' PDFs share: a QR code drawn as filled squares (letters, certificates and
//! auction tickets all carry one to their verification page).

use printpdf::{Color, Mm, PdfLayerReference, Rect, Rgb};

/// Draws a QR code of `data` with its lower-left corner at (`x`, `y`) mm, `size` mm wide.
pub fn draw_qr(
    layer: &PdfLayerReference,
    data: &str,
    x: f32,
    y: f32,
    size: f32,
) -> anyhow::Result<()> {
    let qr = qrcode::QrCode::new(data.as_bytes())?;
    let width = qr.width();
    let module = size / width as f32;
    layer.set_fill_color(Color::Rgb(Rgb::new(0.0, 0.0, 0.0, None)));
    for (i, m) in qr.to_colors().iter().enumerate() {
        if *m == qrcode::Color::Dark {
            let (col, row) = ((i % width) as f32, (i / width) as f32);
            let mx = x + col * module;
            let my = y + size - (row + 1.0) * module;
            layer.add_rect(
                Rect::new(Mm(mx), Mm(my), Mm(mx + module), Mm(my + module))
                    .with_mode(printpdf::path::PaintMode::Fill),
            );
        }
    }
    Ok(())
}

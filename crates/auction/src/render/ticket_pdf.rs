//! The auction ticket (*karcis lelang*) as a PDF: one A5 page with the sale, the levy, what
//! the buyer pays and the fisher receives, and a QR code to its verification page.

use crate::domain::catalogue::{format_kg, format_rupiah};
use crate::store::settlement::Ticket;
use anjungan_kernel::text::latin1;
use printpdf::{BuiltinFont, Mm, PdfDocument};

pub fn render(t: &Ticket, verify_url: &str) -> anyhow::Result<Vec<u8>> {
    let (doc, page, layer) = PdfDocument::new(
        latin1(&format!("Karcis lelang {}", t.ticket_no)),
        Mm(148.0),
        Mm(210.0),
        "1",
    );
    let layer = doc.get_page(page).get_layer(layer);
    let bold = doc.add_builtin_font(BuiltinFont::HelveticaBold)?;
    let regular = doc.add_builtin_font(BuiltinFont::Helvetica)?;
    let mut y = 195.0f32;
    let mut line = |font: &printpdf::IndirectFontRef, size: f32, s: &str, gap: f32| {
        layer.use_text(latin1(s), size, Mm(14.0), Mm(y), font);
        y -= gap;
    };
    line(&bold, 10.0, "PEMERINTAH KABUPATEN TRENGGALEK", 5.5);
    line(
        &bold,
        14.0,
        &format!("KARCIS LELANG IKAN - {}", t.port.to_uppercase()),
        8.0,
    );
    line(&regular, 11.0, &format!("Nomor: {}", t.ticket_no), 6.0);
    let when = anjungan_kernel::clock::to_wib(t.at);
    line(
        &regular,
        10.0,
        &format!(
            "Waktu: {:02}-{:02}-{} {:02}.{:02} WIB",
            when.day(),
            when.month() as u8,
            when.year(),
            when.hour(),
            when.minute()
        ),
        9.0,
    );
    let rows = [
        ("Jenis ikan", format!("{} ({})", t.species, t.species_code)),
        ("Berat", format_kg(t.grams)),
        ("Harga per kg", format_rupiah(t.price)),
        ("Nilai lelang", format_rupiah(t.value)),
        (
            "Nelayan",
            match &t.boat {
                Some(b) => format!("{} (KM {b})", t.fisher),
                None => t.fisher.clone(),
            },
        ),
        ("Bakul (pembeli)", format!("#{} {}", t.buyer_id, t.buyer)),
        (
            "Retribusi pembeli",
            t.buyer_levy
                .map(format_rupiah)
                .unwrap_or_else(|| "-".into()),
        ),
        (
            "Retribusi nelayan",
            t.seller_levy
                .map(format_rupiah)
                .unwrap_or_else(|| "-".into()),
        ),
        ("Dibayar bakul", format_rupiah(t.buyer_pays())),
        ("Diterima nelayan", format_rupiah(t.seller_receives())),
        (
            "Status",
            if t.paid_at.is_some() {
                "LUNAS".to_string()
            } else {
                "BELUM DIBAYAR".to_string()
            },
        ),
    ];
    for (k, v) in rows {
        layer.use_text(latin1(k), 10.0, Mm(14.0), Mm(y), &regular);
        layer.use_text(latin1(&v), 10.0, Mm(62.0), Mm(y), &bold);
        y -= 6.5;
    }
    anjungan_kernel::pdf::draw_qr(&layer, verify_url, 14.0, 18.0, 34.0)?;
    layer.use_text(
        "Periksa keaslian karcis:",
        8.0,
        Mm(52.0),
        Mm(40.0),
        &regular,
    );
    layer.use_text(latin1(verify_url), 7.0, Mm(52.0), Mm(35.0), &regular);
    Ok(doc.save_to_bytes()?)
}

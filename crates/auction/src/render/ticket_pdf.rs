//! The auction ticket (*karcis lelang*) as a PDF: one A5 page with the sale, the levy, what
//! the buyer pays and the fisher receives, and a QR code to its verification page.

use crate::domain::catalogue::{format_kg, format_rupiah};
use crate::store::settlement::Ticket;
use anjungan_kernel::pdf::{BuiltinFont, Document};
use anjungan_kernel::text::latin1;

pub fn render(t: &Ticket, verify_url: &str) -> anyhow::Result<Vec<u8>> {
    let mut doc = Document::new(latin1(&format!("Karcis lelang {}", t.ticket_no)));
    let page = doc.add_page(148.0, 210.0);
    let (bold, regular) = (BuiltinFont::HelveticaBold, BuiltinFont::Helvetica);
    let mut y = 195.0f32;
    let mut line = |font: BuiltinFont, size: f32, s: &str, gap: f32| {
        page.text(font, size, 14.0, y, &latin1(s));
        y -= gap;
    };
    line(bold, 10.0, "PEMERINTAH KABUPATEN TRENGGALEK", 5.5);
    line(
        bold,
        14.0,
        &format!("KARCIS LELANG IKAN - {}", t.port.to_uppercase()),
        8.0,
    );
    line(regular, 11.0, &format!("Nomor: {}", t.ticket_no), 6.0);
    let when = anjungan_kernel::clock::to_wib(t.at);
    line(
        regular,
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
        page.text(regular, 10.0, 14.0, y, &latin1(k));
        page.text(bold, 10.0, 62.0, y, &latin1(&v));
        y -= 6.5;
    }
    page.qr(verify_url, 14.0, 18.0, 34.0)?;
    page.text(regular, 8.0, 52.0, 40.0, "Periksa keaslian karcis:");
    page.text(regular, 7.0, 52.0, 35.0, &latin1(verify_url));
    doc.save()
}

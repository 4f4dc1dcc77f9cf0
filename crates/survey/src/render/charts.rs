//! Small inline SVG charts: no JavaScript, no external host, readable by screen readers.

use crate::domain::{Element, Grade, Ikm, IkmResult};
use anjungan_kernel::i18n::Tr;
use std::fmt::Write;

pub use anjungan_kernel::text::xml_attr as esc;

/// The bar's colour: its grade, or grey when there is none (no data, or too few forms).
fn grade_class(grade: Option<Grade>) -> &'static str {
    match grade {
        Some(g) => ["ga", "gb", "gc", "gd"][g as usize],
        None => "gn",
    }
}

/// An index as the reader writes decimals.
fn local(v: Ikm, tr: Tr) -> String {
    if tr.lang == anjungan_kernel::i18n::Lang::Id {
        v.comma()
    } else {
        v.dotted()
    }
}

/// Horizontal bars: NRR of each element on the 1–4 scale.
pub fn nrr_bars(result: &IkmResult, tr: Tr) -> String {
    let (w, row, left) = (640, 34, 250);
    let h = row * 9 + 30;
    let mut s = format!(
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="nrr-t"><title id="nrr-t">{}</title>"#,
        esc(tr.s("survey.chart_nrr"))
    );
    let span = (w - left - 60) as f64;
    for (i, e) in Element::ALL.iter().enumerate() {
        let y = 10 + i * row;
        let label = format!("{} {}", e.code(), tr.s(&e.key("name")));
        let _ = write!(
            s,
            r#"<text x="0" y="{}" class="lbl">{}</text>"#,
            y + 20,
            esc(&label)
        );
        if let Some(m) = result.nrr_milli(*e) {
            let bw = span * (m as f64 / 4000.0);
            let _ = write!(
                s,
                r#"<rect x="{left}" y="{}" width="{bw:.1}" height="{}" class="{}"/><text x="{:.1}" y="{}" class="val">{}</text>"#,
                y + 4,
                row - 10,
                // Coloured by the element's exactly rounded score, as the index is graded.
                grade_class(result.element_grade(*e)),
                left as f64 + bw + 6.0,
                y + 20,
                result
                    .nrr(*e)
                    .map(|f| f.local(tr.lang == anjungan_kernel::i18n::Lang::Id))
                    .unwrap_or_default()
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// Vertical bars: IKM per period, oldest first.
pub fn trend(points: &[(String, Option<Ikm>, Option<Grade>)], tr: Tr) -> String {
    let (w, h, base) = (640, 220, 190);
    let n = points.len().max(1);
    let col = (w - 40) / n;
    let mut s = format!(
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="trend-t"><title id="trend-t">{}</title>"#,
        esc(tr.s("survey.chart_trend"))
    );
    for (i, (label, ikm, grade)) in points.iter().enumerate() {
        let x = 20 + i * col;
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" class="lbl" text-anchor="middle">{}</text>"#,
            x + col / 2,
            base + 20,
            esc(label)
        );
        if let Some(v) = ikm {
            let bh = (base - 20) as f64 * v.0 as f64 / 10000.0;
            let _ = write!(
                s,
                r#"<rect x="{}" y="{:.1}" width="{}" height="{bh:.1}" class="{}"/><text x="{}" y="{:.1}" class="val" text-anchor="middle">{}</text>"#,
                x + col / 6,
                base as f64 - bh,
                col * 2 / 3,
                grade_class(*grade),
                x + col / 2,
                base as f64 - bh - 6.0,
                local(*v, tr)
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// Horizontal bars: IKM per unit on the 25–100 scale, with the grade thresholds marked.
pub fn compare(units: &[(String, Option<Ikm>, Option<Grade>)], tr: Tr) -> String {
    let (w, row, left) = (640, 28, 230);
    let h = row * units.len().max(1) + 30;
    let span = (w - left - 60) as f64;
    let mut s = format!(
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="cmp-t"><title id="cmp-t">{}</title>"#,
        esc(tr.s("survey.chart_compare"))
    );
    for t in [6500u32, 7661, 8831] {
        let x = left as f64 + span * t as f64 / 10000.0;
        let _ = write!(
            s,
            r#"<line x1="{x:.1}" y1="0" x2="{x:.1}" y2="{}" class="thr"/>"#,
            h - 20
        );
    }
    for (i, (name, ikm, grade)) in units.iter().enumerate() {
        let y = 6 + i * row;
        let short: String = name.chars().take(30).collect();
        let _ = write!(
            s,
            r#"<text x="0" y="{}" class="lbl">{}</text>"#,
            y + 17,
            esc(&short)
        );
        if let Some(v) = ikm {
            let bw = span * v.0 as f64 / 10000.0;
            let _ = write!(
                s,
                r#"<rect x="{left}" y="{}" width="{bw:.1}" height="{}" class="{}"/><text x="{:.1}" y="{}" class="val">{}</text>"#,
                y + 3,
                row - 8,
                grade_class(*grade),
                left as f64 + bw + 6.0,
                y + 17,
                local(*v, tr)
            );
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Score, Tally};

    #[test]
    fn charts_are_well_formed_and_escape_names() {
        let mut t = Tally::default();
        t.add(&[Score::new(4); 9]);
        let tr = Tr::default();
        let svg = nrr_bars(&t.compute(), tr);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<rect").count(), 9);
        let svg = compare(
            &[
                ("Dinas <A&B>".into(), Some(Ikm(8000)), Some(Grade::B)),
                ("Desa".into(), None, None),
            ],
            tr,
        );
        assert!(svg.contains("Dinas &lt;A&amp;B&gt;") && svg.contains("80,00"));
        assert_eq!(svg.matches("<rect").count(), 1);
        let svg = trend(
            &[
                ("Q1".into(), Some(Ikm(9000)), None),
                ("Q2".into(), None, None),
            ],
            tr,
        );
        assert!(svg.contains("90,00"));
        assert!(!svg.contains("class=\"ga\""), "an ungraded point is grey");
    }

    #[test]
    fn element_bars_take_the_colour_of_the_exact_score() {
        // U1: 1428/466 × 25 = 76.609 → 76.61, grade B; rounding the NRR first gave 76.60 (C).
        let t = Tally {
            responses: 466,
            sums: [1428, 1864, 1864, 1864, 1864, 1864, 1864, 1864, 1864],
            counts: [466; 9],
        };
        let svg = nrr_bars(&t.compute(), Tr::default());
        let first = svg.split("<rect").nth(1).unwrap_or_default();
        assert!(first.contains("class=\"gb\""), "{first}");
        assert!(svg.contains("3,064"));
    }
}

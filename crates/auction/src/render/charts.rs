//! The price history of a species as an inline SVG line chart: no script, no third party, a
//! few hundred bytes.

use crate::domain::catalogue::format_rupiah;
use std::fmt::Write;

use anjungan_kernel::text::xml_attr as esc;

/// Average, lowest and highest price per kg by day (oldest first) as a chart: a line for the
/// average over a band from lowest to highest.
pub fn price_history(title: &str, points: &[(String, i64, i64, i64)]) -> String {
    let (w, h, left, top, bottom) = (640.0f64, 240.0f64, 70.0f64, 20.0f64, 40.0f64);
    let mut s = format!(
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="price-t"><title id="price-t">{}</title>"#,
        esc(title)
    );
    if points.is_empty() {
        s.push_str("</svg>");
        return s;
    }
    let lo = points.iter().map(|p| p.2).min().unwrap_or(0) as f64;
    let hi = points.iter().map(|p| p.3).max().unwrap_or(1) as f64;
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo - 1.0, hi + 1.0)
    };
    let n = points.len();
    let x = |i: usize| {
        left + (w - left - 20.0)
            * if n > 1 {
                i as f64 / (n - 1) as f64
            } else {
                0.5
            }
    };
    let y = |v: i64| top + (h - top - bottom) * (1.0 - (v as f64 - lo) / (hi - lo));
    for v in [lo as i64, ((lo + hi) / 2.0) as i64, hi as i64] {
        let _ = write!(
            s,
            r#"<line x1="{left}" x2="{}" y1="{:.1}" y2="{:.1}" class="thr"/><text x="{}" y="{:.1}" class="lbl" text-anchor="end">{}</text>"#,
            w - 20.0,
            y(v),
            y(v),
            left - 6.0,
            y(v) + 4.0,
            esc(&format_rupiah(v))
        );
    }
    let band: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(p.3)))
        .chain(
            points
                .iter()
                .enumerate()
                .rev()
                .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(p.2))),
        )
        .collect();
    let _ = write!(
        s,
        r##"<polygon points="{}" fill="#cfe3f3"/>"##,
        band.join(" ")
    );
    let line: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(p.1)))
        .collect();
    let _ = write!(
        s,
        r##"<polyline points="{}" fill="none" stroke="#0b5fa5" stroke-width="2.5"/>"##,
        line.join(" ")
    );
    for (i, p) in points.iter().enumerate() {
        let _ = write!(
            s,
            r##"<circle cx="{:.1}" cy="{:.1}" r="3" fill="#0b5fa5"><title>{}: {}</title></circle>"##,
            x(i),
            y(p.1),
            esc(&p.0),
            esc(&format_rupiah(p.1))
        );
    }
    let label_every = (n / 6).max(1);
    for (i, p) in points
        .iter()
        .enumerate()
        .filter(|(i, _)| i % label_every == 0 || *i + 1 == n)
    {
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{}" class="lbl" text-anchor="middle">{}</text>"#,
            x(i),
            h - 14.0,
            esc(&p.0[5..])
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_is_a_small_self_contained_svg() {
        let pts = vec![
            ("2026-11-27".to_string(), 20_000, 18_000, 22_000),
            ("2026-11-28".to_string(), 21_000, 19_500, 23_000),
            ("2026-11-29".to_string(), 19_000, 17_000, 20_500),
        ];
        let svg = price_history("Cakalang <SKJ>", &pts);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(
            svg.contains("Cakalang &lt;SKJ&gt;")
                && svg.contains("11-29")
                && svg.contains("Rp 23.000")
        );
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(!svg.contains("<script") && !svg.contains("http"));
        assert_eq!(
            price_history("x", &[]),
            r#"<svg class="chart" viewBox="0 0 640 240" role="img" aria-labelledby="price-t"><title id="price-t">x</title></svg>"#
        );
    }
}

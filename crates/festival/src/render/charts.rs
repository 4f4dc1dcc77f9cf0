//! The coordinator's chart of votes over time, as inline SVG.

use std::collections::BTreeMap;
use std::fmt::Write;

/// Votes per WIB day as an SVG bar chart.
pub fn votes_chart(per_day: &BTreeMap<String, usize>, title: &str) -> String {
    let max = per_day.values().copied().max().unwrap_or(0).max(1);
    let (w, h, base) = (640usize, 180usize, 150usize);
    let col = (w - 40) / per_day.len().max(1);
    let mut s = format!(
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{}">"#,
        anjungan_kernel::text::xml_attr(title)
    );
    for (i, (day, n)) in per_day.iter().enumerate() {
        let bh = (base - 20) * n / max;
        let x = 20 + i * col;
        let _ = write!(
            s,
            r#"<rect x="{}" y="{}" width="{}" height="{bh}" class="gb"/><text x="{}" y="{}" class="val" text-anchor="middle">{n}</text><text x="{}" y="{}" class="lbl" text-anchor="middle">{}</text>"#,
            x + col / 6,
            base - bh,
            (col * 2 / 3).max(2),
            x + col / 2,
            base - bh - 4,
            x + col / 2,
            base + 18,
            day.get(5..).unwrap_or(day)
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn chart_has_a_bar_per_day() {
        let days: std::collections::BTreeMap<String, usize> =
            [("2020-12-14".to_string(), 3), ("2020-12-15".to_string(), 5)].into();
        let svg = super::votes_chart(&days, "Suara");
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains(">12-15<"));
    }
}

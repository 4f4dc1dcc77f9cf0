//! Exhibition stands and the floor plan drawn from them.

use std::fmt::Write;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StandError {
    #[error("stand numbers are 1–8 letters and digits, e.g. A1")]
    BadNumber,
    #[error("a stand's position is a grid cell from 0 to 39")]
    BadPosition,
}

/// `A1`, `b12` → `A1`, `B12`.
pub fn parse_number(raw: &str) -> Result<String, StandError> {
    let n = raw.trim().to_uppercase();
    if (1..=8).contains(&n.len()) && n.chars().all(|c| c.is_ascii_alphanumeric()) {
        Ok(n)
    } else {
        Err(StandError::BadNumber)
    }
}

pub fn parse_position(x: &str, y: &str) -> Result<(i64, i64), StandError> {
    let p = |s: &str| s.trim().parse::<i64>().ok().filter(|v| (0..40).contains(v));
    match (p(x), p(y)) {
        (Some(x), Some(y)) => Ok((x, y)),
        _ => Err(StandError::BadPosition),
    }
}

pub struct PlanStand<'a> {
    pub number: &'a str,
    pub label: &'a str,
    pub x: i64,
    pub y: i64,
    pub href: String,
}

use anjungan_kernel::text::xml_attr as esc;

/// An SVG floor plan: each stand a linked, labelled cell at its grid position.
pub fn floor_plan(stands: &[PlanStand<'_>], title: &str) -> String {
    const CELL: i64 = 90;
    let w = stands.iter().map(|s| s.x + 1).max().unwrap_or(1) * CELL + 20;
    let h = stands.iter().map(|s| s.y + 1).max().unwrap_or(1) * CELL + 20;
    let mut out = format!(
        r#"<svg class="chart plan" viewBox="0 0 {w} {h}" role="group" aria-labelledby="plan-t"><title id="plan-t">{}</title>"#,
        esc(title)
    );
    for s in stands {
        let (x, y) = (10 + s.x * CELL, 10 + s.y * CELL);
        let short: String = s.label.chars().take(14).collect();
        let _ = write!(
            out,
            r#"<a href="{}"><title>{} {}</title><rect x="{}" y="{}" width="{}" height="{}" rx="6" class="stand"/><text x="{}" y="{}" class="val" text-anchor="middle">{}</text><text x="{}" y="{}" class="lbl" text-anchor="middle">{}</text></a>"#,
            esc(&s.href),
            esc(s.number),
            esc(s.label),
            x + 4,
            y + 4,
            CELL - 8,
            CELL - 8,
            x + CELL / 2,
            y + CELL / 2 - 4,
            esc(s.number),
            x + CELL / 2,
            y + CELL / 2 + 16,
            esc(&short)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_positions_and_plan() {
        assert_eq!(parse_number(" a1 ").unwrap(), "A1");
        assert!(
            parse_number("A-1").is_err()
                && parse_number("").is_err()
                && parse_number("ABCDEFGHI").is_err()
        );
        assert_eq!(parse_position("3", "0"), Ok((3, 0)));
        assert!(parse_position("40", "0").is_err() && parse_position("x", "1").is_err());
        let svg = floor_plan(
            &[
                PlanStand {
                    number: "A1",
                    label: "Dinas <Kominfo>",
                    x: 0,
                    y: 0,
                    href: "/festival/2/stan/A1".into(),
                },
                PlanStand {
                    number: "A2",
                    label: "Disarpus",
                    x: 1,
                    y: 0,
                    href: "/festival/2/stan/A2".into(),
                },
            ],
            "Denah",
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("Dinas &lt;Kominf") && svg.contains(r#"href="/festival/2/stan/A2""#));
    }
}

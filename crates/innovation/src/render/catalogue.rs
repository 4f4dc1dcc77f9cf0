//! The catalogue as a table for CSV and XLSX: one row per verified innovation, columns in the
//! order of the national regional-innovation profile, labels in the reader's language.

use crate::store::Innovation;
use anjungan_kernel::export::Cell;
use anjungan_kernel::i18n::Tr;

/// The header and rows of the catalogue (innovations without a complete profile are left out).
pub fn table(items: &[Innovation], t: &Tr) -> (Vec<String>, Vec<Vec<Cell>>) {
    let fields = [
        "name",
        "org",
        "stage",
        "initiator",
        "kind",
        "form",
        "affair",
        "trial_date",
        "implementation_date",
        "design",
        "goal",
        "benefit",
        "result",
        "sdgs",
        "video_url",
        "vision",
        "regulation",
    ];
    let header: Vec<String> = fields
        .iter()
        .map(|f| t.s(&format!("innovation.field.{f}")).to_string())
        .collect();
    let rows: Vec<Vec<Cell>> = items
        .iter()
        .filter_map(|i| i.profile.as_ref().map(|p| (i, p)))
        .map(|(i, p)| {
            let txt = |s: String| Cell::Text(s);
            vec![
                txt(p.name.clone()),
                txt(i.org_name.clone()),
                txt(t.s(&p.stage.key()).into()),
                txt(t.s(&p.initiator.key()).into()),
                txt(t.s(&p.kind.key()).into()),
                txt(t.s(&p.form.key()).into()),
                txt(t.s(&p.affair.key()).into()),
                p.trial_date
                    .map(|d| txt(d.to_string()))
                    .unwrap_or(Cell::Empty),
                p.implementation_date
                    .map(|d| txt(d.to_string()))
                    .unwrap_or(Cell::Empty),
                txt(p.design.clone()),
                txt(p.goal.clone()),
                txt(p.benefit.clone()),
                txt(p.result.clone()),
                txt(p
                    .sdgs
                    .iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")),
                txt(p.video_url.clone()),
                txt(p.vision.clone()),
                txt(p
                    .regulation
                    .as_ref()
                    .map(|r| format!("{} {}/{}", t.s(&r.kind.key()), r.number, r.year))
                    .unwrap_or_default()),
            ]
        })
        .collect();
    (header, rows)
}

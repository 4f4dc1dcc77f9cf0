//! Tabular exports shared by the rooms: CSV (RFC 4180, UTF-8 with BOM, formula-safe) and XLSX.

/// A cell: text or a number (numbers stay numbers in spreadsheets).
#[derive(Debug, Clone)]
pub enum Cell {
    Text(String),
    Int(i64),
    Empty,
}

#[derive(Debug, thiserror::Error)]
#[error("spreadsheet: {0}")]
pub struct ExportError(String);

/// RFC 4180 CSV with a UTF-8 byte-order mark so spreadsheet programs read Indonesian text right.
pub fn csv(header: &[String], rows: &[Vec<Cell>]) -> String {
    fn field(s: &str) -> String {
        // Cells starting with formula characters are prefixed so spreadsheets do not run them.
        let s = if s.starts_with(['=', '+', '-', '@']) {
            format!("'{s}")
        } else {
            s.to_string()
        };
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    }
    let mut out = String::from("\u{feff}");
    out.push_str(
        &header
            .iter()
            .map(|h| field(h))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push_str("\r\n");
    for r in rows {
        let line: Vec<String> = r
            .iter()
            .map(|c| match c {
                Cell::Text(t) => field(t),
                Cell::Int(i) => i.to_string(),
                Cell::Empty => String::new(),
            })
            .collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

pub fn xlsx(header: &[String], rows: &[Vec<Cell>]) -> Result<Vec<u8>, ExportError> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)
            .map_err(|e| ExportError(e.to_string()))?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            match cell {
                Cell::Text(t) => {
                    ws.write_string(r, c, t)
                        .map_err(|e| ExportError(e.to_string()))?;
                }
                Cell::Int(i) => {
                    ws.write_number(r, c, *i as f64)
                        .map_err(|e| ExportError(e.to_string()))?;
                }
                Cell::Empty => {}
            }
        }
    }
    wb.save_to_buffer().map_err(|e| ExportError(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let out = csv(
            &["a".into(), "b".into()],
            &[
                vec![Cell::Text("x, \"y\"".into()), Cell::Text("=1+1".into())],
                vec![Cell::Int(4), Cell::Empty],
            ],
        );
        assert_eq!(out, "\u{feff}a,b\r\n\"x, \"\"y\"\"\",'=1+1\r\n4,\r\n");
    }

    #[test]
    fn xlsx_is_a_zip() {
        let bytes = xlsx(&["a".into()], &[vec![Cell::Int(1)]]).unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}

//! A village's resident register, imported from CSV with the columns Dukcapil extracts use:
//! `nik,kk,nama,tempat_lahir,tanggal_lahir,jenis_kelamin,alamat,rt,rw,dusun`.

use super::nik::{Kk, Nik, Sex};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resident {
    pub nik: Nik,
    pub kk: Kk,
    pub name: String,
    pub birth_place: String,
    pub birth_date: time::Date,
    pub sex: Sex,
    pub address: String,
    pub rt: String,
    pub rw: String,
    pub hamlet: String,
}

pub const COLUMNS: [&str; 10] = [
    "nik",
    "kk",
    "nama",
    "tempat_lahir",
    "tanggal_lahir",
    "jenis_kelamin",
    "alamat",
    "rt",
    "rw",
    "dusun",
];

/// A problem on one line of the file (1-based, header included), for the importer to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub message_key: &'static str,
}

pub const MAX_ROWS: usize = 50_000;

fn date(raw: &str) -> Option<time::Date> {
    let raw = raw.trim();
    let iso = time::macros::format_description!("[year]-[month]-[day]");
    let id = time::macros::format_description!("[day]-[month]-[year]");
    time::Date::parse(raw, &iso)
        .or_else(|_| time::Date::parse(&raw.replace('/', "-"), &id))
        .ok()
}

fn short(s: &str, max: usize) -> Option<String> {
    let s = s.trim();
    (s.chars().count() <= max).then(|| s.to_string())
}

/// Parses the whole file; any bad line rejects the import (nothing half-imported), and every
/// bad line is reported.
pub fn parse_csv(text: &str) -> Result<Vec<Resident>, Vec<LineError>> {
    let text = text.trim_start_matches('\u{feff}');
    let delimiter = if text.lines().next().is_some_and(|h| h.contains(';')) {
        b';'
    } else {
        b','
    };
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(_) => {
            return Err(vec![LineError {
                line: 1,
                message_key: "desk.import.header",
            }]);
        }
    };
    let idx: Vec<Option<usize>> = COLUMNS
        .iter()
        .map(|c| header.iter().position(|h| h == c))
        .collect();
    if idx[..7].iter().any(Option::is_none) {
        return Err(vec![LineError {
            line: 1,
            message_key: "desk.import.header",
        }]);
    }
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        if out.len() + errors.len() >= MAX_ROWS {
            errors.push(LineError {
                line,
                message_key: "desk.import.too_many",
            });
            break;
        }
        let Ok(rec) = rec else {
            errors.push(LineError {
                line,
                message_key: "desk.import.malformed",
            });
            continue;
        };
        let col = |k: usize| idx[k].and_then(|i| rec.get(i)).unwrap_or("").trim();
        let row = (|| {
            let nik = Nik::parse(col(0)).map_err(|e| e.message_key())?;
            let kk = Kk::parse(col(1)).map_err(|_| "desk.import.kk")?;
            let name = short(col(2), 120)
                .filter(|n| !n.is_empty())
                .ok_or("desk.error.name")?;
            let birth_place = short(col(3), 80).ok_or("desk.import.too_long")?;
            let birth_date = date(col(4)).ok_or("desk.error.date")?;
            let sex = Sex::parse(col(5)).ok_or("desk.import.sex")?;
            if !nik.agrees_with(birth_date, sex) {
                return Err("desk.error.register_mismatch");
            }
            Ok(Resident {
                nik,
                kk,
                name,
                birth_place,
                birth_date,
                sex,
                address: short(col(6), 200).ok_or("desk.import.too_long")?,
                rt: short(col(7), 5).ok_or("desk.import.too_long")?,
                rw: short(col(8), 5).ok_or("desk.import.too_long")?,
                hamlet: short(col(9), 80).ok_or("desk.import.too_long")?,
            })
        })();
        match row {
            Ok(r) if !seen.insert(r.nik.as_str().to_string()) => errors.push(LineError {
                line,
                message_key: "desk.import.duplicate",
            }),
            Ok(r) => out.push(r),
            Err(key) => errors.push(LineError {
                line,
                message_key: key,
            }),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_file_with_both_date_styles_and_semicolons() {
        let csv = "\u{feff}NIK;KK;Nama;Tempat_Lahir;Tanggal_Lahir;Jenis_Kelamin;Alamat;RT;RW;Dusun\n\
                   3503051203850001;3503050101090007;Budi Santoso;Trenggalek;1985-03-12;L;Jl. Raya Nglinggis 4;002;001;Krajan\n\
                   3503055203900002;3503050101090007;Sri Wahyuni;Tulungagung;12/03/1990;P;Jl. Raya Nglinggis 4;002;001;Krajan\n";
        let rows = parse_csv(csv).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].sex, Sex::Female);
        assert_eq!(rows[1].birth_date, time::macros::date!(1990 - 03 - 12));
        assert_eq!(rows[0].hamlet, "Krajan");
    }

    #[test]
    fn every_bad_line_is_reported_and_nothing_is_taken() {
        let csv = "nik,kk,nama,tempat_lahir,tanggal_lahir,jenis_kelamin,alamat\n\
                   3503051203850001,3503050101090007,Budi,Trenggalek,1985-03-12,L,Jl. A\n\
                   3503051203850001,3503050101090007,Budi lagi,Trenggalek,1985-03-12,L,Jl. A\n\
                   3503051203850003,3503050101090007,Salah Tanggal,Trenggalek,1985-03-13,L,Jl. A\n\
                   12345,3503050101090007,Pendek,Trenggalek,1985-03-12,L,Jl. A\n\
                   3503051203850004,3503050101090007,,Trenggalek,1985-03-12,L,Jl. A\n\
                   3503051203850005,3503050101090007,Jenis,Trenggalek,1985-03-12,X,Jl. A\n";
        let errs = parse_csv(csv).unwrap_err();
        let got: Vec<(usize, &str)> = errs.iter().map(|e| (e.line, e.message_key)).collect();
        assert_eq!(
            got,
            vec![
                (3, "desk.import.duplicate"),
                (4, "desk.error.register_mismatch"),
                (5, "desk.error.nik_length"),
                (6, "desk.error.name"),
                (7, "desk.import.sex"),
            ]
        );
        assert_eq!(
            parse_csv("nama,alamat\nBudi,Jl. A\n").unwrap_err()[0].message_key,
            "desk.import.header"
        );
    }
}

//! A service's request form: typed fields with required flags and order, and the validation of
//! what a citizen filled in. The same fields are Open311's service-definition attributes.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = desk::FieldKind)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    String,
    Number,
    Date,
    Text,
    SingleChoice,
    MultipleChoice,
    File,
}

impl FieldKind {
    pub const ALL: [FieldKind; 7] = [
        FieldKind::String,
        FieldKind::Number,
        FieldKind::Date,
        FieldKind::Text,
        FieldKind::SingleChoice,
        FieldKind::MultipleChoice,
        FieldKind::File,
    ];

    pub fn code(self) -> &'static str {
        match self {
            FieldKind::String => "string",
            FieldKind::Number => "number",
            FieldKind::Date => "date",
            FieldKind::Text => "text",
            FieldKind::SingleChoice => "single_choice",
            FieldKind::MultipleChoice => "multiple_choice",
            FieldKind::File => "file",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }

    /// The Open311 GeoReport v2 datatype. A file travels as a `string` holding its address.
    pub fn open311(self) -> &'static str {
        match self {
            FieldKind::String | FieldKind::File => "string",
            FieldKind::Number => "number",
            FieldKind::Date => "datetime",
            FieldKind::Text => "text",
            FieldKind::SingleChoice => "singlevaluelist",
            FieldKind::MultipleChoice => "multivaluelist",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = desk::Choice)]
pub struct Choice {
    pub key: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = desk::Field)]
pub struct Field {
    /// `[a-z0-9_]`, unique in the form; the Open311 attribute code.
    pub code: String,
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
    pub order: u32,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub choices: Vec<Choice>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = desk::Form)]
pub struct Form {
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error("required")]
    Required,
    #[error("too long")]
    TooLong,
    #[error("not a number")]
    NotANumber,
    #[error("not a date (YYYY-MM-DD)")]
    NotADate,
    #[error("not one of the choices")]
    NotAChoice,
    #[error("a form needs codes of lowercase letters, digits and _, each used once")]
    BadDefinition,
    #[error("not an uploaded file")]
    NotAFile,
}

impl FieldError {
    pub fn message_key(self) -> &'static str {
        match self {
            FieldError::Required => "desk.error.field_required",
            FieldError::TooLong => "desk.error.field_too_long",
            FieldError::NotANumber => "desk.error.field_number",
            FieldError::NotADate => "desk.error.field_date",
            FieldError::NotAChoice => "desk.error.field_choice",
            FieldError::BadDefinition => "desk.error.form_definition",
            FieldError::NotAFile => "desk.error.field_file",
        }
    }
}

/// What a citizen answered, by field code; multiple choices joined in one list.
pub type Answers = BTreeMap<String, Vec<String>>;

pub const STRING_MAX: usize = 200;
pub const TEXT_MAX: usize = 4000;

impl Form {
    /// Whether the form asks for an upload (and so is sent as multipart).
    pub fn has_file(&self) -> bool {
        self.fields.iter().any(|f| f.kind == FieldKind::File)
    }

    /// Fields in display order.
    pub fn ordered(&self) -> Vec<&Field> {
        let mut f: Vec<&Field> = self.fields.iter().collect();
        f.sort_by_key(|x| (x.order, x.code.clone()));
        f
    }

    /// Checks a definition an admin or operator wrote.
    pub fn validate_definition(&self) -> Result<(), FieldError> {
        let mut seen = std::collections::BTreeSet::new();
        for f in &self.fields {
            let code_ok = !f.code.is_empty()
                && f.code.len() <= 40
                && f.code
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            let choices_ok = match f.kind {
                FieldKind::SingleChoice | FieldKind::MultipleChoice => !f.choices.is_empty(),
                _ => f.choices.is_empty(),
            };
            if !code_ok || !choices_ok || f.label.trim().is_empty() || !seen.insert(&f.code) {
                return Err(FieldError::BadDefinition);
            }
        }
        Ok(())
    }

    /// Validates raw `(code, value)` pairs (a multiple choice repeats its code). Returns the clean
    /// answers or every field's error, so a form can show them all at once.
    pub fn validate(&self, raw: &[(String, String)]) -> Result<Answers, Vec<(String, FieldError)>> {
        let mut answers = Answers::new();
        let mut errors = Vec::new();
        for f in self.ordered() {
            let values: Vec<&str> = raw
                .iter()
                .filter(|(k, _)| *k == f.code)
                .map(|(_, v)| v.trim())
                .filter(|v| !v.is_empty())
                .collect();
            match check_field(f, &values) {
                Ok(v) if v.is_empty() => {}
                Ok(v) => {
                    answers.insert(f.code.clone(), v);
                }
                Err(e) => errors.push((f.code.clone(), e)),
            }
        }
        if errors.is_empty() {
            Ok(answers)
        } else {
            Err(errors)
        }
    }
}

fn check_field(f: &Field, values: &[&str]) -> Result<Vec<String>, FieldError> {
    if values.is_empty() {
        return if f.required {
            Err(FieldError::Required)
        } else {
            Ok(Vec::new())
        };
    }
    let single = |max: usize| -> Result<Vec<String>, FieldError> {
        let v = values[0];
        if v.chars().count() > max {
            Err(FieldError::TooLong)
        } else {
            Ok(vec![v.to_string()])
        }
    };
    match f.kind {
        FieldKind::String => single(STRING_MAX),
        // An uploaded file is referred to by its SHA-256.
        FieldKind::File => match values[0] {
            v if v.len() == 64
                && v.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) =>
            {
                Ok(vec![v.to_string()])
            }
            _ => Err(FieldError::NotAFile),
        },
        FieldKind::Text => single(TEXT_MAX),
        FieldKind::Number => {
            let v = values[0].replace(',', ".");
            match v.parse::<f64>() {
                Ok(n) if n.is_finite() && v.len() <= 30 => Ok(vec![v]),
                _ => Err(FieldError::NotANumber),
            }
        }
        FieldKind::Date => {
            let fmt = time::macros::format_description!("[year]-[month]-[day]");
            // Open311 sends a datetime; its date part is what a letter needs.
            let day = values[0].get(..10).unwrap_or(values[0]);
            time::Date::parse(day, &fmt)
                .map(|d| vec![d.format(&fmt).unwrap_or_default()])
                .map_err(|_| FieldError::NotADate)
        }
        FieldKind::SingleChoice => {
            if values.len() == 1 && f.choices.iter().any(|c| c.key == values[0]) {
                Ok(vec![values[0].to_string()])
            } else {
                Err(FieldError::NotAChoice)
            }
        }
        FieldKind::MultipleChoice => {
            let mut out: Vec<String> = Vec::new();
            for v in values {
                if !f.choices.iter().any(|c| c.key == *v) {
                    return Err(FieldError::NotAChoice);
                }
                if !out.iter().any(|o| o == v) {
                    out.push(v.to_string());
                }
            }
            Ok(out)
        }
    }
}

/// The display text of an answer: choice names instead of keys.
pub fn display(f: &Field, values: &[String]) -> String {
    match f.kind {
        FieldKind::SingleChoice | FieldKind::MultipleChoice => values
            .iter()
            .map(|v| {
                f.choices
                    .iter()
                    .find(|c| &c.key == v)
                    .map(|c| c.name.clone())
                    .unwrap_or_else(|| v.clone())
            })
            .collect::<Vec<_>>()
            .join(", "),
        _ => values.join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(code: &str, kind: FieldKind, required: bool, order: u32) -> Field {
        let choices = match kind {
            FieldKind::SingleChoice | FieldKind::MultipleChoice => vec![
                Choice {
                    key: "a".into(),
                    name: "Satu".into(),
                },
                Choice {
                    key: "b".into(),
                    name: "Dua".into(),
                },
            ],
            _ => vec![],
        };
        Field {
            code: code.into(),
            label: code.to_uppercase(),
            kind,
            required,
            order,
            description: String::new(),
            choices,
        }
    }

    fn form() -> Form {
        Form {
            fields: vec![
                field("keperluan", FieldKind::Text, true, 2),
                field("nama_usaha", FieldKind::String, true, 1),
                field("modal", FieldKind::Number, false, 3),
                field("sejak", FieldKind::Date, false, 4),
                field("jenis", FieldKind::SingleChoice, true, 5),
                field("hari", FieldKind::MultipleChoice, false, 6),
            ],
        }
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn clean_answers_in_order() {
        let f = form();
        assert_eq!(
            f.ordered()
                .iter()
                .map(|x| x.code.as_str())
                .collect::<Vec<_>>(),
            ["nama_usaha", "keperluan", "modal", "sejak", "jenis", "hari"]
        );
        let a = f
            .validate(&pairs(&[
                ("nama_usaha", " Warung Bu Sri "),
                ("keperluan", "Kredit usaha"),
                ("modal", "1500000,5"),
                ("sejak", "2019-07-01T00:00:00+07:00"),
                ("jenis", "b"),
                ("hari", "a"),
                ("hari", "b"),
                ("hari", "a"),
                ("tak_dikenal", "x"),
            ]))
            .unwrap();
        assert_eq!(a["nama_usaha"], ["Warung Bu Sri"]);
        assert_eq!(a["modal"], ["1500000.5"]);
        assert_eq!(a["sejak"], ["2019-07-01"]);
        assert_eq!(a["hari"], ["a", "b"]);
        assert!(!a.contains_key("tak_dikenal"));
        assert_eq!(display(&f.fields[5], &a["hari"]), "Satu, Dua");
    }

    #[test]
    fn every_error_at_once() {
        let errs = form()
            .validate(&pairs(&[
                ("nama_usaha", &"x".repeat(201)),
                ("modal", "banyak"),
                ("sejak", "31-12-2019"),
                ("jenis", "z"),
                ("hari", "a"),
                ("hari", "q"),
            ]))
            .unwrap_err();
        assert_eq!(
            errs,
            vec![
                ("nama_usaha".into(), FieldError::TooLong),
                ("keperluan".into(), FieldError::Required),
                ("modal".into(), FieldError::NotANumber),
                ("sejak".into(), FieldError::NotADate),
                ("jenis".into(), FieldError::NotAChoice),
                ("hari".into(), FieldError::NotAChoice),
            ]
        );
        assert_eq!(
            form().validate(&pairs(&[
                ("nama_usaha", "x"),
                ("keperluan", "y"),
                ("jenis", "a"),
                ("jenis", "b")
            ])),
            Err(vec![("jenis".into(), FieldError::NotAChoice)])
        );
        assert!(
            form()
                .validate(&pairs(&[
                    ("nama_usaha", "x"),
                    ("keperluan", "y"),
                    ("jenis", "a"),
                    ("modal", "NaN")
                ]))
                .is_err()
        );
    }

    #[test]
    fn definitions_are_checked() {
        assert!(form().validate_definition().is_ok());
        let mut f = form();
        f.fields[1].code = "Nama Usaha".into();
        assert_eq!(f.validate_definition(), Err(FieldError::BadDefinition));
        let mut f = form();
        f.fields[1].code = "keperluan".into();
        assert_eq!(f.validate_definition(), Err(FieldError::BadDefinition));
        let mut f = form();
        f.fields[4].choices.clear();
        assert_eq!(f.validate_definition(), Err(FieldError::BadDefinition));
        assert_eq!(FieldKind::Date.open311(), "datetime");
        let upload = Form {
            fields: vec![field("ktp", FieldKind::File, true, 1)],
        };
        assert!(upload.has_file() && !form().has_file());
        assert_eq!(
            upload.validate(&pairs(&[("ktp", "ktp.jpg")])),
            Err(vec![("ktp".into(), FieldError::NotAFile)])
        );
        let sha = "a".repeat(64);
        assert_eq!(
            upload.validate(&pairs(&[("ktp", &sha)])).unwrap()["ktp"][0],
            sha
        );
        assert_eq!(FieldKind::MultipleChoice.open311(), "multivaluelist");
    }
}

/// The form as editable text, one field per line:
/// `code | label | kind | wajib | key=Name; key=Name | description`.
pub fn to_lines(form: &Form) -> String {
    form.ordered()
        .iter()
        .map(|f| {
            let choices = f
                .choices
                .iter()
                .map(|c| format!("{}={}", c.key, c.name))
                .collect::<Vec<_>>()
                .join("; ");
            let mut line = format!(
                "{} | {} | {} | {} | {}",
                f.code,
                f.label,
                f.kind.code(),
                if f.required { "wajib" } else { "opsional" },
                choices
            );
            if !f.description.is_empty() {
                line.push_str(&format!(" | {}", f.description));
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Parses [`to_lines`]'s text back; the order is the order of the lines. Returns the 1-based
/// line of the first problem.
pub fn parse_lines(text: &str) -> Result<Form, (usize, FieldError)> {
    let mut fields = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        let bad = (i + 1, FieldError::BadDefinition);
        if parts.len() < 3 {
            return Err(bad);
        }
        let kind = FieldKind::parse(parts[2]).ok_or(bad)?;
        let required = matches!(
            parts.get(3).map(|r| r.to_lowercase()).as_deref(),
            Some("wajib" | "ya" | "required" | "yes")
        );
        let choices = parts
            .get(4)
            .map(|c| {
                c.split(';')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(|c| {
                        let (key, name) = c.split_once('=').unwrap_or((c, c));
                        Choice {
                            key: key.trim().to_string(),
                            name: name.trim().to_string(),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        fields.push(Field {
            code: parts[0].to_string(),
            label: parts[1].to_string(),
            kind,
            required,
            order: fields.len() as u32 + 1,
            description: parts.get(5).map(|d| d.to_string()).unwrap_or_default(),
            choices,
        });
    }
    let form = Form { fields };
    form.validate_definition().map_err(|e| (0, e))?;
    Ok(form)
}

#[cfg(test)]
mod lines_tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let text = "nama_usaha | Nama usaha | string | wajib\n\njenis | Jenis usaha | single_choice | wajib | dagang=Perdagangan; jasa=Jasa | Pilih satu\nsejak | Mulai | date | opsional";
        let form = parse_lines(text).unwrap();
        assert_eq!(form.fields.len(), 3);
        assert_eq!(form.fields[1].choices[1].name, "Jasa");
        assert_eq!(form.fields[1].description, "Pilih satu");
        assert!(!form.fields[2].required);
        assert_eq!(parse_lines(&to_lines(&form)).unwrap(), form);
        assert_eq!(
            parse_lines("a | A | bogus").unwrap_err(),
            (1, FieldError::BadDefinition)
        );
        assert_eq!(
            parse_lines("x | X | string\ny | Y").unwrap_err(),
            (2, FieldError::BadDefinition)
        );
        assert_eq!(
            parse_lines("x | X | single_choice | wajib").unwrap_err().1,
            FieldError::BadDefinition
        );
        assert_eq!(parse_lines("").unwrap(), Form::default());
    }
}

//! Organisation rules, pure: kinds, the official region codes, scope paths, profile validation.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[schema(as = kernel::orgs::OrgKind)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Regency,
    District,
    Village,
    Ward,
    Agency,
}

impl OrgKind {
    pub const ALL: [OrgKind; 5] = [
        OrgKind::Regency,
        OrgKind::District,
        OrgKind::Village,
        OrgKind::Ward,
        OrgKind::Agency,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrgKind::Regency => "regency",
            OrgKind::District => "district",
            OrgKind::Village => "village",
            OrgKind::Ward => "ward",
            OrgKind::Agency => "agency",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }

    /// The level names used in the Kepmendagri region-code list.
    pub fn from_wilayah_level(level: &str) -> Option<Self> {
        match level {
            "kabupaten" | "kota" => Some(OrgKind::Regency),
            "kecamatan" => Some(OrgKind::District),
            "desa" => Some(OrgKind::Village),
            "kelurahan" => Some(OrgKind::Ward),
            _ => None,
        }
    }

    pub fn label_key(self) -> String {
        format!("org.kind.{}", self.code())
    }
}

/// Where an organisation sits in the tree: its id and its materialised path `/1/2/10/`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[schema(as = kernel::orgs::OrgRef)]
pub struct OrgRef {
    pub id: i64,
    pub path: String,
}

impl OrgRef {
    /// True when `self` is `scope` or lies beneath it.
    pub fn is_within(&self, scope: &OrgRef) -> bool {
        let scope_path = if scope.path.ends_with('/') {
            scope.path.clone()
        } else {
            format!("{}/", scope.path)
        };
        self.path.starts_with(&scope_path)
    }

    pub fn child_path(parent_path: Option<&str>, id: i64) -> String {
        format!("{}{id}/", parent_path.unwrap_or("/"))
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = kernel::orgs::Organisation)]
pub struct Organisation {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    pub parent_id: Option<i64>,
    #[serde(skip)]
    pub path: String,
    pub short_name: String,
    pub email: String,
    pub phone: String,
    pub address: String,
    pub head_name: String,
    pub website: String,
    pub updated_at: i64,
}

impl Organisation {
    pub fn as_ref(&self) -> OrgRef {
        OrgRef {
            id: self.id,
            path: self.path.clone(),
        }
    }
}

/// A row of `data/wilayah-35.03-trenggalek.csv`: `code,name,level,parent_code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WilayahRow {
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    pub parent_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrgError {
    #[error("line {0} of the region list is malformed")]
    BadWilayahLine(usize),
    #[error("name is required (at most 200 characters)")]
    NameRequired,
    #[error("code must be 2–32 capital letters, digits, dots or dashes")]
    BadCode,
    #[error("invalid e-mail")]
    BadEmail,
    #[error("invalid phone")]
    BadPhone,
    #[error("website must start with http:// or https://")]
    BadWebsite,
    #[error("field too long")]
    TooLong,
    #[error("code already used")]
    CodeTaken,
    #[error("organisation not found")]
    NotFound,
}

impl OrgError {
    pub fn message_key(&self) -> &'static str {
        match self {
            OrgError::BadWilayahLine(_) => "error.internal",
            OrgError::NameRequired => "error.name_required",
            OrgError::BadCode => "org.error.bad_code",
            OrgError::BadEmail => "error.invalid_email",
            OrgError::BadPhone => "org.error.bad_phone",
            OrgError::BadWebsite => "org.error.bad_website",
            OrgError::TooLong => "error.too_long",
            OrgError::CodeTaken => "org.error.code_taken",
            OrgError::NotFound => "error.not_found",
        }
    }
}

/// Parses the official region list; parents always precede their children in the file.
pub fn parse_wilayah(csv: &str) -> Result<Vec<WilayahRow>, OrgError> {
    let mut rows = Vec::new();
    for (i, line) in csv.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split(',').map(str::trim).collect();
        if cols.len() != 4 {
            return Err(OrgError::BadWilayahLine(i + 1));
        }
        let kind = OrgKind::from_wilayah_level(cols[2]).ok_or(OrgError::BadWilayahLine(i + 1))?;
        rows.push(WilayahRow {
            code: cols[0].to_string(),
            name: cols[1].to_string(),
            kind,
            parent_code: (!cols[3].is_empty()).then(|| cols[3].to_string()),
        });
    }
    Ok(rows)
}

/// The official list shipped with the binary (Kepmendagri No 300.2.2-2138 Tahun 2025).
pub const TRENGGALEK_WILAYAH: &str = include_str!("../../data/wilayah-35.03-trenggalek.csv");

/// Contact details a unit may edit about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, Serialize, utoipa::ToSchema)]
#[schema(as = kernel::orgs::OrgProfile)]
pub struct OrgProfile {
    pub name: String,
    #[serde(default)]
    pub short_name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub head_name: String,
    #[serde(default)]
    pub website: String,
}

fn limited(s: &str, max: usize) -> Result<String, OrgError> {
    let t = s.trim();
    if t.chars().count() > max || t.chars().any(|c| c.is_control() && c != '\n') {
        return Err(OrgError::TooLong);
    }
    Ok(t.to_string())
}

impl OrgProfile {
    /// Trims and checks every field; office phones may be landlines, so only digits and `+-() ` count.
    pub fn validate(self) -> Result<Self, OrgError> {
        let name = self.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(OrgError::NameRequired);
        }
        let email = limited(&self.email, 254)?;
        if !email.is_empty() && crate::identity::domain::Email::parse(&email).is_err() {
            return Err(OrgError::BadEmail);
        }
        let phone = limited(&self.phone, 40)?;
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        if !phone.is_empty()
            && (digits < 5
                || !phone
                    .chars()
                    .all(|c| c.is_ascii_digit() || "+-() ".contains(c)))
        {
            return Err(OrgError::BadPhone);
        }
        let website = limited(&self.website, 300)?;
        if !(website.is_empty()
            || website.starts_with("https://")
            || website.starts_with("http://"))
        {
            return Err(OrgError::BadWebsite);
        }
        Ok(Self {
            name,
            short_name: limited(&self.short_name, 60)?,
            email,
            phone,
            address: limited(&self.address, 500)?,
            head_name: limited(&self.head_name, 120)?,
            website,
        })
    }
}

/// An agency code such as `DISKOMINFO` or `OPD.4.01`.
pub fn parse_agency_code(raw: &str) -> Result<String, OrgError> {
    let code = raw.trim().to_uppercase();
    let ok = (2..=32).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '.' || c == '-');
    // Region codes are numeric with dots; agencies must not collide with that space.
    if ok && code.chars().any(|c| c.is_ascii_uppercase()) {
        Ok(code)
    } else {
        Err(OrgError::BadCode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_region_list_has_the_regency_14_districts_and_157_villages_and_wards() {
        let rows = parse_wilayah(TRENGGALEK_WILAYAH).unwrap();
        let count = |k| rows.iter().filter(|r| r.kind == k).count();
        assert_eq!(count(OrgKind::Regency), 1);
        assert_eq!(count(OrgKind::District), 14);
        assert_eq!(count(OrgKind::Village) + count(OrgKind::Ward), 157);
        assert_eq!(count(OrgKind::Ward), 5);
        let nglinggis = rows.iter().find(|r| r.name == "Nglinggis").unwrap();
        let tugu = rows
            .iter()
            .find(|r| Some(&r.code) == nglinggis.parent_code.as_ref())
            .unwrap();
        assert_eq!(tugu.name, "Tugu");
        // Parents precede children, so the tree can be built in one pass.
        for (i, r) in rows.iter().enumerate() {
            if let Some(p) = &r.parent_code {
                assert!(
                    rows[..i].iter().any(|q| &q.code == p),
                    "{} before its parent",
                    r.code
                );
            }
        }
    }

    #[test]
    fn malformed_region_lines_are_reported() {
        assert_eq!(
            parse_wilayah("h\n1,2,3\n"),
            Err(OrgError::BadWilayahLine(2))
        );
        assert_eq!(
            parse_wilayah("h\n1,a,planet,\n"),
            Err(OrgError::BadWilayahLine(2))
        );
    }

    #[test]
    fn profile_validation() {
        let ok = OrgProfile {
            name: " Dinas Kominfo ".into(),
            phone: "(0355) 791-234".into(),
            ..Default::default()
        };
        assert_eq!(ok.validate().unwrap().name, "Dinas Kominfo");
        let bad = |p: OrgProfile| p.validate().unwrap_err();
        assert_eq!(bad(OrgProfile::default()), OrgError::NameRequired);
        assert_eq!(
            bad(OrgProfile {
                name: "x".into(),
                email: "nope".into(),
                ..Default::default()
            }),
            OrgError::BadEmail
        );
        assert_eq!(
            bad(OrgProfile {
                name: "x".into(),
                phone: "call me".into(),
                ..Default::default()
            }),
            OrgError::BadPhone
        );
        assert_eq!(
            bad(OrgProfile {
                name: "x".into(),
                website: "javascript:alert(1)".into(),
                ..Default::default()
            }),
            OrgError::BadWebsite
        );
    }

    #[test]
    fn agency_codes() {
        assert_eq!(parse_agency_code(" diskominfo ").unwrap(), "DISKOMINFO");
        assert!(parse_agency_code("35.03").is_err());
        assert!(parse_agency_code("A").is_err());
        assert!(parse_agency_code("DINAS KOMINFO").is_err());
    }
}

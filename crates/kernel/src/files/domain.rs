//! Upload rules, pure.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than {max} bytes")]
    TooLarge { max: usize },
    #[error("this kind of file is not accepted")]
    UnsupportedType,
    #[error("file name too long")]
    BadName,
}

impl FileError {
    pub fn message_key(&self) -> &'static str {
        match self {
            FileError::Empty => "file.error.empty",
            FileError::TooLarge { .. } => "file.error.too_large",
            FileError::UnsupportedType => "file.error.type",
            FileError::BadName => "error.too_long",
        }
    }
}

/// Who may fetch a stored file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = kernel::files::Access)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Anyone, by its digest at `/berkas/{sha256}` (covers, published photos).
    Public,
    /// Only through the room that holds it, to those it allows (letters, request attachments,
    /// evidence, register imports); sealed at rest and never served by digest.
    Private,
}

impl Access {
    pub fn code(self) -> &'static str {
        match self {
            Access::Public => "public",
            Access::Private => "private",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "public" => Some(Access::Public),
            "private" => Some(Access::Private),
            _ => None,
        }
    }
}

/// Accepted kinds: documents and images that evidence, letters and stories need.
const ALLOWED: &[&str] = &[
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/webp",
    "image/gif",
];

/// Checks an upload by its bytes, never by its name or the client's claimed type; returns its
/// MIME type.
pub fn check(bytes: &[u8], max: usize) -> Result<&'static str, FileError> {
    if bytes.is_empty() {
        return Err(FileError::Empty);
    }
    if bytes.len() > max {
        return Err(FileError::TooLarge { max });
    }
    let kind = infer::get(bytes).ok_or(FileError::UnsupportedType)?;
    ALLOWED
        .iter()
        .find(|m| **m == kind.mime_type())
        .copied()
        .ok_or(FileError::UnsupportedType)
}

/// Keeps a display name safe for headers: no path, no control or quote characters.
pub fn clean_name(raw: &str) -> Result<String, FileError> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .collect();
    if cleaned.chars().count() > 200 {
        return Err(FileError::BadName);
    }
    Ok(if cleaned.trim().is_empty() {
        "file".into()
    } else {
        cleaned.trim().to_string()
    })
}

/// A SHA-256 written as 64 lower-case hex digits, as used in file URLs.
pub fn is_digest(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = &[
        0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
    ];

    #[test]
    fn type_comes_from_content() {
        assert_eq!(check(PNG, 100), Ok("image/png"));
        assert_eq!(check(b"%PDF-1.7\n", 100), Ok("application/pdf"));
        assert_eq!(
            check(b"<script>alert(1)</script>", 100),
            Err(FileError::UnsupportedType)
        );
        assert_eq!(
            check(b"MZ\x90\x00\x03\x00\x00\x00", 100),
            Err(FileError::UnsupportedType)
        );
        assert_eq!(check(b"", 100), Err(FileError::Empty));
        assert_eq!(check(PNG, 4), Err(FileError::TooLarge { max: 4 }));
    }

    #[test]
    fn names_lose_paths_and_quotes() {
        assert_eq!(clean_name("../../etc/passwd").unwrap(), "passwd");
        assert_eq!(clean_name("C:\\x\\sop \"v2\".pdf").unwrap(), "sop v2.pdf");
        assert_eq!(clean_name("").unwrap(), "file");
        assert!(is_digest(&"a".repeat(64)));
        assert!(!is_digest("../x"));
    }
}

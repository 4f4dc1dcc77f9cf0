//! Evidence (*bukti dukung*) attached to an innovation: documents filed under a section of the
//! regent's method (one of the four pillars) and photos of the innovation. Pure rules: who may
//! attach and remove, which sections and kinds of file, how many photos, what a title must be.
//!
//! Evidence does not change whether a pillar is *complete* ([`super::Profile::readiness`] is
//! about what the profile states); the readiness view shows each pillar's evidence beside it.

use super::{Command, LifecycleError, Pillar, Status, transition};
use anjungan_kernel::files::domain::{FileError, check};
use anjungan_kernel::identity::domain::Principal;
use anjungan_kernel::orgs::domain::OrgRef;

/// Photos per innovation, at most.
pub const MAX_PHOTOS: usize = 6;
/// A document's title or a photo's caption, at most this many characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Photos are shown inline on the public page, so only plain raster images (never SVG).
pub const PHOTO_TYPES: &[&str] = &["image/png", "image/jpeg", "image/webp"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = innovation::AttachmentKind)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    /// A document in a section of the regent's method.
    Document,
    /// A photo of the innovation.
    Photo,
}

impl AttachmentKind {
    pub fn code(self) -> &'static str {
        match self {
            AttachmentKind::Document => "document",
            AttachmentKind::Photo => "photo",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [AttachmentKind::Document, AttachmentKind::Photo]
            .into_iter()
            .find(|k| k.code() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvidenceError {
    /// Not the owning unit's staff, or the innovation is not editable now.
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
    #[error("unknown section")]
    UnknownSection,
    #[error("a title is required")]
    TitleRequired,
    #[error("the title is too long")]
    TitleTooLong,
    #[error(transparent)]
    File(#[from] FileError),
    #[error("photos must be PNG, JPEG or WebP")]
    PhotoType,
    #[error("at most {MAX_PHOTOS} photos")]
    TooManyPhotos,
}

impl EvidenceError {
    /// Locale key of the message (for rule errors; lifecycle and file errors have their own).
    pub fn message_key(&self) -> &'static str {
        match self {
            EvidenceError::Lifecycle(_) => "error.forbidden",
            EvidenceError::UnknownSection => "innovation.error.section",
            EvidenceError::TitleRequired | EvidenceError::TitleTooLong => "innovation.error.title",
            EvidenceError::File(f) => f.message_key(),
            EvidenceError::PhotoType => "innovation.error.photo_type",
            EvidenceError::TooManyPhotos => "innovation.error.too_many_photos",
        }
    }
}

/// An upload that passed the rules: what to record beside the stored file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    pub kind: AttachmentKind,
    /// The pillar a document belongs to; `None` for photos.
    pub section: Option<Pillar>,
    /// Title of a document, caption of a photo.
    pub title: String,
    pub mime: &'static str,
}

/// Evidence is attached and removed by whoever may edit the profile, while it may be edited
/// (the owning unit's staff, in draft or returned).
pub fn may_attach(status: Status, who: &Principal, owner: &OrgRef) -> Result<(), EvidenceError> {
    transition(status, &Command::Edit, who, owner, &[])?;
    Ok(())
}

/// A title or caption: trimmed, not empty, at most [`MAX_TITLE_CHARS`], one line.
pub fn title(raw: &str) -> Result<String, EvidenceError> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(EvidenceError::TitleRequired);
    }
    if t.chars().count() > MAX_TITLE_CHARS || t.chars().any(char::is_control) {
        return Err(EvidenceError::TitleTooLong);
    }
    Ok(t.to_string())
}

/// A document for a section: a PDF or an image, as the platform accepts them (checked by
/// content, at most `max` bytes).
pub fn document(
    section: &str,
    raw_title: &str,
    bytes: &[u8],
    max: usize,
) -> Result<NewAttachment, EvidenceError> {
    let section = Pillar::parse(section).ok_or(EvidenceError::UnknownSection)?;
    let title = title(raw_title)?;
    let mime = check(bytes, max)?;
    Ok(NewAttachment {
        kind: AttachmentKind::Document,
        section: Some(section),
        title,
        mime,
    })
}

/// A photo with its caption: PNG, JPEG or WebP by content, at most `max` bytes.
pub fn photo(caption: &str, bytes: &[u8], max: usize) -> Result<NewAttachment, EvidenceError> {
    let title = title(caption)?;
    let mime = check(bytes, max)?;
    if !PHOTO_TYPES.contains(&mime) {
        return Err(EvidenceError::PhotoType);
    }
    Ok(NewAttachment {
        kind: AttachmentKind::Photo,
        section: None,
        title,
        mime,
    })
}

/// Whether one more attachment of `kind` fits beside the `existing` ones of that kind.
pub fn room_for(kind: AttachmentKind, existing: usize) -> Result<(), EvidenceError> {
    match kind {
        AttachmentKind::Photo if existing >= MAX_PHOTOS => Err(EvidenceError::TooManyPhotos),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::principal as who;
    use anjungan_kernel::identity::domain::Role;

    const PNG: &[u8] = &[
        0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
    ];
    const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;";
    const PDF: &[u8] = b"%PDF-1.4\n%%EOF\n";

    fn unit(id: i64) -> OrgRef {
        OrgRef {
            id,
            path: format!("/1/{id}/"),
        }
    }

    #[test]
    fn only_the_owning_unit_attaches_and_only_while_editable() {
        let kominfo = unit(3);
        let op = who(Role::UnitOperator, Some(kominfo.clone()));
        assert_eq!(may_attach(Status::Draft, &op, &kominfo), Ok(()));
        assert_eq!(may_attach(Status::Returned, &op, &kominfo), Ok(()));
        for s in [Status::Submitted, Status::Verified] {
            assert_eq!(
                may_attach(s, &op, &kominfo),
                Err(EvidenceError::Lifecycle(LifecycleError::WrongStatus))
            );
        }
        for other in [
            who(Role::UnitOperator, Some(unit(5))),
            who(Role::Coordinator, None),
            who(Role::Citizen, None),
        ] {
            assert_eq!(
                may_attach(Status::Draft, &other, &kominfo),
                Err(EvidenceError::Lifecycle(LifecycleError::Forbidden))
            );
        }
    }

    #[test]
    fn documents_go_to_one_of_the_four_sections() {
        for p in Pillar::ALL {
            let d = document(p.code(), " SK Bupati ", PDF, 100).unwrap();
            assert_eq!(d.section, Some(p));
            assert_eq!(d.title, "SK Bupati");
            assert_eq!(d.mime, "application/pdf");
        }
        assert_eq!(
            document("design", "SK", PDF, 100),
            Err(EvidenceError::UnknownSection)
        );
        assert_eq!(
            document("vision", "  ", PDF, 100),
            Err(EvidenceError::TitleRequired)
        );
        assert_eq!(
            document("vision", &"x".repeat(201), PDF, 100),
            Err(EvidenceError::TitleTooLong)
        );
        assert_eq!(
            document("vision", "a\u{0}b", PDF, 100),
            Err(EvidenceError::TitleTooLong)
        );
        assert_eq!(
            document("vision", "SK", b"<html>hi</html>", 100),
            Err(EvidenceError::File(FileError::UnsupportedType))
        );
        assert_eq!(
            document("vision", "SK", PDF, 4),
            Err(EvidenceError::File(FileError::TooLarge { max: 4 }))
        );
        assert_eq!(
            document("vision", "SK", b"", 100),
            Err(EvidenceError::File(FileError::Empty))
        );
        assert_eq!(
            document("regulation", "Foto", PNG, 100).unwrap().mime,
            "image/png"
        );
    }

    #[test]
    fn photos_are_png_jpeg_or_webp_by_content_with_a_caption() {
        let p = photo("Stan pameran", PNG, 100).unwrap();
        assert_eq!(p.kind, AttachmentKind::Photo);
        assert_eq!(p.section, None);
        assert_eq!(photo("Stan", GIF, 100), Err(EvidenceError::PhotoType));
        assert_eq!(photo("Stan", PDF, 100), Err(EvidenceError::PhotoType));
        assert_eq!(
            photo("Stan", b"<svg xmlns='http://www.w3.org/2000/svg'/>", 100),
            Err(EvidenceError::File(FileError::UnsupportedType))
        );
        assert_eq!(photo("", PNG, 100), Err(EvidenceError::TitleRequired));
    }

    #[test]
    fn at_most_six_photos_and_any_number_of_documents() {
        assert_eq!(room_for(AttachmentKind::Photo, 0), Ok(()));
        assert_eq!(room_for(AttachmentKind::Photo, MAX_PHOTOS - 1), Ok(()));
        assert_eq!(
            room_for(AttachmentKind::Photo, MAX_PHOTOS),
            Err(EvidenceError::TooManyPhotos)
        );
        assert_eq!(room_for(AttachmentKind::Document, 1000), Ok(()));
        assert_eq!(AttachmentKind::parse("photo"), Some(AttachmentKind::Photo));
        assert_eq!(AttachmentKind::parse("video"), None);
    }

    #[test]
    fn sections_are_the_pillars_codes() {
        let codes: Vec<&str> = Pillar::ALL.iter().map(|p| p.code()).collect();
        assert_eq!(codes, ["vision", "regulation", "partners", "execution"]);
        assert_eq!(Pillar::parse(" partners "), Some(Pillar::Partners));
        assert_eq!(Pillar::parse("Vision"), None);
    }
}

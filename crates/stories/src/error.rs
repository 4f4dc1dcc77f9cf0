//! The errors of Cilen: `StoryError`, each refusal of its rules with the translated message it
//! shows, and `StoreError`, what a use case or a query returns — a refusal or a kernel failure
//! (the database, access).

#[allow(unused_imports)]
use crate::domain::*;

/// The one error type of the room; each maps to a translated message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoryError {
    #[error(transparent)]
    Workflow(#[from] WorkflowError),
    #[error(transparent)]
    RichText(#[from] richtext::RichTextError),
    #[error("a title is required (at most 160 characters)")]
    BadTitle,
    #[error("the text is too long")]
    TooLong,
    #[error("the text is required")]
    TextRequired,
    #[error(
        "a tag may hold letters, digits, spaces and hyphens (at most 12 tags of 40 characters)"
    )]
    BadTag,
    #[error("an archive story needs its archival reference code")]
    ArchiveRefRequired,
    #[error("the cover must be an uploaded image")]
    BadCover,
    #[error("a pen name of 2 to 60 characters is required")]
    BadPenName,
    #[error("choose a pen name before writing")]
    NoPenName,
    #[error("unknown category, language or rating")]
    BadChoice,
    #[error("this slug is already used")]
    SlugTaken,
    #[error("the chapter does not exist")]
    NoSuchChapter,
    #[error("at most 200 chapters")]
    TooManyChapters,
    #[error("the work is not published")]
    NotPublished,
    #[error("no author with a pen name has that e-mail address")]
    NoSuchAuthor,
    #[error("that account is not credited on this work")]
    NotCredited,
    #[error("already credited on this work")]
    AlreadyAuthor,
    #[error("at most six authors on a work")]
    TooManyAuthors,
    #[error("a work keeps at least one author")]
    LastAuthor,
    #[error("an author does not follow themselves")]
    SelfFollow,
}

impl StoryError {
    pub fn message_key(&self) -> &'static str {
        match self {
            StoryError::Workflow(WorkflowError::NotNow { .. }) => "stories.error.not_now",
            StoryError::Workflow(WorkflowError::NotYours) => "error.forbidden",
            StoryError::Workflow(WorkflowError::NoteRequired) => "stories.error.note_required",
            StoryError::Workflow(WorkflowError::NoChapters) => "stories.error.no_chapters",
            StoryError::RichText(e) => e.message_key(),
            StoryError::BadTitle => "stories.error.title",
            StoryError::TooLong => "stories.error.too_long",
            StoryError::TextRequired => "stories.error.text_required",
            StoryError::BadTag => "stories.error.tag",
            StoryError::ArchiveRefRequired => "stories.error.archive_ref",
            StoryError::BadCover => "stories.error.cover",
            StoryError::BadPenName => "stories.error.pen_name",
            StoryError::NoPenName => "stories.error.no_pen_name",
            StoryError::BadChoice => "stories.error.choice",
            StoryError::SlugTaken => "stories.error.slug_taken",
            StoryError::NoSuchChapter => "stories.error.no_chapter",
            StoryError::TooManyChapters => "stories.error.too_many_chapters",
            StoryError::NotPublished => "stories.error.not_published",
            StoryError::NoSuchAuthor => "stories.error.no_such_author",
            StoryError::NotCredited => "error.not_found",
            StoryError::AlreadyAuthor => "stories.error.already_author",
            StoryError::TooManyAuthors => "stories.error.too_many_authors",
            StoryError::LastAuthor => "stories.error.last_author",
            StoryError::SelfFollow => "stories.error.self_follow",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Story(#[from] StoryError),
    #[error(transparent)]
    Kernel(#[from] anjungan_kernel::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Kernel(e.into())
    }
}

impl From<crate::domain::WorkflowError> for StoreError {
    fn from(e: crate::domain::WorkflowError) -> Self {
        StoreError::Story(e.into())
    }
}

impl From<crate::domain::richtext::RichTextError> for StoreError {
    fn from(e: crate::domain::richtext::RichTextError) -> Self {
        StoreError::Story(e.into())
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

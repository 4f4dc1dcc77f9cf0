//! A work and what describes it: category, language, audience rating, tags, the archival
//! reference of archive stories, and the checks an author's input must pass.

use super::workflow::{Command, State, WorkflowError};
use super::{MAX_CHAPTERS, StoryError};
use serde::{Deserialize, Serialize};

macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident, $prefix:literal, { $($variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $code)] $variant),+ }

        // Written out rather than derived: the derive does not see the codes through the macro
        // and would describe the Rust variant names instead of what the API sends.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($code),+]))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(concat!("stories.", stringify!($name)))
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|x| x.code() == s)
            }

            /// The translation key of its label.
            pub fn label_key(self) -> String {
                format!(concat!($prefix, ".{}"), self.code())
            }
        }
    };
}

code_enum!(
    /// What kind of writing a work is; OAI-PMH sets and Atom categories follow it.
    Category, "stories.category", {
        FolkTale => "cerita_rakyat",
        LocalHistory => "sejarah_lokal",
        ArchiveStory => "cerita_arsip",
        ShortStory => "cerpen",
        Poetry => "puisi",
        Essay => "esai",
    }
);

code_enum!(
    /// The languages Cilen publishes in (BCP 47 codes).
    Language, "stories.language", {
        Indonesian => "id",
        Javanese => "jv",
        English => "en",
    }
);

code_enum!(
    /// Who the work suits.
    Rating, "stories.rating", {
        General => "semua_umur",
        Teen => "remaja",
        Adult => "dewasa",
    }
);

/// Where an archive story comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = stories::ArchiveRef)]
pub struct ArchiveRef {
    /// The holding's reference code, e.g. `ARS-TGL/1934/IR-07`.
    pub code: String,
    pub description: String,
    pub institution: String,
}

impl ArchiveRef {
    pub fn is_empty(&self) -> bool {
        self.code.trim().is_empty()
    }

    /// One line for citations: "ARS-TGL/1934/IR-07 — Laporan irigasi, Arsip Daerah".
    pub fn citation(&self) -> String {
        let mut s = self.code.trim().to_string();
        for part in [&self.description, &self.institution] {
            if !part.trim().is_empty() {
                s.push_str(if s.contains(" — ") { ", " } else { " — " });
                s.push_str(part.trim());
            }
        }
        s
    }
}

pub const MAX_TITLE: usize = 160;
pub const MAX_SUMMARY: usize = 1_500;
pub const MAX_CREDIT: usize = 200;
pub const MAX_TAGS: usize = 12;
pub const MAX_TAG: usize = 40;
pub const MAX_PEN_NAME: usize = 60;

/// What an author enters about a work (the chapters come separately).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = stories::WorkInput)]
pub struct WorkInput {
    pub title: String,
    #[serde(default)]
    pub summary: String,
    pub category: Category,
    pub language: Language,
    #[serde(default = "general")]
    pub rating: Rating,
    #[serde(default)]
    pub complete: bool,
    /// Tags as typed ("legenda, air terjun"): normalised by [`normalise_tags`].
    #[serde(default)]
    pub tags: Vec<String>,
    /// An oral source or archive the work credits ("Penutur: Mbah Sarmi").
    #[serde(default)]
    pub credit: String,
    /// Required for archive stories.
    #[serde(default)]
    pub archive: Option<ArchiveRef>,
    /// The cover image: the SHA-256 of an uploaded file.
    #[serde(default)]
    pub cover: Option<String>,
}

fn general() -> Rating {
    Rating::General
}

impl WorkInput {
    /// Trims and checks; returns the cleaned input.
    pub fn validated(mut self) -> Result<WorkInput, StoryError> {
        self.title = one_line(&self.title);
        self.summary = self.summary.trim().replace("\r\n", "\n");
        self.credit = one_line(&self.credit);
        if self.title.is_empty() || self.title.chars().count() > MAX_TITLE {
            return Err(StoryError::BadTitle);
        }
        if self.summary.chars().count() > MAX_SUMMARY || self.credit.chars().count() > MAX_CREDIT {
            return Err(StoryError::TooLong);
        }
        self.tags = normalise_tags(&self.tags)?;
        if let Some(a) = &mut self.archive {
            a.code = one_line(&a.code);
            a.description = one_line(&a.description);
            a.institution = one_line(&a.institution);
            if a.code.chars().count() > 80
                || a.description.chars().count() > 400
                || a.institution.chars().count() > 160
            {
                return Err(StoryError::TooLong);
            }
        }
        if self.archive.as_ref().is_some_and(ArchiveRef::is_empty) {
            self.archive = None;
        }
        if self.category == Category::ArchiveStory && self.archive.is_none() {
            return Err(StoryError::ArchiveRefRequired);
        }
        if let Some(c) = &self.cover
            && !anjungan_kernel::files::domain::is_digest(c)
        {
            return Err(StoryError::BadCover);
        }
        Ok(self)
    }
}

/// Collapses whitespace to single spaces and trims.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Tags: lowercase, trimmed, inner whitespace collapsed, split on commas too, deduplicated in
/// order; at most [`MAX_TAGS`] of at most [`MAX_TAG`] characters, letters, digits, spaces and
/// hyphens only.
pub fn normalise_tags(raw: &[String]) -> Result<Vec<String>, StoryError> {
    let mut out: Vec<String> = Vec::new();
    for piece in raw.iter().flat_map(|t| t.split(',')) {
        let tag = one_line(&piece.to_lowercase());
        if tag.is_empty() {
            continue;
        }
        let ok = tag.chars().count() <= MAX_TAG
            && tag
                .chars()
                .all(|c| c.is_alphanumeric() || c == ' ' || c == '-');
        if !ok {
            return Err(StoryError::BadTag);
        }
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    if out.len() > MAX_TAGS {
        return Err(StoryError::BadTag);
    }
    Ok(out)
}

/// A pen name: one line, 2–60 characters.
pub fn pen_name(raw: &str) -> Result<String, StoryError> {
    let s = one_line(raw);
    let n = s.chars().count();
    if !(2..=MAX_PEN_NAME).contains(&n) {
        return Err(StoryError::BadPenName);
    }
    Ok(s)
}

/// A chapter title: one line, at most 160 characters; empty becomes "Bab N".
pub fn chapter_title(raw: &str, position: i64) -> Result<String, StoryError> {
    let s = one_line(raw);
    if s.chars().count() > MAX_TITLE {
        return Err(StoryError::BadTitle);
    }
    Ok(if s.is_empty() {
        format!("Bab {position}")
    } else {
        s
    })
}

// A report of a work by a reader.
code_enum!(
    ReportReason, "stories.report_reason", {
        Inappropriate => "tidak_pantas",
        Copyright => "hak_cipta",
        Error => "kesalahan",
        Other => "lainnya",
    }
);

/// The most authors credited on one work.
pub const MAX_AUTHORS: usize = 6;

/// Crediting another author: an account that writes under a pen name (`candidate` is its id,
/// if such an account was found), not yet credited, within the limit.
pub fn check_new_author(current: &[i64], candidate: Option<i64>) -> Result<i64, StoryError> {
    let id = candidate.ok_or(StoryError::NoSuchAuthor)?;
    if current.contains(&id) {
        return Err(StoryError::AlreadyAuthor);
    }
    if current.len() >= MAX_AUTHORS {
        return Err(StoryError::TooManyAuthors);
    }
    Ok(id)
}

/// Removing an author's credit: an author may take their own name off, and the first-credited
/// author may remove the others (a co-author cannot push out the one who invited them); never
/// the last. `current` is in credit order.
pub fn check_author_removal(current: &[i64], acting: i64, who: i64) -> Result<(), StoryError> {
    if !current.contains(&who) {
        return Err(StoryError::NotCredited);
    }
    if who != acting && current.first() != Some(&acting) {
        return Err(StoryError::Workflow(
            super::workflow::WorkflowError::NotYours,
        ));
    }
    if current.len() <= 1 {
        return Err(StoryError::LastAuthor);
    }
    Ok(())
}

pub const MAX_COMMENT: usize = 2_000;
pub const MAX_NOTE: usize = 2_000;

/// A comment: trimmed, 1..=max characters, see [`note_of`].
pub fn text_of(raw: &str, max: usize) -> Result<String, StoryError> {
    let s = note_of(raw, max)?;
    if s.is_empty() {
        return Err(StoryError::TextRequired);
    }
    Ok(s)
}

/// A reader's note (may be empty): trimmed, line breaks as `\n`, at most `max` characters.
/// Invisible control characters (a NUL, an escape) are dropped: they mean nothing in a note,
/// and PostgreSQL refuses a NUL in text.
pub fn note_of(raw: &str, max: usize) -> Result<String, StoryError> {
    let s: String = raw
        .replace("\r\n", "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect();
    let s = s.trim().to_string();
    if s.chars().count() > max {
        return Err(StoryError::TooLong);
    }
    Ok(s)
}

/// A collection's slug from its title ("Legenda Trenggalek" → `legenda-trenggalek`).
pub fn slug_of(title: &str) -> String {
    anjungan_kernel::text::slug(title).replace('_', "-")
}

/// A new draft's slug: the title's, cut to 60 characters ("karya" when the title has none),
/// with six hex digits of `random` so that two works of one title differ.
pub fn draft_slug(title: &str, random: u32) -> String {
    let base = slug_of(title);
    let base = if base.is_empty() {
        "karya".into()
    } else {
        base
    };
    format!(
        "{}-{:06x}",
        base.chars().take(60).collect::<String>(),
        random & 0xff_ffff
    )
}

/// An author may change a work only while credited on it and while its state allows editing.
pub fn check_editable(authors: &[i64], state: State, user_id: i64) -> Result<(), StoryError> {
    if !authors.contains(&user_id) {
        return Err(StoryError::Workflow(WorkflowError::NotYours));
    }
    if !state.editable() {
        return Err(StoryError::Workflow(WorkflowError::NotNow {
            state,
            command: Command::Submit,
        }));
    }
    Ok(())
}

/// Only a draft that was never published may be deleted: a published work stays, for
/// OAI-PMH's persistent deleted records.
pub fn check_draft_deletion(state: State, ever_published: bool) -> Result<(), StoryError> {
    if ever_published {
        return Err(StoryError::Workflow(WorkflowError::NotNow {
            state,
            command: Command::TakeDown,
        }));
    }
    Ok(())
}

/// The position of a new last chapter after `chapters`, within [`MAX_CHAPTERS`].
pub fn next_chapter(chapters: i64) -> Result<i64, StoryError> {
    if chapters >= MAX_CHAPTERS {
        return Err(StoryError::TooManyChapters);
    }
    Ok(chapters + 1)
}

/// A chapter moves up only if it exists and is not the first.
pub fn check_move_up(position: i64, chapters: i64) -> Result<(), StoryError> {
    if position < 2 || position > chapters {
        return Err(StoryError::NoSuchChapter);
    }
    Ok(())
}

/// Readers act (kudos, bookmarks, comments, reports) only on a published work; `state` is the
/// work's state code.
pub fn check_published(state: &str) -> Result<(), StoryError> {
    if state == State::Published.code() {
        Ok(())
    } else {
        Err(StoryError::NotPublished)
    }
}

/// A bookmark marks a chapter of the work: 1 up to its last (1 when it has none yet).
pub fn bookmark_position(position: i64, chapters: i64) -> i64 {
    position.clamp(1, chapters.max(1))
}

/// A report's details: trimmed, at most [`MAX_NOTE`] characters, required for "other".
pub fn report_details(reason: ReportReason, details: &str) -> Result<&str, StoryError> {
    let details = details.trim();
    if details.chars().count() > MAX_NOTE {
        return Err(StoryError::TooLong);
    }
    if reason == ReportReason::Other && details.is_empty() {
        return Err(StoryError::TextRequired);
    }
    Ok(details)
}

/// Text size on the reading page, chosen without JavaScript (a cookie set by a link).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextSize {
    Small,
    #[default]
    Normal,
    Large,
    Larger,
}

impl TextSize {
    pub const ALL: [TextSize; 4] = [
        TextSize::Small,
        TextSize::Normal,
        TextSize::Large,
        TextSize::Larger,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TextSize::Small => "s",
            TextSize::Normal => "m",
            TextSize::Large => "l",
            TextSize::Larger => "xl",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn notes_and_comments_drop_invisible_control_characters() {
        assert_eq!(note_of(" a\u{0}b\u{1b}\r\nc\t ", 100).unwrap(), "ab\nc");
        assert_eq!(note_of("", 100).unwrap(), "");
        assert_eq!(text_of("\u{0}", 100), Err(StoryError::TextRequired));
        assert_eq!(note_of(&"x".repeat(101), 100), Err(StoryError::TooLong));
    }

    use super::*;

    #[test]
    fn co_authors_have_pen_names_appear_once_and_one_always_stays() {
        assert_eq!(check_new_author(&[1], Some(2)), Ok(2));
        assert_eq!(check_new_author(&[1], None), Err(StoryError::NoSuchAuthor));
        assert_eq!(
            check_new_author(&[1, 2], Some(2)),
            Err(StoryError::AlreadyAuthor)
        );
        let full: Vec<i64> = (1..=MAX_AUTHORS as i64).collect();
        assert_eq!(
            check_new_author(&full, Some(99)),
            Err(StoryError::TooManyAuthors)
        );
        assert_eq!(
            check_author_removal(&[1, 2], 1, 2),
            Ok(()),
            "the first removes others"
        );
        assert_eq!(
            check_author_removal(&[1, 2], 2, 2),
            Ok(()),
            "anyone removes themselves"
        );
        assert!(
            matches!(
                check_author_removal(&[1, 2, 3], 2, 1),
                Err(StoryError::Workflow(_))
            ),
            "a co-author cannot remove the first author"
        );
        assert!(check_author_removal(&[1, 2, 3], 2, 3).is_err());
        assert_eq!(
            check_author_removal(&[1], 1, 1),
            Err(StoryError::LastAuthor)
        );
        assert_eq!(
            check_author_removal(&[1, 2], 1, 3),
            Err(StoryError::NotCredited)
        );
    }

    fn input() -> WorkInput {
        WorkInput {
            title: "  Menak   Sopal ".into(),
            summary: "Ringkas".into(),
            category: Category::FolkTale,
            language: Language::Indonesian,
            rating: Rating::General,
            complete: true,
            tags: vec!["Legenda, AIR".into(), "air".into()],
            credit: String::new(),
            archive: None,
            cover: None,
        }
    }

    #[test]
    fn input_is_cleaned_and_checked() {
        let w = input().validated().unwrap();
        assert_eq!(w.title, "Menak Sopal");
        assert_eq!(w.tags, vec!["legenda", "air"]);
        let mut bad = input();
        bad.title = " ".into();
        assert_eq!(bad.validated().unwrap_err(), StoryError::BadTitle);
        let mut bad = input();
        bad.tags = vec!["<script>".into()];
        assert_eq!(bad.validated().unwrap_err(), StoryError::BadTag);
        let mut bad = input();
        bad.category = Category::ArchiveStory;
        assert_eq!(bad.validated().unwrap_err(), StoryError::ArchiveRefRequired);
        let mut ok = input();
        ok.category = Category::ArchiveStory;
        ok.archive = Some(ArchiveRef {
            code: "ARS-TGL/1934/IR-07".into(),
            description: "Laporan irigasi".into(),
            institution: "Arsip Daerah".into(),
        });
        let w = ok.validated().unwrap();
        assert_eq!(
            w.archive.unwrap().citation(),
            "ARS-TGL/1934/IR-07 — Laporan irigasi, Arsip Daerah"
        );
        let mut bad = input();
        bad.cover = Some("../etc/passwd".into());
        assert_eq!(bad.validated().unwrap_err(), StoryError::BadCover);
    }

    #[test]
    fn codes_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.code()), Some(*c));
        }
        assert_eq!(Language::parse("jv"), Some(Language::Javanese));
        assert_eq!(Rating::parse("x"), None);
        assert_eq!(slug_of("Legenda Trenggalek!"), "legenda-trenggalek");
        assert_eq!(chapter_title("  ", 3).unwrap(), "Bab 3");
        assert!(pen_name("A").is_err());
        assert!(text_of("   ", 10).is_err());
        assert!(text_of("abcdefghijk", 10).is_err());
    }

    #[test]
    fn drafts_get_a_slug_from_their_title() {
        assert_eq!(draft_slug("Menak Sopal", 0xabc), "menak-sopal-000abc");
        assert_eq!(draft_slug("!!!", 0x1_123456), "karya-123456");
        let long = draft_slug(&"a".repeat(100), 1);
        assert_eq!(long, format!("{}-000001", "a".repeat(60)));
    }

    #[test]
    fn only_credited_authors_edit_and_only_while_editable() {
        assert_eq!(check_editable(&[1, 2], State::Draft, 2), Ok(()));
        assert_eq!(
            check_editable(&[1], State::Draft, 2),
            Err(StoryError::Workflow(WorkflowError::NotYours))
        );
        assert_eq!(
            check_editable(&[1], State::Published, 1),
            Err(StoryError::Workflow(WorkflowError::NotNow {
                state: State::Published,
                command: Command::Submit,
            }))
        );
        assert_eq!(check_draft_deletion(State::Draft, false), Ok(()));
        assert_eq!(
            check_draft_deletion(State::Draft, true),
            Err(StoryError::Workflow(WorkflowError::NotNow {
                state: State::Draft,
                command: Command::TakeDown,
            }))
        );
    }

    #[test]
    fn chapters_are_added_within_the_limit_and_move_up_when_they_can() {
        assert_eq!(next_chapter(0), Ok(1));
        assert_eq!(next_chapter(MAX_CHAPTERS - 1), Ok(MAX_CHAPTERS));
        assert_eq!(next_chapter(MAX_CHAPTERS), Err(StoryError::TooManyChapters));
        assert_eq!(check_move_up(2, 3), Ok(()));
        assert_eq!(check_move_up(3, 3), Ok(()));
        assert_eq!(check_move_up(1, 3), Err(StoryError::NoSuchChapter));
        assert_eq!(check_move_up(4, 3), Err(StoryError::NoSuchChapter));
    }

    #[test]
    fn readers_act_on_published_works_and_explain_other_reports() {
        assert_eq!(check_published("published"), Ok(()));
        assert_eq!(check_published("draft"), Err(StoryError::NotPublished));
        assert_eq!(bookmark_position(9, 3), 3);
        assert_eq!(bookmark_position(0, 3), 1);
        assert_eq!(bookmark_position(5, 0), 1);
        assert_eq!(report_details(ReportReason::Copyright, "  "), Ok(""));
        assert_eq!(
            report_details(ReportReason::Other, "  "),
            Err(StoryError::TextRequired)
        );
        assert_eq!(report_details(ReportReason::Error, " typo "), Ok("typo"));
        assert_eq!(
            report_details(ReportReason::Error, &"x".repeat(MAX_NOTE + 1)),
            Err(StoryError::TooLong)
        );
    }
}

//! What Cilen records in the audit log, as typed events: each variant fixes the entry's action,
//! the kind of record it touches and its summary.

use super::work::{Category, ReportReason};
use super::workflow::{Command, State};

/// Cilen's audit events.
#[derive(Debug, Clone, PartialEq)]
pub enum StoryEvent<'a> {
    /// An author set their pen name (`user_id` is the author's account).
    PenNameSet { user_id: i64, pen_name: &'a str },
    /// A work was created as a draft.
    WorkCreated {
        id: i64,
        title: &'a str,
        category: Category,
    },
    /// A work's details were edited.
    WorkUpdated { id: i64, title: &'a str },
    /// A never-published draft was deleted.
    DraftDeleted { id: i64, title: &'a str },
    /// A chapter was written or rewritten at `position`.
    ChapterSaved { work_id: i64, position: i64 },
    /// The chapter at `position` was deleted.
    ChapterDeleted { work_id: i64, position: i64 },
    /// The chapter at `position` was moved one place up.
    ChapterMovedUp { work_id: i64, position: i64 },
    /// A work moved through the editorial workflow by `command`.
    WorkMoved {
        id: i64,
        command: Command,
        from: State,
        to: State,
        note: &'a str,
    },
    /// A co-author was credited on a work.
    AuthorAdded {
        id: i64,
        user_id: i64,
        pen_name: &'a str,
    },
    /// An author was removed from a work.
    AuthorRemoved { id: i64, user_id: i64 },
    /// A work's cover image was set (`cover` is the image's SHA-256).
    CoverSet { id: i64, cover: &'a str },
    /// A reader commented on a work; the comment is held for a librarian.
    CommentPosted { work_id: i64, comment: i64 },
    /// A librarian approved a held comment.
    CommentApproved { id: i64 },
    /// A librarian rejected a held comment.
    CommentRejected { id: i64 },
    /// A reader reported a work.
    WorkReported {
        work_id: i64,
        report: i64,
        reason: ReportReason,
    },
    /// A librarian closed a report with what was done.
    ReportResolved { id: i64, resolution: &'a str },
    /// A collection was created.
    CollectionCreated { id: i64, title: &'a str },
    /// A work was added to a collection.
    CollectionWorkAdded { id: i64, work: i64 },
    /// A work was removed from a collection.
    CollectionWorkRemoved { id: i64, work: i64 },
    /// A work was moved one place up in a collection.
    CollectionWorkMovedUp { id: i64, work: i64 },
}

impl anjungan_kernel::audit::Event for StoryEvent<'_> {
    fn action(&self) -> &'static str {
        match self {
            StoryEvent::PenNameSet { .. } => "stories.pen_name",
            StoryEvent::WorkCreated { .. } => "stories.work.create",
            StoryEvent::WorkUpdated { .. } => "stories.work.update",
            StoryEvent::DraftDeleted { .. } => "stories.work.delete",
            StoryEvent::ChapterSaved { .. } => "stories.chapter.save",
            StoryEvent::ChapterDeleted { .. } => "stories.chapter.delete",
            StoryEvent::ChapterMovedUp { .. } => "stories.chapter.move",
            StoryEvent::WorkMoved { command, .. } => match command {
                Command::Submit => "stories.work.submit",
                Command::Review => "stories.work.review",
                Command::Publish => "stories.work.publish",
                Command::Return => "stories.work.return",
                Command::Unpublish => "stories.work.unpublish",
                Command::TakeDown => "stories.work.take_down",
                Command::Reinstate => "stories.work.reinstate",
            },
            StoryEvent::AuthorAdded { .. } => "stories.work.author_add",
            StoryEvent::AuthorRemoved { .. } => "stories.work.author_remove",
            StoryEvent::CoverSet { .. } => "stories.work.cover",
            StoryEvent::CommentPosted { .. } => "stories.comment.create",
            StoryEvent::CommentApproved { .. } => "stories.comment.approve",
            StoryEvent::CommentRejected { .. } => "stories.comment.reject",
            StoryEvent::WorkReported { .. } => "stories.report.create",
            StoryEvent::ReportResolved { .. } => "stories.report.resolve",
            StoryEvent::CollectionCreated { .. } => "stories.collection.create",
            StoryEvent::CollectionWorkAdded { .. } => "stories.collection.add",
            StoryEvent::CollectionWorkRemoved { .. } => "stories.collection.remove",
            StoryEvent::CollectionWorkMovedUp { .. } => "stories.collection.move",
        }
    }

    fn record_type(&self) -> &'static str {
        match self {
            StoryEvent::PenNameSet { .. } => "user",
            StoryEvent::WorkCreated { .. }
            | StoryEvent::WorkUpdated { .. }
            | StoryEvent::DraftDeleted { .. }
            | StoryEvent::ChapterSaved { .. }
            | StoryEvent::ChapterDeleted { .. }
            | StoryEvent::ChapterMovedUp { .. }
            | StoryEvent::WorkMoved { .. }
            | StoryEvent::AuthorAdded { .. }
            | StoryEvent::AuthorRemoved { .. }
            | StoryEvent::CoverSet { .. }
            | StoryEvent::CommentPosted { .. }
            | StoryEvent::WorkReported { .. } => "story_work",
            StoryEvent::CommentApproved { .. } | StoryEvent::CommentRejected { .. } => {
                "story_comment"
            }
            StoryEvent::ReportResolved { .. } => "story_report",
            StoryEvent::CollectionCreated { .. }
            | StoryEvent::CollectionWorkAdded { .. }
            | StoryEvent::CollectionWorkRemoved { .. }
            | StoryEvent::CollectionWorkMovedUp { .. } => "story_collection",
        }
    }

    fn record_id(&self) -> String {
        match self {
            StoryEvent::PenNameSet { user_id, .. } => user_id.to_string(),
            StoryEvent::ChapterSaved { work_id, .. }
            | StoryEvent::ChapterDeleted { work_id, .. }
            | StoryEvent::ChapterMovedUp { work_id, .. }
            | StoryEvent::CommentPosted { work_id, .. }
            | StoryEvent::WorkReported { work_id, .. } => work_id.to_string(),
            StoryEvent::WorkCreated { id, .. }
            | StoryEvent::WorkUpdated { id, .. }
            | StoryEvent::DraftDeleted { id, .. }
            | StoryEvent::WorkMoved { id, .. }
            | StoryEvent::AuthorAdded { id, .. }
            | StoryEvent::AuthorRemoved { id, .. }
            | StoryEvent::CoverSet { id, .. }
            | StoryEvent::CommentApproved { id }
            | StoryEvent::CommentRejected { id }
            | StoryEvent::ReportResolved { id, .. }
            | StoryEvent::CollectionCreated { id, .. }
            | StoryEvent::CollectionWorkAdded { id, .. }
            | StoryEvent::CollectionWorkRemoved { id, .. }
            | StoryEvent::CollectionWorkMovedUp { id, .. } => id.to_string(),
        }
    }

    fn summary(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            StoryEvent::PenNameSet { pen_name, .. } => json!({ "pen_name": pen_name }),
            StoryEvent::WorkCreated {
                title, category, ..
            } => json!({ "title": title, "category": category.code() }),
            StoryEvent::WorkUpdated { title, .. } | StoryEvent::DraftDeleted { title, .. } => {
                json!({ "title": title })
            }
            StoryEvent::ChapterSaved { position, .. }
            | StoryEvent::ChapterDeleted { position, .. }
            | StoryEvent::ChapterMovedUp { position, .. } => json!({ "position": position }),
            StoryEvent::WorkMoved { from, to, note, .. } => {
                json!({ "from": from.code(), "to": to.code(), "note": note })
            }
            StoryEvent::AuthorAdded {
                user_id, pen_name, ..
            } => json!({ "user_id": user_id, "pen_name": pen_name }),
            StoryEvent::AuthorRemoved { user_id, .. } => json!({ "user_id": user_id }),
            StoryEvent::CoverSet { cover, .. } => json!({ "cover": cover }),
            StoryEvent::CommentPosted { comment, .. } => json!({ "comment": comment }),
            StoryEvent::CommentApproved { .. } | StoryEvent::CommentRejected { .. } => json!({}),
            StoryEvent::WorkReported { report, reason, .. } => {
                json!({ "report": report, "reason": reason.code() })
            }
            StoryEvent::ReportResolved { resolution, .. } => json!({ "resolution": resolution }),
            StoryEvent::CollectionCreated { title, .. } => json!({ "title": title }),
            StoryEvent::CollectionWorkAdded { work, .. }
            | StoryEvent::CollectionWorkRemoved { work, .. }
            | StoryEvent::CollectionWorkMovedUp { work, .. } => json!({ "work": work }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anjungan_kernel::audit::Event;
    use serde_json::json;

    #[test]
    fn events_record_what_the_calls_recorded() {
        let e = StoryEvent::WorkCreated {
            id: 9,
            title: "Asal-usul Trenggalek",
            category: Category::FolkTale,
        };
        assert_eq!(
            (e.action(), e.record_type(), e.record_id()),
            ("stories.work.create", "story_work", "9".to_string())
        );
        assert_eq!(
            e.summary().to_string(),
            r#"{"category":"cerita_rakyat","title":"Asal-usul Trenggalek"}"#
        );
        let e = StoryEvent::WorkMoved {
            id: 9,
            command: Command::TakeDown,
            from: State::Published,
            to: State::TakenDown,
            note: "hak cipta",
        };
        assert_eq!(
            (e.action(), e.record_type(), e.record_id()),
            ("stories.work.take_down", "story_work", "9".to_string())
        );
        assert_eq!(
            e.summary(),
            json!({ "from": "published", "to": "taken_down", "note": "hak cipta" })
        );
        let e = StoryEvent::CommentRejected { id: 4 };
        assert_eq!(
            (e.action(), e.record_type(), e.record_id()),
            ("stories.comment.reject", "story_comment", "4".to_string())
        );
        assert_eq!(e.summary(), json!({}));
        let e = StoryEvent::WorkReported {
            work_id: 9,
            report: 2,
            reason: ReportReason::Copyright,
        };
        assert_eq!(
            (e.action(), e.record_type(), e.record_id()),
            ("stories.report.create", "story_work", "9".to_string())
        );
        assert_eq!(e.summary(), json!({ "report": 2, "reason": "hak_cipta" }));
    }

    #[test]
    fn a_workflow_step_is_named_by_its_command() {
        for command in Command::ALL {
            let e = StoryEvent::WorkMoved {
                id: 1,
                command,
                from: State::Draft,
                to: State::Draft,
                note: "",
            };
            assert_eq!(e.action(), format!("stories.work.{}", command.code()));
        }
    }
}

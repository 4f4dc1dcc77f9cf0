//! The editorial life of a work, as a state machine: draft → submitted → in review by a
//! librarian → published, or returned with notes; a published work can be withdrawn
//! (unpublished) by its author or a librarian, or taken down by a librarian with a reason.
//!
//! Authors edit only while the work is a draft, returned or unpublished; a change to a
//! published work goes through review again (withdraw, edit, submit).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = stories::State)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Draft,
    Submitted,
    InReview,
    Returned,
    Published,
    Unpublished,
    TakenDown,
}

impl State {
    pub const ALL: [State; 7] = [
        State::Draft,
        State::Submitted,
        State::InReview,
        State::Returned,
        State::Published,
        State::Unpublished,
        State::TakenDown,
    ];

    pub fn code(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::InReview => "in_review",
            State::Returned => "returned",
            State::Published => "published",
            State::Unpublished => "unpublished",
            State::TakenDown => "taken_down",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }

    pub fn label_key(self) -> String {
        format!("stories.state.{}", self.code())
    }

    /// The author may change the text and details.
    pub fn editable(self) -> bool {
        matches!(self, State::Draft | State::Returned | State::Unpublished)
    }

    /// Waiting for a librarian.
    pub fn in_queue(self) -> bool {
        matches!(self, State::Submitted | State::InReview)
    }
}

/// Who acts on the work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Author,
    Librarian,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = stories::Command)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    /// Author: send for review.
    Submit,
    /// Librarian: take the work into review.
    Review,
    /// Librarian: publish.
    Publish,
    /// Librarian: send back with notes (required).
    Return,
    /// Author or librarian: take a published work off the site (reason required from a
    /// librarian).
    Unpublish,
    /// Librarian: remove the work with a reason; the author cannot resubmit it.
    TakeDown,
    /// Librarian: lift a takedown; the work returns to the author unpublished.
    Reinstate,
}

impl Command {
    pub const ALL: [Command; 7] = [
        Command::Submit,
        Command::Review,
        Command::Publish,
        Command::Return,
        Command::Unpublish,
        Command::TakeDown,
        Command::Reinstate,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Command::Submit => "submit",
            Command::Review => "review",
            Command::Publish => "publish",
            Command::Return => "return",
            Command::Unpublish => "unpublish",
            Command::TakeDown => "take_down",
            Command::Reinstate => "reinstate",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }

    pub fn label_key(self) -> String {
        format!("stories.command.{}", self.code())
    }

    /// Removes the work from every reader: confirmed on a page, never styled as the main action.
    pub fn is_dangerous(self) -> bool {
        self == Command::TakeDown
    }

    /// Whether a note (reason) must accompany the command from this actor.
    pub fn needs_note(self, by: Actor) -> bool {
        match self {
            Command::Return | Command::TakeDown => true,
            Command::Unpublish => by == Actor::Librarian,
            _ => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("{command:?} is not possible while the work is {state:?}")]
    NotNow { state: State, command: Command },
    #[error("not allowed")]
    NotYours,
    #[error("a note is required")]
    NoteRequired,
    #[error("a work needs at least one chapter before it is submitted")]
    NoChapters,
}

/// What the work looks like to the machine: its state and whether it has chapters.
#[derive(Debug, Clone, Copy)]
pub struct Facts {
    pub state: State,
    pub chapters: usize,
}

/// The next state, or why not.
pub fn transition(
    facts: Facts,
    command: Command,
    by: Actor,
    note: &str,
) -> Result<State, WorkflowError> {
    use Command as C;
    use State as S;
    let allowed_actor = match command {
        C::Submit => by == Actor::Author,
        C::Unpublish => true,
        _ => by == Actor::Librarian,
    };
    if !allowed_actor {
        return Err(WorkflowError::NotYours);
    }
    let next = match (facts.state, command) {
        (S::Draft | S::Returned | S::Unpublished, C::Submit) => S::Submitted,
        (S::Submitted, C::Review) => S::InReview,
        (S::InReview, C::Publish) => S::Published,
        (S::Submitted | S::InReview, C::Return) => S::Returned,
        (S::Published, C::Unpublish) => S::Unpublished,
        (S::Submitted | S::InReview | S::Published | S::Unpublished, C::TakeDown) => S::TakenDown,
        (S::TakenDown, C::Reinstate) => S::Unpublished,
        (state, command) => return Err(WorkflowError::NotNow { state, command }),
    };
    if command == C::Submit && facts.chapters == 0 {
        return Err(WorkflowError::NoChapters);
    }
    if command.needs_note(by) && note.trim().is_empty() {
        return Err(WorkflowError::NoteRequired);
    }
    Ok(next)
}

/// The commands `by` can give now, for the page's buttons.
pub fn available(facts: Facts, by: Actor) -> Vec<Command> {
    Command::ALL
        .into_iter()
        .filter(|c| transition(facts, *c, by, "x").is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Command as C;
    use State as S;

    fn f(state: State) -> Facts {
        Facts { state, chapters: 2 }
    }

    #[test]
    fn the_whole_table() {
        // Every (state, command, actor) either yields the listed state or is refused.
        let allowed: &[(State, Command, Actor, State)] = &[
            (S::Draft, C::Submit, Actor::Author, S::Submitted),
            (S::Returned, C::Submit, Actor::Author, S::Submitted),
            (S::Unpublished, C::Submit, Actor::Author, S::Submitted),
            (S::Submitted, C::Review, Actor::Librarian, S::InReview),
            (S::InReview, C::Publish, Actor::Librarian, S::Published),
            (S::Submitted, C::Return, Actor::Librarian, S::Returned),
            (S::InReview, C::Return, Actor::Librarian, S::Returned),
            (S::Published, C::Unpublish, Actor::Author, S::Unpublished),
            (S::Published, C::Unpublish, Actor::Librarian, S::Unpublished),
            (S::Submitted, C::TakeDown, Actor::Librarian, S::TakenDown),
            (S::InReview, C::TakeDown, Actor::Librarian, S::TakenDown),
            (S::Published, C::TakeDown, Actor::Librarian, S::TakenDown),
            (S::Unpublished, C::TakeDown, Actor::Librarian, S::TakenDown),
            (S::TakenDown, C::Reinstate, Actor::Librarian, S::Unpublished),
        ];
        for state in S::ALL {
            for command in C::ALL {
                for by in [Actor::Author, Actor::Librarian] {
                    let got = transition(f(state), command, by, "catatan");
                    match allowed
                        .iter()
                        .find(|(s, c, a, _)| *s == state && *c == command && *a == by)
                    {
                        Some((_, _, _, next)) => {
                            assert_eq!(got, Ok(*next), "{state:?} {command:?} {by:?}")
                        }
                        None => assert!(
                            got.is_err(),
                            "{state:?} {command:?} {by:?} should be refused"
                        ),
                    }
                }
            }
        }
    }

    #[test]
    fn notes_chapters_and_roles() {
        assert_eq!(
            transition(f(S::InReview), C::Return, Actor::Librarian, " "),
            Err(WorkflowError::NoteRequired)
        );
        assert_eq!(
            transition(f(S::Published), C::TakeDown, Actor::Librarian, ""),
            Err(WorkflowError::NoteRequired)
        );
        assert_eq!(
            transition(f(S::Published), C::Unpublish, Actor::Author, ""),
            Ok(S::Unpublished)
        );
        assert_eq!(
            transition(f(S::Published), C::Unpublish, Actor::Librarian, ""),
            Err(WorkflowError::NoteRequired)
        );
        assert_eq!(
            transition(
                Facts {
                    state: S::Draft,
                    chapters: 0
                },
                C::Submit,
                Actor::Author,
                ""
            ),
            Err(WorkflowError::NoChapters)
        );
        assert_eq!(
            transition(f(S::InReview), C::Publish, Actor::Author, ""),
            Err(WorkflowError::NotYours)
        );
        assert_eq!(
            transition(f(S::Draft), C::Submit, Actor::Librarian, ""),
            Err(WorkflowError::NotYours)
        );
        assert_eq!(
            available(f(S::Submitted), Actor::Librarian),
            vec![C::Review, C::Return, C::TakeDown]
        );
        assert_eq!(available(f(S::Draft), Actor::Author), vec![C::Submit]);
        assert!(S::Returned.editable() && !S::Published.editable() && !S::TakenDown.editable());
    }
}

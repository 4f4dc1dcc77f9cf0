//! The life of a request, as a state machine: submitted → verified by the unit operator, or
//! returned for correction (the SLA clock pauses until the citizen answers), or rejected with a
//! reason → approved and signed by the unit head → letter issued → delivered → closed; the citizen
//! may cancel while nothing has been processed.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[schema(as = desk::State)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Submitted,
    Returned,
    Verified,
    Rejected,
    Signed,
    Issued,
    Delivered,
    Closed,
    Cancelled,
}

impl State {
    pub const ALL: [State; 9] = [
        State::Submitted,
        State::Returned,
        State::Verified,
        State::Rejected,
        State::Signed,
        State::Issued,
        State::Delivered,
        State::Closed,
        State::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            State::Submitted => "submitted",
            State::Returned => "returned",
            State::Verified => "verified",
            State::Rejected => "rejected",
            State::Signed => "signed",
            State::Issued => "issued",
            State::Delivered => "delivered",
            State::Closed => "closed",
            State::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }

    pub fn label_key(self) -> String {
        format!("desk.state.{}", self.code())
    }

    /// No further transition is possible.
    pub fn is_final(self) -> bool {
        matches!(self, State::Rejected | State::Closed | State::Cancelled)
    }

    /// The service has been rendered (the letter exists): the SLA stops here.
    pub fn is_completed(self) -> bool {
        matches!(self, State::Issued | State::Delivered | State::Closed)
    }

    /// Still on the unit's desk, counted for overdue.
    pub fn is_open(self) -> bool {
        !self.is_final() && !self.is_completed()
    }

    /// Open311 has two states: anything not finished is `open`.
    pub fn open311(self) -> &'static str {
        if self.is_final() || self.is_completed() {
            "closed"
        } else {
            "open"
        }
    }
}

/// Who is acting on a request, as far as the workflow cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The requester, proven by the tracking code.
    Citizen,
    /// The unit's operator (e.g. the village secretary).
    Operator,
    /// The unit's head (e.g. the village head), the only one who signs.
    Head,
    /// The platform itself (deliveries confirmed, automatic closing).
    System,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[schema(as = desk::Command)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    Verify,
    Return,
    Resubmit,
    Reject,
    Sign,
    Issue,
    Deliver,
    Close,
    Cancel,
}

impl Command {
    pub const ALL: [Command; 9] = [
        Command::Verify,
        Command::Return,
        Command::Resubmit,
        Command::Reject,
        Command::Sign,
        Command::Issue,
        Command::Deliver,
        Command::Close,
        Command::Cancel,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Command::Verify => "verify",
            Command::Return => "return",
            Command::Resubmit => "resubmit",
            Command::Reject => "reject",
            Command::Sign => "sign",
            Command::Issue => "issue",
            Command::Deliver => "deliver",
            Command::Close => "close",
            Command::Cancel => "cancel",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }

    pub fn label_key(self) -> String {
        format!("desk.command.{}", self.code())
    }

    /// Return and reject must say why; the reason is shown to the citizen.
    pub fn needs_note(self) -> bool {
        matches!(self, Command::Return | Command::Reject)
    }

    /// Ends the request for good: asked again on a confirmation page, and never styled as the
    /// main action.
    pub fn is_dangerous(self) -> bool {
        matches!(self, Command::Reject | Command::Cancel)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("this step is not possible in the request's current state")]
    NotNow { from: State, command: Command },
    #[error("this role may not take this step")]
    NotYours,
    #[error("a reason is required (at most 1,000 characters)")]
    NoteRequired,
}

/// The next state, or why not. `note` is the reason given for a return or a rejection.
pub fn transition(
    from: State,
    command: Command,
    who: Actor,
    note: &str,
) -> Result<State, WorkflowError> {
    use Actor as A;
    use Command as C;
    use State as S;
    let to = match (from, command) {
        (S::Submitted, C::Verify) => S::Verified,
        (S::Submitted, C::Return) => S::Returned,
        (S::Returned, C::Resubmit) => S::Submitted,
        (S::Submitted | S::Verified, C::Reject) => S::Rejected,
        (S::Verified, C::Sign) => S::Signed,
        (S::Signed, C::Issue) => S::Issued,
        (S::Issued, C::Deliver) => S::Delivered,
        (S::Delivered, C::Close) => S::Closed,
        (S::Submitted | S::Returned, C::Cancel) => S::Cancelled,
        _ => return Err(WorkflowError::NotNow { from, command }),
    };
    let allowed = match command {
        C::Verify | C::Return => matches!(who, A::Operator | A::Head),
        C::Reject => matches!(who, A::Operator | A::Head),
        C::Sign => who == A::Head,
        C::Issue => matches!(who, A::Operator | A::Head | A::System),
        C::Deliver => matches!(who, A::Operator | A::Head | A::System | A::Citizen),
        C::Close => matches!(who, A::Operator | A::Head | A::System | A::Citizen),
        C::Resubmit | C::Cancel => who == A::Citizen,
    };
    if !allowed {
        return Err(WorkflowError::NotYours);
    }
    let note = note.trim();
    if command.needs_note() && (note.is_empty() || note.chars().count() > 1000) {
        return Err(WorkflowError::NoteRequired);
    }
    Ok(to)
}

/// The steps `who` may take now, for the buttons on a page.
pub fn available(from: State, who: Actor) -> Vec<Command> {
    Command::ALL
        .into_iter()
        .filter(|c| transition(from, *c, who, "reason").is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Actor as A;
    use Command as C;
    use State as S;

    /// Every allowed transition, with the actors allowed to take it.
    const ALLOWED: [(S, C, S, &[A]); 12] = [
        (
            S::Submitted,
            C::Verify,
            S::Verified,
            &[A::Operator, A::Head],
        ),
        (
            S::Submitted,
            C::Return,
            S::Returned,
            &[A::Operator, A::Head],
        ),
        (S::Returned, C::Resubmit, S::Submitted, &[A::Citizen]),
        (
            S::Submitted,
            C::Reject,
            S::Rejected,
            &[A::Operator, A::Head],
        ),
        (S::Verified, C::Reject, S::Rejected, &[A::Operator, A::Head]),
        (S::Verified, C::Sign, S::Signed, &[A::Head]),
        (
            S::Signed,
            C::Issue,
            S::Issued,
            &[A::Operator, A::Head, A::System],
        ),
        (
            S::Issued,
            C::Deliver,
            S::Delivered,
            &[A::Operator, A::Head, A::System, A::Citizen],
        ),
        (
            S::Delivered,
            C::Close,
            S::Closed,
            &[A::Operator, A::Head, A::System, A::Citizen],
        ),
        (S::Submitted, C::Cancel, S::Cancelled, &[A::Citizen]),
        (S::Returned, C::Cancel, S::Cancelled, &[A::Citizen]),
        // Listed twice on purpose: the table is checked exhaustively below.
        (
            S::Submitted,
            C::Verify,
            S::Verified,
            &[A::Operator, A::Head],
        ),
    ];
    const ACTORS: [A; 4] = [A::Citizen, A::Operator, A::Head, A::System];

    #[test]
    fn every_transition_and_every_forbidden_one() {
        for from in S::ALL {
            for cmd in C::ALL {
                for who in ACTORS {
                    let got = transition(from, cmd, who, "alasan");
                    let rule = ALLOWED.iter().find(|(f, c, _, _)| *f == from && *c == cmd);
                    match rule {
                        None => assert_eq!(
                            got,
                            Err(WorkflowError::NotNow { from, command: cmd }),
                            "{from:?} {cmd:?} {who:?}"
                        ),
                        Some((_, _, to, actors)) if actors.contains(&who) => {
                            assert_eq!(got, Ok(*to), "{from:?} {cmd:?} {who:?}")
                        }
                        Some(_) => assert_eq!(
                            got,
                            Err(WorkflowError::NotYours),
                            "{from:?} {cmd:?} {who:?}"
                        ),
                    }
                }
            }
        }
    }

    #[test]
    fn final_states_have_no_way_out() {
        for s in [S::Rejected, S::Closed, S::Cancelled] {
            for who in ACTORS {
                assert!(available(s, who).is_empty(), "{s:?}");
            }
        }
    }

    #[test]
    fn return_and_reject_need_a_reason() {
        assert_eq!(
            transition(S::Submitted, C::Return, A::Operator, "  "),
            Err(WorkflowError::NoteRequired)
        );
        assert_eq!(
            transition(S::Verified, C::Reject, A::Head, &"x".repeat(1001)),
            Err(WorkflowError::NoteRequired)
        );
        assert_eq!(
            transition(S::Submitted, C::Verify, A::Operator, ""),
            Ok(S::Verified)
        );
    }

    #[test]
    fn only_the_head_signs_and_only_the_citizen_cancels() {
        assert_eq!(available(S::Verified, A::Operator), vec![C::Reject]);
        assert_eq!(available(S::Verified, A::Head), vec![C::Reject, C::Sign]);
        assert_eq!(available(S::Submitted, A::Citizen), vec![C::Cancel]);
        assert_eq!(
            available(S::Returned, A::Citizen),
            vec![C::Resubmit, C::Cancel]
        );
        assert_eq!(available(S::Returned, A::Operator), Vec::<C>::new());
    }

    #[test]
    fn open311_sees_two_states() {
        assert_eq!(S::Submitted.open311(), "open");
        assert_eq!(S::Returned.open311(), "open");
        assert_eq!(S::Signed.open311(), "open");
        assert_eq!(S::Issued.open311(), "closed");
        assert_eq!(S::Cancelled.open311(), "closed");
        assert!(S::Verified.is_open() && !S::Delivered.is_open());
    }
}

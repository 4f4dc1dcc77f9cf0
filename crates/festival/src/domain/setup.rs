//! Setting up an edition, pure: the coordinator's drafts (the edition, its phases, stages,
//! speakers and sessions) checked before anything is stored, the phases carried over from the
//! previous edition, the public vote's window and publishing the results.

use super::phase::{self, Phase, PhaseError, PhaseKind};
use anjungan_kernel::clock::{DAY, Millis, WIB};

/// The ways an edition can be held.
pub const MODES: [&str; 3] = ["in_person", "hybrid", "virtual"];
/// The kinds of agenda sessions.
pub const SESSION_KINDS: [&str; 4] = ["opening", "panel", "presentation", "closing"];
/// A speaker's bio is a short one: a paragraph on their page.
pub const BIO_MAX: usize = 1_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SetupError {
    #[error("the edition number must be a whole number 1–999")]
    Number,
    #[error("the year must be 2000–2100")]
    Year,
    #[error("a theme and a venue of at most 200 characters are required")]
    Text,
    #[error("the edition's days must be dates, the last on or after the first, at most 31 days")]
    Days,
    #[error("unknown mode")]
    Mode,
    #[error("the entry limit must be 1–20")]
    EntryLimit,
    #[error("a phase's dates must be a date and time")]
    PhaseDate,
    #[error("each phase may be given once")]
    PhaseTwice,
    #[error(transparent)]
    Phases(#[from] PhaseError),
    #[error("an edition with this number exists")]
    NumberTaken,
    #[error("a session needs a title of at most 200 characters")]
    Title,
    #[error("unknown session kind")]
    Kind,
    #[error("a session's day must be one of the edition's days, and it must end after it starts")]
    Time,
    #[error("a stream link must start with https:// or http://")]
    StreamUrl,
    #[error("capacity must be empty or 1–100000")]
    Capacity,
    #[error("a stage needs a name of at most 80 characters")]
    StageName,
    #[error("a stage of this name exists")]
    StageTaken,
    #[error("choose one of the edition's stages")]
    UnknownStage,
    #[error("choose the edition's speakers")]
    UnknownSpeaker,
    #[error("a speaker needs a name (at most 120 characters) and a bio of at most 1000")]
    Speaker,
    #[error("the photo must be a PNG, JPEG, WebP or GIF image of at most 2 MB")]
    Photo,
    #[error("the results are already published")]
    AlreadyPublished,
}

impl SetupError {
    pub fn message_key(&self) -> &'static str {
        match self {
            SetupError::Number => "festival.setup.error.number",
            SetupError::Year => "festival.setup.error.year",
            SetupError::Text => "festival.setup.error.text",
            SetupError::Days => "festival.setup.error.days",
            SetupError::Mode => "festival.setup.error.mode",
            SetupError::EntryLimit => "festival.setup.error.entry_limit",
            SetupError::PhaseDate => "festival.setup.error.phase_date",
            SetupError::PhaseTwice => "festival.setup.error.phase_twice",
            SetupError::Phases(PhaseError::Reversed) => "festival.setup.error.phase_reversed",
            SetupError::Phases(PhaseError::Overlap) => "festival.setup.error.phase_overlap",
            SetupError::NumberTaken => "festival.setup.error.number_taken",
            SetupError::Title => "festival.setup.error.title",
            SetupError::Kind => "festival.setup.error.kind",
            SetupError::Time => "festival.setup.error.time",
            SetupError::StreamUrl => "festival.setup.error.stream_url",
            SetupError::Capacity => "festival.setup.error.capacity",
            SetupError::StageName => "festival.setup.error.stage_name",
            SetupError::StageTaken => "festival.setup.error.stage_taken",
            SetupError::UnknownStage => "festival.setup.error.unknown_stage",
            SetupError::UnknownSpeaker => "festival.setup.error.unknown_speaker",
            SetupError::Speaker => "festival.setup.error.speaker",
            SetupError::Photo => "festival.setup.error.photo",
            SetupError::AlreadyPublished => "festival.setup.error.published",
        }
    }

    /// Whether the refusal is a clash with what exists (409) rather than bad input (400).
    pub fn is_conflict(&self) -> bool {
        matches!(
            self,
            SetupError::NumberTaken | SetupError::StageTaken | SetupError::AlreadyPublished
        )
    }
}

/// An edition as typed by the coordinator.
#[derive(Debug, Clone, Default)]
pub struct EditionFields<'a> {
    pub number: &'a str,
    pub year: &'a str,
    pub theme: &'a str,
    pub venue: &'a str,
    pub starts_on: &'a str,
    pub ends_on: &'a str,
    pub mode: &'a str,
    pub entry_limit: &'a str,
}

/// An edition checked: what `store::NewEdition` is built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditionDraft {
    pub number: i64,
    pub year: i64,
    pub theme: String,
    pub venue: String,
    pub starts_on: String,
    pub ends_on: String,
    pub mode: String,
    pub entry_limit: i64,
}

fn text(raw: &str, max: usize) -> Option<String> {
    let t = raw.trim();
    (!t.is_empty() && t.chars().count() <= max).then(|| t.to_string())
}

pub fn parse_edition(f: &EditionFields<'_>) -> Result<EditionDraft, SetupError> {
    let number = f
        .number
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (1..=999).contains(n))
        .ok_or(SetupError::Number)?;
    let year = f
        .year
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or(SetupError::Year)?;
    let theme = text(f.theme, 200).ok_or(SetupError::Text)?;
    let venue = text(f.venue, 200).ok_or(SetupError::Text)?;
    let (Some(first), Some(last)) = (date(f.starts_on), date(f.ends_on)) else {
        return Err(SetupError::Days);
    };
    if last < first || (last - first).whole_days() > 30 {
        return Err(SetupError::Days);
    }
    let mode = MODES
        .into_iter()
        .find(|m| *m == f.mode.trim())
        .ok_or(SetupError::Mode)?;
    let entry_limit = match f.entry_limit.trim() {
        "" => 1,
        t => t
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=20).contains(n))
            .ok_or(SetupError::EntryLimit)?,
    };
    Ok(EditionDraft {
        number,
        year,
        theme,
        venue,
        starts_on: first.to_string(),
        ends_on: last.to_string(),
        mode: mode.to_string(),
        entry_limit,
    })
}

/// A calendar day written `YYYY-MM-DD`.
pub fn date(raw: &str) -> Option<time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(raw.trim(), &format).ok()
}

/// A date and time as a form sends it, in WIB (`2027-11-01T08:00`, seconds optional; a space may
/// stand for the `T`), or as an API client may, in RFC 3339 with its offset.
pub fn instant(raw: &str) -> Option<Millis> {
    let rfc3339 = &time::format_description::well_known::Rfc3339;
    if let Ok(t) = time::OffsetDateTime::parse(raw.trim(), rfc3339) {
        return Some((t.unix_timestamp_nanos() / 1_000_000) as Millis);
    }
    let raw = raw.trim().replace(' ', "T");
    let (d, t) = raw.split_once('T')?;
    let day = date(d)?;
    let mut parts = t.split(':');
    let hour: u8 = parts.next()?.parse().ok()?;
    let minute: u8 = parts.next()?.parse().ok()?;
    let second: u8 = match parts.next() {
        Some(s) => s.parse().ok()?,
        None => 0,
    };
    let time = time::Time::from_hms(hour, minute, second).ok()?;
    let at = time::PrimitiveDateTime::new(day, time).assume_offset(WIB);
    Some((at.unix_timestamp_nanos() / 1_000_000) as Millis)
}

/// The value a `datetime-local` field shows for an instant, in WIB.
pub fn instant_input(ms: Millis) -> String {
    let d = anjungan_kernel::clock::to_wib(ms);
    format!("{}T{:02}:{:02}", d.date(), d.hour(), d.minute())
}

/// The previous edition's phases moved to the new one: each keeps its place relative to the
/// festival's first day (a call for entries that opened 100 days before the old festival opens
/// 100 days before the new one).
pub fn phases_from(previous: &[Phase], previous_start: &str, new_start: &str) -> Vec<Phase> {
    let (Some(old), Some(new)) = (date(previous_start), date(new_start)) else {
        return Vec::new();
    };
    let shift = (new - old).whole_days() * DAY;
    previous
        .iter()
        .map(|p| Phase {
            starts_at: p.starts_at + shift,
            ends_at: p.ends_at + shift,
            ..p.clone()
        })
        .collect()
}

/// One row of the phases form: a kind, two WIB date-times and whether the public may vote.
#[derive(Debug, Clone, Default)]
pub struct PhaseRow<'a> {
    pub kind: &'a str,
    pub starts: &'a str,
    pub ends: &'a str,
    pub voting: bool,
}

/// The phases the coordinator typed: a row left without dates is a phase the edition does not
/// have; the others are checked (known kind, each once, running forward, in order).
pub fn parse_phases(rows: &[PhaseRow<'_>]) -> Result<Vec<Phase>, SetupError> {
    let mut phases = Vec::new();
    for r in rows {
        if r.starts.trim().is_empty() && r.ends.trim().is_empty() {
            continue;
        }
        let kind = PhaseKind::parse(r.kind.trim()).ok_or(SetupError::PhaseDate)?;
        if phases.iter().any(|p: &Phase| p.kind == kind) {
            return Err(SetupError::PhaseTwice);
        }
        let (Some(starts_at), Some(ends_at)) = (instant(r.starts), instant(r.ends)) else {
            return Err(SetupError::PhaseDate);
        };
        phases.push(Phase {
            kind,
            starts_at,
            ends_at,
            voting: r.voting,
        });
    }
    phases.sort_by_key(|p| p.starts_at);
    phase::check(&phases)?;
    Ok(phases)
}

/// When the public may vote: from the first voting phase's start to the last one's end.
pub fn vote_window(phases: &[Phase]) -> Option<(Millis, Millis)> {
    let voting = phases.iter().filter(|p| p.voting);
    let start = voting.clone().map(|p| p.starts_at).min()?;
    let end = voting.map(|p| p.ends_at).max()?;
    Some((start, end))
}

/// The phases once the coordinator publishes the results at `now`: what ran before stays, the
/// phase running now ends now, later phases are dropped, and the results phase starts now. The
/// vote, if it was open, closes with its phase.
pub fn publish_now(phases: &[Phase], now: Millis) -> Result<Vec<Phase>, SetupError> {
    if phase::results_out(phases, now) {
        return Err(SetupError::AlreadyPublished);
    }
    let mut out: Vec<Phase> = phases
        .iter()
        .filter(|p| p.starts_at < now && !p.kind.results_public())
        .map(|p| Phase {
            ends_at: p.ends_at.min(now),
            ..p.clone()
        })
        .collect();
    out.push(Phase {
        kind: PhaseKind::ResultsPublished,
        starts_at: now,
        ends_at: now + 365 * DAY,
        voting: false,
    });
    Ok(out)
}

/// A stage (room) of the edition: its name and, for hybrid editions, its stream.
pub fn parse_stage(name: &str, stream_url: &str) -> Result<(String, String), SetupError> {
    let name = text(name, 80).ok_or(SetupError::StageName)?;
    Ok((name, stream(stream_url)?))
}

fn stream(raw: &str) -> Result<String, SetupError> {
    let url = raw.trim();
    if url.is_empty() {
        return Ok(String::new());
    }
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() <= 500
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '<');
    ok.then(|| url.to_string()).ok_or(SetupError::StreamUrl)
}

/// A speaker as typed: a name, where they come from, and a short bio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpeakerDraft {
    pub name: String,
    pub affiliation: String,
    pub bio: String,
}

pub fn parse_speaker(name: &str, affiliation: &str, bio: &str) -> Result<SpeakerDraft, SetupError> {
    let name = text(name, 120).ok_or(SetupError::Speaker)?;
    let affiliation = affiliation.trim();
    let bio = bio.trim();
    if affiliation.chars().count() > 200 || bio.chars().count() > BIO_MAX {
        return Err(SetupError::Speaker);
    }
    Ok(SpeakerDraft {
        name,
        affiliation: affiliation.to_string(),
        bio: bio.to_string(),
    })
}

/// A session as typed: a day of the edition, start and end times (WIB), its stage or a stream.
#[derive(Debug, Clone, Default)]
pub struct SessionFields<'a> {
    pub title: &'a str,
    pub kind: &'a str,
    pub day: &'a str,
    pub starts: &'a str,
    pub ends: &'a str,
    pub stream_url: &'a str,
    pub capacity: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionDraft {
    pub title: String,
    pub kind: String,
    pub starts_at: Millis,
    pub ends_at: Millis,
    pub stream_url: String,
    pub capacity: Option<i64>,
}

/// Checks a session against the edition's days (`days` empty: any day).
pub fn parse_session(
    f: &SessionFields<'_>,
    days: &[time::Date],
) -> Result<SessionDraft, SetupError> {
    let title = text(f.title, 200).ok_or(SetupError::Title)?;
    let kind = SESSION_KINDS
        .into_iter()
        .find(|k| *k == f.kind.trim())
        .ok_or(SetupError::Kind)?;
    let day = date(f.day).ok_or(SetupError::Time)?;
    if !days.is_empty() && !days.contains(&day) {
        return Err(SetupError::Time);
    }
    let at = |t: &str| instant(&format!("{day}T{}", t.trim())).ok_or(SetupError::Time);
    let (starts_at, ends_at) = (at(f.starts)?, at(f.ends)?);
    if ends_at <= starts_at {
        return Err(SetupError::Time);
    }
    let capacity = match f.capacity.trim() {
        "" => None,
        t => Some(
            t.parse::<i64>()
                .ok()
                .filter(|c| (1..=100_000).contains(c))
                .ok_or(SetupError::Capacity)?,
        ),
    };
    Ok(SessionDraft {
        title,
        kind: kind.to_string(),
        starts_at,
        ends_at,
        stream_url: stream(f.stream_url)?,
        capacity,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> EditionFields<'static> {
        EditionFields {
            number: "8",
            year: "2027",
            theme: " Inovasi untuk desa ",
            venue: "Pendopo Manggala Praja Nugraha",
            starts_on: "2027-12-06",
            ends_on: "2027-12-08",
            mode: "hybrid",
            entry_limit: "",
        }
    }

    #[test]
    fn an_edition_is_checked_field_by_field() {
        let d = parse_edition(&fields()).unwrap();
        assert_eq!((d.number, d.year, d.entry_limit), (8, 2027, 1));
        assert_eq!(d.theme, "Inovasi untuk desa");
        let bad = |f: EditionFields<'static>| parse_edition(&f).unwrap_err();
        assert_eq!(
            bad(EditionFields {
                number: "0",
                ..fields()
            }),
            SetupError::Number
        );
        assert_eq!(
            bad(EditionFields {
                year: "27",
                ..fields()
            }),
            SetupError::Year
        );
        assert_eq!(
            bad(EditionFields {
                theme: "  ",
                ..fields()
            }),
            SetupError::Text
        );
        assert_eq!(
            bad(EditionFields {
                ends_on: "2027-12-05",
                ..fields()
            }),
            SetupError::Days
        );
        assert_eq!(
            bad(EditionFields {
                ends_on: "2028-12-05",
                ..fields()
            }),
            SetupError::Days
        );
        assert_eq!(
            bad(EditionFields {
                mode: "online",
                ..fields()
            }),
            SetupError::Mode
        );
        assert_eq!(
            bad(EditionFields {
                entry_limit: "99",
                ..fields()
            }),
            SetupError::EntryLimit
        );
    }

    #[test]
    fn instants_are_wib() {
        // 2027-12-06 08:00 WIB is 01:00 UTC.
        let ms = instant("2027-12-06T08:00").unwrap();
        assert_eq!(ms, 1_828_054_800_000);
        assert_eq!(instant("2027-12-06 08:00:00"), Some(ms));
        assert_eq!(instant("2027-12-06T01:00:00Z"), Some(ms));
        assert_eq!(instant("2027-12-06T08:00:00+07:00"), Some(ms));
        assert_eq!(instant_input(ms), "2027-12-06T08:00");
        assert_eq!(instant("2027-12-06"), None);
        assert_eq!(instant("2027-12-06T25:00"), None);
    }

    fn p(kind: PhaseKind, s: Millis, e: Millis, voting: bool) -> Phase {
        Phase {
            kind,
            starts_at: s,
            ends_at: e,
            voting,
        }
    }

    #[test]
    fn phases_move_with_the_festival_and_keep_their_gaps() {
        let old = vec![
            p(PhaseKind::CallForEntries, 0, 10 * DAY, false),
            p(PhaseKind::Final, 20 * DAY, 21 * DAY, true),
        ];
        let moved = phases_from(&old, "2026-12-01", "2027-12-01");
        assert_eq!(moved[0].starts_at, 365 * DAY);
        assert_eq!(moved[1].ends_at - moved[1].starts_at, DAY);
        assert!(moved[1].voting);
        assert!(phases_from(&old, "x", "2027-12-01").is_empty());
    }

    #[test]
    fn the_phases_form_skips_empty_rows_and_refuses_overlaps() {
        let rows = [
            PhaseRow {
                kind: "final",
                starts: "2027-12-06T08:00",
                ends: "2027-12-08T17:00",
                voting: true,
            },
            PhaseRow {
                kind: "desk_review",
                starts: "",
                ends: "",
                voting: false,
            },
            PhaseRow {
                kind: "call_for_entries",
                starts: "2027-09-01T00:00",
                ends: "2027-10-01T00:00",
                voting: false,
            },
        ];
        let phases = parse_phases(&rows).unwrap();
        assert_eq!(
            phases.iter().map(|p| p.kind).collect::<Vec<_>>(),
            [PhaseKind::CallForEntries, PhaseKind::Final]
        );
        let (open, close) = vote_window(&phases).unwrap();
        assert_eq!(instant_input(open), "2027-12-06T08:00");
        assert_eq!(instant_input(close), "2027-12-08T17:00");
        let overlap = [
            rows[0].clone(),
            PhaseRow {
                kind: "site_visit",
                starts: "2027-12-07T00:00",
                ends: "2027-12-09T00:00",
                voting: false,
            },
        ];
        assert_eq!(
            parse_phases(&overlap),
            Err(SetupError::Phases(PhaseError::Overlap))
        );
        let twice = [rows[0].clone(), rows[0].clone()];
        assert_eq!(parse_phases(&twice), Err(SetupError::PhaseTwice));
        let bad = [PhaseRow {
            ends: "besok",
            ..rows[0].clone()
        }];
        assert_eq!(parse_phases(&bad), Err(SetupError::PhaseDate));
    }

    #[test]
    fn publishing_ends_the_running_phase_and_opens_the_results() {
        let phases = vec![
            p(PhaseKind::CallForEntries, 0, 10, false),
            p(PhaseKind::Final, 10, 30, true),
            p(PhaseKind::ResultsPublished, 30, 40, false),
        ];
        let out = publish_now(&phases, 20).unwrap();
        assert_eq!(out.len(), 3);
        assert_eq!((out[1].kind, out[1].ends_at), (PhaseKind::Final, 20));
        assert_eq!(
            (out[2].kind, out[2].starts_at),
            (PhaseKind::ResultsPublished, 20)
        );
        assert!(phase::check(&out).is_ok());
        assert!(phase::results_out(&out, 20));
        assert_eq!(publish_now(&out, 25), Err(SetupError::AlreadyPublished));
    }

    #[test]
    fn sessions_fall_on_the_edition_s_days() {
        let days = crate::domain::agenda::edition_days("2027-12-06", "2027-12-07");
        let f = SessionFields {
            title: "Diskusi panel desa digital",
            kind: "panel",
            day: "2027-12-07",
            starts: "09:00",
            ends: "10:30",
            stream_url: "https://youtube.com/live/x",
            capacity: "120",
        };
        let s = parse_session(&f, &days).unwrap();
        assert_eq!(s.ends_at - s.starts_at, 90 * 60_000);
        assert_eq!(s.capacity, Some(120));
        let bad = |g: SessionFields<'static>| parse_session(&g, &days).unwrap_err();
        assert_eq!(
            bad(SessionFields {
                day: "2027-12-09",
                ..f.clone()
            }),
            SetupError::Time
        );
        assert_eq!(
            bad(SessionFields {
                ends: "08:00",
                ..f.clone()
            }),
            SetupError::Time
        );
        assert_eq!(
            bad(SessionFields {
                stream_url: "javascript:alert(1)",
                ..f.clone()
            }),
            SetupError::StreamUrl
        );
        assert_eq!(
            bad(SessionFields {
                capacity: "0",
                ..f.clone()
            }),
            SetupError::Capacity
        );
        assert_eq!(
            bad(SessionFields {
                kind: "party",
                ..f.clone()
            }),
            SetupError::Kind
        );
        assert_eq!(parse_speaker("", "", ""), Err(SetupError::Speaker));
        assert_eq!(
            parse_speaker("Dr. Ani", "", &"x".repeat(BIO_MAX + 1)),
            Err(SetupError::Speaker)
        );
        assert_eq!(parse_stage(" ", ""), Err(SetupError::StageName));
    }
}

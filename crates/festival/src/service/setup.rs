//! The coordinator sets up an edition: creates it with phases carried over from the previous
//! one, replaces its phases (and so the vote's window), adds stages, speakers and sessions, and
//! publishes the results. Each is one transaction with its audit entry.

use crate::domain::audit::FestivalEvent;
use crate::domain::phase::{self, Phase};
use crate::domain::setup::{self, EditionDraft, SessionDraft, SetupError, SpeakerDraft};
use crate::error::{FestivalError, ServiceError};
use crate::store::{self, NewEdition, Session};
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::clock::Millis;

fn refused(e: SetupError) -> ServiceError {
    ServiceError::Refused(FestivalError::Setup(e))
}

/// The phases a new edition starting on `starts_on` is offered: the latest edition's, moved so
/// each keeps its distance from the festival's first day. None when there is no edition yet.
pub async fn template_phases(db: &Db, starts_on: &str) -> anjungan_kernel::Result<Vec<Phase>> {
    let Some(latest) = store::editions(db).await?.into_iter().next() else {
        return Ok(Vec::new());
    };
    let phases = store::phases(db, latest.id).await?;
    Ok(setup::phases_from(&phases, &latest.starts_on, starts_on))
}

/// Creates an edition with its phases; refused when the number is taken or the phases clash.
pub async fn create_edition(
    db: &Db,
    actor: &Actor,
    d: &EditionDraft,
    phases: Vec<Phase>,
) -> Result<i64, ServiceError> {
    phase::check(&phases).map_err(|e| refused(e.into()))?;
    let mut tx = db.begin_write().await?;
    if store::setup::number_taken(&mut tx, d.number).await? {
        return Err(refused(SetupError::NumberTaken));
    }
    let id = store::insert_edition(
        &mut tx,
        &NewEdition {
            number: d.number,
            year: d.year,
            theme: &d.theme,
            venue: &d.venue,
            starts_on: &d.starts_on,
            ends_on: &d.ends_on,
            mode: &d.mode,
            entry_limit: d.entry_limit,
            phases,
        },
    )
    .await?;
    let event = FestivalEvent::EditionCreated {
        id,
        number: d.number,
        year: d.year,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(id)
}

/// Replaces the edition's phases (checked by the caller's parse, and again here).
pub async fn set_phases(
    db: &Db,
    actor: &Actor,
    edition_id: i64,
    phases: &[Phase],
) -> Result<(), ServiceError> {
    phase::check(phases).map_err(|e| refused(e.into()))?;
    let mut tx = db.begin_write().await?;
    store::setup::replace_phases(&mut tx, edition_id, phases).await?;
    let event = FestivalEvent::PhasesSet {
        edition_id,
        phases: phases.len(),
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// Publishes the results now: the running phase ends and the results phase begins.
pub async fn publish_results(
    db: &Db,
    actor: &Actor,
    edition_id: i64,
    now: Millis,
) -> Result<(), ServiceError> {
    let mut tx = db.begin_write().await?;
    let current = store::setup::phases_in(&mut tx, edition_id).await?;
    let phases = setup::publish_now(&current, now).map_err(refused)?;
    store::setup::replace_phases(&mut tx, edition_id, &phases).await?;
    audit::store::write(
        &mut tx,
        actor,
        &FestivalEvent::ResultsPublished { edition_id },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn add_stage(
    db: &Db,
    actor: &Actor,
    edition_id: i64,
    name: &str,
    stream_url: &str,
) -> Result<i64, ServiceError> {
    let (name, stream_url) = setup::parse_stage(name, stream_url).map_err(refused)?;
    let mut tx = db.begin_write().await?;
    let Some(id) = store::setup::insert_stage(&mut tx, edition_id, &name, &stream_url).await?
    else {
        return Err(refused(SetupError::StageTaken));
    };
    let event = FestivalEvent::StageAdded {
        edition_id,
        name: &name,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(id)
}

/// A speaker's photo: a fresh upload (page), or a file the caller uploaded through the API.
pub enum Photo {
    None,
    Upload(anjungan_kernel::files::store::Prepared),
    Uploaded { sha256: String, user_id: i64 },
}

pub async fn add_speaker(
    db: &Db,
    actor: &Actor,
    edition_id: i64,
    s: &SpeakerDraft,
    photo: Photo,
) -> Result<i64, ServiceError> {
    let mut tx = db.begin_write().await?;
    let photo = match photo {
        Photo::None => String::new(),
        Photo::Upload(prepared) => {
            if !prepared.mime.starts_with("image/") {
                return Err(refused(SetupError::Photo));
            }
            anjungan_kernel::files::store::record(&mut tx, actor, prepared)
                .await?
                .sha256
        }
        Photo::Uploaded { sha256, user_id } => {
            // Only the uploader's own image is made public by naming it.
            let mime =
                anjungan_kernel::files::store::publish(&mut tx, Some(user_id), &sha256).await?;
            if !mime.is_some_and(|m| m.starts_with("image/")) {
                return Err(refused(SetupError::Photo));
            }
            sha256
        }
    };
    let id = store::setup::insert_speaker(&mut tx, edition_id, s, &photo).await?;
    audit::store::write(
        &mut tx,
        actor,
        &FestivalEvent::SpeakerAdded { id, edition_id },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Who takes part in a session beside its times: its stage and its people.
pub struct Cast<'a> {
    pub stage: Option<i64>,
    pub speakers: &'a [i64],
    pub moderator: Option<i64>,
}

/// Adds a session on one of the edition's stages with its speakers and moderator. The names are
/// kept on the session too, for the agenda's exports.
pub async fn add_session(
    db: &Db,
    actor: &Actor,
    edition_id: i64,
    d: &SessionDraft,
    cast: &Cast<'_>,
) -> Result<i64, ServiceError> {
    let stages = store::setup::stages(db, edition_id).await?;
    let stage = match cast.stage {
        None => None,
        Some(id) => Some(
            stages
                .into_iter()
                .find(|s| s.id == id)
                .ok_or_else(|| refused(SetupError::UnknownStage))?,
        ),
    };
    let mut speakers = cast.speakers.to_vec();
    speakers.sort_unstable();
    speakers.dedup();
    speakers.retain(|s| Some(*s) != cast.moderator);
    let mut tx = db.begin_write().await?;
    let named = store::setup::speaker_names(&mut tx, edition_id, &speakers).await?;
    if named.len() != speakers.len() {
        return Err(refused(SetupError::UnknownSpeaker));
    }
    let moderator = match cast.moderator {
        None => None,
        Some(id) => Some(
            store::setup::speaker_names(&mut tx, edition_id, &[id])
                .await?
                .pop()
                .ok_or_else(|| refused(SetupError::UnknownSpeaker))?,
        ),
    };
    let stream_url = match (&d.stream_url, &stage) {
        (url, Some(s)) if url.is_empty() => s.stream_url.clone(),
        (url, _) => url.clone(),
    };
    let session = Session {
        id: 0,
        title: d.title.clone(),
        kind: d.kind.clone(),
        starts_at: crate::domain::agenda::whole_minute(d.starts_at),
        ends_at: crate::domain::agenda::whole_minute(d.ends_at),
        place: stage.map(|s| s.name).unwrap_or_default(),
        stream_url,
        speakers: named
            .iter()
            .map(|(_, n)| n.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        moderator: moderator
            .as_ref()
            .map(|(_, n)| n.clone())
            .unwrap_or_default(),
        capacity: d.capacity,
    };
    let id = store::insert_session(&mut tx, edition_id, &session).await?;
    for (speaker, _) in &named {
        store::setup::insert_person(&mut tx, id, *speaker, "speaker").await?;
    }
    if let Some((m, _)) = &moderator {
        store::setup::insert_person(&mut tx, id, *m, "moderator").await?;
    }
    let event = FestivalEvent::SessionAdded {
        id,
        title: &session.title,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(id)
}

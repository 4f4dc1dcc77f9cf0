//! The programme as visitors read it: the agenda by day and by stage, the speakers with a page
//! each, and one's own sign-ups as a personal iCalendar feed a calendar app subscribes to.

use crate::store::setup::{Speaker, Stage};
use crate::store::{self, Edition, Session};
use anjungan_kernel::clock::{DAY, Millis};
use anjungan_kernel::web::pages::render;
use anjungan_kernel::web::{AppError, AppState, Ctx, Shell, WebResult};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    let public = crate::web::PUBLIC;
    OpenApiRouter::new()
        .route(
            "/festival/{number}/agenda",
            get(agenda_by_day).layer(public.layer()),
        )
        .route(
            "/festival/{number}/agenda/panggung",
            get(agenda_by_stage).layer(public.layer()),
        )
        .route(
            "/festival/{number}/pembicara",
            get(speakers_page).layer(public.layer()),
        )
        .route(
            "/festival/{number}/pembicara/{id}",
            get(speaker_page).layer(public.layer()),
        )
        .route("/festival/kalender-saya", get(my_calendar))
        .route("/festival/kalender/{token}", get(feed))
}

/// "Pemungutan suara dibuka 1–10 Desember 2027" until the vote closes, then that it closed on
/// those days. A window that ends at midnight ends with the day before.
pub fn vote_dates(shell: &Shell, opens: Millis, closes: Millis, now: Millis) -> String {
    let first = anjungan_kernel::clock::to_wib(opens).date();
    let last = anjungan_kernel::clock::to_wib((closes - 1).max(opens)).date();
    let range = if first == last {
        shell.t.day(&first.to_string())
    } else if (first.year(), first.month()) == (last.year(), last.month()) {
        format!("{}–{}", first.day(), shell.t.day(&last.to_string()))
    } else {
        format!(
            "{} – {}",
            shell.t.day(&first.to_string()),
            shell.t.day(&last.to_string())
        )
    };
    let key = if now < closes {
        "festival.setup.vote_open"
    } else {
        "festival.setup.vote_closed"
    };
    shell.t.s(key).replace("{dates}", &range)
}

/// A session with the people on it, for links to their pages.
pub struct SessionView {
    pub s: Session,
    pub speakers: Vec<(i64, String)>,
    pub moderator: Option<(i64, String)>,
}

pub struct Group {
    pub title: String,
    pub sessions: Vec<SessionView>,
}

async fn views(state: &AppState, e: &Edition) -> Result<Vec<SessionView>, AppError> {
    let speakers = store::setup::speakers(&state.db, e.id).await?;
    let people = store::setup::people(&state.db, e.id).await?;
    let name = |id: i64| {
        speakers
            .iter()
            .find(|s| s.id == id)
            .map(|s| (id, s.name.clone()))
    };
    Ok(store::sessions(&state.db, e.id)
        .await?
        .into_iter()
        .map(|s| {
            let on = |role: &str| {
                people
                    .iter()
                    .filter(|(session, _, r)| *session == s.id && r == role)
                    .filter_map(|(_, speaker, _)| name(*speaker))
                    .collect::<Vec<_>>()
            };
            SessionView {
                speakers: on("speaker"),
                moderator: on("moderator").pop(),
                s,
            }
        })
        .collect())
}

#[derive(Template)]
#[template(path = "festival_agenda.html")]
struct AgendaPage {
    shell: Shell,
    e: Edition,
    by_stage: bool,
    groups: Vec<Group>,
}

impl AgendaPage {
    fn time(&self, s: &Session) -> String {
        let (a, b) = (
            anjungan_kernel::clock::to_wib(s.starts_at),
            anjungan_kernel::clock::to_wib(s.ends_at),
        );
        format!(
            "{:02}.{:02}–{:02}.{:02}",
            a.hour(),
            a.minute(),
            b.hour(),
            b.minute()
        )
    }
    fn day(&self, s: &Session) -> String {
        self.shell.t.date(s.starts_at)
    }
    fn kind_key(&self, s: &Session) -> String {
        format!("festival.session.{}", s.kind)
    }
}

async fn agenda(state: &AppState, ctx: &Ctx, number: &str, by_stage: bool) -> WebResult<Response> {
    let e = crate::web::edition_by(state, number).await?;
    let sessions = views(state, &e).await?;
    let mut groups: Vec<Group> = Vec::new();
    if by_stage {
        let stages: Vec<Stage> = store::setup::stages(&state.db, e.id).await?;
        let mut names: Vec<String> = stages.into_iter().map(|s| s.name).collect();
        for v in &sessions {
            let place = if v.s.place.is_empty() {
                &e.venue
            } else {
                &v.s.place
            };
            if !names.contains(place) {
                names.push(place.clone());
            }
        }
        for name in names {
            groups.push(Group {
                title: name,
                sessions: Vec::new(),
            });
        }
        for v in sessions {
            let place = if v.s.place.is_empty() {
                e.venue.clone()
            } else {
                v.s.place.clone()
            };
            if let Some(g) = groups.iter_mut().find(|g| g.title == place) {
                g.sessions.push(v);
            }
        }
    } else {
        for v in sessions {
            let day = ctx.tr().date(v.s.starts_at);
            match groups.last_mut() {
                Some(g) if g.title == day => g.sessions.push(v),
                _ => groups.push(Group {
                    title: day,
                    sessions: vec![v],
                }),
            }
        }
    }
    render(&AgendaPage {
        shell: Shell::new(ctx),
        e,
        by_stage,
        groups,
    })
}

async fn agenda_by_day(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> WebResult<Response> {
    agenda(&state, &ctx, &number, false).await
}

async fn agenda_by_stage(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> WebResult<Response> {
    agenda(&state, &ctx, &number, true).await
}

#[derive(Template)]
#[template(path = "festival_speakers.html")]
struct SpeakersPage {
    shell: Shell,
    e: Edition,
    speakers: Vec<Speaker>,
}

async fn speakers_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> WebResult<Response> {
    let e = crate::web::edition_by(&state, &number).await?;
    render(&SpeakersPage {
        shell: Shell::new(&ctx),
        speakers: store::setup::speakers(&state.db, e.id).await?,
        e,
    })
}

#[derive(Template)]
#[template(path = "festival_speaker.html")]
struct SpeakerPage {
    shell: Shell,
    e: Edition,
    p: Speaker,
    sessions: Vec<(SessionView, bool)>,
}

impl SpeakerPage {
    fn when(&self, ms: &i64) -> String {
        self.shell.t.datetime(*ms)
    }
}

async fn speaker_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((number, id)): Path<(String, String)>,
) -> WebResult<Response> {
    let e = crate::web::edition_by(&state, &number).await?;
    let id: i64 = id.trim().parse().map_err(|_| AppError::not_found())?;
    let p = store::setup::speaker(&state.db, e.id, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let sessions = views(&state, &e)
        .await?
        .into_iter()
        .filter_map(|v| {
            let moderates = v.moderator.as_ref().is_some_and(|(m, _)| *m == id);
            (moderates || v.speakers.iter().any(|(s, _)| *s == id)).then_some((v, moderates))
        })
        .collect();
    render(&SpeakerPage {
        shell: Shell::new(&ctx),
        e,
        p,
        sessions,
    })
}

const FEED_PURPOSE: &str = "festival-calendar";

/// The secret address of a person's calendar: their id and a keyed digest of it, so nobody can
/// guess another's.
fn feed_token(state: &AppState, user_id: i64) -> String {
    let mac = state.keys.blind_index(FEED_PURPOSE, &user_id.to_string());
    format!("{user_id}-{}", &mac[..32])
}

fn feed_user(state: &AppState, token: &str) -> Option<i64> {
    let token = token.trim_end_matches(".ics");
    let (id, _) = token.split_once('-')?;
    let id: i64 = id.parse().ok()?;
    anjungan_kernel::crypto::same_secret(&feed_token(state, id), token).then_some(id)
}

#[derive(Template)]
#[template(path = "festival_my_calendar.html")]
struct MyCalendarPage {
    shell: Shell,
    feed_url: String,
    webcal_url: String,
    sessions: Vec<(i64, String, Session)>,
}

impl MyCalendarPage {
    fn when(&self, ms: &i64) -> String {
        self.shell.t.datetime(*ms)
    }
}

/// The signed-in visitor's sessions and the address of their personal calendar feed.
async fn my_calendar(State(state): State<AppState>, ctx: Ctx) -> WebResult<Response> {
    let p = ctx.signed_in()?;
    let feed_url = format!(
        "{}/festival/kalender/{}.ics",
        state.config.base_url.trim_end_matches('/'),
        feed_token(&state, p.user_id.0)
    );
    let webcal_url =
        feed_url
            .replacen("https://", "webcal://", 1)
            .replacen("http://", "webcal://", 1);
    let now = anjungan_kernel::clock::now_ms();
    let sessions = store::setup::signed_up_sessions(&state.db, p.user_id.0)
        .await?
        .into_iter()
        .filter(|(_, _, s)| s.ends_at > now - 30 * DAY)
        .collect();
    let page = render(&MyCalendarPage {
        shell: Shell::new(&ctx),
        feed_url,
        webcal_url,
        sessions,
    })?;
    // The page holds the secret address: no cache keeps it, no link leaks it.
    let mut page = page.into_response();
    page.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    page.headers_mut().insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("no-referrer"),
    );
    Ok(page)
}

/// The personal feed: the sessions its owner signed up for, in every edition.
async fn feed(State(state): State<AppState>, Path(token): Path<String>) -> WebResult<Response> {
    let user = feed_user(&state, &token).ok_or_else(AppError::not_found)?;
    let sessions = store::setup::signed_up_sessions(&state.db, user).await?;
    let items: Vec<(i64, &str, &Session)> = sessions
        .iter()
        .map(|(n, venue, s)| (*n, venue.as_str(), s))
        .collect();
    let host = state.config.identity_domain();
    let body = crate::web::calendar("TIF · Agenda saya", &items, &host);
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, no-cache"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        body,
    )
        .into_response())
}

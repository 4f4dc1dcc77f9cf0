//! Festival pages and API: the editions, an edition's page with its phases, agenda and entries,
//! entering an innovation, the agenda as iCalendar, and `/api/v1/festival`.

pub mod api;
pub mod awards;
pub mod dashboard;
pub mod jury;
pub mod programme;
pub mod proposal;
pub mod settings;
pub mod setup;
pub mod signup;
pub mod vote;

use crate::domain::agenda::whole_minute;
use crate::domain::phase::{Phase, PhaseKind, current};
use crate::ports::{Catalogue, InnovationSummary};
use crate::render::ical;
use crate::store::{self, Edition, Session};
use anjungan_kernel::identity::domain::{AccessError, Role};
use anjungan_kernel::web::pages::render;
use anjungan_kernel::web::{AppError, AppState, Ctx, Shell, WebResult};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Form, Json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Its pages guests all see alike: kept by the page cache until a write of this room (or any
/// write not narrowed to another room).
pub(crate) const PUBLIC: anjungan_kernel::web::page_cache::Public =
    anjungan_kernel::web::page_cache::Public::of(&["festival"]);

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/festival", get(editions_page).layer(PUBLIC.layer()))
        .route(
            "/festival/{number}",
            get(edition_page).layer(PUBLIC.layer()).post(enter),
        )
        .route(
            "/festival/{number}/agenda.ics",
            get(agenda_ics).layer(PUBLIC.layer()),
        )
        .route(
            "/festival/{number}/schedule.json",
            get(schedule_json).layer(PUBLIC.layer()),
        )
        .route(
            "/festival/{number}/schedule.xml",
            get(schedule_xml).layer(PUBLIC.layer()),
        )
        .route("/festival/{number}/stan", axum::routing::post(add_stand))
        .route(
            "/festival/{number}/stan/{stand}",
            get(stand_page).layer(PUBLIC.layer()),
        )
        .route("/festival/{number}/stan/{stand}/qr.svg", get(stand_qr))
        .merge(crate::web::jury::routes())
        .merge(crate::web::dashboard::routes())
        .merge(crate::web::awards::routes())
        .merge(crate::web::vote::routes())
        .merge(crate::web::proposal::routes())
        .merge(crate::web::settings::routes())
        .merge(crate::web::setup::routes())
        .merge(crate::web::programme::routes())
        .merge(crate::web::signup::routes())
        .merge(crate::web::api::routes())
        .routes(routes!(editions_api))
        .routes(routes!(edition_api))
}

async fn load(state: &AppState, number: &str) -> Result<(Edition, Vec<Phase>), AppError> {
    let number: i64 = number.trim().parse().map_err(|_| AppError::not_found())?;
    let e = store::edition(&state.db, number)
        .await?
        .ok_or_else(AppError::not_found)?;
    let phases = store::phases(&state.db, e.id).await?;
    Ok((e, phases))
}

#[derive(Template)]
#[template(path = "festival_index.html")]
struct EditionsPage {
    shell: Shell,
    editions: Vec<Edition>,
    coordinator: bool,
    signed_in: bool,
}

async fn editions_page(State(state): State<AppState>, ctx: Ctx) -> WebResult<Response> {
    render(&EditionsPage {
        shell: Shell::new(&ctx),
        editions: store::editions(&state.db).await?,
        coordinator: coordinator(&ctx).is_ok(),
        signed_in: ctx.principal.is_some(),
    })
}

pub struct EntryView {
    pub id: i64,
    pub innovation: Option<InnovationSummary>,
    /// Shortlist standing, once a cut is decided.
    pub standing: Option<crate::domain::shortlist::Standing>,
    /// Whether the visitor may open the entry's proposal page.
    pub proposal_link: bool,
}

#[derive(Template)]
#[template(path = "festival_edition.html")]
struct EditionPage {
    shell: Shell,
    e: Edition,
    phases: Vec<Phase>,
    now: i64,
    sessions: Vec<Session>,
    entries: Vec<EntryView>,
    candidates: Vec<InnovationSummary>,
    error: Option<String>,
    stands: Vec<store::Stand>,
    plan: String,
    coordinator: bool,
    juror: bool,
    signed_in: bool,
    /// Sign-ups per session, and the sessions the visitor signed up for.
    signups: std::collections::HashMap<i64, i64>,
    mine: Vec<i64>,
    /// When the public may vote, shown to everyone.
    vote: Option<(i64, i64)>,
}

impl EditionPage {
    fn vote_text(&self, opens: &i64, closes: &i64) -> String {
        crate::web::programme::vote_dates(&self.shell, *opens, *closes, self.now)
    }
    /// The ranking and the results are public once the results phase has begun.
    fn results_public(&self) -> bool {
        self.coordinator || crate::domain::phase::results_out(&self.phases, self.now)
    }
    fn phase_key(&self, p: &Phase) -> String {
        format!("festival.phase.{}", p.kind.code())
    }
    fn is_current(&self, p: &Phase) -> bool {
        p.starts_at <= self.now && self.now < p.ends_at
    }
    fn when(&self, ms: &i64) -> String {
        self.shell.t.datetime(*ms)
    }
    fn day(&self, ms: &i64) -> String {
        self.shell.t.date(*ms)
    }
    fn open(&self) -> bool {
        current(&self.phases, self.now).is_some_and(|p| p.kind.allows_entering())
    }
    fn mode_key(&self) -> String {
        format!("festival.mode.{}", self.e.mode)
    }
    fn kind_key(&self, s: &Session) -> String {
        format!("festival.session.{}", s.kind)
    }
    fn standing(&self, x: &EntryView) -> String {
        crate::web::jury::standing_text(&self.shell, x.standing.as_ref())
    }
    fn seats_left(&self, s: &Session) -> Option<i64> {
        crate::domain::signup::left(s.capacity, self.taken(s))
    }
    fn taken(&self, s: &Session) -> i64 {
        self.signups.get(&s.id).copied().unwrap_or(0)
    }
    fn upcoming(&self, s: &Session) -> bool {
        self.now < s.starts_at
    }
    fn is_mine(&self, s: &Session) -> bool {
        self.mine.contains(&s.id)
    }
}

async fn entries_of(
    state: &AppState,
    catalogue: &Catalogue,
    e: &Edition,
) -> Result<Vec<EntryView>, AppError> {
    let (_, mut standings) = crate::web::jury::compute_ranking(state, e).await?;
    let mut out = Vec::new();
    for (id, innovation, _) in store::entries(&state.db, e.id).await? {
        out.push(EntryView {
            id,
            innovation: catalogue.get(innovation).await,
            standing: standings.remove(&id),
            proposal_link: false,
        });
    }
    Ok(out)
}

/// Verified innovations of the signed-in person's units, which they may enter.
async fn candidates(catalogue: &Catalogue, ctx: &Ctx) -> Vec<InnovationSummary> {
    let Some(p) = ctx.principal.as_ref() else {
        return Vec::new();
    };
    let paths: Vec<String> = p
        .grants
        .iter()
        .filter(|g| matches!(g.role, Role::UnitOperator | Role::UnitHead))
        .filter_map(|g| g.org.as_ref().map(|o| o.path.clone()))
        .collect();
    if paths.is_empty() {
        return Vec::new();
    }
    catalogue.verified_under(paths).await
}

async fn page(
    state: &AppState,
    catalogue: &Catalogue,
    ctx: &Ctx,
    number: &str,
    error: Option<String>,
) -> Result<Response, AppError> {
    let (e, phases) = load(state, number).await?;
    let now = anjungan_kernel::clock::now_ms();
    let sessions = store::sessions(&state.db, e.id).await?;
    let mut entries = entries_of(state, catalogue, &e).await?;
    let results_public = crate::domain::phase::results_out(&phases, now);
    for x in entries.iter_mut() {
        let owner = x
            .innovation
            .as_ref()
            .map(|i| anjungan_kernel::orgs::domain::OrgRef {
                id: i.organisation_id,
                path: i.organisation_path.clone(),
            });
        x.proposal_link = results_public
            || ctx.principal.as_ref().is_some_and(|p| {
                p.is_admin()
                    || p.has_role(Role::Coordinator)
                    || p.has_role(Role::Jury)
                    || owner.as_ref().is_some_and(|o| {
                        p.holds_for(Role::UnitOperator, o) || p.holds_for(Role::UnitHead, o)
                    })
            });
    }
    let (signups, mine) = match ctx.principal.as_ref() {
        Some(p) => (
            crate::store::signups::counts(&state.db, e.id).await?,
            crate::store::signups::mine(&state.db, e.id, p.user_id.0).await?,
        ),
        None => (
            crate::store::signups::counts(&state.db, e.id).await?,
            Vec::new(),
        ),
    };
    let entered: Vec<i64> = entries
        .iter()
        .filter_map(|x| x.innovation.as_ref().map(|i| i.id))
        .collect();
    let candidates = candidates(catalogue, ctx)
        .await
        .into_iter()
        .filter(|c| !entered.contains(&c.id))
        .collect();
    let stands = store::stands(&state.db, e.id).await?;
    let plan_items: Vec<crate::domain::stand::PlanStand<'_>> = stands
        .iter()
        .map(|s| crate::domain::stand::PlanStand {
            number: &s.number,
            label: &s.organisation,
            x: s.x,
            y: s.y,
            href: format!("/festival/{}/stan/{}", e.number, s.number),
        })
        .collect();
    let plan = crate::domain::stand::floor_plan(&plan_items, ctx.tr().s("festival.plan"));
    let coordinator = ctx
        .principal
        .as_ref()
        .is_some_and(|p| p.is_admin() || p.has_role(Role::Coordinator));
    render(&EditionPage {
        shell: Shell::new(ctx),
        e,
        vote: crate::domain::setup::vote_window(&phases),
        phases,
        now,
        sessions,
        entries,
        candidates,
        error,
        stands,
        plan,
        coordinator,
        juror: ctx
            .principal
            .as_ref()
            .is_some_and(|p| p.has_role(Role::Jury)),
        signed_in: ctx.principal.is_some(),
        signups,
        mine,
    })
}

async fn edition_page(
    State(state): State<AppState>,
    Extension(catalogue): Extension<Catalogue>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> WebResult<Response> {
    page(&state, &catalogue, &ctx, &number, None).await
}

#[derive(serde::Deserialize)]
struct EnterForm {
    innovation: String,
}

/// An agency enters one of its verified innovations while the call for entries is open.
async fn enter(
    State(state): State<AppState>,
    Extension(catalogue): Extension<Catalogue>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<EnterForm>,
) -> WebResult<Response> {
    let (e, phases) = load(&state, &number).await?;
    match enter_innovation(&state, &catalogue, &ctx, &e, &phases, &f.innovation).await {
        Ok(_) => Ok(Redirect::to(&format!("/festival/{}#peserta", e.number)).into_response()),
        Err(err) if err.status == StatusCode::BAD_REQUEST || err.status == StatusCode::CONFLICT => {
            // A refusal comes back on the edition page, with the reason.
            let message = err.message(ctx.tr());
            let page = page(&state, &catalogue, &ctx, &number, Some(message)).await?;
            Ok((err.status, page).into_response())
        }
        Err(err) => Err(err),
    }
}

/// Enters an innovation for the signed-in person (page and API).
pub(crate) async fn enter_innovation(
    state: &AppState,
    catalogue: &Catalogue,
    ctx: &Ctx,
    e: &Edition,
    phases: &[Phase],
    innovation: &str,
) -> Result<i64, AppError> {
    let who = ctx.signed_in()?;
    Ok(crate::service::entries::enter(
        &state.db,
        catalogue,
        who,
        &ctx.actor(),
        e,
        phases,
        innovation,
    )
    .await?)
}

/// Sessions as an iCalendar: (edition number, the edition's venue, session) each. A session's
/// UID names its edition and the installation's lasting domain, so subscribed calendars keep
/// their entries when the site moves.
pub(crate) fn calendar(name: &str, items: &[(i64, &str, &Session)], host: &str) -> String {
    let descriptions: Vec<String> = items
        .iter()
        .map(|(_, _, s)| {
            let mut d = String::new();
            if !s.speakers.is_empty() {
                d.push_str(&format!("Narasumber: {}", s.speakers));
            }
            if !s.moderator.is_empty() {
                d.push_str(&format!("\nModerator: {}", s.moderator));
            }
            d
        })
        .collect();
    let events: Vec<ical::Event<'_>> = items
        .iter()
        .zip(&descriptions)
        .map(|((number, venue, s), d)| ical::Event {
            uid: format!("tif-{number}-session-{}@{host}", s.id),
            start: whole_minute(s.starts_at),
            end: whole_minute(s.ends_at),
            summary: &s.title,
            location: if s.place.is_empty() { venue } else { &s.place },
            description: d,
            url: (!s.stream_url.is_empty()).then_some(s.stream_url.as_str()),
        })
        .collect();
    ical::calendar(name, &events, anjungan_kernel::clock::now_ms())
}

async fn agenda_ics(
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> WebResult<Response> {
    let number = number.trim_end_matches(".ics").to_string();
    let (e, _) = load(&state, &number).await?;
    let sessions = store::sessions(&state.db, e.id).await?;
    // The installation's lasting domain, not the address: subscribed calendars keep their
    // entries when the site moves.
    let host = state.config.identity_domain();
    let items: Vec<(i64, &str, &Session)> = sessions
        .iter()
        .map(|s| (e.number, e.venue.as_str(), s))
        .collect();
    let body = calendar(&format!("TIF {} ({})", e.number, e.year), &items, &host);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"tif-{}.ics\"", e.number),
            ),
        ],
        body,
    )
        .into_response())
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = festival::EditionView)]
struct EditionView {
    edition: Edition,
    phases: Vec<PhaseView>,
    sessions: Vec<Session>,
    entries: Vec<InnovationSummary>,
    stands: Vec<store::Stand>,
    stages: Vec<store::setup::Stage>,
    speakers: Vec<store::setup::Speaker>,
    /// When the public vote opens and closes (RFC 3339, WIB), if the edition has one.
    vote_opens_at: Option<String>,
    vote_closes_at: Option<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = festival::PhaseView)]
struct PhaseView {
    kind: String,
    starts_at: String,
    ends_at: String,
    voting: bool,
    current: bool,
}

/// All editions of the festival, newest first. Public.
#[utoipa::path(get, path = "/api/v1/festival/editions", operation_id = "listEditions", tag = "festival", responses((status = 200, body = Vec<Edition>)))]
async fn editions_api(State(state): State<AppState>) -> WebResult<Json<Vec<Edition>>> {
    Ok(Json(store::editions(&state.db).await?))
}

/// One edition with its phases, agenda and entries. Public.
#[utoipa::path(get, path = "/api/v1/festival/editions/{number}", operation_id = "getEdition", tag = "festival",
    params(("number" = i64, Path, description = "Edition number, e.g. 2 for the 2nd TIF")), responses((status = 200, body = EditionView), (status = 404)))]
async fn edition_api(
    State(state): State<AppState>,
    Extension(catalogue): Extension<Catalogue>,
    Path(number): Path<String>,
) -> WebResult<Json<EditionView>> {
    let (e, phases) = load(&state, &number).await?;
    let now = anjungan_kernel::clock::now_ms();
    let sessions = store::sessions(&state.db, e.id).await?;
    let entries = entries_of(&state, &catalogue, &e)
        .await?
        .into_iter()
        .filter_map(|x| x.innovation)
        .collect();
    let vote = crate::domain::setup::vote_window(&phases);
    let phases = phases
        .iter()
        .map(|p| PhaseView {
            kind: p.kind.code().to_string(),
            starts_at: anjungan_kernel::clock::rfc3339_wib(p.starts_at),
            ends_at: anjungan_kernel::clock::rfc3339_wib(p.ends_at),
            voting: p.voting,
            current: p.starts_at <= now && now < p.ends_at,
        })
        .collect();
    let stands = store::stands(&state.db, e.id).await?;
    Ok(Json(EditionView {
        stages: store::setup::stages(&state.db, e.id).await?,
        speakers: store::setup::speakers(&state.db, e.id).await?,
        vote_opens_at: vote.map(|(a, _)| anjungan_kernel::clock::rfc3339_wib(a)),
        vote_closes_at: vote.map(|(_, b)| anjungan_kernel::clock::rfc3339_wib(b)),
        edition: e,
        phases,
        sessions,
        entries,
        stands,
    }))
}

/// Keeps `PhaseKind` in the public API of this module for templates.
pub fn phase_kinds() -> [PhaseKind; 8] {
    PhaseKind::ALL
}

#[derive(serde::Deserialize)]
struct StandForm {
    number: String,
    org_code: String,
    x: String,
    y: String,
    /// `susun` when sent from the set-up page, to go back there.
    #[serde(default)]
    from: String,
}

/// The coordinator places a stand for an agency on the floor plan.
async fn add_stand(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<StandForm>,
) -> WebResult<Response> {
    coordinator(&ctx)?;
    let (e, _) = load(&state, &number).await?;
    place_stand(&state, &ctx, &e, &f.number, &f.org_code, &f.x, &f.y).await?;
    Ok(if f.from == "susun" {
        Redirect::to(&format!("/festival/{}/susun#stan", e.number))
    } else {
        Redirect::to(&format!("/festival/{}#denah", e.number))
    }
    .into_response())
}

/// Places a stand (page and API): a valid number and cell, a known agency, a free number.
pub(crate) async fn place_stand(
    state: &AppState,
    ctx: &Ctx,
    e: &Edition,
    number: &str,
    org_code: &str,
    x: &str,
    y: &str,
) -> Result<(), AppError> {
    let stand = crate::domain::stand::parse_number(number)
        .map_err(|_| AppError::bad_request("festival.error.stand_number"))?;
    let (x, y) = crate::domain::stand::parse_position(x, y)
        .map_err(|_| AppError::bad_request("festival.error.stand_position"))?;
    let org = anjungan_kernel::orgs::store::get_by_code(&state.db, org_code.trim())
        .await?
        .ok_or_else(|| AppError::bad_request("festival.error.stand_org"))?;
    if !crate::service::agenda::add_stand(&state.db, &ctx.actor(), e.id, &stand, org.id, x, y)
        .await?
    {
        return Err(AppError::new(
            StatusCode::CONFLICT,
            "festival.error.stand_taken",
        ));
    }
    Ok(())
}

#[derive(Template)]
#[template(path = "festival_stand.html")]
struct StandPage {
    shell: Shell,
    e: Edition,
    stand: store::Stand,
    shown: Vec<InnovationSummary>,
}

async fn find_stand(
    state: &AppState,
    number: &str,
    stand: &str,
) -> Result<(Edition, store::Stand), AppError> {
    let (e, _) = load(state, number).await?;
    let wanted = crate::domain::stand::parse_number(stand).map_err(|_| AppError::not_found())?;
    let s = store::stands(&state.db, e.id)
        .await?
        .into_iter()
        .find(|s| s.number == wanted)
        .ok_or_else(AppError::not_found)?;
    Ok((e, s))
}

/// A stand's page, which its printed QR code opens for visitors: the agency and its entries.
async fn stand_page(
    State(state): State<AppState>,
    Extension(catalogue): Extension<Catalogue>,
    ctx: Ctx,
    Path((number, stand)): Path<(String, String)>,
) -> WebResult<Response> {
    let (e, stand) = find_stand(&state, &number, &stand).await?;
    let shown = entries_of(&state, &catalogue, &e)
        .await?
        .into_iter()
        .filter_map(|x| x.innovation)
        .filter(|i| i.organisation_id == stand.organisation_id)
        .collect();
    render(&StandPage {
        shell: Shell::new(&ctx),
        e,
        stand,
        shown,
    })
}

async fn stand_qr(
    State(state): State<AppState>,
    Path((number, stand)): Path<(String, String)>,
) -> WebResult<Response> {
    let (e, stand) = find_stand(&state, &number, &stand).await?;
    let url = format!(
        "{}/festival/{}/stan/{}",
        state.config.base_url.trim_end_matches('/'),
        e.number,
        stand.number
    );
    let code = qrcode::QrCode::new(url.as_bytes()).map_err(|err| {
        AppError::from(anjungan_kernel::Error::Internal(anyhow::anyhow!(
            "qr: {err}"
        )))
    })?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build();
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        svg,
    )
        .into_response())
}

async fn frab_parts(state: &AppState, number: &str) -> Result<(Edition, Vec<Session>), AppError> {
    let (e, _) = load(state, number).await?;
    let sessions = store::sessions(&state.db, e.id).await?;
    Ok((e, sessions))
}

fn frab_talks<'a>(e: &'a Edition, sessions: &'a [Session]) -> Vec<crate::render::frab::Talk<'a>> {
    sessions
        .iter()
        .map(|s| crate::render::frab::Talk {
            id: s.id,
            title: &s.title,
            kind: &s.kind,
            start: s.starts_at,
            end: s.ends_at,
            room: if s.place.is_empty() {
                &e.venue
            } else {
                &s.place
            },
            persons: s
                .speakers
                .split(';')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect(),
            url: (!s.stream_url.is_empty()).then_some(s.stream_url.as_str()),
        })
        .collect()
}

fn conference<'a>(
    state: &'a AppState,
    e: &'a Edition,
    domain: &'a str,
) -> crate::render::frab::Conference<'a> {
    crate::render::frab::Conference {
        number: e.number,
        title: &e.theme,
        start: &e.starts_on,
        end: &e.ends_on,
        base_url: state.config.base_url.trim_end_matches('/'),
        domain,
    }
}

/// The agenda in the Frab schedule format (JSON).
async fn schedule_json(
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> WebResult<Response> {
    let (e, sessions) = frab_parts(&state, &number).await?;
    let domain = state.config.identity_domain();
    let body =
        crate::render::frab::json(&conference(&state, &e, &domain), &frab_talks(&e, &sessions));
    Ok(Json(body).into_response())
}

/// The agenda in the Frab schedule format (XML).
async fn schedule_xml(
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> WebResult<Response> {
    let (e, sessions) = frab_parts(&state, &number).await?;
    let domain = state.config.identity_domain();
    let body =
        crate::render::frab::xml(&conference(&state, &e, &domain), &frab_talks(&e, &sessions));
    Ok((
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        body,
    )
        .into_response())
}

/// The edition named in a path, or 404.
pub(crate) async fn edition_by(state: &AppState, number: &str) -> Result<Edition, AppError> {
    Ok(load(state, number).await?.0)
}

/// Only the coordinator (or an admin) may pass.
pub(crate) fn coordinator(ctx: &Ctx) -> Result<(), AppError> {
    let p = ctx.signed_in()?;
    if p.is_admin() || p.has_role(Role::Coordinator) {
        Ok(())
    } else {
        Err(anjungan_kernel::Error::Access(AccessError::Forbidden).into())
    }
}

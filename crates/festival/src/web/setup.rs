//! The coordinator sets up an edition on pages and through the API: a new edition (its phases
//! carried over from the previous one), then on `/festival/{n}/susun` its phases and vote dates,
//! stages, speakers, sessions and stands, and finally publishing the results.

use crate::domain::phase::{Phase, PhaseKind};
use crate::domain::setup::{self, EditionFields, PhaseRow, SessionFields, SetupError};
use crate::error::{FestivalError, ServiceError};
use crate::service::setup::{Cast, Photo};
use crate::store::setup::{Speaker, Stage};
use crate::store::{self, Edition, Session};
use anjungan_kernel::web::confirm;
use anjungan_kernel::web::pages::render;
use anjungan_kernel::web::{AppError, AppState, Ctx, Shell, WebResult};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/festival/baru", get(new_page).post(create))
        .route("/festival/{number}/susun", get(setup_page))
        .route("/festival/{number}/susun/tahapan", post(save_phases))
        .route("/festival/{number}/susun/panggung", post(add_stage))
        .route("/festival/{number}/susun/pembicara", post(add_speaker))
        .route("/festival/{number}/susun/sesi", post(add_session))
        .route("/festival/{number}/susun/umumkan", post(publish))
        .routes(routes!(create_api))
        .routes(routes!(phases_api))
        .routes(routes!(stage_api))
        .routes(routes!(speakers_api, speaker_add_api))
        .routes(routes!(session_api))
        .routes(routes!(stand_api))
        .routes(routes!(publish_api))
}

/// A form's fields by name (the first of each).
struct Fields(Vec<(String, String)>);

impl Fields {
    fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
    fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

fn refusal(e: SetupError) -> AppError {
    FestivalError::Setup(e).into()
}

// ---- a new edition ----

#[derive(Template)]
#[template(path = "festival_new.html")]
struct NewPage {
    shell: Shell,
    v: Fields,
    previous: Option<Edition>,
    error: Option<String>,
}

impl NewPage {
    fn v(&self, name: &str) -> &str {
        self.v.get(name)
    }
    fn is(&self, name: &str, value: &str) -> bool {
        self.v.get(name) == value
    }
    fn mode_key(&self, m: &&str) -> String {
        format!("festival.mode.{m}")
    }
    fn modes(&self) -> [&'static str; 3] {
        setup::MODES
    }
}

/// The form starts from the latest edition: the next number, a year on, the same venue, mode
/// and days of the year.
fn defaults(previous: Option<&Edition>) -> Fields {
    let Some(p) = previous else {
        return Fields(vec![
            ("number".into(), "1".into()),
            ("mode".into(), "in_person".into()),
            ("entry_limit".into(), "1".into()),
            ("copy_phases".into(), "1".into()),
        ]);
    };
    let next_year = |iso: &str| {
        setup::date(iso)
            .and_then(|d| d.replace_year(d.year() + 1).ok())
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    Fields(vec![
        ("number".into(), (p.number + 1).to_string()),
        ("year".into(), (p.year + 1).to_string()),
        ("venue".into(), p.venue.clone()),
        ("starts_on".into(), next_year(&p.starts_on)),
        ("ends_on".into(), next_year(&p.ends_on)),
        ("mode".into(), p.mode.clone()),
        ("entry_limit".into(), p.entry_limit.to_string()),
        ("copy_phases".into(), "1".into()),
    ])
}

async fn new_page(State(state): State<AppState>, ctx: Ctx) -> WebResult<Response> {
    crate::web::coordinator(&ctx)?;
    let previous = store::editions(&state.db).await?.into_iter().next();
    render(&NewPage {
        shell: Shell::new(&ctx),
        v: defaults(previous.as_ref()),
        previous,
        error: None,
    })
}

fn edition_fields(f: &Fields) -> EditionFields<'_> {
    EditionFields {
        number: f.get("number"),
        year: f.get("year"),
        theme: f.get("theme"),
        venue: f.get("venue"),
        starts_on: f.get("starts_on"),
        ends_on: f.get("ends_on"),
        mode: f.get("mode"),
        entry_limit: f.get("entry_limit"),
    }
}

/// Creates the edition, with the previous edition's phases moved to its dates when asked.
async fn new_edition(
    state: &AppState,
    ctx: &Ctx,
    fields: &EditionFields<'_>,
    copy: bool,
) -> Result<i64, AppError> {
    let draft = setup::parse_edition(fields).map_err(refusal)?;
    let phases = if copy {
        crate::service::setup::template_phases(&state.db, &draft.starts_on).await?
    } else {
        Vec::new()
    };
    crate::service::setup::create_edition(&state.db, &ctx.actor(), &draft, phases).await?;
    Ok(draft.number)
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    crate::web::coordinator(&ctx)?;
    let f = Fields(f);
    let copy = !f.get("copy_phases").is_empty();
    match new_edition(&state, &ctx, &edition_fields(&f), copy).await {
        Ok(number) => Ok(Redirect::to(&format!("/festival/{number}/susun")).into_response()),
        Err(err) if err.status.is_client_error() && err.status != StatusCode::FORBIDDEN => {
            let previous = store::editions(&state.db).await?.into_iter().next();
            let page = render(&NewPage {
                shell: Shell::new(&ctx),
                error: Some(err.message(ctx.tr())),
                v: f,
                previous,
            })?;
            Ok((err.status, page).into_response())
        }
        Err(err) => Err(err),
    }
}

// ---- the set-up page ----

pub struct PhaseInput {
    pub kind: PhaseKind,
    pub starts: String,
    pub ends: String,
    pub voting: bool,
}

#[derive(Template)]
#[template(path = "festival_setup.html")]
struct SetupPage {
    shell: Shell,
    e: Edition,
    phases: Vec<PhaseInput>,
    vote: Option<(i64, i64)>,
    now: i64,
    published: bool,
    stages: Vec<Stage>,
    speakers: Vec<Speaker>,
    sessions: Vec<Session>,
    stands: Vec<store::Stand>,
    days: Vec<String>,
    error: Option<String>,
    /// The fields of the form that was refused, typed again.
    v: Fields,
}

impl SetupPage {
    fn phase_key(&self, k: &PhaseKind) -> String {
        format!("festival.phase.{}", k.code())
    }
    fn kind_key(&self, k: &&str) -> String {
        format!("festival.session.{k}")
    }
    fn session_kinds(&self) -> [&'static str; 4] {
        setup::SESSION_KINDS
    }
    fn when(&self, ms: &i64) -> String {
        self.shell.t.datetime(*ms)
    }
    fn v(&self, name: &str) -> &str {
        self.v.get(name)
    }
    fn is(&self, name: &str, value: &str) -> bool {
        self.v.get(name) == value
    }
    fn chosen(&self, name: &str, value: &i64) -> bool {
        self.v.all(name).contains(&value.to_string().as_str())
    }
    fn vote_text(&self) -> String {
        self.vote
            .map(|(a, b)| crate::web::programme::vote_dates(&self.shell, a, b, self.now))
            .unwrap_or_default()
    }
}

pub(crate) fn phase_inputs(phases: &[Phase]) -> Vec<PhaseInput> {
    PhaseKind::ALL
        .into_iter()
        .map(|kind| match phases.iter().find(|p| p.kind == kind) {
            Some(p) => PhaseInput {
                kind,
                starts: setup::instant_input(p.starts_at),
                ends: setup::instant_input(p.ends_at),
                voting: p.voting,
            },
            None => PhaseInput {
                kind,
                starts: String::new(),
                ends: String::new(),
                voting: false,
            },
        })
        .collect()
}

async fn show_setup(
    state: &AppState,
    ctx: &Ctx,
    number: &str,
    refused: Option<(AppError, Fields)>,
) -> WebResult<Response> {
    crate::web::coordinator(ctx)?;
    let e = crate::web::edition_by(state, number).await?;
    let phases = store::phases(&state.db, e.id).await?;
    let now = anjungan_kernel::clock::now_ms();
    let (status, error, v) = match refused {
        Some((err, v)) => (err.status, Some(err.message(ctx.tr())), v),
        None => (StatusCode::OK, None, Fields(Vec::new())),
    };
    let page = render(&SetupPage {
        shell: Shell::new(ctx),
        phases: phase_inputs(&phases),
        vote: setup::vote_window(&phases),
        now,
        published: crate::domain::phase::results_out(&phases, now),
        stages: store::setup::stages(&state.db, e.id).await?,
        speakers: store::setup::speakers(&state.db, e.id).await?,
        sessions: store::sessions(&state.db, e.id).await?,
        stands: store::stands(&state.db, e.id).await?,
        days: crate::domain::agenda::edition_days(&e.starts_on, &e.ends_on)
            .iter()
            .map(|d| d.to_string())
            .collect(),
        e,
        error,
        v,
    })?;
    Ok((status, page).into_response())
}

async fn setup_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> WebResult<Response> {
    show_setup(&state, &ctx, &number, None).await
}

/// After a set-up form: back to its section, or the page again with the refusal and what was
/// typed.
async fn answer(
    state: &AppState,
    ctx: &Ctx,
    number: i64,
    section: &str,
    result: Result<(), AppError>,
    f: Fields,
) -> WebResult<Response> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/festival/{number}/susun#{section}")).into_response()),
        Err(err) if err.status == StatusCode::BAD_REQUEST || err.status == StatusCode::CONFLICT => {
            show_setup(state, ctx, &number.to_string(), Some((err, f))).await
        }
        Err(err) => Err(err),
    }
}

fn phase_rows(f: &Fields) -> Vec<PhaseRow<'_>> {
    PhaseKind::ALL
        .into_iter()
        .map(|k| {
            let code = k.code();
            PhaseRow {
                kind: code,
                starts: f.get(&format!("{code}_starts")),
                ends: f.get(&format!("{code}_ends")),
                voting: !f.get(&format!("{code}_voting")).is_empty(),
            }
        })
        .collect()
}

async fn save_phases(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    crate::web::coordinator(&ctx)?;
    let e = crate::web::edition_by(&state, &number).await?;
    let f = Fields(f);
    let result = async {
        let phases = setup::parse_phases(&phase_rows(&f)).map_err(refusal)?;
        crate::service::setup::set_phases(&state.db, &ctx.actor(), e.id, &phases).await?;
        Ok(())
    }
    .await;
    answer(&state, &ctx, e.number, "tahapan", result, f).await
}

async fn add_stage(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    crate::web::coordinator(&ctx)?;
    let e = crate::web::edition_by(&state, &number).await?;
    let f = Fields(f);
    let result = crate::service::setup::add_stage(
        &state.db,
        &ctx.actor(),
        e.id,
        f.get("stage_name"),
        f.get("stage_stream"),
    )
    .await
    .map(|_| ())
    .map_err(AppError::from);
    answer(&state, &ctx, e.number, "panggung", result, f).await
}

/// A speaker with an optional photo (multipart: the form carries the photo file).
async fn add_speaker(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    req: axum::extract::Request,
) -> WebResult<Response> {
    use axum::extract::FromRequest;
    crate::web::coordinator(&ctx)?;
    let e = crate::web::edition_by(&state, &number).await?;
    let bad = || AppError::bad_request("error.bad_request");
    let mut form = axum::extract::Multipart::from_request(req, &state)
        .await
        .map_err(|_| bad())?;
    let mut fields = Vec::new();
    let mut photo: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form.next_field().await.map_err(|_| bad())? {
        let name = field.name().unwrap_or("").to_string();
        if name == "photo" {
            let file_name = field.file_name().unwrap_or("foto").to_string();
            let bytes = field.bytes().await.map_err(|_| bad())?;
            if !bytes.is_empty() {
                photo = Some((file_name, bytes.to_vec()));
            }
        } else {
            fields.push((name, field.text().await.map_err(|_| bad())?));
        }
    }
    let f = Fields(fields);
    let result = async {
        let draft = setup::parse_speaker(f.get("name"), f.get("affiliation"), f.get("bio"))
            .map_err(refusal)?;
        let photo = match photo {
            None => Photo::None,
            Some((name, bytes)) => Photo::Upload(
                anjungan_kernel::files::store::prepare(
                    &state.db,
                    &state.config.data_dir,
                    &state.keys,
                    anjungan_kernel::files::domain::Access::Public,
                    &name,
                    &bytes,
                    2 * 1024 * 1024,
                )
                .await
                .map_err(|_| refusal(SetupError::Photo))?,
            ),
        };
        crate::service::setup::add_speaker(&state.db, &ctx.actor(), e.id, &draft, photo).await?;
        Ok(())
    }
    .await;
    answer(&state, &ctx, e.number, "pembicara", result, f).await
}

fn id_of(raw: &str) -> Result<Option<i64>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        t => t
            .parse()
            .map(Some)
            .map_err(|_| refusal(SetupError::UnknownSpeaker)),
    }
}

async fn add_session(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    crate::web::coordinator(&ctx)?;
    let e = crate::web::edition_by(&state, &number).await?;
    let f = Fields(f);
    let result = async {
        let days = crate::domain::agenda::edition_days(&e.starts_on, &e.ends_on);
        let draft = setup::parse_session(
            &SessionFields {
                title: f.get("title"),
                kind: f.get("kind"),
                day: f.get("day"),
                starts: f.get("starts"),
                ends: f.get("ends"),
                stream_url: f.get("stream_url"),
                capacity: f.get("capacity"),
            },
            &days,
        )
        .map_err(refusal)?;
        let speakers = f
            .all("speaker")
            .into_iter()
            .filter_map(|s| id_of(s).transpose())
            .collect::<Result<Vec<i64>, _>>()?;
        let stage = id_of(f.get("stage")).map_err(|_| refusal(SetupError::UnknownStage))?;
        let cast = Cast {
            stage,
            speakers: &speakers,
            moderator: id_of(f.get("moderator"))?,
        };
        crate::service::setup::add_session(&state.db, &ctx.actor(), e.id, &draft, &cast).await?;
        Ok(())
    }
    .await;
    answer(&state, &ctx, e.number, "sesi", result, f).await
}

#[derive(serde::Deserialize, Default)]
struct ConfirmForm {
    #[serde(default)]
    konfirmasi: String,
}

/// Publishing the results ends the running phase (and the vote): it asks first.
async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<ConfirmForm>,
) -> WebResult<Response> {
    crate::web::coordinator(&ctx)?;
    let e = crate::web::edition_by(&state, &number).await?;
    if !confirm::confirmed(&f.konfirmasi) {
        let t = ctx.tr();
        return confirm::page(
            &ctx,
            confirm::Confirm {
                title: t.s("festival.setup.publish_question").to_string(),
                consequence: t.s("festival.setup.publish_consequence").to_string(),
                yes: t.s("festival.setup.publish_yes").to_string(),
                action: format!("/festival/{}/susun/umumkan", e.number),
                fields: Vec::new(),
                back: format!("/festival/{}/susun#umumkan", e.number),
            },
        );
    }
    let now = anjungan_kernel::clock::now_ms();
    let result = crate::service::setup::publish_results(&state.db, &ctx.actor(), e.id, now)
        .await
        .map_err(AppError::from);
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/festival/{}/hasil", e.number)).into_response()),
        Err(err) => {
            answer(
                &state,
                &ctx,
                e.number,
                "umumkan",
                Err(err),
                Fields(Vec::new()),
            )
            .await
        }
    }
}

// ---- the API ----

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = festival::PhaseInput)]
pub struct PhaseBody {
    /// call_for_entries, administrative_check, desk_review, shortlist, presentation,
    /// site_visit, final or results_published
    pub kind: String,
    /// RFC 3339 (`2027-12-06T08:00:00+07:00`) or a WIB local time (`2027-12-06T08:00`).
    pub starts_at: String,
    pub ends_at: String,
    /// Whether the public may vote during this phase.
    #[serde(default)]
    pub voting: bool,
}

fn api_phases(body: &[PhaseBody]) -> Result<Vec<Phase>, AppError> {
    let rows: Vec<PhaseRow<'_>> = body
        .iter()
        .map(|p| PhaseRow {
            kind: &p.kind,
            starts: &p.starts_at,
            ends: &p.ends_at,
            voting: p.voting,
        })
        .collect();
    setup::parse_phases(&rows).map_err(refusal)
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = festival::NewEdition)]
pub struct NewEditionBody {
    pub number: i64,
    pub year: i64,
    pub theme: String,
    pub venue: String,
    /// First day, `YYYY-MM-DD`.
    pub starts_on: String,
    /// Last day, `YYYY-MM-DD` (at most 31 days).
    pub ends_on: String,
    /// in_person, hybrid or virtual
    pub mode: String,
    #[serde(default)]
    pub entry_limit: Option<i64>,
    /// The phases; when absent, the previous edition's are moved to this one's dates.
    #[serde(default)]
    pub phases: Option<Vec<PhaseBody>>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = festival::EditionCreated)]
pub struct EditionCreated {
    pub number: i64,
    pub url: String,
}

/// Creates an edition (coordinator). Without `phases`, the previous edition's phases are
/// carried over, each moved to keep its distance from the festival's first day.
#[utoipa::path(post, path = "/api/v1/festival/editions", operation_id = "createEdition", tag = "festival",
    request_body = NewEditionBody,
    responses((status = 201, body = EditionCreated), (status = 400, description = "A field or the phases do not hold"), (status = 401), (status = 403), (status = 409, description = "An edition with this number exists")),
    security(("bearer" = [])))]
async fn create_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(b): Json<NewEditionBody>,
) -> WebResult<(StatusCode, Json<EditionCreated>)> {
    crate::web::coordinator(&ctx)?;
    let (number, year, limit) = (
        b.number.to_string(),
        b.year.to_string(),
        b.entry_limit.map(|l| l.to_string()).unwrap_or_default(),
    );
    let fields = EditionFields {
        number: &number,
        year: &year,
        theme: &b.theme,
        venue: &b.venue,
        starts_on: &b.starts_on,
        ends_on: &b.ends_on,
        mode: &b.mode,
        entry_limit: &limit,
    };
    let number = match &b.phases {
        None => new_edition(&state, &ctx, &fields, true).await?,
        Some(phases) => {
            let draft = setup::parse_edition(&fields).map_err(refusal)?;
            let phases = api_phases(phases)?;
            crate::service::setup::create_edition(&state.db, &ctx.actor(), &draft, phases).await?;
            draft.number
        }
    };
    Ok((
        StatusCode::CREATED,
        Json(EditionCreated {
            number,
            url: format!("/festival/{number}"),
        }),
    ))
}

/// Replaces the edition's phases (coordinator); the public vote is open during the phases
/// marked `voting`, and its dates are shown on the edition's page.
#[utoipa::path(put, path = "/api/v1/festival/editions/{number}/phases", operation_id = "setPhases", tag = "festival",
    params(("number" = i64, Path, description = "Edition number")), request_body = Vec<PhaseBody>,
    responses((status = 204), (status = 400, description = "Unknown kind, a bad date, a phase twice, or phases that overlap"), (status = 401), (status = 403), (status = 404)),
    security(("bearer" = [])))]
async fn phases_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Json(b): Json<Vec<PhaseBody>>,
) -> WebResult<StatusCode> {
    crate::web::coordinator(&ctx)?;
    let e = crate::web::edition_by(&state, &number).await?;
    let phases = api_phases(&b)?;
    crate::service::setup::set_phases(&state.db, &ctx.actor(), e.id, &phases).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = festival::NewStage)]
pub struct StageBody {
    pub name: String,
    #[serde(default)]
    pub stream_url: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = festival::Created)]
pub struct Created {
    pub id: i64,
}

/// Adds a stage or room to the edition (coordinator).
#[utoipa::path(post, path = "/api/v1/festival/editions/{number}/stages", operation_id = "addStage", tag = "festival",
    params(("number" = i64, Path, description = "Edition number")), request_body = StageBody,
    responses((status = 201, body = Created), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409, description = "A stage of this name exists")),
    security(("bearer" = [])))]
async fn stage_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Json(b): Json<StageBody>,
) -> WebResult<(StatusCode, Json<Created>)> {
    crate::web::coordinator(&ctx)?;
    let e = crate::web::edition_by(&state, &number).await?;
    let id =
        crate::service::setup::add_stage(&state.db, &ctx.actor(), e.id, &b.name, &b.stream_url)
            .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// The edition's speakers with their bios and photos. Public.
#[utoipa::path(get, path = "/api/v1/festival/editions/{number}/speakers", operation_id = "listSpeakers", tag = "festival",
    params(("number" = i64, Path, description = "Edition number")),
    responses((status = 200, body = Vec<Speaker>), (status = 404)))]
async fn speakers_api(
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> WebResult<Json<Vec<Speaker>>> {
    let e = crate::web::edition_by(&state, &number).await?;
    Ok(Json(store::setup::speakers(&state.db, e.id).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = festival::NewSpeaker)]
pub struct SpeakerBody {
    pub name: String,
    #[serde(default)]
    pub affiliation: String,
    #[serde(default)]
    pub bio: String,
    /// The SHA-256 of an image the caller uploaded through `POST /api/v1/files`; it becomes
    /// public as the speaker's photo.
    #[serde(default)]
    pub photo: Option<String>,
}

/// Adds a speaker or moderator to the edition (coordinator).
#[utoipa::path(post, path = "/api/v1/festival/editions/{number}/speakers", operation_id = "addSpeaker", tag = "festival",
    params(("number" = i64, Path, description = "Edition number")), request_body = SpeakerBody,
    responses((status = 201, body = Created), (status = 400, description = "No name, a bio too long, or a photo that is not the caller's image"), (status = 401), (status = 403), (status = 404)),
    security(("bearer" = [])))]
async fn speaker_add_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Json(b): Json<SpeakerBody>,
) -> WebResult<(StatusCode, Json<Created>)> {
    crate::web::coordinator(&ctx)?;
    let e = crate::web::edition_by(&state, &number).await?;
    let draft = setup::parse_speaker(&b.name, &b.affiliation, &b.bio).map_err(refusal)?;
    let photo = match b.photo.as_deref().map(str::trim) {
        None | Some("") => Photo::None,
        Some(sha) => Photo::Uploaded {
            sha256: sha.to_string(),
            user_id: ctx.signed_in()?.user_id.0,
        },
    };
    let id =
        crate::service::setup::add_speaker(&state.db, &ctx.actor(), e.id, &draft, photo).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = festival::NewSession)]
pub struct SessionBody {
    pub title: String,
    /// opening, panel, presentation or closing
    pub kind: String,
    /// One of the edition's days, `YYYY-MM-DD`.
    pub day: String,
    /// WIB, `HH:MM`.
    pub starts: String,
    pub ends: String,
    #[serde(default)]
    pub stage_id: Option<i64>,
    /// A stream or conference link; the stage's stream when empty.
    #[serde(default)]
    pub stream_url: String,
    #[serde(default)]
    pub capacity: Option<i64>,
    #[serde(default)]
    pub speakers: Vec<i64>,
    #[serde(default)]
    pub moderator: Option<i64>,
}

/// Adds an agenda session with its stage, speakers and moderator (coordinator).
#[utoipa::path(post, path = "/api/v1/festival/editions/{number}/sessions", operation_id = "addSession", tag = "festival",
    params(("number" = i64, Path, description = "Edition number")), request_body = SessionBody,
    responses((status = 201, body = Created), (status = 400, description = "A field does not hold, or a stage or speaker not of this edition"), (status = 401), (status = 403), (status = 404)),
    security(("bearer" = [])))]
async fn session_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Json(b): Json<SessionBody>,
) -> WebResult<(StatusCode, Json<Created>)> {
    crate::web::coordinator(&ctx)?;
    let e = crate::web::edition_by(&state, &number).await?;
    let capacity = b.capacity.map(|c| c.to_string()).unwrap_or_default();
    let days = crate::domain::agenda::edition_days(&e.starts_on, &e.ends_on);
    let draft = setup::parse_session(
        &SessionFields {
            title: &b.title,
            kind: &b.kind,
            day: &b.day,
            starts: &b.starts,
            ends: &b.ends,
            stream_url: &b.stream_url,
            capacity: &capacity,
        },
        &days,
    )
    .map_err(refusal)?;
    let cast = Cast {
        stage: b.stage_id,
        speakers: &b.speakers,
        moderator: b.moderator,
    };
    let id =
        crate::service::setup::add_session(&state.db, &ctx.actor(), e.id, &draft, &cast).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = festival::NewStand)]
pub struct StandBody {
    /// 1–8 letters and digits, e.g. A1.
    pub number: String,
    /// The agency's organisation code.
    pub org_code: String,
    /// The cell on the floor plan, 0–39 each.
    pub x: i64,
    pub y: i64,
}

/// Places an agency's stand on the floor plan (coordinator).
#[utoipa::path(post, path = "/api/v1/festival/editions/{number}/stands", operation_id = "addStand", tag = "festival",
    params(("number" = i64, Path, description = "Edition number")), request_body = StandBody,
    responses((status = 201), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409, description = "The stand number is taken")),
    security(("bearer" = [])))]
async fn stand_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Json(b): Json<StandBody>,
) -> WebResult<StatusCode> {
    crate::web::coordinator(&ctx)?;
    let e = crate::web::edition_by(&state, &number).await?;
    crate::web::place_stand(
        &state,
        &ctx,
        &e,
        &b.number,
        &b.org_code,
        &b.x.to_string(),
        &b.y.to_string(),
    )
    .await?;
    Ok(StatusCode::CREATED)
}

/// Publishes the results now (coordinator): the running phase, and the vote with it, ends and
/// the ranking and awards become public.
#[utoipa::path(post, path = "/api/v1/festival/editions/{number}/publish", operation_id = "publishResults", tag = "festival",
    params(("number" = i64, Path, description = "Edition number")),
    responses((status = 204), (status = 401), (status = 403), (status = 404), (status = 409, description = "Already published")),
    security(("bearer" = [])))]
async fn publish_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> WebResult<StatusCode> {
    crate::web::coordinator(&ctx)?;
    let e = crate::web::edition_by(&state, &number).await?;
    let now = anjungan_kernel::clock::now_ms();
    crate::service::setup::publish_results(&state.db, &ctx.actor(), e.id, now)
        .await
        .map_err(|e: ServiceError| AppError::from(e))?;
    Ok(StatusCode::NO_CONTENT)
}

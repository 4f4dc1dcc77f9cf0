//! The public vote ("Inovasi Favorit"): a one-time code to a phone or e-mail through the outbox,
//! one vote per verified contact per edition, counts hidden until the vote closes, and the
//! coordinator's fraud view with audited voiding.

use crate::domain::vote::{VoteError, counts_visible, open};
use crate::ports::Catalogue;
use crate::service::vote_queue::VoteQueue;
use crate::store::{self, Ballot, Edition, VoteFailure};
use anjungan_kernel::identity::domain::{Email, Phone};
use anjungan_kernel::web::pages::render;
use anjungan_kernel::web::{AppError, AppState, Ctx, Shell, WebResult};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Json};
use std::collections::HashMap;
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/festival/{number}/pilih", get(vote_page).post(vote))
        .route("/festival/{number}/pilih/kode", post(request_code))
        .route("/festival/{number}/suara", get(fraud_view))
        .route("/festival/{number}/suara/{vote}/batal", post(void))
        .routes(utoipa_axum::routes!(code_api))
        .routes(utoipa_axum::routes!(vote_api))
}

fn vote_error(e: VoteError) -> AppError {
    let status = match e {
        VoteError::Closed | VoteError::AlreadyVoted => StatusCode::CONFLICT,
        VoteError::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::BAD_REQUEST,
    };
    AppError::new(status, e.message_key())
}

async fn edition(state: &AppState, number: &str) -> Result<Edition, AppError> {
    crate::web::edition_by(state, number).await
}

/// A contact as a channel, an address to send to, and the keyed digest the vote is counted under.
fn contact(
    state: &AppState,
    raw: &str,
) -> Result<(anjungan_kernel::outbox::domain::Channel, String, String), AppError> {
    use anjungan_kernel::outbox::domain::Channel;
    let (channel, normal) = if raw.contains('@') {
        (
            Channel::Email,
            Email::parse(raw)
                .map_err(anjungan_kernel::Error::from)?
                .as_str()
                .to_string(),
        )
    } else {
        (
            Channel::Whatsapp,
            Phone::parse(raw)
                .map_err(anjungan_kernel::Error::from)?
                .as_str()
                .to_string(),
        )
    };
    let index = state.keys.blind_index("vote", &normal);
    Ok((channel, normal, index))
}

pub struct Choice {
    pub entry: i64,
    pub name: String,
    pub organisation: String,
    pub votes: Option<i64>,
}

#[derive(Template)]
#[template(path = "festival_vote.html")]
struct VotePage {
    shell: Shell,
    e: Edition,
    choices: Vec<Choice>,
    is_open: bool,
    step: &'static str,
    contact: String,
    message: Option<String>,
    error: Option<String>,
}

async fn choices(
    state: &AppState,
    catalogue: &Catalogue,
    e: &Edition,
    with_counts: bool,
) -> Result<Vec<Choice>, AppError> {
    let counts = store::vote_counts(&state.db, e.id).await?;
    let mut out = Vec::new();
    for (entry, innovation, _) in store::entries(&state.db, e.id).await? {
        if let Some(i) = catalogue.get(innovation).await {
            let votes = with_counts.then(|| {
                counts
                    .iter()
                    .find(|(id, _)| *id == entry)
                    .map(|(_, n)| *n)
                    .unwrap_or(0)
            });
            out.push(Choice {
                entry,
                name: i.name,
                organisation: i.organisation,
                votes,
            });
        }
    }
    if with_counts {
        out.sort_by(|a, b| b.votes.cmp(&a.votes).then(a.entry.cmp(&b.entry)));
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
async fn show(
    state: &AppState,
    catalogue: &Catalogue,
    ctx: &Ctx,
    e: Edition,
    step: &'static str,
    contact: String,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let phases = store::phases(&state.db, e.id).await?;
    let now = anjungan_kernel::clock::now_ms();
    let choices = choices(state, catalogue, &e, counts_visible(&phases, now)).await?;
    render(&VotePage {
        shell: Shell::new(ctx),
        is_open: open(&phases, now),
        e,
        choices,
        step,
        contact,
        message,
        error,
    })
}

async fn vote_page(
    State(state): State<AppState>,
    Extension(catalogue): Extension<Catalogue>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> WebResult<Response> {
    let e = edition(&state, &number).await?;
    show(
        &state,
        &catalogue,
        &ctx,
        e,
        "contact",
        String::new(),
        None,
        None,
    )
    .await
}

#[derive(serde::Deserialize)]
struct CodeForm {
    contact: String,
}

/// Sends a one-time code to the contact, within the rate limits; the contact is checked first.
async fn send_code(state: &AppState, ctx: &Ctx, e: &Edition, raw: &str) -> Result<(), AppError> {
    let phases = store::phases(&state.db, e.id).await?;
    let now = state.clock.now_ms();
    if !open(&phases, now) {
        return Err(vote_error(VoteError::Closed));
    }
    let (channel, to, _) = contact(state, raw)?;
    let t = ctx.tr();
    // The kernel limits codes per contact and per address, per hour and per day.
    crate::service::votes::send_vote_code(
        &state.db,
        &state.keys,
        e.id,
        &to,
        &ctx.client,
        now,
        |code| anjungan_kernel::outbox::domain::NewMessage {
            channel,
            recipient: to.clone(),
            subject: t.s("festival.vote.code_subject").to_string(),
            body: t.f(
                "festival.vote.code_body",
                &[("code", code), ("number", &e.number.to_string())],
            ),
        },
    )
    .await?;
    state.outbox_wake.notify_one();
    Ok(())
}

async fn request_code(
    State(state): State<AppState>,
    Extension(catalogue): Extension<Catalogue>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<CodeForm>,
) -> WebResult<Response> {
    let e = edition(&state, &number).await?;
    if let Err(err) = send_code(&state, &ctx, &e, &f.contact).await {
        if err.status == StatusCode::BAD_REQUEST {
            // A mistyped contact comes back on the form, with what was typed.
            let msg = err.message(ctx.tr());
            let page = show(
                &state,
                &catalogue,
                &ctx,
                e,
                "contact",
                f.contact,
                None,
                Some(msg),
            )
            .await?;
            return Ok((err.status, page).into_response());
        }
        return Err(err);
    }
    let sent = ctx.tr().s("festival.vote.code_sent").to_string();
    show(
        &state,
        &catalogue,
        &ctx,
        e,
        "code",
        f.contact,
        Some(sent),
        None,
    )
    .await
}

#[derive(serde::Deserialize)]
struct VoteForm {
    contact: String,
    code: String,
    entry: String,
}

fn device_of(headers: &HeaderMap) -> String {
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let lang = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    anjungan_kernel::crypto::token_hash(&format!("{ua}|{lang}"))
}

/// Checks the code and records the vote; returns the vote's id.
#[allow(clippy::too_many_arguments)]
async fn cast(
    state: &AppState,
    queue: &VoteQueue,
    ctx: &Ctx,
    headers: &HeaderMap,
    e: &Edition,
    raw_contact: &str,
    code: &str,
    entry: &str,
) -> Result<i64, AppError> {
    let phases = store::phases(&state.db, e.id).await?;
    let now = state.clock.now_ms();
    if !open(&phases, now) {
        return Err(vote_error(VoteError::Closed));
    }
    let (_, normal, index) = contact(state, raw_contact)?;
    let entry: i64 = entry
        .trim()
        .parse()
        .map_err(|_| vote_error(VoteError::UnknownEntry))?;
    let ballot = Ballot {
        edition_id: e.id,
        entry_id: entry,
        contact: normal,
        contact_index: index,
        at: now,
        code: code.to_string(),
        client_hash: anjungan_kernel::crypto::token_hash(&ctx.client),
        device_hash: device_of(headers),
    };
    match queue.cast(ctx.actor(), ballot).await {
        Ok(id) => Ok(id),
        Err(VoteFailure::Kernel(k)) => Err(k.into()),
        Err(VoteFailure::Rule(rule)) => Err(vote_error(rule)),
    }
}

async fn vote(
    State(state): State<AppState>,
    Extension(catalogue): Extension<Catalogue>,
    Extension(queue): Extension<VoteQueue>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(number): Path<String>,
    Form(f): Form<VoteForm>,
) -> WebResult<Response> {
    let e = edition(&state, &number).await?;
    match cast(
        &state, &queue, &ctx, &headers, &e, &f.contact, &f.code, &f.entry,
    )
    .await
    {
        Ok(_) => {
            Ok(Redirect::to(&format!("/festival/{}/pilih?terima=1", e.number)).into_response())
        }
        Err(err) if err.status.is_client_error() && err.status != StatusCode::NOT_FOUND => {
            let msg = err.message(ctx.tr());
            let page = show(
                &state,
                &catalogue,
                &ctx,
                e,
                "code",
                f.contact,
                None,
                Some(msg),
            )
            .await?;
            Ok((err.status, page).into_response())
        }
        Err(err) => Err(err),
    }
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = festival::CodeRequest)]
pub struct CodeRequest {
    /// Mobile number (WhatsApp) or e-mail address.
    pub contact: String,
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = festival::VoteRequest)]
pub struct VoteRequest {
    pub contact: String,
    /// The one-time code sent to the contact.
    pub code: String,
    /// The entry voted for (`entries[].entry` of the edition).
    pub entry: i64,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = festival::VoteReceipt)]
pub struct VoteReceipt {
    pub vote: i64,
}

/// Sends a one-time code for the public vote to a phone (WhatsApp) or e-mail. Public.
#[utoipa::path(post, path = "/api/v1/festival/editions/{number}/vote-codes", operation_id = "requestVoteCode", tag = "festival",
    params(("number" = i64, Path, description = "Edition number")), request_body = CodeRequest,
    responses((status = 202, description = "Code sent"), (status = 400, description = "Invalid contact"), (status = 404), (status = 409, description = "The vote is not open"), (status = 429, description = "Too many codes")))]
async fn code_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Json(r): Json<CodeRequest>,
) -> WebResult<StatusCode> {
    let e = edition(&state, &number).await?;
    send_code(&state, &ctx, &e, &r.contact).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Casts a vote with the code received: one vote per verified contact per edition. Public.
#[utoipa::path(post, path = "/api/v1/festival/editions/{number}/votes", operation_id = "castVote", tag = "festival",
    params(("number" = i64, Path, description = "Edition number")), request_body = VoteRequest,
    responses((status = 201, body = VoteReceipt), (status = 400, description = "Wrong code, contact or entry"), (status = 404), (status = 409, description = "Already voted, or the vote is not open"), (status = 429, description = "Too many wrong codes")))]
async fn vote_api(
    State(state): State<AppState>,
    Extension(queue): Extension<VoteQueue>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(number): Path<String>,
    Json(r): Json<VoteRequest>,
) -> WebResult<(StatusCode, Json<VoteReceipt>)> {
    let e = edition(&state, &number).await?;
    let vote = cast(
        &state,
        &queue,
        &ctx,
        &headers,
        &e,
        &r.contact,
        &r.code,
        &r.entry.to_string(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(VoteReceipt { vote })))
}

/// One address and device pair, as the monitor lists it.
#[derive(Clone)]
pub struct Group {
    pub client: String,
    pub device: String,
    pub total: usize,
    pub voided: usize,
    pub first_at: i64,
    pub last_at: i64,
    /// Names of the innovations voted for, most votes first.
    pub entries: Vec<(String, usize)>,
}

/// The votes of an edition for one innovation.
pub struct EntryTally {
    pub name: String,
    pub valid: usize,
    pub voided: usize,
}

/// Groups shown per page of the monitor.
const GROUPS_PER_PAGE: usize = 20;
/// Votes of one group shown at most.
const GROUP_VOTES_SHOWN: usize = 100;

#[derive(Template)]
#[template(path = "festival_votes.html")]
struct FraudPage {
    shell: Shell,
    e: Edition,
    total: usize,
    voided: usize,
    addresses: usize,
    devices: usize,
    tallies: Vec<EntryTally>,
    groups: Vec<Group>,
    page: usize,
    pages: usize,
    /// The group being inspected, and its votes (at most [`GROUP_VOTES_SHOWN`]) with entry names.
    detail: Option<(Group, Vec<(store::VoteRow, String)>)>,
}

impl FraudPage {
    fn short(&self, h: &str) -> String {
        h.chars().take(8).collect()
    }
    fn when(&self, ms: &i64) -> String {
        self.shell.t.datetime(*ms)
    }
    fn inspect_href(&self, g: &Group) -> String {
        format!(
            "/festival/{}/suara?alamat={}&perangkat={}#kelompok",
            self.e.number, g.client, g.device
        )
    }
}

fn coordinator(ctx: &Ctx) -> Result<(), AppError> {
    crate::web::coordinator(ctx)
}

#[derive(serde::Deserialize, Default)]
struct MonitorQuery {
    #[serde(default)]
    halaman: Option<usize>,
    #[serde(default)]
    alamat: Option<String>,
    #[serde(default)]
    perangkat: Option<String>,
}

fn entry_name(names: &HashMap<i64, String>, id: i64) -> String {
    names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"))
}

/// Groups votes by address and device digest, largest groups first.
fn groups_of(votes: &[store::VoteRow], names: &HashMap<i64, String>) -> Vec<Group> {
    let mut by: HashMap<(&str, &str), Vec<&store::VoteRow>> = HashMap::new();
    for v in votes {
        by.entry((v.client_hash.as_str(), v.device_hash.as_str()))
            .or_default()
            .push(v);
    }
    let mut groups: Vec<Group> = by
        .into_iter()
        .map(|((client, device), vs)| {
            let mut per: HashMap<i64, usize> = HashMap::new();
            for v in &vs {
                *per.entry(v.entry_id).or_default() += 1;
            }
            let mut entries: Vec<(String, usize)> = per
                .into_iter()
                .map(|(id, n)| (entry_name(names, id), n))
                .collect();
            entries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            Group {
                client: client.to_string(),
                device: device.to_string(),
                total: vs.len(),
                voided: vs.iter().filter(|v| v.voided).count(),
                first_at: vs.iter().map(|v| v.created_at).min().unwrap_or_default(),
                last_at: vs.iter().map(|v| v.created_at).max().unwrap_or_default(),
                entries,
            }
        })
        .collect();
    groups.sort_by(|a, b| {
        b.total
            .cmp(&a.total)
            .then_with(|| a.client.cmp(&b.client))
            .then_with(|| a.device.cmp(&b.device))
    });
    groups
}

/// Votes per innovation, most valid votes first.
fn tallies_of(votes: &[store::VoteRow], names: &HashMap<i64, String>) -> Vec<EntryTally> {
    let mut tallies: HashMap<i64, EntryTally> = HashMap::new();
    for v in votes {
        let t = tallies.entry(v.entry_id).or_insert_with(|| EntryTally {
            name: entry_name(names, v.entry_id),
            valid: 0,
            voided: 0,
        });
        if v.voided {
            t.voided += 1;
        } else {
            t.valid += 1;
        }
    }
    let mut tallies: Vec<EntryTally> = tallies.into_values().collect();
    tallies.sort_by(|a, b| b.valid.cmp(&a.valid).then_with(|| a.name.cmp(&b.name)));
    tallies
}

/// The vote monitor: totals, votes per innovation, and address/device groups (digests only),
/// largest first, a page at a time; one group's votes can be inspected and voided.
async fn fraud_view(
    State(state): State<AppState>,
    Extension(catalogue): Extension<Catalogue>,
    ctx: Ctx,
    Path(number): Path<String>,
    Query(q): Query<MonitorQuery>,
) -> WebResult<Response> {
    coordinator(&ctx)?;
    let e = edition(&state, &number).await?;
    let votes = store::votes(&state.db, e.id).await?;
    let mut names = HashMap::new();
    for (entry, innovation, _) in store::entries(&state.db, e.id).await? {
        if let Some(i) = catalogue.get(innovation).await {
            names.insert(entry, i.name);
        }
    }
    let distinct = |f: fn(&store::VoteRow) -> &str| {
        votes
            .iter()
            .map(f)
            .collect::<std::collections::HashSet<_>>()
            .len()
    };
    let (addresses, devices) = (
        distinct(|v| v.client_hash.as_str()),
        distinct(|v| v.device_hash.as_str()),
    );
    let mut groups = groups_of(&votes, &names);
    let pages = groups.len().div_ceil(GROUPS_PER_PAGE).max(1);
    let page = q.halaman.unwrap_or(1).clamp(1, pages);
    let detail = match (&q.alamat, &q.perangkat) {
        (Some(a), Some(d)) => groups
            .iter()
            .position(|g| &g.client == a && &g.device == d)
            .map(|i| {
                let shown = votes
                    .iter()
                    .filter(|v| &v.client_hash == a && &v.device_hash == d)
                    .take(GROUP_VOTES_SHOWN)
                    .map(|v| (v.clone(), entry_name(&names, v.entry_id)))
                    .collect();
                (groups[i].clone(), shown)
            }),
        _ => None,
    };
    groups = groups
        .into_iter()
        .skip((page - 1) * GROUPS_PER_PAGE)
        .take(GROUPS_PER_PAGE)
        .collect();
    render(&FraudPage {
        shell: Shell::new(&ctx),
        total: votes.len(),
        voided: votes.iter().filter(|v| v.voided).count(),
        addresses,
        devices,
        tallies: tallies_of(&votes, &names),
        groups,
        page,
        pages,
        detail,
        e,
    })
}

#[derive(serde::Deserialize)]
struct VoidForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    konfirmasi: String,
}

async fn void(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((number, vote)): Path<(String, i64)>,
    Form(f): Form<VoidForm>,
) -> WebResult<Response> {
    coordinator(&ctx)?;
    let e = edition(&state, &number).await?;
    let reason = f.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(vote_error(VoteError::ReasonRequired));
    }
    if !anjungan_kernel::web::confirm::confirmed(&f.konfirmasi) {
        let t = ctx.tr();
        return anjungan_kernel::web::confirm::page(
            &ctx,
            anjungan_kernel::web::confirm::Confirm {
                title: t.f(
                    "festival.vote.void_question",
                    &[("vote", &vote.to_string())],
                ),
                consequence: t.f("festival.vote.void_consequence", &[("reason", reason)]),
                yes: t.s("festival.vote.void_yes").to_string(),
                action: format!("/festival/{}/suara/{vote}/batal", e.number),
                fields: vec![("reason".into(), reason.to_string())],
                back: format!("/festival/{}/suara", e.number),
            },
        );
    }
    crate::service::votes::void_vote(&state.db, &ctx.actor(), e.id, vote, reason).await?;
    Ok(Redirect::to(&format!("/festival/{}/suara", e.number)).into_response())
}

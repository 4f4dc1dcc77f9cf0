//! An entry's page: its proposal along the edition's sections, written by the unit that entered
//! it while entries are open, read by the coordinator and the entry's jurors (blind when the
//! edition says so), and public once results are.

use crate::domain::phase::current;
use crate::domain::proposal::{self, Access, Section, Viewer, access};
use crate::ports::Catalogue;
use crate::store::{self, Edition};
use anjungan_kernel::identity::domain::{AccessError, Role};
use anjungan_kernel::orgs::domain::OrgRef;
use anjungan_kernel::text::word_count;
use anjungan_kernel::web::pages::render;
use anjungan_kernel::web::{AppError, AppState, Ctx, Shell, WebResult};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Form};
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().route("/festival/{number}/entri/{entry}", get(show).post(save))
}

pub struct SectionView {
    pub section: Section,
    pub text: String,
    pub words: usize,
}

#[derive(Template)]
#[template(path = "festival_entry.html")]
struct EntryPage {
    shell: Shell,
    e: Edition,
    entry: i64,
    name: String,
    innovation: i64,
    agency: Option<String>,
    standing: String,
    sections: Vec<SectionView>,
    done: usize,
    editable: bool,
    error: Option<String>,
}

pub(crate) struct Loaded {
    pub e: Edition,
    pub name: String,
    pub innovation: i64,
    pub agency: String,
    pub access: Access,
    pub written: Vec<(String, String)>,
}

pub(crate) async fn load(
    state: &AppState,
    catalogue: &Catalogue,
    ctx: &Ctx,
    number: &str,
    entry: i64,
) -> Result<Loaded, AppError> {
    let e = crate::web::edition_by(state, number).await?;
    let (innovation, org) = crate::store::proposals::entry(&state.db, e.id, entry)
        .await?
        .ok_or_else(AppError::not_found)?;
    let summary = catalogue
        .get(innovation)
        .await
        .ok_or_else(AppError::not_found)?;
    let phases = store::phases(&state.db, e.id).await?;
    let now = anjungan_kernel::clock::now_ms();
    let mut viewer = Viewer::default();
    if let Some(p) = ctx.principal.as_ref() {
        let owner = OrgRef {
            id: org,
            path: summary.organisation_path.clone(),
        };
        viewer.coordinator = p.is_admin() || p.has_role(Role::Coordinator);
        viewer.owner =
            p.holds_for(Role::UnitOperator, &owner) || p.holds_for(Role::UnitHead, &owner);
        if p.has_role(Role::Jury) {
            for s in store::rubrics(&state.db, e.id).await? {
                if store::is_assigned(&state.db, e.id, &s.key, entry, p.user_id.0).await? {
                    viewer.juror = true;
                }
            }
        }
    }
    let access = access(
        viewer,
        e.blind_review,
        current(&phases, now).is_some_and(|p| p.kind.allows_entering()),
        crate::domain::phase::results_out(&phases, now),
    );
    if access == Access::None {
        ctx.signed_in()?;
        return Err(anjungan_kernel::Error::Access(AccessError::Forbidden).into());
    }
    let written = crate::store::proposals::proposals(&state.db, e.id)
        .await?
        .remove(&entry)
        .unwrap_or_default();
    Ok(Loaded {
        e,
        name: summary.name,
        innovation,
        agency: summary.organisation,
        access,
        written,
    })
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    l: Loaded,
    entry: i64,
    typed: Option<&[(String, String)]>,
    error: Option<String>,
) -> WebResult<Response> {
    let (_, standings) = crate::web::jury::compute_ranking(state, &l.e).await?;
    let shell = Shell::new(ctx);
    let standing = crate::web::jury::standing_text(&shell, standings.get(&entry));
    let texts = typed.unwrap_or(&l.written);
    let sections: Vec<SectionView> =
        l.e.proposal_sections
            .iter()
            .map(|s| {
                let text = texts
                    .iter()
                    .find(|(k, _)| *k == s.key)
                    .map(|(_, t)| t.clone())
                    .unwrap_or_default();
                SectionView {
                    section: s.clone(),
                    words: word_count(&text),
                    text,
                }
            })
            .collect();
    let (done, _) = proposal::completeness(&l.e.proposal_sections, &l.written);
    render(&EntryPage {
        shell,
        entry,
        name: l.name,
        innovation: l.innovation,
        agency: match l.access {
            Access::Read { show_agency: false } => None,
            _ => Some(l.agency),
        },
        standing,
        sections,
        done,
        editable: l.access == Access::Edit,
        error,
        e: l.e,
    })
}

async fn show(
    State(state): State<AppState>,
    Extension(catalogue): Extension<Catalogue>,
    ctx: Ctx,
    Path((number, entry)): Path<(String, i64)>,
) -> WebResult<Response> {
    let l = load(&state, &catalogue, &ctx, &number, entry).await?;
    page(&state, &ctx, l, entry, None, None).await
}

/// The owner saves the proposal; a section over its word limit refuses the whole save and the
/// page comes back with what was typed.
async fn save(
    State(state): State<AppState>,
    Extension(catalogue): Extension<Catalogue>,
    ctx: Ctx,
    Path((number, entry)): Path<(String, i64)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let l = load(&state, &catalogue, &ctx, &number, entry).await?;
    let get = |k: &str| {
        fields
            .iter()
            .find(|(f, _)| *f == format!("p_{k}"))
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    match write(&state, &ctx, &l, entry, get).await? {
        Ok(()) => {
            Ok(Redirect::to(&format!("/festival/{}/entri/{entry}", l.e.number)).into_response())
        }
        Err(err) => {
            let typed: Vec<(String, String)> =
                l.e.proposal_sections
                    .iter()
                    .map(|s| (s.key.clone(), get(&s.key)))
                    .collect();
            let message = refusal(&err).message(ctx.tr());
            let r = page(&state, &ctx, l, entry, Some(&typed), Some(message)).await?;
            Ok((StatusCode::BAD_REQUEST, r).into_response())
        }
    }
}

/// Writes the proposal (texts by section key) when the caller may edit it; a text over its
/// section's limit is the inner error and nothing is stored.
pub(crate) async fn write(
    state: &AppState,
    ctx: &Ctx,
    l: &Loaded,
    entry: i64,
    get: impl Fn(&str) -> String,
) -> Result<Result<(), proposal::ProposalError>, AppError> {
    if l.access != Access::Edit {
        return Err(AppError::new(
            StatusCode::CONFLICT,
            "festival.error.proposal_closed",
        ));
    }
    match proposal::check_texts(&l.e.proposal_sections, get) {
        Ok(texts) => {
            crate::service::proposals::save_proposal(&state.db, &ctx.actor(), entry, &texts)
                .await?;
            Ok(Ok(()))
        }
        Err(err) => Ok(Err(err)),
    }
}

/// A refused proposal as a translated 400 error.
pub(crate) fn refusal(err: &proposal::ProposalError) -> AppError {
    let mut a = AppError::bad_request(err.message_key());
    if let proposal::ProposalError::TooLong {
        title,
        words,
        limit,
    } = err
    {
        a = a
            .with("section", title.clone())
            .with("words", words.to_string())
            .with("limit", limit.to_string());
    }
    a
}

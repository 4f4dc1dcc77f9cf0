//! Awards: the coordinator settles the computed awards (winners from the ranking, the favourite
//! from the vote) and the regent's special attention; the results page; PDF certificates with a
//! QR code to a public verification page.

use crate::domain::award::{Category, computed};
use crate::ports::{Catalogue, InnovationSummary};
use crate::store::{self, Award, Edition};

use anjungan_kernel::web::pages::render;
use anjungan_kernel::web::{AppError, AppState, Ctx, Shell, WebResult};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form};
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/festival/{number}/penghargaan", post(settle))
        .route("/festival/{number}/penghargaan/khusus", post(special))
        .route(
            "/festival/{number}/hasil",
            get(results).layer(super::PUBLIC.layer()),
        )
        .route(
            "/festival/sertifikat/{code}",
            get(certificate).layer(super::PUBLIC.layer()),
        )
}

fn coordinator(ctx: &Ctx) -> Result<(), AppError> {
    crate::web::coordinator(ctx)
}

async fn edition(state: &AppState, number: &str) -> Result<Edition, AppError> {
    crate::web::edition_by(state, number).await
}

async fn settle(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> WebResult<Response> {
    coordinator(&ctx)?;
    let e = edition(&state, &number).await?;
    let (ranking, _) = crate::web::jury::compute_ranking(&state, &e).await?;
    let votes = store::vote_counts(&state.db, e.id).await?;
    crate::service::awards::set_computed_awards(
        &state.db,
        &ctx.actor(),
        e.id,
        &computed(&ranking, &votes),
    )
    .await?;
    Ok(Redirect::to(&format!("/festival/{}/hasil", e.number)).into_response())
}

#[derive(serde::Deserialize)]
struct SpecialForm {
    entry: String,
}

async fn special(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<SpecialForm>,
) -> WebResult<Response> {
    coordinator(&ctx)?;
    let e = edition(&state, &number).await?;
    let entry: i64 = f
        .entry
        .trim()
        .parse()
        .map_err(|_| AppError::bad_request("festival.error.choose"))?;
    if !store::entries(&state.db, e.id)
        .await?
        .iter()
        .any(|(id, _, _)| *id == entry)
    {
        return Err(AppError::bad_request("festival.error.choose"));
    }
    if !crate::service::awards::add_special_award(&state.db, &ctx.actor(), e.id, entry).await? {
        return Err(AppError::new(
            StatusCode::CONFLICT,
            "festival.error.already",
        ));
    }
    Ok(Redirect::to(&format!("/festival/{}/hasil", e.number)).into_response())
}

pub struct AwardView {
    pub award: Award,
    pub category: Category,
    pub innovation: Option<InnovationSummary>,
}

pub(crate) async fn views(
    state: &AppState,
    catalogue: &Catalogue,
    e: &Edition,
) -> Result<Vec<AwardView>, AppError> {
    let entries = store::entries(&state.db, e.id).await?;
    let mut out = Vec::new();
    for a in store::awards(&state.db, e.id).await? {
        let innovation = match entries.iter().find(|(id, _, _)| *id == a.entry_id) {
            Some((_, inv, _)) => catalogue.get(*inv).await,
            None => None,
        };
        if let Some(category) = Category::parse(&a.category) {
            out.push(AwardView {
                award: a,
                category,
                innovation,
            });
        }
    }
    out.sort_by_key(|v| v.category as usize);
    Ok(out)
}

#[derive(Template)]
#[template(path = "festival_results.html")]
struct ResultsPage {
    shell: Shell,
    e: Edition,
    awards: Vec<AwardView>,
    coordinator: bool,
    entries: Vec<(i64, String)>,
}

async fn results(
    State(state): State<AppState>,
    Extension(catalogue): Extension<Catalogue>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> WebResult<Response> {
    let e = edition(&state, &number).await?;
    let now = anjungan_kernel::clock::now_ms();
    let published = crate::domain::phase::results_out(&store::phases(&state.db, e.id).await?, now);
    let is_coordinator = coordinator(&ctx).is_ok();
    if !published && !is_coordinator {
        return Err(AppError::not_found());
    }
    let awards = views(&state, &catalogue, &e).await?;
    let mut entries = Vec::new();
    if is_coordinator {
        for (id, inv, _) in store::entries(&state.db, e.id).await? {
            entries.push((
                id,
                catalogue.get(inv).await.map(|i| i.name).unwrap_or_default(),
            ));
        }
    }
    render(&ResultsPage {
        shell: Shell::new(&ctx),
        e,
        awards,
        coordinator: is_coordinator,
        entries,
    })
}

async fn find(
    state: &AppState,
    catalogue: &Catalogue,
    code: &str,
) -> Result<(Edition, AwardView), AppError> {
    let code = code.trim_end_matches(".pdf");
    if code.is_empty()
        || code.len() > 40
        || !code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(AppError::not_found());
    }
    let (number, award) = store::award_by_code(&state.db, code)
        .await?
        .ok_or_else(AppError::not_found)?;
    let e = store::edition(&state.db, number)
        .await?
        .ok_or_else(AppError::not_found)?;
    let v = views(state, catalogue, &e)
        .await?
        .into_iter()
        .find(|v| v.award.code == award.code)
        .ok_or_else(AppError::not_found)?;
    Ok((e, v))
}

#[derive(Template)]
#[template(path = "festival_verify.html")]
struct VerifyPage {
    shell: Shell,
    e: Edition,
    v: AwardView,
}

/// The page a certificate's QR code opens: proof that the award is genuine. Mounted by the
/// binary at `/verifikasi/{code}`, which also serves other rooms' documents.
pub async fn verify_page(
    state: &AppState,
    catalogue: &Catalogue,
    ctx: &Ctx,
    code: &str,
) -> WebResult<Response> {
    let (e, v) = find(state, catalogue, code).await?;
    render(&VerifyPage {
        shell: Shell::new(ctx),
        e,
        v,
    })
}

/// A4 landscape certificate with a QR code to the verification page.
async fn certificate(
    State(state): State<AppState>,
    Extension(catalogue): Extension<Catalogue>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> WebResult<Response> {
    let (e, v) = find(&state, &catalogue, &code).await?;
    let t = ctx.tr();
    let url = format!(
        "{}/verifikasi/{}",
        state.config.base_url.trim_end_matches('/'),
        v.award.code
    );
    let innovation = v.innovation.as_ref();
    let bytes = crate::render::certificate::pdf(&crate::render::certificate::Certificate {
        title: t.s("festival.certificate"),
        code: &v.award.code,
        festival: format!("Trenggalek Innovation Festival {} - {}", e.number, e.year),
        awarded_to: t.s("festival.awarded_to"),
        innovation: innovation.map(|i| i.name.as_str()).unwrap_or_default(),
        agency: innovation
            .map(|i| i.organisation.as_str())
            .unwrap_or_default(),
        category: t.s(&v.category.key()),
        place_and_date: format!("{}, {}", e.venue, t.day(&e.ends_on)),
        verify_label: t.s("festival.verify_at"),
        url: &url,
    })
    .map_err(|err| {
        AppError::from(anjungan_kernel::Error::Internal(anyhow::anyhow!(
            "certificate: {err}"
        )))
    })?;
    // Sealed by the festival's electronic seal (PAdES), so any PDF validator checks it.
    let bytes = anjungan_kernel::pki::sign_by_seal(
        &state.db,
        &state.keys,
        "festival",
        "Panitia Trenggalek Innovation Festival",
        &bytes,
        &anjungan_kernel::pki::SignatureMeta {
            name: "Panitia Trenggalek Innovation Festival".into(),
            reason: format!("{} {}", t.s("festival.certificate"), v.award.code),
            location: e.venue.clone(),
            contact: url.clone(),
            at: time::OffsetDateTime::now_utc(),
        },
    )
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "inline; filename=\"piagam-tif{}-{}.pdf\"",
                    e.number, v.award.code
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}

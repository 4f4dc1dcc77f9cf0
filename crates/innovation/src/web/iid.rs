//! IID pages: an innovation's self-assessment with evidence and the coordinator's review, the
//! regency's index with its category, the catalogue editor, and `GET /api/v1/iid/{year}`.

use super::visible;
use crate::domain::iid::{
    Aspect, Category, Indicator, Review, Score, check_level, regency_index, score,
};
use crate::domain::{Status, may_create};
use crate::store::iid::{self as iid_store, Catalogue};
use crate::store::{self, Filter};
use anjungan_kernel::identity::domain::{AccessError, Principal, Role};
use anjungan_kernel::web::pages::render;
use anjungan_kernel::web::{AppError, AppState, Ctx, Shell, WebResult};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route(
            "/inovasi/indeks",
            get(index_page).layer(super::pages::PUBLIC.layer()),
        )
        .route("/inovasi/indeks/{indicator}", post(answer_government))
        .route("/inovasi/katalog", get(catalogue_page))
        .route("/inovasi/katalog/{indicator}", post(edit_indicator))
        .route("/inovasi/{id}/iid", get(assessment))
        .route("/inovasi/{id}/iid/{indicator}", post(answer))
        .route("/inovasi/{id}/iid/{indicator}/tinjau", post(review))
        .route("/inovasi/{id}/iid/{indicator}/bukti", get(evidence))
        .routes(routes!(index_api))
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct YearQuery {
    /// Catalogue year; default: this year.
    tahun: Option<i64>,
}

impl YearQuery {
    fn year(&self) -> Result<i64, AppError> {
        let y = self.tahun.unwrap_or_else(|| {
            anjungan_kernel::clock::to_wib(anjungan_kernel::clock::now_ms()).year() as i64
        });
        if (2018..=2100).contains(&y) {
            Ok(y)
        } else {
            Err(AppError::bad_request("innovation.error.year"))
        }
    }
}

fn forbidden() -> AppError {
    anjungan_kernel::Error::Access(AccessError::Forbidden).into()
}

fn coordinator(p: Option<&Principal>) -> bool {
    p.is_some_and(|p| p.is_admin() || p.has_role(Role::Coordinator))
}

fn hundredths(v: u32) -> String {
    format!("{}.{:02}", v / 100, v % 100)
}

fn indicator(cat: &Catalogue, id: i64, aspect: Aspect) -> Result<Indicator, AppError> {
    cat.indicators
        .iter()
        .find(|i| i.id == id && i.aspect == aspect)
        .cloned()
        .ok_or_else(AppError::not_found)
}

#[derive(Template)]
#[template(path = "iid_assessment.html")]
struct AssessmentPage {
    shell: Shell,
    inv: store::Innovation,
    year: i64,
    indicators: Vec<Indicator>,
    answers: Vec<crate::domain::iid::Answer>,
    score: Score,
    category: Category,
    can_answer: bool,
    can_review: bool,
}

impl AssessmentPage {
    fn answer(&self, i: &Indicator) -> Option<&crate::domain::iid::Answer> {
        self.answers.iter().find(|a| a.indicator_id == i.id)
    }
    fn picked(&self, i: &Indicator, level: &usize) -> bool {
        self.answer(i)
            .is_some_and(|a| a.level as usize == level + 1)
    }
    fn total(&self) -> String {
        hundredths(self.score.total)
    }
    fn points(&self, v: &u32) -> String {
        hundredths(*v)
    }
    fn review_key(&self, r: &Review) -> String {
        format!("innovation.iid.review.{}", r.code())
    }
}

async fn assessment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> WebResult<Response> {
    let inv = visible(&state, &ctx, id).await?;
    let year = q.year()?;
    let cat = crate::service::iid::catalogue(&state.db, &ctx.actor(), year).await?;
    let answers = iid_store::answers(&state.db, &iid_store::subject_of(Some(id))).await?;
    let s = score(&cat.indicators, Aspect::Innovation, &answers);
    let category = cat.thresholds.category(s.total);
    let can_answer = ctx
        .principal
        .as_ref()
        .is_some_and(|p| may_create(p, &inv.owner()));
    let can_review = coordinator(ctx.principal.as_ref());
    let indicators = cat
        .indicators
        .into_iter()
        .filter(|i| i.aspect == Aspect::Innovation)
        .collect();
    render(&AssessmentPage {
        shell: Shell::new(&ctx),
        inv,
        year,
        indicators,
        answers,
        score: s,
        category,
        can_answer,
        can_review,
    })
}

/// An answer's evidence file. Evidence is private until the coordinator accepts it on a public
/// innovation; before that only the unit's staff and the coordinator fetch it.
async fn evidence(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, ind)): Path<(i64, i64)>,
) -> WebResult<Response> {
    use anjungan_kernel::files::web::{Caching, send};
    let inv = visible(&state, &ctx, id).await?;
    let answer = iid_store::answers(&state.db, &iid_store::subject_of(Some(id)))
        .await?
        .into_iter()
        .find(|a| a.indicator_id == ind)
        .ok_or_else(AppError::not_found)?;
    let sha = answer.evidence.as_deref().ok_or_else(AppError::not_found)?;
    let public = inv.status.public() && answer.review == Review::Accepted;
    let staff = ctx
        .principal
        .as_ref()
        .is_some_and(|p| crate::domain::may_see_innovation(p, &inv.owner()));
    if !public && !staff {
        return Err(AppError::not_found());
    }
    let file =
        anjungan_kernel::files::store::get(&state.db, &state.config.data_dir, &state.keys, sha)
            .await?
            .ok_or_else(AppError::not_found)?;
    Ok(send(
        file,
        if public {
            Caching::PublicShort
        } else {
            Caching::Private
        },
    ))
}

/// The owner's answer for one indicator: a level and, optionally, an evidence file.
async fn answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, ind)): Path<(i64, i64)>,
    Query(q): Query<YearQuery>,
    mut form: Multipart,
) -> WebResult<Response> {
    let inv = visible(&state, &ctx, id).await?;
    if !ctx
        .principal
        .as_ref()
        .is_some_and(|p| may_create(p, &inv.owner()))
    {
        return Err(forbidden());
    }
    let year = q.year()?;
    let cat = crate::service::iid::catalogue(&state.db, &ctx.actor(), year).await?;
    let indicator = indicator(&cat, ind, Aspect::Innovation)?;
    let (mut level, mut evidence) = (None, None);
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|_| AppError::bad_request("error.bad_request"))?
    {
        match field.name() {
            Some("level") => {
                level = field
                    .text()
                    .await
                    .ok()
                    .and_then(|t| t.trim().parse::<u8>().ok())
            }
            Some("file") => {
                let name = field.file_name().unwrap_or("bukti").to_string();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| AppError::bad_request("error.too_large"))?;
                if !bytes.is_empty() {
                    let stored = anjungan_kernel::files::store::put(
                        &state.db,
                        &state.config.data_dir,
                        &state.keys,
                        &ctx.actor(),
                        anjungan_kernel::files::domain::Access::Private,
                        &name,
                        &bytes,
                        state.config.max_upload_bytes,
                    )
                    .await?;
                    evidence = Some(stored.sha256);
                }
            }
            _ => {}
        }
    }
    let level = level
        .filter(|l| check_level(&indicator, *l))
        .ok_or_else(|| AppError::bad_request("innovation.error.choose"))?;
    crate::service::iid::answer(
        &state.db,
        &ctx.actor(),
        &iid_store::subject_of(Some(id)),
        ind,
        level,
        evidence.as_deref(),
        Review::Pending,
    )
    .await?;
    Ok(Redirect::to(&format!("/inovasi/{id}/iid?tahun={year}#i{ind}")).into_response())
}

#[derive(serde::Deserialize)]
struct ReviewForm {
    decision: String,
    #[serde(default)]
    note: String,
}

async fn review(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, ind)): Path<(i64, i64)>,
    Query(q): Query<YearQuery>,
    Form(f): Form<ReviewForm>,
) -> WebResult<Response> {
    if !coordinator(ctx.principal.as_ref()) {
        return Err(forbidden());
    }
    let inv = visible(&state, &ctx, id).await?;
    let decision = match f.decision.as_str() {
        "accepted" => Review::Accepted,
        "rejected" if !f.note.trim().is_empty() => Review::Rejected,
        "rejected" => return Err(AppError::bad_request("innovation.error.note")),
        _ => return Err(AppError::bad_request("innovation.error.choose")),
    };
    crate::service::iid::review(
        &state.db,
        &ctx.actor(),
        &iid_store::subject_of(Some(inv.id)),
        ind,
        decision,
        &f.note,
    )
    .await?;
    Ok(Redirect::to(&format!("/inovasi/{id}/iid?tahun={}#i{ind}", q.year()?)).into_response())
}

/// The regency's index for a year, explained.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = innovation::RegencyIndex)]
pub struct RegencyIndex {
    pub year: i64,
    /// 0–100 with two decimals.
    pub index: String,
    pub category: Category,
    pub government_share: u32,
    pub government: Score,
    pub innovations: Vec<InnovationScore>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = innovation::InnovationScore)]
pub struct InnovationScore {
    pub id: i64,
    pub name: String,
    pub organisation: String,
    /// 0–100 in hundredths.
    pub score: u32,
}

async fn compute_index(
    state: &AppState,
    ctx: &Ctx,
    year: i64,
) -> Result<(RegencyIndex, Catalogue), AppError> {
    let cat = crate::service::iid::catalogue(&state.db, &ctx.actor(), year).await?;
    let gov = score(
        &cat.indicators,
        Aspect::Government,
        &iid_store::answers(&state.db, "regency").await?,
    );
    let mut innovations = Vec::new();
    for inv in store::list(
        &state.db,
        &[Status::Verified],
        None,
        &Filter::default(),
        100_000,
        0,
    )
    .await?
    {
        let answers = iid_store::answers(&state.db, &iid_store::subject_of(Some(inv.id))).await?;
        let s = score(&cat.indicators, Aspect::Innovation, &answers);
        if s.lines.iter().any(|l| l.counted) {
            innovations.push(InnovationScore {
                id: inv.id,
                name: inv.name().to_string(),
                organisation: inv.org_name.clone(),
                score: s.total,
            });
        }
    }
    innovations.sort_by(|a, b| b.score.cmp(&a.score).then(a.name.cmp(&b.name)));
    let index = regency_index(
        gov.total,
        &innovations.iter().map(|i| i.score).collect::<Vec<_>>(),
        cat.government_share,
    );
    let out = RegencyIndex {
        year,
        index: hundredths(index),
        category: cat.thresholds.category(index),
        government_share: cat.government_share,
        government: gov,
        innovations,
    };
    Ok((out, cat))
}

#[derive(Template)]
#[template(path = "iid_index.html")]
struct IndexPage {
    shell: Shell,
    idx: RegencyIndex,
    indicators: Vec<Indicator>,
    can_answer: bool,
}

impl IndexPage {
    fn formula(&self) -> String {
        self.shell.t.f(
            "innovation.iid.formula",
            &[("share", &self.idx.government_share.to_string())],
        )
    }
    fn points(&self, v: &u32) -> String {
        hundredths(*v)
    }
    fn level_of(&self, code: &str) -> Option<u8> {
        self.idx
            .government
            .lines
            .iter()
            .find(|l| l.code == code)
            .and_then(|l| l.level)
    }
    fn picked(&self, i: &Indicator, level: &usize) -> bool {
        self.level_of(&i.code) == Some((*level + 1) as u8)
    }
}

async fn index_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<YearQuery>,
) -> WebResult<Response> {
    let (idx, cat) = compute_index(&state, &ctx, q.year()?).await?;
    let indicators = cat
        .indicators
        .into_iter()
        .filter(|i| i.aspect == Aspect::Government)
        .collect();
    render(&IndexPage {
        shell: Shell::new(&ctx),
        idx,
        indicators,
        can_answer: coordinator(ctx.principal.as_ref()),
    })
}

#[derive(serde::Deserialize)]
struct LevelForm {
    level: String,
}

/// Government-aspect answers are given by the coordinator for the regency, and count at once.
async fn answer_government(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(ind): Path<i64>,
    Query(q): Query<YearQuery>,
    Form(f): Form<LevelForm>,
) -> WebResult<Response> {
    if !coordinator(ctx.principal.as_ref()) {
        return Err(forbidden());
    }
    let year = q.year()?;
    let cat = crate::service::iid::catalogue(&state.db, &ctx.actor(), year).await?;
    let indicator = indicator(&cat, ind, Aspect::Government)?;
    let level = f
        .level
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|l| check_level(&indicator, *l))
        .ok_or_else(|| AppError::bad_request("innovation.error.choose"))?;
    crate::service::iid::answer(
        &state.db,
        &ctx.actor(),
        "regency",
        ind,
        level,
        None,
        Review::Accepted,
    )
    .await?;
    Ok(Redirect::to(&format!("/inovasi/indeks?tahun={year}")).into_response())
}

#[derive(Template)]
#[template(path = "iid_catalogue.html")]
struct CataloguePage {
    shell: Shell,
    cat: Catalogue,
}

async fn catalogue_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<YearQuery>,
) -> WebResult<Response> {
    if !coordinator(ctx.principal.as_ref()) {
        return Err(forbidden());
    }
    let cat = crate::service::iid::catalogue(&state.db, &ctx.actor(), q.year()?).await?;
    render(&CataloguePage {
        shell: Shell::new(&ctx),
        cat,
    })
}

#[derive(serde::Deserialize)]
struct IndicatorForm {
    name: String,
    weight: String,
    e1: String,
    s1: String,
    e2: String,
    s2: String,
    e3: String,
    s3: String,
}

async fn edit_indicator(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(ind): Path<i64>,
    Query(q): Query<YearQuery>,
    Form(f): Form<IndicatorForm>,
) -> WebResult<Response> {
    if !coordinator(ctx.principal.as_ref()) {
        return Err(forbidden());
    }
    let year = q.year()?;
    let cat = crate::service::iid::catalogue(&state.db, &ctx.actor(), year).await?;
    if !cat.indicators.iter().any(|i| i.id == ind) {
        return Err(AppError::not_found());
    }
    let (name, weight, levels) = crate::domain::iid::parse_indicator_edit(
        &f.name,
        &f.weight,
        [(&f.e1, &f.s1), (&f.e2, &f.s2), (&f.e3, &f.s3)],
    )
    .map_err(AppError::bad_request)?;
    crate::service::iid::update_indicator(&state.db, &ctx.actor(), ind, &name, weight, &levels)
        .await?;
    Ok(Redirect::to(&format!("/inovasi/katalog?tahun={year}")).into_response())
}

/// The regency's innovation index for a year with its category, the government aspect line by
/// line and every assessed innovation's score. Public.
#[utoipa::path(get, path = "/api/v1/iid/{year}", operation_id = "getInnovationIndex", tag = "innovation",
    params(("year" = i64, Path, description = "Catalogue year")), responses((status = 200, body = RegencyIndex), (status = 400)))]
async fn index_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
) -> WebResult<Json<RegencyIndex>> {
    let year = YearQuery { tahun: Some(year) }.year()?;
    Ok(Json(compute_index(&state, &ctx, year).await?.0))
}

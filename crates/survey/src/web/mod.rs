//! Survey pages and API: the public index at `/ikm`, the questionnaire (online link, QR code,
//! kiosk, one-use invitation, paper entry), the unit dashboard with exports, and `/api/v1/survey`.

mod api;
mod export;
mod manage;
mod public;

use crate::domain::access::{SurveyAction, authorize};
use crate::domain::{Element, Grade, Ikm, IkmResult, Period, SurveyError};
use crate::store::{self, StoreError, Unit};
use anjungan_kernel::i18n::Tr;
use anjungan_kernel::web::{AppError, AppState, Ctx};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    public::routes()
        .merge(manage::routes())
        .merge(export::routes())
        .merge(api::routes())
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Survey(s) => s.into(),
            StoreError::Kernel(k) => k.into(),
        }
    }
}

impl From<SurveyError> for AppError {
    fn from(e: SurveyError) -> Self {
        let status = match e {
            SurveyError::UnitNotFound => StatusCode::NOT_FOUND,
            SurveyError::InvitationUsed => StatusCode::GONE,
            _ => StatusCode::BAD_REQUEST,
        };
        AppError::new(status, e.message_key())
    }
}

/// `?periode=2025-Q3`; default: the current year.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct PeriodQuery {
    /// `2025`, `2025-S1`, `2025-Q3` or `2025-01-01..2025-03-31`; default: this year.
    #[serde(alias = "period")]
    pub periode: Option<String>,
}

impl PeriodQuery {
    pub fn period(&self) -> Result<Period, AppError> {
        match self
            .periode
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(p) => Period::parse(p).map_err(|e| SurveyError::from(e).into()),
            None => Ok(Period::year_of(anjungan_kernel::clock::now_ms())),
        }
    }
}

/// The unit, if the signed-in person may manage it.
pub(crate) async fn managed_unit(
    state: &AppState,
    ctx: &Ctx,
    org_id: i64,
) -> Result<Unit, AppError> {
    let unit = store::unit(&state.db, org_id).await?;
    authorize(
        ctx.principal.as_ref(),
        &SurveyAction::ManageUnit(&unit.org_ref()),
    )
    .map_err(|e| AppError::from(anjungan_kernel::Error::from(e)))?;
    Ok(unit)
}

/// A citizen's contact for sending a survey link: a mobile number (WhatsApp) or an e-mail address.
pub(crate) fn delivery<'a>(
    state: &'a AppState,
    tr: Tr,
    unit: &Unit,
    contact: &str,
) -> Result<Option<crate::service::invitations::Delivery<'a>>, AppError> {
    use anjungan_kernel::identity::domain::{Email, Phone};
    use anjungan_kernel::outbox::domain::Channel;
    let contact = contact.trim();
    if contact.is_empty() {
        return Ok(None);
    }
    let (channel, recipient) = if contact.contains('@') {
        (
            Channel::Email,
            Email::parse(contact)
                .map_err(anjungan_kernel::Error::from)?
                .as_str()
                .to_string(),
        )
    } else {
        (
            Channel::Whatsapp,
            Phone::parse(contact)
                .map_err(anjungan_kernel::Error::from)?
                .as_str()
                .to_string(),
        )
    };
    Ok(Some(crate::service::invitations::Delivery {
        keys: &state.keys,
        channel,
        recipient,
        subject: tr.s("survey.invite_subject").to_string(),
        body: tr.f("survey.invite_body", &[("unit", &unit.name)]),
        base_url: &state.config.base_url,
    }))
}

/// One line of results, ready for templates and the API.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = survey::UnitResult)]
pub struct UnitResult {
    pub org_id: i64,
    pub name: String,
    pub responses: i64,
    /// IKM on the 25–100 scale with two decimals, e.g. `"88.31"`; absent without data.
    pub ikm: Option<String>,
    /// `A`, `B`, `C` or `D`; absent while the sample is not adequate (see `sample`).
    pub grade: Option<String>,
    /// Whether the forms suffice for a grade.
    pub sample: SampleInfo,
    /// NRR per element code (`U1`…`U9`), three decimals.
    pub nrr: std::collections::BTreeMap<String, Option<String>>,
    /// The element's score (NRR × 25) per element code, two decimals, rounded once.
    pub scores: std::collections::BTreeMap<String, Option<String>>,
}

/// The sample behind an index: a grade needs `needed` forms (Krejcie–Morgan for the people
/// served, or the set minimum while that number is unknown).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = survey::SampleInfo)]
pub struct SampleInfo {
    pub responses: i64,
    pub needed: i64,
    /// People served in the period, when the unit entered it.
    pub served: Option<i64>,
    pub adequate: bool,
}

impl UnitResult {
    pub fn new(org_id: i64, name: &str, r: &IkmResult) -> Self {
        Self {
            org_id,
            name: name.to_string(),
            responses: r.responses,
            ikm: r.ikm.map(Ikm::dotted),
            grade: r.grade().map(|g| g.letter().to_string()),
            sample: SampleInfo {
                responses: r.sample.got,
                needed: r.sample.needed,
                served: r.sample.served,
                adequate: r.sample.adequate(),
            },
            nrr: Element::ALL
                .iter()
                .map(|e| (e.code().to_string(), r.nrr(*e).map(|f| f.dotted())))
                .collect(),
            scores: Element::ALL
                .iter()
                .map(|e| (e.code().to_string(), r.score(*e).map(|f| f.dotted())))
                .collect(),
        }
    }
}

/// The grade label, or why there is none: "no data", or "sample not yet adequate (n of N)".
pub(crate) fn grade_or_sample(tr: Tr, r: &IkmResult) -> String {
    match (r.ikm, r.grade()) {
        (Some(_), None) => tr.f(
            "survey.sample_inadequate",
            &[
                ("got", &r.sample.got.to_string()),
                ("needed", &r.sample.needed.to_string()),
            ],
        ),
        (_, g) => grade_text(tr, g).to_string(),
    }
}

/// A respondent group's value in the reader's language (`P` → "Perempuan", `-` → "Tidak diisi").
pub(crate) fn group_value_label(tr: Tr, dimension: &str, value: &str) -> String {
    if value == crate::domain::disclosure::NOT_GIVEN {
        return tr.s("survey.not_given").to_string();
    }
    match dimension {
        "sex" => tr.s(&format!("survey.sexes.{value}")).to_string(),
        "education" => tr.s(&format!("survey.educations.{value}")).to_string(),
        "occupation" => tr.s(&format!("survey.occupations.{value}")).to_string(),
        _ => value.to_string(),
    }
}

/// Grade label in the visitor's language, or "no data".
pub(crate) fn grade_text(tr: Tr, g: Option<Grade>) -> &'static str {
    match g {
        Some(g) => tr.s(g.label_key()),
        None => tr.s("survey.no_data"),
    }
}

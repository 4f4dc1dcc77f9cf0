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
) -> Result<Option<store::Delivery<'a>>, AppError> {
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
    Ok(Some(store::Delivery {
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
pub struct UnitResult {
    pub org_id: i64,
    pub name: String,
    pub responses: i64,
    /// IKM on the 25–100 scale with two decimals, e.g. `"88.31"`; absent without data.
    pub ikm: Option<String>,
    /// `A`, `B`, `C` or `D`.
    pub grade: Option<String>,
    /// NRR per element code (`U1`…`U9`), three decimals.
    pub nrr: std::collections::BTreeMap<String, Option<String>>,
}

impl UnitResult {
    pub fn new(org_id: i64, name: &str, r: &IkmResult) -> Self {
        Self {
            org_id,
            name: name.to_string(),
            responses: r.responses,
            ikm: r.ikm.map(Ikm::dotted),
            grade: r.grade().map(|g| g.letter().to_string()),
            nrr: Element::ALL
                .iter()
                .map(|e| {
                    (
                        e.code().to_string(),
                        r.nrr_milli(*e).map(|_| r.nrr_text(*e)),
                    )
                })
                .collect(),
        }
    }
}

/// Grade label in the visitor's language, or "no data".
pub(crate) fn grade_text(tr: Tr, g: Option<Grade>) -> &'static str {
    match g {
        Some(g) => tr.s(g.label_key()),
        None => tr.s("survey.no_data"),
    }
}

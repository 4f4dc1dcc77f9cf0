//! The binary's adapters between rooms: a room states what it needs from another as a trait in
//! its own `ports.rs`, and only the binary, which sees both, implements it. Here: live evidence
//! for the innovation room from the survey and Petung Dadi, the innovation registry for the festival,
//! and the survey's invitations for Petung Dadi's closed requests.

use anjungan_kernel::web::AppState;
use std::sync::Arc;

/// Adds every port to the router, for the handlers that extract one.
pub fn ports(router: axum::Router<AppState>, state: &AppState) -> axum::Router<AppState> {
    let (catalogue, live) = adapters(&state.db);
    router
        .layer(axum::Extension(catalogue))
        .layer(axum::Extension(live))
        .layer(axum::Extension(invitations(
            &state.db,
            &state.keys,
            &state.config.base_url,
        )))
}

/// Every port, for the rooms' demo data.
pub fn all(db: &Db, keys: &Keys, base_url: &str) -> anjungan_kernel::room::Ports {
    let (catalogue, live) = adapters(db);
    anjungan_kernel::room::Ports::default()
        .with(catalogue)
        .with(live)
        .with(invitations(db, keys, base_url))
}

fn invitations(db: &Db, keys: &Keys, base_url: &str) -> anjungan_desk::ports::Invitations {
    Arc::new(SurveyInvitations {
        db: db.clone(),
        keys: keys.clone(),
        base_url: base_url.to_string(),
    })
}

/// Petung Dadi's closed requests invited to the survey of the unit that served them.
#[derive(Debug)]
pub struct SurveyInvitations {
    pub db: Db,
    pub keys: Keys,
    pub base_url: String,
}

impl anjungan_desk::ports::SurveyInvitations for SurveyInvitations {
    fn invite(
        &self,
        i: anjungan_desk::ports::Invitation,
    ) -> anjungan_desk::ports::BoxFuture<'_, anyhow::Result<bool>> {
        Box::pin(async move {
            // A unit that runs no survey has nobody to read the answers.
            if survey::unit(&self.db, i.org_id).await.is_err() {
                return Ok(false);
            }
            let actor = anjungan_kernel::audit::Actor::system("desk");
            let delivery = anjungan_survey::service::invitations::Delivery {
                keys: &self.keys,
                channel: i.channel,
                recipient: i.recipient,
                subject: i.subject,
                body: i.body,
                base_url: &self.base_url,
            };
            let made = anjungan_survey::service::invitations::create_invitation(
                &self.db,
                &actor,
                i.org_id,
                &i.service,
                Some(&i.reference),
                Some(delivery),
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            Ok(made.is_some())
        })
    }
}

fn adapters(
    db: &Db,
) -> (
    anjungan_festival::ports::Catalogue,
    anjungan_innovation::ports::Live,
) {
    let catalogue: anjungan_festival::ports::Catalogue =
        Arc::new(InnovationCatalogue { db: db.clone() });
    let live: anjungan_innovation::ports::Live = Arc::new(SurveyEvidence { db: db.clone() });
    (catalogue, live)
}

use anjungan_innovation::ports::{
    BoxFuture, DESK_SERVICE, Figures, LiveEvidence, SURVEY_UNIT, ServiceFigures,
};
use anjungan_kernel::Db;
use anjungan_kernel::crypto::Keys;
use anjungan_survey::domain::Period;
use anjungan_survey::store as survey;

pub struct SurveyEvidence {
    pub db: Db,
}

impl LiveEvidence for SurveyEvidence {
    fn survey_units(&self) -> BoxFuture<'_, Vec<(i64, String)>> {
        Box::pin(async move {
            survey::units(&self.db)
                .await
                .map(|u| u.into_iter().map(|u| (u.org_id, u.name)).collect())
                .unwrap_or_default()
        })
    }

    fn survey_figures(&self, unit: i64) -> BoxFuture<'_, Option<Figures>> {
        Box::pin(survey_figures(&self.db, unit))
    }

    fn desk_services(&self) -> BoxFuture<'_, Vec<(i64, String)>> {
        Box::pin(async move {
            anjungan_desk::store::services::list(&self.db, None, false)
                .await
                .map(|list| {
                    list.into_iter()
                        .map(|s| (s.id, format!("{} — {}", s.name, s.org_name)))
                        .collect()
                })
                .unwrap_or_default()
        })
    }

    fn desk_figures(&self, service: i64) -> BoxFuture<'_, Option<ServiceFigures>> {
        Box::pin(async move {
            let (s, f) = anjungan_desk::service::catalogue::service_figures(&self.db, service)
                .await
                .ok()??;
            let today = anjungan_desk::store::today();
            let since =
                today - time::Duration::days(anjungan_desk::service::catalogue::FIGURES_DAYS);
            Some(ServiceFigures {
                kind: DESK_SERVICE.into(),
                target_id: s.id,
                url: format!("/layanan/s/{}", s.code),
                unit_ikm: survey_figures(&self.db, s.org_id).await,
                source: s.name,
                unit: s.org_name,
                since: since.to_string(),
                until: today.to_string(),
                requests: f.total as usize,
                completed: f.completed as usize,
                open: f.open as usize,
                open_overdue: f.open_overdue as usize,
                on_time_percent: f.on_time_pct.map(|p| format!("{p:.1}")),
                median_days: f.median_days.map(|d| format!("{d:.1}")),
                promised_days: s.days,
            })
        })
    }
}

/// A unit's survey figures this year against last year's index; `None` when it runs no survey.
async fn survey_figures(db: &Db, unit: i64) -> Option<Figures> {
    let u = survey::unit(db, unit).await.ok()?;
    let year = Period::year_of(anjungan_kernel::clock::now_ms());
    // Graded against the people served, as the survey's own pages are.
    let now = anjungan_survey::service::results::unit_figures(db, unit, &year)
        .await
        .ok()?
        .result;
    let before = survey::unit_tally(db, unit, &year.previous(), None)
        .await
        .ok()?
        .compute();
    Some(Figures {
        kind: SURVEY_UNIT.into(),
        target_id: unit,
        source: u.name,
        period: year.key(),
        responses: now.responses,
        ikm: now.ikm.map(|i| i.dotted()),
        grade: now.grade().map(|g| g.letter().to_string()),
        sample_needed: now.sample.needed,
        sample_adequate: now.sample.adequate(),
        previous_ikm: before.ikm.map(|i| i.dotted()),
    })
}

/// The festival's view of the innovation registry.
pub struct InnovationCatalogue {
    pub db: Db,
}

fn summary(
    i: anjungan_innovation::store::Innovation,
) -> anjungan_festival::ports::InnovationSummary {
    anjungan_festival::ports::InnovationSummary {
        id: i.id,
        name: i.name().to_string(),
        organisation_id: i.org_id,
        organisation: i.org_name.clone(),
        organisation_path: i.org_path.clone(),
        verified: i.status == anjungan_innovation::domain::Status::Verified,
        running_since: if i.draft.implementation_date.is_empty() {
            i.draft.trial_date.clone()
        } else {
            i.draft.implementation_date.clone()
        },
    }
}

/// The first `max` words of a text.
fn words(text: &str, max: usize) -> String {
    text.split_whitespace()
        .take(max)
        .collect::<Vec<_>>()
        .join(" ")
}

impl anjungan_festival::ports::Innovations for InnovationCatalogue {
    fn get(
        &self,
        id: i64,
    ) -> anjungan_festival::ports::BoxFuture<'_, Option<anjungan_festival::ports::InnovationSummary>>
    {
        Box::pin(async move {
            anjungan_innovation::store::get(&self.db, id)
                .await
                .ok()
                .flatten()
                .map(summary)
        })
    }

    fn verified_under(
        &self,
        paths: Vec<String>,
    ) -> anjungan_festival::ports::BoxFuture<'_, Vec<anjungan_festival::ports::InnovationSummary>>
    {
        Box::pin(async move {
            let mut out = Vec::new();
            for p in paths {
                let f = anjungan_innovation::store::Filter::default();
                if let Ok(list) = anjungan_innovation::store::list(
                    &self.db,
                    &[anjungan_innovation::domain::Status::Verified],
                    Some(&p),
                    &f,
                    1000,
                    0,
                )
                .await
                {
                    out.extend(list.into_iter().map(summary));
                }
            }
            out
        })
    }

    fn proposal_sections(
        &self,
        id: i64,
    ) -> anjungan_festival::ports::BoxFuture<'_, Vec<(String, String)>> {
        Box::pin(async move {
            let Ok(Some(i)) = anjungan_innovation::store::get(&self.db, id).await else {
                return Vec::new();
            };
            let d = &i.draft;
            let legal = if d.regulation_type.is_empty() {
                d.vision.clone()
            } else {
                format!(
                    "Dasar hukum: {} {} tahun {}. {}",
                    d.regulation_type, d.regulation_number, d.regulation_year, d.vision
                )
            };
            [
                ("summary", words(&d.goal, 200)),
                ("background", words(&d.design, 300)),
                ("novelty", words(&d.benefit, 200)),
                (
                    "implementation",
                    words(&d.sop_steps.replace('\n', "; "), 200),
                ),
                ("significance", words(&d.result, 600)),
                ("sustainability", words(&legal, 500)),
            ]
            .into_iter()
            .filter(|(_, t)| !t.trim().is_empty())
            .map(|(k, t)| (k.to_string(), t))
            .collect()
        })
    }
}

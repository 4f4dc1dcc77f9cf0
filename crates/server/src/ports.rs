//! The binary's adapters between rooms: a room states what it needs from another as a trait in
//! its own `ports.rs`, and only the binary, which sees both, implements it. Here: live evidence
//! for the innovation room from the survey's store, and the innovation registry for the festival.

use anjungan_kernel::web::AppState;
use std::sync::Arc;

/// Adds every port to the router, for the handlers that extract one.
pub fn ports(router: axum::Router<AppState>, state: &AppState) -> axum::Router<AppState> {
    let (catalogue, live) = adapters(&state.db);
    router
        .layer(axum::Extension(catalogue))
        .layer(axum::Extension(live))
}

/// Every port, for the rooms' demo data.
pub fn all(db: &Db) -> anjungan_kernel::room::Ports {
    let (catalogue, live) = adapters(db);
    anjungan_kernel::room::Ports::default()
        .with(catalogue)
        .with(live)
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

use anjungan_innovation::ports::{BoxFuture, Figures, LiveEvidence, SURVEY_UNIT};
use anjungan_kernel::Db;
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
        Box::pin(async move {
            let u = survey::unit(&self.db, unit).await.ok()?;
            let year = Period::year_of(anjungan_kernel::clock::now_ms());
            // Graded against the people served, as the survey's own pages are.
            let now = anjungan_survey::service::results::unit_figures(&self.db, unit, &year)
                .await
                .ok()?
                .result;
            let before = survey::unit_tally(&self.db, unit, &year.previous(), None)
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
        })
    }
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

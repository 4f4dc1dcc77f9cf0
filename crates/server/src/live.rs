//! Live evidence for the innovation room, provided from the survey room's own store.

use anjungan_innovation::live::{BoxFuture, Figures, LiveEvidence, SURVEY_UNIT};
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
            let now = survey::unit_tally(&self.db, unit, &year, None)
                .await
                .ok()?
                .compute();
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
) -> anjungan_festival::catalogue::InnovationSummary {
    anjungan_festival::catalogue::InnovationSummary {
        id: i.id,
        name: i.name().to_string(),
        organisation_id: i.org_id,
        organisation: i.org_name.clone(),
        organisation_path: i.org_path.clone(),
        verified: i.status == anjungan_innovation::domain::Status::Verified,
    }
}

impl anjungan_festival::catalogue::Innovations for InnovationCatalogue {
    fn get(
        &self,
        id: i64,
    ) -> anjungan_festival::catalogue::BoxFuture<
        '_,
        Option<anjungan_festival::catalogue::InnovationSummary>,
    > {
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
    ) -> anjungan_festival::catalogue::BoxFuture<
        '_,
        Vec<anjungan_festival::catalogue::InnovationSummary>,
    > {
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
}

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

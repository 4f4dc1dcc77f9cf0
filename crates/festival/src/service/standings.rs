//! The ranking of an edition from its stored reviews, with the shortlists of the phases that
//! have ended applied, and each entry's standing: the domain's rules over the store's rows.

use crate::domain::scoring::{PhaseReviews, Ranked, rank};
use crate::domain::shortlist::{self, Standing};
use crate::store;
use anjungan_kernel::clock::Millis;
use anjungan_kernel::db::Db;
use std::collections::BTreeMap;

pub async fn ranking(
    db: &Db,
    edition_id: i64,
    now: Millis,
) -> anjungan_kernel::Result<(Vec<Ranked>, BTreeMap<i64, Standing>)> {
    let specs = store::rubrics(db, edition_id).await?;
    let reviews = store::reviews(db, edition_id).await?;
    let entries = store::entries(db, edition_id).await?;
    let phase_reviews: Vec<PhaseReviews> = specs
        .iter()
        .map(|s| PhaseReviews {
            spec: s.clone(),
            reviews: reviews
                .iter()
                .filter(|(ph, _, _)| *ph == s.key)
                .map(|(_, r, _)| r.clone())
                .collect(),
        })
        .collect();
    let ranked = rank(
        &entries.iter().map(|(id, _, _)| *id).collect::<Vec<_>>(),
        &phase_reviews,
    )
    .map_err(|e| {
        anjungan_kernel::Error::Internal(anyhow::anyhow!(
            "stored reviews do not fit the rubric: {e}"
        ))
    })?;
    let phases = store::phases(db, edition_id).await?;
    let decided: Vec<&str> = phases
        .iter()
        .filter(|p| p.ends_at <= now)
        .map(|p| p.kind.code())
        .collect();
    let standings = shortlist::standings(&ranked, &specs, &decided);
    Ok((shortlist::apply(ranked, &standings), standings))
}

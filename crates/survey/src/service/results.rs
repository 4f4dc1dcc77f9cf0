//! The published figures of a unit: its index judged against the people served, the respondent
//! groups that may be shown, and a segment's index when its group may be shown.

use crate::domain::disclosure::{Group, Publication};
use crate::domain::{IkmResult, Period, Tally};
use crate::store::{self, Result, Segment, Unit};
use anjungan_kernel::db::Db;
use std::collections::HashMap;

/// A unit's figures for a period.
pub struct UnitFigures {
    pub result: IkmResult,
    pub served: Option<i64>,
    pub publication: Publication,
}

/// A segment's index, or why there is none.
pub enum SegmentFigures {
    Everyone,
    Shown(Group, Box<IkmResult>),
    Withheld(Group),
}

impl SegmentFigures {
    pub fn group(&self) -> Option<&Group> {
        match self {
            SegmentFigures::Everyone => None,
            SegmentFigures::Shown(g, _) | SegmentFigures::Withheld(g) => Some(g),
        }
    }
}

pub async fn unit_figures(db: &Db, org_id: i64, period: &Period) -> Result<UnitFigures> {
    let served = store::served(db, org_id, period).await?;
    let result = store::unit_tally(db, org_id, period, None)
        .await?
        .compute()
        .with_served(served);
    let publication = Publication::of(&store::form_profiles(db, org_id, period).await?);
    Ok(UnitFigures {
        result,
        served,
        publication,
    })
}

/// The segment's index when its group is published; a segment is judged as a group of the
/// unit's figures, so it never reveals what the other figures hide.
pub async fn segment_figures(
    db: &Db,
    org_id: i64,
    period: &Period,
    unit: &UnitFigures,
    group: Option<Group>,
) -> Result<SegmentFigures> {
    let publication = &unit.publication;
    let Some(group) = group else {
        return Ok(SegmentFigures::Everyone);
    };
    if !publication.is_published(&group) {
        return Ok(SegmentFigures::Withheld(group));
    }
    let t = store::segment_tally(db, org_id, period, &Segment::of_group(&group)).await?;
    Ok(SegmentFigures::Shown(
        group,
        Box::new(part_of(&unit.result, &t)),
    ))
}

/// A part of a unit (one service, one respondent group) is graded only when the unit's own
/// sample is adequate and the part has at least [`crate::domain::MIN_SAMPLE`] forms; otherwise
/// it is judged against the unit's sample, and says how far it is.
pub fn part_of(unit: &IkmResult, t: &Tally) -> IkmResult {
    let r = t.compute();
    if unit.sample.adequate() {
        r
    } else {
        r.with_served(unit.sample.served)
    }
}

/// The unit's index per service, each judged as a part of the unit.
pub async fn services(
    db: &Db,
    org_id: i64,
    period: &Period,
    unit: &IkmResult,
) -> Result<Vec<(String, IkmResult)>> {
    Ok(store::tallies_by_service(db, org_id, period)
        .await?
        .into_iter()
        .map(|(service, t)| {
            let r = part_of(unit, &t);
            (service, r)
        })
        .collect())
}

/// Every unit's index for a period, graded against its people served, best first.
pub async fn all_units(db: &Db, period: &Period) -> Result<Vec<(Unit, IkmResult)>> {
    let units = store::units(db).await?;
    let tallies: HashMap<i64, Tally> = store::tallies_by_unit(db, period)
        .await?
        .into_iter()
        .collect();
    let served: HashMap<i64, i64> = store::served_all(db, period).await?.into_iter().collect();
    let mut rows: Vec<(Unit, IkmResult)> = units
        .into_iter()
        .map(|u| {
            let result = tallies
                .get(&u.org_id)
                .copied()
                .unwrap_or_default()
                .compute()
                .with_served(served.get(&u.org_id).copied());
            (u, result)
        })
        .collect();
    rows.sort_by(|a, b| b.1.ikm.cmp(&a.1.ikm).then(a.0.name.cmp(&b.0.name)));
    Ok(rows)
}

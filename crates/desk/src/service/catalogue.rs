//! A unit's catalogue of services: publishing one, importing many, editing one. Each definition
//! is checked against its rules before anything is written, then saved and audited in one
//! transaction; the node's cached definitions are dropped once it commits.

use crate::domain::audit::DeskEvent;
use crate::store::Result;
use crate::store::services::{self, ServiceInput, changed};
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::clock::now_ms;
use anjungan_kernel::db::Conn;

/// Publishes a new service of a unit in its own transaction; returns its id.
pub async fn create(db: &Db, actor: &Actor, org_id: i64, s: &ServiceInput) -> Result<i64> {
    let mut tx = db.begin_write().await?;
    let id = insert(&mut tx, actor, org_id, s).await?;
    tx.commit().await?;
    Ok(id)
}

/// Publishes a new service inside the caller's transaction.
pub async fn insert(conn: &mut Conn, actor: &Actor, org_id: i64, s: &ServiceInput) -> Result<i64> {
    s.validate()?;
    let id = services::insert_row(conn, org_id, s, now_ms()).await?;
    let event = DeskEvent::ServiceCreated {
        id,
        code: &s.code,
        org: org_id,
    };
    audit::store::write(conn, actor, &event).await?;
    changed();
    Ok(id)
}

/// Publishes many services at once (a catalogue import): every one is checked first, and the
/// import is one audit entry listing the codes per unit.
pub async fn insert_many(
    conn: &mut Conn,
    actor: &Actor,
    items: &[(i64, ServiceInput)],
) -> Result<usize> {
    for (_, s) in items {
        s.validate()?;
    }
    services::insert_rows(conn, items, now_ms()).await?;
    let mut by_org: std::collections::BTreeMap<i64, Vec<&str>> = Default::default();
    for (org_id, s) in items {
        by_org.entry(*org_id).or_default().push(&s.code);
    }
    let event = DeskEvent::ServicesImported {
        count: items.len(),
        codes: &by_org,
    };
    audit::store::write(conn, actor, &event).await?;
    changed();
    Ok(items.len())
}

/// Edits a service's definition (its code and unit stay).
pub async fn update(db: &Db, actor: &Actor, id: i64, s: &ServiceInput) -> Result<()> {
    s.validate()?;
    let mut tx = db.begin_write().await?;
    if !services::update_row(&mut tx, id, s, now_ms()).await? {
        return Err(anjungan_kernel::Error::NotFound.into());
    }
    let event = DeskEvent::ServiceUpdated {
        id,
        days: s.days,
        cost: s.cost,
        active: s.active,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    changed();
    Ok(())
}

/// How far back a service's measured figures reach.
pub const FIGURES_DAYS: i64 = 365;

/// A service's SLA figures over the last [`FIGURES_DAYS`] days, as the unit's desk shows them:
/// what the platform measured, not what anyone claims. `None` for an unknown service.
pub async fn service_figures(
    db: &Db,
    service_id: i64,
) -> Result<Option<(services::Service, crate::domain::sla::Figures)>> {
    let Some(service) = services::get(db, service_id).await? else {
        return Ok(None);
    };
    let cal = crate::store::calendar(db).await?;
    let since = now_ms() - FIGURES_DAYS * anjungan_kernel::clock::DAY;
    let samples: Vec<_> =
        crate::store::requests::samples(db, Some(service.org_id), Some(service.id), since)
            .await?
            .into_iter()
            .map(|(_, s)| s)
            .collect();
    let figures = crate::domain::sla::figures(&cal, crate::store::today(), &samples);
    Ok(Some((service, figures)))
}

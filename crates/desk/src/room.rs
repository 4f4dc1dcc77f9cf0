//! Petung Dadi, the single-window service desk as the platform installs it: one value with everything the room brings.

use anjungan_kernel::crypto::Keys;
use anjungan_kernel::db::Db;
use anjungan_kernel::i18n::Lang;
use anjungan_kernel::identity::domain::{Grant, Role};
use anjungan_kernel::room::StartFuture;
use anjungan_kernel::room::{Job, Link, Programme, Room, Stop};
use anjungan_kernel::web::AppState;

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

pub static ROOM: Room = Room {
    name: "desk",
    routes: crate::web::routes,
    sqlite_migrations: &SQLITE,
    postgres_migrations: &POSTGRES,
    locales: &[
        (Lang::Id, include_str!("../locales/id.toml")),
        (Lang::En, include_str!("../locales/en.toml")),
    ],
    assets: &[],
    programme: Some(Programme {
        key: "desk",
        href: "/layanan",
        order: 2,
    }),
    dashboard,
    on_start: Some(on_start),
    layers,
    jobs,
    demo: Some(crate::demo::load),
};

/// The durable submission queue and the service-definition cache, one each per state.
fn layers(router: axum::Router<AppState>, state: &AppState) -> axum::Router<AppState> {
    let queue = state
        .shared(|| crate::service::requests::submit_queue(state.db.clone(), state.keys.clone()));
    let services = state.shared(crate::store::services::ServiceCache::default);
    router
        .layer(axum::Extension(queue))
        .layer(axum::Extension(services))
}

/// SLA reminders to the unit, every ten minutes.
fn jobs(state: &AppState, mut stop: Stop) -> Vec<Job> {
    let state = state.clone();
    vec![tokio::spawn(async move {
        loop {
            match crate::service::requests::send_reminders(
                &state.db,
                &state.keys,
                &state.config.base_url,
            )
            .await
            {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(requests = n, "SLA reminders queued");
                    state.outbox_wake.notify_one();
                }
                Err(e) => tracing::warn!(error = %e, "SLA reminders failed"),
            }
            tokio::select! {
                _ = tokio::time::sleep(std::time::Duration::from_secs(600)) => {}
                _ = stop.changed() => return,
            }
        }
    })]
}

/// What a grant opens in this room, on the signed-in person's dashboard.
fn dashboard(g: &Grant) -> Vec<Link> {
    match g.role {
        Role::Admin => vec![("dash.desk_admin", "/layanan/admin".to_string())],
        Role::UnitHead | Role::UnitOperator if g.org.is_some() => {
            vec![("dash.desk", "/layanan/kelola".to_string())]
        }
        Role::Citizen => vec![("dash.desk_mine", "/layanan/saya".to_string())],
        _ => Vec::new(),
    }
}

/// Seals register rows an earlier version kept partly in clear, indexes the contacts of requests
/// filed before they were indexed, and enters the fixed national
/// holidays around this year (moveable ones and collective leave are entered by an admin).
fn on_start<'a>(db: &'a Db, keys: &'a Keys) -> StartFuture<'a> {
    Box::pin(async move {
        let kernel = |e: crate::store::StoreError| match e {
            crate::store::StoreError::Kernel(k) => k,
            crate::store::StoreError::Desk(d) => {
                anjungan_kernel::Error::Internal(anyhow::anyhow!("{d}"))
            }
        };
        let sealed = crate::store::residents::seal_stored(db, keys)
            .await
            .map_err(kernel)?;
        let indexed = crate::store::requests::index_contacts(db, keys)
            .await
            .map_err(kernel)?;
        let year = crate::store::today().year();
        crate::store::admin::seed_fixed_holidays(db, &[year - 1, year, year + 1])
            .await
            .map_err(kernel)?;
        Ok(sealed + indexed)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_languages_have_the_same_keys() {
        let (id, en) = (super::ROOM.locales[0].1, super::ROOM.locales[1].1);
        assert_eq!(anjungan_kernel::i18n::same_keys(id, en), Ok(()));
    }
}

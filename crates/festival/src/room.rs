//! The Trenggalek Innovation Festival as the platform installs it: one value with everything the room brings.

use anjungan_kernel::i18n::Lang;
use anjungan_kernel::identity::domain::{Grant, Role};
use anjungan_kernel::room::{Link, Programme, Room};
use anjungan_kernel::web::AppState;

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

pub static ROOM: Room = Room {
    name: "festival",
    routes: crate::web::routes,
    sqlite_migrations: &SQLITE,
    postgres_migrations: &POSTGRES,
    locales: &[
        (Lang::Id, include_str!("../locales/id.toml")),
        (Lang::En, include_str!("../locales/en.toml")),
    ],
    assets: &[],
    programme: Some(Programme {
        key: "festival",
        href: "/festival",
        order: 1,
    }),
    dashboard,
    on_start: None,
    layers,
    jobs: anjungan_kernel::room::no_jobs,
    demo: Some(crate::demo::load),
};

/// The public vote's group-commit queue, one per state.
fn layers(router: axum::Router<AppState>, state: &AppState) -> axum::Router<AppState> {
    let votes = state.shared(|| {
        crate::service::vote_queue::VoteQueue::new(state.db.clone(), state.keys.clone())
    });
    router.layer(axum::Extension(votes))
}

/// What a grant opens in this room, on the signed-in person's dashboard.
fn dashboard(g: &Grant) -> Vec<Link> {
    match g.role {
        Role::UnitHead | Role::UnitOperator if g.org.is_some() => {
            vec![("dash.festival", "/festival".to_string())]
        }
        Role::Coordinator | Role::Jury => vec![("dash.festival", "/festival".to_string())],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_languages_have_the_same_keys() {
        let (id, en) = (super::ROOM.locales[0].1, super::ROOM.locales[1].1);
        assert_eq!(anjungan_kernel::i18n::same_keys(id, en), Ok(()));
    }
}

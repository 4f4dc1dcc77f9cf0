//! Cilen, online stories as the platform installs it: one value with everything the room brings.

use anjungan_kernel::i18n::Lang;
use anjungan_kernel::identity::domain::{Grant, Role};
use anjungan_kernel::room::{Link, Programme, Room};
use anjungan_kernel::web::AppState;

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

pub static ROOM: Room = Room {
    name: "stories",
    routes: crate::web::routes,
    sqlite_migrations: &SQLITE,
    postgres_migrations: &POSTGRES,
    locales: &[
        (Lang::Id, include_str!("../locales/id.toml")),
        (Lang::En, include_str!("../locales/en.toml")),
    ],
    assets: &[],
    programme: Some(Programme {
        key: "stories",
        href: "/cerita",
        order: 4,
    }),
    dashboard,
    on_start: None,
    layers,
    jobs: anjungan_kernel::room::no_jobs,
    demo: Some(crate::demo::load),
};

/// Reads are counted in memory and written every two seconds (the flusher ends with the counter).
fn layers(router: axum::Router<AppState>, state: &AppState) -> axum::Router<AppState> {
    use crate::store::reads::{ReadCounter, spawn_flusher};
    let reads = state.shared(|| {
        let reads = std::sync::Arc::new(ReadCounter::default());
        spawn_flusher(&reads, state.db.clone(), std::time::Duration::from_secs(2));
        reads
    });
    router.layer(axum::Extension(reads))
}

/// What a grant opens in this room, on the signed-in person's dashboard.
fn dashboard(g: &Grant) -> Vec<Link> {
    match g.role {
        Role::Citizen => vec![("dash.stories_shelf", "/cerita/rak".to_string())],
        Role::Librarian => vec![
            ("dash.stories_review", "/cerita/kelola".to_string()),
            ("dash.stories_write", "/cerita/tulis".to_string()),
        ],
        Role::Author => vec![
            ("dash.stories_write", "/cerita/tulis".to_string()),
            ("dash.stories_shelf", "/cerita/rak".to_string()),
        ],
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

//! The innovation registry (its home-page card is the festival's) as the platform installs it: one value with everything the room brings.

use anjungan_kernel::i18n::Lang;
use anjungan_kernel::identity::domain::{Grant, Role};
use anjungan_kernel::room::{Link, Room};

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

pub static ROOM: Room = Room {
    name: "innovation",
    routes: crate::web::routes,
    sqlite_migrations: &SQLITE,
    postgres_migrations: &POSTGRES,
    locales: &[
        (Lang::Id, include_str!("../locales/id.toml")),
        (Lang::En, include_str!("../locales/en.toml")),
    ],
    assets: &[],
    programme: None,
    dashboard,
    on_start: None,
    layers: anjungan_kernel::room::no_layers,
    jobs: anjungan_kernel::room::no_jobs,
    demo: Some(crate::demo::load),
};

/// What a grant opens in this room, on the signed-in person's dashboard.
fn dashboard(g: &Grant) -> Vec<Link> {
    match g.role {
        Role::UnitHead | Role::UnitOperator if g.org.is_some() => {
            vec![("dash.innovations", "/inovasi/kelola".to_string())]
        }
        Role::Coordinator => vec![
            ("dash.innovations", "/inovasi/kelola".to_string()),
            ("dash.iid", "/inovasi/indeks".to_string()),
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

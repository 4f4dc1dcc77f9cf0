//! The survey room (SKM/IKM) as the platform installs it: one value with everything the room brings.

use anjungan_kernel::i18n::Lang;
use anjungan_kernel::identity::domain::{Grant, Role};
use anjungan_kernel::room::{Asset, Link, Programme, Room};

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

pub static ROOM: Room = Room {
    name: "survey",
    routes: crate::web::routes,
    sqlite_migrations: &SQLITE,
    postgres_migrations: &POSTGRES,
    locales: &[
        (Lang::Id, include_str!("../locales/id.toml")),
        (Lang::En, include_str!("../locales/en.toml")),
    ],
    assets: &[Asset {
        name: "kiosk.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../static/kiosk.js"),
    }],
    programme: Some(Programme {
        key: "survey",
        href: "/ikm",
        order: 3,
    }),
    dashboard,
    on_start: None,
    layers: anjungan_kernel::room::no_layers,
    jobs: anjungan_kernel::room::no_jobs,
    demo: Some(crate::demo::load),
};

/// What a grant opens in this room, on the signed-in person's dashboard.
fn dashboard(g: &Grant) -> Vec<Link> {
    match g.role {
        Role::UnitHead | Role::UnitOperator => g
            .org
            .as_ref()
            .map(|o| vec![("dash.survey", format!("/ikm/kelola/{}", o.id))])
            .unwrap_or_default(),
        Role::Coordinator => vec![("dash.survey", "/ikm/kelola".to_string())],
        Role::Citizen => vec![("dash.survey_public", "/ikm".to_string())],
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

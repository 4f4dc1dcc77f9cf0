//! Lion, the online fish auction as the platform installs it: one value with everything the room brings.

use anjungan_kernel::i18n::Lang;
use anjungan_kernel::identity::domain::{Grant, Role};
use anjungan_kernel::room::{Asset, Link, Programme, Room};

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

pub static ROOM: Room = Room {
    name: "auction",
    routes: crate::web::routes,
    sqlite_migrations: &SQLITE,
    postgres_migrations: &POSTGRES,
    locales: &[
        (Lang::Id, include_str!("../locales/id.toml")),
        (Lang::En, include_str!("../locales/en.toml")),
    ],
    assets: &[Asset {
        name: "lelang.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../static/lelang.js"),
    }],
    programme: Some(Programme {
        key: "auction",
        href: "/lelang",
        order: 5,
    }),
    dashboard,
    on_start: None,
};

/// What a grant opens in this room, on the signed-in person's dashboard.
fn dashboard(g: &Grant) -> Vec<Link> {
    match g.role {
        Role::Admin => vec![(
            "dash.auction_settings",
            "/lelang/kelola/pelabuhan".to_string(),
        )],
        Role::Auctioneer => vec![
            ("dash.auction_console", "/lelang/kelola".to_string()),
            ("dash.auction", "/lelang".to_string()),
        ],
        Role::Cashier => vec![
            ("dash.auction_cashier", "/lelang/kelola/kasir".to_string()),
            ("dash.auction_console", "/lelang/kelola".to_string()),
        ],
        Role::Buyer => vec![
            ("dash.auction", "/lelang".to_string()),
            ("dash.auction_mine", "/lelang/saya".to_string()),
            ("dash.auction_register", "/lelang/daftar".to_string()),
        ],
        Role::Fisher => vec![("dash.auction", "/lelang".to_string())],
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

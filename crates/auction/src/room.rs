//! Lion, the online fish auction as the platform installs it: one value with everything the room brings.

use anjungan_kernel::i18n::Lang;
use anjungan_kernel::identity::domain::{Grant, Role};
use anjungan_kernel::room::{Asset, Job, Link, Programme, Room, Stop};
use anjungan_kernel::web::AppState;

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
    layers,
    jobs,
    demo: Some(crate::demo::load),
};

/// The hall of live sessions, one per state; on PostgreSQL it listens for other nodes' bids.
fn hall(state: &AppState) -> crate::service::runtime::SharedHall {
    state.shared(|| {
        let hall = crate::service::runtime::Hall::new(state.db.clone());
        hall.listen(state.config.effective_database_url());
        hall
    })
}

fn layers(router: axum::Router<AppState>, state: &AppState) -> axum::Router<AppState> {
    router.layer(axum::Extension(hall(state)))
}

/// Sessions left open by the previous run continue: their lots still close on time.
fn jobs(state: &AppState, _stop: Stop) -> Vec<Job> {
    let hall = hall(state);
    vec![tokio::spawn(async move {
        match hall.resume_open().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(sessions = n, "auction sessions resumed"),
            Err(e) => tracing::error!(error = %e, "resuming auction sessions failed"),
        }
    })]
}

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

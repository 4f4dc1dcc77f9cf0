//! Petung Dadi, the single-window service desk as the platform installs it: one value with everything the room brings.

use anjungan_kernel::crypto::Keys;
use anjungan_kernel::db::Db;
use anjungan_kernel::i18n::Lang;
use anjungan_kernel::identity::domain::{Grant, Role};
use anjungan_kernel::room::StartFuture;
use anjungan_kernel::room::{Link, Programme, Room};

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
};

/// What a grant opens in this room, on the signed-in person's dashboard.
fn dashboard(g: &Grant) -> Vec<Link> {
    match g.role {
        Role::Admin => vec![("dash.desk_admin", "/layanan/admin".to_string())],
        Role::UnitHead | Role::UnitOperator if g.org.is_some() => {
            vec![("dash.desk", "/layanan/kelola".to_string())]
        }
        _ => Vec::new(),
    }
}

/// Seals register rows an earlier version kept partly in clear.
fn on_start<'a>(db: &'a Db, keys: &'a Keys) -> StartFuture<'a> {
    Box::pin(async move {
        crate::store::residents::seal_stored(db, keys)
            .await
            .map_err(|e| match e {
                crate::store::StoreError::Kernel(k) => k,
                crate::store::StoreError::Desk(d) => {
                    anjungan_kernel::Error::Internal(anyhow::anyhow!("{d}"))
                }
            })
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

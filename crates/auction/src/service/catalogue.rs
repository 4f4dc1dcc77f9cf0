//! A port's catalogue as use cases: saving a port with its levy, a buyer registering and the port
//! verifying them. Each checks its rule (`domain::catalogue`), saves and audits in one
//! transaction.

use crate::domain::AuctionError;
use crate::domain::audit::AuctionEvent;
use crate::domain::catalogue::{
    boat_size, buyer_name, min_buyers, parse_asfis, port_code, port_names, verify_buyer,
};
use crate::store::Result;
use crate::store::catalogue::{self, NewBuyer, PortInput, PortRow};
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::clock::now_ms;
use anjungan_kernel::crypto::Keys;

/// Creates a port, or updates the one with the same code.
pub async fn upsert_port(db: &Db, actor: &Actor, p: &PortInput<'_>) -> Result<i64> {
    let code = port_code(p.code)?;
    let (name, place) = port_names(p.name, p.place)?;
    let min_buyers = min_buyers(p.min_buyers)?;
    p.levy
        .validate()
        .map_err(|_| AuctionError::BadRules("levy"))?;
    let levy_json = anjungan_kernel::db::json_text(p.levy)?;
    let row = PortRow {
        code: &code,
        name,
        place,
        org_id: p.org_id,
        levy_json: &levy_json,
        min_buyers,
    };
    let mut tx = db.begin_write().await?;
    let id = match catalogue::port_id(&mut tx, &code).await? {
        Some(id) => {
            catalogue::update_port(&mut tx, id, &row).await?;
            id
        }
        None => catalogue::insert_port(&mut tx, &row, now_ms()).await?,
    };
    let event = AuctionEvent::PortSaved {
        id,
        code: &code,
        levy: p.levy,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(id)
}

/// A buyer registers at a port and waits for the port to verify them.
pub async fn register_buyer(db: &Db, keys: &Keys, actor: &Actor, b: &NewBuyer<'_>) -> Result<i64> {
    let checked = NewBuyer {
        name: buyer_name(b.name)?,
        business: b.business.trim(),
        ..*b
    };
    let phone = b.phone.map(|p| keys.seal(p));
    let mut tx = db.begin_write().await?;
    let id = catalogue::insert_buyer(&mut tx, &checked, phone, now_ms()).await?;
    let event = AuctionEvent::BuyerRegistered {
        id,
        port: b.port_id,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(id)
}

/// The port verifies a buyer: identity checked, deposit lodged, credit set.
pub async fn verify(
    db: &Db,
    actor: &Actor,
    buyer_id: i64,
    identity_checked: bool,
    deposit: i64,
    credit_limit: i64,
) -> Result<()> {
    verify_buyer(identity_checked, deposit, credit_limit)?;
    let mut tx = db.begin_write().await?;
    let now = now_ms();
    let found =
        catalogue::set_verified(&mut tx, buyer_id, deposit, credit_limit, actor.user_id, now)
            .await?;
    if !found {
        return Err(AuctionError::NotFound.into());
    }
    let event = AuctionEvent::BuyerVerified {
        id: buyer_id,
        deposit,
        credit_limit,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// A species by its FAO ASFIS code, added if the port has not seen it yet; returns its id.
pub async fn add_species(
    db: &Db,
    code: &str,
    local: &str,
    english: &str,
    scientific: &str,
) -> Result<i64> {
    let code = parse_asfis(code)?;
    catalogue::upsert_species(db, &code, local, english, scientific).await
}

/// A fisher of the port (their phone sealed).
pub async fn add_fisher(
    db: &Db,
    keys: &Keys,
    port_id: i64,
    name: &str,
    phone: Option<&str>,
    user_id: Option<i64>,
) -> Result<i64> {
    let name = buyer_name(name)?;
    catalogue::add_fisher(db, keys, port_id, name, phone, user_id).await
}

/// A fisher's boat, with its gross tonnage in tenths.
pub async fn add_boat(db: &Db, fisher_id: i64, name: &str, gt_tenths: i64) -> Result<i64> {
    let gt_tenths = boat_size(gt_tenths)?;
    catalogue::add_boat(db, fisher_id, name, gt_tenths).await
}

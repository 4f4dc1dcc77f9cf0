//! A lot as the port handles it before the hall: registered at landing, photographed. Each
//! checks its rule, saves and audits in one transaction.

use crate::domain::AuctionError;
use crate::domain::audit::AuctionEvent;
use crate::domain::catalogue::{LotInput, with_photo};
use crate::store::Result;
use crate::store::lots;
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::clock::now_ms;

/// Registers a landed lot. Its fisher (and boat) must belong to the port.
pub async fn register(db: &Db, actor: &Actor, port_id: i64, lot: &LotInput) -> Result<i64> {
    lot.validate()?;
    let mut tx = db.begin_write().await?;
    if lots::fisher_port(&mut tx, lot.fisher_id).await? != Some(port_id) {
        return Err(AuctionError::NoOwner.into());
    }
    if let Some(boat) = lot.boat_id
        && lots::boat_owner(&mut tx, boat).await? != Some(lot.fisher_id)
    {
        return Err(AuctionError::NoOwner.into());
    }
    if !lots::species_exists(&mut tx, lot.species_id).await? {
        return Err(AuctionError::BadSpecies.into());
    }
    let id = lots::insert(&mut tx, port_id, lot, actor.user_id, now_ms()).await?;
    let event = AuctionEvent::LotRegistered {
        id,
        grams: lot.grams,
        species: lot.species_id,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(id)
}

/// Adds a stored image to a lot's photos, until it is sold.
/// A photo shown on the public session page becomes a public file; only an image that the actor
/// uploaded (or one already public) can be used, so no private file is published by its digest.
pub async fn add_photo(db: &Db, actor: &Actor, lot_id: i64, sha256: &str) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let mime = anjungan_kernel::files::store::publish(&mut tx, actor.user_id, sha256).await?;
    if !mime.is_some_and(|m| m.starts_with("image/")) {
        return Err(AuctionError::BadPhoto.into());
    }
    let (photos, state) = lots::photos(&mut tx, lot_id)
        .await?
        .ok_or(AuctionError::NotFound)?;
    let Some(photos) = with_photo(&photos, &state, sha256)? else {
        return Ok(());
    };
    lots::set_photos(&mut tx, lot_id, &photos, now_ms()).await?;
    let event = AuctionEvent::LotPhotoAdded { id: lot_id, sha256 };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(())
}

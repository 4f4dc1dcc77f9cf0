//! A village or ward imports its resident register: each row is sealed, matched by its NIK's
//! blind index, added or updated, and the import audited, in one transaction.

use crate::domain::audit::DeskEvent;
use crate::domain::register::Resident;
use crate::store::residents::{self, SealedResident, nik_index};
use crate::store::{Result, iso};
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::crypto::Keys;

/// Replaces or adds the file's residents (matched by NIK). Returns (added, updated).
pub async fn import(
    db: &Db,
    keys: &Keys,
    actor: &Actor,
    org_id: i64,
    rows: &[Resident],
) -> Result<(u64, u64)> {
    let now = anjungan_kernel::clock::now_ms();
    let mut tx = db.begin_write().await?;
    let (mut added, mut updated) = (0u64, 0u64);
    for r in rows {
        let seal = |v: &str| keys.seal(v);
        let sealed = SealedResident {
            nik: seal(r.nik.as_str()),
            kk: seal(r.kk.as_str()),
            name: seal(&r.name),
            birth_place: seal(&r.birth_place),
            birth_date: seal(&iso(r.birth_date)),
            sex: seal(r.sex.code()),
            address: seal(&r.address),
            rt: seal(&r.rt),
            rw: seal(&r.rw),
            hamlet: seal(&r.hamlet),
        };
        if residents::save(&mut tx, org_id, &nik_index(keys, &r.nik), &sealed, now).await? {
            added += 1;
        } else {
            updated += 1;
        }
    }
    let event = DeskEvent::ResidentsImported {
        org: org_id,
        added,
        updated,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok((added, updated))
}

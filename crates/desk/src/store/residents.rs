//! Resident registers, one per village or ward. Every identifying column is sealed (NIK, KK,
//! name, birth place and date, sex, address, RT/RW, hamlet: together they identify a person,
//! UU PDP 27/2022); the NIK's blind index finds a resident without decrypting the register.

use super::{Result, parse_iso};
use crate::domain::nik::{Nik, Sex, mask16};
use anjungan_kernel::Db;
use anjungan_kernel::crypto::Keys;
use anjungan_kernel::db::Conn;
use sqlx::Row;

pub(crate) fn nik_index(keys: &Keys, nik: &Nik) -> String {
    keys.blind_index("nik", nik.as_str())
}

/// A resident's register columns, each sealed.
pub struct SealedResident {
    pub nik: String,
    pub kk: String,
    pub name: String,
    pub birth_place: String,
    pub birth_date: String,
    pub sex: String,
    pub address: String,
    pub rt: String,
    pub rw: String,
    pub hamlet: String,
}

/// Updates the unit's entry with this NIK index, or adds it; true when it was added.
pub async fn save(
    conn: &mut Conn,
    org_id: i64,
    index: &str,
    r: &SealedResident,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE desk_residents SET kk = $1, name = $2, birth_place = $3, birth_date = $4, sex = $5, address = $6, \
         rt = $7, rw = $8, hamlet = $9, updated_at = $10, sealed = 1 WHERE org_id = $11 AND nik_index = $12",
    )
    .bind(&r.kk)
    .bind(&r.name)
    .bind(&r.birth_place)
    .bind(&r.birth_date)
    .bind(&r.sex)
    .bind(&r.address)
    .bind(&r.rt)
    .bind(&r.rw)
    .bind(&r.hamlet)
    .bind(now)
    .bind(org_id)
    .bind(index)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if done > 0 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO desk_residents (org_id, nik_index, nik, kk, name, birth_place, birth_date, sex, address, rt, rw, hamlet, updated_at, sealed) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1)",
    )
    .bind(org_id)
    .bind(index)
    .bind(&r.nik)
    .bind(&r.kk)
    .bind(&r.name)
    .bind(&r.birth_place)
    .bind(&r.birth_date)
    .bind(&r.sex)
    .bind(&r.address)
    .bind(&r.rt)
    .bind(&r.rw)
    .bind(&r.hamlet)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

/// A register entry opened for the unit's staff; `nik` stays masked unless asked for.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = desk::RegisterEntry)]
pub struct RegisterEntry {
    pub id: i64,
    pub nik_masked: String,
    #[serde(skip)]
    pub nik: String,
    #[serde(skip)]
    pub kk: String,
    pub name: String,
    pub birth_place: String,
    pub birth_date: String,
    pub sex: String,
    #[serde(skip)]
    pub address: String,
    pub rt: String,
    pub rw: String,
    pub hamlet: String,
}

impl RegisterEntry {
    pub fn birth(&self) -> Option<time::Date> {
        parse_iso(&self.birth_date)
    }
    pub fn sex(&self) -> Option<Sex> {
        Sex::parse(&self.sex)
    }
}

fn entry(keys: &Keys, r: &sqlx::any::AnyRow) -> Result<RegisterEntry> {
    let open = |c: &str| -> Result<String> {
        let sealed: String = r.try_get(c)?;
        keys.open(&sealed).map_err(|_| {
            anjungan_kernel::Error::Internal(anyhow::anyhow!(
                "a register column cannot be opened with this key"
            ))
            .into()
        })
    };
    let nik = open("nik")?;
    Ok(RegisterEntry {
        id: r.try_get("id")?,
        nik_masked: mask16(&nik),
        nik,
        kk: open("kk")?,
        name: open("name")?,
        birth_place: open("birth_place")?,
        birth_date: open("birth_date")?,
        sex: open("sex")?,
        address: open("address")?,
        rt: open("rt")?,
        rw: open("rw")?,
        hamlet: open("hamlet")?,
    })
}

/// Seals the register rows an earlier version kept partly in clear; runs at every start (a
/// cheap query once done). Returns how many rows were sealed.
pub async fn seal_stored(db: &Db, keys: &Keys) -> Result<usize> {
    let rows = sqlx::query(
        "SELECT id, name, birth_place, birth_date, sex, rt, rw, hamlet FROM desk_residents WHERE sealed = 0",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut tx = db.begin_write().await?;
    for r in &rows {
        let clear = |c: &str| -> Result<String> { Ok(keys.seal(&r.try_get::<String, _>(c)?)) };
        sqlx::query(
            "UPDATE desk_residents SET name = $2, birth_place = $3, birth_date = $4, sex = $5, rt = $6, rw = $7, hamlet = $8, sealed = 1 \
             WHERE id = $1 AND sealed = 0",
        )
        .bind(r.try_get::<i64, _>("id")?)
        .bind(clear("name")?)
        .bind(clear("birth_place")?)
        .bind(clear("birth_date")?)
        .bind(clear("sex")?)
        .bind(clear("rt")?)
        .bind(clear("rw")?)
        .bind(clear("hamlet")?)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(rows.len())
}

pub async fn find(db: &Db, keys: &Keys, org_id: i64, nik: &Nik) -> Result<Option<RegisterEntry>> {
    let row = sqlx::query("SELECT * FROM desk_residents WHERE org_id = $1 AND nik_index = $2")
        .bind(org_id)
        .bind(nik_index(keys, nik))
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(|r| entry(keys, r)).transpose()
}

/// Only the register entry's id, for matching a request (nothing decrypted).
pub async fn find_id(db: &Db, keys: &Keys, org_id: i64, nik: &Nik) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM desk_residents WHERE org_id = $1 AND nik_index = $2")
            .bind(org_id)
            .bind(nik_index(keys, nik))
            .fetch_optional(&db.pool)
            .await?,
    )
}

pub async fn get(db: &Db, keys: &Keys, id: i64) -> Result<Option<RegisterEntry>> {
    let row = sqlx::query("SELECT * FROM desk_residents WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(|r| entry(keys, r)).transpose()
}

pub async fn count(db: &Db, org_id: i64) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM desk_residents WHERE org_id = $1")
            .bind(org_id)
            .fetch_one(&db.pool)
            .await?,
    )
}

/// A page of the register by name, for the unit's staff. Names are sealed, so the unit's
/// register is opened and sorted here (a village's register is a few thousand rows).
pub async fn page(
    db: &Db,
    keys: &Keys,
    org_id: i64,
    offset: i64,
    limit: i64,
) -> Result<Vec<RegisterEntry>> {
    let rows = sqlx::query("SELECT * FROM desk_residents WHERE org_id = $1")
        .bind(org_id)
        .fetch_all(&db.pool)
        .await?;
    let mut all = rows
        .iter()
        .map(|r| entry(keys, r))
        .collect::<Result<Vec<_>>>()?;
    all.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.id.cmp(&b.id))
    });
    Ok(all
        .into_iter()
        .skip(offset.max(0) as usize)
        .take(limit.max(0) as usize)
        .collect())
}

//! Signed documents anyone can check with standard tools: the regency's certificate authority,
//! the signers it certifies, and PAdES signatures inside the PDFs they sign.
//!
//! Rooms sign through [`DocumentSigner`], which they get from [`signer`] or [`seal`]: today a
//! key kept here, sealed at rest; a certified provider over HTTP (BSrE or another PSrE) would be
//! another implementation returned by the same functions, and no room would change.

pub mod domain;
pub mod pades;
pub mod store;
pub mod web;

use crate::crypto::Keys;
use crate::db::Db;
use crate::error::{Error, Result};
pub use domain::{Key, PkiError, Subject};
pub use pades::{PadesError, SignatureMeta, Verified};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
pub use store::SignerRecord;
use x509_cert::Certificate;

/// A signing in progress; it resolves to the signed PDF.
pub type Signing<'a> = Pin<Box<dyn Future<Output = Result<Vec<u8>, PadesError>> + Send + 'a>>;

/// Anything that puts a PAdES signature into a PDF: a local key or a remote signing service.
pub trait DocumentSigner: Send + Sync {
    fn sign_pdf<'a>(&'a self, pdf: &'a [u8], meta: &'a SignatureMeta) -> Signing<'a>;
    /// The certificate it signs with, as recorded beside what it signed.
    fn certificate(&self) -> &SignerRecord;
}

/// A key kept here with its certificate chain (signer first, then the authority).
pub struct LocalSigner {
    key: Key,
    chain: Vec<Certificate>,
    record: SignerRecord,
}

impl DocumentSigner for LocalSigner {
    fn sign_pdf<'a>(&'a self, pdf: &'a [u8], meta: &'a SignatureMeta) -> Signing<'a> {
        Box::pin(async move { pades::sign_with(pdf, meta, &self.key, &self.chain) })
    }

    fn certificate(&self) -> &SignerRecord {
        &self.record
    }
}

/// Who holds a signer: a person for one organisation (a unit head), or a seal for a purpose.
#[derive(Debug, Clone, Copy)]
pub enum Holder<'a> {
    Person { user_id: i64, org_id: i64 },
    Seal(&'a str),
}

impl Holder<'_> {
    fn key(&self) -> String {
        match self {
            Holder::Person { user_id, org_id } => format!("person:{user_id}:{org_id}"),
            Holder::Seal(purpose) => format!("seal:{purpose}"),
        }
    }
}

fn internal(e: impl std::fmt::Display) -> Error {
    Error::Internal(anyhow::anyhow!("{e}"))
}

/// The organisation named in certificates: the regency's government.
async fn organisation(db: &Db) -> Result<String> {
    Ok(match crate::orgs::store::regency(db).await? {
        Some(r) => format!("Pemerintah {}", r.name),
        None => "Anjungan".to_string(),
    })
}

/// The active authority's key and certificate, made on first need.
pub async fn authority(db: &Db, keys: &Keys) -> Result<(i64, Key, Certificate)> {
    if let Some(row) = store::active_authority(db).await? {
        let secret = keys.open(&row.sealed_secret).map_err(internal)?;
        let key = Key::from_secret_hex(&secret).map_err(internal)?;
        let cert = domain::from_pem(&row.certificate).map_err(internal)?;
        return Ok((row.id, key, cert));
    }
    rotate_authority(db, keys).await?;
    Box::pin(authority(db, keys)).await
}

/// A new authority key and certificate; the old certificates stay published, so what their
/// signers signed still validates.
pub async fn rotate_authority(db: &Db, keys: &Keys) -> Result<()> {
    let org = organisation(db).await?;
    let subject = Subject {
        common_name: format!("Otoritas Sertifikat Elektronik {org}"),
        organisation: org,
        unit: String::new(),
    };
    let key = Key::generate();
    let now = crate::clock::now_ms();
    let cert = domain::issue_authority(&key, &subject, now).map_err(internal)?;
    let pem = domain::to_pem(&cert).map_err(internal)?;
    let mut tx = db.begin_private_write().await?;
    store::retire_authorities(&mut tx, now).await?;
    store::insert_authority(
        &mut tx,
        &domain::subject_text(&cert),
        &pem,
        &keys.seal(&key.secret_hex()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The published chain: every authority certificate, PEM, the active one first.
pub async fn chain_pem(db: &Db, keys: &Keys) -> Result<String> {
    authority(db, keys).await?;
    Ok(store::authority_certificates(db).await?.concat())
}

/// Issues a new key and certificate for `holder` (retiring the current one; what it signed
/// still validates).
pub async fn issue(
    db: &Db,
    keys: &Keys,
    holder: Holder<'_>,
    common_name: &str,
    unit: &str,
) -> Result<SignerRecord> {
    let (authority_id, ca_key, ca) = authority(db, keys).await?;
    let subject = Subject {
        common_name: common_name.to_string(),
        organisation: organisation(db).await?,
        unit: unit.to_string(),
    };
    let key = Key::generate();
    let now = crate::clock::now_ms();
    let cert = domain::issue_signer(&ca_key, &ca, &key, &subject, now).map_err(internal)?;
    let pem = domain::to_pem(&cert).map_err(internal)?;
    let fingerprint = domain::fingerprint(&cert);
    let subject_text = domain::subject_text(&cert);
    let mut tx = db.begin_private_write().await?;
    let id = store::replace_signer(
        &mut tx,
        &store::NewSigner {
            holder: &holder.key(),
            authority_id,
            subject: &subject_text,
            fingerprint: &fingerprint,
            certificate: &pem,
            sealed_secret: &keys.seal(&key.secret_hex()),
            now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(SignerRecord {
        id,
        subject: subject_text,
        fingerprint,
        certificate: pem,
        created_at: now,
        retired_at: None,
    })
}

/// The holder's current signer, if it has one.
pub async fn signer(
    db: &Db,
    keys: &Keys,
    holder: Holder<'_>,
) -> Result<Option<Arc<dyn DocumentSigner>>> {
    let Some((record, sealed)) = store::active_signer(db, &holder.key()).await? else {
        return Ok(None);
    };
    let secret = keys.open(&sealed).map_err(internal)?;
    let key = Key::from_secret_hex(&secret).map_err(internal)?;
    let cert = domain::from_pem(&record.certificate).map_err(internal)?;
    // The chain carries the authority that issued it, retired or not.
    let issuer = store::authority_certificates(db)
        .await?
        .iter()
        .filter_map(|pem| domain::from_pem(pem).ok())
        .find(|ca| domain::issued_by(&cert, ca))
        .ok_or_else(|| internal("the signer's authority is missing"))?;
    Ok(Some(Arc::new(LocalSigner {
        key,
        chain: vec![cert, issuer],
        record,
    })))
}

/// Every signer the holder has had, newest first.
pub async fn signers_of(db: &Db, holder: Holder<'_>) -> Result<Vec<SignerRecord>> {
    Ok(store::signers_of(db, &holder.key()).await?)
}

/// The electronic seal for `purpose` (e.g. festival certificates), made on first need and named
/// `name`.
pub async fn seal(
    db: &Db,
    keys: &Keys,
    purpose: &str,
    name: &str,
) -> Result<Arc<dyn DocumentSigner>> {
    if let Some(s) = signer(db, keys, Holder::Seal(purpose)).await? {
        return Ok(s);
    }
    issue(db, keys, Holder::Seal(purpose), name, "").await?;
    signer(db, keys, Holder::Seal(purpose))
        .await?
        .ok_or_else(|| internal("the seal was not kept"))
}

/// `pdf` signed with the seal for `purpose` (made on first need, named `name`).
pub async fn sign_by_seal(
    db: &Db,
    keys: &Keys,
    purpose: &str,
    name: &str,
    pdf: &[u8],
    meta: &SignatureMeta,
) -> Result<Vec<u8>> {
    let s = seal(db, keys, purpose, name).await?;
    s.sign_pdf(pdf, meta).await.map_err(internal)
}

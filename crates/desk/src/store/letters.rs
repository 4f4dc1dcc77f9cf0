//! Letters and signing keys: the heads' keys, the letter counter per unit and year, and signed
//! letters (the use case that signs is `service::letters::sign`).

use super::Result;
use crate::domain::signing::{self, DocumentSignature};
use anjungan_kernel::Db;
use anjungan_kernel::crypto::Keys;
use sqlx::Row;
use std::path::Path;

// --- signing keys ---

/// A unit head's signing certificate, as the key page lists it. The keys live in the kernel's
/// PKI (`anjungan_kernel::pki`), one holder per head and unit.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = desk::KeyInfo)]
pub struct KeyInfo {
    pub id: i64,
    pub org_id: i64,
    /// SHA-256 of the certificate, hex.
    pub public_key: String,
    /// The certificate's subject (the head's name and unit).
    pub subject: String,
    pub created_at: i64,
    pub retired_at: Option<i64>,
}

pub fn holder(user_id: i64, org_id: i64) -> anjungan_kernel::pki::Holder<'static> {
    anjungan_kernel::pki::Holder::Person { user_id, org_id }
}

/// The head's certificates for the unit, newest first.
pub async fn keys_of(db: &Db, user_id: i64, org_id: i64) -> Result<Vec<KeyInfo>> {
    Ok(
        anjungan_kernel::pki::signers_of(db, holder(user_id, org_id))
            .await?
            .into_iter()
            .map(|r| KeyInfo {
                id: r.id,
                org_id,
                public_key: r.fingerprint,
                subject: r.subject,
                created_at: r.created_at,
                retired_at: r.retired_at,
            })
            .collect(),
    )
}

// --- letters ---

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = desk::Letter)]
pub struct Letter {
    pub request_id: i64,
    pub code: String,
    pub number: String,
    pub org_id: i64,
    pub org_name: String,
    pub title: String,
    /// The person the letter is about, masked.
    pub subject: String,
    pub sha256: String,
    /// `pades-b-b` (a PAdES signature inside the PDF) or `ed25519` (letters signed before).
    pub scheme: String,
    /// PAdES: SHA-256 of the signer's certificate; Ed25519: the public key, hex.
    pub public_key: String,
    /// Base64 of the signature (PAdES: the CMS `SignedData` embedded in the PDF).
    pub signature: String,
    pub signer_name: String,
    pub signer_title: String,
    #[serde(skip)]
    pub file_sha: String,
    pub issued_at: i64,
}

impl Letter {
    fn stored_signature(&self) -> DocumentSignature {
        DocumentSignature {
            scheme: self.scheme.clone(),
            public_key: self.public_key.clone(),
            signature: self.signature.clone(),
        }
    }

    /// Whether `bytes` are exactly the file that was signed, and the signature holds.
    pub fn authenticates(&self, bytes: &[u8]) -> bool {
        signing::verify_file(&self.stored_signature(), &self.sha256, bytes)
    }

    /// The signature's algorithm, as the verification API publishes it.
    pub fn algorithm(&self) -> &'static str {
        self.stored_signature().algorithm()
    }

    /// Whether the stored record's own signature holds (the page's "authentic" verdict).
    pub fn signature_holds(&self) -> bool {
        let Ok(bytes) = hex::decode(&self.sha256) else {
            return false;
        };
        let Ok(digest) = <[u8; 32]>::try_from(bytes.as_slice()) else {
            return false;
        };
        signing::verify(&self.stored_signature(), &digest).unwrap_or(false)
    }
}

const LETTER: &str =
    "SELECT l.*, o.name AS org_name FROM desk_letters l JOIN organisations o ON o.id = l.org_id";

fn letter_row(r: &sqlx::any::AnyRow) -> std::result::Result<Letter, sqlx::Error> {
    Ok(Letter {
        request_id: r.try_get("request_id")?,
        code: r.try_get("code")?,
        number: r.try_get("number")?,
        org_id: r.try_get("org_id")?,
        org_name: r.try_get("org_name")?,
        title: r.try_get("title")?,
        subject: r.try_get("subject")?,
        sha256: r.try_get("sha256")?,
        scheme: r.try_get("scheme")?,
        public_key: r.try_get("public_key")?,
        signature: r.try_get("signature")?,
        signer_name: r.try_get("signer_name")?,
        signer_title: r.try_get("signer_title")?,
        file_sha: r.try_get("file_sha")?,
        issued_at: r.try_get("issued_at")?,
    })
}

pub async fn by_code(db: &Db, code: &str) -> Result<Option<Letter>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{LETTER} WHERE l.code = $1")))
        .bind(code)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.as_ref().map(letter_row).transpose()?)
}

pub async fn for_request(db: &Db, request_id: i64) -> Result<Option<Letter>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{LETTER} WHERE l.request_id = $1"
    )))
    .bind(request_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.as_ref().map(letter_row).transpose()?)
}

/// `Sr* W******`: initials and lengths, enough to recognise, not to identify.
pub fn mask_name(name: &str) -> String {
    name.split_whitespace()
        .map(|w| {
            anjungan_kernel::crypto::mask(w, 2.min(w.chars().count().saturating_sub(1)).max(1), 0)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The next letter number of a unit in a year, counted in the caller's transaction.
pub(crate) async fn next_seq(
    tx: &mut anjungan_kernel::db::Conn,
    org_id: i64,
    year: i32,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO desk_letter_counters (org_id, year, last) VALUES ($1, $2, 1) \
         ON CONFLICT (org_id, year) DO UPDATE SET last = desk_letter_counters.last + 1 RETURNING last",
    )
    .bind(org_id)
    .bind(year as i64)
    .fetch_one(&mut *tx)
    .await?)
}

/// A signed letter as it is stored.
pub(crate) struct NewLetter<'a> {
    pub request_id: i64,
    pub code: &'a str,
    pub number: &'a str,
    pub org_id: i64,
    pub title: &'a str,
    /// The subject's name, masked.
    pub subject: &'a str,
    pub sha256: &'a str,
    pub signature: &'a DocumentSignature,
    /// The legacy Ed25519 key's row; `None` for PAdES letters (the certificate names the signer).
    pub key_id: Option<i64>,
    pub signer_name: &'a str,
    pub signer_title: &'a str,
    pub file_sha: &'a str,
}

/// Stores a signed letter in the caller's transaction.
pub(crate) async fn insert(tx: &mut anjungan_kernel::db::Conn, l: &NewLetter<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO desk_letters (request_id, code, number, org_id, title, subject, sha256, scheme, public_key, signature, key_id, \
         signer_name, signer_title, file_sha, issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(l.request_id)
    .bind(l.code)
    .bind(l.number)
    .bind(l.org_id)
    .bind(l.title)
    .bind(l.subject)
    .bind(l.sha256)
    .bind(&l.signature.scheme)
    .bind(&l.signature.public_key)
    .bind(&l.signature.signature)
    .bind(l.key_id)
    .bind(l.signer_name)
    .bind(l.signer_title)
    .bind(l.file_sha)
    .bind(anjungan_kernel::clock::now_ms())
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The letter's PDF, for the citizen (with the tracking code) or the unit's staff.
pub async fn pdf(db: &Db, data_dir: &Path, keys: &Keys, letter: &Letter) -> Result<Vec<u8>> {
    let f = anjungan_kernel::files::store::get(db, data_dir, keys, &letter.file_sha)
        .await?
        .ok_or(anjungan_kernel::Error::NotFound)?;
    Ok(f.bytes)
}

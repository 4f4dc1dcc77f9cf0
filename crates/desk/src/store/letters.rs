//! Letters and signing keys: the heads' keys, the letter counter per unit and year, and signed
//! letters (the use case that signs is `service::letters::sign`).

use super::Result;
use crate::domain::DeskError;
use crate::domain::signing::{self, DocumentSignature, Ed25519Key};
use anjungan_kernel::Db;
use anjungan_kernel::crypto::Keys;
use sqlx::Row;
use std::path::Path;

// --- signing keys ---

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = desk::KeyInfo)]
pub struct KeyInfo {
    pub id: i64,
    pub org_id: i64,
    pub public_key: String,
    pub created_at: i64,
    pub retired_at: Option<i64>,
}

/// Retires the head's current key for the unit (old letters still verify) and stores a new
/// public key with its sealed secret; returns the new key's id.
pub async fn replace_key(
    conn: &mut anjungan_kernel::db::Conn,
    user_id: i64,
    org_id: i64,
    public_key: &str,
    sealed_secret: &str,
    now: i64,
) -> Result<i64> {
    sqlx::query("UPDATE desk_signing_keys SET retired_at = $1 WHERE user_id = $2 AND org_id = $3 AND retired_at IS NULL")
        .bind(now)
        .bind(user_id)
        .bind(org_id)
        .execute(&mut *conn)
        .await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO desk_signing_keys (user_id, org_id, public_key, secret, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user_id)
    .bind(org_id)
    .bind(public_key)
    .bind(sealed_secret)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?)
}

pub async fn keys_of(db: &Db, user_id: i64) -> Result<Vec<KeyInfo>> {
    let rows = sqlx::query(
        "SELECT id, org_id, public_key, created_at, retired_at FROM desk_signing_keys WHERE user_id = $1 ORDER BY id DESC",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok(KeyInfo {
                id: r.try_get("id")?,
                org_id: r.try_get("org_id")?,
                public_key: r.try_get("public_key")?,
                created_at: r.try_get("created_at")?,
                retired_at: r.try_get("retired_at")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

pub(crate) async fn active_key(
    db: &Db,
    keys: &Keys,
    user_id: i64,
    org_id: i64,
) -> Result<Option<(i64, Ed25519Key)>> {
    let row = sqlx::query(
        "SELECT id, secret FROM desk_signing_keys WHERE user_id = $1 AND org_id = $2 AND retired_at IS NULL ORDER BY id DESC LIMIT 1",
    )
    .bind(user_id)
    .bind(org_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let secret = keys
        .open(row.try_get::<&str, _>("secret")?)
        .map_err(|_| DeskError::Signing(signing::SigningError::BadKey))?;
    Ok(Some((
        row.try_get("id")?,
        Ed25519Key::from_secret_hex(&secret).map_err(DeskError::from)?,
    )))
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
    pub scheme: String,
    pub public_key: String,
    #[serde(skip)]
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
        let digest = signing::digest(bytes);
        hex::encode(digest) == self.sha256
            && signing::verify(&self.stored_signature(), &digest).unwrap_or(false)
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
    pub key_id: i64,
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

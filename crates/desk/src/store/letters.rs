//! Letters and signing keys: the unit head signs, which numbers the letter, renders its PDF,
//! signs the file's hash with the head's key and issues it, all in one transaction.

use super::requests::{self, Request};
use super::services::Service;
use super::{Result, calendar, today};
use crate::domain::DeskError;
use crate::domain::audit::DeskEvent;
use crate::domain::form;
use crate::domain::letter::{long_date, unit_title};
use crate::domain::signing::{self, DocumentSignature, DocumentSigner, Ed25519Key};
use crate::domain::workflow::{self, Command, State};
use crate::render::letter_pdf::{self, LetterContent};
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::crypto::Keys;
use sqlx::Row;
use std::collections::BTreeMap;
use std::path::Path;

// --- signing keys ---

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct KeyInfo {
    pub id: i64,
    pub org_id: i64,
    pub public_key: String,
    pub created_at: i64,
    pub retired_at: Option<i64>,
}

/// Retires the head's current key for the unit (old letters still verify) and makes a new one.
pub async fn rotate_key(
    db: &Db,
    keys: &Keys,
    actor: &Actor,
    user_id: i64,
    org_id: i64,
) -> Result<KeyInfo> {
    let key = Ed25519Key::generate();
    let now = anjungan_kernel::clock::now_ms();
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE desk_signing_keys SET retired_at = $1 WHERE user_id = $2 AND org_id = $3 AND retired_at IS NULL")
        .bind(now)
        .bind(user_id)
        .bind(org_id)
        .execute(&mut *tx)
        .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO desk_signing_keys (user_id, org_id, public_key, secret, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user_id)
    .bind(org_id)
    .bind(key.public_hex())
    .bind(keys.seal(&key.secret_hex()))
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    audit::store::write(
        &mut tx,
        actor,
        &DeskEvent::SigningKeyRotated {
            id,
            org: org_id,
            public_key: &key.public_hex(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(KeyInfo {
        id,
        org_id,
        public_key: key.public_hex(),
        created_at: now,
        retired_at: None,
    })
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

async fn active_key(
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
    let row = sqlx::query(&format!("{LETTER} WHERE l.code = $1"))
        .bind(code)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.as_ref().map(letter_row).transpose()?)
}

pub async fn for_request(db: &Db, request_id: i64) -> Result<Option<Letter>> {
    let row = sqlx::query(&format!("{LETTER} WHERE l.request_id = $1"))
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

/// Placeholder values for a letter body: the resident record where matched, the request otherwise.
async fn values(
    db: &Db,
    keys: &Keys,
    req: &Request,
    service: &Service,
    signer: &str,
    number: &str,
) -> Result<BTreeMap<String, String>> {
    let mut v = BTreeMap::new();
    v.insert("nama".into(), req.applicant.clone());
    v.insert("nik".into(), req.nik.clone());
    v.insert("alamat".into(), req.address.clone());
    if let Some(rid) = req.resident_id {
        if let Some(e) = super::residents::get(db, keys, rid).await? {
            v.insert("nama".into(), e.name.clone());
            v.insert("nik".into(), e.nik.clone());
            v.insert("kk".into(), e.kk.clone());
            v.insert("tempat_lahir".into(), e.birth_place.clone());
            v.insert(
                "tanggal_lahir".into(),
                e.birth().map(long_date).unwrap_or_default(),
            );
            v.insert(
                "jenis_kelamin".into(),
                if e.sex == "P" {
                    "Perempuan"
                } else {
                    "Laki-laki"
                }
                .into(),
            );
            v.insert("alamat".into(), e.address.clone());
            v.insert("rt".into(), e.rt.clone());
            v.insert("rw".into(), e.rw.clone());
            v.insert("dusun".into(), e.hamlet.clone());
        }
    }
    v.insert(
        "unit".into(),
        unit_title(&service.org_kind, &service.org_name),
    );
    v.insert("kepala".into(), signer.to_string());
    v.insert("tanggal".into(), long_date(today()));
    v.insert("nomor".into(), number.to_string());
    for f in &service.form.fields {
        if let Some(a) = req.answers.get(&f.code) {
            let shown = match (f.kind, a.first().and_then(|d| super::parse_iso(d))) {
                (form::FieldKind::Date, Some(d)) => long_date(d),
                _ => form::display(f, a),
            };
            v.insert(format!("isian.{}", f.code), shown);
        }
    }
    Ok(v)
}

/// A fresh verification code: 16 characters from the tracking alphabet.
fn new_code() -> String {
    let a = crate::domain::request::new_tracking_code();
    let b = crate::domain::request::new_tracking_code();
    format!("{a}{}", &b[..4])
}

pub struct SignContext<'a> {
    pub keys: &'a Keys,
    pub actor: &'a Actor,
    pub user_id: i64,
    pub signer_name: &'a str,
    pub base_url: &'a str,
    pub data_dir: &'a Path,
    /// Organisation letterhead lines under the unit name (district, address).
    pub letterhead: Vec<String>,
}

/// The head approves and signs: for a letter service the letter is numbered, rendered, signed and
/// issued; for any other service the request is approved and marked done.
pub async fn sign(db: &Db, cx: &SignContext<'_>, request_id: i64) -> Result<State> {
    let keys = cx.keys;
    let req = requests::get(db, keys, request_id)
        .await?
        .ok_or(anjungan_kernel::Error::NotFound)?;
    // Checked before any work: a request in the wrong state or a non-head is refused as such.
    workflow::transition(req.state, Command::Sign, workflow::Actor::Head, "")?;
    let service = super::services::get(db, req.service_id)
        .await?
        .ok_or(anjungan_kernel::Error::NotFound)?;
    let cal = calendar(db).await?;
    let key = match &service.letter {
        Some(_) => Some(
            active_key(db, keys, cx.user_id, req.org_id)
                .await?
                .ok_or(DeskError::NoSigningKey)?,
        ),
        None => None,
    };
    let mut tx = db.begin_write().await?;
    requests::apply(
        &mut tx,
        keys,
        requests::Step {
            actor: cx.actor,
            role: workflow::Actor::Head,
            base_url: cx.base_url,
        },
        &cal,
        request_id,
        Command::Sign,
        "",
    )
    .await?;
    if let (Some(template), Some((key_id, key))) = (&service.letter, key) {
        let on = today();
        let seq: i64 = sqlx::query_scalar(
            "INSERT INTO desk_letter_counters (org_id, year, last) VALUES ($1, $2, 1) \
             ON CONFLICT (org_id, year) DO UPDATE SET last = desk_letter_counters.last + 1 RETURNING last",
        )
        .bind(req.org_id)
        .bind(on.year() as i64)
        .fetch_one(&mut *tx)
        .await?;
        let number = template.number(seq, &service.org_code, on);
        let code = new_code();
        let v = values(db, keys, &req, &service, cx.signer_name, &number).await?;
        let verify_url = format!("{}/verifikasi/{code}", cx.base_url.trim_end_matches('/'));
        let content = LetterContent {
            unit: unit_title(&service.org_kind, &service.org_name),
            letterhead: cx.letterhead.clone(),
            title: template.title.clone(),
            number: number.clone(),
            paragraphs: template.paragraphs(&v),
            place_date: format!("Trenggalek, {}", long_date(on)),
            signer_title: template.signer_title.clone(),
            signer_name: cx.signer_name.to_string(),
            verify_url,
            code: code.clone(),
        };
        let pdf = letter_pdf::render(&content).map_err(anjungan_kernel::Error::Internal)?;
        let digest = signing::digest(&pdf);
        let sig = key.sign(&digest).map_err(DeskError::from)?;
        let file = anjungan_kernel::files::store::prepare(
            db,
            cx.data_dir,
            keys,
            anjungan_kernel::files::domain::Access::Private,
            &format!("{}.pdf", code),
            &pdf,
            pdf.len() + 1,
        )
        .await?;
        let stored = anjungan_kernel::files::store::record(&mut tx, cx.actor, file).await?;
        let subject = mask_name(&template.subject_of(&v));
        sqlx::query(
            "INSERT INTO desk_letters (request_id, code, number, org_id, title, subject, sha256, scheme, public_key, signature, key_id, \
             signer_name, signer_title, file_sha, issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(request_id)
        .bind(&code)
        .bind(&number)
        .bind(req.org_id)
        .bind(&template.title)
        .bind(&subject)
        .bind(hex::encode(digest))
        .bind(&sig.scheme)
        .bind(&sig.public_key)
        .bind(&sig.signature)
        .bind(key_id)
        .bind(cx.signer_name)
        .bind(&template.signer_title)
        .bind(&stored.sha256)
        .bind(anjungan_kernel::clock::now_ms())
        .execute(&mut *tx)
        .await?;
        audit::store::write(
            &mut tx,
            cx.actor,
            &DeskEvent::LetterSigned {
                code: &code,
                request: request_id,
                number: &number,
                sha256: &hex::encode(digest),
            },
        )
        .await?;
    }
    let system = Actor::system("petung-dadi");
    let (_, to) = requests::apply(
        &mut tx,
        keys,
        requests::Step {
            actor: &system,
            role: workflow::Actor::System,
            base_url: cx.base_url,
        },
        &cal,
        request_id,
        Command::Issue,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(to)
}

/// The letter's PDF, for the citizen (with the tracking code) or the unit's staff.
pub async fn pdf(db: &Db, data_dir: &Path, keys: &Keys, letter: &Letter) -> Result<Vec<u8>> {
    let f = anjungan_kernel::files::store::get(db, data_dir, keys, &letter.file_sha)
        .await?
        .ok_or(anjungan_kernel::Error::NotFound)?;
    Ok(f.bytes)
}

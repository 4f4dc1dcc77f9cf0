//! Secrets and personal data: the master key, sealing personal data at rest (XChaCha20-Poly1305),
//! blind indexes for looking sealed values up, random tokens stored only as hashes, and masking.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::Rng;
use sha2::{Digest, Sha256};
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the secret key must be 32 bytes written as 64 hex digits or base64")]
    BadKey,
    #[error("cannot read or write the key file {0}: {1}")]
    Io(String, std::io::Error),
    #[error(
        "this database was set up with a different secret key; personal data could not be read. Set ANJUNGAN_SECRET_KEY to the original key"
    )]
    Mismatch,
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("the passphrase does not open this key")]
    WrongPassphrase,
}

/// How a sealed file begins, telling it apart from a file stored in clear.
pub const SEALED_FILE_MAGIC: &[u8] = b"ANJS1";

#[derive(Debug, thiserror::Error)]
#[error("sealed value cannot be opened")]
pub struct OpenError;

/// Keys derived from one 32-byte master secret.
#[derive(Clone)]
pub struct Keys {
    master: [u8; 32],
    seal: [u8; 32],
    index: [u8; 32],
    audit: [u8; 32],
    fingerprint: String,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(..)")
    }
}

#[allow(
    clippy::expect_used,
    reason = "HMAC accepts keys of any length: `new_from_slice` never returns `InvalidLength` for `Hmac`"
)]
fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    use hmac::Mac;
    let mut mac =
        <hmac::Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

/// XChaCha20-Poly1305 with `aad` as associated data (empty `aad` is the same as none).
#[allow(
    clippy::expect_used,
    reason = "XChaCha20-Poly1305 encryption fails only for messages over 256 GiB, which no in-memory buffer here reaches"
)]
fn encrypt(key: &[u8; 32], nonce: &[u8; 24], msg: &[u8], aad: &[u8]) -> Vec<u8> {
    use chacha20poly1305::aead::Payload;
    XChaCha20Poly1305::new(key.into())
        .encrypt(XNonce::from_slice(nonce), Payload { msg, aad })
        .expect("XChaCha20-Poly1305 encryption of an in-memory buffer cannot fail")
}

impl Keys {
    pub fn from_master(master: &[u8; 32]) -> Self {
        Self {
            master: *master,
            seal: hmac_sha256(master, b"anjungan/seal/v1"),
            index: hmac_sha256(master, b"anjungan/index/v1"),
            audit: hmac_sha256(master, b"anjungan/audit/v1"),
            fingerprint: hex::encode(&hmac_sha256(master, b"anjungan/fingerprint/v1")[..16]),
        }
    }

    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let text = text.trim();
        let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(text).map_err(|_| KeyError::BadKey)?
        } else {
            STANDARD
                .decode(text)
                .or_else(|_| URL_SAFE_NO_PAD.decode(text))
                .map_err(|_| KeyError::BadKey)?
        };
        let master: [u8; 32] = bytes.try_into().map_err(|_| KeyError::BadKey)?;
        Ok(Self::from_master(&master))
    }

    /// The configured key, or the one in `data_dir/secret.key`, created (mode 0600) on first use.
    pub fn load_or_create(configured: Option<&str>, data_dir: &Path) -> Result<Self, KeyError> {
        if let Some(text) = configured {
            return Self::parse(text);
        }
        let path = data_dir.join("secret.key");
        let io = |e| KeyError::Io(path.display().to_string(), e);
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(data_dir).map_err(io)?;
                let mut master = [0u8; 32];
                rand::rng().fill_bytes(&mut master);
                write_private(&path, hex::encode(master).as_bytes()).map_err(io)?;
                Ok(Self::from_master(&master))
            }
            Err(e) => Err(io(e)),
        }
    }

    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The master secret as a key file holds it (64 hex digits). Only a restore writes it out.
    pub fn master_hex(&self) -> String {
        hex::encode(self.master)
    }

    /// The master secret sealed under a passphrase (Argon2id, 64 MiB, 3 passes, then
    /// XChaCha20-Poly1305), as a backup carries it.
    pub fn wrap(&self, passphrase: &str) -> Result<String, KeyError> {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        let kek = passphrase_key(passphrase, &salt)?;
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = XChaCha20Poly1305::new((&kek).into())
            .encrypt(XNonce::from_slice(&nonce), self.master.as_slice())
            .map_err(|_| KeyError::BadKey)?;
        Ok(serde_json::json!({
            "format": "anjungan-key/1",
            "kdf": "argon2id",
            "m_kib": WRAP_MEMORY_KIB,
            "t": WRAP_PASSES,
            "p": 1,
            "salt": STANDARD.encode(salt),
            "nonce": STANDARD.encode(nonce),
            "sealed": STANDARD.encode(sealed),
            "fingerprint": self.fingerprint,
        })
        .to_string())
    }

    /// Opens a key sealed by [`Keys::wrap`]; a wrong passphrase is [`KeyError::WrongPassphrase`].
    pub fn unwrap(wrapped: &str, passphrase: &str) -> Result<Self, KeyError> {
        let v: serde_json::Value = serde_json::from_str(wrapped).map_err(|_| KeyError::BadKey)?;
        let field = |name: &str| {
            v[name]
                .as_str()
                .and_then(|s| STANDARD.decode(s).ok())
                .ok_or(KeyError::BadKey)
        };
        if v["format"] != "anjungan-key/1" || v["kdf"] != "argon2id" {
            return Err(KeyError::BadKey);
        }
        let kek = passphrase_key(passphrase, &field("salt")?)?;
        let nonce = field("nonce")?;
        if nonce.len() != 24 {
            return Err(KeyError::BadKey);
        }
        let master = XChaCha20Poly1305::new((&kek).into())
            .decrypt(XNonce::from_slice(&nonce), field("sealed")?.as_slice())
            .map_err(|_| KeyError::WrongPassphrase)?;
        let master: [u8; 32] = master.try_into().map_err(|_| KeyError::BadKey)?;
        Ok(Self::from_master(&master))
    }

    /// Encrypts personal data for storage: `v1.` + base64(nonce ‖ ciphertext).
    pub fn seal(&self, plain: &str) -> String {
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = encrypt(&self.seal, &nonce, plain.as_bytes(), b"");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("v1.{}", STANDARD.encode(out))
    }

    pub fn open(&self, sealed: &str) -> Result<String, OpenError> {
        let raw = sealed.strip_prefix("v1.").ok_or(OpenError)?;
        let bytes = STANDARD.decode(raw).map_err(|_| OpenError)?;
        if bytes.len() < 24 + 16 {
            return Err(OpenError);
        }
        let cipher = XChaCha20Poly1305::new((&self.seal).into());
        let plain = cipher
            .decrypt(XNonce::from_slice(&bytes[..24]), &bytes[24..])
            .map_err(|_| OpenError)?;
        String::from_utf8(plain).map_err(|_| OpenError)
    }

    /// Encrypts a private file for storage: `ANJS1` ‖ nonce ‖ ciphertext. The file's digest
    /// is bound as associated data, so a sealed file cannot be swapped for another.
    pub fn seal_bytes(&self, plain: &[u8], digest: &str) -> Vec<u8> {
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = encrypt(&self.seal, &nonce, plain, digest.as_bytes());
        let mut out = Vec::with_capacity(SEALED_FILE_MAGIC.len() + 24 + sealed.len());
        out.extend_from_slice(SEALED_FILE_MAGIC);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    pub fn open_bytes(&self, sealed: &[u8], digest: &str) -> Result<Vec<u8>, OpenError> {
        use chacha20poly1305::aead::Payload;
        let body = sealed.strip_prefix(SEALED_FILE_MAGIC).ok_or(OpenError)?;
        if body.len() < 24 + 16 {
            return Err(OpenError);
        }
        let cipher = XChaCha20Poly1305::new((&self.seal).into());
        cipher
            .decrypt(
                XNonce::from_slice(&body[..24]),
                Payload {
                    msg: &body[24..],
                    aad: digest.as_bytes(),
                },
            )
            .map_err(|_| OpenError)
    }

    /// The audit chain's link: a keyed digest of the previous link and the entry, so nobody
    /// without the key can rewrite an entry and forge the links after it.
    pub fn audit_link(&self, previous: &str, entry: &[u8]) -> String {
        let mut msg = previous.as_bytes().to_vec();
        msg.push(0);
        msg.extend_from_slice(entry);
        hex::encode(hmac_sha256(&self.audit, &msg))
    }

    /// A keyed, deterministic digest so equal values can be found and kept unique while sealed.
    pub fn blind_index(&self, purpose: &str, normalised: &str) -> String {
        let mut msg = purpose.as_bytes().to_vec();
        msg.push(0);
        msg.extend_from_slice(normalised.as_bytes());
        hex::encode(hmac_sha256(&self.index, &msg))
    }
}

const WRAP_MEMORY_KIB: u32 = 64 * 1024;
const WRAP_PASSES: u32 = 3;

fn passphrase_key(passphrase: &str, salt: &[u8]) -> Result<[u8; 32], KeyError> {
    let params = argon2::Params::new(WRAP_MEMORY_KIB, WRAP_PASSES, 1, Some(32))
        .map_err(|_| KeyError::BadKey)?;
    let mut out = [0u8; 32];
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), salt, &mut out)
        .map_err(|_| KeyError::BadKey)?;
    Ok(out)
}

/// Writes a key file readable by its owner only, refusing to overwrite one.
pub fn write_key_file(path: &Path, keys: &Keys) -> std::io::Result<()> {
    write_private(path, keys.master_hex().as_bytes())
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Records the key's fingerprint on first start and refuses a different key afterwards, so two
/// nodes (or a restored backup) never write personal data under different keys.
pub async fn verify_key(db: &crate::Db, keys: &Keys) -> Result<(), KeyError> {
    let now = crate::clock::now_ms();
    let mut tx = db.begin_write().await?;
    let stored: Option<String> =
        sqlx::query_scalar("SELECT value FROM settings WHERE name = 'key_fingerprint'")
            .fetch_optional(&mut *tx)
            .await?;
    match stored {
        Some(fp) if fp == keys.fingerprint() => {}
        Some(_) => return Err(KeyError::Mismatch),
        None => {
            sqlx::query(
                "INSERT INTO settings (name, value, updated_at) VALUES ('key_fingerprint', $1, $2)",
            )
            .bind(keys.fingerprint().to_string())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// A random URL-safe token of `bytes` bytes of entropy.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// A random numeric code of `digits` digits (one-time codes sent by message).
pub fn random_digits(digits: u32) -> String {
    let n = rand::random_range(0..10u64.pow(digits));
    format!("{n:0width$}", width = digits as usize)
}

/// Tokens (sessions, API tokens, reset links) are stored only as this digest.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Constant-time comparison for secrets such as CSRF tokens.
pub fn same_secret(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Shows the first `keep_start` and last `keep_end` characters, stars between:
/// `mask("3503123456780001", 4, 2) == "3503**********01"`.
pub fn mask(value: &str, keep_start: usize, keep_end: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= keep_start + keep_end {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..keep_start].iter().collect();
    out.push_str(&"*".repeat(chars.len() - keep_start - keep_end));
    out.extend(&chars[chars.len() - keep_end..]);
    out
}

/// Masks an e-mail address as `bu***@example.id`.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let keep: String = local.chars().take(2).collect();
            format!("{keep}***@{domain}")
        }
        None => mask(email, 2, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn keys() -> Keys {
        Keys::from_master(&[7u8; 32])
    }

    #[test]
    fn masks_like_the_standard_example() {
        assert_eq!(mask("3503123456780001", 4, 2), "3503**********01");
        assert_eq!(mask("081234567890", 4, 3), "0812*****890");
        assert_eq!(mask("ab", 4, 2), "**");
        assert_eq!(mask_email("budi@desa.id"), "bu***@desa.id");
    }

    #[test]
    fn sealed_values_hide_the_plaintext_and_differ_each_time() {
        let k = keys();
        let a = k.seal("081234567890");
        let b = k.seal("081234567890");
        assert_ne!(a, b);
        assert!(!a.contains("0812"));
        assert_eq!(k.open(&a).unwrap(), "081234567890");
        assert!(Keys::from_master(&[8u8; 32]).open(&a).is_err());
        assert!(k.open("v1.AAAA").is_err());
        assert!(k.open("garbage").is_err());
    }

    #[test]
    fn keys_parse_from_hex_and_base64_only_at_32_bytes() {
        let hex_key = "00".repeat(32);
        assert!(Keys::parse(&hex_key).is_ok());
        assert!(Keys::parse(&STANDARD.encode([1u8; 32])).is_ok());
        assert!(Keys::parse("short").is_err());
        assert!(Keys::parse(&STANDARD.encode([1u8; 16])).is_err());
    }

    #[test]
    fn generated_key_file_is_reused() {
        let dir = tempfile::tempdir().unwrap();
        let a = Keys::load_or_create(None, dir.path()).unwrap();
        let b = Keys::load_or_create(None, dir.path()).unwrap();
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_eq!(b.open(&a.seal("x")).unwrap(), "x");
    }

    #[test]
    fn hmac_matches_rfc4231_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_wrapped_key_opens_only_with_its_passphrase() {
        let k = keys();
        let wrapped = k.wrap("kalimat sandi cadangan").unwrap();
        assert!(!wrapped.contains(&k.master_hex()));
        let back = Keys::unwrap(&wrapped, "kalimat sandi cadangan").unwrap();
        assert_eq!(back.fingerprint(), k.fingerprint());
        assert!(matches!(
            Keys::unwrap(&wrapped, "salah"),
            Err(KeyError::WrongPassphrase)
        ));
        assert!(Keys::unwrap("{}", "x").is_err());
    }

    #[test]
    fn sealed_files_open_only_under_their_digest_and_key() {
        let k = keys();
        let letter = b"%PDF-1.7 NIK 3503123456780001".to_vec();
        let sealed = k.seal_bytes(&letter, "abc");
        assert!(!sealed.windows(16).any(|w| w == b"3503123456780001"));
        assert_eq!(k.open_bytes(&sealed, "abc").unwrap(), letter);
        assert!(k.open_bytes(&sealed, "abd").is_err());
        assert!(
            Keys::from_master(&[8u8; 32])
                .open_bytes(&sealed, "abc")
                .is_err()
        );
        assert!(k.open_bytes(&letter, "abc").is_err());
    }

    proptest! {
        #[test]
        fn seal_open_roundtrip(s in ".{0,200}") {
            let k = keys();
            prop_assert_eq!(k.open(&k.seal(&s)).unwrap(), s);
        }

        #[test]
        fn mask_keeps_length(s in "[0-9]{0,20}") {
            prop_assert_eq!(mask(&s, 4, 2).chars().count(), s.chars().count());
        }
    }
}

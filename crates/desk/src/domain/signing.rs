//! Electronic signatures on letters, as recorded beside each letter.
//!
//! Letters are signed inside the PDF (PAdES, through the kernel's `pki::DocumentSigner`), so
//! any standard validator checks them; the record keeps the CMS signature and the signer's
//! certificate fingerprint. Letters signed before that carry an Ed25519 signature over the
//! file's SHA-256, which still verifies here.

use ed25519_dalek::{Signer as _, Verifier as _};

/// Prefixed to the digest before signing, so a unit head's key signs nothing but letters.
const CONTEXT: &[u8] = b"anjungan/petung-dadi/letter/v1\n";

pub const ED25519: &str = "ed25519";
pub use anjungan_kernel::pki::pades::SCHEME as PADES;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigningError {
    #[error("the signing key is unreadable")]
    BadKey,
    #[error("the signature is malformed")]
    BadSignature,
    #[error("unknown signature scheme")]
    UnknownScheme,
}

/// A signature as stored beside the letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentSignature {
    pub scheme: String,
    /// Ed25519: hex of the signer's public key. PAdES: SHA-256 of the signer's certificate.
    pub public_key: String,
    /// Base64 of the signature bytes (PAdES: the CMS `SignedData` inside the PDF).
    pub signature: String,
}

impl DocumentSignature {
    /// The record of a PAdES-signed PDF: its CMS and its signer's certificate.
    pub fn of_signed_pdf(pdf: &[u8]) -> Result<Self, SigningError> {
        use base64::Engine;
        let (cms, _) =
            anjungan_kernel::pki::pades::extract(pdf).map_err(|_| SigningError::BadSignature)?;
        let v = anjungan_kernel::pki::pades::verify_cms(&cms, None)
            .map_err(|_| SigningError::BadSignature)?;
        Ok(Self {
            scheme: PADES.into(),
            public_key: anjungan_kernel::pki::domain::fingerprint(&v.signer),
            signature: base64::engine::general_purpose::STANDARD.encode(cms),
        })
    }

    /// What the verification API calls the algorithm.
    pub fn algorithm(&self) -> &'static str {
        match self.scheme.as_str() {
            ED25519 => "Ed25519 over the SHA-256 of the file",
            PADES => anjungan_kernel::pki::pades::ALGORITHM,
            _ => "",
        }
    }
}

/// A unit head's key of the letters signed before PAdES (kept to check them; new letters are
/// signed through the kernel's PKI).
pub struct Ed25519Key(ed25519_dalek::SigningKey);

impl Ed25519Key {
    pub fn generate() -> Self {
        let mut secret = [0u8; 32];
        // Straight from the operating system, as before (it panics where the OS cannot give
        // randomness, as `OsRng` did).
        rand::Rng::fill_bytes(
            &mut rand::rand_core::UnwrapErr(rand::rngs::SysRng),
            &mut secret,
        );
        Self(ed25519_dalek::SigningKey::from_bytes(&secret))
    }

    /// From the hex of the 32-byte secret, as kept sealed in the database.
    pub fn from_secret_hex(hex_secret: &str) -> Result<Self, SigningError> {
        let bytes: [u8; 32] = hex::decode(hex_secret)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(SigningError::BadKey)?;
        Ok(Self(ed25519_dalek::SigningKey::from_bytes(&bytes)))
    }

    pub fn secret_hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }

    pub fn public_hex(&self) -> String {
        hex::encode(self.0.verifying_key().to_bytes())
    }
}

fn message(sha256: &[u8; 32]) -> Vec<u8> {
    let mut m = CONTEXT.to_vec();
    m.extend_from_slice(sha256);
    m
}

impl Ed25519Key {
    pub fn sign(&self, sha256: &[u8; 32]) -> Result<DocumentSignature, SigningError> {
        use base64::Engine;
        let sig = self.0.sign(&message(sha256));
        Ok(DocumentSignature {
            scheme: ED25519.into(),
            public_key: self.public_hex(),
            signature: base64::engine::general_purpose::STANDARD.encode(sig.to_bytes()),
        })
    }
}

/// Checks a stored signature: an Ed25519 one against the document's digest; a PAdES one by its
/// certificate's signature over the signed attributes (the file itself is checked by
/// [`verify_file`]).
pub fn verify(sig: &DocumentSignature, sha256: &[u8; 32]) -> Result<bool, SigningError> {
    use base64::Engine;
    if sig.scheme == PADES {
        let cms = base64::engine::general_purpose::STANDARD
            .decode(&sig.signature)
            .map_err(|_| SigningError::BadSignature)?;
        return Ok(match anjungan_kernel::pki::pades::verify_cms(&cms, None) {
            Ok(v) => anjungan_kernel::pki::domain::fingerprint(&v.signer) == sig.public_key,
            Err(_) => false,
        });
    }
    if sig.scheme != ED25519 {
        return Err(SigningError::UnknownScheme);
    }
    let key_bytes: [u8; 32] = hex::decode(&sig.public_key)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(SigningError::BadKey)?;
    let key =
        ed25519_dalek::VerifyingKey::from_bytes(&key_bytes).map_err(|_| SigningError::BadKey)?;
    let sig_bytes: [u8; 64] = base64::engine::general_purpose::STANDARD
        .decode(&sig.signature)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(SigningError::BadSignature)?;
    let signature = ed25519_dalek::Signature::from_bytes(&sig_bytes);
    Ok(key.verify(&message(sha256), &signature).is_ok())
}

/// Whether `bytes` are the file the record describes: the same digest and, for PAdES, a
/// signature in the file that covers it whole and is the recorded signer's.
pub fn verify_file(sig: &DocumentSignature, sha256_hex: &str, bytes: &[u8]) -> bool {
    let digest = digest(bytes);
    if hex::encode(digest) != sha256_hex {
        return false;
    }
    if sig.scheme == PADES {
        return match anjungan_kernel::pki::pades::verify(bytes) {
            Ok(v) => anjungan_kernel::pki::domain::fingerprint(&v.signer) == sig.public_key,
            Err(_) => false,
        };
    }
    verify(sig, &digest).unwrap_or(false)
}

/// SHA-256 of a document.
pub fn digest(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_document_verifies_and_a_tampered_one_does_not() {
        let key = Ed25519Key::generate();
        let pdf = b"%PDF-1.7 surat keterangan domisili".to_vec();
        let sig = key.sign(&digest(&pdf)).unwrap();
        assert_eq!(verify(&sig, &digest(&pdf)), Ok(true));
        let mut tampered = pdf.clone();
        tampered[12] ^= 1;
        assert_eq!(verify(&sig, &digest(&tampered)), Ok(false));
        // Another key's signature over the same document is not this head's.
        let other = Ed25519Key::generate().sign(&digest(&pdf)).unwrap();
        let forged = DocumentSignature {
            public_key: key.public_hex(),
            ..other
        };
        assert_eq!(verify(&forged, &digest(&pdf)), Ok(false));
    }

    #[test]
    fn keys_survive_being_stored() {
        let key = Ed25519Key::generate();
        let again = Ed25519Key::from_secret_hex(&key.secret_hex()).unwrap();
        assert_eq!(key.public_hex(), again.public_hex());
        assert_eq!(
            Ed25519Key::from_secret_hex("abcd").err(),
            Some(SigningError::BadKey)
        );
    }

    #[test]
    fn malformed_signatures_are_errors_not_panics() {
        let key = Ed25519Key::generate();
        let mut sig = key.sign(&[0; 32]).unwrap();
        sig.signature = "!!".into();
        assert_eq!(verify(&sig, &[0; 32]), Err(SigningError::BadSignature));
        sig.scheme = "bsre".into();
        assert_eq!(verify(&sig, &[0; 32]), Err(SigningError::UnknownScheme));
        let mut sig = key.sign(&[0; 32]).unwrap();
        sig.public_key = "zz".into();
        assert_eq!(verify(&sig, &[0; 32]), Err(SigningError::BadKey));
    }
}

//! Electronic signatures on letters. The signature covers the SHA-256 of the issued PDF, so any
//! change to the file breaks it. Signing sits behind [`DocumentSigner`] so a certified national
//! e-signature provider can be added beside the built-in Ed25519 keys.

use ed25519_dalek::{Signer as _, Verifier as _};

/// Prefixed to the digest before signing, so a unit head's key signs nothing but letters.
const CONTEXT: &[u8] = b"anjungan/petung-dadi/letter/v1\n";

pub const ED25519: &str = "ed25519";

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
    /// Hex of the signer's public key (or the provider's certificate id).
    pub public_key: String,
    /// Base64 of the signature bytes.
    pub signature: String,
}

/// Anything that can sign a document's digest.
pub trait DocumentSigner: Send + Sync {
    fn sign(&self, sha256: &[u8; 32]) -> Result<DocumentSignature, SigningError>;
}

/// A unit head's own key.
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

impl DocumentSigner for Ed25519Key {
    fn sign(&self, sha256: &[u8; 32]) -> Result<DocumentSignature, SigningError> {
        use base64::Engine;
        let sig = self.0.sign(&message(sha256));
        Ok(DocumentSignature {
            scheme: ED25519.into(),
            public_key: self.public_hex(),
            signature: base64::engine::general_purpose::STANDARD.encode(sig.to_bytes()),
        })
    }
}

/// Checks a stored signature against a document's digest.
pub fn verify(sig: &DocumentSignature, sha256: &[u8; 32]) -> Result<bool, SigningError> {
    use base64::Engine;
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

//! Keys and X.509 certificates: the regency's certificate authority and the certificates it
//! issues to signers (a unit head, an electronic seal). ECDSA P-256 with SHA-256 throughout: the
//! algorithm every PDF validator and reader accepts.

use der::asn1::UtcTime;
use der::{Decode, Encode, EncodePem};
use p256::ecdsa::{DerSignature, SigningKey, VerifyingKey};
use p256::pkcs8::DecodePrivateKey as _;
use sha2::Digest as _;
use std::str::FromStr;
use std::time::Duration;
use x509_cert::Certificate;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::time::{Time, Validity};

/// How long an authority's certificate holds.
pub const AUTHORITY_YEARS: u64 = 20;
/// How long a signer's certificate holds; rotation issues a new one sooner.
pub const SIGNER_YEARS: u64 = 3;
const YEAR: Duration = Duration::from_secs(365 * 24 * 3600);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PkiError {
    #[error("the key is unreadable")]
    BadKey,
    #[error("the certificate is unreadable")]
    BadCertificate,
    #[error("the certificate could not be issued: {0}")]
    Issue(String),
}

/// A signing key: ECDSA over P-256.
#[derive(Clone)]
pub struct Key(SigningKey);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(..)")
    }
}

impl Key {
    pub fn generate() -> Self {
        loop {
            let mut secret = [0u8; 32];
            rand::Rng::fill_bytes(
                &mut rand::rand_core::UnwrapErr(rand::rngs::SysRng),
                &mut secret,
            );
            // All but a vanishing share of 32-byte strings are valid scalars.
            if let Ok(k) = SigningKey::from_slice(&secret) {
                return Self(k);
            }
        }
    }

    /// From the hex of the 32-byte scalar, as kept sealed in the database.
    pub fn from_secret_hex(hex_secret: &str) -> Result<Self, PkiError> {
        let bytes = hex::decode(hex_secret).map_err(|_| PkiError::BadKey)?;
        SigningKey::from_slice(&bytes)
            .map(Self)
            .or_else(|_| SigningKey::from_pkcs8_der(&bytes).map(Self))
            .map_err(|_| PkiError::BadKey)
    }

    pub fn secret_hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }

    pub fn signing_key(&self) -> &SigningKey {
        &self.0
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        *self.0.verifying_key()
    }

    /// An ASN.1 DER ECDSA signature of `message` (hashed with SHA-256).
    pub fn sign_der(&self, message: &[u8]) -> Vec<u8> {
        let sig: p256::ecdsa::Signature = p256::ecdsa::signature::Signer::sign(&self.0, message);
        sig.to_der().as_bytes().to_vec()
    }
}

/// Who a certificate names. Each part is a plain value; commas and other RFC 4514 specials are
/// escaped here, so names like "Drs. Slamet, M.Si." are safe.
#[derive(Debug, Clone, Default)]
pub struct Subject {
    pub common_name: String,
    pub organisation: String,
    pub unit: String,
}

fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for (i, c) in value.trim().chars().enumerate() {
        if matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=') || (i == 0 && c == '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl Subject {
    fn name(&self) -> Result<Name, PkiError> {
        let mut parts = vec![format!("CN={}", escape(&self.common_name))];
        if !self.unit.trim().is_empty() {
            parts.push(format!("OU={}", escape(&self.unit)));
        }
        if !self.organisation.trim().is_empty() {
            parts.push(format!("O={}", escape(&self.organisation)));
        }
        parts.push("C=ID".into());
        Name::from_str(&parts.join(",")).map_err(|e| PkiError::Issue(e.to_string()))
    }
}

fn validity(from_ms: i64, years: u64) -> Result<Validity, PkiError> {
    // An hour of slack for clocks that differ a little.
    let start =
        Duration::from_millis(from_ms.max(0) as u64).saturating_sub(Duration::from_secs(3600));
    let time = |d: Duration| {
        UtcTime::from_unix_duration(d)
            .map(Time::UtcTime)
            .map_err(|e| PkiError::Issue(e.to_string()))
    };
    Ok(Validity {
        not_before: time(start)?,
        not_after: time(start + YEAR * years as u32)?,
    })
}

fn serial() -> Result<SerialNumber, PkiError> {
    let mut bytes = [0u8; 16];
    rand::Rng::fill_bytes(
        &mut rand::rand_core::UnwrapErr(rand::rngs::SysRng),
        &mut bytes,
    );
    bytes[0] &= 0x7f; // positive
    bytes[0] |= 0x01; // and sixteen bytes long
    SerialNumber::new(&bytes).map_err(|e| PkiError::Issue(e.to_string()))
}

fn spki(key: &Key) -> Result<SubjectPublicKeyInfoOwned, PkiError> {
    SubjectPublicKeyInfoOwned::from_key(key.verifying_key())
        .map_err(|e| PkiError::Issue(e.to_string()))
}

/// A new self-signed authority certificate for `subject`, valid from `now_ms`.
pub fn issue_authority(key: &Key, subject: &Subject, now_ms: i64) -> Result<Certificate, PkiError> {
    let builder = CertificateBuilder::new(
        Profile::Root,
        serial()?,
        validity(now_ms, AUTHORITY_YEARS)?,
        subject.name()?,
        spki(key)?,
        key.signing_key(),
    )
    .map_err(|e| PkiError::Issue(e.to_string()))?;
    builder
        .build::<DerSignature>()
        .map_err(|e| PkiError::Issue(e.to_string()))
}

/// A signer's certificate (digital signature and non-repudiation) for `public`'s holder,
/// issued by the authority `(ca_key, ca)`.
pub fn issue_signer(
    ca_key: &Key,
    ca: &Certificate,
    public: &Key,
    subject: &Subject,
    now_ms: i64,
) -> Result<Certificate, PkiError> {
    let builder = CertificateBuilder::new(
        Profile::Leaf {
            issuer: ca.tbs_certificate.subject.clone(),
            enable_key_agreement: false,
            enable_key_encipherment: false,
        },
        serial()?,
        validity(now_ms, SIGNER_YEARS)?,
        subject.name()?,
        spki(public)?,
        ca_key.signing_key(),
    )
    .map_err(|e| PkiError::Issue(e.to_string()))?;
    builder
        .build::<DerSignature>()
        .map_err(|e| PkiError::Issue(e.to_string()))
}

pub fn to_pem(cert: &Certificate) -> Result<String, PkiError> {
    cert.to_pem(der::pem::LineEnding::LF)
        .map_err(|_| PkiError::BadCertificate)
}

pub fn from_pem(pem: &str) -> Result<Certificate, PkiError> {
    use der::DecodePem;
    Certificate::from_pem(pem).map_err(|_| PkiError::BadCertificate)
}

pub fn to_der(cert: &Certificate) -> Result<Vec<u8>, PkiError> {
    cert.to_der().map_err(|_| PkiError::BadCertificate)
}

pub fn from_der(der: &[u8]) -> Result<Certificate, PkiError> {
    Certificate::from_der(der).map_err(|_| PkiError::BadCertificate)
}

/// SHA-256 of the certificate's DER, in hex: how a certificate is named in records and pages.
pub fn fingerprint(cert: &Certificate) -> String {
    let der = cert.to_der().unwrap_or_default();
    hex::encode(sha2::Sha256::digest(der))
}

/// The certificate's subject, as RFC 4514 text.
pub fn subject_text(cert: &Certificate) -> String {
    cert.tbs_certificate.subject.to_string()
}

/// The public key a certificate certifies, if it is a P-256 key.
pub fn public_key(cert: &Certificate) -> Result<VerifyingKey, PkiError> {
    let bits = cert
        .tbs_certificate
        .subject_public_key_info
        .subject_public_key
        .raw_bytes();
    VerifyingKey::from_sec1_bytes(bits).map_err(|_| PkiError::BadCertificate)
}

/// Whether `cert` was issued and signed by `issuer`.
pub fn issued_by(cert: &Certificate, issuer: &Certificate) -> bool {
    if cert.tbs_certificate.issuer != issuer.tbs_certificate.subject {
        return false;
    }
    let (Ok(key), Ok(tbs)) = (public_key(issuer), cert.tbs_certificate.to_der()) else {
        return false;
    };
    let Ok(sig) = p256::ecdsa::Signature::from_der(cert.signature.raw_bytes()) else {
        return false;
    };
    p256::ecdsa::signature::Verifier::verify(&key, &tbs, &sig).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_authority_issues_a_signer_certificate_that_chains_to_it() {
        let ca_key = Key::generate();
        let ca = issue_authority(
            &ca_key,
            &Subject {
                common_name: "Otoritas Sertifikat Anjungan".into(),
                organisation: "Pemerintah Kabupaten Trenggalek".into(),
                unit: String::new(),
            },
            1_790_000_000_000,
        )
        .unwrap();
        let head = Key::generate();
        let cert = issue_signer(
            &ca_key,
            &ca,
            &head,
            &Subject {
                common_name: "Drs. Slamet, M.Si.".into(),
                organisation: "Pemerintah Kabupaten Trenggalek".into(),
                unit: "Desa Sumberejo".into(),
            },
            1_790_000_000_000,
        )
        .unwrap();
        assert!(issued_by(&cert, &ca));
        assert!(issued_by(&ca, &ca), "the authority signs itself");
        assert!(!issued_by(&ca, &cert));
        assert!(
            subject_text(&cert).contains("Slamet\\, M.Si."),
            "{}",
            subject_text(&cert)
        );
        let pem = to_pem(&cert).unwrap();
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
        assert_eq!(fingerprint(&from_pem(&pem).unwrap()), fingerprint(&cert));
        assert_eq!(public_key(&cert).unwrap(), head.verifying_key());
        let again = Key::from_secret_hex(&head.secret_hex()).unwrap();
        assert_eq!(again.verifying_key(), head.verifying_key());
        assert_eq!(Key::from_secret_hex("abcd").err(), Some(PkiError::BadKey));
    }
}

//! PAdES baseline B-B signatures (ETSI EN 319 142-1) inside a PDF, so any standard validator can
//! check a document without us: an incremental update adds a signature field whose value holds
//! a detached CMS `SignedData` (`ETSI.CAdES.detached`) over every byte of the file but the
//! signature itself.
//!
//! Signing is split so the key can live elsewhere: [`prepare`] lays out the file and its digest,
//! [`signed_attributes`] gives the bytes a signer signs, [`assemble`] wraps its signature and
//! certificate chain into CMS, and [`Prepared::finish`] writes it in. [`verify`] checks a file
//! the same way a validator does.

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedAttributes, SignedData, SignerIdentifier,
    SignerInfo, SignerInfos,
};
use der::asn1::{Any, ObjectIdentifier, OctetString, SetOfVec};
use der::{Decode, Encode};
use lopdf::{Dictionary, Object, StringFormat};
use sha2::Digest as _;
use time::OffsetDateTime;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;
use x509_cert::spki::AlgorithmIdentifierOwned;

use super::domain::{self, Key};

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const ID_SIGNING_CERTIFICATE_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");

/// What the published verification API calls the algorithm.
pub const ALGORITHM: &str = "PAdES-B-B (ETSI.CAdES.detached), ECDSA P-256 / SHA-256";
/// The scheme recorded beside a signed document.
pub const SCHEME: &str = "pades-b-b";

/// Room for the CMS: two P-256 certificates and a signature take about 1.5 KB.
const CONTENTS_BYTES: usize = 8192;
const PLACEHOLDER: i64 = 9_999_999_999;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PadesError {
    #[error("the PDF cannot be read: {0}")]
    Unreadable(String),
    #[error("the PDF has no page to carry the signature")]
    NoPage,
    #[error("the signature does not fit the space kept for it")]
    TooLarge,
    #[error("the document carries no signature")]
    Unsigned,
    #[error("the signature is malformed")]
    Malformed,
    #[error("the document was changed after it was signed")]
    Modified,
    #[error("the signature does not match its certificate")]
    BadSignature,
}

/// What the signature dictionary tells a reader.
#[derive(Debug, Clone)]
pub struct SignatureMeta {
    /// The signer as a person reads it (the unit head's name).
    pub name: String,
    pub reason: String,
    pub location: String,
    pub contact: String,
    pub at: OffsetDateTime,
}

/// A PDF laid out for signing: the signature's space is reserved and its byte range set.
pub struct Prepared {
    bytes: Vec<u8>,
    /// Offsets of the `<` and one past the `>` of the reserved `/Contents`.
    hole: (usize, usize),
}

/// A PDF text string: literal when ASCII, UTF-16BE with its mark otherwise.
fn text(s: &str) -> Object {
    if s.is_ascii() {
        Object::string_literal(s)
    } else {
        let mut bytes = vec![0xfe, 0xff];
        for unit in s.encode_utf16() {
            bytes.extend_from_slice(&unit.to_be_bytes());
        }
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

fn pdf_date(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}Z",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn unreadable(e: impl std::fmt::Display) -> PadesError {
    PadesError::Unreadable(e.to_string())
}

/// Adds an invisible signature field on the first page, with its space reserved, as an
/// incremental update of `pdf` (the original bytes stay as they are).
pub fn prepare(pdf: &[u8], meta: &SignatureMeta) -> Result<Prepared, PadesError> {
    let prev = lopdf::Document::load_mem(pdf).map_err(unreadable)?;
    let root = prev
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(unreadable)?;
    let page = *prev.get_pages().values().next().ok_or(PadesError::NoPage)?;
    let mut inc = lopdf::IncrementalDocument::create_from(pdf.to_vec(), prev);
    inc.opt_clone_object_to_new_document(root)
        .map_err(unreadable)?;
    inc.opt_clone_object_to_new_document(page)
        .map_err(unreadable)?;
    let doc = &mut inc.new_document;

    let mut sig = Dictionary::new();
    sig.set("Type", Object::Name(b"Sig".to_vec()));
    sig.set("Filter", Object::Name(b"Adobe.PPKLite".to_vec()));
    sig.set("SubFilter", Object::Name(b"ETSI.CAdES.detached".to_vec()));
    sig.set(
        "ByteRange",
        Object::Array(vec![
            Object::Integer(0),
            Object::Integer(PLACEHOLDER),
            Object::Integer(PLACEHOLDER),
            Object::Integer(PLACEHOLDER),
        ]),
    );
    sig.set(
        "Contents",
        Object::String(vec![0; CONTENTS_BYTES], StringFormat::Hexadecimal),
    );
    sig.set("M", Object::string_literal(pdf_date(meta.at)));
    sig.set("Name", text(&meta.name));
    if !meta.reason.is_empty() {
        sig.set("Reason", text(&meta.reason));
    }
    if !meta.location.is_empty() {
        sig.set("Location", text(&meta.location));
    }
    if !meta.contact.is_empty() {
        sig.set("ContactInfo", text(&meta.contact));
    }
    let sig_id = doc.add_object(sig);

    let mut field = Dictionary::new();
    field.set("Type", Object::Name(b"Annot".to_vec()));
    field.set("Subtype", Object::Name(b"Widget".to_vec()));
    field.set("FT", Object::Name(b"Sig".to_vec()));
    field.set("Rect", Object::Array(vec![Object::Integer(0); 4]));
    field.set("F", Object::Integer(132)); // print, locked
    field.set("T", Object::string_literal("Tanda tangan elektronik"));
    field.set("V", Object::Reference(sig_id));
    field.set("P", Object::Reference(page));
    let field_id = doc.add_object(field);

    let page_dict = doc
        .get_object_mut(page)
        .and_then(Object::as_dict_mut)
        .map_err(unreadable)?;
    match page_dict.get_mut(b"Annots") {
        Ok(Object::Array(annots)) => annots.push(Object::Reference(field_id)),
        _ => page_dict.set("Annots", Object::Array(vec![Object::Reference(field_id)])),
    }
    let catalog = doc
        .get_object_mut(root)
        .and_then(Object::as_dict_mut)
        .map_err(unreadable)?;
    let mut form = Dictionary::new();
    form.set("Fields", Object::Array(vec![Object::Reference(field_id)]));
    form.set("SigFlags", Object::Integer(3)); // signatures exist; append only
    catalog.set("AcroForm", Object::Dictionary(form));
    // ETSI.CAdES.detached is PDF 2.0; older readers learn of it through this extension.
    let mut esic = Dictionary::new();
    esic.set("BaseVersion", Object::Name(b"1.7".to_vec()));
    esic.set("ExtensionLevel", Object::Integer(2));
    let mut extensions = Dictionary::new();
    extensions.set("ESIC", Object::Dictionary(esic));
    catalog.set("Extensions", Object::Dictionary(extensions));

    let mut bytes = Vec::with_capacity(pdf.len() + CONTENTS_BYTES * 2 + 2048);
    inc.save_to(&mut bytes).map_err(unreadable)?;

    let update = pdf.len();
    let mut zeros = vec![b'0'; CONTENTS_BYTES * 2 + 2];
    zeros[0] = b'<';
    let last = zeros.len() - 1;
    zeros[last] = b'>';
    let open = memchr::memmem::find(&bytes[update..], &zeros)
        .map(|i| i + update)
        .ok_or_else(|| unreadable("the signature's space was not written"))?;
    let close = open + zeros.len();
    let range_at = memchr::memmem::find(&bytes[update..], b"/ByteRange")
        .map(|i| i + update)
        .ok_or_else(|| unreadable("the byte range was not written"))?;
    let start = range_at
        + memchr::memchr(b'[', &bytes[range_at..])
            .ok_or_else(|| unreadable("the byte range was not written"))?;
    let end = start
        + memchr::memchr(b']', &bytes[start..])
            .ok_or_else(|| unreadable("the byte range was not written"))?;
    let range = format!("[0 {open} {close} {}", bytes.len() - close);
    let width = end - start;
    if range.len() > width {
        return Err(PadesError::TooLarge);
    }
    bytes[start..end].copy_from_slice(format!("{range:<width$}").as_bytes());
    Ok(Prepared {
        bytes,
        hole: (open, close),
    })
}

impl Prepared {
    /// SHA-256 of everything the signature covers.
    pub fn digest(&self) -> [u8; 32] {
        let mut h = sha2::Sha256::new();
        h.update(&self.bytes[..self.hole.0]);
        h.update(&self.bytes[self.hole.1..]);
        h.finalize().into()
    }

    /// The signed PDF, with `cms` (DER) written into the reserved space.
    pub fn finish(mut self, cms: &[u8]) -> Result<Vec<u8>, PadesError> {
        if cms.len() > CONTENTS_BYTES {
            return Err(PadesError::TooLarge);
        }
        let hex = hex::encode_upper(cms);
        let at = self.hole.0 + 1;
        self.bytes[at..at + hex.len()].copy_from_slice(hex.as_bytes());
        Ok(self.bytes)
    }
}

fn sha256_algorithm() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: ID_SHA256,
        parameters: None,
    }
}

fn attribute(oid: ObjectIdentifier, value_der: &[u8]) -> Result<Attribute, PadesError> {
    let value = Any::from_der(value_der).map_err(|_| PadesError::Malformed)?;
    let mut values = SetOfVec::new();
    values.insert(value).map_err(|_| PadesError::Malformed)?;
    Ok(Attribute { oid, values })
}

/// The signed attributes of a PAdES B-B signature (content type, message digest and the
/// signer's certificate by its hash; no signing time: PAdES keeps it in `/M`), as the DER a
/// signer signs.
pub fn signed_attributes(digest: &[u8; 32], signer: &Certificate) -> Result<Vec<u8>, PadesError> {
    let cert_der = signer.to_der().map_err(|_| PadesError::Malformed)?;
    let cert_hash: [u8; 32] = sha2::Sha256::digest(&cert_der).into();
    // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }, and
    // ESSCertIDv2 ::= SEQUENCE { certHash OCTET STRING } (the hash algorithm defaults to SHA-256).
    let mut signing_certificate = vec![0x30, 0x26, 0x30, 0x24, 0x30, 0x22, 0x04, 0x20];
    signing_certificate.extend_from_slice(&cert_hash);
    let attrs = vec![
        attribute(
            ID_CONTENT_TYPE,
            &ID_DATA.to_der().map_err(|_| PadesError::Malformed)?,
        )?,
        attribute(
            ID_MESSAGE_DIGEST,
            &OctetString::new(digest.to_vec())
                .and_then(|o| o.to_der())
                .map_err(|_| PadesError::Malformed)?,
        )?,
        attribute(ID_SIGNING_CERTIFICATE_V2, &signing_certificate)?,
    ];
    SignedAttributes::try_from(attrs)
        .and_then(|a| a.to_der())
        .map_err(|_| PadesError::Malformed)
}

/// The CMS `SignedData` (DER) of a detached signature: `signed_attrs` as [`signed_attributes`]
/// gave them, the signer's ECDSA signature over them, and the chain, signer first.
pub fn assemble(
    signed_attrs: &[u8],
    signature: &[u8],
    chain: &[Certificate],
) -> Result<Vec<u8>, PadesError> {
    let signer = chain.first().ok_or(PadesError::Malformed)?;
    let signed_attrs =
        SignedAttributes::from_der(signed_attrs).map_err(|_| PadesError::Malformed)?;
    let info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: signer.tbs_certificate.issuer.clone(),
            serial_number: signer.tbs_certificate.serial_number.clone(),
        }),
        digest_alg: sha256_algorithm(),
        signed_attrs: Some(signed_attrs),
        signature_algorithm: AlgorithmIdentifierOwned {
            oid: ECDSA_WITH_SHA256,
            parameters: None,
        },
        signature: OctetString::new(signature.to_vec()).map_err(|_| PadesError::Malformed)?,
        unsigned_attrs: None,
    };
    let mut certificates = SetOfVec::new();
    for c in chain {
        certificates
            .insert(CertificateChoices::Certificate(c.clone()))
            .map_err(|_| PadesError::Malformed)?;
    }
    let mut digests = SetOfVec::new();
    digests
        .insert(sha256_algorithm())
        .map_err(|_| PadesError::Malformed)?;
    let mut infos = SetOfVec::new();
    infos.insert(info).map_err(|_| PadesError::Malformed)?;
    let signed = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: digests,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: ID_DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet(certificates)),
        crls: None,
        signer_infos: SignerInfos(infos),
    };
    ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::encode_from(&signed).map_err(|_| PadesError::Malformed)?,
    }
    .to_der()
    .map_err(|_| PadesError::Malformed)
}

/// Signs `pdf` with a local key whose certificate chain is `chain` (signer first).
pub fn sign_with(
    pdf: &[u8],
    meta: &SignatureMeta,
    key: &Key,
    chain: &[Certificate],
) -> Result<Vec<u8>, PadesError> {
    let prepared = prepare(pdf, meta)?;
    let signer = chain.first().ok_or(PadesError::Malformed)?;
    let attrs = signed_attributes(&prepared.digest(), signer)?;
    let signature = key.sign_der(&attrs);
    let cms = assemble(&attrs, &signature, chain)?;
    prepared.finish(&cms)
}

/// What a valid signature tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The signer's certificate (the first of the chain carried).
    pub signer: Certificate,
    /// Every certificate the signature carries.
    pub chain: Vec<Certificate>,
}

/// Checks a CMS detached signature against the digest of what it covers; without `digest`,
/// only that the signer's certificate signed the attributes (a stored record's own check).
pub fn verify_cms(cms: &[u8], digest: Option<&[u8; 32]>) -> Result<Verified, PadesError> {
    let mut reader = der::SliceReader::new(cms).map_err(|_| PadesError::Malformed)?;
    let info: ContentInfo = der::Decode::decode(&mut reader).map_err(|_| PadesError::Malformed)?;
    if info.content_type != ID_SIGNED_DATA {
        return Err(PadesError::Malformed);
    }
    let signed: SignedData = info
        .content
        .decode_as()
        .map_err(|_| PadesError::Malformed)?;
    let chain: Vec<Certificate> = signed
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|c| match c {
            CertificateChoices::Certificate(c) => Some(c.clone()),
            _ => None,
        })
        .collect();
    let si = signed
        .signer_infos
        .0
        .iter()
        .next()
        .ok_or(PadesError::Malformed)?;
    let SignerIdentifier::IssuerAndSerialNumber(id) = &si.sid else {
        return Err(PadesError::Malformed);
    };
    let signer = chain
        .iter()
        .find(|c| {
            c.tbs_certificate.serial_number == id.serial_number
                && c.tbs_certificate.issuer == id.issuer
        })
        .ok_or(PadesError::Malformed)?
        .clone();
    let attrs = si.signed_attrs.as_ref().ok_or(PadesError::Malformed)?;
    if let Some(digest) = digest {
        let stated = attrs
            .iter()
            .find(|a| a.oid == ID_MESSAGE_DIGEST)
            .and_then(|a| a.values.iter().next())
            .and_then(|v| v.decode_as::<OctetString>().ok())
            .ok_or(PadesError::Malformed)?;
        if stated.as_bytes() != digest {
            return Err(PadesError::Modified);
        }
    }
    let key = domain::public_key(&signer).map_err(|_| PadesError::BadSignature)?;
    let sig = p256::ecdsa::Signature::from_der(si.signature.as_bytes())
        .map_err(|_| PadesError::BadSignature)?;
    let message = attrs.to_der().map_err(|_| PadesError::Malformed)?;
    p256::ecdsa::signature::Verifier::verify(&key, &message, &sig)
        .map_err(|_| PadesError::BadSignature)?;
    let mut ordered = vec![signer.clone()];
    ordered.extend(chain.into_iter().filter(|c| *c != signer));
    Ok(Verified {
        signer,
        chain: ordered,
    })
}

/// The last signature of a PDF: its CMS bytes and the digest of what it covers. Fails with
/// [`PadesError::Modified`] if bytes were added after it.
pub fn extract(pdf: &[u8]) -> Result<(Vec<u8>, [u8; 32]), PadesError> {
    let at = memchr::memmem::rfind(pdf, b"/ByteRange").ok_or(PadesError::Unsigned)?;
    let open = at + memchr::memchr(b'[', &pdf[at..]).ok_or(PadesError::Malformed)?;
    let close = open + memchr::memchr(b']', &pdf[open..]).ok_or(PadesError::Malformed)?;
    let numbers: Vec<usize> = std::str::from_utf8(&pdf[open + 1..close])
        .map_err(|_| PadesError::Malformed)?
        .split_ascii_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map_err(|_| PadesError::Malformed)?;
    let [a, b, c, d] = numbers[..] else {
        return Err(PadesError::Malformed);
    };
    let fits = a == 0 && b < c && c.checked_add(d) == Some(pdf.len()) && b + 2 <= c;
    if !fits {
        return Err(PadesError::Modified);
    }
    if pdf[b] != b'<' || pdf[c - 1] != b'>' {
        return Err(PadesError::Malformed);
    }
    let hex_text = &pdf[b + 1..c - 1];
    let cms = hex::decode(hex_text).map_err(|_| PadesError::Malformed)?;
    let mut h = sha2::Sha256::new();
    h.update(&pdf[..b]);
    h.update(&pdf[c..]);
    Ok((cms, h.finalize().into()))
}

/// Checks a signed PDF as a validator does: the signature covers the whole file, the digest
/// matches, and the signer's certificate signed it.
pub fn verify(pdf: &[u8]) -> Result<Verified, PadesError> {
    let (cms, digest) = extract(pdf)?;
    verify_cms(&cms, Some(&digest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::domain::{Subject, issue_authority, issue_signer};

    pub(crate) fn sample_pdf() -> Vec<u8> {
        let mut doc = crate::pdf::Document::new("Surat uji");
        let page = doc.add_page(210.0, 297.0);
        page.text(
            crate::pdf::BuiltinFont::Helvetica,
            12.0,
            20.0,
            270.0,
            "Surat keterangan",
        );
        doc.save().unwrap()
    }

    fn chain() -> (Key, Vec<Certificate>) {
        let ca_key = Key::generate();
        let subject = |cn: &str| Subject {
            common_name: cn.into(),
            organisation: "Pemerintah Kabupaten Trenggalek".into(),
            unit: String::new(),
        };
        let ca = issue_authority(&ca_key, &subject("Otoritas"), 1_790_000_000_000).unwrap();
        let key = Key::generate();
        let cert = issue_signer(
            &ca_key,
            &ca,
            &key,
            &subject("Kepala Desa"),
            1_790_000_000_000,
        )
        .unwrap();
        (key, vec![cert, ca])
    }

    fn meta() -> SignatureMeta {
        SignatureMeta {
            name: "Sri Wahyuni".into(),
            reason: "Surat keterangan domisili".into(),
            location: "Trenggalek".into(),
            contact: String::new(),
            at: OffsetDateTime::from_unix_timestamp(1_790_000_000).unwrap(),
        }
    }

    #[test]
    fn a_signed_pdf_verifies_and_any_changed_byte_is_caught() {
        let (key, chain) = chain();
        let pdf = sample_pdf();
        let signed = sign_with(&pdf, &meta(), &key, &chain).unwrap();
        assert!(
            signed.starts_with(&pdf),
            "an incremental update keeps the original bytes"
        );
        let v = verify(&signed).unwrap();
        assert_eq!(v.signer, chain[0]);
        assert_eq!(v.chain.len(), 2);
        // A changed byte in the original part, and one in the update.
        for at in [pdf.len() / 2, signed.len() - 40] {
            let mut tampered = signed.clone();
            tampered[at] ^= 0x01;
            assert!(verify(&tampered).is_err(), "byte {at} changed");
        }
        // Bytes appended after the signature.
        let mut appended = signed.clone();
        appended.extend_from_slice(b"\n% more\n");
        assert_eq!(verify(&appended), Err(PadesError::Modified));
        assert_eq!(verify(&pdf), Err(PadesError::Unsigned));
        // Lopdf still reads the signed file.
        assert!(lopdf::Document::load_mem(&signed).is_ok());
    }

    #[test]
    fn a_record_s_signature_checks_without_the_file() {
        let (key, chain) = chain();
        let signed = sign_with(&sample_pdf(), &meta(), &key, &chain).unwrap();
        let (cms, digest) = extract(&signed).unwrap();
        assert!(verify_cms(&cms, None).is_ok());
        assert!(verify_cms(&cms, Some(&digest)).is_ok());
        assert_eq!(verify_cms(&cms, Some(&[0; 32])), Err(PadesError::Modified));
        assert_eq!(
            verify_cms(b"\x30\x03\x02\x01\x00", None),
            Err(PadesError::Malformed)
        );
    }
}

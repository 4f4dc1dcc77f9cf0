//! Signed documents anyone can check with standard tools, on SQLite and PostgreSQL: a letter, a
//! festival certificate and an auction ticket each carry a PAdES signature that pyHanko and
//! poppler's pdfsig judge valid against the chain published at `/.well-known/pki/`, and invalid
//! after any changed byte. A head's key rotation keeps old letters valid.

use crate::both_backends;
use crate::desk::{NGLINGGIS, citizen_submits, request_id, step};
use crate::support::*;
use std::path::Path;

both_backends!(letters_certificates_and_tickets_validate_with_standard_tools);

/// What pyHanko says of a file: `Some((valid, summary))`, `None` where it is not installed
/// (allowed outside CI only).
fn pyhanko(file: &Path, chain: &Path) -> Option<(bool, String)> {
    let out = std::process::Command::new("pyhanko")
        .args([
            "sign",
            "validate",
            "--executive-summary",
            "--no-revocation-check",
        ])
        .arg("--trust")
        .arg(chain)
        .arg("--trust-replace")
        .arg(file)
        .output();
    match out {
        Ok(out) => {
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            Some((out.status.success() && text.contains(":VALID"), text))
        }
        Err(e) => {
            assert!(
                !ci(),
                "pyhanko needed under CI (pip install pyhanko pyhanko-cli): {e}"
            );
            None
        }
    }
}

/// What poppler's pdfsig says of a file.
fn pdfsig(file: &Path) -> Option<String> {
    match std::process::Command::new("pdfsig").arg(file).output() {
        Ok(out) => Some(String::from_utf8_lossy(&out.stdout).to_string()),
        Err(e) => {
            assert!(!ci(), "pdfsig needed under CI (poppler-utils): {e}");
            None
        }
    }
}

/// Checks one signed PDF with both validators, then a copy with one byte changed.
fn validates(dir: &Path, name: &str, bytes: &[u8], chain: &Path, signer: &str) {
    let file = dir.join(format!("{name}.pdf"));
    std::fs::write(&file, bytes).unwrap();
    if let Some((valid, summary)) = pyhanko(&file, chain) {
        assert!(valid, "pyHanko judges {name} valid: {summary}");
    }
    if let Some(report) = pdfsig(&file) {
        assert!(
            report.contains("Signature Validation: Signature is Valid.")
                && report.contains("Total document signed")
                && report.contains("ETSI.CAdES.detached")
                && report.contains(signer),
            "pdfsig on {name}: {report}"
        );
    }
    // One changed byte in the signed content: halfway to the signature's own bytes.
    let mut tampered = bytes.to_vec();
    let text = String::from_utf8_lossy(bytes);
    let range = &text[text.rfind("/ByteRange").unwrap()..];
    let hole: usize = range[range.find('[').unwrap() + 1..range.find(']').unwrap()]
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    tampered[hole / 2] ^= 0x01;
    let file = dir.join(format!("{name}-changed.pdf"));
    std::fs::write(&file, &tampered).unwrap();
    if let Some((valid, summary)) = pyhanko(&file, chain) {
        assert!(
            !valid,
            "pyHanko catches the changed byte in {name}: {summary}"
        );
    }
    if let Some(report) = pdfsig(&file) {
        assert!(
            !report.contains("Signature is Valid."),
            "pdfsig catches the changed byte in {name}: {report}"
        );
    }
}

async fn bytes_of(c: &reqwest::Client, url: &str) -> Vec<u8> {
    let r = c.get(url).send().await.unwrap();
    assert_eq!(r.status(), 200, "{url}");
    assert_eq!(r.headers()["content-type"], "application/pdf", "{url}");
    r.bytes().await.unwrap().to_vec()
}

/// A citizen's domicile letter, signed by the Nglinggis head; returns (PDF, verification code).
async fn signed_letter(app: &TestApp, kades: &reqwest::Client) -> (Vec<u8>, String) {
    let citizen = app.client();
    let tracking = citizen_submits(app, &citizen).await;
    let id = request_id(app, &tracking).await;
    let sekdes = app.signed_in("sekdes.nglinggis@anjungan.test").await;
    assert_eq!(step(app, &sekdes, id, "verify", "").await.status(), 303);
    assert_eq!(step(app, kades, id, "sign", "").await.status(), 303);
    let letter = anjungan_desk::store::letters::for_request(&app.state.db, id)
        .await
        .unwrap()
        .unwrap();
    let pdf = bytes_of(
        &citizen,
        &app.url(&format!("/layanan/lacak/{tracking}/surat.pdf")),
    )
    .await;
    (pdf, letter.code)
}

/// The Nglinggis head asks for a new key and certificate on the key page.
async fn rotate_head_key(app: &TestApp, kades: &reqwest::Client) {
    let page = format!("/layanan/kelola/{NGLINGGIS}/kunci");
    let csrf = app.csrf(kades, &page).await;
    let r = kades
        .post(app.url(&page))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
}

async fn letters_certificates_and_tickets_validate_with_standard_tools(app: TestApp) {
    let guest = app.client();
    // The chain is published for validators to trust.
    let r = guest
        .get(app.url("/.well-known/pki/ca.pem"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"],
        "application/pem-certificate-chain"
    );
    let pem = r.text().await.unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    let der = guest
        .get(app.url("/.well-known/pki/ca.crt"))
        .send()
        .await
        .unwrap();
    assert_eq!(der.headers()["content-type"], "application/pkix-cert");
    let der = der.bytes().await.unwrap();
    let ca = anjungan_kernel::pki::domain::from_der(&der).unwrap();
    assert!(
        anjungan_kernel::pki::domain::subject_text(&ca).contains("Trenggalek"),
        "the authority is the regency's"
    );
    let dir = tempfile::tempdir().unwrap();
    let chain = dir.path().join("ca.pem");
    std::fs::write(&chain, &pem).unwrap();

    // A letter, signed in the head's name.
    let kades = app.signed_in("kades.nglinggis@anjungan.test").await;
    let (letter, code) = signed_letter(&app, &kades).await;
    let v = anjungan_kernel::pki::pades::verify(&letter).unwrap();
    let head_cert = anjungan_kernel::pki::domain::fingerprint(&v.signer);
    assert!(anjungan_kernel::pki::domain::issued_by(&v.signer, &ca));
    validates(dir.path(), "surat", &letter, &chain, "CN=");
    // The verification API publishes the signature and its algorithm.
    let json = app
        .get_json(&format!("/api/v1/layanan/letters/{code}"))
        .await;
    assert_eq!(json["authentic"], true, "{json}");
    assert!(
        json["signature_algorithm"]
            .as_str()
            .unwrap()
            .starts_with("PAdES-B-B"),
        "{json}"
    );
    assert_eq!(json["letter"]["scheme"], "pades-b-b");
    assert_eq!(json["letter"]["public_key"], head_cert.as_str());
    assert!(json["letter"]["signature"].as_str().unwrap().len() > 500);
    assert!(
        json["certificate_chain"]
            .as_str()
            .unwrap()
            .ends_with("/.well-known/pki/ca.pem")
    );
    let page = app.page(&guest, &format!("/verifikasi/{code}")).await;
    assert!(
        page.contains("data-authentic=\"true\"")
            && page.contains("PAdES-B-B")
            && page.contains("/.well-known/pki/ca.pem"),
        "{page}"
    );

    // The head rotates the key: the old letter still validates, a new one is signed anew.
    rotate_head_key(&app, &kades).await;
    let (second, _) = signed_letter(&app, &kades).await;
    let v2 = anjungan_kernel::pki::pades::verify(&second).unwrap();
    assert_ne!(
        anjungan_kernel::pki::domain::fingerprint(&v2.signer),
        head_cert,
        "a new certificate signs after the rotation"
    );
    validates(dir.path(), "surat-2", &second, &chain, "CN=");
    let file = dir.path().join("surat-lama.pdf");
    std::fs::write(&file, &letter).unwrap();
    if let Some((valid, summary)) = pyhanko(&file, &chain) {
        assert!(valid, "the letter signed before the rotation: {summary}");
    }
    let keys = app
        .page(&kades, &format!("/layanan/kelola/{NGLINGGIS}/kunci"))
        .await;
    assert!(
        keys.contains(&head_cert),
        "the retired certificate is listed"
    );

    // The authority itself rotates (`anjungan pki rotate-authority`): both stay published, so
    // what the old one certified still validates, and the head's next certificate is the new
    // authority's.
    anjungan_kernel::pki::rotate_authority(&app.state.db, &app.state.keys)
        .await
        .unwrap();
    let pem = app.page(&guest, "/.well-known/pki/ca.pem").await;
    assert_eq!(pem.matches("BEGIN CERTIFICATE").count(), 2, "{pem}");
    std::fs::write(&chain, &pem).unwrap();
    if let Some((valid, summary)) = pyhanko(&file, &chain) {
        assert!(
            valid,
            "a letter certified by the retired authority: {summary}"
        );
    }
    rotate_head_key(&app, &kades).await;
    let (third, _) = signed_letter(&app, &kades).await;
    let v3 = anjungan_kernel::pki::pades::verify(&third).unwrap();
    assert!(!anjungan_kernel::pki::domain::issued_by(&v3.signer, &ca));
    validates(dir.path(), "surat-3", &third, &chain, "CN=");

    // A festival certificate, under the festival's seal.
    let award: String = sqlx::query_scalar("SELECT code FROM festival_awards ORDER BY id LIMIT 1")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let certificate = bytes_of(
        &guest,
        &app.url(&format!("/festival/sertifikat/{award}.pdf")),
    )
    .await;
    validates(
        dir.path(),
        "piagam",
        &certificate,
        &chain,
        "Panitia Trenggalek Innovation Festival",
    );

    // An auction ticket, under the auction's seal.
    let ticket: String =
        sqlx::query_scalar("SELECT ticket_code FROM auction_sales ORDER BY id LIMIT 1")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let pdf = bytes_of(
        &guest,
        &app.url(&format!("/lelang/karcis/{ticket}/karcis.pdf")),
    )
    .await;
    validates(
        dir.path(),
        "karcis",
        &pdf,
        &chain,
        "Lelang Ikan Online Kabupaten Trenggalek",
    );
}

//! Outgoing HTTP (the WhatsApp and SMS gateways' webhooks; the tests' clients too).

use std::sync::Arc;

/// A client builder on rustls with ring and the bundled Mozilla roots (webpki-roots): the TLS
/// the mailer uses, so there is one crypto library in the binary and trust does not depend on
/// the host's certificate store. reqwest is built without a provider of its own and panics when
/// a client is built without one, so every client starts here.
pub fn client() -> Result<reqwest::ClientBuilder, rustls::Error> {
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(reqwest::Client::builder().tls_backend_preconfigured(tls))
}

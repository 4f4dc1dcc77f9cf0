//! The JSON API's description: OpenAPI 3.1 assembled from the routes themselves, so every API
//! route is documented where it is declared.

use super::AppState;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Anjungan API",
        version = env!("CARGO_PKG_VERSION"),
        description = "The public-service innovation platform of Kabupaten Trenggalek. Errors are RFC 9457 problem details (application/problem+json). State-changing calls need a bearer token (`anjungan token create`).",
        license(name = "AGPL-3.0-or-later")
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "identity", description = "Accounts and roles"),
        (name = "organisations", description = "The regency, districts, villages, wards and agencies"),
        (name = "audit", description = "The append-only audit log"),
        (name = "outbox", description = "Notification delivery"),
        (name = "files", description = "Uploaded documents and images")
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The kernel adds nothing here beyond its resources' routes; rooms merge theirs the same way.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
}

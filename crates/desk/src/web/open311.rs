//! Open311 GeoReport v2 at `/open311/v2/`.

use anjungan_kernel::web::AppState;
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}

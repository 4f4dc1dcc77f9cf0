//! The catalogue as CSV and XLSX, columns in the order of the national regional-innovation profile.

use crate::domain::Status;
use crate::store::{self, Filter};
use anjungan_kernel::export::{csv, xlsx};
use anjungan_kernel::web::{AppError, AppState, Ctx, WebResult};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().route("/inovasi/ekspor/{file}", get(download))
}

async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(file): Path<String>,
    Query(f): Query<Filter>,
) -> WebResult<Response> {
    let t = ctx.tr();
    let items = store::list(
        &state.db,
        &[Status::Verified],
        None,
        &f.normalised(),
        100_000,
        0,
    )
    .await?;
    let (header, rows) = crate::render::catalogue::table(&items, &t);
    let attachment = |ct: &'static str, name: &str, body: Vec<u8>| {
        (
            [
                (header::CONTENT_TYPE, ct.to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            body,
        )
            .into_response()
    };
    match file.as_str() {
        "inovasi.csv" => Ok(attachment(
            "text/csv; charset=utf-8",
            "inovasi-trenggalek.csv",
            csv(&header, &rows).into_bytes(),
        )),
        "inovasi.xlsx" => {
            let bytes = xlsx(&header, &rows).map_err(|e| {
                AppError::from(anjungan_kernel::Error::Internal(anyhow::anyhow!("{e}")))
            })?;
            Ok(attachment(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "inovasi-trenggalek.xlsx",
                bytes,
            ))
        }
        _ => Err(AppError::not_found()),
    }
}

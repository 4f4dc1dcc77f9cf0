//! The catalogue as CSV and XLSX, columns in the order of the national regional-innovation profile.

use crate::domain::Status;
use crate::store::{self, Filter};
use anjungan_kernel::export::{Cell, csv, xlsx};
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
    let fields = [
        "name",
        "org",
        "stage",
        "initiator",
        "kind",
        "form",
        "affair",
        "trial_date",
        "implementation_date",
        "design",
        "goal",
        "benefit",
        "result",
        "sdgs",
        "video_url",
        "vision",
        "regulation",
    ];
    let header: Vec<String> = fields
        .iter()
        .map(|f| t.s(&format!("innovation.field.{f}")).to_string())
        .collect();
    let rows: Vec<Vec<Cell>> = items
        .iter()
        .filter_map(|i| i.profile.as_ref().map(|p| (i, p)))
        .map(|(i, p)| {
            let txt = |s: String| Cell::Text(s);
            vec![
                txt(p.name.clone()),
                txt(i.org_name.clone()),
                txt(t.s(&p.stage.key()).into()),
                txt(t.s(&p.initiator.key()).into()),
                txt(t.s(&p.kind.key()).into()),
                txt(t.s(&p.form.key()).into()),
                txt(t.s(&p.affair.key()).into()),
                p.trial_date
                    .map(|d| txt(d.to_string()))
                    .unwrap_or(Cell::Empty),
                p.implementation_date
                    .map(|d| txt(d.to_string()))
                    .unwrap_or(Cell::Empty),
                txt(p.design.clone()),
                txt(p.goal.clone()),
                txt(p.benefit.clone()),
                txt(p.result.clone()),
                txt(p
                    .sdgs
                    .iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")),
                txt(p.video_url.clone()),
                txt(p.vision.clone()),
                txt(p
                    .regulation
                    .as_ref()
                    .map(|r| format!("{} {}/{}", t.s(&r.kind.key()), r.number, r.year))
                    .unwrap_or_default()),
            ]
        })
        .collect();
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

//! Exports of a unit's survey: responses and results as CSV and XLSX, and the printable report
//! (PDF) in the regulation's structure. Responses carry no respondent profile.

use super::{PeriodQuery, managed_unit};
use crate::domain::{Element, IkmResult, Period, sample_size, weakest};
use crate::store::{self, Unit};
use anjungan_kernel::export::{Cell, csv, xlsx};
use anjungan_kernel::i18n::Tr;
use anjungan_kernel::web::{AppError, AppState, Ctx, WebResult};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().route("/ikm/kelola/{id}/unduh/{file}", get(download))
}

fn internal(e: impl std::fmt::Display) -> AppError {
    anjungan_kernel::Error::Internal(anyhow::anyhow!("export: {e}")).into()
}

fn attachment(content_type: &'static str, name: String, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, file)): Path<(i64, String)>,
    Query(q): Query<PeriodQuery>,
) -> WebResult<Response> {
    let unit = managed_unit(&state, &ctx, id).await?;
    let period = q.period()?;
    let stem = format!("ikm-{}-{}", unit.code, period.key().replace("..", "_"));
    let tr = ctx.tr();
    match file.as_str() {
        "jawaban.csv" => {
            let (header, rows) = responses_table(&state, &unit, &period, tr).await?;
            Ok(attachment(
                "text/csv; charset=utf-8",
                format!("{stem}-jawaban.csv"),
                csv(&header, &rows).into_bytes(),
            ))
        }
        "jawaban.xlsx" => {
            let (header, rows) = responses_table(&state, &unit, &period, tr).await?;
            Ok(attachment(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                format!("{stem}-jawaban.xlsx"),
                xlsx(&header, &rows).map_err(internal)?,
            ))
        }
        "hasil.csv" => {
            let (header, rows) = results_table(&state, &unit, &period, tr).await?;
            Ok(attachment(
                "text/csv; charset=utf-8",
                format!("{stem}-hasil.csv"),
                csv(&header, &rows).into_bytes(),
            ))
        }
        "hasil.xlsx" => {
            let (header, rows) = results_table(&state, &unit, &period, tr).await?;
            Ok(attachment(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                format!("{stem}-hasil.xlsx"),
                xlsx(&header, &rows).map_err(internal)?,
            ))
        }
        "laporan.pdf" => {
            let pdf = report_pdf(&state, &unit, &period, tr).await?;
            Ok(attachment(
                "application/pdf",
                format!("{stem}-laporan.pdf"),
                pdf,
            ))
        }
        _ => Err(AppError::not_found()),
    }
}

async fn responses_table(
    state: &AppState,
    unit: &Unit,
    period: &Period,
    tr: Tr,
) -> Result<(Vec<String>, Vec<Vec<Cell>>), AppError> {
    let questions = store::extra_questions(&state.db, unit.org_id).await?;
    let mut header = vec![
        "id".to_string(),
        tr.s("audit.when").to_string(),
        tr.s("survey.channel").to_string(),
        tr.s("survey.service").to_string(),
    ];
    header.extend(Element::ALL.iter().map(|e| e.code().to_string()));
    header.push(tr.s("survey.comment").to_string());
    header.extend(questions.iter().map(|q| q.text.clone()));
    let rows = store::export_rows(&state.db, unit.org_id, period)
        .await?
        .into_iter()
        .map(|r| {
            let mut row = vec![
                Cell::Int(r.id),
                Cell::Text(anjungan_kernel::clock::rfc3339_wib(r.submitted_at)),
                Cell::Text(r.channel),
                Cell::Text(r.service),
            ];
            row.extend(
                r.answers
                    .iter()
                    .map(|a| a.map(Cell::Int).unwrap_or(Cell::Empty)),
            );
            row.push(Cell::Text(r.comment));
            for q in &questions {
                row.push(
                    r.extra
                        .iter()
                        .find(|(id, _)| *id == q.id)
                        .map(|(_, v)| Cell::Text(v.clone()))
                        .unwrap_or(Cell::Empty),
                );
            }
            row
        })
        .collect();
    Ok((header, rows))
}

async fn results_table(
    state: &AppState,
    unit: &Unit,
    period: &Period,
    tr: Tr,
) -> Result<(Vec<String>, Vec<Vec<Cell>>), AppError> {
    let result = crate::service::results::unit_figures(&state.db, unit.org_id, period)
        .await?
        .result;
    Ok(results_rows(&result, tr))
}

/// The regulation's table: per element NRR, NRR × 1/9, the element's score (NRR × 25) and its
/// grade; then the sum of the weighted NRR, the index, its grade and the sample. Every figure is
/// rounded once from the exact value; files carry decimal points so spreadsheets read them.
fn results_rows(result: &IkmResult, tr: Tr) -> (Vec<String>, Vec<Vec<Cell>>) {
    let text =
        |f: Option<crate::domain::Fixed>| f.map(|f| Cell::Text(f.dotted())).unwrap_or(Cell::Empty);
    let header = vec![
        tr.s("survey.element_label").to_string(),
        tr.s("survey.nrr").to_string(),
        tr.s("survey.element_ikm").to_string(),
        tr.s("survey.weighted").to_string(),
        tr.s("survey.element_grade").to_string(),
    ];
    let mut rows: Vec<Vec<Cell>> = Element::ALL
        .iter()
        .map(|e| {
            vec![
                Cell::Text(format!("{} {}", e.code(), tr.s(&e.key("name")))),
                text(result.nrr(*e)),
                text(result.score(*e)),
                text(result.weighted(*e)),
                result
                    .element_grade(*e)
                    .map(|g| Cell::Text(g.letter().to_string()))
                    .unwrap_or(Cell::Empty),
            ]
        })
        .collect();
    rows.push(vec![
        Cell::Text(tr.s("survey.weighted_sum").to_string()),
        Cell::Empty,
        Cell::Empty,
        text(result.weighted_sum()),
        Cell::Empty,
    ]);
    rows.push(vec![
        Cell::Text(tr.s("survey.responses").to_string()),
        Cell::Int(result.responses),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
    ]);
    rows.push(vec![
        Cell::Text(tr.s("survey.ikm").to_string()),
        text(result.ikm_fixed()),
        Cell::Text(super::grade_or_sample(tr, result)),
        Cell::Empty,
        result
            .grade()
            .map(|g| Cell::Text(g.letter().to_string()))
            .unwrap_or(Cell::Empty),
    ]);
    (header, rows)
}

/// The report of PermenPANRB 14/2017's structure: method, respondent profile, results per
/// element, IKM and grade, analysis, follow-up plan. Drawn by [`crate::render::report_pdf`].
async fn report_pdf(
    state: &AppState,
    unit: &Unit,
    period: &Period,
    tr: Tr,
) -> Result<Vec<u8>, AppError> {
    use crate::render::report_pdf::{Block, Report, render};
    let db = &state.db;
    let figures = crate::service::results::unit_figures(db, unit.org_id, period).await?;
    let result: IkmResult = figures.result;
    let served = figures.served;
    let actions = store::actions(db, unit.org_id).await?;
    let mut blocks = vec![
        Block::Title(format!("{} — {}", tr.s("survey.title"), unit.name)),
        Block::Text(format!("{}: {}", tr.s("survey.period"), period.label(tr))),
        Block::Section(format!("1. {}", tr.s("survey.report.method"))),
        Block::Text(tr.s("survey.report.method_text").to_string()),
        Block::Text(format!(
            "{}: {}",
            tr.s("survey.responses"),
            result.responses
        )),
    ];
    if let Some(s) = served {
        blocks.push(Block::Text(format!(
            "{}: {s}; {}: {}",
            tr.s("survey.served"),
            tr.s("survey.report.sample_min"),
            sample_size(s.max(0) as u64)
        )));
    }
    blocks.push(Block::Section(format!(
        "2. {}",
        tr.s("survey.report.profile")
    )));
    for c in &figures.publication.groups {
        let shown = if c.published {
            c.count.to_string()
        } else {
            tr.s("survey.fewer_than_5").to_string()
        };
        let dim = c.group.dimension.code();
        let label = super::group_value_label(tr, dim, &c.group.value);
        blocks.push(Block::Text(format!(
            "   {}: {label} — {shown}",
            tr.s(&format!("survey.{dim}"))
        )));
    }
    blocks.push(Block::Section(format!(
        "3. {}",
        tr.s("survey.report.results")
    )));
    let (_, table) = results_rows(&result, tr);
    let cell = |c: &Cell| match c {
        Cell::Text(t) => t.clone(),
        Cell::Int(i) => i.to_string(),
        _ => String::new(),
    };
    blocks.push(Block::Text(format!(
        "   {} | {} | {} | {} | {}",
        tr.s("survey.element_label"),
        tr.s("survey.nrr"),
        tr.s("survey.element_ikm"),
        tr.s("survey.weighted"),
        tr.s("survey.element_grade")
    )));
    for row in table.iter().take(Element::ALL.len() + 1) {
        blocks.push(Block::Text(format!(
            "   {}",
            row.iter()
                .map(cell)
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(" | ")
        )));
    }
    blocks.push(Block::Section(format!(
        "4. {}",
        tr.s("survey.report.index")
    )));
    blocks.push(Block::Text(match result.ikm_fixed() {
        Some(ikm) => format!(
            "{} = {}  —  {}",
            tr.s("survey.ikm_formula"),
            ikm.dotted(),
            super::grade_or_sample(tr, &result)
        ),
        None => tr.s("survey.no_data").to_string(),
    }));
    blocks.push(Block::Section(format!(
        "5. {}",
        tr.s("survey.report.analysis")
    )));
    for e in weakest(&result, 3) {
        blocks.push(Block::Text(format!(
            "   {} {} (NRR {}): {} — {}",
            e.code(),
            tr.s(&e.key("name")),
            result.nrr_text(e),
            tr.s("survey.component"),
            tr.s(e.component().label_key())
        )));
    }
    blocks.push(Block::Section(format!(
        "6. {}",
        tr.s("survey.report.followup")
    )));
    if actions.is_empty() {
        blocks.push(Block::Text("-".into()));
    }
    for a in &actions {
        blocks.push(Block::Text(format!(
            "   [{}] {} — {} ({}; {})",
            a.element,
            a.action,
            a.owner,
            a.due_date.clone().unwrap_or_default(),
            tr.s(&format!("survey.{}", a.status))
        )));
    }
    render(&Report {
        title: format!("IKM {}", unit.name),
        blocks,
    })
    .map_err(internal)
}

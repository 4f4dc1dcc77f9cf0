//! Figures for the port and the public: the port's daily report (volume and value by species,
//! price statistics, levy collected by account, every ticket) with CSV and XLSX exports, and a
//! species' price history as a chart.

use super::view;
use crate::domain::access::Action;
use crate::domain::catalogue::{format_kg, format_rupiah, parse_asfis};
use crate::render::charts;
use crate::store::catalogue::{self, Port, Species};
use crate::store::reports::{self, LevyTotals, SpeciesPrice};
use crate::store::settlement::{self, Ticket};
use crate::store::{day_of, today};
use anjungan_kernel::clock::{DAY, now_ms};
use anjungan_kernel::export::{Cell, csv, xlsx};
use anjungan_kernel::web::pages::render;
use anjungan_kernel::web::{AppError, AppState, Ctx, Shell, WebResult};
use askama::Template;
use axum::extract::{Path, Query, State as St};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route(
            "/lelang/harga",
            get(price_page).layer(super::public::PUBLIC.layer()),
        )
        .route("/lelang/kelola/laporan/{port}", get(report_page))
        .route("/lelang/kelola/laporan/{port}/karcis.csv", get(report_csv))
        .route(
            "/lelang/kelola/laporan/{port}/karcis.xlsx",
            get(report_xlsx),
        )
}

#[derive(serde::Deserialize, Default)]
struct DayQuery {
    #[serde(default)]
    tanggal: String,
}

fn day_or_today(s: &str) -> String {
    let ok = s.len() == 10
        && time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).is_ok();
    if ok { s.to_string() } else { today() }
}

#[derive(Template)]
#[template(path = "auction_report.html")]
struct ReportPage {
    shell: Shell,
    port: Port,
    day: String,
    species: Vec<SpeciesPrice>,
    levy: LevyTotals,
    tickets: Vec<Ticket>,
}

impl ReportPage {
    fn rp(&self, v: impl std::borrow::Borrow<i64>) -> String {
        format_rupiah(*v.borrow())
    }
    fn kg(&self, v: impl std::borrow::Borrow<i64>) -> String {
        format_kg(*v.borrow())
    }
    fn accounts(&self) -> Vec<(String, String)> {
        self.levy
            .accounts
            .iter()
            .map(|(c, v)| (c.clone(), format_rupiah(*v)))
            .collect()
    }
    fn total_value(&self) -> String {
        format_rupiah(self.species.iter().map(|s| s.value).sum())
    }
    fn total_kg(&self) -> String {
        format_kg(self.species.iter().map(|s| s.grams).sum())
    }
}

async fn staff_port(state: &AppState, ctx: &Ctx, port_id: i64) -> WebResult<Port> {
    let p = ctx.signed_in()?;
    let port = catalogue::port(&state.db, port_id).await?;
    if view::require(state, p, port.org_id, Action::RecordPayment)
        .await
        .is_err()
    {
        view::require(state, p, port.org_id, Action::RunSession).await?;
    }
    Ok(port)
}

async fn report_page(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(port_id): Path<i64>,
    Query(q): Query<DayQuery>,
) -> WebResult<Response> {
    let port = staff_port(&state, &ctx, port_id).await?;
    let day = day_or_today(&q.tanggal);
    render(&ReportPage {
        shell: Shell::new(&ctx),
        species: reports::prices_of_day(&state.db, &day, Some(port.id)).await?,
        levy: reports::levy_of_day(&state.db, port.id, &day).await?,
        tickets: settlement::of_port_day(&state.db, port.id, &day).await?,
        port,
        day,
    })
}

fn ticket_table(tickets: &[Ticket]) -> (Vec<String>, Vec<Vec<Cell>>) {
    let header = [
        "nomor_karcis",
        "waktu",
        "jenis",
        "kode_asfis",
        "berat_gram",
        "harga_per_kg",
        "nilai",
        "retribusi_bakul",
        "retribusi_nelayan",
        "dibayar_bakul",
        "diterima_nelayan",
        "bakul",
        "nelayan",
        "kapal",
        "lunas",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let opt = |v: Option<i64>| v.map(Cell::Int).unwrap_or(Cell::Empty);
    let rows = tickets
        .iter()
        .map(|t| {
            vec![
                Cell::Text(t.ticket_no.clone()),
                Cell::Text(t.when_text()),
                Cell::Text(t.species.clone()),
                Cell::Text(t.species_code.clone()),
                Cell::Int(t.grams),
                Cell::Int(t.price),
                Cell::Int(t.value),
                opt(t.buyer_levy),
                opt(t.seller_levy),
                Cell::Int(t.buyer_pays()),
                Cell::Int(t.seller_receives()),
                Cell::Text(t.buyer.clone()),
                Cell::Text(t.fisher.clone()),
                Cell::Text(t.boat.clone().unwrap_or_default()),
                Cell::Text(if t.paid_at.is_some() { "ya" } else { "tidak" }.into()),
            ]
        })
        .collect();
    (header, rows)
}

async fn report_csv(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(port_id): Path<i64>,
    Query(q): Query<DayQuery>,
) -> WebResult<Response> {
    let port = staff_port(&state, &ctx, port_id).await?;
    let day = day_or_today(&q.tanggal);
    let (h, rows) = ticket_table(&settlement::of_port_day(&state.db, port.id, &day).await?);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"karcis-{}-{day}.csv\"",
                    port.code.to_lowercase()
                ),
            ),
        ],
        csv(&h, &rows),
    )
        .into_response())
}

async fn report_xlsx(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(port_id): Path<i64>,
    Query(q): Query<DayQuery>,
) -> WebResult<Response> {
    let port = staff_port(&state, &ctx, port_id).await?;
    let day = day_or_today(&q.tanggal);
    let (h, rows) = ticket_table(&settlement::of_port_day(&state.db, port.id, &day).await?);
    let bytes = xlsx(&h, &rows)
        .map_err(|e| anjungan_kernel::Error::Internal(anyhow::anyhow!(e.to_string())))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"karcis-{}-{day}.xlsx\"",
                    port.code.to_lowercase()
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "auction_prices.html")]
struct PricePage {
    shell: Shell,
    species: Vec<Species>,
    chosen: String,
    chart: String,
    points: usize,
}

#[derive(serde::Deserialize, Default)]
struct PriceQuery {
    #[serde(default)]
    jenis: String,
}

/// A species' average, lowest and highest price per kg over the last 30 days, as a chart.
async fn price_page(
    St(state): St<AppState>,
    ctx: Ctx,
    Query(q): Query<PriceQuery>,
) -> WebResult<Response> {
    let species = catalogue::species(&state.db).await?;
    let chosen = match parse_asfis(&q.jenis) {
        Ok(c) if species.iter().any(|s| s.code == c) => c,
        Ok(_) => return Err(AppError::not_found()),
        Err(_) => species.first().map(|s| s.code.clone()).unwrap_or_default(),
    };
    let name = species
        .iter()
        .find(|s| s.code == chosen)
        .map(|s| s.local_name.clone())
        .unwrap_or_default();
    let now = now_ms();
    let points = reports::history(
        &state.db,
        &chosen,
        None,
        &day_of(now - 30 * DAY),
        &day_of(now),
    )
    .await?;
    let title = format!(
        "{name} ({chosen}) — {}",
        ctx.tr().s("auction.price_history")
    );
    render(&PricePage {
        shell: Shell::new(&ctx),
        chart: charts::price_history(&title, &points),
        points: points.len(),
        species,
        chosen,
    })
}

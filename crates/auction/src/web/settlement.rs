//! After the hammer on the web: the ticket page that its QR code opens (and that says whether
//! it is authentic), the ticket as PDF, the cashier's desk, a buyer's purchases, and a
//! fisher's payout statement.

use super::view;
use crate::domain::access::{self, Action};
use crate::domain::catalogue::{format_kg, format_rupiah};
use crate::domain::engine::{BuyerId, Command};
use crate::domain::settlement::{PayoutTotals, payout};
use crate::service;
use crate::service::runtime::SharedHall;
use crate::store::catalogue::{self, Port};
use crate::store::settlement::{self, Ticket};
use crate::store::{sessions, today};
use anjungan_kernel::web::pages::render;
use anjungan_kernel::web::{AppError, AppState, Ctx, Shell, WebResult};
use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State as St};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/lelang/karcis/{code}", get(ticket_page))
        .route("/lelang/karcis/{code}/karcis.pdf", get(ticket_pdf))
        .route("/lelang/saya", get(my_purchases))
        .route("/lelang/kelola/kasir", get(cashier))
        .route("/lelang/kelola/kasir/{sale}/bayar", post(record_payment))
        .route("/lelang/kelola/nelayan/{id}", get(payout_page))
}

impl Ticket {
    pub fn kg_text(&self) -> String {
        format_kg(self.grams)
    }
    pub fn price_text(&self) -> String {
        format_rupiah(self.price)
    }
    pub fn value_text(&self) -> String {
        format_rupiah(self.value)
    }
    pub fn buyer_pays_text(&self) -> String {
        format_rupiah(self.buyer_pays())
    }
    pub fn seller_receives_text(&self) -> String {
        format_rupiah(self.seller_receives())
    }
    pub fn levy_text(&self) -> String {
        match (self.buyer_levy, self.seller_levy) {
            (Some(b), Some(s)) => format!("{} / {}", format_rupiah(b), format_rupiah(s)),
            _ => "–".into(),
        }
    }
    pub fn when_text(&self) -> String {
        let t = anjungan_kernel::clock::to_wib(self.at);
        format!(
            "{:02}-{:02}-{} {:02}.{:02} WIB",
            t.day(),
            t.month() as u8,
            t.year(),
            t.hour(),
            t.minute()
        )
    }
}

fn plausible(code: &str) -> bool {
    (8..=64).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

async fn ticket_of(state: &AppState, code: &str) -> WebResult<Ticket> {
    if !plausible(code) {
        return Err(AppError::not_found());
    }
    settlement::by_code(&state.db, code)
        .await?
        .ok_or_else(AppError::not_found)
}

#[derive(Template)]
#[template(path = "auction_ticket.html")]
struct TicketPage {
    shell: Shell,
    t: Ticket,
}

/// The page the ticket's QR code opens: only a ticket the system issued has one.
async fn ticket_page(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> WebResult<Response> {
    let t = ticket_of(&state, &code).await?;
    render(&TicketPage {
        shell: Shell::new(&ctx),
        t,
    })
}

async fn ticket_pdf(St(state): St<AppState>, Path(code): Path<String>) -> WebResult<Response> {
    let t = ticket_of(&state, &code).await?;
    let url = format!(
        "{}/lelang/karcis/{}",
        state.config.base_url.trim_end_matches('/'),
        t.code
    );
    let bytes =
        crate::render::ticket_pdf::render(&t, &url).map_err(anjungan_kernel::Error::Internal)?;
    // Sealed by the auction's electronic seal (PAdES), so any PDF validator checks it.
    let bytes = anjungan_kernel::pki::sign_by_seal(
        &state.db,
        &state.keys,
        "auction",
        "Lelang Ikan Online Kabupaten Trenggalek",
        &bytes,
        &anjungan_kernel::pki::SignatureMeta {
            name: "Lelang Ikan Online Kabupaten Trenggalek".into(),
            reason: format!("Karcis lelang {}", t.ticket_no),
            location: "Trenggalek".into(),
            contact: url.clone(),
            at: time::OffsetDateTime::now_utc(),
        },
    )
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"karcis-{}.pdf\"", t.ticket_no),
            ),
            // A ticket names its buyer and what they owe: never kept by a shared cache.
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "auction_mine.html")]
struct MinePage {
    shell: Shell,
    ports: Vec<(Port, Vec<Ticket>)>,
}

/// A signed-in buyer's purchases at every port, with their tickets.
async fn my_purchases(St(state): St<AppState>, ctx: Ctx) -> WebResult<Response> {
    let p = ctx.signed_in()?;
    let mut ports = Vec::new();
    for port in catalogue::ports(&state.db).await? {
        if let Some(b) =
            catalogue::buyer_of_user(&state.db, &state.keys, port.id, p.user_id.0).await?
        {
            ports.push((port, settlement::of_buyer(&state.db, b.id).await?));
        }
    }
    render(&MinePage {
        shell: Shell::new(&ctx),
        ports,
    })
}

#[derive(Template)]
#[template(path = "auction_cashier.html")]
struct CashierPage {
    shell: Shell,
    desks: Vec<(Port, Vec<Ticket>)>,
    error: Option<String>,
}

async fn cashier_view(
    state: &AppState,
    ctx: &Ctx,
    error: Option<String>,
) -> WebResult<CashierPage> {
    let p = ctx.signed_in()?;
    let mut desks = Vec::new();
    for port in catalogue::ports(&state.db).await? {
        let org = view::port_org(state, port.org_id).await?;
        if access::may(p, org.as_ref(), Action::RecordPayment) {
            let unpaid = settlement::unpaid(&state.db, port.id).await?;
            desks.push((port, unpaid));
        }
    }
    if desks.is_empty() {
        return Err(crate::domain::AuctionError::Forbidden.into());
    }
    Ok(CashierPage {
        shell: Shell::new(ctx),
        desks,
        error,
    })
}

async fn cashier(St(state): St<AppState>, ctx: Ctx) -> WebResult<Response> {
    render(&cashier_view(&state, &ctx, None).await?)
}

/// The cashier records a payment: the ticket is settled, the buyer's room under their limit
/// comes back in a running session, and debts no longer block them.
async fn record_payment(
    St(state): St<AppState>,
    Extension(hall): Extension<SharedHall>,
    ctx: Ctx,
    Path(sale): Path<i64>,
) -> WebResult<Response> {
    let p = ctx.signed_in()?;
    let port_id = settlement::port_of_sale(&state.db, sale)
        .await?
        .ok_or_else(AppError::not_found)?;
    let port = catalogue::port(&state.db, port_id).await?;
    view::require(&state, p, port.org_id, Action::RecordPayment).await?;
    match service::settlement::record_payment(&state.db, &ctx.actor(), sale, port_id).await {
        Ok(t) => {
            let row = sessions::get(&state.db, t.session_id).await?;
            if matches!(row.state.as_str(), "open" | "paused") {
                hall.submit(
                    t.session_id,
                    Command::Paid {
                        buyer: BuyerId(t.buyer_id),
                        amount: t.buyer_pays(),
                    },
                    Some(p.user_id.0),
                )
                .await?;
            }
            hall.refresh_port(port_id).await?;
            Ok(Redirect::to("/lelang/kelola/kasir").into_response())
        }
        Err(e) => {
            let e = AppError::from(e);
            let msg = e.message(ctx.tr());
            let mut resp = render(&cashier_view(&state, &ctx, Some(msg)).await?)?;
            *resp.status_mut() = e.status;
            Ok(resp)
        }
    }
}

#[derive(Template)]
#[template(path = "auction_payout.html")]
struct PayoutPage {
    shell: Shell,
    fisher: String,
    day: String,
    tickets: Vec<Ticket>,
    totals: PayoutTotals,
}

impl PayoutPage {
    fn gross_text(&self) -> String {
        format_rupiah(self.totals.gross)
    }
    fn levy_text(&self) -> String {
        format_rupiah(self.totals.levy)
    }
    fn net_text(&self) -> String {
        format_rupiah(self.totals.net)
    }
}

#[derive(serde::Deserialize, Default)]
struct DayQuery {
    #[serde(default)]
    tanggal: String,
}

/// The fisher's payout statement of a day: staff of the port, or the fisher themself.
async fn payout_page(
    St(state): St<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<DayQuery>,
) -> WebResult<Response> {
    let p = ctx.signed_in()?;
    let (port_id, name, user) = settlement::fisher_of_payout(&state.db, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    if user != Some(p.user_id.0) {
        let port = catalogue::port(&state.db, port_id).await?;
        view::require(&state, p, port.org_id, Action::RecordPayment)
            .await
            .or(view::require(&state, p, port.org_id, Action::RunSession).await)?;
    }
    let day = if q.tanggal.len() == 10 {
        q.tanggal
    } else {
        today()
    };
    let lines = settlement::payout_lines(&state.db, id, &day).await?;
    let totals = payout(&lines.iter().map(|(_, l)| l.clone()).collect::<Vec<_>>());
    render(&PayoutPage {
        shell: Shell::new(&ctx),
        fisher: name,
        day,
        tickets: lines.into_iter().map(|(t, _)| t).collect(),
        totals,
    })
}

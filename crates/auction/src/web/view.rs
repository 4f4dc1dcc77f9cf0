//! What pages and the API share: a lot as a buyer sees it, combining the registered facts with
//! the session's live standing, and who the caller is at the port.

use crate::domain::access;
use crate::domain::catalogue::{Grade, format_kg, format_rupiah};
use crate::domain::engine::{LotId, LotPhase, Phase, Session};
use crate::domain::rules::{Format, value};
use crate::service::runtime::SharedHall;
use crate::store::catalogue::{self, Buyer};
use crate::store::lots::{self, LotRow};
use crate::store::sessions::{self, SessionRow};
use anjungan_kernel::clock::now_ms;
use anjungan_kernel::identity::domain::Principal;
use anjungan_kernel::orgs::domain::OrgRef;
use anjungan_kernel::web::{AppState, WebResult};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = auction::LotView)]
pub struct LotView {
    pub id: i64,
    /// Position in the session, from 1.
    pub number: usize,
    pub species_code: String,
    pub species: String,
    pub grade: Grade,
    pub grams: i64,
    pub fisher: String,
    pub boat: Option<String>,
    pub start_price: i64,
    /// pending, open, sold or unsold.
    pub state: String,
    /// Standing price per kg (ascending), the clock's price now (clock), or the final price.
    pub price: Option<i64>,
    /// The lowest bid per kg the lot accepts now (ascending, open).
    pub minimum: Option<i64>,
    /// The leading (or winning) buyer's paddle number.
    pub leader: Option<i64>,
    pub ends_at: Option<i64>,
    /// Clock: grams still for sale.
    pub remaining: i64,
    pub bids: i64,
    /// Photo digests; each is served at `/berkas/{sha256}`.
    pub photos: Vec<String>,
    /// A running clock as (price it started at, when, step, interval), so a page can let it
    /// fall without asking the server.
    #[serde(skip)]
    pub clock: Option<(i64, i64, i64, i64)>,
    #[serde(skip)]
    pub you_lead: bool,
    /// The lot's last bids, newest first, paddles masked.
    pub history: Vec<HistoryLine>,
}

/// One bid of a lot's history as the page shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = auction::BidHistoryLine)]
pub struct HistoryLine {
    /// `HH:MM:SS` WIB.
    pub time: String,
    /// Rupiah per kg, as written on the page.
    pub price: String,
    /// Rupiah per kg.
    pub price_per_kg: i64,
    /// The buyer's paddle, masked (`#••7`).
    pub paddle: String,
    /// The caller's own bid.
    pub mine: bool,
}

/// Bids shown per lot.
pub const HISTORY_PER_LOT: usize = 10;

/// Adds each lot's bid history from the journal; the viewer's own bids are marked, every
/// other paddle masked.
pub async fn with_history(
    state: &AppState,
    session_id: i64,
    lots: &mut [LotView],
    me: Option<i64>,
) -> WebResult<()> {
    let mut all = crate::service::history::bids(&state.db, session_id, HISTORY_PER_LOT).await?;
    for l in lots.iter_mut() {
        l.history = all
            .remove(&l.id)
            .unwrap_or_default()
            .into_iter()
            .map(|b| HistoryLine {
                time: wib_time(b.at),
                price: crate::domain::catalogue::format_rupiah(b.price),
                price_per_kg: b.price,
                mine: Some(b.buyer) == me,
                paddle: crate::domain::access::masked_paddle(b.buyer),
            })
            .collect();
    }
    Ok(())
}

/// `HH:MM:SS` in Western Indonesian Time (UTC+7, no daylight saving).
fn wib_time(ms: i64) -> String {
    let s = (ms.div_euclid(1000) + 7 * 3600).rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
}

impl LotView {
    pub fn kg(&self) -> String {
        format_kg(self.grams)
    }
    pub fn remaining_kg(&self) -> String {
        format_kg(self.remaining)
    }
    pub fn price_text(&self) -> String {
        self.price.map(format_rupiah).unwrap_or_else(|| "–".into())
    }
    pub fn minimum_text(&self) -> String {
        self.minimum.map(format_rupiah).unwrap_or_default()
    }
    pub fn total_text(&self) -> String {
        self.price
            .map(|p| format_rupiah(value(p, self.grams)))
            .unwrap_or_default()
    }
    pub fn is_open(&self) -> bool {
        self.state == "open"
    }
    pub fn state_key(&self) -> String {
        format!("auction.lot.{}", self.state)
    }
    /// Time left as `m:ss`, from the server's clock.
    pub fn left_text(&self) -> String {
        match (self.ends_at, self.is_open()) {
            (Some(end), true) => {
                let secs = ((end - now_ms()).max(0) + 999) / 1_000;
                format!("{}:{:02}", secs / 60, secs % 60)
            }
            _ => String::new(),
        }
    }
}

/// The session's lots as they stand: from the live engine when it runs, else as recorded.
pub fn lot_views(rows: &[LotRow], live: Option<&Session>, me: Option<i64>) -> Vec<LotView> {
    let now = now_ms();
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            let mut v = LotView {
                id: r.id,
                number: i + 1,
                species_code: r.species_code.clone(),
                species: r.species.clone(),
                grade: r.grade,
                grams: r.grams,
                fisher: r.fisher.clone(),
                boat: r.boat.clone(),
                start_price: r.start_price,
                state: match r.state.as_str() {
                    "registered" | "offered" => "pending".into(),
                    s => s.into(),
                },
                price: r.price,
                minimum: None,
                leader: r.buyer_id,
                ends_at: r.ends_at,
                remaining: r.grams - r.sold_grams,
                bids: r.bids,
                photos: r.photos.clone(),
                clock: None,
                you_lead: false,
                history: Vec::new(),
            };
            if let Some(s) = live
                && let Some(l) = s.lot(LotId(r.id))
            {
                v.state = match l.phase {
                    LotPhase::Pending => "pending",
                    LotPhase::Open => "open",
                    LotPhase::Sold => "sold",
                    LotPhase::Unsold => "unsold",
                }
                .into();
                v.bids = l.bids as i64;
                v.remaining = if l.phase == LotPhase::Pending {
                    l.spec.grams
                } else {
                    l.remaining
                };
                match s.rules.format {
                    Format::Ascending => {
                        v.leader = l.lead.map(|x| x.buyer.0);
                        if l.phase == LotPhase::Open {
                            v.price = l.price;
                            v.minimum = Some(s.minimum_bid(l));
                            v.ends_at = Some(l.ends_at);
                            v.remaining = l.spec.grams;
                        }
                    }
                    Format::Clock => {
                        if l.phase == LotPhase::Open && s.phase == Phase::Open {
                            v.price = s.clock_price(l, now);
                            v.ends_at = None;
                            // Not during a grace window: the price holds still then.
                            if let Some(c) = l.clock.filter(|c| c.grace.is_none()) {
                                v.clock = Some((
                                    c.base,
                                    c.started,
                                    s.rules.clock_step,
                                    s.rules.clock_interval_ms,
                                ));
                            }
                        }
                    }
                }
            }
            v.you_lead = me.is_some() && v.leader == me && v.state != "unsold";
            v
        })
        .collect()
}

/// The session with its lots, reading the live engine when the session is running.
pub async fn session_with_lots(
    state: &AppState,
    hall: &SharedHall,
    id: i64,
    me: Option<i64>,
) -> WebResult<(SessionRow, Vec<LotView>)> {
    let row = sessions::get(&state.db, id).await?;
    let rows = lots::of_session(&state.db, id).await?;
    let views = if matches!(row.state.as_str(), "open" | "paused") {
        let live = hall.live(id).await?;
        live.with(|s| lot_views(&rows, Some(s), me))
    } else {
        lot_views(&rows, None, me)
    };
    Ok((row, views))
}

/// The organisation running a port, for access checks.
pub async fn port_org(state: &AppState, org_id: Option<i64>) -> WebResult<Option<OrgRef>> {
    let Some(id) = org_id else { return Ok(None) };
    Ok(anjungan_kernel::orgs::store::get(&state.db, id)
        .await
        .map_err(anjungan_kernel::Error::from)?
        .map(|o| o.as_ref()))
}

/// The caller's buyer record at the port, if they have one.
pub async fn buyer_at(
    state: &AppState,
    port_id: i64,
    p: Option<&Principal>,
) -> WebResult<Option<Buyer>> {
    match p {
        Some(p) => {
            Ok(catalogue::buyer_of_user(&state.db, &state.keys, port_id, p.user_id.0).await?)
        }
        None => Ok(None),
    }
}

/// Refuses with 403 unless the principal may do `action` at the port.
pub async fn require(
    state: &AppState,
    p: &Principal,
    port_org_id: Option<i64>,
    action: access::Action,
) -> WebResult<()> {
    let org = port_org(state, port_org_id).await?;
    if access::may(p, org.as_ref(), action) {
        Ok(())
    } else {
        Err(crate::domain::AuctionError::Forbidden.into())
    }
}

/// Display helpers for the templates.
impl SessionRow {
    pub fn start_hhmm(&self) -> String {
        super::public::hhmm(self.starts_at)
    }
    pub fn state_key(&self) -> String {
        format!("auction.state.{}", self.state)
    }
    /// Whether the console's command `cmd` applies in this state (others are shown disabled).
    pub fn allows(&self, cmd: &str) -> bool {
        crate::domain::engine::command_allowed(&self.state, cmd)
    }
    /// Cancelling is the dangerous action; pausing and closing are secondary ones.
    pub fn command_style(&self, cmd: &str) -> &'static str {
        match cmd {
            "cancel" => "danger",
            "pause" | "close" => "secondary",
            _ => "",
        }
    }
}

impl LotRow {
    pub fn kg_text(&self) -> String {
        format_kg(self.grams)
    }
    pub fn start_text(&self) -> String {
        format_rupiah(self.start_price)
    }
}

impl crate::store::reports::SpeciesPrice {
    pub fn kg_text(&self) -> String {
        format_kg(self.grams)
    }
    pub fn min_text(&self) -> String {
        format_rupiah(self.min_price)
    }
    pub fn avg_text(&self) -> String {
        format_rupiah(self.avg_price)
    }
    pub fn max_text(&self) -> String {
        format_rupiah(self.max_price)
    }
}

impl Buyer {
    pub fn limit_text(&self) -> String {
        format_rupiah(self.limit())
    }
}

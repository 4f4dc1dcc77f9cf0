//! The auction engine: one session's state and the function `(state, command, now) → events`.
//!
//! Every command of a session — admitting a buyer, a bid, a proxy maximum, a clock stop, a
//! tick, a pause, a withdrawal, the close — goes through [`Session::apply`] in one total order,
//! with the time the sequencer assigned it. Before a command is looked at, everything that time
//! alone decides is settled first (lots whose end has passed close, a clock that fell below its
//! reserve withdraws the lot), so a bid after the close is refused the same way whichever path
//! it came by, and replaying the journal reproduces the state exactly. A refused command leaves
//! the state as it was (apart from what time had already settled) and reports why.

use super::AuctionError;
use super::rules::{Format, Millis, Rules};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[schema(as = auction::BuyerId)]
#[serde(transparent)]
pub struct BuyerId(pub i64);

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[schema(as = auction::LotId)]
#[serde(transparent)]
pub struct LotId(pub i64);

/// Where a bid came from, for the audit trail: the buyer's phone, the API, or the auctioneer
/// entering a bid called in the hall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = auction::Channel)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Web,
    Api,
    Hall,
}

/// A lot as offered: weight, prices per kg and the seller are known before it can be offered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotSpec {
    pub id: LotId,
    pub grams: i64,
    /// Opening price per kg (ascending) or the clock's first price per kg.
    pub start_price: i64,
    /// Below this price per kg the lot is not sold.
    pub reserve: Option<i64>,
}

impl LotSpec {
    pub fn validate(&self) -> Result<(), AuctionError> {
        if self.grams <= 0 || self.grams > 100_000_000 {
            return Err(AuctionError::BadWeight);
        }
        if self.start_price <= 0 || self.start_price > 100_000_000 {
            return Err(AuctionError::BadPrice);
        }
        if let Some(r) = self.reserve
            && (r <= 0 || r > 100_000_000)
        {
            return Err(AuctionError::BadPrice);
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "c", rename_all = "snake_case")]
pub enum Command {
    /// Lets a buyer bid in this session, or updates their limit (deposit + credit), their unpaid
    /// purchases outside this session, and whether unpaid debts block them.
    Admit {
        buyer: BuyerId,
        limit: i64,
        outside: i64,
        blocked: bool,
    },
    AddLot {
        lot: LotSpec,
    },
    Open,
    /// A bid of `amount` per kg: a straight bid, or (`proxy`) a maximum the system bids up to.
    Bid {
        lot: LotId,
        buyer: BuyerId,
        amount: i64,
        proxy: bool,
        channel: Channel,
    },
    /// Stops the descending clock, buying `grams` (or what remains) at the clock's price.
    Stop {
        lot: LotId,
        buyer: BuyerId,
        grams: i64,
        channel: Channel,
    },
    /// Lets time act: closes what has ended, withdraws clocks below their reserve.
    Tick,
    Pause,
    Resume,
    Withdraw {
        lot: LotId,
    },
    /// The cashier recorded a payment for purchases in this session.
    Paid {
        buyer: BuyerId,
        amount: i64,
    },
    /// Ends the session now: open lots go to their leaders (reserve permitting), the rest unsold.
    Close,
    /// Calls the session off: nothing still open is sold.
    Cancel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = auction::Unsold)]
#[serde(rename_all = "snake_case")]
pub enum Unsold {
    NoBids,
    ReserveNotMet,
    Withdrawn,
    Cancelled,
}

/// What happened, in order; numbered by the session so a watcher can resume after the last one
/// it saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = auction::Event)]
#[serde(tag = "e", rename_all = "snake_case")]
pub enum Event {
    Admitted {
        buyer: BuyerId,
    },
    LotAdded {
        lot: LotId,
    },
    Opened {
        at: i64,
    },
    /// An ascending lot is open at `price` until `ends_at` (never past `hard_end`).
    LotOpened {
        lot: LotId,
        price: i64,
        ends_at: i64,
        hard_end: i64,
    },
    /// A bid was accepted; `price` and `leader` are the lot's standing after it, `min` the
    /// lowest bid the lot accepts next.
    Bid {
        lot: LotId,
        buyer: BuyerId,
        price: i64,
        min: i64,
        leader: BuyerId,
        ends_at: i64,
        at: i64,
    },
    /// The descending clock (re)starts at `price` for `grams`, falling `step` per `interval`.
    ClockStarted {
        lot: LotId,
        price: i64,
        at: i64,
        grams: i64,
        step: i64,
        interval: i64,
    },
    /// A buyer stopped the clock and bought `grams` at `price` per kg.
    Filled {
        lot: LotId,
        buyer: BuyerId,
        grams: i64,
        price: i64,
        at: i64,
    },
    Sold {
        lot: LotId,
        buyer: BuyerId,
        price: i64,
        grams: i64,
        at: i64,
    },
    /// The lot (or the clock's remainder of `grams`) is not sold.
    Unsold {
        lot: LotId,
        grams: i64,
        reason: Unsold,
        at: i64,
    },
    Paused {
        at: i64,
    },
    Resumed {
        at: i64,
        shift: i64,
    },
    Closed {
        at: i64,
    },
    Cancelled {
        at: i64,
    },
}

/// A numbered event: numbers start at 1 and have no gaps within a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = auction::Numbered)]
pub struct Numbered {
    pub n: u64,
    #[serde(flatten)]
    pub event: Event,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    Scheduled,
    Open,
    Paused { since: Millis },
    Closed,
}

/// Whether a session in the stored state `state` (`scheduled`, `open`, `paused`, `closed`)
/// accepts the console's command `cmd` (`open`, `pause`, `resume`, `close`, `cancel`): the same
/// rules the engine applies, so the console enables only what would be accepted.
pub fn command_allowed(state: &str, cmd: &str) -> bool {
    matches!(
        (state, cmd),
        ("scheduled", "open")
            | ("open", "pause")
            | ("paused", "resume")
            | ("open" | "paused", "close")
            | ("scheduled" | "open" | "paused", "cancel")
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LotPhase {
    Pending,
    Open,
    Sold,
    Unsold,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lead {
    pub buyer: BuyerId,
    pub max: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    pub base: i64,
    pub started: Millis,
    /// After a stop, further stops until `until` buy at `price`.
    pub grace: Option<(i64, Millis)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lot {
    pub spec: LotSpec,
    pub phase: LotPhase,
    /// Ascending: the standing price per kg once someone bid.
    pub price: Option<i64>,
    pub lead: Option<Lead>,
    pub ends_at: Millis,
    pub hard_end: Millis,
    /// Clock: grams not yet bought.
    pub remaining: i64,
    pub clock: Option<Clock>,
    pub bids: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub limit: i64,
    /// Unpaid purchases from elsewhere (other sessions), as the port's books say: each ticket's
    /// value plus the buyer's levy.
    pub outside: i64,
    /// Unpaid purchases in this session, on the same basis ([`Rules::owed`]: value plus the
    /// buyer's levy).
    pub won: i64,
    /// What they would owe at their maximum for every lot they lead ([`Rules::owed`]).
    pub leading: i64,
    pub blocked: bool,
}

impl Account {
    /// Everything the buyer may still have to pay, levy included; never above `limit` once
    /// the engine accepted a bid or a stop.
    pub fn exposure(&self) -> i64 {
        self.outside
            .saturating_add(self.won)
            .saturating_add(self.leading)
    }

    fn eligible(&self) -> bool {
        !self.blocked && self.limit > self.exposure()
    }
}

/// Hashing for the engine's own integer ids: a multiply-shift instead of SipHash, which
/// guards against hostile keys the engine never sees (ids come from the database).
#[derive(Debug, Default, Clone, Copy)]
pub struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ *b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_i64(&mut self, n: i64) {
        self.0 = (n as u64 ^ self.0)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(29);
    }
}

pub type IdMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<IdHasher>>;

/// A cached hint that speeds the engine up without being part of its state: two sessions that
/// differ only in hints are the same session.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Hint<T>(pub T);

impl<T> PartialEq for Hint<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<T> Eq for Hint<T> {}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub rules: Rules,
    pub phase: Phase,
    pub lots: Vec<Lot>,
    index: IdMap<LotId, usize>,
    pub accounts: IdMap<BuyerId, Account>,
    /// Clock: the lot on the clock now (lots run one after another).
    pub current: Option<usize>,
    /// The latest time the session has seen; time never runs backwards inside it.
    pub now: Millis,
    /// Number of the last event.
    pub last_event: u64,
    /// Lots neither sold nor unsold: the session closes itself when none is left.
    unfinished: usize,
    /// Ascending: no open lot ends before this (a lower bound, so most commands need not look
    /// at every lot to learn that nothing has ended).
    earliest_end: Hint<Millis>,
    /// Clock: no pending lot comes before this position.
    next_pending: usize,
}

/// The result of one command: the events it (and the passing of time) caused, and the reason
/// it was refused, if it was.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub events: Vec<Numbered>,
    pub refused: Option<AuctionError>,
}

impl Outcome {
    pub fn is_accepted(&self) -> bool {
        self.refused.is_none()
    }
}

struct Out<'a> {
    events: &'a mut Vec<Numbered>,
    last: &'a mut u64,
}

impl Out<'_> {
    fn push(&mut self, event: Event) {
        *self.last += 1;
        self.events.push(Numbered {
            n: *self.last,
            event,
        });
    }
}

impl Session {
    pub fn new(rules: Rules) -> Result<Session, AuctionError> {
        rules.validate()?;
        Ok(Session {
            rules,
            phase: Phase::Scheduled,
            lots: Vec::new(),
            index: IdMap::default(),
            accounts: IdMap::default(),
            current: None,
            now: 0,
            last_event: 0,
            unfinished: 0,
            earliest_end: Hint(Millis::MAX),
            next_pending: 0,
        })
    }

    pub fn lot(&self, id: LotId) -> Option<&Lot> {
        self.index.get(&id).map(|&i| &self.lots[i])
    }

    /// The lowest acceptable bid on an ascending lot: the start price, else one step above the
    /// standing price (a bid equal to the current price is never "higher").
    pub fn minimum_bid(&self, lot: &Lot) -> i64 {
        self.rules.minimum_bid(lot.spec.start_price, lot.price)
    }

    /// The clock's price per kg at `at` (its grace price while a grace window runs).
    pub fn clock_price(&self, lot: &Lot, at: Millis) -> Option<i64> {
        let c = lot.clock?;
        if let Some((p, until)) = c.grace
            && at <= until
        {
            return Some(p);
        }
        let steps = (at - c.started).max(0) / self.rules.clock_interval_ms;
        Some(
            c.base
                .saturating_sub(steps.saturating_mul(self.rules.clock_step)),
        )
    }

    fn floor(&self, lot: &Lot) -> i64 {
        lot.spec.reserve.unwrap_or(self.rules.clock_step)
    }

    /// When the clock's price first falls below the lot's floor (its reserve, else one step).
    fn clock_dies_at(&self, lot: &Lot, c: &Clock) -> Millis {
        let floor = self.floor(lot);
        let steps_ok = if c.base < floor {
            -1
        } else {
            (c.base - floor) / self.rules.clock_step
        };
        c.started
            .saturating_add((steps_ok + 1).saturating_mul(self.rules.clock_interval_ms))
    }

    pub fn apply(&mut self, cmd: &Command, now: Millis) -> Outcome {
        let now = now.max(self.now);
        self.now = now;
        let mut events = Vec::new();
        let mut last = self.last_event;
        let refused = {
            let mut out = Out {
                events: &mut events,
                last: &mut last,
            };
            self.advance(now, &mut out);
            self.command(cmd, now, &mut out).err()
        };
        self.last_event = last;
        Outcome { events, refused }
    }

    /// Settles what time alone decides, in the order it happened.
    fn advance(&mut self, now: Millis, out: &mut Out) {
        if self.phase != Phase::Open {
            return;
        }
        match self.rules.format {
            Format::Ascending if now < self.earliest_end.0 => {}
            Format::Ascending => loop {
                let next = self
                    .lots
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| l.phase == LotPhase::Open && l.ends_at <= now)
                    .min_by_key(|(i, l)| (l.ends_at, *i))
                    .map(|(i, l)| (i, l.ends_at));
                let Some((i, at)) = next else {
                    self.earliest_end.0 = self
                        .lots
                        .iter()
                        .filter(|l| l.phase == LotPhase::Open)
                        .map(|l| l.ends_at)
                        .min()
                        .unwrap_or(Millis::MAX);
                    break;
                };
                self.close_ascending(i, at, out);
            },
            Format::Clock => {
                while let Some(i) = self.current {
                    let lot = &self.lots[i];
                    // The lot on the clock always has one.
                    let Some(c) = lot.clock else {
                        break;
                    };
                    if let Some((p, until)) = c.grace {
                        if now <= until {
                            break;
                        }
                        // The grace window is over: restart higher for the remainder, but
                        // never above the lot's start price.
                        let base = self.rules.clock_restart_price(p, lot.spec.start_price);
                        self.start_clock(i, base, until, out);
                        continue;
                    }
                    let dies_at = self.clock_dies_at(lot, &c);
                    if dies_at > now {
                        break;
                    }
                    let remaining = lot.remaining;
                    let reason = if lot.spec.reserve.is_some() {
                        Unsold::ReserveNotMet
                    } else {
                        Unsold::NoBids
                    };
                    self.finish_clock_lot(i, remaining, reason, dies_at, out);
                }
            }
        }
        self.close_if_done(now, out);
    }

    fn close_if_done(&mut self, now: Millis, out: &mut Out) {
        if self.phase == Phase::Open && !self.lots.is_empty() && self.unfinished == 0 {
            self.phase = Phase::Closed;
            out.push(Event::Closed { at: now });
        }
    }

    fn close_ascending(&mut self, i: usize, at: Millis, out: &mut Out) {
        let lot = &mut self.lots[i];
        let id = lot.spec.id;
        let grams = lot.spec.grams;
        match (lot.lead, lot.price) {
            (Some(lead), Some(price)) if lot.spec.reserve.is_none_or(|r| price >= r) => {
                lot.phase = LotPhase::Sold;
                self.unfinished -= 1;
                // Leaders were admitted to bid, and accounts are never removed.
                if let Some(acc) = self.accounts.get_mut(&lead.buyer) {
                    acc.leading -= self.rules.owed(lead.max, grams);
                    acc.won = acc.won.saturating_add(self.rules.owed(price, grams));
                }
                out.push(Event::Sold {
                    lot: id,
                    buyer: lead.buyer,
                    price,
                    grams,
                    at,
                });
            }
            (lead, _) => {
                lot.phase = LotPhase::Unsold;
                self.unfinished -= 1;
                let reason = if let Some(lead) = lead {
                    if let Some(acc) = self.accounts.get_mut(&lead.buyer) {
                        acc.leading -= self.rules.owed(lead.max, grams);
                    }
                    Unsold::ReserveNotMet
                } else {
                    Unsold::NoBids
                };
                out.push(Event::Unsold {
                    lot: id,
                    grams,
                    reason,
                    at,
                });
            }
        }
    }

    fn withdraw_ascending(&mut self, i: usize, at: Millis, reason: Unsold, out: &mut Out) {
        let lot = &mut self.lots[i];
        if let Some(lead) = lot.lead.take()
            && let Some(acc) = self.accounts.get_mut(&lead.buyer)
        {
            acc.leading -= self.rules.owed(lead.max, lot.spec.grams);
        }
        lot.phase = LotPhase::Unsold;
        self.unfinished -= 1;
        out.push(Event::Unsold {
            lot: lot.spec.id,
            grams: lot.spec.grams,
            reason,
            at,
        });
    }

    fn start_clock(&mut self, i: usize, base: i64, at: Millis, out: &mut Out) {
        let lot = &mut self.lots[i];
        lot.phase = LotPhase::Open;
        lot.clock = Some(Clock {
            base,
            started: at,
            grace: None,
        });
        self.current = Some(i);
        out.push(Event::ClockStarted {
            lot: lot.spec.id,
            price: base,
            at,
            grams: lot.remaining,
            step: self.rules.clock_step,
            interval: self.rules.clock_interval_ms,
        });
    }

    /// Ends the lot on the clock (its remainder unsold, if any) and starts the next pending one.
    fn finish_clock_lot(
        &mut self,
        i: usize,
        unsold: i64,
        reason: Unsold,
        at: Millis,
        out: &mut Out,
    ) {
        let lot = &mut self.lots[i];
        lot.clock = None;
        let sold_any = lot.remaining < lot.spec.grams;
        lot.phase = if sold_any {
            LotPhase::Sold
        } else {
            LotPhase::Unsold
        };
        self.unfinished -= 1;
        if unsold > 0 {
            out.push(Event::Unsold {
                lot: lot.spec.id,
                grams: unsold,
                reason,
                at,
            });
        }
        lot.remaining = 0;
        self.current = None;
        self.start_next_clock(at, out);
    }

    fn start_next_clock(&mut self, at: Millis, out: &mut Out) {
        // Lots go on the clock in order, so no pending lot lies before the cursor.
        let from = self.next_pending.min(self.lots.len());
        if let Some(k) = self.lots[from..]
            .iter()
            .position(|l| l.phase == LotPhase::Pending)
        {
            let next = from + k;
            self.next_pending = next + 1;
            let base = self.lots[next].spec.start_price;
            self.start_clock(next, base, at, out);
        } else {
            self.next_pending = self.lots.len();
        }
    }

    /// Opens lot `i` as the `nth` lot of the session to open (its end is staggered by that).
    fn open_ascending(&mut self, i: usize, nth: i64, now: Millis, out: &mut Out) {
        let r = &self.rules;
        let ends_at = now
            .saturating_add(r.lot_duration_ms)
            .saturating_add(nth.saturating_mul(r.stagger_ms));
        let lot = &mut self.lots[i];
        lot.phase = LotPhase::Open;
        lot.ends_at = ends_at;
        lot.hard_end = ends_at.saturating_add(r.max_extension_ms);
        self.earliest_end.0 = self.earliest_end.0.min(ends_at);
        out.push(Event::LotOpened {
            lot: lot.spec.id,
            price: lot.spec.start_price,
            ends_at,
            hard_end: lot.hard_end,
        });
    }

    fn lot_index(&self, id: LotId) -> Result<usize, AuctionError> {
        self.index.get(&id).copied().ok_or(AuctionError::NoSuchLot)
    }

    fn live(&self) -> Result<(), AuctionError> {
        match self.phase {
            Phase::Open => Ok(()),
            Phase::Scheduled => Err(AuctionError::NotOpen),
            Phase::Paused { .. } => Err(AuctionError::Paused),
            Phase::Closed => Err(AuctionError::SessionOver),
        }
    }

    fn bidder(&self, buyer: BuyerId) -> Result<&Account, AuctionError> {
        let acc = self.accounts.get(&buyer).ok_or(AuctionError::NotAdmitted)?;
        if acc.blocked {
            return Err(AuctionError::Blocked);
        }
        Ok(acc)
    }

    fn command(&mut self, cmd: &Command, now: Millis, out: &mut Out) -> Result<(), AuctionError> {
        match *cmd {
            Command::Admit {
                buyer,
                limit,
                outside,
                blocked,
            } => {
                if self.phase == Phase::Closed {
                    return Err(AuctionError::SessionOver);
                }
                if limit < 0 || outside < 0 {
                    return Err(AuctionError::BadAmount);
                }
                if let Some(a) = self.accounts.get(&buyer)
                    && (a.limit, a.outside, a.blocked) == (limit, outside, blocked)
                {
                    // Nothing changes: nothing to record.
                    return Ok(());
                }
                let acc = self.accounts.entry(buyer).or_insert(Account {
                    limit,
                    outside,
                    won: 0,
                    leading: 0,
                    blocked,
                });
                acc.limit = limit;
                acc.outside = outside;
                acc.blocked = blocked;
                out.push(Event::Admitted { buyer });
                Ok(())
            }
            Command::AddLot { ref lot } => {
                if self.phase == Phase::Closed {
                    return Err(AuctionError::SessionOver);
                }
                lot.validate()?;
                if self.index.contains_key(&lot.id) {
                    return Err(AuctionError::DuplicateLot);
                }
                if self.lots.len() >= 10_000 {
                    return Err(AuctionError::TooManyLots);
                }
                let i = self.lots.len();
                self.lots.push(Lot {
                    spec: lot.clone(),
                    phase: LotPhase::Pending,
                    price: None,
                    lead: None,
                    ends_at: 0,
                    hard_end: 0,
                    remaining: lot.grams,
                    clock: None,
                    bids: 0,
                });
                self.index.insert(lot.id, i);
                self.unfinished += 1;
                out.push(Event::LotAdded { lot: lot.id });
                if self.phase == Phase::Open {
                    match self.rules.format {
                        Format::Ascending => {
                            let nth = self
                                .lots
                                .iter()
                                .filter(|l| l.phase != LotPhase::Pending)
                                .count() as i64;
                            self.open_ascending(i, nth, now, out)
                        }
                        Format::Clock if self.current.is_none() => self.start_next_clock(now, out),
                        Format::Clock => {}
                    }
                }
                Ok(())
            }
            Command::Open => {
                match self.phase {
                    Phase::Scheduled => {}
                    Phase::Closed => return Err(AuctionError::SessionOver),
                    _ => return Err(AuctionError::AlreadyOpen),
                }
                if self.lots.is_empty() {
                    return Err(AuctionError::NoLots);
                }
                let have = self.accounts.values().filter(|a| a.eligible()).count() as i64;
                if have < self.rules.min_buyers {
                    return Err(AuctionError::TooFewBuyers {
                        have,
                        need: self.rules.min_buyers,
                    });
                }
                self.phase = Phase::Open;
                out.push(Event::Opened { at: now });
                match self.rules.format {
                    Format::Ascending => {
                        for i in 0..self.lots.len() {
                            self.open_ascending(i, i as i64, now, out);
                        }
                    }
                    Format::Clock => self.start_next_clock(now, out),
                }
                Ok(())
            }
            Command::Bid {
                lot,
                buyer,
                amount,
                proxy,
                channel: _,
            } => self.bid(lot, buyer, amount, proxy, now, out),
            Command::Stop {
                lot,
                buyer,
                grams,
                channel: _,
            } => self.stop(lot, buyer, grams, now, out),
            Command::Tick => Ok(()),
            Command::Pause => {
                self.live()?;
                self.phase = Phase::Paused { since: now };
                out.push(Event::Paused { at: now });
                Ok(())
            }
            Command::Resume => {
                let Phase::Paused { since } = self.phase else {
                    return Err(AuctionError::NotPaused);
                };
                let shift = now - since;
                for lot in self.lots.iter_mut().filter(|l| l.phase == LotPhase::Open) {
                    lot.ends_at = lot.ends_at.saturating_add(shift);
                    lot.hard_end = lot.hard_end.saturating_add(shift);
                    if let Some(c) = lot.clock.as_mut() {
                        c.started = c.started.saturating_add(shift);
                        if let Some((_, until)) = c.grace.as_mut() {
                            *until = until.saturating_add(shift);
                        }
                    }
                }
                self.phase = Phase::Open;
                out.push(Event::Resumed { at: now, shift });
                Ok(())
            }
            Command::Withdraw { lot } => {
                if self.phase == Phase::Closed {
                    return Err(AuctionError::SessionOver);
                }
                let i = self.lot_index(lot)?;
                match self.lots[i].phase {
                    LotPhase::Sold | LotPhase::Unsold => Err(AuctionError::LotOver),
                    LotPhase::Pending => {
                        self.withdraw_ascending(i, now, Unsold::Withdrawn, out);
                        self.close_if_done(now, out);
                        Ok(())
                    }
                    LotPhase::Open => {
                        match self.rules.format {
                            Format::Ascending => {
                                self.withdraw_ascending(i, now, Unsold::Withdrawn, out)
                            }
                            Format::Clock => {
                                let rest = self.lots[i].remaining;
                                self.finish_clock_lot(i, rest, Unsold::Withdrawn, now, out)
                            }
                        }
                        self.close_if_done(now, out);
                        Ok(())
                    }
                }
            }
            Command::Paid { buyer, amount } => {
                if amount <= 0 {
                    return Err(AuctionError::BadAmount);
                }
                let acc = self
                    .accounts
                    .get_mut(&buyer)
                    .ok_or(AuctionError::NotAdmitted)?;
                acc.won = (acc.won - amount).max(0);
                Ok(())
            }
            Command::Close => {
                match self.phase {
                    Phase::Open | Phase::Paused { .. } => {}
                    Phase::Scheduled => return Err(AuctionError::NotOpen),
                    Phase::Closed => return Err(AuctionError::SessionOver),
                }
                for i in 0..self.lots.len() {
                    match (self.lots[i].phase, self.rules.format) {
                        (LotPhase::Open, Format::Ascending) => self.close_ascending(i, now, out),
                        (LotPhase::Open, Format::Clock) => {
                            let rest = self.lots[i].remaining;
                            self.current = None;
                            let lot = &mut self.lots[i];
                            lot.clock = None;
                            lot.phase = if rest < lot.spec.grams {
                                LotPhase::Sold
                            } else {
                                LotPhase::Unsold
                            };
                            self.unfinished -= 1;
                            lot.remaining = 0;
                            if rest > 0 {
                                out.push(Event::Unsold {
                                    lot: lot.spec.id,
                                    grams: rest,
                                    reason: Unsold::NoBids,
                                    at: now,
                                });
                            }
                        }
                        (LotPhase::Pending, _) => {
                            self.withdraw_ascending(i, now, Unsold::NoBids, out)
                        }
                        _ => {}
                    }
                }
                self.phase = Phase::Closed;
                out.push(Event::Closed { at: now });
                Ok(())
            }
            Command::Cancel => {
                if self.phase == Phase::Closed {
                    return Err(AuctionError::SessionOver);
                }
                for i in 0..self.lots.len() {
                    if matches!(self.lots[i].phase, LotPhase::Open | LotPhase::Pending) {
                        let lot = &mut self.lots[i];
                        if lot.clock.take().is_some() {
                            let rest = lot.remaining;
                            lot.remaining = 0;
                            lot.phase = if rest < lot.spec.grams {
                                LotPhase::Sold
                            } else {
                                LotPhase::Unsold
                            };
                            self.unfinished -= 1;
                            out.push(Event::Unsold {
                                lot: lot.spec.id,
                                grams: rest,
                                reason: Unsold::Cancelled,
                                at: now,
                            });
                        } else {
                            self.withdraw_ascending(i, now, Unsold::Cancelled, out);
                        }
                    }
                }
                self.current = None;
                self.phase = Phase::Closed;
                out.push(Event::Cancelled { at: now });
                Ok(())
            }
        }
    }

    fn bid(
        &mut self,
        lot_id: LotId,
        buyer: BuyerId,
        amount: i64,
        proxy: bool,
        now: Millis,
        out: &mut Out,
    ) -> Result<(), AuctionError> {
        self.live()?;
        let i = self.lot_index(lot_id)?;
        if self.rules.format != Format::Ascending {
            return Err(AuctionError::WrongFormat);
        }
        let acc = self.bidder(buyer)?;
        let lot = &self.lots[i];
        if lot.phase != LotPhase::Open {
            return Err(if lot.phase == LotPhase::Pending {
                AuctionError::LotNotOpen
            } else {
                AuctionError::LotOver
            });
        }
        if amount <= 0 || amount > 100_000_000 {
            return Err(AuctionError::BadAmount);
        }
        let grams = lot.spec.grams;
        let minimum = self.minimum_bid(lot);
        let old_price = lot.price;
        let step = |p: i64| self.rules.ladder.step(p);
        // The leader's own commitment on this lot is replaced, not added to.
        let own = match lot.lead {
            Some(l) if l.buyer == buyer => self.rules.owed(l.max, grams),
            _ => 0,
        };
        let would_be = acc
            .exposure()
            .saturating_sub(own)
            .saturating_add(self.rules.owed(amount, grams));
        // (new price, new lead)
        let (price, lead) = match lot.lead {
            Some(l) if l.buyer == buyer => {
                if !proxy {
                    return Err(AuctionError::AlreadyLeading);
                }
                if amount <= l.max {
                    return Err(AuctionError::MaxNotHigher { current: l.max });
                }
                (
                    lot.price.unwrap_or(lot.spec.start_price),
                    Lead { buyer, max: amount },
                )
            }
            _ if amount < minimum => return Err(AuctionError::BidTooLow { minimum }),
            None => {
                let p = if proxy { minimum } else { amount };
                (p, Lead { buyer, max: amount })
            }
            Some(l) if amount > l.max => (
                self.rules.outbid_price(l.max, amount, proxy, minimum),
                Lead { buyer, max: amount },
            ),
            Some(l) => {
                // The leader's maximum answers; equal maximums go to the earlier bidder.
                (l.max.min(amount.saturating_add(step(amount))), l)
            }
        };
        if would_be > acc.limit {
            return Err(AuctionError::ExposureExceeded {
                limit: acc.limit,
                would_be,
            });
        }
        // A reserve is met as soon as the leader's maximum reaches it.
        let price = match lot.spec.reserve {
            Some(r) if price < r && lead.max >= r => r,
            _ => price,
        };
        let lot = &mut self.lots[i];
        // Both leaders passed `bidder`, and accounts are never removed.
        if let Some(prev) = lot.lead
            && let Some(acc) = self.accounts.get_mut(&prev.buyer)
        {
            acc.leading -= self.rules.owed(prev.max, grams);
        }
        if let Some(acc) = self.accounts.get_mut(&lead.buyer) {
            acc.leading += self.rules.owed(lead.max, grams);
        }
        lot.lead = Some(lead);
        lot.price = Some(price);
        lot.bids += 1;
        if old_price != Some(price) {
            lot.ends_at = self.rules.soft_close(now, lot.ends_at, lot.hard_end);
        }
        let min = self.rules.minimum_bid(lot.spec.start_price, Some(price));
        out.push(Event::Bid {
            lot: lot_id,
            buyer,
            price,
            min,
            leader: lead.buyer,
            ends_at: lot.ends_at,
            at: now,
        });
        Ok(())
    }

    fn stop(
        &mut self,
        lot_id: LotId,
        buyer: BuyerId,
        grams: i64,
        now: Millis,
        out: &mut Out,
    ) -> Result<(), AuctionError> {
        self.live()?;
        let i = self.lot_index(lot_id)?;
        if self.rules.format != Format::Clock {
            return Err(AuctionError::WrongFormat);
        }
        let acc = self.bidder(buyer)?;
        if self.current != Some(i) {
            return Err(match self.lots[i].phase {
                LotPhase::Sold | LotPhase::Unsold => AuctionError::LotOver,
                _ => AuctionError::LotNotOpen,
            });
        }
        if grams <= 0 {
            return Err(AuctionError::BadWeight);
        }
        let lot = &self.lots[i];
        // The current lot is on the clock.
        let Some(price) = self.clock_price(lot, now) else {
            return Err(AuctionError::LotNotOpen);
        };
        let take = grams.min(lot.remaining);
        let cost = self.rules.owed(price, take);
        let would_be = acc.exposure().saturating_add(cost);
        if would_be > acc.limit {
            return Err(AuctionError::ExposureExceeded {
                limit: acc.limit,
                would_be,
            });
        }
        let grace_ms = self.rules.grace_ms;
        let Some(acc) = self.accounts.get_mut(&buyer) else {
            return Err(AuctionError::NotAdmitted);
        };
        acc.won = acc.won.saturating_add(cost);
        let lot = &mut self.lots[i];
        lot.remaining -= take;
        lot.bids += 1;
        // A stop opens the grace window unless one is already open.
        if let Some(c) = lot.clock.as_mut() {
            c.grace.get_or_insert((price, now.saturating_add(grace_ms)));
        }
        out.push(Event::Filled {
            lot: lot_id,
            buyer,
            grams: take,
            price,
            at: now,
        });
        if lot.remaining == 0 {
            self.finish_clock_lot(i, 0, Unsold::NoBids, now, out);
            self.close_if_done(now, out);
        }
        Ok(())
    }

    /// The buyers who have won something in this session, with what they owe for it (value
    /// and buyer's levy) and have not paid yet.
    pub fn purchases(&self) -> impl Iterator<Item = (BuyerId, i64)> + '_ {
        self.accounts
            .iter()
            .filter(|(_, a)| a.won > 0)
            .map(|(b, a)| (*b, a.won))
    }

    /// The next instant at which time alone will change something (a lot's end, the end of a
    /// clock's grace window, a clock falling below its floor), so the sequencer wakes only then.
    pub fn next_deadline(&self) -> Option<Millis> {
        if self.phase != Phase::Open {
            return None;
        }
        match self.rules.format {
            // A lower bound: at worst the sequencer looks once too early.
            Format::Ascending => {
                (self.earliest_end.0 != Millis::MAX).then_some(self.earliest_end.0)
            }
            Format::Clock => {
                let lot = &self.lots[self.current?];
                let c = lot.clock?;
                if let Some((_, until)) = c.grace {
                    return Some(until + 1);
                }
                Some(self.clock_dies_at(lot, &c))
            }
        }
    }

    /// Buyers who may bid: admitted, not blocked, with room under their limit.
    pub fn eligible_buyers(&self) -> i64 {
        self.accounts.values().filter(|a| a.eligible()).count() as i64
    }
}

//! The engine's rules, one scenario each, and its invariants as properties.

use super::AuctionError;
use super::engine::*;
use super::rules::{Format, Rules};
use proptest::prelude::*;

const T0: i64 = 1_700_000_000_000;
const A: BuyerId = BuyerId(1);
const B: BuyerId = BuyerId(2);
const C: BuyerId = BuyerId(3);
const L1: LotId = LotId(10);
const L2: LotId = LotId(11);

fn lot(id: LotId, kg: i64, start: i64, reserve: Option<i64>) -> Command {
    Command::AddLot {
        lot: LotSpec {
            id,
            grams: kg * 1_000,
            start_price: start,
            reserve,
        },
    }
}

fn admit(buyer: BuyerId, limit: i64) -> Command {
    Command::Admit {
        buyer,
        limit,
        outside: 0,
        blocked: false,
    }
}

fn bid(lot: LotId, buyer: BuyerId, amount: i64) -> Command {
    Command::Bid {
        lot,
        buyer,
        amount,
        proxy: false,
        channel: Channel::Web,
    }
}

fn max(lot: LotId, buyer: BuyerId, amount: i64) -> Command {
    Command::Bid {
        lot,
        buyer,
        amount,
        proxy: true,
        channel: Channel::Api,
    }
}

fn stop(lot: LotId, buyer: BuyerId, kg: i64) -> Command {
    Command::Stop {
        lot,
        buyer,
        grams: kg * 1_000,
        channel: Channel::Web,
    }
}

/// An open session with buyers A, B, C (limit Rp 100 million each) and the given lots.
fn open(rules: Rules, lots: &[Command]) -> Session {
    let mut s = Session::new(rules).unwrap();
    for c in [
        admit(A, 100_000_000),
        admit(B, 100_000_000),
        admit(C, 100_000_000),
    ]
    .iter()
    .chain(lots)
    {
        assert!(s.apply(c, T0).is_accepted());
    }
    assert!(s.apply(&Command::Open, T0).is_accepted());
    s
}

fn ok(s: &mut Session, c: Command, at: i64) -> Vec<Event> {
    let o = s.apply(&c, at);
    assert_eq!(o.refused, None, "{c:?} refused");
    o.events.into_iter().map(|n| n.event).collect()
}

fn refused(s: &mut Session, c: Command, at: i64) -> AuctionError {
    let mut before = s.clone();
    let o = s.apply(&c, at);
    assert!(
        o.events.is_empty(),
        "a refused command changed nothing: {:?}",
        o.events
    );
    before.now = s.now;
    assert_eq!(*s, before, "state unchanged");
    o.refused.expect("refused")
}

fn price(s: &Session, id: LotId) -> Option<i64> {
    s.lot(id).unwrap().price
}

fn leader(s: &Session, id: LotId) -> Option<BuyerId> {
    s.lot(id).unwrap().lead.map(|l| l.buyer)
}

#[test]
fn a_session_needs_lots_and_enough_eligible_buyers() {
    let mut s = Session::new(Rules::ascending()).unwrap();
    assert_eq!(
        s.apply(&Command::Open, T0).refused,
        Some(AuctionError::NoLots)
    );
    ok(&mut s, lot(L1, 100, 20_000, None), T0);
    ok(&mut s, admit(A, 10_000_000), T0);
    ok(&mut s, admit(B, 10_000_000), T0);
    ok(
        &mut s,
        Command::Admit {
            buyer: C,
            limit: 10_000_000,
            outside: 0,
            blocked: true,
        },
        T0,
    );
    assert_eq!(
        refused(&mut s, Command::Open, T0),
        AuctionError::TooFewBuyers { have: 2, need: 3 }
    );
    ok(&mut s, admit(C, 10_000_000), T0);
    ok(
        &mut s,
        Command::Admit {
            buyer: C,
            limit: 10_000_000,
            outside: 0,
            blocked: false,
        },
        T0,
    );
    let ev = ok(&mut s, Command::Open, T0);
    assert!(matches!(ev[0], Event::Opened { .. }));
    assert!(matches!(
        ev[1],
        Event::LotOpened {
            lot: L1,
            price: 20_000,
            ..
        }
    ));
    assert_eq!(
        refused(&mut s, Command::Open, T0),
        AuctionError::AlreadyOpen
    );
}

#[test]
fn bids_before_open_from_strangers_or_blocked_buyers_are_refused() {
    let mut s = Session::new(Rules::ascending()).unwrap();
    ok(&mut s, lot(L1, 100, 20_000, None), T0);
    ok(&mut s, admit(A, 10_000_000), T0);
    assert_eq!(
        refused(&mut s, bid(L1, A, 20_000), T0),
        AuctionError::NotOpen
    );
    let mut s = open(Rules::ascending(), &[lot(L1, 100, 20_000, None)]);
    assert_eq!(
        refused(&mut s, bid(L1, BuyerId(99), 20_000), T0),
        AuctionError::NotAdmitted
    );
    ok(
        &mut s,
        Command::Admit {
            buyer: A,
            limit: 100_000_000,
            outside: 0,
            blocked: true,
        },
        T0,
    );
    assert_eq!(
        refused(&mut s, bid(L1, A, 20_000), T0),
        AuctionError::Blocked
    );
    assert_eq!(
        refused(&mut s, bid(LotId(77), B, 20_000), T0),
        AuctionError::NoSuchLot
    );
    assert_eq!(
        refused(&mut s, stop(L1, B, 1), T0),
        AuctionError::WrongFormat
    );
    // A zero bid is an invalid amount before the minimum is looked at.
    assert_eq!(refused(&mut s, bid(L1, B, 0), T0), AuctionError::BadAmount);
}

#[test]
fn a_bid_equal_to_the_current_price_is_not_higher() {
    let mut s = open(Rules::ascending(), &[lot(L1, 100, 20_000, None)]);
    assert_eq!(
        refused(&mut s, bid(L1, A, 19_999), T0 + 1),
        AuctionError::BidTooLow { minimum: 20_000 }
    );
    ok(&mut s, bid(L1, A, 20_000), T0 + 1);
    assert_eq!(price(&s, L1), Some(20_000));
    assert_eq!(
        refused(&mut s, bid(L1, B, 20_000), T0 + 2),
        AuctionError::BidTooLow { minimum: 20_250 }
    );
    assert_eq!(
        refused(&mut s, bid(L1, A, 21_000), T0 + 2),
        AuctionError::AlreadyLeading
    );
    ok(&mut s, bid(L1, B, 20_250), T0 + 3);
    assert_eq!(leader(&s, L1), Some(B));
}

#[test]
fn proxy_bidding_follows_the_second_highest_maximum() {
    let mut s = open(Rules::ascending(), &[lot(L1, 100, 20_000, None)]);
    // A leaves a maximum of 30,000: the price stays at the opening price.
    ok(&mut s, max(L1, A, 30_000), T0 + 1);
    assert_eq!((price(&s, L1), leader(&s, L1)), (Some(20_000), Some(A)));
    // B bids 25,000 straight: A's proxy answers one step above, A still leads.
    ok(&mut s, bid(L1, B, 25_000), T0 + 2);
    assert_eq!((price(&s, L1), leader(&s, L1)), (Some(25_250), Some(A)));
    // B leaves 29,900: A answers with 30,000 (capped at A's maximum).
    ok(&mut s, max(L1, B, 29_900), T0 + 3);
    assert_eq!((price(&s, L1), leader(&s, L1)), (Some(30_000), Some(A)));
    // C's maximum of 40,000 beats A's: the price is A's maximum plus one step.
    ok(&mut s, max(L1, C, 40_000), T0 + 4);
    assert_eq!((price(&s, L1), leader(&s, L1)), (Some(30_250), Some(C)));
    // C raises their own maximum: the price does not move.
    ok(&mut s, max(L1, C, 50_000), T0 + 5);
    assert_eq!(price(&s, L1), Some(30_250));
    assert_eq!(
        refused(&mut s, max(L1, C, 45_000), T0 + 6),
        AuctionError::MaxNotHigher { current: 50_000 }
    );
}

#[test]
fn equal_maximums_go_to_the_earlier_bidder() {
    let mut s = open(Rules::ascending(), &[lot(L1, 100, 20_000, None)]);
    ok(&mut s, max(L1, A, 30_000), T0 + 1);
    ok(&mut s, max(L1, B, 30_000), T0 + 2);
    assert_eq!((price(&s, L1), leader(&s, L1)), (Some(30_000), Some(A)));
}

#[test]
fn a_reserve_is_met_once_the_leading_maximum_reaches_it() {
    let mut s = open(Rules::ascending(), &[lot(L1, 100, 20_000, Some(25_000))]);
    ok(&mut s, max(L1, A, 24_000), T0 + 1);
    assert_eq!(price(&s, L1), Some(20_000));
    ok(&mut s, max(L1, A, 26_000), T0 + 2);
    assert_eq!(price(&s, L1), Some(25_000));
}

#[test]
fn an_unmet_reserve_leaves_the_lot_unsold() {
    let r = Rules::ascending();
    let mut s = open(r.clone(), &[lot(L1, 100, 20_000, Some(25_000))]);
    ok(&mut s, bid(L1, A, 21_000), T0 + 1);
    let ev = ok(&mut s, Command::Tick, T0 + r.lot_duration_ms);
    assert!(ev.contains(&Event::Unsold {
        lot: L1,
        grams: 100_000,
        reason: Unsold::ReserveNotMet,
        at: T0 + r.lot_duration_ms
    }));
    assert_eq!(
        s.accounts[&A].exposure(),
        0,
        "the failed leader owes nothing"
    );
}

#[test]
fn soft_close_extends_up_to_the_hard_end() {
    let r = Rules::ascending(); // 5 min, W = 30 s, hard end + 10 min
    let mut s = open(r.clone(), &[lot(L1, 100, 20_000, None)]);
    let end = T0 + r.lot_duration_ms;
    ok(&mut s, bid(L1, A, 20_000), end - 60_000);
    assert_eq!(
        s.lot(L1).unwrap().ends_at,
        end,
        "outside the window: no change"
    );
    ok(&mut s, bid(L1, B, 21_000), end - 10_000);
    assert_eq!(s.lot(L1).unwrap().ends_at, end + 20_000);
    // A raise of one's own maximum does not change the price: no extension.
    ok(&mut s, max(L1, B, 40_000), end + 15_000);
    assert_eq!(s.lot(L1).unwrap().ends_at, end + 20_000);
    // Proxy answers count as price-changing bids too.
    ok(&mut s, bid(L1, C, 22_000), end + 19_000);
    assert_eq!(s.lot(L1).unwrap().ends_at, end + 49_000);
    // Keep bidding every 20 s: the end never passes the hard end.
    let hard = s.lot(L1).unwrap().hard_end;
    let mut at = end + 40_000;
    let mut amount = 41_000;
    while at < hard {
        let who = if (amount / 1_000) % 2 == 0 { C } else { A };
        ok(&mut s, bid(L1, who, amount), at);
        assert!(s.lot(L1).unwrap().ends_at <= hard);
        at += 20_000;
        amount += 1_000;
    }
    // The only lot closed, and with it the session.
    let o = s.apply(&bid(L1, C, amount + 5_000), at);
    assert_eq!(o.refused, Some(AuctionError::SessionOver));
    assert!(matches!(o.events[0].event, Event::Sold { at: t, .. } if t <= hard));
}

#[test]
fn a_bid_after_the_close_is_refused_on_every_path() {
    let r = Rules::ascending();
    let end = T0 + r.lot_duration_ms;
    // Path 1: no tick has run yet; the bid itself meets the close first.
    let mut s = open(
        r.clone(),
        &[lot(L1, 100, 20_000, None), lot(L2, 100, 20_000, None)],
    );
    ok(&mut s, bid(L1, A, 20_000), end - 60_000);
    let o = s.apply(&bid(L1, B, 30_000), end);
    assert_eq!(o.refused, Some(AuctionError::LotOver));
    assert!(matches!(
        o.events[0].event,
        Event::Sold {
            lot: L1,
            buyer: A,
            price: 20_000,
            ..
        }
    ));
    // Path 2: the tick closed it.
    let mut s = open(
        r.clone(),
        &[lot(L1, 100, 20_000, None), lot(L2, 100, 20_000, None)],
    );
    ok(&mut s, bid(L1, A, 20_000), end - 60_000);
    let ev = ok(&mut s, Command::Tick, end);
    assert!(matches!(
        ev[0],
        Event::Sold {
            lot: L1,
            buyer: A,
            ..
        }
    ));
    assert_eq!(
        refused(&mut s, bid(L1, B, 30_000), end),
        AuctionError::LotOver
    );
    // Path 3: the session was closed by the auctioneer.
    ok(&mut s, Command::Close, end + 1);
    assert_eq!(
        refused(&mut s, bid(L2, B, 30_000), end + 1),
        AuctionError::SessionOver
    );
    assert_eq!(
        refused(&mut s, stop(L2, B, 1), end + 1),
        AuctionError::SessionOver
    );
    // Time the client claims does not matter: the session's clock never runs backwards.
    assert_eq!(
        refused(&mut s, bid(L2, B, 30_000), T0),
        AuctionError::SessionOver
    );
}

#[test]
fn lots_close_in_stagger_order_and_the_session_closes_after_the_last() {
    let r = Rules::ascending();
    let mut s = open(
        r.clone(),
        &[lot(L1, 100, 20_000, None), lot(L2, 50, 30_000, None)],
    );
    ok(&mut s, bid(L2, B, 30_000), T0 + 1);
    let ev = ok(&mut s, Command::Tick, T0 + 3_600_000);
    let kinds: Vec<_> = ev
        .iter()
        .map(|e| match e {
            Event::Unsold { lot, .. } => format!("unsold {}", lot.0),
            Event::Sold { lot, .. } => format!("sold {}", lot.0),
            Event::Closed { .. } => "closed".into(),
            _ => "other".into(),
        })
        .collect();
    assert_eq!(kinds, ["unsold 10", "sold 11", "closed"]);
    assert_eq!(s.phase, Phase::Closed);
    assert_eq!(s.accounts[&B].won, 1_500_000);
}

#[test]
fn exposure_across_lots_is_held_to_the_limit() {
    let mut s = Session::new(Rules::ascending()).unwrap();
    ok(&mut s, lot(L1, 100, 20_000, None), T0);
    ok(&mut s, lot(L2, 100, 20_000, None), T0);
    ok(&mut s, admit(A, 5_000_000), T0);
    ok(&mut s, admit(B, 100_000_000), T0);
    ok(&mut s, admit(C, 100_000_000), T0);
    ok(&mut s, Command::Open, T0);
    // 100 kg at 30,000 = Rp 3,000,000 on L1 (the maximum counts, not the price).
    ok(&mut s, max(L1, A, 30_000), T0 + 1);
    assert_eq!(s.accounts[&A].exposure(), 3_000_000);
    // Another 2,500,000 on L2 would make 5,500,000 > 5,000,000.
    assert_eq!(
        refused(&mut s, bid(L2, A, 25_000), T0 + 2),
        AuctionError::ExposureExceeded {
            limit: 5_000_000,
            would_be: 5_500_000
        }
    );
    ok(&mut s, bid(L2, A, 20_000), T0 + 2);
    assert_eq!(s.accounts[&A].exposure(), 5_000_000);
    // Outbid on L1: A's room comes back.
    ok(&mut s, max(L1, B, 50_000), T0 + 3);
    assert_eq!(s.accounts[&A].exposure(), 2_000_000);
    // Raising one's own maximum replaces the old commitment.
    ok(&mut s, max(L2, A, 50_000), T0 + 4);
    assert_eq!(s.accounts[&A].exposure(), 5_000_000);
}

#[test]
fn unpaid_purchases_elsewhere_count_and_a_payment_frees_room() {
    let mut s = open(Rules::clock(), &[lot(L1, 100, 20_000, None)]);
    ok(
        &mut s,
        Command::Admit {
            buyer: A,
            limit: 3_000_000,
            outside: 1_500_000,
            blocked: false,
        },
        T0,
    );
    assert!(matches!(
        refused(&mut s, stop(L1, A, 100), T0),
        AuctionError::ExposureExceeded { .. }
    ));
    ok(&mut s, stop(L1, A, 50), T0); // 50 kg × 20,000 = 1,000,000
    assert_eq!(s.accounts[&A].exposure(), 2_500_000);
    ok(
        &mut s,
        Command::Paid {
            buyer: A,
            amount: 1_000_000,
        },
        T0 + 1,
    );
    assert_eq!(s.accounts[&A].exposure(), 1_500_000);
}

#[test]
fn the_clock_falls_until_stopped_and_restarts_higher_for_the_rest() {
    let r = Rules::clock(); // step 250 every second, restart 4 steps up, grace 300 ms
    let mut s = open(
        r.clone(),
        &[lot(L1, 100, 30_000, None), lot(L2, 10, 10_000, None)],
    );
    let l = s.lot(L1).unwrap().clone();
    assert_eq!(s.clock_price(&l, T0 + 4_000), Some(29_000));
    let ev = ok(&mut s, stop(L1, A, 40), T0 + 4_500);
    assert_eq!(
        ev,
        [Event::Filled {
            lot: L1,
            buyer: A,
            grams: 40_000,
            price: 29_000,
            at: T0 + 4_500
        }]
    );
    // B stops 200 ms later, inside the grace window: same price.
    let ev = ok(&mut s, stop(L1, B, 30), T0 + 4_700);
    assert!(matches!(
        ev[0],
        Event::Filled {
            price: 29_000,
            grams: 30_000,
            ..
        }
    ));
    // After the window the clock restarts 4 steps higher for the remaining 30 kg.
    let ev = ok(&mut s, Command::Tick, T0 + 5_000);
    assert_eq!(
        ev,
        [Event::ClockStarted {
            lot: L1,
            price: 30_000,
            at: T0 + 4_800,
            grams: 30_000,
            step: 250,
            interval: 1_000
        }]
    );
    // C asks for more than remains: gets the remainder; the next lot goes on the clock.
    let ev = ok(&mut s, stop(L1, C, 50), T0 + 6_900);
    assert!(matches!(
        ev[0],
        Event::Filled {
            grams: 30_000,
            price: 29_500,
            ..
        }
    ));
    assert!(matches!(
        ev[1],
        Event::ClockStarted {
            lot: L2,
            price: 10_000,
            ..
        }
    ));
    assert_eq!(s.lot(L1).unwrap().phase, LotPhase::Sold);
    assert_eq!(
        refused(&mut s, stop(L1, A, 1), T0 + 7_000),
        AuctionError::LotOver
    );
    assert_eq!(
        refused(&mut s, bid(L2, A, 10_000), T0 + 7_000),
        AuctionError::WrongFormat
    );
}

#[test]
fn the_reserve_withdraws_a_clock_lot_and_the_next_one_starts() {
    let r = Rules::clock();
    let mut s = open(
        r.clone(),
        &[lot(L1, 10, 10_000, Some(9_000)), lot(L2, 10, 5_000, None)],
    );
    // 10,000 → 9,000 takes 4 steps; at the 5th step (5 s) it would be 8,750 < reserve.
    let ev = ok(&mut s, Command::Tick, T0 + 4_999);
    assert!(ev.is_empty());
    let ev = ok(&mut s, Command::Tick, T0 + 5_000);
    assert_eq!(
        ev[0],
        Event::Unsold {
            lot: L1,
            grams: 10_000,
            reason: Unsold::ReserveNotMet,
            at: T0 + 5_000
        }
    );
    assert!(matches!(ev[1], Event::ClockStarted { lot: L2, at, .. } if at == T0 + 5_000));
    // Without a reserve the clock stops at one step: 5,000 / 250 = 20 steps, dies at 20 s.
    let ev = ok(&mut s, Command::Tick, T0 + 5_000 + 600_000);
    assert!(matches!(ev[0], Event::Unsold { lot: L2, at, .. } if at == T0 + 25_000));
    assert!(matches!(ev[1], Event::Closed { .. }));
}

#[test]
fn pausing_freezes_time_for_the_lots() {
    let r = Rules::ascending();
    let mut s = open(r.clone(), &[lot(L1, 100, 20_000, None)]);
    let end = s.lot(L1).unwrap().ends_at;
    ok(&mut s, Command::Pause, T0 + 1_000);
    assert_eq!(
        refused(&mut s, bid(L1, A, 20_000), T0 + 2_000),
        AuctionError::Paused
    );
    assert_eq!(
        refused(&mut s, Command::Pause, T0 + 2_000),
        AuctionError::Paused
    );
    // Time passes the planned end while paused: nothing closes.
    assert!(ok(&mut s, Command::Tick, end + 1_000).is_empty());
    let ev = ok(&mut s, Command::Resume, end + 1_000);
    let shift = end + 1_000 - (T0 + 1_000);
    assert_eq!(
        ev,
        [Event::Resumed {
            at: end + 1_000,
            shift
        }]
    );
    assert_eq!(s.lot(L1).unwrap().ends_at, end + shift);
    assert_eq!(
        refused(&mut s, Command::Resume, end + 2_000),
        AuctionError::NotPaused
    );
    ok(&mut s, bid(L1, A, 20_000), end + 2_000);
}

#[test]
fn withdrawing_a_lot_releases_its_leader() {
    let mut s = open(
        Rules::ascending(),
        &[lot(L1, 100, 20_000, None), lot(L2, 1, 1_000, None)],
    );
    ok(&mut s, bid(L1, A, 20_000), T0 + 1);
    let ev = ok(&mut s, Command::Withdraw { lot: L1 }, T0 + 2);
    assert!(matches!(
        ev[0],
        Event::Unsold {
            reason: Unsold::Withdrawn,
            ..
        }
    ));
    assert_eq!(s.accounts[&A].exposure(), 0);
    assert_eq!(
        refused(&mut s, Command::Withdraw { lot: L1 }, T0 + 3),
        AuctionError::LotOver
    );
    assert_eq!(
        refused(&mut s, bid(L1, B, 30_000), T0 + 3),
        AuctionError::LotOver
    );
}

#[test]
fn closing_sells_open_lots_to_their_leaders_and_cancel_sells_nothing() {
    let mut s = open(
        Rules::ascending(),
        &[lot(L1, 100, 20_000, None), lot(L2, 1, 1_000, None)],
    );
    ok(&mut s, bid(L1, A, 20_000), T0 + 1);
    let ev = ok(&mut s, Command::Close, T0 + 2);
    assert!(matches!(
        ev[0],
        Event::Sold {
            lot: L1,
            buyer: A,
            ..
        }
    ));
    assert!(matches!(
        ev[1],
        Event::Unsold {
            lot: L2,
            reason: Unsold::NoBids,
            ..
        }
    ));
    assert!(matches!(ev[2], Event::Closed { .. }));
    let mut s = open(Rules::ascending(), &[lot(L1, 100, 20_000, None)]);
    ok(&mut s, bid(L1, A, 20_000), T0 + 1);
    let ev = ok(&mut s, Command::Cancel, T0 + 2);
    assert!(matches!(
        ev[0],
        Event::Unsold {
            reason: Unsold::Cancelled,
            ..
        }
    ));
    assert_eq!(s.accounts[&A].exposure(), 0);
    assert_eq!(
        refused(&mut s, Command::Cancel, T0 + 3),
        AuctionError::SessionOver
    );
}

#[test]
fn invalid_lots_and_duplicates_are_refused() {
    let mut s = Session::new(Rules::ascending()).unwrap();
    assert_eq!(
        refused(&mut s, lot(L1, 0, 20_000, None), T0),
        AuctionError::BadWeight
    );
    assert_eq!(
        refused(&mut s, lot(L1, 10, 0, None), T0),
        AuctionError::BadPrice
    );
    assert_eq!(
        refused(&mut s, lot(L1, 10, 10, Some(-1)), T0),
        AuctionError::BadPrice
    );
    ok(&mut s, lot(L1, 10, 10, None), T0);
    assert_eq!(
        refused(&mut s, lot(L1, 10, 10, None), T0),
        AuctionError::DuplicateLot
    );
}

#[test]
fn events_are_numbered_without_gaps() {
    let mut s = open(Rules::ascending(), &[lot(L1, 100, 20_000, None)]);
    let mut all = Vec::new();
    for (i, c) in [
        bid(L1, A, 20_000),
        bid(L1, B, 20_000),
        bid(L1, B, 21_000),
        Command::Close,
    ]
    .into_iter()
    .enumerate()
    {
        all.extend(s.apply(&c, T0 + i as i64).events);
    }
    let first = all[0].n;
    for (i, e) in all.iter().enumerate() {
        assert_eq!(e.n, first + i as u64);
    }
    assert_eq!(s.last_event, all.last().unwrap().n);
}

// ---- properties ----

#[derive(Debug, Clone)]
enum Step {
    Bid {
        lot: usize,
        buyer: i64,
        amount: i64,
        proxy: bool,
    },
    Stop {
        lot: usize,
        buyer: i64,
        kg: i64,
    },
    Tick,
    Pause,
    Resume,
    Withdraw {
        lot: usize,
    },
    Close,
}

fn steps() -> impl Strategy<Value = Vec<(Step, i64)>> {
    let step = prop_oneof![
        // Coarse amounts, so equal maximums are common.
        12 => (0..3usize, 1..5i64, 60..160i64, any::<bool>())
            .prop_map(|(lot, buyer, q, proxy)| Step::Bid { lot, buyer, amount: q * 250, proxy }),
        6 => (0..3usize, 1..5i64, 1..80i64).prop_map(|(lot, buyer, kg)| Step::Stop { lot, buyer, kg }),
        3 => Just(Step::Tick),
        1 => Just(Step::Pause),
        1 => Just(Step::Resume),
        1 => (0..3usize).prop_map(|lot| Step::Withdraw { lot }),
        1 => Just(Step::Close),
    ];
    prop::collection::vec((step, 0..20_000i64), 1..120)
}

fn scenario(
    format: Format,
    limits: &[i64],
    reserve: Option<i64>,
) -> (Session, Vec<(Command, i64)>) {
    let mut rules = match format {
        Format::Ascending => Rules::ascending(),
        Format::Clock => Rules::clock(),
    };
    rules.lot_duration_ms = 60_000;
    rules.stagger_ms = 10_000;
    rules.soft_close_ms = 15_000;
    rules.max_extension_ms = 60_000;
    let mut setup = Vec::new();
    for (i, limit) in limits.iter().enumerate() {
        setup.push(admit(BuyerId(i as i64 + 1), *limit));
    }
    for i in 0..3 {
        setup.push(lot(LotId(i), 50 + 10 * i, 20_000, reserve));
    }
    setup.push(Command::Open);
    let mut s = Session::new(rules).unwrap();
    let mut journal = Vec::new();
    for c in setup {
        s.apply(&c, T0);
        journal.push((c, T0));
    }
    (s, journal)
}

fn to_command(step: &Step) -> Command {
    match *step {
        Step::Bid {
            lot,
            buyer,
            amount,
            proxy,
        } => Command::Bid {
            lot: LotId(lot as i64),
            buyer: BuyerId(buyer),
            amount,
            proxy,
            channel: Channel::Web,
        },
        Step::Stop { lot, buyer, kg } => stop(LotId(lot as i64), BuyerId(buyer), kg),
        Step::Tick => Command::Tick,
        Step::Pause => Command::Pause,
        Step::Resume => Command::Resume,
        Step::Withdraw { lot } => Command::Withdraw {
            lot: LotId(lot as i64),
        },
        Step::Close => Command::Close,
    }
}

/// Runs a random session and checks every invariant after every command.
fn check(format: Format, steps: &[(Step, i64)], limits: &[i64], reserve: Option<i64>) {
    let (mut s, mut journal) = scenario(format, limits, reserve);
    let mut events: Vec<Numbered> = Vec::new();
    // Per lot: accepted (buyer, amount) in order, winners, sold grams.
    let mut accepted: Vec<Vec<(BuyerId, i64)>> = vec![Vec::new(); 3];
    let mut winners: Vec<Vec<BuyerId>> = vec![Vec::new(); 3];
    let mut filled = [0i64; 3];
    let mut last_price: Vec<Option<i64>> = vec![None; 3];
    let mut at = T0;
    for (step, dt) in steps {
        at += dt;
        let cmd = to_command(step);
        let before = s.clone();
        let o = s.apply(&cmd, at);
        journal.push((cmd.clone(), at));
        if let (
            Command::Bid {
                lot, buyer, amount, ..
            },
            true,
        ) = (&cmd, o.is_accepted())
        {
            let pre = before.lot(*lot).unwrap();
            // No accepted bid after the close: the lot was open and its end not reached.
            assert_eq!(before.phase, Phase::Open);
            assert!(
                pre.phase == LotPhase::Open && pre.ends_at > at,
                "bid after close"
            );
            let i = lot.0 as usize;
            accepted[i].push((*buyer, *amount));
            // The leader holds the highest maximum; ties go to the earlier.
            let best = accepted[i].iter().map(|(_, a)| *a).max().unwrap();
            let first = accepted[i].iter().find(|(_, a)| *a == best).unwrap().0;
            let now = s.lot(*lot).unwrap();
            if now.phase == LotPhase::Open {
                assert_eq!(now.lead.map(|l| (l.buyer, l.max)), Some((first, best)));
                assert!(now.price.unwrap() <= best);
            }
        }
        for n in &o.events {
            match n.event {
                Event::Bid { lot, price, .. } => {
                    let i = lot.0 as usize;
                    // The price never falls.
                    assert!(last_price[i].is_none_or(|p| price >= p), "price fell");
                    last_price[i] = Some(price);
                }
                Event::Sold {
                    lot, buyer, price, ..
                } => {
                    let i = lot.0 as usize;
                    winners[i].push(buyer);
                    // The winner holds the highest maximum; ties go to the earlier.
                    let best = accepted[i].iter().map(|(_, a)| *a).max().unwrap();
                    let first = accepted[i].iter().find(|(_, a)| *a == best).unwrap().0;
                    assert_eq!(buyer, first, "winner is the earliest highest maximum");
                    assert!(price <= best && price >= 20_000);
                    if let Some(r) = reserve {
                        assert!(price >= r);
                    }
                }
                Event::Filled {
                    lot, grams, price, ..
                } => {
                    filled[lot.0 as usize] += grams;
                    if let Some(r) = reserve {
                        assert!(price >= r, "clock sold below its reserve");
                    }
                    assert!(price > 0);
                }
                _ => {}
            }
        }
        events.extend(o.events);
        for (i, l) in s.lots.iter().enumerate() {
            // No lot ever has two winners, nor sells more than it weighs.
            assert!(winners[i].len() <= 1, "two winners");
            assert!(filled[i] <= l.spec.grams, "oversold");
            assert!(l.remaining >= 0);
        }
        // Exposure never exceeds a limit.
        for (b, acc) in &s.accounts {
            assert!(acc.exposure() <= acc.limit, "buyer {b:?} over limit");
            assert!(acc.leading >= 0);
        }
    }
    // Events are numbered 1.. without gaps.
    let setup_events = s.last_event as usize - events.len();
    for (i, n) in events.iter().enumerate() {
        assert_eq!(n.n as usize, setup_events + i + 1);
    }
    // Replaying the journal reproduces the state exactly.
    let mut replay = Session::new(s.rules.clone()).unwrap();
    for (c, t) in &journal {
        replay.apply(c, *t);
    }
    assert_eq!(replay, s);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn ascending_invariants(
        steps in steps(),
        limits in prop::collection::vec(1_000_000..4_000_000i64, 4),
        reserve in prop::option::of(18_000..30_000i64),
    ) {
        check(Format::Ascending, &steps, &limits, reserve);
    }

    #[test]
    fn clock_invariants(
        steps in steps(),
        limits in prop::collection::vec(500_000..3_000_000i64, 4),
        reserve in prop::option::of(5_000..19_000i64),
    ) {
        check(Format::Clock, &steps, &limits, reserve);
    }
}

// ---- the written rules (README "Rules", /lelang/aturan), one test each ----

fn with_levy(rules: Rules) -> Rules {
    rules.with_levy(super::levy::LevyRules::trenggalek_default())
}

#[test]
fn a_straight_bid_above_the_leaders_maximum_pays_in_full_a_proxy_does_not() {
    for (proxy, expected) in [(false, 25_000), (true, 20_250)] {
        let mut s = open(Rules::ascending(), &[lot(L1, 100, 18_000, None)]);
        ok(&mut s, max(L1, A, 20_000), T0 + 1);
        assert_eq!(price(&s, L1), Some(18_000));
        let cmd = if proxy {
            max(L1, B, 25_000)
        } else {
            bid(L1, B, 25_000)
        };
        ok(&mut s, cmd, T0 + 2);
        assert_eq!((price(&s, L1), leader(&s, L1)), (Some(expected), Some(B)));
        assert_eq!(
            Rules::ascending().outbid_price(20_000, 25_000, proxy, 18_250),
            expected
        );
    }
}

#[test]
fn at_a_band_edge_the_step_is_that_of_the_standing_prices_band() {
    let r = Rules::ascending(); // below 10,000 steps of 100, from 10,000 steps of 250
    let mut s = open(r.clone(), &[lot(L1, 10, 9_800, None)]);
    ok(&mut s, bid(L1, A, 9_900), T0 + 1);
    // 9,900 is in the lower band: the step is 100, the next bid 10,000.
    assert_eq!(
        refused(&mut s, bid(L1, B, 9_999), T0 + 2),
        AuctionError::BidTooLow { minimum: 10_000 }
    );
    ok(&mut s, bid(L1, B, 10_000), T0 + 2);
    // 10,000 is on the edge and belongs to the band above: the step is 250.
    assert_eq!(
        refused(&mut s, bid(L1, A, 10_100), T0 + 3),
        AuctionError::BidTooLow { minimum: 10_250 }
    );
    ok(&mut s, bid(L1, A, 10_250), T0 + 3);
    // A proxy's answer takes the step at the level of the maximum it beats.
    ok(&mut s, max(L1, B, 20_000), T0 + 4);
    assert_eq!(price(&s, L1), Some(10_500));
    assert_eq!(r.minimum_bid(9_800, Some(9_900)), 10_000);
    assert_eq!(r.minimum_bid(9_800, Some(10_000)), 10_250);
    assert_eq!(r.outbid_price(9_900, 20_000, true, 10_000), 10_000);
    assert_eq!(r.outbid_price(10_000, 20_000, true, 10_250), 10_250);
}

#[test]
fn a_bid_exactly_one_window_before_the_end_does_not_extend_the_close() {
    let r = Rules::ascending(); // W = 30 s
    let mut s = open(r.clone(), &[lot(L1, 100, 20_000, None)]);
    let end = T0 + r.lot_duration_ms;
    let ev = ok(&mut s, bid(L1, A, 20_000), end - r.soft_close_ms);
    assert!(matches!(ev[0], Event::Bid { ends_at, .. } if ends_at == end));
    assert_eq!(
        s.lot(L1).unwrap().ends_at,
        end,
        "exactly W before: no change"
    );
    // One millisecond later it is inside the window: the close moves to now + W.
    ok(&mut s, bid(L1, B, 20_250), end - r.soft_close_ms + 1);
    assert_eq!(s.lot(L1).unwrap().ends_at, end + 1);
    let hard = end + r.max_extension_ms;
    assert_eq!(r.soft_close(end - r.soft_close_ms, end, hard), end);
    assert_eq!(r.soft_close(end - r.soft_close_ms + 1, end, hard), end + 1);
    assert_eq!(r.soft_close(hard - 1, hard - 1, hard), hard);
}

#[test]
fn the_clock_never_restarts_above_the_lots_start_price() {
    let r = Rules::clock(); // 250 a second, restart 4 steps (1,000) up, grace 300 ms
    let mut s = open(
        r.clone(),
        &[lot(L1, 100, 30_000, None), lot(L2, 10, 10_000, None)],
    );
    // Stopped at 29,500 two seconds in: 4 steps up would be 30,500, above the start.
    let ev = ok(&mut s, stop(L1, A, 40), T0 + 2_000);
    assert!(matches!(ev[0], Event::Filled { price: 29_500, .. }));
    let ev = ok(&mut s, Command::Tick, T0 + 3_000);
    assert_eq!(
        ev,
        [Event::ClockStarted {
            lot: L1,
            price: 30_000,
            at: T0 + 2_300,
            grams: 60_000,
            step: 250,
            interval: 1_000
        }]
    );
    // Far below the start the full restart applies.
    let ev = ok(&mut s, stop(L1, B, 10), T0 + 2_300 + 20_000);
    assert!(matches!(ev[0], Event::Filled { price: 25_000, .. }));
    let ev = ok(&mut s, Command::Tick, T0 + 2_300 + 21_000);
    assert!(matches!(ev[0], Event::ClockStarted { price: 26_000, .. }));
    assert_eq!(r.clock_restart_price(29_500, 30_000), 30_000);
    assert_eq!(r.clock_restart_price(30_000, 30_000), 30_000);
    assert_eq!(r.clock_restart_price(25_000, 30_000), 26_000);
}

#[test]
fn a_too_low_bid_is_refused_with_the_minimum_as_a_number() {
    let mut s = open(Rules::ascending(), &[lot(L1, 100, 30_000, None)]);
    ok(&mut s, bid(L1, A, 30_250), T0 + 1);
    assert_eq!(
        refused(&mut s, bid(L1, B, 30_300), T0 + 2),
        AuctionError::BidTooLow { minimum: 30_500 }
    );
}

#[test]
fn purchases_here_count_at_what_the_buyer_will_owe_like_those_elsewhere() {
    // A 15,000,000 limit, 3 % buyer's levy: 100 kg at 150,000 is worth 15,000,000 and owes
    // 15,450,000 — over the limit, refused; the same basis as unpaid tickets elsewhere.
    let mut s = Session::new(with_levy(Rules::ascending())).unwrap();
    ok(&mut s, lot(L1, 100, 140_000, None), T0);
    ok(&mut s, lot(L2, 10, 10_000, None), T0);
    ok(&mut s, admit(A, 15_000_000), T0);
    ok(&mut s, admit(B, 100_000_000), T0);
    ok(&mut s, admit(C, 100_000_000), T0);
    ok(&mut s, Command::Open, T0);
    assert_eq!(
        refused(&mut s, bid(L1, A, 150_000), T0 + 1),
        AuctionError::ExposureExceeded {
            limit: 15_000_000,
            would_be: 15_450_000
        }
    );
    // 145,000 × 100 kg = 14,500,000 + 435,000 levy = 14,935,000: within the limit.
    ok(&mut s, bid(L1, A, 145_000), T0 + 1);
    assert_eq!(s.accounts[&A].exposure(), 14_935_000);
    // 10 kg at 10,000 = 100,000 + 3,000 would make 15,038,000.
    assert_eq!(
        refused(&mut s, bid(L2, A, 10_000), T0 + 2),
        AuctionError::ExposureExceeded {
            limit: 15_000_000,
            would_be: 15_038_000
        }
    );
    // Won, the purchase still counts what she will pay the cashier, levy included.
    ok(&mut s, Command::Close, T0 + 3);
    assert_eq!(s.accounts[&A].won, 14_935_000);
    assert_eq!(
        s.purchases().find(|(b, _)| *b == A).map(|(_, v)| v),
        Some(14_935_000)
    );
    // A payment of what the ticket says frees all of it.
    ok(
        &mut s,
        Command::Paid {
            buyer: A,
            amount: 14_935_000,
        },
        T0 + 4,
    );
    assert_eq!(s.accounts[&A].exposure(), 0);
}

#[test]
fn clock_purchases_count_the_buyers_levy_too() {
    let mut s = Session::new(with_levy(Rules::clock())).unwrap();
    ok(&mut s, lot(L1, 100, 20_000, None), T0);
    ok(
        &mut s,
        Command::Admit {
            buyer: A,
            limit: 3_000_000,
            outside: 1_545_000,
            blocked: false,
        },
        T0,
    );
    ok(&mut s, admit(B, 100_000_000), T0);
    ok(&mut s, admit(C, 100_000_000), T0);
    ok(&mut s, Command::Open, T0);
    // 75 kg × 20,000 = 1,500,000 + 45,000 = 1,545,000: 3,090,000 with what is owed elsewhere.
    assert_eq!(
        refused(&mut s, stop(L1, A, 75), T0),
        AuctionError::ExposureExceeded {
            limit: 3_000_000,
            would_be: 3_090_000
        }
    );
    ok(&mut s, stop(L1, A, 70), T0); // 1,400,000 + 42,000
    assert_eq!(s.accounts[&A].exposure(), 2_987_000);
}

/// Buyer levies for the property: a share of the value or rupiah per kg, any rounding.
fn levy_rules() -> impl Strategy<Value = super::levy::LevyRules> {
    use super::levy::{LevyBasis, LevyRules, Rounding};
    let basis = prop_oneof![
        (0..1_000i64, 0..1_000i64).prop_map(|(seller_bp, buyer_bp)| LevyBasis::Percent {
            seller_bp,
            buyer_bp
        }),
        (0..500i64, 0..3_000i64).prop_map(|(seller_per_kg, buyer_per_kg)| LevyBasis::PerKg {
            seller_per_kg,
            buyer_per_kg
        }),
    ];
    let rounding = prop_oneof![
        Just(Rounding::HalfUp),
        Just(Rounding::Down),
        Just(Rounding::Up)
    ];
    (
        basis,
        rounding,
        prop_oneof![Just(1i64), Just(100), Just(1_000)],
    )
        .prop_map(|(basis, rounding, round_to)| LevyRules {
            basis,
            rounding,
            round_to,
            ..LevyRules::trenggalek_default()
        })
}

/// Runs a random session with a levy and checks, after every command, that what each buyer
/// owes — their unpaid tickets elsewhere plus, for every purchase here, the ticket's value and
/// buyer's levy as settlement computes it — never exceeds deposit + credit.
fn check_owed(
    format: Format,
    steps: &[(Step, i64)],
    limits: &[i64],
    outside: &[i64],
    levy: super::levy::LevyRules,
) {
    let (_, setup) = scenario(format, limits, None);
    let mut s = Session::new(setup_rules(format).with_levy(levy.clone())).unwrap();
    for (i, (limit, out)) in limits.iter().zip(outside).enumerate() {
        s.apply(
            &Command::Admit {
                buyer: BuyerId(i as i64 + 1),
                limit: *limit,
                outside: *out,
                blocked: false,
            },
            T0,
        );
    }
    for (c, at) in setup {
        if !matches!(c, Command::Admit { .. }) {
            s.apply(&c, at);
        }
    }
    let mut owed: Vec<i64> = outside.to_vec();
    let mut at = T0;
    for (step, dt) in steps {
        at += dt;
        let o = s.apply(&to_command(step), at);
        for n in &o.events {
            if let Event::Sold {
                buyer,
                price,
                grams,
                ..
            }
            | Event::Filled {
                buyer,
                price,
                grams,
                ..
            } = n.event
            {
                let value = super::rules::value(price, grams);
                let pays = value + levy.buyer_levy(value, grams).unwrap();
                // The ticket says the same, wherever a ticket can be made: a seller's levy per
                // kg above a very low price is refused at settlement, not at the hammer.
                match super::settlement::levy_for(&levy, value, grams, None) {
                    Ok(ticket) => assert_eq!(ticket.buyer_pays, pays),
                    Err(e) => assert_eq!(e, super::levy::LevyError::SellerLevyExceedsValue),
                }
                owed[buyer.0 as usize - 1] += pays;
            }
        }
        for (i, limit) in limits.iter().enumerate() {
            assert!(
                owed[i] <= *limit,
                "buyer {} owes {} over {limit}",
                i + 1,
                owed[i]
            );
            let acc = &s.accounts[&BuyerId(i as i64 + 1)];
            // The engine counts exactly what the tickets will say.
            assert_eq!(acc.outside + acc.won, owed[i]);
            assert!(acc.exposure() <= acc.limit);
        }
    }
}

fn setup_rules(format: Format) -> Rules {
    let mut rules = match format {
        Format::Ascending => Rules::ascending(),
        Format::Clock => Rules::clock(),
    };
    rules.lot_duration_ms = 60_000;
    rules.stagger_ms = 10_000;
    rules.soft_close_ms = 15_000;
    rules.max_extension_ms = 60_000;
    rules
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn what_a_buyer_owes_never_exceeds_deposit_and_credit(
        steps in steps(),
        limits in prop::collection::vec(1_000_000..4_000_000i64, 4),
        owed_elsewhere in prop::collection::vec(0..60i64, 4),
        levy in levy_rules(),
        clock in any::<bool>(),
    ) {
        let format = if clock { Format::Clock } else { Format::Ascending };
        // Unpaid tickets elsewhere of up to 60 % of the limit (more would leave no room).
        let outside: Vec<i64> =
            limits.iter().zip(&owed_elsewhere).map(|(l, p)| l * p / 100).collect();
        check_owed(format, &steps, &limits, &outside, levy);
    }
}

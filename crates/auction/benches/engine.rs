//! Throughput of the pure auction engine: `Session::apply(&Command, now)` on one thread, with
//! realistic command mixes, against the target "engine ≥ 1,000,000 commands/s on one core".
//! Run: `cargo bench -p anjungan-auction --bench engine` (`-- quick` for a tenth of the work;
//! other words after `--` run only the scenarios whose name contains them, e.g. `-- clock`).
//!
//! Every command stream is generated beforehand against a shadow copy of the session (so a
//! straight bid can be exactly the lot's minimum at the moment it is applied), then replayed on
//! a fresh copy under the clock; the engine is deterministic, so the replay meets the same
//! states and the accepted/refused counts must match the generation's. Generation, session set
//! up (admitting buyers, adding lots) and dropping the streams are not measured.
//!
//! Scenarios:
//! 1. ascending, 100 lots, 50 buyers with large limits; bids spread over the lots: 60 % straight
//!    bids at exactly the minimum, 30 % proxy maxima 1–5 steps above it, 10 % bids below the
//!    minimum (refused); ~50 µs between commands, a `Tick` every 100 commands; lots last 24 h,
//!    so none closes during the run.
//! 2. the same with soft close active: lot i's planned end is 10 s + i × 1 s after the open,
//!    soft close 20 s, maximum extension 60 s — so bids land in the window and extend, lots 0–29
//!    reach their hard end (capped) and close during the run, the rest keep extending.
//! 3. descending clock, sessions of 2,000 small lots (1–3 kg) run one after the other; buyers
//!    stop the clock when it falls to what the lot is worth to them, in bursts of 1–6 stops of
//!    100–800 g within the grace window, with late stops on the lot just sold (refused), a few
//!    early stops on the next lot (refused), and the sequencer's `Tick` at each deadline (end of
//!    grace → restart higher; clock below the reserve → unsold). Time jumps as the clock falls.
//!
//! Diagnostic rows (same mixes, other sizes) show how the cost grows with the number of lots.

// A test or a benchmark fails loudly: unwrapping is how it says so.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use anjungan_auction::domain::engine::{
    BuyerId, Channel, Command, Lot, LotId, LotPhase, LotSpec, Numbered, Outcome, Phase, Session,
};
use anjungan_auction::domain::rules::{Millis, Rules};
use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

const T0: Millis = 1_700_000_000_000;
const BUYERS: i64 = 50;
const LARGE_LIMIT: i64 = 1_000_000_000_000_000;
const TARGET: f64 = 1_000_000.0;

/// xorshift64: tiny, deterministic, good enough to spread bids.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    fn buyer(&mut self) -> BuyerId {
        BuyerId(self.range(1, BUYERS))
    }

    fn buyer_except(&mut self, not: Option<BuyerId>) -> BuyerId {
        loop {
            let b = self.buyer();
            if Some(b) != not {
                return b;
            }
        }
    }

    fn channel(&mut self) -> Channel {
        match self.below(10) {
            0..=6 => Channel::Web,
            7..=8 => Channel::Api,
            _ => Channel::Hall,
        }
    }
}

/// What the generation pass saw (on the shadow session): the same as the timed replay.
#[derive(Default)]
struct GenStats {
    accepted: u64,
    refused: u64,
    /// "Kind: outcome" → count.
    outcomes: BTreeMap<String, u64>,
    notes: Vec<String>,
}

impl GenStats {
    fn record(&mut self, cmd: &Command, o: &Outcome) {
        let kind = match cmd {
            Command::Bid { proxy: false, .. } => "bid",
            Command::Bid { proxy: true, .. } => "proxy",
            Command::Stop { .. } => "stop",
            Command::Tick => "tick",
            Command::Open => "open",
            _ => "other",
        };
        let what = match &o.refused {
            None => {
                self.accepted += 1;
                "accepted".to_string()
            }
            Some(e) => {
                self.refused += 1;
                let name = format!("{e:?}");
                let name = name
                    .split(|c: char| !c.is_alphanumeric())
                    .next()
                    .unwrap_or_default()
                    .to_string();
                format!("refused {name}")
            }
        };
        *self.outcomes.entry(format!("{kind}: {what}")).or_default() += 1;
    }
}

/// One session ready to run (set up, not measured) and its command stream.
struct Run {
    session: Session,
    commands: Vec<(Command, Millis)>,
}

struct Prepared {
    name: String,
    runs: Vec<Run>,
    stats: GenStats,
}

struct Measured {
    commands: u64,
    elapsed: Duration,
    accepted: u64,
    refused: u64,
    events: u64,
    checksum: u64,
}

fn must(o: Outcome) {
    assert!(o.is_accepted(), "set-up refused: {:?}", o.refused);
}

fn admit_buyers(s: &mut Session) {
    for b in 1..=BUYERS {
        must(s.apply(
            &Command::Admit {
                buyer: BuyerId(b),
                limit: LARGE_LIMIT,
                outside: 0,
                blocked: false,
            },
            T0,
        ));
    }
}

/// An open ascending session: 50 buyers, `lots` lots of 20–500 kg opening at Rp 5,000–60,000/kg,
/// a quarter of them with a reserve.
fn ascending_session(rules: Rules, lots: usize, rng: &mut Rng) -> (Session, Duration) {
    rules.validate().expect("valid rules");
    let mut s = Session::new(rules).expect("valid rules");
    admit_buyers(&mut s);
    for i in 0..lots {
        let start = rng.range(5_000, 60_000);
        let reserve = (rng.below(4) == 0).then_some(start * 3 / 2);
        must(s.apply(
            &Command::AddLot {
                lot: LotSpec {
                    id: LotId(1_000 + i as i64),
                    grams: rng.range(20_000, 500_000),
                    start_price: start,
                    reserve,
                },
            },
            T0,
        ));
    }
    // Opening is one command but touches every lot: timed here for the notes.
    let started = Instant::now();
    must(s.apply(&Command::Open, T0));
    (s, started.elapsed())
}

/// Bids spread over the open lots (60 % straight at the minimum, 30 % proxy maxima above it,
/// 10 % below the minimum), ~50 µs apart, a `Tick` every 100 commands; or only ticks.
fn ascending(name: &str, rules: Rules, lots: usize, n: usize, ticks_only: bool) -> Prepared {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ lots as u64);
    let soft = rules.soft_close_ms;
    let (template, opening) = ascending_session(rules, lots, &mut rng);
    let mut shadow = template.clone();
    let mut stats = GenStats::default();
    let mut commands = Vec::with_capacity(n);
    let (mut extended, mut capped) = (0u64, 0u64);
    let mut t_us = T0 * 1_000;
    for k in 0..n {
        t_us += rng.range(25, 75);
        let now = t_us / 1_000;
        let open_lot = (0..16)
            .map(|_| rng.below(lots as u64) as usize)
            .find(|&i| shadow.lots[i].phase == LotPhase::Open)
            .or_else(|| shadow.lots.iter().position(|l| l.phase == LotPhase::Open));
        let target = match open_lot {
            Some(i) if !ticks_only && k % 100 != 99 => Some(i),
            _ => None,
        };
        let cmd = match target {
            None => Command::Tick,
            Some(i) => {
                let lot = &shadow.lots[i];
                let minimum = shadow.minimum_bid(lot);
                let step = shadow.rules.ladder.step(minimum);
                let leader = lot.lead.map(|l| l.buyer);
                let (buyer, amount, proxy) = match rng.below(100) {
                    0..=59 => (rng.buyer_except(leader), minimum, false),
                    60..=89 => {
                        let buyer = rng.buyer();
                        // A leader raising their own maximum raises it above the old one.
                        let base = match lot.lead {
                            Some(l) if l.buyer == buyer => l.max.max(minimum),
                            _ => minimum,
                        };
                        (buyer, base + step * rng.range(1, 5), true)
                    }
                    _ => {
                        let below = (minimum - rng.range(1, step)).max(1);
                        (rng.buyer_except(leader), below, false)
                    }
                };
                Command::Bid {
                    lot: lot.spec.id,
                    buyer,
                    amount,
                    proxy,
                    channel: rng.channel(),
                }
            }
        };
        let before = target.map(|i| shadow.lots[i].ends_at);
        let o = shadow.apply(&cmd, now);
        if let (Some(i), Some(before)) = (target, before) {
            let lot = &shadow.lots[i];
            if lot.phase == LotPhase::Open && lot.ends_at > before {
                extended += 1;
                if lot.ends_at == lot.hard_end && now + soft > lot.hard_end {
                    capped += 1;
                }
            }
        }
        stats.record(&cmd, &o);
        commands.push((cmd, now));
    }
    let closed = shadow
        .lots
        .iter()
        .filter(|l| matches!(l.phase, LotPhase::Sold | LotPhase::Unsold))
        .count();
    let top = shadow
        .lots
        .iter()
        .filter_map(|l| l.price)
        .max()
        .unwrap_or(0);
    let span = (t_us / 1_000 - T0) as f64 / 1_000.0;
    stats.notes.push(format!(
        "simulated {span:.1} s; soft-close extensions {extended} (of which stopped at the hard end \
         {capped}); \
         lots closed during the run {closed} of {lots}; highest price {top}/kg; session {:?}; \
         the Open command (set-up, not in the table) took {:.3} ms",
        shadow.phase,
        opening.as_secs_f64() * 1e3
    ));
    Prepared {
        name: name.to_string(),
        runs: vec![Run {
            session: template,
            commands,
        }],
        stats,
    }
}

/// A scheduled clock session: 50 buyers and `lots` lots of 1–3 kg from Rp 20,000–40,000/kg, 30 %
/// with a reserve at 70 % of the start.
fn clock_template(lots: usize, rng: &mut Rng) -> Session {
    let rules = Rules::clock();
    rules.validate().expect("valid rules");
    let mut s = Session::new(rules).expect("valid rules");
    admit_buyers(&mut s);
    for i in 0..lots {
        let start = rng.range(20_000, 40_000);
        let reserve = (rng.below(10) < 3).then_some(start * 7 / 10);
        must(s.apply(
            &Command::AddLot {
                lot: LotSpec {
                    id: LotId(1_000 + i as i64),
                    grams: rng.range(1_000, 3_000),
                    start_price: start,
                    reserve,
                },
            },
            T0,
        ));
    }
    s
}

#[derive(Default)]
struct ClockCounts {
    restarts: u64,
    died: u64,
    lots_done: u64,
    sessions_closed: u64,
    sim_ms: i64,
}

/// One clock session's stream (from `Open` until it closes or `budget` commands).
fn clock_stream(
    template: &Session,
    rng: &mut Rng,
    budget: usize,
    stats: &mut GenStats,
    counts: &mut ClockCounts,
) -> Vec<(Command, Millis)> {
    let mut s = template.clone();
    let step = s.rules.clock_step;
    let interval = s.rules.clock_interval_ms;
    let ids: Vec<LotId> = s.lots.iter().map(|l| l.spec.id).collect();
    // What each lot is worth to the buyers: they stop the clock when it falls that far.
    let mut worth: Vec<i64> = s
        .lots
        .iter()
        .map(|l| l.spec.start_price * rng.range(60, 95) / 100)
        .collect();
    let mut out = Vec::new();
    let mut t_us = T0 * 1_000;
    let o = s.apply(&Command::Open, T0);
    stats.record(&Command::Open, &o);
    out.push((Command::Open, T0));
    let (mut burst, mut late) = (0i64, 0i64);
    let mut previous: Option<usize> = None;
    while out.len() < budget && s.phase == Phase::Open {
        let Some(cur) = s.current else { break };
        let stop = |rng: &mut Rng, i: usize| Command::Stop {
            lot: ids[i],
            buyer: rng.buyer(),
            grams: rng.range(100, 800),
            channel: rng.channel(),
        };
        let cmd = if burst > 0 {
            burst -= 1;
            t_us += rng.range(20, 200);
            stop(rng, cur)
        } else if let (true, Some(p)) = (late > 0, previous) {
            late -= 1;
            t_us += rng.range(50, 300);
            stop(rng, p)
        } else if cur + 1 < ids.len() && rng.below(100) < 3 {
            t_us += rng.range(100, 1_000);
            stop(rng, cur + 1)
        } else {
            let clock = s.lots[cur].clock.expect("a lot on the clock");
            let deadline = s.next_deadline().expect("an open clock has a deadline");
            if clock.grace.is_some() {
                // Nobody else stops: the sequencer's tick ends the grace, the clock restarts.
                counts.restarts += 1;
                worth[cur] -= step * rng.range(0, 3);
                t_us = t_us.max(deadline * 1_000);
                Command::Tick
            } else {
                let steps = (clock.base - worth[cur] + step - 1).div_euclid(step).max(0);
                let at = clock.started + steps * interval;
                if at < deadline {
                    let spread = (deadline - at).min(interval) as u64 * 1_000;
                    t_us = (at * 1_000 + rng.below(spread) as i64).max(t_us + 1);
                    burst = rng.range(0, 5);
                    stop(rng, cur)
                } else {
                    // Nobody wants it at the reserve: the clock dies at the tick.
                    counts.died += 1;
                    t_us = t_us.max(deadline * 1_000);
                    Command::Tick
                }
            }
        };
        let now = t_us / 1_000;
        let o = s.apply(&cmd, now);
        stats.record(&cmd, &o);
        if s.current != Some(cur) {
            counts.lots_done += 1;
            burst = 0;
            late = rng.range(0, 2);
            previous = Some(cur);
        }
        out.push((cmd, now));
    }
    if s.phase == Phase::Closed {
        counts.sessions_closed += 1;
    }
    counts.sim_ms += t_us / 1_000 - T0;
    out
}

/// Clock sessions of `lots` lots, one after the other, until `n` commands.
fn clock(name: &str, lots: usize, n: usize) -> Prepared {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03 ^ lots as u64);
    let template = clock_template(lots, &mut rng);
    let mut stats = GenStats::default();
    let mut counts = ClockCounts::default();
    let mut runs = Vec::new();
    let mut total = 0;
    while total < n {
        let commands = clock_stream(&template, &mut rng, n - total, &mut stats, &mut counts);
        total += commands.len();
        runs.push(Run {
            session: template.clone(),
            commands,
        });
    }
    stats.notes.push(format!(
        "{} sessions ({} ran to the close); lots finished {}; restarts after grace {}; \
         clocks fallen below the reserve {}; simulated {:.1} h",
        runs.len(),
        counts.sessions_closed,
        counts.lots_done,
        counts.restarts,
        counts.died,
        counts.sim_ms as f64 / 3_600_000.0
    ));
    Prepared {
        name: name.to_string(),
        runs,
        stats,
    }
}

/// Replays every run on its fresh session under the clock.
fn measure(p: Prepared) -> (String, GenStats, Measured) {
    let mut m = Measured {
        commands: 0,
        elapsed: Duration::ZERO,
        accepted: 0,
        refused: 0,
        events: 0,
        checksum: 0,
    };
    for run in p.runs {
        let mut session = run.session;
        let commands = &run.commands;
        let started = Instant::now();
        for (cmd, now) in commands {
            let o = session.apply(black_box(cmd), *now);
            if o.is_accepted() {
                m.accepted += 1;
            } else {
                m.refused += 1;
            }
            m.events += o.events.len() as u64;
            if let Some(last) = o.events.last() {
                m.checksum = m.checksum.wrapping_mul(31).wrapping_add(last.n);
            }
            black_box(&o);
        }
        m.elapsed += started.elapsed();
        m.commands += commands.len() as u64;
        m.checksum = m.checksum.wrapping_add(session.last_event);
        black_box(&session);
    }
    assert_eq!(
        (m.accepted, m.refused),
        (p.stats.accepted, p.stats.refused),
        "the replay must meet the states the generation met"
    );
    (p.name, p.stats, m)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "quick");
    // Other words (not cargo's `--bench`) pick scenarios whose name contains them.
    let filters: Vec<&String> = args
        .iter()
        .filter(|a| !a.starts_with('-') && *a != "quick")
        .collect();
    let scale = |n: usize| if quick { n / 10 } else { n };
    let n = scale(2_000_000);

    // Lots that last 24 h: nothing closes during the run.
    let mut long = Rules::ascending();
    long.lot_duration_ms = 24 * 3_600_000;
    // Soft close active: lot i planned to end 10 s + i s after the open, window 20 s, hard end
    // 60 s after the planned end.
    let mut soft = Rules::ascending();
    soft.lot_duration_ms = 10_000;
    soft.stagger_ms = 1_000;
    soft.soft_close_ms = 20_000;
    soft.max_extension_ms = 60_000;

    enum Kind {
        Ascending {
            rules: Rules,
            lots: usize,
            ticks_only: bool,
        },
        Clock {
            lots: usize,
        },
    }
    // (name, counts against the target, what, commands)
    let scenarios = [
        (
            "1 ascending, 100 lots",
            true,
            Kind::Ascending {
                rules: long.clone(),
                lots: 100,
                ticks_only: false,
            },
            n,
        ),
        (
            "2 ascending soft close",
            true,
            Kind::Ascending {
                rules: soft,
                lots: 100,
                ticks_only: false,
            },
            n,
        ),
        (
            "3 clock, 2,000 lots/sess.",
            true,
            Kind::Clock { lots: 2_000 },
            n,
        ),
        (
            "d ascending, 10 lots",
            false,
            Kind::Ascending {
                rules: long.clone(),
                lots: 10,
                ticks_only: false,
            },
            n / 10,
        ),
        (
            "d ascending, 1,000 lots",
            false,
            Kind::Ascending {
                rules: long.clone(),
                lots: 1_000,
                ticks_only: false,
            },
            n / 4,
        ),
        (
            "d ticks only, 100 lots",
            false,
            Kind::Ascending {
                rules: long,
                lots: 100,
                ticks_only: true,
            },
            n,
        ),
        (
            "d clock, 200 lots/sess.",
            false,
            Kind::Clock { lots: 200 },
            n,
        ),
        (
            "d clock, 10,000 lots/sess.",
            false,
            Kind::Clock { lots: 10_000 },
            n / 10,
        ),
    ];

    println!(
        "Anjungan Lion engine: Session::apply on one thread (target ≥ {} commands/s){}",
        TARGET as u64,
        if quick { " — quick" } else { "" }
    );
    println!(
        "sizes: Lot {} B, Command {} B, Numbered event {} B, Outcome {} B",
        std::mem::size_of::<Lot>(),
        std::mem::size_of::<Command>(),
        std::mem::size_of::<Numbered>(),
        std::mem::size_of::<Outcome>()
    );
    let mut results = Vec::new();
    for (name, main, kind, commands) in scenarios {
        if !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        let prepared = match kind {
            Kind::Ascending {
                rules,
                lots,
                ticks_only,
            } => ascending(name, rules, lots, commands, ticks_only),
            Kind::Clock { lots } => clock(name, lots, commands),
        };
        let (name, stats, m) = measure(prepared);
        let secs = m.elapsed.as_secs_f64();
        let rate = m.commands as f64 / secs;
        eprintln!("  measured {name}: {rate:.0} commands/s");
        results.push((name, stats, m, secs, rate, main));
    }

    println!();
    println!(
        "{:<27} {:>10} {:>8} {:>12} {:>11} {:>10} {:>9} {:>10}  target",
        "scenario",
        "commands",
        "seconds",
        "commands/s",
        "ns/command",
        "accepted",
        "refused",
        "events"
    );
    for (name, _, m, secs, rate, main) in &results {
        println!(
            "{:<27} {:>10} {:>8.3} {:>12.0} {:>11.1} {:>10} {:>9} {:>10}  {}",
            name,
            m.commands,
            secs,
            rate,
            secs * 1e9 / m.commands as f64,
            m.accepted,
            m.refused,
            m.events,
            match (main, *rate >= TARGET) {
                (false, _) => "(diagnostic)",
                (true, true) => "met",
                (true, false) => "MISSED",
            }
        );
    }
    println!();
    let mut checksum = 0u64;
    for (name, stats, m, _, _, _) in &results {
        checksum = checksum.wrapping_add(m.checksum);
        println!("{name}:");
        for note in &stats.notes {
            println!("    {note}");
        }
        let mix: Vec<String> = stats
            .outcomes
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        println!("    {}", mix.join("; "));
    }
    println!();
    println!("checksum {checksum}");
}

//! The flood of `lantoa-bench survey`: answers at a steady rate from a
//! fixed set of addresses, on a fresh server process whose memory is
//! sampled, and what became of each answer.
//!
//! Send `k` comes from address `k mod A`, a phone not seen before behind it
//! (an address shared by many phones, as a carrier's or an office's), except:
//! - every tenth send of every other address is the phone that address sent
//!   before, again (about 5 %): told it already answered today;
//! - one send in ten carries no proof, as a browser without script sends the
//!   form (given out more than 3 s before; it costs twice the budget).
//!
//! The proofs are solved before the flood, for challenges given out by the
//! throughput's server process (the key is the data folder's, so this one
//! takes them): the load generator shares the server's cores and would
//! otherwise spend most of them on proofs. Every send still opens the form
//! (GET) before sending the answers (POST).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::client::{Outcome, Respondent, Target, outcome};
use super::{Numbers, Options, Server, describe, pct, pool, solve_all, sorted_ms, tally};

/// Used challenges sent again, with their proofs, from new phones after the flood.
const REPLAYS: usize = 200;

/// Challenges and their proofs, one per send, made before the flood.
pub(super) struct Ahead {
    challenges: Vec<String>,
    /// Empty for the sends without script.
    proofs: Vec<String>,
    fetched: Duration,
    solved: Duration,
}

fn sends(o: &Options) -> usize {
    (o.per_minute * o.flood_seconds / 60) as usize
}

/// Whether send `k` carries no proof: one in ten, spread over the
/// addresses and the minutes.
fn without_script(k: usize) -> bool {
    (k as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32 & 0xFFFF < 6554
}

/// Whether send `k` is a phone that answered before, again.
fn again(k: usize, addresses: usize) -> bool {
    let (a, j) = (k % addresses, k / addresses);
    j % 10 == 9 && a % 2 == 0
}

/// Fetches a form per send from the server at `t` and solves its proof.
pub(super) async fn ahead(o: &Options, t: &Target, numbers: &mut Numbers) -> anyhow::Result<Ahead> {
    let n = sends(o);
    let first = numbers.take(n);
    let tt = t.clone();
    let (forms, fetched) = pool(o.clients, n, move |i| {
        let t = tt.clone();
        let n = first + i as u64;
        async move { Respondent::new(n, n).open_form(&t).await }
    })
    .await?;
    let challenges: Vec<String> = forms
        .into_iter()
        .map(|r| r.map(|(_, c)| c))
        .collect::<anyhow::Result<_>>()?;
    let with_proof: Vec<String> = challenges
        .iter()
        .enumerate()
        .filter(|(k, _)| !without_script(*k))
        .map(|(_, c)| c.clone())
        .collect();
    let (mut solved, _, took) = solve_all(with_proof).await?;
    solved.reverse();
    let proofs = (0..n)
        .map(|k| {
            if without_script(k) {
                String::new()
            } else {
                solved.pop().unwrap_or_default()
            }
        })
        .collect();
    Ok(Ahead {
        challenges,
        proofs,
        fetched,
        solved: took,
    })
}

/// One send's record: what became of it and how long GET + POST took.
struct Sent {
    k: usize,
    outcome: Outcome,
    took: Duration,
}

/// Samples the resident memory of `pid` every 100 ms until `stop`:
/// (seconds from the start, MiB).
fn sampler(pid: u32, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<Vec<(f64, f64)>> {
    tokio::spawn(async move {
        let t0 = Instant::now();
        let mut trace = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            let kib = crate::bench::rss_kib(pid).unwrap_or(0);
            trace.push((t0.elapsed().as_secs_f64(), kib as f64 / 1024.0));
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        trace
    })
}

/// Sends every answer at its time; the records and the most in flight.
async fn drive(
    o: &Options,
    t: &Target,
    ahead: &Ahead,
    (first_addr, first_phone): (u64, u64),
) -> anyhow::Result<(Vec<Sent>, usize, Duration)> {
    let n = sends(o);
    let addresses = o.addresses.max(1) as usize;
    let every = Duration::from_secs_f64(60.0 / o.per_minute.max(1) as f64);
    let t0 = tokio::time::Instant::now();
    let mut set = tokio::task::JoinSet::new();
    let (mut done, mut most) = (Vec::with_capacity(n), 0);
    for k in 0..n {
        tokio::time::sleep_until(t0 + every * k as u32).await;
        while let Some(r) = set.try_join_next() {
            done.push(r?);
        }
        most = most.max(set.len() + 1);
        let device = if again(k, addresses) {
            k - addresses
        } else {
            k
        };
        let phone = Respondent::new(
            first_addr + (k % addresses) as u64,
            first_phone + device as u64,
        );
        let (t, c, p) = (
            t.clone(),
            ahead.challenges[k].clone(),
            ahead.proofs[k].clone(),
        );
        set.spawn(async move {
            let s = Instant::now();
            let r = match phone.open_form(&t).await {
                Ok(_) => phone.send(&t, &c, &p).await,
                Err(e) => Err(e),
            };
            Sent {
                k,
                outcome: outcome(&r),
                took: s.elapsed(),
            }
        });
    }
    while let Some(r) = set.join_next().await {
        done.push(r?);
    }
    done.sort_by_key(|s| s.k);
    Ok((done, most, t0.elapsed()))
}

/// Sends the first accepted answers' challenges and proofs again from new
/// phones: each challenge should be taken once.
async fn replay(
    t: &Target,
    ahead: &Ahead,
    sent: &[Sent],
    numbers: &mut Numbers,
) -> anyhow::Result<super::Tally> {
    let used: Vec<usize> = sent
        .iter()
        .filter(|s| s.outcome == Outcome::Accepted && !ahead.proofs[s.k].is_empty())
        .map(|s| s.k)
        .take(REPLAYS)
        .collect();
    let first = numbers.take(used.len());
    let pairs: Arc<Vec<(String, String)>> = Arc::new(
        used.iter()
            .map(|k| (ahead.challenges[*k].clone(), ahead.proofs[*k].clone()))
            .collect(),
    );
    let (tt, n) = (t.clone(), pairs.len());
    let (replies, _) = pool(8, n, move |i| {
        let (t, pairs) = (tt.clone(), pairs.clone());
        let n = first + i as u64;
        async move {
            let (c, p) = &pairs[i];
            Respondent::new(n, n).send(&t, c, p).await
        }
    })
    .await?;
    Ok(tally(replies.iter().map(outcome)))
}

/// The flood on a fresh server process; prints what it saw and returns the
/// answers counted (the replays' included).
pub(super) async fn flood(
    o: &Options,
    env: &BTreeMap<String, String>,
    t: &Target,
    ahead: Ahead,
    numbers: &mut Numbers,
) -> anyhow::Result<usize> {
    let n = sends(o);
    let addresses = o.addresses.max(1) as usize;
    let server = Server::start(env).await?;
    let t = t.on(server.addr);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let start = server.rss_mib();
    let stop = Arc::new(AtomicBool::new(false));
    let trace = sampler(server.pid, stop.clone());
    let cpu = server.cpu();
    let blocks = (numbers.take(addresses), numbers.take(n));
    let (sent, most, wall) = drive(o, &t, &ahead, blocks).await?;
    let cpu = server.cpu() - cpu;
    tokio::time::sleep(Duration::from_secs(5)).await;
    stop.store(true, Ordering::Relaxed);
    let trace = trace.await?;
    let (end, peak) = (server.rss_mib(), server.peak_mib());
    let replayed = replay(&t, &ahead, &sent, numbers).await?;
    server.stop().await;

    let counts = tally(sent.iter().map(|s| s.outcome));
    let took = sorted_ms(sent.iter().map(|s| s.took));
    let dups = (0..n).filter(|k| again(*k, addresses)).count();
    let no_script = (0..n).filter(|k| without_script(*k)).count();
    println!();
    println!(
        "Memory under a flood: {} answers a minute ({:.1}/s) for {} s from {} addresses, on a \
         fresh server process.",
        o.per_minute,
        o.per_minute as f64 / 60.0,
        o.flood_seconds,
        o.addresses
    );
    println!(
        "  each send: GET the form, POST the answers; a new phone behind its address each time, \
         except {dups} sent again by a phone that already answered (expected: told so, not \
         counted);"
    );
    println!(
        "  {no_script} sent without a proof, as a browser without script (2 units of the \
         address's budget of 30 a minute); the other {} proofs solved before the flood \
         ({} forms fetched in {:.1} s, proofs in {:.1} s; not measured).",
        n - no_script,
        n,
        ahead.fetched.as_secs_f64(),
        ahead.solved.as_secs_f64()
    );
    println!(
        "  sent {n} in {:.1} s ({:.1}/s), at most {most} in flight; GET + POST median {:.1} ms, \
         p99 {:.1} ms, slowest {:.0} ms",
        wall.as_secs_f64(),
        n as f64 / wall.as_secs_f64(),
        pct(&took, 0.5),
        pct(&took, 0.99),
        took.last().copied().unwrap_or(0.0)
    );
    println!("  outcomes: {}", describe(&counts));
    print_memory((start, peak, end), &trace, o.flood_seconds as f64);
    println!(
        "  server CPU during the flood: {:.2} cores on average, {:.2} ms per answer",
        cpu / wall.as_secs_f64(),
        cpu * 1000.0 / n.max(1) as f64
    );
    println!(
        "  after the flood, {} accepted answers' challenges and proofs sent again from new \
         phones (each challenge is to be taken once): {}",
        replayed.values().sum::<usize>(),
        describe(&replayed)
    );
    let accepted = |t: &super::Tally| t.get(&Outcome::Accepted).copied().unwrap_or(0);
    Ok(accepted(&counts) + accepted(&replayed))
}

fn print_memory((start, peak, end): (f64, f64, f64), trace: &[(f64, f64)], seconds: f64) {
    let sampled = trace.iter().map(|t| t.1).fold(0.0, f64::max);
    println!(
        "  server RSS: start {start:.1} MiB, peak {peak:.1} MiB (VmHWM; sampled every 100 ms: \
         {sampled:.1}), end {end:.1} MiB (5 s after the last answer)"
    );
    let step = if seconds > 120.0 { 30.0 } else { 10.0 };
    let mut windows: Vec<String> = Vec::new();
    let mut from = 0.0;
    while from < seconds + 5.0 {
        let max = trace
            .iter()
            .filter(|(t, _)| *t >= from && *t < from + step)
            .map(|t| t.1)
            .fold(0.0, f64::max);
        if max > 0.0 {
            windows.push(format!("{max:.1}"));
        }
        from += step;
    }
    println!(
        "  server RSS, highest in each {step:.0} s: {} MiB",
        windows.join(" → ")
    );
}

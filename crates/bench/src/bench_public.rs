//! `lantoa-bench public`: the agency's own outlet (*Trang riêng*) under load,
//! on this machine's cores, the server a child process of its own (the hidden
//! `serve` command: the same server as `lantoa serve`), SQLite in a temporary
//! folder. An agency turns its outlet on; 13 clips go through review, are
//! approved for the outlet and published by the real publish job (the video a
//! generated 1080×1920 H.264/AAC MP4, index first; the job makes the first
//! clip's light copy, the others get the same bytes under their own key), so
//! the feed's first page is full.
//!
//! - **Requests/s**: `--clients` keep-alive connections from one address,
//!   each sending its next request once the last is read, for `--seconds`
//!   per target, the targets in turn over `--rounds` rounds: `/healthz` (the
//!   baseline: no database, nothing rendered), a clip's page, the feed.
//!   Browser headers (Accept-Encoding: gzip, deflate, br). Median and p99
//!   latency, and the server's CPU time per request from `/proc`, steadier
//!   than wall time on a shared machine.
//! - **Media**: `--media-clients` connections reading the video as a player
//!   does, in 1 MiB `Range` requests (206), then as whole-file GETs, from
//!   Lantoa (`/v/{slug}/{token}/video.mp4`) and from static file servers
//!   serving the very same bytes from a local file: tower-http's `ServeDir`
//!   in a process of its own (the hidden `serve-dir` command), and nginx
//!   (sendfile on, as Debian ships it) when it is installed. MB/s, ratios.
//!
//! Prints figures and ratios; asserts only that every response was the right
//! one (non-2xx and short bodies are counted as errors and printed).

mod load;
mod outlet;
mod servers;

use std::collections::BTreeMap;
use std::sync::Arc;

use load::{Ask, Asks, Run, drive, fetch, ranges, whole};
use outlet::{Seeded, seed};
pub use servers::serve_dir;
use servers::{Host, Nginx, start_serve_dir};

/// Clips published: a full first page of the feed (12) and one more.
const POSTS: usize = 13;
/// The agency's slug: its outlet is at `/v/bao`.
const SLUG: &str = "bao";
/// What a player asks for at a time.
const CHUNK: u64 = 1 << 20;
const BROWSER: &str = "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 \
     (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36";
/// The static servers' file, and the one they answer when ready.
const FILE: &str = "/clip.mp4";
const READY: &str = "/ready.txt";

/// What the benchmark runs with (the `public` command's options).
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// Keep-alive connections at once for /healthz, the clip page and the feed.
    #[arg(long, default_value_t = 32)]
    pub clients: usize,
    /// Keep-alive connections at once reading the video.
    #[arg(long, default_value_t = 8)]
    pub media_clients: usize,
    /// Seconds each target is measured in each round.
    #[arg(long, default_value_t = 10.0)]
    pub seconds: f64,
    /// Rounds, every target in turn in each; medians reported.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// Length of the generated 1080×1920 clip, in seconds.
    #[arg(long, default_value_t = 30)]
    pub clip_seconds: u32,
    /// Its video bit rate, in kbit/s (8000: about 30 MB for 30 s).
    #[arg(long, default_value_t = 8000)]
    pub video_kbps: u32,
}

/// Every server sends the very bytes of the file; the pages are the outlet's.
async fn check(s: &Seeded, lantoa: &Host, media: &[&Host], video: &str) -> anyhow::Result<()> {
    let bytes = tokio::fs::read(&s.clip).await?;
    for h in media {
        let path = if h.addr == lantoa.addr { video } else { FILE };
        let part = Ask {
            path: path.to_string(),
            range: Some((1000, 1000 + CHUNK - 1)),
            page: false,
            expect: None,
        };
        let (status, got) = fetch(h.addr, &part).await?;
        anyhow::ensure!(
            status == 206 && got == bytes[1000..(1000 + CHUNK) as usize],
            "{}: a range of {path} is not the file's bytes ({status})",
            h.name
        );
        let all = Ask {
            range: None,
            ..part
        };
        let (status, got) = fetch(h.addr, &all).await?;
        anyhow::ensure!(
            status == 200 && got == bytes,
            "{}: {path} is not the file",
            h.name
        );
    }
    let plain = |p: &str| Ask {
        page: false,
        ..Ask::page(p)
    };
    let (status, page) = fetch(lantoa.addr, &plain(&format!("/v/{SLUG}/{}", s.token))).await?;
    let page = String::from_utf8_lossy(&page);
    anyhow::ensure!(
        status == 200 && page.contains(&s.title),
        "the clip page: {status}"
    );
    let (status, feed) = fetch(lantoa.addr, &plain(&format!("/v/{SLUG}"))).await?;
    let reels = String::from_utf8_lossy(&feed)
        .matches("<article class=\"slide\"")
        .count();
    anyhow::ensure!(
        status == 200 && reels == 12,
        "the feed: {status}, {reels} clips"
    );
    Ok(())
}

/// Each target of `targets` on its host for `seconds`, in turn, `rounds`
/// times: the runs by target, then round.
async fn rounds(
    o: &Options,
    targets: &[(&Host, Asks)],
    clients: usize,
    seconds: f64,
) -> anyhow::Result<Vec<Vec<Run>>> {
    // Warm-up: connections, caches, the page cache.
    for (h, asks) in targets {
        drive(h, clients, seconds.min(1.0), asks.clone()).await?;
    }
    let mut runs: Vec<Vec<Run>> = targets.iter().map(|_| Vec::new()).collect();
    for _ in 0..o.rounds {
        for (i, (h, asks)) in targets.iter().enumerate() {
            runs[i].push(drive(h, clients, seconds, asks.clone()).await?);
        }
    }
    Ok(runs)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Milliseconds at fraction `p` of the runs' latencies.
fn pct_ms(runs: &[Run], p: f64) -> f64 {
    let mut v: Vec<u32> = runs.iter().flat_map(|r| r.lat_us.iter().copied()).collect();
    v.sort_unstable();
    match v.len() {
        0 => f64::NAN,
        n => f64::from(v[((n as f64 - 1.0) * p).round() as usize]) / 1000.0,
    }
}

/// "0" or "3 (429 ×2, connection ×1)".
fn errors(runs: &[Run]) -> String {
    let mut all: BTreeMap<&str, usize> = BTreeMap::new();
    for r in runs {
        for (k, n) in &r.errors {
            *all.entry(k).or_default() += n;
        }
    }
    let total: usize = all.values().sum();
    if total == 0 {
        return "0".into();
    }
    let kinds: Vec<String> = all.iter().map(|(k, n)| format!("{k} ×{n}")).collect();
    format!("{total} ({})", kinds.join(", "))
}

/// A row: its name, its figure in each round, then their median.
fn row(name: &str, values: Vec<f64>, digits: usize) {
    let each: String = values.iter().map(|v| format!("{v:>10.digits$}")).collect();
    println!("  {name:<46}{each}{:>10.digits$}", median(values));
}

fn heads(rounds: usize) {
    let each: String = (1..=rounds)
        .map(|i| format!("{:>10}", format!("round {i}")))
        .collect();
    println!("  {:<46}{each}{:>10}", "", "median");
}

/// Requests/s of /healthz, the clip page and the feed.
async fn pages(o: &Options, s: &Seeded, lantoa: &Host) -> anyhow::Result<()> {
    let page = |p: String| -> Asks { Arc::new(move |_, _| Ask::page(&p)) };
    let names = [
        "/healthz",
        "clip page /v/{slug}/{token}",
        "feed /v/{slug} (12 clips)",
    ];
    let targets = [
        (lantoa, page("/healthz".into())),
        (lantoa, page(format!("/v/{SLUG}/{}", s.token))),
        (lantoa, page(format!("/v/{SLUG}"))),
    ];
    let runs = rounds(o, &targets, o.clients, o.seconds).await?;
    println!();
    println!(
        "Requests/s, {} keep-alive connections, {} s per target per round, in turn:",
        o.clients, o.seconds
    );
    heads(o.rounds);
    for (name, r) in names.iter().zip(&runs) {
        row(
            &format!("{name}, req/s"),
            r.iter().map(Run::per_s).collect(),
            0,
        );
    }
    let ratio = |a: usize| -> Vec<f64> {
        (0..o.rounds)
            .map(|i| runs[a][i].per_s() / runs[0][i].per_s())
            .collect()
    };
    row("clip page / healthz (target ≥ 0.3)", ratio(1), 3);
    row("feed / healthz", ratio(2), 3);
    for (name, r) in names.iter().zip(&runs) {
        row(
            &format!("{name}, server CPU ms/req"),
            r.iter().map(Run::cpu_ms).collect(),
            3,
        );
    }
    for (name, r) in names.iter().zip(&runs) {
        let load: f64 = r.iter().map(|r| r.load_cpu).sum::<f64>() * 1000.0;
        let n: usize = r.iter().map(|r| r.ok).sum();
        let wire = r.iter().map(|r| r.bytes).sum::<u64>() / n.max(1) as u64;
        println!(
            "  {name}: median {:.2} ms, p99 {:.2} ms; {wire} B a response on the wire; \
             load generator {:.3} CPU ms/req; errors {}",
            pct_ms(r, 0.5),
            pct_ms(r, 0.99),
            load / n.max(1) as f64,
            errors(r)
        );
    }
    Ok(())
}

/// MB/s of the video in 1 MiB ranges and whole, from Lantoa and the static
/// servers.
async fn media(o: &Options, s: &Seeded, hosts: &[&Host], video: &str) -> anyhow::Result<()> {
    let path = |h: &Host| if h.name == "Lantoa" { video } else { FILE };
    for (mode, ranged) in [
        ("1 MiB Range requests (206)", true),
        ("whole-file GETs (200)", false),
    ] {
        let targets: Vec<(&Host, Asks)> = hosts
            .iter()
            .map(|h| {
                let asks = if ranged {
                    ranges(path(h), s.size, o.media_clients)
                } else {
                    whole(path(h), s.size)
                };
                (*h, asks)
            })
            .collect();
        let runs = rounds(o, &targets, o.media_clients, o.seconds).await?;
        println!();
        println!(
            "The {:.1} MB video in {mode}, {} keep-alive connections, {} s per server per round, in turn:",
            s.size as f64 / 1e6,
            o.media_clients,
            o.seconds
        );
        heads(o.rounds);
        for (h, r) in hosts.iter().zip(&runs) {
            row(
                &format!("{}, MB/s", h.name),
                r.iter().map(Run::mb_per_s).collect(),
                0,
            );
        }
        for (i, h) in hosts.iter().enumerate().skip(1) {
            let ratio = (0..o.rounds)
                .map(|k| runs[0][k].mb_per_s() / runs[i][k].mb_per_s())
                .collect();
            row(&format!("Lantoa / {} (target ≥ 0.8)", h.name), ratio, 3);
        }
        for (h, r) in hosts.iter().zip(&runs) {
            let per_mib = r
                .iter()
                .map(|r| r.server_cpu * 1000.0 / (r.bytes as f64 / CHUNK as f64));
            row(
                &format!("{}, server CPU ms/MiB", h.name),
                per_mib.collect(),
                3,
            );
        }
        for (h, r) in hosts.iter().zip(&runs) {
            println!(
                "  {}: {} a response: median {:.2} ms, p99 {:.2} ms; errors {}",
                h.name,
                if ranged { "1 MiB" } else { "the file" },
                pct_ms(r, 0.5),
                pct_ms(r, 0.99),
                errors(r)
            );
        }
    }
    Ok(())
}

pub async fn public(o: Options) -> anyhow::Result<()> {
    anyhow::ensure!(
        o.rounds > 0 && o.clients > 0 && o.media_clients > 0 && o.seconds > 0.0,
        "--rounds, --clients, --media-clients and --seconds: more than 0"
    );
    let s = seed(&o).await?;
    let r = measure(&o, &s).await;
    let _ = std::fs::remove_dir_all(&s.dir);
    r
}

async fn measure(o: &Options, s: &Seeded) -> anyhow::Result<()> {
    let server = crate::bench_survey::Server::start(&s.env).await?;
    let lantoa = Host {
        name: "Lantoa",
        addr: server.addr,
        pid: server.pid,
    };
    let www = s.dir.join("www");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let r = async {
        let (mut dir_child, serve_dir) = start_serve_dir(&www).await?;
        let nginx = Nginx::start(&s.dir, &www, cores).await;
        let mut hosts = vec![&lantoa, &serve_dir];
        match &nginx {
            Ok((_, h)) => hosts.push(h),
            Err(why) => println!("  nginx: {why}; measured against ServeDir only"),
        }
        let video = format!("/v/{SLUG}/{}/video.mp4", s.token);
        let r = async {
            check(s, &lantoa, &hosts, &video).await?;
            header(o, s, &hosts);
            pages(o, s, &lantoa).await?;
            media(o, s, &hosts, &video).await
        }
        .await;
        if let Ok((n, _)) = nginx {
            n.stop().await;
        }
        let _ = dir_child.start_kill();
        let _ = dir_child.wait().await;
        r
    }
    .await;
    server.stop().await;
    r
}

fn header(o: &Options, s: &Seeded, hosts: &[&Host]) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!();
    println!(
        "The outlet's public pages: {POSTS} clips published, SQLite, the server a child process \
         (`serve`) on {cores} cores shared with this load generator (and the static servers, idle \
         while not measured); {} rounds.",
        o.rounds
    );
    let names: Vec<&str> = hosts.iter().skip(1).map(|h| h.name).collect();
    println!(
        "  The video: {:.1} MB, {} s; static servers of the same file: {}.",
        s.size as f64 / 1e6,
        o.clip_seconds,
        names.join(", ")
    );
}

//! `lantoa bench insights`: the metric pipeline at a province's scale.
//!
//! A generated network (10 agencies, 4–6 channels each, two years of posts
//! published at the hours newsrooms post) gets its figures on the collector's
//! schedule: hourly to 48 h, daily to 30 days, weekly to 180 days. Counters
//! saturate (views ≈ peak·(1 − e^(−age/τ))), each platform gives only what its
//! connector reads, and now and then a platform corrects a figure downwards.
//!
//! Measured side by side in one run:
//! - snapshots/s through [`rollup::ingest`] (raw rows and every rollup) against
//!   the same snapshots stored raw only ([`idb::insert_snapshots`]) in a second
//!   fresh database of the same engine;
//! - the dashboard's reports (median and p95 over varied agencies and ranges),
//!   and the "wide" report computed straight from raw snapshots with one SQL
//!   aggregate, as a report would cost without rollups.
//!
//! Snapshots are generated in global time order from a heap of posts (one
//! entry per post), never all at once, so memory stays at a few hundred bytes
//! per post whatever the snapshot count. Prints figures and ratios; asserts
//! nothing beyond the data being consistent.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use jiff::tz::TimeZone;

use lantoa::config::Config;
use lantoa::db::Db;
use lantoa::db::insights::{self as idb, ClipTiming, Counters, Post, Snapshot};
use lantoa::domain::{Category, ChannelId, ClipId, OrgId, PublicationId, UserId};
use lantoa::insights::collect::next_fetch;
use lantoa::insights::report::{self, By, Days};
use lantoa::insights::rollup::{self, Zones};
use lantoa::server::prepare;
use lantoa::service::{Actor, orgs};
use lantoa::state::AppState;

const HOUR: i64 = 3_600_000;
pub(crate) const AGENCIES: usize = 10;
const TIME_ZONE: &str = "Asia/Ho_Chi_Minh";
const TARGET_SNAPSHOTS_PER_S: f64 = 100_000.0;
const TARGET_P95_MS: f64 = 200.0;
/// Posts registered per transaction while seeding.
const SEED_BATCH: usize = 2_000;

/// What the benchmark runs with (the `insights` command's options).
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// Snapshots to generate (two years of posts on 10 agencies' channels).
    #[arg(long, default_value_t = 10_000_000)]
    pub snapshots: u64,
    /// A fresh PostgreSQL database (the baseline gets `<name>_bench_raw`
    /// beside it); SQLite in the data folder when absent.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Where the SQLite files and keys go (default: a temporary folder).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Snapshots per transaction.
    #[arg(long, default_value_t = 20_000)]
    pub batch: usize,
    /// Ingest streams at once, each the posts of every n-th channel: the
    /// collector's jobs (one channel each) as the worker's slots run them
    /// (`worker_slots`, default 2). 1: one stream, batch after batch.
    #[arg(long, default_value_t = 2)]
    pub streams: usize,
    /// Runs of each dashboard query.
    #[arg(long, default_value_t = 20)]
    pub runs: usize,
    /// Keep the databases and the data folder afterwards.
    #[arg(long)]
    pub keep: bool,
}

// ---- Deterministic numbers -----------------------------------------------------

/// The generator's sequence (same constants as the tests' LCG).
pub(crate) struct Lcg(pub(crate) u64);

impl Lcg {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// Uniform in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        self.next() as f64 / (1u64 << 31) as f64
    }
    /// Roughly normal (mean 0, sd 1): the sum of 12 uniforms.
    fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.unit()).sum::<f64>() - 6.0
    }
    /// An index drawn with these weights.
    fn weighted(&mut self, w: &[f64]) -> usize {
        let mut x = self.unit() * w.iter().sum::<f64>();
        for (i, v) in w.iter().enumerate() {
            if x < *v {
                return i;
            }
            x -= v;
        }
        w.len() - 1
    }
}

/// A number fixed by (post, step): noise that does not depend on the order
/// snapshots are generated in (splitmix64).
fn mix(a: u64, b: u64) -> u64 {
    let mut z = a
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(b)
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn unit_of(a: u64, b: u64) -> f64 {
    (mix(a, b) >> 11) as f64 / (1u64 << 53) as f64
}

// ---- The network ----------------------------------------------------------------

/// What each platform's connector reads (see `platforms/connector.rs`):
/// (name, relative audience, views, watch time + average view, reactions,
/// comments, shares, followers gained). No connector reads reach.
const PLATFORMS: [(&str, f64, [bool; 6]); 4] = [
    ("facebook", 1.0, [true, true, true, true, true, true]),
    ("youtube", 0.4, [true, false, true, true, false, false]),
    ("tiktok", 1.6, [true, false, true, true, true, false]),
    ("zalo", 0.3, [true, false, false, false, true, false]),
];

/// Posts per local hour (newsrooms post at breakfast, lunch and evening).
const HOUR_WEIGHTS: [f64; 24] = [
    0.2, 0.1, 0.1, 0.1, 0.2, 1.0, 3.0, 4.0, 3.5, 1.5, 1.5, 3.0, //
    3.5, 3.0, 1.2, 1.2, 1.5, 1.8, 2.0, 3.5, 4.0, 4.0, 3.0, 0.8,
];

/// Share of clips per topic, in [`Category::ALL`] order.
const CATEGORY_WEIGHTS: [f64; 5] = [0.10, 0.20, 0.40, 0.15, 0.15];

struct Agency {
    id: OrgId,
    /// (channel, index into [`PLATFORMS`]).
    channels: Vec<(ChannelId, usize)>,
    authors: Vec<UserId>,
    /// How much this agency posts compared with the others.
    weight: f64,
}

/// A body and `AGENCIES` agencies under it, with names no other run used
/// (a PostgreSQL database may already hold orgs); the suffix of the names.
pub(crate) async fn body_with_agencies(
    st: &AppState,
) -> anyhow::Result<(OrgId, Vec<OrgId>, String)> {
    let cli = Actor::cli();
    let sfx = hex::encode(lantoa::crypto::random_bytes::<3>());
    let body = orgs::create(
        st,
        &cli,
        "body",
        None,
        &format!("so-tttt-{sfx}"),
        "Sở Thông tin và Truyền thông",
        Some(TIME_ZONE),
    )
    .await?;
    let mut agencies = Vec::new();
    for a in 0..AGENCIES {
        let id = orgs::create(
            st,
            &cli,
            "agency",
            Some(body),
            &format!("agency-{a}-{sfx}"),
            &format!("Cơ quan báo chí {}", a + 1),
            Some(TIME_ZONE),
        )
        .await?;
        agencies.push(id);
    }
    Ok((body, agencies, sfx))
}

async fn network(st: &AppState, rng: &mut Lcg) -> anyhow::Result<Vec<Agency>> {
    let (_, ids, _) = body_with_agencies(st).await?;
    let mut out = Vec::new();
    for (a, id) in ids.into_iter().enumerate() {
        let n = 4 + rng.below(3) as usize;
        // Every agency has the four platforms; extra channels are a second
        // Facebook page or TikTok account.
        let channels = (0..n)
            .map(|k| {
                let platform = if k < 4 { k } else { [0, 2][k % 2] };
                (ChannelId((a * 10 + k + 1) as i64), platform)
            })
            .collect();
        let authors = (0..3 + rng.below(4))
            .map(|k| UserId((a * 100 + k as usize + 1) as i64))
            .collect();
        out.push(Agency {
            id,
            channels,
            authors,
            weight: 0.5 + rng.unit() * 1.5,
        });
    }
    Ok(out)
}

/// A post's figures over its life, and where its snapshots have got to.
struct Plan {
    id: i64,
    /// Seeds the post's noise and fetch delays (fixed before ids are known).
    key: i64,
    published_at: i64,
    platform: usize,
    duration_s: f64,
    peak: f64,
    tau_h: f64,
    completion: f64,
    /// Reactions, comments, shares and followers per view.
    rates: [f64; 4],
    /// Snapshots this post gets before now (or before the total is reached).
    count: u32,
    step: u32,
    next_at: i64,
    /// 1.0 until a platform corrects the figures downwards.
    corrected: f64,
}

/// When a fetch scheduled for `due` actually runs: the job's delay.
fn jitter(id: i64, step: u32) -> i64 {
    (mix(id as u64, u64::from(step) + 1_000_000) % 300_000) as i64
}

/// The times of a post's snapshots up to `now`, on the collector's schedule.
fn schedule(id: i64, published_at: i64, now: i64) -> u32 {
    let mut n = 0;
    let mut t = published_at + HOUR + jitter(id, 0);
    while t <= now {
        n += 1;
        match next_fetch(published_at, t) {
            Some(next) => t = next + jitter(id, n),
            None => break,
        }
    }
    n
}

struct Generated {
    posts: Vec<(Post, i64)>,
    timings: Vec<ClipTiming>,
    plans: Vec<Plan>,
    snapshots: u64,
}

/// Clips and their posts over two years up to `now`, until their snapshots
/// reach `target` (the last clip's posts may take it a few hundred over).
fn generate(agencies: &[Agency], now: i64, target: u64, rng: &mut Lcg) -> Generated {
    let tz = TimeZone::get(TIME_ZONE).unwrap_or(TimeZone::UTC);
    let today = rollup::local_day(&tz, now);
    let weights: Vec<f64> = agencies.iter().map(|a| a.weight).collect();
    let mut total = 0u64;
    // (published_at, agency, channel, platform, clip index, noise key, snapshots)
    let mut raw: Vec<(i64, usize, ChannelId, usize, usize, i64, u32)> = Vec::new();
    let mut timings = Vec::new();
    let mut clip_meta: Vec<(usize, UserId, &'static str, f64)> = Vec::new();
    while total < target {
        let ai = rng.weighted(&weights);
        let a = &agencies[ai];
        let day = today - 1 - rng.below(730) as i64;
        let hour = rng.weighted(&HOUR_WEIGHTS) as i64;
        let at = report::day_start(&tz, day) + hour * HOUR + rng.below(60) as i64 * 60_000;
        let author = a.authors[rng.below(a.authors.len() as u64) as usize];
        let category = Category::ALL[rng.weighted(&CATEGORY_WEIGHTS)];
        let duration_s = (10.0 + 230.0 * rng.unit().powi(2)).round();
        let clip = clip_meta.len();
        clip_meta.push((ai, author, category.code(), duration_s));
        // Preparing 10 min–3 h; review 5 min–6 h (political topics wait
        // longer); waiting to go out 1 min–2 h.
        let prepare = 10 * 60_000 + rng.below(170 * 60_000) as i64;
        let review = (5 * 60_000 + rng.below(355 * 60_000) as i64)
            * if category.is_political() { 2 } else { 1 };
        let wait = 60_000 + rng.below(119 * 60_000) as i64;
        let approved = at - wait;
        let submitted = approved - review;
        timings.push(ClipTiming {
            clip_id: ClipId(clip as i64 + 1),
            agency_id: a.id,
            author_id: author,
            category: category.code().to_string(),
            duration_s: Some(duration_s),
            uploaded_at: submitted - prepare,
            submitted_at: Some(submitted),
            approved_at: Some(approved),
            published_at: at,
        });
        let mut chosen: Vec<&(ChannelId, usize)> =
            a.channels.iter().filter(|_| rng.unit() < 0.6).collect();
        if chosen.is_empty() {
            chosen.push(&a.channels[rng.below(a.channels.len() as u64) as usize]);
        }
        for (k, (ch, platform)) in chosen.into_iter().enumerate() {
            let t = at + k as i64 * rng.below(5 * 60_000) as i64;
            let key = raw.len() as i64;
            let count = schedule(key, t, now);
            total += u64::from(count);
            raw.push((t, ai, *ch, *platform, clip, key, count));
        }
    }
    // Ids in publication order, as a real database would give them.
    raw.sort_by_key(|r| r.0);
    let mut posts = Vec::with_capacity(raw.len());
    let mut plans = Vec::with_capacity(raw.len());
    let mut snapshots = 0u64;
    for (i, (t, ai, ch, platform, clip, key, count)) in raw.into_iter().enumerate() {
        let id = i as i64 + 1;
        let (_, author, category, duration_s) = clip_meta[clip];
        let a = &agencies[ai];
        let (dow, hour) = rollup::local_dow_hour(&tz, t);
        // Views peak higher for posts at the good hours and on big platforms;
        // a long tail of hits (log-normal).
        let hour_boost = 0.6 + HOUR_WEIGHTS[hour as usize] / 4.0;
        let peak = 2_000.0 * PLATFORMS[platform].1 * hour_boost * (1.1 * rng.normal()).exp();
        snapshots += u64::from(count);
        plans.push(Plan {
            id,
            key,
            published_at: t,
            platform,
            duration_s,
            peak,
            tau_h: 6.0 + rng.unit() * 42.0,
            completion: 0.15 + rng.unit() * 0.6,
            rates: [
                0.02 + rng.unit() * 0.06,
                0.002 + rng.unit() * 0.01,
                0.002 + rng.unit() * 0.02,
                0.0005 + rng.unit() * 0.002,
            ],
            count,
            step: 0,
            next_at: t + HOUR + jitter(key, 0),
            corrected: 1.0,
        });
        posts.push((
            Post {
                publication_id: PublicationId(id),
                agency_id: a.id,
                channel_id: ch,
                clip_id: ClipId(clip as i64 + 1),
                platform: PLATFORMS[platform].0.to_string(),
                author_id: author,
                category: category.to_string(),
                duration_s: Some(duration_s),
                published_at: t,
                local_dow: dow,
                local_hour: hour,
                taken_at: None,
                latest: [None; 8],
                views_48h: None,
            },
            rollup::local_day(&tz, t),
        ));
    }
    Generated {
        posts,
        timings,
        plans,
        snapshots,
    }
}

/// Snapshots of every post in global time order, a batch at a time.
struct Stream<'a> {
    plans: &'a mut [Plan],
    heap: BinaryHeap<Reverse<(i64, usize)>>,
}

impl<'a> Stream<'a> {
    fn new(plans: &'a mut [Plan]) -> Stream<'a> {
        let mut heap = BinaryHeap::with_capacity(plans.len());
        for (i, p) in plans.iter_mut().enumerate() {
            p.step = 0;
            p.corrected = 1.0;
            p.next_at = p.published_at + HOUR + jitter(p.key, 0);
            if p.count > 0 {
                heap.push(Reverse((p.next_at, i)));
            }
        }
        Stream { plans, heap }
    }

    fn batch(&mut self, n: usize) -> Vec<Snapshot> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            let Some(Reverse((t, i))) = self.heap.pop() else {
                break;
            };
            let p = &mut self.plans[i];
            out.push(snapshot(p, t));
            p.step += 1;
            if p.step < p.count
                && let Some(next) = next_fetch(p.published_at, t)
            {
                p.next_at = next + jitter(p.key, p.step);
                self.heap.push(Reverse((p.next_at, i)));
            }
        }
        out
    }
}

/// A post's figures at `t`.
fn snapshot(p: &mut Plan, t: i64) -> Snapshot {
    let (id, step) = (p.key as u64, u64::from(p.step));
    // About one snapshot in 300: the platform removes some plays.
    if unit_of(id, step) < 0.003 {
        p.corrected *= 0.90 + 0.08 * unit_of(id, step + 7_000_000);
    }
    let age_h = (t - p.published_at) as f64 / HOUR as f64;
    let views = (p.peak * (1.0 - (-age_h / p.tau_h).exp()) * p.corrected).round();
    let avg_view = p.duration_s * p.completion * (0.95 + 0.1 * unit_of(id, step + 3_000_000));
    let [r, c, s, f] = p.rates;
    let has = PLATFORMS[p.platform].2;
    let some = |ok: bool, v: f64| ok.then_some(v);
    let mut counters: Counters = [None; 8];
    counters[idb::VIEWS] = some(has[0], views);
    counters[idb::WATCH] = some(has[1], (views * avg_view).round());
    counters[idb::AVG_VIEW] = some(has[1], (avg_view * 10.0).round() / 10.0);
    counters[idb::REACTIONS] = some(has[2], (views * r).round());
    counters[idb::COMMENTS] = some(has[3], (views * c).round());
    counters[idb::SHARES] = some(has[4], (views * s).round());
    counters[idb::FOLLOWERS] = some(has[5], (views * f).round());
    Snapshot {
        publication_id: PublicationId(p.id),
        taken_at: t,
        c: counters,
    }
}

mod run;
use run::*;
pub(crate) use run::{ms, open, pct};

pub async fn insights(o: Options) -> anyhow::Result<()> {
    anyhow::ensure!(
        o.batch > 0 && o.runs > 0 && o.streams > 0,
        "--batch, --runs and --streams must be > 0"
    );
    let dir = match &o.data_dir {
        Some(d) => d.clone(),
        None => std::env::temp_dir().join(format!(
            "lantoa-bench-insights-{}",
            hex::encode(lantoa::crypto::random_bytes::<6>())
        )),
    };
    let raw_url = match &o.database_url {
        Some(u) => Some(sibling_url(u, "bench_raw")?),
        None => None,
    };
    let st = open(&dir.join("rollups"), o.database_url.as_deref()).await?;
    {
        let mut tx = st.db.read().await?;
        anyhow::ensure!(
            idb::posts(&mut tx, &[PublicationId(1)]).await?.is_empty(),
            "the database already holds insights: give the benchmark a fresh one"
        );
    }
    if let Some((_, name)) = &raw_url {
        lantoa::db::recreate_database(&st.db, name).await?;
    }
    let raw = open(&dir.join("raw"), raw_url.as_ref().map(|(u, _)| u.as_str())).await?;
    let engine = st.db.engine().name();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let tz = TimeZone::get(TIME_ZONE)?;
    // The hour the run starts: "now" for the generated history.
    let now = st.now() / HOUR * HOUR;

    let mut rng = Lcg(20_260_101);
    let agencies = network(&st, &mut rng).await?;
    let t = Instant::now();
    let mut g = generate(&agencies, now, o.snapshots, &mut rng);
    let channels: usize = agencies.iter().map(|a| a.channels.len()).sum();
    println!(
        "Insights at a province's scale: {engine}, {} snapshots of {} posts ({} clips) on \
         {channels} channels of {AGENCIES} agencies, two years to now; {threads} threads.",
        g.snapshots,
        g.posts.len(),
        g.timings.len()
    );
    println!(
        "  generated in {:.1} s; snapshots are made batch by batch in time order \
         (a heap of {} posts, ~{} MB), never all held at once.",
        t.elapsed().as_secs_f64(),
        g.plans.len(),
        (g.plans.len() * (std::mem::size_of::<Plan>() + 300)) / 1_000_000 + 1
    );

    // Registering the posts (what the publisher does as each goes out).
    let t = Instant::now();
    for chunk in g.posts.chunks(SEED_BATCH) {
        let mut tx = st.db.write().await?;
        for (p, day) in chunk {
            idb::add_post(&mut tx, p, *day, p.published_at + HOUR).await?;
        }
        tx.commit().await?;
    }
    for chunk in g.timings.chunks(SEED_BATCH) {
        let mut tx = st.db.write().await?;
        for c in chunk {
            idb::add_clip_timing(&mut tx, c).await?;
        }
        tx.commit().await?;
    }
    let seeding = t.elapsed();
    println!(
        "  {} posts and {} clip timings registered in {:.1} s (not part of the ingest figure).",
        g.posts.len(),
        g.timings.len(),
        seeding.as_secs_f64()
    );
    let posts_n = g.posts.len();
    let channel_of: HashMap<i64, i64> = g
        .posts
        .iter()
        .map(|(p, _)| (p.publication_id.0, p.channel_id.0))
        .collect();
    g.posts = Vec::new();

    // Ingest: rollups, then the raw-only baseline.
    let total = g.snapshots;
    let streams = o.streams;
    let how = |rollups, label| (o.batch, rollups, label, total);
    let (roll_t, roll_n) = load_streams(
        &st,
        &mut g.plans,
        &channel_of,
        streams,
        how(true, "rollups"),
    )
    .await?;
    let roll_rate = roll_n as f64 / roll_t.as_secs_f64();
    println!(
        "  rollup ingest: {roll_n} snapshots in {:.1} s = {roll_rate:.0}/s",
        roll_t.as_secs_f64()
    );
    let (raw_t, raw_n) =
        load_streams(&raw, &mut g.plans, &channel_of, streams, how(false, "raw")).await?;
    let raw_rate = raw_n as f64 / raw_t.as_secs_f64();
    println!(
        "  raw insert:    {raw_n} snapshots in {:.1} s = {raw_rate:.0}/s",
        raw_t.as_secs_f64()
    );
    drop(g);

    // Dashboard queries.
    let today = rollup::local_day(&tz, now);
    let ids: Vec<OrgId> = agencies.iter().map(|a| a.id).collect();
    // Run r: the r-th agency, the range ending 0–19 days before today.
    let agency_of = |r: usize| ids[r % ids.len()];
    let days = |r: usize, len: i64| {
        let to = today + 1 - (r as i64 * 7) % 20;
        Days { from: to - len, to }
    };
    // One agency, or the province: every agency, named in the query as the
    // overseer's dashboard names them.
    let scope_of = |agency: bool, r: usize| {
        if agency {
            vec![agency_of(r)]
        } else {
            ids.clone()
        }
    };
    let runs = o.runs;
    let db = &st.db;
    let tz = &tz;
    let mut lines: Vec<Line> = Vec::new();
    let mut add = |name: &str, (v, rows): (Vec<f64>, usize)| {
        let l = Line {
            name: name.to_string(),
            median: pct(&v, 0.5),
            p95: pct(&v, 0.95),
            rows,
        };
        let median = l.median;
        lines.push(l);
        median
    };
    let mut wide_agency_median = f64::NAN;
    for (name, agency, len) in [
        ("wide, agency, 30 d", true, 30),
        ("wide, province, 90 d", false, 90),
    ] {
        let t = time_runs(runs, |r| async move {
            let mut tx = db.read().await?;
            let w = report::wide(&mut tx, &scope_of(agency, r), days(r, len)).await?;
            Ok(w.per_channel.values().map(Vec::len).sum())
        })
        .await?;
        let m = add(name, t);
        if agency {
            wide_agency_median = m;
        }
    }
    for (name, agency, len) in [
        ("speed, agency, 90 d", true, 90),
        ("speed, province, 365 d", false, 365),
    ] {
        let t = time_runs(runs, |r| async move {
            let mut tx = db.read().await?;
            let s = report::speed(&mut tx, &scope_of(agency, r), days(r, len), tz).await?;
            Ok(s.current.clips + s.previous.clips)
        })
        .await?;
        add(name, t);
    }
    for (name, agency, len) in [
        ("published+breakdowns, agency, 30 d", true, 30),
        ("published+breakdowns, agency, 365 d", true, 365),
        ("published+breakdowns, province, 90 d", false, 90),
        ("published+breakdowns, province, 365 d", false, 365),
    ] {
        let t = time_runs(runs, |r| async move {
            let mut tx = db.read().await?;
            let p = report::published(db, &mut tx, &scope_of(agency, r), days(r, len), tz).await?;
            drop(tx);
            let b = report::breakdown(&p, By::Category);
            let l = report::length(&p.current);
            let h = report::heatmap(p.current.iter());
            let tb = report::top_bottom(&p.current, 10);
            std::hint::black_box((&b, &l, &h, &tb));
            Ok(p.current.len() + p.previous.posts())
        })
        .await?;
        add(name, t);
    }
    // The read alone, for the profile: the rest is computed in memory.
    let t = time_runs(runs, |r| async move {
        let mut tx = db.read().await?;
        let p = report::published(db, &mut tx, &scope_of(false, r), days(r, 365), tz).await?;
        Ok(p.current.len() + p.previous.posts())
    })
    .await?;
    add("published (read only), province, 365 d", t);

    // Baseline: "wide, agency, 30 days" straight from raw snapshots.
    let base_runs = runs.clamp(1, 5);
    let offset_ms = i64::from(tz.to_offset(jiff::Timestamp::now()).seconds()) * 1000;
    let t = time_runs(base_runs, |r| async move {
        let d = days(r, 30);
        let mut tx = db.read().await?;
        let rows =
            idb::channel_days_from_raw(&mut tx, agency_of(r), d.previous().from, d.to, offset_ms)
                .await?;
        Ok(rows.len())
    })
    .await?;
    let raw_wide_median = add("wide, agency, 30 d, from raw (baseline)", t);
    // Both answer the same question: the views gained agree.
    let checked = {
        let d = days(0, 30);
        let mut tx = db.read().await?;
        let raw =
            idb::channel_days_from_raw(&mut tx, agency_of(0), d.from, d.to, offset_ms).await?;
        let from_raw: f64 = raw.iter().filter_map(|c| c.gained[idb::VIEWS]).sum();
        let w = report::wide(&mut tx, &[agency_of(0)], d).await?;
        let rolled = w.total.gained[idb::VIEWS].unwrap_or(0.0);
        if (rolled - from_raw).abs() < 0.5 {
            format!("views gained agree ({rolled:.0})")
        } else {
            format!("views gained DIFFER: rollups {rolled:.0}, raw {from_raw:.0}")
        }
    };

    println!();
    println!(
        "Summary: {engine}, {} snapshots, {posts_n} posts, {threads} threads, batches of {}, \
         {streams} ingest stream(s), {runs} runs per query (baseline {base_runs}).",
        total, o.batch
    );
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    println!(
        "  {:<44} {:>12} {:>12} {:>8}   target",
        "ingest", "snapshots/s", "baseline/s", "ratio"
    );
    println!(
        "  {:<44} {:>12.0} {:>12.0} {:>7.2}×   ≥ {:.0}/s {}",
        "rollups vs raw insert only",
        roll_rate,
        raw_rate,
        roll_rate / raw_rate,
        TARGET_SNAPSHOTS_PER_S,
        verdict(roll_rate >= TARGET_SNAPSHOTS_PER_S)
    );
    println!(
        "  {:<44} {:>12} {:>12} {:>8}   target",
        "dashboard query", "median ms", "p95 ms", "rows"
    );
    for l in &lines {
        let target = if l.name.contains("baseline") {
            String::new()
        } else {
            format!(
                "p95 ≤ {TARGET_P95_MS:.0} ms {}",
                verdict(l.p95 <= TARGET_P95_MS)
            )
        };
        println!(
            "  {:<44} {:>12.2} {:>12.2} {:>8}   {target}",
            l.name, l.median, l.p95, l.rows
        );
    }
    println!(
        "  wide, agency, 30 d: raw aggregate / rollups = {:.1}× (medians); {checked}",
        raw_wide_median / wide_agency_median
    );

    st.db.close().await;
    raw.db.close().await;
    if o.keep {
        println!("  kept: {}", dir.display());
        if let Some((u, _)) = &raw_url {
            println!(
                "  kept the baseline database: {}",
                lantoa::config::mask_url(u)
            );
        }
    } else {
        if let (Some(u), Some((_, name))) = (&o.database_url, &raw_url) {
            let admin = Db::connect(u).await?;
            lantoa::db::drop_database(&admin, name).await?;
            admin.close().await;
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

#[cfg(test)]
mod tests;

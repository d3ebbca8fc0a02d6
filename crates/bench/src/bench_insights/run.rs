//! Opening the benchmark's database, timing runs and loading the rollups.

use super::*;

// ---- Running it ---------------------------------------------------------------------

pub(crate) async fn open(dir: &std::path::Path, url: Option<&str>) -> anyhow::Result<AppState> {
    std::fs::create_dir_all(dir)?;
    let mut env: BTreeMap<String, String> = [
        ("LANTOA_DATA_DIR", dir.display().to_string()),
        ("LANTOA_LISTEN", "127.0.0.1:0".to_string()),
        ("LANTOA_LOG", "warn".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    if let Some(u) = url {
        env.insert("LANTOA_DATABASE_URL".into(), u.to_string());
    }
    let config = Config::from_sources(None, &env)?;
    prepare(config).await.map_err(|e| anyhow::anyhow!("{e}"))
}

/// The same URL naming another database on the same server.
pub(super) fn sibling_url(url: &str, name: &str) -> anyhow::Result<(String, String)> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let (server, db) = base
        .rsplit_once('/')
        .filter(|(s, _)| s.contains("//") && !s.ends_with('/'))
        .ok_or_else(|| anyhow::anyhow!("--database-url must name a database: {url}"))?;
    let sibling = format!("{db}_{name}");
    let mut u = format!("{server}/{sibling}");
    if !query.is_empty() {
        u.push('?');
        u.push_str(query);
    }
    Ok((u, sibling))
}

pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub(crate) fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Runs `f` `runs` times (run index as argument); the sorted times in ms
/// and the rows the last run read.
pub(super) async fn time_runs<F, Fut>(runs: usize, mut f: F) -> anyhow::Result<(Vec<f64>, usize)>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<usize>>,
{
    let mut v = Vec::with_capacity(runs);
    let mut rows = 0;
    for r in 0..runs {
        let t = Instant::now();
        rows = f(r).await?;
        v.push(ms(t.elapsed()));
    }
    v.sort_by(f64::total_cmp);
    Ok((v, rows))
}

/// Ingests every snapshot through `streams` streams at once, each the posts
/// of every `streams`-th channel, as the worker's slots run the collector's
/// jobs (one channel each, so no two streams touch the same rows). Returns
/// the wall time (with one stream, the time spent in the database only) and
/// the snapshots written.
pub(super) async fn load_streams(
    st: &AppState,
    plans: &mut [Plan],
    channel_of: &HashMap<i64, i64>,
    streams: usize,
    (batch, rollups, label, total): (usize, bool, &str, u64),
) -> anyhow::Result<(Duration, u64)> {
    if streams <= 1 {
        return load(st, plans, batch, rollups, label, total).await;
    }
    let parts = split(plans, channel_of, streams);
    let labels: Vec<String> = (1..=streams)
        .map(|s| format!("{label} {s}/{streams}"))
        .collect();
    let t = Instant::now();
    let runs = parts
        .into_iter()
        .zip(&labels)
        .map(|(part, l)| load(st, part, batch, rollups, l, total));
    let done = futures_util::future::try_join_all(runs).await?;
    Ok((t.elapsed(), done.iter().map(|d| d.1).sum()))
}

/// The plans cut into `streams` parts, each the posts of every
/// `streams`-th channel (a post of no known channel goes to the first).
pub(super) fn split<'p>(
    plans: &'p mut [Plan],
    channel_of: &HashMap<i64, i64>,
    streams: usize,
) -> Vec<&'p mut [Plan]> {
    let stream_of = |p: &Plan| channel_of.get(&p.id).map_or(0, |c| *c as usize % streams);
    plans.sort_by_key(stream_of);
    let mut parts = Vec::with_capacity(streams);
    let mut rest = plans;
    for s in 0..streams {
        let n = rest.iter().take_while(|p| stream_of(p) == s).count();
        let (part, more) = std::mem::take(&mut rest).split_at_mut(n);
        parts.push(part);
        rest = more;
    }
    parts
}

/// Ingests every snapshot through the rollups, or raw only; returns the time
/// spent in the database (generation excluded) and the snapshots written.
pub(super) async fn load(
    st: &AppState,
    plans: &mut [Plan],
    batch: usize,
    rollups: bool,
    label: &str,
    total: u64,
) -> anyhow::Result<(Duration, u64)> {
    let mut stream = Stream::new(plans);
    let mut zones = Zones::default();
    let mut spent = Duration::ZERO;
    let mut done = 0u64;
    let mut last = Instant::now();
    let mut last_at = 0i64;
    loop {
        let snaps = stream.batch(batch);
        if snaps.is_empty() {
            break;
        }
        let n = snaps.len() as u64;
        if let Some(s) = snaps.last() {
            anyhow::ensure!(s.taken_at >= last_at, "snapshots out of time order");
            last_at = s.taken_at;
        }
        let t = Instant::now();
        let mut tx = st.db.write().await?;
        if rollups {
            let r = rollup::ingest(&mut tx, &mut zones, snaps).await?;
            anyhow::ensure!(
                r.stale == 0 && r.unknown == 0 && r.applied as u64 == n,
                "ingest left snapshots out: {r:?}"
            );
        } else {
            idb::insert_snapshots(&mut tx, &snaps).await?;
        }
        tx.commit().await?;
        spent += t.elapsed();
        done += n;
        if last.elapsed() > Duration::from_secs(15) {
            last = Instant::now();
            eprintln!(
                "  [{label}] {done}/{total} snapshots, {:.0}/s so far",
                done as f64 / spent.as_secs_f64()
            );
        }
    }
    Ok((spent, done))
}

pub(super) struct Line {
    pub(super) name: String,
    pub(super) median: f64,
    pub(super) p95: f64,
    pub(super) rows: usize,
}

//! `lantoa-bench crash`: how long publishing takes to settle after the
//! worker is killed with SIGKILL. N approved clips × 4 channels (200 jobs by
//! default) are asked for "publish now"; a worker process (this binary's
//! `worker` command: the same job runner `lantoa worker` runs) takes them;
//! once a share of the posts is out it is killed with SIGKILL and started
//! again at once. Measured: the time from the kill to every publication
//! settled (published), and that no post reached a platform twice.
//!
//! Side by side, the baseline: the same number of clips published by one
//! worker that is never killed. Runs on SQLite, or on PostgreSQL with
//! `LANTOA_BENCH_DATABASE_URL`. Prints figures and ratios; asserts nothing
//! beyond the run's own soundness (every post once).

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::bench_publish::{CHANNELS, Run, seed, start_run};
use lantoa::service::publish;

/// What the benchmark runs with (the `crash` command's options).
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// Approved clips (each to 4 channels).
    #[arg(long, default_value_t = 50)]
    pub clips: usize,
    /// How long each mock platform's processing takes, in milliseconds.
    #[arg(long, default_value_t = 300)]
    pub processing_ms: u64,
    /// Share of the posts out before the kill.
    #[arg(long, default_value_t = 0.3)]
    pub kill_at: f64,
}

/// The job runner in its own process, on the run's settings: the worker a
/// test kills.
pub async fn worker() -> anyhow::Result<()> {
    let config = lantoa::config::Config::load(None)?;
    lantoa::server::init_logging(&config);
    let st = lantoa::server::prepare(config)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let (_stop, rx) = tokio::sync::watch::channel(false);
    lantoa::worker::run(st, lantoa::server::job_kinds(), rx).await;
    Ok(())
}

fn spawn_worker(env: &BTreeMap<String, String>) -> anyhow::Result<tokio::process::Child> {
    Ok(tokio::process::Command::new(std::env::current_exe()?)
        .arg("worker")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()?)
}

/// How many of the agency's publications are out.
async fn published(run: &Run, agency: lantoa::domain::OrgId) -> anyhow::Result<(usize, usize)> {
    let rows: Vec<(String,)> = {
        let mut tx = run.st.db.read().await?;
        lantoa::on_tx!(&mut tx, c => sqlx::query_as(
            "SELECT state FROM publications WHERE agency_id = $1")
            .bind(agency).fetch_all(c).await)?
    };
    let failed = rows.iter().filter(|r| r.0 == "failed").count();
    anyhow::ensure!(failed == 0, "{failed} publications failed");
    Ok((
        rows.iter().filter(|r| r.0 == "published").count(),
        rows.len(),
    ))
}

/// One run: seeds, asks for every post, starts a worker and, when `kill_at`
/// is given, kills it once that share is out and starts another at once.
/// Returns the wall time from the first worker's start to all settled, and
/// after a kill: the time to the next post out, and to all settled.
async fn one(
    o: &Options,
    kill_at: Option<f64>,
) -> anyhow::Result<(Duration, Option<(Duration, Duration)>)> {
    let run = start_run(
        o.processing_ms,
        100,
        &[("LANTOA_WORKER_SLOTS", "16".into())],
    )
    .await?;
    let seeded = seed(run.st.clone(), &run.dir.join("files"), o.clips).await?;
    let caller = crate::bench::caller(&run.st, seeded.editor, seeded.agency, "editor").await?;
    for (c, ..) in &seeded.clips {
        publish::publish_now(&caller, *c, &Default::default()).await?;
    }
    let total = o.clips * CHANNELS.len();
    let t0 = Instant::now();
    let mut w = spawn_worker(&run.env)?;
    let mut killed_at: Option<(Instant, usize)> = None;
    let mut resumed: Option<Instant> = None;
    let deadline = t0 + Duration::from_secs(900);
    loop {
        let (out, n) = published(&run, seeded.agency).await?;
        anyhow::ensure!(n == total, "{n} publications, expected {total}");
        if let Some((_, before)) = killed_at
            && resumed.is_none()
            && out > before
        {
            resumed = Some(Instant::now());
        }
        if out == total {
            break;
        }
        if let Some(share) = kill_at
            && killed_at.is_none()
            && out as f64 >= share * total as f64
        {
            w.start_kill()?; // SIGKILL on Unix
            w.wait().await?;
            killed_at = Some((Instant::now(), out));
            println!("    killed with {out} of {total} posts out; started again at once");
            w = spawn_worker(&run.env)?;
        }
        anyhow::ensure!(Instant::now() < deadline, "only {out} of {total} settled");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let end = Instant::now();
    let _ = w.start_kill();
    let _ = w.wait().await;
    // Every post reached its platform once: one record per post, none twice.
    let records = run
        .mocks
        .records
        .lock()
        .map(|r| r.clone())
        .unwrap_or_default();
    let mut seen = BTreeMap::new();
    for r in &records {
        *seen
            .entry((r.platform.clone(), r.sha256.clone()))
            .or_insert(0usize) += 1;
    }
    anyhow::ensure!(
        records.len() == total && seen.values().all(|n| *n == 1),
        "the platforms hold {} posts for {total} publications",
        records.len()
    );
    run.st.db.close().await;
    let _ = std::fs::remove_dir_all(&run.dir);
    Ok((
        end - t0,
        killed_at.map(|(k, _)| (resumed.unwrap_or(end) - k, end - k)),
    ))
}

pub async fn crash(o: Options) -> anyhow::Result<()> {
    anyhow::ensure!(o.clips > 0, "--clips must be at least 1");
    let engine = if std::env::var("LANTOA_BENCH_DATABASE_URL").is_ok_and(|u| !u.trim().is_empty()) {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let lease = lantoa::config::Config::from_sources(None, &BTreeMap::new())?.job_lease_seconds;
    println!(
        "Publishing after kill -9: {} clips × 4 channels = {} jobs, {engine}, one worker process \
         (16 slots), mock platforms processing {} ms, job lease {lease} s (default).",
        o.clips,
        o.clips * CHANNELS.len(),
        o.processing_ms
    );
    println!("  baseline: the same posts, the worker never killed.");
    let (base, _) = one(&o, None).await?;
    println!("  killed at {:.0} % of the posts out:", o.kill_at * 100.0);
    let (wall, after) = one(&o, Some(o.kill_at.clamp(0.0, 0.99))).await?;
    let (resume, after) = after.unwrap_or_default();
    println!();
    println!("  {:<40} {:>10}", "", "seconds");
    println!(
        "  {:<40} {:>10.1}",
        "all settled, never killed",
        base.as_secs_f64()
    );
    println!(
        "  {:<40} {:>10.1}   {:.2}× the baseline",
        "all settled, killed once",
        wall.as_secs_f64(),
        wall.as_secs_f64() / base.as_secs_f64()
    );
    println!(
        "  {:<40} {:>10.1}   target: within 15 s",
        "kill -9 → the next post out",
        resume.as_secs_f64()
    );
    println!(
        "  {:<40} {:>10.1}",
        "kill -9 → all settled",
        after.as_secs_f64()
    );
    println!("  every post reached its platform exactly once.");
    Ok(())
}

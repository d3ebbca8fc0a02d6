//! `lantoa-bench`: Lantoa's benchmarks, each against a baseline measured side by
//! side in the same run, printed as ratios. Kept out of the product so that
//! nothing here is compiled into what agencies run.
//!
//!     cargo run --release -p lantoa-bench -- <ingest|review|publish|crash|insights|lint|survey|library|public|subtitles|load> [options]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod bench;
mod bench_crash;
mod bench_insights;
mod bench_library;
mod bench_lint;
mod bench_load;
mod bench_public;
mod bench_publish;
mod bench_review;
mod bench_subtitles;
mod bench_survey;

/// Measure performance against baselines run side by side (prints ratios).
#[derive(Parser, Debug)]
#[command(name = "lantoa-bench", version)]
struct Cli {
    /// A TOML settings file (read by `ingest` and `review`, as `lantoa` reads it).
    #[arg(long, global = true, env = "LANTOA_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: BenchCmd,
}

#[derive(Subcommand, Debug)]
enum BenchCmd {
    /// Review-ready time vs a bare decode, and a large tus upload's throughput and memory.
    Ingest {
        /// Length of the generated 1080×1920 clip, in seconds.
        #[arg(long, default_value_t = 60)]
        seconds: u32,
        /// Size of the upload to measure, in GiB (0 to skip).
        #[arg(long, default_value_t = 2.0)]
        upload_gib: f64,
    },
    /// The clip page's server time with 5 versions and 50 comments vs a fresh clip.
    Review {
        /// Requests per page.
        #[arg(long, default_value_t = 300)]
        requests: usize,
    },
    /// Publishing fan-out: N approved clips × 4 channels against in-process mock
    /// platforms; posts/s and per-clip overhead vs the raw connectors.
    Publish(bench_publish::Options),
    /// Publishing after kill -9 of the worker: time to resume and to settle,
    /// against the same posts with the worker never killed.
    Crash(bench_crash::Options),
    /// The job runner alone on the settings in the environment (the process
    /// `crash` kills).
    #[command(hide = true)]
    Worker,
    /// Metric snapshots/s through the rollups vs raw inserts, and the dashboard
    /// reports' median and p95 vs one computed from raw snapshots.
    Insights(bench_insights::Options),
    /// Captions per second of the text lint on one core vs NFC + word split, and
    /// false positives on the correct-text corpus.
    Lint {
        /// Number of generated captions.
        #[arg(long, default_value_t = 10_000)]
        captions: usize,
    },
    /// Survey answers accepted per second against a static file of the same
    /// server, and the server's memory under 10,000 answers a minute from
    /// 1,000 addresses.
    Survey(bench_survey::Options),
    /// The web server alone on the settings in the environment (the process
    /// `survey` measures).
    #[command(hide = true)]
    Serve,
    /// The shared library's search with 10,000 offered clips: median and p95
    /// per kind of query vs the agency clip list's search with the same words.
    Library(bench_library::Options),
    /// The own outlet's public clip page and feed: requests/s, median and p99
    /// against `/healthz`; its MP4 in byte ranges and whole, MB/s against
    /// static file servers of the same file.
    Public(bench_public::Options),
    /// Burning 20 subtitles into a 1080×1920 clip: Lantoa's burn-in against
    /// one hand-written ffmpeg command with the `subtitles` filter.
    Subtitles(bench_subtitles::Options),
    /// A mixed load on a running server (`--base-url`): readers of the
    /// queues, clip pages and dashboards and uploaders at once; per page
    /// errors, p50/p99 and requests/s, uploads/s.
    Load(bench_load::Options),
    /// A static file server (tower-http's ServeDir) on a folder, its address
    /// printed on the first line (the baseline `public` measures).
    #[command(hide = true)]
    ServeDir {
        /// The folder served.
        dir: PathBuf,
    },
}

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("lantoa-bench: {msg}");
    ExitCode::FAILURE
}

fn done(r: anyhow::Result<()>) -> ExitCode {
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

/// Logs as `lantoa` would with these settings.
fn log_as_configured(file: &Option<PathBuf>) -> Result<(), lantoa::config::ConfigError> {
    let c = lantoa::config::Config::load(file.as_deref())?;
    lantoa::server::init_logging(&c);
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        BenchCmd::Lint { captions } => {
            bench_lint::lint(captions);
            ExitCode::SUCCESS
        }
        BenchCmd::Publish(options) => done(bench_publish::publish(options).await),
        BenchCmd::Crash(options) => done(bench_crash::crash(options).await),
        BenchCmd::Worker => done(bench_crash::worker().await),
        BenchCmd::Insights(options) => done(bench_insights::insights(options).await),
        BenchCmd::Survey(options) => done(bench_survey::survey(options).await),
        BenchCmd::Serve => done(bench_survey::serve().await),
        BenchCmd::Library(options) => done(bench_library::library(options).await),
        BenchCmd::Public(options) => done(bench_public::public(options).await),
        BenchCmd::ServeDir { dir } => done(bench_public::serve_dir(dir).await),
        BenchCmd::Subtitles(options) => done(bench_subtitles::subtitles(options).await),
        BenchCmd::Load(options) => done(bench_load::load(options).await),
        BenchCmd::Ingest {
            seconds,
            upload_gib,
        } => match log_as_configured(&cli.config) {
            Ok(()) => done(bench::ingest(seconds, upload_gib).await),
            Err(e) => fail(e),
        },
        BenchCmd::Review { requests } => match log_as_configured(&cli.config) {
            Ok(()) => done(bench_review::review(requests).await),
            Err(e) => fail(e),
        },
    }
}

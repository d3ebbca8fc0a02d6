//! `lantoa-bench survey`: a survey's public address under load, on this
//! machine's cores, the server a child process of its own (this binary's
//! hidden `serve` command: the same server as `lantoa serve`), SQLite in a
//! temporary folder. A survey is made from the ready template and published;
//! phones answer it, each from its own loopback address and browser name,
//! every request on a new connection.
//!
//! - **Throughput**: answers accepted per second by `--clients` phones at a
//!   time, side by side with the same phones fetching a static file of the
//!   same server (`/static/survey.js`, the form's script), in rounds, turn
//!   about. One answer is the form (GET), its proof of work, the answers
//!   (POST, 303 when counted). The proof is the phone's work, not the
//!   server's: solved between the GETs and the POSTs, outside the timing,
//!   and reported apart; then once more with the proofs solved inline on the
//!   same cores (end to end). The server's CPU time per answer and per
//!   static request is read from `/proc`, steadier than wall time on a
//!   shared machine.
//! - **Memory under a flood**: `--per-minute` answers a minute (10,000)
//!   from `--addresses` addresses (1,000), evenly spread, on a fresh server
//!   process whose resident memory is sampled every 100 ms: at the start,
//!   its peak, after the flood. Every answer is counted by what became of it.
//!
//! Prints figures and ratios; asserts nothing beyond the run's soundness
//! (what was accepted is what the database holds).

mod client;
mod flood;

use std::collections::BTreeMap;
use std::future::Future;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::io::AsyncBufReadExt;

use client::{Outcome, Respondent, Target, outcome, solve};
use lantoa::config::Config;
use lantoa::domain::{Role, SurveyId};
use lantoa::server::{Application, prepare};
use lantoa::service::{Actor, Caller, orgs, surveys};

/// The static file of the baseline: the form page's own script.
const STATIC_PATH: &str = "/static/survey.js";

/// What the benchmark runs with (the `survey` command's options).
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// Phones sending at the same time in the throughput runs.
    #[arg(long, default_value_t = 32)]
    pub clients: usize,
    /// Answers per throughput round (and as many static requests).
    #[arg(long, default_value_t = 2000)]
    pub answers: usize,
    /// Throughput rounds, static file and answers in turn; medians reported.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// How long the flood lasts, in seconds (0: no flood).
    #[arg(long, default_value_t = 60)]
    pub flood_seconds: u64,
    /// Answers a minute during the flood.
    #[arg(long, default_value_t = 10_000)]
    pub per_minute: u64,
    /// Addresses the flood comes from.
    #[arg(long, default_value_t = 1000)]
    pub addresses: u64,
}

/// The web server alone on the settings in the environment, its address
/// printed on the first line (the process `survey` measures).
pub async fn serve() -> anyhow::Result<()> {
    let config = Config::load(None)?;
    lantoa::server::init_logging(&config);
    let st = prepare(config).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let app = Application::bind(st)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("{}", app.addr);
    app.run(lantoa::server::shutdown_signal()).await?;
    Ok(())
}

/// A `serve` child process.
pub(crate) struct Server {
    child: tokio::process::Child,
    pub pid: u32,
    pub addr: std::net::SocketAddr,
}

impl Server {
    /// Starts one on `env` and waits until it answers `/readyz`.
    pub async fn start(env: &BTreeMap<String, String>) -> anyhow::Result<Server> {
        let mut child = tokio::process::Command::new(std::env::current_exe()?)
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(env)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()?;
        let pid = child.id().unwrap_or(0);
        let out = child
            .stdout
            .take()
            .ok_or_else(|| anyhow::anyhow!("no stdout"))?;
        let mut lines = tokio::io::BufReader::new(out).lines();
        let addr = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
            .await??
            .ok_or_else(|| anyhow::anyhow!("the server stopped before listening"))?;
        let addr: std::net::SocketAddr = addr.trim().parse()?;
        let base = format!("http://{addr}");
        let c = reqwest::Client::new();
        for _ in 0..200 {
            if c.get(format!("{base}/readyz"))
                .send()
                .await
                .is_ok_and(|r| r.status() == 200)
            {
                return Ok(Server { child, pid, addr });
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anyhow::bail!("the server at {base} never became ready")
    }

    /// Resident memory now, in MiB.
    pub fn rss_mib(&self) -> f64 {
        crate::bench::rss_kib(self.pid).unwrap_or(0) as f64 / 1024.0
    }

    /// Peak resident memory since it started (VmHWM), in MiB.
    pub fn peak_mib(&self) -> f64 {
        crate::bench::peak_rss_kib(self.pid).unwrap_or(0) as f64 / 1024.0
    }

    /// CPU time so far, user and system, in seconds.
    pub fn cpu(&self) -> f64 {
        crate::bench_publish::cpu_of(&self.pid.to_string())
    }

    pub async fn stop(mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }
}

/// Runs `job(i)` for every i below `n` on `clients` tasks, each taking the
/// next index when it is done with one; the results in index order and the
/// wall time.
async fn pool<T, F, Fut>(clients: usize, n: usize, job: F) -> anyhow::Result<(Vec<T>, Duration)>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    let (job, next) = (Arc::new(job), Arc::new(AtomicUsize::new(0)));
    let t0 = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..clients.max(1) {
        let (job, next) = (job.clone(), next.clone());
        set.spawn(async move {
            let mut done = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break done;
                }
                done.push((i, job(i).await));
            }
        });
    }
    let mut all: Vec<Option<T>> = (0..n).map(|_| None).collect();
    while let Some(done) = set.join_next().await {
        for (i, t) in done? {
            all[i] = Some(t);
        }
    }
    let wall = t0.elapsed();
    Ok((all.into_iter().flatten().collect(), wall))
}

/// Solves every challenge on all cores; the proofs in order, each one's
/// time, and the wall time.
async fn solve_all(
    challenges: Vec<String>,
) -> anyhow::Result<(Vec<String>, Vec<Duration>, Duration)> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let t0 = Instant::now();
    let per = challenges.len().div_ceil(cores).max(1);
    let mut parts = Vec::new();
    for part in challenges.chunks(per) {
        let part = part.to_vec();
        parts.push(tokio::task::spawn_blocking(move || {
            part.iter()
                .map(|c| {
                    let t = Instant::now();
                    (solve(c), t.elapsed())
                })
                .collect::<Vec<_>>()
        }));
    }
    let (mut proofs, mut times) = (Vec::new(), Vec::new());
    for p in parts {
        for (proof, took) in p.await? {
            proofs.push(proof);
            times.push(took);
        }
    }
    Ok((proofs, times, t0.elapsed()))
}

/// Counts of outcomes.
type Tally = BTreeMap<Outcome, usize>;

fn tally(outcomes: impl IntoIterator<Item = Outcome>) -> Tally {
    let mut t = Tally::new();
    for o in outcomes {
        *t.entry(o).or_default() += 1;
    }
    t
}

/// "accepted 2000; refused: …" with every kind seen, and the 5xx however many.
fn describe(t: &Tally) -> String {
    let server_errors: usize = t
        .iter()
        .filter(|(o, _)| o.is_server_error())
        .map(|(_, n)| n)
        .sum();
    let mut parts: Vec<String> = vec![format!(
        "accepted {}",
        t.get(&Outcome::Accepted).copied().unwrap_or(0)
    )];
    parts.extend(
        t.iter()
            .filter(|(o, _)| **o != Outcome::Accepted)
            .map(|(o, n)| format!("{} {n}", o.label())),
    );
    parts.push(format!("5xx {server_errors}"));
    parts.join("; ")
}

/// Milliseconds at fraction `p` of sorted values.
fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn sorted_ms(d: impl IntoIterator<Item = Duration>) -> Vec<f64> {
    let mut v: Vec<f64> = d.into_iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    v.sort_by(f64::total_cmp);
    v
}

/// The loopback addresses and phones of the run, handed out in blocks so
/// that no two answers of the run share a phone by accident.
struct Numbers(u64);

impl Numbers {
    pub fn take(&mut self, n: usize) -> u64 {
        let first = self.0;
        self.0 += n as u64;
        first
    }
}

/// The run's data folder, settings, survey and the caller who made it.
struct Seeded {
    dir: std::path::PathBuf,
    env: BTreeMap<String, String>,
    caller: Caller,
    survey: SurveyId,
    target: Target,
}

/// A body, an agency and its editor; the template survey, published.
async fn seed() -> anyhow::Result<Seeded> {
    let dir = std::env::temp_dir().join(format!(
        "lantoa-bench-survey-{}",
        hex::encode(lantoa::crypto::random_bytes::<6>())
    ));
    std::fs::create_dir_all(&dir)?;
    let env: BTreeMap<String, String> = [
        ("LANTOA_DATA_DIR", dir.display().to_string()),
        ("LANTOA_LISTEN", "127.0.0.1:0".to_string()),
        ("LANTOA_LOG", "warn".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let st = prepare(Config::from_sources(None, &env)?)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let cli = Actor::cli();
    let body = orgs::create(&st, &cli, "body", None, "body", "Ban Tuyên giáo", None).await?;
    let agency = orgs::create(&st, &cli, "agency", Some(body), "bao", "Báo Tỉnh", None).await?;
    let editor =
        crate::bench::account(&st, ("bench.editor", "Biên tập viên"), agency, Role::Editor).await?;
    let caller = crate::bench::caller(&st, editor, agency, "editor").await?;
    let survey = surveys::create(&caller, true).await?;
    surveys::publish(&caller, survey).await?;
    let (s, _) = surveys::get(&caller, survey).await?;
    let target = Target {
        server: ([127, 0, 0, 1], 0).into(),
        token: s.token.clone(),
        form: Arc::new(surveys::form_of(&s)?),
    };
    Ok(Seeded {
        dir,
        env,
        caller,
        survey,
        target,
    })
}

pub async fn survey(o: Options) -> anyhow::Result<()> {
    anyhow::ensure!(
        o.answers > 0 && o.rounds > 0,
        "--answers and --rounds: at least 1"
    );
    let s = seed().await?;
    let r = async {
        let mut numbers = Numbers(0);
        let server = Server::start(&s.env).await?;
        let target = s.target.on(server.addr);
        header(&o, &target);
        let accepted = throughput(&o, &server, &target, &mut numbers).await;
        // The flood's proofs, solved ahead on challenges of this process (the
        // key is the data folder's, so another process takes them).
        let ahead = match (&accepted, o.flood_seconds) {
            (Ok(_), 0) | (Err(_), _) => None,
            _ => Some(flood::ahead(&o, &target, &mut numbers).await),
        };
        server.stop().await;
        let mut accepted = accepted?;
        if let Some(ahead) = ahead {
            accepted += flood::flood(&o, &s.env, &s.target, ahead?, &mut numbers).await?;
        }
        let (_, stored) = surveys::get(&s.caller, s.survey).await?;
        println!();
        anyhow::ensure!(
            stored as usize == accepted,
            "the database holds {stored} answers, but the phones were told {accepted} were counted"
        );
        println!("  the database holds the {stored} answers the phones were told were counted.");
        anyhow::Ok(())
    }
    .await;
    s.caller.st.db.close().await;
    let _ = std::fs::remove_dir_all(&s.dir);
    r
}

fn header(o: &Options, t: &Target) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "Survey answers at the public address: the template's {} questions, SQLite, the server a \
         child process (`serve`) on {cores} cores shared with this load generator.",
        t.form.questions.len()
    );
    println!(
        "  Every request on a new connection from its own loopback address (127.x.y.z), a mobile \
         Chrome's name, Accept-Encoding: gzip, deflate, br (the server sends brotli)."
    );
    println!(
        "  One answer = GET /s/{{token}} (the form and its {}-bit challenge) + the proof of work + \
         POST /s/{{token}} (303: counted), each from a phone not seen before.",
        lantoa::service::surveys::respond::POW_BITS
    );
    println!(
        "  Baseline: the same phones fetching {STATIC_PATH} (the form's script) from the same server, \
         {} at a time, in turn with the answers over {} rounds of {}.",
        o.clients, o.rounds, o.answers
    );
}

/// One round's figures.
struct Round {
    static_per_s: f64,
    answers_per_s: f64,
    static_cpu_ms: f64,
    answer_cpu_ms: f64,
    /// This process's CPU ms per static request and per answer (proofs aside).
    load_cpu_ms: (f64, f64),
    static_ms: Vec<f64>,
    get_ms: Vec<f64>,
    post_ms: Vec<f64>,
    solve_ms: Vec<f64>,
    solve_wall: Duration,
    wire: (usize, usize),
    tally: Tally,
}

/// The static file `n` times, `clients` at a time: (req/s, server CPU ms a
/// request, latencies, bytes on the wire).
async fn static_run(
    o: &Options,
    server: &Server,
    numbers: &mut Numbers,
) -> anyhow::Result<(f64, f64, Vec<f64>, usize)> {
    let n = o.answers as f64;
    let first = numbers.take(o.answers);
    let addr = server.addr;
    let cpu = server.cpu();
    let (replies, wall) = pool(o.clients, o.answers, move |i| {
        let n = first + i as u64;
        async move { Respondent::new(n, n).get(addr, STATIC_PATH).await }
    })
    .await?;
    let cpu = server.cpu() - cpu;
    let ok: Vec<_> = replies
        .into_iter()
        .filter_map(Result::ok)
        .filter(|r| r.status == 200)
        .collect();
    anyhow::ensure!(
        ok.len() == o.answers,
        "{} of {} static requests failed",
        o.answers - ok.len(),
        o.answers
    );
    let wire = ok.first().map_or(0, |r| r.wire);
    Ok((
        n / wall.as_secs_f64(),
        cpu * 1000.0 / n,
        sorted_ms(ok.iter().map(|r| r.took)),
        wire,
    ))
}

/// One round: the static file, then as many answers (forms, proofs aside,
/// answers sent).
async fn round(
    o: &Options,
    server: &Server,
    t: &Target,
    numbers: &mut Numbers,
) -> anyhow::Result<Round> {
    let me = crate::bench_publish::cpu();
    let (static_per_s, static_cpu_ms, static_ms, static_wire) =
        static_run(o, server, numbers).await?;
    let load_static = crate::bench_publish::cpu() - me;
    let first = numbers.take(o.answers);
    let me = crate::bench_publish::cpu();
    let cpu0 = server.cpu();
    let tt = t.clone();
    let (forms, get_wall) = pool(o.clients, o.answers, move |i| {
        let t = tt.clone();
        let n = first + i as u64;
        async move { Respondent::new(n, n).open_form(&t).await }
    })
    .await?;
    let cpu_get = server.cpu() - cpu0;
    let load_get = crate::bench_publish::cpu() - me;
    let forms: Vec<_> = forms.into_iter().collect::<anyhow::Result<_>>()?;
    let form_wire = forms.first().map_or(0, |(r, _)| r.wire);
    let get_ms = sorted_ms(forms.iter().map(|(r, _)| r.took));
    let challenges: Vec<String> = forms.into_iter().map(|(_, c)| c).collect();
    let (proofs, solve_times, solve_wall) = solve_all(challenges.clone()).await?;
    let sent = Arc::new((challenges, proofs));
    let cpu1 = server.cpu();
    let me = crate::bench_publish::cpu();
    let tt = t.clone();
    let (replies, post_wall) = pool(o.clients, o.answers, move |i| {
        let (t, sent) = (tt.clone(), sent.clone());
        let n = first + i as u64;
        async move { Respondent::new(n, n).send(&t, &sent.0[i], &sent.1[i]).await }
    })
    .await?;
    let cpu_post = server.cpu() - cpu1;
    let load_post = crate::bench_publish::cpu() - me;
    let n = o.answers as f64;
    let tally = tally(replies.iter().map(outcome));
    let accepted = tally.get(&Outcome::Accepted).copied().unwrap_or(0);
    Ok(Round {
        static_per_s,
        answers_per_s: accepted as f64 / (get_wall + post_wall).as_secs_f64(),
        static_cpu_ms,
        answer_cpu_ms: (cpu_get + cpu_post) * 1000.0 / n,
        load_cpu_ms: (
            load_static * 1000.0 / n,
            (load_get + load_post) * 1000.0 / n,
        ),
        static_ms,
        get_ms,
        post_ms: sorted_ms(replies.iter().flatten().map(|r| r.took)),
        solve_ms: sorted_ms(solve_times),
        solve_wall,
        wire: (static_wire, form_wire),
        tally,
    })
}

/// The same answers end to end, each phone solving its proof between the
/// GET and the POST on this machine's cores: (answers/s, outcomes).
async fn end_to_end(
    o: &Options,
    t: &Target,
    numbers: &mut Numbers,
) -> anyhow::Result<(f64, Tally)> {
    let first = numbers.take(o.answers);
    let tt = t.clone();
    let (replies, wall) = pool(o.clients, o.answers, move |i| {
        let t = tt.clone();
        let n = first + i as u64;
        async move {
            let phone = Respondent::new(n, n);
            let (_, challenge) = phone.open_form(&t).await?;
            let c = challenge.clone();
            let proof = tokio::task::spawn_blocking(move || solve(&c)).await?;
            phone.send(&t, &challenge, &proof).await
        }
    })
    .await?;
    let tally = tally(replies.iter().map(outcome));
    let accepted = tally.get(&Outcome::Accepted).copied().unwrap_or(0);
    Ok((accepted as f64 / wall.as_secs_f64(), tally))
}

/// Runs the rounds and the end-to-end run and prints them; the answers counted.
async fn throughput(
    o: &Options,
    server: &Server,
    t: &Target,
    numbers: &mut Numbers,
) -> anyhow::Result<usize> {
    // Warm-up: the first connections, the page's template, the day's salt.
    let warm = Options {
        answers: 50,
        ..o.clone()
    };
    let warm = round(&warm, server, t, numbers).await?;
    let mut accepted = warm.tally.get(&Outcome::Accepted).copied().unwrap_or(0);
    let mut rounds = Vec::new();
    for _ in 0..o.rounds {
        let r = round(o, server, t, numbers).await?;
        accepted += r.tally.get(&Outcome::Accepted).copied().unwrap_or(0);
        rounds.push(r);
    }
    let (e2e, e2e_tally) = end_to_end(o, t, numbers).await?;
    accepted += e2e_tally.get(&Outcome::Accepted).copied().unwrap_or(0);
    print_throughput(o, &rounds, (e2e, &e2e_tally));
    Ok(accepted)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    pct(&v, 0.5)
}

/// A row of the table: its name, its figure in a round, its decimals.
type Column<'a> = (&'a str, &'a dyn Fn(&Round) -> f64, usize);

fn print_throughput(o: &Options, rounds: &[Round], (e2e, e2e_tally): (f64, &Tally)) {
    let col = |f: &dyn Fn(&Round) -> f64, digits: usize| -> String {
        let mut s: String = rounds
            .iter()
            .map(|r| format!("{:>10.digits$}", f(r)))
            .collect();
        s.push_str(&format!(
            "{:>12.digits$}",
            median(rounds.iter().map(f).collect())
        ));
        s
    };
    println!();
    let heads: String = (1..=rounds.len())
        .map(|i| format!("{:>10}", format!("round {i}")))
        .collect();
    println!("  {:<44}{heads}{:>12}", "", "median");
    let rows: [Column; 6] = [
        ("static file, requests/s", &|r| r.static_per_s, 0),
        (
            "answers accepted/s (proofs solved aside)",
            &|r| r.answers_per_s,
            0,
        ),
        ("answers / static", &|r| r.answers_per_s / r.static_per_s, 3),
        ("server CPU ms per static request", &|r| r.static_cpu_ms, 3),
        (
            "server CPU ms per answer (GET + POST)",
            &|r| r.answer_cpu_ms,
            3,
        ),
        (
            "CPU per answer / per static request",
            &|r| r.answer_cpu_ms / r.static_cpu_ms,
            1,
        ),
    ];
    for (name, f, digits) in rows {
        println!("  {name:<44}{}", col(f, digits));
    }
    let last = rounds.last();
    let lat = |v: &[f64]| format!("median {:.1} ms, p99 {:.1} ms", pct(v, 0.5), pct(v, 0.99));
    if let Some(r) = last {
        println!(
            "  last round, {} at a time: static {}; form (GET) {}; answers (POST) {}",
            o.clients,
            lat(&r.static_ms),
            lat(&r.get_ms),
            lat(&r.post_ms)
        );
    }
    if let Some(r) = last {
        println!(
            "  bytes on the wire: static file {} B, form {} B (brotli); this load generator's CPU: \
             {:.3} ms per static request, {:.3} ms per answer (proofs aside)",
            r.wire.0, r.wire.1, r.load_cpu_ms.0, r.load_cpu_ms.1
        );
        println!(
            "  proof of work (the phone's, solved aside, on this machine's cores): median {:.1} ms, \
             p95 {:.1} ms per proof on one core; {} proofs in {:.1} s",
            pct(&r.solve_ms, 0.5),
            pct(&r.solve_ms, 0.95),
            r.solve_ms.len(),
            r.solve_wall.as_secs_f64()
        );
    }
    let statics = median(rounds.iter().map(|r| r.static_per_s).collect());
    println!(
        "  end to end, proofs solved inline on the same cores: {e2e:.0} answers/s ({:.3}× the \
         static file's median)",
        e2e / statics
    );
    let all = rounds.iter().fold(Tally::new(), |mut acc, r| {
        for (k, v) in &r.tally {
            *acc.entry(*k).or_default() += v;
        }
        acc
    });
    println!("  outcomes, rounds: {}", describe(&all));
    println!("  outcomes, end to end: {}", describe(e2e_tally));
}

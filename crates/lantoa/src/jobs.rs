//! The job runner: claims jobs from the database queue (`db::jobs`), runs each in
//! its own task behind a panic boundary, keeps its lease alive with heartbeats,
//! and records the outcome with the lease token. Failures are retried with
//! exponential backoff and jitter until the job's attempts run out.
//!
//! A worker that dies mid-job loses nothing: its lease expires and another worker
//! claims the job again. On SIGTERM running jobs get a grace period to finish;
//! those that do not are stopped and handed back without counting the attempt.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use crate::crypto::{random_bytes, random_token};
use crate::db::jobs::{self, Claimed, JobId, NewJob};
use crate::domain::OrgId;
use crate::state::AppState;

/// How a job attempt failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobError {
    /// Worth trying again later (network, busy database, a crashed tool…).
    Retry(String),
    /// Trying again cannot help (bad input); the job goes straight to `dead`.
    Permanent(String),
    /// Not now, and not a failure: run again at `at` (milliseconds) without
    /// counting the attempt (rate limits, a channel waiting to be reconnected).
    Later { at: i64, reason: String },
    /// The database or the media storage did not answer (restarting,
    /// failing over), or the transaction lost to others every time: not the
    /// job's failure. Run again in
    /// [`OUTAGE_RETRY_MS`] without counting the attempt, however long the
    /// outage lasts.
    Outage(String),
}

/// When a job that met an outage runs again.
pub const OUTAGE_RETRY_MS: i64 = 3_000;

impl std::fmt::Display for JobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JobError::Retry(m) | JobError::Permanent(m) | JobError::Outage(m) => f.write_str(m),
            JobError::Later { reason, .. } => f.write_str(reason),
        }
    }
}

impl From<crate::error::Error> for JobError {
    fn from(e: crate::error::Error) -> Self {
        match e {
            crate::error::Error::Unavailable | crate::error::Error::Contended => {
                JobError::Outage(e.to_string())
            }
            e => JobError::Retry(e.to_string()),
        }
    }
}

impl From<crate::db::DbError> for JobError {
    fn from(e: crate::db::DbError) -> Self {
        match e {
            crate::db::DbError::Unavailable(_) | crate::db::DbError::Busy(_) => {
                JobError::Outage(e.to_string())
            }
            e => JobError::Retry(e.to_string()),
        }
    }
}

impl JobError {
    /// A media storage failure while `doing` something: an outage of the
    /// store (run again later, the attempt not counted, however long it
    /// lasts), else a failed attempt.
    pub fn storage(doing: &str, e: crate::storage::StorageError) -> Self {
        let m = format!("{doing}: {e}");
        if e.is_outage() {
            JobError::Outage(m)
        } else {
            JobError::Retry(m)
        }
    }
}

/// What a running job can see and report.
#[derive(Clone)]
pub struct JobCtx {
    pub st: AppState,
    pub id: JobId,
    pub attempt: i64,
    pub max_attempts: i64,
    pub agency: Option<OrgId>,
    progress: Arc<AtomicU64>,
    /// The lease the job runs under.
    token: String,
    /// Whether the handler recorded its own success ([`JobCtx::succeed_in`]).
    recorded: Arc<AtomicU8>,
}

/// [`JobCtx::recorded`]'s states: nothing written; success written in the
/// handler's transaction; that transaction committed.
const WRITTEN: u8 = 1;
const COMMITTED: u8 = 2;

impl JobCtx {
    /// Whether a failure now is final (no attempts left).
    pub fn last_attempt(&self) -> bool {
        self.attempt >= self.max_attempts
    }

    /// Marks the job succeeded in the handler's own transaction, so that the
    /// outcome commits with the work it records: one write transaction fewer
    /// per job. Call [`JobCtx::recorded`] once that transaction has
    /// committed; the runner then writes nothing more. A lost lease changes
    /// nothing here, and the runner reports it as usual.
    pub async fn succeed_in(&self, tx: &mut crate::db::Tx) -> crate::db::DbResult<bool> {
        let ok = jobs::succeed(tx, self.id, &self.token, self.st.now()).await?;
        if ok {
            self.recorded.store(WRITTEN, Ordering::Relaxed);
        }
        Ok(ok)
    }

    /// The transaction given to [`JobCtx::succeed_in`] has committed.
    pub fn recorded(&self) {
        let _ = self.recorded.compare_exchange(
            WRITTEN,
            COMMITTED,
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
    }

    /// Reports progress (0.0–1.0); saved with the next heartbeat.
    pub fn set_progress(&self, fraction: f64) {
        self.progress
            .store(fraction.clamp(0.0, 1.0).to_bits(), Ordering::Relaxed);
    }
}

pub type JobFuture = Pin<Box<dyn Future<Output = Result<(), JobError>> + Send>>;
type Handler = Arc<dyn Fn(JobCtx, serde_json::Value) -> JobFuture + Send + Sync>;

/// The job kinds a worker knows how to run.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<String, Handler>,
}

impl Registry {
    pub fn with<F, Fut>(mut self, kind: &str, f: F) -> Self
    where
        F: Fn(JobCtx, serde_json::Value) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), JobError>> + Send + 'static,
    {
        self.handlers
            .insert(kind.to_string(), Arc::new(move |c, p| Box::pin(f(c, p))));
        self
    }
}

/// Options for queueing a job.
#[derive(Debug, Clone)]
pub struct Enqueue {
    pub priority: i64,
    pub delay_ms: i64,
    pub max_attempts: i64,
    pub unique_key: Option<String>,
    pub agency: Option<OrgId>,
}

impl Default for Enqueue {
    fn default() -> Self {
        Enqueue {
            priority: 0,
            delay_ms: 0,
            max_attempts: 5,
            unique_key: None,
            agency: None,
        }
    }
}

/// Queues a job inside the caller's transaction, so it exists if and only if the
/// change that asked for it does. Returns the id and whether it was new.
pub async fn enqueue(
    tx: &mut crate::db::Tx,
    kind: &str,
    payload: &serde_json::Value,
    o: &Enqueue,
    now: i64,
) -> crate::db::DbResult<(JobId, bool)> {
    jobs::enqueue(
        tx,
        NewJob {
            kind,
            payload,
            priority: o.priority,
            run_at: now + o.delay_ms,
            max_attempts: o.max_attempts,
            unique_key: o.unique_key.as_deref(),
            agency_id: o.agency,
        },
        now,
    )
    .await
}

/// Delay before attempt `attempt + 1`: 2 s doubling to at most an hour, ±20 % jitter.
pub fn backoff_ms(attempt: i64) -> i64 {
    let base = 2_000i64
        .saturating_mul(1i64 << attempt.clamp(1, 20).saturating_sub(1))
        .min(3_600_000);
    let r = u16::from_le_bytes(random_bytes::<2>()) as i64; // 0..65535
    base + base * (r - 32_768) / 163_840
}

#[derive(Debug, Clone)]
pub struct WorkerOptions {
    pub slots: usize,
    pub lease_ms: i64,
    pub heartbeat: Duration,
    pub idle_poll: Duration,
    pub grace: Duration,
}

impl WorkerOptions {
    pub fn from_config(c: &crate::config::Config) -> WorkerOptions {
        let lease_ms = c.job_lease_seconds * 1000;
        WorkerOptions {
            slots: c.worker_slots as usize,
            lease_ms,
            heartbeat: Duration::from_millis((lease_ms / 3).max(100) as u64),
            idle_poll: Duration::from_millis(500),
            grace: Duration::from_secs(c.shutdown_grace_seconds as u64),
        }
    }
}

/// How long a worker woken by a queued job waits for more before claiming.
const GATHER: Duration = Duration::from_millis(20);

/// At most this many jobs are claimed in one transaction.
const CLAIM_BATCH: usize = 32;

/// Worker slots one machine and data folder may hold (processes at once).
const IDENTITIES: usize = 64;

/// This worker's name, and the lock that makes it its own. A name is a slot
/// of the machine and data folder (`host:folder:slot`), held by an advisory
/// lock on `<data>/workers/slot-N.lock` for the life of the process: a
/// worker killed with SIGKILL lets go of it with its last breath, and the
/// worker started after it takes the same slot, so it knows which running
/// jobs were its own and takes them back at once rather than waiting for
/// their leases to run out. Without a usable folder: a name of its own.
fn worker_identity(data_dir: &std::path::Path) -> (String, Option<std::fs::File>) {
    let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    let host = host.trim();
    let dir = data_dir.join("workers");
    let folder = &crate::crypto::sha256_hex(data_dir.to_string_lossy().as_bytes())[..8];
    if std::fs::create_dir_all(&dir).is_ok() {
        for k in 0..IDENTITIES {
            let Ok(f) = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(dir.join(format!("slot-{k}.lock")))
            else {
                break;
            };
            if f.try_lock().is_ok() {
                return (format!("{host}:{folder}:{k}"), Some(f));
            }
        }
    }
    let name = format!(
        "{host}-{}-{}",
        std::process::id(),
        hex::encode(random_bytes::<3>())
    );
    (name, None)
}

/// Takes back the jobs a previous holder of this worker's name was running
/// when it died: their leases end now, so they are claimed at once.
async fn reclaim(st: &AppState, name: &str) {
    let r = async {
        let mut tx = st.db.write().await?;
        let n = jobs::expire_leases_of(&mut tx, name, st.now()).await?;
        tx.commit().await?;
        Ok::<_, crate::db::DbError>(n)
    }
    .await;
    match r {
        Ok(0) => {}
        Ok(n) => tracing::info!(
            worker = name,
            jobs = n,
            "took back the jobs this worker ran before it stopped"
        ),
        Err(e) => {
            tracing::warn!(worker = name, error = %e, "could not take back earlier jobs; their leases will run out")
        }
    }
}

/// The leases of the jobs this worker runs, renewed together: one write
/// transaction a beat for the whole worker, not one per running job (with
/// hundreds running, those took turns in the database's write queue with
/// the jobs' own work).
#[derive(Default)]
struct Leases {
    held: std::sync::Mutex<HashMap<JobId, Held>>,
}

struct Held {
    token: String,
    progress: Arc<AtomicU64>,
    /// Told when the lease is found lost (cancelled or taken over).
    lost: Arc<tokio::sync::Notify>,
}

impl Leases {
    fn hold(&self, id: JobId, token: &str, progress: Arc<AtomicU64>) -> Arc<tokio::sync::Notify> {
        let lost = Arc::new(tokio::sync::Notify::new());
        let held = Held {
            token: token.to_string(),
            progress,
            lost: lost.clone(),
        };
        self.lock().insert(id, held);
        lost
    }

    fn release(&self, id: JobId) {
        self.lock().remove(&id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<JobId, Held>> {
        self.held.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Extends every lease held, with each job's progress; a lease found
    /// lost is let go and its job told. A failed beat changes nothing: the
    /// next one tries again well before the leases run out.
    async fn renew(&self, st: &AppState, lease_ms: i64) {
        let now_held: Vec<(JobId, String, Option<f64>)> = self
            .lock()
            .iter()
            .map(|(id, h)| {
                let p = f64::from_bits(h.progress.load(Ordering::Relaxed));
                (*id, h.token.clone(), (!p.is_nan()).then_some(p))
            })
            .collect();
        if now_held.is_empty() {
            return;
        }
        let beat = st
            .db
            .transact(|tx| {
                let (st, held) = (st.clone(), now_held.clone());
                Box::pin(async move {
                    // Extended from when the write lock is held, not from
                    // before waiting for it.
                    let now = st.now();
                    let mut lost = Vec::new();
                    for (id, token, p) in held {
                        if !jobs::heartbeat(tx, id, &token, now + lease_ms, p, now).await? {
                            lost.push((id, token));
                        }
                    }
                    Ok(lost)
                })
            })
            .await;
        match beat {
            Ok(lost) => {
                let mut held = self.lock();
                for (id, token) in lost {
                    // Only the lease renewed: the job may have ended and been
                    // claimed again since, under a new token.
                    if held.get(&id).is_some_and(|h| h.token == token)
                        && let Some(h) = held.remove(&id)
                    {
                        h.lost.notify_one();
                    }
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "renewing the job leases failed; retrying at the next beat")
            }
        }
    }
}

/// Renews the worker's leases every `heartbeat` until `stop` turns true.
async fn beat(
    st: AppState,
    leases: Arc<Leases>,
    opts: WorkerOptions,
    mut stop: watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(opts.heartbeat);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    loop {
        tokio::select! {
            _ = tick.tick() => leases.renew(&st, opts.lease_ms).await,
            r = stop.changed() => if r.is_err() { break },
        }
    }
}

/// Runs jobs until `stop` turns true, then lets running jobs finish within the grace
/// period and hands back the rest.
pub async fn run(
    st: AppState,
    registry: Registry,
    opts: WorkerOptions,
    mut stop: watch::Receiver<bool>,
) {
    let (name, _identity) = worker_identity(&st.config.data_dir);
    reclaim(&st, &name).await;
    let kinds: Vec<String> = registry.handlers.keys().cloned().collect();
    let claim_sql = jobs::claim_sql(st.db.engine(), kinds.len());
    let mut bell = st.db.job_bell().listen();
    let slots = Arc::new(Semaphore::new(opts.slots.max(1)));
    let leases = Arc::new(Leases::default());
    // Beats go on through the grace period after `stop`: the jobs still
    // finishing keep their leases. They end with the last job.
    let (beats_done, beats_stop) = watch::channel(false);
    let beats = tokio::spawn(beat(st.clone(), leases.clone(), opts.clone(), beats_stop));
    let mut running = JoinSet::new();
    loop {
        while running.try_join_next().is_some() {}
        // A dropped sender means the owner is gone: stop too.
        if *stop.borrow() || stop.has_changed().is_err() {
            break;
        }
        if kinds.is_empty() {
            // Nothing this process can run: leave the queue to workers that can.
            let _ = stop.changed().await;
            continue;
        }
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => break },
            _ = stop.changed() => break,
        };
        // Every free slot is filled in one write transaction: one claim per
        // transaction made a busy worker fill its slots one turn of the
        // database's write queue at a time.
        let mut permits = vec![permit];
        while permits.len() < CLAIM_BATCH {
            match slots.clone().try_acquire_owned() {
                Ok(p) => permits.push(p),
                Err(_) => break,
            }
        }
        let wanted = permits.len();
        let claimed = async {
            let mut tx = st.db.write_first().await?;
            // The time once the write lock is held: waiting for it must not
            // eat into the lease.
            let now = st.now();
            let mut got = Vec::new();
            while got.len() < wanted {
                let token = random_token();
                match jobs::claim(
                    &mut tx,
                    &claim_sql,
                    &kinds,
                    &name,
                    &token,
                    now + opts.lease_ms,
                    now,
                )
                .await?
                {
                    Some(job) => got.push((job, token)),
                    None => break,
                }
            }
            tx.commit().await?;
            Ok::<_, crate::db::DbError>(got)
        }
        .await;
        match claimed {
            Ok(got) => {
                let drained = got.len() < wanted;
                for ((job, token), permit) in got.into_iter().zip(permits) {
                    let (st, registry, opts, stop) =
                        (st.clone(), registry.clone(), opts.clone(), stop.clone());
                    let leases = leases.clone();
                    running.spawn(async move {
                        run_one(st, registry, &leases, opts, job, token, stop).await;
                        drop(permit);
                    });
                }
                // The queue has nothing ready: look again in a while, or
                // as soon as this process queues a job.
                if drained {
                    tokio::select! {
                        _ = tokio::time::sleep(opts.idle_poll) => {},
                        // A moment for the jobs queued just after this one,
                        // so that a burst is claimed in a few turns, not one
                        // turn of the write lock per job.
                        _ = bell.rung() => tokio::time::sleep(GATHER).await,
                        _ = stop.changed() => {},
                    }
                }
            }
            Err(e) => {
                drop(permits);
                tracing::warn!(error = %e, "claiming a job failed; retrying");
                tokio::time::sleep(opts.idle_poll * 4).await;
            }
        }
    }
    while running.join_next().await.is_some() {}
    drop(beats_done);
    let _ = beats.await;
}

enum Outcome {
    Finished(Result<(), JobError>),
    LeaseLost,
    HandedBack,
}

async fn run_one(
    st: AppState,
    registry: Registry,
    leases: &Leases,
    opts: WorkerOptions,
    job: Claimed,
    token: String,
    mut stop: watch::Receiver<bool>,
) {
    let payload: serde_json::Value =
        serde_json::from_str(&job.payload).unwrap_or(serde_json::Value::Null);
    let progress = Arc::new(AtomicU64::new(f64::NAN.to_bits()));
    let recorded = Arc::new(AtomicU8::new(0));
    let ctx = JobCtx {
        st: st.clone(),
        id: job.id,
        attempt: job.attempts,
        max_attempts: job.max_attempts,
        agency: job.agency_id,
        progress: progress.clone(),
        token: token.clone(),
        recorded: recorded.clone(),
    };
    tracing::info!(job = %job.id, kind = %job.kind, attempt = job.attempts, "job started");
    let Some(handler) = registry.handlers.get(&job.kind).cloned() else {
        record(
            &st,
            &job,
            &token,
            Err(JobError::Permanent(format!(
                "unknown job kind `{}`",
                job.kind
            ))),
        )
        .await;
        return;
    };
    // The handler runs in its own task: a panic there is caught here.
    let mut task = tokio::spawn(handler(ctx, payload));
    let lost = leases.hold(job.id, &token, progress);
    let mut deadline: Option<Pin<Box<tokio::time::Sleep>>> = None;
    let outcome = loop {
        tokio::select! {
            r = &mut task => break Outcome::Finished(match r {
                Ok(res) => res,
                Err(e) if e.is_panic() => Err(JobError::Retry(format!("the job panicked: {}", panic_message(e)))),
                Err(e) => Err(JobError::Retry(format!("the job was stopped: {e}"))),
            }),
            _ = lost.notified() => {
                task.abort();
                break Outcome::LeaseLost;
            },
            _ = stop.changed(), if deadline.is_none() => {
                if *stop.borrow() {
                    deadline = Some(Box::pin(tokio::time::sleep(opts.grace)));
                }
            },
            _ = async { deadline.as_mut().expect("guarded").await }, if deadline.is_some() => {
                task.abort();
                break Outcome::HandedBack;
            },
        }
    };
    leases.release(job.id);
    match outcome {
        Outcome::Finished(Ok(())) if recorded.load(Ordering::Relaxed) == COMMITTED => {
            tracing::info!(job = %job.id, kind = %job.kind, "job succeeded")
        }
        Outcome::Finished(r) => record(&st, &job, &token, r).await,
        Outcome::LeaseLost => {
            tracing::warn!(job = %job.id, "job lease lost (cancelled or taken over); stopped")
        }
        Outcome::HandedBack => {
            let now = st.now();
            let r = async {
                let mut tx = st.db.write().await?;
                jobs::hand_back(&mut tx, job.id, &token, now).await?;
                tx.commit().await
            }
            .await;
            tracing::info!(job = %job.id, ok = r.is_ok(), "job handed back at shutdown");
        }
    }
}

fn panic_message(e: tokio::task::JoinError) -> String {
    let p = e.into_panic();
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

async fn record(st: &AppState, job: &Claimed, token: &str, r: Result<(), JobError>) {
    let now = st.now();
    let res = async {
        let mut tx = st.db.write().await?;
        let ok = match &r {
            Ok(()) => jobs::succeed(&mut tx, job.id, token, now).await?,
            Err(JobError::Later { at, reason }) => {
                jobs::postpone(&mut tx, job.id, token, reason, *at, now).await?
            }
            Err(JobError::Outage(m)) => {
                let at = now + OUTAGE_RETRY_MS;
                jobs::postpone(&mut tx, job.id, token, m, at, now).await?
            }
            Err(JobError::Retry(m)) if job.attempts < job.max_attempts => {
                jobs::fail(
                    &mut tx,
                    job.id,
                    token,
                    m,
                    Some(now + backoff_ms(job.attempts)),
                    now,
                )
                .await?
            }
            Err(e) => jobs::fail(&mut tx, job.id, token, &e.to_string(), None, now).await?,
        };
        tx.commit().await?;
        Ok::<_, crate::db::DbError>(ok)
    }
    .await;
    match (&r, res) {
        (_, Ok(false)) => tracing::warn!(job = %job.id, "outcome not recorded: the lease was lost"),
        (_, Err(e)) => {
            tracing::error!(job = %job.id, error = %e, "outcome not recorded; the lease will expire and the job run again")
        }
        (Ok(()), Ok(true)) => tracing::info!(job = %job.id, kind = %job.kind, "job succeeded"),
        (Err(e), Ok(true)) => {
            tracing::warn!(job = %job.id, kind = %job.kind, error = %e, "job attempt failed")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{JobError, backoff_ms};
    use crate::storage::StorageError;

    #[test]
    fn a_storage_outage_is_not_the_jobs_failure_but_a_missing_object_is() {
        let outage = JobError::storage("reading", StorageError::Backend("503".into()));
        assert!(matches!(outage, JobError::Outage(m) if m == "reading: storage error: 503"));
        let missing = JobError::storage("reading", StorageError::NotFound("k".into()));
        assert!(matches!(missing, JobError::Retry(_)));
        let disk = std::io::Error::new(std::io::ErrorKind::StorageFull, "full");
        assert!(matches!(
            JobError::storage("writing", StorageError::Io(disk)),
            JobError::Retry(_)
        ));
    }

    #[test]
    fn backoff_grows_with_jitter_and_a_cap() {
        for attempt in 1..30 {
            let base = (2_000i64 << (attempt.min(20) - 1)).min(3_600_000);
            let d = backoff_ms(attempt);
            assert!(
                d >= base * 8 / 10 - 1 && d <= base * 12 / 10 + 1,
                "attempt {attempt}: {d} vs {base}"
            );
        }
        assert!(backoff_ms(25) <= 3_600_000 * 12 / 10);
    }
}

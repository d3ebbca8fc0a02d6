//! The data layer: the only place SQL lives.
//!
//! One code path serves both engines. A [`Db`] is a pool on SQLite (the embedded
//! default) or PostgreSQL (scale-out); every query is written once, with `$n`
//! placeholders that both engines accept, and the [`on_tx!`] macro runs the same
//! Rust code against whichever connection is underneath. Portable column types
//! only: BIGINT for ids and times (milliseconds since the epoch, UTC), TEXT,
//! BOOLEAN, DOUBLE PRECISION.
//!
//! Every query runs inside a [`Tx`]. Write transactions on SQLite start with
//! `BEGIN IMMEDIATE` so that two writers queue on the busy timeout instead of
//! failing with a stale snapshot. Within one process they first queue in
//! arrival order on a [`WriteGate`]: SQLite's busy handler lets the writer
//! that has waited longest sleep longest, so under load a heartbeat could wait
//! for seconds behind newer writers. The job runner's claims go first.

pub mod audit;
pub mod calendar;
pub mod campaigns;
pub mod clips;
mod gate;
mod group;
pub mod incidents;
pub mod insights;
pub mod jobs;
pub mod migrate;
pub mod objects;
pub mod orgs;
pub mod outlet;
pub mod publishing;
pub mod push;
pub mod review;
pub mod scorecard;
pub mod sessions;
pub mod sharing;
pub mod subtitles;
pub mod surveys;
pub mod throttle;
pub mod tokens;
pub mod uploads;
pub mod users;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgPoolOptions, Postgres};
use sqlx::sqlite::{
    Sqlite, SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Pool, Transaction};

/// Which engine a [`Db`] runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

/// A connection pool on one of the two engines.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(Pool<Sqlite>, WriteGate, JobBell),
    Postgres(Pool<Postgres>, JobBell),
}

/// Rung when a transaction that queued a job commits: this process's job
/// runners wake at once instead of at their next look at the queue. Other
/// processes still find the job at their next look.
#[derive(Clone, Debug)]
pub struct JobBell(Arc<tokio::sync::watch::Sender<u64>>);

impl Default for JobBell {
    fn default() -> Self {
        JobBell(Arc::new(tokio::sync::watch::channel(0).0))
    }
}

impl JobBell {
    fn ring(&self) {
        self.0.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A runner's ear: each hears every ring, including one that came
    /// while it was busy.
    pub fn listen(&self) -> JobEar {
        JobEar(self.0.subscribe())
    }
}

/// One listener of a [`JobBell`].
pub struct JobEar(tokio::sync::watch::Receiver<u64>);

impl JobEar {
    /// Waits for a ring not yet heard.
    pub async fn rung(&mut self) {
        if self.0.changed().await.is_err() {
            std::future::pending::<()>().await
        }
    }
}

/// This process's SQLite writers, one at a time in arrival order (a fair
/// queue, claims first); other processes are still kept out by SQLite's own
/// lock. With it, the small writes waiting to share a transaction
/// ([`Db::write_shared`]), and the writers' own connection.
#[derive(Clone, Debug)]
pub struct WriteGate {
    turn: gate::Gate,
    forming: Arc<std::sync::Mutex<group::Forming>>,
    /// The one connection writers use, apart from the readers' pool. The
    /// writer whose turn it is never queues behind readers for a
    /// connection: under 200 people reading at once it did, holding the
    /// write lock while it waited, and the other writers waited 7 s for
    /// their turn (uploads answered 503 after 10 s).
    conn: Pool<Sqlite>,
}

/// How long a writer waits for its turn (as long as SQLite's busy timeout).
const WRITE_WAIT: Duration = Duration::from_secs(10);

/// An open transaction. Dropped without [`Tx::commit`], it rolls back.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>, TxState),
    Postgres(Transaction<'static, Postgres>, TxState),
}

/// What a transaction carries besides its connection.
pub struct TxState {
    /// On SQLite, its turn at the [`WriteGate`] when it writes.
    turn: Option<gate::Turn>,
    bell: JobBell,
    /// A job was queued: ring the bell once committed.
    queued: bool,
}

impl TxState {
    fn new(bell: &JobBell, turn: Option<gate::Turn>) -> TxState {
        TxState {
            turn,
            bell: bell.clone(),
            queued: false,
        }
    }
}

/// Runs `$body` with `$c` bound to the transaction's connection, whichever
/// engine it is on. The body is compiled once per engine, so it must only use
/// types both engines can encode and decode.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite(t, _) => {
                let $c = &mut **t;
                $body
            }
            $crate::db::Tx::Postgres(t, _) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}
pub use on_tx;

/// One statement on whichever engine the transaction is on, with `$arg`s
/// bound to `$1`, `$2`, … in order. The second word says what comes back:
/// `execute` the number of rows changed; `fetch_all`, `fetch_optional` or
/// `fetch_one` rows decoded with `FromRow` (sqlx's `query_as`); `scalar`
/// and one of those, single values (`query_scalar`). The result is sqlx's,
/// as from [`on_tx!`]:
///
/// `sql!(tx, fetch_optional "SELECT … WHERE id = $1", id)?`
#[macro_export]
macro_rules! sql {
    ($tx:expr, execute $sql:expr $(, $arg:expr)* $(,)?) => {
        $crate::db::on_tx!($tx, c => sqlx::query($sql)$(.bind($arg))*
            .execute(c).await.map(|r| r.rows_affected()))
    };
    ($tx:expr, scalar $fetch:ident $sql:expr $(, $arg:expr)* $(,)?) => {
        $crate::db::on_tx!($tx, c => sqlx::query_scalar($sql)$(.bind($arg))*.$fetch(c).await)
    };
    ($tx:expr, $fetch:ident $sql:expr $(, $arg:expr)* $(,)?) => {
        $crate::db::on_tx!($tx, c => sqlx::query_as($sql)$(.bind($arg))*.$fetch(c).await)
    };
}
pub use sql;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("the database is unreachable: {0}")]
    Unavailable(String),
    /// The transaction lost to another (PostgreSQL's serialization failure
    /// 40001 or deadlock 40P01, SQLite busy or locked): trying it again
    /// succeeds. [`Db::transact`] does, with backoff.
    #[error("the transaction must be tried again: {0}")]
    Busy(String),
    #[error("a record with the same unique value already exists")]
    Conflict,
    #[error("not found")]
    NotFound,
    #[error("database error: {0}")]
    Other(String),
}

impl From<sqlx::Error> for DbError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::RowNotFound => DbError::NotFound,
            sqlx::Error::Database(d) if d.is_unique_violation() => DbError::Conflict,
            sqlx::Error::Database(d) if must_retry(d.code().as_deref()) => {
                DbError::Busy(err.to_string())
            }
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_) => DbError::Unavailable(err.to_string()),
            _ => DbError::Other(err.to_string()),
        }
    }
}

pub type DbResult<T> = Result<T, DbError>;

/// Whether an engine's error code says the transaction should simply be run
/// again: PostgreSQL's SQLSTATE 40001 (serialization failure) and 40P01
/// (deadlock detected); SQLite's (extended) result codes for busy (5, 261
/// recovery, 517 snapshot, 773 timeout) and locked (6, 262 shared cache).
fn must_retry(code: Option<&str>) -> bool {
    matches!(
        code,
        Some("40001" | "40P01" | "5" | "261" | "517" | "773" | "6" | "262")
    )
}

/// How often a transaction is tried in all before its [`DbError::Busy`] is
/// given to the caller.
const TRIES: u32 = 6;

/// Transactions run again after losing to another, since start (`/metrics`).
static RETRIES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

pub fn retries() -> u64 {
    RETRIES.load(std::sync::atomic::Ordering::Relaxed)
}

/// Counts one transaction (or request) run again after losing to another.
pub(crate) fn count_retry() {
    RETRIES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

/// The wait before try `n` (2, 3, …): 10 ms doubling to at most 640 ms, with
/// up to half again at random so that the losers do not collide again.
pub(crate) fn backoff(n: u32) -> Duration {
    let base = 10u64 << (n.saturating_sub(2)).min(6);
    let jitter = u64::from(crate::crypto::random_bytes::<1>()[0]) * base / 512;
    Duration::from_millis(base + jitter)
}

impl Db {
    /// Opens a pool for `url` (`sqlite://…` or `postgres://…`). Fails fast when the
    /// database cannot be reached.
    pub async fn connect(url: &str) -> DbResult<Db> {
        if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)
                .map_err(|e| DbError::Unavailable(e.to_string()))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                // 64 MiB of page cache per connection (SQLite's default is
                // 2 MiB): the metric rollups take rows all over large
                // indexes, and a small cache turns that into disk reads.
                .pragma("cache_size", "-65536")
                // The write-ahead log is copied back into the database every
                // 40,000 pages (160 MiB) instead of SQLite's 1,000: a page the
                // next transactions change again (a post's latest figures,
                // its day, the index pages around them) is copied once for
                // all of them. Metrics ingest 89,198 → 105,714 snapshots/s
                // (`lantoa-bench insights`; 10,000 pages: 98,895).
                .pragma("wal_autocheckpoint", "40000");
            let pool = |n| {
                SqlitePoolOptions::new()
                    .max_connections(n)
                    // A file of this process cannot go away under a
                    // connection: no ping before each use (a round trip to
                    // the connection's thread on every transaction).
                    .test_before_acquire(false)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(opts.clone())
            };
            let readers = pool(8)
                .await
                .map_err(|e| DbError::Unavailable(e.to_string()))?;
            let writer = pool(1)
                .await
                .map_err(|e| DbError::Unavailable(e.to_string()))?;
            let gate = WriteGate {
                turn: gate::Gate::default(),
                forming: Arc::default(),
                conn: writer,
            };
            Ok(Db::Sqlite(readers, gate, JobBell::default()))
        } else {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(5))
                .connect(url)
                .await
                .map_err(|e| DbError::Unavailable(e.to_string()))?;
            Ok(Db::Postgres(pool, JobBell::default()))
        }
    }

    pub fn engine(&self) -> Engine {
        match self {
            Db::Sqlite(..) => Engine::Sqlite,
            Db::Postgres(..) => Engine::Postgres,
        }
    }

    /// A transaction for reading: a consistent snapshot for a page's queries.
    pub async fn read(&self) -> DbResult<Tx> {
        Ok(match self {
            Db::Sqlite(p, _, bell) => Tx::Sqlite(p.begin().await?, TxState::new(bell, None)),
            Db::Postgres(p, bell) => Tx::Postgres(p.begin().await?, TxState::new(bell, None)),
        })
    }

    /// Another read transaction, for a reader that can split its work across
    /// two connections, if one is idle now (`None` otherwise). It never
    /// waits: a request holding a connection while it waits for a second
    /// could wait on others doing the same, until every one times out.
    pub async fn read_spare(&self) -> DbResult<Option<Tx>> {
        Ok(match self {
            Db::Sqlite(p, _, bell) => {
                (p.try_begin().await?).map(|t| Tx::Sqlite(t, TxState::new(bell, None)))
            }
            Db::Postgres(p, bell) => {
                (p.try_begin().await?).map(|t| Tx::Postgres(t, TxState::new(bell, None)))
            }
        })
    }

    /// A transaction that will write. On SQLite it takes the write lock at once.
    pub async fn write(&self) -> DbResult<Tx> {
        self.write_in(gate::Lane::Normal).await
    }

    /// A write transaction that goes ahead of the other writers waiting in
    /// this process, turn about with them: for the job runner's claims and
    /// the batches of shared writes, which keep worker slots at work. Never
    /// for anything slow.
    pub async fn write_first(&self) -> DbResult<Tx> {
        self.write_in(gate::Lane::First).await
    }

    async fn write_in(&self, lane: gate::Lane) -> DbResult<Tx> {
        Ok(match self {
            Db::Sqlite(_, gate, bell) => {
                // The turn first, then the writers' connection: waiting
                // writers hold none.
                let turn = tokio::time::timeout(WRITE_WAIT, gate.turn.turn(lane))
                    .await
                    .map_err(|_| DbError::Unavailable("the database is busy".into()))?;
                let state = TxState::new(bell, Some(turn));
                Tx::Sqlite(gate.conn.begin_with("BEGIN IMMEDIATE").await?, state)
            }
            Db::Postgres(p, bell) => Tx::Postgres(p.begin().await?, TxState::new(bell, None)),
        })
    }

    /// Runs `f` in a write transaction and commits; when the database says
    /// the transaction lost to another ([`DbError::Busy`]), runs it again
    /// from the start after a short, growing wait, up to six times in all.
    /// The one place such failures are handled: `f` must do nothing outside
    /// the database that cannot be done twice.
    pub async fn transact<T, F>(&self, mut f: F) -> DbResult<T>
    where
        F: for<'t> FnMut(&'t mut Tx) -> futures_util::future::BoxFuture<'t, DbResult<T>>,
    {
        let mut tried = 1;
        loop {
            let outcome = async {
                let mut tx = self.write().await?;
                let out = f(&mut tx).await?;
                tx.commit().await?;
                Ok(out)
            }
            .await;
            match outcome {
                Err(DbError::Busy(why)) if tried < TRIES => {
                    tried += 1;
                    count_retry();
                    tracing::debug!(%why, tried, "transaction run again");
                    tokio::time::sleep(backoff(tried)).await;
                }
                other => return other,
            }
        }
    }

    /// Runs `f` in a write transaction and commits, like [`Db::transact`].
    /// On SQLite the transaction is shared with the
    /// other small writes waiting at the same moment (group commit: one turn
    /// of the write lock for all of them); `f` may run a second time, alone,
    /// if another write of its batch failed. For short writes that read
    /// little and never wait on anything but the database.
    pub async fn write_shared<T, F>(&self, f: F) -> DbResult<T>
    where
        T: Send + 'static,
        F: for<'t> FnMut(&'t mut Tx) -> futures_util::future::BoxFuture<'t, DbResult<T>>
            + Send
            + 'static,
    {
        match self {
            Db::Postgres(..) => self.transact(f).await,
            Db::Sqlite(_, gate, _) => {
                let (done, result) = tokio::sync::oneshot::channel();
                let op = group::Typed { f, out: None, done };
                if group::join(&gate.forming, Box::new(op)) {
                    let (db, forming) = (self.clone(), gate.forming.clone());
                    group::spawn(async move { group::run(db, &forming).await });
                }
                result
                    .await
                    .map_err(|_| DbError::Other("the shared write was dropped".into()))?
            }
        }
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(p, gate, _) => {
                p.close().await;
                gate.conn.close().await;
            }
            Db::Postgres(p, _) => p.close().await,
        }
    }

    /// The bell rung when a job is queued in this process.
    pub fn job_bell(&self) -> &JobBell {
        match self {
            Db::Sqlite(_, _, bell) | Db::Postgres(_, bell) => bell,
        }
    }
}

impl Tx {
    pub async fn commit(self) -> DbResult<()> {
        let state = match self {
            Tx::Sqlite(t, state) => {
                t.commit().await?;
                state
            }
            Tx::Postgres(t, state) => {
                t.commit().await?;
                state
            }
        };
        // Its turn at the write gate passes on before the runner wakes.
        drop(state.turn);
        if state.queued {
            state.bell.ring();
        }
        Ok(())
    }

    pub fn engine(&self) -> Engine {
        match self {
            Tx::Sqlite(..) => Engine::Sqlite,
            Tx::Postgres(..) => Engine::Postgres,
        }
    }

    /// Marks that a job was queued in this transaction (see [`JobBell`]).
    pub(crate) fn job_queued(&mut self) {
        match self {
            Tx::Sqlite(_, s) | Tx::Postgres(_, s) => s.queued = true,
        }
    }
}

/// Drops a PostgreSQL database on the server `db` is connected to, if it
/// exists, and creates it empty (throw-away benchmark databases). Nothing on
/// SQLite, whose databases are files.
pub async fn recreate_database(db: &Db, name: &str) -> DbResult<()> {
    drop_database(db, name).await?;
    if let Db::Postgres(p, _) = db {
        let sql = format!("CREATE DATABASE \"{}\"", name.replace('"', ""));
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(p).await?;
    }
    Ok(())
}

/// Drops a PostgreSQL database on the server `db` is connected to, if it exists.
pub async fn drop_database(db: &Db, name: &str) -> DbResult<()> {
    if let Db::Postgres(p, _) = db {
        let sql = format!(
            "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
            name.replace('"', "")
        );
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(p).await?;
    }
    Ok(())
}

/// The default SQLite URL for a data folder.
pub fn sqlite_url_for(data_dir: &std::path::Path) -> String {
    format!("sqlite://{}", data_dir.join("lantoa.db").display())
}

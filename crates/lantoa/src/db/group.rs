//! Group commit on SQLite: small writes that arrive while another write holds
//! the lock share the next write transaction instead of queueing for one
//! each. One process's SQLite writers take turns ([`super::WriteGate`]), and a
//! turn costs the same fixed round trips (begin, commit, handing the lock on)
//! whether it writes one row or fifty.
//!
//! The first write to arrive while no batch is forming starts one: a task
//! that waits for the write lock, takes every write that arrived meanwhile,
//! runs them one after another in one transaction and commits. Each caller
//! gets its own result after the commit. If any write fails, or the commit
//! does, the batch is rolled back and each write runs again alone, so one
//! write's failure is never another's. The batch runs in its own task: a
//! caller that stops waiting (a cancelled job) strands no one.

use std::sync::Mutex;

use futures_util::future::BoxFuture;
use tokio::sync::oneshot;

use super::{Db, DbError, DbResult, Tx};

/// A write waiting for a batch.
pub(super) trait Op: Send {
    /// Runs the write in `tx` (again, alone, if its batch failed).
    fn run<'t>(&'t mut self, tx: &'t mut Tx) -> BoxFuture<'t, DbResult<()>>;
    /// Hands the caller its result once the transaction has committed.
    fn deliver(self: Box<Self>, r: DbResult<()>);
}

pub(super) struct Typed<T, F> {
    pub f: F,
    pub out: Option<T>,
    pub done: oneshot::Sender<DbResult<T>>,
}

impl<T, F> Op for Typed<T, F>
where
    T: Send + 'static,
    F: for<'t> FnMut(&'t mut Tx) -> BoxFuture<'t, DbResult<T>> + Send + 'static,
{
    fn run<'t>(&'t mut self, tx: &'t mut Tx) -> BoxFuture<'t, DbResult<()>> {
        Box::pin(async move {
            self.out = Some((self.f)(tx).await?);
            Ok(())
        })
    }

    fn deliver(self: Box<Self>, r: DbResult<()>) {
        let this = *self;
        let r = r.and_then(|()| {
            this.out
                .ok_or(DbError::Other("the write gave nothing".into()))
        });
        let _ = this.done.send(r);
    }
}

/// The batch forming: the writes waiting, and whether a task will take them.
#[derive(Default)]
pub(super) struct Forming {
    ops: Vec<Box<dyn Op>>,
    leading: bool,
}

impl std::fmt::Debug for Forming {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Forming")
            .field("waiting", &self.ops.len())
            .field("leading", &self.leading)
            .finish()
    }
}

/// Adds `op` to the batch forming; returns whether the caller must start the
/// task that takes it.
pub(super) fn join(forming: &Mutex<Forming>, op: Box<dyn Op>) -> bool {
    let mut q = forming.lock().unwrap_or_else(|p| p.into_inner());
    q.ops.push(op);
    !std::mem::replace(&mut q.leading, true)
}

/// The batch's task: the write lock first, then every write that is waiting.
/// A batch carries the running jobs' steps (publishing's handles, a post
/// recorded as out), so it waits in the first lane, turn about with people's
/// writes.
pub(super) async fn run(db: Db, forming: &Mutex<Forming>) {
    let tx = db.write_first().await;
    let mut ops = {
        let mut q = forming.lock().unwrap_or_else(|p| p.into_inner());
        // Writes arriving from now on form the next batch.
        q.leading = false;
        std::mem::take(&mut q.ops)
    };
    let mut tx = match tx {
        Ok(tx) => tx,
        Err(e) => {
            for op in ops {
                op.deliver(Err(DbError::Unavailable(e.to_string())));
            }
            return;
        }
    };
    let mut failed = false;
    for op in ops.iter_mut() {
        if op.run(&mut tx).await.is_err() {
            failed = true;
            break;
        }
    }
    let committed = if failed {
        drop(tx);
        false
    } else {
        tx.commit().await.is_ok()
    };
    if committed {
        for op in ops {
            op.deliver(Ok(()));
        }
        return;
    }
    // Rolled back: each write again, alone, with its own result.
    for mut op in ops {
        let r = async {
            let mut tx = db.write().await?;
            op.run(&mut tx).await?;
            tx.commit().await
        }
        .await;
        op.deliver(r);
    }
}

/// Starts a batch's task on a thread of its own (a runtime with one thread,
/// started once per process): a batch holds the write lock, and its every
/// round trip to SQLite would otherwise queue behind the busy runtime's other
/// tasks, with every other writer waiting.
pub(super) fn spawn(f: impl std::future::Future<Output = ()> + Send + 'static) {
    static WRITER: std::sync::OnceLock<Option<tokio::runtime::Handle>> = std::sync::OnceLock::new();
    let handle = WRITER.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?;
        let handle = rt.handle().clone();
        std::thread::Builder::new()
            .name("lantoa-writer".into())
            .spawn(move || rt.block_on(std::future::pending::<()>()))
            .ok()?;
        Some(handle)
    });
    match handle {
        Some(h) => drop(h.spawn(f)),
        None => drop(tokio::spawn(f)),
    }
}

//! Administration of the job queue: list, retry, cancel (audited).

use super::{Actor, audit};
use crate::db::jobs::{self, JobId, JobRow};
use crate::error::{Error, Result};
use crate::state::AppState;
use serde_json::json;

pub async fn list(st: &AppState, state: Option<&str>) -> Result<(Vec<JobRow>, Vec<(String, i64)>)> {
    let mut tx = st.db.read().await?;
    let rows = jobs::list(&mut tx, state, 200).await?;
    let counts = jobs::counts(&mut tx).await?;
    Ok((rows, counts))
}

async fn change(st: &AppState, actor: &Actor, id: JobId, retry: bool) -> Result<()> {
    if !actor.is_system_admin {
        return Err(Error::Forbidden);
    }
    let now = st.now();
    let mut tx = st.db.write().await?;
    let before = jobs::get(&mut tx, id).await?.ok_or(Error::NotFound)?;
    let changed = if retry {
        jobs::retry(&mut tx, id, now).await?
    } else {
        jobs::cancel(&mut tx, id, now).await?
    };
    if !changed {
        return Err(Error::Conflict(if retry {
            "job-not-retryable"
        } else {
            "job-not-cancellable"
        }));
    }
    audit(
        &mut tx,
        actor,
        before.agency_id,
        if retry { "job.retry" } else { "job.cancel" },
        "job",
        id,
        json!({"before": {"state": before.state, "attempts": before.attempts},
               "after": {"state": if retry { "queued" } else { "cancelled" }}, "kind": before.kind}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn retry(st: &AppState, actor: &Actor, id: JobId) -> Result<()> {
    change(st, actor, id, true).await
}

pub async fn cancel(st: &AppState, actor: &Actor, id: JobId) -> Result<()> {
    change(st, actor, id, false).await
}

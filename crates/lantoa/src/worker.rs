//! Background work that runs inside `lantoa serve` or alone as `lantoa worker`.
//!
//! Two loops: the job runner (`crate::jobs`) and housekeeping (expired sessions,
//! old login attempts, expired uploads).

use std::time::Duration;

use tokio::sync::watch;

use crate::db::{sessions, throttle};
use crate::state::AppState;

const EVERY: Duration = Duration::from_secs(60);
/// Login attempts are kept this long for throttling and investigation.
const KEEP_ATTEMPTS_MS: i64 = 7 * 24 * 3600 * 1000;

/// One round of housekeeping; returns (sessions purged, attempts purged).
pub async fn housekeeping(st: &AppState) -> crate::error::Result<(u64, u64)> {
    let now = st.now();
    let mut tx = st.db.write().await?;
    let s = sessions::purge_expired(&mut tx, now).await?;
    let a = throttle::purge_before(&mut tx, now - KEEP_ATTEMPTS_MS).await?;
    tx.commit().await?;
    // Unfinished uploads past their expiry give back their staged bytes.
    let u = crate::service::uploads::expire(st).await?;
    // Approvals not used in time expire and send their clips back to review.
    let e = crate::service::review::expire_approvals(st).await?;
    // Staged copies a killed worker left behind.
    let p = crate::service::publish::purge_staged(st).await;
    // Tokens that expire soon are refreshed; dead ones mark their channel.
    let r = crate::service::channels::refresh_due(st).await?;
    // Published posts whose figures are due; raw snapshots past retention.
    let m = crate::insights::collect::queue_due(st).await?;
    let _ = crate::insights::collect::purge(st).await?;
    {
        let mut tx = st.db.write().await?;
        crate::db::publishing::purge_rate_events(&mut tx, now - 2 * 86_400_000).await?;
        // The outlets' viewing of finished days becomes daily counts; the
        // devices' hashes of those days go.
        let today = crate::service::outlet::measure::today(st);
        crate::db::outlet::roll_up(&mut tx, today).await?;
        tx.commit().await?;
    }
    Ok((s, a + u as u64 + e as u64 + r as u64 + p as u64 + m as u64))
}

/// Runs the job runner and housekeeping until `stop` turns true.
pub async fn run(st: AppState, registry: crate::jobs::Registry, stop: watch::Receiver<bool>) {
    let opts = crate::jobs::WorkerOptions::from_config(&st.config);
    let jobs = tokio::spawn(crate::jobs::run(st.clone(), registry, opts, stop.clone()));
    let mail = st
        .config
        .smtp_url
        .is_some()
        .then(|| tokio::spawn(mail_loop(st.clone(), stop.clone())));
    let push = tokio::spawn(push_loop(st.clone(), stop.clone()));
    housekeeping_loop(st, stop).await;
    let _ = jobs.await;
    if let Some(m) = mail {
        let _ = m.await;
    }
    let _ = push.await;
}

/// Hands new notifications to the push services of the browsers people
/// turned push notices on in, every two seconds (a notice that waits for
/// nobody costs one small query).
async fn push_loop(st: AppState, mut stop: watch::Receiver<bool>) {
    let http = reqwest::Client::new();
    loop {
        if let Err(e) = crate::service::push::send_pending(&st, &http).await {
            tracing::warn!(error = %e, "push round failed; will retry");
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(2)) => {},
            _ = stop.changed() => break,
        }
        if *stop.borrow() {
            break;
        }
    }
}

/// Sends notification e-mails every few seconds (only with an SMTP relay set).
async fn mail_loop(st: AppState, mut stop: watch::Receiver<bool>) {
    loop {
        if let Err(e) = crate::service::review::send_mail(&st).await {
            tracing::warn!(error = %e, "notification e-mail round failed; will retry");
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(5)) => {},
            _ = stop.changed() => break,
        }
        if *stop.borrow() {
            break;
        }
    }
}

async fn housekeeping_loop(st: AppState, mut stop: watch::Receiver<bool>) {
    loop {
        match housekeeping(&st).await {
            Ok((s, a)) if s + a > 0 => tracing::debug!(sessions = s, attempts = a, "housekeeping"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "housekeeping failed; will retry"),
        }
        tokio::select! {
            _ = tokio::time::sleep(EVERY) => {},
            _ = stop.changed() => break,
        }
        if *stop.borrow() {
            break;
        }
    }
}

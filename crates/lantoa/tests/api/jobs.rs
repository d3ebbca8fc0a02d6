//! The durable job queue: outcomes, retries, panics, leases, uniqueness, shutdown.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::helpers::{TestApp, assert_says, spawn_app, spawn_network};
use lantoa::db::jobs::{self, JobId, JobRow};
use lantoa::jobs::{Enqueue, JobError, Registry, WorkerOptions, enqueue};
use tokio::sync::watch;

fn fast() -> WorkerOptions {
    WorkerOptions {
        slots: 2,
        lease_ms: 3_000,
        heartbeat: Duration::from_millis(100),
        idle_poll: Duration::from_millis(20),
        grace: Duration::from_millis(200),
    }
}

async fn add(app: &TestApp, kind: &str, o: Enqueue) -> (JobId, bool) {
    let mut tx = app.st.db.write().await.unwrap();
    let r = enqueue(
        &mut tx,
        kind,
        &serde_json::json!({"n": 1}),
        &o,
        app.st.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    r
}

async fn job(app: &TestApp, id: JobId) -> JobRow {
    let mut tx = app.st.db.read().await.unwrap();
    jobs::get(&mut tx, id).await.unwrap().unwrap()
}

/// Waits (up to 10 s) until the job reaches one of the states.
async fn wait_for(app: &TestApp, id: JobId, states: &[&str]) -> JobRow {
    for _ in 0..500 {
        let j = job(app, id).await;
        if states.contains(&j.state.as_str()) {
            return j;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!(
        "job {id} never reached {states:?}: {:?}",
        job(app, id).await
    );
}

fn start(
    app: &TestApp,
    reg: Registry,
    opts: WorkerOptions,
) -> (watch::Sender<bool>, tokio::task::JoinHandle<()>) {
    let (tx, rx) = watch::channel(false);
    let h = tokio::spawn(lantoa::jobs::run(app.st.clone(), reg, opts, rx));
    (tx, h)
}

#[tokio::test]
async fn jobs_succeed_and_failures_retry_until_they_die() {
    let app = spawn_app().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let reg = Registry::default()
        .with("test.ok", |ctx, _| async move {
            ctx.set_progress(0.5);
            Ok(())
        })
        .with("test.flaky", move |_, _| {
            let c = c.clone();
            async move {
                if c.fetch_add(1, Ordering::SeqCst) < 1 {
                    Err(JobError::Retry("network hiccup".into()))
                } else {
                    Ok(())
                }
            }
        })
        .with("test.bad", |_, _| async {
            Err(JobError::Permanent("the file is not a video".into()))
        })
        .with("test.always", |_, _| async {
            Err(JobError::Retry("still down".into()))
        });
    let (stop, h) = start(&app, reg, fast());
    let ok = add(&app, "test.ok", Enqueue::default()).await.0;
    let flaky = add(&app, "test.flaky", Enqueue::default()).await.0;
    let bad = add(&app, "test.bad", Enqueue::default()).await.0;
    let always = add(&app, "test.always", attempts(2)).await.0;

    let j = wait_for(&app, ok, &["succeeded"]).await;
    assert_eq!(j.attempts, 1);
    assert_eq!(j.progress, Some(1.0));
    let j = wait_for(&app, bad, &["dead"]).await;
    assert_eq!(j.last_error.as_deref(), Some("the file is not a video"));
    assert_eq!(j.attempts, 1, "permanent errors are not retried");
    // The flaky job failed once and waits for its backoff; move time past it.
    let j = wait_for(&app, flaky, &["failed"]).await;
    assert_eq!(j.last_error.as_deref(), Some("network hiccup"));
    assert!(j.run_at > app.st.now(), "retried later, not at once");
    app.clock.advance_ms(10_000);
    let j = wait_for(&app, flaky, &["succeeded"]).await;
    assert_eq!(j.attempts, 2);
    wait_for(&app, always, &["failed", "dead"]).await;
    app.clock.advance_ms(10_000);
    let j = wait_for(&app, always, &["dead"]).await;
    assert_eq!(j.attempts, 2);
    stop.send(true).unwrap();
    h.await.unwrap();
}

/// A job tried at most `n` times.
fn attempts(n: i64) -> Enqueue {
    Enqueue {
        max_attempts: n,
        ..Default::default()
    }
}

#[tokio::test]
async fn a_panicking_job_does_not_stop_the_worker() {
    let app = spawn_app().await;
    let reg = Registry::default()
        .with("test.panic", |_, _| async {
            panic!("ffmpeg parser exploded")
        })
        .with("test.ok", |_, _| async { Ok(()) });
    let (stop, h) = start(&app, reg, fast());
    let p = add(&app, "test.panic", attempts(1)).await.0;
    let j = wait_for(&app, p, &["dead"]).await;
    assert!(j.last_error.unwrap().contains("ffmpeg parser exploded"));
    let ok = add(&app, "test.ok", Enqueue::default()).await.0;
    wait_for(&app, ok, &["succeeded"]).await;
    stop.send(true).unwrap();
    h.await.unwrap();
}

#[tokio::test]
async fn a_unique_key_admits_one_live_job() {
    let app = spawn_app().await;
    let o = Enqueue {
        unique_key: Some("ingest:version:7".into()),
        ..Default::default()
    };
    let (a, new_a) = add(&app, "test.ok", o.clone()).await;
    let (b, new_b) = add(&app, "test.ok", o.clone()).await;
    assert!(new_a && !new_b);
    assert_eq!(a, b);
    let (stop, h) = start(
        &app,
        Registry::default().with("test.ok", |_, _| async { Ok(()) }),
        fast(),
    );
    wait_for(&app, a, &["succeeded"]).await;
    stop.send(true).unwrap();
    h.await.unwrap();
    // Once the first is finished, the key is free again.
    let (c, new_c) = add(&app, "test.ok", o).await;
    assert!(new_c && c != a);
}

#[tokio::test]
async fn a_dead_workers_job_is_taken_over_and_its_late_result_ignored() {
    let app = spawn_app().await;
    let id = add(&app, "test.ok", Enqueue::default()).await.0;
    // A worker claims it and dies (never heartbeats, never completes).
    let kinds = vec!["test.ok".to_string()];
    let sql = jobs::claim_sql(app.st.db.engine(), 1);
    let now = app.st.now();
    let mut tx = app.st.db.write().await.unwrap();
    let c = jobs::claim(
        &mut tx,
        &sql,
        &kinds,
        "ghost",
        "ghost-token",
        now + 3_000,
        now,
    )
    .await
    .unwrap()
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(c.id, id);
    let runs = Arc::new(AtomicUsize::new(0));
    let r = runs.clone();
    let reg = Registry::default().with("test.ok", move |_, _| {
        let r = r.clone();
        async move {
            r.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    });
    let (stop, h) = start(&app, reg, fast());
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(runs.load(Ordering::SeqCst), 0, "the lease still holds");
    app.clock.advance_ms(4_000);
    let j = wait_for(&app, id, &["succeeded"]).await;
    assert_eq!(j.attempts, 2);
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    // The ghost wakes up and reports: nothing changes.
    let mut tx = app.st.db.write().await.unwrap();
    assert!(
        !jobs::fail(&mut tx, id, "ghost-token", "late", None, app.st.now())
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    assert_eq!(job(&app, id).await.state, "succeeded");
    stop.send(true).unwrap();
    h.await.unwrap();
}

#[tokio::test]
async fn concurrent_claims_never_hand_out_the_same_job() {
    let app = spawn_app().await;
    for _ in 0..30 {
        add(&app, "test.ok", Enqueue::default()).await;
    }
    let sql = Arc::new(jobs::claim_sql(app.st.db.engine(), 1));
    let mut tasks = Vec::new();
    for w in 0..6 {
        let (st, sql) = (app.st.clone(), sql.clone());
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                let now = st.now();
                let mut tx = st.db.write().await.unwrap();
                let c = jobs::claim(
                    &mut tx,
                    &sql,
                    &["test.ok".to_string()],
                    &format!("w{w}"),
                    &format!("t{w}"),
                    now + 60_000,
                    now,
                )
                .await
                .unwrap();
                tx.commit().await.unwrap();
                match c {
                    Some(c) => got.push(c.id),
                    None => break got,
                }
            }
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let n = all.len();
    all.sort();
    all.dedup();
    assert_eq!(n, 30);
    assert_eq!(all.len(), 30, "a job was claimed twice");
}

#[tokio::test]
async fn shutdown_lets_short_jobs_finish_and_hands_long_ones_back() {
    let app = spawn_app().await;
    let reg = Registry::default()
        .with("test.short", |_, _| async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            Ok(())
        })
        .with("test.long", |_, _| async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok(())
        });
    let (stop, h) = start(&app, reg, fast());
    let short = add(&app, "test.short", Enqueue::default()).await.0;
    let long = add(&app, "test.long", Enqueue::default()).await.0;
    wait_for(&app, long, &["running"]).await;
    wait_for(&app, short, &["running", "succeeded"]).await;
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), h)
        .await
        .expect("worker stops within the grace period")
        .unwrap();
    assert_eq!(job(&app, short).await.state, "succeeded");
    let l = job(&app, long).await;
    assert_eq!(l.state, "queued");
    assert_eq!(l.attempts, 0, "a handed-back attempt does not count");
}

#[tokio::test]
async fn a_cancelled_running_job_stops() {
    let app = spawn_app().await;
    let finished = Arc::new(AtomicUsize::new(0));
    let f = finished.clone();
    let reg = Registry::default().with("test.long", move |_, _| {
        let f = f.clone();
        async move {
            tokio::time::sleep(Duration::from_secs(2)).await;
            f.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    });
    let (stop, h) = start(&app, reg, fast());
    let id = add(&app, "test.long", Enqueue::default()).await.0;
    wait_for(&app, id, &["running"]).await;
    let mut tx = app.st.db.write().await.unwrap();
    assert!(jobs::cancel(&mut tx, id, app.st.now()).await.unwrap());
    tx.commit().await.unwrap();
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    assert_eq!(
        finished.load(Ordering::SeqCst),
        0,
        "the job was stopped at its next heartbeat"
    );
    assert_eq!(job(&app, id).await.state, "cancelled");
    // An admin retries it: it runs again from scratch.
    let mut tx = app.st.db.write().await.unwrap();
    assert!(jobs::retry(&mut tx, id, app.st.now()).await.unwrap());
    tx.commit().await.unwrap();
    wait_for(&app, id, &["succeeded"]).await;
    stop.send(true).unwrap();
    h.await.unwrap();
}

#[tokio::test]
async fn a_system_admin_sees_dead_jobs_and_retries_them_from_the_page() {
    let (app, _) = spawn_network().await;
    let reg = Registry::default().with("test.bad", |_, _| async {
        Err(JobError::Permanent("ffprobe: moov atom not found".into()))
    });
    let (stop, h) = start(&app, reg, fast());
    let id = add(&app, "test.bad", Enqueue::default()).await.0;
    wait_for(&app, id, &["dead"]).await;
    stop.send(true).unwrap();
    h.await.unwrap();
    let b = app.login("root").await;
    let page = b.get_text("/admin/jobs?state=dead").await;
    assert!(page.contains("moov atom not found") && page.contains("test.bad"));
    let r = b.post_form(&format!("/admin/jobs/{id}/retry"), &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(job(&app, id).await.state, "queued");
    let audit = b.get_text("/admin/audit?object_type=job").await;
    assert!(audit.contains("Chạy lại tác vụ") && audit.contains("job.retry"));
    // Retrying a queued job is refused with a reason.
    let r = b.post_form(&format!("/admin/jobs/{id}/retry"), &[]).await;
    assert_says(r, 409, "Chỉ chạy lại được").await;
    // An agency admin cannot.
    let a = app.login("a.admin").await;
    a.expect_get("/admin/jobs", 403).await;
}

#[tokio::test]
async fn an_idle_worker_starts_a_job_as_soon_as_its_transaction_commits() {
    let app = spawn_app().await;
    let ran = Arc::new(AtomicUsize::new(0));
    let r = ran.clone();
    let reg = Registry::default().with("test.ok", move |_, _| {
        let r = r.clone();
        async move {
            r.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    });
    // The worker would not look at the queue again for a minute by itself.
    let opts = WorkerOptions {
        idle_poll: Duration::from_secs(60),
        ..fast()
    };
    let (stop, h) = start(&app, reg, opts);
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Queued for later: no reason to wake, and nothing runs.
    let later = add(
        &app,
        "test.ok",
        Enqueue {
            delay_ms: 3_600_000,
            ..Enqueue::default()
        },
    )
    .await
    .0;
    // Queued and rolled back: nothing to run either.
    {
        let mut tx = app.st.db.write().await.unwrap();
        let payload = serde_json::json!({"n": 2});
        enqueue(
            &mut tx,
            "test.ok",
            &payload,
            &Enqueue::default(),
            app.st.now(),
        )
        .await
        .unwrap();
    }
    let now = add(&app, "test.ok", Enqueue::default()).await.0;
    // Well inside the minute the worker would otherwise sleep.
    let started = std::time::Instant::now();
    wait_for(&app, now, &["succeeded"]).await;
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(ran.load(Ordering::SeqCst), 1);
    assert_eq!(job(&app, later).await.state, "queued");
    stop.send(true).unwrap();
    h.await.unwrap();
}

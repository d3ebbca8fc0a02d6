//! `kill -9` of the worker in the middle of publishing: 50 approved clips × 4
//! channels (200 publish jobs) run by `lantoa worker` child processes that are
//! killed with SIGKILL at random moments and started again, against the mock
//! platforms served by the test itself (they are the platforms: they live on).
//! Afterwards every publication is published, and each platform holds exactly
//! one live post per clip (none twice, none missing) with the approved bytes.
//!
//! The test's own application runs no worker: only the child processes do.
//! Runs on SQLite, on PostgreSQL (`LANTOA_TEST_DB=postgres`) and with S3
//! storage (`LANTOA_TEST_STORAGE=s3`) like the rest of the suite.

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::helpers::{lavfi, state_with};
use crate::publish::{Env, approved_clip_with, env_on, mock, publish_now, pubs, sandbox};
use lantoa::domain::ClipId;

const BIN: &str = env!("CARGO_BIN_EXE_lantoa");
const CLIPS: usize = 50;
const PLATFORMS: [&str; 4] = ["facebook", "youtube", "tiktok", "zalo"];
/// How many times a worker is started and killed before one may finish.
const KILLS: usize = 8;
/// How long the last worker gets to finish everything.
const SETTLE: Duration = Duration::from_secs(60);

/// A random whole number in `lo..hi`.
fn random_in(lo: u64, hi: u64) -> u64 {
    lo + u64::from_le_bytes(lantoa::crypto::random_bytes::<8>()) % (hi - lo)
}

/// `lantoa worker` on the test's database, storage and settings.
fn worker(vars: &BTreeMap<String, String>) -> tokio::process::Child {
    tokio::process::Command::new(BIN)
        .arg("worker")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(vars)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("lantoa worker starts")
}

/// The same small video with a distinct trailing MP4 `free` box per clip: a
/// valid file whose bytes (and SHA-256) are the clip's own.
fn variant(base: &[u8], i: usize) -> Vec<u8> {
    let note = format!("lantoa crash test clip {i}");
    let mut out = base.to_vec();
    out.extend_from_slice(&(8 + note.len() as u32).to_be_bytes());
    out.extend_from_slice(b"free");
    out.extend_from_slice(note.as_bytes());
    out
}

fn tag(i: usize) -> String {
    format!("[crash-{i:03}]")
}

/// Counts of the publications' states over all clips.
async fn states(e: &Env, clips: &[(ClipId, String)]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for (c, _) in clips {
        for p in pubs(&e.app, e.n.a, *c).await {
            *out.entry(p.state.to_string()).or_insert(0) += 1;
        }
    }
    out
}

#[tokio::test]
async fn killing_the_worker_at_random_never_posts_twice_nor_loses_a_post() {
    let started = Instant::now();
    let (url, mock) = mock().await;
    // Far more posts than one account may make: lift the limits on both sides.
    mock.set_unlimited(true);
    let processing = random_in(100, 301);
    mock.set_processing_ms(processing);
    let mut extra = sandbox(&url);
    extra.extend([
        ("LANTOA_TIKTOK_INITS_PER_MINUTE", "100000".to_string()),
        ("LANTOA_TIKTOK_STATUS_PER_MINUTE", "100000".to_string()),
        ("LANTOA_FACEBOOK_REELS_PER_DAY", "100000".to_string()),
        ("LANTOA_YOUTUBE_UPLOADS_PER_DAY", "100000".to_string()),
        // The shortest lease: a killed worker's jobs are claimed again within a second.
        ("LANTOA_JOB_LEASE_SECONDS", "1".to_string()),
        ("LANTOA_WORKER_SLOTS", "16".to_string()),
    ]);
    let extra: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = state_with(&extra).await;
    let e = env_on(app, mock.clone()).await;

    // 50 approved clips with their own bytes and a tag in title and caption.
    let dir = e.app.data_dir.path().join("gen");
    std::fs::create_dir_all(&dir).unwrap();
    let base = dir.join("base.mp4");
    lavfi(
        &base,
        "testsrc2=size=180x320:rate=25:duration=1",
        "sine=frequency=440:duration=1",
        &[],
    )
    .await;
    let base = std::fs::read(&base).unwrap();
    let mut clips = Vec::new();
    for i in 0..CLIPS {
        let bytes = variant(&base, i);
        let sha = lantoa::crypto::sha256_hex(&bytes);
        let key = lantoa::storage::original_key(&sha);
        let file = dir.join(format!("v{i}.mp4"));
        std::fs::write(&file, &bytes).unwrap();
        e.app.st.store.put_file(&key, &file).await.unwrap();
        let t = tag(i);
        let (c, sha) = approved_clip_with(
            &e,
            &format!("Lễ ra quân {t}"),
            &format!("{t} Sáng nay, Ủy ban nhân dân tỉnh tổ chức lễ ra quân."),
            &PLATFORMS,
            (sha, key),
        )
        .await;
        clips.push((c, sha));
    }
    let mut ids = Vec::new();
    for (c, _) in &clips {
        ids.extend(publish_now(&e, *c).await);
    }
    assert_eq!(ids.len(), CLIPS * PLATFORMS.len());
    let seeded = started.elapsed();

    // Workers killed with SIGKILL at random moments, each replaced at once.
    let vars = e.app.env_vars();
    let mut kills = Vec::new();
    for _ in 0..KILLS {
        let mut w = worker(&vars);
        let after = random_in(300, 2_000);
        tokio::time::sleep(Duration::from_millis(after)).await;
        w.start_kill().unwrap(); // SIGKILL on Unix
        let status = w.wait().await.unwrap();
        assert!(!status.success(), "the worker was killed: {status:?}");
        kills.push((after, states(&e, &clips).await));
    }

    // The last worker finishes what is left.
    let mut w = worker(&vars);
    let deadline = Instant::now() + SETTLE;
    let settled = loop {
        let s = states(&e, &clips).await;
        if s.get("published") == Some(&ids.len()) {
            break s;
        }
        if Instant::now() > deadline || s.contains_key("failed") {
            break s;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    w.start_kill().unwrap();
    let _ = w.wait().await;
    eprintln!(
        "processing {processing} ms; seeded in {seeded:?}; kills (ms after start, states then): \
         {kills:?}; settled {settled:?} after {:?}",
        started.elapsed()
    );
    assert_eq!(
        settled.get("published"),
        Some(&ids.len()),
        "every publication is published: {settled:?}"
    );

    // Exactly one live post per (clip, platform), with the clip's approved bytes.
    let records = mock.records.lock().unwrap().clone();
    let mut live: BTreeMap<(usize, String), usize> = BTreeMap::new();
    for r in records.iter().filter(|r| !r.deleted) {
        let i = (0..CLIPS)
            .find(|i| r.title.contains(&tag(*i)))
            .unwrap_or_else(|| panic!("a post of no clip: {r:?}"));
        assert_eq!(
            r.sha256, clips[i].1,
            "clip {i} went out with other bytes: {r:?}"
        );
        *live.entry((i, r.platform.clone())).or_insert(0) += 1;
    }
    let twice: Vec<_> = live.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "posted more than once: {twice:?}");
    for i in 0..CLIPS {
        for p in PLATFORMS {
            assert_eq!(
                live.get(&(i, p.to_string())),
                Some(&1),
                "clip {i} on {p}: {records:#?}"
            );
        }
    }
    // Each publication names the post the platform holds.
    for (c, _) in &clips {
        for p in pubs(&e.app, e.n.a, *c).await {
            assert!(p.external_id.is_some() && p.published_at.is_some(), "{p:?}");
        }
    }
    let elapsed = started.elapsed();
    eprintln!("crash test took {elapsed:?}");
}

//! `kill -9` in the middle of a media check: on restart the job is picked up again
//! and finishes once, with one set of outputs and nothing left behind.

use std::process::{Command, Stdio};
use std::time::Duration;

use base64::Engine as _;

use crate::helpers::{add_body_btg, fresh_database, send_expect, wait_ready};
use lantoa::db::Db;

const BIN: &str = env!("CARGO_BIN_EXE_lantoa");

fn lantoa(dir: &std::path::Path, db: &str, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("LANTOA_DATA_DIR", dir)
        .env("LANTOA_DATABASE_URL", db)
        .env("LANTOA_LOG", "warn")
        .env("LANTOA_JOB_LEASE_SECONDS", "3");
    c
}

fn ok(mut c: Command) -> String {
    let o = c.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).to_string()
}

async fn serve(dir: &std::path::Path, db: &str, port: u16) -> tokio::process::Child {
    let mut c = tokio::process::Command::from(lantoa(dir, db, &["serve"]));
    c.env("LANTOA_LISTEN", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let child = c.spawn().unwrap();
    let up = wait_ready(port, 200, Duration::from_millis(50)).await;
    assert!(up, "server did not start");
    child
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Processes whose command line mentions `needle` (an orphaned ffmpeg would).
fn processes_mentioning(needle: &str) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        if let Ok(cmd) = std::fs::read(e.path().join("cmdline")) {
            let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
            if cmd.contains(needle) && !cmd.contains("cargo") && !cmd.contains("nextest") {
                out.push(cmd);
            }
        }
    }
    out
}

async fn job_state(db: &Db) -> Option<(String, i64, Option<f64>)> {
    let mut tx = db.read().await.ok()?;
    let rows = lantoa::db::jobs::list(&mut tx, None, 10).await.ok()?;
    rows.into_iter()
        .find(|j| j.kind == "media.ingest")
        .map(|j| (j.state.to_string(), j.attempts, j.progress))
}

#[tokio::test]
async fn a_worker_killed_mid_check_leaves_no_double_work_and_no_orphans() {
    let dir = tempfile::tempdir().unwrap();
    let (db_url, _pg) = fresh_database(dir.path()).await;
    let d = dir.path();
    // A clip that needs a proxy and a rendition (Matroska: YouTube, TikTok and
    // Zalo refuse it, a remux suffices), long enough to kill mid-way.
    let clip = d.join("long.mkv");
    crate::helpers::lavfi(
        &clip,
        "testsrc2=size=1080x1920:rate=30:duration=20",
        "sine=frequency=300:sample_rate=48000:duration=20",
        &[],
    )
    .await;
    ok(lantoa(d, &db_url, &add_body_btg("Ban")));
    ok(lantoa(
        d,
        &db_url,
        &[
            "agency", "add", "--slug", "bao", "--name", "Báo", "--body", "btg",
        ],
    ));
    let mut c = lantoa(
        d,
        &db_url,
        &[
            "user",
            "add",
            "--username",
            "phongvien",
            "--name",
            "PV",
            "--agency",
            "bao",
            "--role",
            "reporter",
            "--password-stdin",
        ],
    );
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"mat khau that dai\n")
            .unwrap();
    }
    assert!(child.wait_with_output().unwrap().status.success());
    let token = ok(lantoa(
        d,
        &db_url,
        &["token", "create", "--username", "phongvien", "--name", "t"],
    ))
    .trim()
    .to_string();
    let agency = ok(lantoa(d, &db_url, &["agency", "list"]))
        .lines()
        .find(|l| l.contains(" bao "))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_string();

    let port = free_port();
    let mut first = serve(d, &db_url, port).await;
    let enc = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let bytes = std::fs::read(&clip).unwrap();
    let r = send_expect(
        reqwest::Client::new()
            .post(format!("http://127.0.0.1:{port}/api/v1/uploads"))
            .bearer_auth(&token)
            .header("tus-resumable", "1.0.0")
            .header("upload-length", bytes.len().to_string())
            .header(
                "upload-metadata",
                format!(
                    "title {},category {},agency_id {}",
                    enc("Dài"),
                    enc("other"),
                    enc(&agency)
                ),
            )
            .header("content-type", "application/offset+octet-stream")
            .body(bytes),
        201,
    )
    .await;
    let version: i64 = r.headers()["lantoa-version-id"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();

    let db = Db::connect(&db_url).await.unwrap();
    // Wait until ffmpeg is at work on this version, then kill the server with SIGKILL.
    let work = d.join("work").join(format!("v{version}"));
    let mut seen_running = false;
    let mut seen = Vec::new();
    for _ in 0..1500 {
        let s = job_state(&db).await;
        if s.as_ref().is_some_and(|s| s.0 == "running")
            && !processes_mentioning(&work.display().to_string()).is_empty()
        {
            seen_running = true;
            break;
        }
        if seen.last() != Some(&s) {
            seen.push(s);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(seen_running, "ffmpeg never ran for the check: {seen:?}");
    first.kill().await.unwrap(); // SIGKILL
    tokio::time::sleep(Duration::from_millis(500)).await;
    let orphans = processes_mentioning(&work.display().to_string());
    assert!(
        orphans.is_empty(),
        "ffmpeg outlived its worker: {orphans:?}"
    );
    assert_eq!(
        job_state(&db).await.unwrap().0,
        "running",
        "the dead worker's job still looks taken"
    );

    let mut second = serve(d, &db_url, free_port()).await;
    let mut done = None;
    for _ in 0..1200 {
        if let Some(s) = job_state(&db).await
            && (s.0 == "succeeded" || s.0 == "dead")
        {
            done = Some(s);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (state, attempts, _) = done.expect("the job finished after the restart");
    assert_eq!(
        (state.as_str(), attempts),
        ("succeeded", 2),
        "picked up once more and finished once"
    );
    let mut tx = db.read().await.unwrap();
    let v = lantoa::db::clips::get_version(&mut tx, lantoa::domain::VersionId(version))
        .await
        .unwrap()
        .unwrap();
    drop(tx);
    assert_eq!(v.status, "ready");
    // One set of outputs, nothing else, and no work files left.
    let mut objects: Vec<String> =
        std::fs::read_dir(d.join("media").join("derived").join(format!("v{version}")))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect();
    objects.sort();
    assert_eq!(
        objects,
        [
            "poster_01.jpg",
            "poster_02.jpg",
            "poster_03.jpg",
            "poster_04.jpg",
            "proxy.mp4",
            "rendition_remux.mp4",
            "storyboard.jpg"
        ]
    );
    assert!(!work.exists(), "work folder left behind");
    second.kill().await.unwrap();
    db.close().await;
}

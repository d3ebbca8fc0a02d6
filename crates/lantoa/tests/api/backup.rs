//! `lantoa backup` and `lantoa restore`: a backup taken while uploads and
//! publishing go on restores into an empty folder, and a server started on
//! it finds everything confirmed before the backup began.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::helpers::{TestApp, b64, engine, lavfi, storage_mode, test_config_with};
use crate::publish::{ALL_FOUR, approved_clip, env, publish_now, settle};
use lantoa::db::audit::Verdict;

const BIN: &str = env!("CARGO_BIN_EXE_lantoa");

/// Rows of a query as text columns, to compare a database before and after.
async fn rows(st: &lantoa::state::AppState, sql: &'static str) -> Vec<(i64, String)> {
    let mut tx = st.db.read().await.unwrap();
    lantoa::db::on_tx!(&mut tx, c => sqlx::query_as(sql).fetch_all(c).await).unwrap()
}

const CLIPS: &str = "SELECT id, state FROM clips ORDER BY id";
const VERSIONS: &str = "SELECT id, sha256 || ' ' || original_key FROM clip_versions ORDER BY id";
const PUBLICATIONS: &str = "SELECT id, state FROM publications ORDER BY id";
const PROCESSING: &str = "SELECT id, status FROM clip_versions WHERE status = 'processing'";

/// One tus upload of `bytes` as a new clip of agency `agency`, in chunks,
/// with pauses between them (work going on while the backup runs).
async fn tus_upload(base: &str, token: &str, agency: i64, bytes: Vec<u8>, title: &str) {
    let c = reqwest::Client::new();
    let meta = format!(
        "filename {},title {},category {},agency_id {}",
        b64("clip.mp4"),
        b64(title),
        b64("current_affairs"),
        b64(&agency.to_string())
    );
    let r = c
        .post(format!("{base}/api/v1/uploads"))
        .bearer_auth(token)
        .header("tus-resumable", "1.0.0")
        .header("upload-length", bytes.len().to_string())
        .header("upload-metadata", meta)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    let half = bytes.len() / 2;
    for (at, part) in [(0, &bytes[..half]), (half, &bytes[half..])] {
        let r = c
            .patch(format!("{base}{loc}"))
            .bearer_auth(token)
            .header("tus-resumable", "1.0.0")
            .header("upload-offset", at.to_string())
            .header("content-type", "application/offset+octet-stream")
            .body(part.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
        tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    }
}

/// Small real videos, each different.
async fn videos(app: &TestApp, n: u32) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for i in 0..n {
        let p = app.data_dir.path().join(format!("gen/up{i}.mp4"));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        let video = format!("testsrc2=size=180x320:rate=25:duration=1,drawtext=text='u{i}'");
        lavfi(&p, &video, "sine=frequency=330:duration=1", &[]).await;
        out.push(std::fs::read(&p).unwrap());
    }
    out
}

async fn lantoa(args: &[&str], env: &BTreeMap<String, String>) -> std::process::Output {
    tokio::process::Command::new(BIN)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env)
        .output()
        .await
        .unwrap()
}

fn text(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Records each version's true size: the review helpers write 1000 bytes
/// for any file, which a backup to S3 (sizes checked, bytes not read) reports.
async fn true_sizes(app: &TestApp) {
    for (id, sha_key) in rows(&app.st, VERSIONS).await {
        let key = sha_key.split_once(' ').unwrap().1;
        let size = app.st.store.size(key).await.unwrap().unwrap() as i64;
        let mut tx = app.st.db.write().await.unwrap();
        lantoa::sql!(&mut tx, execute "UPDATE clip_versions SET size_bytes = $1 WHERE id = $2", size, id)
            .unwrap();
        tx.commit().await.unwrap();
    }
}

fn sha256_of(path: &Path) -> String {
    lantoa::crypto::sha256_hex(&std::fs::read(path).unwrap())
}

#[tokio::test]
async fn a_backup_taken_while_work_goes_on_restores_everything_confirmed_before_it() {
    if engine() != "sqlite" {
        return; // `lantoa backup` copies SQLite installs; PostgreSQL's is pg_dump.
    }
    // With S3 storage the media stay in the bucket: listed, not copied.
    let local = storage_mode() == "local";
    let e = env().await;
    let (a, app) = (e.n.a, &e.app);
    // Confirmed before the backup: a clip out on all four platforms, an
    // approved one, and clips uploaded through tus and checked.
    let (out, _) = approved_clip(&e, "Lễ ra quân", &ALL_FOUR, 1).await;
    publish_now(&e, out).await;
    settle(app, a, out, &["published"]).await;
    let (waiting, _) = approved_clip(&e, "Bản tin sáng", &["youtube", "facebook"], 2).await;
    true_sizes(app).await;
    let reporter = app.token_for("a.reporter").await;
    let editor = app.token_for("a.editor").await;
    let clips = videos(app, 5).await;
    for (i, v) in clips[..2].iter().enumerate() {
        tus_upload(&app.addr, &reporter, a.0, v.clone(), &format!("Trước {i}")).await;
    }
    // Their media checks done: posters, storyboard and proxy are stored too.
    for _ in 0..600 {
        if rows(&app.st, PROCESSING).await.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(rows(&app.st, PROCESSING).await.is_empty());
    let before = (
        rows(&app.st, CLIPS).await,
        rows(&app.st, VERSIONS).await,
        rows(&app.st, PUBLICATIONS).await,
    );
    let audit_before = app.audit_count().await;

    // Work that goes on while the backup is taken: three more uploads, and
    // the approved clip published.
    let busy = {
        let (base, token, more) = (app.addr.clone(), reporter.clone(), clips[2..].to_vec());
        tokio::spawn(async move {
            for (i, v) in more.into_iter().enumerate() {
                tus_upload(&base, &token, a.0, v, &format!("Trong lúc sao lưu {i}")).await;
            }
        })
    };
    publish_now(&e, waiting).await;
    let backups = tempfile::tempdir().unwrap();
    std::fs::write(backups.path().join("older"), "an older backup").unwrap();
    let o = lantoa(
        &["backup", "--to", backups.path().to_str().unwrap()],
        &app.env_vars(),
    )
    .await;
    assert!(o.status.success(), "{}", text(&o));
    busy.await.unwrap();
    settle(app, a, waiting, &["published"]).await;
    // Not empty: the backup went into a folder of its own inside it.
    let dir = std::fs::read_dir(backups.path())
        .unwrap()
        .map(|d| d.unwrap().path())
        .find(|p| p.is_dir())
        .expect("a lantoa-backup-… folder");
    assert!(
        text(&o).contains(&dir.display().to_string()),
        "{}",
        text(&o)
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["media_copied"], local);
    assert_eq!(
        manifest["missing"].as_array().unwrap().len(),
        0,
        "{manifest}"
    );
    let derived = manifest["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["source"] == "clip_versions.outputs")
        .count();
    assert!(
        derived >= 2,
        "the checked uploads' posters and storyboards: {manifest}"
    );
    eprintln!("{}", text(&o));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("secrets.toml"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let mut app = e.app;
    app.stop().await;
    // The restore is told nothing of the old install but, for S3, its bucket.
    let mut restore_env: BTreeMap<String, String> = app
        .env_vars()
        .into_iter()
        .filter(|(k, _)| k.starts_with("LANTOA_S3_") || k == "LANTOA_STORAGE_URL")
        .collect();
    restore_env.insert("LANTOA_LOG".into(), "warn".into());

    // Restored into a new folder.
    let restored_root = tempfile::tempdir().unwrap();
    let restored = restored_root.path().join("data");
    let o = lantoa(
        &[
            "restore",
            "--from",
            dir.to_str().unwrap(),
            "--data-dir",
            restored.to_str().unwrap(),
        ],
        &restore_env,
    )
    .await;
    let said = text(&o);
    assert!(o.status.success(), "{said}");
    eprintln!("{said}");
    assert!(said.contains("audit trail intact"), "{said}");
    let objects = manifest["objects"].as_array().unwrap().len();
    assert!(
        said.contains(&format!("media: {objects} objects")),
        "{said}"
    );

    // A server on the restored folder (web only: nothing is sent again).
    let url = lantoa::db::sqlite_url_for(&restored);
    let config = test_config_with(
        &restored,
        &url,
        app.s3.as_deref(),
        &[("LANTOA_SERVE_WORKERS", "false")],
    );
    let st = lantoa::server::prepare(config).await.unwrap();
    let server = lantoa::server::Application::bind(st.clone()).await.unwrap();
    let base = format!("http://{}", server.addr);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(server.run(async move {
        let _ = stopped.await;
    }));
    let c = reqwest::Client::new();
    assert_eq!(
        c.get(format!("{base}/readyz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    // Everything confirmed before the backup is there, as it was.
    let after = (
        rows(&st, CLIPS).await,
        rows(&st, VERSIONS).await,
        rows(&st, PUBLICATIONS).await,
    );
    // Versions never change; clips and publications may have moved on
    // between the snapshot above and the copy, except what was published.
    for v in &before.1 {
        assert!(after.1.contains(v), "version {v:?} lost: {:?}", after.1);
    }
    for (what, had, has) in [
        ("clip", &before.0, &after.0),
        ("publication", &before.2, &after.2),
    ] {
        for row in had {
            assert!(
                has.iter().any(|r| r.0 == row.0),
                "{what} {row:?} lost: {has:?}"
            );
            if row.1 == "published" {
                assert!(has.contains(row), "{what} {row:?} changed: {has:?}");
            }
        }
    }
    assert!(after.0.len() >= before.0.len() && after.1.len() > 2);
    // Every original in the restored storage hashes to its recorded SHA-256
    // (including those uploaded while the backup ran, if the copy has them).
    for (id, sha_key) in &after.1 {
        let (sha, key) = sha_key.split_once(' ').unwrap();
        let got = if local {
            sha256_of(&restored.join("media").join(key))
        } else {
            let to = restored_root.path().join(format!("v{id}"));
            st.store.download_hashed(key, &to).await.unwrap().1
        };
        assert_eq!(got, sha, "version {id}");
    }
    // The audit chain verifies and holds at least what was there before.
    match lantoa::db::audit::verify(&st.db).await.unwrap() {
        Verdict::Intact { entries } => assert!(entries as i64 >= audit_before),
        Verdict::Broken(e) => panic!("{e}"),
    }
    // The keys came back: a token made before the backup still works.
    let r = c
        .get(format!(
            "{base}/api/v1/agencies/{}/clips/{}/publications",
            a.0, out.0
        ))
        .bearer_auth(&editor)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let pubs: serde_json::Value = r.json().await.unwrap();
    assert!(pubs.to_string().contains("published"), "{pubs}");
    let _ = stop.send(());
    running.await.unwrap().unwrap();
}

#[tokio::test]
async fn restore_refuses_a_folder_that_is_not_empty_and_backup_refuses_postgres() {
    let from = tempfile::tempdir().unwrap();
    let target = tempfile::tempdir().unwrap();
    std::fs::write(target.path().join("lantoa.db"), "live data").unwrap();
    let o = Command::new(BIN)
        .args(["restore", "--from"])
        .arg(from.path())
        .arg("--data-dir")
        .arg(target.path())
        .env("LANTOA_DATA_DIR", from.path())
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(text(&o).contains("is not empty"), "{}", text(&o));
    assert_eq!(
        std::fs::read_to_string(target.path().join("lantoa.db")).unwrap(),
        "live data"
    );
    // An empty folder and no backup in `from`: told it is not a backup.
    let empty = target.path().join("new");
    let o = Command::new(BIN)
        .args(["restore", "--from"])
        .arg(from.path())
        .arg("--data-dir")
        .arg(&empty)
        .env("LANTOA_DATA_DIR", from.path())
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(text(&o).contains("is not a Lantoa backup"), "{}", text(&o));
    // PostgreSQL: pointed at the documented procedure, nothing connected to.
    let o = Command::new(BIN)
        .args(["backup", "--to"])
        .arg(target.path().join("b"))
        .env("LANTOA_DATA_DIR", from.path())
        .env("LANTOA_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .output()
        .unwrap();
    assert!(!o.status.success());
    let t = text(&o);
    assert!(t.contains("pg_dump -Fc") && t.contains("pg_restore"), "{t}");
    assert!(!target.path().join("b").exists());
}

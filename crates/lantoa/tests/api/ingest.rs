//! From upload to a checked clip: the media check runs as a job in the server's
//! worker; the clip page shows the report; media streams with Range support.

use std::time::Duration;

use crate::helpers::{
    H264, Network, TestApp, b64, send_expect, spawn_app_with, spawn_network, spawn_with_token,
};
use lantoa::clock::Clock;
use lantoa::db::clips;
use lantoa::domain::VersionId;

/// A short portrait clip with a black stretch, made by ffmpeg's lavfi sources.
async fn make_clip(dir: &std::path::Path) -> std::path::PathBuf {
    let out = dir.join("clip.mp4");
    let inputs = [
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=180x320:rate=25:duration=3",
        "-f",
        "lavfi",
        "-i",
        "color=c=black:size=180x320:rate=25:duration=1.5",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:sample_rate=48000:duration=4.5",
        "-filter_complex",
        "[0:v][1:v]concat=n=2:v=1:a=0[v]",
        "-map",
        "[v]",
        "-map",
        "2:a",
    ];
    let audio = ["-c:a", "aac", "-shortest", "-movflags", "+faststart"];
    crate::helpers::ffmpeg(&out, &[&inputs[..], &H264, &audio].concat()).await;
    out
}

/// Uploads a file in one tus request; returns (clip id, version id).
pub async fn upload(
    app: &TestApp,
    token: &str,
    agency: i64,
    bytes: Vec<u8>,
    name: &str,
) -> (i64, VersionId) {
    upload_with(app, token, agency, bytes, name, "").await
}

/// [`upload`] with more `Upload-Metadata` pairs (`,key base64`…).
async fn upload_with(
    app: &TestApp,
    token: &str,
    agency: i64,
    bytes: Vec<u8>,
    name: &str,
    more: &str,
) -> (i64, VersionId) {
    let meta = format!(
        "filename {},title {},category {},agency_id {}{more}",
        b64(name),
        b64("Phóng sự thử"),
        b64("good_deeds"),
        b64(&agency.to_string())
    );
    let r = send_expect(
        app.client()
            .post(app.url("/api/v1/uploads"))
            .bearer_auth(token)
            .header("tus-resumable", "1.0.0")
            .header("upload-length", bytes.len().to_string())
            .header("upload-metadata", meta)
            .header("content-type", "application/offset+octet-stream")
            .body(bytes),
        201,
    )
    .await;
    let clip = r.headers()["lantoa-clip-id"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let v = VersionId(
        r.headers()["lantoa-version-id"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap(),
    );
    (clip, v)
}

/// Uploads `file` as `a.reporter`; returns the clip id and the checked version.
pub async fn upload_checked(
    app: &TestApp,
    agency: i64,
    file: &std::path::Path,
) -> (i64, clips::Version) {
    let token = app.token_for("a.reporter").await;
    let name = file.file_name().and_then(|n| n.to_str()).expect("name");
    let (clip, v) = upload(app, &token, agency, std::fs::read(file).unwrap(), name).await;
    (clip, wait_checked(app, v).await)
}

/// Uploads a file as `a.reporter` and waits until its check passed.
pub(crate) async fn upload_ready(
    app: &TestApp,
    agency: i64,
    file: &std::path::Path,
) -> (i64, clips::Version) {
    let (clip, row) = upload_checked(app, agency, file).await;
    assert_eq!(row.status, "ready", "error: {:?}", row.error);
    (clip, row)
}

/// A network, and a clip `make` writes in a temporary folder, uploaded by
/// `a.reporter` and checked ready: (app, network, clip, its version).
pub(crate) async fn spawn_with_ready_clip(
    make: impl AsyncFnOnce(&std::path::Path) -> std::path::PathBuf,
) -> (TestApp, Network, i64, clips::Version) {
    let (app, n) = spawn_network().await;
    let dir = tempfile::tempdir().unwrap();
    let (clip, row) = upload_ready(&app, n.a.0, &make(dir.path()).await).await;
    (app, n, clip, row)
}

/// A stored JSON column, parsed.
pub(crate) fn json(s: &Option<String>) -> serde_json::Value {
    serde_json::from_str(s.as_deref().expect("stored")).expect("json")
}

/// A 3 s landscape (16:9) clip with stereo sound, `wide.mp4` in `dir`.
pub async fn wide_clip(dir: &std::path::Path) -> std::path::PathBuf {
    let out = dir.join("wide.mp4");
    crate::helpers::lavfi(
        &out,
        "testsrc2=size=320x180:rate=30:duration=3",
        "sine=frequency=440:sample_rate=48000:duration=3",
        &["-ac", "2", "-b:a", "160k", "-movflags", "+faststart"],
    )
    .await;
    out
}

pub async fn wait_checked(app: &TestApp, v: VersionId) -> clips::Version {
    for _ in 0..600 {
        let mut tx = app.st.db.read().await.unwrap();
        let row = clips::get_version(&mut tx, v).await.unwrap().unwrap();
        drop(tx);
        if row.status != "processing" {
            return row;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("version {v} still processing after 60 s");
}

#[tokio::test]
async fn an_uploaded_clip_is_checked_and_reported_on_its_page() {
    let (app, n, clip, row) = spawn_with_ready_clip(make_clip).await;
    let v = row.id;
    let qc = json(&row.qc);
    let black = qc["black"].as_array().unwrap();
    assert_eq!(black.len(), 1, "{qc}");
    let start = black[0]["start_s"].as_f64().unwrap();
    assert!(
        (start - 3.0).abs() < 0.3,
        "black stretch starts near 3 s: {start}"
    );
    assert!(qc["integrated_lufs"].as_f64().is_some());
    let outputs: serde_json::Value = serde_json::from_str(row.outputs.as_deref().unwrap()).unwrap();
    assert_eq!(outputs["posters"].as_array().unwrap().len(), 4);
    // The page shows the report in Vietnamese, with the platform table.
    let b = app.login("a.editor").await;
    let page = b.get_text(&format!("/a/{}/clips/{clip}", n.a)).await;
    assert!(
        page.contains("Kết quả kiểm tra") && page.contains("màn hình đen"),
        "{page}"
    );
    assert!(page.contains("YouTube") && page.contains("TikTok") && page.contains("Zalo"));
    assert!(page.contains("id=\"player\""));
    // The list shows it with the poster its check made, and its state.
    let list = b.get_text(&format!("/a/{}/clips", n.a)).await;
    assert!(list.contains("Phóng sự thử") && list.contains("class=\"tag state-draft\""));
    let poster = format!("/a/{}/clips/{clip}/versions/{}/media/poster-1", n.a, v.0);
    assert!(list.contains(&poster), "{list}");
    // Playback streams with Range support.
    let url = format!("/a/{}/clips/{clip}/versions/{}/media/playback", n.a, v.0);
    let r = send_expect(b.client.get(b.url(&url)).header("range", "bytes=0-99"), 206).await;
    assert_eq!(
        r.headers()["content-range"]
            .to_str()
            .unwrap()
            .split('/')
            .next()
            .unwrap(),
        "bytes 0-99"
    );
    assert_eq!(r.bytes().await.unwrap().len(), 100);
    send_expect(
        b.client
            .get(b.url(&url))
            .header("range", "bytes=999999999-"),
        416,
    )
    .await;
    let r = b
        .get(&format!(
            "/a/{}/clips/{clip}/versions/{}/media/poster-1",
            n.a, v.0
        ))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    // A usable version is not deleted this way.
    let r = b
        .post_form(
            &format!("/a/{}/clips/{clip}/versions/{}/delete", n.a, v.0),
            &[],
        )
        .await;
    let status = r.status();
    let body = r.text().await.unwrap();
    assert_eq!(status, 409, "{body}");
    // Another agency sees none of it.
    let other = app.login("b.reporter").await;
    other.expect_get(&url, 403).await;
    other
        .expect_get(&format!("/a/{}/clips/{clip}", n.b), 404)
        .await;
}

#[tokio::test]
async fn a_file_that_is_not_a_video_is_kept_and_marked_invalid_with_the_reason() {
    let (app, n, token) = spawn_with_token("a.reporter").await;
    let (clip, v) = upload(
        &app,
        &token,
        n.a.0,
        b"this is a text file, not a video\n".repeat(50),
        "notes.mp4",
    )
    .await;
    let row = wait_checked(&app, v).await;
    assert_eq!(row.status, "invalid");
    let b = app.login("a.reporter").await;
    let page = b.get_text(&format!("/a/{}/clips/{clip}", n.a)).await;
    assert!(page.contains("Tệp không dùng được"), "{page}");
    assert!(
        page.contains("không đọc được")
            || page.contains("không có hình")
            || page.contains("không phải"),
        "a reason in Vietnamese: {page}"
    );
    // The original is still there until the user deletes the version.
    assert!(
        app.st
            .store
            .size(&row.original_key)
            .await
            .unwrap()
            .is_some()
    );
    assert!(page.contains("id=\"delete-version\""));
    let r = b
        .post_form(
            &format!("/a/{}/clips/{clip}/versions/{}/delete", n.a, v.0),
            &[],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        format!("/a/{}/clips", n.a)
    );
    assert_eq!(
        app.st.store.size(&row.original_key).await.unwrap(),
        None,
        "the original went with it"
    );
    b.expect_get(&format!("/a/{}/clips/{clip}", n.a), 404).await;
    let audit = app
        .login("a.admin")
        .await
        .get_text(&format!("/a/{}/audit?object_type=clip_version", n.a))
        .await;
    // In words, the action's code beside them.
    assert!(audit.contains("Xóa phiên bản") && audit.contains("version.delete"));
}

#[tokio::test]
async fn a_landscape_clip_gets_a_vertical_rendition_and_nothing_else() {
    let (app, n, clip, row) = spawn_with_ready_clip(wide_clip).await;
    let outputs = json(&row.outputs);
    let labels: Vec<&str> = outputs["renditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["9x16"], "{outputs}");
    let b = app.login("a.editor").await;
    let page = b.get_text(&format!("/a/{}/clips/{clip}", n.a)).await;
    assert!(
        page.contains("id=\"renditions\"") && page.contains("360×640"),
        "{page}"
    );
    let r = b
        .get(&format!(
            "/a/{}/clips/{clip}/versions/{}/media/rendition-9x16",
            n.a, row.id.0
        ))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "video/mp4");
}

#[tokio::test]
async fn with_normalisation_on_a_loud_clip_gets_a_corrected_copy() {
    let app = spawn_app_with(&[("LANTOA_NORMALIZE_LOUDNESS", "true")]).await;
    let n = app.network().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("loud.mp4");
    crate::helpers::lavfi(
        &out,
        "testsrc2=size=180x320:rate=25:duration=3",
        "sine=frequency=1000:sample_rate=48000:duration=3,volume=0.9",
        &["-movflags", "+faststart"],
    )
    .await;
    let (clip, row) = upload_ready(&app, n.a.0, &out).await;
    let outputs: serde_json::Value = serde_json::from_str(row.outputs.as_deref().unwrap()).unwrap();
    assert!(
        outputs["renditions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["label"] == "loudness"),
        "{outputs}"
    );
    let b = app.login("a.editor").await;
    let page = b.get_text(&format!("/a/{}/clips/{clip}", n.a)).await;
    assert!(page.contains("Âm lượng đã chuẩn hóa"));
}

/// Uploads `file` as `a.reporter` asking for it to be submitted once stored.
async fn upload_and_submit(app: &TestApp, agency: i64, file: &std::path::Path) -> (i64, VersionId) {
    let token = app.token_for("a.reporter").await;
    let bytes = std::fs::read(file).unwrap();
    let submit = format!(",submit {}", b64("1"));
    upload_with(app, &token, agency, bytes, "gui-ngay.mp4", &submit).await
}

#[tokio::test]
async fn an_upload_asked_to_submit_goes_to_review_once_checked_or_else_stays_a_draft() {
    let (app, n) = spawn_network().await;
    let dir = tempfile::tempdir().unwrap();
    let file = make_clip(dir.path()).await;
    // No channel connected: the upload succeeds, the clip stays a draft.
    let (c, v) = upload_and_submit(&app, n.a.0, &file).await;
    wait_checked(&app, v).await;
    let state = crate::review::state(&app, n.a, lantoa::domain::ClipId(c)).await;
    assert_eq!(state, lantoa::domain::workflow::ClipState::Draft);
    // And the reporter is told why, in their inbox.
    let inbox = app.login("a.reporter").await.get_text("/inbox").await;
    assert!(
        inbox.contains("đã tải lên nhưng chưa gửi duyệt được"),
        "{inbox}"
    );
    let told = {
        let mut tx = app.st.db.read().await.unwrap();
        lantoa::db::review::inbox(&mut tx, n.a_reporter, 10)
            .await
            .unwrap()
    };
    assert_eq!(
        told.iter()
            .filter(|x| x.kind == "submit_refused" && x.clip_id == Some(lantoa::domain::ClipId(c)))
            .count(),
        1
    );
    // With one: submitted at once, in review once its check passes.
    crate::review::with_a_channel(&app, n.a, n.a_admin).await;
    let (c, v) = upload_and_submit(&app, n.a.0, &file).await;
    wait_checked(&app, v).await;
    let c = lantoa::domain::ClipId(c);
    for _ in 0..50 {
        if crate::review::state(&app, n.a, c).await == lantoa::domain::workflow::ClipState::InReview
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        crate::review::state(&app, n.a, c).await,
        lantoa::domain::workflow::ClipState::InReview
    );
    let submitted = app
        .audit_entries()
        .await
        .into_iter()
        .any(|e| e.action == "clip.submit" && e.object_id == c.0.to_string());
    assert!(submitted, "audited as the reporter's submission");
}

#[tokio::test]
async fn a_check_waiting_its_turn_says_its_place_in_the_line() {
    let (app, n) = spawn_network().await;
    let mut clips_waiting = Vec::new();
    for i in 0..2 {
        let c = app
            .insert_clip((n.a, n.a_reporter), &format!("Chờ {i}"), "", "other", false)
            .await;
        let mut tx = app.st.db.write().await.unwrap();
        let sha = format!("{i}").repeat(64);
        let (v, _) = clips::insert_version(
            &mut tx,
            clips::NewVersion {
                clip_id: c,
                sha256: &sha,
                size_bytes: 10,
                original_key: "originals/x",
                original_name: "x.mp4",
                uploaded_by: n.a_reporter,
                now: app.clock.now_ms(),
            },
        )
        .await
        .unwrap();
        clips::set_current_version(&mut tx, c, v, app.clock.now_ms())
            .await
            .unwrap();
        // Due in an hour: the worker leaves them queued.
        lantoa::ingest::queue(&mut tx, v, n.a, app.clock.now_ms() + 3_600_000)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        clips_waiting.push(c);
    }
    let b = app.login("a.reporter").await;
    let first = b
        .get_text(&format!("/a/{}/clips/{}", n.a.0, clips_waiting[0].0))
        .await;
    assert!(
        first.contains("this clip is next") || first.contains("clip này là clip kế tiếp"),
        "{first}"
    );
    let second = b
        .get_text(&format!("/a/{}/clips/{}/status", n.a.0, clips_waiting[1].0))
        .await;
    assert!(second.contains("còn 1 clip phía trước"), "{second}");
}

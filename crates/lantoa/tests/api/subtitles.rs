//! Subtitles: a track imported from SRT or WebVTT, checked like the caption
//! (its cue errors block the approval, its lint warnings come with fixes),
//! covered by the approval digest (one cue changed after approval voids
//! it), and delivered per channel: a caption track to YouTube, the picture
//! with the Vietnamese track burned in to TikTok. Malformed files are each
//! refused with their line and reason and the track is left as it was.

use crate::helpers::TestApp;
use crate::publish::{Env, approved_clip_with, env, publish_now, settle, stored_video};
use crate::review::{act_to, clip, tick_all};
use lantoa::domain::ClipId;
use lantoa::domain::workflow::{ClipAction, ClipState};

/// A cue overlapping the next, and a name written in lower case.
const FLAWED: &str = "1\n00:00:00,000 --> 00:00:00,600\nChào mừng đến thủ đô hà nội\n\n\
                      2\n00:00:00,500 --> 00:00:00,950\nBản tin sáng\n";
const MENDED: &str = "1\n00:00:00,000 --> 00:00:00,450\nChào mừng đến Thủ đô Hà Nội\n\n\
                      2\n00:00:00,500 --> 00:00:00,950\nBản tin sáng\n";

async fn editor_of(e: &Env) -> crate::helpers::Browser {
    let b = e.app.login("a.editor").await;
    b.refresh_csrf(&format!("/a/{}/clips", e.n.a.0)).await;
    b
}

fn path(e: &Env, c: ClipId, rest: &str) -> String {
    format!("/a/{}/clips/{}/subtitles{rest}", e.n.a.0, c.0)
}

async fn import(
    b: &crate::helpers::Browser,
    e: &Env,
    c: ClipId,
    srt: &str,
    rev: &str,
) -> reqwest::Response {
    b.post_multipart(
        &path(e, c, "/import"),
        &[("lang", "vi"), ("revision", rev)],
        Some(("ban-tin.srt", srt.as_bytes())),
        true,
    )
    .await
}

/// The editor ticks the checklist and approves.
async fn approve(e: &Env, c: ClipId) {
    tick_all(&e.app, e.n.a_editor, e.n.a, c).await;
    act_to(
        &e.app,
        e.n.a_editor,
        e.n.a,
        c,
        ClipAction::Approve,
        ClipState::Approved,
    )
    .await;
}

async fn revision(app: &TestApp, e: &Env, c: ClipId) -> String {
    let k = clip(app, e.n.a, c).await;
    let mut tx = app.st.db.read().await.unwrap();
    let v = k.current_version_id.unwrap();
    let t = lantoa::db::subtitles::tracks(&mut tx, v).await.unwrap();
    t.first()
        .map(|t| t.revision.to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_cue_changed_after_approval_voids_it_and_cue_errors_block_the_approval() {
    let e = env().await;
    let video = stored_video(&e.app, 31).await;
    let (c, _) = approved_clip_with(&e, "Bản tin sáng", "Chú thích.", &["youtube"], video).await;
    let b = editor_of(&e).await;
    // Importing subtitles into an approved clip voids its approval.
    let r = import(&b, &e, c, FLAWED, "").await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let k = clip(&e.app, e.n.a, c).await;
    assert_eq!(k.state, "in_review", "a new track voids the approval");
    // The editor shows the overlap as an error and the name with its fix.
    let page = b.get_text(&path(&e, c, "?lang=vi")).await;
    assert!(page.contains("chồng") || page.contains("overlap"), "{page}");
    assert!(
        page.contains("Thủ đô Hà Nội"),
        "the capitalisation fix is offered"
    );
    // The waveform strip of a clip with sound, drawn by the server from the
    // file's audio (this fixture's probe says nothing of its sound, so the
    // page shows no strip; the demo's clips show it).
    let v = clip(&e.app, e.n.a, c).await.current_version_id.unwrap();
    let wave = format!(
        "/a/{}/clips/{}/versions/{}/media/waveform",
        e.n.a.0, c.0, v.0
    );
    let r = b.get(&wave).await;
    assert_eq!(r.status(), 200, "{wave}");
    assert_eq!(r.headers()["content-type"], "image/png");
    assert!(r.bytes().await.unwrap().starts_with(b"\x89PNG"));
    // The overlap blocks the approval, naming the subtitles.
    tick_all(&e.app, e.n.a_editor, e.n.a, c).await;
    let refused = crate::review::act(&e.app, e.n.a_editor, e.n.a, c, ClipAction::Approve).await;
    let (code, msg) = crate::review::refusal(refused.unwrap_err());
    assert_eq!(code, "approval_refused");
    assert!(msg.contains("subtitles (vi)"), "{msg}");
    // Mended (the checks the page runs agree: no error left), it is approved.
    let rev = revision(&e.app, &e, c).await;
    let r = b
        .post_form(
            &path(&e, c, ""),
            &[("lang", "vi"), ("revision", &rev), ("srt", MENDED)],
        )
        .await;
    assert_eq!(r.status(), 303);
    let cues: serde_json::Value = serde_json::from_str(&format!(
        "{{\"cues\": {}}}",
        serde_json::to_string(&lantoa::media::subtitles::parse(MENDED.as_bytes()).unwrap())
            .unwrap()
    ))
    .unwrap();
    let checked: serde_json::Value = b
        .client
        .post(b.url(&path(&e, c, "/check")))
        .header("x-csrf-token", b.csrf())
        .json(&cues)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        checked
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["error"] == false),
        "{checked}"
    );
    approve(&e, c).await;
    // One cue's end moved by a tenth of a second voids it again.
    let rev = revision(&e.app, &e, c).await;
    let moved = MENDED.replace("00:00:00,450", "00:00:00,400");
    let r = b
        .post_form(
            &path(&e, c, ""),
            &[("lang", "vi"), ("revision", &rev), ("srt", &moved)],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(clip(&e.app, e.n.a, c).await.state, "in_review");
    let audit = e.app.audit_entries().await;
    assert!(
        audit
            .iter()
            .any(|a| a.action == "clip.approvals_void" && a.summary.contains("subtitles")),
        "the voiding names the subtitles"
    );
    // An old revision is refused, and what was typed is shown again.
    let r = b
        .post_form(
            &path(&e, c, ""),
            &[("lang", "vi"), ("revision", &rev), ("srt", MENDED)],
        )
        .await;
    assert_eq!(r.status(), 409);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Chào mừng đến Thủ đô Hà Nội")
    );
    // Exports give back what was saved.
    let srt = b.get_text(&path(&e, c, "/vi.srt")).await;
    assert!(
        srt.contains("00:00:00,400") && srt.contains("Hà Nội"),
        "{srt}"
    );
    let vtt = b.get_text(&path(&e, c, "/vi.vtt")).await;
    assert!(vtt.starts_with("WEBVTT"), "{vtt}");
}

/// Malformed files, each with the line and reason its refusal must give.
const MALFORMED: [(&str, &[u8], &str); 6] = [
    ("empty", b"", "Tệp phụ đề trống"),
    (
        "timing",
        b"1\n00:00:01,000 -> 00:00:02,000\nChao\n",
        "Dòng 2: mốc thời gian sai",
    ),
    (
        "backwards",
        b"1\n00:00:03,000 --> 00:00:02,000\nChao\n",
        "Dòng 2: thời điểm kết thúc đứng trước",
    ),
    // "Xin chào" in Windows-1258 bytes: not UTF-8.
    (
        "legacy",
        b"1\n00:00:01,000 --> 00:00:02,000\nXin ch\xe0o\n",
        "Dòng 3: tệp không ở bảng mã UTF-8",
    ),
    (
        "vtt",
        b"WEBVTT\n\n00:01.000 --> 00:xx.000\nChao\n",
        "Dòng 3: mốc thời gian sai",
    ),
    (
        "control",
        b"1\n00:00:01,000 --> 00:00:02,000\nCh\x00ao\n",
        "Dòng 3: có ký tự điều khiển",
    ),
];

#[tokio::test]
async fn malformed_files_get_their_line_and_reason_and_nothing_is_lost() {
    let e = env().await;
    let video = stored_video(&e.app, 32).await;
    let (c, _) = approved_clip_with(&e, "Bản tin trưa", "Chú thích.", &["youtube"], video).await;
    let b = editor_of(&e).await;
    assert_eq!(import(&b, &e, c, MENDED, "").await.status(), 303);
    let rev = revision(&e.app, &e, c).await;
    for (name, bytes, says) in MALFORMED {
        let r = b
            .post_multipart(
                &path(&e, c, "/import"),
                &[("lang", "vi"), ("revision", &rev)],
                Some((&format!("{name}.srt"), bytes)),
                true,
            )
            .await;
        assert!(
            matches!(r.status().as_u16(), 400 | 409),
            "{name}: {}",
            r.status()
        );
        let page = r.text().await.unwrap();
        assert!(
            page.contains(says),
            "{name}: the page does not say “{says}”"
        );
        // The track is what it was.
        assert_eq!(revision(&e.app, &e, c).await, rev, "{name}");
    }
}

#[tokio::test]
async fn youtube_gets_a_caption_track_and_tiktok_the_picture_with_the_text_burned_in() {
    let e = env().await;
    let video = stored_video(&e.app, 33).await;
    let original_sha = video.0.clone();
    let (c, _) = approved_clip_with(
        &e,
        "Bản tin tối",
        "Chú thích.",
        &["youtube", "tiktok"],
        video,
    )
    .await;
    let b = editor_of(&e).await;
    assert_eq!(import(&b, &e, c, MENDED, "").await.status(), 303);
    approve(&e, c).await;
    // The clip page shows what is signed and how each channel gets it.
    let page = b.get_text(&format!("/a/{}/clips/{}", e.n.a.0, c.0)).await;
    assert!(
        page.contains("Chào mừng đến Thủ đô Hà Nội") && page.contains("in vào hình"),
        "{page}"
    );
    publish_now(&e, c).await;
    settle(&e.app, e.n.a, c, &["published"]).await;
    let records = e.mock.records.lock().unwrap().clone();
    let is_caption =
        |r: &&lantoa_sandbox::Record| r.fields.get("kind").is_some_and(|k| k == "youtube#caption");
    let yt = records
        .iter()
        .find(|r| r.platform == "youtube" && !is_caption(r))
        .unwrap();
    let tt = records.iter().find(|r| r.platform == "tiktok").unwrap();
    assert_eq!(yt.sha256, original_sha, "YouTube gets the original");
    assert_ne!(tt.sha256, original_sha, "TikTok gets the burned rendition");
    let captions: Vec<_> = records.iter().filter(is_caption).collect();
    assert_eq!(captions.len(), 1, "one Vietnamese track: {captions:#?}");
    let track = captions[0];
    assert_eq!(track.fields["videoId"], yt.id.as_str(), "{track:#?}");
    assert_eq!(track.fields["language"], "vi", "{track:#?}");
    assert!(
        track.text.contains("Chào mừng đến Thủ đô Hà Nội"),
        "{track:#?}"
    );

    // The rendition TikTok received shows the text where a cue is on.
    let mut tx = e.app.st.db.read().await.unwrap();
    let key: String = sqlx_scalar(&mut tx, "SELECT object_key FROM subtitle_burns").await;
    drop(tx);
    let dir = e.app.data_dir.path().join("frames");
    std::fs::create_dir_all(&dir).unwrap();
    let burned = dir.join("burned.mp4");
    let (_, sha) = e.app.st.store.download_hashed(&key, &burned).await.unwrap();
    assert_eq!(sha, tt.sha256, "the stored rendition is what TikTok got");
    let original = dir.join("original.mp4");
    e.app
        .st
        .store
        .download(&lantoa::storage::original_key(&original_sha), &original)
        .await
        .unwrap();
    let diff = frame_difference(&original, &burned, "0.2", &dir).await;
    assert!(
        diff > 2.0,
        "text is drawn while the first cue is on: {diff}"
    );
}

async fn sqlx_scalar(tx: &mut lantoa::db::Tx, sql: &'static str) -> String {
    lantoa::db::sql!(tx, scalar fetch_one sql).unwrap()
}

/// The mean absolute difference of two files' frames at `at` seconds
/// (grey, 0–255), measured by ffmpeg.
async fn frame_difference(
    a: &std::path::Path,
    b: &std::path::Path,
    at: &str,
    dir: &std::path::Path,
) -> f64 {
    let grab = |src: &std::path::Path, out: &std::path::Path| {
        std::process::Command::new("ffmpeg")
            .args(["-loglevel", "error", "-y", "-ss", at, "-i"])
            .arg(src)
            .args(["-frames:v", "1", "-vf", "scale=180:320,format=gray"])
            .arg(out)
            .status()
            .unwrap()
    };
    let (fa, fb) = (dir.join("a.png"), dir.join("b.png"));
    assert!(grab(a, &fa).success() && grab(b, &fb).success());
    let out = std::process::Command::new("ffmpeg")
        .args(["-loglevel", "info", "-i"])
        .arg(&fa)
        .arg("-i")
        .arg(&fb)
        .args([
            "-lavfi",
            "blend=all_mode=difference,signalstats,metadata=print:key=lavfi.signalstats.YAVG",
            "-f",
            "null",
            "-",
        ])
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    log.lines()
        .filter_map(|l| l.split("lavfi.signalstats.YAVG=").nth(1))
        .filter_map(|v| v.trim().parse::<f64>().ok())
        .next()
        .unwrap_or_else(|| panic!("no difference measured: {log}"))
}

/// A machine draft from the operator's speech-to-text server: its cues are
/// marked as drafts with their confidence, a stock phrase the model invented
/// is dropped, the approval is refused until a person has reviewed every
/// cue, and a draft never overwrites a track a person wrote.
#[tokio::test]
async fn a_speech_to_text_draft_is_guarded_and_must_be_reviewed() {
    let (url, mock) = crate::publish::mock().await;
    let mut extra = crate::publish::sandbox(&url);
    extra.push(("LANTOA_STT_URL", url.clone()));
    let extra: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = crate::helpers::spawn_app_with(&extra).await;
    let e = crate::publish::env_on(app, mock).await;
    let script = serde_json::json!({"segments": [
        {"id": 0, "start": 0.0, "end": 0.45, "text": " Chào mừng bà con",
         "avg_logprob": -0.2, "no_speech_prob": 0.01, "compression_ratio": 1.1},
        {"id": 1, "start": 0.5, "end": 0.95, "text": " Hãy subscribe cho kênh để ủng hộ nhé",
         "avg_logprob": -0.3, "no_speech_prob": 0.02, "compression_ratio": 1.2}
    ]});
    let r = reqwest::Client::new()
        .post(format!("{url}/__admin/stt"))
        .json(&script)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    let video = stored_video(&e.app, 34).await;
    let (c, _) = approved_clip_with(&e, "Bản tin chiều", "Chú thích.", &["youtube"], video).await;
    let b = editor_of(&e).await;
    let page = b.get_text(&path(&e, c, "?lang=vi")).await;
    assert!(
        page.contains("id=\"draft-form\""),
        "the draft is offered when a server is set"
    );
    let r = b.post_form(&path(&e, c, "/draft"), &[("lang", "vi")]).await;
    assert_eq!(r.status(), 303);
    // The job runs in the app's worker.
    let mut cues = Vec::new();
    for _ in 0..200 {
        let k = clip(&e.app, e.n.a, c).await;
        let mut tx = e.app.st.db.read().await.unwrap();
        let t = lantoa::db::subtitles::tracks(&mut tx, k.current_version_id.unwrap())
            .await
            .unwrap();
        if let Some(t) = t.first() {
            cues = serde_json::from_str::<Vec<lantoa::media::subtitles::Cue>>(&t.cues).unwrap();
            assert_eq!(t.origin, "machine");
            break;
        }
        drop(tx);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(cues.len(), 1, "the invented phrase is dropped: {cues:?}");
    assert!(
        cues[0].draft && cues[0].text.contains("Chào mừng bà con"),
        "{cues:?}"
    );
    let conf = cues[0].confidence.unwrap();
    assert!(
        (0.7..0.9).contains(&conf),
        "confidence from the model: {conf}"
    );
    // The draft voided the approval; an unreviewed draft blocks the next one.
    assert_eq!(clip(&e.app, e.n.a, c).await.state, "in_review");
    tick_all(&e.app, e.n.a_editor, e.n.a, c).await;
    let refused = crate::review::act(&e.app, e.n.a_editor, e.n.a, c, ClipAction::Approve).await;
    assert!(
        refused.is_err(),
        "an unreviewed machine draft blocks the approval"
    );
    // Drafting again is refused: a track with cues is a person's to change.
    let r = b.post_form(&path(&e, c, "/draft"), &[("lang", "vi")]).await;
    assert_eq!(r.status(), 409);
    // Reviewed (the editor clears the mark), it can be approved.
    let rev = revision(&e.app, &e, c).await;
    let mut reviewed = cues.clone();
    reviewed[0].draft = false;
    let json = serde_json::to_string(&reviewed).unwrap();
    let r = b
        .post_form(
            &path(&e, c, ""),
            &[("lang", "vi"), ("revision", &rev), ("cues", &json)],
        )
        .await;
    assert_eq!(r.status(), 303);
    approve(&e, c).await;
}

/// The agency's admin sets the burn-in style and reading limits (a value out
/// of range is refused, naming it); everyone else sees them. A channel told
/// to burn gets the burned picture even where the platform takes tracks.
#[tokio::test]
async fn the_settings_and_each_channels_delivery_are_the_agencys_choice() {
    let e = env().await;
    let aid = e.n.a.0;
    let admin = e.app.login("a.admin").await;
    admin
        .refresh_csrf(&format!("/a/{aid}/subtitle-settings"))
        .await;
    let form = |size: &'static str| {
        vec![
            ("font", "Noto Serif"),
            ("size_pct", size),
            ("boxed", "1"),
            ("position", "top"),
            ("max_cps", "15"),
            ("max_line_chars", "30"),
            ("max_lines", "2"),
        ]
    };
    let r = admin
        .post_form(&format!("/a/{aid}/subtitle-settings"), &form("40"))
        .await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("Cỡ chữ phải từ 2 đến 10"));
    let r = admin
        .post_form(&format!("/a/{aid}/subtitle-settings"), &form("5"))
        .await;
    assert_eq!(r.status(), 303);
    let reporter = e.app.login("a.reporter").await;
    let page = reporter
        .get_text(&format!("/a/{aid}/subtitle-settings"))
        .await;
    assert!(
        page.contains("value=\"5\"") && page.contains("disabled"),
        "read-only for a reporter"
    );
    let r = reporter
        .post_form(&format!("/a/{aid}/subtitle-settings"), &form("4"))
        .await;
    assert_eq!(r.status(), 403);
    // YouTube told to burn: no caption track, the burned bytes.
    let yt = e.channels.iter().find(|(p, _)| p == "youtube").unwrap().1;
    admin.refresh_csrf(&format!("/a/{aid}/channels")).await;
    let r = admin
        .post_form(
            &format!("/a/{aid}/channels/{}/subtitles", yt.0),
            &[("subtitles", "burn")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let video = stored_video(&e.app, 35).await;
    let original = video.0.clone();
    let (c, _) = approved_clip_with(&e, "Bản tin khuya", "Chú thích.", &["youtube"], video).await;
    let b = editor_of(&e).await;
    assert_eq!(import(&b, &e, c, MENDED, "").await.status(), 303);
    approve(&e, c).await;
    publish_now(&e, c).await;
    settle(&e.app, e.n.a, c, &["published"]).await;
    let records = e.mock.records.lock().unwrap().clone();
    let sent: Vec<_> = records.iter().filter(|r| r.platform == "youtube").collect();
    assert_eq!(sent.len(), 1, "no caption track: {sent:#?}");
    assert_ne!(sent[0].sha256, original, "the burned picture");
    let audit = e.app.audit_entries().await;
    for action in ["subtitles.settings", "channel.subtitles"] {
        assert!(audit.iter().any(|a| a.action == action), "{action} audited");
    }
}

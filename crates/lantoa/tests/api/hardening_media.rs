//! Issue 11, point 16, media parts: the compliance report keeps what a platform
//! accepts apart from what it recommends (only a refusal makes a rendition),
//! renditions say what they were made for, and originals are served with the
//! media type of their real container.

use std::path::{Path, PathBuf};

use crate::helpers::{H264, extract, ffmpeg, spawn_network};
use crate::ingest::{json, spawn_with_ready_clip, upload_checked, upload_ready, wide_clip};

/// What an iPhone records: HEVC (libx265, tagged hvc1 as Apple does) in a
/// QuickTime file, 1080×1920 at 30 fps, AAC at 44.1 kHz, the index at the end.
async fn iphone_mov(dir: &Path) -> PathBuf {
    let out = dir.join("IMG_0001.MOV");
    test_clip(
        &out,
        "1080x1920:r=30",
        44100,
        &[
            "-c:v",
            "libx265",
            "-preset",
            "ultrafast",
            "-x265-params",
            "log-level=error",
            "-pix_fmt",
            "yuv420p",
            "-tag:v",
            "hvc1",
            "-c:a",
            "aac",
            "-ac",
            "2",
            "-f",
            "mov",
        ],
    )
    .await;
    out
}

/// Makes `out` from two seconds of ffmpeg's test picture (`picture`: size and
/// rate) and a 440 Hz tone at `sample_rate`, encoded with `codecs`.
async fn test_clip(out: &Path, picture: &str, sample_rate: u32, codecs: &[&str]) {
    let video = format!("testsrc2=s={picture}:d=2");
    let audio = format!("sine=frequency=440:sample_rate={sample_rate}:duration=2");
    let inputs = ["-f", "lavfi", "-i", &video, "-f", "lavfi", "-i", &audio];
    ffmpeg(out, &[&inputs[..], &["-shortest"], codecs].concat()).await;
}

/// Checks that `text` says each of `needles`.
fn says_all(text: &str, needles: &[&str]) {
    for needle in needles {
        assert!(text.contains(needle), "{needle:?} not in {text}");
    }
}

/// The `<tr>` of one platform in the compliance table.
fn platform_row(page: &str, id: &str) -> String {
    extract(page, &format!("<tr data-platform=\"{id}\">"), "</tr>")
        .unwrap_or_else(|| panic!("no compliance row for {id}"))
}

#[tokio::test]
async fn p16_an_iphone_hevc_mov_is_accepted_by_youtube_with_advice_and_gets_no_youtube_rendition() {
    let (app, n, clip, row) = spawn_with_ready_clip(iphone_mov).await;

    // No rendition for YouTube (nor for anyone who takes a MOV): the only copy
    // is a repackaged MP4 for Zalo OA, which takes MP4 and AVI only.
    let outputs = json(&row.outputs);
    let renditions = outputs["renditions"].as_array().expect("renditions");
    let labels: Vec<&str> = renditions
        .iter()
        .map(|r| r["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["remux"], "{outputs}");
    assert_eq!(renditions[0]["made_for"], serde_json::json!(["zalo_oa"]));
    assert_eq!(renditions[0]["fixes"], serde_json::json!(["container"]));
    // The verdict stored with the version: YouTube accepts, with advice.
    let compliance = json(&row.compliance);
    let yt = &compliance[0];
    assert_eq!(yt["platform"], "youtube_shorts");
    assert_eq!(yt["ok"], true, "{yt}");
    let advice: Vec<&str> = yt["advice"]
        .as_array()
        .expect("advice")
        .iter()
        .map(|a| a["code"].as_str().unwrap())
        .collect();
    assert!(
        advice.contains(&"advice-container") && advice.contains(&"advice-video-codec"),
        "{yt}"
    );

    // The page shows YouTube as accepting the file, with the recommendation as
    // advice; never that YouTube only takes MP4/H.264.
    let b = app.login("a.editor").await;
    let page = b.get_text(&format!("/a/{}/clips/{clip}", n.a)).await;
    let yt_row = platform_row(&page, "youtube_shorts");
    says_all(
        &yt_row,
        &[
            "Nền tảng nhận",
            "Khuyến nghị của nền tảng",
            "Nền tảng khuyên dùng chuẩn nén hình h264; video này dùng hevc.",
        ],
    );
    assert!(
        !yt_row.contains("chỉ nhận") && !yt_row.contains("không nhận"),
        "{yt_row}"
    );
    // Zalo refuses it, and the page says a copy it takes was made.
    let zalo_row = platform_row(&page, "zalo_oa");
    assert!(
        zalo_row.contains("Nền tảng không nhận")
            && zalo_row.contains("Nền tảng chỉ nhận định dạng mp4, avi; tệp này là mov.")
            && zalo_row.contains("Đã tạo bản dựng mà nền tảng này nhận"),
        "{zalo_row}"
    );
    // Reels refuses a 2 s clip whatever is done to it: said as such.
    let reels_row = platform_row(&page, "facebook_reels");
    assert!(
        reels_row.contains("Không bản dựng nào khắc phục được"),
        "{reels_row}"
    );
}

#[tokio::test]
async fn p16_a_rendition_says_what_it_was_made_for() {
    let (app, n) = spawn_network().await;
    let dir = tempfile::tempdir().unwrap();
    let (clip, _) = upload_ready(&app, n.a.0, &wide_clip(dir.path()).await).await;
    let b = app.login("a.editor").await;
    let page = b.get_text(&format!("/a/{}/clips/{clip}", n.a)).await;
    let item = extract(&page, "<ul id=\"renditions\">", "</ul>").expect("renditions");
    assert!(
        item.contains(
            "Bản dọc 9:16 nén H.264/AAC, nền mờ lấp phần trống — để YouTube Shorts nhận: sửa hướng và tỉ lệ khung hình"
        ) && item.contains("360×640"),
        "{item}"
    );

    // A VP8 WebM: Zalo OA takes MP4 only, and VP8 cannot be copied into one, so
    // Zalo's copy is a new encode in the original's own shape, and says so.
    let webm = dir.path().join("vp8.webm");
    test_clip(
        &webm,
        "180x320:r=25",
        48000,
        &["-c:v", "libvpx", "-deadline", "realtime", "-c:a", "libopus"],
    )
    .await;
    let (clip, _) = upload_ready(&app, n.a.0, &webm).await;
    let page = b.get_text(&format!("/a/{}/clips/{clip}", n.a)).await;
    let item = extract(&page, "<ul id=\"renditions\">", "</ul>").expect("renditions");
    assert!(
        item.contains(
            "Bản nén lại H.264/AAC, giữ khung dọc 9:16 — để Zalo OA nhận: sửa định dạng tệp"
        ),
        "{item}"
    );
}

#[tokio::test]
async fn p16_originals_are_served_with_the_media_type_of_their_container() {
    let (app, n) = spawn_network().await;
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<(PathBuf, &str)> = Vec::new();
    for (name, codecs, want) in [
        ("clip.mov", &H264[..], "video/quicktime"),
        ("clip.mkv", &H264[..], "video/x-matroska"),
        ("clip.mp4", &H264[..], "video/mp4"),
        (
            "clip.webm",
            &["-c:v", "libvpx", "-deadline", "realtime", "-c:a", "libopus"][..],
            "video/webm",
        ),
        // Refused by the desk, but still kept and served as what it is.
        (
            "clip.avi",
            &["-c:v", "mpeg4", "-c:a", "libmp3lame"][..],
            "video/x-msvideo",
        ),
    ] {
        let out = dir.path().join(name);
        test_clip(&out, "180x320:r=25", 48000, codecs).await;
        files.push((out, want));
    }
    // Named like a video, it is not one: served as plain bytes, never as video.
    let text = dir.path().join("notes.mp4");
    std::fs::write(&text, "not a video at all\n".repeat(100)).unwrap();
    files.push((text, "application/octet-stream"));

    let b = app.login("a.editor").await;
    for (file, want) in &files {
        let (clip, row) = upload_checked(&app, n.a.0, file).await;
        let base = format!("/a/{}/clips/{clip}/versions/{}/media", n.a, row.id.0);
        let r = b.get(&format!("{base}/original")).await;
        assert_eq!(r.status(), 200, "{}", file.display());
        assert_eq!(r.headers()["content-type"], *want, "{}", file.display());
        if row.status == "ready" {
            // The player gets the proxy (always MP4) or, for a light MP4, the
            // original: a playable type either way.
            let r = b.get(&format!("{base}/playback")).await;
            assert_eq!(
                r.headers()["content-type"],
                "video/mp4",
                "{}",
                file.display()
            );
        }
    }
}

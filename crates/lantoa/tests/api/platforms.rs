//! The YouTube connector against the YouTube mock over real HTTP: success,
//! every injected fault, and resuming after a connection dropped at 50 %.

use std::sync::Arc;

use crate::helpers::{header, send_expect, send_json};
use crate::publish::mock;
use crate::rng::Rng;
use lantoa::platforms::ErrorClass;
use lantoa::platforms::youtube::{Media, Session, VideoMeta, YouTube};
use lantoa_sandbox::{Fault, Mocks, Record};
use sha2::{Digest, Sha256};

/// The mock platforms, a client `new` makes for them, and their address.
async fn mock_with<C>(new: impl FnOnce(&str) -> C) -> (C, Arc<Mocks>, String) {
    let (base, m) = mock().await;
    (new(&base), m, base)
}

/// Uploads `file` (`size` bytes) to a YouTube session in `chunk`-byte pieces,
/// not watching the progress.
async fn upload(
    yt: &YouTube,
    token: &str,
    session: &str,
    file: &std::path::Path,
    size: u64,
    chunk: u64,
) -> Result<String, lantoa::platforms::PlatformError> {
    yt.upload(token, session, &mp4(file, size), chunk, |_| {})
        .await
        .map(|u| u.id)
}

/// An MP4 file of `size` bytes to upload.
fn mp4(file: &std::path::Path, size: u64) -> Media<'_> {
    Media {
        file,
        size,
        content_type: "video/mp4",
    }
}

fn arm(m: &Mocks, f: Fault) {
    m.faults.lock().unwrap().push_back(f);
}

fn meta() -> VideoMeta {
    VideoMeta {
        title: "Lễ ra quân".into(),
        description: "Sáng nay… #tinhnha".into(),
        tags: vec!["tinhnha".into()],
        privacy: "public".into(),
        category: None,
        content_type: "video/mp4".into(),
    }
}

/// A file of `n` pseudo-random bytes and its SHA-256.
fn file(n: usize) -> (tempfile::NamedTempFile, String) {
    let bytes = Rng::new(0x2545_f491_4f6c_dd1d).bytes(n);
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), &bytes).unwrap();
    (f, hex::encode(Sha256::digest(&bytes)))
}

fn records(m: &Mocks) -> Vec<Record> {
    m.records.lock().unwrap().clone()
}

const TOKEN: &str = "ya29.test-token";

#[tokio::test]
async fn a_chunked_upload_creates_one_video_with_the_exact_bytes() {
    let (yt, m, _) = mock_with(YouTube::new).await;
    let (f, sha) = file(1_000_000);
    let session = yt.start(TOKEN, &meta(), 1_000_000).await.unwrap();
    assert_eq!(
        yt.probe(TOKEN, &session, 1_000_000).await.unwrap(),
        Session::Incomplete { next: 0 }
    );
    let mut seen = Vec::new();
    let id = yt
        .upload(
            TOKEN,
            &session,
            &mp4(f.path(), 1_000_000),
            256 * 1024,
            |o| seen.push(o),
        )
        .await
        .unwrap()
        .id;
    assert_eq!(seen, vec![0, 262_144, 524_288, 786_432, 1_000_000]);
    let r = records(&m);
    assert_eq!(r.len(), 1);
    assert_eq!(
        (r[0].id.as_str(), r[0].sha256.as_str(), r[0].bytes),
        (id.as_str(), sha.as_str(), 1_000_000)
    );
    // A later probe or upload on the same session answers the same video, never a second one.
    assert_eq!(
        yt.probe(TOKEN, &session, 1_000_000).await.unwrap(),
        Session::Done {
            video_id: id.clone()
        }
    );
    assert_eq!(
        upload(&yt, TOKEN, &session, f.path(), 1_000_000, 256 * 1024)
            .await
            .unwrap(),
        id
    );
    assert_eq!(records(&m).len(), 1);
    assert_eq!(
        yt.status(TOKEN, &id).await.unwrap().upload_status,
        "processed"
    );
    yt.delete(TOKEN, &id).await.unwrap();
    assert!(records(&m)[0].deleted);
    assert_eq!(
        yt.status(TOKEN, &id).await.unwrap().upload_status,
        "deleted"
    );
}

#[tokio::test]
async fn a_connection_dropped_at_half_way_resumes_from_the_servers_offset() {
    let (yt, m, _) = mock_with(YouTube::new).await;
    let (f, sha) = file(2 * 262_144);
    let session = yt.start(TOKEN, &meta(), 524_288).await.unwrap();
    arm(&m, Fault::DropMidUpload);
    let e = upload(&yt, TOKEN, &session, f.path(), 524_288, 524_288)
        .await
        .unwrap_err();
    assert!(matches!(e.class, ErrorClass::Retry { .. }), "{e}");
    assert_eq!(
        yt.probe(TOKEN, &session, 524_288).await.unwrap(),
        Session::Incomplete { next: 262_144 }
    );
    let mut from = Vec::new();
    yt.upload(TOKEN, &session, &mp4(f.path(), 524_288), 524_288, |o| {
        from.push(o)
    })
    .await
    .unwrap();
    assert_eq!(from[0], 262_144, "resumed at 50 %, not from the start");
    let r = records(&m);
    assert_eq!((r.len(), r[0].sha256.as_str()), (1, sha.as_str()));
}

#[tokio::test]
async fn faults_are_classified_and_the_platforms_message_is_kept() {
    let (yt, m, _) = mock_with(YouTube::new).await;
    let (f, _) = file(300_000);
    for (fault, class, code) in [
        (Fault::Quota, ErrorClass::Permanent, "quotaExceeded"),
        (Fault::TokenExpired, ErrorClass::Reconnect, "authError"),
        (
            Fault::ServerError,
            ErrorClass::Retry { after: None },
            "backendError",
        ),
        (
            Fault::RateLimited,
            ErrorClass::Retry {
                after: Some(std::time::Duration::from_secs(1)),
            },
            "rateLimitExceeded",
        ),
    ] {
        arm(&m, fault);
        // An expired token stays expired: that case spends a token of its own.
        let token = match fault {
            Fault::TokenExpired => "ya29.expires-now",
            _ => TOKEN,
        };
        let e = yt.start(token, &meta(), 300_000).await.unwrap_err();
        assert_eq!((e.class, e.code.as_str()), (class, code), "{fault:?}");
        assert!(!e.message.is_empty());
    }
    // A bad token and bad metadata.
    let e = yt.start("not-a-token", &meta(), 1).await.unwrap_err();
    assert_eq!(e.class, ErrorClass::Reconnect);
    let mut bad = meta();
    bad.title = "x".repeat(101);
    let e = yt.start(TOKEN, &bad, 1).await.unwrap_err();
    assert_eq!(
        (e.class, e.code.as_str()),
        (ErrorClass::FixContent, "invalidTitle")
    );
    // The token expires during the upload: reconnect, then the same session resumes.
    let session = yt.start(TOKEN, &meta(), 300_000).await.unwrap();
    m.faults.lock().unwrap().clear();
    let first = yt.probe(TOKEN, &session, 300_000).await.unwrap();
    assert_eq!(first, Session::Incomplete { next: 0 });
    arm(&m, Fault::TokenExpired);
    let e = upload(
        &yt,
        "ya29.expires-mid-upload",
        &session,
        f.path(),
        300_000,
        262_144,
    )
    .await
    .unwrap_err();
    assert_eq!(e.class, ErrorClass::Reconnect);
    let id = upload(&yt, "ya29.refreshed", &session, f.path(), 300_000, 262_144)
        .await
        .unwrap();
    // A duplicate is created but rejected by the platform.
    let s2 = yt.start(TOKEN, &meta(), 300_000).await.unwrap();
    arm(&m, Fault::Duplicate);
    let dup = upload(&yt, TOKEN, &s2, f.path(), 300_000, 524_288)
        .await
        .unwrap();
    let st = yt.status(TOKEN, &dup).await.unwrap();
    assert_eq!(
        (st.upload_status.as_str(), st.reason.as_deref()),
        ("rejected", Some("duplicate"))
    );
    assert_ne!(id, dup);
}

mod facebook {
    use super::*;
    use lantoa::platforms::facebook::Facebook;

    const PAGE: &str = "104857600";
    const PAGE_TOKEN: &str = "EAAGtest";

    fn fb(base: &str) -> Facebook {
        Facebook::new(base, base, "v25.0")
    }

    /// Checks a reel's upload status and bytes transferred.
    async fn assert_transfer(fb: &Facebook, video: &str, want: (&str, u64)) {
        let st = fb.status(video, PAGE_TOKEN).await.unwrap();
        assert_eq!((st.video_status.as_str(), st.bytes_transferred), want);
    }

    #[tokio::test]
    async fn a_reel_is_started_uploaded_finished_and_deleted() {
        let (fb, m, _) = mock_with(fb).await;
        let (f, sha) = file(700_000);
        let (video, url) = fb.start(PAGE, PAGE_TOKEN).await.unwrap();
        // Bytes go where the start phase says, not to an address built from the id.
        assert!(url.contains("/video-upload/v25.0/") && !url.ends_with(&format!("/{video}")));
        assert_transfer(&fb, &video, ("uploading", 0)).await;
        // The second upload sends nothing: the status says everything arrived.
        for _ in 0..2 {
            let sent = fb.upload(&url, &video, PAGE_TOKEN, f.path(), 700_000).await;
            sent.unwrap();
            assert_transfer(&fb, &video, ("upload_complete", 700_000)).await;
        }
        // Finish repeated after a timeout publishes nothing twice.
        for _ in 0..2 {
            let title = "Lễ ra quân";
            let done = fb.finish(PAGE, PAGE_TOKEN, &video, "Lễ ra quân #tinhnha", title);
            done.await.unwrap();
        }
        let r = records(&m);
        assert_eq!(r.len(), 1);
        assert_eq!(
            (r[0].platform.as_str(), r[0].sha256.as_str()),
            ("facebook", sha.as_str())
        );
        let st = fb.status(&video, PAGE_TOKEN).await.unwrap();
        assert_eq!(
            (st.video_status.as_str(), st.publishing.as_str()),
            ("ready", "complete")
        );
        fb.delete(&video, PAGE_TOKEN).await.unwrap();
        assert!(records(&m)[0].deleted);
    }

    #[tokio::test]
    async fn a_dropped_upload_resumes_from_the_reported_offset() {
        let (fb, m, _) = mock_with(fb).await;
        let (f, sha) = file(600_000);
        let (video, url) = fb.start(PAGE, PAGE_TOKEN).await.unwrap();
        arm(&m, Fault::DropMidUpload);
        let e = fb
            .upload(&url, &video, PAGE_TOKEN, f.path(), 600_000)
            .await
            .unwrap_err();
        assert!(matches!(e.class, ErrorClass::Retry { .. }), "{e}");
        assert_eq!(
            fb.status(&video, PAGE_TOKEN)
                .await
                .unwrap()
                .bytes_transferred,
            300_000
        );
        fb.upload(&url, &video, PAGE_TOKEN, f.path(), 600_000)
            .await
            .unwrap();
        fb.finish(PAGE, PAGE_TOKEN, &video, "x", "x").await.unwrap();
        assert_eq!(records(&m)[0].sha256, sha);
    }

    #[tokio::test]
    async fn graph_errors_are_classified_and_the_daily_reel_limit_holds() {
        let (fb, m, _) = mock_with(fb).await;
        arm(&m, Fault::TokenExpired);
        let e = fb.start(PAGE, "EAAexpires-now").await.unwrap_err();
        assert_eq!((e.class, e.code.as_str()), (ErrorClass::Reconnect, "190"));
        assert!(e.message.contains("Session has expired"));
        arm(&m, Fault::RateLimited);
        let e = fb.start(PAGE, PAGE_TOKEN).await.unwrap_err();
        assert_eq!(
            e.class,
            ErrorClass::Retry {
                after: Some(std::time::Duration::from_secs(60))
            },
            "waits as long as the usage header says"
        );
        arm(&m, Fault::ServerError);
        assert!(matches!(
            fb.start(PAGE, PAGE_TOKEN).await.unwrap_err().class,
            ErrorClass::Retry { .. }
        ));
        assert_eq!(
            fb.start(PAGE, "not-a-token").await.unwrap_err().class,
            ErrorClass::Reconnect
        );
        // Finishing without bytes, and a duplicate.
        let (video, url) = fb.start(PAGE, PAGE_TOKEN).await.unwrap();
        let e = fb
            .finish(PAGE, PAGE_TOKEN, &video, "x", "x")
            .await
            .unwrap_err();
        assert_eq!((e.class, e.code.as_str()), (ErrorClass::FixContent, "6000"));
        let (f, _) = file(1000);
        fb.upload(&url, &video, PAGE_TOKEN, f.path(), 1000)
            .await
            .unwrap();
        arm(&m, Fault::Duplicate);
        let e = fb
            .finish(PAGE, PAGE_TOKEN, &video, "x", "x")
            .await
            .unwrap_err();
        assert_eq!((e.class, e.code.as_str()), (ErrorClass::FixContent, "506"));
        // 30 reels per Page in 24 hours (one was started above).
        for _ in 1..30 {
            fb.start(PAGE, PAGE_TOKEN).await.unwrap();
        }
        let e = fb.start(PAGE, PAGE_TOKEN).await.unwrap_err();
        assert_eq!(e.code, "4");
        assert!(e.message.contains("30"));
        // Another Page is not affected.
        fb.start("999", PAGE_TOKEN).await.unwrap();
    }
}

mod tiktok {
    use super::*;
    use lantoa::platforms::tiktok::TikTok;

    const ACT: &str = "act.test-token";

    #[tokio::test]
    async fn a_post_goes_creator_info_init_chunks_status() {
        let (tt, m, _) = mock_with(TikTok::new).await;
        let info = tt.creator_info(ACT).await.unwrap();
        assert!(
            info.privacy_level_options
                .contains(&"PUBLIC_TO_EVERYONE".to_string())
        );
        let (f, sha) = file(20_000_123);
        let (publish, url) = tt
            .init(ACT, "Lễ ra quân #tinhnha", "PUBLIC_TO_EVERYONE", 20_000_123)
            .await
            .unwrap();
        assert_eq!(
            tt.status(ACT, &publish).await.unwrap().status,
            "PROCESSING_UPLOAD"
        );
        tt.upload(&url, f.path(), 20_000_123, 0).await.unwrap();
        let st = tt.status(ACT, &publish).await.unwrap();
        assert_eq!(st.status, "PUBLISH_COMPLETE");
        assert_eq!(st.post_ids.len(), 1);
        let r = records(&m);
        assert_eq!((r.len(), r[0].sha256.as_str()), (1, sha.as_str()));
        assert_eq!(r[0].id, st.post_ids[0].to_string());
    }

    #[tokio::test]
    async fn a_chunk_dropped_half_way_is_sent_again_from_the_reported_progress() {
        let (tt, m, _) = mock_with(TikTok::new).await;
        let (f, sha) = file(20_000_000);
        let (publish, url) = tt.init(ACT, "x", "SELF_ONLY", 20_000_000).await.unwrap();
        // The first of two chunks goes through by hand; the second breaks half-way.
        let first = std::fs::read(f.path()).unwrap()[..10_000_000].to_vec();
        let r = send_expect(
            reqwest::Client::new()
                .put(&url)
                .header("Content-Range", "bytes 0-9999999/20000000")
                .body(first),
            206,
        )
        .await;
        assert_eq!(r.headers()["content-range"], "bytes 0-9999999/20000000");
        arm(&m, Fault::DropMidUpload);
        let e = tt
            .upload(&url, f.path(), 20_000_000, 10_000_000)
            .await
            .unwrap_err();
        assert!(matches!(e.class, ErrorClass::Retry { .. }), "{e}");
        let st = tt.status(ACT, &publish).await.unwrap();
        assert_eq!(st.uploaded_bytes, 10_000_000, "resume point: 50 %");
        // Sending from the wrong place is refused with the progress.
        send_expect(
            reqwest::Client::new()
                .put(&url)
                .header("Content-Range", "bytes 0-9999999/20000000")
                .body(vec![0u8; 10_000_000]),
            416,
        )
        .await;
        tt.upload(&url, f.path(), 20_000_000, st.uploaded_bytes)
            .await
            .unwrap();
        assert_eq!(
            tt.status(ACT, &publish).await.unwrap().status,
            "PUBLISH_COMPLETE"
        );
        let r = records(&m);
        assert_eq!((r.len(), r[0].sha256.as_str()), (1, sha.as_str()));
    }

    #[tokio::test]
    async fn errors_come_in_the_envelope_even_with_http_200_and_inits_are_limited() {
        let (tt, m, _) = mock_with(TikTok::new).await;
        arm(&m, Fault::Quota);
        let e = tt.creator_info(ACT).await.unwrap_err();
        assert_eq!(
            (e.class, e.status, e.code.as_str()),
            (ErrorClass::Permanent, Some(200), "spam_risk_too_many_posts")
        );
        arm(&m, Fault::TokenExpired);
        assert_eq!(
            tt.init("act.expires-now", "x", "SELF_ONLY", 1000)
                .await
                .unwrap_err()
                .class,
            ErrorClass::Reconnect
        );
        assert_eq!(
            tt.init(ACT, "x", "FRIENDS", 1000).await.unwrap_err().code,
            "privacy_level_option_mismatch"
        );
        // Six inits a minute per token. The mock counts every authenticated init
        // that got past fault injection, the bad-privacy one included.
        let mut ok = 0;
        let mut limited = None;
        for _ in 0..7 {
            match tt.init(ACT, "x", "SELF_ONLY", 1000).await {
                Ok(_) => ok += 1,
                Err(e) => {
                    limited = Some(e);
                    break;
                }
            }
        }
        let e = limited.expect("the seventh init in a minute is refused");
        assert_eq!(e.code, "rate_limit_exceeded");
        assert!(matches!(e.class, ErrorClass::Retry { after: Some(_) }));
        assert!(ok <= 6);
        // Another token is not limited.
        tt.init("act.other", "x", "SELF_ONLY", 1000).await.unwrap();
    }
}

mod zalo {
    use super::*;
    use lantoa::platforms::zalo::Zalo;

    const OA: &str = "zalo-oa-token";

    #[tokio::test]
    async fn a_video_article_goes_through_both_verifications_and_is_removed() {
        let (z, m, _) = mock_with(Zalo::new).await;
        let (f, sha) = file(400_000);
        let up = z.upload_video(OA, f.path(), "clip.mp4").await.unwrap();
        // Conversion is asynchronous: processing first, then the video id.
        let s = z.verify_video(OA, &up).await.unwrap();
        assert_eq!((s.status, s.video_id.as_deref()), (3, None));
        // Creating with an unconverted or unknown video is refused.
        let e = z
            .create_article(OA, "Lễ ra quân", "Sáng nay…", "nope", "https://x/a.jpg")
            .await
            .unwrap_err();
        assert_eq!((e.class, e.status), (ErrorClass::FixContent, Some(200)));
        let s = z.verify_video(OA, &up).await.unwrap();
        let video = s.video_id.expect("ready");
        assert_eq!(s.status, 1);
        let t = z
            .create_article(OA, "Lễ ra quân", "Sáng nay…", &video, "https://x/a.jpg")
            .await
            .unwrap();
        let id = z.verify_article(OA, &t).await.unwrap().expect("id");
        // Verifying again gives the same article, recorded once.
        assert_eq!(
            z.verify_article(OA, &t).await.unwrap().as_deref(),
            Some(id.as_str())
        );
        let r = records(&m);
        assert_eq!(
            (r.len(), r[0].sha256.as_str(), r[0].id.as_str()),
            (1, sha.as_str(), id.as_str())
        );
        z.remove(OA, &id).await.unwrap();
        assert!(records(&m)[0].deleted);
    }

    /// A create whose answer was lost: the connector finds the article it made
    /// instead of creating a second; with none made, it looks a few times and
    /// then creates one.
    #[tokio::test]
    async fn a_lost_create_answer_never_makes_a_second_article() {
        use lantoa::platforms::connector::{Connector, Handle, Next, Post};
        let (z, m, base) = mock_with(Zalo::new).await;
        let mut cfg = lantoa::config::Platforms::default();
        cfg.point_at_sandbox(&base).unwrap();
        cfg.publish_poll_ms = 5;
        let cs = cfg.connectors();
        let (f, _) = file(200_000);
        let ready = |title: &'static str| {
            let z = &z;
            let f = &f;
            async move {
                let up = z.upload_video(OA, f.path(), "clip.mp4").await.unwrap();
                let mut video = None;
                while video.is_none() {
                    video = z.verify_video(OA, &up).await.unwrap().video_id;
                }
                (up, video.unwrap(), title)
            }
        };
        let quiet = |_: f64| {};
        for create_first in [true, false] {
            let (up, video, title) = ready(if create_first {
                "Đã tạo"
            } else {
                "Chưa tạo"
            })
            .await;
            if create_first {
                // The create reached Zalo; its answer (the token) was lost.
                z.create_article(OA, title, "", &video, "").await.unwrap();
            }
            let before = records(&m).len();
            let mut h = Handle {
                upload_token: Some(up),
                video_id: Some(video),
                uploaded: true,
                finishing: true,
                ..Handle::default()
            };
            let post = Post {
                account: "oa",
                account_name: "oa",
                token: OA,
                file: f.path(),
                size: 200_000,
                title,
                description: "",
                tags: &[],
                privacy: "public",
                category: None,
                content_type: "video/mp4",
                poster_url: None,
                cover_ms: None,
                duration_ms: None,
                progress: &quiet,
                // A later run: the earlier one sent the create.
                resumed: true,
                captions: &[],
            };
            let done = loop {
                match cs.zalo.step(&post, &h).await.unwrap() {
                    Next::Save { handle, .. } => h = handle,
                    Next::Wait(d) => tokio::time::sleep(d).await,
                    Next::Done { id, .. } => break id,
                }
            };
            let after = records(&m);
            let made: Vec<_> = after.iter().filter(|r| r.title == title).collect();
            assert_eq!(made.len(), 1, "{title}: {after:#?}");
            assert_eq!(made[0].id, done);
            assert_eq!(after.len(), before + usize::from(!create_first));
        }
    }

    #[tokio::test]
    async fn errors_arrive_with_http_200_and_are_classified() {
        let (z, m, _) = mock_with(Zalo::new).await;
        let (f, _) = file(1000);
        arm(&m, Fault::TokenExpired);
        let e = z
            .upload_video("zalo-expires-now", f.path(), "a.mp4")
            .await
            .unwrap_err();
        assert_eq!(
            (e.class, e.status, e.code.as_str()),
            (ErrorClass::Reconnect, Some(200), "-216")
        );
        // Retried: after the delay Zalo asks for when rate-limited, at once otherwise.
        for (fault, delay_given) in [(Fault::RateLimited, true), (Fault::ServerError, false)] {
            arm(&m, fault);
            let e = z.upload_video(OA, f.path(), "a.mp4").await.unwrap_err();
            assert!(
                matches!(e.class, ErrorClass::Retry { after } if after.is_some() == delay_given),
                "{fault:?}: {e}"
            );
        }
        // Over 50 MB is refused before sending.
        let (big, _) = file(50 * 1024 * 1024 + 1);
        assert_eq!(
            z.upload_video(OA, big.path(), "b.mp4")
                .await
                .unwrap_err()
                .class,
            ErrorClass::FixContent
        );
    }
}

mod zalo_listing {
    use super::*;
    use lantoa::platforms::zalo::Zalo;

    const OA: &str = "zalo-oa-token";

    /// Uploads a video and makes an article of it; returns (video id, article id).
    async fn article(z: &Zalo, title: &str) -> (String, String) {
        let (f, _) = file(1000);
        let up = z.upload_video(OA, f.path(), "clip.mp4").await.unwrap();
        let video = loop {
            if let Some(v) = z.verify_video(OA, &up).await.unwrap().video_id {
                break v;
            }
        };
        let t = z
            .create_article(OA, title, "x", &video, "https://x/a.jpg")
            .await
            .unwrap();
        let id = z.verify_article(OA, &t).await.unwrap().expect("id");
        (video, id)
    }

    #[tokio::test]
    async fn find_article_pages_through_getslice_to_the_video() {
        let (z, m, base) = mock_with(Zalo::new).await;
        let mut made = Vec::new();
        for i in 0..12 {
            made.push(article(&z, &format!("Bài {i}")).await);
        }
        // At most ten a call, as on Zalo.
        let r = send_json(
            reqwest::Client::new()
                .get(format!(
                    "{base}/v2.0/article/getslice?offset=0&limit=11&type=video"
                ))
                .header("access_token", OA),
        )
        .await;
        assert_eq!(r["error"], -201);
        let first = z.list_articles(OA, 0, 10).await.unwrap();
        assert_eq!(first.len(), 10);
        assert_eq!(first[0].id, made[11].1, "newest first");
        assert!(first[0].total_view.is_some() && first[0].total_share.is_some());
        assert!(first[0].create_date.is_some());
        assert_eq!(z.list_articles(OA, 10, 10).await.unwrap().len(), 2);
        // The oldest article is on the second page.
        assert_eq!(
            z.find_article(OA, &made[0].0, "").await.unwrap().as_deref(),
            Some(made[0].1.as_str())
        );
        assert_eq!(z.find_article(OA, "unknown", "").await.unwrap(), None);
        // Removed articles are no longer listed.
        z.remove(OA, &made[0].1).await.unwrap();
        assert_eq!(z.find_article(OA, &made[0].0, "").await.unwrap(), None);
        // Every article was recorded once, when it was created.
        assert_eq!(records(&m).len(), 12);
    }
}

mod processing {
    use super::*;
    use lantoa::platforms::facebook::Facebook;
    use lantoa::platforms::tiktok::TikTok;
    use lantoa::platforms::zalo::Zalo;
    use std::time::{Duration, Instant};

    const DELAY: Duration = Duration::from_millis(600);

    /// Polls `ready` until it holds (5 s at most); returns when it did.
    async fn until<F, Fut>(mut ready: F) -> Instant
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let deadline = Instant::now() + Duration::from_secs(5);
        while !ready().await {
            assert!(Instant::now() < deadline, "never became ready");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Instant::now()
    }

    #[tokio::test]
    async fn every_platform_processes_for_the_configured_delay() {
        let (base, _m) = mock().await;
        send_expect(
            reqwest::Client::new()
                .post(format!("{base}/__admin/config"))
                .json(&serde_json::json!({"processing_ms": DELAY.as_millis() as u64})),
            204,
        )
        .await;
        let cfg: serde_json::Value = reqwest::get(format!("{base}/__admin/config"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(cfg["processing_ms"], DELAY.as_millis() as u64);
        let (f, _) = file(1000);

        // YouTube: uploaded, then processed.
        let yt = YouTube::new(&base);
        let s = yt.start(TOKEN, &meta(), 1000).await.unwrap();
        let id = upload(&yt, TOKEN, &s, f.path(), 1000, 262_144)
            .await
            .unwrap();
        let t0 = Instant::now();
        assert_eq!(
            yt.status(TOKEN, &id).await.unwrap().upload_status,
            "uploaded"
        );
        let t =
            until(|| async { yt.status(TOKEN, &id).await.unwrap().upload_status == "processed" })
                .await;
        assert!(t - t0 >= DELAY - Duration::from_millis(100));

        // Facebook: processing from the last byte (before finish), then ready and published.
        let fb = Facebook::new(&base, &base, "v25.0");
        let (video, url) = fb.start("104857600", "EAAGtest").await.unwrap();
        fb.upload(&url, &video, "EAAGtest", f.path(), 1000)
            .await
            .unwrap();
        fb.finish("104857600", "EAAGtest", &video, "x", "x")
            .await
            .unwrap();
        let t0 = Instant::now();
        let st = fb.status(&video, "EAAGtest").await.unwrap();
        assert_eq!(
            (st.video_status.as_str(), st.processing.as_str()),
            ("processing", "in_progress")
        );
        let t = until(|| async {
            fb.status(&video, "EAAGtest").await.unwrap().video_status == "ready"
        })
        .await;
        assert!(t - t0 >= DELAY - Duration::from_millis(100));

        // TikTok: PROCESSING_UPLOAD, then PUBLISH_COMPLETE with the post id.
        let tt = TikTok::new(&base);
        let (publish, url) = tt
            .init("act.test-token", "x", "SELF_ONLY", 1000)
            .await
            .unwrap();
        tt.upload(&url, f.path(), 1000, 0).await.unwrap();
        let t0 = Instant::now();
        let st = tt.status("act.test-token", &publish).await.unwrap();
        assert_eq!(
            (st.status.as_str(), st.post_ids.len()),
            ("PROCESSING_UPLOAD", 0)
        );
        let t = until(|| async {
            tt.status("act.test-token", &publish).await.unwrap().status == "PUBLISH_COMPLETE"
        })
        .await;
        assert!(t - t0 >= DELAY - Duration::from_millis(100));
        assert_eq!(
            tt.status("act.test-token", &publish)
                .await
                .unwrap()
                .post_ids
                .len(),
            1
        );

        // Zalo: the video converts, then the article is made, each taking the delay.
        let z = Zalo::new(&base);
        let up = z
            .upload_video("zalo-oa-token", f.path(), "a.mp4")
            .await
            .unwrap();
        let t0 = Instant::now();
        for _ in 0..2 {
            assert_eq!(
                z.verify_video("zalo-oa-token", &up).await.unwrap().status,
                3
            );
        }
        let t = until(|| async { z.verify_video("zalo-oa-token", &up).await.unwrap().status == 1 })
            .await;
        assert!(t - t0 >= DELAY - Duration::from_millis(100));
        let video = z
            .verify_video("zalo-oa-token", &up)
            .await
            .unwrap()
            .video_id
            .unwrap();
        let tok = z
            .create_article("zalo-oa-token", "x", "x", &video, "https://x/a.jpg")
            .await
            .unwrap();
        assert_eq!(z.verify_article("zalo-oa-token", &tok).await.unwrap(), None);
        until(|| async {
            z.verify_article("zalo-oa-token", &tok)
                .await
                .unwrap()
                .is_some()
        })
        .await;
    }
}

mod sandbox {
    use super::*;

    #[tokio::test]
    async fn the_sandbox_page_lists_an_uploaded_video() {
        let (base, m) = mock().await;
        let html = reqwest::get(format!("{base}/"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("Sandbox — nền tảng giả lập"));
        assert!(html.contains("không có gì ở đây là nền tảng thật"));
        let yt = YouTube::new(&base);
        let (f, sha) = file(5000);
        let s = yt.start(TOKEN, &meta(), 5000).await.unwrap();
        let id = upload(&yt, TOKEN, &s, f.path(), 5000, 262_144)
            .await
            .unwrap();
        let r = reqwest::get(format!("{base}/")).await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(header(&r, "content-type").starts_with("text/html"));
        let html = r.text().await.unwrap();
        for needle in [
            id.as_str(),
            sha.as_str(),
            "Lễ ra quân",
            "5000",
            "YouTube</b>: 1",
        ] {
            assert!(html.contains(needle), "{needle} missing");
        }
        // The JSON listing still works, with the time received.
        let json: Vec<Record> = reqwest::get(format!("{base}/__admin/records"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(json, records(&m));
        assert!(json[0].received_at_ms > 1_600_000_000_000);
    }
}

mod oauth {
    use super::*;
    use lantoa::platforms::Platform;
    use lantoa::platforms::oauth::{self, OAuthApp, Tokens};

    const REDIRECT: &str = "http://127.0.0.1:9/connect/callback";

    fn app(base: &str) -> OAuthApp {
        OAuthApp {
            client_id: "1234567890".into(),
            client_secret: "app-secret".into(),
            authorize_base: base.into(),
            token_base: base.into(),
            api_base: base.into(),
            graph_version: "v25.0".into(),
        }
    }

    fn now() -> i64 {
        jiff::Timestamp::now().as_millisecond()
    }

    fn no_redirects() -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// Follows the consent page with `auto=…`: the query of the redirect.
    async fn consent(url: &str, auto: &str) -> std::collections::HashMap<String, String> {
        let r = no_redirects()
            .get(format!("{url}&auto={auto}"))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_redirection(), "{}", r.status());
        let to = r.headers()["location"].to_str().unwrap().to_string();
        assert!(to.starts_with(REDIRECT), "{to}");
        let q = to.split_once('?').unwrap().1;
        form_urlencoded::parse(q.as_bytes()).into_owned().collect()
    }

    /// The whole flow up to the user's tokens, PKCE included.
    async fn connect(p: Platform, a: &OAuthApp) -> Tokens {
        let (verifier, challenge) = oauth::pkce();
        let url = oauth::authorize_url(p, a, REDIRECT, "st-42", Some(&challenge));
        let q = consent(&url, "1").await;
        assert_eq!(q["state"], "st-42");
        oauth::exchange_code(p, a, &q["code"], REDIRECT, Some(&verifier), now())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn each_platforms_code_flow_gives_tokens_and_accounts_that_can_post() {
        let (a, _m, base) = mock_with(app).await;
        for p in Platform::ALL {
            // The consent page is labelled as a sandbox and offers both answers.
            let (verifier, challenge) = oauth::pkce();
            let url = oauth::authorize_url(p, &a, REDIRECT, "st-42", Some(&challenge));
            let html = reqwest::get(&url).await.unwrap().text().await.unwrap();
            assert!(
                html.contains("Sandbox — nền tảng giả lập / sandbox platform"),
                "{p:?}"
            );
            assert!(
                html.contains("Cho phép / Allow") && html.contains("Deny"),
                "{p:?}"
            );
            let denied = consent(&url, "deny").await;
            assert_eq!(denied["error"], "access_denied", "{p:?}");

            let q = consent(&url, "1").await;
            assert_eq!(q["state"], "st-42");
            let t0 = now();
            let user = oauth::exchange_code(p, &a, &q["code"], REDIRECT, Some(&verifier), t0)
                .await
                .unwrap_or_else(|e| panic!("{p:?}: {e}"));
            assert!(user.expires_at_ms.unwrap() > t0, "{p:?}");
            // A code is good once.
            let e = oauth::exchange_code(p, &a, &q["code"], REDIRECT, Some(&verifier), t0)
                .await
                .unwrap_err();
            assert_eq!(e.class, ErrorClass::Reconnect, "{p:?}: {e}");
            assert!(!e.message.is_empty(), "{p:?}");

            let accounts = oauth::accounts(p, &a, &user, now())
                .await
                .unwrap_or_else(|e| panic!("{p:?}: {e}"));
            assert!(!accounts.is_empty(), "{p:?}");
            for acc in &accounts {
                assert!(!acc.external_id.is_empty() && !acc.name.is_empty(), "{p:?}");
            }
            let token = accounts[0].tokens.access_token.clone();
            match p {
                Platform::YouTube => {
                    assert!(user.access_token.starts_with("ya29."));
                    assert!(user.refresh_token.is_some());
                    assert!(
                        user.scope
                            .as_deref()
                            .unwrap()
                            .split(' ')
                            .any(|s| s == "https://www.googleapis.com/auth/youtube"),
                        "the scope videos.delete needs"
                    );
                    assert!(accounts[0].external_id.starts_with("UC"));
                    YouTube::new(&base)
                        .start(&token, &meta(), 10)
                        .await
                        .unwrap();
                }
                Platform::Facebook => {
                    // The long-lived user token; Page tokens do not expire.
                    assert!(user.access_token.starts_with("EAA"));
                    assert_eq!(user.refresh_token, None);
                    assert!(user.expires_at_ms.unwrap() > t0 + 50 * 86_400_000);
                    assert_eq!(accounts.len(), 2);
                    assert_eq!(accounts[0].tokens.expires_at_ms, None);
                    assert_ne!(token, user.access_token);
                    lantoa::platforms::facebook::Facebook::new(&base, &base, "v25.0")
                        .start(&accounts[0].external_id, &token)
                        .await
                        .unwrap();
                }
                Platform::TikTok => {
                    assert!(user.access_token.starts_with("act."));
                    assert!(user.refresh_expires_at_ms.is_some());
                    lantoa::platforms::tiktok::TikTok::new(&base)
                        .creator_info(&token)
                        .await
                        .unwrap();
                }
                Platform::Zalo => {
                    // `expires_in` came as a string.
                    let left = user.expires_at_ms.unwrap() - t0;
                    assert_eq!(left, 90_000_000);
                    assert!(accounts[0].external_id.chars().all(|c| c.is_ascii_digit()));
                    let (f, _) = file(100);
                    lantoa::platforms::zalo::Zalo::new(&base)
                        .upload_video(&token, f.path(), "a.mp4")
                        .await
                        .unwrap();
                }
            }
        }
        // The Graph routes still answer next to the OAuth ones.
        let fb = lantoa::platforms::facebook::Facebook::new(&base, &base, "v25.0");
        let (video, _) = fb.start("104857600", "EAAGtest").await.unwrap();
        assert_eq!(
            fb.status(&video, "EAAGtest").await.unwrap().video_status,
            "uploading"
        );
        let e = oauth::accounts(
            Platform::Facebook,
            &a,
            &Tokens {
                access_token: "bad".into(),
                refresh_token: None,
                expires_at_ms: None,
                refresh_expires_at_ms: None,
                scope: None,
            },
            now(),
        )
        .await
        .unwrap_err();
        assert_eq!((e.class, e.code.as_str()), (ErrorClass::Reconnect, "190"));
    }

    #[tokio::test]
    async fn refresh_tokens_rotate_and_the_old_one_is_refused() {
        let (a, _m, _) = mock_with(app).await;
        for p in [Platform::TikTok, Platform::Zalo] {
            let user = connect(p, &a).await;
            let old = user.refresh_token.clone().unwrap();
            let new = oauth::refresh(p, &a, &old, now()).await.unwrap();
            let rotated = new.refresh_token.clone().unwrap();
            assert_ne!(rotated, old, "{p:?}");
            assert_ne!(new.access_token, user.access_token, "{p:?}");
            let e = oauth::refresh(p, &a, &old, now()).await.unwrap_err();
            assert_eq!(e.class, ErrorClass::Reconnect, "{p:?}: {e}");
            assert!(!e.message.is_empty());
            // The new one works, once.
            oauth::refresh(p, &a, &rotated, now()).await.unwrap();
            assert_eq!(
                oauth::refresh(p, &a, &rotated, now())
                    .await
                    .unwrap_err()
                    .class,
                ErrorClass::Reconnect
            );
        }
        // Google keeps its refresh token (not sent again, kept by the connector).
        let g = connect(Platform::YouTube, &a).await;
        let r = g.refresh_token.clone().unwrap();
        let n = oauth::refresh(Platform::YouTube, &a, &r, now())
            .await
            .unwrap();
        assert_eq!(n.refresh_token.as_deref(), Some(r.as_str()));
        assert!(n.access_token.starts_with("ya29.") && n.access_token != g.access_token);
        oauth::refresh(Platform::YouTube, &a, &r, now())
            .await
            .unwrap();
        let e = oauth::refresh(Platform::YouTube, &a, "1//0nope", now())
            .await
            .unwrap_err();
        assert_eq!(
            (e.class, e.code.as_str(), e.message.as_str()),
            (
                ErrorClass::Reconnect,
                "invalid_grant",
                "Token has been expired or revoked."
            )
        );
        // Facebook has no refresh grant.
        assert_eq!(
            oauth::refresh(Platform::Facebook, &a, "x", now())
                .await
                .unwrap_err()
                .class,
            ErrorClass::Reconnect
        );
    }

    #[tokio::test]
    async fn revoke_all_means_reconnect_and_server_errors_mean_retry() {
        let (a, m, base) = mock_with(app).await;
        let mut granted = Vec::new();
        for p in [Platform::YouTube, Platform::TikTok, Platform::Zalo] {
            granted.push((p, connect(p, &a).await));
        }
        let fb = connect(Platform::Facebook, &a).await;
        // A 5xx at the token endpoint is worth a retry, and kills nothing.
        for (p, t) in &granted {
            arm(&m, Fault::ServerError);
            let e = oauth::refresh(*p, &a, t.refresh_token.as_deref().unwrap(), now())
                .await
                .unwrap_err();
            assert!(matches!(e.class, ErrorClass::Retry { .. }), "{p:?}: {e}");
        }
        send_expect(
            reqwest::Client::new()
                .post(format!("{base}/__admin/oauth"))
                .json(&serde_json::json!({"revoke_all": true})),
            204,
        )
        .await;
        for (p, t) in &granted {
            let e = oauth::refresh(*p, &a, t.refresh_token.as_deref().unwrap(), now())
                .await
                .unwrap_err();
            assert_eq!(e.class, ErrorClass::Reconnect, "{p:?}: {e}");
            let e = oauth::accounts(*p, &a, t, now()).await.unwrap_err();
            assert_eq!(e.class, ErrorClass::Reconnect, "{p:?}: {e}");
        }
        let e = oauth::accounts(Platform::Facebook, &a, &fb, now())
            .await
            .unwrap_err();
        assert_eq!((e.class, e.code.as_str()), (ErrorClass::Reconnect, "190"));
        // Connecting again works.
        connect(Platform::Zalo, &a).await;
    }

    #[tokio::test]
    async fn access_tokens_live_as_long_as_configured() {
        let (a, _m, base) = mock_with(app).await;
        reqwest::Client::new()
            .post(format!("{base}/__admin/oauth"))
            .json(&serde_json::json!({"access_ttl_s": 1}))
            .send()
            .await
            .unwrap();
        let t0 = now();
        let user = connect(Platform::TikTok, &a).await;
        let left = user.expires_at_ms.unwrap() - t0;
        assert!((1_000..3_000).contains(&left), "{left}");
        oauth::accounts(Platform::TikTok, &a, &user, now())
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
        let e = oauth::accounts(Platform::TikTok, &a, &user, now())
            .await
            .unwrap_err();
        assert_eq!(
            (e.class, e.code.as_str()),
            (ErrorClass::Reconnect, "access_token_invalid")
        );
        let fresh = oauth::refresh(
            Platform::TikTok,
            &a,
            user.refresh_token.as_deref().unwrap(),
            now(),
        )
        .await
        .unwrap();
        oauth::accounts(Platform::TikTok, &a, &fresh, now())
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn zalo_refuses_a_code_verifier_that_does_not_match() {
        let (a, _m, _) = mock_with(app).await;
        let (_, challenge) = oauth::pkce();
        let url = oauth::authorize_url(Platform::Zalo, &a, REDIRECT, "s", Some(&challenge));
        let q = consent(&url, "1").await;
        let (other, _) = oauth::pkce();
        let e = oauth::exchange_code(
            Platform::Zalo,
            &a,
            &q["code"],
            REDIRECT,
            Some(&other),
            now(),
        )
        .await
        .unwrap_err();
        assert_eq!(
            (e.class, e.code.as_str()),
            (ErrorClass::Reconnect, "-14019")
        );
        assert!(e.message.contains("code_verifier"), "{e}");
        // Without a challenge there is no consent at all.
        let url = oauth::authorize_url(Platform::Zalo, &a, REDIRECT, "s", None);
        assert_eq!(reqwest::get(&url).await.unwrap().status(), 400);
        // The secret travels in the `secret_key` header: without it, refused.
        let (verifier, challenge) = oauth::pkce();
        let url = oauth::authorize_url(Platform::Zalo, &a, REDIRECT, "s", Some(&challenge));
        let q = consent(&url, "1").await;
        let mut no_secret = a.clone();
        no_secret.client_secret.clear();
        let e = oauth::exchange_code(
            Platform::Zalo,
            &no_secret,
            &q["code"],
            REDIRECT,
            Some(&verifier),
            now(),
        )
        .await
        .unwrap_err();
        assert_eq!(e.code, "-14004");
    }
}

/// Each connector's `metrics` against the mocks: every normalised figure is
/// the mock's synthetic counter for the post's age, and a figure the
/// platform does not give stays absent.
mod metrics {
    use super::*;
    use lantoa::platforms::Platform;
    use lantoa::platforms::connector::{Connector, Connectors, PostMetrics};
    use lantoa::platforms::facebook::Facebook;
    use lantoa::platforms::tiktok::TikTok;
    use lantoa::platforms::zalo::Zalo;
    use lantoa_sandbox::{Synthetic, synthetic};

    /// The age the mocks report counters for: a day and a half.
    const AGE: u64 = 36 * 3_600;
    const PAGE: &str = "104857600";
    const PAGE_TOKEN: &str = "EAAGtest";

    /// Connectors configured as an install pointed at the mock, with these
    /// extra `LANTOA_*` settings.
    fn connectors(base: &str, extra: &[(&str, &str)]) -> Connectors {
        let env: std::collections::BTreeMap<String, String> = [
            ("LANTOA_SANDBOX_URL", base),
            ("LANTOA_PUBLISH_POLL_MS", "5"),
        ]
        .iter()
        .chain(extra)
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let c = lantoa::config::Config::from_sources(None, &env).unwrap();
        c.platforms.connectors()
    }

    async fn admin(base: &str, config: serde_json::Value) {
        let r = reqwest::Client::new()
            .post(format!("{base}/__admin/config"))
            .json(&config)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.status());
    }

    async fn youtube_video(base: &str) -> String {
        let yt = YouTube::new(base);
        let (f, _) = file(300_000);
        let session = yt.start(TOKEN, &meta(), 300_000).await.unwrap();
        upload(&yt, TOKEN, &session, f.path(), 300_000, 256 * 1024)
            .await
            .unwrap()
    }

    async fn facebook_reel(base: &str) -> String {
        let fb = Facebook::new(base, base, "v25.0");
        let (f, _) = file(200_000);
        let (video, url) = fb.start(PAGE, PAGE_TOKEN).await.unwrap();
        fb.upload(&url, &video, PAGE_TOKEN, f.path(), 200_000)
            .await
            .unwrap();
        fb.finish(PAGE, PAGE_TOKEN, &video, "x", "x").await.unwrap();
        video
    }

    async fn fetch(
        cs: &Connectors,
        platform: lantoa::platforms::Platform,
        token: &str,
        account: &str,
        id: &str,
    ) -> Result<PostMetrics, lantoa::platforms::PlatformError> {
        let ids = [id.to_string()];
        let got = lantoa::platforms::with_connector!(cs, platform, k => k.metrics(token, account, &ids).await)?;
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, id);
        Ok(got[0].1.clone())
    }

    /// A post's metrics, which must come.
    async fn fetched(
        cs: &Connectors,
        platform: Platform,
        token: &str,
        account: &str,
        id: &str,
    ) -> PostMetrics {
        fetch(cs, platform, token, account, id).await.unwrap()
    }

    /// The mock's counters for `s` as they are read (no rounding), keeping only
    /// the named figures: the others stay absent.
    fn only(s: &Synthetic, keep: &[&str]) -> PostMetrics {
        let all = facebook_expected(s);
        let kept = |name: &str, v: Option<u64>| v.filter(|_| keep.contains(&name));
        PostMetrics {
            views: kept("views", all.views),
            reach: kept("reach", all.reach),
            reactions: kept("reactions", all.reactions),
            comments: kept("comments", all.comments),
            shares: kept("shares", all.shares),
            ..PostMetrics::default()
        }
    }

    /// What the Facebook mock answers for a reel, normalised.
    fn facebook_expected(s: &Synthetic) -> PostMetrics {
        PostMetrics {
            views: Some(s.views),
            reach: Some(s.reach),
            watch_time_s: Some((s.views * s.avg_watch_ms) as f64 / 1000.0),
            avg_view_s: Some(s.avg_watch_ms as f64 / 1000.0),
            reactions: Some(s.likes),
            comments: Some(s.comments),
            shares: Some(s.shares),
            followers_gained: Some(s.follows),
        }
    }

    #[tokio::test]
    async fn youtube_reads_the_data_apis_strings_and_the_analytics_figures() {
        let (cs, m, base) = mock_with(|b| connectors(b, &[])).await;
        let id = youtube_video(&base).await;
        // Just out: the Data API says 0 views; Analytics has no row yet, so
        // its figures are absent rather than zero.
        m.set_post_age_s(Some(0));
        let fresh = fetched(&cs, Platform::YouTube, TOKEN, "UC1", &id).await;
        assert_eq!(
            fresh,
            PostMetrics {
                views: Some(0),
                reactions: Some(0),
                comments: Some(0),
                ..PostMetrics::default()
            }
        );
        m.set_post_age_s(Some(AGE));
        // The Data API's counters are strings, as on YouTube.
        let raw = send_json(
            reqwest::Client::new()
                .get(format!("{base}/youtube/v3/videos?part=statistics&id={id}"))
                .bearer_auth(TOKEN),
        )
        .await;
        assert!(raw["items"][0]["statistics"]["viewCount"].is_string());
        let s = synthetic(&id, AGE);
        assert!(s.views > 0);
        let got = fetched(&cs, Platform::YouTube, TOKEN, "UC1", &id).await;
        // Analytics reports whole minutes and whole seconds.
        let minutes = (s.views * s.avg_watch_ms + 30_000) / 60_000;
        assert_eq!(
            got,
            PostMetrics {
                reach: None,
                watch_time_s: Some((minutes * 60) as f64),
                avg_view_s: Some(((s.avg_watch_ms + 500) / 1000) as f64),
                ..facebook_expected(&s)
            }
        );
    }

    #[tokio::test]
    async fn youtube_keeps_the_data_api_figures_when_analytics_is_refused() {
        let (cs, m, base) = mock_with(|b| connectors(b, &[])).await;
        let id = youtube_video(&base).await;
        m.set_post_age_s(Some(AGE));
        // The channel did not grant yt-analytics.readonly: 403 on Analytics.
        admin(&base, serde_json::json!({"youtube_analytics_denied": true})).await;
        let s = synthetic(&id, AGE);
        for _ in 0..2 {
            let got = fetched(&cs, Platform::YouTube, TOKEN, "UC1", &id).await;
            assert_eq!(got, only(&s, &["views", "reactions", "comments"]));
        }
        // A dead token on the Data API itself still asks for reconnection.
        arm(&m, Fault::TokenExpired);
        let e = fetch(&cs, Platform::YouTube, "ya29.expires-now", "UC1", &id)
            .await
            .unwrap_err();
        assert_eq!(e.class, ErrorClass::Reconnect, "{e}");
        // Granted again: the Analytics figures are back.
        admin(
            &base,
            serde_json::json!({"youtube_analytics_denied": false}),
        )
        .await;
        let got = fetched(&cs, Platform::YouTube, TOKEN, "UC1", &id).await;
        assert_eq!(got.shares, Some(s.shares));
    }

    #[tokio::test]
    async fn facebook_sums_reactions_reads_social_actions_and_converts_milliseconds() {
        let (cs, m, base) = mock_with(|b| connectors(b, &[])).await;
        let id = facebook_reel(&base).await;
        m.set_post_age_s(Some(AGE));
        let s = synthetic(&id, AGE);
        assert!(s.likes > 0);
        let got = fetched(&cs, Platform::Facebook, PAGE_TOKEN, PAGE, &id).await;
        assert_eq!(got, facebook_expected(&s));
        // One request, for the default list (reach under its current name).
        let asked = m.facebook.insights_requests();
        assert_eq!(asked.len(), 1);
        assert!(asked[0].iter().any(|x| x == "post_total_media_view_unique"));
        assert!(!asked[0].iter().any(|x| x == "post_impressions_unique"));
    }

    #[tokio::test]
    async fn a_withdrawn_facebook_metric_is_dropped_once_and_the_rest_still_come() {
        let (cs, m, base) = mock_with(|b| connectors(b, &[])).await;
        let id = facebook_reel(&base).await;
        m.set_post_age_s(Some(AGE));
        // Meta withdraws the follows metric.
        admin(
            &base,
            serde_json::json!({"facebook_insights_disabled": ["post_video_followers"]}),
        )
        .await;
        let s = synthetic(&id, AGE);
        let expected = PostMetrics {
            followers_gained: None,
            ..facebook_expected(&s)
        };
        let got = fetched(&cs, Platform::Facebook, PAGE_TOKEN, PAGE, &id).await;
        assert_eq!(got, expected);
        let with_it = |asked: &[Vec<String>]| {
            asked
                .iter()
                .filter(|a| a.iter().any(|x| x == "post_video_followers"))
                .count()
        };
        let first = m.facebook.insights_requests();
        assert_eq!(first.len(), 2, "refused, then asked without it: {first:?}");
        assert_eq!(with_it(&first), 1);
        // Later fetches (new connectors, as each job builds its own) never
        // ask for it again: one request each.
        let cs = connectors(&base, &[]);
        let got = fetched(&cs, Platform::Facebook, PAGE_TOKEN, PAGE, &id).await;
        assert_eq!(got, expected);
        let all = m.facebook.insights_requests();
        assert_eq!(all.len(), 3, "{all:?}");
        assert_eq!(with_it(&all), 1);
    }

    #[tokio::test]
    async fn reach_comes_under_its_new_name_when_the_old_one_is_refused() {
        let (base, m) = mock().await;
        // An install that still lists the withdrawn name first.
        let cs = connectors(
            &base,
            &[(
                "LANTOA_FACEBOOK_REEL_METRICS",
                "post_impressions_unique,blue_reels_play_count,post_total_media_view_unique",
            )],
        );
        let id = facebook_reel(&base).await;
        m.set_post_age_s(Some(AGE));
        let s = synthetic(&id, AGE);
        let got = fetched(&cs, Platform::Facebook, PAGE_TOKEN, PAGE, &id).await;
        assert_eq!(got, only(&s, &["views", "reach"]));
        assert_eq!(m.facebook.insights_requests().len(), 2);
    }

    #[tokio::test]
    async fn tiktok_reads_its_numbers_and_gives_no_watch_time_or_reach() {
        let (cs, m, base) = mock_with(|b| connectors(b, &[])).await;
        let tt = TikTok::new(&base);
        let act = "act.test-token";
        let (f, _) = file(100_000);
        let (publish, url) = tt
            .init(act, "x", "PUBLIC_TO_EVERYONE", 100_000)
            .await
            .unwrap();
        tt.upload(&url, f.path(), 100_000, 0).await.unwrap();
        let id = tt.status(act, &publish).await.unwrap().post_ids[0].to_string();
        m.set_post_age_s(Some(AGE));
        // Counts are JSON numbers, as on TikTok.
        let raw = send_json(
            reqwest::Client::new()
                .post(format!(
                    "{base}/v2/video/query/?fields=id,view_count,like_count"
                ))
                .bearer_auth(act)
                .json(&serde_json::json!({"filters": {"video_ids": [id]}})),
        )
        .await;
        assert!(raw["data"]["videos"][0]["view_count"].is_u64(), "{raw}");
        let s = synthetic(&id, AGE);
        let got = fetched(&cs, Platform::TikTok, act, "open-1", &id).await;
        assert_eq!(got, only(&s, &["views", "reactions", "comments", "shares"]));
    }

    #[tokio::test]
    async fn zalo_gives_views_and_shares_and_nothing_else() {
        let (z, m, base) = mock_with(Zalo::new).await;
        let cs = connectors(&base, &[]);
        let oa = "zalo-oa-token";
        let (f, _) = file(1000);
        let up = z.upload_video(oa, f.path(), "clip.mp4").await.unwrap();
        let video = loop {
            if let Some(v) = z.verify_video(oa, &up).await.unwrap().video_id {
                break v;
            }
        };
        let t = z.create_article(oa, "Tin", "x", &video, "").await.unwrap();
        let id = z.verify_article(oa, &t).await.unwrap().expect("article id");
        m.set_post_age_s(Some(AGE));
        let s = synthetic(&id, AGE);
        let got = fetched(&cs, Platform::Zalo, oa, "oa-1", &id).await;
        assert_eq!(got, only(&s, &["views", "shares"]));
    }
}

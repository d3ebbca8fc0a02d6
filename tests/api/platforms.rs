//! The YouTube connector against the YouTube mock over real HTTP: success,
//! every injected fault, and resuming after a connection dropped at 50 %.

use std::sync::Arc;

use lantoa::mockplatforms::{Fault, Mocks, Record, router};
use lantoa::platforms::ErrorClass;
use lantoa::platforms::youtube::{Session, VideoMeta, YouTube};
use sha2::{Digest, Sha256};

async fn mock() -> (String, Arc<Mocks>) {
    let m = Arc::new(Mocks::default());
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", l.local_addr().unwrap());
    let app = router(m.clone());
    tokio::spawn(async move { axum::serve(l, app).await });
    (base, m)
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
    }
}

/// A file of `n` pseudo-random bytes and its SHA-256.
fn file(n: usize) -> (tempfile::NamedTempFile, String) {
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let bytes: Vec<u8> = (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
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
    let (base, m) = mock().await;
    let yt = YouTube::new(&base);
    let (f, sha) = file(1_000_000);
    let session = yt.start(TOKEN, &meta(), 1_000_000).await.unwrap();
    assert_eq!(
        yt.probe(TOKEN, &session, 1_000_000).await.unwrap(),
        Session::Incomplete { next: 0 }
    );
    let mut seen = Vec::new();
    let id = yt
        .upload(TOKEN, &session, f.path(), 1_000_000, 256 * 1024, |o| {
            seen.push(o)
        })
        .await
        .unwrap();
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
        yt.upload(TOKEN, &session, f.path(), 1_000_000, 256 * 1024, |_| {})
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
    let (base, m) = mock().await;
    let yt = YouTube::new(&base);
    let (f, sha) = file(2 * 262_144);
    let session = yt.start(TOKEN, &meta(), 524_288).await.unwrap();
    arm(&m, Fault::DropMidUpload);
    let e = yt
        .upload(TOKEN, &session, f.path(), 524_288, 524_288, |_| {})
        .await
        .unwrap_err();
    assert!(matches!(e.class, ErrorClass::Retry { .. }), "{e}");
    assert_eq!(
        yt.probe(TOKEN, &session, 524_288).await.unwrap(),
        Session::Incomplete { next: 262_144 }
    );
    let mut from = Vec::new();
    yt.upload(TOKEN, &session, f.path(), 524_288, 524_288, |o| {
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
    let (base, m) = mock().await;
    let yt = YouTube::new(&base);
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
        let e = yt.start(TOKEN, &meta(), 300_000).await.unwrap_err();
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
    let e = yt
        .upload(TOKEN, &session, f.path(), 300_000, 262_144, |_| {})
        .await
        .unwrap_err();
    assert_eq!(e.class, ErrorClass::Reconnect);
    let id = yt
        .upload(
            "ya29.refreshed",
            &session,
            f.path(),
            300_000,
            262_144,
            |_| {},
        )
        .await
        .unwrap();
    // A duplicate is created but rejected by the platform.
    let s2 = yt.start(TOKEN, &meta(), 300_000).await.unwrap();
    arm(&m, Fault::Duplicate);
    let dup = yt
        .upload(TOKEN, &s2, f.path(), 300_000, 524_288, |_| {})
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

    #[tokio::test]
    async fn a_reel_is_started_uploaded_finished_and_deleted() {
        let (base, m) = mock().await;
        let fb = fb(&base);
        let (f, sha) = file(700_000);
        let (video, url) = fb.start(PAGE, PAGE_TOKEN).await.unwrap();
        assert!(url.ends_with(&format!("/video-upload/v25.0/{video}")));
        let st = fb.status(&video, PAGE_TOKEN).await.unwrap();
        assert_eq!(
            (st.video_status.as_str(), st.bytes_transferred),
            ("uploading", 0)
        );
        fb.upload(&video, PAGE_TOKEN, f.path(), 700_000)
            .await
            .unwrap();
        let st = fb.status(&video, PAGE_TOKEN).await.unwrap();
        assert_eq!(
            (st.video_status.as_str(), st.bytes_transferred),
            ("upload_complete", 700_000)
        );
        // Uploading again sends nothing: the status says everything arrived.
        fb.upload(&video, PAGE_TOKEN, f.path(), 700_000)
            .await
            .unwrap();
        fb.finish(
            PAGE,
            PAGE_TOKEN,
            &video,
            "Lễ ra quân #tinhnha",
            "Lễ ra quân",
        )
        .await
        .unwrap();
        // Finish repeated after a timeout publishes nothing twice.
        fb.finish(
            PAGE,
            PAGE_TOKEN,
            &video,
            "Lễ ra quân #tinhnha",
            "Lễ ra quân",
        )
        .await
        .unwrap();
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
        let (base, m) = mock().await;
        let fb = fb(&base);
        let (f, sha) = file(600_000);
        let (video, _) = fb.start(PAGE, PAGE_TOKEN).await.unwrap();
        arm(&m, Fault::DropMidUpload);
        let e = fb
            .upload(&video, PAGE_TOKEN, f.path(), 600_000)
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
        fb.upload(&video, PAGE_TOKEN, f.path(), 600_000)
            .await
            .unwrap();
        fb.finish(PAGE, PAGE_TOKEN, &video, "x", "x").await.unwrap();
        assert_eq!(records(&m)[0].sha256, sha);
    }

    #[tokio::test]
    async fn graph_errors_are_classified_and_the_daily_reel_limit_holds() {
        let (base, m) = mock().await;
        let fb = fb(&base);
        arm(&m, Fault::TokenExpired);
        let e = fb.start(PAGE, PAGE_TOKEN).await.unwrap_err();
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
        let (video, _) = fb.start(PAGE, PAGE_TOKEN).await.unwrap();
        let e = fb
            .finish(PAGE, PAGE_TOKEN, &video, "x", "x")
            .await
            .unwrap_err();
        assert_eq!((e.class, e.code.as_str()), (ErrorClass::FixContent, "6000"));
        let (f, _) = file(1000);
        fb.upload(&video, PAGE_TOKEN, f.path(), 1000).await.unwrap();
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
        let (base, m) = mock().await;
        let tt = TikTok::new(&base);
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
        let (base, m) = mock().await;
        let tt = TikTok::new(&base);
        let (f, sha) = file(20_000_000);
        let (publish, url) = tt.init(ACT, "x", "SELF_ONLY", 20_000_000).await.unwrap();
        // The first of two chunks goes through by hand; the second breaks half-way.
        let first = std::fs::read(f.path()).unwrap()[..10_000_000].to_vec();
        let r = reqwest::Client::new()
            .put(&url)
            .header("Content-Range", "bytes 0-9999999/20000000")
            .body(first)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 206);
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
        let r = reqwest::Client::new()
            .put(&url)
            .header("Content-Range", "bytes 0-9999999/20000000")
            .body(vec![0u8; 10_000_000])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 416);
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
        let (base, m) = mock().await;
        let tt = TikTok::new(&base);
        arm(&m, Fault::Quota);
        let e = tt.creator_info(ACT).await.unwrap_err();
        assert_eq!(
            (e.class, e.status, e.code.as_str()),
            (ErrorClass::Permanent, Some(200), "spam_risk_too_many_posts")
        );
        arm(&m, Fault::TokenExpired);
        assert_eq!(
            tt.init(ACT, "x", "SELF_ONLY", 1000)
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
        let (base, m) = mock().await;
        let z = Zalo::new(&base);
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

    #[tokio::test]
    async fn errors_arrive_with_http_200_and_are_classified() {
        let (base, m) = mock().await;
        let z = Zalo::new(&base);
        let (f, _) = file(1000);
        arm(&m, Fault::TokenExpired);
        let e = z.upload_video(OA, f.path(), "a.mp4").await.unwrap_err();
        assert_eq!(
            (e.class, e.status, e.code.as_str()),
            (ErrorClass::Reconnect, Some(200), "-216")
        );
        arm(&m, Fault::RateLimited);
        assert!(matches!(
            z.upload_video(OA, f.path(), "a.mp4")
                .await
                .unwrap_err()
                .class,
            ErrorClass::Retry { after: Some(_) }
        ));
        arm(&m, Fault::ServerError);
        assert!(matches!(
            z.upload_video(OA, f.path(), "a.mp4")
                .await
                .unwrap_err()
                .class,
            ErrorClass::Retry { after: None }
        ));
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

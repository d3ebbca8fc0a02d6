//! TikTok's connector and client against the sandbox, in process: the
//! person's privacy choice, the creator's longest video, an expired upload
//! URL, a 416 that carries TikTok's progress, and status polls paced at
//! TikTok's limit; and the sandbox's own rules, each as TikTok documents it.

mod common;

use std::time::{Duration, Instant};

use common::{connectors, run, sandbox};
use lantoa_platforms::ErrorClass;
use lantoa_platforms::connector::{Connector, Handle, Next, Post};
use lantoa_platforms::tiktok::TikTok;
use lantoa_sandbox::tiktok::Creator;
use lantoa_sandbox::{Mocks, Record};
use sha2::{Digest, Sha256};

const ACT: &str = "act.creator-token";

/// A file of `n` bytes (a pattern, not a real video) and its SHA-256.
fn file(n: usize) -> (tempfile::NamedTempFile, String) {
    let bytes: Vec<u8> = (0..n).map(|i| (i * 7 % 251) as u8).collect();
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), &bytes).unwrap();
    (f, hex::encode(Sha256::digest(&bytes)))
}

fn post<'a>(f: &'a tempfile::NamedTempFile, size: u64, privacy: &'a str) -> Post<'a> {
    Post {
        account: "open-1",
        account_name: "baotinh",
        token: ACT,
        file: f.path(),
        size,
        title: "Lễ ra quân",
        description: "Lễ ra quân #tinhnha",
        tags: &[],
        privacy,
        category: None,
        content_type: "video/mp4",
        poster_url: None,
        cover_ms: None,
        duration_ms: None,
        captions: &[],
        progress: &|_| {},
        resumed: false,
    }
}

async fn json(r: reqwest::Response) -> serde_json::Value {
    serde_json::from_slice(&r.bytes().await.unwrap()).unwrap()
}

fn records(m: &Mocks) -> Vec<Record> {
    m.records.lock().unwrap().clone()
}

fn private_account() -> Creator {
    Creator {
        privacy_level_options: vec![
            "FOLLOWER_OF_CREATOR".into(),
            "MUTUAL_FOLLOW_FRIENDS".into(),
            "SELF_ONLY".into(),
        ],
        max_video_post_duration_sec: 60,
        creator_nickname: "Tòa soạn".into(),
        creator_username: "toasoan".into(),
    }
}

// ------------------------------------------------------------ privacy (1a)

#[tokio::test]
async fn a_privacy_level_the_creator_is_not_offered_is_refused_and_nothing_is_posted() {
    let (m, base) = sandbox().await;
    m.tiktok.set_creator(ACT, private_account());
    let cs = connectors(&base);
    let (f, _) = file(1000);
    let e = run(
        &cs.tiktok,
        &post(&f, 1000, "PUBLIC_TO_EVERYONE"),
        Handle::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        (e.class, e.code.as_str()),
        (ErrorClass::FixContent, "privacy_level_not_offered")
    );
    for offered in ["FOLLOWER_OF_CREATOR", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"] {
        assert!(e.message.contains(offered), "{}", e.message);
    }
    assert_eq!(m.tiktok.inits_received(), 0, "no init was sent");
    // No level at all is no choice either: never a default.
    let e = run(&cs.tiktok, &post(&f, 1000, ""), Handle::default())
        .await
        .unwrap_err();
    assert_eq!(e.code, "privacy_level_not_offered");
    assert_eq!(m.tiktok.inits_received(), 0);
}

#[tokio::test]
async fn the_chosen_level_is_the_one_posted_and_reported() {
    let (m, base) = sandbox().await;
    m.tiktok.set_creator(ACT, private_account());
    let cs = connectors(&base);
    let (f, sha) = file(1000);
    let Next::Done { visibility, .. } = run(
        &cs.tiktok,
        &post(&f, 1000, "MUTUAL_FOLLOW_FRIENDS"),
        Handle::default(),
    )
    .await
    .unwrap() else {
        unreachable!()
    };
    assert_eq!(
        (visibility.public, visibility.level.as_str()),
        (false, "MUTUAL_FOLLOW_FRIENDS")
    );
    let r = records(&m);
    assert_eq!(r[0].sha256, sha);
    assert_eq!(
        r[0].fields["post_info"]["privacy_level"],
        "MUTUAL_FOLLOW_FRIENDS"
    );
    // A public account: PUBLIC_TO_EVERYONE, reported public. A word that is
    // not TikTok's (the other platforms' "public") is refused, never mapped.
    m.tiktok.set_creator(ACT, Creator::default());
    let e = run(&cs.tiktok, &post(&f, 1000, "public"), Handle::default())
        .await
        .unwrap_err();
    assert_eq!(e.code, "privacy_level_not_offered", "{e}");
    for chosen in ["PUBLIC_TO_EVERYONE"] {
        let Next::Done { visibility, .. } =
            run(&cs.tiktok, &post(&f, 1000, chosen), Handle::default())
                .await
                .unwrap()
        else {
            unreachable!()
        };
        assert_eq!(
            (visibility.public, visibility.level.as_str()),
            (true, "PUBLIC_TO_EVERYONE")
        );
    }
}

#[tokio::test]
async fn creator_info_gives_the_nickname_the_options_and_the_longest_video() {
    let (m, base) = sandbox().await;
    m.tiktok.set_creator(ACT, private_account());
    let info = TikTok::new(&base).creator_info(ACT).await.unwrap();
    assert_eq!(info.creator_nickname, "Tòa soạn");
    assert_eq!(info.creator_username, "toasoan");
    assert_eq!(info.max_video_post_duration_sec, 60);
    assert_eq!(
        info.privacy_level_options,
        private_account().privacy_level_options
    );
    // Another token is another creator (the default, public account).
    let other = TikTok::new(&base).creator_info("act.other").await.unwrap();
    assert!(
        other
            .privacy_level_options
            .contains(&"PUBLIC_TO_EVERYONE".to_string())
    );
}

#[tokio::test]
async fn an_unaudited_client_is_offered_self_only_and_refused_anything_else() {
    let (m, base) = sandbox().await;
    m.tiktok.set_unaudited(true);
    let tt = TikTok::new(&base);
    assert_eq!(
        tt.creator_info(ACT).await.unwrap().privacy_level_options,
        vec!["SELF_ONLY".to_string()]
    );
    let e = tt
        .init(ACT, "x", "PUBLIC_TO_EVERYONE", 1000)
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code.as_str()),
        (
            Some(403),
            "unaudited_client_can_only_post_to_private_accounts"
        )
    );
    tt.init(ACT, "x", "SELF_ONLY", 1000).await.unwrap();
    // The connector refuses before asking, naming the only option.
    let cs = connectors(&base);
    let (f, _) = file(1000);
    let e = run(
        &cs.tiktok,
        &post(&f, 1000, "PUBLIC_TO_EVERYONE"),
        Handle::default(),
    )
    .await
    .unwrap_err();
    assert!(e.message.contains("SELF_ONLY"), "{}", e.message);
}

#[tokio::test]
async fn the_sandbox_refuses_a_level_outside_the_creators_options() {
    let (m, base) = sandbox().await;
    m.tiktok.set_creator(ACT, private_account());
    let tt = TikTok::new(&base);
    // PUBLIC_TO_EVERYONE is a TikTok level, but not this private account's.
    let e = tt
        .init(ACT, "x", "PUBLIC_TO_EVERYONE", 1000)
        .await
        .unwrap_err();
    assert_eq!(
        (e.class, e.status, e.code.as_str()),
        (
            ErrorClass::FixContent,
            Some(403),
            "privacy_level_option_mismatch"
        )
    );
    tt.init(ACT, "x", "FOLLOWER_OF_CREATOR", 1000)
        .await
        .unwrap();
}

// ------------------------------------------------------------ duration (1c)

#[tokio::test]
async fn a_clip_longer_than_the_creator_may_post_is_refused_before_init() {
    let (m, base) = sandbox().await;
    m.tiktok.set_creator(ACT, private_account());
    let cs = connectors(&base);
    let (f, _) = file(1000);
    let mut p = post(&f, 1000, "SELF_ONLY");
    p.duration_ms = Some(60_001);
    let e = run(&cs.tiktok, &p, Handle::default()).await.unwrap_err();
    assert_eq!(
        (e.class, e.code.as_str()),
        (ErrorClass::FixContent, "video_too_long_for_creator")
    );
    assert!(e.message.contains("60 s"), "{}", e.message);
    assert_eq!(m.tiktok.inits_received(), 0);
    p.duration_ms = Some(60_000);
    run(&cs.tiktok, &p, Handle::default()).await.unwrap();
    assert_eq!(records(&m).len(), 1);
}

// ------------------------------------------------------------ upload (1b)

#[tokio::test]
async fn an_expired_upload_url_starts_a_new_post_and_only_one_is_made() {
    let (m, base) = sandbox().await;
    m.tiktok.set_upload_url_ttl(Some(Duration::from_millis(50)));
    let cs = connectors(&base);
    let (f, sha) = file(1000);
    let p = post(&f, 1000, "SELF_ONLY");
    let Next::Save { handle, .. } = cs.tiktok.step(&p, &Handle::default()).await.unwrap() else {
        panic!("init first")
    };
    assert!(handle.publish_id.is_some());
    tokio::time::sleep(Duration::from_millis(100)).await;
    // The PUT meets a 403: the handle starts over (nothing was posted).
    let Next::Save { handle, state } = cs.tiktok.step(&p, &handle).await.unwrap() else {
        panic!("the expired URL is reported as a restart")
    };
    assert_eq!((handle, state), (Handle::default(), "uploading"));
    assert!(records(&m).is_empty());
    m.tiktok.set_upload_url_ttl(None);
    run(&cs.tiktok, &p, Handle::default()).await.unwrap();
    let r = records(&m);
    assert_eq!((r.len(), r[0].sha256.as_str()), (1, sha.as_str()));
    assert_eq!(m.tiktok.inits_received(), 2);
}

#[tokio::test]
async fn the_sandbox_refuses_a_put_to_an_expired_upload_url_with_403() {
    let (m, base) = sandbox().await;
    m.tiktok.set_upload_url_ttl(Some(Duration::from_millis(30)));
    let (_, url) = TikTok::new(&base)
        .init(ACT, "x", "SELF_ONLY", 1000)
        .await
        .unwrap();
    let put = || {
        reqwest::Client::new()
            .put(&url)
            .header("Content-Type", "video/mp4")
            .header("Content-Range", "bytes 0-999/1000")
            .body(vec![1u8; 1000])
            .send()
    };
    tokio::time::sleep(Duration::from_millis(60)).await;
    assert_eq!(put().await.unwrap().status(), 403);
    // The documented hour by default.
    m.tiktok.set_upload_url_ttl(None);
    let (_, url) = TikTok::new(&base)
        .init(ACT, "x", "SELF_ONLY", 1000)
        .await
        .unwrap();
    let r = reqwest::Client::new()
        .put(&url)
        .header("Content-Type", "video/mp4")
        .header("Content-Range", "bytes 0-999/1000")
        .body(vec![1u8; 1000])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
}

#[tokio::test]
async fn a_416_carrying_tiktoks_progress_resumes_from_there() {
    let (m, base) = sandbox().await;
    let tt = TikTok::new(&base);
    let (f, sha) = file(20_000_000);
    let (publish, url) = tt.init(ACT, "x", "SELF_ONLY", 20_000_000).await.unwrap();
    // The first chunk reached TikTok, but its answer was lost: the client
    // believes nothing was sent and starts at byte 0.
    let first = std::fs::read(f.path()).unwrap()[..10_000_000].to_vec();
    let r = reqwest::Client::new()
        .put(&url)
        .header("Content-Type", "video/mp4")
        .header("Content-Range", "bytes 0-9999999/20000000")
        .body(first)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 206);
    tt.upload(&url, f.path(), 20_000_000, 0).await.unwrap();
    assert_eq!(
        tt.status(ACT, &publish).await.unwrap().status,
        "PUBLISH_COMPLETE"
    );
    let r = records(&m);
    assert_eq!((r.len(), r[0].sha256.as_str()), (1, sha.as_str()));
}

// ------------------------------------------------------------ pacing (1d)

#[tokio::test]
async fn status_polls_are_paced_per_token() {
    let (_m, base) = sandbox().await;
    let tt = TikTok::new(&base).with_status_pace(3, Duration::from_millis(400));
    let (publish, _) = tt.init(ACT, "x", "SELF_ONLY", 1000).await.unwrap();
    let t0 = Instant::now();
    for _ in 0..7 {
        tt.status(ACT, &publish).await.unwrap();
    }
    // Three at once, three more once the first left the window, the
    // seventh after the second window.
    assert!(
        t0.elapsed() >= Duration::from_millis(800),
        "{:?}",
        t0.elapsed()
    );
    // Another token has its own allowance.
    let (other, _) = tt.init("act.other", "x", "SELF_ONLY", 1000).await.unwrap();
    let t1 = Instant::now();
    tt.status("act.other", &other).await.unwrap();
    assert!(
        t1.elapsed() < Duration::from_millis(300),
        "{:?}",
        t1.elapsed()
    );
}

#[tokio::test]
async fn the_sandbox_allows_thirty_status_fetches_a_minute_per_token() {
    let (_m, base) = sandbox().await;
    let (publish, _) = TikTok::new(&base)
        .init(ACT, "x", "SELF_ONLY", 1000)
        .await
        .unwrap();
    let fetch = |token: &'static str| {
        reqwest::Client::new()
            .post(format!("{base}/v2/post/publish/status/fetch/"))
            .bearer_auth(token)
            .header("Content-Type", "application/json")
            .body(serde_json::json!({"publish_id": publish}).to_string())
            .send()
    };
    for _ in 0..30 {
        assert_eq!(fetch(ACT).await.unwrap().status(), 200);
    }
    let r = fetch(ACT).await.unwrap();
    assert_eq!(r.status(), 429);
    let v: serde_json::Value = json(r).await;
    assert_eq!(v["error"]["code"], "rate_limit_exceeded");
    assert!(v["error"]["log_id"].is_string());
    // The limit is per token.
    assert_ne!(fetch("act.other").await.unwrap().status(), 429);
}

// ------------------------------------------------------------ sandbox rules

#[tokio::test]
async fn every_field_of_a_post_is_recorded() {
    let (m, base) = sandbox().await;
    let cs = connectors(&base);
    let (f, _) = file(1000);
    run(&cs.tiktok, &post(&f, 1000, "SELF_ONLY"), Handle::default())
        .await
        .unwrap();
    let r = &records(&m)[0];
    let info = &r.fields["post_info"];
    assert_eq!(info["title"], "Lễ ra quân #tinhnha");
    for k in [
        "disable_duet",
        "disable_comment",
        "disable_stitch",
        "brand_content_toggle",
    ] {
        assert!(info[k].is_boolean(), "{k}: {info}");
    }
    let src = &r.fields["source_info"];
    assert_eq!(
        (
            &src["source"],
            &src["video_size"],
            &src["total_chunk_count"]
        ),
        (&"FILE_UPLOAD".into(), &1000.into(), &1.into())
    );
    assert_eq!(r.fields["content_type"], "video/mp4");
}

#[tokio::test]
async fn the_display_api_requires_fields_and_gives_only_those() {
    let (_m, base) = sandbox().await;
    let tt = TikTok::new(&base);
    let (f, _) = file(1000);
    let (publish, url) = tt.init(ACT, "x", "SELF_ONLY", 1000).await.unwrap();
    tt.upload(&url, f.path(), 1000, 0).await.unwrap();
    let id = tt.status(ACT, &publish).await.unwrap().post_ids[0].to_string();
    let ask = |path: &str, body: serde_json::Value| {
        reqwest::Client::new()
            .post(format!("{base}{path}"))
            .bearer_auth(ACT)
            .header("Content-Type", "application/json")
            .body(body.to_string())
            .send()
    };
    for path in ["/v2/video/query/", "/v2/video/list/"] {
        let r = ask(path, serde_json::json!({"filters": {"video_ids": [id]}}))
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{path}");
        let v: serde_json::Value = json(r).await;
        assert_eq!(v["error"]["code"], "invalid_params");
    }
    let v = ask(
        "/v2/video/query/?fields=id,create_time,duration",
        serde_json::json!({"filters": {"video_ids": [id]}}),
    )
    .await
    .unwrap();
    let v = json(v).await;
    let video = v["data"]["videos"][0].as_object().unwrap();
    let mut keys: Vec<&str> = video.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["create_time", "duration", "id"]);
    assert!(video["create_time"].is_i64());
    let v = ask(
        "/v2/video/list/?fields=id,title",
        serde_json::json!({"max_count": 20}),
    )
    .await
    .unwrap();
    let v = json(v).await;
    assert_eq!(
        v["data"]["videos"],
        serde_json::json!([{"id": id, "title": "x"}])
    );
}

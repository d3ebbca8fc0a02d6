//! The Facebook Reels connector against the sandbox, in process, over real
//! HTTP: each connector defect pinned by the test named after it, then the
//! sandbox's Graph rules (which follow Meta's documentation and its Python
//! SDK, never the connector) checked with raw requests.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use lantoa_platforms::ErrorClass;
use lantoa_platforms::connector::{
    Connector, Connectors, Endpoints, FacebookConnector, Handle, Next, Post, Visibility,
};
use lantoa_sandbox::facebook::Privacy;
use lantoa_sandbox::{Fault, Mocks, Record};
use sha2::{Digest, Sha256};

const PAGE: &str = "104857600";
const TOKEN: &str = "EAAGtest";

/// The sandbox (processing taking `processing_ms`) and connectors pointed at
/// it; rupload's configured address is `rupload`, or the sandbox's.
async fn sandbox(processing_ms: u64, rupload: Option<&str>) -> (Connectors, Arc<Mocks>, String) {
    let (m, base) = common::spawn(Mocks::with_processing_ms(processing_ms)).await;
    let cs = Connectors::new(&Endpoints {
        facebook_rupload_url: rupload.unwrap_or(&base),
        ..common::endpoints(&base)
    });
    (cs, m, base)
}

/// A clip of `n` pseudo-random bytes and its SHA-256.
fn clip(n: usize) -> (tempfile::NamedTempFile, String) {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
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

fn post<'a>(f: &'a tempfile::NamedTempFile, size: u64, content_type: &'a str) -> Post<'a> {
    Post {
        account: PAGE,
        account_name: "Tin nhà",
        token: TOKEN,
        file: f.path(),
        size,
        title: "Lễ ra quân",
        description: "Sáng nay, lễ ra quân… #tinhnha",
        tags: &[],
        privacy: "public",
        category: None,
        content_type,
        poster_url: None,
        cover_ms: None,
        duration_ms: None,
        captions: &[],
        progress: &|_| {},
        resumed: false,
    }
}

/// Steps until done or an error, saving each handle as the caller does;
/// gives up after five seconds (a reel waiting forever).
async fn run(
    c: &FacebookConnector,
    p: &Post<'_>,
    h: &mut Handle,
) -> Result<(String, String, Visibility), lantoa_platforms::PlatformError> {
    let until = Instant::now() + Duration::from_secs(5);
    while Instant::now() < until {
        match c.step(p, h).await? {
            Next::Save { handle, .. } => *h = handle,
            Next::Wait(d) => tokio::time::sleep(d).await,
            Next::Done {
                id,
                url,
                visibility,
            } => return Ok((id, url, visibility)),
        }
    }
    panic!("the reel never finished: {h:?}");
}

fn records(m: &Mocks) -> Vec<Record> {
    m.records.lock().unwrap().clone()
}

#[tokio::test]
async fn a_reel_is_published_whole_with_every_field_and_reported_public() {
    let (cs, m, _) = sandbox(0, None).await;
    let (f, sha) = clip(300_000);
    let mut h = Handle::default();
    let (id, url, vis) = run(&cs.facebook, &post(&f, 300_000, "video/mp4"), &mut h)
        .await
        .unwrap();
    assert_eq!(url, format!("https://www.facebook.com/reel/{id}"));
    assert_eq!(vis, Visibility::public("EVERYONE"));
    let r = records(&m);
    assert_eq!(r.len(), 1);
    assert_eq!(
        (r[0].id.as_str(), r[0].sha256.as_str()),
        (id.as_str(), sha.as_str())
    );
    let field = |k: &str| {
        r[0].fields
            .get(k)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    assert_eq!(
        field("description").as_deref(),
        Some("Sáng nay, lễ ra quân… #tinhnha")
    );
    assert_eq!(field("title").as_deref(), Some("Lễ ra quân"));
    assert_eq!(field("video_state").as_deref(), Some("PUBLISHED"));
    assert_eq!(
        field("content_type").as_deref(),
        Some("application/octet-stream")
    );
    assert_eq!(
        field("access_token"),
        None,
        "a credential is never recorded"
    );
}

/// Facebook starts processing as soon as the bytes are in: a connector that
/// skipped finish while processing waited forever.
#[tokio::test]
async fn finish_is_sent_though_processing_started_before_it() {
    let (cs, m, base) = sandbox(400, None).await;
    let (f, _) = clip(50_000);
    let p = post(&f, 50_000, "video/mp4");
    let mut h = Handle::default();
    while !h.finishing {
        let Next::Save { handle, .. } = cs.facebook.step(&p, &h).await.unwrap() else {
            panic!("expected a handle to save");
        };
        h = handle;
    }
    let st = status(&base, &h).await;
    assert_eq!(
        (st.processing.as_str(), st.publishing.as_str()),
        ("in_progress", "not_started"),
        "the sandbox processes before finish"
    );
    let (_, _, vis) = run(&cs.facebook, &p, &mut h).await.unwrap();
    assert!(vis.public);
    assert_eq!(records(&m)[0].fields["video_state"], "PUBLISHED");
}

/// The reel's status, read straight from the sandbox at `base`.
async fn status(base: &str, h: &Handle) -> lantoa_platforms::facebook::ReelStatus {
    let api = lantoa_platforms::facebook::Facebook::new(base, base, "v25.0");
    api.status(h.video_id.as_deref().unwrap(), TOKEN)
        .await
        .unwrap()
}

/// A finish that timed out but arrived: on resume the status says publishing
/// started, and finish is not sent again (an armed duplicate fault would
/// answer a second finish with code 506).
#[tokio::test]
async fn a_finish_that_arrived_is_never_sent_twice() {
    let (cs, m, _) = sandbox(300, None).await;
    let (f, _) = clip(40_000);
    let p = post(&f, 40_000, "video/mp4");
    let mut h = Handle::default();
    while !h.finished {
        if let Next::Save { handle, .. } = cs.facebook.step(&p, &h).await.unwrap() {
            h = handle;
        }
    }
    // The answer to finish was lost: the saved handle says only "finishing".
    h.finished = false;
    m.faults.lock().unwrap().push_back(Fault::Duplicate);
    let (_, _, vis) = run(&cs.facebook, &p, &mut h).await.unwrap();
    assert!(vis.public);
    assert_eq!(m.faults.lock().unwrap().len(), 1, "finish was sent again");
    assert_eq!(records(&m).len(), 1);
}

/// The bytes go to the `upload_url` the start phase returned, not to an
/// address rebuilt from settings (here rupload's setting points nowhere).
#[tokio::test]
async fn the_bytes_go_to_the_upload_url_the_start_phase_returned() {
    let (cs, m, _) = sandbox(0, Some("http://127.0.0.1:9")).await;
    let (f, sha) = clip(80_000);
    let mut h = Handle::default();
    let (id, _, _) = run(&cs.facebook, &post(&f, 80_000, "video/mp4"), &mut h)
        .await
        .unwrap();
    let url = h.upload_url.unwrap();
    assert!(
        !url.ends_with(&format!("/video-upload/v25.0/{id}")),
        "{url}"
    );
    assert_eq!(records(&m)[0].sha256, sha);
}

/// A connection dropped half way: the rest is streamed from the offset
/// Facebook reports, and the reel has exactly the file's bytes.
#[tokio::test]
async fn a_dropped_upload_streams_the_rest_from_the_reported_offset() {
    let (cs, m, base) = sandbox(0, None).await;
    let (f, sha) = clip(600_000);
    let p = post(&f, 600_000, "video/mp4");
    let mut h = Handle::default();
    let Next::Save { handle, .. } = cs.facebook.step(&p, &h).await.unwrap() else {
        panic!("start saves the video id");
    };
    h = handle;
    m.faults.lock().unwrap().push_back(Fault::DropMidUpload);
    let e = cs.facebook.step(&p, &h).await.unwrap_err();
    assert!(matches!(e.class, ErrorClass::Retry { .. }), "{e}");
    assert_eq!(status(&base, &h).await.bytes_transferred, 300_000);
    run(&cs.facebook, &p, &mut h).await.unwrap();
    let r = records(&m);
    assert_eq!((r[0].bytes, r[0].sha256.as_str()), (600_000, sha.as_str()));
}

/// Graph reports the reel published but seen only by its owner (Facebook
/// restricted it): the connector says so, with Graph's words.
#[tokio::test]
async fn a_reel_facebook_restricts_is_reported_not_public_with_the_reason() {
    let (cs, m, _) = sandbox(0, None).await;
    m.facebook.set_privacy(Privacy {
        value: "SELF".into(),
        description: "Only me".into(),
    });
    let (f, _) = clip(20_000);
    let mut h = Handle::default();
    let (_, _, vis) = run(&cs.facebook, &post(&f, 20_000, "video/mp4"), &mut h)
        .await
        .unwrap();
    assert_eq!((vis.public, vis.level.as_str()), (false, "SELF"));
    assert!(vis.reason.unwrap().contains("Only me"));
}

/// A WebM is refused before a reel is started (nothing counts against the
/// Page's 30 a day, nothing is sent).
#[tokio::test]
async fn a_container_reels_do_not_take_is_refused_before_upload() {
    let (cs, m, base) = sandbox(0, None).await;
    let (f, _) = clip(10_000);
    let e = cs
        .facebook
        .step(&post(&f, 10_000, "video/webm"), &Handle::default())
        .await
        .unwrap_err();
    assert_eq!(
        (e.class, e.code.as_str()),
        (ErrorClass::FixContent, "unsupported_container")
    );
    assert!(e.message.contains("video/webm"));
    // All 30 of the day's reels are still there.
    let api = lantoa_platforms::facebook::Facebook::new(&base, &base, "v25.0");
    assert!(records(&m).is_empty());
    for _ in 0..30 {
        api.start(PAGE, TOKEN).await.unwrap();
    }
}

/// The sandbox's Graph rules, with raw requests as Meta's clients send them.
mod graph_rules {
    use super::*;
    use serde_json::{Value, json};

    fn http() -> reqwest::Client {
        reqwest::Client::new()
    }

    async fn answer(r: reqwest::RequestBuilder) -> (u16, Value) {
        let r = r.send().await.unwrap();
        let status = r.status().as_u16();
        let body = r.bytes().await.unwrap();
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    /// Starts a reel with a JSON body and uploads `f`; returns the video id.
    async fn uploaded(base: &str, f: &tempfile::NamedTempFile, size: u64) -> String {
        let (s, v) = answer(
            http()
                .post(format!("{base}/v26.0/{PAGE}/video_reels/"))
                .header("Content-Type", "application/json")
                .body(json!({"upload_phase": "start", "access_token": TOKEN}).to_string()),
        )
        .await;
        assert_eq!(s, 200, "{v}");
        let (id, url) = (
            v["video_id"].as_str().unwrap(),
            v["upload_url"].as_str().unwrap(),
        );
        // The documented default address is refused: only upload_url takes bytes.
        let default = format!("{base}/video-upload/v26.0/{id}");
        for (to, want) in [(default.as_str(), 404), (url, 200)] {
            let (s, v) = answer(
                http()
                    .post(to)
                    .header("Authorization", format!("OAuth {TOKEN}"))
                    .header("offset", "0")
                    .header("file_size", size.to_string())
                    .body(std::fs::read(f.path()).unwrap()),
            )
            .await;
            assert_eq!(s, want, "{to}: {v}");
        }
        id.to_string()
    }

    fn encode(pairs: &[(&str, &str)]) -> String {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    }

    async fn finish(base: &str, form: &[(&str, &str)]) -> (u16, Value) {
        answer(
            http()
                .post(format!(
                    "{base}/v26.0/{PAGE}/video_reels?access_token={TOKEN}"
                ))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(encode(form)),
        )
        .await
    }

    async fn node(base: &str, id: &str, fields: &str) -> (u16, Value) {
        answer(http().get(format!(
            "{base}/v26.0/{id}/?fields={fields}&access_token={TOKEN}"
        )))
        .await
    }

    #[tokio::test]
    async fn video_state_is_required_checked_and_honoured() {
        let (_, m, base) = sandbox(0, None).await;
        let (f, _) = clip(5_000);
        let id = uploaded(&base, &f, 5_000).await;
        let base_form = [("upload_phase", "finish"), ("video_id", id.as_str())];
        for (extra, why) in [
            (vec![], "required"),
            (vec![("video_state", "LIVE")], "must be one of"),
            (vec![("video_state", "SCHEDULED")], "scheduled_publish_time"),
            (
                vec![
                    ("video_state", "PUBLISHED"),
                    ("scheduled_publish_time", "1"),
                ],
                "only be set",
            ),
        ] {
            let form: Vec<_> = base_form.iter().copied().chain(extra).collect();
            let (s, v) = finish(&base, &form).await;
            assert_eq!((s, v["error"]["code"].as_i64()), (400, Some(100)), "{v}");
            assert!(v["error"]["message"].as_str().unwrap().contains(why), "{v}");
            assert!(v["error"]["fbtrace_id"].is_string());
        }
        assert!(records(&m).is_empty());
        // DRAFT: finished, not published.
        let form = [base_form[0], base_form[1], ("video_state", "DRAFT")];
        assert_eq!(finish(&base, &form).await.0, 200);
        let (_, v) = node(&base, &id, "status,published").await;
        assert_eq!(v["published"], false);
        assert_eq!(v["status"]["publishing_phase"]["publish_status"], "draft");
        // SCHEDULED an hour ahead: scheduled, with its time.
        let id = uploaded(&base, &f, 5_000).await;
        let at = (std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 3_600)
            .to_string();
        let form = [
            ("upload_phase", "finish"),
            ("video_id", id.as_str()),
            ("video_state", "SCHEDULED"),
            ("scheduled_publish_time", at.as_str()),
        ];
        assert_eq!(finish(&base, &form).await.0, 200);
        let (_, v) = node(&base, &id, "status,published").await;
        assert_eq!(v["published"], false);
        let phase = &v["status"]["publishing_phase"];
        assert_eq!(phase["publish_status"], "scheduled");
        assert_eq!(phase["publish_time"].to_string(), at);
        assert_eq!(records(&m)[1].fields["scheduled_publish_time"], at.as_str());
    }

    #[tokio::test]
    async fn json_and_multipart_bodies_are_read_and_every_field_recorded() {
        let (_, m, base) = sandbox(0, None).await;
        let (f, _) = clip(5_000);
        let id = uploaded(&base, &f, 5_000).await;
        let boundary = "----lantoaXyZ";
        let part = |k: &str, v: &str| {
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
        };
        let body = [
            part("upload_phase", "finish"),
            part("video_id", &id),
            part("video_state", "PUBLISHED"),
            part("description", "Lễ ra quân #tinhnha"),
            part("access_token", TOKEN),
            format!("--{boundary}--\r\n"),
        ]
        .concat();
        let (s, v) = answer(
            http()
                .post(format!("{base}/v26.0/{PAGE}/video_reels"))
                .header(
                    "Content-Type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(body),
        )
        .await;
        assert_eq!(s, 200, "{v}");
        let r = &records(&m)[0];
        assert_eq!(r.text, "Lễ ra quân #tinhnha");
        for (k, want) in [
            ("upload_phase", "finish"),
            ("video_state", "PUBLISHED"),
            ("description", "Lễ ra quân #tinhnha"),
            ("video_id", id.as_str()),
        ] {
            assert_eq!(r.fields[k], want, "{k}");
        }
        assert!(!r.fields.contains_key("access_token"));
        let (_, v) = node(&base, &id, "published,privacy").await;
        assert_eq!(
            (v["published"].clone(), v["privacy"]["value"].clone()),
            (json!(true), json!("EVERYONE"))
        );
    }

    #[tokio::test]
    async fn processing_starts_when_the_bytes_are_in_before_finish() {
        let (_, _m, base) = sandbox(60_000, None).await;
        let (f, _) = clip(5_000);
        let id = uploaded(&base, &f, 5_000).await;
        let (_, v) = node(&base, &id, "status").await;
        let st = &v["status"];
        assert_eq!(st["video_status"], "processing");
        assert_eq!(st["processing_phase"]["status"], "in_progress");
        assert_eq!(st["publishing_phase"]["status"], "not_started");
        let form = [
            ("upload_phase", "finish"),
            ("video_id", id.as_str()),
            ("video_state", "PUBLISHED"),
        ];
        assert_eq!(finish(&base, &form).await.0, 200);
        let (_, v) = node(&base, &id, "status").await;
        assert_eq!(v["status"]["publishing_phase"]["status"], "in_progress");
    }

    #[tokio::test]
    async fn metrics_come_as_a_json_array_or_comma_separated() {
        let (_, _m, base) = sandbox(0, None).await;
        let (f, _) = clip(5_000);
        let id = uploaded(&base, &f, 5_000).await;
        let form = [
            ("upload_phase", "finish"),
            ("video_id", id.as_str()),
            ("video_state", "PUBLISHED"),
        ];
        assert_eq!(finish(&base, &form).await.0, 200);
        for metric in [
            r#"["blue_reels_play_count","post_video_followers"]"#,
            "blue_reels_play_count,post_video_followers",
        ] {
            let (s, v) = answer(http().get(format!(
                "{base}/v26.0/{id}/video_insights/?{}",
                encode(&[
                    ("metric", metric),
                    ("period", "lifetime"),
                    ("access_token", TOKEN)
                ])
            )))
            .await;
            assert_eq!(s, 200, "{v}");
            let names: Vec<_> = v["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["name"].clone())
                .collect();
            assert_eq!(
                names,
                [
                    json!("blue_reels_play_count"),
                    json!("post_video_followers")
                ]
            );
        }
        let (s, v) = answer(http().get(format!(
            "{base}/v26.0/{id}/video_insights?metric=[blue_reels_play_count]&access_token={TOKEN}"
        )))
        .await;
        assert_eq!((s, v["error"]["code"].as_i64()), (400, Some(100)));
    }

    #[tokio::test]
    async fn errors_come_in_graphs_shape_with_graphs_codes() {
        let (_, _m, base) = sandbox(0, None).await;
        let (s, v) = node(&base, "123", "status").await;
        let e = &v["error"];
        assert_eq!(s, 400);
        assert_eq!(
            (e["code"].as_i64(), e["error_subcode"].as_i64()),
            (Some(100), Some(33))
        );
        assert_eq!(e["type"], "GraphMethodException");
        let (f, _) = clip(5_000);
        let id = uploaded(&base, &f, 5_000).await;
        let (s, v) = node(&base, &id, "status,no_such_field").await;
        assert_eq!((s, v["error"]["code"].as_i64()), (400, Some(100)));
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("no_such_field")
        );
        let (s, v) =
            answer(http().get(format!("{base}/v26.0/{id}?fields=status&access_token=bad"))).await;
        assert_eq!((s, v["error"]["code"].as_i64()), (400, Some(190)));
        let (s, v) = answer(http().get(format!("{base}/v26.0/{id}?fields=status"))).await;
        assert_eq!((s, v["error"]["code"].as_i64()), (400, Some(104)));
        assert_eq!(v["error"]["type"], "OAuthException");
        // Only the fields asked for, and the id.
        let (_, v) = node(&base, &id, "published").await;
        let mut keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        assert_eq!(keys, ["id", "published"]);
    }
}

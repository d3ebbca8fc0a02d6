//! The sandbox's YouTube held to YouTube's documented rules, with plain HTTP
//! requests written from Google's documentation (never through Lantoa's
//! connector): 256 KiB chunks, single-request uploads, the `part` parameter,
//! every snippet and status field checked and echoed, sessions that expire,
//! and every field recorded.

mod common;

use std::time::Duration;

use common::sandbox;
use lantoa_sandbox::{Mocks, Record};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const AUTH: &str = "Bearer ya29.test-token";

fn http() -> reqwest::Client {
    reqwest::Client::new()
}

fn records(m: &Mocks) -> Vec<Record> {
    m.records.lock().unwrap().clone()
}

/// The status, headers and JSON (`Null` when none) of a response.
async fn answer(r: reqwest::RequestBuilder) -> (u16, reqwest::header::HeaderMap, Value) {
    let r = r.header("authorization", AUTH).send().await.unwrap();
    let (status, headers) = (r.status().as_u16(), r.headers().clone());
    let text = r.text().await.unwrap();
    (
        status,
        headers,
        serde_json::from_str(&text).unwrap_or(Value::Null),
    )
}

/// The reason in Google's error body, after checking its shape.
fn reason(v: &Value) -> &str {
    assert!(v["error"]["code"].is_u64(), "not Google's error body: {v}");
    assert!(v["error"]["message"].is_string(), "{v}");
    v["error"]["errors"][0]["reason"].as_str().unwrap_or("")
}

/// Starts a resumable session for `size` bytes with this metadata: the
/// answer, and the session URI when there is one.
async fn start(base: &str, part: &str, meta: &Value, size: u64) -> (u16, Value, Option<String>) {
    let (status, headers, v) = answer(
        http()
            .post(format!(
                "{base}/upload/youtube/v3/videos?uploadType=resumable&part={part}"
            ))
            .header("content-type", "application/json; charset=UTF-8")
            .header("x-upload-content-length", size.to_string())
            .header("x-upload-content-type", "video/mp4")
            .body(meta.to_string()),
    )
    .await;
    let location = headers
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    (status, v, location)
}

fn ok_meta() -> Value {
    json!({"snippet": {"title": "Lễ ra quân", "description": "Sáng nay", "tags": ["a"]},
           "status": {"privacyStatus": "unlisted"}})
}

async fn put(
    session: &str,
    range: &str,
    body: Vec<u8>,
) -> (u16, reqwest::header::HeaderMap, Value) {
    answer(
        http()
            .put(session)
            .header("content-range", range)
            .body(body),
    )
    .await
}

#[tokio::test]
async fn chunks_other_than_the_last_are_multiples_of_256_kib() {
    let (m, base) = sandbox().await;
    let bytes: Vec<u8> = (0..600_000u32).map(|i| (i % 253) as u8).collect();
    let (_, _, session) = start(&base, "snippet,status", &ok_meta(), 600_000).await;
    let session = session.unwrap();
    let (status, _, v) = put(&session, "bytes 0-99999/600000", bytes[..100_000].to_vec()).await;
    assert_eq!((status, reason(&v)), (400, "badRequest"));
    let (status, h, _) = put(&session, "bytes 0-262143/600000", bytes[..262_144].to_vec()).await;
    assert_eq!(
        (status, h["range"].to_str().unwrap()),
        (308, "bytes=0-262143")
    );
    // The last chunk may be any length.
    let (status, _, v) = put(
        &session,
        "bytes 262144-599999/600000",
        bytes[262_144..].to_vec(),
    )
    .await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(records(&m)[0].sha256, hex::encode(Sha256::digest(&bytes)));
}

#[tokio::test]
async fn single_request_uploads_create_the_video_at_once() {
    let (m, base) = sandbox().await;
    let bytes = b"not really a video, but bytes".to_vec();
    // uploadType=media: only the bytes.
    let (status, _, v) = answer(
        http()
            .post(format!(
                "{base}/upload/youtube/v3/videos?uploadType=media&part=status"
            ))
            .header("content-type", "video/webm")
            .body(bytes.clone()),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"]["privacyStatus"], "public", "YouTube's default");
    assert!(v.get("snippet").is_none(), "only the parts asked for");
    // uploadType=multipart: the metadata, then the bytes.
    let mut body = b"--XyZ\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n".to_vec();
    body.extend(ok_meta().to_string().bytes());
    body.extend(b"\r\n--XyZ\r\nContent-Type: video/mp4\r\n\r\n");
    body.extend(&bytes);
    body.extend(b"\r\n--XyZ--\r\n");
    let (status, _, v) = answer(
        http()
            .post(format!(
                "{base}/upload/youtube/v3/videos?uploadType=multipart&part=snippet,status"
            ))
            .header("content-type", "multipart/related; boundary=XyZ")
            .body(body),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["snippet"]["title"], "Lễ ra quân");
    let r = records(&m);
    let sha = hex::encode(Sha256::digest(&bytes));
    assert_eq!(
        (r[0].sha256.as_str(), r[1].sha256.as_str()),
        (sha.as_str(), sha.as_str())
    );
    assert_eq!(
        (
            r[0].fields["content_type"].as_str(),
            r[1].fields["content_type"].as_str()
        ),
        (Some("video/webm"), Some("video/mp4"))
    );
    // A type YouTube does not take.
    let (status, _, _) = answer(
        http()
            .post(format!(
                "{base}/upload/youtube/v3/videos?uploadType=media&part=status"
            ))
            .header("content-type", "image/png")
            .body(bytes),
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn part_is_required_and_only_the_parts_asked_for_come_back() {
    let (_m, base) = sandbox().await;
    let (status, v, _) = start(&base, "", &ok_meta(), 10).await;
    assert_eq!((status, reason(&v)), (400, "required"));
    let (status, v, _) = start(&base, "snippet,nonsense", &ok_meta(), 10).await;
    assert_eq!((status, reason(&v)), (400, "unknownPart"));
    let (_, _, session) = start(&base, "snippet,status", &ok_meta(), 10).await;
    let (status, _, v) = put(&session.unwrap(), "bytes 0-9/10", vec![1; 10]).await;
    assert_eq!(status, 201);
    let id = v["id"].as_str().unwrap();
    let list =
        |part: &str| answer(http().get(format!("{base}/youtube/v3/videos?id={id}&part={part}")));
    let (status, _, v) = answer(http().get(format!("{base}/youtube/v3/videos?id={id}"))).await;
    assert_eq!((status, reason(&v)), (400, "required"));
    let (_, _, v) = list("status").await;
    let item = &v["items"][0];
    assert_eq!(item["status"]["privacyStatus"], "unlisted");
    assert!(
        item.get("snippet").is_none() && item.get("statistics").is_none(),
        "{item}"
    );
    let (_, _, v) = list("snippet,statistics").await;
    let item = &v["items"][0];
    assert_eq!(item["snippet"]["title"], "Lễ ra quân");
    assert!(item["statistics"]["viewCount"].is_string(), "{item}");
    assert!(item.get("status").is_none(), "{item}");
}

#[tokio::test]
async fn every_snippet_and_status_field_is_checked() {
    let (_m, base) = sandbox().await;
    let with = |snippet: Value, status: Value| json!({"snippet": snippet, "status": status});
    let title = |t: String| with(json!({"title": t}), json!({}));
    let cases = [
        (title(String::new()), "invalidTitle"),
        (title("x".repeat(101)), "invalidTitle"),
        (title("a <b>".into()), "invalidTitle"),
        (with(json!({"description": "x"}), json!({})), "invalidTitle"),
        (
            // 2,000 characters but 6,000 bytes: the limit is in bytes.
            with(
                json!({"title": "t", "description": "ệ".repeat(2000)}),
                json!({}),
            ),
            "invalidDescription",
        ),
        (
            with(
                json!({"title": "t", "tags": ["x".repeat(250), "y".repeat(250)]}),
                json!({}),
            ),
            "invalidTags",
        ),
        (
            // A tag with a space counts as quoted: 248 + 2 + 1 + 250 = 501.
            with(
                json!({"title": "t", "tags": [format!("{} a", "x".repeat(246)), "y".repeat(250)]}),
                json!({}),
            ),
            "invalidTags",
        ),
        (
            with(json!({"title": "t", "categoryId": "999"}), json!({})),
            "invalidCategoryId",
        ),
        (
            with(json!({"title": "t", "categoryId": 22}), json!({})),
            "badRequest",
        ),
        (
            with(json!({"title": "t", "colour": "red"}), json!({})),
            "badRequest",
        ),
        (
            with(json!({"title": "t"}), json!({"privacyStatus": "friends"})),
            "badRequest",
        ),
        (
            with(
                json!({"title": "t"}),
                json!({"selfDeclaredMadeForKids": "no"}),
            ),
            "badRequest",
        ),
        (
            with(json!({"title": "t"}), json!({"embeddable": 1})),
            "badRequest",
        ),
        (
            with(json!({"title": "t"}), json!({"license": "mine"})),
            "badRequest",
        ),
        (
            with(
                json!({"title": "t"}),
                json!({"privacyStatus": "public", "publishAt": "2030-01-01T00:00:00Z"}),
            ),
            "invalidPublishAt",
        ),
        (
            with(
                json!({"title": "t"}),
                json!({"privacyStatus": "private", "publishAt": "tomorrow"}),
            ),
            "invalidPublishAt",
        ),
        (
            json!({"snippet": {"title": "t"}, "flavour": {}}),
            "badRequest",
        ),
        (json!("not an object"), "parseError"),
    ];
    for (meta, want) in cases {
        let (status, v, session) = start(&base, "snippet,status", &meta, 10).await;
        assert_eq!(status, 400, "{meta}");
        assert_eq!(reason(&v), want, "{meta}");
        assert!(session.is_none());
    }
    // At the limits exactly: accepted.
    let edge = with(
        json!({"title": "t".repeat(100), "description": "x".repeat(5000),
               "tags": ["x".repeat(250), "y".repeat(249)]}),
        json!({}),
    );
    let (status, v, _) = start(&base, "snippet,status", &edge, 10).await;
    assert_eq!(status, 200, "{v}");
}

#[tokio::test]
async fn every_field_is_echoed_and_recorded_as_received() {
    let (m, base) = sandbox().await;
    let snippet = json!({"title": "Lễ ra quân", "description": "Sáng nay #tinhnha",
        "tags": ["tinhnha", "lễ hội"], "categoryId": "25", "defaultLanguage": "vi",
        "defaultAudioLanguage": "vi"});
    let status = json!({"privacyStatus": "private", "publishAt": "2030-01-01T00:00:00Z",
        "license": "creativeCommon", "embeddable": false, "publicStatsViewable": false,
        "selfDeclaredMadeForKids": true, "containsSyntheticMedia": false});
    let meta = json!({"snippet": snippet, "status": status});
    let (_, _, session) = start(&base, "snippet,status", &meta, 10).await;
    let (code, _, v) = put(&session.unwrap(), "bytes 0-9/10", vec![7; 10]).await;
    assert_eq!(code, 201);
    for (k, want) in snippet.as_object().unwrap() {
        assert_eq!(&v["snippet"][k], want, "snippet.{k}");
    }
    for (k, want) in status.as_object().unwrap() {
        assert_eq!(&v["status"][k], want, "status.{k}");
    }
    assert_eq!(v["status"]["uploadStatus"], "uploaded");
    let r = &records(&m)[0];
    assert_eq!(r.fields["snippet"], snippet);
    assert_eq!(r.fields["status"], status);
    assert_eq!(r.fields["content_type"], "video/mp4");
    assert_eq!(r.tags, vec!["tinhnha", "lễ hội"]);
    // Properties of a part the request did not name are not written.
    let (_, _, session) = start(&base, "snippet", &meta, 10).await;
    let (_, _, v) = put(&session.unwrap(), "bytes 0-9/10", vec![7; 10]).await;
    assert!(v.get("status").is_none());
    assert_eq!(records(&m)[1].fields["status"], json!({}));
}

#[tokio::test]
async fn upload_sessions_expire_and_then_answer_404() {
    let (_m, base) = sandbox().await;
    let (_, _, session) = start(&base, "snippet,status", &ok_meta(), 10).await;
    let session = session.unwrap();
    let (status, _, _) = put(&session, "bytes */10", vec![]).await;
    assert_eq!(status, 308);
    let r = http()
        .post(format!("{base}/__admin/config"))
        .header("content-type", "application/json")
        .body(json!({"youtube_session_ttl_s": 0.05}).to_string())
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (status, _, v) = put(&session, "bytes */10", vec![]).await;
    assert_eq!((status, reason(&v)), (404, "notFound"));
    // The default lifetime is a week.
    let v: Value = serde_json::from_str(
        &http()
            .post(format!("{base}/__admin/config"))
            .header("content-type", "application/json")
            .body(json!({"youtube_session_ttl_s": -1}).to_string())
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
    .unwrap_or(Value::Null);
    assert_eq!(v, Value::Null, "the admin call answers 204");
    let cfg: Value = serde_json::from_str(
        &http()
            .get(format!("{base}/__admin/config"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(cfg["youtube_session_ttl_s"], 7.0 * 24.0 * 3600.0);
}

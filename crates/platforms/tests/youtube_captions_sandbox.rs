//! The sandbox's caption tracks held to Google's documentation, with plain
//! HTTP requests written from the discovery document youtube.v3 and the
//! `captions.*` reference pages (never through Lantoa's client): the
//! scopes, `part` and `videoId`, every snippet field, the file, the owner of
//! the video, the 409 on a second track of the same language and name,
//! resumable uploads, listing and deleting, and the record of what arrived.

mod common;

use common::sandbox;
use lantoa_sandbox::Mocks;
use serde_json::{Value, json};

const AUTH: &str = "ya29.test-token";
const VTT: &str = "WEBVTT\n\n00:00.000 --> 00:02.000\nXin chào\n";

fn http() -> reqwest::Client {
    reqwest::Client::new()
}

async fn answer(r: reqwest::RequestBuilder) -> (u16, reqwest::header::HeaderMap, Value) {
    let r = r.send().await.unwrap();
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

/// A `multipart/related` body: the JSON, then the file.
fn related(meta: &str, media_type: &str, media: &[u8]) -> Vec<u8> {
    let mut b = format!(
        "--XyZ\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{meta}\r\n\
         --XyZ\r\nContent-Type: {media_type}\r\n\r\n"
    )
    .into_bytes();
    b.extend_from_slice(media);
    b.extend_from_slice(b"\r\n--XyZ--\r\n");
    b
}

/// `captions.insert` by multipart upload, with `query` after the path.
async fn insert(base: &str, token: &str, query: &str, meta: &Value, file: &[u8]) -> (u16, Value) {
    let (status, _, v) = answer(
        http()
            .post(format!("{base}/upload/youtube/v3/captions?{query}"))
            .bearer_auth(token)
            .header("content-type", "multipart/related; boundary=XyZ")
            .body(related(&meta.to_string(), "text/vtt", file)),
    )
    .await;
    (status, v)
}

fn snippet(video: &str, language: &str, name: &str) -> Value {
    json!({"snippet": {"videoId": video, "language": language, "name": name}})
}

/// A video on the channel of `token`'s client, uploaded in one request.
async fn video(base: &str, token: &str) -> String {
    let meta = json!({"snippet": {"title": "Lễ ra quân"}, "status": {"privacyStatus": "public"}});
    let mut body = b"--XyZ\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n".to_vec();
    body.extend(meta.to_string().bytes());
    body.extend(b"\r\n--XyZ\r\nContent-Type: video/mp4\r\n\r\nbytes\r\n--XyZ--\r\n");
    let (status, _, v) = answer(
        http()
            .post(format!(
                "{base}/upload/youtube/v3/videos?uploadType=multipart&part=snippet,status"
            ))
            .bearer_auth(token)
            .header("content-type", "multipart/related; boundary=XyZ")
            .body(body),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    v["id"].as_str().unwrap().to_string()
}

fn issue(m: &Mocks, token: &str, client: &str, scopes: &[&str]) {
    let scope: Vec<String> = scopes
        .iter()
        .map(|s| format!("https://www.googleapis.com/auth/{s}"))
        .collect();
    m.oauth.issue_access(token, client, &scope.join(" "), 3600);
}

#[tokio::test]
async fn only_the_force_ssl_and_youtubepartner_scopes_reach_captions() {
    let (m, base) = sandbox().await;
    let cases = [
        (&["youtube.upload"][..], 403),
        (
            &["youtube", "youtube.readonly", "yt-analytics.readonly"][..],
            403,
        ),
        (&["youtube.force-ssl"][..], 200),
        (&["youtubepartner"][..], 200),
    ];
    for (i, (scopes, want)) in cases.into_iter().enumerate() {
        let token = format!("ya29.scoped-{i}");
        issue(&m, &token, "one-app", &[&["youtube"][..], scopes].concat());
        let vid = video(&base, &token).await;
        let (status, v) = insert(
            &base,
            &token,
            "uploadType=multipart&part=snippet",
            &snippet(&vid, "vi", "Tiếng Việt"),
            VTT.as_bytes(),
        )
        .await;
        assert_eq!(status, want, "{scopes:?}: {v}");
        if want == 403 {
            assert_eq!(reason(&v), "insufficientPermissions");
            let (status, _, v) = answer(
                http()
                    .get(format!(
                        "{base}/youtube/v3/captions?part=snippet&videoId={vid}"
                    ))
                    .bearer_auth(&token),
            )
            .await;
            assert_eq!((status, reason(&v)), (403, "insufficientPermissions"));
        }
    }
    let (status, _, v) = answer(
        http()
            .get(format!("{base}/youtube/v3/captions?part=snippet&videoId=x"))
            .bearer_auth("not-google"),
    )
    .await;
    assert_eq!((status, reason(&v)), (401, "authError"));
}

#[tokio::test]
async fn every_parameter_and_snippet_field_is_checked() {
    let (_m, base) = sandbox().await;
    let vid = video(&base, AUTH).await;
    let ok_query = "uploadType=multipart&part=snippet";
    let with = |s: Value| json!({ "snippet": s });
    let cases: Vec<(&str, Value, &[u8], u16, &str)> = vec![
        (
            "uploadType=multipart",
            snippet(&vid, "vi", "a"),
            VTT.as_bytes(),
            400,
            "required",
        ),
        (
            "uploadType=multipart&part=snippet,flavour",
            snippet(&vid, "vi", "a"),
            VTT.as_bytes(),
            400,
            "unknownPart",
        ),
        (
            "uploadType=multipart&part=snippet&sync=maybe",
            snippet(&vid, "vi", "a"),
            VTT.as_bytes(),
            400,
            "invalidParameter",
        ),
        (
            "uploadType=chunked&part=snippet",
            snippet(&vid, "vi", "a"),
            VTT.as_bytes(),
            400,
            "invalidParameter",
        ),
        (ok_query, json!({}), VTT.as_bytes(), 400, "invalidMetadata"),
        (
            ok_query,
            with(json!({"language": "vi", "name": "a"})),
            VTT.as_bytes(),
            400,
            "invalidMetadata",
        ),
        (
            ok_query,
            with(json!({"videoId": vid, "name": "a"})),
            VTT.as_bytes(),
            400,
            "invalidMetadata",
        ),
        (
            ok_query,
            with(json!({"videoId": vid, "language": "vi"})),
            VTT.as_bytes(),
            400,
            "invalidMetadata",
        ),
        (
            ok_query,
            snippet(&vid, "tiếng việt", "a"),
            VTT.as_bytes(),
            400,
            "invalidMetadata",
        ),
        (
            ok_query,
            snippet(&vid, "vi", &"n".repeat(151)),
            VTT.as_bytes(),
            400,
            "nameTooLong",
        ),
        (
            ok_query,
            with(json!({"videoId": vid, "language": "vi", "name": "a", "isDraft": "no"})),
            VTT.as_bytes(),
            400,
            "badRequest",
        ),
        (
            ok_query,
            with(json!({"videoId": vid, "language": "vi", "name": "a", "colour": "red"})),
            VTT.as_bytes(),
            400,
            "badRequest",
        ),
        (
            ok_query,
            json!({"snippet": {"videoId": vid, "language": "vi", "name": "a"}, "extra": 1}),
            VTT.as_bytes(),
            400,
            "badRequest",
        ),
        (
            ok_query,
            snippet("nope", "vi", "a"),
            VTT.as_bytes(),
            404,
            "videoNotFound",
        ),
        (
            ok_query,
            snippet(&vid, "vi", "a"),
            b"",
            400,
            "contentRequired",
        ),
        (
            ok_query,
            snippet(&vid, "vi", "a"),
            b"just words, no times",
            400,
            "unknownFormat",
        ),
        (
            ok_query,
            snippet(&vid, "vi", "a"),
            b"WEBVTT\n\n00:09.000 --> 00:01.000\nbackwards\n",
            400,
            "unknownFormat",
        ),
    ];
    for (query, meta, file, status, want) in cases {
        let (got, v) = insert(&base, AUTH, query, &meta, file).await;
        assert_eq!((got, reason(&v)), (status, want), "{query} {meta}: {v}");
    }
    // At the limits, with the read-only fields a client may echo: accepted.
    let edge = json!({"kind": "youtube#caption", "snippet": {"videoId": vid,
        "language": "vi-VN", "name": "n".repeat(150), "isDraft": true,
        "trackKind": "standard", "status": "serving"}});
    let (status, v) = insert(
        &base,
        AUTH,
        "uploadType=multipart&part=snippet&sync=false",
        &edge,
        b"1\n00:00:00,000 --> 00:00:02,000\nXin chao\n",
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["kind"], "youtube#caption");
    let s = &v["snippet"];
    assert_eq!(
        (s["videoId"].as_str(), s["language"].as_str()),
        (Some(vid.as_str()), Some("vi-VN"))
    );
    assert_eq!(
        (s["isDraft"].as_bool(), s["trackKind"].as_str()),
        (Some(true), Some("standard"))
    );
    // part=id answers without the snippet.
    let (status, v) = insert(
        &base,
        AUTH,
        "uploadType=multipart&part=id",
        &snippet(&vid, "en", "b"),
        VTT.as_bytes(),
    )
    .await;
    assert_eq!(status, 200);
    assert!(v["id"].is_string() && v.get("snippet").is_none(), "{v}");
}

#[tokio::test]
async fn a_second_track_needs_another_language_or_name_and_only_the_owner_may_add_one() {
    let (m, base) = sandbox().await;
    let vid = video(&base, AUTH).await;
    let q = "uploadType=multipart&part=snippet";
    let (status, _) = insert(
        &base,
        AUTH,
        q,
        &snippet(&vid, "vi", "Tiếng Việt"),
        VTT.as_bytes(),
    )
    .await;
    assert_eq!(status, 200);
    let (status, v) = insert(
        &base,
        AUTH,
        q,
        &snippet(&vid, "vi", "Tiếng Việt"),
        VTT.as_bytes(),
    )
    .await;
    assert_eq!((status, reason(&v)), (409, "captionExists"));
    let (status, _) = insert(
        &base,
        AUTH,
        q,
        &snippet(&vid, "vi", "Bản đầy đủ"),
        VTT.as_bytes(),
    )
    .await;
    assert_eq!(status, 200, "same language, another name");
    // Another channel's token (another OAuth client): not its video.
    issue(
        &m,
        "ya29.other-channel",
        "someone-else",
        &["youtube.force-ssl"],
    );
    let (status, v) = insert(
        &base,
        "ya29.other-channel",
        q,
        &snippet(&vid, "en", "English"),
        VTT.as_bytes(),
    )
    .await;
    assert_eq!((status, reason(&v)), (403, "forbidden"));
    let (status, _, v) = answer(
        http()
            .get(format!(
                "{base}/youtube/v3/captions?part=snippet&videoId={vid}"
            ))
            .bearer_auth("ya29.other-channel"),
    )
    .await;
    assert_eq!((status, reason(&v)), (403, "forbidden"));
}

#[tokio::test]
async fn tracks_are_listed_recorded_and_deleted() {
    let (m, base) = sandbox().await;
    let vid = video(&base, AUTH).await;
    let q = "uploadType=multipart&part=snippet&onBehalfOfContentOwner=cms1";
    let (_, vi) = insert(
        &base,
        AUTH,
        q,
        &snippet(&vid, "vi", "Tiếng Việt"),
        VTT.as_bytes(),
    )
    .await;
    let vi = vi["id"].as_str().unwrap().to_string();
    let list = |query: String| {
        answer(
            http()
                .get(format!("{base}/youtube/v3/captions?{query}"))
                .bearer_auth(AUTH),
        )
    };
    let (status, _, v) = list(format!("videoId={vid}")).await;
    assert_eq!((status, reason(&v)), (400, "required"));
    let (status, _, v) = list("part=snippet".into()).await;
    assert_eq!((status, reason(&v)), (400, "required"));
    let (status, _, v) = list(format!("part=snippet&videoId={vid}")).await;
    assert_eq!(status, 200);
    assert_eq!(v["kind"], "youtube#captionListResponse");
    let item = &v["items"][0];
    assert_eq!(
        (item["id"].as_str(), item["snippet"]["name"].as_str()),
        (Some(vi.as_str()), Some("Tiếng Việt"))
    );
    let (_, _, v) = list(format!("part=id&videoId={vid}")).await;
    assert!(v["items"][0].get("snippet").is_none());
    // The record: what a test checks YouTube got.
    let r = m
        .records
        .lock()
        .unwrap()
        .iter()
        .find(|r| r.id == vi)
        .cloned()
        .unwrap();
    assert_eq!(
        (r.platform.as_str(), r.title.as_str(), r.text.as_str()),
        ("youtube", "Tiếng Việt", VTT)
    );
    for (k, want) in [
        ("kind", json!("youtube#caption")),
        ("videoId", json!(vid)),
        ("language", json!("vi")),
        ("name", json!("Tiếng Việt")),
        ("isDraft", json!(false)),
        ("format", json!("vtt")),
        ("content_type", json!("text/vtt")),
        ("onBehalfOfContentOwner", json!("cms1")),
    ] {
        assert_eq!(r.fields[k], want, "{k}");
    }
    let delete = |query: &str| {
        answer(
            http()
                .delete(format!("{base}/youtube/v3/captions?{query}"))
                .bearer_auth(AUTH),
        )
    };
    let (status, _, v) = delete("").await;
    assert_eq!((status, reason(&v)), (400, "required"));
    let (status, _, _) = delete(&format!("id={vi}")).await;
    assert_eq!(status, 204);
    let (status, _, v) = delete(&format!("id={vi}")).await;
    assert_eq!((status, reason(&v)), (404, "captionNotFound"));
    assert!(
        m.records
            .lock()
            .unwrap()
            .iter()
            .any(|r| r.id == vi && r.deleted)
    );
    // A deleted video's tracks go with it.
    let (_, en) = insert(
        &base,
        AUTH,
        q,
        &snippet(&vid, "en", "English"),
        VTT.as_bytes(),
    )
    .await;
    let en = en["id"].as_str().unwrap().to_string();
    let (status, _, _) = answer(
        http()
            .delete(format!("{base}/youtube/v3/videos?id={vid}"))
            .bearer_auth(AUTH),
    )
    .await;
    assert_eq!(status, 204);
    assert!(
        m.records
            .lock()
            .unwrap()
            .iter()
            .any(|r| r.id == en && r.deleted)
    );
    let (status, _, v) = list(format!("part=snippet&videoId={vid}")).await;
    assert_eq!((status, reason(&v)), (404, "videoNotFound"));
}

#[tokio::test]
async fn a_resumable_caption_upload_ends_with_the_track_and_repeats_it_to_a_probe() {
    let (m, base) = sandbox().await;
    let vid = video(&base, AUTH).await;
    let (status, headers, v) = answer(
        http()
            .post(format!(
                "{base}/resumable/upload/youtube/v3/captions?uploadType=resumable&part=snippet"
            ))
            .bearer_auth(AUTH)
            .header("content-type", "application/json; charset=UTF-8")
            .header("x-upload-content-length", VTT.len().to_string())
            .header("x-upload-content-type", "text/vtt")
            .body(snippet(&vid, "vi", "Tiếng Việt").to_string()),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let session = headers["location"].to_str().unwrap().to_string();
    let put = |range: String, body: &'static str| {
        answer(
            http()
                .put(&session)
                .bearer_auth(AUTH)
                .header("content-range", range)
                .body(body),
        )
    };
    let (status, headers, _) = put(format!("bytes */{}", VTT.len()), "").await;
    assert_eq!((status, headers.get("range").is_none()), (308, true));
    let (status, _, v) = put(format!("bytes 0-{}/{}", VTT.len() - 1, VTT.len()), VTT).await;
    assert_eq!(status, 200, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    let (status, _, again) = put(format!("bytes */{}", VTT.len()), "").await;
    assert_eq!((status, again["id"].as_str()), (200, Some(id.as_str())));
    let r = m
        .records
        .lock()
        .unwrap()
        .iter()
        .find(|r| r.id == id)
        .cloned()
        .unwrap();
    assert_eq!(
        (r.fields["upload_type"].as_str(), r.text.as_str()),
        (Some("resumable"), VTT)
    );
    // A start whose metadata is wrong is refused before any byte.
    let (status, _, v) = answer(
        http()
            .post(format!(
                "{base}/upload/youtube/v3/captions?uploadType=resumable&part=snippet"
            ))
            .bearer_auth(AUTH)
            .header("x-upload-content-length", "10")
            .body(snippet("nope", "vi", "a").to_string()),
    )
    .await;
    assert_eq!((status, reason(&v)), (404, "videoNotFound"));
}

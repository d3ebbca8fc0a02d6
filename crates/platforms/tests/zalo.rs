//! Zalo OA's connector and client against the sandbox, in process: the
//! poster as the article's thumbnail, the container and size checked before
//! any byte is sent, visibility read back from `article/getdetail`; and the
//! sandbox's own rules (upload type and size, token format, getdetail).

mod common;

use common::{connectors, run, sandbox};
use lantoa_platforms::ErrorClass;
use lantoa_platforms::connector::{Connector, Handle, Next, Post};
use lantoa_platforms::zalo::Zalo;
use lantoa_sandbox::{Mocks, Record};
use sha2::{Digest, Sha256};

const OA: &str = "zalo-oa-token";
const POSTER: &str = "https://cdn.example.vn/poster/123.jpg";

fn file(n: usize) -> (tempfile::NamedTempFile, String) {
    let bytes: Vec<u8> = (0..n).map(|i| (i * 13 % 251) as u8).collect();
    let f = tempfile::Builder::new().suffix(".mp4").tempfile().unwrap();
    std::fs::write(f.path(), &bytes).unwrap();
    (f, hex::encode(Sha256::digest(&bytes)))
}

fn post<'a>(f: &'a tempfile::NamedTempFile, size: u64, poster: Option<&'a str>) -> Post<'a> {
    Post {
        account: "oa-1",
        account_name: "Báo Tỉnh",
        token: OA,
        file: f.path(),
        size,
        title: "Lễ ra quân",
        description: "Sáng nay…",
        tags: &[],
        privacy: "public",
        category: None,
        content_type: "video/mp4",
        poster_url: poster,
        cover_ms: None,
        duration_ms: None,
        captions: &[],
        progress: &|_| {},
        resumed: false,
    }
}

fn records(m: &Mocks) -> Vec<Record> {
    m.records.lock().unwrap().clone()
}

async fn json(r: reqwest::Response) -> serde_json::Value {
    serde_json::from_slice(&r.bytes().await.unwrap()).unwrap()
}

/// A multipart upload of `bytes` as the field `file`, with these part headers.
fn multipart(part_headers: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let b = "sandboxboundary42";
    let mut body =
        format!("--{b}\r\nContent-Disposition: form-data; name=\"file\"; {part_headers}\r\n\r\n")
            .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}

async fn prepare(base: &str, token: &str, part_headers: &str, bytes: &[u8]) -> serde_json::Value {
    let (ct, body) = multipart(part_headers, bytes);
    json(
        reqwest::Client::new()
            .post(format!("{base}/v2.0/article/upload_video/preparevideo"))
            .header("access_token", token)
            .header("Content-Type", ct)
            .body(body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

// ------------------------------------------------------------ connector

#[tokio::test]
async fn the_poster_is_the_articles_avatar_and_shown_is_read_back() {
    let (m, base) = sandbox().await;
    let cs = connectors(&base);
    let (f, sha) = file(2000);
    let Next::Done { id, visibility, .. } =
        run(&cs.zalo, &post(&f, 2000, Some(POSTER)), Handle::default())
            .await
            .unwrap()
    else {
        unreachable!()
    };
    assert_eq!(
        (visibility.public, visibility.level.as_str()),
        (true, "show")
    );
    let r = records(&m);
    assert_eq!(
        (r[0].id.as_str(), r[0].sha256.as_str()),
        (id.as_str(), sha.as_str())
    );
    let fields = &r[0].fields;
    assert_eq!(fields["avatar"], POSTER);
    assert_eq!(
        (&fields["type"], &fields["status"], &fields["comment"]),
        (&"video".into(), &"show".into(), &"show".into())
    );
    assert_eq!(fields["title"], "Lễ ra quân");
    assert_eq!(fields["description"], "Sáng nay…");
    assert_eq!(fields["content_type"], "video/mp4");
}

#[tokio::test]
async fn a_run_that_marked_the_create_itself_creates_at_once_without_searching() {
    let (m, base) = sandbox().await;
    let cs = connectors(&base);
    let (f, _) = file(1000);
    let p = post(&f, 1000, None);
    let mut h = Handle::default();
    let mut saved = Vec::new();
    loop {
        match cs.zalo.step(&p, &h).await.unwrap() {
            Next::Save { handle, .. } => {
                saved.push(handle.clone());
                h = handle;
            }
            Next::Wait(d) => tokio::time::sleep(d).await,
            Next::Done { .. } => break,
        }
    }
    // The mark before the create, then the create itself: no listing
    // searched in between (it cost a poll interval and a scan each time).
    let marked = saved.iter().position(|h| h.finishing).unwrap();
    assert!(saved[marked].article_token.is_none());
    assert!(saved[marked + 1].article_token.is_some(), "{saved:#?}");
    assert!(saved.iter().all(|h| h.lookups == 0), "{saved:#?}");
    assert_eq!(records(&m).len(), 1);
}

#[tokio::test]
async fn without_a_poster_no_empty_avatar_is_sent() {
    let (m, base) = sandbox().await;
    let cs = connectors(&base);
    let (f, _) = file(1000);
    run(&cs.zalo, &post(&f, 1000, None), Handle::default())
        .await
        .unwrap();
    let fields = &records(&m)[0].fields;
    assert!(!fields.contains_key("avatar"), "{fields:?}");
    // An empty or non-URL avatar is refused by the sandbox, as Zalo does.
    let z = Zalo::new(&base);
    let up = z.upload_video(OA, f.path(), "a.mp4").await.unwrap();
    let video = loop {
        if let Some(v) = z.verify_video(OA, &up).await.unwrap().video_id {
            break v;
        }
    };
    let e = z
        .create_article(OA, "x", "x", &video, "not-a-url")
        .await
        .unwrap_err();
    assert_eq!((e.class, e.code.as_str()), (ErrorClass::FixContent, "-201"));
}

#[tokio::test]
async fn a_container_or_size_zalo_does_not_take_is_refused_before_upload() {
    let (m, base) = sandbox().await;
    let cs = connectors(&base);
    let (f, _) = file(1000);
    let mut p = post(&f, 1000, Some(POSTER));
    p.content_type = "video/quicktime";
    let e = run(&cs.zalo, &p, Handle::default()).await.unwrap_err();
    assert_eq!(
        (e.class, e.code.as_str()),
        (ErrorClass::FixContent, "zalo_container_not_accepted")
    );
    assert!(e.message.contains("mp4 or avi"), "{}", e.message);
    let mut p = post(&f, 50 * 1024 * 1024 + 1, Some(POSTER));
    p.content_type = "video/x-msvideo";
    let e = run(&cs.zalo, &p, Handle::default()).await.unwrap_err();
    assert_eq!(
        (e.class, e.code.as_str()),
        (ErrorClass::FixContent, "zalo_file_too_large")
    );
    assert_eq!(m.zalo.uploads_received(), 0, "nothing was sent");
}

#[tokio::test]
async fn a_hidden_article_is_reported_hidden_not_assumed_shown() {
    let (_m, base) = sandbox().await;
    let cs = connectors(&base);
    let z = Zalo::new(&base);
    let (f, _) = file(1000);
    let up = z.upload_video(OA, f.path(), "a.mp4").await.unwrap();
    let video = loop {
        if let Some(v) = z.verify_video(OA, &up).await.unwrap().video_id {
            break v;
        }
    };
    // A create reached Zalo without a status (Zalo's default: hidden) and
    // its answer was lost; the connector finds that article.
    let r = reqwest::Client::new()
        .post(format!("{base}/v2.0/article/create"))
        .header("access_token", OA)
        .header("Content-Type", "application/json")
        .body(
            serde_json::json!({"type": "video", "title": "Lễ ra quân",
                "description": "x", "video_id": video, "avatar": POSTER})
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(json(r).await["error"], 0);
    let h = Handle {
        upload_token: Some(up),
        video_id: Some(video),
        uploaded: true,
        finishing: true,
        ..Handle::default()
    };
    // A later run picks the post up where the earlier one left it.
    let later = Post {
        resumed: true,
        ..post(&f, 1000, Some(POSTER))
    };
    let Next::Done { visibility, .. } = run(&cs.zalo, &later, h).await.unwrap() else {
        unreachable!()
    };
    assert_eq!(
        (visibility.public, visibility.level.as_str()),
        (false, "hide")
    );
}

// ------------------------------------------------------------ sandbox rules

#[tokio::test]
async fn the_upload_takes_mp4_or_avi_only() {
    let (_m, base) = sandbox().await;
    let v = prepare(
        &base,
        OA,
        "filename=\"a.mov\"\r\nContent-Type: video/quicktime",
        b"x",
    )
    .await;
    assert_eq!(v["error"], -201, "{v}");
    // A type given by the file name alone, as many clients send.
    let v = prepare(&base, OA, "filename=\"a.avi\"", b"x").await;
    assert_eq!(v["error"], 0, "{v}");
    let v = prepare(&base, OA, "filename=\"a.webm\"", b"x").await;
    assert_eq!(v["error"], -201, "{v}");
    let v = prepare(&base, OA, "filename=\"a\"\r\nContent-Type: video/mp4", b"x").await;
    assert_eq!(v["error"], 0, "{v}");
}

#[tokio::test]
async fn the_upload_takes_at_most_50_mb() {
    let (_m, base) = sandbox().await;
    let big = vec![0u8; 50 * 1024 * 1024 + 1];
    let v = prepare(
        &base,
        OA,
        "filename=\"a.mp4\"\r\nContent-Type: video/mp4",
        &big,
    )
    .await;
    assert_eq!(v["error"], -201, "{v}");
    assert!(v["message"].as_str().unwrap().contains("50MB"), "{v}");
    let v = prepare(
        &base,
        OA,
        "filename=\"a.mp4\"\r\nContent-Type: video/mp4",
        &big[1..],
    )
    .await;
    assert_eq!(v["error"], 0);
}

#[tokio::test]
async fn the_token_goes_in_the_access_token_header_well_formed_and_alive() {
    let (m, base) = sandbox().await;
    let get = |f: fn(reqwest::RequestBuilder) -> reqwest::RequestBuilder| {
        let url = format!("{base}/v2.0/article/getslice?offset=0&limit=10&type=video");
        async move { json(f(reqwest::Client::new().get(url)).send().await.unwrap()).await }
    };
    assert_eq!(get(|r| r.header("access_token", OA)).await["error"], 0);
    // Not as a bearer token, not with stray characters.
    assert_eq!(get(|r| r.bearer_auth(OA)).await["error"], -216);
    assert_eq!(
        get(|r| r.header("access_token", "Bearer zalo-oa-token")).await["error"],
        -216
    );
    assert_eq!(
        get(|r| r.header("access_token", "short")).await["error"],
        -216
    );
    // A token the sandbox issued is refused once revoked.
    let issued = "issued-token-0123456789";
    m.oauth.issue_access(issued, "zalo-app", "", 3600);
    let h = |r: reqwest::RequestBuilder| r.header("access_token", "issued-token-0123456789");
    assert_eq!(get(h).await["error"], 0);
    let r = reqwest::Client::new()
        .post(format!("{base}/__admin/oauth"))
        .header("Content-Type", "application/json")
        .body(r#"{"revoke_all": true}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(get(h).await["error"], -216);
}

#[tokio::test]
async fn getdetail_gives_the_article_as_created_and_refuses_an_unknown_id() {
    let (_m, base) = sandbox().await;
    let cs = connectors(&base);
    let (f, _) = file(1000);
    let Next::Done { id, .. } = run(&cs.zalo, &post(&f, 1000, Some(POSTER)), Handle::default())
        .await
        .unwrap()
    else {
        unreachable!()
    };
    let z = Zalo::new(&base);
    let d = z.article_detail(OA, &id).await.unwrap();
    assert_eq!(
        (d.id.as_str(), d.status.as_deref(), d.title.as_str()),
        (id.as_str(), Some("show"), "Lễ ra quân")
    );
    let e = z.article_detail(OA, "nope").await.unwrap_err();
    assert_eq!(e.code, "-201");
}

//! The YouTube connector against the sandbox's YouTube, in process over real
//! HTTP: an upload session that expires mid-upload, the privacy asked for and
//! the one YouTube reports, the metadata sent, the channel's daily cap, and
//! the scopes `videos.delete` needs.

mod common;

use std::time::Duration;

use common::{connectors, sandbox};
use lantoa_platforms::connector::{Connector, Connectors, Handle, Limit, Next, Post, Visibility};
use lantoa_platforms::text::{self, Content};
use lantoa_platforms::youtube::YouTube;
use lantoa_platforms::{ErrorClass, Platform};
use lantoa_sandbox::{Mocks, Record};
use sha2::{Digest, Sha256};

const TOKEN: &str = "ya29.test-token";

/// A file of `n` bytes and its SHA-256.
fn clip(n: usize) -> (tempfile::NamedTempFile, String) {
    let bytes: Vec<u8> = (0..n).map(|i| (i * 31 % 251) as u8).collect();
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), &bytes).unwrap();
    (f, hex::encode(Sha256::digest(&bytes)))
}

/// What a post asks for, apart from the file and the progress callback.
#[derive(Clone)]
struct Ask {
    privacy: &'static str,
    category: Option<&'static str>,
    content_type: &'static str,
    tags: Vec<String>,
}

impl Default for Ask {
    fn default() -> Ask {
        Ask {
            privacy: "public",
            category: None,
            content_type: "video/mp4",
            tags: vec!["tinhnha".into()],
        }
    }
}

fn post<'a>(
    ask: &'a Ask,
    file: &'a std::path::Path,
    size: u64,
    progress: &'a (dyn Fn(f64) + Send + Sync),
) -> Post<'a> {
    Post {
        account: "UC1",
        account_name: "Báo Tỉnh",
        token: TOKEN,
        file,
        size,
        title: "Lễ ra quân",
        description: "Sáng nay… #tinhnha",
        tags: &ask.tags,
        privacy: ask.privacy,
        category: ask.category,
        content_type: ask.content_type,
        poster_url: None,
        cover_ms: None,
        duration_ms: None,
        captions: &[],
        progress,
        resumed: false,
    }
}

/// Steps a post until it is done, saving every handle as the publisher does;
/// returns the handles saved and the end.
async fn publish(cs: &Connectors, p: &Post<'_>, mut h: Handle) -> (Vec<Handle>, Next) {
    let mut saved = Vec::new();
    for _ in 0..50 {
        match cs.youtube.step(p, &h).await.unwrap() {
            Next::Save { handle, .. } => {
                saved.push(handle.clone());
                h = handle;
            }
            Next::Wait(d) => tokio::time::sleep(d).await,
            done @ Next::Done { .. } => return (saved, done),
        }
    }
    panic!("not done after 50 steps: {h:?}");
}

fn visibility(n: &Next) -> &Visibility {
    match n {
        Next::Done { visibility, .. } => visibility,
        other => panic!("not done: {other:?}"),
    }
}

fn records(m: &Mocks) -> Vec<Record> {
    m.records.lock().unwrap().clone()
}

async fn admin(base: &str, config: serde_json::Value) {
    let r = reqwest::Client::new()
        .post(format!("{base}/__admin/config"))
        .header("content-type", "application/json")
        .body(config.to_string())
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
}

#[tokio::test]
async fn a_session_expired_mid_upload_starts_a_new_one_counted_as_the_same_upload() {
    let (m, base) = sandbox().await;
    let cs = connectors(&base);
    let (f, sha) = clip(600_000);
    // The session expires once the first chunk is about to go (after the
    // probe said where to start): that chunk's PUT gets 404.
    let expire = {
        let m = m.clone();
        move |_: f64| m.youtube.set_session_ttl(Some(Duration::ZERO))
    };
    let ask = Ask::default();
    let p = post(&ask, f.path(), 600_000, &expire);
    let fresh = Handle::default();
    assert_eq!(cs.youtube.limit(&fresh), Some(Limit::YouTubeUpload));
    let Next::Save {
        handle: started, ..
    } = cs.youtube.step(&p, &fresh).await.unwrap()
    else {
        panic!("the session was not saved");
    };
    assert!(started.session.is_some());
    assert_eq!(cs.youtube.limit(&started), None);
    let next = cs.youtube.step(&p, &started).await.unwrap();
    let Next::Save {
        handle: restarted,
        state,
    } = next
    else {
        panic!("an expired session must start again, not fail: {next:?}");
    };
    assert_eq!(state, "queued");
    assert_eq!(
        (restarted.session.as_deref(), restarted.restarts),
        (None, 1)
    );
    assert_eq!(
        cs.youtube.limit(&restarted),
        None,
        "the new session is the same upload: not counted again"
    );
    // The new session completes; one video, with the exact bytes.
    m.youtube.set_session_ttl(None);
    let quiet = |_: f64| {};
    let p = post(&ask, f.path(), 600_000, &quiet);
    let (saved, done) = publish(&cs, &p, restarted).await;
    assert!(
        saved
            .iter()
            .all(|h| h.restarts == 1 && cs.youtube.limit(h).is_none())
    );
    assert!(matches!(done, Next::Done { .. }));
    let r = records(&m);
    assert_eq!((r.len(), r[0].sha256.as_str()), (1, sha.as_str()));
    // A handle saved before `restarts` existed still loads, as a first session.
    let old: Handle =
        serde_json::from_str(r#"{"session":"https://x/upload?upload_id=1"}"#).unwrap();
    assert_eq!(old.restarts, 0);
}

#[tokio::test]
async fn the_privacy_asked_is_sent_and_the_one_youtube_gives_is_read_back() {
    let (m, base) = sandbox().await;
    let cs = connectors(&base);
    let (f, _) = clip(300_000);
    let quiet = |_: f64| {};
    let mut seen = Vec::new();
    for privacy in ["unlisted", "public", "private"] {
        let ask = Ask {
            privacy,
            ..Ask::default()
        };
        let p = post(&ask, f.path(), 300_000, &quiet);
        let (_, done) = publish(&cs, &p, Handle::default()).await;
        seen.push(visibility(&done).clone());
    }
    let level = |l: &str| Visibility {
        public: l == "public",
        level: l.into(),
        reason: None,
    };
    assert_eq!(
        seen,
        vec![level("unlisted"), level("public"), level("private")]
    );
    let sent: Vec<_> = records(&m)
        .iter()
        .map(|r| r.fields["status"]["privacyStatus"].clone())
        .collect();
    assert_eq!(sent, ["unlisted", "public", "private"]);

    // An unaudited project: YouTube makes the upload private, and says why
    // only in its documentation.
    admin(&base, serde_json::json!({"youtube_unaudited": true})).await;
    let ask = Ask::default();
    let p = post(&ask, f.path(), 300_000, &quiet);
    let (saved, done) = publish(&cs, &p, Handle::default()).await;
    let v = visibility(&done);
    assert_eq!((v.public, v.level.as_str()), (false, "private"));
    let reason = v.reason.as_deref().unwrap_or("");
    assert!(
        reason.contains("unverified API projects created after 28 July 2020"),
        "{v:?}"
    );
    assert_eq!(
        saved.last().unwrap().privacy.as_deref(),
        Some("private"),
        "videos.insert's answer is kept"
    );
    assert_eq!(records(&m)[3].fields["status"]["privacyStatus"], "public");
    // Asking for private on an unaudited project is no surprise: no reason.
    let ask = Ask {
        privacy: "private",
        ..Ask::default()
    };
    let p = post(&ask, f.path(), 300_000, &quiet);
    let (_, done) = publish(&cs, &p, Handle::default()).await;
    assert_eq!(visibility(&done), &level("private"));
}

#[tokio::test]
async fn category_tags_and_the_real_mime_type_arrive() {
    let (m, base) = sandbox().await;
    let cs = connectors(&base);
    let (f, _) = clip(300_000);
    let quiet = |_: f64| {};
    // Tags as the text rules build them for YouTube: without "#".
    let hashtags = vec!["#tinhnha".to_string(), "#Lý_Sơn".to_string()];
    let variants = Default::default();
    let built = text::build(
        &Content {
            title: "Lễ ra quân",
            caption: "Sáng nay",
            variants: &variants,
            hashtags: &hashtags,
        },
        Platform::YouTube,
    );
    let ask = Ask {
        category: Some("25"),
        content_type: "video/quicktime",
        tags: built.tags,
        ..Ask::default()
    };
    let p = post(&ask, f.path(), 300_000, &quiet);
    publish(&cs, &p, Handle::default()).await;
    let r = &records(&m)[0];
    assert_eq!(r.fields["snippet"]["categoryId"], "25");
    assert_eq!(
        r.fields["snippet"]["tags"],
        serde_json::json!(["tinhnha", "Lý_Sơn"])
    );
    assert_eq!(r.fields["content_type"], "video/quicktime");
    // No category: none is sent (YouTube uses the channel's default).
    let ask = Ask::default();
    let p = post(&ask, f.path(), 300_000, &quiet);
    publish(&cs, &p, Handle::default()).await;
    assert!(records(&m)[1].fields["snippet"].get("categoryId").is_none());
    // A category YouTube does not know is refused before any byte.
    let ask = Ask {
        category: Some("999"),
        ..Ask::default()
    };
    let p = post(&ask, f.path(), 300_000, &quiet);
    let e = cs.youtube.step(&p, &Handle::default()).await.unwrap_err();
    assert_eq!(
        (e.class, e.code.as_str()),
        (ErrorClass::FixContent, "invalidCategoryId")
    );
}

#[tokio::test]
async fn the_channels_daily_cap_is_paced_until_the_quota_resets() {
    let (_m, base) = sandbox().await;
    let cs = connectors(&base);
    admin(&base, serde_json::json!({"youtube_daily_uploads": 1})).await;
    let (f, _) = clip(1000);
    let quiet = |_: f64| {};
    let ask = Ask::default();
    let p = post(&ask, f.path(), 1000, &quiet);
    publish(&cs, &p, Handle::default()).await;
    let e = cs.youtube.step(&p, &Handle::default()).await.unwrap_err();
    // What the publisher waits on until the next midnight Pacific time.
    assert_eq!(
        (e.class, e.code.as_str(), e.status),
        (ErrorClass::Permanent, "uploadLimitExceeded", Some(400))
    );
}

/// An access token from the sandbox's Google OAuth, granted `scope`.
async fn token_with(base: &str, scope: &str) -> String {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let redirect = "http://127.0.0.1:9/cb";
    let ask = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("client_id", "sandbox-youtube"),
            ("redirect_uri", redirect),
            ("response_type", "code"),
            ("scope", scope),
            ("access_type", "offline"),
            ("auto", "1"),
        ])
        .finish();
    let consent = http
        .get(format!("{base}/o/oauth2/auth?{ask}"))
        .send()
        .await
        .unwrap();
    let location = consent.headers()["location"].to_str().unwrap().to_string();
    let query = location.split_once('?').unwrap().1;
    let code = form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let form = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", "sandbox-youtube"),
            ("client_secret", "s"),
            ("redirect_uri", redirect),
        ])
        .finish();
    let answer = http
        .post(format!("{base}/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let t: serde_json::Value = serde_json::from_str(&answer).unwrap();
    t["access_token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn deleting_needs_the_youtube_scope_not_only_upload() {
    let (_m, base) = sandbox().await;
    let yt = YouTube::new(&base);
    let (f, _) = clip(1000);
    let upload_only = token_with(
        &base,
        "https://www.googleapis.com/auth/youtube.upload \
         https://www.googleapis.com/auth/youtube.readonly",
    )
    .await;
    let full = token_with(&base, "https://www.googleapis.com/auth/youtube").await;
    let cs = connectors(&base);
    let quiet = |_: f64| {};
    let ask = Ask::default();
    let mut p = post(&ask, f.path(), 1000, &quiet);
    p.token = &upload_only;
    let (_, done) = publish(&cs, &p, Handle::default()).await;
    let Next::Done { id, .. } = done else {
        unreachable!()
    };
    let e = yt.delete(&upload_only, &id).await.unwrap_err();
    assert_eq!(
        (e.status, e.code.as_str()),
        (Some(403), "insufficientPermissions")
    );
    assert_eq!(
        e.class,
        ErrorClass::Reconnect,
        "reconnecting grants the scope"
    );
    cs.youtube.delete(&full, "UC1", &id).await.unwrap();
    assert_eq!(
        yt.status(&full, &id).await.unwrap().upload_status,
        "deleted"
    );
}

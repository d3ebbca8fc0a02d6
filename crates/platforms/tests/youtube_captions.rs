//! Caption tracks through the YouTube connector and client, against the
//! sandbox's YouTube (held to Google's discovery document and client by
//! youtube_captions_sandbox.rs and tests/platform-clients/test_youtube.py):
//! each track sent once with the handle saved after it, a crash after a
//! track went out not sending it twice, a channel connected before captions
//! (no `youtube.force-ssl`) asked to reconnect, and YouTube's automatic
//! track not taken for Lantoa's.

mod common;

use common::{connectors, sandbox};
use lantoa_platforms::connector::{Caption, Connector, Connectors, Handle, Next, Post};
use lantoa_platforms::oauth::GOOGLE_SCOPES;
use lantoa_platforms::youtube::YouTube;
use lantoa_platforms::{ErrorClass, PlatformError};
use lantoa_sandbox::{Mocks, Record};

const TOKEN: &str = "ya29.test-token";

const VI: &str = "WEBVTT\n\n00:00.000 --> 00:01.500\nSáng nay, tỉnh tổ chức lễ ra quân.\n";
const EN: &str = "WEBVTT\n\n00:00.000 --> 00:01.500\nThis morning, the province launched.\n";

fn tracks() -> Vec<Caption> {
    vec![
        Caption {
            lang: "vi".into(),
            name: "Tiếng Việt".into(),
            vtt: VI.into(),
        },
        Caption {
            lang: "en".into(),
            name: "English".into(),
            vtt: EN.into(),
        },
    ]
}

fn clip() -> tempfile::NamedTempFile {
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), vec![7u8; 1000]).unwrap();
    f
}

fn post<'a>(captions: &'a [Caption], file: &'a std::path::Path, token: &'a str) -> Post<'a> {
    Post {
        account: "UC1",
        account_name: "Báo Tỉnh",
        token,
        file,
        size: 1000,
        title: "Lễ ra quân",
        description: "Sáng nay",
        tags: &[],
        privacy: "public",
        category: None,
        content_type: "video/mp4",
        poster_url: None,
        cover_ms: None,
        duration_ms: None,
        captions,
        progress: &|_| {},
        resumed: false,
    }
}

/// Steps until done or the first error, saving every handle: the handles
/// saved, and the end.
async fn publish(
    cs: &Connectors,
    p: &Post<'_>,
    mut h: Handle,
) -> (Vec<Handle>, Result<Next, PlatformError>) {
    let mut saved = Vec::new();
    for _ in 0..50 {
        match cs.youtube.step(p, &h).await {
            Ok(Next::Save { handle, .. }) => {
                saved.push(handle.clone());
                h = handle;
            }
            Ok(Next::Wait(d)) => tokio::time::sleep(d).await,
            end => return (saved, end),
        }
    }
    panic!("not done after 50 steps: {h:?}");
}

/// The caption tracks the sandbox received, oldest first.
fn tracks_received(m: &Mocks) -> Vec<Record> {
    m.records
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.fields.get("kind").and_then(|k| k.as_str()) == Some("youtube#caption"))
        .cloned()
        .collect()
}

fn languages(r: &[Record]) -> Vec<&str> {
    r.iter()
        .map(|r| r.fields["language"].as_str().unwrap())
        .collect()
}

/// The handle saved once the video exists, before any track.
fn uploaded(saved: &[Handle]) -> Handle {
    saved
        .iter()
        .find(|h| h.video_id.is_some())
        .expect("the upload was saved")
        .clone()
}

#[tokio::test]
async fn each_track_is_sent_once_with_the_handle_saved_after_it() {
    let (m, base) = sandbox().await;
    let cs = connectors(&base);
    let f = clip();
    let caps = tracks();
    let p = post(&caps, f.path(), TOKEN);
    let (saved, end) = publish(&cs, &p, Handle::default()).await;
    let Ok(Next::Done { id, .. }) = end else {
        panic!("{end:?}")
    };
    // One track per saved step, in order.
    let steps: Vec<Vec<String>> = saved
        .iter()
        .filter(|h| h.video_id.is_some())
        .map(|h| h.captions.clone())
        .collect();
    assert_eq!(
        steps,
        vec![
            vec![],
            vec!["vi".to_string()],
            vec!["vi".into(), "en".into()]
        ]
    );
    let got = tracks_received(&m);
    assert_eq!(languages(&got), vec!["vi", "en"]);
    for (r, c) in got.iter().zip(&caps) {
        assert_eq!(r.fields["videoId"], id.as_str());
        assert_eq!(r.fields["name"], c.name.as_str());
        assert_eq!(r.fields["isDraft"], false);
        assert_eq!(r.fields["format"], "vtt");
        assert_eq!(r.text, c.vtt);
    }
    // The finished handle sends nothing more, even stepped again.
    let last = saved.last().unwrap().clone();
    let (_, again) = publish(&cs, &p, last).await;
    assert!(matches!(again, Ok(Next::Done { .. })));
    assert_eq!(tracks_received(&m).len(), 2);
    // A post without captions is untouched by them.
    let (saved, _) = publish(&cs, &post(&[], f.path(), TOKEN), Handle::default()).await;
    assert!(saved.iter().all(|h| h.captions.is_empty()));
    assert_eq!(tracks_received(&m).len(), 2);
    // Handles without captions serialise as before.
    assert!(
        !serde_json::to_string(&Handle::default())
            .unwrap()
            .contains("captions")
    );
}

#[tokio::test]
async fn a_track_sent_before_a_crash_is_not_sent_again() {
    let (m, base) = sandbox().await;
    let cs = connectors(&base);
    let f = clip();
    let caps = tracks();
    let p = post(&caps, f.path(), TOKEN);
    // The run reaches the first track, which YouTube gets; the process dies
    // before the handle saying so is saved.
    let mut h = Handle::default();
    while h.video_id.is_none() {
        let Next::Save { handle, .. } = cs.youtube.step(&p, &h).await.unwrap() else {
            continue;
        };
        h = handle;
    }
    let before = h.clone();
    let Next::Save { handle, .. } = cs.youtube.step(&p, &before).await.unwrap() else {
        panic!("the track's handle was not saved")
    };
    assert_eq!(handle.captions, vec!["vi"]);
    assert_eq!(languages(&tracks_received(&m)), vec!["vi"]);
    // The next run resumes from the handle last saved.
    let resumed = Post {
        resumed: true,
        ..post(&caps, f.path(), TOKEN)
    };
    let (saved, end) = publish(&cs, &resumed, before.clone()).await;
    assert!(matches!(end, Ok(Next::Done { .. })), "{end:?}");
    assert_eq!(
        saved[0].captions,
        vec!["vi", "en"],
        "the listing found vi: only en was sent"
    );
    assert_eq!(languages(&tracks_received(&m)), vec!["vi", "en"]);
    // A run that did not know it was resuming: YouTube's 409 captionExists
    // (same language and name) stops both tracks, taken as sent.
    let (saved, end) = publish(&cs, &p, before).await;
    assert!(matches!(end, Ok(Next::Done { .. })), "{end:?}");
    assert_eq!(saved.last().unwrap().captions, vec!["vi", "en"]);
    assert_eq!(tracks_received(&m).len(), 2);
}

#[tokio::test]
async fn a_channel_connected_without_force_ssl_is_asked_to_reconnect_and_then_goes_on() {
    let (m, base) = sandbox().await;
    let cs = connectors(&base);
    // What Lantoa asked Google for before captions: `youtube` and Analytics.
    let before = "ya29.connected-before-captions";
    m.oauth.issue_access(
        before,
        "lantoa",
        "https://www.googleapis.com/auth/youtube https://www.googleapis.com/auth/yt-analytics.readonly",
        3600,
    );
    let f = clip();
    let caps = tracks();
    let (saved, end) = publish(&cs, &post(&caps, f.path(), before), Handle::default()).await;
    let e = end.unwrap_err();
    assert_eq!(
        (e.class, e.status, e.code.as_str()),
        (ErrorClass::Reconnect, Some(403), "insufficientPermissions")
    );
    assert!(tracks_received(&m).is_empty());
    let h = saved.last().unwrap().clone();
    assert!(h.video_id.is_some() && h.captions.is_empty(), "{h:?}");
    // Connected again, with the scopes Lantoa asks for now: the same
    // publication goes on from its handle, the video is not sent again.
    let now = "ya29.connected-again";
    m.oauth
        .issue_access(now, "lantoa", &GOOGLE_SCOPES.join(" "), 3600);
    let again = Post {
        resumed: true,
        ..post(&caps, f.path(), now)
    };
    let (_, end) = publish(&cs, &again, h).await;
    assert!(matches!(end, Ok(Next::Done { .. })), "{end:?}");
    assert_eq!(languages(&tracks_received(&m)), vec!["vi", "en"]);
    let videos = m
        .records
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.fields.contains_key("snippet"))
        .count();
    assert_eq!(videos, 1);
}

#[tokio::test]
async fn youtubes_automatic_track_is_not_taken_for_ours() {
    let (m, base) = sandbox().await;
    m.youtube.set_asr_captions(true);
    let cs = connectors(&base);
    let f = clip();
    let caps = tracks();
    let p = post(&[], f.path(), TOKEN);
    let (saved, _) = publish(&cs, &p, Handle::default()).await;
    let h = uploaded(&saved);
    let yt = YouTube::new(&base);
    let video = h.video_id.clone().unwrap();
    // The sandbox lists an ASR track in Vietnamese; the client leaves it out.
    let raw = reqwest::Client::new()
        .get(format!(
            "{base}/youtube/v3/captions?part=snippet&videoId={video}"
        ))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let raw: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(raw["items"][0]["snippet"]["trackKind"], "ASR");
    assert!(yt.list_captions(TOKEN, &video).await.unwrap().is_empty());
    let resumed = Post {
        resumed: true,
        ..post(&caps, f.path(), TOKEN)
    };
    let (_, end) = publish(&cs, &resumed, h).await;
    assert!(matches!(end, Ok(Next::Done { .. })), "{end:?}");
    assert_eq!(languages(&tracks_received(&m)), vec!["vi", "en"]);
}

#[tokio::test]
async fn the_client_inserts_lists_and_deletes_tracks() {
    let (m, base) = sandbox().await;
    let cs = connectors(&base);
    let f = clip();
    let (_, end) = publish(&cs, &post(&[], f.path(), TOKEN), Handle::default()).await;
    let Ok(Next::Done { id: video, .. }) = end else {
        panic!("{end:?}")
    };
    let yt = YouTube::new(&base);
    let srt = "1\n00:00:00,000 --> 00:00:01,500\nXin chào\n";
    let vi = yt
        .insert_caption(
            TOKEN,
            &video,
            "vi",
            "Tiếng Việt",
            srt,
            "application/x-subrip",
        )
        .await
        .unwrap();
    let en = yt
        .insert_caption(TOKEN, &video, "en", "English", EN, "text/vtt")
        .await
        .unwrap();
    let listed = yt.list_captions(TOKEN, &video).await.unwrap();
    assert_eq!(
        listed,
        vec![
            (vi.clone(), "vi".into(), "Tiếng Việt".into()),
            (en.clone(), "en".into(), "English".into())
        ]
    );
    let r = tracks_received(&m);
    assert_eq!(
        (
            r[0].fields["format"].as_str(),
            r[0].fields["content_type"].as_str()
        ),
        (Some("srt"), Some("application/x-subrip"))
    );
    // The same language and name again: YouTube's 409, kept for the connector.
    let e = yt
        .insert_caption(TOKEN, &video, "vi", "Tiếng Việt", srt, "text/plain")
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code.as_str()),
        (Some(409), lantoa_platforms::youtube::CAPTION_EXISTS)
    );
    // A file that is no subtitle: fix the content.
    let e = yt
        .insert_caption(TOKEN, &video, "fr", "Français", "bonjour", "text/vtt")
        .await
        .unwrap_err();
    assert_eq!(e.class, ErrorClass::FixContent);
    yt.delete_caption(TOKEN, &vi).await.unwrap();
    yt.delete_caption(TOKEN, &vi).await.unwrap();
    assert_eq!(yt.list_captions(TOKEN, &video).await.unwrap().len(), 1);
    assert!(tracks_received(&m)[0].deleted);
}

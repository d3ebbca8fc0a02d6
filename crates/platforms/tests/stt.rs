//! The speech-to-text client against the sandbox's OpenAI-style server, in
//! process over real HTTP: the form it sends (checked and recorded by the
//! sandbox), the default script's stock hallucination dropped by the
//! guards, a 500 worth retrying, a 400 with the server's words, a key, a
//! server that is down or never answers.

mod common;

use std::time::Duration;

use common::sandbox;
use lantoa_platforms::ErrorClass;
use lantoa_platforms::stt::{Stt, guard, why};
use serde_json::json;

/// A mono 16 kHz 16-bit WAV file of `seconds` of silence.
fn wav(seconds: f64) -> tempfile::NamedTempFile {
    let data = (seconds * 16_000.0) as usize * 2;
    let mut b = Vec::new();
    b.extend(b"RIFF");
    b.extend(((36 + data) as u32).to_le_bytes());
    b.extend(b"WAVEfmt ");
    b.extend(16u32.to_le_bytes());
    b.extend(1u16.to_le_bytes());
    b.extend(1u16.to_le_bytes());
    b.extend(16_000u32.to_le_bytes());
    b.extend(32_000u32.to_le_bytes());
    b.extend(2u16.to_le_bytes());
    b.extend(16u16.to_le_bytes());
    b.extend(b"data");
    b.extend((data as u32).to_le_bytes());
    b.extend(vec![0u8; data]);
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), b).unwrap();
    f
}

async fn admin(base: &str, body: serde_json::Value) {
    let r = reqwest::Client::new()
        .post(format!("{base}/__admin/stt"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);
}

#[tokio::test]
async fn a_transcription_comes_back_in_segments_and_the_made_up_one_is_dropped() {
    let (m, base) = sandbox().await;
    let f = wav(6.0);
    // The base may be given with its /v1.
    let stt = Stt::new(&format!("{base}/v1/"), "whisper-large-v3", None);
    let segments = stt.transcribe(f.path(), "vi").await.unwrap();
    assert_eq!(segments.len(), 4);
    assert_eq!(segments[0].start, 0.0);
    assert_eq!(segments[3].end, 6.0);
    assert!(segments.iter().all(|s| s.avg_logprob.is_some()));
    let drafted = guard(segments, &[], Some(6.0));
    let kept: Vec<&str> = drafted
        .iter()
        .filter(|d| d.dropped.is_none())
        .map(|d| d.text.as_str())
        .collect();
    assert_eq!(kept.len(), 3);
    assert!(kept[0].starts_with("Sáng nay"), "{kept:?}");
    assert_eq!(
        (drafted[3].dropped, drafted[3].text.as_str()),
        (Some(why::HALLUCINATION), lantoa_sandbox::stt::HALLUCINATION)
    );
    assert_eq!((drafted[2].start_ms, drafted[2].end_ms), (3333, 5000));
    // What the server received, field by field.
    let r = m
        .records
        .lock()
        .unwrap()
        .iter()
        .find(|r| r.platform == "stt")
        .cloned()
        .unwrap();
    let size = std::fs::metadata(f.path()).unwrap().len();
    assert_eq!((r.bytes, r.title.as_str()), (size, "audio.wav"));
    assert_eq!(r.fields["model"], "whisper-large-v3");
    assert_eq!(r.fields["language"], "vi");
    assert_eq!(r.fields["response_format"], "verbose_json");
    assert_eq!(r.fields["temperature"], 0.0);
    assert_eq!(r.fields["timestamp_granularities"], json!(["segment"]));
    assert_eq!(r.fields["duration_s"], 6.0);
    assert_eq!(r.fields["content_type"], "audio/wav");
}

#[tokio::test]
async fn a_server_error_is_worth_another_try_and_a_refusal_says_why() {
    let (_m, base) = sandbox().await;
    let f = wav(2.0);
    let stt = Stt::new(&base, "whisper-1", None);
    admin(&base, json!({"fail": 1})).await;
    let e = stt.transcribe(f.path(), "vi").await.unwrap_err();
    assert!(matches!(e.class, ErrorClass::Retry { .. }), "{e:?}");
    assert_eq!((e.status, e.code.as_str()), (Some(500), "server_error"));
    assert!(stt.transcribe(f.path(), "vi").await.is_ok(), "only once");
    // Not a WAV file: permanent, with the server's message.
    let mp3 = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(mp3.path(), b"ID3\x04\x00 not a wav file").unwrap();
    let e = stt.transcribe(mp3.path(), "vi").await.unwrap_err();
    assert_eq!((e.class, e.status), (ErrorClass::Permanent, Some(400)));
    assert!(
        e.message.starts_with("Invalid file format"),
        "{}",
        e.message
    );
    // A language the server does not take.
    let e = stt.transcribe(f.path(), "vie").await.unwrap_err();
    assert_eq!(e.class, ErrorClass::Permanent);
    assert!(e.message.contains("ISO-639-1"), "{}", e.message);
    // A file that is not there: nothing was sent, try again later.
    let e = stt
        .transcribe(std::path::Path::new("/nonexistent/a.wav"), "vi")
        .await
        .unwrap_err();
    assert_eq!(e.code, "io");
}

#[tokio::test]
async fn a_key_is_sent_when_the_server_wants_one() {
    let (_m, base) = sandbox().await;
    let f = wav(1.0);
    admin(&base, json!({"api_key": "sk-local"})).await;
    let e = Stt::new(&base, "whisper-1", None)
        .transcribe(f.path(), "vi")
        .await
        .unwrap_err();
    assert_eq!(
        (e.class, e.status, e.code.as_str()),
        (ErrorClass::Permanent, Some(401), "invalid_api_key")
    );
    let with_key = Stt::new(&base, "whisper-1", Some("sk-local".into()));
    assert!(with_key.transcribe(f.path(), "vi").await.is_ok());
}

#[tokio::test]
async fn a_script_is_answered_as_set() {
    let (_m, base) = sandbox().await;
    let f = wav(3.0);
    admin(
        &base,
        json!({"segments": [
            {"start": 0.0, "end": 1.2, "text": "Một", "avg_logprob": -0.1},
            {"start": 1.2, "end": 2.5, "text": "về nhà về nhà về nhà về nhà", "compression_ratio": 2.6},
        ]}),
    )
    .await;
    let s = Stt::new(&base, "whisper-1", None)
        .transcribe(f.path(), "vi")
        .await
        .unwrap();
    assert_eq!(s.len(), 2);
    assert_eq!((s[0].text.trim(), s[0].avg_logprob), ("Một", Some(-0.1)));
    let d = guard(s, &[], Some(3.0));
    assert_eq!(d[1].dropped, Some(why::LOOP));
}

#[tokio::test]
async fn a_server_that_is_down_or_never_answers_is_worth_another_try() {
    let f = wav(1.0);
    // Nothing listens on this port any more.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let down = Stt::new(&format!("http://127.0.0.1:{port}"), "whisper-1", None);
    let e = down.transcribe(f.path(), "vi").await.unwrap_err();
    assert_eq!(
        (e.class, e.code.as_str()),
        (ErrorClass::Retry { after: None }, "network")
    );
    // A server that takes the connection and says nothing: the timeout.
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((c, _)) = l.accept().await {
            held.push(c);
        }
    });
    let slow = Stt::new(&format!("http://{addr}"), "whisper-1", None)
        .with_timeout(Duration::from_millis(300));
    // The client must end the call itself (the shared client would wait
    // ten minutes): the outer limit only keeps a regression from hanging.
    let e = tokio::time::timeout(Duration::from_secs(60), slow.transcribe(f.path(), "vi"))
        .await
        .expect("the client's own timeout ended the call")
        .unwrap_err();
    assert_eq!(e.code, "network");
    assert!(matches!(e.class, ErrorClass::Retry { .. }));
}

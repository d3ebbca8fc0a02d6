//! The sandbox's speech-to-text server held to OpenAI's "Create
//! transcription" reference with plain HTTP requests (never through
//! Lantoa's client): the form's required fields, each response format,
//! granularities only with verbose_json, and OpenAI's error body.

mod common;

use common::sandbox;
use serde_json::Value;

/// A mono 16 kHz 16-bit WAV of two seconds of silence.
fn wav() -> Vec<u8> {
    let data = 64_000usize;
    let mut b = Vec::new();
    b.extend(b"RIFF");
    b.extend(((36 + data) as u32).to_le_bytes());
    b.extend(b"WAVEfmt ");
    for x in [
        16u32.to_le_bytes().to_vec(),
        1u16.to_le_bytes().to_vec(),
        1u16.to_le_bytes().to_vec(),
        16_000u32.to_le_bytes().to_vec(),
        32_000u32.to_le_bytes().to_vec(),
        2u16.to_le_bytes().to_vec(),
        16u16.to_le_bytes().to_vec(),
    ] {
        b.extend(x);
    }
    b.extend(b"data");
    b.extend((data as u32).to_le_bytes());
    b.extend(vec![0u8; data]);
    b
}

/// A form's fields other than the file.
type Fields<'a> = Vec<(&'a str, &'a str)>;

/// A multipart/form-data body of these fields, and the file when given.
fn form(fields: &[(&str, &str)], file: Option<&[u8]>) -> Vec<u8> {
    let mut b = Vec::new();
    for (k, v) in fields {
        b.extend(
            format!("--B\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").bytes(),
        );
    }
    if let Some(f) = file {
        b.extend(b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\nContent-Type: audio/wav\r\n\r\n");
        b.extend(f);
        b.extend(b"\r\n");
    }
    b.extend(b"--B--\r\n");
    b
}

async fn post(base: &str, body: Vec<u8>) -> (u16, String, String) {
    let r = reqwest::Client::new()
        .post(format!("{base}/v1/audio/transcriptions"))
        .header("content-type", "multipart/form-data; boundary=B")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, ct, r.text().await.unwrap())
}

/// The `param` of OpenAI's error body, after checking its shape.
fn param(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap();
    assert!(v["error"]["message"].is_string(), "{v}");
    assert_eq!(v["error"]["type"], "invalid_request_error", "{v}");
    v["error"]["param"].as_str().unwrap_or("").to_string()
}

#[tokio::test]
async fn the_form_is_checked_as_openai_documents_it() {
    let (_m, base) = sandbox().await;
    let w = wav();
    let cases: Vec<(Fields, Option<&[u8]>, &str)> = vec![
        (vec![("model", "whisper-1")], None, "file"),
        (
            vec![("model", "whisper-1")],
            Some(b"fLaC not a wav"),
            "file",
        ),
        (vec![], Some(&w), "model"),
        (
            vec![("model", "whisper-1"), ("response_format", "xml")],
            Some(&w),
            "response_format",
        ),
        (
            vec![
                ("model", "whisper-1"),
                ("timestamp_granularities[]", "segment"),
            ],
            Some(&w),
            "timestamp_granularities",
        ),
        (
            vec![
                ("model", "whisper-1"),
                ("response_format", "verbose_json"),
                ("timestamp_granularities[]", "line"),
            ],
            Some(&w),
            "timestamp_granularities",
        ),
        (
            vec![("model", "whisper-1"), ("temperature", "2")],
            Some(&w),
            "temperature",
        ),
        (
            vec![("model", "whisper-1"), ("language", "Vietnamese")],
            Some(&w),
            "language",
        ),
    ];
    for (fields, file, want) in cases {
        let (status, _, body) = post(&base, form(&fields, file)).await;
        assert_eq!(
            (status, param(&body)),
            (400, want.to_string()),
            "{fields:?}"
        );
    }
    let r = reqwest::Client::new()
        .post(format!("{base}/v1/audio/transcriptions"))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
}

#[tokio::test]
async fn each_response_format_is_answered_in_its_own_shape() {
    let (_m, base) = sandbox().await;
    let w = wav();
    let ask = |format: &'static str| {
        let body = form(
            &[
                ("model", "whisper-1"),
                ("language", "vi"),
                ("response_format", format),
            ],
            Some(&w),
        );
        post(&base, body)
    };
    let (status, ct, body) = ask("json").await;
    assert_eq!((status, ct.as_str()), (200, "application/json"));
    let v: Value = serde_json::from_str(&body).unwrap();
    assert!(v["text"].as_str().unwrap().starts_with("Sáng nay"));
    assert_eq!(
        v.as_object().unwrap().len(),
        1,
        "json is only the text: {v}"
    );
    let (_, ct, body) = ask("text").await;
    assert!(
        ct.starts_with("text/plain") && body.starts_with("Sáng nay"),
        "{ct} {body}"
    );
    let (_, _, body) = ask("srt").await;
    assert!(
        body.starts_with("1\n00:00:00,000 --> 00:00:00,333\nSáng nay"),
        "{body}"
    );
    let (_, ct, body) = ask("vtt").await;
    assert!(
        ct == "text/vtt" && body.starts_with("WEBVTT\n\n00:00:00.000 --> "),
        "{body}"
    );
    let (_, _, body) = ask("verbose_json").await;
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (v["task"].as_str(), v["language"].as_str()),
        (Some("transcribe"), Some("vietnamese"))
    );
    assert_eq!(v["duration"], 2.0);
    let s = &v["segments"][0];
    for k in [
        "id",
        "seek",
        "start",
        "end",
        "text",
        "tokens",
        "temperature",
        "avg_logprob",
        "compression_ratio",
        "no_speech_prob",
    ] {
        assert!(!s[k].is_null(), "segments[].{k}: {s}");
    }
    assert!(v.get("words").is_none());
    // Word times only when asked for.
    let body = form(
        &[
            ("model", "whisper-1"),
            ("response_format", "verbose_json"),
            ("timestamp_granularities[]", "segment"),
            ("timestamp_granularities[]", "word"),
        ],
        Some(&w),
    );
    let (_, _, body) = post(&base, body).await;
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["words"][0]["word"], "Sáng");
}

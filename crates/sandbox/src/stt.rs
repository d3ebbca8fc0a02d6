//! A speech-to-text server speaking OpenAI's `POST /v1/audio/transcriptions`,
//! as the self-hosted servers Lantoa may be pointed at do (whisper.cpp's
//! server, faster-whisper-server / speaches), written from OpenAI's
//! reference ("Create transcription", developers.openai.com) and those
//! servers' handlers:
//!
//! - multipart/form-data: `file` (required; the sandbox reads only WAV, a
//!   RIFF/WAVE header whose `fmt ` and `data` chunks give the duration),
//!   `model` (required), `language`, `prompt`, `response_format` (`json`
//!   by default; `text`, `srt`, `vtt`, `verbose_json`), `temperature`
//!   (0–1), `timestamp_granularities[]` (`segment`, `word`; only with
//!   `verbose_json`).
//! - answers: `{"text"}`; plain text; SubRip; WebVTT; or verbose_json
//!   `{task, language, duration, text, segments: [{id, seek, start, end,
//!   text, tokens, temperature, avg_logprob, compression_ratio,
//!   no_speech_prob}], words?}`.
//! - errors in OpenAI's shape `{"error": {message, type, param, code}}`;
//!   a bearer key when one is set (401 `invalid_api_key` otherwise).
//!
//! What it says is a script: `POST /__admin/stt {"segments": [{start, end,
//! text, avg_logprob?, no_speech_prob?, compression_ratio?}…] | null,
//! "fail": n, "api_key": "…" | null}`; `fail` makes the next n requests
//! answer 500. Without a script: three Vietnamese sentences spread over the
//! file's duration, then, in its last second, "Hãy subscribe cho kênh để ủng
//! hộ nhé" — a sentence Whisper makes up on silence — for the guards to
//! drop. Every request that got an answer is recorded (platform `stt`).

// A refusal is the answer itself, built once per refused request.
#![allow(clippy::result_large_err)]

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::{Record, Shared};

mod wav;

/// The formats OpenAI's endpoint answers in.
pub const FORMATS: &[&str] = &["json", "text", "srt", "vtt", "verbose_json"];

/// The made-up sentence the default script ends with.
pub const HALLUCINATION: &str = "Hãy subscribe cho kênh để ủng hộ nhé";

#[derive(Default)]
pub struct SttMock {
    /// The segments to answer with (`None`: the default script).
    script: Mutex<Option<Vec<Value>>>,
    /// Requests still to refuse with 500.
    fail: AtomicU64,
    /// The bearer key required, when set.
    api_key: Mutex<Option<String>>,
    served: AtomicU64,
}

impl SttMock {
    /// Sets the segments every answer carries (`None`: the default script).
    pub fn set_script(&self, segments: Option<Vec<Value>>) {
        if let Ok(mut s) = self.script.lock() {
            *s = segments;
        }
    }

    /// Makes the next `n` requests fail with 500.
    pub fn fail_next(&self, n: u64) {
        self.fail.store(n, Ordering::Relaxed);
    }

    /// Requires this bearer key (`None`: no key).
    pub fn set_api_key(&self, key: Option<String>) {
        if let Ok(mut k) = self.api_key.lock() {
            *k = key;
        }
    }

    /// Takes one armed failure, if any is left.
    fn failing(&self) -> bool {
        self.fail
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .is_ok()
    }
}

/// OpenAI's error body.
fn error(
    status: StatusCode,
    message: &str,
    kind: &str,
    param: Option<&str>,
    code: Option<&str>,
) -> Response {
    let body = json!({"error": {"message": message, "type": kind, "param": param, "code": code}});
    (status, axum::Json(body)).into_response()
}

fn invalid(message: &str, param: &str) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        message,
        "invalid_request_error",
        Some(param),
        None,
    )
}

/// The form as received.
#[derive(Default)]
struct Form {
    file: Option<(String, String, Vec<u8>)>,
    fields: Vec<(String, String)>,
}

impl Form {
    fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

async fn read_form(mut mp: Multipart) -> Result<Form, Response> {
    let mut form = Form::default();
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => return Ok(form),
            Err(e) => {
                return Err(invalid(
                    &format!("Could not parse multipart form: {e}"),
                    "file",
                ));
            }
        };
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("").to_string();
            let ct = field.content_type().unwrap_or("").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| invalid(&format!("Could not read the file: {e}"), "file"))?;
            form.file = Some((file_name, ct, bytes.to_vec()));
        } else {
            let value = field
                .text()
                .await
                .map_err(|e| invalid(&format!("Could not read {name}: {e}"), &name))?;
            form.fields.push((name, value));
        }
    }
}

/// What a request asked for, checked.
struct Ask {
    model: String,
    language: Option<String>,
    format: String,
    temperature: f64,
    granularities: Vec<String>,
}

fn ask(form: &Form) -> Result<Ask, Response> {
    let model = form.get("model").unwrap_or("").trim();
    if model.is_empty() {
        return Err(invalid("you must provide a model parameter", "model"));
    }
    let format = form.get("response_format").unwrap_or("json").to_string();
    if !FORMATS.contains(&format.as_str()) {
        return Err(invalid(
            &format!(
                "Invalid response_format '{format}': must be one of json, text, srt, verbose_json, vtt"
            ),
            "response_format",
        ));
    }
    let language = form
        .get("language")
        .map(str::to_string)
        .filter(|l| !l.is_empty());
    if let Some(l) = &language
        && !(l.len() == 2 && l.bytes().all(|b| b.is_ascii_lowercase()))
    {
        return Err(invalid(
            &format!("Invalid language '{l}': supply an ISO-639-1 code, e.g. vi"),
            "language",
        ));
    }
    let temperature = match form.get("temperature") {
        None => 0.0,
        Some(t) => match t.trim().parse::<f64>() {
            Ok(t) if (0.0..=1.0).contains(&t) => t,
            _ => {
                return Err(invalid(
                    &format!("Invalid temperature '{t}': 0 to 1"),
                    "temperature",
                ));
            }
        },
    };
    let granularities: Vec<String> = form
        .all("timestamp_granularities[]")
        .into_iter()
        .map(str::to_string)
        .collect();
    if let Some(g) = granularities
        .iter()
        .find(|g| !["segment", "word"].contains(&g.as_str()))
    {
        return Err(invalid(
            &format!("Invalid timestamp granularity '{g}': segment or word"),
            "timestamp_granularities",
        ));
    }
    if !granularities.is_empty() && format != "verbose_json" {
        return Err(invalid(
            "timestamp_granularities requires response_format=verbose_json",
            "timestamp_granularities",
        ));
    }
    Ok(Ask {
        model: model.to_string(),
        language,
        format,
        temperature,
        granularities,
    })
}

/// The default script: three sentences over the speech, and Whisper's stock
/// outro in the last second.
fn default_script(duration: f64) -> Vec<Value> {
    const SAID: [&str; 3] = [
        "Sáng nay, tỉnh tổ chức lễ ra quân bảo vệ môi trường.",
        "Hàng nghìn đoàn viên thanh niên dọn rác dọc bờ sông.",
        "Chương trình kéo dài đến cuối tháng.",
    ];
    let speech_end = if duration > 2.0 {
        duration - 1.0
    } else {
        duration / 2.0
    };
    let mut out: Vec<Value> = SAID
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let at = |k: usize| (speech_end * k as f64 / 3.0 * 1000.0).round() / 1000.0;
            json!({"start": at(i), "end": at(i + 1), "text": text, "avg_logprob": -0.25,
                   "compression_ratio": 1.3, "no_speech_prob": 0.02})
        })
        .collect();
    out.push(
        json!({"start": speech_end, "end": duration, "text": HALLUCINATION,
        "avg_logprob": -1.3, "compression_ratio": 1.1, "no_speech_prob": 0.75}),
    );
    out
}

/// The segments in verbose_json's shape, numbered, defaults filled.
fn segments(script: Vec<Value>, temperature: f64) -> Vec<Value> {
    script
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let num = |k: &str, d: f64| s.get(k).and_then(Value::as_f64).unwrap_or(d);
            json!({"id": i, "seek": 0, "start": num("start", 0.0), "end": num("end", 0.0),
                "text": format!(" {}", s["text"].as_str().unwrap_or("").trim()),
                "tokens": [], "temperature": temperature,
                "avg_logprob": num("avg_logprob", -0.3),
                "compression_ratio": num("compression_ratio", 1.2),
                "no_speech_prob": num("no_speech_prob", 0.05)})
        })
        .collect()
}

/// OpenAI's verbose_json names the language in English, lower case.
fn language_name(code: &str) -> &str {
    match code {
        "vi" => "vietnamese",
        "en" => "english",
        "fr" => "french",
        "zh" => "chinese",
        "ko" => "korean",
        "ja" => "japanese",
        c => c,
    }
}

fn clock(s: f64, sep: char) -> String {
    let ms = (s.max(0.0) * 1000.0).round() as u64;
    format!(
        "{:02}:{:02}:{:02}{sep}{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

/// The answer in the format asked for.
fn render(a: &Ask, segs: &[Value], duration: f64) -> Response {
    let text_of = |s: &Value| s["text"].as_str().unwrap_or("").trim().to_string();
    let text: String = segs.iter().map(text_of).collect::<Vec<_>>().join(" ");
    let time = |s: &Value, k: &str| s[k].as_f64().unwrap_or(0.0);
    let plain =
        |body: String, ct: &'static str| ([(header::CONTENT_TYPE, ct)], body).into_response();
    match a.format.as_str() {
        "text" => plain(format!("{text}\n"), "text/plain; charset=utf-8"),
        "srt" => plain(
            segs.iter()
                .enumerate()
                .map(|(i, s)| {
                    format!(
                        "{}\n{} --> {}\n{}\n\n",
                        i + 1,
                        clock(time(s, "start"), ','),
                        clock(time(s, "end"), ','),
                        text_of(s)
                    )
                })
                .collect(),
            "application/x-subrip",
        ),
        "vtt" => plain(
            std::iter::once("WEBVTT\n\n".to_string())
                .chain(segs.iter().map(|s| {
                    format!(
                        "{} --> {}\n{}\n\n",
                        clock(time(s, "start"), '.'),
                        clock(time(s, "end"), '.'),
                        text_of(s)
                    )
                }))
                .collect(),
            "text/vtt",
        ),
        "verbose_json" => {
            let mut body = json!({"task": "transcribe",
                "language": language_name(a.language.as_deref().unwrap_or("vi")),
                "duration": duration, "text": text, "segments": segs});
            if a.granularities.iter().any(|g| g == "word") {
                body["words"] = Value::Array(words(segs));
            }
            axum::Json(body).into_response()
        }
        _ => axum::Json(json!({"text": text})).into_response(),
    }
}

/// Word times: each segment's time shared evenly among its words.
fn words(segs: &[Value]) -> Vec<Value> {
    segs.iter()
        .flat_map(|s| {
            let (a, b) = (s["start"].as_f64().unwrap_or(0.0), s["end"].as_f64().unwrap_or(0.0));
            let w: Vec<String> = s["text"]
                .as_str()
                .unwrap_or("")
                .split_whitespace()
                .map(str::to_string)
                .collect();
            let step = (b - a) / w.len().max(1) as f64;
            w.into_iter().enumerate().map(move |(i, word)| {
                json!({"word": word, "start": a + step * i as f64, "end": a + step * (i + 1) as f64})
            })
        })
        .collect()
}

/// `POST /v1/audio/transcriptions`.
async fn transcriptions(
    State(m): State<Shared>,
    headers: HeaderMap,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let Ok(mp) = mp else {
        return invalid(
            "The request must be multipart/form-data with a file field.",
            "file",
        );
    };
    // The request is read before any answer, so a client still sending
    // its file sees the answer rather than a connection closed under it.
    let form = match read_form(mp).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let key = m.stt.api_key.lock().ok().and_then(|k| k.clone());
    if let Some(key) = key {
        let given = crate::bearer_of(&headers);
        if given != key {
            return error(
                StatusCode::UNAUTHORIZED,
                "Incorrect API key provided.",
                "invalid_request_error",
                None,
                Some("invalid_api_key"),
            );
        }
    }
    let Some((file_name, content_type, file)) = &form.file else {
        return invalid("file is a required property", "file");
    };
    let Some(duration) = wav::duration(file) else {
        return invalid(
            "Invalid file format: the sandbox reads WAV (RIFF/WAVE, with fmt and data chunks).",
            "file",
        );
    };
    let a = match ask(&form) {
        Ok(a) => a,
        Err(r) => return r,
    };
    if m.stt.failing() {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The server had an error while processing your request. Sorry about that!",
            "server_error",
            None,
            None,
        );
    }
    let script = m.stt.script.lock().ok().and_then(|s| s.clone());
    let segs = segments(
        script.unwrap_or_else(|| default_script(duration)),
        a.temperature,
    );
    let text: Vec<String> = segs
        .iter()
        .map(|s| s["text"].as_str().unwrap_or("").trim().to_string())
        .collect();
    let n = m.stt.served.fetch_add(1, Ordering::Relaxed) + 1;
    m.record(Record {
        platform: "stt".into(),
        id: format!("stt-{n}"),
        title: file_name.clone(),
        bytes: file.len() as u64,
        sha256: hex::encode(Sha256::digest(file)),
        deleted: false,
        received_at_ms: 0,
        text: text.join(" "),
        tags: Vec::new(),
        fields: serde_json::Map::from_iter([
            ("model".to_string(), json!(a.model)),
            ("language".to_string(), json!(a.language)),
            ("response_format".to_string(), json!(a.format)),
            ("temperature".to_string(), json!(a.temperature)),
            (
                "timestamp_granularities".to_string(),
                json!(a.granularities),
            ),
            ("prompt".to_string(), json!(form.get("prompt"))),
            ("duration_s".to_string(), json!(duration)),
            ("content_type".to_string(), json!(content_type)),
        ]),
    });
    render(&a, &segs, duration)
}

/// `POST /__admin/stt`: the script, failures to come, the key.
pub async fn admin(State(m): State<Shared>, axum::Json(v): axum::Json<Value>) -> Response {
    if let Some(s) = v.get("segments") {
        match s {
            Value::Null => m.stt.set_script(None),
            Value::Array(a) => m.stt.set_script(Some(a.clone())),
            _ => return (StatusCode::BAD_REQUEST, "segments: a list or null").into_response(),
        }
    }
    if let Some(n) = v.get("fail") {
        let Some(n) = n.as_u64() else {
            return (StatusCode::BAD_REQUEST, "fail: a count").into_response();
        };
        m.stt.fail_next(n);
    }
    if let Some(k) = v.get("api_key") {
        m.stt.set_api_key(k.as_str().map(str::to_string));
    }
    StatusCode::NO_CONTENT.into_response()
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route(
            "/v1/audio/transcriptions",
            axum::routing::post(transcriptions),
        )
        .layer(axum::extract::DefaultBodyLimit::disable())
}

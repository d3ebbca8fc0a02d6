//! Speech to text for subtitle drafts: a client of the self-hosted servers
//! that speak OpenAI's `POST {base}/v1/audio/transcriptions` (whisper.cpp's
//! server started with `--inference-path /v1/audio/transcriptions`,
//! faster-whisper-server / speaches), and the guards that drop what Whisper
//! makes up ([`guard`], in `guards`).
//!
//! The request, from OpenAI's reference (developers.openai.com, "Create
//! transcription") and the servers above: multipart/form-data with `file`,
//! `model`, `language` (ISO-639-1), `response_format=verbose_json`,
//! `timestamp_granularities[]=segment` (only with verbose_json) and
//! `temperature=0`. The answer: `{task, language, duration, text,
//! segments: [{id, seek, start, end, text, tokens, temperature, avg_logprob,
//! compression_ratio, no_speech_prob}]}`, times in seconds. Servers differ
//! in what they fill: some send `0.0` or leave the scores out, so every
//! score is optional here. Errors come as OpenAI's `{"error": {"message"}}`,
//! whisper.cpp's `{"error": "…"}` or FastAPI's `{"detail": …}`.

mod guards;

#[cfg(test)]
mod tests;

pub use guards::{Drafted, guard, why};

use std::path::Path;
use std::time::Duration;

use crate::{ErrorClass, PlatformError};

/// How long a transcription may take unless configured: a few minutes of
/// audio on a CPU-only server.
pub const TIMEOUT: Duration = Duration::from_secs(300);

/// One stretch of speech as the server transcribed it (seconds).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct Segment {
    pub start: f64,
    pub end: f64,
    pub text: String,
    #[serde(default)]
    pub avg_logprob: Option<f64>,
    #[serde(default)]
    pub no_speech_prob: Option<f64>,
    #[serde(default)]
    pub compression_ratio: Option<f64>,
}

/// A speech-to-text server.
pub struct Stt {
    http: reqwest::Client,
    /// Root of the server, without `/v1`.
    base: String,
    model: String,
    api_key: Option<String>,
    timeout: Duration,
}

/// The server's words for a refusal, from any of the shapes servers use.
fn message_of(body: &[u8]) -> String {
    let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let detail = &v["detail"];
    let from_json = v["error"]["message"]
        .as_str()
        .or_else(|| v["error"].as_str())
        .or_else(|| v["message"].as_str())
        .or_else(|| detail.as_str())
        .map(str::to_string)
        .or_else(|| {
            // FastAPI's validation errors: [{"loc": […], "msg": "…"}].
            let msgs: Vec<&str> = detail
                .as_array()?
                .iter()
                .filter_map(|d| d["msg"].as_str())
                .collect();
            (!msgs.is_empty()).then(|| msgs.join("; "))
        });
    from_json.unwrap_or_else(|| {
        String::from_utf8_lossy(body)
            .trim()
            .chars()
            .take(300)
            .collect()
    })
}

/// What to do about a refused transcription: the server busy or failing
/// (5xx, 408, 429) is worth another try; anything else the server refused
/// will be refused again (a bad key, an unknown model, a file it cannot
/// read), so it is permanent, with the server's message for the operator.
pub fn classify(status: u16, body: &[u8], after: Option<Duration>) -> PlatformError {
    let class = match status {
        408 | 429 | 500..=599 => ErrorClass::Retry { after },
        _ => ErrorClass::Permanent,
    };
    let code = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            v["error"]["code"]
                .as_str()
                .or_else(|| v["error"]["type"].as_str())
                .map(str::to_string)
        })
        .unwrap_or_else(|| format!("http_{status}"));
    PlatformError {
        class,
        status: Some(status),
        code,
        message: message_of(body),
    }
}

/// The multipart body: the form fields, then the file streamed from disk
/// (never read whole into memory), then the closing boundary; and its length.
async fn form(
    wav: &Path,
    fields: &[(&str, &str)],
    boundary: &str,
) -> Result<(reqwest::Body, u64), PlatformError> {
    use futures_util::StreamExt;
    let file = tokio::fs::File::open(wav)
        .await
        .map_err(PlatformError::io)?;
    let size = file.metadata().await.map_err(PlatformError::io)?.len();
    let mut head = String::new();
    for (name, value) in fields {
        head.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    head.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"audio.wav\"\r\n\
         Content-Type: audio/wav\r\n\r\n"
    ));
    let tail = format!("\r\n--{boundary}--\r\n");
    let length = head.len() as u64 + size + tail.len() as u64;
    let chunks = futures_util::stream::unfold(file, |mut f| async move {
        use tokio::io::AsyncReadExt;
        let mut buf = vec![0u8; 64 * 1024];
        match f.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(bytes::Bytes::from(buf)), f))
            }
            Err(e) => Some((Err(e), f)),
        }
    });
    let body = futures_util::stream::once(async move { Ok(bytes::Bytes::from(head)) })
        .chain(chunks)
        .chain(futures_util::stream::once(async move {
            Ok(bytes::Bytes::from(tail))
        }));
    Ok((reqwest::Body::wrap_stream(body), length))
}

impl Stt {
    /// A client of the server at `base` (e.g. `http://127.0.0.1:8080`),
    /// asking for `model`, with a bearer key when the server wants one.
    pub fn new(base: &str, model: &str, api_key: Option<String>) -> Stt {
        Stt {
            http: crate::client(),
            base: base
                .trim_end_matches('/')
                .trim_end_matches("/v1")
                .to_string(),
            model: model.to_string(),
            api_key: api_key.filter(|k| !k.trim().is_empty()),
            timeout: TIMEOUT,
        }
    }

    /// The same client with another limit on one transcription.
    pub fn with_timeout(mut self, timeout: Duration) -> Stt {
        self.timeout = timeout;
        self
    }

    /// Transcribes a WAV file spoken in `language` (ISO-639-1, e.g. "vi"):
    /// the server's segments, as it sent them (run [`guard`] on them).
    pub async fn transcribe(
        &self,
        wav: &Path,
        language: &str,
    ) -> Result<Vec<Segment>, PlatformError> {
        let boundary = format!("lantoa{}", hex::encode(crate::random_bytes::<12>()));
        let fields = [
            ("model", self.model.as_str()),
            ("language", language),
            ("response_format", "verbose_json"),
            ("timestamp_granularities[]", "segment"),
            ("temperature", "0"),
        ];
        let (body, length) = form(wav, &fields, &boundary).await?;
        let mut req = self
            .http
            .post(format!("{}/v1/audio/transcriptions", self.base))
            .timeout(self.timeout)
            .header(
                reqwest::header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header(reqwest::header::CONTENT_LENGTH, length)
            .body(body);
        if let Some(key) = &self.api_key {
            req = req.bearer_auth(key);
        }
        let r = req.send().await.map_err(|e| PlatformError::network(&e))?;
        let status = r.status().as_u16();
        let after = r
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok())
            .map(Duration::from_secs);
        let bytes = r.bytes().await.map_err(|e| PlatformError::network(&e))?;
        if !(200..300).contains(&status) {
            return Err(classify(status, &bytes, after));
        }
        segments_of(&bytes)
    }
}

/// The segments of a verbose_json answer. An answer without them (a server
/// that ignored `verbose_json`) is refused: without times there are no
/// subtitles.
fn segments_of(body: &[u8]) -> Result<Vec<Segment>, PlatformError> {
    #[derive(serde::Deserialize)]
    struct Verbose {
        segments: Option<Vec<Segment>>,
    }
    let refused = |message: String| PlatformError {
        class: ErrorClass::Permanent,
        status: Some(200),
        code: "no_segments".into(),
        message,
    };
    match serde_json::from_slice::<Verbose>(body) {
        Ok(Verbose { segments: Some(s) }) => Ok(s),
        Ok(_) => Err(refused(
            "the speech-to-text server answered without segments: does it speak \
             response_format=verbose_json?"
                .into(),
        )),
        Err(e) => Err(refused(format!(
            "the speech-to-text server's answer is not verbose_json ({e})"
        ))),
    }
}

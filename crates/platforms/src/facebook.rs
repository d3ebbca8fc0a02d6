//! Facebook Pages, Reels publishing through the Graph API: start (the
//! `video_id` is the handle to persist), upload the bytes to rupload from an
//! offset (streamed from the file, never held in memory) at the
//! `upload_url` the start phase returned, read the status (which says how
//! many bytes arrived, and whether and to whom the reel is published),
//! finish to publish, delete. Usage headers are read so callers can slow down before
//! the platform throttles.
//!
//! Reel insights ask for a configured list of metrics. Meta withdraws
//! metrics now and then (`post_impressions_unique` went in 2025–26) and
//! Graph then refuses the whole request with code 100 naming the metric:
//! that metric is dropped for the rest of the process (said once in the log)
//! and the request is made again with the others.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use reqwest::StatusCode;
use tokio::io::AsyncSeekExt;

use super::{ErrorClass, PlatformError};

pub struct Facebook {
    http: reqwest::Client,
    /// `https://graph.facebook.com` or a mock.
    graph: String,
    /// `https://rupload.facebook.com` or a mock: only for a reel whose
    /// saved handle has no `upload_url` (the start phase always gives one).
    rupload: String,
    /// Graph API version, e.g. `v25.0`.
    version: String,
    /// The usage the last response reported.
    usage: std::sync::Mutex<Usage>,
}

/// Where a reel stands (`GET /{video-id}?fields=status`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReelStatus {
    /// uploading, upload_complete, upload_failed, processing, ready, error, expired.
    pub video_status: String,
    pub bytes_transferred: u64,
    /// not_started, in_progress, complete(d) or error, per phase.
    pub processing: String,
    pub publishing: String,
    /// `publishing_phase.publish_status`: draft, published, scheduled, error.
    pub publish_status: String,
    pub error: Option<String>,
    /// The video's `published` flag, when Graph gives it.
    pub published: Option<bool>,
    /// The video's `privacy.value` (`EVERYONE`, `SELF`…) and
    /// `privacy.description` (`Public`, `Only me`…), when Graph gives them.
    pub privacy: Option<String>,
    pub privacy_description: Option<String>,
}

/// The highest usage percentage the platform reported, and how long until
/// access returns when it is throttling.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub percent: u32,
    pub regain: Option<Duration>,
}

/// Reads `X-App-Usage` and `X-Business-Use-Case-Usage` (percentages 0–100).
pub fn usage(h: &reqwest::header::HeaderMap) -> Usage {
    let mut u = Usage::default();
    if let Some(v) = h
        .get("x-app-usage")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| serde_json::from_str::<serde_json::Value>(v).ok())
    {
        for k in ["call_count", "total_time", "total_cputime"] {
            u.percent = u.percent.max(v[k].as_u64().unwrap_or(0) as u32);
        }
    }
    if let Some(v) = h
        .get("x-business-use-case-usage")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| serde_json::from_str::<serde_json::Value>(v).ok())
        && let Some(objects) = v.as_object()
    {
        for entries in objects.values() {
            for e in entries.as_array().into_iter().flatten() {
                for k in ["call_count", "total_time", "total_cputime"] {
                    u.percent = u.percent.max(e[k].as_u64().unwrap_or(0) as u32);
                }
                if let Some(m) = e["estimated_time_to_regain_access"].as_u64()
                    && m > 0
                {
                    u.regain = Some(Duration::from_secs(m * 60));
                }
            }
        }
    }
    u
}

/// `k=v&…`, URL-encoded.
fn encode(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// Sorts a Graph API error into what to do about it.
pub fn classify(status: u16, body: &[u8], u: Usage) -> PlatformError {
    let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let e = &v["error"];
    let code = e["code"].as_i64().unwrap_or(0);
    let message = e["error_user_msg"]
        .as_str()
        .or_else(|| e["message"].as_str())
        .map(str::to_string)
        .unwrap_or_else(|| String::from_utf8_lossy(body).chars().take(300).collect());
    let class = match code {
        190 | 10 | 200..=299 => ErrorClass::Reconnect,
        1 | 2 | 4 | 17 | 32 | 341 | 368 | 613 | 80001 => ErrorClass::Retry { after: u.regain },
        100 | 506 | 6000 => ErrorClass::FixContent,
        _ if status >= 500 => ErrorClass::Retry { after: None },
        _ if e["is_transient"].as_bool() == Some(true) => ErrorClass::Retry { after: None },
        _ => ErrorClass::Permanent,
    };
    PlatformError {
        class,
        status: Some(status),
        code: code.to_string(),
        message,
    }
}

impl Facebook {
    pub fn new(graph: &str, rupload: &str, version: &str) -> Facebook {
        Facebook {
            http: super::client(),
            graph: graph.trim_end_matches('/').to_string(),
            rupload: rupload.trim_end_matches('/').to_string(),
            version: version.to_string(),
            usage: std::sync::Mutex::new(Usage::default()),
        }
    }

    async fn exchange(
        &self,
        req: reqwest::RequestBuilder,
    ) -> Result<(StatusCode, Usage, serde_json::Value), PlatformError> {
        let r = req.send().await.map_err(|e| PlatformError::network(&e))?;
        let status = r.status();
        let u = usage(r.headers());
        if let Ok(mut last) = self.usage.lock() {
            *last = u;
        }
        let body = r.bytes().await.map_err(|e| PlatformError::network(&e))?;
        if !status.is_success() {
            return Err(classify(status.as_u16(), &body, u));
        }
        let v = serde_json::from_slice(&body).unwrap_or_default();
        Ok((status, u, v))
    }

    /// A phase of the Page's `video_reels` endpoint, the fields sent as a form.
    async fn video_reels(
        &self,
        page: &str,
        fields: &[(&str, &str)],
    ) -> Result<serde_json::Value, PlatformError> {
        let (_, _, v) = self
            .exchange(
                self.http
                    .post(format!(
                        "{}/{}/{page}/video_reels",
                        self.graph, self.version
                    ))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .body(encode(fields)),
            )
            .await?;
        Ok(v)
    }

    /// Starts a reel on the Page; returns the video id (persist it before
    /// sending bytes) and the upload URL.
    pub async fn start(&self, page: &str, token: &str) -> Result<(String, String), PlatformError> {
        let v = self
            .video_reels(page, &[("upload_phase", "start"), ("access_token", token)])
            .await?;
        match (v["video_id"].as_str(), v["upload_url"].as_str()) {
            (Some(id), Some(url)) => Ok((id.to_string(), url.to_string())),
            _ => Err(PlatformError {
                class: ErrorClass::Retry { after: None },
                status: Some(200),
                code: "noVideoId".into(),
                message: "the start phase answered without a video id".into(),
            }),
        }
    }

    /// The reel's state, including how many bytes arrived, whether it is
    /// published and its privacy.
    pub async fn status(&self, video: &str, token: &str) -> Result<ReelStatus, PlatformError> {
        let (_, _, v) = self
            .exchange(self.http.get(format!(
                "{}/{}/{video}?{}",
                self.graph,
                self.version,
                encode(&[
                    ("fields", "status,published,privacy"),
                    ("access_token", token)
                ])
            )))
            .await?;
        let s = &v["status"];
        let phase = |p: &str| s[p]["status"].as_str().unwrap_or("").to_string();
        Ok(ReelStatus {
            video_status: s["video_status"].as_str().unwrap_or("").into(),
            bytes_transferred: s["uploading_phase"]["bytes_transfered"]
                .as_u64()
                .or_else(|| {
                    s["uploading_phase"]["bytes_transfered"]
                        .as_str()
                        .and_then(|x| x.parse().ok())
                })
                .unwrap_or(0),
            processing: phase("processing_phase"),
            publishing: phase("publishing_phase"),
            publish_status: s["publishing_phase"]["publish_status"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            error: s["processing_phase"]["error"]["message"]
                .as_str()
                .or_else(|| s["publishing_phase"]["error"]["message"].as_str())
                .map(str::to_string),
            published: v["published"].as_bool(),
            privacy: v["privacy"]["value"].as_str().map(str::to_string),
            privacy_description: v["privacy"]["description"].as_str().map(str::to_string),
        })
    }

    /// Where a reel's bytes go when no `upload_url` was kept: rupload's
    /// documented address.
    pub fn default_upload_url(&self, video: &str) -> String {
        format!("{}/video-upload/{}/{video}", self.rupload, self.version)
    }

    /// Sends the file to `url` (the start phase's `upload_url`) from the
    /// offset the status reports, so a resumed call never sends bytes twice.
    /// The bytes are streamed from the file, never read into memory.
    pub async fn upload(
        &self,
        url: &str,
        video: &str,
        token: &str,
        file: &Path,
        size: u64,
    ) -> Result<(), PlatformError> {
        let from = self.status(video, token).await?.bytes_transferred;
        if from >= size {
            return Ok(());
        }
        let io = PlatformError::io;
        let mut f = tokio::fs::File::open(file).await.map_err(io)?;
        let len = f.metadata().await.map_err(io)?.len();
        if len != size {
            return Err(io(std::io::Error::other(format!(
                "{} has {len} bytes, {size} expected",
                file.display()
            ))));
        }
        f.seek(std::io::SeekFrom::Start(from)).await.map_err(io)?;
        self.exchange(
            self.http
                .post(url)
                .header("Authorization", format!("OAuth {token}"))
                .header("offset", from.to_string())
                .header("file_size", size.to_string())
                .header("Content-Type", "application/octet-stream")
                .header(reqwest::header::CONTENT_LENGTH, size - from)
                .body(reqwest::Body::from(f)),
        )
        .await?;
        Ok(())
    }

    /// Publishes the uploaded reel with its description.
    pub async fn finish(
        &self,
        page: &str,
        token: &str,
        video: &str,
        description: &str,
        title: &str,
    ) -> Result<(), PlatformError> {
        self.video_reels(
            page,
            &[
                ("upload_phase", "finish"),
                ("access_token", token),
                ("video_id", video),
                ("video_state", "PUBLISHED"),
                ("description", description),
                ("title", title),
            ],
        )
        .await?;
        Ok(())
    }

    /// Deletes the reel (takedown).
    pub async fn delete(&self, video: &str, token: &str) -> Result<(), PlatformError> {
        self.exchange(self.http.delete(format!(
            "{}/{}/{video}?{}",
            self.graph,
            self.version,
            encode(&[("access_token", token)])
        )))
        .await?;
        Ok(())
    }

    /// Lifetime insights of a reel, by metric name (`video_insights`); a
    /// metric Facebook does not return is simply absent.
    pub async fn insights(
        &self,
        video: &str,
        token: &str,
        metrics: &[&str],
    ) -> Result<HashMap<String, serde_json::Value>, PlatformError> {
        let (_, _, v) = self
            .exchange(self.http.get(format!(
                "{}/{}/{video}/video_insights?{}",
                self.graph,
                self.version,
                encode(&[
                    ("metric", &metrics.join(",")),
                    ("period", "lifetime"),
                    ("access_token", token)
                ])
            )))
            .await?;
        Ok(v["data"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|d| {
                Some((
                    d["name"].as_str()?.to_string(),
                    d["values"][0]["value"].clone(),
                ))
            })
            .collect())
    }

    /// [`Facebook::insights`] for the `wanted` metrics less those Graph
    /// refused as invalid earlier in this process. A metric refused now is
    /// dropped (for the process, logged once) and the rest asked again, so
    /// one withdrawn metric never costs the others.
    pub async fn insights_available(
        &self,
        video: &str,
        token: &str,
        wanted: &[String],
    ) -> Result<HashMap<String, serde_json::Value>, PlatformError> {
        let host = format!("{}/{}", self.graph, self.version);
        // Also kept here, so the loop ends even if the process-wide set
        // cannot be written.
        let mut dropped: Vec<&str> = Vec::new();
        loop {
            let asked: Vec<&str> = wanted
                .iter()
                .map(String::as_str)
                .filter(|m| !dropped.contains(m) && !withdrawn(&host, m))
                .collect();
            if asked.is_empty() {
                return Ok(HashMap::new());
            }
            let e = match self.insights(video, token, &asked).await {
                Ok(m) => return Ok(m),
                Err(e) => e,
            };
            match invalid_metric(&e, &asked) {
                Some(Invalid::Named(name)) => {
                    withdraw(&host, name, &e);
                    dropped.push(name);
                }
                // Refused without a name Lantoa asked for: find the culprits
                // one metric at a time (once per process: they are
                // remembered).
                Some(Invalid::Unnamed) => {
                    let mut found = false;
                    for &m in &asked {
                        if let Err(one) = self.insights(video, token, &[m]).await
                            && invalid_metric(&one, &[m]).is_some()
                        {
                            withdraw(&host, m, &one);
                            dropped.push(m);
                            found = true;
                        }
                    }
                    if !found {
                        return Err(e);
                    }
                }
                None => return Err(e),
            }
        }
    }

    /// How long to hold back before the next call because the last response
    /// reported the app at 95 % of its budget or more; `None`: go ahead.
    pub fn holdback(&self) -> Option<Duration> {
        let u = self.usage.lock().map(|u| *u).unwrap_or_default();
        (u.percent >= 95).then(|| u.regain.unwrap_or(Duration::from_secs(60)))
    }

    /// The reel's public address.
    pub fn url(video: &str) -> String {
        format!("https://www.facebook.com/reel/{video}")
    }
}

/// Metrics Graph refused as invalid in this process, as `host|metric`
/// (`host` is the Graph root and version, so two Graph hosts never mix).
static WITHDRAWN: LazyLock<Mutex<HashSet<String>>> = LazyLock::new(Default::default);

fn withdrawn(host: &str, metric: &str) -> bool {
    WITHDRAWN
        .lock()
        .map(|w| w.contains(&format!("{host}|{metric}")))
        .unwrap_or(false)
}

fn withdraw(host: &str, metric: &str, e: &PlatformError) {
    let first = WITHDRAWN
        .lock()
        .map(|mut w| w.insert(format!("{host}|{metric}")))
        .unwrap_or(false);
    if first {
        tracing::warn!(
            metric,
            graph = host,
            reason = %e,
            "Facebook refused the insights metric as invalid (withdrawn or renamed); \
             no longer asking for it in this process"
        );
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Invalid<'a> {
    /// Graph named this metric, one of those asked.
    Named(&'a str),
    /// Graph refused a metric without naming one of those asked.
    Unnamed,
}

/// Whether Graph refused the request for an invalid insights metric (code
/// 100, "(#100) The value must be a valid insights metric: NAME"), and which
/// of `asked` it named. Other code-100 errors (an object that does not exist)
/// are not about metrics.
fn invalid_metric<'a>(e: &PlatformError, asked: &[&'a str]) -> Option<Invalid<'a>> {
    let text = e.message.to_ascii_lowercase();
    if e.code != "100" || !text.contains("insights metric") {
        return None;
    }
    let named = text
        .split_once("insights metric")
        .map(|(_, rest)| rest.trim_start_matches([':', ' ', '"', '\'']))
        .map(|rest| {
            rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
                .unwrap_or("")
        })
        .and_then(|name| asked.iter().find(|a| a.eq_ignore_ascii_case(name)));
    Some(named.map_or(Invalid::Unnamed, |m| Invalid::Named(m)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    #[test]
    fn an_invalid_metric_error_names_the_metric_to_drop() {
        let asked = ["blue_reels_play_count", "post_impressions_unique"];
        let refused = |m: &str| {
            classify(
                400,
                serde_json::json!({"error": {"message": m, "type": "OAuthException",
                    "code": 100, "fbtrace_id": "x"}})
                .to_string()
                .as_bytes(),
                Usage::default(),
            )
        };
        assert_eq!(
            invalid_metric(
                &refused(
                    "(#100) The value must be a valid insights metric: post_impressions_unique"
                ),
                &asked
            ),
            Some(Invalid::Named("post_impressions_unique"))
        );
        assert_eq!(
            invalid_metric(
                &refused("(#100) The value must be a valid insights metric"),
                &asked
            ),
            Some(Invalid::Unnamed)
        );
        // A name Lantoa did not ask for cannot be dropped from its list.
        assert_eq!(
            invalid_metric(
                &refused("(#100) The value must be a valid insights metric: page_fans"),
                &asked
            ),
            Some(Invalid::Unnamed)
        );
        // Code 100 for other reasons is not about metrics.
        assert_eq!(
            invalid_metric(
                &refused("Unsupported get request. Object does not exist"),
                &asked
            ),
            None
        );
    }

    #[test]
    fn errors_and_usage_are_read() {
        let token = br#"{"error":{"message":"Error validating access token","type":"OAuthException","code":190,"error_subcode":460,"fbtrace_id":"x"}}"#;
        assert_eq!(
            classify(400, token, Usage::default()).class,
            ErrorClass::Reconnect
        );
        let mut h = HeaderMap::new();
        h.insert(
            "x-business-use-case-usage",
            HeaderValue::from_static(
                r#"{"123":[{"type":"pages","call_count":100,"total_cputime":23,"total_time":23,"estimated_time_to_regain_access":2}]}"#,
            ),
        );
        h.insert(
            "x-app-usage",
            HeaderValue::from_static(r#"{"call_count":28,"total_time":25,"total_cputime":25}"#),
        );
        let u = usage(&h);
        assert_eq!(u.percent, 100);
        assert_eq!(u.regain, Some(Duration::from_secs(120)));
        let limited = br#"{"error":{"message":"(#32) Page request limit reached","type":"OAuthException","code":32,"fbtrace_id":"F"}}"#;
        assert_eq!(
            classify(400, limited, u).class,
            ErrorClass::Retry {
                after: Some(Duration::from_secs(120))
            }
        );
        let dup = br#"{"error":{"message":"Duplicate status message","code":506}}"#;
        assert_eq!(classify(400, dup, u).class, ErrorClass::FixContent);
        assert!(matches!(
            classify(
                500,
                br#"{"error":{"code":2,"is_transient":true}}"#,
                Usage::default()
            )
            .class,
            ErrorClass::Retry { .. }
        ));
    }
}

//! YouTube Data API v3: resumable upload (start a session, send from the
//! offset the server reports, probe before ever starting again), status,
//! statistics, delete; and the Analytics API v2's per-video totals (watch
//! time, shares, subscribers), which the Data API does not give.
//!
//! The session URI is the handle: the caller persists it before the first byte
//! and, after a timeout or a crash, probes it instead of starting a second
//! session, so a video is never created twice.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use super::{ErrorClass, PlatformError};

mod captions;

pub use captions::CAPTION_EXISTS;

/// Chunks must be multiples of 256 KiB.
pub const CHUNK_UNIT: u64 = 256 * 1024;

/// What goes out with the video.
#[derive(Debug, Clone, Serialize)]
pub struct VideoMeta {
    pub title: String,
    pub description: String,
    /// Keyword tags, without "#".
    pub tags: Vec<String>,
    /// public, unlisted or private.
    pub privacy: String,
    /// `snippet.categoryId`; `None` sends none (YouTube then uses the
    /// channel's default).
    pub category: Option<String>,
    /// The file's MIME type (`video/*` or `application/octet-stream`).
    pub content_type: String,
}

/// The file an upload sends.
#[derive(Debug, Clone, Copy)]
pub struct Media<'a> {
    pub file: &'a Path,
    pub size: u64,
    /// Its MIME type, as announced when the session started.
    pub content_type: &'a str,
}

/// A finished upload: the video's id and, when the answer carried it, the
/// privacy YouTube gave it (`status.privacyStatus`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uploaded {
    pub id: String,
    pub privacy: Option<String>,
}

/// Where a resumable session stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Session {
    /// The video exists: its id.
    Done { video_id: String },
    /// Bytes before `next` are stored.
    Incomplete { next: u64 },
    /// The session expired before completion: nothing was created; start again.
    Gone,
}

/// The processing state of an uploaded video.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoStatus {
    /// uploaded, processed, failed, rejected or deleted.
    pub upload_status: String,
    pub privacy: String,
    pub reason: Option<String>,
}

pub struct YouTube {
    http: reqwest::Client,
    /// Root of the API, `https://www.googleapis.com` or a mock.
    base: String,
    /// Root of the Analytics API, `https://youtubeanalytics.googleapis.com`
    /// or a mock.
    analytics: String,
}

/// The Analytics API's host.
pub const ANALYTICS_URL: &str = "https://youtubeanalytics.googleapis.com";

/// Video ids per Analytics report (the API takes up to 500 in a filter;
/// 200 keeps URLs short).
pub const ANALYTICS_BATCH: usize = 200;

/// The first day YouTube has data for (its launch): the start of a
/// lifetime report.
const LIFETIME_START: &str = "2005-02-14";

/// One video's lifetime totals from the Analytics API. A metric the report
/// did not carry is `None`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VideoAnalytics {
    pub views: Option<u64>,
    pub minutes_watched: Option<f64>,
    /// Seconds.
    pub average_view_duration: Option<f64>,
    pub shares: Option<u64>,
    pub subscribers_gained: Option<u64>,
}

fn retry_after(h: &reqwest::header::HeaderMap) -> Option<Duration> {
    retry_after_at(h, jiff::Timestamp::now())
}

/// `Retry-After` as seconds or as an HTTP date (RFC 9110 section 10.2.3:
/// IMF-fixdate, e.g. `Wed, 21 Oct 2026 07:28:00 GMT`), as a wait from `now`;
/// a date already past is no wait.
fn retry_after_at(h: &reqwest::header::HeaderMap, now: jiff::Timestamp) -> Option<Duration> {
    let v = h.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(s) = v.parse::<u64>() {
        return Some(Duration::from_secs(s));
    }
    let at = jiff::fmt::rfc2822::parse(v).ok()?.timestamp();
    let ms = at.as_millisecond().saturating_sub(now.as_millisecond());
    Some(Duration::from_millis(ms.max(0) as u64))
}

/// An upload session that expired before its last byte: nothing was created,
/// and the session cannot be asked anything; a new one must be started.
fn session_expired(status: u16) -> PlatformError {
    PlatformError {
        class: ErrorClass::Retry { after: None },
        status: Some(status),
        code: "sessionExpired".into(),
        message: "the upload session expired before completion".into(),
    }
}

/// Sorts a YouTube error response into what to do about it.
pub fn classify(status: u16, body: &[u8], after: Option<Duration>) -> PlatformError {
    let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    // Newer Google answers may leave `errors` out and carry the reason in
    // `details` (google.rpc.ErrorInfo, e.g. ACCESS_TOKEN_SCOPE_INSUFFICIENT).
    let info = v["error"]["details"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|d| d["reason"].as_str());
    let reason = v["error"]["errors"][0]["reason"]
        .as_str()
        .or(info)
        .or_else(|| v["error"]["status"].as_str())
        .or_else(|| v["error"].as_str())
        .unwrap_or("")
        .to_string();
    let message = v["error"]["message"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| String::from_utf8_lossy(body).chars().take(300).collect());
    let class = match (status, reason.as_str()) {
        // A token without the method's scope (videos.delete needs `youtube`,
        // not `youtube.upload`; captions need `youtube.force-ssl`, which
        // channels connected before subtitles never granted): connecting
        // again grants it.
        (401, _)
        | (
            _,
            "authError"
            | "invalid_grant"
            | "forbidden"
            | "insufficientPermissions"
            | "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
        ) => ErrorClass::Reconnect,
        // The project's quota (403) or the channel's daily uploads (400):
        // Permanent with this code is what the publisher paces until the
        // next midnight Pacific time, whatever the status says.
        (_, "quotaExceeded" | "uploadLimitExceeded" | "dailyLimitExceeded") => {
            ErrorClass::Permanent
        }
        (403 | 429, "rateLimitExceeded" | "userRateLimitExceeded") | (429, _) => {
            ErrorClass::Retry { after }
        }
        (500 | 502 | 503 | 504, _) => ErrorClass::Retry { after },
        (400, _) => ErrorClass::FixContent,
        _ => ErrorClass::Permanent,
    };
    PlatformError {
        class,
        status: Some(status),
        code: reason,
        message,
    }
}

/// The next offset from a 308's `Range: bytes=0-N` (none: nothing stored).
fn next_from_range(h: &reqwest::header::HeaderMap) -> u64 {
    h.get("range")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("bytes=0-"))
        .and_then(|n| n.trim().parse::<u64>().ok())
        .map_or(0, |last| last + 1)
}

impl YouTube {
    pub fn new(base: &str) -> YouTube {
        YouTube {
            http: super::client(),
            base: base.trim_end_matches('/').to_string(),
            analytics: ANALYTICS_URL.to_string(),
        }
    }

    /// The same client, with the Analytics API at `base`.
    pub fn with_analytics(mut self, base: &str) -> YouTube {
        self.analytics = base.trim_end_matches('/').to_string();
        self
    }

    /// Sends a request and reads the whole response; a response cut short is a
    /// network failure (the caller probes and resumes).
    async fn exchange(
        &self,
        req: reqwest::RequestBuilder,
    ) -> Result<(StatusCode, reqwest::header::HeaderMap, Vec<u8>), PlatformError> {
        let r = req.send().await.map_err(|e| PlatformError::network(&e))?;
        let status = r.status();
        let headers = r.headers().clone();
        let body = r.bytes().await.map_err(|e| PlatformError::network(&e))?;
        Ok((status, headers, body.to_vec()))
    }

    /// A GET with the token that must succeed: the JSON it answers (`Null`
    /// when the body is not JSON).
    async fn get_json(&self, url: String, token: &str) -> Result<serde_json::Value, PlatformError> {
        let (status, headers, body) = self.exchange(self.http.get(url).bearer_auth(token)).await?;
        if !status.is_success() {
            return Err(classify(status.as_u16(), &body, retry_after(&headers)));
        }
        Ok(serde_json::from_slice(&body).unwrap_or_default())
    }

    /// Starts a resumable session for `size` bytes; returns the session URI.
    pub async fn start(
        &self,
        token: &str,
        meta: &VideoMeta,
        size: u64,
    ) -> Result<String, PlatformError> {
        let mut body = serde_json::json!({
            "snippet": {"title": meta.title, "description": meta.description, "tags": meta.tags},
            "status": {"privacyStatus": meta.privacy, "selfDeclaredMadeForKids": false},
        });
        if let Some(c) = &meta.category {
            body["snippet"]["categoryId"] = c.as_str().into();
        }
        let (status, headers, bytes) = self
            .exchange(
                self.http
                    .post(format!(
                        "{}/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status",
                        self.base
                    ))
                    .bearer_auth(token)
                    .header(CONTENT_TYPE, "application/json; charset=UTF-8")
                    .header("X-Upload-Content-Length", size.to_string())
                    .header("X-Upload-Content-Type", &meta.content_type)
                    .body(body.to_string()),
            )
            .await?;
        if !status.is_success() {
            return Err(classify(status.as_u16(), &bytes, retry_after(&headers)));
        }
        headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .ok_or_else(|| PlatformError {
                class: ErrorClass::Retry { after: None },
                status: Some(status.as_u16()),
                code: "noLocation".into(),
                message: "the session was started without a Location".into(),
            })
    }

    fn finished(status: StatusCode, body: &[u8]) -> Option<Uploaded> {
        if status == StatusCode::CREATED || status == StatusCode::OK {
            let v: serde_json::Value = serde_json::from_slice(body).ok()?;
            return Some(Uploaded {
                id: v["id"].as_str()?.to_string(),
                privacy: v["status"]["privacyStatus"].as_str().map(str::to_string),
            });
        }
        None
    }

    /// Asks a session where it stands (`Content-Range: bytes */size`).
    pub async fn probe(
        &self,
        token: &str,
        session: &str,
        size: u64,
    ) -> Result<Session, PlatformError> {
        let (status, headers, body) = self
            .exchange(
                self.http
                    .put(session)
                    .bearer_auth(token)
                    .header(CONTENT_LENGTH, "0")
                    .header(CONTENT_RANGE, format!("bytes */{size}")),
            )
            .await?;
        if let Some(up) = Self::finished(status, &body) {
            return Ok(Session::Done { video_id: up.id });
        }
        match status.as_u16() {
            308 => Ok(Session::Incomplete {
                next: next_from_range(&headers),
            }),
            404 | 410 => Ok(Session::Gone),
            s => Err(classify(s, &body, retry_after(&headers))),
        }
    }

    /// Sends the file from wherever the session stands, in chunks, and returns
    /// the video. Always probes first, so a resumed call never repeats bytes.
    /// A session that expired (404 or 410, to the probe or to a chunk) is
    /// `sessionExpired`: nothing was created, start a new one.
    pub async fn upload(
        &self,
        token: &str,
        session: &str,
        media: &Media<'_>,
        chunk: u64,
        mut progress: impl FnMut(u64),
    ) -> Result<Uploaded, PlatformError> {
        let Media {
            file,
            size,
            content_type,
        } = *media;
        let chunk = (chunk / CHUNK_UNIT).max(1) * CHUNK_UNIT;
        let io = PlatformError::io;
        let mut f = tokio::fs::File::open(file).await.map_err(io)?;
        let mut next = match self.probe(token, session, size).await? {
            Session::Done { video_id } => {
                return Ok(Uploaded {
                    id: video_id,
                    privacy: None,
                });
            }
            Session::Incomplete { next } => next,
            Session::Gone => return Err(session_expired(404)),
        };
        loop {
            progress(next);
            let end = (next + chunk).min(size);
            let mut buf = vec![0u8; (end - next) as usize];
            f.seek(std::io::SeekFrom::Start(next)).await.map_err(io)?;
            f.read_exact(&mut buf).await.map_err(io)?;
            let range = if size == 0 {
                "bytes */0".to_string()
            } else {
                format!("bytes {next}-{}/{size}", end - 1)
            };
            let (status, headers, body) = self
                .exchange(
                    self.http
                        .put(session)
                        .bearer_auth(token)
                        .header(CONTENT_TYPE, content_type)
                        .header(CONTENT_RANGE, range)
                        .body(buf),
                )
                .await?;
            if let Some(up) = Self::finished(status, &body) {
                progress(size);
                return Ok(up);
            }
            match status.as_u16() {
                // Never assume the whole chunk arrived: go by the server's Range.
                308 => next = next_from_range(&headers),
                s @ (404 | 410) => return Err(session_expired(s)),
                s => return Err(classify(s, &body, retry_after(&headers))),
            }
        }
    }

    /// The video's processing state.
    pub async fn status(&self, token: &str, id: &str) -> Result<VideoStatus, PlatformError> {
        let v = self
            .get_json(
                format!("{}/youtube/v3/videos?part=status&id={id}", self.base),
                token,
            )
            .await?;
        let Some(item) = v["items"].get(0) else {
            return Ok(VideoStatus {
                upload_status: "deleted".into(),
                privacy: String::new(),
                reason: None,
            });
        };
        let s = &item["status"];
        Ok(VideoStatus {
            upload_status: s["uploadStatus"].as_str().unwrap_or("").into(),
            privacy: s["privacyStatus"].as_str().unwrap_or("").into(),
            reason: s["failureReason"]
                .as_str()
                .or_else(|| s["rejectionReason"].as_str())
                .map(str::to_string),
        })
    }

    /// Lifetime counters of up to 50 videos (`videos.list part=statistics`):
    /// (id, views, likes, comments), parsed from YouTube's string-typed numbers.
    pub async fn statistics(
        &self,
        token: &str,
        ids: &[String],
    ) -> Result<Vec<(String, Option<u64>, Option<u64>, Option<u64>)>, PlatformError> {
        let v = self
            .get_json(
                format!(
                    "{}/youtube/v3/videos?part=statistics&id={}",
                    self.base,
                    ids.join(",")
                ),
                token,
            )
            .await?;
        let count = super::count;
        Ok(v["items"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|i| {
                let s = &i["statistics"];
                (
                    i["id"].as_str().unwrap_or("").to_string(),
                    count(&s["viewCount"]),
                    count(&s["likeCount"]),
                    count(&s["commentCount"]),
                )
            })
            .collect())
    }

    /// Lifetime totals of these videos (at most [`ANALYTICS_BATCH`]) up to
    /// `end` from the Analytics API (`reports`, `dimensions=video`), by video
    /// id. A video without data has no row, so is absent from the map.
    /// Needs the `yt-analytics.readonly` scope.
    pub async fn analytics(
        &self,
        token: &str,
        ids: &[String],
        end: jiff::civil::Date,
    ) -> Result<HashMap<String, VideoAnalytics>, PlatformError> {
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("ids", "channel==MINE"),
                ("startDate", LIFETIME_START),
                ("endDate", &end.to_string()),
                (
                    "metrics",
                    "views,estimatedMinutesWatched,averageViewDuration,shares,subscribersGained",
                ),
                ("dimensions", "video"),
                ("filters", &format!("video=={}", ids.join(","))),
            ])
            .finish();
        let v = self
            .get_json(format!("{}/v2/reports?{query}", self.analytics), token)
            .await?;
        Ok(result_table(&v))
    }

    /// Deletes a video (takedown).
    pub async fn delete(&self, token: &str, id: &str) -> Result<(), PlatformError> {
        let (status, headers, body) = self
            .exchange(
                self.http
                    .delete(format!("{}/youtube/v3/videos?id={id}", self.base))
                    .bearer_auth(token),
            )
            .await?;
        if status.is_success() || status == StatusCode::NOT_FOUND {
            return Ok(());
        }
        Err(classify(status.as_u16(), &body, retry_after(&headers)))
    }
}

/// Reads a per-video resultTable by its column headers (dimensions first,
/// then metrics, but never assumed): `rows` is left out when there is no
/// data, and a row without a video id is skipped.
fn result_table(v: &serde_json::Value) -> HashMap<String, VideoAnalytics> {
    let columns: Vec<&str> = v["columnHeaders"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| c["name"].as_str().unwrap_or(""))
        .collect();
    let at = |name: &str| columns.iter().position(|c| *c == name);
    let Some(video) = at("video") else {
        return HashMap::new();
    };
    let number = |x: &serde_json::Value| {
        x.as_f64()
            .or_else(|| x.as_str().and_then(|s| s.trim().parse().ok()))
            .filter(|n: &f64| n.is_finite() && *n >= 0.0)
    };
    v["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|row| {
            let cell = |name: &str| at(name).and_then(|i| row.get(i));
            let id = row.get(video)?.as_str()?.to_string();
            Some((
                id,
                VideoAnalytics {
                    views: cell("views").and_then(super::count),
                    minutes_watched: cell("estimatedMinutesWatched").and_then(number),
                    average_view_duration: cell("averageViewDuration").and_then(number),
                    shares: cell("shares").and_then(super::count),
                    subscribers_gained: cell("subscribersGained").and_then(super::count),
                },
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_table_is_read_by_its_headers() {
        let v = serde_json::json!({"kind": "youtubeAnalytics#resultTable",
            "columnHeaders": [
                {"name": "shares", "columnType": "METRIC", "dataType": "INTEGER"},
                {"name": "video", "columnType": "DIMENSION", "dataType": "STRING"},
                {"name": "estimatedMinutesWatched", "columnType": "METRIC", "dataType": "FLOAT"},
                {"name": "averageViewDuration", "columnType": "METRIC", "dataType": "INTEGER"}],
            "rows": [[3, "a", 12.5, 21], ["4", "b", null, 9], [1, null, 1, 1]]});
        let t = result_table(&v);
        assert_eq!(t.len(), 2, "a row without a video is skipped");
        assert_eq!(
            t["a"],
            VideoAnalytics {
                views: None,
                minutes_watched: Some(12.5),
                average_view_duration: Some(21.0),
                shares: Some(3),
                subscribers_gained: None,
            }
        );
        assert_eq!(t["b"].shares, Some(4));
        assert_eq!(t["b"].minutes_watched, None);
        // No data: `rows` is left out.
        let empty = serde_json::json!({"columnHeaders": [{"name": "video"}, {"name": "views"}]});
        assert!(result_table(&empty).is_empty());
    }

    #[test]
    fn errors_are_classified_with_the_platforms_words_kept() {
        let quota = br#"{"error":{"code":403,"message":"The request cannot be completed because you have exceeded your quota.","errors":[{"message":"x","domain":"youtube.quota","reason":"quotaExceeded"}]}}"#;
        let e = classify(403, quota, None);
        assert_eq!(e.class, ErrorClass::Permanent);
        assert_eq!(e.code, "quotaExceeded");
        assert!(e.message.contains("exceeded your quota"));
        let rate =
            br#"{"error":{"code":403,"message":"Rate","errors":[{"reason":"rateLimitExceeded"}]}}"#;
        assert_eq!(
            classify(403, rate, Some(Duration::from_secs(3))).class,
            ErrorClass::Retry {
                after: Some(Duration::from_secs(3))
            }
        );
        assert_eq!(classify(401, b"{}", None).class, ErrorClass::Reconnect);
        assert_eq!(
            classify(
                400,
                br#"{"error":{"errors":[{"reason":"invalidTitle"}]}}"#,
                None
            )
            .class,
            ErrorClass::FixContent
        );
        assert!(matches!(
            classify(503, b"", None).class,
            ErrorClass::Retry { .. }
        ));
        assert_eq!(
            classify(400, br#"{"error":"invalid_grant"}"#, None).class,
            ErrorClass::Reconnect
        );
    }

    #[test]
    fn a_token_without_the_scope_is_reconnected_whichever_way_google_says_it() {
        // The classic body (errors[].reason), as the sandbox answers.
        let classic = br#"{"error":{"code":403,"message":"Request had insufficient authentication scopes.","errors":[{"message":"Insufficient Permission","domain":"global","reason":"insufficientPermissions"}],"status":"PERMISSION_DENIED"}}"#;
        // The newer one: no `errors`, the reason in an ErrorInfo detail.
        let newer = br#"{"error":{"code":403,"message":"Request had insufficient authentication scopes.","status":"PERMISSION_DENIED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"ACCESS_TOKEN_SCOPE_INSUFFICIENT","domain":"googleapis.com"}]}}"#;
        for body in [&classic[..], &newer[..]] {
            let e = classify(403, body, None);
            assert_eq!(e.class, ErrorClass::Reconnect, "{}", e.code);
            assert!(e.message.contains("insufficient authentication scopes"));
        }
        // Any other PERMISSION_DENIED is not a reason to reconnect.
        let other = br#"{"error":{"code":403,"message":"x","status":"PERMISSION_DENIED"}}"#;
        assert_eq!(classify(403, other, None).class, ErrorClass::Permanent);
    }

    #[test]
    fn retry_after_is_read_as_seconds_or_as_an_http_date() {
        let now: jiff::Timestamp = "2026-10-21T07:27:00Z".parse().unwrap();
        let with = |v: &str| {
            let mut h = reqwest::header::HeaderMap::new();
            h.insert(RETRY_AFTER, v.parse().unwrap());
            retry_after_at(&h, now)
        };
        assert_eq!(with("120"), Some(Duration::from_secs(120)));
        assert_eq!(
            with("Wed, 21 Oct 2026 07:28:00 GMT"),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            with("Wed, 21 Oct 2026 07:00:00 GMT"),
            Some(Duration::ZERO),
            "a date already past is no wait"
        );
        assert_eq!(with("soon"), None);
    }

    #[test]
    fn the_channels_upload_limit_is_paced_like_the_quota_whatever_its_status() {
        for status in [400, 403, 429] {
            let body = br#"{"error":{"code":400,"message":"The user has exceeded the number of videos they may upload.","errors":[{"reason":"uploadLimitExceeded"}]}}"#;
            let e = classify(status, body, None);
            assert_eq!(
                (e.class, e.code.as_str()),
                (ErrorClass::Permanent, "uploadLimitExceeded"),
                "{status}"
            );
        }
    }
}

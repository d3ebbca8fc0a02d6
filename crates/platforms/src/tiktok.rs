//! TikTok Content Posting API (Direct Post, FILE_UPLOAD): creator info, init
//! (the `publish_id` is the handle to persist), ordered chunk PUTs within
//! TikTok's size rules, and status polling. Failures may arrive inside HTTP 200
//! bodies, so every response's `error.code` is checked. TikTok has no API to
//! delete a post: takedown there is a person's task.
//!
//! Status polls are paced per token at TikTok's documented limit (30
//! `status/fetch` a minute per access token): every call of one client
//! shares the pacer, whatever publication it polls for.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncSeekExt};

use super::{ErrorClass, PlatformError};

/// Chunks are 5–64 MB (decimal); smaller files go in one piece.
pub const MIN_CHUNK: u64 = 5_000_000;
pub const CHUNK: u64 = 10_000_000;

/// `status/fetch` calls TikTok allows per access token per minute.
pub const STATUS_PER_MINUTE: usize = 30;

pub struct TikTok {
    http: reqwest::Client,
    /// `https://open.tiktokapis.com` or a mock.
    api: String,
    /// Paces `status/fetch` per token.
    status_pace: Arc<Pacer>,
}

/// What TikTok says about the creator a token posts as, from
/// `creator_info/query`. TikTok's content-sharing guidelines require the
/// product to show this before posting: the nickname, the privacy levels to
/// choose from (no default: a person picks one), and the longest video the
/// creator may post.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CreatorInfo {
    /// The levels this creator may post at now (`PUBLIC_TO_EVERYONE`,
    /// `MUTUAL_FOLLOW_FRIENDS`, `FOLLOWER_OF_CREATOR`, `SELF_ONLY`); an
    /// unaudited client gets `SELF_ONLY` only.
    pub privacy_level_options: Vec<String>,
    /// The longest video this creator may post, in seconds (0: not given).
    pub max_video_post_duration_sec: u64,
    /// The creator's display name, to show with the choice.
    pub creator_nickname: String,
    /// The creator's @handle.
    pub creator_username: String,
}

/// At most `max` calls per `window` for each token: a sliding window, so a
/// burst up to the limit goes at once and later calls wait for the oldest to
/// leave the window.
#[derive(Debug)]
pub struct Pacer {
    max: usize,
    window: Duration,
    sent: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Pacer {
    pub fn new(max: usize, window: Duration) -> Pacer {
        Pacer {
            max: max.max(1),
            window,
            sent: Mutex::new(HashMap::new()),
        }
    }

    /// Waits until `token` may make one more call, and counts it.
    pub async fn wait(&self, token: &str) {
        loop {
            let until = {
                let mut sent = self.sent.lock().unwrap_or_else(|e| e.into_inner());
                let now = Instant::now();
                sent.retain(|_, q| q.back().is_some_and(|t| now - *t < self.window));
                let q = sent.entry(token.to_string()).or_default();
                while q.front().is_some_and(|t| now - *t >= self.window) {
                    q.pop_front();
                }
                if q.len() < self.max {
                    q.push_back(now);
                    return;
                }
                q.front().map(|t| *t + self.window)
            };
            if let Some(t) = until {
                tokio::time::sleep(t.saturating_duration_since(Instant::now())).await;
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishStatus {
    /// PROCESSING_UPLOAD, PROCESSING_DOWNLOAD, SEND_TO_USER_INBOX, PUBLISH_COMPLETE or FAILED.
    pub status: String,
    pub fail_reason: Option<String>,
    /// Filled after public moderation.
    pub post_ids: Vec<i64>,
    pub uploaded_bytes: u64,
}

/// (chunk size, chunk count) for a file, by TikTok's rules: the count is
/// `floor(size / chunk)` and the last chunk takes the remainder.
pub fn chunking(size: u64) -> (u64, u64) {
    if size < 2 * CHUNK {
        (size, 1)
    } else {
        (CHUNK, size / CHUNK)
    }
}

/// Sorts a TikTok error code (from the body, whatever the HTTP status).
pub fn classify(status: u16, code: &str, message: &str) -> PlatformError {
    let class = match code {
        "access_token_invalid"
        | "scope_not_authorized"
        | "scope_permission_missed"
        | "auth_removed" => ErrorClass::Reconnect,
        "rate_limit_exceeded" => ErrorClass::Retry {
            after: Some(Duration::from_secs(60)),
        },
        "internal_error" | "internal" | "video_pull_failed" | "upload_url_expired" => {
            ErrorClass::Retry { after: None }
        }
        "invalid_param"
        | "invalid_params"
        | "invalid_file_upload"
        | "privacy_level_option_mismatch"
        | "file_format_check_failed"
        | "duration_check_failed"
        | "frame_rate_check_failed"
        | "picture_size_check_failed" => ErrorClass::FixContent,
        _ if status >= 500 => ErrorClass::Retry { after: None },
        _ => ErrorClass::Permanent,
    };
    PlatformError {
        class,
        status: Some(status),
        code: code.to_string(),
        message: message.to_string(),
    }
}

impl TikTok {
    pub fn new(api: &str) -> TikTok {
        TikTok {
            http: super::client(),
            api: api.trim_end_matches('/').to_string(),
            // A second of margin: TikTok counts calls when they arrive.
            status_pace: Arc::new(Pacer::new(STATUS_PER_MINUTE, Duration::from_secs(61))),
        }
    }

    /// The same client with `status/fetch` paced at `max` calls a minute per
    /// token, counted with every other client of this process paced so: each
    /// publish job builds its own connectors, and TikTok counts per token.
    pub fn with_shared_status_pace(mut self, max: usize) -> TikTok {
        static SHARED: std::sync::LazyLock<Mutex<HashMap<usize, Arc<Pacer>>>> =
            std::sync::LazyLock::new(Default::default);
        let mut shared = SHARED.lock().unwrap_or_else(|e| e.into_inner());
        self.status_pace = shared
            .entry(max)
            .or_insert_with(|| Arc::new(Pacer::new(max, Duration::from_secs(61))))
            .clone();
        self
    }

    /// The same client with `status/fetch` paced at `max` calls per `window`
    /// per token (tests; TikTok's limit is the default).
    pub fn with_status_pace(mut self, max: usize, window: Duration) -> TikTok {
        self.status_pace = Arc::new(Pacer::new(max, window));
        self
    }

    /// A JSON call to the v2 API; the envelope's `error.code` decides success.
    async fn call(
        &self,
        token: &str,
        path: &str,
        body: serde_json::Value,
    ) -> Result<serde_json::Value, PlatformError> {
        let r = self
            .http
            .post(format!("{}{path}", self.api))
            .bearer_auth(token)
            .header("Content-Type", "application/json; charset=UTF-8")
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| PlatformError::network(&e))?;
        let status = r.status().as_u16();
        let bytes = r.bytes().await.map_err(|e| PlatformError::network(&e))?;
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        let code = v["error"]["code"].as_str().unwrap_or("");
        if code == "ok" && (200..300).contains(&status) {
            return Ok(v["data"].clone());
        }
        let code = if code.is_empty() {
            if status >= 500 {
                "internal_error"
            } else {
                "unknown"
            }
        } else {
            code
        };
        Err(classify(
            status,
            code,
            v["error"]["message"].as_str().unwrap_or(""),
        ))
    }

    /// The creator's nickname, privacy options and longest video
    /// (`creator_info/query`): for the product to show before a person
    /// chooses, and for the connector to check that choice against.
    pub async fn creator_info(&self, token: &str) -> Result<CreatorInfo, PlatformError> {
        let d = self
            .call(
                token,
                "/v2/post/publish/creator_info/query/",
                serde_json::json!({}),
            )
            .await?;
        Ok(CreatorInfo {
            privacy_level_options: d["privacy_level_options"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            max_video_post_duration_sec: d["max_video_post_duration_sec"].as_u64().unwrap_or(0),
            creator_nickname: d["creator_nickname"].as_str().unwrap_or("").to_string(),
            creator_username: d["creator_username"].as_str().unwrap_or("").to_string(),
        })
    }

    /// Announces the post; returns the publish id (persist it before sending
    /// bytes) and the upload URL (valid for an hour).
    pub async fn init(
        &self,
        token: &str,
        title: &str,
        privacy: &str,
        size: u64,
    ) -> Result<(String, String), PlatformError> {
        self.init_with(token, title, privacy, size, None).await
    }

    /// [`TikTok::init`] with the cover: `video_cover_timestamp_ms`, the frame
    /// TikTok shows as the post's cover (its own pick when absent).
    pub async fn init_with(
        &self,
        token: &str,
        title: &str,
        privacy: &str,
        size: u64,
        cover_ms: Option<u64>,
    ) -> Result<(String, String), PlatformError> {
        let (chunk, count) = chunking(size);
        let mut post_info = serde_json::json!({"title": title, "privacy_level": privacy,
                          "disable_duet": false, "disable_comment": false,
                          "disable_stitch": false, "brand_content_toggle": false,
                          "brand_organic_toggle": false, "is_aigc": false});
        if let Some(ms) = cover_ms {
            post_info["video_cover_timestamp_ms"] = ms.into();
        }
        let d = self
            .call(
                token,
                "/v2/post/publish/video/init/",
                serde_json::json!({
                    "post_info": post_info,
                    "source_info": {"source": "FILE_UPLOAD", "video_size": size,
                                    "chunk_size": chunk, "total_chunk_count": count},
                }),
            )
            .await?;
        match (d["publish_id"].as_str(), d["upload_url"].as_str()) {
            (Some(p), Some(u)) => Ok((p.to_string(), u.to_string())),
            _ => Err(classify(
                200,
                "internal_error",
                "init answered without a publish id",
            )),
        }
    }

    /// Sends the chunks in order, starting with the chunk at byte `from` (a
    /// chunk boundary: what status reports as uploaded), as `video/mp4`.
    pub async fn upload(
        &self,
        upload_url: &str,
        file: &Path,
        size: u64,
        from: u64,
    ) -> Result<(), PlatformError> {
        self.upload_as(upload_url, file, size, from, "video/mp4")
            .await
    }

    /// [`upload`](Self::upload) with the file's MIME type. A 416 carries the
    /// bytes TikTok has (`Content-Range: bytes 0-{last}/{total}`): the upload
    /// goes on from there, a few times at most. A 403 means the upload URL
    /// expired (code `upload_url_expired`): nothing was posted, so a new init
    /// is safe.
    pub async fn upload_as(
        &self,
        upload_url: &str,
        file: &Path,
        size: u64,
        from: u64,
        content_type: &str,
    ) -> Result<(), PlatformError> {
        let (chunk, count) = chunking(size);
        let io = PlatformError::io;
        let mut f = tokio::fs::File::open(file).await.map_err(io)?;
        let mut i = from / chunk.max(1);
        let mut resumes = 0;
        while i < count {
            let start = i * chunk;
            let end = if i + 1 == count { size } else { start + chunk };
            let mut buf = vec![0u8; (end - start) as usize];
            f.seek(std::io::SeekFrom::Start(start)).await.map_err(io)?;
            f.read_exact(&mut buf).await.map_err(io)?;
            let r = self
                .http
                .put(upload_url)
                .header("Content-Type", content_type)
                .header(
                    "Content-Range",
                    format!("bytes {start}-{}/{size}", end.saturating_sub(1)),
                )
                .body(buf)
                .send()
                .await
                .map_err(|e| PlatformError::network(&e))?;
            let status = r.status().as_u16();
            let has = uploaded_of(r.headers());
            r.bytes().await.map_err(|e| PlatformError::network(&e))?;
            match (status, has) {
                (201 | 206, _) => i += 1,
                (403, _) => {
                    return Err(classify(
                        403,
                        "upload_url_expired",
                        "the upload URL expired",
                    ));
                }
                (416, Some(has)) if resumes < 3 => {
                    // Go on from the last whole chunk TikTok has.
                    resumes += 1;
                    i = has.min(size) / chunk.max(1);
                }
                (416, _) => {
                    return Err(classify(
                        416,
                        "range_mismatch",
                        "Content-Range does not match the upload's progress",
                    ));
                }
                (s, _) => {
                    return Err(classify(
                        s,
                        if s >= 500 {
                            "internal_error"
                        } else {
                            "invalid_file_upload"
                        },
                        "chunk refused",
                    ));
                }
            }
        }
        Ok(())
    }

    /// Counters of up to 20 posts (Display API `video/query`):
    /// (id, views, likes, comments, shares). TikTok sends numbers; numbers
    /// written as strings are read too.
    pub async fn query(
        &self,
        token: &str,
        ids: &[String],
    ) -> Result<Vec<(String, Option<u64>, Option<u64>, Option<u64>, Option<u64>)>, PlatformError>
    {
        let d = self
            .call(
                token,
                "/v2/video/query/?fields=id,view_count,like_count,comment_count,share_count",
                serde_json::json!({"filters": {"video_ids": ids}}),
            )
            .await?;
        Ok(d["videos"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|x| {
                (
                    x["id"]
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| x["id"].to_string()),
                    super::count(&x["view_count"]),
                    super::count(&x["like_count"]),
                    super::count(&x["comment_count"]),
                    super::count(&x["share_count"]),
                )
            })
            .collect())
    }

    /// Where a post stands. Waits its turn first: TikTok allows 30 calls a
    /// minute per token.
    pub async fn status(
        &self,
        token: &str,
        publish_id: &str,
    ) -> Result<PublishStatus, PlatformError> {
        self.status_pace.wait(token).await;
        let d = self
            .call(
                token,
                "/v2/post/publish/status/fetch/",
                serde_json::json!({"publish_id": publish_id}),
            )
            .await?;
        Ok(PublishStatus {
            status: d["status"].as_str().unwrap_or("").into(),
            fail_reason: d["fail_reason"]
                .as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            post_ids: d["publicaly_available_post_id"]
                .as_array()
                .map(|a| a.iter().filter_map(|x| x.as_i64()).collect())
                .unwrap_or_default(),
            uploaded_bytes: d["uploaded_bytes"].as_u64().unwrap_or(0),
        })
    }
}

/// The bytes TikTok says it has, from a chunk answer's `Content-Range: bytes
/// 0-{last}/{total}` (`last + 1`; the caller rounds down to a chunk).
fn uploaded_of(h: &reqwest::header::HeaderMap) -> Option<u64> {
    let v = h.get("content-range")?.to_str().ok()?;
    let span = v.trim().strip_prefix("bytes ")?.split('/').next()?;
    let (_, last) = span.split_once('-')?;
    last.trim().parse::<u64>().ok().map(|l| l + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunking_follows_tiktoks_rules() {
        assert_eq!(chunking(3_000_000), (3_000_000, 1));
        assert_eq!(chunking(19_999_999), (19_999_999, 1));
        assert_eq!(chunking(20_000_000), (10_000_000, 2));
        // TikTok's example: 50,000,123 bytes → five chunks, the last 10,000,123.
        assert_eq!(chunking(50_000_123), (10_000_000, 5));
        let (c, n) = chunking(4_000_000_000);
        assert!(n <= 1000 && (MIN_CHUNK..=64_000_000).contains(&c));
    }

    #[test]
    fn codes_are_classified() {
        assert_eq!(
            classify(401, "access_token_invalid", "").class,
            ErrorClass::Reconnect
        );
        assert!(matches!(
            classify(429, "rate_limit_exceeded", "").class,
            ErrorClass::Retry { after: Some(_) }
        ));
        assert_eq!(
            classify(200, "spam_risk_too_many_posts", "").class,
            ErrorClass::Permanent
        );
        assert_eq!(
            classify(400, "privacy_level_option_mismatch", "").class,
            ErrorClass::FixContent
        );
    }
}

//! Zalo Official Account video articles: upload the video (a token comes
//! back), verify it until Zalo gives the video id, create the article (another
//! token), verify that to get the article id; remove. Every answer is HTTP 200
//! with `{"error": <int>, "message": …}`; `error != 0` is a failure. The request
//! and error details come from third-party clients (see the reference): the
//! token-expiry and rate-limit codes below are assumptions to verify.

use std::path::Path;
use std::time::Duration;

use super::{ErrorClass, PlatformError};

/// Zalo accepts videos of at most 50 MB.
pub const MAX_BYTES: u64 = 50 * 1024 * 1024;

/// The containers Zalo's video upload takes (mp4 and avi), by MIME type.
pub const ACCEPTED_TYPES: [&str; 4] =
    ["video/mp4", "video/avi", "video/x-msvideo", "video/msvideo"];

/// An article as `article/getdetail` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleDetail {
    pub id: String,
    /// `show` (published) or `hide` (a draft), as Zalo says.
    pub status: Option<String>,
    pub title: String,
}

pub struct Zalo {
    http: reqwest::Client,
    /// `https://openapi.zalo.me` or a mock.
    api: String,
}

/// A video being converted, by its upload token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoState {
    /// 1 ready, 2 locked, 3 processing, 4 failed, 5 deleted.
    pub status: i64,
    pub video_id: Option<String>,
    pub percent: i64,
}

/// One article of the OA's listing (`article/getslice`). Which fields Zalo
/// really gives is uncertain: `id` and `title` are read by third-party
/// clients, and `total_view`/`total_share` by one; `create_date` and
/// `video_id` are assumptions (the mock gives them), so they are optional.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleSummary {
    pub id: String,
    pub title: String,
    /// Unix milliseconds, when given.
    pub create_date: Option<i64>,
    /// The video the article was made from, when the listing says so.
    pub video_id: Option<String>,
    pub total_view: Option<u64>,
    pub total_share: Option<u64>,
}

/// Articles getslice gives at most per call.
pub const SLICE_MAX: u32 = 10;

/// How many articles `find_article` looks through, newest first.
pub const FIND_SCAN: u32 = 300;

fn num(v: &serde_json::Value) -> Option<u64> {
    super::count(v)
}

fn text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Sorts a Zalo error code.
pub fn classify(http: u16, code: i64, message: &str) -> PlatformError {
    let class = match code {
        // Commonly cited for an invalid or expired access token (unconfirmed).
        -216 | -124 => ErrorClass::Reconnect,
        -201 => ErrorClass::FixContent,
        // Rate limit (assumed).
        -32 => ErrorClass::Retry {
            after: Some(Duration::from_secs(60)),
        },
        0 if http >= 500 => ErrorClass::Retry { after: None },
        _ => ErrorClass::Permanent,
    };
    PlatformError {
        class,
        status: Some(http),
        code: code.to_string(),
        message: message.to_string(),
    }
}

/// The `token` an upload or a create answers with.
fn token_in(d: &serde_json::Value, what: &str) -> Result<String, PlatformError> {
    d["token"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| classify(200, -1, &format!("{what} answered without a token")))
}

impl Zalo {
    pub fn new(api: &str) -> Zalo {
        Zalo {
            http: super::client(),
            api: api.trim_end_matches('/').to_string(),
        }
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Result<serde_json::Value, PlatformError> {
        let r = req.send().await.map_err(|e| PlatformError::network(&e))?;
        let status = r.status().as_u16();
        let bytes = r.bytes().await.map_err(|e| PlatformError::network(&e))?;
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        let code = v["error"]
            .as_i64()
            .unwrap_or(if status >= 500 { 0 } else { -1 });
        if code == 0 && status < 300 {
            return Ok(v["data"].clone());
        }
        Err(classify(status, code, v["message"].as_str().unwrap_or("")))
    }

    /// A GET of `path` (with its query) with the OA token.
    async fn get(&self, path: &str, token: &str) -> Result<serde_json::Value, PlatformError> {
        self.send(
            self.http
                .get(format!("{}{path}", self.api))
                .header("access_token", token),
        )
        .await
    }

    /// A POST of a JSON body to `path` with the OA token.
    async fn post_json(
        &self,
        path: &str,
        token: &str,
        body: serde_json::Value,
    ) -> Result<serde_json::Value, PlatformError> {
        self.send(
            self.http
                .post(format!("{}{path}", self.api))
                .header("access_token", token)
                .header("Content-Type", "application/json")
                .body(body.to_string()),
        )
        .await
    }

    /// Uploads an mp4 video (multipart field `file`); returns the upload token.
    pub async fn upload_video(
        &self,
        token: &str,
        file: &Path,
        name: &str,
    ) -> Result<String, PlatformError> {
        self.upload_video_as(token, file, name, "video/mp4").await
    }

    /// Uploads the video, declared as `content_type`; returns the upload token.
    pub async fn upload_video_as(
        &self,
        token: &str,
        file: &Path,
        name: &str,
        content_type: &str,
    ) -> Result<String, PlatformError> {
        let bytes = tokio::fs::read(file).await.map_err(PlatformError::io)?;
        if bytes.len() as u64 > MAX_BYTES {
            return Err(classify(200, -201, "the video is larger than 50 MB"));
        }
        let boundary = format!("lantoa{}", hex::encode(crate::random_bytes::<12>()));
        let safe_name: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || ".-_".contains(*c))
            .collect();
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{safe_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(&bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let d = self
            .send(
                self.http
                    .post(format!(
                        "{}/v2.0/article/upload_video/preparevideo",
                        self.api
                    ))
                    .header("access_token", token)
                    .header(
                        "Content-Type",
                        format!("multipart/form-data; boundary={boundary}"),
                    )
                    .body(body),
            )
            .await?;
        token_in(&d, "upload")
    }

    /// Where the uploaded video's conversion stands.
    pub async fn verify_video(
        &self,
        token: &str,
        upload: &str,
    ) -> Result<VideoState, PlatformError> {
        let d = self
            .get(
                &format!(
                    "/v2.0/article/upload_video/verify?token={}",
                    form_urlencoded::byte_serialize(upload.as_bytes()).collect::<String>()
                ),
                token,
            )
            .await?;
        Ok(VideoState {
            status: d["status"].as_i64().unwrap_or(0),
            video_id: d["video_id"]
                .as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            percent: d["convert_percent"].as_i64().unwrap_or(0),
        })
    }

    /// Creates the video article, published (`status: show`), with `avatar`
    /// as its thumbnail (left out when empty); returns its token (verify it
    /// for the id).
    pub async fn create_article(
        &self,
        token: &str,
        title: &str,
        description: &str,
        video_id: &str,
        avatar: &str,
    ) -> Result<String, PlatformError> {
        let mut body = serde_json::json!({"type": "video", "title": title,
            "description": description, "video_id": video_id,
            "status": "show", "comment": "show"});
        if !avatar.is_empty() {
            body["avatar"] = avatar.into();
        }
        let d = self.post_json("/v2.0/article/create", token, body).await?;
        token_in(&d, "create")
    }

    /// The article's id once Zalo has made it (`None` while it is still working).
    pub async fn verify_article(
        &self,
        token: &str,
        article: &str,
    ) -> Result<Option<String>, PlatformError> {
        let d = self
            .post_json(
                "/v2.0/article/verify",
                token,
                serde_json::json!({"token": article}),
            )
            .await?;
        Ok(d["id"]
            .as_str()
            .filter(|s| !s.is_empty())
            .map(str::to_string))
    }

    /// The article as Zalo has it now (`article/getdetail`): whether it is
    /// shown or hidden.
    pub async fn article_detail(
        &self,
        token: &str,
        id: &str,
    ) -> Result<ArticleDetail, PlatformError> {
        let d = self
            .get(
                &format!(
                    "/v2.0/article/getdetail?id={}",
                    form_urlencoded::byte_serialize(id.as_bytes()).collect::<String>()
                ),
                token,
            )
            .await?;
        Ok(ArticleDetail {
            id: text(&d["id"]).unwrap_or_else(|| id.to_string()),
            status: d["status"].as_str().map(str::to_string),
            title: d["title"].as_str().unwrap_or("").to_string(),
        })
    }

    /// One page of the OA's video articles (`offset`, at most 10).
    pub async fn list_articles(
        &self,
        token: &str,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<ArticleSummary>, PlatformError> {
        let d = self
            .get(
                &format!(
                    "/v2.0/article/getslice?offset={offset}&limit={}&type=video",
                    limit.clamp(1, SLICE_MAX)
                ),
                token,
            )
            .await?;
        Ok(d["medias"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| {
                Some(ArticleSummary {
                    id: text(&a["id"])?,
                    title: a["title"].as_str().unwrap_or("").to_string(),
                    create_date: a["create_date"].as_i64(),
                    video_id: text(&a["video_id"]),
                    total_view: num(&a["total_view"]),
                    total_share: num(&a["total_share"]),
                })
            })
            .collect())
    }

    /// Finds the article made from `video_id`, for when a crash came after
    /// `article/create` was sent but before its token was saved. Pages through
    /// the listing, newest first (up to `FIND_SCAN` articles). An article
    /// whose listing entry names its video matches on the video id; one
    /// without (Zalo's listing may not carry it) matches on the exact title.
    pub async fn find_article(
        &self,
        token: &str,
        video_id: &str,
        title: &str,
    ) -> Result<Option<String>, PlatformError> {
        let mut offset = 0;
        while offset < FIND_SCAN {
            let page = self.list_articles(token, offset, SLICE_MAX).await?;
            let found = page.iter().find(|a| match &a.video_id {
                Some(v) => v == video_id,
                None => !title.is_empty() && a.title == title,
            });
            if let Some(a) = found {
                return Ok(Some(a.id.clone()));
            }
            if page.len() < SLICE_MAX as usize {
                break;
            }
            offset += SLICE_MAX;
        }
        Ok(None)
    }

    /// Removes an article (takedown).
    pub async fn remove(&self, token: &str, id: &str) -> Result<(), PlatformError> {
        self.post_json("/v2.0/article/remove", token, serde_json::json!({"id": id}))
            .await?;
        Ok(())
    }
}

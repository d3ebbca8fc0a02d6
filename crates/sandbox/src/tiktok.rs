//! The TikTok Content Posting API stand-in: creator info, Direct Post init (6
//! per minute per token), ordered chunk PUTs checked against the declared chunk
//! layout (206 / 201 / 416, `Content-Range` progress header), and status
//! fetch. Errors come in TikTok's envelope, some inside HTTP 200.
//!
//! As strict as TikTok's documentation [TT-DP, TT-MT, TT-STATUS, TT-CI,
//! TT-RL]: upload URLs expire after an hour (403; shorter with the admin
//! config `tiktok_upload_url_ttl_ms`); `status/fetch` takes 30 calls a
//! minute per token (429 `rate_limit_exceeded`); each creator has its own
//! privacy options and longest video (`tiktok_creators`, by access token),
//! and an unaudited client (`tiktok_unaudited`) is offered `SELF_ONLY` only;
//! an init whose `privacy_level` is not offered is refused (403
//! `privacy_level_option_mismatch`, or
//! `unaudited_client_can_only_post_to_private_accounts`); the Display API's
//! video query and list require `fields` and give only those. Every field
//! of `post_info` and `source_info`, and the chunks' `Content-Type`, land in
//! the record.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{post, put};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

use super::{Fault, Record, Shared, dropped};

/// Inits one token may make per minute.
pub const INITS_PER_MINUTE: usize = 6;

/// Status fetches one token may make per minute.
pub const STATUS_PER_MINUTE: usize = 30;

/// How long an upload URL lives ("valid for one hour").
pub const UPLOAD_URL_TTL: Duration = Duration::from_secs(3600);

/// What `creator_info/query` says about one creator.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Creator {
    pub privacy_level_options: Vec<String>,
    pub max_video_post_duration_sec: u64,
    pub creator_nickname: String,
    pub creator_username: String,
}

impl Default for Creator {
    /// A public account, as in TikTok's example answer.
    fn default() -> Creator {
        Creator {
            privacy_level_options: vec![
                "PUBLIC_TO_EVERYONE".into(),
                "MUTUAL_FOLLOW_FRIENDS".into(),
                "SELF_ONLY".into(),
            ],
            max_video_post_duration_sec: 300,
            creator_nickname: "Báo Tỉnh".into(),
            creator_username: "baotinh".into(),
        }
    }
}

struct Post {
    token: String,
    title: String,
    /// `post_info` and `source_info` as received.
    fields: serde_json::Map<String, serde_json::Value>,
    /// The chunks' declared `Content-Type`.
    content_type: Option<String>,
    /// The upload URL is refused (403) from then on.
    expires: Instant,
    /// When init came (Unix seconds): the video's `create_time`.
    created_s: i64,
    size: u64,
    chunk: u64,
    count: u64,
    uploaded: u64,
    hasher: Sha256,
    upload_token: String,
    /// The post id, once every byte arrived, and when processing is over.
    done: Option<(i64, Instant)>,
}

#[derive(Default)]
pub struct TikTokMock {
    posts: Mutex<HashMap<String, Post>>,
    inits: Mutex<HashMap<String, VecDeque<Instant>>>,
    statuses: Mutex<HashMap<String, VecDeque<Instant>>>,
    /// Creators by access token; others are [`Creator::default`].
    creators: Mutex<HashMap<String, Creator>>,
    /// The API client is not audited: creators are offered SELF_ONLY only.
    unaudited: std::sync::atomic::AtomicBool,
    /// Upload URL lifetime, when shorter than the hour (tests).
    upload_url_ttl: Mutex<Option<Duration>>,
}

impl TikTokMock {
    pub(crate) fn reset_limits(&self) {
        for m in [&self.inits, &self.statuses] {
            if let Ok(mut i) = m.lock() {
                i.clear();
            }
        }
    }

    /// How many posts were initialised (each init makes one).
    pub fn inits_received(&self) -> usize {
        self.posts.lock().map(|p| p.len()).unwrap_or(0)
    }

    /// What `creator_info` says for the creator posting with `token`.
    pub fn set_creator(&self, token: &str, c: Creator) {
        if let Ok(mut m) = self.creators.lock() {
            m.insert(token.to_string(), c);
        }
    }

    /// Whether the API client is unaudited (SELF_ONLY only, as TikTok does).
    pub fn set_unaudited(&self, on: bool) {
        self.unaudited
            .store(on, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn unaudited(&self) -> bool {
        self.unaudited.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Upload URLs issued from now on live `ttl` (`None`: the hour).
    pub fn set_upload_url_ttl(&self, ttl: Option<Duration>) {
        if let Ok(mut t) = self.upload_url_ttl.lock() {
            *t = ttl;
        }
    }

    pub fn upload_url_ttl(&self) -> Duration {
        self.upload_url_ttl
            .lock()
            .ok()
            .and_then(|t| *t)
            .unwrap_or(UPLOAD_URL_TTL)
    }

    /// The creator `token` posts as, as this client sees it.
    pub fn creator(&self, token: &str) -> Creator {
        let mut c = self
            .creators
            .lock()
            .ok()
            .and_then(|m| m.get(token).cloned())
            .unwrap_or_default();
        if self.unaudited() {
            c.privacy_level_options = vec!["SELF_ONLY".into()];
        }
        c
    }
}

fn log_id() -> String {
    hex::encode(crate::random_bytes::<10>()).to_uppercase()
}

pub(super) fn envelope(
    status: StatusCode,
    code: &str,
    message: &str,
    data: serde_json::Value,
) -> Response {
    (
        status,
        axum::Json(serde_json::json!({"data": data,
            "error": {"code": code, "message": message, "log_id": log_id()}})),
    )
        .into_response()
}

pub(super) fn ok(data: serde_json::Value) -> Response {
    envelope(StatusCode::OK, "ok", "", data)
}

pub(super) fn fail(status: StatusCode, code: &str, message: &str) -> Response {
    envelope(status, code, message, serde_json::json!({}))
}

pub(super) fn fault_response(f: Fault) -> Option<Response> {
    Some(match f {
        Fault::ServerError => fail(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "Something went wrong. Please try again later.",
        ),
        Fault::RateLimited => fail(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limit_exceeded",
            "API rate limit was exceeded.",
        ),
        Fault::TokenExpired => fail(
            StatusCode::UNAUTHORIZED,
            "access_token_invalid",
            "The access token is invalid or not found in the request.",
        ),
        Fault::Quota => fail(
            StatusCode::FORBIDDEN,
            "spam_risk_too_many_posts",
            "The daily post cap from the API is reached for the current user.",
        ),
        Fault::DropMidUpload | Fault::Duplicate => return None,
    })
}

pub(super) fn token_of(h: &HeaderMap) -> Option<String> {
    h.get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .filter(|t| t.starts_with("act.") && t.len() > 5)
        .map(str::to_string)
}

pub(super) fn no_token() -> Response {
    fail(
        StatusCode::UNAUTHORIZED,
        "access_token_invalid",
        "The access token is invalid or not found in the request.",
    )
}

async fn creator_info(State(m): State<Shared>, headers: HeaderMap) -> Response {
    let Some(token) = token_of(&headers) else {
        return no_token();
    };
    match m.fault(&headers, |f| !f.needs_bytes()) {
        // The posting cap arrives inside HTTP 200, as TikTok documents.
        Some(Fault::Quota) => envelope(
            StatusCode::OK,
            "spam_risk_too_many_posts",
            "The daily post cap from the API is reached for the current user.",
            serde_json::json!({}),
        ),
        Some(f) => fault_response(f).unwrap_or_else(|| ok(serde_json::json!({}))),
        None => {
            let c = m.tiktok.creator(&token);
            ok(serde_json::json!({
            "creator_avatar_url": "https://example.invalid/a.jpg",
            "creator_username": c.creator_username, "creator_nickname": c.creator_nickname,
            "privacy_level_options": c.privacy_level_options,
            "comment_disabled": false, "duet_disabled": false, "stitch_disabled": true,
            "max_video_post_duration_sec": c.max_video_post_duration_sec}))
        }
    }
}

/// What a request without bytes gets instead of an answer: 401 without a
/// token, else the fault armed for it.
fn refuse(m: &Shared, headers: &HeaderMap) -> Option<Response> {
    if token_of(headers).is_none() {
        return Some(no_token());
    }
    m.fault(headers, |f| !f.needs_bytes())
        .and_then(fault_response)
}

async fn init(State(m): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(r) = refuse(&m, &headers) {
        return r;
    }
    let token = token_of(&headers).unwrap_or_default();
    {
        let mut inits = m.tiktok.inits.lock().expect("inits");
        let q = inits.entry(token.clone()).or_default();
        if !m.take_slot(q, Duration::from_secs(60), INITS_PER_MINUTE) {
            return fail(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limit_exceeded",
                "API rate limit was exceeded.",
            );
        }
    }
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let (p, s) = (&v["post_info"], &v["source_info"]);
    if let Some(r) = privacy_refusal(&m, &token, p["privacy_level"].as_str().unwrap_or("")) {
        return r;
    }
    // The cover frame's time: an int32 of milliseconds when given.
    let cover = &p["video_cover_timestamp_ms"];
    if !cover.is_null() && cover.as_u64().is_none_or(|ms| ms > i32::MAX as u64) {
        return fail(
            StatusCode::BAD_REQUEST,
            "invalid_params",
            "video_cover_timestamp_ms must be a non-negative int32",
        );
    }
    let title = p["title"].as_str().unwrap_or("");
    let (size, chunk, count) = (
        s["video_size"].as_u64().unwrap_or(0),
        s["chunk_size"].as_u64().unwrap_or(0),
        s["total_chunk_count"].as_u64().unwrap_or(0),
    );
    let layout_ok = s["source"] == "FILE_UPLOAD"
        && size > 0
        && chunk > 0
        && count == size / chunk
        && (1..=1000).contains(&count)
        && (count == 1 || (5_000_000..=64_000_000).contains(&chunk))
        && size - (count - 1) * chunk <= 128_000_000
        && title.encode_utf16().count() <= 2200;
    if !layout_ok {
        return fail(
            StatusCode::BAD_REQUEST,
            "invalid_param",
            "source_info does not follow the chunk rules",
        );
    }
    let publish_id = format!(
        "v_pub_file~v2-1.{}",
        u64::from_le_bytes(crate::random_bytes::<8>()) >> 4
    );
    let upload_id = hex::encode(crate::random_bytes::<6>());
    let upload_token = hex::encode(crate::random_bytes::<6>());
    m.tiktok.posts.lock().expect("posts").insert(
        upload_id.clone(),
        Post {
            token,
            title: title.to_string(),
            fields: [
                ("post_info".to_string(), p.clone()),
                ("source_info".to_string(), s.clone()),
            ]
            .into_iter()
            .collect(),
            content_type: None,
            expires: Instant::now() + m.tiktok.upload_url_ttl(),
            created_s: super::now_ms() / 1000,
            size,
            chunk,
            count,
            uploaded: 0,
            hasher: Sha256::new(),
            upload_token: upload_token.clone(),
            done: None,
        },
    );
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    // The publish id ends with the upload id, which status calls look up.
    ok(serde_json::json!({
        "publish_id": format!("{publish_id}.{upload_id}"),
        "upload_url": format!("http://{host}/video/?upload_id={upload_id}&upload_token={upload_token}"),
    }))
}

/// The refusal of an init whose privacy level the creator is not offered:
/// an unaudited client may post SELF_ONLY only.
fn privacy_refusal(m: &Shared, token: &str, privacy: &str) -> Option<Response> {
    if m.tiktok.unaudited() && privacy != "SELF_ONLY" {
        return Some(fail(
            StatusCode::FORBIDDEN,
            "unaudited_client_can_only_post_to_private_accounts",
            "Unaudited clients can only post to private accounts.",
        ));
    }
    let options = m.tiktok.creator(token).privacy_level_options;
    (!options.iter().any(|o| o == privacy)).then(|| {
        fail(
            StatusCode::FORBIDDEN,
            "privacy_level_option_mismatch",
            "privacy_level is not one of the creator's privacy_level_options",
        )
    })
}

fn progress(status: StatusCode, uploaded: u64, total: u64) -> Response {
    let mut r = status.into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("bytes 0-{}/{total}", uploaded.saturating_sub(1)))
    {
        r.headers_mut().insert("content-range", v);
    }
    r
}

async fn upload(
    State(m): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let id = q.get("upload_id").cloned().unwrap_or_default();
    let fault = m.fault(&headers, |f| f != Fault::Duplicate);
    if let Some(f) = fault
        && f != Fault::DropMidUpload
    {
        // Chunk transfers answer bare statuses.
        return match f {
            Fault::ServerError => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            Fault::RateLimited => StatusCode::TOO_MANY_REQUESTS.into_response(),
            _ => StatusCode::FORBIDDEN.into_response(),
        };
    }
    let range = headers
        .get("content-range")
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.strip_prefix("bytes "))
        .and_then(|r| r.split_once('/'))
        .and_then(|(span, total)| {
            let (a, b) = span.split_once('-')?;
            Some((
                a.parse::<u64>().ok()?,
                b.parse::<u64>().ok()?,
                total.parse::<u64>().ok()?,
            ))
        });
    let expected = {
        let posts = m.tiktok.posts.lock().expect("posts");
        let Some(p) = posts.get(&id) else {
            return StatusCode::NOT_FOUND.into_response();
        };
        if q.get("upload_token") != Some(&p.upload_token) || Instant::now() >= p.expires {
            return StatusCode::FORBIDDEN.into_response();
        }
        if !content_type_ok(&headers) {
            return StatusCode::BAD_REQUEST.into_response();
        }
        let Some((a, b, total)) = range else {
            return StatusCode::BAD_REQUEST.into_response();
        };
        if a != p.uploaded || total != p.size {
            return progress(StatusCode::RANGE_NOT_SATISFIABLE, p.uploaded, p.size);
        }
        let index = a / p.chunk;
        let expected = if index + 1 == p.count {
            p.size - a
        } else {
            p.chunk
        };
        if b + 1 - a != expected {
            return StatusCode::BAD_REQUEST.into_response();
        }
        expected
    };
    let mut stream = body.into_data_stream();
    let mut parts: Vec<Bytes> = Vec::new();
    let mut got = 0u64;
    let limit = (fault == Some(Fault::DropMidUpload)).then_some(expected / 2);
    while let Some(Ok(c)) = stream.next().await {
        if let Some(l) = limit
            && got + c.len() as u64 >= l
        {
            // The chunk is not accepted: nothing of it is kept.
            return dropped();
        }
        got += c.len() as u64;
        parts.push(c);
    }
    let mut posts = m.tiktok.posts.lock().expect("posts");
    let Some(p) = posts.get_mut(&id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if got != expected {
        return StatusCode::BAD_REQUEST.into_response();
    }
    for c in &parts {
        p.hasher.update(c);
    }
    if p.content_type.is_none() {
        p.content_type = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
    }
    p.uploaded += got;
    if p.uploaded < p.size {
        return progress(StatusCode::PARTIAL_CONTENT, p.uploaded, p.size);
    }
    let post_id = (u64::from_le_bytes(crate::random_bytes::<8>()) >> 2) as i64;
    p.done = Some((post_id, m.ready_at()));
    let sha = hex::encode(std::mem::take(&mut p.hasher).finalize());
    m.record(Record {
        platform: "tiktok".into(),
        id: post_id.to_string(),
        title: p.title.clone(),
        bytes: p.size,
        sha256: sha,
        deleted: false,
        received_at_ms: 0,
        text: p.title.clone(),
        tags: Vec::new(),
        fields: {
            let mut f = p.fields.clone();
            f.insert(
                "content_type".into(),
                p.content_type.clone().unwrap_or_default().into(),
            );
            f
        },
    });
    progress(StatusCode::CREATED, p.uploaded, p.size)
}

/// A chunk's `Content-Type`, when given, is one of the video types TikTok
/// takes (mp4, quicktime, webm).
fn content_type_ok(h: &HeaderMap) -> bool {
    match h.get("content-type").map(|v| v.to_str()) {
        None => true,
        Some(Ok(v)) => ["video/mp4", "video/quicktime", "video/webm"]
            .contains(&v.split(';').next().unwrap_or("").trim()),
        Some(Err(_)) => false,
    }
}

async fn status(State(m): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(r) = refuse(&m, &headers) {
        return r;
    }
    let token = token_of(&headers).unwrap_or_default();
    {
        let mut seen = m.tiktok.statuses.lock().expect("statuses");
        let q = seen.entry(token.clone()).or_default();
        if !m.take_slot(q, Duration::from_secs(60), STATUS_PER_MINUTE) {
            return fail(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limit_exceeded",
                "API rate limit was exceeded.",
            );
        }
    }
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let publish_id = v["publish_id"].as_str().unwrap_or("");
    let upload_id = publish_id.rsplit('.').next().unwrap_or("");
    let posts = m.tiktok.posts.lock().expect("posts");
    let Some(p) = posts.get(upload_id) else {
        return fail(
            StatusCode::BAD_REQUEST,
            "invalid_publish_id",
            "publish_id is invalid",
        );
    };
    if p.token != token {
        return fail(
            StatusCode::BAD_REQUEST,
            "token_not_authorized_for_specified_publish_id",
            "the token did not create this post",
        );
    }
    ok(match p.done {
        Some((id, ready)) if Instant::now() >= ready => {
            serde_json::json!({"status": "PUBLISH_COMPLETE", "fail_reason": "",
            "publicaly_available_post_id": [id], "uploaded_bytes": p.uploaded})
        }
        _ => serde_json::json!({"status": "PROCESSING_UPLOAD", "fail_reason": "",
            "publicaly_available_post_id": [], "uploaded_bytes": p.uploaded}),
    })
}

/// The Display API's requested `fields`; `None` when there are none (they
/// are required, as documented: there is no default set).
fn fields_of(q: &HashMap<String, String>) -> Option<Vec<String>> {
    let fields: Vec<String> = q
        .get("fields")
        .map(String::as_str)
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(str::to_string)
        .collect();
    (!fields.is_empty()).then_some(fields)
}

/// A 400 `invalid_params` in TikTok's error envelope.
fn invalid_params(message: &str) -> Response {
    fail(StatusCode::BAD_REQUEST, "invalid_params", message)
}

/// A published post as the Display API's video object, with only `fields`.
/// `duration` is 0: the sandbox does not decode the video.
fn video_object(
    m: &Shared,
    id: i64,
    ready: Instant,
    p: &Post,
    fields: &[String],
) -> serde_json::Value {
    let s = super::synthetic(&id.to_string(), m.age_s(ready));
    let all = serde_json::json!({"id": id.to_string(), "title": p.title,
        "video_description": p.title, "create_time": p.created_s, "duration": 0,
        "share_url": format!("https://www.tiktok.com/@baotinh/video/{id}"),
        "cover_image_url": "https://example.invalid/cover.jpg",
        "view_count": s.views, "like_count": s.likes, "comment_count": s.comments,
        "share_count": s.shares});
    let out: serde_json::Map<String, serde_json::Value> = fields
        .iter()
        .filter_map(|f| all.get(f).map(|x| (f.clone(), x.clone())))
        .collect();
    serde_json::Value::Object(out)
}

/// The Display API's video query: up to 20 ids, counters as numbers.
async fn query(
    State(m): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(r) = refuse(&m, &headers) {
        return r;
    }
    let Some(fields) = fields_of(&q) else {
        return invalid_params("fields is required");
    };
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let ids: Vec<String> = v["filters"]["video_ids"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if ids.is_empty() || ids.len() > 20 {
        return invalid_params("video_ids must hold 1 to 20 ids");
    }
    let posts = m.tiktok.posts.lock().expect("posts");
    let videos: Vec<serde_json::Value> = posts
        .values()
        .filter_map(|p| p.done.map(|(id, ready)| (id, ready, p)))
        .filter(|(id, ..)| ids.contains(&id.to_string()))
        .map(|(id, ready, p)| video_object(&m, id, ready, p, &fields))
        .collect();
    ok(serde_json::json!({"videos": videos, "cursor": 0, "has_more": false}))
}

/// The Display API's video list: the token's published posts, newest first,
/// `max_count` (at most 20) from `cursor`.
async fn list(
    State(m): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(r) = refuse(&m, &headers) {
        return r;
    }
    let Some(fields) = fields_of(&q) else {
        return invalid_params("fields is required");
    };
    let token = token_of(&headers).unwrap_or_default();
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let max = v["max_count"].as_u64().unwrap_or(10);
    if !(1..=20).contains(&max) {
        return invalid_params("max_count must be 1 to 20");
    }
    let cursor = v["cursor"].as_u64().unwrap_or(0) as usize;
    let posts = m.tiktok.posts.lock().expect("posts");
    let mut mine: Vec<(i64, Instant, &Post)> = posts
        .values()
        .filter(|p| p.token == token)
        .filter_map(|p| p.done.map(|(id, ready)| (id, ready, p)))
        .collect();
    mine.sort_by_key(|(_, ready, _)| std::cmp::Reverse(*ready));
    let page: Vec<serde_json::Value> = mine
        .iter()
        .skip(cursor)
        .take(max as usize)
        .map(|(id, ready, p)| video_object(&m, *id, *ready, p, &fields))
        .collect();
    let next = cursor + page.len();
    ok(serde_json::json!({"videos": page, "cursor": next, "has_more": next < mine.len()}))
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/v2/post/publish/creator_info/query/", post(creator_info))
        .route("/v2/post/publish/video/init/", post(init))
        .route("/v2/post/publish/status/fetch/", post(status))
        .route("/v2/video/query/", post(query))
        .route("/v2/video/list/", post(list))
        .route("/video/", put(upload))
        .layer(axum::extract::DefaultBodyLimit::disable())
}

//! The Zalo OA article API stand-in: video upload (multipart, ≤ 50 MB) → a
//! token whose verify answers "processing" (at least once, and until the
//! processing delay has passed) and then the video id → create article → a
//! token whose verify gives the article id (once the delay has passed again)
//! → remove. `article/getslice` lists the OA's articles, newest first, at most
//! 10 a call. Always HTTP 200 with `{"error", "message", "data"}`. The
//! token-expiry (-216) and rate-limit (-32) codes are this mock's assumptions,
//! like the connector's.
//!
//! getslice's item fields are uncertain (a third-party client reads
//! `total_view` and `total_share`): each media has `id`, `title`, `type`,
//! `status`, `create_date` (Unix ms), `total_view`, `total_share`, and — an
//! assumption of this mock, maybe absent on Zalo — the `video_id` it was made
//! from.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use sha2::{Digest, Sha256};

use super::{Fault, Record, Shared};

/// The largest video Zalo's upload takes ("file size exceeds 50MB", as
/// Zalo's documentation of `upload/video/preparevideo` says).
const MAX_BYTES: u64 = 50 * 1024 * 1024;

struct Upload {
    sha256: String,
    bytes: u64,
    polls: u32,
    video_id: String,
    /// Converting until then (and for the first verify in any case).
    ready_at: Instant,
    /// A verify answered ready: articles may use the video.
    ready: bool,
}

struct Article {
    title: String,
    video_id: String,
    id: String,
    created_ms: i64,
    created: Instant,
    /// Verify gives no id before.
    ready_at: Instant,
    deleted: bool,
}

#[derive(Default)]
pub struct ZaloMock {
    uploads: Mutex<HashMap<String, Upload>>,
    /// By creation token.
    articles: Mutex<HashMap<String, Article>>,
}

/// Articles getslice gives at most per call.
pub const SLICE_MAX: usize = 10;

pub(super) fn reply(code: i64, message: &str, data: serde_json::Value) -> Response {
    axum::Json(serde_json::json!({"error": code, "message": message, "data": data})).into_response()
}

pub(super) fn ok(data: serde_json::Value) -> Response {
    reply(0, "Success", data)
}

fn token() -> String {
    hex::encode(crate::random_bytes::<12>())
}

/// Checks the `access_token` header and any fault; `Some` is the refusal to give.
pub(super) fn gate(m: &Shared, h: &HeaderMap) -> Option<Response> {
    let t = h
        .get("access_token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if t.len() < 6 {
        return Some(reply(
            -216,
            "Access token is invalid",
            serde_json::json!({}),
        ));
    }
    match m.fault(h, |f| !f.needs_bytes()) {
        Some(Fault::ServerError) => Some(StatusCode::SERVICE_UNAVAILABLE.into_response()),
        Some(Fault::RateLimited | Fault::Quota) => Some(reply(
            -32,
            "Exceeded the limit of requests",
            serde_json::json!({}),
        )),
        Some(Fault::TokenExpired) => Some(reply(
            -216,
            "Access token is invalid",
            serde_json::json!({}),
        )),
        _ => None,
    }
}

/// The bytes of the multipart field `file`.
fn file_part<'a>(content_type: &str, body: &'a [u8]) -> Option<&'a [u8]> {
    let boundary = content_type.split("boundary=").nth(1)?.trim_matches('"');
    let marker = format!("--{boundary}");
    let start = find(body, b"name=\"file\"")?;
    let data = start + find(&body[start..], b"\r\n\r\n")? + 4;
    let end = data + find(&body[data..], format!("\r\n{marker}").as_bytes())?;
    Some(&body[data..end])
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

async fn prepare(State(m): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(r) = gate(&m, &headers) {
        return r;
    }
    let ct = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let Some(file) = file_part(ct, &body) else {
        return reply(-201, "Invalid parameter: file", serde_json::json!({}));
    };
    if file.len() as u64 > MAX_BYTES {
        return reply(
            -201,
            "Invalid parameter: file size exceeds 50MB",
            serde_json::json!({}),
        );
    }
    let t = token();
    m.zalo.uploads.lock().expect("uploads").insert(
        t.clone(),
        Upload {
            sha256: hex::encode(Sha256::digest(file)),
            bytes: file.len() as u64,
            polls: 0,
            video_id: token(),
            ready_at: m.ready_at(),
            ready: false,
        },
    );
    ok(serde_json::json!({"token": t}))
}

async fn verify_video(
    State(m): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = gate(&m, &headers) {
        return r;
    }
    let t = q.get("token").cloned().unwrap_or_default();
    let mut uploads = m.zalo.uploads.lock().expect("uploads");
    let Some(u) = uploads.get_mut(&t) else {
        return reply(-201, "Invalid parameter: token", serde_json::json!({}));
    };
    u.polls += 1;
    if u.polls < 2 || Instant::now() < u.ready_at {
        return ok(
            serde_json::json!({"status": 3, "convert_percent": 50, "video_id": "",
            "status_message": "processing"}),
        );
    }
    u.ready = true;
    ok(
        serde_json::json!({"status": 1, "convert_percent": 100, "video_id": u.video_id,
        "status_message": "ready"}),
    )
}

async fn create(State(m): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(r) = gate(&m, &headers) {
        return r;
    }
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let title = v["title"].as_str().unwrap_or("");
    let description = v["description"].as_str().unwrap_or("");
    if v["type"] != "video" {
        return reply(
            -201,
            "Invalid parameter: type accept only 2 value normal and video.",
            serde_json::json!({}),
        );
    }
    if title.is_empty() || title.chars().count() >= 150 || description.chars().count() >= 300 {
        return reply(
            -201,
            "Invalid parameter: title or description length",
            serde_json::json!({}),
        );
    }
    let video_id = v["video_id"].as_str().unwrap_or("").to_string();
    let known = m
        .zalo
        .uploads
        .lock()
        .map(|u| u.values().any(|x| x.video_id == video_id && x.ready))
        .unwrap_or(false);
    if !known {
        return reply(-201, "Invalid parameter: video_id", serde_json::json!({}));
    }
    let t = token();
    let id = token();
    let (sha, bytes) = m
        .zalo
        .uploads
        .lock()
        .ok()
        .and_then(|u| {
            u.values()
                .find(|x| x.video_id == video_id)
                .map(|x| (x.sha256.clone(), x.bytes))
        })
        .unwrap_or_default();
    // The article exists from now on, whether or not its token is verified.
    m.record(Record {
        platform: "zalo".into(),
        id: id.clone(),
        title: title.to_string(),
        bytes,
        sha256: sha,
        deleted: false,
        received_at_ms: 0,
        text: description.to_string(),
        tags: Vec::new(),
        fields: Default::default(),
    });
    m.zalo.articles.lock().expect("articles").insert(
        t.clone(),
        Article {
            title: title.to_string(),
            video_id,
            id,
            created_ms: super::now_ms(),
            created: Instant::now(),
            ready_at: m.ready_at(),
            deleted: false,
        },
    );
    ok(serde_json::json!({"token": t}))
}

async fn verify_article(State(m): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(r) = gate(&m, &headers) {
        return r;
    }
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let t = v["token"].as_str().unwrap_or("");
    let articles = m.zalo.articles.lock().expect("articles");
    let Some(a) = articles.get(t) else {
        return reply(-201, "Invalid parameter: token", serde_json::json!({}));
    };
    if Instant::now() < a.ready_at {
        return ok(serde_json::json!({"id": ""}));
    }
    ok(serde_json::json!({"id": a.id}))
}

async fn getslice(
    State(m): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = gate(&m, &headers) {
        return r;
    }
    let num = |k: &str, d: usize| q.get(k).map_or(Some(d), |v| v.trim().parse::<usize>().ok());
    let (Some(offset), Some(limit)) = (num("offset", 0), num("limit", SLICE_MAX)) else {
        return reply(
            -201,
            "Invalid parameter: offset or limit",
            serde_json::json!({}),
        );
    };
    if limit > SLICE_MAX {
        return reply(
            -201,
            "Invalid parameter: maximum limit is 10",
            serde_json::json!({}),
        );
    }
    let kind = q.get("type").map(String::as_str).unwrap_or("normal");
    if kind != "normal" && kind != "video" {
        return reply(
            -201,
            "Invalid parameter: type accept only 2 value normal and video.",
            serde_json::json!({}),
        );
    }
    let articles = m.zalo.articles.lock().expect("articles");
    // Every mock article is a video article; an article shows once created.
    let mut all: Vec<&Article> = if kind == "video" {
        articles
            .values()
            .filter(|a| !a.deleted && Instant::now() >= a.ready_at)
            .collect()
    } else {
        Vec::new()
    };
    all.sort_by_key(|a| std::cmp::Reverse(a.created));
    let total = all.len();
    let medias: Vec<serde_json::Value> = all
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|a| {
            // Zalo gives views and shares only, as numbers.
            let st = super::synthetic(&a.id, m.age_s(a.ready_at));
            serde_json::json!({"id": a.id, "type": "video", "title": a.title,
                "status": "show", "create_date": a.created_ms, "video_id": a.video_id,
                "total_view": st.views, "total_share": st.shares})
        })
        .collect();
    ok(serde_json::json!({"medias": medias, "total": total}))
}

async fn remove(State(m): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(r) = gate(&m, &headers) {
        return r;
    }
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let id = v["id"].as_str().unwrap_or("");
    let mut found = false;
    if let Ok(mut a) = m.zalo.articles.lock() {
        for x in a.values_mut().filter(|x| x.id == id) {
            x.deleted = true;
        }
    }
    if let Ok(mut r) = m.records.lock() {
        for x in r
            .iter_mut()
            .filter(|x| x.platform == "zalo" && x.id == id && !x.deleted)
        {
            x.deleted = true;
            found = true;
        }
    }
    if !found {
        return reply(-201, "Invalid parameter: id", serde_json::json!({}));
    }
    ok(serde_json::json!({}))
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/v2.0/article/upload_video/preparevideo", post(prepare))
        .route("/v2.0/article/upload_video/verify", get(verify_video))
        .route("/v2.0/article/create", post(create))
        .route("/v2.0/article/verify", post(verify_article))
        .route("/v2.0/article/remove", post(remove))
        .route("/v2.0/article/getslice", get(getslice))
        .layer(axum::extract::DefaultBodyLimit::max(60 * 1024 * 1024))
}

//! The Zalo OA article API stand-in: video upload (multipart, ≤ 50 MB) → a
//! token whose verify answers "processing" (at least once, and until the
//! processing delay has passed) and then the video id → create article → a
//! token whose verify gives the article id (once the delay has passed again)
//! → remove. `article/getslice` lists the OA's articles, newest first, at most
//! 10 a call. Always HTTP 200 with `{"error", "message", "data"}`. The
//! token-expiry (-216) and rate-limit (-32) codes are this mock's assumptions,
//! like the connector's.
//!
//! As strict as the documentation read (see docs/platforms.md):
//! the token must come in the `access_token` header (not `Authorization`,
//! not the query), made of URL-safe characters, and not expired or revoked
//! if the sandbox issued it; the upload takes one multipart `file` part,
//! declared mp4 or avi (by its `Content-Type`, else its file name), of at
//! most 50 MB; a video article's `avatar`, when given, is an http(s) URL,
//! `status` is `show|hide` (default `hide`, a draft, as for normal
//! articles) and `comment` `show|hide`; `article/getdetail` gives the
//! article's fields and status. Every field of the create body lands in the
//! record, with the upload's `content_type`.
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
    /// The part's declared type (or the one its file name implies).
    content_type: String,
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
    /// The create body as received.
    body: serde_json::Map<String, serde_json::Value>,
    /// `show` or `hide`.
    status: String,
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

impl ZaloMock {
    /// How many videos were uploaded.
    pub fn uploads_received(&self) -> usize {
        self.uploads.lock().map(|u| u.len()).unwrap_or(0)
    }
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
    let well_formed = t.len() >= 6
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if !well_formed || m.oauth.check(t).is_err() {
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

/// The multipart field `file`: its part headers and its bytes.
fn file_part<'a>(content_type: &str, body: &'a [u8]) -> Option<(String, &'a [u8])> {
    if !content_type.trim_start().starts_with("multipart/form-data") {
        return None;
    }
    let boundary = content_type
        .split("boundary=")
        .nth(1)?
        .split(';')
        .next()?
        .trim()
        .trim_matches('"');
    let marker = format!("--{boundary}");
    let start = find(body, b"name=\"file\"")?;
    let head_start = body[..start]
        .windows(2)
        .rposition(|w| w == b"\r\n")
        .map_or(0, |i| i + 2);
    let data = start + find(&body[start..], b"\r\n\r\n")? + 4;
    let end = data + find(&body[data..], format!("\r\n{marker}").as_bytes())?;
    let head = String::from_utf8_lossy(&body[head_start..data]).into_owned();
    Some((head, &body[data..end]))
}

/// The video type a part declares, or its file name implies when it
/// declares none (or only `application/octet-stream`); `None` unless it is
/// mp4 or avi, the containers Zalo takes.
fn video_type(part_head: &str) -> Option<String> {
    let lower = part_head.to_ascii_lowercase();
    let declared = lower
        .lines()
        .find_map(|l| l.strip_prefix("content-type:"))
        .map(|v| v.trim().to_string())
        .filter(|v| v != "application/octet-stream");
    let named = lower
        .split("filename=\"")
        .nth(1)
        .and_then(|n| n.split('"').next())
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, ext)| match ext {
            "mp4" => "video/mp4".to_string(),
            "avi" => "video/avi".to_string(),
            other => format!("unknown/{other}"),
        });
    let kind = declared.or(named)?;
    ["video/mp4", "video/avi", "video/x-msvideo", "video/msvideo"]
        .contains(&kind.as_str())
        .then_some(kind)
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
    let Some((head, file)) = file_part(ct, &body) else {
        return reply(-201, "Invalid parameter: file", serde_json::json!({}));
    };
    let Some(kind) = video_type(&head) else {
        return reply(
            -201,
            "Invalid parameter: file type must be mp4 or avi",
            serde_json::json!({}),
        );
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
            content_type: kind,
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

/// Why a video article's create body is refused, if it is: Zalo's -201
/// messages.
fn create_refusal(v: &serde_json::Value) -> Option<&'static str> {
    let text = |k: &str| v[k].as_str().unwrap_or("");
    let one_of = |k: &str| v.get(k).is_none_or(|x| x == "show" || x == "hide");
    if v["type"] != "video" {
        return Some("Invalid parameter: type accept only 2 value normal and video.");
    }
    if text("title").is_empty()
        || text("title").chars().count() >= 150
        || text("description").chars().count() >= 300
    {
        return Some("Invalid parameter: title or description length");
    }
    if let Some(a) = v.get("avatar") {
        let url = a.as_str().unwrap_or("");
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() < 12 {
            return Some("Invalid parameter: avatar value is invalid");
        }
    }
    if !one_of("status") || !one_of("comment") {
        return Some("Invalid parameter: status and comment accept only show and hide");
    }
    None
}

async fn create(State(m): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(r) = gate(&m, &headers) {
        return r;
    }
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    if let Some(why) = create_refusal(&v) {
        return reply(-201, why, serde_json::json!({}));
    }
    let title = v["title"].as_str().unwrap_or("");
    let description = v["description"].as_str().unwrap_or("");
    let video_id = v["video_id"].as_str().unwrap_or("").to_string();
    let upload = m.zalo.uploads.lock().ok().and_then(|u| {
        u.values()
            .find(|x| x.video_id == video_id && x.ready)
            .map(|x| (x.sha256.clone(), x.bytes, x.content_type.clone()))
    });
    let Some((sha, bytes, content_type)) = upload else {
        return reply(-201, "Invalid parameter: video_id", serde_json::json!({}));
    };
    let t = token();
    let id = token();
    let mut fields = v.as_object().cloned().unwrap_or_default();
    fields.insert("content_type".into(), content_type.into());
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
        fields,
    });
    m.zalo.articles.lock().expect("articles").insert(
        t.clone(),
        Article {
            title: title.to_string(),
            // Zalo's default is a hidden draft.
            status: v["status"].as_str().unwrap_or("hide").to_string(),
            body: v.as_object().cloned().unwrap_or_default(),
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

/// `article/getdetail?id=`: the article's fields as created, its status
/// (`show|hide`) and creation time.
async fn getdetail(
    State(m): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = gate(&m, &headers) {
        return r;
    }
    let id = q.get("id").map(String::as_str).unwrap_or("");
    let articles = m.zalo.articles.lock().expect("articles");
    let Some(a) = articles
        .values()
        .find(|a| a.id == id && !a.deleted && Instant::now() >= a.ready_at)
    else {
        return reply(-201, "Invalid parameter: id", serde_json::json!({}));
    };
    let mut d = a.body.clone();
    d.insert("id".into(), a.id.clone().into());
    d.insert("status".into(), a.status.clone().into());
    d.insert("create_date".into(), a.created_ms.into());
    ok(serde_json::Value::Object(d))
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
                "status": a.status, "create_date": a.created_ms, "video_id": a.video_id,
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
        .route("/v2.0/article/getdetail", get(getdetail))
        .layer(axum::extract::DefaultBodyLimit::max(60 * 1024 * 1024))
}

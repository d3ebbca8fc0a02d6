//! The YouTube Data API v3 stand-in: resumable upload sessions (start →
//! PUT bytes in contiguous ranges → 308 with `Range` or 201 with the video;
//! `bytes */N` probes answer the final response again once done), video status
//! and delete, Bearer tokens (`ya29.…`), Google's error bodies.
//!
//! Also the Analytics API's `GET /v2/reports` for per-video totals
//! (`dimensions=video`, `filters=video==ID,…`): a resultTable whose columns
//! are the dimension then the metrics in the order asked, whose rows leave out
//! videos without views, with figures from the same synthetic counters as
//! `videos.list` (so views agree). It can refuse every token with 403
//! `insufficientPermissions`, as when the channel did not grant the
//! `yt-analytics.readonly` scope.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{Fault, Record, Shared, dropped, read_body};

struct UploadSession {
    total: u64,
    received: u64,
    hasher: Sha256,
    title: String,
    description: String,
    tags: Vec<String>,
    privacy: String,
    /// The final answer, repeated to every later probe.
    done: Option<(u16, String)>,
}

struct Video {
    privacy: String,
    /// What the status becomes once processing is over (`processed`, `rejected`).
    upload_status: String,
    rejection: Option<String>,
    /// Until then the status is `uploaded`.
    ready_at: Instant,
}

#[derive(Default)]
pub struct YouTubeMock {
    sessions: Mutex<HashMap<String, UploadSession>>,
    videos: Mutex<HashMap<String, Video>>,
    /// Analytics refuses every token (scope not granted).
    analytics_denied: AtomicBool,
}

impl YouTubeMock {
    /// Makes the Analytics API refuse every token with 403, as when the
    /// channel's consent left out `yt-analytics.readonly` (or allows it again).
    pub fn deny_analytics(&self, on: bool) {
        self.analytics_denied.store(on, Ordering::Relaxed);
    }

    pub fn analytics_denied(&self) -> bool {
        self.analytics_denied.load(Ordering::Relaxed)
    }
}

fn random_id(len: usize) -> String {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    crate::random_bytes::<16>()
        .iter()
        .cycle()
        .take(len)
        .enumerate()
        .map(|(i, b)| ABC[(*b as usize + i * 7) % ABC.len()] as char)
        .collect()
}

/// Google's error body.
pub(super) fn error(status: StatusCode, reason: &str, message: &str) -> Response {
    let body = serde_json::json!({"error": {"code": status.as_u16(), "message": message,
        "errors": [{"message": message, "domain": "youtube", "reason": reason}]}});
    let mut r = (status, axum::Json(body)).into_response();
    if status == StatusCode::TOO_MANY_REQUESTS || reason == "rateLimitExceeded" {
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    r
}

pub(super) fn fault_response(f: Fault) -> Option<Response> {
    Some(match f {
        Fault::ServerError => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "backendError",
            "Backend Error",
        ),
        Fault::RateLimited => error(
            StatusCode::TOO_MANY_REQUESTS,
            "rateLimitExceeded",
            "The request cannot be completed because you have exceeded the rate limit.",
        ),
        Fault::TokenExpired => error(
            StatusCode::UNAUTHORIZED,
            "authError",
            "Request had invalid authentication credentials. Expected OAuth 2 access token.",
        ),
        Fault::Quota => error(
            StatusCode::FORBIDDEN,
            "quotaExceeded",
            "The request cannot be completed because you have exceeded your quota.",
        ),
        Fault::DropMidUpload | Fault::Duplicate => return None,
    })
}

/// The bearer token, if it looks like a Google access token.
fn authorized(h: &HeaderMap) -> bool {
    h.get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| t.starts_with("ya29.") && t.len() > 8)
}

fn unauthorized() -> Response {
    error(
        StatusCode::UNAUTHORIZED,
        "authError",
        "Request had invalid authentication credentials. Expected OAuth 2 access token.",
    )
}

/// What a request without bytes gets instead of an answer: 401 without a
/// Google token, else the fault armed for it.
fn refuse(m: &Shared, headers: &HeaderMap) -> Option<Response> {
    if !authorized(headers) {
        return Some(unauthorized());
    }
    m.fault(headers, |f| !f.needs_bytes())
        .and_then(fault_response)
}

#[derive(Deserialize)]
struct StartQuery {
    #[serde(rename = "uploadType")]
    upload_type: Option<String>,
}

async fn start(
    State(m): State<Shared>,
    Query(q): Query<StartQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(r) = refuse(&m, &headers) {
        return r;
    }
    if q.upload_type.as_deref() != Some("resumable") {
        return error(
            StatusCode::BAD_REQUEST,
            "invalidParameter",
            "uploadType must be resumable",
        );
    }
    let Some(total) = headers
        .get("x-upload-content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
    else {
        return error(
            StatusCode::BAD_REQUEST,
            "missingRequiredParameter",
            "X-Upload-Content-Length is required",
        );
    };
    let meta: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let title = meta["snippet"]["title"].as_str().unwrap_or("").to_string();
    if title.is_empty() || title.chars().count() > 100 || title.contains(['<', '>']) {
        return error(
            StatusCode::BAD_REQUEST,
            "invalidTitle",
            "The request metadata specifies an invalid video title.",
        );
    }
    // The videos resource's limits: a description of at most 5,000 bytes
    // without < or >, tags of at most 500 characters joined by commas (a tag
    // with a space counted as quoted).
    let description = meta["snippet"]["description"]
        .as_str()
        .unwrap_or("")
        .to_string();
    if description.len() > 5000 || description.contains(['<', '>']) {
        return error(
            StatusCode::BAD_REQUEST,
            "invalidDescription",
            "The request metadata specifies an invalid video description.",
        );
    }
    let tags: Vec<String> = meta["snippet"]["tags"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|t| t.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let tags_len: usize = tags
        .iter()
        .map(|t| t.chars().count() + if t.contains(' ') { 2 } else { 0 })
        .sum::<usize>()
        + tags.len().saturating_sub(1);
    if tags_len > 500 {
        return error(
            StatusCode::BAD_REQUEST,
            "invalidTags",
            "The request metadata specifies invalid video keywords.",
        );
    }
    let id = random_id(24);
    if let Ok(mut s) = m.youtube.sessions.lock() {
        s.insert(
            id.clone(),
            UploadSession {
                total,
                received: 0,
                hasher: Sha256::new(),
                title,
                description,
                tags,
                privacy: meta["status"]["privacyStatus"]
                    .as_str()
                    .unwrap_or("private")
                    .to_string(),
                done: None,
            },
        );
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    let location = format!(
        "http://{host}/upload/youtube/v3/videos?uploadType=resumable&upload_id={id}&part=snippet,status"
    );
    let mut r = StatusCode::OK.into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

#[derive(Deserialize)]
struct PutQuery {
    upload_id: Option<String>,
}

fn incomplete(received: u64) -> Response {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = StatusCode::PERMANENT_REDIRECT;
    if received > 0
        && let Ok(v) = HeaderValue::from_str(&format!("bytes=0-{}", received - 1))
    {
        r.headers_mut().insert("range", v);
    }
    r
}

fn final_response(status: u16, body: &str) -> Response {
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        [(header::CONTENT_TYPE, "application/json; charset=UTF-8")],
        body.to_string(),
    )
        .into_response()
}

async fn put(
    State(m): State<Shared>,
    Query(q): Query<PutQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if !authorized(&headers) {
        return unauthorized();
    }
    let Some(id) = q.upload_id else {
        return error(StatusCode::BAD_REQUEST, "invalidParameter", "upload_id");
    };
    let range = headers
        .get(header::CONTENT_RANGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    // A dropped connection and a duplicate need bytes: probes leave them armed.
    let probe = range.starts_with("bytes */");
    let fault = m.fault(&headers, |f| !(probe && f.needs_bytes()));
    if let Some(r) = fault.and_then(fault_response) {
        return r;
    }
    let (start, total) = {
        let sessions = m.youtube.sessions.lock().expect("sessions");
        let Some(s) = sessions.get(&id) else {
            return error(
                StatusCode::NOT_FOUND,
                "notFound",
                "Upload session not found.",
            );
        };
        if let Some((status, body)) = &s.done {
            return final_response(*status, body);
        }
        if probe {
            return incomplete(s.received);
        }
        let parsed = range
            .strip_prefix("bytes ")
            .and_then(|r| r.split_once('/'))
            .and_then(|(span, total)| {
                let (a, _) = span.split_once('-')?;
                Some((a.parse::<u64>().ok()?, total.parse::<u64>().ok()?))
            });
        match parsed {
            // Ranges must be contiguous; otherwise none of this request is kept.
            Some((a, t)) if a == s.received && t == s.total => (a, t),
            _ => return incomplete(s.received),
        }
    };
    let limit = if fault == Some(Fault::DropMidUpload) {
        let len = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
        Some(len / 2)
    } else {
        None
    };
    let (chunks, got) = read_body(body, limit).await;
    let mut sessions = m.youtube.sessions.lock().expect("sessions");
    let Some(s) = sessions.get_mut(&id) else {
        return error(
            StatusCode::NOT_FOUND,
            "notFound",
            "Upload session not found.",
        );
    };
    if s.received != start || start + got > total {
        return incomplete(s.received);
    }
    for c in &chunks {
        s.hasher.update(c);
    }
    s.received += got;
    if limit.is_some() {
        return dropped();
    }
    if s.received < s.total {
        return incomplete(s.received);
    }
    let video_id = random_id(11);
    let sha = hex::encode(std::mem::take(&mut s.hasher).finalize());
    let duplicate = fault == Some(Fault::Duplicate);
    let body = serde_json::json!({
        "kind": "youtube#video", "id": video_id,
        "snippet": {"title": s.title},
        "status": {"uploadStatus": if duplicate {"rejected"} else {"uploaded"},
                   "privacyStatus": s.privacy,
                   "rejectionReason": if duplicate {Some("duplicate")} else {None}},
    })
    .to_string();
    s.done = Some((201, body.clone()));
    if let Ok(mut v) = m.youtube.videos.lock() {
        v.insert(
            video_id.clone(),
            Video {
                privacy: s.privacy.clone(),
                upload_status: if duplicate { "rejected" } else { "processed" }.into(),
                rejection: duplicate.then(|| "duplicate".to_string()),
                ready_at: m.ready_at(),
            },
        );
    }
    m.record(Record {
        platform: "youtube".into(),
        id: video_id,
        title: s.title.clone(),
        bytes: s.received,
        sha256: sha,
        deleted: false,
        received_at_ms: 0,
        text: s.description.clone(),
        tags: s.tags.clone(),
        fields: Default::default(),
    });
    final_response(201, &body)
}

#[derive(Deserialize)]
struct VideoQuery {
    id: Option<String>,
    part: Option<String>,
}

async fn videos_get(
    State(m): State<Shared>,
    Query(q): Query<VideoQuery>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = refuse(&m, &headers) {
        return r;
    }
    let ids = q.id.unwrap_or_default();
    let statistics = q
        .part
        .as_deref()
        .unwrap_or("")
        .split(',')
        .any(|p| p == "statistics");
    let videos = m.youtube.videos.lock().expect("videos");
    let items: Vec<serde_json::Value> = ids
        .split(',')
        .filter_map(|id| videos.get(id).map(|v| (id, v)))
        .map(|(id, v)| {
            let status = if v.upload_status == "processed" && Instant::now() < v.ready_at {
                "uploaded"
            } else {
                v.upload_status.as_str()
            };
            let mut item = serde_json::json!({"kind": "youtube#video", "id": id,
                "status": {"uploadStatus": status, "privacyStatus": v.privacy,
                           "rejectionReason": v.rejection}});
            if statistics {
                // Counters are strings, as YouTube sends them.
                let s = super::synthetic(id, m.age_s(v.ready_at));
                item["statistics"] = serde_json::json!({"viewCount": s.views.to_string(),
                    "likeCount": s.likes.to_string(), "favoriteCount": "0",
                    "commentCount": s.comments.to_string()});
            }
            item
        })
        .collect();
    axum::Json(serde_json::json!({"kind": "youtube#videoListResponse", "items": items}))
        .into_response()
}

async fn videos_delete(
    State(m): State<Shared>,
    Query(q): Query<VideoQuery>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = refuse(&m, &headers) {
        return r;
    }
    let id = q.id.unwrap_or_default();
    let removed = m
        .youtube
        .videos
        .lock()
        .map(|mut v| v.remove(&id).is_some())
        .unwrap_or(false);
    if !removed {
        return error(
            StatusCode::NOT_FOUND,
            "videoNotFound",
            "The video that you are trying to delete cannot be found.",
        );
    }
    if let Ok(mut r) = m.records.lock() {
        for rec in r
            .iter_mut()
            .filter(|r| r.platform == "youtube" && r.id == id)
        {
            rec.deleted = true;
        }
    }
    StatusCode::NO_CONTENT.into_response()
}

/// Metrics the Analytics mock can report for a video.
const ANALYTICS_METRICS: &[&str] = &[
    "views",
    "estimatedMinutesWatched",
    "averageViewDuration",
    "likes",
    "comments",
    "shares",
    "subscribersGained",
];

/// Video ids the Analytics API takes in one `video==` filter.
pub const ANALYTICS_MAX_IDS: usize = 500;

/// `GET /v2/reports`: per-video lifetime totals as a resultTable.
async fn reports(
    State(m): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = refuse(&m, &headers) {
        return r;
    }
    if m.youtube.analytics_denied() {
        return error(
            StatusCode::FORBIDDEN,
            "insufficientPermissions",
            "Request had insufficient authentication scopes.",
        );
    }
    let bad = |what: &str| error(StatusCode::BAD_REQUEST, "badRequest", what);
    for p in ["ids", "startDate", "endDate", "metrics"] {
        if q.get(p).is_none_or(|v| v.is_empty()) {
            return bad(&format!("Required parameter: {p}"));
        }
    }
    if !q["ids"].starts_with("channel==") {
        return bad("Invalid value at 'ids'");
    }
    let date = |p: &str| q[p].parse::<jiff::civil::Date>().ok();
    let (Some(start), Some(end)) = (date("startDate"), date("endDate")) else {
        return bad("Invalid date: startDate and endDate must be YYYY-MM-DD");
    };
    if start > end {
        return bad("The start date must not be after the end date.");
    }
    let metrics: Vec<&str> = q["metrics"].split(',').collect();
    if let Some(x) = metrics.iter().find(|x| !ANALYTICS_METRICS.contains(x)) {
        return bad(&format!(
            "Unknown identifier ({x}) given in field parameters.metrics."
        ));
    }
    // Only the per-video report: `dimensions=video` with a `video==` filter.
    if q.get("dimensions").map(String::as_str) != Some("video") {
        return bad("The query is not supported by this sandbox: use dimensions=video.");
    }
    let Some(ids) = q
        .get("filters")
        .and_then(|f| f.split(';').find_map(|x| x.strip_prefix("video==")))
    else {
        return bad("The query is not supported by this sandbox: filter on video==ID,…");
    };
    let ids: Vec<&str> = ids.split(',').filter(|x| !x.is_empty()).collect();
    if ids.len() > ANALYTICS_MAX_IDS {
        return bad("The filter holds too many videos.");
    }
    let mut headers_out = vec![serde_json::json!(
        {"name": "video", "columnType": "DIMENSION", "dataType": "STRING"})];
    for x in &metrics {
        headers_out.push(serde_json::json!({"name": x, "columnType": "METRIC",
            "dataType": "INTEGER"}));
    }
    let videos = m.youtube.videos.lock().expect("videos");
    let rows: Vec<serde_json::Value> = ids
        .iter()
        .filter_map(|id| videos.get(*id).map(|v| (*id, v)))
        .filter(|(_, v)| v.upload_status == "processed" && Instant::now() >= v.ready_at)
        .map(|(id, v)| (id, super::synthetic(id, m.age_s(v.ready_at))))
        // A video without views has no data: no row.
        .filter(|(_, s)| s.views > 0)
        .map(|(id, s)| {
            let mut row = vec![serde_json::json!(id)];
            for x in &metrics {
                row.push(serde_json::json!(match *x {
                    "views" => s.views,
                    "estimatedMinutesWatched" => (s.views * s.avg_watch_ms + 30_000) / 60_000,
                    "averageViewDuration" => (s.avg_watch_ms + 500) / 1_000,
                    "likes" => s.likes,
                    "comments" => s.comments,
                    "shares" => s.shares,
                    _ => s.follows,
                }));
            }
            serde_json::Value::Array(row)
        })
        .collect();
    let mut body = serde_json::json!({"kind": "youtubeAnalytics#resultTable",
        "columnHeaders": headers_out});
    if !rows.is_empty() {
        body["rows"] = serde_json::Value::Array(rows);
    }
    axum::Json(body).into_response()
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/upload/youtube/v3/videos", post(start).put(put))
        .route("/resumable/upload/youtube/v3/videos", post(start).put(put))
        .route(
            "/youtube/v3/videos",
            axum::routing::get(videos_get).delete(videos_delete),
        )
        .route("/v2/reports", axum::routing::get(reports))
        .layer(axum::extract::DefaultBodyLimit::disable())
}

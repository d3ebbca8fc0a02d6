//! The YouTube Data API v3 stand-in, written from Google's documentation and
//! held to Google's own client (tests/platform-clients/test_youtube.py):
//! `videos.insert` by resumable, media and multipart upload (`upload`), its
//! metadata checked field by field (`meta`), `videos.list` answering only the
//! parts asked for, `videos.delete`, Bearer tokens (`ya29.…`) whose granted
//! scopes are checked when the OAuth mock issued them, Google's error bodies.
//! Admin switches: `youtube_unaudited` (every upload private, as for an
//! unaudited API project), `youtube_session_ttl_s` (upload session lifetime),
//! `youtube_daily_uploads` (the channel's cap, then `uploadLimitExceeded`),
//! `youtube_asr_captions` (`captions.list` shows YouTube's automatic track).
//!
//! Caption tracks (`captions`): `captions.insert` by multipart or resumable
//! upload, `captions.list`, `captions.delete`, on the channel's own videos
//! and only with the `youtube.force-ssl` or `youtubepartner` scope. A video
//! belongs to the channel of the token that uploaded it.
//!
//! Also the Analytics API's `GET /v2/reports` for per-video totals
//! (`dimensions=video`, `filters=video==ID,…`): a resultTable whose columns
//! are the dimension then the metrics in the order asked, whose rows leave out
//! videos without views, with figures from the same synthetic counters as
//! `videos.list` (so views agree). It can refuse every token with 403
//! `insufficientPermissions`, as when the channel did not grant the
//! `yt-analytics.readonly` scope.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::Deserialize;

use super::{Fault, Shared};

mod captions;
mod meta;
mod upload;

/// An uploaded video.
struct Video {
    /// What the upload set.
    meta: meta::Meta,
    /// The channel it was uploaded to (the uploading token's).
    channel: String,
    /// The privacy YouTube gave it (private for an unaudited project).
    privacy: String,
    content_type: String,
    /// What the status becomes once processing is over (`processed`, `rejected`).
    upload_status: String,
    rejection: Option<String>,
    /// Until then the status is `uploaded`.
    ready_at: Instant,
    published_at: String,
}

/// How long an upload session lives unless configured: a week, the lifetime
/// Google documents for its resumable session URIs (Cloud Storage, Street
/// View Publish; the YouTube guide only says sessions expire).
pub const SESSION_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

#[derive(Default)]
pub struct YouTubeMock {
    sessions: Mutex<HashMap<String, upload::UploadSession>>,
    videos: Mutex<HashMap<String, Video>>,
    /// Analytics refuses every token (scope not granted).
    analytics_denied: AtomicBool,
    /// The API project is not audited: every upload is made private.
    unaudited: AtomicBool,
    /// Upload sessions' lifetime when not [`SESSION_TTL`].
    session_ttl: Mutex<Option<Duration>>,
    /// The channel's uploads per 24 hours, when capped, and when the
    /// window's uploads started.
    daily_uploads: Mutex<(Option<usize>, VecDeque<Instant>)>,
    /// Caption tracks, in the order they were inserted.
    captions: Mutex<Vec<captions::Track>>,
    /// Resumable caption uploads in progress, by upload id.
    caption_sessions: Mutex<HashMap<String, captions::Session>>,
    /// `captions.list` also shows the automatic (ASR) track YouTube makes in
    /// a processed video's language.
    asr_captions: AtomicBool,
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

    /// Makes every upload private, as YouTube does for an unaudited API
    /// project created after 28 July 2020 (or lifts it).
    pub fn set_unaudited(&self, on: bool) {
        self.unaudited.store(on, Ordering::Relaxed);
    }

    pub fn unaudited(&self) -> bool {
        self.unaudited.load(Ordering::Relaxed)
    }

    /// Sets how long upload sessions live (`None`: [`SESSION_TTL`]).
    pub fn set_session_ttl(&self, ttl: Option<Duration>) {
        if let Ok(mut t) = self.session_ttl.lock() {
            *t = ttl;
        }
    }

    pub fn session_ttl(&self) -> Duration {
        self.session_ttl
            .lock()
            .ok()
            .and_then(|t| *t)
            .unwrap_or(SESSION_TTL)
    }

    /// Caps the channel's uploads per 24 hours (`None`: no cap).
    pub fn set_daily_uploads(&self, cap: Option<usize>) {
        if let Ok(mut d) = self.daily_uploads.lock() {
            *d = (cap, VecDeque::new());
        }
    }

    /// Makes `captions.list` show YouTube's automatic track too (or not).
    pub fn set_asr_captions(&self, on: bool) {
        self.asr_captions.store(on, Ordering::Relaxed);
    }

    pub fn asr_captions(&self) -> bool {
        self.asr_captions.load(Ordering::Relaxed)
    }

    pub fn daily_uploads(&self) -> Option<usize> {
        self.daily_uploads.lock().ok().and_then(|d| d.0)
    }

    /// Counts one more upload against the channel's cap; false when it is
    /// reached.
    fn take_daily_upload(&self) -> bool {
        let Ok(mut d) = self.daily_uploads.lock() else {
            return true;
        };
        let (cap, times) = &mut *d;
        let Some(cap) = *cap else {
            return true;
        };
        let day = Duration::from_secs(24 * 3600);
        while times.front().is_some_and(|t| t.elapsed() > day) {
            times.pop_front();
        }
        if times.len() >= cap {
            return false;
        }
        times.push_back(Instant::now());
        true
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

fn bearer(h: &HeaderMap) -> &str {
    h.get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("")
}

/// The channel a request's token is the user's: the OAuth mock's channel
/// for the client it issued the token to; the sandbox user's otherwise.
fn channel_of(m: &Shared, h: &HeaderMap) -> String {
    let client = m
        .oauth
        .check(bearer(h))
        .ok()
        .flatten()
        .unwrap_or_else(|| "sandbox".into());
    crate::oauth::google_channel(&client)
}

/// The bearer token, if it looks like a Google access token.
fn authorized(h: &HeaderMap) -> bool {
    let t = bearer(h);
    t.starts_with("ya29.") && t.len() > 8
}

/// Google's answer to a missing required query parameter.
pub(super) fn required(name: &str) -> Response {
    let message = format!("Required parameter: {name}");
    let body = serde_json::json!({"error": {"code": 400, "message": message,
        "errors": [{"message": message, "domain": "global", "reason": "required",
                    "location": name, "locationType": "parameter"}]}});
    (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
}

/// Google's answer to a token without any of a method's scopes.
fn insufficient_scopes() -> Response {
    let body = serde_json::json!({"error": {"code": 403,
        "message": "Request had insufficient authentication scopes.",
        "errors": [{"message": "Insufficient Permission", "domain": "global",
                    "reason": "insufficientPermissions"}],
        "status": "PERMISSION_DENIED"}});
    (StatusCode::FORBIDDEN, axum::Json(body)).into_response()
}

/// Like [`refuse`], and 403 when the OAuth mock issued the token without any
/// of `scopes` (short names under `https://www.googleapis.com/auth/`). A
/// token it did not issue is the sandbox user's, with every scope.
fn refuse_scoped(m: &Shared, headers: &HeaderMap, scopes: &[&str]) -> Option<Response> {
    if !authorized(headers) {
        return Some(unauthorized());
    }
    if let Some(granted) = m.oauth.granted_scope(bearer(headers)) {
        let ok = granted.split_whitespace().any(|g| {
            g.strip_prefix("https://www.googleapis.com/auth/")
                .is_some_and(|short| scopes.contains(&short))
        });
        if !ok {
            return Some(insufficient_scopes());
        }
    }
    refuse(m, headers)
}

/// A video resource with only the parts asked for. `inserted`: the answer
/// to the upload itself, when processing has not begun.
fn resource(
    m: &Shared,
    id: &str,
    v: &Video,
    parts: &[String],
    inserted: bool,
) -> serde_json::Value {
    let asked = |p: &str| parts.iter().any(|x| x == p);
    let mut item = serde_json::json!({"kind": "youtube#video", "etag": random_id(27), "id": id});
    if asked("snippet") {
        let mut s = v.meta.snippet.clone();
        s.insert("publishedAt".into(), v.published_at.clone().into());
        s.insert("channelId".into(), v.channel.clone().into());
        s.insert("channelTitle".into(), "Báo Tỉnh — Sandbox".into());
        s.insert("liveBroadcastContent".into(), "none".into());
        s.entry("description").or_insert_with(|| "".into());
        s.entry("categoryId").or_insert_with(|| "22".into());
        item["snippet"] = serde_json::Value::Object(s);
    }
    if asked("status") {
        let ready = !inserted && Instant::now() >= v.ready_at;
        let upload_status = if v.upload_status == "processed" && !ready {
            "uploaded"
        } else {
            v.upload_status.as_str()
        };
        let mut s = v.meta.status.clone();
        s.insert("uploadStatus".into(), upload_status.into());
        s.insert("privacyStatus".into(), v.privacy.clone().into());
        s.entry("license").or_insert_with(|| "youtube".into());
        for k in ["embeddable", "publicStatsViewable"] {
            s.entry(k).or_insert(true.into());
        }
        if let Some(r) = &v.rejection {
            s.insert("rejectionReason".into(), r.clone().into());
        }
        item["status"] = serde_json::Value::Object(s);
    }
    if asked("statistics") {
        // Counters are strings, as YouTube sends them.
        let s = super::synthetic(id, m.age_s(v.ready_at));
        item["statistics"] = serde_json::json!({"viewCount": s.views.to_string(),
            "likeCount": s.likes.to_string(), "favoriteCount": "0",
            "commentCount": s.comments.to_string()});
    }
    if asked("fileDetails") {
        item["fileDetails"] = serde_json::json!({"fileType": "video", "container": v.content_type});
    }
    item
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
struct VideoQuery {
    id: Option<String>,
    part: Option<String>,
}

/// Scopes `videos.list` accepts (discovery document youtube.v3).
const LIST_SCOPES: &[&str] = &[
    "youtube",
    "youtube.force-ssl",
    "youtube.readonly",
    "youtubepartner",
];
/// Scopes `videos.delete` accepts: `youtube.upload` is not among them.
const DELETE_SCOPES: &[&str] = &["youtube", "youtube.force-ssl", "youtubepartner"];

async fn videos_get(
    State(m): State<Shared>,
    Query(q): Query<VideoQuery>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = refuse_scoped(&m, &headers, LIST_SCOPES) {
        return r;
    }
    let parts = match meta::parts(q.part.as_deref()) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let ids = q.id.unwrap_or_default();
    let videos = m.youtube.videos.lock().expect("videos");
    let items: Vec<serde_json::Value> = ids
        .split(',')
        .filter_map(|id| videos.get(id).map(|v| resource(&m, id, v, &parts, false)))
        .collect();
    axum::Json(serde_json::json!({"kind": "youtube#videoListResponse",
        "pageInfo": {"totalResults": items.len(), "resultsPerPage": items.len()},
        "items": items}))
    .into_response()
}

async fn videos_delete(
    State(m): State<Shared>,
    Query(q): Query<VideoQuery>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = refuse_scoped(&m, &headers, DELETE_SCOPES) {
        return r;
    }
    let Some(id) = q.id.filter(|i| !i.is_empty()) else {
        return required("id");
    };
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
    // A deleted video's caption tracks go with it.
    let tracks = captions::remove_of_video(&m, &id);
    if let Ok(mut r) = m.records.lock() {
        for rec in r
            .iter_mut()
            .filter(|r| r.platform == "youtube" && (r.id == id || tracks.contains(&r.id)))
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
        .route(
            "/upload/youtube/v3/videos",
            post(upload::start).put(upload::put),
        )
        .route(
            "/resumable/upload/youtube/v3/videos",
            post(upload::start).put(upload::put),
        )
        .route(
            "/youtube/v3/videos",
            axum::routing::get(videos_get).delete(videos_delete),
        )
        .route("/v2/reports", axum::routing::get(reports))
        .route(
            "/upload/youtube/v3/captions",
            post(captions::insert).put(captions::put),
        )
        .route(
            "/resumable/upload/youtube/v3/captions",
            post(captions::insert).put(captions::put),
        )
        .route(
            "/youtube/v3/captions",
            axum::routing::get(captions::list).delete(captions::delete),
        )
        .layer(axum::extract::DefaultBodyLimit::disable())
}

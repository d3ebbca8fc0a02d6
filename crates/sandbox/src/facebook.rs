//! The Facebook Graph API stand-in for Page Reels: start → rupload (from an
//! offset, `Authorization: OAuth`) → status phases → finish → delete; Page
//! tokens (`EAA…`); Graph error objects with an `fbtrace_id`; usage headers; the
//! 30 reels per Page per 24 hours limit (the error code for that limit is not
//! documented; the mock answers code 4).
//!
//! Reel insights (`video_insights`) answer the metrics of an allow-list and
//! refuse any other with code 100, as Graph does for a deprecated metric; a
//! metric can be taken off the list at runtime (`disable_insights`, or
//! `facebook_insights_disabled` in `POST /__admin/config`) to play a
//! deprecation, and every insights request's metric list is kept for tests.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use sha2::{Digest, Sha256};

use super::{Fault, Record, Shared, dropped, read_body};

/// Reels one Page may publish through the API in 24 hours.
pub const REELS_PER_DAY: usize = 30;

struct Reel {
    page: String,
    total: u64,
    received: u64,
    hasher: Sha256,
    sha256: Option<String>,
    published: bool,
    deleted: bool,
    description: String,
    /// Processing (after finish) is over at this time.
    ready_at: Option<Instant>,
}

#[derive(Default)]
pub struct FacebookMock {
    reels: Mutex<HashMap<String, Reel>>,
    starts: Mutex<HashMap<String, VecDeque<Instant>>>,
    /// Insights metrics taken off the allow-list.
    disabled: Mutex<Vec<String>>,
    /// The metrics each insights request asked for, in order.
    insights_asked: Mutex<Vec<Vec<String>>>,
}

impl FacebookMock {
    pub(crate) fn reset_limits(&self) {
        if let Ok(mut s) = self.starts.lock() {
            s.clear();
        }
    }

    /// Refuses these insights metrics from now on (code 100), as after a
    /// deprecation; replaces the previous list (empty: all allowed again).
    pub fn disable_insights(&self, names: &[String]) {
        if let Ok(mut d) = self.disabled.lock() {
            *d = names.to_vec();
        }
    }

    pub fn disabled_insights(&self) -> Vec<String> {
        self.disabled.lock().map(|d| d.clone()).unwrap_or_default()
    }

    /// The metrics each insights request asked for, oldest first.
    pub fn insights_requests(&self) -> Vec<Vec<String>> {
        self.insights_asked
            .lock()
            .map(|a| a.clone())
            .unwrap_or_default()
    }
}

fn fbtrace() -> String {
    hex::encode(crate::random_bytes::<6>())
}

pub(super) fn error(status: StatusCode, code: i64, message: &str, transient: bool) -> Response {
    let body = serde_json::json!({"error": {"message": message, "type": "OAuthException",
        "code": code, "is_transient": transient, "fbtrace_id": fbtrace()}});
    (status, axum::Json(body)).into_response()
}

pub(super) fn fault_response(f: Fault) -> Option<Response> {
    Some(match f {
        Fault::ServerError => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            2,
            "Service temporarily unavailable",
            true,
        ),
        Fault::RateLimited => {
            let mut r = error(
                StatusCode::BAD_REQUEST,
                32,
                "(#32) Page request limit reached",
                false,
            );
            r.headers_mut().insert(
                "x-business-use-case-usage",
                HeaderValue::from_static(
                    r#"{"1":[{"type":"pages","call_count":100,"total_cputime":20,"total_time":20,"estimated_time_to_regain_access":1}]}"#,
                ),
            );
            r
        }
        Fault::TokenExpired => error(
            StatusCode::BAD_REQUEST,
            190,
            "Error validating access token: Session has expired.",
            false,
        ),
        Fault::Quota => error(
            StatusCode::BAD_REQUEST,
            4,
            "(#4) Application request limit reached",
            false,
        ),
        Fault::DropMidUpload | Fault::Duplicate => return None,
    })
}

pub(super) fn valid(token: Option<&str>) -> bool {
    token.is_some_and(|t| t.starts_with("EAA") && t.len() > 6)
}

pub(super) fn bad_token() -> Response {
    error(
        StatusCode::BAD_REQUEST,
        190,
        "Invalid OAuth access token - Cannot parse access token",
        false,
    )
}

/// Query string and form body together, as Graph accepts both.
fn params(q: &HashMap<String, String>, body: &[u8]) -> HashMap<String, String> {
    let mut p = q.clone();
    for (k, v) in form_urlencoded::parse(body) {
        p.insert(k.into_owned(), v.into_owned());
    }
    p
}

pub(super) fn with_usage(mut r: Response) -> Response {
    if !r.headers().contains_key("x-app-usage") {
        r.headers_mut().insert(
            "x-app-usage",
            HeaderValue::from_static(r#"{"call_count":1,"total_time":1,"total_cputime":1}"#),
        );
    }
    r
}

async fn video_reels(
    State(m): State<Shared>,
    Path((_version, page)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let p = params(&q, &body);
    if !valid(p.get("access_token").map(String::as_str)) {
        return bad_token();
    }
    let phase = p.get("upload_phase").map(String::as_str).unwrap_or("");
    let fault = m.fault(&headers, |f| {
        f != Fault::DropMidUpload && (f != Fault::Duplicate || phase == "finish")
    });
    if let Some(r) = fault.and_then(fault_response) {
        return with_usage(r);
    }
    match phase {
        "start" => {
            {
                let mut starts = m.facebook.starts.lock().expect("starts");
                let day = starts.entry(page.clone()).or_default();
                if !m.take_slot(day, Duration::from_secs(86_400), REELS_PER_DAY) {
                    return with_usage(error(
                        StatusCode::BAD_REQUEST,
                        4,
                        "(#4) Reels publishing limit reached: 30 per Page in 24 hours",
                        false,
                    ));
                }
            }
            let id = format!(
                "{}",
                1_000_000_000_000u64
                    + u64::from_le_bytes(crate::random_bytes::<8>()) % 1_000_000_000_000
            );
            m.facebook.reels.lock().expect("reels").insert(
                id.clone(),
                Reel {
                    page,
                    total: 0,
                    received: 0,
                    hasher: Sha256::new(),
                    sha256: None,
                    published: false,
                    deleted: false,
                    description: String::new(),
                    ready_at: None,
                },
            );
            let host = headers
                .get("host")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("127.0.0.1");
            with_usage(
                axum::Json(serde_json::json!({"video_id": id,
                    "upload_url": format!("http://{host}/video-upload/v25.0/{id}")}))
                .into_response(),
            )
        }
        "finish" => {
            let id = p.get("video_id").cloned().unwrap_or_default();
            let mut reels = m.facebook.reels.lock().expect("reels");
            let Some(r) = reels.get_mut(&id).filter(|r| r.page == page) else {
                return error(StatusCode::BAD_REQUEST, 100, "Invalid video_id", false);
            };
            let Some(sha) = r.sha256.clone() else {
                return error(
                    StatusCode::BAD_REQUEST,
                    6000,
                    "Video Upload Is Missing",
                    false,
                );
            };
            if fault == Some(Fault::Duplicate) {
                return error(
                    StatusCode::BAD_REQUEST,
                    506,
                    "Duplicate status message",
                    false,
                );
            }
            if !r.published {
                r.published = true;
                r.ready_at = Some(m.ready_at());
                r.description = p.get("description").cloned().unwrap_or_default();
                m.record(Record {
                    platform: "facebook".into(),
                    id: id.clone(),
                    title: r.description.clone(),
                    bytes: r.received,
                    sha256: sha,
                    deleted: false,
                    received_at_ms: 0,
                    text: r.description.clone(),
                    tags: Vec::new(),
                    fields: Default::default(),
                });
            }
            with_usage(axum::Json(serde_json::json!({"success": true})).into_response())
        }
        _ => error(StatusCode::BAD_REQUEST, 100, "Invalid upload_phase", false),
    }
}

async fn rupload(
    State(m): State<Shared>,
    Path((_version, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let h = |k: &str| headers.get(k).and_then(|v| v.to_str().ok());
    if !valid(h("authorization").and_then(|a| a.strip_prefix("OAuth "))) {
        return bad_token();
    }
    let fault = m.fault(&headers, |f| f != Fault::Duplicate);
    if let Some(r) = fault.and_then(fault_response) {
        return r;
    }
    let (Some(offset), Some(size)) = (
        h("offset").and_then(|v| v.parse::<u64>().ok()),
        h("file_size").and_then(|v| v.parse::<u64>().ok()),
    ) else {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(serde_json::json!({"debug_info": {"type": "ParameterValidationError",
                "message": "HeaderValuePredicate: Header Offset not convertable to unsigned long"}})),
        )
            .into_response();
    };
    {
        let reels = m.facebook.reels.lock().expect("reels");
        match reels.get(&id) {
            None => return error(StatusCode::BAD_REQUEST, 100, "Invalid video id", false),
            Some(r) if r.received != offset => {
                return (
                    StatusCode::BAD_REQUEST,
                    axum::Json(
                        serde_json::json!({"debug_info": {"type": "OffsetInvalidError",
                        "message": format!("Offset should be {}", r.received)}}),
                    ),
                )
                    .into_response();
            }
            _ => {}
        }
    }
    let limit = (fault == Some(Fault::DropMidUpload)).then(|| {
        h("content-length")
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
            / 2
    });
    let (parts, got) = read_body(body, limit).await;
    let mut reels = m.facebook.reels.lock().expect("reels");
    let Some(r) = reels.get_mut(&id) else {
        return error(StatusCode::BAD_REQUEST, 100, "Invalid video id", false);
    };
    if r.received != offset || offset + got > size {
        return error(StatusCode::BAD_REQUEST, 100, "PartialRequestError", false);
    }
    r.total = size;
    for p in &parts {
        r.hasher.update(p);
    }
    r.received += got;
    if limit.is_some() {
        return dropped();
    }
    if r.received == r.total {
        r.sha256 = Some(hex::encode(std::mem::take(&mut r.hasher).finalize()));
    }
    axum::Json(serde_json::json!({"success": true})).into_response()
}

async fn video(
    State(m): State<Shared>,
    Path((_version, id)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    method: axum::http::Method,
) -> Response {
    if !valid(q.get("access_token").map(String::as_str)) {
        return bad_token();
    }
    if let Some(r) = m
        .fault(&headers, |f| !f.needs_bytes())
        .and_then(fault_response)
    {
        return with_usage(r);
    }
    let mut reels = m.facebook.reels.lock().expect("reels");
    let Some(r) = reels.get_mut(&id).filter(|r| !r.deleted) else {
        return error(
            StatusCode::NOT_FOUND,
            100,
            "Unsupported get request. Object does not exist",
            false,
        );
    };
    if method == axum::http::Method::DELETE {
        r.deleted = true;
        if let Ok(mut rec) = m.records.lock() {
            for x in rec
                .iter_mut()
                .filter(|x| x.platform == "facebook" && x.id == id)
            {
                x.deleted = true;
            }
        }
        return with_usage(axum::Json(serde_json::json!({"success": true})).into_response());
    }
    let done = r.sha256.is_some();
    // Finished: processing until `ready_at`, then published.
    let processing = r.published && r.ready_at.is_some_and(|t| Instant::now() < t);
    let live = r.published && !processing;
    let phase = |s: bool| if s { "complete" } else { "not_started" };
    let body = serde_json::json!({"id": id, "status": {
        "video_status": if live { "ready" } else if processing { "processing" }
                        else if done { "upload_complete" } else { "uploading" },
        "uploading_phase": {"status": if done { "complete" } else { "in_progress" },
                            "bytes_transfered": r.received, "source_file_size": r.total},
        "processing_phase": {"status": if processing { "in_progress" } else { phase(live) }},
        "publishing_phase": {"status": if processing { "in_progress" } else { phase(live) },
                             "publish_status": if live { "published" } else { "draft" }},
    }});
    with_usage(axum::Json(body).into_response())
}

/// Reel insights the mock knows (less those disabled at runtime); anything
/// else is refused as Graph does for an unknown or deprecated metric (code
/// 100). `post_impressions_unique` is not among them: Meta deprecated it for
/// `post_total_media_view_unique`.
const INSIGHTS: &[&str] = &[
    "blue_reels_play_count",
    "fb_reels_total_plays",
    "fb_reels_replay_count",
    "post_video_avg_time_watched",
    "post_video_view_time",
    "post_video_likes_by_reaction_type",
    "post_video_social_actions",
    "post_video_followers",
    "post_total_media_view_unique",
];

async fn insights(
    State(m): State<Shared>,
    Path((_version, id)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if !valid(q.get("access_token").map(String::as_str)) {
        return bad_token();
    }
    let names: Vec<String> = q
        .get("metric")
        .map(String::as_str)
        .unwrap_or("")
        .split(',')
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect();
    if let Ok(mut a) = m.facebook.insights_asked.lock() {
        a.push(names.clone());
    }
    if let Some(r) = m
        .fault(&headers, |f| !f.needs_bytes())
        .and_then(fault_response)
    {
        return with_usage(r);
    }
    let age = {
        let reels = m.facebook.reels.lock().expect("reels");
        match reels.get(&id).filter(|r| !r.deleted && r.published) {
            Some(r) => r.ready_at.map_or(0, |t| m.age_s(t)),
            None => {
                return error(
                    StatusCode::NOT_FOUND,
                    100,
                    "Unsupported get request. Object does not exist",
                    false,
                );
            }
        }
    };
    let s = super::synthetic(&id, age);
    let disabled = m.facebook.disabled_insights();
    let mut data = Vec::new();
    for name in names.iter().map(String::as_str) {
        if !INSIGHTS.contains(&name) || disabled.iter().any(|d| d == name) {
            return error(
                StatusCode::BAD_REQUEST,
                100,
                &format!("(#100) The value must be a valid insights metric: {name}"),
                false,
            );
        }
        let value = match name {
            "blue_reels_play_count" => serde_json::json!(s.views),
            "post_total_media_view_unique" => serde_json::json!(s.reach),
            "fb_reels_total_plays" => serde_json::json!(s.views + s.views / 10),
            "fb_reels_replay_count" => serde_json::json!(s.views / 10),
            "post_video_avg_time_watched" => serde_json::json!(s.avg_watch_ms),
            "post_video_view_time" => serde_json::json!(s.avg_watch_ms * s.views),
            "post_video_likes_by_reaction_type" => {
                serde_json::json!({"REACTION_LIKE": s.likes * 4 / 5, "REACTION_LOVE": s.likes - s.likes * 4 / 5})
            }
            "post_video_social_actions" => {
                serde_json::json!({"COMMENT": s.comments, "SHARE": s.shares})
            }
            _ => serde_json::json!(s.follows),
        };
        data.push(
            serde_json::json!({"name": name, "period": "lifetime", "values": [{"value": value}],
            "id": format!("{id}/video_insights/{name}/lifetime")}),
        );
    }
    with_usage(axum::Json(serde_json::json!({"data": data, "paging": {}})).into_response())
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/{version}/{page}/video_reels", post(video_reels))
        .route("/{version}/{page}/video_insights", get(insights))
        .route("/video-upload/{version}/{id}", post(rupload))
        .route("/{version}/{id}", get(video).delete(video))
        .layer(axum::extract::DefaultBodyLimit::disable())
}

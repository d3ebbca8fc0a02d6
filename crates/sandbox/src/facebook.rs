//! The Facebook Graph API stand-in for Page Reels: start → rupload (from an
//! offset, `Authorization: OAuth`, only at the `upload_url` the start phase
//! returned) → status phases → finish (`video_state` required and honoured)
//! → delete; Page tokens (`EAA…`); Graph error objects with an `fbtrace_id`;
//! usage headers; the 30 reels per Page per 24 hours limit (the error code
//! for that limit is not documented; the mock answers code 4).
//!
//! Written from Meta's documentation and held to Meta's own clients (the
//! `facebook-business` Python SDK and the fbsamples reels samples, see
//! docs/platforms.md): parameters come in the query string, a form,
//! a multipart form or a JSON body (`params`); node paths may end in `/`, as
//! the SDK writes them; a node answers the `fields` asked for and refuses a
//! field it does not have. Processing starts as soon as the last byte is in,
//! before finish, as Facebook does; publishing starts at finish.
//!
//! Reel insights (`video_insights`) answer the metrics of an allow-list and
//! refuse any other with code 100, as Graph does for a deprecated metric; a
//! metric can be taken off the list at runtime (`disable_insights`, or
//! `facebook_insights_disabled` in `POST /__admin/config`) to play a
//! deprecation, and every insights request's metric list is kept for tests.

mod params;

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

/// Parameters never recorded: credentials.
const SECRET_PARAMS: &[&str] = &["access_token", "appsecret_proof"];

/// What finish asked for (`video_state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum VideoState {
    Published,
    Draft,
    /// Published by Facebook at this Unix time.
    Scheduled(i64),
}

struct Reel {
    page: String,
    /// The last segment of the `upload_url` the start phase returned: bytes
    /// are taken there and nowhere else.
    upload_key: String,
    total: u64,
    received: u64,
    hasher: Sha256,
    sha256: Option<String>,
    /// The rupload request's `Content-Type`, as received.
    content_type: String,
    deleted: bool,
    /// Processing (which starts with the last byte) is over at this time.
    processed_at: Option<Instant>,
    /// Set by finish.
    state: Option<VideoState>,
    /// What the reel reports once published (set at finish).
    privacy: Privacy,
}

/// The privacy the mock gives published reels: Graph's `privacy` object
/// (`value`, `description`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Privacy {
    pub value: String,
    pub description: String,
}

impl Default for Privacy {
    fn default() -> Privacy {
        Privacy {
            value: "EVERYONE".into(),
            description: "Public".into(),
        }
    }
}

#[derive(Default)]
pub struct FacebookMock {
    reels: Mutex<HashMap<String, Reel>>,
    starts: Mutex<HashMap<String, VecDeque<Instant>>>,
    /// Insights metrics taken off the allow-list.
    disabled: Mutex<Vec<String>>,
    /// The metrics each insights request asked for, in order.
    insights_asked: Mutex<Vec<Vec<String>>>,
    /// The privacy reels finished from now on report.
    privacy: Mutex<Privacy>,
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

    /// Reels finished from now on report this `privacy` (as when Facebook
    /// restricts a Page's content); `Privacy::default()` is public.
    pub fn set_privacy(&self, p: Privacy) {
        if let Ok(mut x) = self.privacy.lock() {
            *x = p;
        }
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

/// A Graph error with its `type` and, when Graph gives one, a subcode.
fn graph_error(
    status: StatusCode,
    code: i64,
    subcode: Option<i64>,
    kind: &str,
    message: &str,
) -> Response {
    let mut e = serde_json::json!({"message": message, "type": kind, "code": code,
        "fbtrace_id": fbtrace()});
    if let Some(sub) = subcode {
        e["error_subcode"] = sub.into();
    }
    with_usage((status, axum::Json(serde_json::json!({"error": e}))).into_response())
}

/// Graph's answer to a request without a token (code 104) or with one it
/// cannot read (code 190); `None`: the token is fine.
fn token_error(token: Option<&String>) -> Option<Response> {
    match token.map(String::as_str) {
        None | Some("") => Some(graph_error(
            StatusCode::BAD_REQUEST,
            104,
            None,
            "OAuthException",
            "An access token is required to request this resource.",
        )),
        t if !valid(t) => Some(with_usage(bad_token())),
        _ => None,
    }
}

/// Code 100, an invalid parameter.
fn invalid(message: &str) -> Response {
    graph_error(
        StatusCode::BAD_REQUEST,
        100,
        None,
        "OAuthException",
        message,
    )
}

/// What Graph answers for an id it cannot read (code 100, subcode 33).
fn no_object(id: &str) -> Response {
    graph_error(
        StatusCode::BAD_REQUEST,
        100,
        Some(33),
        "GraphMethodException",
        &format!(
            "Unsupported get request. Object with ID '{id}' does not exist, cannot be loaded \
             due to missing permissions, or does not support this operation."
        ),
    )
}

/// A rupload error (rupload answers `debug_info`, not Graph's `error`).
fn rupload_error(status: StatusCode, kind: &str, message: &str) -> Response {
    (
        status,
        axum::Json(
            serde_json::json!({"debug_info": {"retriable": false, "type": kind,
            "message": message}}),
        ),
    )
        .into_response()
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
    Path((version, page)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let p = match params::params(&q, &headers, &body) {
        Ok(p) => p,
        Err(why) => return invalid(&format!("(#100) {why}")),
    };
    if let Some(r) = token_error(p.get("access_token")) {
        return r;
    }
    let phase = p.get("upload_phase").map(String::as_str).unwrap_or("");
    let fault = m.fault(&headers, |f| {
        f != Fault::DropMidUpload && (f != Fault::Duplicate || phase == "finish")
    });
    if let Some(r) = fault.and_then(fault_response) {
        return with_usage(r);
    }
    match phase {
        "start" => start(&m, &version, page, &headers),
        "finish" => finish(&m, &page, &p, fault == Some(Fault::Duplicate)),
        "" => invalid("(#100) The parameter upload_phase is required"),
        other => invalid(&format!(
            "(#100) Param upload_phase must be one of {{start, finish}}; got {other}"
        )),
    }
}

/// A new reel and where its bytes go: a per-reel address, not the default
/// rupload path, so a client that builds the address itself is caught.
fn start(m: &Shared, version: &str, page: String, headers: &HeaderMap) -> Response {
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
        1_000_000_000_000u64 + u64::from_le_bytes(crate::random_bytes::<8>()) % 1_000_000_000_000
    );
    let upload_key = format!("{id}-{}", hex::encode(crate::random_bytes::<8>()));
    m.facebook.reels.lock().expect("reels").insert(
        id.clone(),
        Reel {
            page,
            upload_key: upload_key.clone(),
            total: 0,
            received: 0,
            hasher: Sha256::new(),
            sha256: None,
            content_type: String::new(),
            deleted: false,
            processed_at: None,
            state: None,
            privacy: Privacy::default(),
        },
    );
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    with_usage(
        axum::Json(serde_json::json!({"video_id": id,
            "upload_url": format!("http://{host}/video-upload/{version}/{upload_key}")}))
        .into_response(),
    )
}

/// `video_state` (required) and, for SCHEDULED, `scheduled_publish_time`
/// (Unix seconds, 10 minutes to 30 days ahead).
fn video_state(p: &HashMap<String, String>) -> Result<VideoState, String> {
    let when = p.get("scheduled_publish_time");
    let state = match p.get("video_state").map(String::as_str) {
        None | Some("") => {
            return Err("(#100) The parameter video_state is required".into());
        }
        Some("PUBLISHED") => VideoState::Published,
        Some("DRAFT") => VideoState::Draft,
        Some("SCHEDULED") => {
            let Some(t) = when.and_then(|t| t.trim().parse::<i64>().ok()) else {
                return Err("(#100) scheduled_publish_time (a Unix time) is required when video_state is SCHEDULED".into());
            };
            let ahead = t - crate::now_ms() / 1000;
            if !(600..=30 * 86_400).contains(&ahead) {
                return Err("(#100) The specified scheduled publish time is invalid: it must be between 10 minutes and 30 days from now".into());
            }
            return Ok(VideoState::Scheduled(t));
        }
        Some(other) => {
            return Err(format!(
                "(#100) Param video_state must be one of {{DRAFT, PUBLISHED, SCHEDULED}}; got {other}"
            ));
        }
    };
    if when.is_some() {
        return Err(
            "(#100) scheduled_publish_time can only be set when video_state is SCHEDULED".into(),
        );
    }
    Ok(state)
}

/// Publishes (or drafts, or schedules) the uploaded reel; a repeated finish
/// changes nothing and records nothing twice.
fn finish(m: &Shared, page: &str, p: &HashMap<String, String>, duplicate: bool) -> Response {
    let state = match video_state(p) {
        Ok(s) => s,
        Err(why) => return invalid(&why),
    };
    let id = p.get("video_id").cloned().unwrap_or_default();
    let mut reels = m.facebook.reels.lock().expect("reels");
    let Some(r) = reels.get_mut(&id).filter(|r| r.page == page && !r.deleted) else {
        return invalid("(#100) Invalid video_id");
    };
    let Some(sha) = r.sha256.clone() else {
        return with_usage(error(
            StatusCode::BAD_REQUEST,
            6000,
            "Video Upload Is Missing",
            false,
        ));
    };
    if duplicate {
        return with_usage(error(
            StatusCode::BAD_REQUEST,
            506,
            "Duplicate status message",
            false,
        ));
    }
    if r.state.is_none() {
        r.state = Some(state);
        r.privacy = m
            .facebook
            .privacy
            .lock()
            .map(|x| x.clone())
            .unwrap_or_default();
        let mut fields: serde_json::Map<String, serde_json::Value> = p
            .iter()
            .filter(|(k, _)| !SECRET_PARAMS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone().into()))
            .collect();
        fields.insert("content_type".into(), r.content_type.clone().into());
        let text = p.get("description").cloned().unwrap_or_default();
        let title = p.get("title").filter(|t| !t.is_empty()).unwrap_or(&text);
        m.record(Record {
            platform: "facebook".into(),
            id: id.clone(),
            title: title.clone(),
            bytes: r.received,
            sha256: sha,
            deleted: false,
            received_at_ms: 0,
            text,
            tags: Vec::new(),
            fields,
        });
    }
    with_usage(axum::Json(serde_json::json!({"success": true})).into_response())
}

async fn rupload(
    State(m): State<Shared>,
    Path((_version, key)): Path<(String, String)>,
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
        return rupload_error(
            StatusCode::BAD_REQUEST,
            "ParameterValidationError",
            "HeaderValuePredicate: Header Offset not convertable to unsigned long",
        );
    };
    let id = {
        let reels = m.facebook.reels.lock().expect("reels");
        let Some((id, r)) = reels.iter().find(|(_, r)| r.upload_key == key) else {
            return rupload_error(
                StatusCode::NOT_FOUND,
                "NotFoundError",
                "No upload session at this address: send the bytes to the upload_url the start phase returned",
            );
        };
        if r.received != offset {
            return rupload_error(
                StatusCode::BAD_REQUEST,
                "OffsetInvalidError",
                &format!("Offset should be {}", r.received),
            );
        }
        id.clone()
    };
    let limit = (fault == Some(Fault::DropMidUpload)).then(|| {
        h("content-length")
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
            / 2
    });
    let (parts, got) = read_body(body, limit).await;
    let mut reels = m.facebook.reels.lock().expect("reels");
    let Some(r) = reels.get_mut(&id) else {
        return no_object(&id);
    };
    if r.received != offset || offset + got > size || (r.total != 0 && r.total != size) {
        return rupload_error(
            StatusCode::BAD_REQUEST,
            "PartialRequestError",
            "The bytes sent do not match the offset and file_size given",
        );
    }
    r.total = size;
    for p in &parts {
        r.hasher.update(p);
    }
    r.received += got;
    if let Some(ct) = h("content-type") {
        r.content_type = ct.to_string();
    }
    if limit.is_some() {
        return dropped();
    }
    if r.received == r.total {
        r.sha256 = Some(hex::encode(std::mem::take(&mut r.hasher).finalize()));
        // Facebook starts processing as soon as the bytes are in.
        r.processed_at = Some(m.ready_at());
    }
    axum::Json(serde_json::json!({"success": true})).into_response()
}

/// Whether the reel is published, as Graph's `published` says.
fn is_live(r: &Reel, now: Instant) -> bool {
    let processed = r.processed_at.is_some_and(|t| now >= t);
    match r.state {
        Some(VideoState::Published) => processed,
        Some(VideoState::Scheduled(t)) => processed && crate::now_ms() / 1000 >= t,
        _ => false,
    }
}

/// `status`: the video's status and its three phases.
fn status(r: &Reel, now: Instant) -> serde_json::Value {
    let done = r.sha256.is_some();
    let processing = r.processed_at.is_some_and(|t| now < t);
    let processed = r.processed_at.is_some_and(|t| now >= t);
    let state = |on: bool, busy: bool| match (on, busy) {
        (false, _) => "not_started",
        (true, true) => "in_progress",
        (true, false) => "complete",
    };
    let mut publishing = serde_json::json!({"status": "not_started"});
    if let Some(s) = r.state {
        let (busy, word) = match s {
            VideoState::Published => (!processed, "published"),
            VideoState::Draft => (false, "draft"),
            VideoState::Scheduled(_) if is_live(r, now) => (false, "published"),
            VideoState::Scheduled(_) => (false, "scheduled"),
        };
        publishing = serde_json::json!({"status": state(true, busy), "publish_status": word});
        if let VideoState::Scheduled(t) = s {
            publishing["publish_time"] = t.into();
        }
    }
    serde_json::json!({
        "video_status": if processing { "processing" } else if is_live(r, now) { "ready" }
                        else if done { "upload_complete" } else { "uploading" },
        "uploading_phase": {"status": if done { "complete" } else { "in_progress" },
                            "bytes_transfered": r.received, "source_file_size": r.total},
        "processing_phase": {"status": state(done, processing)},
        "publishing_phase": publishing,
    })
}

/// One field of a reel's node, or `None` for a field a Video does not have.
fn field(id: &str, r: &Reel, name: &str, now: Instant) -> Option<serde_json::Value> {
    Some(match name {
        "id" => id.into(),
        "status" => status(r, now),
        "published" => is_live(r, now).into(),
        "privacy" => serde_json::json!({"value": r.privacy.value,
            "description": r.privacy.description, "friends": "", "allow": "", "deny": ""}),
        "permalink_url" => format!("/reel/{id}").into(),
        _ => return None,
    })
}

async fn video(
    State(m): State<Shared>,
    Path((_version, id)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    method: axum::http::Method,
) -> Response {
    if let Some(r) = token_error(q.get("access_token")) {
        return r;
    }
    if let Some(r) = m
        .fault(&headers, |f| !f.needs_bytes())
        .and_then(fault_response)
    {
        return with_usage(r);
    }
    let mut reels = m.facebook.reels.lock().expect("reels");
    let Some(r) = reels.get_mut(&id).filter(|r| !r.deleted) else {
        return no_object(&id);
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
    let wanted = match q.get("fields").map(|f| params::list(f)) {
        None => Ok(vec!["id".to_string()]),
        Some(x) => x,
    };
    let wanted = match wanted {
        Ok(w) => w,
        Err(why) => return invalid(&format!("(#100) {why}")),
    };
    let now = Instant::now();
    let mut body = serde_json::Map::new();
    for name in wanted.iter().chain(std::iter::once(&"id".to_string())) {
        let Some(v) = field(&id, r, name, now) else {
            return invalid(&format!(
                "(#100) Tried accessing nonexisting field ({name}) on node type (Video)"
            ));
        };
        body.insert(name.clone(), v);
    }
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
    if let Some(r) = token_error(q.get("access_token")) {
        return r;
    }
    let names = match params::list(q.get("metric").map(String::as_str).unwrap_or("")) {
        Ok(n) => n,
        Err(why) => return invalid(&format!("(#100) {why}")),
    };
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
        match reels.get(&id).filter(|r| !r.deleted && r.state.is_some()) {
            Some(r) => r.processed_at.map_or(0, |t| m.age_s(t)),
            None => return no_object(&id),
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
        .route("/{version}/{page}/video_reels/", post(video_reels))
        .route("/{version}/{page}/video_insights", get(insights))
        .route("/{version}/{page}/video_insights/", get(insights))
        .route("/video-upload/{version}/{key}", post(rupload))
        .route("/{version}/{id}", get(video).delete(video))
        .route("/{version}/{id}/", get(video).delete(video))
        .layer(axum::extract::DefaultBodyLimit::disable())
}

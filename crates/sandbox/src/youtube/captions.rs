//! `captions.insert`, `captions.list` and `captions.delete`, as Google's
//! discovery document youtube.v3 (revision 20261104, shipped in
//! google-api-python-client 2.202.0) and the methods' reference pages
//! describe them, held to Google's own client in
//! tests/platform-clients/test_youtube.py.
//!
//! - Paths: insert at `/upload/youtube/v3/captions` (`uploadType=multipart`,
//!   or `resumable` then `PUT` with `upload_id`; also the discovery's
//!   `/resumable/upload/…`), list and delete at `/youtube/v3/captions`.
//! - Scopes: `youtube.force-ssl` or `youtubepartner`, nothing else (a token
//!   the OAuth mock issued with `youtube` or `youtube.upload` alone gets 403
//!   `insufficientPermissions`).
//! - `part` is required (`id`, `snippet`); list also requires `videoId`.
//! - The `caption` resource: `snippet.videoId`, `snippet.language`
//!   (BCP-47) and `snippet.name` are required, `snippet.isDraft` may be
//!   set (discovery: `annotations.required` on `youtube.captions.insert`;
//!   reference: "You can set values for videoId, language, name, isDraft").
//!   Read-only snippet fields are ignored, unknown ones refused as Google's
//!   JSON decoder refuses them.
//! - Errors from the insert reference's table: 400 `contentRequired` (no
//!   file), 409 `captionExists` (same language and name on the video), 403
//!   `forbidden` (another channel's video), 404 `videoNotFound`; 400
//!   `invalidMetadata` and `nameTooLong` (over 150 characters) are recalled
//!   from the same table (not re-read). Delete: 404 `captionNotFound`.
//! - The file: YouTube takes many formats and reports an unreadable one
//!   later (`snippet.status: failed`, `failureReason: unknownFormat`). The
//!   sandbox reads only SubRip and WebVTT, and refuses anything else at once
//!   (400 `unknownFormat`), so a broken file fails the test that sent it.
//! - `sync` is deprecated (March 2024) but still a boolean; checked and
//!   recorded, never acted on.

// A refusal is the answer itself, built once per refused request.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::upload::{CHUNK_UNIT, content_range, final_response, incomplete, multipart};
use super::{channel_of, error, random_id, refuse_scoped, required};
use crate::{Record, Shared};

mod format;

/// Scopes the caption methods accept (discovery document youtube.v3).
const SCOPES: &[&str] = &["youtube.force-ssl", "youtubepartner"];
/// Parts of a `caption` resource.
const PARTS: &[&str] = &["id", "snippet"];
/// `snippet.name`'s longest.
pub const NAME_MAX: usize = 150;
/// The discovery document's `maxSize` for a caption file.
pub const MAX_BYTES: usize = 104_857_600;

const SNIPPET_WRITABLE: &[&str] = &["videoId", "language", "name", "isDraft"];
const SNIPPET_READ_ONLY: &[&str] = &[
    "lastUpdated",
    "trackKind",
    "audioTrackType",
    "isCC",
    "isLarge",
    "isEasyReader",
    "isAutoSynced",
    "status",
    "failureReason",
];

/// A caption track.
pub(super) struct Track {
    pub id: String,
    pub video_id: String,
    pub language: String,
    pub name: String,
    pub is_draft: bool,
    /// The video's channel.
    pub channel: String,
    pub last_updated: String,
}

/// What an insert asked for, before its file arrived.
#[derive(Clone)]
pub(super) struct Draft {
    video_id: String,
    language: String,
    name: String,
    is_draft: bool,
    channel: String,
    parts: Vec<String>,
    upload_type: String,
    /// The query parameters recorded (`sync`, `onBehalfOfContentOwner`).
    params: Map<String, Value>,
}

/// A resumable caption upload in progress.
pub(super) struct Session {
    draft: Draft,
    total: u64,
    received: Vec<u8>,
    content_type: String,
    created: Instant,
    /// The final answer, repeated to every later probe.
    done: Option<(u16, String)>,
}

fn bad(reason: &str, message: &str) -> Response {
    error(StatusCode::BAD_REQUEST, reason, message)
}

fn invalid_metadata(what: &str) -> Response {
    bad(
        "invalidMetadata",
        &format!(
            "The request contains invalid metadata values, which prevent the track from \
             being created: {what}"
        ),
    )
}

fn parts(q: &HashMap<String, String>) -> Result<Vec<String>, Response> {
    let Some(part) = q.get("part").filter(|p| !p.trim().is_empty()) else {
        return Err(required("part"));
    };
    let parts: Vec<String> = part.split(',').map(|p| p.trim().to_string()).collect();
    if let Some(p) = parts.iter().find(|p| !PARTS.contains(&p.as_str())) {
        return Err(bad("unknownPart", &format!("'{p}'")));
    }
    Ok(parts)
}

/// A BCP-47 tag's shape (RFC 5646): a 2–3 or 5–8 letter language, then
/// subtags of 1–8 letters or digits.
fn bcp47(tag: &str) -> bool {
    let mut subtags = tag.split('-');
    let lang_ok = subtags.next().is_some_and(|l| {
        matches!(l.len(), 2 | 3 | 5..=8) && l.chars().all(|c| c.is_ascii_alphabetic())
    });
    lang_ok
        && subtags
            .all(|s| (1..=8).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// The video a track goes on, if the token's channel owns it: 404 when
/// there is no such video, 403 when it is another channel's.
fn owned(m: &Shared, video_id: &str, channel: &str) -> Result<(), Response> {
    let videos = m.youtube.videos.lock().expect("videos");
    match videos.get(video_id) {
        None => Err(error(
            StatusCode::NOT_FOUND,
            "videoNotFound",
            "The video identified by the videoId parameter could not be found.",
        )),
        Some(v) if v.channel != channel => Err(error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "The permissions associated with the request are not sufficient to upload the \
             caption track. The request might not be properly authorized.",
        )),
        Some(_) => Ok(()),
    }
}

/// The `caption` resource an insert carries, checked field by field.
fn read_snippet(json: &[u8]) -> Result<(String, String, String, bool), Response> {
    let Ok(Value::Object(caption)) = serde_json::from_slice::<Value>(json) else {
        return Err(bad("parseError", "Parse Error"));
    };
    for k in caption.keys() {
        if !["kind", "etag", "id", "snippet"].contains(&k.as_str()) {
            return Err(bad(
                "badRequest",
                &format!(
                    "Invalid JSON payload received. Unknown name \"{k}\" at 'resource': Cannot find field."
                ),
            ));
        }
    }
    let Some(Value::Object(s)) = caption.get("snippet") else {
        return Err(invalid_metadata("snippet is required"));
    };
    for (k, v) in s {
        let at = format!("resource.snippet.{k}");
        if SNIPPET_WRITABLE.contains(&k.as_str()) {
            let typed = if k == "isDraft" {
                v.is_boolean()
            } else {
                v.is_string()
            };
            if !typed && !v.is_null() {
                return Err(bad("badRequest", &format!("Invalid value at '{at}', {v}")));
            }
        } else if !SNIPPET_READ_ONLY.contains(&k.as_str()) {
            return Err(bad(
                "badRequest",
                &format!(
                    "Invalid JSON payload received. Unknown name \"{k}\" at 'resource.snippet': Cannot find field."
                ),
            ));
        }
    }
    let text = |k: &str| {
        s.get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim()
            .to_string()
    };
    let (video_id, language, name) = (text("videoId"), text("language"), text("name"));
    for (k, v) in [
        ("videoId", &video_id),
        ("language", &language),
        ("name", &name),
    ] {
        if v.is_empty() {
            return Err(invalid_metadata(&format!("snippet.{k} is required")));
        }
    }
    if !bcp47(&language) {
        return Err(invalid_metadata(&format!(
            "snippet.language '{language}' is not a BCP-47 language tag"
        )));
    }
    if name.chars().count() > NAME_MAX {
        return Err(bad(
            "nameTooLong",
            "The snippet.name specified in the request is too long. The maximum length \
             supported is 150 characters.",
        ));
    }
    let is_draft = s.get("isDraft").and_then(Value::as_bool).unwrap_or(false);
    Ok((video_id, language, name, is_draft))
}

/// Checks an insert's query and metadata and the video it names.
fn draft(
    m: &Shared,
    headers: &HeaderMap,
    q: &HashMap<String, String>,
    json: &[u8],
    upload_type: &str,
) -> Result<Draft, Response> {
    let parts = parts(q)?;
    let mut params = Map::new();
    if let Some(sync) = q.get("sync") {
        if !["true", "false"].contains(&sync.as_str()) {
            return Err(bad(
                "invalidParameter",
                &format!("Invalid boolean value: '{sync}'"),
            ));
        }
        params.insert("sync".into(), (sync == "true").into());
    }
    if let Some(owner) = q.get("onBehalfOfContentOwner") {
        params.insert("onBehalfOfContentOwner".into(), owner.clone().into());
    }
    let (video_id, language, name, is_draft) = read_snippet(json)?;
    let channel = channel_of(m, headers);
    owned(m, &video_id, &channel)?;
    exists(m, &video_id, &language, &name)?;
    Ok(Draft {
        video_id,
        language,
        name,
        is_draft,
        channel,
        parts,
        upload_type: upload_type.into(),
        params,
    })
}

/// 409 when the video has a track with this language and name.
fn exists(m: &Shared, video_id: &str, language: &str, name: &str) -> Result<(), Response> {
    let tracks = m.youtube.captions.lock().expect("captions");
    if tracks
        .iter()
        .any(|t| t.video_id == video_id && t.language == language && t.name == name)
    {
        return Err(error(
            StatusCode::CONFLICT,
            "captionExists",
            "The specified video already has a caption track with the given snippet.language \
             and snippet.name. A video can have multiple tracks for the same language, but \
             each track must have a different name.",
        ));
    }
    Ok(())
}

/// The resource with only the parts asked for.
fn resource(t: &Track, parts: &[String], track_kind: &str) -> Value {
    let mut item = json!({"kind": "youtube#caption", "etag": random_id(27), "id": t.id});
    if parts.iter().any(|p| p == "snippet") {
        item["snippet"] = json!({"videoId": t.video_id, "lastUpdated": t.last_updated,
            "trackKind": track_kind, "language": t.language, "name": t.name,
            "audioTrackType": "unknown", "isCC": false, "isLarge": false,
            "isEasyReader": false, "isDraft": t.is_draft, "isAutoSynced": false,
            "status": "serving"});
    }
    item
}

/// Creates the track from its file: checked, stored, recorded, answered.
fn create(m: &Shared, d: &Draft, file: &[u8], content_type: &str) -> Result<String, Response> {
    if file.iter().all(u8::is_ascii_whitespace) {
        return Err(bad(
            "contentRequired",
            "The request does not contain the caption track contents.",
        ));
    }
    if file.len() > MAX_BYTES {
        return Err(bad("badContent", "The caption file is larger than 100 MB."));
    }
    let Some((kind, text)) = format::read(file) else {
        return Err(bad(
            "unknownFormat",
            "The caption file is neither SubRip nor WebVTT (the sandbox reads only these; \
             YouTube would mark the track failed with failureReason unknownFormat).",
        ));
    };
    // The video may have gone while a resumable upload was on its way.
    owned(m, &d.video_id, &d.channel)?;
    exists(m, &d.video_id, &d.language, &d.name)?;
    let track = Track {
        id: random_id(44),
        video_id: d.video_id.clone(),
        language: d.language.clone(),
        name: d.name.clone(),
        is_draft: d.is_draft,
        channel: d.channel.clone(),
        last_updated: jiff::Timestamp::now().to_string(),
    };
    let body = resource(&track, &d.parts, "standard").to_string();
    let mut fields = d.params.clone();
    for (k, v) in [
        ("kind", json!("youtube#caption")),
        ("videoId", json!(d.video_id)),
        ("language", json!(d.language)),
        ("name", json!(d.name)),
        ("isDraft", json!(d.is_draft)),
        ("format", json!(kind)),
        ("content_type", json!(content_type)),
        ("part", json!(d.parts.join(","))),
        ("upload_type", json!(d.upload_type)),
    ] {
        fields.insert(k.into(), v);
    }
    m.record(Record {
        platform: "youtube".into(),
        id: track.id.clone(),
        title: d.name.clone(),
        bytes: file.len() as u64,
        sha256: hex::encode(Sha256::digest(file)),
        deleted: false,
        received_at_ms: 0,
        text,
        tags: Vec::new(),
        fields,
    });
    if let Ok(mut t) = m.youtube.captions.lock() {
        t.push(track);
    }
    Ok(body)
}

/// `POST /upload/youtube/v3/captions`: a multipart insert, or the start of
/// a resumable one.
pub(super) async fn insert(
    State(m): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(r) = refuse_scoped(&m, &headers, SCOPES) {
        return r;
    }
    let header_str = |h: &str| headers.get(h).and_then(|v| v.to_str().ok()).unwrap_or("");
    let upload_type = q.get("uploadType").map(String::as_str).unwrap_or("");
    match upload_type {
        "multipart" => {
            let Some((json, file, ct)) = multipart(header_str("content-type"), &body) else {
                return bad(
                    "badContent",
                    "A multipart upload needs a JSON part and a media part.",
                );
            };
            let created = draft(&m, &headers, &q, &json, upload_type)
                .and_then(|d| create(&m, &d, &file, &ct));
            match created {
                Ok(body) => final_response(200, &body),
                Err(r) => r,
            }
        }
        "resumable" => start(&m, &headers, &q, &body),
        // The file alone carries no snippet: nothing says which video.
        "media" => {
            invalid_metadata("snippet.videoId, snippet.language and snippet.name are required")
        }
        _ => bad(
            "invalidParameter",
            "uploadType must be multipart or resumable",
        ),
    }
}

/// Starts a resumable caption upload: the metadata is checked now, the file
/// comes by `PUT` to the session URI.
fn start(m: &Shared, headers: &HeaderMap, q: &HashMap<String, String>, json: &[u8]) -> Response {
    let d = match draft(m, headers, q, json, "resumable") {
        Ok(d) => d,
        Err(r) => return r,
    };
    let header_str = |h: &str| headers.get(h).and_then(|v| v.to_str().ok()).unwrap_or("");
    let Ok(total) = header_str("x-upload-content-length").parse::<u64>() else {
        return bad(
            "missingRequiredParameter",
            "X-Upload-Content-Length is required",
        );
    };
    let content_type = match header_str("x-upload-content-type") {
        "" => "application/octet-stream".to_string(),
        t => t.to_string(),
    };
    let id = random_id(24);
    if let Ok(mut s) = m.youtube.caption_sessions.lock() {
        s.insert(
            id.clone(),
            Session {
                draft: d.clone(),
                total,
                received: Vec::new(),
                content_type,
                created: Instant::now(),
                done: None,
            },
        );
    }
    let host = header_str("host");
    let host = if host.is_empty() { "127.0.0.1" } else { host };
    let location = format!(
        "http://{host}/upload/youtube/v3/captions?uploadType=resumable&upload_id={id}&part={}",
        d.parts.join(",")
    );
    let mut r = StatusCode::OK.into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// `PUT` to a caption session URI: bytes in contiguous ranges (every chunk
/// but the last a multiple of 256 KiB), 308 until the last, then the track;
/// `bytes */N` asks where the session stands.
pub(super) async fn put(
    State(m): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(r) = refuse_scoped(&m, &headers, SCOPES) {
        return r;
    }
    let Some(id) = q.get("upload_id") else {
        return bad(
            "invalidParameter",
            "upload_id (captions.update is not served by the sandbox)",
        );
    };
    let range = headers
        .get(header::CONTENT_RANGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut sessions = m.youtube.caption_sessions.lock().expect("sessions");
    let Some(s) = sessions.get_mut(id.as_str()) else {
        return error(
            StatusCode::NOT_FOUND,
            "notFound",
            "Upload session not found.",
        );
    };
    if s.created.elapsed() > m.youtube.session_ttl() {
        sessions.remove(id.as_str());
        return error(
            StatusCode::NOT_FOUND,
            "notFound",
            "Upload session not found.",
        );
    }
    if let Some((status, body)) = &s.done {
        return final_response(*status, body);
    }
    let received = s.received.len() as u64;
    if range.starts_with("bytes */") {
        return incomplete(received);
    }
    // A single PUT without Content-Range carries the whole file.
    let (a, end, total) = if range.is_empty() {
        (0, body.len() as u64, s.total)
    } else {
        match content_range(range) {
            Some(r) => r,
            None => return bad("badRequest", "Failed to parse Content-Range header."),
        }
    };
    if end < s.total && (end - a) % CHUNK_UNIT != 0 {
        return bad(
            "badRequest",
            "Invalid request. The number of bytes uploaded is required to be equal or greater \
             than 262144, except for the final request.",
        );
    }
    if a != received || total != s.total || end > s.total || end - a != body.len() as u64 {
        return incomplete(received);
    }
    s.received.extend_from_slice(&body);
    if (s.received.len() as u64) < s.total {
        return incomplete(s.received.len() as u64);
    }
    let (draft, file, ct) = (
        s.draft.clone(),
        std::mem::take(&mut s.received),
        s.content_type.clone(),
    );
    drop(sessions);
    let (status, answer) = match create(&m, &draft, &file, &ct) {
        Ok(body) => (200, body),
        Err(r) => return r,
    };
    if let Ok(mut sessions) = m.youtube.caption_sessions.lock()
        && let Some(s) = sessions.get_mut(id.as_str())
    {
        s.done = Some((status, answer.clone()));
    }
    final_response(status, &answer)
}

/// `GET /youtube/v3/captions?part=…&videoId=…[&id=…]`.
pub(super) async fn list(
    State(m): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = refuse_scoped(&m, &headers, SCOPES) {
        return r;
    }
    let parts = match parts(&q) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let Some(video_id) = q.get("videoId").filter(|v| !v.is_empty()) else {
        return required("videoId");
    };
    if let Err(r) = owned(&m, video_id, &channel_of(&m, &headers)) {
        return r;
    }
    let ids: Option<Vec<&str>> = q.get("id").map(|i| i.split(',').collect());
    let wanted = |id: &str| ids.as_ref().is_none_or(|ids| ids.contains(&id));
    let mut items = Vec::new();
    if m.youtube.asr_captions()
        && let Some(asr) = asr_track(&m, video_id)
        && wanted(&asr.id)
    {
        items.push(resource(&asr, &parts, "ASR"));
    }
    let tracks = m.youtube.captions.lock().expect("captions");
    items.extend(
        tracks
            .iter()
            .filter(|t| t.video_id == *video_id && wanted(&t.id))
            .map(|t| resource(t, &parts, "standard")),
    );
    axum::Json(
        json!({"kind": "youtube#captionListResponse", "etag": random_id(27),
        "items": items}),
    )
    .into_response()
}

/// The automatic track YouTube makes once a video is processed, in its
/// audio language (Vietnamese when the upload did not say).
fn asr_track(m: &Shared, video_id: &str) -> Option<Track> {
    let videos = m.youtube.videos.lock().expect("videos");
    let v = videos.get(video_id)?;
    if v.upload_status != "processed" || Instant::now() < v.ready_at {
        return None;
    }
    let language = v.meta.str("defaultAudioLanguage");
    Some(Track {
        id: format!("asr-{video_id}"),
        video_id: video_id.into(),
        language: if language.is_empty() { "vi" } else { language }.into(),
        name: String::new(),
        is_draft: false,
        channel: v.channel.clone(),
        last_updated: v.published_at.clone(),
    })
}

/// `DELETE /youtube/v3/captions?id=…`: 204.
pub(super) async fn delete(
    State(m): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = refuse_scoped(&m, &headers, SCOPES) {
        return r;
    }
    let Some(id) = q.get("id").filter(|i| !i.is_empty()) else {
        return required("id");
    };
    let channel = channel_of(&m, &headers);
    let mut tracks = m.youtube.captions.lock().expect("captions");
    let Some(at) = tracks.iter().position(|t| t.id == *id) else {
        return error(
            StatusCode::NOT_FOUND,
            "captionNotFound",
            "The caption track could not be found.",
        );
    };
    if tracks[at].channel != channel {
        return error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "The permissions associated with the request are not sufficient to delete the \
             caption track.",
        );
    }
    tracks.remove(at);
    drop(tracks);
    if let Ok(mut r) = m.records.lock() {
        for rec in r
            .iter_mut()
            .filter(|r| r.platform == "youtube" && r.id == *id)
        {
            rec.deleted = true;
        }
    }
    StatusCode::NO_CONTENT.into_response()
}

/// Removes a deleted video's tracks; their ids.
pub(super) fn remove_of_video(m: &Shared, video_id: &str) -> Vec<String> {
    let Ok(mut tracks) = m.youtube.captions.lock() else {
        return Vec::new();
    };
    let gone: Vec<String> = tracks
        .iter()
        .filter(|t| t.video_id == video_id)
        .map(|t| t.id.clone())
        .collect();
    tracks.retain(|t| t.video_id != video_id);
    gone
}

//! `videos.insert`: the three upload protocols the discovery document offers
//! (`uploadType=resumable`, `media`, `multipart`), on both of its paths.
//! Resumable sessions take contiguous ranges, every chunk but the last a
//! multiple of 256 KiB, answer 308 with `Range` until the last byte, then the
//! video; they expire (a week by default, `youtube_session_ttl_s`) and then
//! answer 404.

// A refusal is the answer itself, built once per refused request.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::meta::{self, Meta};
use super::{Video, error, fault_response, random_id, refuse_scoped};
use crate::{Fault, Record, Shared, dropped, read_body};

/// Chunks other than the last are multiples of this.
pub const CHUNK_UNIT: u64 = 256 * 1024;

/// Scopes `videos.insert` accepts (discovery document youtube.v3).
const INSERT_SCOPES: &[&str] = &[
    "youtube",
    "youtube.force-ssl",
    "youtube.upload",
    "youtubepartner",
];

pub(super) struct UploadSession {
    total: u64,
    received: u64,
    hasher: Sha256,
    draft: Draft,
    created: Instant,
    /// The final answer, repeated to every later probe.
    done: Option<(u16, String)>,
}

/// What an insert asked for, before its bytes arrived.
#[derive(Clone)]
struct Draft {
    meta: Meta,
    /// The channel of the token that asked: the video's owner.
    channel: String,
    parts: Vec<String>,
    content_type: String,
    upload_type: String,
    notify_subscribers: Option<String>,
}

/// A MIME type `videos.insert` accepts: `video/*` or
/// `application/octet-stream`.
fn accepted(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence == "application/octet-stream"
        || essence
            .strip_prefix("video/")
            .is_some_and(|s| !s.is_empty())
}

fn unaccepted(content_type: &str) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "mediaBodyRequired",
        &format!(
            "Media type '{content_type}' is not supported. Valid media types: [video/*, application/octet-stream]"
        ),
    )
}

pub(super) async fn start(
    State(m): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(r) = refuse_scoped(&m, &headers, INSERT_SCOPES) {
        return r;
    }
    let parts = match meta::parts(q.get("part").map(String::as_str)) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let upload_type = q.get("uploadType").map(String::as_str).unwrap_or("");
    let header_str = |h: &str| headers.get(h).and_then(|v| v.to_str().ok()).unwrap_or("");
    let (json, media, content_type): (&[u8], Option<Bytes>, String) = match upload_type {
        "resumable" => (&body, None, header_str("x-upload-content-type").to_string()),
        "media" => (
            b"",
            Some(body.clone()),
            header_str("content-type").to_string(),
        ),
        "multipart" => match multipart(header_str("content-type"), &body) {
            Some((json, media, ct)) => {
                let draft = match draft(&m, &headers, &q, &parts, &json, ct, upload_type) {
                    Ok(d) => d,
                    Err(r) => return r,
                };
                let duplicate = m.fault(&headers, |f| f == Fault::Duplicate).is_some();
                return final_response(200, &finish(&m, &draft, hashed(&[media]), duplicate));
            }
            None => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "badContent",
                    "A multipart upload needs a JSON part and a media part.",
                );
            }
        },
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "invalidParameter",
                "uploadType must be resumable, media or multipart",
            );
        }
    };
    let draft = match draft(&m, &headers, &q, &parts, json, content_type, upload_type) {
        Ok(d) => d,
        Err(r) => return r,
    };
    if let Some(media) = media {
        let duplicate = m.fault(&headers, |f| f == Fault::Duplicate).is_some();
        return final_response(200, &finish(&m, &draft, hashed(&[media]), duplicate));
    }
    let Some(total) = header_str("x-upload-content-length").parse::<u64>().ok() else {
        return error(
            StatusCode::BAD_REQUEST,
            "missingRequiredParameter",
            "X-Upload-Content-Length is required",
        );
    };
    let id = random_id(24);
    if let Ok(mut s) = m.youtube.sessions.lock() {
        s.insert(
            id.clone(),
            UploadSession {
                total,
                received: 0,
                hasher: Sha256::new(),
                draft,
                created: Instant::now(),
                done: None,
            },
        );
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    let location = format!(
        "http://{host}/upload/youtube/v3/videos?uploadType=resumable&upload_id={id}&part={}",
        parts.join(",")
    );
    let mut r = StatusCode::OK.into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// Checks an insert's metadata, media type and the channel's daily cap.
fn draft(
    m: &Shared,
    headers: &HeaderMap,
    q: &HashMap<String, String>,
    parts: &[String],
    json: &[u8],
    content_type: String,
    upload_type: &str,
) -> Result<Draft, Response> {
    let meta = meta::parse(json, parts)?;
    // A resumable session may leave the type out (octet-stream is assumed).
    let content_type = if content_type.is_empty() && upload_type == "resumable" {
        "application/octet-stream".to_string()
    } else {
        content_type
    };
    if !accepted(&content_type) {
        return Err(unaccepted(&content_type));
    }
    if !m.youtube.take_daily_upload() {
        return Err(error(
            StatusCode::BAD_REQUEST,
            "uploadLimitExceeded",
            "The user has exceeded the number of videos they may upload.",
        ));
    }
    Ok(Draft {
        meta,
        channel: super::channel_of(m, headers),
        parts: parts.to_vec(),
        content_type,
        upload_type: upload_type.to_string(),
        notify_subscribers: q.get("notifySubscribers").cloned(),
    })
}

/// The JSON part, the media part and its type of a `multipart/related` body.
pub(super) fn multipart(content_type: &str, body: &[u8]) -> Option<(Vec<u8>, Bytes, String)> {
    let (kind, params) = content_type.split_once(';')?;
    if kind.trim() != "multipart/related" {
        return None;
    }
    let boundary = params
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))?
        .trim_matches('"');
    let delimiter = format!("--{boundary}");
    let d = delimiter.as_bytes();
    let mut starts = Vec::new();
    let mut i = 0;
    while i + d.len() <= body.len() {
        if &body[i..i + d.len()] == d && (i == 0 || body[i - 1] == b'\n') {
            starts.push(i);
            i += d.len();
        } else {
            i += 1;
        }
    }
    let mut parts = Vec::new();
    for w in starts.windows(2) {
        let mut part = &body[w[0] + d.len()..w[1]];
        // The line break before a delimiter belongs to the delimiter.
        part = part.strip_suffix(b"\n").unwrap_or(part);
        part = part.strip_suffix(b"\r").unwrap_or(part);
        part = part
            .strip_prefix(b"\r\n")
            .or_else(|| part.strip_prefix(b"\n"))?;
        let (head, content) = split_head(part)?;
        let ct = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case("content-type")
                    .then(|| v.trim().to_string())
            })
            .unwrap_or_default();
        parts.push((ct, content));
    }
    let [(_, json), (media_type, media)] = <[_; 2]>::try_from(parts).ok()?;
    Some((json.to_vec(), Bytes::copy_from_slice(media), media_type))
}

/// A MIME part's headers (as text) and its content.
fn split_head(part: &[u8]) -> Option<(String, &[u8])> {
    for sep in [&b"\r\n\r\n"[..], &b"\n\n"[..]] {
        if let Some(at) = part.windows(sep.len()).position(|w| w == sep) {
            let head = String::from_utf8_lossy(&part[..at]).to_string();
            return Some((head, &part[at + sep.len()..]));
        }
    }
    None
}

/// Hashes bytes received in one request.
fn hashed(chunks: &[Bytes]) -> (Sha256, u64) {
    let mut h = Sha256::new();
    let mut n = 0;
    for c in chunks {
        h.update(c);
        n += c.len() as u64;
    }
    (h, n)
}

/// Creates the video from its bytes (their hash and count): recorded, and
/// answered with the resource holding only the parts asked for. YouTube
/// makes every upload of an unaudited project private.
fn finish(m: &Shared, d: &Draft, (hasher, bytes): (Sha256, u64), duplicate: bool) -> String {
    let video_id = random_id(11);
    let privacy = if m.youtube.unaudited() {
        "private".to_string()
    } else {
        d.meta.privacy().to_string()
    };
    let video = Video {
        meta: d.meta.clone(),
        channel: d.channel.clone(),
        privacy,
        content_type: d.content_type.clone(),
        upload_status: if duplicate { "rejected" } else { "processed" }.into(),
        rejection: duplicate.then(|| "duplicate".to_string()),
        ready_at: m.ready_at(),
        published_at: jiff::Timestamp::now().to_string(),
    };
    let body = super::resource(m, &video_id, &video, &d.parts, true).to_string();
    let mut fields = serde_json::Map::new();
    fields.insert("snippet".into(), Value::Object(d.meta.snippet.clone()));
    fields.insert("status".into(), Value::Object(d.meta.status.clone()));
    fields.insert("content_type".into(), d.content_type.clone().into());
    fields.insert("part".into(), d.parts.join(",").into());
    fields.insert("upload_type".into(), d.upload_type.clone().into());
    if let Some(n) = &d.notify_subscribers {
        fields.insert("notifySubscribers".into(), n.clone().into());
    }
    m.record(Record {
        platform: "youtube".into(),
        id: video_id.clone(),
        title: d.meta.str("title").to_string(),
        bytes,
        sha256: hex::encode(hasher.finalize()),
        deleted: false,
        received_at_ms: 0,
        text: d.meta.str("description").to_string(),
        tags: d.meta.tags(),
        fields,
    });
    if let Ok(mut v) = m.youtube.videos.lock() {
        v.insert(video_id, video);
    }
    body
}

#[derive(serde::Deserialize)]
pub(super) struct PutQuery {
    upload_id: Option<String>,
}

pub(super) fn incomplete(received: u64) -> Response {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = StatusCode::PERMANENT_REDIRECT;
    if received > 0
        && let Ok(v) = HeaderValue::from_str(&format!("bytes=0-{}", received - 1))
    {
        r.headers_mut().insert("range", v);
    }
    r
}

pub(super) fn final_response(status: u16, body: &str) -> Response {
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        [(header::CONTENT_TYPE, "application/json; charset=UTF-8")],
        body.to_string(),
    )
        .into_response()
}

fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "notFound",
        "Upload session not found.",
    )
}

/// `bytes a-b/total` as (a, b + 1, total); `None` for anything else.
pub(super) fn content_range(range: &str) -> Option<(u64, u64, u64)> {
    let (span, total) = range.strip_prefix("bytes ")?.split_once('/')?;
    let (a, b) = span.split_once('-')?;
    let (a, b, total) = (
        a.parse::<u64>().ok()?,
        b.parse::<u64>().ok()?,
        total.parse().ok()?,
    );
    (a <= b).then_some((a, b + 1, total))
}

/// Where an incoming chunk goes, or the answer it gets without being read.
fn place(m: &Shared, id: &str, range: &str, probe: bool) -> Result<(u64, u64), Response> {
    let mut sessions = m.youtube.sessions.lock().expect("sessions");
    let Some(s) = sessions.get(id) else {
        return Err(not_found());
    };
    if s.created.elapsed() > m.youtube.session_ttl() {
        sessions.remove(id);
        return Err(not_found());
    }
    if let Some((status, body)) = &s.done {
        return Err(final_response(*status, body));
    }
    if probe {
        return Err(incomplete(s.received));
    }
    let Some((a, end, total)) = content_range(range) else {
        return Err(error(
            StatusCode::BAD_REQUEST,
            "badRequest",
            "Failed to parse Content-Range header.",
        ));
    };
    if end < s.total && (end - a) % CHUNK_UNIT != 0 {
        return Err(error(
            StatusCode::BAD_REQUEST,
            "badRequest",
            "Invalid request. The number of bytes uploaded is required to be equal or greater \
             than 262144, except for the final request (it's recommended to be the exact \
             multiple of 262144).",
        ));
    }
    // Ranges must be contiguous; otherwise none of this request is kept.
    if a != s.received || total != s.total || end > s.total {
        return Err(incomplete(s.received));
    }
    Ok((a, end))
}

pub(super) async fn put(
    State(m): State<Shared>,
    Query(q): Query<PutQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if !super::authorized(&headers) {
        return super::unauthorized();
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
        // The request is read before the answer, so the client sees the
        // answer rather than a connection closed under its upload.
        read_body(body, None).await;
        return r;
    }
    let (start, end) = match place(&m, &id, &range, probe) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let limit = (fault == Some(Fault::DropMidUpload)).then_some((end - start) / 2);
    let (chunks, got) = read_body(body, limit).await;
    let mut sessions = m.youtube.sessions.lock().expect("sessions");
    let Some(s) = sessions.get_mut(&id) else {
        return not_found();
    };
    if s.received != start || start + got > s.total {
        return incomplete(s.received);
    }
    if limit.is_none() && start + got != end {
        return error(
            StatusCode::BAD_REQUEST,
            "badRequest",
            "The request body does not match its Content-Range.",
        );
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
    let hash = (std::mem::take(&mut s.hasher), s.received);
    let draft = s.draft.clone();
    let body = finish(&m, &draft, hash, fault == Some(Fault::Duplicate));
    s.done = Some((201, body.clone()));
    final_response(201, &body)
}

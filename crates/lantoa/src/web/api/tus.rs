//! Resumable uploads over HTTP: tus 1.0.0 with the creation, creation-with-upload,
//! termination, expiration and checksum (sha1, sha256) extensions. The protocol
//! lives here; the upload's semantics in `service::uploads`.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;

use crate::error::{Error, Result};
use crate::service::uploads::{self, ChunkChecksum, Status};
use crate::state::AppState;
use crate::web::extract::CurrentUser;
use crate::web::{Routes, Scope, api_routes};

pub const VERSION: &str = "1.0.0";
pub const EXTENSIONS: &str = "creation,creation-with-upload,termination,expiration,checksum";
const OFFSET_CT: &str = "application/offset+octet-stream";

fn h(name: &'static str) -> HeaderName {
    HeaderName::from_static(name)
}

/// Adds the headers every tus response carries.
fn tus_headers(resp: &mut Response) {
    let hs = resp.headers_mut();
    hs.insert(h("tus-resumable"), HeaderValue::from_static(VERSION));
    hs.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

fn respond(r: Result<Response>) -> Response {
    let mut resp = match r {
        Ok(r) => r,
        Err(Error::Precondition) => {
            let mut r = Error::Precondition.into_response();
            r.headers_mut()
                .insert(h("tus-version"), HeaderValue::from_static(VERSION));
            r
        }
        Err(e) => e.into_response(),
    };
    tus_headers(&mut resp);
    resp
}

fn check_version(headers: &HeaderMap) -> Result<()> {
    match headers.get("tus-resumable").and_then(|v| v.to_str().ok()) {
        Some(VERSION) => Ok(()),
        _ => Err(Error::Precondition),
    }
}

fn header_i64(headers: &HeaderMap, name: &str) -> Result<Option<i64>> {
    match headers.get(name) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .ok()
            .and_then(|s| s.trim().parse::<i64>().ok())
            .filter(|n| *n >= 0)
            .map(Some)
            .ok_or_else(|| Error::Malformed {
                field: name.to_string(),
                detail: "not a non-negative integer".into(),
            }),
    }
}

fn http_date(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string())
        .unwrap_or_default()
}

fn put(resp: &mut Response, name: &'static str, value: String) {
    if let Ok(v) = HeaderValue::from_str(&value) {
        resp.headers_mut().insert(h(name), v);
    }
}

/// Headers describing an upload's state, plus where the finished clip is.
fn state_headers(resp: &mut Response, s: &Status) {
    put(resp, "upload-offset", s.offset.to_string());
    put(resp, "upload-expires", http_date(s.expires_at));
    if let Some(c) = s.clip {
        put(resp, "lantoa-clip-id", c.to_string());
    }
    if let Some(v) = s.version {
        put(resp, "lantoa-version-id", v.to_string());
    }
}

fn is_offset_stream(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(OFFSET_CT))
}

fn checksum(headers: &HeaderMap) -> Result<Option<ChunkChecksum>> {
    match headers.get("upload-checksum").and_then(|v| v.to_str().ok()) {
        Some(v) => ChunkChecksum::parse(v).map(Some),
        None => Ok(None),
    }
}

/// Advertises the protocol version, extensions, limits and checksum algorithms.
#[utoipa::path(options, path = "/api/v1/uploads", tag = "uploads",
    responses((status = 204, description = "Tus-Version, Tus-Extension, Tus-Max-Size, Tus-Checksum-Algorithm")))]
pub async fn options(State(st): State<AppState>) -> Response {
    let mut r = StatusCode::NO_CONTENT.into_response();
    put(&mut r, "tus-version", VERSION.into());
    put(&mut r, "tus-extension", EXTENSIONS.into());
    put(
        &mut r,
        "tus-max-size",
        st.config.max_upload_bytes.to_string(),
    );
    put(&mut r, "tus-checksum-algorithm", "sha1,sha256".into());
    tus_headers(&mut r);
    r
}

/// Creates an upload (tus creation). `Upload-Metadata` must carry `agency_id`, and for a
/// new clip `title` and `category`; `clip_id` makes the upload a new version of that clip.
/// With an `application/offset+octet-stream` body the first bytes are stored too.
#[utoipa::path(post, path = "/api/v1/uploads", tag = "uploads",
    params(("Tus-Resumable" = String, Header), ("Upload-Length" = i64, Header), ("Upload-Metadata" = String, Header)),
    responses((status = 201, description = "Location of the upload; Upload-Offset, Upload-Expires"),
              (status = 400, body = super::ApiError), (status = 403, body = super::ApiError),
              (status = 412, description = "Tus-Resumable missing or unsupported"),
              (status = 409, body = super::ApiError, description = "`clip_id` names a clip that takes no new version from the caller now, with the reason"),
              (status = 413, body = super::ApiError), (status = 429, body = super::ApiError),
              (status = 460, body = super::ApiError, description = "Checksum mismatch of the first bytes: nothing was created")))]
pub async fn create(
    State(st): State<AppState>,
    u: CurrentUser,
    headers: HeaderMap,
    body: Body,
) -> Response {
    respond(
        async {
            check_version(&headers)?;
            if headers.contains_key("upload-defer-length") {
                return Err(Error::Malformed {
                    field: "Upload-Defer-Length".into(),
                    detail: "deferred length is not supported; send Upload-Length".into(),
                });
            }
            let length =
                header_i64(&headers, "upload-length")?.ok_or_else(|| Error::Malformed {
                    field: "Upload-Length".into(),
                    detail: "required".into(),
                })?;
            let meta = match headers.get("upload-metadata") {
                None => None,
                Some(v) => Some(v.to_str().map_err(|_| Error::Malformed {
                    field: "Upload-Metadata".into(),
                    detail: "not ASCII".into(),
                })?),
            };
            let has_body = is_offset_stream(&headers)
                && header_i64(&headers, "content-length")?.is_none_or(|n| n > 0);
            let first = if has_body {
                Some(uploads::FirstChunk {
                    checksum: checksum(&headers)?,
                    body,
                })
            } else {
                None
            };
            let status =
                uploads::create(&st, &u.p, &u.ctx.client_addr, length, meta, first).await?;
            let mut r = StatusCode::CREATED.into_response();
            put(&mut r, "location", format!("/api/v1/uploads/{}", status.id));
            state_headers(&mut r, &status);
            Ok(r)
        }
        .await,
    )
}

fn tus_metadata(json: &str) -> String {
    let map: std::collections::BTreeMap<String, String> =
        serde_json::from_str(json).unwrap_or_default();
    map.iter()
        .map(|(k, v)| {
            format!(
                "{k} {}",
                base64::engine::general_purpose::STANDARD.encode(v)
            )
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The upload's offset, so a client knows where to resume.
#[utoipa::path(head, path = "/api/v1/uploads/{upload_id}", tag = "uploads",
    params(("upload_id" = String, Path), ("Tus-Resumable" = String, Header)),
    responses((status = 200, description = "Upload-Offset, Upload-Length, Upload-Metadata, Upload-Expires; Lantoa-Clip-Id and Lantoa-Version-Id once complete"),
              (status = 404), (status = 410),
              (status = 412, description = "Tus-Resumable missing or unsupported")))]
pub async fn head(
    State(st): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    respond(
        async {
            check_version(&headers)?;
            let s = uploads::head(&st, &u.p, &u.ctx.client_addr, &id).await?;
            let mut r = StatusCode::OK.into_response();
            state_headers(&mut r, &s);
            put(&mut r, "upload-length", s.length.to_string());
            put(&mut r, "upload-metadata", tus_metadata(&s.metadata));
            Ok(r)
        }
        .await,
    )
}

/// Appends bytes at `Upload-Offset` (optionally checked with `Upload-Checksum: sha1|sha256 <base64>`).
#[utoipa::path(patch, path = "/api/v1/uploads/{upload_id}", tag = "uploads",
    params(("upload_id" = String, Path), ("Tus-Resumable" = String, Header), ("Upload-Offset" = i64, Header),
           ("Upload-Checksum" = Option<String>, Header)),
    responses((status = 204, description = "The new Upload-Offset"), (status = 409, body = super::ApiError),
              (status = 410, body = super::ApiError), (status = 415, body = super::ApiError),
              (status = 412, description = "Tus-Resumable missing or unsupported"),
              (status = 460, body = super::ApiError, description = "Checksum mismatch: the chunk was discarded")))]
pub async fn patch(
    State(st): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    respond(
        async {
            check_version(&headers)?;
            if !is_offset_stream(&headers) {
                return Err(Error::UnsupportedMediaType);
            }
            let offset =
                header_i64(&headers, "upload-offset")?.ok_or_else(|| Error::Malformed {
                    field: "Upload-Offset".into(),
                    detail: "required".into(),
                })?;
            let s = uploads::append(
                &st,
                &u.p,
                &u.ctx.client_addr,
                &id,
                offset,
                checksum(&headers)?,
                body,
            )
            .await?;
            let mut r = StatusCode::NO_CONTENT.into_response();
            state_headers(&mut r, &s);
            Ok(r)
        }
        .await,
    )
}

/// Abandons an upload (tus termination).
#[utoipa::path(delete, path = "/api/v1/uploads/{upload_id}", tag = "uploads",
    params(("upload_id" = String, Path), ("Tus-Resumable" = String, Header)),
    responses((status = 204), (status = 404, body = super::ApiError), (status = 410, body = super::ApiError),
              (status = 412, description = "Tus-Resumable missing or unsupported")))]
pub async fn delete(
    State(st): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    respond(
        async {
            check_version(&headers)?;
            uploads::terminate(&st, &u.p, &u.ctx.client_addr, &id).await?;
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        .await,
    )
}

/// This area's routes, each with who may reach it.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    api_routes!(r, Public: options; User: create, head, patch, delete)
}

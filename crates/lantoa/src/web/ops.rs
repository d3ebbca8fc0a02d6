//! Operations endpoints (`/healthz`, `/readyz`, `/metrics`) and embedded static files.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::db::migrate;
use crate::error::Error;
use crate::state::AppState;
use crate::web::metrics::DbGauges;
use crate::web::{Routes, Scope};

/// The process is alive. Its length is said, so that it goes out as it is
/// (three bytes are not worth compressing).
pub async fn healthz() -> Response {
    ([(header::CONTENT_LENGTH, "3")], "ok\n").into_response()
}

/// The database answers and the schema is current; 503 otherwise.
pub async fn readyz(State(st): State<AppState>) -> Response {
    let version = match st.db.read().await {
        Ok(mut tx) => migrate::current_version(&mut tx).await.ok(),
        Err(_) => None,
    };
    match version {
        Some(v) if v == migrate::latest_version() => (StatusCode::OK, "ready\n").into_response(),
        Some(v) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "schema at version {v}, expected {}\n",
                migrate::latest_version()
            ),
        )
            .into_response(),
        None => (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n").into_response(),
    }
}

pub async fn metrics(State(st): State<AppState>) -> Response {
    let gauges = db_gauges(&st).await.ok();
    let body = st
        .metrics
        .render(st.started.elapsed().as_secs_f64(), gauges.as_ref());
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}

/// The database's gauges, read in one transaction at scrape time.
async fn db_gauges(st: &AppState) -> Result<DbGauges, crate::db::DbError> {
    let now = st.now();
    let mut tx = st.db.read().await?;
    Ok(DbGauges {
        schema_version: migrate::current_version(&mut tx).await?,
        queue: crate::db::jobs::queue_gauges(&mut tx, now).await?,
        channels: crate::db::publishing::channel_status_counts(&mut tx).await?,
        approvals_expiring_24h: crate::db::review::expiring_count(
            &mut tx,
            now,
            now + 24 * 3600 * 1000,
        )
        .await?,
        now_ms: now,
    })
}

const HTMX: &[u8] = include_bytes!("../../static/htmx.min.js");
const CSS: &[u8] = include_bytes!("../../static/app.css");
const FAVICON: &[u8] = include_bytes!("../../static/favicon.svg");
const TUS: &[u8] = include_bytes!("../../static/tus.min.js");
const UPLOAD: &[u8] = include_bytes!("../../static/upload.js");
const CLIP: &[u8] = include_bytes!("../../static/clip.js");
const DRAW: &[u8] = include_bytes!("../../static/draw.js");
const PRINT: &[u8] = include_bytes!("../../static/print.js");
const SHELL: &[u8] = include_bytes!("../../static/shell.js");
const CALENDAR: &[u8] = include_bytes!("../../static/calendar.js");
const PUSH: &[u8] = include_bytes!("../../static/push.js");
const SURVEY: &[u8] = include_bytes!("../../static/survey.js");
const SUBTITLES: &[u8] = include_bytes!("../../static/subtitles.js");
const MANIFEST: &[u8] = include_bytes!("../../static/manifest.webmanifest");
const SERVICE_WORKER: &[u8] = include_bytes!("../../static/sw.js");

/// Files shipped inside the binary: nothing is fetched from the internet.
const FILES: &[(&str, &[u8], &str)] = &[
    ("htmx.min.js", HTMX, "text/javascript; charset=utf-8"),
    ("app.css", CSS, "text/css; charset=utf-8"),
    ("favicon.svg", FAVICON, "image/svg+xml"),
    ("tus.min.js", TUS, "text/javascript; charset=utf-8"),
    ("upload.js", UPLOAD, "text/javascript; charset=utf-8"),
    ("clip.js", CLIP, "text/javascript; charset=utf-8"),
    ("draw.js", DRAW, "text/javascript; charset=utf-8"),
    ("print.js", PRINT, "text/javascript; charset=utf-8"),
    ("shell.js", SHELL, "text/javascript; charset=utf-8"),
    ("calendar.js", CALENDAR, "text/javascript; charset=utf-8"),
    ("push.js", PUSH, "text/javascript; charset=utf-8"),
    ("survey.js", SURVEY, "text/javascript; charset=utf-8"),
    ("subtitles.js", SUBTITLES, "text/javascript; charset=utf-8"),
    (
        "manifest.webmanifest",
        MANIFEST,
        "application/manifest+json",
    ),
];

/// Each shipped file's fingerprint: the start of its SHA-256.
fn fingerprints() -> &'static std::collections::HashMap<&'static str, String> {
    static PRINTS: std::sync::OnceLock<std::collections::HashMap<&'static str, String>> =
        std::sync::OnceLock::new();
    PRINTS.get_or_init(|| {
        FILES
            .iter()
            .map(|(name, body, _)| {
                let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(body));
                (*name, sha[..12].to_string())
            })
            .collect()
    })
}

/// A shipped file's address with its fingerprint, for pages: it can be kept
/// for a year, since a new build that changes it changes the address.
pub fn asset(name: &str) -> String {
    match fingerprints().get(name) {
        Some(v) => format!("/static/{name}?v={v}"),
        None => format!("/static/{name}"),
    }
}

#[derive(serde::Deserialize)]
pub struct Fingerprint {
    v: Option<String>,
}

pub async fn static_file(
    Path(file): Path<String>,
    axum::extract::Query(q): axum::extract::Query<Fingerprint>,
) -> Result<Response, Error> {
    let Some((name, body, mime)) = FILES.iter().find(|(n, ..)| *n == file) else {
        return Err(Error::NotFound);
    };
    // The address of this very build's file is kept for good; any other
    // (no fingerprint, or an older one) for an hour.
    let current = q.v.as_deref() == fingerprints().get(name).map(String::as_str);
    let cache = if current {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=3600"
    };
    Ok((
        [
            (header::CONTENT_TYPE, *mime),
            (header::CACHE_CONTROL, cache),
        ],
        *body,
    )
        .into_response())
}

/// The service worker, at the root so that it may serve the whole site's
/// notices; always checked for a newer copy.
pub async fn service_worker() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SERVICE_WORKER,
    )
        .into_response()
}

/// This area's routes, each with who may reach it.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    use Scope::*;
    r.get("/healthz", Public, healthz)
        .get("/sw.js", Public, service_worker)
        .get("/readyz", Public, readyz)
        .get("/metrics", Public, metrics)
        .get("/static/{file}", Public, static_file)
}

//! Operations endpoints (`/healthz`, `/readyz`, `/metrics`) and embedded static files.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::db::migrate;
use crate::error::Error;
use crate::state::AppState;
use crate::web::{Routes, Scope};

/// The process is alive.
pub async fn healthz() -> &'static str {
    "ok\n"
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
    let version = match st.db.read().await {
        Ok(mut tx) => migrate::current_version(&mut tx).await.ok(),
        Err(_) => None,
    };
    let body = st.metrics.render(
        st.started.elapsed().as_secs_f64(),
        version.is_some(),
        version.unwrap_or(0),
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}

const HTMX: &[u8] = include_bytes!("../../static/htmx.min.js");
const CSS: &[u8] = include_bytes!("../../static/app.css");
const FAVICON: &[u8] = include_bytes!("../../static/favicon.svg");
const TUS: &[u8] = include_bytes!("../../static/tus.min.js");
const UPLOAD: &[u8] = include_bytes!("../../static/upload.js");
const CLIP: &[u8] = include_bytes!("../../static/clip.js");
const PRINT: &[u8] = include_bytes!("../../static/print.js");

/// Files shipped inside the binary: nothing is fetched from the internet.
pub async fn static_file(Path(file): Path<String>) -> Result<Response, Error> {
    let (body, mime) = match file.as_str() {
        "htmx.min.js" => (HTMX, "text/javascript; charset=utf-8"),
        "app.css" => (CSS, "text/css; charset=utf-8"),
        "favicon.svg" => (FAVICON, "image/svg+xml"),
        "tus.min.js" => (TUS, "text/javascript; charset=utf-8"),
        "upload.js" => (UPLOAD, "text/javascript; charset=utf-8"),
        "clip.js" => (CLIP, "text/javascript; charset=utf-8"),
        "print.js" => (PRINT, "text/javascript; charset=utf-8"),
        _ => return Err(Error::NotFound),
    };
    Ok((
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response())
}

/// This area's routes, each with who may reach it.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    use Scope::*;
    r.get("/healthz", Public, healthz)
        .get("/readyz", Public, readyz)
        .get("/metrics", Public, metrics)
        .get("/static/{file}", Public, static_file)
}

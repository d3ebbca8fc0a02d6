//! In front of every outlet address (`/v/…`): the address's budget of
//! requests a minute, and the rendered pages kept a moment
//! (`service::outlet::pages`) — a page kept is answered without its handler,
//! an `If-None-Match` with its ETag by 304.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::Error;
use crate::service::outlet::pages::Page;
use crate::state::AppState;
use crate::web::middleware::ReqCtx;

/// Marks a handler's answer as a page fit to keep (the same for everyone).
#[derive(Clone, Copy)]
pub(super) struct Keepable;

/// Largest page kept (a sitemap of 200 clips is about 150 KB).
const MAX_KEPT: usize = 4 << 20;

pub async fn layer(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if !path.starts_with("/v/") {
        return next.run(req).await;
    }
    // Beacons keep a budget of their own (`measure`).
    if req.method() == Method::POST {
        return next.run(req).await;
    }
    let addr = req
        .extensions()
        .get::<ReqCtx>()
        .map_or("", |c| c.client_addr.as_str());
    let budget = st.config.outlet_requests_per_minute as u32;
    if !st
        .surveys
        .spend_within(&format!("v:{addr}"), 1, budget, st.now())
    {
        return Error::TooMany("outlet-too-many").into_response();
    }
    if req.method() != Method::GET {
        return next.run(req).await;
    }
    let key = req
        .uri()
        .path_and_query()
        .map_or(path, |p| p.as_str())
        .to_string();
    let asked = req.headers().get(header::IF_NONE_MATCH).cloned();
    let br = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("br")));
    if let Some(p) = st.outlet_pages.get(&key) {
        return answer(&p, asked.as_ref(), br);
    }
    let resp = next.run(req).await;
    if resp.status() != StatusCode::OK || resp.extensions().get::<Keepable>().is_none() {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_KEPT).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let headers = parts
        .headers
        .iter()
        .filter(|(k, _)| *k != header::CONTENT_LENGTH)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let page = Arc::new(Page::new(headers, body));
    st.outlet_pages.put(key, page.clone());
    let mut r = answer(&page, None, br);
    r.headers_mut().remove(header::AGE);
    r
}

/// A kept page (compressed when the browser takes brotli), or 304 when the
/// browser or cache has it already.
fn answer(p: &Page, asked: Option<&axum::http::HeaderValue>, br: bool) -> Response {
    let etag = p
        .headers
        .iter()
        .find(|(k, _)| k == header::ETAG)
        .map(|(_, v)| v);
    let fresh = match (asked.and_then(|a| a.to_str().ok()), etag) {
        (Some(a), Some(e)) => a.split(',').any(|t| t.trim().as_bytes() == e.as_bytes()),
        _ => false,
    };
    let brotli = p.brotli.as_ref().filter(|_| br && !fresh);
    let mut r = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        Response::new(Body::from(brotli.unwrap_or(&p.body).clone()))
    };
    if brotli.is_some() {
        r.headers_mut().insert(
            header::CONTENT_ENCODING,
            axum::http::HeaderValue::from_static("br"),
        );
    }
    for (k, v) in &p.headers {
        if fresh && (k == header::CONTENT_TYPE || k == header::CONTENT_LENGTH) {
            continue;
        }
        r.headers_mut().insert(k.clone(), v.clone());
    }
    // Answered from what was kept (RFC 9111 `Age`: within the second).
    r.headers_mut()
        .insert(header::AGE, axum::http::HeaderValue::from_static("0"));
    r
}

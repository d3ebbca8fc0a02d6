//! HTTP: server-rendered pages (askama + htmx), the JSON API under `/api/v1`, and
//! the operations endpoints.
//!
//! Every route is registered through [`Routes`] with its [`Scope`], each area
//! (`ops`, every page and API module) listing its own, so the
//! route table is known at run time: the isolation test walks it and tries every
//! agency-scoped route as a user of another agency. A new route cannot escape it.

pub mod api;
pub mod error;
pub mod extract;
pub mod metrics;
pub mod middleware;
pub mod ops;
pub mod pages;
pub mod replay;

use axum::Router;
use axum::handler::Handler;
use axum::routing::{self, MethodRouter};
use tower_http::catch_panic::CatchPanicLayer;

use crate::state::AppState;

/// Who may reach a route at all (the finer decision is the policy's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user; acts only on the user's own things.
    User,
    /// A user with a role in the agency `{aid}` (or its overseer).
    Agency,
    /// An overseer of the coordinating body `{bid}`.
    Body,
    /// System administrators only.
    System,
}

#[derive(Debug, Clone)]
pub struct RouteInfo {
    pub method: &'static str,
    pub path: String,
    pub scope: Scope,
}

/// An API area's documented operations, by scope:
/// `api_routes!(r, User: get_me; Agency: list, get_one)`; each handler's
/// method and path come from its `#[utoipa::path]` attribute.
macro_rules! api_routes {
    ($r:expr, $($scope:ident: $($handler:ident),+);+ $(;)?) => {
        paste::paste! {
            $r $($(.op::<[<__path_ $handler>], _, _>(Scope::$scope, $handler))+)+
        }
    };
}
pub(crate) use api_routes;

/// The route table being built: the router and, beside it, every route's
/// method, path and scope. Each area (a page module, an API module, `ops`)
/// adds its own routes through the method helpers.
pub(crate) struct Routes {
    router: Router<AppState>,
    table: Vec<RouteInfo>,
}

/// One helper per HTTP method: `.get(path, scope, handler)`.
macro_rules! method_helpers {
    ($($name:ident => $method:literal),* $(,)?) => {
        $(
            pub(crate) fn $name<H, T>(self, path: &'static str, scope: Scope, handler: H) -> Self
            where
                H: Handler<T, AppState>,
                T: 'static,
            {
                self.add($method, path.to_owned(), scope, routing::$name(handler))
            }
        )*
    };
}

impl Routes {
    fn new() -> Routes {
        Routes {
            router: Router::new(),
            table: Vec::new(),
        }
    }

    fn add(
        mut self,
        method: &'static str,
        path: String,
        scope: Scope,
        handler: MethodRouter<AppState>,
    ) -> Self {
        self.router = self.router.route(&path, handler);
        self.table.push(RouteInfo {
            method,
            path,
            scope,
        });
        self
    }

    /// Adds a documented API operation: its method and path are read from
    /// the handler's `#[utoipa::path]` attribute (the operation type `P`), so
    /// they are written once. Areas call it through [`api_routes!`].
    pub(crate) fn op<P: utoipa::Path, H, T>(self, scope: Scope, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        use utoipa::openapi::path::HttpMethod as M;
        let methods = P::methods();
        let [method] = methods.as_slice() else {
            panic!("{}: one method per documented operation", P::path());
        };
        let (name, route) = match method {
            M::Get => ("GET", routing::get(handler)),
            M::Post => ("POST", routing::post(handler)),
            M::Put => ("PUT", routing::put(handler)),
            M::Patch => ("PATCH", routing::patch(handler)),
            M::Delete => ("DELETE", routing::delete(handler)),
            M::Head => ("HEAD", routing::head(handler)),
            M::Options => ("OPTIONS", routing::options(handler)),
            M::Trace => ("TRACE", routing::trace(handler)),
        };
        self.add(name, P::path(), scope, route)
    }

    /// A POST of a form with a file (`multipart/form-data`), whose body may
    /// be up to `limit` bytes (other bodies stay at the default 1 MiB).
    pub(crate) fn post_file<H, T>(
        self,
        path: &'static str,
        scope: Scope,
        handler: H,
        limit: usize,
    ) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let route = routing::post(handler).layer(axum::extract::DefaultBodyLimit::max(limit));
        self.add("POST", path.to_owned(), scope, route)
    }

    /// Adds an area's routes.
    pub(crate) fn area(self, routes: fn(Routes) -> Routes) -> Self {
        routes(self)
    }

    // Pages and operations; the API's routes come from its documentation (`op`).
    method_helpers! {
        get => "GET",
        post => "POST",
    }
}

/// Every area's routes: operations, pages, then the JSON API.
fn routes() -> Routes {
    Routes::new()
        .area(ops::routes)
        .area(pages::routes)
        .area(api::routes)
}

/// Every route the application serves, with its scope.
pub fn route_table() -> Vec<RouteInfo> {
    routes().table
}

/// The application, ready to serve.
pub fn app(state: AppState) -> Router {
    routes()
        .router
        .fallback(|| async { crate::error::Error::NotFound })
        // The outlets' budget and kept pages, inside the request's context.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            pages::outlet::cache::layer,
        ))
        .layer(CatchPanicLayer::new())
        // Inside the request's context (who, which language, CSRF), which
        // is worked out once: a request whose transaction lost to another's
        // is run again from here.
        .layer(axum::middleware::from_fn(replay::layer))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::context,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(1024 * 1024))
        // Outermost: what goes out is compressed as it finally is (the
        // context rewrites error bodies after the handler).
        .layer(tower_http::compression::CompressionLayer::new().compress_when(compressible))
        .with_state(state)
}

/// A request's or response's `Content-Type`, or "" when it has none (or
/// one that is not text).
pub(crate) fn content_type(h: &axum::http::HeaderMap) -> &str {
    h.get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Which responses are sent compressed (gzip or brotli, as the browser
/// accepts): pages, styles, scripts, JSON, SVG, CSV and feeds of some size.
/// Never media (already compressed, and served in byte ranges) nor a stream.
fn compressible(
    _: axum::http::StatusCode,
    _: axum::http::Version,
    h: &axum::http::HeaderMap,
    _: &axum::http::Extensions,
) -> bool {
    use axum::http::header;
    const TEXT: &[&str] = &[
        "text/html",
        "text/css",
        "text/javascript",
        "text/plain",
        "text/csv",
        "application/json",
        "application/xml",
        "application/rss+xml",
        "application/atom+xml",
        "image/svg+xml",
    ];
    let kind = content_type(h);
    let small = h
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n < 256);
    TEXT.iter().any(|t| kind.starts_with(t))
        && !small
        && !h.contains_key(header::CONTENT_RANGE)
        // Already compressed (the outlet's kept pages).
        && !h.contains_key(header::CONTENT_ENCODING)
}

#[cfg(test)]
mod tests {
    use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, Version, header};

    fn compressed(headers: &[(header::HeaderName, &'static str)]) -> bool {
        let mut h = HeaderMap::new();
        for (k, v) in headers {
            h.insert(k, HeaderValue::from_static(v));
        }
        super::compressible(StatusCode::OK, Version::HTTP_11, &h, &Extensions::new())
    }

    #[test]
    fn text_is_compressed_media_and_ranges_never() {
        assert!(compressed(&[(
            header::CONTENT_TYPE,
            "text/html; charset=utf-8"
        )]));
        assert!(compressed(&[(header::CONTENT_TYPE, "application/json")]));
        assert!(!compressed(&[(header::CONTENT_TYPE, "video/mp4")]));
        assert!(!compressed(&[(header::CONTENT_TYPE, "image/jpeg")]));
        assert!(!compressed(&[(header::CONTENT_TYPE, "text/event-stream")]));
        assert!(!compressed(&[
            (header::CONTENT_TYPE, "text/plain"),
            (header::CONTENT_RANGE, "bytes 0-9/100"),
        ]));
        assert!(!compressed(&[
            (header::CONTENT_TYPE, "text/html"),
            (header::CONTENT_LENGTH, "120"),
        ]));
    }
}

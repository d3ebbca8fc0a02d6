//! The request context: who is asking (session cookie or access token), in which
//! language, from where; CSRF checks on every state-changing request; forced
//! password changes; and the rendering of every error in the user's language.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::error::ErrorBody;
use crate::crypto::{constant_time_eq, hmac_hex, random_token};
use crate::domain::Locale;
use crate::error::Error;
use crate::i18n::Tr;
use crate::service::accounts::{AuthVia, Principal, resolve_session, resolve_token};
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "lantoa_session";
/// Holds the CSRF token of a visitor who is not signed in (login form).
pub const PRE_COOKIE: &str = "lantoa_pre";
pub const LANG_COOKIE: &str = "lantoa_lang";
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Largest form body the CSRF check reads (forms are small; uploads use headers).
const MAX_FORM_BYTES: usize = 256 * 1024;

/// What every handler knows about its request.
#[derive(Debug, Clone)]
pub struct ReqCtx {
    pub client_addr: String,
    pub locale: Locale,
    pub principal: Option<Arc<Principal>>,
    /// The token forms must send back.
    pub csrf: String,
    pub is_api: bool,
    pub path: String,
}

impl ReqCtx {
    pub fn tr(&self) -> Tr {
        Tr::new(self.locale)
    }
}

/// Marks a response a handler rendered itself, even with an error status.
#[derive(Debug, Clone, Copy)]
pub struct Rendered;

pub fn parse_cookies(headers: &HeaderMap) -> HashMap<String, String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

fn client_addr(st: &AppState, req: &Request) -> String {
    if st.config.trust_proxy
        && let Some(first) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
    {
        return first.trim().to_string();
    }
    req.extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Paths a user who must change the password may still use.
fn allowed_before_password_change(path: &str) -> bool {
    matches!(
        path,
        "/profile"
            | "/profile/password"
            | "/logout"
            | "/lang"
            | "/api/v1/me"
            | "/api/v1/me/password"
    ) || path.starts_with("/static/")
}

pub fn csrf_for_session(st: &AppState, token_hash: &str) -> String {
    hmac_hex(&st.keys.session, format!("csrf:{token_hash}").as_bytes())
}

/// The CSRF token as a page carries it: XORed with a fresh random pad, the
/// pad in front, so the secret never appears twice alike in compressed
/// responses (the BREACH attack reads a repeated secret from their lengths).
pub fn masked_csrf(token: &str) -> String {
    if token.is_empty() {
        return String::new();
    }
    let mut pad = vec![0u8; token.len()];
    getrandom::fill(&mut pad).expect("the operating system's random source failed");
    let masked: Vec<u8> = token.bytes().zip(&pad).map(|(t, p)| t ^ p).collect();
    format!("m{}{}", hex::encode(&pad), hex::encode(masked))
}

/// Whether `given` is the token `expected`, masked ([`masked_csrf`]) or not
/// (API clients and older pages send it as it is).
fn csrf_matches(given: &[u8], expected: &[u8]) -> bool {
    let unmasked = given
        .strip_prefix(b"m")
        .filter(|rest| rest.len() == expected.len() * 4)
        .and_then(|rest| hex::decode(rest).ok())
        .map(|raw| {
            let (pad, masked) = raw.split_at(expected.len());
            masked
                .iter()
                .zip(pad)
                .map(|(m, p)| m ^ p)
                .collect::<Vec<u8>>()
        });
    match unmasked {
        Some(u) => constant_time_eq(&u, expected),
        None => constant_time_eq(given, expected),
    }
}

fn is_unsafe(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

pub async fn context(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let path = req.uri().path().to_string();
    let is_api = path.starts_with("/api/");
    let ops = matches!(path.as_str(), "/healthz" | "/readyz" | "/metrics")
        || path.starts_with("/static/");
    let client = client_addr(&st, &req);
    let cookies = parse_cookies(req.headers());
    let accept_lang = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Locale::from_accept_language);
    let cookie_lang = cookies.get(LANG_COOKIE).and_then(|v| Locale::parse(v).ok());
    let anon_locale = if is_api {
        accept_lang.unwrap_or_default()
    } else {
        cookie_lang.unwrap_or_default()
    };

    let mut ctx = ReqCtx {
        client_addr: client,
        locale: anon_locale,
        principal: None,
        csrf: String::new(),
        is_api,
        path: path.clone(),
    };
    let mut new_pre_cookie = None;

    // A survey's public address is answered by anyone, anonymously: no
    // session is looked up, no cookie is set (not even the pre-session CSRF
    // token), nothing about the request is logged. Its form carries a
    // challenge signed by the server instead (`service::surveys::respond`),
    // which a page of another site cannot read.
    // The agencies' public outlets (`/v/…`) likewise: read by anyone, their
    // players' beacons carry no CSRF token and need none (they change
    // nothing anyone can see but counters, within a device's limits).
    let anonymous = path.starts_with("/s/") || path.starts_with("/v/");
    let outcome = if ops || anonymous {
        Ok(req)
    } else {
        prepare(&st, &mut ctx, &cookies, &mut new_pre_cookie, req).await
    };
    let mut resp = match outcome {
        Ok(mut req) => {
            req.extensions_mut().insert(ctx.clone());
            next.run(req).await
        }
        Err(resp) => resp,
    };

    resp = finish(&ctx, resp);
    let h = resp.headers_mut();
    if let Some(token) = new_pre_cookie
        && let Ok(v) = HeaderValue::from_str(&cookie(&st, PRE_COOKIE, &token, None))
    {
        h.append(header::SET_COOKIE, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    // A response with a policy of its own says who may frame it (the
    // outlet's player and widget: the sites the agency allows); every other
    // is never framed.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
                 script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
            ),
        );
    }
    st.metrics
        .observe(resp.status().as_u16(), started.elapsed().as_micros() as u64);
    resp
}

/// Resolves the principal, checks CSRF and the forced password change.
/// Returns the request to run, or the response that stops it.
async fn prepare(
    st: &AppState,
    ctx: &mut ReqCtx,
    cookies: &HashMap<String, String>,
    new_pre_cookie: &mut Option<String>,
    req: Request,
) -> Result<Request, Response> {
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    let principal = if let Some(t) = bearer {
        match resolve_token(st, &t).await {
            Ok(Some(p)) => Some(Arc::new(p)),
            Ok(None) => return Err(Error::Unauthenticated.into_response()),
            Err(e) => return Err(e.into_response()),
        }
    } else if let Some(c) = cookies.get(SESSION_COOKIE) {
        match resolve_session(st, c).await {
            Ok(p) => p,
            Err(e) => return Err(e.into_response()),
        }
    } else {
        None
    };

    let had_pre = cookies
        .get(PRE_COOKIE)
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()));
    ctx.csrf = match principal.as_ref().map(|p| &p.via) {
        Some(AuthVia::Session { token_hash }) => csrf_for_session(st, token_hash),
        Some(AuthVia::Token { .. }) => String::new(),
        None => match had_pre {
            Some(v) => v.clone(),
            None => {
                let t = random_token();
                *new_pre_cookie = Some(t.clone());
                t
            }
        },
    };
    if let Some(p) = &principal {
        ctx.locale = p.locale;
    }
    let via_token = matches!(
        principal.as_ref().map(|p| &p.via),
        Some(AuthVia::Token { .. })
    );
    let must_change = principal.as_ref().is_some_and(|p| p.must_change_password);
    ctx.principal = principal;

    let mut req = req;
    // Every API write needs a signed-in user: without one the answer is that,
    // not a CSRF failure that sends a script after the wrong fix.
    if ctx.is_api && ctx.principal.is_none() && is_unsafe(req.method()) {
        return Err(Error::Unauthenticated.into_response());
    }
    if is_unsafe(req.method()) && !via_token {
        let (ok, rebuilt) = check_csrf(ctx, req, new_pre_cookie.is_some()).await;
        req = rebuilt.map_err(|e| e.into_response())?;
        if !ok {
            tracing::warn!(path = %ctx.path, client = %ctx.client_addr, "CSRF check failed");
            return Err(Error::Csrf.into_response());
        }
    }

    if must_change && !allowed_before_password_change(&ctx.path) {
        if ctx.is_api || req.method() != Method::GET {
            return Err(Error::PasswordChangeRequired.into_response());
        }
        return Err(Redirect::to("/profile?force=1").into_response());
    }
    Ok(req)
}

/// Compares the token in the `X-CSRF-Token` header or the `_csrf` form field with
/// the expected one. Reads (and puts back) a form body to find the field.
async fn check_csrf(ctx: &ReqCtx, req: Request, fresh_pre: bool) -> (bool, Result<Request, Error>) {
    if fresh_pre {
        // A visitor without the pre-session cookie cannot have a valid token.
        return (false, Ok(req));
    }
    let expected = ctx.csrf.as_bytes();
    if let Some(h) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return (csrf_matches(h.as_bytes(), expected), Ok(req));
    }
    let kind = super::content_type(req.headers()).to_string();
    if let Some(boundary) = multipart_boundary(&kind) {
        return multipart_csrf(req, &boundary, expected).await;
    }
    if !kind.starts_with("application/x-www-form-urlencoded") {
        return (false, Ok(req));
    }
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, MAX_FORM_BYTES).await {
        Ok(b) => b,
        Err(e) => return (false, Err(body_error(e))),
    };
    let ok = form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == CSRF_FIELD)
        .is_some_and(|(_, v)| csrf_matches(v.as_bytes(), expected));
    (ok, Ok(Request::from_parts(parts, Body::from(bytes))))
}

/// The boundary of a `multipart/form-data` body (a form with a file).
fn multipart_boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        let v = v.trim().trim_matches('"');
        (k.trim().eq_ignore_ascii_case("boundary") && !v.is_empty() && v.len() <= 200)
            .then(|| v.to_string())
    })
}

/// Largest start of a file form read to find its token.
const MULTIPART_HEAD_BYTES: usize = 8 * 1024;

/// A form with a file carries its token as its first field (pages put the
/// hidden `_csrf` input first; browsers send fields in order): only the start
/// of the body is read, and the whole body is handed on, still streaming.
async fn multipart_csrf(
    req: Request,
    boundary: &str,
    expected: &[u8],
) -> (bool, Result<Request, Error>) {
    use futures_util::StreamExt;
    let (parts, body) = req.into_parts();
    let mut stream = body.into_data_stream();
    let mut head: Vec<u8> = Vec::new();
    while head.len() < MULTIPART_HEAD_BYTES && first_field(&head, boundary).is_none() {
        match stream.next().await {
            Some(Ok(b)) => head.extend_from_slice(&b),
            Some(Err(e)) => return (false, Err(body_error(e))),
            None => break,
        }
    }
    let ok = first_field(&head, boundary)
        .is_some_and(|(name, value)| name == CSRF_FIELD && csrf_matches(value, expected));
    let first =
        futures_util::stream::once(
            async move { Ok::<_, axum::Error>(axum::body::Bytes::from(head)) },
        );
    let body = Body::from_stream(first.chain(stream));
    (ok, Ok(Request::from_parts(parts, body)))
}

/// The first field of a multipart body, once its value has fully arrived.
fn first_field<'a>(head: &'a [u8], boundary: &str) -> Option<(String, &'a [u8])> {
    fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
        hay.windows(needle.len()).position(|w| w == needle)
    }
    let rest = head.strip_prefix(format!("--{boundary}\r\n").as_bytes())?;
    let headers_end = find(rest, b"\r\n\r\n")?;
    let headers = std::str::from_utf8(&rest[..headers_end]).ok()?;
    let name = headers.split("\r\n").find_map(|line| {
        let (k, v) = line.split_once(':')?;
        if !k.trim().eq_ignore_ascii_case("content-disposition") {
            return None;
        }
        v.split(';').find_map(|p| {
            p.trim()
                .strip_prefix("name=\"")
                .and_then(|n| n.strip_suffix('"'))
                .map(str::to_string)
        })
    })?;
    let value = &rest[headers_end + 4..];
    let end = find(value, format!("\r\n--{boundary}").as_bytes())?;
    Some((name, &value[..end]))
}

/// A body that could not be read: too long (413), or cut off or broken (400).
pub fn body_error(e: axum::Error) -> Error {
    let inner = e.into_inner();
    if inner
        .downcast_ref::<http_body_util::LengthLimitError>()
        .is_some()
    {
        return Error::TooLarge;
    }
    Error::Malformed {
        field: "body".into(),
        detail: inner.to_string(),
    }
}

/// Builds a `Set-Cookie` value; `max_age` None means a session cookie.
pub fn cookie(st: &AppState, name: &str, value: &str, max_age: Option<i64>) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(a) = max_age {
        c.push_str(&format!("; Max-Age={a}"));
    }
    if st.config.secure_cookies() {
        c.push_str("; Secure");
    }
    c
}

/// Turns an error response into JSON or a page in the user's language.
fn finish(ctx: &ReqCtx, resp: Response) -> Response {
    let status = resp.status();
    let body = match resp.extensions().get::<ErrorBody>() {
        Some(b) => b.clone(),
        None if status.as_u16() >= 400 && resp.extensions().get::<Rendered>().is_none() => {
            ErrorBody::for_status(status)
        }
        None => return resp,
    };
    let tr = ctx.tr();
    let message = match &body.refusal {
        Some(r) => r.message(&tr),
        None => tr.t_args(body.message_id, &body.args),
    };
    if ctx.is_api {
        let kept = resp.headers().clone();
        let mut r = (
            body.status,
            axum::Json(serde_json::json!({
                "code": body.code, "message": message, "field": body.field,
            })),
        )
            .into_response();
        // Keep protocol headers the handler set (e.g. Tus-Resumable).
        for (name, value) in kept.iter() {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                r.headers_mut().insert(name.clone(), value.clone());
            }
        }
        if body.status == StatusCode::UNAUTHORIZED {
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        return r;
    }
    if body.status == StatusCode::UNAUTHORIZED {
        // The same rule as the login form applies to where it returns.
        let next = super::pages::safe_back(Some(&ctx.path));
        return Redirect::to(&format!("/login?next={}", urlencode(&next))).into_response();
    }
    let page = super::pages::error_page(ctx, body.status, &message);
    let retry_after = resp.headers().get(header::RETRY_AFTER).cloned();
    let mut r = (body.status, Html(page)).into_response();
    if let Some(v) = retry_after {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r.extensions_mut().insert(Rendered);
    r
}

pub fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

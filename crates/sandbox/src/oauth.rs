//! The platforms' OAuth stand-ins, on the real paths: consent pages (a small
//! HTML page clearly marked as a sandbox, whose "Allow" link goes back to
//! `redirect_uri?code=…&state=…`; `auto=1` redirects at once, `auto=deny`
//! refuses), token endpoints, and the account listings a token gives.
//!
//! Codes are single-use. TikTok and Zalo refresh tokens rotate (the old one is
//! refused with the platform's error); Google's do not rotate, as on Google.
//! Access tokens have the format the publishing mocks check (`ya29.`, `EAA…`,
//! `act.`, Zalo's ≥ 6 characters) and the lifetime set with `POST
//! /__admin/oauth {"access_ttl_s": N}` (the platforms' usual lifetimes
//! otherwise). The account listings refuse an issued token once it expired
//! or was revoked (`{"revoke_all": true}` also kills every refresh token);
//! a well-formed token the mock did not issue is accepted as the sandbox user,
//! as the publishing mocks do.
//!
//! Zalo's OAuth error codes (-140xx) and field names are assumptions from
//! third-party clients; Google's and TikTok's error bodies follow RFC 6749
//! (`error`, `error_description`, TikTok adds `log_id`), Facebook's are Graph
//! error objects (code 100 with subcodes 36007–36009 for bad codes).

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{Fault, Shared, esc, facebook, tiktok, youtube, zalo};
use crate::Platform;

/// The S256 code challenge of a PKCE verifier (RFC 7636, section 4.2):
/// base64url, unpadded, of the verifier's SHA-256.
fn challenge_of(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The sandbox Pages every Facebook user of the mock manages.
pub const SANDBOX_PAGES: [(&str, &str); 2] = [
    ("104857600", "Báo Tỉnh — Sandbox"),
    ("104857601", "Báo Tỉnh Video — Sandbox"),
];

#[derive(Clone)]
struct Grant {
    platform: Platform,
    client_id: String,
    redirect_uri: String,
    challenge: Option<String>,
    scope: String,
}

struct Issued {
    client_id: String,
    /// The scopes granted with it (space or comma separated, as the
    /// platform writes them).
    scope: String,
    expires: Instant,
}

#[derive(Default)]
struct State_ {
    codes: HashMap<String, Grant>,
    /// Codes already exchanged (Facebook says so distinctly).
    used: HashSet<String>,
    refresh: HashMap<String, Grant>,
    access: HashMap<String, Issued>,
    revoked: HashSet<String>,
    /// Tokens this mock did not issue (tests' fixed ones) that a
    /// `token_expired` fault killed: they stay dead, as a real one would.
    expired: HashSet<String>,
    access_ttl_s: Option<u64>,
}

#[derive(Default)]
pub struct OAuthMock {
    state: Mutex<State_>,
}

/// Why an issued token is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dead {
    Expired,
    Revoked,
}

impl OAuthMock {
    fn lock(&self) -> std::sync::MutexGuard<'_, State_> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The lifetime of a new access token: the configured one, else `usual`.
    fn ttl(&self, usual: u64) -> u64 {
        self.lock().access_ttl_s.unwrap_or(usual)
    }

    /// Issues `token` to `client_id` with the `scope` granted, for `ttl_s`
    /// seconds, as a code exchange would (also for tests that need an
    /// issued token).
    pub fn issue_access(&self, token: &str, client_id: &str, scope: &str, ttl_s: u64) {
        self.lock().access.insert(
            token.to_string(),
            Issued {
                client_id: client_id.to_string(),
                scope: scope.to_string(),
                expires: Instant::now() + Duration::from_secs(ttl_s),
            },
        );
    }

    /// Ends an access token's life now (the `token_expired` fault): every
    /// later call with it is refused as expired, as on the platform.
    pub fn expire(&self, token: &str) {
        if token.is_empty() {
            return;
        }
        let mut s = self.lock();
        match s.access.get_mut(token) {
            Some(i) => i.expires = Instant::now(),
            None => {
                s.expired.insert(token.to_string());
            }
        }
    }

    /// The scopes an access token issued here was granted (`None`: not
    /// issued here).
    pub fn scopes_of(&self, token: &str) -> Option<String> {
        self.lock().access.get(token).map(|i| i.scope.clone())
    }

    /// Whether an access token is dead (expired or revoked); a token this
    /// mock did not issue lives unless a fault killed it.
    pub fn dead(&self, token: &str) -> Option<Dead> {
        self.check(token).err()
    }

    /// The scopes granted with an access token this mock issued (`None`: not
    /// issued here, or issued without a scope), space-separated.
    pub fn granted_scope(&self, token: &str) -> Option<String> {
        self.scopes_of(token).filter(|s| !s.is_empty())
    }

    /// Checks an access token the mock may have issued: the client it was
    /// issued to (`None`: not issued here).
    pub(crate) fn check(&self, token: &str) -> Result<Option<String>, Dead> {
        let s = self.lock();
        if s.revoked.contains(token) {
            return Err(Dead::Revoked);
        }
        if s.expired.contains(token) {
            return Err(Dead::Expired);
        }
        match s.access.get(token) {
            Some(i) if Instant::now() >= i.expires => Err(Dead::Expired),
            Some(i) => Ok(Some(i.client_id.clone())),
            None => Ok(None),
        }
    }
}

fn random(n: usize) -> String {
    let mut s = URL_SAFE_NO_PAD.encode(crate::random_bytes::<48>());
    s.truncate(n);
    s
}

/// A stable identifier for the sandbox user of an app on a platform.
fn subject(p: Platform, client_id: &str) -> [u8; 32] {
    Sha256::digest(format!("{}:{client_id}", p.as_str()).as_bytes()).into()
}

fn digits(b: &[u8], n: usize) -> String {
    b.iter()
        .take(n)
        .map(|x| char::from(b'0' + x % 10))
        .collect()
}

pub(crate) fn google_channel(client_id: &str) -> String {
    let mut s = URL_SAFE_NO_PAD.encode(subject(Platform::YouTube, client_id));
    s.truncate(22);
    format!("UC{s}")
}

fn tiktok_open_id(client_id: &str) -> String {
    format!(
        "-000{}",
        &hex::encode(subject(Platform::TikTok, client_id))[..32]
    )
}

fn zalo_oa_id(client_id: &str) -> String {
    format!("1{}", digits(&subject(Platform::Zalo, client_id), 18))
}

fn form(body: &[u8]) -> HashMap<String, String> {
    form_urlencoded::parse(body).into_owned().collect()
}

fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let q = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    let sep = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{sep}{q}")
}

// ---------------------------------------------------------------- Google

fn google_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        axum::Json(serde_json::json!({"error": error, "error_description": description})),
    )
        .into_response()
}

fn google_fault(f: Fault) -> Response {
    match f {
        Fault::ServerError => google_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            "Backend Error",
        ),
        Fault::RateLimited | Fault::Quota => google_error(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limit_exceeded",
            "Rate Limit Exceeded",
        ),
        _ => google_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "Token has been expired or revoked.",
        ),
    }
}

async fn google_token(State(m): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(f) = m.fault(&headers, |f| !f.needs_bytes()) {
        return google_fault(f);
    }
    let f = form(&body);
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    if get("client_id").is_empty() || get("client_secret").is_empty() {
        return google_error(StatusCode::UNAUTHORIZED, "invalid_client", "Unauthorized");
    }
    let redeemed = match redeem(&m, Platform::YouTube, &f, "client_id", false) {
        Ok(r) => r,
        Err(refusal) => {
            let (status, error, description) = match refusal {
                Refusal::Code => (StatusCode::BAD_REQUEST, "invalid_grant", "Bad Request"),
                Refusal::Client => (StatusCode::UNAUTHORIZED, "invalid_client", "Unauthorized"),
                Refusal::Redirect => (
                    StatusCode::BAD_REQUEST,
                    "redirect_uri_mismatch",
                    "Bad Request",
                ),
                Refusal::Verifier => (
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Invalid code verifier.",
                ),
                Refusal::Refresh => (
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Token has been expired or revoked.",
                ),
                Refusal::GrantType => (
                    StatusCode::BAD_REQUEST,
                    "unsupported_grant_type",
                    "Invalid grant_type: ",
                ),
            };
            return google_error(status, error, description);
        }
    };
    let ttl = m.oauth.ttl(3599);
    let access = format!("ya29.a0{}", random(60));
    let granted = match &redeemed {
        Redeemed::Code(g) | Redeemed::Refresh(g) => g.scope.clone(),
    };
    m.oauth
        .issue_access(&access, get("client_id"), &granted, ttl);
    let mut out = serde_json::json!({"access_token": access, "expires_in": ttl,
        "token_type": "Bearer"});
    match redeemed {
        // The first grant carries the refresh token (access_type=offline);
        // Google keeps it on refresh and does not send it again.
        Redeemed::Code(g) => {
            let refresh = format!("1//0{}", random(60));
            out["scope"] = g.scope.clone().into();
            out["refresh_token"] = refresh.clone().into();
            m.oauth.lock().refresh.insert(refresh, g);
        }
        Redeemed::Refresh(g) => out["scope"] = g.scope.into(),
    }
    axum::Json(out).into_response()
}

fn bearer(h: &HeaderMap) -> &str {
    h.get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("")
}

async fn youtube_channels(
    State(m): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let t = bearer(&headers);
    let unauthorized = || {
        youtube::error(
            StatusCode::UNAUTHORIZED,
            "authError",
            "Request had invalid authentication credentials. Expected OAuth 2 access token.",
        )
    };
    if !(t.starts_with("ya29.") && t.len() > 8) {
        return unauthorized();
    }
    let client = match m.oauth.check(t) {
        Err(_) => return unauthorized(),
        Ok(c) => c.unwrap_or_else(|| "sandbox".into()),
    };
    if let Some(r) = m
        .fault(&headers, |f| !f.needs_bytes())
        .and_then(youtube::fault_response)
    {
        return r;
    }
    if q.get("mine").map(String::as_str) != Some("true") {
        return youtube::error(
            StatusCode::BAD_REQUEST,
            "missingRequiredParameter",
            "No filter selected. Expected one of: mine, id, forHandle, forUsername, managedByMe.",
        );
    }
    axum::Json(serde_json::json!({
        "kind": "youtube#channelListResponse",
        "pageInfo": {"totalResults": 1, "resultsPerPage": 5},
        "items": [{"kind": "youtube#channel", "id": google_channel(&client),
            "snippet": {"title": "Báo Tỉnh — Sandbox",
                        "description": "Kênh giả lập / sandbox channel"}}],
    }))
    .into_response()
}

// ---------------------------------------------------------------- Facebook

fn facebook_code_error(message: &str, subcode: i64) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(serde_json::json!({"error": {"message": message,
            "type": "OAuthException", "code": 100, "error_subcode": subcode,
            "fbtrace_id": hex::encode(crate::random_bytes::<6>())}})),
    )
        .into_response()
}

/// Issues a Facebook user token to `client`, living `usual_ttl_s` unless the
/// admin set another lifetime.
fn facebook_token(m: &Shared, client: &str, usual_ttl_s: u64) -> Response {
    let ttl = m.oauth.ttl(usual_ttl_s);
    let token = format!("EAA{}", random(100));
    m.oauth.issue_access(&token, client, "", ttl);
    axum::Json(
        serde_json::json!({"access_token": token, "token_type": "bearer",
        "expires_in": ttl}),
    )
    .into_response()
}

async fn facebook_access_token(
    State(m): State<Shared>,
    Path(_version): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = m
        .fault(&headers, |f| !f.needs_bytes())
        .and_then(facebook::fault_response)
    {
        return r;
    }
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    if get("client_id").is_empty() {
        return facebook::error(
            StatusCode::BAD_REQUEST,
            101,
            "Error validating application. Invalid application ID.",
            false,
        );
    }
    if get("client_secret").is_empty() {
        return facebook::error(
            StatusCode::BAD_REQUEST,
            1,
            "Error validating client secret.",
            false,
        );
    }
    if get("grant_type") == "fb_exchange_token" {
        let short = get("fb_exchange_token");
        return match m.oauth.check(short) {
            Ok(Some(client)) if client == get("client_id") => {
                facebook_token(&m, &client, 5_183_944)
            }
            _ => facebook::error(
                StatusCode::BAD_REQUEST,
                190,
                "Error validating access token: The session has been invalidated.",
                false,
            ),
        };
    }
    let code = get("code");
    let Some(g) = take_code(&m, Platform::Facebook, code) else {
        if m.oauth.lock().used.contains(code) {
            return facebook_code_error("This authorization code has been used.", 36009);
        }
        return facebook_code_error("Invalid verification code format.", 36007);
    };
    if g.client_id != get("client_id") || g.redirect_uri != get("redirect_uri") {
        return facebook_code_error(
            "Error validating verification code. Please make sure your redirect_uri is \
             identical to the one you used in the OAuth dialog request",
            36008,
        );
    }
    facebook_token(&m, &g.client_id, 5_400)
}

async fn facebook_accounts(
    State(m): State<Shared>,
    Path(_version): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let t = q.get("access_token").map(String::as_str);
    if !facebook::valid(t) {
        return facebook::bad_token();
    }
    if let Err(d) = m.oauth.check(t.unwrap_or("")) {
        return facebook::error(
            StatusCode::BAD_REQUEST,
            190,
            match d {
                Dead::Expired => "Error validating access token: Session has expired.",
                Dead::Revoked => {
                    "Error validating access token: The user has not authorized application."
                }
            },
            false,
        );
    }
    if let Some(r) = m
        .fault(&headers, |f| !f.needs_bytes())
        .and_then(facebook::fault_response)
    {
        return facebook::with_usage(r);
    }
    let data: Vec<serde_json::Value> = SANDBOX_PAGES
        .iter()
        .map(|(id, name)| {
            serde_json::json!({"id": id, "name": name,
                "access_token": format!("EAA{}", random(100)),
                "category": "Media/news company",
                "tasks": ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"]})
        })
        .collect();
    facebook::with_usage(
        axum::Json(serde_json::json!({"data": data,
            "paging": {"cursors": {"before": "QVFIU0", "after": "QVFIU1"}}}))
        .into_response(),
    )
}

// ---------------------------------------------------------------- TikTok

fn tiktok_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        axum::Json(
            serde_json::json!({"error": error, "error_description": description,
            "log_id": hex::encode(crate::random_bytes::<10>()).to_uppercase()}),
        ),
    )
        .into_response()
}

async fn tiktok_token(State(m): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    match m.fault(&headers, |f| !f.needs_bytes()) {
        Some(Fault::ServerError) => {
            return tiktok_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "Something went wrong. Please try again later.",
            );
        }
        Some(Fault::RateLimited | Fault::Quota) => {
            return tiktok_error(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limit_exceeded",
                "API rate limit was exceeded.",
            );
        }
        Some(_) => {
            return tiktok_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "Refresh token is invalid or expired.",
            );
        }
        None => {}
    }
    let f = form(&body);
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    if get("client_key").is_empty() || get("client_secret").is_empty() {
        return tiktok_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client key or secret is invalid.",
        );
    }
    // Rotating: a refresh token dies when used.
    let grant = match redeem(&m, Platform::TikTok, &f, "client_key", true) {
        Ok(Redeemed::Code(g) | Redeemed::Refresh(g)) => g,
        Err(refusal) => {
            let (error, description) = match refusal {
                Refusal::Code => ("invalid_grant", "Authorization code is expired."),
                Refusal::Client | Refusal::Redirect => (
                    "invalid_grant",
                    "The redirect_uri or client_key does not match the authorization request.",
                ),
                Refusal::Verifier => (
                    "invalid_grant",
                    "Code verifier does not match the code challenge.",
                ),
                Refusal::Refresh => ("invalid_grant", "Refresh token is invalid or expired."),
                Refusal::GrantType => ("invalid_request", "The request parameters are malformed."),
            };
            return tiktok_error(StatusCode::BAD_REQUEST, error, description);
        }
    };
    let ttl = m.oauth.ttl(86_400);
    let access = format!("act.{}", random(60));
    let refresh = format!("rft.{}", random(60));
    m.oauth
        .issue_access(&access, &grant.client_id, &grant.scope, ttl);
    let out = serde_json::json!({"access_token": access, "expires_in": ttl,
        "open_id": tiktok_open_id(&grant.client_id), "refresh_expires_in": 31_536_000,
        "refresh_token": refresh, "scope": grant.scope, "token_type": "Bearer"});
    m.oauth.lock().refresh.insert(refresh, grant);
    axum::Json(out).into_response()
}

async fn tiktok_user_info(
    State(m): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let Some(t) = tiktok::token_of(&headers) else {
        return tiktok::no_token();
    };
    let client = match m.oauth.check(&t) {
        Err(_) => return tiktok::no_token(),
        Ok(c) => c.unwrap_or_else(|| "sandbox".into()),
    };
    if let Some(r) = m
        .fault(&headers, |f| !f.needs_bytes())
        .and_then(tiktok::fault_response)
    {
        return r;
    }
    let all = serde_json::json!({"open_id": tiktok_open_id(&client),
        "union_id": format!("u{}", &tiktok_open_id(&client)[4..]),
        "display_name": "Báo Tỉnh — Sandbox", "avatar_url": ""});
    let fields = q.get("fields").map(String::as_str).unwrap_or("");
    if fields.is_empty() {
        return tiktok::fail(
            StatusCode::BAD_REQUEST,
            "invalid_params",
            "fields is required",
        );
    }
    let mut user = serde_json::Map::new();
    for f in fields.split(',').map(str::trim) {
        if let Some(v) = all.get(f) {
            user.insert(f.to_string(), v.clone());
        }
    }
    tiktok::ok(serde_json::json!({"user": user}))
}

// ---------------------------------------------------------------- Zalo

/// A Zalo OAuth error (always HTTP 200). Codes and names assumed.
fn zalo_error(code: i64, name: &str, reason: &str) -> Response {
    axum::Json(serde_json::json!({"error": code, "error_name": name,
        "error_reason": reason, "error_description": reason,
        "ref_doc": "https://developers.zalo.me/docs/official-account/bat-dau/xac-thuc-va-uy-quyen-cho-ung-dung-new"}))
    .into_response()
}

async fn zalo_token(State(m): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    match m.fault(&headers, |f| !f.needs_bytes()) {
        Some(Fault::ServerError) => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
        Some(Fault::RateLimited | Fault::Quota) => {
            return zalo_error(-32, "Rate limit", "Exceeded the limit of requests");
        }
        Some(_) => {
            return zalo_error(-14014, "Invalid refresh token", "Refresh token is expired");
        }
        None => {}
    }
    let secret = headers
        .get("secret_key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if secret.is_empty() {
        return zalo_error(
            -14004,
            "Invalid secret key",
            "The secret_key header is missing",
        );
    }
    let f = form(&body);
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    if get("app_id").is_empty() {
        return zalo_error(-14002, "Invalid app id", "app_id is missing");
    }
    let grant = match get("grant_type") {
        "authorization_code" => {
            let Some(g) = take_code(&m, Platform::Zalo, get("code")) else {
                return zalo_error(
                    -14005,
                    "Invalid authorization code",
                    "The authorization code is invalid or was used",
                );
            };
            if g.client_id != get("app_id") {
                return zalo_error(-14002, "Invalid app id", "The code belongs to another app");
            }
            let verifier = get("code_verifier");
            if verifier.is_empty()
                || g.challenge.as_deref() != Some(challenge_of(verifier).as_str())
            {
                return zalo_error(
                    -14019,
                    "Invalid code verifier",
                    "code_verifier does not match code_challenge",
                );
            }
            g
        }
        "refresh_token" => {
            // Single use: the old refresh token dies now.
            let g = m.oauth.lock().refresh.remove(get("refresh_token"));
            match g {
                Some(g) if g.platform == Platform::Zalo && g.client_id == get("app_id") => g,
                _ => {
                    return zalo_error(
                        -14014,
                        "Invalid refresh token",
                        "The refresh token is invalid, expired or was used",
                    );
                }
            }
        }
        _ => return zalo_error(-14003, "Invalid parameter", "grant_type is invalid"),
    };
    let ttl = m.oauth.ttl(90_000);
    let access = random(64);
    let refresh = random(64);
    m.oauth
        .issue_access(&access, &grant.client_id, &grant.scope, ttl);
    m.oauth.lock().refresh.insert(refresh.clone(), grant);
    // Some clients report `expires_in` as a string: the mock sends one.
    axum::Json(
        serde_json::json!({"access_token": access, "refresh_token": refresh,
        "expires_in": ttl.to_string()}),
    )
    .into_response()
}

async fn zalo_getoa(State(m): State<Shared>, headers: HeaderMap) -> Response {
    if let Some(r) = zalo::gate(&m, &headers) {
        return r;
    }
    let t = headers
        .get("access_token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let client = match m.oauth.check(t) {
        Err(_) => {
            return zalo::reply(-216, "Access token is invalid", serde_json::json!({}));
        }
        Ok(c) => c.unwrap_or_else(|| "sandbox".into()),
    };
    zalo::ok(serde_json::json!({"oa_id": zalo_oa_id(&client),
        "name": "Báo Tỉnh — Sandbox", "description": "OA giả lập / sandbox OA",
        "avatar": "", "cover": "", "is_verified": true}))
}

// ---------------------------------------------------------------- admin

#[derive(Deserialize)]
pub struct Admin {
    #[serde(default)]
    revoke_all: bool,
    access_ttl_s: Option<u64>,
}

/// `POST /__admin/oauth`: `{"revoke_all": true}` kills every refresh token,
/// pending code and issued access token; `{"access_ttl_s": N}` sets the
/// lifetime of access tokens issued from now on.
pub async fn admin(State(m): State<Shared>, axum::Json(a): axum::Json<Admin>) -> Response {
    let mut s = m.oauth.lock();
    if let Some(ttl) = a.access_ttl_s {
        s.access_ttl_s = Some(ttl);
    }
    if a.revoke_all {
        s.refresh.clear();
        s.codes.clear();
        let issued: Vec<String> = s.access.drain().map(|(k, _)| k).collect();
        s.revoked.extend(issued);
    }
    StatusCode::NO_CONTENT.into_response()
}

pub fn routes() -> Router<Shared> {
    Router::new()
        // Google
        .route(
            "/o/oauth2/auth",
            get(|s, q| consent(Platform::YouTube, s, q)),
        )
        .route("/token", post(google_token))
        .route("/youtube/v3/channels", get(youtube_channels))
        // Facebook (static segments win over the Graph routes' parameters)
        .route(
            "/{version}/dialog/oauth",
            get(|s, _: Path<String>, q| consent(Platform::Facebook, s, q)),
        )
        .route("/{version}/oauth/access_token", get(facebook_access_token))
        .route("/{version}/me/accounts", get(facebook_accounts))
        // TikTok
        .route(
            "/v2/auth/authorize/",
            get(|s, q| consent(Platform::TikTok, s, q)),
        )
        .route("/v2/oauth/token/", post(tiktok_token))
        .route("/v2/user/info/", get(tiktok_user_info))
        // Zalo
        .route(
            "/v4/oa/permission",
            get(|s, q| consent(Platform::Zalo, s, q)),
        )
        .route("/v4/oa/access_token", post(zalo_token))
        .route("/v2.0/oa/getoa", get(zalo_getoa))
}

mod consent;
use consent::*;

#[cfg(test)]
mod tests;

//! `lantoa mock-platforms`: local stand-ins for the platforms' APIs, for tests
//! and the demo's sandbox. They answer on the same paths with the same
//! headers, status codes and error bodies as the platforms' own documentation
//! describes (each module names its sources), keep a record of everything they
//! received (with the SHA-256 of each uploaded video), and inject faults on
//! demand: per request with the `X-Mock-Fault` header, or for the next
//! requests with `POST /__admin/faults`.
//!
//! Never part of what users run against real platforms: only this subcommand
//! and the tests start it. Platforms: YouTube, Facebook Page Reels, TikTok, Zalo OA.
//!
//! Also: each platform's OAuth consent and token endpoints (`oauth`), a
//! processing delay every platform's asynchronous processing obeys
//! (`processing_ms`), and a sandbox page at `/` listing what was received.
//!
//! Counters (YouTube statistics and Analytics, Facebook insights, TikTok's
//! video query, Zalo's listing) come from [`synthetic`], by the post's age
//! since processing ended, or the age set with `post_age_s` (tests and demos
//! that want figures of a day-old post now; negative: the real age again).
//!
//! Admin endpoints: `POST /__admin/faults {"fault", "count"}`, `GET
//! /__admin/records`, `GET|POST /__admin/config {"processing_ms", "unlimited",
//! "post_age_s", "facebook_insights_disabled": [metric…],
//! "youtube_analytics_denied", "tiktok_upload_url_ttl_ms", "tiktok_unaudited",
//! "tiktok_creators": {token: {"privacy_level_options", "max_video_post_duration_sec",
//! "creator_nickname", "creator_username"}}, "youtube_unaudited",
//! "youtube_session_ttl_s", "youtube_daily_uploads", "youtube_asr_captions"}`, `POST
//! /__admin/oauth {"revoke_all", "access_ttl_s"}`, `POST /__admin/stt {"segments", "fail",
//! "api_key"}`.
//!
//! Besides the platforms: a speech-to-text server (`stt`) on OpenAI's
//! `POST /v1/audio/transcriptions`, answering from a script.

pub mod facebook;
pub mod oauth;
pub mod sandbox;
pub mod stt;
pub mod synthetic;
pub mod tiktok;
pub mod youtube;
pub mod zalo;

/// The platforms the sandbox stands in for. Its own list: the sandbox follows
/// the platforms' documentation, never Lantoa's connectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Platform {
    Facebook,
    YouTube,
    TikTok,
    Zalo,
}

impl Platform {
    pub const ALL: [Platform; 4] = [
        Platform::Facebook,
        Platform::YouTube,
        Platform::TikTok,
        Platform::Zalo,
    ];

    /// The name in records and on the sandbox page.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Facebook => "facebook",
            Platform::YouTube => "youtube",
            Platform::TikTok => "tiktok",
            Platform::Zalo => "zalo",
        }
    }

    /// The name people know it by.
    pub fn label(self) -> &'static str {
        match self {
            Platform::Facebook => "Facebook",
            Platform::YouTube => "YouTube",
            Platform::TikTok => "TikTok",
            Platform::Zalo => "Zalo OA",
        }
    }
}

/// `N` random bytes (ids, tokens).
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("the operating system's random source failed");
    b
}

/// A time for the sandbox page, in Vietnam's time (UTC+7), day first.
pub(crate) fn format_local(ms: i64) -> String {
    let Ok(ts) = jiff::Timestamp::from_millisecond(ms) else {
        return String::new();
    };
    let zone = jiff::tz::TimeZone::get("Asia/Ho_Chi_Minh").unwrap_or(jiff::tz::TimeZone::UTC);
    ts.to_zoned_datetime(zone)
        .strftime("%d/%m/%Y %H:%M")
        .to_string()
}

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

pub use synthetic::{Synthetic, synthetic, synthetic_for};

/// A fault to inject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// 503 with the platform's error body.
    ServerError,
    /// 429 (or the platform's rate-limit form) with `Retry-After`.
    RateLimited,
    /// The token is refused as expired.
    TokenExpired,
    /// The connection drops after half of the request's bytes are stored.
    DropMidUpload,
    /// The daily quota is used up.
    Quota,
    /// The platform rejects the video as a duplicate.
    Duplicate,
}

impl Fault {
    pub fn parse(s: &str) -> Option<Fault> {
        serde_json::from_value(serde_json::Value::String(s.trim().to_string())).ok()
    }
}

/// What a mock received: one row per created object.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Record {
    pub platform: String,
    /// The platform's id of what was created (video id, post id…).
    pub id: String,
    pub title: String,
    pub bytes: u64,
    /// SHA-256 of the exact bytes received.
    pub sha256: String,
    pub deleted: bool,
    /// When the mock received it (Unix milliseconds).
    #[serde(default)]
    pub received_at_ms: i64,
    /// The post's text as received: YouTube's description, the reel's
    /// description, TikTok's caption, the Zalo article's description.
    #[serde(default)]
    pub text: String,
    /// YouTube's keyword tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Every field the platform received for the post, as it received them
    /// (YouTube's `snippet` and `status`, the reel's finish parameters,
    /// TikTok's `post_info`, the Zalo article's body), plus the upload's
    /// `content_type`: so a test checks what a platform got, not only its
    /// title.
    #[serde(default)]
    pub fields: serde_json::Map<String, serde_json::Value>,
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

#[derive(Default)]
pub struct Mocks {
    pub faults: Mutex<VecDeque<Fault>>,
    pub records: Mutex<Vec<Record>>,
    /// How long each platform's asynchronous processing takes (YouTube
    /// `uploaded` → `processed`, Facebook's processing phase, TikTok
    /// `PROCESSING_UPLOAD` → `PUBLISH_COMPLETE`, Zalo's conversion and article
    /// creation), in milliseconds. 0 by default.
    pub processing_ms: AtomicU64,
    /// Whether the platforms' posting limits are lifted (TikTok's inits per
    /// minute, Facebook's reels per day): for load tests and benchmarks that
    /// post far more than one account may. Off by default.
    pub unlimited: AtomicBool,
    /// When set: every post's counters are those of a post this many
    /// seconds old, whatever its real age.
    pub post_age_s: Mutex<Option<u64>>,
    pub oauth: oauth::OAuthMock,
    pub youtube: youtube::YouTubeMock,
    pub facebook: facebook::FacebookMock,
    pub tiktok: tiktok::TikTokMock,
    pub zalo: zalo::ZaloMock,
    pub stt: stt::SttMock,
}

pub type Shared = Arc<Mocks>;

impl Mocks {
    /// Forgets the rate windows (a new minute, a new day): tests move their
    /// clock, the mocks count in real time.
    pub fn reset_limits(&self) {
        self.tiktok.reset_limits();
        self.facebook.reset_limits();
    }

    /// A mock whose processing takes `ms` milliseconds.
    pub fn with_processing_ms(ms: u64) -> Mocks {
        let m = Mocks::default();
        m.set_processing_ms(ms);
        m
    }

    pub fn set_processing_ms(&self, ms: u64) {
        self.processing_ms.store(ms, Ordering::Relaxed);
    }

    /// Lifts (or restores) the platforms' posting limits.
    pub fn set_unlimited(&self, on: bool) {
        self.unlimited.store(on, Ordering::Relaxed);
    }

    /// Counters are those of posts `age_s` seconds old (`None`: their real age).
    pub fn set_post_age_s(&self, age_s: Option<u64>) {
        if let Ok(mut a) = self.post_age_s.lock() {
            *a = age_s;
        }
    }

    /// The age a post whose processing ended at `ready` shows counters for.
    pub(crate) fn age_s(&self, ready: Instant) -> u64 {
        match self.post_age_s.lock().ok().and_then(|a| *a) {
            Some(fixed) => fixed,
            None => Instant::now().saturating_duration_since(ready).as_secs(),
        }
    }

    pub(crate) fn limited(&self) -> bool {
        !self.unlimited.load(Ordering::Relaxed)
    }

    /// Counts one more request in a sliding `window` (`times`: the earlier
    /// ones, oldest first; those older than the window are forgotten), unless
    /// the limits are on and `max` already fall inside it: then false, and
    /// nothing is counted.
    pub(crate) fn take_slot(
        &self,
        times: &mut VecDeque<Instant>,
        window: Duration,
        max: usize,
    ) -> bool {
        let now = Instant::now();
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) > window)
        {
            times.pop_front();
        }
        if self.limited() && times.len() >= max {
            return false;
        }
        times.push_back(now);
        true
    }

    /// When something whose processing starts now will be ready.
    pub(crate) fn ready_at(&self) -> Instant {
        Instant::now() + Duration::from_millis(self.processing_ms.load(Ordering::Relaxed))
    }

    /// Records something received, stamped with the time.
    pub(crate) fn record(&self, mut r: Record) {
        r.received_at_ms = now_ms();
        if let Ok(mut records) = self.records.lock() {
            records.push(r);
        }
    }

    /// The fault the request asks for (`X-Mock-Fault`), or the next armed one
    /// if `applies` to this request; an armed fault it cannot show (a dropped
    /// upload on a request without bytes) stays armed for a later request.
    pub fn fault(
        &self,
        headers: &axum::http::HeaderMap,
        applies: impl Fn(Fault) -> bool,
    ) -> Option<Fault> {
        let asked = headers
            .get("x-mock-fault")
            .and_then(|v| v.to_str().ok())
            .and_then(Fault::parse);
        let f = match asked {
            Some(f) => Some(f),
            None => {
                let mut q = self.faults.lock().ok()?;
                match q.front() {
                    Some(f) if applies(*f) => q.pop_front(),
                    _ => None,
                }
            }
        };
        // An expired token stays expired: every later call with it is
        // refused too, until the client refreshes and uses the new one.
        if f == Some(Fault::TokenExpired) {
            self.oauth.expire(bearer_of(headers));
        }
        f
    }
}

/// The access token a request carries in a header: `Authorization: Bearer`
/// (Google, TikTok), `Authorization: OAuth` (Facebook's SDKs) or Zalo's
/// `access_token` header; empty when none.
pub(crate) fn bearer_of(h: &axum::http::HeaderMap) -> &str {
    let auth = h
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    auth.strip_prefix("Bearer ")
        .or_else(|| auth.strip_prefix("OAuth "))
        .or_else(|| h.get("access_token").and_then(|v| v.to_str().ok()))
        .unwrap_or("")
        .trim()
}

/// Refuses a call made with a dead token (expired or revoked) the way the
/// platform refuses one: the request goes on marked with the
/// `token_expired` fault, so each platform's handler answers in its own
/// error format. Tokens in a header or in an `access_token` query parameter
/// are seen; the token endpoints (which take refresh tokens in their
/// bodies) are left alone.
async fn dead_tokens(
    State(m): State<Shared>,
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let query_token = req.uri().query().and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "access_token")
            .map(|(_, v)| v.into_owned())
    });
    let token = match &query_token {
        Some(t) => t.as_str(),
        None => bearer_of(req.headers()),
    };
    if !token.is_empty() && m.oauth.dead(token).is_some() {
        req.headers_mut().insert(
            "x-mock-fault",
            axum::http::HeaderValue::from_static("token_expired"),
        );
    }
    next.run(req).await
}

impl Fault {
    /// Faults only a request carrying video bytes (or finishing a post) can show.
    pub fn needs_bytes(self) -> bool {
        matches!(self, Fault::DropMidUpload | Fault::Duplicate)
    }
}

/// A response whose body breaks off: the client sees the connection drop.
pub(crate) fn dropped() -> axum::response::Response {
    let stream = futures_util::stream::once(async {
        Err::<axum::body::Bytes, std::io::Error>(std::io::Error::other(
            "connection dropped (mock fault)",
        ))
    });
    axum::response::Response::new(axum::body::Body::from_stream(stream))
}

/// Reads a request body, stopping after `limit` bytes when one is given (the
/// rest of the request is never read, as when a connection drops).
pub(crate) async fn read_body(
    body: axum::body::Body,
    limit: Option<u64>,
) -> (Vec<axum::body::Bytes>, u64) {
    use futures_util::StreamExt;
    let mut stream = body.into_data_stream();
    let mut parts = Vec::new();
    let mut got = 0u64;
    while let Some(Ok(c)) = stream.next().await {
        match limit {
            Some(l) if got + c.len() as u64 >= l => {
                parts.push(c.slice(..(l - got) as usize));
                got = l;
                break;
            }
            _ => {
                got += c.len() as u64;
                parts.push(c);
            }
        }
    }
    (parts, got)
}

#[derive(Deserialize)]
struct ArmFaults {
    fault: Fault,
    #[serde(default = "one")]
    count: usize,
}

fn one() -> usize {
    1
}

async fn arm(State(m): State<Shared>, axum::Json(a): axum::Json<ArmFaults>) -> impl IntoResponse {
    if let Ok(mut q) = m.faults.lock() {
        for _ in 0..a.count.min(1000) {
            q.push_back(a.fault);
        }
    }
    axum::http::StatusCode::NO_CONTENT
}

async fn records(State(m): State<Shared>) -> impl IntoResponse {
    let r = m.records.lock().map(|r| r.clone()).unwrap_or_default();
    axum::Json(r)
}

#[derive(Deserialize)]
struct Config {
    processing_ms: Option<u64>,
    unlimited: Option<bool>,
    /// Seconds; a negative number goes back to the posts' real age.
    post_age_s: Option<i64>,
    /// Facebook insights metrics refused as invalid (a deprecation); replaces
    /// the previous list.
    facebook_insights_disabled: Option<Vec<String>>,
    /// YouTube Analytics refuses every token (the scope was not granted).
    youtube_analytics_denied: Option<bool>,
    /// TikTok upload URLs issued from now on live this long (0: the
    /// documented hour again).
    tiktok_upload_url_ttl_ms: Option<u64>,
    /// The TikTok API client is unaudited: SELF_ONLY only.
    tiktok_unaudited: Option<bool>,
    /// What TikTok's `creator_info` says, by access token.
    tiktok_creators: Option<std::collections::HashMap<String, tiktok::Creator>>,
    /// YouTube makes every upload private (an unaudited API project).
    youtube_unaudited: Option<bool>,
    /// YouTube upload sessions' lifetime in seconds (fractions allowed); a
    /// negative number goes back to the default week.
    youtube_session_ttl_s: Option<f64>,
    /// The YouTube channel's uploads per 24 hours; a negative number lifts
    /// the cap.
    youtube_daily_uploads: Option<i64>,
    /// `captions.list` also shows YouTube's automatic (ASR) track of a
    /// processed video.
    youtube_asr_captions: Option<bool>,
}

async fn config_get(State(m): State<Shared>) -> impl IntoResponse {
    axum::Json(serde_json::json!({
        "processing_ms": m.processing_ms.load(Ordering::Relaxed),
        "unlimited": m.unlimited.load(Ordering::Relaxed),
        "post_age_s": m.post_age_s.lock().ok().and_then(|a| *a),
        "facebook_insights_disabled": m.facebook.disabled_insights(),
        "youtube_analytics_denied": m.youtube.analytics_denied(),
        "tiktok_upload_url_ttl_ms": m.tiktok.upload_url_ttl().as_millis() as u64,
        "tiktok_unaudited": m.tiktok.unaudited(),
        "youtube_unaudited": m.youtube.unaudited(),
        "youtube_session_ttl_s": m.youtube.session_ttl().as_secs_f64(),
        "youtube_daily_uploads": m.youtube.daily_uploads(),
        "youtube_asr_captions": m.youtube.asr_captions(),
    }))
}

async fn config_set(
    State(m): State<Shared>,
    axum::Json(c): axum::Json<Config>,
) -> impl IntoResponse {
    if let Some(ms) = c.processing_ms {
        m.set_processing_ms(ms);
    }
    if let Some(on) = c.unlimited {
        m.set_unlimited(on);
    }
    if let Some(age) = c.post_age_s {
        m.set_post_age_s(u64::try_from(age).ok());
    }
    if let Some(names) = c.facebook_insights_disabled {
        m.facebook.disable_insights(&names);
    }
    if let Some(on) = c.youtube_analytics_denied {
        m.youtube.deny_analytics(on);
    }
    if let Some(ms) = c.tiktok_upload_url_ttl_ms {
        m.tiktok
            .set_upload_url_ttl((ms > 0).then(|| Duration::from_millis(ms)));
    }
    if let Some(on) = c.tiktok_unaudited {
        m.tiktok.set_unaudited(on);
    }
    for (token, creator) in c.tiktok_creators.unwrap_or_default() {
        m.tiktok.set_creator(&token, creator);
    }
    if let Some(on) = c.youtube_unaudited {
        m.youtube.set_unaudited(on);
    }
    if let Some(ttl) = c.youtube_session_ttl_s {
        m.youtube
            .set_session_ttl((ttl >= 0.0).then(|| Duration::from_secs_f64(ttl.min(1e9))));
    }
    if let Some(cap) = c.youtube_daily_uploads {
        m.youtube.set_daily_uploads(usize::try_from(cap).ok());
    }
    if let Some(on) = c.youtube_asr_captions {
        m.youtube.set_asr_captions(on);
    }
    axum::http::StatusCode::NO_CONTENT
}

/// Escapes text for HTML (content and quoted attributes).
pub(crate) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// All mock platforms on one router.
pub fn router(m: Shared) -> Router {
    Router::new()
        .route("/", get(sandbox::page))
        .route("/__admin/faults", post(arm))
        .route("/__admin/records", get(records))
        .route("/__admin/config", get(config_get).post(config_set))
        .route("/__admin/oauth", post(oauth::admin))
        .route("/__admin/stt", post(stt::admin))
        .merge(oauth::routes())
        .merge(youtube::routes())
        .merge(facebook::routes())
        .merge(tiktok::routes())
        .merge(zalo::routes())
        .merge(stt::routes())
        .layer(axum::middleware::from_fn_with_state(m.clone(), dead_tokens))
        .with_state(m)
}

/// Serves the mocks `m` on a free loopback port in the background (tests);
/// returns their base URL.
pub async fn spawn(m: Shared) -> std::io::Result<String> {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", l.local_addr()?);
    tokio::spawn(async move { axum::serve(l, router(m)).await });
    Ok(base)
}

/// Serves the mocks on `listen` until the process ends, with processing
/// taking `processing_ms`.
pub async fn serve(listen: std::net::SocketAddr, processing_ms: u64) -> std::io::Result<()> {
    let l = tokio::net::TcpListener::bind(listen).await?;
    println!(
        "mock platforms (sandbox) on http://{} — YouTube at /upload/youtube/v3 and /youtube/v3, \
         Facebook Graph at /v25.0 and rupload at /video-upload/v25.0, TikTok at /v2/post/publish, \
         Zalo OA at /v2.0/article, speech to text at /v1/audio/transcriptions; OAuth consent and token endpoints on the platforms' paths; \
         processing takes {processing_ms} ms; what was received: http://{}/",
        l.local_addr()?,
        l.local_addr()?
    );
    axum::serve(
        l,
        router(Arc::new(Mocks::with_processing_ms(processing_ms))),
    )
    .await
}

//! Connecting a channel: the OAuth authorization-code flow of each platform
//! (the consent URL, the code exchange, the accounts the token can post as) and
//! the refresh of its tokens. Every host is configurable, so the same code runs
//! against the platforms or `lantoa mock-platforms`.
//!
//! Per platform (see the reference, sections 1.1, 2.1, 3.1, 4.1):
//! * Google: `accounts.google.com/o/oauth2/auth` with `access_type=offline` and
//!   `prompt=consent` (else no refresh token); `POST oauth2.googleapis.com/token`
//!   form. Google keeps the refresh token on refresh (it may not come back).
//! * Facebook: `www.facebook.com/{v}/dialog/oauth`; the code gives a short-lived
//!   user token, exchanged at once for a long-lived one (`fb_exchange_token`);
//!   `/me/accounts` gives each Page's token, which does not expire. No refresh
//!   grant: a dead token means reconnecting.
//! * TikTok: `www.tiktok.com/v2/auth/authorize/` (`client_key`, PKCE sent too);
//!   `POST open.tiktokapis.com/v2/oauth/token/` form; refresh tokens rotate.
//! * Zalo OA: `oauth.zaloapp.com/v4/oa/permission` with a PKCE challenge;
//!   `POST /v4/oa/access_token` with the `secret_key` header; refresh tokens
//!   rotate and are single-use; `expires_in` may come as a string.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use super::{ErrorClass, Platform, PlatformError};

/// An OAuth application registered with a platform, and where to reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthApp {
    /// Google client id, Facebook app id, TikTok client key, Zalo app id.
    pub client_id: String,
    pub client_secret: String,
    /// Where the user's browser goes to consent (accounts.google.com,
    /// www.facebook.com, www.tiktok.com, oauth.zaloapp.com — or the mock).
    pub authorize_base: String,
    /// Token endpoint host (oauth2.googleapis.com, graph.facebook.com,
    /// open.tiktokapis.com, oauth.zaloapp.com — or the mock).
    pub token_base: String,
    /// API host used to list the accounts the token can post as
    /// (www.googleapis.com, graph.facebook.com, open.tiktokapis.com,
    /// openapi.zalo.me — or the mock).
    pub api_base: String,
    /// Facebook Graph version, e.g. "v25.0" (ignored elsewhere).
    pub graph_version: String,
}

/// What a token endpoint granted. Times are Unix milliseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_at_ms: Option<i64>,
    pub refresh_expires_at_ms: Option<i64>,
    pub scope: Option<String>,
}

/// Somewhere the connected user can post: a Page, a channel, a TikTok
/// account, an OA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Page id, channel id, TikTok open_id, Zalo oa_id.
    pub external_id: String,
    pub name: String,
    /// The token to post as this account (Facebook: the Page token; others:
    /// the user/OA token).
    pub tokens: Tokens,
}

/// What Lantoa asks Google for: `youtube` (upload, read, and delete:
/// `videos.delete` accepts only `youtube`, `youtube.force-ssl` or
/// `youtubepartner`, never `youtube.upload`), `youtube.force-ssl` (caption
/// tracks: `captions.insert`, `list` and `delete` accept only it or
/// `youtubepartner`, not `youtube`) and the Analytics API's read-only scope.
/// A channel connected before captions lacks force-ssl; its caption calls
/// answer 403 `insufficientPermissions` until it is connected again.
pub const GOOGLE_SCOPES: [&str; 3] = [
    "https://www.googleapis.com/auth/youtube",
    "https://www.googleapis.com/auth/youtube.force-ssl",
    "https://www.googleapis.com/auth/yt-analytics.readonly",
];

/// The scopes under which YouTube's caption methods work (discovery
/// document youtube.v3, `captions.*`).
pub const YOUTUBE_CAPTION_SCOPES: [&str; 2] = [
    "https://www.googleapis.com/auth/youtube.force-ssl",
    "https://www.googleapis.com/auth/youtubepartner",
];

/// The scopes under which YouTube's `videos.delete` works.
pub const YOUTUBE_DELETE_SCOPES: [&str; 3] = [
    "https://www.googleapis.com/auth/youtube",
    "https://www.googleapis.com/auth/youtube.force-ssl",
    "https://www.googleapis.com/auth/youtubepartner",
];

/// Whether a channel's granted scopes (as the platform wrote them, space or
/// comma separated; `None`: not kept) let Lantoa remove its posts.
pub fn can_delete_with(platform: Platform, granted: Option<&str>) -> bool {
    match platform {
        Platform::YouTube => granted.is_some_and(|g| {
            g.split([' ', ','])
                .any(|s| YOUTUBE_DELETE_SCOPES.contains(&s.trim()))
        }),
        p => p.can_delete(),
    }
}
/// Whether a YouTube channel's granted scopes (space or comma separated;
/// `None`: not kept) let Lantoa send caption tracks: false for channels
/// connected before captions, which must be connected again.
pub fn can_caption_with(granted: Option<&str>) -> bool {
    granted.is_some_and(|g| {
        g.split([' ', ','])
            .any(|s| YOUTUBE_CAPTION_SCOPES.contains(&s.trim()))
    })
}

pub const FACEBOOK_SCOPES: &str =
    "pages_show_list,pages_read_engagement,pages_manage_posts,read_insights";
pub const TIKTOK_SCOPES: &str = "video.publish,video.upload,video.list,user.info.basic";

/// The S256 challenge of a PKCE verifier (base64url of its SHA-256, no padding).
pub fn challenge_of(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A fresh PKCE pair: (verifier, S256 challenge). The verifier is 43
/// characters of base64url (32 random bytes), within RFC 7636's 43–128.
pub fn pkce() -> (String, String) {
    let verifier = URL_SAFE_NO_PAD.encode(crate::random_bytes::<32>());
    let challenge = challenge_of(&verifier);
    (verifier, challenge)
}

fn base(s: &str) -> &str {
    s.trim_end_matches('/')
}

fn query(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// Where to send the user's browser to consent. `state` comes back with the
/// code; keep it (and the PKCE verifier) server-side to check the callback.
pub fn authorize_url(
    p: Platform,
    app: &OAuthApp,
    redirect_uri: &str,
    state: &str,
    code_challenge: Option<&str>,
) -> String {
    let b = base(&app.authorize_base);
    let scopes = GOOGLE_SCOPES.join(" ");
    let mut q: Vec<(&str, &str)> = Vec::new();
    let path = match p {
        Platform::YouTube => {
            q.extend([
                ("client_id", app.client_id.as_str()),
                ("redirect_uri", redirect_uri),
                ("response_type", "code"),
                ("scope", scopes.as_str()),
                ("access_type", "offline"),
                ("prompt", "consent"),
                ("include_granted_scopes", "true"),
                ("state", state),
            ]);
            "/o/oauth2/auth".to_string()
        }
        Platform::Facebook => {
            q.extend([
                ("client_id", app.client_id.as_str()),
                ("redirect_uri", redirect_uri),
                ("response_type", "code"),
                ("scope", FACEBOOK_SCOPES),
                ("state", state),
            ]);
            format!("/{}/dialog/oauth", app.graph_version)
        }
        Platform::TikTok => {
            q.extend([
                ("client_key", app.client_id.as_str()),
                ("scope", TIKTOK_SCOPES),
                ("response_type", "code"),
                ("redirect_uri", redirect_uri),
                ("state", state),
            ]);
            "/v2/auth/authorize/".to_string()
        }
        Platform::Zalo => {
            q.extend([
                ("app_id", app.client_id.as_str()),
                ("redirect_uri", redirect_uri),
            ]);
            if let Some(c) = code_challenge {
                q.push(("code_challenge", c));
            }
            q.push(("state", state));
            return format!("{b}/v4/oa/permission?{}", query(&q));
        }
    };
    // Facebook's manual flow documents no PKCE: the challenge is not sent there.
    if let Some(c) = code_challenge
        && p != Platform::Facebook
    {
        q.extend([("code_challenge", c), ("code_challenge_method", "S256")]);
    }
    format!("{b}{path}?{}", query(&q))
}

/// An integer that may come as a JSON number or a string (Zalo's `expires_in`).
fn int(v: &serde_json::Value) -> Option<i64> {
    v.as_i64()
        .or_else(|| v.as_f64().map(|f| f as i64))
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

fn string(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads a token response (all four platforms use these names).
fn tokens_from(v: &serde_json::Value, now_ms: i64) -> Option<Tokens> {
    let access_token = string(&v["access_token"])?;
    Some(Tokens {
        access_token,
        refresh_token: string(&v["refresh_token"]),
        expires_at_ms: int(&v["expires_in"])
            .filter(|s| *s > 0)
            .map(|s| now_ms + s * 1000),
        refresh_expires_at_ms: int(&v["refresh_expires_in"])
            .filter(|s| *s > 0)
            .map(|s| now_ms + s * 1000),
        scope: string(&v["scope"]),
    })
}

/// Sorts an OAuth error (RFC 6749 names, as Google and TikTok give them).
pub fn classify(status: u16, code: &str, message: &str) -> PlatformError {
    let class = match code {
        "invalid_grant"
        | "access_denied"
        | "invalid_token"
        | "access_token_invalid"
        | "scope_not_authorized"
        | "expired_token"
        | "reconnect" => ErrorClass::Reconnect,
        "rate_limit_exceeded" | "slow_down" => ErrorClass::Retry {
            after: Some(std::time::Duration::from_secs(60)),
        },
        "temporarily_unavailable" | "server_error" | "internal_error" | "network" => {
            ErrorClass::Retry { after: None }
        }
        // The app's own credentials: reconnecting will not help.
        "invalid_client" | "unauthorized_client" => ErrorClass::Permanent,
        _ if status >= 500 => ErrorClass::Retry { after: None },
        _ if status == 429 => ErrorClass::Retry { after: None },
        _ if status == 401 => ErrorClass::Reconnect,
        // invalid_client, unauthorized_client, invalid_request, invalid_scope,
        // redirect_uri_mismatch…: the app's configuration, not the user's grant.
        _ => ErrorClass::Permanent,
    };
    PlatformError {
        class,
        status: Some(status),
        code: code.to_string(),
        message: message.to_string(),
    }
}

/// A response that came without what it should carry.
fn malformed(status: u16, what: &str) -> PlatformError {
    PlatformError {
        class: ErrorClass::Retry { after: None },
        status: Some(status),
        code: "malformed".into(),
        message: format!("the platform answered without {what}"),
    }
}

/// Sends a request and reads a JSON body (an unreadable body is `null`).
async fn fetch(req: reqwest::RequestBuilder) -> Result<(u16, serde_json::Value), PlatformError> {
    let r = req.send().await.map_err(|e| PlatformError::network(&e))?;
    let status = r.status().as_u16();
    let bytes = r.bytes().await.map_err(|e| PlatformError::network(&e))?;
    Ok((status, serde_json::from_slice(&bytes).unwrap_or_default()))
}

/// A Google or TikTok token endpoint's error: `{"error": "...",
/// "error_description": "..."}` (TikTok adds `log_id`); a 5xx may have no body.
fn oauth_error(status: u16, v: &serde_json::Value) -> Option<PlatformError> {
    let code = v["error"]
        .as_str()
        .or_else(|| v["error"]["code"].as_str())
        .filter(|c| !c.is_empty() && *c != "ok");
    if code.is_none() && (200..300).contains(&status) {
        return None;
    }
    let message = v["error_description"]
        .as_str()
        .or_else(|| v["error"]["message"].as_str())
        .unwrap_or("");
    let code = code.unwrap_or(if status >= 500 {
        "server_error"
    } else {
        "unknown"
    });
    Some(classify(status, code, message))
}

/// A Graph error on an OAuth call. An invalid or used code (100) or a dead
/// token (190) means consenting again; the rest as for publishing.
fn facebook_error(status: u16, v: &serde_json::Value) -> PlatformError {
    let body = v.to_string();
    let mut e = super::facebook::classify(status, body.as_bytes(), Default::default());
    if e.class == ErrorClass::FixContent {
        e.class = ErrorClass::Reconnect;
    }
    e
}

/// A Zalo OAuth error: `{"error": <negative int>, "error_name",
/// "error_reason", "error_description"}` (field names from third-party
/// clients). A refused code or refresh token means reconnecting.
fn zalo_error(status: u16, v: &serde_json::Value) -> Option<PlatformError> {
    let code = v["error"].as_i64().unwrap_or(0);
    if code == 0 && (200..300).contains(&status) {
        return None;
    }
    let message = ["error_description", "error_reason", "error_name", "message"]
        .iter()
        .find_map(|k| v[*k].as_str().filter(|s| !s.is_empty()))
        .unwrap_or("")
        .to_string();
    let class = if status >= 500 || (code == 0 && status == 429) {
        ErrorClass::Retry { after: None }
    } else {
        ErrorClass::Reconnect
    };
    Some(PlatformError {
        class,
        status: Some(status),
        code: code.to_string(),
        message,
    })
}

/// Exchanges the code the callback received for the user's tokens. For
/// Facebook, the result is already the long-lived user token.
pub async fn exchange_code(
    p: Platform,
    app: &OAuthApp,
    code: &str,
    redirect_uri: &str,
    code_verifier: Option<&str>,
    now_ms: i64,
) -> Result<Tokens, PlatformError> {
    let http = super::client();
    let t = base(&app.token_base);
    match p {
        Platform::YouTube => {
            let mut form = vec![
                ("code", code),
                ("client_id", app.client_id.as_str()),
                ("client_secret", app.client_secret.as_str()),
                ("redirect_uri", redirect_uri),
                ("grant_type", "authorization_code"),
            ];
            form.extend(code_verifier.map(|v| ("code_verifier", v)));
            form_token(&http, format!("{t}/token"), &form, now_ms).await
        }
        Platform::TikTok => {
            let mut form = vec![
                ("client_key", app.client_id.as_str()),
                ("client_secret", app.client_secret.as_str()),
                ("code", code),
                ("grant_type", "authorization_code"),
                ("redirect_uri", redirect_uri),
            ];
            form.extend(code_verifier.map(|v| ("code_verifier", v)));
            form_token(&http, format!("{t}/v2/oauth/token/"), &form, now_ms).await
        }
        Platform::Zalo => {
            let mut form = vec![
                ("app_id", app.client_id.as_str()),
                ("grant_type", "authorization_code"),
                ("code", code),
            ];
            form.extend(code_verifier.map(|v| ("code_verifier", v)));
            zalo_token(&http, app, &form, now_ms).await
        }
        Platform::Facebook => {
            let v = &app.graph_version;
            let short = facebook_token(
                &http,
                format!(
                    "{t}/{v}/oauth/access_token?{}",
                    query(&[
                        ("client_id", app.client_id.as_str()),
                        ("redirect_uri", redirect_uri),
                        ("client_secret", app.client_secret.as_str()),
                        ("code", code),
                    ])
                ),
                now_ms,
            )
            .await?;
            facebook_token(
                &http,
                format!(
                    "{t}/{v}/oauth/access_token?{}",
                    query(&[
                        ("grant_type", "fb_exchange_token"),
                        ("client_id", app.client_id.as_str()),
                        ("client_secret", app.client_secret.as_str()),
                        ("fb_exchange_token", short.access_token.as_str()),
                    ])
                ),
                now_ms,
            )
            .await
        }
    }
}

/// A form POST to a Google or TikTok token endpoint.
async fn form_token(
    http: &reqwest::Client,
    url: String,
    form: &[(&str, &str)],
    now_ms: i64,
) -> Result<Tokens, PlatformError> {
    let (status, v) = fetch(
        http.post(url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(query(form)),
    )
    .await?;
    if let Some(e) = oauth_error(status, &v) {
        return Err(e);
    }
    tokens_from(&v, now_ms).ok_or_else(|| malformed(status, "an access token"))
}

async fn zalo_token(
    http: &reqwest::Client,
    app: &OAuthApp,
    form: &[(&str, &str)],
    now_ms: i64,
) -> Result<Tokens, PlatformError> {
    let (status, v) = fetch(
        http.post(format!("{}/v4/oa/access_token", base(&app.token_base)))
            .header("secret_key", &app.client_secret)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(query(form)),
    )
    .await?;
    if let Some(e) = zalo_error(status, &v) {
        return Err(e);
    }
    let t = tokens_from(&v, now_ms).ok_or_else(|| malformed(status, "an access token"))?;
    // Zalo's SDK treats a grant without a refresh token as a failure.
    if t.refresh_token.is_none() {
        return Err(malformed(status, "a refresh token"));
    }
    Ok(t)
}

async fn facebook_token(
    http: &reqwest::Client,
    url: String,
    now_ms: i64,
) -> Result<Tokens, PlatformError> {
    let (status, v) = fetch(http.get(url)).await?;
    if !(200..300).contains(&status) || v.get("error").is_some() {
        return Err(facebook_error(status, &v));
    }
    tokens_from(&v, now_ms).ok_or_else(|| malformed(status, "an access token"))
}

/// The accounts the user's token can post as, each with the token to use.
pub async fn accounts(
    p: Platform,
    app: &OAuthApp,
    user: &Tokens,
    now_ms: i64,
) -> Result<Vec<Account>, PlatformError> {
    // No listing gives a lifetime today; the clock is taken for symmetry.
    let _ = now_ms;
    let http = super::client();
    let a = base(&app.api_base);
    match p {
        Platform::Facebook => facebook_pages(&http, a, app, user).await,
        Platform::YouTube => {
            let req = http.get(format!("{a}/youtube/v3/channels?part=snippet&mine=true"));
            youtube_channels(fetch(req.bearer_auth(&user.access_token)).await?, user)
        }
        Platform::TikTok => {
            let req = http.get(format!("{a}/v2/user/info/?fields=open_id,display_name"));
            tiktok_user(fetch(req.bearer_auth(&user.access_token)).await?, user)
        }
        Platform::Zalo => {
            let req = http.get(format!("{a}/v2.0/oa/getoa"));
            zalo_oa(
                fetch(req.header("access_token", &user.access_token)).await?,
                user,
            )
        }
    }
}

/// The Facebook Pages the user manages, each with its Page token (`me/accounts`, every page of results, up to 20).
async fn facebook_pages(
    http: &reqwest::Client,
    a: &str,
    app: &OAuthApp,
    user: &Tokens,
) -> Result<Vec<Account>, PlatformError> {
    let mut url = format!(
        "{a}/{}/me/accounts?{}",
        app.graph_version,
        query(&[
            ("fields", "id,name,access_token"),
            ("limit", "100"),
            ("access_token", user.access_token.as_str()),
        ])
    );
    let mut out = Vec::new();
    // Follow `paging.next` (an absolute URL), a bounded number of times.
    for _ in 0..20 {
        let (status, v) = fetch(http.get(&url)).await?;
        if !(200..300).contains(&status) || v.get("error").is_some() {
            return Err(facebook_error(status, &v));
        }
        for page in v["data"].as_array().into_iter().flatten() {
            let (Some(id), Some(token)) = (string(&page["id"]), string(&page["access_token"]))
            else {
                continue;
            };
            out.push(Account {
                external_id: id,
                name: page["name"].as_str().unwrap_or("").to_string(),
                // Page tokens from a long-lived user token do not expire.
                tokens: Tokens {
                    access_token: token,
                    refresh_token: None,
                    expires_at_ms: None,
                    refresh_expires_at_ms: None,
                    scope: user.scope.clone(),
                },
            });
        }
        match v["paging"]["next"].as_str() {
            Some(next) if !next.is_empty() => url = next.to_string(),
            _ => break,
        }
    }
    Ok(out)
}

/// An account the user's own token posts as.
fn account(id: String, name: &serde_json::Value, user: &Tokens) -> Account {
    Account {
        external_id: id,
        name: name.as_str().unwrap_or("").to_string(),
        tokens: user.clone(),
    }
}

/// The user's YouTube channels, from the answer to `channels?mine=true`.
fn youtube_channels(
    (status, v): (u16, serde_json::Value),
    user: &Tokens,
) -> Result<Vec<Account>, PlatformError> {
    if !(200..300).contains(&status) {
        let body = v.to_string();
        return Err(super::youtube::classify(status, body.as_bytes(), None));
    }
    Ok(v["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| Some(account(string(&c["id"])?, &c["snippet"]["title"], user)))
        .collect())
}

/// The TikTok account itself, from the answer to `user/info`.
fn tiktok_user(
    (status, v): (u16, serde_json::Value),
    user: &Tokens,
) -> Result<Vec<Account>, PlatformError> {
    let code = v["error"]["code"].as_str().unwrap_or("");
    if code != "ok" || !(200..300).contains(&status) {
        let code = match code {
            "" if status >= 500 => "internal_error",
            "" => "unknown",
            c => c,
        };
        return Err(super::tiktok::classify(
            status,
            code,
            v["error"]["message"].as_str().unwrap_or(""),
        ));
    }
    let u = &v["data"]["user"];
    let id = string(&u["open_id"]).ok_or_else(|| malformed(status, "an open_id"))?;
    Ok(vec![account(id, &u["display_name"], user)])
}

/// The Zalo Official Account the token belongs to, from the answer to `oa/getoa`.
fn zalo_oa(
    (status, v): (u16, serde_json::Value),
    user: &Tokens,
) -> Result<Vec<Account>, PlatformError> {
    let code = v["error"]
        .as_i64()
        .unwrap_or(if status >= 500 { 0 } else { -1 });
    if code != 0 || !(200..300).contains(&status) {
        return Err(super::zalo::classify(
            status,
            code,
            v["message"].as_str().unwrap_or(""),
        ));
    }
    let d = &v["data"];
    let id = string(&d["oa_id"]).ok_or_else(|| malformed(status, "an oa_id"))?;
    Ok(vec![account(id, &d["name"], user)])
}

/// Refreshes the tokens. TikTok and Zalo rotate the refresh token (store the
/// new one; the old one is dead); Google keeps it (returned unchanged here
/// when the response has none). Facebook has no refresh: reconnect.
pub async fn refresh(
    p: Platform,
    app: &OAuthApp,
    refresh_token: &str,
    now_ms: i64,
) -> Result<Tokens, PlatformError> {
    let http = super::client();
    let t = base(&app.token_base);
    match p {
        Platform::YouTube => {
            let mut tokens = form_token(
                &http,
                format!("{t}/token"),
                &[
                    ("client_id", app.client_id.as_str()),
                    ("client_secret", app.client_secret.as_str()),
                    ("refresh_token", refresh_token),
                    ("grant_type", "refresh_token"),
                ],
                now_ms,
            )
            .await?;
            if tokens.refresh_token.is_none() {
                tokens.refresh_token = Some(refresh_token.to_string());
            }
            Ok(tokens)
        }
        Platform::TikTok => {
            form_token(
                &http,
                format!("{t}/v2/oauth/token/"),
                &[
                    ("client_key", app.client_id.as_str()),
                    ("client_secret", app.client_secret.as_str()),
                    ("grant_type", "refresh_token"),
                    ("refresh_token", refresh_token),
                ],
                now_ms,
            )
            .await
        }
        Platform::Zalo => {
            zalo_token(
                &http,
                app,
                &[
                    ("app_id", app.client_id.as_str()),
                    ("grant_type", "refresh_token"),
                    ("refresh_token", refresh_token),
                ],
                now_ms,
            )
            .await
        }
        Platform::Facebook => Err(PlatformError {
            class: ErrorClass::Reconnect,
            status: None,
            code: "no_refresh_grant".into(),
            message: "Facebook has no refresh grant: connect the Page again".into(),
        }),
    }
}

#[cfg(test)]
mod tests;

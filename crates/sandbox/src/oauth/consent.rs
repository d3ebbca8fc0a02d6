//! The consent pages every platform shows, and redeeming the codes they give
//! (with PKCE where the platform asks for it).

use super::*;

// ---------------------------------------------------------------- consent

/// What a consent request asked for, whatever the platform's names.
pub(super) struct Ask {
    pub(super) client_id: String,
    pub(super) redirect_uri: String,
    pub(super) state: String,
    pub(super) scope: String,
    pub(super) challenge: Option<String>,
}

pub(super) fn ask(p: Platform, q: &HashMap<String, String>) -> Result<Ask, String> {
    let get = |k: &str| q.get(k).cloned().filter(|v| !v.is_empty());
    let id_key = match p {
        Platform::TikTok => "client_key",
        Platform::Zalo => "app_id",
        _ => "client_id",
    };
    let client_id = get(id_key).ok_or_else(|| format!("missing {id_key}"))?;
    let redirect_uri = get("redirect_uri").ok_or("missing redirect_uri")?;
    if !(redirect_uri.starts_with("http://") || redirect_uri.starts_with("https://")) {
        return Err("redirect_uri must be an http(s) URL".into());
    }
    if p != Platform::Zalo && get("response_type").is_some_and(|t| t != "code") {
        return Err("response_type must be code".into());
    }
    let challenge = get("code_challenge");
    if p == Platform::Zalo && challenge.is_none() {
        return Err("missing code_challenge".into());
    }
    if p == Platform::YouTube && get("scope").is_none() {
        return Err("Missing required parameter: scope".into());
    }
    Ok(Ask {
        client_id,
        redirect_uri,
        state: get("state").unwrap_or_default(),
        scope: get("scope").unwrap_or_else(|| match p {
            Platform::Zalo => "oa".into(),
            _ => String::new(),
        }),
        challenge,
    })
}

pub(super) fn deny_url(p: Platform, a: &Ask) -> String {
    match p {
        Platform::Facebook => with_query(
            &a.redirect_uri,
            &[
                ("error", "access_denied"),
                ("error_code", "200"),
                ("error_description", "Permissions error"),
                ("error_reason", "user_denied"),
                ("state", &a.state),
            ],
        ),
        _ => with_query(
            &a.redirect_uri,
            &[("error", "access_denied"), ("state", &a.state)],
        ),
    }
}

pub(super) const PAGE_STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f1ea;color:#222}\
.banner{background:#b3261e;color:#fff;padding:12px 20px;font-weight:700}\
main{max-width:560px;margin:32px auto;background:#fff;padding:24px;border-radius:8px;box-shadow:0 1px 4px #0002}\
code{background:#eee;padding:1px 4px;border-radius:3px;word-break:break-all}\
.actions{display:flex;gap:12px;margin-top:24px}\
.actions a{padding:10px 18px;border-radius:6px;text-decoration:none;font-weight:600}\
.allow{background:#1a73e8;color:#fff}.deny{background:#ddd;color:#222}";

pub(super) fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>{title}</title><style>{PAGE_STYLE}</style></head><body>\
<div class=\"banner\">Sandbox — nền tảng giả lập / sandbox platform: không có gì ở đây là nền tảng thật \
(nothing here is a real platform).</div><main>{body}</main></body></html>"
    )
}

/// The consent page of platform `p` (each route names its platform).
pub(super) async fn consent(
    p: Platform,
    State(m): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let a = match ask(p, &q) {
        Ok(a) => a,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                Html(page(
                    "Sandbox — lỗi / error",
                    &format!(
                        "<h1>{} — yêu cầu không hợp lệ / invalid request</h1><p>{}</p>",
                        esc(p.label()),
                        esc(&e)
                    ),
                )),
            )
                .into_response();
        }
    };
    let deny = deny_url(p, &a);
    if q.get("auto").map(String::as_str) == Some("deny") {
        return Redirect::to(&deny).into_response();
    }
    let code = match p {
        Platform::YouTube => format!("4/0A{}", random(40)),
        Platform::Facebook => format!("AQ{}", random(60)),
        Platform::TikTok => random(48),
        Platform::Zalo => random(64),
    };
    m.oauth.lock().codes.insert(
        code.clone(),
        Grant {
            platform: p,
            client_id: a.client_id.clone(),
            redirect_uri: a.redirect_uri.clone(),
            challenge: a.challenge.clone(),
            scope: a.scope.clone(),
        },
    );
    let allow = with_query(&a.redirect_uri, &[("code", &code), ("state", &a.state)]);
    if q.get("auto").map(String::as_str) == Some("1") {
        return Redirect::to(&allow).into_response();
    }
    let scopes: String = a
        .scope
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .map(|s| format!("<li><code>{}</code></li>", esc(s)))
        .collect();
    Html(page(
        &format!("Sandbox — {} — cấp quyền / consent", p.label()),
        &format!(
            "<h1>{label} (sandbox)</h1>\
<p>Ứng dụng <code>{app}</code> xin quyền đăng video thay bạn.<br>\
<em>The app <code>{app}</code> asks to publish videos on your behalf.</em></p>\
<p>Quyền / scopes:</p><ul>{scopes}</ul>\
<p>Quay lại / returns to: <code>{uri}</code></p>\
<div class=\"actions\"><a class=\"allow\" href=\"{allow}\">Cho phép / Allow</a>\
<a class=\"deny\" href=\"{deny}\">Từ chối / Deny</a></div>",
            label = esc(p.label()),
            app = esc(&a.client_id),
            uri = esc(&a.redirect_uri),
            allow = esc(&allow),
            deny = esc(&deny),
        ),
    ))
    .into_response()
}

/// Takes a code (single use) and checks it was given to this client, for
/// this platform, with this redirect URI.
pub(super) fn take_code(m: &Shared, p: Platform, code: &str) -> Option<Grant> {
    let mut s = m.oauth.lock();
    let g = s.codes.remove(code)?;
    s.used.insert(code.to_string());
    (g.platform == p).then_some(g)
}

/// What a token request redeemed.
pub(super) enum Redeemed {
    /// An authorization code: the grant it carried.
    Code(Grant),
    /// A refresh token: the grant it was issued for.
    Refresh(Grant),
}

/// Why a token request was refused (each platform words it its own way).
pub(super) enum Refusal {
    /// The code is unknown, already used, or another platform's.
    Code,
    /// The code was given to another client.
    Client,
    /// The code was given for another redirect URI.
    Redirect,
    /// The PKCE verifier does not match the code's challenge.
    Verifier,
    /// The refresh token is unknown, revoked, or another platform's or client's.
    Refresh,
    /// Neither `authorization_code` nor `refresh_token`.
    GrantType,
}

/// Redeems a Google- or TikTok-style token request (the `form`, with the
/// client named in `client_field`): a code given to this client with this
/// redirect URI (and, when the code carries a challenge, the matching PKCE
/// verifier), or a refresh token of this platform and client, which dies now
/// when `rotating` (even when refused, as the token was presented).
pub(super) fn redeem(
    m: &Shared,
    p: Platform,
    form: &HashMap<String, String>,
    client_field: &str,
    rotating: bool,
) -> Result<Redeemed, Refusal> {
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    let client = get(client_field);
    match get("grant_type") {
        "authorization_code" => {
            let g = take_code(m, p, get("code")).ok_or(Refusal::Code)?;
            if g.client_id != client {
                return Err(Refusal::Client);
            }
            if g.redirect_uri != get("redirect_uri") {
                return Err(Refusal::Redirect);
            }
            if let Some(c) = &g.challenge
                && !pkce_ok(c, get("code_verifier"))
            {
                return Err(Refusal::Verifier);
            }
            Ok(Redeemed::Code(g))
        }
        "refresh_token" => {
            let token = get("refresh_token");
            let mut s = m.oauth.lock();
            let g = if rotating {
                s.refresh.remove(token)
            } else {
                s.refresh.get(token).cloned()
            };
            match g {
                Some(g) if g.platform == p && g.client_id == client => Ok(Redeemed::Refresh(g)),
                _ => Err(Refusal::Refresh),
            }
        }
        _ => Err(Refusal::GrantType),
    }
}

/// Whether a PKCE verifier matches the challenge (S256, base64url; TikTok's
/// desktop flow documents hex, also accepted).
pub(super) fn pkce_ok(challenge: &str, verifier: &str) -> bool {
    challenge_of(verifier) == challenge
        || hex::encode(Sha256::digest(verifier.as_bytes())) == challenge
}

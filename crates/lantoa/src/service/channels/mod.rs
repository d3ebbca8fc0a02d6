//! The agency's channels: connecting through each platform's OAuth consent,
//! tokens sealed at rest (XChaCha20-Poly1305 with the install's key) and
//! refreshed ahead of expiry (rotating refresh tokens stored each time), and a
//! channel whose authorisation died marked "needs reconnecting" with the
//! agency's admins told, its scheduled work kept waiting. Each channel stays
//! bound to the API it was connected through (the platform or the sandbox).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Actor, audit};
use crate::db::Tx;
use crate::db::publishing::{self as pdb, Channel, NewChannel};
use crate::domain::Invalid;
use crate::domain::{Category, ChannelId, OrgId, Role, UserId};
use crate::error::{Error, Result};
use crate::platforms::oauth::{self, OAuthApp};
use crate::platforms::{Endpoint, ErrorClass, Platform, PlatformError};
use crate::service::Caller;
use crate::state::AppState;

mod tokens;
pub use tokens::{REFRESH_AHEAD_MS, Token, access_token, refresh_due, token};

/// A channel's token set, as sealed in the database.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StoredTokens {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub expires_at_ms: Option<i64>,
    #[serde(default)]
    pub refresh_expires_at_ms: Option<i64>,
}

impl From<oauth::Tokens> for StoredTokens {
    fn from(t: oauth::Tokens) -> Self {
        StoredTokens {
            access_token: t.access_token,
            refresh_token: t.refresh_token,
            expires_at_ms: t.expires_at_ms,
            refresh_expires_at_ms: t.refresh_expires_at_ms,
        }
    }
}

fn context(agency: OrgId, platform: &str, external_id: &str) -> String {
    format!("channel-tokens:{agency}:{platform}:{external_id}")
}

/// Seals a token set for a channel.
pub fn seal(
    st: &AppState,
    agency: OrgId,
    platform: &str,
    external_id: &str,
    t: &StoredTokens,
) -> String {
    let plain = serde_json::to_vec(t).unwrap_or_default();
    st.keys
        .secret_box()
        .seal(&plain, &context(agency, platform, external_id))
}

/// Opens a channel's token set.
pub fn open(st: &AppState, ch: &Channel) -> Result<StoredTokens> {
    let plain = st
        .keys
        .secret_box()
        .open(
            &ch.tokens,
            &context(ch.agency_id, &ch.platform, &ch.external_id),
        )
        .map_err(|_| {
            Error::Internal("a channel's tokens cannot be decrypted (wrong encryption key?)".into())
        })?;
    serde_json::from_slice(&plain).map_err(|e| Error::Internal(format!("channel tokens: {e}")))
}

/// The OAuth app for a platform, from the configuration.
pub fn app(st: &AppState, p: Platform) -> OAuthApp {
    st.config.platforms.app(p)
}

/// Why a channel cannot be used with this process's settings: it is bound to
/// the API it was connected through, and its calls never go anywhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unbound {
    /// Connected through the sandbox, which this process does not run (a
    /// demo data folder served with `lantoa serve`).
    SandboxAbsent,
    /// Connected to the real platform, which this process points at the
    /// sandbox.
    SandboxInstead,
}

impl Unbound {
    /// The stable code (publication errors, logs).
    pub fn code(self) -> &'static str {
        match self {
            Unbound::SandboxAbsent => "sandbox_absent",
            Unbound::SandboxInstead => "sandbox_instead",
        }
    }

    /// The sentence shown on the channel and its publications.
    pub fn message_id(self) -> &'static str {
        match self {
            Unbound::SandboxAbsent => "channel-sandbox-absent",
            Unbound::SandboxInstead => "channel-sandbox-instead",
        }
    }

    /// The same for logs and stored errors.
    pub fn english(self) -> &'static str {
        match self {
            Unbound::SandboxAbsent => {
                "the channel was connected through the sandbox, which this server does not run; nothing is sent to the real platform"
            }
            Unbound::SandboxInstead => {
                "the channel was connected to the real platform, which this server points at the sandbox; its tokens are not sent there"
            }
        }
    }

    fn error(self) -> PlatformError {
        PlatformError {
            class: ErrorClass::Permanent,
            status: None,
            code: self.code().into(),
            message: self.english().into(),
        }
    }
}

/// Whether every call for the channel goes, with the current settings, to
/// the API it was connected through.
pub fn binding(st: &AppState, ch: &Channel) -> std::result::Result<(), Unbound> {
    let Some(platform) = Platform::parse(&ch.platform) else {
        return Ok(());
    };
    let bound = Endpoint::parse(&ch.endpoint).unwrap_or(Endpoint::Platform);
    if st.config.platforms.reaches(platform, bound) {
        Ok(())
    } else if bound == Endpoint::Sandbox {
        Err(Unbound::SandboxAbsent)
    } else {
        Err(Unbound::SandboxInstead)
    }
}

/// Whether the install has an app for the platform (its client id is set).
pub fn configured(st: &AppState, p: Platform) -> bool {
    !app(st, p).client_id.is_empty()
}

/// Where the platforms send the browser back after consent.
pub fn redirect_uri(st: &AppState) -> String {
    format!("{}/channels/callback", st.config.public_base())
}

pub async fn list(st: &AppState, agency: OrgId) -> Result<Vec<Channel>> {
    let mut tx = st.db.read().await?;
    Ok(pdb::channels(&mut tx, agency).await?)
}

/// Starts a consent: remembers who asked (and the PKCE verifier, sealed) under
/// a random state, and returns the platform's consent address.
pub async fn connect_start(caller: &Caller, platform: Platform) -> Result<String> {
    if !configured(&caller.st, platform) {
        return Err(Invalid::new("platform", "channel-app-not-configured").into());
    }
    let user = caller.actor.user_id.ok_or(Error::Forbidden)?;
    let state = crate::crypto::random_token();
    let (verifier, challenge) = oauth::pkce();
    let sealed = caller
        .st
        .keys
        .secret_box()
        .seal(verifier.as_bytes(), &format!("oauth-state:{state}"));
    let (mut tx, now) = caller.write().await?;
    pdb::put_oauth_state(
        &mut tx,
        &state,
        caller.agency.id,
        user,
        platform.as_str(),
        &sealed,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(oauth::authorize_url(
        platform,
        &app(&caller.st, platform),
        &redirect_uri(&caller.st),
        &state,
        Some(&challenge),
    ))
}

/// Finishes a consent: exchanges the code, lists the accounts it can post as
/// and connects (or reconnects) each. Returns the agency and the channels.
pub async fn connect_finish(
    st: &AppState,
    actor: &Actor,
    state: &str,
    code: &str,
) -> Result<(OrgId, Vec<ChannelId>)> {
    let now = st.now();
    let row = {
        let mut tx = st.db.write().await?;
        let r = pdb::take_oauth_state(&mut tx, state).await?;
        tx.commit().await?;
        r
    };
    let Some((agency, user, platform, sealed, created)) = row else {
        return Err(Invalid::new("state", "channel-consent-unknown").into());
    };
    if Some(user) != actor.user_id || now - created > 3_600_000 {
        return Err(Invalid::new("state", "channel-consent-unknown").into());
    }
    let platform = Platform::parse(&platform).ok_or(Error::NotFound)?;
    let verifier = st
        .keys
        .secret_box()
        .open(&sealed, &format!("oauth-state:{state}"))
        .map_err(|_| Error::Internal("consent verifier cannot be decrypted".into()))?;
    let verifier = String::from_utf8_lossy(&verifier).to_string();
    let app = app(st, platform);
    let refused = |e: PlatformError| -> Error {
        crate::error::Refusal::new("platform_refused", "channel-consent-failed")
            .arg("message", crate::error::Arg::Text(e.to_string()))
            .into()
    };
    let tokens = oauth::exchange_code(
        platform,
        &app,
        code,
        &redirect_uri(st),
        Some(&verifier),
        now,
    )
    .await
    .map_err(refused)?;
    // What the platform granted (a YouTube channel needs `youtube` for takedowns).
    let granted = tokens.scope.clone();
    let accounts = oauth::accounts(platform, &app, &tokens, now)
        .await
        .map_err(refused)?;
    if accounts.is_empty() {
        return Err(crate::error::Refusal::new("platform_refused", "channel-no-accounts").into());
    }
    // The tokens were issued where the platform's URLs point now.
    let endpoint = st.config.platforms.endpoint(platform);
    let mut tx = st.db.write().await?;
    let mut ids = Vec::new();
    for a in accounts {
        // TikTok: the creator's privacy options and longest post, shown when
        // a person chooses who may see the posts and checked before approval.
        let creator = creator_info(st, platform, &a.tokens.access_token).await;
        let t = StoredTokens::from(a.tokens);
        let sealed = seal(st, agency, platform.as_str(), &a.external_id, &t);
        let (id, new) = pdb::upsert_channel(
            &mut tx,
            NewChannel {
                agency,
                platform: platform.as_str(),
                external_id: &a.external_id,
                name: &a.name,
                tokens: &sealed,
                token_expires_at: t.expires_at_ms,
                by: user,
                endpoint,
            },
            now,
        )
        .await?;
        pdb::set_grant(&mut tx, id, granted.as_deref(), creator.as_deref()).await?;
        audit(
            &mut tx,
            actor,
            Some(agency),
            if new {
                "channel.connect"
            } else {
                "channel.reconnect"
            },
            "channel",
            id,
            json!({"after": {"platform": platform.as_str(), "external_id": a.external_id,
                             "name": a.name, "status": "active", "endpoint": endpoint.as_str()}}),
            now,
        )
        .await?;
        // Work that waited for this channel goes now.
        for p in pdb::waiting_on(&mut tx, id).await? {
            crate::db::jobs::wake(&mut tx, &super::publish::job_key(p), now).await?;
        }
        ids.push(id);
    }
    tx.commit().await?;
    Ok((agency, ids))
}

/// Sets who may see the channel's posts, as a person chooses it: one of the
/// levels the platform (TikTok: the creator's account) offers.
pub async fn set_visibility(caller: &Caller, id: ChannelId, level: &str) -> Result<()> {
    let (mut tx, now) = caller.write().await?;
    let ch = pdb::channel(&mut tx, caller.agency.id, id)
        .await?
        .ok_or(Error::NotFound)?;
    let platform = Platform::parse(&ch.platform).ok_or(Error::NotFound)?;
    let offered = super::publish::offered(&ch);
    let level = level.trim();
    if !super::publish::sending::levels(platform, offered.as_deref())
        .iter()
        .any(|l| l == level)
    {
        return Err(Invalid::new("visibility", "invalid-visibility").into());
    }
    if ch.visibility.as_deref() == Some(level) {
        return Ok(());
    }
    pdb::set_visibility(&mut tx, id, level, now).await?;
    caller
        .audit_and_commit(
            tx,
            now,
            "channel.visibility",
            ("channel", id),
            json!({"before": {"visibility": ch.visibility}, "after": {"visibility": level},
               "platform": ch.platform, "name": ch.name}),
        )
        .await?;
    Ok(())
}

/// Sets a YouTube channel's categoryId per topic category, as a person
/// chooses it. The map replaces the channel's whole mapping: every key must be
/// a topic category's code and every value one of YouTube's assignable ids; a
/// category left out, or mapped to its default, takes the default. Only what
/// differs from the defaults is stored, so a mapping of only defaults stores
/// nothing (`NULL`), and the channel follows the defaults as they are.
pub async fn set_categories(
    caller: &Caller,
    id: ChannelId,
    categories: &BTreeMap<String, String>,
) -> Result<()> {
    use super::publish::sending::{default_youtube_category, is_youtube_category, youtube_mapping};
    let (mut tx, now) = caller.write().await?;
    let ch = pdb::channel(&mut tx, caller.agency.id, id)
        .await?
        .ok_or(Error::NotFound)?;
    if ch.platform != Platform::YouTube.as_str() {
        return Err(Invalid::new("categories", "channel-categories-youtube-only").into());
    }
    let mut own = BTreeMap::new();
    for (code, yt) in categories {
        let category = Category::parse(code.trim())
            .map_err(|_| Invalid::new("categories", "invalid-topic-category"))?;
        let yt = yt.trim();
        if !is_youtube_category(yt) {
            return Err(Invalid::new("categories", "invalid-youtube-category").into());
        }
        if yt != default_youtube_category(category) {
            own.insert(category.code().to_string(), yt.to_string());
        }
    }
    let before = youtube_mapping(&ch);
    if before == own {
        return Ok(());
    }
    let stored = (!own.is_empty())
        .then(|| serde_json::to_string(&own))
        .transpose()
        .map_err(|e| Error::Internal(e.to_string()))?;
    pdb::set_categories(&mut tx, id, stored.as_deref(), now).await?;
    caller
        .audit_and_commit(
            tx,
            now,
            "channel.categories",
            ("channel", id),
            json!({"before": {"categories": before}, "after": {"categories": own},
               "platform": ch.platform, "name": ch.name}),
        )
        .await?;
    Ok(())
}

/// Disconnects a channel (its tokens are erased; its history stays).
pub async fn disconnect(caller: &Caller, id: ChannelId) -> Result<()> {
    let (mut tx, now) = caller.write().await?;
    let ch = pdb::channel(&mut tx, caller.agency.id, id)
        .await?
        .ok_or(Error::NotFound)?;
    if ch.status == "disconnected" {
        // Already done: nothing changes, nothing to record.
        return Ok(());
    }
    pdb::set_tokens(&mut tx, id, "", None, now).await?;
    pdb::set_status(&mut tx, id, "disconnected", None, now).await?;
    if ch.platform == crate::domain::outlet::OUTLET {
        // The outlet's channel is the outlet: disconnecting it turns it off.
        let mut s = crate::db::outlet::settings(&mut tx, caller.agency.id).await?;
        s.enabled = false;
        crate::db::outlet::save_settings(&mut tx, caller.agency.id, &s, now).await?;
    }
    caller
        .audit_and_commit(
            tx,
            now,
            "channel.disconnect",
            ("channel", id),
            json!({"before": {"status": ch.status}, "after": {"status": "disconnected"},
               "platform": ch.platform, "name": ch.name}),
        )
        .await?;
    caller.st.outlet_pages.forget();
    Ok(())
}

/// TikTok's creator info for an account (JSON), or `None` elsewhere or
/// when TikTok does not answer (the choice then offers TikTok's four levels).
async fn creator_info(st: &AppState, platform: Platform, token: &str) -> Option<String> {
    if platform != Platform::TikTok {
        return None;
    }
    let api = crate::platforms::tiktok::TikTok::new(st.config.platforms.tiktok_api_url.as_str());
    match api.creator_info(token).await {
        Ok(info) => serde_json::to_string(&info).ok(),
        Err(e) => {
            tracing::warn!(error = %e, "TikTok's creator info could not be read at connection");
            None
        }
    }
}

/// Whether Lantoa can remove the channel's posts through the platform's API:
/// not on TikTok (a person does it), and on YouTube only with a delete scope
/// (channels connected before Lantoa asked for it must reconnect).
pub fn can_delete(ch: &Channel) -> bool {
    Platform::parse(&ch.platform).is_some_and(|p| oauth::can_delete_with(p, ch.scopes.as_deref()))
}

/// Whether the channel must be reconnected before its posts can be removed
/// through the API (a YouTube channel connected without a delete scope).
pub fn needs_reconnect_for_takedown(ch: &Channel) -> bool {
    ch.platform == Platform::YouTube.as_str() && !can_delete(ch)
}

/// Marks a channel as needing reconnection and tells the agency's admins and
/// head, once per outage.
pub async fn needs_reconnect(st: &AppState, ch: &Channel, why: &str) -> Result<()> {
    let mut tx = st.db.write().await?;
    mark_needs_reconnect(&mut tx, ch, why, st.now()).await?;
    tx.commit().await?;
    Ok(())
}

/// [`needs_reconnect`] inside the caller's transaction, so the channel's
/// state and the work it stops change together.
pub async fn mark_needs_reconnect(tx: &mut Tx, ch: &Channel, why: &str, now: i64) -> Result<()> {
    if pdb::set_status(tx, ch.id, "needs_reconnect", Some(why), now).await? {
        audit(tx, &super::review::system_actor(), Some(ch.agency_id), "channel.needs_reconnect", "channel", ch.id,
            json!({"before": {"status": ch.status}, "after": {"status": "needs_reconnect"}, "reason": why}), now).await?;
        for u in managers(tx, ch.agency_id).await? {
            crate::db::review::notify(tx, u, ch.agency_id, None, "channel_reconnect",
                &json!({"from": format!("{} · {}", crate::domain::outlet::label(&ch.platform), ch.name), "note": why}).to_string(), now).await?;
        }
    }
    Ok(())
}

/// The agency's admins and heads (they connect channels).
async fn managers(tx: &mut Tx, agency: OrgId) -> Result<Vec<UserId>> {
    super::review::members_with(tx, agency, &[Role::AgencyAdmin, Role::Head], &[]).await
}

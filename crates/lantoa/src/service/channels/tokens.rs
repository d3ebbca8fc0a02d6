//! A channel's access token for a call: read fresh from the database (another
//! job or process may have refreshed it since the channel was read),
//! refreshed ahead of expiry or after the platform refused it, and refreshed
//! by one holder at a time across processes, so a rotating refresh token
//! (TikTok, Zalo) is never spent twice. A job making many calls keeps the
//! [`Token`] it got until it nears expiry or the platform refuses it.

use std::time::Duration;

use super::{StoredTokens, app, binding, needs_reconnect, open, seal};
use crate::db::publishing::{self as pdb, Channel};
use crate::error::Result;
use crate::platforms::oauth;
use crate::platforms::{ErrorClass, Platform, PlatformError};
use crate::state::AppState;

/// Refresh access tokens this long before they expire.
pub const REFRESH_AHEAD_MS: i64 = 10 * 60 * 1000;
/// How long a refresh may hold the channel's lock (a holder that died lets
/// go when it runs out).
const LOCK_MS: i64 = 30_000;
/// How long to wait for another holder's refresh before giving up.
const WAIT_FOR_LOCK: Duration = Duration::from_secs(45);

fn internal(m: String) -> PlatformError {
    PlatformError {
        class: ErrorClass::Retry { after: None },
        status: None,
        code: "internal".into(),
        message: m,
    }
}

/// The channel's row and token set as they are now.
async fn current(
    st: &AppState,
    ch: &Channel,
) -> std::result::Result<(Channel, StoredTokens), PlatformError> {
    let fresh = async {
        let mut tx = st.db.read().await?;
        pdb::channel_now(&mut tx, ch.id).await
    }
    .await
    .map_err(|e| internal(e.to_string()))?
    .ok_or_else(|| internal("the channel is gone".into()))?;
    let t = open(st, &fresh).map_err(|e| internal(e.to_string()))?;
    Ok((fresh, t))
}

/// Whether this token set needs a refresh now: it expires soon, or it is the
/// one the platform just refused.
fn stale(t: &StoredTokens, refused: Option<&str>, now: i64) -> bool {
    refused == Some(t.access_token.as_str()) || expiring(t.expires_at_ms, now)
}

/// Whether a token expiring at `expires_at_ms` is within
/// [`REFRESH_AHEAD_MS`] of it: the one rule for refreshing ahead.
fn expiring(expires_at_ms: Option<i64>, now: i64) -> bool {
    expires_at_ms.is_some_and(|e| e - now < REFRESH_AHEAD_MS)
}

/// An access token and when it expires, as the database had it.
#[derive(Debug, Clone)]
pub struct Token {
    pub value: String,
    expires_at_ms: Option<i64>,
}

impl Token {
    fn of(t: StoredTokens) -> Token {
        Token {
            value: t.access_token,
            expires_at_ms: t.expires_at_ms,
        }
    }

    /// Whether it may still be used without asking the database again: it
    /// is not within [`REFRESH_AHEAD_MS`] of expiring.
    pub fn usable(&self, now: i64) -> bool {
        !expiring(self.expires_at_ms, now)
    }
}

/// A usable access token for the channel. `refused`: the token the platform
/// just refused (it is refreshed unless someone already did). Errors keep
/// the platform's class: `Reconnect` means the channel's authorisation is dead.
pub async fn access_token(
    st: &AppState,
    ch: &Channel,
    refused: Option<&str>,
) -> std::result::Result<String, PlatformError> {
    Ok(token(st, ch, refused).await?.value)
}

/// [`access_token`] with its expiry, for a caller that keeps it.
pub async fn token(
    st: &AppState,
    ch: &Channel,
    refused: Option<&str>,
) -> std::result::Result<Token, PlatformError> {
    // Every call with the channel's tokens asks for them here first: no
    // token leaves for an API the channel was not connected through.
    binding(st, ch).map_err(super::Unbound::error)?;
    let (_, t) = current(st, ch).await?;
    if !stale(&t, refused, st.now()) {
        return Ok(Token::of(t));
    }
    let holder = crate::crypto::random_token();
    let waited_since = std::time::Instant::now();
    loop {
        let now = st.now();
        let got = async {
            let mut tx = st.db.write().await?;
            let got = pdb::lock_refresh(&mut tx, ch.id, &holder, now + LOCK_MS, now).await?;
            tx.commit().await?;
            Ok::<_, crate::db::DbError>(got)
        }
        .await
        .map_err(|e| internal(e.to_string()))?;
        if got {
            break;
        }
        // Someone else is refreshing: their token will do.
        if waited_since.elapsed() > WAIT_FOR_LOCK {
            return Err(internal(
                "another refresh of this channel's token is taking too long".into(),
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        let (_, t) = current(st, ch).await?;
        if !stale(&t, refused, st.now()) {
            return Ok(Token::of(t));
        }
    }
    let out = refresh_held(st, ch, refused).await;
    let unlocked = async {
        let mut tx = st.db.write().await?;
        pdb::unlock_refresh(&mut tx, ch.id, &holder).await?;
        tx.commit().await
    }
    .await;
    if let Err(e) = unlocked {
        tracing::warn!(channel = %ch.id, error = %e, "the refresh lock is left to run out");
    }
    out
}

/// The refresh itself, with the channel's lock held: the tokens are read
/// again (a holder before this one may have refreshed them), and the new set
/// is saved before anything uses it.
async fn refresh_held(
    st: &AppState,
    ch: &Channel,
    refused: Option<&str>,
) -> std::result::Result<Token, PlatformError> {
    let (fresh, t) = current(st, ch).await?;
    let now = st.now();
    if !stale(&t, refused, now) {
        return Ok(Token::of(t));
    }
    let platform =
        Platform::parse(&fresh.platform).ok_or_else(|| internal("unknown platform".into()))?;
    let Some(rt) = t.refresh_token.clone() else {
        // Facebook Page tokens from a long-lived user token do not expire and
        // have no refresh grant: use the token until the platform refuses it.
        if refused.is_some() || t.expires_at_ms.is_some_and(|e| e <= now) {
            return Err(PlatformError {
                class: ErrorClass::Reconnect,
                status: None,
                code: "no_refresh".into(),
                message:
                    "the token expired and the platform offers no refresh: reconnect the channel"
                        .into(),
            });
        }
        return Ok(Token::of(t));
    };
    let got = oauth::refresh(platform, &app(st, platform), &rt, now).await?;
    let mut stored = StoredTokens::from(got);
    // Platforms that do not rotate keep the old refresh token valid.
    if stored.refresh_token.is_none() {
        stored.refresh_token = Some(rt);
        stored.refresh_expires_at_ms = t.refresh_expires_at_ms;
    }
    let sealed = seal(
        st,
        fresh.agency_id,
        &fresh.platform,
        &fresh.external_id,
        &stored,
    );
    let saved = async {
        let mut tx = st.db.write().await?;
        pdb::set_tokens(&mut tx, fresh.id, &sealed, stored.expires_at_ms, now).await?;
        tx.commit().await
    }
    .await;
    if let Err(e) = saved {
        // The platform may already have retired the old refresh token.
        tracing::error!(channel = %fresh.id, error = %e, "a refreshed token could not be saved");
        return Err(internal(e.to_string()));
    }
    Ok(Token::of(stored))
}

/// Housekeeping: refreshes tokens that expire soon; a dead refresh marks the
/// channel. Returns how many were refreshed.
pub async fn refresh_due(st: &AppState) -> Result<usize> {
    let now = st.now();
    let due = {
        let mut tx = st.db.read().await?;
        pdb::expiring(&mut tx, now + REFRESH_AHEAD_MS, 100).await?
    };
    let mut n = 0;
    // A channel bound elsewhere waits for its API; its pages say why.
    for ch in due.into_iter().filter(|c| binding(st, c).is_ok()) {
        match access_token(st, &ch, None).await {
            Ok(_) => n += 1,
            Err(e) if e.class == ErrorClass::Reconnect => {
                needs_reconnect(st, &ch, &e.to_string()).await?
            }
            Err(e) => {
                tracing::warn!(channel = %ch.id, error = %e, "token refresh failed; will retry")
            }
        }
    }
    Ok(n)
}

//! Signing in and out, sessions, access tokens, and who a request is.

use std::sync::Arc;

use super::{Actor, audit};
use crate::crypto::{random_token, sha256_hex, verify_dummy, verify_password};
use crate::db::{DbResult, sessions, throttle, tokens, users};
use crate::domain::{Locale, OrgId, Role, TokenId, UserId, policy};
use crate::error::{Error, Result};
use crate::state::AppState;
use serde_json::json;

/// Sessions last at most this long, however active.
const SESSION_MAX_MS: i64 = 30 * 24 * 3600 * 1000;
/// Activity moves a session's expiry at most this often (saves writes).
const TOUCH_EVERY_MS: i64 = 60 * 1000;

/// How a request proved who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthVia {
    Session { token_hash: String },
    Token { id: TokenId },
}

/// The signed-in user of a request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: UserId,
    pub username: String,
    pub display_name: String,
    pub locale: Locale,
    pub is_system_admin: bool,
    pub must_change_password: bool,
    pub memberships: Vec<(OrgId, Role)>,
    pub via: AuthVia,
}

impl Principal {
    pub fn subject(&self) -> policy::Subject<'_> {
        policy::Subject {
            is_system_admin: self.is_system_admin,
            memberships: &self.memberships,
        }
    }

    pub fn actor(&self, client_addr: &str) -> Actor {
        Actor {
            user_id: Some(self.user_id),
            name: self.username.clone(),
            client_addr: client_addr.to_string(),
            is_system_admin: self.is_system_admin,
        }
    }

    /// The session token hash, when signed in through the browser.
    pub fn session_hash(&self) -> Option<&str> {
        match &self.via {
            AuthVia::Session { token_hash } => Some(token_hash),
            AuthVia::Token { .. } => None,
        }
    }
}

/// A successful sign-in: the cookie value to set and who signed in.
pub struct LoginOutcome {
    pub session_token: String,
    pub user_id: UserId,
    pub locale: Locale,
}

/// Signs a user in. Every failure but throttling gives the same error, whether
/// or not the account exists.
pub async fn login(
    st: &AppState,
    username: &str,
    password: &str,
    client_addr: &str,
    user_agent: &str,
) -> Result<LoginOutcome> {
    let cfg = &st.config;
    let name = username.trim().to_lowercase();
    let now = st.now();

    let user = {
        let mut tx = st.db.read().await?;
        check_throttle(st, &mut tx, &name, client_addr).await?;
        users::by_username(&mut tx, &name).await?
    };

    let pw = password.to_string();
    let ok = match &user {
        Some(u) if !u.disabled => {
            let hash = u.password_hash.clone();
            tokio::task::spawn_blocking(move || verify_password(&pw, &hash))
                .await
                .map_err(|e| Error::Internal(e.to_string()))?
        }
        _ => {
            tokio::task::spawn_blocking(move || verify_dummy(&pw))
                .await
                .map_err(|e| Error::Internal(e.to_string()))?;
            false
        }
    };

    let mut tx = st.db.write().await?;
    throttle::record(&mut tx, &name, client_addr, now, ok).await?;
    let (Some(user), true) = (user, ok) else {
        tx.commit().await?;
        return Err(Error::Invalid(crate::domain::Invalid::new(
            "password",
            "login-failed",
        )));
    };
    let token = random_token();
    sessions::insert(
        &mut tx,
        sessions::NewSession {
            token_hash: &sha256_hex(token.as_bytes()),
            user_id: user.id,
            now,
            expires_at: now + cfg.session_idle_minutes * 60_000,
            client_addr,
            user_agent: &user_agent.chars().take(200).collect::<String>(),
        },
    )
    .await?;
    let actor = Actor {
        user_id: Some(user.id),
        name: user.username.clone(),
        client_addr: client_addr.into(),
        is_system_admin: user.is_system_admin,
    };
    audit(
        &mut tx,
        &actor,
        None,
        "session.login",
        "user",
        user.id,
        json!({}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(LoginOutcome {
        session_token: token,
        user_id: user.id,
        locale: Locale::parse(&user.locale).unwrap_or_default(),
    })
}

/// Refuses a password check when the account name or the client address has
/// failed too often within the window. Sign-in and every other check of a
/// password the user types (the current password on a password change) count
/// against the same limits, so neither is a way around the other.
pub(crate) async fn check_throttle(
    st: &AppState,
    tx: &mut crate::db::Tx,
    username: &str,
    client_addr: &str,
) -> Result<()> {
    let cfg = &st.config;
    let window_start = st.now() - cfg.login_window_minutes * 60_000;
    let by_user = throttle::failures_for_user(tx, username, window_start).await?;
    let by_addr = throttle::failures_for_addr(tx, client_addr, window_start).await?;
    if by_user >= cfg.login_max_failures_per_account
        || by_addr >= cfg.login_max_failures_per_address
    {
        return Err(Error::Throttled {
            minutes: cfg.login_window_minutes,
        });
    }
    Ok(())
}

/// A user as the policy sees them, outside any request (background work, tests).
pub async fn principal_of(st: &AppState, user_id: UserId) -> Result<Option<Principal>> {
    let mut tx = st.db.read().await?;
    principal_for(
        &mut tx,
        user_id,
        AuthVia::Session {
            token_hash: String::new(),
        },
    )
    .await
}

async fn principal_for(
    tx: &mut crate::db::Tx,
    user_id: UserId,
    via: AuthVia,
) -> Result<Option<Principal>> {
    let Some(u) = users::get(tx, user_id).await? else {
        return Ok(None);
    };
    if u.disabled {
        return Ok(None);
    }
    let memberships = users::memberships(tx, user_id).await?;
    Ok(Some(Principal {
        user_id,
        username: u.username,
        display_name: u.display_name,
        locale: Locale::parse(&u.locale).unwrap_or_default(),
        is_system_admin: u.is_system_admin,
        must_change_password: u.must_change_password,
        memberships,
        via,
    }))
}

/// The principal behind a session cookie value, if the session is live:
/// kept for a moment by this process ([`super::principals`]), else read.
pub async fn resolve_session(st: &AppState, token: &str) -> Result<Option<Arc<Principal>>> {
    let hash = sha256_hex(token.as_bytes());
    let now = st.now();
    if let Some(p) = st.principals.get(&hash, now) {
        return Ok(Some(p));
    }
    let generation = users::accounts_generation();
    let mut tx = st.db.read().await?;
    let Some(s) = sessions::get_live(&mut tx, &hash, now).await? else {
        return Ok(None);
    };
    if now - s.created_at > SESSION_MAX_MS {
        return Ok(None);
    }
    let via = AuthVia::Session {
        token_hash: hash.clone(),
    };
    let Some(p) = principal_for(&mut tx, s.user_id, via).await? else {
        return Ok(None);
    };
    drop(tx);
    let mut expires = s.expires_at;
    if now - s.last_seen_at > TOUCH_EVERY_MS {
        expires = now + st.config.session_idle_minutes * 60_000;
        touch_session(st, &hash, now, expires).await;
    }
    let p = Arc::new(p);
    let ends_at = expires.min(s.created_at + SESSION_MAX_MS + 1);
    st.principals.keep(&hash, p.clone(), generation, ends_at);
    Ok(Some(p))
}

/// Records that the session was used: its last use and idle end.
async fn touch_session(st: &AppState, hash: &str, now: i64, expires: i64) {
    let h = hash.to_string();
    record_use(st, "session", move |tx| {
        let h = h.clone();
        Box::pin(async move { sessions::touch(tx, &h, now, expires).await })
    })
    .await;
}

/// Records that a session or token (`what`) was used. A small write shared
/// with the others waiting (one turn of the write lock, ahead of the slow
/// writers), and not the request's business: when it cannot be made the
/// request is answered all the same (a session may only end sooner, a
/// token shows an older last use).
async fn record_use<F>(st: &AppState, what: &'static str, f: F)
where
    F: for<'t> FnMut(&'t mut crate::db::Tx) -> futures_util::future::BoxFuture<'t, DbResult<()>>
        + Send
        + 'static,
{
    if let Err(e) = st.db.write_shared(f).await {
        tracing::warn!(error = %e, what, "a last use was not recorded");
    }
}

/// Access tokens start with this, so they are recognisable in logs and scanners.
pub const TOKEN_PREFIX: &str = "lt_";

/// The principal behind a personal access token, if the token is live.
pub async fn resolve_token(st: &AppState, token: &str) -> Result<Option<Principal>> {
    if !token.starts_with(TOKEN_PREFIX) {
        return Ok(None);
    }
    let hash = sha256_hex(token.as_bytes());
    let now = st.now();
    let mut tx = st.db.read().await?;
    let Some(t) = tokens::find_live(&mut tx, &hash).await? else {
        return Ok(None);
    };
    let p = principal_for(&mut tx, t.user_id, AuthVia::Token { id: t.id }).await?;
    drop(tx);
    if p.is_some() && t.last_used_at.is_none_or(|u| now - u > TOUCH_EVERY_MS) {
        let id = t.id;
        record_use(st, "token", move |tx| {
            Box::pin(async move { tokens::touch(tx, id, now).await })
        })
        .await;
    }
    Ok(p)
}

/// Ends the browser session of the principal.
pub async fn logout(st: &AppState, p: &Principal, client_addr: &str) -> Result<()> {
    let Some(hash) = p.session_hash() else {
        return Ok(());
    };
    let now = st.now();
    let mut tx = st.db.write().await?;
    sessions::delete(&mut tx, hash).await?;
    audit(
        &mut tx,
        &p.actor(client_addr),
        None,
        "session.logout",
        "user",
        p.user_id,
        json!({}),
        now,
    )
    .await?;
    tx.commit().await?;
    users::accounts_changed();
    Ok(())
}

/// A new personal access token: `lt_` and 64 hex characters.
pub fn new_access_token() -> String {
    format!("{TOKEN_PREFIX}{}", random_token())
}

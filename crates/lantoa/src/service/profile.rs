//! A user's own settings: language, password, personal access tokens.

use super::accounts::{Principal, check_throttle, new_access_token};
use super::audit;
use crate::crypto::{hash_password, sha256_hex, verify_password};
use crate::db::{sessions, throttle, tokens, users};
use crate::domain::{Invalid, Locale, Password, TokenId};
use crate::error::{Error, Result};
use crate::state::AppState;
use serde_json::json;

pub async fn set_locale(st: &AppState, p: &Principal, client: &str, locale: Locale) -> Result<()> {
    if p.locale == locale {
        return Ok(());
    }
    let now = st.now();
    let mut tx = st.db.write().await?;
    users::set_locale(&mut tx, p.user_id, locale.code(), now).await?;
    audit(
        &mut tx,
        &p.actor(client),
        None,
        "user.locale",
        "user",
        p.user_id,
        json!({"before": p.locale.code(), "after": locale.code()}),
        now,
    )
    .await?;
    tx.commit().await?;
    users::accounts_changed();
    Ok(())
}

/// Sets (or clears, with "") the address for notification e-mails.
pub async fn set_email(st: &AppState, p: &Principal, client: &str, email: &str) -> Result<()> {
    let email = email.trim();
    if !email.is_empty() && !crate::mail::valid_address(email) {
        return Err(Invalid::new("email", "invalid-email").into());
    }
    let now = st.now();
    let mut tx = st.db.write().await?;
    let before = users::email_of(&mut tx, p.user_id).await?;
    if before == email {
        return Ok(());
    }
    users::set_email(&mut tx, p.user_id, email, now).await?;
    audit(
        &mut tx,
        &p.actor(client),
        None,
        "user.email",
        "user",
        p.user_id,
        json!({"before": before, "after": email}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn email(st: &AppState, p: &Principal) -> Result<String> {
    let mut tx = st.db.read().await?;
    Ok(users::email_of(&mut tx, p.user_id).await?)
}

/// Changes the user's own password after checking the current one. Other
/// sessions of the user end; the one in use stays.
pub async fn change_password(
    st: &AppState,
    p: &Principal,
    client: &str,
    current: &str,
    new: &str,
    confirm: &str,
) -> Result<()> {
    let new_pw = Password::parse("new_password", new)?;
    if new != confirm {
        return Err(Invalid::new("confirm_password", "password-mismatch").into());
    }
    if new == current {
        return Err(Invalid::new("new_password", "password-unchanged").into());
    }
    // Checking the current password is a sign-in in disguise: a stolen session
    // must not become a way to guess it faster than the login form allows.
    let name = p.username.to_lowercase();
    let stored = {
        let mut tx = st.db.read().await?;
        check_throttle(st, &mut tx, &name, client).await?;
        users::get(&mut tx, p.user_id)
            .await?
            .ok_or(Error::NotFound)?
            .password_hash
    };
    let cur = current.to_string();
    let new_s = new_pw.expose().to_string();
    let (ok, hash) = tokio::task::spawn_blocking(move || {
        let ok = verify_password(&cur, &stored);
        (ok, ok.then(|| hash_password(&new_s)))
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))?;
    let now = st.now();
    let mut tx = st.db.write().await?;
    throttle::record(&mut tx, &name, client, now, ok).await?;
    let (true, Some(hash)) = (ok, hash) else {
        tx.commit().await?;
        return Err(Invalid::new("current_password", "current-password-wrong").into());
    };
    users::set_password(&mut tx, p.user_id, &hash, false, now).await?;
    let ended = sessions::delete_for_user(&mut tx, p.user_id, p.session_hash()).await?;
    audit(
        &mut tx,
        &p.actor(client),
        None,
        "user.password_change",
        "user",
        p.user_id,
        json!({"after": {"other_sessions_ended": ended}}),
        now,
    )
    .await?;
    tx.commit().await?;
    users::accounts_changed();
    Ok(())
}

/// Creates a personal access token; the plain value is returned once, only a hash is kept.
pub async fn create_token(
    st: &AppState,
    p: &Principal,
    client: &str,
    name: &str,
) -> Result<(TokenId, String)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(Invalid::new("name", "invalid-token-name").into());
    }
    let token = new_access_token();
    let now = st.now();
    let mut tx = st.db.write().await?;
    let prefix: String = token.chars().take(10).collect();
    let id = tokens::insert(
        &mut tx,
        p.user_id,
        name,
        &sha256_hex(token.as_bytes()),
        &prefix,
        now,
    )
    .await?;
    audit(
        &mut tx,
        &p.actor(client),
        None,
        "token.create",
        "api_token",
        id,
        json!({"after": {"name": name, "prefix": prefix}}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((id, token))
}

pub async fn list_tokens(st: &AppState, p: &Principal) -> Result<Vec<tokens::ApiToken>> {
    let mut tx = st.db.read().await?;
    Ok(tokens::list_for_user(&mut tx, p.user_id).await?)
}

/// Revokes one of the user's own tokens; another user's token is "not found".
pub async fn revoke_token(st: &AppState, p: &Principal, client: &str, id: TokenId) -> Result<()> {
    let now = st.now();
    let mut tx = st.db.write().await?;
    if !tokens::revoke(&mut tx, p.user_id, id, now).await? {
        return Err(Error::NotFound);
    }
    audit(
        &mut tx,
        &p.actor(client),
        None,
        "token.revoke",
        "api_token",
        id,
        json!({}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

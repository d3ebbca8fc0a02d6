//! Server-side login sessions. Only a hash of the cookie's token is stored.

use super::{DbResult, Tx, sql};
use crate::domain::UserId;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Session {
    pub token_hash: String,
    pub user_id: UserId,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_id: UserId,
    pub now: i64,
    pub expires_at: i64,
    pub client_addr: &'a str,
    pub user_agent: &'a str,
}

pub async fn insert(tx: &mut Tx, s: NewSession<'_>) -> DbResult<()> {
    sql!(tx, execute
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at,
                               client_addr, user_agent)
         VALUES ($1, $2, $3, $3, $4, $5, $6)",
        s.token_hash, s.user_id, s.now, s.expires_at, s.client_addr, s.user_agent)?;
    Ok(())
}

/// The session for a token hash, if it has not expired.
pub async fn get_live(tx: &mut Tx, token_hash: &str, now: i64) -> DbResult<Option<Session>> {
    Ok(sql!(tx, fetch_optional
        "SELECT token_hash, user_id, created_at, last_seen_at, expires_at FROM sessions
         WHERE token_hash = $1 AND expires_at > $2",
        token_hash, now)?)
}

pub async fn touch(tx: &mut Tx, token_hash: &str, now: i64, expires_at: i64) -> DbResult<()> {
    sql!(tx, execute
        "UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3",
        now, expires_at, token_hash)?;
    Ok(())
}

pub async fn delete(tx: &mut Tx, token_hash: &str) -> DbResult<()> {
    super::users::accounts_changed();
    sql!(tx, execute "DELETE FROM sessions WHERE token_hash = $1", token_hash)?;
    Ok(())
}

/// Ends every session of a user except, optionally, the one in use.
pub async fn delete_for_user(tx: &mut Tx, user: UserId, keep: Option<&str>) -> DbResult<u64> {
    super::users::accounts_changed();
    let keep = keep.unwrap_or("");
    let r = sql!(tx, execute
        "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2",
        user, keep)?;
    Ok(r)
}

pub async fn purge_expired(tx: &mut Tx, now: i64) -> DbResult<u64> {
    let r = sql!(tx, execute "DELETE FROM sessions WHERE expires_at <= $1", now)?;
    Ok(r)
}

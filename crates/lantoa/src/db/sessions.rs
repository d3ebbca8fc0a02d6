//! Server-side login sessions. Only a hash of the cookie's token is stored.

use super::{DbResult, Tx, on_tx};
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
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at,
                               client_addr, user_agent)
         VALUES ($1, $2, $3, $3, $4, $5, $6)")
        .bind(s.token_hash).bind(s.user_id).bind(s.now).bind(s.expires_at)
        .bind(s.client_addr).bind(s.user_agent).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The session for a token hash, if it has not expired.
pub async fn get_live(tx: &mut Tx, token_hash: &str, now: i64) -> DbResult<Option<Session>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT token_hash, user_id, created_at, last_seen_at, expires_at FROM sessions
         WHERE token_hash = $1 AND expires_at > $2")
        .bind(token_hash).bind(now).fetch_optional(c).await)?)
}

pub async fn touch(tx: &mut Tx, token_hash: &str, now: i64, expires_at: i64) -> DbResult<()> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3")
        .bind(now).bind(expires_at).bind(token_hash).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn delete(tx: &mut Tx, token_hash: &str) -> DbResult<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends every session of a user except, optionally, the one in use.
pub async fn delete_for_user(tx: &mut Tx, user: UserId, keep: Option<&str>) -> DbResult<u64> {
    let keep = keep.unwrap_or("");
    let r = on_tx!(tx, c => sqlx::query(
        "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user).bind(keep).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(r)
}

pub async fn purge_expired(tx: &mut Tx, now: i64) -> DbResult<u64> {
    let r = on_tx!(tx, c => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(r)
}

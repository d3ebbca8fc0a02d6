//! Personal access tokens for API clients. Only a hash of each token is stored.

use super::{DbResult, Tx, sql};
use crate::domain::{TokenId, UserId};
use serde::Serialize;

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    pub id: TokenId,
    pub user_id: UserId,
    pub name: String,
    /// The first characters of the token, to tell tokens apart.
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

pub async fn insert(
    tx: &mut Tx,
    user: UserId,
    name: &str,
    token_hash: &str,
    prefix: &str,
    now: i64,
) -> DbResult<TokenId> {
    let id: i64 = sql!(tx, scalar fetch_one
        "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        user, name, token_hash, prefix, now)?;
    Ok(TokenId(id))
}

pub async fn list_for_user(tx: &mut Tx, user: UserId) -> DbResult<Vec<ApiToken>> {
    Ok(sql!(tx, fetch_all
        "SELECT id, user_id, name, prefix, created_at, last_used_at, revoked_at
         FROM api_tokens WHERE user_id = $1 ORDER BY id DESC",
        user)?)
}

/// The live (not revoked) token with this hash.
pub async fn find_live(tx: &mut Tx, token_hash: &str) -> DbResult<Option<ApiToken>> {
    Ok(sql!(tx, fetch_optional
        "SELECT id, user_id, name, prefix, created_at, last_used_at, revoked_at
         FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
        token_hash)?)
}

pub async fn touch(tx: &mut Tx, id: TokenId, now: i64) -> DbResult<()> {
    sql!(tx, execute "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2", now, id)?;
    Ok(())
}

/// Revokes one of the user's own tokens; false when there is no such live token.
pub async fn revoke(tx: &mut Tx, user: UserId, id: TokenId, now: i64) -> DbResult<bool> {
    let r = sql!(tx, execute
        "UPDATE api_tokens SET revoked_at = $1
         WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
        now, id, user)?;
    Ok(r == 1)
}

/// Revokes every live token of a user (used when an admin resets the password).
pub async fn revoke_all(tx: &mut Tx, user: UserId, now: i64) -> DbResult<u64> {
    let r = sql!(tx, execute
        "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        now, user)?;
    Ok(r)
}

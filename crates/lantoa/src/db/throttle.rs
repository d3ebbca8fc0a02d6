//! Login attempts, counted per account name and per client address to slow down guessing.

use super::{DbResult, Tx, on_tx};

pub async fn record(
    tx: &mut Tx,
    username: &str,
    client_addr: &str,
    at: i64,
    success: bool,
) -> DbResult<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO login_attempts (username, client_addr, at, success) VALUES ($1, $2, $3, $4)")
        .bind(username).bind(client_addr).bind(at).bind(success).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Failed attempts for an account name since `since`, not counting those before
/// its last successful login.
pub async fn failures_for_user(tx: &mut Tx, username: &str, since: i64) -> DbResult<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM login_attempts
         WHERE username = $1 AND NOT success AND at >= $2
           AND at > COALESCE((SELECT MAX(at) FROM login_attempts
                              WHERE username = $1 AND success), 0)")
        .bind(username).bind(since).fetch_one(c).await)?)
}

/// Failed attempts from a client address since `since`.
pub async fn failures_for_addr(tx: &mut Tx, client_addr: &str, since: i64) -> DbResult<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM login_attempts WHERE client_addr = $1 AND NOT success AND at >= $2")
        .bind(client_addr).bind(since).fetch_one(c).await)?)
}

pub async fn purge_before(tx: &mut Tx, before: i64) -> DbResult<u64> {
    let r = on_tx!(tx, c => sqlx::query("DELETE FROM login_attempts WHERE at < $1")
        .bind(before).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(r)
}

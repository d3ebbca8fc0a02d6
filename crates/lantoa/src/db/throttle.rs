//! Login attempts, counted per account name and per client address to slow down guessing.

use super::{DbResult, Tx, sql};

pub async fn record(
    tx: &mut Tx,
    username: &str,
    client_addr: &str,
    at: i64,
    success: bool,
) -> DbResult<()> {
    sql!(tx, execute
        "INSERT INTO login_attempts (username, client_addr, at, success) VALUES ($1, $2, $3, $4)",
        username, client_addr, at, success)?;
    Ok(())
}

/// Failed attempts for an account name since `since`, not counting those before
/// its last successful login.
pub async fn failures_for_user(tx: &mut Tx, username: &str, since: i64) -> DbResult<i64> {
    Ok(sql!(tx, scalar fetch_one
        "SELECT COUNT(*) FROM login_attempts
         WHERE username = $1 AND NOT success AND at >= $2
           AND at > COALESCE((SELECT MAX(at) FROM login_attempts
                              WHERE username = $1 AND success), 0)",
        username, since)?)
}

/// Failed attempts from a client address since `since`.
pub async fn failures_for_addr(tx: &mut Tx, client_addr: &str, since: i64) -> DbResult<i64> {
    Ok(sql!(tx, scalar fetch_one
        "SELECT COUNT(*) FROM login_attempts WHERE client_addr = $1 AND NOT success AND at >= $2",
        client_addr, since)?)
}

pub async fn purge_before(tx: &mut Tx, before: i64) -> DbResult<u64> {
    let r = sql!(tx, execute "DELETE FROM login_attempts WHERE at < $1", before)?;
    Ok(r)
}

//! Web Push data: the browsers subscribed for a person, and the notifications
//! still to hand to their push services.

use super::{DbResult, Tx, sql};
use crate::domain::{ClipId, OrgId, UserId};

/// One browser's subscription.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Subscription {
    pub id: i64,
    pub user_id: UserId,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub created_at: i64,
    pub failed_at: Option<i64>,
}

/// Records a browser's subscription for `user` (a browser subscribed for
/// someone else before now tells this person only).
pub async fn subscribe(
    tx: &mut Tx,
    user: UserId,
    endpoint: &str,
    p256dh: &str,
    auth: &str,
    now: i64,
) -> DbResult<()> {
    sql!(tx, execute
        "INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, created_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id,
             p256dh = excluded.p256dh, auth = excluded.auth,
             created_at = excluded.created_at, failed_at = NULL",
        user, endpoint, p256dh, auth, now)?;
    Ok(())
}

/// Keeps the person's `keep` newest subscriptions and forgets the others.
pub async fn keep_newest(tx: &mut Tx, user: UserId, keep: i64) -> DbResult<()> {
    sql!(tx, execute
        "DELETE FROM push_subscriptions WHERE user_id = $1 AND id NOT IN (
             SELECT id FROM push_subscriptions WHERE user_id = $1
             ORDER BY created_at DESC, id DESC LIMIT $2)",
        user, keep)?;
    Ok(())
}

/// Forgets the person's subscription at `endpoint`; how many went.
pub async fn unsubscribe(tx: &mut Tx, user: UserId, endpoint: &str) -> DbResult<u64> {
    Ok(sql!(tx, execute
        "DELETE FROM push_subscriptions WHERE user_id = $1 AND endpoint = $2",
        user, endpoint)?)
}

/// Forgets a subscription its push service says is gone.
pub async fn forget(tx: &mut Tx, id: i64) -> DbResult<()> {
    sql!(tx, execute "DELETE FROM push_subscriptions WHERE id = $1", id)?;
    Ok(())
}

/// Notes that a subscription's push service refused a message.
pub async fn mark_failed(tx: &mut Tx, id: i64, now: i64) -> DbResult<()> {
    sql!(tx, execute "UPDATE push_subscriptions SET failed_at = $1 WHERE id = $2", now, id)?;
    Ok(())
}

/// The person's subscribed browsers.
pub async fn subscriptions_of(tx: &mut Tx, user: UserId) -> DbResult<Vec<Subscription>> {
    Ok(sql!(tx, fetch_all
        "SELECT id, user_id, endpoint, p256dh, auth, created_at, failed_at
         FROM push_subscriptions WHERE user_id = $1 ORDER BY id",
        user)?)
}

/// A notification still to push, with the language of its person.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingPush {
    pub id: i64,
    pub user_id: UserId,
    pub locale: String,
    pub agency_id: OrgId,
    pub clip_id: Option<ClipId>,
    pub clip_title: Option<String>,
    pub kind: String,
    pub args: String,
}

/// Notifications since `since` not yet pushed, of people with a subscribed
/// browser.
pub async fn pending(tx: &mut Tx, since: i64, limit: i64) -> DbResult<Vec<PendingPush>> {
    Ok(sql!(tx, fetch_all
        "SELECT n.id, n.user_id, u.locale, n.agency_id, n.clip_id, k.title AS clip_title, n.kind,
                n.args
         FROM notifications n JOIN users u ON u.id = n.user_id
         LEFT JOIN clips k ON k.id = n.clip_id
         WHERE n.pushed_at IS NULL AND n.created_at >= $1 AND NOT u.disabled
           AND EXISTS (SELECT 1 FROM push_subscriptions s WHERE s.user_id = n.user_id)
         ORDER BY n.id LIMIT $2",
        since, limit)?)
}

/// Claims a notification for pushing; false when another sender has it.
pub async fn claim(tx: &mut Tx, id: i64, now: i64) -> DbResult<bool> {
    let n = sql!(tx, execute
        "UPDATE notifications SET pushed_at = $1 WHERE id = $2 AND pushed_at IS NULL",
        now, id)?;
    Ok(n == 1)
}

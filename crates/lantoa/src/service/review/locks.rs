//! Soft edit locks: who is editing a clip, taking over a stale lock, and
//! releasing one's own.

use serde::Serialize;
use serde_json::json;

use super::transitions::load;
use super::{LOCK_GONE_MS, LOCK_STALE_MS};
use crate::db::clips::{self, Clip};
use crate::db::orgs::Org;
use crate::db::{Tx, users};
use crate::domain::policy::{self, ClipFacts, ClipOp};
use crate::domain::{ClipId, UserId};
use crate::error::{Arg, Refusal, Result};
use crate::service::Caller;
use crate::service::accounts::Principal;
use crate::state::AppState;

/// Who holds the edit lock, as the page shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LockView {
    pub holder: Option<UserId>,
    pub holder_name: Option<String>,
    pub since: Option<i64>,
    pub mine: bool,
    pub stale: bool,
}

pub async fn lock_view(tx: &mut Tx, clip: &Clip, me: UserId, now: i64) -> Result<LockView> {
    let live = clip
        .lock_at
        .is_some_and(|at| now - at < LOCK_GONE_MS && clip.lock_user_id.is_some());
    if !live {
        return Ok(LockView {
            holder: None,
            holder_name: None,
            since: None,
            mine: false,
            stale: false,
        });
    }
    let holder = clip.lock_user_id;
    let name = match holder {
        Some(u) => users::get(tx, u).await?.map(|u| u.display_name),
        None => None,
    };
    Ok(LockView {
        holder,
        holder_name: name,
        since: clip.lock_at,
        mine: holder == Some(me),
        stale: clip.lock_at.is_some_and(|at| now - at >= LOCK_STALE_MS),
    })
}

pub(super) async fn check_lock(
    tx: &mut Tx,
    clip: &Clip,
    p: &Principal,
    f: &ClipFacts,
    now: i64,
    tz: &str,
) -> Result<Option<LockView>> {
    let l = lock_view(tx, clip, p.user_id, now).await?;
    if l.holder.is_none() || l.mine {
        return Ok(None);
    }
    if policy::on_clip(f, ClipOp::TakeOverLock).is_ok() {
        // Someone else's stale lock, taken over.
        return Ok(Some(l));
    }
    let mut r = Refusal::new(
        "clip_locked",
        if l.stale {
            "lock-stale-held"
        } else {
            "lock-held"
        },
    )
    .text("name", l.holder_name.unwrap_or_default());
    if let Some(t) = l.since {
        r = r.arg("since", Arg::Time(t, tz.into()));
    }
    Err(r.into())
}

/// Records that `p` took over the lock `before` showed on the clip.
pub(super) async fn audit_takeover(
    caller: &Caller,
    tx: &mut Tx,
    clip: &Clip,
    before: &LockView,
    now: i64,
) -> Result<()> {
    caller
        .audit(
            tx,
            now,
            "clip.lock_takeover",
            ("clip", clip.id),
            json!({"before": {"holder": before.holder, "since": before.since},
                   "after": {"holder": caller.principal.user_id}}),
        )
        .await?;
    Ok(())
}

/// Takes (or refreshes) the edit lock. A stale lock of someone else is taken
/// over only by an editor or the head, and that is recorded.
pub async fn lock(caller: &Caller, id: ClipId) -> Result<LockView> {
    let (mut tx, now, clip, f) = caller.write_clip(id, ClipOp::Lock).await?;
    let before = lock_view(&mut tx, &clip, caller.principal.user_id, now).await?;
    check_lock(
        &mut tx,
        &clip,
        &caller.principal,
        &f,
        now,
        &caller.agency.time_zone,
    )
    .await?;
    clips::set_lock(&mut tx, clip.id, Some(caller.principal.user_id), Some(now)).await?;
    if before.holder.is_some_and(|h| h != caller.principal.user_id) {
        audit_takeover(caller, &mut tx, &clip, &before, now).await?;
    }
    let clip = Clip {
        lock_user_id: Some(caller.principal.user_id),
        lock_at: Some(now),
        ..clip
    };
    let v = lock_view(&mut tx, &clip, caller.principal.user_id, now).await?;
    tx.commit().await?;
    Ok(v)
}

/// Releases the caller's own lock.
pub async fn unlock(st: &AppState, p: &Principal, agency: &Org, id: ClipId) -> Result<()> {
    let mut tx = st.db.write().await?;
    let clip = load(&mut tx, agency.id, id).await?;
    if clip.lock_user_id == Some(p.user_id) {
        clips::set_lock(&mut tx, clip.id, None, None).await?;
    }
    tx.commit().await?;
    Ok(())
}

//! Delegations: the head lets a deputy sign in their stead ("ký thay") for a
//! period; a delegation's standing now, giving one and revoking it.

use serde::Deserialize;
use serde_json::json;

use super::roles_in;
use crate::db::review as rdb;
use crate::db::{Tx, users};
use crate::domain::approval::Delegation;
use crate::domain::policy;
use crate::domain::{Invalid, OrgId, UserId};
use crate::error::{Error, Refusal, Result};
use crate::service::Caller;

/// The deputy's delegation standing now: active if any delegation covers `now`,
/// else the nearest one that has not started or the latest that ended.
pub async fn delegation_of(
    tx: &mut Tx,
    agency: OrgId,
    user: UserId,
    now: i64,
) -> Result<Delegation> {
    let all = rdb::delegations_to(tx, agency, user).await?;
    if let Some(d) = all
        .iter()
        .find(|d| d.revoked_at.is_none() && d.starts_at <= now && now < d.ends_at)
    {
        return Ok(Delegation::Active {
            id: d.id,
            head: d.from_user,
            ends_at: d.ends_at,
        });
    }
    if let Some(d) = all
        .iter()
        .filter(|d| d.revoked_at.is_none() && d.starts_at > now)
        .min_by_key(|d| d.starts_at)
    {
        return Ok(Delegation::NotYet {
            starts_at: d.starts_at,
        });
    }
    Ok(all
        .iter()
        .map(|d| d.revoked_at.map_or(d.ends_at, |r| r.min(d.ends_at)))
        .max()
        .map_or(Delegation::None, |ended_at| Delegation::Ended { ended_at }))
}

/// The head delegates signing to a deputy for a period ("ký thay").
/// A delegation as asked for.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct DelegationRequest {
    /// The deputy.
    pub to_user: UserId,
    /// UTC milliseconds.
    pub starts_at: i64,
    pub ends_at: i64,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: String,
}

pub async fn delegate(caller: &Caller, r: &DelegationRequest) -> Result<i64> {
    let (to, starts_at, ends_at, note) = (r.to_user, r.starts_at, r.ends_at, r.note.as_str());
    if !policy::gives_delegations(&roles_in(&caller.principal, caller.agency.id)) {
        return Err(Refusal::new("action_not_allowed", "delegation-head-only").into());
    }
    let now = caller.st.now();
    if ends_at <= starts_at || ends_at <= now || ends_at - starts_at > 366 * 24 * 3_600_000 {
        return Err(Invalid::new("ends_at", "invalid-delegation-window").into());
    }
    let note = note.trim();
    if note.chars().count() > 500 {
        return Err(Invalid::new("note", "invalid-note").into());
    }
    let mut tx = caller.st.db.write().await?;
    let receiver = users::roles_in(&mut tx, to, caller.agency.id).await?;
    if !policy::may_delegate(&roles_in(&caller.principal, caller.agency.id), &receiver)
        || to == caller.principal.user_id
    {
        return Err(Invalid::new("to_user", "invalid-delegate").into());
    }
    let id = rdb::insert_delegation(
        &mut tx,
        &rdb::NewDelegation {
            agency_id: caller.agency.id,
            from_user: caller.principal.user_id,
            to_user: to,
            starts_at,
            ends_at,
            note,
            now,
        },
    )
    .await?;
    let after = json!({"from": caller.principal.user_id, "to": to, "starts_at": starts_at,
        "ends_at": ends_at, "note": note});
    let summary = json!({"after": after});
    caller
        .audit(
            &mut tx,
            now,
            "delegation.create",
            ("delegation", id),
            summary,
        )
        .await?;
    rdb::notify(
        &mut tx,
        to,
        caller.agency.id,
        None,
        "delegated",
        &json!({"from": caller.principal.display_name, "until": ends_at}).to_string(),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Ends a delegation now (the head who gave it, or an agency admin).
pub async fn revoke_delegation(caller: &Caller, id: i64) -> Result<()> {
    let (mut tx, now) = caller.write().await?;
    let d = rdb::delegation(&mut tx, caller.agency.id, id)
        .await?
        .ok_or(Error::NotFound)?;
    if !policy::may_revoke_delegation(
        &roles_in(&caller.principal, caller.agency.id),
        d.from_user == caller.principal.user_id,
    ) {
        return Err(Refusal::new("action_not_allowed", "delegation-head-only").into());
    }
    if rdb::revoke_delegation(&mut tx, id, now).await? {
        let summary = json!({"before": {"ends_at": d.ends_at}, "after": {"revoked_at": now}});
        caller
            .audit(
                &mut tx,
                now,
                "delegation.revoke",
                ("delegation", id),
                summary,
            )
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

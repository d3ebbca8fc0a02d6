//! Notifications: telling people of what happened to a clip, and finding who
//! could sign a step or review it.

use super::delegations::delegation_of;
use crate::db::review as rdb;
use crate::db::{Tx, users};
use crate::domain::approval::{self, Delegation};
use crate::domain::policy::REVIEWERS;
use crate::domain::{ClipId, OrgId, Role, UserId};
use crate::error::Result;

pub(crate) async fn notify_users(
    tx: &mut Tx,
    users: &[UserId],
    agency: OrgId,
    clip: ClipId,
    kind: &str,
    args: serde_json::Value,
    now: i64,
) -> Result<()> {
    let mut seen = Vec::new();
    for u in users {
        if seen.contains(u) {
            continue;
        }
        seen.push(*u);
        rdb::notify(tx, *u, agency, Some(clip), kind, &args.to_string(), now).await?;
    }
    Ok(())
}

/// The people who could sign `step` of the policy for this clip (not its authors).
pub(super) async fn signers_of(
    tx: &mut Tx,
    agency: OrgId,
    step: &approval::Step,
    authors: &[UserId],
    now: i64,
) -> Result<Vec<UserId>> {
    let members = users::members_of(tx, agency).await?;
    let mut out: Vec<UserId> = members
        .iter()
        .filter(|m| !m.user.disabled && !authors.contains(&m.user.id))
        .filter(|m| m.roles.iter().any(|r| step.roles.contains(r)))
        .map(|m| m.user.id)
        .collect();
    if step.delegable && step.roles.contains(&Role::Head) {
        for m in members
            .iter()
            .filter(|m| m.roles.contains(&Role::Deputy) && !authors.contains(&m.user.id))
        {
            if matches!(
                delegation_of(tx, agency, m.user.id, now).await?,
                Delegation::Active { .. }
            ) {
                out.push(m.user.id);
            }
        }
    }
    Ok(out)
}

/// The agency's active members holding any of `roles`, except some.
pub(crate) async fn members_with(
    tx: &mut Tx,
    agency: OrgId,
    roles: &[Role],
    except: &[UserId],
) -> Result<Vec<UserId>> {
    Ok(users::members_of(tx, agency)
        .await?
        .into_iter()
        .filter(|m| !m.user.disabled && !except.contains(&m.user.id))
        .filter(|m| m.roles.iter().any(|r| roles.contains(r)))
        .map(|m| m.user.id)
        .collect())
}

/// The reviewers of an agency (editors, heads, deputies).
pub(super) async fn reviewers(
    tx: &mut Tx,
    agency: OrgId,
    except: &[UserId],
) -> Result<Vec<UserId>> {
    members_with(tx, agency, REVIEWERS, except).await
}

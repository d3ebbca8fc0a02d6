//! What a person may sign now in an agency (the *to approve* queue): the
//! same rule the approval enforces, decided for every clip in review from
//! a fixed number of reads, however long the queue.

use std::collections::HashMap;

use super::delegations::delegation_of;
use super::settings::settings;
use super::transitions::{ClipReads, facts_of};
use crate::db::Tx;
use crate::db::clips::{self, Clip};
use crate::db::review as rdb;
use crate::db::sharing as sdb;
use crate::domain::policy::{self, ClipOp};
use crate::domain::workflow::{ClipAction, ClipState};
use crate::domain::{ClipId, OrgId};
use crate::error::Result;
use crate::service::accounts::Principal;

/// The agency's clips in review (the latest `limit`) that `p` may sign now.
pub async fn awaiting_signature(
    tx: &mut Tx,
    p: &Principal,
    agency: OrgId,
    limit: i64,
    now: i64,
) -> Result<Vec<Clip>> {
    let state = ClipState::InReview.code();
    let in_review = clips::in_states(tx, agency, &[state], limit).await?;
    if in_review.is_empty() {
        return Ok(in_review);
    }
    let delegation = delegation_of(tx, agency, p.user_id, now).await?;
    let s = settings(tx, agency).await?;
    let versions: HashMap<_, _> = clips::current_versions_in_state(tx, agency, state)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    let mut live: HashMap<ClipId, Vec<rdb::Approval>> = HashMap::new();
    for a in rdb::live_approvals_in_state(tx, agency, state).await? {
        live.entry(a.clip_id).or_default().push(a);
    }
    let may_cut: HashMap<i64, bool> = sdb::taken_by_clips_in_state(tx, agency, state)
        .await?
        .iter()
        .map(|o| (o.id, crate::service::sharing::terms_of(o).may_cut))
        .collect();
    Ok(in_review
        .into_iter()
        .filter(|c| {
            let reads = ClipReads {
                current: c.current_version_id.and_then(|v| versions.get(&v)),
                live: live.get(&c.id).map_or(&[], Vec::as_slice),
                cut_forbidden: c
                    .taken
                    .as_ref()
                    .and_then(|t| may_cut.get(&t.offer_id))
                    .is_some_and(|may| !may),
            };
            let f = facts_of(p, c, &reads, &s, delegation, now);
            policy::on_clip(&f, ClipOp::Act(ClipAction::Approve)).is_ok()
        })
        .collect())
}

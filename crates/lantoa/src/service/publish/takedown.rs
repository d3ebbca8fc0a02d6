//! Removal: taking a published clip down everywhere the APIs allow (a person's
//! task elsewhere), replacing a corrected post, and the incident that tracks it.

use serde_json::json;

use super::job::{publication_and_channel, tell_heads_and_author};
use super::schedule::{publication_for, untouched};
use super::{REMOVE_JOB, job_key};
use crate::db::Tx;
use crate::db::publishing as pdb;
use crate::domain::PublicationState;
use crate::domain::incident::{IncidentKind, Severity};
use crate::domain::policy::ClipOp;
use crate::domain::workflow::{ClipAction, Requester};
use crate::domain::{ChannelId, ClipId, Invalid, OrgId, PublicationId};
use crate::error::{Refusal, Result};
use crate::jobs::{Enqueue, JobCtx, JobError};
use crate::platforms::connector::{Connector, Connectors};
use crate::platforms::{ErrorClass, Platform, with_connector};
use crate::service::Caller;
use crate::service::{audit, review};
use crate::state::AppState;

fn remove_key(p: PublicationId) -> String {
    format!("unpublish:{p}")
}

pub(super) async fn queue_removal(
    tx: &mut Tx,
    agency: OrgId,
    pid: PublicationId,
    now: i64,
) -> Result<()> {
    pdb::set_removal(tx, pid, "removing", None, None, now).await?;
    crate::jobs::enqueue(
        tx,
        REMOVE_JOB,
        &json!({"publication": pid}),
        &Enqueue {
            priority: 20,
            max_attempts: 8,
            unique_key: Some(remove_key(pid)),
            agency: Some(agency),
            ..Enqueue::default()
        },
        now,
    )
    .await?;
    Ok(())
}

/// A post the API cannot remove: a person's task, recorded and audited.
async fn by_hand(
    st: &AppState,
    pb: &pdb::Publication,
    ch: &pdb::Channel,
    now: i64,
) -> std::result::Result<bool, JobError> {
    let pid = pb.id;
    // TikTok's API cannot delete; a YouTube channel connected without
    // YouTube's delete scope cannot either until it is reconnected.
    let why = crate::service::channels::needs_reconnect_for_takedown(ch).then_some(
        "the YouTube channel was connected without the permission to delete videos: \
         remove the post on YouTube, and reconnect the channel so that Lantoa can next time",
    );
    let mut tx = st.db.write().await?;
    pdb::set_removal(&mut tx, pid, "manual", why, None, now).await?;
    audit(
        &mut tx,
        &review::system_actor(),
        Some(pb.agency_id),
        "publication.removal_manual",
        "publication",
        pid,
        json!({"after": {"removal": "manual"}, "url": pb.url}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(false)
}

/// Removes one post; a platform without a delete API gets a person's task.
async fn remove_one(
    st: &AppState,
    cs: &Connectors,
    pid: PublicationId,
) -> std::result::Result<bool, JobError> {
    let (pb, ch) = {
        let mut tx = st.db.read().await?;
        publication_and_channel(&mut tx, pid).await?
    };
    if matches!(
        pb.removal.as_deref(),
        Some("removed" | "manual" | "manual_done")
    ) {
        return Ok(true);
    }
    let Some(ext) = pb.external_id.clone() else {
        return Ok(true);
    };
    let now = st.now();
    // The outlet's pages stopped showing the post when its removal began:
    // there is nothing to call.
    let r = if ch.platform == crate::domain::outlet::OUTLET {
        Ok(())
    } else {
        let platform = Platform::parse(&ch.platform)
            .ok_or_else(|| JobError::Permanent("unknown platform".into()))?;
        if !crate::service::channels::can_delete(&ch) {
            return by_hand(st, &pb, &ch, now).await;
        }
        let token = crate::service::channels::access_token(st, &ch, None).await;
        match token {
            Ok(t) => with_connector!(cs, platform, c => c.delete(&t, &ch.external_id, &ext).await),
            Err(e) => Err(e),
        }
    };
    let mut tx = st.db.write().await?;
    let outcome = match &r {
        Ok(()) => "removed",
        Err(e) if e.status == Some(404) || e.code == "notFound" => "removed",
        Err(e) if matches!(e.class, ErrorClass::Retry { .. }) => {
            pdb::set_removal(&mut tx, pid, "removing", Some(&e.to_string()), None, now).await?;
            tx.commit().await?;
            return Err(JobError::Retry(e.to_string()));
        }
        Err(_) => "failed",
    };
    let err = r.as_ref().err().map(|e| e.to_string());
    pdb::set_removal(&mut tx, pid, outcome, err.as_deref(), None, now).await?;
    audit(
        &mut tx,
        &review::system_actor(),
        Some(pb.agency_id),
        &format!("publication.{outcome}"),
        "publication",
        pid,
        json!({"after": {"removal": outcome}, "error": err}),
        now,
    )
    .await?;
    update_incident(&mut tx, pb.clip_id, now).await?;
    tx.commit().await?;
    st.outlet_pages.forget();
    Ok(outcome == "removed")
}

pub(super) async fn replace_old(
    st: &AppState,
    cs: &Connectors,
    old: PublicationId,
) -> std::result::Result<(), JobError> {
    remove_one(st, cs, old).await?;
    let mut tx = st.db.write().await?;
    pdb::set_state(&mut tx, old, &["published"], "superseded", st.now()).await?;
    tx.commit().await?;
    st.outlet_pages.forget();
    Ok(())
}

/// The removal job (takedown).
pub async fn run_removal(
    ctx: JobCtx,
    payload: serde_json::Value,
) -> std::result::Result<(), JobError> {
    let pid = PublicationId(
        payload["publication"]
            .as_i64()
            .ok_or_else(|| JobError::Permanent("no publication".into()))?,
    );
    let cs = ctx.st.config.platforms.connectors();
    remove_one(&ctx.st, &cs, pid).await.map(|_| ())
}

/// Takes a published clip down everywhere, with a reason; opens an incident.
/// The agencies that took the clip from this one are told (or, where they
/// chose so, their copies come down too); a copy coming down is written in
/// its source's incident.
pub async fn take_down(caller: &Caller, id: ClipId, reason: &str) -> Result<i64> {
    let reason = reason.trim();
    if !(5..=2000).contains(&reason.chars().count()) {
        return Err(Invalid::new("reason", "takedown-needs-reason").into());
    }
    let (mut tx, now, clip, _) = caller
        .write_clip(id, ClipOp::Act(ClipAction::TakeDown))
        .await?;
    let by = Remover {
        actor: &caller.actor,
        user: caller.principal.user_id,
        name: &caller.principal.display_name,
    };
    let incident =
        remove_everywhere(&mut tx, &caller.st, &by, &caller.agency, &clip, reason, now).await?;
    crate::service::sharing::after_takedown(&mut tx, caller, &clip, incident, reason, now).await?;
    crate::service::sharing::copy_taken_down(&mut tx, &caller.agency, &clip, now).await?;
    tx.commit().await?;
    // The outlets' pages no longer show it: their kept renderings go.
    caller.st.outlet_pages.forget();
    Ok(incident)
}

/// Who takes a clip down: the audit trail's actor, and the person the
/// incident names.
pub(crate) struct Remover<'a> {
    pub actor: &'a crate::service::Actor,
    pub user: crate::domain::UserId,
    pub name: &'a str,
}

/// Moves the clip to taken down, stops what has not gone out, queues the
/// removal of every post, opens the incident, audits and tells the heads
/// and the author, in the caller's transaction (whose permission was
/// checked). Returns the incident.
pub(crate) async fn remove_everywhere(
    tx: &mut Tx,
    st: &AppState,
    by: &Remover<'_>,
    agency: &crate::db::orgs::Org,
    clip: &crate::db::clips::Clip,
    reason: &str,
    now: i64,
) -> Result<i64> {
    let id = clip.id;
    review::transition(
        tx,
        by.actor,
        clip,
        ClipAction::TakeDown,
        Requester::System,
        json!({"reason": reason}),
        now,
    )
    .await?;
    let pubs = pdb::of_clip(tx, agency.id, id).await?;
    let mut outcome = Vec::new();
    for pb in &pubs {
        match pb.state {
            PublicationState::Published => {
                queue_removal(tx, agency.id, pb.id, now).await?;
                outcome.push(
                    json!({"publication": pb.id, "channel": pb.channel_id, "removal": "removing"}),
                );
            }
            s if s == PublicationState::Scheduled || s.in_flight() => {
                // Not out yet: stop what has not reached the platform; what has
                // goes on to its end and is removed as soon as it is out.
                if untouched(pb)
                    && pdb::set_state(tx, pb.id, &["scheduled", "queued"], "cancelled", now).await?
                {
                    crate::db::jobs::cancel_key(tx, &job_key(pb.id), now).await?;
                }
                outcome.push(
                    json!({"publication": pb.id, "channel": pb.channel_id, "state": pb.state}),
                );
            }
            _ => {}
        }
    }
    let channels: Vec<ChannelId> = pubs
        .iter()
        .filter(|p| p.state == PublicationState::Published)
        .map(|p| p.channel_id)
        .collect();
    let incident = crate::service::incidents::open_in(
        tx,
        st,
        agency,
        by.user,
        by.name,
        IncidentKind::Takedown,
        Severity::High,
        reason,
        &json!({"title": clip.title, "channels": outcome}).to_string(),
        (&[id], &channels),
        now,
    )
    .await?;
    let summary = json!({"reason": reason, "incident": incident, "channels": outcome});
    audit(
        tx,
        by.actor,
        Some(agency.id),
        "clip.takedown",
        "clip",
        id,
        summary,
        now,
    )
    .await?;
    tell_heads_and_author(
        tx,
        clip,
        Some(by.user),
        "taken_down",
        json!({"note": reason, "by": by.name}),
        now,
    )
    .await?;
    Ok(incident)
}

/// A person confirms they removed a post the API cannot remove.
pub async fn tick_removed(caller: &Caller, pid: PublicationId) -> Result<()> {
    let (mut tx, now) = caller.write().await?;
    let (pb, _) = publication_for(&mut tx, caller, pid, ClipOp::ConfirmRemoved, now).await?;
    if pb.removal.as_deref() != Some("manual") {
        return Err(Refusal::new("action_not_allowed", "takedown-not-manual").into());
    }
    pdb::set_removal(
        &mut tx,
        pid,
        "manual_done",
        None,
        Some(caller.principal.user_id),
        now,
    )
    .await?;
    let summary = json!({"before": {"removal": "manual"}, "after": {"removal": "manual_done"}, "url": pb.url});
    caller
        .audit(
            &mut tx,
            now,
            "publication.removed_by_hand",
            ("publication", pid),
            summary,
        )
        .await?;
    update_incident(&mut tx, pb.clip_id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Keeps the incident's per-channel outcome current.
async fn update_incident(tx: &mut Tx, clip: ClipId, now: i64) -> Result<()> {
    let Some(inc) = crate::db::incidents::of_clip(tx, clip).await? else {
        return Ok(());
    };
    let pubs = pdb::of_clip(tx, inc.agency_id, clip).await?;
    let mut d: serde_json::Value = serde_json::from_str(&inc.details).unwrap_or_default();
    d["channels"] = pubs
        .iter()
        .filter(|p| p.removal.is_some())
        .map(|p| json!({"publication": p.id, "channel": p.channel_id, "removal": p.removal, "url": p.url}))
        .collect();
    crate::db::incidents::set_details(tx, inc.id, &d.to_string(), now).await?;
    Ok(())
}

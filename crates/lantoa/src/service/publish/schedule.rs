//! Scheduling a clip's publications: one per target channel, queued now or
//! for the approved time; publishing at once, retrying a failed one, cancelling
//! what has not started, and a clip's publications as they stand.

use std::collections::BTreeMap;

use serde_json::json;

use super::{PUBLISH_JOB, job_key, sending};
use crate::db::Tx;
use crate::db::clips::Clip;
use crate::db::publishing::{self as pdb, Channel, NewPublication, Publication};
use crate::domain::PublicationState;
use crate::domain::policy::ClipOp;
use crate::domain::workflow::ClipAction;
use crate::domain::{ChannelId, ClipId, OrgId, PublicationId, UserId};
use crate::error::{Arg, Error, Refusal, Result};
use crate::jobs::Enqueue;
use crate::platforms::Platform;
use crate::platforms::connector::Handle;
use crate::service::Caller;
use crate::service::review;
use crate::state::AppState;

/// The platforms a clip targets, with the agency's channels on each.
async fn targets(tx: &mut Tx, clip: &Clip) -> Result<Vec<Channel>> {
    let wanted: Vec<String> = clip.target_channels.clone();
    let all = pdb::channels(tx, clip.agency_id).await?;
    let mut missing = Vec::new();
    let mut out = Vec::new();
    for w in &wanted {
        let on: Vec<Channel> = all.iter().filter(|c| &c.platform == w).cloned().collect();
        if on.is_empty() {
            missing.push(crate::domain::outlet::label(w).to_string());
        }
        out.extend(on);
    }
    if wanted.is_empty() {
        return Err(Refusal::new("action_not_allowed", "publish-no-targets").into());
    }
    if !missing.is_empty() {
        return Err(Refusal::new("action_not_allowed", "publish-no-channel")
            .text("platforms", missing.join(", "))
            .into());
    }
    Ok(out)
}

/// What a clip needs before it is submitted or signed, so that an approved
/// clip can go out as it stands: a target platform, each with a connected
/// channel, and a publish window that has not ended.
pub(crate) async fn check_sendable(tx: &mut Tx, clip: &Clip, now: i64, tz: &str) -> Result<()> {
    targets(tx, clip).await?;
    match clip.publish_until {
        None => Err(Refusal::new("action_not_allowed", "window-needed").into()),
        Some(u) if u <= now => Err(Refusal::new("action_not_allowed", "window-ended")
            .arg("at", Arg::Time(u, tz.into()))
            .into()),
        Some(_) => Ok(()),
    }
}

/// Where `at` stands against the clip's signed window: `None` when inside
/// (from its start, or from now when it has none, up to its end), else the
/// refusal to give.
pub(crate) fn outside_window(clip: &Clip, at: i64, now: i64, tz: &str) -> Option<Error> {
    let from = clip.publish_at.unwrap_or(now);
    let inside = at > now && at >= from && clip.publish_until.is_none_or(|u| at < u);
    if inside {
        return None;
    }
    if at <= now {
        return Some(
            Refusal::new("action_not_allowed", "schedule-in-past")
                .arg("at", Arg::Time(at, tz.into()))
                .into(),
        );
    }
    let until = clip.publish_until.unwrap_or(at);
    Some(
        Refusal::new("action_not_allowed", "schedule-outside-window")
            .arg("from", Arg::Time(from, tz.into()))
            .arg("until", Arg::Time(until, tz.into()))
            .into(),
    )
}

/// Creates the publications of a clip moving to `scheduled` (inside the
/// caller's transaction) and queues one job each.
pub(crate) async fn create_publications(
    tx: &mut Tx,
    clip: &Clip,
    by: UserId,
    run_at: i64,
    now: i64,
    privacy: &BTreeMap<ChannelId, String>,
) -> Result<Vec<PublicationId>> {
    let version = review::current_version(tx, clip)
        .await?
        .ok_or_else(|| Refusal::new("action_not_allowed", "submit-needs-usable-version"))?;
    let (_, digest) = review::current_digest(tx, clip).await?;
    let channels = targets(tx, clip).await?;
    check_privacy(&channels, privacy)?;
    let round = pdb::next_round(tx, clip.id).await?;
    let previous = if round > 1 {
        pdb::of_clip(tx, clip.agency_id, clip.id).await?
    } else {
        Vec::new()
    };
    let mut ids = Vec::new();
    for ch in channels {
        // A correction replaces the channel's live post of the earlier round.
        let replaces = previous
            .iter()
            .find(|p| {
                p.channel_id == ch.id
                    && p.state == PublicationState::Published
                    && p.removal.is_none()
            })
            .map(|p| p.id);
        let id = pdb::insert(
            tx,
            NewPublication {
                agency: clip.agency_id,
                clip: clip.id,
                channel: ch.id,
                round,
                version: version.id,
                digest: &digest,
                state: if run_at > now { "scheduled" } else { "queued" },
                run_at,
                replaces,
                by,
                privacy: privacy.get(&ch.id).map(String::as_str),
            },
            now,
        )
        .await?;
        crate::jobs::enqueue(
            tx,
            PUBLISH_JOB,
            &json!({"publication": id}),
            &Enqueue {
                priority: 10,
                delay_ms: (run_at - now).max(0),
                max_attempts: 8,
                unique_key: Some(job_key(id)),
                agency: Some(clip.agency_id),
            },
            now,
        )
        .await?;
        ids.push(id);
    }
    Ok(ids)
}

/// Refuses before anything is queued when a channel has no one's choice of
/// who may see its posts (TikTok: no default allowed), or when the level
/// asked for is not one the channel offers.
fn check_privacy(channels: &[Channel], asked: &BTreeMap<ChannelId, String>) -> Result<()> {
    let mut unchosen = Vec::new();
    for ch in channels {
        let Some(platform) = Platform::parse(&ch.platform) else {
            continue;
        };
        let level = sending::privacy_of(platform, asked.get(&ch.id).map(String::as_str), ch);
        match level {
            None => unchosen.push(ch.name.clone()),
            Some(l) if !sending::levels(platform, offered(ch).as_deref()).contains(&l) => {
                return Err(
                    Refusal::new("action_not_allowed", "publish-privacy-not-offered")
                        .text("level", l)
                        .text("channel", ch.name.clone())
                        .into(),
                );
            }
            Some(_) => {}
        }
    }
    if !unchosen.is_empty() {
        return Err(
            Refusal::new("action_not_allowed", "publish-privacy-not-chosen")
                .text("channels", unchosen.join(", "))
                .into(),
        );
    }
    Ok(())
}

/// TikTok: the privacy levels the creator's account offered when last read.
pub fn offered(ch: &Channel) -> Option<Vec<String>> {
    #[derive(serde::Deserialize)]
    struct Creator {
        #[serde(default)]
        privacy_level_options: Vec<String>,
    }
    ch.creator
        .as_deref()
        .and_then(|c| serde_json::from_str::<Creator>(c).ok())
        .map(|c| c.privacy_level_options)
        .filter(|o| !o.is_empty())
}

/// Whether nothing of a publication has reached its platform yet.
pub(super) fn untouched(p: &Publication) -> bool {
    let h: Handle = serde_json::from_str(&p.handle).unwrap_or_default();
    p.state == PublicationState::Scheduled
        || (p.state == PublicationState::Queued && h == Handle::default())
}

/// Cancels a clip's publications that have not started (unschedule, spike).
pub(crate) async fn cancel_pending(tx: &mut Tx, clip: &Clip, now: i64) -> Result<usize> {
    let mut n = 0;
    for p in pdb::of_clip(tx, clip.agency_id, clip.id).await? {
        if untouched(&p)
            && pdb::set_state(tx, p.id, &["scheduled", "queued"], "cancelled", now).await?
        {
            crate::db::jobs::cancel_key(tx, &job_key(p.id), now).await?;
            n += 1;
        }
    }
    Ok(n)
}

/// "Publish now": an approved clip goes out to every target channel at once,
/// each with the visibility confirmed for it (`privacy`; a channel left out
/// goes with its own choice).
pub async fn publish_now(
    caller: &Caller,
    id: ClipId,
    privacy: &BTreeMap<ChannelId, String>,
) -> Result<Vec<PublicationId>> {
    let (mut tx, now, clip, f) = caller.write_clip(id, ClipOp::PublishNow).await?;
    let tz = &caller.agency.time_zone;
    if let Some(t) = clip.publish_at
        && t > now
    {
        return Err(Refusal::new("action_not_allowed", "publish-before-window")
            .arg("at", Arg::Time(t, tz.clone()))
            .into());
    }
    if let Some(t) = clip.publish_until
        && t <= now
    {
        return Err(Refusal::new("action_not_allowed", "publish-after-window")
            .arg("at", Arg::Time(t, tz.clone()))
            .into());
    }
    review::transition(
        &mut tx,
        &caller.actor,
        &clip,
        ClipAction::Schedule,
        f.requester(),
        json!({"now": true}),
        now,
    )
    .await?;
    crate::db::clips::set_scheduled(&mut tx, clip.id, Some(now)).await?;
    let ids =
        create_publications(&mut tx, &clip, caller.principal.user_id, now, now, privacy).await?;
    let summary = json!({"publications": ids});
    caller
        .audit_and_commit(tx, now, "clip.publish_now", ("clip", clip.id), summary)
        .await?;
    Ok(ids)
}

/// One of the agency's publications and its clip, once the caller may do
/// `op` on the clip now.
pub(super) async fn publication_for(
    tx: &mut Tx,
    caller: &Caller,
    pid: PublicationId,
    op: ClipOp,
    now: i64,
) -> Result<(Publication, Clip)> {
    let pb = pdb::publication(tx, pid)
        .await?
        .filter(|x| x.agency_id == caller.agency.id)
        .ok_or(Error::NotFound)?;
    let clip = review::load(tx, caller.agency.id, pb.clip_id).await?;
    review::enforce_now(tx, &caller.principal, &clip, op, "", now).await?;
    Ok((pb, clip))
}

/// Retries a failed publication (the button beside a failed channel).
pub async fn retry(caller: &Caller, pid: PublicationId) -> Result<()> {
    let (mut tx, now) = caller.write().await?;
    let (pb, _) = publication_for(&mut tx, caller, pid, ClipOp::Retry, now).await?;
    if pb.state != PublicationState::Failed {
        return Err(Refusal::new("action_not_allowed", "publish-retry-not-failed").into());
    }
    pdb::set_state(&mut tx, pid, &["failed"], "queued", now).await?;
    let (_, fresh) = crate::jobs::enqueue(
        &mut tx,
        PUBLISH_JOB,
        &json!({"publication": pid}),
        &Enqueue {
            priority: 10,
            max_attempts: 8,
            unique_key: Some(job_key(pid)),
            agency: Some(caller.agency.id),
            ..Enqueue::default()
        },
        now,
    )
    .await?;
    if !fresh {
        crate::db::jobs::wake(&mut tx, &job_key(pid), now).await?;
    }
    let before = json!({"state": "failed", "error": pb.error_message});
    let summary = json!({"before": before, "after": {"state": "queued"}});
    caller
        .audit_and_commit(tx, now, "publication.retry", ("publication", pid), summary)
        .await?;
    Ok(())
}

/// A clip's publications with their channels, newest round first.
pub async fn status(
    st: &AppState,
    agency: OrgId,
    clip: ClipId,
) -> Result<Vec<(Publication, Channel)>> {
    let mut tx = st.db.read().await?;
    // A clip of another agency, or none, is not found, rather than an empty list
    // that says it exists and was never published.
    crate::db::clips::get(&mut tx, agency, clip)
        .await?
        .ok_or(Error::NotFound)?;
    let pubs = pdb::of_clip(&mut tx, agency, clip).await?;
    let chans = pdb::channels_any(&mut tx, agency).await?;
    Ok(pubs
        .into_iter()
        .filter_map(|p| {
            chans
                .iter()
                .find(|c| c.id == p.channel_id)
                .cloned()
                .map(|c| (p, c))
        })
        .collect())
}

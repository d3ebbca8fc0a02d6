//! What follows a shared clip: the source taken down (its takers told at
//! once, their copies held back from signing, or taken down by themselves
//! where the agency chose so), a copy taken down (written in the source's
//! incident), and a published correction of the source (offered to the
//! takers for their own approval).

use serde_json::json;

use crate::db::orgs::Org;
use crate::db::sharing as sdb;
use crate::db::{Tx, clips, incidents as idb};
use crate::domain::ClipId;
use crate::domain::policy::{ClipOp, SOURCE_WATCHERS};
use crate::domain::workflow::{ClipAction, ClipState};
use crate::error::{Error, Refusal, Result};
use crate::service::publish::{Remover, remove_everywhere};
use crate::service::{Caller, audit, review};

/// The source clip `clip` was taken down (its incident `incident`): its
/// standing offer is withdrawn, and every agency holding a live copy is told
/// at once; a copy not out yet loses its signatures and cannot be signed; a
/// copy out on the channels of an agency that follows its sources'
/// takedowns comes down too. Each step is written in the incident.
pub async fn after_takedown(
    tx: &mut Tx,
    caller: &Caller,
    clip: &clips::Clip,
    incident: i64,
    reason: &str,
    now: i64,
) -> Result<()> {
    let me = caller.principal.user_id;
    if let Some(o) = sdb::standing_of_clip(tx, clip.id).await? {
        sdb::withdraw(tx, o.id, Some(me), now).await?;
    }
    let copies = sdb::live_copies(tx, clip.id).await?;
    if copies.is_empty() {
        return Ok(());
    }
    sdb::set_source_down(tx, clip.id, now).await?;
    let source = &caller.agency;
    let (mut told, mut followed) = (Vec::new(), Vec::new());
    for (copy_id, agency_id, follows) in copies {
        let (Some(agency), Some(copy)) = (
            crate::db::orgs::get(tx, agency_id).await?,
            clips::get(tx, agency_id, copy_id).await?,
        ) else {
            continue;
        };
        let out = matches!(
            copy.state,
            ClipState::Published | ClipState::CorrectionInProgress
        );
        let auto = out && follows != 0;
        if auto {
            let by = Remover {
                actor: &review::system_actor(),
                user: me,
                name: &caller.principal.display_name,
            };
            let why = format!("{}: {reason}", source.name);
            remove_everywhere(tx, &caller.st, &by, &agency, &copy, &why, now).await?;
            followed.push(agency.name.clone());
        } else if !out {
            review::void(tx, &copy, "source_taken_down", &[], now).await?;
        }
        let summary = json!({"from": source.name, "source_clip": clip.id, "reason": reason,
                             "followed": auto});
        audit(
            tx,
            &review::system_actor(),
            Some(agency.id),
            "clip.source_down",
            "clip",
            copy.id,
            summary,
            now,
        )
        .await?;
        let who = review::members_with(tx, agency.id, SOURCE_WATCHERS, &[]).await?;
        let kind = if auto {
            "source_followed"
        } else {
            "source_taken_down"
        };
        let args = json!({"from": source.name, "note": reason});
        review::notify_users(tx, &who, agency.id, copy.id, kind, args, now).await?;
        told.push(agency.name.clone());
    }
    idb::add_event(
        tx,
        incident,
        "shared_told",
        &told.join(", "),
        None,
        None,
        now,
    )
    .await?;
    if !followed.is_empty() {
        let names = followed.join(", ");
        idb::add_event(tx, incident, "shared_followed", &names, None, None, now).await?;
    }
    Ok(())
}

/// A copy taken from another agency was taken down: the source's takedown
/// incident records it.
pub async fn copy_taken_down(
    tx: &mut Tx,
    agency: &Org,
    copy: &clips::Clip,
    now: i64,
) -> Result<()> {
    let Some(t) = &copy.taken else {
        return Ok(());
    };
    if let Some(inc) = idb::of_clip(tx, t.source_clip_id).await? {
        idb::add_event(
            tx,
            inc.id,
            "shared_taken_down",
            &agency.name,
            None,
            None,
            now,
        )
        .await?;
    }
    Ok(())
}

/// The source clip `clip` went out again as a correction: its standing
/// offer hands on the corrected version, and each agency holding a copy on
/// an earlier version is offered it (told at once).
pub async fn after_correction(tx: &mut Tx, clip: &clips::Clip, now: i64) -> Result<()> {
    let Some(version) = clip.current_version_id else {
        return Ok(());
    };
    let snapshot = sdb::Snapshot::of(clip);
    sdb::move_on(tx, clip.id, version, &snapshot, now).await?;
    let behind = sdb::copies_behind(tx, clip.id, version).await?;
    if behind.is_empty() {
        return Ok(());
    }
    sdb::set_source_update(tx, clip.id, version).await?;
    let from = crate::db::orgs::get(tx, clip.agency_id)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    for (copy, agency) in behind {
        let summary =
            json!({"from": from, "source_clip": clip.id, "after": {"source_update": version}});
        audit(
            tx,
            &review::system_actor(),
            Some(agency),
            "clip.source_corrected",
            "clip",
            copy,
            summary,
            now,
        )
        .await?;
        let who = review::members_with(tx, agency, SOURCE_WATCHERS, &[]).await?;
        let args = json!({"from": from});
        review::notify_users(tx, &who, agency, copy, "source_corrected", args, now).await?;
    }
    Ok(())
}

/// The agency takes the source's published correction into its copy: the
/// corrected version becomes the copy's current one (a published copy goes
/// into correction first), its signatures are void, and locked captions
/// follow the source's. It then goes through review and approval again.
pub async fn take_correction(caller: &Caller, id: ClipId) -> Result<()> {
    let (mut tx, now) = caller.write().await?;
    let clip = review::load(&mut tx, caller.agency.id, id).await?;
    let t = clip.taken.clone().ok_or(Error::NotFound)?;
    let update = t
        .update_id
        .ok_or_else(|| Refusal::new("action_not_allowed", "share-no-correction"))?;
    let published = clip.state == ClipState::Published;
    let op = if published {
        ClipOp::Act(ClipAction::StartCorrection)
    } else {
        ClipOp::Edit
    };
    let tz = caller.agency.time_zone.clone();
    let f = review::enforce_now(&mut tx, &caller.principal, &clip, op, &tz, now).await?;
    if published {
        let note = json!({"note": "source_corrected"});
        review::transition(
            &mut tx,
            &caller.actor,
            &clip,
            ClipAction::StartCorrection,
            f.requester(),
            note,
            now,
        )
        .await?;
    }
    // The corrected bytes are the source's, brought in for the copy's author:
    // whoever takes them does not become an author (and may still sign);
    // the audit trail names them.
    let author = clip.author_id;
    let (version, number) = sdb::insert_copy_version(&mut tx, clip.id, update, author, now).await?;
    let arrived = (version, number);
    review::version_arrived(
        &mut tx,
        &caller.actor,
        &caller.principal,
        clip.id,
        arrived,
        now,
    )
    .await?;
    sdb::set_taken(&mut tx, clip.id, t.offer_id, t.source_clip_id, update).await?;
    let offer = sdb::get(&mut tx, t.offer_id)
        .await?
        .ok_or(Error::NotFound)?;
    let terms = super::terms_of(&offer);
    if !terms.may_adapt {
        let variants = super::credited_variants(&terms, &offer.caption_variants);
        let caption = terms.credited(&offer.caption);
        sdb::set_copy_text(&mut tx, clip.id, Some(&caption), &variants, &offer.hashtags).await?;
    }
    review::prepare_new_clip(&mut tx, clip.id, now).await?;
    // A copy sent back to the checks has them at once: the version was
    // checked where it came from.
    review::on_version_checked(&mut tx, clip.id, version, true, now).await?;
    let summary = json!({"after": {"source_version": update, "version": version}});
    caller
        .audit_and_commit(tx, now, "clip.take_correction", ("clip", clip.id), summary)
        .await
}

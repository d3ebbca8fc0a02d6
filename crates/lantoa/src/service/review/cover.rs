//! Choices made beside the content's form: the clip's cover (a frame of its
//! current version, one of the posters or the frame on the player, or none:
//! the platforms pick; it goes out where a platform takes one) and the
//! campaign it is made for. Both are part of what the approvers sign:
//! choosing another voids their signatures.

use std::time::Duration;

use serde::Deserialize;

use super::editing::{Saved, edit_conflict, record_edit};
use super::locks::{audit_takeover, check_lock};
use super::outgoing::{content, current_version};
use super::transitions::{enforce, facts, load};
use crate::db::clips::{self, Version};
use crate::domain::approval;
use crate::domain::policy::ClipOp;
use crate::domain::{ClipId, Invalid};
use crate::error::{Error, Result};
use crate::service::Caller;
use crate::state::AppState;

/// A cover choice, as sent by the page or the API.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct CoverChoice {
    /// The revision the person saw.
    pub revision: i64,
    /// The frame's time in the current version, milliseconds; absent or
    /// null: no cover (the platforms pick their own).
    #[serde(default)]
    pub cover_ms: Option<i64>,
}

/// Sets or clears the clip's cover (optimistic, like a save of its content).
pub async fn set_cover(caller: &Caller, id: ClipId, choice: CoverChoice) -> Result<Saved> {
    set_choice(caller, id, choice.revision, Choice::Cover(choice.cover_ms)).await
}

/// A campaign choice, as sent by the page or the API.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct CampaignChoice {
    /// The revision the person saw.
    pub revision: i64,
    /// The campaign of the body the clip is made for; absent or null: none.
    #[serde(default)]
    pub campaign_id: Option<i64>,
}

/// Tags the clip to a campaign its agency takes part in, or untags it
/// (optimistic, like a save; the tag is part of what approvers sign).
pub async fn set_campaign(caller: &Caller, id: ClipId, choice: CampaignChoice) -> Result<Saved> {
    set_choice(
        caller,
        id,
        choice.revision,
        Choice::Campaign(choice.campaign_id),
    )
    .await
}

/// An outgoing field a person sets on its own, beside the content's form.
enum Choice {
    Cover(Option<i64>),
    Campaign(Option<i64>),
}

/// Checks a choice, writes it if the clip is still at `revision`, and
/// records the edit (audit, approvals voided) as a save does.
async fn set_choice(caller: &Caller, id: ClipId, revision: i64, choice: Choice) -> Result<Saved> {
    let tz = caller.agency.time_zone.as_str();
    let (mut tx, now) = caller.write().await?;
    let clip = load(&mut tx, caller.agency.id, id).await?;
    let current = current_version(&mut tx, &clip).await?;
    let f = facts(&mut tx, &caller.principal, &clip, current.as_ref(), now).await?;
    enforce(&f, ClipOp::Edit, tz)?;
    let (before, _) = content(&clip, current.as_ref());
    let after = match choice {
        Choice::Cover(cover_ms) => {
            let version = current.as_ref().ok_or(Error::NotFound)?;
            // A frame of the clip: from its start to before its end.
            let within = |ms: i64| {
                version
                    .duration_s()
                    .is_some_and(|d| ms >= 0 && (ms as f64) < d * 1000.0)
            };
            if cover_ms.is_some_and(|ms| !within(ms)) {
                return Err(Invalid::new("cover_ms", "cover-out-of-range").into());
            }
            approval::Outgoing {
                cover_ms,
                ..before.clone()
            }
        }
        Choice::Campaign(campaign) => {
            if let Some(c) = campaign {
                crate::service::campaigns::check_tag(&mut tx, caller.agency.id, c, now).await?;
            }
            approval::Outgoing {
                campaign,
                ..before.clone()
            }
        }
    };
    let taken_over = check_lock(&mut tx, &clip, &caller.principal, &f, now, tz).await?;
    if clip.revision != revision {
        return Err(edit_conflict(clip.updated_at, tz));
    }
    let written = clips::set_choices(
        &mut tx,
        clip.id,
        revision,
        after.cover_ms,
        after.campaign,
        now,
    )
    .await?;
    if !written {
        return Err(edit_conflict(now, tz));
    }
    if let Some(was) = taken_over {
        clips::set_lock(&mut tx, clip.id, None, None).await?;
        audit_takeover(caller, &mut tx, &clip, &was, now).await?;
    }
    let (changed, voided) = record_edit(
        caller,
        &mut tx,
        &clip,
        &before,
        &after,
        Default::default(),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Saved {
        revision: clip.revision + 1,
        changed: changed.iter().map(|s| s.to_string()).collect(),
        voided,
        political: clip.political,
        findings: Vec::new(),
    })
}

/// Where a version's frame at `ms` is kept once made.
fn frame_key(v: &Version, ms: i64) -> String {
    format!("{}/cover_{ms}.jpg", crate::storage::outputs_prefix(v.id.0))
}

/// The storage key of the version's frame at `ms` as a JPEG, made on first
/// use with ffmpeg from the original (the cover shown on the page and sent to
/// the platforms that take an image). Only a chosen cover is ever asked for.
pub async fn frame(st: &AppState, v: &Version, ms: i64) -> Result<String> {
    let what = format!("cover-{ms}");
    crate::service::work::stored_once(
        st,
        v,
        frame_key(v, ms),
        &what,
        |original, work| async move {
            let out = work.join("cover.jpg");
            let internal = |e: &dyn std::fmt::Display| Error::Internal(e.to_string());
            let ms = u64::try_from(ms).map_err(|e| internal(&e))?;
            crate::media::qc::frame_at(&original, ms, &out, Duration::from_secs(60))
                .await
                .map_err(|e| internal(&e))?;
            Ok(Some(out))
        },
    )
    .await?
    .ok_or(Error::NotFound)
}

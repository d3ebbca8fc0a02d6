//! What goes out: a clip's outgoing content and its digest, and the checks the
//! publisher makes against the approvals at the moment of upload.

use super::settings::settings;
use crate::db::Tx;
use crate::db::clips::{self, Clip, Version};
use crate::db::review as rdb;
use crate::domain::approval::{self, Outgoing};
use crate::domain::workflow::ClipState;
use crate::domain::{ClipId, OrgId};
use crate::error::{Arg, Error, Refusal, Result};

/// The clip's outgoing content with its current version's SHA-256.
pub fn outgoing(clip: &Clip, version_sha256: &str) -> Outgoing {
    let mut channels: Vec<String> = clip.target_channels.clone();
    channels.sort();
    channels.dedup();
    Outgoing {
        version_sha256: version_sha256.to_string(),
        title: clip.title.clone(),
        caption: clip.caption.clone(),
        variants: clip.caption_variants.clone(),
        hashtags: clip.hashtags.clone(),
        channels,
        publish_at: clip.publish_at,
        publish_until: clip.publish_until,
        political: clip.political,
        cover_ms: clip.cover_ms,
        campaign: clip.campaign_id,
        source: clip.taken.as_ref().map(|t| t.source_sha256.clone()),
        // The version's, which `content` adds.
        subtitles: None,
    }
}

/// A clip's current version, if it has one.
pub async fn current_version(tx: &mut Tx, clip: &Clip) -> Result<Option<Version>> {
    Ok(match clip.current_version_id {
        Some(v) => clips::get_version(tx, v).await?,
        None => None,
    })
}

/// What the clip would send with this version, and its digest.
pub fn content(clip: &Clip, version: Option<&Version>) -> (Outgoing, String) {
    let mut o = outgoing(clip, version.map_or("", |v| v.sha256.as_str()));
    o.subtitles = version.and_then(|v| v.subtitles_sha256.clone());
    let d = approval::digest(&o);
    (o, d)
}

/// The digest of what the clip would send now.
pub async fn current_digest(tx: &mut Tx, clip: &Clip) -> Result<(Outgoing, String)> {
    Ok(content(clip, current_version(tx, clip).await?.as_ref()))
}

/// What the publisher checks at the moment of upload: the clip is approved or
/// scheduled, every step of its policy is signed for the current content, no
/// approval has expired, and `sha256_sent` is the SHA-256 of the bytes about to
/// be sent. Returns the approved digest.
pub async fn verify_publishable(
    tx: &mut Tx,
    agency: OrgId,
    clip_id: ClipId,
    sha256_sent: &str,
    now: i64,
) -> Result<String> {
    let clip = clips::get(tx, agency, clip_id)
        .await?
        .ok_or(Error::NotFound)?;
    let state = clip.state;
    if !matches!(state, ClipState::Approved | ClipState::Scheduled) {
        return Err(Refusal::new("approval_refused", "publish-not-approved")
            .arg("state", Arg::Msg(state.message_id()))
            .into());
    }
    let (o, digest) = current_digest(tx, &clip).await?;
    if o.version_sha256 != sha256_sent {
        return Err(Refusal::new("approval_refused", "publish-bytes-mismatch").into());
    }
    let s = settings(tx, agency).await?;
    let steps = s.policy.steps(o.political).len();
    let live = rdb::live_approvals(tx, clip.id).await?;
    let valid = live
        .iter()
        .filter(|a| approval::verify(&o, &a.digest) && a.expires_at > now)
        .count();
    if valid < steps || live.len() != valid {
        return Err(Refusal::new("approval_refused", "publish-digest-mismatch").into());
    }
    Ok(digest)
}

/// The check a channel's publish job makes at the moment of upload: the clip
/// is approved, scheduled or already out on another channel; its content is
/// still what the publication was asked for with (`digest`); the bytes about
/// to be sent are the approved version's; and enough signatures on exactly
/// this content stand. Returns what goes out.
pub async fn verify_for_channel(
    tx: &mut Tx,
    agency: OrgId,
    clip_id: ClipId,
    sha256_sent: &str,
    digest: &str,
    asked_at: i64,
    now: i64,
) -> Result<Outgoing> {
    let clip = clips::get(tx, agency, clip_id)
        .await?
        .ok_or(Error::NotFound)?;
    let state = clip.state;
    if !matches!(
        state,
        ClipState::Approved | ClipState::Scheduled | ClipState::Published
    ) {
        return Err(Refusal::new("approval_refused", "publish-not-approved")
            .arg("state", Arg::Msg(state.message_id()))
            .into());
    }
    let (o, current) = current_digest(tx, &clip).await?;
    if o.version_sha256 != sha256_sent {
        return Err(Refusal::new("approval_refused", "publish-bytes-mismatch").into());
    }
    if current != digest {
        return Err(Refusal::new("approval_refused", "publish-digest-mismatch").into());
    }
    let s = settings(tx, agency).await?;
    let steps = s.policy.steps(o.political).len();
    let valid = rdb::approvals_for(tx, clip.id, asked_at)
        .await?
        .iter()
        .filter(|a| approval::verify(&o, &a.digest) && (a.used_at.is_some() || a.expires_at > now))
        .count();
    if valid < steps {
        return Err(Refusal::new("approval_refused", "publish-digest-mismatch").into());
    }
    Ok(o)
}

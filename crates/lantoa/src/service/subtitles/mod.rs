//! Subtitles beyond the editing (which is the review's, `service::review`):
//! the agency's style and reading limits, how each channel receives them,
//! the waveform the editor places cues on, and machine drafts from the
//! operator's speech-to-text server ([`draft`]). What a channel receives is
//! the publisher's (`service::publish`).

pub mod draft;

use std::time::Duration;

use serde_json::json;

use crate::db::Tx;
use crate::db::clips::Version;
use crate::db::subtitles as sdb;
use crate::domain::subtitles::{Delivery, Settings};
use crate::domain::{ChannelId, OrgId};
use crate::error::{Error, Result};
use crate::service::Caller;
use crate::state::AppState;

/// The agency's subtitle settings.
pub async fn settings(tx: &mut Tx, agency: OrgId) -> Result<Settings> {
    Ok(sdb::settings(tx, agency).await?)
}

/// Saves the agency's subtitle settings (checked by the caller).
pub async fn save_settings(caller: &Caller, s: Settings) -> Result<()> {
    let s = s.checked()?;
    let (mut tx, now) = caller.write().await?;
    let before = sdb::settings(&mut tx, caller.agency.id).await?;
    sdb::save_settings(&mut tx, caller.agency.id, &s, now).await?;
    caller
        .audit_and_commit(
            tx,
            now,
            "subtitles.settings",
            ("org", caller.agency.id),
            json!({"before": before, "after": s}),
        )
        .await
}

/// Sets how one of the agency's channels receives subtitles.
pub async fn set_delivery(caller: &Caller, channel: ChannelId, d: Delivery) -> Result<()> {
    let (mut tx, now) = caller.write().await?;
    if !sdb::set_channel_delivery(&mut tx, caller.agency.id, channel, d.as_str(), now).await? {
        return Err(Error::NotFound);
    }
    caller
        .audit_and_commit(
            tx,
            now,
            "channel.subtitles",
            ("channel", channel),
            json!({"subtitles": d.as_str()}),
        )
        .await
}

/// Where a version's waveform strip is kept once drawn.
fn waveform_key(v: &Version) -> String {
    format!("{}/waveform.png", crate::storage::outputs_prefix(v.id.0))
}

/// The waveform's size: wide enough for a cue of half a second to be placed
/// on a desk screen, and light (a PNG of one colour).
pub const WAVEFORM_WIDTH: u32 = 1600;
pub const WAVEFORM_HEIGHT: u32 = 120;

/// The storage key of the version's waveform, drawn from its audio on first
/// use; None when the version has no sound.
pub async fn waveform(st: &AppState, v: &Version) -> Result<Option<String>> {
    crate::service::work::stored_once(
        st,
        v,
        waveform_key(v),
        "waveform",
        |original, work| async move {
            let out = work.join("waveform.png");
            let drawn = crate::media::subtitles::waveform(
                &original,
                &out,
                WAVEFORM_WIDTH,
                WAVEFORM_HEIGHT,
                Duration::from_secs(120),
            )
            .await
            .map_err(|e| Error::Internal(e.to_string()))?;
            Ok(drawn.then_some(out))
        },
    )
    .await
}

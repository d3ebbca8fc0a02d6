//! The agency's own outlet (*Trang riêng*): its settings, its channel, the
//! media a post is served with, and its figures, read from its own players'
//! beacons ([`measure`]) as another channel's are read from its platform.
//!
//! The outlet is a channel like the others: a clip targets it, the head's
//! approval covers it, the publish job stages and re-checks the exact bytes
//! and the approval for it as for every channel, then (instead of a
//! platform's API) stores the post's public record and media here. A
//! takedown marks the publication removed in the same transaction, and the
//! public pages show only what [`crate::db::outlet`] says is shown.

pub mod measure;
pub mod pages;

use std::path::Path;
use std::time::Duration;

use serde_json::json;

use crate::db::Tx;
use crate::db::clips::{Clip, Version};
use crate::db::outlet as odb;
use crate::db::publishing::{self as pdb, NewChannel};
use crate::domain::outlet::{OUTLET, Settings, token_from_hex};
use crate::domain::{OrgId, PublicationId};
use crate::error::{Error, Result};
use crate::ingest::Outputs;
use crate::platforms::Endpoint;
use crate::platforms::connector::PostMetrics;
use crate::service::Caller;
use crate::state::AppState;

/// The light rendition's shorter side, for slow connections.
pub const LIGHT_SHORT_SIDE: u32 = 540;

/// The agency's outlet settings.
pub async fn settings(tx: &mut Tx, agency: OrgId) -> Result<Settings> {
    Ok(odb::settings(tx, agency).await?)
}

/// Saves the agency's outlet settings (checked by the caller's form reader)
/// and turns its channel on or off with them.
pub async fn save_settings(caller: &Caller, s: Settings) -> Result<()> {
    let (mut tx, now) = caller.write().await?;
    let agency = caller.agency.id;
    let before = odb::settings(&mut tx, agency).await?;
    odb::save_settings(&mut tx, agency, &s, now).await?;
    if s.enabled {
        pdb::upsert_channel(
            &mut tx,
            NewChannel {
                agency,
                platform: OUTLET,
                external_id: &agency.0.to_string(),
                name: &caller.agency.name,
                tokens: "",
                token_expires_at: None,
                by: caller.principal.user_id,
                endpoint: Endpoint::Platform,
            },
            now,
        )
        .await?;
    } else {
        odb::set_channel_status(&mut tx, agency, "disconnected", now).await?;
    }
    let show = |x: &Settings| {
        json!({"enabled": x.enabled, "base_url": x.base_url, "show_authors": x.show_authors,
               "indexable": x.indexable, "embed_origins": x.embed_origins})
    };
    let mut changed = serde_json::Map::new();
    if let (Some(b), Some(a)) = (
        show(&before).as_object().cloned(),
        show(&s).as_object().cloned(),
    ) {
        for (k, v) in a {
            if b.get(&k) != Some(&v) {
                changed.insert(k.clone(), json!({"before": b.get(&k), "after": v}));
            }
        }
    }
    caller
        .audit_and_commit(
            tx,
            now,
            "agency.outlet_settings",
            ("org", agency),
            serde_json::Value::Object(changed),
        )
        .await?;
    caller.st.outlet_pages.forget();
    Ok(())
}

/// The outlet's public address: the operator's, else Lantoa's own under
/// `/v/{slug}`. Every link the outlet gives (pages, media, feeds, embeds)
/// starts with it.
pub fn base(st: &AppState, slug: &str, s: &Settings) -> String {
    if s.base_url.is_empty() {
        format!("{}/v/{slug}", st.config.public_base())
    } else {
        s.base_url.clone()
    }
}

/// A clip's public id on the outlet: a keyed hash of its id, the same on
/// every run of its job and for every correction of the clip (its address,
/// and every embed of it, then shows the corrected version), telling
/// nothing of other clips.
pub fn token_of(st: &AppState, clip: crate::domain::ClipId) -> String {
    token_from_hex(&crate::crypto::hmac_hex(
        &st.keys.session,
        format!("outlet:{clip}").as_bytes(),
    ))
}

/// What the outlet serves of a version: the browser-playable copy the check
/// made (MP4, index first), a light copy for slow connections when the
/// version is larger than that, and its poster.
pub struct Media {
    pub video_key: String,
    pub video_bytes: i64,
    pub light: Option<(String, i64)>,
    pub poster_key: Option<String>,
    pub width: Option<i64>,
    pub height: Option<i64>,
}

#[derive(serde::Deserialize, Default)]
struct Probed {
    #[serde(default)]
    video: Option<Dims>,
}

#[derive(serde::Deserialize, Default)]
struct Dims {
    display_width: u32,
    display_height: u32,
}

/// Prepares the media of a post of `version` (its bytes staged at `staged`
/// and already checked against the approval): the light copy is made once
/// per version and kept beside its other outputs.
pub async fn media(st: &AppState, clip: &Clip, version: &Version, staged: &Path) -> Result<Media> {
    let outputs: Outputs = version
        .outputs
        .as_deref()
        .and_then(|o| serde_json::from_str(o).ok())
        .unwrap_or_default();
    let video_key = if outputs.playback.is_empty() {
        version.original_key.clone()
    } else {
        outputs.playback.clone()
    };
    let video_bytes = size_of(st, &video_key).await?.ok_or(Error::NotFound)?;
    let dims = version
        .probe
        .as_deref()
        .and_then(|p| serde_json::from_str::<Probed>(p).ok())
        .and_then(|p| p.video);
    let light = match &dims {
        Some(d) if d.display_width.min(d.display_height) > LIGHT_SHORT_SIDE => {
            Some(light_copy(st, version, staged, d).await?)
        }
        _ => None,
    };
    let poster_key = match clip
        .cover_ms
        .filter(|_| clip.current_version_id == Some(version.id))
    {
        Some(ms) => Some(crate::service::review::cover_frame(st, version, ms).await?),
        None => outputs.posters.first().cloned(),
    };
    Ok(Media {
        video_key,
        video_bytes: video_bytes as i64,
        light,
        poster_key,
        width: dims.as_ref().map(|d| i64::from(d.display_width)),
        height: dims.as_ref().map(|d| i64::from(d.display_height)),
    })
}

async fn size_of(st: &AppState, key: &str) -> Result<Option<u64>> {
    st.store
        .size(key)
        .await
        .map_err(|e| Error::Internal(e.to_string()))
}

/// The version's light copy (shorter side [`LIGHT_SHORT_SIDE`], H.264/AAC,
/// index first), made from the staged bytes unless it exists.
async fn light_copy(st: &AppState, v: &Version, staged: &Path, d: &Dims) -> Result<(String, i64)> {
    let key = format!(
        "{}/outlet_{LIGHT_SHORT_SIDE}.mp4",
        crate::storage::outputs_prefix(v.id.0)
    );
    if let Some(n) = size_of(st, &key).await? {
        return Ok((key, n as i64));
    }
    let out = staged.with_extension("light.mp4");
    let scale = if d.display_width <= d.display_height {
        format!("scale={LIGHT_SHORT_SIDE}:-2")
    } else {
        format!("scale=-2:{LIGHT_SHORT_SIDE}")
    };
    let duration = v.duration_s().unwrap_or(600.0);
    let timeout = Duration::from_secs_f64((duration * 4.0).clamp(60.0, 3_600.0));
    let run = {
        let _slot = st
            .ffmpeg
            .acquire()
            .await
            .map_err(|e| Error::Internal(e.to_string()))?;
        crate::media::subprocess::Subprocess::new("ffmpeg", timeout)
            .what("ffmpeg (outlet light copy)")
            .args(["-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i"])
            .arg(staged)
            .args(["-map", "0:v:0", "-map", "0:a:0?", "-vf", &scale])
            .args(["-c:v", "libx264", "-preset", "veryfast", "-crf", "28"])
            .args(["-profile:v", "main", "-pix_fmt", "yuv420p"])
            .args([
                "-c:a",
                "aac",
                "-b:a",
                "96k",
                "-ac",
                "2",
                "-movflags",
                "+faststart",
            ])
            .arg(&out)
            .output()
            .await
    };
    let stored = match run {
        Ok(_) => st.store.put_file(&key, &out).await,
        Err(e) => {
            let _ = tokio::fs::remove_file(&out).await;
            return Err(Error::Internal(e.to_string()));
        }
    };
    let _ = tokio::fs::remove_file(&out).await;
    let n = stored.map_err(|e| Error::Internal(e.to_string()))?;
    Ok((key, n as i64))
}

/// The outlet's figures of its posts `ids` (their public ids beside their
/// publication ids), as a platform would report them: views, viewers
/// (reach: a device counted once a day), watch time and average view.
pub async fn metrics(
    st: &AppState,
    ids: &[(PublicationId, String)],
) -> Result<Vec<(String, PostMetrics)>> {
    let today = measure::today(st);
    let mut tx = st.db.write().await?;
    odb::roll_up(&mut tx, today).await?;
    let pids: Vec<PublicationId> = ids.iter().map(|(p, _)| *p).collect();
    let seen = odb::viewing_of(&mut tx, &pids).await?;
    tx.commit().await?;
    Ok(ids
        .iter()
        .map(|(p, ext)| {
            let v = seen
                .iter()
                .find(|v| v.key == p.0.to_string())
                .cloned()
                .unwrap_or_default();
            (ext.clone(), post_metrics(&v))
        })
        .collect())
}

/// A post's viewing as the rollups count it. The outlet has no reactions,
/// comments, shares or followers: those stay unknown, never zero.
pub fn post_metrics(v: &odb::Viewing) -> PostMetrics {
    let watch_s = v.watched_ms as f64 / 1000.0;
    PostMetrics {
        views: Some(v.views.max(0) as u64),
        reach: Some(v.viewers.max(0) as u64),
        watch_time_s: Some(watch_s),
        avg_view_s: (v.views > 0).then(|| watch_s / v.views as f64),
        ..PostMetrics::default()
    }
}

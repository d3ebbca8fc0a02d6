//! What a channel receives of the approved subtitles: caption tracks beside
//! the video (YouTube, the outlet) or the picture with the Vietnamese track
//! burned in (the others, or any channel told to burn). Only the tracks the
//! approval covers go out: their digest is checked against the approved one
//! before anything is made or sent. A burned rendition is made once per
//! version, subtitles and style, kept in storage and recorded, so every
//! channel and every retry sends the same bytes.

use std::time::Duration;

use super::staging::{Staged, staging_dir};
use crate::db::clips::Version;
use crate::db::publishing::Channel;
use crate::db::subtitles::{self as sdb, Burn};
use crate::domain::approval::Outgoing;
use crate::domain::subtitles::{self as subs, Delivery, Sent, Track};
use crate::jobs::JobError;
use crate::media::subtitles as fmt;
use crate::platforms::Platform;
use crate::platforms::connector::Caption;
use crate::state::AppState;

/// How long burning in may take: a clip of a few minutes at 1080p.
const BURN_DEADLINE: Duration = Duration::from_secs(30 * 60);

/// What the channel gets: caption tracks, or a staged file with the
/// subtitles burned in to send instead of the original.
#[derive(Default)]
pub(super) struct Delivered {
    pub captions: Vec<Caption>,
    pub burned: Option<Staged>,
}

/// How the channel receives the subtitles, if the approved content has any.
pub(super) fn sent(ch: &Channel, o: &Outgoing) -> Option<Sent> {
    o.subtitles.as_ref()?;
    let chosen = Delivery::parse(&ch.subtitles).unwrap_or_default();
    subs::delivery(&ch.platform, chosen)
}

/// The approved tracks of the version: refused (for good) when they are no
/// longer what was approved.
pub(super) async fn approved_tracks(
    st: &AppState,
    version: &Version,
    o: &Outgoing,
) -> Result<Vec<Track>, JobError> {
    let mut tx = st.db.read().await?;
    let tracks = crate::service::review::subtitle_tracks_of(&mut tx, version.id)
        .await
        .map_err(|e| JobError::Retry(e.to_string()))?;
    if subs::digest(&tracks) != o.subtitles {
        return Err(JobError::Permanent(
            "the subtitles changed since they were approved".into(),
        ));
    }
    Ok(tracks)
}

/// The track names platforms show, in the language of the track.
fn track_name(lang: &str) -> String {
    match lang {
        "vi" => "Tiếng Việt".into(),
        "en" => "English".into(),
        other => other.to_string(),
    }
}

/// Caption tracks as WebVTT, one per language with cues.
pub(super) fn captions(tracks: &[Track]) -> Vec<Caption> {
    tracks
        .iter()
        .filter(|t| !t.cues.is_empty())
        .map(|t| Caption {
            lang: t.lang.clone(),
            name: track_name(&t.lang),
            vtt: fmt::to_vtt(&t.cues),
        })
        .collect()
}

/// What a channel of a platform receives with this approved content.
pub(super) async fn deliver(
    st: &AppState,
    ch: &Channel,
    version: &Version,
    o: &Outgoing,
    staged: &Staged,
    pid: crate::domain::PublicationId,
) -> Result<Delivered, JobError> {
    let Some(how) = sent(ch, o) else {
        return Ok(Delivered::default());
    };
    let tracks = approved_tracks(st, version, o).await?;
    match how {
        Sent::Track => Ok(Delivered {
            captions: captions(&tracks),
            burned: None,
        }),
        Sent::Burned => {
            let Some(track) = subs::burned_track(&tracks) else {
                return Ok(Delivered::default());
            };
            let burned = burned(st, version, o, track, staged, pid).await?;
            Ok(Delivered {
                captions: Vec::new(),
                burned: Some(burned),
            })
        }
    }
}

/// The display size recorded by the media check.
fn display_size(v: &Version) -> Option<(u32, u32)> {
    let p: serde_json::Value = serde_json::from_str(v.probe.as_deref()?).ok()?;
    let w = p["video"]["display_width"].as_u64()?;
    let h = p["video"]["display_height"].as_u64()?;
    Some((u32::try_from(w).ok()?, u32::try_from(h).ok()?))
}

/// The staged copy of the burned rendition, made (and kept) if no worker
/// made it before.
async fn burned(
    st: &AppState,
    version: &Version,
    o: &Outgoing,
    track: &Track,
    staged: &Staged,
    pid: crate::domain::PublicationId,
) -> Result<Staged, JobError> {
    let subs_digest = o.subtitles.clone().unwrap_or_default();
    let settings = {
        let mut tx = st.db.read().await?;
        crate::service::subtitles::settings(&mut tx, version_agency(st, version).await?)
            .await
            .map_err(|e| JobError::Retry(e.to_string()))?
    };
    let style_digest = settings.style_digest();
    let kept = {
        let mut tx = st.db.read().await?;
        sdb::burn(&mut tx, version.id, &subs_digest, &style_digest).await?
    };
    let kept = match kept {
        Some(b) => b,
        None => {
            make(
                st,
                version,
                track,
                &settings,
                staged,
                (&subs_digest, &style_digest),
            )
            .await?
        }
    };
    let path = staging_dir(st).join(format!(
        "{pid}-burned-{}.mp4",
        crate::crypto::random_token().get(..12).unwrap_or("x")
    ));
    let (size, sha256) = st
        .store
        .download_hashed(&kept.object_key, &path)
        .await
        .map_err(|e| JobError::storage("reading the burned rendition", e))?;
    let got = Staged { path, size, sha256 };
    if got.sha256 != kept.sha256 {
        return Err(JobError::Retry(
            "the burned rendition's bytes changed".into(),
        ));
    }
    Ok(got)
}

async fn version_agency(
    st: &AppState,
    version: &Version,
) -> Result<crate::domain::OrgId, JobError> {
    let mut tx = st.db.read().await?;
    crate::db::clips::get_any(&mut tx, version.clip_id)
        .await?
        .map(|c| c.agency_id)
        .ok_or_else(|| JobError::Permanent("clip gone".into()))
}

/// Burns the track into the staged original, stores and records the result;
/// what another worker recorded first wins.
async fn make(
    st: &AppState,
    version: &Version,
    track: &Track,
    settings: &subs::Settings,
    staged: &Staged,
    (subs_digest, style_digest): (&str, &str),
) -> Result<Burn, JobError> {
    let (w, h) = display_size(version)
        .ok_or_else(|| JobError::Permanent("the version has no picture size".into()))?;
    let ids: Vec<&str> = Platform::ALL.iter().map(|p| p.spec_id()).collect();
    let margins = fmt::margins_for(&ids);
    let work = staging_dir(st).join(format!(
        "burn-{}-{}",
        version.id,
        crate::crypto::random_token().get(..12).unwrap_or("x")
    ));
    tokio::fs::create_dir_all(&work)
        .await
        .map_err(|e| JobError::Retry(e.to_string()))?;
    let made = async {
        let ass = work.join("subtitles.ass");
        tokio::fs::write(
            &ass,
            fmt::to_ass(&track.cues, &settings.style, &margins, w, h),
        )
        .await
        .map_err(|e| JobError::Retry(e.to_string()))?;
        let out = work.join("burned.mp4");
        let fonts = st.config.subtitle_fonts_dir.as_deref();
        let _slot = st
            .ffmpeg
            .acquire()
            .await
            .map_err(|e| JobError::Retry(e.to_string()))?;
        fmt::burn_in(&staged.path, &out, &ass, fonts, w, h, BURN_DEADLINE)
            .await
            .map_err(|e| {
                if e.is_retryable() {
                    JobError::Retry(e.to_string())
                } else {
                    JobError::Permanent(format!("burning the subtitles in: {e}"))
                }
            })?;
        let sha256 = sha256_of(&out)
            .await
            .map_err(|e| JobError::Retry(e.to_string()))?;
        // A name of its own: a worker that loses the race to record its
        // rendition never overwrites the bytes another one recorded.
        let key = format!(
            "{}/burned-{}-{}-{}.mp4",
            crate::storage::outputs_prefix(version.id.0),
            subs_digest.get(..16).unwrap_or(subs_digest),
            style_digest.get(..16).unwrap_or(style_digest),
            crate::crypto::random_token().get(..8).unwrap_or("x"),
        );
        let size = st
            .store
            .put_file(&key, &out)
            .await
            .map_err(|e| JobError::storage("storing the burned rendition", e))?;
        let b = Burn {
            object_key: key,
            size_bytes: size as i64,
            sha256,
        };
        let mut tx = st.db.write().await?;
        sdb::add_burn(&mut tx, version.id, subs_digest, style_digest, &b, st.now()).await?;
        let kept = sdb::burn(&mut tx, version.id, subs_digest, style_digest)
            .await?
            .unwrap_or(b);
        tx.commit().await?;
        Ok(kept)
    }
    .await;
    let _ = tokio::fs::remove_dir_all(&work).await;
    made
}

/// The SHA-256 of a local file, read 256 KiB at a time off the runtime.
async fn sha256_of(path: &std::path::Path) -> std::io::Result<String> {
    use sha2::Digest;
    use std::io::Read;
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let mut f = std::fs::File::open(path)?;
        let mut h = sha2::Sha256::new();
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = f.read(&mut buf)?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
        }
        Ok(hex::encode(h.finalize()))
    })
    .await
    .map_err(std::io::Error::other)?
}

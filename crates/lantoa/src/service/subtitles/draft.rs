//! Machine drafts of a track from the operator's speech-to-text server: a
//! draft, never the truth. The audio goes to the server; what comes back is
//! filtered against the known failures of such models (cues over stretches
//! the media check found silent, repetition loops, stock phrases the models
//! invent) and written as cues marked *bản nháp máy*, each with its
//! confidence. Approval is refused while any of them is unreviewed. Without a
//! server configured, nothing here is offered: the editor works by hand.

use std::time::Duration;

use serde_json::json;

use crate::db::clips::Version;
use crate::domain::subtitles::{Cue, parse_lang};
use crate::domain::{ClipId, UserId, VersionId};
use crate::error::{Error, Refusal, Result};
use crate::jobs::{Enqueue, JobCtx, JobError};
use crate::platforms::stt::{self, Stt};
use crate::service::Caller;
use crate::service::review::{TrackEdit, save_track};
use crate::state::AppState;

pub const DRAFT_JOB: &str = "subtitles_draft";

/// The configured speech-to-text server, if any.
pub fn backend(st: &AppState) -> Option<Stt> {
    let url = st.config.stt_url.as_ref()?;
    Some(Stt::new(
        url.as_str(),
        &st.config.stt_model,
        st.config.stt_api_key.clone(),
    ))
}

/// Asks for a machine draft of the `lang` track of the clip's current
/// version. Refused without a server, or when the track already has cues (a
/// draft never overwrites a person's work).
pub async fn request(caller: &Caller, id: ClipId, lang: &str) -> Result<()> {
    if backend(&caller.st).is_none() {
        return Err(Refusal::new("stt_unavailable", "subs-no-stt").into());
    }
    let lang = parse_lang(lang)?;
    let (mut tx, now) = caller.write().await?;
    let (clip, version) =
        crate::service::review::clip_and_version(&mut tx, caller.agency.id, id).await?;
    let f = crate::service::review::facts(&mut tx, &caller.principal, &clip, Some(&version), now)
        .await?;
    crate::service::review::enforce(
        &f,
        crate::domain::policy::ClipOp::Edit,
        &caller.agency.time_zone,
    )?;
    let has_cues = crate::service::review::subtitle_tracks_of(&mut tx, version.id)
        .await?
        .iter()
        .any(|t| t.lang == lang && !t.cues.is_empty());
    if has_cues {
        return Err(Refusal::new("subtitles_exist", "subs-draft-has-cues").into());
    }
    let by = caller.principal.user_id;
    crate::jobs::enqueue(
        &mut tx,
        DRAFT_JOB,
        &json!({"clip": clip.id, "version": version.id, "lang": lang, "by": by,
                "agency": caller.agency.id}),
        &Enqueue {
            priority: 5,
            max_attempts: 4,
            unique_key: Some(format!("subs-draft:{}:{lang}", version.id)),
            agency: Some(caller.agency.id),
            ..Enqueue::default()
        },
        now,
    )
    .await?;
    caller
        .audit_and_commit(
            tx,
            now,
            "subtitles.draft",
            ("clip", clip.id),
            json!({"lang": lang, "version": version.id}),
        )
        .await
}

/// The silent stretches the media check found, in seconds.
fn silences(v: &Version) -> Vec<(f64, f64)> {
    let Some(qc) = v.qc.as_deref() else {
        return Vec::new();
    };
    let Ok(p) = serde_json::from_str::<serde_json::Value>(qc) else {
        return Vec::new();
    };
    p["silent"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| Some((s["start_s"].as_f64()?, s["end_s"].as_f64()?)))
                .collect()
        })
        .unwrap_or_default()
}

/// The job: audio out, transcribed, guarded, saved as the requester's draft.
pub async fn run(ctx: JobCtx, payload: serde_json::Value) -> std::result::Result<(), JobError> {
    let st = ctx.st.clone();
    let field = |k: &str| {
        payload[k]
            .as_i64()
            .ok_or_else(|| JobError::Permanent(format!("no {k}")))
    };
    let (clip, version_id, by, agency) = (
        ClipId(field("clip")?),
        VersionId(field("version")?),
        UserId(field("by")?),
        crate::domain::OrgId(field("agency")?),
    );
    let lang = payload["lang"].as_str().unwrap_or("vi").to_string();
    let Some(backend) = backend(&st) else {
        return Err(JobError::Permanent(
            "no speech-to-text server is configured".into(),
        ));
    };
    let version = {
        let mut tx = st.db.read().await?;
        crate::db::clips::version_of(&mut tx, agency, clip, version_id)
            .await?
            .ok_or_else(|| JobError::Permanent("version gone".into()))?
    };
    let cues = transcribe(&st, &backend, &version, &lang).await?;
    let caller = Caller::for_user(&st, by, agency, "speech-to-text")
        .await
        .map_err(|e| JobError::Retry(e.to_string()))?
        .ok_or_else(|| JobError::Permanent("the requester is gone".into()))?;
    let edit = TrackEdit {
        lang,
        cues,
        revision: None,
        origin: "machine",
    };
    match save_track(&caller, clip, edit).await {
        Ok(_) => Ok(()),
        // Someone wrote the track meanwhile, or the clip moved on: the
        // person's work stands and the draft is dropped.
        Err(Error::Refused(r)) => Err(JobError::Permanent(format!(
            "draft not saved: {}",
            r.message_id
        ))),
        Err(e) => Err(JobError::Retry(e.to_string())),
    }
}

/// The version's speech as guarded draft cues.
async fn transcribe(
    st: &AppState,
    backend: &Stt,
    version: &Version,
    lang: &str,
) -> std::result::Result<Vec<Cue>, JobError> {
    let work = crate::service::work::scratch(st, "stt", version)
        .await
        .map_err(|e| JobError::Retry(e.to_string()))?;
    let got = async {
        let original = crate::service::work::local_original(st, version, &work)
            .await
            .map_err(|e| JobError::Retry(e.to_string()))?;
        let wav = work.join("speech.wav");
        let has_audio = {
            let _slot = st
                .ffmpeg
                .acquire()
                .await
                .map_err(|e| JobError::Retry(e.to_string()))?;
            crate::media::subtitles::audio_for_speech(&original, &wav, Duration::from_secs(600))
                .await
                .map_err(|e| JobError::Retry(e.to_string()))?
        };
        if !has_audio {
            return Err(JobError::Permanent("the clip has no sound".into()));
        }
        let segments = backend.transcribe(&wav, lang).await.map_err(|e| {
            if e.class == crate::platforms::ErrorClass::FixContent {
                JobError::Permanent(e.message)
            } else {
                JobError::Retry(e.message)
            }
        })?;
        let duration = version.duration_s();
        let drafted = stt::guard(segments, &silences(version), duration);
        let dropped = drafted.iter().filter(|d| d.dropped.is_some()).count();
        tracing::info!(version = %version.id, dropped, kept = drafted.len() - dropped, "speech-to-text draft");
        Ok(drafted
            .into_iter()
            .filter(|d| d.dropped.is_none())
            .map(|d| Cue {
                start_ms: d.start_ms,
                end_ms: d.end_ms,
                text: d.text,
                draft: true,
                confidence: Some(d.confidence),
            })
            .collect())
    }
    .await;
    let _ = tokio::fs::remove_dir_all(&work).await;
    got
}

//! The media check of a new version, run as a job: probe and validate the
//! original, then one ffmpeg pass for every measurement, the poster candidates,
//! the storyboard and (when needed) the review proxy; store the outputs as
//! objects and the results on the version.
//!
//! Re-running is safe: outputs have fixed keys per version, so a job picked up
//! again after a crash overwrites what a killed run left instead of leaving
//! orphans, and the version's results are written in one transaction at the end.

use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::db::clips::{self, Checked};
use crate::domain::VersionId;
use crate::jobs::{JobCtx, JobError};
use crate::media::qc::{QcPlan, QcReport, analyze, needs_proxy};
use crate::media::{MediaError, MediaLimits, probe, renditions, specs, validate};
use crate::service::{Actor, audit};
use crate::state::AppState;
use crate::storage::outputs_prefix;

/// Where a version's derived files are, as object keys.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Outputs {
    pub posters: Vec<String>,
    pub storyboard: Option<StoryboardOut>,
    pub proxy: Option<String>,
    /// What the player streams: the proxy, or the original when it needs none.
    pub playback: String,
    /// Platform renditions, made only where the original does not comply.
    #[serde(default)]
    pub renditions: Vec<RenditionOut>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RenditionOut {
    /// `remux`, `loudness`, `9x16`, `1x1` or `16x9`: its name in URLs.
    pub label: String,
    pub key: String,
    pub width: u32,
    pub height: u32,
    /// Streams copied (no re-encode).
    pub remuxed: bool,
    /// Spec ids of the platforms that refuse the original and take this copy
    /// (empty for the loudness copy, and for copies made before it was recorded).
    #[serde(default)]
    pub made_for: Vec<String>,
    /// What it corrects for them.
    #[serde(default)]
    pub fixes: Vec<renditions::Fix>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StoryboardOut {
    pub key: String,
    pub cols: u32,
    pub rows: u32,
    pub tile_width: u32,
    pub tile_height: u32,
    pub interval_s: f64,
    pub tiles: u32,
}

#[derive(Deserialize)]
struct Payload {
    version_id: i64,
}

fn system_actor() -> Actor {
    Actor {
        user_id: None,
        name: "system:media".into(),
        client_addr: "local".into(),
        is_system_admin: true,
    }
}

fn media_err(e: MediaError) -> JobError {
    if e.is_retryable() {
        JobError::Retry(e.to_string())
    } else {
        JobError::Permanent(e.to_string())
    }
}

/// The job kind that checks a new version.
pub const INGEST_JOB: &str = "media.ingest";

/// Queues the media check of a version (once: a second call while it is
/// queued changes nothing).
pub async fn queue(
    tx: &mut crate::db::Tx,
    version: VersionId,
    agency: crate::domain::OrgId,
    now: i64,
) -> crate::db::DbResult<()> {
    crate::jobs::enqueue(
        tx,
        INGEST_JOB,
        &json!({"version_id": version.0}),
        &crate::jobs::Enqueue {
            priority: 10,
            unique_key: Some(format!("ingest:{}", version.0)),
            agency: Some(agency),
            max_attempts: 3,
            ..Default::default()
        },
        now,
    )
    .await?;
    Ok(())
}

/// The job handler for `media.ingest`.
pub async fn run(ctx: JobCtx, payload: serde_json::Value) -> Result<(), JobError> {
    let p: Payload = serde_json::from_value(payload)
        .map_err(|e| JobError::Permanent(format!("bad payload: {e}")))?;
    let version = VersionId(p.version_id);
    let st = ctx.st.clone();
    let work = st
        .config
        .data_dir
        .join("work")
        .join(format!("v{}", version.0));
    let r = check(&ctx, version, &work).await;
    let _ = tokio::fs::remove_dir_all(&work).await;
    if let Err(e) = &r
        && (matches!(e, JobError::Permanent(_)) || ctx.last_attempt())
    {
        // Final failure: say so on the version, where people look.
        let now = st.now();
        if let Ok(mut tx) = st.db.write().await {
            let msg = e.to_string();
            let _ = clips::set_checked(
                &mut tx,
                version,
                Checked {
                    error: Some(&msg),
                    ..Checked::status("failed")
                },
                now,
            )
            .await;
            let _ = after_check(&mut tx, version, false, now).await;
            let _ = tx.commit().await;
        }
    }
    r
}

async fn check(ctx: &JobCtx, version: VersionId, work: &Path) -> Result<(), JobError> {
    let st = &ctx.st;
    let v = {
        let mut tx = st.db.read().await?;
        clips::get_version(&mut tx, version).await?
    }
    .ok_or_else(|| JobError::Permanent(format!("version {version} does not exist")))?;
    // A run killed half-way may have left files here: start clean.
    let _ = tokio::fs::remove_dir_all(work).await;
    tokio::fs::create_dir_all(work)
        .await
        .map_err(|e| JobError::Retry(e.to_string()))?;
    let original = crate::service::work::local_original(st, &v, work).await?;
    let limits = MediaLimits::default();
    let probed = probe::probe(&original, Duration::from_secs(limits.probe_timeout_s))
        .await
        .map_err(media_err)?;
    let validation = validate::validate(&probed, &limits);
    if !validation.accepted() {
        // Invalid input is an outcome, not a failure: the version stays, marked invalid.
        return record_invalid(ctx, version, &probed, &validation).await;
    }
    ctx.set_progress(0.02);

    let report = run_qc(ctx, &original, &probed, work).await?;
    let prefix = outputs_prefix(version.0);
    let mut outputs = store_qc_outputs(st, &prefix, &report, &v.original_key).await?;
    // Renditions only where a platform refuses the original, never for advice.
    let compliance = specs::compliance(&probed, specs::builtin());
    make_renditions(ctx, &original, &probed, work, &prefix, &mut outputs).await?;
    if st.config.normalize_loudness
        && let Some(i) = report.found.integrated_lufs
        && renditions::needs_loudness_fix(Some(i), report.found.true_peak_dbtp)
        && probed.audio.is_some()
    {
        let made = loudness_rendition(st, &original, &probed, i, work, &prefix).await?;
        outputs.renditions.push(made);
    }
    ctx.set_progress(0.98);
    record_ready(
        ctx,
        version,
        &probed,
        &validation,
        &report,
        &compliance,
        &outputs,
    )
    .await
}

/// One of the limited ffmpeg slots, held while the guard lives.
async fn ffmpeg_slot(st: &AppState) -> Result<tokio::sync::SemaphorePermit<'_>, JobError> {
    st.ffmpeg
        .acquire()
        .await
        .map_err(|e| JobError::Retry(e.to_string()))
}

/// Marks a version whose media cannot be used as invalid, with its problems.
async fn record_invalid(
    ctx: &JobCtx,
    version: VersionId,
    probed: &probe::Probe,
    validation: &validate::Validation,
) -> Result<(), JobError> {
    let probe_json = serde_json::to_string(probed).unwrap_or_default();
    let validation_json = serde_json::to_string(validation).unwrap_or_default();
    let checked = Checked {
        probe: Some(&probe_json),
        validation: Some(&validation_json),
        ..Checked::status("invalid")
    };
    let problems: Vec<&str> = validation
        .problems
        .iter()
        .map(|p| p.code.as_str())
        .collect();
    let details = json!({"after": {"problems": problems}});
    record(ctx, version, checked, "version.invalid", details).await
}

/// Writes a check's outcome, audits it and moves the clip on, in one transaction.
async fn record(
    ctx: &JobCtx,
    version: VersionId,
    checked: Checked<'_>,
    action: &str,
    details: serde_json::Value,
) -> Result<(), JobError> {
    let st = &ctx.st;
    let ready = checked.status == "ready";
    let now = st.now();
    let mut tx = st.db.write().await?;
    clips::set_checked(&mut tx, version, checked, now).await?;
    audit(
        &mut tx,
        &system_actor(),
        ctx.agency,
        action,
        "clip_version",
        version,
        details,
        now,
    )
    .await?;
    after_check(&mut tx, version, ready, now).await?;
    tx.commit().await?;
    Ok(())
}

/// A stage's own progress (0 to 1, sent on the channel) shown on the job's
/// bar between `from` and `to`; the task ends when the sender is dropped.
fn stage_progress(
    ctx: &JobCtx,
    from: f64,
    to: f64,
) -> (tokio::sync::watch::Sender<f64>, tokio::task::JoinHandle<()>) {
    let (tx, mut rx) = tokio::sync::watch::channel(0.0f64);
    let ctx = ctx.clone();
    let task = tokio::spawn(async move {
        while rx.changed().await.is_ok() {
            let f = *rx.borrow();
            ctx.set_progress(from + f * (to - from));
        }
    });
    (tx, task)
}

/// Where the check's progress bar stands when the analysis is done and
/// renditions are to be made (encoding them is about as long as the check).
const ANALYSIS_SHARE_WITH_RENDITIONS: f64 = 0.5;

/// The one-decode QC pass, its progress reported on the job: up to 95 %, or
/// to half way when renditions are to follow.
async fn run_qc(
    ctx: &JobCtx,
    original: &Path,
    probed: &probe::Probe,
    work: &Path,
) -> Result<QcReport, JobError> {
    let mut plan = QcPlan::new(work.join("out"));
    plan.proxy = needs_proxy(probed);
    let end = if renditions::plan(probed, specs::builtin()).is_empty() {
        0.95
    } else {
        ANALYSIS_SHARE_WITH_RENDITIONS
    };
    let (tx_p, reporter) = stage_progress(ctx, 0.02, end);
    let report = {
        let _slot = ffmpeg_slot(&ctx.st).await?;
        analyze(original, probed, &plan, tx_p)
            .await
            .map_err(media_err)?
    };
    reporter.abort();
    Ok(report)
}

/// Stores posters, storyboard and proxy under fixed keys for this version.
async fn store_qc_outputs(
    st: &AppState,
    prefix: &str,
    report: &QcReport,
    original_key: &str,
) -> Result<Outputs, JobError> {
    let mut outputs = Outputs::default();
    for (i, p) in report.posters.iter().enumerate() {
        let key = format!("{prefix}/poster_{:02}.jpg", i + 1);
        put(st, &key, p).await?;
        outputs.posters.push(key);
    }
    if let Some(sb) = &report.storyboard {
        let key = format!("{prefix}/storyboard.jpg");
        put(st, &key, &sb.path).await?;
        outputs.storyboard = Some(StoryboardOut {
            key,
            cols: sb.cols,
            rows: sb.rows,
            tile_width: sb.tile_width,
            tile_height: sb.tile_height,
            interval_s: sb.interval_s,
            tiles: sb.tiles,
        });
    }
    if let Some(proxy) = &report.proxy {
        let key = format!("{prefix}/proxy.mp4");
        put(st, &key, proxy).await?;
        outputs.proxy = Some(key);
    }
    outputs.playback = outputs
        .proxy
        .clone()
        .unwrap_or_else(|| original_key.to_string());
    Ok(outputs)
}

/// Renditions for the platforms that refuse the original as it is.
async fn make_renditions(
    ctx: &JobCtx,
    original: &Path,
    probed: &probe::Probe,
    work: &Path,
    prefix: &str,
    outputs: &mut Outputs,
) -> Result<(), JobError> {
    let st = &ctx.st;
    let rplan = renditions::plan(probed, specs::builtin());
    if rplan.is_empty() {
        return Ok(());
    }
    // The encode is about as much work as the check: the second half.
    ctx.set_progress(ANALYSIS_SHARE_WITH_RENDITIONS);
    let (tx_p, reporter) = stage_progress(ctx, ANALYSIS_SHARE_WITH_RENDITIONS, 0.97);
    let made = {
        let _slot = ffmpeg_slot(st).await?;
        renditions::render_with_progress(
            original,
            probed,
            &rplan,
            &work.join("renditions"),
            Duration::from_secs(1800),
            &tx_p,
        )
        .await
        .map_err(media_err)
    };
    drop(tx_p);
    let _ = reporter.await;
    let made = made?;
    for r in made {
        let key = format!("{prefix}/rendition_{}.mp4", r.label);
        put(st, &key, &r.path).await?;
        outputs.renditions.push(RenditionOut {
            label: r.label,
            key,
            width: r.width,
            height: r.height,
            remuxed: r.remuxed,
            made_for: r.made_for,
            fixes: r.fixes,
        });
    }
    Ok(())
}

/// A copy with its loudness brought to the target (`normalize_loudness`).
async fn loudness_rendition(
    st: &AppState,
    original: &Path,
    probed: &probe::Probe,
    integrated_lufs: f64,
    work: &Path,
    prefix: &str,
) -> Result<RenditionOut, JobError> {
    let out = work.join("loudness.mp4");
    {
        let _slot = ffmpeg_slot(st).await?;
        renditions::normalize_loudness(original, integrated_lufs, &out, Duration::from_secs(1800))
            .await
            .map_err(media_err)?;
    }
    let key = format!("{prefix}/loudness.mp4");
    put(st, &key, &out).await?;
    let (w, h) = probed
        .video
        .as_ref()
        .map(|v| (v.display_width, v.display_height))
        .unwrap_or((0, 0));
    Ok(RenditionOut {
        label: "loudness".into(),
        key,
        width: w,
        height: h,
        remuxed: false,
        made_for: Vec::new(),
        fixes: Vec::new(),
    })
}

/// Marks the version ready with everything the check found and made.
async fn record_ready(
    ctx: &JobCtx,
    version: VersionId,
    probed: &probe::Probe,
    validation: &validate::Validation,
    report: &QcReport,
    compliance: &[specs::PlatformCheck],
    outputs: &Outputs,
) -> Result<(), JobError> {
    let probe_json = serde_json::to_string(probed).unwrap_or_default();
    let validation_json = serde_json::to_string(validation).unwrap_or_default();
    let qc_json = serde_json::to_string(report).unwrap_or_default();
    let compliance_json = serde_json::to_string(compliance).unwrap_or_default();
    let outputs_json = serde_json::to_string(outputs).unwrap_or_default();
    let checked = Checked {
        probe: Some(&probe_json),
        validation: Some(&validation_json),
        qc: Some(&qc_json),
        compliance: Some(&compliance_json),
        outputs: Some(&outputs_json),
        ..Checked::status("ready")
    };
    let renditions: Vec<&str> = outputs
        .renditions
        .iter()
        .map(|r| r.label.as_str())
        .collect();
    let compliant: Vec<&str> = compliance
        .iter()
        .filter(|c| c.ok)
        .map(|c| c.platform.as_str())
        .collect();
    let details = json!({"after": {"status": "ready", "proxy": outputs.proxy.is_some(),
                                   "renditions": renditions, "compliant": compliant}});
    record(ctx, version, checked, "version.checked", details).await
}

/// Moves a clip that was submitted with this version on, in the same transaction.
async fn after_check(
    tx: &mut crate::db::Tx,
    version: VersionId,
    ok: bool,
    now: i64,
) -> Result<(), JobError> {
    if let Some(v) = clips::get_version(tx, version).await? {
        crate::service::review::on_version_checked(tx, v.clip_id, version, ok, now).await?;
    }
    Ok(())
}

async fn put(st: &AppState, key: &str, file: &Path) -> Result<(), JobError> {
    st.store
        .put_file(key, file)
        .await
        .map(|_| ())
        .map_err(|e| JobError::storage(&format!("storing {key}"), e))
}

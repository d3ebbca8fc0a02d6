//! A version's subtitle tracks as part of what goes out: edited by hand or
//! imported (SRT, WebVTT), checked like the caption (the cue rules and the
//! Vietnamese lint, with one-click fixes), and covered by the approval: a
//! save changes the version's subtitle digest, which voids the signatures as
//! an edit of the title would.

use serde::Serialize;
use serde_json::json;

use super::locks::{audit_takeover, check_lock};
use super::outgoing::{content, current_version};
use super::settings::settings;
use super::transitions::{enforce, facts, load};
use crate::db::Tx;
use crate::db::clips::{Clip, Version};
use crate::db::subtitles as sdb;
use crate::domain::policy::ClipOp;
use crate::domain::subtitles::{self as subs, Cue, Limits, MAX_TRACKS, Track};
use crate::domain::{ClipId, Invalid, OrgId, VersionId};
use crate::error::{Error, Refusal, Result};
use crate::lint::{self, Severity};
use crate::media::subtitles as fmt;
use crate::service::Caller;

/// One thing wrong with a cue: a cue rule (`subs-cue-…`) or a lint finding
/// on its text (`lint-…`), with the text it would have once fixed.
#[derive(Debug, Clone, Serialize)]
pub struct CueIssue {
    /// The cue's index in its track (0-based).
    pub index: usize,
    /// The message id.
    pub code: String,
    pub error: bool,
    /// Named arguments for the message.
    pub args: Vec<(&'static str, String)>,
    /// The cue's text with the lint's suggestion applied (one-click fix).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    #[serde(skip)]
    pub finding: Option<lint::Finding>,
}

/// A track as the editor and the review page show it.
#[derive(Debug, Clone, Serialize)]
pub struct TrackState {
    pub lang: String,
    pub cues: Vec<Cue>,
    pub origin: String,
    pub revision: i64,
    pub issues: Vec<CueIssue>,
    pub errors: usize,
    pub drafts: usize,
}

/// Every issue of a track's cues: the media layer's cue rules with the
/// agency's limits, then the lint of each cue's text with the agency's rules.
pub fn issues(
    cues: &[Cue],
    duration_ms: Option<i64>,
    limits: &Limits,
    rules: &lint::Rules,
) -> Vec<CueIssue> {
    let mut out: Vec<CueIssue> = fmt::check(cues, duration_ms, limits)
        .into_iter()
        .map(|p| CueIssue {
            index: p.index,
            code: p.code.to_string(),
            error: p.error,
            args: p.args,
            fixed: None,
            finding: None,
        })
        .collect();
    for (index, c) in cues.iter().enumerate() {
        for f in lint::lint(&c.text, rules) {
            out.push(CueIssue {
                index,
                code: format!("lint-{}", f.rule),
                error: f.severity == Severity::Error,
                args: Vec::new(),
                fixed: lint::apply(&c.text, &f),
                finding: Some(f),
            });
        }
    }
    out.sort_by_key(|i| (i.index, !i.error));
    out
}

fn parse_cues(json: &str) -> Vec<Cue> {
    serde_json::from_str(json).unwrap_or_default()
}

/// The version's tracks with their issues.
pub async fn tracks(tx: &mut Tx, agency: OrgId, version: &Version) -> Result<Vec<TrackState>> {
    let rows = sdb::tracks(tx, version.id).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let s = crate::service::subtitles::settings(tx, agency).await?;
    let rules = settings(tx, agency).await?.rules();
    let duration = duration_ms(version);
    Ok(rows
        .into_iter()
        .map(|r| {
            let cues = parse_cues(&r.cues);
            let issues = issues(&cues, duration, &s.limits, &rules);
            TrackState {
                errors: issues.iter().filter(|i| i.error).count(),
                drafts: cues.iter().filter(|c| c.draft).count(),
                lang: r.lang,
                cues,
                origin: r.origin,
                revision: r.revision,
                issues,
            }
        })
        .collect())
}

/// The version's duration in milliseconds, as probed.
pub fn duration_ms(v: &Version) -> Option<i64> {
    v.duration_s().map(|d| (d * 1000.0).round() as i64)
}

/// The tracks as the approval digest and the publisher read them.
pub async fn tracks_of(tx: &mut Tx, version: VersionId) -> Result<Vec<Track>> {
    Ok(sdb::tracks(tx, version)
        .await?
        .into_iter()
        .map(|r| Track {
            cues: parse_cues(&r.cues),
            lang: r.lang,
        })
        .collect())
}

/// Approval's refusal while a track has an error (an overlap, an empty or
/// out-of-range cue, a machine draft nobody reviewed, a lint error).
pub async fn check_approvable(tx: &mut Tx, agency: OrgId, version: &Version) -> Result<()> {
    for t in tracks(tx, agency, version).await? {
        if t.errors > 0 {
            return Err(Refusal::new("approval_refused", "approve-subtitle-errors")
                .text("lang", t.lang)
                .text("n", t.errors.to_string())
                .into());
        }
    }
    Ok(())
}

/// A track's new cues, as the editor or an import sends them.
#[derive(Debug, Clone)]
pub struct TrackEdit {
    pub lang: String,
    pub cues: Vec<Cue>,
    /// The revision edited; None for a new track.
    pub revision: Option<i64>,
    /// hand, import or machine.
    pub origin: &'static str,
}

/// What a save did.
#[derive(Debug, Clone, Serialize)]
pub struct TrackSaved {
    pub revision: i64,
    /// Whether the approvals were voided by it.
    pub voided: bool,
}

/// Cues as a person may save them: at most 5,000, each within a day and
/// with its text at most 500 characters, sorted by start.
fn checked_cues(mut cues: Vec<Cue>) -> Result<Vec<Cue>> {
    if cues.len() > 5_000 {
        return Err(Invalid::new("cues", "subs-too-large").into());
    }
    for c in &cues {
        let in_day = |t: i64| (0..=86_400_000).contains(&t);
        if !in_day(c.start_ms) || !in_day(c.end_ms) || c.text.chars().count() > 500 {
            return Err(Invalid::new("cues", "subs-invalid-cue").into());
        }
    }
    cues.sort_by_key(|c| c.start_ms);
    Ok(cues)
}

/// Saves a track of the clip's current version (an empty list of cues
/// deletes it), records the edit and voids the approvals it invalidates.
pub async fn save_track(caller: &Caller, id: ClipId, edit: TrackEdit) -> Result<TrackSaved> {
    let lang = subs::parse_lang(&edit.lang)?;
    let cues = checked_cues(edit.cues)?;
    let tz = caller.agency.time_zone.as_str();
    let (mut tx, now) = caller.write().await?;
    let clip = load(&mut tx, caller.agency.id, id).await?;
    let version = current_version(&mut tx, &clip)
        .await?
        .ok_or(Error::NotFound)?;
    let f = facts(&mut tx, &caller.principal, &clip, Some(&version), now).await?;
    enforce(&f, ClipOp::Edit, tz)?;
    let taken_over = check_lock(&mut tx, &clip, &caller.principal, &f, now, tz).await?;
    let (before, _) = content(&clip, Some(&version));
    let existing = sdb::tracks(&mut tx, version.id).await?;
    let current = existing.iter().find(|t| t.lang == lang);
    if current.is_none() && existing.len() >= MAX_TRACKS {
        return Err(Error::TooMany("subs-too-many-tracks"));
    }
    let stale = || Error::from(Refusal::new("edit_conflict", "subs-conflict"));
    let revision = match (current, edit.revision) {
        (Some(t), Some(r)) if t.revision == r => {
            if cues.is_empty() {
                if !sdb::delete(&mut tx, version.id, &lang, r).await? {
                    return Err(stale());
                }
                0
            } else {
                write(
                    &mut tx,
                    &version,
                    &lang,
                    &cues,
                    edit.origin,
                    Some(r),
                    caller,
                    now,
                )
                .await?;
                r + 1
            }
        }
        (None, _) if !cues.is_empty() => {
            write(
                &mut tx,
                &version,
                &lang,
                &cues,
                edit.origin,
                None,
                caller,
                now,
            )
            .await?;
            1
        }
        (None, _) => {
            return Ok(TrackSaved {
                revision: 0,
                voided: false,
            });
        }
        _ => return Err(stale()),
    };
    let all = tracks_of(&mut tx, version.id).await?;
    let digest = subs::digest(&all);
    sdb::set_version_digest(&mut tx, version.id, digest.as_deref()).await?;
    let after = crate::domain::approval::Outgoing {
        subtitles: digest,
        ..before.clone()
    };
    if let Some(was) = taken_over {
        audit_takeover(caller, &mut tx, &clip, &was, now).await?;
    }
    let more = json!({"subtitle_track": {"lang": lang, "cues": cues.len(),
                       "origin": edit.origin, "revision": revision}});
    let more = more.as_object().cloned().unwrap_or_default();
    let (_, voided) =
        super::editing::record_edit(caller, &mut tx, &clip, &before, &after, more, now).await?;
    tx.commit().await?;
    Ok(TrackSaved { revision, voided })
}

#[allow(clippy::too_many_arguments)]
async fn write(
    tx: &mut Tx,
    version: &Version,
    lang: &str,
    cues: &[Cue],
    origin: &str,
    revision: Option<i64>,
    caller: &Caller,
    now: i64,
) -> Result<()> {
    let json = serde_json::to_string(cues).map_err(|e| Error::Internal(e.to_string()))?;
    let w = sdb::Write {
        version: version.id,
        lang,
        cues: &json,
        origin,
        revision,
        by: Some(caller.principal.user_id),
        now,
    };
    if !sdb::write(tx, &w).await? {
        return Err(Refusal::new("edit_conflict", "subs-conflict").into());
    }
    Ok(())
}

/// Parses an SRT or WebVTT file; a malformed one is refused with its line
/// and the reason.
pub fn parse_file(bytes: &[u8]) -> Result<Vec<Cue>> {
    fmt::parse(bytes).map_err(|e| {
        Refusal::new("invalid_subtitles", e.code)
            .text("line", e.line.to_string())
            .text("detail", e.detail)
            .into()
    })
}

/// The clip a track belongs to must be the caller's agency's: the clip and
/// its current version.
pub async fn clip_and_version(tx: &mut Tx, agency: OrgId, id: ClipId) -> Result<(Clip, Version)> {
    let clip = load(tx, agency, id).await?;
    let version = current_version(tx, &clip).await?.ok_or(Error::NotFound)?;
    Ok((clip, version))
}

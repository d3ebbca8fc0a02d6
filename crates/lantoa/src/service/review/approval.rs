//! Approval: signing the next step for exactly the content seen, the lint and
//! platform findings that stand in its way, and the expiry of unused approvals.

pub use crate::domain::FieldFinding;
use serde_json::json;

use super::comments::checklist;
use super::notify::{notify_users, signers_of};
use super::outgoing::{content, current_version, outgoing};
use super::role_ids;
use super::settings::{Settings, settings};
use super::transitions::{authors, enforce, facts, load, system_actor, transition, void};
use crate::db::Tx;
use crate::db::clips::{self, Clip};
use crate::db::review as rdb;
use crate::domain::VersionStatus;
use crate::domain::approval::{Capacity, Outgoing, SignDenied};
use crate::domain::policy::{ClipOp, Granted};
use crate::domain::workflow::{ClipAction, ClipState, Requester};
use crate::domain::{ClipId, Role, UserId, VersionId};
use crate::error::{Arg, Error, Refusal, Result};
use crate::lint::Severity;
use crate::platforms::text;
use crate::service::Caller;
use crate::state::AppState;

pub(super) fn sign_refusal(r: SignDenied, tz: &str) -> Error {
    match r {
        SignDenied::Author => Refusal::new("approval_refused", "approve-author"),
        SignDenied::AlreadySigned => Refusal::new("approval_refused", "approve-already-signed"),
        SignDenied::NotAllowed { step, roles } => {
            Refusal::new("approval_refused", "approve-not-allowed")
                .text("step", (step + 1).to_string())
                .arg("roles", Arg::Msgs(role_ids(&roles)))
        }
        SignDenied::DelegationEnded { ended_at } => {
            Refusal::new("approval_refused", "approve-delegation-ended")
                .arg("at", Arg::Time(ended_at, tz.into()))
        }
        SignDenied::DelegationNotYet { starts_at } => {
            Refusal::new("approval_refused", "approve-delegation-not-yet")
                .arg("at", Arg::Time(starts_at, tz.into()))
        }
        SignDenied::Complete => Refusal::new("approval_refused", "approve-complete"),
    }
    .into()
}

/// Error-severity findings on the clip's text, the platforms' rules included.
pub fn lint_errors(clip: &Clip) -> usize {
    findings(clip)
        .iter()
        .filter(|f| f.finding.severity == Severity::Error)
        .count()
}

pub fn stored_findings(clip: &Clip) -> Vec<FieldFinding> {
    clip.lint.clone()
}

/// Approval's refusal for a platform's text rule, naming the rule.
pub(crate) fn platform_refusal(b: &text::Breach, found: &str) -> Refusal {
    let id = match b.kind {
        text::Kind::Length => "approve-platform_length",
        text::Kind::Forbidden => "approve-platform_char",
        text::Kind::Required => "approve-platform_required",
    };
    Refusal::new("approval_refused", id)
        .text("platform", b.platform_label())
        .arg("part", Arg::Msg(format!("platform-part-{}", b.part.code())))
        .text("limit", b.limit.to_string())
        .text("measured", b.measured.to_string())
        .arg("unit", Arg::Msg(format!("platform-unit-{}", b.unit.code())))
        .text("found", found)
}

/// The target platforms' text rules that the content breaks, as findings.
pub fn platform_findings(o: &Outgoing) -> Vec<FieldFinding> {
    o.text_breaches()
        .into_iter()
        .map(|f| FieldFinding {
            field: f.field,
            finding: f.finding,
            platform: Some(f.breach),
        })
        .collect()
}

/// What the clip page and the API show and approval counts: the target
/// platforms' text rules, checked now (never stored: they depend on the
/// hashtags and targets too, and are data that may change), then the lint
/// findings stored at the last save.
pub fn findings(clip: &Clip) -> Vec<FieldFinding> {
    let mut out = platform_findings(&outgoing(clip, ""));
    out.extend(
        stored_findings(clip)
            .into_iter()
            .filter(|f| f.platform.is_none()),
    );
    out
}

/// Signs the next step of the clip's approval, for exactly the content whose
/// digest the person saw.
pub async fn approve(caller: &Caller, id: ClipId, seen_digest: &str) -> Result<ClipState> {
    let now = caller.st.now();
    let tz = caller.agency.time_zone.as_str();
    let mut tx = caller.st.db.write().await?;
    let clip = load(&mut tx, caller.agency.id, id).await?;
    let current = current_version(&mut tx, &clip).await?;
    let f = facts(&mut tx, &caller.principal, &clip, current.as_ref(), now).await?;
    let state = f.state;
    // Who: the table, then the approval policy's next step.
    let Granted::Sign { step, capacity } = enforce(&f, ClipOp::Act(ClipAction::Approve), tz)?
    else {
        return Err(Error::Internal("approval granted without a step".into()));
    };
    let (o, digest) = content(&clip, current.as_ref());
    if seen_digest != digest {
        return Err(Refusal::new("approval_refused", "approve-content-changed").into());
    }
    let authors = authors(&clip, current.as_ref());
    let version = current
        .filter(|v| v.status == VersionStatus::Ready)
        .ok_or_else(|| {
            Error::from(Refusal::new(
                "approval_refused",
                "approve-version-not-ready",
            ))
        })?;
    check_content(&mut tx, &clip, &o, &version).await?;
    crate::service::publish::check_sendable(&mut tx, &clip, now, tz).await?;
    let s = settings(&mut tx, caller.agency.id).await?;
    check_ticked(&mut tx, &s, clip.id, version.id).await?;
    let steps = s.policy.steps(o.political);
    let live = rdb::live_approvals(&mut tx, clip.id).await?;
    let (role, on_behalf_of, delegation_id) = match capacity {
        Capacity::Role(r) => (r, None, None),
        Capacity::OnBehalf { head, delegation } => (Role::Deputy, Some(head), Some(delegation)),
    };
    let content = serde_json::to_string(&o).unwrap_or_default();
    let approval_id = rdb::insert_approval(
        &mut tx,
        &rdb::NewApproval {
            clip_id: clip.id,
            version_id: version.id,
            step: step as i64,
            signer_id: caller.principal.user_id,
            role: role.code(),
            on_behalf_of,
            delegation_id,
            digest: &digest,
            content: &content,
            expires_at: now + s.approval_ttl_hours * 3_600_000,
            now,
        },
    )
    .await?;
    let summary = json!({"approval": approval_id, "step": step + 1, "of": steps.len(),
        "role": role.code(), "on_behalf_of": on_behalf_of, "delegation": delegation_id,
        "digest": digest, "version": version.id});
    caller
        .audit(&mut tx, now, "clip.sign", ("clip", clip.id), summary)
        .await?;
    // A deputy signing for the head (K/T): the head hears of it at once.
    if let Some(head) = on_behalf_of {
        let detail = json!({"by": caller.principal.display_name, "step": step + 1});
        notify_users(
            &mut tx,
            &[head],
            caller.agency.id,
            clip.id,
            "signed_for_you",
            detail,
            now,
        )
        .await?;
    }

    let to = if step + 1 == steps.len() {
        let to = transition(
            &mut tx,
            &caller.actor,
            &clip,
            ClipAction::Approve,
            f.requester(),
            json!({"digest": digest}),
            now,
        )
        .await?;
        let detail = json!({"by": caller.principal.display_name});
        notify_users(
            &mut tx,
            &authors,
            caller.agency.id,
            clip.id,
            "approved",
            detail,
            now,
        )
        .await?;
        to
    } else {
        let next = signers_of(&mut tx, caller.agency.id, &steps[step + 1], &authors, now).await?;
        let next: Vec<UserId> = next
            .into_iter()
            .filter(|u| *u != caller.principal.user_id && !live.iter().any(|a| a.signer_id == *u))
            .collect();
        let detail = json!({"step": step + 2});
        notify_users(
            &mut tx,
            &next,
            caller.agency.id,
            clip.id,
            "approval_needed",
            detail,
            now,
        )
        .await?;
        state
    };
    tx.commit().await?;
    Ok(to)
}

/// The text may be signed: it breaks no target platform's text rule and has
/// no error-severity lint finding.
fn check_text(clip: &Clip, o: &Outgoing) -> Result<()> {
    // A platform's text rule first, named: the platform would refuse the post.
    if let Some(f) = o.text_breaches().into_iter().next() {
        return Err(platform_refusal(&f.breach, &f.finding.found).into());
    }
    let errors = lint_errors(clip);
    if errors > 0 {
        return Err(Refusal::new("approval_refused", "approve-lint-errors")
            .text("count", errors.to_string())
            .into());
    }
    Ok(())
}

/// What goes out may be signed: the platforms' text rules, the lint, and the
/// version's subtitles (no cue error, no unreviewed machine draft).
async fn check_content(tx: &mut Tx, clip: &Clip, o: &Outgoing, v: &clips::Version) -> Result<()> {
    check_text(clip, o)?;
    super::subtitles::check_approvable(tx, clip.agency_id, v).await
}

/// Every item of the agency's checklist is ticked for the version.
async fn check_ticked(tx: &mut Tx, s: &Settings, clip: ClipId, version: VersionId) -> Result<()> {
    let ticks = rdb::ticks(tx, clip, version).await?;
    let missing: Vec<&str> = checklist(&s.checklist, &ticks)
        .into_iter()
        .filter(|(_, t)| t.is_none())
        .map(|(item, _)| item)
        .collect();
    if !missing.is_empty() {
        return Err(Refusal::new("approval_refused", "approve-checklist")
            .text("count", missing.len().to_string())
            .text("items", missing.join("; "))
            .into());
    }
    Ok(())
}

/// Expires approvals not used in time (housekeeping): voids them and sends the
/// clip back to review.
pub async fn expire_approvals(st: &AppState) -> Result<usize> {
    let now = st.now();
    let found = {
        let mut tx = st.db.read().await?;
        rdb::expired(&mut tx, now, 100).await?
    };
    for (clip_id, agency) in &found {
        let mut tx = st.db.write().await?;
        let Some(clip) = clips::get(&mut tx, *agency, *clip_id).await? else {
            continue;
        };
        let state = clip.state;
        if matches!(state, ClipState::Approved | ClipState::Scheduled) {
            transition(
                &mut tx,
                &system_actor(),
                &clip,
                ClipAction::Expire,
                Requester::System,
                json!({}),
                now,
            )
            .await?;
        }
        let moved = Clip {
            state: ClipState::InReview,
            ..clip.clone()
        };
        void(&mut tx, &moved, "expired", &[], now).await?;
        tx.commit().await?;
    }
    Ok(found.len())
}

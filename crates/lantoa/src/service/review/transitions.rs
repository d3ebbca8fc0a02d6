//! Transitions: the facts the policy decides from, its refusals in the user's
//! words, and every move of a clip's state (a person's action, the end of the
//! checks, a new version, voided approvals).

use serde::Deserialize;
use serde_json::json;

use super::approval::{approve, sign_refusal};
use super::delegations::delegation_of;
use super::notify::{notify_users, reviewers, signers_of};
use super::outgoing::current_version;
use super::settings::{Settings, settings};
use super::{LOCK_GONE_MS, LOCK_STALE_MS, role_ids, roles_in};
use crate::db::Tx;
use crate::db::clips::{self, Clip, Version};
use crate::db::review as rdb;
use crate::domain::VersionStatus;
use crate::domain::approval::Delegation;
use crate::domain::policy::{self, ClipFacts, ClipOp, ClipRights, Denied, Granted, LockState};
use crate::domain::workflow::{self, ClipAction, ClipState, Requester, Who};
use crate::domain::{ClipId, Invalid, OrgId, UserId};
use crate::error::{Arg, Error, Refusal, Result};
use crate::service::Caller;
use crate::service::accounts::Principal;
use crate::service::{Actor, audit};

/// What the facts of a clip are read from besides the clip, the person and
/// the agency's settings: its current version, the live approvals of its
/// round, and whether the offer it was taken from forbids cutting it.
pub(crate) struct ClipReads<'a> {
    pub current: Option<&'a Version>,
    pub live: &'a [rdb::Approval],
    pub cut_forbidden: bool,
}

/// The facts `policy::on_clip` decides from: the person's roles, authorship,
/// delegation, and the clip's state, approvals and lock. The agency's settings
/// and the person's delegation are passed in so a list can load them once.
pub(crate) async fn facts_with(
    tx: &mut Tx,
    p: &Principal,
    clip: &Clip,
    current: Option<&Version>,
    s: &Settings,
    delegation: Delegation,
    now: i64,
) -> Result<ClipFacts> {
    let live = rdb::live_approvals(tx, clip.id).await?;
    let cut_forbidden = crate::service::sharing::terms_of_clip(tx, clip)
        .await?
        .is_some_and(|t| !t.may_cut);
    let reads = ClipReads {
        current,
        live: &live,
        cut_forbidden,
    };
    Ok(facts_of(p, clip, &reads, s, delegation, now))
}

/// [`facts_with`] from what was read already (a queue reads it for all its
/// clips at once).
pub(crate) fn facts_of(
    p: &Principal,
    clip: &Clip,
    r: &ClipReads<'_>,
    s: &Settings,
    delegation: Delegation,
    now: i64,
) -> ClipFacts {
    let lock = match (clip.lock_user_id, clip.lock_at) {
        (Some(holder), Some(at)) if now - at < LOCK_GONE_MS => {
            if holder == p.user_id {
                LockState::Mine
            } else {
                LockState::Others {
                    stale: now - at >= LOCK_STALE_MS,
                }
            }
        }
        _ => LockState::Free,
    };
    ClipFacts {
        roles: roles_in(p, clip.agency_id),
        is_author: authors(clip, r.current).contains(&p.user_id),
        delegation,
        state: clip.state,
        has_version: r.current.is_some(),
        steps: s.policy.steps(clip.political).to_vec(),
        signed: r.live.len(),
        signed_by_me: r.live.iter().any(|a| a.signer_id == p.user_id),
        takedown_roles: s.takedown_roles.clone(),
        lock,
        window_ended: clip.publish_until.is_some_and(|until| until <= now),
        cut_forbidden: r.cut_forbidden,
        source_down: clip
            .taken
            .as_ref()
            .is_some_and(|t| t.source_down_at.is_some()),
    }
}

/// [`facts_with`], loading the agency's settings and the person's delegation.
pub async fn facts(
    tx: &mut Tx,
    p: &Principal,
    clip: &Clip,
    current: Option<&Version>,
    now: i64,
) -> Result<ClipFacts> {
    let s = settings(tx, clip.agency_id).await?;
    let delegation = delegation_of(tx, clip.agency_id, p.user_id, now).await?;
    facts_with(tx, p, clip, current, &s, delegation, now).await
}

/// What the person may do to the clip now (pages and the API render this).
pub async fn rights(
    tx: &mut Tx,
    p: &Principal,
    clip: &Clip,
    current: Option<&Version>,
    now: i64,
) -> Result<ClipRights> {
    Ok(policy::rights(&facts(tx, p, clip, current, now).await?))
}

/// Loads the facts and enforces `op` for the person on the clip now; the
/// facts come back for what the operation does next.
pub(crate) async fn enforce_now(
    tx: &mut Tx,
    p: &Principal,
    clip: &Clip,
    op: ClipOp,
    tz: &str,
    now: i64,
) -> Result<ClipFacts> {
    let current = current_version(tx, clip).await?;
    let f = facts(tx, p, clip, current.as_ref(), now).await?;
    enforce(&f, op, tz)?;
    Ok(f)
}

impl Caller {
    /// Opens a write, loads the agency's clip and enforces `op` for the caller
    /// on it now (a refusal's times in the agency's zone): what every
    /// operation on one clip starts with.
    pub(crate) async fn write_clip(
        &self,
        id: ClipId,
        op: ClipOp,
    ) -> Result<(Tx, i64, Clip, ClipFacts)> {
        let (mut tx, now) = self.write().await?;
        let clip = load(&mut tx, self.agency.id, id).await?;
        let f = enforce_now(
            &mut tx,
            &self.principal,
            &clip,
            op,
            &self.agency.time_zone,
            now,
        )
        .await?;
        Ok((tx, now, clip, f))
    }
}

/// Enforces `policy::on_clip`: the grant, or the refusal in the user's words.
pub(crate) fn enforce(f: &ClipFacts, op: ClipOp, tz: &str) -> Result<Granted> {
    policy::on_clip(f, op).map_err(|d| denied(d, tz))
}

fn denied(d: Denied, tz: &str) -> Error {
    let refuse = |id| Error::from(Refusal::new("action_not_allowed", id));
    match d {
        Denied::Workflow(r) => refusal_for(r),
        Denied::Sign(r) => sign_refusal(r, tz),
        Denied::EditNotYours => refuse("edit-not-yours"),
        Denied::EditNotInState(state) => Refusal::new("action_not_allowed", "edit-not-in-state")
            .arg("state", Arg::Msg(state.message_id()))
            .into(),
        Denied::PoliticalHeadOnly => refuse("political-lower-head-only"),
        Denied::NotReviewing => refuse("checklist-reviewers-only"),
        Denied::NoVersion => Error::NotFound,
        Denied::NoLockToTake => refuse("lock-not-stale"),
        Denied::VersionNotInState(state) => {
            Refusal::new("action_not_allowed", "upload-version-not-in-state")
                .arg("state", Arg::Msg(state.message_id()))
                .into()
        }
        Denied::NotPublisher => Error::Forbidden,
        Denied::TakedownNotAllowed => refuse("takedown-not-allowed"),
        Denied::WindowEnded => refuse("publish-window-ended"),
        Denied::CutNotAllowed => refuse("share-cut-not-allowed"),
        Denied::SourceTakenDown => refuse("share-source-taken-down"),
    }
}

/// The clip's author and its current version's uploader: the people who may
/// never approve it.
pub fn authors(clip: &Clip, version: Option<&Version>) -> Vec<UserId> {
    let mut out = vec![clip.author_id];
    if let Some(v) = version
        && v.uploaded_by != clip.author_id
    {
        out.push(v.uploaded_by);
    }
    out
}

pub(super) async fn authors_of(tx: &mut Tx, clip: &Clip) -> Result<Vec<UserId>> {
    Ok(authors(clip, current_version(tx, clip).await?.as_ref()))
}

fn refusal_for(r: workflow::Denied) -> Error {
    match r {
        workflow::Denied::NotInState {
            state,
            action,
            allowed_from,
        } => Refusal::new("action_not_allowed", "workflow-not-in-state")
            .arg("action", Arg::Msg(action.message_id()))
            .arg("state", Arg::Msg(state.message_id()))
            .arg(
                "allowed",
                Arg::Msgs(allowed_from.iter().map(|s| s.message_id()).collect()),
            )
            .into(),
        workflow::Denied::NotYours { state, who } => {
            let mut ids = role_ids(workflow::roles_of(who));
            if matches!(who, Who::AuthorOr(_)) {
                ids.insert(0, "workflow-the-author".into());
            }
            Refusal::new("action_not_allowed", "workflow-not-yours")
                .arg("state", Arg::Msg(state.message_id()))
                .arg("who", Arg::Msgs(ids))
                .into()
        }
    }
}

/// Applies one row of the table: checks it, moves the state, audits.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn transition(
    tx: &mut Tx,
    actor: &Actor,
    clip: &Clip,
    action: ClipAction,
    req: Requester<'_>,
    detail: serde_json::Value,
    now: i64,
) -> Result<ClipState> {
    let from = clip.state;
    let to = workflow::transition(from, action, req).map_err(refusal_for)?;
    if !clips::set_state(tx, clip.id, from.code(), to.code(), now).await? {
        return Err(Refusal::new("edit_conflict", "workflow-raced").into());
    }
    // Leaving the schedule any other way than by going out stops the posts
    // that have not started.
    if from == ClipState::Scheduled && to != ClipState::Published {
        crate::service::publish::cancel_pending(tx, clip, now).await?;
        clips::set_scheduled(tx, clip.id, None).await?;
    }
    audit(
        tx,
        actor,
        Some(clip.agency_id),
        &format!("clip.{}", action.code()),
        "clip",
        clip.id,
        json!({"before": {"state": from.code()}, "after": {"state": to.code()}, "detail": detail}),
        now,
    )
    .await?;
    Ok(to)
}

pub(crate) fn system_actor() -> Actor {
    Actor {
        user_id: None,
        name: "system".into(),
        client_addr: "local".into(),
        is_system_admin: false,
    }
}

/// Voids the clip's live approvals, tells their signers why, and moves an
/// approved or scheduled clip back to review.
pub(crate) async fn void(
    tx: &mut Tx,
    clip: &Clip,
    reason: &str,
    changed: &[&str],
    now: i64,
) -> Result<bool> {
    let voided = rdb::void_approvals(tx, clip.id, reason, now).await?;
    let state = clip.state;
    crate::service::sharing::source_changed(tx, clip, reason, now).await?;
    if matches!(state, ClipState::Approved | ClipState::Scheduled) {
        transition(
            tx,
            &system_actor(),
            clip,
            ClipAction::Void,
            Requester::System,
            json!({"reason": reason, "changed": changed}),
            now,
        )
        .await?;
    }
    if voided.is_empty() {
        return Ok(false);
    }
    audit(
        tx,
        &system_actor(),
        Some(clip.agency_id),
        "clip.approvals_void",
        "clip",
        clip.id,
        json!({"reason": reason, "changed": changed,
               "approvals": voided.iter().map(|a| a.id).collect::<Vec<_>>()}),
        now,
    )
    .await?;
    let signers: Vec<UserId> = voided.iter().map(|a| a.signer_id).collect();
    let detail = json!({"reason": reason, "changed": changed});
    notify_users(
        tx,
        &signers,
        clip.agency_id,
        clip.id,
        "approval_voided",
        detail,
        now,
    )
    .await?;
    Ok(true)
}

/// The clip an action decides on, locked for the transaction's length (see
/// [`clips::get_for_update`]).
pub(crate) async fn load(tx: &mut Tx, agency: OrgId, id: ClipId) -> Result<Clip> {
    clips::get_for_update(tx, Some(agency), id)
        .await?
        .ok_or(Error::NotFound)
}

/// Input to an action: a note (mandatory for requesting changes) and the
/// digest the person saw (for approval).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ActInput {
    /// Required for `request_changes`.
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub note: Option<String>,
    /// The approval digest the approver saw (`approve`): 64 hex characters.
    #[serde(default)]
    #[schema(min_length = 64, max_length = 64, pattern = "^[0-9a-f]{64}$")]
    pub digest: Option<String>,
    /// When to publish (`schedule`): a local date-time `YYYY-MM-DDTHH:MM` in
    /// the agency's zone, inside the signed publish window. Empty: the
    /// window's start.
    #[serde(default)]
    #[schema(max_length = 40)]
    pub at: Option<String>,
}

/// Performs a person's action on a clip. Approval goes through [`approve`].
pub async fn act(
    caller: &Caller,
    id: ClipId,
    action: ClipAction,
    input: ActInput,
) -> Result<ClipState> {
    if action == ClipAction::Approve {
        return approve(caller, id, input.digest.as_deref().unwrap_or("")).await;
    }
    if matches!(action, ClipAction::TakeDown | ClipAction::Publish) {
        return Err(Refusal::new("action_not_allowed", "workflow-needs-publishing").into());
    }
    let now = caller.st.now();
    let tz = caller.agency.time_zone.as_str();
    let note = input.note.as_deref().map(str::trim).unwrap_or("");
    if note.chars().count() > 5000 {
        return Err(Invalid::new("note", "invalid-note").into());
    }
    let mut tx = caller.st.db.write().await?;
    let clip = load(&mut tx, caller.agency.id, id).await?;
    let version = current_version(&mut tx, &clip).await?;
    let f = facts(&mut tx, &caller.principal, &clip, version.as_ref(), now).await?;
    enforce(&f, ClipOp::Act(action), tz)?;
    let at = match action {
        ClipAction::Schedule => Some(schedule_time(&clip, input.at.as_deref(), now, tz)?),
        _ => None,
    };
    check_action(
        &mut tx,
        &clip,
        version.as_ref(),
        (action, at),
        note,
        now,
        tz,
    )
    .await?;
    let mut to = transition(
        &mut tx,
        &caller.actor,
        &clip,
        action,
        f.requester(),
        json!({"note": note}),
        now,
    )
    .await?;
    if action == ClipAction::Schedule {
        queue_at(&mut tx, caller, &clip, at.unwrap_or(now), now).await?;
    }
    let authors = authors(&clip, version.as_ref());
    match action {
        ClipAction::Submit => {
            to = submitted(&mut tx, &clip, version.as_ref(), to, now).await?;
        }
        ClipAction::RequestChanges | ClipAction::Withdraw | ClipAction::Spike => {
            let moved = Clip {
                state: to,
                ..clip.clone()
            };
            void(&mut tx, &moved, action.code(), &[], now).await?;
            if action == ClipAction::RequestChanges {
                changes_requested(
                    &mut tx,
                    &caller.principal,
                    &clip,
                    version.as_ref(),
                    &authors,
                    note,
                    now,
                )
                .await?;
            }
        }
        _ => {}
    }
    tx.commit().await?;
    Ok(to)
}

/// One publication per target channel, each queued for the time `at`.
async fn queue_at(tx: &mut Tx, caller: &Caller, clip: &Clip, at: i64, now: i64) -> Result<()> {
    clips::set_scheduled(tx, clip.id, Some(at)).await?;
    crate::service::publish::create_publications(
        tx,
        clip,
        caller.principal.user_id,
        at,
        now,
        &Default::default(),
    )
    .await?;
    Ok(())
}

/// Moves a scheduled clip to another time (`at`, local) inside its signed
/// window: unscheduled and scheduled again in one transaction, so the posts
/// not yet started are cancelled and queued for the new time. A time outside
/// the window, or after the signatures expire, is refused and nothing moves.
pub async fn reschedule(caller: &Caller, id: ClipId, at: &str) -> Result<ClipState> {
    let now = caller.st.now();
    let tz = caller.agency.time_zone.as_str();
    let mut tx = caller.st.db.write().await?;
    let clip = load(&mut tx, caller.agency.id, id).await?;
    let version = current_version(&mut tx, &clip).await?;
    let f = facts(&mut tx, &caller.principal, &clip, version.as_ref(), now).await?;
    enforce(&f, ClipOp::Act(ClipAction::Unschedule), tz)?;
    let t = schedule_time(&clip, Some(at), now, tz)?;
    let schedule = (ClipAction::Schedule, Some(t));
    check_action(&mut tx, &clip, version.as_ref(), schedule, "", now, tz).await?;
    let detail = json!({"moved_to": t});
    let unschedule = ClipAction::Unschedule;
    let mid = transition(
        &mut tx,
        &caller.actor,
        &clip,
        unschedule,
        f.requester(),
        detail,
        now,
    )
    .await?;
    let moved = Clip {
        state: mid,
        scheduled_at: None,
        ..clip.clone()
    };
    let f = facts(&mut tx, &caller.principal, &moved, version.as_ref(), now).await?;
    enforce(&f, ClipOp::Act(ClipAction::Schedule), tz)?;
    let detail = json!({"moved_from": clip.scheduled_at});
    let to = transition(
        &mut tx,
        &caller.actor,
        &moved,
        ClipAction::Schedule,
        f.requester(),
        detail,
        now,
    )
    .await?;
    queue_at(&mut tx, caller, &moved, t, now).await?;
    tx.commit().await?;
    Ok(to)
}

/// The time a clip is scheduled for: the one asked for (local, in the zone
/// `tz`) or else the signed window's start, inside the signed window.
fn schedule_time(clip: &Clip, asked: Option<&str>, now: i64, tz: &str) -> Result<i64> {
    let at = match asked.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => crate::clock::local_datetime_ms(s, tz)
            .ok_or_else(|| Error::from(Invalid::new("at", "invalid-datetime")))?,
        None => clip.publish_at.ok_or_else(|| {
            Error::from(Refusal::new("action_not_allowed", "schedule-needs-time"))
        })?,
    };
    match crate::service::publish::outside_window(clip, at, now, tz) {
        Some(e) => Err(e),
        None => Ok(at),
    }
}

/// What an action needs beyond the table: a usable version, a target channel
/// and a window to submit or sign, a note to request changes, and a
/// publication time to schedule before any approval expires.
async fn check_action(
    tx: &mut Tx,
    clip: &Clip,
    version: Option<&Version>,
    (action, at): (ClipAction, Option<i64>),
    note: &str,
    now: i64,
    tz: &str,
) -> Result<()> {
    match action {
        ClipAction::Submit
            if !version.is_some_and(|v| {
                v.status == VersionStatus::Ready || v.status == VersionStatus::Processing
            }) =>
        {
            return Err(Refusal::new("action_not_allowed", "submit-needs-usable-version").into());
        }
        ClipAction::RequestChanges if note.is_empty() => {
            return Err(Invalid::new("note", "request-changes-needs-note").into());
        }
        ClipAction::Submit | ClipAction::Approve => {
            if let Some((channel, max)) =
                crate::service::publish::sending::too_long_for_tiktok(tx, clip, version).await?
            {
                return Err(Refusal::new("action_not_allowed", "tiktok-too-long")
                    .text("channel", channel)
                    .text("max", max.to_string())
                    .into());
            }
            crate::service::publish::check_sendable(tx, clip, now, tz).await?;
        }
        ClipAction::Schedule => {
            let t = at.unwrap_or(now);
            let live = rdb::live_approvals(tx, clip.id).await?;
            if let Some(exp) = live.iter().map(|a| a.expires_at).min()
                && exp < t
            {
                return Err(Refusal::new("action_not_allowed", "schedule-after-expiry")
                    .arg("expires", Arg::Time(exp, tz.into()))
                    .into());
            }
        }
        _ => {}
    }
    Ok(())
}

/// After a submission: a clip whose version is already checked moves on at
/// once (and its reviewers are told then, see [`checks_done`]). Returns the
/// clip's state.
async fn submitted(
    tx: &mut Tx,
    clip: &Clip,
    version: Option<&Version>,
    to: ClipState,
    now: i64,
) -> Result<ClipState> {
    if version.is_some_and(|v| v.status == VersionStatus::Ready) {
        let moved = Clip {
            state: to,
            ..clip.clone()
        };
        return checks_done(tx, &moved, true, now).await;
    }
    Ok(to)
}

/// After changes were requested: the note becomes a comment on the current
/// version, and the authors are told.
async fn changes_requested(
    tx: &mut Tx,
    p: &Principal,
    clip: &Clip,
    version: Option<&Version>,
    authors: &[UserId],
    note: &str,
    now: i64,
) -> Result<()> {
    if let Some(v) = version {
        rdb::insert_comment(
            tx,
            &rdb::NewComment {
                clip_id: clip.id,
                version_id: v.id,
                parent_id: None,
                author_id: p.user_id,
                body: note,
                fps: None,
                start_frame: None,
                end_frame: None,
                drawing: None,
                now,
            },
        )
        .await?;
    }
    notify_users(
        tx,
        authors,
        clip.agency_id,
        clip.id,
        "changes_requested",
        json!({"by": p.display_name, "note": note}),
        now,
    )
    .await
}

/// After a submitted clip's checks: to review, or back to draft (and tell the
/// authors). Reviewers hear of it once, when there is something to see: the
/// first step's signers that it awaits their signature, the other reviewers
/// that it was submitted.
async fn checks_done(tx: &mut Tx, clip: &Clip, ok: bool, now: i64) -> Result<ClipState> {
    let action = if ok {
        ClipAction::ChecksPassed
    } else {
        ClipAction::ChecksFailed
    };
    let to = transition(
        tx,
        &system_actor(),
        clip,
        action,
        Requester::System,
        json!({}),
        now,
    )
    .await?;
    let authors = authors_of(tx, clip).await?;
    if ok {
        let s = settings(tx, clip.agency_id).await?;
        if let Some(step) = s.policy.steps(clip.political).first() {
            let who = signers_of(tx, clip.agency_id, step, &authors, now).await?;
            let detail = json!({"step": 1});
            notify_users(
                tx,
                &who,
                clip.agency_id,
                clip.id,
                "approval_needed",
                detail,
                now,
            )
            .await?;
            let rest: Vec<UserId> = reviewers(tx, clip.agency_id, &authors)
                .await?
                .into_iter()
                .filter(|u| !who.contains(u))
                .collect();
            let by = match authors.first() {
                Some(a) => crate::db::users::get(tx, *a)
                    .await?
                    .map(|u| u.display_name)
                    .unwrap_or_default(),
                None => String::new(),
            };
            let detail = json!({"by": by});
            notify_users(tx, &rest, clip.agency_id, clip.id, "submitted", detail, now).await?;
        }
    } else {
        let detail = json!({});
        notify_users(
            tx,
            &authors,
            clip.agency_id,
            clip.id,
            "checks_failed",
            detail,
            now,
        )
        .await?;
    }
    Ok(to)
}

/// Called when a version's checks finish: moves a submitted clip on.
pub async fn on_version_checked(
    tx: &mut Tx,
    clip_id: ClipId,
    version: crate::domain::VersionId,
    ok: bool,
    now: i64,
) -> Result<()> {
    let Some(clip) = clips::get_for_update(tx, None, clip_id).await? else {
        return Ok(());
    };
    if clip.state != ClipState::Submitted || clip.current_version_id != Some(version) {
        return Ok(());
    }
    checks_done(tx, &clip, ok, now).await?;
    Ok(())
}

/// Called in the transaction that adds a version to an existing clip: voids
/// approvals (the bytes changed) and sends a clip under review back through the
/// checks.
/// A new version of a clip is stored: it becomes the current one, unless the
/// clip was published or spiked while the bytes were arriving (then it is
/// recorded beside the current one). From the second version on, approvals
/// are voided, the clip goes back to review, and the checklist ticks that
/// carry over are copied to it.
pub async fn version_arrived(
    tx: &mut Tx,
    actor: &Actor,
    p: &Principal,
    clip: ClipId,
    (version, number): (crate::domain::VersionId, i64),
    now: i64,
) -> Result<()> {
    let before = clips::get_any(tx, clip).await?;
    if number > 1
        && before
            .as_ref()
            .is_some_and(|c| !c.state.takes_new_versions())
    {
        return Ok(());
    }
    clips::set_current_version(tx, clip, version, now).await?;
    if let Some(c) = before.as_ref().filter(|_| number > 1) {
        on_new_version(tx, actor, p, clip, now).await?;
        if let Some(old) = c.current_version_id {
            super::carry_ticks(tx, actor, c, old, version, now).await?;
        }
    }
    Ok(())
}

pub async fn on_new_version(
    tx: &mut Tx,
    actor: &Actor,
    p: &Principal,
    clip_id: ClipId,
    now: i64,
) -> Result<()> {
    let Some(clip) = clips::get_any(tx, clip_id).await? else {
        return Ok(());
    };
    let state = clip.state;
    rdb::void_approvals(tx, clip.id, "version", now)
        .await
        .map(|_| ())?;
    crate::service::sharing::source_changed(tx, &clip, "version", now).await?;
    if workflow::row(state, ClipAction::NewVersion).is_some() {
        let roles = roles_in(p, clip.agency_id);
        transition(
            tx,
            actor,
            &clip,
            ClipAction::NewVersion,
            Requester::Person {
                roles: &roles,
                is_author: true,
            },
            json!({}),
            now,
        )
        .await?;
    }
    Ok(())
}

//! Editorial review and approval: editing what goes out, the state machine's
//! transitions, comments, the checklist, approvals bound to a digest of the
//! content, delegations (K/T), the agency's review settings and the inbox.
//!
//! Every operation here runs in one write transaction with its audit entries
//! and notifications. State changes go only through [`transition`], which
//! consults the table in `domain::workflow`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::accounts::Principal;
use super::{Actor, audit};
use crate::db::clips::{self, Clip, Version};
use crate::db::orgs::Org;
use crate::db::review::{self as rdb, SettingsRow};
use crate::db::{Tx, users};
use crate::domain::approval::{self, ApprovalPolicy, Capacity, Delegation, Outgoing, SignRefusal};
use crate::domain::policy::{
    self, ClipFacts, ClipOp, ClipRights, Denied, Granted, LockState, REVIEWERS,
};
use crate::domain::workflow::{self, ClipAction, ClipState, Requester, Who};
use crate::domain::{Caption, Category, ClipId, ClipTitle, Invalid, OrgId, Role, UserId};
use crate::error::{Arg, Error, Refusal, Result};
use crate::lint::{self, Finding, Severity, ToneStyle};
use crate::platforms::text;
use crate::state::AppState;

/// The platforms a clip can target (the channels themselves come with publishing).
pub const PLATFORMS: [&str; 4] = ["facebook", "youtube", "tiktok", "zalo"];

/// A lock not refreshed for this long is stale: an editor or the head may take it.
pub const LOCK_STALE_MS: i64 = 2 * 60 * 1000;
/// A lock not refreshed for this long is gone.
pub const LOCK_GONE_MS: i64 = 12 * 60 * 60 * 1000;

/// The roles `p` holds in `agency`.
pub fn roles_in(p: &Principal, agency: OrgId) -> Vec<Role> {
    p.memberships
        .iter()
        .filter(|(o, _)| *o == agency)
        .map(|(_, r)| *r)
        .collect()
}

fn role_ids(roles: &[Role]) -> Vec<String> {
    roles.iter().map(|r| r.message_id().to_string()).collect()
}

// ---- Settings ----------------------------------------------------------------

/// An agency's review settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Settings {
    /// House tone-mark style: old ("hòa") or new ("hoà").
    #[schema(value_type = String, pattern = "^(old|new)$")]
    pub tone_style: ToneStyle,
    /// Hours an approval stays usable.
    pub approval_ttl_hours: i64,
    pub policy: ApprovalPolicy,
    /// Items a reviewer ticks before approval.
    pub checklist: Vec<String>,
    /// Official names, bodies and titles in their correct form.
    pub official_names: Vec<String>,
    /// Terms that make a clip political.
    pub watch_list: Vec<String>,
    /// Roles that may take a published clip down besides the head and a
    /// deputy holding a delegation.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub takedown_roles: Vec<Role>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            tone_style: ToneStyle::Old,
            approval_ttl_hours: 72,
            policy: ApprovalPolicy::default(),
            checklist: [
                "Đã xác minh nguồn tin (ít nhất hai nguồn)",
                "Đã kiểm tra họ tên, chức danh của người xuất hiện",
                "Phụ đề và chữ trên hình đúng chính tả",
                "Không có nội dung vi phạm Điều 9 Luật Báo chí",
            ]
            .map(String::from)
            .to_vec(),
            official_names: lint::default_official_names(),
            watch_list: lint::default_watch_list(),
            takedown_roles: Vec::new(),
        }
    }
}

impl Settings {
    pub fn rules(&self) -> lint::Rules {
        lint::Rules {
            style: self.tone_style,
            official_names: self.official_names.clone(),
            watch_list: self.watch_list.clone(),
        }
    }

    fn validate(&self) -> Result<()> {
        self.policy.validate()?;
        if self
            .takedown_roles
            .iter()
            .any(|r| !policy::TAKEDOWN_OPTIONAL.contains(r))
        {
            return Err(Invalid::new("takedown_roles", "invalid-takedown-roles").into());
        }
        if !(1..=24 * 30).contains(&self.approval_ttl_hours) {
            return Err(Invalid::new("approval_ttl_hours", "invalid-approval-ttl").into());
        }
        let long = |l: &Vec<String>| l.len() > 2000 || l.iter().any(|x| x.chars().count() > 300);
        if long(&self.checklist) || long(&self.official_names) || long(&self.watch_list) {
            return Err(Invalid::new("lists", "invalid-list").into());
        }
        Ok(())
    }
}

fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

pub async fn settings(tx: &mut Tx, agency: OrgId) -> Result<Settings> {
    let Some(r) = rdb::settings(tx, agency).await? else {
        return Ok(Settings::default());
    };
    Ok(Settings {
        tone_style: if r.tone_style == "new" {
            ToneStyle::New
        } else {
            ToneStyle::Old
        },
        approval_ttl_hours: r.approval_ttl_hours,
        policy: serde_json::from_str(&r.approval_policy).unwrap_or_default(),
        checklist: lines(&r.checklist),
        official_names: lines(&r.official_names),
        watch_list: lines(&r.watch_list),
        takedown_roles: serde_json::from_str(&r.takedown_roles).unwrap_or_default(),
    })
}

/// Replaces the agency's review settings (agency admin).
pub async fn save_settings(st: &AppState, actor: &Actor, agency: OrgId, s: Settings) -> Result<()> {
    let mut s = s;
    for l in [&mut s.checklist, &mut s.official_names, &mut s.watch_list] {
        *l = l
            .iter()
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect();
    }
    s.validate()?;
    let now = st.now();
    let mut tx = st.db.write().await?;
    let before = settings(&mut tx, agency).await?;
    rdb::put_settings(
        &mut tx,
        agency,
        &SettingsRow {
            tone_style: match s.tone_style {
                ToneStyle::Old => "old".into(),
                ToneStyle::New => "new".into(),
            },
            approval_ttl_hours: s.approval_ttl_hours,
            approval_policy: serde_json::to_string(&s.policy).unwrap_or_default(),
            checklist: s.checklist.join("\n"),
            official_names: s.official_names.join("\n"),
            watch_list: s.watch_list.join("\n"),
            takedown_roles: serde_json::to_string(&s.takedown_roles)
                .unwrap_or_else(|_| "[]".into()),
            updated_at: now,
        },
    )
    .await?;
    let mut changed = serde_json::Map::new();
    let (b, a) = (
        serde_json::to_value(&before).unwrap_or_default(),
        serde_json::to_value(&s).unwrap_or_default(),
    );
    if let (Some(b), Some(a)) = (b.as_object(), a.as_object()) {
        for (k, v) in a {
            if b.get(k) != Some(v) {
                changed.insert(k.clone(), json!({"before": b.get(k), "after": v}));
            }
        }
    }
    audit(
        &mut tx,
        actor,
        Some(agency),
        "agency.review_settings",
        "org",
        agency,
        serde_json::Value::Object(changed),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---- What goes out -----------------------------------------------------------

/// The clip's outgoing content with its current version's SHA-256.
pub fn outgoing(clip: &Clip, version_sha256: &str) -> Outgoing {
    let mut channels: Vec<String> = serde_json::from_str(&clip.target_channels).unwrap_or_default();
    channels.sort();
    channels.dedup();
    Outgoing {
        version_sha256: version_sha256.to_string(),
        title: clip.title.clone(),
        caption: clip.caption.clone(),
        variants: serde_json::from_str(&clip.caption_variants).unwrap_or_default(),
        hashtags: serde_json::from_str(&clip.hashtags).unwrap_or_default(),
        channels,
        publish_at: clip.publish_at,
        publish_until: clip.publish_until,
        political: clip.political != 0,
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
    let o = outgoing(clip, version.map_or("", |v| v.sha256.as_str()));
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
    let state = ClipState::parse(&clip.state).unwrap_or(ClipState::Draft);
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
    let state = ClipState::parse(&clip.state).unwrap_or(ClipState::Draft);
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

// ---- Notifications -----------------------------------------------------------

pub(crate) async fn notify_users(
    tx: &mut Tx,
    users: &[UserId],
    agency: OrgId,
    clip: ClipId,
    kind: &str,
    args: serde_json::Value,
    now: i64,
) -> Result<()> {
    let mut seen = Vec::new();
    for u in users {
        if seen.contains(u) {
            continue;
        }
        seen.push(*u);
        rdb::notify(tx, *u, agency, Some(clip), kind, &args.to_string(), now).await?;
    }
    Ok(())
}

/// The people who could sign `step` of the policy for this clip (not its authors).
async fn signers_of(
    tx: &mut Tx,
    agency: OrgId,
    step: &approval::Step,
    authors: &[UserId],
    now: i64,
) -> Result<Vec<UserId>> {
    let members = users::members_of(tx, agency).await?;
    let mut out: Vec<UserId> = members
        .iter()
        .filter(|m| !m.user.disabled && !authors.contains(&m.user.id))
        .filter(|m| m.roles.iter().any(|r| step.roles.contains(r)))
        .map(|m| m.user.id)
        .collect();
    if step.delegable && step.roles.contains(&Role::Head) {
        for m in members
            .iter()
            .filter(|m| m.roles.contains(&Role::Deputy) && !authors.contains(&m.user.id))
        {
            if matches!(
                delegation_of(tx, agency, m.user.id, now).await?,
                Delegation::Active { .. }
            ) {
                out.push(m.user.id);
            }
        }
    }
    Ok(out)
}

/// The agency's active members holding any of `roles`, except some.
pub(crate) async fn members_with(
    tx: &mut Tx,
    agency: OrgId,
    roles: &[Role],
    except: &[UserId],
) -> Result<Vec<UserId>> {
    Ok(users::members_of(tx, agency)
        .await?
        .into_iter()
        .filter(|m| !m.user.disabled && !except.contains(&m.user.id))
        .filter(|m| m.roles.iter().any(|r| roles.contains(r)))
        .map(|m| m.user.id)
        .collect())
}

/// The reviewers of an agency (editors, heads, deputies).
pub(crate) async fn reviewers(
    tx: &mut Tx,
    agency: OrgId,
    except: &[UserId],
) -> Result<Vec<UserId>> {
    members_with(tx, agency, REVIEWERS, except).await
}

// ---- Delegations -------------------------------------------------------------

/// The deputy's delegation standing now: active if any delegation covers `now`,
/// else the nearest one that has not started or the latest that ended.
pub async fn delegation_of(
    tx: &mut Tx,
    agency: OrgId,
    user: UserId,
    now: i64,
) -> Result<Delegation> {
    let all = rdb::delegations_to(tx, agency, user).await?;
    if let Some(d) = all
        .iter()
        .find(|d| d.revoked_at.is_none() && d.starts_at <= now && now < d.ends_at)
    {
        return Ok(Delegation::Active {
            id: d.id,
            head: d.from_user,
            ends_at: d.ends_at,
        });
    }
    if let Some(d) = all
        .iter()
        .filter(|d| d.revoked_at.is_none() && d.starts_at > now)
        .min_by_key(|d| d.starts_at)
    {
        return Ok(Delegation::NotYet {
            starts_at: d.starts_at,
        });
    }
    Ok(all
        .iter()
        .map(|d| d.revoked_at.map_or(d.ends_at, |r| r.min(d.ends_at)))
        .max()
        .map_or(Delegation::None, |ended_at| Delegation::Ended { ended_at }))
}

/// The head delegates signing to a deputy for a period ("ký thay").
/// A delegation as asked for.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct DelegationRequest {
    /// The deputy.
    pub to_user: UserId,
    /// UTC milliseconds.
    pub starts_at: i64,
    pub ends_at: i64,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: String,
}

pub async fn delegate(
    st: &AppState,
    actor: &Actor,
    p: &Principal,
    agency: &Org,
    r: &DelegationRequest,
) -> Result<i64> {
    let (to, starts_at, ends_at, note) = (r.to_user, r.starts_at, r.ends_at, r.note.as_str());
    if !policy::gives_delegations(&roles_in(p, agency.id)) {
        return Err(Refusal::new("action_not_allowed", "delegation-head-only").into());
    }
    let now = st.now();
    if ends_at <= starts_at || ends_at <= now || ends_at - starts_at > 366 * 24 * 3_600_000 {
        return Err(Invalid::new("ends_at", "invalid-delegation-window").into());
    }
    let note = note.trim();
    if note.chars().count() > 500 {
        return Err(Invalid::new("note", "invalid-note").into());
    }
    let mut tx = st.db.write().await?;
    let receiver = users::roles_in(&mut tx, to, agency.id).await?;
    if !policy::may_delegate(&roles_in(p, agency.id), &receiver) || to == p.user_id {
        return Err(Invalid::new("to_user", "invalid-delegate").into());
    }
    let id = rdb::insert_delegation(
        &mut tx,
        &rdb::NewDelegation {
            agency_id: agency.id,
            from_user: p.user_id,
            to_user: to,
            starts_at,
            ends_at,
            note,
            now,
        },
    )
    .await?;
    audit(
        &mut tx,
        actor,
        Some(agency.id),
        "delegation.create",
        "delegation",
        id,
        json!({"after": {"from": p.user_id, "to": to, "starts_at": starts_at, "ends_at": ends_at, "note": note}}),
        now,
    )
    .await?;
    rdb::notify(
        &mut tx,
        to,
        agency.id,
        None,
        "delegated",
        &json!({"from": p.display_name, "until": ends_at}).to_string(),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Ends a delegation now (the head who gave it, or an agency admin).
pub async fn revoke_delegation(
    st: &AppState,
    actor: &Actor,
    p: &Principal,
    agency: &Org,
    id: i64,
) -> Result<()> {
    let now = st.now();
    let mut tx = st.db.write().await?;
    let d = rdb::delegation(&mut tx, agency.id, id)
        .await?
        .ok_or(Error::NotFound)?;
    if !policy::may_revoke_delegation(&roles_in(p, agency.id), d.from_user == p.user_id) {
        return Err(Refusal::new("action_not_allowed", "delegation-head-only").into());
    }
    if rdb::revoke_delegation(&mut tx, id, now).await? {
        audit(
            &mut tx,
            actor,
            Some(agency.id),
            "delegation.revoke",
            "delegation",
            id,
            json!({"before": {"ends_at": d.ends_at}, "after": {"revoked_at": now}}),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

// ---- Transitions -------------------------------------------------------------

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
    Ok(ClipFacts {
        roles: roles_in(p, clip.agency_id),
        is_author: authors(clip, current).contains(&p.user_id),
        delegation,
        state: ClipState::parse(&clip.state).unwrap_or(ClipState::Draft),
        has_version: current.is_some(),
        steps: s.policy.steps(clip.political != 0).to_vec(),
        signed: live.len(),
        signed_by_me: live.iter().any(|a| a.signer_id == p.user_id),
        takedown_roles: s.takedown_roles.clone(),
        lock,
    })
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

async fn authors_of(tx: &mut Tx, clip: &Clip) -> Result<Vec<UserId>> {
    Ok(authors(clip, current_version(tx, clip).await?.as_ref()))
}

fn refusal_for(r: workflow::Refusal) -> Error {
    match r {
        workflow::Refusal::NotInState {
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
        workflow::Refusal::NotYours { state, who } => {
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
    let from = ClipState::parse(&clip.state).unwrap_or(ClipState::Draft);
    let to = workflow::transition(from, action, req).map_err(refusal_for)?;
    if !clips::set_state(tx, clip.id, from.code(), to.code(), now).await? {
        return Err(Refusal::new("edit_conflict", "workflow-raced").into());
    }
    // Leaving the schedule any other way than by going out stops the posts
    // that have not started.
    if from == ClipState::Scheduled && to != ClipState::Published {
        crate::service::publish::cancel_pending(tx, clip, now).await?;
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
async fn void(tx: &mut Tx, clip: &Clip, reason: &str, changed: &[&str], now: i64) -> Result<bool> {
    let voided = rdb::void_approvals(tx, clip.id, reason, now).await?;
    let state = ClipState::parse(&clip.state).unwrap_or(ClipState::Draft);
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
    notify_users(
        tx,
        &signers,
        clip.agency_id,
        clip.id,
        "approval_voided",
        json!({"reason": reason, "changed": changed}),
        now,
    )
    .await?;
    Ok(true)
}

pub(crate) async fn load(tx: &mut Tx, agency: OrgId, id: ClipId) -> Result<Clip> {
    clips::get(tx, agency, id).await?.ok_or(Error::NotFound)
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
}

/// Performs a person's action on a clip. Approval goes through [`approve`].
pub async fn act(
    st: &AppState,
    actor: &Actor,
    p: &Principal,
    agency: &Org,
    id: ClipId,
    action: ClipAction,
    input: ActInput,
) -> Result<ClipState> {
    if action == ClipAction::Approve {
        return approve(
            st,
            actor,
            p,
            agency,
            id,
            input.digest.as_deref().unwrap_or(""),
        )
        .await;
    }
    if matches!(action, ClipAction::TakeDown | ClipAction::Publish) {
        return Err(Refusal::new("action_not_allowed", "workflow-needs-publishing").into());
    }
    let now = st.now();
    let tz = agency.time_zone.as_str();
    let note = input.note.as_deref().map(str::trim).unwrap_or("");
    if note.chars().count() > 5000 {
        return Err(Invalid::new("note", "invalid-note").into());
    }
    let mut tx = st.db.write().await?;
    let clip = load(&mut tx, agency.id, id).await?;
    let version = current_version(&mut tx, &clip).await?;
    let f = facts(&mut tx, p, &clip, version.as_ref(), now).await?;
    enforce(&f, ClipOp::Act(action), tz)?;
    match action {
        ClipAction::Submit
            if !version
                .as_ref()
                .is_some_and(|v| v.status == "ready" || v.status == "processing") =>
        {
            return Err(Refusal::new("action_not_allowed", "submit-needs-usable-version").into());
        }
        ClipAction::RequestChanges if note.is_empty() => {
            return Err(Invalid::new("note", "request-changes-needs-note").into());
        }
        ClipAction::Schedule => match clip.publish_at {
            None => return Err(Refusal::new("action_not_allowed", "schedule-needs-time").into()),
            Some(t) if t <= now => {
                return Err(Refusal::new("action_not_allowed", "schedule-in-past")
                    .arg("at", Arg::Time(t, tz.into()))
                    .into());
            }
            Some(t) => {
                let live = rdb::live_approvals(&mut tx, clip.id).await?;
                if let Some(exp) = live.iter().map(|a| a.expires_at).min()
                    && exp < t
                {
                    return Err(Refusal::new("action_not_allowed", "schedule-after-expiry")
                        .arg("expires", Arg::Time(exp, tz.into()))
                        .into());
                }
            }
        },
        _ => {}
    }
    let mut to = transition(
        &mut tx,
        actor,
        &clip,
        action,
        f.requester(),
        json!({"note": note}),
        now,
    )
    .await?;
    if action == ClipAction::Schedule {
        // One publication per target channel, each queued for the approved time.
        let at = clip.publish_at.unwrap_or(now);
        crate::service::publish::create_publications(&mut tx, &clip, p.user_id, at, now).await?;
    }
    let authors = authors(&clip, version.as_ref());
    match action {
        ClipAction::Submit => {
            let reviewers = reviewers(&mut tx, agency.id, &authors).await?;
            notify_users(
                &mut tx,
                &reviewers,
                agency.id,
                clip.id,
                "submitted",
                json!({"by": p.display_name}),
                now,
            )
            .await?;
            if version.as_ref().is_some_and(|v| v.status == "ready") {
                let moved = Clip {
                    state: to.code().into(),
                    ..clip.clone()
                };
                to = checks_done(&mut tx, &moved, true, now).await?;
            }
        }
        ClipAction::RequestChanges | ClipAction::Withdraw | ClipAction::Spike => {
            let moved = Clip {
                state: to.code().into(),
                ..clip.clone()
            };
            void(&mut tx, &moved, action.code(), &[], now).await?;
            if action == ClipAction::RequestChanges {
                if let Some(v) = &version {
                    rdb::insert_comment(
                        &mut tx,
                        &rdb::NewComment {
                            clip_id: clip.id,
                            version_id: v.id,
                            parent_id: None,
                            author_id: p.user_id,
                            body: note,
                            fps: None,
                            start_frame: None,
                            end_frame: None,
                            now,
                        },
                    )
                    .await?;
                }
                notify_users(
                    &mut tx,
                    &authors,
                    agency.id,
                    clip.id,
                    "changes_requested",
                    json!({"by": p.display_name, "note": note}),
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

/// After a submitted clip's checks: to review (and ask the first signers), or
/// back to draft (and tell the authors).
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
        if let Some(step) = s.policy.steps(clip.political != 0).first() {
            let who = signers_of(tx, clip.agency_id, step, &authors, now).await?;
            notify_users(
                tx,
                &who,
                clip.agency_id,
                clip.id,
                "approval_needed",
                json!({"step": 1}),
                now,
            )
            .await?;
        }
    } else {
        notify_users(
            tx,
            &authors,
            clip.agency_id,
            clip.id,
            "checks_failed",
            json!({}),
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
    let Some(clip) = clips::get_any(tx, clip_id).await? else {
        return Ok(());
    };
    if clip.state != ClipState::Submitted.code() || clip.current_version_id != Some(version) {
        return Ok(());
    }
    checks_done(tx, &clip, ok, now).await?;
    Ok(())
}

/// Called in the transaction that adds a version to an existing clip: voids
/// approvals (the bytes changed) and sends a clip under review back through the
/// checks.
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
    let state = ClipState::parse(&clip.state).unwrap_or(ClipState::Draft);
    rdb::void_approvals(tx, clip.id, "version", now)
        .await
        .map(|_| ())?;
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
        let authors = authors_of(tx, &clip).await?;
        let reviewers = reviewers(tx, clip.agency_id, &authors).await?;
        notify_users(
            tx,
            &reviewers,
            clip.agency_id,
            clip.id,
            "submitted",
            json!({"by": p.display_name}),
            now,
        )
        .await?;
    }
    Ok(())
}

// ---- Approval ----------------------------------------------------------------

fn sign_refusal(r: SignRefusal, tz: &str) -> Error {
    match r {
        SignRefusal::Author => Refusal::new("approval_refused", "approve-author"),
        SignRefusal::AlreadySigned => Refusal::new("approval_refused", "approve-already-signed"),
        SignRefusal::NotAllowed { step, roles } => {
            Refusal::new("approval_refused", "approve-not-allowed")
                .text("step", (step + 1).to_string())
                .arg("roles", Arg::Msgs(role_ids(&roles)))
        }
        SignRefusal::DelegationEnded { ended_at } => {
            Refusal::new("approval_refused", "approve-delegation-ended")
                .arg("at", Arg::Time(ended_at, tz.into()))
        }
        SignRefusal::DelegationNotYet { starts_at } => {
            Refusal::new("approval_refused", "approve-delegation-not-yet")
                .arg("at", Arg::Time(starts_at, tz.into()))
        }
        SignRefusal::Complete => Refusal::new("approval_refused", "approve-complete"),
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

/// A lint finding and the field it was found in.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FieldFinding {
    /// title, caption, variant:<platform>, or hashtags
    pub field: String,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub finding: Finding,
    /// For a platform's text rule: the platform, the part of the post, the
    /// limit and what was measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<text::Breach>,
}

impl FieldFinding {
    /// The explanation in the translator's language.
    pub fn message(&self, tr: &crate::i18n::Tr) -> String {
        match &self.platform {
            Some(b) => b.message(&self.finding.found, tr),
            None => self.finding.message(tr),
        }
    }
}

pub fn stored_findings(clip: &Clip) -> Vec<FieldFinding> {
    serde_json::from_str(&clip.lint).unwrap_or_default()
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
pub async fn approve(
    st: &AppState,
    actor: &Actor,
    p: &Principal,
    agency: &Org,
    id: ClipId,
    seen_digest: &str,
) -> Result<ClipState> {
    let now = st.now();
    let tz = agency.time_zone.as_str();
    let mut tx = st.db.write().await?;
    let clip = load(&mut tx, agency.id, id).await?;
    let current = current_version(&mut tx, &clip).await?;
    let f = facts(&mut tx, p, &clip, current.as_ref(), now).await?;
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
    let version = current.filter(|v| v.status == "ready").ok_or_else(|| {
        Error::from(Refusal::new(
            "approval_refused",
            "approve-version-not-ready",
        ))
    })?;
    // A platform's text rule first, named: the platform would refuse the post.
    if let Some(f) = o.text_breaches().into_iter().next() {
        return Err(platform_refusal(&f.breach, &f.finding.found).into());
    }
    let errors = lint_errors(&clip);
    if errors > 0 {
        return Err(Refusal::new("approval_refused", "approve-lint-errors")
            .text("count", errors.to_string())
            .into());
    }
    let s = settings(&mut tx, agency.id).await?;
    let ticks = rdb::ticks(&mut tx, clip.id, version.id).await?;
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
            signer_id: p.user_id,
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
    audit(
        &mut tx,
        actor,
        Some(agency.id),
        "clip.sign",
        "clip",
        clip.id,
        json!({"approval": approval_id, "step": step + 1, "of": steps.len(), "role": role.code(),
               "on_behalf_of": on_behalf_of, "delegation": delegation_id, "digest": digest,
               "version": version.id}),
        now,
    )
    .await?;

    let to = if step + 1 == steps.len() {
        let to = transition(
            &mut tx,
            actor,
            &clip,
            ClipAction::Approve,
            f.requester(),
            json!({"digest": digest}),
            now,
        )
        .await?;
        notify_users(
            &mut tx,
            &authors,
            agency.id,
            clip.id,
            "approved",
            json!({"by": p.display_name}),
            now,
        )
        .await?;
        to
    } else {
        let next = signers_of(&mut tx, agency.id, &steps[step + 1], &authors, now).await?;
        let next: Vec<UserId> = next
            .into_iter()
            .filter(|u| *u != p.user_id && !live.iter().any(|a| a.signer_id == *u))
            .collect();
        notify_users(
            &mut tx,
            &next,
            agency.id,
            clip.id,
            "approval_needed",
            json!({"step": step + 2}),
            now,
        )
        .await?;
        state
    };
    tx.commit().await?;
    Ok(to)
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
        let state = ClipState::parse(&clip.state).unwrap_or(ClipState::Draft);
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
            state: ClipState::InReview.code().into(),
            ..clip.clone()
        };
        void(&mut tx, &moved, "expired", &[], now).await?;
        tx.commit().await?;
    }
    Ok(found.len())
}

// ---- Editing -----------------------------------------------------------------

/// A save of the clip's content, as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct Edit {
    /// The revision the editor started from.
    pub revision: i64,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub caption: String,
    pub category: String,
    /// Caption variants by platform code; empty ones are dropped.
    #[serde(default)]
    pub variants: BTreeMap<String, String>,
    /// Hashtags as typed: "#a #b".
    #[serde(default)]
    pub hashtags: String,
    /// The requested political flag (raising: anyone; lowering: the head).
    #[serde(default)]
    pub political: bool,
    /// Target platforms.
    #[serde(default)]
    pub channels: Vec<String>,
    /// Local date-time `YYYY-MM-DDTHH:MM` in the agency's zone, or empty.
    #[serde(default)]
    pub publish_at: String,
    #[serde(default)]
    pub publish_until: String,
}

/// The clip's current content as an edit (what the form starts from).
pub fn edit_of_clip(c: &Clip, tz: &str) -> Edit {
    let t = |ms: Option<i64>| {
        ms.map(|m| crate::clock::datetime_input(m, tz))
            .unwrap_or_default()
    };
    Edit {
        revision: c.revision,
        title: c.title.clone(),
        caption: c.caption.clone(),
        category: c.category.clone(),
        variants: serde_json::from_str(&c.caption_variants).unwrap_or_default(),
        hashtags: serde_json::from_str::<Vec<String>>(&c.hashtags)
            .unwrap_or_default()
            .join(" "),
        political: c.political != 0,
        channels: serde_json::from_str(&c.target_channels).unwrap_or_default(),
        publish_at: t(c.publish_at),
        publish_until: t(c.publish_until),
    }
}

/// What a save did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Saved {
    pub revision: i64,
    /// The fields that go out and changed.
    pub changed: Vec<String>,
    /// Whether approvals were voided by the change.
    pub voided: bool,
    pub political: bool,
    pub findings: Vec<FieldFinding>,
}

fn parse_time(s: &str, tz: &str, field: &'static str) -> Result<Option<i64>> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    crate::clock::local_datetime_ms(s, tz)
        .map(Some)
        .ok_or_else(|| Invalid::new(field, "invalid-datetime").into())
}

/// Lints title, caption and variants with the agency's rules.
pub fn lint_fields(
    rules: &lint::Rules,
    title: &str,
    caption: &str,
    variants: &BTreeMap<String, String>,
) -> Vec<FieldFinding> {
    let mut out = Vec::new();
    let mut run = |field: String, text: &str| {
        out.extend(
            lint::lint(text, rules)
                .into_iter()
                .map(|finding| FieldFinding {
                    field: field.clone(),
                    finding,
                    platform: None,
                }),
        );
    };
    run("title".into(), title);
    run("caption".into(), caption);
    for (k, v) in variants {
        run(format!("variant:{k}"), v);
    }
    out
}

/// Lints a clip's text as it arrived (a new clip from an upload) and raises the
/// political flag when the watch list finds a term. In the caller's transaction.
pub async fn lint_new_clip(tx: &mut Tx, clip_id: ClipId) -> Result<()> {
    let Some(clip) = clips::get_any(tx, clip_id).await? else {
        return Ok(());
    };
    let s = settings(tx, clip.agency_id).await?;
    let variants: BTreeMap<String, String> =
        serde_json::from_str(&clip.caption_variants).unwrap_or_default();
    let findings = lint_fields(&s.rules(), &clip.title, &clip.caption, &variants);
    let watch = findings.iter().any(|f| f.finding.political);
    let (political, source) = if clip.political != 0 {
        (true, clip.political_source.as_str())
    } else if watch {
        (true, "watch_list")
    } else {
        (false, "")
    };
    clips::save_content(
        tx,
        clip.id,
        clip.revision,
        &clips::Content {
            title: &clip.title,
            caption: &clip.caption,
            category: &clip.category,
            caption_variants: &clip.caption_variants,
            hashtags: &clip.hashtags,
            political,
            political_source: source,
            target_channels: &clip.target_channels,
            publish_at: clip.publish_at,
            publish_until: clip.publish_until,
            lint: &serde_json::to_string(&findings).unwrap_or_else(|_| "[]".into()),
        },
        clip.updated_at,
    )
    .await?;
    Ok(())
}

/// Saves the clip's content (optimistic: refused when someone saved since
/// `edit.revision`), lints it, sets the political flag, and voids approvals when
/// anything that goes out changed.
pub async fn save(
    st: &AppState,
    actor: &Actor,
    p: &Principal,
    agency: &Org,
    id: ClipId,
    edit: Edit,
) -> Result<Saved> {
    let tz = agency.time_zone.as_str();
    let title = ClipTitle::parse(&edit.title)?;
    let caption = Caption::parse(&edit.caption)?;
    let category = Category::parse(&edit.category)?;
    let mut variants = BTreeMap::new();
    for (k, v) in &edit.variants {
        if !PLATFORMS.contains(&k.as_str()) {
            return Err(Invalid::new("variants", "invalid-platform").into());
        }
        let v = Caption::parse(v).map_err(|_| Invalid::new("variants", "invalid-caption"))?;
        if !v.as_str().is_empty() {
            variants.insert(k.clone(), v.as_str().to_string());
        }
    }
    let hashtags = approval::parse_hashtags(&edit.hashtags)?;
    let mut channels: Vec<String> = Vec::new();
    for c in &edit.channels {
        if !PLATFORMS.contains(&c.as_str()) {
            return Err(Invalid::new("channels", "invalid-platform").into());
        }
        if !channels.contains(c) {
            channels.push(c.clone());
        }
    }
    channels.sort();
    let publish_at = parse_time(&edit.publish_at, tz, "publish_at")?;
    let publish_until = parse_time(&edit.publish_until, tz, "publish_until")?;
    if let (Some(a), Some(u)) = (publish_at, publish_until)
        && u <= a
    {
        return Err(Invalid::new("publish_until", "invalid-publish-window").into());
    }

    let now = st.now();
    let mut tx = st.db.write().await?;
    let clip = load(&mut tx, agency.id, id).await?;
    let current = current_version(&mut tx, &clip).await?;
    let f = facts(&mut tx, p, &clip, current.as_ref(), now).await?;
    let state = f.state;
    enforce(&f, ClipOp::Edit, tz)?;
    let taken_over = check_lock(&mut tx, &clip, p, &f, now, tz).await?;
    if clip.revision != edit.revision {
        return Err(Refusal::new("edit_conflict", "edit-conflict")
            .arg("at", Arg::Time(clip.updated_at, tz.into()))
            .into());
    }

    let s = settings(&mut tx, agency.id).await?;
    let findings = lint_fields(&s.rules(), title.as_str(), caption.as_str(), &variants);
    let text_changed = title.as_str() != clip.title
        || caption.as_str() != clip.caption
        || variants
            != serde_json::from_str::<BTreeMap<String, String>>(&clip.caption_variants)
                .unwrap_or_default();
    let watch_hit = findings.iter().any(|f| f.finding.political);
    let was = clip.political != 0;
    let (political, source) = if category.is_political() {
        (true, "category")
    } else if watch_hit && text_changed {
        (true, "watch_list")
    } else if edit.political && !was {
        (true, "manual")
    } else if !edit.political && was {
        enforce(&f, ClipOp::LowerPolitical, tz)?;
        (false, "lowered")
    } else {
        (was, clip.political_source.as_str())
    };

    let (before, _) = content(&clip, current.as_ref());
    let after = Outgoing {
        title: title.as_str().into(),
        caption: caption.as_str().into(),
        variants: variants.clone(),
        hashtags: hashtags.clone(),
        channels: channels.clone(),
        publish_at,
        publish_until,
        political,
        ..before.clone()
    };
    let changed = approval::changed_fields(&before, &after);
    let lint_json = serde_json::to_string(&findings).unwrap_or_else(|_| "[]".into());
    let saved = clips::save_content(
        &mut tx,
        clip.id,
        edit.revision,
        &clips::Content {
            title: title.as_str(),
            caption: caption.as_str(),
            category: category.code(),
            caption_variants: &serde_json::to_string(&variants).unwrap_or_default(),
            hashtags: &serde_json::to_string(&hashtags).unwrap_or_default(),
            political,
            political_source: source,
            target_channels: &serde_json::to_string(&channels).unwrap_or_default(),
            publish_at,
            publish_until,
            lint: &lint_json,
        },
        now,
    )
    .await?;
    if !saved {
        return Err(Refusal::new("edit_conflict", "edit-conflict")
            .arg("at", Arg::Time(now, tz.into()))
            .into());
    }
    // A save ends the editing it locked for: colleagues may edit at once.
    clips::set_lock(&mut tx, clip.id, None, None).await?;
    if let Some(before) = taken_over {
        audit(
            &mut tx,
            actor,
            Some(agency.id),
            "clip.lock_takeover",
            "clip",
            clip.id,
            json!({"before": {"holder": before.holder, "since": before.since}, "after": {"holder": p.user_id}}),
            now,
        )
        .await?;
    }
    let mut diff = serde_json::Map::new();
    let bj = serde_json::to_value(&before).unwrap_or_default();
    let aj = serde_json::to_value(&after).unwrap_or_default();
    for f in [
        "title",
        "caption",
        "variants",
        "hashtags",
        "channels",
        "publish_at",
        "publish_until",
        "political",
    ] {
        if bj.get(f) != aj.get(f) {
            diff.insert(f.into(), json!({"before": bj.get(f), "after": aj.get(f)}));
        }
    }
    if clip.category != category.code() {
        diff.insert(
            "category".into(),
            json!({"before": clip.category, "after": category.code()}),
        );
    }
    if !diff.is_empty() {
        audit(
            &mut tx,
            actor,
            Some(agency.id),
            "clip.edit",
            "clip",
            clip.id,
            serde_json::Value::Object(diff),
            now,
        )
        .await?;
    }
    let mut voided = false;
    if !changed.is_empty() && state.holds_approvals() {
        let reason = format!("changed:{}", changed.join(","));
        voided = void(&mut tx, &clip, &reason, &changed, now).await?;
    }
    tx.commit().await?;
    let mut shown = platform_findings(&after);
    shown.extend(findings);
    Ok(Saved {
        revision: clip.revision + 1,
        changed: changed.iter().map(|s| s.to_string()).collect(),
        voided,
        political,
        findings: shown,
    })
}

// ---- Soft edit locks ---------------------------------------------------------

/// Who holds the edit lock, as the page shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LockView {
    pub holder: Option<UserId>,
    pub holder_name: Option<String>,
    pub since: Option<i64>,
    pub mine: bool,
    pub stale: bool,
}

pub async fn lock_view(tx: &mut Tx, clip: &Clip, me: UserId, now: i64) -> Result<LockView> {
    let live = clip
        .lock_at
        .is_some_and(|at| now - at < LOCK_GONE_MS && clip.lock_user_id.is_some());
    if !live {
        return Ok(LockView {
            holder: None,
            holder_name: None,
            since: None,
            mine: false,
            stale: false,
        });
    }
    let holder = clip.lock_user_id;
    let name = match holder {
        Some(u) => users::get(tx, u).await?.map(|u| u.display_name),
        None => None,
    };
    Ok(LockView {
        holder,
        holder_name: name,
        since: clip.lock_at,
        mine: holder == Some(me),
        stale: clip.lock_at.is_some_and(|at| now - at >= LOCK_STALE_MS),
    })
}

async fn check_lock(
    tx: &mut Tx,
    clip: &Clip,
    p: &Principal,
    f: &ClipFacts,
    now: i64,
    tz: &str,
) -> Result<Option<LockView>> {
    let l = lock_view(tx, clip, p.user_id, now).await?;
    if l.holder.is_none() || l.mine {
        return Ok(None);
    }
    if policy::on_clip(f, ClipOp::TakeOverLock).is_ok() {
        // Someone else's stale lock, taken over.
        return Ok(Some(l));
    }
    let mut r = Refusal::new(
        "clip_locked",
        if l.stale {
            "lock-stale-held"
        } else {
            "lock-held"
        },
    )
    .text("name", l.holder_name.unwrap_or_default());
    if let Some(t) = l.since {
        r = r.arg("since", Arg::Time(t, tz.into()));
    }
    Err(r.into())
}

/// Takes (or refreshes) the edit lock. A stale lock of someone else is taken
/// over only by an editor or the head, and that is recorded.
pub async fn lock(
    st: &AppState,
    actor: &Actor,
    p: &Principal,
    agency: &Org,
    id: ClipId,
) -> Result<LockView> {
    let now = st.now();
    let mut tx = st.db.write().await?;
    let clip = load(&mut tx, agency.id, id).await?;
    let f = enforce_now(&mut tx, p, &clip, ClipOp::Lock, &agency.time_zone, now).await?;
    let before = lock_view(&mut tx, &clip, p.user_id, now).await?;
    check_lock(&mut tx, &clip, p, &f, now, &agency.time_zone).await?;
    clips::set_lock(&mut tx, clip.id, Some(p.user_id), Some(now)).await?;
    if before.holder.is_some_and(|h| h != p.user_id) {
        audit(
            &mut tx,
            actor,
            Some(agency.id),
            "clip.lock_takeover",
            "clip",
            clip.id,
            json!({"before": {"holder": before.holder, "since": before.since}, "after": {"holder": p.user_id}}),
            now,
        )
        .await?;
    }
    let clip = Clip {
        lock_user_id: Some(p.user_id),
        lock_at: Some(now),
        ..clip
    };
    let v = lock_view(&mut tx, &clip, p.user_id, now).await?;
    tx.commit().await?;
    Ok(v)
}

/// Releases the caller's own lock.
pub async fn unlock(st: &AppState, p: &Principal, agency: &Org, id: ClipId) -> Result<()> {
    let mut tx = st.db.write().await?;
    let clip = load(&mut tx, agency.id, id).await?;
    if clip.lock_user_id == Some(p.user_id) {
        clips::set_lock(&mut tx, clip.id, None, None).await?;
    }
    tx.commit().await?;
    Ok(())
}

// ---- Comments and checklist --------------------------------------------------

/// A new comment: optional timecode (frames of the version), optional reply-to.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewComment {
    #[schema(min_length = 1, max_length = 5000)]
    pub body: String,
    /// The version commented on; the current one when absent.
    #[serde(default)]
    pub version_id: Option<i64>,
    #[serde(default)]
    pub parent_id: Option<i64>,
    /// Start time: seconds ("5.2"), "m:ss", "m:ss.cc", "mm:ss:ff" or "hh:mm:ss:ff"
    /// (ff = frame number within the second).
    #[serde(default)]
    #[schema(max_length = 20)]
    pub at: Option<String>,
    /// End of a range, same forms.
    #[serde(default)]
    #[schema(max_length = 20)]
    pub until: Option<String>,
}

/// Parses a timecode into a frame number at `fps`.
pub fn parse_timecode(s: &str, fps: f64) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() || fps.is_nan() || fps <= 0.0 {
        return None;
    }
    let parts: Vec<&str> = s.split(':').collect();
    let num = |x: &str| x.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0);
    // With frames (the form the page shows): whole seconds plus a frame number.
    let framed = |secs: f64, f: &str| -> Option<i64> {
        let frames = num(f)?;
        if frames.fract() != 0.0 || frames >= fps.ceil() || secs.fract() != 0.0 {
            return None;
        }
        Some((secs * fps).round() as i64 + frames as i64)
    };
    let secs = match parts.as_slice() {
        [a] => num(a)?,
        [m, s] => num(m)? * 60.0 + num(s)?,
        // mm:ss:ff
        [m, s, f] => return framed(num(m)? * 60.0 + num(s)?, f),
        // hh:mm:ss:ff
        [h, m, s, f] => return framed(num(h)? * 3600.0 + num(m)? * 60.0 + num(s)?, f),
        _ => return None,
    };
    Some((secs * fps + 1e-6).floor() as i64)
}

/// `mm:ss:ff` (or `h:mm:ss:ff`) for a frame at `fps`.
pub fn format_frame(frame: i64, fps: f64) -> String {
    let fps_i = fps.round().max(1.0) as i64;
    let total_s = (frame as f64 / fps).floor() as i64;
    let ff = frame - ((total_s as f64) * fps).round() as i64;
    let (h, m, s) = (total_s / 3600, (total_s / 60) % 60, total_s % 60);
    let ff = ff.clamp(0, fps_i - 1);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}:{ff:02}")
    } else {
        format!("{m:02}:{s:02}:{ff:02}")
    }
}

pub async fn comment(
    st: &AppState,
    actor: &Actor,
    p: &Principal,
    agency: &Org,
    id: ClipId,
    c: NewComment,
) -> Result<i64> {
    let body = c.body.trim();
    if body.is_empty() || body.chars().count() > 5000 {
        return Err(Invalid::new("body", "invalid-comment").into());
    }
    let now = st.now();
    let mut tx = st.db.write().await?;
    let clip = load(&mut tx, agency.id, id).await?;
    enforce_now(&mut tx, p, &clip, ClipOp::Comment, &agency.time_zone, now).await?;
    let vid = c
        .version_id
        .map(crate::domain::VersionId)
        .or(clip.current_version_id)
        .ok_or(Error::NotFound)?;
    let v = clips::version_of(&mut tx, agency.id, clip.id, vid)
        .await?
        .ok_or(Error::NotFound)?;
    let parent = match c.parent_id {
        Some(pid) => Some(
            rdb::comment(&mut tx, clip.id, pid)
                .await?
                .ok_or(Error::NotFound)?,
        ),
        None => None,
    };
    let fps = v
        .probe
        .as_deref()
        .and_then(|p| serde_json::from_str::<crate::media::probe::Probe>(p).ok())
        .and_then(|p| p.video.map(|v| v.avg_fps))
        .filter(|f| *f > 0.0);
    let duration_frames = v
        .probe
        .as_deref()
        .and_then(|p| serde_json::from_str::<crate::media::probe::Probe>(p).ok())
        .and_then(|p| p.duration_s)
        .zip(fps)
        .map(|(d, f)| (d * f).ceil() as i64);
    let frame = |s: &Option<String>, field: &'static str| -> Result<Option<i64>> {
        match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(t) => {
                let f = fps.and_then(|fps| parse_timecode(t, fps));
                match f {
                    Some(f) if duration_frames.is_none_or(|d| f <= d) => Ok(Some(f)),
                    _ => Err(Invalid::new(field, "invalid-timecode").into()),
                }
            }
        }
    };
    // Replies inherit their thread's place in the video.
    let (start, end) = match &parent {
        Some(pc) => (pc.start_frame, pc.end_frame),
        None => (frame(&c.at, "at")?, frame(&c.until, "until")?),
    };
    if let (Some(a), Some(b)) = (start, end)
        && b < a
    {
        return Err(Invalid::new("until", "invalid-timecode").into());
    }
    let cid = rdb::insert_comment(
        &mut tx,
        &rdb::NewComment {
            clip_id: clip.id,
            version_id: v.id,
            parent_id: parent.as_ref().map(|p| p.parent_id.unwrap_or(p.id)),
            author_id: p.user_id,
            body,
            fps,
            start_frame: start,
            end_frame: end,
            now,
        },
    )
    .await?;
    audit(
        &mut tx,
        actor,
        Some(agency.id),
        "clip.comment",
        "clip",
        clip.id,
        json!({"comment": cid, "version": v.number, "start_frame": start, "end_frame": end,
               "reply_to": c.parent_id, "body": body}),
        now,
    )
    .await?;
    // Tell the authors (and the thread's starter) about it.
    let mut to = authors_of(&mut tx, &clip).await?;
    if let Some(pc) = &parent {
        to.push(pc.author_id);
    }
    to.retain(|u| *u != p.user_id);
    notify_users(
        &mut tx,
        &to,
        agency.id,
        clip.id,
        "comment",
        json!({"by": p.display_name}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(cid)
}

pub async fn resolve_comment(
    st: &AppState,
    actor: &Actor,
    p: &Principal,
    agency: &Org,
    id: ClipId,
    comment: i64,
    resolved: bool,
) -> Result<()> {
    let now = st.now();
    let mut tx = st.db.write().await?;
    let clip = load(&mut tx, agency.id, id).await?;
    enforce_now(&mut tx, p, &clip, ClipOp::Comment, &agency.time_zone, now).await?;
    let c = rdb::comment(&mut tx, clip.id, comment)
        .await?
        .ok_or(Error::NotFound)?;
    if c.resolved_at.is_some() == resolved {
        return Ok(());
    }
    if resolved {
        rdb::set_resolved(&mut tx, c.id, Some(p.user_id), Some(now)).await?;
    } else {
        rdb::set_resolved(&mut tx, c.id, None, None).await?;
    }
    audit(
        &mut tx,
        actor,
        Some(agency.id),
        if resolved {
            "clip.comment_resolve"
        } else {
            "clip.comment_reopen"
        },
        "clip",
        clip.id,
        json!({"comment": c.id}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The agency's checklist items in order, each with its tick on the version.
pub fn checklist<'a>(
    items: &'a [String],
    ticks: &'a [rdb::Tick],
) -> Vec<(&'a str, Option<&'a rdb::Tick>)> {
    items
        .iter()
        .map(|item| (item.as_str(), ticks.iter().find(|t| &t.item == item)))
        .collect()
}

/// Ticks or unticks a checklist item for the clip's current version.
pub async fn tick(
    st: &AppState,
    actor: &Actor,
    p: &Principal,
    agency: &Org,
    id: ClipId,
    item: &str,
    done: bool,
) -> Result<()> {
    let now = st.now();
    let mut tx = st.db.write().await?;
    let clip = load(&mut tx, agency.id, id).await?;
    let s = settings(&mut tx, agency.id).await?;
    if !s.checklist.iter().any(|i| i == item) {
        return Err(Invalid::new("item", "invalid-checklist-item").into());
    }
    let current = current_version(&mut tx, &clip).await?;
    let delegation = delegation_of(&mut tx, agency.id, p.user_id, now).await?;
    let f = facts_with(&mut tx, p, &clip, current.as_ref(), &s, delegation, now).await?;
    enforce(&f, ClipOp::Tick, &agency.time_zone)?;
    let v = clip.current_version_id.ok_or(Error::NotFound)?;
    let changed =
        rdb::set_tick(&mut tx, clip.id, v, item, done.then_some((p.user_id, now))).await?;
    if changed {
        audit(
            &mut tx,
            actor,
            Some(agency.id),
            if done {
                "clip.check_tick"
            } else {
                "clip.check_untick"
            },
            "clip",
            clip.id,
            json!({"item": item, "version": v}),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

// ---- Inbox and e-mail ----------------------------------------------------------

/// A field of the outgoing content, named for people.
pub fn field_label(tr: &crate::i18n::Tr, field: &str) -> String {
    match field.strip_prefix("variant:") {
        Some(p) => format!(
            "{} ({})",
            tr.t("edit-variant"),
            tr.t(&format!("platform-{p}"))
        ),
        None => tr.t(&format!("edit-{field}")),
    }
}

/// A notification's sentence in a language.
pub fn notification_text(
    tr: &crate::i18n::Tr,
    clip_title: Option<&str>,
    kind: &str,
    args: &str,
    tz: &str,
) -> String {
    let args: serde_json::Value = serde_json::from_str(args).unwrap_or_default();
    let s = |k: &str| match &args[k] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        v => v.to_string(),
    };
    let mut a: Vec<(&'static str, String)> = vec![
        ("clip", clip_title.unwrap_or_default().to_string()),
        ("by", s("by")),
        ("step", s("step")),
        ("note", s("note")),
        ("from", s("from")),
    ];
    let changed = match args["changed"].as_array().filter(|c| !c.is_empty()) {
        Some(ch) => ch
            .iter()
            .filter_map(|x| x.as_str())
            .map(|f| field_label(tr, f))
            .collect::<Vec<_>>()
            .join(", "),
        None => match s("reason") {
            r if r.is_empty() => String::new(),
            r => tr.t(&format!("void-reason-{r}")),
        },
    };
    a.push(("changed", changed));
    if kind == "publish_refused" {
        // The note is the refusal's message id.
        a.retain(|(k, _)| *k != "note");
        a.push(("note", tr.t(&s("note"))));
    }
    if let Some(u) = args["until"].as_i64() {
        a.push(("until", crate::clock::format_local(u, tz)));
    }
    tr.t_args(&format!("notify-{}", kind.replace('_', "-")), &a)
}

/// E-mails notifications of the last day not yet sent, to users who gave an
/// address, when an SMTP relay is configured. Each is claimed before it is sent,
/// so several workers never send one twice; a failed send is given back for a
/// retry; a crash in between loses that e-mail (the inbox keeps the
/// notification). Returns how many were sent.
pub async fn send_mail(st: &AppState) -> Result<usize> {
    let Some(url) = st.config.smtp_url.as_deref() else {
        return Ok(0);
    };
    let relay = url.trim_start_matches("smtp://");
    let now = st.now();
    let pending = {
        let mut tx = st.db.read().await?;
        rdb::pending_mail(&mut tx, now - 24 * 3_600_000, 100).await?
    };
    let host = st
        .config
        .public_url
        .as_deref()
        .and_then(|u| u.split("://").nth(1))
        .and_then(|h| h.split(['/', ':']).next())
        .unwrap_or("localhost")
        .to_string();
    let mut sent = 0;
    for m in pending {
        let claimed = {
            let mut tx = st.db.write().await?;
            let c = rdb::claim_mail(&mut tx, m.id, st.now()).await?;
            tx.commit().await?;
            c
        };
        if !claimed {
            continue;
        }
        let tr = crate::i18n::Tr::new(crate::domain::Locale::parse(&m.locale).unwrap_or_default());
        let text = notification_text(
            &tr,
            m.clip_title.as_deref(),
            &m.kind,
            &m.args,
            &st.config.time_zone,
        );
        let link = match (&st.config.public_url, m.clip_id) {
            (Some(base), Some(c)) => format!(
                "\n\n{}/a/{}/clips/{}",
                base.trim_end_matches('/'),
                m.agency_id,
                c
            ),
            _ => String::new(),
        };
        let body = format!("{text}{link}\n\n-- \nLantoa · {}", tr.t("mail-footer"));
        let subject = format!("[Lantoa] {text}");
        let subject: String = subject.chars().take(150).collect();
        match crate::mail::send(
            relay,
            &host,
            &crate::mail::Mail {
                from: &st.config.smtp_from,
                to: &m.email,
                subject: &subject,
                body: &body,
            },
        )
        .await
        {
            Ok(()) => sent += 1,
            Err(e) => {
                tracing::warn!(error = %e, notification = m.id, "notification e-mail not sent; will retry");
                let mut tx = st.db.write().await?;
                rdb::release_mail(&mut tx, m.id).await?;
                tx.commit().await?;
                break;
            }
        }
    }
    Ok(sent)
}

pub async fn mark_read(st: &AppState, p: &Principal, id: Option<i64>) -> Result<u64> {
    let now = st.now();
    let mut tx = st.db.write().await?;
    let n = rdb::mark_read(&mut tx, p.user_id, id, now).await?;
    tx.commit().await?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timecodes_are_frame_accurate() {
        assert_eq!(parse_timecode("5", 25.0), Some(125));
        assert_eq!(parse_timecode("0:05", 25.0), Some(125));
        assert_eq!(parse_timecode("00:00:05:12", 25.0), Some(137));
        assert_eq!(parse_timecode("1:02.5", 30.0), Some(1875));
        assert_eq!(parse_timecode("00:00:01:25", 25.0), None);
        assert_eq!(parse_timecode("-1", 25.0), None);
        assert_eq!(parse_timecode("abc", 25.0), None);
        // 29.97 fps: 10 s is frame 299.
        assert_eq!(parse_timecode("10", 30000.0 / 1001.0), Some(299));
        assert_eq!(format_frame(137, 25.0), "00:05:12");
        assert_eq!(format_frame(125, 25.0), "00:05:00");
        assert_eq!(format_frame(25 * 3725, 25.0), "1:02:05:00");
        assert_eq!(parse_timecode("00:05:00", 25.0), Some(125));
        assert_eq!(parse_timecode("00:05:12", 25.0), Some(137));
        assert_eq!(parse_timecode("00:05:25", 25.0), None);
        assert_eq!(parse_timecode("00:05.5:02", 25.0), None);
        for f in [0, 1, 29, 30, 299, 1799, 1800] {
            let tc = format_frame(f, 30.0);
            assert_eq!(parse_timecode(&tc, 30.0), Some(f), "{tc}");
            assert_eq!(
                parse_timecode(&format!("00:{tc}"), 30.0),
                Some(f),
                "00:{tc}"
            );
        }
    }
}

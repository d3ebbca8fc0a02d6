//! Review data: agency review settings, comments, checklist ticks, delegations,
//! approvals and the in-app inbox.

use super::{DbResult, Tx, sql};
use crate::domain::{ClipId, Drawing, OrgId, UserId, VersionId};
use serde::Serialize;

// ---- Agency review settings ------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SettingsRow {
    pub tone_style: String,
    pub approval_ttl_hours: i64,
    pub approval_policy: String,
    pub checklist: String,
    pub official_names: String,
    pub watch_list: String,
    pub takedown_roles: String,
    /// JSON list of platform codes; `None`: every connected platform.
    pub default_platforms: Option<String>,
    pub window_hours: i64,
    pub follow_source_takedowns: i64,
    pub updated_at: i64,
}

pub async fn settings(tx: &mut Tx, agency: OrgId) -> DbResult<Option<SettingsRow>> {
    Ok(sql!(tx, fetch_optional
        "SELECT tone_style, approval_ttl_hours, approval_policy, checklist, official_names,
                watch_list, takedown_roles, default_platforms, window_hours,
                follow_source_takedowns, updated_at
         FROM agency_settings WHERE agency_id = $1",
        agency)?)
}

pub async fn put_settings(tx: &mut Tx, agency: OrgId, s: &SettingsRow) -> DbResult<()> {
    sql!(tx, execute "DELETE FROM agency_settings WHERE agency_id = $1", agency)?;
    sql!(tx, execute
        "INSERT INTO agency_settings (agency_id, tone_style, approval_ttl_hours, approval_policy,
                                      checklist, official_names, watch_list, takedown_roles,
                                      default_platforms, window_hours,
                                      follow_source_takedowns, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        agency, &s.tone_style, s.approval_ttl_hours, &s.approval_policy, &s.checklist,
        &s.official_names, &s.watch_list, &s.takedown_roles, &s.default_platforms,
        s.window_hours, s.follow_source_takedowns, s.updated_at)?;
    Ok(())
}

// ---- Comments ----------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Comment {
    pub id: i64,
    pub clip_id: ClipId,
    pub version_id: VersionId,
    pub parent_id: Option<i64>,
    pub author_id: UserId,
    pub author_name: String,
    pub body: String,
    /// Frames per second of the version the times refer to.
    pub fps: Option<f64>,
    pub start_frame: Option<i64>,
    pub end_frame: Option<i64>,
    /// Shapes drawn on the frame at `start_frame`: rectangles and arrows,
    /// each point a fraction 0..1 of the picture.
    #[serde(serialize_with = "drawing_as_list")]
    #[schema(value_type = Option<Vec<crate::domain::Shape>>)]
    pub drawing: Option<String>,
    pub resolved_by: Option<UserId>,
    pub resolved_at: Option<i64>,
    pub created_at: i64,
}

impl Comment {
    pub fn drawing(&self) -> Option<Drawing> {
        self.drawing.as_deref().and_then(Drawing::from_stored)
    }
}

/// A stored drawing as the JSON list it holds, not as text.
fn drawing_as_list<S: serde::Serializer>(d: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    d.as_deref().and_then(Drawing::from_stored).serialize(s)
}

pub struct NewComment<'a> {
    pub clip_id: ClipId,
    pub version_id: VersionId,
    pub parent_id: Option<i64>,
    pub author_id: UserId,
    pub body: &'a str,
    pub fps: Option<f64>,
    pub start_frame: Option<i64>,
    pub end_frame: Option<i64>,
    pub drawing: Option<&'a Drawing>,
    pub now: i64,
}

pub async fn insert_comment(tx: &mut Tx, n: &NewComment<'_>) -> DbResult<i64> {
    let id = sql!(tx, scalar fetch_one
        "INSERT INTO clip_comments (clip_id, version_id, parent_id, author_id, body, fps,
                                    start_frame, end_frame, drawing, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        n.clip_id, n.version_id, n.parent_id, n.author_id, n.body, n.fps, n.start_frame,
        n.end_frame, n.drawing.map(Drawing::to_json), n.now)?;
    // Comments are searched with the clip.
    super::clips::reindex(tx, n.clip_id).await?;
    Ok(id)
}

macro_rules! select_comment {
    ($rest:literal) => {
        concat!(
            "SELECT m.id, m.clip_id, m.version_id, m.parent_id, m.author_id,
                    u.display_name AS author_name, m.body, m.fps, m.start_frame, m.end_frame,
                    m.drawing, m.resolved_by, m.resolved_at, m.created_at
             FROM clip_comments m JOIN users u ON u.id = m.author_id ",
            $rest
        )
    };
}

/// A clip's comments, oldest first.
pub async fn comments(tx: &mut Tx, clip: ClipId) -> DbResult<Vec<Comment>> {
    Ok(sql!(tx, fetch_all select_comment!(
        "WHERE m.clip_id = $1 ORDER BY m.created_at, m.id"),
        clip)?)
}

pub async fn comment(tx: &mut Tx, clip: ClipId, id: i64) -> DbResult<Option<Comment>> {
    Ok(sql!(tx, fetch_optional select_comment!(
        "WHERE m.clip_id = $1 AND m.id = $2"),
        clip, id)?)
}

pub async fn set_resolved(
    tx: &mut Tx,
    id: i64,
    by: Option<UserId>,
    at: Option<i64>,
) -> DbResult<()> {
    sql!(tx, execute
        "UPDATE clip_comments SET resolved_by = $1, resolved_at = $2 WHERE id = $3",
        by, at, id)?;
    Ok(())
}

// ---- Checklist ticks ---------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Tick {
    pub item: String,
    pub user_id: UserId,
    pub user_name: String,
    pub at: i64,
}

pub async fn ticks(tx: &mut Tx, clip: ClipId, version: VersionId) -> DbResult<Vec<Tick>> {
    Ok(sql!(tx, fetch_all
        "SELECT t.item, t.user_id, u.display_name AS user_name, t.at
         FROM checklist_ticks t JOIN users u ON u.id = t.user_id
         WHERE t.clip_id = $1 AND t.version_id = $2 ORDER BY t.at",
        clip, version)?)
}

pub async fn set_tick(
    tx: &mut Tx,
    clip: ClipId,
    version: VersionId,
    item: &str,
    user: Option<(UserId, i64)>,
) -> DbResult<bool> {
    let n = sql!(tx, execute
        "DELETE FROM checklist_ticks WHERE clip_id = $1 AND version_id = $2 AND item = $3",
        clip, version, item)?;
    if let Some((u, at)) = user {
        sql!(tx, execute
            "INSERT INTO checklist_ticks (clip_id, version_id, item, user_id, at)
             VALUES ($1, $2, $3, $4, $5)",
            clip, version, item, u, at)?;
        return Ok(n == 0);
    }
    Ok(n == 1)
}

// ---- Delegations -------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct DelegationRow {
    pub id: i64,
    pub agency_id: OrgId,
    pub from_user: UserId,
    pub from_name: String,
    pub to_user: UserId,
    pub to_name: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub note: String,
    pub revoked_at: Option<i64>,
    pub created_at: i64,
}

macro_rules! select_delegation {
    ($rest:literal) => {
        concat!(
            "SELECT d.id, d.agency_id, d.from_user, f.display_name AS from_name, d.to_user,
                    t.display_name AS to_name, d.starts_at, d.ends_at, d.note, d.revoked_at,
                    d.created_at
             FROM delegations d JOIN users f ON f.id = d.from_user JOIN users t ON t.id = d.to_user ",
            $rest
        )
    };
}

pub struct NewDelegation<'a> {
    pub agency_id: OrgId,
    pub from_user: UserId,
    pub to_user: UserId,
    pub starts_at: i64,
    pub ends_at: i64,
    pub note: &'a str,
    pub now: i64,
}

pub async fn insert_delegation(tx: &mut Tx, d: &NewDelegation<'_>) -> DbResult<i64> {
    Ok(sql!(tx, scalar fetch_one
        "INSERT INTO delegations (agency_id, from_user, to_user, starts_at, ends_at, note, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        d.agency_id, d.from_user, d.to_user, d.starts_at, d.ends_at, d.note, d.now)?)
}

/// The agency's delegations, newest first.
pub async fn delegations(tx: &mut Tx, agency: OrgId) -> DbResult<Vec<DelegationRow>> {
    Ok(sql!(tx, fetch_all select_delegation!(
        "WHERE d.agency_id = $1 ORDER BY d.created_at DESC, d.id DESC LIMIT 200"),
        agency)?)
}

/// Delegations given to `user` in the agency (any time), newest first.
pub async fn delegations_to(
    tx: &mut Tx,
    agency: OrgId,
    user: UserId,
) -> DbResult<Vec<DelegationRow>> {
    Ok(sql!(tx, fetch_all select_delegation!(
        "WHERE d.agency_id = $1 AND d.to_user = $2 ORDER BY d.ends_at DESC, d.id DESC"),
        agency, user)?)
}

pub async fn delegation(tx: &mut Tx, agency: OrgId, id: i64) -> DbResult<Option<DelegationRow>> {
    Ok(sql!(tx, fetch_optional select_delegation!(
        "WHERE d.agency_id = $1 AND d.id = $2"),
        agency, id)?)
}

pub async fn revoke_delegation(tx: &mut Tx, id: i64, now: i64) -> DbResult<bool> {
    let n = sql!(tx, execute
        "UPDATE delegations SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        now, id)?;
    Ok(n == 1)
}

// ---- Approvals ---------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Approval {
    pub id: i64,
    pub clip_id: ClipId,
    pub version_id: VersionId,
    /// 0-based step of the policy.
    pub step: i64,
    pub signer_id: UserId,
    pub signer_name: String,
    /// The role signed in: editor, deputy or head.
    #[schema(value_type = crate::domain::Role)]
    pub role: String,
    /// Set when a deputy signed K/T for the head.
    pub on_behalf_of: Option<UserId>,
    pub on_behalf_name: Option<String>,
    pub delegation_id: Option<i64>,
    pub digest: String,
    /// JSON of the outgoing content approved.
    pub content: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub voided_at: Option<i64>,
    pub void_reason: Option<String>,
    pub used_at: Option<i64>,
}

macro_rules! select_approval {
    ($rest:literal) => {
        concat!(
            "SELECT a.id, a.clip_id, a.version_id, a.step, a.signer_id, s.display_name AS signer_name,
                    a.role, a.on_behalf_of, h.display_name AS on_behalf_name, a.delegation_id,
                    a.digest, a.content, a.created_at, a.expires_at, a.voided_at, a.void_reason,
                    a.used_at
             FROM approvals a JOIN users s ON s.id = a.signer_id
             LEFT JOIN users h ON h.id = a.on_behalf_of ",
            $rest
        )
    };
}

pub struct NewApproval<'a> {
    pub clip_id: ClipId,
    pub version_id: VersionId,
    pub step: i64,
    pub signer_id: UserId,
    pub role: &'a str,
    pub on_behalf_of: Option<UserId>,
    pub delegation_id: Option<i64>,
    pub digest: &'a str,
    pub content: &'a str,
    pub expires_at: i64,
    pub now: i64,
}

pub async fn insert_approval(tx: &mut Tx, a: &NewApproval<'_>) -> DbResult<i64> {
    Ok(sql!(tx, scalar fetch_one
        "INSERT INTO approvals (clip_id, version_id, step, signer_id, role, on_behalf_of,
                                delegation_id, digest, content, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        a.clip_id, a.version_id, a.step, a.signer_id, a.role, a.on_behalf_of, a.delegation_id,
        a.digest, a.content, a.now, a.expires_at)?)
}

/// The clip's approvals of the current round (not voided, not used), by step.
pub async fn live_approvals(tx: &mut Tx, clip: ClipId) -> DbResult<Vec<Approval>> {
    Ok(sql!(tx, fetch_all select_approval!(
        "WHERE a.clip_id = $1 AND a.voided_at IS NULL AND a.used_at IS NULL ORDER BY a.step, a.id"),
        clip)?)
}

/// The live approvals of the agency's clips in `state`, by clip, step and id:
/// [`live_approvals`] for a whole queue in one query.
pub async fn live_approvals_in_state(
    tx: &mut Tx,
    agency: OrgId,
    state: &str,
) -> DbResult<Vec<Approval>> {
    Ok(sql!(tx, fetch_all select_approval!(
        "WHERE a.clip_id IN (SELECT id FROM clips WHERE agency_id = $1 AND state = $2)
           AND a.voided_at IS NULL AND a.used_at IS NULL ORDER BY a.clip_id, a.step, a.id"),
        agency, state)?)
}

/// Marks the clip's live approvals as used (its first post went out).
pub async fn use_approvals(tx: &mut Tx, clip: ClipId, now: i64) -> DbResult<u64> {
    Ok(sql!(tx, execute
        "UPDATE approvals SET used_at = $1 WHERE clip_id = $2 AND voided_at IS NULL AND used_at IS NULL",
        now, clip)?)
}

/// The approvals that may carry a publication asked for at `since`: not
/// voided, and unused or used by that publication's own round.
pub async fn approvals_for(tx: &mut Tx, clip: ClipId, since: i64) -> DbResult<Vec<Approval>> {
    Ok(sql!(tx, fetch_all select_approval!(
        "WHERE a.clip_id = $1 AND a.voided_at IS NULL AND (a.used_at IS NULL OR a.used_at >= $2)
         ORDER BY a.step, a.id"),
        clip, since)?)
}

/// Every approval the clip ever had, newest first.
pub async fn all_approvals(tx: &mut Tx, clip: ClipId) -> DbResult<Vec<Approval>> {
    Ok(sql!(tx, fetch_all select_approval!(
        "WHERE a.clip_id = $1 ORDER BY a.created_at DESC, a.id DESC"),
        clip)?)
}

/// Voids the clip's live approvals; returns the ones voided.
pub async fn void_approvals(
    tx: &mut Tx,
    clip: ClipId,
    reason: &str,
    now: i64,
) -> DbResult<Vec<Approval>> {
    let live = live_approvals(tx, clip).await?;
    if !live.is_empty() {
        sql!(tx, execute
            "UPDATE approvals SET voided_at = $1, void_reason = $2
             WHERE clip_id = $3 AND voided_at IS NULL AND used_at IS NULL",
            now, reason, clip)?;
    }
    Ok(live)
}

/// Clips (with their agency) holding a live approval that expired by `now`.
pub async fn expired(tx: &mut Tx, now: i64, limit: i64) -> DbResult<Vec<(ClipId, OrgId)>> {
    Ok(sql!(tx, fetch_all
        "SELECT DISTINCT a.clip_id, k.agency_id FROM approvals a JOIN clips k ON k.id = a.clip_id
         WHERE a.voided_at IS NULL AND a.used_at IS NULL AND a.expires_at <= $1 LIMIT $2",
        now, limit)?)
}

/// Live approvals (neither voided nor used) that expire after `now` and by
/// `by`, for `/metrics`.
pub async fn expiring_count(tx: &mut Tx, now: i64, by: i64) -> DbResult<i64> {
    Ok(sql!(tx, scalar fetch_one
        "SELECT COUNT(*) FROM approvals
         WHERE voided_at IS NULL AND used_at IS NULL AND expires_at > $1 AND expires_at <= $2",
        now, by)?)
}

// ---- Inbox -------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Notification {
    pub id: i64,
    pub user_id: UserId,
    pub agency_id: OrgId,
    pub clip_id: Option<ClipId>,
    pub clip_title: Option<String>,
    /// submitted, changes_requested, approval_needed, approval_voided, approved, …
    pub kind: String,
    /// JSON object of message arguments.
    pub args: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

pub async fn notify(
    tx: &mut Tx,
    user: UserId,
    agency: OrgId,
    clip: Option<ClipId>,
    kind: &str,
    args: &str,
    now: i64,
) -> DbResult<i64> {
    Ok(sql!(tx, scalar fetch_one
        "INSERT INTO notifications (user_id, agency_id, clip_id, kind, args, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        user, agency, clip, kind, args, now)?)
}

macro_rules! select_notification {
    ($rest:literal) => {
        concat!(
            "SELECT n.id, n.user_id, n.agency_id, n.clip_id, k.title AS clip_title, n.kind, n.args,
                    n.created_at, n.read_at
             FROM notifications n LEFT JOIN clips k ON k.id = n.clip_id ",
            $rest
        )
    };
}

pub async fn inbox(tx: &mut Tx, user: UserId, limit: i64) -> DbResult<Vec<Notification>> {
    Ok(sql!(tx, fetch_all select_notification!(
        "WHERE n.user_id = $1 ORDER BY n.id DESC LIMIT $2"),
        user, limit)?)
}

/// One of the user's notifications (never another user's).
pub async fn notification(tx: &mut Tx, user: UserId, id: i64) -> DbResult<Option<Notification>> {
    Ok(sql!(tx, fetch_optional select_notification!(
        "WHERE n.user_id = $1 AND n.id = $2"),
        user, id)?)
}

pub async fn unread_count(tx: &mut Tx, user: UserId) -> DbResult<i64> {
    Ok(sql!(tx, scalar fetch_one
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
        user)?)
}

/// Marks one notification (or all, with `None`) of the user as read.
pub async fn mark_read(tx: &mut Tx, user: UserId, id: Option<i64>, now: i64) -> DbResult<u64> {
    Ok(match id {
        Some(id) => sql!(tx, execute
            "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND id = $3 AND read_at IS NULL",
            now, user, id)?,
        None => sql!(tx, execute
            "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
            now, user)?,
    })
}

/// A notification still to be e-mailed, with where and in which language.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingMail {
    pub id: i64,
    pub email: String,
    pub locale: String,
    pub agency_id: OrgId,
    pub clip_id: Option<ClipId>,
    pub clip_title: Option<String>,
    pub kind: String,
    pub args: String,
    pub created_at: i64,
}

/// Notifications since `since` not yet e-mailed, of users who gave an address.
pub async fn pending_mail(tx: &mut Tx, since: i64, limit: i64) -> DbResult<Vec<PendingMail>> {
    Ok(sql!(tx, fetch_all
        "SELECT n.id, u.email, u.locale, n.agency_id, n.clip_id, k.title AS clip_title, n.kind,
                n.args, n.created_at
         FROM notifications n JOIN users u ON u.id = n.user_id
         LEFT JOIN clips k ON k.id = n.clip_id
         WHERE n.emailed_at IS NULL AND n.created_at >= $1 AND u.email <> '' AND NOT u.disabled
         ORDER BY n.id LIMIT $2",
        since, limit)?)
}

/// Claims a notification for e-mailing; false when another sender has it.
pub async fn claim_mail(tx: &mut Tx, id: i64, now: i64) -> DbResult<bool> {
    let n = sql!(tx, execute
        "UPDATE notifications SET emailed_at = $1 WHERE id = $2 AND emailed_at IS NULL",
        now, id)?;
    Ok(n == 1)
}

/// Gives a claimed notification back after its e-mail failed, for a retry.
pub async fn release_mail(tx: &mut Tx, id: i64) -> DbResult<()> {
    sql!(tx, execute "UPDATE notifications SET emailed_at = NULL WHERE id = $1", id)?;
    Ok(())
}

/// Audit entries about a clip (the clip itself and its versions), oldest first.
pub async fn clip_history(
    tx: &mut Tx,
    agency: OrgId,
    clip: ClipId,
) -> DbResult<Vec<crate::audit::Entry>> {
    let id = clip.0.to_string();
    Ok(sql!(tx, fetch_all
        "SELECT seq, at, actor_id, actor_name, agency_id, action, object_type, object_id, summary,
                client_addr, prev_hash, hash
         FROM audit_log
         WHERE agency_id = $1 AND ((object_type = 'clip' AND object_id = $2)
            OR (object_type = 'clip_version' AND object_id IN
                (SELECT CAST(id AS TEXT) FROM clip_versions WHERE clip_id = $3)))
         ORDER BY seq",
        agency, id, clip)?)
}

//! Review and approval through the API: the same operations as the clip page.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::db::clips::{self, Clip};
use crate::db::review::{self as rdb, Approval, Comment, DelegationRow, Notification};
use crate::domain::approval::Outgoing;
use crate::domain::policy::ClipRights;
use crate::domain::workflow::{ClipAction, ClipState};
use crate::domain::{Action, ClipId, OrgId, Role, UserId, VersionId};
use crate::error::{Error, Result};
use crate::service::review::{
    self as svc, ActInput, CampaignChoice, CoverChoice, DelegationRequest, Edit, FieldFinding,
    LockView, NewComment, Saved, Settings,
};
use crate::state::AppState;
use crate::web::extract::{Authz, CurrentUser, JsonBody, act};
use crate::web::{Routes, Scope, api_routes};

#[derive(Serialize, utoipa::ToSchema)]
pub struct VersionBrief {
    pub id: i64,
    pub number: i64,
    pub status: crate::domain::VersionStatus,
    pub sha256: String,
    pub uploaded_by: UserId,
    pub created_at: i64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct StepStatus {
    /// 1-based.
    pub step: usize,
    pub roles: Vec<Role>,
    pub delegable: bool,
    pub approval: Option<Approval>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ChecklistItem {
    pub item: String,
    pub ticked_by: Option<UserId>,
    pub ticked_at: Option<i64>,
}

/// A clip as the API gives it: its state typed, its flag a boolean, its
/// lists and maps as JSON values (not the text the database holds).
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Clip)]
pub struct ClipDto {
    pub id: ClipId,
    pub agency_id: OrgId,
    pub author_id: UserId,
    pub title: String,
    pub caption: String,
    #[schema(value_type = crate::domain::Category)]
    pub category: String,
    pub state: ClipState,
    pub current_version_id: Option<VersionId>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Platform code → caption variant.
    pub caption_variants: BTreeMap<String, String>,
    /// `#tags`.
    pub hashtags: Vec<String>,
    pub political: bool,
    /// Why the flag is as it is: category, watch_list, manual or lowered.
    pub political_source: String,
    /// Target platforms.
    pub target_channels: Vec<String>,
    /// The signed publish window: from (none: from approval) …
    pub publish_at: Option<i64>,
    /// … to before (required to submit).
    pub publish_until: Option<i64>,
    /// The time chosen inside the window when scheduled (not signed).
    pub scheduled_at: Option<i64>,
    /// The chosen cover: a frame's time in the current version, ms.
    pub cover_ms: Option<i64>,
    /// The campaign of the coordinating body the clip is made for.
    pub campaign_id: Option<i64>,
    /// Bumped by every content save; send it back with an edit.
    pub revision: i64,
    pub lock_user_id: Option<UserId>,
    pub lock_at: Option<i64>,
    /// The text lint's findings at the last save.
    pub lint: Vec<FieldFinding>,
}

impl From<Clip> for ClipDto {
    fn from(c: Clip) -> ClipDto {
        ClipDto {
            id: c.id,
            agency_id: c.agency_id,
            author_id: c.author_id,
            title: c.title,
            caption: c.caption,
            category: c.category,
            state: c.state,
            current_version_id: c.current_version_id,
            created_at: c.created_at,
            updated_at: c.updated_at,
            caption_variants: c.caption_variants,
            hashtags: c.hashtags,
            political: c.political,
            political_source: c.political_source,
            target_channels: c.target_channels,
            publish_at: c.publish_at,
            publish_until: c.publish_until,
            scheduled_at: c.scheduled_at,
            cover_ms: c.cover_ms,
            campaign_id: c.campaign_id,
            revision: c.revision,
            lock_user_id: c.lock_user_id,
            lock_at: c.lock_at,
            lint: c.lint,
        }
    }
}

/// A clip with everything its review needs.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ClipDetail {
    pub clip: ClipDto,
    pub state: ClipState,
    /// What would go out, and its approval digest.
    pub outgoing: Outgoing,
    pub digest: String,
    /// The actions the caller may ask for now (`approve` only when the caller
    /// may sign the next step; `publish` and `take_down` when `POST …/publish`
    /// and `POST …/takedown` are the caller's to use).
    pub available_actions: Vec<ClipAction>,
    /// Everything the caller may do to the clip now: the same answer the
    /// services enforce and the clip page renders.
    pub permissions: ClipRights,
    pub steps: Vec<StepStatus>,
    pub checklist: Vec<ChecklistItem>,
    pub comments: Vec<Comment>,
    pub findings: Vec<FieldFinding>,
    pub lock: LockView,
    pub versions: Vec<VersionBrief>,
}

/// The largest page the API gives.
const MAX_PER_PAGE: i64 = 500;

#[utoipa::path(get, path = "/api/v1/agencies/{aid}/clips", tag = "review",
    params(("aid" = i64, Path), crate::service::clips::ClipQuery),
    responses((status = 200, body = Vec<ClipDto>, headers(
        ("X-Total-Count" = i64, description = "How many clips match, all pages together"))),
        (status = 400, body = ApiError), (status = 403, body = ApiError)))]
pub async fn list(
    State(_st): State<AppState>,
    a: Authz<act::ViewClips>,
    Query(q): Query<crate::service::clips::ClipQuery>,
) -> Result<impl axum::response::IntoResponse> {
    let per_page = match q.per_page.as_deref().map(str::trim) {
        None | Some("") => MAX_PER_PAGE,
        Some(n) => n
            .parse()
            .ok()
            .filter(|n| (1..=MAX_PER_PAGE).contains(n))
            .ok_or(crate::domain::Invalid::new(
                "per_page",
                "invalid-clip-filter",
            ))?,
    };
    let page = crate::service::clips::search_whole(&a.caller, &q, per_page).await?;
    Ok((
        [("x-total-count", page.total.to_string())],
        Json(
            page.clips
                .into_iter()
                .map(ClipDto::from)
                .collect::<Vec<_>>(),
        ),
    ))
}

#[utoipa::path(get, path = "/api/v1/agencies/{aid}/clips/{cid}", tag = "review",
    params(("aid" = i64, Path), ("cid" = i64, Path)),
    responses((status = 200, body = ClipDetail), (status = 404, body = ApiError)))]
pub async fn get_one(
    State(st): State<AppState>,
    a: Authz<act::ViewClips>,
    Path((_, cid)): Path<(i64, i64)>,
) -> Result<Json<ClipDetail>> {
    let now = st.now();
    let mut tx = st.db.read().await?;
    let clip = clips::get(&mut tx, a.agency.id, ClipId(cid))
        .await?
        .ok_or(Error::NotFound)?;
    let versions = clips::versions_of(&mut tx, clip.id).await?;
    let current = versions
        .iter()
        .find(|v| Some(v.id) == clip.current_version_id);
    let state = clip.state;
    let (outgoing, digest) = svc::content(&clip, current);
    let s = svc::settings(&mut tx, a.agency.id).await?;
    let delegation = svc::delegation_of(&mut tx, a.agency.id, a.principal.user_id, now).await?;
    let f = svc::facts_with(&mut tx, &a.principal, &clip, current, &s, delegation, now).await?;
    let permissions = crate::domain::policy::rights(&f);
    let live = rdb::live_approvals(&mut tx, clip.id).await?;
    let steps = s
        .policy
        .steps(clip.political)
        .iter()
        .enumerate()
        .map(|(i, step)| StepStatus {
            step: i + 1,
            roles: step.roles.clone(),
            delegable: step.delegable,
            approval: live.iter().find(|x| x.step == i as i64).cloned(),
        })
        .collect();
    let ticks = match current {
        Some(v) => rdb::ticks(&mut tx, clip.id, v.id).await?,
        None => vec![],
    };
    let checklist = svc::checklist(&s.checklist, &ticks)
        .into_iter()
        .map(|(item, t)| ChecklistItem {
            item: item.to_string(),
            ticked_by: t.map(|t| t.user_id),
            ticked_at: t.map(|t| t.at),
        })
        .collect();
    let comments = rdb::comments(&mut tx, clip.id).await?;
    let lock = svc::lock_view(&mut tx, &clip, a.principal.user_id, now).await?;
    drop(tx);
    Ok(Json(ClipDetail {
        state,
        outgoing,
        digest,
        available_actions: permissions.actions.clone(),
        permissions,
        steps,
        checklist,
        comments,
        findings: svc::findings(&clip),
        lock,
        versions: versions
            .iter()
            .map(|v| VersionBrief {
                id: v.id.0,
                number: v.number,
                status: v.status,
                sha256: v.sha256.clone(),
                uploaded_by: v.uploaded_by,
                created_at: v.created_at,
            })
            .collect(),
        clip: clip.into(),
    }))
}

#[utoipa::path(put, path = "/api/v1/agencies/{aid}/clips/{cid}", tag = "review",
    params(("aid" = i64, Path), ("cid" = i64, Path)), request_body = Edit,
    responses((status = 200, body = Saved), (status = 409, body = ApiError, description = "edit_conflict, clip_locked or action_not_allowed")))]
pub async fn put_one(
    State(_st): State<AppState>,
    a: Authz<act::WorkOnClip>,
    Path((_, cid)): Path<(i64, i64)>,
    JsonBody(e): JsonBody<Edit>,
) -> Result<Json<Saved>> {
    Ok(Json(svc::save(&a.caller, ClipId(cid), e).await?))
}

#[utoipa::path(put, path = "/api/v1/agencies/{aid}/clips/{cid}/cover", tag = "review",
    params(("aid" = i64, Path), ("cid" = i64, Path)), request_body = CoverChoice,
    responses((status = 200, body = Saved), (status = 409, body = ApiError, description = "edit_conflict, clip_locked or action_not_allowed")))]
/// Chooses the clip's cover (a frame's time in its current version) or clears
/// it (`cover_ms` null). Part of what is approved.
pub async fn put_cover(
    State(_st): State<AppState>,
    a: Authz<act::WorkOnClip>,
    Path((_, cid)): Path<(i64, i64)>,
    JsonBody(c): JsonBody<CoverChoice>,
) -> Result<Json<Saved>> {
    Ok(Json(svc::set_cover(&a.caller, ClipId(cid), c).await?))
}

#[utoipa::path(put, path = "/api/v1/agencies/{aid}/clips/{cid}/campaign", tag = "review",
    params(("aid" = i64, Path), ("cid" = i64, Path)), request_body = CampaignChoice,
    responses((status = 200, body = Saved), (status = 400, body = ApiError, description = "campaign_id: not a campaign the agency takes part in, or ended"),
        (status = 409, body = ApiError, description = "edit_conflict, clip_locked or action_not_allowed")))]
/// Tags the clip to a campaign of its body (`campaign_id`) or untags it
/// (null). Part of what is approved.
pub async fn put_campaign(
    State(_st): State<AppState>,
    a: Authz<act::WorkOnClip>,
    Path((_, cid)): Path<(i64, i64)>,
    JsonBody(c): JsonBody<CampaignChoice>,
) -> Result<Json<Saved>> {
    Ok(Json(svc::set_campaign(&a.caller, ClipId(cid), c).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct StateView {
    pub state: ClipState,
}

#[utoipa::path(post, path = "/api/v1/agencies/{aid}/clips/{cid}/actions/{action}", tag = "review",
    params(("aid" = i64, Path), ("cid" = i64, Path), ("action" = ClipAction, Path, description = "submit, withdraw, request_changes, approve (with `digest`), schedule, unschedule, spike, unspike, start_correction; the others are the system's and are refused")),
    request_body = ActInput,
    responses((status = 200, body = StateView), (status = 409, body = ApiError, description = "action_not_allowed or approval_refused, with the reason")))]
pub async fn post_action(
    State(_st): State<AppState>,
    a: Authz<act::WorkOnClip>,
    Path((_, cid, action)): Path<(i64, i64, String)>,
    JsonBody(input): JsonBody<ActInput>,
) -> Result<Json<StateView>> {
    let action = ClipAction::parse(&action).ok_or(Error::NotFound)?;
    let state = svc::act(&a.caller, ClipId(cid), action, input).await?;
    Ok(Json(StateView { state }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
}

#[utoipa::path(post, path = "/api/v1/agencies/{aid}/clips/{cid}/comments", tag = "review",
    params(("aid" = i64, Path), ("cid" = i64, Path)), request_body = NewComment,
    responses((status = 201, body = Created), (status = 400, body = ApiError), (status = 409, body = ApiError, description = "action_not_allowed: not the caller's to do to this clip now, with the reason")))]
pub async fn post_comment(
    State(_st): State<AppState>,
    a: Authz<act::WorkOnClip>,
    Path((_, cid)): Path<(i64, i64)>,
    JsonBody(c): JsonBody<NewComment>,
) -> Result<(axum::http::StatusCode, Json<Created>)> {
    let id = svc::comment(&a.caller, ClipId(cid), c).await?;
    Ok((axum::http::StatusCode::CREATED, Json(Created { id })))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Resolved {
    pub resolved: bool,
}

#[utoipa::path(put, path = "/api/v1/agencies/{aid}/clips/{cid}/comments/{mid}/resolved", tag = "review",
    params(("aid" = i64, Path), ("cid" = i64, Path), ("mid" = i64, Path)), request_body = Resolved,
    responses((status = 204), (status = 404, body = ApiError), (status = 409, body = ApiError, description = "action_not_allowed: not the caller's to do to this clip now, with the reason")))]
pub async fn put_resolved(
    State(_st): State<AppState>,
    a: Authz<act::WorkOnClip>,
    Path((_, cid, mid)): Path<(i64, i64, i64)>,
    JsonBody(r): JsonBody<Resolved>,
) -> Result<axum::http::StatusCode> {
    svc::resolve_comment(&a.caller, ClipId(cid), mid, r.resolved).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Tick {
    /// One of the agency's checklist items, as written in its settings.
    #[schema(min_length = 1, max_length = 300)]
    pub item: String,
    pub done: bool,
}

#[utoipa::path(put, path = "/api/v1/agencies/{aid}/clips/{cid}/checklist", tag = "review",
    params(("aid" = i64, Path), ("cid" = i64, Path)), request_body = Tick,
    responses((status = 204), (status = 400, body = ApiError), (status = 409, body = ApiError, description = "action_not_allowed: not the caller's to do to this clip now, with the reason")))]
pub async fn put_tick(
    State(_st): State<AppState>,
    a: Authz<act::WorkOnClip>,
    Path((_, cid)): Path<(i64, i64)>,
    JsonBody(t): JsonBody<Tick>,
) -> Result<axum::http::StatusCode> {
    svc::tick(&a.caller, ClipId(cid), &t.item, t.done).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/agencies/{aid}/clips/{cid}/lock", tag = "review",
    params(("aid" = i64, Path), ("cid" = i64, Path)),
    responses((status = 200, body = LockView), (status = 409, body = ApiError, description = "clip_locked")))]
pub async fn post_lock(
    State(_st): State<AppState>,
    a: Authz<act::WorkOnClip>,
    Path((_, cid)): Path<(i64, i64)>,
) -> Result<Json<LockView>> {
    Ok(Json(svc::lock(&a.caller, ClipId(cid)).await?))
}

#[utoipa::path(delete, path = "/api/v1/agencies/{aid}/clips/{cid}/lock", tag = "review",
    params(("aid" = i64, Path), ("cid" = i64, Path)), responses((status = 204)))]
pub async fn delete_lock(
    State(st): State<AppState>,
    a: Authz<act::WorkOnClip>,
    Path((_, cid)): Path<(i64, i64)>,
) -> Result<axum::http::StatusCode> {
    svc::unlock(&st, &a.principal, &a.agency, ClipId(cid)).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/agencies/{aid}/clips/{cid}/history", tag = "review",
    params(("aid" = i64, Path), ("cid" = i64, Path)),
    responses((status = 200, body = Vec<crate::audit::Entry>)))]
pub async fn history(
    State(st): State<AppState>,
    a: Authz<act::ViewClips>,
    Path((_, cid)): Path<(i64, i64)>,
) -> Result<Json<Vec<crate::audit::Entry>>> {
    let mut tx = st.db.read().await?;
    let clip = clips::get(&mut tx, a.agency.id, ClipId(cid))
        .await?
        .ok_or(Error::NotFound)?;
    Ok(Json(
        rdb::clip_history(&mut tx, a.agency.id, clip.id).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/agencies/{aid}/review-settings", tag = "review",
    params(("aid" = i64, Path)), responses((status = 200, body = Settings), (status = 403, body = ApiError)))]
pub async fn get_settings(
    State(st): State<AppState>,
    a: Authz<act::ViewDashboard>,
) -> Result<Json<Settings>> {
    // Those who work on clips read the rules their clips go through; the admin
    // who sets them reads what they are setting.
    if !(a.may(Action::ViewClips) || a.may(Action::ManageReviewSettings)) {
        return Err(Error::Forbidden);
    }
    let mut tx = st.db.read().await?;
    Ok(Json(svc::settings(&mut tx, a.agency.id).await?))
}

#[utoipa::path(put, path = "/api/v1/agencies/{aid}/review-settings", tag = "review",
    params(("aid" = i64, Path)), request_body = Settings,
    responses((status = 204), (status = 400, body = ApiError)))]
pub async fn put_settings(
    State(_st): State<AppState>,
    a: Authz<act::ManageReviewSettings>,
    JsonBody(s): JsonBody<Settings>,
) -> Result<axum::http::StatusCode> {
    svc::save_settings(&a.caller, s).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/agencies/{aid}/delegations", tag = "review",
    params(("aid" = i64, Path)), responses((status = 200, body = Vec<DelegationRow>)))]
pub async fn list_delegations(
    State(st): State<AppState>,
    a: Authz<act::ManageDelegations>,
) -> Result<Json<Vec<DelegationRow>>> {
    let mut tx = st.db.read().await?;
    Ok(Json(rdb::delegations(&mut tx, a.agency.id).await?))
}

#[utoipa::path(post, path = "/api/v1/agencies/{aid}/delegations", tag = "review",
    params(("aid" = i64, Path)), request_body = DelegationRequest,
    responses((status = 201, body = Created), (status = 409, body = ApiError)))]
pub async fn post_delegation(
    State(_st): State<AppState>,
    a: Authz<act::ManageDelegations>,
    JsonBody(r): JsonBody<DelegationRequest>,
) -> Result<(axum::http::StatusCode, Json<Created>)> {
    let id = svc::delegate(&a.caller, &r).await?;
    Ok((axum::http::StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(post, path = "/api/v1/agencies/{aid}/delegations/{did}/revoke", tag = "review",
    params(("aid" = i64, Path), ("did" = i64, Path)), responses((status = 204)))]
pub async fn revoke_delegation(
    State(_st): State<AppState>,
    a: Authz<act::ManageDelegations>,
    Path((_, did)): Path<(i64, i64)>,
) -> Result<axum::http::StatusCode> {
    svc::revoke_delegation(&a.caller, did).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "review",
    responses((status = 200, body = Vec<Notification>)))]
pub async fn notifications(
    State(st): State<AppState>,
    u: CurrentUser,
) -> Result<Json<Vec<Notification>>> {
    let mut tx = st.db.read().await?;
    Ok(Json(rdb::inbox(&mut tx, u.p.user_id, 200).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct MarkRead {
    /// One notification; all when absent.
    #[serde(default)]
    pub id: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Marked {
    pub marked: u64,
}

#[utoipa::path(post, path = "/api/v1/me/notifications/read", tag = "review",
    request_body = MarkRead, responses((status = 200, body = Marked)))]
pub async fn mark_read(
    State(st): State<AppState>,
    u: CurrentUser,
    JsonBody(m): JsonBody<MarkRead>,
) -> Result<Json<Marked>> {
    Ok(Json(Marked {
        marked: svc::mark_read(&st, &u.p, m.id).await?,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LintRequest {
    /// At most 100,000 bytes.
    #[schema(max_length = 100000)]
    pub text: String,
    /// old (default) or new.
    #[serde(default)]
    #[schema(value_type = Option<super::ToneStyleCode>)]
    pub style: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct LintFinding {
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub finding: crate::lint::Finding,
    /// The explanation in the caller's language.
    pub message: String,
}

#[utoipa::path(post, path = "/api/v1/lint", tag = "review", request_body = LintRequest,
    responses((status = 200, body = Vec<LintFinding>)))]
pub async fn lint(
    u: CurrentUser,
    JsonBody(r): JsonBody<LintRequest>,
) -> Result<Json<Vec<LintFinding>>> {
    if r.text.len() > 100_000 {
        return Err(Error::TooLarge);
    }
    let style = if r.style.as_deref() == Some("new") {
        crate::lint::ToneStyle::New
    } else {
        crate::lint::ToneStyle::Old
    };
    let rules = crate::lint::Rules {
        style,
        official_names: crate::lint::default_official_names(),
        watch_list: crate::lint::default_watch_list(),
    };
    let tr = u.ctx.tr();
    Ok(Json(
        crate::lint::lint(&r.text, &rules)
            .into_iter()
            .map(|f| LintFinding {
                message: f.message(&tr),
                finding: f,
            })
            .collect(),
    ))
}

/// This area's routes, each with who may reach it.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    api_routes!(r,
        User: notifications, mark_read, lint;
        Agency: list, get_one, put_one, put_cover, put_campaign, post_action, post_comment, put_resolved, put_tick,
            post_lock, delete_lock, history, get_settings, put_settings, list_delegations,
            post_delegation, revoke_delegation;
    )
}

//! The review side of the clip page (state, actions, approvals, checklist,
//! comments, lint findings, edit form, history) and the review pages: queues,
//! inbox, agency review settings, delegations and version comparison.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::clips::{VersionView, clip_page};
use super::{Layout, render, render_status};
use crate::db::clips::{self, Clip, Version};
use crate::db::review as rdb;
use crate::db::{Tx, users};
use crate::domain::approval::Step;
use crate::domain::policy::{self, ClipOp};
use crate::domain::workflow::{ClipAction, ClipState};
use crate::domain::{ClipId, Role, UserId};
use crate::error::{Error, Result};
use crate::lint::Severity;
use crate::service::accounts::Principal;
use crate::service::review::{self as svc, Edit, PLATFORMS};
use crate::state::AppState;
use crate::web::extract::{Authz, CurrentUser, FormData, act};

pub struct ActionButton {
    pub code: &'static str,
    pub label: String,
    pub needs_note: bool,
    pub danger: bool,
}

pub struct Signature {
    pub name: String,
    pub role: String,
    /// The head's name when a deputy signed K/T.
    pub kt_for: Option<String>,
    pub at: String,
    pub expires: String,
}

pub struct StepView {
    pub n: usize,
    pub roles: String,
    pub delegable: bool,
    pub signed: Option<Signature>,
}

pub struct FindingView {
    pub field: String,
    pub field_label: String,
    pub severity: &'static str,
    pub message: String,
    /// The platform whose text rule this is (its message says all).
    pub platform: Option<String>,
    pub found: String,
    pub suggestion: Option<String>,
    pub start: usize,
    pub end: usize,
    pub political: bool,
}

pub struct CheckView {
    pub item: String,
    pub by: Option<String>,
    pub at: String,
}

pub struct CommentView {
    pub id: i64,
    pub author: String,
    pub body: String,
    pub at: String,
    /// `mm:ss:ff` and the second to seek to, if pinned to a time.
    pub tc: Option<(String, f64)>,
    pub tc_end: Option<String>,
    pub version: i64,
    pub resolved: bool,
    pub resolved_by: Option<String>,
}

pub struct Thread {
    pub root: CommentView,
    pub replies: Vec<CommentView>,
}

pub struct HistoryRow {
    pub at: String,
    pub actor: String,
    pub label: String,
    pub details: Vec<String>,
}

pub struct Choice {
    pub code: &'static str,
    pub label: String,
    pub value: String,
    pub checked: bool,
}

/// The edit form's values: the clip's, or what the user typed when a save was refused.
pub struct EditView {
    pub revision: i64,
    pub title: String,
    pub caption: String,
    pub category: String,
    pub variants: Vec<Choice>,
    pub hashtags: String,
    pub political: bool,
    pub channels: Vec<Choice>,
    pub publish_at: String,
    pub publish_until: String,
}

pub struct LockLine {
    pub name: String,
    pub since: String,
    pub stale: bool,
    pub mine: bool,
}

pub struct ReviewView {
    pub state: String,
    pub state_label: String,
    pub actions: Vec<ActionButton>,
    pub can_approve: bool,
    pub digest: String,
    pub steps: Vec<StepView>,
    pub political_note: String,
    pub can_edit: bool,
    /// Whether unticking the political flag is the person's to do (the head).
    pub can_lower_political: bool,
    pub lock: Option<LockLine>,
    pub can_take_over: bool,
    pub form: EditView,
    pub findings: Vec<FindingView>,
    pub checklist: Vec<CheckView>,
    pub can_tick: bool,
    pub threads: Vec<Thread>,
    pub open_comments: usize,
    pub can_comment: bool,
    pub can_new_version: bool,
    pub can_manage_versions: bool,
    pub fps: f64,
    pub history: Vec<HistoryRow>,
    pub notice: Option<String>,
    pub compare: Option<(i64, i64)>,
}

fn platform_label(l: &Layout, p: &str) -> String {
    l.tr.t(&format!("platform-{p}"))
}

fn field_label(l: &Layout, field: &str) -> String {
    svc::field_label(&l.tr, field)
}

fn roles_label(l: &Layout, roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| l.tr.t(r.message_id()))
        .collect::<Vec<_>>()
        .join(" / ")
}

impl EditView {
    pub fn of_clip(l: &Layout, c: &Clip, tz: &str) -> EditView {
        EditView::of_edit(l, &svc::edit_of_clip(c, tz))
    }

    fn of_edit(l: &Layout, e: &Edit) -> EditView {
        EditView {
            revision: e.revision,
            title: e.title.clone(),
            caption: e.caption.clone(),
            category: e.category.clone(),
            variants: PLATFORMS
                .iter()
                .map(|p| Choice {
                    code: p,
                    label: platform_label(l, p),
                    value: e.variants.get(*p).cloned().unwrap_or_default(),
                    checked: false,
                })
                .collect(),
            hashtags: e.hashtags.clone(),
            political: e.political,
            channels: PLATFORMS
                .iter()
                .map(|p| Choice {
                    code: p,
                    label: platform_label(l, p),
                    value: String::new(),
                    checked: e.channels.iter().any(|x| x == p),
                })
                .collect(),
            publish_at: e.publish_at.clone(),
            publish_until: e.publish_until.clone(),
        }
    }
}

fn fps_of(v: &Version) -> Option<f64> {
    v.probe
        .as_deref()
        .and_then(|p| serde_json::from_str::<crate::media::probe::Probe>(p).ok())
        .and_then(|p| p.video.map(|v| v.avg_fps))
        .filter(|f| *f > 0.0)
}

fn history_details(l: &Layout, e: &crate::audit::Entry) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(&e.summary).unwrap_or_default();
    let short = |x: &serde_json::Value| {
        let s = match x {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => "—".into(),
            other => other.to_string(),
        };
        if s.chars().count() > 120 {
            format!("{}…", s.chars().take(120).collect::<String>())
        } else {
            s
        }
    };
    let mut out = Vec::new();
    match e.action.as_str() {
        "clip.edit" => {
            if let Some(o) = v.as_object() {
                for (k, ch) in o {
                    out.push(format!(
                        "{}: {} → {}",
                        field_label(l, k),
                        short(&ch["before"]),
                        short(&ch["after"])
                    ));
                }
            }
        }
        "clip.approvals_void" => {
            if let Some(ch) = v["changed"].as_array().filter(|a| !a.is_empty()) {
                out.push(format!(
                    "{}: {}",
                    l.tr.t("history-changed"),
                    ch.iter()
                        .filter_map(|x| x.as_str())
                        .map(|f| field_label(l, f))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            } else if let Some(r) = v["reason"].as_str() {
                out.push(l.tr.t(&format!("void-reason-{r}")));
            }
        }
        "clip.sign" => {
            out.push(format!(
                "{} {}/{} · {}",
                l.tr.t("history-step"),
                short(&v["step"]),
                short(&v["of"]),
                l.tr.t(&format!("role-{}", v["role"].as_str().unwrap_or("")))
            ));
            if !v["on_behalf_of"].is_null() {
                out.push("K/T".into());
            }
            out.push(format!(
                "digest {}…",
                &v["digest"]
                    .as_str()
                    .unwrap_or("")
                    .chars()
                    .take(12)
                    .collect::<String>()
            ));
        }
        "clip.comment" => out.push(short(&v["body"])),
        "clip.check_tick" | "clip.check_untick" => out.push(short(&v["item"])),
        _ => {
            if let Some(n) = v["detail"]["note"].as_str().filter(|n| !n.is_empty()) {
                out.push(n.to_string());
            }
        }
    }
    out
}

fn needs_note(a: ClipAction) -> bool {
    matches!(a, ClipAction::RequestChanges)
}

/// Builds the review side of the clip page.
#[allow(clippy::too_many_arguments)]
pub async fn review_view(
    st: &AppState,
    tx: &mut Tx,
    l: &Layout,
    p: &Principal,
    clip: &Clip,
    current: Option<&Version>,
    versions: &[Version],
    tz: &str,
) -> Result<ReviewView> {
    let now = st.now();
    let state = ClipState::parse(&clip.state).unwrap_or(ClipState::Draft);
    let s = svc::settings(tx, clip.agency_id).await?;
    let delegation = svc::delegation_of(tx, clip.agency_id, p.user_id, now).await?;
    let f = svc::facts_with(tx, p, clip, current, &s, delegation, now).await?;
    let may = policy::rights(&f);
    let steps_def: &[Step] = s.policy.steps(clip.political != 0);
    let live = rdb::live_approvals(tx, clip.id).await?;
    let (_, digest) = svc::content(clip, current);
    let steps = steps_def
        .iter()
        .enumerate()
        .map(|(i, st)| StepView {
            n: i + 1,
            roles: roles_label(l, &st.roles),
            delegable: st.delegable,
            signed: live.iter().find(|a| a.step == i as i64).map(|a| Signature {
                name: a.signer_name.clone(),
                role: Role::parse(&a.role)
                    .map(|r| l.tr.t(r.message_id()))
                    .unwrap_or_default(),
                kt_for: a.on_behalf_name.clone(),
                at: l.time(&a.created_at, tz),
                expires: l.time(&a.expires_at, tz),
            }),
        })
        .collect();
    // Approving, publishing and taking down have their own forms.
    let actions = may
        .actions
        .iter()
        .filter(|a| {
            !matches!(
                a,
                ClipAction::Approve | ClipAction::TakeDown | ClipAction::Publish
            )
        })
        .map(|a| ActionButton {
            code: a.code(),
            label: l.tr.t(&a.message_id()),
            needs_note: needs_note(*a),
            danger: matches!(a, ClipAction::Spike),
        })
        .collect();
    let lock = svc::lock_view(tx, clip, p.user_id, now).await?;
    let lock_line = lock.holder.map(|_| LockLine {
        name: lock.holder_name.clone().unwrap_or_default(),
        since: lock.since.map(|t| l.time(&t, tz)).unwrap_or_default(),
        stale: lock.stale,
        mine: lock.mine,
    });
    let findings = svc::findings(clip)
        .into_iter()
        .map(|f| FindingView {
            field_label: field_label(l, &f.field),
            severity: match f.finding.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            },
            message: f.message(&l.tr),
            platform: f.platform.as_ref().map(|b| platform_label(l, &b.platform)),
            found: f.finding.found.clone(),
            suggestion: f.finding.suggestion.clone(),
            start: f.finding.start,
            end: f.finding.end,
            political: f.finding.political,
            field: f.field,
        })
        .collect();
    let ticks = match current {
        Some(v) => rdb::ticks(tx, clip.id, v.id).await?,
        None => vec![],
    };
    let checklist = svc::checklist(&s.checklist, &ticks)
        .into_iter()
        .map(|(item, t)| CheckView {
            item: item.to_string(),
            by: t.map(|t| t.user_name.clone()),
            at: t.map(|t| l.time(&t.at, tz)).unwrap_or_default(),
        })
        .collect();
    let comments = rdb::comments(tx, clip.id).await?;
    let mut names: BTreeMap<UserId, String> = comments
        .iter()
        .map(|c| (c.author_id, c.author_name.clone()))
        .collect();
    for u in comments.iter().filter_map(|c| c.resolved_by) {
        if !names.contains_key(&u)
            && let Some(user) = users::get(tx, u).await?
        {
            names.insert(u, user.display_name);
        }
    }
    let number_of = |vid: crate::domain::VersionId| {
        versions
            .iter()
            .find(|v| v.id == vid)
            .map(|v| v.number)
            .unwrap_or(0)
    };
    let cv = |c: &rdb::Comment| CommentView {
        id: c.id,
        author: c.author_name.clone(),
        body: c.body.clone(),
        at: l.time(&c.created_at, tz),
        tc: c
            .start_frame
            .zip(c.fps)
            .map(|(f, fps)| (svc::format_frame(f, fps), (f as f64 + 0.5) / fps)),
        tc_end: c
            .end_frame
            .zip(c.fps)
            .map(|(f, fps)| svc::format_frame(f, fps)),
        version: number_of(c.version_id),
        resolved: c.resolved_at.is_some(),
        resolved_by: c.resolved_by.and_then(|u| names.get(&u).cloned()),
    };
    let mut threads: Vec<Thread> = comments
        .iter()
        .filter(|c| c.parent_id.is_none())
        .map(|c| Thread {
            root: cv(c),
            replies: comments
                .iter()
                .filter(|r| r.parent_id == Some(c.id))
                .map(cv)
                .collect(),
        })
        .collect();
    // Pinned comments in video order, then the general ones.
    threads.sort_by(|a, b| {
        let key = |t: &Thread| t.root.tc.as_ref().map(|x| x.1).unwrap_or(f64::MAX);
        key(a).total_cmp(&key(b))
    });
    let open_comments = threads.iter().filter(|t| !t.root.resolved).count();
    let history = rdb::clip_history(tx, clip.agency_id, clip.id)
        .await?
        .iter()
        .rev()
        .map(|e| HistoryRow {
            at: l.time(&e.at, tz),
            actor: e.actor_name.clone(),
            label: l.tr.t(&format!("history-{}", e.action.replace('.', "-"))),
            details: history_details(l, e),
        })
        .collect();
    let ready: Vec<&Version> = versions.iter().filter(|v| v.status == "ready").collect();
    let compare = (ready.len() >= 2).then(|| (ready[1].id.0, ready[0].id.0));
    let political_note = match clip.political_source.as_str() {
        "" => String::new(),
        src => l.tr.t(&format!("political-source-{src}")),
    };
    Ok(ReviewView {
        state: state.code().into(),
        state_label: l.tr.t(&state.message_id()),
        actions,
        can_approve: may.actions.contains(&ClipAction::Approve),
        digest,
        steps,
        political_note,
        can_edit: may.edit,
        can_lower_political: may.lower_political,
        lock: lock_line,
        can_take_over: may.take_over_lock,
        form: EditView::of_clip(l, clip, tz),
        findings,
        checklist,
        can_tick: may.tick,
        threads,
        open_comments,
        can_comment: may.comment,
        can_new_version: may.upload_version,
        can_manage_versions: may.manage_versions,
        fps: current.and_then(fps_of).unwrap_or(30.0),
        history,
        notice: None,
        compare,
    })
}

pub(crate) fn back(aid: i64, cid: i64, anchor: &str) -> Response {
    Redirect::to(&format!("/a/{aid}/clips/{cid}{anchor}")).into_response()
}

/// Shows the clip page again with a refusal's message (status 409), and the
/// user's typed values when a save was refused.
pub(crate) async fn refused<A>(
    st: &AppState,
    a: &Authz<A>,
    cid: i64,
    e: Error,
    typed: Option<&Edit>,
) -> Result<Response> {
    let message = match &e {
        Error::Refused(r) => r.message(&a.ctx.tr()),
        Error::Invalid(i) => a.ctx.tr().t(i.message_id),
        _ => return Err(e),
    };
    let status = match &e {
        Error::Invalid(_) => axum::http::StatusCode::BAD_REQUEST,
        _ => axum::http::StatusCode::CONFLICT,
    };
    let mut page = clip_page(st, a, ClipId(cid)).await?;
    if let Some(r) = page.r.as_mut() {
        r.notice = Some(message);
        if let Some(t) = typed {
            r.form = EditView::of_edit(&page.l, t);
        }
    }
    render_status(status, &page)
}

/// The edit form as posted (checkbox lists and per-platform variants).
#[derive(Debug, Deserialize)]
pub struct EditForm {
    pub revision: i64,
    pub title: String,
    #[serde(default)]
    pub caption: String,
    pub category: String,
    #[serde(default)]
    pub variant_facebook: String,
    #[serde(default)]
    pub variant_youtube: String,
    #[serde(default)]
    pub variant_tiktok: String,
    #[serde(default)]
    pub variant_zalo: String,
    #[serde(default)]
    pub hashtags: String,
    #[serde(default)]
    pub political: Option<String>,
    #[serde(default)]
    pub channels: Vec<String>,
    #[serde(default)]
    pub publish_at: String,
    #[serde(default)]
    pub publish_until: String,
}

impl From<EditForm> for Edit {
    fn from(f: EditForm) -> Edit {
        let variants = [
            ("facebook", f.variant_facebook),
            ("youtube", f.variant_youtube),
            ("tiktok", f.variant_tiktok),
            ("zalo", f.variant_zalo),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        Edit {
            revision: f.revision,
            title: f.title,
            caption: f.caption,
            category: f.category,
            variants,
            hashtags: f.hashtags,
            political: f.political.is_some(),
            channels: f.channels,
            publish_at: f.publish_at,
            publish_until: f.publish_until,
        }
    }
}

pub async fn save(
    State(st): State<AppState>,
    a: Authz<act::WorkOnClip>,
    Path((aid, cid)): Path<(i64, i64)>,
    FormData(f): FormData<EditForm>,
) -> Result<Response> {
    let edit: Edit = f.into();
    match svc::save(&st, &a.actor(), &a.p, &a.agency, ClipId(cid), edit.clone()).await {
        Ok(_) => Ok(back(aid, cid, "#edit")),
        Err(e) => refused(&st, &a, cid, e, Some(&edit)).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct ApplyForm {
    pub revision: i64,
    pub field: String,
    pub start: usize,
    pub end: usize,
    pub found: String,
    pub suggestion: String,
}

/// Applies one lint suggestion with one click (a normal save underneath).
pub async fn apply_fix(
    State(st): State<AppState>,
    a: Authz<act::WorkOnClip>,
    Path((aid, cid)): Path<(i64, i64)>,
    FormData(f): FormData<ApplyForm>,
) -> Result<Response> {
    let clip = {
        let mut tx = st.db.read().await?;
        clips::get(&mut tx, a.agency.id, ClipId(cid))
            .await?
            .ok_or(Error::NotFound)?
    };
    let mut edit = svc::edit_of_clip(&clip, &a.agency.time_zone);
    edit.revision = f.revision;
    let text = match f.field.as_str() {
        "title" => &mut edit.title,
        "caption" => &mut edit.caption,
        other => match other
            .strip_prefix("variant:")
            .and_then(|p| edit.variants.get_mut(p))
        {
            Some(t) => t,
            None => return Err(Error::NotFound),
        },
    };
    if text.get(f.start..f.end) != Some(f.found.as_str()) {
        return refused(
            &st,
            &a,
            cid,
            crate::error::Refusal::new("edit_conflict", "lint-fix-stale").into(),
            None,
        )
        .await;
    }
    text.replace_range(f.start..f.end, &f.suggestion);
    match svc::save(&st, &a.actor(), &a.p, &a.agency, ClipId(cid), edit).await {
        Ok(_) => Ok(back(aid, cid, "#lint")),
        Err(e) => refused(&st, &a, cid, e, None).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct ActForm {
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub digest: String,
}

pub async fn act_on(
    State(st): State<AppState>,
    a: Authz<act::WorkOnClip>,
    Path((aid, cid, action)): Path<(i64, i64, String)>,
    FormData(f): FormData<ActForm>,
) -> Result<Response> {
    let action = ClipAction::parse(&action).ok_or(Error::NotFound)?;
    let input = svc::ActInput {
        note: Some(f.note),
        digest: Some(f.digest),
    };
    match svc::act(&st, &a.actor(), &a.p, &a.agency, ClipId(cid), action, input).await {
        Ok(_) => Ok(back(aid, cid, "")),
        Err(e) => refused(&st, &a, cid, e, None).await,
    }
}

pub async fn lock(
    State(st): State<AppState>,
    a: Authz<act::WorkOnClip>,
    Path((aid, cid)): Path<(i64, i64)>,
    headers: axum::http::HeaderMap,
) -> Result<Response> {
    // The edit form's heartbeat comes from script; a takeover is a plain form.
    let htmx = headers.contains_key("hx-request") || headers.contains_key("x-lantoa-heartbeat");
    match svc::lock(&st, &a.actor(), &a.p, &a.agency, ClipId(cid)).await {
        Ok(_) if htmx => Ok(axum::http::StatusCode::NO_CONTENT.into_response()),
        Ok(_) => Ok(back(aid, cid, "#edit")),
        Err(e) if htmx => Err(e),
        Err(e) => refused(&st, &a, cid, e, None).await,
    }
}

pub async fn unlock(
    State(st): State<AppState>,
    a: Authz<act::WorkOnClip>,
    Path((aid, cid)): Path<(i64, i64)>,
) -> Result<Response> {
    svc::unlock(&st, &a.p, &a.agency, ClipId(cid)).await?;
    Ok(back(aid, cid, ""))
}

#[derive(Debug, Deserialize)]
pub struct CommentForm {
    pub body: String,
    #[serde(default)]
    pub at: String,
    #[serde(default)]
    pub until: String,
    #[serde(default)]
    pub parent_id: Option<i64>,
    #[serde(default)]
    pub version_id: Option<i64>,
}

pub async fn comment(
    State(st): State<AppState>,
    a: Authz<act::WorkOnClip>,
    Path((aid, cid)): Path<(i64, i64)>,
    FormData(f): FormData<CommentForm>,
) -> Result<Response> {
    let c = svc::NewComment {
        body: f.body,
        version_id: f.version_id,
        parent_id: f.parent_id,
        at: Some(f.at),
        until: Some(f.until),
    };
    match svc::comment(&st, &a.actor(), &a.p, &a.agency, ClipId(cid), c).await {
        Ok(id) => Ok(back(aid, cid, &format!("#c{id}"))),
        Err(e) => refused(&st, &a, cid, e, None).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct ResolveForm {
    #[serde(default)]
    pub resolved: String,
}

pub async fn resolve(
    State(st): State<AppState>,
    a: Authz<act::WorkOnClip>,
    Path((aid, cid, mid)): Path<(i64, i64, i64)>,
    FormData(f): FormData<ResolveForm>,
) -> Result<Response> {
    svc::resolve_comment(
        &st,
        &a.actor(),
        &a.p,
        &a.agency,
        ClipId(cid),
        mid,
        f.resolved == "1",
    )
    .await?;
    Ok(back(aid, cid, &format!("#c{mid}")))
}

#[derive(Debug, Deserialize)]
pub struct TickForm {
    pub item: String,
    #[serde(default)]
    pub done: String,
}

pub async fn tick(
    State(st): State<AppState>,
    a: Authz<act::WorkOnClip>,
    Path((aid, cid)): Path<(i64, i64)>,
    FormData(f): FormData<TickForm>,
) -> Result<Response> {
    match svc::tick(
        &st,
        &a.actor(),
        &a.p,
        &a.agency,
        ClipId(cid),
        &f.item,
        f.done == "1",
    )
    .await
    {
        Ok(()) => Ok(back(aid, cid, "#checklist")),
        Err(e) => refused(&st, &a, cid, e, None).await,
    }
}

// ---- Queues ------------------------------------------------------------------

pub struct QueueTab {
    pub code: &'static str,
    pub label: String,
    pub count: usize,
}

pub struct QueueRow {
    pub id: i64,
    pub title: String,
    pub state: String,
    pub state_label: String,
    pub political: bool,
    pub updated: String,
    pub publish_at: Option<String>,
}

#[derive(Template)]
#[template(path = "queue.html")]
struct QueuePage {
    l: Layout,
    aid: i64,
    tabs: Vec<QueueTab>,
    tab: &'static str,
    rows: Vec<QueueRow>,
}

#[derive(Debug, Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    pub q: Option<String>,
}

const TABS: [&str; 5] = ["mine", "review", "approve", "approved", "published"];

/// The clips of each queue for this person.
async fn queue_clips(
    st: &AppState,
    tx: &mut Tx,
    p: &Principal,
    agency: crate::domain::OrgId,
    tab: &str,
) -> Result<Vec<Clip>> {
    use ClipState as S;
    let codes = |s: &[S]| s.iter().map(|s| s.code()).collect::<Vec<_>>();
    Ok(match tab {
        "mine" => clips::in_states(
            tx,
            agency,
            &codes(&[S::Draft, S::ChangesRequested, S::CorrectionInProgress]),
            300,
        )
        .await?
        .into_iter()
        .filter(|c| c.author_id == p.user_id)
        .collect(),
        "review" => clips::in_states(tx, agency, &codes(&[S::Submitted, S::InReview]), 300).await?,
        "approve" => {
            // What the person may sign now: the same rule the approval enforces.
            let now = st.now();
            let delegation = svc::delegation_of(tx, agency, p.user_id, now).await?;
            let s = svc::settings(tx, agency).await?;
            let mut out = Vec::new();
            for c in clips::in_states(tx, agency, &codes(&[S::InReview]), 300).await? {
                let current = svc::current_version(tx, &c).await?;
                let f = svc::facts_with(tx, p, &c, current.as_ref(), &s, delegation, now).await?;
                if policy::on_clip(&f, ClipOp::Act(ClipAction::Approve)).is_ok() {
                    out.push(c);
                }
            }
            out
        }
        "approved" => {
            clips::in_states(tx, agency, &codes(&[S::Approved, S::Scheduled]), 300).await?
        }
        _ => clips::in_states(tx, agency, &codes(&[S::Published]), 300).await?,
    })
}

pub async fn queue(
    State(st): State<AppState>,
    a: Authz<act::ViewClips>,
    Query(q): Query<QueueQuery>,
) -> Result<Response> {
    let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
    let tz = a.agency.time_zone.clone();
    let mut tx = st.db.read().await?;
    let tab = TABS
        .iter()
        .copied()
        .find(|t| Some(*t) == q.q.as_deref())
        .unwrap_or("review");
    let mut tabs = Vec::new();
    let mut rows = Vec::new();
    for t in TABS {
        let list = queue_clips(&st, &mut tx, &a.p, a.agency.id, t).await?;
        tabs.push(QueueTab {
            code: t,
            label: l.tr.t(&format!("queue-{t}")),
            count: list.len(),
        });
        if t == tab {
            rows = list
                .into_iter()
                .map(|c| {
                    let s = ClipState::parse(&c.state).unwrap_or(ClipState::Draft);
                    QueueRow {
                        id: c.id.0,
                        state: s.code().into(),
                        state_label: l.tr.t(&s.message_id()),
                        political: c.political != 0,
                        updated: l.time(&c.updated_at, &tz),
                        publish_at: c.publish_at.map(|t| l.time(&t, &tz)),
                        title: c.title,
                    }
                })
                .collect();
        }
    }
    drop(tx);
    render(&QueuePage {
        aid: a.agency.id.0,
        tabs,
        tab,
        rows,
        l,
    })
}

// ---- Inbox -------------------------------------------------------------------

pub struct InboxRow {
    pub id: i64,
    pub text: String,
    pub at: String,
    pub unread: bool,
    pub href: String,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    l: Layout,
    rows: Vec<InboxRow>,
}

/// Where a notification leads: its clip, or the agency's delegations.
fn notification_href(n: &rdb::Notification) -> String {
    match n.clip_id {
        Some(c) => format!("/a/{}/clips/{}", n.agency_id, c),
        None => format!("/a/{}/delegations", n.agency_id),
    }
}

pub async fn inbox(State(st): State<AppState>, u: CurrentUser) -> Result<Response> {
    let l = Layout::build(&st, &u.ctx, None).await?;
    let mut tx = st.db.read().await?;
    let list = rdb::inbox(&mut tx, u.p.user_id, 200).await?;
    drop(tx);
    let tz = &st.config.time_zone;
    let rows = list
        .iter()
        .map(|n| InboxRow {
            id: n.id,
            text: svc::notification_text(&l.tr, n.clip_title.as_deref(), &n.kind, &n.args, tz),
            at: l.time(&n.created_at, tz),
            unread: n.read_at.is_none(),
            href: notification_href(n),
        })
        .collect();
    render(&InboxPage { l, rows })
}

/// Marks one notification read and opens what it is about.
pub async fn open_notification(
    State(st): State<AppState>,
    u: CurrentUser,
    Path(nid): Path<i64>,
) -> Result<Response> {
    let n = {
        let mut tx = st.db.read().await?;
        rdb::notification(&mut tx, u.p.user_id, nid)
            .await?
            .ok_or(Error::NotFound)?
    };
    svc::mark_read(&st, &u.p, Some(nid)).await?;
    Ok(Redirect::to(&notification_href(&n)).into_response())
}

pub async fn read_all(State(st): State<AppState>, u: CurrentUser) -> Result<Response> {
    svc::mark_read(&st, &u.p, None).await?;
    Ok(Redirect::to("/inbox").into_response())
}

// ---- Review settings ---------------------------------------------------------

pub struct PolicyRow {
    pub path: &'static str,
    pub n: usize,
    pub roles: Vec<(&'static str, String, bool)>,
    pub delegable: bool,
}

#[derive(Template)]
#[template(path = "review_settings.html")]
struct SettingsPage {
    l: Layout,
    aid: i64,
    s: svc::Settings,
    rows: Vec<PolicyRow>,
    notice: Option<String>,
}

impl SettingsPage {
    fn is_new(&self) -> bool {
        self.s.tone_style == crate::lint::ToneStyle::New
    }
    /// The roles the agency may let take clips down: (code, name, chosen).
    fn takedown_choices(&self) -> Vec<(&'static str, String, bool)> {
        policy::TAKEDOWN_OPTIONAL
            .iter()
            .map(|r| {
                (
                    r.code(),
                    self.l.tr.t(r.message_id()),
                    self.s.takedown_roles.contains(r),
                )
            })
            .collect()
    }
}

fn policy_rows(l: &Layout, s: &svc::Settings) -> Vec<PolicyRow> {
    let mut out = Vec::new();
    for (path, steps) in [
        ("political", &s.policy.political),
        ("other", &s.policy.other),
    ] {
        // Existing steps plus empty slots up to three.
        for n in 0..3.max(steps.len()) {
            let st = steps.get(n);
            out.push(PolicyRow {
                path,
                n: n + 1,
                roles: crate::domain::approval::SIGNING_ROLES
                    .iter()
                    .map(|r| {
                        (
                            r.code(),
                            l.tr.t(r.message_id()),
                            st.is_some_and(|s| s.roles.contains(r)),
                        )
                    })
                    .collect(),
                delegable: st.is_some_and(|s| s.delegable),
            });
        }
    }
    out
}

pub async fn settings_page(
    State(st): State<AppState>,
    a: Authz<act::ManageReviewSettings>,
) -> Result<Response> {
    let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
    let s = {
        let mut tx = st.db.read().await?;
        svc::settings(&mut tx, a.agency.id).await?
    };
    render(&SettingsPage {
        aid: a.agency.id.0,
        rows: policy_rows(&l, &s),
        s,
        notice: None,
        l,
    })
}

/// The settings form: policy as `political_1` = role codes, `political_1_kt`, …
pub async fn settings_save(
    State(st): State<AppState>,
    a: Authz<act::ManageReviewSettings>,
    body: axum::body::Bytes,
) -> Result<Response> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut policy = crate::domain::approval::ApprovalPolicy::default();
    for (path, steps) in [
        ("political", &mut policy.political),
        ("other", &mut policy.other),
    ] {
        steps.clear();
        for n in 1..=5 {
            let key = format!("{path}_{n}");
            let roles: Vec<Role> = pairs
                .iter()
                .filter(|(k, _)| *k == key)
                .filter_map(|(_, v)| Role::parse(v))
                .collect();
            if !roles.is_empty() {
                steps.push(Step {
                    roles,
                    delegable: !get(&format!("{key}_kt")).is_empty(),
                });
            }
        }
    }
    let s = svc::Settings {
        tone_style: if get("tone_style") == "new" {
            crate::lint::ToneStyle::New
        } else {
            crate::lint::ToneStyle::Old
        },
        approval_ttl_hours: get("approval_ttl_hours").trim().parse().unwrap_or(0),
        policy,
        checklist: get("checklist").lines().map(String::from).collect(),
        official_names: get("official_names").lines().map(String::from).collect(),
        watch_list: get("watch_list").lines().map(String::from).collect(),
        takedown_roles: pairs
            .iter()
            .filter(|(k, _)| *k == "takedown_role")
            .filter_map(|(_, v)| Role::parse(v))
            .filter(|r| policy::TAKEDOWN_OPTIONAL.contains(r))
            .collect(),
    };
    match svc::save_settings(&st, &a.actor(), a.agency.id, s.clone()).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/a/{}/review-settings", a.agency.id.0)).into_response())
        }
        Err(Error::Invalid(i)) => {
            let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
            render_status(
                axum::http::StatusCode::BAD_REQUEST,
                &SettingsPage {
                    aid: a.agency.id.0,
                    rows: policy_rows(&l, &s),
                    notice: Some(l.tr.t(i.message_id)),
                    s,
                    l,
                },
            )
        }
        Err(e) => Err(e),
    }
}

// ---- Delegations ---------------------------------------------------------------

pub struct DelegationView {
    pub id: i64,
    pub from: String,
    pub to: String,
    pub window: String,
    pub note: String,
    pub status: &'static str,
    pub can_revoke: bool,
}

#[derive(Template)]
#[template(path = "delegations.html")]
struct DelegationsPage {
    l: Layout,
    aid: i64,
    rows: Vec<DelegationView>,
    deputies: Vec<(i64, String)>,
    is_head: bool,
    notice: Option<String>,
}

async fn delegations_page(
    st: &AppState,
    a: &Authz<act::ManageDelegations>,
    notice: Option<String>,
) -> Result<DelegationsPage> {
    let l = Layout::build(st, &a.ctx, Some(&a.agency)).await?;
    let tz = &a.agency.time_zone;
    let now = st.now();
    let roles = svc::roles_in(&a.p, a.agency.id);
    let mut tx = st.db.read().await?;
    let list = rdb::delegations(&mut tx, a.agency.id).await?;
    let deputies = users::members_of(&mut tx, a.agency.id)
        .await?
        .into_iter()
        .filter(|m| m.roles.contains(&Role::Deputy) && !m.user.disabled)
        .map(|m| (m.user.id.0, m.user.display_name))
        .collect();
    drop(tx);
    let rows = list
        .into_iter()
        .map(|d| {
            let status = if d.revoked_at.is_some() {
                "revoked"
            } else if now < d.starts_at {
                "upcoming"
            } else if now < d.ends_at {
                "active"
            } else {
                "ended"
            };
            DelegationView {
                id: d.id,
                window: format!("{} – {}", l.time(&d.starts_at, tz), l.time(&d.ends_at, tz)),
                can_revoke: d.revoked_at.is_none()
                    && now < d.ends_at
                    && policy::may_revoke_delegation(&roles, d.from_user == a.p.user_id),
                from: d.from_name,
                to: d.to_name,
                note: d.note,
                status,
            }
        })
        .collect();
    Ok(DelegationsPage {
        aid: a.agency.id.0,
        rows,
        deputies,
        is_head: policy::gives_delegations(&roles),
        notice,
        l,
    })
}

pub async fn delegations(
    State(st): State<AppState>,
    a: Authz<act::ManageDelegations>,
) -> Result<Response> {
    render(&delegations_page(&st, &a, None).await?)
}

#[derive(Debug, Deserialize)]
pub struct DelegationForm {
    pub to_user: i64,
    pub starts_at: String,
    pub ends_at: String,
    #[serde(default)]
    pub note: String,
}

pub async fn delegate(
    State(st): State<AppState>,
    a: Authz<act::ManageDelegations>,
    FormData(f): FormData<DelegationForm>,
) -> Result<Response> {
    let tz = a.agency.time_zone.clone();
    let parse = |s: &str, field: &'static str| {
        crate::clock::local_datetime_ms(s, &tz)
            .ok_or_else(|| Error::from(crate::domain::Invalid::new(field, "invalid-datetime")))
    };
    let r = async {
        let req = svc::DelegationRequest {
            to_user: UserId(f.to_user),
            starts_at: parse(&f.starts_at, "starts_at")?,
            ends_at: parse(&f.ends_at, "ends_at")?,
            note: f.note.clone(),
        };
        svc::delegate(&st, &a.actor(), &a.p, &a.agency, &req).await
    }
    .await;
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/a/{}/delegations", a.agency.id.0)).into_response()),
        Err(e @ (Error::Invalid(_) | Error::Refused(_))) => {
            let tr = a.ctx.tr();
            let msg = match &e {
                Error::Invalid(i) => tr.t(i.message_id),
                Error::Refused(r) => r.message(&tr),
                _ => String::new(),
            };
            render_status(
                axum::http::StatusCode::BAD_REQUEST,
                &delegations_page(&st, &a, Some(msg)).await?,
            )
        }
        Err(e) => Err(e),
    }
}

pub async fn revoke(
    State(st): State<AppState>,
    a: Authz<act::ManageDelegations>,
    Path((aid, did)): Path<(i64, i64)>,
) -> Result<Response> {
    svc::revoke_delegation(&st, &a.actor(), &a.p, &a.agency, did).await?;
    Ok(Redirect::to(&format!("/a/{aid}/delegations")).into_response())
}

// ---- Compare -----------------------------------------------------------------

#[derive(Template)]
#[template(path = "compare.html")]
struct ComparePage {
    l: Layout,
    aid: i64,
    clip: Clip,
    /// Left and right; empty when the clip has no checked version.
    shown: Vec<VersionView>,
    all: Vec<(i64, i64)>,
}

#[derive(Debug, Deserialize)]
pub struct CompareQuery {
    pub a: Option<i64>,
    pub b: Option<i64>,
}

impl ComparePage {
    fn selected(&self, side: usize, id: &i64) -> bool {
        self.shown.get(side).is_some_and(|v| v.id == *id)
    }
    fn dur(&self, v: &VersionView) -> String {
        v.probe
            .as_ref()
            .and_then(|p| p.duration_s)
            .map(super::clips::timecode)
            .unwrap_or_else(|| "—".into())
    }
    fn res(&self, v: &VersionView) -> String {
        v.probe
            .as_ref()
            .and_then(|p| p.video.as_ref())
            .map(|x| format!("{}×{}", x.display_width, x.display_height))
            .unwrap_or_else(|| "—".into())
    }
    fn lufs(&self, v: &VersionView) -> String {
        v.qc.as_ref()
            .and_then(|q| q.integrated_lufs)
            .map(|x| format!("{x:.1} LUFS"))
            .unwrap_or_else(|| "—".into())
    }
}

pub async fn compare(
    State(st): State<AppState>,
    a: Authz<act::ViewClips>,
    Path((_, cid)): Path<(i64, i64)>,
    Query(q): Query<CompareQuery>,
) -> Result<Response> {
    let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
    let tz = a.agency.time_zone.clone();
    let mut tx = st.db.read().await?;
    let clip = clips::get(&mut tx, a.agency.id, ClipId(cid))
        .await?
        .ok_or(Error::NotFound)?;
    let versions: Vec<Version> = clips::versions_of(&mut tx, clip.id)
        .await?
        .into_iter()
        .filter(|v| v.status == "ready")
        .collect();
    drop(tx);
    // With one checked version both sides show it; with none the page says so.
    let pick = |id: Option<i64>, dflt: usize| {
        id.and_then(|i| versions.iter().find(|v| v.id.0 == i))
            .or_else(|| versions.get(dflt.min(versions.len().saturating_sub(1))))
    };
    let shown = [pick(q.a, 1), pick(q.b, 0)]
        .into_iter()
        .flatten()
        .map(|v| super::clips::view(&l, &tz, v))
        .collect();
    render(&ComparePage {
        aid: a.agency.id.0,
        shown,
        all: versions.iter().map(|v| (v.id.0, v.number)).collect(),
        clip,
        l,
    })
}

//! The review actions posted from the clip page: saving the edit form,
//! applying a lint fix, workflow actions, the edit lock, comments, resolving
//! them and ticking the checklist. A refusal shows the clip page again.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{CommentDraft, EditView};
use crate::db::clips;
use crate::domain::ClipId;
use crate::domain::workflow::ClipAction;
use crate::error::{Error, Result};
use crate::service::review::{self as svc, Edit};
use crate::state::AppState;
use crate::web::extract::{Authz, FormData, act};
use crate::web::pages::clips::clip_page;
use crate::web::pages::render_status;

pub(crate) fn back(aid: i64, cid: i64, anchor: &str) -> Response {
    Redirect::to(&format!("/a/{aid}/clips/{cid}{anchor}")).into_response()
}

/// Back to the clip page, saying what `done` did (one of
/// [`crate::web::pages::clips::DONE`]).
pub(crate) fn back_done(aid: i64, cid: i64, done: &str, anchor: &str) -> Response {
    Redirect::to(&format!("/a/{aid}/clips/{cid}?done={done}{anchor}")).into_response()
}

/// What the person typed into the form that was refused, shown again.
pub(crate) enum Typed<'a> {
    Edit(&'a Edit),
    Comment(&'a CommentForm),
}

/// Shows the clip page again with a refusal's message (status 409), and the
/// user's typed values when a save or a comment was refused. A refused
/// comment's message is shown at its form, not at the top of the page.
pub(crate) async fn refused<A>(
    st: &AppState,
    a: &Authz<A>,
    cid: i64,
    e: Error,
    typed: Option<Typed<'_>>,
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
        match typed {
            Some(Typed::Comment(c)) => {
                r.comment_draft = Some(CommentDraft {
                    body: c.body.clone(),
                    at: c.at.clone(),
                    until: c.until.clone(),
                    drawing: c.drawing.clone(),
                    error: message,
                });
            }
            Some(Typed::Edit(t)) => {
                r.notice = Some(message);
                r.form = EditView::of_edit(&page.l, t);
            }
            None => r.notice = Some(message),
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
    match svc::save(&a.caller, ClipId(cid), edit.clone()).await {
        Ok(_) => Ok(back_done(aid, cid, "save", "#edit")),
        Err(e) => refused(&st, &a, cid, e, Some(Typed::Edit(&edit))).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct CoverForm {
    pub revision: i64,
    /// Milliseconds into the clip; empty: no cover.
    #[serde(default)]
    pub cover_ms: String,
}

/// Chooses the clip's cover (a poster or the player's frame) or clears it.
pub async fn cover(
    State(st): State<AppState>,
    a: Authz<act::WorkOnClip>,
    Path((aid, cid)): Path<(i64, i64)>,
    FormData(f): FormData<CoverForm>,
) -> Result<Response> {
    let cover_ms = match f.cover_ms.trim() {
        "" => None,
        t => match t.parse::<f64>() {
            Ok(ms) if ms.is_finite() => Some(ms.round() as i64),
            _ => {
                let e = crate::domain::Invalid::new("cover_ms", "cover-out-of-range").into();
                return refused(&st, &a, cid, e, None).await;
            }
        },
    };
    let choice = svc::CoverChoice {
        revision: f.revision,
        cover_ms,
    };
    match svc::set_cover(&a.caller, ClipId(cid), choice).await {
        Ok(_) => Ok(back_done(aid, cid, "cover", "#cover")),
        Err(e) => refused(&st, &a, cid, e, None).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct CampaignForm {
    pub revision: i64,
    /// The campaign's id; empty: none.
    #[serde(default)]
    pub campaign_id: String,
}

/// Tags the clip to a campaign of its agency, or untags it.
pub async fn campaign(
    State(st): State<AppState>,
    a: Authz<act::WorkOnClip>,
    Path((aid, cid)): Path<(i64, i64)>,
    FormData(f): FormData<CampaignForm>,
) -> Result<Response> {
    let campaign_id = match f.campaign_id.trim() {
        "" => None,
        t => match t.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                let e = crate::domain::Invalid::new("campaign_id", "campaign-not-open").into();
                return refused(&st, &a, cid, e, None).await;
            }
        },
    };
    let choice = svc::CampaignChoice {
        revision: f.revision,
        campaign_id,
    };
    match svc::set_campaign(&a.caller, ClipId(cid), choice).await {
        Ok(_) => Ok(back_done(aid, cid, "campaign", "#campaign")),
        Err(e) => refused(&st, &a, cid, e, None).await,
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
    match svc::save(&a.caller, ClipId(cid), edit).await {
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
    #[serde(default)]
    pub at: String,
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
        at: Some(f.at),
    };
    match svc::act(&a.caller, ClipId(cid), action, input).await {
        Ok(_) => Ok(back_done(aid, cid, action.code(), "")),
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
    match svc::lock(&a.caller, ClipId(cid)).await {
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
    svc::unlock(&st, &a.principal, &a.agency, ClipId(cid)).await?;
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
    /// The shapes drawn on the frame, as JSON text (empty: none).
    #[serde(default)]
    pub drawing: String,
}

pub async fn comment(
    State(st): State<AppState>,
    a: Authz<act::WorkOnClip>,
    Path((aid, cid)): Path<(i64, i64)>,
    FormData(f): FormData<CommentForm>,
) -> Result<Response> {
    let c = svc::NewComment {
        body: f.body.clone(),
        version_id: f.version_id,
        parent_id: f.parent_id,
        at: Some(f.at.clone()),
        until: Some(f.until.clone()),
        drawing: Some(serde_json::Value::String(f.drawing.clone())),
    };
    match svc::comment(&a.caller, ClipId(cid), c).await {
        Ok(id) => Ok(back(aid, cid, &format!("#c{id}"))),
        // A reply's refusal is shown at the new-comment form too, with its text.
        Err(e) => refused(&st, &a, cid, e, Some(Typed::Comment(&f))).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct ResolveForm {
    #[serde(default)]
    pub resolved: String,
}

pub async fn resolve(
    State(_st): State<AppState>,
    a: Authz<act::WorkOnClip>,
    Path((aid, cid, mid)): Path<(i64, i64, i64)>,
    FormData(f): FormData<ResolveForm>,
) -> Result<Response> {
    svc::resolve_comment(&a.caller, ClipId(cid), mid, f.resolved == "1").await?;
    Ok(back(aid, cid, &format!("#c{mid}")))
}

/// The decision form: the checklist's ticks (`tick`: ticked now, `was`:
/// ticked when the page was drawn, so that only the person's own changes are
/// written) and the decision itself.
#[derive(Debug, Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    pub tick: Vec<String>,
    #[serde(default)]
    pub was: Vec<String>,
    #[serde(default)]
    pub digest: String,
    #[serde(default)]
    pub note: String,
    /// `approve`, `request_changes`, or `ticks` (only the ticks).
    #[serde(default)]
    pub decision: String,
}

/// Ticks and decision in one form: the ticks are saved first (kept even when
/// the decision is then refused), then the clip is approved or sent back.
pub async fn decide(
    State(st): State<AppState>,
    a: Authz<act::WorkOnClip>,
    Path((aid, cid)): Path<(i64, i64)>,
    FormData(f): FormData<DecideForm>,
) -> Result<Response> {
    let action = match f.decision.as_str() {
        "approve" => Some(ClipAction::Approve),
        "request_changes" => Some(ClipAction::RequestChanges),
        "ticks" | "" => None,
        _ => return Err(Error::NotFound),
    };
    let mut changes: Vec<(&str, bool)> = f
        .tick
        .iter()
        .filter(|t| !f.was.contains(t))
        .map(|t| (t.as_str(), true))
        .collect();
    changes.extend(
        f.was
            .iter()
            .filter(|t| !f.tick.contains(t))
            .map(|t| (t.as_str(), false)),
    );
    if !changes.is_empty()
        && let Err(e) = svc::set_ticks(&a.caller, ClipId(cid), &changes).await
    {
        return refused(&st, &a, cid, e, None).await;
    }
    let Some(action) = action else {
        return Ok(back_done(aid, cid, "ticks", "#decision"));
    };
    let input = svc::ActInput {
        note: Some(f.note),
        digest: Some(f.digest),
        at: None,
    };
    match svc::act(&a.caller, ClipId(cid), action, input).await {
        Ok(_) => Ok(back_done(aid, cid, action.code(), "")),
        Err(e) => refused(&st, &a, cid, e, None).await,
    }
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
    match svc::tick(&a.caller, ClipId(cid), &f.item, f.done == "1").await {
        Ok(()) => Ok(back(aid, cid, "#checklist")),
        Err(e) => refused(&st, &a, cid, e, None).await,
    }
}

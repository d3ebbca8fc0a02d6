//! The review side of the clip page, built from the clip, its versions and
//! the agency's review settings: approval steps, actions, lock, lint
//! findings, checklist, comment threads and history.

use std::collections::BTreeMap;

use super::{
    ActionButton, CheckView, CommentView, EditView, FindingView, HistoryRow, LockLine, PreviewView,
    ReviewView, Signature, StepView, Thread, field_label, platform_label, roles_label,
};
use crate::db::clips::{Clip, Version};
use crate::db::review as rdb;
use crate::db::{Tx, users};
use crate::domain::VersionStatus;
use crate::domain::approval::Step;
use crate::domain::policy;
use crate::domain::workflow::ClipAction;
use crate::domain::{Role, UserId};
use crate::error::Result;
use crate::lint::Severity;
use crate::service::accounts::Principal;
use crate::service::review as svc;
use crate::state::AppState;
use crate::web::pages::{Layout, history};

fn fps_of(v: &Version) -> Option<f64> {
    v.probe
        .as_deref()
        .and_then(|p| serde_json::from_str::<crate::media::probe::Probe>(p).ok())
        .and_then(|p| p.video.map(|v| v.avg_fps))
        .filter(|f| *f > 0.0)
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
    let state = clip.state;
    let s = svc::settings(tx, clip.agency_id).await?;
    let delegation = svc::delegation_of(tx, clip.agency_id, p.user_id, now).await?;
    let f = svc::facts_with(tx, p, clip, current, &s, delegation, now).await?;
    let may = policy::rights(&f);
    let steps_def: &[Step] = s.policy.steps(clip.political);
    let live = rdb::live_approvals(tx, clip.id).await?;
    let (outgoing, digest) = svc::content(clip, current);
    let previews = preview_views(l, &outgoing);
    let cover = cover_view(clip, current, may.edit);
    let campaign = campaign_view(tx, clip, may.edit, now).await?;
    let steps = step_views(l, steps_def, &live, tz);
    let mut actions = action_buttons(l, &may.actions);
    if may.actions.contains(&ClipAction::Approve) {
        // The decision form asks for changes beside the signature.
        actions.retain(|b| b.code != ClipAction::RequestChanges.code());
    }
    let lock = svc::lock_view(tx, clip, p.user_id, now).await?;
    let lock_line = lock.holder.map(|_| LockLine {
        name: lock.holder_name.clone().unwrap_or_default(),
        since: lock.since.map(|t| l.time(&t, tz)).unwrap_or_default(),
        stale: lock.stale,
        mine: lock.mine,
    });
    let findings = finding_views(l, clip);
    let checklist = checklist_views(tx, l, clip, current, &s.checklist, tz).await?;
    let threads = comment_threads(tx, l, clip, versions, tz).await?;
    let open_comments = threads.iter().filter(|t| !t.root.resolved).count();
    let history = history_rows(tx, l, clip, tz).await?;
    let ready: Vec<&Version> = versions
        .iter()
        .filter(|v| v.status == VersionStatus::Ready)
        .collect();
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
        previews,
        can_request_changes: may.actions.contains(&ClipAction::RequestChanges),
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
        comment_draft: None,
        done: None,
        compare,
        window: window_view(l, clip, !live.is_empty(), now, tz),
        cover,
        campaign,
    })
}

/// The campaign chooser: the agency's campaigns not yet ended, and the one
/// the clip is tagged to.
async fn campaign_view(
    tx: &mut Tx,
    clip: &Clip,
    can_edit: bool,
    now: i64,
) -> Result<super::CampaignView> {
    let all = crate::db::campaigns::of_agency(tx, clip.agency_id).await?;
    let current = clip
        .campaign_id
        .and_then(|id| all.iter().find(|c| c.id == id))
        .map(|c| (c.id, c.name.clone()));
    let options: Vec<(i64, String, bool)> = all
        .iter()
        .filter(|c| now < c.ends_at || clip.campaign_id == Some(c.id))
        .map(|c| (c.id, c.name.clone(), clip.campaign_id == Some(c.id)))
        .collect();
    Ok(super::CampaignView {
        current,
        can_choose: can_edit && !options.is_empty(),
        options,
    })
}

/// The cover chooser: the current version's posters at their times, and the
/// chosen frame.
fn cover_view(clip: &Clip, current: Option<&Version>, can_edit: bool) -> super::CoverView {
    let posters = current
        .and_then(|v| v.outputs.as_deref())
        .and_then(|o| serde_json::from_str::<crate::ingest::Outputs>(o).ok())
        .map_or(0, |o| o.posters.len());
    let times = current
        .and_then(Version::duration_s)
        .map(|d| crate::media::qc::poster_times_ms(d, posters as u32))
        .unwrap_or_default();
    let options: Vec<super::CoverOption> = times
        .into_iter()
        .enumerate()
        .map(|(i, ms)| super::CoverOption {
            index: i + 1,
            ms: ms as i64,
            chosen: clip.cover_ms == Some(ms as i64),
        })
        .collect();
    super::CoverView {
        chosen_ms: clip.cover_ms,
        chosen_at: clip
            .cover_ms
            .map(|ms| crate::web::pages::clips::timecode(ms as f64 / 1000.0))
            .unwrap_or_default(),
        from_player: clip.cover_ms.is_some() && !options.iter().any(|o| o.chosen),
        options,
        can_choose: can_edit && current.is_some(),
        revision: clip.revision,
    }
}

/// The clip's publish window as the page shows it: in words, and the bounds
/// of a time chosen inside it (a minute ahead of now at the earliest).
fn window_view(l: &Layout, clip: &Clip, signed: bool, now: i64, tz: &str) -> super::WindowView {
    let input = |ms: i64| crate::clock::datetime_input(ms, tz);
    let earliest = clip.publish_at.unwrap_or(now).max(now + 60_000);
    let text = match (clip.publish_at, clip.publish_until) {
        (_, None) => l.tr.t("window-none"),
        (None, Some(u)) => l.tr.t1("window-until", "until", &l.time(&u, tz)),
        (Some(a), Some(u)) => l.tr.t_args(
            "window-from-until",
            &[("from", l.time(&a, tz)), ("until", l.time(&u, tz))],
        ),
    };
    super::WindowView {
        text,
        min: input(earliest),
        max: clip
            .publish_until
            .map(|u| input(u - 60_000))
            .unwrap_or_default(),
        pick: input(clip.scheduled_at.unwrap_or(earliest)),
        signed,
        scheduled: clip
            .scheduled_at
            .filter(|_| clip.state == crate::domain::ClipState::Scheduled)
            .map(|t| l.time(&t, tz)),
    }
}

/// The approval steps of the clip's policy, each with its live signature.
fn step_views(l: &Layout, steps_def: &[Step], live: &[rdb::Approval], tz: &str) -> Vec<StepView> {
    steps_def
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
        .collect()
}

/// The post on each platform the clip targets, built by the one text
/// builder the publisher uses, with the counters of each limited part.
fn preview_views(l: &Layout, o: &crate::domain::approval::Outgoing) -> Vec<PreviewView> {
    use crate::platforms::text::{self, Part, Unit};
    let content = o.content();
    let cover_chosen = o.cover_ms.is_some();
    o.channels
        .iter()
        .filter_map(|c| crate::platforms::Platform::parse(c))
        .map(|p| {
            let t = text::build(&content, p);
            let counts = text::rules()
                .counts(p, &t)
                .into_iter()
                .map(|c| {
                    let part = match c.part {
                        Part::Title => "preview-title",
                        Part::Description => "preview-description",
                        Part::Tags => "preview-tags",
                    };
                    let unit = match c.unit {
                        Unit::Chars => "preview-unit-chars",
                        Unit::Utf16 => "preview-unit-utf16",
                        Unit::Bytes => "preview-unit-bytes",
                    };
                    let share = (c.used * 100).checked_div(c.max).unwrap_or(0);
                    let text = format!("{} / {} {}", c.used, c.max, l.tr.t(unit));
                    (l.tr.t(part), text, share.min(100), c.used > c.max)
                })
                .collect();
            PreviewView {
                platform: p.as_str().to_string(),
                label: p.label().to_string(),
                title: (p != crate::platforms::Platform::TikTok).then(|| t.title.clone()),
                description: t.description.clone(),
                tags: t.tags.clone(),
                counts,
                cover_note: l.tr.t(match (p.takes_cover(), cover_chosen) {
                    (true, true) => "preview-cover-sent",
                    (true, false) if p == crate::platforms::Platform::Zalo => "preview-cover-first",
                    (true, false) => "preview-cover-platform",
                    (false, true) => "preview-cover-not-sent",
                    (false, false) => "preview-cover-platform",
                }),
            }
        })
        .collect()
}

/// The workflow actions the person may take here as buttons.
fn action_buttons(l: &Layout, actions: &[ClipAction]) -> Vec<ActionButton> {
    // Approving, publishing and taking down have their own forms.
    actions
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
        .collect()
}

/// The lint findings on the clip's texts.
fn finding_views(l: &Layout, clip: &Clip) -> Vec<FindingView> {
    svc::findings(clip)
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
        .collect()
}

/// The agency's checklist with the current version's ticks.
async fn checklist_views(
    tx: &mut Tx,
    l: &Layout,
    clip: &Clip,
    current: Option<&Version>,
    items: &[String],
    tz: &str,
) -> Result<Vec<CheckView>> {
    let ticks = match current {
        Some(v) => rdb::ticks(tx, clip.id, v.id).await?,
        None => vec![],
    };
    Ok(svc::checklist(items, &ticks)
        .into_iter()
        .map(|(item, t)| CheckView {
            item: item.to_string(),
            label: svc::item_label(item).to_string(),
            carries: svc::carries_over(item),
            by: t.map(|t| t.user_name.clone()),
            at: t.map(|t| l.time(&t.at, tz)).unwrap_or_default(),
        })
        .collect())
}

/// The clip's comment threads: pinned ones in video order, then the general
/// ones.
async fn comment_threads(
    tx: &mut Tx,
    l: &Layout,
    clip: &Clip,
    versions: &[Version],
    tz: &str,
) -> Result<Vec<Thread>> {
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
        drawing: c.drawing().map(|d| (d.to_json(), d.shapes().len())),
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
    Ok(threads)
}

/// The clip's audit history, newest first, each by the person's name as
/// the agency knows them (the system's own steps named as such).
async fn history_rows(tx: &mut Tx, l: &Layout, clip: &Clip, tz: &str) -> Result<Vec<HistoryRow>> {
    let entries = rdb::clip_history(tx, clip.agency_id, clip.id).await?;
    let names = history::names(tx, &entries).await?;
    Ok(entries
        .iter()
        .rev()
        .map(|e| HistoryRow {
            at: l.time(&e.at, tz),
            actor: history::actor(l, e, &names),
            label: history::label(l, e),
            details: history::details(l, e),
        })
        .collect())
}

//! The values the review side of the clip page shows: state, actions,
//! approval steps, lint findings, checklist, comments, history and the edit
//! form.

use super::platform_label;
use crate::db::clips::Clip;
use crate::service::review::{self as svc, Edit, platform_codes};
use crate::web::pages::Layout;

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
    /// The item as written in the settings (what a tick names).
    pub item: String,
    /// The item as people read it.
    pub label: String,
    /// Its tick carries over to a new version.
    pub carries: bool,
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
    /// The shapes drawn on the frame (compact JSON) and how many.
    pub drawing: Option<(String, usize)>,
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

/// The publish window the approver signs, and the time chosen inside it.
pub struct WindowView {
    /// The window in words ("from … to before …").
    pub text: String,
    /// The earliest and latest times a schedule may pick (date-time inputs).
    pub min: String,
    pub max: String,
    /// What the schedule form starts with.
    pub pick: String,
    /// Whether signatures stand on the window now (moving it voids them).
    pub signed: bool,
    /// The time chosen, once scheduled.
    pub scheduled: Option<String>,
}

/// A refused comment: what was typed, and why it was refused.
pub struct CommentDraft {
    pub body: String,
    pub at: String,
    pub until: String,
    /// The shapes drawn, as posted (JSON text), to draw them again.
    pub drawing: String,
    pub error: String,
}

pub struct LockLine {
    pub name: String,
    pub since: String,
    pub stale: bool,
    pub mine: bool,
}

/// How a post will read on one platform: the exact text it receives, with
/// each limited part's count against its limit.
pub struct PreviewView {
    pub platform: String,
    pub label: String,
    /// The post's title, where the platform takes one.
    pub title: Option<String>,
    pub description: String,
    /// YouTube's keyword tags.
    pub tags: Vec<String>,
    /// (part label, "used / max unit", share used 0–100, over the limit)
    pub counts: Vec<(String, String, u64, bool)>,
    /// What becomes of the cover on this platform, in words.
    pub cover_note: String,
}

/// One poster offered as the cover.
pub struct CoverOption {
    /// 1-based, as the poster's address numbers it.
    pub index: usize,
    pub ms: i64,
    pub chosen: bool,
}

/// The cover: what is chosen and what may be.
pub struct CoverView {
    pub chosen_ms: Option<i64>,
    /// The chosen frame's time, as the player shows it.
    pub chosen_at: String,
    pub options: Vec<CoverOption>,
    /// The chosen frame is none of the posters (taken from the player).
    pub from_player: bool,
    pub can_choose: bool,
    pub revision: i64,
}

impl CoverView {
    /// The poster at 0-based `i` as a choice.
    pub fn option(&self, i: &usize) -> Option<&CoverOption> {
        self.options.get(*i)
    }
}

/// The campaign the clip is made for, and those it may be tagged to.
pub struct CampaignView {
    pub current: Option<(i64, String)>,
    /// (id, name, chosen): the agency's campaigns not yet ended, and the
    /// current one.
    pub options: Vec<(i64, String, bool)>,
    pub can_choose: bool,
}

pub struct ReviewView {
    pub state: String,
    pub state_label: String,
    pub actions: Vec<ActionButton>,
    pub can_approve: bool,
    /// The post on each target platform, as it will read.
    pub previews: Vec<PreviewView>,
    /// The person may ask for changes (shown with the decision).
    pub can_request_changes: bool,
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
    /// A refused comment, shown again at its form.
    pub comment_draft: Option<CommentDraft>,
    /// What the last action did (after a redirect), in words.
    pub done: Option<String>,
    pub compare: Option<(i64, i64)>,
    pub window: WindowView,
    pub cover: CoverView,
    pub campaign: CampaignView,
}

impl EditView {
    pub fn of_clip(l: &Layout, c: &Clip, tz: &str) -> EditView {
        EditView::of_edit(l, &svc::edit_of_clip(c, tz))
    }

    pub(super) fn of_edit(l: &Layout, e: &Edit) -> EditView {
        EditView {
            revision: e.revision,
            title: e.title.clone(),
            caption: e.caption.clone(),
            category: e.category.clone(),
            variants: platform_codes()
                .map(|p| Choice {
                    code: p,
                    label: platform_label(l, p),
                    value: e.variants.get(p).cloned().unwrap_or_default(),
                    checked: false,
                })
                .collect(),
            hashtags: e.hashtags.clone(),
            political: e.political,
            channels: platform_codes()
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

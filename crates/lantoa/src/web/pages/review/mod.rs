//! The review side of the clip page (state, actions, approvals, checklist,
//! comments, lint findings, edit form, history) and the review pages: queues,
//! inbox, agency review settings, delegations and version comparison. One
//! file per page or close group of pages; the handlers and views are
//! re-exported here, where the route table and the clip page find them.

mod actions;
mod clip;
mod compare;
mod delegations;
mod export;
mod inbox;
mod queue;
mod settings;
mod view;

pub use actions::{
    ActForm, ApplyForm, CommentForm, CoverForm, DecideForm, EditForm, ResolveForm, TickForm,
    act_on, apply_fix, campaign, comment, cover, decide, lock, resolve, save, tick, unlock,
};
pub(crate) use actions::{back, back_done, refused};
pub use clip::review_view;
pub use compare::{CompareQuery, compare};
pub use delegations::{DelegationForm, DelegationView, delegate, delegations, revoke};
pub use inbox::{InboxRow, inbox, open_notification, read_all};
pub(crate) use queue::queue_clips;
pub use queue::{QueueQuery, QueueRow, QueueTab, queue};
pub use settings::{PolicyRow, settings_page, settings_save};
pub use view::{
    ActionButton, CampaignView, CheckView, Choice, CommentDraft, CommentView, CoverOption,
    CoverView, EditView, FindingView, HistoryRow, LockLine, PreviewView, ReviewView, Signature,
    StepView, Thread, WindowView,
};

use super::Layout;
use crate::domain::Role;
use crate::service::review as svc;
use crate::web::{Routes, Scope};

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

/// This area's routes, each with who may reach it.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    use Scope::*;
    r.post("/a/{aid}/clips/{cid}/edit", Agency, save)
        .post("/a/{aid}/clips/{cid}/cover", Agency, cover)
        .post("/a/{aid}/clips/{cid}/campaign", Agency, campaign)
        .post("/a/{aid}/clips/{cid}/lock", Agency, lock)
        .post("/a/{aid}/clips/{cid}/unlock", Agency, unlock)
        .post("/a/{aid}/clips/{cid}/act/{action}", Agency, act_on)
        .post("/a/{aid}/clips/{cid}/comments", Agency, comment)
        .get(
            "/a/{aid}/clips/{cid}/comments.csv",
            Agency,
            export::comments_csv,
        )
        .get(
            "/a/{aid}/clips/{cid}/comments.txt",
            Agency,
            export::comments_text,
        )
        .post(
            "/a/{aid}/clips/{cid}/comments/{mid}/resolve",
            Agency,
            resolve,
        )
        .post("/a/{aid}/clips/{cid}/checklist", Agency, tick)
        .post("/a/{aid}/clips/{cid}/decide", Agency, decide)
        .post("/a/{aid}/clips/{cid}/lint/apply", Agency, apply_fix)
        .get("/a/{aid}/clips/{cid}/compare", Agency, compare)
        .get("/a/{aid}/queue", Agency, queue)
        .get("/a/{aid}/review-settings", Agency, settings_page)
        .post("/a/{aid}/review-settings", Agency, settings_save)
        .get("/a/{aid}/delegations", Agency, delegations)
        .post("/a/{aid}/delegations", Agency, delegate)
        .post("/a/{aid}/delegations/{did}/revoke", Agency, revoke)
        .get("/inbox", User, inbox)
        .post("/inbox/read", User, read_all)
        .post("/inbox/{nid}/open", User, open_notification)
}

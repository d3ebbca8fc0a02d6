//! Editorial review and approval: editing what goes out, the state machine's
//! transitions, comments, the checklist, approvals bound to a digest of the
//! content, delegations (K/T), the agency's review settings and the inbox.
//!
//! Every operation here runs in one write transaction with its audit entries
//! and notifications. State changes go only through [`transition`], which
//! consults the table in `domain::workflow`.

mod approval;
mod comments;
mod cover;
mod delegations;
mod editing;
mod inbox;
mod locks;
mod notify;
mod outgoing;
mod settings;
mod signable;
mod subtitles;
mod transitions;

pub use approval::{
    FieldFinding, approve, expire_approvals, findings, lint_errors, platform_findings,
    stored_findings,
};
pub use comments::{
    NewComment, carries_over, carry_ticks, checklist, comment, format_frame, item_label,
    parse_timecode, resolve_comment, set_ticks, tick,
};
pub use cover::{CampaignChoice, CoverChoice, frame as cover_frame, set_campaign, set_cover};
pub use delegations::{DelegationRequest, delegate, delegation_of, revoke_delegation};
pub use editing::{Edit, Saved, edit_of_clip, lint_fields, prepare_new_clip, save};
pub use inbox::{field_label, mark_read, notification_link, notification_text, send_mail};
pub use locks::{LockView, lock, lock_view, unlock};
pub use outgoing::{
    content, current_digest, current_version, outgoing, verify_for_channel, verify_publishable,
};
pub use settings::{Settings, save_settings, settings};
pub use signable::awaiting_signature;
pub use subtitles::{
    CueIssue, TrackEdit, TrackSaved, TrackState, check_approvable as check_subtitles,
    clip_and_version, duration_ms, issues as subtitle_issues, parse_file as parse_subtitles,
    save_track, tracks as subtitle_tracks, tracks_of as subtitle_tracks_of,
};
pub use transitions::{
    ActInput, act, authors, facts, on_version_checked, reschedule, rights, version_arrived,
};

pub(crate) use notify::{members_with, notify_users};
pub(crate) use transitions::{
    enforce, enforce_now, facts_with, load, system_actor, transition, void,
};

// Only the message coverage test names it from outside.
#[cfg(test)]
pub(crate) use approval::platform_refusal;

use crate::domain::{OrgId, Role};
use crate::service::accounts::Principal;

/// The codes of the channel kinds a clip can target (the channels themselves
/// come with publishing): the platforms in their order, then the outlet.
pub fn platform_codes() -> impl Iterator<Item = &'static str> {
    crate::domain::outlet::target_codes()
}

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

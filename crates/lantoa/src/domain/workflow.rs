//! The clip's states and the one table of transitions between them.
//!
//! Every change of a clip's state goes through [`transition`]: it looks the
//! (state, action) pair up in [`TABLE`], checks who is asking, and returns the
//! next state or a refusal that names the current state and who may act. The
//! action list follows the shape of mature newsroom systems (Superdesk's submit,
//! send back, publish, spike/unspike, correct, take down), with Lantoa's approval
//! step in the middle.

use serde::{Deserialize, Serialize};

use super::Role;

/// Where a clip is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClipState {
    /// Being written and uploaded by its author.
    Draft,
    /// Sent for review; the current version's media checks are still running.
    Submitted,
    /// Checked and waiting for reviewers and approvers.
    InReview,
    /// Sent back to the author with comments.
    ChangesRequested,
    /// Every approval the policy requires is collected for the exact content.
    Approved,
    /// Approved and waiting for its publish time.
    Scheduled,
    Published,
    /// Archived; restorable to a draft. Never publishable as it is.
    Spiked,
    /// A published clip whose correction is being prepared.
    CorrectionInProgress,
    /// Removed from the channels after publication.
    TakenDown,
}

/// A state equals its stored code ("published"), as rows and requests spell it.
impl PartialEq<&str> for ClipState {
    fn eq(&self, code: &&str) -> bool {
        self.code() == *code
    }
}

impl ClipState {
    pub const ALL: [ClipState; 10] = [
        ClipState::Draft,
        ClipState::Submitted,
        ClipState::InReview,
        ClipState::ChangesRequested,
        ClipState::Approved,
        ClipState::Scheduled,
        ClipState::Published,
        ClipState::Spiked,
        ClipState::CorrectionInProgress,
        ClipState::TakenDown,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ClipState::Draft => "draft",
            ClipState::Submitted => "submitted",
            ClipState::InReview => "in_review",
            ClipState::ChangesRequested => "changes_requested",
            ClipState::Approved => "approved",
            ClipState::Scheduled => "scheduled",
            ClipState::Published => "published",
            ClipState::Spiked => "spiked",
            ClipState::CorrectionInProgress => "correction_in_progress",
            ClipState::TakenDown => "taken_down",
        }
    }

    pub fn parse(s: &str) -> Option<ClipState> {
        ClipState::ALL.into_iter().find(|c| c.code() == s)
    }

    /// The `.ftl` id of the state's name.
    pub fn message_id(self) -> String {
        format!("state-{}", self.code())
    }

    /// Whether what would go out (text, channels, time) may still be edited.
    /// Editing an approved or scheduled clip voids its approvals.
    pub fn is_editable(self) -> bool {
        matches!(
            self,
            ClipState::Draft
                | ClipState::Submitted
                | ClipState::InReview
                | ClipState::ChangesRequested
                | ClipState::Approved
                | ClipState::Scheduled
                | ClipState::CorrectionInProgress
        )
    }

    /// Whether an upload may become the clip's current version (a published clip
    /// needs a correction started first; a spiked one restoring).
    pub fn takes_new_versions(self) -> bool {
        !matches!(
            self,
            ClipState::Published | ClipState::Spiked | ClipState::TakenDown
        )
    }

    /// Whether approvals may exist in this state (and must be voided on a change).
    pub fn holds_approvals(self) -> bool {
        matches!(
            self,
            ClipState::InReview | ClipState::Approved | ClipState::Scheduled
        )
    }
}

/// Something done to a clip that may change its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClipAction {
    /// Send for review.
    Submit,
    /// The current version's checks finished and it is usable (system).
    ChecksPassed,
    /// The current version's checks found it unusable (system).
    ChecksFailed,
    /// A new version was uploaded to a clip under review (by whoever uploaded it).
    NewVersion,
    /// Take back from review to keep working on it.
    Withdraw,
    RequestChanges,
    /// The last approval the policy requires (earlier ones do not change state).
    Approve,
    /// What would go out changed after approval (system).
    Void,
    /// An approval was not used in time (system).
    Expire,
    Schedule,
    Unschedule,
    /// A publisher confirmed the post (system; the publishing worker).
    Publish,
    Spike,
    Unspike,
    StartCorrection,
    TakeDown,
}

impl ClipAction {
    pub const ALL: [ClipAction; 16] = [
        ClipAction::Submit,
        ClipAction::ChecksPassed,
        ClipAction::ChecksFailed,
        ClipAction::NewVersion,
        ClipAction::Withdraw,
        ClipAction::RequestChanges,
        ClipAction::Approve,
        ClipAction::Void,
        ClipAction::Expire,
        ClipAction::Schedule,
        ClipAction::Unschedule,
        ClipAction::Publish,
        ClipAction::Spike,
        ClipAction::Unspike,
        ClipAction::StartCorrection,
        ClipAction::TakeDown,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ClipAction::Submit => "submit",
            ClipAction::ChecksPassed => "checks_passed",
            ClipAction::ChecksFailed => "checks_failed",
            ClipAction::NewVersion => "new_version",
            ClipAction::Withdraw => "withdraw",
            ClipAction::RequestChanges => "request_changes",
            ClipAction::Approve => "approve",
            ClipAction::Void => "void",
            ClipAction::Expire => "expire",
            ClipAction::Schedule => "schedule",
            ClipAction::Unschedule => "unschedule",
            ClipAction::Publish => "publish",
            ClipAction::Spike => "spike",
            ClipAction::Unspike => "unspike",
            ClipAction::StartCorrection => "start_correction",
            ClipAction::TakeDown => "take_down",
        }
    }

    pub fn parse(s: &str) -> Option<ClipAction> {
        ClipAction::ALL.into_iter().find(|a| a.code() == s)
    }

    pub fn message_id(self) -> String {
        format!("action-{}", self.code())
    }
}

/// Who may perform a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// The clip's author, or anyone holding one of the roles.
    AuthorOr(&'static [Role]),
    /// Anyone holding one of the roles.
    Roles(&'static [Role]),
    /// Whoever the agency's approval policy names for the next step (checked by
    /// the review service against the policy data).
    ApprovalPolicy,
    /// Lantoa itself (checks, voiding, expiry, the publisher), never a person.
    System,
}

/// One row of the transition table.
#[derive(Debug, Clone, Copy)]
pub struct Transition {
    pub from: ClipState,
    pub action: ClipAction,
    pub to: ClipState,
    pub who: Who,
}

// Who may ask for each move: the groups of roles defined in `policy`.
use super::policy::{PUBLISHERS as SCHEDULERS, REVIEWERS, WRITERS};

macro_rules! table {
    ($( $from:ident $action:ident $to:ident $who:expr ;)*) => {
        /// Every allowed change of state. Nothing else changes a clip's state.
        pub const TABLE: &[Transition] = &[$(
            Transition {
                from: ClipState::$from,
                action: ClipAction::$action,
                to: ClipState::$to,
                who: $who,
            },
        )*];
    };
}

table! {
    Draft                Submit           Submitted            Who::AuthorOr(REVIEWERS);
    ChangesRequested     Submit           Submitted            Who::AuthorOr(REVIEWERS);
    CorrectionInProgress Submit           Submitted            Who::AuthorOr(REVIEWERS);
    Submitted            ChecksPassed     InReview             Who::System;
    Submitted            ChecksFailed     Draft                Who::System;
    ChangesRequested     NewVersion       Submitted            Who::Roles(WRITERS);
    InReview             NewVersion       Submitted            Who::Roles(WRITERS);
    Approved             NewVersion       Submitted            Who::Roles(WRITERS);
    Scheduled            NewVersion       Submitted            Who::Roles(WRITERS);
    Submitted            Withdraw         Draft                Who::AuthorOr(REVIEWERS);
    InReview             Withdraw         Draft                Who::AuthorOr(REVIEWERS);
    InReview             RequestChanges   ChangesRequested     Who::Roles(REVIEWERS);
    Approved             RequestChanges   ChangesRequested     Who::Roles(REVIEWERS);
    InReview             Approve          Approved             Who::ApprovalPolicy;
    Approved             Void             InReview             Who::System;
    Scheduled            Void             InReview             Who::System;
    Approved             Expire           InReview             Who::System;
    Scheduled            Expire           InReview             Who::System;
    Approved             Schedule         Scheduled            Who::Roles(SCHEDULERS);
    Scheduled            Unschedule       Approved             Who::Roles(SCHEDULERS);
    Approved             Publish          Published            Who::System;
    Scheduled            Publish          Published            Who::System;
    Draft                Spike            Spiked               Who::AuthorOr(REVIEWERS);
    Submitted            Spike            Spiked               Who::Roles(REVIEWERS);
    InReview             Spike            Spiked               Who::Roles(REVIEWERS);
    ChangesRequested     Spike            Spiked               Who::AuthorOr(REVIEWERS);
    Approved             Spike            Spiked               Who::Roles(REVIEWERS);
    Scheduled            Spike            Spiked               Who::Roles(REVIEWERS);
    Spiked               Unspike          Draft                Who::AuthorOr(REVIEWERS);
    Published            StartCorrection  CorrectionInProgress Who::Roles(REVIEWERS);
    // Takedown is asked for by a person, but who may ask is the agency's
    // policy (`service::publish::take_down`), which then moves the clip.
    Published            TakeDown         TakenDown            Who::System;
    CorrectionInProgress TakeDown         TakenDown            Who::System;
}

/// Who is asking, as far as the table is concerned.
#[derive(Debug, Clone, Copy)]
pub enum Requester<'a> {
    /// A person with these roles in the clip's agency.
    Person {
        roles: &'a [Role],
        is_author: bool,
    },
    System,
}

/// Why the table refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denied {
    /// The action does not apply in this state at all.
    NotInState {
        state: ClipState,
        action: ClipAction,
        /// The states the action applies in.
        allowed_from: Vec<ClipState>,
    },
    /// The action applies, but not for this requester.
    NotYours { state: ClipState, who: Who },
}

/// The row for an action in a state, if any.
pub fn row(from: ClipState, action: ClipAction) -> Option<&'static Transition> {
    TABLE.iter().find(|t| t.from == from && t.action == action)
}

/// Whether `who` admits the requester.
pub fn admits(who: Who, req: Requester<'_>) -> bool {
    match (who, req) {
        (Who::System, Requester::System) => true,
        (Who::System, Requester::Person { .. }) | (_, Requester::System) => false,
        (
            Who::AuthorOr(roles),
            Requester::Person {
                roles: held,
                is_author,
            },
        ) => {
            (is_author && held.iter().any(|r| WRITERS.contains(r)))
                || held.iter().any(|r| roles.contains(r))
        }
        (Who::Roles(roles), Requester::Person { roles: held, .. }) => {
            held.iter().any(|r| roles.contains(r))
        }
        // Membership of the approving roles is decided with the policy data; here,
        // only people who can review at all pass.
        (Who::ApprovalPolicy, Requester::Person { roles: held, .. }) => {
            held.iter().any(|r| REVIEWERS.contains(r))
        }
    }
}

/// The state `action` leads to from `from` for `req`, or why not.
pub fn transition(
    from: ClipState,
    action: ClipAction,
    req: Requester<'_>,
) -> Result<ClipState, Denied> {
    let Some(t) = row(from, action) else {
        return Err(Denied::NotInState {
            state: from,
            action,
            allowed_from: TABLE
                .iter()
                .filter(|t| t.action == action)
                .map(|t| t.from)
                .collect(),
        });
    };
    if admits(t.who, req) {
        Ok(t.to)
    } else {
        Err(Denied::NotYours {
            state: from,
            who: t.who,
        })
    }
}

/// The roles named by `who`, for messages ("who may act").
pub fn roles_of(who: Who) -> &'static [Role] {
    match who {
        Who::AuthorOr(r) | Who::Roles(r) => r,
        Who::ApprovalPolicy => REVIEWERS,
        Who::System => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_state_action_pair_has_at_most_one_row() {
        for (i, a) in TABLE.iter().enumerate() {
            for b in &TABLE[i + 1..] {
                assert!(
                    !(a.from == b.from && a.action == b.action),
                    "duplicate row {:?} {:?}",
                    a.from,
                    a.action
                );
            }
        }
    }

    #[test]
    fn codes_round_trip() {
        for s in ClipState::ALL {
            assert_eq!(ClipState::parse(s.code()), Some(s));
        }
        for a in ClipAction::ALL {
            assert_eq!(ClipAction::parse(a.code()), Some(a));
        }
    }

    #[test]
    fn every_state_is_reachable_from_draft() {
        let mut seen = vec![ClipState::Draft];
        let mut i = 0;
        while i < seen.len() {
            let from = seen[i];
            for t in TABLE.iter().filter(|t| t.from == from) {
                if !seen.contains(&t.to) {
                    seen.push(t.to);
                }
            }
            i += 1;
        }
        for s in ClipState::ALL {
            assert!(seen.contains(&s), "{s:?} unreachable");
        }
    }

    #[test]
    fn only_the_system_publishes_and_only_from_approval() {
        for t in TABLE.iter().filter(|t| t.to == ClipState::Published) {
            assert_eq!(t.who, Who::System);
            assert!(matches!(t.from, ClipState::Approved | ClipState::Scheduled));
        }
        for t in TABLE.iter().filter(|t| t.to == ClipState::Approved) {
            assert!(
                t.who == Who::ApprovalPolicy || t.from == ClipState::Scheduled,
                "{t:?} reaches approved without the policy"
            );
        }
    }

    #[test]
    fn spiked_clips_only_come_back_as_drafts() {
        let out: Vec<_> = TABLE
            .iter()
            .filter(|t| t.from == ClipState::Spiked)
            .collect();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].to, ClipState::Draft);
    }

    #[test]
    fn refusals_name_the_state_and_who() {
        let r = transition(
            ClipState::Draft,
            ClipAction::Approve,
            Requester::Person {
                roles: &[Role::Head],
                is_author: false,
            },
        );
        assert_eq!(
            r,
            Err(Denied::NotInState {
                state: ClipState::Draft,
                action: ClipAction::Approve,
                allowed_from: vec![ClipState::InReview]
            })
        );
        let r = transition(
            ClipState::InReview,
            ClipAction::RequestChanges,
            Requester::Person {
                roles: &[Role::Reporter],
                is_author: true,
            },
        );
        assert!(matches!(r, Err(Denied::NotYours { .. })));
        // A person can never act as the system.
        let r = transition(
            ClipState::Approved,
            ClipAction::Publish,
            Requester::Person {
                roles: &[Role::Head, Role::AgencyAdmin],
                is_author: false,
            },
        );
        assert!(matches!(r, Err(Denied::NotYours { .. })));
    }

    #[test]
    fn authors_submit_their_own_but_not_others() {
        let mine = Requester::Person {
            roles: &[Role::Reporter],
            is_author: true,
        };
        let theirs = Requester::Person {
            roles: &[Role::Reporter],
            is_author: false,
        };
        assert_eq!(
            transition(ClipState::Draft, ClipAction::Submit, mine),
            Ok(ClipState::Submitted)
        );
        assert!(transition(ClipState::Draft, ClipAction::Submit, theirs).is_err());
        // An analyst who is somehow the author still cannot submit: not a writer.
        let analyst = Requester::Person {
            roles: &[Role::Analyst],
            is_author: true,
        };
        assert!(transition(ClipState::Draft, ClipAction::Submit, analyst).is_err());
    }
}

//! Who may do what: the one place that decides authorisation.
//!
//! Two levels, both here and nowhere else:
//! - in an agency: every request that touches agency data is checked through
//!   the web layer's `Authz` extractor, from (user, agency, role, [`Action`]).
//!   Adding an action means adding one row to [`Action::allowed_roles`];
//! - on one clip: [`on_clip`] answers whether a person may do a [`ClipOp`] to a
//!   clip now, from the facts of that clip ([`ClipFacts`]). The services enforce
//!   its answer and the pages and the API render [`rights`], so what is shown
//!   and what is allowed cannot drift apart.
//!
//! The groups of roles ([`WRITERS`], [`REVIEWERS`] …) are defined once, here;
//! the workflow table and the approval policy name them.

use serde::{Deserialize, Serialize};

use super::approval::{self, Capacity, Delegation, SignDenied, Signer, Step};
use super::workflow::{self, ClipAction, ClipState, Requester};

/// A role a user holds in one organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Reporter,
    Editor,
    Head,
    Deputy,
    Analyst,
    AgencyAdmin,
    /// Held in the overseeing body: read access to every agency of that body.
    Overseer,
}

impl Role {
    /// Roles held in an agency, in the order the interface lists them.
    pub const AGENCY_ROLES: [Role; 6] = [
        Role::Reporter,
        Role::Editor,
        Role::Head,
        Role::Deputy,
        Role::Analyst,
        Role::AgencyAdmin,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Reporter => "reporter",
            Role::Editor => "editor",
            Role::Head => "head",
            Role::Deputy => "deputy",
            Role::Analyst => "analyst",
            Role::AgencyAdmin => "agency_admin",
            Role::Overseer => "overseer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "reporter" => Role::Reporter,
            "editor" => Role::Editor,
            "head" => Role::Head,
            "deputy" => Role::Deputy,
            "analyst" => Role::Analyst,
            "agency_admin" => Role::AgencyAdmin,
            "overseer" => Role::Overseer,
            _ => return None,
        })
    }

    /// The `.ftl` message id of the role's name.
    pub fn message_id(self) -> &'static str {
        match self {
            Role::Reporter => "role-reporter",
            Role::Editor => "role-editor",
            Role::Head => "role-head",
            Role::Deputy => "role-deputy",
            Role::Analyst => "role-analyst",
            Role::AgencyAdmin => "role-agency_admin",
            Role::Overseer => "role-overseer",
        }
    }
}

// ---- Groups of roles ---------------------------------------------------------

/// Upload clips, edit and submit their own.
pub const WRITERS: &[Role] = &[Role::Reporter, Role::Editor, Role::Head, Role::Deputy];
/// Edit anyone's clip, tick the checklist, send back, spike and restore; sign
/// where the approval policy names them.
pub const REVIEWERS: &[Role] = &[Role::Editor, Role::Head, Role::Deputy];
/// Schedule and publish approved clips, retry a failed channel, confirm a post
/// removed by hand.
pub const PUBLISHERS: &[Role] = &[Role::Editor, Role::Head, Role::Deputy, Role::Analyst];
/// Take over a colleague's stale edit lock.
pub const LOCK_TAKERS: &[Role] = &[Role::Editor, Role::Head];
/// The roles an agency may add to those who take clips down (the head, and a
/// deputy holding a delegation, always may).
pub const TAKEDOWN_OPTIONAL: &[Role] = &[Role::Editor, Role::Deputy];
/// Connect and disconnect channels; told when one needs reconnecting.
pub const CHANNEL_MANAGERS: &[Role] = &[Role::Head, Role::AgencyAdmin];
/// Offer the agency's approved clips to the network.
pub const SHARERS: &[Role] = &[Role::Editor, Role::Head, Role::AgencyAdmin];
/// Told at once when a clip taken from another agency is taken down there.
pub const SOURCE_WATCHERS: &[Role] = &[Role::Editor, Role::Head, Role::Deputy];
/// Work on clips at all: comment, and reach the clip's actions.
pub const CLIP_WORKERS: &[Role] = &[
    Role::Reporter,
    Role::Editor,
    Role::Head,
    Role::Deputy,
    Role::Analyst,
];

fn holds(roles: &[Role], group: &[Role]) -> bool {
    roles.iter().any(|r| group.contains(r))
}

/// Declares [`Action`] and, for each variant, a type of the same name in
/// [`act`], so the web layer can name an action at the type level
/// (`Authz<act::ManageMembers>`): the list is written once.
macro_rules! actions {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// Something a user asks to do within one agency.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Action {
            $($(#[$doc])* $name,)*
        }

        /// The actions, as types.
        pub mod act {
            $(
                pub struct $name;
                impl super::ActionMarker for $name {
                    const ACTION: super::Action = super::Action::$name;
                }
            )*
        }
    };
}

/// Names an [`Action`] at the type level.
pub trait ActionMarker: Send + Sync + 'static {
    const ACTION: Action;
}

actions! {
    ViewDashboard,
    ViewMembers,
    ManageMembers,
    ViewAudit,
    ViewClips,
    UploadClip,
    /// Edit, comment, tick, move through the workflow; the review service then
    /// checks the clip-specific rules (author, state, approval policy).
    WorkOnClip,
    /// The agency's approval policy, checklist, lint lists and tone style.
    ManageReviewSettings,
    /// See and give "ký thay" delegations (the head gives; an admin may revoke).
    ManageDelegations,
    /// See the agency's channels and the clips' per-channel status.
    ViewChannels,
    /// Connect, reconnect and disconnect the agency's channels.
    ManageChannels,
    /// Publish an approved clip now or on its schedule, retry a failed channel.
    Publish,
    /// Take a published clip down everywhere; the publishing service then
    /// narrows it (the head; a deputy holding a delegation; roles the agency allows).
    TakeDown,
    /// See the incidents opened by takedowns (the overseer too).
    ViewIncidents,
    /// See the agency's insights: reach, speed, length, topics, best times.
    ViewInsights,
    /// Report an incident to the body, add to its timeline, answer the body.
    ReportIncident,
    /// See the body's campaigns the agency takes part in, and tag clips to them.
    ViewCampaigns,
    /// Build, publish and close the agency's audience surveys.
    ManageSurveys,
    /// See the agency's surveys and their results (the overseer too).
    ViewSurveys,
    /// See the network's shared library (what other agencies offer).
    ViewLibrary,
    /// Offer the agency's approved clips to the network, and withdraw them.
    ShareClips,
    /// Take a clip from the shared library as a clip of the agency's own.
    TakeShared,
}

impl Action {
    /// The roles in the agency that may perform the action.
    pub fn allowed_roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Action::ViewDashboard => &[Reporter, Editor, Head, Deputy, Analyst, AgencyAdmin],
            Action::ViewMembers => &[Head, Deputy, AgencyAdmin],
            Action::ManageMembers => &[AgencyAdmin],
            Action::ViewAudit => &[Head, AgencyAdmin],
            Action::ViewClips => &[Reporter, Editor, Head, Deputy, Analyst],
            Action::UploadClip => WRITERS,
            Action::WorkOnClip => CLIP_WORKERS,
            Action::ManageReviewSettings => &[AgencyAdmin],
            Action::ManageDelegations => &[Head, Deputy, AgencyAdmin],
            Action::ViewChannels => &[Reporter, Editor, Head, Deputy, Analyst, AgencyAdmin],
            Action::ManageChannels => CHANNEL_MANAGERS,
            Action::Publish => PUBLISHERS,
            // Reaching the takedown routes; [`on_clip`] then narrows taking
            // down to the head, a delegated deputy and the agency's choice.
            Action::TakeDown => PUBLISHERS,
            Action::ViewIncidents => &[Head, Deputy, AgencyAdmin],
            Action::ViewInsights => &[Editor, Head, Deputy, Analyst, AgencyAdmin],
            Action::ReportIncident => &[Head, Deputy, AgencyAdmin],
            Action::ViewCampaigns => &[Reporter, Editor, Head, Deputy, Analyst, AgencyAdmin],
            Action::ManageSurveys | Action::ViewSurveys => {
                &[Analyst, Head, Deputy, AgencyAdmin, Editor]
            }
            Action::ViewLibrary => &[Reporter, Editor, Head, Deputy, Analyst, AgencyAdmin],
            Action::ShareClips => SHARERS,
            Action::TakeShared => WRITERS,
        }
    }

    /// Reading actions, which the overseer of the agency's body may also perform.
    pub fn is_read_only(self) -> bool {
        matches!(
            self,
            Action::ViewDashboard
                | Action::ViewMembers
                | Action::ViewAudit
                | Action::ViewClips
                | Action::ViewChannels
                | Action::ViewIncidents
                | Action::ViewInsights
                | Action::ViewCampaigns
                | Action::ViewSurveys
                | Action::ViewLibrary
        )
    }
}

/// Declares [`BodyAction`] and its types in [`body_act`], as [`actions!`]
/// does for an agency's.
macro_rules! body_actions {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// Something the coordinating body does across its agencies.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum BodyAction {
            $($(#[$doc])* $name,)*
        }

        /// The body's actions, as types.
        pub mod body_act {
            $(
                pub struct $name;
                impl super::BodyActionMarker for $name {
                    const ACTION: super::BodyAction = super::BodyAction::$name;
                }
            )*
        }
    };
}

/// Names a [`BodyAction`] at the type level.
pub trait BodyActionMarker: Send + Sync + 'static {
    const ACTION: BodyAction;
}

body_actions! {
    /// The body's own pages: its campaigns, incidents and scorecard.
    ViewBody,
    /// Create, change and close campaigns; remind agencies.
    ManageCampaigns,
    /// Acknowledge an agency's incident, ask for more, close it.
    HandleIncidents,
    /// Build, publish and close the body's province-wide surveys.
    ManageSurveys,
    /// Place an agency's approved clip in the shared library, with a
    /// recommendation; withdraw it.
    PlaceShared,
}

impl BodyAction {
    /// The roles in the body that may perform the action.
    pub fn allowed_roles(self) -> &'static [Role] {
        match self {
            BodyAction::ViewBody
            | BodyAction::ManageCampaigns
            | BodyAction::HandleIncidents
            | BodyAction::ManageSurveys
            | BodyAction::PlaceShared => &[Role::Overseer],
        }
    }
}

/// Decides whether `subject` may perform `action` for the body `body`.
pub fn allows_in_body(subject: &Subject<'_>, body: super::OrgId, action: BodyAction) -> bool {
    subject.is_system_admin
        || subject
            .memberships
            .iter()
            .any(|(org, role)| *org == body && action.allowed_roles().contains(role))
}

/// What the policy needs to know about the person asking.
#[derive(Debug, Clone)]
pub struct Subject<'a> {
    pub is_system_admin: bool,
    /// (organisation, role) pairs the user holds.
    pub memberships: &'a [(super::OrgId, Role)],
}

/// What the policy needs to know about the agency.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub agency: super::OrgId,
    /// The overseeing body the agency belongs to.
    pub body: Option<super::OrgId>,
}

/// Decides whether `subject` may perform `action` in `target`.
pub fn allows(subject: &Subject<'_>, target: Target, action: Action) -> bool {
    if subject.is_system_admin {
        return true;
    }
    let in_agency = subject
        .memberships
        .iter()
        .filter(|(org, _)| *org == target.agency)
        .any(|(_, role)| action.allowed_roles().contains(role));
    let as_overseer = action.is_read_only()
        && target.body.is_some_and(|body| {
            subject
                .memberships
                .iter()
                .any(|(org, role)| *org == body && *role == Role::Overseer)
        });
    in_agency || as_overseer
}

/// Whether the subject can see the agency at all (any role there, or overseer of its body).
pub fn can_enter(subject: &Subject<'_>, target: Target) -> bool {
    allows(subject, target, Action::ViewDashboard)
}

// ---- On one clip -------------------------------------------------------------

/// Something a person asks to do to one clip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClipOp {
    /// A move of the workflow table asked for by a person, or one of the two
    /// moves a person starts and the system completes: [`ClipAction::Approve`]
    /// (sign the next step) and [`ClipAction::TakeDown`].
    Act(ClipAction),
    /// Send the approved clip to its channels now.
    PublishNow,
    /// Change what would go out (text, channels, window, topic, flag).
    Edit,
    /// Lower the political flag.
    LowerPolitical,
    /// Hold the soft edit lock.
    Lock,
    /// Take over someone else's stale edit lock.
    TakeOverLock,
    Comment,
    /// Tick or untick the agency's checklist for the current version.
    Tick,
    /// Upload a new version.
    UploadVersion,
    /// Check a failed version again, or delete an unusable one.
    ManageVersions,
    /// Queue a failed channel again.
    Retry,
    /// Confirm that a post the platform cannot delete was removed by hand.
    ConfirmRemoved,
}

/// Whose edit lock the clip carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockState {
    Free,
    Mine,
    Others { stale: bool },
}

/// What [`on_clip`] needs to know about a person and a clip.
#[derive(Debug, Clone)]
pub struct ClipFacts {
    /// The person's roles in the clip's agency.
    pub roles: Vec<Role>,
    /// The person created the clip or uploaded its current version.
    pub is_author: bool,
    /// The person's standing to sign for the head now.
    pub delegation: Delegation,
    pub state: ClipState,
    /// The clip has a current version.
    pub has_version: bool,
    /// The approval path for this clip (political or other).
    pub steps: Vec<Step>,
    /// Live approvals collected in this round.
    pub signed: usize,
    /// The person signed one of them.
    pub signed_by_me: bool,
    /// Roles the agency adds to those who take clips down.
    pub takedown_roles: Vec<Role>,
    pub lock: LockState,
    /// The signed publishing window has ended: nothing more goes out without
    /// a new signature.
    pub window_ended: bool,
    /// Taken from another agency on terms that forbid cutting it.
    pub cut_forbidden: bool,
    /// Taken from another agency, which has taken its clip down since.
    pub source_down: bool,
}

impl ClipFacts {
    /// The person, as the workflow table sees them.
    pub fn requester(&self) -> Requester<'_> {
        Requester::Person {
            roles: &self.roles,
            is_author: self.is_author,
        }
    }
}

/// Why [`on_clip`] said no. The services turn each into a message that names
/// the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denied {
    /// The workflow table: not in this state, or not for this person.
    Workflow(workflow::Denied),
    /// The approval policy: not this person's step (or not now).
    Sign(SignDenied),
    /// Only the author (a writer) or a reviewer edits a clip.
    EditNotYours,
    /// What would go out is fixed in this state.
    EditNotInState(ClipState),
    /// Only the head lowers the political flag.
    PoliticalHeadOnly,
    /// Only reviewers tick the checklist, while the clip is under review.
    NotReviewing,
    /// The clip has no version yet.
    NoVersion,
    /// The lock is free, the person's own, or not stale yet; or the person
    /// may not take locks over.
    NoLockToTake,
    /// A new version cannot come in this state.
    VersionNotInState(ClipState),
    /// Publishing is for [`PUBLISHERS`].
    NotPublisher,
    /// Taking down is for the head, a deputy holding a delegation, and the
    /// roles the agency chose.
    TakedownNotAllowed,
    /// The signed publishing window has ended.
    WindowEnded,
    /// The source agency's terms do not allow a cut of its clip.
    CutNotAllowed,
    /// The source agency took its clip down: the copy cannot be signed.
    SourceTakenDown,
}

/// What was granted: for a signature, which step and in what capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granted {
    Yes,
    Sign { step: usize, capacity: Capacity },
}

/// Whether the person described by `f` may do `op` to the clip now.
pub fn on_clip(f: &ClipFacts, op: ClipOp) -> Result<Granted, Denied> {
    let person = f.requester();
    let edit_who = (f.is_author && holds(&f.roles, WRITERS)) || holds(&f.roles, REVIEWERS);
    let yes = |ok: bool, no: Denied| if ok { Ok(Granted::Yes) } else { Err(no) };
    match op {
        ClipOp::Act(ClipAction::Approve) => {
            workflow::transition(f.state, ClipAction::Approve, person).map_err(Denied::Workflow)?;
            yes(!f.source_down, Denied::SourceTakenDown)?;
            let signer = Signer {
                roles: &f.roles,
                is_author: f.is_author,
                signed_before: f.signed_by_me,
                delegation: f.delegation,
            };
            let (step, capacity) =
                approval::may_sign(&f.steps, f.signed, &signer).map_err(Denied::Sign)?;
            Ok(Granted::Sign { step, capacity })
        }
        ClipOp::Act(ClipAction::TakeDown) => {
            // The table says from which states; the person comes from here.
            workflow::transition(f.state, ClipAction::TakeDown, Requester::System)
                .map_err(Denied::Workflow)?;
            yes(may_take_down(f), Denied::TakedownNotAllowed)
        }
        ClipOp::Act(action) => workflow::transition(f.state, action, person)
            .map(|_| Granted::Yes)
            .map_err(Denied::Workflow),
        ClipOp::PublishNow => {
            yes(holds(&f.roles, PUBLISHERS), Denied::NotPublisher)?;
            yes(!f.source_down, Denied::SourceTakenDown)?;
            // Publishing now is scheduling for now.
            workflow::transition(f.state, ClipAction::Schedule, person)
                .map(|_| Granted::Yes)
                .map_err(Denied::Workflow)
        }
        ClipOp::Edit => {
            yes(edit_who, Denied::EditNotYours)?;
            yes(f.state.is_editable(), Denied::EditNotInState(f.state))
        }
        ClipOp::LowerPolitical => yes(f.roles.contains(&Role::Head), Denied::PoliticalHeadOnly),
        ClipOp::Lock => on_clip(f, ClipOp::Edit),
        ClipOp::TakeOverLock => {
            on_clip(f, ClipOp::Lock)?;
            yes(
                holds(&f.roles, LOCK_TAKERS) && f.lock == LockState::Others { stale: true },
                Denied::NoLockToTake,
            )
        }
        ClipOp::Comment => {
            yes(
                holds(&f.roles, CLIP_WORKERS),
                Denied::Workflow(workflow::Denied::NotYours {
                    state: f.state,
                    who: workflow::Who::Roles(CLIP_WORKERS),
                }),
            )?;
            yes(f.has_version, Denied::NoVersion)
        }
        ClipOp::Tick => {
            yes(
                holds(&f.roles, REVIEWERS)
                    && matches!(f.state, ClipState::Submitted | ClipState::InReview),
                Denied::NotReviewing,
            )?;
            yes(f.has_version, Denied::NoVersion)
        }
        ClipOp::UploadVersion => {
            yes(edit_who, Denied::EditNotYours)?;
            yes(!f.cut_forbidden, Denied::CutNotAllowed)?;
            yes(
                f.state.takes_new_versions(),
                Denied::VersionNotInState(f.state),
            )
        }
        ClipOp::ManageVersions => yes(edit_who, Denied::EditNotYours),
        ClipOp::Retry => {
            yes(holds(&f.roles, PUBLISHERS), Denied::NotPublisher)?;
            yes(!f.source_down, Denied::SourceTakenDown)?;
            yes(!f.window_ended, Denied::WindowEnded)
        }
        ClipOp::ConfirmRemoved => yes(
            holds(&f.roles, PUBLISHERS) || may_take_down(f),
            Denied::NotPublisher,
        ),
    }
}

/// The head; a deputy holding a delegation now; the roles the agency chose.
fn may_take_down(f: &ClipFacts) -> bool {
    f.roles.contains(&Role::Head)
        || (f.roles.contains(&Role::Deputy) && matches!(f.delegation, Delegation::Active { .. }))
        || f.roles
            .iter()
            .any(|r| f.takedown_roles.contains(r) && TAKEDOWN_OPTIONAL.contains(r))
}

/// Everything a person may do to a clip now, for pages and the API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ClipRights {
    /// Workflow actions the person may ask for now (`POST …/actions/{action}`).
    /// `approve` only when the person may sign the next step; `publish` when
    /// the person may use `POST …/publish`; `take_down` when the person may use
    /// `POST …/takedown`.
    pub actions: Vec<ClipAction>,
    pub edit: bool,
    pub lower_political: bool,
    pub lock: bool,
    pub take_over_lock: bool,
    pub comment: bool,
    pub tick: bool,
    pub upload_version: bool,
    pub manage_versions: bool,
    pub retry: bool,
    pub confirm_removed: bool,
}

/// The actions a person may ask for, in the table's order.
const PERSON_ACTIONS: [ClipAction; 10] = [
    ClipAction::Submit,
    ClipAction::Withdraw,
    ClipAction::RequestChanges,
    ClipAction::Approve,
    ClipAction::Schedule,
    ClipAction::Unschedule,
    ClipAction::Spike,
    ClipAction::Unspike,
    ClipAction::StartCorrection,
    ClipAction::TakeDown,
];

/// [`on_clip`] for every operation.
pub fn rights(f: &ClipFacts) -> ClipRights {
    let ok = |op| on_clip(f, op).is_ok();
    let mut actions: Vec<ClipAction> = PERSON_ACTIONS
        .into_iter()
        .filter(|a| ok(ClipOp::Act(*a)))
        .collect();
    if ok(ClipOp::PublishNow) {
        actions.push(ClipAction::Publish);
    }
    ClipRights {
        actions,
        edit: ok(ClipOp::Edit),
        lower_political: ok(ClipOp::LowerPolitical),
        lock: ok(ClipOp::Lock),
        take_over_lock: ok(ClipOp::TakeOverLock),
        comment: ok(ClipOp::Comment),
        tick: ok(ClipOp::Tick),
        upload_version: ok(ClipOp::UploadVersion),
        manage_versions: ok(ClipOp::ManageVersions),
        retry: ok(ClipOp::Retry),
        confirm_removed: ok(ClipOp::ConfirmRemoved),
    }
}

// ---- In an agency, beyond clips ------------------------------------------------

/// Only the head gives "ký thay" delegations.
pub fn gives_delegations(roles: &[Role]) -> bool {
    roles.contains(&Role::Head)
}

/// A delegation goes from the head to a deputy.
pub fn may_delegate(giver: &[Role], receiver: &[Role]) -> bool {
    gives_delegations(giver) && receiver.contains(&Role::Deputy)
}

/// The head who gave a delegation may revoke it, and so may the agency admin.
pub fn may_revoke_delegation(roles: &[Role], gave_it: bool) -> bool {
    gave_it || roles.contains(&Role::AgencyAdmin)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::OrgId;

    const BODY: OrgId = OrgId(1);
    const A: OrgId = OrgId(2);
    const B: OrgId = OrgId(3);
    const ACTIONS: [Action; 22] = [
        Action::ViewDashboard,
        Action::ViewMembers,
        Action::ManageMembers,
        Action::ViewAudit,
        Action::ViewClips,
        Action::UploadClip,
        Action::WorkOnClip,
        Action::ManageReviewSettings,
        Action::ManageDelegations,
        Action::ViewChannels,
        Action::ManageChannels,
        Action::Publish,
        Action::TakeDown,
        Action::ViewIncidents,
        Action::ViewInsights,
        Action::ReportIncident,
        Action::ViewCampaigns,
        Action::ManageSurveys,
        Action::ViewSurveys,
        Action::ViewLibrary,
        Action::ShareClips,
        Action::TakeShared,
    ];

    /// Someone who is not a system admin, with these memberships.
    fn member_of(memberships: &[(OrgId, Role)]) -> Subject<'_> {
        Subject {
            is_system_admin: false,
            memberships,
        }
    }

    fn target(agency: OrgId) -> Target {
        Target {
            agency,
            body: Some(BODY),
        }
    }

    #[test]
    fn a_role_in_one_agency_grants_nothing_in_another() {
        for role in Role::AGENCY_ROLES {
            let m = [(A, role)];
            let s = member_of(&m);
            for action in ACTIONS {
                assert!(
                    !allows(&s, target(B), action),
                    "{role:?} in A allowed {action:?} in B"
                );
            }
        }
    }

    #[test]
    fn reporter_cannot_administer() {
        let m = [(A, Role::Reporter)];
        let s = member_of(&m);
        assert!(allows(&s, target(A), Action::ViewDashboard));
        assert!(!allows(&s, target(A), Action::ManageMembers));
        assert!(!allows(&s, target(A), Action::ViewMembers));
        assert!(!allows(&s, target(A), Action::ViewAudit));
    }

    #[test]
    fn overseer_reads_but_never_writes() {
        let m = [(BODY, Role::Overseer)];
        let s = member_of(&m);
        for action in ACTIONS {
            assert_eq!(
                allows(&s, target(A), action),
                action.is_read_only(),
                "{action:?}"
            );
        }
        // An agency of another body is out of reach.
        let other = Target {
            agency: B,
            body: Some(OrgId(99)),
        };
        assert!(!allows(&s, other, Action::ViewDashboard));
    }

    #[test]
    fn agency_admin_manages_members_of_own_agency_only() {
        let m = [(A, Role::AgencyAdmin)];
        let s = member_of(&m);
        assert!(allows(&s, target(A), Action::ManageMembers));
        assert!(!allows(&s, target(B), Action::ManageMembers));
    }

    #[test]
    fn role_codes_round_trip() {
        for role in Role::AGENCY_ROLES.into_iter().chain([Role::Overseer]) {
            assert_eq!(Role::parse(role.code()), Some(role));
        }
        assert_eq!(Role::parse("king"), None);
    }

    fn copy_facts(state: ClipState, cut_forbidden: bool, source_down: bool) -> ClipFacts {
        ClipFacts {
            roles: vec![Role::Head],
            is_author: false,
            delegation: Delegation::None,
            state,
            has_version: true,
            steps: crate::domain::approval::ApprovalPolicy::default().other,
            signed: 0,
            signed_by_me: false,
            takedown_roles: vec![],
            lock: LockState::Free,
            window_ended: false,
            cut_forbidden,
            source_down,
        }
    }

    #[test]
    fn a_copy_whose_source_is_down_is_not_signed_published_or_retried_but_comes_down() {
        let sign = ClipOp::Act(ClipAction::Approve);
        assert!(on_clip(&copy_facts(ClipState::InReview, false, false), sign).is_ok());
        let down = copy_facts(ClipState::InReview, false, true);
        assert_eq!(on_clip(&down, sign), Err(Denied::SourceTakenDown));
        let approved = copy_facts(ClipState::Approved, false, true);
        assert_eq!(
            on_clip(&approved, ClipOp::PublishNow),
            Err(Denied::SourceTakenDown)
        );
        let out = copy_facts(ClipState::Published, false, true);
        assert_eq!(on_clip(&out, ClipOp::Retry), Err(Denied::SourceTakenDown));
        assert!(on_clip(&out, ClipOp::Act(ClipAction::TakeDown)).is_ok());
    }

    #[test]
    fn a_copy_that_may_not_be_cut_takes_no_new_version() {
        let f = copy_facts(ClipState::InReview, true, false);
        assert_eq!(
            on_clip(&f, ClipOp::UploadVersion),
            Err(Denied::CutNotAllowed)
        );
        assert!(
            on_clip(
                &copy_facts(ClipState::InReview, false, false),
                ClipOp::UploadVersion
            )
            .is_ok()
        );
        // Its text stays editable (the terms decide which captions).
        assert!(on_clip(&f, ClipOp::Edit).is_ok());
    }
}

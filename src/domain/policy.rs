//! Who may do what: the one table that decides authorisation.
//!
//! Every request that touches agency data is checked here, through the web
//! layer's `Authz` extractor, from (user, agency, role, action). Adding an action
//! means adding one row to [`Action::allowed_roles`].

use serde::{Deserialize, Serialize};

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

/// Something a user asks to do within one agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
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
            Action::UploadClip => &[Reporter, Editor, Head, Deputy],
            Action::WorkOnClip => &[Reporter, Editor, Head, Deputy, Analyst],
            Action::ManageReviewSettings => &[AgencyAdmin],
            Action::ManageDelegations => &[Head, Deputy, AgencyAdmin],
            Action::ViewChannels => &[Reporter, Editor, Head, Deputy, Analyst, AgencyAdmin],
            Action::ManageChannels => &[Head, AgencyAdmin],
            Action::Publish => &[Editor, Head, Deputy, Analyst],
            Action::TakeDown => &[Head, Deputy, Editor, Analyst],
            Action::ViewIncidents => &[Head, Deputy, AgencyAdmin],
            Action::ViewInsights => &[Editor, Head, Deputy, Analyst, AgencyAdmin],
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
        )
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::OrgId;

    const BODY: OrgId = OrgId(1);
    const A: OrgId = OrgId(2);
    const B: OrgId = OrgId(3);
    const ACTIONS: [Action; 15] = [
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
    ];

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
            let s = Subject {
                is_system_admin: false,
                memberships: &m,
            };
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
        let s = Subject {
            is_system_admin: false,
            memberships: &m,
        };
        assert!(allows(&s, target(A), Action::ViewDashboard));
        assert!(!allows(&s, target(A), Action::ManageMembers));
        assert!(!allows(&s, target(A), Action::ViewMembers));
        assert!(!allows(&s, target(A), Action::ViewAudit));
    }

    #[test]
    fn overseer_reads_but_never_writes() {
        let m = [(BODY, Role::Overseer)];
        let s = Subject {
            is_system_admin: false,
            memberships: &m,
        };
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
        let s = Subject {
            is_system_admin: false,
            memberships: &m,
        };
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
}

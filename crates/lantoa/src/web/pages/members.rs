//! An agency's people: list, add, roles, password reset, disable/enable.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Layout, render, render_status};
use crate::db::users::Member;
use crate::domain::{Action, Role, UserId};
use crate::error::{Error, Result};
use crate::service::members::{self, NewMember};
use crate::state::AppState;
use crate::web::extract::{Authz, FormData, act};
use crate::web::{Routes, Scope};

/// A role as a checkbox on a form.
pub struct RoleOption {
    pub code: &'static str,
    pub label: String,
    pub checked: bool,
    /// Shown but not changeable by this user (a signing role, for anyone but
    /// the system administrator); a held one is sent back unchanged.
    pub locked: bool,
}

fn role_options<A>(l: &Layout, a: &Authz<A>, held: &[Role]) -> Vec<RoleOption> {
    let may_sign = members::may_set_signing_roles(&a.principal);
    Role::AGENCY_ROLES
        .iter()
        .map(|r| RoleOption {
            code: r.code(),
            label: l.tr.t(r.message_id()),
            checked: held.contains(r),
            locked: !may_sign && members::SIGNING_ROLES.contains(r),
        })
        .collect()
}

pub struct MemberRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: String,
    pub disabled: bool,
    pub must_change: bool,
}

fn row(l: &Layout, m: &Member) -> MemberRow {
    MemberRow {
        id: m.user.id.0,
        username: m.user.username.clone(),
        display_name: m.user.display_name.clone(),
        roles: m
            .roles
            .iter()
            .map(|r| l.tr.t(r.message_id()))
            .collect::<Vec<_>>()
            .join(", "),
        disabled: m.user.disabled,
        must_change: m.user.must_change_password,
    }
}

#[derive(Template)]
#[template(path = "members.html")]
struct MembersPage {
    l: Layout,
    aid: i64,
    rows: Vec<MemberRow>,
    can_manage: bool,
    roles: Vec<RoleOption>,
    /// The signing roles are shown locked, with who sets them.
    signing_locked: bool,
    error: Option<String>,
    form_username: String,
    form_display_name: String,
}

async fn members_page<A>(
    st: &AppState,
    a: &Authz<A>,
    status: StatusCode,
    error: Option<String>,
    form: Option<&NewMember>,
) -> Result<Response> {
    let l = Layout::build(st, &a.ctx, Some(&a.agency)).await?;
    let list = members::list(st, a.agency.id).await?;
    let held: Vec<Role> = form
        .map(|f| f.roles.iter().filter_map(|c| Role::parse(c)).collect())
        .unwrap_or_default();
    render_status(
        status,
        &MembersPage {
            aid: a.agency.id.0,
            rows: list.iter().map(|m| row(&l, m)).collect(),
            can_manage: a.may(Action::ManageMembers),
            signing_locked: !members::may_set_signing_roles(&a.principal),
            roles: role_options(&l, a, &held),
            error,
            form_username: form.map(|f| f.username.clone()).unwrap_or_default(),
            form_display_name: form.map(|f| f.display_name.clone()).unwrap_or_default(),
            l,
        },
    )
}

pub async fn list(State(st): State<AppState>, a: Authz<act::ViewMembers>) -> Result<Response> {
    members_page(&st, &a, StatusCode::OK, None, None).await
}

#[derive(Template)]
#[template(path = "temp_password.html")]
struct TempPasswordPage {
    l: Layout,
    aid: i64,
    uid: i64,
    username: String,
    password: String,
}

async fn show_temp_password(
    st: &AppState,
    a: &Authz<act::ManageMembers>,
    uid: UserId,
    password: String,
) -> Result<Response> {
    let m = members::get(st, a.agency.id, uid).await?;
    let l = Layout::build(st, &a.ctx, Some(&a.agency)).await?;
    render(&TempPasswordPage {
        l,
        aid: a.agency.id.0,
        uid: uid.0,
        username: m.user.username,
        password,
    })
}

pub async fn create(
    State(st): State<AppState>,
    a: Authz<act::ManageMembers>,
    FormData(f): FormData<NewMember>,
) -> Result<Response> {
    match members::create(&a.caller, f.clone()).await {
        Ok(c) => match c.temporary_password {
            Some(pw) => show_temp_password(&st, &a, c.user_id, pw).await,
            None => Ok(
                Redirect::to(&format!("/a/{}/members/{}", a.agency.id, c.user_id)).into_response(),
            ),
        },
        Err(e @ (Error::Invalid(_) | Error::Conflict(_) | Error::NotPermitted(_))) => {
            let (status, id) = match &e {
                Error::Invalid(i) => (StatusCode::BAD_REQUEST, i.message_id),
                Error::Conflict(id) => (StatusCode::CONFLICT, *id),
                Error::NotPermitted(id) => (StatusCode::FORBIDDEN, *id),
                _ => unreachable!(),
            };
            members_page(&st, &a, status, Some(a.ctx.tr().t(id)), Some(&f)).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "member.html")]
struct MemberPage {
    l: Layout,
    aid: i64,
    m: MemberRow,
    roles: Vec<RoleOption>,
    signing_locked: bool,
    can_manage: bool,
    can_audit: bool,
    is_self: bool,
    error: Option<String>,
}

async fn member_page<A>(
    st: &AppState,
    a: &Authz<A>,
    uid: UserId,
    error: Option<(StatusCode, String)>,
) -> Result<Response> {
    let m = members::get(st, a.agency.id, uid).await?;
    let l = Layout::build(st, &a.ctx, Some(&a.agency)).await?;
    let (status, error) = match error {
        Some((s, e)) => (s, Some(e)),
        None => (StatusCode::OK, None),
    };
    render_status(
        status,
        &MemberPage {
            aid: a.agency.id.0,
            signing_locked: !members::may_set_signing_roles(&a.principal),
            roles: role_options(&l, a, &m.roles),
            m: row(&l, &m),
            can_manage: a.may(Action::ManageMembers),
            can_audit: a.may(Action::ViewAudit),
            is_self: a.principal.user_id == uid,
            error,
            l,
        },
    )
}

pub async fn detail(
    State(st): State<AppState>,
    a: Authz<act::ViewMembers>,
    Path((_, uid)): Path<(i64, i64)>,
) -> Result<Response> {
    member_page(&st, &a, UserId(uid), None).await
}

#[derive(Deserialize)]
pub struct RolesForm {
    #[serde(default)]
    roles: Vec<String>,
}

/// Turns a rule the user broke into a message on the member's page.
async fn or_show<T>(
    st: &AppState,
    a: &Authz<act::ManageMembers>,
    uid: UserId,
    r: Result<T>,
    ok: impl FnOnce(T) -> Response,
) -> Result<Response> {
    match r {
        Ok(v) => Ok(ok(v)),
        Err(Error::Conflict(id)) => {
            let msg = a.ctx.tr().t(id);
            member_page(st, a, uid, Some((StatusCode::CONFLICT, msg))).await
        }
        Err(Error::Invalid(i)) => {
            let msg = a.ctx.tr().t(i.message_id);
            member_page(st, a, uid, Some((StatusCode::BAD_REQUEST, msg))).await
        }
        Err(Error::NotPermitted(id)) => {
            let msg = a.ctx.tr().t(id);
            member_page(st, a, uid, Some((StatusCode::FORBIDDEN, msg))).await
        }
        Err(e) => Err(e),
    }
}

pub async fn set_roles(
    State(st): State<AppState>,
    a: Authz<act::ManageMembers>,
    Path((aid, uid)): Path<(i64, i64)>,
    FormData(f): FormData<RolesForm>,
) -> Result<Response> {
    let uid = UserId(uid);
    let r = members::set_roles(&a.caller, uid, &f.roles).await;
    or_show(&st, &a, uid, r, |roles| {
        let to = if roles.is_empty() {
            format!("/a/{aid}/members")
        } else {
            format!("/a/{aid}/members/{uid}")
        };
        Redirect::to(&to).into_response()
    })
    .await
}

pub async fn reset_password(
    State(st): State<AppState>,
    a: Authz<act::ManageMembers>,
    Path((_, uid)): Path<(i64, i64)>,
) -> Result<Response> {
    let uid = UserId(uid);
    match members::reset_password(&a.caller, uid).await {
        Ok(pw) => show_temp_password(&st, &a, uid, pw).await,
        Err(e) => or_show(&st, &a, uid, Err::<(), _>(e), |_| unreachable!()).await,
    }
}

async fn toggle(
    st: AppState,
    a: Authz<act::ManageMembers>,
    aid: i64,
    uid: i64,
    disabled: bool,
) -> Result<Response> {
    let uid = UserId(uid);
    let r = members::set_disabled(&a.caller, uid, disabled).await;
    or_show(&st, &a, uid, r, |_| {
        Redirect::to(&format!("/a/{aid}/members/{uid}")).into_response()
    })
    .await
}

pub async fn disable(
    State(st): State<AppState>,
    a: Authz<act::ManageMembers>,
    Path((aid, uid)): Path<(i64, i64)>,
) -> Result<Response> {
    toggle(st, a, aid, uid, true).await
}

pub async fn enable(
    State(st): State<AppState>,
    a: Authz<act::ManageMembers>,
    Path((aid, uid)): Path<(i64, i64)>,
) -> Result<Response> {
    toggle(st, a, aid, uid, false).await
}

/// This area's routes, each with who may reach it.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    use Scope::*;
    r.get("/a/{aid}/members", Agency, list)
        .post("/a/{aid}/members", Agency, create)
        .get("/a/{aid}/members/{uid}", Agency, detail)
        .post("/a/{aid}/members/{uid}/roles", Agency, set_roles)
        .post(
            "/a/{aid}/members/{uid}/password-reset",
            Agency,
            reset_password,
        )
        .post("/a/{aid}/members/{uid}/disable", Agency, disable)
        .post("/a/{aid}/members/{uid}/enable", Agency, enable)
}

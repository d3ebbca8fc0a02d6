//! The landing page, an agency's dashboard, and the overseer's overview.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Layout, render};
use crate::domain::{Action, Role};
use crate::error::{Error, Result};
use crate::service::dashboard::{DashboardCounts, counts};
use crate::service::orgs::visible_agencies;
use crate::state::AppState;
use crate::web::extract::{Authz, CurrentUser, act};
use crate::web::{Routes, Scope};

/// Sends the user to the first agency they can open, or to the overview.
pub async fn home(State(st): State<AppState>, u: CurrentUser) -> Result<Response> {
    let overseer = u.p.memberships.iter().any(|(_, r)| *r == Role::Overseer);
    if overseer || u.p.is_system_admin {
        return Ok(Redirect::to("/overview").into_response());
    }
    let agencies = visible_agencies(&st, &u.p).await?;
    match agencies.first() {
        Some(a) => Ok(Redirect::to(&format!("/a/{}", a.id)).into_response()),
        None => Ok(Redirect::to("/profile").into_response()),
    }
}

pub struct RoleCount {
    pub label: String,
    pub count: i64,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    l: Layout,
    agency_name: String,
    c: DashboardCounts,
    roles: Vec<RoleCount>,
    read_only: bool,
}

pub async fn dashboard(
    State(st): State<AppState>,
    a: Authz<act::ViewDashboard>,
) -> Result<Response> {
    let c = counts(&st, a.agency.id, &a.agency.time_zone).await?;
    let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
    let roles = c
        .by_role
        .iter()
        .filter_map(|(code, n)| {
            Role::parse(code).map(|r| RoleCount {
                label: l.tr.t(r.message_id()),
                count: *n,
            })
        })
        .collect();
    let member_here = a
        .principal
        .memberships
        .iter()
        .any(|(o, _)| *o == a.agency.id);
    render(&DashboardPage {
        agency_name: a.agency.name.clone(),
        read_only: !member_here,
        c,
        roles,
        l,
    })
}

pub struct OverviewRow {
    pub id: i64,
    pub name: String,
    pub c: DashboardCounts,
}

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    l: Layout,
    rows: Vec<OverviewRow>,
}

/// Every agency the user can open, with its numbers side by side.
pub async fn overview(State(st): State<AppState>, u: CurrentUser) -> Result<Response> {
    let agencies = visible_agencies(&st, &u.p).await?;
    let mut rows = Vec::new();
    for a in agencies {
        let target = crate::domain::policy::Target {
            agency: a.id,
            body: a.parent_id,
        };
        if !crate::domain::policy::allows(&u.p.subject(), target, Action::ViewDashboard) {
            return Err(Error::Forbidden);
        }
        rows.push(OverviewRow {
            id: a.id.0,
            c: counts(&st, a.id, &a.time_zone).await?,
            name: a.name,
        });
    }
    let l = Layout::build(&st, &u.ctx, None).await?;
    render(&OverviewPage { l, rows })
}

/// This area's routes, each with who may reach it.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    use Scope::*;
    r.get("/", User, home)
        .get("/overview", User, overview)
        .get("/a/{aid}", Agency, dashboard)
}

//! Delegations of the head's signature (K/T) to a deputy: the list, giving
//! one and revoking it.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::db::review as rdb;
use crate::db::users;
use crate::domain::policy;
use crate::domain::{Role, UserId};
use crate::error::{Error, Result};
use crate::service::review as svc;
use crate::state::AppState;
use crate::web::extract::{Authz, FormData, act};
use crate::web::pages::{Layout, render, render_status};

pub struct DelegationView {
    pub id: i64,
    pub from: String,
    pub to: String,
    pub window: String,
    pub note: String,
    pub status: &'static str,
    pub can_revoke: bool,
}

#[derive(Template)]
#[template(path = "delegations.html")]
struct DelegationsPage {
    l: Layout,
    aid: i64,
    rows: Vec<DelegationView>,
    deputies: Vec<(i64, String)>,
    is_head: bool,
    notice: Option<String>,
}

async fn delegations_page(
    st: &AppState,
    a: &Authz<act::ManageDelegations>,
    notice: Option<String>,
) -> Result<DelegationsPage> {
    let l = Layout::build(st, &a.ctx, Some(&a.agency)).await?;
    let tz = &a.agency.time_zone;
    let now = st.now();
    let roles = svc::roles_in(&a.principal, a.agency.id);
    let mut tx = st.db.read().await?;
    let list = rdb::delegations(&mut tx, a.agency.id).await?;
    let deputies = users::members_of(&mut tx, a.agency.id)
        .await?
        .into_iter()
        .filter(|m| m.roles.contains(&Role::Deputy) && !m.user.disabled)
        .map(|m| (m.user.id.0, m.user.display_name))
        .collect();
    drop(tx);
    let rows = list
        .into_iter()
        .map(|d| {
            let status = if d.revoked_at.is_some() {
                "revoked"
            } else if now < d.starts_at {
                "upcoming"
            } else if now < d.ends_at {
                "active"
            } else {
                "ended"
            };
            DelegationView {
                id: d.id,
                window: format!("{} – {}", l.time(&d.starts_at, tz), l.time(&d.ends_at, tz)),
                can_revoke: d.revoked_at.is_none()
                    && now < d.ends_at
                    && policy::may_revoke_delegation(&roles, d.from_user == a.principal.user_id),
                from: d.from_name,
                to: d.to_name,
                note: d.note,
                status,
            }
        })
        .collect();
    Ok(DelegationsPage {
        aid: a.agency.id.0,
        rows,
        deputies,
        is_head: policy::gives_delegations(&roles),
        notice,
        l,
    })
}

pub async fn delegations(
    State(st): State<AppState>,
    a: Authz<act::ManageDelegations>,
) -> Result<Response> {
    render(&delegations_page(&st, &a, None).await?)
}

#[derive(Debug, Deserialize)]
pub struct DelegationForm {
    pub to_user: i64,
    pub starts_at: String,
    pub ends_at: String,
    #[serde(default)]
    pub note: String,
}

pub async fn delegate(
    State(st): State<AppState>,
    a: Authz<act::ManageDelegations>,
    FormData(f): FormData<DelegationForm>,
) -> Result<Response> {
    let tz = a.agency.time_zone.clone();
    let parse = |s: &str, field: &'static str| {
        crate::clock::local_datetime_ms(s, &tz)
            .ok_or_else(|| Error::from(crate::domain::Invalid::new(field, "invalid-datetime")))
    };
    let r = async {
        let req = svc::DelegationRequest {
            to_user: UserId(f.to_user),
            starts_at: parse(&f.starts_at, "starts_at")?,
            ends_at: parse(&f.ends_at, "ends_at")?,
            note: f.note.clone(),
        };
        svc::delegate(&a.caller, &req).await
    }
    .await;
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/a/{}/delegations", a.agency.id.0)).into_response()),
        Err(e @ (Error::Invalid(_) | Error::Refused(_))) => {
            let tr = a.ctx.tr();
            let msg = match &e {
                Error::Invalid(i) => tr.t(i.message_id),
                Error::Refused(r) => r.message(&tr),
                _ => String::new(),
            };
            render_status(
                axum::http::StatusCode::BAD_REQUEST,
                &delegations_page(&st, &a, Some(msg)).await?,
            )
        }
        Err(e) => Err(e),
    }
}

pub async fn revoke(
    State(_st): State<AppState>,
    a: Authz<act::ManageDelegations>,
    Path((aid, did)): Path<(i64, i64)>,
) -> Result<Response> {
    svc::revoke_delegation(&a.caller, did).await?;
    Ok(Redirect::to(&format!("/a/{aid}/delegations")).into_response())
}

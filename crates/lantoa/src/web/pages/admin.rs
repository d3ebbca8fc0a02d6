//! System administration: the overseeing bodies and their agencies.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Layout, render_status};
use crate::db::orgs::{self, Org};
use crate::domain::OrgId;
use crate::error::{Error, Result};
use crate::service::orgs::create;
use crate::state::AppState;
use crate::web::extract::{FormData, SystemAdmin};
use crate::web::{Routes, Scope};

#[derive(Template)]
#[template(path = "admin_agencies.html")]
struct AgenciesPage {
    l: Layout,
    bodies: Vec<Org>,
    agencies: Vec<Org>,
    error: Option<String>,
    default_tz: String,
}

impl AgenciesPage {
    fn body_name(&self, id: &Option<OrgId>) -> String {
        id.and_then(|id| self.bodies.iter().find(|b| b.id == id))
            .map(|b| b.name.clone())
            .unwrap_or_default()
    }
}

async fn show(
    st: &AppState,
    u: &SystemAdmin,
    status: StatusCode,
    error: Option<String>,
) -> Result<Response> {
    let l = Layout::build(st, &u.ctx, None).await?;
    let mut tx = st.db.read().await?;
    let bodies = orgs::all_of_kind(&mut tx, "body").await?;
    let agencies = orgs::all_agencies(&mut tx).await?;
    drop(tx);
    render_status(
        status,
        &AgenciesPage {
            l,
            bodies,
            agencies,
            error,
            default_tz: st.config.time_zone.clone(),
        },
    )
}

pub async fn agencies(State(st): State<AppState>, u: SystemAdmin) -> Result<Response> {
    show(&st, &u, StatusCode::OK, None).await
}

#[derive(Deserialize)]
pub struct OrgForm {
    slug: String,
    name: String,
    parent: Option<i64>,
    time_zone: Option<String>,
}

async fn create_org(st: AppState, u: SystemAdmin, kind: &str, f: OrgForm) -> Result<Response> {
    let actor = u.p.actor(&u.ctx.client_addr);
    let parent = if kind == "agency" {
        f.parent.map(OrgId)
    } else {
        None
    };
    if kind == "agency" && parent.is_none() {
        let msg = u.ctx.tr().t("invalid-parent");
        return show(&st, &u, StatusCode::BAD_REQUEST, Some(msg)).await;
    }
    match create(
        &st,
        &actor,
        kind,
        parent,
        &f.slug,
        &f.name,
        f.time_zone.as_deref(),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/admin/agencies").into_response()),
        Err(Error::Invalid(i)) => {
            let msg = u.ctx.tr().t(i.message_id);
            show(&st, &u, StatusCode::BAD_REQUEST, Some(msg)).await
        }
        Err(Error::Conflict(id)) => {
            let msg = u.ctx.tr().t(id);
            show(&st, &u, StatusCode::CONFLICT, Some(msg)).await
        }
        Err(e) => Err(e),
    }
}

pub async fn create_agency(
    State(st): State<AppState>,
    u: SystemAdmin,
    FormData(f): FormData<OrgForm>,
) -> Result<Response> {
    create_org(st, u, "agency", f).await
}

pub async fn create_body(
    State(st): State<AppState>,
    u: SystemAdmin,
    FormData(f): FormData<OrgForm>,
) -> Result<Response> {
    create_org(st, u, "body", f).await
}

/// This area's routes, each with who may reach it.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    use Scope::*;
    r.get("/admin/agencies", System, agencies)
        .post("/admin/agencies", System, create_agency)
        .post("/admin/bodies", System, create_body)
}

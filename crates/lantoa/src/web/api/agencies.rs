//! Agencies: the ones the caller can see, one agency, its dashboard numbers.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::ApiError;
use crate::db::orgs::Org;
use crate::domain::OrgId;
use crate::error::Result;
use crate::service::dashboard::{DashboardCounts, counts};
use crate::service::orgs;
use crate::state::AppState;
use crate::web::extract::{Authz, CurrentUser, JsonBody, SystemAdmin, act};
use crate::web::{Routes, Scope, api_routes};

#[utoipa::path(get, path = "/api/v1/agencies", tag = "agencies",
    responses((status = 200, body = Vec<Org>)))]
pub async fn list(State(st): State<AppState>, u: CurrentUser) -> Result<Json<Vec<Org>>> {
    Ok(Json(orgs::visible_agencies(&st, &u.p).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewAgency {
    #[schema(min_length = 2, max_length = 40)]
    pub slug: String,
    #[schema(min_length = 2, max_length = 200)]
    pub name: String,
    /// The overseeing body's id.
    pub parent_id: i64,
    pub time_zone: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/agencies", tag = "agencies", request_body = NewAgency,
    responses((status = 201, body = Org), (status = 403, body = ApiError), (status = 409, body = ApiError)))]
pub async fn create(
    State(st): State<AppState>,
    u: SystemAdmin,
    JsonBody(b): JsonBody<NewAgency>,
) -> Result<(StatusCode, Json<Org>)> {
    let actor = u.p.actor(&u.ctx.client_addr);
    let id = orgs::create(
        &st,
        &actor,
        "agency",
        Some(OrgId(b.parent_id)),
        &b.slug,
        &b.name,
        b.time_zone.as_deref(),
    )
    .await?;
    let (org, _) = orgs::agency_target(&st, id).await?;
    Ok((StatusCode::CREATED, Json(org)))
}

#[utoipa::path(get, path = "/api/v1/agencies/{aid}", tag = "agencies",
    params(("aid" = i64, Path, description = "Agency id")),
    responses((status = 200, body = Org), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn get_one(a: Authz<act::ViewDashboard>) -> Json<Org> {
    Json(a.agency.clone())
}

#[utoipa::path(get, path = "/api/v1/agencies/{aid}/dashboard", tag = "agencies",
    params(("aid" = i64, Path, description = "Agency id")),
    responses((status = 200, body = DashboardCounts), (status = 403, body = ApiError)))]
pub async fn dashboard(
    State(st): State<AppState>,
    a: Authz<act::ViewDashboard>,
) -> Result<Json<DashboardCounts>> {
    Ok(Json(counts(&st, a.agency.id, &a.agency.time_zone).await?))
}

/// This area's routes, each with who may reach it.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    api_routes!(r, User: list; System: create; Agency: get_one, dashboard)
}

//! An agency's members through the API.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::db::users::Member;
use crate::domain::{Role, UserId};
use crate::error::Result;
use crate::service::members::{self, NewMember};
use crate::state::AppState;
use crate::web::extract::{Authz, JsonBody, act};
use crate::web::{Routes, Scope, api_routes};

#[derive(Serialize, utoipa::ToSchema)]
pub struct MemberView {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub disabled: bool,
    pub must_change_password: bool,
}

impl From<Member> for MemberView {
    fn from(m: Member) -> Self {
        MemberView {
            id: m.user.id,
            username: m.user.username,
            display_name: m.user.display_name,
            roles: m.roles,
            disabled: m.user.disabled,
            must_change_password: m.user.must_change_password,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/agencies/{aid}/members", tag = "members",
    params(("aid" = i64, Path)), responses((status = 200, body = Vec<MemberView>), (status = 403, body = ApiError)))]
pub async fn list(
    State(st): State<AppState>,
    a: Authz<act::ViewMembers>,
) -> Result<Json<Vec<MemberView>>> {
    Ok(Json(
        members::list(&st, a.agency.id)
            .await?
            .into_iter()
            .map(MemberView::from)
            .collect(),
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedMember {
    pub member: MemberView,
    /// Present when Lantoa generated the temporary password; shown only here.
    pub temporary_password: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/agencies/{aid}/members", tag = "members", params(("aid" = i64, Path)),
    request_body = NewMember,
    responses((status = 201, body = CreatedMember), (status = 400, body = ApiError), (status = 409, body = ApiError),
              (status = 403, body = ApiError, description = "Head and deputy are given by the system administrator")))]
pub async fn create(
    State(st): State<AppState>,
    a: Authz<act::ManageMembers>,
    JsonBody(b): JsonBody<NewMember>,
) -> Result<(StatusCode, Json<CreatedMember>)> {
    let c = members::create(&a.caller, b).await?;
    let m = members::get(&st, a.agency.id, c.user_id).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedMember {
            member: m.into(),
            temporary_password: c.temporary_password,
        }),
    ))
}

#[utoipa::path(get, path = "/api/v1/agencies/{aid}/members/{uid}", tag = "members",
    params(("aid" = i64, Path), ("uid" = i64, Path)),
    responses((status = 200, body = MemberView), (status = 404, body = ApiError)))]
pub async fn get_one(
    State(st): State<AppState>,
    a: Authz<act::ViewMembers>,
    Path((_, uid)): Path<(i64, i64)>,
) -> Result<Json<MemberView>> {
    Ok(Json(
        members::get(&st, a.agency.id, UserId(uid)).await?.into(),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct RolesBody {
    /// Role codes; an empty list removes the member from the agency.
    pub roles: Vec<String>,
}

#[utoipa::path(put, path = "/api/v1/agencies/{aid}/members/{uid}/roles", tag = "members",
    params(("aid" = i64, Path), ("uid" = i64, Path)), request_body = RolesBody,
    responses((status = 200, body = Vec<Role>), (status = 409, body = ApiError),
              (status = 403, body = ApiError, description = "Head and deputy are given and removed by the system administrator")))]
pub async fn put_roles(
    State(_st): State<AppState>,
    a: Authz<act::ManageMembers>,
    Path((_, uid)): Path<(i64, i64)>,
    JsonBody(b): JsonBody<RolesBody>,
) -> Result<Json<Vec<Role>>> {
    Ok(Json(
        members::set_roles(&a.caller, UserId(uid), &b.roles).await?,
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TemporaryPassword {
    pub temporary_password: String,
}

#[utoipa::path(post, path = "/api/v1/agencies/{aid}/members/{uid}/password-reset", tag = "members",
    params(("aid" = i64, Path), ("uid" = i64, Path)),
    responses((status = 200, body = TemporaryPassword), (status = 404, body = ApiError)))]
pub async fn reset_password(
    State(_st): State<AppState>,
    a: Authz<act::ManageMembers>,
    Path((_, uid)): Path<(i64, i64)>,
) -> Result<Json<TemporaryPassword>> {
    let pw = members::reset_password(&a.caller, UserId(uid)).await?;
    Ok(Json(TemporaryPassword {
        temporary_password: pw,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct DisabledBody {
    pub disabled: bool,
}

#[utoipa::path(put, path = "/api/v1/agencies/{aid}/members/{uid}/disabled", tag = "members",
    params(("aid" = i64, Path), ("uid" = i64, Path)), request_body = DisabledBody,
    responses((status = 204), (status = 404, body = ApiError)))]
pub async fn put_disabled(
    State(_st): State<AppState>,
    a: Authz<act::ManageMembers>,
    Path((_, uid)): Path<(i64, i64)>,
    JsonBody(b): JsonBody<DisabledBody>,
) -> Result<StatusCode> {
    members::set_disabled(&a.caller, UserId(uid), b.disabled).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This area's routes, each with who may reach it.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    api_routes!(r, Agency: list, create, get_one, put_roles, reset_password, put_disabled)
}

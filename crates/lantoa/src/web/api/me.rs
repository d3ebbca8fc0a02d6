//! The caller's own account: who am I, language, password, access tokens.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::db::tokens::ApiToken;
use crate::domain::{Locale, OrgId, Role, TokenId, UserId};
use crate::error::Result;
use crate::service::profile;
use crate::state::AppState;
use crate::web::extract::{CurrentUser, JsonBody};
use crate::web::{Routes, Scope, api_routes};

#[derive(Serialize, utoipa::ToSchema)]
pub struct Membership {
    pub org_id: OrgId,
    pub role: Role,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub locale: Locale,
    pub is_system_admin: bool,
    pub must_change_password: bool,
    pub memberships: Vec<Membership>,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "me",
    responses((status = 200, body = Me), (status = 401, body = ApiError)))]
pub async fn get_me(u: CurrentUser) -> Json<Me> {
    let p = &u.p;
    Json(Me {
        id: p.user_id,
        username: p.username.clone(),
        display_name: p.display_name.clone(),
        locale: p.locale,
        is_system_admin: p.is_system_admin,
        must_change_password: p.must_change_password,
        memberships: p
            .memberships
            .iter()
            .map(|(o, r)| Membership {
                org_id: *o,
                role: *r,
            })
            .collect(),
    })
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LocaleBody {
    /// `vi` or `en`.
    #[schema(value_type = crate::domain::Locale)]
    pub locale: String,
}

#[utoipa::path(put, path = "/api/v1/me/locale", tag = "me", request_body = LocaleBody,
    responses((status = 204), (status = 400, body = ApiError)))]
pub async fn put_locale(
    State(st): State<AppState>,
    u: CurrentUser,
    JsonBody(b): JsonBody<LocaleBody>,
) -> Result<StatusCode> {
    let locale = Locale::parse(&b.locale)?;
    profile::set_locale(&st, &u.p, &u.ctx.client_addr, locale).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PasswordBody {
    #[schema(max_length = 200)]
    pub current_password: String,
    #[schema(min_length = 10, max_length = 200)]
    pub new_password: String,
}

#[utoipa::path(put, path = "/api/v1/me/password", tag = "me", request_body = PasswordBody,
    responses((status = 204), (status = 400, body = ApiError),
              (status = 429, body = ApiError, description = "Too many wrong passwords: the same limit as sign-in")))]
pub async fn put_password(
    State(st): State<AppState>,
    u: CurrentUser,
    JsonBody(b): JsonBody<PasswordBody>,
) -> Result<StatusCode> {
    profile::change_password(
        &st,
        &u.p,
        &u.ctx.client_addr,
        &b.current_password,
        &b.new_password,
        &b.new_password,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "me", responses((status = 200, body = Vec<ApiToken>)))]
pub async fn list_tokens(
    State(st): State<AppState>,
    u: CurrentUser,
) -> Result<Json<Vec<ApiToken>>> {
    Ok(Json(profile::list_tokens(&st, &u.p).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewToken {
    /// What the token is for, e.g. "nightly export".
    #[schema(min_length = 1, max_length = 80)]
    pub name: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    pub id: TokenId,
    pub name: String,
    /// Shown only in this response; Lantoa keeps a hash.
    pub token: String,
}

#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "me", request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 400, body = ApiError)))]
pub async fn create_token(
    State(st): State<AppState>,
    u: CurrentUser,
    JsonBody(b): JsonBody<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>)> {
    let (id, token) = profile::create_token(&st, &u.p, &u.ctx.client_addr, &b.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            id,
            name: b.name.trim().to_string(),
            token,
        }),
    ))
}

#[utoipa::path(delete, path = "/api/v1/me/tokens/{tid}", tag = "me",
    params(("tid" = i64, Path, description = "Token id")),
    responses((status = 204), (status = 404, body = ApiError)))]
pub async fn revoke_token(
    State(st): State<AppState>,
    u: CurrentUser,
    Path(tid): Path<i64>,
) -> Result<StatusCode> {
    profile::revoke_token(&st, &u.p, &u.ctx.client_addr, TokenId(tid)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This area's routes, each with who may reach it.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    api_routes!(r, User: get_me, put_locale, put_password, list_tokens, create_token, revoke_token)
}

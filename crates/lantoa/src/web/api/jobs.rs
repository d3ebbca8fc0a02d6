//! The job queue through the API (system administrators).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;

use super::ApiError;
use crate::db::jobs::{JobId, JobRow};
use crate::error::Result;
use crate::service::jobs;
use crate::state::AppState;
use crate::web::extract::SystemAdmin;
use crate::web::{Routes, Scope, api_routes};

#[derive(Deserialize, utoipa::IntoParams)]
pub struct JobsQuery {
    /// queued, running, succeeded, failed, dead or cancelled.
    state: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs", params(JobsQuery),
    responses((status = 200, body = Vec<JobRow>), (status = 403, body = ApiError)))]
pub async fn list(
    State(st): State<AppState>,
    _u: SystemAdmin,
    Query(q): Query<JobsQuery>,
) -> Result<Json<Vec<JobRow>>> {
    Ok(Json(
        jobs::list(&st, q.state.as_deref().filter(|s| !s.is_empty()))
            .await?
            .0,
    ))
}

#[utoipa::path(post, path = "/api/v1/jobs/{jid}/retry", tag = "jobs", params(("jid" = i64, Path)),
    responses((status = 204), (status = 404, body = ApiError), (status = 409, body = ApiError)))]
pub async fn retry(
    State(st): State<AppState>,
    u: SystemAdmin,
    Path(id): Path<i64>,
) -> Result<StatusCode> {
    jobs::retry(&st, &u.p.actor(&u.ctx.client_addr), JobId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/jobs/{jid}/cancel", tag = "jobs", params(("jid" = i64, Path)),
    responses((status = 204), (status = 404, body = ApiError), (status = 409, body = ApiError)))]
pub async fn cancel(
    State(st): State<AppState>,
    u: SystemAdmin,
    Path(id): Path<i64>,
) -> Result<StatusCode> {
    jobs::cancel(&st, &u.p.actor(&u.ctx.client_addr), JobId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This area's routes, each with who may reach it.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    api_routes!(r, System: list, retry, cancel)
}

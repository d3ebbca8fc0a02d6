//! The audit trail through the API.

use axum::Json;
use axum::extract::{Query, State};

use super::ApiError;
use crate::audit::Entry;
use crate::db::audit::list;
use crate::error::Result;
use crate::state::AppState;
use crate::web::extract::{Authz, SystemAdmin, act};
use crate::web::pages::audit::AuditQuery;
use crate::web::{Routes, Scope, api_routes};

#[utoipa::path(get, path = "/api/v1/agencies/{aid}/audit", tag = "audit",
    params(("aid" = i64, Path), ("user" = Option<String>, Query), ("object_type" = Option<String>, Query),
           ("object_id" = Option<String>, Query), ("from" = Option<String>, Query, description = "YYYY-MM-DD, agency time"),
           ("to" = Option<String>, Query), ("before" = Option<i64>, Query, description = "Entries older than this sequence number")),
    responses((status = 200, body = Vec<Entry>), (status = 403, body = ApiError)))]
pub async fn agency_audit(
    State(st): State<AppState>,
    a: Authz<act::ViewAudit>,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Vec<Entry>>> {
    let mut tx = st.db.read().await?;
    Ok(Json(
        list(
            &mut tx,
            &q.to_filter(Some(a.agency.id), &a.agency.time_zone),
        )
        .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "audit",
    responses((status = 200, body = Vec<Entry>), (status = 403, body = ApiError)))]
pub async fn system_audit(
    State(st): State<AppState>,
    _u: SystemAdmin,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Vec<Entry>>> {
    let mut tx = st.db.read().await?;
    Ok(Json(
        list(&mut tx, &q.to_filter(None, &st.config.time_zone)).await?,
    ))
}

/// This area's routes, each with who may reach it.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    api_routes!(r, Agency: agency_audit; System: system_audit)
}

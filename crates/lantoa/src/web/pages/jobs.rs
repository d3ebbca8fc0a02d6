//! The job queue for system administrators: state, errors, retry and cancel.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Layout, render};
use crate::db::jobs::{JobId, JobRow};
use crate::error::Result;
use crate::service::jobs;
use crate::state::AppState;
use crate::web::extract::SystemAdmin;
use crate::web::{Routes, Scope};

#[derive(Template)]
#[template(path = "admin_jobs.html")]
struct JobsPage {
    l: Layout,
    rows: Vec<JobRow>,
    counts: Vec<(String, i64)>,
    state: String,
    tz: String,
}

impl JobsPage {
    fn pct(&self, p: &Option<f64>) -> String {
        p.map(|v| format!("{:.0} %", v * 100.0)).unwrap_or_default()
    }
}

#[derive(Deserialize)]
pub struct JobsQuery {
    state: Option<String>,
}

pub async fn list(
    State(st): State<AppState>,
    u: SystemAdmin,
    Query(q): Query<JobsQuery>,
) -> Result<Response> {
    let state = q.state.filter(|s| !s.is_empty());
    let (rows, counts) = jobs::list(&st, state.as_deref()).await?;
    let l = Layout::build(&st, &u.ctx, None).await?;
    render(&JobsPage {
        l,
        rows,
        counts,
        state: state.unwrap_or_default(),
        tz: st.config.time_zone.clone(),
    })
}

pub async fn retry(
    State(st): State<AppState>,
    u: SystemAdmin,
    Path(id): Path<i64>,
) -> Result<Response> {
    jobs::retry(&st, &u.p.actor(&u.ctx.client_addr), JobId(id)).await?;
    Ok(Redirect::to("/admin/jobs").into_response())
}

pub async fn cancel(
    State(st): State<AppState>,
    u: SystemAdmin,
    Path(id): Path<i64>,
) -> Result<Response> {
    jobs::cancel(&st, &u.p.actor(&u.ctx.client_addr), JobId(id)).await?;
    Ok(Redirect::to("/admin/jobs").into_response())
}

/// This area's routes, each with who may reach it.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    use Scope::*;
    r.get("/admin/jobs", System, list)
        .post("/admin/jobs/{jid}/retry", System, retry)
        .post("/admin/jobs/{jid}/cancel", System, cancel)
}

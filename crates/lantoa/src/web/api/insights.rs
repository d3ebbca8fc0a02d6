//! Insights as JSON: the same tables the dashboards and exports show, from
//! `crate::service::insights` (no chart is drawn for the API).

use axum::Json;
use axum::extract::{Query, State};
use serde::Serialize;

use crate::error::Result;
use crate::i18n::Tr;
use crate::insights::export::Cell;
use crate::insights::report;
use crate::service::insights::{self as svc, Coverage, PeriodQuery, period, today};
use crate::state::AppState;
use crate::web::extract::{Authz, CurrentUser, act};
use crate::web::{Routes, Scope, api_routes};

/// One table of a report; absent figures are `null`, never 0.
#[derive(Serialize, utoipa::ToSchema)]
pub struct InsightsTable {
    /// summary, wide, speed, channels, topics, authors, agencies, length,
    /// besttime, top or bottom.
    pub id: String,
    pub title: String,
    pub headers: Vec<String>,
    /// Each row's cells in the order of `headers`.
    #[schema(value_type = Vec<Vec<Option<InsightsCell>>>)]
    pub rows: Vec<Vec<serde_json::Value>>,
}

/// A table cell as documented: a text, a number, or `null` for a figure the
/// platform does not give. (The rows themselves are built as JSON values.)
#[derive(Serialize, utoipa::ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum InsightsCell {
    Text(String),
    Number(f64),
}

/// A period's report, compared with the period of the same length before.
#[derive(Serialize, utoipa::ToSchema)]
pub struct InsightsReport {
    /// First and last day (inclusive), `YYYY-MM-DD`, in the agency's time zone.
    pub from: String,
    pub to: String,
    pub previous_from: String,
    pub previous_to: String,
    pub tables: Vec<InsightsTable>,
}

async fn build(st: &AppState, tr: &Tr, scope: Coverage, q: &PeriodQuery) -> Result<InsightsReport> {
    let days = period(q, today(st, &scope.tz))?;
    let secs = svc::sections(st, tr, &scope, days).await?;
    let value = |c: &Cell| match c {
        Cell::Text(s) => serde_json::json!(s),
        Cell::Num(v) => serde_json::json!(v),
        Cell::Int(v) => serde_json::json!(v),
        Cell::Empty => serde_json::Value::Null,
    };
    let date = |d: i64| report::date_of(d).to_string();
    Ok(InsightsReport {
        from: date(days.from),
        to: date(days.to - 1),
        previous_from: date(days.previous().from),
        previous_to: date(days.previous().to - 1),
        tables: secs
            .into_iter()
            .map(|s| InsightsTable {
                id: s.id.to_string(),
                title: s.table.title,
                headers: s.table.headers,
                rows: s
                    .table
                    .rows
                    .iter()
                    .map(|r| r.iter().map(value).collect())
                    .collect(),
            })
            .collect(),
    })
}

#[utoipa::path(get, path = "/api/v1/agencies/{aid}/insights", tag = "insights",
    params(("aid" = i64, Path),
           ("from" = Option<String>, Query, description = "First day, YYYY-MM-DD (default: 30 days to today)"),
           ("to" = Option<String>, Query, description = "Last day, YYYY-MM-DD"),
           ("month" = Option<String>, Query, description = "A month instead, YYYY-MM"),
           ("quarter" = Option<String>, Query, description = "A quarter instead, YYYY-Qn")),
    responses((status = 200, body = InsightsReport)))]
pub async fn agency(
    State(st): State<AppState>,
    a: Authz<act::ViewInsights>,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<InsightsReport>> {
    let tr = Tr::new(a.ctx.locale);
    let scope = svc::agency_scope(&a.principal, &a.agency);
    Ok(Json(build(&st, &tr, scope, &q).await?))
}

#[utoipa::path(get, path = "/api/v1/insights", tag = "insights",
    params(("from" = Option<String>, Query), ("to" = Option<String>, Query),
           ("month" = Option<String>, Query), ("quarter" = Option<String>, Query)),
    responses((status = 200, body = InsightsReport)))]
pub async fn province(
    State(st): State<AppState>,
    u: CurrentUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<InsightsReport>> {
    let tr = Tr::new(u.ctx.locale);
    let scope = svc::province_scope(&st, &u.p).await?;
    Ok(Json(build(&st, &tr, scope, &q).await?))
}

/// This area's routes, each with who may reach it.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    api_routes!(r, Agency: agency; User: province)
}

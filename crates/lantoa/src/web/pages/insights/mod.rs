//! Insights pages: the agency dashboard, the overseer's province-wide one,
//! their CSV/XLSX exports, the printable periodic report and a clip's own
//! curves. Every section is a chart (SVG drawn here on the server) beside
//! the table of its numbers; the same tables are what the exports contain.
//! The sections' data, already limited to what the person may see, comes
//! from `crate::service::insights`.

mod clip;
mod print;
mod sections;

pub use crate::service::insights::{PeriodQuery, View, period};
pub use clip::clip;
pub use sections::{ClipCard, Section};

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::{Layout, render, render_status};
use crate::domain::UserId;
use crate::error::{Error, Result};
use crate::i18n::Tr;
use crate::insights::report::{self, Days};
use crate::service::insights::{self as svc, Coverage, today};
use crate::state::AppState;
use crate::web::extract::{Authz, CurrentUser, act};
use crate::web::{Routes, Scope};
use print::{export_of, printable, report_query};

#[derive(Template)]
#[template(path = "insights.html")]
struct DashboardPage {
    l: Layout,
    /// Where the page lives (`/a/3/insights` or `/insights`).
    base: String,
    heading: String,
    from: String,
    to: String,
    query: String,
    /// A period refused: the parameter at fault and why, shown on the form.
    error: Option<(&'static str, String)>,
    sandbox: bool,
    sections: Vec<Section>,
}

/// What a request for insights is about: what may be read (the scope)
/// and where the page lives.
struct ReportFor {
    scope: Coverage,
    tz_name: String,
    heading: String,
    base: String,
}

fn of_agency(a: &Authz<act::ViewInsights>, tr: &Tr) -> ReportFor {
    ReportFor {
        scope: svc::agency_scope(&a.principal, &a.agency),
        tz_name: a.agency.time_zone.clone(),
        heading: format!("{} · {}", tr.t("nav-insights"), a.agency.name),
        base: format!("/a/{}/insights", a.agency.id.0),
    }
}

async fn of_province(st: &AppState, u: &CurrentUser, tr: &Tr) -> Result<ReportFor> {
    Ok(ReportFor {
        scope: svc::province_scope(st, &u.p).await?,
        tz_name: st.config.time_zone.clone(),
        heading: tr.t("insights-province"),
        base: "/insights".into(),
    })
}

/// The report's sections as the pages show them, charts drawn.
async fn page_sections(st: &AppState, tr: &Tr, c: &ReportFor, days: Days) -> Result<Vec<Section>> {
    Ok(svc::sections(st, tr, &c.scope, days)
        .await?
        .into_iter()
        .map(|r| Section::of(r, tr))
        .collect())
}

/// Whether the figures come from the sandbox platforms (demo data).
pub(super) fn sandbox(st: &AppState) -> bool {
    st.config.platforms.sandbox_url.is_some()
}

async fn dashboard(st: &AppState, l: Layout, c: ReportFor, days: Days) -> Result<Response> {
    let sections = page_sections(st, &l.tr, &c, days).await?;
    let from = report::date_of(days.from).to_string();
    let to = report::date_of(days.to - 1).to_string();
    render(&DashboardPage {
        query: format!("from={from}&to={to}"),
        from,
        to,
        error: None,
        base: c.base,
        heading: c.heading,
        sandbox: sandbox(st),
        sections,
        l,
    })
}

/// A period that cannot be read: the dashboard again, in its frame, with the
/// reason beside the period form and the dates as they were typed (400).
fn period_refused(
    st: &AppState,
    l: Layout,
    c: ReportFor,
    q: &PeriodQuery,
    why: &crate::domain::Invalid,
) -> Result<Response> {
    render_status(
        StatusCode::BAD_REQUEST,
        &DashboardPage {
            query: String::new(),
            from: q.from.clone().unwrap_or_default(),
            to: q.to.clone().unwrap_or_default(),
            error: Some((why.field, l.tr.t(why.message_id))),
            base: c.base,
            heading: c.heading,
            sandbox: sandbox(st),
            sections: Vec::new(),
            l,
        },
    )
}

/// What an insights address gives.
#[derive(Clone, Copy)]
enum Out {
    Dashboard,
    Csv,
    Xlsx,
    Report,
    Pdf,
}

async fn respond(
    st: &AppState,
    l: Layout,
    c: ReportFor,
    q: &PeriodQuery,
    out: Out,
    user: UserId,
) -> Result<Response> {
    let t = today(st, &c.scope.tz);
    let asked = match out {
        Out::Report | Out::Pdf => report_query(q, t),
        Out::Dashboard | Out::Csv | Out::Xlsx => q.clone(),
    };
    let days = match period(&asked, t) {
        Ok(d) => d,
        // Said on the dashboard's form, whichever address was asked: the
        // form is where a period is chosen again.
        Err(Error::Invalid(why)) => return period_refused(st, l, c, q, &why),
        Err(e) => return Err(e),
    };
    match out {
        Out::Dashboard => dashboard(st, l, c, days).await,
        Out::Csv => export_of(st, &l.tr, c, q, days, false).await,
        Out::Xlsx => export_of(st, &l.tr, c, q, days, true).await,
        Out::Report => printable(st, l, c, &asked, days, None).await,
        Out::Pdf => printable(st, l, c, &asked, days, Some(user)).await,
    }
}

async fn for_agency(
    st: AppState,
    a: Authz<act::ViewInsights>,
    q: PeriodQuery,
    out: Out,
) -> Result<Response> {
    let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
    let c = of_agency(&a, &l.tr);
    respond(&st, l, c, &q, out, a.principal.user_id).await
}

async fn for_province(st: AppState, u: CurrentUser, q: PeriodQuery, out: Out) -> Result<Response> {
    let l = Layout::build(&st, &u.ctx, None).await?;
    let c = of_province(&st, &u, &l.tr).await?;
    respond(&st, l, c, &q, out, u.p.user_id).await
}

/// The route handlers: each address of the agency's and of the overseer's
/// insights, and what it gives.
macro_rules! handlers {
    ($($agency:ident, $province:ident => $out:expr;)*) => {$(
        pub async fn $agency(
            State(st): State<AppState>,
            a: Authz<act::ViewInsights>,
            Query(q): Query<PeriodQuery>,
        ) -> Result<Response> {
            for_agency(st, a, q, $out).await
        }

        pub async fn $province(
            State(st): State<AppState>,
            u: CurrentUser,
            Query(q): Query<PeriodQuery>,
        ) -> Result<Response> {
            for_province(st, u, q, $out).await
        }
    )*};
}

handlers! {
    agency, province => Out::Dashboard;
    agency_csv, province_csv => Out::Csv;
    agency_xlsx, province_xlsx => Out::Xlsx;
    agency_report, province_report => Out::Report;
    agency_report_pdf, province_report_pdf => Out::Pdf;
}

/// This area's routes, each with who may reach it.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    use Scope::*;
    r.get("/a/{aid}/insights", Agency, agency)
        .get("/a/{aid}/insights/export.csv", Agency, agency_csv)
        .get("/a/{aid}/insights/export.xlsx", Agency, agency_xlsx)
        .get("/a/{aid}/insights/report", Agency, agency_report)
        .get("/a/{aid}/clips/{cid}/insights", Agency, clip)
        .get("/insights", User, province)
        .get("/insights/export.csv", User, province_csv)
        .get("/insights/export.xlsx", User, province_xlsx)
        .get("/insights/report", User, province_report)
        .get("/insights/report.pdf", User, province_report_pdf)
        .get("/a/{aid}/insights/report.pdf", Agency, agency_report_pdf)
}

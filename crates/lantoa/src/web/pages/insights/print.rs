//! The insights exports: each table as CSV, every table as an XLSX workbook,
//! and the printable periodic report, as a page or a PDF file.

use askama::Template;
use axum::response::Response;
use jiff::civil::Date;

use super::{PeriodQuery, ReportFor, Section, page_sections, sandbox};
use crate::domain::UserId;
use crate::error::{Error, Result};
use crate::i18n::Tr;
use crate::insights::export::{self, Table};
use crate::insights::report::{self, Days};
use crate::service::insights::{self as svc, View, date_text};
use crate::state::AppState;
use crate::web::pages::{Layout, render};

#[derive(Template)]
#[template(path = "insights_report.html")]
struct ReportPage {
    l: Layout,
    /// The stylesheet, inlined when the page is printed to a PDF file here.
    inline_css: Option<&'static str>,
    pdf_href: String,
    heading: String,
    period: String,
    generated: String,
    sandbox: bool,
    sections: Vec<Section>,
}

/// One table as CSV (`q.table`, the summary by default) or every table as
/// a workbook; the tables alone, no chart is drawn.
pub(super) async fn export_of(
    st: &AppState,
    tr: &Tr,
    c: ReportFor,
    q: &PeriodQuery,
    days: Days,
    xlsx: bool,
) -> Result<Response> {
    let sections = svc::sections(st, tr, &c.scope, days).await?;
    let stem = format!(
        "lantoa-{}-{}-{}",
        match c.scope.view {
            View::Agency(a) => format!("agency{}", a.0),
            View::Province => "province".into(),
        },
        report::date_of(days.from),
        report::date_of(days.to - 1)
    );
    let (body, kind, name) = if xlsx {
        let tables: Vec<Table> = sections.into_iter().map(|s| s.table).collect();
        (
            export::xlsx(&tables),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            format!("{stem}.xlsx"),
        )
    } else {
        let want = q.table.as_deref().unwrap_or("summary");
        let s = sections
            .into_iter()
            .find(|s| s.id == want)
            .ok_or(Error::NotFound)?;
        (
            export::csv(&s.table),
            "text/csv; charset=utf-8",
            format!("{stem}-{want}.csv"),
        )
    };
    Ok(crate::web::pages::attachment(body, kind, &name))
}

/// What a printable report covers: a month or a quarter, the previous month
/// by default.
pub(super) fn report_query(q: &PeriodQuery, today: Date) -> PeriodQuery {
    let mut q2 = PeriodQuery::default();
    if q.month.is_none() && q.quarter.is_none() {
        let first = today.first_of_month();
        let prev = first
            .checked_sub(jiff::Span::new().months(1))
            .unwrap_or(first);
        q2.month = Some(prev.strftime("%Y-%m").to_string());
    } else {
        q2.month = q.month.clone();
        q2.quarter = q.quarter.clone();
    }
    q2
}

/// The printable report of `q2` (a [`report_query`]) covering `days`; as a
/// PDF file (`print_for`: who prints it) or a page.
pub(super) async fn printable(
    st: &AppState,
    l: Layout,
    c: ReportFor,
    q2: &PeriodQuery,
    days: Days,
    print_for: Option<UserId>,
) -> Result<Response> {
    let pdf = print_for.is_some();
    let mut sections = page_sections(st, &l.tr, &c, days).await?;
    let (period, stem) = match (&q2.month, &q2.quarter) {
        (_, Some(qr)) if !qr.is_empty() => (l.tr.t1("insights-quarter", "q", qr), qr.clone()),
        (Some(m), _) => (
            l.tr.t1(
                "insights-month",
                "m",
                &crate::clock::month_in(report::date_of(days.from), l.tr.locale),
            ),
            m.clone(),
        ),
        _ => (String::new(), String::new()),
    };
    if pdf {
        // Posters are behind the session; the file carries the tables.
        for s in &mut sections {
            s.cards.clear();
        }
    }
    let page = ReportPage {
        inline_css: pdf.then_some(crate::web::pages::APP_CSS),
        pdf_href: format!(
            "{}/report.pdf?{}",
            c.base,
            match (&q2.month, &q2.quarter) {
                (_, Some(qr)) if !qr.is_empty() => format!("quarter={qr}"),
                (Some(m), _) => format!("month={m}"),
                _ => String::new(),
            }
        ),
        heading: c.heading,
        period: format!(
            "{period} ({} – {})",
            date_text(days.from, l.tr.locale),
            date_text(days.to - 1, l.tr.locale)
        ),
        generated: crate::clock::format_local_in(st.now(), &c.tz_name, l.tr.locale),
        sandbox: sandbox(st),
        sections,
        l,
    };
    let Some(user) = print_for else {
        return render(&page);
    };
    crate::web::pages::as_pdf(st, user, &page, &format!("report-{stem}")).await
}

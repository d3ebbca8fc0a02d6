//! The province scorecard: the body's page for a month, its printable report
//! (and PDF), and the same figures as JSON and XLSX.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Json, Response};

use super::{Layout, render};
use crate::error::Result;
use crate::insights::chart::fmt_num_in;
use crate::insights::export::{self, Cell, Table};
use crate::service::scorecard::{self as svc, Line, Scorecard};
use crate::state::AppState;
use crate::web::extract::{BodyAuthz, body_act};
use crate::web::{Routes, Scope};

#[derive(serde::Deserialize, Default)]
pub struct MonthQuery {
    #[serde(default)]
    month: Option<String>,
    #[serde(default)]
    pdf: bool,
}

/// Whether a figure is better when higher (reach) or lower (hours, incidents).
#[derive(Clone, Copy)]
enum Better {
    Higher,
    Lower,
}

/// The columns: message id, the figure, how it is written, which way is better.
type Column = (&'static str, fn(&Line) -> Option<f64>, Kind, Better);

#[derive(Clone, Copy)]
enum Kind {
    Count,
    Hours,
    Share,
}

const COLUMNS: [Column; 10] = [
    (
        "score-published",
        |l| Some(l.published),
        Kind::Count,
        Better::Higher,
    ),
    (
        "score-median-hours",
        |l| l.median_hours,
        Kind::Hours,
        Better::Lower,
    ),
    (
        "score-within-length",
        |l| l.within_length,
        Kind::Share,
        Better::Higher,
    ),
    (
        "score-head-signed",
        |l| l.head_signed,
        Kind::Share,
        Better::Higher,
    ),
    (
        "score-corrections",
        |l| Some(l.corrections),
        Kind::Count,
        Better::Lower,
    ),
    (
        "score-incidents",
        |l| Some(l.incidents),
        Kind::Count,
        Better::Lower,
    ),
    (
        "score-campaigns",
        |l| l.campaign_coverage,
        Kind::Share,
        Better::Higher,
    ),
    ("score-reach", |l| l.reach, Kind::Count, Better::Higher),
    (
        "score-completion",
        |l| l.completion,
        Kind::Share,
        Better::Higher,
    ),
    (
        "score-surveys",
        |l| Some(l.survey_answers),
        Kind::Count,
        Better::Higher,
    ),
];

/// A cell as shown, with how it compares with the province median.
pub struct ShownCell {
    pub text: String,
    /// "above", "below" (better or worse than the median) or "".
    pub mark: &'static str,
}

pub struct ShownLine {
    pub agency: String,
    pub cells: Vec<ShownCell>,
}

fn text(l: &Layout, v: Option<f64>, k: Kind) -> String {
    let Some(v) = v else {
        return l.tr.t("insights-absent");
    };
    match k {
        Kind::Count => fmt_num_in(v.round(), l.tr.locale),
        Kind::Hours => fmt_num_in((v * 10.0).round() / 10.0, l.tr.locale),
        Kind::Share => format!("{}%", fmt_num_in((v * 100.0).round(), l.tr.locale)),
    }
}

fn shown(l: &Layout, line: &Line, median: Option<&Line>) -> ShownLine {
    let cells = COLUMNS
        .iter()
        .map(|(_, f, k, better)| {
            let v = f(line);
            let mark = match (v, median.and_then(f), better) {
                (Some(x), Some(m), Better::Higher) if x > m => "better",
                (Some(x), Some(m), Better::Higher) if x < m => "worse",
                (Some(x), Some(m), Better::Lower) if x < m => "better",
                (Some(x), Some(m), Better::Lower) if x > m => "worse",
                _ => "",
            };
            ShownCell {
                text: text(l, v, *k),
                mark,
            }
        })
        .collect();
    ShownLine {
        agency: line.agency.clone(),
        cells,
    }
}

/// What the page and the printed report show.
struct Shown {
    heads: Vec<String>,
    lines: Vec<ShownLine>,
    median: ShownLine,
    /// Agencies' names, then per month its label and counts.
    trend_heads: Vec<String>,
    trend: Vec<(String, Vec<String>)>,
}

fn shown_all(l: &Layout, s: &Scorecard) -> Shown {
    Shown {
        heads: COLUMNS.iter().map(|(h, ..)| l.tr.t(h)).collect(),
        lines: s
            .lines
            .iter()
            .map(|x| shown(l, x, Some(&s.median)))
            .collect(),
        median: shown(l, &s.median, None),
        trend_heads: s.lines.iter().map(|x| x.agency.clone()).collect(),
        trend: s
            .trend
            .iter()
            .map(|(m, counts)| {
                (
                    month_label(l, m),
                    counts
                        .iter()
                        .map(|c| text(l, Some(*c), Kind::Count))
                        .collect(),
                )
            })
            .collect(),
    }
}

fn month_label(l: &Layout, m: &str) -> String {
    format!("{m}-01")
        .parse::<jiff::civil::Date>()
        .map(|d| crate::clock::month_in(d, l.tr.locale))
        .unwrap_or_else(|_| m.to_string())
}

#[derive(Template)]
#[template(path = "scorecard.html")]
struct ScorecardPage {
    l: Layout,
    bid: i64,
    month: String,
    month_label: String,
    s: Shown,
}

#[derive(Template)]
#[template(path = "scorecard_report.html")]
struct ReportPage {
    l: Layout,
    inline_css: Option<&'static str>,
    bid: i64,
    body: String,
    month: String,
    month_label: String,
    generated: String,
    s: Shown,
}

async fn scorecard_of(
    st: &AppState,
    b: &BodyAuthz<body_act::ViewBody>,
    q: &MonthQuery,
) -> Result<Scorecard> {
    let first = svc::month_of(q.month.as_deref(), st.now(), &b.agency.time_zone)?;
    svc::build(st, &b.agency, first, b.ctx.tr().t("score-median")).await
}

pub async fn page(
    State(st): State<AppState>,
    b: BodyAuthz<body_act::ViewBody>,
    Query(q): Query<MonthQuery>,
) -> Result<Response> {
    let s = scorecard_of(&st, &b, &q).await?;
    let l = Layout::build(&st, &b.ctx, None).await?;
    render(&ScorecardPage {
        bid: b.agency.id.0,
        month_label: month_label(&l, &s.month),
        month: s.month.clone(),
        s: shown_all(&l, &s),
        l,
    })
}

pub async fn report(
    State(st): State<AppState>,
    b: BodyAuthz<body_act::ViewBody>,
    Query(q): Query<MonthQuery>,
) -> Result<Response> {
    let s = scorecard_of(&st, &b, &q).await?;
    let l = Layout::build(&st, &b.ctx, None).await?;
    let page = ReportPage {
        inline_css: q.pdf.then_some(super::APP_CSS),
        bid: b.agency.id.0,
        body: b.agency.name.clone(),
        month_label: month_label(&l, &s.month),
        month: s.month.clone(),
        generated: l.time(&st.now(), &b.agency.time_zone),
        s: shown_all(&l, &s),
        l,
    };
    if !q.pdf {
        return render(&page);
    }
    super::as_pdf(
        &st,
        b.principal.user_id,
        &page,
        &format!("scorecard-{}", s.month),
    )
    .await
}

pub async fn json(
    State(st): State<AppState>,
    b: BodyAuthz<body_act::ViewBody>,
    Query(q): Query<MonthQuery>,
) -> Result<Json<Scorecard>> {
    Ok(Json(scorecard_of(&st, &b, &q).await?))
}

pub async fn xlsx(
    State(st): State<AppState>,
    b: BodyAuthz<body_act::ViewBody>,
    Query(q): Query<MonthQuery>,
) -> Result<Response> {
    let s = scorecard_of(&st, &b, &q).await?;
    let tr = b.ctx.tr();
    let row = |x: &Line| {
        std::iter::once(Cell::Text(x.agency.clone()))
            .chain(
                COLUMNS
                    .iter()
                    .map(|(_, f, ..)| f(x).map_or(Cell::Empty, Cell::Num)),
            )
            .collect::<Vec<_>>()
    };
    let score = Table {
        title: tr.t("score-title").chars().take(31).collect(),
        headers: std::iter::once(tr.t("campaign-agency"))
            .chain(COLUMNS.iter().map(|(h, ..)| tr.t(h)))
            .collect(),
        rows: s.lines.iter().chain([&s.median]).map(row).collect(),
    };
    let trend = Table {
        title: tr.t("score-trend").chars().take(31).collect(),
        headers: std::iter::once(tr.t("score-month"))
            .chain(s.lines.iter().map(|x| x.agency.clone()))
            .collect(),
        rows: s
            .trend
            .iter()
            .map(|(m, c)| {
                std::iter::once(Cell::Text(m.clone()))
                    .chain(c.iter().map(|n| Cell::Num(*n)))
                    .collect()
            })
            .collect(),
    };
    Ok(super::attachment(
        export::xlsx(&[score, trend]),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("lantoa-scorecard-{}.xlsx", s.month),
    ))
}

/// This area's routes, each with who may reach it.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    use Scope::*;
    r.get("/b/{bid}/scorecard", Body, page)
        .get("/b/{bid}/scorecard/report", Body, report)
        .get("/b/{bid}/scorecard.json", Body, json)
        .get("/b/{bid}/scorecard.xlsx", Body, xlsx)
}

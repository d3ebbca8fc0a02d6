//! A survey's results page and its exports: answers against the target, a
//! chart per question (server SVG, as the insights draw them), the
//! cross-tabulation by one single-choice question (`?by=`), the words of
//! the short answers, and the comparison card beside the measured figures.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::{Layout, render};
use crate::domain::SurveyId;
use crate::domain::survey::{self as dom, Kind, Measure, QTally};
use crate::domain::survey_words::frequent_words;
use crate::error::Result;
use crate::insights::chart::{Charts, fmt_num_in};
use crate::insights::export;
use crate::service::surveys::results::{self as res, Comparison, Loaded};
use crate::service::surveys::{Status, results::COMPARE_DAYS};
use crate::state::AppState;
use crate::web::extract::{OrgAuthz, act, body_act};

pub struct QResult {
    pub key: String,
    pub text: String,
    pub answered: usize,
    pub chart: String,
    /// Rating: mean. Ranking: each option's mean place.
    pub summary: Vec<(String, String)>,
    pub texts: Vec<String>,
    pub words: Vec<(String, usize)>,
}

pub struct Cross {
    pub question: String,
    pub heads: Vec<String>,
    /// (option, one cell per group)
    pub rows: Vec<(String, Vec<String>)>,
}

pub struct CompView {
    pub title: String,
    pub question: String,
    /// (option, said, posts, median views)
    pub rows: Vec<(String, String, String, String)>,
    pub said_best: Option<String>,
    pub measured_best: Option<String>,
    pub no_posts: bool,
}

#[derive(Template)]
#[template(path = "survey_results.html")]
struct ResultsPage {
    l: Layout,
    base: String,
    title: String,
    status: &'static str,
    status_label: String,
    responses: usize,
    target: i64,
    /// Of the target, 0–100.
    progress: u32,
    questions: Vec<QResult>,
    /// Single-choice questions to cross by: (key, text, chosen)
    by_options: Vec<(String, String, bool)>,
    by_text: Option<String>,
    cross: Vec<Cross>,
    comparisons: Vec<CompView>,
    compare_days: i64,
}

#[derive(Debug, Default, Deserialize)]
pub struct ResultsQuery {
    pub by: Option<String>,
}

/// A share 0–1 as a whole percentage, written alike in both languages.
fn percent(v: f64) -> String {
    format!("{:.0}%", v * 100.0)
}

fn question_result(l: &Layout, charts: &Charts, q: &dom::Question, t: &QTally) -> QResult {
    let unit = l.tr.t("survey-chart-people");
    let rows: Vec<(String, Option<f64>)> = match q.kind {
        Kind::Rating => t
            .counts
            .iter()
            .enumerate()
            .map(|(i, n)| ((i + 1).to_string(), Some(*n as f64)))
            .collect(),
        Kind::Text => Vec::new(),
        _ => q
            .options
            .iter()
            .zip(&t.counts)
            .map(|(c, n)| (c.label.clone(), Some(*n as f64)))
            .collect(),
    };
    let chart_title = match q.kind {
        Kind::Ranking => l.tr.t("survey-chart-first"),
        _ => q.text.clone(),
    };
    let chart = if rows.is_empty() {
        String::new()
    } else {
        charts.hbar_chart(&chart_title, &rows, &unit)
    };
    let mut summary = Vec::new();
    if let Some(m) = t.mean {
        summary.push((l.tr.t("survey-mean"), fmt_num_in(m, l.tr.locale)));
    }
    if q.kind == Kind::Ranking {
        for (c, p) in q.options.iter().zip(&t.places) {
            let v = p.map_or_else(|| l.tr.t("insights-absent"), |p| fmt_num_in(p, l.tr.locale));
            summary.push((c.label.clone(), v));
        }
    }
    QResult {
        key: q.key.clone(),
        text: q.text.clone(),
        answered: t.answered,
        chart,
        summary,
        words: frequent_words(t.texts.iter().map(String::as_str), 20),
        texts: t.texts.iter().rev().take(50).cloned().collect(),
    }
}

fn cross_of(l: &Layout, data: &Loaded, by: &dom::Question) -> Vec<Cross> {
    let pct = |n: usize, of: usize| {
        if of == 0 {
            "–".to_string()
        } else {
            format!("{n} ({})", percent(n as f64 / of as f64))
        }
    };
    let _ = l;
    data.form
        .questions
        .iter()
        .filter(|q| q.key != by.key && matches!(q.kind, Kind::Single | Kind::Multiple))
        .map(|q| {
            let groups = dom::crosstab(by, q, &data.responses);
            Cross {
                question: q.text.clone(),
                heads: by.options.iter().map(|c| c.label.clone()).collect(),
                rows: q
                    .options
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let cells = groups
                            .iter()
                            .map(|g| pct(g.counts[i], g.answered))
                            .collect();
                        (c.label.clone(), cells)
                    })
                    .collect(),
            }
        })
        .collect()
}

fn comp_view(l: &Layout, c: Comparison) -> CompView {
    let title = l.tr.t(match c.measure {
        Measure::Time => "survey-compare-time",
        Measure::Length => "survey-compare-length",
        Measure::Topics => "survey-compare-topics",
    });
    let no_posts = c.rows.iter().all(|r| r.posts == 0);
    CompView {
        title,
        question: c.question,
        rows: c
            .rows
            .into_iter()
            .map(|r| {
                (
                    r.label,
                    r.said.map_or_else(|| "–".into(), percent),
                    r.posts.to_string(),
                    r.median_views
                        .map_or_else(|| l.tr.t("insights-absent"), |v| fmt_num_in(v, l.tr.locale)),
                )
            })
            .collect(),
        said_best: c.said_best,
        measured_best: c.measured_best,
        no_posts,
    }
}

pub async fn results(
    State(st): State<AppState>,
    a: OrgAuthz<act::ViewSurveys, body_act::ViewBody>,
    Path((_, sid)): Path<(i64, i64)>,
    Query(q): Query<ResultsQuery>,
) -> Result<Response> {
    let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
    let data = res::load(&a.caller, SurveyId(sid)).await?;
    let charts = Charts::new(&l.tr);
    let tallies = dom::tally(&data.form, &data.responses);
    let questions = data
        .form
        .questions
        .iter()
        .zip(&tallies)
        .map(|(q, t)| question_result(&l, &charts, q, t))
        .collect();
    let by =
        q.by.as_deref()
            .and_then(|k| data.form.question(k))
            .filter(|q| q.kind == Kind::Single);
    let cross = by.map(|b| cross_of(&l, &data, b)).unwrap_or_default();
    let comparisons = res::compare(&a.caller, &data)
        .await?
        .into_iter()
        .map(|c| comp_view(&l, c))
        .collect();
    let status = Status::of(&data.survey, st.now());
    let target = data.survey.target;
    let responses = data.responses.len();
    render(&ResultsPage {
        base: format!("{}/surveys/{sid}", a.agency.base_path()),
        title: data.survey.title.clone(),
        status: status.code(),
        status_label: l.tr.t(&format!("survey-status-{}", status.code())),
        responses,
        target,
        progress: if target > 0 {
            ((responses as f64 / target as f64) * 100.0).min(100.0) as u32
        } else {
            0
        },
        questions,
        by_options: data
            .form
            .questions
            .iter()
            .filter(|x| x.kind == Kind::Single)
            .map(|x| {
                (
                    x.key.clone(),
                    x.text.clone(),
                    by.is_some_and(|b| b.key == x.key),
                )
            })
            .collect(),
        by_text: by.map(|b| b.text.clone()),
        cross,
        comparisons,
        compare_days: COMPARE_DAYS,
        l,
    })
}

async fn tables(
    a: &OrgAuthz<act::ViewSurveys, body_act::ViewBody>,
    sid: i64,
) -> Result<Vec<export::Table>> {
    let data = res::load(&a.caller, SurveyId(sid)).await?;
    Ok(res::tables(&a.ctx.tr(), &data))
}

pub async fn export_csv(
    a: OrgAuthz<act::ViewSurveys, body_act::ViewBody>,
    Path((_, sid)): Path<(i64, i64)>,
) -> Result<Response> {
    let t = tables(&a, sid).await?;
    let body = t.first().map(export::csv).unwrap_or_default();
    Ok(super::attachment(
        body,
        "text/csv; charset=utf-8",
        &format!("survey-{sid}.csv"),
    ))
}

pub async fn export_xlsx(
    a: OrgAuthz<act::ViewSurveys, body_act::ViewBody>,
    Path((_, sid)): Path<(i64, i64)>,
) -> Result<Response> {
    let t = tables(&a, sid).await?;
    let mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    Ok(super::attachment(
        export::xlsx(&t),
        mime,
        &format!("survey-{sid}.xlsx"),
    ))
}

//! A survey's answers counted, exported (CSV and XLSX through the insights'
//! writers) and set beside what the agency's measured figures show: the
//! hours its posts do best, the lengths and the topics (the comparison card).
//! A closed survey's answers are kept and read the same way.

use std::collections::BTreeSet;

use super::form_of;
use crate::db::insights::{self as idb, Post};
use crate::db::surveys::{self as sdb, Survey};
use crate::domain::SurveyId;
use crate::domain::survey::{Answers, Form, Kind, Measure, Question, answer_text};
use crate::error::Result;
use crate::i18n::Tr;
use crate::insights::export::{Cell, Table};
use crate::insights::report::{BUCKETS, bucket_of, median};
use crate::service::Caller;

/// How far back the comparison reads the agency's posts.
pub const COMPARE_DAYS: i64 = 90;

/// A survey with its form and every answer, oldest first.
pub struct Loaded {
    pub survey: Survey,
    pub form: Form,
    pub responses: Vec<Answers>,
    /// Each answer's hour (UTC ms), in the same order.
    pub hours: Vec<i64>,
    /// The agency's time zone, in which hours are written.
    pub tz: String,
}

pub async fn load(c: &Caller, id: SurveyId) -> Result<Loaded> {
    let mut tx = c.st.db.read().await?;
    let survey = sdb::get(&mut tx, c.agency_id(), id)
        .await?
        .ok_or(crate::error::Error::NotFound)?;
    let form = form_of(&survey)?;
    let mut responses = Vec::new();
    let mut hours = Vec::new();
    for (hour, json) in sdb::responses(&mut tx, id).await? {
        // An answer that cannot be read is left out, never the page.
        if let Ok(a) = serde_json::from_str::<Answers>(&json) {
            responses.push(a);
            hours.push(hour);
        }
    }
    Ok(Loaded {
        survey,
        form,
        responses,
        hours,
        tz: c.agency.time_zone.clone(),
    })
}

/// The answers as two tables: one row per answer, then the counts per option.
pub fn tables(tr: &Tr, l: &Loaded) -> Vec<Table> {
    let tz = &l.tz;
    let mut headers = vec![tr.t("survey-col-number"), tr.t("survey-col-hour")];
    headers.extend(l.form.questions.iter().map(|q| q.text.clone()));
    let rows = l
        .responses
        .iter()
        .zip(&l.hours)
        .enumerate()
        .map(|(i, (r, h))| {
            let mut row = vec![
                Cell::Int(i as i64 + 1),
                Cell::Text(crate::clock::datetime_input(*h, tz).replace('T', " ")),
            ];
            row.extend(l.form.questions.iter().map(|q| match r.get(&q.key) {
                Some(a) => Cell::Text(answer_text(q, a)),
                None => Cell::Empty,
            }));
            row
        })
        .collect();
    let answers = Table {
        title: tr.t("survey-sheet-answers"),
        headers,
        rows,
    };
    let mut counts = Table {
        title: tr.t("survey-sheet-counts"),
        headers: vec![
            tr.t("survey-col-question"),
            tr.t("survey-col-option"),
            tr.t("survey-col-count"),
        ],
        rows: Vec::new(),
    };
    let tallies = crate::domain::survey::tally(&l.form, &l.responses);
    for (q, t) in l.form.questions.iter().zip(&tallies) {
        for (i, n) in t.counts.iter().enumerate() {
            let label = match q.kind {
                Kind::Rating => (i + 1).to_string(),
                _ => q
                    .options
                    .get(i)
                    .map_or_else(String::new, |c| c.label.clone()),
            };
            counts.rows.push(vec![
                Cell::Text(q.text.clone()),
                Cell::Text(label),
                Cell::Int(*n as i64),
            ]);
        }
    }
    vec![answers, counts]
}

/// One option beside the measured posts it stands for.
#[derive(Debug, Clone)]
pub struct Side {
    pub label: String,
    /// Share of those who answered the question who chose it (0–1).
    pub said: Option<f64>,
    /// The agency's posts it stands for, and their median views.
    pub posts: usize,
    pub median_views: Option<f64>,
}

/// One measured question of the survey beside the figures.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub measure: Measure,
    pub question: String,
    pub rows: Vec<Side>,
    /// The option the most people chose, and the one whose posts do best.
    pub said_best: Option<String>,
    pub measured_best: Option<String>,
}

/// The survey's time, length and topic questions beside the agency's posts
/// of the last [`COMPARE_DAYS`] days.
pub async fn compare(c: &Caller, l: &Loaded) -> Result<Vec<Comparison>> {
    let measured: Vec<&Question> = l
        .form
        .questions
        .iter()
        .filter(|q| q.measure.is_some())
        .collect();
    if measured.is_empty() {
        return Ok(Vec::new());
    }
    let now = c.st.now();
    let posts = {
        let mut tx = c.st.db.read().await?;
        // A body's survey is compared with all its agencies' posts.
        let agencies = if c.agency.is_agency() {
            vec![c.agency_id()]
        } else {
            crate::db::orgs::agencies_of_body(&mut tx, c.agency_id())
                .await?
                .iter()
                .map(|a| a.id)
                .collect()
        };
        idb::posts_published(&mut tx, &agencies, now - COMPARE_DAYS * 86_400_000, now).await?
    };
    Ok(measured
        .into_iter()
        .filter_map(|q| Some(compare_one(q, q.measure?, &l.responses, &posts)))
        .collect())
}

/// Whether a post falls under what an option stands for.
fn covers(measure: Measure, maps: &str, p: &Post) -> bool {
    match measure {
        Measure::Time => {
            let mut it = maps.split('-').filter_map(|x| x.trim().parse::<i64>().ok());
            match (it.next(), it.next()) {
                (Some(a), Some(b)) => (a..b).contains(&p.local_hour),
                _ => false,
            }
        }
        Measure::Length => {
            let buckets: BTreeSet<usize> = maps
                .split(',')
                .filter_map(|x| x.trim().parse().ok())
                .filter(|b| *b < BUCKETS.len())
                .collect();
            p.duration_s
                .is_some_and(|d| buckets.contains(&bucket_of(d)))
        }
        Measure::Topics => p.category == maps,
    }
}

fn compare_one(
    q: &Question,
    measure: Measure,
    responses: &[Answers],
    posts: &[Post],
) -> Comparison {
    let t = crate::domain::survey::tally_one(q, responses.iter());
    let rows: Vec<Side> = q
        .options
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mine: Vec<&Post> = c
                .maps
                .as_deref()
                .map(|m| posts.iter().filter(|p| covers(measure, m, p)).collect())
                .unwrap_or_default();
            // Times compare the first two days' views (every post the same
            // age); lengths and topics the views to date.
            let mut views: Vec<f64> = mine
                .iter()
                .filter_map(|p| match measure {
                    Measure::Time => p.views_48h.map(|v| v as f64),
                    _ => p.latest[idb::VIEWS],
                })
                .collect();
            let said = (t.answered > 0 && q.kind != Kind::Ranking)
                .then(|| t.counts.get(i).copied().unwrap_or(0) as f64 / t.answered as f64);
            Side {
                label: c.label.clone(),
                said,
                posts: mine.len(),
                median_views: median(&mut views),
            }
        })
        .collect();
    let best = |f: &dyn Fn(&Side) -> Option<f64>| {
        rows.iter()
            .filter_map(|r| Some((f(r)?, r)))
            .filter(|(v, _)| *v > 0.0)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, r)| r.label.clone())
    };
    Comparison {
        measure,
        question: q.text.clone(),
        said_best: best(&|r| r.said),
        measured_best: best(&|r| r.median_views),
        rows,
    }
}

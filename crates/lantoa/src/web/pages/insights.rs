//! Insights pages: the agency dashboard, the overseer's province-wide one,
//! their CSV/XLSX exports, the printable periodic report and a clip's own
//! curves. Every section is a chart (SVG drawn here on the server) beside
//! the table of its numbers; the same tables are what the exports contain.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Deserialize;

use super::{Layout, render, render_status};
use crate::db::insights as idb;
use crate::db::orgs::Org;
use crate::domain::{ClipId, OrgId, Role, UserId};
use crate::error::{Error, Result};
use crate::i18n::Tr;
use crate::insights::chart::{self, Series, fmt_num};
use crate::insights::export::{self, Cell, Table};
use crate::insights::report::{self, By, Days, Step};
use crate::platforms::Platform;
use crate::state::AppState;
use crate::web::extract::{Authz, CurrentUser, act};

/// The period asked for: `from`/`to` dates (inclusive), or a `month`
/// (`2026-10`) or `quarter` (`2026-Q4`) for the printable report.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PeriodQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub month: Option<String>,
    pub quarter: Option<String>,
    /// Which table an export is of (CSV).
    pub table: Option<String>,
}

/// Resolves the period: the dates given, else the last 30 days to today. A
/// refusal names the parameter at fault (`from`, `to`, `month` or
/// `quarter`; `from` when each date reads but together they make no period).
pub fn period(q: &PeriodQuery, today: Date) -> Result<Days> {
    let bad = |field: &'static str, message_id: &'static str| {
        Error::Invalid(crate::domain::Invalid::new(field, message_id))
    };
    let date = |s: &str, field| {
        s.trim()
            .parse::<Date>()
            .map_err(|_| bad(field, "insights-bad-date"))
    };
    if let Some(m) = q.month.as_deref().filter(|s| !s.is_empty()) {
        let bad_month = || bad("month", "insights-bad-month");
        let d = format!("{}-01", m.trim())
            .parse::<Date>()
            .map_err(|_| bad_month())?;
        let next = d
            .checked_add(jiff::Span::new().months(1))
            .map_err(|_| bad_month())?;
        return Ok(Days {
            from: report::day_of(d),
            to: report::day_of(next),
        });
    }
    if let Some(qr) = q.quarter.as_deref().filter(|s| !s.is_empty()) {
        let bad_quarter = || bad("quarter", "insights-bad-quarter");
        let (y, n) = qr.trim().split_once("-Q").ok_or_else(bad_quarter)?;
        let n: i8 = n.parse().map_err(|_| bad_quarter())?;
        if !(1..=4).contains(&n) {
            return Err(bad_quarter());
        }
        let d = format!("{y}-{:02}-01", (n - 1) * 3 + 1)
            .parse::<Date>()
            .map_err(|_| bad_quarter())?;
        let next = d
            .checked_add(jiff::Span::new().months(3))
            .map_err(|_| bad_quarter())?;
        return Ok(Days {
            from: report::day_of(d),
            to: report::day_of(next),
        });
    }
    let to = match q.to.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => report::day_of(date(s, "to")?) + 1,
        None => report::day_of(today) + 1,
    };
    let from = match q.from.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => report::day_of(date(s, "from")?),
        None => to - 30,
    };
    if from >= to || to - from > 2 * 366 {
        return Err(bad("from", "insights-bad-period"));
    }
    Ok(Days { from, to })
}

fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap_or_else(|_| {
        TimeZone::get(crate::config::DEFAULT_TIME_ZONE).unwrap_or(TimeZone::UTC)
    })
}

pub(crate) fn today(st: &AppState, tz: &TimeZone) -> Date {
    jiff::Timestamp::from_millisecond(st.now())
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned_datetime(tz.clone())
        .date()
}

/// A clip shown with its poster (top and bottom lists).
pub struct ClipCard {
    pub href: String,
    pub poster: Option<String>,
    pub title: String,
    pub figure: String,
}

/// One part of a dashboard: charts and the table of their numbers.
pub struct Section {
    pub id: &'static str,
    pub title: String,
    pub hint: String,
    /// SVG markup drawn here (escaped by the chart module).
    pub charts: Vec<String>,
    pub notes: Vec<String>,
    pub cards: Vec<ClipCard>,
    pub table: Table,
    /// The table's cells as shown (numbers Vietnamese style, absent = "không có").
    pub shown: Vec<Vec<String>>,
}

impl Section {
    fn new(id: &'static str, tr: &Tr, table: Table) -> Section {
        let none = tr.t("insights-absent");
        let shown = table
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        Cell::Text(s) => s.clone(),
                        Cell::Num(v) => fmt_num(*v),
                        Cell::Int(v) => fmt_num(*v as f64),
                        Cell::Empty => none.clone(),
                    })
                    .collect()
            })
            .collect();
        Section {
            id,
            title: tr.t(&format!("insights-{id}")),
            hint: tr.t(&format!("insights-{id}-hint")),
            charts: Vec::new(),
            notes: Vec::new(),
            cards: Vec::new(),
            table,
            shown,
        }
    }
}

fn cell(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, Cell::Num)
}

fn int(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, |x| Cell::Int(x.round() as i64))
}

fn pct(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, |x| Cell::Num((x * 1000.0).round() / 10.0))
}

fn change(cur: Option<f64>, prev: Option<f64>) -> Cell {
    match (cur, prev) {
        (Some(c), Some(p)) if p > 0.0 => Cell::Num(((c - p) / p * 1000.0).round() / 10.0),
        _ => Cell::Empty,
    }
}

fn day_label(day: i64) -> String {
    report::date_of(day).strftime("%d/%m").to_string()
}

fn date_text(day: i64) -> String {
    report::date_of(day).strftime("%d/%m/%Y").to_string()
}

/// Names for the ids the reports group by.
#[derive(Default)]
struct Names {
    channels: std::collections::HashMap<i64, String>,
    users: std::collections::HashMap<i64, String>,
    agencies: std::collections::HashMap<i64, String>,
}

impl Names {
    async fn load(st: &AppState, agencies: &[Org]) -> Result<Names> {
        let mut n = Names::default();
        let mut tx = st.db.read().await?;
        for a in agencies {
            n.agencies.insert(a.id.0, a.name.clone());
            for ch in crate::db::publishing::channels_any(&mut tx, a.id).await? {
                let p = Platform::parse(&ch.platform).map_or("", |p| p.label());
                n.channels.insert(ch.id.0, format!("{p} · {}", ch.name));
            }
            for m in crate::db::users::members_of(&mut tx, a.id).await? {
                n.users.insert(m.user.id.0, m.user.display_name.clone());
            }
        }
        Ok(n)
    }

    fn of(&self, by: By, key: &str, tr: &Tr) -> String {
        let id: i64 = key.parse().unwrap_or(0);
        match by {
            By::Category => tr.t(&format!("category-{key}")),
            By::Channel => self
                .channels
                .get(&id)
                .cloned()
                .unwrap_or_else(|| key.into()),
            By::Author => self.users.get(&id).cloned().unwrap_or_else(|| key.into()),
            By::Agency => self
                .agencies
                .get(&id)
                .cloned()
                .unwrap_or_else(|| key.into()),
            By::Platform => Platform::parse(key).map_or(key.into(), |p| p.label().into()),
        }
    }
}

/// Everything a dashboard shows, for one agency or for the agencies an
/// overseer oversees: `cx.agencies` is the whole set, and every report reads
/// only those agencies' rows.
pub(crate) async fn sections(st: &AppState, tr: &Tr, cx: &Ctx, days: Days) -> Result<Vec<Section>> {
    let ids: Vec<OrgId> = cx.agencies.iter().map(|a| a.id).collect();
    let tz = &cx.tz;
    let names = Names::load(st, &cx.agencies).await?;
    let mut tx = st.db.read().await?;
    let wide = report::wide(&mut tx, &ids, days).await?;
    let speed = report::speed(&mut tx, &ids, days, tz).await?;
    let pubd = report::published(&mut tx, &ids, days, tz).await?;
    drop(tx);
    let mut out = Vec::new();

    // Summary: the period against the one before.
    let (cur, prev) = report::published_totals(&pubd);
    let hdr = |ids: &[&str]| ids.iter().map(|i| tr.t(i)).collect::<Vec<_>>();
    let mut rows = vec![vec![
        Cell::Text(tr.t("insights-posts")),
        Cell::Int(wide.total.posts),
        Cell::Int(wide.previous.posts),
        change(
            Some(wide.total.posts as f64),
            Some(wide.previous.posts as f64),
        ),
    ]];
    for (i, m) in idb::METRICS.iter().enumerate() {
        if i == idb::AVG_VIEW {
            continue;
        }
        let (c, p) = (wide.total.gained[i], wide.previous.gained[i]);
        let (c, p) = if i == idb::WATCH {
            (hours(c), hours(p))
        } else {
            (c, p)
        };
        rows.push(vec![
            Cell::Text(tr.t(&format!("metric-{m}"))),
            if i == idb::WATCH { cell(c) } else { int(c) },
            if i == idb::WATCH { cell(p) } else { int(p) },
            change(c, p),
        ]);
    }
    rows.push(vec![
        Cell::Text(tr.t("insights-median-completion")),
        pct(cur.median_completion),
        pct(prev.median_completion),
        change(cur.median_completion, prev.median_completion),
    ]);
    let mut s = Section::new(
        "summary",
        tr,
        Table {
            title: tr.t("insights-summary"),
            headers: hdr(&[
                "insights-figure",
                "insights-this-period",
                "insights-previous-period",
                "insights-change-pct",
            ]),
            rows,
        },
    );
    s.notes.push(tr.t_args(
        "insights-period-line",
        &[
            ("from", date_text(days.from)),
            ("to", date_text(days.to - 1)),
            ("pfrom", date_text(days.previous().from)),
            ("pto", date_text(days.previous().to - 1)),
        ],
    ));
    out.push(s);

    // Wide: views gained per day, per channel and in total.
    let labels: Vec<String> = (days.from..days.to).map(day_label).collect();
    let mut series: Vec<Series> = wide
        .per_channel
        .iter()
        .map(|(ch, v)| Series {
            name: names.of(By::Channel, &ch.to_string(), tr),
            points: v.iter().map(|t| t.gained[idb::VIEWS]).collect(),
        })
        .collect();
    let total: Vec<Option<f64>> = (0..labels.len())
        .map(|i| {
            let vals: Vec<f64> = series.iter().filter_map(|s| s.points[i]).collect();
            (!vals.is_empty()).then(|| vals.iter().sum())
        })
        .collect();
    let posts_per_day: Vec<Option<f64>> = (0..labels.len())
        .map(|i| Some(wide.per_channel.values().map(|v| v[i].posts as f64).sum()))
        .collect();
    let mut headers = vec![tr.t("insights-day"), tr.t("insights-posts")];
    headers.extend(series.iter().map(|s| s.name.clone()));
    headers.push(tr.t("insights-total-views"));
    let rows = (0..labels.len())
        .map(|i| {
            let mut r = vec![
                Cell::Text(date_text(days.from + i as i64)),
                int(posts_per_day[i]),
            ];
            r.extend(series.iter().map(|s| int(s.points[i])));
            r.push(int(total[i]));
            r
        })
        .collect();
    let mut s = Section::new(
        "wide",
        tr,
        Table {
            title: tr.t("insights-wide"),
            headers,
            rows,
        },
    );
    series.push(Series {
        name: tr.t("insights-total"),
        points: total,
    });
    s.charts.push(chart::line_chart(
        &tr.t("insights-wide-chart"),
        &labels,
        &series,
        &tr.t("metric-views"),
    ));
    s.charts.push(chart::bar_chart(
        &tr.t("insights-posts-chart"),
        &labels,
        &[Series {
            name: tr.t("insights-posts"),
            points: posts_per_day,
        }],
        &tr.t("insights-posts"),
    ));
    out.push(s);

    // Fast: each step's median and 90th percentile, and the slowest clips.
    let step_name = |s: Option<Step>| match s {
        Some(s) => tr.t(&format!("insights-step-{}", s.code())),
        None => tr.t("insights-step-total"),
    };
    let steps: Vec<Option<Step>> = Step::ALL.into_iter().map(Some).chain([None]).collect();
    let rows = steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            vec![
                Cell::Text(step_name(*s)),
                cell(speed.current.steps[i].0.map(round1)),
                cell(speed.current.steps[i].1.map(round1)),
                cell(speed.previous.steps[i].0.map(round1)),
            ]
        })
        .collect();
    let mut s = Section::new(
        "speed",
        tr,
        Table {
            title: tr.t("insights-speed"),
            headers: hdr(&[
                "insights-step",
                "insights-median-hours",
                "insights-p90-hours",
                "insights-prev-median-hours",
            ]),
            rows,
        },
    );
    let step_labels: Vec<String> = steps.iter().map(|s| step_name(*s)).collect();
    s.charts.push(chart::bar_chart(
        &tr.t("insights-speed-chart"),
        &step_labels,
        &[
            Series {
                name: tr.t("insights-this-period"),
                points: speed.current.steps.iter().map(|x| x.0).collect(),
            },
            Series {
                name: tr.t("insights-previous-period"),
                points: speed.previous.steps.iter().map(|x| x.0).collect(),
            },
        ],
        &tr.t("insights-hours"),
    ));
    s.notes.push(tr.t1(
        "insights-speed-clips",
        "n",
        &speed.current.clips.to_string(),
    ));
    // The clips named on the page, read at once.
    let (top, bottom) = report::top_bottom(&pubd.current, 5);
    let clip_titles = titles(
        st,
        speed
            .slowest
            .iter()
            .map(|(t, _)| t.clip_id)
            .chain(top.iter().chain(&bottom).map(|r| r.clip_id)),
    )
    .await?;
    for (t, step) in &speed.slowest {
        let hours = (t.published_at - t.uploaded_at) as f64 / 3_600_000.0;
        s.notes.push(
            tr.t_args(
                "insights-slow-clip",
                &[
                    (
                        "title",
                        clip_titles
                            .get(&t.clip_id)
                            .map(|x| x.0.clone())
                            .unwrap_or_default(),
                    ),
                    ("hours", fmt_num(round1(hours))),
                    ("step", step_name(Some(*step))),
                ],
            ),
        );
    }
    out.push(s);

    // Breakdowns of the posts published in the period.
    let mut bys = vec![("channels", By::Channel), ("topics", By::Category)];
    match cx.view {
        View::Province => bys.push(("agencies", By::Agency)),
        View::Agency(_) if cx.with_authors => bys.push(("authors", By::Author)),
        View::Agency(_) => {}
    }
    for (id, by) in bys {
        let groups = report::breakdown(&pubd, by);
        let rows: Vec<Vec<Cell>> = groups
            .iter()
            .map(|(k, g, p)| {
                vec![
                    Cell::Text(names.of(by, k, tr)),
                    Cell::Int(g.posts as i64),
                    int(g.sum[idb::VIEWS]),
                    change(g.sum[idb::VIEWS], p.sum[idb::VIEWS]),
                    int(g.median_views),
                    pct(g.median_completion),
                    int(report::engagement(&g.sum)),
                ]
            })
            .collect();
        let bars: Vec<(String, Option<f64>)> = groups
            .iter()
            .map(|(k, g, _)| (names.of(by, k, tr), g.sum[idb::VIEWS]))
            .collect();
        let mut s = Section::new(
            id,
            tr,
            Table {
                title: tr.t(&format!("insights-{id}")),
                headers: hdr(&[
                    &format!("insights-col-{id}"),
                    "insights-posts",
                    "metric-views",
                    "insights-change-pct",
                    "insights-median-views",
                    "insights-completion-pct",
                    "insights-engagement",
                ]),
                rows,
            },
        );
        s.charts.push(chart::hbar_chart(
            &tr.t(&format!("insights-{id}-chart")),
            &bars,
            &tr.t("metric-views"),
        ));
        out.push(s);
    }

    // Short: by length.
    let len = report::length(&pubd.current);
    let rows = report::BUCKETS
        .iter()
        .zip(&len.buckets)
        .map(|((_, label), g)| {
            vec![
                Cell::Text((*label).to_string()),
                Cell::Int(g.posts as i64),
                int(g.median_views),
                pct(g.median_completion),
            ]
        })
        .collect();
    let mut s = Section::new(
        "length",
        tr,
        Table {
            title: tr.t("insights-length"),
            headers: hdr(&[
                "insights-length-bucket",
                "insights-posts",
                "insights-median-views",
                "insights-completion-pct",
            ]),
            rows,
        },
    );
    let bucket_labels: Vec<String> = report::BUCKETS.iter().map(|b| b.1.to_string()).collect();
    s.charts.push(chart::bar_chart(
        &tr.t("insights-length-chart"),
        &bucket_labels,
        &[Series {
            name: tr.t("insights-median-views"),
            points: len.buckets.iter().map(|g| g.median_views).collect(),
        }],
        &tr.t("metric-views"),
    ));
    s.charts.push(chart::scatter(
        &tr.t("insights-scatter-chart"),
        &len.points,
        &tr.t("insights-length-s"),
        &tr.t("insights-completion"),
    ));
    if len.unknown > 0 {
        s.notes
            .push(tr.t1("insights-length-unknown", "n", &len.unknown.to_string()));
    }
    out.push(s);

    // Best time to post, per channel.
    let mut rows = Vec::new();
    let mut charts = Vec::new();
    let mut notes = Vec::new();
    let mut chans: Vec<i64> = pubd.current.iter().map(|p| p.channel_id.0).collect();
    chans.sort();
    chans.dedup();
    const DOW: [&str; 7] = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"];
    for ch in chans {
        let name = names.of(By::Channel, &ch.to_string(), tr);
        let h = report::heatmap(pubd.current.iter().filter(|p| p.channel_id.0 == ch));
        charts.push(chart::heatmap(&name, &h.cells, h.best));
        let rec = match h.best {
            Some((d, hr)) => tr.t_args(
                "insights-best-at",
                &[
                    ("day", DOW[d].to_string()),
                    ("hour", format!("{hr}:00–{}:00", hr + 1)),
                    ("n", h.counts[d][hr].to_string()),
                ],
            ),
            None => tr.t1(
                "insights-best-none",
                "min",
                &report::MIN_POSTS_PER_CELL.to_string(),
            ),
        };
        notes.push(format!("{name}: {rec}"));
        rows.push(vec![
            Cell::Text(name),
            Cell::Text(rec),
            Cell::Int(h.posts as i64),
            h.best.map_or(Cell::Empty, |(d, hr)| int(h.cells[d][hr])),
        ]);
    }
    let mut s = Section::new(
        "besttime",
        tr,
        Table {
            title: tr.t("insights-besttime"),
            headers: hdr(&[
                "insights-col-channels",
                "insights-recommendation",
                "insights-posts-behind",
                "insights-median-48h",
            ]),
            rows,
        },
    );
    s.charts = charts;
    s.notes = notes;
    out.push(s);

    // Top and bottom clips.
    for (id, list) in [("top", top), ("bottom", bottom)] {
        let rows = list
            .iter()
            .map(|r| {
                vec![
                    Cell::Text(
                        clip_titles
                            .get(&r.clip_id)
                            .map(|x| x.0.clone())
                            .unwrap_or_default(),
                    ),
                    Cell::Text(
                        names
                            .agencies
                            .get(&r.agency_id.0)
                            .cloned()
                            .unwrap_or_default(),
                    ),
                    Cell::Text(tr.t(&format!("category-{}", r.category))),
                    r.duration_s.map_or(Cell::Empty, |d| Cell::Num(d.round())),
                    Cell::Int(r.channels as i64),
                    int(r.sum[idb::VIEWS]),
                    int(report::engagement(&r.sum)),
                ]
            })
            .collect();
        let mut s = Section::new(
            id,
            tr,
            Table {
                title: tr.t(&format!("insights-{id}")),
                headers: hdr(&[
                    "insights-clip",
                    "insights-agency",
                    "insights-topic",
                    "insights-length-s",
                    "insights-channels-n",
                    "metric-views",
                    "insights-engagement",
                ]),
                rows,
            },
        );
        s.cards = list
            .iter()
            .map(|r| {
                let (title, version) = clip_titles.get(&r.clip_id).cloned().unwrap_or_default();
                ClipCard {
                    href: format!("/a/{}/clips/{}/insights", r.agency_id.0, r.clip_id.0),
                    poster: version.map(|v| {
                        format!(
                            "/a/{}/clips/{}/versions/{v}/media/poster-1",
                            r.agency_id.0, r.clip_id.0
                        )
                    }),
                    title,
                    figure: format!(
                        "{} {}",
                        r.sum[idb::VIEWS].map_or("–".into(), fmt_num),
                        tr.t("metric-views").to_lowercase()
                    ),
                }
            })
            .collect();
        out.push(s);
    }
    Ok(out)
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// Watch time in hours, as its label says: platforms give (and the rollups
/// keep) seconds.
fn hours(seconds: Option<f64>) -> Option<f64> {
    seconds.map(|s| s / 3600.0)
}

/// Clips' titles, and the version to show a poster of (when it has one).
async fn titles(
    st: &AppState,
    ids: impl Iterator<Item = ClipId>,
) -> Result<std::collections::HashMap<ClipId, (String, Option<i64>)>> {
    let mut tx = st.db.read().await?;
    let mut out = std::collections::HashMap::new();
    for id in ids {
        if let Some(c) = crate::db::clips::get_any(&mut tx, id).await? {
            // Only a version whose media check made posters has one to show.
            let mut poster = None;
            if let Some(v) = c.current_version_id
                && let Some(ver) = crate::db::clips::get_version(&mut tx, v).await?
                && ver.outputs.as_deref().is_some_and(|o| {
                    serde_json::from_str::<serde_json::Value>(o)
                        .is_ok_and(|j| j["posters"].as_array().is_some_and(|p| !p.is_empty()))
                })
            {
                poster = Some(v.0);
            }
            out.insert(id, (c.title, poster));
        }
    }
    Ok(out)
}

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

/// Which dashboard: one agency's, or the overseer's over the agencies they
/// oversee. Whose figures are read is [`Ctx::agencies`], never this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Agency(OrgId),
    Province,
}

/// What a request for insights is about.
pub(crate) struct Ctx {
    pub view: View,
    /// Every agency whose figures are shown, decided once per request and
    /// passed into every query.
    pub agencies: Vec<Org>,
    pub tz: TimeZone,
    tz_name: String,
    heading: String,
    base: String,
    pub with_authors: bool,
}

pub(crate) fn agency_ctx(a: &Authz<act::ViewInsights>, tr: &Tr) -> Ctx {
    let member =
        a.p.memberships
            .iter()
            .any(|(o, r)| *o == a.agency.id && *r != Role::Overseer);
    Ctx {
        view: View::Agency(a.agency.id),
        agencies: vec![a.agency.clone()],
        tz: zone(&a.agency.time_zone),
        tz_name: a.agency.time_zone.clone(),
        heading: format!("{} · {}", tr.t("nav-insights"), a.agency.name),
        base: format!("/a/{}/insights", a.agency.id.0),
        with_authors: member || a.p.is_system_admin,
    }
}

pub(crate) async fn province_ctx(st: &AppState, u: &CurrentUser, tr: &Tr) -> Result<Ctx> {
    let overseer = u.p.memberships.iter().any(|(_, r)| *r == Role::Overseer);
    if !(overseer || u.p.is_system_admin) {
        return Err(Error::Forbidden);
    }
    let agencies = crate::service::orgs::overseen_agencies(st, &u.p).await?;
    Ok(Ctx {
        view: View::Province,
        agencies,
        tz: zone(&st.config.time_zone),
        tz_name: st.config.time_zone.clone(),
        heading: tr.t("insights-province"),
        base: "/insights".into(),
        with_authors: false,
    })
}

/// Whether the figures come from the sandbox platforms (demo data).
fn sandbox(st: &AppState) -> bool {
    st.config.platforms.sandbox_url.is_some()
}

async fn dashboard(st: &AppState, l: Layout, c: Ctx, days: Days) -> Result<Response> {
    let sections = sections(st, &l.tr, &c, days).await?;
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
    c: Ctx,
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

async fn export_of(
    st: &AppState,
    tr: &Tr,
    c: Ctx,
    q: &PeriodQuery,
    days: Days,
    xlsx: bool,
) -> Result<Response> {
    let sections = sections(st, tr, &c, days).await?;
    let stem = format!(
        "lantoa-{}-{}-{}",
        match c.view {
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
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// What a printable report covers: a month or a quarter, the previous month
/// by default.
fn report_query(q: &PeriodQuery, today: Date) -> PeriodQuery {
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
async fn printable(
    st: &AppState,
    l: Layout,
    c: Ctx,
    q2: &PeriodQuery,
    days: Days,
    print_for: Option<UserId>,
) -> Result<Response> {
    let pdf = print_for.is_some();
    let mut sections = sections(st, &l.tr, &c, days).await?;
    let (period, stem) = match (&q2.month, &q2.quarter) {
        (_, Some(qr)) if !qr.is_empty() => (l.tr.t1("insights-quarter", "q", qr), qr.clone()),
        (Some(m), _) => (
            l.tr.t1(
                "insights-month",
                "m",
                &report::date_of(days.from).strftime("%m/%Y").to_string(),
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
        inline_css: pdf.then_some(APP_CSS),
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
            date_text(days.from),
            date_text(days.to - 1)
        ),
        generated: crate::clock::format_local(st.now(), &c.tz_name),
        sandbox: sandbox(st),
        sections,
        l,
    };
    let Some(user) = print_for else {
        return render(&page);
    };
    let html = page
        .render()
        .map_err(|e| Error::Internal(format!("template: {e}")))?;
    let bytes = crate::insights::pdf::print(&st.printing, &st.config, user, &html).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"lantoa-report-{stem}.pdf\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

const APP_CSS: &str = include_str!("../../../static/app.css");

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
    c: Ctx,
    q: &PeriodQuery,
    out: Out,
    user: UserId,
) -> Result<Response> {
    let t = today(st, &c.tz);
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
    let c = agency_ctx(&a, &l.tr);
    respond(&st, l, c, &q, out, a.p.user_id).await
}

async fn for_province(st: AppState, u: CurrentUser, q: PeriodQuery, out: Out) -> Result<Response> {
    let l = Layout::build(&st, &u.ctx, None).await?;
    let c = province_ctx(&st, &u, &l.tr).await?;
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

#[derive(Template)]
#[template(path = "clip_insights.html")]
struct ClipPage {
    l: Layout,
    aid: i64,
    cid: i64,
    title: String,
    sandbox: bool,
    sections: Vec<Section>,
}

/// A clip's own page: each channel's curves since publication.
pub async fn clip(
    State(st): State<AppState>,
    a: Authz<act::ViewInsights>,
    Path((_, cid)): Path<(i64, i64)>,
) -> Result<Response> {
    let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
    let tr = &l.tr;
    let tz = zone(&a.agency.time_zone);
    let mut tx = st.db.read().await?;
    let clip = crate::db::clips::get(&mut tx, a.agency.id, ClipId(cid))
        .await?
        .ok_or(Error::NotFound)?;
    let curves = report::clip_curves(&mut tx, clip.id, &tz).await?;
    drop(tx);
    let names = Names::load(&st, std::slice::from_ref(&a.agency)).await?;
    // One time axis for every channel: each series holds its last value.
    let mut times: Vec<i64> = curves
        .iter()
        .flat_map(|c| c.points.iter().map(|p| p.0))
        .collect();
    times.sort();
    times.dedup();
    let labels: Vec<String> = times
        .iter()
        .map(|t| {
            jiff::Timestamp::from_millisecond(*t)
                .map(|x| {
                    x.to_zoned_datetime(tz.clone())
                        .strftime("%d/%m %H:%M")
                        .to_string()
                })
                .unwrap_or_default()
        })
        .collect();
    let mut sections = Vec::new();
    for (i, m) in [
        (idb::VIEWS, "views"),
        (idb::REACTIONS, "reactions"),
        (idb::SHARES, "shares"),
    ] {
        let series: Vec<Series> = curves
            .iter()
            .map(|c| {
                let mut last = None;
                let mut k = 0;
                let points = times
                    .iter()
                    .map(|t| {
                        while k < c.points.len() && c.points[k].0 <= *t {
                            if c.points[k].1[i].is_some() {
                                last = c.points[k].1[i];
                            }
                            k += 1;
                        }
                        last
                    })
                    .collect();
                Series {
                    name: names.of(By::Channel, &c.post.channel_id.to_string(), tr),
                    points,
                }
            })
            .collect();
        let mut headers = vec![tr.t("insights-time")];
        headers.extend(series.iter().map(|s| s.name.clone()));
        let rows = labels
            .iter()
            .enumerate()
            .map(|(j, lab)| {
                let mut r = vec![Cell::Text(lab.clone())];
                r.extend(series.iter().map(|s| int(s.points[j])));
                r
            })
            .collect();
        let mut s = Section::new(
            "curve",
            tr,
            Table {
                title: tr.t(&format!("metric-{m}")),
                headers,
                rows,
            },
        );
        s.title = tr.t(&format!("metric-{m}"));
        s.hint = String::new();
        s.charts.push(chart::line_chart(
            &tr.t(&format!("metric-{m}")),
            &labels,
            &series,
            &tr.t(&format!("metric-{m}")),
        ));
        sections.push(s);
    }
    // Each channel's latest figures.
    let mut headers = vec![tr.t("insights-col-channels")];
    headers.extend(idb::METRICS.iter().map(|m| tr.t(&format!("metric-{m}"))));
    headers.push(tr.t("insights-completion-pct"));
    let rows = curves
        .iter()
        .map(|c| {
            let mut r = vec![Cell::Text(names.of(
                By::Channel,
                &c.post.channel_id.to_string(),
                tr,
            ))];
            for (i, v) in c.post.latest.iter().enumerate() {
                r.push(match i {
                    idb::WATCH => cell(hours(*v)),
                    idb::AVG_VIEW => cell(v.map(round1)),
                    _ => int(*v),
                });
            }
            r.push(pct(report::completion(&c.post)));
            r
        })
        .collect();
    let mut s = Section::new(
        "latest",
        tr,
        Table {
            title: tr.t("insights-latest"),
            headers,
            rows,
        },
    );
    s.hint = tr.t("insights-latest-hint");
    sections.insert(0, s);
    render(&ClipPage {
        aid: a.agency.id.0,
        cid,
        title: clip.title,
        sandbox: sandbox(&st),
        sections,
        l,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_from_dates_months_and_quarters() {
        let today = Date::new(2026, 11, 26).unwrap();
        let d = period(&PeriodQuery::default(), today).unwrap();
        assert_eq!(d.len(), 30);
        assert_eq!(report::date_of(d.to - 1), today);
        let q = PeriodQuery {
            month: Some("2026-02".into()),
            ..Default::default()
        };
        assert_eq!(period(&q, today).unwrap().len(), 28);
        let q = PeriodQuery {
            quarter: Some("2026-Q4".into()),
            ..Default::default()
        };
        let d = period(&q, today).unwrap();
        assert_eq!(
            (report::date_of(d.from), d.len()),
            (Date::new(2026, 10, 1).unwrap(), 92)
        );
        let q = PeriodQuery {
            from: Some("2026-11-10".into()),
            to: Some("2026-11-01".into()),
            ..Default::default()
        };
        assert!(period(&q, today).is_err());
        let q = PeriodQuery {
            quarter: Some("2026-Q5".into()),
            ..Default::default()
        };
        assert!(period(&q, today).is_err());
    }
}

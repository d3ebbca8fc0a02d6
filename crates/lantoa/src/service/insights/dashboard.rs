//! The sections of a dashboard, for one agency or for the agencies an
//! overseer oversees, each built in its own step: summary, views by day,
//! speed, breakdowns, length, best time to post, top and bottom clips.

use std::collections::HashMap;

use super::cells::{cell, change, date_text, day_label, hours, int, pct, round1};
use super::names::{Names, titles};
use super::{Chart, ClipFigure, Coverage, ReportSection, View};
use crate::db::insights as idb;
use crate::domain::{ClipId, OrgId};
use crate::error::Result;
use crate::i18n::Tr;
use crate::insights::chart::{Series, WEEKDAY_IDS, fmt_num_in};
use crate::insights::export::{Cell, Table};
use crate::insights::report::{self, By, ClipRow, Days, Published, Speed, Step, Wide};
use crate::state::AppState;

/// Clips' titles, and the version to show a poster of.
type Titles = HashMap<ClipId, (String, Option<i64>)>;

/// Everything a dashboard shows, for one agency or for the agencies an
/// overseer oversees: `scope.agencies` is the whole set, and every report
/// reads only those agencies' rows.
pub async fn sections(
    st: &AppState,
    tr: &Tr,
    scope: &Coverage,
    days: Days,
) -> Result<Vec<ReportSection>> {
    let ids: Vec<OrgId> = scope.agencies.iter().map(|a| a.id).collect();
    let tz = &scope.tz;
    let names = Names::load(st, &scope.agencies).await?;
    let mut tx = st.db.read().await?;
    let wide = report::wide(&mut tx, &ids, days).await?;
    let speed = report::speed(&mut tx, &ids, days, tz).await?;
    let pubd = report::published(&st.db, &mut tx, &ids, days, tz).await?;
    let shared = sharing(&mut tx, tr, &scope.agencies, days.instants(tz)).await?;
    drop(tx);
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

    let mut out = vec![
        summary(tr, &wide, &pubd, days),
        views_by_day(tr, &names, &wide, days),
        speed_section(tr, &speed, &clip_titles),
    ];
    out.extend(breakdowns(tr, &names, scope, &pubd));
    out.push(length(tr, &pubd));
    out.push(best_time(tr, &names, &pubd));
    for (id, list) in [("top", top), ("bottom", bottom)] {
        out.push(clip_list(tr, &names, &clip_titles, id, &list));
    }
    out.push(shared);
    Ok(out)
}

/// Sharing across the network: the agencies' clips re-published by other
/// agencies, and the clips they took from others, in the period; one pair
/// of rows per agency when the page covers several.
async fn sharing(
    tx: &mut crate::db::Tx,
    tr: &Tr,
    agencies: &[crate::db::orgs::Org],
    period: (i64, i64),
) -> Result<ReportSection> {
    let mut rows = Vec::new();
    for a in agencies {
        for (by_others, label) in [
            (true, "insights-shared-by-others"),
            (false, "insights-shared-taken"),
        ] {
            let f = crate::db::sharing::figures(tx, a.id, by_others, period).await?;
            let label = if agencies.len() > 1 {
                format!("{} — {}", a.name, tr.t(label))
            } else {
                tr.t(label)
            };
            rows.push(vec![
                Cell::Text(label),
                Cell::Int(f.clips),
                Cell::Int(f.agencies),
                Cell::Int(f.posts),
                Cell::Int(f.reach),
            ]);
        }
    }
    Ok(ReportSection::titled(
        tr,
        "sharing",
        &[
            "insights-figure",
            "insights-shared-clips",
            "insights-shared-agencies",
            "insights-posts",
            "metric-reach",
        ],
        rows,
    ))
}

/// Summary: the period against the one before.
fn summary(tr: &Tr, wide: &Wide, pubd: &Published, days: Days) -> ReportSection {
    let (cur, prev) = report::median_completions(pubd);
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
        pct(cur),
        pct(prev),
        change(cur, prev),
    ]);
    let mut s = ReportSection::titled(
        tr,
        "summary",
        &[
            "insights-figure",
            "insights-this-period",
            "insights-previous-period",
            "insights-change-pct",
        ],
        rows,
    );
    s.notes.push(tr.t_args(
        "insights-period-line",
        &[
            ("from", date_text(days.from, tr.locale)),
            ("to", date_text(days.to - 1, tr.locale)),
            ("pfrom", date_text(days.previous().from, tr.locale)),
            ("pto", date_text(days.previous().to - 1, tr.locale)),
        ],
    ));
    s
}

/// Wide: views gained per day, per channel and in total.
fn views_by_day(tr: &Tr, names: &Names, wide: &Wide, days: Days) -> ReportSection {
    let labels: Vec<String> = (days.from..days.to)
        .map(|d| day_label(d, tr.locale))
        .collect();
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
    let mut header = vec![tr.t("insights-day"), tr.t("insights-posts")];
    header.extend(series.iter().map(|s| s.name.clone()));
    header.push(tr.t("insights-total-views"));
    let rows = (0..labels.len())
        .map(|i| {
            let mut r = vec![
                Cell::Text(date_text(days.from + i as i64, tr.locale)),
                int(posts_per_day[i]),
            ];
            r.extend(series.iter().map(|s| int(s.points[i])));
            r.push(int(total[i]));
            r
        })
        .collect();
    let mut s = ReportSection::new(
        "wide",
        Table {
            title: tr.t("insights-wide"),
            headers: header,
            rows,
        },
    );
    series.push(Series {
        name: tr.t("insights-total"),
        points: total,
    });
    s.charts.push(Chart::Line {
        title: tr.t("insights-wide-chart"),
        labels: labels.clone(),
        series,
        y_label: tr.t("metric-views"),
    });
    s.charts.push(Chart::Bars {
        title: tr.t("insights-posts-chart"),
        labels,
        series: vec![Series {
            name: tr.t("insights-posts"),
            points: posts_per_day,
        }],
        y_label: tr.t("insights-posts"),
    });
    s
}

/// A step's name, or the whole way's.
fn step_name(tr: &Tr, s: Option<Step>) -> String {
    match s {
        Some(s) => tr.t(&format!("insights-step-{}", s.code())),
        None => tr.t("insights-step-total"),
    }
}

/// Fast: each step's median and 90th percentile, and the slowest clips.
fn speed_section(tr: &Tr, speed: &Speed, clip_titles: &Titles) -> ReportSection {
    let steps: Vec<Option<Step>> = Step::ALL.into_iter().map(Some).chain([None]).collect();
    let rows = steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            vec![
                Cell::Text(step_name(tr, *s)),
                cell(speed.current.steps[i].0.map(round1)),
                cell(speed.current.steps[i].1.map(round1)),
                cell(speed.previous.steps[i].0.map(round1)),
            ]
        })
        .collect();
    let mut s = ReportSection::titled(
        tr,
        "speed",
        &[
            "insights-step",
            "insights-median-hours",
            "insights-p90-hours",
            "insights-prev-median-hours",
        ],
        rows,
    );
    s.charts.push(Chart::Bars {
        title: tr.t("insights-speed-chart"),
        labels: steps.iter().map(|s| step_name(tr, *s)).collect(),
        series: vec![
            Series {
                name: tr.t("insights-this-period"),
                points: speed.current.steps.iter().map(|x| x.0).collect(),
            },
            Series {
                name: tr.t("insights-previous-period"),
                points: speed.previous.steps.iter().map(|x| x.0).collect(),
            },
        ],
        y_label: tr.t("insights-hours"),
    });
    s.notes.push(tr.t1(
        "insights-speed-clips",
        "n",
        &speed.current.clips.to_string(),
    ));
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
                    ("hours", fmt_num_in(round1(hours), tr.locale)),
                    ("step", step_name(tr, Some(*step))),
                ],
            ),
        );
    }
    s
}

/// Breakdowns of the posts published in the period: by channel and topic,
/// and by agency (the overseer's) or by author (the agency's own people).
fn breakdowns(tr: &Tr, names: &Names, scope: &Coverage, pubd: &Published) -> Vec<ReportSection> {
    let mut bys = vec![("channels", By::Channel), ("topics", By::Category)];
    match scope.view {
        View::Province => bys.push(("agencies", By::Agency)),
        View::Agency(_) if scope.with_authors => bys.push(("authors", By::Author)),
        View::Agency(_) => {}
    }
    bys.into_iter()
        .map(|(id, by)| breakdown(tr, names, pubd, id, by))
        .collect()
}

fn breakdown(tr: &Tr, names: &Names, pubd: &Published, id: &'static str, by: By) -> ReportSection {
    let groups = report::breakdown(pubd, by);
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
    let mut s = ReportSection::titled(
        tr,
        id,
        &[
            &format!("insights-col-{id}"),
            "insights-posts",
            "metric-views",
            "insights-change-pct",
            "insights-median-views",
            "insights-completion-pct",
            "insights-engagement",
        ],
        rows,
    );
    s.charts.push(Chart::HBars {
        title: tr.t(&format!("insights-{id}-chart")),
        rows: bars,
        value_label: tr.t("metric-views"),
    });
    s
}

/// Short: by length.
fn length(tr: &Tr, pubd: &Published) -> ReportSection {
    let len = report::length(&pubd.current);
    let rows = report::BUCKETS
        .iter()
        .zip(&len.buckets)
        .map(|((_, label), g)| {
            vec![
                Cell::Text(tr.t(label)),
                Cell::Int(g.posts as i64),
                int(g.median_views),
                pct(g.median_completion),
            ]
        })
        .collect();
    let mut s = ReportSection::titled(
        tr,
        "length",
        &[
            "insights-length-bucket",
            "insights-posts",
            "insights-median-views",
            "insights-completion-pct",
        ],
        rows,
    );
    s.charts.push(Chart::Bars {
        title: tr.t("insights-length-chart"),
        labels: report::BUCKETS.iter().map(|b| tr.t(b.1)).collect(),
        series: vec![Series {
            name: tr.t("insights-median-views"),
            points: len.buckets.iter().map(|g| g.median_views).collect(),
        }],
        y_label: tr.t("metric-views"),
    });
    s.charts.push(Chart::Scatter {
        title: tr.t("insights-scatter-chart"),
        points: len.points,
        x_label: tr.t("insights-length-s"),
        y_label: tr.t("insights-completion"),
    });
    if len.unknown > 0 {
        s.notes
            .push(tr.t1("insights-length-unknown", "n", &len.unknown.to_string()));
    }
    s
}

/// Best time to post, per channel.
fn best_time(tr: &Tr, names: &Names, pubd: &Published) -> ReportSection {
    let mut rows = Vec::new();
    let mut charts = Vec::new();
    let mut notes = Vec::new();
    let mut chans: Vec<i64> = pubd.current.iter().map(|p| p.channel_id.0).collect();
    chans.sort();
    chans.dedup();
    for ch in chans {
        let name = names.of(By::Channel, &ch.to_string(), tr);
        let h = report::heatmap(pubd.current.iter().filter(|p| p.channel_id.0 == ch));
        charts.push(Chart::Heatmap {
            title: name.clone(),
            cells: Box::new(h.cells),
            best: h.best,
        });
        let rec = match h.best {
            Some((d, hr)) => tr.t_args(
                "insights-best-at",
                &[
                    ("day", tr.t(WEEKDAY_IDS[d])),
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
    let mut s = ReportSection::titled(
        tr,
        "besttime",
        &[
            "insights-col-channels",
            "insights-recommendation",
            "insights-posts-behind",
            "insights-median-48h",
        ],
        rows,
    );
    s.charts = charts;
    s.notes = notes;
    s
}

/// Top or bottom clips.
fn clip_list(
    tr: &Tr,
    names: &Names,
    clip_titles: &Titles,
    id: &'static str,
    list: &[ClipRow],
) -> ReportSection {
    let title_of = |r: &ClipRow| clip_titles.get(&r.clip_id).cloned().unwrap_or_default();
    let rows = list
        .iter()
        .map(|r| {
            vec![
                Cell::Text(title_of(r).0),
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
    let mut s = ReportSection::titled(
        tr,
        id,
        &[
            "insights-clip",
            "insights-agency",
            "insights-topic",
            "insights-length-s",
            "insights-channels-n",
            "metric-views",
            "insights-engagement",
        ],
        rows,
    );
    s.clips = list
        .iter()
        .map(|r| {
            let (title, poster_version) = title_of(r);
            ClipFigure {
                agency_id: r.agency_id,
                clip_id: r.clip_id,
                title,
                poster_version,
                views: r.sum[idb::VIEWS],
            }
        })
        .collect();
    s
}

//! A clip's own insights: each channel's latest figures, and its views,
//! reactions and shares over time since publication.

use jiff::tz::TimeZone;

use super::cells::{cell, hours, int, pct, round1};
use super::names::Names;
use super::{Chart, ReportSection, zone};
use crate::db::insights as idb;
use crate::db::orgs::Org;
use crate::domain::ClipId;
use crate::error::{Error, Result};
use crate::i18n::Tr;
use crate::insights::chart::Series;
use crate::insights::export::{Cell, Table};
use crate::insights::report::{self, By, Curve};
use crate::state::AppState;

/// A clip's title and its sections: `latest` first, then one `curve` per
/// figure.
pub struct ClipInsights {
    pub title: String,
    pub sections: Vec<ReportSection>,
}

/// The insights of a clip of `agency` (not found when the clip is another
/// agency's).
pub async fn clip_sections(
    st: &AppState,
    tr: &Tr,
    agency: &Org,
    clip: ClipId,
) -> Result<ClipInsights> {
    let tz = zone(&agency.time_zone);
    let mut tx = st.db.read().await?;
    let clip = crate::db::clips::get(&mut tx, agency.id, clip)
        .await?
        .ok_or(Error::NotFound)?;
    let curves = report::clip_curves(&mut tx, clip.id, &tz).await?;
    drop(tx);
    let names = Names::load(st, std::slice::from_ref(agency)).await?;
    let mut sections = vec![latest(tr, &names, &curves)];
    sections.extend(over_time(tr, &names, &curves, &tz));
    Ok(ClipInsights {
        title: clip.title,
        sections,
    })
}

/// Each channel's views, reactions and shares on one time axis: each
/// series holds its last value.
fn over_time(tr: &Tr, names: &Names, curves: &[Curve], tz: &TimeZone) -> Vec<ReportSection> {
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
                .map(|x| crate::clock::short_time_in(&x.to_zoned_datetime(tz.clone()), tr.locale))
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
            .map(|c| Series {
                name: names.of(By::Channel, &c.post.channel_id.to_string(), tr),
                points: last_values(c, &times, i),
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
        let mut s = ReportSection::new(
            "curve",
            Table {
                title: tr.t(&format!("metric-{m}")),
                headers,
                rows,
            },
        );
        s.charts.push(Chart::Line {
            title: tr.t(&format!("metric-{m}")),
            labels: labels.clone(),
            series,
            y_label: tr.t(&format!("metric-{m}")),
        });
        sections.push(s);
    }
    sections
}

/// Figure `i` of a curve at each of `times`: the last value taken by then.
fn last_values(c: &Curve, times: &[i64], i: usize) -> Vec<Option<f64>> {
    let mut last = None;
    let mut k = 0;
    times
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
        .collect()
}

/// Each channel's latest figures.
fn latest(tr: &Tr, names: &Names, curves: &[Curve]) -> ReportSection {
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
    ReportSection::new(
        "latest",
        Table {
            title: tr.t("insights-latest"),
            headers,
            rows,
        },
    )
}

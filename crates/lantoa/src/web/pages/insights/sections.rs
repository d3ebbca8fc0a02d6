//! What an insights page shows of a report section: its charts drawn here
//! as SVG from the section's data, its table's cells as shown, and the clips
//! it names as cards with their posters.

use crate::i18n::Tr;
use crate::insights::chart::{Charts, fmt_num_in};
use crate::insights::export::{Cell, Table};
use crate::service::insights::{Chart, ClipFigure, ReportSection};

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
    pub(super) fn new(id: &'static str, tr: &Tr, table: Table) -> Section {
        let none = tr.t("insights-absent");
        let shown = table
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        Cell::Text(s) => s.clone(),
                        Cell::Num(v) => fmt_num_in(*v, tr.locale),
                        Cell::Int(v) => fmt_num_in(*v as f64, tr.locale),
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

impl Section {
    /// A report section as the page shows it.
    pub(super) fn of(r: ReportSection, tr: &Tr) -> Section {
        let mut s = Section::new(r.id, tr, r.table);
        let charts = Charts::new(tr);
        s.charts = r.charts.iter().map(|c| draw(&charts, c)).collect();
        s.notes = r.notes;
        s.cards = r.clips.iter().map(|c| ClipCard::of(c, tr)).collect();
        s
    }
}

impl ClipCard {
    fn of(c: &ClipFigure, tr: &Tr) -> ClipCard {
        let (aid, cid) = (c.agency_id.0, c.clip_id.0);
        ClipCard {
            href: format!("/a/{aid}/clips/{cid}/insights"),
            poster: c
                .poster_version
                .map(|v| format!("/a/{aid}/clips/{cid}/versions/{v}/media/poster-1")),
            title: c.title.clone(),
            figure: format!(
                "{} {}",
                c.views.map_or("–".into(), |v| fmt_num_in(v, tr.locale)),
                tr.t("metric-views").to_lowercase()
            ),
        }
    }
}

/// A chart's SVG, in the reader's language.
fn draw(charts: &Charts, c: &Chart) -> String {
    match c {
        Chart::Line {
            title,
            labels,
            series,
            y_label,
        } => charts.line_chart(title, labels, series, y_label),
        Chart::Bars {
            title,
            labels,
            series,
            y_label,
        } => charts.bar_chart(title, labels, series, y_label),
        Chart::HBars {
            title,
            rows,
            value_label,
        } => charts.hbar_chart(title, rows, value_label),
        Chart::Scatter {
            title,
            points,
            x_label,
            y_label,
        } => charts.scatter(title, points, x_label, y_label),
        Chart::Heatmap { title, cells, best } => charts.heatmap(title, cells, *best),
    }
}

//! Insights as data: the report tables of a dashboard and of a clip's own
//! page, already limited to what the caller may see (the agency set of the
//! request, and the per-author breakdown only for the agency's own people).
//! The pages draw their charts from these sections, the JSON API serialises
//! their tables and the exports write them; nothing here draws.

mod cells;
mod clip;
mod dashboard;
mod names;
mod period;

pub use cells::date_text;
pub use clip::{ClipInsights, clip_sections};
pub use dashboard::sections;
pub use period::{PeriodQuery, period, today};

use jiff::tz::TimeZone;

use crate::db::orgs::Org;
use crate::domain::{ClipId, OrgId, Role};
use crate::error::{Error, Result};
use crate::i18n::Tr;
use crate::insights::chart::Series;
use crate::insights::export::{Cell, Table};
use crate::service::accounts::Principal;
use crate::state::AppState;

/// Which dashboard: one agency's, or the overseer's over the agencies they
/// oversee. Whose figures are read is [`Coverage::agencies`], never this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Agency(OrgId),
    Province,
}

/// What a request for insights may read.
pub struct Coverage {
    pub view: View,
    /// Every agency whose figures are shown, decided once per request and
    /// passed into every query.
    pub agencies: Vec<Org>,
    pub tz: TimeZone,
    /// Whether the breakdown by author is shown: to the agency's own
    /// members and system administrators, not to an overseer.
    pub with_authors: bool,
}

/// One agency's dashboard, as the person may see it.
pub fn agency_scope(p: &Principal, agency: &Org) -> Coverage {
    let member = p
        .memberships
        .iter()
        .any(|(o, r)| *o == agency.id && *r != Role::Overseer);
    Coverage {
        view: View::Agency(agency.id),
        agencies: vec![agency.clone()],
        tz: zone(&agency.time_zone),
        with_authors: member || p.is_system_admin,
    }
}

/// The overseer's dashboard over the agencies they oversee (every agency
/// for a system administrator); refused to anyone else.
pub async fn province_scope(st: &AppState, p: &Principal) -> Result<Coverage> {
    let overseer = p.memberships.iter().any(|(_, r)| *r == Role::Overseer);
    if !(overseer || p.is_system_admin) {
        return Err(Error::Forbidden);
    }
    let agencies = crate::service::orgs::overseen_agencies(st, p).await?;
    Ok(Coverage {
        view: View::Province,
        agencies,
        tz: zone(&st.config.time_zone),
        with_authors: false,
    })
}

/// The time zone of that name, else the default one.
pub fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap_or_else(|_| {
        TimeZone::get(crate::config::DEFAULT_TIME_ZONE).unwrap_or(TimeZone::UTC)
    })
}

/// One part of a report: the table of its numbers, with the charts to draw
/// from them, notes and the clips it names.
pub struct ReportSection {
    /// summary, wide, speed, channels, topics, authors, agencies, length,
    /// besttime, top or bottom (a clip's page: latest and curve).
    pub id: &'static str,
    pub table: Table,
    pub charts: Vec<Chart>,
    pub notes: Vec<String>,
    /// The clips of a top or bottom list, in the table's order.
    pub clips: Vec<ClipFigure>,
}

impl ReportSection {
    fn new(id: &'static str, table: Table) -> ReportSection {
        ReportSection {
            id,
            table,
            charts: Vec::new(),
            notes: Vec::new(),
            clips: Vec::new(),
        }
    }

    /// A section whose table is titled by `insights-{id}`, with a column for
    /// each header message id.
    fn titled(tr: &Tr, id: &'static str, columns: &[&str], rows: Vec<Vec<Cell>>) -> ReportSection {
        ReportSection::new(
            id,
            Table {
                title: tr.t(&format!("insights-{id}")),
                headers: cells::headers(tr, columns),
                rows,
            },
        )
    }
}

/// A chart's data; the pages draw it (`crate::insights::chart`).
#[derive(Debug, Clone, PartialEq)]
pub enum Chart {
    /// Lines over the x labels.
    Line {
        title: String,
        labels: Vec<String>,
        series: Vec<Series>,
        y_label: String,
    },
    /// Vertical grouped bars over the x labels.
    Bars {
        title: String,
        labels: Vec<String>,
        series: Vec<Series>,
        y_label: String,
    },
    /// Horizontal bars, one per named row.
    HBars {
        title: String,
        rows: Vec<(String, Option<f64>)>,
        value_label: String,
    },
    /// Length in seconds against completion (0..1), one point per post.
    Scatter {
        title: String,
        points: Vec<(f64, f64)>,
        x_label: String,
        y_label: String,
    },
    /// Weekday × hour medians, with the recommended cell.
    Heatmap {
        title: String,
        cells: Box<[[Option<f64>; 24]; 7]>,
        best: Option<(usize, usize)>,
    },
}

/// A clip named in a top or bottom list.
#[derive(Debug, Clone, PartialEq)]
pub struct ClipFigure {
    pub agency_id: OrgId,
    pub clip_id: ClipId,
    pub title: String,
    /// The version to show a poster of, when one has posters.
    pub poster_version: Option<i64>,
    pub views: Option<f64>,
}

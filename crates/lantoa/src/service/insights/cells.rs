//! The cells of the report tables: figures as numbers, whole numbers,
//! percentages and changes against the previous period (absent stays
//! absent, never 0), and the dates and headers the tables use.

use crate::domain::Locale;
use crate::i18n::Tr;
use crate::insights::export::Cell;
use crate::insights::report;

pub(super) fn cell(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, Cell::Num)
}

pub(super) fn int(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, |x| Cell::Int(x.round() as i64))
}

pub(super) fn pct(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, |x| Cell::Num((x * 1000.0).round() / 10.0))
}

pub(super) fn change(cur: Option<f64>, prev: Option<f64>) -> Cell {
    match (cur, prev) {
        (Some(c), Some(p)) if p > 0.0 => Cell::Num(((c - p) / p * 1000.0).round() / 10.0),
        _ => Cell::Empty,
    }
}

/// A day on a chart's axis: `04/12`, or `4 Dec` in English.
pub(super) fn day_label(day: i64, locale: Locale) -> String {
    crate::clock::date_in(report::date_of(day), locale, false)
}

/// A day as the tables and the report's period write it: `04/12/2026`, or
/// `4 Dec 2026` in English.
pub fn date_text(day: i64, locale: Locale) -> String {
    crate::clock::date_in(report::date_of(day), locale, true)
}

pub(super) fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// Watch time in hours, as its label says: platforms give (and the rollups
/// keep) seconds.
pub(super) fn hours(seconds: Option<f64>) -> Option<f64> {
    seconds.map(|s| s / 3600.0)
}

/// Column headers from their message ids.
pub(super) fn headers(tr: &Tr, ids: &[&str]) -> Vec<String> {
    ids.iter().map(|i| tr.t(i)).collect()
}

//! Insights: the figures of published posts, their rollups, reports, charts
//! and exports.
//!
//! Metric mapping (each platform's figure behind each normalised one) is
//! documented in `docs/metrics.md`.
pub mod chart;
pub mod collect;
pub mod export;
pub mod pdf;
pub mod report;
pub mod rollup;

/// The entity that stands for one of XML's five special characters.
pub(crate) fn xml_entity(c: char) -> Option<&'static str> {
    Some(match c {
        '&' => "&amp;",
        '<' => "&lt;",
        '>' => "&gt;",
        '"' => "&quot;",
        '\'' => "&apos;",
        _ => return None,
    })
}

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

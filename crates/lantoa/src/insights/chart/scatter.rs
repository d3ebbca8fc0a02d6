//! The scatter of clip length against completion rate.

use std::fmt::Write as _;

use super::Charts;
use super::format::{percent_tick_label, tick_label};
use super::frame::{PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, y_caption, y_gridlines};
use super::scale::{Axis, clean, min_max};
use super::svg::{Fnv, GRID, MUTED, Svg, c, color, truncate};

/// Scatter: x = clip length in seconds, y = completion rate 0..1 (shown as
/// %), one point per post.
pub(super) fn scatter(
    text: &Charts,
    title: &str,
    points: &[(f64, f64)],
    x_label: &str,
    y_label: &str,
) -> String {
    const BOTTOM: f64 = PLOT_TOP + 260.0;
    let mut hash = Fnv::new("scatter");
    hash.str(title);
    for (x, y) in points {
        hash.num(Some(*x));
        hash.num(Some(*y));
    }
    let mut svg = Svg::new(hash.id(), BOTTOM + 40.0);
    svg.heading(title);
    let pts: Vec<(f64, f64)> = points
        .iter()
        .filter_map(|&(x, y)| Some((clean(Some(x))?, clean(Some(y))?)))
        .collect();
    let (Some((x_lo, x_hi)), Some((y_lo, y_hi))) = (
        min_max(pts.iter().map(|p| p.0)),
        min_max(pts.iter().map(|p| p.1)),
    ) else {
        svg.empty_message(PLOT_TOP, BOTTOM, &text.empty);
        return svg.finish(title);
    };
    let x_axis = Axis::new(x_lo, x_hi);
    let y_axis = Axis::new(y_lo, y_hi.max(1.0));

    y_gridlines(&mut svg, &y_axis, BOTTOM, |t| {
        percent_tick_label(t, y_axis.step, &text.units)
    });
    for &t in &x_axis.ticks {
        let x = x_axis.map(t, PLOT_LEFT, PLOT_RIGHT);
        svg.line(x, PLOT_TOP, x, BOTTOM, GRID, 1.0);
        svg.text(
            x,
            BOTTOM + 16.0,
            "middle",
            11.0,
            MUTED,
            "",
            &tick_label(t, x_axis.step, &text.units),
        );
    }
    svg.line(PLOT_LEFT, BOTTOM, PLOT_RIGHT, BOTTOM, "#999", 1.0);
    y_caption(&mut svg, y_label);
    if !x_label.is_empty() {
        svg.text(
            PLOT_RIGHT,
            BOTTOM + 34.0,
            "end",
            11.0,
            MUTED,
            "",
            &truncate(x_label, 80),
        );
    }
    for (x, y) in &pts {
        let _ = write!(
            svg.body,
            r#"<circle cx="{}" cy="{}" r="3.5" fill="{}" fill-opacity="0.6" stroke="{}" stroke-width="1"/>"#,
            c(x_axis.map(*x, PLOT_LEFT, PLOT_RIGHT)),
            c(y_axis.map(*y, BOTTOM, PLOT_TOP)),
            color(0),
            color(0)
        );
    }
    svg.finish(title)
}

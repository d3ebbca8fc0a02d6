//! Line charts: series over time, gaps left open.

use std::fmt::Write as _;

use super::frame::{
    Opening, PLOT_BOTTOM, PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, Swatch, open, x_labels, y_axis,
};
use super::scale::{Axis, min_max};
use super::svg::{c, color, dash_attr};
use super::{Charts, Series};

/// Lines over time; `labels` are the x-axis labels (e.g. "01/11"), one per
/// point; at most ~8 shown (thinned evenly).
pub(super) fn line_chart(
    text: &Charts,
    title: &str,
    labels: &[String],
    series: &[Series],
    y_label: &str,
) -> String {
    let Opening {
        values,
        n,
        legend_svg,
        mut svg,
        ..
    } = open("line", Swatch::Line, title, labels, series);

    let Some((lo, hi)) = min_max(values.iter().flatten().flatten().copied()) else {
        svg.empty_message(PLOT_TOP, PLOT_BOTTOM, &text.empty);
        return svg.finish(title);
    };
    let axis = Axis::new(lo, hi);
    y_axis(&mut svg, &axis, y_label, &text.units);

    let x_of = |i: usize| {
        if n <= 1 {
            (PLOT_LEFT + PLOT_RIGHT) / 2.0
        } else {
            PLOT_LEFT + 8.0 + i as f64 * (PLOT_RIGHT - PLOT_LEFT - 16.0) / (n - 1) as f64
        }
    };
    x_labels(&mut svg, labels, n, x_of);

    let markers = n <= 16;
    for (si, points) in values.iter().enumerate() {
        let stroke = color(si);
        // A gap ends the polyline; the next value starts a new one.
        let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
        let mut run: Vec<(f64, f64)> = Vec::new();
        for (i, v) in points.iter().enumerate() {
            match v {
                Some(v) => run.push((x_of(i), axis.map(*v, PLOT_BOTTOM, PLOT_TOP))),
                None if !run.is_empty() => runs.push(std::mem::take(&mut run)),
                None => {}
            }
        }
        if !run.is_empty() {
            runs.push(run);
        }
        for run in &runs {
            if run.len() > 1 {
                let pts: Vec<String> = run
                    .iter()
                    .map(|(x, y)| format!("{},{}", c(*x), c(*y)))
                    .collect();
                let _ = write!(
                    svg.body,
                    r#"<polyline points="{}" fill="none" stroke="{stroke}" stroke-width="2" stroke-linejoin="round"{}/>"#,
                    pts.join(" "),
                    dash_attr(si)
                );
            }
            // A lone point between gaps would be invisible without a marker.
            if markers || run.len() == 1 {
                for (x, y) in run {
                    let _ = write!(
                        svg.body,
                        r##"<circle cx="{}" cy="{}" r="3" fill="{stroke}" stroke="#fff" stroke-width="1"/>"##,
                        c(*x),
                        c(*y)
                    );
                }
            }
        }
    }
    svg.raw(&legend_svg);
    svg.finish(title)
}

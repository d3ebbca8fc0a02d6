//! The frame line and bar charts share: plot area, legend, y axis with its
//! gridlines and the thinned x labels.

use std::fmt::Write as _;

use super::Series;
use super::format::{Units, tick_label};
use super::scale::{Axis, clean};
use super::svg::{
    Fnv, GRID, MUTED, Svg, TEXT, WIDTH, bar_pattern_fill, c, color, dash_attr, esc, text_width,
    truncate,
};

pub(super) const PLOT_TOP: f64 = 52.0;
pub(super) const PLOT_LEFT: f64 = 60.0;
pub(super) const PLOT_RIGHT: f64 = WIDTH - 16.0;
pub(super) const PLOT_HEIGHT: f64 = 220.0;
pub(super) const PLOT_BOTTOM: f64 = PLOT_TOP + PLOT_HEIGHT;
pub(super) const MAX_X_LABELS: usize = 8;

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Swatch {
    Line,
    Bar,
}

/// Legend entries wrapped into rows below the x labels; returns the SVG
/// fragment and the height it needs.
pub(super) fn legend(id: &str, names: &[&str], swatch: Swatch, top: f64) -> (String, f64) {
    if names.len() < 2 {
        return (String::new(), 0.0);
    }
    const ROW: f64 = 18.0;
    let mut out = String::new();
    let (mut x, mut y) = (PLOT_LEFT, top + 12.0);
    for (i, name) in names.iter().enumerate() {
        let label = truncate(name, 40);
        let w = 30.0 + text_width(&label, 11.0) + 16.0;
        if x + w > PLOT_RIGHT && x > PLOT_LEFT {
            x = PLOT_LEFT;
            y += ROW;
        }
        match swatch {
            Swatch::Line => {
                let _ = write!(
                    out,
                    r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2.5"{}/>"#,
                    c(x),
                    c(y - 4.0),
                    c(x + 24.0),
                    c(y - 4.0),
                    color(i),
                    dash_attr(i)
                );
            }
            Swatch::Bar => {
                let _ = write!(
                    out,
                    r#"<rect x="{}" y="{}" width="18" height="10" fill="{}"/>"#,
                    c(x + 3.0),
                    c(y - 9.0),
                    color(i)
                );
                if let Some(fill) = bar_pattern_fill(id, i) {
                    let _ = write!(
                        out,
                        r#"<rect x="{}" y="{}" width="18" height="10" fill="{fill}"/>"#,
                        c(x + 3.0),
                        c(y - 9.0)
                    );
                }
            }
        }
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" font-size="11" fill="{TEXT}">{}</text>"#,
            c(x + 30.0),
            c(y),
            esc(&label)
        );
        x += w;
    }
    (out, y - top + 8.0)
}

/// Sanitised series values and the number of x positions.
pub(super) fn prepare(labels: &[String], series: &[Series]) -> (Vec<Vec<Option<f64>>>, usize) {
    let values: Vec<Vec<Option<f64>>> = series
        .iter()
        .map(|s| s.points.iter().map(|v| clean(*v)).collect())
        .collect();
    let n = values
        .iter()
        .map(Vec::len)
        .max()
        .unwrap_or(0)
        .max(labels.len());
    (values, n)
}

/// Gridlines, y tick labels, the y caption and the zero line.
pub(super) fn y_axis(svg: &mut Svg, axis: &Axis, y_label: &str, units: &Units) {
    y_gridlines(svg, axis, PLOT_BOTTOM, |t| tick_label(t, axis.step, units));
    let zero = axis.map(0.0, PLOT_BOTTOM, PLOT_TOP);
    svg.line(PLOT_LEFT, zero, PLOT_RIGHT, zero, "#999", 1.0);
    y_caption(svg, y_label);
}

/// A gridline across the plot and its label left of it at each of the
/// axis's ticks, the axis running from `bottom` up to [`PLOT_TOP`].
pub(super) fn y_gridlines(svg: &mut Svg, axis: &Axis, bottom: f64, label: impl Fn(f64) -> String) {
    for &t in &axis.ticks {
        let y = axis.map(t, bottom, PLOT_TOP);
        svg.line(PLOT_LEFT, y, PLOT_RIGHT, y, GRID, 1.0);
        svg.text(PLOT_LEFT - 6.0, y + 4.0, "end", 11.0, MUTED, "", &label(t));
    }
}

/// The y axis's caption above the plot (none when empty).
pub(super) fn y_caption(svg: &mut Svg, y_label: &str) {
    if !y_label.is_empty() {
        svg.text(
            PLOT_LEFT - 6.0,
            PLOT_TOP - 12.0,
            "start",
            11.0,
            MUTED,
            "",
            &truncate(y_label, 80),
        );
    }
}

/// What a line or bar chart starts with: the cleaned values per series and
/// the number of points, the series' names, the chart's id, its legend (drawn
/// last) and the SVG, headed by the title and tall enough for the legend.
pub(super) struct Opening<'a> {
    pub values: Vec<Vec<Option<f64>>>,
    pub n: usize,
    pub names: Vec<&'a str>,
    pub id: String,
    pub legend_svg: String,
    pub svg: Svg,
}

/// Opens a chart of `kind` (its id hash) with this legend swatch.
pub(super) fn open<'a>(
    kind: &str,
    swatch: Swatch,
    title: &str,
    labels: &[String],
    series: &'a [Series],
) -> Opening<'a> {
    let (values, n) = prepare(labels, series);
    let id = series_hash(kind, title, labels, series).id();
    let names: Vec<&str> = series.iter().map(|s| s.name.as_str()).collect();
    let (legend_svg, legend_h) = legend(&id, &names, swatch, PLOT_BOTTOM + 24.0);
    let mut svg = Svg::new(id.clone(), PLOT_BOTTOM + 32.0 + legend_h);
    svg.heading(title);
    Opening {
        values,
        n,
        names,
        id,
        legend_svg,
        svg,
    }
}

/// The id hash of a chart of `kind` over these labels and series.
fn series_hash(kind: &str, title: &str, labels: &[String], series: &[Series]) -> Fnv {
    let mut hash = Fnv::new(kind);
    hash.str(title);
    labels.iter().for_each(|l| hash.str(l));
    for s in series {
        hash.str(&s.name);
        s.points.iter().for_each(|v| hash.num(*v));
    }
    hash
}

/// Indices whose x label is shown: at most [`MAX_X_LABELS`], evenly spaced.
pub(super) fn shown_labels(n: usize) -> impl Iterator<Item = usize> {
    let step = n.div_ceil(MAX_X_LABELS).max(1);
    (0..n).step_by(step)
}

pub(super) fn x_labels(svg: &mut Svg, labels: &[String], n: usize, x_of: impl Fn(usize) -> f64) {
    let max_chars = ((PLOT_RIGHT - PLOT_LEFT) / n.clamp(1, MAX_X_LABELS) as f64 / 6.2) as usize;
    for i in shown_labels(n) {
        if let Some(label) = labels.get(i) {
            svg.text(
                x_of(i),
                PLOT_BOTTOM + 16.0,
                "middle",
                11.0,
                MUTED,
                "",
                &truncate(label, max_chars.max(4)),
            );
        }
    }
}

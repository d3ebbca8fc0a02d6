//! Bar charts: vertical grouped bars over labels, and horizontal bars for
//! rankings.

use std::fmt::Write as _;

use super::format::compact;
use super::frame::{
    Opening, PLOT_BOTTOM, PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, Swatch, open, x_labels, y_axis,
};
use super::scale::{Axis, clean, min_max};
use super::svg::{
    Fnv, MUTED, Svg, TEXT, WIDTH, bar_pattern_fill, bar_patterns, c, color, esc, text_width,
    truncate,
};
use super::{Charts, Series};

/// Vertical grouped bars: one group per label, one bar per series (also works
/// with one series). A `None` leaves its slot empty.
pub(super) fn bar_chart(
    text: &Charts,
    title: &str,
    labels: &[String],
    series: &[Series],
    y_label: &str,
) -> String {
    let Opening {
        values,
        n,
        names,
        id,
        legend_svg,
        mut svg,
    } = open("bar", Swatch::Bar, title, labels, series);

    let Some((lo, hi)) = min_max(values.iter().flatten().flatten().copied()) else {
        svg.empty_message(PLOT_TOP, PLOT_BOTTOM, &text.empty);
        return svg.finish(title);
    };
    bar_patterns(&mut svg, series.len());
    let axis = Axis::new(lo, hi);
    y_axis(&mut svg, &axis, y_label, &text.units);

    let group_w = (PLOT_RIGHT - PLOT_LEFT) / n.max(1) as f64;
    let x_of = |i: usize| PLOT_LEFT + (i as f64 + 0.5) * group_w;
    x_labels(&mut svg, labels, n, x_of);

    let k = values.len().max(1) as f64;
    let bar_w = group_w * 0.8 / k;
    let zero = axis.map(0.0, PLOT_BOTTOM, PLOT_TOP);
    for (si, points) in values.iter().enumerate() {
        for (i, v) in points.iter().enumerate() {
            let Some(v) = v else { continue };
            let x = PLOT_LEFT + i as f64 * group_w + group_w * 0.1 + si as f64 * bar_w;
            let y = axis.map(*v, PLOT_BOTTOM, PLOT_TOP);
            let (top, h) = (y.min(zero), (y - zero).abs());
            let tip = format!(
                "{}{}: {}",
                labels.get(i).map(String::as_str).unwrap_or(""),
                if names[si].is_empty() {
                    String::new()
                } else {
                    format!(" · {}", names[si])
                },
                text.units.num(*v)
            );
            let _ = write!(
                svg.body,
                r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>"#,
                c(x),
                c(top),
                c(bar_w),
                c(h),
                color(si),
                esc(&tip)
            );
            if let Some(fill) = bar_pattern_fill(&id, si) {
                let _ = write!(
                    svg.body,
                    r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{fill}"/>"#,
                    c(x),
                    c(top),
                    c(bar_w),
                    c(h)
                );
            }
        }
    }
    svg.raw(&legend_svg);
    svg.finish(title)
}

/// Horizontal bars (rankings: by category, by channel, by agency), value
/// printed at the bar end. A `None` row keeps its label and reads "không có".
pub(super) fn hbar_chart(
    text: &Charts,
    title: &str,
    rows: &[(String, Option<f64>)],
    value_label: &str,
) -> String {
    const ROW_H: f64 = 28.0;
    const BAR_H: f64 = 18.0;
    const VALUE_W: f64 = 72.0;
    let mut hash = Fnv::new("hbar");
    hash.str(title);
    hash.str(value_label);
    for (label, v) in rows {
        hash.str(label);
        hash.num(*v);
    }
    let values: Vec<Option<f64>> = rows.iter().map(|(_, v)| clean(*v)).collect();
    let Some((lo, hi)) = min_max(values.iter().flatten().copied()) else {
        let mut svg = Svg::new(hash.id(), 200.0);
        svg.heading(title);
        svg.empty_message(PLOT_TOP, 184.0, &text.empty);
        return svg.finish(title);
    };
    let top = PLOT_TOP;
    let mut svg = Svg::new(hash.id(), top + rows.len() as f64 * ROW_H + 12.0);
    svg.heading(title);
    if !value_label.is_empty() {
        svg.text(
            WIDTH - 16.0,
            top - 12.0,
            "end",
            11.0,
            MUTED,
            "",
            &truncate(value_label, 60),
        );
    }

    let longest = rows
        .iter()
        .map(|(l, _)| text_width(l, 12.0))
        .fold(0.0, f64::max);
    let label_w = longest.clamp(60.0, 220.0);
    let max_chars = (label_w / (12.0 * 0.56)) as usize;
    let (left, right) = (16.0 + label_w + 8.0, WIDTH - 16.0 - VALUE_W);
    // No ticks here, so bars use the data range itself: rounding it out to
    // nice steps would leave a gap between the labels and short bars.
    let axis = Axis::exact(lo, hi);
    let zero = axis.map(0.0, left, right);
    svg.line(
        zero,
        top - 4.0,
        zero,
        top + rows.len() as f64 * ROW_H,
        "#999",
        1.0,
    );

    for (i, ((label, _), v)) in rows.iter().zip(&values).enumerate() {
        let y = top + i as f64 * ROW_H;
        let mid = y + BAR_H / 2.0 + 4.0;
        let _ = write!(
            svg.body,
            r#"<text x="{}" y="{}" text-anchor="end" font-size="12" fill="{TEXT}"><title>{}</title>{}</text>"#,
            c(left - 8.0),
            c(mid),
            esc(label),
            esc(&truncate(label, max_chars))
        );
        match v {
            Some(v) => {
                let end = axis.map(*v, left, right);
                let _ = write!(
                    svg.body,
                    r#"<rect x="{}" y="{}" width="{}" height="{BAR_H}" fill="{}"/>"#,
                    c(zero.min(end)),
                    c(y),
                    c((end - zero).abs()),
                    color(0)
                );
                let value = if v.abs() < 100_000.0 {
                    text.units.num(*v)
                } else {
                    compact(*v, &text.units)
                };
                // A negative value goes left of its bar, unless that would run
                // into the label column; then it sits right of the zero line.
                let fits_left = end - 4.0 - text_width(&value, 12.0) >= left;
                let (x, anchor) = match (*v < 0.0, fits_left) {
                    (true, true) => (end - 4.0, "end"),
                    (true, false) => (zero + 4.0, "start"),
                    (false, _) => (end + 4.0, "start"),
                };
                svg.text(x, mid, anchor, 12.0, TEXT, "", &value);
            }
            None => svg.text(
                zero + 4.0,
                mid,
                "start",
                12.0,
                MUTED,
                r#" font-style="italic""#,
                &text.no_value,
            ),
        }
    }
    svg.finish(title)
}

//! The weekday × hour heatmap of the best time to post.

use std::fmt::Write as _;

use super::Charts;
use super::format::compact;
use super::scale::{clean, min_max};
use super::svg::{Fnv, MUTED, Svg, TEXT, WIDTH, c, esc, text_width};

/// Weekday × hour heatmap. `cells[weekday 0=Monday..6][hour 0..23]` =
/// `Some(median)` or `None` (no data: hatched grey, not the colour of 0).
/// `highlight`: an optional (weekday, hour) cell outlined as the
/// recommendation.
pub(super) fn heatmap(
    text: &Charts,
    title: &str,
    cells: &[[Option<f64>; 24]; 7],
    highlight: Option<(usize, usize)>,
) -> String {
    const LEFT: f64 = 44.0;
    const TOP: f64 = 44.0;
    const CELL_H: f64 = 24.0;
    const GRID_BOTTOM: f64 = TOP + 7.0 * CELL_H;
    let cell_w = (WIDTH - 16.0 - LEFT) / 24.0;
    let mut hash = Fnv::new("heatmap");
    hash.str(title);
    cells.iter().flatten().for_each(|v| hash.num(*v));
    if let Some((d, h)) = highlight {
        hash.bytes(&[d as u8, h as u8]);
    }
    let id = hash.id();
    let mut svg = Svg::new(id.clone(), GRID_BOTTOM + 68.0);
    svg.heading(title);

    let Some((lo, hi)) = min_max(cells.iter().flatten().filter_map(|v| clean(*v))) else {
        svg.empty_message(TOP, GRID_BOTTOM + 20.0, &text.empty);
        return svg.finish(title);
    };
    let _ = write!(
        svg.body,
        r##"<defs><pattern id="{id}-na" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f2f2f2"/><line x1="0" y1="0" x2="0" y2="6" stroke="#bbb" stroke-width="1.5"/></pattern><linearGradient id="{id}-g"><stop offset="0" stop-color="{low}"/><stop offset="1" stop-color="{high}"/></linearGradient></defs>"##,
        low = ramp(0.0),
        high = ramp(1.0),
    );

    for (d, row) in cells.iter().enumerate() {
        let y = TOP + d as f64 * CELL_H;
        svg.text(
            LEFT - 8.0,
            y + CELL_H / 2.0 + 4.0,
            "end",
            12.0,
            TEXT,
            "",
            &text.weekdays[d],
        );
        for (h, v) in row.iter().enumerate() {
            let x = LEFT + h as f64 * cell_w;
            let (fill, value) = match clean(*v) {
                Some(v) => {
                    let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
                    (ramp(t), text.units.num(v))
                }
                None => (format!("url(#{id}-na)"), text.no_value.clone()),
            };
            let _ = write!(
                svg.body,
                r##"<rect x="{}" y="{}" width="{}" height="{}" fill="{fill}" stroke="#fff" stroke-width="1"><title>{} {h}h: {}</title></rect>"##,
                c(x),
                c(y),
                c(cell_w),
                c(CELL_H),
                text.weekdays[d],
                esc(&value)
            );
        }
    }
    for h in (0..24).step_by(3) {
        svg.text(
            LEFT + h as f64 * cell_w + cell_w / 2.0,
            GRID_BOTTOM + 16.0,
            "middle",
            11.0,
            MUTED,
            "",
            &format!("{h}h"),
        );
    }
    if let Some((d, h)) = highlight.filter(|&(d, h)| d < 7 && h < 24) {
        let _ = write!(
            svg.body,
            r##"<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#000" stroke-width="3"/>"##,
            c(LEFT + h as f64 * cell_w + 1.5),
            c(TOP + d as f64 * CELL_H + 1.5),
            c(cell_w - 3.0),
            c(CELL_H - 3.0)
        );
    }

    let recommended = highlight.is_some_and(|(d, h)| d < 7 && h < 24);
    legend(
        text,
        &mut svg,
        &id,
        (lo, hi),
        recommended,
        LEFT,
        GRID_BOTTOM + 36.0,
    );
    svg.finish(title)
}

/// The legend under the grid, at `left`, `ly`: the min..max ramp, the
/// no-data hatch and, when a cell is `recommended`, its outline.
fn legend(
    text: &Charts,
    svg: &mut Svg,
    id: &str,
    (lo, hi): (f64, f64),
    recommended: bool,
    left: f64,
    ly: f64,
) {
    svg.text(
        left,
        ly + 11.0,
        "end",
        11.0,
        MUTED,
        "",
        &compact(lo, &text.units),
    );
    let _ = write!(
        svg.body,
        r##"<rect x="{}" y="{}" width="140" height="14" fill="url(#{id}-g)" stroke="#999" stroke-width="0.5"/>"##,
        c(left + 6.0),
        c(ly)
    );
    svg.text(
        left + 152.0,
        ly + 11.0,
        "start",
        11.0,
        MUTED,
        "",
        &compact(hi, &text.units),
    );
    let nx = left + 152.0 + text_width(&compact(hi, &text.units), 11.0) + 28.0;
    let _ = write!(
        svg.body,
        r##"<rect x="{}" y="{}" width="22" height="14" fill="url(#{id}-na)" stroke="#999" stroke-width="0.5"/>"##,
        c(nx),
        c(ly)
    );
    svg.text(
        nx + 28.0,
        ly + 11.0,
        "start",
        11.0,
        MUTED,
        "",
        &text.no_data,
    );
    if recommended {
        let hx = nx + 28.0 + text_width(&text.no_data, 11.0) + 28.0;
        let _ = write!(
            svg.body,
            r##"<rect x="{}" y="{}" width="22" height="14" fill="none" stroke="#000" stroke-width="3"/>"##,
            c(hx),
            c(ly)
        );
        svg.text(
            hx + 28.0,
            ly + 11.0,
            "start",
            11.0,
            MUTED,
            "",
            &text.recommended,
        );
    }
}

/// Light to dark blue; lightness falls monotonically, so the scale survives
/// grayscale printing and colour blindness.
pub(super) fn ramp(t: f64) -> String {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (from, to) = ([0xde, 0xeb, 0xf7], [0x08, 0x30, 0x6b]);
    let mix =
        |i: usize| (f64::from(from[i]) + (f64::from(to[i]) - f64::from(from[i])) * t).round() as u8;
    format!("#{:02x}{:02x}{:02x}", mix(0), mix(1), mix(2))
}

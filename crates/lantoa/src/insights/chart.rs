//! Server-rendered SVG charts for the Insights dashboards and their A4 prints.
//!
//! Every chart is a standalone `<svg>` string with a fixed `viewBox` and
//! `width="100%"`, so it scales in the page and prints without JavaScript or
//! web fonts. Series are told apart by colour (Okabe–Ito, safe for colour
//! blindness) *and* by dash or hatch pattern, so a grayscale print stays
//! readable. A missing value (`None`) is a gap, never a zero. Numbers read the
//! Vietnamese way: `1.234,5`, and on axes `1,2 N` / `3,4 Tr`.

use std::fmt::Write as _;

/// One named line or bar series; `None` is a gap ("không có"), never drawn as 0.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<Option<f64>>,
}

// User-visible strings; the lead may move them to the .ftl files.
const EMPTY_MESSAGE: &str = "Chưa có số liệu";
const NO_VALUE: &str = "không có";
const NO_DATA_LEGEND: &str = "Không có số liệu";
const RECOMMENDED_LEGEND: &str = "Đề xuất";
const WEEKDAYS: [&str; 7] = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"];

const FONT: &str = "system-ui, 'Noto Sans', 'DejaVu Sans', sans-serif";
const WIDTH: f64 = 640.0;
const TEXT: &str = "#222";
const MUTED: &str = "#666";
const GRID: &str = "#ddd";
/// Okabe–Ito without its yellow, which vanishes on white paper.
const PALETTE: [&str; 7] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
];
/// Dash patterns, so lines stay apart in grayscale; cycles with a different
/// period than the palette so colour and dash pairs repeat late.
const DASHES: [&str; 5] = ["", "6 3", "2 3", "9 3 2 3", "4 2 1 2"];
/// Values past this are not metrics; clamping keeps every coordinate finite.
const LIMIT: f64 = 1e300;

// ---------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------

/// A number in full, Vietnamese style: `12.345`, `1.234,5`, `-0,25`
/// (at most two decimals, trailing zeros dropped). Not finite → `–`.
pub fn fmt_num(v: f64) -> String {
    fmt_decimal(v, 2)
}

/// A short number for axes and crowded tables: `999`, `12,5`, `1,2 N`
/// (nghìn), `3,4 Tr` (triệu), `1,5 Tỷ` (tỷ); one decimal at most.
pub fn fmt_compact(v: f64) -> String {
    if !v.is_finite() {
        return "–".to_owned();
    }
    for (unit, suffix, lower) in [(1e9, "Tỷ", 1e6), (1e6, "Tr", 1e3), (1e3, "N", 1.0)] {
        // Decide on the value as the smaller unit would show it, so 999.960
        // reads "1 Tr", not "1.000 N".
        if round_to(v.abs() / lower, 1) >= unit / lower {
            return format!("{} {suffix}", fmt_decimal(v / unit, 1));
        }
    }
    fmt_decimal(v, 1)
}

/// A share 0..1 as a percentage: `0,125` → `12,5%`.
pub fn fmt_percent(v: f64) -> String {
    if !v.is_finite() {
        return "–".to_owned();
    }
    format!("{}%", fmt_decimal(v * 100.0, 1))
}

fn round_to(v: f64, decimals: usize) -> f64 {
    let scale = 10f64.powi(decimals as i32);
    (v * scale).round() / scale
}

fn fmt_decimal(v: f64, max_decimals: usize) -> String {
    if !v.is_finite() {
        return "–".to_owned();
    }
    // Formatting through the string keeps huge values exact-ish and never
    // overflows an integer conversion.
    let fixed = format!("{:.*}", max_decimals, v.abs());
    let (int_part, frac_part) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let frac = frac_part.trim_end_matches('0');
    let is_zero = int_part.bytes().all(|b| b == b'0') && frac.is_empty();
    let mut out = String::with_capacity(fixed.len() + fixed.len() / 3 + 1);
    if v < 0.0 && !is_zero {
        out.push('-');
    }
    let len = int_part.len();
    for (i, ch) in int_part.chars().enumerate() {
        if i > 0 && (len - i) % 3 == 0 {
            out.push('.');
        }
        out.push(ch);
    }
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    out
}

/// Axis label for a tick, precise enough that neighbouring ticks differ.
fn tick_label(v: f64, step: f64) -> String {
    if v.abs() >= 1000.0 {
        return fmt_compact(v);
    }
    let decimals = (-step.log10().floor()).clamp(0.0, 6.0) as usize;
    fmt_decimal(v, decimals)
}

fn percent_tick_label(v: f64, step: f64) -> String {
    let decimals = (-(step * 100.0).log10().floor()).clamp(0.0, 4.0) as usize;
    format!("{}%", fmt_decimal(v * 100.0, decimals))
}

// ---------------------------------------------------------------------------
// Scales
// ---------------------------------------------------------------------------

/// Ticks on 1-2-5 steps covering `lo..=hi`, which always includes 0.
struct Axis {
    lo: f64,
    hi: f64,
    step: f64,
    ticks: Vec<f64>,
}

impl Axis {
    fn new(data_lo: f64, data_hi: f64) -> Axis {
        let mut lo = data_lo.min(0.0);
        let mut hi = data_hi.max(0.0);
        if hi - lo <= 0.0 || !(hi - lo).is_finite() {
            lo = lo.min(0.0);
            hi = lo + 1.0;
        }
        let step = nice_step((hi - lo) / 5.0);
        let first = (lo / step).floor();
        let last = (hi / step).ceil();
        let count = ((last - first) as usize).clamp(1, 12);
        let ticks: Vec<f64> = (0..=count).map(|k| (first + k as f64) * step).collect();
        Axis {
            lo: ticks[0],
            hi: ticks[count],
            step,
            ticks,
        }
    }

    /// A scale over exactly `lo..=hi` and 0, for charts without ticks.
    fn exact(data_lo: f64, data_hi: f64) -> Axis {
        let lo = data_lo.min(0.0);
        let hi = data_hi.max(0.0);
        let hi = if hi > lo { hi } else { lo + 1.0 };
        Axis {
            lo,
            hi,
            step: hi - lo,
            ticks: Vec::new(),
        }
    }

    /// Position of `v` between `from` (at `lo`) and `to` (at `hi`).
    fn map(&self, v: f64, from: f64, to: f64) -> f64 {
        from + (v - self.lo) / (self.hi - self.lo) * (to - from)
    }
}

fn nice_step(raw: f64) -> f64 {
    let magnitude = 10f64.powf(raw.log10().floor());
    let fraction = raw / magnitude;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    let step = nice * magnitude;
    if step.is_finite() && step > 0.0 {
        step
    } else {
        1.0
    }
}

fn clean(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite()).map(|x| x.clamp(-LIMIT, LIMIT))
}

fn min_max(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

// ---------------------------------------------------------------------------
// SVG writing
// ---------------------------------------------------------------------------

/// A coordinate rounded to one decimal, without a trailing `.0` or `-0`.
fn c(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0 + 0.0;
    if r.is_finite() {
        format!("{r}")
    } else {
        "0".to_owned()
    }
}

/// Escapes XML text and attribute values and drops characters XML 1.0 forbids.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Cuts a label to `max` characters with an ellipsis; the full text goes in
/// a `<title>` tooltip where it matters.
fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Rough text width at a font size; enough to lay out legends and labels.
fn text_width(s: &str, size: f64) -> f64 {
    s.chars().count() as f64 * size * 0.56
}

/// FNV-1a over the chart's inputs: a stable id, distinct per chart, so
/// several SVGs inlined in one page don't share `id`s.
struct Fnv(u64);

impl Fnv {
    fn new(kind: &str) -> Fnv {
        let mut h = Fnv(0xcbf2_9ce4_8422_2325);
        h.str(kind);
        h
    }
    fn bytes(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
        self.bytes(&[0xff]);
    }
    fn num(&mut self, v: Option<f64>) {
        match v {
            Some(x) => self.bytes(&x.to_bits().to_le_bytes()),
            None => self.bytes(&[0xfe]),
        }
    }
    fn id(&self) -> String {
        format!("ins{:012x}", self.0 & 0xffff_ffff_ffff)
    }
}

struct Svg {
    id: String,
    height: f64,
    body: String,
}

impl Svg {
    fn new(id: String, height: f64) -> Svg {
        Svg {
            id,
            height,
            body: String::new(),
        }
    }

    fn raw(&mut self, s: &str) {
        self.body.push_str(s);
    }

    #[allow(clippy::too_many_arguments)]
    fn text(&mut self, x: f64, y: f64, anchor: &str, size: f64, fill: &str, extra: &str, s: &str) {
        let _ = write!(
            self.body,
            r#"<text x="{}" y="{}" text-anchor="{anchor}" font-size="{size}" fill="{fill}"{extra}>{}</text>"#,
            c(x),
            c(y),
            esc(s)
        );
    }

    fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str, width: f64) {
        let _ = write!(
            self.body,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{stroke}" stroke-width="{width}"/>"#,
            c(x1),
            c(y1),
            c(x2),
            c(y2)
        );
    }

    /// Chart title at the top; the accessible name lives in `<title>`.
    fn heading(&mut self, title: &str) {
        self.text(
            16.0,
            24.0,
            "start",
            15.0,
            TEXT,
            r#" font-weight="600""#,
            &truncate(title, 72),
        );
    }

    fn empty_message(&mut self, top: f64, bottom: f64) {
        let _ = write!(
            self.body,
            r##"<rect x="16" y="{}" width="{}" height="{}" fill="none" stroke="{GRID}"/>"##,
            c(top),
            c(WIDTH - 32.0),
            c(bottom - top)
        );
        self.text(
            WIDTH / 2.0,
            (top + bottom) / 2.0 + 5.0,
            "middle",
            14.0,
            MUTED,
            "",
            EMPTY_MESSAGE,
        );
    }

    fn finish(self, title: &str) -> String {
        let mut out = String::with_capacity(self.body.len() + 512);
        let _ = write!(
            out,
            r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" aria-labelledby="{id}-t" font-family="{font}"><title id="{id}-t">{title}</title><rect width="{w}" height="{h}" fill="#fff"/>{body}</svg>"##,
            w = c(WIDTH),
            h = c(self.height),
            id = self.id,
            font = esc(FONT),
            title = esc(title),
            body = self.body,
        );
        out
    }
}

fn color(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

fn dash_attr(i: usize) -> String {
    let dash = DASHES[i % DASHES.len()];
    if dash.is_empty() {
        String::new()
    } else {
        format!(r#" stroke-dasharray="{dash}""#)
    }
}

/// Hatch overlays for bars, so grouped bars differ in grayscale too.
/// Series 0 stays plain; the others get white lines at different angles.
fn bar_patterns(svg: &mut Svg, count: usize) {
    let mut defs = String::from("<defs>");
    for i in 1..count.min(4) {
        let (angle, gap) = match i {
            1 => (45, 5),
            2 => (-45, 5),
            _ => (0, 4),
        };
        let _ = write!(
            defs,
            r##"<pattern id="{id}-p{i}" width="{gap}" height="{gap}" patternUnits="userSpaceOnUse" patternTransform="rotate({angle})"><line x1="0" y1="0" x2="0" y2="{gap}" stroke="#fff" stroke-width="1.5"/></pattern>"##,
            id = svg.id,
        );
    }
    defs.push_str("</defs>");
    svg.raw(&defs);
}

fn bar_pattern_fill(id: &str, series: usize) -> Option<String> {
    let slot = series % 4;
    (slot != 0).then(|| format!("url(#{id}-p{slot})"))
}

// ---------------------------------------------------------------------------
// Line and bar charts share a frame
// ---------------------------------------------------------------------------

const PLOT_TOP: f64 = 52.0;
const PLOT_LEFT: f64 = 60.0;
const PLOT_RIGHT: f64 = WIDTH - 16.0;
const PLOT_HEIGHT: f64 = 220.0;
const PLOT_BOTTOM: f64 = PLOT_TOP + PLOT_HEIGHT;
const MAX_X_LABELS: usize = 8;

#[derive(Clone, Copy, PartialEq)]
enum Swatch {
    Line,
    Bar,
}

/// Legend entries wrapped into rows below the x labels; returns the SVG
/// fragment and the height it needs.
fn legend(id: &str, names: &[&str], swatch: Swatch, top: f64) -> (String, f64) {
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
fn prepare(labels: &[String], series: &[Series]) -> (Vec<Vec<Option<f64>>>, usize) {
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
fn y_axis(svg: &mut Svg, axis: &Axis, y_label: &str) {
    for &t in &axis.ticks {
        let y = axis.map(t, PLOT_BOTTOM, PLOT_TOP);
        svg.line(PLOT_LEFT, y, PLOT_RIGHT, y, GRID, 1.0);
        svg.text(
            PLOT_LEFT - 6.0,
            y + 4.0,
            "end",
            11.0,
            MUTED,
            "",
            &tick_label(t, axis.step),
        );
    }
    let zero = axis.map(0.0, PLOT_BOTTOM, PLOT_TOP);
    svg.line(PLOT_LEFT, zero, PLOT_RIGHT, zero, "#999", 1.0);
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

/// Indices whose x label is shown: at most [`MAX_X_LABELS`], evenly spaced.
fn shown_labels(n: usize) -> impl Iterator<Item = usize> {
    let step = n.div_ceil(MAX_X_LABELS).max(1);
    (0..n).step_by(step)
}

fn x_labels(svg: &mut Svg, labels: &[String], n: usize, x_of: impl Fn(usize) -> f64) {
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

/// Lines over time; `labels` are the x-axis labels (e.g. "01/11"), one per
/// point; at most ~8 shown (thinned evenly).
pub fn line_chart(title: &str, labels: &[String], series: &[Series], y_label: &str) -> String {
    let (values, n) = prepare(labels, series);
    let mut hash = Fnv::new("line");
    hash.str(title);
    labels.iter().for_each(|l| hash.str(l));
    for s in series {
        hash.str(&s.name);
        s.points.iter().for_each(|v| hash.num(*v));
    }
    let names: Vec<&str> = series.iter().map(|s| s.name.as_str()).collect();
    let (legend_svg, legend_h) = legend(&hash.id(), &names, Swatch::Line, PLOT_BOTTOM + 24.0);
    let mut svg = Svg::new(hash.id(), PLOT_BOTTOM + 32.0 + legend_h);
    svg.heading(title);

    let Some((lo, hi)) = min_max(values.iter().flatten().flatten().copied()) else {
        svg.empty_message(PLOT_TOP, PLOT_BOTTOM);
        return svg.finish(title);
    };
    let axis = Axis::new(lo, hi);
    y_axis(&mut svg, &axis, y_label);

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

/// Vertical grouped bars: one group per label, one bar per series (also works
/// with one series). A `None` leaves its slot empty.
pub fn bar_chart(title: &str, labels: &[String], series: &[Series], y_label: &str) -> String {
    let (values, n) = prepare(labels, series);
    let mut hash = Fnv::new("bar");
    hash.str(title);
    labels.iter().for_each(|l| hash.str(l));
    for s in series {
        hash.str(&s.name);
        s.points.iter().for_each(|v| hash.num(*v));
    }
    let id = hash.id();
    let names: Vec<&str> = series.iter().map(|s| s.name.as_str()).collect();
    let (legend_svg, legend_h) = legend(&id, &names, Swatch::Bar, PLOT_BOTTOM + 24.0);
    let mut svg = Svg::new(id.clone(), PLOT_BOTTOM + 32.0 + legend_h);
    svg.heading(title);

    let Some((lo, hi)) = min_max(values.iter().flatten().flatten().copied()) else {
        svg.empty_message(PLOT_TOP, PLOT_BOTTOM);
        return svg.finish(title);
    };
    bar_patterns(&mut svg, series.len());
    let axis = Axis::new(lo, hi);
    y_axis(&mut svg, &axis, y_label);

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
                fmt_num(*v)
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
pub fn hbar_chart(title: &str, rows: &[(String, Option<f64>)], value_label: &str) -> String {
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
        svg.empty_message(PLOT_TOP, 184.0);
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
                    fmt_num(*v)
                } else {
                    fmt_compact(*v)
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
                NO_VALUE,
            ),
        }
    }
    svg.finish(title)
}

/// Weekday × hour heatmap. `cells[weekday 0=Monday..6][hour 0..23]` =
/// `Some(median)` or `None` (no data: hatched grey, not the colour of 0).
/// `highlight`: an optional (weekday, hour) cell outlined as the
/// recommendation.
pub fn heatmap(
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
        svg.empty_message(TOP, GRID_BOTTOM + 20.0);
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
            WEEKDAYS[d],
        );
        for (h, v) in row.iter().enumerate() {
            let x = LEFT + h as f64 * cell_w;
            let (fill, value) = match clean(*v) {
                Some(v) => {
                    let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
                    (ramp(t), fmt_num(v))
                }
                None => (format!("url(#{id}-na)"), NO_VALUE.to_owned()),
            };
            let _ = write!(
                svg.body,
                r##"<rect x="{}" y="{}" width="{}" height="{}" fill="{fill}" stroke="#fff" stroke-width="1"><title>{} {h}h: {}</title></rect>"##,
                c(x),
                c(y),
                c(cell_w),
                c(CELL_H),
                WEEKDAYS[d],
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

    // Legend: min..max ramp, the no-data hatch, and the recommendation outline.
    let ly = GRID_BOTTOM + 36.0;
    svg.text(LEFT, ly + 11.0, "end", 11.0, MUTED, "", &fmt_compact(lo));
    let _ = write!(
        svg.body,
        r##"<rect x="{}" y="{}" width="140" height="14" fill="url(#{id}-g)" stroke="#999" stroke-width="0.5"/>"##,
        c(LEFT + 6.0),
        c(ly)
    );
    svg.text(
        LEFT + 152.0,
        ly + 11.0,
        "start",
        11.0,
        MUTED,
        "",
        &fmt_compact(hi),
    );
    let nx = LEFT + 152.0 + text_width(&fmt_compact(hi), 11.0) + 28.0;
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
        NO_DATA_LEGEND,
    );
    if highlight.is_some_and(|(d, h)| d < 7 && h < 24) {
        let hx = nx + 28.0 + text_width(NO_DATA_LEGEND, 11.0) + 28.0;
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
            RECOMMENDED_LEGEND,
        );
    }
    svg.finish(title)
}

/// Light to dark blue; lightness falls monotonically, so the scale survives
/// grayscale printing and colour blindness.
fn ramp(t: f64) -> String {
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

/// Scatter: x = clip length in seconds, y = completion rate 0..1 (shown as
/// %), one point per post.
pub fn scatter(title: &str, points: &[(f64, f64)], x_label: &str, y_label: &str) -> String {
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
        svg.empty_message(PLOT_TOP, BOTTOM);
        return svg.finish(title);
    };
    let x_axis = Axis::new(x_lo, x_hi);
    let y_axis = Axis::new(y_lo, y_hi.max(1.0));

    for &t in &y_axis.ticks {
        let y = y_axis.map(t, BOTTOM, PLOT_TOP);
        svg.line(PLOT_LEFT, y, PLOT_RIGHT, y, GRID, 1.0);
        svg.text(
            PLOT_LEFT - 6.0,
            y + 4.0,
            "end",
            11.0,
            MUTED,
            "",
            &percent_tick_label(t, y_axis.step),
        );
    }
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
            &tick_label(t, x_axis.step),
        );
    }
    svg.line(PLOT_LEFT, BOTTOM, PLOT_RIGHT, BOTTOM, "#999", 1.0);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks well-formedness the way an XML parser would reject us: tags
    /// balance, attribute values are quoted, and every `&` starts an entity.
    fn assert_well_formed(svg: &str) {
        assert!(svg.starts_with("<svg "), "not an svg: {svg:.80}");
        let mut stack: Vec<&str> = Vec::new();
        let mut rest = svg;
        while let Some(open) = rest.find('<') {
            check_text(&rest[..open]);
            let after = &rest[open + 1..];
            let close =
                find_tag_end(after).unwrap_or_else(|| panic!("unclosed tag near {after:.60}"));
            let tag = &after[..close];
            if let Some(name) = tag.strip_prefix('/') {
                let top = stack.pop().unwrap_or_else(|| panic!("stray </{name}>"));
                assert_eq!(top, name.trim(), "mismatched close tag");
            } else {
                let self_closing = tag.ends_with('/');
                let body = tag.trim_end_matches('/');
                let name = body.split_whitespace().next().unwrap_or("");
                assert!(
                    !name.is_empty()
                        && name
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':'),
                    "bad tag name in <{tag:.60}>"
                );
                check_attributes(&body[name.len()..]);
                if !self_closing {
                    stack.push(name);
                }
            }
            rest = &after[close + 1..];
            if stack.is_empty() {
                assert!(rest.trim().is_empty(), "content after the root element");
            }
        }
        check_text(rest);
        assert!(stack.is_empty(), "unclosed elements: {stack:?}");
    }

    /// The `>` ending a tag, skipping those inside quoted attribute values.
    fn find_tag_end(s: &str) -> Option<usize> {
        let mut quote = None;
        for (i, ch) in s.char_indices() {
            match (quote, ch) {
                (None, '"' | '\'') => quote = Some(ch),
                (Some(q), ch) if ch == q => quote = None,
                (None, '>') => return Some(i),
                (_, '<') => panic!("raw '<' inside a tag: {s:.60}"),
                _ => {}
            }
        }
        None
    }

    fn check_attributes(attrs: &str) {
        let mut rest = attrs.trim();
        while !rest.is_empty() {
            let eq = rest
                .find('=')
                .unwrap_or_else(|| panic!("attribute without value: {rest:.40}"));
            let name = rest[..eq].trim();
            assert!(
                !name.is_empty() && !name.contains(char::is_whitespace),
                "bad attribute name {name:?}"
            );
            let value = &rest[eq + 1..];
            let q = value.chars().next().unwrap_or(' ');
            assert!(q == '"' || q == '\'', "unquoted attribute {name}");
            let end = value[1..].find(q).expect("unterminated attribute") + 1;
            check_text(&value[1..end]);
            rest = value[end + 1..].trim_start();
        }
    }

    fn check_text(text: &str) {
        for (i, _) in text.match_indices('&') {
            let entity = &text[i..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#"]
                    .iter()
                    .any(|e| entity.starts_with(e)),
                "bare '&' in {text:.60}"
            );
        }
        assert!(!text.contains('<'), "raw '<' in text");
    }

    fn assert_clean_numbers(svg: &str) {
        for bad in ["NaN", "inf", "Infinity"] {
            assert!(!svg.contains(bad), "{bad} in output: {svg}");
        }
        assert_well_formed(svg);
    }

    fn labels(n: usize) -> Vec<String> {
        (1..=n).map(|d| format!("{d:02}/11")).collect()
    }

    fn series(name: &str, points: &[Option<f64>]) -> Series {
        Series {
            name: name.to_owned(),
            points: points.to_vec(),
        }
    }

    fn polylines(svg: &str) -> Vec<Vec<(f64, f64)>> {
        svg.match_indices("<polyline points=\"")
            .map(|(i, m)| {
                let start = i + m.len();
                let end = start + svg[start..].find('"').expect("closed points");
                svg[start..end]
                    .split(' ')
                    .map(|p| {
                        let (x, y) = p.split_once(',').expect("x,y");
                        (x.parse().expect("x"), y.parse().expect("y"))
                    })
                    .collect()
            })
            .collect()
    }

    fn full_heatmap() -> [[Option<f64>; 24]; 7] {
        let mut cells = [[None; 24]; 7];
        for (d, row) in cells.iter_mut().enumerate() {
            for (h, cell) in row.iter_mut().enumerate() {
                *cell = Some((d * 24 + h) as f64);
            }
        }
        cells
    }

    #[test]
    fn fmt_num_uses_vietnamese_separators() {
        assert_eq!(fmt_num(0.0), "0");
        assert_eq!(fmt_num(-0.0), "0");
        assert_eq!(fmt_num(999.0), "999");
        assert_eq!(fmt_num(1000.0), "1.000");
        assert_eq!(fmt_num(12_345.0), "12.345");
        assert_eq!(fmt_num(1_234_567.0), "1.234.567");
        assert_eq!(fmt_num(12_345.6), "12.345,6");
        assert_eq!(fmt_num(0.126), "0,13");
        assert_eq!(fmt_num(-1_234.5), "-1.234,5");
        assert_eq!(fmt_num(-0.001), "0");
        assert_eq!(fmt_num(f64::NAN), "–");
        assert_eq!(fmt_num(f64::INFINITY), "–");
    }

    #[test]
    fn fmt_compact_shortens_with_nghin_trieu_ty() {
        assert_eq!(fmt_compact(0.0), "0");
        assert_eq!(fmt_compact(999.0), "999");
        assert_eq!(fmt_compact(12.34), "12,3");
        assert_eq!(fmt_compact(1000.0), "1 N");
        assert_eq!(fmt_compact(1_200.0), "1,2 N");
        assert_eq!(fmt_compact(12_345.6), "12,3 N");
        assert_eq!(fmt_compact(2_500_000.0), "2,5 Tr");
        assert_eq!(fmt_compact(3_400_000.0), "3,4 Tr");
        assert_eq!(fmt_compact(1_500_000_000.0), "1,5 Tỷ");
        assert_eq!(fmt_compact(-12_345.6), "-12,3 N");
        assert_eq!(fmt_compact(-2_500_000.0), "-2,5 Tr");
        assert_eq!(fmt_compact(-5.0), "-5");
    }

    #[test]
    fn fmt_compact_rounding_moves_to_the_next_unit() {
        assert_eq!(fmt_compact(999.96), "1 N");
        assert_eq!(fmt_compact(999_960.0), "1 Tr");
        assert_eq!(fmt_compact(1_234_567_000_000.0), "1.234,6 Tỷ");
    }

    #[test]
    fn fmt_percent_reads_vietnamese() {
        assert_eq!(fmt_percent(0.125), "12,5%");
        assert_eq!(fmt_percent(1.0), "100%");
    }

    #[test]
    fn axis_ticks_start_at_zero_on_nice_steps() {
        let axis = Axis::new(3.0, 87.0);
        assert_eq!(axis.ticks, vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        let axis = Axis::new(120.0, 1_234.0);
        assert_eq!(axis.ticks.first(), Some(&0.0));
        assert_eq!(axis.step, 500.0);
        let axis = Axis::new(5.0, 5.0);
        assert_eq!(axis.ticks, vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
        let flat_zero = Axis::new(0.0, 0.0);
        assert!(flat_zero.hi > flat_zero.lo);
    }

    #[test]
    fn every_chart_is_well_formed_svg_with_title_and_viewbox() {
        let s = vec![
            series("Facebook", &[Some(1.0), Some(5.0), None, Some(3.0)]),
            series("YouTube", &[Some(2.0), None, Some(4.0), Some(8.0)]),
        ];
        let rows = vec![
            ("Thời sự".to_owned(), Some(1_200.0)),
            ("Thể thao".to_owned(), Some(-30.0)),
        ];
        let charts = [
            line_chart("Lượt xem theo ngày", &labels(4), &s, "Lượt xem"),
            bar_chart("Lượt xem theo ngày", &labels(4), &s, "Lượt xem"),
            hbar_chart("Theo chuyên mục", &rows, "Lượt xem"),
            heatmap("Giờ đăng tốt nhất", &full_heatmap(), Some((2, 20))),
            scatter(
                "Độ dài và tỷ lệ xem hết",
                &[(30.0, 0.5), (90.0, 0.25)],
                "Giây",
                "Tỷ lệ xem hết",
            ),
        ];
        for svg in &charts {
            assert_clean_numbers(svg);
            assert!(svg.contains(r#"width="100%""#));
            assert!(svg.contains(r#"role="img""#));
            assert!(svg.contains(r#"viewBox="0 0 640 "#));
            assert!(svg.contains(FONT.replace('\'', "&apos;").as_str()));
            let id = svg
                .split("aria-labelledby=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .expect("labelledby");
            assert!(
                svg.contains(&format!(r#"<title id="{id}">"#)),
                "title id matches aria-labelledby"
            );
        }
        // Distinct charts get distinct ids, so they can share one page.
        let ids: std::collections::HashSet<&str> = charts
            .iter()
            .filter_map(|s| s.split("aria-labelledby=\"").nth(1)?.split('"').next())
            .collect();
        assert_eq!(ids.len(), charts.len());
    }

    #[test]
    fn user_text_is_escaped_everywhere() {
        let nasty = r#"Kênh <b>"Tin & Nóng"</b> 'số 1'"#;
        let s = vec![
            series(nasty, &[Some(1.0), Some(2.0)]),
            series("Thể thao", &[Some(2.0), Some(1.0)]),
        ];
        let lbl = vec![nasty.to_owned(), "02/11".to_owned()];
        let charts = [
            line_chart(nasty, &lbl, &s, nasty),
            bar_chart(nasty, &lbl, &s, nasty),
            hbar_chart(nasty, &[(nasty.to_owned(), Some(3.0))], nasty),
            heatmap(nasty, &full_heatmap(), None),
            scatter(nasty, &[(10.0, 0.3)], nasty, nasty),
        ];
        for svg in &charts {
            assert_well_formed(svg);
            assert!(!svg.contains("<b>"), "markup injected: {svg}");
            assert!(
                svg.contains("Kênh &lt;b&gt;&quot;Tin &amp; Nóng&quot;&lt;/b&gt; &apos;số 1&apos;")
            );
        }
    }

    #[test]
    fn control_characters_are_dropped_not_emitted() {
        let svg = hbar_chart("A\u{1}B\u{1b}C", &[("x\u{0}y".to_owned(), Some(1.0))], "");
        assert_well_formed(&svg);
        assert!(svg.contains("ABC"));
        assert!(svg.contains("xy"));
        assert!(!svg.chars().any(|ch| (ch as u32) < 0x20));
    }

    #[test]
    fn gaps_split_the_polyline_and_are_never_zero() {
        let s = vec![series(
            "Lượt xem",
            &[Some(10.0), Some(20.0), None, Some(30.0), Some(40.0)],
        )];
        let svg = line_chart("Lượt xem", &labels(5), &s, "");
        let lines = polylines(&svg);
        assert_eq!(lines.len(), 2, "one polyline each side of the gap");
        assert_eq!(lines[0].len(), 2);
        assert_eq!(lines[1].len(), 2);
        let zero_y = PLOT_BOTTOM;
        assert!(
            lines
                .iter()
                .flatten()
                .all(|&(_, y)| (y - zero_y).abs() > 1.0),
            "no point drawn at zero"
        );
        // Gap x-position (index 2) carries no point at all.
        let gap_x = (lines[0][1].0 + lines[1][0].0) / 2.0;
        assert!(
            lines
                .iter()
                .flatten()
                .all(|&(x, _)| (x - gap_x).abs() > 1.0)
        );
    }

    #[test]
    fn a_lone_point_between_gaps_gets_a_marker() {
        let labels = labels(20);
        let mut points = vec![None; 20];
        points[7] = Some(5.0);
        let svg = line_chart("x", &labels, &[series("a", &points)], "");
        assert_clean_numbers(&svg);
        assert!(polylines(&svg).is_empty());
        assert_eq!(svg.matches("<circle").count(), 1);
    }

    #[test]
    fn bar_gaps_draw_no_bar() {
        let s = vec![series("a", &[Some(3.0), None, Some(0.0)])];
        let svg = bar_chart("x", &labels(3), &s, "");
        assert_well_formed(&svg);
        assert_eq!(
            svg.matches("<title>").count(),
            2,
            "bars only for present values"
        );
    }

    #[test]
    fn x_labels_are_thinned_to_about_eight() {
        let n = 30;
        let s = vec![series(
            "a",
            &(0..n).map(|i| Some(i as f64)).collect::<Vec<_>>(),
        )];
        for svg in [
            line_chart("x", &labels(n), &s, ""),
            bar_chart("x", &labels(n), &s, ""),
        ] {
            let shown = labels(n)
                .iter()
                .filter(|l| svg.contains(&format!(">{l}<")))
                .count();
            assert!((4..=MAX_X_LABELS).contains(&shown), "{shown} labels shown");
        }
    }

    #[test]
    fn heatmap_marks_missing_cells_apart_from_the_minimum() {
        let mut cells = [[Some(5.0); 24]; 7];
        cells[0][0] = Some(1.0); // the minimum
        cells[0][1] = None; // no data
        let svg = heatmap("Giờ đăng", &cells, Some((6, 23)));
        assert_well_formed(&svg);
        let fill_of = |tip: &str| {
            let at = svg.find(tip).expect("cell tooltip");
            let rect = &svg[svg[..at].rfind("<rect").expect("cell rect")..at];
            rect.split("fill=\"")
                .nth(1)
                .and_then(|f| f.split('"').next())
                .expect("fill")
                .to_owned()
        };
        let min_fill = fill_of("<title>T2 0h: 1</title>");
        let none_fill = fill_of("<title>T2 1h: không có</title>");
        assert_eq!(min_fill, ramp(0.0));
        assert!(
            none_fill.starts_with("url(#"),
            "no-data is hatched: {none_fill}"
        );
        assert_ne!(min_fill, none_fill);
        for day in WEEKDAYS {
            assert!(svg.contains(&format!(">{day}</text>")));
        }
        for hour in ["0h", "3h", "21h"] {
            assert!(svg.contains(&format!(">{hour}</text>")));
        }
        assert!(svg.contains(RECOMMENDED_LEGEND));
        assert!(svg.contains(r##"stroke="#000" stroke-width="3""##));
    }

    #[test]
    fn heatmap_ignores_an_out_of_range_highlight() {
        let svg = heatmap("x", &full_heatmap(), Some((7, 24)));
        assert_well_formed(&svg);
        assert!(!svg.contains(RECOMMENDED_LEGEND));
    }

    #[test]
    fn empty_inputs_show_the_no_data_message() {
        let none = vec![series("a", &[None, None])];
        let charts = [
            line_chart("Trống", &[], &[], ""),
            line_chart("Trống", &labels(2), &none, ""),
            bar_chart("Trống", &[], &[], ""),
            bar_chart("Trống", &labels(2), &none, ""),
            hbar_chart("Trống", &[], ""),
            hbar_chart("Trống", &[("a".to_owned(), None)], ""),
            heatmap("Trống", &[[None; 24]; 7], Some((0, 0))),
            scatter("Trống", &[], "", ""),
            scatter("Trống", &[(f64::NAN, 0.5)], "", ""),
        ];
        for svg in &charts {
            assert_clean_numbers(svg);
            assert!(svg.contains(EMPTY_MESSAGE), "{svg}");
        }
    }

    #[test]
    fn degenerate_inputs_never_produce_nan_or_infinity() {
        let one = vec![series("a", &[Some(42.0)])];
        let flat = vec![series("a", &[Some(7.0); 5])];
        let zeros = vec![series("a", &[Some(0.0); 5])];
        let huge = vec![series("a", &[Some(f64::MAX), Some(-f64::MAX), Some(1e300)])];
        let weird = vec![series(
            "a",
            &[Some(f64::NAN), Some(f64::INFINITY), Some(1.0)],
        )];
        let tiny = vec![series("a", &[Some(1e-300), Some(5e-324)])];
        for s in [&one, &flat, &zeros, &huge, &weird, &tiny] {
            assert_clean_numbers(&line_chart("x", &labels(1), s, "y"));
            assert_clean_numbers(&bar_chart("x", &labels(1), s, "y"));
            let rows: Vec<(String, Option<f64>)> =
                s[0].points.iter().map(|v| ("r".to_owned(), *v)).collect();
            assert_clean_numbers(&hbar_chart("x", &rows, "v"));
        }
        let mut cells = [[Some(3.0); 24]; 7];
        assert_clean_numbers(&heatmap("x", &cells, None));
        cells[1][1] = Some(f64::MAX);
        cells[2][2] = Some(f64::NEG_INFINITY);
        assert_clean_numbers(&heatmap("x", &cells, None));
        assert_clean_numbers(&scatter("x", &[(10.0, 0.5)], "", ""));
        assert_clean_numbers(&scatter("x", &[(0.0, 0.0), (0.0, 0.0)], "", ""));
        assert_clean_numbers(&scatter(
            "x",
            &[(f64::MAX, 2.0), (1.0, f64::INFINITY)],
            "",
            "",
        ));
    }

    #[test]
    fn coordinates_have_at_most_one_decimal() {
        let s = vec![series(
            "a",
            &[Some(1.0 / 3.0), Some(2.0 / 3.0), Some(0.123_456)],
        )];
        let svg = line_chart("x", &labels(3), &s, "");
        let points = polylines(&svg);
        for (x, y) in points.iter().flatten() {
            for v in [x, y] {
                assert_eq!((v * 10.0).round() / 10.0, *v);
            }
        }
        assert!(!svg.contains(".33"), "unrounded coordinate in {svg}");
    }

    #[test]
    fn series_differ_by_dash_as_well_as_colour() {
        let s: Vec<Series> = (0..3)
            .map(|i| series(&format!("s{i}"), &[Some(1.0), Some(i as f64)]))
            .collect();
        let svg = line_chart("x", &labels(2), &s, "");
        assert!(svg.contains(r#"stroke-dasharray="6 3""#));
        assert!(svg.contains(r#"stroke-dasharray="2 3""#));
        let bars = bar_chart("x", &labels(2), &s, "");
        assert!(
            bars.contains("-p1)") && bars.contains("-p2)"),
            "hatched bars"
        );
    }

    #[test]
    fn scatter_shows_completion_as_percent() {
        let svg = scatter(
            "x",
            &[(15.0, 0.9), (120.0, 0.1)],
            "Độ dài (giây)",
            "Tỷ lệ xem hết",
        );
        assert_well_formed(&svg);
        assert!(svg.contains(">100%<"));
        assert!(svg.contains(">20%<"));
        assert_eq!(svg.matches("<circle").count(), 2);
    }
}

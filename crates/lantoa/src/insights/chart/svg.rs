//! Writing SVG: coordinates, escaping, the chart's frame and title, stable
//! ids, the palette, dash and hatch patterns.

use crate::insights::xml_entity;
use std::fmt::Write as _;

pub(super) const FONT: &str = "system-ui, 'Noto Sans', 'DejaVu Sans', sans-serif";
pub(super) const WIDTH: f64 = 640.0;
pub(super) const TEXT: &str = "#222";
pub(super) const MUTED: &str = "#666";
pub(super) const GRID: &str = "#ddd";
/// Okabe–Ito without its yellow, which vanishes on white paper.
pub(super) const PALETTE: [&str; 7] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
];
/// Dash patterns, so lines stay apart in grayscale; cycles with a different
/// period than the palette so colour and dash pairs repeat late.
pub(super) const DASHES: [&str; 5] = ["", "6 3", "2 3", "9 3 2 3", "4 2 1 2"];

/// A coordinate rounded to one decimal, without a trailing `.0` or `-0`.
pub(super) fn c(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0 + 0.0;
    if r.is_finite() {
        format!("{r}")
    } else {
        "0".to_owned()
    }
}

/// Escapes XML text and attribute values and drops characters XML 1.0 forbids.
pub(super) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if let Some(entity) = xml_entity(ch) {
            out.push_str(entity);
            continue;
        }
        match ch {
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Cuts a label to `max` characters with an ellipsis; the full text goes in
/// a `<title>` tooltip where it matters.
pub(super) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Rough text width at a font size; enough to lay out legends and labels.
pub(super) fn text_width(s: &str, size: f64) -> f64 {
    s.chars().count() as f64 * size * 0.56
}

/// FNV-1a over the chart's inputs: a stable id, distinct per chart, so
/// several SVGs inlined in one page don't share `id`s.
pub(super) struct Fnv(pub(super) u64);

impl Fnv {
    pub(super) fn new(kind: &str) -> Fnv {
        let mut h = Fnv(0xcbf2_9ce4_8422_2325);
        h.str(kind);
        h
    }
    pub(super) fn bytes(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
    pub(super) fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
        self.bytes(&[0xff]);
    }
    pub(super) fn num(&mut self, v: Option<f64>) {
        match v {
            Some(x) => self.bytes(&x.to_bits().to_le_bytes()),
            None => self.bytes(&[0xfe]),
        }
    }
    pub(super) fn id(&self) -> String {
        format!("ins{:012x}", self.0 & 0xffff_ffff_ffff)
    }
}

pub(super) struct Svg {
    pub(super) id: String,
    pub(super) height: f64,
    pub(super) body: String,
}

impl Svg {
    pub(super) fn new(id: String, height: f64) -> Svg {
        Svg {
            id,
            height,
            body: String::new(),
        }
    }

    pub(super) fn raw(&mut self, s: &str) {
        self.body.push_str(s);
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn text(
        &mut self,
        x: f64,
        y: f64,
        anchor: &str,
        size: f64,
        fill: &str,
        extra: &str,
        s: &str,
    ) {
        let _ = write!(
            self.body,
            r#"<text x="{}" y="{}" text-anchor="{anchor}" font-size="{size}" fill="{fill}"{extra}>{}</text>"#,
            c(x),
            c(y),
            esc(s)
        );
    }

    pub(super) fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str, width: f64) {
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
    pub(super) fn heading(&mut self, title: &str) {
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

    /// The frame of a chart without figures, saying so (`message`).
    pub(super) fn empty_message(&mut self, top: f64, bottom: f64, message: &str) {
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
            message,
        );
    }

    pub(super) fn finish(self, title: &str) -> String {
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

pub(super) fn color(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

pub(super) fn dash_attr(i: usize) -> String {
    let dash = DASHES[i % DASHES.len()];
    if dash.is_empty() {
        String::new()
    } else {
        format!(r#" stroke-dasharray="{dash}""#)
    }
}

/// Hatch overlays for bars, so grouped bars differ in grayscale too.
/// Series 0 stays plain; the others get white lines at different angles.
pub(super) fn bar_patterns(svg: &mut Svg, count: usize) {
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

pub(super) fn bar_pattern_fill(id: &str, series: usize) -> Option<String> {
    let slot = series % 4;
    (slot != 0).then(|| format!("url(#{id}-p{slot})"))
}

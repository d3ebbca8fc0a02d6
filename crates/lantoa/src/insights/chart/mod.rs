//! Server-rendered SVG charts for the Insights dashboards and their A4 prints.
//!
//! Every chart is a standalone `<svg>` string with a fixed `viewBox` and
//! `width="100%"`, so it scales in the page and prints without JavaScript or
//! web fonts. Series are told apart by colour (Okabe–Ito, safe for colour
//! blindness) *and* by dash or hatch pattern, so a grayscale print stays
//! readable. A missing value (`None`) is a gap, never a zero. Numbers read the
//! Vietnamese way: `1.234,5`, and on axes `1,2 N` / `3,4 Tr`. The words a
//! chart writes itself come from the `.ftl` files, in the reader's language
//! ([`Charts`]); the free functions draw in the default one.
//!
//! One file per chart kind (`line`, `bars`, `heatmap`, `scatter`) over the
//! shared parts: number formatting (`format`), scales (`scale`), SVG writing
//! (`svg`) and the frame of line and bar charts (`frame`).

mod bars;
mod format;
mod frame;
mod heatmap;
mod line;
mod scale;
mod scatter;
mod svg;

pub use format::{fmt_compact, fmt_num, fmt_num_in, fmt_percent};

use crate::domain::Locale;
use crate::i18n::Tr;
use format::Units;

#[cfg(test)]
use frame::{MAX_X_LABELS, PLOT_BOTTOM};
#[cfg(test)]
use heatmap::ramp;
#[cfg(test)]
use scale::Axis;
#[cfg(test)]
use svg::FONT;

/// One named line or bar series; `None` is a gap ("không có"), never drawn as 0.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<Option<f64>>,
}

/// The message ids of the weekdays, Monday first (`T2` … `CN`, Mon … Sun).
pub const WEEKDAY_IDS: [&str; 7] = [
    "weekday-mon",
    "weekday-tue",
    "weekday-wed",
    "weekday-thu",
    "weekday-fri",
    "weekday-sat",
    "weekday-sun",
];

/// Charts in one language: the words a chart writes itself (the empty
/// message, "no value", the heatmap's legend and weekdays, the short units
/// of big numbers), read once from the `.ftl` files.
#[derive(Debug, Clone)]
pub struct Charts {
    empty: String,
    no_value: String,
    no_data: String,
    recommended: String,
    weekdays: [String; 7],
    units: Units,
}

impl Charts {
    pub fn new(tr: &Tr) -> Charts {
        Charts {
            empty: tr.t("chart-empty"),
            no_value: tr.t("insights-absent"),
            no_data: tr.t("chart-no-data"),
            recommended: tr.t("chart-recommended"),
            weekdays: WEEKDAY_IDS.map(|id| tr.t(id)),
            units: Units::new(tr),
        }
    }

    /// Lines over time; `labels` are the x-axis labels (e.g. "01/11"), one
    /// per point; at most ~8 shown (thinned evenly).
    pub fn line_chart(
        &self,
        title: &str,
        labels: &[String],
        series: &[Series],
        y_label: &str,
    ) -> String {
        line::line_chart(self, title, labels, series, y_label)
    }

    /// Vertical grouped bars: one group per label, one bar per series (also
    /// works with one series). A `None` leaves its slot empty.
    pub fn bar_chart(
        &self,
        title: &str,
        labels: &[String],
        series: &[Series],
        y_label: &str,
    ) -> String {
        bars::bar_chart(self, title, labels, series, y_label)
    }

    /// Horizontal bars (rankings: by category, by channel, by agency), value
    /// printed at the bar end. A `None` row keeps its label and reads "no
    /// value" ("không có").
    pub fn hbar_chart(
        &self,
        title: &str,
        rows: &[(String, Option<f64>)],
        value_label: &str,
    ) -> String {
        bars::hbar_chart(self, title, rows, value_label)
    }

    /// Weekday × hour heatmap. `cells[weekday 0=Monday..6][hour 0..23]` =
    /// `Some(median)` or `None` (no data: hatched grey, not the colour of
    /// 0). `highlight`: an optional (weekday, hour) cell outlined as the
    /// recommendation.
    pub fn heatmap(
        &self,
        title: &str,
        cells: &[[Option<f64>; 24]; 7],
        highlight: Option<(usize, usize)>,
    ) -> String {
        heatmap::heatmap(self, title, cells, highlight)
    }

    /// Scatter: x = clip length in seconds, y = completion rate 0..1 (shown
    /// as %), one point per post.
    pub fn scatter(
        &self,
        title: &str,
        points: &[(f64, f64)],
        x_label: &str,
        y_label: &str,
    ) -> String {
        scatter::scatter(self, title, points, x_label, y_label)
    }
}

/// Charts in the default language (Vietnamese).
impl Default for Charts {
    fn default() -> Charts {
        Charts::new(&Tr::new(Locale::default()))
    }
}

/// [`Charts::line_chart`] in the default language.
pub fn line_chart(title: &str, labels: &[String], series: &[Series], y_label: &str) -> String {
    Charts::default().line_chart(title, labels, series, y_label)
}

/// [`Charts::bar_chart`] in the default language.
pub fn bar_chart(title: &str, labels: &[String], series: &[Series], y_label: &str) -> String {
    Charts::default().bar_chart(title, labels, series, y_label)
}

/// [`Charts::hbar_chart`] in the default language.
pub fn hbar_chart(title: &str, rows: &[(String, Option<f64>)], value_label: &str) -> String {
    Charts::default().hbar_chart(title, rows, value_label)
}

/// [`Charts::heatmap`] in the default language.
pub fn heatmap(
    title: &str,
    cells: &[[Option<f64>; 24]; 7],
    highlight: Option<(usize, usize)>,
) -> String {
    Charts::default().heatmap(title, cells, highlight)
}

/// [`Charts::scatter`] in the default language.
pub fn scatter(title: &str, points: &[(f64, f64)], x_label: &str, y_label: &str) -> String {
    Charts::default().scatter(title, points, x_label, y_label)
}

// What the tests expect the default language's charts to say; the texts
// themselves are in `locales/vi/insights.ftl`.
#[cfg(test)]
const EMPTY_MESSAGE: &str = "Chưa có số liệu";
#[cfg(test)]
const RECOMMENDED_LEGEND: &str = "Đề xuất";
#[cfg(test)]
const WEEKDAYS: [&str; 7] = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"];

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
    fn english_numbers_group_with_commas_and_use_a_decimal_point() {
        use crate::domain::Locale;
        assert_eq!(fmt_num_in(12_345.6, Locale::En), "12,345.6");
        assert_eq!(fmt_num_in(-1_234_567.0, Locale::En), "-1,234,567");
        assert_eq!(fmt_num_in(0.126, Locale::En), "0.13");
        assert_eq!(fmt_num_in(12_345.6, Locale::Vi), fmt_num(12_345.6));
        let units = format::Units::new(&Tr::new(Locale::En));
        assert_eq!(
            format::compact(1_200.0, &units),
            format!("1.2 {}", Tr::new(Locale::En).t("chart-thousand"))
        );
        assert_eq!(format::percent_tick_label(0.125, 0.005, &units), "12.5%");
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

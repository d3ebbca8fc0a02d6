//! The checker: what a person must fix in a set of cues (errors) and what
//! reads badly (warnings), against the [`Limits`] of Vietnamese subtitles.
//! Characters are Unicode scalar values of NFC text without line breaks, so
//! "ộ" is one character however it was typed.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use super::Cue;
use crate::num;

/// Reading-speed and layout limits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Limits {
    /// Characters per second, spaces and punctuation included.
    pub max_cps: f64,
    pub max_line_chars: usize,
    pub max_lines: usize,
    pub min_duration_ms: i64,
    pub max_duration_ms: i64,
}

impl Default for Limits {
    /// Vietnamese: 17 characters per second for adult programmes and 42
    /// characters a line are Netflix's "Vietnamese Timed Text Style Guide"
    /// (partnerhelp.netflixstudios.com), as copied by third-party pages (the
    /// guide itself could not be read here); two lines at most, 5/6 s at least
    /// and 7 s at most are the common rules of the same family of guides.
    fn default() -> Limits {
        Limits {
            max_cps: 17.0,
            max_line_chars: 42,
            max_lines: 2,
            min_duration_ms: 833,
            max_duration_ms: 7000,
        }
    }
}

/// A rule a cue breaks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CueProblem {
    /// The cue's position in the list given to [`check`] (0-based).
    pub index: usize,
    /// Stable id, also the Fluent message id, e.g. "subs-cue-fast".
    pub code: &'static str,
    /// An error must be fixed before the subtitles are used; a warning need not.
    pub error: bool,
    /// Named arguments of the message, besides `n` (see [`CueProblem::message_args`]).
    pub args: Vec<(&'static str, String)>,
}

impl CueProblem {
    /// The arguments of the problem's message: `n`, the 1-based cue number,
    /// then the problem's own.
    pub fn message_args(&self) -> Vec<(&'static str, String)> {
        let mut args = vec![("n", (self.index + 1).to_string())];
        args.extend(self.args.iter().cloned());
        args
    }
}

/// A message's named arguments.
type Args = Vec<(&'static str, String)>;

/// Characters of `text` as the limits count them: NFC scalar values, line
/// breaks left out.
pub fn visible_chars(text: &str) -> usize {
    text.nfc().filter(|c| *c != '\n' && *c != '\r').count()
}

/// Whether `text` shows nothing: only spaces and invisible characters.
fn is_blank(text: &str) -> bool {
    text.chars().all(|c| {
        c.is_whitespace()
            || matches!(
                c,
                '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}' | '\u{AD}'
            )
    })
}

fn secs(ms: i64) -> String {
    num(ms as f64 / 1000.0)
}

/// Checks `cues` in their order against `limits`; `duration_ms` is the video's
/// length when known. Problems come cue by cue.
pub fn check(cues: &[Cue], duration_ms: Option<i64>, limits: &Limits) -> Vec<CueProblem> {
    let mut out = Vec::new();
    // The cue that ends last so far: a cue starting before its end overlaps it.
    let mut latest: Option<(usize, i64)> = None;
    for (index, c) in cues.iter().enumerate() {
        let mut add = |code, error, args: Args| {
            out.push(CueProblem {
                index,
                code,
                error,
                args,
            })
        };
        if c.draft {
            add("subs-cue-draft", true, vec![]);
        }
        let (start, end) = (secs(c.start_ms), secs(c.end_ms));
        let ordered = c.end_ms >= c.start_ms;
        if !ordered {
            add(
                "subs-cue-end-before-start",
                true,
                vec![("start", start.clone()), ("end", end.clone())],
            );
        }
        if c.start_ms < 0 || duration_ms.is_some_and(|d| c.end_ms > d) {
            let mut args = vec![("start", start), ("end", end)];
            args.extend(duration_ms.map(|d| ("duration", secs(d))));
            add("subs-cue-out-of-range", true, args);
        }
        if let Some((other, until)) = latest
            && c.start_ms < until
        {
            add(
                "subs-cue-overlap",
                true,
                vec![("other", (other + 1).to_string())],
            );
        }
        if ordered && latest.is_none_or(|(_, until)| c.end_ms > until) {
            latest = Some((index, c.end_ms));
        }
        if is_blank(&c.text) {
            add("subs-cue-empty", true, vec![]);
            continue;
        }
        text_rules(c, limits, &mut add);
        if ordered {
            timing_rules(c, limits, &mut add);
        }
    }
    out
}

/// Line length and number of lines.
fn text_rules(c: &Cue, limits: &Limits, add: &mut impl FnMut(&'static str, bool, Args)) {
    let lines: Vec<&str> = c.text.split('\n').collect();
    if let Some((i, chars)) = lines
        .iter()
        .map(|l| visible_chars(l))
        .enumerate()
        .max_by_key(|&(i, n)| (n, std::cmp::Reverse(i)))
        .filter(|&(_, n)| n > limits.max_line_chars)
    {
        add(
            "subs-cue-long-line",
            false,
            vec![
                ("line", (i + 1).to_string()),
                ("chars", chars.to_string()),
                ("max", limits.max_line_chars.to_string()),
            ],
        );
    }
    if lines.len() > limits.max_lines {
        add(
            "subs-cue-many-lines",
            false,
            vec![
                ("lines", lines.len().to_string()),
                ("max", limits.max_lines.to_string()),
            ],
        );
    }
}

/// Reading speed and time on screen.
fn timing_rules(c: &Cue, limits: &Limits, add: &mut impl FnMut(&'static str, bool, Args)) {
    let ms = c.end_ms - c.start_ms;
    if ms > 0 {
        let cps = visible_chars(&c.text) as f64 * 1000.0 / ms as f64;
        if cps > limits.max_cps {
            add(
                "subs-cue-fast",
                false,
                vec![("cps", format!("{cps:.1}")), ("max", num(limits.max_cps))],
            );
        }
    }
    if ms < limits.min_duration_ms {
        add(
            "subs-cue-short",
            false,
            vec![
                ("duration", secs(ms)),
                ("min", secs(limits.min_duration_ms)),
            ],
        );
    }
    if ms > limits.max_duration_ms {
        add(
            "subs-cue-long",
            false,
            vec![
                ("duration", secs(ms)),
                ("max", secs(limits.max_duration_ms)),
            ],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(start_ms: i64, end_ms: i64, text: &str) -> Cue {
        Cue {
            start_ms,
            end_ms,
            text: text.into(),
            draft: false,
            confidence: None,
        }
    }

    /// (index, code, error) of each problem.
    fn found(cues: &[Cue], duration: Option<i64>) -> Vec<(usize, &'static str, bool)> {
        check(cues, duration, &Limits::default())
            .into_iter()
            .map(|p| (p.index, p.code, p.error))
            .collect()
    }

    fn only(cues: &[Cue], duration: Option<i64>) -> CueProblem {
        let mut ps = check(cues, duration, &Limits::default());
        assert_eq!(ps.len(), 1, "{ps:?}");
        ps.remove(0)
    }

    #[test]
    fn good_cues_have_no_problems() {
        let cues = [
            cue(0, 2000, "Xin chào Hà Nội"),
            cue(2000, 5000, "Người dân đã được hỗ trợ\nngay trong đêm."),
        ];
        assert_eq!(found(&cues, Some(5000)), []);
    }

    #[test]
    fn a_cue_with_nothing_to_show_is_an_error() {
        for text in ["", " \n ", "\u{200B}\u{FEFF}"] {
            assert_eq!(
                found(&[cue(0, 2000, text)], None),
                [(0, "subs-cue-empty", true)]
            );
        }
    }

    #[test]
    fn an_overlap_names_the_cue_it_overlaps() {
        let cues = [
            cue(0, 6000, "Một câu dài trên màn hình"),
            cue(2000, 3000, "Hai"),
            cue(4000, 5000, "Ba"),
            cue(6000, 7000, "Bốn"),
        ];
        let ps = check(&cues, None, &Limits::default());
        let overlaps: Vec<_> = ps
            .iter()
            .filter(|p| p.code == "subs-cue-overlap")
            .map(|p| (p.index, p.error, p.message_args()))
            .collect();
        assert_eq!(
            overlaps,
            [
                (1, true, vec![("n", "2".into()), ("other", "1".into())]),
                (2, true, vec![("n", "3".into()), ("other", "1".into())]),
            ]
        );
    }

    #[test]
    fn cues_outside_the_video_are_errors() {
        let p = only(&[cue(9000, 10_500, "Hết")], Some(10_000));
        assert_eq!((p.code, p.error), ("subs-cue-out-of-range", true));
        assert_eq!(
            p.args,
            [
                ("start", "9".into()),
                ("end", "10.5".into()),
                ("duration", "10".into())
            ]
        );
        assert_eq!(
            found(&[cue(-100, 1000, "Trước")], None),
            [(0, "subs-cue-out-of-range", true)]
        );
        assert_eq!(found(&[cue(9000, 10_000, "Vừa hết")], Some(10_000)), []);
    }

    #[test]
    fn an_end_before_the_start_is_an_error() {
        let p = only(&[cue(3000, 2000, "Ngược")], None);
        assert_eq!((p.code, p.error), ("subs-cue-end-before-start", true));
        assert_eq!(p.args, [("start", "3".into()), ("end", "2".into())]);
    }

    #[test]
    fn reading_speed_counts_nfc_characters_without_line_breaks() {
        // 34 characters in 2 s: 17 cps is allowed, one more is not.
        let text = "Xin chào Hà Nội\nhôm nay trời đẹp.";
        assert_eq!(visible_chars(text), 32);
        let nfd: String = "ộ".nfd().collect();
        assert_eq!(visible_chars(&nfd), 1);
        let at_limit = "Xin chào Hà Nội hôm nay trời đẹp!!";
        assert_eq!(visible_chars(at_limit), 34);
        assert_eq!(found(&[cue(0, 2000, at_limit)], None), []);
        let p = only(&[cue(0, 2000, "Xin chào Hà Nội hôm nay trời đẹp!!!")], None);
        assert_eq!((p.code, p.error), ("subs-cue-fast", false));
        assert_eq!(p.args, [("cps", "17.5".into()), ("max", "17".into())]);
    }

    #[test]
    fn long_lines_and_too_many_lines_are_warnings() {
        let long = "Ủy ban nhân dân thành phố Hà Nội vừa ban hành kế hoạch";
        let p = only(&[cue(0, 6000, &format!("Tin mới\n{long}"))], None);
        assert_eq!((p.code, p.error), ("subs-cue-long-line", false));
        assert_eq!(
            p.args,
            [
                ("line", "2".into()),
                ("chars", "54".into()),
                ("max", "42".into())
            ]
        );
        let p = only(&[cue(0, 3000, "Một\nHai\nBa")], None);
        assert_eq!((p.code, p.error), ("subs-cue-many-lines", false));
        assert_eq!(p.args, [("lines", "3".into()), ("max", "2".into())]);
    }

    #[test]
    fn cues_too_short_or_too_long_on_screen_are_warnings() {
        let p = only(&[cue(0, 800, "Ừ")], None);
        assert_eq!((p.code, p.error), ("subs-cue-short", false));
        assert_eq!(p.args, [("duration", "0.8".into()), ("min", "0.83".into())]);
        assert_eq!(found(&[cue(0, 833, "Ừ")], None), []);
        let p = only(&[cue(0, 7001, "Chậm")], None);
        assert_eq!((p.code, p.error), ("subs-cue-long", false));
        assert_eq!(p.args, [("duration", "7".into()), ("max", "7".into())]);
    }

    #[test]
    fn an_unreviewed_machine_draft_is_an_error() {
        let mut c = cue(0, 2000, "Bản nháp máy");
        c.draft = true;
        c.confidence = Some(0.62);
        let p = only(&[c], None);
        assert_eq!((p.code, p.error, p.args.len()), ("subs-cue-draft", true, 0));
    }

    #[test]
    fn limits_are_the_vietnamese_defaults_and_can_be_changed() {
        let l = Limits::default();
        assert_eq!((l.max_cps, l.max_line_chars, l.max_lines), (17.0, 42, 2));
        assert_eq!((l.min_duration_ms, l.max_duration_ms), (833, 7000));
        let strict = Limits { max_cps: 12.0, ..l };
        let ps = check(&[cue(0, 1000, "Mười ba ký tự")], None, &strict);
        assert_eq!(
            ps.iter().map(|p| p.code).collect::<Vec<_>>(),
            ["subs-cue-fast"]
        );
    }

    #[test]
    fn draft_cues_serialize_their_flags_only_when_set() {
        let plain = serde_json::to_string(&cue(0, 1, "a")).unwrap();
        assert_eq!(plain, r#"{"start_ms":0,"end_ms":1,"text":"a"}"#);
        let mut d = cue(0, 1, "a");
        d.draft = true;
        d.confidence = Some(0.5);
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::from_str::<Cue>(&json).unwrap(), d);
        assert_eq!(serde_json::from_str::<Cue>(&plain).unwrap(), cue(0, 1, "a"));
    }
}

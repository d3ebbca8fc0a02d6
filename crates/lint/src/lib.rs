//! The Vietnamese text lint: pure functions over a caption or article that find
//! what a careful sub-editor would (legacy encodings pasted as text, NFD, tone
//! marks out of place or in the wrong house style, official names in the wrong
//! case, invisible characters, spacing) and offer a fix for each.
//!
//! Nothing here changes text on its own: every fix is a suggestion that `apply`
//! makes only when the text still reads as it did. The facts behind the rules
//! are in the shared reference on Vietnamese text; the lists of official names
//! and watched terms are agency data in `data/`.

use serde::{Deserialize, Serialize};

pub mod corpus;
pub mod legacy;

mod chars;
mod names;
mod punct;
mod search;
mod syllable;
mod words;

#[cfg(test)]
mod tests;

pub use search::search_key;

/// Where the tone mark of open oa, oe, uy goes: old "hòa/thủy", new "hoà/thuỷ".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ToneStyle {
    #[default]
    Old,
    New,
}

impl ToneStyle {
    /// "old" or "new", any case.
    pub fn parse(s: &str) -> Option<ToneStyle> {
        match s.trim().to_ascii_lowercase().as_str() {
            "old" => Some(ToneStyle::Old),
            "new" => Some(ToneStyle::New),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            ToneStyle::Old => "old",
            ToneStyle::New => "new",
        }
    }
}

impl std::str::FromStr for ToneStyle {
    type Err = String;
    fn from_str(s: &str) -> Result<ToneStyle, String> {
        ToneStyle::parse(s).ok_or_else(|| format!("unknown tone style {s:?} (old or new)"))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn code(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// What the lint checks against: the agency's house style and its lists.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rules {
    pub style: ToneStyle,
    /// Official names in their correct case, e.g. "Ủy ban nhân dân tỉnh".
    pub official_names: Vec<String>,
    /// Terms an editor wants pointed out, matched case-insensitively.
    pub watch_list: Vec<String>,
}

impl Rules {
    /// The house style with the lists shipped in `data/`.
    pub fn seeded(style: ToneStyle) -> Rules {
        Rules {
            style,
            official_names: default_official_names(),
            watch_list: default_watch_list(),
        }
    }
}

/// One entry per line; blank lines and `#` comments skipped.
pub fn parse_list(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// The official names of `data/official-names.txt`.
pub fn default_official_names() -> Vec<String> {
    parse_list(include_str!("../data/official-names.txt"))
}

/// The watched terms of `data/watch-list.txt`.
pub fn default_watch_list() -> Vec<String> {
    parse_list(include_str!("../data/watch-list.txt"))
}

/// One thing the lint noticed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable code, also the Fluent id `lint-<rule>` of the explanation.
    pub rule: String,
    pub severity: Severity,
    /// Byte offsets into the linted text.
    pub start: usize,
    pub end: usize,
    /// Char (Unicode scalar) offsets.
    pub char_start: usize,
    pub char_end: usize,
    /// The text at `start..end`.
    pub found: String,
    /// Replacement for `start..end`, if there is one.
    pub suggestion: Option<String>,
    /// True for watch-list hits.
    pub political: bool,
}

/// Every rule code the lint can report, for documentation and tests.
pub const RULES: [&str; 24] = [
    "nfc",
    "legacy_tcvn3",
    "legacy_vni",
    "legacy_viscii",
    "vni_keystrokes",
    "tone_placement",
    "tone_style",
    "tone_mixed",
    "capitalisation",
    "sentence_start",
    "eth",
    "invisible",
    "nbsp",
    "doubled_word",
    "doubled_space",
    "punct_space",
    "punct_missing_space",
    "bracket_space",
    "lookalike",
    "watch_term",
    "control",
    "ellipsis_mixed",
    "admin_unit",
    "detached_mark",
];

/// What turns a message id and its arguments into a sentence in the reader's
/// language. The lint names its messages (`lint-<rule>`); the application that
/// shows them holds the texts.
pub trait Translate {
    /// The message `id`.
    fn t(&self, id: &str) -> String;
    /// The message `id` with named arguments.
    fn t_args(&self, id: &str, args: &[(&'static str, String)]) -> String;
}

impl Finding {
    /// The explanation in the translator's language (Fluent id `lint-<rule>`).
    pub fn message(&self, tr: &impl Translate) -> String {
        let first = self.found.chars().next().unwrap_or(' ');
        tr.t_args(
            &format!("lint-{}", self.rule),
            &[
                ("found", visible(&self.found, 60)),
                (
                    "suggestion",
                    visible(self.suggestion.as_deref().unwrap_or(""), 60),
                ),
                ("codepoint", format!("U+{:04X}", u32::from(first))),
            ],
        )
    }
}

/// `s` for a message: invisible and control characters spelled as U+XXXX, cut at
/// `max` chars.
pub fn visible(s: &str, max: usize) -> String {
    let mut out = String::new();
    for (n, c) in s.chars().enumerate() {
        if n == max {
            out.push('…');
            break;
        }
        if chars::is_invisible(c) || c.is_control() || chars::is_nbsp(c) {
            out.push_str(&format!("<U+{:04X}>", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// Replaces `f.start..f.end` of `text` by the suggestion, only if that stretch
/// still reads `f.found`.
pub fn apply(text: &str, f: &Finding) -> Option<String> {
    let suggestion = f.suggestion.as_ref()?;
    if f.start > f.end || text.get(f.start..f.end)? != f.found {
        return None;
    }
    let mut out = String::with_capacity(text.len() + suggestion.len());
    out.push_str(&text[..f.start]);
    out.push_str(suggestion);
    out.push_str(&text[f.end..]);
    Some(out)
}

/// Findings under construction; offsets are bytes into `text`.
pub(crate) struct Out<'a> {
    pub text: &'a str,
    pub findings: Vec<Finding>,
}

impl<'a> Out<'a> {
    pub fn add(
        &mut self,
        rule: &str,
        severity: Severity,
        start: usize,
        end: usize,
        suggestion: Option<String>,
    ) {
        let Some(found) = self.text.get(start..end) else {
            debug_assert!(false, "{rule}: {start}..{end} is not a char range");
            return;
        };
        self.findings.push(Finding {
            rule: rule.to_string(),
            severity,
            start,
            end,
            char_start: 0,
            char_end: 0,
            found: found.to_string(),
            suggestion,
            political: false,
        });
    }
}

/// Lints `text` against `rules`. Findings are sorted by start; the function
/// never panics, whatever the input.
pub fn lint(text: &str, rules: &Rules) -> Vec<Finding> {
    let mut out = Out {
        text,
        findings: Vec::new(),
    };
    // Legacy encodings first: in a TCVN3 paste "­" (U+00AD) is the letter ư, not
    // a soft hyphen, and nothing else about those stretches means anything yet.
    let legacy = legacy::detect(text, rules.style == ToneStyle::New);
    for s in &legacy {
        out.add(
            s.rule,
            Severity::Error,
            s.start,
            s.end,
            Some(s.suggestion.clone()),
        );
    }
    chars::nfc(&mut out);
    chars::scan(&mut out);
    let ws = words::tokenize(text);
    words::lookalike(&mut out, &ws);
    words::detached_marks(&mut out, &ws);
    words::tones(&mut out, &ws, rules.style);
    words::doubled(&mut out, &ws);
    punct::check(&mut out);
    names::check(&mut out, rules);

    let mut findings = out.findings;
    findings.retain(|f| {
        f.rule.starts_with("legacy_")
            || f.rule == "vni_keystrokes"
            || f.rule == "nfc"
            || !legacy.iter().any(|s| f.start < s.end && s.start < f.end)
    });
    findings.sort_by(|a, b| (a.start, a.end, &a.rule).cmp(&(b.start, b.end, &b.rule)));
    findings.dedup_by(|a, b| a.start == b.start && a.end == b.end && a.rule == b.rule);
    char_offsets(text, &mut findings);
    findings
}

/// Fills in char offsets with one pass over the text.
fn char_offsets(text: &str, findings: &mut [Finding]) {
    let mut marks: Vec<usize> = findings.iter().flat_map(|f| [f.start, f.end]).collect();
    marks.sort_unstable();
    marks.dedup();
    let mut at = Vec::with_capacity(marks.len());
    let mut m = marks.iter().peekable();
    let ends = text.char_indices().map(|e| e.0).chain([text.len()]);
    for (chars, i) in ends.enumerate() {
        while let Some(&&b) = m.peek() {
            if b > i {
                break;
            }
            at.push((b, chars));
            m.next();
        }
    }
    let lookup = |b: usize| at.binary_search_by_key(&b, |e| e.0).map_or(0, |k| at[k].1);
    for f in findings {
        f.char_start = lookup(f.start);
        f.char_end = lookup(f.end);
    }
}

/// Unicode to TCVN3 as pasted, for the benchmark's generated corpus.
#[doc(hidden)]
pub fn legacy_encode_tcvn3(s: &str) -> String {
    legacy::encode_tcvn3(s)
}

/// Is "`word` `word`" a good reduplication ("ngày ngày")? For the benchmark.
#[doc(hidden)]
pub fn is_reduplication(word: &str) -> bool {
    words::is_reduplication(word)
}

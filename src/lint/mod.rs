//! Placeholder for the Vietnamese text lint (replaced by the real module).
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ToneStyle {
    #[default]
    Old,
    New,
}
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Error,
}
pub struct Rules {
    pub style: ToneStyle,
    pub official_names: Vec<String>,
    pub watch_list: Vec<String>,
}
pub fn default_official_names() -> Vec<String> {
    vec!["Ủy ban nhân dân tỉnh".into()]
}
pub fn default_watch_list() -> Vec<String> {
    vec!["Tổng Bí thư".into()]
}
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub start: usize,
    pub end: usize,
    pub char_start: usize,
    pub char_end: usize,
    pub found: String,
    pub suggestion: Option<String>,
    pub political: bool,
}
pub fn lint(text: &str, rules: &Rules) -> Vec<Finding> {
    let mut out = vec![];
    for w in &rules.watch_list {
        if let Some(i) = text.to_lowercase().find(&w.to_lowercase()) {
            let _ = i;
            out.push(Finding {
                rule: "watch_term".into(),
                severity: Severity::Info,
                start: 0,
                end: 0,
                char_start: 0,
                char_end: 0,
                found: String::new(),
                suggestion: None,
                political: true,
            });
        }
    }
    if text.contains('\u{00D0}') {
        let i = text.find('\u{00D0}').unwrap_or(0);
        out.push(Finding {
            rule: "eth".into(),
            severity: Severity::Error,
            start: i,
            end: i + 2,
            char_start: text[..i].chars().count(),
            char_end: text[..i].chars().count() + 1,
            found: "\u{00D0}".into(),
            suggestion: Some("\u{0110}".into()),
            political: false,
        });
    }
    out
}
pub fn apply(text: &str, f: &Finding) -> Option<String> {
    let s = f.suggestion.as_ref()?;
    (text.get(f.start..f.end)? == f.found)
        .then(|| format!("{}{}{}", &text[..f.start], s, &text[f.end..]))
}
impl Finding {
    pub fn message(&self, _tr: &crate::i18n::Tr) -> String {
        self.rule.clone()
    }
}

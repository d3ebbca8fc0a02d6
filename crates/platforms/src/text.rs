//! The text each platform receives for a clip, built in one place, and each
//! platform's text rules (`data/platform-text.toml`). The clip page and
//! approval check the text [`build`] makes; the publisher sends that same text
//! and the connectors never cut it, so nothing approved is refused for its text.
//!
//! Hashtags go after the caption, except those the caption already carries:
//! "#QuảngNgãi" in the caption and "#quảngngãi" in the hashtag field are one
//! tag (compared in NFC and lower case, whether typed with "#" or not).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::Platform;
use lantoa_lint::{Finding, Severity, Translate};

const BUILTIN_TOML: &str = include_str!("../data/platform-text.toml");

static BUILTIN: LazyLock<Rules> = LazyLock::new(|| {
    // The embedded file is part of the source and parsed by a unit test.
    parse(BUILTIN_TOML).expect("data/platform-text.toml is valid (see its tests)")
});

/// A part of a post that a rule is about.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[schema(as = TextRulePart)]
pub enum Part {
    Title,
    Description,
    /// YouTube's keyword tags.
    Tags,
}

impl Part {
    pub const ALL: [Part; 3] = [Part::Title, Part::Description, Part::Tags];

    pub fn code(self) -> &'static str {
        match self {
            Part::Title => "title",
            Part::Description => "description",
            Part::Tags => "tags",
        }
    }

    fn parse(s: &str) -> Option<Part> {
        Part::ALL.into_iter().find(|p| p.code() == s)
    }
}

/// How a length is counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = TextRuleUnit)]
pub enum Unit {
    /// Unicode scalar values.
    #[default]
    Chars,
    /// UTF-16 code units (an emoji counts 2).
    Utf16,
    /// UTF-8 bytes (a Vietnamese letter with marks counts 2 or 3).
    Bytes,
}

impl Unit {
    pub fn code(self) -> &'static str {
        match self {
            Unit::Chars => "chars",
            Unit::Utf16 => "utf16",
            Unit::Bytes => "bytes",
        }
    }

    fn of(self, c: char) -> u64 {
        match self {
            Unit::Chars => 1,
            Unit::Utf16 => c.len_utf16() as u64,
            Unit::Bytes => c.len_utf8() as u64,
        }
    }

    pub fn measure(self, s: &str) -> u64 {
        match self {
            Unit::Bytes => s.len() as u64,
            _ => s.chars().map(|c| self.of(c)).sum(),
        }
    }

    /// The byte offset of the first char of `s` past `max` units.
    fn overflow_at(self, s: &str, max: u64) -> usize {
        let mut n = 0;
        for (i, c) in s.char_indices() {
            n += self.of(c);
            if n > max {
                return i;
            }
        }
        s.len()
    }
}

/// One platform's rule for one part; absent keys mean no rule.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub max: Option<u64>,
    #[serde(default)]
    pub unit: Unit,
    #[serde(default)]
    pub forbidden: Vec<String>,
    #[serde(default)]
    pub required: bool,
}

/// Every platform's rules, by part.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules(BTreeMap<Platform, BTreeMap<Part, Rule>>);

/// Reads rules in the format of `data/platform-text.toml`.
pub fn parse(text: &str) -> Result<Rules, String> {
    let raw: BTreeMap<String, BTreeMap<String, Rule>> =
        toml::from_str(text).map_err(|e| e.to_string())?;
    let mut out = BTreeMap::new();
    for (name, parts) in raw {
        let platform =
            Platform::parse(&name).ok_or_else(|| format!("unknown platform {name:?}"))?;
        let mut rules = BTreeMap::new();
        for (part, rule) in parts {
            let p = Part::parse(&part).ok_or_else(|| format!("{name}: unknown part {part:?}"))?;
            if p == Part::Tags && platform != Platform::YouTube {
                return Err(format!("{name}: only YouTube takes tags"));
            }
            if rule.forbidden.iter().any(String::is_empty) {
                return Err(format!("{name}.{part}: an empty forbidden string"));
            }
            rules.insert(p, rule);
        }
        out.insert(platform, rules);
    }
    Ok(Rules(out))
}

/// The rules shipped in `data/platform-text.toml`.
pub fn rules() -> &'static Rules {
    &BUILTIN
}

impl Rules {
    pub fn get(&self, platform: Platform, part: Part) -> Option<&Rule> {
        self.0.get(&platform).and_then(|r| r.get(&part))
    }
}

// ---- Building ------------------------------------------------------------------

/// What a clip would send, borrowed: hashtags as stored ("#tag").
#[derive(Debug, Clone, Copy)]
pub struct Content<'a> {
    pub title: &'a str,
    pub caption: &'a str,
    /// Caption variants by platform code.
    pub variants: &'a BTreeMap<String, String>,
    pub hashtags: &'a [String],
}

/// The text one platform receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformText {
    pub title: String,
    /// The caption or the platform's variant, then the hashtags it lacks.
    pub description: String,
    /// YouTube's keyword tags: the hashtags without "#" (empty elsewhere).
    pub tags: Vec<String>,
    /// The clip's field the description starts with: "caption",
    /// "variant:<platform>" or, for TikTok with nothing else, "title".
    base_field: String,
    /// How many bytes of the description are that field's text.
    base_len: usize,
}

/// A hashtag as compared: without "#", NFC, lower case.
fn tag_key(tag: &str) -> String {
    tag.trim_start_matches('#')
        .nfc()
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || is_combining_mark(c)
}

/// The hashtags written in `text` ("#tag" after a space, a line break or
/// punctuation), as compared.
fn tags_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        if c == '#' && !prev.is_some_and(is_tag_char) {
            let word: String = text[i + 1..]
                .chars()
                .take_while(|&d| is_tag_char(d))
                .collect();
            if !word.is_empty() {
                out.push(tag_key(&word));
            }
        }
        prev = Some(c);
    }
    out
}

/// The one place that decides what text a platform receives for a clip.
pub fn build(c: &Content<'_>, platform: Platform) -> PlatformText {
    let (mut base_field, base) = match c
        .variants
        .get(platform.as_str())
        .filter(|v| !v.trim().is_empty())
    {
        Some(v) => (format!("variant:{}", platform.as_str()), v.as_str()),
        None => ("caption".to_string(), c.caption),
    };
    let mut seen = tags_in(base);
    let mut appended: Vec<String> = Vec::new();
    let mut tags: Vec<String> = Vec::new();
    let mut tag_keys: Vec<String> = Vec::new();
    for h in c.hashtags {
        let (word, key) = (h.trim_start_matches('#'), tag_key(h));
        if key.is_empty() {
            continue;
        }
        if !tag_keys.contains(&key) {
            tag_keys.push(key.clone());
            tags.push(word.to_string());
        }
        if !seen.contains(&key) {
            seen.push(key);
            appended.push(format!("#{word}"));
        }
    }
    let mut description = base.to_string();
    let mut base_len = base.len();
    if !appended.is_empty() {
        if !description.is_empty() {
            description.push_str("\n\n");
        }
        description.push_str(&appended.join(" "));
    }
    // TikTok has no title: with no caption and no hashtag, the title is the caption.
    if platform == Platform::TikTok && description.trim().is_empty() {
        description = c.title.to_string();
        base_field = "title".into();
        base_len = description.len();
    }
    PlatformText {
        title: c.title.to_string(),
        description,
        tags: if platform == Platform::YouTube {
            tags
        } else {
            Vec::new()
        },
        base_field,
        base_len,
    }
}

// ---- Checking ------------------------------------------------------------------

/// What kind of rule a text breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = TextRuleKind)]
pub enum Kind {
    Length,
    Forbidden,
    Required,
}

impl Kind {
    /// The lint rule code of a finding of this kind.
    pub fn rule(self) -> &'static str {
        match self {
            Kind::Length => "platform_length",
            Kind::Forbidden => "platform_char",
            Kind::Required => "platform_required",
        }
    }
}

/// A platform's text rule that a text breaks, with what was measured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = TextRuleBreach)]
pub struct Breach {
    /// facebook, youtube, tiktok or zalo.
    pub platform: String,
    pub part: Part,
    pub kind: Kind,
    /// The longest value accepted (length rules; 0 otherwise).
    pub limit: u64,
    /// The text's length in `unit` (length rules; 0 otherwise).
    pub measured: u64,
    pub unit: Unit,
}

/// A breach placed in the clip's own fields, as a lint finding: `field` is
/// "title", "caption", "variant:<platform>" or "hashtags".
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub field: String,
    pub finding: Finding,
    pub breach: Breach,
}

/// Look-alikes a platform accepts, offered for characters it refuses.
fn replacement(forbidden: &str) -> Option<String> {
    match forbidden {
        "<" => Some("‹".into()),
        ">" => Some("›".into()),
        _ => None,
    }
}

/// How much of one limited part a text uses, in the part's unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    pub part: Part,
    pub used: u64,
    pub max: u64,
    pub unit: Unit,
}

/// YouTube's tags as the API measures them: joined by commas, a tag with a
/// space quoted.
fn tag_list(t: &PlatformText) -> String {
    t.tags
        .iter()
        .map(|g| {
            if g.contains(' ') {
                format!("\"{g}\"")
            } else {
                g.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

impl Rules {
    /// For each part of `platform` with a length limit, how much `t` uses
    /// (the counters of the per-platform preview).
    pub fn counts(&self, platform: Platform, t: &PlatformText) -> Vec<Count> {
        let Some(parts) = self.0.get(&platform) else {
            return Vec::new();
        };
        parts
            .iter()
            .filter_map(|(&part, rule)| {
                let max = rule.max?;
                let used = match part {
                    Part::Title => rule.unit.measure(&t.title),
                    Part::Description => rule.unit.measure(&t.description),
                    Part::Tags => rule.unit.measure(&tag_list(t)),
                };
                Some(Count {
                    part,
                    used,
                    max,
                    unit: rule.unit,
                })
            })
            .collect()
    }

    /// Every rule of `platform` that `t` breaks.
    pub fn check(&self, platform: Platform, t: &PlatformText) -> Vec<Found> {
        let mut out = Vec::new();
        let Some(parts) = self.0.get(&platform) else {
            return out;
        };
        let tag_list = || tag_list(t);
        for (&part, rule) in parts {
            // The text measured, and where its first bytes come from.
            let (text, field, source) = match part {
                Part::Title => (t.title.clone(), "title", t.title.as_str()),
                Part::Description => (
                    t.description.clone(),
                    t.base_field.as_str(),
                    &t.description[..t.base_len],
                ),
                Part::Tags => (tag_list(), "hashtags", ""),
            };
            // `span`: bytes of the measured text; None for the part as a whole.
            // A span outside the field's own text (appended hashtags, joined
            // tags) belongs to "hashtags", without offsets.
            let at = |kind: Kind,
                      limit: u64,
                      measured: u64,
                      span: Option<(usize, usize)>,
                      suggestion: Option<String>| {
                let (field, start, end) = match span {
                    None => (field, 0, 0),
                    Some((s, e)) if s < e && e <= source.len() => (field, s, e),
                    Some(_) => ("hashtags", 0, 0),
                };
                let own = field_text(t, field);
                let chars = |b: usize| own.get(..b).map_or(0, |s| s.chars().count());
                Found {
                    field: field.to_string(),
                    finding: Finding {
                        rule: kind.rule().to_string(),
                        severity: Severity::Error,
                        start,
                        end,
                        char_start: chars(start),
                        char_end: chars(end),
                        found: own.get(start..end).unwrap_or_default().to_string(),
                        suggestion,
                        political: false,
                    },
                    breach: Breach {
                        platform: platform.as_str().to_string(),
                        part,
                        kind,
                        limit,
                        measured,
                        unit: rule.unit,
                    },
                }
            };
            if rule.required && text.trim().is_empty() {
                out.push(at(Kind::Required, 0, 0, None, None));
            }
            for f in &rule.forbidden {
                for (i, s) in text.match_indices(f.as_str()) {
                    let span = Some((i, i + s.len()));
                    out.push(at(Kind::Forbidden, 0, 0, span, replacement(f)));
                }
            }
            if let Some(max) = rule.max {
                let measured = rule.unit.measure(&text);
                if measured > max {
                    let span = Some((rule.unit.overflow_at(&text, max), source.len()));
                    out.push(at(Kind::Length, max, measured, span, None));
                }
            }
        }
        out
    }
}

/// The text of one of the clip's fields as the platform text holds it (for
/// char offsets): the title, the description's own part, or nothing.
fn field_text<'a>(t: &'a PlatformText, field: &str) -> &'a str {
    if field == t.base_field {
        &t.description[..t.base_len]
    } else if field == "title" {
        &t.title
    } else {
        ""
    }
}

impl Breach {
    /// The platform's name as people know it.
    pub fn platform_label(&self) -> String {
        Platform::parse(&self.platform).map_or(self.platform.clone(), |p| p.label().to_string())
    }

    /// The finding's sentence in a language (`found`: the refused characters).
    pub fn message(&self, found: &str, tr: &impl Translate) -> String {
        tr.t_args(
            &format!("lint-{}", self.kind.rule()),
            &[
                ("platform", self.platform_label()),
                ("part", tr.t(&format!("platform-part-{}", self.part.code()))),
                ("limit", self.limit.to_string()),
                ("measured", self.measured.to_string()),
                ("unit", tr.t(&format!("platform-unit-{}", self.unit.code()))),
                ("found", found.to_string()),
            ],
        )
    }
}

/// For logs and the publication's error line.
impl std::fmt::Display for Breach {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (p, part) = (self.platform_label(), self.part.code());
        match self.kind {
            Kind::Length => write!(
                f,
                "{p} takes a {part} of at most {} {}; this one has {}",
                self.limit,
                self.unit.code(),
                self.measured
            ),
            Kind::Forbidden => write!(f, "{p} refuses a character of this {part}"),
            Kind::Required => write!(f, "{p} needs a {part}"),
        }
    }
}

#[cfg(test)]
mod tests;

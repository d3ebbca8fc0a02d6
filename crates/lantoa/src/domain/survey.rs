//! An audience survey's form and its answers: the questions (single and
//! multiple choice, a 1–5 rating, a ranking, a short text) grouped in
//! sections, the rules an answer must keep, and the counts the results page
//! draws. No HTTP, no SQL: the form is kept as JSON by the data layer and
//! the answers arrive here as the form's fields.
//!
//! Answers are stored by option *key*, never by label, so a label may be
//! corrected after answers came in. What may change once a survey has
//! answers is decided by [`Form::apply`] (`locked`): text only.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Invalid;

pub const MAX_QUESTIONS: usize = 60;
pub const MAX_OPTIONS: usize = 20;
/// Characters of one short-text answer.
pub const MAX_TEXT_ANSWER: usize = 1000;
pub const MAX_QUESTION_TEXT: usize = 300;
pub const MAX_HELP_TEXT: usize = 500;
pub const MAX_OPTION_LABEL: usize = 120;
/// The rating scale runs from 1 to this.
pub const RATING_MAX: u8 = 5;

/// What kind of answer a question takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Single,
    Multiple,
    Rating,
    Ranking,
    Text,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Single,
        Kind::Multiple,
        Kind::Rating,
        Kind::Ranking,
        Kind::Text,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Single => "single",
            Kind::Multiple => "multiple",
            Kind::Rating => "rating",
            Kind::Ranking => "ranking",
            Kind::Text => "text",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// Whether it is answered by picking among options.
    pub fn has_options(self) -> bool {
        matches!(self, Kind::Single | Kind::Multiple | Kind::Ranking)
    }
}

/// What the answers to a question are set beside on the comparison card:
/// the measured best times, lengths or topics of the agency's posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Time,
    Length,
    Topics,
}

/// One option of a choice or ranking question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub key: String,
    pub label: String,
    /// What it stands for on the comparison card: hours `"6-9"`, length
    /// buckets `"0"` or `"3,4"`, a topic's category code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maps: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub key: String,
    pub kind: Kind,
    pub text: String,
    #[serde(default)]
    pub help: String,
    /// The section's title; consecutive questions with one title form a section.
    #[serde(default)]
    pub section: String,
    #[serde(default)]
    pub options: Vec<Choice>,
    pub required: bool,
    /// About the person (age, area): always optional.
    #[serde(default)]
    pub demographic: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<Measure>,
}

impl Question {
    /// The form field of the answer (of one option's rank, for a ranking).
    pub fn field(&self) -> String {
        format!("q.{}", self.key)
    }

    pub fn rank_field(&self, option: &str) -> String {
        format!("q.{}.{option}", self.key)
    }

    pub fn label_of(&self, key: &str) -> String {
        self.options
            .iter()
            .find(|c| c.key == key)
            .map_or_else(|| key.to_string(), |c| c.label.clone())
    }
}

/// A survey's questions, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Form {
    pub questions: Vec<Question>,
}

/// One answer, read by its question's kind: a choice's key or a text
/// (`Str`), keys (`List`: chosen, or ranked best first), a rating (`Num`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    Num(u8),
    Str(String),
    List(Vec<String>),
}

/// One person's answers by question key; an unanswered optional question is absent.
pub type Answers = BTreeMap<String, Answer>;

/// A question as the builder's form sends it.
#[derive(Debug, Clone, Default)]
pub struct QuestionEdit {
    pub kind: String,
    pub text: String,
    pub help: String,
    pub section: String,
    /// One option a line.
    pub options: String,
    pub required: bool,
}

/// A change to the form's list of questions.
#[derive(Debug, Clone)]
pub enum FormOp {
    Add(QuestionEdit),
    Save(String, QuestionEdit),
    Remove(String),
    Up(String),
    Down(String),
}

fn text_of(s: &str, max: usize, field: &'static str, allow_empty: bool) -> Result<String, Invalid> {
    let s = s.trim();
    let n = s.chars().count();
    if n > max || (!allow_empty && n == 0) || s.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Invalid::new(field, "survey-invalid-text"));
    }
    Ok(s.replace('\r', ""))
}

impl Form {
    pub fn question(&self, key: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.key == key)
    }

    /// Questions grouped in sections, in order.
    pub fn sections(&self) -> Vec<(String, Vec<&Question>)> {
        let mut out: Vec<(String, Vec<&Question>)> = Vec::new();
        for q in &self.questions {
            match out.last_mut() {
                Some((title, qs)) if *title == q.section => qs.push(q),
                _ => out.push((q.section.clone(), vec![q])),
            }
        }
        out
    }

    fn next_key(&self) -> String {
        let n = self
            .questions
            .iter()
            .filter_map(|q| q.key.strip_prefix('q')?.parse::<u32>().ok())
            .max()
            .unwrap_or(0);
        format!("q{}", n + 1)
    }

    /// Applies a builder's change. With `locked` (answers exist) only the
    /// words may change: question text, help, section titles and option
    /// labels, never the kind, the options' number, whether it must be
    /// answered, nor which questions there are or their order — an answer
    /// already given must keep meaning what the person meant.
    pub fn apply(&mut self, op: FormOp, locked: bool) -> Result<(), Invalid> {
        let refused = Invalid::new("question", "survey-err-locked");
        match op {
            FormOp::Add(e) => {
                if locked {
                    return Err(refused);
                }
                if self.questions.len() >= MAX_QUESTIONS {
                    return Err(Invalid::new("question", "survey-err-too-many-questions"));
                }
                let key = self.next_key();
                let q = build(&key, &e, None)?;
                self.questions.push(q);
            }
            FormOp::Save(key, e) => {
                let i = self.index(&key)?;
                let old = &self.questions[i];
                let q = build(&key, &e, Some(old))?;
                if locked
                    && (q.kind != old.kind
                        || q.options.len() != old.options.len()
                        || q.required != old.required)
                {
                    return Err(refused);
                }
                self.questions[i] = q;
            }
            FormOp::Remove(key) => {
                if locked {
                    return Err(refused);
                }
                let i = self.index(&key)?;
                self.questions.remove(i);
            }
            FormOp::Up(_) | FormOp::Down(_) if locked => return Err(refused),
            FormOp::Up(key) => {
                let i = self.index(&key)?;
                if i > 0 {
                    self.questions.swap(i, i - 1);
                }
            }
            FormOp::Down(key) => {
                let i = self.index(&key)?;
                if i + 1 < self.questions.len() {
                    self.questions.swap(i, i + 1);
                }
            }
        }
        Ok(())
    }

    fn index(&self, key: &str) -> Result<usize, Invalid> {
        self.questions
            .iter()
            .position(|q| q.key == key)
            .ok_or(Invalid::new("question", "survey-err-no-question"))
    }
}

/// A question from the builder's fields; `old` keeps the options' keys and
/// what they stand for, position by position.
fn build(key: &str, e: &QuestionEdit, old: Option<&Question>) -> Result<Question, Invalid> {
    let kind = Kind::parse(&e.kind).ok_or(Invalid::new("kind", "survey-invalid-kind"))?;
    let text = text_of(&e.text, MAX_QUESTION_TEXT, "text", false)?;
    let help = text_of(&e.help, MAX_HELP_TEXT, "help", true)?;
    let section = text_of(&e.section, MAX_QUESTION_TEXT, "section", true)?.replace('\n', " ");
    let mut options = Vec::new();
    if kind.has_options() {
        let labels: Vec<&str> = e
            .options
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if labels.len() < 2 || labels.len() > MAX_OPTIONS {
            return Err(Invalid::new("options", "survey-invalid-options"));
        }
        let olds = old.map(|q| q.options.as_slice()).unwrap_or(&[]);
        let mut next = olds
            .iter()
            .filter_map(|c| c.key.strip_prefix('o')?.parse::<u32>().ok())
            .max()
            .unwrap_or(0);
        for (i, l) in labels.iter().enumerate() {
            let label = text_of(l, MAX_OPTION_LABEL, "options", false)?;
            let (key, maps) = match olds.get(i) {
                Some(c) => (c.key.clone(), c.maps.clone()),
                None => {
                    next += 1;
                    (format!("o{next}"), None)
                }
            };
            options.push(Choice { key, label, maps });
        }
    }
    let demographic = old.is_some_and(|q| q.demographic);
    Ok(Question {
        key: key.to_string(),
        kind,
        text,
        help,
        section,
        options,
        required: e.required && !demographic,
        demographic,
        measure: old.and_then(|q| q.measure).filter(|_| kind.has_options()),
    })
}

/// The answers read from a submitted form, the problems found question by
/// question, and every field as sent, to fill the form again.
#[derive(Debug, Clone, Default)]
pub struct Submitted {
    pub answers: Answers,
    /// (question key, message id)
    pub errors: Vec<(String, &'static str)>,
    pub raw: BTreeMap<String, Vec<String>>,
}

/// Longest value kept from any one field (a text answer's limit is checked
/// on its own, with its own message).
const MAX_FIELD: usize = 8 * MAX_TEXT_ANSWER;

/// Reads the answers from the form's fields (`q.<key>`, and
/// `q.<key>.<option>` for a rank), checking each against its question.
pub fn parse_answers(form: &Form, fields: &[(String, String)]) -> Submitted {
    let mut raw: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in fields {
        if k.starts_with("q.") {
            let v: String = v.chars().take(MAX_FIELD).collect();
            raw.entry(k.clone()).or_default().push(v);
        }
    }
    let mut out = Submitted {
        raw,
        ..Submitted::default()
    };
    for q in &form.questions {
        match answer_of(q, &out.raw) {
            Ok(Some(a)) => {
                out.answers.insert(q.key.clone(), a);
            }
            Ok(None) if q.required => out.errors.push((q.key.clone(), "survey-err-required")),
            Ok(None) => {}
            Err(id) => out.errors.push((q.key.clone(), id)),
        }
    }
    out
}

fn answer_of(
    q: &Question,
    raw: &BTreeMap<String, Vec<String>>,
) -> Result<Option<Answer>, &'static str> {
    let values: Vec<&str> = raw
        .get(&q.field())
        .map(|v| {
            v.iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let known = |k: &str| q.options.iter().any(|c| c.key == k);
    match q.kind {
        Kind::Single => match values.as_slice() {
            [] => Ok(None),
            [one] if known(one) => Ok(Some(Answer::Str(one.to_string()))),
            _ => Err("survey-err-choice"),
        },
        Kind::Multiple => {
            if values.iter().any(|v| !known(v)) {
                return Err("survey-err-choice");
            }
            // In the options' order, once each.
            let picked: Vec<String> = q
                .options
                .iter()
                .filter(|c| values.contains(&c.key.as_str()))
                .map(|c| c.key.clone())
                .collect();
            Ok((!picked.is_empty()).then_some(Answer::List(picked)))
        }
        Kind::Rating => match values.as_slice() {
            [] => Ok(None),
            [one] => match one.parse::<u8>() {
                Ok(n) if (1..=RATING_MAX).contains(&n) => Ok(Some(Answer::Num(n))),
                _ => Err("survey-err-rating"),
            },
            _ => Err("survey-err-rating"),
        },
        Kind::Ranking => ranking(q, raw),
        Kind::Text => {
            let text = raw
                .get(&q.field())
                .and_then(|v| v.first())
                .map(|s| s.trim().replace('\r', ""))
                .unwrap_or_default();
            if text.is_empty() {
                Ok(None)
            } else if text.chars().count() > MAX_TEXT_ANSWER {
                Err("survey-err-too-long")
            } else if text.chars().any(|c| c.is_control() && c != '\n') {
                Err("survey-err-text")
            } else {
                Ok(Some(Answer::Str(text)))
            }
        }
    }
}

/// A ranking: each option numbered 1…n, each number once; all or none.
fn ranking(
    q: &Question,
    raw: &BTreeMap<String, Vec<String>>,
) -> Result<Option<Answer>, &'static str> {
    let n = q.options.len();
    let mut ranked: Vec<(usize, String)> = Vec::new();
    for c in &q.options {
        let v = raw
            .get(&q.rank_field(&c.key))
            .and_then(|v| v.first())
            .map(|s| s.trim())
            .unwrap_or("");
        if v.is_empty() {
            continue;
        }
        match v.parse::<usize>() {
            Ok(r) if (1..=n).contains(&r) => ranked.push((r, c.key.clone())),
            _ => return Err("survey-err-ranking"),
        }
    }
    if ranked.is_empty() {
        return Ok(None);
    }
    ranked.sort();
    let distinct = ranked.windows(2).all(|w| w[0].0 != w[1].0);
    if ranked.len() != n || !distinct {
        return Err("survey-err-ranking");
    }
    Ok(Some(Answer::List(
        ranked.into_iter().map(|(_, k)| k).collect(),
    )))
}

/// One question's answers counted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QTally {
    pub key: String,
    /// People who answered it.
    pub answered: usize,
    /// Per option (choices), per score 1…5 (rating); for a ranking, the
    /// times each option was put first.
    pub counts: Vec<usize>,
    /// Rating: the mean score. Ranking: per option, its mean place (1 = best).
    pub mean: Option<f64>,
    pub places: Vec<Option<f64>>,
    /// Short texts, newest last.
    pub texts: Vec<String>,
}

/// Counts every question's answers.
pub fn tally(form: &Form, responses: &[Answers]) -> Vec<QTally> {
    form.questions
        .iter()
        .map(|q| tally_one(q, responses.iter()))
        .collect()
}

/// Counts one question's answers among `responses`.
pub fn tally_one<'a>(q: &Question, responses: impl Iterator<Item = &'a Answers>) -> QTally {
    let width = match q.kind {
        Kind::Rating => RATING_MAX as usize,
        Kind::Text => 0,
        _ => q.options.len(),
    };
    let mut t = QTally {
        key: q.key.clone(),
        counts: vec![0; width],
        ..QTally::default()
    };
    let pos = |k: &str| q.options.iter().position(|c| c.key == k);
    let mut sum = 0u64;
    let mut place_sums = vec![(0usize, 0usize); q.options.len()];
    for a in responses.filter_map(|r| r.get(&q.key)) {
        t.answered += 1;
        match (q.kind, a) {
            (Kind::Single, Answer::Str(k)) => pos(k).into_iter().for_each(|i| t.counts[i] += 1),
            (Kind::Multiple, Answer::List(ks)) => ks
                .iter()
                .filter_map(|k| pos(k))
                .for_each(|i| t.counts[i] += 1),
            (Kind::Rating, Answer::Num(n)) if (1..=RATING_MAX).contains(n) => {
                t.counts[*n as usize - 1] += 1;
                sum += u64::from(*n);
            }
            (Kind::Ranking, Answer::List(ks)) => {
                for (place, k) in ks.iter().enumerate() {
                    if let Some(i) = pos(k) {
                        place_sums[i].0 += place + 1;
                        place_sums[i].1 += 1;
                        if place == 0 {
                            t.counts[i] += 1;
                        }
                    }
                }
            }
            (Kind::Text, Answer::Str(s)) => t.texts.push(s.clone()),
            _ => t.answered -= 1,
        }
    }
    if q.kind == Kind::Rating && t.answered > 0 {
        t.mean = Some(sum as f64 / t.answered as f64);
    }
    t.places = place_sums
        .iter()
        .map(|(s, n)| (*n > 0).then(|| *s as f64 / *n as f64))
        .collect();
    t
}

/// Cross-tabulation: for each option of `by` (a single-choice question),
/// the counts of `q`'s options among those who chose it.
pub fn crosstab(by: &Question, q: &Question, responses: &[Answers]) -> Vec<QTally> {
    by.options
        .iter()
        .map(|c| {
            let group = responses
                .iter()
                .filter(|r| matches!(r.get(&by.key), Some(Answer::Str(k)) if *k == c.key));
            tally_one(q, group)
        })
        .collect()
}

/// An answer as one cell of an export: labels, `; ` between several.
pub fn answer_text(q: &Question, a: &Answer) -> String {
    match a {
        Answer::Num(n) => n.to_string(),
        Answer::Str(s) if q.kind == Kind::Text => s.clone(),
        Answer::Str(k) => q.label_of(k),
        Answer::List(ks) => ks
            .iter()
            .map(|k| q.label_of(k))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

#[cfg(test)]
#[path = "survey_tests.rs"]
mod tests;

//! Official names in their decreed case (Nghị định 30/2020, Phụ lục II),
//! administrative units in lower case before a place name, the watch list, and
//! capitals at sentence starts.
//!
//! Names are matched on whole words, ignoring case and tone style ("Uỷ ban" is
//! "Ủy ban"); the longest name wins, so a listed "Ủy ban nhân dân tỉnh" keeps its
//! lower-case "nhân dân" even though "Nhân dân" alone is capitalised.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::rc::Rc;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use super::punct::{at_sentence_start, maybe_sentence_start};
use super::syllable::{fold_word, lower, upper};
use super::words::is_word_char;
use super::{Out, Rules, Severity};

/// The multiply-rotate hash of rustc (FxHash): keys here are short words
/// from our own lists, so SipHash's protection buys nothing and costs time.
#[derive(Default)]
struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// A word (letters and digits) or a single symbol, whitespace skipped.
struct Tok {
    start: usize,
    end: usize,
    /// NFC chars of a word; empty for a symbol.
    chars: Vec<char>,
    /// Folded word, or the symbol ("-" for every dash).
    key: String,
}

fn symbol_key(c: char) -> String {
    match c {
        '–' | '—' | '‑' | '−' => "-".into(),
        c => c.to_string(),
    }
}

fn toks(text: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut word: Option<usize> = None;
    let is_part = |c: char| is_word_char(c) || c.is_numeric();
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if is_part(c) {
            word.get_or_insert(i);
            continue;
        }
        if let Some(s) = word.take() {
            let w = &text[s..i];
            let chars: Vec<char> = if w.is_ascii() || is_nfc_quick(w.chars()) == IsNormalized::Yes {
                w.chars().collect()
            } else {
                w.nfc().collect()
            };
            let key = fold_word(&chars);
            out.push(Tok {
                start: s,
                end: i,
                chars,
                key,
            });
        }
        if i < text.len() && !c.is_whitespace() && !super::chars::is_invisible(c) {
            out.push(Tok {
                start: i,
                end: i + c.len_utf8(),
                chars: Vec::new(),
                key: symbol_key(c),
            });
        }
    }
    out
}

struct Entry {
    keys: Vec<String>,
    /// NFC chars of each token of the listed form.
    forms: Vec<Vec<char>>,
}

/// Names by their first folded word, longest first.
#[derive(Default)]
struct Index {
    by_first: FxMap<String, Vec<Entry>>,
}

impl Index {
    fn build(list: &[String]) -> Index {
        let mut by_first: FxMap<String, Vec<Entry>> = FxMap::default();
        for name in list {
            let ts = toks(name);
            if !ts.iter().any(|t| !t.chars.is_empty()) || ts[0].chars.is_empty() {
                continue;
            }
            let entry = Entry {
                keys: ts.iter().map(|t| t.key.clone()).collect(),
                forms: ts.into_iter().map(|t| t.chars).collect(),
            };
            by_first
                .entry(entry.keys[0].clone())
                .or_default()
                .push(entry);
        }
        for v in by_first.values_mut() {
            v.sort_by_key(|e| std::cmp::Reverse(e.keys.len()));
        }
        Index { by_first }
    }

    /// Longest matches, left to right, not overlapping: (first tok, tok count, entry).
    fn find<'a>(&'a self, ts: &[Tok]) -> Vec<(usize, usize, &'a Entry)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < ts.len() {
            let hit = self.by_first.get(&ts[i].key).and_then(|cands| {
                cands.iter().find(|e| {
                    e.keys.len() <= ts.len() - i
                        && e.keys.iter().zip(&ts[i..]).all(|(k, t)| *k == t.key)
                })
            });
            match hit {
                Some(e) => {
                    out.push((i, e.keys.len(), e));
                    i += e.keys.len();
                }
                None => i += 1,
            }
        }
        out
    }
}

/// The two indexes of one `Rules`, kept per thread while the lists stay the same.
struct Indexes {
    names: Index,
    watch: Index,
}

thread_local! {
    static CACHE: RefCell<Option<(u64, Rc<Indexes>)>> = const { RefCell::new(None) };
}

fn indexes(rules: &Rules) -> Rc<Indexes> {
    let mut h = Fx::default();
    rules.official_names.hash(&mut h);
    rules.watch_list.hash(&mut h);
    let key = h.finish();
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if let Some((k, ix)) = c.as_ref()
            && *k == key
        {
            return ix.clone();
        }
        let ix = Rc::new(Indexes {
            names: Index::build(&rules.official_names),
            watch: Index::build(&rules.watch_list),
        });
        *c = Some((key, ix.clone()));
        ix
    })
}

pub(crate) fn check(out: &mut Out, rules: &Rules) {
    let text = out.text;
    let ts = toks(text);
    let ix = indexes(rules);
    let mut name_starts = Vec::new();
    let mut named = Vec::new();
    for (first, len, entry) in ix.names.find(&ts) {
        named.push(first..first + len);
        if capitalisation(out, &ts[first..first + len], entry) {
            name_starts.push(ts[first].start);
        }
    }
    admin_units(out, &ts, &named);
    for (first, len, _) in ix.watch.find(&ts) {
        let (s, e) = (ts[first].start, ts[first + len - 1].end);
        out.add("watch_term", Severity::Info, s, e, None);
        if let Some(f) = out.findings.last_mut() {
            f.political = true;
        }
    }
    sentence_starts(out, &ts, &name_starts);
}

/// Reports a name in the wrong case; true when it did.
fn capitalisation(out: &mut Out, span: &[Tok], entry: &Entry) -> bool {
    let text = out.text;
    let words = || span.iter().filter(|t| !t.chars.is_empty());
    let letters = || {
        words()
            .flat_map(|t| t.chars.iter())
            .filter(|c| c.is_alphabetic())
    };
    // Headlines in capitals are left to the editor.
    if letters().count() >= 2 && letters().all(|&c| upper(c) == c && lower(c) != c) {
        return false;
    }
    let sentence = maybe_sentence_start(text, span[0].start);
    let mut wrong = false;
    let mut fixed_words: Vec<String> = Vec::new();
    for (k, (t, form)) in span.iter().zip(&entry.forms).enumerate() {
        if t.chars.is_empty() {
            continue;
        }
        if t.chars.len() != form.len() {
            return false;
        }
        let mut w = String::new();
        for (j, (&c, &f)) in t.chars.iter().zip(form).enumerate() {
            let want_upper = lower(f) != f;
            let is_upper = lower(c) != c;
            let free = k == 0 && j == 0 && sentence && is_upper;
            if want_upper != is_upper && !free {
                wrong = true;
            }
            w.push(if free {
                c
            } else if want_upper {
                upper(c)
            } else {
                lower(c)
            });
        }
        fixed_words.push(w);
    }
    if !wrong {
        return false;
    }
    let (s, e) = (span[0].start, span[span.len() - 1].end);
    let mut suggestion = String::with_capacity(e - s);
    let mut at = s;
    let mut fixed = fixed_words.into_iter();
    for t in words() {
        suggestion.push_str(&text[at..t.start]);
        suggestion.push_str(&fixed.next().unwrap_or_default());
        at = t.end;
    }
    suggestion.push_str(&text[at..e]);
    out.add("capitalisation", Severity::Warning, s, e, Some(suggestion));
    true
}

/// The administrative units, as folded words ("thành phố" is two).
const UNITS: [&[&str]; 9] = [
    &["tỉnh"],
    &["thành", "phố"],
    &["huyện"],
    &["quận"],
    &["thị", "xã"],
    &["thị", "trấn"],
    &["xã"],
    &["phường"],
    &["đặc", "khu"],
];

/// Words that make a unit word part of a body's name, which keeps its capital:
/// Tỉnh ủy, Thành ủy, Tỉnh đoàn, Huyện đội, Tỉnh hội (and "xã hội" is no unit).
const COMPOUNDS: [&str; 4] = ["ủy", "đoàn", "đội", "hội"];

/// A unit before a person's or an event's name keeps its capital (Phường Lê
/// Lợi, Quận Hai Bà Trưng, Phường Điện Biên Phủ). The commonest family names
/// that no province, district or commune name begins with, and the names of
/// people and events that wards are often named after.
const SURNAMES: [&str; 9] = [
    "nguyễn", "trần", "lê", "phạm", "huỳnh", "bùi", "đặng", "đỗ", "ngô",
];
const PERSONS_AND_EVENTS: [&[&str]; 5] = [
    &["hai", "bà", "trưng"],
    &["bà", "triệu"],
    &["quang", "trung"],
    &["điện", "biên", "phủ"],
    &["hồ", "chí", "minh"],
];

/// Abbreviated bodies a unit follows without a place name ("UBND Tỉnh").
const BODIES: [&str; 7] = [
    "ubnd", "hđnd", "ubmttq", "ubmttqvn", "mttq", "tand", "vksnd",
];

fn starts_with_keys(ts: &[Tok], keys: &[&str]) -> bool {
    keys.len() <= ts.len() && keys.iter().zip(ts).all(|(k, t)| t.key == *k)
}

fn is_roman_numeral(t: &Tok) -> bool {
    t.chars.len() <= 6 && t.chars.iter().all(|c| "IVXLCDM".contains(*c))
}

/// An administrative unit written with a capital in mid-sentence before a
/// place name ("tại Tỉnh Thái Nguyên") or after a body ("UBND Tỉnh"): Decree
/// 30 writes it in lower case. The fix lowers the unit and keeps the name.
fn admin_units(out: &mut Out, ts: &[Tok], named: &[std::ops::Range<usize>]) {
    let text = out.text;
    let word = |t: &Tok| !t.chars.is_empty();
    let capital = |t: &Tok| t.chars.first().is_some_and(|c| c.is_uppercase());
    // The end of a unit already looked at whole ("Thị Xã" is not also "Xã").
    let mut seen_to = 0;
    for k in 0..ts.len() {
        let head = &ts[k];
        // Most words: lower case, so no unit to look up.
        if k < seen_to || !capital(head) {
            continue;
        }
        let Some(unit) = UNITS.iter().find(|u| starts_with_keys(&ts[k..], u)) else {
            continue;
        };
        let after = k + unit.len();
        seen_to = after;
        // A headline in capitals, part of a listed name, or where a sentence
        // may start: nothing to say.
        if head.chars.len() >= 2 && head.chars.iter().all(|c| !c.is_lowercase())
            || named.iter().any(|r| r.contains(&k))
            || maybe_sentence_start(text, head.start)
        {
            continue;
        }
        let next = ts.get(after).filter(|t| word(t));
        let mut first = k;
        let mut last = after - 1;
        match next {
            // Quận 1, Quận III; Tỉnh ủy, Tỉnh đoàn, xã hội.
            Some(t) if t.chars[0].is_numeric() || is_roman_numeral(t) => continue,
            Some(t) if COMPOUNDS.contains(&t.key.as_str()) => continue,
            Some(t) if capital(t) => {
                if SURNAMES.contains(&t.key.as_str())
                    || PERSONS_AND_EVENTS
                        .iter()
                        .any(|p| starts_with_keys(&ts[after..], p))
                {
                    continue;
                }
                // The place name: the capitalised words that follow.
                while ts.get(last + 1).is_some_and(|t| word(t) && capital(t)) {
                    last += 1;
                }
            }
            _ => {
                let body = k
                    .checked_sub(1)
                    .map(|p| &ts[p])
                    .filter(|t| BODIES.contains(&t.key.as_str()));
                if body.is_none() {
                    continue;
                }
                first = k - 1;
            }
        }
        let (s, e) = (ts[first].start, ts[last].end);
        let mut fixed = String::with_capacity(e - s);
        let mut at = s;
        for t in &ts[k..after] {
            fixed.push_str(&text[at..t.start]);
            fixed.extend(t.chars.iter().map(|&c| lower(c)));
            at = t.end;
        }
        fixed.push_str(&text[at..e]);
        out.add("admin_unit", Severity::Warning, s, e, Some(fixed));
    }
}

/// A lower-case word where a sentence starts. Words with capitals inside
/// ("iPhone"), addresses and list markers ("a)") are left alone.
fn sentence_starts(out: &mut Out, ts: &[Tok], name_starts: &[usize]) {
    let text = out.text;
    for (k, t) in ts.iter().enumerate() {
        let Some(&first) = t.chars.first() else {
            continue;
        };
        if !first.is_lowercase() || t.chars[1..].iter().any(|c| c.is_uppercase()) {
            continue;
        }
        if name_starts.contains(&t.start) || !at_sentence_start(text, t.start) {
            continue;
        }
        let next = ts
            .get(k + 1)
            .filter(|n| n.start == t.end)
            .map(|n| n.key.as_str());
        if matches!(next, Some(")" | "." | "@" | "/" | ":" | "_")) {
            continue;
        }
        let mut fixed = String::new();
        fixed.push(upper(first));
        fixed.extend(&t.chars[1..]);
        out.add(
            "sentence_start",
            Severity::Warning,
            t.start,
            t.end,
            Some(fixed),
        );
    }
}

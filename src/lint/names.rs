//! Official names in their decreed case (Nghị định 30/2020, Phụ lục II), the
//! watch list, and capitals at sentence starts.
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
    for (first, len, entry) in ix.names.find(&ts) {
        if capitalisation(out, &ts[first..first + len], entry) {
            name_starts.push(ts[first].start);
        }
    }
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

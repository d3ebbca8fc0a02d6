//! Rules about one word at a time: tone-mark placement and house style, marks
//! left detached, look-alike letters from other scripts, and doubled words.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use super::{Out, Severity, ToneStyle, syllable};

/// A run of letters (and combining marks, for NFD text).
pub(crate) struct Word {
    pub start: usize,
    pub end: usize,
    /// The word in NFC.
    pub chars: Vec<char>,
}

impl Word {
    pub fn is_ascii(&self) -> bool {
        self.chars.iter().all(char::is_ascii)
    }
}

pub(crate) fn is_word_char(c: char) -> bool {
    syllable::is_letter(c) || (!c.is_ascii() && is_combining_mark(c))
}

pub(crate) fn tokenize(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (is_word_char(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                let w = &text[s..i];
                let chars = if w.is_ascii() || is_nfc_quick(w.chars()) == IsNormalized::Yes {
                    w.chars().collect()
                } else {
                    w.nfc().collect()
                };
                out.push(Word {
                    start: s,
                    end: i,
                    chars,
                });
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// The combining marks Vietnamese letters are made of: the vowel shapes
/// (circumflex, breve, horn) and the tones (grave, acute, tilde, hook above,
/// dot below; U+0340 and U+0341 are old spellings of grave and acute).
const SHAPE_MARKS: [char; 3] = ['\u{302}', '\u{306}', '\u{31B}'];
const TONE_MARKS: [char; 7] = [
    '\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}', '\u{340}', '\u{341}',
];

fn is_vietnamese_mark(c: char) -> bool {
    SHAPE_MARKS.contains(&c) || TONE_MARKS.contains(&c)
}

/// `s` in NFC, with the marks NFC cannot put on a letter rebuilt: each vowel
/// keeps one shape and one tone, the shape before the tone, and where it has
/// two, the first (the one the letter shows; the other is the stray).
/// Vietnamese marks on anything else, or with nothing before them, are
/// dropped. "à" + U+0301 is "à"; "e" + U+0301 + U+0302 (the tone typed before
/// the hat) is "ế".
pub(crate) fn composed(s: &str) -> String {
    let n: String = s.nfc().collect();
    if !n.chars().any(is_vietnamese_mark) {
        return n;
    }
    /// A letter and its marks: shape, tone, others (kept as typed).
    type Letter = (char, Option<char>, Option<char>, String);
    let flush = |out: &mut String, l: Option<Letter>| {
        if let Some((base, shape, tone, other)) = l {
            out.push(base);
            if syllable::vowel(base).is_some() {
                out.extend(shape);
                out.push_str(&other);
                out.extend(tone);
            } else {
                out.push_str(&other);
            }
        }
    };
    let mut out = String::with_capacity(s.len());
    let mut letter: Option<Letter> = None;
    for c in s.nfd() {
        let mark = is_combining_mark(c);
        match letter.as_mut() {
            Some(l) if SHAPE_MARKS.contains(&c) => _ = l.1.get_or_insert(c),
            Some(l) if TONE_MARKS.contains(&c) => _ = l.2.get_or_insert(c),
            Some(l) if mark => l.3.push(c),
            None if mark => {}
            _ => flush(&mut out, letter.replace((c, None, None, String::new()))),
        }
    }
    flush(&mut out, letter);
    out.nfc().collect()
}

/// A mark that NFC could not join to the letter before it (a second tone on a
/// vowel, a tone typed before the vowel's hat, a mark after a space): it shows
/// askew or detached. One error per word, fixed by [`composed`].
pub(crate) fn detached_marks(out: &mut Out, words: &[Word]) {
    for w in words.iter().filter(|w| !w.is_ascii()) {
        if w.chars.iter().any(|&c| is_vietnamese_mark(c)) {
            let fixed = composed(&out.text[w.start..w.end]);
            out.add(
                "detached_mark",
                Severity::Error,
                w.start,
                w.end,
                Some(fixed),
            );
        }
    }
}

/// Cyrillic and Greek letters drawn like Latin ones.
fn latin_twin(c: char) -> Option<char> {
    Some(match c {
        'а' => 'a',
        'е' => 'e',
        'о' => 'o',
        'р' => 'p',
        'с' => 'c',
        'у' => 'y',
        'х' => 'x',
        'і' => 'i',
        'ј' => 'j',
        'ѕ' => 's',
        'ԁ' => 'd',
        'һ' => 'h',
        'ԛ' => 'q',
        'ԝ' => 'w',
        'А' => 'A',
        'В' => 'B',
        'Е' => 'E',
        'К' => 'K',
        'М' => 'M',
        'Н' => 'H',
        'О' => 'O',
        'Р' => 'P',
        'С' => 'C',
        'Т' => 'T',
        'Х' => 'X',
        'У' => 'Y',
        'І' => 'I',
        'Ј' => 'J',
        'Ѕ' => 'S',
        'ο' => 'o',
        'α' => 'a',
        'ν' => 'v',
        'ι' => 'i',
        'κ' => 'k',
        'ρ' => 'p',
        'τ' => 't',
        'υ' => 'u',
        'Α' => 'A',
        'Β' => 'B',
        'Ε' => 'E',
        'Ζ' => 'Z',
        'Η' => 'H',
        'Ι' => 'I',
        'Κ' => 'K',
        'Μ' => 'M',
        'Ν' => 'N',
        'Ο' => 'O',
        'Ρ' => 'P',
        'Τ' => 'T',
        'Υ' => 'Y',
        'Χ' => 'X',
        _ => return None,
    })
}

fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic()
        || matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}') && syllable::is_letter(c)
}

/// A Cyrillic or Greek twin inside an otherwise Latin word.
pub(crate) fn lookalike(out: &mut Out, words: &[Word]) {
    for w in words.iter().filter(|w| !w.is_ascii()) {
        if !w.chars.iter().any(|&c| is_latin(c)) {
            continue;
        }
        let text = out.text;
        for (i, c) in text[w.start..w.end].char_indices() {
            if let Some(l) = latin_twin(c) {
                let s = w.start + i;
                out.add(
                    "lookalike",
                    Severity::Warning,
                    s,
                    s + c.len_utf8(),
                    Some(l.to_string()),
                );
            }
        }
    }
}

/// Tone marks: misplaced ones (error), the other house style (warning), and
/// both styles in one text (one more warning).
pub(crate) fn tones(out: &mut Out, words: &[Word], style: ToneStyle) {
    let mut old_seen: Vec<usize> = Vec::new();
    let mut new_seen: Vec<usize> = Vec::new();
    for (k, w) in words.iter().enumerate() {
        if w.is_ascii() {
            continue;
        }
        let Some(syl) = syllable::parse(&w.chars) else {
            continue;
        };
        if syl.tone == 0 {
            continue;
        }
        let old = syl.placed(&w.chars, false);
        let new = syl.placed(&w.chars, true);
        let house = if style == ToneStyle::New { &new } else { &old };
        if w.chars == old && w.chars == new {
            continue;
        }
        if w.chars == old || w.chars == new {
            if w.chars == old {
                old_seen.push(k);
            } else {
                new_seen.push(k);
            }
            if &w.chars != house {
                out.add(
                    "tone_style",
                    Severity::Warning,
                    w.start,
                    w.end,
                    Some(house.iter().collect()),
                );
            }
        } else {
            out.add(
                "tone_placement",
                Severity::Error,
                w.start,
                w.end,
                Some(house.iter().collect()),
            );
        }
    }
    if !old_seen.is_empty() && !new_seen.is_empty() {
        // Point at the first word of the rarer style (of the one not house, on a tie).
        let at = match old_seen.len().cmp(&new_seen.len()) {
            std::cmp::Ordering::Less => old_seen[0],
            std::cmp::Ordering::Greater => new_seen[0],
            std::cmp::Ordering::Equal if style == ToneStyle::Old => new_seen[0],
            std::cmp::Ordering::Equal => old_seen[0],
        };
        out.add(
            "tone_mixed",
            Severity::Warning,
            words[at].start,
            words[at].end,
            None,
        );
    }
}

/// Reduplications that are good Vietnamese ("ngày ngày", "từ từ").
const REDUPLICATIONS: &[&str] = &[
    "ai",
    "ào",
    "ầm",
    "ba",
    "bé",
    "buồn",
    "cao",
    "chậm",
    "chiều",
    "dần",
    "đâu",
    "đêm",
    "đen",
    "đều",
    "đi",
    "đỏ",
    "đời",
    "đùng",
    "gần",
    "ha",
    "hay",
    "hàng",
    "he",
    "hi",
    "hì",
    "hơi",
    "lâu",
    "lớp",
    "luôn",
    "mãi",
    "mau",
    "năm",
    "ngày",
    "người",
    "nhà",
    "nhanh",
    "nhiều",
    "nhỏ",
    "nơi",
    "rầm",
    "sáng",
    "tháng",
    "thường",
    "tối",
    "trắng",
    "trưa",
    "từ",
    "tuần",
    "vàng",
    "vui",
    "vù",
    "xa",
    "xanh",
    "xinh",
];

pub(crate) fn is_reduplication(word: &str) -> bool {
    let chars: Vec<char> = word.chars().collect();
    REDUPLICATIONS.contains(&syllable::fold_word(&chars).as_str())
}

/// The same word twice in a row, apart from good reduplications.
pub(crate) fn doubled(out: &mut Out, words: &[Word]) {
    let text = out.text;
    for pair in words.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if a.chars.len() != b.chars.len() {
            continue;
        }
        let gap = &text[a.end..b.start];
        if gap.is_empty()
            || !gap
                .chars()
                .all(|c| c == ' ' || c == '\t' || c == '\n' || c == '\r')
            || gap.matches('\n').count() > 1
        {
            continue;
        }
        let fa = syllable::fold_word(&a.chars);
        if fa != syllable::fold_word(&b.chars) || fa.chars().count() < 2 && fa.is_ascii() {
            continue;
        }
        if REDUPLICATIONS.contains(&fa.as_str()) {
            continue;
        }
        out.add(
            "doubled_word",
            Severity::Warning,
            a.start,
            b.end,
            Some(text[a.start..a.end].to_string()),
        );
    }
}

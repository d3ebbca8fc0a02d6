//! Rules about single characters: NFC, the eth that looks like Đ, invisible and
//! control characters, no-break spaces, and mixed ellipsis styles.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use super::{Out, Severity, syllable};

/// Characters that take space on no screen but change how text compares.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'
            | '\u{200C}'
            | '\u{200D}'
            | '\u{2060}'
            | '\u{FEFF}'
            | '\u{00AD}'
            | '\u{180E}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
    )
}

pub(crate) fn is_nbsp(c: char) -> bool {
    matches!(c, '\u{00A0}' | '\u{202F}' | '\u{2007}')
}

/// Text not in NFC: one finding from the first to the last word that changes.
/// Splitting at ASCII whitespace is safe: none of it composes with a neighbour.
pub(crate) fn nfc(out: &mut Out) {
    let text = out.text;
    if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        return;
    }
    let mut first = None;
    let mut last = 0;
    let mut start = 0;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if matches!(c, ' ' | '\t' | '\n' | '\r') {
            let word = &text[start..i];
            if !word.is_ascii() && !word.nfc().eq(word.chars()) {
                first.get_or_insert(start);
                last = i;
            }
            start = i + c.len_utf8();
        }
    }
    if let Some(s) = first {
        // NFC, with any mark it cannot join to a letter put right.
        let fixed = super::words::composed(&text[s..last]);
        out.add("nfc", Severity::Error, s, last, Some(fixed));
    }
}

fn is_letter_or_space(c: Option<char>) -> bool {
    c.is_none_or(|c| c.is_alphanumeric() || c.is_whitespace())
}

/// Eth, invisible, control characters, no-break spaces, ellipses.
pub(crate) fn scan(out: &mut Out) {
    let text = out.text;
    if text.is_ascii()
        && !text
            .bytes()
            .any(|b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
    {
        ellipses(out);
        return;
    }
    let mut it = text.char_indices().peekable();
    let mut prev: Option<char> = None;
    while let Some((i, c)) = it.next() {
        if is_invisible(c) {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = it.peek() {
                if !is_invisible(d) {
                    break;
                }
                end = j + d.len_utf8();
                it.next();
            }
            let next = text[end..].chars().next();
            // A joiner between two emoji or symbols builds one picture; leave it.
            let joins_symbols = text[i..end]
                .chars()
                .all(|d| matches!(d, '\u{200D}' | '\u{200C}'))
                && !is_letter_or_space(prev)
                && !is_letter_or_space(next);
            if !joins_symbols {
                out.add("invisible", Severity::Warning, i, end, Some(String::new()));
            }
            prev = text[..end].chars().next_back();
            continue;
        }
        if is_nbsp(c) {
            out.add(
                "nbsp",
                Severity::Info,
                i,
                i + c.len_utf8(),
                Some(" ".into()),
            );
        } else if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
            out.add(
                "control",
                Severity::Warning,
                i,
                i + c.len_utf8(),
                Some(String::new()),
            );
        } else if matches!(c, 'Ð' | 'ð') {
            eth(out, i, c);
        }
        prev = Some(c);
    }
    ellipses(out);
}

/// "Ð" (U+00D0, Icelandic eth) where a Vietnamese word wants "Đ" (U+0110);
/// an Icelandic name keeps its letter.
fn eth(out: &mut Out, i: usize, c: char) {
    let text = out.text;
    let start = text[..i]
        .char_indices()
        .rev()
        .take_while(|(_, d)| d.is_alphabetic())
        .last()
        .map_or(i, |(k, _)| k);
    let end = text[i..]
        .char_indices()
        .find(|(_, d)| !d.is_alphabetic())
        .map_or(text.len(), |(k, _)| i + k);
    let fix = if c == 'Ð' { 'Đ' } else { 'đ' };
    let word: Vec<char> = text[start..end]
        .chars()
        .map(|d| match d {
            'Ð' => 'Đ',
            'ð' => 'đ',
            d => d,
        })
        .collect();
    if syllable::parse(&word).is_some() {
        out.add(
            "eth",
            Severity::Error,
            i,
            i + c.len_utf8(),
            Some(fix.to_string()),
        );
    }
}

/// "…" and "..." in the same text: point at the first of the rarer kind.
fn ellipses(out: &mut Out) {
    let text = out.text;
    let one = text
        .match_indices('…')
        .map(|(i, _)| (i, i + '…'.len_utf8()));
    let mut three = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'.' {
            let s = i;
            while i < b.len() && b[i] == b'.' {
                i += 1;
            }
            if i - s == 3 {
                three.push((s, i));
            }
        } else {
            i += 1;
        }
    }
    let one: Vec<_> = one.collect();
    if one.is_empty() || three.is_empty() {
        return;
    }
    let (s, e, fix) = if one.len() < three.len() {
        (one[0].0, one[0].1, "...")
    } else {
        (three[0].0, three[0].1, "…")
    };
    out.add("ellipsis_mixed", Severity::Info, s, e, Some(fix.into()));
}

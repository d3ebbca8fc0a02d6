//! Spacing and punctuation (house style, reference section 4): one space between
//! words, none before , . ; : ! ? and one after, brackets and quotes hugging
//! their content. Numbers (1.000, 2,5, 10:30), URLs and ellipses are left alone.

use super::{Out, Severity};

const STOPS: [char; 6] = [',', '.', ';', ':', '!', '?'];

/// Abbreviations after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "tr", "tp", "ts", "ths", "gs", "pgs", "bs", "ks", "ls", "nxb", "tt", "st", "vs", "etc", "vv",
    "đ", "ng", "cn", "tx", "sđd", "q", "p", "x", "h", "mr", "mrs", "ms", "dr", "no", "op",
];

fn is_space(c: char) -> bool {
    c == ' ' || c == '\u{00A0}'
}

/// The whitespace-delimited token around byte `i`.
fn token_at(text: &str, i: usize) -> &str {
    let s = text[..i]
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(k, c)| k + c.len_utf8());
    let e = text[i..]
        .char_indices()
        .find(|(_, c)| c.is_whitespace())
        .map_or(text.len(), |(k, _)| i + k);
    &text[s..e]
}

fn looks_like_address(tok: &str) -> bool {
    tok.contains("://")
        || tok.contains("www.")
        || tok.contains('@')
        || tok.contains('=')
        || tok.contains('&')
        || tok.contains('/')
}

pub(crate) fn check(out: &mut Out) {
    let text = out.text;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = |k: usize| chars.get(k).map(|e| e.1);
    let mut k = 0;
    while k < chars.len() {
        let (i, c) = chars[k];
        // A run of spaces: doubled, before a stop, or inside brackets.
        if is_space(c) {
            let s = k;
            while at(k).is_some_and(is_space) {
                k += 1;
            }
            let (start, end) = (chars[s].0, chars.get(k).map_or(text.len(), |e| e.0));
            let before = s.checked_sub(1).and_then(&at);
            let after = at(k);
            let inside_line = before.is_some_and(|b| !b.is_whitespace())
                && after.is_some_and(|a| !a.is_whitespace());
            if !inside_line {
                continue;
            }
            let (b, a) = (before.unwrap_or(' '), after.unwrap_or(' '));
            let next = at(k + 1);
            if STOPS.contains(&a) && !matches!(b, '(' | '[' | '“' | '"' | '\'') {
                let ellipsis = a == '.' && next == Some('.');
                let number = matches!(a, '.' | ',') && next.is_some_and(|n| n.is_ascii_digit());
                let score = a == ':'
                    && b.is_ascii_digit()
                    && text[end + 1..]
                        .trim_start()
                        .starts_with(|n: char| n.is_ascii_digit());
                let emoticon =
                    matches!(a, ':' | ';') && matches!(next, Some(')' | '(' | '-' | 'D' | 'P'));
                if !(ellipsis || number || score || emoticon) {
                    out.add(
                        "punct_space",
                        Severity::Warning,
                        start,
                        end,
                        Some(String::new()),
                    );
                    continue;
                }
            }
            if matches!(b, '(' | '[' | '“') || matches!(a, ')' | ']' | '”') {
                out.add(
                    "bracket_space",
                    Severity::Warning,
                    start,
                    end,
                    Some(String::new()),
                );
                continue;
            }
            if k - s >= 2 && chars[s..k].iter().all(|e| e.1 == ' ') {
                out.add(
                    "doubled_space",
                    Severity::Warning,
                    start,
                    end,
                    Some(" ".into()),
                );
            }
            continue;
        }
        if STOPS.contains(&c) && at(k + 1).is_some_and(char::is_alphabetic) {
            let prev = k.checked_sub(1).and_then(&at);
            if missing_space(text, &chars, k, prev) {
                let e = i + c.len_utf8();
                out.add(
                    "punct_missing_space",
                    Severity::Warning,
                    i,
                    e,
                    Some(format!("{c} ")),
                );
            }
        }
        k += 1;
    }
}

/// Is the letter right after the stop at `chars[k]` a missing space?
fn missing_space(text: &str, chars: &[(usize, char)], k: usize, prev: Option<char>) -> bool {
    let (i, c) = chars[k];
    if looks_like_address(token_at(text, i)) {
        return false;
    }
    let Some(prev) = prev else {
        return false;
    };
    if prev.is_whitespace() || STOPS.contains(&prev) {
        return false;
    }
    if c != '.' {
        return true;
    }
    // After a full stop only "xong.Sau" is sure: a lowercase word before, a
    // capitalised word after; "TP.HCM", "v.v", "baotinh.vn" are not sentences.
    let word_before: String = chars[..k]
        .iter()
        .rev()
        .take_while(|e| e.1.is_alphabetic())
        .map(|e| e.1)
        .collect();
    let word_after: Vec<char> = chars[k + 1..]
        .iter()
        .take_while(|e| e.1.is_alphabetic())
        .map(|e| e.1)
        .collect();
    let lower_before =
        word_before.chars().any(char::is_lowercase) && word_before.chars().count() >= 2;
    let abbreviation = ABBREVIATIONS.contains(
        &word_before
            .chars()
            .rev()
            .collect::<String>()
            .to_lowercase()
            .as_str(),
    );
    let capitalised_after = word_after.len() >= 2
        && word_after[0].is_uppercase()
        && word_after[1..].iter().all(|c| c.is_lowercase());
    lower_before && !abbreviation && capitalised_after
}

/// Does a sentence begin at byte `pos` (text start, after . ? ! and a space, or
/// after a blank line)? Opening quotes and brackets in between are skipped.
pub(crate) fn at_sentence_start(text: &str, pos: usize) -> bool {
    let mut before = text[..pos].chars().rev().peekable();
    let mut newlines = 0;
    let mut spaced = false;
    while let Some(&c) = before.peek() {
        if c == '\n' {
            newlines += 1;
        } else if c.is_whitespace() {
            spaced = true;
        } else if matches!(
            c,
            '“' | '"' | '\'' | '‘' | '(' | '[' | '«' | '-' | '–' | '—' | '•' | '*'
        ) && !spaced
            && newlines == 0
        {
            // an opening mark glued to the word
        } else {
            break;
        }
        before.next();
    }
    let Some(c) = before.next() else {
        return true;
    };
    if newlines >= 2 {
        return true;
    }
    if !(spaced || newlines > 0) || !matches!(c, '.' | '?' | '!') {
        return false;
    }
    // "…", "...", "v.v." and "TP." do not end a sentence.
    let rest: String = before
        .take_while(|c| !c.is_whitespace())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if c == '.' {
        if rest.ends_with('.') || rest.contains('.') {
            return false;
        }
        let w = rest
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        if ABBREVIATIONS.contains(&w.as_str()) || w.chars().count() == 1 {
            return false;
        }
    }
    true
}

/// Could a sentence begin at byte `pos`? The lenient twin of `at_sentence_start`,
/// for names whose listed form starts lower case ("ngân sách nhà nước"): a capital
/// there is wrong only in mid-sentence, after a word, a number or a comma.
pub(crate) fn maybe_sentence_start(text: &str, pos: usize) -> bool {
    // After a hashtag ("#tintuc Ngân sách…") a caption often starts again.
    let before = text[..pos].trim_end();
    if before
        .rsplit(char::is_whitespace)
        .next()
        .is_some_and(|w| w.starts_with('#') && w.len() > 1)
    {
        return true;
    }
    let mut newline = false;
    for c in text[..pos].chars().rev() {
        if c == '\n' {
            newline = true;
        } else if c.is_whitespace() || matches!(c, '“' | '"' | '\'' | '‘' | '(' | '[' | '«') {
            continue;
        } else {
            return newline
                || !(c.is_alphanumeric()
                    || matches!(c, ',' | ';' | ':' | '-' | '–' | '—' | '/' | '&'));
        }
    }
    true
}

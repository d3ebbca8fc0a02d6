//! SubRip and WebVTT, read leniently where a file is only untidy (a missing or
//! garbled SRT index, cue settings, markup, no blank line between two cues) and
//! refused, with the line to fix, where it is wrong: a bad timing, an end before
//! its start, bytes that are not UTF-8 (a legacy TCVN3, VNI or Windows-1258 file
//! must be refused, not shown as mojibake), control characters, a file too large.
//! Cues come out in the file's order; the checker reports overlaps.

use unicode_normalization::UnicodeNormalization;

use super::{Cue, Format, ParseError};

/// The largest file read (1 MiB): an hour of dense subtitles is about 100 KB.
pub const MAX_BYTES: usize = 1024 * 1024;
/// The most cues read from one file.
pub const MAX_CUES: usize = 5000;
/// Characters of the offending text kept in an error.
const DETAIL_CHARS: usize = 60;
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// `s` trimmed and cut to [`DETAIL_CHARS`] characters (the last one an ellipsis
/// when cut), with control characters written as `\u{…}` so they can be seen.
fn detail(s: &str) -> String {
    let shown: String = s
        .trim()
        .chars()
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() && c != '\t' {
                c.escape_unicode().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect();
    if shown.chars().count() <= DETAIL_CHARS {
        return shown;
    }
    let mut cut: String = shown.chars().take(DETAIL_CHARS - 1).collect();
    cut.push('…');
    cut
}

fn error(line: usize, code: &'static str, text: &str) -> ParseError {
    ParseError {
        line,
        code,
        detail: detail(text),
    }
}

/// WebVTT when the file opens with "WEBVTT" (after an optional BOM), else SubRip.
pub fn detect(bytes: &[u8]) -> Format {
    let b = bytes.strip_prefix(BOM).unwrap_or(bytes);
    match b.strip_prefix(b"WEBVTT") {
        Some(rest) if matches!(rest.first(), None | Some(b' ' | b'\t' | b'\n' | b'\r')) => {
            Format::Vtt
        }
        _ => Format::Srt,
    }
}

/// Reads a subtitle file's bytes: UTF-8 (with or without a BOM), SRT or WebVTT.
pub fn parse(bytes: &[u8]) -> Result<Vec<Cue>, ParseError> {
    if bytes.len() > MAX_BYTES {
        return Err(too_large_bytes(bytes.len()));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| not_utf8(bytes, e.valid_up_to()))?;
    match detect(bytes) {
        Format::Srt => parse_srt(text),
        Format::Vtt => parse_vtt(text),
    }
}

fn too_large_bytes(len: usize) -> ParseError {
    error(1, "subs-too-large", &format!("{len} bytes"))
}

/// The refusal of a file whose bytes stop being UTF-8 at `at`: the line there
/// (CR, LF and CRLF each end a line), shown as well as it can be.
fn not_utf8(bytes: &[u8], at: usize) -> ParseError {
    let before = &bytes[..at];
    let breaks = before
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count();
    let start = before
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |i| i + 1);
    let end = bytes[at..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(bytes.len(), |i| at + i);
    error(
        breaks + 1,
        "subs-not-utf8",
        &String::from_utf8_lossy(&bytes[start..end]),
    )
}

/// The text with its BOM removed and every line ending made "\n", after the
/// checks every file passes: size, no control characters, not empty.
fn prepare(text: &str) -> Result<String, ParseError> {
    if text.len() > MAX_BYTES {
        return Err(too_large_bytes(text.len()));
    }
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    for (i, line) in text.split('\n').enumerate() {
        // C0 (NUL included), DEL and C1: never in a subtitle; C1 is often the
        // trace of a legacy file decoded as Latin-1.
        if line.chars().any(|c| c.is_control() && c != '\t') {
            return Err(error(i + 1, "subs-control-char", line));
        }
    }
    if text.trim().is_empty() {
        return Err(error(1, "subs-empty", ""));
    }
    Ok(text)
}

/// Reads SubRip text.
pub fn parse_srt(text: &str) -> Result<Vec<Cue>, ParseError> {
    let text = prepare(text)?;
    let lines: Vec<&str> = text.split('\n').collect();
    read_cues(&lines, 0, false)
}

/// Reads WebVTT text: the "WEBVTT" line, its header, then cues; NOTE, STYLE and
/// REGION blocks are skipped, cue identifiers and cue settings ignored.
pub fn parse_vtt(text: &str) -> Result<Vec<Cue>, ParseError> {
    let text = prepare(text)?;
    let lines: Vec<&str> = text.split('\n').collect();
    let first = lines[0];
    let header_ok = first
        .strip_prefix("WEBVTT")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']));
    if !header_ok {
        return Err(error(1, "subs-bad-header", first));
    }
    // The header runs to the first blank line (or, in an untidy file, to the
    // first timing line).
    let body = lines
        .iter()
        .position(|l| l.trim().is_empty() || l.contains("-->"))
        .unwrap_or(lines.len());
    read_cues(&lines, body, true)
}

/// A cue being read: its timing and the line it is on, then its text lines.
struct Open<'a> {
    start_ms: i64,
    end_ms: i64,
    text: Vec<&'a str>,
}

impl Open<'_> {
    fn close(self, vtt: bool) -> Cue {
        let text = self
            .text
            .iter()
            .map(|l| strip_markup(l, vtt))
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.trim().to_string())
            .collect::<Vec<_>>()
            .join("\n");
        Cue {
            start_ms: self.start_ms,
            end_ms: self.end_ms,
            text: text.nfc().collect(),
            draft: false,
            confidence: None,
        }
    }
}

/// Reads the cues of `lines` from index `from`. A cue is an optional index (or
/// WebVTT identifier), a timing line and text lines up to a blank line; a
/// timing line inside the text starts the next cue (a number just above it is
/// that cue's index).
fn read_cues(lines: &[&str], from: usize, vtt: bool) -> Result<Vec<Cue>, ParseError> {
    let mut cues = Vec::new();
    let mut open: Option<Open> = None;
    let mut i = from;
    while i < lines.len() {
        let line = lines[i].trim();
        if let Some(cue) = open.as_mut() {
            if line.is_empty() {
                cues.extend(open.take().map(|c| c.close(vtt)));
                i += 1;
                continue;
            }
            if timing(line).is_none() {
                cue.text.push(line);
                i += 1;
                continue;
            }
            if cue.text.last().is_some_and(|l| is_index(l)) {
                cue.text.pop();
            }
            cues.extend(open.take().map(|c| c.close(vtt)));
            // Read again as the start of a cue, below.
        }
        if line.is_empty() {
            i += 1;
            continue;
        }
        if vtt && is_skipped_block(line) {
            while i < lines.len() && !lines[i].trim().is_empty() {
                i += 1;
            }
            continue;
        }
        let at = timing_line(lines, i);
        let Some((start_ms, end_ms)) = timing(lines[at].trim()) else {
            return Err(error(
                at + 1,
                "subs-bad-timing",
                lines.get(at).unwrap_or(&""),
            ));
        };
        if end_ms < start_ms {
            return Err(error(at + 1, "subs-end-before-start", lines[at]));
        }
        if cues.len() == MAX_CUES {
            return Err(error(
                at + 1,
                "subs-too-large",
                &format!("{} cues", MAX_CUES + 1),
            ));
        }
        open = Some(Open {
            start_ms,
            end_ms,
            text: Vec::new(),
        });
        i = at + 1;
    }
    cues.extend(open.map(|c| c.close(vtt)));
    if cues.is_empty() {
        return Err(error(1, "subs-empty", lines.first().unwrap_or(&"")));
    }
    Ok(cues)
}

/// A WebVTT block that holds no cue: a comment, a style sheet, a region.
fn is_skipped_block(line: &str) -> bool {
    ["NOTE", "STYLE", "REGION"].iter().any(|k| {
        line.strip_prefix(k)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
    }) && !line.contains("-->")
}

/// An SRT index: digits only.
fn is_index(line: &str) -> bool {
    !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit())
}

/// Where the timing of the cue starting at `i` is (or should be): line `i`,
/// or the next one when line `i` is an index or identifier.
fn timing_line(lines: &[&str], i: usize) -> usize {
    let cur = lines[i].trim();
    let next = lines.get(i + 1).map(|l| l.trim()).unwrap_or("");
    let looks = |l: &str| {
        l.contains("-->") || (l.starts_with(|c: char| c.is_ascii_digit()) && l.contains(':'))
    };
    if cur.contains("-->") {
        i
    } else if next.contains("-->") {
        i + 1
    } else if looks(cur) {
        i
    } else if !next.is_empty() && (looks(next) || is_index(cur)) {
        i + 1
    } else {
        i
    }
}

/// The start and end of a timing line `start --> end [settings]`, in ms.
fn timing(line: &str) -> Option<(i64, i64)> {
    let (a, b) = line.split_once("-->")?;
    let start = timestamp(a.trim())?;
    let end = timestamp(b.split_whitespace().next()?)?;
    Some((start, end))
}

/// `[H…:]MM:SS(.|,)mmm` in ms (1 to 3 digits of fraction; hours up to 5 digits).
fn timestamp(s: &str) -> Option<i64> {
    let (clock, frac) = s.rsplit_once(['.', ','])?;
    let digits = |x: &str, max: usize| {
        (!x.is_empty() && x.len() <= max && x.bytes().all(|b| b.is_ascii_digit()))
            .then(|| x.parse::<i64>().ok())
            .flatten()
    };
    let f = digits(frac, 3)? * 10i64.pow(3 - frac.len() as u32);
    let parts: Vec<&str> = clock.split(':').collect();
    let (h, m, sec) = match parts.as_slice() {
        [m, s] => (0, digits(m, 2)?, digits(s, 2)?),
        [h, m, s] => (digits(h, 5)?, digits(m, 2)?, digits(s, 2)?),
        _ => return None,
    };
    (m < 60 && sec < 60).then_some(((h * 60 + m) * 60 + sec) * 1000 + f)
}

/// A text line without its markup: HTML-like tags (`<i>`, `<font …>`, WebVTT's
/// `<v Name>`, `<c.class>`, `<00:00:01.000>`) and ASS overrides (`{\an8}`); in
/// WebVTT, character references (`&amp;`…) decoded.
fn strip_markup(line: &str, vtt: bool) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        let skip = match c {
            '<' => tag_len(rest),
            '{' if rest[1..].starts_with('\\') => rest.find('}').map(|e| e + 1),
            '&' if vtt => entity(rest).map(|(ch, len)| {
                out.push(ch);
                len
            }),
            _ => None,
        };
        let len = skip.unwrap_or_else(|| {
            out.push(c);
            c.len_utf8()
        });
        rest = &rest[len..];
    }
    out
}

/// The length of the tag `s` opens with: `<` then a letter, `/`, or a WebVTT
/// timestamp, up to `>`. "a < b" and "<3" are text.
fn tag_len(s: &str) -> Option<usize> {
    let close = s.find('>')?;
    let inner = &s[1..close];
    let first = inner.chars().next()?;
    let ok = if first.is_ascii_digit() {
        timestamp(inner).is_some()
    } else {
        first.is_ascii_alphabetic() || first == '/'
    };
    (ok && !inner.contains('<')).then_some(close + 1)
}

/// The character and length of the WebVTT character reference `s` opens with.
fn entity(s: &str) -> Option<(char, usize)> {
    // ';' is ASCII, so its index is a character boundary.
    let end = s.bytes().take(12).position(|b| b == b';')?;
    let name = &s[1..end];
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "nbsp" => '\u{A0}',
        "lrm" => '\u{200E}',
        "rlm" => '\u{200F}',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code).filter(|c| !c.is_control())?
        }
    };
    Some((c, end + 1))
}

/// `ms` as `HH:MM:SS` + `sep` + `mmm` (negative times written as zero).
fn clock(ms: i64, sep: char) -> String {
    let ms = ms.max(0);
    let (h, m, s, f) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    format!("{h:02}:{m:02}:{s:02}{sep}{f:03}")
}

/// The cue's non-empty lines (a blank line would end the cue in both formats).
fn lines_of(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n').map(str::trim).filter(|l| !l.is_empty())
}

/// The cues as SubRip, numbered from 1.
pub fn to_srt(cues: &[Cue]) -> String {
    let mut out = String::new();
    for (i, c) in cues.iter().enumerate() {
        out.push_str(&format!(
            "{}\n{} --> {}\n",
            i + 1,
            clock(c.start_ms, ','),
            clock(c.end_ms, ',')
        ));
        for l in lines_of(&c.text) {
            out.push_str(l);
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

/// The cues as WebVTT (`&`, `<` and `>` written as character references).
pub fn to_vtt(cues: &[Cue]) -> String {
    let mut out = String::from("WEBVTT\n\n");
    for c in cues {
        out.push_str(&format!(
            "{} --> {}\n",
            clock(c.start_ms, '.'),
            clock(c.end_ms, '.')
        ));
        for l in lines_of(&c.text) {
            let escaped = l
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            out.push_str(&escaped);
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;

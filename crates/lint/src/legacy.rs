//! Vietnamese text from the 8-bit era pasted as if it were Windows-1252: TCVN3
//! (ABC, the .VnTime fonts), VNI-Windows (VNI-Times) and VISCII, plus words typed
//! with VNI keystrokes while the Vietnamese keyboard was off ("Vie65t").
//!
//! Detection is by evidence, never by a single odd character: a word counts only
//! when it is not Vietnamese as it stands and becomes real Vietnamese syllables
//! once converted. The converted text is offered as a suggestion; nothing is
//! converted silently.

use super::syllable::{self, HOI, HUYEN, NANG, NGA, SAC, lower, upper};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    Tcvn3,
    Vni,
    Viscii,
}

impl Encoding {
    pub fn rule(self) -> &'static str {
        match self {
            Encoding::Tcvn3 => "legacy_tcvn3",
            Encoding::Vni => "legacy_vni",
            Encoding::Viscii => "legacy_viscii",
        }
    }
}

/// TCVN3 bytes 0xA1..=0xFF as Unicode ('\0': the byte means itself or is not a
/// letter). Generated with `iconv -f TCVN5712-1 -t UTF-8`, one byte at a time;
/// the combining marks at 0xB0..=0xB4 are left out because the .VnTime fonts
/// do not use them and they would turn "°" into a tone.
const TCVN3: [char; 95] = [
    'Ă', 'Â', 'Ê', 'Ô', 'Ơ', 'Ư', 'Đ', 'ă', 'â', 'ê', 'ô', 'ơ', 'ư', 'đ', 'Ằ', '\0', //
    '\0', '\0', '\0', '\0', 'à', 'ả', 'ã', 'á', 'ạ', 'Ẳ', 'ằ', 'ẳ', 'ẵ', 'ắ', 'Ẵ', 'Ắ', //
    'Ầ', 'Ẩ', 'Ẫ', 'Ấ', 'Ề', 'ặ', 'ầ', 'ẩ', 'ẫ', 'ấ', 'ậ', 'è', 'Ể', 'ẻ', 'ẽ', 'é', //
    'ẹ', 'ề', 'ể', 'ễ', 'ế', 'ệ', 'ì', 'ỉ', 'Ễ', 'Ế', 'Ồ', 'ĩ', 'í', 'ị', 'ò', 'Ổ', //
    'ỏ', 'õ', 'ó', 'ọ', 'ồ', 'ổ', 'ỗ', 'ố', 'ộ', 'ờ', 'ở', 'ỡ', 'ớ', 'ợ', 'ù', 'Ỗ', //
    'ủ', 'ũ', 'ú', 'ụ', 'ừ', 'ử', 'ữ', 'ứ', 'ự', 'ỳ', 'ỷ', 'ỹ', '\0', 'ỵ', 'Ố', //
];

/// VISCII bytes 0x80..=0xFF, from `iconv -f VISCII -t UTF-8`.
const VISCII: [char; 128] = [
    'Ạ', 'Ắ', 'Ằ', 'Ặ', 'Ấ', 'Ầ', 'Ẩ', 'Ậ', 'Ẽ', 'Ẹ', 'Ế', 'Ề', 'Ể', 'Ễ', 'Ệ', 'Ố', //
    'Ồ', 'Ổ', 'Ỗ', 'Ộ', 'Ợ', 'Ớ', 'Ờ', 'Ở', 'Ị', 'Ỏ', 'Ọ', 'Ỉ', 'Ủ', 'Ũ', 'Ụ', 'Ỳ', //
    'Õ', 'ắ', 'ằ', 'ặ', 'ấ', 'ầ', 'ẩ', 'ậ', 'ẽ', 'ẹ', 'ế', 'ề', 'ể', 'ễ', 'ệ', 'ố', //
    'ồ', 'ổ', 'ỗ', 'Ỡ', 'Ơ', 'ộ', 'ờ', 'ở', 'ị', 'Ự', 'Ứ', 'Ừ', 'Ử', 'ơ', 'ớ', 'Ư', //
    'À', 'Á', 'Â', 'Ã', 'Ả', 'Ă', 'ẳ', 'ẵ', 'È', 'É', 'Ê', 'Ẻ', 'Ì', 'Í', 'Ĩ', 'ỳ', //
    'Đ', 'ứ', 'Ò', 'Ó', 'Ô', 'ạ', 'ỷ', 'ừ', 'ử', 'Ù', 'Ú', 'ỹ', 'ỵ', 'Ý', 'ỡ', 'ư', //
    'à', 'á', 'â', 'ã', 'ả', 'ă', 'ữ', 'ẫ', 'è', 'é', 'ê', 'ẻ', 'ì', 'í', 'ĩ', 'ỉ', //
    'đ', 'ự', 'ò', 'ó', 'ô', 'õ', 'ỏ', 'ọ', 'ụ', 'ù', 'ú', 'ũ', 'ủ', 'ý', 'ợ', 'Ữ', //
];

/// VISCII also puts six capitals in control positions.
const VISCII_C0: [(u8, char); 6] = [
    (0x02, 'Ẳ'),
    (0x05, 'Ẵ'),
    (0x06, 'Ẫ'),
    (0x14, 'Ỷ'),
    (0x19, 'Ỹ'),
    (0x1E, 'Ỵ'),
];

/// Windows-1252 bytes 0x80..=0x9F; the five undefined ones come through as C1 controls.
const CP1252_80: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}',
    '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

/// The byte a char came from when a legacy file was read as Windows-1252 (or Latin-1).
fn byte_of(c: char) -> Option<u8> {
    let u = c as u32;
    if u <= 0xFF {
        return Some(u as u8);
    }
    CP1252_80
        .iter()
        .position(|&x| x == c)
        .map(|i| 0x80 + i as u8)
}

fn tcvn3(c: char) -> Option<char> {
    let u = c as u32;
    if (0xA1..=0xFF).contains(&u) {
        let m = TCVN3[(u - 0xA1) as usize];
        (m != '\0').then_some(m)
    } else {
        None
    }
}

fn viscii(c: char) -> Option<char> {
    let b = byte_of(c)?;
    let m = if b >= 0x80 {
        VISCII[usize::from(b - 0x80)]
    } else {
        VISCII_C0.iter().find(|e| e.0 == b)?.1
    };
    (m != c).then_some(m)
}

/// VNI mark characters that follow a base vowel: (modifier, tone), modifier
/// 'c' circumflex, 'b' breve, ' ' none.
fn vni_mark(c: char) -> Option<(char, u8)> {
    Some(match lower(c) {
        'ù' => (' ', SAC),
        'ø' => (' ', HUYEN),
        'û' => (' ', HOI),
        'õ' => (' ', NGA),
        'ï' => (' ', NANG),
        'â' => ('c', 0),
        'á' => ('c', SAC),
        'à' => ('c', HUYEN),
        'å' => ('c', HOI),
        'ã' => ('c', NGA),
        'ä' => ('c', NANG),
        'ê' => ('b', 0),
        'é' => ('b', SAC),
        'è' => ('b', HUYEN),
        'ú' => ('b', HOI),
        'ü' => ('b', NGA),
        'ë' => ('b', NANG),
        _ => return None,
    })
}

/// VNI letters that stand alone.
fn vni_single(c: char) -> Option<char> {
    let m = match lower(c) {
        'ô' => 'ơ',
        'ö' => 'ư',
        'ñ' => 'đ',
        'æ' => 'ỉ',
        'ó' => 'ĩ',
        'ò' => 'ị',
        'î' => 'ỵ',
        _ => return None,
    };
    Some(if lower(c) != c { upper(m) } else { m })
}

fn vni_decode(s: &str) -> String {
    let mut out: Vec<char> = Vec::with_capacity(s.len());
    for c in s.chars() {
        if let Some(m) = vni_single(c) {
            out.push(m);
            continue;
        }
        if let (Some((modifier, tone)), Some(&prev)) = (vni_mark(c), out.last())
            && let Some((base, 0)) = syllable::vowel(prev)
        {
            let modified = match (modifier, base) {
                (' ', b) => Some(b),
                ('c', 'a') => Some('â'),
                ('c', 'e') => Some('ê'),
                ('c', 'o') => Some('ô'),
                ('b', 'a') => Some('ă'),
                _ => None,
            };
            if let Some(b) = modified {
                let m = syllable::with_tone(b, tone);
                let is_upper = lower(prev) != prev;
                out.pop();
                out.push(if is_upper { upper(m) } else { m });
                continue;
            }
        }
        out.push(c);
    }
    out.into_iter().collect()
}

/// `s` read in the encoding.
pub(crate) fn decode(enc: Encoding, s: &str) -> String {
    match enc {
        Encoding::Tcvn3 => s.chars().map(|c| tcvn3(c).unwrap_or(c)).collect(),
        Encoding::Viscii => s.chars().map(|c| viscii(c).unwrap_or(c)).collect(),
        Encoding::Vni => vni_decode(s),
    }
}

/// Could `text` hold legacy text at all? A cheap gate in front of the real work.
fn maybe_legacy(text: &str) -> bool {
    text.bytes()
        .any(|b| b >= 0x80 || matches!(b, 0x02 | 0x05 | 0x06 | 0x14 | 0x19 | 0x1E))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    /// The encoding leaves the token as it is.
    Unchanged,
    /// Not Vietnamese now, real syllables once converted.
    Evidence,
    /// Vietnamese either way ("cã" is TCVN3 "có" but also spells a syllable).
    Ambiguous,
    /// Converting would not give Vietnamese.
    Incompatible,
}

fn classify(enc: Encoding, tok: &str) -> (Class, usize) {
    let conv = decode(enc, tok);
    if conv == tok {
        return (Class::Unchanged, 0);
    }
    let letters = conv.chars().filter(|c| c.is_alphabetic()).count();
    if letters == 0 || !syllable::all_runs_valid(&conv) {
        return (Class::Incompatible, letters);
    }
    // VISCII's Đ is byte 0xD0, the eth "Ð": alone it is the eth rule's business.
    let only_eth = enc == Encoding::Viscii
        && tok
            .chars()
            .zip(conv.chars())
            .all(|(a, b)| a == b || matches!(a, 'Ð' | 'ð'));
    if only_eth || syllable::all_runs_valid(tok) {
        (Class::Ambiguous, letters)
    } else {
        (Class::Evidence, letters)
    }
}

/// One stretch of legacy text and its conversion.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Span {
    pub rule: &'static str,
    pub start: usize,
    pub end: usize,
    pub suggestion: String,
}

/// Tokens between ASCII whitespace (not U+00A0, which is "Õ" in VISCII).
fn tokens(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, b) in text.bytes().enumerate() {
        let ws = matches!(b, b' ' | b'\t' | b'\n' | b'\r');
        match (ws, start) {
            (true, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// The legacy-encoded stretches of `text`, in the one encoding with the most evidence.
pub(crate) fn detect(text: &str, new_style: bool) -> Vec<Span> {
    let mut out = if maybe_legacy(text) {
        detect_8bit(text)
    } else {
        Vec::new()
    };
    out.extend(detect_vni_keys(text, &out, new_style));
    out
}

/// Each encoding proposes its stretches (runs of tokens it can read, from the
/// first to the last word of evidence); where they overlap, the stretch with more
/// evidence wins, so a TCVN3 line and a VNI line in one text are both found.
fn detect_8bit(text: &str) -> Vec<Span> {
    let toks = tokens(text);
    // Evidence needs a word that is not Vietnamese as it stands; most texts have none.
    let suspect = |&(s, e): &(usize, usize)| {
        let tok: &str = &text[s..e];
        (!tok.is_ascii() || tok.bytes().any(|b| b < 0x20)) && !syllable::all_runs_valid(tok)
    };
    if !toks.iter().any(suspect) {
        return Vec::new();
    }
    let mut proposals: Vec<(usize, usize, Span)> = Vec::new();
    for (rank, enc) in [Encoding::Tcvn3, Encoding::Vni, Encoding::Viscii]
        .into_iter()
        .enumerate()
    {
        let classes: Vec<(Class, usize)> = toks
            .iter()
            .map(|&(s, e)| {
                let tok = &text[s..e];
                if tok.is_ascii() && !tok.bytes().any(|b| b < 0x20) {
                    (Class::Unchanged, 0)
                } else {
                    classify(enc, tok)
                }
            })
            .collect();
        let mut i = 0;
        while i < classes.len() {
            // A group of tokens the encoding can read, holding some evidence.
            let g = i;
            while i < classes.len() && classes[i].0 != Class::Incompatible {
                i += 1;
            }
            let group = g..i;
            i += 1;
            let evidence: Vec<usize> = group
                .clone()
                .filter(|&k| classes[k].0 == Class::Evidence)
                .collect();
            let (Some(&e0), Some(&e1)) = (evidence.first(), evidence.last()) else {
                continue;
            };
            // One lone evidence word of a single letter is too little to go on.
            if evidence.len() < 2 && classes[e0].1 < 2 {
                continue;
            }
            // Words readable both ways right next to the evidence belong to the paste.
            let (mut first, mut last) = (e0, e1);
            while first > group.start && classes[first - 1].0 == Class::Ambiguous {
                first -= 1;
            }
            while last + 1 < group.end && classes[last + 1].0 == Class::Ambiguous {
                last += 1;
            }
            let (start, end) = (toks[first].0, toks[last].1);
            let mut suggestion = decode(enc, &text[start..end]);
            if enc == Encoding::Tcvn3 {
                suggestion = vntime_capitals(&text[start..end], &suggestion);
            }
            let span = Span {
                rule: enc.rule(),
                start,
                end,
                suggestion,
            };
            proposals.push((evidence.len(), rank, span));
        }
    }
    proposals.sort_by_key(|p| (std::cmp::Reverse(p.0), p.1, p.2.start));
    let mut chosen: Vec<Span> = Vec::new();
    for (_, _, span) in proposals {
        if !chosen
            .iter()
            .any(|c| span.start < c.end && c.start < span.end)
        {
            chosen.push(span);
        }
    }
    chosen.sort_by_key(|s| s.start);
    chosen
}

/// The .VnTimeH fonts draw capitals at the lowercase positions, so "VIÖT NAM"
/// is "VIỆT NAM": where the ASCII letters around are all capitals, so is the
/// converted letter.
fn vntime_capitals(orig: &str, conv: &str) -> String {
    let all_caps = |s: &str| {
        let mut n = 0;
        for c in s.chars().filter(|c| c.is_ascii_alphabetic()) {
            if c.is_ascii_lowercase() {
                return false;
            }
            n += 1;
        }
        n >= 2
    };
    if all_caps(orig) {
        return conv.chars().map(upper).collect();
    }
    let mut out = String::with_capacity(conv.len());
    let mut oi = orig.split(' ');
    for (k, word) in conv.split(' ').enumerate() {
        if k > 0 {
            out.push(' ');
        }
        match oi.next() {
            Some(o) if all_caps(o) => out.extend(word.chars().map(upper)),
            _ => out.push_str(word),
        }
    }
    out
}

/// Words typed with VNI keystrokes while the Vietnamese keyboard was off:
/// "Vie65t Nam", "ngu7o7i2". A digit must follow a vowel or end the word, and the
/// result must be a real syllable; a word like "H2O", "U23" or "CO2" never is.
fn detect_vni_keys(text: &str, taken: &[Span], new_style: bool) -> Vec<Span> {
    if !text.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut strong = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let s = i;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        // A word glued to non-ASCII letters is something else.
        let glued = text[i..].chars().next().is_some_and(char::is_alphabetic)
            || text[..s]
                .chars()
                .next_back()
                .is_some_and(char::is_alphabetic);
        if glued || taken.iter().any(|t| t.start < i && s < t.end) {
            continue;
        }
        if let Some((word, inner)) = vni_keys_word(&text[s..i], new_style) {
            strong |= inner;
            found.push(Span {
                rule: "vni_keystrokes",
                start: s,
                end: i,
                suggestion: word,
            });
        }
    }
    // Digits only at the end of one word could be a code; ask for more.
    if strong || found.len() >= 2 {
        found
    } else {
        Vec::new()
    }
}

/// The word spelled by VNI keystrokes, and whether a digit sat inside the word.
fn vni_keys_word(tok: &str, new_style: bool) -> Option<(String, bool)> {
    let b = tok.as_bytes();
    if !b[0].is_ascii_alphabetic() || !b.iter().any(u8::is_ascii_digit) || b.contains(&b'0') {
        return None;
    }
    let letters = b.iter().filter(|c| c.is_ascii_alphabetic()).count();
    let has_lower = b.iter().any(u8::is_ascii_lowercase);
    let trailing = b.iter().rev().take_while(|c| c.is_ascii_digit()).count();
    if letters < 2 || (!has_lower && trailing > 0) {
        return None;
    }
    let mut chars: Vec<char> = Vec::new();
    let mut tone = 0;
    let mut inner = false;
    for (k, &c) in b.iter().enumerate() {
        if c.is_ascii_alphabetic() {
            chars.push(char::from(c));
            continue;
        }
        let at_end = k >= b.len() - trailing;
        let prev_vowel = chars.last().is_some_and(|&p| syllable::vowel(p).is_some())
            || b[k - 1].is_ascii_digit();
        if !at_end {
            inner = true;
        }
        if !(at_end || prev_vowel) {
            return None;
        }
        let modify = |chars: &mut Vec<char>, from: &[char], to: &[char]| -> Option<()> {
            let i = chars.iter().rposition(|&x| from.contains(&lower(x)))?;
            let j = from.iter().position(|&f| f == lower(chars[i]))?;
            let up = lower(chars[i]) != chars[i];
            chars[i] = if up { upper(to[j]) } else { to[j] };
            Some(())
        };
        match c {
            b'1'..=b'5' => {
                if tone != 0 {
                    return None;
                }
                tone = [SAC, HUYEN, HOI, NGA, NANG][usize::from(c - b'1')];
            }
            b'6' => modify(&mut chars, &['a', 'e', 'o'], &['â', 'ê', 'ô'])?,
            b'7' => {
                let lw: Vec<char> = chars.iter().map(|&x| lower(x)).collect();
                if let Some(p) = lw.windows(2).rposition(|w| w == ['u', 'o']) {
                    chars[p] = if lw[p] != chars[p] { 'Ư' } else { 'ư' };
                    chars[p + 1] = if lw[p + 1] != chars[p + 1] {
                        'Ơ'
                    } else {
                        'ơ'
                    };
                } else {
                    modify(&mut chars, &['o', 'u'], &['ơ', 'ư'])?;
                }
            }
            b'8' => modify(&mut chars, &['a'], &['ă'])?,
            b'9' => modify(&mut chars, &['d'], &['đ'])?,
            _ => return None,
        }
    }
    let mut syl = syllable::parse(&chars)?;
    syl.tone = tone;
    // Half-typed words ("Vie6t", no tone yet) are still recognisable.
    if !syl.strictly_valid(true) {
        return None;
    }
    Some((syl.placed(&chars, new_style).into_iter().collect(), inner))
}

/// For a file that is not UTF-8: which legacy encoding its bytes look like, and
/// a command that converts it.
pub fn guess_bytes(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    let text: String = bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => CP1252_80[usize::from(b - 0x80)],
            b => char::from(b),
        })
        .collect();
    let spans = detect_8bit(&text);
    Some(match spans.first()?.rule {
        "legacy_tcvn3" => ("TCVN3 (ABC)", "iconv -f TCVN5712-1 -t UTF-8 FILE"),
        "legacy_viscii" => ("VISCII", "iconv -f VISCII -t UTF-8 FILE"),
        _ => ("VNI Windows", "Unikey Toolkit (VNI Windows → Unicode)"),
    })
}

/// Unicode to TCVN3 as it looks when pasted (the inverse of `decode`), for
/// tests and the benchmark's generated pastes. Letters TCVN3 lacks stay as they are.
pub(crate) fn encode_tcvn3(s: &str) -> String {
    s.chars()
        .map(|c| {
            TCVN3
                .iter()
                .position(|&m| m == c)
                .and_then(|i| char::from_u32(0xA1 + i as u32))
                .unwrap_or(c)
        })
        .collect()
}

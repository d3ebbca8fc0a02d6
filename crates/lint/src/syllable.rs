//! The structure of one written Vietnamese syllable: initial consonant, vowel
//! cluster, final consonant and tone (reference section 2). The tone-mark rules,
//! the legacy-encoding detector and the name matcher all lean on it, so it knows
//! nothing about findings.

use std::sync::LazyLock;

/// Tones, in the order of the rows below: 0 level (ngang), 1 huyền, 2 sắc,
/// 3 hỏi, 4 ngã, 5 nặng.
pub(crate) const HUYEN: u8 = 1;
pub(crate) const SAC: u8 = 2;
pub(crate) const HOI: u8 = 3;
pub(crate) const NGA: u8 = 4;
pub(crate) const NANG: u8 = 5;

const ROWS: [[char; 6]; 12] = [
    ['a', 'à', 'á', 'ả', 'ã', 'ạ'],
    ['ă', 'ằ', 'ắ', 'ẳ', 'ẵ', 'ặ'],
    ['â', 'ầ', 'ấ', 'ẩ', 'ẫ', 'ậ'],
    ['e', 'è', 'é', 'ẻ', 'ẽ', 'ẹ'],
    ['ê', 'ề', 'ế', 'ể', 'ễ', 'ệ'],
    ['i', 'ì', 'í', 'ỉ', 'ĩ', 'ị'],
    ['o', 'ò', 'ó', 'ỏ', 'õ', 'ọ'],
    ['ô', 'ồ', 'ố', 'ổ', 'ỗ', 'ộ'],
    ['ơ', 'ờ', 'ớ', 'ở', 'ỡ', 'ợ'],
    ['u', 'ù', 'ú', 'ủ', 'ũ', 'ụ'],
    ['ư', 'ừ', 'ứ', 'ử', 'ữ', 'ự'],
    ['y', 'ỳ', 'ý', 'ỷ', 'ỹ', 'ỵ'],
];

/// A Vietnamese vowel letter: its lowercase form, toneless lowercase base, tone.
#[derive(Clone, Copy)]
struct VowelInfo {
    lower: char,
    base: char,
    tone: u8,
}

/// Direct lookup tables for the two blocks that hold every Vietnamese vowel:
/// U+0000..U+01FF and U+1E00..U+1EFF. Hot: every letter of every word goes here.
struct Vowels {
    low: [Option<VowelInfo>; 0x200],
    high: [Option<VowelInfo>; 0x100],
}

static VOWELS: LazyLock<Vowels> = LazyLock::new(|| {
    let mut t = Vowels {
        low: [None; 0x200],
        high: [None; 0x100],
    };
    for row in ROWS {
        for (tone, &c) in row.iter().enumerate() {
            let info = VowelInfo {
                lower: c,
                base: row[0],
                tone: tone as u8,
            };
            let mut up = c.to_uppercase();
            let upper = match (up.next(), up.next()) {
                (Some(u), None) => Some(u),
                _ => None,
            };
            for ch in std::iter::once(c).chain(upper) {
                let u = ch as usize;
                match u {
                    0..0x200 => t.low[u] = Some(info),
                    0x1E00..0x1F00 => t.high[u - 0x1E00] = Some(info),
                    _ => {}
                }
            }
        }
    }
    t
});

fn vowel_info(c: char) -> Option<VowelInfo> {
    let u = c as usize;
    match u {
        0..0x200 => VOWELS.low[u],
        0x1E00..0x1F00 => VOWELS.high[u - 0x1E00],
        _ => None,
    }
}

/// The lowercase toneless base and the tone of a Vietnamese vowel letter.
pub(crate) fn vowel(c: char) -> Option<(char, u8)> {
    vowel_info(c).map(|v| (v.base, v.tone))
}

/// A letter, quickly for the Latin blocks Vietnamese lives in.
pub(crate) fn is_letter(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' => true,
        '\0'..='\u{7F}' => false,
        'À'..='ÿ' => c != '×' && c != '÷',
        '\u{100}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}' => true,
        _ => c.is_alphabetic(),
    }
}

/// The lowercase vowel `base` (toneless) carrying `tone`.
pub(crate) fn with_tone(base: char, tone: u8) -> char {
    ROWS.iter()
        .find(|r| r[0] == base)
        .map_or(base, |r| r[usize::from(tone.min(5))])
}

fn is_vowel_base(c: char) -> bool {
    matches!(
        c,
        'a' | 'ă' | 'â' | 'e' | 'ê' | 'i' | 'o' | 'ô' | 'ơ' | 'u' | 'ư' | 'y'
    )
}

fn is_consonant(c: char) -> bool {
    matches!(
        c,
        'b' | 'c'
            | 'd'
            | 'đ'
            | 'g'
            | 'h'
            | 'k'
            | 'l'
            | 'm'
            | 'n'
            | 'p'
            | 'q'
            | 'r'
            | 's'
            | 't'
            | 'v'
            | 'x'
    )
}

/// A lowercase letter when `c` lowercases to exactly one char.
pub(crate) fn lower(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if let Some(v) = vowel_info(c) {
        return v.lower;
    }
    if c == 'Đ' {
        return 'đ';
    }
    let mut l = c.to_lowercase();
    match (l.next(), l.next()) {
        (Some(x), None) => x,
        _ => c,
    }
}

pub(crate) fn upper(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_uppercase();
    }
    let mut u = c.to_uppercase();
    match (u.next(), u.next()) {
        (Some(x), None) => x,
        _ => c,
    }
}

/// The length of the initial consonant (gi and qu are handled by the caller).
fn initial_len(b: &[char]) -> Option<usize> {
    Some(match b {
        ['n', 'g', 'h', ..] => 3,
        ['n', 'g' | 'h', ..] | ['c' | 'g' | 'k' | 'p' | 't', 'h', ..] | ['t', 'r', ..] => 2,
        [
            'b' | 'c' | 'd' | 'đ' | 'g' | 'h' | 'k' | 'l' | 'm' | 'n' | 'p' | 'r' | 's' | 't' | 'v'
            | 'x',
            ..,
        ] => 1,
        _ => return None,
    })
}

fn is_final(b: &[char]) -> bool {
    matches!(
        b,
        [] | ['c'] | ['c', 'h'] | ['m'] | ['n'] | ['n', 'g'] | ['n', 'h'] | ['p'] | ['t']
    )
}

/// Whether a vowel cluster may stand open (no final consonant) and closed.
/// Clusters ending in a glide, and the open diphthongs ia, ua, ưa, take no
/// final; ă, â, iê, uô, ươ and their kin need one.
fn cluster_fits(n: &[char], closed: bool) -> bool {
    let either = matches!(
        n,
        ['a' | 'e' | 'ê' | 'i' | 'o' | 'ô' | 'ơ' | 'u' | 'ư' | 'y']
            | ['o', 'a']
            | ['o', 'e']
            | ['u', 'ê']
            | ['u', 'y']
    );
    if either {
        return true;
    }
    if closed {
        matches!(
            n,
            ['ă']
                | ['â']
                | ['i', 'ê']
                | ['y', 'ê']
                | ['u', 'ô']
                | ['ư', 'ơ']
                | ['o', 'ă']
                | ['u', 'â']
                | ['u', 'y', 'ê']
                | ['o', 'o']
        )
    } else {
        matches!(
            n,
            ['a', 'i' | 'o' | 'u' | 'y']
                | ['â', 'u' | 'y']
                | ['e', 'o']
                | ['ê', 'u']
                | ['i', 'a' | 'u']
                | ['o' | 'ô' | 'ơ', 'i']
                | ['u', 'a' | 'i' | 'ơ']
                | ['ư', 'a' | 'i' | 'u']
                | ['i' | 'y', 'ê', 'u']
                | ['o', 'a', 'i' | 'o' | 'y']
                | ['o', 'e', 'o']
                | ['u', 'â', 'y']
                | ['u', 'ô', 'i']
                | ['ư', 'ơ', 'i' | 'u']
                | ['u', 'y', 'a' | 'u']
        )
    }
}

/// One parsed syllable. Indices are in chars of the word it came from.
#[derive(Debug, Clone)]
pub(crate) struct Syllable {
    /// Lowercase letters with the tone removed (`len` of them; a syllable has at most 8).
    bases: [char; 8],
    len: usize,
    pub initial: usize,
    pub nucleus_end: usize,
    pub tone: u8,
}

impl Syllable {
    pub fn bases(&self) -> &[char] {
        &self.bases[..self.len]
    }
    pub fn nucleus(&self) -> &[char] {
        &self.bases[self.initial..self.nucleus_end]
    }
    pub fn coda(&self) -> &[char] {
        &self.bases[self.nucleus_end..self.len]
    }
    pub fn closed(&self) -> bool {
        self.nucleus_end < self.len
    }

    /// True for the open oa, oe, uy where the two house styles disagree.
    pub fn style_sensitive(&self) -> bool {
        !self.closed() && matches!(self.nucleus(), ['o', 'a'] | ['o', 'e'] | ['u', 'y'])
    }

    /// The char index where the tone mark belongs (algorithm of section 2).
    pub fn tone_slot(&self, new_style: bool) -> usize {
        let n = self.nucleus();
        let i = if let Some(i) = n.iter().position(|&c| c == 'ơ') {
            i
        } else if let Some(i) = n
            .iter()
            .position(|&c| matches!(c, 'ă' | 'â' | 'ê' | 'ô' | 'ư'))
        {
            i
        } else if self.closed() {
            n.len() - 1
        } else if n.len() >= 3 || (new_style && self.style_sensitive()) {
            // The middle of three; the second of oa, oe, uy in the new style.
            1
        } else {
            0
        };
        self.initial + i
    }

    /// The word spelled with the tone at its place for the style, keeping the
    /// case of each position of `word`.
    pub fn placed(&self, word: &[char], new_style: bool) -> Vec<char> {
        let slot = self.tone_slot(new_style);
        self.bases()
            .iter()
            .enumerate()
            .map(|(i, &b)| {
                let t = if i == slot { self.tone } else { 0 };
                let c = if is_vowel_base(b) { with_tone(b, t) } else { b };
                match word.get(i) {
                    Some(&o) if lower(o) != o => upper(c),
                    _ => c,
                }
            })
            .collect()
    }

    /// Spelling rules a real syllable keeps beyond its shape: c/k/q, g/gh, ng/ngh,
    /// ch/nh after a, ê, i, y only, and only sắc or nặng before c, ch, p, t.
    pub fn strictly_valid(&self, allow_toneless_stop: bool) -> bool {
        let n = self.nucleus();
        let first = n.first().copied().unwrap_or('a');
        let front = matches!(first, 'i' | 'e' | 'ê' | 'y');
        let ok_initial = match &self.bases[..self.initial] {
            ['k'] => front,
            ['c'] => !front,
            ['g', 'h'] | ['n', 'g', 'h'] => matches!(first, 'i' | 'e' | 'ê'),
            ['g'] => !matches!(first, 'e' | 'ê'),
            ['n', 'g'] => !matches!(first, 'i' | 'e' | 'ê'),
            _ => true,
        };
        let coda = self.coda();
        let last = n.last().copied().unwrap_or('a');
        let ok_coda = match coda {
            ['c', 'h'] | ['n', 'h'] => matches!(last, 'a' | 'ê' | 'i' | 'y'),
            _ => true,
        };
        let stop = matches!(coda, ['c'] | ['c', 'h'] | ['p'] | ['t']);
        let ok_tone = !stop
            || self.tone == SAC
            || self.tone == NANG
            || (allow_toneless_stop && self.tone == 0);
        ok_initial && ok_coda && ok_tone
    }
}

/// Parses one word (NFC chars, any case) as a syllable by its shape.
pub(crate) fn parse(word: &[char]) -> Option<Syllable> {
    if word.is_empty() || word.len() > 8 {
        return None;
    }
    let mut bases = ['\0'; 8];
    let len = word.len();
    let mut tone = 0;
    for (i, &c) in word.iter().enumerate() {
        if let Some((b, t)) = vowel(c) {
            if t != 0 {
                if tone != 0 {
                    return None;
                }
                tone = t;
            }
            bases[i] = b;
        } else {
            let l = lower(c);
            if !is_consonant(l) {
                return None;
            }
            bases[i] = l;
        }
    }
    let b = &bases[..len];
    let vowel_at = |i: usize| b.get(i).is_some_and(|&c| is_vowel_base(c));
    let initial = if matches!(b, ['g', 'i', ..] | ['q', 'u', ..]) && vowel_at(2) {
        2
    } else if b[0] == 'q' {
        return None;
    } else if is_vowel_base(b[0]) {
        0
    } else {
        initial_len(b)?
    };
    let mut nucleus_end = initial;
    while vowel_at(nucleus_end) {
        nucleus_end += 1;
    }
    if nucleus_end == initial {
        return None;
    }
    let coda = &b[nucleus_end..];
    if !is_final(coda) || !cluster_fits(&b[initial..nucleus_end], !coda.is_empty()) {
        return None;
    }
    Some(Syllable {
        bases,
        len,
        initial,
        nucleus_end,
        tone,
    })
}

/// True when every alphabetic run of `s` is a real syllable; vacuously true when
/// `s` has no letters.
pub(crate) fn all_runs_valid(s: &str) -> bool {
    let mut run = ['\0'; 9];
    let mut n = 0;
    for c in s.chars().chain(std::iter::once(' ')) {
        if is_letter(c) {
            if n == run.len() {
                return false;
            }
            run[n] = c;
            n += 1;
        } else if n > 0 {
            match parse(&run[..n]) {
                Some(syl) if syl.strictly_valid(false) => n = 0,
                _ => return false,
            }
        }
    }
    true
}

/// Lowercase, and the tone of open oa/oe/uy moved to the old-style place, so that
/// "Uỷ" and "ủy" compare equal. Keeps the number of chars.
pub(crate) fn fold_word(word: &[char]) -> String {
    if word.iter().all(char::is_ascii) {
        return word.iter().map(|c| c.to_ascii_lowercase()).collect();
    }
    let lowered: Vec<char> = word.iter().map(|&c| lower(c)).collect();
    match parse(&lowered) {
        Some(s) if s.tone != 0 && s.style_sensitive() => {
            s.placed(&lowered, false).into_iter().collect()
        }
        _ => lowered.into_iter().collect(),
    }
}

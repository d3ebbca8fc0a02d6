//! `lantoa-bench lint`: the Vietnamese text lint over a generated corpus of
//! captions with injected mistakes.

use std::time::Instant;

/// The tests' seeded generator (xorshift64*), shared: every run lints the same
/// corpus (and `survey` answers the same way).
#[allow(dead_code)]
#[path = "../../lantoa/tests/api/rng.rs"]
pub(crate) mod rng;
use rng::Rng;

/// An index below `len` (0 when there is nothing to pick from).
fn index(rng: &mut Rng, len: usize) -> usize {
    rng.below(len.max(1) as u64) as usize
}

/// The kinds of error the generated corpus injects, with the rule expected to catch each.
const INJECTED: [(&str, &str); 12] = [
    ("misplaced tone mark", "tone_placement"),
    ("other tone style", "tone_style"),
    ("doubled word", "doubled_word"),
    ("doubled space", "doubled_space"),
    ("space before comma", "punct_space"),
    ("NFD", "nfc"),
    ("TCVN3 paste", "legacy_tcvn3"),
    ("official name in lower case", "capitalisation"),
    ("Cyrillic letter", "lookalike"),
    ("zero-width space", "invisible"),
    ("unit capitalised before a place", "admin_unit"),
    ("detached tone mark", "detached_mark"),
];

/// Correct words and the misplaced spellings a hurried typist produces.
const MISPLACED: [(&str, &str); 8] = [
    ("lượng", "lựơng"),
    ("toàn", "tòan"),
    ("bảo", "baỏ"),
    ("của", "cuả"),
    ("nghiệm", "nghịêm"),
    ("hoàn", "hòan"),
    ("được", "đựơc"),
    ("quá", "qúa"),
];

/// Injects error `kind` into `s`; None when `s` offers no place for it.
fn inject(s: &str, kind: usize, rng: &mut Rng) -> Option<String> {
    use unicode_normalization::UnicodeNormalization;
    // A random plain word of `s` that `ok` accepts: (byte offset, word).
    let pick_word = |rng: &mut Rng, ok: &dyn Fn(&str) -> bool| {
        let ws: Vec<(usize, &str)> = s
            .split(' ')
            .scan(0, |at, w| {
                let r = (*at, w);
                *at += w.len() + 1;
                Some(r)
            })
            .filter(|(_, w)| w.len() > 2 && w.chars().all(char::is_alphabetic) && ok(w))
            .collect();
        (!ws.is_empty()).then(|| ws[index(rng, ws.len())])
    };
    let any = |_: &str| true;
    match kind {
        0 => {
            let found: Vec<_> = MISPLACED.iter().filter(|(ok, _)| s.contains(ok)).collect();
            let (ok, bad) = found.get(index(rng, found.len().max(1)))?;
            Some(s.replacen(ok, bad, 1))
        }
        1 => ["hòa", "hóa", "thủy", "khỏe", "Ủy"]
            .iter()
            .zip(["hoà", "hoá", "thuỷ", "khoẻ", "Uỷ"])
            .find(|(old, _)| s.contains(*old))
            .map(|(old, new)| s.replacen(old, new, 1)),
        2 => {
            let (at, w) = pick_word(rng, &|w| !lantoa::lint::is_reduplication(w))?;
            Some(format!("{}{w} {}", &s[..at], &s[at..]))
        }
        3 => {
            let (at, _) = pick_word(rng, &any)?;
            (at > 0).then(|| format!("{} {}", &s[..at], &s[at..]))
        }
        4 => s
            .find(", ")
            .map(|i| format!("{} ,{}", &s[..i], &s[i + 1..])),
        5 => Some(s.nfd().collect()),
        6 => Some(lantoa::lint::legacy_encode_tcvn3(&s.to_lowercase())),
        7 => [
            "Ủy ban nhân dân tỉnh",
            "Quốc hội",
            "Tỉnh ủy",
            "Sở Y tế",
            "Chính phủ",
        ]
        .iter()
        .find(|n| s.contains(*n))
        .map(|n| s.replacen(n, &n.to_lowercase(), 1)),
        8 => {
            let (at, w) = pick_word(rng, &|w| w.contains(['o', 'a']))?;
            let k = w.find('o').or_else(|| w.find('a'))?;
            let twin = if w.as_bytes()[k] == b'o' { "о" } else { "а" };
            Some(format!("{}{twin}{}", &s[..at + k], &s[at + k + 1..]))
        }
        9 => {
            let (at, w) = pick_word(rng, &any)?;
            Some(format!(
                "{}\u{200B}{}",
                &s[..at + w.len()],
                &s[at + w.len()..]
            ))
        }
        10 => [
            ("xã Tân", "Xã Tân"),
            ("phường Hòa", "Phường Hòa"),
            ("huyện Đại", "Huyện Đại"),
            ("tỉnh Thái", "Tỉnh Thái"),
            ("thị xã Phổ", "Thị xã Phổ"),
        ]
        .iter()
        .find(|(unit, _)| s.contains(&format!(" {unit}")))
        .map(|(unit, capital)| s.replacen(&format!(" {unit}"), &format!(" {capital}"), 1)),
        _ => {
            // A toned vowel typed with its tone once more, as a combining mark.
            let tones = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
            let toned: Vec<(usize, char, char)> = s
                .char_indices()
                .filter_map(|(i, c)| {
                    let tone = std::iter::once(c).nfd().find(|d| tones.contains(d))?;
                    Some((i, c, tone))
                })
                .collect();
            let (i, c, tone) = *toned.get(index(rng, toned.len().max(1)))?;
            let end = i + c.len_utf8();
            Some(format!("{}{tone}{}", &s[..end], &s[end..]))
        }
    }
}

/// `n` captions of one to three sentences from the correct corpus; about half
/// carry one injected error: (caption, injected kind).
fn lint_corpus(n: usize) -> Vec<(String, Option<usize>)> {
    let sentences: Vec<String> = lantoa::lint::corpus::CORRECT
        .iter()
        .flat_map(|t| t.split_inclusive(". "))
        .map(|s| s.trim().to_string())
        .filter(|s| s.chars().count() > 20)
        .collect();
    let mut rng = Rng::new(0x9E37_79B9_7F4A_7C15);
    (0..n)
        .map(|_| {
            let k = 1 + index(&mut rng, 3);
            let caption = (0..k)
                .map(|_| sentences[index(&mut rng, sentences.len())].as_str())
                .collect::<Vec<_>>()
                .join(" ");
            if index(&mut rng, 2) == 0 {
                return (caption, None);
            }
            let kind = index(&mut rng, INJECTED.len());
            match inject(&caption, kind, &mut rng) {
                Some(c) if c != caption => (c, Some(kind)),
                _ => (caption, None),
            }
        })
        .collect()
}

/// Entry point of `lantoa bench lint`: captions per second on one core against
/// a baseline that only NFC-normalises and splits the same captions into words.
pub fn lint(captions: usize) {
    use lantoa::lint::{Rules, ToneStyle, lint};
    use std::hint::black_box;
    use unicode_normalization::UnicodeNormalization;

    let corpus = lint_corpus(captions.max(1));
    let bytes: usize = corpus.iter().map(|c| c.0.len()).sum();
    println!(
        "{} generated captions ({:.1} KiB, {} with one injected error), one thread",
        corpus.len(),
        bytes as f64 / 1024.0,
        corpus.iter().filter(|c| c.1.is_some()).count()
    );
    let rules = Rules::seeded(ToneStyle::Old);
    let baseline = || {
        let t = Instant::now();
        let mut words = 0;
        for (c, _) in &corpus {
            let n: String = black_box(c).nfc().collect();
            words += n.split_whitespace().count();
        }
        black_box(words);
        t.elapsed().as_secs_f64()
    };
    let linted = || {
        let t = Instant::now();
        let mut found = 0;
        for (c, _) in &corpus {
            found += lint(black_box(c), &rules).len();
        }
        black_box(found);
        t.elapsed().as_secs_f64()
    };
    // Interleaved rounds, best of each, so a noisy neighbour hurts both alike.
    let (mut base, mut full) = (f64::MAX, f64::MAX);
    for _ in 0..3 {
        base = base.min(baseline());
        full = full.min(linted());
    }
    let n = corpus.len() as f64;
    println!();
    println!(
        "  {:<44} {:>12.0} captions/s  ({:.2} µs each)",
        "baseline: NFC + split into words",
        n / base,
        base / n * 1e6
    );
    println!(
        "  {:<44} {:>12.0} captions/s  ({:.2} µs each)",
        "lantoa lint (every rule, seeded lists)",
        n / full,
        full / n * 1e6
    );
    println!(
        "  {:<44} {:>12.1}×",
        "lint time / baseline time",
        full / base
    );

    // What the rules caught, per injected kind, and what they flagged on clean captions.
    let mut caught = [(0usize, 0usize); INJECTED.len()];
    let mut clean_flagged = 0;
    let mut clean = 0;
    let mut clean_rules: std::collections::BTreeMap<String, usize> = Default::default();
    for (c, kind) in &corpus {
        let fs = lint(c, &rules);
        match kind {
            Some(k) => {
                caught[*k].1 += 1;
                if fs.iter().any(|f| f.rule == INJECTED[*k].1) {
                    caught[*k].0 += 1;
                }
            }
            None => {
                clean += 1;
                if fs.iter().any(|f| !f.political) {
                    clean_flagged += 1;
                }
                for f in fs.iter().filter(|f| !f.political) {
                    *clean_rules.entry(f.rule.clone()).or_default() += 1;
                }
            }
        }
    }
    println!();
    println!("  injected error                   caught by its rule");
    for ((name, rule), (hit, all)) in INJECTED.iter().zip(caught) {
        println!("  {:<32} {hit:>5} / {all:<5} ({rule})", name);
    }
    println!(
        "  {:<32} {clean_flagged:>5} / {clean:<5} (anything but watch-list terms)",
        "clean captions flagged"
    );
    // Sentences of different texts side by side can truly mix styles (… and ...).
    for (rule, n) in &clean_rules {
        println!("  {:<32} {n:>5} findings", format!("  of which {rule}"));
    }
    let fp: usize = lantoa::lint::corpus::CORRECT
        .iter()
        .map(|t| lint(t, &rules).iter().filter(|f| !f.political).count())
        .sum();
    println!(
        "  {:<32} {fp:>5} in {} texts",
        "false positives, correct corpus",
        lantoa::lint::corpus::CORRECT.len()
    );
}

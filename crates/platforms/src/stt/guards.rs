//! What Whisper makes up, dropped before a person reviews the draft: text
//! over silence, its decoder's own failure signs, repetition loops, and the
//! stock sentences it learned from YouTube subtitles. Every segment comes
//! back, the dropped ones with the reason ([`why`]), so the caller can say
//! how many went and why.
//!
//! Thresholds are Whisper's own (openai/whisper `transcribe()`, repeated by
//! faster-whisper): a segment whose `compression_ratio` is over 2.4 failed
//! (a repetition loop compresses well); `no_speech_prob` over 0.6 with
//! `avg_logprob` under -1.0 is silence. The stock sentences are those
//! reported from Whisper's output on silence and music: "Hãy subscribe cho
//! kênh La La School Để không bỏ lỡ những video hấp dẫn" and "Hãy đăng kí cho
//! kênh …" (m-bain/whisperX#1086, every model size), "… Ghiền Mì Gõ …"
//! (the same outro, other channels' name), "Subtitles by the Amara.org
//! community", "Thanks for watching" (openai/whisper discussions on
//! hallucinations).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::Segment;

/// Why a segment was dropped.
pub mod why {
    /// No text.
    pub const EMPTY: &str = "empty";
    /// Its times lie outside the clip (or end before they start).
    pub const OUTSIDE: &str = "outside";
    /// A stock sentence Whisper makes up.
    pub const HALLUCINATION: &str = "hallucination";
    /// The same one to four words over and over.
    pub const LOOP: &str = "loop";
    /// Whisper's own sign of a repetition loop (`compression_ratio` > 2.4).
    pub const COMPRESSION: &str = "compression";
    /// Whisper's own sign of no speech.
    pub const NO_SPEECH: &str = "no_speech";
    /// Mostly over a stretch the media check found silent.
    pub const SILENCE: &str = "silence";
    /// The previous segment's text again.
    pub const DUPLICATE: &str = "duplicate";
}

/// A subtitle cue drafted from a segment, or dropped with the reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Drafted {
    pub start_ms: i64,
    pub end_ms: i64,
    pub text: String,
    /// exp(avg_logprob), 0–1; 0.5 when the server gave no score.
    pub confidence: f32,
    /// Why it was dropped (one of [`why`]); `None`: kept.
    pub dropped: Option<&'static str>,
}

/// Whisper's thresholds (see the module's sources).
const COMPRESSION_MAX: f64 = 2.4;
const NO_SPEECH_MIN: f64 = 0.6;
const LOGPROB_MIN: f64 = -1.0;
/// A run of the same n-gram this long is a loop, not speech.
const LOOP_RUNS: usize = 4;
/// Words a segment may hold besides a soft stock phrase and still be it.
const STOCK_SLACK_WORDS: usize = 6;

/// Stock sentences, as [`bare`] writes them. Strong ones drop a segment
/// wherever they appear in it (no news speech says them); soft ones only
/// when they are most of it ("Cảm ơn các bạn đã theo dõi" may close a
/// bulletin, but a segment of nothing else at the end of a clip is
/// Whisper's).
const STOCK: &[(&str, bool)] = &[
    ("subscribe", true),
    ("ghien mi go", true),
    ("la la school", true),
    ("amara org", true),
    ("subtitles by", true),
    ("sous titrage", true),
    ("dang ki kenh", false),
    ("dang ki cho kenh", false),
    ("cam on cac ban da theo doi", false),
    ("hen gap lai cac ban trong nhung video tiep theo", false),
    ("de khong bo lo nhung video hap dan", false),
    ("thanks for watching", false),
    ("thank you for watching", false),
];

/// Lower case, punctuation to spaces, spaces collapsed: the text compared
/// for repeats (tones kept: "má" and "mà" are different words).
fn plain(s: &str) -> String {
    let lowered: String = s
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    lowered.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// [`plain`] without tones or marks (đ → d), and `y` as `i` (Vietnamese
/// writes "đăng ký" and "đăng kí"): the text matched against [`STOCK`].
fn bare(s: &str) -> String {
    let stripped: String = s
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            'y' | 'Y' => 'i',
            c => c,
        })
        .collect();
    plain(&stripped)
}

fn is_stock(text: &str) -> bool {
    let t = bare(text);
    let words = t.split(' ').count();
    let padded = format!(" {t} ");
    STOCK.iter().any(|(phrase, strong)| {
        padded.contains(&format!(" {phrase} "))
            && (*strong || words <= phrase.split(' ').count() + STOCK_SLACK_WORDS)
    })
}

/// Whether the same one to four words run [`LOOP_RUNS`] times in a row.
fn loops(text: &str) -> bool {
    let p = plain(text);
    let w: Vec<&str> = p.split(' ').filter(|x| !x.is_empty()).collect();
    (1..=4).any(|n| {
        (0..w.len()).any(|i| {
            let mut runs = 1;
            while i + (runs + 1) * n <= w.len()
                && w[i + runs * n..i + (runs + 1) * n] == w[i..i + n]
            {
                runs += 1;
            }
            runs >= LOOP_RUNS
        })
    })
}

/// The silent stretches sorted and merged, so overlaps are counted once.
fn merged(silent: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut s: Vec<(f64, f64)> = silent
        .iter()
        .copied()
        .filter(|(a, b)| a.is_finite() && b.is_finite() && b > a)
        .collect();
    s.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(s.len());
    for (a, b) in s {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// How much of `[start, end]` lies in the (merged) silent stretches.
fn silent_share(start: f64, end: f64, silent: &[(f64, f64)]) -> f64 {
    let covered: f64 = silent
        .iter()
        .map(|(a, b)| (end.min(*b) - start.max(*a)).max(0.0))
        .sum();
    covered / (end - start)
}

/// Why Whisper's own scores say the segment is not speech, if they do.
fn by_scores(s: &Segment) -> Option<&'static str> {
    if s.compression_ratio.is_some_and(|c| c > COMPRESSION_MAX) {
        return Some(why::COMPRESSION);
    }
    let silent = s.no_speech_prob.is_some_and(|p| p > NO_SPEECH_MIN)
        && s.avg_logprob.is_some_and(|l| l < LOGPROB_MIN);
    silent.then_some(why::NO_SPEECH)
}

/// The first reason to drop a segment (its text trimmed, its times
/// clamped), in the order a person would give it.
fn why_dropped(
    s: &Segment,
    text: &str,
    (start, end): (f64, f64),
    silent: &[(f64, f64)],
    previous: &str,
) -> Option<&'static str> {
    let repeated = plain(text);
    if repeated.is_empty() {
        return Some(why::EMPTY);
    }
    if !(start.is_finite() && end.is_finite() && end > start) {
        return Some(why::OUTSIDE);
    }
    if is_stock(text) {
        return Some(why::HALLUCINATION);
    }
    if loops(text) {
        return Some(why::LOOP);
    }
    if let Some(r) = by_scores(s) {
        return Some(r);
    }
    if silent_share(start, end, silent) > 0.5 {
        return Some(why::SILENCE);
    }
    (repeated == previous).then_some(why::DUPLICATE)
}

fn confidence(avg_logprob: Option<f64>) -> f32 {
    avg_logprob
        .map(f64::exp)
        .filter(|c| c.is_finite())
        .map_or(0.5, |c| c.clamp(0.0, 1.0)) as f32
}

fn ms(s: f64) -> i64 {
    (s * 1000.0).round() as i64
}

/// Drafts subtitle cues from a server's segments: times clamped to the
/// clip (`duration_s`, when known), confidence from `avg_logprob`, and
/// each segment Whisper made up dropped with its reason. `silent` is the
/// media check's silent stretches, in seconds.
pub fn guard(
    segments: Vec<Segment>,
    silent: &[(f64, f64)],
    duration_s: Option<f64>,
) -> Vec<Drafted> {
    let silent = merged(silent);
    let mut previous = String::new();
    segments
        .into_iter()
        .map(|s| {
            let text = s.text.trim().to_string();
            let mut start = s.start.max(0.0);
            let mut end = s.end;
            if let Some(d) = duration_s.filter(|d| d.is_finite()) {
                start = start.min(d);
                end = end.min(d);
            }
            let repeated = plain(&text);
            let dropped = why_dropped(&s, &text, (start, end), &silent, &previous);
            if !repeated.is_empty() {
                previous = repeated;
            }
            Drafted {
                start_ms: if start.is_finite() { ms(start) } else { 0 },
                end_ms: if end.is_finite() {
                    ms(end.max(start))
                } else {
                    0
                },
                text,
                confidence: confidence(s.avg_logprob),
                dropped,
            }
        })
        .collect()
}

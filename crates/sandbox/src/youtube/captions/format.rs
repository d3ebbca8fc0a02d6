//! Whether a caption file reads as WebVTT (W3C WebVTT: the `WEBVTT`
//! signature line, cues timed `[hh:]mm:ss.ttt --> [hh:]mm:ss.ttt`, optional
//! cue settings after) or SubRip (numbered cues timed
//! `hh:mm:ss,ttt --> hh:mm:ss,ttt`). Only the timing lines are checked:
//! enough to tell a subtitle file from anything else, and a timing line
//! that does not parse from one that does.

/// The file's format (`"vtt"` or `"srt"`) and its text, if it is either.
pub fn read(file: &[u8]) -> Option<(&'static str, String)> {
    let text = std::str::from_utf8(file).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let kind = if webvtt(&text) {
        "vtt"
    } else if subrip(&text) {
        "srt"
    } else {
        return None;
    };
    Some((kind, text))
}

/// Milliseconds of a timestamp: `hh:mm:ss<sep>ttt` (hours any number of
/// digits, at least two in WebVTT) or, when `hours_optional`, `mm:ss<sep>ttt`.
fn stamp(s: &str, sep: char, hours_optional: bool) -> Option<u64> {
    let (clock, millis) = s.split_once(sep)?;
    if millis.len() != 3 || !millis.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let fields: Vec<&str> = clock.split(':').collect();
    let (h, m, sec) = match fields.as_slice() {
        [h, m, s] if h.len() >= 2 => (*h, *m, *s),
        [m, s] if hours_optional => ("0", *m, *s),
        _ => return None,
    };
    let two = |x: &str| x.len() == 2 && x.bytes().all(|b| b.is_ascii_digit());
    if !(two(m) && two(sec) && h.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let (h, m, sec): (u64, u64, u64) = (h.parse().ok()?, m.parse().ok()?, sec.parse().ok()?);
    if m > 59 || sec > 59 {
        return None;
    }
    Some(((h * 60 + m) * 60 + sec) * 1000 + millis.parse::<u64>().ok()?)
}

/// A timing line: start, `-->`, end no earlier than the start (WebVTT
/// allows cue settings after the end).
fn timing(line: &str, sep: char, hours_optional: bool, settings: bool) -> bool {
    let Some((a, rest)) = line.split_once("-->") else {
        return false;
    };
    let rest = rest.trim_start();
    let (b, after) = rest.split_once([' ', '\t']).unwrap_or((rest, ""));
    if !settings && !after.trim().is_empty() {
        return false;
    }
    match (
        stamp(a.trim(), sep, hours_optional),
        stamp(b.trim(), sep, hours_optional),
    ) {
        (Some(a), Some(b)) => b >= a,
        _ => false,
    }
}

/// Every line holding `-->` times a cue, and there is one at least.
fn cues(text: &str, ok: impl Fn(&str) -> bool) -> bool {
    let timed: Vec<&str> = text.lines().filter(|l| l.contains("-->")).collect();
    !timed.is_empty() && timed.iter().all(|l| ok(l))
}

fn webvtt(text: &str) -> bool {
    let first = text.lines().next().unwrap_or("");
    let signed = first == "WEBVTT"
        || first
            .strip_prefix("WEBVTT")
            .is_some_and(|r| r.starts_with([' ', '\t']));
    signed && cues(text, |l| timing(l, '.', true, true))
}

fn subrip(text: &str) -> bool {
    cues(text, |l| timing(l, ',', false, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webvtt_and_subrip_are_told_apart_and_anything_else_refused() {
        let vtt = "WEBVTT\n\n00:01.000 --> 00:04.000\nXin chào\n\n\
                   01:00:05.250 --> 01:00:09.000 align:start line:0\nTạm biệt\n";
        assert_eq!(read(vtt.as_bytes()).map(|r| r.0), Some("vtt"));
        let with_bom = "\u{feff}WEBVTT - bản tin\r\n\r\n00:00:01.000 --> 00:00:02.000\r\na\r\n";
        assert_eq!(read(with_bom.as_bytes()).map(|r| r.0), Some("vtt"));
        let srt =
            "1\n00:00:01,000 --> 00:00:04,000\nXin chào\n\n2\n00:00:05,000 --> 00:00:06,500\nA\n";
        assert_eq!(read(srt.as_bytes()).map(|r| r.0), Some("srt"));
        for bad in [
            "",
            "just a transcript, no times",
            "WEBVTT\n\n",
            "WEBVTTX\n\n00:01.000 --> 00:02.000\na\n",
            "WEBVTT\n\n00:01,000 --> 00:02,000\na\n",
            "WEBVTT\n\n00:04.000 --> 00:01.000\nbackwards\n",
            "WEBVTT\n\n00:61.000 --> 00:62.000\na\n",
            "1\n00:01,000 --> 00:02,000\nno hours in SubRip\n",
            "1\n00:00:01.000 --> 00:00:02.000\nSubRip uses a comma\n",
        ] {
            assert_eq!(read(bad.as_bytes()), None, "{bad:?}");
        }
        assert_eq!(read(&[0xff, 0xfe, 0x00]), None, "not UTF-8");
    }
}

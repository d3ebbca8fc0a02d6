//! What a `Range` header asks of a stored file: one byte range, read the
//! lenient way RFC 9110 allows (what the server does not understand, it
//! answers with the whole file).

/// What a `Range` header asks for (RFC 9110 §14).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RangeAsk {
    /// No range, or one the server ignores and answers with the whole file
    /// (another unit, several ranges, a malformed one).
    Whole,
    Part(std::ops::Range<u64>),
    /// A valid byte range that starts past the end: 416.
    Unsatisfiable,
}

/// One `bytes=` range (start-end, start-, or -suffix) within `size`. A last
/// position past the end, however large, means the end; a range the server
/// does not understand is ignored rather than refused.
pub fn parse_range(h: &str, size: u64) -> RangeAsk {
    let Some((unit, spec)) = h.trim().split_once('=') else {
        return RangeAsk::Whole;
    };
    if !unit.trim().eq_ignore_ascii_case("bytes") || spec.contains(',') {
        return RangeAsk::Whole;
    }
    let Some((a, b)) = spec.split_once('-') else {
        return RangeAsk::Whole;
    };
    let (a, b) = (a.trim(), b.trim());
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    // Digits too many for u64 are still a valid position, just past any file.
    let pos = |s: &str| s.parse::<u64>().unwrap_or(u64::MAX);
    let (start, end) = match (digits(a), digits(b)) {
        (false, true) if a.is_empty() => {
            let n = pos(b);
            if n == 0 {
                return RangeAsk::Unsatisfiable;
            }
            (size.saturating_sub(n), size)
        }
        (true, false) if b.is_empty() => (pos(a), size),
        (true, true) => {
            let (first, last) = (pos(a), pos(b));
            if last < first {
                return RangeAsk::Whole;
            }
            (first, last.saturating_add(1).min(size))
        }
        _ => return RangeAsk::Whole,
    };
    if start >= size || start >= end {
        return RangeAsk::Unsatisfiable;
    }
    RangeAsk::Part(start..end)
}

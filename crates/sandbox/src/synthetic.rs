//! Made-up but plausible counters for the mock platforms and the demo: what a
//! provincial newsroom's short clip might show some hours after it went out.
//! The same id always gives the same figures for the same age, so tests can
//! compute what the mocks answer, and every counter only grows with age.
//!
//! The model: views approach a peak as `peak × (1 − e^(−age/τ))`, with τ
//! between 6 and 30 hours and a peak drawn per id from a skewed range (most
//! clips get a few hundred to a few thousand views, a few get tens of
//! thousands). Posting at the morning, lunch or evening reading hours raises
//! the peak; posting at night lowers it. Every other counter is a fixed share
//! of views for that id. Shorter clips are watched to a larger share of their
//! length.

use sha2::Digest;

/// A post's counters `age_s` seconds after it went out (sandbox data,
/// labelled as such wherever it is shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Synthetic {
    pub views: u64,
    /// Distinct viewers (0.7–0.9 × views).
    pub reach: u64,
    pub likes: u64,
    pub comments: u64,
    pub shares: u64,
    pub follows: u64,
    /// Average watch per view, milliseconds (never longer than the clip).
    pub avg_watch_ms: u64,
}

/// Clip length `synthetic` assumes, seconds.
const NEUTRAL_DURATION_S: f64 = 30.0;
/// Posting hour `synthetic` assumes: mid-afternoon, neither boosted nor damped.
const NEUTRAL_HOUR: u32 = 15;

/// [`synthetic_for`] for a 30-second clip posted mid-afternoon.
pub fn synthetic(id: &str, age_s: u64) -> Synthetic {
    synthetic_for(id, age_s, NEUTRAL_DURATION_S, NEUTRAL_HOUR)
}

/// Counters of the post `id`, `age_s` seconds after it went out, for a clip of
/// `duration_s` seconds posted at `posted_hour_local` (0–23, the newsroom's
/// time zone).
pub fn synthetic_for(id: &str, age_s: u64, duration_s: f64, posted_hour_local: u32) -> Synthetic {
    let h = sha2::Sha256::digest(id.as_bytes());
    // Independent uniform draws in [0, 1), two bytes each.
    let u = |i: usize| f64::from(u16::from_be_bytes([h[2 * i], h[2 * i + 1]])) / 65_536.0;

    // Squaring the draw skews it towards modest clips: the median peak is
    // about 1,000 views, one clip in ten passes 12,000.
    let base_peak = 250.0 * 120f64.powf(u(0) * u(0));
    let peak = (base_peak * hour_factor(posted_hour_local)).min(50_000.0);
    let tau_s = (6.0 + 24.0 * u(1)) * 3_600.0;
    let views = (peak * (1.0 - (-(age_s as f64) / tau_s).exp())).floor();

    // Fixed shares of views, so every counter grows with views.
    let share = |lo: f64, hi: f64, i: usize| (views * (lo + (hi - lo) * u(i))).floor() as u64;

    let duration = if duration_s.is_finite() && duration_s > 0.0 {
        duration_s
    } else {
        NEUTRAL_DURATION_S
    };
    let watched = completion(duration) * (0.85 + 0.3 * u(7));
    let avg_s = (duration * watched).clamp(5.0_f64.min(duration), 40.0_f64.min(duration));

    Synthetic {
        views: views as u64,
        reach: share(0.7, 0.9, 2),
        likes: share(0.03, 0.06, 3),
        comments: share(0.003, 0.01, 4),
        shares: share(0.005, 0.02, 5),
        follows: share(0.001, 0.003, 6),
        avg_watch_ms: (avg_s * 1_000.0).round() as u64,
    }
}

/// How much posting at this local hour raises or lowers a clip's peak:
/// the morning, lunch and evening reading hours draw more viewers, the night
/// fewer.
fn hour_factor(hour: u32) -> f64 {
    match hour % 24 {
        6..=8 | 11..=13 | 19..=22 => 1.7,
        0..=4 => 0.6,
        _ => 1.0,
    }
}

/// The share of a clip the average view watches: about 70 % of a 15-second
/// clip, 35 % of a 90-second one (falling with the logarithm of the length).
fn completion(duration_s: f64) -> f64 {
    let c = 0.70 - 0.35 * (duration_s / 15.0).ln() / 6f64.ln();
    c.clamp(0.2, 0.95)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> impl Iterator<Item = String> {
        (0..500).map(|i| format!("clip-{i}"))
    }

    #[test]
    fn counters_never_fall_as_a_post_ages() {
        for id in ids().take(60) {
            let mut last = synthetic(&id, 0);
            assert_eq!(last.views, 0, "nothing is seen before it is out");
            for age in (0..10 * 86_400).step_by(977) {
                let s = synthetic(&id, age);
                for (now, before) in [
                    (s.views, last.views),
                    (s.reach, last.reach),
                    (s.likes, last.likes),
                    (s.comments, last.comments),
                    (s.shares, last.shares),
                    (s.follows, last.follows),
                ] {
                    assert!(now >= before, "{id} at {age}: {s:?} after {last:?}");
                }
                assert!(s.reach <= s.views && s.likes <= s.views);
                last = s;
            }
        }
    }

    #[test]
    fn growth_saturates_within_days() {
        for id in ids().take(60) {
            let day = synthetic(&id, 86_400).views as f64;
            let week = synthetic(&id, 7 * 86_400).views as f64;
            let month = synthetic(&id, 30 * 86_400).views as f64;
            // τ ≤ 30 h: after a week a clip is within 1 % of its peak.
            assert!(month - week <= 0.01 * month + 1.0, "{id}: {week} → {month}");
            assert!(day >= 0.5 * week, "{id}: {day} of {week} after a day");
        }
    }

    #[test]
    fn most_clips_are_modest_and_a_few_are_big() {
        let mut peaks: Vec<u64> = ids().map(|id| synthetic(&id, 60 * 86_400).views).collect();
        peaks.sort_unstable();
        let median = peaks[peaks.len() / 2];
        assert!((300..=3_000).contains(&median), "median {median}");
        assert!(peaks[0] >= 150 && *peaks.last().unwrap() <= 50_000);
        let big = peaks.iter().filter(|v| **v >= 10_000).count();
        assert!((5..=100).contains(&big), "{big} of 500 past 10,000");
    }

    #[test]
    fn ratios_stay_in_their_ranges() {
        for id in ids() {
            let s = synthetic(&id, 60 * 86_400);
            let v = s.views as f64;
            // Each counter is the floor of its share of views.
            let within = |x: u64, lo: f64, hi: f64| (v * lo - 1.0..=v * hi).contains(&(x as f64));
            assert!(within(s.reach, 0.7, 0.9), "{id}: {s:?}");
            assert!(within(s.likes, 0.03, 0.06), "{id}: {s:?}");
            assert!(within(s.comments, 0.003, 0.01), "{id}: {s:?}");
            assert!(within(s.shares, 0.005, 0.02), "{id}: {s:?}");
            assert!(within(s.follows, 0.001, 0.003), "{id}: {s:?}");
            assert!((5_000..=40_000).contains(&s.avg_watch_ms), "{id}: {s:?}");
        }
    }

    #[test]
    fn short_clips_are_watched_further_and_never_past_their_end() {
        let (mut short, mut long) = (0.0, 0.0);
        for id in ids() {
            let a = synthetic_for(&id, 86_400, 15.0, 15).avg_watch_ms as f64 / 15_000.0;
            let b = synthetic_for(&id, 86_400, 90.0, 15).avg_watch_ms as f64 / 90_000.0;
            short += a;
            long += b;
            assert!(a <= 1.0 && b <= 1.0);
            assert!(synthetic_for(&id, 86_400, 4.0, 15).avg_watch_ms <= 4_000);
        }
        let (short, long) = (short / 500.0, long / 500.0);
        assert!((0.6..=0.8).contains(&short), "15 s clips: {short}");
        assert!((0.28..=0.42).contains(&long), "90 s clips: {long}");
    }

    #[test]
    fn reading_hours_raise_the_peak_and_the_night_lowers_it() {
        let total = |hour| -> u64 {
            ids()
                .map(|id| synthetic_for(&id, 60 * 86_400, 30.0, hour).views)
                .sum()
        };
        let afternoon = total(15);
        assert_eq!(
            afternoon,
            ids()
                .map(|id| synthetic(&id, 60 * 86_400).views)
                .sum::<u64>()
        );
        for peak_hour in [7, 12, 20] {
            assert!(total(peak_hour) as f64 > 1.5 * afternoon as f64);
        }
        assert!((total(3) as f64) < 0.7 * afternoon as f64);
    }
}

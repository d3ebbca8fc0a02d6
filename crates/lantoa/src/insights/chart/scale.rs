//! Scales: axes on 1-2-5 steps, and values made safe to draw.

/// Values past this are not metrics; clamping keeps every coordinate finite.
const LIMIT: f64 = 1e300;

/// Ticks on 1-2-5 steps covering `lo..=hi`, which always includes 0.
pub(super) struct Axis {
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) step: f64,
    pub(super) ticks: Vec<f64>,
}

impl Axis {
    pub(super) fn new(data_lo: f64, data_hi: f64) -> Axis {
        let mut lo = data_lo.min(0.0);
        let mut hi = data_hi.max(0.0);
        if hi - lo <= 0.0 || !(hi - lo).is_finite() {
            lo = lo.min(0.0);
            hi = lo + 1.0;
        }
        let step = nice_step((hi - lo) / 5.0);
        let first = (lo / step).floor();
        let last = (hi / step).ceil();
        let count = ((last - first) as usize).clamp(1, 12);
        let ticks: Vec<f64> = (0..=count).map(|k| (first + k as f64) * step).collect();
        Axis {
            lo: ticks[0],
            hi: ticks[count],
            step,
            ticks,
        }
    }

    /// A scale over exactly `lo..=hi` and 0, for charts without ticks.
    pub(super) fn exact(data_lo: f64, data_hi: f64) -> Axis {
        let lo = data_lo.min(0.0);
        let hi = data_hi.max(0.0);
        let hi = if hi > lo { hi } else { lo + 1.0 };
        Axis {
            lo,
            hi,
            step: hi - lo,
            ticks: Vec::new(),
        }
    }

    /// Position of `v` between `from` (at `lo`) and `to` (at `hi`).
    pub(super) fn map(&self, v: f64, from: f64, to: f64) -> f64 {
        from + (v - self.lo) / (self.hi - self.lo) * (to - from)
    }
}

pub(super) fn nice_step(raw: f64) -> f64 {
    let magnitude = 10f64.powf(raw.log10().floor());
    let fraction = raw / magnitude;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    let step = nice * magnitude;
    if step.is_finite() && step > 0.0 {
        step
    } else {
        1.0
    }
}

pub(super) fn clean(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite()).map(|x| x.clamp(-LIMIT, LIMIT))
}

pub(super) fn min_max(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

//! What the load's clients measured: per page, the latencies of the answers
//! that succeeded, the errors by kind, and the summary printed at the end.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One page's requests as one client (or all, once merged) saw them.
#[derive(Debug, Default, Clone)]
pub struct PageTally {
    /// Microseconds of each successful request.
    pub lat_us: Vec<u32>,
    /// Failed requests by kind ("500", "login redirect", "transport").
    pub errors: BTreeMap<String, u64>,
    /// A few failures as they happened (status and address), for the report.
    pub samples: Vec<String>,
}

/// Failures kept word for word per page.
const SAMPLES: usize = 3;

impl PageTally {
    pub fn ok(&mut self, us: u128) {
        self.lat_us.push(us.min(u32::MAX as u128) as u32);
    }

    pub fn error(&mut self, kind: &str, sample: String) {
        *self.errors.entry(kind.to_string()).or_default() += 1;
        if self.samples.len() < SAMPLES {
            self.samples.push(sample);
        }
    }

    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    pub fn requests(&self) -> u64 {
        self.lat_us.len() as u64 + self.error_count()
    }

    fn merge(&mut self, o: PageTally) {
        self.lat_us.extend(o.lat_us);
        for (k, n) in o.errors {
            *self.errors.entry(k).or_default() += n;
        }
        for s in o.samples {
            if self.samples.len() < SAMPLES {
                self.samples.push(s);
            }
        }
    }
}

/// Every page's tally, by the page's name.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub pages: BTreeMap<&'static str, PageTally>,
    /// Uploads finished (the last PATCH answered) and their bytes.
    pub uploads: u64,
    pub upload_bytes: u64,
}

impl Tally {
    pub fn page(&mut self, name: &'static str) -> &mut PageTally {
        self.pages.entry(name).or_default()
    }

    pub fn merge(&mut self, o: Tally) {
        for (k, v) in o.pages {
            self.page(k).merge(v);
        }
        self.uploads += o.uploads;
        self.upload_bytes += o.upload_bytes;
    }
}

/// The `q`-th quantile (0–1) of `sorted` by the nearest rank: the smallest
/// value with at least `q` of the values at or below it; 0 when empty.
pub fn quantile(sorted: &[u32], q: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// One page's line of the summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub page: String,
    pub requests: u64,
    pub errors: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub per_s: f64,
}

/// The summary's lines, one per page, over `seconds` of load.
pub fn lines(t: &Tally, seconds: f64) -> Vec<Line> {
    t.pages
        .iter()
        .map(|(name, p)| {
            let mut v = p.lat_us.clone();
            v.sort_unstable();
            Line {
                page: name.to_string(),
                requests: p.requests(),
                errors: p.error_count(),
                p50_ms: quantile(&v, 0.50) as f64 / 1000.0,
                p99_ms: quantile(&v, 0.99) as f64 / 1000.0,
                per_s: v.len() as f64 / seconds.max(1e-9),
            }
        })
        .collect()
}

/// The summary as printed: the pages, their total, the uploads, then the
/// kinds of errors with a few examples.
pub fn report(t: &Tally, seconds: f64) -> String {
    let ls = lines(t, seconds);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<22} {:>9} {:>7} {:>9} {:>9} {:>9}",
        "page", "requests", "errors", "p50 ms", "p99 ms", "req/s"
    );
    for l in &ls {
        let _ = writeln!(
            out,
            "{:<22} {:>9} {:>7} {:>9.1} {:>9.1} {:>9.1}",
            l.page, l.requests, l.errors, l.p50_ms, l.p99_ms, l.per_s
        );
    }
    let (req, err) = ls
        .iter()
        .fold((0, 0), |(r, e), l| (r + l.requests, e + l.errors));
    let ok: f64 = ls.iter().map(|l| l.per_s).sum();
    let _ = writeln!(
        out,
        "{:<22} {:>9} {:>7} {:>9} {:>9} {:>9.1}",
        "all", req, err, "", "", ok
    );
    let _ = writeln!(
        out,
        "uploads: {} finished, {:.2}/s, {:.1} MB/s",
        t.uploads,
        t.uploads as f64 / seconds.max(1e-9),
        t.upload_bytes as f64 / 1e6 / seconds.max(1e-9)
    );
    for (name, p) in &t.pages {
        for (kind, n) in &p.errors {
            let _ = writeln!(out, "error: {name}: {kind} × {n}");
        }
        for s in &p.samples {
            let _ = writeln!(out, "  e.g. {s}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_by_nearest_rank() {
        let v: Vec<u32> = (1..=100).collect();
        assert_eq!(quantile(&v, 0.50), 50);
        assert_eq!(quantile(&v, 0.99), 99);
        assert_eq!(quantile(&v, 1.0), 100);
        assert_eq!(quantile(&v, 0.0), 1);
        assert_eq!(quantile(&[7], 0.99), 7);
        assert_eq!(quantile(&[], 0.5), 0);
        // Two values: the median is the lower, p99 the higher.
        assert_eq!(quantile(&[3, 9], 0.5), 3);
        assert_eq!(quantile(&[3, 9], 0.99), 9);
    }

    #[test]
    fn tallies_merge_and_summarise_per_page() {
        let mut a = Tally::default();
        for us in [1_000, 2_000, 3_000] {
            a.page("clip page").ok(us);
        }
        a.page("clip page")
            .error("500", "GET /a/1/clips/2 → 500".into());
        let mut b = Tally::default();
        b.page("clip page").ok(4_000);
        b.page("queue").ok(10_000);
        b.uploads = 2;
        b.upload_bytes = 4_000_000;
        a.merge(b);
        let ls = lines(&a, 2.0);
        assert_eq!(ls.len(), 2);
        let clip = &ls[0];
        assert_eq!(clip.page, "clip page");
        assert_eq!((clip.requests, clip.errors), (5, 1));
        assert_eq!((clip.p50_ms, clip.p99_ms), (2.0, 4.0));
        // Only successes count toward the rate.
        assert_eq!(clip.per_s, 2.0);
        assert_eq!(ls[1].page, "queue");
        let r = report(&a, 2.0);
        assert!(r.contains("uploads: 2 finished, 1.00/s, 2.0 MB/s"), "{r}");
        assert!(r.contains("error: clip page: 500 × 1"), "{r}");
        assert!(r.contains("e.g. GET /a/1/clips/2 → 500"), "{r}");
    }
}

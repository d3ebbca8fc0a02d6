//! Process metrics in the Prometheus text format, kept in atomics (no exporter
//! dependency needed for a handful of series).

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

const BUCKETS_MS: [u64; 10] = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 5000];

#[derive(Debug, Default)]
pub struct Metrics {
    by_class: [AtomicU64; 5],
    latency_buckets: [AtomicU64; BUCKETS_MS.len()],
    latency_sum_us: AtomicU64,
    latency_count: AtomicU64,
    pub logins_ok: AtomicU64,
    pub logins_failed: AtomicU64,
    pub logins_throttled: AtomicU64,
}

impl Metrics {
    pub fn observe(&self, status: u16, micros: u64) {
        let class = (status / 100).clamp(1, 5) as usize - 1;
        self.by_class[class].fetch_add(1, Ordering::Relaxed);
        let ms = micros / 1000;
        for (i, b) in BUCKETS_MS.iter().enumerate() {
            if ms <= *b {
                self.latency_buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency_sum_us.fetch_add(micros, Ordering::Relaxed);
        self.latency_count.fetch_add(1, Ordering::Relaxed);
    }

    pub fn render(&self, uptime_s: f64, db_up: bool, schema_version: i64) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "# HELP lantoa_http_requests_total HTTP requests by status class."
        );
        let _ = writeln!(s, "# TYPE lantoa_http_requests_total counter");
        for (i, c) in self.by_class.iter().enumerate() {
            let _ = writeln!(
                s,
                "lantoa_http_requests_total{{class=\"{}xx\"}} {}",
                i + 1,
                c.load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            s,
            "# HELP lantoa_http_request_duration_seconds Request latency."
        );
        let _ = writeln!(s, "# TYPE lantoa_http_request_duration_seconds histogram");
        for (i, b) in BUCKETS_MS.iter().enumerate() {
            let _ = writeln!(
                s,
                "lantoa_http_request_duration_seconds_bucket{{le=\"{}\"}} {}",
                *b as f64 / 1000.0,
                self.latency_buckets[i].load(Ordering::Relaxed)
            );
        }
        let count = self.latency_count.load(Ordering::Relaxed);
        let _ = writeln!(
            s,
            "lantoa_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let _ = writeln!(
            s,
            "lantoa_http_request_duration_seconds_sum {}",
            self.latency_sum_us.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(s, "lantoa_http_request_duration_seconds_count {count}");
        let _ = writeln!(s, "# HELP lantoa_logins_total Sign-in attempts by outcome.");
        let _ = writeln!(s, "# TYPE lantoa_logins_total counter");
        for (outcome, c) in [
            ("ok", &self.logins_ok),
            ("failed", &self.logins_failed),
            ("throttled", &self.logins_throttled),
        ] {
            let _ = writeln!(
                s,
                "lantoa_logins_total{{outcome=\"{outcome}\"}} {}",
                c.load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            s,
            "# HELP lantoa_database_up Whether the database answered."
        );
        let _ = writeln!(s, "# TYPE lantoa_database_up gauge");
        let _ = writeln!(s, "lantoa_database_up {}", u8::from(db_up));
        let _ = writeln!(
            s,
            "# HELP lantoa_schema_version Applied schema migration version."
        );
        let _ = writeln!(s, "# TYPE lantoa_schema_version gauge");
        let _ = writeln!(s, "lantoa_schema_version {schema_version}");
        let _ = writeln!(
            s,
            "# HELP lantoa_db_retries_total Transactions run again after losing to another (deadlock, serialization failure, busy database)."
        );
        let _ = writeln!(s, "# TYPE lantoa_db_retries_total counter");
        let _ = writeln!(s, "lantoa_db_retries_total {}", crate::db::retries());
        let _ = writeln!(
            s,
            "# HELP lantoa_uptime_seconds Seconds since the process started."
        );
        let _ = writeln!(s, "# TYPE lantoa_uptime_seconds gauge");
        let _ = writeln!(s, "lantoa_uptime_seconds {uptime_s:.1}");
        s
    }
}

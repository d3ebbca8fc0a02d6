//! Process metrics in the Prometheus text format, kept in atomics (no exporter
//! dependency needed for a handful of series), and gauges of the install read
//! from the database at scrape time ([`DbGauges`]): the job queue, channels
//! by status, approvals about to expire.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

const BUCKETS_MS: [u64; 10] = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 5000];

/// What the database says at scrape time: each is a cheap indexed count.
#[derive(Debug, Clone, Default)]
pub struct DbGauges {
    pub schema_version: i64,
    pub queue: crate::db::jobs::QueueGauges,
    /// Channels per status.
    pub channels: Vec<(String, i64)>,
    /// Live approvals that expire within the next 24 hours.
    pub approvals_expiring_24h: i64,
    /// The time the figures were read at (milliseconds, UTC).
    pub now_ms: i64,
}

/// The job states counted, always listed (0 when none).
const JOB_STATES: [&str; 4] = ["queued", "running", "failed", "dead"];
/// The channel statuses counted, always listed.
const CHANNEL_STATUSES: [&str; 3] = ["active", "needs_reconnect", "disconnected"];

/// One `# HELP`/`# TYPE` header.
fn header(s: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(s, "# HELP {name} {help}");
    let _ = writeln!(s, "# TYPE {name} {kind}");
}

/// A gauge per label value, from `(value, count)` pairs (0 for the absent).
fn labelled(s: &mut String, name: &str, label: &str, values: &[&str], counts: &[(String, i64)]) {
    for v in values {
        let n = counts.iter().find(|(k, _)| k == v).map_or(0, |(_, n)| *n);
        let _ = writeln!(s, "{name}{{{label}=\"{v}\"}} {n}");
    }
}

impl DbGauges {
    fn render(&self, s: &mut String) {
        header(
            s,
            "lantoa_jobs",
            "gauge",
            "Jobs by state (failed: waiting to be tried again; dead: out of attempts).",
        );
        labelled(s, "lantoa_jobs", "state", &JOB_STATES, &self.queue.by_state);
        header(
            s,
            "lantoa_jobs_ready",
            "gauge",
            "Jobs due now and waiting for a worker (the queue's depth).",
        );
        let _ = writeln!(s, "lantoa_jobs_ready {}", self.queue.ready);
        header(
            s,
            "lantoa_jobs_oldest_ready_seconds",
            "gauge",
            "How long the longest-waiting ready job has been due (0 when none).",
        );
        let waited = self
            .queue
            .oldest_ready_at
            .map_or(0.0, |at| (self.now_ms - at).max(0) as f64 / 1000.0);
        let _ = writeln!(s, "lantoa_jobs_oldest_ready_seconds {waited:.1}");
        header(
            s,
            "lantoa_channels",
            "gauge",
            "Connected channels by status (needs_reconnect: an agency admin must connect it again).",
        );
        labelled(
            s,
            "lantoa_channels",
            "status",
            &CHANNEL_STATUSES,
            &self.channels,
        );
        header(
            s,
            "lantoa_approvals_expiring_24h",
            "gauge",
            "Live approvals (not used, not voided) that expire within 24 hours.",
        );
        let _ = writeln!(
            s,
            "lantoa_approvals_expiring_24h {}",
            self.approvals_expiring_24h
        );
    }
}

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

    /// The text of `/metrics`; `db` is None when the database did not answer
    /// (its gauges are then left out, not shown as 0).
    pub fn render(&self, uptime_s: f64, db: Option<&DbGauges>) -> String {
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
        let _ = writeln!(s, "lantoa_database_up {}", u8::from(db.is_some()));
        let _ = writeln!(
            s,
            "# HELP lantoa_schema_version Applied schema migration version."
        );
        let _ = writeln!(s, "# TYPE lantoa_schema_version gauge");
        let _ = writeln!(
            s,
            "lantoa_schema_version {}",
            db.map_or(0, |d| d.schema_version)
        );
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
        if let Some(d) = db {
            d.render(&mut s);
        }
        s
    }
}

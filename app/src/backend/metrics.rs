//! Counts kept for the server's `/metrics` (Prometheus text format) by the
//! parts of the app that see them: how long a query waited for a
//! connection, sign-ins refused by the throttle, webhook attempts. They
//! are process-wide (one process is one instance) and start at zero.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
pub const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// A latency histogram with [`BUCKETS`], updated without locks.
#[derive(Debug)]
pub struct Histogram {
    /// Observations per bucket (not cumulative; summed when rendered).
    buckets: [AtomicU64; BUCKETS.len()],
    /// Beyond the last bucket.
    over: AtomicU64,
    sum_micros: AtomicU64,
}

impl Histogram {
    pub const fn new() -> Self {
        Self {
            buckets: [const { AtomicU64::new(0) }; BUCKETS.len()],
            over: AtomicU64::new(0),
            sum_micros: AtomicU64::new(0),
        }
    }

    pub fn observe(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let slot = BUCKETS.iter().position(|bound| seconds <= *bound);
        match slot {
            Some(index) => self.buckets[index].fetch_add(1, Ordering::Relaxed),
            None => self.over.fetch_add(1, Ordering::Relaxed),
        };
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// The `_bucket`, `_sum` and `_count` lines of `name`; `labels` is
    /// empty or `key="value",…` without braces.
    pub fn render(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        let mut cumulative = 0;
        for (bound, count) in BUCKETS.iter().zip(&self.buckets) {
            cumulative += count.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {cumulative}"
            );
        }
        cumulative += self.over.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {cumulative}"
        );
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let braces = |text: &str| {
            if text.is_empty() {
                String::new()
            } else {
                format!("{{{text}}}")
            }
        };
        let _ = writeln!(out, "{name}_sum{} {sum}", braces(labels));
        let _ = writeln!(out, "{name}_count{} {cumulative}", braces(labels));
    }
}

impl Default for Histogram {
    fn default() -> Self {
        Self::new()
    }
}

/// A count that only goes up.
#[derive(Debug, Default)]
pub struct Counter(AtomicU64);

impl Counter {
    pub const fn new() -> Self {
        Self(AtomicU64::new(0))
    }

    pub fn inc(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// How long a write waited for the database's write connection (SQLite's
/// one writer, or a PostgreSQL pool connection).
pub static WRITE_WAIT: Histogram = Histogram::new();
/// How long a read waited for one of SQLite's read connections.
pub static READ_WAIT: Histogram = Histogram::new();
/// Sign-in attempts (passwords and two-factor codes) refused by the
/// throttle before any secret was checked.
pub static SIGN_INS_THROTTLED: Counter = Counter::new();
/// Sign-in attempts whose password or code was wrong.
pub static SIGN_INS_FAILED: Counter = Counter::new();
/// Webhook deliveries the receiver took (a 2xx answer).
pub static WEBHOOKS_DELIVERED: Counter = Counter::new();
/// Webhook attempts that failed (they are tried again, up to a limit).
pub static WEBHOOK_ATTEMPTS_FAILED: Counter = Counter::new();
/// Webhook deliveries given up after their last attempt failed.
pub static WEBHOOKS_GIVEN_UP: Counter = Counter::new();

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_histogram_renders_cumulative_buckets() {
        let histogram = Histogram::new();
        histogram.observe(Duration::from_micros(300));
        histogram.observe(Duration::from_millis(3));
        histogram.observe(Duration::from_secs(20));
        let mut out = String::new();
        histogram.render(&mut out, "x_seconds", "route=\"/a\"");
        assert!(
            out.contains("x_seconds_bucket{route=\"/a\",le=\"0.0005\"} 1\n"),
            "{out}"
        );
        assert!(
            out.contains("x_seconds_bucket{route=\"/a\",le=\"0.005\"} 2\n"),
            "{out}"
        );
        assert!(
            out.contains("x_seconds_bucket{route=\"/a\",le=\"10\"} 2\n"),
            "{out}"
        );
        assert!(
            out.contains("x_seconds_bucket{route=\"/a\",le=\"+Inf\"} 3\n"),
            "{out}"
        );
        assert!(out.contains("x_seconds_count{route=\"/a\"} 3\n"), "{out}");
        assert!(
            out.contains("x_seconds_sum{route=\"/a\"} 20.0033\n"),
            "{out}"
        );
        let mut bare = String::new();
        Histogram::new().render(&mut bare, "y", "");
        assert!(
            bare.contains("y_bucket{le=\"+Inf\"} 0\n") && bare.contains("y_count 0\n"),
            "{bare}"
        );
    }
}

//! `/metrics`: the instance's figures in Prometheus text format. Requests
//! by route template and status with latency histograms, database pool use
//! and wait, open event streams, the webhook outbox and sign-in throttling.
//!
//! Off by default: served on the main address only to requests carrying
//! `WAYMARK_METRICS_TOKEN` as a bearer token, and on `WAYMARK_METRICS_ADDR`
//! (a separate listener, for a private network) to anyone there unless a
//! token is set.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use axum::body::Body;
use axum::extract::{MatchedPath, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use app::backend::AppState;
use app::backend::db::{now_ms, webhooks};
use app::backend::metrics::{self as counts, Histogram};

/// What one instance knows about itself while it runs.
pub struct Instance {
    requests: RwLock<HashMap<String, Arc<RouteStats>>>,
    /// Migrations are done: the instance can serve.
    migrated: AtomicBool,
    /// A shutdown signal came: the instance finishes what it has and
    /// takes nothing new.
    draining: AtomicBool,
    started: Instant,
    /// The bearer token `/metrics` asks for, if any.
    token: Option<String>,
}

#[derive(Default)]
struct RouteStats {
    latency: Histogram,
    statuses: Mutex<Vec<(u16, u64)>>,
}

/// The label of requests no route matched (files, unknown addresses).
const OTHER: &str = "other";

impl Instance {
    /// An instance still migrating its database.
    pub fn starting(token: Option<String>) -> Arc<Self> {
        Arc::new(Self {
            requests: RwLock::default(),
            migrated: AtomicBool::new(false),
            draining: AtomicBool::new(false),
            started: Instant::now(),
            token,
        })
    }

    /// An instance whose database is ready (tests, examples).
    pub fn ready() -> Arc<Self> {
        let instance = Self::starting(None);
        instance.set_migrated();
        instance
    }

    pub fn set_migrated(&self) {
        self.migrated.store(true, Ordering::Release);
    }

    pub fn is_migrated(&self) -> bool {
        self.migrated.load(Ordering::Acquire)
    }

    pub fn set_draining(&self) {
        self.draining.store(true, Ordering::Release);
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Acquire)
    }

    pub fn serves_metrics(&self) -> bool {
        self.token.is_some()
    }

    fn record(&self, route: &str, status: u16, started: Instant) {
        let stats = self
            .requests
            .read()
            .ok()
            .and_then(|map| map.get(route).cloned());
        let stats = match stats {
            Some(stats) => stats,
            None => {
                let Ok(mut map) = self.requests.write() else {
                    return;
                };
                map.entry(route.to_owned()).or_default().clone()
            }
        };
        stats.latency.observe(started.elapsed());
        let mut statuses = stats
            .statuses
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match statuses.iter_mut().find(|(code, _)| *code == status) {
            Some((_, count)) => *count += 1,
            None => statuses.push((status, 1)),
        }
    }
}

/// Times every request and counts it under its route's template.
pub async fn measure(
    State(instance): State<Arc<Instance>>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let started = Instant::now();
    let response = next.run(request).await;
    let route = response
        .extensions()
        .get::<MatchedPath>()
        .map_or(OTHER, MatchedPath::as_str);
    instance.record(route, response.status().as_u16(), started);
    response
}

/// While migrations run, everything but the health checks and metrics is
/// answered 503, so a load balancer sends nothing here yet.
pub async fn wait_for_migrations(
    State(instance): State<Arc<Instance>>,
    request: Request<Body>,
    next: Next,
) -> Response {
    if instance.is_migrated() || matches!(request.uri().path(), "/healthz" | "/readyz" | "/metrics")
    {
        return next.run(request).await;
    }
    let mut response = (
        StatusCode::SERVICE_UNAVAILABLE,
        "Waymark is starting (upgrading its database); try again in a moment.\n",
    )
        .into_response();
    response
        .headers_mut()
        .insert("retry-after", HeaderValue::from_static("5"));
    response
}

/// `/metrics`, for a request that brings the token (when one is set).
pub async fn endpoint(
    State((state, instance)): State<(AppState, Arc<Instance>)>,
    headers: HeaderMap,
) -> Response {
    if let Some(token) = &instance.token {
        let given = headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        if !same(given.as_bytes(), token.as_bytes()) {
            let mut refused =
                (StatusCode::UNAUTHORIZED, "a bearer token is required\n").into_response();
            refused.headers_mut().insert(
                "www-authenticate",
                HeaderValue::from_static("Bearer realm=\"metrics\""),
            );
            return refused;
        }
    }
    let text = render(&state, &instance).await;
    (
        [(
            CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        text,
    )
        .into_response()
}

/// Compares without stopping at the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The whole text.
pub async fn render(state: &AppState, instance: &Instance) -> String {
    let mut out = String::with_capacity(16 * 1024);
    let head = |out: &mut String, name: &str, kind: &str, help: &str| {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
    };

    head(
        &mut out,
        "waymark_build_info",
        "gauge",
        "The running version.",
    );
    let _ = writeln!(
        out,
        "waymark_build_info{{version=\"{}\",database=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION"),
        state.db.kind().label()
    );
    head(
        &mut out,
        "waymark_uptime_seconds",
        "gauge",
        "Seconds since the instance started.",
    );
    let _ = writeln!(
        out,
        "waymark_uptime_seconds {}",
        instance.started.elapsed().as_secs()
    );
    head(
        &mut out,
        "waymark_ready",
        "gauge",
        "1 when migrated and not shutting down.",
    );
    let ready = instance.is_migrated() && !instance.is_draining();
    let _ = writeln!(out, "waymark_ready {}", u8::from(ready));

    let mut routes: Vec<(String, Arc<RouteStats>)> = instance
        .requests
        .read()
        .map(|map| map.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    routes.sort_by(|a, b| a.0.cmp(&b.0));
    head(
        &mut out,
        "waymark_http_requests_total",
        "counter",
        "Requests answered, by route template and status.",
    );
    for (route, stats) in &routes {
        let mut statuses = stats.statuses.lock().map(|s| s.clone()).unwrap_or_default();
        statuses.sort_unstable();
        for (status, count) in statuses {
            let _ = writeln!(
                out,
                "waymark_http_requests_total{{route=\"{}\",status=\"{status}\"}} {count}",
                escape(route)
            );
        }
    }
    head(
        &mut out,
        "waymark_http_request_duration_seconds",
        "histogram",
        "Time to the response's head, by route template.",
    );
    for (route, stats) in &routes {
        stats.latency.render(
            &mut out,
            "waymark_http_request_duration_seconds",
            &format!("route=\"{}\"", escape(route)),
        );
    }

    let pools = state.db.pools();
    for (name, help, pick) in [
        (
            "waymark_db_connections_open",
            "Database connections open, by pool.",
            0,
        ),
        (
            "waymark_db_connections_busy",
            "Database connections in use, by pool.",
            1,
        ),
        (
            "waymark_db_connections_max",
            "The most connections a pool opens.",
            2,
        ),
    ] {
        head(&mut out, name, "gauge", help);
        for pool in &pools {
            let value = [pool.open, pool.busy, pool.max][pick];
            let _ = writeln!(out, "{name}{{pool=\"{}\"}} {value}", pool.pool);
        }
    }
    head(
        &mut out,
        "waymark_db_wait_seconds",
        "histogram",
        "How long work waited for a database connection: writes, and SQLite's reads.",
    );
    counts::WRITE_WAIT.render(&mut out, "waymark_db_wait_seconds", "use=\"write\"");
    counts::READ_WAIT.render(&mut out, "waymark_db_wait_seconds", "use=\"read\"");

    head(
        &mut out,
        "waymark_event_streams_open",
        "gauge",
        "Live-update streams open on this instance.",
    );
    let _ = writeln!(
        out,
        "waymark_event_streams_open {}",
        state.streams.open_count()
    );
    head(
        &mut out,
        "waymark_event_streams_replaced_total",
        "counter",
        "Live-update streams this instance ended to make room for a newer one of the same session or user.",
    );
    let _ = writeln!(
        out,
        "waymark_event_streams_replaced_total {}",
        state.streams.replaced_count()
    );

    match webhooks::queue_depth(&state.db, now_ms()).await {
        Ok(depth) => {
            head(
                &mut out,
                "waymark_webhook_queue",
                "gauge",
                "Webhook deliveries in the outbox, by state (all instances).",
            );
            let _ = writeln!(
                out,
                "waymark_webhook_queue{{state=\"pending\"}} {}",
                depth.pending
            );
            let _ = writeln!(out, "waymark_webhook_queue{{state=\"due\"}} {}", depth.due);
            let _ = writeln!(
                out,
                "waymark_webhook_queue{{state=\"failed\"}} {}",
                depth.failed
            );
        }
        Err(err) => tracing::warn!(%err, "metrics: cannot read the webhook outbox"),
    }
    head(
        &mut out,
        "waymark_webhook_attempts_total",
        "counter",
        "Webhook attempts made by this instance, by outcome.",
    );
    for (outcome, counter) in [
        ("delivered", &counts::WEBHOOKS_DELIVERED),
        ("failed", &counts::WEBHOOK_ATTEMPTS_FAILED),
        ("given_up", &counts::WEBHOOKS_GIVEN_UP),
    ] {
        let _ = writeln!(
            out,
            "waymark_webhook_attempts_total{{outcome=\"{outcome}\"}} {}",
            counter.get()
        );
    }

    head(
        &mut out,
        "waymark_sign_in_attempts_total",
        "counter",
        "Sign-in attempts (passwords, codes) that failed or were refused by the throttle.",
    );
    let _ = writeln!(
        out,
        "waymark_sign_in_attempts_total{{outcome=\"wrong\"}} {}",
        counts::SIGN_INS_FAILED.get()
    );
    let _ = writeln!(
        out,
        "waymark_sign_in_attempts_total{{outcome=\"throttled\"}} {}",
        counts::SIGN_INS_THROTTLED.get()
    );
    out
}

/// A label value as Prometheus reads it.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"abcd"));
        assert!(!same(b"", b"a"));
    }

    #[test]
    fn requests_are_counted_by_route_and_status() {
        let instance = Instance::ready();
        let started = Instant::now();
        instance.record("/w/{slug}/items", 200, started);
        instance.record("/w/{slug}/items", 200, started);
        instance.record("/w/{slug}/items", 404, started);
        let map = instance.requests.read().unwrap();
        let stats = map.get("/w/{slug}/items").unwrap();
        let mut statuses = stats.statuses.lock().unwrap().clone();
        statuses.sort_unstable();
        assert_eq!(statuses, vec![(200, 2), (404, 1)]);
        assert_eq!(escape("a\"b\\c"), "a\\\"b\\\\c");
    }
}

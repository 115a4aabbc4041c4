//! Prometheus metrics at `/metrics`, kept by hand: a request counter by method
//! and status class, and a latency histogram.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::AppState;

const BUCKETS_SECONDS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

/// A latency histogram in Prometheus's cumulative-bucket form.
#[derive(Default)]
struct Histogram {
    buckets: [AtomicU64; BUCKETS_SECONDS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Histogram {
    fn observe(&self, seconds: f64) {
        for (bucket, bound) in self.buckets.iter().zip(BUCKETS_SECONDS) {
            if seconds <= bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }

    fn render(&self, out: &mut String, name: &str, help: &str) {
        out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} histogram\n"));
        for (bucket, bound) in self.buckets.iter().zip(BUCKETS_SECONDS) {
            out.push_str(&format!("{name}_bucket{{le=\"{bound}\"}} {}\n", bucket.load(Ordering::Relaxed)));
        }
        let count = self.count.load(Ordering::Relaxed);
        out.push_str(&format!("{name}_bucket{{le=\"+Inf\"}} {count}\n"));
        out.push_str(&format!("{name}_sum {}\n", self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6));
        out.push_str(&format!("{name}_count {count}\n"));
    }
}

pub struct Metrics {
    started: Instant,
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    durations: Histogram,
    websockets: AtomicI64,
    /// Live commands: from receipt to committed and sent out.
    live_commands: Histogram,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            started: Instant::now(),
            requests: Mutex::default(),
            durations: Histogram::default(),
            websockets: AtomicI64::new(0),
            live_commands: Histogram::default(),
        }
    }
}

impl Metrics {
    fn observe(&self, method: &str, status: u16, seconds: f64) {
        if let Ok(mut map) = self.requests.lock() {
            *map.entry((method.to_string(), status)).or_default() += 1;
        }
        self.durations.observe(seconds);
    }

    /// Times one live command (apply, commit, broadcast).
    pub fn observe_live(&self, seconds: f64) {
        self.live_commands.observe(seconds);
    }

    /// Counts live WebSockets up or down.
    pub fn ws_open(&self, delta: i64) {
        self.websockets.fetch_add(delta, Ordering::Relaxed);
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP checkpoint_http_requests_total HTTP requests by method and status.\n# TYPE checkpoint_http_requests_total counter\n");
        if let Ok(map) = self.requests.lock() {
            for ((method, status), n) in map.iter() {
                out.push_str(&format!("checkpoint_http_requests_total{{method=\"{method}\",status=\"{status}\"}} {n}\n"));
            }
        }
        self.durations.render(&mut out, "checkpoint_http_request_duration_seconds", "Time to produce a response (headers).");
        self.live_commands.render(&mut out, "checkpoint_live_command_seconds", "Live commands from receipt until committed and sent out.");
        out.push_str(&format!("# HELP checkpoint_websockets_open Live checkpoint connections open now.\n# TYPE checkpoint_websockets_open gauge\ncheckpoint_websockets_open {}\n", self.websockets.load(Ordering::Relaxed)));
        out.push_str(&format!("# HELP checkpoint_uptime_seconds Seconds since the server started.\n# TYPE checkpoint_uptime_seconds gauge\ncheckpoint_uptime_seconds {}\n", self.started.elapsed().as_secs()));
        out.push_str(&format!("# HELP checkpoint_build_info Version of the running binary.\n# TYPE checkpoint_build_info gauge\ncheckpoint_build_info{{version=\"{}\"}} 1\n", env!("CARGO_PKG_VERSION")));
        out
    }
}

pub async fn record(State(state): State<AppState>, req: Request<Body>, next: Next) -> Response {
    let method = req.method().as_str().to_string();
    let start = Instant::now();
    let res = next.run(req).await;
    state.metrics.observe(&method, res.status().as_u16(), start.elapsed().as_secs_f64());
    res
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route(
            "/metrics",
            get(|State(state): State<AppState>| async move {
                ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render()).into_response()
            }),
        )
        .with_state(state)
}

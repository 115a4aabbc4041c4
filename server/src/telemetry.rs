//! Telemetry: the server's own Prometheus metrics at `/metrics` (not the
//! squads' DORA metrics, which `api/events.rs` serves), kept by hand: a request
//! counter by method and status class, and latency histograms. Not public: on the main address
//! only with `Authorization: Bearer <--metrics-token>`, or without a token on
//! the separate `--metrics-addr`; with neither configured, `/metrics` is 404.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Request, StatusCode};
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
            out.push_str(&format!(
                "{name}_bucket{{le=\"{bound}\"}} {}\n",
                bucket.load(Ordering::Relaxed)
            ));
        }
        let count = self.count.load(Ordering::Relaxed);
        out.push_str(&format!("{name}_bucket{{le=\"+Inf\"}} {count}\n"));
        out.push_str(&format!(
            "{name}_sum {}\n",
            self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
        ));
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
                out.push_str(&format!(
                    "checkpoint_http_requests_total{{method=\"{method}\",status=\"{status}\"}} {n}\n"
                ));
            }
        }
        self.durations.render(
            &mut out,
            "checkpoint_http_request_duration_seconds",
            "Time to produce a response (headers).",
        );
        self.live_commands.render(
            &mut out,
            "checkpoint_live_command_seconds",
            "Live commands from receipt until committed and sent out.",
        );
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
    state
        .metrics
        .observe(&method, res.status().as_u16(), start.elapsed().as_secs_f64());
    res
}

/// The token `/metrics` asks for on the main address. Kept only as its
/// SHA-256, and never printed (its `Debug` says so).
#[derive(Clone)]
pub struct MetricsToken {
    hash: String,
}

impl MetricsToken {
    pub fn new(token: &str) -> Result<MetricsToken, String> {
        if token.trim().len() < 16 {
            return Err("the metrics token must be at least 16 characters".into());
        }
        Ok(MetricsToken {
            hash: checkpoint_core::store::secrets::token_hash(token.trim()),
        })
    }

    /// True when `headers` carry `Authorization: Bearer <the token>`; compared in constant time.
    fn admits(&self, headers: &HeaderMap) -> bool {
        let given = crate::api::events::bearer(headers).unwrap_or("");
        checkpoint_core::security::constant_time_eq(
            checkpoint_core::store::secrets::token_hash(given).as_bytes(),
            self.hash.as_bytes(),
        )
    }
}

impl std::fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MetricsToken(<redacted>)")
    }
}

impl std::str::FromStr for MetricsToken {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MetricsToken::new(s)
    }
}

fn exposition(metrics: &Metrics) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], metrics.render()).into_response()
}

/// `/metrics` on the main address: only with the token, and only when one is
/// configured (otherwise the route does not exist, and the app answers 404).
pub fn router(state: AppState, token: Option<&MetricsToken>) -> Router {
    let Some(token) = token.cloned() else {
        return Router::new();
    };
    Router::new()
        .route(
            "/metrics",
            get(move |State(state): State<AppState>, headers: HeaderMap| {
                let admitted = token.admits(&headers);
                async move { guarded(&state.metrics, admitted) }
            }),
        )
        .with_state(state)
}

fn guarded(metrics: &Metrics, admitted: bool) -> Response {
    if !admitted {
        let mut res = (
            StatusCode::UNAUTHORIZED,
            "send the metrics token as Authorization: Bearer <token>\n",
        )
            .into_response();
        res.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return res;
    }
    exposition(metrics)
}

/// The router of `--metrics-addr`: `/metrics` without a token, nothing else.
pub fn standalone_router(metrics: Arc<Metrics>) -> Router {
    Router::new().route(
        "/metrics",
        get(move || {
            let metrics = metrics.clone();
            async move { exposition(&metrics) }
        }),
    )
}

//! The Leptos site: server-rendered pages, server functions, static files and health checks.

use std::collections::HashSet;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use checkpoint_app::{shell, App};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::AppState;

pub fn router(state: AppState) -> Router {
    // Once per process. Generating the list runs the app with resource loading
    // suppressed through a process-wide flag, and a page rendered meanwhile (by
    // another router in the same process, as in the tests) would wait forever
    // on a resource first polled in that window (leptos issue #4773).
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    let routes = ROUTES.get_or_init(|| generate_route_list(App)).clone();
    let ctx = state.ctx.clone();
    let leptos = state.leptos.clone();
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/docs/integrations.md", get(integration_guide))
        .leptos_routes_with_context(&state, routes, move || provide_context(ctx.clone()), {
            let leptos = leptos.clone();
            move || shell(leptos.clone())
        })
        .fallback(static_or_not_found)
        .layer(axum::middleware::from_fn(server_fn_client_mistakes))
        .with_state(state)
}

/// The integration guide (docs/integrations.md), built into the binary so the
/// token page can link a guide every user can open. Markdown reads well as
/// plain text, and plain text needs no renderer nor any script or style.
async fn integration_guide() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../docs/integrations.md"),
    )
        .into_response()
}

/// axum's default body limit, which server functions read their form under.
const FORM_LIMIT: u64 = 2 * 1024 * 1024;

/// The paths of the server functions (all `POST`, all taking a url-encoded form).
fn server_fn_paths() -> &'static HashSet<&'static str> {
    static PATHS: std::sync::OnceLock<HashSet<&'static str>> = std::sync::OnceLock::new();
    PATHS.get_or_init(|| {
        leptos::server_fn::axum::server_fn_paths()
            .filter(|(_, m)| *m == Method::POST)
            .map(|(p, _)| p)
            .collect()
    })
}

/// Client mistakes in a server-function request are 4xx, for every server
/// function at once. The framework decodes the request before our code runs
/// and answers any failure to do so with 500; here, a body that is not a
/// url-encoded form is 415, one over the limit 413, and a form that does not
/// fit the function (a field missing or malformed) 400, each saying what was
/// wrong in the server-function error format, so a page shows the message.
/// Refusals of our own code already carry their status (`ServiceError::status_code`).
async fn server_fn_client_mistakes(req: Request<Body>, next: Next) -> Response {
    if *req.method() != Method::POST || !server_fn_paths().contains(req.uri().path()) {
        return next.run(req).await;
    }
    let path = req.uri().path().to_string();
    let content_type = req.headers().get(header::CONTENT_TYPE).map(|v| {
        String::from_utf8_lossy(v.as_bytes())
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    });
    if content_type.as_deref() != Some("application/x-www-form-urlencoded") {
        let sent = content_type.map_or_else(|| "no content type".to_string(), |t| format!("{t:?}"));
        return server_fn_refusal(
            &path,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            &format!("content-type: send the form as application/x-www-form-urlencoded, not {sent}"),
        );
    }
    let length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if length.is_some_and(|n| n > FORM_LIMIT) {
        return server_fn_refusal(
            &path,
            StatusCode::PAYLOAD_TOO_LARGE,
            "the form is larger than the 2 MiB limit",
        );
    }
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res
            .headers()
            .contains_key(leptos::server_fn::error::SERVER_FN_ERROR_HEADER)
    {
        return res;
    }
    let (parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let text = String::from_utf8_lossy(&bytes);
    let (kind, detail) = text.split_once('|').unwrap_or(("", &*text));
    match kind {
        // A body sent without a length, read past the limit.
        "Deserialization" if detail.contains("length limit exceeded") => server_fn_refusal(
            &path,
            StatusCode::PAYLOAD_TOO_LARGE,
            "the form is larger than the 2 MiB limit",
        ),
        // serde_qs's words name the field: "missing field `name`".
        "Args" | "MissingArg" | "Deserialization" => server_fn_refusal(
            &path,
            StatusCode::BAD_REQUEST,
            &format!("the form could not be read: {detail}"),
        ),
        _ => Response::from_parts(parts, Body::from(bytes)),
    }
}

/// A server-function error answer (`ServerError|message`, as the client decodes it).
fn server_fn_refusal(path: &str, status: StatusCode, message: &str) -> Response {
    let mut res = (status, format!("ServerError|{message}")).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    if let Ok(path) = HeaderValue::from_str(path) {
        res.headers_mut()
            .insert(leptos::server_fn::error::SERVER_FN_ERROR_HEADER, path);
    }
    res
}

impl axum::extract::FromRef<AppState> for leptos::config::LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

async fn readyz(State(state): State<AppState>) -> Response {
    if state.store().ping().await {
        "ready".into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
    }
}

/// Files from the site root (precompressed `.br`/`.gz` served when present and
/// accepted); anything else is the app's own "not found" page.
async fn static_or_not_found(State(state): State<AppState>, req: Request<Body>) -> Response {
    let (parts, body) = req.into_parts();
    let probe = Request::from_parts(parts.clone(), Body::empty());
    let files = ServeDir::new(state.leptos.site_root.as_ref())
        .precompressed_br()
        .precompressed_gzip();
    let Ok(res) = files.oneshot(probe).await;
    if res.status() != StatusCode::NOT_FOUND {
        let mut res = res.map(Body::new);
        res.headers_mut().insert(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-cache"),
        );
        return res;
    }
    let ctx = state.ctx.clone();
    let leptos = state.leptos.clone();
    let handler = leptos_axum::render_app_to_stream_with_context(
        move || provide_context(ctx.clone()),
        move || shell(leptos.clone()),
    );
    let mut res = handler(Request::from_parts(parts, body)).await.into_response();
    *res.status_mut() = StatusCode::NOT_FOUND;
    res
}

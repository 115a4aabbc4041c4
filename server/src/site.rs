//! The Leptos site: server-rendered pages, server functions, static files and health checks.

use axum::body::Body;
use axum::extract::State;
use axum::http::{Request, StatusCode};
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
        .leptos_routes_with_context(&state, routes, move || provide_context(ctx.clone()), {
            let leptos = leptos.clone();
            move || shell(leptos.clone())
        })
        .fallback(static_or_not_found)
        .with_state(state)
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
    let files = ServeDir::new(state.leptos.site_root.as_ref()).precompressed_br().precompressed_gzip();
    let Ok(res) = files.oneshot(probe).await;
    if res.status() != StatusCode::NOT_FOUND {
        let mut res = res.map(Body::new);
        res.headers_mut().insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-cache"));
        return res;
    }
    let ctx = state.ctx.clone();
    let leptos = state.leptos.clone();
    let handler = leptos_axum::render_app_to_stream_with_context(move || provide_context(ctx.clone()), move || shell(leptos.clone()));
    let mut res = handler(Request::from_parts(parts, body)).await.into_response();
    *res.status_mut() = StatusCode::NOT_FOUND;
    res
}

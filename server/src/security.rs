//! Security headers, the CSRF origin check, and the sign-in gate for private pages.

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use checkpoint_app::context::{percent_encode, session_token_from};

use crate::api::ApiError;
use crate::AppState;

/// Headers on every response. HTML pages get a nonce-based CSP from the app
/// shell; everything else gets a policy that allows nothing.
pub async fn headers(req: Request<Body>, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"));
    }
    res
}

/// CSRF defence beside SameSite cookies: a state-changing request that names
/// an Origin must name this host. Requests without an Origin (curl, pipelines
/// with tokens) carry no browser cookies by accident and pass.
pub async fn check_origin(req: Request<Body>, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        if let Some(origin) = req.headers().get(header::ORIGIN) {
            let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
            let origin_host = origin.to_str().ok().and_then(|o| o.split_once("://")).map(|(_, h)| h).unwrap_or("");
            if origin_host.is_empty() || origin_host != host {
                return ApiError::new(StatusCode::FORBIDDEN, "cross-site request refused: the Origin header does not match this site", Some("origin")).into_response();
            }
        }
    }
    next.run(req).await
}

/// Pages for signed-in users only: a signed-out visitor is sent to sign in and
/// brought back afterwards. (The server functions behind them check again.)
pub async fn gate_signed_in_pages(State(state): State<AppState>, req: Request<Body>, next: Next) -> Response {
    let path = req.uri().path();
    let private = ["/admin", "/squads", "/leaderboard"].iter().any(|p| path == *p || path.starts_with(&format!("{p}/")));
    if private && req.method() == Method::GET {
        let token = session_token_from(req.headers());
        let signed_in = match token {
            Some(t) => state.store().session_user(&t).await.ok().flatten().is_some(),
            None => false,
        };
        if !signed_in {
            let next_path = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
            return Redirect::to(&format!("/login?next={}", percent_encode(next_path))).into_response();
        }
    }
    next.run(req).await
}

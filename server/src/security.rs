//! Security headers, the CSRF checks, the client's address, and the sign-in
//! gate for private pages. The rules themselves are pure functions in the core
//! (`checkpoint_core::security`); this applies them to requests.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use checkpoint_core::request::{percent_encode, session_token_from, ClientAddr};
use checkpoint_core::security::{client_ip, client_key, OwnOrigin, RequestSite, SiteOrigin, TrustedProxy};

use crate::api::ApiError;
use crate::AppState;

/// How requests are judged, from the serve configuration.
#[derive(Clone, Debug, Default)]
pub struct RequestRules {
    /// Proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<TrustedProxy>,
    /// The site's origin as browsers see it; `None`: `http://` (`https://` with
    /// secure cookies) and the request's `Host`.
    pub public_origin: Option<SiteOrigin>,
    pub secure_cookies: bool,
}

impl RequestRules {
    /// This site's origin (the rule is the core's [`OwnOrigin`]).
    fn own_origin(&self) -> OwnOrigin<'_> {
        OwnOrigin {
            public: self.public_origin.as_ref(),
            https: self.secure_cookies,
        }
    }

    /// True when the request names no Origin or this site's own (scheme, host and port).
    pub fn origin_allowed(&self, headers: &HeaderMap) -> bool {
        self.own_origin().allows(&request_site(headers))
    }

    /// Why a state-changing request must be refused as possibly cross-site, if it must.
    fn cross_site_refusal(&self, headers: &HeaderMap) -> Option<&'static str> {
        self.own_origin().cross_site_refusal(&request_site(headers))
    }
}

/// The headers the Origin rule reads; one that is not text reads as empty.
fn request_site(headers: &HeaderMap) -> RequestSite<'_> {
    let text = |name: header::HeaderName| headers.get(name).map(|v| v.to_str().unwrap_or(""));
    RequestSite {
        origin: text(header::ORIGIN),
        host: text(header::HOST),
        sec_fetch_site: text(header::HeaderName::from_static("sec-fetch-site")),
        content_type: text(header::CONTENT_TYPE).unwrap_or(""),
    }
}

/// Works out who the client is (see [`client_ip`]) once per request, for the
/// rate limits: handlers read it as the `ClientAddr` extension.
pub async fn client_address(State(state): State<AppState>, mut req: Request<Body>, next: Next) -> Response {
    let key = match req.extensions().get::<ConnectInfo<SocketAddr>>() {
        Some(ConnectInfo(peer)) => {
            let forwarded: Vec<&str> = req
                .headers()
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect();
            client_key(client_ip(peer.ip(), &forwarded, &state.rules.trusted_proxies))
        }
        None => "unknown".to_string(),
    };
    req.extensions_mut().insert(ClientAddr(key));
    next.run(req).await
}

/// Headers on every response. HTML pages get a nonce-based CSP from the app
/// shell; everything else gets a policy that allows nothing. Whatever does not
/// set its own caching (only static files do) gets `Cache-Control: no-store`:
/// pages, server functions, the API and the live socket may all answer for a
/// signed-in user or a participant, and no cache may keep that.
pub async fn headers(req: Request<Body>, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        );
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// CSRF defence beside SameSite cookies, for every state-changing request: one
/// that names an Origin must name this site (scheme, host and port); one
/// without must carry JSON or a form, and must not be marked cross-site by
/// `Sec-Fetch-Site`. Pipelines with tokens (no Origin, JSON) pass.
pub async fn check_origin(State(state): State<AppState>, req: Request<Body>, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        if let Some(why) = state.rules.cross_site_refusal(req.headers()) {
            return ApiError::new(StatusCode::FORBIDDEN, why, Some("origin")).into_response();
        }
    }
    next.run(req).await
}

/// Pages for signed-in users only: a signed-out visitor is sent to sign in and
/// brought back afterwards. (The server functions behind them check again.)
pub async fn gate_signed_in_pages(State(state): State<AppState>, req: Request<Body>, next: Next) -> Response {
    let path = req.uri().path();
    let private = ["/admin", "/squads", "/leaderboard", "/account"]
        .iter()
        .any(|p| path == *p || path.starts_with(&format!("{p}/")));
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

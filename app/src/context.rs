//! Server-side plumbing for server functions: the shared context, the signed-in
//! user, and how service errors become responses.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::ConnectInfo;
use axum::http::{header, request::Parts, HeaderValue, StatusCode};
use checkpoint_core::accounts::CurrentUser;
use checkpoint_core::hub::Rooms;
use checkpoint_core::request::{
    cookie_from, participant_cookie_name, participant_in, percent_encode, session_token_from, ClientAddr,
    SESSION_COOKIE,
};
/// The server's clock (windows, dates): the core's, so pages and the store agree.
pub use checkpoint_core::store::now_ms;
use checkpoint_core::store::{ServiceError, Store};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

/// What every request shares, provided by the server.
#[derive(Clone)]
pub struct AppContext {
    pub store: Store,
    /// The live checkpoints open in this process.
    pub rooms: Arc<Rooms>,
    /// Adds `Secure` to cookies; on whenever the site is served over HTTPS.
    pub secure_cookies: bool,
    /// The site's origin as browsers see it, when configured (the join link
    /// names it; else the request's `Host`).
    pub public_origin: Option<checkpoint_core::security::SiteOrigin>,
}

pub fn app_context() -> Result<AppContext, ServerFnError> {
    use_context::<AppContext>().ok_or_else(|| ServerFnError::new("server context missing"))
}

fn parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// The request's `Host` header, for links that name this site.
pub fn request_host() -> Option<String> {
    parts()?.headers.get(header::HOST)?.to_str().ok().map(str::to_string)
}

/// This site's origin (`https://host`) as links to it are written: the
/// configured public origin, else the request's own host by the one Origin
/// rule; empty when neither is known.
pub fn site_origin(ctx: &AppContext) -> String {
    checkpoint_core::security::OwnOrigin {
        public: ctx.public_origin.as_ref(),
        https: ctx.secure_cookies,
    }
    .expected(request_host().as_deref())
    .map(|o| o.to_string())
    .unwrap_or_default()
}

/// The session cookie's value on this request, if any.
pub fn session_token() -> Option<String> {
    session_token_from(&parts()?.headers)
}

/// This request's participant cookies, as a function of the checkpoint id
/// (for [`Store::join_checkpoint_with`]: joining again keeps one's place).
pub fn participant_cookies() -> impl Fn(&str) -> Option<String> + Sync {
    let headers = parts().map(|p| p.headers).unwrap_or_default();
    move |checkpoint_id| cookie_from(&headers, &participant_cookie_name(checkpoint_id))
}

/// The participant behind this server-function request, or a refusal that says how to get in.
pub async fn require_participant(checkpoint_id: &str) -> Result<String, ServerFnError> {
    let ctx = app_context()?;
    let headers = parts().map(|p| p.headers).unwrap_or_default();
    match participant_in(&ctx.store, &headers, checkpoint_id).await {
        Ok(Some(p)) => Ok(p),
        Ok(None) => Err(into_server_error(outsider_refusal(&ctx.store, checkpoint_id).await)),
        Err(e) => Err(into_server_error(e)),
    }
}

/// Why someone who is not in a checkpoint is refused: it does not exist (404),
/// else "sign in first" (401).
async fn outsider_refusal(store: &Store, checkpoint_id: &str) -> ServiceError {
    match store.checkpoint_exists(checkpoint_id).await {
        Ok(false) => ServiceError::NotFound("checkpoint"),
        Ok(true) => ServiceError::Unauthenticated,
        Err(e) => e,
    }
}

/// Who may read a checkpoint's summary: any signed-in user (returned), or a
/// participant of that checkpoint by its cookie (`None`); else "sign in first".
pub async fn reader_of_checkpoint(checkpoint_id: &str) -> Result<Option<CurrentUser>, ServerFnError> {
    if let Some(user) = current_user().await? {
        return Ok(Some(user));
    }
    let ctx = app_context()?;
    let headers = parts().map(|p| p.headers).unwrap_or_default();
    if let Some(token) = cookie_from(&headers, &participant_cookie_name(checkpoint_id)) {
        if ctx
            .store
            .participant_for_token(checkpoint_id, &token)
            .await
            .map_err(into_server_error)?
            .is_some()
        {
            return Ok(None);
        }
    }
    Err(into_server_error(outsider_refusal(&ctx.store, checkpoint_id).await))
}

/// Sets a participant's cookie for one checkpoint (a week: long enough for a
/// workshop in two sittings).
pub fn set_participant_cookie(checkpoint_id: &str, token: &str) {
    let Ok(ctx) = app_context() else { return };
    let secure = if ctx.secure_cookies { "; Secure" } else { "" };
    let cookie = format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        participant_cookie_name(checkpoint_id),
        7 * 24 * 3600
    );
    if let (Some(res), Ok(value)) = (use_context::<ResponseOptions>(), HeaderValue::from_str(&cookie)) {
        res.append_header(header::SET_COOKIE, value);
    }
}

pub async fn current_user() -> Result<Option<CurrentUser>, ServerFnError> {
    let Some(token) = session_token() else { return Ok(None) };
    app_context()?
        .store
        .session_user(&token)
        .await
        .map_err(into_server_error)
}

/// The signed-in user, or an "sign in first" error (401 on the response).
pub async fn require_user() -> Result<CurrentUser, ServerFnError> {
    current_user()
        .await?
        .ok_or_else(|| into_server_error(ServiceError::Unauthenticated))
}

/// The client's address, for rate limiting.
pub fn client_addr() -> String {
    let Some(parts) = parts() else {
        return "unknown".to_string();
    };
    if let Some(ClientAddr(key)) = parts.extensions.get::<ClientAddr>() {
        return key.clone();
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| checkpoint_core::security::client_key(c.0.ip()))
        .unwrap_or_else(|| "unknown".to_string())
}

/// The status of a refusal, as the core assigns it ([`ServiceError::status_code`]).
pub fn status_of(e: &ServiceError) -> StatusCode {
    StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// Maps a refusal to a server-function error with a message fit to show, sets
/// the response status, and logs internal details instead of sending them.
pub fn into_server_error(e: ServiceError) -> ServerFnError {
    let status = status_of(&e);
    if status.is_server_error() {
        tracing::error!(error = %describe(&e), "request failed");
    }
    if let Some(res) = use_context::<ResponseOptions>() {
        res.set_status(status);
    }
    ServerFnError::new(e.to_string())
}

fn describe(e: &ServiceError) -> String {
    match e {
        ServiceError::Internal(detail) | ServiceError::Config(detail) => detail.clone(),
        other => other.to_string(),
    }
}

/// Whether this request is a plain HTML form post (no JavaScript), which
/// wants a page back, not a server function's body.
pub fn accepts_html() -> bool {
    parts().is_some_and(|p| accepts_html_in(&p))
}

fn accepts_html_in(parts: &Parts) -> bool {
    parts
        .headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// For a plain HTML form post (no JavaScript), sends the browser back to the
/// form's page with the message in `?error=`, since it cannot read the body.
pub fn form_error(e: ServiceError) -> ServerFnError {
    let err = into_server_error(e);
    let Some(parts) = parts() else { return err };
    let accepts_html = accepts_html_in(&parts);
    let referer = parts
        .headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if let (true, Some(referer)) = (accepts_html, referer) {
        let message = match &err {
            ServerFnError::ServerError(m) => m.clone(),
            other => other.to_string(),
        };
        let form = parts.uri.path().rsplit('/').next().unwrap_or_default();
        leptos_axum::redirect(&with_error_param(&referer, form, &message));
    }
    err
}

/// `referer` reduced to path and query, with `error` set to `message` and
/// `error_in` to the server function that refused (so only its form shows it).
fn with_error_param(referer: &str, form: &str, message: &str) -> String {
    let after_scheme = referer.split_once("://").map(|(_, rest)| rest).unwrap_or(referer);
    let path_and_query = after_scheme.find('/').map(|i| &after_scheme[i..]).unwrap_or("/");
    let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
    // Back to a page of this site only, and never a header value that cannot be.
    let path = checkpoint_core::security::SafeNext::or_home(path);
    let path = path.as_str();
    let query = if query
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || !c.is_ascii())
    {
        ""
    } else {
        query
    };
    let mut params: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("error=") && !p.starts_with("error_in="))
        .map(str::to_string)
        .collect();
    params.push(format!("error_in={}", percent_encode(form)));
    params.push(format!("error={}", percent_encode(message)));
    format!("{path}?{}", params.join("&"))
}

/// Sets or clears the session cookie on the response.
pub fn set_session_cookie(token: Option<&str>, max_age_secs: i64) {
    let Ok(ctx) = app_context() else { return };
    let secure = if ctx.secure_cookies { "; Secure" } else { "" };
    let cookie = match token {
        Some(t) => format!("{SESSION_COOKIE}={t}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    };
    if let (Some(res), Ok(value)) = (use_context::<ResponseOptions>(), HeaderValue::from_str(&cookie)) {
        res.append_header(header::SET_COOKIE, value);
    }
}

/// A Content-Security-Policy for HTML pages: scripts only from this origin or
/// carrying this response's nonce (Leptos's hydration bootstrap), wasm allowed,
/// no framing.
pub fn set_security_headers() {
    let Some(res) = use_context::<ResponseOptions>() else {
        return;
    };
    let nonce = leptos::nonce::use_nonce()
        .map(|n| format!(" 'nonce-{n}'"))
        .unwrap_or_default();
    let csp = format!(
        "default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&csp) {
        res.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_param_replaces_an_earlier_one_and_keeps_the_rest() {
        assert_eq!(
            with_error_param(
                "http://h:3000/squads?x=1&error_in=a&error=old",
                "create_squad",
                "bad name"
            ),
            "/squads?x=1&error_in=create_squad&error=bad%20name"
        );
        assert_eq!(
            with_error_param("http://h", "login", "é"),
            "/?error_in=login&error=%C3%A9"
        );
        assert_eq!(
            with_error_param("http://h//evil.example/x?a=1", "login", "no"),
            "/?a=1&error_in=login&error=no",
            "only this site's paths"
        );
    }
}

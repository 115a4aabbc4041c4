//! What an HTTP request carries that both the server's handlers and the UI's
//! server functions read: the session and participant cookies, the client's
//! address as the rate limits count it, and who the request is in a
//! checkpoint. Here, below both, so that neither borrows it from the other.

use http::{header, HeaderMap};

use crate::store::{ServiceError, Store};

/// The cookie that holds a signed-in person's session.
pub const SESSION_COOKIE: &str = "checkpoint_session";

/// The session cookie's value in a set of request headers.
pub fn session_token_from(headers: &HeaderMap) -> Option<String> {
    cookie_from(headers, SESSION_COOKIE)
}

/// A cookie's value in a set of request headers.
pub fn cookie_from(headers: &HeaderMap, wanted: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == wanted && !value.is_empty()).then(|| value.to_string())
        })
}

/// The cookie that holds a participant's session for one checkpoint.
pub fn participant_cookie_name(checkpoint_id: &str) -> String {
    format!("checkpoint_p_{checkpoint_id}")
}

/// Who this request is in a checkpoint: the participant cookie for it, or a
/// signed-in facilitator or admin (made a participant on first visit).
pub async fn participant_in(
    store: &Store,
    headers: &HeaderMap,
    checkpoint_id: &str,
) -> Result<Option<String>, ServiceError> {
    if let Some(token) = cookie_from(headers, &participant_cookie_name(checkpoint_id)) {
        if let Some(p) = store.participant_for_token(checkpoint_id, &token).await? {
            return Ok(Some(p));
        }
    }
    if let Some(token) = session_token_from(headers) {
        if let Some(user) = store.session_user(&token).await? {
            return store.participant_for_user(checkpoint_id, &user).await;
        }
    }
    Ok(None)
}

/// The client's address as rate limits count it (`crate::security::client_key`):
/// worked out once per request by the server, which alone knows which proxy to believe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub String);

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

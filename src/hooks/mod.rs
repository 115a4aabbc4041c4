//! What a webhook delivery means, as plain data: each tool's payload read
//! into the same events the JSON API takes (built through the same `ingest`
//! rules), plus the commits a forge pushed. Verifying the delivery is in
//! `verify`; storing it is `store::hooks`.

pub mod alertmanager;
pub(crate) mod fields;
pub mod github;
pub mod gitlab;
mod json;
pub mod pagerduty;
mod time;
pub mod verify;

use serde_json::Value;

use crate::connections::{ConnectionKind, ConnectionOptions};
use crate::ingest::{CommitEvent, IncidentEvent, ItemError};
use crate::measured::Status;

/// Commits pushed to a repository's default branch, oldest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Push {
    /// The forge and the repository's full name (`github:octo/payments`).
    pub repository: String,
    pub commits: Vec<CommitEvent>,
}

/// A production deployment as a forge reports it: its head sha, not its
/// commits. The store finds the commits among the pushes (those up to the
/// head that no earlier successful deployment brought) and then builds the
/// deployment through the API's rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForgeDeployment {
    pub repository: String,
    pub head_sha: String,
    pub id: String,
    pub service: String,
    pub environment: String,
    pub status: Status,
    pub started_at: Option<i64>,
    pub finished_at: i64,
}

/// What the events of one delivery are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Events {
    pub pushes: Vec<Push>,
    pub deployments: Vec<ForgeDeployment>,
    pub incidents: Vec<IncidentEvent>,
    /// Parts of the delivery that did not count, and why (an alert that does
    /// not match, a push to another branch).
    pub skipped: Vec<String>,
}

/// What to do with one delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Meaning {
    /// A test delivery (GitHub's `ping`): answered 200, nothing stored.
    Ping,
    /// Nothing in it counts: answered 202 with the reason, nothing stored.
    Ignored(String),
    Events(Events),
}

/// Why a delivery was refused (422 naming the field; nothing stored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub field: String,
    pub message: String,
}

impl Refusal {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Refusal {
        Refusal {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl From<ItemError> for Refusal {
    fn from(e: ItemError) -> Refusal {
        Refusal::new(e.field, e.message)
    }
}

/// Reads one verified delivery. `event` is the tool's event header
/// (`X-GitHub-Event`, `X-Gitlab-Event`), when it sends one.
pub fn interpret(
    kind: ConnectionKind,
    event: Option<&str>,
    body: &[u8],
    options: &ConnectionOptions,
) -> Result<Meaning, Refusal> {
    let payload: Value =
        serde_json::from_slice(body).map_err(|e| Refusal::new("body", format!("the body is not JSON: {e}")))?;
    if !payload.is_object() {
        return Err(Refusal::new("body", "the body must be a JSON object"));
    }
    match kind {
        ConnectionKind::Github => github::interpret(event.unwrap_or_default(), &payload, options),
        ConnectionKind::Gitlab => gitlab::interpret(&payload, options),
        ConnectionKind::Pagerduty => pagerduty::interpret(&payload, options),
        ConnectionKind::Alertmanager => alertmanager::interpret(&payload, options),
    }
}

/// The name a delivery goes by in the log: the event header, else what the
/// payload says it is.
pub fn event_name(kind: ConnectionKind, header: Option<&str>, body: &[u8]) -> String {
    if let Some(h) = header.filter(|h| !h.is_empty()) {
        return h.to_string();
    }
    let payload: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let named = match kind {
        ConnectionKind::Github => None,
        ConnectionKind::Gitlab => payload.get("object_kind").and_then(Value::as_str).map(str::to_string),
        ConnectionKind::Pagerduty => payload
            .pointer("/event/event_type")
            .and_then(Value::as_str)
            .map(str::to_string),
        ConnectionKind::Alertmanager => payload
            .get("status")
            .and_then(Value::as_str)
            .map(|s| format!("alerts {s}")),
    };
    named.unwrap_or_else(|| "unknown".to_string())
}

/// `deployment: <id>` and `root cause: <sha>` lines in an issue's text: an
/// explicit link a person wrote. A bare number names the forge's deployment.
pub(crate) fn explicit_links(text: &str, deployment_prefix: &str) -> (Option<String>, Option<String>) {
    let mut deployment = None;
    let mut sha = None;
    for line in text.lines() {
        let line = line.trim().trim_start_matches(['-', '*', '>']).trim();
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_matches(['`', '.', ',']);
        if value.is_empty() {
            continue;
        }
        match key.trim().to_ascii_lowercase().as_str() {
            "deployment" if deployment.is_none() => {
                deployment = Some(if value.chars().all(|c| c.is_ascii_digit()) {
                    format!("{deployment_prefix}{value}")
                } else {
                    value.to_string()
                })
            }
            "root cause" if sha.is_none() => sha = Some(value.to_string()),
            _ => {}
        }
    }
    (deployment, sha)
}

#[cfg(test)]
mod tests;

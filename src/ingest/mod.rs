//! Deployment and incident events as pipelines send them: parsed once into
//! plain data, with every refusal naming the item and the field. The JSON API
//! and the CSV import share these rules (`json` and `csv`); the store only
//! ever sees events that passed them.

pub mod csv;
pub mod json;

use serde::{Deserialize, Serialize};

pub use crate::connections::Source;
use crate::measured::Status;

/// The most events one request may carry.
pub const MAX_BATCH: usize = 1_000;
pub const MAX_ID: usize = 200;
pub const MAX_SERVICE: usize = 200;
const MAX_ENVIRONMENT: usize = 100;
const MAX_SHA: usize = 100;
const MAX_STAGE: usize = 100;
const MAX_TITLE: usize = 500;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitEvent {
    pub sha: String,
    pub committed_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageEvent {
    pub name: String,
    pub started_at: i64,
    pub finished_at: i64,
}

/// One deployment attempt; instants in ms since the epoch (UTC).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeploymentEvent {
    pub id: String,
    pub service: String,
    pub environment: String,
    pub status: Status,
    pub started_at: Option<i64>,
    pub finished_at: i64,
    pub commits: Vec<CommitEvent>,
    pub stages: Vec<StageEvent>,
    /// An unplanned deployment made to fix a bug users saw (a hotfix).
    pub rework: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentEvent {
    pub id: String,
    pub service: String,
    pub title: Option<String>,
    pub opened_at: i64,
    pub started_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub deployment_id: Option<String>,
    pub commit_sha: Option<String>,
}

/// Why an item was refused: `field` is a path inside the item (`commits[2].sha`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemError {
    pub field: String,
    pub message: String,
}

impl ItemError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> ItemError {
        ItemError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The raw fields of one event, whatever they came from. Keeping the source
/// out of the rules is what lets JSON and CSV refuse the same things.
pub trait Fields {
    /// `Ok(None)` when absent or null/empty; `Err` when present but not text.
    fn text(&self, field: &str) -> Result<Option<String>, ItemError>;

    /// A yes/no field: `Ok(None)` when absent. Text sources say `true` or
    /// `false`, in any case (spreadsheets write `TRUE`).
    fn flag(&self, field: &str) -> Result<Option<bool>, ItemError> {
        match self.text(field)? {
            None => Ok(None),
            Some(t) if t.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(t) if t.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(_) => Err(ItemError::new(field, format!("{field} must be true or false"))),
        }
    }
}

fn required(f: &dyn Fields, field: &str) -> Result<String, ItemError> {
    f.text(field)?
        .ok_or_else(|| ItemError::new(field, format!("{field} is required")))
}

fn bounded(field: &str, value: String, max: usize) -> Result<String, ItemError> {
    if value.trim().is_empty() {
        return Err(ItemError::new(field, format!("{field} must not be empty")));
    }
    if value.chars().count() > max {
        return Err(ItemError::new(
            field,
            format!("{field} must be at most {max} characters"),
        ));
    }
    Ok(value)
}

/// An RFC 3339 instant (`2026-11-22T09:30:00Z`, any offset) in ms since the epoch.
pub fn parse_instant(field: &str, value: &str) -> Result<i64, ItemError> {
    chrono::DateTime::parse_from_rfc3339(value.trim())
        .map(|t| t.timestamp_millis())
        .map_err(|_| {
            ItemError::new(
                field,
                format!("{field} must be an RFC 3339 timestamp such as 2026-11-22T09:30:00Z"),
            )
        })
}

fn instant(f: &dyn Fields, field: &str) -> Result<Option<i64>, ItemError> {
    f.text(field)?.map(|v| parse_instant(field, &v)).transpose()
}

pub fn parse_status(field: &str, value: &str) -> Result<Status, ItemError> {
    match value {
        "success" => Ok(Status::Success),
        "failure" => Ok(Status::Failure),
        _ => Err(ItemError::new(
            field,
            format!("{field} must be \"success\" or \"failure\""),
        )),
    }
}

/// The scalar fields of a deployment; `commits` and `stages` are added by the caller.
pub fn deployment(
    f: &dyn Fields,
    commits: Vec<CommitEvent>,
    stages: Vec<StageEvent>,
) -> Result<DeploymentEvent, ItemError> {
    let id = bounded("id", required(f, "id")?, MAX_ID)?;
    let service = bounded("service", required(f, "service")?, MAX_SERVICE)?;
    let environment = match f.text("environment")? {
        Some(e) => bounded("environment", e, MAX_ENVIRONMENT)?,
        None => "production".to_string(),
    };
    let status = parse_status("status", &required(f, "status")?)?;
    let rework = f.flag("rework")?.unwrap_or(false);
    let started_at = instant(f, "started_at")?;
    let finished_at =
        instant(f, "finished_at")?.ok_or_else(|| ItemError::new("finished_at", "finished_at is required"))?;
    if started_at.is_some_and(|s| s > finished_at) {
        return Err(ItemError::new("started_at", "started_at must not be after finished_at"));
    }
    if let Some(i) = commits.iter().position(|c| c.committed_at > finished_at) {
        return Err(ItemError::new(
            format!("commits[{i}].committed_at"),
            "a commit cannot be committed after its deployment finished",
        ));
    }
    Ok(DeploymentEvent {
        id,
        service,
        environment,
        status,
        started_at,
        finished_at,
        commits: dedup_commits(commits),
        stages,
        rework,
    })
}

/// A sha listed twice in one deployment is one change.
fn dedup_commits(commits: Vec<CommitEvent>) -> Vec<CommitEvent> {
    let mut seen = std::collections::HashSet::new();
    commits.into_iter().filter(|c| seen.insert(c.sha.clone())).collect()
}

pub fn commit(f: &dyn Fields, prefix: &str) -> Result<CommitEvent, ItemError> {
    let field = |name: &str| format!("{prefix}.{name}");
    let sha = f
        .text("sha")
        .map_err(|e| ItemError::new(field("sha"), e.message))?
        .ok_or_else(|| ItemError::new(field("sha"), "sha is required"))?;
    let sha = bounded(&field("sha"), sha, MAX_SHA)?;
    let at = f
        .text("committed_at")
        .map_err(|e| ItemError::new(field("committed_at"), e.message))?
        .ok_or_else(|| ItemError::new(field("committed_at"), "committed_at is required"))?;
    Ok(CommitEvent {
        sha,
        committed_at: parse_instant(&field("committed_at"), &at)?,
    })
}

pub fn stage(f: &dyn Fields, prefix: &str) -> Result<StageEvent, ItemError> {
    let field = |name: &str| format!("{prefix}.{name}");
    let get = |name: &str| -> Result<String, ItemError> {
        f.text(name)
            .map_err(|e| ItemError::new(field(name), e.message))?
            .ok_or_else(|| ItemError::new(field(name), format!("{name} is required")))
    };
    let name = bounded(&field("name"), get("name")?, MAX_STAGE)?;
    let started_at = parse_instant(&field("started_at"), &get("started_at")?)?;
    let finished_at = parse_instant(&field("finished_at"), &get("finished_at")?)?;
    if started_at > finished_at {
        return Err(ItemError::new(
            field("started_at"),
            "a stage cannot start after it finished",
        ));
    }
    Ok(StageEvent {
        name,
        started_at,
        finished_at,
    })
}

pub fn incident(f: &dyn Fields) -> Result<IncidentEvent, ItemError> {
    let id = bounded("id", required(f, "id")?, MAX_ID)?;
    let service = bounded("service", required(f, "service")?, MAX_SERVICE)?;
    let title = f.text("title")?.map(|t| bounded("title", t, MAX_TITLE)).transpose()?;
    let opened_at = instant(f, "opened_at")?.ok_or_else(|| ItemError::new("opened_at", "opened_at is required"))?;
    let started_at = instant(f, "started_at")?;
    let resolved_at = instant(f, "resolved_at")?;
    if let Some(r) = resolved_at {
        if r < opened_at {
            return Err(ItemError::new(
                "resolved_at",
                "an incident cannot be resolved before it was opened",
            ));
        }
        if started_at.is_some_and(|s| r < s) {
            return Err(ItemError::new(
                "resolved_at",
                "an incident cannot be resolved before it started",
            ));
        }
    }
    let deployment_id = f
        .text("deployment_id")?
        .map(|d| bounded("deployment_id", d, MAX_ID))
        .transpose()?;
    let commit_sha = f
        .text("commit_sha")?
        .map(|s| bounded("commit_sha", s, MAX_SHA))
        .transpose()?;
    Ok(IncidentEvent {
        id,
        service,
        title,
        opened_at,
        started_at,
        resolved_at,
        deployment_id,
        commit_sha,
    })
}

/// Re-sending an id updates that event: within one batch the last copy wins,
/// so the store never sees one id twice.
pub fn last_of_each<T>(items: Vec<T>, id: impl Fn(&T) -> &str) -> Vec<T> {
    let mut last = std::collections::HashMap::new();
    for (i, item) in items.iter().enumerate() {
        last.insert(id(item).to_string(), i);
    }
    items
        .into_iter()
        .enumerate()
        .filter(|(i, item)| last.get(id(item)) == Some(i))
        .map(|(_, item)| item)
        .collect()
}

#[cfg(test)]
mod tests;

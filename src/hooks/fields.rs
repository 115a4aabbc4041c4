//! Events built through the JSON API's own rules (`ingest`), so a webhook
//! can never store what the API would refuse.

use super::time::rfc3339;
use super::{ForgeDeployment, Refusal};
use crate::ingest::{self, CommitEvent, DeploymentEvent, Fields, IncidentEvent, ItemError};
use crate::measured::Status;

/// Fields by name, as the API's JSON would carry them.
struct Mapped(Vec<(&'static str, String)>);

impl Fields for Mapped {
    fn text(&self, field: &str) -> Result<Option<String>, ItemError> {
        Ok(self.0.iter().find(|(k, _)| *k == field).map(|(_, v)| v.clone()))
    }
}

/// A title longer than the API takes is cut, not refused: a person wrote it in another tool.
const MAX_TITLE: usize = 500;

pub struct IncidentParts<'a> {
    pub id: String,
    pub service: String,
    pub title: Option<&'a str>,
    pub opened_at: i64,
    pub started_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub deployment_id: Option<String>,
    pub commit_sha: Option<String>,
}

pub fn incident(parts: IncidentParts<'_>) -> Result<IncidentEvent, Refusal> {
    let mut fields = vec![
        ("id", parts.id),
        ("service", parts.service),
        ("opened_at", rfc3339(parts.opened_at)),
    ];
    if let Some(t) = parts.title.map(str::trim).filter(|t| !t.is_empty()) {
        fields.push(("title", t.chars().take(MAX_TITLE).collect()));
    }
    if let Some(s) = parts.started_at {
        fields.push(("started_at", rfc3339(s)));
    }
    if let Some(r) = parts.resolved_at {
        fields.push(("resolved_at", rfc3339(r)));
    }
    if let Some(d) = parts.deployment_id {
        fields.push(("deployment_id", d));
    }
    if let Some(c) = parts.commit_sha {
        fields.push(("commit_sha", c));
    }
    Ok(ingest::incident(&Mapped(fields))?)
}

/// The deployment a forge reported, with the commits the store found for it.
pub fn deployment(d: &ForgeDeployment, commits: Vec<CommitEvent>) -> Result<DeploymentEvent, Refusal> {
    let mut fields = vec![
        ("id", d.id.clone()),
        ("service", d.service.clone()),
        ("environment", d.environment.clone()),
        (
            "status",
            match d.status {
                Status::Success => "success",
                Status::Failure => "failure",
            }
            .to_string(),
        ),
        ("finished_at", rfc3339(d.finished_at)),
    ];
    if let Some(s) = d.started_at.filter(|s| *s <= d.finished_at) {
        fields.push(("started_at", rfc3339(s)));
    }
    Ok(ingest::deployment(&Mapped(fields), commits, Vec::new())?)
}

//! Reading the tools' JSON: fields by pointer, refusals naming the field the
//! way the payload spells it (`deployment.sha`), and the parts both forges
//! share (a repository, a push's commits, an incident issue).

use serde_json::Value;

use super::fields::{incident, IncidentParts};
use super::{explicit_links, time, Events, Meaning, Push, Refusal};
use crate::connections::ConnectionOptions;
use crate::ingest::CommitEvent;

pub fn text<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str)
}

/// `/deployment/sha` → `deployment.sha`.
pub fn field_name(pointer: &str) -> String {
    pointer.trim_start_matches('/').replace('/', ".")
}

pub fn required<'a>(v: &'a Value, pointer: &str) -> Result<&'a str, Refusal> {
    text(v, pointer).ok_or_else(|| Refusal::new(field_name(pointer), "is required"))
}

/// An id the tool may send as a number or as text.
pub fn id(v: &Value, pointer: &str) -> Result<String, Refusal> {
    match v.pointer(pointer) {
        Some(Value::Number(n)) => Ok(n.to_string()),
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        _ => Err(Refusal::new(field_name(pointer), "is required")),
    }
}

/// The environment as stored: the metrics count `production` and `prod`, so
/// one the connection names as production is stored as `production`.
pub fn production_name(environment: &str) -> String {
    if crate::measured::is_production(environment) {
        environment.to_string()
    } else {
        "production".to_string()
    }
}

/// A forge's repository (GitHub) or project (GitLab).
pub struct Repository {
    /// `github:owner/name`, the key of its pushes.
    pub key: String,
    pub full_name: String,
    pub service: String,
}

impl Repository {
    /// `forge` names the store's key; `full` and `short` point at the full
    /// and the plain name. The service is the mapped one, else the plain name.
    pub fn read(
        payload: &Value,
        forge: &str,
        full: &str,
        short: &str,
        options: &ConnectionOptions,
    ) -> Result<Repository, Refusal> {
        let full_name = required(payload, full)?.to_string();
        let name = text(payload, short).unwrap_or(&full_name).to_string();
        Ok(Repository {
            key: format!("{forge}:{full_name}"),
            service: options.service_for(&[&full_name, &name]).unwrap_or(name),
            full_name,
        })
    }
}

/// A push's commits, oldest first, or why the push does not count.
pub fn push(payload: &Value, repo: Repository, default_branch: &str) -> Result<Meaning, Refusal> {
    let reference = required(payload, "/ref")?;
    if reference != format!("refs/heads/{default_branch}") {
        return Ok(Meaning::Ignored(format!(
            "a push to {reference}, not to the default branch {default_branch}"
        )));
    }
    let listed = payload
        .get("commits")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if listed.is_empty() {
        return Ok(Meaning::Ignored("a push with no commits".into()));
    }
    let mut commits = listed
        .iter()
        .enumerate()
        .map(|(i, c)| {
            Ok(CommitEvent {
                sha: id(c, "/id").map_err(|_| Refusal::new(format!("commits[{i}].id"), "is required"))?,
                committed_at: time::required(&format!("commits[{i}].timestamp"), c.get("timestamp"))?,
            })
        })
        .collect::<Result<Vec<_>, Refusal>>()?;
    // The pushed head (`after`) is the newest whatever order the list is in.
    if let Some(after) = text(payload, "/after") {
        if let Some(i) = commits.iter().position(|c| c.sha == after) {
            let head = commits.remove(i);
            commits.push(head);
        }
    }
    Ok(Meaning::Events(Events {
        pushes: vec![Push {
            repository: repo.key,
            commits,
        }],
        ..Events::default()
    }))
}

/// An issue that is an incident: opened, or resolved at `resolved_at`, with
/// the explicit links its text names.
pub struct IssueIncident<'a> {
    pub id: String,
    pub service: String,
    pub title: Option<&'a str>,
    pub opened_at: i64,
    pub resolved_at: Option<i64>,
    pub text: &'a str,
    pub deployment_prefix: &'a str,
}

pub fn issue_incident(issue: IssueIncident<'_>) -> Result<Meaning, Refusal> {
    let (deployment_id, commit_sha) = explicit_links(issue.text, issue.deployment_prefix);
    Ok(Meaning::Events(Events {
        incidents: vec![incident(IncidentParts {
            id: issue.id,
            service: issue.service,
            title: issue.title,
            opened_at: issue.opened_at,
            started_at: None,
            resolved_at: issue.resolved_at,
            deployment_id,
            commit_sha,
        })?],
        ..Events::default()
    }))
}

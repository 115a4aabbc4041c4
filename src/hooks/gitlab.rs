//! GitLab's webhook events: push, deployment and issue (incident) hooks
//! (https://docs.gitlab.com/user/project/integrations/webhook_events/). The
//! payload's `object_kind` says which; the `X-Gitlab-Event` header agrees.

use serde_json::Value;

use super::json::{self, id, text, IssueIncident, Repository};
use super::{time, Events, ForgeDeployment, Meaning, Refusal};
use crate::connections::ConnectionOptions;
use crate::measured::Status;

/// A GitLab deployment's id in our store (`deployment: 15` in an incident means `gl-deploy-15`).
pub const DEPLOYMENT_PREFIX: &str = "gl-deploy-";

fn project(payload: &Value, options: &ConnectionOptions) -> Result<Repository, Refusal> {
    Repository::read(
        payload,
        "gitlab",
        "/project/path_with_namespace",
        "/project/name",
        options,
    )
}

pub fn interpret(payload: &Value, options: &ConnectionOptions) -> Result<Meaning, Refusal> {
    match text(payload, "/object_kind") {
        Some("push") => push(payload, options),
        Some("deployment") => deployment(payload, options),
        Some("issue" | "work_item") => issue(payload, options),
        Some(other) => Ok(Meaning::Ignored(format!(
            "{other} events do not count (push, deployment and incident issues do)"
        ))),
        None => Err(Refusal::new("object_kind", "object_kind is required")),
    }
}

fn push(payload: &Value, options: &ConnectionOptions) -> Result<Meaning, Refusal> {
    let project = project(payload, options)?;
    let default = text(payload, "/project/default_branch").unwrap_or("main").to_string();
    json::push(payload, project, &default)
}

fn deployment(payload: &Value, options: &ConnectionOptions) -> Result<Meaning, Refusal> {
    let project = project(payload, options)?;
    let environment = text(payload, "/environment").unwrap_or_default();
    if !options.is_production(environment) {
        return Ok(Meaning::Ignored(format!(
            "environment {environment:?} is not one this connection counts as production ({})",
            options.production_environments.join(", ")
        )));
    }
    let status = match text(payload, "/status") {
        Some("success") => Status::Success,
        Some("failed") => Status::Failure,
        other => {
            return Ok(Meaning::Ignored(format!(
                "a deployment {}: only success and failed finish one",
                other.unwrap_or("without a status")
            )))
        }
    };
    // The documented payload carries the full sha only at the end of `commit_url`.
    let sha = text(payload, "/sha")
        .map(str::to_string)
        .or_else(|| {
            text(payload, "/commit_url")
                .and_then(|u| u.rsplit('/').next())
                .map(str::to_string)
        })
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Refusal::new("commit_url", "the deployed commit is required (sha or commit_url)"))?;
    Ok(Meaning::Events(Events {
        deployments: vec![ForgeDeployment {
            repository: project.key,
            head_sha: sha,
            id: format!("{DEPLOYMENT_PREFIX}{}", id(payload, "/deployment_id")?),
            service: project.service,
            environment: json::production_name(environment),
            status,
            started_at: None,
            finished_at: time::required("status_changed_at", payload.get("status_changed_at"))?,
        }],
        ..Events::default()
    }))
}

fn issue(payload: &Value, options: &ConnectionOptions) -> Result<Meaning, Refusal> {
    let project = project(payload, options)?;
    let attributes = payload
        .get("object_attributes")
        .ok_or_else(|| Refusal::new("object_attributes", "is required"))?;
    let iid = id(attributes, "/iid").map_err(|_| Refusal::new("object_attributes.iid", "is required"))?;
    let typed = text(attributes, "/type").is_some_and(|t| t.eq_ignore_ascii_case("incident"))
        || text(attributes, "/issue_type").is_some_and(|t| t.eq_ignore_ascii_case("incident"));
    let labels = payload
        .get("labels")
        .or_else(|| attributes.get("labels"))
        .and_then(Value::as_array);
    let labelled = labels.is_some_and(|l| {
        l.iter()
            .any(|l| text(l, "/title").is_some_and(|t| t.eq_ignore_ascii_case(&options.incident_label)))
    });
    if !typed && !labelled {
        return Ok(Meaning::Ignored(format!(
            "issue #{iid} is neither an incident nor labelled {:?}",
            options.incident_label
        )));
    }
    let closed = text(attributes, "/state") == Some("closed") || text(attributes, "/action") == Some("close");
    let resolved_at = if closed {
        Some(
            time::optional("object_attributes.closed_at", attributes.get("closed_at"))?.map_or_else(
                || time::required("object_attributes.updated_at", attributes.get("updated_at")),
                Ok,
            )?,
        )
    } else {
        None
    };
    json::issue_incident(IssueIncident {
        id: format!("gl-incident-{}#{iid}", project.full_name),
        service: project.service,
        title: text(attributes, "/title"),
        opened_at: time::required("object_attributes.created_at", attributes.get("created_at"))?,
        resolved_at,
        text: text(attributes, "/description").unwrap_or_default(),
        deployment_prefix: DEPLOYMENT_PREFIX,
    })
}

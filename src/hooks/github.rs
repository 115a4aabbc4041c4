//! GitHub's webhook events: `push`, `deployment_status`, `workflow_run`,
//! `issues` and `ping` (https://docs.github.com/webhooks/webhook-events-and-payloads).

use serde_json::Value;

use super::json::{self, id, required, text, IssueIncident, Repository};
use super::{time, Events, ForgeDeployment, Meaning, Refusal};
use crate::connections::ConnectionOptions;
use crate::measured::Status;

/// A GitHub deployment's id in our store (`deployment: 123` in an issue means `gh-deploy-123`).
pub const DEPLOYMENT_PREFIX: &str = "gh-deploy-";

fn repository(payload: &Value, options: &ConnectionOptions) -> Result<Repository, Refusal> {
    Repository::read(payload, "github", "/repository/full_name", "/repository/name", options)
}

pub fn interpret(event: &str, payload: &Value, options: &ConnectionOptions) -> Result<Meaning, Refusal> {
    match event {
        "ping" => Ok(Meaning::Ping),
        "push" => push(payload, options),
        "deployment_status" => deployment_status(payload, options),
        "workflow_run" => workflow_run(payload, options),
        "issues" => issue(payload, options),
        "" => Err(Refusal::new("X-GitHub-Event", "the X-GitHub-Event header is required")),
        other => Ok(Meaning::Ignored(format!(
            "{other} events do not count (push, deployment_status, workflow_run and issues do)"
        ))),
    }
}

fn push(payload: &Value, options: &ConnectionOptions) -> Result<Meaning, Refusal> {
    let repo = repository(payload, options)?;
    let default = text(payload, "/repository/default_branch")
        .unwrap_or("main")
        .to_string();
    json::push(payload, repo, &default)
}

fn deployment_status(payload: &Value, options: &ConnectionOptions) -> Result<Meaning, Refusal> {
    let repo = repository(payload, options)?;
    let state = required(payload, "/deployment_status/state")?;
    let environment = text(payload, "/deployment_status/environment")
        .or_else(|| text(payload, "/deployment/environment"))
        .unwrap_or_default();
    if !options.is_production(environment) {
        return Ok(Meaning::Ignored(format!(
            "environment {environment:?} is not one this connection counts as production ({})",
            options.production_environments.join(", ")
        )));
    }
    let status = match state {
        "success" => Status::Success,
        "failure" | "error" => Status::Failure,
        other => {
            return Ok(Meaning::Ignored(format!(
                "a deployment {other}: only success, failure and error finish one"
            )))
        }
    };
    let deployment_id = id(payload, "/deployment/id")?;
    Ok(Meaning::Events(Events {
        deployments: vec![ForgeDeployment {
            repository: repo.key,
            head_sha: required(payload, "/deployment/sha")?.to_string(),
            id: format!("{DEPLOYMENT_PREFIX}{deployment_id}"),
            service: repo.service,
            environment: json::production_name(environment),
            status,
            started_at: time::optional("deployment.created_at", payload.pointer("/deployment/created_at"))?,
            finished_at: time::required(
                "deployment_status.created_at",
                payload.pointer("/deployment_status/created_at"),
            )?,
        }],
        ..Events::default()
    }))
}

fn workflow_run(payload: &Value, options: &ConnectionOptions) -> Result<Meaning, Refusal> {
    let repo = repository(payload, options)?;
    let name = text(payload, "/workflow_run/name").unwrap_or_default();
    let path = text(payload, "/workflow_run/path")
        .or_else(|| text(payload, "/workflow/path"))
        .unwrap_or_default();
    let file = path.rsplit('/').next().unwrap_or_default();
    let named = options
        .deploy_workflows
        .iter()
        .any(|w| (!name.is_empty() && w == name) || (!file.is_empty() && (w == file || w == path)));
    if !named {
        let shown = if name.is_empty() { path } else { name };
        return Ok(Meaning::Ignored(if options.deploy_workflows.is_empty() {
            format!("workflow {shown:?}: this connection names no deploy workflow")
        } else {
            format!(
                "workflow {shown:?} is not a deploy workflow of this connection ({})",
                options.deploy_workflows.join(", ")
            )
        }));
    }
    if text(payload, "/action") != Some("completed") {
        return Ok(Meaning::Ignored("a workflow run that has not completed".into()));
    }
    let status = match text(payload, "/workflow_run/conclusion") {
        Some("success") => Status::Success,
        Some("failure") => Status::Failure,
        other => {
            return Ok(Meaning::Ignored(format!(
                "a run that concluded {}: only success and failure count",
                other.unwrap_or("nothing")
            )))
        }
    };
    let run = id(payload, "/workflow_run/id")?;
    let attempt = payload
        .pointer("/workflow_run/run_attempt")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    Ok(Meaning::Events(Events {
        deployments: vec![ForgeDeployment {
            repository: repo.key,
            head_sha: required(payload, "/workflow_run/head_sha")?.to_string(),
            id: format!("gh-run-{run}-{attempt}"),
            service: repo.service,
            environment: "production".into(),
            status,
            started_at: time::optional(
                "workflow_run.run_started_at",
                payload.pointer("/workflow_run/run_started_at"),
            )?,
            finished_at: time::required("workflow_run.updated_at", payload.pointer("/workflow_run/updated_at"))?,
        }],
        ..Events::default()
    }))
}

fn issue(payload: &Value, options: &ConnectionOptions) -> Result<Meaning, Refusal> {
    let repo = repository(payload, options)?;
    let number = id(payload, "/issue/number")?;
    let labelled = payload
        .pointer("/issue/labels")
        .and_then(Value::as_array)
        .is_some_and(|labels| {
            labels
                .iter()
                .any(|l| text(l, "/name").is_some_and(|n| n.eq_ignore_ascii_case(&options.incident_label)))
        });
    if !labelled {
        return Ok(Meaning::Ignored(format!(
            "issue #{number} is not labelled {:?}",
            options.incident_label
        )));
    }
    let action = text(payload, "/action").unwrap_or_default();
    if !matches!(action, "opened" | "labeled" | "edited" | "closed" | "reopened") {
        return Ok(Meaning::Ignored(format!("an issue {action}: it changes no incident")));
    }
    let closed = text(payload, "/issue/state") == Some("closed") || action == "closed";
    let resolved_at = if closed {
        Some(time::required("issue.closed_at", payload.pointer("/issue/closed_at"))?)
    } else {
        None
    };
    json::issue_incident(IssueIncident {
        id: format!("gh-issue-{}#{number}", repo.full_name),
        service: repo.service,
        title: text(payload, "/issue/title"),
        opened_at: time::required("issue.created_at", payload.pointer("/issue/created_at"))?,
        resolved_at,
        text: text(payload, "/issue/body").unwrap_or_default(),
        deployment_prefix: DEPLOYMENT_PREFIX,
    })
}

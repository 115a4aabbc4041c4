//! Each tool's payloads as the tools publish or send them: GitHub's from
//! `@octokit/webhooks-examples` (an npm dev dependency of the browser tests),
//! GitLab's and PagerDuty's documented examples and a real Alertmanager's
//! notifications, kept in `server/tests/fixtures/hooks` with their sources.

use serde_json::Value;

use super::*;
use crate::connections::{LabelMatcher, OptionsForm};

fn fixture(name: &str) -> Value {
    let path = format!("{}/server/tests/fixtures/hooks/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).unwrap()
}

/// GitHub's published examples of `event`, or `None` (outside CI) when the
/// browser tests' npm packages are not installed.
fn github_examples(event: &str) -> Option<Vec<Value>> {
    let path = format!(
        "{}/end2end/node_modules/@octokit/webhooks-examples/api.github.com/index.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let Ok(text) = std::fs::read_to_string(&path) else {
        assert!(
            std::env::var("CI").is_err(),
            "{path} is missing: `npm ci --prefix end2end` installs GitHub's example payloads"
        );
        eprintln!("skipped: {path} is missing (npm ci --prefix end2end)");
        return None;
    };
    let all: Vec<Value> = serde_json::from_str(&text).unwrap();
    let definition = all
        .into_iter()
        .find(|d| d["name"] == event)
        .expect("the event has examples");
    Some(definition["examples"].as_array().unwrap().clone())
}

fn read(
    kind: ConnectionKind,
    event: Option<&str>,
    payload: &Value,
    options: &ConnectionOptions,
) -> Result<Meaning, Refusal> {
    interpret(kind, event, payload.to_string().as_bytes(), options)
}

fn events(meaning: Result<Meaning, Refusal>) -> Events {
    match meaning {
        Ok(Meaning::Events(e)) => e,
        other => panic!("expected events, got {other:?}"),
    }
}

fn ignored(meaning: Result<Meaning, Refusal>) -> String {
    match meaning {
        Ok(Meaning::Ignored(reason)) => reason,
        other => panic!("expected ignored, got {other:?}"),
    }
}

fn ms(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .timestamp_millis()
}

#[test]
fn github_push_to_the_default_branch_records_its_commits_in_order() {
    let Some(examples) = github_examples("push") else {
        return;
    };
    let options = ConnectionOptions::default();
    let branch = examples.iter().find(|p| p["ref"] == "refs/heads/master").unwrap();
    let e = events(read(ConnectionKind::Github, Some("push"), branch, &options));
    let commits: Vec<&Value> = branch["commits"].as_array().unwrap().iter().collect();
    assert_eq!(e.pushes.len(), 1);
    assert_eq!(e.pushes[0].repository, "github:Codertocat/Hello-World");
    assert_eq!(e.pushes[0].commits.len(), commits.len());
    assert_eq!(e.pushes[0].commits[0].sha, commits[0]["id"].as_str().unwrap());
    assert_eq!(
        e.pushes[0].commits[0].committed_at,
        ms(commits[0]["timestamp"].as_str().unwrap())
    );
    let tag = examples.iter().find(|p| p["ref"] == "refs/tags/simple-tag").unwrap();
    assert!(
        ignored(read(ConnectionKind::Github, Some("push"), tag, &options)).contains("not to the default branch master")
    );
}

#[test]
fn github_deployment_statuses_finish_production_deployments_only() {
    let Some(examples) = github_examples("deployment_status") else {
        return;
    };
    let options = ConnectionOptions::default();
    let success = examples
        .iter()
        .find(|p| p["deployment_status"]["state"] == "success")
        .unwrap();
    let e = events(read(
        ConnectionKind::Github,
        Some("deployment_status"),
        success,
        &options,
    ));
    let d = &e.deployments[0];
    assert_eq!(d.id, format!("gh-deploy-{}", success["deployment"]["id"]));
    assert_eq!(
        (d.service.as_str(), d.status),
        ("Hello-World", crate::measured::Status::Success)
    );
    assert_eq!(d.head_sha, success["deployment"]["sha"].as_str().unwrap());
    assert_eq!(
        d.finished_at,
        ms(success["deployment_status"]["created_at"].as_str().unwrap())
    );
    let pending = examples
        .iter()
        .find(|p| p["deployment_status"]["state"] == "in_progress")
        .unwrap();
    assert!(!ignored(read(
        ConnectionKind::Github,
        Some("deployment_status"),
        pending,
        &options
    ))
    .is_empty());

    let mut failed = success.clone();
    failed["deployment_status"]["state"] = "error".into();
    let e = events(read(
        ConnectionKind::Github,
        Some("deployment_status"),
        &failed,
        &options,
    ));
    assert_eq!(e.deployments[0].status, crate::measured::Status::Failure);

    let mut staging = success.clone();
    staging["deployment_status"]["environment"] = "staging".into();
    assert!(ignored(read(
        ConnectionKind::Github,
        Some("deployment_status"),
        &staging,
        &options
    ))
    .contains("staging"));
    let live = OptionsForm {
        production_environments: "staging".into(),
        services: "Codertocat/Hello-World=greeter".into(),
        ..OptionsForm::default()
    }
    .parse()
    .unwrap();
    let e = events(read(ConnectionKind::Github, Some("deployment_status"), &staging, &live));
    assert_eq!(
        (e.deployments[0].environment.as_str(), e.deployments[0].service.as_str()),
        ("production", "greeter"),
        "an environment the connection names as production counts, under the mapped service"
    );
}

#[test]
fn github_workflow_runs_count_for_named_deploy_workflows() {
    let Some(examples) = github_examples("workflow_run") else {
        return;
    };
    let success = examples
        .iter()
        .find(|p| p["workflow_run"]["conclusion"] == "success")
        .unwrap();
    let none = ConnectionOptions::default();
    assert!(
        ignored(read(ConnectionKind::Github, Some("workflow_run"), success, &none))
            .contains("names no deploy workflow")
    );
    let by_file = OptionsForm {
        deploy_workflows: "test.yml".into(),
        ..OptionsForm::default()
    }
    .parse()
    .unwrap();
    let e = events(read(ConnectionKind::Github, Some("workflow_run"), success, &by_file));
    let d = &e.deployments[0];
    assert_eq!(d.id, format!("gh-run-{}-1", success["workflow_run"]["id"]));
    assert_eq!(d.head_sha, success["workflow_run"]["head_sha"].as_str().unwrap());
    assert_eq!(
        d.finished_at,
        ms(success["workflow_run"]["updated_at"].as_str().unwrap())
    );
    let requested = examples.iter().find(|p| p["action"] == "requested").unwrap();
    assert!(!ignored(read(ConnectionKind::Github, Some("workflow_run"), requested, &by_file)).is_empty());
}

#[test]
fn github_incident_issues_open_resolve_and_link_explicitly() {
    let Some(examples) = github_examples("issues") else {
        return;
    };
    let options = ConnectionOptions::default();
    let opened = examples.iter().find(|p| p["action"] == "opened").unwrap();
    assert!(
        ignored(read(ConnectionKind::Github, Some("issues"), opened, &options)).contains("not labelled \"incident\"")
    );
    let mut incident = opened.clone();
    incident["issue"]["labels"] = serde_json::json!([{"name": "Incident"}]);
    incident["issue"]["body"] = "Checkout fails.\n\nroot cause: 6113728f27ae82c7b1a177c8d03f9e96e0adf246\n".into();
    let e = events(read(ConnectionKind::Github, Some("issues"), &incident, &options));
    let i = &e.incidents[0];
    assert_eq!(
        i.id,
        format!("gh-issue-Codertocat/Hello-World#{}", opened["issue"]["number"])
    );
    assert_eq!(i.opened_at, ms(opened["issue"]["created_at"].as_str().unwrap()));
    assert_eq!(
        (i.resolved_at, i.commit_sha.as_deref()),
        (None, Some("6113728f27ae82c7b1a177c8d03f9e96e0adf246"))
    );

    let mut closed = incident.clone();
    closed["action"] = "closed".into();
    closed["issue"]["state"] = "closed".into();
    closed["issue"]["closed_at"] = "2019-05-15T17:20:18Z".into();
    closed["issue"]["body"] = "deployment: 145988746".into();
    let e = events(read(ConnectionKind::Github, Some("issues"), &closed, &options));
    assert_eq!(e.incidents[0].resolved_at, Some(ms("2019-05-15T17:20:18Z")));
    assert_eq!(e.incidents[0].deployment_id.as_deref(), Some("gh-deploy-145988746"));
}

#[test]
fn github_pings_answer_and_other_events_are_ignored() {
    let Some(examples) = github_examples("ping") else {
        return;
    };
    let options = ConnectionOptions::default();
    assert_eq!(
        read(ConnectionKind::Github, Some("ping"), &examples[0], &options),
        Ok(Meaning::Ping)
    );
    assert!(
        ignored(read(ConnectionKind::Github, Some("star"), &examples[0], &options))
            .starts_with("star events do not count")
    );
    assert_eq!(
        read(ConnectionKind::Github, None, &examples[0], &options)
            .unwrap_err()
            .field,
        "X-GitHub-Event"
    );
}

#[test]
fn gitlab_documented_events_read_as_the_api_would() {
    let options = ConnectionOptions::default();
    let push = fixture("gitlab-push.json");
    let e = events(read(ConnectionKind::Gitlab, Some("Push Hook"), &push, &options));
    let documented = push["commits"].as_array().unwrap();
    assert_eq!(e.pushes[0].commits.len(), documented.len());
    assert_eq!(
        e.pushes[0].commits.last().unwrap().sha,
        push["after"].as_str().unwrap(),
        "the pushed head comes last"
    );
    // `2011-12-12T14:27:31+02:00`: an offset, not UTC.
    let first = documented
        .iter()
        .find(|c| c["id"] == e.pushes[0].commits[0].sha.as_str())
        .unwrap();
    assert_eq!(
        e.pushes[0].commits[0].committed_at,
        ms(first["timestamp"].as_str().unwrap())
    );

    let deployment = fixture("gitlab-deployment.json");
    assert!(ignored(read(ConnectionKind::Gitlab, None, &deployment, &options)).contains("staging"));
    let staging_is_live = OptionsForm {
        production_environments: "staging".into(),
        ..OptionsForm::default()
    }
    .parse()
    .unwrap();
    let e = events(read(ConnectionKind::Gitlab, None, &deployment, &staging_is_live));
    let d = &e.deployments[0];
    assert_eq!(d.id, "gl-deploy-15");
    assert!(deployment["commit_url"].as_str().unwrap().ends_with(&d.head_sha) && d.head_sha.len() == 40);
    // `2021-04-28 21:50:00 +0200`
    assert_eq!(d.finished_at, ms("2021-04-28T19:50:00Z"));

    let opened = events(read(
        ConnectionKind::Gitlab,
        None,
        &fixture("gitlab-incident-opened.json"),
        &options,
    ));
    let closed = events(read(
        ConnectionKind::Gitlab,
        None,
        &fixture("gitlab-incident-closed.json"),
        &options,
    ));
    assert_eq!(
        opened.incidents[0].id, closed.incidents[0].id,
        "one incident, opened then resolved"
    );
    assert_eq!(opened.incidents[0].resolved_at, None);
    assert_eq!(closed.incidents[0].resolved_at, Some(ms("2013-12-03T18:02:10Z")));
    let plain = fixture("gitlab-issue.json");
    assert!(ignored(read(ConnectionKind::Gitlab, None, &plain, &options)).contains("neither an incident"));
}

#[test]
fn pagerduty_incidents_open_and_resolve_under_the_mapped_service() {
    let mapped = OptionsForm {
        services: "PF9KMXH=payments-api".into(),
        ..OptionsForm::default()
    }
    .parse()
    .unwrap();
    let triggered = fixture("pagerduty-incident-triggered.json");
    let e = events(read(ConnectionKind::Pagerduty, None, &triggered, &mapped));
    let i = &e.incidents[0];
    assert_eq!((i.id.as_str(), i.service.as_str()), ("pd-PGR0VU2", "payments-api"));
    assert_eq!((i.opened_at, i.resolved_at), (ms("2020-04-09T15:16:27Z"), None));
    let resolved = fixture("pagerduty-incident-resolved.json");
    let e = events(read(
        ConnectionKind::Pagerduty,
        None,
        &resolved,
        &ConnectionOptions::default(),
    ));
    assert_eq!(
        e.incidents[0].service, "API Service",
        "unmapped, the PagerDuty service's name"
    );
    assert_eq!(
        e.incidents[0].resolved_at,
        Some(ms(resolved["event"]["occurred_at"].as_str().unwrap()))
    );
    let other = fixture("pagerduty-incident-priority-updated.json");
    assert!(ignored(read(ConnectionKind::Pagerduty, None, &other, &mapped)).starts_with("incident.priority_updated"));
}

#[test]
fn alertmanager_alerts_open_and_resolve_by_fingerprint_and_start() {
    let options = ConnectionOptions::default();
    let firing = fixture("alertmanager-captured-firing.json");
    let resolved = fixture("alertmanager-captured-resolved.json");
    let opened = events(read(ConnectionKind::Alertmanager, None, &firing, &options));
    let closed = events(read(ConnectionKind::Alertmanager, None, &resolved, &options));
    let alert = &firing["alerts"][0];
    assert_eq!(opened.incidents[0].id, closed.incidents[0].id);
    assert_eq!(opened.incidents[0].service, "payments-api");
    assert_eq!(opened.incidents[0].opened_at, ms(alert["startsAt"].as_str().unwrap()));
    assert_eq!(opened.incidents[0].resolved_at, None, "endsAt 0001-01-01 means not yet");
    assert_eq!(
        closed.incidents[0].resolved_at,
        Some(ms(resolved["alerts"][0]["endsAt"].as_str().unwrap()))
    );
    let pages = ConnectionOptions {
        matchers: vec![LabelMatcher {
            label: "severity".into(),
            value: "page".into(),
            equal: true,
        }],
        ..ConnectionOptions::default()
    };
    assert!(ignored(read(ConnectionKind::Alertmanager, None, &firing, &pages)).contains("does not match severity=page"));
    let mut v3 = firing.clone();
    v3["version"] = "3".into();
    assert_eq!(
        read(ConnectionKind::Alertmanager, None, &v3, &options)
            .unwrap_err()
            .field,
        "version"
    );
}

#[test]
fn payloads_the_api_would_refuse_are_refused_naming_the_field() {
    let options = ConnectionOptions::default();
    let not_json = interpret(ConnectionKind::Gitlab, None, b"{", &options).unwrap_err();
    assert_eq!(not_json.field, "body");
    let mut firing = fixture("alertmanager-captured-firing.json");
    firing["alerts"][0]["startsAt"] = "yesterday".into();
    assert_eq!(
        read(ConnectionKind::Alertmanager, None, &firing, &options)
            .unwrap_err()
            .field,
        "alerts[0].startsAt"
    );
    let mut closed = fixture("gitlab-incident-closed.json");
    closed["object_attributes"]["closed_at"] = "2013-12-03T17:00:00Z".into();
    assert_eq!(
        read(ConnectionKind::Gitlab, None, &closed, &options).unwrap_err().field,
        "resolved_at",
        "the API's own rule: not resolved before it was opened"
    );
}

#[test]
fn explicit_link_lines_are_read_from_a_persons_text() {
    assert_eq!(
        explicit_links(
            "Impact: checkout\n- Deployment: 42\n> Root cause: `abc123`.",
            "gh-deploy-"
        ),
        (Some("gh-deploy-42".into()), Some("abc123".into()))
    );
    assert_eq!(
        explicit_links("deployment: d-7 (the Tuesday one)", "gl-deploy-")
            .0
            .as_deref(),
        Some("d-7")
    );
    assert_eq!(explicit_links("nothing here", "x"), (None, None));
}

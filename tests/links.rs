//! A person's choice of an incident's link (issue 17, point 7), on SQLite and
//! PostgreSQL: it wins over the id or commit its sender named and over
//! inference, outlives a redelivery, and the figures follow it exactly as the
//! definition over the same events with the same choices computes them.

use checkpoint_test_support::on_both_backends;

use checkpoint_core::accounts::{CurrentUser, Role};
use checkpoint_core::connections::ConnectionKind;
use checkpoint_core::dora::Benchmark;
use checkpoint_core::ingest::{DeploymentEvent, IncidentEvent};
use checkpoint_core::measured::{
    measure, BoundedWindow, Choice, ChoiceRequest, Commit, Deployment, Incident, Link, LinkChoice, Measured, Source,
    Window, DAY_MS,
};
use checkpoint_core::store::api_tokens::TokenSquad;
use checkpoint_core::store::measured::{Reader, Scope};
use checkpoint_core::store::squads::SquadForm;
use checkpoint_core::store::{ServiceError, Store};

fn user(name: &str, role: Role) -> CurrentUser {
    CurrentUser {
        id: name.into(),
        username: name.into(),
        role,
    }
}

const END: &str = "2026-11-01T00:00:00Z";

fn end() -> i64 {
    chrono::DateTime::parse_from_rfc3339(END).unwrap().timestamp_millis()
}

fn at(days_before_end: f64) -> String {
    let end = chrono::DateTime::parse_from_rfc3339(END).unwrap();
    (end - chrono::Duration::milliseconds((days_before_end * 86_400_000.0) as i64)).to_rfc3339()
}

fn window(days: i64, ending_days_before_end: i64) -> Window {
    let to = end() - ending_days_before_end * DAY_MS;
    Window {
        from: to - days * DAY_MS,
        to,
    }
}

fn deployments(list: serde_json::Value) -> Vec<DeploymentEvent> {
    checkpoint_core::ingest::json::deployments(serde_json::json!({ "deployments": list }).to_string().as_bytes())
        .unwrap()
}

fn incidents(list: serde_json::Value) -> Vec<IncidentEvent> {
    checkpoint_core::ingest::json::incidents(serde_json::json!({ "incidents": list }).to_string().as_bytes()).unwrap()
}

fn deploy(id: &str, env: &str, status: &str, finished: f64, sha: &str) -> serde_json::Value {
    serde_json::json!({"id": id, "service": "api", "environment": env, "status": status, "finished_at": at(finished),
        "commits": [{"sha": sha, "committed_at": at(finished + 0.1)}]})
}

fn as_measured(d: &DeploymentEvent, source: &Source) -> Deployment {
    Deployment {
        id: d.id.clone(),
        service: d.service.clone(),
        environment: d.environment.clone(),
        status: d.status,
        started_at: d.started_at,
        finished_at: d.finished_at,
        commits: d
            .commits
            .iter()
            .map(|c| Commit {
                sha: c.sha.clone(),
                committed_at: c.committed_at,
            })
            .collect(),
        rework: d.rework,
        source: source.clone(),
    }
}

fn as_incident(i: &IncidentEvent, source: &Source) -> Incident {
    Incident {
        id: i.id.clone(),
        service: i.service.clone(),
        opened_at: i.opened_at,
        started_at: i.started_at,
        resolved_at: i.resolved_at,
        deployment_id: i.deployment_id.clone(),
        commit_sha: i.commit_sha.clone(),
        source: source.clone(),
        choice: None,
    }
}

struct Squad {
    token: TokenSquad,
    scope: Scope,
    deployments: Vec<Deployment>,
    incidents: Vec<Incident>,
}

/// Five production successes and a failure of `api` (one deployment, d3, from
/// a CSV import), one staging deployment, and three incidents each linked by
/// a different rule (one sent by a GitHub connection):
/// - inc-explicit names d1;
/// - inc-commit names c2, first deployed by d2;
/// - inc-inferred began after d4, the latest success before it.
async fn squad(store: &Store) -> Squad {
    store
        .create_squad(None, SquadForm::parse("Payments", "Money", None).unwrap())
        .await
        .unwrap();
    let secret = store.create_api_token(None, "payments", "ci").await.unwrap().secret;
    let token = store.authenticate_token(&secret).await.unwrap().unwrap();
    let api = deployments(serde_json::json!([
        deploy("d5", "production", "success", 20.0, "c5"),
        deploy("d1", "production", "success", 10.0, "c1"),
        deploy("d2", "production", "success", 6.0, "c2"),
        deploy("d4", "production", "success", 2.0, "c4"),
        deploy("old", "production", "success", 60.0, "c0"),
        deploy("stage-1", "staging", "success", 1.5, "c6"),
    ]));
    let csv = deployments(serde_json::json!([deploy("d3", "production", "failure", 3.0, "c3")]));
    store.ingest_deployments(&token, api.clone()).await.unwrap();
    store
        .ingest_deployments_from(&token, &Source::Csv, csv.clone())
        .await
        .unwrap();
    let github = Source::Connection {
        kind: ConnectionKind::Github,
        name: "payments repo".into(),
    };
    let sent = incidents(serde_json::json!([
        {"id": "inc-explicit", "service": "api", "opened_at": at(4.5), "resolved_at": at(4.4), "deployment_id": "d1"},
        {"id": "inc-commit", "service": "api", "opened_at": at(5.0), "resolved_at": at(4.9), "commit_sha": "c2"},
    ]));
    let hooked = incidents(serde_json::json!([
        {"id": "inc-inferred", "service": "api", "opened_at": at(1.0), "resolved_at": at(0.5)},
    ]));
    store.ingest_incidents(&token, sent.clone()).await.unwrap();
    store
        .ingest_incidents_from(&token, &github, hooked.clone())
        .await
        .unwrap();
    let viewer = user("vera", Role::Viewer);
    let scope = store
        .metrics_scope(Reader::User(&viewer), Some("payments"), None)
        .await
        .unwrap();
    Squad {
        token,
        scope,
        deployments: api
            .iter()
            .map(|d| as_measured(d, &Source::Api))
            .chain(csv.iter().map(|d| as_measured(d, &Source::Csv)))
            .collect(),
        incidents: sent
            .iter()
            .map(|i| as_incident(i, &Source::Api))
            .chain(hooked.iter().map(|i| as_incident(i, &github)))
            .collect(),
    }
}

impl Squad {
    /// The definition over every event, with these choices.
    fn pure(&self, choices: &[(&str, Option<LinkChoice>)], w: Window) -> Measured {
        let incidents: Vec<Incident> = self
            .incidents
            .iter()
            .cloned()
            .map(|mut i| {
                if let Some((_, c)) = choices.iter().find(|(id, _)| *id == i.id) {
                    i.choice = c.clone().map(|choice| Choice {
                        choice,
                        by: "fran".into(),
                        at: 0,
                    });
                }
                i
            })
            .collect();
        measure(&self.deployments, &incidents, w, Benchmark::default())
    }
}

fn ask(w: Window) -> BoundedWindow {
    BoundedWindow::parse(w.from, w.to).unwrap()
}

/// The windows every figure is compared over: the month, a past fortnight
/// (the incidents resolved in it, their deployments before it), and a week.
const WINDOWS: [(i64, i64); 3] = [(30, 0), (14, 4), (7, 0)];

async fn agree(store: &Store, s: &Squad, choices: &[(&str, Option<LinkChoice>)], what: &str) {
    for (days, ending) in WINDOWS {
        let w = window(days, ending);
        let stored = store.measure(&s.scope, ask(w), Benchmark::default()).await.unwrap();
        assert_eq!(
            stored,
            s.pure(choices, w),
            "{what}: {days} days ending {ending} days early"
        );
        let page = store
            .squad_metrics(&s.scope, ask(w), Benchmark::default())
            .await
            .unwrap();
        assert_eq!(page.overall, stored, "{what}: the page's figures");
    }
}

fn relink(to: &str) -> Option<LinkChoice> {
    Some(LinkChoice::Relinked { deployment: to.into() })
}

async fn a_persons_choice_wins_over_every_rule_and_outlives_a_redelivery(store: Store) {
    let s = squad(&store).await;
    let fran = user("fran", Role::Facilitator);
    let month = window(30, 0);
    let before = store.measure(&s.scope, ask(month), Benchmark::default()).await.unwrap();
    agree(&store, &s, &[], "no choice").await;
    // d1, d2, d4 tied to an incident each, d3 failed: 4 of 5 attempts.
    assert_eq!(
        (before.change_failure_rate.failed, before.change_failure_rate.total),
        (4, 5)
    );

    // Unlinking the inferred incident frees d4.
    store
        .choose_incident_link(&fran, "payments", "inc-inferred", ChoiceRequest::Unlink)
        .await
        .unwrap();
    let unlinked = [("inc-inferred", Some(LinkChoice::Unlinked))];
    agree(&store, &s, &unlinked, "inferred unlinked").await;
    let m = store.measure(&s.scope, ask(month), Benchmark::default()).await.unwrap();
    assert_eq!(
        (m.change_failure_rate.failed, m.change_failure_rate.percent),
        (3, Some(60))
    );
    assert_eq!(
        m.failed_deployment_recovery.incidents,
        before.failed_deployment_recovery.incidents - 1,
        "an unlinked incident is no longer a failed change's recovery"
    );

    // Relinks win over the id and the commit the sender named: the explicit
    // incident to d5, the commit's to the failed d3 (already failed).
    for (incident, to) in [("inc-explicit", "d5"), ("inc-commit", "d3")] {
        store
            .choose_incident_link(&fran, "payments", incident, ChoiceRequest::Relink(to.into()))
            .await
            .unwrap();
    }
    let chosen = [
        ("inc-inferred", Some(LinkChoice::Unlinked)),
        ("inc-explicit", relink("d5")),
        ("inc-commit", relink("d3")),
    ];
    agree(&store, &s, &chosen, "relinked").await;
    let m = store.measure(&s.scope, ask(month), Benchmark::default()).await.unwrap();
    // d5 (relinked) and d3 (failed): 2 of 5.
    assert_eq!(
        (m.change_failure_rate.failed, m.change_failure_rate.percent),
        (2, Some(40))
    );

    // The page says how each is linked, by whom, and who sent it.
    let page = store
        .squad_metrics(&s.scope, ask(month), Benchmark::default())
        .await
        .unwrap();
    type Row<'a> = (&'a str, Option<Link>, Option<&'a str>, Option<&'a str>, String);
    let rows: Vec<Row> = page
        .provenance
        .incidents
        .iter()
        .map(|i| {
            (
                i.id.as_str(),
                i.link,
                i.deployment.as_deref(),
                i.choice.as_ref().map(|c| c.by.as_str()),
                i.source.describe(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "inc-inferred",
                None,
                None,
                Some("fran"),
                "GitHub (payments repo)".to_string()
            ),
            (
                "inc-explicit",
                Some(Link::Chosen),
                Some("d5"),
                Some("fran"),
                "the API".to_string()
            ),
            (
                "inc-commit",
                Some(Link::Chosen),
                Some("d3"),
                Some("fran"),
                "the API".to_string()
            ),
        ]
    );
    type Failed<'a> = (&'a str, bool, Vec<(String, Link)>, String);
    let failed: Vec<Failed> = page
        .provenance
        .failed
        .iter()
        .map(|d| (d.id.as_str(), d.status_failed, d.incidents.clone(), d.source.describe()))
        .collect();
    assert_eq!(
        failed,
        [
            (
                "d3",
                true,
                vec![("inc-commit".to_string(), Link::Chosen)],
                "a CSV import".to_string()
            ),
            (
                "d5",
                false,
                vec![("inc-explicit".to_string(), Link::Chosen)],
                "the API".to_string()
            ),
        ]
    );

    // A redelivery of every incident, from the API and from the connection,
    // leaves the choices as they were.
    let resend: Vec<IncidentEvent> = incidents(serde_json::json!([
        {"id": "inc-explicit", "service": "api", "opened_at": at(4.5), "resolved_at": at(4.4), "deployment_id": "d1"},
        {"id": "inc-commit", "service": "api", "opened_at": at(5.0), "resolved_at": at(4.9), "commit_sha": "c2"},
    ]));
    store.ingest_incidents(&s.token, resend).await.unwrap();
    let github = Source::Connection {
        kind: ConnectionKind::Github,
        name: "payments repo".into(),
    };
    store
        .ingest_incidents_from(
            &s.token,
            &github,
            incidents(serde_json::json!([{"id": "inc-inferred", "service": "api", "opened_at": at(1.0), "resolved_at": at(0.5)}])),
        )
        .await
        .unwrap();
    agree(&store, &s, &chosen, "after a redelivery").await;

    // Back to automatic: every figure is what it was.
    for incident in ["inc-inferred", "inc-explicit", "inc-commit"] {
        store
            .choose_incident_link(&fran, "payments", incident, ChoiceRequest::Automatic)
            .await
            .unwrap();
    }
    agree(&store, &s, &[], "back to automatic").await;
    let page = store
        .squad_metrics(&s.scope, ask(month), Benchmark::default())
        .await
        .unwrap();
    let links: Vec<(&str, Option<Link>, Option<&str>)> = page
        .provenance
        .incidents
        .iter()
        .map(|i| (i.id.as_str(), i.link, i.deployment.as_deref()))
        .collect();
    assert_eq!(
        links,
        [
            ("inc-inferred", Some(Link::Inferred), Some("d4")),
            ("inc-explicit", Some(Link::Explicit), Some("d1")),
            ("inc-commit", Some(Link::Commit), Some("d2")),
        ]
    );
    assert!(page.provenance.incidents.iter().all(|i| i.choice.is_none()));
}

/// A relink to a deployment before the window ties an incident resolved in
/// it (failed deployment recovery counts it) and frees the deployment in the
/// window it would have been inferred onto.
async fn a_relink_reaches_outside_the_window(store: Store) {
    let s = squad(&store).await;
    let fran = user("fran", Role::Facilitator);
    store
        .choose_incident_link(&fran, "payments", "inc-inferred", ChoiceRequest::Relink("old".into()))
        .await
        .unwrap();
    store
        .choose_incident_link(&fran, "payments", "inc-explicit", ChoiceRequest::Unlink)
        .await
        .unwrap();
    agree(
        &store,
        &s,
        &[
            ("inc-inferred", relink("old")),
            ("inc-explicit", Some(LinkChoice::Unlinked)),
        ],
        "relinked before the window",
    )
    .await;
    let one = store
        .metrics_scope(Reader::User(&fran), Some("payments"), Some("api"))
        .await
        .unwrap();
    let w = window(30, 0);
    let m = store.measure(&one, ask(w), Benchmark::default()).await.unwrap();
    assert_eq!(
        m,
        s.pure(
            &[
                ("inc-inferred", relink("old")),
                ("inc-explicit", Some(LinkChoice::Unlinked))
            ],
            w
        ),
        "one service"
    );
    // Only inc-commit's d2 and the failed d3 are failed now.
    assert_eq!(m.change_failure_rate.failed, 2);
}

async fn a_refused_choice_changes_nothing(store: Store) {
    let s = squad(&store).await;
    store
        .create_squad(None, SquadForm::parse("Search", "Money", None).unwrap())
        .await
        .unwrap();
    let fran = user("fran", Role::Facilitator);
    let month = window(30, 0);
    let before = store
        .squad_metrics(&s.scope, ask(month), Benchmark::default())
        .await
        .unwrap();
    let refusals = [
        (
            user("vera", Role::Viewer),
            "payments",
            "inc-inferred",
            ChoiceRequest::Unlink,
            "forbidden",
        ),
        (
            fran.clone(),
            "payments",
            "inc-inferred",
            ChoiceRequest::Relink("nope".into()),
            "deployment",
        ),
        (
            fran.clone(),
            "payments",
            "inc-inferred",
            ChoiceRequest::Relink("stage-1".into()),
            "deployment",
        ),
        (
            fran.clone(),
            "payments",
            "inc-missing",
            ChoiceRequest::Unlink,
            "incident",
        ),
        (
            fran.clone(),
            "search",
            "inc-inferred",
            ChoiceRequest::Unlink,
            "incident",
        ),
        (fran.clone(), "nobody", "inc-inferred", ChoiceRequest::Unlink, "squad"),
    ];
    for (who, squad, incident, choice, why) in refusals {
        let got = store.choose_incident_link(&who, squad, incident, choice.clone()).await;
        let what = match got {
            Err(ServiceError::Forbidden) => "forbidden".to_string(),
            Err(ServiceError::NotFound(thing)) => thing.to_string(),
            Err(ServiceError::Invalid(e)) => e.field.clone(),
            other => format!("{other:?}"),
        };
        assert_eq!(what, why, "{squad} {incident} {choice:?} by {}", who.username);
    }
    let after = store
        .squad_metrics(&s.scope, ask(month), Benchmark::default())
        .await
        .unwrap();
    assert_eq!(after, before, "a refused choice changes nothing");
    // Admins choose too.
    store
        .choose_incident_link(
            &user("ada", Role::Admin),
            "payments",
            "inc-inferred",
            ChoiceRequest::Unlink,
        )
        .await
        .unwrap();
}

on_both_backends!(
    a_persons_choice_wins_over_every_rule_and_outlives_a_redelivery,
    a_relink_reaches_outside_the_window,
    a_refused_choice_changes_nothing,
);
